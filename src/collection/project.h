/* The collection room's projector (collection/project.c): its descriptor
 * there hands it the "recovery." and "task." events. */
#ifndef WAM_COLLECTION_PROJECT_H
#define WAM_COLLECTION_PROJECT_H

#include "internal.h"

int wam_collection_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                         const char *time);

#endif
