/* Private to the index's files (index.c, index_find.c, index_file.c): the
 * layout of wam_match_index and the helpers they share. */
#ifndef WAM_MATCH_INDEX_IMPL_H
#define WAM_MATCH_INDEX_IMPL_H

#include "match/index.h"

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
	/* each compact bucket's postings are in order of make, so a search
	 * within one make reads only that make's run (found by bisection) */
	bool make_sorted;
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
	char *arena;
	size_t arena_n, arena_cap;
	posting *post;
	size_t npost, postcap;
	tier t0, t1, t2;
	intern attr[4];
	/* keys in sorted order (postings, ALT_FLAG for romanised keys), by
	 * skeleton and by reversed skeleton, for a lost tail ("P*") or head
	 * ("*S"); built on compaction, covering the first `sorted_n` records */
	uint32_t *pre, *suf;
	size_t nsorted;
	uint32_t sorted_n;
};

/* Shared by the index's files (index.c). */
uint32_t wam_ix_intern(intern *t, const char *s, bool add);
const char *wam_ix_key(const wam_match_index *ix, uint32_t posting_rec);
const char *wam_ix_skeleton(const char *canonical);
void wam_ix_segment(size_t l, int nseg, int i, size_t *start, size_t *len);
uint64_t wam_ix_segment_hash(const tier *t, size_t l, int i, uint32_t make, const char *p, size_t n);
uint64_t wam_ix_short_hash(const tier *t);
uint64_t wam_ix_deletion_hash(const wam_match_index *ix, const char *key, size_t l, size_t skip);

#endif
