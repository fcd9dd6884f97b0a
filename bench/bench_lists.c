/* bench_lists: a page of weapons filtered by status or by site
 * (bench/README.md).
 *
 *   bench_lists [--weapons N] [--runs R] [--dir DIR]
 *
 * Builds a registry of N weapons (imported as CSV) spread over 50 sites, one
 * of them a small police station of 100 weapons, with 20 weapons found and
 * the rest in store or in service. Then R times, each query 20 times: a
 * page of 50 weapons with a rare status, at the small site, and as a user
 * confined to it (wam_registry_item_list), against the same call with the
 * status and site indexes dropped in a transaction rolled back afterwards
 * (how lists were read before them). Checks both give the same page. Prints the median milliseconds per page and the
 * ratio.
 *
 * Then totals and orders (GET /items?sort=...): the first and the 200th
 * page of 50 in serial, make and country order, with and without a filter,
 * each timed call by call (p50 and p99), against the same call with the
 * order indexes dropped; and each filter's total from item_tally against
 * count(*) over the weapons, as a total was counted without it.
 *
 *   bench_lists --db REGISTRY   runs both on an existing registry (e.g.
 *                               `wam demo --items 1000000`) instead of
 *                               building one; its sites are taken from it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/registry.h"

#define SITES 50
#define SMALL 100 /* weapons at the small site */
#define FOUND 20  /* weapons with the rare status */
#define REPEAT 20

static int die(const char *what)
{
	fprintf(stderr, "bench_lists: %s: %s\n", what, wam_error_last()->message);
	return 1;
}

static int build(wam_db *db, long n, char sites[SITES][WAM_ID_LEN + 1])
{
	for (int s = 0; s < SITES; s++) {
		char name[32];
		snprintf(name, sizeof name, "Site %02d", s);
		json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", s ? "armoury" : "police_station"), *out = NULL;
		if (wam_registry_site_add(db, &out, in))
			return -1;
		snprintf(sites[s], WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
		json_decref(in);
		json_decref(out);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *csv = open_memstream(&text, &len);
	fputs("category,make,model,calibre,serial,country,year,status,site_id\n", csv);
	for (long i = 0; i < n; i++) {
		/* the small site's weapons and the found ones are spread through
		 * the id order, as real registrations would be */
		int site = i % (n / SMALL) == 0 ? 0 : 1 + (int)(i % (SITES - 1));
		const char *status = i % (n / FOUND) == 7 ? "found" : (i % 3 ? "in_store" : "in_service");
		fprintf(csv, "SA4,Kalashnikov,AKM,7.62x39mm,LB-%08ld,RU,1975,%s,%s\n", i, status, sites[site]);
	}
	fclose(csv);
	FILE *in = fmemopen(text, len, "r");
	wam_import_opts o = {0};
	wam_import_report rep = {0};
	int rc = wam_registry_import(db, &rep, in, &o);
	fclose(in);
	wam_registry_import_report_free(&rep);
	free(text);
	return rc;
}

/* Runs `f` REPEAT times; the last page in `*page`, the seconds per page
 * returned (negative on failure). */
static double time_pages(wam_db *db, const wam_item_filter *f, json_t **page)
{
	double a = bench_now();
	for (int k = 0; k < REPEAT; k++) {
		json_decref(*page);
		*page = NULL;
		if (wam_registry_item_list(db, page, f))
			return -1;
	}
	return (bench_now() - a) / REPEAT;
}

static bool same_page(const json_t *x, const json_t *y);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-th quantile (0..1) of `v` (sorted in place). */
static double quantile(double *v, size_t n, double q)
{
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* Calls `f` n times, each timed, into t[0..n); the last page in `*page`.
 * False on failure. */
static bool time_calls(wam_db *db, const wam_item_filter *f, json_t **page, double *t, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_decref(*page);
		*page = NULL;
		double a = bench_now();
		if (wam_registry_item_list(db, page, f))
			return false;
		t[k] = bench_now() - a;
	}
	return true;
}

/* Runs the count `sql` (one :a bound to `a`) n times, each timed. */
static bool time_count(wam_db *db, const char *sql, const char *a, double *t, size_t n, long long *count)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	for (size_t k = 0; k < n; k++) {
		double t0 = bench_now();
		if (a)
			sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return false;
		}
		*count = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		t[k] = bench_now() - t0;
	}
	sqlite3_finalize(st);
	return true;
}

#define ORDER_INDEXES                                                                                                  \
	"DROP INDEX items_by_serial; DROP INDEX items_by_make; DROP INDEX items_by_category; DROP INDEX "              \
	"items_by_country"

/* Totals and orders, p50 and p99 of `runs` x REPEAT calls each, with the
 * order indexes and without them. `site` is a site of a few weapons. */
static int orders(wam_db *db, long runs, const char *site, const char *busy)
{
	const struct {
		const char *what;
		wam_item_filter f;
	} queries[] = {
	    {"serial, page 1", {.sort = "serial", .limit = 50}},
	    {"serial, page 200", {.sort = "serial", .offset = 9950, .limit = 50}},
	    {"-serial, page 1", {.sort = "-serial", .limit = 50}},
	    {"make, page 1", {.sort = "make", .limit = 50}},
	    {"country, page 1", {.sort = "country", .limit = 50}},
	    {"in_store by serial", {.status = "in_store", .sort = "serial", .limit = 50}},
	    {"stolen by serial", {.status = "stolen", .sort = "serial", .limit = 50}},
	    {"small site by serial", {.site_id = site, .sort = "serial", .limit = 50}},
	    {"busy site by make", {.site_id = busy, .sort = "make", .limit = 50}},
	    {"make filter by serial", {.make = "kalashnikov", .sort = "serial", .limit = 50}},
	};
	size_t n = (size_t)runs * REPEAT;
	double *with = calloc(n, sizeof(double)), *without = calloc(n, sizeof(double));
	printf("orders (a page of 50 and its total), %zu calls each: p50 / p99 ms\n", n);
	for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
		json_t *page = NULL, *before = NULL;
		if (!time_calls(db, &queries[q].f, &page, with, n))
			return die(queries[q].what);
		if (sqlite3_exec(db->conn, "BEGIN; " ORDER_INDEXES, NULL, NULL, NULL))
			return die("drop the order indexes");
		bool ok = time_calls(db, &queries[q].f, &before, without, n);
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
		if (!ok)
			return die(queries[q].what);
		if (!same_page(page, before)) {
			fprintf(stderr, "bench_lists: %s: the pages with and without the order indexes differ\n",
			        queries[q].what);
			return 1;
		}
		json_int_t total = json_integer_value(json_object_get(page, "total"));
		printf("  %-22s total %8lld%s  %8.3f / %8.3f   without the order indexes %8.3f / %8.3f\n",
		       queries[q].what, (long long)total,
		       json_is_true(json_object_get(page, "total_capped")) ? "+" : " ", quantile(with, n, 0.5) * 1e3,
		       quantile(with, n, 0.99) * 1e3, quantile(without, n, 0.5) * 1e3,
		       quantile(without, n, 0.99) * 1e3);
		json_decref(page);
		json_decref(before);
	}
	const struct {
		const char *what, *tally, *scan, *arg;
	} counts[] = {
	    {"every weapon", "SELECT coalesce(sum(n), 0) FROM item_tally", "SELECT count(*) FROM items", NULL},
	    {"status in_store", "SELECT coalesce(sum(n), 0) FROM item_tally WHERE status=?1",
	     "SELECT count(*) FROM items WHERE status=?1", "in_store"},
	    {"busy site", "SELECT coalesce(sum(n), 0) FROM item_tally WHERE site_id=?1",
	     "SELECT count(*) FROM items WHERE site_id=?1", busy},
	    {"category SA4", "SELECT coalesce(sum(n), 0) FROM item_tally WHERE category=?1",
	     "SELECT count(*) FROM items NOT INDEXED WHERE category=?1", "SA4"},
	};
	printf("totals: p50 / p99 ms\n");
	for (size_t q = 0; q < sizeof counts / sizeof counts[0]; q++) {
		long long a = 0, b = 0;
		if (!time_count(db, counts[q].tally, counts[q].arg, with, n, &a) ||
		    !time_count(db, counts[q].scan, counts[q].arg, without, n, &b))
			return die(counts[q].what);
		if (a != b) {
			fprintf(stderr, "bench_lists: %s: the tally says %lld, the weapons %lld\n", counts[q].what, a,
			        b);
			return 1;
		}
		printf("  %-22s %8lld  item_tally %8.3f / %8.3f   count(*) %8.3f / %8.3f\n", counts[q].what, a,
		       quantile(with, n, 0.5) * 1e3, quantile(with, n, 0.99) * 1e3, quantile(without, n, 0.5) * 1e3,
		       quantile(without, n, 0.99) * 1e3);
	}
	free(with);
	free(without);
	return 0;
}

static bool same_page(const json_t *x, const json_t *y)
{
	char *a = json_dumps(x, JSON_SORT_KEYS), *b = json_dumps(y, JSON_SORT_KEYS);
	bool same = a && b && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

int main(int argc, char **argv)
{
	long weapons = 200000, runs = 3;
	const char *dir = NULL, *existing = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--weapons") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 10000, 10000000, &weapons))
				return fprintf(stderr, "bench_lists: --weapons must be 10000 to 10000000\n"), 2;
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 1, 99, &runs))
				return fprintf(stderr, "bench_lists: --runs must be 1 to 99\n"), 2;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			existing = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_lists [--weapons N] [--runs R] [--dir DIR | --db REGISTRY]\n");
			return 2;
		}
	}
	if (existing) {
		/* the registry as it is: its smallest and its busiest site */
		wam_db *db;
		if (wam_db_open(&db, existing, 0))
			return die(existing);
		wam_db_set_actor(db, "bench:lists");
		char small[WAM_ID_LEN + 1] = "", busy[WAM_ID_LEN + 1] = "";
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(
		        db->conn,
		        "SELECT site_id, sum(n) AS k FROM item_tally WHERE site_id <> '' GROUP BY site_id "
		        "ORDER BY k",
		        -1, &st, NULL))
			return die("read the sites");
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (!*small)
				snprintf(small, sizeof small, "%s", (const char *)sqlite3_column_text(st, 0));
			snprintf(busy, sizeof busy, "%s", (const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
		long long n = 0;
		sqlite3_prepare_v2(db->conn, "SELECT coalesce(sum(n), 0) FROM item_tally", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		printf("registry %s: %lld weapons\n", existing, n);
		int rc = orders(db, runs, small, busy);
		wam_db_close(db);
		return rc;
	}
	char tmpl[] = "/tmp/wam-bench-lists.XXXXXX", path[4096];
	if (!dir && !(dir = mkdtemp(tmpl)))
		return fprintf(stderr, "bench_lists: no temporary directory\n"), 1;
	snprintf(path, sizeof path, "%s/lists.db", dir);
	bench_remove_db(path);
	wam_db *db;
	wam_init_opts io = {.country = "HT", .name = "lists bench"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	wam_db_set_actor(db, "bench:lists");
	static char sites[SITES][WAM_ID_LEN + 1];
	double t0 = bench_now();
	if (build(db, weapons, sites))
		return die("build the registry");
	printf("registry of %ld weapons at %d sites built in %.1f s (%s)\n", weapons, SITES, bench_now() - t0, path);

	const char *small[] = {sites[0]};
	const struct {
		const char *what, *column, *value;
		wam_item_filter f;
	} queries[] = {
	    {"status found", "status", "found", {.status = "found", .limit = 50}},
	    {"site (100 weapons)", "site_id", sites[0], {.site_id = sites[0], .limit = 50}},
	    {"confined to that site", "site_id", sites[0], {.sites = small, .nsites = 1, .limit = 50}},
	};
	enum { Q = sizeof queries / sizeof queries[0] };
	double *indexed[Q], *scanned[Q];
	for (int q = 0; q < Q; q++) {
		indexed[q] = calloc((size_t)runs, sizeof(double));
		scanned[q] = calloc((size_t)runs, sizeof(double));
	}
	for (long r = 0; r < runs; r++)
		for (int q = 0; q < Q; q++) {
			json_t *page = NULL, *before = NULL;
			double with = time_pages(db, &queries[q].f, &page);
			/* the same call as before the indexes: dropped inside a
			 * transaction that is rolled back */
			if (sqlite3_exec(db->conn, "BEGIN; DROP INDEX items_status; DROP INDEX items_site", NULL, NULL, NULL))
				return die("drop the indexes");
			double without = time_pages(db, &queries[q].f, &before);
			sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
			if (with < 0 || without < 0)
				return die("list");
			if (!same_page(page, before)) {
				fprintf(stderr, "bench_lists: %s: the pages with and without the indexes differ\n", queries[q].what);
				return 1;
			}
			indexed[q][r] = with;
			scanned[q][r] = without;
			json_decref(page);
			json_decref(before);
		}
	printf("median of %ld runs at %ld weapons, a page of 50 (%d each):\n", runs, weapons, REPEAT);
	for (int q = 0; q < Q; q++) {
		double i = bench_median(indexed[q], (size_t)runs), s = bench_median(scanned[q], (size_t)runs);
		printf("  %-24s %8.3f ms   without the indexes %8.3f ms   %6.0fx faster\n", queries[q].what, i * 1e3,
		       s * 1e3, s / i);
		free(indexed[q]);
		free(scanned[q]);
	}
	if (orders(db, runs, sites[0], sites[1]))
		return 1;
	wam_db_close(db);
	if (!strcmp(dir, tmpl))
		bench_remove_dir(dir);
	return 0;
}
