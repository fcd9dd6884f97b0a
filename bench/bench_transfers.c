/* bench_transfers: the cost of transfer control at registry scale
 * (bench/README.md).
 *
 *   bench_transfers [--weapons N] [--shipments S] [--per K] [--dir DIR]
 *
 * Builds a demo registry of N weapons, an issued export licence and its
 * verified end-user certificate, then measures:
 *   - shipping: S shipments of K weapons each through
 *     wam_transfers_shipment_add() (every weapon matched to a licence line
 *     and a certificate goods line, every party screened, each weapon
 *     exported), against the baseline of changing the status of K weapons
 *     in one command (the registry's own events, no transfer check);
 *   - a refusal: the shipment one weapon beyond the certificate's cap;
 *   - reads: a licence, its certificate, the UNROCA/ATT records of the
 *     year, and the screening of one party, against the baseline of reading
 *     one weapon;
 * Prints medians and the slowest (p99 of S shipments is the slowest when
 * S < 100), and the ratios. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"
#include "wam/registry.h"
#include "wam/transfers.h"

static int die(const char *what)
{
	fprintf(stderr, "bench_transfers: %s: %s\n", what, wam_error_last()->message);
	return 1;
}

static json_t *json_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *json_fmt(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return json_loads(buf, 0, NULL);
}

static double slowest(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* Times `calls` runs of one read: its median into `*median`, the
 * slowest into `*worst`. */
#define TIME_READ(calls, median, worst, expr)                                                                          \
	do {                                                                                                           \
		double *t_ = malloc(sizeof(double) * (calls));                                                        \
		for (int i_ = 0; i_ < (calls); i_++) {                                                                 \
			json_t *o_ = NULL;                                                                             \
			double s_ = bench_now();                                                                       \
			if ((expr) != 0)                                                                               \
				return die(#expr);                                                                     \
			t_[i_] = bench_now() - s_;                                                                     \
			json_decref(o_);                                                                               \
		}                                                                                                      \
		*(worst) = slowest(t_, (size_t)(calls));                                                               \
		*(median) = bench_median(t_, (size_t)(calls));                                                         \
		free(t_);                                                                                              \
	} while (0)

int main(int argc, char **argv)
{
	long weapons = 100000, shipments = 20, per = 100;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--weapons") && i + 1 < argc &&
		    !bench_parse_count(argv[++i], 1000, 100000000, &weapons))
			continue;
		if (!strcmp(argv[i], "--shipments") && i + 1 < argc &&
		    !bench_parse_count(argv[++i], 1, 100000, &shipments))
			continue;
		if (!strcmp(argv[i], "--per") && i + 1 < argc && !bench_parse_count(argv[++i], 1, 10000, &per))
			continue;
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		fprintf(stderr, "usage: bench_transfers [--weapons N] [--shipments S] [--per K] [--dir DIR]\n");
		return 2;
	}
	char tmp[] = "/tmp/wam-bench-transfers-XXXXXX", path[4200];
	if (!dir && !(dir = mkdtemp(tmp)))
		return perror("mkdtemp"), 1;
	snprintf(path, sizeof path, "%s/bench.db", dir);
	bench_remove_db(path);

	wam_db *db = NULL;
	wam_init_opts io = {.country = "HT"};
	if (wam_db_create(&db, path, &io))
		return die("create");
	wam_demo_opts demo = {.items = weapons, .seed = 7};
	double t0 = bench_now();
	if (wam_registry_demo(db, &demo))
		return die("demo");
	printf("registry: %ld weapons (demo) in %.1f s\n", weapons, bench_now() - t0);

	/* the weapons to ship and the baseline's: the commonest category in store */
	json_t *cat = NULL, *ids = NULL;
	if (wam_query_row(db, &cat,
	                  "SELECT category, count(*) AS n FROM items WHERE status='in_store' GROUP BY category"
	                  " ORDER BY n DESC LIMIT 1",
	                  NULL, NULL))
		return die("category");
	const char *category = json_string_value(json_object_get(cat, "category"));
	long have = (long)json_integer_value(json_object_get(cat, "n"));
	if (have < (shipments + 1) * per + per)
		shipments = have / per - 2;
	if (shipments < 1) {
		fprintf(stderr, "bench_transfers: too few weapons in store (%ld): raise --weapons\n", have);
		return 1;
	}
	char limit[32];
	snprintf(limit, sizeof limit, "%ld", (shipments + 2) * per);
	/* none another procedure holds (an export proposal, a destruction batch) */
	if (wam_query_rows(db, &ids,
	                   "SELECT id FROM items i WHERE status='in_store' AND category=?1 AND NOT EXISTS"
	                   " (SELECT 1 FROM export_proposals p WHERE p.item_id=i.id AND p.state='proposed') AND NOT EXISTS"
	                   " (SELECT 1 FROM destruction_items x JOIN destructions d ON d.id=x.destruction_id"
	                   " WHERE x.item_id=i.id AND d.state='open') ORDER BY id LIMIT ?2",
	                   category, limit))
		return die("weapons");
	long cap = shipments * per; /* the certificate allows exactly what the shipments take */

	json_t *in = json_fmt(
	    "{\"kind\":\"export\",\"number\":\"BENCH-1\",\"authority\":\"Commission\",\"officer\":\"A\","
	    "\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\",\"parties\":[{\"role\":\"exporter\","
	    "\"name\":\"E\",\"country\":\"HT\"},{\"role\":\"importer\",\"name\":\"I\",\"country\":\"JM\"},"
	    "{\"role\":\"end_user\",\"name\":\"U\",\"country\":\"JM\"},{\"role\":\"transit\",\"name\":\"T\","
	    "\"country\":\"US\"}],\"lines\":[{\"category\":\"%s\",\"quantity\":%ld,\"value\":1000000,"
	    "\"currency\":\"USD\"}]}",
	    category, cap * 2);
	json_t *out = NULL;
	wam_db_set_actor(db, "user:drafter");
	if (wam_transfers_licence_add(db, &out, in))
		return die("licence");
	json_decref(in);
	json_decref(out);
	in = json_fmt("{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":"
	              "{\"finding\":\"clear\"},\"atrocity_crimes\":{\"finding\":\"clear\"}},\"risks\":{"
	              "\"peace_security\":{\"finding\":\"none\"},\"ihl\":{\"finding\":\"none\"},\"human_rights\":"
	              "{\"finding\":\"none\"},\"terrorism\":{\"finding\":\"none\"},\"organised_crime\":{\"finding\":"
	              "\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},\"diversion\":{\"finding\":\"low\"}},"
	              "\"decision\":\"approve\",\"reasons\":\"bench\",\"officer\":\"A\"}");
	if (wam_transfers_licence_assess(db, &out, "BENCH-1", in))
		return die("assess");
	json_decref(in);
	json_decref(out);
	wam_db_set_actor(db, "user:issuer");
	if (wam_transfers_licence_issue(db, &out, "BENCH-1"))
		return die("issue");
	json_decref(out);
	in = json_fmt("{\"licence_id\":\"BENCH-1\",\"number\":\"BENCH-EUC\",\"issued\":\"2026-01-01\",\"expires\":"
	              "\"2099-01-01\",\"authority\":{\"name\":\"M\",\"signatory\":\"S\",\"position\":\"P\",\"stamp\":true,"
	              "\"authentication\":\"seal\"},\"exporter\":{\"name\":\"E\",\"address\":\"A\",\"country\":\"HT\"},"
	              "\"end_user\":{\"name\":\"U\",\"position\":\"P\",\"address\":\"A\",\"country\":\"JM\",\"signed\":true},"
	              "\"goods\":[{\"category\":\"%s\",\"description\":\"weapons\",\"quantity\":%ld}],\"contract\":"
	              "{\"reference\":\"C\",\"date\":\"2026-01-01\"},\"destination\":\"JM\",\"end_use\":\"police\","
	              "\"sole_use_assurance\":true,\"no_reexport_undertaking\":true}",
	              category, cap);
	if (wam_transfers_euc_add(db, &out, in))
		return die("certificate");
	json_decref(in);
	json_decref(out);
	in = json_fmt("{\"channel\":\"note verbale\",\"result\":\"authentic\"}");
	if (wam_transfers_euc_verify(db, &out, "BENCH-EUC", in))
		return die("verify");
	json_decref(in);
	json_decref(out);

	/* shipping, against the baseline of K status changes in one command */
	double *ship = calloc((size_t)shipments, sizeof(double)), *base = calloc((size_t)shipments, sizeof(double));
	size_t next = 0;
	for (long s = 0; s < shipments; s++) {
		json_t *items = json_array();
		for (long k = 0; k < per; k++)
			json_array_append(items, json_object_get(json_array_get(ids, next++), "id"));
		in = json_pack("{s:s, s:s, s:o, s:[s]}", "licence_id", "BENCH-1", "euc_id", "BENCH-EUC", "items", items,
		               "route", "US");
		double a = bench_now();
		if (wam_transfers_shipment_add(db, &out, in))
			return die("shipment");
		ship[s] = bench_now() - a;
		json_decref(in);
		json_decref(out);
	}
	json_t *reason = json_pack("{s:s}", "reason", "bench");
	for (long s = 0; s < shipments; s++) {
		size_t from = next;
		double a = bench_now();
		if (wam_db_begin(db))
			return die("begin");
		for (long k = 0; k < per; k++)
			if (wam_registry_item_set_status(
			        db, NULL, json_string_value(json_object_get(json_array_get(ids, from + (size_t)(k % per)), "id")),
			        s % 2 ? "in_store" : "in_service", reason))
				return die("status");
		if (wam_db_commit(db))
			return die("commit");
		base[s] = bench_now() - a;
	}
	next += (size_t)per;
	json_decref(reason);

	/* the weapon beyond the cap: refused, nothing written */
	json_t *one = json_array();
	json_array_append(one, json_object_get(json_array_get(ids, next), "id"));
	in = json_pack("{s:s, s:s, s:o}", "licence_id", "BENCH-1", "euc_id", "BENCH-EUC", "items", one);
	double a = bench_now();
	int refused = wam_transfers_shipment_add(db, &out, in);
	double refusal = bench_now() - a;
	json_decref(in);
	if (refused != WAM_ECONFLICT) {
		fprintf(stderr, "bench_transfers: the weapon beyond the certificate was not refused (%d)\n", refused);
		return 1;
	}

	double m_ship_worst = slowest(ship, (size_t)shipments), m_base_worst = slowest(base, (size_t)shipments);
	double m_ship = bench_median(ship, (size_t)shipments), m_base = bench_median(base, (size_t)shipments);
	printf("ship %ld weapons (%ld shipments): median %.1f ms, slowest %.1f ms (%.2f ms a weapon)\n", per, shipments,
	       m_ship * 1e3, m_ship_worst * 1e3, m_ship * 1e3 / (double)per);
	printf("baseline, %ld status changes in one command: median %.1f ms, slowest %.1f ms; ratio %.2f\n", per,
	       m_base * 1e3, m_base_worst * 1e3, m_ship / m_base);
	printf("the weapon beyond the certificate refused in %.2f ms\n", refusal * 1e3);

	double med, worst, item_med, item_worst;
	const char *item = json_string_value(json_object_get(json_array_get(ids, 0), "id"));
	TIME_READ(200, &item_med, &item_worst, wam_registry_item_get(db, &o_, item));
	printf("baseline, one weapon read: median %.3f ms, slowest %.3f ms\n", item_med * 1e3, item_worst * 1e3);
	TIME_READ(200, &med, &worst, wam_transfers_licence_get(db, &o_, "BENCH-1"));
	printf("a licence with its lines and %ld shipments: median %.3f ms, slowest %.3f ms; ratio %.1f\n", shipments,
	       med * 1e3, worst * 1e3, med / item_med);
	TIME_READ(50, &med, &worst, wam_transfers_euc_get(db, &o_, "BENCH-EUC"));
	printf("its certificate: median %.3f ms, slowest %.3f ms; ratio %.1f\n", med * 1e3, worst * 1e3, med / item_med);
	TIME_READ(50, &med, &worst, wam_transfers_records(db, &o_, 0, NULL, NULL));
	printf("the UNROCA/ATT records: median %.3f ms, slowest %.3f ms; ratio %.1f\n", med * 1e3, worst * 1e3,
	       med / item_med);
	json_t *party = json_pack("{s:s, s:s, s:s}", "role", "importer", "name", "Ministry", "country", "JM");
	TIME_READ(1000, &med, &worst, wam_transfers_screen(db, &o_, party, NULL));
	printf("screening one party: median %.3f ms, slowest %.3f ms; ratio %.1f\n", med * 1e3, worst * 1e3,
	       med / item_med);
	json_decref(party);

	free(ship);
	free(base);
	json_decref(ids);
	json_decref(cat);
	wam_db_close(db);
	bench_remove_db(path);
	if (dir == tmp)
		rmdir(tmp);
	return 0;
}
