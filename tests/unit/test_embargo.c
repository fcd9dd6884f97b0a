/* The embargo room (docs/embargo.md): regimes with their history, the
 * screening of shipments against them, exemptions and their procedures,
 * and the notices that fall due. Each rule is shown by a case that would
 * fail if it broke; every refusal leaves the ledger as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/collection.h"
#include "wam/embargo.h"
#include "wam/ledger.h"
#include "wam/transfers.h"

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

static void unchanged(test_reg *r, long long events)
{
	assert_int_equal(test_events(r), events);
	wam_verify_report rep;
	assert_int_equal(wam_ledger_verify(r->db, 0, &rep), 0);
	assert_int_equal(rep.intact, 1);
}

static void clean(test_reg *r)
{
	unchanged(r, test_events(r));
}

/* A fictitious regime on Senegal (where the test licences go) and Haiti
 * (the test registry's country), with every procedure and the 30-day
 * seizure rule. */
static const char *const TEST_REGIMES =
    "{\"version\":%d,\"generated\":\"2026-01-01\",\"sources\":[\"test\"],\"regimes\":[{\"id\":\"testland\","
    "\"name\":\"Testland "
    "(fictitious)\",\"target\":\"territory\",\"scope\":\"all_arms\",\"territories\":[\"SN\",\"HT\"],"
    "\"committee\":\"Test Committee\",\"panel\":null,\"resolutions\":[{\"number\":9001,\"date\":\"2020-01-01\","
    "\"what\":\"test\"}],\"periods\":[{\"from\":\"2020-01-01\",\"target\":\"territory\",\"scope\":\"all_arms\"}],"
    "\"procedures\":[{\"procedure\":\"standing\",\"covers\":\"x\"},{\"procedure\":\"notify_no_objection\","
    "\"covers\":\"x\",\"period_days\":5},{\"procedure\":\"prior_approval\",\"covers\":\"x\"},"
    "{\"procedure\":\"post_delivery_notice\",\"covers\":\"x\",\"period_days\":30}],\"seizure_notice_days\":30,"
    "\"list_types\":[\"Testland\"],\"sources\":[\"test\"],\"unconfirmed\":[]}]}";

static void import_test_regimes(test_reg *r, int version)
{
	json_t *in = fmt_json(TEST_REGIMES, version), *out = NULL;
	assert_int_equal(wam_embargo_regimes_import(r->db, &out, in), 0);
	json_decref(in);
	json_decref(out);
}

static const char *const EXEMPTION =
    "{\"procedure\":\"%s\",\"notifying_state\":\"HT\",\"supplier\":\"Haiti Defence Works\","
    "\"end_user\":{\"name\":\"Armed Forces of Senegal\",\"country\":\"SN\"},"
    "\"items\":[{\"description\":\"assault rifle\",\"quantity\":10,\"serials\":[\"A1\",\"A2\"]}]%s}";

static void exemption(test_reg *r, char id[WAM_ID_LEN + 1], const char *procedure, const char *more)
{
	json_t *in = fmt_json(EXEMPTION, procedure, more), *out = NULL;
	if (wam_embargo_exemption_add(r->db, &out, "testland", in))
		fail_msg("exemption: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void decide(test_reg *r, const char *id, const char *decision, const char *date, const char *reference)
{
	json_t *in = json_pack("{s:s, s:s}", "decision", decision, "date", date), *out = NULL;
	if (reference)
		json_object_set_new(in, "reference", json_string(reference));
	assert_int_equal(wam_embargo_exemption_decide(r->db, &out, id, in), 0);
	json_decref(in);
	json_decref(out);
}

/* ---- transfers fixtures (as tests/unit/test_transfers.c) ---- */

static const char *const LICENCE =
    "{\"kind\":\"export\",\"number\":\"%s\",\"authority\":\"Commission\",\"officer\":\"A. Mensah\","
    "\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-12-31\","
    "\"parties\":[{\"role\":\"exporter\",\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},"
    "{\"role\":\"importer\",\"name\":\"Ministry of Defence\",\"country\":\"SN\"},"
    "{\"role\":\"end_user\",\"name\":\"Armed Forces of Senegal\",\"country\":\"SN\",\"address\":\"Dakar\"}],"
    "\"lines\":[{\"category\":\"SA4\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\",\"quantity\":50}]}";
static const char *const ASSESSMENT =
    "{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":{\"finding\":\"clear\"},"
    "\"atrocity_crimes\":{\"finding\":\"clear\"}},"
    "\"risks\":{\"peace_security\":{\"finding\":\"low\"},\"ihl\":{\"finding\":\"none\"},"
    "\"human_rights\":{\"finding\":\"low\"},\"terrorism\":{\"finding\":\"none\"},"
    "\"organised_crime\":{\"finding\":\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},"
    "\"diversion\":{\"finding\":\"low\"}},\"decision\":\"approve\",\"reasons\":\"r\",\"officer\":\"B. Owusu\"}";
static const char *const EUC =
    "{\"licence_id\":\"%s\",\"number\":\"%s\",\"issued\":\"2026-01-15\",\"expires\":\"2027-01-15\","
    "\"authority\":{\"name\":\"Ministry of Armed Forces\",\"signatory\":\"Col. A. Diallo\","
    "\"position\":\"Director of Procurement\",\"stamp\":true,\"authentication\":\"hologram 44812\"},"
    "\"exporter\":{\"name\":\"Haiti Defence Works\",\"address\":\"Port-au-Prince\",\"country\":\"HT\"},"
    "\"end_user\":{\"name\":\"Armed Forces of Senegal\",\"position\":\"Chief of Staff\",\"address\":\"Dakar\","
    "\"country\":\"SN\",\"signed\":true},"
    "\"goods\":[{\"category\":\"SA4\",\"description\":\"assault rifle\",\"model\":\"AK-103\","
    "\"calibre\":\"7.62x39mm\",\"quantity\":50}],"
    "\"contract\":{\"reference\":\"C-2026-77\",\"date\":\"2026-01-10\"},\"destination\":\"SN\","
    "\"end_use\":\"equipment of the armed forces\",\"sole_use_assurance\":true,\"no_reexport_undertaking\":true,"
    "\"post_shipment_consent\":true}";

/* An issued licence to Senegal with its verified certificate, made before
 * any regime is imported. */
static void licence_and_euc(test_reg *r, char lic[WAM_ID_LEN + 1], char euc[WAM_ID_LEN + 1])
{
	json_t *in = fmt_json(LICENCE, "EXP-E-1"), *out = NULL;
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	snprintf(lic, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = test_json(ASSESSMENT);
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, lic, in), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, lic), 0);
	json_decref(out);
	in = fmt_json(EUC, lic, "EUC-E-1");
	assert_int_equal(wam_transfers_euc_add(r->db, &out, in), 0);
	snprintf(euc, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = test_json("{\"channel\":\"note verbale\",\"counterpart\":\"Embassy\",\"result\":\"authentic\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, euc, in), 0);
	json_decref(in);
	json_decref(out);
}

static char *rifle(test_reg *r, const char *serial, char id[WAM_ID_LEN + 1])
{
	char json[256];
	snprintf(json, sizeof json,
	         "{\"category\":\"SA4\",\"make\":\"Kalashnikov\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\","
	         "\"serial\":\"%s\",\"country\":\"RU\",\"status\":\"in_store\"}",
	         serial);
	test_add_item(r, json, id);
	return id;
}

static int ship(test_reg *r, json_t **out, const char *lic, const char *euc, const char *item, const char *date,
                const char *exemption_id)
{
	json_t *in = json_pack("{s:s, s:s, s:[s], s:s}", "licence_id", lic, "euc_id", euc, "items", item, "date", date);
	if (exemption_id)
		json_object_set_new(in, "exemption", json_string(exemption_id));
	*out = NULL;
	int rc = wam_transfers_shipment_add(r->db, out, in);
	json_decref(in);
	return rc;
}

/* ---- the cases ---- */

/* The shipped file: a regime is in force on a date of its periods and not
 * after it was lifted; a government is spared once a regime excludes it. */
static void test_regime_history(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL, *party;
	assert_int_equal(wam_embargo_regimes_import_file(r->db, &out, NULL), 0);
	assert_true(json_array_size(json_object_get(out, "added")) >= 17);
	json_decref(out);
	assert_int_equal(wam_embargo_regime_get(r->db, &out, "liberia", "2010-01-01"), 0);
	assert_true(json_is_true(json_object_get(out, "in_force")));
	json_decref(out);
	assert_int_equal(wam_embargo_regime_get(r->db, &out, "liberia", "2017-01-01"), 0);
	assert_true(json_is_false(json_object_get(out, "in_force")));
	assert_true(json_array_size(json_object_get(out, "unconfirmed")) > 0);
	json_decref(out);
	/* Somalia: the whole territory until res. 2714, Al-Shabaab after */
	assert_int_equal(wam_embargo_regime_get(r->db, &out, "somalia", "2020-06-01"), 0);
	assert_string_equal(test_str(json_object_get(out, "applies"), "target"), "territory");
	json_decref(out);
	assert_int_equal(wam_embargo_regime_get(r->db, &out, "somalia", "2024-06-01"), 0);
	assert_string_equal(test_str(json_object_get(out, "applies"), "target"), "non_state_actors");
	json_decref(out);
	/* CAR: a government party is caught before res. 2745, spared after */
	party = test_json("{\"name\":\"Ministry of Defence\",\"government\":true}");
	assert_int_equal(wam_embargo_check(r->db, &out, "CF", "2020-01-01", party), 0);
	assert_false(json_is_true(json_object_get(json_object_get(out, "screening"), "clear")));
	assert_string_equal(
	    test_str(json_array_get(json_object_get(json_object_get(out, "screening"), "findings"), 0), "regime"),
	    "car");
	json_decref(out);
	assert_int_equal(wam_embargo_check(r->db, &out, "CF", "2025-01-01", party), 0);
	assert_true(json_is_true(json_object_get(json_object_get(out, "screening"), "clear")));
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_decref(party);
	/* listed persons: no territorial finding */
	party = test_json("{\"name\":\"Someone\"}");
	assert_int_equal(wam_embargo_check(r->db, &out, "YE", "2025-01-01", party), 0);
	assert_true(json_is_true(json_object_get(json_object_get(out, "screening"), "clear")));
	json_decref(out);
	json_decref(party);
	char list[64];
	assert_int_equal(wam_embargo_regime_of_list(r->db, list, sizeof list, "Libya"), 0);
	assert_string_equal(list, "libya");
	assert_int_equal(wam_embargo_regime_of_list(r->db, list, sizeof list, "Nowhere"), 0);
	assert_string_equal(list, "");

	/* the same file again is refused, and changes nothing */
	long long before = test_events(r);
	assert_int_equal(wam_embargo_regimes_import_file(r->db, &out, NULL), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "version");
	unchanged(r, before);
	/* a newer one updates: CAR's period closes, a regime is added */
	char path[4096];
	snprintf(path, sizeof path, "%s/../tests/data/embargo/regimes-v2.json", getenv("WAM_DATA_DIR"));
	assert_int_equal(wam_embargo_regimes_import_file(r->db, &out, path), 0);
	assert_int_equal(json_array_size(json_object_get(out, "added")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "changed")), 1);
	json_decref(out);
	assert_int_equal(wam_embargo_regime_get(r->db, &out, "car", "2026-08-01"), 0);
	assert_true(json_is_false(json_object_get(out, "in_force")));
	assert_int_equal(json_array_size(json_object_get(out, "versions")), 2);
	json_decref(out);
	/* a malformed file names its place and changes nothing */
	json_t *bad = fmt_json(TEST_REGIMES, 9);
	json_object_set_new(
	    json_array_get(json_object_get(json_array_get(json_object_get(bad, "regimes"), 0), "periods"), 0), "from",
	    json_string("2020-02-30"));
	before = test_events(r);
	assert_int_equal(wam_embargo_regimes_import(r->db, &out, bad), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "regimes[0].periods[0].from");
	unchanged(r, before);
	json_decref(bad);
	test_expect_rebuilt(r, "SELECT group_concat(id||coalesce(removed_seq,'-')||last_seq,'|') FROM regimes");
}

/* A shipment to a destination under a regime is refused; with a standing
 * exemption it goes; after the exemption's validity it is refused again. */
static void test_shipment_needs_a_fitting_exemption(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1], ex[WAM_ID_LEN + 1];
	json_t *out = NULL;
	licence_and_euc(r, lic, euc);
	rifle(r, "EMB-1", a);
	rifle(r, "EMB-2", b);
	import_test_regimes(r, 1);
	long long before = test_events(r);
	assert_int_equal(ship(r, &out, lic, euc, a, "2026-06-15", NULL), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "under an arms embargo since 2020-01-01 (S/RES/9001"));
	unchanged(r, before);
	/* an exemption that does not exist */
	assert_int_equal(ship(r, &out, lic, euc, a, "2026-06-15", "01JZZZZZZZZZZZZZZZZZZZZZZZ"), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "exemption");
	unchanged(r, before);
	exemption(r, ex, "standing", ",\"valid_until\":\"2026-06-30\"");
	assert_int_equal(ship(r, &out, lic, euc, a, "2026-06-15", ex), 0);
	json_decref(out);
	before = test_events(r);
	assert_int_equal(ship(r, &out, lic, euc, b, "2026-07-15", ex), WAM_ECONFLICT);
	unchanged(r, before);
	/* screening says why the exemption does not waive the finding */
	json_t *party = json_pack("{s:s, s:s, s:s, s:s}", "role", "end_user", "name", "Armed Forces of Senegal",
	                          "country", "SN", "exemption", ex);
	assert_int_equal(wam_embargo_check(r->db, &out, "SN", "2026-07-15", party), 0);
	const json_t *f = json_array_get(json_object_get(json_object_get(out, "screening"), "findings"), 0);
	assert_string_equal(test_str(f, "regime"), "testland");
	const json_t *fx = json_object_get(f, "exemption");
	assert_non_null(strstr(test_str(fx, "why"), "2026-06-30"));
	/* as a message of the catalogue, worded in any language */
	assert_string_equal(test_str(fx, "why_id"), "embargo.exemption_was_valid_until");
	assert_string_equal(json_string_value(json_array_get(json_object_get(fx, "why_args"), 1)), "2026-06-30");
	json_decref(out);
	assert_int_equal(wam_embargo_check(r->db, &out, "SN", "2026-06-15", party), 0);
	assert_true(json_is_true(json_object_get(json_object_get(out, "screening"), "clear")));
	json_decref(out);
	json_decref(party);
	/* a procedure the regime does not provide is refused */
	json_t *in = fmt_json(EXEMPTION, "standing", ""), *o2 = NULL;
	assert_int_equal(wam_embargo_exemption_add(r->db, &o2, "nosuch", in), WAM_ENOTFOUND);
	json_decref(in);
	clean(r);
}

/* Notify-no-objection: not before the fifth working day after the
 * notification has passed; an objection blocks. */
static void test_notify_no_objection(void **state)
{
	test_reg *r = *state;
	char ex[WAM_ID_LEN + 1], ex2[WAM_ID_LEN + 1];
	import_test_regimes(r, 1);
	/* notified on Monday 2 November 2026: the fifth working day is Monday 9 */
	exemption(r, ex, "notify_no_objection", ",\"notified_on\":\"2026-11-02\"");
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex, "testland", "2026-11-09", "exemption"), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "2026-11-09"));
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex, "testland", "2026-11-10", "exemption"), 0);
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex, "other", "2026-11-10", "exemption"), WAM_ECONFLICT);
	exemption(r, ex2, "notify_no_objection", ",\"notified_on\":\"2026-11-02\"");
	decide(r, ex2, "objection", "2026-11-05", "letter 1");
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex2, "testland", "2026-11-20", "exemption"), WAM_ECONFLICT);
	json_t *out = NULL;
	assert_int_equal(wam_embargo_exemption_get(r->db, &out, ex2, "2026-11-20"), 0);
	assert_string_equal(test_str(out, "state"), "objected");
	assert_true(json_is_false(json_object_get(out, "fits")));
	/* why, as a message of the catalogue: its id and its args, so the
	 * console says it in the reader's language */
	assert_string_equal(test_str(out, "why_id"), "embargo.committee_objected_exemption");
	assert_int_equal(json_array_size(json_object_get(out, "why_args")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "why_args"), 0)), ex2);
	char said[128];
	snprintf(said, sizeof said, "the committee objected to exemption %s", ex2);
	assert_string_equal(test_str(out, "why"), said);
	json_decref(out);
	assert_int_equal(wam_embargo_exemption_get(r->db, &out, ex, "2026-11-20"), 0);
	assert_true(json_is_true(json_object_get(out, "fits")));
	assert_string_equal(test_str(out, "why_id"), "embargo.supply_may_go_ahead");
	assert_int_equal(json_array_size(json_object_get(out, "why_args")), 0);
	json_decref(out);
	/* the notification prints, everything escaped */
	char *html = NULL;
	size_t n = 0;
	assert_int_equal(wam_embargo_exemption_notice(r->db, &html, &n, ex), 0);
	assert_non_null(strstr(html, "Notifying State"));
	assert_non_null(strstr(html, "A1, A2"));
	free(html);
	/* whatever the exemption holds is escaped */
	char ex3[WAM_ID_LEN + 1];
	exemption(r, ex3, "standing", ",\"supporting_note\":\"<script>alert('x')</script> & co\"");
	assert_int_equal(wam_embargo_exemption_notice(r->db, &html, &n, ex3), 0);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
	free(html);
	clean(r);
}

/* Prior approval: only once approved with the committee's reference. */
static void test_prior_approval(void **state)
{
	test_reg *r = *state;
	char ex[WAM_ID_LEN + 1];
	import_test_regimes(r, 1);
	exemption(r, ex, "prior_approval", "");
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex, "testland", "2026-11-10", "exemption"), WAM_ECONFLICT);
	json_t *in = test_json("{\"decision\":\"approved\",\"date\":\"2026-11-01\"}"), *out = NULL;
	long long before = test_events(r);
	assert_int_equal(wam_embargo_exemption_decide(r->db, &out, ex, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reference");
	unchanged(r, before);
	json_decref(in);
	decide(r, ex, "approved", "2026-11-01", "TC/2026/7");
	assert_int_equal(wam_embargo_exemption_fits(r->db, ex, "testland", "2026-11-10", "exemption"), 0);
	clean(r);
}

/* A shipment under a post-delivery-notice exemption makes its notice due
 * 30 days on; a seizure in a country whose regime asks for it makes one
 * due in 30 days; a notice is sent once. */
static void test_notices(void **state)
{
	test_reg *r = *state;
	char lic[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1], a[WAM_ID_LEN + 1], g[WAM_ID_LEN + 1], ex[WAM_ID_LEN + 1];
	json_t *out = NULL, *list = NULL;
	licence_and_euc(r, lic, euc);
	rifle(r, "PDN-1", a);
	import_test_regimes(r, 1);
	exemption(r, ex, "post_delivery_notice", "");
	assert_int_equal(ship(r, &out, lic, euc, a, "2026-10-01", ex), 0);
	json_decref(out);
	assert_int_equal(wam_embargo_notice_list(r->db, &list, "due"), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "kind"), "post_delivery");
	assert_string_equal(test_str(json_array_get(list, 0), "due"), "2026-10-31");
	json_decref(list);

	/* a seizure in Haiti, under the fictitious regime's 30-day rule */
	test_add_item(r,
	              "{\"category\":\"SA4\",\"make\":\"Kalashnikov\",\"model\":\"AK-47\",\"serial\":\"SZ-1\","
	              "\"country\":\"RU\",\"status\":\"stolen\"}",
	              g);
	json_t *rec = fmt_json("{\"type\":\"seized\",\"date\":\"2026-11-01\",\"officer\":\"X\","
	                       "\"context\":\"border_interdiction\",\"weapons\":[{\"item_id\":\"%s\"}]}",
	                       g);
	if (wam_collection_recovery_add(r->db, &out, rec))
		fail_msg("recovery: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(rec);
	json_decref(out);
	assert_int_equal(wam_embargo_notice_list(r->db, &list, "due"), 0);
	assert_int_equal(json_array_size(list), 2);
	json_t *seizure = json_array_get(list, 1);
	assert_string_equal(test_str(seizure, "kind"), "post_seizure");
	assert_string_equal(test_str(seizure, "due"), "2026-12-01");
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(seizure, "id"));
	json_decref(list);
	char *html = NULL;
	size_t n = 0;
	assert_int_equal(wam_embargo_notice_document(r->db, &html, &n, id), 0);
	assert_non_null(strstr(html, "SZ-1"));
	free(html);
	json_t *sent = test_json("{\"date\":\"2026-11-20\",\"reference\":\"NV-1\",\"notes\":\"destroyed\"}");
	assert_int_equal(wam_embargo_notice_sent(r->db, &out, id, sent), 0);
	assert_string_equal(test_str(out, "state"), "sent");
	json_decref(out);
	long long before = test_events(r);
	assert_int_equal(wam_embargo_notice_sent(r->db, &out, id, sent), WAM_ECONFLICT);
	unchanged(r, before);
	json_decref(sent);
	test_expect_rebuilt(r, "SELECT group_concat(id||state||due||coalesce(sent_on,'-'),'|') FROM notices");
}

/* National embargoes: recorded and lifted here, shown among the regimes,
 * found by the screener as before. */
static void test_national_embargo(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json("{\"country\":\"SN\",\"reference\":\"ECOWAS 1/2026\",\"since\":\"2026-01-01\"}"),
	       *out = NULL, *list = NULL;
	assert_int_equal(wam_embargo_record(r->db, &out, in), 0);
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_embargo_regime_list(r->db, &list, "2026-03-01"), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "source"), "national");
	assert_true(json_is_true(json_object_get(json_array_get(list, 0), "in_force")));
	json_decref(list);
	json_t *party = test_json("{\"name\":\"Armed Forces\",\"role\":\"end_user\",\"country\":\"SN\"}");
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2026-03-01"), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	in = test_json("{\"date\":\"2026-04-01\",\"reference\":\"ECOWAS 2/2026\"}");
	assert_int_equal(wam_embargo_lift(r->db, &out, id, in), 0);
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2026-05-01"), 0);
	assert_true(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_decref(party);
	test_expect_rebuilt(r, "SELECT group_concat(id||coalesce(lifted_on,'-'),'|') FROM embargoes");
}

/* A regime that excludes the government spares a licence party that says
 * it is the government, and catches one that does not. */
static void test_government_is_spared(void **state)
{
	test_reg *r = *state;
	json_t *file = fmt_json(TEST_REGIMES, 1), *out = NULL;
	json_t *gov = json_deep_copy(json_array_get(json_object_get(file, "regimes"), 0));
	json_object_set_new(gov, "id", json_string("govland"));
	json_object_set_new(gov, "territories", json_pack("[s]", "GH"));
	json_object_set_new(json_array_get(json_object_get(gov, "periods"), 0), "target",
	                    json_string("government_excluded"));
	json_array_append_new(json_object_get(file, "regimes"), gov);
	assert_int_equal(wam_embargo_regimes_import(r->db, &out, file), 0);
	json_decref(out);
	json_decref(file);
	json_t *party = test_json("{\"role\":\"end_user\",\"name\":\"Ghana Armed Forces\",\"country\":\"GH\","
	                          "\"government\":true}");
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2026-03-01"), 0);
	assert_true(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_object_set_new(party, "government", json_false());
	assert_int_equal(wam_transfers_screen(r->db, &out, party, "2026-03-01"), 0);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "findings"), 0), "regime"), "govland");
	json_decref(out);
	json_decref(party);
	clean(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_regime_history),
	    TEST_IN_HT(test_shipment_needs_a_fitting_exemption),
	    TEST_IN_HT(test_notify_no_objection),
	    TEST_IN_HT(test_prior_approval),
	    TEST_IN_HT(test_notices),
	    TEST_IN_HT(test_national_embargo),
	    TEST_IN_HT(test_government_is_spared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
