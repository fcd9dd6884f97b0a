/* unit-events: the event catalogue (src/events.json, the table tools/events.py
 * builds from it). wam_ledger_append refuses, with WAM_EINTERNAL naming the
 * type and the field and appending nothing, an event type the catalogue does
 * not declare and a payload with a field it does not declare, without a
 * required field or with a value of another type; every declared type has a
 * room, fields and a summary; the summary templates render as the histories
 * show them, the three written by hand before byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "ledger/events.h"
#include "ledger/room.h"
#include "wam/auth.h"

/* Appends `type` with the payload `json` to the registry of `state` inside
 * a transaction it then rolls back: the result, and (asserted) no event
 * written even inside the transaction when the catalogue refuses it. */
static int try_append(void **state, const char *type, const char *json)
{
	test_reg *r = *state;
	json_t *p = test_json(json);
	long long before = test_events(r);
	assert_int_equal(wam_db_begin(r->db), 0);
	int rc = wam_ledger_append(r->db, type, "01ARZ3NDEKTSV4RRFFQ69G5FAV", p, NULL);
	if (rc == WAM_EINTERNAL)
		assert_int_equal(test_events(r), before);
	wam_db_rollback(r->db);
	assert_int_equal(test_events(r), before);
	json_decref(p);
	return rc;
}

static void expect_refused(void **state, const char *type, const char *json, const char *field, const char *says)
{
	assert_int_equal(try_append(state, type, json), WAM_EINTERNAL);
	const wam_error *e = wam_error_last();
	assert_string_equal(e->field, field);
	if (!strstr(e->message, says) || (strcmp(field, "type") && !strstr(e->message, type)))
		fail_msg("the message '%s' does not say '%s' about %s", e->message, says, type);
}

static void test_events_undeclared_type_is_refused(void **state)
{
	expect_refused(state, "item.melted", "{}", "type", "'item.melted' is not declared in the event catalogue");
	expect_refused(state, "item", "{}", "type", "'item' is not declared");
	assert_int_equal(wam_error_exit_code(WAM_EINTERNAL), 1);
	assert_int_equal(wam_error_http_status(WAM_EINTERNAL), 500);
}

static void test_events_undeclared_field_is_refused(void **state)
{
	expect_refused(state, "item.status_changed", "{\"from\":\"in_store\",\"to\":\"issued\",\"colour\":\"red\"}",
	               "colour", "field 'colour' is not declared");
	expect_refused(state, "token.revoked", "{\"reason\":\"lost\"}", "reason", "field 'reason' is not declared");
}

static void test_events_missing_required_field_is_refused(void **state)
{
	expect_refused(state, "item.status_changed", "{\"from\":\"in_store\",\"reason\":\"why\"}", "to",
	               "required field 'to' is missing");
	expect_refused(state, "record.read", "{\"fields\":[\"serial\"]}", "via", "required field 'via' is missing");
}

static void test_events_wrong_type_is_refused(void **state)
{
	expect_refused(state, "item.status_changed", "{\"from\":\"in_store\",\"to\":5}", "to",
	               "field 'to' holds a whole number");
	expect_refused(state, "custody.rule_set", "{\"two_person\":\"yes\"}", "two_person",
	               "field 'two_person' holds text");
	expect_refused(state, "lot.issued", "{\"rounds\":1.5,\"document\":\"D\",\"recipient\":\"R\"}", "rounds",
	               "holds a number");
	/* null only where the catalogue says a field may be null */
	expect_refused(state, "item.status_changed", "{\"from\":\"in_store\",\"to\":\"issued\",\"reason\":null}",
	               "reason", "holds null");
	test_reg *r = *state;
	long long before = test_events(r);
	assert_int_equal(wam_db_begin(r->db), 0);
	json_t *p = json_pack("[]");
	assert_int_equal(wam_ledger_append(r->db, "token.revoked", "01ARZ3NDEKTSV4RRFFQ69G5FAV", p, NULL),
	                 WAM_EINTERNAL);
	assert_string_equal(wam_error_last()->field, "payload");
	wam_db_rollback(r->db);
	json_decref(p);
	assert_int_equal(test_events(r), before);
}

static void test_events_fitting_payload_is_appended(void **state)
{
	/* a payload that fits goes on to the projections: this one is refused
	 * there (no such user), after the catalogue let it through */
	assert_int_equal(try_append(state, "user.changed", "{\"disabled\":true}"), WAM_EINTEGRITY);
	/* a whole number fits a field of any number; null fits "string|null" */
	const wam_event_type *site = wam_event_type_find("site.added");
	json_t *p = test_json("{\"name\":\"Depot\",\"kind\":\"depot\",\"lat\":18,\"lon\":-72.5}");
	assert_int_equal(wam_event_type_check(site, p), 0);
	json_decref(p);
	const wam_event_type *moved = wam_event_type_find("location.moved");
	p = test_json("{\"from\":null,\"to\":\"01S\",\"reason\":\"opened\"}");
	assert_int_equal(wam_event_type_check(moved, p), 0);
	json_decref(p);
}

static void test_events_every_type_has_a_room_and_a_summary(void **state)
{
	(void)state;
	assert_true(wam_event_type_count >= 56);
	for (size_t i = 0; i < wam_event_type_count; i++) {
		const wam_event_type *t = &wam_event_types[i];
		bool known = !strcmp(t->room, "ledger"); /* the ledger's own events */
		for (int r = 0; wam_rooms[r]; r++)
			known |= !strcmp(wam_rooms[r]->name, t->room);
		if (!known)
			fail_msg("%s has no room of wam's (%s)", t->type, t->room);
		if (!t->summary || !*t->summary)
			fail_msg("%s has no summary", t->type);
		if (i && strcmp(wam_event_types[i - 1].type, t->type) >= 0)
			fail_msg("the table is not sorted at %s", t->type);
		assert_ptr_equal(wam_event_type_find(t->type), t);
		size_t required = 0;
		for (size_t k = 0; k < t->nfields; k++)
			required += t->fields[k].required;
		assert_int_equal(required, t->nrequired);
	}
	assert_null(wam_event_type_find(NULL));
	assert_null(wam_event_type_find(""));
	assert_null(wam_event_type_find("zzz.unknown"));
	/* the types the hand-written histories knew, and the ones the docs named */
	static const char *const named[] = {
	    "item.registered", "item.status_changed", "location.moved", "user.password_set",
	    "record.read",     "refdata.recorded",    "trace.exported", NULL};
	for (const char *const *n = named; *n; n++)
		assert_non_null(wam_event_type_find(*n));
}

/* The summary of `type` for the payload `json`. */
static void expect_summary(const char *type, const char *json, const char *want)
{
	const wam_event_type *t = wam_event_type_find(type);
	assert_non_null(t);
	json_t *p = test_json(json);
	wam_buf b = {0};
	assert_int_equal(wam_event_summary(&b, t, p), 0);
	assert_string_equal(b.p ? b.p : "", want);
	wam_buf_free(&b);
	json_decref(p);
}

static void test_events_summaries_render_their_templates(void **state)
{
	(void)state;
	/* the three lines histories wrote by hand before, byte for byte */
	expect_summary("item.registered",
	               "{\"category\":\"SA2\",\"make\":\"Kalashnikov\",\"model\":\"AKM\",\"serial\":\"KA-1001\","
	               "\"status\":\"in_store\"}",
	               "registered SA2 Kalashnikov AKM serial KA-1001 as in_store");
	expect_summary("item.registered", "{\"category\":\"PART\",\"status\":\"found\"}",
	               "registered PART (unknown make)  serial (none) as found");
	expect_summary("item.status_changed",
	               "{\"from\":\"in_store\",\"to\":\"stolen\",\"reason\":\"armoury break-in\"}",
	               "status in_store → stolen: armoury break-in");
	expect_summary("item.status_changed", "{\"from\":\"issued\",\"to\":\"in_service\"}",
	               "status issued → in_service");
	expect_summary("location.moved", "{\"from\":null,\"to\":\"01S\",\"reason\":\"first posting\"}",
	               "moved from site (none) to 01S: first posting");
	expect_summary("location.moved", "{\"from\":\"01A\",\"to\":\"01B\",\"reason\":\"r\",\"document\":\"D\"}",
	               "moved from site 01A to 01B: r");
	/* lists, counts, nested fields, yes and no, a fallback holding fields */
	expect_summary("record.read", "{\"fields\":[\"serial\",\"holder\"],\"via\":\"api\"}",
	               "read serial, holder via api");
	expect_summary("check.reads", "{\"method\":\"rfid\",\"reads\":[\"a\",\"b\",\"c\"]}", "3 reads (rfid)");
	expect_summary("task.marked",
	               "{\"task_id\":\"01T\",\"marking\":{\"text\":\"HT-2026-7\",\"location\":\"slide\"}}",
	               "marked HT-2026-7 on slide (task 01T)");
	expect_summary("custody.rule_set", "{\"two_person\":true}", "custody rule set: two-person issue yes");
	expect_summary("custody.issued",
	               "{\"item_id\":\"01I\",\"person\":\"Ann\",\"unit\":\"3rd\",\"expected_return\":\"2027-01-01\","
	               "\"two_person\":false}",
	               "weapon 01I issued to Ann (3rd) until 2027-01-01");
	expect_summary(
	    "hit.found",
	    "{\"item_id\":\"01R\",\"match_id\":\"01M\",\"score\":0.93,\"reason\":\"serial\",\"distance\":1.5,"
	    "\"edits\":[],\"owner_site_id\":null,\"match_status\":\"lost\",\"recovery_id\":null}",
	    "recovered weapon 01R may be registered weapon 01M (score 0.93): serial");
	expect_summary("user.password_set", "{}", "password set");
}

/* A weapon's history shows each event's line from the catalogue. */
static void test_events_history_lines_come_from_the_catalogue(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	test_add_item(r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"GL-1\"}", id);
	json_t *fields = json_pack("[s]", "serial"), *hist = NULL;
	assert_int_equal(wam_auth_log_read(r->db, id, fields, "api"), 0);
	assert_int_equal(wam_registry_item_history(r->db, &hist, id), 0);
	assert_int_equal(json_array_size(hist), 2);
	assert_string_equal(test_str(json_array_get(hist, 0), "summary"),
	                    "registered SA1 Glock 17 serial GL-1 as in_store");
	assert_string_equal(test_str(json_array_get(hist, 1), "summary"), "read serial via api");
	json_decref(hist);
	json_decref(fields);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_events_undeclared_type_is_refused),
	    TEST_IN_HT(test_events_undeclared_field_is_refused),
	    TEST_IN_HT(test_events_missing_required_field_is_refused),
	    TEST_IN_HT(test_events_wrong_type_is_refused),
	    TEST_IN_HT(test_events_fitting_payload_is_appended),
	    cmocka_unit_test(test_events_every_type_has_a_room_and_a_summary),
	    cmocka_unit_test(test_events_summaries_render_their_templates),
	    TEST_IN_HT(test_events_history_lines_come_from_the_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
