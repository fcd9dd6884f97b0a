/* /api/v1/reports/sdg-16-4-2: SDG indicator 16.4.2 for a year and a site
 * scope, as JSON or CSV, and the recovered weapons behind each figure.
 *
 * A site's report covers that site and every site under it. A caller
 * confined to sites must name a site (the whole registry is not its to
 * count), one it is confined to, and every site under that one must be one
 * of its sites too, so that neither the figures nor the records behind them
 * reach beyond what it may see; otherwise 403 naming `site`, as for
 * GET /items?site=. The records behind a figure withhold results taken from
 * restricted and confidential trace responses (R11) unless the role may
 * read them (trace_confidential), whose reads are then logged. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/stock.h"
#include "wam/trace.h"

/* Reads year and site into `s` and checks the caller may see that scope.
 * False after answering. */
static bool report_scope(wam_request *r, wam_sdg_scope *s)
{
	long year = 0;
	if (!request_query_int(r, "year", WAM_SDG_YEAR_MIN, WAM_SDG_YEAR_MAX, &year))
		return false;
	if (!year) {
		reply_error(r, 400, "invalid", "year", "year is required: a whole number from %d to %d",
		            WAM_SDG_YEAR_MIN, WAM_SDG_YEAR_MAX);
		return false;
	}
	s->year = (int)year;
	s->site_id = request_query(r, "site");
	if (s->site_id && !*s->site_id) {
		reply_error(r, 400, "invalid", "site", "site must be a site id when given");
		return false;
	}
	if (r->who.nsites <= 0)
		return true;
	if (!s->site_id) {
		reply_error(
		    r, 403, "forbidden", "site",
		    "you are confined to sites: name one of them with site= (the report over the whole registry "
		    "is not yours to read)");
		return false;
	}
	if (!request_sees_site(r, s->site_id)) {
		reply_error(r, 403, "forbidden", "site", "site '%.40s' is not one of your sites", s->site_id);
		return false;
	}
	/* the sites under it: libwam refuses a scope that reaches beyond the
	 * caller's (wam_trace_sdg_report, wam_trace_sdg_report_records) */
	return true;
}

void h_report_sdg(wam_request *r)
{
	wam_sdg_scope scope = {0};
	if (!report_scope(r, &scope))
		return;
	const char *format = request_query(r, "format");
	bool csv = format && !strcmp(format, "csv");
	if (format && !csv && strcmp(format, "json") != 0) {
		reply_error(r, 400, "invalid", "format", "format must be json or csv, not '%.40s'", format);
		return;
	}
	json_t *report = NULL;
	int rc = wam_trace_sdg_report(r->db, &report, &scope);
	if (rc || !csv) {
		reply_result(r, rc, 200, &report);
		return;
	}
	reply_written(r, report, wam_trace_sdg_report_csv, "text/csv; charset=utf-8",
	              arena_printf(&r->mem, "attachment; filename=\"sdg-16-4-2-%d.csv\"", scope.year));
	json_decref(report);
}

void h_report_sdg_records(wam_request *r)
{
	wam_sdg_scope scope = {0};
	if (!report_scope(r, &scope))
		return;
	const char *figure = request_query(r, "figure");
	if (!figure || !*figure) {
		reply_error(
		    r, 400, "invalid", "figure",
		    "figure is required: a count (seized, traced_successfully, ...), numerator, by_type.<type>, "
		    "by_manufacture.<manufacture>, by_result.<category>, by_context.<context>, ammunition.<figure> "
		    "or parts.<figure>");
		return;
	}
	/* R11: results from restricted and confidential trace responses only
	 * for a role allowed trace_confidential, each such read logged (as
	 * GET /traces/{id} logs it) in one command with the read */
	bool full = trace_sees_confidential(r), logged = true;
	json_t *out = NULL, *row;
	size_t i;
	int rc = full ? wam_db_begin(r->db) : 0;
	bool began = full && !rc;
	if (!rc)
		rc = wam_trace_sdg_report_records(r->db, &out, &scope, figure, full ? WAM_TRACE_CONFIDENTIAL : 0);
	if (!rc && full)
		json_array_foreach(out, i, row)
		{
			const char *response = json_string_value(json_object_get(row, "restricted"));
			if (!response)
				continue;
			json_t *names = json_pack("[s]", response);
			logged =
			    trace_log_responses_read(r, json_string_value(json_object_get(row, "request_id")), names);
			json_decref(names);
			if (!logged)
				break;
		}
	if (began && !rc && logged)
		rc = wam_db_commit(r->db);
	else if (began)
		wam_db_rollback(r->db);
	if (rc || !logged) {
		json_decref(out);
		out = NULL;
	}
	if (logged) /* else answered already */
		reply_result(r, rc, 200, &out);
}
