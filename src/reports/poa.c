/* Placeholder: the poa report is being built. */
#include "reports/reports.h"

static int make(wam_db *db, json_t *report, const wam_report_options *o)
{
	(void)db, (void)report, (void)o;
	return wam_error_set(WAM_EINVAL, "report", "report '%s' is not made yet", "poa");
}

static int records(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
                   const char *column)
{
	(void)db, (void)out, (void)o, (void)table, (void)key, (void)column;
	return wam_error_set(WAM_EINVAL, "row", "report '%s' is not made yet", "poa");
}

const report_kind report_poa = {.name = "poa", .make = make, .records = records};
