/* The trace room's projectors, which its descriptor (trace/room.c) hands
 * the events: project_hit.c the "loss.", "hit." and "origin." events,
 * project_request.c the "trace." and "peer." events. */
#ifndef WAM_TRACE_PROJECT_H
#define WAM_TRACE_PROJECT_H

#include "internal.h"

int wam_trace_hit_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                        const char *time);
int wam_trace_request_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                            const json_t *payload, const char *time);

/* The trace room (trace/room.c): its events, tables and hooks. */
extern const struct wam_room wam_room_trace;

#endif
