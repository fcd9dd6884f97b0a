/* unit-trace_hit: lost and stolen weapons, hits and SDG 16.4.2 as
 * wam_trace_* and wam_trace_sdg_report* see them — a seized weapon whose serial
 * was recorded with two misread characters is a hit on the stolen one, in
 * whichever order the theft and the seizure are recorded; an unrelated
 * serial is not; confirming a hit brings the stolen weapon back under
 * control and is recorded, rejecting it too, and a decided hit stays
 * decided; a set of recoveries with known outcomes gives exactly the
 * expected 16.4.2 counts and the records behind each; bad input names the
 * field and writes nothing; a weapon that becomes lost or stolen by a status
 * change or its registration has its one loss report; and the ledger verifies and rebuilds to the
 * same tables after all of it. The registry is in Haiti (HT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "registry/rules.h"
#include "trace/trace.h"
#include "wam/collection.h"
#include "wam/match.h"
#include "wam/trace.h"

/* Runs a call that must succeed; fails the test with the library's message. */
#define OK(call)                                                                                                       \
	do {                                                                                                           \
		int rc_ = (call);                                                                                      \
		if (rc_)                                                                                               \
			fail_msg("%s failed (%d): %s [%s]", #call, rc_, wam_error_last()->message,                     \
			         wam_error_last()->field);                                                             \
	} while (0)

/* A site and a police holder; their ids in `site` and `holder`. */
static void police_armoury(test_reg *r, char site[32], char holder[32])
{
	json_t *in = test_json(
	           "{\"name\": \"Commissariat de Delmas\", \"kind\": \"police_station\", \"country\": \"HT\"}"),
	       *out;
	OK(wam_registry_site_add(r->db, &out, in));
	snprintf(site, 32, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = test_json("{\"type\": \"police\", \"name\": \"Police Nationale d'Haïti\", \"country\": \"HT\"}");
	OK(wam_registry_holder_add(r->db, &out, in));
	snprintf(holder, 32, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

/* A police rifle at `site`, serial `serial`; its id in `id`. */
static void police_rifle(test_reg *r, const char *site, const char *holder, const char *serial, char id[32])
{
	char text[600];
	snprintf(text, sizeof text,
	         "{\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\", \"model\": \"AK-47\","
	         " \"calibre\": \"7.62x39mm\", \"serial\": \"%s\", \"country\": \"RU\", \"site_id\": \"%s\","
	         " \"holder_id\": \"%s\", \"status\": \"in_service\", \"import_marks\": [{\"country\": \"HT\"}]}",
	         serial, site, holder);
	test_add_item(r, text, id);
}

static json_t *report_loss(test_reg *r, const char *text)
{
	json_t *in = test_json(text), *out = NULL;
	OK(wam_trace_loss_report(r->db, &out, in));
	json_decref(in);
	return out;
}

static json_t *report_stolen(test_reg *r, const char *item_id)
{
	char text[400];
	snprintf(text, sizeof text,
	         "{\"kind\": \"stolen\", \"date\": \"2025-02-03\", \"place\": \"Delmas 33\","
	         " \"circumstances\": \"armoury broken into overnight\", \"reported_by\": \"Insp. Valcourt\","
	         " \"agency\": \"PNH\", \"police_ref\": \"PNH-2025-0113\", \"item_id\": \"%s\"}",
	         item_id);
	return report_loss(r, text);
}

/* Records a recovery of one rifle with serial `serial`; its id in `rid`
 * and the weapon's in `item` (either may be NULL). */
static void seize_rifle(test_reg *r, const char *type, const char *date, const char *context, const char *serial,
                        const char *category, char *rid, char *item)
{
	char text[800];
	snprintf(text, sizeof text,
	         "{\"type\": \"%s\", \"date\": \"%s\", \"officer\": \"Sgt. Lamy\"%s%s%s,"
	         " \"weapons\": [{\"category\": \"%s\", \"make\": \"Kalashnikov Concern\", \"model\": \"AK-47\","
	         " \"calibre\": \"7.62x39mm\", \"country\": \"RU\"%s%s%s}]}",
	         type, date, context ? ", \"context\": \"" : "", context ? context : "", context ? "\"" : "", category,
	         serial ? ", \"serial\": \"" : "", serial ? serial : "", serial ? "\"" : "");
	json_t *in = test_json(text), *out = NULL;
	OK(wam_collection_recovery_add(r->db, &out, in));
	if (rid)
		snprintf(rid, 32, "%s", test_str(out, "id"));
	if (item)
		snprintf(item, 32, "%s", test_str(json_array_get(json_object_get(out, "items"), 0), "id"));
	json_decref(in);
	json_decref(out);
}

static json_t *hits(test_reg *r, const char *state)
{
	wam_hit_filter f = {.state = state};
	json_t *out = NULL;
	OK(wam_trace_hit_list(r->db, &out, &f));
	return out;
}

/* The tables of this room, as one text to compare before and after a
 * rebuild. */
static void expect_intact_and_rebuild(test_reg *r)
{
	test_expect_rebuilt(
	    r, "SELECT group_concat(x, '|') FROM (SELECT id||item_id||kind||date||circumstances||seq AS x FROM "
	       "loss_reports"
	       " UNION ALL SELECT id||item_id||match_id||score||reason||edits||coalesce(owner_site_id,'')||state"
	       "||coalesce(decision_reason,'')||coalesce(point,'')||last_seq FROM hits"
	       " UNION ALL SELECT item_id||method||category||coalesce(country,'')||seq FROM item_origins"
	       " UNION ALL SELECT id||status||last_seq FROM items ORDER BY 1)");
}

/* ---- hits ---- */

static void test_two_misread_characters_give_a_hit(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32], seized[32], rid[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	json_t *loss = report_stolen(r, rifle);
	assert_true(json_is_true(json_object_get(loss, "open")));
	assert_int_equal(json_array_size(json_object_get(loss, "hits")), 0);
	json_decref(loss);

	/* recorded in the field with 1 read as I and 6 as B */
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-I52B34", "SA4", rid, seized);
	/* the recovery shows what the search for its weapon found */
	json_t *rec;
	OK(wam_collection_recovery_get(r->db, &rec, rid));
	assert_int_equal(json_array_size(json_object_get(rec, "hits")), 1);
	json_t *rh = json_array_get(json_object_get(rec, "hits"), 0);
	assert_string_equal(test_str(json_object_get(rh, "recovered"), "serial"), "AK47-I52B34");
	assert_string_equal(test_str(json_object_get(rh, "registered"), "id"), rifle);
	assert_string_equal(test_str(rh, "state"), "open");
	json_decref(rec);
	json_t *list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 1);
	json_t *h = json_array_get(list, 0);
	assert_string_equal(test_str(h, "state"), "open");
	assert_string_equal(test_str(h, "recovery_id"), rid);
	assert_string_equal(test_str(json_object_get(h, "recovered"), "id"), seized);
	assert_string_equal(test_str(json_object_get(h, "registered"), "id"), rifle);
	assert_string_equal(test_str(json_object_get(h, "registered"), "status"), "stolen");
	assert_string_equal(test_str(json_object_get(h, "registered"), "holder_id"), holder);
	assert_string_equal(test_str(h, "owner_site_id"), site);
	assert_true(json_number_value(json_object_get(h, "score")) >= WAM_HIT_MIN_SCORE);
	/* the owner's inbox: hits on weapons at its sites */
	const char *sites[] = {site};
	wam_hit_filter f = {.sites = sites, .nsites = 1};
	json_t *inbox;
	OK(wam_trace_hit_list(r->db, &inbox, &f));
	assert_int_equal(json_array_size(inbox), 1);
	json_decref(inbox);
	const char *elsewhere[] = {"01JAAAAAAAAAAAAAAAAAAAAAAA"};
	f.sites = elsewhere;
	OK(wam_trace_hit_list(r->db, &inbox, &f));
	assert_int_equal(json_array_size(inbox), 0);
	json_decref(inbox);

	/* both weapons side by side, with the matcher's edits */
	json_t *full;
	OK(wam_trace_hit_get(r->db, &full, test_str(h, "id")));
	assert_string_equal(test_str(json_object_get(full, "recovered"), "serial"), "AK47-I52B34");
	assert_string_equal(test_str(json_object_get(full, "registered"), "serial"), "AK47-152634");
	assert_true(json_array_size(json_object_get(json_object_get(full, "registered"), "markings")) > 0);
	assert_int_equal(json_array_size(json_object_get(full, "edits")), 2);
	assert_string_equal(test_str(json_object_get(full, "recovery"), "type"), "seized");
	json_decref(full);
	json_decref(list);

	/* two misreads of the matcher's confusion classes (1/I, 6/G): a hit too */
	char other[32];
	police_rifle(r, site, holder, "AK47-870214", other);
	json_decref(report_stolen(r, other));
	seize_rifle(r, "found", "2025-07-01", "cache", "AK47-87O2I4", "SA4", NULL, NULL);
	list = hits(r, "open");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(test_str(json_array_get(list, 0), "reason"), "misread");
	json_decref(list);

	/* an unrelated serial of the same make and model is not */
	seize_rifle(r, "seized", "2025-07-02", "crime", "AK47-509917", "SA4", NULL, NULL);
	list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	expect_intact_and_rebuild(r);
}

static void test_loss_reported_after_the_recovery_still_hits(void **state)
{
	test_reg *r = *state;
	char rid[32], seized[32];
	seize_rifle(r, "seized", "2025-03-01", "armed_group", "KC-1957-7781", "SA4", rid, seized);
	json_t *list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* a civilian's weapon the registry did not hold, reported stolen later */
	json_t *loss = report_loss(
	    r,
	    "{\"kind\": \"stolen\", \"date\": \"2025-04-20\", \"circumstances\": \"taken in a burglary\","
	    " \"reported_by\": \"M. Jean\", \"item\": {\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\","
	    " \"model\": \"AK-47\", \"calibre\": \"7.62x39mm\", \"serial\": \"KC-I957-778I\", \"country\": \"RU\"}}");
	assert_string_equal(test_str(loss, "kind"), "stolen");
	json_t *lh = json_object_get(loss, "hits");
	assert_int_equal(json_array_size(lh), 1);
	assert_string_equal(test_str(json_object_get(json_array_get(lh, 0), "recovered"), "id"), seized);
	assert_string_equal(test_str(json_array_get(lh, 0), "recovery_id"), rid);
	char lost[32];
	snprintf(lost, sizeof lost, "%s", test_str(loss, "item_id"));
	json_decref(loss);
	json_t *item;
	OK(wam_registry_item_get(r->db, &item, lost));
	assert_string_equal(test_str(item, "status"), "stolen");
	json_decref(item);
	/* scanning again finds nothing new */
	json_t *made;
	OK(wam_trace_hit_scan(r->db, &made, NULL));
	assert_int_equal(json_array_size(made), 0);
	json_decref(made);
	OK(wam_trace_hit_scan(r->db, &made, rid));
	assert_int_equal(json_array_size(made), 0);
	json_decref(made);
	expect_intact_and_rebuild(r);
}

/* A weapon registered as seized without a recovery (entered directly) is
 * looked for at once, like one a recovery brings; a rescan finds nothing
 * new. */
static void test_weapon_entered_directly_as_seized_hits(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-305816", rifle);
	json_decref(report_stolen(r, rifle));
	json_t *in = test_json("{\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\", \"model\": \"AK-47\","
	                       " \"calibre\": \"7.62x39mm\", \"country\": \"RU\", \"serial\": \"AK47-3O58I6\","
	                       " \"status\": \"seized\"}"),
	       *out = NULL;
	OK(wam_registry_item_add(r->db, &out, in, 0));
	json_t *list = hits(r, "open");
	assert_int_equal(json_array_size(list), 1);
	json_t *h = json_array_get(list, 0);
	assert_string_equal(test_str(json_object_get(h, "recovered"), "id"), test_str(out, "id"));
	assert_string_equal(test_str(json_object_get(h, "registered"), "id"), rifle);
	assert_true(json_is_null(json_object_get(h, "recovery_id")));
	json_decref(list);
	json_t *made;
	OK(wam_trace_hit_scan(r->db, &made, NULL));
	assert_int_equal(json_array_size(made), 0);
	json_decref(made);
	/* registered in store, it is not a recovered weapon: no search */
	json_object_set_new(in, "serial", json_string("AK47-3O58I7"));
	json_object_set_new(in, "status", json_string("in_store"));
	json_decref(out);
	OK(wam_registry_item_add(r->db, &out, in, WAM_ALLOW_DUPLICATE));
	list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	json_decref(out);
	json_decref(in);
	expect_intact_and_rebuild(r);
}

/* Two recoveries of rifles of one batch, serials a character apart: the
 * second is no hit on the first, which no lawful record stands behind —
 * until the first is stolen from the evidence store and reported. */
static void test_recovered_weapons_are_no_hit_on_each_other(void **state)
{
	test_reg *r = *state;
	char first[32];
	seize_rifle(r, "surrendered", "2025-03-01", "ddr", "KC-1957-7781", "SA4", NULL, first);
	seize_rifle(r, "surrendered", "2025-03-02", "ddr", "KC-1957-7782", "SA4", NULL, NULL);
	json_t *list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	json_t *set = test_json("{\"reason\": \"handed to the court's store\"}"), *out = NULL;
	OK(wam_registry_item_set_status(r->db, &out, first, "in_store", set));
	json_decref(out);
	json_decref(set);
	json_decref(report_stolen(r, first));
	/* the loss is searched among the recovered: the batch's other rifle,
	 * a character apart, is now a hit on it; and so is a later seizure */
	list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	seize_rifle(r, "seized", "2025-09-01", "crime", "KC-I957-778I", "SA4", NULL, NULL);
	list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 2);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(test_str(json_object_get(json_array_get(list, i), "registered"), "id"), first);
	json_decref(list);
	expect_intact_and_rebuild(r);
}

static void test_same_command_sees_its_weapons_and_rollback_forgets_them(void **state)
{
	test_reg *r = *state;
	/* reported stolen and seized in one command: the hit is found */
	OK(wam_db_begin(r->db));
	json_decref(
	    report_loss(r, "{\"kind\": \"lost\", \"date\": \"2025-01-05\", \"circumstances\": \"lost on patrol\","
	                   " \"reported_by\": \"Cpl. Remy\", \"item\": {\"category\": \"SA1\", \"make\": \"Glock\","
	                   " \"model\": \"17\", \"calibre\": \"9x19mm\", \"serial\": \"BKX-4471\","
	                   " \"country\": \"AT\"}}"));
	json_t *in = test_json(
	           "{\"type\": \"found\", \"date\": \"2025-01-09\", \"officer\": \"Sgt. Lamy\", \"weapons\":"
	           " [{\"category\": \"SA1\", \"make\": \"Glock\", \"model\": \"17\", \"calibre\": \"9x19mm\","
	           " \"serial\": \"8KX-447I\", \"country\": \"AT\"}]}"),
	       *out;
	OK(wam_collection_recovery_add(r->db, &out, in));
	json_decref(in);
	json_decref(out);
	OK(wam_db_commit(r->db));
	assert_int_equal(test_count(r, "SELECT count(*) FROM hits"), 1);

	/* a weapon reported in a command that is undone is never found */
	long before = test_events(r);
	OK(wam_db_begin(r->db));
	json_decref(
	    report_loss(r, "{\"kind\": \"stolen\", \"date\": \"2025-01-05\", \"circumstances\": \"x\","
	                   " \"reported_by\": \"Cpl. Remy\", \"item\": {\"category\": \"SA1\", \"make\": \"Glock\","
	                   " \"model\": \"19\", \"calibre\": \"9x19mm\", \"serial\": \"QQW-90210\","
	                   " \"country\": \"AT\"}}"));
	wam_db_rollback(r->db);
	assert_int_equal(test_events(r), before);
	wam_match_query q = {.serial = "QQW-90210", .max_edits = 2};
	json_t *res;
	OK(wam_match_search(r->db, &res, &q));
	assert_int_equal(json_array_size(json_object_get(res, "candidates")), 0);
	json_decref(res);
	seize_rifle(r, "seized", "2025-02-01", NULL, "QQW-90210", "SA4", NULL, NULL);
	assert_int_equal(test_count(r, "SELECT count(*) FROM hits"), 1);
	expect_intact_and_rebuild(r);
}

static void test_confirm_recovers_the_stolen_weapon(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	json_decref(report_stolen(r, rifle));
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-I52B34", "SA4", NULL, NULL);
	json_t *list = hits(r, NULL);
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(json_array_get(list, 0), "id"));
	json_decref(list);

	json_t *d = test_json(
	           "{\"decision\": \"confirm\", \"reason\": \"frame and bolt serials read again at the lab\"}"),
	       *out;
	OK(wam_trace_hit_decide(r->db, &out, id, d));
	assert_string_equal(test_str(out, "state"), "confirmed");
	assert_string_equal(test_str(out, "point_category"), "state_stocks"); /* a police weapon */
	assert_string_equal(test_str(json_object_get(out, "point"), "category"), "state_stocks");
	assert_string_equal(test_str(json_object_get(out, "registered"), "status"), "seized");
	json_decref(out);
	/* the status change names the hit */
	json_t *hist;
	OK(wam_registry_item_history(r->db, &hist, rifle));
	json_t *last = json_array_get(hist, json_array_size(hist) - 1);
	assert_non_null(strstr(test_str(last, "summary"), id));
	json_decref(hist);
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE type='hit.decided'"), 1);

	/* deciding again conflicts and writes nothing */
	long before = test_events(r);
	assert_int_equal(wam_trace_hit_decide(r->db, &out, id, d), WAM_ECONFLICT);
	assert_null(out);
	assert_int_equal(test_events(r), before);
	json_decref(d);
	expect_intact_and_rebuild(r);
}

/* The id of the open hit whose recovered weapon is `recovered` and whose
 * registered one is `registered`, into `id`. */
static void hit_between(test_reg *r, const char *recovered, const char *registered, char id[32])
{
	json_t *list = hits(r, "open"), *h;
	size_t i;
	id[0] = '\0';
	json_array_foreach(list, i, h) if (!strcmp(test_str(json_object_get(h, "recovered"), "id"), recovered) &&
	                                   !strcmp(test_str(json_object_get(h, "registered"), "id"), registered))
	    snprintf(id, 32, "%s", test_str(h, "id"));
	json_decref(list);
	if (!id[0])
		fail_msg("no open hit between %s and %s", recovered, registered);
}

/* Confirming says two records are one weapon: a registered weapon already
 * confirmed as one recovered weapon is not confirmed as a second one, nor a
 * recovered weapon as a second registered one (the conflict names the
 * other hit, and nothing is written); rejecting stays possible. */
static void test_one_weapon_is_confirmed_once(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32], twin[32], first[32], second[32], h1[32], h2[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	json_decref(report_stolen(r, rifle));
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-I52B34", "SA4", NULL, first);
	seize_rifle(r, "seized", "2025-06-11", "crime", "AK47-I52G34", "SA4", NULL, second);
	hit_between(r, first, rifle, h1);
	hit_between(r, second, rifle, h2);
	/* the hit list for one weapon, either side of the hit */
	wam_hit_filter f = {.item_id = rifle};
	json_t *list, *out = NULL;
	OK(wam_trace_hit_list(r->db, &list, &f));
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	f.item_id = second;
	OK(wam_trace_hit_list(r->db, &list, &f));
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "id"), h2);
	json_decref(list);

	json_t *yes = test_json("{\"decision\": \"confirm\", \"reason\": \"same rifle\"}");
	OK(wam_trace_hit_decide(r->db, &out, h1, yes));
	json_decref(out);
	long before = test_events(r);
	assert_int_equal(wam_trace_hit_decide(r->db, &out, h2, yes), WAM_ECONFLICT);
	assert_null(out);
	assert_non_null(strstr(wam_error_last()->message, h1));
	assert_non_null(strstr(wam_error_last()->message, rifle));
	assert_int_equal(test_events(r), before);
	json_t *no = test_json("{\"decision\": \"reject\", \"reason\": \"the first one is the rifle\"}");
	OK(wam_trace_hit_decide(r->db, &out, h2, no));
	assert_string_equal(test_str(out, "state"), "rejected");
	json_decref(out);

	/* a recovered serial close to two stolen rifles: it is one of them */
	police_rifle(r, site, holder, "AK47-300111", twin);
	police_rifle(r, site, holder, "AK47-300117", second);
	json_decref(report_stolen(r, twin));
	json_decref(report_stolen(r, second));
	seize_rifle(r, "found", "2025-07-01", "cache", "AK47-3OO11I", "SA4", NULL, first);
	hit_between(r, first, twin, h1);
	hit_between(r, first, second, h2);
	OK(wam_trace_hit_decide(r->db, &out, h1, yes));
	json_decref(out);
	before = test_events(r);
	assert_int_equal(wam_trace_hit_decide(r->db, &out, h2, yes), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, h1));
	assert_non_null(strstr(wam_error_last()->message, twin));
	assert_int_equal(test_events(r), before);
	OK(wam_registry_item_get(r->db, &out, second));
	assert_string_equal(test_str(out, "status"), "stolen"); /* still missing */
	json_decref(out);
	json_decref(yes);
	json_decref(no);
	expect_intact_and_rebuild(r);
}

static void test_reject_is_recorded(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	json_decref(report_stolen(r, rifle));
	seize_rifle(r, "surrendered", "2025-06-10", "amnesty", "AK47-I52B34", "SA4", NULL, NULL);
	json_t *list = hits(r, "open");
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(json_array_get(list, 0), "id"));
	json_decref(list);
	/* a point of diversion only goes with a confirmation */
	long before = test_events(r);
	json_t *d = test_json("{\"decision\": \"reject\", \"reason\": \"different receiver pattern\","
	                      " \"point_of_diversion\": {\"category\": \"other\"}}"),
	       *out = NULL;
	assert_int_equal(wam_trace_hit_decide(r->db, &out, id, d), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "point_of_diversion");
	assert_int_equal(test_events(r), before);
	json_decref(d);
	const char *bad[][2] = {
	    {"{\"decision\": \"maybe\", \"reason\": \"r\"}", "decision"},
	    {"{\"decision\": \"confirm\"}", "reason"},
	    {"{\"decision\": \"confirm\", \"reason\": \"r\", \"point_of_diversion\": {\"category\": \"aliens\"}}",
	     "point_of_diversion.category"},
	    {"{\"decision\": \"confirm\", \"reason\": \"r\", \"point_of_diversion\": {\"category\": \"other\","
	     " \"colour\": \"red\"}}",
	     "point_of_diversion.colour"},
	    {"{\"decision\": \"confirm\", \"reason\": \"r\", \"point_of_diversion\": {\"category\": \"other\","
	     " \"country\": \"XX\"}}",
	     "point_of_diversion.country"},
	    /* a diversion is known once it happened */
	    {"{\"decision\": \"confirm\", \"reason\": \"r\", \"point_of_diversion\": {\"category\": \"other\","
	     " \"date\": \"2099-01-01\"}}",
	     "point_of_diversion.date"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *b = test_json(bad[k][0]);
		assert_int_equal(wam_trace_hit_decide(r->db, &out, id, b), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][1]);
		json_decref(b);
	}
	assert_int_equal(test_events(r), before);
	d = test_json("{\"decision\": \"reject\", \"reason\": \"different receiver pattern\"}");
	OK(wam_trace_hit_decide(r->db, &out, id, d));
	assert_string_equal(test_str(out, "state"), "rejected");
	assert_string_equal(test_str(out, "decision_reason"), "different receiver pattern");
	assert_true(json_is_null(json_object_get(out, "point")));
	assert_string_equal(test_str(json_object_get(out, "registered"), "status"), "stolen"); /* still missing */
	json_decref(out);
	list = hits(r, "open");
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	list = hits(r, "rejected");
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	json_t *c = test_json("{\"decision\": \"confirm\", \"reason\": \"second thoughts\"}");
	assert_int_equal(wam_trace_hit_decide(r->db, &out, id, c), WAM_ECONFLICT);
	json_decref(c);
	json_decref(d);
	expect_intact_and_rebuild(r);
}

static void test_little_read_or_a_fragment_is_no_hit(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152681", rifle);
	json_decref(report_stolen(r, rifle));
	/* two characters read: every serial of the make ending in 81 would do */
	seize_rifle(r, "seized", "2025-06-10", "crime", "?\?\?\?-?\?\?\?81", "SA4", NULL, NULL);
	/* a short serial read whole is not a fragment of the longer ones containing it */
	seize_rifle(r, "seized", "2025-06-11", "crime", "1526", "SA4", NULL, NULL);
	/* three characters unread of eleven: still a hit */
	seize_rifle(r, "seized", "2025-06-12", "crime", "AK47-15?6?1", "SA4", NULL, NULL);
	json_t *list = hits(r, NULL);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "reason"), "wildcard");
	assert_string_equal(test_str(json_object_get(json_array_get(list, 0), "recovered"), "serial"), "AK47-15?6?1");
	json_decref(list);
}

/* ---- bad input ---- */

static void expect_refused(test_reg *r, int code, const char *field, const char *text)
{
	long before = test_events(r);
	json_t *in = test_json(text), *out = NULL;
	int rc = wam_trace_loss_report(r->db, &out, in);
	json_decref(in);
	if (rc != code)
		fail_msg("expected %d, got %d (%s) for %s", code, rc, wam_error_last()->message, text);
	assert_null(out);
	assert_string_equal(wam_error_last()->field, field);
	assert_int_equal(test_events(r), before);
}

static void test_bad_input_names_the_field_and_writes_nothing(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	char text[600];
#define LOSS(extra)                                                                                                    \
	"{\"kind\": \"stolen\", \"date\": \"2025-02-03\", \"circumstances\": \"c\", \"reported_by\": \"R\"" extra "}"
	snprintf(text, sizeof text, LOSS(", \"item_id\": \"%s\", \"colour\": \"black\""), rifle);
	expect_refused(r, WAM_EINVAL, "colour", text);
	snprintf(text, sizeof text,
	         "{\"kind\": \"misplaced\", \"date\": \"2025-02-03\", \"circumstances\": \"c\","
	         " \"reported_by\": \"R\", \"item_id\": \"%s\"}",
	         rifle);
	expect_refused(r, WAM_EINVAL, "kind", text);
	snprintf(text, sizeof text,
	         "{\"kind\": \"lost\", \"date\": \"2025-02-30\", \"circumstances\": \"c\","
	         " \"reported_by\": \"R\", \"item_id\": \"%s\"}",
	         rifle);
	expect_refused(r, WAM_EINVAL, "date", text);
	snprintf(text, sizeof text,
	         "{\"kind\": \"lost\", \"date\": \"2099-01-01\", \"circumstances\": \"c\","
	         " \"reported_by\": \"R\", \"item_id\": \"%s\"}",
	         rifle);
	expect_refused(r, WAM_EINVAL, "date", text);
	snprintf(text, sizeof text,
	         "{\"kind\": \"lost\", \"date\": \"2025-02-03\", \"reported_by\": \"R\","
	         " \"item_id\": \"%s\"}",
	         rifle);
	expect_refused(r, WAM_EINVAL, "circumstances", text);
	expect_refused(r, WAM_EINVAL, "item_id", LOSS(""));
	expect_refused(r, WAM_EINVAL, "item_id", LOSS(", \"item_id\": \"01JNOSUCHWEAPON00000000000\""));
	snprintf(text, sizeof text, LOSS(", \"item_id\": \"%s\", \"item\": {\"category\": \"SA1\"}"), rifle);
	expect_refused(r, WAM_EINVAL, "item", text);
	/* the described weapon is checked as the registry checks it */
	expect_refused(r, WAM_EINVAL, "item.category", LOSS(", \"item\": {\"category\": \"BLUNDERBUSS\"}"));
	expect_refused(r, WAM_EINVAL, "item.status", LOSS(", \"item\": {\"category\": \"SA1\", \"status\": \"lost\"}"));
	/* a destroyed weapon cannot be stolen */
	json_t *d = test_json("{\"reason\": \"x\"}");
	OK(wam_registry_item_set_status(r->db, NULL, rifle, "in_store", d));
	json_decref(d);
	d = test_json("{\"reason\": \"cut\", \"certificate\": \"D-1\"}");
	OK(wam_registry_item_set_final_status(r->db, NULL, rifle, "destroyed", d));
	json_decref(d);
	snprintf(text, sizeof text, LOSS(", \"item_id\": \"%s\""), rifle);
	expect_refused(r, WAM_ECONFLICT, "item_id", text);
#undef LOSS

	/* hits: an unknown one, a bad decision, a missing reason */
	json_t *out = NULL, *dec = test_json("{\"decision\": \"confirm\", \"reason\": \"r\"}");
	assert_int_equal(wam_trace_hit_decide(r->db, &out, "01JNOSUCHHIT00000000000000", dec), WAM_ENOTFOUND);
	json_decref(dec);
	wam_hit_filter f = {.state = "pending"};
	assert_int_equal(wam_trace_hit_list(r->db, &out, &f), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "state");
	assert_int_equal(wam_trace_hit_scan(r->db, &out, "01JNOSUCHRECOVERY000000000"), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "recovery_id");
	assert_int_equal(test_count(r, "SELECT count(*) FROM loss_reports"), 0);

	/* origins: a recovered weapon, a known method and category */
	char seized[32];
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-998877", "SA4", NULL, seized);
	long before = test_events(r);
	const char *bad[][2] = {
	    {"{\"method\": \"guess\", \"category\": \"other\"}", "method"},
	    {"{\"method\": \"investigation\"}", "category"},
	    {"{\"method\": \"investigation\", \"category\": \"other\", \"date\": \"2025-13-01\"}", "date"},
	    {"{\"method\": \"investigation\", \"category\": \"other\", \"date\": \"2099-01-01\"}", "date"},
	    {"{\"method\": \"investigation\", \"category\": \"other\", \"by\": \"me\"}", "by"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *b = test_json(bad[k][0]);
		assert_int_equal(wam_trace_origin_establish(r->db, &out, seized, b), WAM_EINVAL);
		assert_null(out);
		assert_string_equal(wam_error_last()->field, bad[k][1]);
		json_decref(b);
	}
	json_t *o = test_json("{\"method\": \"investigation\", \"category\": \"other\"}");
	assert_int_equal(wam_trace_origin_establish(r->db, &out, "01JNOSUCHWEAPON00000000000", o), WAM_ENOTFOUND);
	json_decref(o);
	assert_int_equal(test_events(r), before);
}

/* ---- one loss, one record ---- */

/* The loss reports of weapon `item`, and the open ones. */
static long long reports_of(test_reg *r, const char *item, bool open_only)
{
	json_t *all;
	long long n = 0;
	size_t k;
	json_t *row;
	OK(wam_trace_loss_list(r->db, &all, open_only));
	json_array_foreach(all, k, row) n += !strcmp(test_str(row, "item_id"), item);
	json_decref(all);
	return n;
}

static void test_status_change_to_stolen_is_the_loss_report(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32], pistol[32], seized[32], text[600];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	/* a rifle seized under a misread serial before its theft is known */
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-I52B34", "SA4", NULL, seized);

	/* the theft recorded as a status change: its report, in the same
	 * command (the seized rifle's hit on it was found by its recovery) */
	long long before = test_events(r);
	json_t *d = test_json("{\"reason\": \"taken from the armoury rack\"}"), *out = NULL;
	OK(wam_registry_item_set_status(r->db, &out, rifle, "stolen", d));
	json_decref(d);
	json_decref(out);
	assert_int_equal(test_events(r), before + 2); /* status, report */
	assert_int_equal(reports_of(r, rifle, true), 1);
	json_t *all;
	OK(wam_trace_loss_list(r->db, &all, 1));
	json_t *rep = json_array_get(all, 0);
	assert_string_equal(test_str(rep, "kind"), "stolen");
	assert_string_equal(test_str(rep, "circumstances"), "taken from the armoury rack");
	assert_true(strlen(test_str(rep, "reported_by")) > 0);
	assert_int_equal(json_integer_value(json_object_get(rep, "hits")), 1);
	json_decref(all);

	/* a loss report recorded first changes the status and is the one
	 * record: no second report from the status change it makes */
	police_rifle(r, site, holder, "AK47-200001", pistol);
	before = test_events(r);
	json_decref(report_stolen(r, pistol));
	assert_int_equal(test_events(r), before + 2); /* status, report */
	assert_int_equal(reports_of(r, pistol, false), 1);

	/* a weapon registered lost has its report too */
	snprintf(
	    text, sizeof text,
	    "{\"category\": \"SA1\", \"make\": \"Glock\", \"model\": \"17\", \"calibre\": \"9x19mm\","
	    " \"serial\": \"BKX-4471\", \"country\": \"AT\", \"status\": \"lost\", \"notes\": \"lost in the flood\"}");
	char glock[32];
	test_add_item(r, text, glock);
	assert_int_equal(reports_of(r, glock, true), 1);
	OK(wam_trace_loss_list(r->db, &all, 1));
	size_t k;
	json_t *row;
	json_array_foreach(all, k, row) if (!strcmp(test_str(row, "item_id"), glock))
	    assert_string_equal(test_str(row, "circumstances"), "lost in the flood");
	json_decref(all);

	/* back under control, then stolen again: a second report, the only
	 * open one */
	d = test_json("{\"reason\": \"found in a car\"}");
	OK(wam_registry_item_set_status(r->db, NULL, pistol, "found", d));
	json_decref(d);
	assert_int_equal(reports_of(r, pistol, true), 0);
	d = test_json("{\"reason\": \"stolen again\"}");
	OK(wam_registry_item_set_status(r->db, NULL, pistol, "stolen", d));
	json_decref(d);
	assert_int_equal(reports_of(r, pistol, false), 2);
	assert_int_equal(reports_of(r, pistol, true), 1);

	/* the open reports are the weapons lost or stolen, one each */
	assert_int_equal(test_count(r, "SELECT count(*) FROM items WHERE status IN ('lost','stolen')"), 3);
	OK(wam_trace_loss_list(r->db, &all, 1));
	assert_int_equal(json_array_size(all), 3);
	json_decref(all);

	/* a refused change records no report either */
	before = test_events(r);
	d = test_json("{\"reason\": \"twice\"}");
	assert_int_equal(wam_registry_item_set_status(r->db, NULL, rifle, "lost", d), WAM_ECONFLICT);
	json_decref(d);
	assert_int_equal(test_events(r), before);
	expect_intact_and_rebuild(r);
}

/* A registry written before a status change made the loss report: its
 * stolen weapon gets one from the explicit `wam rebuild`, once. */
static void test_rebuild_reports_losses_recorded_before(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	/* the event an older wam appended alone */
	json_t *p = test_json("{\"from\": \"in_service\", \"to\": \"stolen\", \"reason\": \"patrol car broken into\"}");
	OK(wam_db_begin(r->db));
	OK(wam_ledger_append(r->db, "item.status_changed", rifle, p, NULL));
	OK(wam_db_commit(r->db));
	json_decref(p);
	assert_int_equal(reports_of(r, rifle, true), 0);
	int sealed = 0, recorded = 0, backfilled = 0;
	OK(wam_ledger_rebuild_sealing(r->db, &sealed, &recorded, &backfilled));
	assert_int_equal(backfilled, 1);
	json_t *all;
	OK(wam_trace_loss_list(r->db, &all, 1));
	assert_int_equal(json_array_size(all), 1);
	json_t *rep = json_array_get(all, 0);
	assert_string_equal(test_str(rep, "item_id"), rifle);
	assert_string_equal(test_str(rep, "kind"), "stolen");
	assert_string_equal(test_str(rep, "circumstances"), "patrol car broken into");
	assert_int_equal(strlen(test_str(rep, "date")), 10);
	json_decref(all);
	OK(wam_ledger_rebuild_sealing(r->db, &sealed, &recorded, &backfilled));
	assert_int_equal(backfilled, 0); /* once */
	assert_int_equal(reports_of(r, rifle, false), 1);
	expect_intact_and_rebuild(r);
}

/* ---- ammunition lost or stolen ---- */

/* Counts the lines an ammunition source visits and keeps the last. */
typedef struct seen_lines {
	int n;
	char text[256];
} seen_lines;

static int count_line(void *ctx, const wam_ammunition_seen *seen)
{
	seen_lines *s = ctx;
	const json_t *a = seen->ammunition;
	s->n++;
	snprintf(s->text, sizeof s->text, "%s %ld %s %s %s %s %lld", seen->source, seen->line,
	         seen->date ? seen->date : "-", seen->country ? seen->country : "-", test_str(a, "calibre"),
	         test_str(json_object_get(a, "headstamp"), "text"),
	         (long long)json_integer_value(json_object_get(a, "quantity")));
	return 0;
}

#define ROUNDS_STOLEN                                                                                                  \
	"{\"kind\": \"stolen\", \"date\": \"2025-04-11\", \"place\": \"Delmas\","                                      \
	" \"circumstances\": \"two crates taken from the police armoury\", \"reported_by\": \"Insp. Charles\","        \
	" \"ammunition\": [{\"calibre\": \"7.62x39mm\", \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\","     \
	" \"year\": 1981}, \"lot\": \"12-81-071\", \"crate_marks\": \"PS 1 440\", \"quantity\": 1440,"                 \
	" \"packages\": 2}, {\"calibre\": \"9x19mm\", \"type\": \"ball\", \"quantity\": 50, \"notes\": \"loose\"}]}"

/* Rounds stolen from an armoury are one report with no weapon: open, with
 * their lines, in no weapons-only lost/stolen CSV, walked by the
 * ammunition search; the lines survive a rebuild. */
static void test_ammunition_lost_alone(void **state)
{
	test_reg *r = *state;
	json_t *out = report_loss(r, ROUNDS_STOLEN);
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	assert_true(json_is_null(json_object_get(out, "item_id")));
	assert_true(json_is_true(json_object_get(out, "open")));
	assert_int_equal(json_array_size(json_object_get(out, "hits")), 0);
	const json_t *lines = json_object_get(out, "ammunition");
	assert_int_equal(json_array_size(lines), 2);
	const json_t *a = json_array_get(lines, 0), *b = json_array_get(lines, 1);
	assert_int_equal(json_integer_value(json_object_get(a, "line")), 0);
	assert_string_equal(test_str(a, "calibre"), "7.62x39mm");
	assert_string_equal(test_str(json_object_get(a, "headstamp"), "text"), "71 81");
	assert_string_equal(test_str(json_object_get(a, "headstamp"), "factory"), "71");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "headstamp"), "year")), 1981);
	assert_string_equal(test_str(a, "lot"), "12-81-071");
	assert_string_equal(test_str(a, "crate_marks"), "PS 1 440");
	assert_int_equal(json_integer_value(json_object_get(a, "quantity")), 1440);
	assert_int_equal(json_integer_value(json_object_get(a, "packages")), 2);
	assert_null(json_object_get(b, "headstamp"));
	assert_string_equal(test_str(b, "type"), "ball");
	assert_string_equal(test_str(b, "notes"), "loose");
	json_decref(out);
	assert_int_equal(test_count(r, "SELECT count(*) FROM loss_reports WHERE item_id=''"), 1);

	/* listed, open, with its lines */
	OK(wam_trace_loss_list(r->db, &out, 1));
	assert_int_equal(json_array_size(out), 1);
	assert_string_equal(test_str(json_array_get(out, 0), "id"), id);
	assert_int_equal(json_array_size(json_object_get(json_array_get(out, 0), "ammunition")), 2);
	json_decref(out);

	/* the lost/stolen CSV lists weapons: the header only */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	OK(wam_trace_loss_export(r->db, f));
	fclose(f);
	assert_null(strchr(buf, '\n') ? strchr(strchr(buf, '\n') + 1, '\n') : NULL);
	assert_null(strstr(buf, id));
	free(buf);

	/* the ammunition search walks both lines, the loss's date and the
	 * registry's country */
	seen_lines seen = {0};
	OK(wam_trace_loss_ammunition_source(r->db, count_line, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.text, "loss 1 2025-04-11 HT 9x19mm (null) 50");
	/* loss reports are the whole registry's: a principal confined to a
	 * site finds none of their lines */
	wam_principal confined = {.kind = "user",
	                          .id = "01JCONFINED000000000000000",
	                          .name = "armourer",
	                          .role = "armourer",
	                          .nsites = 1,
	                          .sites = {"01JSOMESITE000000000000000"}};
	OK(wam_db_set_principal(r->db, &confined));
	seen = (seen_lines){0};
	OK(wam_trace_loss_ammunition_source(r->db, count_line, &seen));
	assert_int_equal(seen.n, 0);
	OK(wam_db_set_principal(r->db, NULL));
	/* and the search's list walks it */
	seen = (seen_lines){0};
	for (const wam_ammunition_source *src = wam_ammunition_sources; *src; src++)
		OK((*src)(r->db, count_line, &seen));
	assert_true(seen.n >= 2);

	/* a weapon's report beside it keeps its hits and its weapon */
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	char text[600];
	snprintf(text, sizeof text,
	         "{\"kind\": \"stolen\", \"date\": \"2025-04-12\", \"circumstances\": \"c\", \"reported_by\": \"R\","
	         " \"item_id\": \"%s\", \"ammunition\": [{\"calibre\": \"7.62x39mm\", \"quantity\": 30}]}",
	         rifle);
	out = report_loss(r, text);
	assert_string_equal(test_str(out, "item_id"), rifle);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(json_object_get(out, "ammunition"), 0), "quantity")), 30);
	json_decref(out);
	assert_int_equal(test_count(r, "SELECT count(*) FROM loss_ammunition"), 3);
	test_expect_rebuilt(r, "SELECT group_concat(x, '|') FROM (SELECT report_id||line||calibre||"
	                       "coalesce(headstamp_text,'')||coalesce(headstamp_factory,'')||"
	                       "coalesce(headstamp_year,'')||coalesce(lot,'')||coalesce(crate_marks,'')||quantity||"
	                       "coalesce(packages,'')||coalesce(notes,'') AS x FROM loss_ammunition"
	                       " UNION ALL SELECT id||item_id||seq FROM loss_reports ORDER BY 1)");
}

/* Tries to close loss report `id` with `text`; the error is checked by
 * the caller, and nothing may have been written. */
static int try_close(test_reg *r, const char *id, const char *text)
{
	json_t *in = test_json(text), *out = NULL;
	long before = test_events(r);
	int rc = wam_trace_loss_close(r->db, &out, id, in);
	json_decref(in);
	if (rc) {
		assert_null(out);
		assert_int_equal(test_events(r), before);
	} else {
		assert_int_equal(test_events(r), before + 1);
		json_decref(out);
	}
	return rc;
}

/* A loss of rounds alone has no weapon whose status would close it: a
 * person closes it, with the reason and the recovery that brought the
 * rounds back; a weapon's report is refused (its status closes it), as are
 * a missing reason, a recovery that is none or holds no ammunition, and a
 * second close. Closed, it leaves the open list and survives a rebuild. */
static void test_ammunition_loss_closed(void **state)
{
	test_reg *r = *state;
	json_t *out = report_loss(r, ROUNDS_STOLEN);
	char id[32], rifle_loss[32], empty[32], cache[32];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	assert_true(json_is_null(json_object_get(out, "closed")));
	json_decref(out);

	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-271828", rifle);
	out = report_stolen(r, rifle);
	snprintf(rifle_loss, sizeof rifle_loss, "%s", test_str(out, "id"));
	json_decref(out);
	assert_int_equal(try_close(r, rifle_loss, "{\"reason\": \"found\"}"), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "id");
	assert_non_null(strstr(wam_error_last()->message, "closes when the weapon's status changes"));

	assert_int_equal(try_close(r, id, "{}"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reason");
	assert_int_equal(try_close(r, id, "{\"reason\": \"x\", \"colour\": 1}"), WAM_EINVAL);
	assert_int_equal(try_close(r, id, "{\"reason\": \"x\", \"recovery_id\": \"01JNOSUCHRECOVERY000000000\"}"),
	                 WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "recovery_id");
	seize_rifle(r, "seized", "2025-05-02", "crime", "AK47-314159", "SA4", empty, NULL);
	char text[300];
	snprintf(text, sizeof text, "{\"reason\": \"x\", \"recovery_id\": \"%s\"}", empty);
	assert_int_equal(try_close(r, id, text), WAM_EINVAL);
	assert_non_null(strstr(wam_error_last()->message, "holds no ammunition"));
	assert_int_equal(try_close(r, "01JNOSUCHLOSS0000000000000", "{\"reason\": \"x\"}"), WAM_ENOTFOUND);

	json_t *in = test_json("{\"type\": \"found\", \"date\": \"2025-06-01\", \"officer\": \"Sgt. Lamy\","
	                       " \"context\": \"cache\", \"ammunition\": [{\"calibre\": \"7.62x39mm\","
	                       " \"lot\": \"12-81-071\", \"quantity\": 1400}]}");
	OK(wam_collection_recovery_add(r->db, &out, in));
	snprintf(cache, sizeof cache, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	snprintf(text, sizeof text, "{\"reason\": \"the crates were in the cache\", \"recovery_id\": \"%s\"}", cache);
	assert_int_equal(try_close(r, id, text), 0);
	assert_int_equal(try_close(r, id, "{\"reason\": \"again\"}"), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "closed already"));

	OK(wam_trace_loss_list(r->db, &out, 0));
	const json_t *closed = NULL, *x;
	size_t i;
	json_array_foreach(out, i, x) if (!strcmp(test_str(x, "id"), id)) closed = json_object_get(x, "closed");
	assert_non_null(closed);
	assert_string_equal(test_str(closed, "reason"), "the crates were in the cache");
	assert_string_equal(test_str(closed, "recovery_id"), cache);
	json_decref(out);
	OK(wam_trace_loss_list(r->db, &out, 1));
	json_array_foreach(out, i, x) assert_string_not_equal(test_str(x, "id"), id);
	json_decref(out);
	test_expect_rebuilt(r,
	                    "SELECT group_concat(report_id||reason||coalesce(recovery_id,'')||seq) FROM loss_closures");
}

#define AMMO_LOSS(extra)                                                                                               \
	"{\"kind\": \"stolen\", \"date\": \"2025-02-03\", \"circumstances\": \"c\", \"reported_by\": \"R\"" extra "}"

/* A bad ammunition line is refused naming its field, with its index, and
 * nothing is written. */
static void test_ammunition_loss_refusals(void **state)
{
	test_reg *r = *state;
	expect_refused(r, WAM_EINVAL, "item_id", AMMO_LOSS(""));
	assert_string_equal(wam_error_last()->message, "a loss report names a weapon (item_id or item) or ammunition");
	expect_refused(r, WAM_EINVAL, "ammunition", AMMO_LOSS(", \"ammunition\": []"));
	expect_refused(r, WAM_EINVAL, "ammunition", AMMO_LOSS(", \"ammunition\": {\"calibre\": \"9x19mm\"}"));
	expect_refused(
	    r, WAM_EINVAL, "ammunition[1].quantity",
	    AMMO_LOSS(", \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 5}, {\"calibre\": \"9x19mm\"}]"));
	expect_refused(r, WAM_EINVAL, "ammunition[0].calibre", AMMO_LOSS(", \"ammunition\": [{\"quantity\": 5}]"));
	expect_refused(r, WAM_EINVAL, "ammunition[0].quantity",
	               AMMO_LOSS(", \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 0}]"));
	expect_refused(
	    r, WAM_EINVAL, "ammunition[0].headstamp.text",
	    AMMO_LOSS(", \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 5, \"headstamp\": {\"year\": "
	              "1981}}]"));
	expect_refused(
	    r, WAM_EINVAL, "ammunition[0].headstamp.year",
	    AMMO_LOSS(", \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 5, \"headstamp\": {\"text\": "
	              "\"71\", \"year\": 181}}]"));
	expect_refused(r, WAM_EINVAL, "ammunition[0].photos",
	               AMMO_LOSS(", \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 5, \"photos\": []}]"));
	expect_refused(
	    r, WAM_EINVAL, "ammunition[0].kind",
	    AMMO_LOSS(", \"ammunition\": [{\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"quantity\": 5}]"));
	assert_int_equal(test_count(r, "SELECT count(*) FROM loss_reports"), 0);
	assert_int_equal(test_count(r, "SELECT count(*) FROM loss_ammunition"), 0);
}

/* ---- the lost/stolen CSV ---- */

static void test_export_losses_csv(void **state)
{
	test_reg *r = *state;
	char site[32], holder[32], rifle[32];
	police_armoury(r, site, holder);
	police_rifle(r, site, holder, "AK47-152634", rifle);
	json_decref(report_stolen(r, rifle));
	json_decref(report_loss(
	    r, "{\"kind\": \"lost\", \"date\": \"2025-05-01\", \"place\": \"Route 9, Cap-Haïtien\","
	       " \"circumstances\": \"fell from a vehicle, \\\"unrecovered\\\"\", \"reported_by\": \"M. Jean\","
	       " \"item\": {\"category\": \"SA1\", \"make\": \"Glock\", \"model\": \"17\", \"calibre\": \"9x19mm\","
	       " \"serial\": \"BKX-4471\", \"country\": \"AT\", \"markings\": [{\"component\": \"slide\","
	       " \"kind\": \"serial\", \"text\": \"BKX-4471\"}, {\"component\": \"frame_receiver\", \"kind\":"
	       " \"proof\", \"text\": \"AUT eagle\"}]}}"));
	json_t *all;
	OK(wam_trace_loss_list(r->db, &all, 0));
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(test_str(json_array_get(all, 0), "date"), "2025-05-01"); /* newest first */
	assert_string_equal(test_str(json_array_get(all, 0), "serial"), "BKX-4471");
	json_decref(all);

	char path[200];
	snprintf(path, sizeof path, "%s/losses.csv", r->dir);
	FILE *f = fopen(path, "w+");
	OK(wam_trace_loss_export(r->db, f));
	rewind(f);
	char line[2048];
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "reference,report_type,report_date,reporting_country,reporting_agency,make,model,"
	                          "type,calibre,serial,country_of_manufacture,other_markings,place,circumstances,"
	                          "police_reference,wam_item_id\n");
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, ",stolen,2025-02-03,HT,PNH,Kalashnikov Concern,AK-47,SA4,7.62x39mm,AK47-152634,"
	                             "RU,import: HT,Delmas 33,armoury broken into overnight,PNH-2025-0113,"));
	assert_non_null(strstr(line, rifle));
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, ",lost,2025-05-01,HT,,Glock,17,SA1,9x19mm,BKX-4471,AT,"
	                             "serial (slide): BKX-4471; proof (frame_receiver): AUT eagle,"
	                             "\"Route 9, Cap-Haïtien\",\"fell from a vehicle, \"\"unrecovered\"\"\",,"));
	assert_null(fgets(line, sizeof line, f));
	fclose(f);

	/* a cell a spreadsheet would run as a formula starts with an
	 * apostrophe; a leading '-' is left alone only in a plain negative
	 * number ("-PNH-77" is a formula to a spreadsheet, "-17" a number) */
	json_decref(
	    report_loss(r, "{\"kind\": \"lost\", \"date\": \"2025-05-02\", \"place\": \"@SUM(A1)\", \"circumstances\":"
	                   " \"\\t+1 lost\", \"reported_by\": \"M. Jean\", \"agency\": \"+509 3344 (PNH)\", "
	                   "\"police_ref\": \"-PNH-77\","
	                   " \"item\": {\"category\": \"SA1\", \"make\": \"=cmd|' /C calc'!A0\", \"model\": \"-17\","
	                   " \"calibre\": \"9x19mm\", \"serial\": \"=1+2\", \"country\": \"AT\"}}"));
	f = fopen(path, "w+");
	OK(wam_trace_loss_export(r->db, f));
	rewind(f);
	for (int k = 0; k < 4; k++)
		assert_non_null(fgets(line, sizeof line, f));
	if (!strstr(line, ",lost,2025-05-02,HT,'+509 3344 (PNH),'=cmd|' /C calc'!A0,-17,SA1,9x19mm,'=1+2,AT,,'@SUM(A1),"
	                  "'\t+1 lost,'-PNH-77,"))
		fail_msg("formula cells not neutralised: %s", line);
	fclose(f);

	/* once the weapon is back, its report is closed and leaves the list */
	seize_rifle(r, "seized", "2025-06-10", "crime", "AK47-I52B34", "SA4", NULL, NULL);
	json_t *list = hits(r, NULL), *out, *d = test_json("{\"decision\": \"confirm\", \"reason\": \"same weapon\"}");
	OK(wam_trace_hit_decide(r->db, &out, test_str(json_array_get(list, 0), "id"), d));
	json_decref(out);
	json_decref(d);
	json_decref(list);
	OK(wam_trace_loss_list(r->db, &all, 1));
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(test_str(json_array_get(all, 0), "kind"), "lost");
	assert_string_equal(test_str(json_array_get(all, 1), "kind"), "lost");
	json_decref(all);
	/* each report counts the hits (open or confirmed) on its weapon */
	OK(wam_trace_loss_list(r->db, &all, 0));
	size_t k;
	json_t *row;
	int seen = 0;
	json_array_foreach(all, k, row)
	{
		bool rifle_row = !strcmp(test_str(row, "item_id"), rifle);
		assert_int_equal(json_integer_value(json_object_get(row, "hits")), rifle_row ? 1 : 0);
		seen += rifle_row;
	}
	assert_int_equal(seen, 1);
	json_decref(all);
	expect_intact_and_rebuild(r);
}

/* ---- SDG 16.4.2 ---- */

static void add_site(test_reg *r, const char *name, const char *parent, char id[32])
{
	char text[300];
	snprintf(text, sizeof text, "{\"name\": \"%s\", \"kind\": \"police_station\"%s%s%s}", name,
	         parent ? ", \"parent_id\": \"" : "", parent ? parent : "", parent ? "\"" : "");
	json_t *in = test_json(text), *out;
	OK(wam_registry_site_add(r->db, &out, in));
	snprintf(id, 32, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

/* Records a recovery of one weapon given as JSON at `site`; the weapon's id
 * in `item`. */
static void recover(test_reg *r, const char *type, const char *date, const char *context, const char *site,
                    const char *weapon, char item[32])
{
	char text[1200];
	snprintf(text, sizeof text,
	         "{\"type\": \"%s\", \"date\": \"%s\", \"officer\": \"Sgt. Lamy\", \"site_id\": \"%s\"%s%s%s,"
	         " \"weapons\": [%s]}",
	         type, date, site, context ? ", \"context\": \"" : "", context ? context : "", context ? "\"" : "",
	         weapon);
	json_t *in = test_json(text), *out = NULL;
	OK(wam_collection_recovery_add(r->db, &out, in));
	snprintf(item, 32, "%s", test_str(json_array_get(json_object_get(out, "items"), 0), "id"));
	json_decref(in);
	json_decref(out);
}

/* An outgoing trace request for `item`, sent, and answered with `response`
 * (NULL: left a draft). */
static void trace_request(test_reg *r, const char *item, const char *response)
{
	char text[800];
	snprintf(
	    text, sizeof text,
	    "{\"item_id\": \"%s\", \"requesting\": {\"state\": \"HT\", \"contact\": {\"name\": \"Insp. Valcourt\"}},"
	    " \"requested\": {\"state\": \"RU\"}, \"illicit_reason\": \"illicit_national_law\","
	    " \"justification\": \"criminal investigation 2025/77\", \"intended_use\": \"prosecution\"}",
	    item);
	json_t *in = test_json(text), *out = NULL;
	OK(wam_trace_request_draft(r->db, &out, in));
	json_decref(in);
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	json_decref(out);
	if (!response)
		return;
	in = test_json("{\"date\": \"2025-08-01\"}");
	OK(wam_trace_request_send(r->db, NULL, id, in));
	json_decref(in);
	in = test_json(response);
	OK(wam_trace_request_respond(r->db, NULL, id, in));
	json_decref(in);
}

static json_int_t num(const json_t *o, const char *path)
{
	char key[64];
	snprintf(key, sizeof key, "%s", path);
	const json_t *v = o;
	for (char *part = key, *dot; part; part = dot ? dot + 1 : NULL) {
		dot = strchr(part, '.');
		if (dot)
			*dot = '\0';
		v = json_object_get(v, part);
	}
	if (!json_is_integer(v))
		fail_msg("%s is not a number in the report", path);
	return json_integer_value(v);
}

/* The item ids behind `figure`, in order, joined by spaces. */
static char *records(test_reg *r, const wam_sdg_scope *scope, const char *figure)
{
	json_t *rows = NULL, *row;
	size_t i;
	OK(wam_trace_sdg_report_records(r->db, &rows, scope, figure, WAM_TRACE_CONFIDENTIAL));
	wam_buf b = {0};
	json_array_foreach(rows, i, row) wam_buf_printf(&b, "%s%s", i ? " " : "", test_str(row, "item_id"));
	json_decref(rows);
	char *s = strdup(b.p ? b.p : "");
	wam_buf_free(&b);
	return s;
}

static void expect_records(test_reg *r, const wam_sdg_scope *scope, const char *figure, const char *ids)
{
	char *have = records(r, scope, figure);
	if (strcmp(have, ids) != 0)
		fail_msg("records of %s: expected [%s], got [%s]", figure, ids, have);
	free(have);
}

static void test_sdg_counts_of_known_recoveries(void **state)
{
	test_reg *r = *state;
	char region[32], a[32], b[32], holder[32], p1[32], p2[32], p3[32], u[10][32];
	json_t *in, *out;
	add_site(r, "Région Ouest", NULL, region);
	add_site(r, "Commissariat A", region, a);
	add_site(r, "Commissariat B", NULL, b);
	police_armoury(r, p1, holder); /* p1 is scratch here: the armoury's site */
	police_rifle(r, a, holder, "AK47-152634", p1);
	police_rifle(r, a, holder, "AK47-300111", p2);
	test_add_item(r,
	              "{\"category\": \"SA2\", \"make\": \"Norinco\", \"model\": \"SKS\", \"calibre\": \"7.62x39mm\","
	              " \"serial\": \"SKS-778812\", \"country\": \"CN\", \"status\": \"in_store\"}",
	              p3);
	json_decref(report_stolen(r, p1));
	json_decref(report_stolen(r, p2));
	json_decref(report_stolen(r, p3));

#define W(cat, make, model, cal, serial, country)                                                                      \
	"{\"category\": \"" cat "\", \"make\": \"" make "\", \"model\": \"" model "\", \"calibre\": \"" cal            \
	"\", \"serial\": \"" serial "\", \"country\": \"" country "\"}"
	/* 1: traced by a request answered with a point of diversion */
	recover(r, "seized", "2025-01-15", "crime", a,
	        W("SA4", "Kalashnikov Concern", "AKM", "7.62x39mm", "AKM-610203", "RU"), u[1]);
	/* 2: a request with no record found; origin established by investigation */
	recover(r, "found", "2025-02-10", "cache", a, W("SA1", "Glock", "17", "9x19mm", "GLK-55120", "AT"), u[2]);
	/* 3: identified, a request only drafted */
	recover(r, "surrendered", "2025-03-05", "amnesty", b,
	        W("SHOTGUN", "Mossberg", "500", "12 gauge", "V0911223", "US"), u[3]);
	/* 4: a hit on stolen police rifle p1, confirmed */
	recover(r, "seized", "2025-04-01", "armed_group", b,
	        W("SA4", "Kalashnikov Concern", "AK-47", "7.62x39mm", "AK47-I52B34", "RU"), u[4]);
	/* 5: stolen police rifle p2 itself, recovered by its id */
	char text[100];
	snprintf(text, sizeof text, "{\"item_id\": \"%s\"}", p2);
	recover(r, "seized", "2025-05-20", "crime", a, text, u[5]);
	assert_string_equal(u[5], p2);
	/* 6: serial obliterated; origin established by intelligence */
	recover(r, "found", "2025-06-11", NULL, a,
	        "{\"category\": \"SA3\", \"make\": \"Beretta\", \"markings\": [{\"component\": \"frame_receiver\","
	        " \"kind\": \"serial\", \"text\": \"??????\", \"legibility\": \"obliterated\"}]}",
	        u[6]);
	/* 7: a heavy machine gun, serial but no make: identified, nothing else */
	recover(r, "seized", "2025-07-07", "crime", b,
	        "{\"category\": \"LW1\", \"calibre\": \"12.7x108mm\", \"serial\": \"DSHK-44102\"}", u[7]);
	/* 8: the year before; 0: the year after */
	recover(r, "seized", "2024-12-31", "crime", a, W("SA1", "Glock", "19", "9x19mm", "GLK-80001", "AT"), u[8]);
	recover(r, "seized", "2026-01-01", "crime", a, W("SA1", "Glock", "19", "9x19mm", "GLK-93377", "AT"), u[0]);
	/* 9: a hit on stolen rifle p3, left open */
	recover(r, "seized", "2025-08-08", "border_interdiction", b,
	        W("SA2", "Norinco", "SKS", "7.62x39mm", "SKS-77B812", "CN"), u[9]);
#undef W

	trace_request(r, u[1],
	              "{\"result\": \"record_found\", \"date\": \"2025-09-01\", \"point_of_diversion\":"
	              " {\"category\": \"transfer_export\", \"country\": \"UA\"}}");
	trace_request(r, u[2], "{\"result\": \"no_record\", \"date\": \"2025-09-02\"}");
	trace_request(r, u[3], NULL);
	in = test_json("{\"method\": \"investigation\", \"category\": \"illicit_manufacture\", \"country\": \"HT\"}");
	OK(wam_trace_origin_establish(r->db, &out, u[2], in));
	assert_string_equal(test_str(out, "method"), "investigation");
	json_decref(out);
	/* a second finding for the same weapon is refused */
	assert_int_equal(wam_trace_origin_establish(r->db, &out, u[2], in), WAM_ECONFLICT);
	/* only a recovered weapon has an illicit origin to establish */
	assert_int_equal(wam_trace_origin_establish(r->db, &out, p3, in), WAM_ECONFLICT);
	json_decref(in);
	in = test_json("{\"method\": \"intelligence\", \"category\": \"civilian_holder\"}");
	OK(wam_trace_origin_establish(r->db, &out, u[6], in));
	json_decref(out);
	json_decref(in);
	json_t *list = hits(r, NULL), *h;
	size_t i;
	assert_int_equal(json_array_size(list), 2);
	json_array_foreach(list, i, h) if (!strcmp(test_str(json_object_get(h, "recovered"), "id"), u[4]))
	{
		in = test_json("{\"decision\": \"confirm\", \"reason\": \"same rifle\"}");
		OK(wam_trace_hit_decide(r->db, &out, test_str(h, "id"), in));
		json_decref(out);
		json_decref(in);
	}
	json_decref(list);

	wam_sdg_scope all = {.year = 2025};
	json_t *rep;
	OK(wam_trace_sdg_report(r->db, &rep, &all));
	assert_int_equal(num(rep, "counts.recovered"), 8);
	assert_int_equal(num(rep, "counts.seized"), 5);
	assert_int_equal(num(rep, "counts.found"), 2);
	assert_int_equal(num(rep, "counts.surrendered"), 1);
	assert_int_equal(num(rep, "counts.identified"), 7);
	assert_int_equal(num(rep, "counts.trace_initiated"), 4);
	assert_int_equal(num(rep, "counts.traced_successfully"), 3);
	assert_int_equal(num(rep, "counts.established_otherwise"), 2);
	assert_int_equal(num(rep, "indicator.numerator"), 5);
	assert_int_equal(num(rep, "indicator.denominator"), 8);
	assert_true(json_real_value(json_object_get(json_object_get(rep, "indicator"), "value")) == 62.5);
	assert_int_equal(num(rep, "by_type.rifle.recovered"), 4);
	assert_int_equal(num(rep, "by_type.rifle.numerator"), 3);
	assert_int_equal(num(rep, "by_type.pistol_revolver.numerator"), 1);
	assert_int_equal(num(rep, "by_type.shotgun.recovered"), 1);
	assert_int_equal(num(rep, "by_type.shotgun.numerator"), 0);
	assert_int_equal(num(rep, "by_type.smg.numerator"), 1);
	assert_int_equal(num(rep, "by_type.machine_gun.recovered"), 1);
	assert_int_equal(num(rep, "by_type.other.recovered"), 0);
	assert_int_equal(num(rep, "by_result.transfer_export"), 1);
	assert_int_equal(num(rep, "by_result.illicit_manufacture"), 1);
	assert_int_equal(num(rep, "by_result.state_stocks"), 2);
	assert_int_equal(num(rep, "by_result.civilian_holder"), 1);
	assert_int_equal(num(rep, "by_result.other"), 0);
	assert_int_equal(num(rep, "by_result.not_established"), 3);
	assert_int_equal(num(rep, "by_context.crime"), 3);
	assert_int_equal(num(rep, "by_context.unknown"), 1);
	assert_int_equal(num(rep, "by_context.border_interdiction"), 1);
	assert_int_equal(json_object_size(json_object_get(rep, "by_context")), 6);

	/* every figure drills down to its weapons, by date */
	char ids[400];
	expect_records(r, &all, "traced_successfully", (snprintf(ids, sizeof ids, "%s %s %s", u[1], u[4], u[5]), ids));
	expect_records(r, &all, "established_otherwise", (snprintf(ids, sizeof ids, "%s %s", u[2], u[6]), ids));
	expect_records(r, &all, "trace_initiated",
	               (snprintf(ids, sizeof ids, "%s %s %s %s", u[1], u[2], u[4], u[5]), ids));
	expect_records(r, &all, "numerator",
	               (snprintf(ids, sizeof ids, "%s %s %s %s %s", u[1], u[2], u[4], u[5], u[6]), ids));
	expect_records(r, &all, "surrendered", u[3]);
	expect_records(r, &all, "by_result.not_established",
	               (snprintf(ids, sizeof ids, "%s %s %s", u[3], u[7], u[9]), ids));
	expect_records(r, &all, "by_result.state_stocks", (snprintf(ids, sizeof ids, "%s %s", u[4], u[5]), ids));
	expect_records(r, &all, "by_type.rifle.numerator",
	               (snprintf(ids, sizeof ids, "%s %s %s", u[1], u[4], u[5]), ids));
	expect_records(r, &all, "by_type.machine_gun", u[7]);
	expect_records(r, &all, "by_context.unknown", u[6]);
	expect_records(
	    r, &all, "identified",
	    (snprintf(ids, sizeof ids, "%s %s %s %s %s %s %s", u[1], u[2], u[3], u[4], u[5], u[7], u[9]), ids));
	json_t *rows;
	OK(wam_trace_sdg_report_records(r->db, &rows, &all, "traced_successfully", WAM_TRACE_CONFIDENTIAL));
	assert_string_equal(test_str(json_array_get(rows, 0), "traced"), "request");
	assert_string_equal(test_str(json_array_get(rows, 0), "result"), "transfer_export");
	assert_string_equal(test_str(json_array_get(rows, 1), "traced"), "hit");
	assert_string_equal(test_str(json_array_get(rows, 2), "traced"), "registry");
	/* u[1]'s response kept the request's confidentiality, restricted: in
	 * full it names itself for the read to be logged */
	assert_string_equal(test_str(json_array_get(rows, 0), "restricted"), "responses[0]");
	assert_non_null(test_str(json_array_get(rows, 0), "request_id"));
	assert_true(json_is_false(json_object_get(json_array_get(rows, 0), "withheld")));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "restricted")));
	json_decref(rows);
	/* R11: without WAM_TRACE_CONFIDENTIAL its result is withheld, the
	 * weapon and the figure's count stay */
	OK(wam_trace_sdg_report_records(r->db, &rows, &all, "traced_successfully", 0));
	assert_int_equal(json_array_size(rows), 3);
	json_t *row0 = json_array_get(rows, 0);
	assert_string_equal(test_str(row0, "item_id"), u[1]);
	assert_string_equal(test_str(row0, "traced"), "request");
	assert_true(json_is_null(json_object_get(row0, "result")));
	assert_true(json_is_true(json_object_get(row0, "withheld")));
	assert_string_equal(test_str(json_array_get(rows, 1), "result"), "state_stocks");
	assert_true(json_is_false(json_object_get(json_array_get(rows, 1), "withheld")));
	json_decref(rows);
	/* a by_result figure would say the result by naming the weapon: the
	 * whole record is withheld */
	OK(wam_trace_sdg_report_records(r->db, &rows, &all, "by_result.transfer_export", 0));
	assert_int_equal(json_array_size(rows), 1);
	row0 = json_array_get(rows, 0);
	assert_true(json_is_null(json_object_get(row0, "item_id")));
	assert_true(json_is_null(json_object_get(row0, "serial")));
	assert_true(json_is_null(json_object_get(row0, "request_id")));
	assert_true(json_is_true(json_object_get(row0, "withheld")));
	json_decref(rows);
	expect_records(r, &all, "by_result.transfer_export", u[1]);
	/* a figure that is not the report's names figure, an unknown key too */
	const char *figures[] = {"bogus",           "by_type.tank", "by_type.rifle.bogus", "by_result.aliens",
	                         "by_context.crim", "by_context.",  "by_result."};
	for (size_t k = 0; k < sizeof figures / sizeof figures[0]; k++) {
		if (wam_trace_sdg_report_records(r->db, &rows, &all, figures[k], 0) != WAM_EINVAL)
			fail_msg("figure %s was not refused", figures[k]);
		assert_null(rows);
		assert_string_equal(wam_error_last()->field, "figure");
	}
	/* a context no recovery of the year has is no error: nothing behind it */
	expect_records(r, &all, "by_context.ddr", "");

	/* the CSV: one figure a row */
	char path[200], line[200];
	snprintf(path, sizeof path, "%s/sdg.csv", r->dir);
	FILE *f = fopen(path, "w+");
	OK(wam_trace_sdg_report_csv(rep, f));
	rewind(f);
	wam_buf csv = {0};
	while (fgets(line, sizeof line, f))
		wam_buf_puts(&csv, line);
	fclose(f);
	const char *expect[] = {"figure,value\nyear,2025\nsite_id,\nindicator.value,62.50\nindicator.numerator,5\n"
	                        "indicator.denominator,8\nrecovered,8\nseized,5\nfound,2\nsurrendered,1\nidentified,7\n"
	                        "trace_initiated,4\ntraced_successfully,3\nestablished_otherwise,2\n",
	                        "by_type.rifle.recovered,4\nby_type.rifle.numerator,3\n",
	                        "by_result.not_established,3\n", "by_context.amnesty,1\nby_context.armed_group,1\n",
	                        NULL};
	for (const char **e = expect; *e; e++)
		if (!strstr(csv.p, *e))
			fail_msg("the CSV lacks\n%s\nin\n%s", *e, csv.p);
	wam_buf_free(&csv);
	json_decref(rep);

	/* a site and the sites under it */
	wam_sdg_scope west = {.year = 2025, .site_id = region}, east = {.year = 2025, .site_id = b};
	OK(wam_trace_sdg_report(r->db, &rep, &west));
	assert_int_equal(num(rep, "indicator.denominator"), 4);
	assert_int_equal(num(rep, "indicator.numerator"), 4);
	assert_true(json_real_value(json_object_get(json_object_get(rep, "indicator"), "value")) == 100.0);
	json_decref(rep);
	OK(wam_trace_sdg_report(r->db, &rep, &east));
	assert_int_equal(num(rep, "indicator.denominator"), 4);
	assert_int_equal(num(rep, "indicator.numerator"), 1);
	assert_true(json_real_value(json_object_get(json_object_get(rep, "indicator"), "value")) == 25.0);
	json_decref(rep);
	expect_records(r, &east, "numerator", u[4]);
	/* other years */
	wam_sdg_scope y2024 = {.year = 2024}, y2023 = {.year = 2023};
	OK(wam_trace_sdg_report(r->db, &rep, &y2024));
	assert_int_equal(num(rep, "counts.recovered"), 1);
	json_decref(rep);
	OK(wam_trace_sdg_report(r->db, &rep, &y2023));
	assert_int_equal(num(rep, "indicator.denominator"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(rep, "indicator"), "value")));
	json_decref(rep);
	/* a bad scope names its field; years run 1900 to 2100, for the
	 * records as for the report */
	wam_sdg_scope bad = {.year = 0};
	assert_int_equal(wam_trace_sdg_report(r->db, &rep, &bad), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "year");
	int years[] = {1899, 2101, 9999};
	for (size_t k = 0; k < sizeof years / sizeof years[0]; k++) {
		bad.year = years[k];
		assert_int_equal(wam_trace_sdg_report(r->db, &rep, &bad), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "year");
		assert_int_equal(wam_trace_sdg_report_records(r->db, &rows, &bad, "recovered", 0), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "year");
	}
	bad.year = 2100;
	OK(wam_trace_sdg_report(r->db, &rep, &bad));
	json_decref(rep);
	bad = (wam_sdg_scope){.year = 2025, .site_id = "01JNOSUCHSITE0000000000000"};
	assert_int_equal(wam_trace_sdg_report(r->db, &rep, &bad), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "site_id");
	expect_intact_and_rebuild(r);
	/* the same figures from the rebuilt tables */
	OK(wam_trace_sdg_report(r->db, &rep, &all));
	assert_int_equal(num(rep, "indicator.numerator"), 5);
	json_decref(rep);
}

static void test_sdg_weapon_recovered_twice_counts_once(void **state)
{
	test_reg *r = *state;
	char site[32], item[32], again[32], text[100];
	add_site(r, "Commissariat A", NULL, site);
	recover(r, "seized", "2025-02-01", "crime", site,
	        "{\"category\": \"SA1\", \"make\": \"Taurus\", \"model\": \"85\", \"calibre\": \".38 Special\","
	        " \"serial\": \"TX-99120\", \"country\": \"BR\"}",
	        item);
	/* stolen from the evidence store, then found again the same year */
	json_decref(report_stolen(r, item));
	snprintf(text, sizeof text, "{\"item_id\": \"%s\"}", item);
	recover(r, "found", "2025-09-01", "cache", site, text, again);
	assert_string_equal(again, item);
	wam_sdg_scope all = {.year = 2025};
	json_t *rep;
	OK(wam_trace_sdg_report(r->db, &rep, &all));
	/* once, as its first recovery: seized in a crime, origin not traced */
	assert_int_equal(num(rep, "counts.recovered"), 1);
	assert_int_equal(num(rep, "counts.seized"), 1);
	assert_int_equal(num(rep, "counts.found"), 0);
	assert_int_equal(num(rep, "by_context.crime"), 1);
	assert_int_equal(num(rep, "counts.traced_successfully"), 0);
	assert_int_equal(num(rep, "by_result.not_established"), 1);
	json_decref(rep);
	expect_records(r, &all, "seized", item);
	expect_records(r, &all, "found", "");
}

/* Records a recovery at `site` of the weapons given as JSON, with `person`
 * (JSON members, or ""), its id in `id` and its first weapon's in `item`. */
static void recover_from(test_reg *r, const char *type, const char *date, const char *site, const char *person,
                         const char *weapons, char id[32], char item[32])
{
	char text[1200];
	snprintf(text, sizeof text,
	         "{\"type\": \"%s\", \"date\": \"%s\", \"officer\": \"Sgt. Lamy\", \"site_id\": \"%s\"%s%s,"
	         " \"weapons\": [%s]}",
	         type, date, site, person[0] ? ", " : "", person, weapons);
	json_t *in = test_json(text), *out = NULL;
	OK(wam_collection_recovery_add(r->db, &out, in));
	snprintf(id, 32, "%s", test_str(out, "id"));
	snprintf(item, 32, "%s", test_str(json_array_get(json_object_get(out, "items"), 0), "id"));
	json_decref(in);
	json_decref(out);
}

static void establish(test_reg *r, const char *item)
{
	json_t *in = test_json("{\"method\": \"investigation\", \"category\": \"illicit_manufacture\"}"), *out = NULL;
	OK(wam_trace_origin_establish(r->db, &out, item, in));
	json_decref(in);
	json_decref(out);
}

/* The SDG report splits the recovered weapons by the sex and the age band
 * of the person of their recovery, every word present, not_recorded for a
 * recovery that says nothing (a weapon found has no person); a description
 * given later counts; each split's parts sum to `recovered` and to the
 * numerator; each figure drills down to its weapons; the CSV has them; and
 * a registry without the table (made before it) counts everyone
 * not_recorded. */
static void test_sdg_by_sex_and_age_band(void **state)
{
	test_reg *r = *state;
	char site[32], rid[6][32], u[6][32], two[32], ids[400];
	add_site(r, "Commissariat Delmas", NULL, site);
	recover_from(r, "seized", "2025-02-01", site, "\"person_sex\": \"female\", \"person_age_band\": \"18_24\"",
	             "{\"category\": \"SA1\", \"make\": \"Glock\", \"serial\": \"PP-1\", \"country\": \"AT\"}", rid[1],
	             u[1]);
	recover_from(r, "surrendered", "2025-03-01", site, "\"person_sex\": \"male\"",
	             "{\"category\": \"SA4\", \"make\": \"Norinco\", \"serial\": \"PP-2\", \"country\": \"CN\"},"
	             " {\"category\": \"SA4\", \"make\": \"Norinco\", \"serial\": \"PP-2B\", \"country\": \"CN\"}",
	             rid[2], u[2]);
	recover_from(r, "found", "2025-04-01", site, "",
	             "{\"category\": \"SHOTGUN\", \"make\": \"Mossberg\", \"serial\": \"PP-3\", \"country\": \"US\"}",
	             rid[3], u[3]);
	recover_from(r, "seized", "2025-05-01", site, "",
	             "{\"category\": \"SA1\", \"make\": \"Taurus\", \"serial\": \"PP-4\", \"country\": \"BR\"}", rid[4],
	             u[4]);
	recover_from(r, "seized", "2025-06-01", site,
	             "\"person_sex\": \"female\", \"person_age_band\": \"under_18\", \"legal_justification\":"
	             " \"illicit_possession\"",
	             "{\"category\": \"SA3\", \"make\": \"Uzi\", \"serial\": \"PP-5\", \"country\": \"IL\"}", rid[5],
	             u[5]);
	/* the person of the fourth recovery is known later */
	json_t *d = json_pack("{s:s, s:s}", "person_sex", "other", "person_age_band", "60_plus"), *out = NULL;
	OK(wam_collection_recovery_describe(r->db, &out, rid[4], d));
	json_decref(d);
	json_decref(out);
	establish(r, u[1]);
	establish(r, u[4]);
	{ /* the second weapon of the surrender */
		json_t *rec = NULL;
		OK(wam_collection_recovery_get(r->db, &rec, rid[2]));
		snprintf(two, sizeof two, "%s", test_str(json_array_get(json_object_get(rec, "items"), 1), "id"));
		json_decref(rec);
	}

	wam_sdg_scope all = {.year = 2025};
	json_t *rep;
	OK(wam_trace_sdg_report(r->db, &rep, &all));
	assert_int_equal(num(rep, "counts.recovered"), 6);
	assert_int_equal(num(rep, "indicator.numerator"), 2);
	static const struct {
		const char *figure;
		json_int_t n;
	} want[] = {
	    {"by_sex.female.recovered", 2},
	    {"by_sex.female.numerator", 1},
	    {"by_sex.male.recovered", 2},
	    {"by_sex.male.numerator", 0},
	    {"by_sex.other.recovered", 1},
	    {"by_sex.other.numerator", 1},
	    {"by_sex.not_recorded.recovered", 1},
	    {"by_sex.not_recorded.numerator", 0},
	    {"by_age_band.under_18.recovered", 1},
	    {"by_age_band.18_24.recovered", 1},
	    {"by_age_band.18_24.numerator", 1},
	    {"by_age_band.25_34.recovered", 0},
	    {"by_age_band.35_59.recovered", 0},
	    {"by_age_band.60_plus.recovered", 1},
	    {"by_age_band.60_plus.numerator", 1},
	    {"by_age_band.not_recorded.recovered", 3},
	    {"by_age_band.not_recorded.numerator", 0},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
		if (num(rep, want[k].figure) != want[k].n)
			fail_msg("%s: expected %lld, got %lld", want[k].figure, (long long)want[k].n,
			         (long long)num(rep, want[k].figure));
	const char *splits[] = {"by_sex", "by_age_band"};
	for (int g = 0; g < 2; g++) {
		const json_t *split = json_object_get(rep, splits[g]), *v;
		const char *k;
		json_int_t recovered = 0, numerator = 0;
		assert_int_equal(json_object_size(split), g ? 6 : 4); /* every word, not_recorded too */
		json_object_foreach((json_t *)split, k, v)
		{
			recovered += json_integer_value(json_object_get(v, "recovered"));
			numerator += json_integer_value(json_object_get(v, "numerator"));
		}
		assert_int_equal(recovered, num(rep, "counts.recovered"));
		assert_int_equal(numerator, num(rep, "indicator.numerator"));
	}
	expect_records(r, &all, "by_sex.female", (snprintf(ids, sizeof ids, "%s %s", u[1], u[5]), ids));
	expect_records(r, &all, "by_sex.female.numerator", u[1]);
	expect_records(r, &all, "by_sex.other.recovered", u[4]);
	expect_records(r, &all, "by_age_band.not_recorded",
	               (snprintf(ids, sizeof ids, "%s %s %s", strcmp(u[2], two) < 0 ? u[2] : two,
	                         strcmp(u[2], two) < 0 ? two : u[2], u[3]),
	                ids));
	expect_records(r, &all, "by_age_band.25_34", "");
	json_t *rows = NULL;
	const char *figures[] = {"by_sex.woman", "by_sex.", "by_age_band.18_25", "by_sex.male.bogus"};
	for (size_t k = 0; k < sizeof figures / sizeof figures[0]; k++) {
		if (wam_trace_sdg_report_records(r->db, &rows, &all, figures[k], 0) != WAM_EINVAL)
			fail_msg("figure %s was not refused", figures[k]);
		assert_string_equal(wam_error_last()->field, "figure");
	}
	OK(wam_trace_sdg_report_records(r->db, &rows, &all, "by_sex.other", 0));
	assert_string_equal(test_str(json_array_get(rows, 0), "person_sex"), "other");
	assert_string_equal(test_str(json_array_get(rows, 0), "person_age_band"), "60_plus");
	json_decref(rows);

	char path[200], line[200];
	snprintf(path, sizeof path, "%s/sdg-people.csv", r->dir);
	FILE *f = fopen(path, "w+");
	OK(wam_trace_sdg_report_csv(rep, f));
	rewind(f);
	wam_buf csv = {0};
	while (fgets(line, sizeof line, f))
		wam_buf_puts(&csv, line);
	fclose(f);
	const char *expect[] = {"by_sex.female.recovered,2\nby_sex.female.numerator,1\n",
	                        "by_sex.not_recorded.recovered,1\n", "by_age_band.not_recorded.recovered,3\n",
	                        "by_age_band.under_18.recovered,1\n", NULL};
	for (const char **e = expect; *e; e++)
		if (!strstr(csv.p, *e))
			fail_msg("the CSV lacks %s:\n%s", *e, csv.p);
	wam_buf_free(&csv);
	json_decref(rep);

	/* a registry made before the table: everyone not recorded, nothing lost */
	test_exec(r->db->conn, "DROP TABLE recovery_details");
	OK(wam_trace_sdg_report(r->db, &rep, &all));
	assert_int_equal(num(rep, "by_sex.not_recorded.recovered"), 6);
	assert_int_equal(num(rep, "by_age_band.not_recorded.numerator"), 2);
	json_decref(rep);
	json_t *rec = NULL;
	OK(wam_collection_recovery_get(r->db, &rec, rid[1]));
	assert_string_equal(test_str(rec, "person_sex"), "not_recorded");
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_two_misread_characters_give_a_hit),
	    TEST_IN_HT(test_loss_reported_after_the_recovery_still_hits),
	    TEST_IN_HT(test_weapon_entered_directly_as_seized_hits),
	    TEST_IN_HT(test_recovered_weapons_are_no_hit_on_each_other),
	    TEST_IN_HT(test_same_command_sees_its_weapons_and_rollback_forgets_them),
	    TEST_IN_HT(test_confirm_recovers_the_stolen_weapon),
	    TEST_IN_HT(test_one_weapon_is_confirmed_once),
	    TEST_IN_HT(test_reject_is_recorded),
	    TEST_IN_HT(test_little_read_or_a_fragment_is_no_hit),
	    TEST_IN_HT(test_bad_input_names_the_field_and_writes_nothing),
	    TEST_IN_HT(test_export_losses_csv),
	    TEST_IN_HT(test_ammunition_lost_alone),
	    TEST_IN_HT(test_ammunition_loss_closed),
	    TEST_IN_HT(test_ammunition_loss_refusals),
	    TEST_IN_HT(test_status_change_to_stolen_is_the_loss_report),
	    TEST_IN_HT(test_rebuild_reports_losses_recorded_before),
	    TEST_IN_HT(test_sdg_counts_of_known_recoveries),
	    TEST_IN_HT(test_sdg_weapon_recovered_twice_counts_once),
	    TEST_IN_HT(test_sdg_by_sex_and_age_band),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
