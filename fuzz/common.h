/* What the fuzz targets share: a registry of their own in a temporary
 * directory, made once per process, and the names a seed may use for the
 * ids of that registry (@SITE@, @ITEM@ ...), whose values differ from one
 * registry to the next. See fuzz/README.md. */
#ifndef WAM_FUZZ_COMMON_H
#define WAM_FUZZ_COMMON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "wam/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A new registry (country HT) at DIR/reg.db in a new temporary directory,
 * with a demo of `demo_items` weapons when that is not 0, its actor
 * "fuzz", and the placeholders filled from it: @SITE@ and @SITE2@ (two
 * sites), @ITEM@ and @ITEM2@ (two weapons), @HOLDER@, @LOT@ (when the demo
 * made them). Aborts on failure: a target without its registry cannot run. */
wam_db *fuzz_registry(long demo_items);

/* The path of the registry fuzz_registry() made. */
const char *fuzz_registry_path(void);

/* Sets (or adds) a placeholder: `name` ("@CHECK@") is replaced by `value`. */
void fuzz_placeholder(const char *name, const char *value);

/* The value of placeholder `name`, or "" when it has none. */
const char *fuzz_value(const char *name);

/* `data` as a NUL-terminated copy with every placeholder replaced; its
 * length in `*len`. The caller frees it. */
char *fuzz_text(const uint8_t *data, size_t size, size_t *len);

/* One kind of record a target takes: the name an input's first line gives
 * and the library call the JSON after it goes to. */
typedef struct fuzz_record {
	const char *name;
	int (*call)(json_t **out, const json_t *in);
} fuzz_record;

/* An input "NAME\nJSON": the placeholders replaced, the JSON parsed as the
 * server parses a body (duplicate keys refused) and given, whatever JSON
 * it is, to the call of `records` (`n` of them) named NAME; nothing when
 * no record has that name or the text is not JSON. */
void fuzz_record_input(const uint8_t *data, size_t size, const fuzz_record *records, size_t n);

#endif
