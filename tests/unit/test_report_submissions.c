/* unit-report_submissions: a report submitted is computed, signed by the
 * node and recorded in one command; the projection is what replaying the
 * events makes; the document keeps its signature and is never changed by
 * what is recorded later; the comparison with a recomputation finds each
 * row added, removed or changed and the events since the submission about
 * the records behind them; verify finds a document altered after it was
 * signed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "reports/submission.h"
#include "wam/ledger.h"
#include "wam/reports.h"
#include "wam/trace.h"

#define DUMP                                                                                                           \
	"SELECT group_concat(id||'|'||report||'|'||year||'|'||options||'|'||ledger_seq||'|'||ledger_hash||'|'||"       \
	"coalesce(reference,'')||'|'||document||'|'||submitted_by||'|'||submitted_at||'|'||seq, ';')"                  \
	" FROM (SELECT * FROM report_submissions ORDER BY id)"

static int this_year(void)
{
	char today[11];
	wam_date_today(today);
	return (int)strtol(today, NULL, 10);
}

static void add_weapon(test_reg *r, int n, char *id)
{
	char json[200];
	snprintf(json, sizeof json,
	         "{\"category\":\"SA2\",\"make\":\"FN Herstal\",\"model\":\"FAL\",\"serial\":\"SUB-%d\","
	         "\"country\":\"BE\"}",
	         n);
	test_add_item(r, json, id);
}

static json_t *submit(test_reg *r, const char *kind, const char *submission)
{
	wam_report_options o = {.year = this_year()};
	json_t *in = submission ? test_json(submission) : NULL, *out = NULL;
	wam_error_clear();
	int rc = wam_report_submit(r->db, &out, kind, &o, in);
	json_decref(in);
	if (rc)
		fail_msg("wam_report_submit: %s", wam_error_last()->message);
	return out;
}

/* The cell `table`/`key`/`column` of `report`, or NULL. */
static const json_t *cell(const json_t *report, const char *table, const char *key, const char *column)
{
	const json_t *t, *row;
	size_t i, j;
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		if (strcmp(test_str(t, "id"), table))
			continue;
		json_array_foreach(json_object_get(t, "rows"), j,
		                   row) if (!strcmp(test_str(row, "key"),
		                                    key)) return json_object_get(json_object_get(row, "cells"), column);
	}
	return NULL;
}

static void test_submission_signed_recorded_and_replayed(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_weapon(r, 1, id);
	add_weapon(r, 2, id);
	long long before = test_events(r);
	json_t *s = submit(r, "poa", "{\"reference\":\"note verbale 2026/207\",\"notes\":\"sent by the mission\"}");
	assert_string_equal(test_str(s, "report"), "poa");
	assert_int_equal(json_integer_value(json_object_get(s, "year")), this_year());
	assert_string_equal(test_str(s, "reference"), "note verbale 2026/207");
	assert_string_equal(test_str(s, "notes"), "sent by the mission");
	/* computed at the head before its own event, which is the one event more */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "ledger"), "seq")), before);
	assert_int_equal(test_events(r), before + 1);
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE type='report.submitted'"), 1);
	const json_t *doc = json_object_get(s, "document");
	assert_string_equal(test_str(doc, "reference"), "note verbale 2026/207");
	assert_string_equal(test_str(json_object_get(doc, "report"), "report"), "poa");
	/* the two weapons registered this year, as the report counts them */
	assert_int_equal(
	    json_integer_value(cell(json_object_get(doc, "report"), "records", "weapons_registered", "value")), 2);

	/* the signature holds for the node's key, and not once anything changes */
	json_t *node = NULL;
	assert_int_equal(wam_trace_node(r->db, &node), 0);
	assert_int_equal(wam_trace_doc_verify(doc, test_str(node, "public_key")), 0);
	assert_string_equal(test_str(json_object_get(doc, "node"), "public_key"), test_str(node, "public_key"));
	json_t *altered = json_deep_copy(doc);
	json_object_set_new(altered, "reference", json_string("note verbale 2026/208"));
	assert_int_equal(wam_trace_doc_verify(altered, test_str(node, "public_key")), WAM_EINTEGRITY);
	json_decref(altered);
	json_decref(node);

	/* the projection is what the events make */
	test_expect_rebuilt(r, DUMP);
	json_t *again = NULL;
	assert_int_equal(wam_report_submission_get(r->db, &again, test_str(s, "id")), 0);
	assert_true(json_equal(json_object_get(again, "document"), (json_t *)doc));
	json_decref(again);
	json_decref(s);
}

static void test_submission_frozen_and_diff_finds_the_change(void **state)
{
	test_reg *r = *state;
	char first[WAM_ID_LEN + 1], late[WAM_ID_LEN + 1];
	add_weapon(r, 1, first);
	json_t *s = submit(r, "poa", "{\"reference\":\"NV-1\"}");
	json_t *sent = json_deep_copy(json_object_get(s, "document"));
	int64_t at = json_integer_value(json_object_get(json_object_get(s, "ledger"), "seq"));

	/* nothing recorded since: no change, no event */
	json_t *d = NULL;
	assert_int_equal(wam_report_diff(r->db, &d, "poa", this_year(), NULL), 0);
	assert_false(json_is_true(json_object_get(d, "changed")));
	assert_int_equal(json_array_size(json_object_get(d, "changes")), 0);
	assert_int_equal(json_array_size(json_object_get(d, "events")), 0);
	json_decref(d);

	/* a weapon registered after the submission */
	add_weapon(r, 2, late);
	long long late_seq = test_count(r, "SELECT max(seq) FROM events WHERE type='item.registered'");
	assert_true(late_seq > at);

	/* the submission is as it was sent */
	json_t *now = NULL;
	assert_int_equal(wam_report_submission_get(r->db, &now, test_str(s, "id")), 0);
	assert_true(json_equal(json_object_get(now, "document"), sent));
	assert_int_equal(
	    json_integer_value(cell(json_object_get(sent, "report"), "records", "weapons_registered", "value")), 1);
	char *text = json_dumps(sent, 0);
	assert_null(strstr(text, late));
	free(text);
	json_decref(now);

	assert_int_equal(wam_report_diff(r->db, &d, "poa", this_year(), NULL), 0);
	assert_true(json_is_true(json_object_get(d, "changed")));
	assert_string_equal(test_str(json_object_get(d, "submission"), "id"), test_str(s, "id"));
	const json_t *c, *e;
	size_t i;
	bool registered = false, saw_event = false;
	json_array_foreach(json_object_get(d, "changes"), i, c)
	{
		if (!strcmp(test_str(c, "table"), "records") && !strcmp(test_str(c, "key"), "weapons_registered")) {
			assert_string_equal(test_str(c, "change"), "changed");
			assert_string_equal(test_str(c, "column"), "value");
			assert_int_equal(json_integer_value(json_object_get(c, "submitted")), 1);
			assert_int_equal(json_integer_value(json_object_get(c, "now")), 2);
			registered = true;
		}
	}
	assert_true(registered);
	json_array_foreach(json_object_get(d, "events"), i, e)
	{
		assert_true(json_integer_value(json_object_get(e, "seq")) > at);
		if (!strcmp(test_str(e, "subject"), late)) {
			assert_string_equal(test_str(e, "type"), "item.registered");
			assert_int_equal(json_integer_value(json_object_get(e, "seq")), late_seq);
			saw_event = true;
		}
		/* the weapon registered before the submission is behind the row
		 * too, but its event is not since */
		assert_string_not_equal(test_str(e, "subject"), first);
	}
	assert_true(saw_event);
	json_decref(d);

	/* the same by its id */
	assert_int_equal(wam_report_diff(r->db, &d, NULL, 0, test_str(s, "id")), 0);
	assert_true(json_is_true(json_object_get(d, "changed")));
	json_decref(d);

	/* and the ledger, the signatures and the projection verify */
	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(r->db, 0, &v), 0);
	assert_int_equal(v.intact, 1);
	json_decref(sent);
	json_decref(s);
}

static void test_submission_list_newest_first(void **state)
{
	test_reg *r = *state;
	json_t *a = submit(r, "poa", NULL), *b = submit(r, "iafq", "{\"reference\":\"UNODC-1\"}"),
	       *c = submit(r, "poa", "{\"reference\":\"second\"}"), *list = NULL;
	assert_int_equal(wam_report_submission_list(r->db, &list, NULL, 0), 0);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(test_str(json_array_get(list, 0), "id"), test_str(c, "id"));
	assert_string_equal(test_str(json_array_get(list, 2), "id"), test_str(a, "id"));
	assert_null(json_object_get(json_array_get(list, 0), "document"));
	json_decref(list);
	assert_int_equal(wam_report_submission_list(r->db, &list, "poa", this_year()), 0);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	assert_int_equal(wam_report_submission_list(r->db, &list, "iafq", 0), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "reference"), "UNODC-1");
	json_decref(list);
	assert_int_equal(wam_report_submission_list(r->db, &list, "poa", this_year() - 1), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* diff without an id compares the latest */
	json_t *d = NULL;
	assert_int_equal(wam_report_diff(r->db, &d, "poa", this_year(), NULL), 0);
	assert_string_equal(test_str(json_object_get(d, "submission"), "id"), test_str(c, "id"));
	json_decref(d);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void test_submission_refusals_write_nothing(void **state)
{
	test_reg *r = *state;
	wam_report_options o = {.year = this_year()}, bad_year = {.year = 1900};
	json_t *out = NULL, *in;
	long long before = test_events(r);
	assert_int_equal(wam_report_submit(r->db, &out, "nope", &o, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "report");
	assert_int_equal(wam_report_submit(r->db, &out, "poa", &bad_year, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "year");
	in = test_json("{\"reference\":\"x\",\"colour\":\"red\"}");
	assert_int_equal(wam_report_submit(r->db, &out, "poa", &o, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "colour");
	json_decref(in);
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in = json_pack("{ss}", "reference", big);
	assert_int_equal(wam_report_submit(r->db, &out, "poa", &o, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reference");
	json_decref(in);
	in = json_pack("{si}", "notes", 5);
	assert_int_equal(wam_report_submit(r->db, &out, "poa", &o, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "notes");
	json_decref(in);
	assert_null(out);
	test_unchanged(r, before);

	assert_int_equal(wam_report_diff(r->db, &out, "poa", this_year(), NULL), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "submission");
	assert_int_equal(wam_report_submission_get(r->db, &out, "01JZZZZZZZZZZZZZZZZZZZZZZZ"), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "submission");
	assert_int_equal(wam_report_submission_list(r->db, &out, "nope", 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "report");
	/* a submission asked for as another kind's */
	json_t *s = submit(r, "poa", NULL);
	assert_int_equal(wam_report_diff(r->db, &out, "iafq", this_year(), test_str(s, "id")), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "submission");
	assert_null(out);
	json_decref(s);
}

static void test_submission_altered_fails_verify(void **state)
{
	test_reg *r = *state;
	json_t *s = submit(r, "poa", "{\"reference\":\"NV-9\"}");
	char sql[300];
	snprintf(sql, sizeof sql,
	         "UPDATE report_submissions SET document=json_set(document,'$.reference','NV-10') WHERE id='%s'",
	         test_str(s, "id"));
	test_reg_tamper(r, sql);
	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(r->db, 0, &v), 0);
	assert_int_equal(v.intact, 0);
	assert_string_equal(v.problem, "submission_unsigned");
	assert_string_equal(v.record_id, test_str(s, "id"));
	json_decref(s);
}

/* The demo's UN Register return, then a shipment received on one of its
 * import licences: the diff finds the row it adds, and the event that
 * made it; the return as sent holds no trace of it; verify passes. */
static void test_demo_late_shipment_in_the_diff(void **state)
{
	(void)state;
	test_reg r;
	test_reg_create(&r, "HT");
	wam_demo_opts o = {.items = 1500, .seed = 1};
	if (wam_registry_demo(r.db, &o))
		fail_msg("demo: %s", wam_error_last()->message);
	json_t *list = NULL, *sub = NULL, *d = NULL;
	assert_int_equal(wam_report_submission_list(r.db, &list, "unroca", this_year()), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(wam_report_submission_get(r.db, &sub, test_str(json_array_get(list, 0), "id")), 0);
	int64_t at = json_integer_value(json_object_get(json_object_get(sub, "ledger"), "seq"));
	/* the shipment received after the submission, as the ledger has it */
	char *shipment = test_query_text(r.db->conn, "SELECT subject FROM events WHERE type='shipment.received'"
	                                             " ORDER BY seq DESC LIMIT 1");
	long long seq = test_count(&r, "SELECT max(seq) FROM events WHERE type='shipment.received'");
	assert_true(seq > at);
	char *sent = json_dumps(json_object_get(sub, "document"), 0);
	assert_null(strstr(sent, shipment));
	free(sent);

	assert_int_equal(wam_report_diff(r.db, &d, "unroca", this_year(), NULL), 0);
	assert_true(json_is_true(json_object_get(d, "changed")));
	const json_t *changes = json_object_get(d, "changes"), *c = json_array_get(changes, 0), *e;
	assert_int_equal(json_array_size(changes), 1);
	assert_string_equal(test_str(c, "change"), "added");
	assert_string_equal(test_str(c, "table"), "imports_salw");
	char key[64];
	snprintf(key, sizeof key, "%s:1", shipment);
	assert_string_equal(test_str(c, "key"), key);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "now"), "items")), 3);
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(d, "events"), i, e)
	{
		if (!strcmp(test_str(e, "subject"), shipment)) {
			assert_string_equal(test_str(e, "type"), "shipment.received");
			assert_int_equal(json_integer_value(json_object_get(e, "seq")), seq);
			found = true;
		}
	}
	assert_true(found);
	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(r.db, 0, &v), 0);
	assert_int_equal(v.intact, 1);
	free(shipment);
	json_decref(d);
	json_decref(sub);
	json_decref(list);
	test_reg_destroy(&r);
}

/* ---- the comparison, on reports made by hand ---- */

static void test_compare_rows_and_cells(void **state)
{
	(void)state;
	json_t *was = test_json("{\"tables\":["
	                        "{\"id\":\"exports\",\"rows\":["
	                        "{\"key\":\"S1:1\",\"cells\":{\"category\":\"SA1\",\"items\":5,\"partner\":\"JM\"}},"
	                        "{\"key\":\"S2:1\",\"cells\":{\"category\":\"SA2\",\"items\":3}},"
	                        "{\"key\":\"S3:1\",\"cells\":{\"category\":\"II\",\"items\":1,\"comments\":\"old\"}}]},"
	                        "{\"id\":\"gone\",\"rows\":[{\"key\":\"x\",\"cells\":{\"value\":1}}]}]}");
	json_t *now = test_json("{\"tables\":["
	                        "{\"id\":\"exports\",\"rows\":["
	                        "{\"key\":\"S1:1\",\"cells\":{\"category\":\"SA1\",\"items\":7,\"partner\":\"JM\"}},"
	                        "{\"key\":\"S3:1\",\"cells\":{\"category\":\"II\",\"items\":1}},"
	                        "{\"key\":\"S4:2\",\"cells\":{\"category\":\"SA1\",\"items\":2}}]},"
	                        "{\"id\":\"new\",\"rows\":[{\"key\":\"y\",\"cells\":{\"value\":4}}]}]}");
	json_t *changes = json_array();
	assert_int_equal(report_compare(was, now, changes), 0);
	char *got = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
	    got,
	    "["
	    "{\"change\":\"changed\",\"column\":\"items\",\"key\":\"S1:1\",\"now\":7,\"submitted\":5,\"table\":"
	    "\"exports\"},"
	    "{\"change\":\"changed\",\"column\":\"comments\",\"key\":\"S3:1\",\"now\":null,\"submitted\":\"old\","
	    "\"table\":\"exports\"},"
	    "{\"change\":\"added\",\"key\":\"S4:2\",\"now\":{\"category\":\"SA1\",\"items\":2},\"submitted\":null,"
	    "\"table\":\"exports\"},"
	    "{\"change\":\"removed\",\"key\":\"S2:1\",\"now\":null,\"submitted\":{\"category\":\"SA2\",\"items\":3},"
	    "\"table\":\"exports\"},"
	    "{\"change\":\"added\",\"key\":\"y\",\"now\":{\"value\":4},\"submitted\":null,\"table\":\"new\"},"
	    "{\"change\":\"removed\",\"key\":\"x\",\"now\":null,\"submitted\":{\"value\":1},\"table\":\"gone\"}"
	    "]");
	free(got);
	/* the same report twice: nothing */
	json_t *none = json_array();
	assert_int_equal(report_compare(now, now, none), 0);
	assert_int_equal(json_array_size(none), 0);
	json_decref(none);
	json_decref(changes);
	json_decref(was);
	json_decref(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_submission_signed_recorded_and_replayed),
	    TEST_IN_HT(test_submission_frozen_and_diff_finds_the_change),
	    TEST_IN_HT(test_submission_list_newest_first),
	    TEST_IN_HT(test_submission_refusals_write_nothing),
	    TEST_IN_HT(test_submission_altered_fails_verify),
	    cmocka_unit_test(test_demo_late_shipment_in_the_diff),
	    cmocka_unit_test(test_compare_rows_and_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
