/* Proving a registry: the hash chain, the signed checkpoints, and that every
 * projection row is what the events say.
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

static void bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	if (!r->intact)
		return; /* keep the first finding */
	r->intact = 0;
	r->first_bad_seq = seq;
	snprintf(r->problem, sizeof r->problem, "%s", problem);
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
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

/* The node's public key from the database, cross-checked with the key file
 * when it is readable (an attacker who rewrites the database cannot also
 * make the key file agree without the secret key). */
static int node_key(wam_db *db, wam_verify_report *r, unsigned char pk[32])
{
	sqlite3_stmt *st;
	int rc = 0;
	if (sqlite3_prepare_v2(db->conn, "SELECT public_key FROM nodes WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read node key");
	sqlite3_bind_text(st, 1, db->node_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || wam_unhex(pk, 32, wam_col_text(st, 0)) != 0)
		bad(r, "key_mismatch", 1, "the node's public key is missing from the registry");
	sqlite3_finalize(st);
	wam_hex(r->public_key, pk, 32);
	unsigned char file_pk[32];
	if (wam_key_public(db, file_pk) == 0 && sodium_memcmp(file_pk, pk, 32) != 0)
		bad(r, "key_mismatch", 1, "the public key in the registry differs from the node key file");
	wam_error_clear();
	return rc;
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

static int verify_chain(wam_db *db, wam_verify_report *r)
{
	int rc = 0;
	chain_state cs = {.expect = 1, .node = db->node_id};
	batch bt[2] = {{0}, {0}};
	wam_buf one = {0};
	sqlite3_stmt *st = NULL;
	int cur = 0;
	bool hashing = false, eof = false;
	pthread_t worker;

	if ((rc = node_key(db, r, cs.pk)) || (rc = load_checkpoints(db, &cs.cps, &cs.ncp)))
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

/* Tables compared, with the column naming the record and an expression for
 * the event that last shaped it. */
static const struct {
	const char *table, *id, *seq;
} compared[] = {
	{"registry", "node_id", "d.last_seq"},
	{"sites", "id", "d.last_seq"},
	{"holders", "id", "d.last_seq"},
	{"items", "id", "d.last_seq"},
	{"markings", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
	{"import_marks", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
	{"users", "id", "d.last_seq"},
	{"tokens", "id", "d.last_seq"},
	/* counts: a differing row names its dimensions, dated by the last item event */
	{"item_tally", "status || ' ' || category || ' ' || marking_status || ' ' || country || ' ' || site_id",
	 "(SELECT max(last_seq) FROM main.items)"},
	{"lots", "id", "d.last_seq"},          /* stock: ammunition lots */
	{"custody", "id", "d.last_seq"},       /* stock: custody of weapons */
	{"custody_rules", "site_id", "d.last_seq"},
	{"recoveries", "id", "d.last_seq"}, /* collection: recoveries and their lists */
	{"recovery_items", "recovery_id", "(SELECT last_seq FROM main.recoveries r WHERE r.id=d.recovery_id)"},
	{"recovery_handovers", "recovery_id", "d.seq"},
	{"recovery_photos", "recovery_id", "d.seq"},
	{"collection_tasks", "id", "d.last_seq"},
	{"destructions", "id", "d.last_seq"}, /* stock: destruction batches */
	{"destruction_items", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
	{"destruction_people", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
	{"destruction_checks", "destruction_id", "d.seq"},
	{"destruction_lots", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
	/* stock checks; expected weapons and reads dated by their check */
	{"stock_checks", "id", "d.last_seq"},
	{"stock_check_expected", "check_id || ' ' || ref", "(SELECT last_seq FROM main.stock_checks c WHERE c.id=d.check_id)"},
	{"stock_check_reads", "check_id || ' ' || key", "d.seq"},
	{"stock_investigations", "id", "d.last_seq"},
	{"loss_reports", "id", "d.seq"}, /* trace: loss reports, hits, origins, requests, peers */
	{"hits", "id", "d.last_seq"},
	{"item_origins", "item_id", "d.seq"},
	{"trace_requests", "id", "d.last_seq"},
	{"trace_responses", "request_id || ' ' || n", "d.seq"},
	{"peers", "node_id", "max(d.seq, coalesce(d.revoked_seq, 0))"},
};

static int compare_table(sqlite3 *conn, wam_verify_report *r, size_t t, int64_t *best_seq)
{
	char sql[1024];
	for (int dir = 0; dir < 2; dir++) {
		const char *a = dir ? "main" : "reg", *bdb = dir ? "reg" : "main";
		snprintf(sql, sizeof sql,
		         "SELECT d.%s, coalesce(%s, 0) FROM (SELECT * FROM %s.%s EXCEPT SELECT * FROM %s.%s) d "
		         "ORDER BY 2 LIMIT 1",
		         compared[t].id, compared[t].seq, a, compared[t].table, bdb, compared[t].table);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
			return wam_sql_fail(conn, "compare projections");
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t seq = sqlite3_column_int64(st, 1);
			if (*best_seq == 0 || seq < *best_seq) {
				*best_seq = seq;
				snprintf(r->table, sizeof r->table, "%s", compared[t].table);
				snprintf(r->record_id, sizeof r->record_id, "%s", wam_col_text(st, 0));
				snprintf(r->detail, sizeof r->detail,
				         "%s row %s %s what the events say (last shaped by event %lld)", compared[t].table,
				         wam_col_text(st, 0), dir ? "is missing or differs from" : "differs from",
				         (long long)seq);
			}
		}
		sqlite3_finalize(st);
	}
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
		char *q = sqlite3_mprintf("file:%s?mode=ro", db->path);
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
	for (size_t t = 0; t < sizeof compared / sizeof compared[0]; t++) {
		if ((rc = compare_table(tmp, r, t, &best)))
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

int wam_ledger_verify(wam_db *db, unsigned flags, wam_verify_report *out)
{
	int rc;
	memset(out, 0, sizeof *out);
	out->intact = 1;
	double t0 = now_s();
	/* one read transaction: a consistent snapshot for both passes */
	if ((rc = wam_sql_exec(db->conn, "BEGIN")))
		return rc;
	rc = verify_chain(db, out);
	out->chain_seconds = now_s() - t0;
	if (!rc && out->intact && !(flags & WAM_VERIFY_CHAIN_ONLY)) {
		t0 = now_s();
		rc = verify_projections(db, out);
		out->projection_seconds = now_s() - t0;
	}
	sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int wam_ledger_rebuild(wam_db *db)
{
	int rc;
	struct projector *p = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	/* the cached statements and projector point at tables being dropped */
	for (int i = 0; i < SLOT_MAX; i++) {
		sqlite3_finalize(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	wam_projector_free(db->proj);
	db->proj = NULL;
	wam_match_forget(db);
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
	return wam_db_commit(db);
fail:
	wam_projector_free(p);
	wam_db_rollback(db);
	return rc;
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
	wam_verify_report r = {.intact = 1};
	unsigned char pk[32];
	sqlite3_stmt *st = NULL;
	int rc;
	int64_t n = 0, first = 0, last = 0, signed_to = 0, head = 0;
	*out = NULL;
	if ((rc = node_key(db, &r, pk)) || (rc = wam_ledger_head(db, &head, r.detail)))
		return rc;
	r.detail[0] = '\0';
	if (sqlite3_prepare_v2(db->conn, "SELECT seq FROM events WHERE subject=? ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger");
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	while (!rc && r.intact && sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		if (!n++)
			first = seq;
		last = seq;
		if (seq <= signed_to)
			continue; /* proved by the range walked for an earlier event */
		rc = prove_range(db, pk, seq, &signed_to, &r);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!n)
		return wam_error_set(WAM_ENOTFOUND, "id", "no event is about '%.40s'", subject);
	json_t *o = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I}", "id", subject, "intact", r.intact, "events",
	                      (json_int_t)n, "first_seq", (json_int_t)first, "last_seq", (json_int_t)last, "head_seq",
	                      (json_int_t)head, "signed_seq", (json_int_t)signed_to);
	if (!r.intact) {
		json_object_set_new(o, "problem", json_string(r.problem));
		json_object_set_new(o, "detail", json_string(r.detail));
		json_object_set_new(o, "first_bad_seq", json_integer(r.first_bad_seq));
	}
	*out = o;
	return 0;
}
