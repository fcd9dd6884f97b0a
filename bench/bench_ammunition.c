/* bench_ammunition: the ammunition search (wam_match_ammunition) over the
 * ammunition lines of a registry (bench/README.md).
 *
 *   bench_ammunition [--lines N] [--lots L] [--queries Q] [--walks W] [--seed S] [--dir DIR]
 *
 * Records N ammunition lines (100,000 by default) as the items of field
 * observations, ten to an observation, five hundred observations to a
 * transaction, and L (1,000) depot lots, with headstamps of a few factories
 * and years in Latin, Cyrillic and Arabic-Indic digits and lot marks that
 * repeat a little; then measures the first search after a write (which
 * walks every line: the median of W (5) writes, each a lot, each followed
 * by a search) and Q (500) searches of marks as an
 * investigator reads them — a misread headstamp, a lot mark with I for 1
 * and O for 0, a lost tail, a headstamp and a lot together, a headstamp
 * with a calibre — as median (p50), p99 and slowest, and searches a
 * second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/error.h"
#include "wam/match.h"
#include "wam/monitoring.h"
#include "wam/registry.h"
#include "wam/stock.h"

#define PER_OBSERVATION 10
#define BATCH 500

static const char *const calibres[] = {"7.62x39mm", "7,62×39", "7.62x54mmR", "5.56x45mm", "12.7x108mm", "9x19mm"};
static const char *const factories[] = {"71", "61", "17", "539", "3", "10", "188", "711"};

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static int die(const char *what)
{
	fprintf(stderr, "bench_ammunition: %s: %s (%s)\n", what, wam_error_last()->message, wam_error_last()->field);
	return 1;
}

/* CPU seconds of this thread: on a machine busy with other work, what a
 * search costs rather than how long it waited for a core. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A headstamp: factory code and two-digit year, one in ten in
 * Arabic-Indic digits, one in ten with a Cyrillic З for 3. */
static void headstamp(char *out, size_t cap, const char *factory, int year)
{
	static const char *const arabic[] = {"٠", "١", "٢", "٣", "٤", "٥", "٦", "٧", "٨", "٩"};
	char latin[32];
	snprintf(latin, sizeof latin, "%s %02d", factory, year % 100);
	unsigned how = rnd(10);
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = latin; *p && n + 4 < cap; p++) {
		if (how == 0 && *p >= '0' && *p <= '9')
			n += (size_t)snprintf(out + n, cap - n, "%s", arabic[*p - '0']);
		else if (how == 1 && *p == '3')
			n += (size_t)snprintf(out + n, cap - n, "З");
		else
			out[n++] = *p, out[n] = '\0';
	}
}

/* One observation of PER_OBSERVATION ammunition lines. */
static json_t *make_observation(long i, long lots)
{
	json_t *items = json_array();
	for (int k = 0; k < PER_OBSERVATION; k++) {
		const char *factory = factories[rnd(8)];
		int year = 1960 + (int)rnd(60);
		char hs[64], lot[32];
		headstamp(hs, sizeof hs, factory, year);
		snprintf(lot, sizeof lot, "%02d-%02d-%03u", (int)rnd(40), year % 100, rnd((unsigned)(lots + 1)));
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:{s:s, s:s, s:i}, s:s, s:i}", "kind", "ammunition",
		                                "calibre", calibres[rnd(6)], "headstamp", "text", hs, "factory",
		                                factory, "year", year, "lot", lot, "quantity", (int)(20 + rnd(2000))));
	}
	char date[16];
	snprintf(date, sizeof date, "20%02d-%02d-%02d", 20 + (int)(i % 6), 1 + (int)rnd(12), 1 + (int)rnd(28));
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:[{s:s, s:b, s:s, s:i, s:s}], s:o}", "kind",
	                 "cache_recovery", "observed_at", date, "place", "name", "cache", "country", "CF", "unit",
	                 "Embargo cell", "officer", "Maj. Diallo", "sources", "type", "official", "independent", 1,
	                 "reliability", "C", "credibility", 3, "ref", "O-7", "items", items);
}

int main(int argc, char **argv)
{
	long n = 100000, lots = 1000, queries = 500, seed = 1, walks = 5;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		long *target = !strcmp(argv[i], "--lines")     ? &n
		               : !strcmp(argv[i], "--lots")    ? &lots
		               : !strcmp(argv[i], "--queries") ? &queries
		               : !strcmp(argv[i], "--seed")    ? &seed
		               : !strcmp(argv[i], "--walks")   ? &walks
		                                               : NULL;
		if (target && i + 1 < argc && bench_parse_count(argv[i + 1], 1, 100000000, target) == 0) {
			i++;
			continue;
		}
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		fprintf(stderr, "usage: bench_ammunition [--lines N] [--lots L] [--queries Q] [--walks W] [--seed S] "
		                "[--dir DIR]\n");
		return 2;
	}
	rng_state = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)seed * 0x2545F4914F6CDD1DULL;
	char tmp[] = "/tmp/wam-bench-ammunition-XXXXXX", path[4200];
	if (!dir && !(dir = mkdtemp(tmp)))
		return perror("mkdtemp"), 1;
	snprintf(path, sizeof path, "%s/bench.db", dir);
	bench_remove_db(path);
	wam_db *db = NULL;
	wam_init_opts io = {.country = "HT", .name = "bench ammunition"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	json_t *out = NULL, *site = json_pack("{s:s, s:s}", "name", "Depot", "kind", "depot");
	if (wam_registry_site_add(db, &out, site))
		return die("site");
	char site_id[WAM_ID_LEN + 1];
	snprintf(site_id, sizeof site_id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(site);
	json_decref(out);

	double start = bench_now();
	long observations = (n + PER_OBSERVATION - 1) / PER_OBSERVATION;
	for (long i = 0; i < observations; i++) {
		if (i % BATCH == 0 && wam_db_begin(db))
			return die("begin");
		json_t *in = make_observation(i, lots);
		if (wam_monitoring_observation_add(db, &out, in))
			return die("observation");
		json_decref(in);
		json_decref(out);
		if ((i % BATCH == BATCH - 1 || i == observations - 1) && wam_db_commit(db))
			return die("commit");
		if ((i + 1) % 2000 == 0)
			fprintf(stderr, "  %ld lines in %.1f s\n", (i + 1) * PER_OBSERVATION, bench_now() - start);
	}
	if (wam_db_begin(db))
		return die("begin");
	for (long i = 0; i < lots; i++) {
		const char *factory = factories[rnd(8)];
		int year = 1960 + (int)rnd(60);
		char hs[64], lot[32];
		headstamp(hs, sizeof hs, factory, year);
		snprintf(lot, sizeof lot, "%02d-%02d-%03ld", (int)rnd(40), year % 100, i);
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:i}", "nomenclature", "Cartridge",
		                       "calibre", calibres[rnd(6)], "headstamp", hs, "lot_number", lot, "rounds", 1000,
		                       "hazard_division", "1.4", "compat_group", "S", "site_id", site_id, "year", year);
		if (wam_stock_lot_add(db, &out, in))
			return die("lot");
		json_decref(in);
		json_decref(out);
	}
	if (wam_db_commit(db))
		return die("commit");
	double recorded = bench_now() - start;

	/* the queries: marks as read, most of which match something */
	typedef struct q {
		char headstamp[64], lot[32], calibre[16];
	} q;
	q *qs = calloc((size_t)queries, sizeof *qs);
	for (long i = 0; i < queries; i++) {
		const char *factory = factories[rnd(8)];
		int year = 1960 + (int)rnd(60);
		switch (i % 5) {
		case 0: /* a misread headstamp: l for 1, O for 0 */
			snprintf(qs[i].headstamp, sizeof qs[i].headstamp, "%s %02d", factory, year % 100);
			for (char *p = qs[i].headstamp; *p; p++)
				*p = *p == '1' ? 'l' : *p == '0' ? 'O' : *p;
			break;
		case 1: /* a lot mark with I for 1 and O for 0 */
			snprintf(qs[i].lot, sizeof qs[i].lot, "%02d-%02d-%03u", (int)rnd(40), year % 100,
			         rnd((unsigned)(lots + 1)));
			for (char *p = qs[i].lot; *p; p++)
				*p = *p == '1' ? 'I' : *p == '0' ? 'O' : *p;
			break;
		case 2: /* a lost tail */
			snprintf(qs[i].lot, sizeof qs[i].lot, "%02d-%02d*", (int)rnd(40), year % 100);
			break;
		case 3: /* both */
			snprintf(qs[i].headstamp, sizeof qs[i].headstamp, "%s %02d", factory, year % 100);
			snprintf(qs[i].lot, sizeof qs[i].lot, "%02d-%02d-%03u", (int)rnd(40), year % 100,
			         rnd((unsigned)(lots + 1)));
			break;
		default: /* a headstamp of a calibre */
			snprintf(qs[i].headstamp, sizeof qs[i].headstamp, "%s %02d", factory, year % 100);
			snprintf(qs[i].calibre, sizeof qs[i].calibre, "7.62x39");
			break;
		}
	}
	/* the first search of the process loads the matcher's tables too; the
	 * first after a write walks every line */
	wam_ammunition_query first = {.headstamp = "71 81"};
	double a = bench_now(), ac = cpu_now();
	if (wam_match_ammunition(db, &out, &first))
		return die("first search");
	double first_s = bench_now() - a;
	json_decref(out);
	double *wt = calloc((size_t)walks, sizeof(double)), *wc = calloc((size_t)walks, sizeof(double));
	for (long w = 0; w < walks; w++) {
		json_t *one =
		    json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "nomenclature", "Cartridge", "calibre",
		              "7.62x39mm", "headstamp", "71 81", "lot_number", "12-81-071", "rounds", 10,
		              "hazard_division", "1.4", "compat_group", "S", "site_id", site_id);
		if (wam_stock_lot_add(db, &out, one))
			return die("lot");
		json_decref(one);
		json_decref(out);
		a = bench_now();
		ac = cpu_now();
		if (wam_match_ammunition(db, &out, &first))
			return die("search after a write");
		wt[w] = bench_now() - a;
		wc[w] = cpu_now() - ac;
		json_decref(out);
	}
	double cold = bench_median(wt, (size_t)walks), cold_cpu = bench_median(wc, (size_t)walks);
	free(wt);
	free(wc);
	double *t = calloc((size_t)queries, sizeof(double)), *c = calloc((size_t)queries, sizeof(double)), total = 0,
	       slowest = 0;
	long slowest_q = 0;
	long long found = 0;
	for (long i = 0; i < queries; i++) {
		wam_ammunition_query aq = {.headstamp = qs[i].headstamp[0] ? qs[i].headstamp : NULL,
		                           .lot = qs[i].lot[0] ? qs[i].lot : NULL,
		                           .calibre = qs[i].calibre[0] ? qs[i].calibre : NULL};
		a = bench_now();
		ac = cpu_now();
		if (wam_match_ammunition(db, &out, &aq))
			return die("search");
		t[i] = bench_now() - a;
		c[i] = cpu_now() - ac;
		total += t[i];
		if (t[i] > slowest) {
			slowest = t[i];
			slowest_q = i;
		}
		found += json_integer_value(json_object_get(out, "total"));
		json_decref(out);
	}
	qsort(t, (size_t)queries, sizeof *t, cmp_double);
	qsort(c, (size_t)queries, sizeof *c, cmp_double);
	size_t k99 = (size_t)((double)queries * 0.99 + 0.999999);
	char lines_s[32];
	bench_group(lines_s, sizeof lines_s, (double)(observations * PER_OBSERVATION + lots));
	printf("ammunition search over %s lines (%ld observations of %d lines, %ld lots), recorded in %.1f s\n",
	       lines_s, observations, PER_OBSERVATION, lots, recorded);
	printf("%-40s %10s %10s %10s %10s\n", "", "p50 ms", "p99 ms", "max ms", "per s");
	printf("%-40s %10.3f\n", "first search of the process", first_s * 1e3);
	printf("%-40s %10.3f\n", "search after a write (the walk), median", cold * 1e3);
	printf("%-40s %10.3f\n", "  of it on the CPU", cold_cpu * 1e3);
	printf("%-40s %10.3f %10.3f %10.3f %10.1f\n", "searches", bench_median(t, (size_t)queries) * 1e3,
	       t[k99 ? k99 - 1 : 0] * 1e3, t[queries - 1] * 1e3, total > 0 ? (double)queries / total : 0);
	printf("%-40s %10.3f %10.3f %10.3f\n", "  on the CPU", bench_median(c, (size_t)queries) * 1e3,
	       c[k99 ? k99 - 1 : 0] * 1e3, c[queries - 1] * 1e3);
	printf("lines matched per search, on average: %.1f\n", (double)found / (double)queries);
	printf("the slowest: headstamp '%s' lot '%s' calibre '%s'\n", qs[slowest_q].headstamp, qs[slowest_q].lot,
	       qs[slowest_q].calibre);
	free(t);
	free(c);
	free(qs);
	wam_db_close(db);
	if (!strncmp(dir, "/tmp/wam-bench-ammunition-", 26)) {
		bench_remove_db(path);
		bench_remove_dir(dir);
	}
	return 0;
}
