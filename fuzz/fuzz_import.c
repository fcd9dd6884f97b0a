/* Fuzz target: the CSV import path, from raw bytes to validated weapons.
 *
 * Feeds arbitrary bytes to wam_registry_import() on a fresh in-memory-backed
 * registry (a temporary file, created once) in dry-run mode, so every row
 * goes through the CSV reader, field checks and duplicate detection and
 * nothing accumulates between runs. Build with clang:
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false --buildtype=debug \
 *     -Dc_args=-fsanitize=fuzzer-no-link,address,undefined -Dc_link_args=-fsanitize=address,undefined
 *   ninja -C build-fuzz && build-fuzz/fuzz/fuzz_import fuzz/corpus/
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wam/registry.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static wam_db *db;

static void open_once(void)
{
	char dir[] = "/tmp/wam-fuzz-XXXXXX", path[64];
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/reg.db", dir);
	if (wam_db_create(&db, path, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!db)
		open_once();
	FILE *in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	wam_import_opts o = {.dry_run = 1};
	wam_import_report rep;
	wam_registry_import(db, &rep, in, &o);
	wam_import_report_free(&rep);
	fclose(in);
	return 0;
}
