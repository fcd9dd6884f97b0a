/* bench_match: how fast and how well wam finds a weapon from an imperfect
 * serial, against SQLite FTS5 trigram and PostgreSQL pg_trgm on the same
 * weapons and queries, and against a plain memory scan. See
 * bench/README.md ("bench_match") and matching-research.md §4.
 *
 *   weapons   --weapons seeded records (match_data.c): real manufacturers
 *             with Zipf popularity, formats of data/manufacturers.json,
 *             separators, 5% other scripts, 0.1% legacy duplicates
 *   build     raw serial -> wam_serial_normalize -> wam_match_index_add
 *             (timed: what ingest does)
 *   open      the index again from the stored keys (timed: what opening a
 *             registry does, search.c get_index)
 *   queries   --queries seeded queries of 7 classes with known answers
 *             (match_query.c), each timed through wam_match_find
 *   check     brute force over every weapon for the first --check queries:
 *             weapons within the allowed edits wam did not return
 *   floor     memcmp scan of the skeleton column per query
 *   peers     FTS5 trigram and pg_trgm (match_peers.c, match_pg.c): build,
 *             then the first --peer-queries queries, verified and ranked
 *             by wam's rules
 *
 * Latencies are single-threaded wall-clock times of one call each. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "match_bench.h"
#include "match_version.h"

#define AIM_FAST 100e-6  /* exact and 1 edit, p99 */
#define AIM_EDIT2 1e-3   /* 2 edits with a make, p99 */
#define AIM_WILD 30e-3   /* '?' or '*', p99 */
#define AIM_RECALL 0.995 /* recall@10 over the mix with a make */
#define AIM_BYTES 150.0  /* index bytes per weapon */
#define AIM_PEER 100.0   /* times faster than each peer */

/* Command-line options. */
typedef struct options {
	long weapons, queries, peer_queries, check, makes, show;
	unsigned long long seed;
	double class_budget, peer_budget;
	bool no_peers, json;
} options;

/* Rows of the result tables: the classes, then groups of them. */
enum { ROW_EDIT2_MAKE = QC_COUNT, ROW_EDIT2_NOMAKE, ROW_ALL, ROW_ALL_MAKE, ROW_COUNT };
static const char *const row_names[ROW_COUNT] = {
    "exact+variants", "ocr confusions", "1 edit",        "2 edits", "? positions",  "truncated *",
    "no match",       "2 edits, make",  "2 edits, none", "all",     "all with make"};

/* Figures of one row. */
typedef struct stats {
	size_t total, ran, failed, truth, at1, at10, reach, reach_at10, any_hit, partial, repeats;
	double p50, p95, p99, max, mean_considered;
} stats;

/* Everything measured, for the report. */
typedef struct measures {
	double gen_s, build_s, open_s, save_s, load_s, queries_s, memscan_s;
	long long file_bytes;
	char load_error[256];
	size_t index_bytes, memscan_matches, memscan_n;
	long rss_build;
	mb_check check;
	mb_outcome *wam;
	mb_peer_result fts, pg;
} measures;

static char tmpdir[4096];

/* ---- command line ---- */

/* Prints the usage text to `out`. */
static void usage(FILE *out)
{
	fputs("usage: bench_match [--weapons N] [--queries N] [--seed N] [--no-peers] [--peer-queries N]\n"
	      "                   [--peer-budget S] [--class-budget S] [--check N] [--makes N] [--show N] [--json]\n"
	      "\n"
	      "  --weapons N       weapons to generate (default 10000000)\n"
	      "  --queries N       queries in the mix (default 10000)\n"
	      "  --seed N          seed of weapons and queries (default 1)\n"
	      "  --no-peers        skip SQLite FTS5 and PostgreSQL pg_trgm\n"
	      "  --peer-queries N  queries sent to each peer: the first N of the mix (default 1000)\n"
	      "  --peer-budget S   stop a peer's queries after S seconds (default 600; 0: none)\n"
	      "  --class-budget S  stop a query class in wam after S seconds (default 300; 0: none)\n"
	      "  --check N         brute-force completeness check of the first N queries (default 200)\n"
	      "  --makes N         makes: the manufacturers, then plant variants (default 400)\n"
	      "  --show N          print the first N weapons and queries to stderr\n"
	      "  --json            also print the results as one JSON line\n",
	      out);
}

/* Parses a non-negative number of seconds. */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = s ? strtod(s, &end) : 0;
	if (!s || errno || end == s || *end || !(v >= 0))
		return -1;
	*out = v;
	return 0;
}

/* Reads one option that takes a value; 1 when `a` is not one of them. */
static int value_option(options *o, const char *a, const char *v)
{
	long n;
	if (!strcmp(a, "--class-budget"))
		return parse_seconds(v, &o->class_budget);
	if (!strcmp(a, "--peer-budget"))
		return parse_seconds(v, &o->peer_budget);
	long *dst = !strcmp(a, "--weapons")        ? &o->weapons
	            : !strcmp(a, "--queries")      ? &o->queries
	            : !strcmp(a, "--peer-queries") ? &o->peer_queries
	            : !strcmp(a, "--check")        ? &o->check
	            : !strcmp(a, "--makes")        ? &o->makes
	            : !strcmp(a, "--show")         ? &o->show
	                                           : NULL;
	if (!strcmp(a, "--seed")) {
		if (bench_parse_count(v, 0, 0x7fffffffffffffffL, &n))
			return -1;
		o->seed = (unsigned long long)n;
		return 0;
	}
	if (!dst)
		return 1;
	return bench_parse_count(v, 0, 1000000000L, dst);
}

/* Reads the command line into `o`; 1 after --help, -1 on a bad option. */
static int parse_options(int argc, char **argv, options *o)
{
	*o = (options){.weapons = 10000000,
	               .queries = 10000,
	               .peer_queries = 1000,
	               .check = 200,
	               .makes = 400,
	               .seed = 1,
	               .class_budget = 300,
	               .peer_budget = 600};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int rc;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--no-peers")) {
			o->no_peers = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if ((rc = value_option(o, a, v)) == 0) {
			i++;
		} else {
			fprintf(stderr, "bench: bad option or value: %s%s%s\n", a, rc < 0 && v ? " " : "",
			        rc < 0 && v ? v : "");
			usage(stderr);
			return -1;
		}
	}
	if (o->weapons < 1 || o->queries < 1 || o->makes < 1 || o->makes > 65535) {
		fprintf(stderr, "bench: --weapons and --queries must be at least 1, --makes 1 to 65535\n");
		return -1;
	}
	return 0;
}

/* ---- cleanup, also on a signal ---- */

/* On SIGINT/SIGTERM/SIGHUP: stop the PostgreSQL server and remove the
 * temporary directory, then exit. (Removing files is not strictly
 * async-signal-safe; the process is about to end either way.) */
static void on_signal(int sig)
{
	mb_pg_emergency_stop();
	if (*tmpdir)
		mb_remove_tree(tmpdir);
	_exit(128 + sig);
}

/* Installs on_signal for the signals that end a run early. */
static void trap_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- statistics ---- */

/* True when query `q` belongs to row `row`. */
static bool in_row(int row, const mb_query *q)
{
	switch (row) {
	case ROW_EDIT2_MAKE:
		return q->cls == QC_EDIT2 && q->with_make;
	case ROW_EDIT2_NOMAKE:
		return q->cls == QC_EDIT2 && !q->with_make;
	case ROW_ALL:
		return true;
	case ROW_ALL_MAKE:
		return q->cls != QC_NOMATCH && q->with_make;
	default:
		return q->cls == row;
	}
}

/* Orders doubles ascending, for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank p-quantile of sorted values. */
static double quantile(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)ceil(p * (double)n);
	return v[i ? i - 1 : 0];
}

/* Adds one outcome to a row's counts (latency goes to `lat`). */
static void count_outcome(stats *s, const mb_query *q, const mb_outcome *o, double *lat, double *considered)
{
	s->ran++;
	s->failed += o->failed;
	lat[s->ran - 1] = o->seconds;
	*considered += (double)o->considered;
	s->repeats += o->repeats;
	if (q->truth == MB_NONE) {
		s->any_hit += o->any_hit;
		s->partial += o->any_hit && o->partial;
		return;
	}
	s->truth++;
	s->at1 += o->at1;
	s->at10 += o->at10;
	s->reach += o->reachable;
	s->reach_at10 += o->reachable && o->at10;
}

/* The figures of row `row` over the outcomes `out`, counting only queries
 * that also ran in `also` when it is given. */
static stats row_stats(int row, const mb_query *qs, const mb_outcome *out, size_t n, const mb_outcome *also,
                       size_t also_n)
{
	stats s = {0};
	double *lat = malloc((n ? n : 1) * sizeof *lat), considered = 0;
	for (size_t j = 0; lat && j < n; j++) {
		if (!in_row(row, &qs[j]) || (also && (j >= also_n || !also[j].ran)))
			continue;
		s.total++;
		if (out[j].ran)
			count_outcome(&s, &qs[j], &out[j], lat, &considered);
	}
	if (lat && s.ran) {
		qsort(lat, s.ran, sizeof *lat, cmp_double);
		s.p50 = quantile(lat, s.ran, 0.50);
		s.p95 = quantile(lat, s.ran, 0.95);
		s.p99 = quantile(lat, s.ran, 0.99);
		s.max = lat[s.ran - 1];
		s.mean_considered = considered / (double)s.ran;
	}
	free(lat);
	return s;
}

/* ---- report ---- */

/* A duration with a unit that keeps 3 significant figures. */
static void fmt_time(char *out, size_t cap, double s)
{
	if (s < 1e-3)
		snprintf(out, cap, "%.1f us", s * 1e6);
	else if (s < 1)
		snprintf(out, cap, "%.2f ms", s * 1e3);
	else
		snprintf(out, cap, "%.2f s", s);
}

/* How many times slower `peer` is than `wam` ("0.3x" when faster). */
static void fmt_ratio(char *out, size_t cap, double peer, double wam)
{
	double x = wam > 0 ? peer / wam : 0;
	snprintf(out, cap, x >= 10 ? "%.0fx" : x >= 1 ? "%.1fx" : "%.2fx", x);
}

/* A share as a percentage, or "-" when there is nothing to share. */
static void fmt_pct(char *out, size_t cap, size_t part, size_t whole)
{
	if (!whole)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%.1f%%", 100.0 * (double)part / (double)whole);
}

/* "met" or "MISSED". */
static const char *verdict(bool ok)
{
	return ok ? "met" : "MISSED";
}

/* Prints one table row. */
static void print_row(const char *name, const stats *s)
{
	char p50[24], p95[24], p99[24], mx[24], r1[16], r10[16], rr[16], count[32];
	fmt_time(p50, sizeof p50, s->p50);
	fmt_time(p95, sizeof p95, s->p95);
	fmt_time(p99, sizeof p99, s->p99);
	fmt_time(mx, sizeof mx, s->max);
	fmt_pct(r1, sizeof r1, s->at1, s->truth);
	fmt_pct(r10, sizeof r10, s->at10, s->truth);
	fmt_pct(rr, sizeof rr, s->reach_at10, s->reach);
	if (s->ran == s->total)
		snprintf(count, sizeof count, "%zu", s->ran);
	else
		snprintf(count, sizeof count, "%zu/%zu", s->ran, s->total);
	printf("%-15s %11s %10s %10s %10s %10s %8s %9s %10s %10.1f", name, count, p50, p95, p99, mx, r1, r10, rr,
	       s->mean_considered);
	if (s->truth < s->ran)
		printf("  false matches %zu of %zu (%zu fragments)", s->any_hit, s->ran - s->truth, s->partial);
	if (s->failed)
		printf("  FAILED %zu", s->failed);
	if (s->repeats)
		printf("  %zu with a weapon listed twice", s->repeats);
	printf("\n");
}

/* Prints the per-row table of one system. */
static void print_table(const char *title, const mb_query *qs, const mb_outcome *out, size_t n)
{
	printf("\n%s\n", title);
	printf("%-15s %11s %10s %10s %10s %10s %8s %9s %10s %10s\n", "class", "queries", "p50", "p95", "p99", "max",
	       "recall@1", "recall@10", "r@10 reach", "candidates");
	for (int row = 0; row < ROW_COUNT; row++) {
		stats s = row_stats(row, qs, out, n, NULL, 0);
		if (s.total)
			print_row(row_names[row], &s);
	}
}

/* The first lines: the machine, the build and the data. */
static void print_header(const options *o, const mb_data *d, const measures *m)
{
	char cpu[256] = "unknown", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	char w[32], bytes[32];
	bench_group(w, sizeof w, (double)d->n);
	printf("bench_match: %s weapons, %ld queries, seed %llu; %s, %ld cores; gcc %s; built from %s\n", w, o->queries,
	       o->seed, cpu, sysconf(_SC_NPROCESSORS_ONLN), __VERSION__, MB_BUILT_FROM);
	printf("data: %zu makes (Zipf s=1.1), %zu models, %zu calibres; %zu romanised keys, %zu serials in other "
	       "scripts, %zu legacy duplicates (generated in %.1f s)\n",
	       d->nmakes, d->nmodels, d->ncalibres, d->nalt, d->nscript, d->ndup, m->gen_s);
	bench_group(bytes, sizeof bytes, (double)m->index_bytes);
	printf("wam build %.2f s (%.0f weapons/s: normalize + add), open %.2f s (add from stored keys), index %s "
	       "bytes = %.1f bytes/weapon as queried (RSS grew %.1f bytes/weapon while building)\n",
	       m->build_s, (double)d->n / m->build_s, m->open_s, bytes, (double)m->index_bytes / (double)d->n,
	       (double)m->rss_build / (double)d->n);
	if (*m->load_error)
		printf("index file: save/load failed (%s); queries use the built index\n", m->load_error);
	else
		printf(
		    "index file: save %.2f s, %.1f bytes/weapon on disk, load %.2f s (queries use the loaded index)\n",
		    m->save_s, (double)m->file_bytes / (double)d->n, m->load_s);
}

/* Prints the peers' tables and their comparison with wam on the same queries. */
static void print_peer(const char *name, const mb_peer_result *p, const mb_query *qs, const mb_outcome *wam)
{
	char title[256], b[32];
	if (!p->ran) {
		printf("\n%s peer skipped: %s\n", name, p->why);
		return;
	}
	bench_group(b, sizeof b, p->bytes);
	snprintf(title, sizeof title, "%s: build %.1f s, %s bytes on disk; %zu queries%s%.120s", name, p->build_s, b,
	         p->nqueries, *p->why ? " - " : "", p->why);
	print_table(title, qs, p->out, p->nqueries);
	printf("wam / %s on the same %zu queries:\n", name, p->nqueries);
	printf("%-15s %12s %12s %10s %12s %12s %10s %10s %10s\n", "class", "wam p50", name, "x p50", "wam p99", name,
	       "x p99", "wam r@10", "r@10");
	for (int row = 0; row < ROW_COUNT; row++) {
		stats w = row_stats(row, qs, wam, p->nqueries, p->out, p->nqueries);
		stats s = row_stats(row, qs, p->out, p->nqueries, NULL, 0);
		if (!s.ran || !w.ran)
			continue;
		char a[24], c[24], e[24], f[24], r1[16], r2[16];
		fmt_time(a, sizeof a, w.p50);
		fmt_time(c, sizeof c, s.p50);
		fmt_time(e, sizeof e, w.p99);
		fmt_time(f, sizeof f, s.p99);
		fmt_pct(r1, sizeof r1, w.at10, w.truth);
		fmt_pct(r2, sizeof r2, s.at10, s.truth);
		char x50[24], x99[24];
		fmt_ratio(x50, sizeof x50, s.p50, w.p50);
		fmt_ratio(x99, sizeof x99, s.p99, w.p99);
		printf("%-15s %12s %12s %10s %12s %12s %10s %10s %10s\n", row_names[row], a, c, x50, e, f, x99, r1, r2);
	}
}

/* Whether wam beats a peer by AIM_PEER at p50 and p99 over all shared
 * queries, with recall@10 at least the peer's. */
static bool beats(const mb_peer_result *p, const mb_query *qs, const mb_outcome *wam, double *x50, double *x99)
{
	stats w = row_stats(ROW_ALL, qs, wam, p->nqueries, p->out, p->nqueries);
	stats s = row_stats(ROW_ALL, qs, p->out, p->nqueries, NULL, 0);
	*x50 = w.p50 > 0 ? s.p50 / w.p50 : 0;
	*x99 = w.p99 > 0 ? s.p99 / w.p99 : 0;
	return p->ran && s.ran && *x50 >= AIM_PEER && *x99 >= AIM_PEER && w.at10 * s.truth >= s.at10 * w.truth;
}

/* Prints one aim on latency: a row's p99 against a limit. */
static bool aim_p99(const char *what, const stats *s, double limit)
{
	char a[24], b[24];
	fmt_time(a, sizeof a, s->p99);
	fmt_time(b, sizeof b, limit);
	bool ok = s->ran && s->p99 <= limit && s->ran == s->total;
	printf("  %-44s p99 %10s (aim <= %s)%s: %s\n", what, a, b, s->ran < s->total ? " [budget: not all ran]" : "",
	       verdict(ok));
	return ok;
}

/* Prints the aims of the issue with met/MISSED; returns them as JSON. */
static json_t *print_aims(const mb_data *d, const mb_query *qs, size_t nq, const measures *m)
{
	json_t *aims = json_object();
	stats ex = row_stats(QC_EXACT, qs, m->wam, nq, NULL, 0), ocr = row_stats(QC_OCR, qs, m->wam, nq, NULL, 0);
	stats e1 = row_stats(QC_EDIT1, qs, m->wam, nq, NULL, 0);
	stats e2 = row_stats(ROW_EDIT2_MAKE, qs, m->wam, nq, NULL, 0);
	stats wi = row_stats(QC_WILDCARD, qs, m->wam, nq, NULL, 0),
	      tr = row_stats(QC_TRUNCATED, qs, m->wam, nq, NULL, 0);
	stats mk = row_stats(ROW_ALL_MAKE, qs, m->wam, nq, NULL, 0);
	printf("\naims (10 million weapons, one core):\n");
	json_object_set_new(aims, "exact_p99", json_boolean(aim_p99("exact (with variants)", &ex, AIM_FAST)));
	json_object_set_new(aims, "ocr_p99", json_boolean(aim_p99("OCR confusions", &ocr, AIM_FAST)));
	json_object_set_new(aims, "edit1_p99", json_boolean(aim_p99("1 edit", &e1, AIM_FAST)));
	json_object_set_new(aims, "edit2_make_p99", json_boolean(aim_p99("2 edits with a make", &e2, AIM_FAST * 10)));
	json_object_set_new(aims, "wildcard_p99", json_boolean(aim_p99("? positions", &wi, AIM_WILD)));
	json_object_set_new(aims, "truncated_p99", json_boolean(aim_p99("truncated (*)", &tr, AIM_WILD)));
	double r10 = mk.truth ? (double)mk.at10 / (double)mk.truth : 0;
	bool ok = r10 >= AIM_RECALL;
	printf("  %-44s %.2f%% of %zu (aim >= 99.5%%): %s\n", "recall@10 over the mix with a make", 100 * r10, mk.truth,
	       verdict(ok));
	json_object_set_new(aims, "recall_with_make", json_boolean(ok));
	ok = m->check.queries > 0 && m->check.missed == 0 && !m->check.failed;
	printf("  %-44s %zu of %zu in %zu queries (aim 0): %s\n", "weapons within the allowed edits missed",
	       m->check.missed, m->check.within, m->check.queries, verdict(ok));
	if (m->check.missed_other)
		printf("  %-44s %zu of %zu (not counted above)\n", "  and of other makes than asked, missed",
		       m->check.missed_other, m->check.within_other);
	json_object_set_new(aims, "none_missed", json_boolean(ok));
	double per = (double)m->index_bytes / (double)d->n;
	printf("  %-44s %.1f (aim <= 150): %s\n", "index bytes per weapon", per, verdict(per <= AIM_BYTES));
	json_object_set_new(aims, "bytes", json_boolean(per <= AIM_BYTES));
	const mb_peer_result *peers[2] = {&m->fts, &m->pg};
	const char *names[2] = {"SQLite FTS5 trigram", "PostgreSQL pg_trgm"}, *keys[2] = {"vs_fts5", "vs_pg_trgm"};
	for (int i = 0; i < 2; i++) {
		double x50 = 0, x99 = 0;
		if (!peers[i]->ran) {
			printf("  >= 100x faster than %-24s not measured: MISSED\n", names[i]);
			json_object_set_new(aims, keys[i], json_false());
			continue;
		}
		ok = beats(peers[i], qs, m->wam, &x50, &x99);
		printf("  >= 100x faster than %-24s p50 %.0fx, p99 %.0fx, recall@10 no lower: %s\n", names[i], x50, x99,
		       verdict(ok));
		json_object_set_new(aims, keys[i], json_boolean(ok));
	}
	if (d->n < 10000000)
		printf("  (the aims are for 10,000,000 weapons; this run has %zu)\n", d->n);
	return aims;
}

/* A row's figures as JSON. */
static json_t *stats_json(const stats *s)
{
	return json_pack(
	    "{s:I, s:I, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "queries", (json_int_t)s->total,
	    "ran", (json_int_t)s->ran, "p50_us", s->p50 * 1e6, "p95_us", s->p95 * 1e6, "p99_us", s->p99 * 1e6, "max_us",
	    s->max * 1e6, "with_truth", (json_int_t)s->truth, "at1", (json_int_t)s->at1, "at10", (json_int_t)s->at10,
	    "reachable", (json_int_t)s->reach, "false_matches", (json_int_t)s->any_hit, "repeats",
	    (json_int_t)s->repeats, "failed", (json_int_t)s->failed, "mean_candidates", s->mean_considered);
}

/* Every row of one system as a JSON object keyed by row name. */
static json_t *rows_json(const mb_query *qs, const mb_outcome *out, size_t n)
{
	json_t *o = json_object();
	for (int row = 0; row < ROW_COUNT; row++) {
		stats s = row_stats(row, qs, out, n, NULL, 0);
		json_object_set_new(o, row_names[row], stats_json(&s));
	}
	return o;
}

/* A peer as JSON: build, size, rows, and wam on the same queries. */
static json_t *peer_json(const mb_peer_result *p, const mb_query *qs, const mb_outcome *wam)
{
	if (!p->ran)
		return json_pack("{s:b, s:s}", "ran", 0, "why", p->why);
	stats w = row_stats(ROW_ALL, qs, wam, p->nqueries, p->out, p->nqueries);
	return json_pack("{s:b, s:s, s:f, s:f, s:I, s:o, s:o}", "ran", 1, "note", p->why, "build_s", p->build_s,
	                 "bytes", p->bytes, "queries", (json_int_t)p->nqueries, "rows",
	                 rows_json(qs, p->out, p->nqueries), "wam_same_queries", stats_json(&w));
}

/* Prints everything, and the JSON line when asked. */
static void report(const options *o, const mb_data *d, const mb_query *qs, const measures *m)
{
	size_t nq = (size_t)o->queries;
	print_header(o, d, m);
	char title[256], floor[24];
	snprintf(title, sizeof title,
	         "wam (queries took %.1f s in all; r@10 reach: recall@10 among queries whose "
	         "weapon is within the allowed edits)",
	         m->queries_s);
	print_table(title, qs, m->wam, nq);
	printf("completeness (first %zu queries): %zu weapons of the asked make (or of any, none asked) within the "
	       "allowed edits, %zu missed by wam; %zu of other makes within the edits searched outside the make, "
	       "%zu missed%s\n",
	       m->check.queries, m->check.within, m->check.missed, m->check.within_other, m->check.missed_other,
	       m->check.failed ? "; some searches FAILED" : "");
	fmt_time(floor, sizeof floor, m->memscan_s);
	printf("memory scan floor: memcmp of the %d-byte skeleton column, median %s per query over %zu queries "
	       "(%.1f GB/s, %zu exact matches)\n",
	       MB_KEYW, floor, m->memscan_n, m->memscan_s > 0 ? (double)d->n * MB_KEYW / m->memscan_s / 1e9 : 0,
	       m->memscan_matches);
	if (!o->no_peers) {
		print_peer("fts5", &m->fts, qs, m->wam);
		print_peer("pg_trgm", &m->pg, qs, m->wam);
	} else {
		printf("\npeers skipped (--no-peers)\n");
	}
	json_t *aims = print_aims(d, qs, nq, m);
	if (o->json) {
		json_t *j = json_pack(
		    "{s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:f, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:f, "
		    "s:o, s:o, s:o, s:o}",
		    "weapons", (json_int_t)d->n, "queries", (json_int_t)nq, "seed", (json_int_t)o->seed, "generate_s",
		    m->gen_s, "build_s", m->build_s, "open_s", m->open_s, "save_s", m->save_s, "load_s", m->load_s,
		    "file_bytes", (json_int_t)m->file_bytes, "index_bytes", (json_int_t)m->index_bytes,
		    "bytes_per_weapon", (double)m->index_bytes / (double)d->n, "completeness", "queries",
		    (json_int_t)m->check.queries, "failed", (json_int_t)m->check.failed, "within",
		    (json_int_t)m->check.within, "missed", (json_int_t)m->check.missed, "within_other_makes",
		    (json_int_t)m->check.within_other, "missed_other_makes", (json_int_t)m->check.missed_other,
		    "memscan_s", m->memscan_s, "wam", rows_json(qs, m->wam, nq), "fts5", peer_json(&m->fts, qs, m->wam),
		    "pg_trgm", peer_json(&m->pg, qs, m->wam), "aims", aims);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	} else {
		json_decref(aims);
	}
	fflush(stdout);
}

/* ---- the run ---- */

/* Resident set size of this process in bytes (/proc/self/statm). */
static long rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * sysconf(_SC_PAGESIZE);
}

/* Saves the index to a file and loads it back (both timed), as a
 * registry does between runs; queries then go to the loaded index. When
 * either fails, the built index stays and the report says why. */
static void save_and_load(measures *m, wam_match_index **ix)
{
	char path[4200];
	wam_index_stamp stamp = {.seq = 1};
	wam_match_index *loaded = NULL;
	snprintf(path, sizeof path, "%s/serials.idx", tmpdir);
	snprintf(stamp.node, sizeof stamp.node, "%s", "00000000000000000000000000");
	double t0 = bench_now();
	int rc = wam_match_index_save(*ix, path, &stamp);
	m->save_s = bench_now() - t0;
	m->file_bytes = bench_file_size(path);
	if (!rc) {
		t0 = bench_now();
		rc = wam_match_index_load(&loaded, path, &stamp);
		m->load_s = bench_now() - t0;
	}
	unlink(path);
	if (rc) {
		const wam_error *e = wam_error_last();
		snprintf(m->load_error, sizeof m->load_error, "%s: %.200s", wam_error_name(rc), e->message);
		return;
	}
	wam_match_index_free(*ix);
	*ix = loaded;
}

/* Builds the index from the raw serials (timed), then again from the
 * stored keys (timed); leaves the second one in `*out`. */
static int build_and_open(mb_data *d, measures *m, wam_match_index **out)
{
	wam_match_index *ix = wam_match_index_new();
	long rss0 = rss_bytes();
	fprintf(stderr, "bench: building the index (normalize + add) of %zu weapons\n", d->n);
	double t0 = bench_now();
	int rc = ix ? mb_data_build(d, ix) : -1;
	m->build_s = bench_now() - t0;
	m->rss_build = rss_bytes() - rss0;
	m->index_bytes = ix ? wam_match_index_bytes(ix) : 0;
	wam_match_index_free(ix);
	if (rc)
		return -1;
	fprintf(stderr, "bench: built in %.1f s; opening from the stored keys\n", m->build_s);
	ix = wam_match_index_new();
	t0 = bench_now();
	rc = ix ? mb_data_open(d, ix) : -1;
	m->open_s = bench_now() - t0;
	if (rc) {
		wam_match_index_free(ix);
		return -1;
	}
	mb_data_attrs(d, ix);
	*out = ix;
	save_and_load(m, out);
	m->index_bytes = wam_match_index_bytes(*out); /* what the queries run on */
	return 0;
}

/* Prints the first `n` weapons (raw serial as generated) to stderr. */
static void show_weapons(const mb_data *d, size_t n)
{
	for (size_t i = 0; i < n && i < d->n; i++)
		fprintf(stderr, "weapon %zu: %-24s make %s, model %s\n", i, d->raw + d->raw_off[i],
		        d->makes[d->make[i]].name,
		        json_string_value(json_object_get(d->models[d->model[i]].model, "model")));
}

/* Prints the first `n` queries with their class and true weapon to stderr. */
static void show_queries(const mb_data *d, const mb_query *qs, size_t n)
{
	for (size_t j = 0; j < n; j++)
		fprintf(stderr, "query %zu: %-16s %-24s -> %s%s%s\n", j, mb_class_names[qs[j].cls], qs[j].raw,
		        qs[j].truth == MB_NONE ? "(none)" : d->canon[qs[j].truth], qs[j].with_make ? " +make" : "",
		        qs[j].with_calibre ? " +calibre" : "");
}

/* Runs the peers on the first --peer-queries queries. */
static void run_peers(const options *o, const mb_data *d, const mb_query *qs, measures *m)
{
	size_t np = (size_t)(o->peer_queries < o->queries ? o->peer_queries : o->queries);
	m->fts.out = calloc(np ? np : 1, sizeof *m->fts.out);
	m->pg.out = calloc(np ? np : 1, sizeof *m->pg.out);
	if (!m->fts.out || !m->pg.out) {
		snprintf(m->fts.why, sizeof m->fts.why, "out of memory");
		snprintf(m->pg.why, sizeof m->pg.why, "out of memory");
		return;
	}
	if (mb_peer_fts5(d, qs, np, o->peer_budget, tmpdir, &m->fts))
		fprintf(stderr, "bench: fts5 peer skipped: %s\n", m->fts.why);
	if (mb_peer_pg(d, qs, np, o->peer_budget, tmpdir, &m->pg))
		fprintf(stderr, "bench: pg_trgm peer skipped: %s\n", m->pg.why);
}

/* Everything after the weapons exist: index, queries, check, floor, peers. */
static int measure(const options *o, mb_data *d, mb_query *qs, measures *m)
{
	wam_match_index *ix = NULL;
	size_t nq = (size_t)o->queries;
	show_weapons(d, (size_t)o->show);
	if (build_and_open(d, m, &ix))
		return -1;
	fprintf(stderr, "bench: opened in %.1f s; generating %zu queries\n", m->open_s, nq);
	if (mb_queries_generate(qs, nq, o->seed, d, ix)) {
		wam_match_index_free(ix);
		return -1;
	}
	show_queries(d, qs, (size_t)o->show < nq ? (size_t)o->show : nq);
	double t0 = bench_now();
	mb_run_wam(d, ix, qs, nq, o->class_budget, m->wam);
	m->queries_s = bench_now() - t0;
	for (size_t j = 0; j < nq; j++) /* the peers allow each query what wam allowed it */
		qs[j].wam_k = (int8_t)(m->wam[j].ran && !m->wam[j].failed ? m->wam[j].k : -1);
	fprintf(stderr, "bench: %zu queries in %.1f s; completeness check of %ld\n", nq, m->queries_s, o->check);
	mb_check_complete(d, ix, qs, nq, (size_t)o->check, &m->check);
	wam_match_index_free(ix);
	m->memscan_n = nq < 100 ? nq : 100;
	mb_memscan(d, qs, m->memscan_n, &m->memscan_s, &m->memscan_matches);
	if (!o->no_peers) {
		run_peers(o, d, qs, m);
	} else {
		snprintf(m->fts.why, sizeof m->fts.why, "--no-peers");
		snprintf(m->pg.why, sizeof m->pg.why, "--no-peers");
	}
	return 0;
}

int main(int argc, char **argv)
{
	options o;
	mb_data d;
	measures m;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	memset(&m, 0, sizeof m);
	const char *tmp = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/wam-bench-match-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "bench: cannot create a directory in %s: %s\n", tmp && *tmp ? tmp : "/tmp",
		        strerror(errno));
		return 1;
	}
	trap_signals();
	fprintf(stderr, "bench: generating %ld weapons (seed %llu)\n", o.weapons, o.seed);
	double t0 = bench_now();
	rc = mb_data_generate(&d, (size_t)o.weapons, o.seed, (size_t)o.makes, 1.1);
	m.gen_s = bench_now() - t0;
	mb_query *qs = calloc((size_t)o.queries, sizeof *qs);
	m.wam = calloc((size_t)o.queries, sizeof *m.wam);
	if (!rc && (!qs || !m.wam)) {
		fprintf(stderr, "bench: out of memory for the queries\n");
		rc = -1;
	}
	if (!rc)
		rc = measure(&o, &d, qs, &m);
	if (!rc)
		report(&o, &d, qs, &m);
	free(qs);
	free(m.wam);
	free(m.fts.out);
	free(m.pg.out);
	mb_data_free(&d);
	if (mb_remove_tree(tmpdir))
		fprintf(stderr, "bench: could not remove all of %s\n", tmpdir);
	return rc ? 1 : 0;
}
