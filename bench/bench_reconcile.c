/* bench_reconcile: a stock check of a depot of 100,000 weapons (bench/README.md).
 *
 *   bench_reconcile [--weapons N] [--runs R] [--dir DIR]
 *
 * Builds a fresh registry with N weapons at one depot (imported as CSV) and
 * a few at another, then R times: opens a full serial check of the depot,
 * feeds N reads (every weapon's serial but 10, a few read twice, 5 weapons
 * of the other depot, 5 unknown serials), closes it, and checks the
 * reconciliation counts exactly 10 missing, 5 at the wrong location and 5
 * unexpected. Prints the median time of open, feed and close. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/registry.h"
#include "wam/auth.h"
#include "wam/stock.h"

#define OTHER 5
#define MISSING 10
#define UNKNOWN 5
#define DUPLICATES 50

static int die(const char *what)
{
	fprintf(stderr, "bench_reconcile: %s: %s\n", what, wam_error_last()->message);
	return 1;
}

static int add_site(wam_db *db, const char *name, char *id)
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "depot"), *out = NULL;
	int rc = wam_registry_site_add(db, &out, in);
	if (!rc)
		snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
	return rc;
}

/* Imports `n` weapons with serials PREFIX-000001.. at `site`. */
static int import(wam_db *db, const char *prefix, long n, const char *site)
{
	char *text = NULL;
	size_t len = 0;
	FILE *csv = open_memstream(&text, &len);
	if (!csv)
		return WAM_ENOMEM;
	fputs("category,make,model,calibre,serial,country,year,site_id\n", csv);
	for (long i = 1; i <= n; i++)
		fprintf(csv, "SA4,Kalashnikov,AKM,7.62x39mm,%s-%06ld,RU,1975,%s\n", prefix, i, site);
	fclose(csv);
	FILE *in = fmemopen(text, len, "r");
	wam_import_opts o = {0};
	wam_import_report rep = {0};
	int rc = in ? wam_registry_import(db, &rep, in, &o) : WAM_ENOMEM;
	if (in)
		fclose(in);
	wam_registry_import_report_free(&rep);
	free(text);
	return rc;
}

static long count_of(const json_t *check, const char *kind)
{
	return (long)json_array_size(json_object_get(json_object_get(check, "reconciliation"), kind));
}

int main(int argc, char **argv)
{
	long weapons = 100000, runs = 3;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--weapons") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 100, 10000000, &weapons))
				return fprintf(stderr, "bench_reconcile: --weapons must be 100 to 10000000\n"), 2;
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 1, 99, &runs))
				return fprintf(stderr, "bench_reconcile: --runs must be 1 to 99\n"), 2;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_reconcile [--weapons N] [--runs R] [--dir DIR]\n");
			return 2;
		}
	}
	char tmpl[] = "/tmp/wam-bench-reconcile.XXXXXX", path[4096];
	if (!dir && !(dir = mkdtemp(tmpl)))
		return fprintf(stderr, "bench_reconcile: no temporary directory\n"), 1;
	snprintf(path, sizeof path, "%s/reconcile.db", dir);
	bench_remove_db(path);
	wam_db *db;
	wam_init_opts io = {.country = "HT", .name = "reconcile bench"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	wam_db_set_actor(db, "bench:reconcile");
	char depot[WAM_ID_LEN + 1], other[WAM_ID_LEN + 1];
	double t0 = bench_now();
	if (add_site(db, "Depot under check", depot) || add_site(db, "Another depot", other) ||
	    import(db, "DEP", weapons, depot) || import(db, "OTH", OTHER, other))
		return die("build the depot");
	const char *users[] = {"checker-one", "checker-two"};
	for (int i = 0; i < 2; i++) {
		json_t *u = json_pack("{s:s, s:s}", "name", users[i], "role", "armourer");
		if (wam_auth_user_add(db, NULL, u, "a long enough password"))
			return die("add a checker");
		json_decref(u);
	}
	printf("depot of %ld weapons built in %.1f s (%s)\n", weapons, bench_now() - t0, path);

	/* the reads: every serial but the first MISSING, in another spelling,
	 * some twice, then the other depot's and unknown ones */
	char *reads = NULL;
	size_t reads_len = 0;
	FILE *rf = open_memstream(&reads, &reads_len);
	long nreads = 0;
	for (long i = MISSING + 1; i <= weapons; i++, nreads++)
		fprintf(rf, "dep %06ld\n", i);
	for (long i = 0; i < DUPLICATES; i++, nreads++)
		fprintf(rf, "DEP-%06ld\n", weapons - i);
	for (long i = 1; i <= OTHER; i++, nreads++)
		fprintf(rf, "OTH-%06ld\n", i);
	for (long i = 1; i <= UNKNOWN; i++, nreads++)
		fprintf(rf, "NOWHERE-%04ld\n", i);
	fclose(rf);

	double *t_open = calloc((size_t)runs, sizeof(double)), *t_feed = calloc((size_t)runs, sizeof(double)),
	       *t_close = calloc((size_t)runs, sizeof(double));
	for (long r = 0; r < runs; r++) {
		json_t *spec = json_pack("{s:s, s:s, s:[s,s]}", "site_id", depot, "type", "FULL_SERIAL", "checkers",
		                         users[0], users[1]),
		       *check = NULL, *fed = NULL, *closed = NULL;
		double a = bench_now();
		if (wam_stock_check_open(db, &check, spec))
			return die("open");
		double b = bench_now();
		FILE *in = fmemopen(reads, reads_len, "r");
		if (wam_stock_check_feed(db, &fed, json_string_value(json_object_get(check, "id")), WAM_READ_RFID, in))
			return die("feed");
		fclose(in);
		double c = bench_now();
		if (wam_stock_check_close(db, &closed, json_string_value(json_object_get(check, "id"))))
			return die("close");
		double d = bench_now();
		t_open[r] = b - a;
		t_feed[r] = c - b;
		t_close[r] = d - c;
		long missing = count_of(closed, "missing"), wrong = count_of(closed, "wrong_location"),
		     unexpected = count_of(closed, "unexpected");
		printf("run %ld: open %.3f s, feed %.3f s (%ld reads, %lld new), close %.3f s:"
		       " %ld missing, %ld wrong location, %ld unexpected\n",
		       r + 1, t_open[r], t_feed[r], nreads, json_integer_value(json_object_get(fed, "new")), t_close[r],
		       missing, wrong, unexpected);
		if (missing != MISSING || wrong != OTHER || unexpected != UNKNOWN) {
			fprintf(stderr, "bench_reconcile: the reconciliation is wrong (expected %d, %d, %d)\n", MISSING, OTHER,
			        UNKNOWN);
			return 1;
		}
		json_decref(spec);
		json_decref(check);
		json_decref(fed);
		json_decref(closed);
	}
	printf("median of %ld runs at %ld weapons and %ld reads: open %.3f s, feed %.3f s, close %.3f s,"
	       " feed + close %.3f s\n",
	       runs, weapons, nreads, bench_median(t_open, (size_t)runs), bench_median(t_feed, (size_t)runs),
	       bench_median(t_close, (size_t)runs),
	       bench_median(t_feed, (size_t)runs) + bench_median(t_close, (size_t)runs));
	free(t_open);
	free(t_feed);
	free(t_close);
	free(reads);
	wam_db_close(db);
	if (!strcmp(dir, tmpl))
		bench_remove_dir(dir);
	return 0;
}
