/* Fuzz target: `wam search --batch FILE` — one query per line, serial,
 * make, model, calibre and country separated by tabs — and the serial
 * matcher each line reaches: normalization of any script, look-alikes,
 * wildcards, the index and the ranking. Lines are split as the command
 * splits them (src/cli/cmd_match.c, run_batch: lines of up to 4095 bytes,
 * empty fields for no filter), searched in a demo registry, and each serial
 * is explained too (`wam search --explain`). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "wam/match.h"

static wam_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		db = fuzz_registry(60);
	if (!size)
		return 0;
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	char line[4096];
	for (int lines = 0; lines < 64 && fgets(line, sizeof line, in); lines++) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, "\t ")])
			continue;
		char *f[5] = {NULL};
		char *p = line;
		for (int i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		wam_match_query q = {.serial = f[0], .max_edits = -1};
		q.make = f[1] && *f[1] ? f[1] : NULL;
		q.model = f[2] && *f[2] ? f[2] : NULL;
		q.calibre = f[3] && *f[3] ? f[3] : NULL;
		q.country = f[4] && *f[4] ? f[4] : NULL;
		json_t *res = NULL, *ex = NULL;
		wam_match_search(db, &res, &q);
		wam_match_explain(&ex, f[0]);
		json_decref(res);
		json_decref(ex);
	}
	fclose(in);
	return 0;
}
