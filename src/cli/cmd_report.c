/* Reports: wam report sdg-16-4-2 (docs/trace.md, "SDG 16.4.2"). For
 * people a table — the indicator, each count, the breakdowns; --json the
 * report as the library gives it, --csv one figure a row, and --records
 * FIGURE the recovered weapons behind any one number: a result taken from
 * a restricted or confidential trace response withheld (R11) unless
 * --confidential, which records the read as `trace show --confidential`
 * does. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/auth.h"
#include "wam/registry.h"
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

	const json_t *by_type = json_object_get(r, "by_type");
	if (json_object_size(by_type)) {
		printf("\n%-38s %9s %10s\n", "by weapon type", "recovered", "numerator");
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)by_type, k, v)
		    printf("  %-36s %9lld %10lld\n", k, num(v, "recovered"), num(v, "numerator"));
	}
	print_breakdown("by tracing result (point of diversion)", json_object_get(r, "by_result"));
	print_breakdown("by context of recovery", json_object_get(r, "by_context"));
	const json_t *by_m = json_object_get(r, "by_manufacture");
	if (json_object_size(by_m)) {
		printf("\n%-38s %9s %10s\n", "by manufacture", "recovered", "numerator");
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)by_m, k, v)
		    printf("  %-36s %9lld %10lld\n", k, num(v, "recovered"), num(v, "numerator"));
	}
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

static const char *const sdg_valued[] = {"year", "site", "records", NULL};
static const char *const sdg_flags[] = {"csv", "confidential", NULL};

const cli_command cli_report_commands[] = {
    {"report sdg-16-4-2", sdg_valued, sdg_flags, cmd_sdg,
     "report sdg-16-4-2 --year YYYY [--site ID] [--json|--csv] [--records FIGURE [--confidential]]",
     "SDG 16.4.2: the share of recovered weapons whose illicit origin was traced or established, its counts and "
     "breakdowns; --records lists the weapons, ammunition lines or parts behind a figure (seized, numerator, "
     "by_type.rifle, "
     "by_manufacture.printed, ammunition.by_context.cache, parts.by_type.barrel ...), results "
     "from restricted trace responses withheld unless --confidential (the read recorded)"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
