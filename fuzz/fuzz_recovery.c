/* Fuzz target: recovered ammunition — a recovery with its weapons and
 * ammunition lines (`wam recovery add --from`, `POST /api/v1/recoveries`),
 * rounds of a line taken into a stock lot (`wam recovery stock-ammunition`,
 * `POST /api/v1/recoveries/{id}/ammunition/{line}/stock`) and listed in a
 * destruction batch (`wam destruction add-recovered`, `POST
 * /api/v1/destructions/{id}/recovered`) — from raw text to a record or a
 * refusal. Whatever passes, no line of the registry's recoveries ever has
 * fewer than zero rounds remaining: the target aborts if one does.
 *
 * An input is the name of the record on its first line, then the JSON:
 *   recovery
 *   {"type": "seized", ..., "ammunition": [{"calibre": "7.62x39mm", ...}]}
 *   stock
 *   {"line": 0, "lot": {"rounds": 10, "site_id": "@SITE@"}}
 *   recovered
 *   {"line": 0, "rounds": 10}
 * @SITE@ is a site of the target's registry, @RECOVERY@ a recovery of two
 * ammunition lines recorded there and @BATCH@ an open destruction batch;
 * `stock` and `recovered` act on @RECOVERY@ unless they name a
 * `recovery_id`. What passes is recorded: the registry grows as the fuzzer
 * runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "internal.h"
#include "wam/collection.h"
#include "wam/error.h"
#include "wam/registry.h"
#include "wam/stock.h"

static wam_db *db;

static void setup(void)
{
	json_t *out = NULL, *in = json_pack("{s:s, s:s}", "name", "Fuzz depot", "kind", "depot");
	if (wam_registry_site_add(db, &out, in)) {
		fprintf(stderr, "fuzz_recovery: cannot add the site: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@SITE@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	in = json_loads("{\"type\":\"seized\",\"date\":\"2026-01-05\",\"context\":\"cache\",\"officer\":\"o\","
	                "\"ammunition\":[{\"calibre\":\"7.62x39mm\",\"headstamp\":{\"text\":\"71 81\"},\"lot\":\"L-1\","
	                "\"quantity\":1000},{\"calibre\":\"9x19mm\",\"quantity\":50}]}",
	                0, NULL);
	if (wam_collection_recovery_add(db, &out, in)) {
		fprintf(stderr, "fuzz_recovery: cannot record the recovery: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@RECOVERY@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	in = json_pack("{s:s, s:s, s:s}", "method", "CUT", "site", "range", "date", "2026-02-01");
	if (wam_stock_destruction_open(db, &out, in)) {
		fprintf(stderr, "fuzz_recovery: cannot open the batch: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@BATCH@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

/* The recovery an input names, or @RECOVERY@. */
static const char *recovery_of(const json_t *in)
{
	const char *id = json_string_value(json_object_get(in, "recovery_id"));
	return id ? id : fuzz_value("@RECOVERY@");
}

static int recovery(json_t **out, const json_t *in)
{
	return wam_collection_recovery_add(db, out, in);
}
static int stock(json_t **out, const json_t *in)
{
	return wam_collection_ammunition_stock(db, out, recovery_of(in),
	                                       (long)json_integer_value(json_object_get(in, "line")),
	                                       json_object_get(in, "lot"));
}
static int recovered(json_t **out, const json_t *in)
{
	return wam_stock_destruction_add_recovered(db, out, fuzz_value("@BATCH@"), recovery_of(in),
	                                           (long)json_integer_value(json_object_get(in, "line")),
	                                           (long)json_integer_value(json_object_get(in, "rounds")));
}

static const fuzz_record records[] = {
    {"recovery", recovery},
    {"stock", stock},
    {"recovered", recovered},
};

/* Rounds never go below zero, whatever was accepted. */
static void never_below_zero(void)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT count(*) FROM recovery_ammunition WHERE stocked < 0 OR destroyed < 0"
	                       " OR stocked + destroyed > quantity",
	                       -1, &st, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != 0) {
		fprintf(stderr, "fuzz_recovery: a line has fewer than zero rounds remaining\n");
		abort();
	}
	sqlite3_finalize(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		db = fuzz_registry(0);
		setup();
	}
	fuzz_record_input(data, size, records, sizeof records / sizeof records[0]);
	never_below_zero();
	return 0;
}
