/* Reports: wam report sdg-16-4-2 (docs/trace.md, "SDG 16.4.2"). For
 * people a table — the indicator, each count, the breakdowns; --json the
 * report as the library gives it, --csv one figure a row, and --records
 * FIGURE the recovered weapons behind any one number: a result taken from
 * a restricted or confidential trace response withheld (R11) unless
 * --confidential, which records the read as `trace show --confidential`
 * does.
 *
 * And the international reports (docs/reports.md): wam report unroca | att
 * | poa | iafq, each table with its caption, rows and totals, --json the
 * report, --csv and --html the library's renderings, --records ROW the
 * records behind a row or cell; wam report submit (frozen and signed as
 * sent), diff, submissions and submission. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/auth.h"
#include "wam/registry.h"
#include "wam/reports.h"
#include "wam/trace.h"

static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* The counts in the order the indicator is built, each with what it is. */
static const struct {
	const char *key, *label;
	int indent;
} count_lines[] = {
    {"recovered", "recovered (denominator)", 0},
    {"seized", "seized", 2},
    {"found", "found", 2},
    {"surrendered", "surrendered", 2},
    {"identified", "identified (sufficiently marked)", 0},
    {"trace_initiated", "trace initiated", 0},
    {"traced_successfully", "traced successfully", 0},
    {"established_otherwise", "origin established otherwise", 0},
};

static void print_breakdown(const char *title, const json_t *group)
{
	if (!json_object_size(group))
		return;
	printf("\n%s\n", title);
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)group, k, v) printf("  %-36s %9lld\n", k, (long long)json_integer_value(v));
}

/* A breakdown of {key: {recovered, numerator}}. */
static void print_split(const char *title, const json_t *group)
{
	if (!json_object_size(group))
		return;
	printf("\n%-38s %9s %10s\n", title, "recovered", "numerator");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)group, k, v)
	    printf("  %-36s %9lld %10lld\n", k, num(v, "recovered"), num(v, "numerator"));
}

static void print_report(const json_t *r)
{
	const json_t *ind = json_object_get(r, "indicator"), *counts = json_object_get(r, "counts");
	const json_t *site = json_object_get(r, "site_id");
	if (json_is_string(site))
		printf("SDG indicator 16.4.2, %lld, %s (site %s) and the sites under it\n", num(r, "year"),
		       cli_text(r, "site_name"), json_string_value(site));
	else
		printf("SDG indicator 16.4.2, %lld, whole registry\n", num(r, "year"));
	const json_t *value = json_object_get(ind, "value");
	if (json_is_number(value))
		printf(
		    "proportion of seized, found or surrendered arms whose illicit origin was traced or established:\n"
		    "  %.2f %%  (%lld of %lld)\n",
		    json_number_value(value), num(ind, "numerator"), num(ind, "denominator"));
	else
		printf("no weapon recovered in the scope: no value\n");
	printf("\n");
	for (size_t i = 0; i < sizeof count_lines / sizeof count_lines[0]; i++)
		printf("%*s%-*s %9lld\n", count_lines[i].indent, "", 38 - count_lines[i].indent, count_lines[i].label,
		       num(counts, count_lines[i].key));
	printf("%-38s %9lld\n", "numerator (traced or established)", num(ind, "numerator"));

	print_split("by weapon type", json_object_get(r, "by_type"));
	print_breakdown("by tracing result (point of diversion)", json_object_get(r, "by_result"));
	print_breakdown("by context of recovery", json_object_get(r, "by_context"));
	print_split("by manufacture", json_object_get(r, "by_manufacture"));
	/* the weapons by the sex and age band of the person they came from
	 * (a weapon found came from no one: not recorded) */
	print_split("by sex of the person recovered from", json_object_get(r, "by_sex"));
	print_split("by age band of that person", json_object_get(r, "by_age_band"));
	/* IAFQ-ready: ammunition and parts recovered, by context */
	const json_t *am = json_object_get(r, "ammunition"), *pa = json_object_get(r, "parts");
	if (am) {
		printf("\n%-38s %9lld\n%-38s %9lld\n", "ammunition recovered (rounds)", num(am, "rounds"),
		       "  ammunition lines", num(am, "lines"));
		print_breakdown("rounds by context of recovery", json_object_get(am, "by_context"));
		print_breakdown("rounds by calibre", json_object_get(am, "by_calibre"));
	}
	if (pa) {
		printf("\n%-38s %9lld\n", "parts recovered", num(pa, "recovered"));
		print_breakdown("parts by context of recovery", json_object_get(pa, "by_context"));
		print_breakdown("parts by type", json_object_get(pa, "by_type"));
	}
	printf("\nthe weapons, ammunition lines or parts behind a figure: wam report sdg-16-4-2 --year %lld --records "
	       "FIGURE\n",
	       num(r, "year"));
}

static const cli_column record_cols[] = {
    {"WEAPON", "item_id", 0}, {"RECOVERY", "recovery_id", 0}, {"TYPE", "recovery_type", 0},
    {"DATE", "date", 0},      {"SERIAL", "serial", 20},       {"MAKE", "make", 16},
    {"MODEL", "model", 14},   {"CAT", "category", 0},         {"MARKING", "marking_status", 0},
    {"TRACED", "traced", 0},  {"RESULT", "result", 0},        {"ORIGIN", "origin", 30},
    {NULL, NULL, 0}};

/* The ammunition lines behind an ammunition. figure. */
static const cli_column ammunition_cols[] = {{"RECOVERY", "recovery_id", 0},
                                             {"LINE", "line", 0},
                                             {"TYPE", "recovery_type", 0},
                                             {"DATE", "date", 0},
                                             {"CONTEXT", "context", 0},
                                             {"CALIBRE", "calibre", 14},
                                             {"HEADSTAMP", "headstamp_text", 18},
                                             {"LOT", "lot", 18},
                                             {"ROUNDS", "rounds", 0},
                                             {NULL, NULL, 0}};
/* The parts behind a parts. figure. */
static const cli_column part_cols[] = {{"PART", "item_id", 0},         {"RECOVERY", "recovery_id", 0},
                                       {"TYPE", "recovery_type", 0},   {"DATE", "date", 0},
                                       {"CONTEXT", "context", 0},      {"PART TYPE", "part_type", 0},
                                       {"SERIAL", "serial", 20},       {"MAKE", "make", 16},
                                       {"OF WEAPON", "belongs_to", 0}, {NULL, NULL, 0}};

/* The records as a table; a withheld result (R11) reads "withheld", and
 * the way to the full view is said once. */
static void print_records(const json_t *rows)
{
	const json_t *first = json_array_get(rows, 0);
	if (json_object_get(first, "rounds")) {
		cli_print_table(ammunition_cols, rows);
		return;
	}
	if (json_object_get(first, "part_type")) {
		cli_print_table(part_cols, rows);
		return;
	}
	json_t *shown = json_deep_copy(rows), *row;
	size_t i, withheld = 0;
	json_array_foreach(shown, i, row) if (json_is_true(json_object_get(row, "withheld")))
	{
		json_object_set_new(row, "result", json_string("withheld"));
		withheld++;
	}
	cli_print_table(record_cols, shown);
	json_decref(shown);
	if (withheld)
		printf("\n%zu result%s withheld: restricted or confidential trace responses (R11); add --confidential"
		       " to see them, the read recorded\n",
		       withheld, withheld == 1 ? "" : "s");
}

/* The records behind `figure` in `*out`. With `full`, restricted and
 * confidential results are shown and each read of such a response is
 * recorded (record.read on its trace request, via the command) in the same
 * transaction, as `trace show --confidential` records its read. */
static int read_records(wam_db *db, json_t **out, const wam_sdg_scope *scope, const char *figure, bool full)
{
	if (!full)
		return wam_trace_sdg_report_records(db, out, scope, figure, 0);
	char via[200];
	snprintf(via, sizeof via, "wam report sdg-16-4-2 --year %d%s%.60s --records %.60s --confidential", scope->year,
	         scope->site_id ? " --site " : "", scope->site_id ? scope->site_id : "", figure);
	int rc = wam_db_begin(db);
	size_t i;
	json_t *row;
	if (rc)
		return rc;
	if (!(rc = wam_trace_sdg_report_records(db, out, scope, figure, WAM_TRACE_CONFIDENTIAL)))
		json_array_foreach(*out, i, row)
		{
			const char *response = json_string_value(json_object_get(row, "restricted"));
			if (!response)
				continue;
			json_t *fields = json_pack("[s]", response);
			rc = wam_auth_log_read(db, json_string_value(json_object_get(row, "request_id")), fields, via);
			json_decref(fields);
			if (rc)
				break;
		}
	if (rc) {
		wam_db_rollback(db);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return wam_db_commit(db);
}

static int cmd_sdg(const cli_env *env, const cli_args *a)
{
	const char *year = cli_opt(a, "year"), *figure = cli_opt(a, "records");
	bool csv = cli_flag(a, "csv"), full = cli_flag(a, "confidential");
	if (a->npos || !year)
		return cli_usage(env, "usage: wam report sdg-16-4-2 --year YYYY [--site ID] [--json|--csv] [--records "
		                      "FIGURE [--confidential]]");
	char *end = NULL;
	errno = 0;
	long y = strtol(year, &end, 10);
	/* the library says which years (WAM_EINVAL naming year) */
	if (end == year || *end || errno || y < INT_MIN || y > INT_MAX) {
		wam_error_set(WAM_EINVAL, "year", "--year takes a year (YYYY), not '%.20s'", year);
		return cli_fail(env, WAM_EINVAL);
	}
	if (csv && (figure || env->json)) {
		wam_error_set(WAM_EINVAL, "csv",
		              "--csv prints the report as CSV; it goes with neither --json nor --records");
		return cli_fail(env, WAM_EINVAL);
	}
	if (full && !figure) {
		wam_error_set(
		    WAM_EINVAL, "confidential",
		    "--confidential shows the results behind a figure in full: it goes with --records FIGURE");
		return cli_fail(env, WAM_EINVAL);
	}
	wam_sdg_scope scope = {.year = (int)y, .site_id = cli_opt(a, "site")};
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, full);
	if (rc)
		return rc;
	if (figure) {
		static const cli_view view = {NULL, NULL, print_records};
		rc = read_records(db, &out, &scope, figure, full);
		rc = cli_show(env, rc, out, &view);
	} else if (csv) {
		if (!(rc = wam_trace_sdg_report(db, &out, &scope)))
			rc = wam_trace_sdg_report_csv(out, stdout);
		if (rc)
			rc = cli_fail(env, rc);
		json_decref(out);
	} else {
		static const cli_view view = {NULL, NULL, print_report};
		json_t *site = NULL;
		rc = wam_trace_sdg_report(db, &out, &scope);
		/* the header names the site; --json gives the report as it is */
		if (!rc && scope.site_id && !env->json && !(rc = wam_registry_site_get(db, &site, scope.site_id)))
			json_object_set(out, "site_name", json_object_get(site, "name"));
		json_decref(site);
		rc = cli_show(env, rc, out, &view);
	}
	wam_db_close(db);
	return rc;
}

/* ---- the international reports ---- */

/* The English of a message object ({message, message_id, args}), or the
 * text itself. */
static const char *msg(const json_t *m)
{
	if (json_is_string(m))
		return json_string_value(m);
	return cli_text(m, "message");
}

/* The year of --year into `*year`; 0, or WAM_EINVAL naming year (the
 * library says which years). */
static int year_of(const char *text, int *year)
{
	char *end = NULL;
	errno = 0;
	long y = text ? strtol(text, &end, 10) : 0;
	if (!text || end == text || *end || errno || y < INT_MIN || y > INT_MAX)
		return wam_error_set(WAM_EINVAL, "year", "--year takes a year (YYYY), not '%.20s'", text ? text : "");
	*year = (int)y;
	return 0;
}

/* The options of a report's command line: --year, --exports or --imports,
 * --basis, every --withhold (in `rows`). */
static int options_of(const cli_args *a, wam_report_options *o, const char *rows[WAM_REPORT_WITHHOLD_MAX])
{
	memset(o, 0, sizeof *o);
	int rc = year_of(cli_opt(a, "year"), &o->year);
	if (rc)
		return rc;
	bool exports = cli_flag(a, "exports"), imports = cli_flag(a, "imports");
	if (exports && imports)
		return wam_error_set(WAM_EINVAL, "direction",
		                     "--exports and --imports go alone: without either the report has both");
	o->direction = exports ? "exports" : imports ? "imports" : NULL;
	o->basis = cli_opt(a, "basis");
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "withhold"))
			continue;
		if (o->nwithhold >= WAM_REPORT_WITHHOLD_MAX)
			return wam_error_set(WAM_EINVAL, "withhold", "at most %d rows can be withheld",
			                     WAM_REPORT_WITHHOLD_MAX);
		rows[o->nwithhold++] = a->opt[i].value;
	}
	o->withhold = o->nwithhold ? rows : NULL;
	return 0;
}

/* One table of a report: caption, a line per row (key, label, the cells
 * of each column) and the totals. */
static void print_table(const json_t *t)
{
	const json_t *cols = json_object_get(t, "columns"), *col, *row;
	size_t ncols = json_array_size(cols), i, j;
	cli_column *view = calloc(ncols + 3, sizeof *view);
	json_t *rows = json_array();
	bool labels = false;
	if (!view || !rows) {
		free(view);
		json_decref(rows);
		return;
	}
	json_array_foreach(json_object_get(t, "rows"), i, row) if (json_object_get(row, "label")) labels = true;
	size_t n = 0;
	view[n++] = (cli_column){"KEY", "key", 32};
	if (labels)
		view[n++] = (cli_column){"", "label", 40};
	json_array_foreach(cols, j, col) view[n++] =
	    (cli_column){msg(json_object_get(col, "label")), cli_text(col, "id"), 30};
	json_array_foreach(json_object_get(t, "rows"), i, row)
	{
		json_t *line = json_deep_copy(json_object_get(row, "cells"));
		json_object_set(line, "key", json_object_get(row, "key"));
		if (json_object_get(row, "label"))
			json_object_set_new(line, "label", json_string(msg(json_object_get(row, "label"))));
		json_array_append_new(rows, line);
	}
	const json_t *totals = json_object_get(t, "totals");
	if (json_object_size(totals) && json_array_size(json_object_get(t, "rows"))) {
		json_t *line = json_deep_copy(totals);
		json_object_set_new(line, "key", json_string("total"));
		json_array_append_new(rows, line);
	}
	printf("\n%s  [%s]\n", msg(json_object_get(t, "caption")), cli_text(t, "id"));
	if (json_array_size(json_object_get(t, "rows")))
		cli_print_table(view, rows);
	else
		printf("  nothing to report (nil)\n");
	json_decref(rows);
	free(view);
}

static void print_international(const json_t *r)
{
	const json_t *ledger = json_object_get(r, "ledger"), *t, *note;
	size_t i;
	printf("%s\n", msg(json_object_get(r, "title")));
	printf("%s, %lld; computed at event %lld, %s\n", cli_text(r, "country"), num(r, "year"), num(ledger, "seq"),
	       cli_text(r, "generated_at"));
	if (json_is_true(json_object_get(r, "nil")))
		printf("NIL REPORT: nothing to report for %lld\n", num(r, "year"));
	if (json_is_true(json_object_get(r, "withheld")))
		printf("WITHHELD: some data were withheld from this report\n");
	json_array_foreach(json_object_get(r, "notes"), i, note) printf("note: %s\n", msg(note));
	json_array_foreach(json_object_get(r, "tables"), i, t) print_table(t);
	printf("\nthe records behind a row or cell: wam report %s --year %lld --records TABLE/KEY[/COLUMN]\n",
	       cli_text(r, "report"), num(r, "year"));
}

/* The records behind a row: one line each, its kind and id, then its
 * other fields. */
static void print_international_records(const json_t *rows)
{
	const json_t *rec;
	size_t i;
	if (!json_array_size(rows)) {
		printf("no record behind it\n");
		return;
	}
	json_array_foreach(rows, i, rec)
	{
		const char *k;
		const json_t *v;
		printf("%s %s", cli_text(rec, "kind"), cli_text(rec, "id"));
		json_object_foreach((json_t *)rec, k, v)
		{
			if (!strcmp(k, "kind") || !strcmp(k, "id") || json_is_null(v))
				continue;
			char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			printf("  %s: %s", k, text ? text : json_string_value(v));
			free(text);
		}
		printf("\n");
	}
}

static int write_csv(FILE *f, const void *report)
{
	return wam_report_csv(report, f);
}

static int write_html(FILE *f, const void *report)
{
	return wam_report_html(report, f);
}

/* wam report KIND --year Y [options] [--csv|--html|--records ROW] */
static int run_kind(const cli_env *env, const cli_args *a, const char *kind)
{
	const char *rows[WAM_REPORT_WITHHOLD_MAX], *records = cli_opt(a, "records");
	wam_report_options o;
	bool csv = cli_flag(a, "csv"), html = cli_flag(a, "html");
	if (a->npos || !cli_opt(a, "year"))
		return cli_usage(env,
		                 "usage: wam report %s --year YYYY [--exports|--imports] [--basis actual|authorised]"
		                 " [--withhold TABLE/KEY]... [--json|--csv|--html] [--records TABLE/KEY[/COLUMN]]",
		                 kind);
	int rc = options_of(a, &o, rows);
	if (!rc && (csv + html + (records != NULL) > 1 || (env->json && (csv || html))))
		rc = wam_error_set(WAM_EINVAL, "format",
		                   "--csv, --html and --records each go alone, and --json with none but --records");
	if (rc)
		return cli_fail(env, rc);
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, false)))
		return rc;
	if (records) {
		static const cli_view view = {NULL, NULL, print_international_records};
		rc = wam_report_records(db, &out, kind, &o, records);
		rc = cli_show(env, rc, out, &view);
	} else if (csv || html) {
		rc = wam_report_make(db, &out, kind, &o);
		rc = rc ? cli_fail(env, rc) : cli_write_file(env, NULL, csv ? write_csv : write_html, out);
		json_decref(out);
	} else {
		static const cli_view view = {NULL, NULL, print_international};
		rc = wam_report_make(db, &out, kind, &o);
		rc = cli_show(env, rc, out, &view);
	}
	wam_db_close(db);
	return rc;
}

static int cmd_unroca(const cli_env *env, const cli_args *a)
{
	return run_kind(env, a, "unroca");
}

static int cmd_att(const cli_env *env, const cli_args *a)
{
	return run_kind(env, a, "att");
}

static int cmd_poa(const cli_env *env, const cli_args *a)
{
	return run_kind(env, a, "poa");
}

static int cmd_iafq(const cli_env *env, const cli_args *a)
{
	return run_kind(env, a, "iafq");
}

static const char *const submission_keys[] = {"id",           "report",       "year",       "reference", "notes",
                                              "submitted_by", "submitted_at", "ledger_seq", "signature", NULL};

/* A submission's record lines, then the report as it was sent. */
static void print_submission(const json_t *s)
{
	json_t *shown = json_deep_copy(s);
	const json_t *doc = json_object_get(s, "document");
	json_object_set(shown, "ledger_seq", json_object_get(json_object_get(s, "ledger"), "seq"));
	json_object_set(shown, "signature", json_object_get(doc, "signature"));
	cli_print_record(submission_keys, shown);
	json_decref(shown);
	if (json_object_get(doc, "report")) {
		printf("\nas sent:\n");
		print_international(json_object_get(doc, "report"));
	}
}

static int cmd_submit(const cli_env *env, const cli_args *a)
{
	const char *rows[WAM_REPORT_WITHHOLD_MAX];
	wam_report_options o;
	if (a->npos != 1 || !cli_opt(a, "year"))
		return cli_usage(env, "usage: wam report submit unroca|att|poa|iafq --year YYYY [the report's options]"
		                      " [--reference TEXT] [--notes TEXT]");
	int rc = options_of(a, &o, rows);
	if (rc)
		return cli_fail(env, rc);
	json_t *s = json_object();
	cli_set_opt(s, a, "reference", "reference");
	cli_set_opt(s, a, "notes", "notes");
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, true))) {
		json_decref(s);
		return rc;
	}
	static const cli_view view = {submission_keys, NULL, NULL};
	rc = wam_report_submit(db, &out, a->pos[0], &o, s);
	if (!rc && !env->json) { /* the document is in the registry; people see what identifies it */
		json_object_set(out, "signature", json_object_get(json_object_get(out, "document"), "signature"));
		json_object_set(out, "ledger_seq", json_object_get(json_object_get(out, "ledger"), "seq"));
	}
	rc = cli_show(env, rc, out, &view);
	json_decref(s);
	wam_db_close(db);
	return rc;
}

static void print_diff(const json_t *d)
{
	const json_t *sub = json_object_get(d, "submission"), *c;
	const json_t *changes = json_object_get(d, "changes");
	size_t i;
	printf("submission %s: %s report for %lld%s%s, submitted %s, computed at event %lld\n", cli_text(sub, "id"),
	       cli_text(sub, "report"), num(sub, "year"), json_is_string(json_object_get(sub, "reference")) ? ", " : "",
	       cli_text(sub, "reference"), cli_text(sub, "submitted_at"), num(json_object_get(sub, "ledger"), "seq"));
	printf("recomputed at event %lld: ", num(json_object_get(d, "ledger"), "seq"));
	if (!json_array_size(changes)) {
		printf("no change\n");
		return;
	}
	printf("%zu change%s\n", json_array_size(changes), json_array_size(changes) == 1 ? "" : "s");
	json_array_foreach(changes, i, c)
	{
		const char *what = cli_text(c, "change");
		char *was =
		    json_dumps(json_object_get(c, "submitted"), JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
		char *now = json_dumps(json_object_get(c, "now"), JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
		if (!strcmp(what, "changed"))
			printf("  changed %s/%s/%s: %s -> %s\n", cli_text(c, "table"), cli_text(c, "key"),
			       cli_text(c, "column"), was ? was : "", now ? now : "");
		else
			printf("  %-7s %s/%s: %s\n", what, cli_text(c, "table"), cli_text(c, "key"),
			       !strcmp(what, "added") ? (now ? now : "") : (was ? was : ""));
		free(was);
		free(now);
	}
	const json_t *events = json_object_get(d, "events");
	if (!json_array_size(events)) {
		printf("no event since the submission concerns the records behind them\n");
		return;
	}
	printf("\nthe events since the submission that concern the records behind them:\n");
	static const cli_column cols[] = {{"SEQ", "seq", 0},         {"TIME", "time", 0},   {"TYPE", "type", 0},
	                                  {"SUBJECT", "subject", 0}, {"ACTOR", "actor", 0}, {NULL, NULL, 0}};
	cli_print_table(cols, events);
}

static int cmd_diff(const cli_env *env, const cli_args *a)
{
	int year = 0, rc;
	const char *id = cli_opt(a, "submission");
	if (a->npos != 1 || (!id && !cli_opt(a, "year")))
		return cli_usage(env, "usage: wam report diff unroca|att|poa|iafq --year YYYY [--submission ID]");
	if (cli_opt(a, "year") && (rc = year_of(cli_opt(a, "year"), &year)))
		return cli_fail(env, rc);
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, false)))
		return rc;
	static const cli_view view = {NULL, NULL, print_diff};
	rc = wam_report_diff(db, &out, a->pos[0], year, id);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static void print_submissions(const json_t *list)
{
	static const cli_column cols[] = {{"ID", "id", 0},
	                                  {"REPORT", "report", 0},
	                                  {"YEAR", "year", 0},
	                                  {"REFERENCE", "reference", 30},
	                                  {"SUBMITTED", "submitted_at", 0},
	                                  {"BY", "submitted_by", 0},
	                                  {"EVENT", "ledger_seq", 0},
	                                  {NULL, NULL, 0}};
	json_t *rows = json_deep_copy(list), *row;
	size_t i;
	json_array_foreach(rows, i, row)
	    json_object_set(row, "ledger_seq", json_object_get(json_object_get(row, "ledger"), "seq"));
	if (json_array_size(rows))
		cli_print_table(cols, rows);
	else
		printf("no report submitted\n");
	json_decref(rows);
}

static int cmd_submissions(const cli_env *env, const cli_args *a)
{
	int year = 0, rc;
	if (a->npos)
		return cli_usage(env, "usage: wam report submissions [--report unroca|att|poa|iafq] [--year YYYY]");
	if (cli_opt(a, "year") && (rc = year_of(cli_opt(a, "year"), &year)))
		return cli_fail(env, rc);
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, false)))
		return rc;
	static const cli_view view = {NULL, NULL, print_submissions};
	rc = wam_report_submission_list(db, &out, cli_opt(a, "report"), year);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static int cmd_submission(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam report submission ID");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	static const cli_view view = {NULL, NULL, print_submission};
	rc = wam_report_submission_get(db, &out, a->pos[0]);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static const char *const sdg_valued[] = {"year", "site", "records", NULL};
static const char *const sdg_flags[] = {"csv", "confidential", NULL};
static const char *const kind_valued[] = {"year", "basis", "withhold", "records", NULL};
static const char *const kind_flags[] = {"exports", "imports", "csv", "html", NULL};
static const char *const submit_valued[] = {"year", "basis", "withhold", "reference", "notes", NULL};
static const char *const submit_flags[] = {"exports", "imports", NULL};
static const char *const diff_valued[] = {"year", "submission", NULL};
static const char *const list_valued[] = {"report", "year", NULL};
static const char *const none[] = {NULL};

const cli_command cli_report_commands[] = {
    {"report sdg-16-4-2", sdg_valued, sdg_flags, cmd_sdg,
     "report sdg-16-4-2 --year YYYY [--site ID] [--json|--csv] [--records FIGURE [--confidential]]",
     "SDG 16.4.2: the share of recovered weapons whose illicit origin was traced or established, its counts and "
     "breakdowns; --records lists the weapons, ammunition lines or parts behind a figure (seized, numerator, "
     "by_type.rifle, "
     "by_manufacture.printed, ammunition.by_context.cache, parts.by_type.barrel ...), results "
     "from restricted trace responses withheld unless --confidential (the read recorded)"},
    {"report unroca", kind_valued, kind_flags, cmd_unroca,
     "report unroca --year YYYY [--exports|--imports] [--json|--csv|--html] [--records TABLE/KEY[/COLUMN]]",
     "the UN Register of Conventional Arms return: exports and imports by category (I-VII and the SALW +1), "
     "military holdings and national production; --records lists the shipments or weapons behind a row"},
    {"report att", kind_valued, kind_flags, cmd_att,
     "report att --year YYYY [--basis actual|authorised] [--exports|--imports] [--withhold TABLE/KEY]... "
     "[--json|--csv|--html] [--records TABLE/KEY[/COLUMN]]",
     "the Arms Trade Treaty annual report (Art. 13(3)): exports and imports, actual or authorised; --withhold "
     "leaves out a commercially sensitive or national-security row (repeatable) and says so"},
    {"report poa", kind_valued, kind_flags, cmd_poa,
     "report poa --year YYYY [--json|--csv|--html] [--records TABLE/KEY[/COLUMN]]",
     "the quantitative part of the PoA/ITI national report: marking, record-keeping, tracing, stockpiles, "
     "losses, surplus, destruction, recoveries, and people by sex and age"},
    {"report iafq", kind_valued, kind_flags, cmd_iafq,
     "report iafq --year YYYY [--json|--csv|--html] [--records TABLE/KEY[/COLUMN]]",
     "the tables of UNODC's Illicit Arms Flows Questionnaire: weapons recovered by type, context and legal "
     "justification, parts, ammunition, tracing, and people by sex and age"},
    {"report submit", submit_valued, submit_flags, cmd_submit,
     "report submit unroca|att|poa|iafq --year YYYY [the report's options] [--reference TEXT] [--notes TEXT]",
     "submits a report: computes it, signs it with the node key and records it as sent, frozen (role with "
     "submit_report: licensing, admin)"},
    {"report diff", diff_valued, none, cmd_diff, "report diff unroca|att|poa|iafq --year YYYY [--submission ID]",
     "what a recomputation would change in the latest submission of the report for the year (or --submission "
     "ID), row by row and cell by cell, and the events since it that concern the records behind the changes"},
    {"report submissions", list_valued, none, cmd_submissions,
     "report submissions [--report unroca|att|poa|iafq] [--year YYYY]", "the reports submitted, newest first"},
    {"report submission", none, none, cmd_submission, "report submission ID",
     "one submission: its reference, who submitted it and when, its signature and the report as it was sent"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
