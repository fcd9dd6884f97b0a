/* unit-ledger: wam_ledger_verify finds every kind of tampering done to the
 * registry file behind wam's back (changed, missing, inserted and reordered
 * events, unsigned appended events, a rehashed chain, changed/deleted/
 * inserted projection rows, a swapped public key, a ledger re-signed under
 * a node and key of the attacker's, a missing or foreign key file, a
 * replaced password hash, a deleted credential row, a changed reference
 * row, a cut-off tail caught by a receipt of the head, a row forged into any
 * projection table, a trigger, view, table or index wam does not create); a
 * batch closed without two verifiers' confirmations is refused by the
 * projector; wam_ledger_rebuild
 * recomputes the projections exactly and repairs tampered ones (also
 * automatically on open after a layout change); a new registry verifies; and
 * the canonical bytes are the documented JSON (docs/ledger.md).
 *
 * Every test starts from the same small registry:
 *   seq 1 registry.created, 2 site.added, 3-5 item.registered (A, B, C),
 *   6 item.status_changed (A: in_store -> issued); one signed checkpoint per
 *   command, so checkpoints at 1..6. The site has coordinates and B has
 *   notes with quotes, a backslash, a tab, a newline and non-Latin text, so
 *   the canonical bytes of reals and escapes are exercised. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "ledger/events.h"
#include "ledger/room.h"
#include "wam/auth.h"

typedef struct fx {
	test_reg reg;
	char a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1], c[WAM_ID_LEN + 1];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	json_t *out = NULL;
	test_reg_create(&f->reg, "HT");
	json_t *site = json_pack("{s:s, s:s, s:s, s:f, s:f}", "name", "Central Armoury", "kind", "armoury", "country",
	                         "HT", "lat", 18.5392, "lon", -72.335);
	assert_int_equal(wam_registry_site_add(f->reg.db, &out, site), 0);
	json_decref(site);
	json_decref(out);
	test_add_item(&f->reg,
	              "{\"category\":\"SA2\",\"make\":\"Kalashnikov\",\"model\":\"AKM\",\"serial\":\"KA-1001\","
	              "\"country\":\"SUHH\",\"year\":1975,\"import_marks\":[{\"country\":\"HT\",\"year\":2019}]}",
	              f->a);
	test_add_item(&f->reg,
	              "{\"category\":\"SA1\",\"make\":\"Beretta\",\"model\":\"92\",\"serial\":\"B-2002\",\"country\":\"IT\","
	              "\"notes\":\"seized \\\"as is\\\"\\tfrom C:\\\\stores\\nsecond line — ✓ ١٢\"}",
	              f->b);
	test_add_item(&f->reg,
	              "{\"category\":\"SA2\",\"make\":\"Norinco\",\"model\":\"Type 56\",\"serial\":\"56-3003\","
	              "\"country\":\"CN\",\"markings\":[{\"component\":\"bolt\",\"kind\":\"serial\",\"text\":\"56-3003\"}]}",
	              f->c);
	assert_int_equal(wam_registry_item_set_status(f->reg.db, NULL, f->a, "issued", NULL), 0);
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

static wam_verify_report verify(fx *f)
{
	wam_verify_report r;
	int rc = wam_ledger_verify(f->reg.db, 0, &r);
	if (rc)
		fail_msg("wam_ledger_verify could not run: %s", wam_error_last()->message);
	return r;
}

#define assert_finding(r, want_problem, want_seq)                                                                 \
	do {                                                                                                          \
		if ((r).intact || strcmp((r).problem, want_problem) != 0 || (r).first_bad_seq != (want_seq))              \
			fail_msg("expected %s at seq %d, got intact=%d %s at seq %lld: %s", want_problem, (int)(want_seq),   \
			         (r).intact, (r).problem, (long long)(r).first_bad_seq, (r).detail);                         \
	} while (0)

/* Hash of one events row as wam computes it: BLAKE2b(prev || canonical bytes). */
static void event_hash(sqlite3_stmt *st, int64_t seq, const unsigned char *prev, unsigned char out[WAM_HASH_LEN])
{
	wam_buf b = {0};
	assert_int_equal(wam_event_bytes(&b, seq, (const char *)sqlite3_column_text(st, 1),
	                                 (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
	                                 (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
	                                 (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7),
	                                 (size_t)sqlite3_column_bytes(st, 7)),
	                 0);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, WAM_HASH_LEN);
	crypto_generichash_update(&h, prev, WAM_HASH_LEN);
	crypto_generichash_update(&h, (const unsigned char *)b.p, b.n);
	crypto_generichash_final(&h, out, WAM_HASH_LEN);
	wam_buf_free(&b);
}

/* Recomputes prev_hash and hash of every event from `from` on, as a tamperer
 * who knows the hash scheme (but not the signing key) would. */
static void rehash_from(sqlite3 *conn, int64_t from)
{
	unsigned char prev[WAM_HASH_LEN] = {0}, h[WAM_HASH_LEN];
	sqlite3_stmt *st, *up;
	assert_int_equal(sqlite3_prepare_v2(conn, "SELECT hash FROM events WHERE seq=?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, from - 1);
	if (sqlite3_step(st) == SQLITE_ROW)
		memcpy(prev, sqlite3_column_blob(st, 0), WAM_HASH_LEN);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(conn,
	                                    "SELECT seq,id,node,time,actor,type,subject,payload FROM events WHERE seq>=? "
	                                    "ORDER BY seq",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(conn, "UPDATE events SET prev_hash=?, hash=? WHERE seq=?", -1, &up, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, from);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		event_hash(st, seq, prev, h);
		sqlite3_reset(up);
		sqlite3_bind_blob(up, 1, prev, WAM_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob(up, 2, h, WAM_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, seq);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		memcpy(prev, h, WAM_HASH_LEN);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
}

/* Every projection table, every row, ordered by all columns, as text. */
static char *dump_projections(sqlite3 *conn)
{
	static const char *const tables[] = {"registry", "sites", "holders", "items", "markings", "import_marks", NULL};
	wam_buf out = {0};
	for (int t = 0; tables[t]; t++) {
		char sql[256];
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[t]);
		assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &st, NULL), SQLITE_OK);
		int n = sqlite3_column_count(st);
		sqlite3_finalize(st);
		wam_buf q = {0};
		wam_buf_printf(&q, "SELECT * FROM %s ORDER BY ", tables[t]);
		for (int i = 1; i <= n; i++)
			wam_buf_printf(&q, "%s%d", i > 1 ? "," : "", i);
		assert_int_equal(sqlite3_prepare_v2(conn, q.p, -1, &st, NULL), SQLITE_OK);
		wam_buf_free(&q);
		wam_buf_printf(&out, "[%s]\n", tables[t]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < n; i++) {
				const unsigned char *v = sqlite3_column_text(st, i);
				wam_buf_printf(&out, "%s|", v ? (const char *)v : "NULL");
			}
			wam_buf_putc(&out, '\n');
		}
		sqlite3_finalize(st);
	}
	return out.p;
}

static int64_t item_last_seq(fx *f, const char *id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT last_seq FROM items WHERE id='%s'", id);
	char *s = test_query_text(f->reg.db->conn, sql);
	int64_t v = strtoll(s, NULL, 10);
	free(s);
	return v;
}

/* ---- the chain ---- */

static json_t *prove(fx *f, const char *id)
{
	json_t *out = NULL;
	assert_int_equal(wam_ledger_prove(f->reg.db, &out, id), 0);
	return out;
}

static void test_ledger_one_record_proves_to_its_checkpoint(void **state)
{
	fx *f = *state;
	json_t *p = prove(f, f->a); /* registered at 3, issued at 6 */
	assert_true(json_is_true(json_object_get(p, "intact")));
	assert_int_equal(json_integer_value(json_object_get(p, "events")), 2);
	assert_int_equal(json_integer_value(json_object_get(p, "first_seq")), 3);
	assert_int_equal(json_integer_value(json_object_get(p, "last_seq")), 6);
	assert_int_equal(json_integer_value(json_object_get(p, "signed_seq")), 6);
	json_decref(p);
	/* a changed event of one weapon fails that weapon's proof, not another's */
	test_reg_tamper(&f->reg, "UPDATE events SET payload=replace(payload,'KA-1001','KA-1009') WHERE seq=3");
	p = prove(f, f->a);
	assert_false(json_is_true(json_object_get(p, "intact")));
	assert_string_equal(json_string_value(json_object_get(p, "problem")), "event_changed");
	assert_int_equal(json_integer_value(json_object_get(p, "first_bad_seq")), 3);
	json_decref(p);
	p = prove(f, f->c);
	assert_true(json_is_true(json_object_get(p, "intact")));
	json_decref(p);
	json_t *none = NULL;
	assert_int_equal(wam_ledger_prove(f->reg.db, &none, "01HZZZZZZZZZZZZZZZZZZZZZZZ"), WAM_ENOTFOUND);
	assert_null(none);
}

static void test_ledger_intact_registry_verifies(void **state)
{
	fx *f = *state;
	wam_verify_report r = verify(f);
	if (!r.intact)
		fail_msg("not intact: %s at %lld: %s", r.problem, (long long)r.first_bad_seq, r.detail);
	assert_int_equal(r.events, 6);
	assert_int_equal(r.checkpoints, 6);
	assert_int_equal(r.first_bad_seq, 0);
	assert_string_equal(r.problem, "");
	assert_int_equal(strlen(r.public_key), 64);
}

static void test_ledger_changed_payload_is_event_changed(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "UPDATE events SET payload=replace(payload,'KA-1001','KA-1009') WHERE seq=3");
	wam_verify_report r = verify(f);
	assert_finding(r, "event_changed", 3);
	assert_non_null(strstr(r.detail, "3"));
}

static void test_ledger_deleted_middle_event_is_missing(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "DELETE FROM events WHERE seq=4");
	wam_verify_report r = verify(f);
	assert_finding(r, "event_missing", 4);
	assert_non_null(strstr(r.detail, "event 4"));
}

static void test_ledger_deleted_last_event_is_missing(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "DELETE FROM events WHERE seq=6");
	wam_verify_report r = verify(f);
	assert_finding(r, "event_missing", 6);
}

/* One command that appends two events is signed once, at its end: removing
 * its newest event must still read as a missing event, not as events added
 * behind wam's back (BUG-7). */
static void test_ledger_deleted_last_event_of_long_command_is_missing(void **state)
{
	fx *f = *state;
	assert_int_equal(wam_db_begin(f->reg.db), 0);
	assert_int_equal(wam_registry_item_set_status(f->reg.db, NULL, f->a, "in_store", NULL), 0);
	assert_int_equal(wam_registry_item_set_status(f->reg.db, NULL, f->b, "issued", NULL), 0);
	assert_int_equal(wam_db_commit(f->reg.db), 0); /* events 7 and 8, one checkpoint at 8 */
	assert_true(verify(f).intact);
	test_reg_tamper(&f->reg, "DELETE FROM events WHERE seq=8");
	wam_verify_report r = verify(f);
	if (r.intact || strcmp(r.problem, "event_missing") != 0 || r.first_bad_seq != 8)
		fail_msg("BUG-7: expected event_missing at seq 8, got intact=%d %s at seq %lld: %s", r.intact, r.problem,
		         (long long)r.first_bad_seq, r.detail);
}

static void test_ledger_appended_unsigned_event_is_unsigned_events(void **state)
{
	fx *f = *state;
	/* a well-formed, correctly chained event 7 that no checkpoint covers */
	wam_db_close(f->reg.db);
	f->reg.db = NULL;
	sqlite3 *conn;
	assert_int_equal(sqlite3_open(f->reg.path, &conn), SQLITE_OK);
	char sql[512], id[WAM_ID_LEN + 1], now[WAM_TIME_LEN + 1];
	wam_ulid(id, wam_now_ms(), NULL);
	wam_time_iso(now, wam_now_ms());
	snprintf(sql, sizeof sql,
	         "INSERT INTO events(seq,id,node,time,actor,type,subject,payload,prev_hash,hash) "
	         "SELECT 7,'%s',node,'%s','cli:mallory','item.status_changed','%s',"
	         "'{\"from\":\"issued\",\"reason\":\"quiet transfer\",\"to\":\"in_store\"}',zeroblob(32),zeroblob(32) "
	         "FROM events WHERE seq=6",
	         id, now, f->a);
	test_exec(conn, sql);
	rehash_from(conn, 7);
	assert_int_equal(sqlite3_close(conn), SQLITE_OK);
	assert_int_equal(wam_db_open(&f->reg.db, f->reg.path, 0), 0);

	wam_verify_report r = verify(f);
	assert_finding(r, "unsigned_events", 7);
	assert_int_equal(r.events, 7);
	assert_non_null(strstr(r.detail, "7"));
}

static void test_ledger_swapped_events_detected_at_lower_seq(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "UPDATE events SET seq=-4 WHERE seq=4; UPDATE events SET seq=4 WHERE seq=5;"
	                         "UPDATE events SET seq=5 WHERE seq=-4;");
	wam_verify_report r = verify(f);
	assert_false(r.intact);
	assert_int_equal(r.first_bad_seq, 4);
	assert_true(!strcmp(r.problem, "event_changed") || !strcmp(r.problem, "events_reordered"));
}

static void test_ledger_rehashed_chain_is_checkpoint_invalid(void **state)
{
	fx *f = *state;
	wam_db_close(f->reg.db);
	f->reg.db = NULL;
	sqlite3 *conn;
	assert_int_equal(sqlite3_open(f->reg.path, &conn), SQLITE_OK);
	test_exec(conn, "UPDATE events SET payload=replace(payload,'B-2002','B-9999') WHERE seq=4");
	rehash_from(conn, 4);
	assert_int_equal(sqlite3_close(conn), SQLITE_OK);
	assert_int_equal(wam_db_open(&f->reg.db, f->reg.path, 0), 0);

	wam_verify_report r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "checkpoint_invalid");
	/* docs/ledger.md: the first event after the last good checkpoint (3) */
	assert_int_equal(r.first_bad_seq, 4);
}

static void test_ledger_row_before_genesis_is_event_inserted(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "INSERT INTO events(seq,id,node,time,actor,type,subject,payload,prev_hash,hash) "
	                         "SELECT 0,'01ARZ3NDEKTSV4RRFFQ69G5FAV',node,time,actor,type,subject,payload,prev_hash,hash "
	                         "FROM events WHERE seq=1");
	wam_verify_report r = verify(f);
	assert_finding(r, "event_inserted", 0);
}

static void test_ledger_replaced_public_key_is_key_mismatch(void **state)
{
	fx *f = *state;
	unsigned char pk[32], sk[64];
	char hex[65], sql[256];
	crypto_sign_keypair(pk, sk);
	wam_hex(hex, pk, 32);
	snprintf(sql, sizeof sql, "UPDATE nodes SET public_key='%s'", hex);
	test_reg_tamper(&f->reg, sql);
	wam_verify_report r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "key_mismatch");
}

/* ---- the trust anchor outside the database ---- */

/* The registry's key file path, and its public key as hex. */
static void key_file(const fx *f, char path[256], char hex[65])
{
	char line[256];
	snprintf(path, 256, "%s.key", f->reg.path);
	FILE *k = fopen(path, "r");
	assert_non_null(k);
	hex[0] = '\0';
	while (fgets(line, sizeof line, k))
		if (!strncmp(line, "public ", 7))
			sscanf(line + 7, "%64s", hex);
	fclose(k);
	assert_int_equal(strlen(hex), 64);
}

/* What an attacker who can write the database does: changes event 6 (A
 * back in store), rehashes the chain, and makes a node and key of their
 * own the registry's, re-signing every checkpoint with it. */
static void forge_ledger(fx *f)
{
	unsigned char pk[32], sk[64], sig[64], msg[WAM_CHECKPOINT_MSG_LEN];
	char node[WAM_ID_LEN + 1], hex[65], sql[512];
	sqlite3 *conn;
	sqlite3_stmt *st, *up;
	wam_db_close(f->reg.db);
	f->reg.db = NULL;
	assert_int_equal(sqlite3_open(f->reg.path, &conn), SQLITE_OK);
	test_exec(conn, "UPDATE events SET payload=replace(payload,'\"issued\"','\"in_store\"') WHERE seq=6");
	rehash_from(conn, 1);
	crypto_sign_keypair(pk, sk);
	wam_hex(hex, pk, 32);
	wam_ulid(node, wam_now_ms(), NULL);
	snprintf(sql, sizeof sql,
	         "UPDATE meta SET value='%s' WHERE key='node_id'; INSERT INTO nodes VALUES('%s','%s','x');"
	         "UPDATE checkpoints SET node='%s', hash=(SELECT hash FROM events e WHERE e.seq=checkpoints.seq)",
	         node, node, hex, node);
	test_exec(conn, sql);
	assert_int_equal(sqlite3_prepare_v2(conn, "SELECT seq, hash FROM checkpoints", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(conn, "UPDATE checkpoints SET signature=? WHERE seq=?", -1, &up, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		wam_checkpoint_message(msg, node, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1));
		crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
		sqlite3_reset(up);
		sqlite3_bind_blob(up, 1, sig, 64, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	assert_int_equal(sqlite3_close(conn), SQLITE_OK);
	assert_int_equal(wam_db_open(&f->reg.db, f->reg.path, 0), 0);
}

static wam_verify_report verify_expecting(fx *f, const char *key, const json_t *receipt)
{
	wam_verify_report r;
	wam_verify_opts o = {.expect_key = key, .expect_head = receipt};
	if (wam_ledger_verify_with(f->reg.db, &o, &r))
		fail_msg("wam_ledger_verify_with could not run: %s", wam_error_last()->message);
	return r;
}

static void test_ledger_resigned_ledger_under_new_node_is_key_mismatch(void **state)
{
	fx *f = *state;
	char path[256], real[65];
	key_file(f, path, real);
	forge_ledger(f);
	wam_verify_report r = verify(f);
	assert_finding(r, "key_mismatch", 1);
	assert_string_equal(r.key_source, "key_file");
	r = verify_expecting(f, real, NULL);
	assert_finding(r, "key_mismatch", 1);
	assert_string_equal(r.public_key, real);
	/* one record's proof fails the same way */
	json_t *p = prove(f, f->a);
	assert_false(json_is_true(json_object_get(p, "intact")));
	assert_string_equal(json_string_value(json_object_get(p, "problem")), "key_mismatch");
	json_decref(p);
	/* and rebuild refuses to make the projections agree with the forgery */
	assert_int_equal(wam_ledger_rebuild(f->reg.db), WAM_EINTEGRITY);
	char *status = test_query_text(f->reg.db->conn, "SELECT status FROM items WHERE id IN (SELECT subject FROM "
	                                                "events WHERE seq=6)");
	assert_string_equal(status, "issued");
	free(status);
}

static void test_ledger_missing_key_file_is_key_missing(void **state)
{
	fx *f = *state;
	char path[256], real[65], moved[300];
	key_file(f, path, real);
	snprintf(moved, sizeof moved, "%s.away", path);
	assert_int_equal(rename(path, moved), 0);
	wam_verify_report r = verify(f);
	assert_finding(r, "key_missing", 1);
	json_t *p = prove(f, f->a);
	assert_string_equal(json_string_value(json_object_get(p, "problem")), "key_missing");
	assert_int_equal(json_integer_value(json_object_get(p, "events")), 2);
	json_decref(p);
	assert_int_equal(wam_ledger_rebuild(f->reg.db), WAM_EINTEGRITY);
	/* the caller's key instead: intact, and credentials are said not checked */
	r = verify_expecting(f, real, NULL);
	if (!r.intact)
		fail_msg("not intact with --expect-key: %s: %s", r.problem, r.detail);
	assert_string_equal(r.key_source, "expect_key");
	assert_int_equal(r.credentials_checked, 0);
	assert_int_equal(r.refdata_checked, 1);
	assert_int_equal(wam_ledger_prove_with(f->reg.db, &p, f->a, real), 0);
	assert_true(json_is_true(json_object_get(p, "intact")));
	assert_string_equal(json_string_value(json_object_get(p, "key_source")), "expect_key");
	json_decref(p);
	wam_verify_report bad_key;
	wam_verify_opts o = {.expect_key = "not a key"};
	assert_int_equal(wam_ledger_verify_with(f->reg.db, &o, &bad_key), WAM_EINVAL);
	assert_int_equal(rename(moved, path), 0);
}

static void test_ledger_other_registrys_key_file_is_key_mismatch(void **state)
{
	fx *f = *state;
	test_reg other;
	char path[256], real[65], cmd[700];
	key_file(f, path, real);
	test_reg_create(&other, "HT");
	snprintf(cmd, sizeof cmd, "cp '%s.key' '%s'", other.path, path);
	assert_int_equal(system(cmd), 0);
	test_reg_destroy(&other);
	wam_verify_report r = verify(f);
	assert_finding(r, "key_mismatch", 1);
	assert_non_null(strstr(r.detail, "not of this registry's node"));
}

static void test_ledger_replaced_password_hash_is_credential_changed(void **state)
{
	fx *f = *state;
	json_t *u = json_pack("{s:s, s:s}", "name", "chief", "role", "admin"), *out = NULL;
	assert_int_equal(wam_auth_user_add(f->reg.db, &out, u, "correct horse battery staple"), 0);
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	json_decref(u);
	wam_verify_report r = verify(f);
	assert_true(r.intact);
	assert_int_equal(r.credentials_checked, 1);
	assert_int_equal(r.credentials, 1);
	/* another password's Argon2id hash (the attacker knows that password) */
	char hash[crypto_pwhash_STRBYTES], sql[512];
	assert_int_equal(crypto_pwhash_str(hash, "attacker", 8, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	snprintf(sql, sizeof sql, "UPDATE credentials SET hash='%s' WHERE subject='%s'", hash, id);
	test_reg_tamper(&f->reg, sql);
	r = verify(f);
	assert_finding(r, "credential_changed", 7);
	assert_string_equal(r.record_id, id);
	/* a row without its seal is not taken either */
	test_reg_tamper(&f->reg, "UPDATE credentials SET mac=NULL");
	r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "credential_unsealed");
}

static void test_ledger_deleted_credential_is_credential_missing(void **state)
{
	fx *f = *state;
	json_t *u = json_pack("{s:s, s:s}", "name", "chief", "role", "admin"), *out = NULL;
	assert_int_equal(wam_auth_user_add(f->reg.db, &out, u, "correct horse battery staple"), 0);
	char id[WAM_ID_LEN + 1], sql[160];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	json_decref(u);
	assert_true(verify(f).intact);
	snprintf(sql, sizeof sql, "DELETE FROM credentials WHERE subject='%s'", id);
	test_reg_tamper(&f->reg, sql);
	wam_verify_report r = verify(f);
	assert_finding(r, "credential_missing", 7);
	assert_string_equal(r.record_id, id);
	assert_int_equal(r.credentials_checked, 0);
}

/* Every table the projection schema makes is compared, read from the
 * schema: a row forged into any of them (each in turn, a row of one value
 * in every column) is projection_mismatch naming that table. */
static void test_ledger_every_projection_table_is_compared(void **state)
{
	fx *f = *state;
	sqlite3 *ref;
	sqlite3_stmt *st;
	int tables = 0;
	assert_int_equal(sqlite3_open(":memory:", &ref), SQLITE_OK);
	test_exec(ref, wam_sql_projections);
	assert_int_equal(sqlite3_prepare_v2(ref,
	                                    "SELECT m.name, (SELECT count(*) FROM pragma_table_info(m.name)) FROM "
	                                    "sqlite_master m WHERE m.type='table' ORDER BY 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		int ncol = sqlite3_column_int(st, 1);
		char sql[1024];
		size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES(", table);
		for (int c = 0; c < ncol; c++)
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s987654321", c ? "," : "");
		snprintf(sql + n, sizeof sql - n, ")");
		test_reg_tamper(&f->reg, sql);
		wam_verify_report r = verify(f);
		if (r.intact || strcmp(r.problem, "projection_mismatch") != 0 ||
		    (strcmp(r.table, table) != 0 &&
		     !(strcmp(table, "items") == 0 && strcmp(r.table, "item_tally") == 0)))
			fail_msg("a row forged into %s: intact=%d %s in %s: %s", table, r.intact, r.problem, r.table,
			         r.detail);
		assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
		assert_true(verify(f).intact);
		tables++;
	}
	sqlite3_finalize(st);
	sqlite3_close(ref);
	assert_true(tables >= 30);
}

/* The reviewer's case: a second verifier's confirmation forged into the
 * table, which would close a batch nobody but one verifier confirmed. */
static void test_ledger_forged_confirmation_row_is_projection_mismatch(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "INSERT INTO destruction_confirmations VALUES('01DESTRUCTION',2,'01FORGEDVERIFIER',"
	                         "'Forged Verifier',6,'2026-01-01T00:00:00.000Z')");
	wam_verify_report r = verify(f);
	assert_finding(r, "projection_mismatch", 6);
	assert_string_equal(r.table, "destruction_confirmations");
	assert_string_equal(r.record_id, "01DESTRUCTION");
	test_reg_tamper(&f->reg,
	                "DELETE FROM destruction_confirmations; INSERT INTO export_proposals VALUES('01EXPORT',"
	                "'01ITEM','sold','LIC-1',NULL,'confirmed',5,6,NULL,6)");
	r = verify(f);
	assert_finding(r, "projection_mismatch", 6);
	assert_string_equal(r.table, "export_proposals");
}

/* A trigger, a view, a table or an index wam does not create, or one of its
 * own redefined, is schema_changed (the trigger's name in `table`). */
static void test_ledger_foreign_schema_object_is_schema_changed(void **state)
{
	fx *f = *state;
	static const struct {
		const char *sql, *name;
	} cases[] = {
	    {"CREATE TRIGGER add_confirmation AFTER INSERT ON destruction_confirmations BEGIN INSERT INTO "
	     "destruction_confirmations SELECT destruction_id, n+1, 'x', 'x', seq, time FROM "
	     "destruction_confirmations WHERE rowid=new.rowid; END",
	     "add_confirmation"},
	    {"CREATE TRIGGER keep_events BEFORE DELETE ON events BEGIN SELECT 1; END", "keep_events"},
	    {"CREATE VIEW stolen AS SELECT * FROM items", "stolen"},
	    {"CREATE TABLE notes(x)", "notes"},
	    {"CREATE INDEX items_make ON items(make)", "items_make"},
	    {"DROP INDEX items_site; CREATE INDEX items_site ON items(site_id)", "items_site"},
	    {"DROP INDEX events_subject", "events_subject"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_reg_tamper(&f->reg, cases[i].sql);
		wam_verify_report r = verify(f);
		assert_finding(r, "schema_changed", 0);
		assert_string_equal(r.table, cases[i].name);
		/* a fresh copy of the registry for the next case */
		test_reg_destroy(&f->reg);
		free(f);
		assert_int_equal(setup(state), 0);
		f = *state;
		assert_true(verify(f).intact);
	}
}

/* A destruction.closed event without two current confirmations by
 * distinct verifiers in the events is refused by the projector: replay and
 * rebuild of such a ledger fail. */
static void test_ledger_close_without_confirmations_is_refused(void **state)
{
	fx *f = *state;
	json_t *opened = json_pack("{s:s, s:s, s:s}", "method", "CUT", "site", "Central Armoury", "date", "2026-01-01");
	json_t *person = json_pack("{s:s, s:s, s:s}", "role", "verifier", "name", "Ann", "user_id", "01ANN");
	json_t *confirm = json_pack("{s:s, s:s}", "user_id", "01ANN", "name", "Ann");
	json_t *close = json_pack("{s:s, s:[{s:s}]}", "certificate", "CERT-1", "confirmed_by", "name", "Ann");
	json_t *legacy = json_pack("{s:s}", "certificate", "CERT-1");
	assert_int_equal(wam_db_begin(f->reg.db), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.opened", "01BATCH", opened, NULL), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.person_added", "01BATCH", person, NULL), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.confirmed", "01BATCH", confirm, NULL), 0);
	/* the same verifier twice is still one */
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.confirmed", "01BATCH", confirm, NULL), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.closed", "01BATCH", close, NULL), WAM_EINTEGRITY);
	assert_non_null(strstr(wam_error_last()->message, "two distinct verifiers"));
	wam_db_rollback(f->reg.db);
	/* a closing recorded before verifiers confirmed for themselves (no
	 * confirmed_by) is replayed under the rule of its time */
	assert_int_equal(wam_db_begin(f->reg.db), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.opened", "01BATCH", opened, NULL), 0);
	assert_int_equal(wam_ledger_append(f->reg.db, "destruction.closed", "01BATCH", legacy, NULL), 0);
	wam_db_rollback(f->reg.db);
	json_decref(legacy);
	json_decref(opened);
	json_decref(person);
	json_decref(confirm);
	json_decref(close);
}

static void test_ledger_changed_reference_row_is_refdata_changed(void **state)
{
	fx *f = *state;
	test_reg_tamper(&f->reg, "UPDATE ref_country SET name='Nowhere' WHERE code='HT'");
	wam_verify_report r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "refdata_changed");
	assert_string_equal(r.table, "ref_country");
}

static void test_ledger_receipt_catches_a_cut_off_tail(void **state)
{
	fx *f = *state;
	json_t *receipt = NULL;
	assert_int_equal(wam_ledger_head_receipt(f->reg.db, &receipt), 0);
	assert_string_equal(json_string_value(json_object_get(receipt, "format")), "wam-head/1");
	assert_int_equal(json_integer_value(json_object_get(receipt, "seq")), 6);
	wam_verify_report r = verify_expecting(f, NULL, receipt);
	assert_true(r.intact);
	assert_int_equal(r.head_seq, 6);
	/* the newest event and its checkpoint cut off: intact alone, not with the receipt */
	test_reg_tamper(&f->reg, "DELETE FROM events WHERE seq=6; DELETE FROM checkpoints WHERE seq=6");
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	assert_true(verify(f).intact);
	r = verify_expecting(f, NULL, receipt);
	assert_finding(r, "head_missing", 6);
	/* the registry goes on from there: event 6 is another one now */
	assert_int_equal(wam_registry_item_set_status(f->reg.db, NULL, f->b, "issued", NULL), 0);
	r = verify_expecting(f, NULL, receipt);
	assert_finding(r, "head_mismatch", 6);
	/* an altered receipt proves nothing */
	json_object_set_new(receipt, "seq", json_integer(5));
	r = verify_expecting(f, NULL, receipt);
	assert_false(r.intact);
	assert_string_equal(r.problem, "receipt_invalid");
	json_decref(receipt);
	/* and no receipt is signed over a tampered ledger */
	test_reg_tamper(&f->reg, "UPDATE events SET payload=replace(payload,'KA-1001','KA-1009') WHERE seq=3");
	assert_int_equal(wam_ledger_head_receipt(f->reg.db, &receipt), WAM_EINTEGRITY);
	assert_null(receipt);
}

/* ---- the projections ---- */

static void test_ledger_summary_counts_follow_the_events(void **state)
{
	fx *f = *state;
	json_t *s = NULL;
	assert_int_equal(wam_registry_summary(f->reg.db, &s), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "totals"), "items")), 3);
	json_t *by_status = json_object_get(s, "by_status");
	assert_int_equal(json_integer_value(json_object_get(by_status, "issued")), 1); /* moved out of its first count */
	json_int_t sum = 0;
	const char *k;
	json_t *v;
	json_object_foreach(by_status, k, v) sum += json_integer_value(v);
	assert_int_equal(sum, 3);
	json_t *by_country = json_object_get(s, "by_country");
	assert_int_equal(json_integer_value(json_object_get(by_country, "SUHH")), 1);
	assert_int_equal(json_integer_value(json_object_get(by_country, "CN")), 1);
	assert_int_equal(json_array_size(json_object_get(s, "recent")), 4); /* three registrations, one change */
	json_decref(s);
	/* the counts are a projection: a changed count is caught */
	test_reg_tamper(&f->reg, "UPDATE item_tally SET n = n + 5 WHERE status = 'issued'");
	wam_verify_report r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "projection_mismatch");
	assert_string_equal(r.table, "item_tally");
}

static void test_ledger_changed_item_row_is_projection_mismatch(void **state)
{
	fx *f = *state;
	int64_t last = item_last_seq(f, f->b);
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE items SET status='lost' WHERE id='%s'", f->b);
	test_reg_tamper(&f->reg, sql);
	wam_verify_report r = verify(f);
	assert_finding(r, "projection_mismatch", last);
	assert_string_equal(r.table, "items");
	assert_string_equal(r.record_id, f->b);
}

static void test_ledger_deleted_item_row_is_projection_mismatch(void **state)
{
	fx *f = *state;
	int64_t last = item_last_seq(f, f->a); /* 6: A's status change */
	assert_int_equal(last, 6);
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM items WHERE id='%s'", f->a);
	test_reg_tamper(&f->reg, sql);
	wam_verify_report r = verify(f);
	assert_finding(r, "projection_mismatch", last);
	assert_string_equal(r.table, "items");
	assert_string_equal(r.record_id, f->a);
}

static void test_ledger_inserted_marking_row_is_projection_mismatch(void **state)
{
	fx *f = *state;
	int64_t last = item_last_seq(f, f->c);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO markings VALUES('%s', 9, 'barrel', 'serial', '56-0000', 'latin', 'clear', 0, NULL)", f->c);
	test_reg_tamper(&f->reg, sql);
	wam_verify_report r = verify(f);
	assert_finding(r, "projection_mismatch", last);
	assert_string_equal(r.table, "markings");
	assert_string_equal(r.record_id, f->c);
}

/* ---- rebuild ---- */

static void test_ledger_rebuild_reproduces_projections(void **state)
{
	fx *f = *state;
	char *before = dump_projections(f->reg.db->conn);
	char *events_before = test_query_text(f->reg.db->conn, "SELECT count(*) || ':' || max(seq) FROM events");
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	char *after = dump_projections(f->reg.db->conn);
	char *events_after = test_query_text(f->reg.db->conn, "SELECT count(*) || ':' || max(seq) FROM events");
	assert_string_equal(before, after);
	assert_string_equal(events_before, events_after); /* rebuild appends no event */
	assert_non_null(strstr(after, "KA-1001"));
	free(before);
	free(after);
	free(events_before);
	free(events_after);
	wam_verify_report r = verify(f);
	assert_true(r.intact);
}

static void test_ledger_rebuild_repairs_tampered_projection(void **state)
{
	fx *f = *state;
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE items SET status='destroyed' WHERE id='%s'; DELETE FROM import_marks WHERE item_id='%s'", f->a,
	         f->a);
	test_reg_tamper(&f->reg, sql);
	assert_false(verify(f).intact);
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	wam_verify_report r = verify(f);
	if (!r.intact)
		fail_msg("still not intact after rebuild: %s: %s", r.problem, r.detail);
	json_t *item;
	assert_int_equal(wam_registry_item_get(f->reg.db, &item, f->a), 0);
	assert_string_equal(json_string_value(json_object_get(item, "status")), "issued");
	assert_int_equal(json_array_size(json_object_get(item, "import_marks")), 1);
	json_decref(item);
}

/* docs/ledger.md: opening a registry whose projection layout is older than
 * the program rebuilds the projections automatically. */
static void test_ledger_old_projection_version_rebuilt_on_open(void **state)
{
	fx *f = *state;
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE items SET status='lost' WHERE id='%s'; UPDATE meta SET value='0' WHERE key='projection_version'",
	         f->c);
	test_reg_tamper(&f->reg, sql); /* reopens */
	char *version = test_query_text(f->reg.db->conn, "SELECT value FROM meta WHERE key='projection_version'");
	assert_string_equal(version, WAM_PROJECTION_VERSION);
	free(version);
	json_t *item;
	assert_int_equal(wam_registry_item_get(f->reg.db, &item, f->c), 0);
	assert_string_equal(json_string_value(json_object_get(item, "status")), "in_store");
	json_decref(item);
	assert_true(verify(f).intact);
}

/* The registry.created projection must be the genesis event's own time, as
 * replay computes it, not the clock when the event was projected; otherwise
 * a new registry fails verify (projection_mismatch, table "registry", seq 1)
 * whenever the millisecond ticks in between — once about every ten `wam
 * init`s in an early build. To make the tick certain, an update hook
 * installed on every new connection pauses a few ms after each insert into
 * events. */
static void pause_after_event_insert(void *u, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
	(void)u;
	(void)op;
	(void)dbname;
	(void)rowid;
	if (!strcmp(table, "events"))
		usleep(3000);
}

static int install_pause(sqlite3 *conn, char **err, const struct sqlite3_api_routines *api)
{
	(void)err;
	(void)api;
	sqlite3_update_hook(conn, pause_after_event_insert, NULL);
	return SQLITE_OK;
}

static void test_ledger_new_registry_verifies_intact(void **state)
{
	(void)state;
	test_reg reg;
	wam_verify_report r;
	sqlite3_auto_extension((void (*)(void))install_pause);
	test_reg_create(&reg, "HT");
	sqlite3_reset_auto_extension();
	assert_int_equal(wam_ledger_verify(reg.db, 0, &r), 0);
	char *created = test_query_text(reg.db->conn, "SELECT created FROM registry");
	char *evtime = test_query_text(reg.db->conn, "SELECT time FROM events WHERE seq=1");
	test_reg_destroy(&reg);
	if (!r.intact)
		fail_msg("a new registry is not intact: %s at %lld (%s); registry.created=%s, genesis event "
		         "time=%s",
		         r.problem, (long long)r.first_bad_seq, r.detail, created, evtime);
	free(created);
	free(evtime);
}

/* docs/ledger.md: an event's canonical bytes are the JSON object
 * {actor,id,node,payload,seq,subject,time,type}, compact, keys sorted. */
static void test_ledger_event_bytes_are_canonical_json(void **state)
{
	(void)state;
	static const int64_t seqs[] = {1, 9, 10, 99, 100, 4096, 1234567890123LL};
	json_t *payload = json_loads("{\"serial\":\"БТ \\\"44\\\"\",\"year\":1975,\"lat\":18.54,\"ok\":true}", 0, NULL);
	assert_non_null(payload);
	char *canon = wam_canon(payload);
	wam_buf b = {0};
	char diff[1024] = "";
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		json_t *ev = json_pack("{s:s, s:s, s:s, s:O, s:I, s:s, s:s, s:s}", "actor", "cli:ana\tmaría", "id",
		                       "01HK153X0R7HWEHKV7BZKB5Y4G", "node", "01HK153X03JTVRXQDE1JP8SY90", "payload", payload,
		                       "seq", (json_int_t)seqs[i], "subject", "01HK153X0N0YW05XE5ZZJ9YWAQ", "time",
		                       "2026-11-26T04:13:58.123Z", "type", "item.registered");
		char *want = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		assert_int_equal(wam_event_bytes(&b, seqs[i], "01HK153X0R7HWEHKV7BZKB5Y4G", "01HK153X03JTVRXQDE1JP8SY90",
		                                 "2026-11-26T04:13:58.123Z", "cli:ana\tmaría", "item.registered",
		                                 "01HK153X0N0YW05XE5ZZJ9YWAQ", canon, strlen(canon)),
		                 0);
		size_t n = strlen(diff);
		if (strcmp(b.p, want) != 0)
			snprintf(diff + n, sizeof diff - n, "\n  wam:  %s\n  JSON: %s", b.p, want);
		free(want);
		json_decref(ev);
	}
	wam_buf_free(&b);
	free(canon);
	json_decref(payload);
	if (diff[0])
		fail_msg("event bytes are not the documented canonical JSON:%s", diff);
}

/* The hash covers canonical bytes, which an independent verifier must be
 * able to reproduce from the JSON alone; wam documents them as exactly
 * jansson's json_dumps(JSON_COMPACT | JSON_SORT_KEYS |
 * JSON_REAL_PRECISION(15)). */
static void test_ledger_canonical_bytes_equal_jansson(void **state)
{
	(void)state;
	static const char *const values[] = {
		"{\"b\":1,\"a\":{\"d\":[1,2,{\"z\":null,\"B\":true}],\"aa\":false},\"A\":-7}",
		"{\"text\":\"q\\\" b\\\\ n\\n t\\t c\\u0001 \\u001f d\\u007f / é ИЖ ١٢٣ ✓\"}",
		"[18.54, -72.335, 2.0, -0.0, 0.1, 1e300]",
		"{\"lat\":0.00001,\"lon\":-0.000012,\"big\":1e20}",
		NULL};
	char diff[2048] = "";
	for (int i = 0; values[i]; i++) {
		json_error_t err;
		json_t *v = json_loads(values[i], JSON_DECODE_ANY, &err);
		if (!v)
			fail_msg("bad test JSON %s: %s", values[i], err.text);
		char *ours = wam_canon(v);
		char *jansson = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
		size_t n = strlen(diff);
		if (strcmp(ours, jansson) != 0)
			snprintf(diff + n, sizeof diff - n, "\n  wam_canon: %s\n  jansson:   %s", ours, jansson);
		free(ours);
		free(jansson);
		json_decref(v);
	}
	if (diff[0])
		fail_msg("BUG-3: canonical bytes differ from jansson's:%s", diff);
}

/* ---- rooms plug in through their descriptors (docs/ledger.md) ---- */

/* The tables verify compares, drop and rebuild make again are the rooms'
 * (ledger/room.h), each named by one room: together exactly the tables
 * sql/projections.sql creates, none left out and none that does not exist. */
static void test_ledger_rooms_tables_are_the_projection_schema(void **state)
{
	(void)state;
	sqlite3 *conn;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(":memory:", &conn), SQLITE_OK);
	assert_int_equal(wam_projection_create(conn), 0);
	assert_int_equal(sqlite3_prepare_v2(conn,
	                                    "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE "
	                                    "'sqlite\\_%' ESCAPE '\\'",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int schema = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_true(schema > 30);
	int named = 0;
	for (int r = 0; wam_rooms[r]; r++) {
		assert_non_null(wam_rooms[r]->name);
		for (const struct wam_room_table *t = wam_rooms[r]->tables; t && t->name; t++, named++) {
			assert_int_equal(
			    sqlite3_prepare_v2(conn, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?",
			                       -1, &st, NULL),
			    SQLITE_OK);
			sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			if (sqlite3_column_int(st, 0) != 1)
				fail_msg("room %s names table %s, which sql/projections.sql does not create",
				         wam_rooms[r]->name, t->name);
			sqlite3_finalize(st);
			for (int q = 0; wam_rooms[q]; q++) /* no other room names it */
				for (const struct wam_room_table *u = wam_rooms[q]->tables; u && u->name; u++)
					if (u != t && !strcmp(u->name, t->name))
						fail_msg("table %s is named by rooms %s and %s", t->name,
						         wam_rooms[r]->name, wam_rooms[q]->name);
		}
	}
	assert_int_equal(named, schema); /* every table is some room's */
	/* dropping the rooms' tables leaves no projection table behind */
	assert_int_equal(wam_projection_drop(conn), 0);
	assert_int_equal(sqlite3_prepare_v2(conn, "SELECT count(*) FROM sqlite_master", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(conn);
}

/* Each event type goes to the room that declares it; a type no room
 * declares is refused by the projector, so replay and verify refuse it. */
static void test_ledger_event_of_no_room_is_refused(void **state)
{
	(void)state;
	static const struct {
		const char *type, *room;
	} owned[] = {{"registry.created", "registry"}, {"item.registered", "registry"},
	             {"export.proposed", "registry"},  {"user.added", "auth"},
	             {"token.revoked", "auth"},        {"record.read", "auth"},
	             {"lot.recorded", "stock"},        {"check.opened", "stock"},
	             {"destruction.closed", "stock"},  {"recovery.recorded", "collection"},
	             {"hit.found", "trace"},           {"peer.added", "trace"}};
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
		const struct wam_room *room = wam_room_of(owned[i].type);
		if (!room || strcmp(room->name, owned[i].room))
			fail_msg("%s goes to room %s, not %s", owned[i].type, room ? room->name : "(none)",
			         owned[i].room);
		assert_non_null(room->apply);
	}
	assert_null(wam_room_of("weather.reported"));
	assert_null(wam_room_of("items.registered"));
	/* every type of the catalogue goes to a room of this build that applies
	 * it, or is the ledger's own */
	for (size_t i = 0; i < wam_event_type_count; i++) {
		const wam_event_type *t = &wam_event_types[i];
		const struct wam_room *room = wam_room_of(t->type);
		if (strcmp(t->room, "ledger") && (!room || strcmp(room->name, t->room) || !room->apply))
			fail_msg("%s: the catalogue's room %s is not a room of this build", t->type, t->room);
	}

	sqlite3 *conn;
	assert_int_equal(sqlite3_open(":memory:", &conn), SQLITE_OK);
	assert_int_equal(wam_projection_create(conn), 0);
	struct projector *p = wam_projector_new(conn);
	assert_non_null(p);
	json_t *payload = json_object();
	assert_int_equal(wam_projector_apply(p, 7, "weather.reported", "x", payload, "2026-01-01T00:00:00.000Z"),
	                 WAM_EINTEGRITY);
	assert_string_equal(wam_error_last()->message, "event 7 has unknown type 'weather.reported'");
	/* the ledger's own record of the reference data shapes no table */
	assert_int_equal(wam_projector_apply(p, 8, "refdata.recorded", "refdata", payload, "2026-01-01T00:00:00.000Z"),
	                 0);
	json_decref(payload);
	wam_projector_free(p);
	sqlite3_close(conn);
}

/* The projection version is the rooms' versions summed: no number kept
 * apart from the rooms, and a registry made before this build (version 10)
 * is current. */
static void test_ledger_projection_version_is_the_rooms(void **state)
{
	(void)state;
	unsigned sum = 0;
	char want[16];
	for (int r = 0; wam_rooms[r]; r++)
		sum += wam_rooms[r]->version;
	snprintf(want, sizeof want, "%u", sum);
	assert_string_equal(wam_projection_version(), want);
	assert_true(sum >= 10);
}

/* Ids made one after the other sort in the order they were made, many to
 * a millisecond: a registry's order of registration is its ids' order. */
static void test_ledger_ids_sort_in_the_order_made(void **state)
{
	fx *f = *state;
	char prev[WAM_ID_LEN + 1] = "", id[WAM_ID_LEN + 1];
	for (int i = 0; i < 5000; i++) {
		wam_db_new_id(f->reg.db, id);
		assert_true(wam_is_ulid(id));
		assert_true(strcmp(prev, id) < 0);
		memcpy(prev, id, sizeof id);
	}
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ledger_intact_registry_verifies),
		T(test_ledger_ids_sort_in_the_order_made),
		T(test_ledger_one_record_proves_to_its_checkpoint),
		T(test_ledger_changed_payload_is_event_changed),
		T(test_ledger_deleted_middle_event_is_missing),
		T(test_ledger_deleted_last_event_is_missing),
		T(test_ledger_deleted_last_event_of_long_command_is_missing),
		T(test_ledger_appended_unsigned_event_is_unsigned_events),
		T(test_ledger_swapped_events_detected_at_lower_seq),
		T(test_ledger_rehashed_chain_is_checkpoint_invalid),
		T(test_ledger_row_before_genesis_is_event_inserted),
		T(test_ledger_replaced_public_key_is_key_mismatch),
		T(test_ledger_resigned_ledger_under_new_node_is_key_mismatch),
		T(test_ledger_missing_key_file_is_key_missing),
		T(test_ledger_other_registrys_key_file_is_key_mismatch),
		T(test_ledger_replaced_password_hash_is_credential_changed),
		T(test_ledger_deleted_credential_is_credential_missing),
		T(test_ledger_every_projection_table_is_compared),
		T(test_ledger_forged_confirmation_row_is_projection_mismatch),
		T(test_ledger_foreign_schema_object_is_schema_changed),
		T(test_ledger_close_without_confirmations_is_refused),
		T(test_ledger_changed_reference_row_is_refdata_changed),
		T(test_ledger_receipt_catches_a_cut_off_tail),
		T(test_ledger_summary_counts_follow_the_events),
		T(test_ledger_changed_item_row_is_projection_mismatch),
		T(test_ledger_deleted_item_row_is_projection_mismatch),
		T(test_ledger_inserted_marking_row_is_projection_mismatch),
		T(test_ledger_rebuild_reproduces_projections),
		T(test_ledger_rebuild_repairs_tampered_projection),
		T(test_ledger_old_projection_version_rebuilt_on_open),
		cmocka_unit_test(test_ledger_new_registry_verifies_intact),
		cmocka_unit_test(test_ledger_event_bytes_are_canonical_json),
		cmocka_unit_test(test_ledger_canonical_bytes_equal_jansson),
		cmocka_unit_test(test_ledger_rooms_tables_are_the_projection_schema),
		cmocka_unit_test(test_ledger_event_of_no_room_is_refused),
		cmocka_unit_test(test_ledger_projection_version_is_the_rooms),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
