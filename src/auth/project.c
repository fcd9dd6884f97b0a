/* The auth room's projector and checks: user.added, user.changed,
 * token.added and token.revoked into the users and tokens tables
 * (user.password_set and record.read shape no table: the secret itself is
 * in credentials, and a read changes nothing); and what verify proves of
 * the credentials beside the ledger — every row sealed to the latest event
 * that set it, none deleted — with the seals `wam rebuild` makes for a
 * registry written before credentials were sealed. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "ledger/room.h"

enum { S_USER, S_USER_CHANGE, S_TOKEN, S_TOKEN_REVOKE };

static int run(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq)
{
	return wam_projection_step(ctx->conn, st, seq);
}

/* Site lists are stored as canonical JSON, so equal lists are equal text.
 * Without a list in the payload, binds `absent` (NULL or a text). */
static int bind_sites(sqlite3_stmt *st, int i, const json_t *pl, const char *absent)
{
	const json_t *sites = json_object_get(pl, "sites");
	if (!json_is_array(sites)) {
		if (absent)
			sqlite3_bind_text(st, i, absent, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i);
		return 0;
	}
	char *canon = wam_canon(sites);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, i, canon, -1, free);
	return 0;
}

/* Users and tokens share a shape: id, name, role, sites, created. */
static int apply_principal(wam_room_ctx *ctx, bool user, int64_t seq, const char *id, const json_t *pl,
                           const char *time)
{
	sqlite3_stmt *st =
	    user
	        ? wam_room_stmt(ctx, S_USER,
	                        "INSERT INTO users(id,name,role,sites,disabled,created,last_seq) VALUES(?,?,?,?,0,?,?)")
	        : wam_room_stmt(
	              ctx, S_TOKEN,
	              "INSERT INTO tokens(id,name,role,sites,revoked,created,last_seq) VALUES(?,?,?,?,0,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "name");
	wam_bind_json_text(st, 3, pl, "role");
	if (bind_sites(st, 4, pl, "[]"))
		return WAM_ENOMEM;
	sqlite3_bind_text(st, 5, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, seq);
	return run(ctx, st, seq);
}

static int apply_user_change(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	/* a user.changed event carries only what changed; NULL keeps the rest */
	sqlite3_stmt *st = wam_room_stmt(ctx, S_USER_CHANGE,
	                                 "UPDATE users SET role=coalesce(?1,role), sites=coalesce(?2,sites),"
	                                 " disabled=coalesce(?3,disabled), last_seq=?4 WHERE id=?5");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "role");
	if (bind_sites(st, 2, pl, NULL))
		return WAM_ENOMEM;
	const json_t *d = json_object_get(pl, "disabled");
	if (json_is_boolean(d))
		sqlite3_bind_int(st, 3, json_is_true(d));
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld changes user %s, who does not exist",
	                               (long long)seq, id);
}

static int apply_token_revoke(wam_room_ctx *ctx, int64_t seq, const char *id)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_TOKEN_REVOKE, "UPDATE tokens SET revoked=1, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld revokes token %s, which does not exist",
	                               (long long)seq, id);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strcmp(type, "user.added"))
		return apply_principal(ctx, true, seq, subject, payload, time);
	if (!strcmp(type, "user.changed"))
		return apply_user_change(ctx, seq, subject, payload);
	if (!strcmp(type, "token.added"))
		return apply_principal(ctx, false, seq, subject, payload, time);
	if (!strcmp(type, "token.revoked"))
		return apply_token_revoke(ctx, seq, subject);
	/* facts the ledger keeps that shape no table: the secret itself is in
	 * credentials, and a read changes nothing */
	if (!strcmp(type, "user.password_set") || !strcmp(type, "record.read"))
		return 0;
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

/* ---- the credentials beside the ledger ---- */

int wam_credential_event(wam_db *db, int64_t *seq, const char *subject)
{
	sqlite3_stmt *st;
	*seq = 0;
	if (sqlite3_prepare_v2(
	        db->conn, "SELECT coalesce(max(seq),0) FROM events WHERE subject=? AND type IN " WAM_CREDENTIAL_EVENTS,
	        -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "find the event that set a credential");
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* The seal of a credential row: BLAKE2b-256 keyed with a subkey derived from
 * the node's secret key (so only the key file's holder can make one), over
 * the row and the sequence number of the event that set it (so an older
 * secret of the same user, or another user's, does not fit). */
int wam_credential_seal(wam_db *db, char out_hex[65], const char *subject, const char *kind, const char *hash,
                        int64_t seq)
{
	int rc;
	unsigned char subkey[32], mac[32];
	char seqtxt[24];
	if (!db->have_key && (rc = wam_key_load(db)))
		return rc;
	crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "wamcreds", db->sk); /* the seed half of sk */
	snprintf(seqtxt, sizeof seqtxt, "%lld", (long long)seq);
	crypto_generichash_state h;
	crypto_generichash_init(&h, subkey, sizeof subkey, sizeof mac);
	crypto_generichash_update(&h, (const unsigned char *)"wam-credential-v1", 18);
	const char *parts[] = {subject, kind, hash, seqtxt};
	for (size_t i = 0; i < 4; i++)
		crypto_generichash_update(&h, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
	crypto_generichash_final(&h, mac, sizeof mac);
	sodium_memzero(subkey, sizeof subkey);
	wam_hex(out_hex, mac, sizeof mac);
	return 0;
}

/* Whether the credentials table has its seal columns (a registry made
 * before them, opened read-only, has not been given them yet). */
static bool credentials_sealable(sqlite3 *conn)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(conn, "SELECT seq, mac FROM credentials LIMIT 0", -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok;
}

/* Every user and token whose events say a secret was set must still have
 * its credential row: one deleted behind wam's back (an admin's, to lock
 * the registry's owners out, or to make a later row look like the first)
 * is credential_missing. Rows are never deleted by wam. */
static int credentials_present(wam_db *db, wam_verify_report *r)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT e.subject, max(e.seq) FROM events e WHERE e.type IN " WAM_CREDENTIAL_EVENTS
	                       " AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.subject=e.subject) GROUP BY "
	                       "e.subject ORDER BY 2 LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read credentials");
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(r->table, sizeof r->table, "credentials");
		snprintf(r->record_id, sizeof r->record_id, "%s", wam_col_text(st, 0));
		wam_verify_bad(r, "credential_missing", sqlite3_column_int64(st, 1),
		               "%s has no credential row, yet event %lld set its secret: the row was deleted behind "
		               "wam's back",
		               wam_col_text(st, 0), (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	return 0;
}

static int verify_credentials(wam_db *db, wam_verify_report *r)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	if (!credentials_sealable(db->conn)) {
		sqlite3_stmt *any = NULL;
		bool rows =
		    sqlite3_prepare_v2(db->conn, "SELECT 1 FROM credentials LIMIT 1", -1, &any, NULL) == SQLITE_OK &&
		    sqlite3_step(any) == SQLITE_ROW;
		sqlite3_finalize(any);
		if (rows)
			wam_verify_bad(r, "credential_unsealed", 0,
			               "the credentials were written before credentials were sealed: run `wam rebuild` "
			               "once to seal them");
		else if (!(rc = credentials_present(db, r)) && r->intact)
			r->credentials_checked = 1;
		return rc;
	}
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT c.subject, c.kind, c.hash, c.seq, c.mac, (SELECT max(e.seq) FROM events e WHERE "
	                       "e.subject=c.subject AND e.type IN " WAM_CREDENTIAL_EVENTS
	                       ") FROM credentials c ORDER BY 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read credentials");
	while (r->intact && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *subject = wam_col_text(st, 0), *mac = wam_col_text(st, 4);
		int64_t seq = sqlite3_column_int64(st, 3), last = sqlite3_column_int64(st, 5);
		char want[65];
		snprintf(r->record_id, sizeof r->record_id, "%s", subject);
		snprintf(r->table, sizeof r->table, "credentials");
		if (sqlite3_column_type(st, 4) == SQLITE_NULL) {
			wam_verify_bad(
			    r, "credential_unsealed", last,
			    "the %s of %s was written before credentials were sealed: run `wam rebuild` once to "
			    "seal it",
			    wam_col_text(st, 1), subject);
			break;
		}
		if ((rc = wam_credential_seal(db, want, subject, wam_col_text(st, 1), wam_col_text(st, 2), seq)))
			break;
		if (seq != last || strcmp(want, mac) != 0) {
			wam_verify_bad(
			    r, "credential_changed", last,
			    "the %s of %s is not the one set by event %lld: it was replaced behind wam's back",
			    wam_col_text(st, 1), subject, (long long)last);
			break;
		}
		r->credentials++;
		r->table[0] = r->record_id[0] = '\0';
	}
	sqlite3_finalize(st);
	if (!rc && r->intact)
		rc = credentials_present(db, r);
	if (!rc && r->intact)
		r->credentials_checked = 1;
	return rc;
}

/* The seals need the secret key: only the key file has it. Without it, a
 * deleted row is still seen (that needs no key). */
static int verify(wam_db *db, wam_verify_report *r, bool with_key)
{
	if (with_key)
		return verify_credentials(db, r);
	if (credentials_sealable(db->conn))
		return credentials_present(db, r);
	return 0;
}

/* Each unsealed credential sealed to the latest event that set it. */
static int seal(wam_db *db, int *sealed)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	int rc = 0;
	*sealed = 0;
	if (!credentials_sealable(db->conn))
		return 0;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT c.subject, c.kind, c.hash, (SELECT max(e.seq) FROM events e WHERE "
	                       "e.subject=c.subject AND e.type IN " WAM_CREDENTIAL_EVENTS
	                       ") FROM credentials c WHERE c.mac IS NULL",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, "UPDATE credentials SET seq=?, mac=? WHERE subject=?", -1, &up, NULL) !=
	        SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "seal credentials");
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char mac[65];
		int64_t seq = sqlite3_column_int64(st, 3);
		if ((rc = wam_credential_seal(db, mac, wam_col_text(st, 0), wam_col_text(st, 1), wam_col_text(st, 2),
		                              seq)))
			goto done;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, seq);
		sqlite3_bind_text(up, 2, mac, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 3, wam_col_text(st, 0), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = wam_sql_fail(db->conn, "seal credentials");
			goto done;
		}
		(*sealed)++;
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc;
}

static const struct wam_room_table tables[] = {
    {"users", "id", "d.last_seq"},
    {"tokens", "id", "d.last_seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_auth = {
    .name = "auth",
    .version = 2,
    .apply = apply,
    .tables = tables,
    .verify = verify,
    .seal = seal,
};
