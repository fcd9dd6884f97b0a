/* Canonical JSON: the one byte form of a value that hashes and signatures
 * cover. Compact, object keys sorted by byte value, strings as UTF-8 with
 * only the escapes JSON requires, reals with 15 significant digits (what a
 * person typed, e.g. 18.54, survives a round trip). */
#include <stdlib.h>

#include "internal.h"

char *wam_canon(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15) |
	                         JSON_ENCODE_ANY);
}
