/* The in-memory serial index (docs/match.md). */
#ifndef WAM_MATCH_INDEX_H
#define WAM_MATCH_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "match/match.h"

typedef struct wam_match_index wam_match_index;

/* Record attributes, interned: 0 means unknown. */
typedef struct wam_match_attrs {
	uint32_t make, model, calibre, country;
} wam_match_attrs;

wam_match_index *wam_match_index_new(void);
void wam_match_index_free(wam_match_index *ix);

/* Adds a weapon. `canonical` and `translit` are its canonical keys
 * (translit, the full romanisation, may be ""). Returns the record number,
 * or -1 on allocation failure. */
long wam_match_index_add(wam_match_index *ix, const char *id, const char *canonical, const char *translit,
                         const char *make_key, const char *model_key, const char *calibre_key, const char *country);

/* The interned id of an attribute value, 0 if the index has never seen it. */
uint32_t wam_match_index_attr(const wam_match_index *ix, int which, const char *key);
enum { WAM_ATTR_MAKE, WAM_ATTR_MODEL, WAM_ATTR_CALIBRE, WAM_ATTR_COUNTRY };

/* Calls `found` (with the record's canonical key that matched) for every
 * record whose skeleton (or romanised key's skeleton) is within `k` unit
 * edits (restricted Damerau-Levenshtein, '?' matching any character, '*'
 * any run) of `q`, each record at most once. '?' positions and edits share
 * one budget when the tier is chosen: up to 1, all records (exact and
 * deletion tiers); 2, with `make` non-zero, only records of that make (the
 * segment tier); anything else reads every key. `partial`: `q` may be a
 * fragment (an exact substring, '?' allowed). Returns 1 when every key was
 * read, 0 otherwise. Only reads the index: searches may run side by side,
 * as long as no weapon is added meanwhile. */
typedef void (*wam_match_found_fn)(uint32_t rec, const char *key, void *payload);
int wam_match_index_find(wam_match_index *ix, const char *q, int k, uint32_t make, bool partial,
                         wam_match_found_fn found, void *payload);

/* Accessors for a record. */
void wam_match_index_id(const wam_match_index *ix, uint32_t rec, char out[WAM_ID_LEN + 1]);
const char *wam_match_index_canonical(const wam_match_index *ix, uint32_t rec);
wam_match_attrs wam_match_index_attrs(const wam_match_index *ix, uint32_t rec);
uint32_t wam_match_index_size(const wam_match_index *ix);
/* Where in the ledger an index file stands. */
typedef struct wam_index_stamp {
	char node[WAM_ID_LEN + 1];
	int64_t seq;                   /* the last event it reflects */
	unsigned char hash[WAM_HASH_LEN]; /* that event's hash */
} wam_index_stamp;

/* Moves the postings into their compact form (4 bytes each, not 8) and
 * shrinks every array to its contents. Searches work the same before and
 * after; weapons added later go to chains again until the next compaction. */
int wam_match_index_compact(wam_match_index *ix);

/* Compacts the index and writes it to `path` (mode 0600, atomically). */
int wam_match_index_save(wam_match_index *ix, const char *path, const wam_index_stamp *stamp);
/* Reads an index file. WAM_ENOTFOUND if there is none; WAM_EINTEGRITY if it
 * is damaged, of another version, or made with other matcher tables. */
int wam_match_index_load(wam_match_index **out, const char *path, wam_index_stamp *stamp);

/* Bytes of memory the index holds. */
size_t wam_match_index_bytes(const wam_match_index *ix);

#endif
