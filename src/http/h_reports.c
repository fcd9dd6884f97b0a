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
 * read them (trace_confidential), whose reads are then logged.
 *
 * /api/v1/reports/{kind} (unroca, att, poa, iafq): the international
 * reports as JSON, CSV or printable HTML, the records behind a row, their
 * submissions (frozen and signed, action submit_report), and what has
 * changed since one (docs/reports.md). */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/reports.h"
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

/* ---- the international reports: UNROCA, ATT, PoA/ITI, IAFQ ----
 * (docs/reports.md) Each covers the whole state: a caller confined to sites
 * is refused (ROUTE_NATIONAL, and libwam refuses it too). */

/* True when the path names a report kind; else false after answering 404
 * naming kind. */
static bool known_kind(wam_request *r)
{
	for (int i = 0; wam_report_kinds[i]; i++)
		if (!strcmp(wam_report_kinds[i], r->params[0]))
			return true;
	reply_error(r, 404, "not_found", "kind", "no report '%.40s': the reports are unroca, att, poa and iafq",
	            r->params[0]);
	return false;
}

/* The options of a report from the query: year (required), direction,
 * basis, withhold=ROW,ROW. False after answering 400. */
static bool query_options(wam_request *r, wam_report_options *o, const char **rows)
{
	long year = 0;
	memset(o, 0, sizeof *o);
	if (!request_query_int(r, "year", WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX, &year))
		return false;
	if (!year) {
		reply_error(r, 400, "invalid", "year", "year is required: a whole number from %d to %d",
		            WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX);
		return false;
	}
	o->year = (int)year;
	o->direction = request_query(r, "direction");
	o->basis = request_query(r, "basis");
	const char *w = request_query(r, "withhold");
	if (w && *w) {
		char *list = arena_printf(&r->mem, "%s", w);
		for (char *p = list, *comma; list && p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			if (!*p)
				continue;
			if (o->nwithhold >= WAM_REPORT_WITHHOLD_MAX) {
				reply_error(r, 400, "invalid", "withhold", "at most %d rows can be withheld",
				            WAM_REPORT_WITHHOLD_MAX);
				return false;
			}
			rows[o->nwithhold++] = p;
		}
		o->withhold = o->nwithhold ? rows : NULL;
	}
	return true;
}

void h_report_make(wam_request *r)
{
	const char *rows[WAM_REPORT_WITHHOLD_MAX], *kind = r->params[0];
	wam_report_options o;
	if (!known_kind(r))
		return;
	if (!query_options(r, &o, rows))
		return;
	const char *format = request_query(r, "format");
	if (format && strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "html")) {
		reply_error(r, 400, "invalid", "format", "format must be json, csv or html, not '%.20s'", format);
		return;
	}
	json_t *report = NULL;
	int rc = wam_report_make(r->db, &report, kind, &o);
	if (rc || !format || !strcmp(format, "json")) {
		reply_query_result(r, rc, 200, &report);
		return;
	}
	if (!strcmp(format, "csv"))
		reply_written(r, report, wam_report_csv, "text/csv; charset=utf-8",
		              arena_printf(&r->mem, "attachment; filename=\"%s-%d.csv\"", kind, o.year));
	else
		reply_written(r, report, wam_report_html, "text/html; charset=utf-8", NULL);
	json_decref(report);
}

void h_report_records(wam_request *r)
{
	const char *rows[WAM_REPORT_WITHHOLD_MAX], *row = request_query(r, "row");
	wam_report_options o;
	if (!known_kind(r))
		return;
	if (!query_options(r, &o, rows))
		return;
	if (!row || !*row) {
		reply_error(r, 400, "invalid", "row", "row is required: TABLE/KEY, or TABLE/KEY/COLUMN for one cell");
		return;
	}
	json_t *out = NULL;
	int rc = wam_report_records(r->db, &out, r->params[0], &o, row);
	reply_query_result(r, rc, 200, &out);
}

/* The text member `key` of `in` into `*out` (NULL when absent); false
 * after answering 422 naming it. */
static bool body_text(wam_request *r, const json_t *in, const char *key, const char **out)
{
	const json_t *v = json_object_get(in, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		reply_error(r, 422, "invalid", key, "%s must be text", key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

void h_report_submit(wam_request *r)
{
	static const char *const allowed[] = {"year", "direction", "basis", "withhold", "reference", "notes", NULL};
	const char *rows[WAM_REPORT_WITHHOLD_MAX];
	wam_report_options o;
	memset(&o, 0, sizeof o);
	json_t *in = request_json(r), *out = NULL, *submission = NULL;
	if (!in || !known_kind(r)) {
		json_decref(in);
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
	{
		bool known = false;
		for (int i = 0; allowed[i]; i++)
			known = known || !strcmp(k, allowed[i]);
		if (!known) {
			reply_error(r, 422, "invalid", k,
			            "%.40s is not a field of a submission (year, direction, basis, withhold, reference,"
			            " notes)",
			            k);
			goto done;
		}
	}
	const json_t *year = json_object_get(in, "year"), *withhold = json_object_get(in, "withhold");
	if (!json_is_integer(year) || json_integer_value(year) < WAM_REPORT_YEAR_MIN ||
	    json_integer_value(year) > WAM_REPORT_YEAR_MAX) {
		reply_error(r, 422, "invalid", "year", "year is required: a whole number from %d to %d",
		            WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX);
		goto done;
	}
	o.year = (int)json_integer_value(year);
	if (!body_text(r, in, "direction", &o.direction) || !body_text(r, in, "basis", &o.basis))
		goto done;
	if (withhold && !json_is_null(withhold)) {
		size_t i;
		if (!json_is_array(withhold) || json_array_size(withhold) > WAM_REPORT_WITHHOLD_MAX) {
			reply_error(r, 422, "invalid", "withhold", "withhold is a list of at most %d rows (TABLE/KEY)",
			            WAM_REPORT_WITHHOLD_MAX);
			goto done;
		}
		json_array_foreach(withhold, i, v)
		{
			if (!json_is_string(v)) {
				reply_error(r, 422, "invalid", "withhold", "withhold is a list of rows (TABLE/KEY)");
				goto done;
			}
			rows[i] = json_string_value(v);
		}
		o.nwithhold = (int)json_array_size(withhold);
		o.withhold = o.nwithhold ? rows : NULL;
	}
	submission = json_object();
	if (json_object_get(in, "reference"))
		json_object_set(submission, "reference", json_object_get(in, "reference"));
	if (json_object_get(in, "notes"))
		json_object_set(submission, "notes", json_object_get(in, "notes"));
	int rc = wam_report_submit(r->db, &out, r->params[0], &o, submission);
	const char *id = rc ? NULL : json_string_value(json_object_get(out, "id"));
	if (id)
		reply_header(r, "Location", arena_printf(&r->mem, "/api/v1/reports/submissions/%s", id));
	reply_result(r, rc, 201, &out);
done:
	json_decref(submission);
	json_decref(in);
}

void h_report_submissions(wam_request *r)
{
	long year = 0;
	if (!request_query_int(r, "year", WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX, &year))
		return;
	json_t *out = NULL;
	int rc = wam_report_submission_list(r->db, &out, request_query(r, "report"), (int)year);
	reply_query_result(r, rc, 200, &out);
}

void h_report_submission(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_report_submission_get(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_report_diff(wam_request *r)
{
	long year = 0;
	if (!known_kind(r))
		return;
	if (!request_query_int(r, "year", WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX, &year))
		return;
	const char *id = request_query(r, "submission");
	if (!year && (!id || !*id)) {
		reply_error(r, 400, "invalid", "year",
		            "year is required (the latest submission of the report for that year), or submission=ID");
		return;
	}
	json_t *out = NULL;
	int rc = wam_report_diff(r->db, &out, r->params[0], (int)year, id && *id ? id : NULL);
	reply_query_result(r, rc, 200, &out);
}
