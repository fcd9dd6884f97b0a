/* The collection room's projector (collection/project.c): its descriptor
 * there hands it the "recovery." and "task." events. */
#ifndef WAM_COLLECTION_PROJECT_H
#define WAM_COLLECTION_PROJECT_H

#include "internal.h"

int wam_collection_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                         const char *time);

/* The tasks of wam_collection_task_list, each with its `reason_msg` only
 * when `said` (collection/recovery.c; the work to do shows no reason). */
int wam_collection_task_rows(wam_db *db, json_t **out, const char *which, bool said);

/* The ammunition lines of recovery `id` as wam_collection_recovery_get shows
 * them (collection/ammunition.c); an empty list when `exists` is false (a
 * registry made before recoveries held ammunition, read as it is). */
int wam_collection_ammunition_lines(wam_db *db, json_t **out, const char *id, bool exists);

#endif
