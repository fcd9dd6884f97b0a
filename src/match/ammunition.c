/* wam_match_ammunition: ammunition recorded anywhere, found from its
 * headstamp or lot marks as read.
 *
 * Every room that holds ammunition lines walks them (wam_ammunition_sources,
 * src/rooms.c): a recovery's, a loss report's, an observation's, a stock
 * lot. A headstamp text, a headstamp factory code and a lot mark are keyed
 * as serials are (match/serial.c: look-alikes, other scripts' digits, OCR
 * classes) and compared with the serial distance: a line is found when the
 * skeletons are within the edits a serial of that length is allowed, and
 * ranked by the weighted distance of the canonical keys. A calibre asked
 * keeps the lines of that calibre (an unrecorded calibre is kept).
 *
 * The walk reads every line once; what it reads is kept, keyed, beside the
 * process for the ledger head it was read at, so a search of 100,000 lines
 * compares keys only. A new event of a kind that may hold ammunition (an
 * observation, a lot, a recovery, a loss ...) has the lines read again; one
 * of a kind that holds none (a weapon registered, a user added) does not. A principal
 * confined to sites walks its own lines each time: the sources decide what
 * it sees. */
#include <float.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "match/match.h"
#include "wam/match.h"

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 1000

/* ---- calibres ---- */

long wam_match_calibre_key(char *out, size_t cap, const char *calibre)
{
	char key[512];
	if (!cap)
		return -1;
	out[0] = '\0';
	if (!calibre)
		return 0;
	if (wam_match_name_key(key, sizeof key, calibre) < 0)
		return -1;
	size_t n = 0;
	for (const char *p = key; *p && n + 1 < cap;) {
		const unsigned char *u = (const unsigned char *)p;
		/* × (U+00D7), Cyrillic х and Х: the X between bore and case length */
		if ((u[0] == 0xC3 && u[1] == 0x97) || (u[0] == 0xD1 && u[1] == 0x85) ||
		    (u[0] == 0xD0 && u[1] == 0xA5)) {
			out[n++] = 'X';
			p += 2;
			continue;
		}
		bool after_digit = n && out[n - 1] >= '0' && out[n - 1] <= '9';
		/* millimetres after a number say nothing the number does not */
		if (after_digit && !strncmp(p, "MM", 2)) {
			p += 2;
			continue;
		}
		if (after_digit && !strncmp(p, "\xD0\xBC\xD0\xBC", 4)) { /* мм */
			p += 4;
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
	return (long)n;
}

/* ---- keys of a line ---- */

/* A lot mark often opens with a word that says it is one ("LOT 19-0412",
 * "ПАРТИЯ 12", "Batch No. 7"): the key of the mark leaves it out, in the
 * query and in the lines alike. */
static const char *const lot_labels[] = {"LOT", "LOTE",    "LOTNO",   "BATCH",   "BATCHNO", "NO",
                                         "N",   "PARTIYA", "PAPTIYA", "PARTIJA", NULL};

static void drop_label(wam_serial_keys *k)
{
	for (int s = 0; s < k->nsegments; s++) {
		size_t from = s ? k->segments[s - 1] : 0, to = k->segments[s];
		bool letters = to > from;
		for (size_t i = from; i < to; i++)
			letters = letters && k->canonical[i] >= 'A' && k->canonical[i] <= 'Z';
		if (!letters)
			break;
		bool label = false;
		for (const char *const *l = lot_labels; *l && !label; l++)
			label = strlen(*l) == to - from && !strncmp(*l, k->canonical + from, to - from);
		if (!label)
			break;
		if (s == k->nsegments - 1 || !k->canonical[to])
			break; /* nothing after it: the word is the mark */
		memmove(k->canonical, k->canonical + to, strlen(k->canonical + to) + 1);
		memmove(k->skeleton, k->skeleton + to, strlen(k->skeleton + to) + 1);
		for (int t = s + 1; t < k->nsegments; t++)
			k->segments[t - s - 1] = (unsigned char)(k->segments[t] - to);
		k->nsegments -= s + 1;
		s = -1;
	}
}

typedef struct keyed {
	char *canon, *skel; /* "" when the line has no such mark */
} keyed;

enum { F_HEADSTAMP, F_FACTORY, F_LOT, F_N };
static const char *const field_names[F_N] = {"headstamp", "headstamp.factory", "lot"};

/* One line as the walk read it. Strings point into `mem`. */
typedef struct entry {
	const char *source, *id, *date, *country, *site_id, *calibre_key, *ammunition; /* compact JSON */
	long line;
	keyed k[F_N];
	char *mem;
} entry;

typedef struct entries {
	entry *e;
	size_t n, cap;
	int refs;
	/* what the lines were read at */
	char *path;
	char node[WAM_ID_LEN + 1];
	int64_t seq;
	unsigned char hash[WAM_HASH_LEN];
} entries;

static void entries_free(entries *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < es->n; i++)
		free(es->e[i].mem);
	free(es->e);
	free(es->path);
	free(es);
}

/* Packs the strings of an entry into one block; NULL stays NULL. */
static char *pack(char **at, const char *s)
{
	if (!s)
		return NULL;
	char *p = *at;
	size_t n = strlen(s) + 1;
	memcpy(p, s, n);
	*at += n;
	return p;
}

static const char *mark(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static int visit(void *ctx, const wam_ammunition_seen *seen)
{
	entries *es = ctx;
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 256;
		entry *p = realloc(es->e, cap * sizeof *p);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		es->e = p;
		es->cap = cap;
	}
	const json_t *a = seen->ammunition;
	const char *raw[F_N] = {mark(a, "headstamp", "text"), mark(a, "headstamp", "factory"), mark(a, "lot", NULL)};
	wam_serial_keys sk[F_N];
	char calibre[256];
	wam_match_calibre_key(calibre, sizeof calibre, mark(a, "calibre", NULL));
	size_t need = strlen(calibre) + 1;
	for (int f = 0; f < F_N; f++) {
		if (!raw[f] || wam_serial_normalize(&sk[f], raw[f], NULL))
			memset(&sk[f], 0, sizeof sk[f]);
		else if (f == F_LOT)
			drop_label(&sk[f]);
		need += strlen(sk[f].canonical) + strlen(sk[f].skeleton) + 2;
	}
	wam_buf text = {0}; /* canonical JSON: the ledger's own writer, faster than json_dumps */
	if (wam_canon_buf(&text, a) || wam_buf_put(&text, "", 1)) {
		wam_buf_free(&text);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	const char *body = text.p;
	const char *strs[] = {seen->source, seen->id, seen->date, seen->country, seen->site_id, body};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		need += strs[i] ? strlen(strs[i]) + 1 : 0;
	entry *e = &es->e[es->n];
	char *at = e->mem = malloc(need);
	if (!at) {
		wam_buf_free(&text);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	e->source = pack(&at, seen->source);
	e->id = pack(&at, seen->id);
	e->date = pack(&at, seen->date);
	e->country = pack(&at, seen->country);
	e->site_id = pack(&at, seen->site_id);
	e->ammunition = pack(&at, body);
	e->calibre_key = pack(&at, calibre);
	for (int f = 0; f < F_N; f++) {
		e->k[f].canon = pack(&at, sk[f].canonical);
		e->k[f].skel = pack(&at, sk[f].skeleton);
	}
	e->line = seen->line;
	wam_buf_free(&text);
	es->n++;
	return 0;
}

static int walk(wam_db *db, entries *es)
{
	int rc = 0;
	for (const wam_ammunition_source *s = wam_ammunition_sources; *s && !rc; s++)
		rc = (*s)(db, visit, es);
	return rc;
}

/* The ledger head this handle sees. */
static int head_of(wam_db *db, int64_t *seq, unsigned char hash[WAM_HASH_LEN])
{
	sqlite3_stmt *q;
	*seq = 0;
	memset(hash, 0, WAM_HASH_LEN);
	if (sqlite3_prepare_v2(db->conn, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1, &q, NULL) !=
	    SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger head");
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 1) == WAM_HASH_LEN) {
		*seq = sqlite3_column_int64(q, 0);
		memcpy(hash, sqlite3_column_blob(q, 1), WAM_HASH_LEN);
	}
	sqlite3_finalize(q);
	return 0;
}

/* The lines of the last unconfined walk, shared by every handle of the
 * process: the head's hash names the whole history, so lines read at one
 * head (even inside a transaction later undone) are those of any handle
 * that sees that head. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static entries *cached;

static void release(entries *es)
{
	if (!es)
		return;
	pthread_mutex_lock(&cache_lock);
	bool last = --es->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		entries_free(es);
}

/* The lines the handle's principal sees, with a reference the caller
 * releases. */
static int lines_at(wam_db *db, entries **out, bool confined);

/* The kinds of event that change no ammunition line a room holds: what a
 * weapon, a person, a trace request, a screening or a licence records.
 * Any other kind — a new room's too — has the lines read again. */
#define NO_AMMUNITION_EVENTS                                                                                           \
	"'item','hit','check','custody','record','user','token','trace','sanctions','embargo','exemption','notice',"   \
	"'task','finding','evidence','licence','euc','broker','holder','export','diversion','origin','peer','regimes'"

/* 0 when the ledger still holds event `at` with hash `at_hash` and every
 * event after it up to `seq` is of a kind that changes no ammunition line;
 * 1 when not; -1 on a database error. */
static int unchanged_since(wam_db *db, int64_t at, const unsigned char at_hash[WAM_HASH_LEN], int64_t seq)
{
	sqlite3_stmt *q;
	int rc = 1;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT (SELECT hash FROM events WHERE seq = ?1),"
	                       " (SELECT count(*) FROM events WHERE seq > ?1 AND seq <= ?2"
	                       " AND substr(type, 1, instr(type, '.') - 1) NOT IN (" NO_AMMUNITION_EVENTS "))",
	                       -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, at);
	sqlite3_bind_int64(q, 2, seq);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) == WAM_HASH_LEN &&
	    !memcmp(sqlite3_column_blob(q, 0), at_hash, WAM_HASH_LEN) && sqlite3_column_int64(q, 1) == 0)
		rc = 0;
	sqlite3_finalize(q);
	return rc;
}

static int lines_of(wam_db *db, entries **out)
{
	int rc;
	bool confined = wam_confined(db);
	*out = NULL;
	/* one snapshot for the head and the walk: lines read at the head they
	 * are kept under */
	bool own_tx = sqlite3_get_autocommit(db->conn);
	if (own_tx && (rc = wam_sql_exec(db->conn, "BEGIN")))
		return rc;
	rc = lines_at(db, out, confined);
	if (own_tx)
		sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
	return rc;
}

static int lines_at(wam_db *db, entries **out, bool confined)
{
	int rc;
	int64_t seq = 0;
	unsigned char hash[WAM_HASH_LEN] = {0};
	if (!confined) {
		if ((rc = head_of(db, &seq, hash)))
			return rc;
		pthread_mutex_lock(&cache_lock);
		entries *c = cached;
		int64_t at = 0;
		unsigned char at_hash[WAM_HASH_LEN];
		if (c && !strcmp(c->node, db->node_id) && !strcmp(c->path, db->path ? db->path : "") && c->seq <= seq) {
			c->refs++;
			at = c->seq;
			memcpy(at_hash, c->hash, WAM_HASH_LEN);
		} else {
			c = NULL;
		}
		pthread_mutex_unlock(&cache_lock);
		if (c && at == seq && !memcmp(at_hash, hash, WAM_HASH_LEN)) {
			*out = c;
			return 0;
		}
		/* newer events that hold no ammunition line (a weapon registered, a
		 * user added) leave the lines as they were */
		rc = c ? unchanged_since(db, at, at_hash, seq) : 1;
		if (rc == 0) {
			pthread_mutex_lock(&cache_lock);
			if (c->seq < seq) {
				c->seq = seq;
				memcpy(c->hash, hash, WAM_HASH_LEN);
			}
			pthread_mutex_unlock(&cache_lock);
			*out = c;
			return 0;
		}
		release(c);
		if (rc < 0)
			return wam_sql_fail(db->conn, "read the ledger since the ammunition lines were read");
	}
	entries *es = calloc(1, sizeof *es);
	if (!es || !(es->path = strdup(db->path ? db->path : ""))) {
		free(es);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	es->refs = 1;
	if ((rc = walk(db, es))) {
		entries_free(es);
		return rc;
	}
	if (!confined) {
		snprintf(es->node, sizeof es->node, "%s", db->node_id);
		es->seq = seq;
		memcpy(es->hash, hash, WAM_HASH_LEN);
		pthread_mutex_lock(&cache_lock);
		entries *old = cached;
		cached = es;
		es->refs++; /* the cache's */
		bool drop = old && --old->refs == 0;
		pthread_mutex_unlock(&cache_lock);
		if (drop)
			entries_free(old);
	}
	*out = es;
	return 0;
}

/* ---- the query ---- */

typedef struct asked {
	const char *raw;
	wam_serial_keys k;
	int max_edits;
	bool subst; /* a headstamp of 4 or more characters read: one wrong character still finds it */
	bool star;
	wam_bitpattern bp; /* the skeleton less a lost head or tail ('*' at its ends) */
	unsigned ends;     /* WAM_BP_FREE_START, WAM_BP_FREE_END: where '*' was */
} asked;

static int take_mark(asked *a, const char *raw, const char *field)
{
	memset(a, 0, sizeof *a);
	if (!raw)
		return 0;
	int rc = wam_serial_normalize(&a->k, raw, NULL);
	if (rc)
		return rc == WAM_EINVAL ? wam_error_set(WAM_EINVAL, field, "%s is not valid UTF-8", field) : rc;
	if (!strcmp(field, "lot"))
		drop_label(&a->k);
	size_t fixed = 0, unknown = 0, len = strlen(a->k.skeleton);
	for (const char *p = a->k.skeleton; *p; p++) {
		fixed += *p != '*' && *p != '?';
		unknown += *p == '?';
	}
	if (!fixed)
		return wam_error_set(WAM_EINVAL, field, "%s '%.40s' has no letters or digits to search for", field,
		                     raw);
	if (len >= WAM_KEY_MAX - 1)
		return wam_error_set(WAM_EINVAL, field, "%s is longer than %d letters and digits", field,
		                     WAM_KEY_MAX - 2);
	/* as a serial: '?' spends the edits allowed, '*' trusts the rest */
	a->star = strchr(a->k.skeleton, '*') != NULL;
	int k = wam_match_default_k(fixed + unknown);
	a->max_edits = a->star ? 0 : k > (int)unknown ? k - (int)unknown : 0;
	/* a headstamp is short — a factory code and a two-digit year, "71 81" —
	 * and allowed no edit as a serial of 4 characters would be; the
	 * commonest misread is one wrong digit, so one character put for
	 * another (no insertion, no deletion) still finds it, ranked lower */
	a->subst = !strcmp(field, "headstamp") && !a->star && !unknown && fixed >= 4 && a->max_edits == 0;
	a->raw = raw;
	/* a lost head or tail is a free start or end of the bit-parallel
	 * distance; a '*' inside the mark leaves the dynamic programme */
	char core[WAM_KEY_MAX];
	const char *from = a->k.skeleton;
	size_t n = len;
	if (*from == '*') {
		a->ends |= WAM_BP_FREE_START;
		from++;
		n--;
	}
	if (n && from[n - 1] == '*') {
		a->ends |= WAM_BP_FREE_END;
		n--;
	}
	snprintf(core, sizeof core, "%.*s", (int)n, from);
	wam_bp_prepare(&a->bp, core);
	return 0;
}

typedef struct hit {
	const struct entry *e;
	double score;
	double dist[F_N];
	int on[2];     /* the field each asked mark matched: F_HEADSTAMP or F_FACTORY, F_LOT; -1 none */
	bool subst[2]; /* matched only by a headstamp's one character put for another */
} hit;

/* Whether skeletons of one length differ in exactly one character. */
static bool substituted(const char *q, const char *s)
{
	int n = 0;
	for (; *q && *s; q++, s++)
		n += *q != *s;
	return !*q && !*s && n == 1;
}

/* The unit distance of skeletons within `a`'s edits (a headstamp's one
 * character put for another: 1), or -1. */
static int within(const asked *a, const char *skel)
{
	if (!*skel)
		return -1;
	if (!a->star) {
		long diff = (long)strlen(skel) - (long)strlen(a->k.skeleton);
		if (diff > a->max_edits || -diff > a->max_edits)
			return -1;
	}
	int d = a->bp.usable ? wam_bp_distance(&a->bp, skel, a->ends)
	                     : (int)wam_match_distance(a->k.skeleton, skel, 0, NULL, NULL);
	if (d <= a->max_edits)
		return d;
	return a->subst && substituted(a->k.skeleton, skel) ? 1 : -1;
}

static double mark_score(double d, int k)
{
	double s = 1.0 - d / (k + 1.0);
	return s < 0.05 ? 0.05 : s;
}

static const char *const edit_names[] = {"substitute", "confusable", "insert", "delete", "transpose", "wildcard"};

/* Why a mark matched, as the serial search says it. */
static const char *why(const asked *a, const char *raw_line, const wam_match_edit *ops, size_t nops, double d)
{
	if (a->k.flags & WAM_KEY_WILDCARD)
		return "wildcard";
	if (d == 0) {
		wam_serial_keys rk;
		unsigned scripts = a->k.flags;
		if (raw_line && !wam_serial_normalize(&rk, raw_line, NULL))
			scripts |= rk.flags;
		return scripts & (WAM_KEY_LOOKALIKE | WAM_KEY_DIGITS | WAM_KEY_TRANSLIT) ? "look-alike" : "exact";
	}
	for (size_t i = 0; i < nops; i++)
		if (ops[i].kind != WAM_EDIT_CONFUSABLE)
			return "edit";
	return "misread";
}

static int reason_rank(const char *r)
{
	static const char *const order[] = {"exact", "look-alike", "misread", "wildcard", "edit", NULL};
	for (int i = 0; order[i]; i++)
		if (!strcmp(order[i], r))
			return i;
	return 0;
}

static json_t *edits_json(const wam_match_edit *ops, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char q[2] = {ops[i].q, 0}, s[2] = {ops[i].s, 0};
		json_array_append_new(arr,
		                      json_pack("{s:s, s:i, s:i, s:s, s:s}", "op", edit_names[ops[i].kind], "query_pos",
		                                ops[i].qpos, "mark_pos", ops[i].spos, "query", q, "mark", s));
	}
	return arr;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static double round1(double x)
{
	return (double)(long)(x * 10 + 0.5) / 10;
}

/* One result: the line, its score and what matched. */
static json_t *result_json(const entry *e, const hit *h, const asked *asks[2])
{
	json_t *ammo = json_loads(e->ammunition, 0, NULL);
	/* a lot taken in from a recovery's line: where its rounds came from,
	 * beside the line rather than in it */
	json_t *origin = json_incref(json_object_get(ammo, "origin"));
	json_object_del(ammo, "origin");
	json_t *matched = json_object();
	const char *weakest = "exact";
	for (int i = 0; i < 2; i++) {
		int f = h->on[i];
		if (f < 0)
			continue;
		const json_t *src = f == F_LOT ? json_object_get(ammo, "lot")
		                               : json_object_get(json_object_get(ammo, "headstamp"),
		                                                 f == F_FACTORY ? "factory" : "text");
		wam_match_edit ops[2 * WAM_KEY_MAX];
		size_t nops = 0;
		double d = wam_match_distance(asks[i]->k.canonical, e->k[f].canon, WAM_DIST_WEIGHTED, ops, &nops);
		const char *r = h->subst[i] ? "edit" : why(asks[i], json_string_value(src), ops, nops, d);
		if (reason_rank(r) > reason_rank(weakest))
			weakest = r;
		json_object_set_new(matched, i == 0 ? "headstamp" : "lot",
		                    json_pack("{s:s, s:s, s:s, s:f, s:o}", "on", field_names[f], "key", e->k[f].canon,
		                              "reason", r, "distance", d, "edits", edits_json(ops, nops)));
	}
	json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:f, s:s, s:o, s:o}", "source", e->source, "id", e->id,
	                      "line", (json_int_t)e->line, "date", str_or_null(e->date), "country",
	                      str_or_null(e->country), "site_id", str_or_null(e->site_id), "score", round1(h->score),
	                      "reason", weakest, "matched", matched, "ammunition", ammo ? ammo : json_object());
	if (origin)
		json_object_set_new(o, "origin", origin);
	return o;
}

static int by_score(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	const entry *ex = x->e, *ey = y->e;
	int c = strcmp(ey->date ? ey->date : "", ex->date ? ex->date : ""); /* the latest first */
	if (c)
		return c;
	if ((c = strcmp(ex->source, ey->source)) || (c = strcmp(ex->id, ey->id)))
		return c;
	return ex->line < ey->line ? -1 : ex->line > ey->line;
}

int wam_match_ammunition(wam_db *db, json_t **out, const wam_ammunition_query *q)
{
	int rc;
	asked hs, lot;
	char calibre[256] = "";
	*out = NULL;
	if (!q)
		return wam_error_set(WAM_EINVAL, "headstamp", "a headstamp or a lot to search for is required");
	const char *hraw = q->headstamp && *q->headstamp ? q->headstamp : NULL,
	           *lraw = q->lot && *q->lot ? q->lot : NULL, *craw = q->calibre && *q->calibre ? q->calibre : NULL;
	if (!hraw && !lraw)
		return wam_error_set(WAM_EINVAL, "headstamp", "a headstamp or a lot to search for is required");
	int limit = q->limit > 0 ? q->limit : DEFAULT_LIMIT;
	if (q->limit < 0 || limit > MAX_LIMIT)
		return wam_error_set(WAM_EINVAL, "limit", "limit %d is not from 1 to %d", q->limit, MAX_LIMIT);
	if ((rc = take_mark(&hs, hraw, "headstamp")) || (rc = take_mark(&lot, lraw, "lot")))
		return rc;
	if (craw && wam_match_calibre_key(calibre, sizeof calibre, craw) <= 0)
		return wam_error_set(WAM_EINVAL, "calibre", "calibre '%.40s' has no letters or digits to compare",
		                     craw);
	entries *es;
	if ((rc = lines_of(db, &es)))
		return rc;
	hit *hits = NULL;
	size_t nh = 0, cap = 0;
	const asked *asks[2] = {hraw ? &hs : NULL, lraw ? &lot : NULL};
	int nasked = (hraw != NULL) + (lraw != NULL);
	for (size_t i = 0; i < es->n; i++) {
		const entry *e = &es->e[i];
		if (calibre[0] && e->calibre_key[0] && strcmp(calibre, e->calibre_key))
			continue;
		hit h = {.e = e, .on = {-1, -1}};
		double sum = 0;
		int found = 0;
		for (int a = 0; a < 2; a++) {
			if (!asks[a])
				continue;
			int first = a == 0 ? F_HEADSTAMP : F_LOT, last = a == 0 ? F_FACTORY : F_LOT;
			double best = -1;
			for (int f = first; f <= last; f++) {
				int u = within(asks[a], e->k[f].skel);
				if (u < 0)
					continue;
				bool subst = u > asks[a]->max_edits;
				double d = strcmp(asks[a]->k.canonical, e->k[f].canon)
				               ? wam_match_distance(asks[a]->k.canonical, e->k[f].canon,
				                                    WAM_DIST_WEIGHTED, NULL, NULL)
				               : 0;
				/* a factory code alone says less than the whole headstamp */
				double s = mark_score(d, asks[a]->max_edits) * (f == F_FACTORY ? 0.8 : 1.0);
				/* one character put for another in a short headstamp: scored as
				 * an edit of a mark allowed one, and 0.8 of that */
				if (subst)
					s = mark_score(d < 1 ? 1 : d, 1) * 0.8 * (f == F_FACTORY ? 0.8 : 1.0);
				if (s > best) {
					best = s;
					h.on[a] = f;
					h.subst[a] = subst;
					h.dist[f] = d;
				}
			}
			if (best >= 0) {
				sum += best;
				found++;
			}
		}
		if (!found)
			continue;
		h.score = 100.0 * sum / nasked;
		if (nh == cap) {
			size_t c = cap ? cap * 2 : 64;
			hit *p = realloc(hits, c * sizeof *p);
			if (!p) {
				free(hits);
				release(es);
				return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			}
			hits = p;
			cap = c;
		}
		hits[nh++] = h;
	}
	if (nh > 1)
		qsort(hits, nh, sizeof *hits, by_score);
	json_t *results = json_array();
	for (size_t i = 0; i < nh && i < (size_t)limit; i++)
		json_array_append_new(results, result_json(hits[i].e, &hits[i], asks));
	json_t *query = json_object();
	json_t *edits = json_object();
	if (hraw) {
		json_object_set_new(query, "headstamp", json_string(hraw));
		json_object_set_new(query, "headstamp_key", json_string(hs.k.canonical));
		json_object_set_new(edits, "headstamp", json_integer(hs.max_edits));
		if (hs.subst)
			json_object_set_new(query, "headstamp_substitutions", json_integer(1));
	}
	if (lraw) {
		json_object_set_new(query, "lot", json_string(lraw));
		json_object_set_new(query, "lot_key", json_string(lot.k.canonical));
		json_object_set_new(edits, "lot", json_integer(lot.max_edits));
	}
	if (craw) {
		json_object_set_new(query, "calibre", json_string(craw));
		json_object_set_new(query, "calibre_key", json_string(calibre));
	}
	json_object_set_new(query, "max_edits", edits);
	json_object_set_new(query, "limit", json_integer(limit));
	*out = json_pack("{s:o, s:o, s:I}", "query", query, "results", results, "total", (json_int_t)nh);
	free(hits);
	release(es);
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}
