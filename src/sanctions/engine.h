/* The screening engine of the sanctions room: the names of the entries in
 * force held in memory with blocking keys, and one query answered with its
 * candidates, scored and explained. It reads no database: the room builds
 * an index from its entries (sanctions.c) and the bench (bench/) from a
 * generated list, so the two measure the same code. The names are
 * normalized by the match room (wam_name_* in internal.h). */
#ifndef WAM_SANCTIONS_ENGINE_H
#define WAM_SANCTIONS_ENGINE_H

#include <jansson.h>

#include "wam/sanctions.h"

typedef struct screen_index screen_index;

/* A new empty index; WAM_EIO when the name tables cannot be loaded. */
int screen_index_new(screen_index **out);
/* Adds one entry, in the shape wam_sanctions_entries gives ({id,
 * reference, kind, name, names: [{name, quality, script}], dobs,
 * nationalities, documents, list_type, regime}); the entry is kept (a
 * reference is taken). */
int screen_index_add(screen_index *idx, json_t *entry);
void screen_index_free(screen_index *idx);
/* The candidates for `q` as wam_sanctions_screen documents them
 * (`candidates` only), best first, those scoring at or above the
 * threshold, at most q->limit. */
int screen_run(const screen_index *idx, json_t **candidates, const wam_sanctions_query *q);

#endif
