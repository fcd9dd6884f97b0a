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

/* The first year a stockpile date may be in (wam_date_valid). */
#define WAM_STOCK_FIRST_YEAR 1800

/* The `from` the site is, and the site `to` the caller wants, both exist;
 * WAM_EINVAL naming `field` otherwise. */
int wam_stock_site_exists(wam_db *db, const char *id, const char *field);
/* Screens `name`, a person or unit that receives a weapon or ammunition
 * without being a holder of the register (role holder, rule R12), inside
 * the transaction; a finding refuses the issue with WAM_ECONFLICT
 * naming `field`, the entry and its alert when one exists. The act is
 * refused, so no alert is raised: recording the person as a holder has
 * the match decided. `what` is "custody" or "ammunition". */
int wam_stock_screen_recipient(wam_db *db, const char *name, const char *field, const char *what);

#endif
