/* The in-memory serial index.
 *
 * Every weapon is a record: its id (16-byte binary ULID), its skeleton key
 * and interned make, model, calibre and country. Candidates are found by the
 * pigeonhole principle (PassJoin): cut a key of length l into k+1 segments;
 * a key within k edits of the query keeps at least one segment intact,
 * found in the query shifted by at most k. Two tiers hold the segments:
 *
 *   tier 1: 2 segments per key, all records      -> k <= 1
 *   tier 2: 3 segments per key, hashed with make -> k = 2 within a make
 *
 * Postings live in one array, chained from hashed buckets (a collision only
 * costs a verification). An adjacent transposition is one edit but can break
 * two segments, so the query's transposed variants are probed too, with one
 * edit less. Every candidate is verified with the exact distance; what is
 * not covered by a tier (wildcards, fragments, 2 edits without a make) is a
 * scan of all keys. Measured in bench/bench_match.c; see docs/match.md. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "match/index.h"
#include "match/tables.h"

#define NO_POSTING UINT32_MAX
#define ALT_FLAG 0x80000000u /* a posting of a record's transliteration key */

typedef struct posting {
	uint32_t rec; /* record number, ALT_FLAG for the alternative key */
	uint32_t next;
} posting;

/* A tier's postings: a compact part (CSR: for bucket b, recs[off[b] ..
 * off[b+1]), 4 bytes a posting) written when the index is built or saved,
 * and chains for the weapons added since (8 bytes a posting). */
typedef struct tier {
	int segments;
	bool by_make;
	uint32_t *head; /* chains; NULL while there are none */
	uint32_t *off, *recs;
	unsigned bits;
} tier;

typedef struct intern {
	uint32_t *slot; /* 1-based ids, 0 empty */
	size_t cap, n;
	char **str;
} intern;

struct wam_match_index {
	uint32_t n, cap;
	uint8_t (*id)[16];
	uint32_t *koff;
	uint8_t *klen;
	wam_match_attrs *attrs;
	uint32_t *alt; /* per record: arena offset of the alternative key + 1, 0 none */
	uint32_t *seen;
	uint32_t stamp;
	char *arena;
	size_t arena_n, arena_cap;
	posting *post;
	size_t npost, postcap;
	tier t0, t1, t2;
	intern attr[4];
};

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static uint64_t hash_bytes(uint64_t seed, const char *p, size_t n)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return mix(h);
}

/* ---- interning ---- */

static uint32_t intern_get(intern *t, const char *s, bool add)
{
	if (!s || !*s)
		return 0;
	if (add && (t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		uint32_t *slot = calloc(cap, sizeof *slot);
		char **str = realloc(t->str, (cap / 2 + 1) * sizeof *str);
		if (!slot || !str) {
			free(slot);
			if (str)
				t->str = str;
			return 0;
		}
		t->str = str;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i]) {
				size_t j = hash_bytes(0, t->str[t->slot[i]], strlen(t->str[t->slot[i]])) & (cap - 1);
				while (slot[j])
					j = (j + 1) & (cap - 1);
				slot[j] = t->slot[i];
			}
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	if (!t->cap)
		return 0;
	size_t j = hash_bytes(0, s, strlen(s)) & (t->cap - 1);
	while (t->slot[j]) {
		if (!strcmp(t->str[t->slot[j]], s))
			return t->slot[j];
		j = (j + 1) & (t->cap - 1);
	}
	if (!add)
		return 0;
	char *copy = strdup(s);
	if (!copy)
		return 0;
	t->str[++t->n] = copy;
	t->slot[j] = (uint32_t)t->n;
	return (uint32_t)t->n;
}

uint32_t wam_match_index_attr(const wam_match_index *ix, int which, const char *key)
{
	return intern_get((intern *)&ix->attr[which], key, false);
}

/* ---- records ---- */

wam_match_index *wam_match_index_new(void)
{
	wam_match_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->t0 = (tier){.segments = 1, .by_make = false};
	ix->t1 = (tier){.segments = 0, .by_make = false}; /* deletions, see index_deletions */
	ix->t2 = (tier){.segments = 3, .by_make = true};
	return ix;
}

void wam_match_index_free(wam_match_index *ix)
{
	if (!ix)
		return;
	free(ix->id);
	free(ix->koff);
	free(ix->klen);
	free(ix->attrs);
	free(ix->alt);
	free(ix->seen);
	free(ix->arena);
	free(ix->post);
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++) {
		free(tiers[t]->head);
		free(tiers[t]->off);
		free(tiers[t]->recs);
	}
	for (int a = 0; a < 4; a++) {
		for (size_t i = 1; i <= ix->attr[a].n; i++)
			free(ix->attr[a].str[i]);
		free(ix->attr[a].str);
		free(ix->attr[a].slot);
	}
	free(ix);
}

static bool grow_records(wam_match_index *ix)
{
	uint32_t cap = ix->cap ? ix->cap * 2 : 1024;
#define GROW(field)                                                                                           \
	do {                                                                                                      \
		void *p = realloc(ix->field, (size_t)cap * sizeof *ix->field);                                        \
		if (!p)                                                                                               \
			return false;                                                                                     \
		ix->field = p;                                                                                        \
	} while (0)
	GROW(id);
	GROW(koff);
	GROW(klen);
	GROW(attrs);
	GROW(alt);
	GROW(seen);
#undef GROW
	memset(ix->seen + ix->cap, 0, (size_t)(cap - ix->cap) * sizeof *ix->seen);
	ix->cap = cap;
	return true;
}

static long put_arena(wam_match_index *ix, const char *s, size_t n);

/* A key in the arena: its canonical form, then its skeleton, each ending in
 * NUL; returns the canonical's offset. Storing the skeleton costs a few
 * bytes per weapon and saves folding it on every verification. */
static long put_key(wam_match_index *ix, const char *canonical, size_t n)
{
	char skel[WAM_KEY_MAX];
	const wam_match_tables *t = wam_match_tables_get();
	for (size_t i = 0; i < n; i++)
		skel[i] = t ? (char)t->fold[(unsigned char)canonical[i] & 0x7f] : canonical[i];
	long off = put_arena(ix, canonical, n);
	return off < 0 || put_arena(ix, skel, n) < 0 ? -1 : off;
}

static long put_arena(wam_match_index *ix, const char *s, size_t n)
{
	if (ix->arena_n + n + 1 > ix->arena_cap) {
		size_t cap = ix->arena_cap ? ix->arena_cap * 2 : 65536;
		while (cap < ix->arena_n + n + 1)
			cap *= 2;
		char *p = realloc(ix->arena, cap);
		if (!p)
			return -1;
		ix->arena = p;
		ix->arena_cap = cap;
	}
	long off = (long)ix->arena_n;
	memcpy(ix->arena + ix->arena_n, s, n);
	ix->arena[ix->arena_n + n] = '\0';
	ix->arena_n += n + 1;
	return off;
}

/* The canonical key a posting stands for (records keep canonical keys;
 * segments and verification use their skeletons). */
static const char *key_of(const wam_match_index *ix, uint32_t posting_rec)
{
	uint32_t rec = posting_rec & ~ALT_FLAG;
	if (posting_rec & ALT_FLAG)
		return ix->arena + ix->alt[rec] - 1;
	return ix->arena + ix->koff[rec];
}

/* The skeleton stored right after a canonical key. */
static const char *skeleton_of(const char *canonical)
{
	return canonical + strlen(canonical) + 1;
}

/* ---- tiers ---- */

/* Start and length of segment `i` of `nseg` in a key of length `l`: the
 * first segments are the shorter ones. */
static void segment(size_t l, int nseg, int i, size_t *start, size_t *len)
{
	size_t base = l / (size_t)nseg, longer = l % (size_t)nseg, shorter = (size_t)nseg - longer;
	size_t ui = (size_t)i;
	*len = ui < shorter ? base : base + 1;
	*start = ui < shorter ? ui * base : shorter * base + (ui - shorter) * (base + 1);
}

static uint64_t segment_hash(const tier *t, size_t l, int i, uint32_t make, const char *p, size_t n)
{
	uint64_t seed = ((uint64_t)l << 40) ^ ((uint64_t)i << 32) ^ (t->by_make ? make : 0) ^ ((uint64_t)t->segments << 56);
	return hash_bytes(seed, p, n);
}

static bool add_posting(wam_match_index *ix, tier *t, uint64_t h, uint32_t rec)
{
	if (ix->npost == ix->postcap) {
		size_t cap = ix->postcap ? ix->postcap * 2 : 8192;
		posting *p = realloc(ix->post, cap * sizeof *p);
		if (!p)
			return false;
		ix->post = p;
		ix->postcap = cap;
	}
	uint32_t b = (uint32_t)(h >> (64 - t->bits));
	if (!t->head) {
		if (!(t->head = malloc(((size_t)1 << t->bits) * sizeof *t->head)))
			return false;
		memset(t->head, 0xff, ((size_t)1 << t->bits) * sizeof *t->head);
	}
	ix->post[ix->npost] = (posting){rec, t->head[b]};
	t->head[b] = (uint32_t)ix->npost++;
	return true;
}

/* Keys shorter than the segment count have no segments: they sit in bucket
 * 0 of the tier under a fixed hash, and every probe reads that list. */
static uint64_t short_hash(const tier *t)
{
	return segment_hash(t, 0, 0, 0, "", 0);
}

static bool index_key(wam_match_index *ix, tier *t, const char *key, uint32_t make, uint32_t rec)
{
	size_t l = strlen(key);
	if (l < (size_t)t->segments)
		return add_posting(ix, t, short_hash(t), rec);
	for (int i = 0; i < t->segments; i++) {
		size_t start, len;
		segment(l, t->segments, i, &start, &len);
		if (!add_posting(ix, t, segment_hash(t, l, i, make, key + start, len), rec))
			return false;
	}
	return true;
}

/* The deletion tier (symmetric delete, k = 1): the key with each one of its
 * characters left out. Two keys are within one edit exactly when one equals
 * the other, or one with a character left out equals the other, or both with
 * one left out are equal (a substitution, or a transposition). */
static uint64_t deletion_hash(const wam_match_index *ix, const char *key, size_t l, size_t skip)
{
	char d[WAM_KEY_MAX];
	memcpy(d, key, skip);
	memcpy(d + skip, key + skip + 1, l - skip - 1);
	return segment_hash(&ix->t1, l - 1, 0, 0, d, l - 1);
}

static bool index_deletions(wam_match_index *ix, const char *key, uint32_t rec)
{
	size_t l = strlen(key);
	for (size_t j = 0; j < l; j++) {
		if (j && key[j] == key[j - 1])
			continue; /* deleting either of two equal neighbours gives the same key */
		if (!add_posting(ix, &ix->t1, deletion_hash(ix, key, l, j), rec))
			return false;
	}
	return true;
}

static bool index_record(wam_match_index *ix, uint32_t rec)
{
	for (int alt = 0; alt < 2; alt++) {
		if (alt && !ix->alt[rec])
			break;
		uint32_t p = rec | (alt ? ALT_FLAG : 0);
		const char *key = skeleton_of(key_of(ix, p));
		if (!index_key(ix, &ix->t0, key, 0, p) || !index_deletions(ix, key, p) ||
		    !index_key(ix, &ix->t2, key, ix->attrs[rec].make, p))
			return false;
	}
	return true;
}

/* Sizes the bucket arrays to about one bucket per posting and reindexes:
 * called as the index doubles, so adding stays amortised constant time. */
static bool rehash(wam_match_index *ix)
{
	/* about one bucket per weapon: chains of two or three postings */
	unsigned bits = 16;
	while (((size_t)1 << bits) < (size_t)ix->n * 2 && bits < 28)
		bits++;
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++) {
		tier *tr = tiers[t];
		free(tr->head);
		free(tr->off);
		free(tr->recs);
		tr->head = tr->off = tr->recs = NULL; /* chains are made again below */
		tr->bits = bits;
	}
	ix->npost = 0;
	for (uint32_t r = 0; r < ix->n; r++)
		if (!index_record(ix, r))
			return false;
	return true;
}

static void encode_id(uint8_t out[16], const char *id)
{
	/* 26 Crockford digits = 130 bits, the top 2 always 0 */
	memset(out, 0, 16);
	for (int i = 0; i < 26 && id[i]; i++) {
		const char *p = strchr(crockford, id[i]);
		unsigned v = p ? (unsigned)(p - crockford) : 0;
		for (int b = 4; b >= 0; b--) {
			int pos = (25 - i) * 5 + b;
			if (pos < 128 && (v >> b) & 1)
				out[15 - pos / 8] |= (uint8_t)(1u << (pos % 8));
		}
	}
}

void wam_match_index_id(const wam_match_index *ix, uint32_t rec, char out[WAM_ID_LEN + 1])
{
	const uint8_t *b = ix->id[rec];
	for (int i = 0; i < 26; i++) {
		unsigned v = 0;
		for (int k = 4; k >= 0; k--) {
			int pos = (25 - i) * 5 + k;
			v = (v << 1) | (pos < 128 ? (b[15 - pos / 8] >> (pos % 8)) & 1u : 0u);
		}
		out[i] = crockford[v];
	}
	out[26] = '\0';
}

long wam_match_index_add(wam_match_index *ix, const char *id, const char *canonical, const char *translit,
                         const char *make_key, const char *model_key, const char *calibre_key, const char *country)
{
	if (ix->n == ix->cap && !grow_records(ix))
		return -1;
	uint32_t rec = ix->n;
	size_t kl = strlen(canonical);
	if (kl >= WAM_KEY_MAX)
		kl = WAM_KEY_MAX - 1;
	long off = put_key(ix, canonical, kl);
	if (off < 0)
		return -1;
	encode_id(ix->id[rec], id);
	ix->koff[rec] = (uint32_t)off;
	ix->klen[rec] = (uint8_t)kl;
	ix->alt[rec] = 0;
	if (translit && *translit) {
		long a = put_key(ix, translit, strlen(translit) < WAM_KEY_MAX ? strlen(translit) : WAM_KEY_MAX - 1);
		if (a < 0)
			return -1;
		ix->alt[rec] = (uint32_t)a + 1;
	}
	ix->attrs[rec] = (wam_match_attrs){intern_get(&ix->attr[WAM_ATTR_MAKE], make_key, true),
	                                   intern_get(&ix->attr[WAM_ATTR_MODEL], model_key, true),
	                                   intern_get(&ix->attr[WAM_ATTR_CALIBRE], calibre_key, true),
	                                   intern_get(&ix->attr[WAM_ATTR_COUNTRY], country, true)};
	ix->seen[rec] = 0;
	ix->n++;
	if (!ix->t1.bits || ((size_t)1 << ix->t1.bits) < (size_t)ix->n) {
		if (!rehash(ix))
			return -1;
	} else if (!index_record(ix, rec)) {
		return -1;
	}
	return rec;
}

/* ---- search ---- */

typedef struct search {
	wam_match_index *ix;
	const char *q;
	int k;
	uint32_t make; /* searching within one make (0: all) */
	unsigned mode;
	unsigned ends;     /* WAM_BP_FREE_START / _END: "*" at the query's ends */
	wam_bitpattern bp; /* the query without those stars, for bit-parallel verification */
	const char *core;  /* that query without stars */
	size_t core_len;
	wam_match_found_fn found;
	void *payload;
} search;

/* '?'-aware comparison of `n` characters. */
static bool same(const char *q, const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (q[i] != k[i] && q[i] != '?')
			return false;
	return true;
}

/* A cheap test that can only say no: when the query has stars at its ends
 * (a scan of every key), most keys are ruled out by their first or last
 * characters before the bit-parallel distance runs. Exact for k = 0. */
static bool may_match(const search *s, const char *skel, size_t l)
{
	const char *q = s->core;
	size_t m = s->core_len;
	if (!s->ends || s->ends == WAM_BP_FRAGMENT || s->k > 1 || !m)
		return true;
	if (s->k == 0) {
		if (l < m)
			return false;
		return s->ends == WAM_BP_FREE_END ? same(q, skel, m) : same(q, skel + l - m, m);
	}
	/* one edit: of the two characters at the fixed end, one survives in
	 * one of the two first (or last) places */
	if (m < 2 || l < 1)
		return true;
	const char *a = s->ends == WAM_BP_FREE_END ? q : q + m - 2;
	const char *b = s->ends == WAM_BP_FREE_END ? skel : skel + l - (l >= 2 ? 2 : 1);
	size_t nb = l >= 2 ? 2 : 1;
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < nb; j++)
			if (a[i] == '?' || a[i] == b[j])
				return true;
	return false;
}

static void verify(search *s, uint32_t p)
{
	uint32_t rec = p & ~ALT_FLAG;
	if (s->ix->seen[rec] == s->ix->stamp)
		return;
	s->ix->seen[rec] = s->ix->stamp;
	if (s->make && s->ix->attrs[rec].make != s->make)
		return; /* reached through a shared bucket or the short-key list */
	/* a record is a candidate through its skeleton or its romanised key */
	for (int alt = 0; alt < 2; alt++) {
		if (alt && !s->ix->alt[rec])
			break;
		const char *key = key_of(s->ix, rec | (alt ? ALT_FLAG : 0));
		size_t l = alt ? strlen(key) : s->ix->klen[rec];
		const char *skel = key + l + 1;
		if (!may_match(s, skel, l))
			continue;
		double d = s->bp.usable ? wam_bp_distance(&s->bp, skel, s->ends)
		                        : wam_match_distance(s->q, skel, s->mode, NULL, NULL);
		if (d <= s->k) {
			s->found(rec, key, s->payload);
			return;
		}
	}
}

static void read_list(search *s, const tier *t, uint64_t h)
{
	size_t b = (size_t)(h >> (64 - t->bits));
	if (t->off)
		for (uint32_t i = t->off[b]; i < t->off[b + 1]; i++)
			verify(s, t->recs[i]);
	if (t->head)
		for (uint32_t i = t->head[b]; i != NO_POSTING; i = s->ix->post[i].next)
			verify(s, s->ix->post[i].rec);
}

/* Keys within one edit (or one '?') of `p`, through the exact and the
 * deletion tiers: about 2m+2 buckets, each holding little but true
 * neighbours. */
static void probe_one_edit(search *s, const char *p)
{
	size_t m = strlen(p);
	tier *t0 = &s->ix->t0, *t1 = &s->ix->t1;
	read_list(s, t0, segment_hash(t0, m, 0, 0, p, m));     /* equal */
	read_list(s, t1, segment_hash(t1, m, 0, 0, p, m));     /* the key has one more character */
	for (size_t i = 0; i < m; i++) {
		if (i && p[i] == p[i - 1])
			continue;
		char d[WAM_KEY_MAX];
		memcpy(d, p, i);
		memcpy(d + i, p + i + 1, m - i - 1);
		read_list(s, t0, segment_hash(t0, m - 1, 0, 0, d, m - 1)); /* the key has one less */
		read_list(s, t1, deletion_hash(s->ix, p, m, i));          /* one differs, or two swapped */
	}
}

/* Probes a tier with `p` (the query or a transposed variant) for keys within
 * `budget` edits of it. */
static void probe(search *s, const tier *t, const char *p, int budget, uint32_t make)
{
	size_t m = strlen(p);
	if (budget == 0 && !strchr(p, '?')) { /* nothing may differ: the whole key, one bucket */
		read_list(s, &s->ix->t0, segment_hash(&s->ix->t0, m, 0, 0, p, m));
		return;
	}
	read_list(s, t, short_hash(t));
	size_t lo = m > (size_t)budget ? m - (size_t)budget : 1;
	for (size_t l = lo; l <= m + (size_t)budget; l++) {
		if (l < (size_t)t->segments)
			continue;
		long delta = (long)m - (long)l;
		for (int i = 0; i < t->segments; i++) {
			size_t start, len;
			segment(l, t->segments, i, &start, &len);
			/* the segment moved by `shift`: that many edits before it, and
			 * |delta - shift| after it, within the budget */
			for (long shift = -budget; shift <= budget; shift++) {
				long x = (long)start + shift;
				if (labs(shift) + labs(delta - shift) > budget || x < 0 || (size_t)x + len > m ||
				    memchr(p + x, '?', len))
					continue; /* a segment with '?' in it is among the damaged ones */
				read_list(s, t, segment_hash(t, l, i, make, p + x, len));
			}
		}
	}
	/* a transposition across a segment boundary spoils two segments */
	if (budget > 0) {
		char v[WAM_KEY_MAX];
		for (size_t i = 0; i + 1 < m; i++) {
			if (p[i] == p[i + 1])
				continue;
			memcpy(v, p, m + 1);
			v[i] = p[i + 1];
			v[i + 1] = p[i];
			probe(s, t, v, budget - 1, make);
		}
	}
}

/* Every key, in memory order. Keys whose length alone puts them out of
 * reach are skipped without a verification. */
static void scan(search *s)
{
	size_t m = 0, stars = 0;
	for (const char *p = s->q; *p; p++) {
		m += *p != '*';
		stars += *p == '*';
	}
	size_t lo = m > (size_t)s->k ? m - (size_t)s->k : 0;
	size_t hi = stars || (s->mode & WAM_DIST_PARTIAL) ? SIZE_MAX : m + (size_t)s->k;
	for (uint32_t r = 0; r < s->ix->n; r++) {
		size_t l = s->ix->klen[r];
		if ((l < lo || l > hi) && !s->ix->alt[r])
			continue;
		verify(s, r);
	}
}

/* The record a byte of the arena belongs to (keys are stored in record
 * order, a romanised key right after its record's own). */
static uint32_t record_at(const wam_match_index *ix, size_t off)
{
	uint32_t lo = 0, hi = ix->n;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ix->koff[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* A fragment (k = 0): every occurrence of its longest '?'-free piece in the
 * key arena is a candidate; memmem runs at memory speed. */
static void fragment(search *s)
{
	const char *q = s->q, *best = NULL;
	size_t best_len = 0;
	for (const char *p = q; *p;) {
		size_t n = strcspn(p, "?*");
		if (n > best_len) {
			best = p;
			best_len = n;
		}
		p += n;
		if (*p)
			p++;
	}
	if (!best_len) {
		scan(s);
		return;
	}
	const char *arena = s->ix->arena, *end = arena + s->ix->arena_n;
	for (const char *at = arena; at < end;) {
		const char *hit = memmem(at, (size_t)(end - at), best, best_len);
		if (!hit)
			break;
		verify(s, record_at(s->ix, (size_t)(hit - arena)));
		at = hit + 1;
	}
}

int wam_match_index_find(wam_match_index *ix, const char *q, int k, uint32_t make, bool partial,
                         wam_match_found_fn found, void *payload)
{
	search s = {ix, q, k, 0, partial ? WAM_DIST_PARTIAL : 0, 0, {{0}, 0, false}, NULL, 0, found, payload};
	size_t m = strlen(q), w = 0, stars = 0;
	for (const char *p = q; *p; p++) {
		w += *p == '?';
		stars += *p == '*';
	}
	/* stars only at the ends: the bit-parallel verifier handles them */
	char core[WAM_KEY_MAX];
	size_t from = 0, to = m;
	while (from < to && q[from] == '*')
		from++;
	while (to > from && q[to - 1] == '*')
		to--;
	if (to - from < sizeof core && !memchr(q + from, '*', to - from)) {
		memcpy(core, q + from, to - from);
		core[to - from] = '\0';
		s.core = core;
		s.core_len = to - from;
		s.ends = (from ? WAM_BP_FREE_START : 0) | (to < m ? WAM_BP_FREE_END : 0) | (partial ? WAM_BP_FRAGMENT : 0);
		wam_bp_prepare(&s.bp, core);
	}
	if (!ix->n)
		return 0;
	if (++ix->stamp == 0) { /* the visit stamps wrapped: start afresh */
		memset(ix->seen, 0, (size_t)ix->cap * sizeof *ix->seen);
		ix->stamp = 1;
	}
	/* '?' is a position that may differ: it spends the budget of the
	 * pigeonhole like an edit, not the budget of the verification */
	int budget = k + (int)w;
	if (!partial && !stars && budget <= 1) {
		if (budget == 0 && !w)
			probe(&s, &ix->t0, q, 0, 0);
		else
			probe_one_edit(&s, q);
		return 0;
	}
	if (!partial && !stars && budget <= 2 && make) {
		s.make = make;
		probe(&s, &ix->t2, q, budget, make);
		return 0;
	}
	if (partial && !stars && k == 0) {
		fragment(&s);
		return 1;
	}
	scan(&s);
	return 1;
}

const char *wam_match_index_canonical(const wam_match_index *ix, uint32_t rec)
{
	return ix->arena + ix->koff[rec];
}

wam_match_attrs wam_match_index_attrs(const wam_match_index *ix, uint32_t rec)
{
	return ix->attrs[rec];
}

uint32_t wam_match_index_size(const wam_match_index *ix)
{
	return ix->n;
}

size_t wam_match_index_bytes(const wam_match_index *ix)
{
	size_t per = sizeof *ix->id + sizeof *ix->koff + sizeof *ix->klen + sizeof *ix->attrs + sizeof *ix->alt +
	             sizeof *ix->seen;
	size_t b = (size_t)ix->cap * per + ix->arena_cap + ix->postcap * sizeof(posting);
	const tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++) {
		size_t nb = tiers[t]->bits ? (size_t)1 << tiers[t]->bits : 0;
		if (tiers[t]->head)
			b += nb * sizeof(uint32_t);
		if (tiers[t]->off)
			b += (nb + 1 + tiers[t]->off[nb]) * sizeof(uint32_t);
	}
	return b;
}

/* Moves a tier's chains into its compact part. */
static bool compact_tier(wam_match_index *ix, tier *t)
{
	size_t nb = (size_t)1 << t->bits, total = 0;
	uint32_t *off = malloc((nb + 1) * sizeof *off);
	if (!off)
		return false;
	for (size_t b = 0; b < nb; b++) {
		off[b] = (uint32_t)total;
		total += t->off ? t->off[b + 1] - t->off[b] : 0;
		if (t->head)
			for (uint32_t i = t->head[b]; i != NO_POSTING; i = ix->post[i].next)
				total++;
	}
	off[nb] = (uint32_t)total;
	uint32_t *recs = malloc((total ? total : 1) * sizeof *recs);
	if (!recs) {
		free(off);
		return false;
	}
	for (size_t b = 0; b < nb; b++) {
		uint32_t w = off[b];
		if (t->off)
			for (uint32_t i = t->off[b]; i < t->off[b + 1]; i++)
				recs[w++] = t->recs[i];
		if (t->head)
			for (uint32_t i = t->head[b]; i != NO_POSTING; i = ix->post[i].next)
				recs[w++] = ix->post[i].rec;
	}
	free(t->off);
	free(t->recs);
	free(t->head);
	t->off = off;
	t->recs = recs;
	t->head = NULL;
	return true;
}

/* Shrinks every array to its contents: a posting then costs 4 bytes, not 8. */
static void *shrink(void *p, size_t size)
{
	void *q = size ? realloc(p, size) : NULL;
	return q ? q : p;
}

int wam_match_index_compact(wam_match_index *ix)
{
	if (!ix->t1.bits)
		return 0;
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++)
		if (!compact_tier(ix, tiers[t]))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory compacting the serial index");
	free(ix->post);
	ix->post = NULL;
	ix->npost = ix->postcap = 0;
	if (ix->n) {
		ix->id = shrink(ix->id, ix->n * sizeof *ix->id);
		ix->koff = shrink(ix->koff, ix->n * sizeof *ix->koff);
		ix->klen = shrink(ix->klen, ix->n * sizeof *ix->klen);
		ix->attrs = shrink(ix->attrs, ix->n * sizeof *ix->attrs);
		ix->alt = shrink(ix->alt, ix->n * sizeof *ix->alt);
		ix->seen = shrink(ix->seen, ix->n * sizeof *ix->seen);
		ix->cap = ix->n;
	}
	ix->arena = shrink(ix->arena, ix->arena_n);
	ix->arena_cap = ix->arena_n;
	return 0;
}

/* ---- the index file ----
 *
 * "<registry>.serials", beside the database: a header, then the index's
 * arrays as they are in memory, then the interned attribute strings. The
 * header names the ledger position the index reflects (sequence and event
 * hash), the matcher tables and projection layout the keys were made with,
 * and a BLAKE2b digest of everything after it. A file that fails any check
 * is not used. Written to a temporary name and renamed, so a reader never
 * sees half a file. */

#define FILE_MAGIC "WAMSIX04"

typedef struct file_header {
	char magic[8];
	uint32_t endian, version;
	wam_index_stamp stamp;
	unsigned char tables[32];
	char projection[8];
	uint64_t n, arena_n, nrecs[3], strings;
	uint32_t bits0, bits1, bits2;
	unsigned char digest[32];
} file_header;

typedef struct chunk {
	void *p;
	size_t size;
} chunk;

static size_t body_chunks(const wam_match_index *ix, chunk c[12], size_t *nchunks)
{
	size_t n = ix->n, k = 0, total = 0;
	c[k++] = (chunk){ix->id, n * sizeof *ix->id};
	c[k++] = (chunk){ix->koff, n * sizeof *ix->koff};
	c[k++] = (chunk){ix->klen, n * sizeof *ix->klen};
	c[k++] = (chunk){ix->attrs, n * sizeof *ix->attrs};
	c[k++] = (chunk){ix->alt, n * sizeof *ix->alt};
	c[k++] = (chunk){ix->arena, ix->arena_n};
	const tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++) {
		size_t nb = (size_t)1 << tiers[t]->bits;
		c[k++] = (chunk){tiers[t]->off, (nb + 1) * sizeof(uint32_t)};
		c[k++] = (chunk){tiers[t]->recs, tiers[t]->off[nb] * sizeof(uint32_t)};
	}
	*nchunks = k;
	for (size_t i = 0; i < k; i++)
		total += c[i].size;
	return total;
}

static void strings_of(const wam_match_index *ix, wam_buf *b)
{
	for (int a = 0; a < 4; a++) {
		wam_buf_printf(b, "%zu", ix->attr[a].n);
		wam_buf_putc(b, '\0');
		for (size_t i = 1; i <= ix->attr[a].n; i++)
			wam_buf_put(b, ix->attr[a].str[i], strlen(ix->attr[a].str[i]) + 1);
	}
}

int wam_match_index_save(wam_match_index *ix, const char *path, const wam_index_stamp *stamp)
{
	const wam_match_tables *t = wam_match_tables_get();
	char tmp[4200];
	chunk c[14];
	size_t nc;
	wam_buf strings = {0};
	file_header h;
	if (!t)
		return WAM_EIO;
	if (!ix->t1.bits)
		return wam_error_set(WAM_EINVAL, "index", "an empty serial index is not saved");
	int crc = wam_match_index_compact(ix); /* the file holds the compact form only */
	if (crc)
		return crc;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, FILE_MAGIC, 8);
	h.endian = 0x01020304;
	h.version = 1;
	h.stamp = *stamp;
	memcpy(h.tables, t->digest, 32);
	snprintf(h.projection, sizeof h.projection, "%s", WAM_PROJECTION_VERSION);
	h.n = ix->n;
	h.arena_n = ix->arena_n;
	h.nrecs[0] = ix->t0.off[(size_t)1 << ix->t0.bits];
	h.nrecs[1] = ix->t1.off[(size_t)1 << ix->t1.bits];
	h.nrecs[2] = ix->t2.off[(size_t)1 << ix->t2.bits];
	h.bits0 = ix->t0.bits;
	h.bits1 = ix->t1.bits;
	h.bits2 = ix->t2.bits;
	body_chunks(ix, c, &nc);
	strings_of(ix, &strings);
	c[nc++] = (chunk){strings.p, strings.n};
	h.strings = strings.n;
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	for (size_t i = 0; i < nc; i++)
		crypto_generichash_update(&hs, c[i].p, c[i].size);
	crypto_generichash_final(&hs, h.digest, 32);

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600); /* serials are sensitive */
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	int rc = 0;
	if (!f) {
		if (fd >= 0)
			close(fd);
		rc = wam_error_set(WAM_EIO, "index", "cannot write the serial index %s", tmp);
		goto done;
	}
	bool ok = fwrite(&h, sizeof h, 1, f) == 1;
	for (size_t i = 0; ok && i < nc; i++)
		ok = !c[i].size || fwrite(c[i].p, c[i].size, 1, f) == 1;
	ok = fflush(f) == 0 && ok && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		rc = wam_error_set(WAM_EIO, "index", "cannot write the serial index %s", path);
	}
done:
	wam_buf_free(&strings);
	return rc;
}

static int corrupt(const char *path, const char *why)
{
	return wam_error_set(WAM_EINTEGRITY, "index", "the serial index %s cannot be used: %s", path, why);
}

int wam_match_index_load(wam_match_index **out, const char *path, wam_index_stamp *stamp)
{
	const wam_match_tables *t = wam_match_tables_get();
	file_header h;
	int rc = 0;
	*out = NULL;
	if (!t)
		return WAM_EIO;
	FILE *f = fopen(path, "rb");
	if (!f)
		return wam_error_set(WAM_ENOTFOUND, "index", "no serial index at %s", path);
	wam_match_index *ix = wam_match_index_new();
	if (!ix) {
		fclose(f);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, FILE_MAGIC, 8) != 0 || h.endian != 0x01020304 ||
	    h.version != 1) {
		rc = corrupt(path, "not a serial index of this version");
		goto fail;
	}
	if (memcmp(h.tables, t->digest, 32) != 0 || strncmp(h.projection, WAM_PROJECTION_VERSION, sizeof h.projection)) {
		rc = corrupt(path, "made with other matcher tables or an older layout");
		goto fail;
	}
	if (h.n >= ALT_FLAG || h.bits0 > 28 || h.bits1 > 28 || h.bits2 > 28 || h.bits0 < 16 || h.bits1 < 16 ||
	    h.bits2 < 16 || h.nrecs[0] > 2 * h.n + 2 || h.nrecs[1] > 2 * 64 * h.n + 64 || h.nrecs[2] > 8 * h.n + 8 ||
	    h.arena_n > 260 * h.n + 64 || h.strings > (1u << 30)) {
		rc = corrupt(path, "its header is inconsistent");
		goto fail;
	}
	size_t n = (size_t)h.n;
	ix->n = ix->cap = (uint32_t)n;
	ix->id = malloc((n ? n : 1) * sizeof *ix->id);
	ix->koff = malloc((n ? n : 1) * sizeof *ix->koff);
	ix->klen = malloc(n ? n : 1);
	ix->attrs = malloc((n ? n : 1) * sizeof *ix->attrs);
	ix->alt = malloc((n ? n : 1) * sizeof *ix->alt);
	ix->seen = calloc(n ? n : 1, sizeof *ix->seen);
	ix->arena_cap = h.arena_n + 1;
	ix->arena = malloc(ix->arena_cap);
	const unsigned bits[3] = {h.bits0, h.bits1, h.bits2};
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	bool allocated = ix->id && ix->koff && ix->klen && ix->attrs && ix->alt && ix->seen && ix->arena;
	for (int ti = 0; ti < 3; ti++) {
		tiers[ti]->bits = bits[ti];
		tiers[ti]->off = malloc((((size_t)1 << bits[ti]) + 1) * sizeof(uint32_t));
		tiers[ti]->recs = malloc((h.nrecs[ti] ? h.nrecs[ti] : 1) * sizeof(uint32_t));
		allocated = allocated && tiers[ti]->off && tiers[ti]->recs;
		if (tiers[ti]->off) /* body_chunks reads the last offset for the size */
			tiers[ti]->off[(size_t)1 << bits[ti]] = (uint32_t)h.nrecs[ti];
	}
	char *strings = malloc(h.strings + 1);
	if (!allocated || !strings) {
		free(strings);
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	ix->arena_n = h.arena_n;
	chunk c[14];
	size_t nc;
	body_chunks(ix, c, &nc);
	c[nc++] = (chunk){strings, h.strings};
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	bool ok = true;
	for (size_t i = 0; ok && i < nc; i++) {
		ok = !c[i].size || fread(c[i].p, c[i].size, 1, f) == 1;
		if (ok)
			crypto_generichash_update(&hs, c[i].p, c[i].size);
	}
	unsigned char digest[32];
	crypto_generichash_final(&hs, digest, 32);
	if (!ok || getc(f) != EOF || memcmp(digest, h.digest, 32) != 0) {
		free(strings);
		rc = corrupt(path, "its content does not match its digest");
		goto fail;
	}
	/* offsets must rise and stay within the postings, postings name records */
	for (int ti = 0; ti < 3 && ok; ti++) {
		const tier *tr = tiers[ti];
		size_t nb = (size_t)1 << bits[ti];
		for (size_t b = 0; b < nb && ok; b++)
			ok = tr->off[b] <= tr->off[b + 1];
		ok = ok && tr->off[0] == 0 && tr->off[nb] == h.nrecs[ti];
		for (size_t i = 0; i < h.nrecs[ti] && ok; i++) {
			uint32_t r = tr->recs[i] & ~ALT_FLAG;
			ok = r < n && (!(tr->recs[i] & ALT_FLAG) || ix->alt[r]);
		}
	}
	if (!ok) {
		free(strings);
		rc = corrupt(path, "its postings are damaged");
		goto fail;
	}
	/* the interned strings, re-interned in order so ids stay the same */
	const char *p = strings, *end = strings + h.strings;
	strings[h.strings] = '\0';
	for (int a = 0; a < 4 && p < end; a++) {
		size_t count = strtoul(p, NULL, 10);
		p += strlen(p) + 1;
		for (size_t i = 0; i < count && p < end; i++) {
			if (intern_get(&ix->attr[a], p, true) != i + 1)
				ok = false;
			p += strlen(p) + 1;
		}
	}
	free(strings);
	if (!ok) {
		rc = corrupt(path, "its attribute table is damaged");
		goto fail;
	}
	/* no offset may point outside the arena */
	bool ends = ix->arena_n == 0 || ix->arena[ix->arena_n - 1] == '\0'; /* no strlen runs past the end */
	for (uint32_t r = 0; r < ix->n && ends; r++)
		if (ix->koff[r] + 2 * (size_t)ix->klen[r] + 1 >= ix->arena_n || ix->alt[r] > ix->arena_n ||
		    ix->arena[ix->koff[r] + ix->klen[r]] != '\0') {
			ends = false;
			break;
		}
	if (!ends) {
		rc = corrupt(path, "a key lies outside the key arena");
		goto fail;
	}
	fclose(f);
	*stamp = h.stamp;
	*out = ix;
	return 0;
fail:
	fclose(f);
	wam_match_index_free(ix);
	return rc;
}
