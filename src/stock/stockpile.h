/* The stockpile — the stock room's lots, moves and custody: what its files share inside
 * libwam. */
#ifndef WAM_STOCK_STOCKPILE_H
#define WAM_STOCK_STOCKPILE_H

#include "internal.h"
#include "wam/stock.h"

/* Applies a "lot.", "location." or "custody." event to the projections
 * (stock/project_stockpile.c; the stock room, stock/room.c, hands them). */
int wam_stockpile_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                        const char *time);

/* Today's date in UTC, YYYY-MM-DD. */
void wam_stock_today(char out[11]);

/* True when `s` is a real calendar date written YYYY-MM-DD. */
bool wam_stock_is_date(const char *s);

/* The `from` the site is, and the site `to` the caller wants, both exist;
 * WAM_EINVAL naming `field` otherwise. */
int wam_stock_site_exists(wam_db *db, const char *id, const char *field);

#endif
