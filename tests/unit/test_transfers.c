/* Transfers (docs/transfers.md): each rule is shown to hold by a case that
 * would fail if the rule broke, and every refusal leaves the ledger as it
 * was: the same number of events, and a ledger that verifies. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "wam/ledger.h"
#include "wam/stock.h"
#include "wam/trace.h"
#include "wam/embargo.h"
#include "wam/transfers.h"

/* ---- fixtures ---- */

static const char *const LICENCE =
    "{\"kind\":\"export\",\"number\":\"%s\",\"authority\":\"National Commission on Small Arms\","
    "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"%s\","
    "\"parties\":[{\"role\":\"exporter\",\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},"
    "{\"role\":\"importer\",\"name\":\"Ministry of Defence\",\"country\":\"%s\"},"
    "{\"role\":\"end_user\",\"name\":\"Armed Forces of Senegal\",\"country\":\"%s\",\"address\":\"Dakar\"},"
    "{\"role\":\"transit\",\"name\":\"Port of Abidjan\",\"country\":\"CI\"}],"
    "\"lines\":[{\"category\":\"SA4\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\",\"quantity\":%d,"
    "\"value\":50000,\"currency\":\"usd\"},"
    "{\"goods\":\"ammunition\",\"calibre\":\"7.62x39mm\",\"ammunition_type\":\"ball\",\"quantity\":12000}]}";

static const char *const ASSESSMENT =
    "{\"prohibitions\":{\"embargo\":{\"finding\":\"%s\"},\"international_obligations\":{\"finding\":\"clear\"},"
    "\"atrocity_crimes\":{\"finding\":\"clear\"}},"
    "\"risks\":{\"peace_security\":{\"finding\":\"low\"},\"ihl\":{\"finding\":\"none\"},"
    "\"human_rights\":{\"finding\":\"low\"},\"terrorism\":{\"finding\":\"none\"},"
    "\"organised_crime\":{\"finding\":\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},"
    "\"diversion\":{\"finding\":\"substantial\",\"mitigation\":\"post-shipment checks; marked on import\"}},"
    "\"decision\":\"%s\",\"reasons\":\"armed forces re-equipment\",\"officer\":\"B. Owusu\"}";

static const char *const EUC =
    "{\"licence_id\":\"%s\",\"number\":\"%s\",\"issued\":\"2026-01-15\",\"expires\":\"2027-01-15\","
    "\"authority\":{\"name\":\"Ministry of Armed Forces\",\"signatory\":\"Col. A. Diallo\","
    "\"position\":\"Director of Procurement\",\"stamp\":true,\"authentication\":\"hologram 44812\"},"
    "\"exporter\":{\"name\":\"Haiti Defence Works\",\"address\":\"Port-au-Prince\",\"country\":\"HT\"},"
    "\"end_user\":{\"name\":\"Armed Forces of Senegal\",\"position\":\"Chief of Staff\",\"address\":\"Dakar\","
    "\"country\":\"SN\",\"signed\":true},"
    "\"goods\":[{\"category\":\"SA4\",\"description\":\"assault rifle\",\"model\":\"AK-103\","
    "\"calibre\":\"7.62x39mm\",\"quantity\":%d},"
    "{\"goods\":\"ammunition\",\"description\":\"cartridges\",\"calibre\":\"7.62x39mm\",\"quantity\":12000}],"
    "\"contract\":{\"reference\":\"C-2026-77\",\"date\":\"2026-01-10\"},\"destination\":\"SN\","
    "\"end_use\":\"equipment of the armed forces\",\"sole_use_assurance\":true,\"no_reexport_undertaking\":true,"
    "\"post_shipment_consent\":true}";

static json_t *fmt_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt_json(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return test_json(buf);
}

/* The ledger is as it was: `events` events, and it verifies. */
static void unchanged(test_reg *r, long long events)
{
	assert_int_equal(test_events(r), events);
	wam_verify_report rep;
	assert_int_equal(wam_ledger_verify(r->db, 0, &rep), 0);
	assert_int_equal(rep.intact, 1);
}

/* Drafted by alice, assessed, issued by bob: the licence's id in `id`. */
static void issued_licence(test_reg *r, char id[WAM_ID_LEN + 1], const char *number, const char *until, int qty)
{
	json_t *in = fmt_json(LICENCE, number, until, "SN", "SN", qty), *out = NULL;
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	assert_string_equal(test_str(out, "state"), "draft");
	json_decref(in);
	json_decref(out);
	in = fmt_json(ASSESSMENT, "clear", "approve");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, id, in), 0);
	assert_string_equal(test_str(out, "state"), "assessed");
	json_decref(in);
	json_decref(out);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, number), 0);
	assert_string_equal(test_str(out, "state"), "issued");
	json_decref(out);
}

static void verified_euc(test_reg *r, char id[WAM_ID_LEN + 1], const char *licence, const char *number, int qty)
{
	json_t *in = fmt_json(EUC, licence, number, qty), *out = NULL;
	assert_int_equal(wam_transfers_euc_add(r->db, &out, in), 0);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	assert_string_equal(test_str(out, "state"), "received");
	json_decref(in);
	json_decref(out);
	in = test_json("{\"channel\":\"note verbale 2026/114\",\"counterpart\":\"Embassy of Senegal\","
	               "\"result\":\"authentic\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, number, in), 0);
	assert_string_equal(test_str(out, "state"), "verified");
	json_decref(in);
	json_decref(out);
}

/* `n` rifles in store; their ids as a JSON array. */
static json_t *rifles(test_reg *r, int n, const char *prefix)
{
	json_t *ids = json_array();
	for (int i = 0; i < n; i++) {
		char json[256], id[WAM_ID_LEN + 1];
		snprintf(json, sizeof json,
		         "{\"category\":\"SA4\",\"make\":\"Kalashnikov\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\","
		         "\"serial\":\"%s%04d\",\"country\":\"RU\",\"status\":\"in_store\"}",
		         prefix, i);
		test_add_item(r, json, id);
		json_array_append_new(ids, json_string(id));
	}
	return ids;
}

static int ship(test_reg *r, json_t **out, const char *licence, const char *euc, json_t *items)
{
	json_t *in = json_pack("{s:s, s:s, s:O, s:[s]}", "licence_id", licence, "euc_id", euc, "items", items, "route",
	                       "CI");
	int rc = wam_transfers_shipment_add(r->db, out, in);
	json_decref(in);
	return rc;
}

/* ---- the cases ---- */

/* The 101st weapon on a 100-weapon certificate is refused, nothing is
 * written; the 100 ship, leave the registry's custody and are counted. */
static void test_certificate_caps_the_quantity(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1];
	json_t *out = NULL, *ids;
	issued_licence(r, lic, "EXP-2026-0001", "2030-12-31", 200);
	verified_euc(r, euc, lic, "EUC-SN-2026-001", 100);
	ids = rifles(r, 101, "CAP");
	long long before = test_events(r);
	assert_int_equal(ship(r, &out, lic, euc, ids), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "items");
	assert_non_null(strstr(wam_error_last()->message, "hard cap"));
	assert_null(out);
	unchanged(r, before);
	assert_int_equal(test_count(r, "SELECT count(*) FROM items WHERE status='exported'"), 0);

	json_array_remove(ids, 100);
	assert_int_equal(ship(r, &out, lic, euc, ids), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "weapons")), 100);
	json_decref(out);
	assert_int_equal(test_count(r, "SELECT count(*) FROM items WHERE status='exported' AND site_id IS NULL"), 100);
	assert_int_equal(wam_transfers_euc_get(r->db, &out, euc), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(out, "goods"), 0), "remaining")),
	                 0);
	json_decref(out);
	assert_int_equal(wam_transfers_licence_get(r->db, &out, lic), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(out, "lines"), 0), "remaining")),
	                 100);
	json_decref(out);
	/* the weapon's history names the shipment, the licence and the certificate */
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE type='item.status_changed' AND"
	                               " json_extract(payload,'$.document')='EXP-2026-0001' AND"
	                               " json_extract(payload,'$.certificate')='EUC-SN-2026-001'"),
	                 100);
	json_decref(ids);
	test_expect_rebuilt(r, "SELECT group_concat(x,'|') FROM (SELECT licence_id||n||shipped AS x FROM licence_lines"
	                       " UNION ALL SELECT euc_id||n||shipped FROM euc_goods UNION ALL SELECT id||state FROM eucs"
	                       " UNION ALL SELECT id||status||coalesce(site_id,'-') FROM items)");
}

/* The delivery verification certificate closes the certificate; a second
 * shipment on it is refused. */
static void test_delivery_closes_the_certificate(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], shipment[WAM_ID_LEN + 1];
	json_t *out = NULL, *ids = rifles(r, 4, "DVC"), *first = json_array(), *rest = json_array();
	issued_licence(r, lic, "EXP-2026-0002", "2030-12-31", 10);
	verified_euc(r, euc, lic, "EUC-SN-2026-002", 10);
	json_array_append(first, json_array_get(ids, 0));
	json_array_append(first, json_array_get(ids, 1));
	json_array_append(rest, json_array_get(ids, 2));
	assert_int_equal(ship(r, &out, lic, euc, first), 0);
	snprintf(shipment, sizeof shipment, "%s", test_str(out, "id"));
	json_decref(out);
	json_t *dvc = test_json("{\"dvc\":\"DVC-2026-0042\"}");
	assert_int_equal(wam_transfers_shipment_deliver(r->db, &out, shipment, dvc), 0);
	assert_string_equal(test_str(out, "state"), "delivered");
	json_decref(out);
	assert_int_equal(wam_transfers_euc_get(r->db, &out, euc), 0);
	assert_string_equal(test_str(out, "state"), "closed");
	assert_string_equal(test_str(out, "dvc"), "DVC-2026-0042");
	json_decref(out);
	long long before = test_events(r);
	assert_int_equal(ship(r, &out, lic, euc, rest), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "euc_id");
	assert_non_null(strstr(wam_error_last()->message, "closed"));
	/* nor is a second delivery recorded, nor a second certificate attached */
	assert_int_equal(wam_transfers_shipment_deliver(r->db, &out, shipment, dvc), WAM_ECONFLICT);
	json_t *again = fmt_json(EUC, lic, "EUC-SN-2026-099", 10);
	assert_int_equal(wam_transfers_euc_add(r->db, &out, again), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "licence_id");
	unchanged(r, before);
	json_decref(again);
	json_decref(dvc);
	json_decref(ids);
	json_decref(first);
	json_decref(rest);
}

/* Nothing ships on an expired licence, nor on a day before its first, nor
 * on a day still to come. */
static void test_expired_licence_refused(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1];
	json_t *out = NULL, *ids = rifles(r, 1, "EXP");
	issued_licence(r, lic, "EXP-2026-0003", "2030-12-31", 10);
	verified_euc(r, euc, lic, "EUC-SN-2026-003", 10);
	long long before = test_events(r);
	json_t *in = json_pack("{s:s, s:s, s:O, s:s}", "licence_id", lic, "euc_id", euc, "items", ids, "date",
	                       "2099-01-02");
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "date");
	json_decref(in);
	in = json_pack("{s:s, s:s, s:O, s:s}", "licence_id", lic, "euc_id", euc, "items", ids, "date", "2025-12-31");
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "is valid from 2026-01-01"));
	json_decref(in);
	unchanged(r, before);
	/* the licence's last day passes (its projection moved back, as time
	 * would): it reads as expired and ships nothing */
	test_reg_tamper(r, "UPDATE licences SET valid_until='2026-01-31', issued_on='2026-01-01'");
	assert_int_equal(wam_transfers_licence_get(r->db, &out, lic), 0);
	assert_string_equal(test_str(out, "state"), "expired");
	json_decref(out);
	in = json_pack("{s:s, s:s, s:O}", "licence_id", lic, "euc_id", euc, "items", ids);
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "licence_id");
	assert_non_null(strstr(wam_error_last()->message, "expired on 2026-01-31"));
	assert_int_equal(test_events(r), before);
	json_decref(in);
	json_decref(ids);
}

/* Issuing needs a complete assessment, and another person than the one
 * who drafted the licence; a token never issues. */
static void test_issue_needs_assessment_and_second_person(void **state)
{
	test_reg *r = *state;
	json_t *in = fmt_json(LICENCE, "EXP-2026-0004", "2030-12-31", "SN", "SN", 5), *out = NULL;
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	json_decref(out);
	json_decref(in);
	long long before = test_events(r);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0004"), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "no risk assessment"));
	/* an assessment missing a criterion is refused, naming it */
	in = test_json("{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},"
	               "\"international_obligations\":{\"finding\":\"clear\"}},\"risks\":{},"
	               "\"decision\":\"approve\",\"reasons\":\"x\",\"officer\":\"B. Owusu\"}");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "EXP-2026-0004", in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "prohibitions.atrocity_crimes");
	json_decref(in);
	unchanged(r, before);
	in = fmt_json(ASSESSMENT, "clear", "approve");
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "EXP-2026-0004", in), 0);
	json_decref(out);
	json_decref(in);
	before = test_events(r);
	/* the drafter, under another name of the same person, and a token */
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0004"), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "issued_by");
	assert_int_equal(wam_db_set_actor(r->db, "os:alice"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0004"), WAM_EFORBIDDEN);
	assert_int_equal(wam_db_set_actor(r->db, "token:robot"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0004"), WAM_EFORBIDDEN);
	unchanged(r, before);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0004"), 0);
	assert_string_equal(test_str(out, "issued_by"), "user:bob");
	json_decref(out);
}

/* A missing serial at the post-shipment check opens a diversion alert in
 * the to-do list; one step makes it a trace request. */
static void test_missing_serial_raises_diversion(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], check[512];
	json_t *out = NULL, *ids = rifles(r, 3, "PSC");
	issued_licence(r, lic, "EXP-2026-0005", "2030-12-31", 10);
	verified_euc(r, euc, lic, "EUC-SN-2026-005", 10);
	assert_int_equal(ship(r, &out, lic, euc, ids), 0);
	json_decref(out);
	char today[11];
	wam_date_today(today); /* a check is recorded once it is made */
	snprintf(check, sizeof check,
	         "{\"date\":\"%s\",\"place\":\"Camp Dial Diop, Dakar\",\"inspectors\":[\"K. Boateng\"],"
	         "\"items\":[{\"serial\":\"PSC0000\",\"result\":\"seen\"},{\"serial\":\"PSC0001\",\"result\":\"not_seen\"},"
	         "{\"item_id\":\"%s\",\"result\":\"seen\"}]}",
	         today, json_string_value(json_array_get(ids, 2)));
	json_t *in = test_json(check);
	assert_int_equal(wam_transfers_euc_check(r->db, &out, euc, in), 0);
	json_decref(in);
	json_t *alerts = json_object_get(out, "alerts");
	assert_int_equal(json_array_size(alerts), 1);
	json_t *a = json_array_get(alerts, 0);
	assert_string_equal(test_str(a, "serial"), "PSC0001");
	assert_string_equal(test_str(a, "state"), "open");
	char alert[WAM_ID_LEN + 1];
	snprintf(alert, sizeof alert, "%s", test_str(a, "id"));
	json_decref(out);
	/* it waits in the to-do list beside the hits */
	assert_int_equal(wam_todo(r->db, &out, NULL), 0);
	bool listed = false;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(out, "items"), i, item) listed |=
	    !strcmp(test_str(item, "kind"), "diversion_alerts");
	assert_true(listed);
	json_decref(out);
	/* a weapon not shipped under the certificate is not looked for */
	snprintf(check, sizeof check,
	         "{\"date\":\"%s\",\"inspectors\":[\"K. Boateng\"],\"items\":[{\"serial\":\"NOPE\",\"result\":\"seen\"}]}",
	         today);
	in = test_json(check);
	long long before = test_events(r);
	assert_int_equal(wam_transfers_euc_check(r->db, &out, euc, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "items[0].serial");
	unchanged(r, before);
	json_decref(in);
	assert_int_equal(wam_transfers_diversion_trace(r->db, &out, alert), 0);
	assert_string_equal(test_str(out, "state"), "traced");
	json_t *req = NULL;
	assert_int_equal(wam_trace_request_get(r->db, &req, test_str(out, "trace_request_id"), 0), 0);
	assert_string_equal(test_str(json_object_get(req, "requested"), "state"), "SN");
	json_decref(req);
	json_decref(out);
	json_decref(ids);
	test_expect_rebuilt(r, "SELECT group_concat(x,'|') FROM (SELECT id||state||coalesce(trace_request_id,'') AS x"
	                       " FROM diversion_alerts UNION ALL SELECT check_id||n||item_id||result FROM euc_check_items)");
}

/* An embargo on the destination: screening finds it, the assessment
 * cannot call the prohibition clear, and the licence can only be denied,
 * its reasons kept. */
static void test_embargo_allows_only_denial(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL,
	       *e = test_json("{\"country\":\"CF\",\"reference\":\"S/RES/2127 (2013)\",\"since\":\"2013-12-05\"}");
	assert_int_equal(wam_embargo_record(r->db, &out, e), 0);
	assert_true(json_is_true(json_object_get(out, "active")));
	json_decref(out);
	json_decref(e);
	json_t *in = fmt_json(LICENCE, "EXP-2026-0006", "2030-12-31", "CF", "CF", 10);
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	assert_false(json_is_true(json_object_get(out, "screening_clear")));
	json_decref(out);
	json_decref(in);
	long long before = test_events(r);
	in = fmt_json(ASSESSMENT, "clear", "approve");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "EXP-2026-0006", in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "prohibitions.embargo.finding");
	json_decref(in);
	in = fmt_json(ASSESSMENT, "applies", "approve");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "EXP-2026-0006", in), WAM_ECONFLICT);
	json_decref(in);
	unchanged(r, before);
	in = fmt_json(ASSESSMENT, "applies", "deny");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "EXP-2026-0006", in), 0);
	assert_string_equal(test_str(out, "state"), "denied");
	assert_string_equal(test_str(out, "state_reason"), "armed forces re-equipment");
	json_decref(out);
	json_decref(in);
	/* a denied licence is never issued */
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "EXP-2026-0006"), WAM_ECONFLICT);
	/* the screen on its own */
	json_t *party = test_json("{\"name\":\"Armed Forces\",\"country\":\"CF\"}");
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2026-03-01"), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2010-03-01"), 0);
	assert_true(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_decref(party);
}

/* A licence naming a broker names one of the register; a suspended
 * broker is refused. */
static void test_broker_must_be_registered(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL, *b = test_json("{\"name\":\"Atlantic Logistics SARL\",\"country\":\"FR\","
	                                   "\"registration\":\"BRK-FR-0042\",\"activities\":[\"brokering\",\"transport\"]}");
	assert_int_equal(wam_transfers_broker_add(r->db, &out, b), 0);
	json_decref(out);
	assert_int_equal(wam_transfers_broker_add(r->db, &out, b), WAM_ECONFLICT);
	json_decref(b);
	const char *lic = "{\"kind\":\"brokering\",\"number\":\"BRK-2026-1\",\"authority\":\"Commission\","
	                  "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
	                  "\"parties\":[{\"role\":\"broker\",\"broker_id\":\"%s\"},{\"role\":\"exporter\","
	                  "\"name\":\"X\",\"country\":\"FR\"}],\"lines\":[{\"category\":\"SA2\",\"quantity\":5}]}";
	json_t *in = fmt_json(lic, "BRK-XX-0000");
	long long before = test_events(r);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "parties[0].broker_id");
	json_decref(in);
	in = test_json("{\"state\":\"suspended\",\"reason\":\"investigation opened\"}");
	assert_int_equal(wam_transfers_broker_set_state(r->db, &out, "BRK-FR-0042", in), 0);
	assert_string_equal(test_str(out, "state"), "suspended");
	json_decref(out);
	json_decref(in);
	before = test_events(r);
	in = fmt_json(lic, "BRK-FR-0042");
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "suspended"));
	unchanged(r, before);
	json_decref(in);
}

/* An import registers the arriving weapons with the registry's import
 * mark (R2), counted against the import licence. */
static void test_import_marks_and_counts(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL, *in = test_json(
	    "{\"kind\":\"import\",\"number\":\"IMP-2026-7\",\"authority\":\"Commission\",\"officer\":\"C. Pierre\","
	    "\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
	    "\"parties\":[{\"role\":\"exporter\",\"name\":\"Glock GmbH\",\"country\":\"AT\"},"
	    "{\"role\":\"importer\",\"name\":\"Police nationale d'Haïti\",\"country\":\"HT\"}],"
	    "\"lines\":[{\"category\":\"SA1\",\"make\":\"Glock\",\"quantity\":2}]}");
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	json_decref(out);
	json_decref(in);
	in = fmt_json(ASSESSMENT, "clear", "approve");
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, "IMP-2026-7", in), 0);
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, "IMP-2026-7"), 0);
	json_decref(out);
	const char *arrive = "{\"licence_id\":\"IMP-2026-7\",\"weapons\":["
	                     "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"%s\","
	                     "\"country\":\"AT\",\"year\":2025}%s]}";
	/* a weapon the registry refuses names its own field */
	long long before = test_events(r);
	in = fmt_json(arrive, "BXK099",
	              ",{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"BXK098\","
	              "\"country\":\"XX\"}");
	assert_int_not_equal(wam_transfers_shipment_add(r->db, &out, in), 0);
	assert_string_equal(wam_error_last()->field, "weapons[1].country");
	unchanged(r, before);
	json_decref(in);
	in = fmt_json(arrive, "BXK100", ",{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"BXK101\","
	                                "\"country\":\"AT\"}");
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), 0);
	assert_string_equal(test_str(out, "direction"), "import");
	assert_int_equal(json_integer_value(json_object_get(out, "weapons")), 2);
	json_decref(out);
	json_decref(in);
	/* marked with the year it arrived: today's */
	assert_int_equal(test_count(r, "SELECT count(*) FROM import_marks m JOIN items i ON i.id=m.item_id"
	                               " WHERE m.country='HT' AND m.year=CAST(strftime('%Y','now') AS INTEGER)"
	                               " AND i.serial LIKE 'BXK10_'"),
	                 2);
	/* the third is beyond the licence */
	before = test_events(r);
	in = fmt_json(arrive, "BXK102", "");
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "weapons");
	unchanged(r, before);
	json_decref(in);
	assert_int_equal(wam_transfers_records(r->db, &out, 0, "import", NULL), 0);
	assert_int_equal(json_array_size(out), 2); /* authorised and actual */
	json_decref(out);
}

/* Weapons are shipped by serial as well as by id; a serial two weapons
 * bear names neither. */
static void test_ship_by_serial(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], other[WAM_ID_LEN + 1];
	json_t *out = NULL, *ids = rifles(r, 2, "SER");
	issued_licence(r, lic, "EXP-2026-0009", "2030-12-31", 10);
	verified_euc(r, euc, lic, "EUC-SN-2026-009", 10);
	test_add_item(r,
	              "{\"category\":\"SA4\",\"make\":\"Norinco\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\","
	              "\"serial\":\"SER0001\",\"country\":\"CN\",\"status\":\"in_store\"}",
	              other);
	long long before = test_events(r);
	json_t *twice = json_pack("[s]", "SER0001");
	assert_int_equal(ship(r, &out, lic, euc, twice), WAM_EINVAL);
	assert_non_null(strstr(wam_error_last()->message, "more than one weapon"));
	json_t *again = json_pack("[s, O]", "SER0000", json_array_get(ids, 0));
	assert_int_equal(ship(r, &out, lic, euc, again), WAM_EINVAL);
	assert_non_null(strstr(wam_error_last()->message, "again"));
	unchanged(r, before);
	json_t *mixed = json_pack("[s, s]", "SER0000", other);
	assert_int_equal(ship(r, &out, lic, euc, mixed), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "weapons")), 2);
	json_decref(out);
	assert_int_equal(test_count(r, "SELECT count(*) FROM items WHERE status='exported'"), 2);
	json_decref(twice);
	json_decref(again);
	json_decref(mixed);
	json_decref(ids);
}

/* What a hostile user tries: a certificate number retyped in another
 * case, a forged certificate made authentic by a back-dated check, a
 * delivery certificate used twice, a weapon another procedure holds. */
static void test_holes_stay_closed(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], lic2[WAM_ID_LEN + 1], today[11], buf[256];
	json_t *out = NULL, *ids = rifles(r, 4, "HOL"), *in;
	wam_date_today(today);
	issued_licence(r, lic, "EXP-2026-0010", "2030-12-31", 10);
	issued_licence(r, lic2, "EXP-2026-0011", "2030-12-31", 10);
	verified_euc(r, euc, lic, "EUC-SN-2026-010", 10);
	long long before = test_events(r);
	/* the same number in another case, width or spacing is the same number */
	in = fmt_json(EUC, lic2, " euc-sn-2026-010", 10);
	assert_int_equal(wam_transfers_euc_add(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "number");
	json_decref(in);
	in = fmt_json(LICENCE, "exp-2026-0010", "2030-12-31", "SN", "SN", 5);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ECONFLICT);
	json_decref(in);
	/* found forged, it cannot be made authentic by a check dated earlier */
	in = test_json("{\"channel\":\"embassy\",\"result\":\"not_authentic\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, "euc-sn-2026-010", in), 0);
	assert_string_equal(test_str(out, "state"), "rejected");
	json_decref(out);
	json_decref(in);
	before = test_events(r);
	in = test_json("{\"channel\":\"old note\",\"result\":\"authentic\",\"date\":\"2026-01-16\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, euc, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "date");
	json_decref(in);
	json_t *one = json_pack("[O]", json_array_get(ids, 0));
	assert_int_equal(ship(r, &out, lic, euc, one), WAM_ECONFLICT); /* rejected */
	unchanged(r, before);
	in = test_json("{\"channel\":\"second note verbale\",\"result\":\"authentic\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, euc, in), 0);
	json_decref(out);
	json_decref(in);
	/* a weapon an open destruction batch lists does not ship */
	snprintf(buf, sizeof buf, "{\"method\":\"CUT\",\"site\":\"Central Armoury\",\"date\":\"%s\"}", today);
	in = test_json(buf);
	assert_int_equal(wam_stock_destruction_open(r->db, &out, in), 0);
	json_t *batch = out;
	json_decref(in);
	assert_int_equal(wam_stock_destruction_add_item(r->db, &out, test_str(batch, "id"),
	                                                json_string_value(json_array_get(ids, 1))),
	                 0);
	json_decref(out);
	json_decref(batch);
	before = test_events(r);
	json_t *held = json_pack("[O]", json_array_get(ids, 1));
	assert_int_equal(ship(r, &out, lic, euc, held), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "destruction batch"));
	unchanged(r, before);
	/* a delivery certificate closes its certificate once, and is used once */
	assert_int_equal(ship(r, &out, lic, euc, one), 0);
	char first[WAM_ID_LEN + 1];
	snprintf(first, sizeof first, "%s", test_str(out, "id"));
	json_decref(out);
	json_t *two = json_pack("[O]", json_array_get(ids, 2));
	assert_int_equal(ship(r, &out, lic, euc, two), 0);
	char second[WAM_ID_LEN + 1];
	snprintf(second, sizeof second, "%s", test_str(out, "id"));
	json_decref(out);
	in = test_json("{\"dvc\":\"DVC-SN-1\"}");
	assert_int_equal(wam_transfers_shipment_deliver(r->db, &out, first, in), 0);
	json_decref(out);
	json_decref(in);
	before = test_events(r);
	in = test_json("{\"dvc\":\"dvc sn 1\"}");
	assert_int_equal(wam_transfers_shipment_deliver(r->db, &out, second, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "dvc");
	json_decref(in);
	unchanged(r, before);
	in = test_json("{\"dvc\":\"DVC-SN-2\"}");
	assert_int_equal(wam_transfers_shipment_deliver(r->db, &out, second, in), 0);
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_transfers_euc_get(r->db, &out, euc), 0);
	assert_string_equal(test_str(out, "dvc"), "DVC-SN-1");
	json_decref(out);
	json_decref(one);
	json_decref(two);
	json_decref(held);
	json_decref(ids);
}

/* Bad input names the field and writes nothing. */
static void test_bad_input_names_the_field(void **state)
{
	test_reg *r = *state;
	struct {
		const char *json, *field;
	} cases[] = {
	    {"{\"kind\":\"export\",\"nope\":1}", "nope"},
	    {"{\"kind\":\"sale\",\"number\":\"X\",\"authority\":\"A\",\"officer\":\"O\",\"valid_from\":\"2026-01-01\","
	     "\"valid_until\":\"2026-02-01\"}",
	     "kind"},
	    {"{\"kind\":\"export\",\"number\":\"X\",\"authority\":\"A\",\"officer\":\"O\",\"valid_from\":\"2026-03-01\","
	     "\"valid_until\":\"2026-02-01\"}",
	     "valid_until"},
	    {"{\"kind\":\"export\",\"number\":\"X\",\"authority\":\"A\",\"officer\":\"O\",\"valid_from\":\"2026-01-01\","
	     "\"valid_until\":\"2026-02-01\",\"parties\":[{\"role\":\"exporter\",\"name\":\"E\",\"country\":\"ZZ\"}],"
	     "\"lines\":[{\"category\":\"SA4\",\"quantity\":1}]}",
	     "parties[0].country"},
	    {"{\"kind\":\"export\",\"number\":\"X\",\"authority\":\"A\",\"officer\":\"O\",\"valid_from\":\"2026-01-01\","
	     "\"valid_until\":\"2026-02-01\",\"parties\":[{\"role\":\"exporter\",\"name\":\"E\",\"country\":\"HT\"},"
	     "{\"role\":\"importer\",\"name\":\"I\",\"country\":\"SN\"}],\"lines\":[{\"category\":\"SA4\",\"quantity\":0}]}",
	     "lines[0].quantity"},
	    {"{\"kind\":\"export\",\"number\":\"X\",\"authority\":\"A\",\"officer\":\"O\",\"valid_from\":\"2026-01-01\","
	     "\"valid_until\":\"2026-02-01\",\"parties\":[{\"role\":\"exporter\",\"name\":\"E\",\"country\":\"HT\"}],"
	     "\"lines\":[{\"category\":\"SA4\",\"quantity\":1}]}",
	     "parties"},
	};
	long long before = test_events(r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *in = test_json(cases[i].json), *out = NULL;
		assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, cases[i].field);
		assert_null(out);
		json_decref(in);
	}
	unchanged(r, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_certificate_caps_the_quantity),
	    TEST_IN_HT(test_delivery_closes_the_certificate),
	    TEST_IN_HT(test_expired_licence_refused),
	    TEST_IN_HT(test_issue_needs_assessment_and_second_person),
	    TEST_IN_HT(test_missing_serial_raises_diversion),
	    TEST_IN_HT(test_embargo_allows_only_denial),
	    TEST_IN_HT(test_broker_must_be_registered),
	    TEST_IN_HT(test_import_marks_and_counts),
	    TEST_IN_HT(test_ship_by_serial),
	    TEST_IN_HT(test_holes_stay_closed),
	    TEST_IN_HT(test_bad_input_names_the_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
