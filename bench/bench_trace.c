/* bench_trace: the cost of tracing at registry scale (bench/README.md).
 *
 *   bench_trace [--weapons N] [--recoveries R] [--per K] [--runs X] [--dir DIR]
 *
 * Builds a registry of N weapons with random serials (imported as CSV), then
 * measures, each X times on fresh batches:
 *   - intake: R recoveries of K weapons each, half of them registered
 *     weapons written down with two misread characters, through
 *     wam_collection_recovery_add(), which searches the registry for every
 *     weapon and records the hits; against the baseline of registering the
 *     same number of weapons with wam_registry_item_add() (no search);
 *   - the SDG 16.4.2 report for the year and one drill-down, against the
 *     baseline of listing a page of 1,000 weapons.
 * Checks that every weapon misread within the look-alike classes gave its
 * hit. Prints medians and ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/registry.h"
#include "wam/collection.h"
#include "wam/match.h"
#include "wam/trace.h"

static int die(const char *what)
{
	fprintf(stderr, "bench_trace: %s: %s\n", what, wam_error_last()->message);
	return 1;
}

/* The n-th serial: two letters and six digits, scattered over the whole
 * space (n times a number prime to 26*26*10^6), so no two are alike and
 * neighbours look unrelated, as real factories' serials do in a registry. */
static void random_serial(wam_rng *rng, char out[16])
{
	static unsigned long long n;
	(void)rng;
	unsigned long long v = (++n * 387420489ULL) % 676000000ULL;
	snprintf(out, 16, "%c%c%06llu", 'A' + (int)(v / 26000000ULL), 'A' + (int)(v / 1000000ULL % 26), v % 1000000ULL);
}

/* Two digits of `s` read as their look-alikes (0→O, 1→I, 5→S, 8→B, 2→Z,
 * 6→G), the rest of the two made up by digits read wrong outright; true
 * when both were look-alikes (a hit the matcher must find). */
static bool misread(char *s)
{
	static const char from[] = "015826", to[] = "OISBZG";
	int done = 0;
	for (char *p = s + 2; *p && done < 2; p++) {
		const char *at = strchr(from, *p);
		if (at) {
			*p = to[at - from];
			done++;
		}
	}
	bool alike = done == 2;
	for (char *p = s + 2; *p && done < 2; p++, done++)
		*p = *p == '9' ? '3' : '9';
	return alike;
}

/* A registry holds many makes; the matcher looks within the make it is
 * told. Weapon i is of make i % MAKES. */
#define MAKES 16
static const char *const makes[MAKES] = {"Kalashnikov", "Norinco",    "Zastava",   "FN Herstal", "Colt",   "Beretta",
                                         "Glock",       "Heckler & Koch", "Taurus", "Smith & Wesson", "Sturm Ruger",
                                         "Tula",        "Cugir",      "FEG",       "Arsenal",    "CZ"};

static int import(wam_db *db, wam_rng *rng, long n, char (*serials)[16])
{
	char *text = NULL;
	size_t len = 0;
	FILE *csv = open_memstream(&text, &len);
	if (!csv)
		return WAM_ENOMEM;
	fputs("category,make,model,calibre,serial,country,year,status\n", csv);
	for (long i = 0; i < n; i++) {
		random_serial(rng, serials[i]);
		fprintf(csv, "SA4,%s,AKM,7.62x39mm,%s,RU,1975,%s\n", makes[i % MAKES], serials[i],
		        i % 50 ? "in_store" : "stolen");
	}
	fclose(csv);
	FILE *in = fmemopen(text, len, "r");
	wam_import_opts o = {.allow_duplicates = 1};
	wam_import_report rep = {0};
	int rc = in ? wam_registry_import(db, &rep, in, &o) : WAM_ENOMEM;
	if (in)
		fclose(in);
	if (rc && json_array_size(rep.errors))
		fprintf(stderr, "bench_trace: first bad row: %s\n",
		        json_string_value(json_object_get(json_array_get(rep.errors, 0), "message")));
	wam_registry_import_report_free(&rep);
	free(text);
	return rc;
}

static json_t *weapon(const char *serial, long i)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "category", "SA4", "make", makes[i % MAKES], "model", "AKM",
	                 "calibre", "7.62x39mm", "country", "RU", "serial", serial);
}

int main(int argc, char **argv)
{
	long weapons = 100000, recoveries = 20, per = 50, runs = 3;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		long *target = NULL, lo = 1, hi = 99;
		if (!strcmp(argv[i], "--weapons"))
			target = &weapons, lo = 1000, hi = 10000000;
		else if (!strcmp(argv[i], "--recoveries"))
			target = &recoveries, hi = 1000;
		else if (!strcmp(argv[i], "--per"))
			target = &per, hi = 1000;
		else if (!strcmp(argv[i], "--runs"))
			target = &runs;
		if (target && i + 1 < argc) {
			if (bench_parse_count(argv[++i], lo, hi, target))
				return fprintf(stderr, "bench_trace: %s must be %ld to %ld\n", argv[i - 1], lo, hi), 2;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_trace [--weapons N] [--recoveries R] [--per K] [--runs X] [--dir DIR]\n");
			return 2;
		}
	}
	char tmpl[] = "/tmp/wam-bench-trace.XXXXXX", path[4096];
	if (!dir && !(dir = mkdtemp(tmpl)))
		return fprintf(stderr, "bench_trace: no temporary directory\n"), 1;
	snprintf(path, sizeof path, "%s/trace.db", dir);
	bench_remove_db(path);
	wam_db *db;
	wam_init_opts io = {.country = "HT", .name = "trace bench"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	wam_db_set_actor(db, "bench:trace");
	wam_rng rng = {.s = 42};
	char(*serials)[16] = calloc((size_t)weapons, sizeof *serials);
	double t0 = bench_now();
	if (!serials || import(db, &rng, weapons, serials))
		return die("build the registry");
	/* the first search loads the serial index: not part of any timing */
	json_t *warm = NULL;
	wam_match_query q = {.serial = serials[0], .max_edits = 2};
	if (wam_match_search(db, &warm, &q))
		return die("search");
	json_decref(warm);
	printf("registry of %ld weapons built and indexed in %.1f s (%s)\n", weapons, bench_now() - t0, path);

	long batch = recoveries * per, picked = 0;
	double *t_plain = calloc((size_t)runs, sizeof(double)), *t_intake = calloc((size_t)runs, sizeof(double)),
	       *t_report = calloc((size_t)runs, sizeof(double)), *t_records = calloc((size_t)runs, sizeof(double)),
	       *t_summary = calloc((size_t)runs, sizeof(double));
	for (long r = 0; r < runs; r++) {
		/* baseline: the same number of weapons registered, no search */
		double a = bench_now();
		if (wam_db_begin(db))
			return die("begin");
		for (long i = 0; i < batch; i++) {
			char s[16];
			random_serial(&rng, s);
			json_t *w = weapon(s, i), *out = NULL;
			json_object_set_new(w, "status", json_string("seized"));
			if (wam_registry_item_add(db, &out, w, WAM_ALLOW_DUPLICATE))
				return die("register");
			json_decref(w);
			json_decref(out);
		}
		if (wam_db_commit(db))
			return die("commit");
		double b = bench_now();
		/* intake: recoveries, each weapon searched for */
		long misreads = 0, hits_before = 0, hits_after = 0; /* misreads: look-alikes only */
		json_t *hits = NULL;
		wam_hit_filter f = {0};
		if (wam_trace_hit_list(db, &hits, &f))
			return die("hits");
		hits_before = (long)json_array_size(hits);
		json_decref(hits);
		double c = bench_now();
		for (long k = 0; k < recoveries; k++) {
			json_t *list = json_array();
			for (long i = 0; i < per; i++) {
				char s[16];
				long of = i;
				if (i % 2 == 0) {
					/* each registered weapon turns up once at most, under its own make */
					of = (long)((unsigned long long)(++picked) * 7919ULL % (unsigned long long)weapons);
					memcpy(s, serials[of], sizeof s);
					misreads += misread(s);
				} else {
					random_serial(&rng, s);
				}
				json_array_append_new(list, weapon(s, of));
			}
			json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "seized", "date", "2025-06-01", "officer",
			                        "bench", "context", "crime", "weapons", list),
			       *out = NULL;
			if (wam_collection_recovery_add(db, &out, rec))
				return die("recovery");
			json_decref(rec);
			json_decref(out);
		}
		double d = bench_now();
		if (wam_trace_hit_list(db, &hits, &f))
			return die("hits");
		hits_after = (long)json_array_size(hits);
		json_decref(hits);
		/* the report and a drill-down, against the summary */
		wam_sdg_scope scope = {.year = 2025};
		json_t *rep = NULL, *recs = NULL, *sum = NULL;
		double e = bench_now();
		if (wam_trace_sdg_report(db, &rep, &scope))
			return die("report");
		double g = bench_now();
		if (wam_trace_sdg_report_records(db, &recs, &scope, "seized", 0))
			return die("records");
		double h = bench_now();
		wam_item_filter lf = {.status = "seized", .limit = 1000};
		if (wam_registry_item_list(db, &sum, &lf))
			return die("list");
		double j = bench_now();
		t_plain[r] = (b - a) / (double)batch;
		t_intake[r] = (d - c) / (double)batch;
		t_report[r] = g - e;
		t_records[r] = h - g;
		t_summary[r] = j - h;
		long recovered = (long)json_integer_value(json_object_get(json_object_get(rep, "counts"), "recovered"));
		printf("run %ld: register %.3f ms/weapon, recovery intake %.3f ms/weapon (%ld misread, %ld new hits);"
		       " report %.3f s over %ld recovered, drill-down %.3f s (%zu), a page of 1,000 weapons %.3f s\n",
		       r + 1, t_plain[r] * 1e3, t_intake[r] * 1e3, misreads, hits_after - hits_before, t_report[r], recovered,
		       t_records[r], json_array_size(recs), t_summary[r]);
		if (hits_after - hits_before < misreads) {
			fprintf(stderr, "bench_trace: %ld misread weapons gave only %ld hits\n", misreads,
			        hits_after - hits_before);
			return 1;
		}
		json_decref(rep);
		json_decref(recs);
		json_decref(sum);
	}
	double plain = bench_median(t_plain, (size_t)runs), intake = bench_median(t_intake, (size_t)runs),
	       report = bench_median(t_report, (size_t)runs), records = bench_median(t_records, (size_t)runs),
	       summary = bench_median(t_summary, (size_t)runs);
	printf("median of %ld runs at %ld weapons: intake %.3f ms/weapon = %.2fx registering alone (%.3f ms);"
	       " SDG report %.3f s, drill-down %.3f s = %.1fx / %.1fx a page of 1,000 weapons (%.3f s)\n",
	       runs, weapons, intake * 1e3, intake / plain, plain * 1e3, report, records, report / summary,
	       records / summary, summary);
	free(t_plain);
	free(t_intake);
	free(t_report);
	free(t_records);
	free(t_summary);
	free(serials);
	wam_db_close(db);
	if (!strcmp(dir, tmpl))
		bench_remove_dir(dir);
	return 0;
}
