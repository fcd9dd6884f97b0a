/* bench_monitoring: the cost of arms embargo monitoring (issue 17) at the
 * size of a Panel of Experts' mandate (bench/README.md).
 *
 *   bench_monitoring [--observations N] [--seed S] [--single K] [--batch B] [--dir DIR]
 *
 * Records N observations (20,000 by default) in a scratch registry, spread
 * over 50 actors, 5 countries and 24 months, each with a weapon (a serial,
 * a make of a short list), an ammunition lot and a source with a sealed
 * identity and a ref, one in ten with a photo; then N / 100 findings on
 * two or three observations each. It measures recording — the first K
 * (2,000) each its own command and commit, p50/p99/slowest and
 * observations a second, the rest B (500) to a transaction, observations a
 * second — then the reads — an observation, the list unfiltered, by actor,
 * by country since a date with a limit, an actor's profile, a country's
 * with and without the transfers comparison, a finding's evidence rule,
 * the committee report over the whole period, a redacted evidence pack and
 * its verification — each as median (p50), p99 and slowest of several runs
 * and calls a second, and as a ratio to the scan floor: reading every
 * observation once through wam_monitoring_observation_list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/error.h"
#include "wam/monitoring.h"
#include "wam/registry.h"

#define ACTORS 50
#define MONTHS 24
#define PHOTOS 8

static const char *const countries[] = {"CF", "SD", "SS", "ML", "LY"};
static const char *const makes[] = {"Zastava", "Norinco", "Izhmash", "FN Herstal", "Heckler & Koch", "Arsenal"};
static const char *const categories[] = {"SA4", "SA3", "SA5", "SA1"};
static const char *const calibres[] = {"7.62x39mm", "7.62x54mmR", "5.56x45mm", "12.7x108mm"};
static const char *const factories[] = {"71", "61", "17", "539", "3"};
static const char *const kinds[] = {"armoury_inspection", "seizure", "battlefield_recovery", "cache_recovery",
                                    "market"};
static const char *const source_types[] = {"physical_inspection", "witness", "document", "official", "media"};
static const char *const actor_words[] = {"Front",    "Union",         "Mouvement", "Coalition", "Brigade",
                                          "Alliance", "Rassemblement", "Forces",    "Conseil",   "Ligue"};
static const char *const actor_places[] = {"du Nord", "de l'Est", "du Sud", "de l'Ouest", "du Centre"};

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
	fprintf(stderr, "bench_monitoring: %s: %s (%s)\n", what, wam_error_last()->message, wam_error_last()->field);
	return 1;
}

static void actor_name(char *out, size_t cap, int a)
{
	snprintf(out, cap, "%s %s %c", actor_words[a % 10], actor_places[a / 10], 'A' + a % 7);
}

/* The first day of month `m` of the 24 (December 2024 to November 2026),
 * and day `d` of it. */
static void month_date(char *out, size_t cap, int m, int d)
{
	snprintf(out, cap, "%04d-%02d-%02d", 2024 + (11 + m) / 12, (11 + m) % 12 + 1, d);
}

typedef struct stats {
	double p50, p99, max, per_s;
	size_t n;
} stats;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static stats summarise(double *v, size_t n)
{
	stats s = {0};
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i];
	qsort(v, n, sizeof *v, cmp_double);
	size_t k = (size_t)((double)n * 0.99 + 0.999999);
	s.n = n;
	s.p50 = bench_median(v, n);
	s.p99 = v[k ? k - 1 : 0];
	s.max = v[n - 1];
	s.per_s = total > 0 ? (double)n / total : 0;
	return s;
}

static void report(const char *what, stats s, double floor)
{
	printf("%-44s %6zu %10.3f %10.3f %10.3f %10.1f", what, s.n, s.p50 * 1e3, s.p99 * 1e3, s.max * 1e3, s.per_s);
	if (floor > 0)
		printf(" %9.3f", s.p50 / floor);
	printf("\n");
}

/* Times `calls` runs of one read (`i_` the run, `o_` its result) into
 * `*st`. */
#define TIME_READ(calls, st, expr)                                                                                     \
	do {                                                                                                           \
		double *t_ = malloc(sizeof(double) * (size_t)(calls));                                                 \
		for (int i_ = 0; i_ < (calls); i_++) {                                                                 \
			json_t *o_ = NULL;                                                                             \
			double s_ = bench_now();                                                                       \
			if ((expr) != 0)                                                                               \
				return die(#expr);                                                                     \
			t_[i_] = bench_now() - s_;                                                                     \
			json_decref(o_);                                                                               \
		}                                                                                                      \
		*(st) = summarise(t_, (size_t)(calls));                                                                \
		free(t_);                                                                                              \
	} while (0)

/* One observation, as docs/formats/observation.md takes it. */
static json_t *make_observation(long i, long n, char photos[PHOTOS][65])
{
	int a = (int)rnd(ACTORS), m = (int)rnd(MONTHS);
	char name[96], date[16], serial[32], lot[32], ref[32], identity[64];
	actor_name(name, sizeof name, a);
	month_date(date, sizeof date, m, 1 + (int)rnd(28));
	/* serials and lots repeat a little, so some observations link */
	snprintf(serial, sizeof serial, "BZ %06u", rnd((unsigned)(n * 2)));
	snprintf(lot, sizeof lot, "L-%05u", rnd((unsigned)(n / 4 + 1)));
	unsigned src = rnd((unsigned)(n / 10 + 1));
	snprintf(ref, sizeof ref, "SRC-%05u", src);
	snprintf(identity, sizeof identity, "Witness %05u of the cell", src);
	const char *cc = countries[rnd(10) < 8 ? (unsigned)(a % 5) : rnd(5)];
	const char *make = makes[rnd(6)];
	const char *factory = factories[rnd(5)];
	json_t *weapon_photos = json_array(), *ammo_photos = json_array();
	if (i % 10 == 0)
		json_array_append_new(weapon_photos, json_string(photos[rnd(PHOTOS)]));
	if (i % 25 == 0)
		json_array_append_new(ammo_photos, json_string(photos[rnd(PHOTOS)]));
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:{s:s, s:s, s:s},"
	                 " s:[{s:s, s:b, s:s, s:i, s:s, s:s}],"
	                 " s:[{s:s, s:s, s:s, s:s, s:s, s:i, s:[{s:s, s:s, s:s}], s:o},"
	                 "    {s:s, s:s, s:{s:s, s:s, s:i}, s:s, s:i, s:o}],"
	                 " s:[], s:[]}",
	                 "kind", kinds[rnd(5)], "observed_at", date, "place", "admin_area", "Zone", "country", cc,
	                 "unit", "Embargo cell", "officer", "M. N", "actor", "kind", "armed_group", "name", name,
	                 "country", countries[a % 5], "sources", "type", source_types[rnd(5)], "independent",
	                 (int)(rnd(3) != 0), "reliability", rnd(2) ? "B" : "C", "credibility", 2 + (int)rnd(2), "ref",
	                 ref, "identity", identity, "items", "kind", "weapon", "make", make, "category",
	                 categories[rnd(4)], "calibre", calibres[rnd(4)], "serial", serial, "year", 1990 + (int)rnd(35),
	                 "markings", "component", "frame_receiver", "kind", "serial", "text", serial, "photos",
	                 weapon_photos, "kind", "ammunition", "calibre", calibres[rnd(4)], "headstamp", "text", factory,
	                 "factory", factory, "year", 1990 + (int)rnd(35), "lot", lot, "quantity", 20 + (int)rnd(2000),
	                 "photos", ammo_photos, "documents", "photos");
}

int main(int argc, char **argv)
{
	long n = 20000, seed = 1, single = 2000, batch = 500;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--observations") && i + 1 < argc &&
		    !bench_parse_count(argv[++i], 100, 10000000, &n))
			continue;
		if (!strcmp(argv[i], "--seed") && i + 1 < argc && !bench_parse_count(argv[++i], 1, 1000000000, &seed))
			continue;
		if (!strcmp(argv[i], "--single") && i + 1 < argc && !bench_parse_count(argv[++i], 1, 10000000, &single))
			continue;
		if (!strcmp(argv[i], "--batch") && i + 1 < argc && !bench_parse_count(argv[++i], 1, 100000, &batch))
			continue;
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		fprintf(stderr,
		        "usage: bench_monitoring [--observations N] [--seed S] [--single K] [--batch B] [--dir DIR]\n");
		return 2;
	}
	rng_state = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)seed * 0x2545F4914F6CDD1DULL;
	char tmp[] = "/tmp/wam-bench-monitoring-XXXXXX", path[4200], pack[4200];
	if (!dir && !(dir = mkdtemp(tmp)))
		return perror("mkdtemp"), 1;
	snprintf(path, sizeof path, "%s/bench.db", dir);
	snprintf(pack, sizeof pack, "%s/pack.wep", dir);
	bench_remove_db(path);

	wam_db *db = NULL;
	wam_init_opts io = {.country = "CF", .name = "bench monitoring"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	/* the registry's owner (no principal): it may read sealed identities */

	char photos[PHOTOS][65];
	for (int p = 0; p < PHOTOS; p++) {
		unsigned char png[256] = "\x89PNG\r\n\x1a\n";
		for (size_t k = 8; k < sizeof png; k++)
			png[k] = (unsigned char)(p * 31 + (int)k * 7);
		json_t *out = NULL;
		if (wam_photo_add(db, &out, png, sizeof png, "image/png"))
			return die("photo");
		snprintf(photos[p], sizeof photos[p], "%s", json_string_value(json_object_get(out, "hash")));
		json_decref(out);
	}

	/* recording: the first `single` observations each its own command (and
	 * commit), the rest `batch` to a transaction, as an import would */
	char(*ids)[WAM_ID_LEN + 1] = calloc((size_t)n, sizeof *ids);
	double *t = calloc((size_t)n, sizeof(double));
	if (single > n)
		single = n;
	double start = bench_now(), single_s = 0;
	for (long i = 0; i < n; i++) {
		if (i == single)
			single_s = bench_now() - start;
		if (i >= single && (i - single) % batch == 0 && wam_db_begin(db))
			return die("begin");
		json_t *in = make_observation(i, n, photos), *out = NULL;
		double a = bench_now();
		if (wam_monitoring_observation_add(db, &out, in))
			return die("observation");
		t[i] = bench_now() - a;
		snprintf(ids[i], sizeof ids[i], "%s", json_string_value(json_object_get(out, "id")));
		json_decref(in);
		json_decref(out);
		if (i >= single && ((i - single) % batch == batch - 1 || i == n - 1) && wam_db_commit(db))
			return die("commit");
		if ((i + 1) % 5000 == 0)
			fprintf(stderr, "  %ld observations in %.1f s\n", i + 1, bench_now() - start);
	}
	if (single == n)
		single_s = bench_now() - start;
	double batched_s = bench_now() - start - single_s;
	stats rec = summarise(t, (size_t)single);
	free(t);

	/* findings on two or three observations each */
	long nf = n / 100 > 10 ? n / 100 : 10;
	char(*fids)[WAM_ID_LEN + 1] = calloc((size_t)nf, sizeof *fids);
	double fstart = bench_now();
	for (long f = 0; f < nf; f++) {
		char name[96], statement[256];
		int a = (int)rnd(ACTORS);
		actor_name(name, sizeof name, a);
		snprintf(statement, sizeof statement, "Materiel of %s seen in breach of the embargo (%ld)", name, f);
		json_t *in = json_pack("{s:s, s:{s:s, s:s}, s:s}", "statement", statement, "actor", "kind",
		                       "armed_group", "name", name, "country", countries[a % 5]),
		       *out = NULL;
		if (wam_monitoring_finding_add(db, &out, in))
			return die("finding");
		snprintf(fids[f], sizeof fids[f], "%s", json_string_value(json_object_get(out, "id")));
		json_decref(in);
		json_decref(out);
		int links = 2 + (int)rnd(2);
		for (int k = 0; k < links; k++) {
			out = NULL;
			if (wam_monitoring_finding_link(db, &out, fids[f], ids[rnd((unsigned)n)], NULL))
				return die("link");
			json_decref(out);
		}
	}
	printf("registry: %ld observations, %d actors, 5 countries, 24 months, %ld findings (seed %ld); findings "
	       "and links in %.1f s\n",
	       n, ACTORS, nf, seed, bench_now() - fstart);
	printf("database: %.1f MB\n", (double)bench_file_size(path) / 1e6);

	printf("\n%-44s %6s %10s %10s %10s %10s %9s\n", "operation", "runs", "p50 ms", "p99 ms", "max ms", "per s",
	       "x floor");
	report("record an observation, one a command", rec, 0);
	if (n > single)
		printf("  the other %ld, %ld to a transaction: %.0f observations/s (%.1f s)\n", n - single, batch,
		       (double)(n - single) / batched_s, batched_s);

	/* the scan floor: every observation read once through the list */
	stats floor, st;
	wam_observation_filter all = {0};
	json_t *warm = NULL; /* one untimed read first, so the floor is not a cold cache's */
	if (wam_monitoring_observation_list(db, &warm, &all))
		return die("list");
	json_decref(warm);
	TIME_READ(5, &floor, wam_monitoring_observation_list(db, &o_, &all));
	report("scan floor: list every observation", floor, floor.p50);
	printf("  (%.0f observations read a second)\n", (double)n / floor.p50);

	TIME_READ(1000, &st, wam_monitoring_observation_get(db, &o_, ids[rnd((unsigned)n)]));
	report("observation get", st, floor.p50);
	TIME_READ(5, &st, wam_monitoring_observation_list(db, &o_, &all));
	report("list unfiltered", st, floor.p50);
	char names[ACTORS][96];
	for (int a = 0; a < ACTORS; a++)
		actor_name(names[a], sizeof names[a], a);
	wam_observation_filter by_actor = {0};
	TIME_READ(20, &st, (by_actor.actor = names[i_ % ACTORS], wam_monitoring_observation_list(db, &o_, &by_actor)));
	report("list by actor", st, floor.p50);
	char since[16];
	month_date(since, sizeof since, 12, 1);
	wam_observation_filter recent = {.since = since, .limit = 50};
	TIME_READ(100, &st, (recent.country = countries[i_ % 5], wam_monitoring_observation_list(db, &o_, &recent)));
	report("list by country since 12 months, limit 50", st, floor.p50);
	TIME_READ(20, &st, wam_monitoring_profile_actor(db, &o_, names[i_ % ACTORS]));
	report("profile actor", st, floor.p50);
	TIME_READ(5, &st, wam_monitoring_profile_country(db, &o_, countries[i_ % 5], false));
	report("profile country", st, floor.p50);
	TIME_READ(5, &st, wam_monitoring_profile_country(db, &o_, countries[i_ % 5], true));
	report("profile country, compare_imports", st, floor.p50);
	TIME_READ(200, &st, wam_monitoring_finding_rule(db, &o_, fids[i_ % nf]));
	report("finding rule", st, floor.p50);
	char from[16], to[16];
	month_date(from, sizeof from, 0, 1);
	month_date(to, sizeof to, MONTHS - 1, 28);
	TIME_READ(3, &st, wam_monitoring_committee_report(db, &o_, NULL, from, to));
	report("committee report, 24 months", st, floor.p50);

	/* a pack of a finding whose observations carry photos, if one has */
	long with_photo = 0;
	int found = 0;
	for (long f = 0; f < nf && !found; f++) {
		json_t *fo = NULL;
		if (wam_monitoring_finding_get(db, &fo, fids[f]))
			return die("finding get");
		json_t *links = json_object_get(fo, "links"), *l;
		size_t k;
		json_array_foreach(links, k, l)
		{
			for (long i = 0; i < n; i += 10)
				if (!strcmp(ids[i], json_string_value(json_object_get(l, "target")))) {
					with_photo = f;
					found = 1;
				}
		}
		json_decref(fo);
	}
	long pack_files = 0, pack_bytes = 0;
	TIME_READ(5, &st,
	          (pack_files = 0,
	           wam_monitoring_evidence_pack(db, &o_, fids[with_photo], pack, WAM_EVIDENCE_REDACT_SOURCES) ||
	               (pack_files = (long)json_integer_value(json_object_get(o_, "files")),
	                pack_bytes = (long)json_integer_value(json_object_get(o_, "bytes")), 0)));
	report("evidence pack, redacted", st, floor.p50);
	printf("  (%ld files, %ld bytes, finding %s%s)\n", pack_files, pack_bytes, fids[with_photo],
	       found ? ", with a photo" : "");
	int valid = 1;
	TIME_READ(5, &st,
	          (wam_monitoring_evidence_verify(db, &o_, pack, NULL, 0, NULL) ||
	           (valid &= json_is_true(json_object_get(o_, "valid")), 0)));
	report("evidence verify", st, floor.p50);
	if (!valid) {
		fprintf(stderr, "bench_monitoring: the pack did not verify\n");
		return 1;
	}

	free(ids);
	free(fids);
	wam_db_close(db);
	bench_remove_db(path);
	remove(pack);
	if (dir == tmp)
		bench_remove_dir(tmp);
	return 0;
}
