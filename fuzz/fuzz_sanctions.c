/* Fuzz target: the sanctions list files `wam sanctions import` and
 * POST /api/v1/sanctions/import read — the UN Consolidated List XML (libxml2,
 * no network, no entities, no DOCTYPE) and a national list in CSV — from
 * raw bytes to the entries or a refusal naming a line. An input whose
 * first byte is 'C' is the CSV after it; any other is the XML whole. Every
 * list read whole is then imported into the target's registry, so the
 * comparison with the last import (added, amended, removed) and the
 * re-screening run as well. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sanctions/sanctions.h"

static wam_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *list = NULL, *out = NULL;
	if (!db)
		db = fuzz_registry(0);
	bool csv = size && data[0] == 'C';
	const char *text = (const char *)data + (csv ? 1 : 0);
	size_t len = csv ? size - 1 : size;
	int rc = csv ? sanctions_parse_csv(&list, text, len, "fuzz national") : sanctions_parse_xml(&list, text, len);
	if (rc) {
		if (list || !wam_error_last()->message[0])
			abort(); /* a refusal sets its error and gives nothing */
		return 0;
	}
	if (!json_is_array(json_object_get(list, "entries")))
		abort();
	json_decref(list);
	if (!wam_sanctions_import(db, &out, text, len, csv ? "csv" : "un-xml", csv ? "fuzz national" : NULL))
		json_decref(out);
	return 0;
}
