/* The trace room's projectors, named in the rooms table of
 * ledger/project.c: project_hit.c for "loss.", "hit." and "origin." events,
 * project_request.c for "trace." and "peer." events. */
#ifndef WAM_TRACE_PROJECT_H
#define WAM_TRACE_PROJECT_H

#include "internal.h"

int wam_trace_hit_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                        const char *time);
int wam_trace_request_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                            const json_t *payload, const char *time);

#endif
