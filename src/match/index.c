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
#include <stdlib.h>
#include <string.h>

#include "match/index_impl.h"
#include "match/tables.h"

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

uint32_t wam_ix_intern(intern *t, const char *s, bool add)
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
	return wam_ix_intern((intern *)&ix->attr[which], key, false);
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
	free(ix->arena);
	free(ix->post);
	free(ix->pre);
	free(ix->suf);
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
#undef GROW
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
const char *wam_ix_key(const wam_match_index *ix, uint32_t posting_rec)
{
	uint32_t rec = posting_rec & ~ALT_FLAG;
	if (posting_rec & ALT_FLAG)
		return ix->arena + ix->alt[rec] - 1;
	return ix->arena + ix->koff[rec];
}

/* The skeleton stored right after a canonical key. */
const char *wam_ix_skeleton(const char *canonical)
{
	return canonical + strlen(canonical) + 1;
}

/* ---- tiers ---- */

/* Start and length of segment `i` of `nseg` in a key of length `l`: the
 * first segments are the shorter ones. */
void wam_ix_segment(size_t l, int nseg, int i, size_t *start, size_t *len)
{
	size_t base = l / (size_t)nseg, longer = l % (size_t)nseg, shorter = (size_t)nseg - longer;
	size_t ui = (size_t)i;
	*len = ui < shorter ? base : base + 1;
	*start = ui < shorter ? ui * base : shorter * base + (ui - shorter) * (base + 1);
}

uint64_t wam_ix_segment_hash(const tier *t, size_t l, int i, uint32_t make, const char *p, size_t n)
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
uint64_t wam_ix_short_hash(const tier *t)
{
	return wam_ix_segment_hash(t, 0, 0, 0, "", 0);
}

static bool index_key(wam_match_index *ix, tier *t, const char *key, uint32_t make, uint32_t rec)
{
	size_t l = strlen(key);
	if (l < (size_t)t->segments)
		return add_posting(ix, t, wam_ix_short_hash(t), rec);
	for (int i = 0; i < t->segments; i++) {
		size_t start, len;
		wam_ix_segment(l, t->segments, i, &start, &len);
		if (!add_posting(ix, t, wam_ix_segment_hash(t, l, i, make, key + start, len), rec))
			return false;
	}
	return true;
}

/* The deletion tier (symmetric delete, k = 1): the key with each one of its
 * characters left out. Two keys are within one edit exactly when one equals
 * the other, or one with a character left out equals the other, or both with
 * one left out are equal (a substitution, or a transposition). */
uint64_t wam_ix_deletion_hash(const wam_match_index *ix, const char *key, size_t l, size_t skip)
{
	char d[WAM_KEY_MAX];
	memcpy(d, key, skip);
	memcpy(d + skip, key + skip + 1, l - skip - 1);
	return wam_ix_segment_hash(&ix->t1, l - 1, 0, 0, d, l - 1);
}

static bool index_deletions(wam_match_index *ix, const char *key, uint32_t rec)
{
	size_t l = strlen(key);
	for (size_t j = 0; j < l; j++) {
		if (j && key[j] == key[j - 1])
			continue; /* deleting either of two equal neighbours gives the same key */
		if (!add_posting(ix, &ix->t1, wam_ix_deletion_hash(ix, key, l, j), rec))
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
		const char *key = wam_ix_skeleton(wam_ix_key(ix, p));
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
	ix->attrs[rec] = (wam_match_attrs){wam_ix_intern(&ix->attr[WAM_ATTR_MAKE], make_key, true),
	                                   wam_ix_intern(&ix->attr[WAM_ATTR_MODEL], model_key, true),
	                                   wam_ix_intern(&ix->attr[WAM_ATTR_CALIBRE], calibre_key, true),
	                                   wam_ix_intern(&ix->attr[WAM_ATTR_COUNTRY], country, true)};
	ix->n++;
	if (!ix->t1.bits || ((size_t)1 << ix->t1.bits) < (size_t)ix->n) {
		if (!rehash(ix))
			return -1;
	} else if (!index_record(ix, rec)) {
		return -1;
	}
	return rec;
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
	size_t per = sizeof *ix->id + sizeof *ix->koff + sizeof *ix->klen + sizeof *ix->attrs + sizeof *ix->alt;
	size_t b = (size_t)ix->cap * per + ix->arena_cap + ix->postcap * sizeof(posting) + 2 * ix->nsorted * 4;
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

static int by_make(const void *a, const void *b, void *arg)
{
	const wam_match_attrs *attrs = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t mx = attrs[x & ~ALT_FLAG].make, my = attrs[y & ~ALT_FLAG].make;
	return mx < my ? -1 : mx > my ? 1 : x < y ? -1 : x > y;
}

/* Moves a tier's chains into its compact part, each bucket in order of
 * make. */
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
		if (w - off[b] > 1)
			qsort_r(recs + off[b], w - off[b], sizeof *recs, by_make, ix->attrs);
	}
	t->make_sorted = true;
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

/* The index being sorted (qsort has no context argument). */
static const wam_match_index *sorting;

static int by_skeleton(const void *a, const void *b)
{
	return strcmp(wam_ix_skeleton(wam_ix_key(sorting, *(const uint32_t *)a)),
	              wam_ix_skeleton(wam_ix_key(sorting, *(const uint32_t *)b)));
}

static int by_reversed_skeleton(const void *a, const void *b)
{
	const char *x = wam_ix_skeleton(wam_ix_key(sorting, *(const uint32_t *)a));
	const char *y = wam_ix_skeleton(wam_ix_key(sorting, *(const uint32_t *)b));
	size_t i = strlen(x), j = strlen(y);
	while (i && j) {
		unsigned char c = (unsigned char)x[--i], d = (unsigned char)y[--j];
		if (c != d)
			return c < d ? -1 : 1;
	}
	return i ? 1 : j ? -1 : 0;
}

/* Every key, in skeleton order and in reversed-skeleton order. */
static bool sort_keys(wam_match_index *ix)
{
	size_t n = 0;
	for (uint32_t r = 0; r < ix->n; r++)
		n += 1 + (ix->alt[r] != 0);
	uint32_t *pre = malloc((n ? n : 1) * sizeof *pre), *suf = malloc((n ? n : 1) * sizeof *suf);
	if (!pre || !suf) {
		free(pre);
		free(suf);
		return false;
	}
	size_t k = 0;
	for (uint32_t r = 0; r < ix->n; r++) {
		pre[k++] = r;
		if (ix->alt[r])
			pre[k++] = r | ALT_FLAG;
	}
	sorting = ix;
	qsort(pre, n, sizeof *pre, by_skeleton);
	memcpy(suf, pre, n * sizeof *suf);
	qsort(suf, n, sizeof *suf, by_reversed_skeleton);
	free(ix->pre);
	free(ix->suf);
	ix->pre = pre;
	ix->suf = suf;
	ix->nsorted = n;
	ix->sorted_n = ix->n;
	return true;
}

int wam_match_index_compact(wam_match_index *ix)
{
	if (!ix->t1.bits)
		return 0;
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++)
		if (!compact_tier(ix, tiers[t]))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory compacting the serial index");
	if (ix->sorted_n != ix->n && !sort_keys(ix))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory sorting the serial index");
	free(ix->post);
	ix->post = NULL;
	ix->npost = ix->postcap = 0;
	if (ix->n) {
		ix->id = shrink(ix->id, ix->n * sizeof *ix->id);
		ix->koff = shrink(ix->koff, ix->n * sizeof *ix->koff);
		ix->klen = shrink(ix->klen, ix->n * sizeof *ix->klen);
		ix->attrs = shrink(ix->attrs, ix->n * sizeof *ix->attrs);
		ix->alt = shrink(ix->alt, ix->n * sizeof *ix->alt);
		ix->cap = ix->n;
	}
	ix->arena = shrink(ix->arena, ix->arena_n);
	ix->arena_cap = ix->arena_n;
	return 0;
}
