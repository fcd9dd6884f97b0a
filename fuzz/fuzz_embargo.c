/* Fuzz target: the embargo room's documents from outside — the regimes
 * reference file (`wam embargo import FILE`, `POST /api/v1/regimes/import`),
 * an exemption (`wam exemption add --from`, `POST /api/v1/exemptions`), a
 * decision on one and a notice sent — from raw text to a validated record
 * or a refusal.
 *
 * An input is the name of the document on its first line, then the JSON:
 *   regimes
 *   {"version": 2, "generated": "2026-01-01", ...}
 * @EXEMPTION@ and @NOTICE@ are replaced by ids of the target's registry (a
 * recorded exemption, a notice due). The text is parsed as the server
 * parses a body (duplicate keys refused) and given, whatever JSON it is, to
 * the library call. What passes is recorded: the registry grows as the
 * fuzzer runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "wam/collection.h"
#include "wam/embargo.h"
#include "wam/error.h"

static wam_db *db;

static void setup(void)
{
	json_t *out = NULL, *in;
	if (wam_embargo_regimes_import_file(db, &out, NULL)) {
		fprintf(stderr, "fuzz_embargo: cannot import the regimes: %s\n", wam_error_last()->message);
		abort();
	}
	json_decref(out);
	in = json_loads("{\"procedure\":\"notify_no_objection\",\"notifying_state\":\"HT\",\"supplier\":\"S\","
	                "\"end_user\":{\"name\":\"E\",\"country\":\"LY\"},\"items\":[{\"description\":\"d\","
	                "\"quantity\":1}]}",
	                0, NULL);
	if (wam_embargo_exemption_add(db, &out, "libya", in)) {
		fprintf(stderr, "fuzz_embargo: cannot record the exemption: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@EXEMPTION@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	fuzz_placeholder("@NOTICE@", "01JZZZZZZZZZZZZZZZZZZZZZZZ");
}

static int import(json_t **out, const json_t *in)
{
	return wam_embargo_regimes_import(db, out, in);
}
static int exemption(json_t **out, const json_t *in)
{
	const char *regime = json_string_value(json_object_get(in, "regime"));
	json_t *copy = json_is_object(in) ? json_deep_copy(in) : json_incref((json_t *)in);
	if (json_is_object(copy))
		json_object_del(copy, "regime");
	int rc = wam_embargo_exemption_add(db, out, regime ? regime : "libya", copy);
	json_decref(copy);
	return rc;
}
static int decision(json_t **out, const json_t *in)
{
	return wam_embargo_exemption_decide(db, out, fuzz_value("@EXEMPTION@"), in);
}
static int sent(json_t **out, const json_t *in)
{
	return wam_embargo_notice_sent(db, out, fuzz_value("@NOTICE@"), in);
}
static int embargo(json_t **out, const json_t *in)
{
	return wam_embargo_record(db, out, in);
}

static const fuzz_record records[] = {
    {"regimes", import}, {"exemption", exemption}, {"decision", decision}, {"notice-sent", sent}, {"embargo", embargo},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		db = fuzz_registry(60);
		setup();
	}
	fuzz_record_input(data, size, records, sizeof records / sizeof records[0]);
	return 0;
}
