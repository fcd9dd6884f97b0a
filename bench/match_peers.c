/* bench_match's peers on the same weapons and queries: SQLite FTS5 with the
 * trigram tokenizer, and the plain memory scan of the skeleton column (the
 * bandwidth floor). PostgreSQL pg_trgm is in match_pg.c.
 *
 * Every peer only retrieves candidates; verification and ranking are
 * wam's own rules applied to what the peer returns (mb_ranker), so that
 * recall differences come from candidate retrieval alone. Peers store the
 * skeleton (what wam searches) and the romanised key of Cyrillic serials as
 * a second row, row id 2*record + (0 canonical, 1 romanised). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "match_bench.h"

/* ---- verification and ranking ---- */

int mb_rank_init(mb_ranker *r, const mb_data *d)
{
	memset(r, 0, sizeof *r);
	r->d = d;
	r->seen = calloc(d->n ? d->n : 1, sizeof *r->seen);
	return r->seen ? 0 : -1;
}

void mb_rank_free(mb_ranker *r)
{
	free(r->seen);
	free(r->c);
	memset(r, 0, sizeof *r);
}

/* The id of an asked attribute like wam_match_search makes it. */
static uint32_t asked(uint32_t attr)
{
	return attr ? attr : UINT32_MAX;
}

int mb_rank_begin(mb_ranker *r, const mb_query *q)
{
	r->q = q;
	r->n = 0;
	if (++r->stamp == 0) {
		memset(r->seen, 0, r->d->n * sizeof *r->seen);
		r->stamp = 1;
	}
	if (wam_serial_normalize(&r->keys, q->raw, NULL))
		return -1;
	r->k = q->wam_k >= 0 ? q->wam_k : mb_allowed_k(&r->keys);
	r->make_attr = q->with_make ? asked(r->d->makes[q->make].attr) : 0;
	r->calibre_attr = q->with_calibre ? asked(r->d->calibre_attr[q->calibre]) : 0;
	return 0;
}

/* wam's score (search.c): serial similarity from the weighted distance,
 * with a quarter of the weight on agreement of the asked attributes. */
static double wam_score(double dist, int k, int agree_sum, int nasked)
{
	double serial = 1.0 - dist / (k + 1.0);
	if (serial < 0.05)
		serial = 0.05;
	if (!nasked)
		return 100.0 * serial;
	return 100.0 * (0.75 * serial + 0.25 * ((double)agree_sum / nasked + 1) / 2);
}

void mb_rank_offer(mb_ranker *r, uint32_t rec, const char *skel, const char *canon, uint32_t make, uint32_t calibre)
{
	if (rec >= r->d->n || r->seen[rec] == r->stamp)
		return;
	int k = r->k;
	if (r->make_attr && r->make_attr != UINT32_MAX && make != r->make_attr)
		k = mb_other_make_k(k, r->keys.skeleton); /* wam's rule: the 2-edit tier is the make's */
	if (k < 0 || wam_match_distance(r->keys.skeleton, skel, 0, NULL, NULL) > k)
		return;
	r->seen[rec] = r->stamp;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		mb_cand *c = realloc(r->c, cap * sizeof *c);
		if (!c)
			return;
		r->c = c;
		r->cap = cap;
	}
	int sum = 0, nasked = 0;
	if (r->make_attr) {
		nasked++;
		sum += make == r->make_attr ? 1 : -1;
	}
	if (r->calibre_attr) {
		nasked++;
		sum += calibre == r->calibre_attr ? 1 : -1;
	}
	double dist = wam_match_distance(r->keys.canonical, canon, WAM_DIST_WEIGHTED, NULL, NULL);
	r->c[r->n++] = (mb_cand){rec, wam_score(dist, r->k, sum, nasked)};
}

/* Best score first, then the lower record number (wam's order). */
static int by_score(const void *a, const void *b)
{
	const mb_cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

void mb_rank_finish(mb_ranker *r, mb_outcome *o)
{
	qsort(r->c, r->n, sizeof *r->c, by_score);
	o->ran = true;
	o->any_hit = r->n > 0;
	o->considered = r->n;
	o->at1 = r->q->truth != MB_NONE && r->n && r->c[0].rec == r->q->truth;
	for (size_t i = 0; r->q->truth != MB_NONE && i < r->n && i < 10; i++)
		o->at10 |= r->c[i].rec == r->q->truth;
	o->reachable = r->q->truth != MB_NONE && mb_within(r->d, r->q->truth, r->keys.skeleton, r->k);
}

/* ---- SQLite FTS5 trigram ---- */

/* Per-query state of the FTS5 peer. */
typedef struct fts {
	sqlite3 *db;
	sqlite3_stmt *ins, *tri, *row, *glob;
	uint8_t *count;    /* per row id: query trigrams it holds */
	uint32_t *touched; /* row ids with a count, to reset */
	size_t ntouched, cap_touched;
	mb_ranker rk;
} fts;

/* Prints an SQLite failure and returns -1. */
static int sql_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench: fts5: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

/* Inserts one key row; a no-op for an empty key. */
static int fts_insert(fts *f, int64_t rowid, const char *skel, const char *canon, uint32_t make, uint32_t calibre)
{
	if (!*skel)
		return 0;
	sqlite3_bind_int64(f->ins, 1, rowid);
	sqlite3_bind_text(f->ins, 2, skel, -1, SQLITE_STATIC);
	sqlite3_bind_text(f->ins, 3, canon, -1, SQLITE_STATIC);
	sqlite3_bind_int64(f->ins, 4, make);
	sqlite3_bind_int64(f->ins, 5, calibre);
	int rc = sqlite3_step(f->ins);
	sqlite3_reset(f->ins);
	return rc == SQLITE_DONE ? 0 : sql_fail(f->db, "insert");
}

/* Creates the FTS5 table and loads every key in one transaction, then
 * merges the index into one segment ('optimize'). */
static int fts_build(fts *f, const mb_data *d, const char *path)
{
	const char *setup = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
	                    "CREATE VIRTUAL TABLE serials USING fts5(skel, canon UNINDEXED, make UNINDEXED,"
	                    " calibre UNINDEXED, tokenize='trigram');";
	if (sqlite3_open(path, &f->db) != SQLITE_OK || sqlite3_exec(f->db, setup, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(f->db, "create");
	if (sqlite3_prepare_v2(f->db, "INSERT INTO serials(rowid, skel, canon, make, calibre) VALUES (?,?,?,?,?)", -1,
	                       &f->ins, NULL) != SQLITE_OK ||
	    sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(f->db, "prepare insert");
	double last = bench_now();
	for (size_t i = 0; i < d->n; i++) {
		uint32_t make = d->makes[d->make[i]].attr, cal = d->calibre_attr[d->models[d->model[i]].calibre];
		if (fts_insert(f, 2 * (int64_t)i, d->skel[i], d->canon[i], make, cal) ||
		    fts_insert(f, 2 * (int64_t)i + 1, d->altskel[i], d->alt[i], make, cal))
			return -1;
		if (bench_now() - last > 10) {
			last = bench_now();
			fprintf(stderr, "bench: fts5 load %zu/%zu\n", i + 1, d->n);
		}
	}
	fprintf(stderr, "bench: fts5 commit and optimize\n");
	if (sqlite3_exec(f->db, "COMMIT; INSERT INTO serials(serials) VALUES('optimize');", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sql_fail(f->db, "commit/optimize");
	return 0;
}

/* Prepares the query statements: one trigram's row ids, one row's columns,
 * and a GLOB (used for '*' and for queries with no whole trigram). */
static int fts_prepare(fts *f, size_t nrows)
{
	if (sqlite3_prepare_v2(f->db, "SELECT rowid FROM serials WHERE serials MATCH ?", -1, &f->tri, NULL) ||
	    sqlite3_prepare_v2(f->db, "SELECT skel, canon, make, calibre FROM serials WHERE rowid = ?", -1, &f->row,
	                       NULL) ||
	    sqlite3_prepare_v2(f->db, "SELECT rowid, skel, canon, make, calibre FROM serials WHERE skel GLOB ?", -1,
	                       &f->glob, NULL))
		return sql_fail(f->db, "prepare queries");
	f->count = calloc(nrows, 1);
	return f->count ? 0 : sql_fail(NULL, "count array");
}

/* Offers the row at the statement's current step (rowid first, then skel,
 * canon, make, calibre from column `col`). */
static void fts_offer(fts *f, sqlite3_stmt *st, int64_t rowid, int col)
{
	const char *skel = (const char *)sqlite3_column_text(st, col);
	const char *canon = (const char *)sqlite3_column_text(st, col + 1);
	mb_rank_offer(&f->rk, (uint32_t)(rowid / 2), skel ? skel : "", canon ? canon : "",
	              (uint32_t)sqlite3_column_int64(st, col + 2), (uint32_t)sqlite3_column_int64(st, col + 3));
}

/* Candidates by GLOB on the skeleton ('*' any run, '?' one character). */
static void fts_glob(fts *f, const char *pattern)
{
	sqlite3_bind_text(f->glob, 1, pattern, -1, SQLITE_STATIC);
	while (sqlite3_step(f->glob) == SQLITE_ROW)
		fts_offer(f, f->glob, sqlite3_column_int64(f->glob, 0), 1);
	sqlite3_reset(f->glob);
}

/* Adds 1 to the count of every row holding trigram `t`. */
static void fts_count_trigram(fts *f, const char *t)
{
	char phrase[8];
	snprintf(phrase, sizeof phrase, "\"%.3s\"", t);
	sqlite3_bind_text(f->tri, 1, phrase, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(f->tri) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(f->tri, 0);
		if (f->count[id]++ == 0) {
			if (f->ntouched == f->cap_touched) {
				size_t cap = f->cap_touched ? f->cap_touched * 2 : 4096;
				uint32_t *p = realloc(f->touched, cap * sizeof *p);
				if (!p)
					break;
				f->touched = p;
				f->cap_touched = cap;
			}
			f->touched[f->ntouched++] = (uint32_t)id;
		}
	}
	sqlite3_reset(f->tri);
}

/* The distinct trigrams of `s` that hold no '?', as 3-byte strings. */
static size_t distinct_trigrams(const char *s, char out[][4])
{
	size_t n = 0, len = strlen(s);
	for (size_t i = 0; i + 3 <= len; i++) {
		if (memchr(s + i, '?', 3))
			continue;
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !memcmp(out[j], s + i, 3);
		if (!dup) {
			memcpy(out[n], s + i, 3);
			out[n++][3] = '\0';
		}
	}
	return n;
}

/* Candidates by the q-gram count filter: rows holding at least
 * (distinct trigrams - 3k) of the query's trigrams (at least 1: for short
 * keys and k = 2 the lemma gives no bound and recall is not guaranteed),
 * fetched and verified. */
static void fts_trigrams(fts *f, const char *skel, int k)
{
	char tris[WAM_KEY_MAX][4];
	size_t nt = distinct_trigrams(skel, tris);
	long need = (long)nt - 3L * k;
	if (need < 1)
		need = 1;
	f->ntouched = 0;
	for (size_t i = 0; i < nt; i++)
		fts_count_trigram(f, tris[i]);
	for (size_t i = 0; i < f->ntouched; i++) {
		uint32_t id = f->touched[i];
		if (f->count[id] >= need) {
			sqlite3_bind_int64(f->row, 1, id);
			if (sqlite3_step(f->row) == SQLITE_ROW)
				fts_offer(f, f->row, id, 0);
			sqlite3_reset(f->row);
		}
		f->count[id] = 0;
	}
}

/* Answers one query through FTS5. */
static void fts_query(fts *f, const mb_query *q, mb_outcome *o)
{
	double t0 = bench_now();
	if (mb_rank_begin(&f->rk, q)) {
		o->ran = o->failed = true;
		return;
	}
	const char *skel = f->rk.keys.skeleton;
	char tris[WAM_KEY_MAX][4];
	if (strchr(skel, '*') || !distinct_trigrams(skel, tris))
		fts_glob(f, skel);
	else
		fts_trigrams(f, skel, f->rk.k);
	mb_rank_finish(&f->rk, o);
	o->seconds = bench_now() - t0;
}

/* Frees the FTS5 peer's statements, connection and arrays. */
static void fts_close(fts *f)
{
	sqlite3_finalize(f->ins);
	sqlite3_finalize(f->tri);
	sqlite3_finalize(f->row);
	sqlite3_finalize(f->glob);
	sqlite3_close(f->db);
	free(f->count);
	free(f->touched);
	mb_rank_free(&f->rk);
}

/* Runs the queries through a peer's `answer` until `budget` seconds have
 * gone (0: no limit); counts what ran. */
void mb_run_peer(const mb_query *qs, size_t nq, double budget, mb_peer_result *res, const char *name,
                 void (*answer)(void *peer, const mb_query *q, mb_outcome *o), void *peer)
{
	double start = bench_now(), last = start;
	for (size_t j = 0; j < nq; j++) {
		if (budget > 0 && bench_now() - start > budget) {
			snprintf(res->why, sizeof res->why, "time budget of %.0f s reached after %zu of %zu queries",
			         budget, j, nq);
			break;
		}
		answer(peer, &qs[j], &res->out[j]);
		res->nqueries++;
		if (bench_now() - last > 10) {
			last = bench_now();
			fprintf(stderr, "bench: %s queries %zu/%zu\n", name, j + 1, nq);
		}
	}
}

/* fts_query with the signature run_peer takes. */
static void fts_answer(void *peer, const mb_query *q, mb_outcome *o)
{
	fts_query(peer, q, o);
}

int mb_peer_fts5(const mb_data *d, const mb_query *qs, size_t nq, double budget, const char *dir, mb_peer_result *res)
{
	char path[4200];
	fts f = {0};
	snprintf(path, sizeof path, "%s/fts5.db", dir);
	fprintf(stderr, "bench: fts5: loading %zu weapons\n", d->n);
	double t0 = bench_now();
	int rc = fts_build(&f, d, path);
	res->build_s = bench_now() - t0;
	res->bytes = (double)bench_file_size(path);
	if (!rc)
		rc = fts_prepare(&f, 2 * d->n + 2);
	if (!rc)
		rc = mb_rank_init(&f.rk, d);
	if (!rc) {
		fprintf(stderr, "bench: fts5 built in %.1f s; querying\n", res->build_s);
		res->ran = true;
		mb_run_peer(qs, nq, budget, res, "fts5", fts_answer, &f);
	} else {
		snprintf(res->why, sizeof res->why, "could not build the FTS5 table (see above)");
	}
	fts_close(&f);
	unlink(path);
	return rc;
}

/* ---- the memory-bandwidth floor ---- */

/* Orders doubles ascending, for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void mb_memscan(const mb_data *d, const mb_query *qs, size_t nq, double *seconds, size_t *matches)
{
	double *t = calloc(nq ? nq : 1, sizeof *t);
	*matches = 0;
	*seconds = 0;
	if (!t)
		return;
	for (size_t j = 0; j < nq; j++) {
		wam_serial_keys k;
		char q[MB_KEYW] = {0};
		if (!wam_serial_normalize(&k, qs[j].raw, NULL))
			memcpy(q, k.skeleton, strlen(k.skeleton) < MB_KEYW ? strlen(k.skeleton) : MB_KEYW - 1);
		double t0 = bench_now();
		size_t hits = 0;
		for (size_t i = 0; i < d->n; i++)
			hits += memcmp(d->skel[i], q, MB_KEYW) == 0;
		t[j] = bench_now() - t0;
		*matches += hits;
	}
	qsort(t, nq, sizeof *t, cmp_double);
	*seconds = nq ? t[nq / 2] : 0;
	free(t);
}

/* ---- files ---- */

/* nftw callback: removes one file or (emptied) directory. */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0 && errno != ENOENT)
		fprintf(stderr, "bench: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

int mb_remove_tree(const char *dir)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
