/* The stock room as the core sees it (ledger/room.h): its events — lots,
 * moves and custody (project_stockpile.c), stock checks (project_check.c),
 * destruction batches (project_destruction.c) — each projector file with
 * statement slots of its own, and the tables verify compares. */
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "stock/check.h"
#include "stock/project_destruction.h"
#include "stock/stockpile.h"

enum { PART_STOCKPILE, PART_CHECK, PART_DESTRUCTION };

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strncmp(type, "check.", 6)) {
		ctx->part = PART_CHECK;
		return wam_check_apply(ctx, seq, type, subject, payload, time);
	}
	if (!strncmp(type, "destruction.", 12)) {
		ctx->part = PART_DESTRUCTION;
		return wam_destruction_apply(ctx, seq, type, subject, payload, time);
	}
	ctx->part = PART_STOCKPILE;
	return wam_stockpile_apply(ctx, seq, type, subject, payload, time);
}

/* a check's expected weapons, a batch's weapons, people and lots are dated
 * by their check or batch */
static const struct wam_room_table tables[] = {
    {"lots", "id", "d.last_seq"},
    {"lot_origins", "lot_id", "(SELECT last_seq FROM main.lots l WHERE l.id=d.lot_id)"},
    {"custody", "id", "d.last_seq"},
    {"custody_rules", "site_id", "d.last_seq"},
    {"destructions", "id", "d.last_seq"},
    {"destruction_items", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
    {"destruction_people", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
    {"destruction_checks", "destruction_id", "d.seq"},
    {"destruction_lots", "destruction_id", "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
    {"destruction_recovered", "destruction_id",
     "(SELECT last_seq FROM main.destructions x WHERE x.id=d.destruction_id)"},
    {"stock_checks", "id", "d.last_seq"},
    {"stock_check_expected", "check_id || ' ' || ref",
     "(SELECT last_seq FROM main.stock_checks c WHERE c.id=d.check_id)"},
    {"stock_check_reads", "check_id || ' ' || key", "d.seq"},
    {"stock_investigations", "id", "d.last_seq"},
    {"destruction_confirmations", NULL, NULL},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_stock = {
    .name = "stock",
    .version = 2,
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_lot_origins, NULL},
    /* a lot and a stock check live at their site */
    .subject_site = "SELECT site_id FROM lots WHERE id=?1 UNION ALL SELECT site_id FROM stock_checks WHERE id=?1",
};
