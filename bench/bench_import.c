/* bench_import: how fast a registry imports weapons from CSV and proves its
 * ledger, how big it gets, and what the ledger costs against a plain SQLite
 * bulk insert of the same rows. See bench/README.md.
 *
 *   setup (untimed)   demo registry of --rows weapons (seed 1), exported as
 *                     CSV; or the CSV given with --csv
 *   ledger import     --runs times, each into a new registry that already
 *                     holds the sites and holders the CSV references:
 *                     wam_registry_import() of the CSV
 *   verify            wam_ledger_verify() chain only (--runs times) and
 *                     with the projection comparison (once), on the last
 *                     imported registry
 *   size              registry file (+ WAL after a checkpoint) per weapon
 *   plain SQLite      --runs times, interleaved with the ledger runs: the
 *                     same rows into the same tables without the ledger
 *
 * Rates are medians over the runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/registry.h"

#ifndef WAM_SOURCE_ROOT
#define WAM_SOURCE_ROOT "."
#endif

#define REGISTRY_COUNTRY "HT" /* the demo registry's country (data/demo.json) */
#define TARGET_IMPORT 100000.0 /* weapons/s */
#define TARGET_VERIFY 1000000.0 /* events/s */
#define TARGET_COST 2.0 /* ledger import time / plain SQLite time */
#define MAX_RUNS 100

/* Command-line options. */
typedef struct options {
	long rows;         /* demo weapons to generate */
	int runs;          /* timed repetitions */
	const char *csv;   /* use this CSV instead of a demo export */
	const char *from;  /* with --csv: registry whose sites and holders it references */
	int keep;          /* leave the temporary directory behind */
	int json;          /* also print one JSON line */
} options;

/* What the benchmark measured. */
typedef struct results {
	long rows;
	double import_s[MAX_RUNS], plain_s[MAX_RUNS], chain_s[MAX_RUNS];
	double import_med, plain_med, chain_med, full_s;
	int64_t events;
	long long db_bytes, plain_bytes;
} results;

/* Paths inside the temporary directory. */
typedef struct paths {
	char dir[4096];
	char csv[4200];
	char refs[4200];
} paths;

static double last_progress;

/* Prints a failed libwam call with its error and returns -1. */
static int fail(const char *what, int rc)
{
	const wam_error *e = wam_error_last();
	fprintf(stderr, "bench: %s failed (%s)%s%s%s%s\n", what, wam_error_name(rc), *e->field ? ": " : "", e->field,
	        *e->message ? ": " : "", e->message);
	return -1;
}

/* Progress lines on stderr for long setup steps, at most every 5 s. */
static void progress(long done, long total, void *payload)
{
	double now = bench_now();
	if (done < total && now - last_progress < 5)
		return;
	last_progress = now;
	fprintf(stderr, "bench: %s %ld/%ld\n", (const char *)payload, done, total);
}

/* Prints the usage text to `out`. */
static void usage(FILE *out)
{
	fputs("usage: bench_import [--rows N] [--runs N] [--csv FILE [--from REGISTRY]] [--keep] [--json]\n"
	      "\n"
	      "  --rows N        demo weapons to generate and import (default 1000000)\n"
	      "  --runs N        timed repetitions; rates are medians (default 3)\n"
	      "  --csv FILE      import this CSV instead of a demo export\n"
	      "  --from REGISTRY with --csv: the registry whose sites and holders the CSV\n"
	      "                  references (default: those of the seed-1 demo registry)\n"
	      "  --keep          keep the temporary directory and its databases\n"
	      "  --json          also print the results as one JSON line\n",
	      out);
}

/* Reads the command line into `o`; returns 1 after --help, -1 on a bad
 * option. */
static int parse_options(int argc, char **argv, options *o)
{
	*o = (options){.rows = 1000000, .runs = 3};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--keep")) {
			o->keep = 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (!strcmp(a, "--rows") && !bench_parse_count(v, 1, 1000000000L, &n)) {
			o->rows = n;
			i++;
		} else if (!strcmp(a, "--runs") && !bench_parse_count(v, 1, MAX_RUNS, &n)) {
			o->runs = (int)n;
			i++;
		} else if (!strcmp(a, "--csv") && v) {
			o->csv = v;
			i++;
		} else if (!strcmp(a, "--from") && v) {
			o->from = v;
			i++;
		} else {
			fprintf(stderr, "bench: bad option or value: %s\n", a);
			usage(stderr);
			return -1;
		}
	}
	if (o->from && !o->csv) {
		fprintf(stderr, "bench: --from goes with --csv\n");
		return -1;
	}
	return 0;
}

/* Orders sites or holders by the event that created them, for qsort, so
 * that a parent site comes before the sites that name it. */
static int cmp_last_seq(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "last_seq"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "last_seq"));
	return (x > y) - (x < y);
}

/* A copy of a list of sites or holders in creation order, without the
 * derived last_seq. */
static json_t *creation_order(const json_t *list)
{
	size_t n = json_array_size(list);
	json_t **v = calloc(n ? n : 1, sizeof *v), *out = json_array();
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(list, i);
	if (v)
		qsort(v, n, sizeof *v, cmp_last_seq);
	for (size_t i = 0; v && i < n; i++) {
		json_t *c = json_deep_copy(v[i]);
		json_object_del(c, "last_seq");
		json_array_append_new(out, c);
	}
	free(v);
	return out;
}

/* Writes a registry JSON document (registry-json.md) holding the sites and
 * holders of `db` and no weapons: what a new registry needs before it can
 * import weapons that name them. (The sites and holders are the same as in
 * a full JSON export; listing them avoids exporting every weapon too.) */
static int write_refs(wam_db *db, const char *path)
{
	json_t *sites = NULL, *holders = NULL;
	int rc;
	if ((rc = wam_registry_site_list(db, &sites)) || (rc = wam_registry_holder_list(db, &holders))) {
		json_decref(sites);
		return fail("listing sites and holders", rc);
	}
	json_t *doc = json_pack("{s:s, s:i, s:o, s:o, s:[]}", "format", "wam-registry", "version", 1, "sites",
	                        creation_order(sites), "holders", creation_order(holders), "items");
	json_decref(sites);
	json_decref(holders);
	rc = doc ? json_dump_file(doc, path, JSON_COMPACT) : -1;
	json_decref(doc);
	if (rc) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* Creates a registry at `path` filled with `items` demo weapons (seed 1). */
static int make_demo(const char *path, long items, wam_db **out)
{
	wam_init_opts io = {.country = REGISTRY_COUNTRY, .name = "wam benchmark"};
	wam_demo_opts d = {.items = items, .seed = 1, .progress = progress, .progress_payload = "demo weapons"};
	int rc;
	if ((rc = wam_db_create(out, path, &io)))
		return fail("creating the demo registry", rc);
	wam_db_set_actor(*out, "bench:demo");
	last_progress = bench_now();
	if ((rc = wam_registry_demo(*out, &d)))
		return fail("generating demo weapons", rc);
	return 0;
}

/* Untimed setup: the CSV to import and the sites and holders it needs. */
static int setup(const options *o, paths *p)
{
	wam_db *db = NULL;
	char path[4200];
	int rc = 0;
	if (o->csv) {
		snprintf(p->csv, sizeof p->csv, "%s", o->csv);
		if (o->from) {
			if ((rc = wam_db_open(&db, o->from, WAM_DB_READONLY)))
				return fail("opening --from", rc);
		} else {
			snprintf(path, sizeof path, "%s/refs.db", p->dir);
			rc = make_demo(path, 1, &db);
		}
		if (!rc)
			rc = write_refs(db, p->refs);
		wam_db_close(db);
		return rc;
	}
	double t0 = bench_now();
	fprintf(stderr, "bench: generating a demo registry of %ld weapons (seed 1)\n", o->rows);
	snprintf(path, sizeof path, "%s/demo.db", p->dir);
	if ((rc = make_demo(path, o->rows, &db)))
		goto done;
	fprintf(stderr, "bench: demo done in %.1f s; exporting CSV\n", bench_now() - t0);
	/* no registry registers a weapon as destroyed or exported (only a
	 * closed destruction batch or a confirmed export makes one so): in this
	 * scratch copy those weapons are exported as they were before, in store */
	if ((rc = wam_sql_exec(db->conn, "UPDATE items SET status='in_store' WHERE status IN ('destroyed','exported')"))) {
		rc = fail("preparing the CSV", rc);
		goto done;
	}
	FILE *f = fopen(p->csv, "wb");
	if (!f) {
		fprintf(stderr, "bench: cannot write %s: %s\n", p->csv, strerror(errno));
		rc = -1;
		goto done;
	}
	int e = wam_registry_export(db, f, "csv");
	if (fclose(f) != 0 && !e)
		e = WAM_EIO;
	if (e) {
		rc = fail("exporting CSV", e);
		goto done;
	}
	rc = write_refs(db, p->refs);
done:
	wam_db_close(db);
	if (!o->keep)
		bench_remove_db(path);
	fprintf(stderr, "bench: setup took %.1f s\n", bench_now() - t0);
	return rc;
}

/* The number of records after the header of a CSV file (reading it also
 * brings it into the page cache before the timed runs). */
static long count_rows(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	wam_csv csv = {.in = f};
	long n = -1;
	int r;
	while ((r = wam_csv_next(&csv)) != 0)
		n++;
	wam_csv_free(&csv);
	fclose(f);
	return n;
}

/* Imports the file at `path` into `db`; the time the import call took goes
 * to `*seconds` when it is not NULL. Fails unless every one of `expect`
 * rows (if > 0) was imported. */
static int import_file(wam_db *db, const char *path, long expect, double *seconds)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	wam_import_report rep;
	wam_import_opts opts = {0};
	double t0 = bench_now();
	int rc = wam_registry_import(db, &rep, f, &opts);
	double t = bench_now() - t0;
	fclose(f);
	if (seconds)
		*seconds = t;
	if (rc) {
		const json_t *first = json_array_get(rep.errors, 0);
		if (first)
			fprintf(stderr, "bench: first bad row: line %lld: %s\n",
			        (long long)json_integer_value(json_object_get(first, "line")),
			        json_string_value(json_object_get(first, "message")));
		wam_registry_import_report_free(&rep);
		return fail("importing", rc);
	}
	if (expect > 0 && rep.imported != expect) {
		fprintf(stderr, "bench: imported %ld of %ld rows\n", rep.imported, expect);
		rc = -1;
	}
	wam_registry_import_report_free(&rep);
	return rc ? -1 : 0;
}

/* One timed ledger import into a new registry at `path`, which holds the
 * sites and holders first. The registry is left open in `*out`. */
static int ledger_run(const paths *p, const char *path, long rows, double *seconds, wam_db **out)
{
	wam_init_opts io = {.country = REGISTRY_COUNTRY, .name = "wam benchmark"};
	int rc;
	if ((rc = wam_db_create(out, path, &io)))
		return fail("creating a registry", rc);
	wam_db_set_actor(*out, "bench:import");
	if (import_file(*out, p->refs, 0, NULL))
		return -1;
	return import_file(*out, p->csv, rows, seconds);
}

/* Runs wam_ledger_verify and checks the registry is intact. */
static int verify(wam_db *db, unsigned flags, double *seconds, int64_t *events)
{
	wam_verify_report r;
	double t0 = bench_now();
	int rc = wam_ledger_verify(db, flags, &r);
	*seconds = bench_now() - t0;
	if (rc)
		return fail("verifying", rc);
	if (!r.intact) {
		fprintf(stderr, "bench: the registry is not intact: %s at seq %lld: %s\n", r.problem,
		        (long long)r.first_bad_seq, r.detail);
		return -1;
	}
	*events = r.events;
	return 0;
}

/* Bytes a database takes on disk, main file plus WAL, after a TRUNCATE
 * checkpoint from a connection of our own. */
static long long db_size(const char *path)
{
	sqlite3 *c = NULL;
	char wal[4200];
	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "bench: checkpoint of %s: %s\n", path, sqlite3_errmsg(c));
	snprintf(wal, sizeof wal, "%s-wal", path);
	long long n = bench_file_size(path) + bench_file_size(wal);
	sqlite3_close(c);
	return n;
}

/* The projection schema: sql/projections.sql from the source tree, or the
 * copy built into libwam if the source tree has moved. */
static char *load_schema(void)
{
	const char *path = WAM_SOURCE_ROOT "/sql/projections.sql";
	char *s = bench_read_text(path);
	if (!s) {
		fprintf(stderr, "bench: cannot read %s (%s); using the schema built into libwam\n", path,
		        strerror(errno));
		s = strdup(wam_sql_projections);
	}
	return s;
}

/* The timed part: --runs ledger imports interleaved with --runs plain
 * SQLite inserts, then verification and size of the last registry. */
static int measure(const options *o, const paths *p, results *res)
{
	char path[4200], plain[4200], prev[4200] = "", prev_plain[4200] = "";
	wam_db *db = NULL;
	char *schema = load_schema();
	int rc = schema ? 0 : -1;
	for (int i = 0; !rc && i < o->runs; i++) {
		snprintf(path, sizeof path, "%s/ledger-%d.db", p->dir, i + 1);
		snprintf(plain, sizeof plain, "%s/plain-%d.db", p->dir, i + 1);
		wam_db_close(db);
		db = NULL;
		if (*prev)
			bench_remove_db(prev); /* keep only the last of each: 1M weapons take GBs */
		if (*prev_plain)
			bench_remove_db(prev_plain);
		fprintf(stderr, "bench: run %d/%d: ledger import\n", i + 1, o->runs);
		if ((rc = ledger_run(p, path, res->rows, &res->import_s[i], &db)))
			break;
		fprintf(stderr, "bench: run %d/%d: ledger import %.2f s; plain SQLite insert\n", i + 1, o->runs,
		        res->import_s[i]);
		long n = 0;
		if ((rc = bench_plain_insert(plain, p->csv, schema, &n, &res->plain_s[i])))
			break;
		if (n != res->rows) {
			fprintf(stderr, "bench: plain SQLite inserted %ld of %ld rows\n", n, res->rows);
			rc = -1;
			break;
		}
		fprintf(stderr, "bench: run %d/%d: plain SQLite %.2f s\n", i + 1, o->runs, res->plain_s[i]);
		snprintf(prev, sizeof prev, "%s", path);
		snprintf(prev_plain, sizeof prev_plain, "%s", plain);
	}
	free(schema);
	for (int i = 0; !rc && i < o->runs; i++) {
		fprintf(stderr, "bench: verify chain %d/%d\n", i + 1, o->runs);
		rc = verify(db, WAM_VERIFY_CHAIN_ONLY, &res->chain_s[i], &res->events);
	}
	if (!rc) {
		fprintf(stderr, "bench: verify with projections\n");
		rc = verify(db, 0, &res->full_s, &res->events);
	}
	wam_db_close(db);
	if (!rc) {
		res->db_bytes = db_size(path);
		res->plain_bytes = db_size(plain);
		res->import_med = bench_median(res->import_s, (size_t)o->runs);
		res->plain_med = bench_median(res->plain_s, (size_t)o->runs);
		res->chain_med = bench_median(res->chain_s, (size_t)o->runs);
	}
	return rc;
}

/* "met" or "MISSED", for a target line. */
static const char *verdict(int ok)
{
	return ok ? "met" : "MISSED";
}

/* Prints the results table, and the JSON line when asked. */
static void report(const options *o, const results *r)
{
	char a[32], b[32];
	double import_rate = (double)r->rows / r->import_med, plain_rate = (double)r->rows / r->plain_med;
	double cost = r->import_med / r->plain_med;
	double chain_rate = (double)r->events / r->chain_med, full_rate = (double)r->events / r->full_s;
	double size = (double)r->db_bytes / (double)r->rows, plain_size = (double)r->plain_bytes / (double)r->rows;

	bench_group(a, sizeof a, (double)r->rows);
	bench_group(b, sizeof b, (double)r->events);
	printf("rows %s, runs %d (medians), %s events\n", a, o->runs, b);
	bench_group(a, sizeof a, import_rate);
	printf("ledger import     %11s weapons/s  (%.2f s)   target >= 100,000: %s\n", a, r->import_med,
	       verdict(import_rate >= TARGET_IMPORT));
	bench_group(a, sizeof a, plain_rate);
	printf("plain SQLite      %11s weapons/s  (%.2f s)\n", a, r->plain_med);
	printf("cost of ledger    %10.2fx                         target < 2x: %s\n", cost,
	       verdict(cost < TARGET_COST));
	bench_group(a, sizeof a, chain_rate);
	printf("verify chain      %11s events/s   (%.2f s)   target >= 1,000,000: %s\n", a, r->chain_med,
	       verdict(chain_rate >= TARGET_VERIFY));
	bench_group(a, sizeof a, full_rate);
	printf("verify full       %11s events/s   (%.2f s)\n", a, r->full_s);
	bench_group(a, sizeof a, size);
	bench_group(b, sizeof b, plain_size);
	printf("size              %11s bytes/weapon (plain SQLite %s)\n", a, b);
	if (o->json) {
		json_t *j = json_pack("{s:I, s:i, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:b, "
		                      "s:b}",
		                      "rows", (json_int_t)r->rows, "runs", o->runs, "events", (json_int_t)r->events,
		                      "import_weapons_per_s", import_rate, "import_seconds", r->import_med,
		                      "plain_weapons_per_s", plain_rate, "plain_seconds", r->plain_med, "ledger_cost",
		                      cost, "verify_chain_events_per_s", chain_rate, "verify_chain_seconds",
		                      r->chain_med, "verify_full_events_per_s", full_rate, "verify_full_seconds",
		                      r->full_s, "bytes_per_weapon", size, "plain_bytes_per_weapon", plain_size,
		                      "import_target_met", import_rate >= TARGET_IMPORT, "cost_target_met",
		                      cost < TARGET_COST, "verify_target_met", chain_rate >= TARGET_VERIFY);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	options o;
	paths p;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	const char *tmp = getenv("TMPDIR");
	snprintf(p.dir, sizeof p.dir, "%s/wam-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p.dir)) {
		fprintf(stderr, "bench: cannot create a directory in %s: %s\n", tmp && *tmp ? tmp : "/tmp",
		        strerror(errno));
		return 1;
	}
	snprintf(p.csv, sizeof p.csv, "%s/items.csv", p.dir);
	snprintf(p.refs, sizeof p.refs, "%s/refs.json", p.dir);

	results *res = calloc(1, sizeof *res);
	rc = res ? setup(&o, &p) : -1;
	if (!rc && (res->rows = count_rows(p.csv)) <= 0) {
		if (res->rows == 0)
			fprintf(stderr, "bench: %s holds no weapons\n", p.csv);
		rc = -1;
	}
	if (!rc)
		rc = measure(&o, &p, res);
	if (!rc)
		report(&o, res);
	free(res);
	if (o.keep)
		fprintf(stderr, "bench: kept %s\n", p.dir);
	else if (bench_remove_dir(p.dir))
		fprintf(stderr, "bench: could not remove all of %s\n", p.dir);
	return rc ? 1 : 0;
}
