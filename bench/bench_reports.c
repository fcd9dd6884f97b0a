/* bench_reports: the international reports at registry scale
 * (bench/README.md).
 *
 *   bench_reports [--items N] [--runs R] [--dir DIR]
 *
 * Fills a registry with `wam demo` of N weapons (100,000 by default; the
 * demo's transfers, recoveries, trace requests, stock checks and
 * destructions come with it), then measures, R times each (5), the UN
 * Register return, the ATT report (actual and authorised), the PoA figures
 * and the UNODC questionnaire for the demo's year, the records behind the
 * first row of each, a submission and the comparison of the submission
 * with a recomputation — against the baseline of the SDG 16.4.2 report of
 * the same year on the same registry, which every figure of the
 * questionnaire is built beside. Prints the median and the slowest run of
 * each, and their ratio to the baseline's median. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "wam/error.h"
#include "wam/registry.h"
#include "wam/reports.h"
#include "wam/trace.h"

#define MAX_RUNS 100

static int die(const char *what)
{
	fprintf(stderr, "bench_reports: %s: %s (%s)\n", what, wam_error_last()->message, wam_error_last()->field);
	return 1;
}

typedef struct result {
	const char *what;
	double median, slowest;
} result;

static int year_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* The first row of the first table that has one, as TABLE/KEY. */
static int first_row(const json_t *report, char *out, size_t cap)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		const json_t *row = json_array_get(json_object_get(t, "rows"), 0);
		if (row) {
			snprintf(out, cap, "%s/%s", json_string_value(json_object_get(t, "id")),
			         json_string_value(json_object_get(row, "key")));
			return 1;
		}
	}
	return 0;
}

static void print_result(const result *r, double baseline)
{
	printf("%-34s %10.2f ms %10.2f ms %8.2fx\n", r->what, r->median * 1e3, r->slowest * 1e3,
	       baseline > 0 ? r->median / baseline : 0);
}

int main(int argc, char **argv)
{
	long items = 100000, runs = 5;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		long *target = !strcmp(argv[i], "--items") ? &items : !strcmp(argv[i], "--runs") ? &runs : NULL;
		long lo = target == &runs ? 1 : 100, hi = target == &runs ? MAX_RUNS : 20000000;
		if (target && i + 1 < argc && bench_parse_count(argv[i + 1], lo, hi, target) == 0) {
			i++;
			continue;
		}
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		fprintf(stderr, "usage: bench_reports [--items N] [--runs R] [--dir DIR]\n");
		return 2;
	}
	char tmp[] = "/tmp/wam-bench-reports-XXXXXX", path[4200];
	if (!dir && !(dir = mkdtemp(tmp)))
		return perror("mkdtemp"), 1;
	snprintf(path, sizeof path, "%s/bench.db", dir);
	bench_remove_db(path);
	wam_db *db = NULL;
	wam_init_opts io = {.country = "HT", .name = "bench reports"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	fprintf(stderr, "bench_reports: demo of %ld weapons...\n", items);
	double t0 = bench_now();
	wam_demo_opts demo = {.items = items, .seed = 1};
	if (wam_registry_demo(db, &demo))
		return die("demo");
	fprintf(stderr, "bench_reports: demo made in %.1f s\n", bench_now() - t0);

	int year = year_now();
	double times[MAX_RUNS];
	result results[16];
	int nres = 0;

	/* the baseline: SDG 16.4.2 for the year */
	wam_sdg_scope scope = {.year = year};
	for (long r = 0; r < runs; r++) {
		json_t *out = NULL;
		double s = bench_now();
		if (wam_trace_sdg_report(db, &out, &scope))
			return die("sdg");
		times[r] = bench_now() - s;
		json_decref(out);
	}
	double slowest = 0;
	for (long r = 0; r < runs; r++)
		slowest = times[r] > slowest ? times[r] : slowest;
	result baseline = {"SDG 16.4.2 (baseline)", bench_median(times, (size_t)runs), slowest};

	static const struct {
		const char *label, *kind, *basis;
	} asked[] = {
	    {"UN Register return", "unroca", NULL},          {"ATT report, actual", "att", "actual"},
	    {"ATT report, authorised", "att", "authorised"}, {"PoA national report", "poa", NULL},
	    {"UNODC questionnaire", "iafq", NULL},
	};
	static char labels[2 * sizeof asked / sizeof asked[0]][64];
	for (size_t k = 0; k < sizeof asked / sizeof asked[0]; k++) {
		wam_report_options o = {.year = year, .basis = asked[k].basis};
		json_t *report = NULL;
		slowest = 0;
		for (long r = 0; r < runs; r++) {
			json_decref(report);
			double s = bench_now();
			if (wam_report_make(db, &report, asked[k].kind, &o))
				return die(asked[k].kind);
			times[r] = bench_now() - s;
			slowest = times[r] > slowest ? times[r] : slowest;
		}
		results[nres++] = (result){asked[k].label, bench_median(times, (size_t)runs), slowest};
		char row[256];
		if (first_row(report, row, sizeof row)) {
			slowest = 0;
			for (long r = 0; r < runs; r++) {
				json_t *records = NULL;
				double s = bench_now();
				if (wam_report_records(db, &records, asked[k].kind, &o, row))
					return die("records");
				times[r] = bench_now() - s;
				slowest = times[r] > slowest ? times[r] : slowest;
				json_decref(records);
			}
			snprintf(labels[2 * k], sizeof labels[0], "  records of %.20s", row);
			results[nres++] = (result){labels[2 * k], bench_median(times, (size_t)runs), slowest};
		}
		json_decref(report);
	}

	/* a submission, then its comparison with a recomputation */
	wam_report_options o = {.year = year};
	json_t *sub = NULL, *diff = NULL;
	double s = bench_now();
	if (wam_report_submit(db, &sub, "unroca", &o, NULL))
		return die("submit");
	double submit = bench_now() - s;
	results[nres++] = (result){"submit (UN Register)", submit, submit};
	slowest = 0;
	for (long r = 0; r < runs; r++) {
		json_decref(diff);
		diff = NULL;
		s = bench_now();
		if (wam_report_diff(db, &diff, "unroca", year, NULL))
			return die("diff");
		times[r] = bench_now() - s;
		slowest = times[r] > slowest ? times[r] : slowest;
	}
	results[nres++] = (result){"diff (UN Register)", bench_median(times, (size_t)runs), slowest};
	json_decref(sub);
	json_decref(diff);

	printf("reports on a registry of %ld weapons, year %d, median of %ld runs\n\n", items, year, runs);
	printf("%-34s %13s %13s %9s\n", "", "median", "slowest", "ratio");
	print_result(&baseline, baseline.median);
	for (int i = 0; i < nres; i++)
		print_result(&results[i], baseline.median);
	wam_db_close(db);
	if (dir == tmp) {
		bench_remove_db(path);
		bench_remove_dir(tmp);
	}
	return 0;
}
