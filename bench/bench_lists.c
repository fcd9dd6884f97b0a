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
 * ratio. */
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
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--weapons") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 10000, 10000000, &weapons))
				return fprintf(stderr, "bench_lists: --weapons must be 10000 to 10000000\n"), 2;
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 1, 99, &runs))
				return fprintf(stderr, "bench_lists: --runs must be 1 to 99\n"), 2;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_lists [--weapons N] [--runs R] [--dir DIR]\n");
			return 2;
		}
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
	wam_db_close(db);
	if (!strcmp(dir, tmpl))
		bench_remove_dir(dir);
	return 0;
}
