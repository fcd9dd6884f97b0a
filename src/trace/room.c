/* The trace room as the core sees it (ledger/room.h): loss reports, hits
 * and origins (project_hit.c), trace requests and peers
 * (project_request.c), each projector file with statement slots of its
 * own, and the tables verify compares. */
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "trace/project.h"

enum { PART_HIT, PART_REQUEST };

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strncmp(type, "trace.", 6) || !strncmp(type, "peer.", 5)) {
		ctx->part = PART_REQUEST;
		return wam_trace_request_apply(ctx, seq, type, subject, payload, time);
	}
	ctx->part = PART_HIT;
	return wam_trace_hit_apply(ctx, seq, type, subject, payload, time);
}

static const struct wam_room_table tables[] = {
    {"loss_reports", "id", "d.seq"},
    {"loss_ammunition", "report_id || ' ' || line", "(SELECT seq FROM main.loss_reports r WHERE r.id=d.report_id)"},
    {"loss_closures", "report_id", "d.seq"},
    {"hits", "id", "d.last_seq"},
    {"item_origins", "item_id", "d.seq"},
    {"trace_requests", "id", "d.last_seq"},
    {"trace_responses", "request_id || ' ' || n", "d.seq"},
    {"peers", "node_id", "max(d.seq, coalesce(d.revoked_seq, 0))"},
    {NULL, NULL, NULL},
};

int wam_trace_backfill(wam_db *db, int *recorded); /* loss.c */

const struct wam_room wam_room_trace = {
    .name = "trace",
    .version = 1,
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_loss_ammunition, wam_sql_loss_closures, NULL},
    .backfill = wam_trace_backfill,
};
