/* unit-ammunition: the ammunition search. Headstamps and lot marks read
 * with misread characters, Cyrillic look-alikes and Arabic-Indic digits find
 * the lines recorded (in observations and in stock lots), a calibre keeps
 * the lines of its calibre whatever its spelling, the best come first, a new
 * line is found by the next search, a principal confined to a site sees the
 * lots there and no observation, and bad queries are refused naming the
 * field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/match.h"
#include "wam/monitoring.h"
#include "wam/stock.h"
#include "wam/collection.h"
#include "wam/trace.h"

typedef struct fixture {
	test_reg r;
	char depot[WAM_ID_LEN + 1], other[WAM_ID_LEN + 1];
	char obs[WAM_ID_LEN + 1], lot[WAM_ID_LEN + 1];
} fixture;

static fixture *fx;

static void ok(int rc, const char *what)
{
	if (rc)
		fail_msg("%s: %s (%s)", what, wam_error_last()->message, wam_error_last()->field);
}

static void add_site(char *id, const char *name)
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "depot"), *out = NULL;
	ok(wam_registry_site_add(fx->r.db, &out, in), "site");
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

/* An observation of a cache in Bangui holding `items` (a JSON list). */
static void observation(char *id, const char *on, const char *items)
{
	char text[4096];
	snprintf(text, sizeof text,
	         "{\"kind\":\"cache_recovery\",\"observed_at\":\"%s\","
	         "\"place\":{\"name\":\"PK5\",\"admin_area\":\"Bangui\",\"country\":\"CF\"},"
	         "\"unit\":\"Embargo cell\",\"officer\":\"Maj. "
	         "Diallo\",\"sources\":[{\"type\":\"official\",\"independent\":true,"
	         "\"reliability\":\"C\",\"credibility\":3,\"ref\":\"O-7\"}],\"items\":%s}",
	         on, items);
	json_t *in = test_json(text), *out = NULL;
	ok(wam_monitoring_observation_add(fx->r.db, &out, in), "observation");
	if (id)
		snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void add_lot(char *id, const char *site, const char *calibre, const char *headstamp, const char *number)
{
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "nomenclature", "Cartridge", "calibre",
	                       calibre, "headstamp", headstamp, "lot_number", number, "rounds", 5000, "hazard_division",
	                       "1.4", "compat_group", "S", "site_id", site, "expiry", "2030-01-01"),
	       *out = NULL;
	ok(wam_stock_lot_add(fx->r.db, &out, in), "lot");
	if (id)
		snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fx = calloc(1, sizeof *fx);
	test_reg_create(&fx->r, "HT");
	add_site(fx->depot, "North Depot");
	add_site(fx->other, "South Depot");
	/* a cache of two headstamps, one Cyrillic-read, one in Arabic-Indic digits */
	observation(fx->obs, "2026-03-02",
	            "[{\"kind\":\"ammunition\",\"calibre\":\"7.62x39mm\",\"headstamp\":{\"text\":\"71 81\","
	            "\"factory\":\"71\",\"year\":1981},\"lot\":\"12-81-071\",\"quantity\":1200},"
	            "{\"kind\":\"ammunition\",\"calibre\":\"7,62×39\",\"headstamp\":{\"text\":\"539 83\"},"
	            "\"lot\":\"LOT 07-83\",\"quantity\":440},"
	            "{\"kind\":\"ammunition\",\"calibre\":\"5.45x39mm\",\"headstamp\":{\"text\":\"٣٠ ٨٤\"},"
	            "\"quantity\":100}]");
	add_lot(fx->lot, fx->depot, "7.62x39mm", "71 81", "12-81-071");
	add_lot(NULL, fx->other, "9x19mm", "GFL 18", "GFL-21-2512");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_reg_destroy(&fx->r);
	free(fx);
	return 0;
}

static json_t *search(const char *headstamp, const char *lot, const char *calibre)
{
	wam_ammunition_query q = {.headstamp = headstamp, .lot = lot, .calibre = calibre};
	json_t *out = NULL;
	ok(wam_match_ammunition(fx->r.db, &out, &q), "search");
	return out;
}

/* The result for line `line` of `id`, or NULL. */
static const json_t *result_for(const json_t *res, const char *id, long line)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(res, "results"), i,
	                   r) if (!strcmp(test_str(r, "id"), id) &&
	                          json_integer_value(json_object_get(r, "line")) == line) return r;
	return NULL;
}

static void test_ammunition_misread_headstamp_found(void **state)
{
	(void)state;
	/* l read for 1: the observation's line and the lot both found */
	json_t *res = search("7l 8l", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	const json_t *r = result_for(res, fx->obs, 0);
	assert_non_null(r);
	assert_string_equal(test_str(r, "source"), "observation");
	assert_string_equal(test_str(r, "reason"), "misread");
	assert_string_equal(test_str(r, "date"), "2026-03-02");
	assert_string_equal(test_str(r, "country"), "CF");
	assert_true(json_is_null(json_object_get(r, "site_id")));
	assert_string_equal(test_str(json_object_get(json_object_get(r, "matched"), "headstamp"), "key"), "7181");
	assert_string_equal(test_str(json_object_get(json_object_get(r, "ammunition"), "headstamp"), "text"), "71 81");
	r = result_for(res, fx->lot, 0);
	assert_non_null(r);
	assert_string_equal(test_str(r, "source"), "lot");
	assert_string_equal(test_str(r, "site_id"), fx->depot);
	assert_string_equal(test_str(r, "country"), "HT");
	assert_string_equal(test_str(json_object_get(r, "ammunition"), "lot"), "12-81-071");
	json_decref(res);
	/* read right, the same two rank exact and above a misread */
	res = search("71 81", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	assert_string_equal(test_str(json_array_get(json_object_get(res, "results"), 0), "reason"), "exact");
	assert_true(json_real_value(json_object_get(json_array_get(json_object_get(res, "results"), 0), "score")) ==
	            100.0);
	json_decref(res);
	/* one wrong digit in a short headstamp: found, as an edit, below a
	 * headstamp read right */
	res = search("71 87", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	r = result_for(res, fx->obs, 0);
	assert_non_null(r);
	assert_string_equal(test_str(r, "reason"), "edit");
	assert_string_equal(test_str(json_object_get(json_object_get(r, "matched"), "headstamp"), "reason"), "edit");
	assert_true(json_real_value(json_object_get(r, "score")) == 40.0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "query"), "headstamp_substitutions")),
	                 1);
	json_decref(res);
	res = search("72 81", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
	/* two wrong digits, two swapped, or one too few, is another headstamp */
	const char *other[] = {"72 82", "71 8", "17 81"};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		res = search(other[i], NULL, NULL);
		assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
		json_decref(res);
	}
	/* lot marks keep the serial's tolerance: none for 4 characters */
	res = search(NULL, "1281", NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
}

static void test_ammunition_scripts_found(void **state)
{
	(void)state;
	/* Cyrillic З read for 3 */
	json_t *res = search("5З9 8З", NULL, NULL);
	const json_t *r = result_for(res, fx->obs, 1);
	assert_non_null(r);
	assert_string_equal(test_str(r, "reason"), "look-alike");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	json_decref(res);
	/* Arabic-Indic digits on the rounds, Latin in the query, and the other way */
	res = search("30 84", NULL, NULL);
	assert_non_null(result_for(res, fx->obs, 2));
	assert_string_equal(test_str(result_for(res, fx->obs, 2), "reason"), "look-alike");
	json_decref(res);
	res = search("٧١ ٨١", NULL, NULL);
	assert_non_null(result_for(res, fx->obs, 0));
	json_decref(res);
}

static void test_ammunition_lot_marks(void **state)
{
	(void)state;
	/* I for 1 and O for 0 in a lot mark */
	json_t *res = search(NULL, "12-8I-O71", NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	assert_non_null(result_for(res, fx->obs, 0));
	assert_non_null(result_for(res, fx->lot, 0));
	assert_string_equal(test_str(json_object_get(res, "query"), "lot_key"), "128IO71");
	json_decref(res);
	/* a word that says it is a lot is left out, on either side */
	res = search(NULL, "07-83", NULL);
	assert_non_null(result_for(res, fx->obs, 1));
	json_decref(res);
	res = search(NULL, "Lot No 12-81-071", NULL);
	assert_non_null(result_for(res, fx->lot, 0));
	json_decref(res);
	/* an unreadable character, a lost tail */
	res = search(NULL, "12-81-0?1", NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
	res = search(NULL, "GFL-21*", NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(res, "results"), 0), "reason"), "wildcard");
	json_decref(res);
	/* both marks: a line that has both ranks above one that has one */
	res = search("71 81", "12-81-071", NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
	res = search("539 83", "12-81-071", NULL);
	const json_t *results = json_object_get(res, "results");
	assert_int_equal(json_array_size(results), 3);
	assert_true(json_real_value(json_object_get(json_array_get(results, 0), "score")) == 50.0);
	json_decref(res);
}

static void test_ammunition_calibre_filter(void **state)
{
	(void)state;
	char key[64];
	assert_int_equal(wam_match_calibre_key(key, sizeof key, "7.62x39"), 6);
	assert_string_equal(key, "762X39");
	wam_match_calibre_key(key, sizeof key, "7,62×39mm");
	assert_string_equal(key, "762X39");
	wam_match_calibre_key(key, sizeof key, "7,62х39 мм"); /* Cyrillic х and мм */
	assert_string_equal(key, "762X39");
	wam_match_calibre_key(key, sizeof key, "7.62x54mmR");
	assert_string_equal(key, "762X54R");
	/* the three lines of the cache hold 7.62x39 twice and 5.45x39 once */
	json_t *res = search("5?9 83", NULL, "7.62x39");
	assert_non_null(result_for(res, fx->obs, 1)); /* recorded as 7,62×39 */
	json_decref(res);
	res = search("30 84", NULL, "7.62x39");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	res = search("30 84", NULL, "5,45×39мм");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	json_decref(res);
	res = search("7l 8l", NULL, "9x19");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
}

static void test_ammunition_new_lines_found(void **state)
{
	(void)state;
	json_t *res = search("LVM 90", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	/* a weapon registered holds no ammunition: the lines are kept */
	test_add_item(&fx->r,
	              "{\"category\": \"SA4\", \"make\": \"Izhmash\", \"model\": \"AKM\", \"calibre\": "
	              "\"7.62x39mm\", \"serial\": \"LVM-90\"}",
	              NULL);
	res = search("LVM 90", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	res = search("71 81", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
	char lot[WAM_ID_LEN + 1];
	add_lot(lot, fx->depot, "7.62x54mmR", "LVM 90", "90-113");
	res = search("LVM 9O", NULL, "7.62x54R");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_non_null(result_for(res, lot, 0));
	json_decref(res);
	/* a new observation after a weapon: read again */
	test_add_item(&fx->r, "{\"category\": \"SA1\", \"make\": \"Glock\", \"serial\": \"G-1\"}", NULL);
	char obs[WAM_ID_LEN + 1];
	observation(obs, "2026-05-01",
	            "[{\"kind\":\"ammunition\",\"calibre\":\"7.62x54R\",\"headstamp\":{\"text\":\"LVM 90\"},"
	            "\"quantity\":20}]");
	res = search("LVM 90", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	assert_non_null(result_for(res, obs, 0));
	json_decref(res);
	/* a limit keeps the best */
	wam_ammunition_query q = {.lot = "*1*", .limit = 1};
	ok(wam_match_ammunition(fx->r.db, &res, &q), "limit");
	assert_int_equal(json_array_size(json_object_get(res, "results")), 1);
	assert_true(json_integer_value(json_object_get(res, "total")) >= 3);
	json_decref(res);
}

static void test_ammunition_confined(void **state)
{
	(void)state;
	wam_principal p = {0};
	snprintf(p.kind, sizeof p.kind, "user");
	snprintf(p.id, sizeof p.id, "U1");
	snprintf(p.name, sizeof p.name, "ann");
	snprintf(p.role, sizeof p.role, "admin");
	p.nsites = 1;
	snprintf(p.sites[0], sizeof p.sites[0], "%s", fx->other);
	ok(wam_db_set_principal(fx->r.db, &p), "principal");
	json_t *res = search("71 81", NULL, NULL); /* the lot at the North depot and the observation */
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	res = search("GFL 18", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	json_decref(res);
	ok(wam_db_set_principal(fx->r.db, NULL), "owner");
	res = search("71 81", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
}

static void refused(const char *headstamp, const char *lot, const char *calibre, int limit, const char *field)
{
	wam_ammunition_query q = {.headstamp = headstamp, .lot = lot, .calibre = calibre, .limit = limit};
	json_t *out = (json_t *)1;
	long long before = test_events(&fx->r);
	assert_int_equal(wam_match_ammunition(fx->r.db, &out, &q), WAM_EINVAL);
	assert_null(out);
	assert_string_equal(wam_error_last()->field, field);
	assert_int_equal(test_events(&fx->r), before);
}

static void test_ammunition_refusals(void **state)
{
	(void)state;
	refused(NULL, NULL, NULL, 0, "headstamp");
	refused("", "", "7.62x39", 0, "headstamp");
	refused("--", NULL, NULL, 0, "headstamp");
	refused(NULL, "* ?", NULL, 0, "lot");
	refused("71 81", NULL, "...", 0, "calibre");
	refused("71 81", NULL, NULL, 1001, "limit");
	refused("71 81", NULL, NULL, -1, "limit");
	refused("1234567890123456789012345678901234567890123456789012345678901234567", NULL, NULL, 0, "headstamp");
	refused("71 \xff", NULL, NULL, 0, "headstamp");
}

/* A seizure on `date` in `context` of weapons `weapons` (a JSON list); its
 * id into `rid`, its weapons' ids into `items` (room for 4). */
static void seize(char *rid, char items[][WAM_ID_LEN + 1], const char *date, const char *context, const char *weapons)
{
	char text[2048];
	snprintf(text, sizeof text,
	         "{\"type\": \"seized\", \"date\": \"%s\", \"officer\": \"Sgt. Lamy\", \"context\": \"%s\","
	         " \"site_id\": \"%s\", \"weapons\": %s}",
	         date, context, fx->depot, weapons);
	json_t *in = test_json(text), *out = NULL;
	ok(wam_collection_recovery_add(fx->r.db, &out, in), "recovery");
	snprintf(rid, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	size_t i;
	const json_t *it;
	json_array_foreach(json_object_get(out, "items"), i, it)
	    snprintf(items[i], WAM_ID_LEN + 1, "%s", test_str(it, "id"));
	json_decref(in);
	json_decref(out);
}

static long long at(const json_t *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const json_t *v = o;
	for (char *k = strtok(buf, "/"); k && v; k = strtok(NULL, "/"))
		v = json_object_get(v, k);
	if (!json_is_integer(v))
		fail_msg("no number at %s", path);
	return (long long)json_integer_value(v);
}

static size_t records_of(const char *figure)
{
	wam_sdg_scope all = {.year = 2025};
	json_t *rows = NULL;
	ok(wam_trace_sdg_report_records(fx->r.db, &rows, &all, figure, 0), figure);
	size_t n = json_array_size(rows);
	json_decref(rows);
	return n;
}

/* SDG 16.4.2 counts weapons by how they were made; a part that is not the
 * frame or receiver leaves the weapon counts and is counted as a part; the
 * rounds recovered are counted by context and calibre. The makeup and the
 * recovered ammunition lines are projections other commands fill: here they
 * are written into their tables directly. */
static void test_ammunition_sdg_counts(void **state)
{
	(void)state;
	char cache[WAM_ID_LEN + 1], crime[WAM_ID_LEN + 1], a[4][WAM_ID_LEN + 1], b[4][WAM_ID_LEN + 1], sql[2048];
	const char *gun =
	    "{\"category\": \"SA1\", \"make\": \"Unknown\", \"model\": \"pistol\", \"calibre\": \"9x19mm\"}";
	char three[1024];
	snprintf(three, sizeof three, "[%s, %s, %s]", gun, gun, gun);
	seize(cache, a, "2025-04-02", "cache", three);
	snprintf(three, sizeof three, "[%s, %s]", gun, gun);
	seize(crime, b, "2025-06-10", "crime", three);
	wam_sdg_scope all = {.year = 2025};
	json_t *rep = NULL;
	ok(wam_trace_sdg_report(fx->r.db, &rep, &all), "report before");
	assert_int_equal(at(rep, "counts/recovered"), 5);
	assert_int_equal(at(rep, "by_manufacture/unknown/recovered"), 5);
	assert_int_equal(at(rep, "ammunition/rounds"), 0);
	assert_int_equal(at(rep, "parts/recovered"), 0);
	json_decref(rep);
	/* a printed pistol, a converted alarm pistol, a printed frame (a part
	 * that counts as the weapon), a barrel (a part, no weapon) */
	snprintf(sql, sizeof sql,
	         "INSERT INTO item_makeup(item_id, kind, part_type, manufacture) VALUES"
	         " ('%s', 'weapon', NULL, 'printed'), ('%s', 'weapon', NULL, 'converted'),"
	         " ('%s', 'part', 'frame_receiver', 'printed'), ('%s', 'part', 'barrel', NULL);"
	         "INSERT INTO recovery_ammunition(recovery_id, line, calibre, headstamp_text, quantity) VALUES"
	         " ('%s', 0, '7.62x39mm', '71 81', 1200), ('%s', 1, '7,62×39', '539 83', 440),"
	         " ('%s', 0, '9x19mm', 'GFL 18', 50);",
	         a[0], a[1], a[2], b[0], cache, cache, crime);
	test_exec(fx->r.db->conn, sql);
	ok(wam_trace_sdg_report(fx->r.db, &rep, &all), "report");
	assert_int_equal(at(rep, "counts/recovered"), 4); /* the barrel is no weapon */
	assert_int_equal(at(rep, "indicator/denominator"), 4);
	assert_int_equal(at(rep, "by_manufacture/printed/recovered"), 2);
	assert_int_equal(at(rep, "by_manufacture/converted/recovered"), 1);
	assert_int_equal(at(rep, "by_manufacture/unknown/recovered"), 1);
	assert_int_equal(at(rep, "by_manufacture/craft/recovered"), 0);
	assert_int_equal(at(rep, "by_context/crime"), 1);
	assert_int_equal(at(rep, "ammunition/rounds"), 1690);
	assert_int_equal(at(rep, "ammunition/lines"), 3);
	assert_int_equal(at(rep, "ammunition/by_context/cache"), 1640);
	assert_int_equal(at(rep, "ammunition/by_context/crime"), 50);
	/* two spellings, one calibre, named by the spelling of most lines, then of
	 * most rounds — not the first in byte order */
	assert_int_equal(at(rep, "ammunition/by_calibre/7.62x39mm"), 1640);
	assert_null(json_object_get(json_object_get(json_object_get(rep, "ammunition"), "by_calibre"), "7,62×39"));
	assert_int_equal(at(rep, "ammunition/by_calibre/9x19mm"), 50);
	assert_int_equal(at(rep, "parts/recovered"), 2);
	assert_int_equal(at(rep, "parts/by_type/frame_receiver"), 1);
	assert_int_equal(at(rep, "parts/by_type/barrel"), 1);
	assert_int_equal(at(rep, "parts/by_context/cache"), 1);
	assert_int_equal(at(rep, "parts/by_context/crime"), 1);
	/* the CSV carries them */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ok(wam_trace_sdg_report_csv(rep, f), "csv");
	fclose(f);
	assert_non_null(strstr(text, "\nby_manufacture.printed.recovered,2\n"));
	assert_non_null(strstr(text, "\nammunition.rounds,1690\n"));
	assert_non_null(strstr(text, "\nammunition.by_context.cache,1640\n"));
	assert_non_null(strstr(text, "\nammunition.by_calibre.7.62x39mm,1640\n"));
	assert_non_null(strstr(text, "\nparts.by_type.barrel,1\n"));
	free(text);
	json_decref(rep);
	/* each figure drills down to what it counts */
	assert_int_equal(records_of("by_manufacture.printed"), 2);
	assert_int_equal(records_of("by_manufacture.converted.recovered"), 1);
	assert_int_equal(records_of("by_manufacture.printed.numerator"), 0);
	assert_int_equal(records_of("recovered"), 4);
	assert_int_equal(records_of("ammunition.rounds"), 3);
	assert_int_equal(records_of("ammunition.by_context.cache"), 2);
	assert_int_equal(records_of("ammunition.by_calibre.7.62x39"), 2);
	assert_int_equal(records_of("ammunition.by_context.amnesty"), 0);
	assert_int_equal(records_of("parts.recovered"), 2);
	assert_int_equal(records_of("parts.by_type.frame_receiver"), 1);
	assert_int_equal(records_of("parts.by_context.crime"), 1);
	const char *bad[] = {"by_manufacture.laser",        "by_manufacture.printed.total", "ammunition.bullets",
	                     "ammunition.by_context.space", "parts.by_type.trigger",        "parts.everything"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *rows = NULL;
		assert_int_equal(wam_trace_sdg_report_records(fx->r.db, &rows, &all, bad[i], 0), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "figure");
		assert_null(rows);
	}
}

/* A lot taken in from a recovery's ammunition line is found by the line's
 * factory code (its manufacturer) and says which line its rounds came from:
 * the two results are the same rounds. */
static void test_ammunition_lot_origin(void **state)
{
	(void)state;
	char text[1024];
	snprintf(text, sizeof text,
	         "{\"type\": \"surrendered\", \"date\": \"2024-02-01\", \"officer\": \"Sgt. Lamy\","
	         " \"context\": \"cache\", \"site_id\": \"%s\", \"ammunition\": [{\"calibre\": \"7.62x39mm\","
	         " \"headstamp\": {\"text\": \"188 76\", \"factory\": \"188\", \"year\": 1976},"
	         " \"lot\": \"44-76-188\", \"quantity\": 900}]}",
	         fx->other);
	json_t *in = test_json(text), *out = NULL;
	ok(wam_collection_recovery_add(fx->r.db, &out, in), "recovery");
	char rid[WAM_ID_LEN + 1];
	snprintf(rid, sizeof rid, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = json_pack("{s:i, s:s}", "rounds", 600, "site_id", fx->other);
	ok(wam_collection_ammunition_stock(fx->r.db, &out, rid, 0, in), "stock");
	char lot[WAM_ID_LEN + 1];
	snprintf(lot, sizeof lot, "%s", test_str(json_object_get(out, "lot"), "id"));
	json_decref(in);
	json_decref(out);
	/* the factory code alone finds the line and the lot made from it */
	json_t *res = search("188", NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	const json_t *line = result_for(res, rid, 0), *l = result_for(res, lot, 0);
	assert_non_null(line);
	assert_non_null(l);
	assert_string_equal(test_str(l, "source"), "lot");
	assert_string_equal(test_str(json_object_get(json_object_get(l, "matched"), "headstamp"), "on"),
	                    "headstamp.factory");
	assert_string_equal(test_str(json_object_get(json_object_get(l, "ammunition"), "headstamp"), "factory"), "188");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(l, "ammunition"), "quantity")), 600);
	/* the lot says where its rounds came from; the line is no lot's */
	const json_t *o = json_object_get(l, "origin");
	assert_non_null(o);
	assert_string_equal(test_str(o, "recovery_id"), rid);
	assert_int_equal(json_integer_value(json_object_get(o, "line")), 0);
	assert_null(json_object_get(json_object_get(l, "ammunition"), "origin"));
	assert_null(json_object_get(line, "origin"));
	json_decref(res);
	/* a lot recorded in the depot has no origin */
	res = search("71 81", NULL, NULL);
	assert_non_null(result_for(res, fx->lot, 0));
	assert_null(json_object_get(result_for(res, fx->lot, 0), "origin"));
	json_decref(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ammunition_misread_headstamp_found),
	    cmocka_unit_test(test_ammunition_scripts_found),
	    cmocka_unit_test(test_ammunition_lot_marks),
	    cmocka_unit_test(test_ammunition_calibre_filter),
	    cmocka_unit_test(test_ammunition_refusals),
	    cmocka_unit_test(test_ammunition_confined),
	    cmocka_unit_test(test_ammunition_new_lines_found),
	    cmocka_unit_test(test_ammunition_sdg_counts),
	    cmocka_unit_test(test_ammunition_lot_origin),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
