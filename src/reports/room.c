/* The reports room as the core sees it (ledger/room.h): report.submitted
 * events into report_submissions (sql/migrations/0016-reports.sql). */
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "reports/reports.h"

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	(void)ctx, (void)seq, (void)type, (void)subject, (void)payload, (void)time;
	return 0;
}

static const struct wam_room_table tables[] = {
    {"report_submissions", "id", "d.seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_reports = {
    .name = "reports",
    .version = 0, /* its table came by migration 0016: an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_reports, NULL},
};
