/* Fuzz target: the transfer documents a licensing office hands in —
 * `wam licence add --from`, `licence assess --from`, `euc add --from`,
 * `euc verify`, `euc check --from`, `shipment add --from`, `broker add
 * --from`, `embargo record`, `screen` and the bodies of the same routes —
 * from raw text to a validated record or a refusal.
 *
 * An input is the name of the document on its first line, then the JSON:
 *   licence
 *   {"kind": "export", "number": "X-1", ...}
 * @LICENCE@ (a draft licence), @ISSUED@ (an issued export licence), @EUC@
 * (its verified end-user certificate), @BROKER@ (a registered broker),
 * @ITEM@ and @LOT@ are replaced by ids of the target's registry. The text
 * is parsed as the server parses a body (duplicate keys refused) and given,
 * whatever JSON it is, to the library call the command and the route make.
 * What passes is recorded: the registry grows as the fuzzer runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/error.h"
#include "wam/embargo.h"
#include "wam/transfers.h"

static wam_db *db;

static json_t *made(int rc, json_t *out, const char *what)
{
	if (rc || !out) {
		fprintf(stderr, "fuzz_transfers: cannot make the %s: %s\n", what, wam_error_last()->message);
		abort();
	}
	return out;
}

/* The records the seeds name: a draft, an issued licence with its verified
 * certificate, a broker. */
static void setup(void)
{
	static const char licence[] =
	    "{\"kind\":\"export\",\"number\":\"%s\",\"authority\":\"Commission\",\"officer\":\"A\","
	    "\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\",\"parties\":["
	    "{\"role\":\"exporter\",\"name\":\"E\",\"country\":\"HT\"},{\"role\":\"importer\",\"name\":\"I\","
	    "\"country\":\"SN\"}],\"lines\":[{\"category\":\"SA4\",\"quantity\":1000000},"
	    "{\"goods\":\"ammunition\",\"calibre\":\"7.62x39mm\",\"quantity\":100000000}]}";
	static const char assessment[] =
	    "{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":{\"finding\":"
	    "\"clear\"},\"atrocity_crimes\":{\"finding\":\"clear\"}},\"risks\":{\"peace_security\":{\"finding\":"
	    "\"none\"},\"ihl\":{\"finding\":\"none\"},\"human_rights\":{\"finding\":\"none\"},\"terrorism\":"
	    "{\"finding\":\"none\"},\"organised_crime\":{\"finding\":\"none\"},\"gender_based_violence\":"
	    "{\"finding\":\"none\"},\"diversion\":{\"finding\":\"low\"}},\"decision\":\"approve\",\"reasons\":\"r\","
	    "\"officer\":\"A\"}";
	char text[2048];
	json_t *in, *out = NULL;
	for (int k = 0; k < 2; k++) {
		snprintf(text, sizeof text, licence, k ? "FUZZ-ISSUED" : "FUZZ-DRAFT");
		in = json_loads(text, 0, NULL);
		out = made(wam_transfers_licence_add(db, &out, in), out, "licence");
		fuzz_placeholder(k ? "@ISSUED@" : "@LICENCE@", json_string_value(json_object_get(out, "id")));
		json_decref(in);
		json_decref(out);
	}
	in = json_loads(assessment, 0, NULL);
	json_decref(made(wam_transfers_licence_assess(db, &out, "FUZZ-ISSUED", in), out, "assessment"));
	json_decref(in);
	wam_db_set_actor(db, "user:fuzz-approver");
	json_decref(made(wam_transfers_licence_issue(db, &out, "FUZZ-ISSUED"), out, "issued licence"));
	wam_db_set_actor(db, "fuzz");
	snprintf(text, sizeof text,
	         "{\"licence_id\":\"FUZZ-ISSUED\",\"number\":\"FUZZ-EUC\",\"issued\":\"2026-01-01\",\"expires\":"
	         "\"2099-01-01\",\"authority\":{\"name\":\"M\",\"signatory\":\"S\",\"position\":\"P\",\"stamp\":true,"
	         "\"authentication\":\"seal\"},\"exporter\":{\"name\":\"E\",\"address\":\"A\",\"country\":\"HT\"},"
	         "\"end_user\":{\"name\":\"I\",\"position\":\"P\",\"address\":\"A\",\"country\":\"SN\",\"signed\":true},"
	         "\"goods\":[{\"category\":\"SA4\",\"description\":\"rifles\",\"quantity\":1000000},{\"goods\":"
	         "\"ammunition\",\"description\":\"rounds\",\"calibre\":\"7.62x39mm\",\"quantity\":100000000}],"
	         "\"contract\":{\"reference\":\"C\",\"date\":\"2026-01-01\"},\"destination\":\"SN\",\"end_use\":\"u\","
	         "\"sole_use_assurance\":true,\"no_reexport_undertaking\":true}");
	in = json_loads(text, 0, NULL);
	out = made(wam_transfers_euc_add(db, &out, in), out, "certificate");
	fuzz_placeholder("@EUC@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	in = json_loads("{\"channel\":\"note verbale\",\"result\":\"authentic\"}", 0, NULL);
	json_decref(made(wam_transfers_euc_verify(db, &out, "FUZZ-EUC", in), out, "verification"));
	json_decref(in);
	in = json_loads("{\"name\":\"B\",\"country\":\"FR\",\"registration\":\"FUZZ-BRK\",\"activities\":[\"brokering\"]}",
	                0, NULL);
	out = made(wam_transfers_broker_add(db, &out, in), out, "broker");
	fuzz_placeholder("@BROKER@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static int add_licence(json_t **out, const json_t *in)
{
	return wam_transfers_licence_add(db, out, in);
}
static int assess(json_t **out, const json_t *in)
{
	return wam_transfers_licence_assess(db, out, fuzz_value("@LICENCE@"), in);
}
static int licence_state(json_t **out, const json_t *in)
{
	return wam_transfers_licence_set_state(db, out, fuzz_value("@ISSUED@"), in);
}
static int add_euc(json_t **out, const json_t *in)
{
	return wam_transfers_euc_add(db, out, in);
}
static int verify(json_t **out, const json_t *in)
{
	return wam_transfers_euc_verify(db, out, fuzz_value("@EUC@"), in);
}
static int check(json_t **out, const json_t *in)
{
	return wam_transfers_euc_check(db, out, fuzz_value("@EUC@"), in);
}
static int ship(json_t **out, const json_t *in)
{
	return wam_transfers_shipment_add(db, out, in);
}
static int add_broker(json_t **out, const json_t *in)
{
	return wam_transfers_broker_add(db, out, in);
}
static int broker_state(json_t **out, const json_t *in)
{
	return wam_transfers_broker_set_state(db, out, fuzz_value("@BROKER@"), in);
}
static int add_embargo(json_t **out, const json_t *in)
{
	return wam_embargo_record(db, out, in);
}
static int screen(json_t **out, const json_t *in)
{
	return wam_transfers_screen(db, out, in, NULL);
}

static const fuzz_record records[] = {
    {"licence", add_licence},   {"assessment", assess}, {"licence-state", licence_state},
    {"euc", add_euc},           {"verification", verify}, {"check", check},
    {"shipment", ship},         {"broker", add_broker}, {"broker-state", broker_state},
    {"embargo", add_embargo},   {"screen", screen},
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
