/* Fuzz target: the JSON records a user hands in — `wam item add --from`,
 * `lot add --from`, `recovery add --from` and the bodies the API takes for
 * the same acts — from raw text to a validated record or a refusal.
 *
 * An input is the name of the record on its first line, then the JSON:
 *   item
 *   {"category": "SA4", "make": "Norinco", ..., "site_id": "@SITE@"}
 * @SITE@, @ITEM@, @LOT@ ... are replaced by ids of the target's demo
 * registry (common.h). The text is parsed as the server parses a body
 * (duplicate keys refused) and given, whatever JSON it is, to the library
 * function the command and the route call. Records that pass are added:
 * the registry grows as the fuzzer runs, as a real one does. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/collection.h"
#include "wam/registry.h"
#include "wam/stock.h"
#include "wam/trace.h"

static wam_db *db;

static int add_item(json_t **out, const json_t *in)
{
	return wam_registry_item_add(db, out, in, 0);
}
static int add_site(json_t **out, const json_t *in)
{
	return wam_registry_site_add(db, out, in);
}
static int add_holder(json_t **out, const json_t *in)
{
	return wam_registry_holder_add(db, out, in);
}
static int add_lot(json_t **out, const json_t *in)
{
	return wam_stock_lot_add(db, out, in);
}
static int lot_issue(json_t **out, const json_t *in)
{
	return wam_stock_lot_issue(db, out, fuzz_value("@LOT@"), in);
}
static int add_recovery(json_t **out, const json_t *in)
{
	return wam_collection_recovery_add(db, out, in);
}
static int report_loss(json_t **out, const json_t *in)
{
	return wam_trace_loss_report(db, out, in);
}
static int trace_draft(json_t **out, const json_t *in)
{
	return wam_trace_request_draft(db, out, in);
}
static int trace_quality(json_t **out, const json_t *in)
{
	return wam_trace_request_quality(db, out, NULL, in);
}
static int add_peer(json_t **out, const json_t *in)
{
	return wam_trace_peer_add(db, out, in);
}
static int custody_issue(json_t **out, const json_t *in)
{
	return wam_stock_custody_issue(db, out, in);
}
static int destruction_open(json_t **out, const json_t *in)
{
	return wam_stock_destruction_open(db, out, in);
}
static int check_open(json_t **out, const json_t *in)
{
	return wam_stock_check_open(db, out, in);
}
static int move_item(json_t **out, const json_t *in)
{
	return wam_stock_item_move(db, out, fuzz_value("@ITEM@"), in);
}
static int establish_origin(json_t **out, const json_t *in)
{
	return wam_trace_origin_establish(db, out, fuzz_value("@ITEM2@"), in);
}

static const fuzz_record records[] = {
    {"item", add_item},    {"site", add_site},         {"holder", add_holder},
    {"lot", add_lot},      {"lot-issue", lot_issue},   {"recovery", add_recovery},
    {"loss", report_loss}, {"trace", trace_draft},     {"quality", trace_quality},
    {"peer", add_peer},    {"custody", custody_issue}, {"destruction", destruction_open},
    {"check", check_open}, {"move", move_item},        {"origin", establish_origin},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		db = fuzz_registry(60);
	fuzz_record_input(data, size, records, sizeof records / sizeof records[0]);
	return 0;
}
