/* unit-stock_check: stock checks as include/wam/stock.h promises them — the
 * reconciliation of a constructed depot counted exactly, the two-person
 * rule, reproducible samples, sub-sites, a closed check refusing reads,
 * discrepancies resolved only by an authorised officer who did not run the
 * check (and `lost` changing the weapon's status), and the check tables
 * through verify and rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/auth.h"
#include "wam/stock.h"

#define PASSWORD "correct horse battery"

typedef struct fx {
	test_reg reg;
	char a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1], c[WAM_ID_LEN + 1]; /* c is inside a */
	char ids[20][WAM_ID_LEN + 1];                                   /* the weapons at a */
	char rex[WAM_ID_LEN + 1];                                       /* a registrar */
} fx;

static void add_site(fx *f, const char *name, const char *parent, char id[WAM_ID_LEN + 1])
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "depot"), *out = NULL;
	if (parent)
		json_object_set_new(in, "parent_id", json_string(parent));
	if (wam_registry_site_add(f->reg.db, &out, in))
		fail_msg("add site: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static void add_weapon(fx *f, const char *serial, const char *site, char *id)
{
	char json[512];
	snprintf(json, sizeof json,
	         "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"calibre\":\"9x19mm\","
	         "\"serial\":\"%s\",\"country\":\"AT\",\"year\":2015,\"site_id\":\"%s\"}",
	         serial, site);
	test_add_item(&f->reg, json, id);
}

static void add_user(fx *f, const char *name, const char *role, char *id)
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "role", role), *out = NULL;
	if (wam_auth_user_add(f->reg.db, &out, in, PASSWORD))
		fail_msg("add user: %s", wam_error_last()->message);
	if (id)
		snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char serial[32];
	test_reg_create(&f->reg, "HT");
	add_site(f, "Depot A", NULL, f->a);
	add_site(f, "Depot B", NULL, f->b);
	add_site(f, "Depot A, store room", f->a, f->c);
	for (int i = 0; i < 20; i++) {
		snprintf(serial, sizeof serial, "AK-%04d", i + 1);
		add_weapon(f, serial, f->a, f->ids[i]);
	}
	add_weapon(f, "BK-0001", f->b, NULL);
	add_weapon(f, "BK-0002", f->b, NULL);
	add_weapon(f, "CK-0001", f->c, NULL);
	add_user(f, "ann", "armourer", NULL);
	add_user(f, "bob", "armourer", NULL);
	add_user(f, "rex", "registrar", f->rex);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	test_reg_destroy(&f->reg);
	free(f);
	return 0;
}

static long count(fx *f, const char *sql)
{
	char *s = test_query_text(f->reg.db->conn, sql);
	long n = strtol(s, NULL, 10);
	free(s);
	return n;
}

/* Opens a check of `type` at site a; returns its id in `id`. */
static int open_check(fx *f, const char *extra_json, char id[WAM_ID_LEN + 1])
{
	char text[512];
	snprintf(text, sizeof text, "{\"site_id\":\"%s\",\"checkers\":[\"ann\",\"bob\"]%s%s}", f->a,
	         extra_json ? "," : "", extra_json ? extra_json : "");
	json_t *in = json_loads(text, 0, NULL), *out = NULL;
	if (!json_object_get(in, "type"))
		json_object_set_new(in, "type", json_string("FULL_SERIAL"));
	int rc = wam_stock_check_open(f->reg.db, &out, in);
	if (!rc)
		snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	return rc;
}

static size_t kind_count(const json_t *check, const char *kind)
{
	return json_array_size(json_object_get(json_object_get(check, "reconciliation"), kind));
}

/* 20 weapons at A; reads of 17 of them (typed serials in other spellings,
 * one weapon id, one read twice), 2 weapons of B, 1 unknown serial:
 * exactly 3 missing, 2 at the wrong location, 1 unexpected. */
static void test_check_reconciliation_exact(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1];
	assert_int_equal(open_check(f, NULL, id), 0);
	const char *reads[24];
	char buf[20][32];
	size_t n = 0;
	for (int i = 0; i < 17; i++) {
		if (i == 5)
			snprintf(buf[i], sizeof buf[i], "%s", f->ids[i]); /* scanned: the weapon id */
		else
			snprintf(buf[i], sizeof buf[i], "ak %04d", i + 1); /* typed another way */
		reads[n++] = buf[i];
	}
	reads[n++] = "AK-0001"; /* the same weapon again */
	reads[n++] = "BK-0001";
	reads[n++] = "bk0002";
	reads[n++] = "ZZ-999-UNKNOWN";
	json_t *res = NULL, *check = NULL;
	assert_int_equal(wam_stock_check_see(f->reg.db, &res, id, WAM_READ_TYPED, reads, n), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "reads")), 21);
	assert_int_equal(json_integer_value(json_object_get(res, "duplicates")), 1);
	json_decref(res);
	assert_int_equal(wam_stock_check_close(f->reg.db, &check, id), 0);
	assert_string_equal(json_string_value(json_object_get(check, "status")), "closed");
	assert_int_equal(json_integer_value(json_object_get(check, "expected")), 20);
	assert_int_equal(kind_count(check, "missing"), 3);
	assert_int_equal(kind_count(check, "wrong_location"), 2);
	assert_int_equal(kind_count(check, "unexpected"), 1);
	assert_int_equal(kind_count(check, "quantity"), 0);
	/* the missing ones are the three not read, by serial */
	const json_t *missing = json_object_get(json_object_get(check, "reconciliation"), "missing");
	assert_string_equal(json_string_value(json_object_get(json_array_get(missing, 0), "serial")), "AK-0018");
	assert_string_equal(json_string_value(json_object_get(json_array_get(missing, 2), "serial")), "AK-0020");
	const json_t *wrong = json_object_get(json_object_get(check, "reconciliation"), "wrong_location");
	assert_string_equal(json_string_value(json_object_get(json_array_get(wrong, 0), "registered_site")), f->b);
	const json_t *unexp = json_object_get(json_object_get(check, "reconciliation"), "unexpected");
	assert_string_equal(json_string_value(json_object_get(json_array_get(unexp, 0), "read")), "ZZ-999-UNKNOWN");
	assert_null(json_object_get(json_array_get(unexp, 0), "item_id"));
	json_decref(check);
	/* each discrepancy is an open investigation */
	json_t *inv = NULL;
	assert_int_equal(wam_stock_investigation_list(f->reg.db, &inv, id, false, NULL, 0), 0);
	assert_int_equal(json_array_size(inv), 6);
	json_decref(inv);
}

/* A feed: one read a line, blank lines skipped, duplicates counted once. */
static void test_check_feed_stream(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1], text[2048] = "";
	assert_int_equal(open_check(f, NULL, id), 0);
	size_t len = 0;
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "AK-%04d\n\n  AK%04d  \n", i + 1, i + 1);
	FILE *in = fmemopen(text, len, "r");
	json_t *res = NULL, *check = NULL;
	assert_int_equal(wam_stock_check_feed(f->reg.db, &res, id, WAM_READ_RFID, in), 0);
	fclose(in);
	assert_int_equal(json_integer_value(json_object_get(res, "reads")), 40);
	assert_int_equal(json_integer_value(json_object_get(res, "new")), 20);
	json_decref(res);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE type='check.reads'"), 1);
	assert_int_equal(wam_stock_check_close(f->reg.db, &check, id), 0);
	assert_int_equal(kind_count(check, "missing") + kind_count(check, "unexpected") +
	                     kind_count(check, "wrong_location"),
	                 0);
	json_decref(check);
}

/* The two-person rule: one checker, the same one twice, or someone who is
 * no user are refused, and nothing is written. */
static void test_check_two_checkers_required(void **state)
{
	fx *f = *state;
	char text[256];
	long before = count(f, "SELECT count(*) FROM events");
	const char *bad[] = {"[\"ann\"]", "[\"ann\",\"ann\"]", "[\"ann\",\"nobody\"]", "[]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "{\"site_id\":\"%s\",\"type\":\"FULL_SERIAL\",\"checkers\":%s}", f->a, bad[i]);
		json_t *in = json_loads(text, 0, NULL), *out = NULL;
		assert_int_equal(wam_stock_check_open(f->reg.db, &out, in), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "checkers");
		assert_null(out);
		json_decref(in);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM events"), before);
	char id[WAM_ID_LEN + 1];
	assert_int_equal(open_check(f, "\"type\":\"BIG_GUESS\"", id), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "type");
}

/* A closed check takes no more reads and cannot be closed again. */
static void test_check_closed_refuses_reads(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1];
	const char *reads[] = {"AK-0001"};
	json_t *out = NULL;
	assert_int_equal(open_check(f, NULL, id), 0);
	assert_int_equal(wam_stock_check_close(f->reg.db, NULL, id), 0);
	long before = count(f, "SELECT count(*) FROM events");
	assert_int_equal(wam_stock_check_see(f->reg.db, &out, id, WAM_READ_SCANNED, reads, 1), WAM_ECONFLICT);
	assert_null(out);
	assert_int_equal(wam_stock_check_close(f->reg.db, NULL, id), WAM_ECONFLICT);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), before);
}

static wam_principal principal(const char *id, const char *name, const char *role)
{
	wam_principal p;
	memset(&p, 0, sizeof p);
	snprintf(p.kind, sizeof p.kind, "user");
	snprintf(p.id, sizeof p.id, "%s", id);
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.role, sizeof p.role, "%s", role);
	return p;
}

/* Resolves as `p`, the handle's actor theirs as a front end sets it. */
static int resolve_as(wam_db *db, json_t **out, const char *inv, const json_t *res, const wam_principal *p)
{
	char actor[128];
	wam_auth_principal_actor(p, actor, sizeof actor);
	wam_db_set_actor(db, actor);
	int rc = wam_stock_investigation_resolve(db, out, inv, res, p);
	wam_db_set_actor(db, "test:unit");
	return rc;
}

/* Only an authorised officer who did not run the check resolves: an
 * armourer is refused, a checker is refused whatever the role, a registrar
 * is allowed; `lost` makes the weapon lost through the state machine. */
static void test_check_resolve_authorised_only(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1], inv_missing[WAM_ID_LEN + 1], inv_unknown[WAM_ID_LEN + 1];
	const char *reads[] = {"ZZ-UNKNOWN"};
	json_t *check = NULL, *out = NULL;
	assert_int_equal(open_check(f, NULL, id), 0);
	assert_int_equal(wam_stock_check_see(f->reg.db, NULL, id, WAM_READ_TYPED, reads, 1), 0);
	assert_int_equal(wam_stock_check_close(f->reg.db, &check, id), 0);
	const json_t *rec = json_object_get(check, "reconciliation");
	const json_t *m = json_array_get(json_object_get(rec, "missing"), 0);
	snprintf(inv_missing, sizeof inv_missing, "%s", json_string_value(json_object_get(m, "investigation_id")));
	const char *item = json_string_value(json_object_get(m, "item_id"));
	snprintf(inv_unknown, sizeof inv_unknown, "%s",
	         json_string_value(json_object_get(json_array_get(json_object_get(rec, "unexpected"), 0), "id")));
	json_t *lost = json_pack("{s:s, s:s}", "outcome", "lost", "reason", "not in the rack at the check");
	long before = count(f, "SELECT count(*) FROM events");

	wam_principal armourer = principal("01J00000000000000000000000", "carl", "armourer");
	assert_int_equal(resolve_as(f->reg.db, &out, inv_missing, lost, &armourer), WAM_EFORBIDDEN);
	json_t *checkers = json_object_get(check, "checkers");
	wam_principal checker = principal(json_string_value(json_object_get(json_array_get(checkers, 0), "id")), "ann",
	                                  "registrar"); /* a checker, even with the role */
	assert_int_equal(resolve_as(f->reg.db, &out, inv_missing, lost, &checker), WAM_EFORBIDDEN);
	assert_int_equal(wam_stock_investigation_resolve(f->reg.db, &out, inv_missing, lost, NULL), WAM_EFORBIDDEN);
	/* a resolver named is no resolver: the handle acts as someone else */
	wam_principal named = principal(f->rex, "rex", "registrar");
	wam_db_set_actor(f->reg.db, "os:root");
	assert_int_equal(wam_stock_investigation_resolve(f->reg.db, &out, inv_missing, lost, &named), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "by");
	wam_db_set_actor(f->reg.db, "test:unit");
	/* the checker's operating-system account is the checker (R9) */
	wam_principal os_ann = {.kind = "os", .name = "ann", .role = "admin"};
	assert_int_equal(resolve_as(f->reg.db, &out, inv_missing, lost, &os_ann), WAM_EFORBIDDEN);
	assert_non_null(strstr(wam_error_last()->message, "checker"));
	assert_null(out);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), before);

	wam_principal rex = principal(f->rex, "rex", "registrar");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT status FROM items WHERE id='%s'", item);
	char *status = test_query_text(f->reg.db->conn, sql);
	assert_string_equal(status, "in_store");
	free(status);
	assert_int_equal(resolve_as(f->reg.db, &out, inv_missing, lost, &rex), 0);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "resolved");
	assert_string_equal(json_string_value(json_object_get(out, "outcome")), "lost");
	assert_string_equal(json_string_value(json_object_get(out, "resolved_by")), "user:rex");
	json_decref(out);
	status = test_query_text(f->reg.db->conn, sql);
	assert_string_equal(status, "lost");
	free(status);
	/* once is enough */
	assert_int_equal(resolve_as(f->reg.db, &out, inv_missing, lost, &rex), WAM_ECONFLICT);
	/* an unknown read is no weapon: it cannot be lost, but it can be written off */
	assert_int_equal(resolve_as(f->reg.db, &out, inv_unknown, lost, &rex), WAM_EINVAL);
	json_t *off = json_pack("{s:s}", "outcome", "written_off");
	assert_int_equal(resolve_as(f->reg.db, &out, inv_unknown, off, &rex), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reason");
	json_object_set_new(off, "reason", json_string("a mistyped read"));
	assert_int_equal(resolve_as(f->reg.db, &out, inv_unknown, off, &rex), 0);
	json_decref(out);
	json_t *open = NULL;
	assert_int_equal(wam_stock_investigation_list(f->reg.db, &open, id, false, NULL, 0), 0);
	assert_int_equal(json_array_size(open), 19); /* 20 missing + 1 unknown, 2 resolved */
	json_decref(open);
	json_decref(off);
	json_decref(lost);
	json_decref(check);
}

/* A random sample is drawn from the seed: the same seed, the same list. */
static void test_check_sample_reproducible(void **state)
{
	fx *f = *state;
	char one[WAM_ID_LEN + 1], two[WAM_ID_LEN + 1], three[WAM_ID_LEN + 1], sql[256];
	assert_int_equal(open_check(f, "\"type\":\"RANDOM_SAMPLE\",\"sample_size\":5,\"seed\":42", one), 0);
	assert_int_equal(open_check(f, "\"type\":\"random_sample\",\"sample_fraction\":0.25,\"seed\":42", two), 0);
	assert_int_equal(open_check(f, "\"type\":\"RANDOM_SAMPLE\",\"sample_size\":5,\"seed\":43", three), 0);
	char *lists[3];
	const char *ids[3] = {one, two, three};
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof sql,
		         "SELECT group_concat(ref) FROM (SELECT ref FROM stock_check_expected WHERE check_id='%s' ORDER BY ref)",
		         ids[i]);
		lists[i] = test_query_text(f->reg.db->conn, sql);
	}
	assert_int_equal(strlen(lists[0]), 5 * WAM_ID_LEN + 4);
	assert_string_equal(lists[0], lists[1]);
	assert_string_not_equal(lists[0], lists[2]);
	for (int i = 0; i < 3; i++)
		free(lists[i]);
	json_t *c = NULL;
	assert_int_equal(wam_stock_check_get(f->reg.db, &c, one), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "seed")), 42);
	assert_int_equal(json_integer_value(json_object_get(c, "population")), 20);
	json_decref(c);
	/* a weapon of the population not drawn, seen, is no discrepancy */
	const char *all[20];
	for (int i = 0; i < 20; i++)
		all[i] = f->ids[i];
	assert_int_equal(wam_stock_check_see(f->reg.db, NULL, one, WAM_READ_SCANNED, all, 20), 0);
	assert_int_equal(wam_stock_check_close(f->reg.db, &c, one), 0);
	assert_int_equal(kind_count(c, "missing") + kind_count(c, "unexpected") + kind_count(c, "wrong_location"), 0);
	json_decref(c);
}

/* With subsites the sites under the site are checked too. */
static void test_check_subsites(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1];
	json_t *c = NULL;
	assert_int_equal(open_check(f, "\"subsites\":true", id), 0);
	assert_int_equal(wam_stock_check_get(f->reg.db, &c, id), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "expected")), 21);
	assert_int_equal(json_array_size(json_object_get(c, "sites")), 2);
	json_decref(c);
	assert_int_equal(open_check(f, NULL, id), 0);
	assert_int_equal(wam_stock_check_get(f->reg.db, &c, id), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "expected")), 20);
	json_decref(c);
}

/* The check tables are projections: verify replays and compares them, and
 * a rebuild gives them back the same. */
static void test_check_verify_and_rebuild(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1];
	const char *reads[] = {"AK-0001", "BK-0001", "NOPE-1"};
	assert_int_equal(open_check(f, NULL, id), 0);
	assert_int_equal(wam_stock_check_see(f->reg.db, NULL, id, WAM_READ_TYPED, reads, 3), 0);
	assert_int_equal(wam_stock_check_close(f->reg.db, NULL, id), 0);
	json_t *inv = NULL;
	assert_int_equal(wam_stock_investigation_list(f->reg.db, &inv, id, false, NULL, 0), 0);
	wam_principal rex = principal(f->rex, "rex", "registrar");
	json_t *found = json_pack("{s:s, s:s}", "outcome", "found", "where", "armoury B, rack 3");
	assert_int_equal(
	    resolve_as(f->reg.db, NULL, json_string_value(json_object_get(json_array_get(inv, 0), "id")), found, &rex),
	    0);
	json_decref(found);
	json_decref(inv);
	const char *dump = "SELECT group_concat(x, '|') FROM (SELECT id || status || counts || distinct_reads AS x FROM "
	                   "stock_checks UNION ALL SELECT id || kind || status || coalesce(outcome,'') ||"
	                   " coalesce(location,'') FROM stock_investigations UNION ALL SELECT key || raw FROM"
	                   " stock_check_reads ORDER BY 1)";
	char *before = test_query_text(f->reg.db->conn, dump);
	wam_verify_report r;
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &r), 0);
	assert_int_equal(r.intact, 1);
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	char *after = test_query_text(f->reg.db->conn, dump);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &r), 0);
	assert_int_equal(r.intact, 1);
	/* a tampered reconciliation is found */
	test_reg_tamper(&f->reg, "UPDATE stock_investigations SET kind='missing' WHERE kind='unexpected'");
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &r), 0);
	assert_int_equal(r.intact, 0);
	assert_string_equal(r.table, "stock_investigations");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_check_reconciliation_exact), T(test_check_feed_stream),       T(test_check_two_checkers_required),
	    T(test_check_closed_refuses_reads), T(test_check_resolve_authorised_only), T(test_check_sample_reproducible),
	    T(test_check_subsites),             T(test_check_verify_and_rebuild),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
