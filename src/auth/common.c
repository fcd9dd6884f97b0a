/* The checks users and tokens share, the credentials table, and principals.
 *
 * Names, roles and site lists are checked here once for both kinds of
 * record. Secrets live in `credentials` (made by the schema migrations in
 * sql/migrations/), beside the ledger and outside it: not a projection, so
 * `wam rebuild` keeps it; each row is sealed to the event that set it
 * under a key only the node holds (`wam verify` checks the seal), and a
 * row is written in the same transaction as the event that records the
 * secret was set, so a rollback takes both. */
#include <stdlib.h>
#include <string.h>

#include "auth/common.h"
#include "store/field.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '@' || c == '-';
}

int wam_auth_take_name(json_t *out, const json_t *in)
{
	const json_t *v = json_object_get(in, "name");
	if (wam_absent(v))
		return wam_error_set(WAM_EINVAL, "name", "name is required");
	if (!json_is_string(v))
		return wam_error_set(WAM_EINVAL, "name", "name must be text");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	bool ok = n >= 1 && n <= WAM_AUTH_NAME_MAX && strlen(s) == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = name_char(s[i]);
	if (!ok)
		return wam_error_set(WAM_EINVAL, "name",
		                     "name '%.80s' must be 1 to %d characters of letters, digits and . _ @ -", s,
		                     WAM_AUTH_NAME_MAX);
	json_object_set_new(out, "name", json_stringn(s, n));
	return 0;
}

int wam_auth_take_role(json_t *out, const json_t *in)
{
	return wam_take_word(out, in, "role", "role", wam_auth_roles(), NULL, WAM_FIELD_REQUIRED, 0);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int wam_auth_take_sites(wam_db *db, json_t *out, const json_t *in)
{
	const json_t *v = json_object_get(in, "sites"), *e;
	const char *ids[WAM_AUTH_MAX_SITES];
	size_t n = 0, i;
	if (!v || json_is_null(v)) {
		json_object_set_new(out, "sites", json_array());
		return 0;
	}
	if (!json_is_array(v))
		return wam_error_set(WAM_EINVAL, "sites", "sites must be a list of site ids");
	if (json_array_size(v) > WAM_AUTH_MAX_SITES)
		return wam_error_set(WAM_EINVAL, "sites", "at most %d sites, not %zu", WAM_AUTH_MAX_SITES,
		                     json_array_size(v));
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e) || !*json_string_value(e))
			return wam_error_set(WAM_EINVAL, "sites", "sites must be a list of site ids");
		ids[n++] = json_string_value(e);
	}
	/* a set: the same list in any order is the same confinement */
	qsort(ids, n, sizeof ids[0], cmp_id);
	json_t *sites = json_array();
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0)
			json_array_append_new(sites, json_string(ids[i]));
	int rc = wam_auth_sites_exist(db, sites);
	if (rc) {
		json_decref(sites);
		return rc;
	}
	json_object_set_new(out, "sites", sites);
	return 0;
}

int wam_auth_sites_exist(wam_db *db, const json_t *sites)
{
	size_t i;
	const json_t *e;
	json_array_foreach(sites, i, e)
	{
		sqlite3_stmt *st = AUTH_STMT(db, ST_AUTH_SITE, "SELECT 1 FROM sites WHERE id=?");
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, json_string_value(e), -1, SQLITE_STATIC);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r == SQLITE_DONE)
			return wam_error_set(WAM_ENOTFOUND, "sites", "no site with id '%.40s'", json_string_value(e));
		if (r != SQLITE_ROW)
			return wam_sql_fail(db->conn, "look up a site");
	}
	return 0;
}

int wam_auth_put_credential(wam_db *db, const char *subject, const char *kind, const char *hash)
{
	/* sealed to the event appended before it that records the secret was set */
	char mac[65];
	int64_t seq;
	int rc = wam_credential_event(db, &seq, subject);
	if (rc || (rc = wam_credential_seal(db, mac, subject, kind, hash, seq)))
		return rc;
	sqlite3_stmt *st =
	    AUTH_STMT(db, ST_AUTH_CREDENTIAL,
	              "INSERT OR REPLACE INTO credentials(subject, kind, hash, seq, mac) VALUES(?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, mac, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : wam_sql_fail(db->conn, "store a credential");
}

int wam_auth_fill_principal(wam_principal *p, const char *kind, const char *id, const char *name, const char *role,
                            const char *sites_json)
{
	json_error_t err;
	json_t *sites = json_loads(sites_json, 0, &err);
	size_t i;
	const json_t *e;
	memset(p, 0, sizeof *p);
	if (!json_is_array(sites) || json_array_size(sites) > WAM_AUTH_MAX_SITES) {
		json_decref(sites);
		return wam_error_set(WAM_EINTEGRITY, NULL, "%s %s has a site list that cannot be read", kind, id);
	}
	snprintf(p->kind, sizeof p->kind, "%s", kind);
	snprintf(p->id, sizeof p->id, "%s", id);
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->role, sizeof p->role, "%s", role);
	json_array_foreach(sites, i, e)
	{
		snprintf(p->sites[p->nsites++], sizeof p->sites[0], "%s",
		         json_string_value(e) ? json_string_value(e) : "");
	}
	json_decref(sites);
	return 0;
}

json_t *wam_auth_row(sqlite3_stmt *st, const char *flag_key)
{
	json_error_t err;
	json_t *sites = json_loads(wam_col_text(st, 3), 0, &err);
	if (!json_is_array(sites)) {
		json_decref(sites);
		sites = json_array();
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:b, s:s}", "id", wam_col_text(st, 0), "name", wam_col_text(st, 1),
	                 "role", wam_col_text(st, 2), "sites", sites, flag_key, sqlite3_column_int(st, 4) != 0,
	                 "created", wam_col_text(st, 5));
}

int wam_auth_list(wam_db *db, json_t **out, const char *sql, const char *flag_key, const char *what)
{
	sqlite3_stmt *st;
	int r;
	*out = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, what);
	json_t *arr = json_array();
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, wam_auth_row(st, flag_key));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		json_decref(arr);
		return wam_sql_fail(db->conn, what);
	}
	*out = arr;
	return 0;
}
