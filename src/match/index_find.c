/* Searching the serial index: the probes of each tier, the verification
 * of every candidate, fragments found in the key arena, and the scan of
 * every key for what no tier covers (see index.c and docs/match.md). */
#include <stdlib.h>
#include <string.h>

#include "match/index_impl.h"
#include "match/tables.h"

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
	bool once;         /* a scan: every record comes once, no need to remember */
	uint32_t *visited; /* records reached so far (open addressing, rec + 1) */
	size_t vcap, vn;
	bool oom;
	wam_match_found_fn found;
	void *payload;
} search;

/* Remembers `rec`; false if it was reached before. The set belongs to the
 * search, so searches only read the index and can run side by side. */
static bool first_visit(search *s, uint32_t rec)
{
	if ((s->vn + 1) * 2 > s->vcap) {
		size_t cap = s->vcap ? s->vcap * 2 : 1024;
		uint32_t *v = calloc(cap, sizeof *v);
		if (!v) {
			s->oom = true;
			return true; /* without memory, a record may be verified twice */
		}
		for (size_t i = 0; i < s->vcap; i++)
			if (s->visited[i]) {
				size_t j = (s->visited[i] * 0x9e3779b1u) & (cap - 1);
				while (v[j])
					j = (j + 1) & (cap - 1);
				v[j] = s->visited[i];
			}
		free(s->visited);
		s->visited = v;
		s->vcap = cap;
	}
	uint32_t key = rec + 1;
	size_t j = (key * 0x9e3779b1u) & (s->vcap - 1);
	while (s->visited[j]) {
		if (s->visited[j] == key)
			return false;
		j = (j + 1) & (s->vcap - 1);
	}
	s->visited[j] = key;
	s->vn++;
	return true;
}

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
	/* another make is ruled out before the record is remembered: most
	 * postings of a shared bucket are, and the visited set stays small */
	if (s->make && s->ix->attrs[rec].make != s->make)
		return; /* reached through a shared bucket or the short-key list */
	if (!s->once && !first_visit(s, rec))
		return;
	/* a record is a candidate through its skeleton or its romanised key */
	for (int alt = 0; alt < 2; alt++) {
		if (alt && !s->ix->alt[rec])
			break;
		const char *key = wam_ix_key(s->ix, rec | (alt ? ALT_FLAG : 0));
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

/* The first posting in [lo, hi) whose make is not below `make` (postings
 * in order of make). */
static uint32_t first_of_make(const search *s, const uint32_t *recs, uint32_t lo, uint32_t hi, uint32_t make)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->ix->attrs[recs[mid] & ~ALT_FLAG].make < make)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How many postings ahead read_list asks for a record's fields, then for
 * its key (which needs the key's offset, asked for earlier). */
#define PREFETCH_RECORD 16
#define PREFETCH_KEY 6

static void read_list(search *s, const tier *t, uint64_t h)
{
	size_t b = (size_t)(h >> (64 - t->bits));
	if (t->off) {
		uint32_t lo = t->off[b], hi = t->off[b + 1];
		if (s->make && t->make_sorted) { /* only the asked make's run of the bucket */
			lo = first_of_make(s, t->recs, lo, hi, s->make);
			hi = first_of_make(s, t->recs, lo, hi, s->make + 1);
		}
		/* Verifying a posting reads its record's make, key offset and
		 * length, then its key: arrays of a million entries, each read a
		 * cache miss. Asked for a few postings ahead, those misses overlap
		 * instead of queueing one behind another (a bucket of the segment
		 * tier holds dozens of postings); what is verified is unchanged. */
		const wam_match_index *ix = s->ix;
		for (uint32_t i = lo; i < hi; i++) {
			if (i + PREFETCH_RECORD < hi) {
				uint32_t r = t->recs[i + PREFETCH_RECORD] & ~ALT_FLAG;
				__builtin_prefetch(&ix->attrs[r]);
				__builtin_prefetch(&ix->koff[r]);
				__builtin_prefetch(&ix->klen[r]);
			}
			if (i + PREFETCH_KEY < hi)
				__builtin_prefetch(wam_ix_key(ix, t->recs[i + PREFETCH_KEY]));
			verify(s, t->recs[i]);
		}
	}
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
	read_list(s, t0, wam_ix_segment_hash(t0, m, 0, 0, p, m));     /* equal */
	read_list(s, t1, wam_ix_segment_hash(t1, m, 0, 0, p, m));     /* the key has one more character */
	for (size_t i = 0; i < m; i++) {
		if (i && p[i] == p[i - 1])
			continue;
		char d[WAM_KEY_MAX];
		memcpy(d, p, i);
		memcpy(d + i, p + i + 1, m - i - 1);
		read_list(s, t0, wam_ix_segment_hash(t0, m - 1, 0, 0, d, m - 1)); /* the key has one less */
		read_list(s, t1, wam_ix_deletion_hash(s->ix, p, m, i));          /* one differs, or two swapped */
	}
}

/* Probes a tier with `p` (the query or a transposed variant) for keys within
 * `budget` edits of it. `swapped` is, for a variant, the first of the two
 * characters its parent had the other way round (-1 for the query itself).
 *
 * A variant is probed only through the segments that hold one of its two
 * swapped characters: every other segment has the same text as in its
 * parent, which probed it (and the list of short keys) with a budget one
 * larger, so the same length, segment and shift — the same bucket — were
 * read already: its records are in the visited set or of another make.
 * Skipping them changes no answer, not even the order in which candidates
 * are found. With bench_http's queries at a million weapons, it took the
 * postings a 2-edit search reads from 14,800 to 4,900 (counted; the
 * records verified stay 3,900). */
static void probe(search *s, const tier *t, const char *p, int budget, uint32_t make, long swapped)
{
	size_t m = strlen(p);
	if (budget == 0 && !strchr(p, '?')) { /* nothing may differ: the whole key, one bucket */
		read_list(s, &s->ix->t0, wam_ix_segment_hash(&s->ix->t0, m, 0, 0, p, m));
		return;
	}
	if (swapped < 0)
		read_list(s, t, wam_ix_short_hash(t));
	size_t lo = m > (size_t)budget ? m - (size_t)budget : 1;
	for (size_t l = lo; l <= m + (size_t)budget; l++) {
		if (l < (size_t)t->segments)
			continue;
		long delta = (long)m - (long)l;
		for (int i = 0; i < t->segments; i++) {
			size_t start, len;
			wam_ix_segment(l, t->segments, i, &start, &len);
			/* the segment moved by `shift`: that many edits before it, and
			 * |delta - shift| after it, within the budget */
			for (long shift = -budget; shift <= budget; shift++) {
				long x = (long)start + shift;
				if (labs(shift) + labs(delta - shift) > budget || x < 0 || (size_t)x + len > m ||
				    memchr(p + x, '?', len))
					continue; /* a segment with '?' in it is among the damaged ones */
				if (swapped >= 0 && (swapped + 1 < x || swapped >= x + (long)len))
					continue; /* as in the parent: read there already */
				read_list(s, t, wam_ix_segment_hash(t, l, i, make, p + x, len));
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
			probe(s, t, v, budget - 1, make, (long)i);
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
	s->once = true; /* record by record: none comes twice */
	for (uint32_t r = 0; r < s->ix->n; r++) {
		size_t l = s->ix->klen[r];
		if ((l < lo || l > hi) && !s->ix->alt[r])
			continue;
		verify(s, r);
	}
	s->once = false;
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

/* Compares the first `n` characters of `key` with `p` (prefix order). */
static int cmp_head(const char *key, const char *p, size_t n)
{
	return strncmp(key, p, n);
}

/* Compares the last `n` characters of `key`, read backwards, with those of
 * `p` (the order of the reversed-key array). */
static int cmp_tail(const char *key, const char *p, size_t n)
{
	size_t l = strlen(key);
	for (size_t i = 1; i <= n; i++) {
		if (i > l)
			return -1;
		unsigned char c = (unsigned char)key[l - i], d = (unsigned char)p[n - i];
		if (c != d)
			return c < d ? -1 : 1;
	}
	return 0;
}

/* A lost tail ("P*") or head ("*S") with no edits allowed: the keys that
 * share the fixed end (up to its first '?') are a range of the sorted keys,
 * found by binary search; weapons added since the last sort are read one by
 * one. False when the query has no such end to search by. */
static bool ends_search(search *s)
{
	const wam_match_index *ix = s->ix;
	bool head = s->ends == WAM_BP_FREE_END, tail = s->ends == WAM_BP_FREE_START;
	if (!ix->pre || s->k != 0 || !(head || tail) || !s->core)
		return false;
	const char *q = s->core, *fixed = q;
	size_t n = s->core_len;
	if (head) {
		n = strcspn(q, "?");
	} else {
		const char *last = strrchr(q, '?');
		if (last) {
			fixed = last + 1;
			n = (size_t)(q + s->core_len - fixed);
		}
	}
	if (!n)
		return false;
	const uint32_t *order = head ? ix->pre : ix->suf;
	int (*cmp)(const char *, const char *, size_t) = head ? cmp_head : cmp_tail;
	size_t lo = 0, hi = ix->nsorted;
	while (lo < hi) { /* first key not below the fixed end */
		size_t mid = lo + (hi - lo) / 2;
		if (cmp(wam_ix_skeleton(wam_ix_key(ix, order[mid])), fixed, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ix->nsorted; i++) {
		if (cmp(wam_ix_skeleton(wam_ix_key(ix, order[i])), fixed, n) != 0)
			break;
		verify(s, order[i]);
	}
	for (uint32_t r = ix->sorted_n; r < ix->n; r++)
		verify(s, r);
	return true;
}

int wam_match_index_find(wam_match_index *ix, const char *q, int k, uint32_t make, bool partial,
                         wam_match_found_fn found, void *payload)
{
	search s = {.ix = ix, .q = q, .k = k, .mode = partial ? WAM_DIST_PARTIAL : 0, .found = found,
	            .payload = payload};
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
	int scanned = 0;
	if (!ix->n)
		return 0;
	/* '?' is a position that may differ: it spends the budget of the
	 * pigeonhole like an edit, not the budget of the verification */
	int budget = k + (int)w;
	if (!partial && !stars && budget <= 1) {
		if (budget == 0 && !w)
			probe(&s, &ix->t0, q, 0, 0, -1);
		else
			probe_one_edit(&s, q);
	} else if (!partial && !stars && budget <= 2 && make) {
		s.make = make;
		probe(&s, &ix->t2, q, budget, make, -1);
	} else if (partial && !stars && k == 0) {
		fragment(&s);
		scanned = 1;
	} else if (partial || !stars || !ends_search(&s)) {
		scan(&s);
		scanned = 1;
	}
	free(s.visited);
	return scanned;
}
