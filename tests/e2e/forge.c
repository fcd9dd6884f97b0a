/* forge: what an attacker who can write a registry's database (but not read
 * its key file) does to make a rewritten ledger look intact, for
 * tests/e2e/tamper.sh. Built by meson, never installed.
 *
 *   forge DB rehash   recompute every event's prev_hash and hash from its
 *                     row as it is now (after the SQL that changed it)
 *   forge DB resign   make a new node id and Ed25519 key, make them the
 *                     registry's (meta node_id, nodes) and re-sign every
 *                     checkpoint with them; writes the new key to DB.forged
 *   forge DB sign DOC sign the JSON document DOC (without its "signature")
 *                     with DB's real key file, as a wam that did not write
 *                     some field would have: prints the signed document
 *
 * It uses the ledger's own canonical bytes (wam_event_bytes), so the forgery
 * is exact: only a trust anchor outside the database can tell. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int die(sqlite3 *conn, const char *what)
{
	fprintf(stderr, "forge: %s: %s\n", what, conn ? sqlite3_errmsg(conn) : "failed");
	return 1;
}

static int rehash(sqlite3 *conn)
{
	sqlite3_stmt *st, *up;
	unsigned char prev[WAM_HASH_LEN] = {0}, h[WAM_HASH_LEN];
	wam_buf b = {0};
	if (sqlite3_prepare_v2(conn, "SELECT seq,id,node,time,actor,type,subject,payload FROM events ORDER BY seq", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(conn, "UPDATE events SET prev_hash=?, hash=? WHERE seq=?", -1, &up, NULL) != SQLITE_OK)
		return die(conn, "prepare");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		if (wam_event_bytes(&b, seq, wam_col_text(st, 1), wam_col_text(st, 2), wam_col_text(st, 3),
		                    wam_col_text(st, 4), wam_col_text(st, 5), wam_col_text(st, 6), wam_col_text(st, 7),
		                    (size_t)sqlite3_column_bytes(st, 7)))
			return die(NULL, "event bytes");
		crypto_generichash_state hs;
		crypto_generichash_init(&hs, NULL, 0, WAM_HASH_LEN);
		crypto_generichash_update(&hs, prev, WAM_HASH_LEN);
		crypto_generichash_update(&hs, (const unsigned char *)b.p, b.n);
		crypto_generichash_final(&hs, h, WAM_HASH_LEN);
		sqlite3_reset(up);
		sqlite3_bind_blob(up, 1, prev, WAM_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob(up, 2, h, WAM_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, seq);
		if (sqlite3_step(up) != SQLITE_DONE)
			return die(conn, "update event");
		memcpy(prev, h, WAM_HASH_LEN);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	wam_buf_free(&b);
	/* each checkpoint now names its event's new hash (signatures are resign's job) */
	if (sqlite3_exec(conn, "UPDATE checkpoints SET hash=(SELECT hash FROM events e WHERE e.seq=checkpoints.seq)",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return die(conn, "update checkpoints");
	return 0;
}

static int resign(sqlite3 *conn, const char *db_path)
{
	unsigned char pk[32], sk[64], sig[64], msg[WAM_CHECKPOINT_MSG_LEN];
	char node[WAM_ID_LEN + 1], pkhex[65], path[4096];
	sqlite3_stmt *st, *up;
	crypto_sign_keypair(pk, sk);
	wam_ulid(node, wam_now_ms(), NULL);
	wam_hex(pkhex, pk, 32);
	char *sql = sqlite3_mprintf("UPDATE meta SET value=%Q WHERE key='node_id';"
	                            "INSERT INTO nodes VALUES(%Q,%Q,'2026-01-01T00:00:00.000Z');",
	                            node, node, pkhex);
	int bad = sqlite3_exec(conn, sql, NULL, NULL, NULL) != SQLITE_OK;
	sqlite3_free(sql);
	if (bad)
		return die(conn, "new node");
	if (sqlite3_prepare_v2(conn, "SELECT seq, hash FROM checkpoints ORDER BY seq", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(conn, "UPDATE checkpoints SET node=?, signature=? WHERE seq=?", -1, &up, NULL) !=
	        SQLITE_OK)
		return die(conn, "prepare");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		wam_checkpoint_message(msg, node, seq, sqlite3_column_blob(st, 1));
		crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, node, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(up, 2, sig, sizeof sig, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, seq);
		if (sqlite3_step(up) != SQLITE_DONE)
			return die(conn, "sign checkpoint");
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	/* the forger's own key file, in the format wam reads */
	char skhex[129];
	wam_hex(skhex, sk, 64);
	snprintf(path, sizeof path, "%s.forged", db_path);
	FILE *f = fopen(path, "w");
	if (!f)
		return die(NULL, "write the forged key");
	fprintf(f, "wam-node-key v1\nnode %s\npublic %s\nsecret %s\n", node, pkhex, skhex);
	fclose(f);
	return 0;
}

/* Signs a document as an exchange document is signed: Ed25519 over the
 * canonical JSON without "signature" (docs/formats/trace-request.md). */
static int sign_document(const char *db_path, const char *doc_path)
{
	char path[4096], line[256], skhex[160] = "", sighex[129];
	unsigned char sk[64], sig[64];
	json_error_t err;
	snprintf(path, sizeof path, "%s.key", db_path);
	FILE *f = fopen(path, "r");
	if (!f)
		return die(NULL, "read the key file");
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "secret ", 7))
			sscanf(line + 7, "%159s", skhex);
	fclose(f);
	json_t *doc = json_load_file(doc_path, 0, &err);
	if (!doc || wam_unhex(sk, sizeof sk, skhex))
		return die(NULL, "read the document or the key");
	json_object_del(doc, "signature");
	char *canon = wam_canon(doc);
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), sk);
	free(canon);
	wam_hex(sighex, sig, sizeof sig);
	json_object_set_new(doc, "signature", json_string(sighex));
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	return 0;
}

int main(int argc, char **argv)
{
	sqlite3 *conn = NULL;
	if (argc == 4 && !strcmp(argv[2], "sign"))
		return sodium_init() < 0 ? 1 : sign_document(argv[1], argv[3]);
	if (argc != 3 || (strcmp(argv[2], "rehash") && strcmp(argv[2], "resign"))) {
		fprintf(stderr, "usage: forge DB rehash|resign, forge DB sign DOC\n");
		return 2;
	}
	if (sodium_init() < 0 || sqlite3_open(argv[1], &conn) != SQLITE_OK)
		return die(conn, "open");
	sqlite3_exec(conn, "BEGIN", NULL, NULL, NULL);
	int rc = !strcmp(argv[2], "rehash") ? rehash(conn) : resign(conn, argv[1]);
	sqlite3_exec(conn, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	sqlite3_close(conn);
	return rc;
}
