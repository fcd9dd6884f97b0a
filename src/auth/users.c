/* Users: people who sign in with a name and a password.
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str at the
 * interactive limits, ~0.1 s and 64 MiB) before a transaction starts, so
 * the writer lock is never held while hashing; the checks against the
 * registry are repeated under the lock. The ledger records that a password
 * was set, never the hash, which goes to the credentials table in the same
 * transaction. A login with a name nobody has still verifies a password
 * against a fixed hash of the same cost, so the time taken does not tell
 * which names exist. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "auth/common.h"
#include "store/field.h"

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_BYTES 1024

#define USER_SQL "SELECT id, name, role, sites, disabled, created FROM users"

/* An Argon2id hash at the interactive limits (what crypto_pwhash_str makes
 * today) of a password nobody uses: verifying against it costs what
 * verifying a real user's password costs. */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$SUYN+V/Cimt2Wb1U8BbzGA$8HJi64Xh8o/foQ4UTeSqgBCx6HjPr4y1yag1wZMnfYE";

/* one sentence whether the name or the password was wrong */
#define LOGIN_FAILED() wam_error_set(WAM_EAUTH, NULL, "wrong user name or password")

static const char *const user_fields[] = {"name", "role", "sites", NULL};
static const char *const change_fields[] = {"role", "sites", "disabled", NULL};

/* At least PASSWORD_MIN_CHARS characters (code points, so a passphrase in
 * any script counts what a person sees) and at most PASSWORD_MAX_BYTES. */
static int check_password(const char *password)
{
	if (!password)
		return wam_error_set(WAM_EINVAL, "password", "password is required");
	size_t n = strlen(password), chars = 0;
	if (n > PASSWORD_MAX_BYTES)
		return wam_error_set(WAM_EINVAL, "password", "password must be at most %d bytes", PASSWORD_MAX_BYTES);
	for (size_t i = 0; i < n; chars++) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)password + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return wam_error_set(WAM_EINVAL, "password", "password is not valid UTF-8");
		i += (size_t)k;
	}
	if (chars < PASSWORD_MIN_CHARS)
		return wam_error_set(WAM_EINVAL, "password", "password must be at least %d characters",
		                     PASSWORD_MIN_CHARS);
	return 0;
}

static int hash_password(char hash[crypto_pwhash_STRBYTES], const char *password)
{
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory hashing the password");
	return 0;
}

static int find_user(wam_db *db, json_t **out, const char *user)
{
	*out = NULL;
	if (!user || !*user)
		return wam_error_set(WAM_ENOTFOUND, "user", "no user given");
	/* an id wins over a name that happens to look like one */
	sqlite3_stmt *st =
	    AUTH_STMT(db, ST_AUTH_USER_GET, USER_SQL " WHERE id=?1 OR name=?1 ORDER BY id=?1 DESC LIMIT 1");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = wam_auth_row(st, "disabled");
	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return wam_error_set(WAM_ENOTFOUND, "user", "no user named or with id '%.80s'", user);
	if (r != SQLITE_ROW)
		return wam_sql_fail(db->conn, "read a user");
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

static int name_free(wam_db *db, const char *name)
{
	sqlite3_stmt *st = AUTH_STMT(db, ST_AUTH_USER_TAKEN, "SELECT id FROM users WHERE name=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return wam_error_set(WAM_ECONFLICT, "name", "there is already a user named '%s'", name);
	return r == SQLITE_DONE ? 0 : wam_sql_fail(db->conn, "read users");
}

/* Checks a new user into the payload `p` of its user.added event. */
static int check_user(wam_db *db, json_t *p, const json_t *user)
{
	int rc;
	if ((rc = wam_check_fields(user, user_fields, "", 0)) || (rc = wam_auth_take_name(p, user)) ||
	    (rc = wam_auth_take_role(p, user)) || (rc = wam_auth_take_sites(db, p, user)) ||
	    (rc = name_free(db, json_string_value(json_object_get(p, "name")))))
		return rc;
	return 0;
}

int wam_auth_user_add(wam_db *db, json_t **out, const json_t *user, const char *password)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "users");
	}
	int rc;
	bool in_tx = false;
	char id[WAM_ID_LEN + 1], hash[crypto_pwhash_STRBYTES] = "";
	json_t *p = json_object();
	if (out)
		*out = NULL;
	if ((rc = check_user(db, p, user)) || (rc = check_password(password)) || (rc = hash_password(hash, password)))
		goto done;
	if ((rc = wam_db_begin(db)))
		goto done;
	in_tx = true;
	/* another command may have taken the name while the password was hashed
	 * (sites are never removed, so they need no second look) */
	if ((rc = name_free(db, json_string_value(json_object_get(p, "name")))))
		goto done;
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "user.added", id, p, NULL)) ||
	    (rc = wam_auth_put_credential(db, id, "password", hash)))
		goto done;
	in_tx = false; /* commit rolls back itself when it fails */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_auth_user_get(db, out, id);
done:
	if (in_tx)
		wam_db_rollback(db);
	sodium_memzero(hash, sizeof hash);
	json_decref(p);
	return rc;
}

int wam_auth_user_set_password(wam_db *db, const char *user, const char *password)
{
	int rc;
	bool in_tx = false;
	char id[WAM_ID_LEN + 1], hash[crypto_pwhash_STRBYTES] = "";
	json_t *found = NULL, *empty = NULL;
	if (wam_confined(db) && !wam_confine_self(db, user)) /* others' accounts are the whole registry's */
		return wam_confine_national(db, "users");
	empty = json_object();
	if ((rc = find_user(db, &found, user)) || (rc = check_password(password)))
		goto done;
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(found, "id")));
	if ((rc = hash_password(hash, password)) || (rc = wam_db_begin(db)))
		goto done;
	in_tx = true;
	if ((rc = wam_ledger_append(db, "user.password_set", id, empty, NULL)) ||
	    (rc = wam_auth_put_credential(db, id, "password", hash)))
		goto done;
	in_tx = false;
	rc = wam_db_commit(db);
done:
	if (in_tx)
		wam_db_rollback(db);
	sodium_memzero(hash, sizeof hash);
	json_decref(found);
	json_decref(empty);
	return rc;
}

/* Adds to `p` the keys of `changes` whose value differs from user `cur`. */
static int diff_user(wam_db *db, json_t *p, const json_t *cur, const json_t *changes)
{
	int rc;
	json_t *in = json_object();
	if (json_object_get(changes, "role")) {
		if ((rc = wam_auth_take_role(in, changes)))
			goto done;
		if (strcmp(json_string_value(json_object_get(in, "role")),
		           json_string_value(json_object_get(cur, "role"))))
			json_object_set(p, "role", json_object_get(in, "role"));
	}
	if (json_object_get(changes, "sites")) {
		if ((rc = wam_auth_take_sites(db, in, changes)))
			goto done;
		if (!json_equal(json_object_get(in, "sites"), json_object_get(cur, "sites")))
			json_object_set(p, "sites", json_object_get(in, "sites"));
	}
	const json_t *d = json_object_get(changes, "disabled");
	if (d) {
		if (!json_is_boolean(d)) {
			rc = wam_error_set(WAM_EINVAL, "disabled", "disabled must be true or false");
			goto done;
		}
		if (json_is_true(d) != json_is_true(json_object_get(cur, "disabled")))
			json_object_set_new(p, "disabled", json_boolean(json_is_true(d)));
	}
	rc = 0;
done:
	json_decref(in);
	return rc;
}

int wam_auth_user_update(wam_db *db, json_t **out, const char *user, const json_t *changes)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "users");
	}
	int rc;
	bool in_tx = false;
	json_t *cur = NULL, *p = json_object();
	char id[WAM_ID_LEN + 1];
	if (out)
		*out = NULL;
	if ((rc = wam_check_fields(changes, change_fields, "", 0)) || (rc = wam_db_begin(db)))
		goto done;
	in_tx = true;
	if ((rc = find_user(db, &cur, user)) || (rc = diff_user(db, p, cur, changes)))
		goto done;
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(cur, "id")));
	/* what is already so is not an event */
	if (json_object_size(p) && (rc = wam_ledger_append(db, "user.changed", id, p, NULL)))
		goto done;
	in_tx = false;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_auth_user_get(db, out, id);
done:
	if (in_tx)
		wam_db_rollback(db);
	json_decref(cur);
	json_decref(p);
	return rc;
}

int wam_auth_user_get(wam_db *db, json_t **out, const char *user)
{
	*out = NULL;
	if (wam_confined(db) && !wam_confine_self(db, user)) /* others' accounts are the whole registry's */
		return wam_confine_national(db, "users");
	return find_user(db, out, user);
}

int wam_auth_user_list(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "users");
	}
	return wam_auth_list(db, out, USER_SQL " ORDER BY name", "disabled", "list users");
}

int wam_auth_login(wam_db *db, wam_principal *out, const char *name, const char *password)
{
	int rc = 0, r;
	bool found = false, usable = false;
	char id[WAM_ID_LEN + 1] = "", uname[WAM_AUTH_NAME_MAX + 1] = "", role[16] = "", hash[crypto_pwhash_STRBYTES];
	char *sites = NULL;
	memset(out, 0, sizeof *out);
	snprintf(hash, sizeof hash, "%s", dummy_hash);
	/* a password too long to be anyone's says nothing about the name */
	if (!password || strlen(password) > PASSWORD_MAX_BYTES)
		return LOGIN_FAILED();
	sqlite3_stmt *st = AUTH_STMT(db, ST_AUTH_USER_LOGIN,
	                             "SELECT u.id, u.name, u.role, u.sites, u.disabled, c.hash FROM users u"
	                             " LEFT JOIN credentials c ON c.subject=u.id AND c.kind='password' WHERE u.name=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		found = true;
		snprintf(id, sizeof id, "%s", wam_col_text(st, 0));
		snprintf(uname, sizeof uname, "%s", wam_col_text(st, 1));
		snprintf(role, sizeof role, "%s", wam_col_text(st, 2));
		sites = strdup(wam_col_text(st, 3));
		usable = sqlite3_column_int(st, 4) == 0 && sqlite3_column_type(st, 5) != SQLITE_NULL;
		if (usable)
			snprintf(hash, sizeof hash, "%s", wam_col_text(st, 5));
	}
	sqlite3_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		rc = wam_sql_fail(db->conn, "read users");
		goto done;
	}
	if (found && !sites) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	/* always one verification, whatever was found */
	bool match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	if (!found || !usable || !match) {
		rc = LOGIN_FAILED();
		goto done;
	}
	rc = wam_auth_fill_principal(out, "user", id, uname, role, sites);
done:
	sodium_memzero(hash, sizeof hash);
	free(sites);
	return rc;
}

void wam_auth_user_principal(wam_principal *p, const json_t *u)
{
	memset(p, 0, sizeof *p);
	snprintf(p->kind, sizeof p->kind, "user");
	snprintf(p->id, sizeof p->id, "%s", json_string_value(json_object_get(u, "id")));
	snprintf(p->name, sizeof p->name, "%s", json_string_value(json_object_get(u, "name")));
	snprintf(p->role, sizeof p->role, "%s", json_string_value(json_object_get(u, "role")));
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(u, "sites"), i, s)
	{
		if (p->nsites < WAM_AUTH_MAX_SITES)
			snprintf(p->sites[p->nsites++], sizeof p->sites[0], "%s", json_string_value(s));
	}
	if (json_is_true(json_object_get(u, "disabled")))
		snprintf(p->role, sizeof p->role, "none"); /* a disabled user may do nothing */
}

/* Prepared on each call rather than kept in a slot: the room's slots are
 * few, and a session's request pays a few microseconds for it. */
int wam_auth_user_generation(wam_db *db, int64_t *out, const char *user)
{
	*out = 0;
	if (wam_confined(db) && !wam_confine_self(db, user)) /* others' accounts are the whole registry's */
		return wam_confine_national(db, "users");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        db->conn,
	        "SELECT max(seq) FROM events WHERE subject=(SELECT id FROM users WHERE id=?1 OR name=?1"
	        " ORDER BY id=?1 DESC LIMIT 1) AND type IN ('user.added','user.changed','user.password_set')",
	        -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read a user's events");
	sqlite3_bind_text(st, 1, user ? user : "", -1, SQLITE_STATIC);
	int r = sqlite3_step(st), rc = 0;
	if (r != SQLITE_ROW)
		rc = wam_sql_fail(db->conn, "read a user's events");
	else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		rc = wam_error_set(WAM_ENOTFOUND, "user", "no user named or with id '%.80s'", user ? user : "");
	else
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

int wam_auth_user_names(wam_db *db, json_t **out)
{
	json_t *all = NULL, *names = json_array();
	*out = NULL;
	if (!names)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	/* read past confinement on purpose: a confined caller is given only the
	 * names below, never the users' records */
	int rc = wam_auth_list(db, &all, USER_SQL " WHERE disabled = 0 ORDER BY name", "disabled", "list users");
	if (rc) {
		json_decref(names);
		return rc;
	}
	const wam_principal *me = wam_db_principal(db);
	size_t i, j;
	json_t *u, *site;
	json_array_foreach(all, i, u)
	{
		const json_t *sites = json_object_get(u, "sites");
		bool shown = !me || me->nsites == 0 || json_array_size(sites) == 0;
		json_array_foreach(sites, j, site)
		{
			for (int k = 0; !shown && k < me->nsites; k++)
				shown = !strcmp(me->sites[k], json_string_value(site) ? json_string_value(site) : "");
		}
		if (shown && json_array_append_new(names, json_pack("{s:O, s:O, s:O}", "id", json_object_get(u, "id"),
		                                                    "name", json_object_get(u, "name"), "role",
		                                                    json_object_get(u, "role")))) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
	}
	json_decref(all);
	if (rc)
		json_decref(names);
	else
		*out = names;
	return rc;
}
