/* unit-report_national: the PoA/ITI national report and the UNODC Illicit
 * Arms Flows Questionnaire made from a registry built here — recoveries in
 * two years, a marking task done, losses, trace requests both ways, a stock
 * check with a discrepancy resolved, destruction batches closed and open,
 * holders. Every figure is compared with a count taken independently (raw
 * SQL on the tables, or the rooms' own list calls), the questionnaire's
 * totals with the SDG 16.4.2 report's, every people row's parts with its
 * total; cells drill down to the records behind them; people without a
 * recorded sex or age are counted as not recorded; a year with nothing
 * gives zeros. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/reports.h"
#include "wam/stock.h"
#include "wam/trace.h"

#define PASSWORD "a long enough password"
#define YEAR 2025

typedef struct fx {
	test_reg r;
	int now; /* this year: what events' own times put in a year */
	char depot[WAM_ID_LEN + 1];
	char made_here[WAM_ID_LEN + 1]; /* made in Haiti, registered this year */
	char r1[WAM_ID_LEN + 1], r2[WAM_ID_LEN + 1], r3[WAM_ID_LEN + 1], r4[WAM_ID_LEN + 1];
	char found_weapon[WAM_ID_LEN + 1];
	char civilian[WAM_ID_LEN + 1];
} fx;

static void ok(int rc, const char *what)
{
	if (rc)
		fail_msg("%s: %s (%s)", what, wam_error_last()->message, wam_error_last()->field);
}

static void copy_id(char *to, const json_t *o, const char *key)
{
	snprintf(to, WAM_ID_LEN + 1, "%s", test_str(o, key));
}

static json_t *recovery(fx *f, const char *text, char *id)
{
	json_t *in = test_json(text), *out = NULL;
	ok(wam_collection_recovery_add(f->r.db, &out, in), "recovery");
	json_decref(in);
	if (id)
		copy_id(id, out, "id");
	return out;
}

static void add_user(fx *f, const char *name, const char *role)
{
	json_t *u = json_pack("{s:s, s:s}", "name", name, "role", role);
	ok(wam_auth_user_add(f->r.db, NULL, u, PASSWORD), "user");
	json_decref(u);
}

/* A trace request with what R10 asks, drafted and sent on `sent`, and
 * answered on `answered` (NULL: not answered). */
static void trace_request(fx *f, const char *direction, const char *sent, const char *answered, const char *result)
{
	char text[2048];
	snprintf(
	    text, sizeof text,
	    "{\"direction\": \"%s\", \"reference\": \"REF-%s\","
	    " \"requesting\": {\"state\": \"%s\", \"agency\": \"Police\", \"contact\": {\"name\": \"Officer A\","
	    "   \"email\": \"a@example.org\"}},"
	    " \"requested\": {\"state\": \"%s\"},"
	    " \"item\": {\"make\": \"FN Herstal\", \"model\": \"FAL\", \"category\": \"SA4\","
	    "   \"calibre\": \"7.62x51mm\", \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978,"
	    "   \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"1503821\"},"
	    "     {\"component\": \"frame_receiver\", \"kind\": \"manufacturer\", \"text\": \"FN HERSTAL\"}]},"
	    " \"illicit_reason\": \"illicit_national_law\", \"justification\": \"possession without licence\","
	    " \"recovery\": {\"date\": \"2025-01-02\", \"place\": \"Port-au-Prince\", \"circumstances\": \"seized\"},"
	    " \"intended_use\": \"criminal investigation\"}",
	    direction, sent, !strcmp(direction, "outgoing") ? "HT" : "DO",
	    !strcmp(direction, "outgoing") ? "BE" : "HT");
	json_t *in = test_json(text), *d = NULL, *o = NULL;
	ok(wam_trace_request_draft(f->r.db, &d, in), "draft");
	json_decref(in);
	char id[WAM_ID_LEN + 1];
	copy_id(id, d, "id");
	json_decref(d);
	in = json_pack("{s:s}", "date", sent);
	ok(wam_trace_request_send(f->r.db, &o, id, in), "send");
	json_decref(in);
	json_decref(o);
	if (!answered)
		return;
	in = json_pack("{s:s, s:s, s:s}", "result", result, "date", answered, "confidentiality", "unclassified");
	if (!strcmp(result, "record_found"))
		json_object_set_new(in, "point_of_diversion", json_pack("{s:s}", "category", "state_stocks"));
	ok(wam_trace_request_respond(f->r.db, &o, id, in), "respond");
	json_decref(in);
	json_decref(o);
}

static int confirm_as(fx *f, const char *batch, const char *name)
{
	wam_principal who;
	char actor[128];
	ok(wam_auth_login(f->r.db, &who, name, PASSWORD), "sign in");
	wam_auth_principal_actor(&who, actor, sizeof actor);
	wam_db_set_actor(f->r.db, actor);
	int rc = wam_stock_destruction_confirm(f->r.db, NULL, batch, &who);
	wam_db_set_actor(f->r.db, "test");
	return rc;
}

static void holder(fx *f, const char *type, const char *name, const char *licence, char *id)
{
	json_t *in = json_pack("{s:s, s:s}", "type", type, "name", name), *out = NULL;
	if (licence)
		json_object_set_new(in, "licence", json_string(licence));
	ok(wam_registry_holder_add(f->r.db, &out, in), "holder");
	if (id)
		copy_id(id, out, "id");
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	f->now = tm.tm_year + 1900;
	test_reg_create(&f->r, "HT");
	json_t *o, *in = json_pack("{s:s, s:s}", "name", "Central depot", "kind", "depot");
	ok(wam_registry_site_add(f->r.db, &o, in), "site");
	copy_id(f->depot, o, "id");
	json_decref(o);
	json_decref(in);

	/* registered this year: one made in Haiti, one imported with Haiti's
	 * mark of this year, a barrel (a part, no weapon), two in the depot */
	char text[1024];
	test_add_item(&f->r,
	              "{\"category\": \"SA1\", \"make\": \"Atelier national\", \"serial\": \"HT-0001\","
	              " \"country\": \"HT\", \"year\": 2020}",
	              f->made_here);
	snprintf(text, sizeof text,
	         "{\"category\": \"SA4\", \"make\": \"Norinco\", \"serial\": \"56-2002\", \"country\": \"CN\","
	         " \"import_marks\": [{\"country\": \"HT\", \"year\": %d}]}",
	         f->now);
	test_add_item(&f->r, text, NULL);
	snprintf(text, sizeof text,
	         "{\"category\": \"PART\", \"kind\": \"part\", \"part_type\": \"barrel\", \"serial\": \"B-1\","
	         " \"belongs_to\": \"%s\"}",
	         f->made_here);
	test_add_item(&f->r, text, NULL);
	for (int k = 0; k < 2; k++) {
		snprintf(text, sizeof text,
		         "{\"category\": \"SA1\", \"make\": \"Glock\", \"serial\": \"GD-%d\", \"country\": \"AT\","
		         " \"site_id\": \"%s\"}",
		         k, f->depot);
		test_add_item(&f->r, text, NULL);
	}

	/* recoveries of YEAR: Jean surrenders twice (one person), a seizure
	 * from no one named with ammunition, a find; one of the year before */
	json_decref(recovery(f,
	                     "{\"type\": \"surrendered\", \"date\": \"2025-03-01\", \"context\": \"amnesty\","
	                     " \"officer\": \"Insp. Joseph\", \"person\": \"Jean-Baptiste Pierre\","
	                     " \"weapons\": [{\"category\": \"SA4\", \"make\": \"Norinco\", \"serial\": \"5612345\","
	                     "   \"country\": \"CN\"}, {\"category\": \"SA1\", \"model\": \"revolver\"}]}",
	                     f->r1));
	json_decref(recovery(f,
	                     "{\"type\": \"surrendered\", \"date\": \"2025-06-01\", \"context\": \"amnesty\","
	                     " \"officer\": \"Insp. Joseph\", \"person\": \"Jean-Baptiste Pierre\","
	                     " \"weapons\": [{\"category\": \"SHOTGUN\", \"make\": \"Mossberg\", \"serial\": \"MV1\","
	                     "   \"country\": \"US\"}]}",
	                     f->r2));
	json_t *r3 =
	    recovery(f,
	             "{\"type\": \"seized\", \"date\": \"2025-04-10\", \"context\": \"armed_group\","
	             " \"officer\": \"Sgt. Lamy\", \"weapons\": [{\"category\": \"SA4\", \"make\": \"Kalashnikov\","
	             "   \"country\": \"RU\", \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\","
	             "   \"text\": \"??????\", \"legibility\": \"obliterated\"}]}],"
	             " \"ammunition\": [{\"calibre\": \"7.62x39mm\", \"quantity\": 500},"
	             "   {\"calibre\": \"9x19mm\", \"quantity\": 40}]}",
	             f->r3);
	char task[WAM_ID_LEN + 1];
	copy_id(task, json_array_get(json_object_get(r3, "tasks"), 0), "id");
	json_decref(r3);
	json_t *r4 =
	    recovery(f,
	             "{\"type\": \"found\", \"date\": \"2025-08-15\", \"officer\": \"Sgt. Lamy\","
	             " \"weapons\": [{\"category\": \"SA3\", \"make\": \"Uzi\", \"serial\": \"UZ-9\","
	             "   \"country\": \"IL\"}], \"ammunition\": [{\"calibre\": \"7,62×39\", \"quantity\": 60}]}",
	             f->r4);
	copy_id(f->found_weapon, json_array_get(json_object_get(r4, "items"), 0), "id");
	json_decref(r4);
	json_decref(recovery(f,
	                     "{\"type\": \"seized\", \"date\": \"2024-12-31\", \"context\": \"crime\","
	                     " \"officer\": \"Sgt. Lamy\", \"person\": \"Someone Else\","
	                     " \"weapons\": [{\"category\": \"SA1\", \"make\": \"Taurus\", \"serial\": \"TX1\","
	                     "   \"country\": \"BR\"}]}",
	                     NULL));
	/* the obliterated weapon marked (this year, by the event's time) */
	in = json_pack("{s:s}", "text", "HT-PNH-2025-000017");
	ok(wam_collection_task_mark(f->r.db, &o, task, in), "mark");
	json_decref(in);
	json_decref(o);

	/* losses of YEAR: the Haitian pistol stolen, a civilian's revolver lost */
	snprintf(text, sizeof text,
	         "{\"kind\": \"stolen\", \"date\": \"2025-02-03\", \"circumstances\": \"armoury broken into\","
	         " \"reported_by\": \"Insp. Joseph\", \"item_id\": \"%s\"}",
	         f->made_here);
	in = test_json(text);
	ok(wam_trace_loss_report(f->r.db, &o, in), "stolen");
	json_decref(in);
	json_decref(o);
	in = test_json("{\"kind\": \"lost\", \"date\": \"2025-05-05\", \"circumstances\": \"lost in a move\","
	               " \"reported_by\": \"Insp. Joseph\", \"item\": {\"category\": \"SA1\", \"make\": \"Smith\","
	               " \"serial\": \"SW-77\", \"country\": \"US\"}}");
	ok(wam_trace_loss_report(f->r.db, &o, in), "lost");
	json_decref(in);
	json_decref(o);

	/* trace requests: one sent and answered in 20 days; two received,
	 * answered in 45 and 10 days; one received, not answered */
	trace_request(f, "outgoing", "2025-01-05", "2025-01-25", "record_found");
	trace_request(f, "incoming", "2025-03-01", "2025-04-15", "no_record");
	trace_request(f, "incoming", "2025-05-01", "2025-05-11", "no_record");
	trace_request(f, "incoming", "2025-07-01", NULL, NULL);

	/* a stock check (this year) finds one of the two depot pistols
	 * missing; the registrar finds it */
	add_user(f, "ann", "armourer");
	add_user(f, "bob", "armourer");
	add_user(f, "verifier.one", "armourer");
	add_user(f, "verifier.two", "armourer");
	add_user(f, "rex", "registrar");
	snprintf(text, sizeof text,
	         "{\"site_id\": \"%s\", \"type\": \"FULL_SERIAL\", \"checkers\": [\"ann\", \"bob\"]}", f->depot);
	in = test_json(text);
	ok(wam_stock_check_open(f->r.db, &o, in), "check");
	json_decref(in);
	char check[WAM_ID_LEN + 1];
	copy_id(check, o, "id");
	json_decref(o);
	const char *reads[] = {"GD-0"};
	ok(wam_stock_check_see(f->r.db, NULL, check, "typed", reads, 1), "read");
	ok(wam_stock_check_close(f->r.db, NULL, check), "close check");
	json_t *inv;
	ok(wam_stock_investigation_list(f->r.db, &inv, check, false, NULL, 0), "investigations");
	char inv_id[WAM_ID_LEN + 1];
	copy_id(inv_id, json_array_get(inv, 0), "id");
	json_decref(inv);
	wam_principal rex;
	ok(wam_auth_login(f->r.db, &rex, "rex", PASSWORD), "rex");
	char actor[128];
	wam_auth_principal_actor(&rex, actor, sizeof actor);
	wam_db_set_actor(f->r.db, actor);
	in = json_pack("{s:s, s:s}", "outcome", "found", "where", "cleaning room");
	ok(wam_stock_investigation_resolve(f->r.db, NULL, inv_id, in, &rex), "resolve");
	json_decref(in);
	wam_db_set_actor(f->r.db, "test");

	/* destruction: a batch of YEAR cut the found weapon and 200 recovered
	 * rounds and closed; another, crushing, still open */
	in = json_pack("{s:s, s:s, s:s}", "method", "cut", "site", "Camp Lamentin", "date", "2025-11-20");
	ok(wam_stock_destruction_open(f->r.db, &o, in), "batch");
	json_decref(in);
	char batch[WAM_ID_LEN + 1];
	copy_id(batch, o, "id");
	json_decref(o);
	ok(wam_stock_destruction_add_item(f->r.db, NULL, batch, f->found_weapon), "list weapon");
	ok(wam_stock_destruction_add_recovered(f->r.db, NULL, batch, f->r3, 0, 200), "list rounds");
	ok(wam_stock_destruction_add_person(f->r.db, NULL, batch, "verifier", "verifier.one"), "verifier");
	ok(wam_stock_destruction_add_person(f->r.db, NULL, batch, "verifier", "verifier.two"), "verifier");
	char line_read[64];
	snprintf(line_read, sizeof line_read, "%s/0", f->r3);
	json_t *serials = json_pack("[s, s]", "UZ-9", line_read);
	ok(wam_stock_destruction_verify(f->r.db, NULL, batch, serials), "verify");
	json_decref(serials);
	ok(confirm_as(f, batch, "verifier.one"), "confirm");
	ok(confirm_as(f, batch, "verifier.two"), "confirm");
	ok(wam_stock_destruction_close(f->r.db, NULL, batch, "DC-2025-1"), "close batch");
	in = json_pack("{s:s, s:s, s:s}", "method", "crush", "site", "Camp Lamentin", "date", "2025-12-01");
	ok(wam_stock_destruction_open(f->r.db, &o, in), "batch 2");
	json_decref(in);
	json_decref(o);

	/* holders (this year): a licensed civilian, a civilian, the police */
	holder(f, "civilian", "Marie Claire Dupont", "PA-2025-0042", f->civilian);
	holder(f, "civilian", "Paul Étienne", NULL, NULL);
	holder(f, "police", "PNH Delmas", "STATE-1", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	test_reg_destroy(&f->r);
	free(f);
	return 0;
}

static json_t *report(fx *f, const char *kind, int year)
{
	wam_report_options o = {.year = year};
	json_t *out = NULL;
	ok(wam_report_make(f->r.db, &out, kind, &o), kind);
	return out;
}

static const json_t *table(const json_t *rep, const char *id)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(rep, "tables"), i, t) if (!strcmp(test_str(t, "id"), id)) return t;
	fail_msg("no table %s", id);
	return NULL;
}

static const json_t *row(const json_t *rep, const char *tid, const char *key)
{
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(table(rep, tid), "rows"), i,
	                   r) if (!strcmp(test_str(r, "key"), key)) return r;
	fail_msg("no row %s/%s", tid, key);
	return NULL;
}

static long long cell(const json_t *rep, const char *tid, const char *key, const char *column)
{
	const json_t *v = json_object_get(json_object_get(row(rep, tid, key), "cells"), column);
	if (!json_is_integer(v))
		fail_msg("%s/%s/%s is not a whole number", tid, key, column);
	return json_integer_value(v);
}

static json_t *records(fx *f, const char *kind, int year, const char *rowname)
{
	wam_report_options o = {.year = year};
	json_t *out = NULL;
	ok(wam_report_records(f->r.db, &out, kind, &o, rowname), rowname);
	return out;
}

static long long count_y(fx *f, const char *fmt, int year)
{
	char sql[2048];
	snprintf(sql, sizeof sql, fmt, year, year, year, year);
	return test_count(&f->r, sql);
}

/* Every figure of the poa report, each against a count of its own. */
static void test_poa_figures_from_the_records(void **state)
{
	fx *f = *state;
	json_t *rep = report(f, "poa", YEAR), *now = report(f, "poa", f->now);
	assert_string_equal(test_str(rep, "report"), "poa");
	assert_false(json_is_true(json_object_get(rep, "nil")));
	/* the note saying which date counts, a message with its id */
	json_t *note = json_array_get(json_object_get(rep, "notes"), 0);
	assert_non_null(strstr(test_str(note, "message"), "by their own dates"));
	assert_string_not_equal(test_str(note, "message_id"), "");

	/* marking: registered this year, by the events' times */
	assert_int_equal(cell(now, "marking", "marked_at_manufacture", "value"), 1);
	assert_int_equal(cell(now, "marking", "marked_at_import", "value"),
	                 test_count(&f->r, "SELECT count(DISTINCT item_id) FROM import_marks WHERE country='HT'"));
	assert_int_equal(cell(now, "marking", "marked_after_collection", "value"), 1);
	assert_int_equal(cell(rep, "marking", "marked_after_collection", "value"), f->now == YEAR ? 1 : 0);
	const char *statuses[] = {"adequate", "inadequate", "partial", "obliterated", "altered", "unmarked"};
	long long by_status = 0;
	for (size_t i = 0; i < 6; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM items i WHERE i.marking_status='%s' AND NOT EXISTS (SELECT 1 FROM"
		         " item_makeup m WHERE m.item_id=i.id AND m.kind='part')",
		         statuses[i]);
		assert_int_equal(cell(now, "marking", statuses[i], "value"), test_count(&f->r, sql));
		by_status += cell(now, "marking", statuses[i], "value");
	}
	/* every item was registered this year: the statuses split them all */
	long long weapons =
	    test_count(&f->r, "SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_makeup m"
	                      " WHERE m.item_id=i.id AND m.kind='part')");
	assert_int_equal(by_status, weapons);
	assert_int_equal(cell(now, "records", "weapons_registered", "value"), weapons);
	assert_int_equal(cell(now, "records", "weapons_recorded", "value"), weapons);
	assert_int_equal(cell(now, "records", "parts_registered", "value"), 1);
	if (f->now != YEAR)
		assert_int_equal(cell(rep, "records", "weapons_recorded", "value"), 0);

	/* tracing, by the requests' own dates */
	assert_int_equal(cell(rep, "tracing", "requests_sent", "value"), 1);
	assert_int_equal(cell(rep, "tracing", "requests_received", "value"), 3);
	assert_int_equal(cell(rep, "tracing", "requests_answered", "value"), 2);
	assert_int_equal(cell(rep, "tracing", "answered_within_30_days", "value"), 1);
	const json_t *median =
	    json_object_get(json_object_get(row(rep, "tracing", "median_response_days"), "cells"), "value");
	assert_true(json_is_number(median));
	assert_true(json_number_value(median) == 27.5); /* (10 + 45) / 2 */
	assert_int_equal(cell(rep, "tracing", "replies_received", "value"), 1);
	assert_int_equal(cell(rep, "tracing", "replies_record_found", "value"), 1);
	assert_int_equal(cell(rep, "tracing", "median_reply_days", "value"), 20);
	wam_trace_filter in = {.direction = "incoming"};
	json_t *list;
	ok(wam_trace_request_list(f->r.db, &list, &in), "list");
	assert_int_equal(json_array_size(list), 3);
	json_decref(list);

	/* stock checks, this year */
	assert_int_equal(cell(now, "stockpile", "checks_opened", "value"), 1);
	assert_int_equal(cell(now, "stockpile", "checks_completed", "value"), 1);
	assert_int_equal(cell(now, "stockpile", "discrepancies_found", "value"),
	                 test_count(&f->r, "SELECT count(*) FROM stock_investigations"));
	assert_int_equal(cell(now, "stockpile", "discrepancies_missing", "value"), 1);
	assert_int_equal(cell(now, "stockpile", "discrepancies_resolved", "value"), 1);
	assert_int_equal(cell(now, "stockpile", "resolved_found", "value"), 1);
	assert_int_equal(cell(now, "stockpile", "discrepancies_open_at_year_end", "value"),
	                 test_count(&f->r, "SELECT count(*) FROM stock_investigations WHERE status='open'"));

	/* losses by their dates */
	assert_int_equal(cell(rep, "losses", "stolen", "value"), 1);
	assert_int_equal(cell(rep, "losses", "lost", "value"), 1);
	assert_int_equal(cell(rep, "losses", "still_missing", "value"),
	                 test_count(&f->r, "SELECT count(*) FROM items WHERE status IN ('lost','stolen')"));

	/* surplus and destruction by the batches' dates */
	assert_int_equal(cell(rep, "surplus", "batches_planned", "value"), 2);
	assert_int_equal(cell(rep, "surplus", "batches_open", "value"), 1);
	assert_int_equal(cell(rep, "surplus", "weapons_declared_surplus", "value"), 1);
	assert_int_equal(cell(rep, "surplus", "rounds_declared_surplus", "value"), 200);
	assert_int_equal(cell(rep, "destruction", "CUT", "weapons"), 1);
	assert_int_equal(cell(rep, "destruction", "CUT", "rounds"), 200);
	assert_int_equal(cell(rep, "destruction", "CRUSH", "weapons"), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(table(rep, "destruction"), "totals"), "weapons")),
	    test_count(&f->r, "SELECT count(*) FROM items WHERE status='destroyed'"));

	/* recoveries of YEAR by context: the year before's is not counted */
	assert_int_equal(cell(rep, "recoveries", "amnesty", "surrendered"), 3);
	assert_int_equal(cell(rep, "recoveries", "armed_group", "seized"), 1);
	assert_int_equal(cell(rep, "recoveries", "unknown", "found"), 1);
	assert_int_equal(cell(rep, "recoveries", "crime", "total"), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(table(rep, "recoveries"), "totals"), "total")),
	    count_y(f,
	            "SELECT count(DISTINCT x.item_id) FROM recovery_items x JOIN recoveries r ON"
	            " r.id=x.recovery_id WHERE r.date LIKE '%d-%%'",
	            YEAR));
	/* the figure columns are not summed */
	assert_null(json_object_get(json_object_get(table(rep, "tracing"), "totals"), "value"));
	json_decref(rep);
	json_decref(now);
}

/* A drill-down lists exactly what the figure counts, never a name. */
static void test_poa_records(void **state)
{
	fx *f = *state;
	json_t *rep = report(f, "poa", YEAR), *rows;
	rows = records(f, "poa", YEAR, "tracing/requests_answered");
	assert_int_equal(json_array_size(rows), cell(rep, "tracing", "requests_answered", "value"));
	assert_string_equal(test_str(json_array_get(rows, 0), "kind"), "trace_request");
	json_decref(rows);
	rows = records(f, "poa", YEAR, "recoveries/amnesty/surrendered");
	assert_int_equal(json_array_size(rows), 3);
	assert_string_equal(test_str(json_array_get(rows, 0), "kind"), "weapon");
	json_decref(rows);
	rows = records(f, "poa", YEAR, "destruction/CUT/weapons");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(test_str(json_array_get(rows, 0), "id"), f->found_weapon);
	json_decref(rows);
	rows = records(f, "poa", YEAR, "destruction/CUT");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(test_str(json_array_get(rows, 0), "kind"), "destruction");
	json_decref(rows);
	rows = records(f, "poa", YEAR, "losses/stolen/value");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(test_str(json_array_get(rows, 0), "item_id"), f->made_here);
	json_decref(rows);
	/* a row or cell the report does not have */
	wam_report_options o = {.year = YEAR};
	const char *bad[] = {"tracing/nothing",           "nothing/x",
	                     "destruction/CUT/value",     "people/nobody",
	                     "people/surrendered/nobody", "recoveries/amnesty/sold"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rows = NULL;
		assert_int_equal(wam_report_records(f->r.db, &rows, "poa", &o, bad[i]), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "row");
		assert_null(rows);
	}
	json_decref(rep);
}

/* Each people row's parts sum to its total, in both tables and both
 * reports. */
static void expect_rows_sum(const json_t *rep)
{
	const char *ids[] = {"people", "people_age"};
	for (int k = 0; k < 2; k++) {
		const json_t *t = table(rep, ids[k]), *r, *c;
		size_t i, j;
		json_array_foreach(json_object_get(t, "rows"), i, r)
		{
			long long parts = 0;
			json_array_foreach(json_object_get(t, "columns"), j, c)
			{
				const char *col = test_str(c, "id");
				if (strcmp(col, "total") != 0)
					parts += json_integer_value(json_object_get(json_object_get(r, "cells"), col));
			}
			assert_int_equal(parts,
			                 json_integer_value(json_object_get(json_object_get(r, "cells"), "total")));
		}
	}
}

/* Without a recorded sex or age everyone is not_recorded; a pseudonym is
 * one person; a recovery without one is one person; the police is no
 * person. Then sex and age written into the migration's tables directly
 * (the inputs that record them belong to the collection and registry
 * rooms): the first recorded value of a person counts. */
static void test_people_counted(void **state)
{
	fx *f = *state;
	json_t *rep = report(f, "iafq", YEAR), *now = report(f, "poa", f->now);
	assert_int_equal(cell(rep, "people", "surrendered", "total"), 1); /* Jean, twice */
	assert_int_equal(cell(rep, "people", "surrendered", "not_recorded"), 1);
	assert_int_equal(cell(rep, "people", "seized_from", "total"), 1); /* no pseudonym: one person */
	assert_int_equal(cell(rep, "people_age", "seized_from", "not_recorded"), 1);
	assert_int_equal(cell(now, "people", "holders", "total"), 2);         /* two civilians */
	assert_int_equal(cell(now, "people", "licence_holders", "total"), 1); /* one with a licence */
	if (f->now != YEAR)
		assert_int_equal(cell(rep, "people", "holders", "total"), 0); /* not yet recorded in YEAR */
	expect_rows_sum(rep);
	expect_rows_sum(now);
	json_decref(rep);
	json_decref(now);

	/* test only: rows of migrations 14 and 15 written straight into this
	 * scratch registry's tables, as the recovery and holder inputs that
	 * carry sex and age will write them */
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO recovery_details(recovery_id, legal_justification, sex, age_band, last_seq)"
	         " VALUES('%s', 'voluntary_surrender', 'female', 'not_recorded', 1),"
	         " ('%s', NULL, 'male', '25_34', 1);"
	         "INSERT INTO holder_people(holder_id, sex, age_band, last_seq) VALUES('%s', 'male', '35_59', 1);",
	         f->r2, f->r3, f->civilian);
	test_reg_tamper(&f->r, sql);
	rep = report(f, "iafq", YEAR);
	now = report(f, "poa", f->now);
	assert_int_equal(cell(rep, "people", "surrendered", "female"), 1); /* recorded on the second surrender */
	assert_int_equal(cell(rep, "people", "surrendered", "not_recorded"), 0);
	assert_int_equal(cell(rep, "people_age", "surrendered", "not_recorded"), 1);
	assert_int_equal(cell(rep, "people", "seized_from", "male"), 1);
	assert_int_equal(cell(rep, "people_age", "seized_from", "25_34"), 1);
	assert_int_equal(cell(now, "people", "licence_holders", "male"), 1);
	assert_int_equal(cell(now, "people_age", "holders", "35_59"), 1);
	assert_int_equal(cell(now, "people_age", "holders", "not_recorded"), 1);
	expect_rows_sum(rep);
	expect_rows_sum(now);
	/* the justification of the second surrender's shotgun */
	assert_int_equal(cell(rep, "weapons_by_justification", "voluntary_surrender", "surrendered"), 1);
	assert_int_equal(cell(rep, "weapons_by_justification", "not_recorded", "total"),
	                 cell(rep, "tracing", "recovered", "weapons") - 1);
	/* the cell drills down to both of Jean's recoveries, with no name */
	json_t *rows = records(f, "iafq", YEAR, "people/surrendered/female");
	assert_int_equal(json_array_size(rows), 2);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		assert_string_equal(test_str(r, "kind"), "recovery");
		assert_string_equal(test_str(r, "sex"), "female");
		assert_null(json_object_get(r, "name"));
		assert_null(json_object_get(r, "person"));
	}
	json_decref(rows);
	rows = records(f, "poa", f->now, "people/licence_holders");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(test_str(json_array_get(rows, 0), "id"), f->civilian);
	assert_null(json_object_get(json_array_get(rows, 0), "name"));
	json_decref(rows);
	json_decref(rep);
	json_decref(now);
}

static long long sdg_n(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	return json_integer_value(v);
}

/* The questionnaire's totals are the SDG report's; its splits sum to them. */
static void test_iafq_agrees_with_sdg(void **state)
{
	fx *f = *state;
	json_t *rep = report(f, "iafq", YEAR), *sdg = NULL;
	wam_sdg_scope scope = {.year = YEAR};
	ok(wam_trace_sdg_report(f->r.db, &sdg, &scope), "sdg");
	const char *types[] = {"pistol_revolver", "rifle", "shotgun", "smg", "machine_gun", "other"};
	const char *split[] = {"seized", "found", "surrendered"};
	for (size_t i = 0; i < 6; i++) {
		long long total = cell(rep, "weapons_by_type", types[i], "total"), parts = 0;
		assert_int_equal(total, sdg_n(json_object_get(sdg, "by_type"), types[i], "recovered"));
		for (int k = 0; k < 3; k++)
			parts += cell(rep, "weapons_by_type", types[i], split[k]);
		assert_int_equal(parts, total);
	}
	const json_t *totals = json_object_get(table(rep, "weapons_by_type"), "totals");
	for (int k = 0; k < 3; k++)
		assert_int_equal(json_integer_value(json_object_get(totals, split[k])), sdg_n(sdg, "counts", split[k]));
	assert_int_equal(json_integer_value(json_object_get(totals, "total")), sdg_n(sdg, "counts", "recovered"));
	assert_int_equal(json_integer_value(json_object_get(totals, "total")), 5); /* 2 + 1 + 1 + 1 */
	totals = json_object_get(table(rep, "weapons_by_context"), "totals");
	assert_int_equal(json_integer_value(json_object_get(totals, "total")), sdg_n(sdg, "counts", "recovered"));
	assert_int_equal(cell(rep, "weapons_by_context", "amnesty", "total"), sdg_n(sdg, "by_context", "amnesty"));
	assert_int_equal(cell(rep, "weapons_by_context", "unknown", "found"), 1);
	totals = json_object_get(table(rep, "weapons_by_justification"), "totals");
	assert_int_equal(json_integer_value(json_object_get(totals, "total")), sdg_n(sdg, "counts", "recovered"));
	/* nothing recorded a justification: all not_recorded */
	assert_int_equal(cell(rep, "weapons_by_justification", "not_recorded", "total"),
	                 sdg_n(sdg, "counts", "recovered"));
	/* ammunition: one calibre however spelt, its rounds by recovery type */
	const json_t *calibres = json_object_get(json_object_get(sdg, "ammunition"), "by_calibre");
	assert_int_equal(json_array_size(json_object_get(table(rep, "ammunition"), "rows")),
	                 json_object_size(calibres));
	const char *c;
	const json_t *v;
	json_object_foreach((json_t *)calibres, c, v)
	{
		long long total = cell(rep, "ammunition", c, "rounds_total");
		assert_int_equal(total, json_integer_value(v));
		assert_int_equal(cell(rep, "ammunition", c, "rounds_seized") +
		                     cell(rep, "ammunition", c, "rounds_found") +
		                     cell(rep, "ammunition", c, "rounds_surrendered"),
		                 total);
	}
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(table(rep, "ammunition"), "totals"), "rounds_total")),
	    sdg_n(sdg, "ammunition", "rounds"));
	assert_int_equal(sdg_n(sdg, "ammunition", "rounds"), 600);
	/* tracing rows are the SDG counts and results */
	const char *counts[] = {"recovered", "identified", "trace_initiated", "traced_successfully",
	                        "established_otherwise"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(cell(rep, "tracing", counts[i], "weapons"), sdg_n(sdg, "counts", counts[i]));
	assert_int_equal(cell(rep, "tracing", "not_established", "weapons"),
	                 sdg_n(sdg, "by_result", "not_established"));
	/* parts: none recovered in YEAR (the barrel was registered, not recovered) */
	totals = json_object_get(table(rep, "parts"), "totals");
	assert_int_equal(json_integer_value(json_object_get(totals, "total")), sdg_n(sdg, "parts", "recovered"));

	/* drill-down: a total is the SDG figure's records, a split its own */
	json_t *rows = records(f, "iafq", YEAR, "weapons_by_type/rifle"), *sdg_rows = NULL;
	ok(wam_trace_sdg_report_records(f->r.db, &sdg_rows, &scope, "by_type.rifle", 0), "sdg records");
	assert_int_equal(json_array_size(rows), json_array_size(sdg_rows));
	assert_string_equal(test_str(json_array_get(rows, 0), "id"), test_str(json_array_get(sdg_rows, 0), "item_id"));
	json_decref(rows);
	json_decref(sdg_rows);
	rows = records(f, "iafq", YEAR, "weapons_by_type/rifle/surrendered");
	assert_int_equal(json_array_size(rows), cell(rep, "weapons_by_type", "rifle", "surrendered"));
	assert_int_equal(
	    json_array_size(rows),
	    count_y(f,
	            "SELECT count(*) FROM recovery_items x JOIN recoveries r ON r.id=x.recovery_id JOIN items"
	            " i ON i.id=x.item_id WHERE r.type='surrendered' AND i.category IN ('SA2','SA4')"
	            " AND r.date LIKE '%d-%%'",
	            YEAR));
	json_decref(rows);
	rows = records(f, "iafq", YEAR, "ammunition/7.62x39mm/rounds_found");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(test_str(json_array_get(rows, 0), "id"), f->r4);
	json_decref(rows);
	rows = records(f, "iafq", YEAR, "tracing/recovered");
	assert_int_equal(json_array_size(rows), sdg_n(sdg, "counts", "recovered"));
	json_decref(rows);
	json_decref(sdg);
	json_decref(rep);
}

/* A year with nothing: every figure 0 (a median null), a nil report, no
 * error; options the reports do not take are refused. */
static void test_empty_year_and_options(void **state)
{
	fx *f = *state;
	const char *kinds[] = {"poa", "iafq"};
	for (int k = 0; k < 2; k++) {
		json_t *rep = report(f, kinds[k], 1995), *t, *r, *v;
		size_t i, j;
		const char *col;
		assert_true(json_is_true(json_object_get(rep, "nil")));
		json_array_foreach(json_object_get(rep, "tables"), i, t)
		{
			json_array_foreach(json_object_get(t, "rows"), j, r)
			{
				json_object_foreach(json_object_get(r, "cells"), col, v)
				{
					if (json_is_null(v))
						assert_non_null(strstr(test_str(r, "key"), "median"));
					else
						assert_int_equal(json_integer_value(v), 0);
				}
			}
		}
		json_t *rows = records(f, kinds[k], 1995, "people/surrendered/female");
		assert_int_equal(json_array_size(rows), 0);
		json_decref(rows);
		json_decref(rep);
		wam_report_options o = {.year = YEAR, .direction = "exports"};
		json_t *out = NULL;
		assert_int_equal(wam_report_make(f->r.db, &out, kinds[k], &o), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "direction");
		assert_null(out);
	}
	/* the poa rows of an empty year are all there, recoveries by every context */
	json_t *rep = report(f, "poa", 1995);
	assert_int_equal(cell(rep, "recoveries", "unknown", "total"), 0);
	assert_int_equal(cell(rep, "destruction", "DETONATION", "rounds"), 0);
	json_decref(rep);
}

/* A registry made before the tables of migrations 10-15 (read since, never
 * written) reads as recording no sex, age, justification, part or
 * recovered rounds: the reports are made all the same. */
static void test_registry_without_the_later_tables(void **state)
{
	fx *f = *state;
	json_t *before = report(f, "iafq", YEAR);
	test_reg_tamper(&f->r, "DROP TABLE recovery_details; DROP TABLE holder_people; DROP TABLE item_makeup;"
	                       " DROP TABLE loss_ammunition; DROP TABLE destruction_recovered;"
	                       " DROP TABLE recovery_ammunition;");
	assert_false(wam_table_exists(f->r.db, "recovery_details"));
	json_t *rep = report(f, "iafq", YEAR), *poa = report(f, "poa", YEAR), *now = report(f, "poa", f->now);
	assert_int_equal(cell(rep, "people", "surrendered", "not_recorded"), 1);
	assert_int_equal(cell(rep, "weapons_by_justification", "not_recorded", "total"),
	                 cell(before, "tracing", "recovered", "weapons"));
	assert_int_equal(json_array_size(json_object_get(table(rep, "ammunition"), "rows")), 0);
	assert_int_equal(cell(poa, "destruction", "CUT", "rounds"), 0);
	assert_int_equal(cell(poa, "destruction", "CUT", "weapons"), 1);
	/* without makeup the barrel reads as a weapon */
	assert_int_equal(cell(now, "records", "parts_registered", "value"), 0);
	assert_int_equal(cell(now, "people", "holders", "total"), 2);
	expect_rows_sum(rep);
	json_decref(before);
	json_decref(rep);
	json_decref(poa);
	json_decref(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_poa_figures_from_the_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_poa_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_people_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iafq_agrees_with_sdg, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_year_and_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry_without_the_later_tables, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
