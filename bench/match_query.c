/* bench_match's queries: a seeded mix with known answers
 * (matching-research.md §4), run through wam_match_find, and a brute-force
 * check that the index returned every weapon within the allowed edits.
 *
 * A query starts from a random weapon's canonical key and is damaged the
 * way the class says: OCR confusions use the matcher's own confusion table
 * (data/match/ocr.tsv), edits substitute, insert or delete a character of
 * the same kind (digit or letter) as its neighbour, '?' replaces 1-2
 * characters, '*' stands for 2-4 lost at the head or tail. Every query then
 * gets random separators; exact queries are also written in lower case,
 * Cyrillic look-alikes or Arabic-Indic digits. No-match queries are fresh
 * serials from the same formats that no weapon has exactly. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "match/tables.h"
#include "match_bench.h"

const char *const mb_class_names[QC_COUNT] = {"exact+variants", "ocr confusions", "1 edit",  "2 edits",
                                              "? positions",    "truncated *",    "no match"};
static const unsigned class_share[QC_COUNT] = {20, 25, 25, 15, 7, 5, 3}; /* percent */

/* ---- damage ---- */

/* The characters a reader may confuse with `c` (the matcher's OCR classes). */
static size_t confusions(char c, char out[40])
{
	const wam_match_tables *t = wam_match_tables_get();
	static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = 0;
	for (const char *x = alnum; t && *x; x++)
		if (*x != c && (t->cost[(unsigned char)c][(unsigned char)*x] < 1 ||
		                t->cost[(unsigned char)*x][(unsigned char)c] < 1))
			out[n++] = *x;
	return n;
}

/* A random character of the same kind as `c` (digit or letter), not `c`. */
static char same_kind(wam_rng *r, char c)
{
	bool digit = c >= '0' && c <= '9';
	char x;
	do
		x = digit ? (char)('0' + wam_rng_below(r, 10)) : (char)('A' + wam_rng_below(r, 26));
	while (x == c);
	return x;
}

/* Substitutes up to `times` characters of `s` by one they are confused
 * with; false when `s` has none that can be. */
static bool confuse(wam_rng *r, char *s, int times)
{
	size_t len = strlen(s), pos[MB_KEYW], n = 0;
	char alt[40];
	for (size_t i = 0; i < len; i++)
		if (confusions(s[i], alt))
			pos[n++] = i;
	if (!n)
		return false;
	for (int t = 0; t < times && n; t++) {
		size_t which = wam_rng_below(r, (uint32_t)n), p = pos[which];
		size_t na = confusions(s[p], alt);
		s[p] = alt[wam_rng_below(r, (uint32_t)na)];
		pos[which] = pos[--n]; /* a different position next time */
	}
	return true;
}

/* One random edit of `s` (capacity MB_RAW_MAX): substitution, insertion or
 * deletion, uniformly; keys keep at least 3 characters. */
static void edit(wam_rng *r, char *s)
{
	size_t len = strlen(s);
	unsigned op = wam_rng_below(r, 3);
	if (op == 2 && len <= 3)
		op = 0;
	if (op == 0) {
		size_t p = wam_rng_below(r, (uint32_t)len);
		s[p] = same_kind(r, s[p]);
	} else if (op == 1 && len + 2 < MB_RAW_MAX) {
		size_t p = wam_rng_below(r, (uint32_t)len + 1);
		char like = s[p < len ? p : len - 1];
		memmove(s + p + 1, s + p, len - p + 1);
		s[p] = same_kind(r, like);
	} else {
		size_t p = wam_rng_below(r, (uint32_t)len);
		memmove(s + p, s + p + 1, len - p);
	}
}

/* Replaces 1-2 distinct characters of `s` with '?'. */
static void unknown_positions(wam_rng *r, char *s)
{
	size_t len = strlen(s);
	unsigned times = 1 + wam_rng_below(r, 2);
	for (unsigned t = 0; t < times; t++) {
		size_t p = wam_rng_below(r, (uint32_t)len);
		if (s[p] == '?')
			p = (p + 1) % len;
		s[p] = '?';
	}
}

/* Loses 2-4 characters at the head or the tail of `s`, written '*'; at
 * least 3 characters stay. */
static void truncate_key(wam_rng *r, char *s)
{
	size_t len = strlen(s), lose = 2 + wam_rng_below(r, 3);
	if (lose + 3 > len)
		lose = len > 4 ? len - 3 : 1;
	if (wam_rng_below(r, 2)) {
		s[len - lose] = '*';
		s[len - lose + 1] = '\0';
	} else {
		memmove(s + 1, s + lose, len - lose + 1);
		s[0] = '*';
	}
}

/* Writes an exact query differently from the stored serial: separators,
 * lower case, Cyrillic look-alikes or Arabic-Indic digits. */
static void exact_variant(wam_rng *r, wam_buf *b)
{
	unsigned roll = wam_rng_below(r, 10);
	if (roll < 3 && mb_has_lookalike(b->p)) {
		mb_render_script(b, true);
	} else if (roll < 5) {
		mb_render_script(b, false);
	} else if (roll < 7) {
		for (size_t i = 0; i < b->n; i++)
			if (b->p[i] >= 'A' && b->p[i] <= 'Z')
				b->p[i] = (char)(b->p[i] + 32);
	}
	/* always a separator somewhere, or another one than stored */
	size_t half = b->n / 2;
	while (half < b->n && ((unsigned char)b->p[half] & 0xc0) == 0x80)
		half++;
	wam_buf out = {0};
	wam_buf_put(&out, b->p, half);
	wam_buf_puts(&out, wam_rng_below(r, 2) ? "-" : " ");
	wam_buf_puts(&out, b->p + half);
	wam_buf_reset(b);
	wam_buf_puts(b, out.p);
	wam_buf_free(&out);
}

/* ---- the query mix ---- */

/* The class of a query from a roll in [0, 100). */
static uint8_t class_of(unsigned roll)
{
	for (uint8_t c = 0; c < QC_COUNT; c++) {
		if (roll < class_share[c])
			return c;
		roll -= class_share[c];
	}
	return QC_EXACT;
}

/* True when some weapon's skeleton is exactly `skel` (k = 0 on the index). */
static void count_found(uint32_t rec, const char *key, void *payload)
{
	(void)rec;
	(void)key;
	(*(size_t *)payload)++;
}

/* A serial no weapon has exactly, for make `m`; its model into `*model`. */
static int fresh_serial(const mb_data *d, wam_match_index *ix, wam_rng *r, size_t m, wam_buf *b, size_t *model)
{
	for (int tries = 0; tries < 100; tries++) {
		wam_serial_keys k;
		size_t found = 0;
		mb_draw_serial(d, m, r, b, model);
		if (wam_serial_normalize(&k, b->p, NULL))
			return -1;
		wam_match_index_find(ix, k.skeleton, 0, 0, false, count_found, &found);
		if (!found)
			return 0;
	}
	return 0; /* every try exists: keep the last (reported as a match) */
}

/* Damages the canonical key of the query's weapon as its class says. */
static void damage(wam_rng *r, mb_query *q, const mb_data *d, wam_buf *b)
{
	char key[MB_RAW_MAX];
	snprintf(key, sizeof key, "%s", d->canon[q->truth]);
	switch (q->cls) {
	case QC_OCR:
		if (!confuse(r, key, 1 + (int)wam_rng_below(r, 2)))
			edit(r, key); /* nothing to confuse: a plain edit instead */
		break;
	case QC_EDIT1:
		edit(r, key);
		break;
	case QC_EDIT2:
		edit(r, key);
		edit(r, key);
		break;
	case QC_WILDCARD:
		unknown_positions(r, key);
		break;
	case QC_TRUNCATED:
		truncate_key(r, key);
		break;
	default:
		break;
	}
	wam_buf_reset(b);
	wam_buf_puts(b, key);
	if (q->cls == QC_EXACT)
		exact_variant(r, b);
	else
		mb_vary_separators(r, b);
}

/* Generates query `j`. */
static int generate_query(mb_query *q, size_t j, uint64_t seed, const mb_data *d, wam_match_index *ix, wam_buf *b)
{
	wam_rng r = mb_item_rng(seed, j, 3);
	memset(q, 0, sizeof *q);
	q->wam_k = -1;
	q->cls = class_of(wam_rng_below(&r, 100));
	q->with_make = wam_rng_below(&r, 100) < 60;
	q->with_calibre = wam_rng_below(&r, 100) < 30;
	if (q->cls == QC_NOMATCH) {
		size_t m = mb_pick_make(d, &r), model;
		if (fresh_serial(d, ix, &r, m, b, &model))
			return -1;
		q->truth = MB_NONE;
		q->make = (uint16_t)m;
		q->calibre = d->models[model].calibre;
	} else {
		q->truth = (uint32_t)wam_rng_below(&r, (uint32_t)d->n);
		q->make = d->make[q->truth];
		q->calibre = d->models[d->model[q->truth]].calibre;
		damage(&r, q, d, b);
	}
	if (b->n >= sizeof q->raw)
		return -1;
	memcpy(q->raw, b->p, b->n + 1);
	return 0;
}

/* Generates the whole query set. */
int mb_queries_generate(mb_query *qs, size_t n, uint64_t seed, const mb_data *d, wam_match_index *ix)
{
	wam_buf b = {0};
	int rc = 0;
	size_t j = 0;
	for (; !rc && j < n; j++)
		rc = generate_query(&qs[j], j, seed, d, ix, &b);
	if (rc)
		fprintf(stderr, "bench: cannot generate query %zu ('%s')\n", j - 1, b.p ? b.p : "");
	wam_buf_free(&b);
	return rc;
}

/* ---- running through wam ---- */

/* Edits wam allows for a normalized query: by its fixed length. */
int mb_allowed_k(const wam_serial_keys *keys)
{
	size_t fixed = 0;
	for (const char *p = keys->skeleton; *p; p++)
		fixed += *p != '*';
	return wam_match_default_k(fixed);
}

/* Whether a record's skeleton (or romanised one) is within k of a query. */
bool mb_within(const mb_data *d, uint32_t rec, const char *qskel, int k)
{
	if (wam_match_distance(qskel, d->skel[rec], 0, NULL, NULL) <= k)
		return true;
	return d->alt[rec][0] && wam_match_distance(qskel, d->altskel[rec], 0, NULL, NULL) <= k;
}

/* The request wam_match_search would build for a query. */
wam_match_request mb_request_of(const mb_data *d, const mb_query *q, int limit)
{
	wam_match_request req = {.serial = q->raw, .max_edits = -1, .limit = limit};
	if (q->with_make)
		req.attr[WAM_ATTR_MAKE] = d->makes[q->make].attr ? d->makes[q->make].attr : UINT32_MAX;
	if (q->with_calibre)
		req.attr[WAM_ATTR_CALIBRE] = d->calibre_attr[q->calibre] ? d->calibre_attr[q->calibre] : UINT32_MAX;
	return req;
}

/* True when a weapon is listed more than once among the hits. */
static bool has_repeats(const wam_match_hit *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (h[i].rec == h[j].rec)
				return true;
	return false;
}

/* Runs one query and records latency and recall. */
static void run_one(const mb_data *d, wam_match_index *ix, const mb_query *q, mb_outcome *o)
{
	wam_match_request req = mb_request_of(d, q, 10);
	wam_match_result res;
	double t0 = bench_now();
	int rc = wam_match_find(ix, &req, &res);
	o->seconds = bench_now() - t0;
	o->ran = true;
	if (rc) {
		o->failed = true;
		return;
	}
	o->any_hit = res.nhits > 0;
	o->partial = res.partial;
	o->considered = res.considered;
	o->at1 = q->truth != MB_NONE && res.nhits && res.hits[0].rec == q->truth;
	for (size_t i = 0; q->truth != MB_NONE && i < res.nhits; i++)
		o->at10 |= res.hits[i].rec == q->truth;
	o->repeats = has_repeats(res.hits, res.nhits);
	o->k = res.k;
	o->reachable = q->truth != MB_NONE && mb_within(d, q->truth, res.query.skeleton, res.k);
	free(res.hits);
}

/* Runs every query through wam, class by class within the budget. */
void mb_run_wam(const mb_data *d, wam_match_index *ix, const mb_query *qs, size_t n, double budget, mb_outcome *out)
{
	double spent[QC_COUNT] = {0}, last = bench_now();
	for (size_t j = 0; j < n; j++) {
		memset(&out[j], 0, sizeof out[j]);
		if (budget > 0 && spent[qs[j].cls] > budget)
			continue;
		run_one(d, ix, &qs[j], &out[j]);
		spent[qs[j].cls] += out[j].seconds;
		if (bench_now() - last > 10) {
			last = bench_now();
			fprintf(stderr, "bench: wam queries %zu/%zu\n", j + 1, n);
		}
	}
}

/* ---- the brute-force completeness check ---- */

/* A query prepared for the cheap lower bounds on its distance. */
typedef struct bound {
	const char *q;
	size_t len; /* characters other than '*' */
	int wild;   /* '?' count: each can hide a difference */
	bool star;  /* a '*' stands for any run */
	signed char hist[36];
} bound;

/* Position of an ASCII key character in the histogram, -1 for '?'. */
static int slot_of(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? 10 + c - 'A' : -1;
}

/* The length, '?' count and character histogram of a query skeleton. */
static void bound_prepare(bound *b, const char *q)
{
	memset(b, 0, sizeof *b);
	b->q = q;
	for (const char *p = q; *p; p++) {
		int s = slot_of(*p);
		if (*p == '*') {
			b->star = true;
			continue;
		}
		b->len++;
		if (s < 0)
			b->wild++;
		else
			b->hist[s]++;
	}
}

/* False when `key` is surely more than `k` edits away: each edit changes
 * the length by at most 1 and the character histogram by at most 2 (a '?'
 * of the query by at most 1 more). With a '*', which may stand for any
 * run, only the query's own characters count: each one the key lacks needs
 * an edit. True means "compute the distance". */
static bool bound_may_match(const bound *b, const char *key, int k)
{
	size_t len = strlen(key);
	if (len + (size_t)k < b->len || (!b->star && len > b->len + (size_t)k))
		return false;
	signed char h[36];
	memcpy(h, b->hist, sizeof h);
	for (const char *p = key; *p; p++) {
		int s = slot_of(*p);
		if (s >= 0)
			h[s]--;
	}
	int l1 = 0, lacking = 0;
	for (int i = 0; i < 36; i++) {
		l1 += h[i] < 0 ? -h[i] : h[i];
		lacking += h[i] > 0 ? h[i] : 0;
	}
	return b->star ? lacking <= k : l1 <= 2 * k + b->wild;
}

/* Edits the index searches outside the asked make: the 2-edit tier
 * (2 edits, or edits and '?' positions adding up to 2 or more) is
 * partitioned by make, and only nearer matches, one edit less, are looked
 * for in every make. -1: none. */
int mb_other_make_k(int k, const char *qskel)
{
	int unknown = 0;
	for (const char *p = qskel; *p; p++)
		unknown += *p == '?';
	return k + unknown >= 2 ? k - 1 : k;
}

/* Collects the records wam returned, into stamps. */
typedef struct marks {
	uint32_t *stamp;
	uint32_t now;
} marks;

/* Whether key `key` is within `k` edits of the prepared query. */
static bool key_within(const bound *b, const char *key, int k)
{
	return k >= 0 && bound_may_match(b, key, k) && wam_match_distance(b->q, key, 0, NULL, NULL) <= k;
}

/* Checks one query: every record within the allowed edits must be among
 * wam's candidates; records of another make than the one asked are
 * counted apart (the index partitions its 2-edit tier by make). Returns -1
 * when the search failed. */
static int check_one(const mb_data *d, wam_match_index *ix, const mb_query *q, marks *mk, mb_check *c)
{
	wam_match_request req = mb_request_of(d, q, INT_MAX);
	wam_match_result res;
	if (wam_match_find(ix, &req, &res))
		return -1;
	mk->now++;
	for (size_t i = 0; i < res.nhits; i++)
		mk->stamp[res.hits[i].rec] = mk->now;
	free(res.hits);
	bound b;
	bound_prepare(&b, res.query.skeleton);
	uint32_t make = req.attr[WAM_ATTR_MAKE];
	bool by_make = make && make != UINT32_MAX;
	int other_k = by_make ? mb_other_make_k(res.k, res.query.skeleton) : res.k;
	for (uint32_t r = 0; r < d->n; r++) {
		bool other = by_make && d->makes[d->make[r]].attr != make;
		int k = other ? other_k : res.k;
		if (!key_within(&b, d->skel[r], k) && !(d->alt[r][0] && key_within(&b, d->altskel[r], k)))
			continue;
		bool miss = mk->stamp[r] != mk->now;
		if (other) {
			c->within_other++;
			c->missed_other += miss;
		} else {
			c->within++;
			c->missed += miss;
		}
	}
	return 0;
}

/* Runs the completeness check over the first `sample` queries. */
void mb_check_complete(const mb_data *d, wam_match_index *ix, const mb_query *qs, size_t n, size_t sample, mb_check *c)
{
	marks mk = {calloc(d->n, sizeof *mk.stamp), 0};
	double last = bench_now();
	memset(c, 0, sizeof *c);
	if (!mk.stamp) {
		fprintf(stderr, "bench: out of memory for the completeness check\n");
		return;
	}
	for (size_t j = 0; j < n && j < sample; j++) {
		if (check_one(d, ix, &qs[j], &mk, c))
			c->failed++;
		else
			c->queries++;
		if (bench_now() - last > 10) {
			last = bench_now();
			fprintf(stderr, "bench: completeness check %zu/%zu\n", j + 1, sample < n ? sample : n);
		}
	}
	free(mk.stamp);
}
