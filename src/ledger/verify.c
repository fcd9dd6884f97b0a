/* Proving a registry: the hash chain, the signed checkpoints, the reference
 * data and credentials beside the ledger, and that every projection row is
 * what the events say.
 *
 * Trust starts outside the database: the key every checkpoint is checked
 * with is pinned by the key file (or given by the caller), never read from
 * the database alone, which an attacker who can write it could fill with a
 * node and key of their own. A receipt of the head (wam head), kept
 * elsewhere, tells a ledger whose newest events were cut off.
 *
 * The chain pass streams events in seq order, rebuilds each event's
 * canonical bytes from its columns and recomputes the hash; it stops at the
 * first wrong sequence number. Checkpoints are loaded first (there are few)
 * and checked as the stream passes them. The projection pass replays the
 * events into a private temporary database with the same code that built the
 * live projections, then compares table by table with EXCEPT in both
 * directions. Rebuild is the same replay, into the live tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <sodium.h>

#include "internal.h"
#include "ledger/room.h"
#include "store/migrate.h"

typedef struct checkpoint {
	int64_t seq;
	unsigned char hash[WAM_HASH_LEN];
	unsigned char sig[64];
	char node[WAM_ID_LEN + 1];
	bool sig_ok_shape;
} checkpoint;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void vbad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void vbad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, va_list ap)
{
	if (!r->intact)
		return; /* keep the first finding */
	r->intact = 0;
	r->first_bad_seq = seq;
	snprintf(r->problem, sizeof r->problem, "%s", problem);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
}

static void bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vbad(r, problem, seq, fmt, ap);
	va_end(ap);
}

void wam_verify_bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vbad(r, problem, seq, fmt, ap);
	va_end(ap);
}

static int load_checkpoints(wam_db *db, checkpoint **out, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db->conn, "SELECT seq, hash, signature, node FROM checkpoints ORDER BY seq", -1, &st,
	                       NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read checkpoints");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			checkpoint *p = realloc(*out, cap * sizeof *p);
			if (!p) {
				sqlite3_finalize(st);
				return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			}
			*out = p;
		}
		checkpoint *c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		c->seq = sqlite3_column_int64(st, 0);
		c->sig_ok_shape = sqlite3_column_bytes(st, 1) == WAM_HASH_LEN && sqlite3_column_bytes(st, 2) == 64;
		if (c->sig_ok_shape) {
			memcpy(c->hash, sqlite3_column_blob(st, 1), WAM_HASH_LEN);
			memcpy(c->sig, sqlite3_column_blob(st, 2), 64);
		}
		snprintf(c->node, sizeof c->node, "%s", wam_col_text(st, 3));
	}
	sqlite3_finalize(st);
	return 0;
}

/* The key verify trusts, pinned outside the database: the caller's
 * `expect_key` (hex), or else the key file beside the registry, which must
 * exist, name this registry's node and hold the public key the registry
 * records for it. An attacker who can rewrite the database (and re-sign
 * every checkpoint under a node and key of their own) can make neither
 * agree. Problems (key_missing, key_mismatch) go to `r`; returns negative
 * only when `expect_key` is not a key (WAM_EINVAL) or the database cannot be
 * read. */
static int pin_key(wam_db *db, wam_verify_report *r, const char *expect_key, unsigned char pk[32])
{
	sqlite3_stmt *st;
	unsigned char recorded[32];
	bool have_recorded = false;
	memset(pk, 0, 32);
	if (expect_key) {
		if (strlen(expect_key) != 64 || wam_unhex(pk, 32, expect_key))
			return wam_error_set(WAM_EINVAL, "expect_key",
			                     "the expected key '%.70s' is not an Ed25519 public key (64 hex digits)", expect_key);
		snprintf(r->key_source, sizeof r->key_source, "expect_key");
	} else {
		int k = wam_key_public(db, pk);
		snprintf(r->key_source, sizeof r->key_source, "key_file");
		if (k == WAM_ENOTFOUND) {
			bad(r, "key_missing", 1,
			    "%s: the registry's key cannot be pinned, so nothing it holds is proven (give the key with "
			    "--expect-key)",
			    wam_error_last()->message);
			wam_error_clear();
			return 0;
		}
		if (k) {
			bad(r, "key_mismatch", 1, "%s", wam_error_last()->message);
			wam_error_clear();
			return 0;
		}
	}
	wam_hex(r->public_key, pk, 32);
	if (sqlite3_prepare_v2(db->conn, "SELECT public_key FROM nodes WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read node key");
	sqlite3_bind_text(st, 1, db->node_id, -1, SQLITE_STATIC);
	have_recorded = sqlite3_step(st) == SQLITE_ROW && wam_unhex(recorded, 32, wam_col_text(st, 0)) == 0;
	sqlite3_finalize(st);
	if (!have_recorded)
		bad(r, "key_mismatch", 1, "the registry records no public key for its node %s", db->node_id);
	else if (sodium_memcmp(recorded, pk, 32) != 0)
		bad(r, "key_mismatch", 1,
		    "the registry's node %s has a public key other than the one pinned by %s: its checkpoints were not "
		    "signed by this registry's key",
		    db->node_id, expect_key ? "--expect-key" : "the key file");
	return 0;
}

/* The chain pass reads events in batches. While a worker thread hashes one
 * batch, the main thread reads and encodes the next; each event's hash is
 * checked against its own stored prev_hash (so hashing is parallel), and the
 * links between events, the sequence numbers and the checkpoints are then
 * checked in order, so the first bad sequence number is still the one
 * reported. */
#define BATCH 8192

typedef struct chain_event {
	int64_t seq;
	size_t off, len;
	bool malformed;
	unsigned char prev[WAM_HASH_LEN], hash[WAM_HASH_LEN], computed[WAM_HASH_LEN];
} chain_event;

typedef struct batch {
	chain_event *ev;
	size_t n;
	wam_buf bytes;
	int rc;
} batch;

static void *hash_batch(void *arg)
{
	batch *bt = arg;
	for (size_t i = 0; i < bt->n; i++) {
		chain_event *e = &bt->ev[i];
		if (e->malformed)
			continue;
		crypto_generichash_state hs;
		crypto_generichash_init(&hs, NULL, 0, WAM_HASH_LEN);
		crypto_generichash_update(&hs, e->prev, WAM_HASH_LEN);
		crypto_generichash_update(&hs, (const unsigned char *)bt->bytes.p + e->off, e->len);
		crypto_generichash_final(&hs, e->computed, WAM_HASH_LEN);
	}
	return NULL;
}

/* Reads up to BATCH events into `bt`. Returns 0 at the end of the ledger, 1
 * when events were read, negative on error. */
static int fill_batch(sqlite3_stmt *st, batch *bt, wam_buf *one, bool *eof)
{
	bt->n = 0;
	wam_buf_reset(&bt->bytes);
	while (bt->n < BATCH && !*eof) {
		int step = sqlite3_step(st); /* never again after DONE: it would start over */
		if (step == SQLITE_DONE) {
			*eof = true;
			break;
		}
		if (step != SQLITE_ROW)
			return wam_sql_fail(sqlite3_db_handle(st), "read events");
		chain_event *e = &bt->ev[bt->n++];
		e->seq = sqlite3_column_int64(st, 0);
		e->malformed = sqlite3_column_bytes(st, 8) != WAM_HASH_LEN || sqlite3_column_bytes(st, 9) != WAM_HASH_LEN;
		if (e->malformed)
			continue;
		memcpy(e->prev, sqlite3_column_blob(st, 8), WAM_HASH_LEN);
		memcpy(e->hash, sqlite3_column_blob(st, 9), WAM_HASH_LEN);
		const char *payload = (const char *)sqlite3_column_text(st, 7);
		size_t plen = (size_t)sqlite3_column_bytes(st, 7);
		int rc = wam_event_bytes(one, e->seq, wam_col_text(st, 1), wam_col_text(st, 2), wam_col_text(st, 3),
		                         wam_col_text(st, 4), wam_col_text(st, 5), wam_col_text(st, 6),
		                         payload ? payload : "", plen);
		if (rc)
			return rc;
		e->off = bt->bytes.n;
		e->len = one->n;
		if ((rc = wam_buf_put(&bt->bytes, one->p, one->n)))
			return rc;
	}
	return bt->n > 0;
}

typedef struct chain_state {
	int64_t expect, last_good_cp;
	unsigned char running[WAM_HASH_LEN];
	checkpoint *cps;
	size_t ncp, ci;
	unsigned char pk[32];
	const char *node;
} chain_state;

/* The in-order checks of one hashed batch. Stops at the first problem. */
static void check_batch(chain_state *cs, const batch *bt, wam_verify_report *r)
{
	for (size_t i = 0; i < bt->n && r->intact; i++) {
		const chain_event *e = &bt->ev[i];
		int64_t seq = e->seq;
		r->events++;
		if (seq < cs->expect) {
			bad(r, "event_inserted", seq, "event %lld is out of sequence (expected %lld)", (long long)seq,
			    (long long)cs->expect);
			return;
		}
		if (seq > cs->expect) {
			bad(r, "event_missing", cs->expect, "event %lld is missing: the ledger jumps from %lld to %lld",
			    (long long)cs->expect, (long long)cs->expect - 1, (long long)seq);
			return;
		}
		if (e->malformed) {
			bad(r, "event_changed", seq, "event %lld has a malformed hash", (long long)seq);
			return;
		}
		if (memcmp(e->computed, e->hash, WAM_HASH_LEN) != 0) {
			bad(r, "event_changed", seq, "event %lld was changed: its content does not match its hash",
			    (long long)seq);
			return;
		}
		if (memcmp(e->prev, cs->running, WAM_HASH_LEN) != 0) {
			bad(r, "events_reordered", seq,
			    "event %lld is intact but does not follow event %lld: events were inserted, removed or reordered",
			    (long long)seq, (long long)seq - 1);
			return;
		}
		memcpy(cs->running, e->hash, WAM_HASH_LEN);
		while (cs->ci < cs->ncp && cs->cps[cs->ci].seq < seq)
			cs->ci++; /* a checkpoint on a missing seq is caught by the gap check */
		if (cs->ci < cs->ncp && cs->cps[cs->ci].seq == seq) {
			unsigned char msg[WAM_CHECKPOINT_MSG_LEN];
			const checkpoint *c = &cs->cps[cs->ci++];
			wam_checkpoint_message(msg, c->node, seq, c->hash);
			if (!c->sig_ok_shape || memcmp(c->hash, e->hash, WAM_HASH_LEN) != 0 || strcmp(c->node, cs->node) != 0 ||
			    crypto_sign_verify_detached(c->sig, msg, sizeof msg, cs->pk) != 0) {
				bad(r, "checkpoint_invalid", cs->last_good_cp + 1,
				    "the signed checkpoint at event %lld does not match the ledger: events %lld to %lld were "
				    "rewritten",
				    (long long)seq, (long long)cs->last_good_cp + 1, (long long)seq);
				return;
			}
			r->checkpoints++;
			cs->last_good_cp = seq;
		}
		cs->expect = seq + 1;
	}
}

static int verify_chain(wam_db *db, const char *expect_key, wam_verify_report *r)
{
	int rc = 0;
	chain_state cs = {.expect = 1, .node = db->node_id};
	batch bt[2] = {{0}, {0}};
	wam_buf one = {0};
	sqlite3_stmt *st = NULL;
	int cur = 0;
	bool hashing = false, eof = false;
	pthread_t worker;

	if ((rc = pin_key(db, r, expect_key, cs.pk)) || !r->intact || (rc = load_checkpoints(db, &cs.cps, &cs.ncp)))
		goto done;
	for (int k = 0; k < 2; k++)
		if (!(bt[k].ev = malloc(BATCH * sizeof *bt[k].ev))) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			goto done;
		}
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT seq,id,node,time,actor,type,subject,payload,prev_hash,hash FROM events ORDER BY seq",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "read events");
		goto done;
	}
	for (;;) {
		int got = fill_batch(st, &bt[cur], &one, &eof);
		if (got < 0) {
			rc = got;
			break;
		}
		if (hashing) { /* the other batch has been hashing meanwhile */
			pthread_join(worker, NULL);
			hashing = false;
			check_batch(&cs, &bt[1 - cur], r);
			if (!r->intact)
				break;
		}
		if (!got)
			break;
		if (pthread_create(&worker, NULL, hash_batch, &bt[cur]) == 0)
			hashing = true;
		else
			hash_batch(&bt[cur]); /* no thread: hash here, check on the next turn */
		if (!hashing) {
			check_batch(&cs, &bt[cur], r);
			if (!r->intact)
				break;
		}
		cur = 1 - cur;
	}
	if (hashing)
		pthread_join(worker, NULL);
	if (rc)
		goto done;
	if (r->intact && cs.ncp > 0 && cs.cps[cs.ncp - 1].seq > cs.expect - 1)
		bad(r, "event_missing", cs.expect,
		    "a signed checkpoint covers event %lld but the ledger ends at %lld: events were removed",
		    (long long)cs.cps[cs.ncp - 1].seq, (long long)cs.expect - 1);
	if (r->intact && cs.expect - 1 > cs.last_good_cp)
		bad(r, "unsigned_events", cs.last_good_cp + 1,
		    "events %lld to %lld are not covered by a signed checkpoint: they were added behind wam's back",
		    (long long)cs.last_good_cp + 1, (long long)cs.expect - 1);
done:
	sqlite3_finalize(st);
	free(cs.cps);
	for (int k = 0; k < 2; k++) {
		free(bt[k].ev);
		wam_buf_free(&bt[k].bytes);
	}
	wam_buf_free(&one);
	return rc;
}

/* Every table of the projection schema is compared: the list is read from
 * the replay database's sqlite_master, so no table sql/projections.sql
 * makes escapes. The rooms name their tables (ledger/room.h), and for some
 * say which column names a record and which expression gives the event that
 * last shaped it; any other table is named by its first column and dated by
 * its last_seq or seq column (compared_how). */

/* The table of a room named `table`; NULL when no room names it. */
static const struct wam_room_table *compared_at(const char *table)
{
	for (int r = 0; wam_rooms[r]; r++)
		for (const struct wam_room_table *t = wam_rooms[r]->tables; t && t->name; t++)
			if (!strcmp(t->name, table))
				return t;
	return NULL;
}

/* How table `table` of the replay database `conn` is compared: `*id` names
 * a record, `*seq` dates it (an expression over the differing row d). */
static int compared_how(sqlite3 *conn, const char *table, char *id, size_t idn, char *seq, size_t seqn)
{
	sqlite3_stmt *st;
	const struct wam_room_table *t = compared_at(table);
	if (t && t->id && t->seq) {
		snprintf(id, idn, "d.%s", t->id);
		snprintf(seq, seqn, "%s", t->seq);
		return 0;
	}
	if (sqlite3_prepare_v2(conn,
	                       "SELECT (SELECT name FROM pragma_table_info(?1) ORDER BY cid LIMIT 1), "
	                       "(SELECT name FROM pragma_table_info(?1) WHERE name IN ('last_seq','seq') ORDER BY "
	                       "name='seq' LIMIT 1)",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(conn, "read the projection schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_TEXT) {
		sqlite3_finalize(st);
		return wam_error_set(WAM_EDB, "table", "projection table %s has no columns", table);
	}
	snprintf(id, idn, "d.\"%s\"", wam_col_text(st, 0));
	if (sqlite3_column_type(st, 1) == SQLITE_TEXT)
		snprintf(seq, seqn, "d.\"%s\"", wam_col_text(st, 1));
	else
		snprintf(seq, seqn, "0");
	sqlite3_finalize(st);
	return 0;
}

static int compare_table(sqlite3 *conn, wam_verify_report *r, const char *table, int64_t *best_seq)
{
	char sql[1024], id[192], seqx[192];
	int rc;
	if ((rc = compared_how(conn, table, id, sizeof id, seqx, sizeof seqx)))
		return rc;
	for (int dir = 0; dir < 2; dir++) {
		const char *a = dir ? "main" : "reg", *bdb = dir ? "reg" : "main";
		snprintf(sql, sizeof sql,
		         "SELECT %s, coalesce(%s, 0) FROM (SELECT * FROM %s.\"%s\" EXCEPT SELECT * FROM %s.\"%s\") d "
		         "ORDER BY 2 LIMIT 1",
		         id, seqx, a, table, bdb, table);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
			return wam_sql_fail(conn, "compare projections");
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t seq = sqlite3_column_int64(st, 1);
			if (*best_seq == 0 || seq < *best_seq) {
				*best_seq = seq;
				snprintf(r->table, sizeof r->table, "%s", table);
				snprintf(r->record_id, sizeof r->record_id, "%s", wam_col_text(st, 0));
				snprintf(r->detail, sizeof r->detail,
				         "%s row %s %s what the events say (last shaped by event %lld)", table,
				         wam_col_text(st, 0), dir ? "is missing or differs from" : "differs from",
				         (long long)seq);
			}
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* Whether the registry attached as reg has projection table `table`; one
 * it lacks (a room's table a later migration adds, the registry not yet
 * migrated) counts as present when the events fill it, so that a missing
 * table the events need is reported, not skipped. */
static int in_registry(sqlite3 *tmp, const char *table, bool *present)
{
	sqlite3_stmt *st;
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT EXISTS(SELECT 1 FROM reg.sqlite_master WHERE type='table' AND name=?1)"
	         " OR EXISTS(SELECT 1 FROM main.\"%s\")",
	         table);
	if (sqlite3_prepare_v2(tmp, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(tmp, "read the projection schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	*present = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int verify_projections(wam_db *db, wam_verify_report *r)
{
	sqlite3 *tmp = NULL;
	struct projector *p = NULL;
	int rc;
	/* "" is a private temporary database that spills to disk when large */
	if (sqlite3_open_v2("", &tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) !=
	    SQLITE_OK) {
		rc = wam_error_set(WAM_EDB, NULL, "cannot open a scratch database");
		goto done;
	}
	if ((rc = wam_sql_exec(tmp, "PRAGMA cache_size=-262144; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	                            "BEGIN")) ||
	    (rc = wam_projection_create(tmp)))
		goto done;
	if (!(p = wam_projector_new(tmp))) {
		rc = WAM_ENOMEM;
		goto done;
	}
	if ((rc = wam_projector_replay(p, db->conn, NULL, NULL))) {
		if (rc == WAM_EINTEGRITY) {
			bad(r, "projection_mismatch", 0, "%s", wam_error_last()->message);
			rc = 0;
		}
		goto done;
	}
	{
		sqlite3_stmt *st;
		char *q = wam_db_reader_uri(db->path);
		if (sqlite3_prepare_v2(tmp, "ATTACH ? AS reg", -1, &st, NULL) != SQLITE_OK) {
			sqlite3_free(q);
			rc = wam_sql_fail(tmp, "attach registry");
			goto done;
		}
		sqlite3_bind_text(st, 1, q, -1, sqlite3_free);
		int s = sqlite3_step(st);
		sqlite3_finalize(st);
		if (s != SQLITE_DONE) {
			rc = wam_sql_fail(tmp, "attach registry");
			goto done;
		}
	}
	int64_t best = 0;
	char detail[512] = "";
	{ /* every table the projection schema makes, none forgotten: the
	   * rooms' first, in their order (a tie goes to the first), then any
	   * no room names */
		sqlite3_stmt *tables;
		if (sqlite3_prepare_v2(
		        tmp,
		        "SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' "
		        "ESCAPE '\\' ORDER BY name",
		        -1, &tables, NULL) != SQLITE_OK) {
			rc = wam_sql_fail(tmp, "read the projection schema");
			goto done;
		}
		for (int k = 0; !rc && wam_rooms[k]; k++)
			for (const struct wam_room_table *t = wam_rooms[k]->tables; !rc && t && t->name; t++) {
				bool present = false;
				sqlite3_reset(tables);
				while (!present && sqlite3_step(tables) == SQLITE_ROW)
					present = !strcmp(wam_col_text(tables, 0), t->name);
				if (present && (rc = in_registry(tmp, t->name, &present)))
					break;
				if (present)
					rc = compare_table(tmp, r, t->name, &best);
			}
		sqlite3_reset(tables);
		while (!rc && sqlite3_step(tables) == SQLITE_ROW) {
			const char *name = wam_col_text(tables, 0);
			if (!compared_at(name))
				rc = compare_table(tmp, r, name, &best);
		}
		sqlite3_finalize(tables);
		if (rc)
			goto done;
	}
	if (r->table[0]) {
		snprintf(detail, sizeof detail, "%s", r->detail);
		r->detail[0] = '\0';
		bad(r, "projection_mismatch", best, "%s", detail);
	}
done:
	wam_projector_free(p);
	if (tmp)
		sqlite3_close(tmp);
	return rc;
}

/* ---- the schema: nothing but what wam creates ---- */

/* `sql` without its -- comments and with each run of white space made one
 * space, so a comment edited in the schema files does not count as a change.
 * NULL when out of memory; the caller frees it. */
static char *schema_text(const char *sql)
{
	size_t n = strlen(sql), o = 0;
	char *out = malloc(n + 1), quote = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '-' && sql[i + 1] == '-') {
			while (i < n && sql[i] != '\n')
				i++;
			c = ' ';
		}
		if (!quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

/* Whether `a` and `b` (either may be NULL) are the same statement. */
static int same_schema_text(const char *a, const char *b, bool *same)
{
	*same = !a == !b;
	if (!a || !b)
		return 0;
	char *x = schema_text(a), *y = schema_text(b);
	if (!x || !y) {
		free(x);
		free(y);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	*same = strcmp(x, y) == 0;
	free(x);
	free(y);
	return 0;
}

/* The registry's schema must be the one wam creates (sql/migrations/ and
 * sql/projections.sql): an extra trigger (one that adds a confirmation row
 * after each insert), view, table or index, a missing one, or one whose SQL
 * differs is schema_changed. Compared by type, name and SQL text (comments
 * and spacing aside); the credentials table by type and name only, since
 * its text depends on whether migration 3 added its seal columns by ALTER
 * TABLE or the registry was made with them before migrations existed. */
static int verify_schema(wam_db *db, wam_verify_report *r)
{
	static const char *const q = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
	                             "ESCAPE '\\' ORDER BY type, name";
	sqlite3 *ref = NULL;
	sqlite3_stmt *st = NULL, *find = NULL;
	int rc = 0, version = 0;
	/* a registry read before the write that migrates it may lack an index
	 * a later migration adds (0005): an index changes no answer, only its
	 * speed, so that is not a changed schema */
	if ((rc = wam_schema_version(&version, db->conn, db->path)))
		return rc;
	bool unmigrated = version < wam_schema_latest();
	if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = wam_error_set(WAM_EDB, NULL, "cannot open a scratch database");
		goto done;
	}
	if ((rc = wam_projection_create(ref)) || (rc = wam_schema_apply(ref, 0)))
		goto done;
	/* both ways: what the registry has that wam does not make, then what
	 * wam makes that the registry lacks */
	for (int dir = 0; dir < 2 && r->intact; dir++) {
		sqlite3 *from = dir ? ref : db->conn, *in = dir ? db->conn : ref;
		if (sqlite3_prepare_v2(from, q, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(in, "SELECT sql FROM sqlite_master WHERE type=? AND name=?", -1, &find, NULL) !=
		        SQLITE_OK) {
			rc = wam_sql_fail(dir ? ref : db->conn, "read the schema");
			goto done;
		}
		while (r->intact && sqlite3_step(st) == SQLITE_ROW) {
			const char *type = wam_col_text(st, 0), *name = wam_col_text(st, 1);
			const char *sql = (const char *)sqlite3_column_text(st, 2);
			sqlite3_reset(find);
			sqlite3_bind_text(find, 1, type, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(find, 2, name, -1, SQLITE_TRANSIENT);
			bool found = sqlite3_step(find) == SQLITE_ROW, same = true;
			if (found && strcmp(name, "credentials") != 0 &&
			    (rc = same_schema_text(sql, (const char *)sqlite3_column_text(find, 0), &same)))
				goto done;
			if (found && same)
				continue;
			/* nor the tables of a room a later migration adds (0006): it
			 * has no events of that room before the write that adds them */
			if (!found && dir && unmigrated && (!strcmp(type, "index") || !strcmp(type, "table")))
				continue;
			snprintf(r->table, sizeof r->table, "%s", name);
			if (!found && !dir)
				bad(r, "schema_changed", 0,
				    "the registry holds %s %s, which wam does not create: it was added behind wam's "
				    "back "
				    "(a trigger or view can change or hide what the events say)",
				    type, name);
			else if (!found)
				bad(r, "schema_changed", 0,
				    "the registry lacks %s %s, which wam creates: it was removed", type, name);
			else
				bad(r, "schema_changed", 0,
				    "%s %s is not defined as wam defines it: its SQL was changed behind wam's back",
				    type, name);
		}
		sqlite3_finalize(st);
		sqlite3_finalize(find);
		st = find = NULL;
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(find);
	if (ref)
		sqlite3_close(ref);
	return rc;
}

/* ---- what lies beside the ledger: reference data and credentials ---- */

/* The reference tables, hashed row by row in key order: each value as its
 * type letter and text, NUL-terminated, so no two tables' contents hash
 * alike by shifting a boundary. */
static const char *const ref_tables[] = {"ref_category", "ref_country", NULL};

int wam_refdata_digest(sqlite3 *conn, json_t **out)
{
	json_t *o = json_object();
	*out = NULL;
	for (int t = 0; ref_tables[t]; t++) {
		char sql[96];
		sqlite3_stmt *st;
		unsigned char h[WAM_HASH_LEN];
		char hex[65];
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", ref_tables[t]);
		if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK) {
			json_decref(o);
			return wam_sql_fail(conn, "read reference data");
		}
		crypto_generichash_state hs;
		crypto_generichash_init(&hs, NULL, 0, WAM_HASH_LEN);
		int ncol = sqlite3_column_count(st), step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			for (int c = 0; c < ncol; c++) {
				unsigned char tag = sqlite3_column_type(st, c) == SQLITE_NULL ? 'n' : 't';
				crypto_generichash_update(&hs, &tag, 1);
				crypto_generichash_update(&hs, (const unsigned char *)wam_col_text(st, c),
				                          strlen(wam_col_text(st, c)) + 1);
			}
		sqlite3_finalize(st);
		if (step != SQLITE_DONE) {
			json_decref(o);
			return wam_sql_fail(conn, "read reference data");
		}
		crypto_generichash_final(&hs, h, WAM_HASH_LEN);
		wam_hex(hex, h, WAM_HASH_LEN);
		json_object_set_new(o, ref_tables[t], json_string(hex));
	}
	*out = o;
	return 0;
}

/* The reference data as the ledger recorded it: the latest refdata.recorded
 * event (a registry made before it was recorded, sealed by `wam rebuild`),
 * else the genesis event's "refdata". NULL in `*out` when neither has it. */
static int recorded_refdata(wam_db *db, json_t **out)
{
	static const char *const where[] = {
	    "SELECT payload FROM events WHERE subject='refdata' AND type='refdata.recorded' ORDER BY seq DESC LIMIT 1",
	    "SELECT json_extract(payload,'$.refdata') FROM events WHERE seq=1 AND type='registry.created'", NULL};
	*out = NULL;
	for (int i = 0; where[i] && !*out; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db->conn, where[i], -1, &st, NULL) != SQLITE_OK)
			return wam_sql_fail(db->conn, "read the recorded reference data");
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
			*out = json_loads(wam_col_text(st, 0), 0, NULL);
		sqlite3_finalize(st);
	}
	return 0;
}

static int verify_refdata(wam_db *db, wam_verify_report *r)
{
	json_t *rec = NULL, *now = NULL;
	int rc;
	if ((rc = recorded_refdata(db, &rec)) || (rc = wam_refdata_digest(db->conn, &now)))
		goto done;
	if (!rec) {
		bad(r, "refdata_unrecorded", 0,
		    "the reference data (countries, categories) is not recorded in the ledger: the registry was made "
		    "before it was; run `wam rebuild` once to record it");
		goto done;
	}
	for (int t = 0; ref_tables[t]; t++) {
		const char *want = json_string_value(json_object_get(rec, ref_tables[t]));
		if (!want || strcmp(want, json_string_value(json_object_get(now, ref_tables[t])))) {
			snprintf(r->table, sizeof r->table, "%s", ref_tables[t]);
			bad(r, "refdata_changed", 0,
			    "reference table %s is not what the ledger recorded: a row was changed, added or removed",
			    ref_tables[t]);
			goto done;
		}
	}
	r->refdata_checked = 1;
done:
	json_decref(rec);
	json_decref(now);
	return rc;
}

/* ---- receipts of the head ---- */

#define RECEIPT_FORMAT "wam-head/1"

/* The canonical bytes a receipt's signature covers: the receipt without its
 * "signature". NULL when out of memory. */
static char *receipt_bytes(const json_t *receipt)
{
	json_t *copy = json_copy((json_t *)receipt);
	if (!copy)
		return NULL;
	json_object_del(copy, "signature");
	char *canon = wam_canon(copy);
	json_decref(copy);
	return canon;
}

/* The receipt must be signed by the pinned key for this registry's node,
 * and the ledger must still hold its head: event `seq` with that hash. */
static int check_receipt(wam_db *db, const json_t *rc_doc, const unsigned char pk[32], wam_verify_report *r)
{
	const char *format = json_string_value(json_object_get(rc_doc, "format"));
	const char *node = json_string_value(json_object_get(rc_doc, "node_id"));
	const char *hash = json_string_value(json_object_get(rc_doc, "hash"));
	const char *sighex = json_string_value(json_object_get(rc_doc, "signature"));
	const char *when = json_string_value(json_object_get(rc_doc, "time"));
	const json_t *seqv = json_object_get(rc_doc, "seq");
	unsigned char sig[64], h[WAM_HASH_LEN];
	if (!format || strcmp(format, RECEIPT_FORMAT) || !node || !hash || !sighex || !json_is_integer(seqv) ||
	    json_integer_value(seqv) < 1 || strlen(hash) != 64 || wam_unhex(h, sizeof h, hash) ||
	    strlen(sighex) != 128 || wam_unhex(sig, sizeof sig, sighex))
		return wam_error_set(WAM_EINVAL, "expect_head",
		                     "the receipt is not a %s receipt {format, node_id, public_key, seq, hash, time, "
		                     "signature}",
		                     RECEIPT_FORMAT);
	int64_t seq = json_integer_value(seqv);
	r->head_seq = seq;
	char *canon = receipt_bytes(rc_doc);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int forged = crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon), pk);
	free(canon);
	if (forged || strcmp(node, db->node_id)) {
		bad(r, "receipt_invalid", 0,
		    "the receipt is not signed by this registry's pinned key for its node %s: it proves nothing about "
		    "this ledger",
		    db->node_id);
		return 0;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "SELECT hash, (SELECT max(seq) FROM events) FROM events WHERE seq=?", -1, &st,
	                       NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger head");
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) != SQLITE_ROW)
		bad(r, "head_missing", seq,
		    "the receipt signed at %s says the ledger held %lld events, and it holds %lld: the newest events "
		    "were cut off",
		    when ? when : "?", (long long)seq, (long long)r->events);
	else if (sqlite3_column_bytes(st, 0) != WAM_HASH_LEN || memcmp(sqlite3_column_blob(st, 0), h, WAM_HASH_LEN))
		bad(r, "head_mismatch", seq,
		    "event %lld is not the one the receipt signed at %s names: the ledger up to it was rewritten",
		    (long long)seq, when ? when : "?");
	sqlite3_finalize(st);
	return 0;
}

int wam_ledger_verify_with(wam_db *db, const wam_verify_opts *opts, wam_verify_report *out)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "verifying the ledger");
	int rc;
	unsigned flags = opts ? opts->flags : 0;
	const char *expect_key = opts ? opts->expect_key : NULL;
	unsigned long json_failures = wam_error_alloc_failures();
	memset(out, 0, sizeof *out);
	out->intact = 1;
	double t0 = now_s();
	/* one read transaction: a consistent snapshot for every pass */
	if ((rc = wam_sql_exec(db->conn, "BEGIN")))
		return rc;
	rc = verify_chain(db, expect_key, out);
	if (!rc && out->intact && opts && opts->expect_head) {
		unsigned char pk[32];
		wam_unhex(pk, 32, out->public_key);
		rc = check_receipt(db, opts->expect_head, pk, out);
	}
	out->chain_seconds = now_s() - t0;
	if (!rc && out->intact)
		rc = verify_schema(db, out);
	if (!rc && out->intact)
		rc = verify_refdata(db, out);
	/* what the rooms check beside the projections (the credentials' seals,
	 * which need the secret key: only the key file has it) */
	for (int k = 0; !rc && out->intact && wam_rooms[k]; k++)
		if (wam_rooms[k]->verify)
			rc = wam_rooms[k]->verify(db, out, !expect_key);
	if (!rc && out->intact && !(flags & WAM_VERIFY_CHAIN_ONLY)) {
		t0 = now_s();
		rc = verify_projections(db, out);
		out->projection_seconds = now_s() - t0;
	}
	sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
	/* a replay that lost a member to an out-of-memory proves nothing either way */
	if (!rc && wam_error_alloc_failures() != json_failures)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory while verifying; run verify again");
	return rc;
}

int wam_ledger_verify(wam_db *db, unsigned flags, wam_verify_report *out)
{
	wam_verify_opts o = {.flags = flags};
	return wam_ledger_verify_with(db, &o, out);
}

int wam_ledger_head_receipt(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "a receipt of the ledger head");
	}
	wam_verify_report r;
	wam_verify_opts o = {.flags = WAM_VERIFY_CHAIN_ONLY};
	int64_t seq;
	char hash[65], now[WAM_TIME_LEN + 1], sighex[129];
	unsigned char sig[crypto_sign_BYTES];
	int rc;
	*out = NULL;
	/* a receipt vouches for the ledger: never signed over a tampered one */
	if ((rc = wam_ledger_verify_with(db, &o, &r)))
		return rc;
	if (!r.intact)
		return wam_error_set(WAM_EINTEGRITY, NULL, "the ledger is not intact (%s at %lld: %s): no receipt is signed",
		                     r.problem, (long long)r.first_bad_seq, r.detail);
	if ((rc = wam_ledger_head(db, &seq, hash)))
		return rc;
	if (!db->have_key && (rc = wam_key_load(db)))
		return rc;
	wam_time_iso(now, wam_now_ms());
	json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "format", RECEIPT_FORMAT, "node_id", db->node_id,
	                        "public_key", r.public_key, "seq", (json_int_t)seq, "hash", hash, "time", now);
	char *canon = doc ? receipt_bytes(doc) : NULL;
	if (!canon) {
		json_decref(doc);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), db->sk);
	free(canon);
	wam_hex(sighex, sig, sizeof sig);
	json_object_set_new(doc, "signature", json_string(sighex));
	*out = doc;
	return 0;
}

/* The seals and records a registry made before they existed lacks, made
 * by an explicit `wam rebuild` once the chain is proven: the rooms' seals
 * (each unsealed credential sealed to the latest event that set it), and
 * the reference data recorded in a refdata.recorded event, and the
 * records the rooms' later rules make (backfill). Returns how many of each
 * in `*sealed`, `*recorded` and `*backfilled`. */
static int seal_missing(wam_db *db, int *sealed, int *recorded, int *backfilled)
{
	json_t *rec = NULL, *digest = NULL;
	int rc = 0;
	*sealed = *recorded = *backfilled = 0;
	for (int k = 0; wam_rooms[k]; k++) {
		int n = 0;
		if (wam_rooms[k]->seal && (rc = wam_rooms[k]->seal(db, &n)))
			goto done;
		*sealed += n;
	}
	for (int k = 0; wam_rooms[k]; k++) {
		int n = 0;
		if (wam_rooms[k]->backfill && (rc = wam_rooms[k]->backfill(db, &n)))
			goto done;
		*backfilled += n;
	}
	if ((rc = recorded_refdata(db, &rec)))
		goto done;
	if (!rec) {
		if ((rc = wam_refdata_digest(db->conn, &digest)) ||
		    (rc = wam_ledger_append(db, "refdata.recorded", "refdata", digest, NULL)))
			goto done;
		*recorded = 1;
	}
done:
	json_decref(rec);
	json_decref(digest);
	return rc;
}

/* Replays the events into fresh projections, after proving the chain
 * against the pinned key (the key file): a tampered ledger is refused, not
 * made to look intact. `migrate`: also seal what a registry made before
 * seals existed lacks (the explicit `wam rebuild`, never the automatic one
 * on open). */
static int rebuild(wam_db *db, bool migrate, int *sealed, int *recorded, int *backfilled)
{
	int rc;
	struct projector *p = NULL;
	wam_verify_report r;
	memset(&r, 0, sizeof r);
	r.intact = 1;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = verify_chain(db, NULL, &r)))
		goto fail;
	if (!r.intact) {
		rc = wam_error_set(WAM_EINTEGRITY, NULL,
		                   "the ledger is not intact (%s at sequence %lld: %s): rebuild refuses to recompute the "
		                   "projections from it",
		                   r.problem, (long long)r.first_bad_seq, r.detail);
		goto fail;
	}
	/* the cached statements and projector point at tables being dropped */
	for (int i = 0; i < SLOT_MAX; i++) {
		sqlite3_finalize(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	wam_projector_free(db->proj);
	db->proj = NULL;
	wam_rooms_rebuilt(db);
	if ((rc = wam_projection_drop(db->conn)) || (rc = wam_projection_create(db->conn)))
		goto fail;
	if (!(p = wam_projector_new(db->conn))) {
		rc = WAM_ENOMEM;
		goto fail;
	}
	if ((rc = wam_projector_replay(p, db->conn, NULL, NULL)))
		goto fail;
	{
		char sql[128];
		snprintf(sql, sizeof sql, "UPDATE meta SET value='%s' WHERE key='projection_version'",
		         WAM_PROJECTION_VERSION);
		if ((rc = wam_sql_exec(db->conn, sql)))
			goto fail;
	}
	wam_projector_free(p);
	p = NULL;
	if (migrate && (rc = seal_missing(db, sealed, recorded, backfilled)))
		goto fail;
	return wam_db_commit(db);
fail:
	wam_projector_free(p);
	wam_db_rollback(db);
	return rc;
}

int wam_ledger_rebuild_sealing(wam_db *db, int *sealed, int *recorded, int *backfilled)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "a rebuild");
	int s = 0, d = 0, b = 0;
	int rc = rebuild(db, true, &s, &d, &b);
	if (sealed)
		*sealed = s;
	if (recorded)
		*recorded = d;
	if (backfilled)
		*backfilled = b;
	return rc;
}

int wam_ledger_rebuild(wam_db *db)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "a rebuild");
	int s, d, b;
	return rebuild(db, false, &s, &d, &b);
}

/* ---- one record's proof ---- */

/* Walks the chain from event `from` to the first signed checkpoint at or
 * after it: every event's hash recomputed from its bytes, every link, and
 * the checkpoint's signature. Sets `*signed_at` to that checkpoint (0 if
 * the events are not signed yet). Problems go to `r`. */
static int prove_range(wam_db *db, const unsigned char pk[32], int64_t from, int64_t *signed_at,
                       wam_verify_report *r)
{
	sqlite3_stmt *cp = NULL, *ev = NULL;
	wam_buf one = {0};
	int rc = 0;
	*signed_at = 0;
	if (sqlite3_prepare_v2(db->conn, "SELECT seq, hash, signature, node FROM checkpoints WHERE seq >= ? ORDER BY seq LIMIT 1",
	                       -1, &cp, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn,
	                       "SELECT seq,id,node,time,actor,type,subject,payload,prev_hash,hash FROM events "
	                       "WHERE seq >= ? AND seq <= ? ORDER BY seq",
	                       -1, &ev, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "read the ledger");
		goto done;
	}
	sqlite3_bind_int64(cp, 1, from);
	if (sqlite3_step(cp) != SQLITE_ROW) {
		bad(r, "unsigned_events", from, "event %lld is not covered by a signed checkpoint yet", (long long)from);
		goto done;
	}
	int64_t to = sqlite3_column_int64(cp, 0);
	/* the link into the range: the hash of the event before it */
	unsigned char running[WAM_HASH_LEN] = {0};
	bool have_running = from == 1;
	sqlite3_bind_int64(ev, 1, from > 1 ? from - 1 : 1);
	sqlite3_bind_int64(ev, 2, to);
	int64_t expect = from > 1 ? from - 1 : 1;
	while (r->intact && sqlite3_step(ev) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(ev, 0);
		if (seq != expect) {
			bad(r, "event_missing", expect, "event %lld is missing", (long long)expect);
			break;
		}
		expect++;
		if (sqlite3_column_bytes(ev, 8) != WAM_HASH_LEN || sqlite3_column_bytes(ev, 9) != WAM_HASH_LEN) {
			bad(r, "event_changed", seq, "event %lld has a malformed hash", (long long)seq);
			break;
		}
		const unsigned char *prev = sqlite3_column_blob(ev, 8), *hash = sqlite3_column_blob(ev, 9);
		if (seq >= from) {
			const char *payload = (const char *)sqlite3_column_text(ev, 7);
			unsigned char computed[WAM_HASH_LEN];
			if ((rc = wam_event_bytes(&one, seq, wam_col_text(ev, 1), wam_col_text(ev, 2), wam_col_text(ev, 3),
			                          wam_col_text(ev, 4), wam_col_text(ev, 5), wam_col_text(ev, 6),
			                          payload ? payload : "", (size_t)sqlite3_column_bytes(ev, 7))))
				goto done;
			crypto_generichash_state hs;
			crypto_generichash_init(&hs, NULL, 0, WAM_HASH_LEN);
			crypto_generichash_update(&hs, prev, WAM_HASH_LEN);
			crypto_generichash_update(&hs, (const unsigned char *)one.p, one.n);
			crypto_generichash_final(&hs, computed, WAM_HASH_LEN);
			if (memcmp(computed, hash, WAM_HASH_LEN) != 0) {
				bad(r, "event_changed", seq, "event %lld was changed after it was recorded", (long long)seq);
				break;
			}
			if (have_running && memcmp(prev, running, WAM_HASH_LEN) != 0) {
				bad(r, "events_reordered", seq, "event %lld does not follow event %lld", (long long)seq,
				    (long long)seq - 1);
				break;
			}
		}
		memcpy(running, hash, WAM_HASH_LEN);
		have_running = true;
	}
	if (r->intact && expect != to + 1)
		bad(r, "event_missing", expect, "event %lld is missing", (long long)expect);
	if (r->intact) {
		unsigned char msg[WAM_CHECKPOINT_MSG_LEN];
		bool shape = sqlite3_column_bytes(cp, 1) == WAM_HASH_LEN && sqlite3_column_bytes(cp, 2) == 64 &&
		             strlen(wam_col_text(cp, 3)) == WAM_ID_LEN;
		if (shape)
			wam_checkpoint_message(msg, wam_col_text(cp, 3), to, sqlite3_column_blob(cp, 1));
		if (!shape || memcmp(sqlite3_column_blob(cp, 1), running, WAM_HASH_LEN) != 0 ||
		    strcmp(wam_col_text(cp, 3), db->node_id) != 0 ||
		    crypto_sign_verify_detached(sqlite3_column_blob(cp, 2), msg, sizeof msg, pk) != 0)
			bad(r, "checkpoint_invalid", from, "the signed checkpoint at event %lld does not match the ledger",
			    (long long)to);
		else
			*signed_at = to;
	}
done:
	sqlite3_finalize(cp);
	sqlite3_finalize(ev);
	wam_buf_free(&one);
	return rc;
}

int wam_ledger_prove(wam_db *db, json_t **out, const char *subject)
{
	return wam_ledger_prove_with(db, out, subject, NULL);
}

int wam_ledger_prove_with(wam_db *db, json_t **out, const char *subject, const char *expect_key)
{
	int confined_rc = wam_rooms_subject_visible(db, subject); /* a confined principal's records only */
	if (confined_rc) {
		*out = NULL;
		return confined_rc;
	}
	wam_verify_report r = {.intact = 1};
	unsigned char pk[32];
	sqlite3_stmt *st = NULL;
	int rc;
	int64_t n = 0, first = 0, last = 0, signed_to = 0, head = 0;
	char head_hex[65];
	*out = NULL;
	if ((rc = pin_key(db, &r, expect_key, pk)) || (rc = wam_ledger_head(db, &head, head_hex)))
		return rc;
	if (sqlite3_prepare_v2(db->conn, "SELECT seq FROM events WHERE subject=? ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger");
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		if (!n++)
			first = seq;
		last = seq;
		if (!r.intact || seq <= signed_to) /* after a problem (a key not pinned), only counted */
			continue; /* proved by the range walked for an earlier event */
		rc = prove_range(db, pk, seq, &signed_to, &r);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!n)
		return wam_error_set(WAM_ENOTFOUND, "id", "no event is about '%.40s'", subject);
	json_t *o = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:s, s:s}", "id", subject, "intact", r.intact,
	                      "events", (json_int_t)n, "first_seq", (json_int_t)first, "last_seq", (json_int_t)last,
	                      "head_seq", (json_int_t)head, "signed_seq", (json_int_t)signed_to, "public_key",
	                      r.public_key, "key_source", r.key_source);
	if (!r.intact) {
		json_object_set_new(o, "problem", json_string(r.problem));
		json_object_set_new(o, "detail", json_string(r.detail));
		json_object_set_new(o, "first_bad_seq", json_integer(r.first_bad_seq));
	}
	*out = o;
	return 0;
}
