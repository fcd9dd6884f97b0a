/* Shared pieces of bench_match (bench/bench_match.c): the generated
 * weapons, the query mix, the runs through wam and through its peers. Not
 * part of libwam. See bench/README.md, "bench_match". */
#ifndef WAM_MATCH_BENCH_H
#define WAM_MATCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match/index.h"
#include "match/match.h"

#define MB_KEYW 16         /* bytes of one key in a fixed-width key column (15 characters + NUL) */
#define MB_RAW_MAX 96      /* bytes of a raw serial or query */
#define MB_NONE UINT32_MAX /* "no record" */

/* One make: a manufacturer of data/manufacturers.json, or a derived plant
 * variant of one ("<name> (plant n)"), with its Zipf weight. */
typedef struct mb_make {
	char name[256];
	char key[256];                   /* wam_match_name_key(name) */
	const void *maker;               /* the manufacturer's JSON object (json_t) */
	size_t model_first, model_count; /* its models in mb_data.models */
	double weight;                   /* Zipf(s) popularity: 1 / rank^s */
	uint32_t attr;                   /* the index's interned make id */
} mb_make;

/* One model of the reference data (all makes of a manufacturer share them). */
typedef struct mb_model {
	const void *model; /* the model's JSON object (json_t) */
	char key[256];     /* wam_match_name_key(model name) */
	uint8_t calibre;   /* index into mb_data.calibres */
} mb_model;

/* The generated weapons as the benchmark keeps them (the index keeps its
 * own copy): fixed-width key columns and small attribute numbers. */
typedef struct mb_data {
	size_t n;
	uint64_t seed;
	char (*canon)[MB_KEYW];   /* canonical key */
	char (*skel)[MB_KEYW];    /* skeleton of the canonical key: the memory-scan column */
	char (*alt)[MB_KEYW];     /* canonical key of the full romanisation, "" when none */
	char (*altskel)[MB_KEYW]; /* its skeleton */
	uint16_t *make;           /* index into makes */
	uint16_t *model;          /* index into models */
	size_t nalt;              /* records with a romanised key */
	size_t nscript;           /* raw serials rendered in look-alike letters or other digits */
	size_t ndup;              /* legacy duplicates within a make */
	mb_make *makes;
	size_t nmakes;
	double *make_cdf; /* cumulative make weights, for drawing a make */
	mb_model *models;
	size_t nmodels;
	char calibres[64][256]; /* wam_match_name_key(calibre) */
	uint32_t calibre_attr[64];
	size_t ncalibres;
	void *json; /* data/manufacturers.json (json_t) */
	/* generated raw serials, kept only until the index is built */
	char *raw;
	size_t *raw_off;
	size_t raw_n, raw_cap;
} mb_data;

/* Query classes of matching-research.md §4. */
enum {
	QC_EXACT,     /* exact, with separator or script variants */
	QC_OCR,       /* 1-2 OCR confusions */
	QC_EDIT1,     /* 1 edit */
	QC_EDIT2,     /* 2 edits */
	QC_WILDCARD,  /* 1-2 '?' */
	QC_TRUNCATED, /* head or tail lost, '*' */
	QC_NOMATCH,   /* no true weapon */
	QC_COUNT
};

/* One query and what is known about it. */
typedef struct mb_query {
	char raw[MB_RAW_MAX];
	uint8_t cls;
	bool with_make, with_calibre;
	uint32_t truth;  /* record number, MB_NONE for the no-match class */
	uint16_t make;   /* index into makes (of the truth, or a random one) */
	uint8_t calibre; /* index into calibres */
	int8_t wam_k;    /* the edits wam allowed it (peers use the same), -1 before wam ran it */
} mb_query;

/* What one run of one query gave. */
typedef struct mb_outcome {
	bool ran;
	bool failed; /* the search returned an error */
	double seconds;
	bool at1, at10; /* the true weapon first / within the first 10 */
	bool reachable; /* the true weapon is within the allowed edits of the query */
	bool any_hit;
	bool partial; /* wam: answered by the fragment fallback */
	bool repeats; /* a weapon listed more than once among the hits */
	int k;        /* the edits wam allowed (its result's k) */
	size_t considered;
} mb_outcome;

/* A candidate a peer found, scored like wam scores it. */
typedef struct mb_cand {
	uint32_t rec;
	double score;
} mb_cand;

/* Verification and ranking shared by the peers: what wam_match_find does
 * with the candidates its index returns (unit distance on skeletons within
 * the allowed edits, then wam's score: weighted distance on canonical keys
 * and agreement on make and calibre), done on the peer's candidates. */
typedef struct mb_ranker {
	const mb_data *d;
	const mb_query *q;
	wam_serial_keys keys;             /* the query, normalized */
	int k;                            /* edits allowed */
	uint32_t make_attr, calibre_attr; /* asked attributes, 0 when not asked */
	uint32_t *seen;                   /* per record: stamp of the query that took it */
	uint32_t stamp;
	mb_cand *c;
	size_t n, cap;
} mb_ranker;

/* ---- match_data.c ---- */
/* Loads the makes and models, then generates `n` raw serials with `seed`.
 * Returns 0, or -1 after printing why. */
int mb_data_generate(mb_data *d, size_t n, uint64_t seed, size_t nmakes, double zipf_s);
/* Normalizes every raw serial into the key columns and adds it to `ix`
 * (the product's ingest). Returns 0 or -1. */
int mb_data_build(mb_data *d, wam_match_index *ix);
/* Adds every record from the key columns to `ix` (the product's open from
 * the store's keys). Returns 0 or -1. */
int mb_data_open(const mb_data *d, wam_match_index *ix);
/* Records the index's interned ids of every make and calibre. */
void mb_data_attrs(mb_data *d, const wam_match_index *ix);
void mb_data_free(mb_data *d);
/* Folds a canonical key to its skeleton (the matcher's OCR classes). */
void mb_fold(char *out, const char *canonical, size_t cap);
/* splitmix64's finaliser. */
uint64_t mb_mix64(uint64_t z);
/* The generator of item `i` of stream `stream` (1 weapons, 2 ids, 3
 * queries): each item's draws are independent of the others'. */
wam_rng mb_item_rng(uint64_t seed, size_t i, uint64_t stream);
/* Draws a make by its Zipf weight; a model of make `m` by weight. */
size_t mb_pick_make(const mb_data *d, wam_rng *r);
size_t mb_pick_model(const mb_data *d, size_t m, wam_rng *r);
/* Draws a new raw serial for make `m` from one of its models' formats. */
void mb_draw_serial(const mb_data *d, size_t m, wam_rng *r, wam_buf *out, size_t *model);
/* Random separators: most serials keep the format's, some swap them, some
 * get one more. */
void mb_vary_separators(wam_rng *r, wam_buf *s);
/* Renders look-alike Latin letters in Cyrillic, or digits as Arabic-Indic. */
void mb_render_script(wam_buf *s, bool cyrillic);
/* True when the ASCII text has a letter with a Cyrillic look-alike. */
bool mb_has_lookalike(const char *s);

/* ---- match_query.c ---- */
extern const char *const mb_class_names[QC_COUNT];
/* Generates `n` queries with `seed`; `ix` tells which fresh serials exist. */
int mb_queries_generate(mb_query *qs, size_t n, uint64_t seed, const mb_data *d, wam_match_index *ix);
/* Runs the queries through wam_match_find. A class stops once it has taken
 * `budget` seconds (0: no limit). */
void mb_run_wam(const mb_data *d, wam_match_index *ix, const mb_query *qs, size_t n, double budget, mb_outcome *out);
/* What the completeness check found. */
typedef struct mb_check {
	size_t queries, failed;            /* queries checked; searches that failed */
	size_t within, missed;             /* records of the asked make (or any, none asked) */
	size_t within_other, missed_other; /* records of another make than asked */
} mb_check;
/* Brute-force check of the first `sample` queries: records within the
 * allowed edits that wam did not return. */
void mb_check_complete(const mb_data *d, wam_match_index *ix, const mb_query *qs, size_t n, size_t sample, mb_check *c);
/* Edits searched outside the asked make (-1: none), for a query skeleton
 * allowed `k` edits: the 2-edit tier is the make's. */
int mb_other_make_k(int k, const char *qskel);
/* The edits wam allows for `keys` (wam_match_default_k of its fixed length). */
int mb_allowed_k(const wam_serial_keys *keys);
/* The request wam_match_search would build for a query (attributes as
 * interned ids, UINT32_MAX for a value the index never saw). */
wam_match_request mb_request_of(const mb_data *d, const mb_query *q, int limit);
/* True when record `rec` is within `k` unit edits of the skeleton `qskel`. */
bool mb_within(const mb_data *d, uint32_t rec, const char *qskel, int k);

/* ---- match_peers.c ---- */
/* Prepares a ranker for the records of `d`; -1 on allocation failure. */
int mb_rank_init(mb_ranker *r, const mb_data *d);
void mb_rank_free(mb_ranker *r);
/* Starts ranking a query for a peer: normalizes it, resets the candidates. */
int mb_rank_begin(mb_ranker *r, const mb_query *q);
/* Offers record `rec` with the skeleton, canonical key, make and calibre
 * the peer read from its row: kept when within the allowed edits. */
void mb_rank_offer(mb_ranker *r, uint32_t rec, const char *skel, const char *canon, uint32_t make, uint32_t calibre);
/* Orders the candidates like wam and fills the outcome's recall fields. */
void mb_rank_finish(mb_ranker *r, mb_outcome *o);

/* A peer: builds its store from the data, then answers queries. */
typedef struct mb_peer_result {
	bool ran;
	char why[512];   /* why it was skipped or capped */
	double build_s;  /* load + index build */
	double bytes;    /* on disk */
	size_t nqueries; /* queries answered */
	mb_outcome *out; /* per query (same numbering as the query set) */
} mb_peer_result;

/* Runs the queries through a peer's `answer` until `budget` seconds have
 * gone (0: no limit), recording what ran in res->out and res->nqueries. */
void mb_run_peer(const mb_query *qs, size_t nq, double budget, mb_peer_result *res, const char *name,
                 void (*answer)(void *peer, const mb_query *q, mb_outcome *o), void *peer);
/* The peers: build (timed), then answer the first `nq` queries within
 * `budget` seconds. Work files go under `dir`. -1 with res->why set when
 * the peer could not run. */
int mb_peer_fts5(const mb_data *d, const mb_query *qs, size_t nq, double budget, const char *dir, mb_peer_result *res);
int mb_peer_pg(const mb_data *d, const mb_query *qs, size_t nq, double budget, const char *dir, mb_peer_result *res);
/* Stops a running PostgreSQL server at once (for signal handlers). */
void mb_pg_emergency_stop(void);
/* Memory-bandwidth floor: exact memcmp scan of the skeleton column for the
 * first `nq` queries; median seconds per scan into `*seconds`. */
void mb_memscan(const mb_data *d, const mb_query *qs, size_t nq, double *seconds, size_t *matches);

/* Recursively removes `dir` (files and subdirectories). */
int mb_remove_tree(const char *dir);

#endif
