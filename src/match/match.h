/* The match room's internal interfaces: serial keys, distances, the index. */
#ifndef WAM_MATCH_MATCH_H
#define WAM_MATCH_MATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WAM_KEY_MAX 64
#define WAM_MAX_SEGMENTS 8

/* What normalization did to a serial. */
enum {
	WAM_KEY_DIGITS = 1,    /* Arabic-Indic or Persian digits */
	WAM_KEY_LOOKALIKE = 2, /* Cyrillic or Greek look-alike letters */
	WAM_KEY_TRANSLIT = 4,  /* Cyrillic letters romanised */
	WAM_KEY_WILDCARD = 8   /* ? or * */
};

typedef struct wam_serial_keys {
	char canonical[WAM_KEY_MAX]; /* ASCII [A-Z0-9?*], ranking compares these */
	char skeleton[WAM_KEY_MAX];  /* canonical with OCR classes folded: candidates are found on it */
	char translit[WAM_KEY_MAX];  /* canonical key of the full romanisation, when it differs ("" otherwise) */
	unsigned char segments[WAM_MAX_SEGMENTS]; /* end offsets of the separated parts in canonical */
	int nsegments;
	unsigned flags;
} wam_serial_keys;

/* Runs the pipeline on `raw`. With `explain` (a JSON array), appends each
 * step as {step, what, text}. Fails with WAM_EIO if the tables cannot be
 * loaded, WAM_EINVAL on invalid UTF-8. */
int wam_serial_normalize(wam_serial_keys *k, const char *raw, json_t *explain);

/* The canonical key of a serial into `out`; its length, or -1. */
long wam_match_serial_key(char *out, size_t cap, const char *raw);

/* One operation separating a query from a serial; positions index the
 * canonical keys (-1: none). */
typedef enum wam_edit_kind {
	WAM_EDIT_SUBSTITUTE,
	WAM_EDIT_CONFUSABLE, /* a cheap substitution within an OCR confusion class */
	WAM_EDIT_INSERT,     /* the serial has a character the query lacks */
	WAM_EDIT_DELETE,     /* the query has a character the serial lacks */
	WAM_EDIT_TRANSPOSE,  /* two adjacent characters swapped */
	WAM_EDIT_WILDCARD    /* covered by ? or * */
} wam_edit_kind;

typedef struct wam_match_edit {
	wam_edit_kind kind;
	int qpos, spos;
	char q, s;
} wam_match_edit;

#define WAM_DIST_WEIGHTED 1u /* confusions cost their table cost, not 1 */
#define WAM_DIST_PARTIAL 2u  /* the query may be a fragment of the serial */

/* Distance from query key `q` to serial key `s` (both shorter than
 * WAM_KEY_MAX). With `ops`, room for 2*WAM_KEY_MAX edits, records the
 * operations that are not plain matches, in order. DBL_MAX if the tables
 * cannot be loaded or a key is too long. */
double wam_match_distance(const char *q, const char *s, unsigned mode, wam_match_edit *ops, size_t *nops);

/* A search on an index, without the store: what wam_match_search runs and
 * bench/bench_match.c measures. Attribute ids come from
 * wam_match_index_attr(); UINT32_MAX marks a value the index never saw
 * (asked, so it disagrees), 0 an attribute not asked. */
struct wam_match_index;
typedef struct wam_match_request {
	const char *serial; /* as read */
	uint32_t attr[4];   /* make, model, calibre, country */
	int max_edits;      /* -1: by length */
	int limit;
} wam_match_request;

typedef struct wam_match_hit {
	uint32_t rec;
	double distance, score;
	char key[WAM_KEY_MAX]; /* the record's canonical key that matched */
} wam_match_hit;

typedef struct wam_match_result {
	wam_serial_keys query;
	int k;
	bool partial;      /* nothing matched whole: searched as a fragment */
	size_t considered; /* candidates within the allowed edits */
	wam_match_hit *hits; /* best first, at most `limit`; free() it */
	size_t nhits;
} wam_match_result;

/* Finds and ranks. Fails with WAM_EINVAL when the serial has nothing to
 * search for, WAM_ENOMEM. */
int wam_match_find(struct wam_match_index *ix, const wam_match_request *req, wam_match_result *res);

/* A query prepared for bit-parallel verification. */
typedef struct wam_bitpattern {
	uint64_t peq[128];
	int m;
	bool usable; /* false with '*' or a key of 64 characters or more: use the DP */
} wam_bitpattern;
void wam_bp_prepare(wam_bitpattern *p, const char *q);
/* Unit restricted Damerau distance of the prepared query to `s`. With
 * WAM_BP_FREE_START the serial's head costs nothing (the query is a suffix:
 * "*S"), with WAM_BP_FREE_END its tail ("P*"), with both the query may lie
 * anywhere in it (a fragment, "*F*"). */
#define WAM_BP_FREE_START 1u
#define WAM_BP_FREE_END 2u
#define WAM_BP_FRAGMENT (WAM_BP_FREE_START | WAM_BP_FREE_END)
int wam_bp_distance(const wam_bitpattern *p, const char *s, unsigned ends);

/* Edits allowed for a skeleton of `len` characters: 0 up to 4, 1 for 5-7,
 * 2 from 8. */
int wam_match_default_k(size_t len);

#endif
