/* Appending events and signing checkpoints.
 *
 * An event's hash covers the previous hash and the event's canonical bytes:
 * the JSON object {actor,id,node,payload,seq,subject,time,type} with keys in
 * that (sorted) order and the payload already canonical. Building those
 * bytes needs no JSON parser, so verification reads a million events a
 * second. The head (last seq and hash) is cached for the open transaction;
 * every event is applied to the projections in the same transaction. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "ledger/events.h"

enum { ST_HEAD = SLOT_LEDGER, ST_SIGNED, ST_INSERT, ST_CHECKPOINT };

/* ,"seq":N,"subject": without printf: this runs once per event in verify */
static int put_seq(wam_buf *b, int64_t seq)
{
	char d[24];
	int n = 0;
	uint64_t v = seq < 0 ? (uint64_t)(-seq) : (uint64_t)seq;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 20);
	if (seq < 0)
		d[n++] = '-';
	int rc = wam_buf_put(b, ",\"seq\":", 7);
	for (int i = n - 1; !rc && i >= 0; i--)
		rc = wam_buf_putc(b, d[i]);
	return rc ? rc : wam_buf_put(b, ",\"subject\":", 11);
}

int wam_event_bytes(wam_buf *b, int64_t seq, const char *id, const char *node, const char *time, const char *actor,
                    const char *type, const char *subject, const char *payload, size_t payload_len)
{
	int rc;
	wam_buf_reset(b);
	if ((rc = wam_buf_puts(b, "{\"actor\":")) || (rc = wam_buf_put_json_string(b, actor, strlen(actor))) ||
	    (rc = wam_buf_puts(b, ",\"id\":")) || (rc = wam_buf_put_json_string(b, id, strlen(id))) ||
	    (rc = wam_buf_puts(b, ",\"node\":")) || (rc = wam_buf_put_json_string(b, node, strlen(node))) ||
	    (rc = wam_buf_puts(b, ",\"payload\":")) || (rc = wam_buf_put(b, payload, payload_len)) ||
	    (rc = put_seq(b, seq)) || (rc = wam_buf_put_json_string(b, subject, strlen(subject))) ||
	    (rc = wam_buf_puts(b, ",\"time\":")) || (rc = wam_buf_put_json_string(b, time, strlen(time))) ||
	    (rc = wam_buf_puts(b, ",\"type\":")) || (rc = wam_buf_put_json_string(b, type, strlen(type))) ||
	    (rc = wam_buf_putc(b, '}')))
		return rc;
	return 0;
}

static int load_head(wam_db *db)
{
	sqlite3_stmt *st = wam_stmt(db, ST_HEAD, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	if (!st)
		return WAM_EDB;
	db->head_seq = 0;
	memset(db->head_hash, 0, WAM_HASH_LEN);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		db->head_seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == WAM_HASH_LEN)
			memcpy(db->head_hash, sqlite3_column_blob(st, 1), WAM_HASH_LEN);
		sqlite3_reset(st);
	} else if (r != SQLITE_DONE) {
		return wam_sql_fail(db->conn, "read ledger head");
	}
	if (!(st = wam_stmt(db, ST_SIGNED, "SELECT coalesce(max(seq),0) FROM checkpoints")))
		return WAM_EDB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return wam_sql_fail(db->conn, "read checkpoints");
	db->signed_seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	db->head_loaded = true;
	return 0;
}

int wam_ledger_append(wam_db *db, const char *type, const char *subject, const json_t *payload, int64_t *seq_out)
{
	int rc;
	char id[WAM_ID_LEN + 1], now[WAM_TIME_LEN + 1];
	unsigned char hash[WAM_HASH_LEN];
	if (db->tx_depth <= 0)
		return wam_error_set(WAM_EDB, NULL, "event appended outside a command");
	if (wam_error_alloc_failures() != db->json_failures) /* the payload may lack a member */
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory while the event %s was built", type);
	/* only what the catalogue declares enters the ledger, in the shape it declares */
	const wam_event_type *declared = wam_event_type_find(type);
	if (!declared)
		return wam_error_set(WAM_EINTERNAL, "type",
		                     "event type '%.60s' is not declared in the event catalogue (src/events.json)",
		                     type ? type : "");
	if ((rc = wam_event_type_check(declared, payload)))
		return rc;
	if (!db->head_loaded && (rc = load_head(db)))
		return rc;
	if (!db->proj && !(db->proj = wam_projector_new(db->conn)))
		return WAM_ENOMEM;
	wam_buf_reset(&db->canon);
	if ((rc = wam_canon_buf(&db->canon, payload)))
		return rc;
	const char *canon = db->canon.p;
	int64_t seq = db->head_seq + 1;
	uint64_t ms = wam_now_ms();
	wam_ulid(id, ms, NULL);
	wam_time_iso(now, ms);
	size_t plen = db->canon.n;
	if ((rc = wam_event_bytes(&db->scratch, seq, id, db->node_id, now, db->actor, type, subject, canon, plen)))
		return rc;
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, WAM_HASH_LEN);
	crypto_generichash_update(&h, db->head_hash, WAM_HASH_LEN);
	crypto_generichash_update(&h, (const unsigned char *)db->scratch.p, db->scratch.n);
	crypto_generichash_final(&h, hash, WAM_HASH_LEN);

	sqlite3_stmt *st = wam_stmt(db, ST_INSERT,
	                            "INSERT INTO events(seq,id,node,time,actor,type,subject,payload,prev_hash,hash)"
	                            " VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, WAM_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, db->node_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, db->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, canon, (int)plen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, db->head_hash, WAM_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, hash, WAM_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return wam_sql_fail(db->conn, "append event");
	if ((rc = wam_projector_apply(db->proj, seq, type, subject, payload, now)))
		return rc;
	db->head_seq = seq;
	memcpy(db->head_hash, hash, WAM_HASH_LEN);
	if (seq_out)
		*seq_out = seq;
	/* long commands sign as they go, so a tampered range stays small */
	if (seq - db->signed_seq >= WAM_CHECKPOINT_EVERY)
		return wam_ledger_checkpoint(db);
	return 0;
}

/* The signed message: a domain tag, the node, the seq (big-endian) and the
 * hash; the same bytes are rebuilt by verify. */
void wam_checkpoint_message(unsigned char msg[WAM_CHECKPOINT_MSG_LEN], const char *node, int64_t seq,
                            const unsigned char hash[WAM_HASH_LEN])
{
	memcpy(msg, "wam-checkpoint-v1", 18); /* includes the NUL */
	memcpy(msg + 18, node, WAM_ID_LEN);
	for (int i = 0; i < 8; i++)
		msg[18 + WAM_ID_LEN + i] = (unsigned char)((uint64_t)seq >> (8 * (7 - i)));
	memcpy(msg + 18 + WAM_ID_LEN + 8, hash, WAM_HASH_LEN);
}

int wam_ledger_checkpoint(wam_db *db)
{
	int rc;
	if (!db->head_loaded || db->head_seq <= db->signed_seq)
		return 0;
	if (!db->have_key && (rc = wam_key_load(db)))
		return rc;
	unsigned char msg[WAM_CHECKPOINT_MSG_LEN], sig[crypto_sign_BYTES];
	wam_checkpoint_message(msg, db->node_id, db->head_seq, db->head_hash);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, db->sk);
	char now[WAM_TIME_LEN + 1];
	wam_time_iso(now, wam_now_ms());
	sqlite3_stmt *st =
	    wam_stmt(db, ST_CHECKPOINT, "INSERT INTO checkpoints(seq,hash,node,time,signature) VALUES(?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, db->head_seq);
	sqlite3_bind_blob(st, 2, db->head_hash, WAM_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, db->node_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, sig, sizeof sig, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return wam_sql_fail(db->conn, "sign checkpoint");
	db->signed_seq = db->head_seq;
	return 0;
}

/* ---- the node key file: "<db>.key", mode 0600 ---- */

static void key_path(const wam_db *db, char *out, size_t cap)
{
	snprintf(out, cap, "%s.key", db->path);
}

int wam_key_create(wam_db *db)
{
	char path[4096], pkhex[65], skhex[129];
	key_path(db, path, sizeof path);
	crypto_sign_keypair(db->pk, db->sk);
	db->have_key = true;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return wam_error_set(WAM_EIO, "key", "cannot create the node key %s", path);
	wam_hex(pkhex, db->pk, 32);
	wam_hex(skhex, db->sk, 64);
	char text[512];
	int n =
	    snprintf(text, sizeof text, "wam-node-key v1\nnode %s\npublic %s\nsecret %s\n", db->node_id, pkhex, skhex);
	sodium_memzero(skhex, sizeof skhex);
	ssize_t w = write(fd, text, (size_t)n);
	sodium_memzero(text, sizeof text);
	if (w != n || fsync(fd) != 0) {
		close(fd);
		return wam_error_set(WAM_EIO, "key", "cannot write the node key %s", path);
	}
	close(fd);
	return 0;
}

/* Reads the key file: the public key, and the secret key when `sk` is not
 * NULL. WAM_ENOTFOUND when there is no key file, WAM_EINTEGRITY when it is
 * another node's or its halves disagree, WAM_EIO when it cannot be read. */
static int key_read(const wam_db *db, unsigned char pk[32], unsigned char sk[64])
{
	char path[4096], line[256], node[64] = "", pkhex[80] = "", skhex[160] = "";
	unsigned char secret[64];
	key_path(db, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? wam_error_set(WAM_ENOTFOUND, "key", "there is no node key file %s", path)
		                       : wam_error_set(WAM_EIO, "key", "cannot read the node key %s", path);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "node ", 5))
			sscanf(line + 5, "%63s", node);
		else if (!strncmp(line, "public ", 7))
			sscanf(line + 7, "%79s", pkhex);
		else if (!strncmp(line, "secret ", 7))
			sscanf(line + 7, "%159s", skhex);
		sodium_memzero(line, sizeof line);
	}
	fclose(f);
	int rc = 0;
	if (strcmp(node, db->node_id) != 0)
		rc = wam_error_set(WAM_EINTEGRITY, "key", "%s is the key of node %.30s, not of this registry's node %s",
		                   path, node, db->node_id);
	else if (wam_unhex(pk, 32, pkhex) || (sk && wam_unhex(secret, 64, skhex)))
		rc = wam_error_set(WAM_EINTEGRITY, "key", "%s is not a readable node key", path);
	else if (sk && sodium_memcmp(secret + 32, pk, 32) != 0)
		rc = wam_error_set(WAM_EINTEGRITY, "key", "%s holds a secret key that is not its public key's", path);
	else if (sk)
		memcpy(sk, secret, 64);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(skhex, sizeof skhex);
	return rc;
}

int wam_key_load(wam_db *db)
{
	int rc = key_read(db, db->pk, db->sk);
	if (rc == WAM_ENOTFOUND) { /* signing without the key file: the file is what is missing */
		wam_error saved = *wam_error_last();
		saved.code = WAM_EIO;
		snprintf(saved.field, sizeof saved.field, "key");
		rc = wam_error_restore(&saved);
	}
	if (rc)
		return rc;
	db->have_key = true;
	return 0;
}

/* Public key from the key file: the anchor verify pins the registry to. */
int wam_key_public(const wam_db *db, unsigned char pk[32])
{
	return key_read(db, pk, NULL);
}

/* ---- reading the ledger ---- */

static json_t *event_json(sqlite3_stmt *st)
{
	char prev[65], hash[65];
	wam_hex(prev, sqlite3_column_blob(st, 8), (size_t)sqlite3_column_bytes(st, 8) == 32 ? 32 : 0);
	wam_hex(hash, sqlite3_column_blob(st, 9), (size_t)sqlite3_column_bytes(st, 9) == 32 ? 32 : 0);
	json_t *payload = json_loads(wam_col_text(st, 7), JSON_DECODE_ANY, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "seq",
	                 (json_int_t)sqlite3_column_int64(st, 0), "id", wam_col_text(st, 1), "node",
	                 wam_col_text(st, 2), "time", wam_col_text(st, 3), "actor", wam_col_text(st, 4), "type",
	                 wam_col_text(st, 5), "subject", wam_col_text(st, 6), "payload",
	                 payload ? payload : json_null(), "prev_hash", prev, "hash", hash);
}

int wam_ledger_events(wam_db *db, const char *subject, int64_t after_seq, int limit, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		*out = NULL;
		return wam_confine_national(db, "the raw events");
	}
	const char *cols = "SELECT seq,id,node,time,actor,type,subject,payload,prev_hash,hash FROM events";
	char sql[512];
	snprintf(sql, sizeof sql, "%s WHERE seq>?1 %s ORDER BY seq LIMIT ?3", cols, subject ? "AND subject=?2" : "");
	sqlite3_stmt *st;
	*out = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read events");
	sqlite3_bind_int64(st, 1, after_seq);
	if (subject)
		sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	json_t *arr = json_array();
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, event_json(st));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		json_decref(arr);
		return wam_sql_fail(db->conn, "read events");
	}
	*out = arr;
	return 0;
}

int wam_ledger_head(wam_db *db, int64_t *seq, char head_hex[65])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return wam_sql_fail(db->conn, "read ledger head");
	*seq = 0;
	head_hex[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			wam_hex(head_hex, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	return 0;
}

int wam_ledger_append_commit(wam_db *db, json_t **out, const char *type, const char *id, const json_t *payload,
                             int (*get)(wam_db *db, json_t **out, const char *id))
{
	int rc = wam_ledger_append(db, type, id, payload, NULL);
	if (!rc)
		rc = wam_db_commit(db);
	else
		wam_db_rollback(db);
	if (!rc && out)
		rc = get(db, out, id);
	return rc;
}
