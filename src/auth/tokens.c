/* API tokens: secrets scripts present instead of a password.
 *
 * A secret is "wam_" + the token's id + "_" + 32 random bytes in unpadded
 * base64url. Carrying the id lets a check find its row with one indexed
 * look-up; the random part carries 256 bits, so a plain BLAKE2b-256 hash is
 * enough to store (nothing to guess from it, and no key stretching to slow
 * every request down). Only that hash is kept, in the credentials table,
 * written in the same transaction as the token.added event. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/common.h"
#include "store/field.h"

#define SECRET_BYTES 32
#define SECRET_B64_LEN 43 /* 32 bytes in unpadded base64url */
#define PREFIX "wam_"
#define PREFIX_LEN 4

_Static_assert(WAM_TOKEN_LEN == PREFIX_LEN + WAM_ID_LEN + 1 + SECRET_B64_LEN, "a token is prefix, id, _, secret");

#define TOKEN_SQL "SELECT id, name, role, sites, revoked, created FROM tokens"

static const char *const token_fields[] = {"name", "role", "sites", NULL};

/* one sentence whatever was wrong with the token: it tells a guesser nothing */
#define TOKEN_REFUSED() wam_error_set(WAM_EAUTH, NULL, "the API token is not valid (malformed, unknown or revoked)")

static void secret_hash(unsigned char h[WAM_HASH_LEN], const char *secret)
{
	crypto_generichash(h, WAM_HASH_LEN, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static int get_token(wam_db *db, json_t **out, const char *id)
{
	*out = NULL;
	sqlite3_stmt *st = AUTH_STMT(db, ST_AUTH_TOKEN_GET, TOKEN_SQL " WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = wam_auth_row(st, "revoked");
	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return wam_error_set(WAM_ENOTFOUND, "id", "no token with id '%.40s'", id ? id : "");
	if (r != SQLITE_ROW)
		return wam_sql_fail(db->conn, "read a token");
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

int wam_auth_token_add(wam_db *db, json_t **out, const json_t *token, char secret[WAM_TOKEN_LEN + 1])
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "tokens");
	}
	int rc;
	bool in_tx = false;
	char id[WAM_ID_LEN + 1], made[WAM_TOKEN_LEN + 1], hex[2 * WAM_HASH_LEN + 1];
	unsigned char raw[SECRET_BYTES], h[WAM_HASH_LEN];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	secret[0] = '\0';
	if ((rc = wam_db_begin(db)))
		goto done;
	in_tx = true;
	if ((rc = wam_check_fields(token, token_fields, "", 0)) || (rc = wam_auth_take_name(p, token)) ||
	    (rc = wam_auth_take_role(p, token)) || (rc = wam_auth_take_sites(db, p, token)))
		goto done;
	if (wam_auth_is_token(db->actor)) {
		/* a token stands for whoever added it only while that is one step */
		rc = wam_error_set(WAM_EFORBIDDEN, "token",
		                   "%.128s is a token; a token does not add tokens: a person signed in as "
		                   "themselves, or the operating-system account, adds them",
		                   db->actor);
		goto done;
	}
	wam_db_new_id(db, id);
	randombytes_buf(raw, sizeof raw);
	memcpy(made, PREFIX, PREFIX_LEN);
	memcpy(made + PREFIX_LEN, id, WAM_ID_LEN);
	made[PREFIX_LEN + WAM_ID_LEN] = '_';
	sodium_bin2base64(made + PREFIX_LEN + WAM_ID_LEN + 1, SECRET_B64_LEN + 1, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	secret_hash(h, made);
	wam_hex(hex, h, sizeof h);
	if ((rc = wam_ledger_append(db, "token.added", id, p, NULL)) ||
	    (rc = wam_auth_put_credential(db, id, "token", hex)))
		goto done;
	in_tx = false;
	if ((rc = wam_db_commit(db)))
		goto done;
	memcpy(secret, made, WAM_TOKEN_LEN + 1);
	if (out)
		rc = get_token(db, out, id);
done:
	if (in_tx)
		wam_db_rollback(db);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(made, sizeof made);
	json_decref(p);
	return rc;
}

int wam_auth_token_revoke(wam_db *db, const char *id)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "tokens");
	int rc;
	bool in_tx = false;
	json_t *tok = NULL, *empty = json_object();
	if ((rc = wam_db_begin(db)))
		goto done;
	in_tx = true;
	if ((rc = get_token(db, &tok, id)))
		goto done;
	if (json_is_true(json_object_get(tok, "revoked"))) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "token %s is already revoked", id);
		goto done;
	}
	if ((rc = wam_ledger_append(db, "token.revoked", id, empty, NULL)))
		goto done;
	in_tx = false;
	rc = wam_db_commit(db);
done:
	if (in_tx)
		wam_db_rollback(db);
	json_decref(tok);
	json_decref(empty);
	return rc;
}

int wam_auth_token_list(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "tokens");
	}
	/* rowid breaks ties within a millisecond: rows are made in event order */
	return wam_auth_list(db, out, TOKEN_SQL " ORDER BY created DESC, rowid DESC", "revoked", "list tokens");
}

/* The id inside a well-formed secret, or false. */
static bool parse_secret(const char *secret, char id[WAM_ID_LEN + 1])
{
	if (!secret || strlen(secret) != WAM_TOKEN_LEN || memcmp(secret, PREFIX, PREFIX_LEN) != 0 ||
	    secret[PREFIX_LEN + WAM_ID_LEN] != '_')
		return false;
	memcpy(id, secret + PREFIX_LEN, WAM_ID_LEN);
	id[WAM_ID_LEN] = '\0';
	return wam_is_ulid(id);
}

int wam_auth_token_check(wam_db *db, wam_principal *out, const char *secret)
{
	int rc = 0, r;
	char id[WAM_ID_LEN + 1];
	unsigned char want[WAM_HASH_LEN], got[WAM_HASH_LEN];
	memset(out, 0, sizeof *out);
	if (!parse_secret(secret, id))
		return TOKEN_REFUSED();
	sqlite3_stmt *st = AUTH_STMT(db, ST_AUTH_TOKEN_CHECK,
	                             "SELECT c.hash, t.name, t.role, t.sites, t.revoked FROM tokens t"
	                             " JOIN credentials c ON c.subject=t.id AND c.kind='token' WHERE t.id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		rc = r == SQLITE_DONE ? TOKEN_REFUSED() : wam_sql_fail(db->conn, "read a token");
		goto done;
	}
	secret_hash(got, secret);
	if (wam_unhex(want, sizeof want, wam_col_text(st, 0)) != 0 || sodium_memcmp(want, got, sizeof want) != 0 ||
	    sqlite3_column_int(st, 4) != 0) {
		rc = TOKEN_REFUSED();
		goto done;
	}
	rc = wam_auth_fill_principal(out, "token", id, wam_col_text(st, 1), wam_col_text(st, 2), wam_col_text(st, 3));
done:
	sqlite3_reset(st);
	return rc;
}
