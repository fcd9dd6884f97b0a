/* Stock checks: what the library code and the projector of checks share. */
#ifndef WAM_STOCK_CHECK_H
#define WAM_STOCK_CHECK_H

#include "internal.h"
#include "wam/match.h"

#define WAM_CHECK_KEY_MAX 1024 /* room for the key of a read */
#define WAM_CHECK_READ_MAX 200 /* bytes in one read */

/* The key a read is kept and matched under: "LOT:<key of the lot>" for a
 * lot count "LOT <lot id or number> <rounds>" (then `*qty` is the rounds),
 * else the read's normalized serial key (wam_match_serial_key; a weapon id is its
 * own key) and `*qty` is -1. Returns the key's length, or -1 when the read
 * has no key (empty after normalisation, invalid UTF-8, a malformed count). */
long wam_check_read_key(char *key, size_t cap, const char *raw, long *qty);

/* Applies a check.* event (the stock room, stock/room.c, hands them). */
int wam_check_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                    const char *time);

#endif
