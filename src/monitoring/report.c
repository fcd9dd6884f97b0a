/* The periodic report to a sanctions committee: the period's observations
 * in figures and its findings with the evidence rule's verdict, generated
 * from the records (as JSON for a front end to render in its reader's
 * language, and as one printable English HTML page). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "monitoring/outputs.h"
#include "wam/monitoring.h"

/* Whether finding `f` belongs to `from`..`to`: its period overlaps it, or
 * (without a period) it was drafted, corroborated or reported in it. */
static bool in_period(const json_t *f, const char *from, const char *to)
{
	const json_t *p = json_object_get(f, "period");
	const char *pf = mon_str(p, "from"), *pt = mon_str(p, "to");
	if (pf || pt)
		return (!pf || strncmp(pf, to, 10) <= 0) && (!pt || strncmp(pt, from, 10) >= 0);
	const char *dates[] = {mon_str(f, "created"), mon_str(f, "corroborated"),
	                       mon_str(json_object_get(f, "reported"), "date")};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
		if (dates[i] && strncmp(dates[i], from, 10) >= 0 && strncmp(dates[i], to, 10) <= 0)
			return true;
	return false;
}

static int state_rank(const json_t *f)
{
	const char *s = mon_str(f, "state");
	return !s ? 3 : !strcmp(s, "reported") ? 0 : !strcmp(s, "corroborated") ? 1 : 2;
}

static int cmp_findings(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int rx = state_rank(x), ry = state_rank(y);
	if (rx != ry)
		return rx - ry;
	const char *cx = mon_str(x, "created"), *cy = mon_str(y, "created");
	return strcmp(cx ? cx : "", cy ? cy : "");
}

/* Whether finding `id` is reported (a correction stands once it is). */
static int is_reported(wam_db *db, const char *id, bool *yes)
{
	json_t *row = NULL;
	*yes = false;
	int rc = wam_query_one(db, &row, "SELECT state FROM findings WHERE id=?", id, "superseded_by");
	if (rc == WAM_ENOTFOUND) {
		wam_error_clear();
		return 0;
	}
	*yes = !rc && mon_str(row, "state") && !strcmp(mon_str(row, "state"), "reported");
	json_decref(row);
	return rc;
}

/* The findings of the period as the report shows them, sorted; those a
 * reported correction supersedes apart in `superseded`. A reported
 * finding whose correction is not reported yet stays among the findings:
 * a draft or a corroborated correction has not replaced what the committee
 * was told. */
static int findings_of(wam_db *db, json_t *report, const char *regime, const char *from, const char *to)
{
	json_t *list = NULL, *v, *f = NULL, *shown = json_array(), *superseded = json_array();
	size_t i, n = 0;
	int rc = wam_monitoring_finding_list(db, &list, NULL, regime);
	json_t **all = rc ? NULL : calloc(json_array_size(list) + 1, sizeof *all);
	if (!rc && !all)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(list, i, v)
	{
		if (rc || (rc = wam_monitoring_finding_get(db, &f, mon_str(v, "id"))))
			break;
		if (in_period(f, from, to)) {
			json_t *row =
			    json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:I, s:O?, s:O?, s:O?}", "id",
			              json_object_get(f, "id"), "state", json_object_get(f, "state"), "statement",
			              json_object_get(f, "statement"), "actor", json_object_get(f, "actor"), "period",
			              json_object_get(f, "period"), "rule", json_object_get(f, "rule"), "links",
			              (json_int_t)json_array_size(json_object_get(f, "links")), "reported",
			              json_object_get(f, "reported"), "supersedes", json_object_get(f, "supersedes"),
			              "superseded_by", json_object_get(f, "superseded_by"));
			if (!row) {
				rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
				break;
			}
			all[n++] = row;
		}
		json_decref(f);
		f = NULL;
	}
	if (!rc) {
		if (n > 1) /* qsort is not given a NULL array, even of none */
			qsort(all, n, sizeof *all, cmp_findings);
		for (i = 0; !rc && i < n; i++) {
			bool replaced = false;
			if (mon_str(all[i], "superseded_by"))
				rc = is_reported(db, mon_str(all[i], "superseded_by"), &replaced);
			json_array_append(replaced ? superseded : shown, all[i]);
		}
		json_object_set(report, "findings", shown);
		json_object_set(report, "superseded", superseded);
	}
	for (i = 0; i < n; i++)
		json_decref(all[i]);
	free(all);
	json_decref(f);
	json_decref(list);
	json_decref(shown);
	json_decref(superseded);
	return rc;
}

int wam_monitoring_committee_report(wam_db *db, json_t **out, const char *regime, const char *from, const char *to)
{
	json_t *list = NULL, *full = NULL, *r = NULL, *o;
	mon_tally kinds = {0}, areas = {0};
	char now[WAM_TIME_LEN + 1];
	size_t i;
	*out = NULL;
	int rc = mon_national(db);
	if (rc)
		return rc;
	if (!from || !wam_date_valid(from, 1900))
		return wam_error_set(WAM_EINVAL, "from", "'%s' is not a date (YYYY-MM-DD)", from ? from : "");
	if (!to || !wam_date_valid(to, 1900))
		return wam_error_set(WAM_EINVAL, "to", "'%s' is not a date (YYYY-MM-DD)", to ? to : "");
	if (strcmp(from, to) > 0)
		return wam_error_set(WAM_EINVAL, "from", "the period starts on %s, after its end %s", from, to);
	wam_observation_filter f = {.regime = regime, .since = from, .until = to};
	if ((rc = wam_monitoring_observation_list(db, &list, &f)) || (rc = mon_observations_full(db, &full, list)))
		goto done;
	wam_time_iso(now, wam_now_ms());
	if (!(r = json_pack("{s:s?, s:s, s:s, s:s}", "regime", regime, "from", from, "to", to, "generated", now))) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	json_array_foreach(full, i, o)
	{
		char date[11];
		const json_t *place = json_object_get(o, "place");
		const char *area =
		    mon_str(place, "admin_area") ? mon_str(place, "admin_area") : mon_str(place, "country");
		mon_date_of(date, o);
		if ((rc = mon_tally_add(&kinds, mon_str(o, "kind"), 1, 1, date, mon_str(o, "id"))) ||
		    (rc = mon_tally_add(&areas, area, 1, 1, date, mon_str(o, "id"))))
			goto done;
	}
	json_object_set_new(r, "observations",
	                    json_pack("{s:I, s:o, s:o}", "total", (json_int_t)json_array_size(full), "by_kind",
	                              mon_tally_take(&kinds), "by_area", mon_tally_take(&areas)));
	if ((rc = mon_figures(r, full)))
		goto done;
	/* the report's weapons are by category, make and country; its
	 * ammunition by calibre and factory */
	json_object_del(json_object_get(r, "weapons"), "by_year");
	json_object_del(json_object_get(r, "ammunition"), "by_year");
	if ((rc = findings_of(db, r, regime, from, to)))
		goto done;
	*out = json_incref(r);
done:
	mon_tally_free(&kinds);
	mon_tally_free(&areas);
	json_decref(list);
	json_decref(full);
	json_decref(r);
	return rc;
}

/* ---- HTML ---- */

static void cell(wam_buf *b, const char *tag, const char *text)
{
	wam_buf_printf(b, "<%s>", tag);
	wam_buf_html(b, text);
	wam_buf_printf(b, "</%s>", tag);
}

static void number_cell(wam_buf *b, json_int_t n)
{
	wam_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)n);
}

/* A table of a by_* list under heading `title`, its key column `what`,
 * its count column headed `counted`, then its sightings headed `sighted`
 * (none when NULL: a tally of observations counts each once). */
static void tally_table(wam_buf *b, const char *title, const char *what, const char *counted, const char *sighted,
                        const json_t *rows)
{
	size_t i;
	json_t *r;
	cell(b, "h3", title);
	if (!json_array_size(rows)) {
		wam_buf_puts(b, "<p class=\"none\">None recorded.</p>\n");
		return;
	}
	wam_buf_puts(b, "<table><thead><tr>");
	cell(b, "th", what);
	cell(b, "th", counted);
	if (sighted)
		cell(b, "th", sighted);
	wam_buf_puts(b, "<th>First seen</th><th>Last seen</th><th>Observations</th></tr></thead><tbody>\n");
	json_array_foreach(rows, i, r)
	{
		wam_buf_puts(b, "<tr>");
		cell(b, "td", mon_str(r, "key"));
		number_cell(b, json_integer_value(json_object_get(r, "count")));
		if (sighted)
			number_cell(b, json_integer_value(json_object_get(r, "sightings")));
		cell(b, "td", mon_str(r, "first_seen"));
		cell(b, "td", mon_str(r, "last_seen"));
		number_cell(b, (json_int_t)json_array_size(json_object_get(r, "observations")));
		wam_buf_puts(b, "</tr>\n");
	}
	wam_buf_puts(b, "</tbody></table>\n");
}

static void findings_table(wam_buf *b, const char *title, const json_t *list)
{
	size_t i;
	json_t *f;
	cell(b, "h2", title);
	if (!json_array_size(list)) {
		wam_buf_puts(b, "<p class=\"none\">None in this period.</p>\n");
		return;
	}
	size_t drafts = 0;
	json_array_foreach(list, i, f) drafts += mon_str(f, "state") && !strcmp(mon_str(f, "state"), "draft");
	if (drafts)
		wam_buf_printf(
		    b,
		    "<p class=\"unproven\">%zu of these findings %s NOT CORROBORATED: drafts the evidence "
		    "rule has not passed, listed so that the committee knows of them, not as established.</p>\n",
		    drafts, drafts == 1 ? "is" : "are");
	wam_buf_puts(b, "<table><thead><tr><th>Finding</th><th>State</th><th>Statement</th><th>Actor</th>"
	                "<th>Period</th><th>Evidence</th><th>Reported</th></tr></thead><tbody>\n");
	json_array_foreach(list, i, f)
	{
		const json_t *period = json_object_get(f, "period"), *rule = json_object_get(f, "rule"),
		             *rep = json_object_get(f, "reported");
		char span[32] = "";
		if (mon_str(period, "from") || mon_str(period, "to"))
			snprintf(span, sizeof span, "%s to %s", mon_str(period, "from") ? mon_str(period, "from") : "…",
			         mon_str(period, "to") ? mon_str(period, "to") : "…");
		bool draft = mon_str(f, "state") && !strcmp(mon_str(f, "state"), "draft");
		wam_buf_puts(b, draft ? "<tr class=\"draft\">" : "<tr>");
		cell(b, "td", mon_str(f, "id"));
		if (draft) /* what the evidence rule has not passed says so where it is read */
			wam_buf_puts(b, "<td><strong class=\"unproven\">NOT CORROBORATED</strong> (draft)</td>");
		else
			cell(b, "td", mon_str(f, "state"));
		cell(b, "td", mon_str(f, "statement"));
		cell(b, "td", mon_str(json_object_get(f, "actor"), "name"));
		cell(b, "td", span);
		wam_buf_printf(b, "<td>%lld linked; ", (long long)json_integer_value(json_object_get(f, "links")));
		wam_buf_html(b, json_is_true(json_object_get(rule, "holds")) ? "the evidence rule holds"
		                                                             : "the evidence rule does not hold");
		if (mon_str(rule, "message")) {
			wam_buf_puts(b, ": ");
			wam_buf_html(b, mon_str(rule, "message"));
		}
		wam_buf_puts(b, "</td><td>");
		if (json_is_object(rep)) {
			wam_buf_html(b, mon_str(rep, "date"));
			wam_buf_puts(b, ", ");
			wam_buf_html(b, mon_str(rep, "to"));
			if (mon_str(rep, "reference")) {
				wam_buf_puts(b, " (");
				wam_buf_html(b, mon_str(rep, "reference"));
				wam_buf_puts(b, ")");
			}
		}
		if (mon_str(f, "supersedes")) {
			wam_buf_puts(b, json_is_object(rep) ? "; corrects " : "A correction of ");
			wam_buf_html(b, mon_str(f, "supersedes"));
		}
		if (mon_str(f, "superseded_by") && !strcmp(title, "Findings")) {
			wam_buf_puts(b, "; a correction not yet reported: ");
			wam_buf_html(b, mon_str(f, "superseded_by"));
		}
		wam_buf_puts(b, "</td></tr>\n");
	}
	wam_buf_puts(b, "</tbody></table>\n");
}

int wam_monitoring_committee_report_html(const json_t *report, FILE *out)
{
	wam_buf b = {0};
	const json_t *obs = json_object_get(report, "observations"), *w = json_object_get(report, "weapons"),
	             *a = json_object_get(report, "ammunition");
	char title[160];
	if (!json_is_object(report) || !mon_str(report, "from") || !mon_str(report, "to"))
		return wam_error_set(WAM_EINVAL, "report", "not a committee report (from, to, observations, findings)");
	snprintf(title, sizeof title, "Report to the sanctions committee, %s to %s", mon_str(report, "from"),
	         mon_str(report, "to"));
	wam_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	wam_buf_html(&b, title);
	wam_buf_puts(&b, "</title>\n<style>\n"
	                 "body{font-family:\"DejaVu Sans\",Arial,sans-serif;margin:2em;color:#111;line-height:1.4}\n"
	                 "h1{font-size:1.5em;border-bottom:2px solid #333}h2{font-size:1.2em;margin-top:1.6em}\n"
	                 "h3{font-size:1em;margin-top:1.2em}table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	                 "th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	                 "th{background:#eee}td.n{text-align:right}.none{color:#555;font-style:italic}\n"
	                 "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}\n"
	                 ".unproven{color:#a00;font-weight:bold}tr.draft td{background:#fff4f4}\n"
	                 "@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}\n"
	                 "</style>\n</head>\n<body>\n<h1>");
	wam_buf_html(&b, title);
	wam_buf_puts(&b, "</h1>\n<dl>");
	cell(&b, "dt", "Regime");
	cell(&b, "dd", mon_str(report, "regime") ? mon_str(report, "regime") : "every regime");
	cell(&b, "dt", "Generated");
	cell(&b, "dd", mon_str(report, "generated"));
	wam_buf_printf(&b,
	               "<dt>Observations</dt><dd>%lld</dd><dt>Weapons and parts (distinct)</dt><dd>%lld, in %lld "
	               "sightings</dd><dt>Rounds of ammunition seen (each sighting counted)</dt><dd>%lld</dd>"
	               "<dt>Ammunition lots (distinct)</dt><dd>%lld</dd><dt>Findings</dt><dd>%zu</dd></dl>\n",
	               (long long)json_integer_value(json_object_get(obs, "total")),
	               (long long)json_integer_value(json_object_get(w, "total")),
	               (long long)json_integer_value(json_object_get(w, "sightings")),
	               (long long)json_integer_value(json_object_get(a, "rounds")),
	               (long long)json_integer_value(json_object_get(a, "lots")),
	               json_array_size(json_object_get(report, "findings")));
	findings_table(&b, "Findings", json_object_get(report, "findings"));
	if (json_array_size(json_object_get(report, "superseded")))
		findings_table(&b, "Findings superseded", json_object_get(report, "superseded"));
	cell(&b, "h2", "Observations");
	tally_table(&b, "By kind", "Kind", "Count", NULL, json_object_get(obs, "by_kind"));
	tally_table(&b, "By area", "Area", "Count", NULL, json_object_get(obs, "by_area"));
	cell(&b, "h2", "Weapons");
	tally_table(&b, "By category", "Category", "Distinct", "Sightings", json_object_get(w, "by_category"));
	tally_table(&b, "By make", "Make", "Distinct", "Sightings", json_object_get(w, "by_make"));
	tally_table(&b, "By country of manufacture", "Country", "Distinct", "Sightings",
	            json_object_get(w, "by_country"));
	cell(&b, "h2", "Ammunition");
	tally_table(&b, "By calibre", "Calibre", "Rounds seen", "Sightings", json_object_get(a, "by_calibre"));
	tally_table(&b, "By factory (headstamp)", "Factory", "Rounds seen", "Sightings",
	            json_object_get(a, "by_factory"));
	wam_buf_puts(&b, "</body>\n</html>\n");
	int rc = 0;
	if (!b.p)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	else if (fwrite(b.p, 1, b.n, out) != b.n)
		rc = wam_error_set(WAM_EIO, "out", "cannot write the report");
	wam_buf_free(&b);
	return rc;
}
