/* Fuzz target: an evidence pack from outside (`wam evidence verify FILE`,
 * `POST /api/v1/evidence-packs/verify`), from raw bytes to a verdict or a
 * refusal: the tar read by libarchive, the manifest and the signature
 * document parsed, every file hashed. An input whose first byte is odd is
 * verified with an explicit public key (the path of `--key`), the others
 * against the registry's own node and its peers. Nothing is written. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "wam/error.h"
#include "wam/monitoring.h"

static wam_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		db = fuzz_registry(0);
	json_t *out = NULL;
	const char *key =
	    size && (data[0] & 1) ? "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29" : NULL;
	int rc = wam_monitoring_evidence_verify(db, &out, NULL, data, size, key);
	if (!rc && !json_is_boolean(json_object_get(out, "valid")))
		abort(); /* a verdict always says whether the pack is valid */
	json_decref(out);
	return 0;
}
