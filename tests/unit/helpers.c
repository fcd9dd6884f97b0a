/* Helpers for the unit tests: temporary registries and raw SQL. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

void test_exec(sqlite3 *conn, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("SQL failed: %s\n  %s", msg ? msg : "?", sql);
	sqlite3_free(msg);
}

char *test_query_text(sqlite3 *conn, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("SQL failed: %s\n  %s", sqlite3_errmsg(conn), sql);
	char *s = strdup(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
	                     ? (const char *)sqlite3_column_text(st, 0)
	                     : "");
	sqlite3_finalize(st);
	return s;
}

void test_reg_create(test_reg *r, const char *country)
{
	memset(r, 0, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "%s/wam-unit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->path, sizeof r->path, "%s/reg.db", r->dir);
	wam_init_opts o = {.country = country, .name = "unit test registry"};
	int rc = wam_db_create(&r->db, r->path, &o);
	if (rc)
		fail_msg("wam_db_create: %s", wam_error_last()->message);
	assert_int_equal(wam_db_set_actor(r->db, "test:unit"), 0);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_reg_destroy(test_reg *r)
{
	wam_db_close(r->db);
	r->db = NULL;
	if (r->dir[0])
		nftw(r->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

void test_reg_tamper(test_reg *r, const char *sql)
{
	sqlite3 *conn;
	wam_db_close(r->db);
	r->db = NULL;
	assert_int_equal(sqlite3_open(r->path, &conn), SQLITE_OK);
	test_exec(conn, sql);
	assert_int_equal(sqlite3_close(conn), SQLITE_OK);
	if (wam_db_open(&r->db, r->path, 0))
		fail_msg("wam_db_open after tampering: %s", wam_error_last()->message);
}

int test_try_add_item(test_reg *r, const char *json, unsigned flags, json_t **out)
{
	json_error_t err;
	json_t *in = json_loads(json, 0, &err);
	if (!in)
		fail_msg("bad JSON in test: %s: %s", err.text, json);
	*out = NULL;
	wam_error_clear();
	int rc = wam_registry_item_add(r->db, out, in, flags);
	json_decref(in);
	return rc;
}

void test_add_item(test_reg *r, const char *json, char *id_out)
{
	json_t *out;
	int rc = test_try_add_item(r, json, 0, &out);
	if (rc)
		fail_msg("add item failed (%s): %s\n  %s", wam_error_name(rc), wam_error_last()->message, json);
	if (id_out)
		snprintf(id_out, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
}

int test_setup_reg_ht(void **state)
{
	test_reg *r = calloc(1, sizeof *r);
	test_reg_create(r, "HT");
	*state = r;
	return 0;
}

int test_teardown_reg(void **state)
{
	test_reg_destroy(*state);
	free(*state);
	return 0;
}

const char *test_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(null)";
}

json_t *test_json(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	if (!v)
		fail_msg("bad test JSON: %s: %s", err.text, text);
	return v;
}

long long test_count(test_reg *r, const char *sql)
{
	char *s = test_query_text(r->db->conn, sql);
	long long n = strtoll(s, NULL, 10);
	free(s);
	return n;
}

long long test_events(test_reg *r)
{
	return test_count(r, "SELECT count(*) FROM events");
}

void test_expect_rebuilt(test_reg *r, const char *dump)
{
	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(r->db, 0, &v), 0);
	if (!v.intact)
		fail_msg("verify: %s", v.detail);
	char *before = test_query_text(r->db->conn, dump);
	assert_int_equal(wam_ledger_rebuild(r->db), 0);
	char *after = test_query_text(r->db->conn, dump);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(wam_ledger_verify(r->db, 0, &v), 0);
	assert_true(v.intact);
}

void test_unchanged(test_reg *r, long long events)
{
	assert_int_equal(test_events(r), events);
	wam_verify_report rep;
	assert_int_equal(wam_ledger_verify(r->db, 0, &rep), 0);
	assert_int_equal(rep.intact, 1);
}
