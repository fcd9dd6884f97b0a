/* Fuzz target: `wam import FILE` and POST /import — CSV (or a registry's
 * JSON export) from raw bytes to validated weapons.
 *
 * Feeds the bytes to wam_registry_import() on a demo registry, in dry-run
 * mode, so every row goes through the CSV reader, the field checks and
 * duplicate detection against the registry's weapons, and nothing
 * accumulates between runs. fuzz/README.md says how to build and run it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/registry.h"

static wam_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		db = fuzz_registry(60);
	if (!size)
		return 0;
	FILE *in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	wam_import_opts o = {.dry_run = 1};
	wam_import_report rep;
	wam_registry_import(db, &rep, in, &o);
	wam_registry_import_report_free(&rep);
	fclose(in);
	return 0;
}
