/* unit-stock-a: the stock room's lots, locations and custody as libwam's
 * callers see them — negative stock refused with nothing written, a split
 * that keeps the lot identity, compatibility violations named with their
 * rule, moves recorded with from and to, the two-person rule, rule R9 and
 * illegal transitions, and the ledger intact with projections equal to a
 * replay after all of it (wam_ledger_verify) and after a rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/stock.h"

typedef struct fixture {
	test_reg r;
	char depot[WAM_ID_LEN + 1], room[WAM_ID_LEN + 1], south[WAM_ID_LEN + 1];
	char gun[WAM_ID_LEN + 1];
} fixture;

static void add_site(fixture *f, char *id, const char *json)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	if (wam_registry_site_add(f->r.db, &out, in))
		fail_msg("site add: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char json[256], building[WAM_ID_LEN + 1];
	test_reg_create(&f->r, "HT");
	add_site(f, f->depot, "{\"name\": \"North Depot\", \"kind\": \"depot\"}");
	snprintf(json, sizeof json, "{\"name\": \"Building 1\", \"kind\": \"building\", \"parent_id\": \"%s\"}", f->depot);
	add_site(f, building, json);
	snprintf(json, sizeof json, "{\"name\": \"Room 12\", \"kind\": \"room\", \"parent_id\": \"%s\"}", building);
	add_site(f, f->room, json);
	add_site(f, f->south, "{\"name\": \"South Armoury\", \"kind\": \"armoury\"}");
	snprintf(json, sizeof json,
	         "{\"category\": \"SA4\", \"make\": \"Norinco\", \"model\": \"Type 56\", \"serial\": \"56-1\", "
	         "\"country\": \"CN\", \"site_id\": \"%s\"}",
	         f->room);
	test_add_item(&f->r, json, f->gun);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	test_reg_destroy(&f->r);
	free(f);
	return 0;
}

static long event_count(test_reg *r)
{
	char *s = test_query_text(r->db->conn, "SELECT count(*) FROM events");
	long n = strtol(s, NULL, 10);
	free(s);
	return n;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(null)";
}

static void expect_error(int rc, int code, const char *field)
{
	if (rc != code)
		fail_msg("rc %d, expected %d (%s)", rc, code, wam_error_last()->message);
	if (field && strcmp(wam_error_last()->field, field) != 0)
		fail_msg("error names field '%s', expected '%s' (%s)", wam_error_last()->field, field,
		         wam_error_last()->message);
}

static void expect_intact(test_reg *r)
{
	wam_verify_report rep;
	assert_int_equal(wam_ledger_verify(r->db, 0, &rep), 0);
	if (!rep.intact)
		fail_msg("verify: %s %s", rep.problem, rep.detail);
}

/* A lot at `site` of group `group`; its id into `id`. */
static void add_lot(fixture *f, char *id, const char *site, const char *lot_number, const char *group, long rounds)
{
	json_t *in = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:f, s:s, s:s}", "nomenclature", "Cartridge 7.62x39mm",
	                       "lot_number", lot_number, "batch_number", "B12", "rounds", (json_int_t)rounds, "packages", 10,
	                       "hazard_division", "1.4", "compat_group", group, "neq_g", 1.5, "site_id", site, "expiry",
	                       "2027-01-15");
	json_t *out = NULL;
	if (wam_stock_lot_add(f->r.db, &out, in))
		fail_msg("lot add: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void test_negative_stock_refused(void **state)
{
	fixture *f = *state;
	char lot[WAM_ID_LEN + 1];
	json_t *out = NULL;
	add_lot(f, lot, f->room, "L-1", "S", 1000);
	long before = event_count(&f->r);
	json_t *issue = json_pack("{s:i, s:s, s:s}", "rounds", 1001, "recipient", "2 Bn", "document", "ISS-1");
	expect_error(wam_stock_lot_issue(f->r.db, &out, lot, issue), WAM_ECONFLICT, "rounds");
	assert_non_null(strstr(wam_error_last()->message, "holds 1000 rounds"));
	assert_null(out);
	assert_int_equal(event_count(&f->r), before);
	json_decref(issue);
	/* packages cannot go below zero either */
	issue = json_pack("{s:i, s:i, s:s, s:s}", "rounds", 10, "packages", 11, "recipient", "2 Bn", "document", "ISS-1");
	expect_error(wam_stock_lot_issue(f->r.db, &out, lot, issue), WAM_ECONFLICT, "packages");
	assert_int_equal(event_count(&f->r), before);
	json_decref(issue);
	/* an issue must name its recipient and document */
	issue = json_pack("{s:i, s:s}", "rounds", 10, "document", "ISS-1");
	expect_error(wam_stock_lot_issue(f->r.db, &out, lot, issue), WAM_EINVAL, "recipient");
	json_decref(issue);
	issue = json_pack("{s:i, s:s, s:s}", "rounds", 1000, "recipient", "2 Bn", "document", "ISS-2");
	assert_int_equal(wam_stock_lot_issue(f->r.db, &out, lot, issue), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "rounds")), 0);
	json_decref(out);
	json_decref(issue);
	json_t *receipt = json_pack("{s:i, s:s}", "rounds", 250, "document", "GRN-1");
	assert_int_equal(wam_stock_lot_receive(f->r.db, &out, lot, receipt), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "rounds")), 250);
	json_decref(out);
	json_decref(receipt);
	expect_intact(&f->r);
}

static void test_split_keeps_identity(void **state)
{
	fixture *f = *state;
	char lot[WAM_ID_LEN + 1];
	json_t *out = NULL, *parent = NULL;
	add_lot(f, lot, f->room, "71-83-004", "S", 1000);
	json_t *split = json_pack("{s:i, s:s}", "rounds", 400, "site_id", f->south);
	assert_int_equal(wam_stock_lot_split(f->r.db, &out, lot, split), 0);
	assert_string_equal(str(out, "lot_number"), "71-83-004");
	assert_string_equal(str(out, "batch_number"), "B12");
	assert_string_equal(str(out, "nomenclature"), "Cartridge 7.62x39mm");
	assert_string_equal(str(out, "parent_id"), lot);
	assert_string_equal(str(out, "site_id"), f->south);
	assert_string_not_equal(str(out, "id"), lot);
	assert_int_equal(json_integer_value(json_object_get(out, "rounds")), 400);
	assert_int_equal(wam_stock_lot_get(f->r.db, &parent, lot), 0);
	assert_int_equal(json_integer_value(json_object_get(parent, "rounds")), 600);
	json_decref(out);
	json_decref(parent);
	json_decref(split);
	/* more than it holds, or to its own site, is refused */
	long before = event_count(&f->r);
	split = json_pack("{s:i, s:s}", "rounds", 601, "site_id", f->south);
	expect_error(wam_stock_lot_split(f->r.db, &out, lot, split), WAM_ECONFLICT, "rounds");
	json_decref(split);
	split = json_pack("{s:i, s:s}", "rounds", 1, "site_id", f->room);
	expect_error(wam_stock_lot_split(f->r.db, &out, lot, split), WAM_EINVAL, "site_id");
	json_decref(split);
	assert_int_equal(event_count(&f->r), before);
	expect_intact(&f->r);
}

static void test_condition_and_lists(void **state)
{
	fixture *f = *state;
	char a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1];
	json_t *out = NULL;
	add_lot(f, a, f->room, "A-1", "S", 10);
	add_lot(f, b, f->room, "B-1", "S", 10);
	json_t *c = json_pack("{s:s, s:s}", "condition", "suspended", "reason", "surveillance");
	assert_int_equal(wam_stock_lot_condition(f->r.db, &out, b, c), 0);
	assert_string_equal(str(out, "condition"), "SUSPENDED");
	json_decref(out);
	expect_error(wam_stock_lot_condition(f->r.db, &out, b, c), WAM_ECONFLICT, "condition");
	json_decref(c);
	c = json_pack("{s:s, s:s}", "condition", "BROKEN", "reason", "x");
	expect_error(wam_stock_lot_condition(f->r.db, &out, b, c), WAM_EINVAL, "condition");
	json_decref(c);
	wam_lot_filter flt = {.condition = "SUSPENDED"};
	assert_int_equal(wam_stock_lot_list(f->r.db, &out, &flt), 0);
	assert_int_equal(json_array_size(out), 1);
	assert_string_equal(str(json_array_get(out, 0), "id"), b);
	json_decref(out);
	assert_int_equal(wam_stock_lot_expiring(f->r.db, &out, 60, "2026-12-01", NULL), 0);
	assert_int_equal(json_array_size(out), 2);
	json_decref(out);
	assert_int_equal(wam_stock_lot_expiring(f->r.db, &out, 30, "2026-12-01", NULL), 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	expect_error(wam_stock_lot_expiring(f->r.db, &out, 30, "2026-13-01", NULL), WAM_EINVAL, "today");
}

static void test_compatibility_flagged(void **state)
{
	fixture *f = *state;
	char b[WAM_ID_LEN + 1], fgrp[WAM_ID_LEN + 1], s[WAM_ID_LEN + 1], d[WAM_ID_LEN + 1], e[WAM_ID_LEN + 1];
	json_t *out = NULL;
	add_lot(f, b, f->room, "DET-1", "B", 10);
	add_lot(f, fgrp, f->room, "GR-1", "F", 10);
	add_lot(f, s, f->room, "SA-1", "S", 10);
	assert_int_equal(wam_stock_site_compatibility(f->r.db, &out, f->room), 0);
	json_t *v = json_object_get(out, "violations");
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(str(json_array_get(v, 0), "groups"), "B+F");
	assert_string_equal(str(json_array_get(v, 0), "rule"), "forbidden");
	assert_int_equal(json_array_size(json_object_get(json_array_get(v, 0), "lots")), 2);
	assert_false(json_is_true(json_object_get(out, "compatible")));
	json_decref(out);
	/* D and E mix; B with D only under a condition, which is reported */
	add_lot(f, d, f->depot, "HE-1", "D", 10);
	add_lot(f, e, f->depot, "DM-1", "E", 10);
	assert_int_equal(wam_stock_site_compatibility(f->r.db, &out, f->depot), 0);
	assert_true(json_is_true(json_object_get(out, "compatible")));
	assert_int_equal(json_array_size(json_object_get(out, "conditions")), 0);
	json_decref(out);
	add_lot(f, b, f->depot, "DET-2", "B", 10);
	assert_int_equal(wam_stock_site_compatibility(f->r.db, &out, f->depot), 0);
	/* B+E is not in the table: forbidden; B+D is conditional */
	assert_string_equal(str(json_array_get(json_object_get(out, "violations"), 0), "groups"), "B+E");
	assert_string_equal(str(json_array_get(json_object_get(out, "conditions"), 0), "groups"), "B+D");
	json_decref(out);
	expect_error(wam_stock_site_compatibility(f->r.db, &out, "01M8BD3RQYVMP3EF38SN65XY1E"), WAM_ENOTFOUND, "id");
}

static void test_moves_and_tree(void **state)
{
	fixture *f = *state;
	json_t *out = NULL, *ev = NULL;
	json_t *mv = json_pack("{s:s, s:s, s:s}", "to", f->south, "reason", "redistribution", "document", "MV-1");
	wam_db_set_actor(f->r.db, "user:ines");
	assert_int_equal(wam_stock_item_move(f->r.db, &out, f->gun, mv), 0);
	assert_string_equal(str(out, "site_id"), f->south);
	json_decref(out);
	assert_int_equal(wam_ledger_events(f->r.db, f->gun, 0, 0, &ev), 0);
	json_t *last = json_array_get(ev, json_array_size(ev) - 1);
	assert_string_equal(str(last, "type"), "location.moved");
	assert_string_equal(str(last, "actor"), "user:ines");
	assert_string_equal(str(json_object_get(last, "payload"), "from"), f->room);
	assert_string_equal(str(json_object_get(last, "payload"), "to"), f->south);
	assert_string_equal(str(json_object_get(last, "payload"), "reason"), "redistribution");
	json_decref(ev);
	long before = event_count(&f->r);
	expect_error(wam_stock_item_move(f->r.db, &out, f->gun, mv), WAM_EINVAL, "to");
	json_decref(mv);
	mv = json_pack("{s:s, s:s}", "to", "01M8BD3RQYVMP3EF38SN65XY1E", "reason", "x");
	expect_error(wam_stock_item_move(f->r.db, &out, f->gun, mv), WAM_EINVAL, "to");
	json_decref(mv);
	assert_int_equal(event_count(&f->r), before);
	/* the item_tally follows the site */
	char *n = test_query_text(f->r.db->conn, "SELECT group_concat(site_id) FROM item_tally");
	assert_string_equal(n, f->south);
	free(n);
	assert_int_equal(wam_stock_site_tree(f->r.db, &out, f->depot), 0);
	assert_int_equal(json_array_size(out), 3);
	assert_string_equal(str(json_array_get(out, 2), "path"), "North Depot / Building 1 / Room 12");
	json_decref(out);
	/* a site cannot name a parent that does not exist (nor itself: it does
	 * not exist yet), so the hierarchy cannot hold a cycle */
	json_t *site = json_pack("{s:s, s:s, s:s, s:s}", "id", "01M8BD3RQYVMP3EF38SN65XY1E", "name", "Loop", "kind", "room",
	                         "parent_id", "01M8BD3RQYVMP3EF38SN65XY1E");
	expect_error(wam_registry_site_add(f->r.db, &out, site), WAM_EINVAL, "parent_id");
	json_decref(site);
	expect_intact(&f->r);
}

static void test_custody_two_person(void **state)
{
	fixture *f = *state;
	json_t *out = NULL, *item = NULL;
	assert_int_equal(wam_stock_custody_rule(f->r.db, NULL, f->room, true), 0);
	wam_db_set_actor(f->r.db, "user:alice");
	json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", f->gun, "person", "Sgt Marie", "unit", "3 Coy",
	                       "expected_return", "2099-01-01");
	assert_int_equal(wam_stock_custody_issue(f->r.db, &out, in), 0);
	assert_string_equal(str(out, "state"), "pending");
	char cid[WAM_ID_LEN + 1];
	snprintf(cid, sizeof cid, "%s", str(out, "id"));
	json_decref(out);
	assert_int_equal(wam_registry_item_get(f->r.db, &item, f->gun), 0);
	assert_string_equal(str(item, "status"), "in_store");
	json_decref(item);
	/* R9: a pending issue already holds the weapon */
	expect_error(wam_stock_custody_issue(f->r.db, &out, in), WAM_ECONFLICT, "item_id");
	long before = event_count(&f->r);
	expect_error(wam_stock_custody_confirm(f->r.db, &out, cid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "two-person rule"));
	/* a token is held by a program: it never confirms, whoever added it */
	wam_db_set_actor(f->r.db, "token:ci");
	expect_error(wam_stock_custody_confirm(f->r.db, &out, cid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "token"));
	assert_int_equal(event_count(&f->r), before);
	wam_db_set_actor(f->r.db, "user:bob");
	assert_int_equal(wam_stock_custody_confirm(f->r.db, &out, cid), 0);
	assert_string_equal(str(out, "state"), "open");
	assert_string_equal(str(out, "issued_by"), "user:alice");
	assert_string_equal(str(out, "confirmed_by"), "user:bob");
	json_decref(out);
	assert_int_equal(wam_registry_item_get(f->r.db, &item, f->gun), 0);
	assert_string_equal(str(item, "status"), "issued");
	json_decref(item);
	expect_error(wam_stock_custody_confirm(f->r.db, &out, cid), WAM_ECONFLICT, "id");
	expect_error(wam_stock_custody_issue(f->r.db, &out, in), WAM_ECONFLICT, "item_id");
	assert_int_equal(wam_stock_custody_overdue(f->r.db, &out, "2099-01-02", NULL, 0), 0);
	assert_int_equal(json_array_size(out), 1);
	json_decref(out);
	assert_int_equal(wam_stock_custody_return(f->r.db, &out, f->gun, NULL), 0);
	assert_string_equal(str(out, "state"), "returned");
	json_decref(out);
	assert_int_equal(wam_registry_item_get(f->r.db, &item, f->gun), 0);
	assert_string_equal(str(item, "status"), "in_store");
	json_decref(item);
	expect_error(wam_stock_custody_return(f->r.db, &out, f->gun, NULL), WAM_ECONFLICT, "item_id");
	json_decref(in);
	expect_intact(&f->r);
}

static void test_custody_transitions(void **state)
{
	fixture *f = *state;
	json_t *out = NULL;
	json_t *in = json_pack("{s:s, s:s, s:s}", "item_id", f->gun, "person", "Cpl Paul", "expected_return", "2099-01-01");
	expect_error(wam_stock_custody_issue(f->r.db, &out, in), WAM_EINVAL, "unit");
	json_decref(in);
	in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", f->gun, "person", "Cpl Paul", "unit", "1 Coy",
	               "expected_return", "2000-01-01");
	expect_error(wam_stock_custody_issue(f->r.db, &out, in), WAM_EINVAL, "expected_return");
	json_decref(in);
	in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", f->gun, "person", "Cpl Paul", "unit", "1 Coy",
	               "expected_return", "2099-01-01");
	assert_int_equal(wam_stock_custody_issue(f->r.db, &out, in), 0);
	assert_string_equal(str(out, "state"), "open");
	json_decref(out);
	/* an issued weapon may be reported stolen; it cannot then be issued */
	json_t *why = json_pack("{s:s}", "reason", "ambush");
	assert_int_equal(wam_registry_item_set_status(f->r.db, NULL, f->gun, "stolen", why), 0);
	json_decref(why);
	assert_int_equal(wam_stock_custody_return(f->r.db, &out, f->gun, NULL), 0);
	json_decref(out);
	long before = event_count(&f->r);
	expect_error(wam_stock_custody_issue(f->r.db, &out, in), WAM_ECONFLICT, "status");
	assert_non_null(strstr(wam_error_last()->message, "cannot be issued"));
	assert_int_equal(event_count(&f->r), before);
	json_decref(in);
	expect_intact(&f->r);
}

static void test_rebuild_equal(void **state)
{
	fixture *f = *state;
	char lot[WAM_ID_LEN + 1];
	json_t *out = NULL;
	add_lot(f, lot, f->room, "R-1", "S", 100);
	json_t *split = json_pack("{s:i, s:s}", "rounds", 40, "site_id", f->south);
	assert_int_equal(wam_stock_lot_split(f->r.db, &out, lot, split), 0);
	json_decref(out);
	json_decref(split);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", f->gun, "person", "Cpl Paul", "unit", "1 Coy",
	                       "expected_return", "2099-01-01");
	assert_int_equal(wam_stock_custody_issue(f->r.db, &out, in), 0);
	json_decref(out);
	json_decref(in);
	char *before = test_query_text(f->r.db->conn,
	                               "SELECT group_concat(id || rounds || site_id || coalesce(parent_id, '')) FROM lots");
	assert_int_equal(wam_ledger_rebuild(f->r.db), 0);
	char *after = test_query_text(f->r.db->conn,
	                              "SELECT group_concat(id || rounds || site_id || coalesce(parent_id, '')) FROM lots");
	assert_string_equal(before, after);
	free(before);
	free(after);
	char *state_s = test_query_text(f->r.db->conn, "SELECT state FROM custody");
	assert_string_equal(state_s, "open");
	free(state_s);
	expect_intact(&f->r);
	/* a lot row changed behind wam's back is caught */
	test_reg_tamper(&f->r, "UPDATE lots SET rounds = rounds + 1");
	wam_verify_report rep;
	assert_int_equal(wam_ledger_verify(f->r.db, 0, &rep), 0);
	assert_false(rep.intact);
	assert_string_equal(rep.table, "lots");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_negative_stock_refused), T(test_split_keeps_identity), T(test_condition_and_lists),
		T(test_compatibility_flagged),  T(test_moves_and_tree),       T(test_custody_two_person),
		T(test_custody_transitions),    T(test_rebuild_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
