/* The destruction projector (stock/project_destruction.c), which the stock
 * room (stock/room.c) hands the "destruction." events. */
#ifndef WAM_STOCK_PROJECT_DESTRUCTION_H
#define WAM_STOCK_PROJECT_DESTRUCTION_H

#include "internal.h"

int wam_destruction_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                          const char *time);

#endif
