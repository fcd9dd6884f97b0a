/* Out of memory: jansson's allocations an operation makes are made to fail
 * in turn (the first, the second, ... the 60th, then a spread up to the last
 * the operation makes), once and from there on, in an import of a CSV file,
 * an import of a registry's JSON document and commands with large payloads.
 * Every time: no crash (run under ASan too), the call succeeds or fails
 * with WAM_ENOMEM, and the registry is unchanged (same head) or changed in
 * full (the very events a run without failures writes: same types,
 * subjects and payloads, ids drawn from a seeded generator), and it
 * verifies after.
 *
 * Each run starts from a copy of one registry prepared once (a site, a
 * weapon, an ammunition lot), so runs do not see each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "util/alloc.h"
#include "wam/collection.h"
#include "wam/stock.h"
#include "wam/trace.h"

typedef struct fixture {
	test_reg tmpl; /* prepared once, closed; each run works on a copy */
	char work[160];
	char room[WAM_ID_LEN + 1], gun[WAM_ID_LEN + 1], lot[WAM_ID_LEN + 1];
} fixture;

static bool failing_every; /* every allocation fails from the one set on */

/* The JSON input of a command: parsed the way a front end does before the
 * call, so not among the allocations made to fail. */
static json_t *input(const char *text)
{
	long pending = wam_alloc_fail_pending();
	wam_alloc_fail_after(0, false);
	json_t *v = test_json(text);
	if (pending)
		wam_alloc_fail_after(pending, failing_every);
	return v;
}

/* One operation under test: its result, and its answer in `*out` (may stay
 * NULL). */
typedef int (*operation)(fixture *f, wam_db *db, json_t **out);

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;
	if (!in || !out)
		fail_msg("cannot copy %s to %s", from, to);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A fresh copy of the prepared registry, opened, with ids drawn from a
 * generator seeded the same for every run. */
static wam_db *open_copy(fixture *f, wam_rng *rng)
{
	char from[200], to[200];
	wam_db *db;
	copy_file(f->tmpl.path, f->work);
	snprintf(from, sizeof from, "%s.key", f->tmpl.path);
	snprintf(to, sizeof to, "%s.key", f->work);
	copy_file(from, to);
	snprintf(to, sizeof to, "%s-wal", f->work);
	unlink(to);
	snprintf(to, sizeof to, "%s-shm", f->work);
	unlink(to);
	if (wam_db_open(&db, f->work, 0))
		fail_msg("open the copy: %s", wam_error_last()->message);
	assert_int_equal(wam_db_set_actor(db, "test:oom"), 0);
	/* the failures of the runs before are this thread's past, not this
	 * handle's: a program opens its handle before its first failure */
	db->json_failures = wam_error_alloc_failures();
	wam_error_clear();
	rng->s = 20261207;
	db->id_rng = rng;
	db->id_clock_ms = 1767225600000ULL;
	return db;
}

static long long events(wam_db *db)
{
	char *s = test_query_text(db->conn, "SELECT count(*) FROM events");
	long long n = strtoll(s, NULL, 10);
	free(s);
	return n;
}

/* What the events after `seq` say: type, subject and payload, one a line
 * (their ids and times differ from run to run). */
static char *events_after(wam_db *db, long long seq)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT group_concat(type||' '||subject||' '||payload, char(10)) FROM"
	         " (SELECT * FROM events WHERE seq > %lld ORDER BY seq)",
	         seq);
	return test_query_text(db->conn, sql);
}

static void expect_verifies(wam_db *db, const char *what, long n, unsigned flags)
{
	wam_verify_report rep;
	wam_error_clear(); /* the next command */
	int rc = wam_ledger_verify(db, flags, &rep);
	if (rc || !rep.intact)
		fail_msg("%s, allocation %ld failed: verify %d: %s %s (%s)", what, n, rc, rep.problem, rep.detail,
		         wam_error_last()->message);
}

/* Runs `op` with allocation `n` failing (and every one after it when
 * `every`); checks what it left. True while `op` reached allocation `n`. */
static bool run_failing(fixture *f, const char *what, operation op, long n, bool every, const char *clean)
{
	wam_rng rng;
	json_t *out = NULL;
	wam_db *db = open_copy(f, &rng);
	long long before = events(db);
	wam_error_clear();
	failing_every = every;
	wam_alloc_fail_after(n, every);
	int rc = op(f, db, &out);
	long pending = wam_alloc_fail_pending();
	wam_alloc_fail_after(0, false);
	json_decref(out);
	if (rc != 0 && rc != WAM_ENOMEM)
		fail_msg("%s, allocation %ld failed%s: %s (%d): %s [%s]", what, n, every ? " and on" : "",
		         wam_error_name(rc), rc, wam_error_last()->message, wam_error_last()->field);
	if (pending > 0 && rc != 0)
		fail_msg("%s: fails with %d allocations to spare: %s", what, (int)pending, wam_error_last()->message);
	long long after = events(db);
	if (rc == 0 && after == before)
		fail_msg("%s, allocation %ld failed%s: succeeded and wrote nothing", what, n, every ? " and on" : "");
	if (after != before) {
		char *written = events_after(db, before);
		if (strcmp(written, clean) != 0)
			fail_msg(
			    "%s, allocation %ld failed%s: a partial write (rc %d): %lld events\n%s\ninstead of\n%s",
			    what, n, every ? " and on" : "", rc, after - before, written, clean);
		free(written);
	}
	/* the whole verify where something was written, and now and then where
	 * nothing was (its projections rolled back with the rest); the chain
	 * and checkpoints otherwise: the replay is most of a run's time */
	expect_verifies(db, what, n, after != before || n % 16 == 1 ? 0 : WAM_VERIFY_CHAIN_ONLY);
	wam_db_close(db);
	return pending == 0;
}

/* The allocations to fail once: each of the first 60 (the input read, the
 * first checks), then a spread (about every 1/16th further on) up to the
 * last the operation makes. */
static long next_n(long n)
{
	return n < 60 ? n + 1 : n + n / 16 + 1;
}

static void check_operation(fixture *f, const char *what, operation op)
{
	static int tests;
	wam_alloc_fail_after(0, false); /* a test that failed before may have left it on */
	snprintf(f->work, sizeof f->work, "%s/run-%d.db", f->tmpl.dir, ++tests); /* none sees another's failure */
	wam_rng rng;
	json_t *out = NULL;
	wam_db *db = open_copy(f, &rng);
	long long before = events(db);
	unsigned long failures = wam_error_alloc_failures();
	int rc = op(f, db, &out);
	if (rc)
		fail_msg("%s: %s [%s]", what, wam_error_last()->message, wam_error_last()->field);
	assert_true(wam_error_alloc_failures() == failures);
	json_decref(out);
	assert_true(events(db) > before);
	char *clean = events_after(db, before);
	wam_db_close(db);

	long runs = 0, last = 0;
	for (long n = 1; run_failing(f, what, op, n, false, clean); n = next_n(n))
		runs++, last = n;
	for (long n = 1; run_failing(f, what, op, n, true, clean); n += 1 + n / 2) /* and from there on */
		runs++;
	assert_true(runs > 2);
	print_message("# %s: %ld runs, failing up to allocation %ld\n", what, runs, last);
	free(clean);
}

/* ---- the operations ---- */

static int import_text(wam_db *db, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "rb");
	wam_import_report rep;
	wam_import_opts o = {0};
	assert_non_null(in);
	int rc = wam_registry_import(db, &rep, in, &o);
	wam_registry_import_report_free(&rep);
	fclose(in);
	return rc;
}

static int import_csv(fixture *f, wam_db *db, json_t **out)
{
	char csv[2048];
	(void)out;
	snprintf(csv, sizeof csv,
	         "category,make,model,calibre,serial,country,year,import_marks,status,site_id,notes,markings\n"
	         "SA4,Norinco,Type 56,7.62x39mm,56-7001,CN,1978,HT:2019;DO,in_store,%s,\"crate 4, row 2\",\n"
	         "SA1,Taurus,PT92,9x19mm,TAU-1188,BR,2004,HT:2011,in_store,%s,,\n"
	         "SA4,Kalashnikov,AKM,7.62x39mm,ХА1234,SUHH,1969,,stolen,,\"break-in\nreport 2026/114\","
	         "\"[{\"\"component\"\":\"\"bolt\"\",\"\"kind\"\":\"\"serial\"\",\"\"text\"\":\"\"ХА 1234\"\"}]\"\n"
	         "SHOTGUN,Mossberg,500,12 gauge,U123456,US,1999,HT,in_store,%s,,\n",
	         f->room, f->room, f->room);
	return import_text(db, csv);
}

static int import_json(fixture *f, wam_db *db, json_t **out)
{
	(void)f;
	(void)out;
	return import_text(
	    db, "{\"format\":\"wam-registry\",\"version\":1,\n"
	        "\"sites\":[{\"id\":\"01HKA1S1TE0000000000000001\",\"name\":\"Les Cayes Post\",\"kind\":\"armoury\","
	        "\"country\":\"HT\",\"lat\":18.19,\"lon\":-73.75,\"parent_id\":null,\"notes\":null}],\n"
	        "\"holders\":[{\"id\":\"01HKA1H01DER00000000000001\",\"type\":\"police\",\"name\":\"PNH Sud\","
	        "\"country\":\"HT\",\"licence\":null,\"address\":null}],\n"
	        "\"items\":[{\"id\":\"01HKA1WEAP0N00000000000001\",\"category\":\"SA4\",\"make\":\"Norinco\","
	        "\"model\":\"Type 56\",\"calibre\":\"7.62x39mm\",\"serial\":\"56-1234567\",\"country\":\"CN\","
	        "\"year\":1978,\"status\":\"in_store\",\"site_id\":\"01HKA1S1TE0000000000000001\","
	        "\"holder_id\":\"01HKA1H01DER00000000000001\",\"notes\":null,\"duplicate_of\":[],"
	        "\"import_marks\":[{\"country\":\"HT\",\"year\":2019}],"
	        "\"markings\":[{\"component\":\"frame_receiver\",\"kind\":\"serial\",\"text\":\"56-1234567\","
	        "\"script\":\"latin\",\"legibility\":\"clear\",\"altered\":false,\"location\":null}]},\n"
	        "{\"id\":\"01HKA1WEAP0N00000000000002\",\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\","
	        "\"calibre\":\"9x19mm\",\"serial\":\"BXR 512\",\"country\":\"AT\",\"year\":2015,\"status\":\"lost\","
	        "\"site_id\":null,\"holder_id\":null,\"notes\":\"reported 2026-01-04\",\"duplicate_of\":[],"
	        "\"import_marks\":[],\"markings\":[]}]}\n");
}

static int call_with(wam_db *db, json_t **out, const char *text,
                     int (*call)(wam_db *db, json_t **out, const json_t *in))
{
	json_t *in = input(text);
	int rc = call(db, out, in);
	json_decref(in);
	return rc;
}

static int add_item(fixture *f, wam_db *db, json_t **out)
{
	char json[1024];
	snprintf(
	    json, sizeof json,
	    "{\"category\": \"SA4\", \"make\": \"Fabrique Nationale\", \"model\": \"FAL 50.00\","
	    " \"calibre\": \"7.62x51mm\", \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978,"
	    " \"import_marks\": [{\"country\": \"HT\", \"year\": 1994}, {\"country\": \"DO\"}],"
	    " \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"1503821\"},"
	    "  {\"component\": \"barrel\", \"kind\": \"serial\", \"text\": \"1503821\", \"legibility\": \"partial\"},"
	    "  {\"component\": \"frame_receiver\", \"kind\": \"manufacturer\", \"text\": \"FN HERSTAL\"}],"
	    " \"site_id\": \"%s\", \"notes\": \"received from the 2nd battalion\"}",
	    f->room);
	json_t *in = input(json);
	int rc = wam_registry_item_add(db, out, in, 0);
	json_decref(in);
	return rc;
}

static int set_status(fixture *f, wam_db *db, json_t **out)
{
	json_t *details = input("{\"reason\": \"armoury break-in, report 2026/114\", \"document\": \"PV-114\"}");
	int rc = wam_registry_item_set_status(db, out, f->gun, "stolen", details);
	json_decref(details);
	return rc;
}

static int lot_issue(fixture *f, wam_db *db, json_t **out)
{
	json_t *issue = input("{\"rounds\": 1200, \"packages\": 2, \"recipient\": \"1st Coy\","
	                      " \"document\": \"IV-2025/311\"}");
	int rc = wam_stock_lot_issue(db, out, f->lot, issue);
	json_decref(issue);
	return rc;
}

static int add_recovery(fixture *f, wam_db *db, json_t **out)
{
	(void)f;
	return call_with(
	    db, out,
	    "{\"type\": \"surrendered\", \"date\": \"2026-03-01\", \"place\": \"Cité Soleil community centre\","
	    " \"lat\": 18.58, \"lon\": -72.33, \"admin_area\": \"Ouest\", \"context\": \"amnesty\","
	    " \"officer\": \"Insp. Joseph\", \"person\": \"Jean-Baptiste Pierre\", \"task_days\": 30,"
	    " \"weapons\": ["
	    "  {\"category\": \"SA4\", \"make\": \"Norinco\", \"model\": \"Type 56\", \"calibre\": \"7.62x39mm\","
	    "   \"serial\": \"5612345\", \"country\": \"CN\","
	    "   \"import_marks\": [{\"country\": \"HT\", \"year\": 2001}]},"
	    "  {\"category\": \"SA1\", \"model\": \"revolver\", \"calibre\": \".38 Special\"}"
	    "]}",
	    wam_collection_recovery_add);
}

static int trace_draft(fixture *f, wam_db *db, json_t **out)
{
	(void)f;
	return call_with(
	    db, out,
	    "{\"reference\": \"PF-2026-0117\","
	    " \"requesting\": {\"state\": \"br\", \"agency\": \"Polícia Federal\","
	    "   \"contact\": {\"name\": \"Delegada Ana Souza\", \"email\": \"ana.souza@pf.gov.br\"}},"
	    " \"requested\": {\"state\": \"BE\", \"via\": \"national contact point\"},"
	    " \"item\": {\"make\": \"FN Herstal\", \"model\": \"FAL\", \"category\": \"sa4\","
	    "   \"calibre\": \"7.62x51mm\","
	    "   \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978,"
	    "   \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"1503821\"},"
	    "    {\"component\": \"frame_receiver\", \"kind\": \"manufacturer\", \"text\": \"FN HERSTAL\"}],"
	    "   \"photos\": [\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"]},"
	    " \"illicit_reason\": \"illicit_national_law\","
	    " \"justification\": \"Possession without licence, Lei 10.826/2003 art. 16\","
	    " \"recovery\": {\"date\": \"2026-02-11\", \"place\": \"Rio de Janeiro\","
	    "   \"circumstances\": \"seized from an armed group\"},"
	    " \"intended_use\": \"criminal investigation IP 0117/2026\", \"urgency\": \"urgent\"}",
	    wam_trace_request_draft);
}

/* ---- the tests ---- */

static void test_oom_import_csv(void **state)
{
	check_operation(*state, "import of a CSV file", import_csv);
}

static void test_oom_import_registry_json(void **state)
{
	check_operation(*state, "import of a registry's JSON", import_json);
}

static void test_oom_item_registered(void **state)
{
	check_operation(*state, "a weapon registered", add_item);
}

static void test_oom_status_changed(void **state)
{
	check_operation(*state, "a status change", set_status);
}

static void test_oom_lot_issued(void **state)
{
	check_operation(*state, "a lot issue", lot_issue);
}

static void test_oom_recovery(void **state)
{
	check_operation(*state, "a recovery", add_recovery);
}

static void test_oom_trace_draft(void **state)
{
	check_operation(*state, "a trace request drafted", trace_draft);
}

/* A failure the commit refuses is not remembered past the transaction: the
 * next command on the same handle succeeds. */
static void test_oom_refusal_does_not_stick(void **state)
{
	fixture *f = *state;
	wam_rng rng;
	json_t *out = NULL;
	snprintf(f->work, sizeof f->work, "%s/refusal.db", f->tmpl.dir);
	wam_db *db = open_copy(f, &rng);
	long long before = events(db);
	wam_alloc_fail_after(3, false);
	int rc = set_status(f, db, &out);
	wam_alloc_fail_after(0, false);
	json_decref(out);
	out = NULL;
	assert_int_equal(rc, WAM_ENOMEM);
	assert_int_equal(events(db), before);
	assert_int_equal(set_status(f, db, &out), 0);
	assert_string_equal(test_str(out, "status"), "stolen");
	json_decref(out);
	assert_int_equal(events(db), before + 2); /* the change and its loss report */
	expect_verifies(db, "a status change after a refused one", 0, 0);
	wam_db_close(db);
}

static void add_site(test_reg *r, char *id, const char *json)
{
	json_t *in = test_json(json), *out = NULL;
	if (wam_registry_site_add(r->db, &out, in))
		fail_msg("site add: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char json[512], depot[WAM_ID_LEN + 1];
	json_t *in, *out = NULL;
	test_reg_create(&f->tmpl, "HT");
	add_site(&f->tmpl, depot, "{\"name\": \"North Depot\", \"kind\": \"depot\", \"lat\": 19.75, \"lon\": -72.2}");
	snprintf(json, sizeof json, "{\"name\": \"Room 12\", \"kind\": \"room\", \"parent_id\": \"%s\"}", depot);
	add_site(&f->tmpl, f->room, json);
	snprintf(json, sizeof json,
	         "{\"category\": \"SA4\", \"make\": \"Norinco\", \"model\": \"Type 56\", \"serial\": \"56-1\", "
	         "\"country\": \"CN\", \"site_id\": \"%s\"}",
	         f->room);
	test_add_item(&f->tmpl, json, f->gun);
	in = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:f, s:s, s:s}", "nomenclature", "Cartridge 7.62x39mm",
	               "lot_number", "L-1", "batch_number", "B12", "rounds", 20000, "packages", 20, "hazard_division",
	               "1.4", "compat_group", "S", "neq_g", 1.5, "site_id", f->room, "expiry", "2027-01-15");
	if (wam_stock_lot_add(f->tmpl.db, &out, in))
		fail_msg("lot add: %s", wam_error_last()->message);
	snprintf(f->lot, sizeof f->lot, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	wam_db_close(f->tmpl.db);
	f->tmpl.db = NULL;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	test_reg_destroy(&f->tmpl);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oom_import_csv),      cmocka_unit_test(test_oom_import_registry_json),
	    cmocka_unit_test(test_oom_item_registered), cmocka_unit_test(test_oom_status_changed),
	    cmocka_unit_test(test_oom_lot_issued),      cmocka_unit_test(test_oom_recovery),
	    cmocka_unit_test(test_oom_trace_draft),     cmocka_unit_test(test_oom_refusal_does_not_stick),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
