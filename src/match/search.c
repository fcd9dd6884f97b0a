/* wam_match_search: from a serial as read to ranked candidates.
 *
 * The query is normalized like every stored serial. The index returns every
 * weapon within the allowed edits of the skeleton (none is missed); each is
 * then scored by the weighted distance on the canonical keys (OCR
 * confusions cheap, other edits full cost) and by agreement on make, model,
 * calibre and country. If nothing matches the whole serial, the query is
 * tried as a fragment. The index is built from the store (or loaded from
 * its file) on first use and caught up from the ledger before each search;
 * handles opened with wam_db_clone() share it. */
#include <float.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "match/index.h"
#include "match/match.h"
#include "store/field.h"
#include "wam/match.h"

int wam_match_default_k(size_t len)
{
	return len <= 4 ? 0 : len <= 7 ? 1 : 2;
}

/* ---- the index of a registry ---- */

static int index_row(wam_match_index *ix, sqlite3_stmt *st)
{
	char model[512], calibre[512];
	wam_match_name_key(model, sizeof model, wam_col_text(st, 4));
	wam_match_name_key(calibre, sizeof calibre, wam_col_text(st, 5));
	if (wam_match_index_add(ix, wam_col_text(st, 0), wam_col_text(st, 1), wam_col_text(st, 2), wam_col_text(st, 3),
	                        model, calibre, wam_col_text(st, 6)) < 0)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory building the serial index");
	return 0;
}

#define INDEX_COLUMNS "id, serial_key, serial_alt, make_key, model, calibre, country"

/* The ledger head: where a freshly built index stands. */
static int ledger_stamp(wam_db *db, wam_index_stamp *st)
{
	sqlite3_stmt *q;
	memset(st, 0, sizeof *st);
	snprintf(st->node, sizeof st->node, "%s", db->node_id);
	if (sqlite3_prepare_v2(db->conn, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1, &q, NULL) !=
	    SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger head");
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 1) == WAM_HASH_LEN) {
		st->seq = sqlite3_column_int64(q, 0);
		memcpy(st->hash, sqlite3_column_blob(q, 1), WAM_HASH_LEN);
	}
	sqlite3_finalize(q);
	return 0;
}

/* True when the ledger still holds, at the stamp's sequence, the event the
 * stamp names: the file was made from this registry's history. */
static bool stamp_holds(wam_db *db, const wam_index_stamp *st)
{
	sqlite3_stmt *q;
	bool ok = false;
	if (strcmp(st->node, db->node_id) != 0)
		return false;
	if (sqlite3_prepare_v2(db->conn, "SELECT hash FROM events WHERE seq=?", -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(q, 1, st->seq);
	ok = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) == WAM_HASH_LEN &&
	     !memcmp(sqlite3_column_blob(q, 0), st->hash, WAM_HASH_LEN);
	sqlite3_finalize(q);
	return ok || st->seq == 0;
}

/* Adds the weapons registered after `seq`; counts them in `*added`. */
static int catch_up(wam_db *db, wam_match_index *ix, int64_t seq, long *added)
{
	sqlite3_stmt *q;
	int rc = 0;
	*added = 0;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT i.id, i.serial_key, i.serial_alt, i.make_key, i.model, i.calibre, i.country "
	                       "FROM events e JOIN items i ON i.id = e.subject "
	                       "WHERE e.seq > ? AND e.type = 'item.registered' AND i.serial_key <> '' ORDER BY e.seq",
	                       -1, &q, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read new serials");
	sqlite3_bind_int64(q, 1, seq);
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		rc = index_row(ix, q);
		(*added)++;
	}
	sqlite3_finalize(q);
	return rc;
}

static int build(wam_db *db, wam_match_index **out)
{
	int rc = 0;
	wam_match_index *ix = wam_match_index_new();
	sqlite3_stmt *st;
	*out = NULL;
	if (!ix)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (sqlite3_prepare_v2(db->conn, "SELECT " INDEX_COLUMNS " FROM items WHERE serial_key <> ''", -1, &st, NULL) !=
	    SQLITE_OK) {
		wam_match_index_free(ix);
		return wam_sql_fail(db->conn, "read serials");
	}
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = index_row(ix, st);
	sqlite3_finalize(st);
	if (rc) {
		wam_match_index_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

#define SAVE_AFTER 1000 /* new weapons caught up before the file is rewritten */

/* The serial index that every handle on a registry opened with
 * wam_db_clone() shares. Searches read it side by side under the read lock;
 * bringing it up to the ledger head takes the write lock. Writers never add
 * to it: the next search catches up from the ledger, so the index holds only
 * committed weapons — except those of the catching-up handle's own open
 * transaction, which mark that handle dirty so its rollback drops the index
 * (no other handle can commit meanwhile: that handle holds the write lock). */
typedef struct wam_match_shared {
	pthread_rwlock_t lock;
	wam_match_index *ix;
	int64_t seq; /* the ledger position the index reflects */
	int refs;
} wam_match_shared;

extern const struct wam_room wam_room_match;

/* The match room's state of a handle: the index it shares, and whether the
 * index caught up inside the handle's open transaction. */
typedef struct match_handle {
	wam_match_shared *sh;
	bool dirty;
} match_handle;

/* The handle's state, made on first use; NULL when out of memory (error
 * set). */
static match_handle *handle_of(wam_db *db)
{
	void **state = wam_room_state(db, &wam_room_match);
	if (!state) {
		wam_error_set(WAM_EDB, NULL, "the match room is not listed in wam_rooms");
		return NULL;
	}
	if (!*state && !(*state = calloc(1, sizeof(match_handle))))
		wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return *state;
}

/* The handle's state if it has one, else NULL. */
static match_handle *handle_if(wam_db *db)
{
	void **state = wam_room_state(db, &wam_room_match);
	return state ? *state : NULL;
}

/* Makes `db` use the index of `from` (a new one when `from` has none). */
static int share(wam_db *db, wam_db *from)
{
	match_handle *mh = handle_of(db), *fh = from ? handle_of(from) : NULL;
	if (!mh || (from && !fh))
		return WAM_ENOMEM;
	wam_match_shared *sh = fh ? fh->sh : NULL;
	if (!sh) {
		pthread_rwlockattr_t a;
		if (!(sh = calloc(1, sizeof *sh)))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		pthread_rwlockattr_init(&a);
		/* a steady stream of searches must not starve a catch-up */
		pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&sh->lock, &a);
		pthread_rwlockattr_destroy(&a);
		if (fh)
			fh->sh = sh;
		sh->refs = fh ? 1 : 0;
	}
	__atomic_add_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL);
	mh->sh = sh;
	return 0;
}

/* A clone shares the index of the handle it is cloned from; a fresh
 * handle makes one on its first search. */
static int room_open(wam_db *db, wam_db *from)
{
	return from ? share(db, from) : 0;
}

/* Lets go of the index (the last handle frees it) and of the state. */
static void room_close(wam_db *db)
{
	void **state = wam_room_state(db, &wam_room_match);
	match_handle *mh = state ? *state : NULL;
	if (!mh)
		return;
	*state = NULL;
	wam_match_shared *sh = mh->sh;
	free(mh);
	if (!sh || __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	wam_match_index_free(sh->ix);
	pthread_rwlock_destroy(&sh->lock);
	free(sh);
}

/* Drops the loaded index (after a rebuild); the next search reloads it. */
static void forget(wam_db *db)
{
	match_handle *mh = handle_if(db);
	wam_match_shared *sh = mh ? mh->sh : NULL;
	if (!sh)
		return;
	pthread_rwlock_wrlock(&sh->lock);
	wam_match_index_free(sh->ix);
	sh->ix = NULL;
	sh->seq = 0;
	pthread_rwlock_unlock(&sh->lock);
	mh->dirty = false;
}

/* What the index caught up with is committed now. */
static void committed(wam_db *db)
{
	match_handle *mh = handle_if(db);
	if (mh)
		mh->dirty = false;
}

/* Drops the index if it may hold weapons of the transaction being undone. */
static void rolled_back(wam_db *db)
{
	match_handle *mh = handle_if(db);
	if (mh && mh->dirty)
		forget(db);
}

/* The matcher projects no event and owns no table: it reads the registry's
 * items and keeps its index beside the handles. */
const struct wam_room wam_room_match = {
    .name = "match",
    .open = room_open,
    .close = room_close,
    .commit = committed,
    .rollback = rolled_back,
    .rebuilt = forget,
};

/* The last sequence number this handle's connection sees. */
static int head_seq(wam_db *db, int64_t *seq)
{
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_match, 0, "SELECT max(seq) FROM events");
	if (!st)
		return WAM_EDB;
	*seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return 0;
}

/* Brings the shared index up to the ledger head, with the write lock held:
 * the file beside the database when it can be trusted (same node, same
 * history, same tables, intact) brought up to date from the ledger,
 * otherwise built from the items projection and saved. On failure the index
 * is dropped: a half caught-up one would miss weapons for good. */
static int refresh(wam_db *db, wam_match_shared *sh)
{
	int rc;
	char path[4200];
	wam_index_stamp st, head;
	long added = 0;
	snprintf(path, sizeof path, "%s.serials", db->path);
	bool own_tx = sqlite3_get_autocommit(db->conn);
	if (own_tx && (rc = wam_sql_exec(db->conn, "BEGIN"))) /* one snapshot for head, file check and catch-up */
		return rc;
	if ((rc = ledger_stamp(db, &head)))
		goto done;
	if (sh->ix && sh->seq >= head.seq)
		goto done; /* another handle got there first */
	if (sh->ix) {
		rc = catch_up(db, sh->ix, sh->seq, &added);
	} else if (wam_match_index_load(&sh->ix, path, &st) == 0 && stamp_holds(db, &st) && st.seq <= head.seq) {
		rc = catch_up(db, sh->ix, st.seq, &added);
	} else {
		wam_match_index_free(sh->ix); /* stale, foreign or damaged: never trusted */
		sh->ix = NULL;
		rc = build(db, &sh->ix);
		added = SAVE_AFTER;
	}
	if (rc)
		goto done;
	if (added >= SAVE_AFTER && db->tx_depth == 0)
		wam_match_index_save(sh->ix, path, &head); /* a cache: a read-only directory only costs speed */
	wam_error_clear();
	sh->seq = head.seq;
	if (db->tx_depth > 0)
		handle_if(db)->dirty = true; /* the index may hold this transaction's weapons */
done:
	if (own_tx)
		sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		wam_match_index_free(sh->ix);
		sh->ix = NULL;
	}
	return rc;
}

/* The registry's index, current up to what this handle sees, with the read
 * lock held: the caller releases it with put_index(). */
static int get_index(wam_db *db, wam_match_index **out)
{
	int rc;
	int64_t head;
	match_handle *mh = handle_of(db);
	if (!mh)
		return WAM_ENOMEM;
	if (!mh->sh && (rc = share(db, NULL)))
		return rc;
	wam_match_shared *sh = mh->sh;
	if ((rc = head_seq(db, &head)))
		return rc;
	for (int tries = 0; tries < 3; tries++) {
		pthread_rwlock_rdlock(&sh->lock);
		if (sh->ix && sh->seq >= head) {
			*out = sh->ix;
			return 0;
		}
		pthread_rwlock_unlock(&sh->lock);
		pthread_rwlock_wrlock(&sh->lock);
		rc = refresh(db, sh);
		pthread_rwlock_unlock(&sh->lock);
		if (rc)
			return rc;
	}
	return wam_error_set(WAM_EDB, NULL, "the serial index keeps changing; try the search again");
}

static void put_index(wam_db *db)
{
	pthread_rwlock_unlock(&handle_if(db)->sh->lock);
}

/* ---- ranking ---- */

typedef wam_match_hit candidate;

typedef struct collect {
	candidate *c;
	size_t n, cap;
	bool oom;
} collect;

static void found(uint32_t rec, const char *key, void *payload)
{
	collect *cl = payload;
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 64;
		candidate *p = realloc(cl->c, cap * sizeof *p);
		if (!p) {
			cl->oom = true;
			return;
		}
		cl->c = p;
		cl->cap = cap;
	}
	candidate *c = &cl->c[cl->n++];
	c->rec = rec;
	snprintf(c->key, sizeof c->key, "%s", key);
}

static int by_record(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* One entry per weapon: the passes of a search (2 edits in the make, 1 in
 * all makes) may each find the same weapon. */
static void unique_records(collect *cl)
{
	if (cl->n < 2)
		return;
	qsort(cl->c, cl->n, sizeof *cl->c, by_record);
	size_t w = 1;
	for (size_t i = 1; i < cl->n; i++)
		if (cl->c[i].rec != cl->c[w - 1].rec)
			cl->c[w++] = cl->c[i];
	cl->n = w;
}

static int by_score(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static const char *const edit_names[] = {"substitute", "confusable", "insert", "delete", "transpose", "wildcard"};

static json_t *edits_json(const wam_match_edit *ops, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char q[2] = {ops[i].q, 0}, s[2] = {ops[i].s, 0};
		json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:s, s:s}", "op", edit_names[ops[i].kind],
		                                     "query_pos", ops[i].qpos, "serial_pos", ops[i].spos, "query", q,
		                                     "serial", s));
	}
	return arr;
}

/* +1 agree, -1 disagree, 0 unknown on either side. */
static int agree(uint32_t want, uint32_t have, bool asked)
{
	if (!asked || !have)
		return 0;
	return want == have ? 1 : -1;
}

typedef struct wanted {
	uint32_t attr[4];
	bool asked[4];
	int nasked;
} wanted;

static double score(double d, int k, bool partial, const wanted *w, wam_match_attrs a, int votes[4])
{
	double serial = 1.0 - d / (k + 1.0);
	if (serial < 0.05)
		serial = 0.05;
	if (partial)
		serial *= 0.8;
	const uint32_t have[4] = {a.make, a.model, a.calibre, a.country};
	int sum = 0;
	for (int i = 0; i < 4; i++)
		sum += votes[i] = agree(w->attr[i], have[i], w->asked[i]);
	if (!w->nasked)
		return 100.0 * serial;
	return 100.0 * (0.75 * serial + 0.25 * ((double)sum / w->nasked + 1) / 2);
}

static const char *reason(const wam_serial_keys *qk, const wam_match_edit *ops, size_t nops, double d, bool partial,
                          bool via_alt, const char *raw_serial)
{
	if (partial)
		return "partial";
	if (qk->flags & WAM_KEY_WILDCARD)
		return "wildcard";
	if (d == 0) {
		wam_serial_keys rk;
		unsigned scripts = qk->flags;
		if (!wam_serial_normalize(&rk, raw_serial, NULL))
			scripts |= rk.flags;
		return via_alt || (scripts & (WAM_KEY_LOOKALIKE | WAM_KEY_DIGITS | WAM_KEY_TRANSLIT)) ? "look-alike"
		                                                                                      : "exact";
	}
	for (size_t i = 0; i < nops; i++)
		if (ops[i].kind != WAM_EDIT_CONFUSABLE)
			return "edit";
	return "misread";
}

/* What a candidate shows of its weapon: one row, without the markings and
 * import marks a full record reads (a search shows up to a thousand). NULL
 * if the weapon is not there (registered in a transaction since undone). */
static json_t *candidate_record(wam_db *db, const char *id)
{
	sqlite3_stmt *st =
	    wam_room_db_stmt(db, &wam_room_match, 1,
	                     "SELECT serial, make, model, calibre, country, status, site_id FROM items WHERE id=?");
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	json_t *o = sqlite3_step(st) == SQLITE_ROW ? wam_row_json(st) : NULL;
	sqlite3_reset(st);
	return o;
}

/* A hit as the API shows it: the weapon, its score and distance (from the
 * ranking), the edits that separate it from the query, why it matched and
 * how its attributes agree with the ones asked. */
static json_t *candidate_json(wam_db *db, wam_match_index *ix, const candidate *c, const wam_match_result *res,
                              const wam_match_request *req)
{
	char id[WAM_ID_LEN + 1];
	wam_match_index_id(ix, c->rec, id);
	json_t *item = candidate_record(db, id);
	if (!item)
		return NULL;
	wam_match_edit ops[2 * WAM_KEY_MAX];
	size_t nops = 0;
	unsigned mode = WAM_DIST_WEIGHTED | (res->partial ? WAM_DIST_PARTIAL : 0);
	wam_match_distance(res->query.canonical, c->key, mode, ops, &nops); /* for the operations */
	bool via_alt = strcmp(c->key, wam_match_index_canonical(ix, c->rec)) != 0;
	const char *why = reason(&res->query, ops, nops, c->distance, res->partial, via_alt,
	                         json_string_value(json_object_get(item, "serial")));
	wam_match_attrs a = wam_match_index_attrs(ix, c->rec);
	const uint32_t have[4] = {a.make, a.model, a.calibre, a.country};
	static const char *const names[4] = {"make", "model", "calibre", "country"};
	json_t *agreement = json_object();
	for (int i = 0; i < 4; i++) {
		int v = agree(req->attr[i], have[i], req->attr[i] != 0);
		if (req->attr[i])
			json_object_set_new(agreement, names[i], v > 0 ? json_true() : v < 0 ? json_false() : json_null());
	}
	json_t *o = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:s, s:f, s:f, s:s, s:o, s:o}", "id", id, "serial",
	                      json_object_get(item, "serial"), "make", json_object_get(item, "make"), "model",
	                      json_object_get(item, "model"), "calibre", json_object_get(item, "calibre"), "country",
	                      json_object_get(item, "country"), "status", json_object_get(item, "status"),
	                      "serial_key", c->key, "score", (double)(long)(c->score * 10 + 0.5) / 10, "distance",
	                      c->distance, "reason", why, "edits", edits_json(ops, nops), "agreement", agreement);
	json_object_set(o, "site_id", json_object_get(item, "site_id"));
	json_decref(item);
	return o;
}

/* The interned id of an asked attribute: 0 when not asked, UINT32_MAX when
 * the index never saw the value (asked, so it disagrees). */
static uint32_t attr_of(wam_match_index *ix, int which, const char *value)
{
	char key[512];
	if (!value || !*value)
		return 0;
	if (which == WAM_ATTR_COUNTRY)
		wam_country_code(key, value); /* as registration stores it */
	else
		wam_match_name_key(key, sizeof key, value);
	uint32_t id = wam_match_index_attr(ix, which, key);
	return id ? id : UINT32_MAX;
}

/* Longest query tried as a fragment when nothing matches it whole: a
 * longer one is more likely a full serial that is not registered (and a
 * fragment can always be asked for explicitly: "*4209*"). */
#define FRAGMENT_MAX 6

int wam_match_find(wam_match_index *ix, const wam_match_request *req, wam_match_result *res)
{
	int rc;
	collect cl = {0};
	memset(res, 0, sizeof *res);
	if ((rc = wam_serial_normalize(&res->query, req->serial, NULL)))
		return rc;
	const char *skel = res->query.skeleton;
	size_t fixed = 0;
	for (const char *p = skel; *p; p++)
		fixed += *p != '*';
	if (!fixed)
		return wam_error_set(WAM_EINVAL, "serial", "serial '%.40s' has no letters or digits to search for",
		                     req->serial);
	wanted w = {{0}, {false}, 0};
	for (int i = 0; i < 4; i++) {
		w.attr[i] = req->attr[i];
		w.asked[i] = req->attr[i] != 0;
		w.nasked += w.asked[i];
	}
	uint32_t make = w.asked[WAM_ATTR_MAKE] && w.attr[WAM_ATTR_MAKE] != UINT32_MAX ? w.attr[WAM_ATTR_MAKE] : 0;
	size_t unknown = 0;
	for (const char *p = skel; *p; p++)
		unknown += *p == '?';
	int k = req->max_edits;
	if (k < 0) {
		/* '?' positions spend the edit allowance: a reader who marked the
		 * characters they could not read is trusted on the others. With a
		 * make, edits and '?' together stay within 2 (the segment tier);
		 * without one, within 1 (the 2-edit tier is partitioned by make).
		 * So a search reads every key only for '*', for more '?' than the
		 * allowance, or when --max-edits asks. */
		int cap = make ? 2 : 1;
		k = wam_match_default_k(fixed);
		if (k + (int)unknown > cap)
			k = cap > (int)unknown ? cap - (int)unknown : 0;
		if (strchr(skel, '*'))
			k = 0; /* a lost head or tail is marked the same way: the rest is trusted */
	}
	wam_match_index_find(ix, skel, k, make, false, found, &cl);
	/* with a make, 2 edits (or '?' positions) are searched within it;
	 * nearer matches of any make too */
	if (make && !strchr(skel, '*') && k + (int)unknown == 2 && k >= (int)unknown)
		wam_match_index_find(ix, skel, k - 1, 0, false, found, &cl);
	if (!cl.n && !cl.oom && fixed >= 4 && fixed <= FRAGMENT_MAX && !strchr(skel, '*')) {
		res->partial = true; /* nothing matches the whole serial: a fragment of one? */
		wam_match_index_find(ix, skel, 0, 0, true, found, &cl);
	}
	if (cl.oom) {
		free(cl.c);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	unique_records(&cl);
	unsigned mode = WAM_DIST_WEIGHTED | (res->partial ? WAM_DIST_PARTIAL : 0);
	for (size_t i = 0; i < cl.n; i++) {
		int votes[4];
		cl.c[i].distance = wam_match_distance(res->query.canonical, cl.c[i].key, mode, NULL, NULL);
		cl.c[i].score = score(cl.c[i].distance, k, res->partial, &w, wam_match_index_attrs(ix, cl.c[i].rec), votes);
	}
	if (cl.n)
		qsort(cl.c, cl.n, sizeof *cl.c, by_score);
	res->k = k;
	res->considered = cl.n;
	res->nhits = cl.n < (size_t)(req->limit > 0 ? req->limit : 10) ? cl.n : (size_t)(req->limit > 0 ? req->limit : 10);
	res->hits = cl.c; /* best first; the tail past nhits is simply not read */
	return 0;
}

int wam_match_search(wam_db *db, json_t **out, const wam_match_query *q)
{
	int rc;
	wam_match_index *ix = NULL;
	wam_match_result res;
	*out = NULL;
	if (!q || !q->serial)
		return wam_error_set(WAM_EINVAL, "serial", "a serial to search for is required");
	int limit = q->limit > 0 ? q->limit : 10;
	if (limit > 1000)
		return wam_error_set(WAM_EINVAL, "limit", "limit %d is more than 1000", limit);
	if (q->max_edits > 4)
		return wam_error_set(WAM_EINVAL, "max_edits", "at most 4 edits can be allowed");
	if ((rc = get_index(db, &ix)))
		return rc;
	/* a principal confined to sites gets only candidates at them: the
	 * matcher is asked for more and the others dropped, so the ranking among
	 * what it may see is unchanged */
	bool confined = wam_confined(db);
	wam_match_request req = {.serial = q->serial,
	                         .max_edits = q->max_edits,
	                         .limit = confined ? (limit * 10 > 1000 ? 1000 : limit * 10) : limit};
	const char *values[4] = {q->make, q->model, q->calibre, q->country};
	for (int i = 0; i < 4; i++)
		req.attr[i] = attr_of(ix, i, values[i]);
	if ((rc = wam_match_find(ix, &req, &res))) {
		put_index(db);
		return rc;
	}
	json_t *cands = json_array();
	for (size_t i = 0; i < res.nhits; i++) {
		json_t *c = candidate_json(db, ix, &res.hits[i], &res, &req);
		if (c && confined &&
		    (json_array_size(cands) >= (size_t)limit ||
		     !wam_confine_sees(db, json_string_value(json_object_get(c, "site_id"))))) {
			json_decref(c);
			continue;
		}
		if (c)
			json_array_append_new(cands, c);
	}
	*out = json_pack("{s:{s:s, s:s, s:s, s:i, s:b, s:I}, s:o}", "query", "serial", q->serial, "canonical",
	                 res.query.canonical, "skeleton", res.query.skeleton, "max_edits", res.k, "partial", res.partial,
	                 "considered", (json_int_t)res.considered, "candidates", cands);
	if (confined) /* how many weapons were weighed would count those elsewhere too */
		json_object_del(json_object_get(*out, "query"), "considered");
	put_index(db);
	free(res.hits);
	return 0;
}

int wam_match_explain(json_t **out, const char *serial)
{
	wam_serial_keys k;
	json_t *steps = json_array();
	int rc = wam_serial_normalize(&k, serial, steps);
	if (rc) {
		json_decref(steps);
		*out = NULL;
		return rc;
	}
	*out = steps;
	return 0;
}
