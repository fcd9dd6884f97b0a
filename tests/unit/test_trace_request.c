/* unit-trace_request: ITI trace requests as wam_trace_* sees them — a
 * request missing any field R10 or the ITI requires refused on sending with
 * that field named and nothing written, the quality panel's score and its
 * missing, doubtful and recommended lists, a draft completed from the
 * registry's own weapon, the states with their due dates and overdue flags,
 * responses withheld under R11, and a request that travels to a second
 * registry as a signed document, is answered there and comes back, while an
 * altered document, an unknown node and a second import are refused; a
 * peer whose key is revoked, its documents refused from then on, trusted
 * again with a new key but never with the old one. Brazil
 * (BR) asks, Belgium (BE) is asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "helpers.h"
#include "registry/rules.h"
#include "wam/collection.h"
#include "wam/monitoring.h"
#include "wam/trace.h"

/* A request with everything R10 and the ITI ask for, and more. */
static const char *COMPLETE =
    "{\"reference\": \"PF-2026-0117\","
    " \"requesting\": {\"state\": \"br\", \"agency\": \"Polícia Federal\","
    "   \"contact\": {\"name\": \"Delegada Ana Souza\", \"email\": \"ana.souza@pf.gov.br\"}},"
    " \"requested\": {\"state\": \"BE\", \"via\": \"national contact point\"},"
    " \"item\": {\"make\": \"FN Herstal\", \"model\": \"FAL\", \"category\": \"sa4\", \"calibre\": \"7.62x51mm\","
    "   \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978,"
    "   \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"1503821\"},"
    "                 {\"component\": \"frame_receiver\", \"kind\": \"manufacturer\", \"text\": \"FN HERSTAL\"}],"
    "   \"photos\": [\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"]},"
    " \"illicit_reason\": \"illicit_national_law\","
    " \"justification\": \"Possession without licence, Lei 10.826/2003 art. 16\","
    " \"recovery\": {\"date\": \"2026-02-11\", \"place\": \"Rio de Janeiro\", \"circumstances\": \"seized from an "
    "armed group\"},"
    " \"intended_use\": \"criminal investigation IP 0117/2026\","
    " \"confidentiality\": \"restricted\", \"urgency\": \"urgent\"}";

static int setup(void **state)
{
	test_reg *r = calloc(2, sizeof *r);
	test_reg_create(&r[0], "BR");
	test_reg_create(&r[1], "BE");
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	test_reg *r = *state;
	test_reg_destroy(&r[0]);
	test_reg_destroy(&r[1]);
	free(r);
	return 0;
}

static json_t *draft(test_reg *r, const json_t *in)
{
	json_t *out = NULL;
	if (wam_trace_request_draft(r->db, &out, in))
		fail_msg("draft failed: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	return out;
}

static json_t *draft_text(test_reg *r, const char *text)
{
	json_t *in = test_json(text), *out = draft(r, in);
	json_decref(in);
	return out;
}

static void must(int rc)
{
	if (rc)
		fail_msg("call failed: %s: %s (%s)", wam_error_name(rc), wam_error_last()->message,
		         wam_error_last()->field);
}

/* Removes "a.b" from `o`. */
static void del_path(json_t *o, const char *path)
{
	char head[64];
	const char *dot = strchr(path, '.');
	if (!dot) {
		json_object_del(o, path);
		return;
	}
	snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
	del_path(json_object_get(o, head), dot + 1);
}

/* The tables of this room, as one text to compare before and after a
 * rebuild. */
static void expect_intact_and_rebuild(test_reg *r)
{
	test_expect_rebuilt(
	    r,
	    "SELECT group_concat(x, '|') FROM (SELECT id||direction||state||body||created||coalesce(sent,'')"
	    "||coalesce(ack_due,'')||coalesce(reply_due,'')||coalesce(acknowledged,'')||coalesce(answered,'')"
	    "||coalesce(closed,'')||coalesce(remote_node,'')||coalesce(remote_id,'')||last_seq AS x FROM trace_requests"
	    " UNION ALL SELECT request_id||n||result||date||confidentiality||coalesce(point_category,'')||body"
	    "||coalesce(remote_node,'')||seq FROM trace_responses"
	    " UNION ALL SELECT node_id||name||country||public_key||seq||coalesce(revoked_seq,'')"
	    "||coalesce(revoked_at,'')||coalesce(revoked_reason,'') FROM peers ORDER BY 1)");
}

/* Each field R10 or the ITI requires, as the error names it, and what to
 * take out of a complete request to lose it (two for the either-or ones). */
static const struct {
	const char *field, *remove, *also;
} REQUIRED[] = {
    {"item.make", "item.make", "item.country"},
    {"item.serial", "item.serial", NULL},
    {"item.category", "item.category", NULL},
    {"item.calibre", "item.calibre", NULL},
    {"illicit_reason", "illicit_reason", NULL},
    {"justification", "justification", NULL},
    {"intended_use", "intended_use", NULL},
    {"requesting.state", "requesting.state", NULL},
    {"requesting.contact.name", "requesting.contact.name", NULL},
    {"requested.state", "requested.state", NULL},
};

static void test_send_refuses_each_missing_field(void **state)
{
	test_reg *r = *state;
	for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
		json_t *in = test_json(COMPLETE);
		del_path(in, REQUIRED[i].remove);
		if (REQUIRED[i].also)
			del_path(in, REQUIRED[i].also);
		json_t *d = draft(r, in);
		/* the quality panel says so while drafting */
		json_t *q = json_object_get(d, "quality");
		assert_false(json_is_true(json_object_get(q, "sendable")));
		assert_int_equal(json_array_size(json_object_get(q, "missing")), 1);
		assert_string_equal(test_str(json_array_get(json_object_get(q, "missing"), 0), "field"),
		                    REQUIRED[i].field);
		long long before = test_events(r);
		json_t *out = NULL;
		wam_error_clear();
		assert_int_equal(wam_trace_request_send(r->db, &out, test_str(d, "id"), NULL), WAM_EINVAL);
		assert_null(out);
		assert_string_equal(wam_error_last()->field, REQUIRED[i].field);
		assert_non_null(strstr(wam_error_last()->message, REQUIRED[i].field));
		assert_int_equal(test_events(r), before);
		json_t *again;
		must(wam_trace_request_get(r->db, &again, test_str(d, "id"), 0));
		assert_string_equal(test_str(again, "state"), "draft");
		assert_true(json_is_null(json_object_get(again, "sent")));
		json_decref(again);
		json_decref(d);
		json_decref(in);
	}
	/* the make alone, or the country alone, is enough; so is a reason for no serial */
	json_t *in = test_json(COMPLETE);
	del_path(in, "item.make");
	del_path(in, "item.serial");
	json_object_set_new(json_object_get(in, "item"), "serial_reason", json_string("obliterated, not restorable"));
	json_t *d = draft(r, in), *out;
	assert_true(json_is_true(json_object_get(json_object_get(d, "quality"), "sendable")));
	assert_int_equal(wam_trace_request_send(r->db, &out, test_str(d, "id"), NULL), 0);
	assert_string_equal(test_str(out, "state"), "sent");
	json_decref(out);
	json_decref(d);
	json_decref(in);
	/* with several missing, the first is named and the message lists all */
	d = draft_text(r, "{\"requested\": {\"state\": \"BE\"}}");
	assert_int_equal(wam_trace_request_send(r->db, NULL, test_str(d, "id"), NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "item.make");
	assert_non_null(strstr(wam_error_last()->message, "make or country of manufacture"));
	assert_non_null(strstr(wam_error_last()->message, "requesting.contact.name"));
	assert_null(strstr(wam_error_last()->message, "requested.state"));
	json_decref(d);
	expect_intact_and_rebuild(r);
}

static void expect_draft_refused(test_reg *r, const char *text, const char *field)
{
	json_t *in = test_json(text), *out = NULL;
	long long before = test_events(r);
	wam_error_clear();
	assert_int_equal(wam_trace_request_draft(r->db, &out, in), WAM_EINVAL);
	assert_null(out);
	if (strcmp(wam_error_last()->field, field))
		fail_msg("expected field %s, got %s: %s", field, wam_error_last()->field, wam_error_last()->message);
	assert_int_equal(test_events(r), before);
	json_decref(in);
}

static void test_draft_checks_values(void **state)
{
	test_reg *r = *state;
	expect_draft_refused(r, "{\"requested\": {\"state\": \"XQ\"}}", "requested.state");
	expect_draft_refused(r, "{\"requesting\": {\"contact\": {\"nom\": \"x\"}}}", "requesting.contact.nom");
	expect_draft_refused(r,
	                     "{\"item\": {\"markings\": [{\"kind\": \"serial\", \"text\": \"1\"},"
	                     " {\"kind\": \"serial\", \"text\": \"2\"}, {\"kind\": \"serial\", \"text\": 3}]}}",
	                     "item.markings[2].text");
	expect_draft_refused(r, "{\"item\": {\"markings\": [{\"kind\": \"logo\", \"text\": \"1\"}]}}",
	                     "item.markings[0].kind");
	expect_draft_refused(r, "{\"item\": {\"photos\": [\"abc\"]}}", "item.photos[0]");
	expect_draft_refused(r, "{\"item\": {\"category\": \"SA9\"}}", "item.category");
	expect_draft_refused(r, "{\"item\": {\"year\": 1600}}", "item.year");
	expect_draft_refused(r, "{\"urgency\": \"asap\"}", "urgency");
	expect_draft_refused(r, "{\"illicit_reason\": \"stolen\"}", "illicit_reason");
	expect_draft_refused(r, "{\"recovery\": {\"date\": \"2026-02-30\"}}", "recovery.date");
	expect_draft_refused(r, "{\"item_id\": \"01JZZZZZZZZZZZZZZZZZZZZZZZ\"}", "item_id");
	expect_draft_refused(r, "{\"colour\": \"black\"}", "colour");
	/* missing everything is a draft all the same, with the defaults */
	json_t *d = draft_text(r, "{}");
	assert_string_equal(test_str(d, "state"), "draft");
	assert_string_equal(test_str(d, "direction"), "outgoing");
	assert_string_equal(test_str(d, "confidentiality"), "restricted");
	assert_string_equal(test_str(d, "urgency"), "routine");
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "quality"), "missing")), 10);
	json_decref(d);
	/* vocabularies and codes in their canonical spelling */
	d = draft_text(r, COMPLETE);
	assert_string_equal(test_str(json_object_get(d, "requesting"), "state"), "BR");
	assert_string_equal(test_str(json_object_get(d, "requested"), "via"), "national_contact_point");
	assert_string_equal(test_str(json_object_get(d, "item"), "category"), "SA4");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(d, "item"), "photos"), 0)),
	                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	/* a change merges one level deep and only drafts change */
	json_t *ch = test_json("{\"item\": {\"model\": \"FAL 50.00\"}, \"reference\": null}"), *u;
	assert_int_equal(wam_trace_request_update(r->db, &u, test_str(d, "id"), ch), 0);
	assert_string_equal(test_str(json_object_get(u, "item"), "model"), "FAL 50.00");
	assert_string_equal(test_str(json_object_get(u, "item"), "serial"), "1503821");
	assert_true(json_is_null(json_object_get(u, "reference")));
	json_decref(u);
	assert_int_equal(wam_trace_request_send(r->db, NULL, test_str(d, "id"), NULL), 0);
	assert_int_equal(wam_trace_request_update(r->db, NULL, test_str(d, "id"), ch), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "state");
	json_decref(ch);
	json_decref(d);
	expect_intact_and_rebuild(r);
}

static bool listed(const json_t *list, const char *field)
{
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e) if (!strcmp(test_str(e, "field"), field)) return true;
	return false;
}

static void test_quality_lists_and_score(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json(COMPLETE), *q;
	/* complete and clean: 100, nothing to say */
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, in), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "score")), 100);
	assert_true(json_is_true(json_object_get(q, "sendable")));
	assert_int_equal(json_array_size(json_object_get(q, "missing")), 0);
	assert_int_equal(json_array_size(json_object_get(q, "doubtful")), 0);
	assert_int_equal(json_array_size(json_object_get(q, "recommended")), 0);
	json_decref(q);
	/* a serial read with a '?', a partly legible maker's mark, no photo, no
	 * model, no calibre */
	json_t *item = json_object_get(in, "item");
	json_object_set_new(item, "serial", json_string("150?821"));
	json_object_set_new(json_array_get(json_object_get(item, "markings"), 1), "legibility", json_string("partial"));
	json_object_del(item, "photos");
	json_object_del(item, "model");
	json_object_del(item, "calibre");
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, in), 0);
	json_t *missing = json_object_get(q, "missing"), *doubtful = json_object_get(q, "doubtful"),
	       *rec = json_object_get(q, "recommended");
	assert_false(json_is_true(json_object_get(q, "sendable")));
	assert_int_equal(json_array_size(missing), 1);
	assert_string_equal(test_str(json_array_get(missing, 0), "field"), "item.calibre");
	assert_string_equal(test_str(json_array_get(missing, 0), "rule"), "R10");
	assert_int_equal(json_array_size(doubtful), 3);
	assert_true(listed(doubtful, "item.serial"));
	assert_true(listed(doubtful, "item.markings[1]"));
	assert_true(listed(doubtful, "item.photos"));
	assert_int_equal(json_array_size(rec), 2);
	assert_true(listed(rec, "item.model"));
	assert_true(listed(rec, "item.photos"));
	/* 9 required (63) + 7 of 9 recommended (23.3) - 2 doubts (10) */
	assert_int_equal(json_integer_value(json_object_get(q, "score")), 76);
	/* the same for the stored draft, and shown with it */
	json_t *d = draft(r, in), *q2;
	assert_int_equal(wam_trace_request_quality(r->db, &q2, test_str(d, "id"), NULL), 0);
	assert_true(json_equal(q, q2));
	assert_true(json_equal(q, json_object_get(d, "quality")));
	/* the list shows the score */
	json_t *list;
	assert_int_equal(wam_trace_request_list(r->db, &list, NULL), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "score")), 76);
	assert_string_equal(test_str(json_array_get(list, 0), "serial"), "150?821");
	json_decref(list);
	/* a short serial is doubtful too; a bad value is refused, not scored */
	json_object_set_new(item, "serial", json_string("A12"));
	json_decref(q);
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, in), 0);
	assert_true(listed(json_object_get(q, "doubtful"), "item.serial"));
	json_decref(q);
	/* readable characters are counted as the hit rule counts them: '?', '*',
	 * spaces and separators are not; a serial may be both unreadable and short */
	static const struct {
		const char *serial;
		int doubts;
	} serials[] = {{"1?3", 2},   {"1*", 2},       {" 12 ", 1},      {"1-2-3", 1},
	               {"12-34", 0}, {"?\?-?815", 2}, {"?\?-?8150", 1}, {"AB 12", 0}};
	for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
		json_object_set_new(item, "serial", json_string(serials[i].serial));
		assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, in), 0);
		size_t n = 0, k;
		const json_t *e;
		json_array_foreach(json_object_get(q, "doubtful"), k, e) n +=
		    !strcmp(test_str(e, "field"), "item.serial");
		if (n != (size_t)serials[i].doubts)
			fail_msg("serial '%s': %zu doubts, expected %d", serials[i].serial, n, serials[i].doubts);
		json_decref(q);
	}
	/* an incoming request is complete or not; it is not for sending */
	json_t *incoming = json_deep_copy(in);
	json_object_set_new(json_object_get(incoming, "item"), "serial", json_string("1503821"));
	json_object_set_new(json_object_get(incoming, "item"), "calibre", json_string("7.62x51mm"));
	json_object_set_new(incoming, "direction", json_string("incoming"));
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, incoming), 0);
	assert_true(json_is_true(json_object_get(q, "complete")));
	assert_false(json_is_true(json_object_get(q, "sendable")));
	json_decref(q);
	json_object_set_new(incoming, "direction", json_string("outgoing"));
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, incoming), 0);
	assert_true(json_is_true(json_object_get(q, "complete")));
	assert_true(json_is_true(json_object_get(q, "sendable")));
	json_decref(q);
	json_decref(incoming);
	json_object_set_new(item, "country", json_string("ZZ"));
	assert_int_equal(wam_trace_request_quality(r->db, &q, NULL, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "item.country");
	json_decref(q2);
	json_decref(d);
	json_decref(in);
}

static void test_draft_takes_the_registry_weapon(void **state)
{
	test_reg *r = *state;
	json_t *rec = test_json(
	           "{\"type\": \"seized\", \"date\": \"2026-02-11\", \"place\": \"Complexo da Maré\","
	           " \"context\": \"armed_group\", \"officer\": \"Agente Lima\", \"weapons\": [{\"category\": \"SA4\","
	           " \"make\": \"FN Herstal\", \"model\": \"FAL\", \"calibre\": \"7.62x51mm\", \"serial\": \"1503821\","
	           " \"country\": \"BE\", \"year\": 1978, \"import_marks\": [{\"country\": \"BR\", \"year\": 1980}],"
	           " \"markings\": [{\"component\": \"barrel\", \"kind\": \"proof\", \"text\": \"PV\","
	           " \"legibility\": \"worn\"}]}]}"),
	       *out;
	must(wam_collection_recovery_add(r->db, &out, rec));
	const char *item_id = test_str(json_array_get(json_object_get(out, "items"), 0), "id");
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                    0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	json_t *photo;
	must(wam_collection_recovery_photo_add(r->db, &photo, test_str(out, "id"), png, sizeof png, NULL));
	char text[256];
	snprintf(text, sizeof text, "{\"item_id\": \"%s\", \"item\": {\"model\": \"FAL 50.63\"}}", item_id);
	json_t *d = draft_text(r, text), *item = json_object_get(d, "item"), *recovery = json_object_get(d, "recovery");
	assert_string_equal(test_str(d, "item_id"), item_id);
	assert_string_equal(test_str(item, "model"), "FAL 50.63"); /* what was given stays */
	assert_string_equal(test_str(item, "make"), "FN Herstal");
	assert_string_equal(test_str(item, "serial"), "1503821");
	assert_string_equal(test_str(item, "category"), "SA4");
	assert_string_equal(test_str(item, "country"), "BE");
	assert_string_equal(test_str(item, "import_country"), "BR");
	assert_int_equal(json_integer_value(json_object_get(item, "year")), 1978);
	assert_true(json_array_size(json_object_get(item, "markings")) >= 2);
	assert_int_equal(json_array_size(json_object_get(item, "photos")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(item, "photos"), 0)),
	                    test_str(photo, "hash"));
	assert_string_equal(test_str(recovery, "recovery_id"), test_str(out, "id"));
	assert_string_equal(test_str(recovery, "date"), "2026-02-11");
	assert_string_equal(test_str(recovery, "place"), "Complexo da Maré");
	assert_non_null(strstr(test_str(recovery, "circumstances"), "armed group"));
	/* a change that changes nothing records nothing and returns the draft */
	long long before = test_events(r);
	json_t *ch = test_json("{\"item\": {\"make\": \"FN Herstal\"}, \"urgency\": \"routine\", \"notes\": null}"),
	       *u = NULL;
	must(wam_trace_request_update(r->db, &u, test_str(d, "id"), ch));
	assert_int_equal(test_events(r), before);
	assert_string_equal(test_str(u, "id"), test_str(d, "id"));
	assert_string_equal(test_str(json_object_get(u, "item"), "serial"), "1503821");
	json_decref(u);
	json_decref(ch);
	/* null removes a field, also one taken from the weapon, and stays removed */
	ch = test_json(
	    "{\"item\": {\"serial\": null, \"serial_reason\": \"ground off\"}, \"recovery\": {\"place\": null}}");
	must(wam_trace_request_update(r->db, &u, test_str(d, "id"), ch));
	assert_int_equal(test_events(r), before + 1);
	assert_null(json_object_get(json_object_get(u, "item"), "serial"));
	assert_string_equal(test_str(json_object_get(u, "item"), "serial_reason"), "ground off");
	assert_string_equal(test_str(json_object_get(u, "item"), "make"), "FN Herstal");
	assert_null(json_object_get(json_object_get(u, "recovery"), "place"));
	assert_string_equal(test_str(json_object_get(u, "recovery"), "date"), "2026-02-11");
	json_decref(u);
	json_decref(ch);
	ch = test_json("{\"reference\": \"PF-1\"}");
	must(wam_trace_request_update(r->db, &u, test_str(d, "id"), ch));
	assert_null(json_object_get(json_object_get(u, "item"), "serial"));
	assert_int_equal(test_events(r), before + 2);
	json_decref(u);
	json_decref(ch);
	/* listed by the weapon */
	wam_trace_filter f = {.item_id = item_id};
	json_t *list;
	must(wam_trace_request_list(r->db, &list, &f));
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	json_decref(photo);
	json_decref(d);
	json_decref(out);
	json_decref(rec);
	expect_intact_and_rebuild(r);
}

static json_t *with(const char *text, int (*fn)(wam_db *, json_t **, const char *, const json_t *), test_reg *r,
                    const char *id, int expect)
{
	json_t *in = test_json(text), *out = NULL;
	int rc = fn(r->db, &out, id, in);
	json_decref(in);
	if (rc != expect)
		fail_msg("expected %s, got %s: %s (%s)", wam_error_name(expect), wam_error_name(rc),
		         wam_error_last()->message, wam_error_last()->field);
	return out;
}

static void test_states_and_overdue(void **state)
{
	test_reg *r = *state;
	json_t *d = draft_text(r, COMPLETE), *o;
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_decref(d);
	/* acknowledging or answering a draft is out of order */
	json_decref(with("{}", wam_trace_request_acknowledge, r, id, WAM_ECONFLICT));
	assert_non_null(strstr(wam_error_last()->message, "draft"));
	json_decref(with("{\"result\": \"no_record\"}", wam_trace_request_respond, r, id, WAM_ECONFLICT));
	assert_non_null(
	    strstr(wam_error_last()->message, "only a request that is sent or acknowledged can be answered"));
	json_decref(with("{\"date\": \"2026-02-31\"}", wam_trace_request_send, r, id, WAM_EINVAL));
	/* sent long ago: both dates passed, the reply counts */
	o = with("{\"date\": \"2026-01-05\"}", wam_trace_request_send, r, id, 0);
	assert_string_equal(test_str(o, "sent"), "2026-01-05");
	assert_string_equal(test_str(o, "ack_due"), "2026-01-19");
	assert_string_equal(test_str(o, "reply_due"), "2026-03-06");
	assert_string_equal(test_str(o, "overdue"), "reply");
	json_decref(o);
	json_decref(with("{}", wam_trace_request_send, r, id, WAM_ECONFLICT));
	/* a second request with a long reply target: only the acknowledgement
	 * is late */
	d = draft_text(r, COMPLETE);
	char id2[WAM_ID_LEN + 1];
	snprintf(id2, sizeof id2, "%s", test_str(d, "id"));
	json_decref(d);
	o = with("{\"date\": \"2026-01-05\", \"ack_days\": 3, \"reply_days\": 3650}", wam_trace_request_send, r, id2,
	         0);
	assert_string_equal(test_str(o, "ack_due"), "2026-01-08");
	assert_string_equal(test_str(o, "overdue"), "acknowledgement");
	json_decref(o);
	wam_trace_filter f = {.overdue_only = 1};
	json_t *list;
	must(wam_trace_request_list(r->db, &list, &f));
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	/* acknowledged: nothing is late any more for the second */
	o = with("{\"date\": \"2026-01-20\", \"note\": \"received by the FPS Justice\"}", wam_trace_request_acknowledge,
	         r, id2, 0);
	assert_string_equal(test_str(o, "state"), "acknowledged");
	assert_string_equal(test_str(o, "acknowledged"), "2026-01-20");
	assert_true(json_is_null(json_object_get(o, "overdue")));
	json_decref(o);
	json_decref(with("{}", wam_trace_request_acknowledge, r, id2, WAM_ECONFLICT));
	json_decref(with("{\"result\": \"no_record\", \"date\": \"2025-12-31\"}", wam_trace_request_respond, r, id2,
	                 WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "date");
	/* delayed: a reason is owed, and the wait starts again */
	json_decref(with("{\"result\": \"delayed\"}", wam_trace_request_respond, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "restriction_reason");
	json_decref(with("{\"result\": \"found\"}", wam_trace_request_respond, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "result");
	json_decref(with("{\"result\": \"record_found\", \"point_of_diversion\": {\"category\": \"lost\"}}",
	                 wam_trace_request_respond, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "point_of_diversion.category");
	json_decref(with("{\"result\": \"partial\", \"chain\": [{\"consignee\": \"A\"}, {\"date\": \"1980-01-01\"}]}",
	                 wam_trace_request_respond, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "chain[1].consignee");
	o = with("{\"result\": \"delayed\", \"date\": \"2026-03-01\", \"restriction_reason\": \"archives being moved\","
	         " \"reply_days\": 30}",
	         wam_trace_request_respond, r, id, 0);
	assert_string_equal(test_str(o, "state"), "acknowledged");
	assert_string_equal(test_str(o, "acknowledged"), "2026-03-01");
	assert_string_equal(test_str(o, "reply_due"), "2026-03-31");
	assert_string_equal(test_str(o, "overdue"), "reply");
	json_decref(o);
	/* answered: no longer late; answering again is out of order */
	o = with("{\"result\": \"no_record\", \"date\": \"2026-04-02\", \"confidentiality\": \"unclassified\"}",
	         wam_trace_request_respond, r, id, 0);
	assert_string_equal(test_str(o, "state"), "answered");
	assert_string_equal(test_str(o, "answered"), "2026-04-02");
	assert_true(json_is_null(json_object_get(o, "overdue")));
	assert_int_equal(json_array_size(json_object_get(o, "responses")), 2);
	json_decref(o);
	json_decref(with("{\"result\": \"no_record\"}", wam_trace_request_respond, r, id, WAM_ECONFLICT));
	assert_string_equal(wam_error_last()->field, "state");
	must(wam_trace_request_list(r->db, &list, NULL));
	assert_string_equal(test_str(json_array_get(list, 1), "result"), "no_record");
	json_decref(list);
	/* closing needs a reason; an unanswered one is withdrawn the same way */
	json_decref(with("{}", wam_trace_request_close, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "reason");
	o = with("{\"reason\": \"no record: investigation continues by other means\"}", wam_trace_request_close, r, id,
	         0);
	assert_string_equal(test_str(o, "state"), "closed");
	json_decref(o);
	json_decref(with("{\"reason\": \"again\"}", wam_trace_request_close, r, id, WAM_ECONFLICT));
	assert_non_null(strstr(wam_error_last()->message, "closed"));
	o = with("{\"reason\": \"weapon identified otherwise\"}", wam_trace_request_close, r, id2, 0);
	assert_string_equal(test_str(o, "state"), "closed");
	assert_true(json_is_null(json_object_get(o, "answered")));
	json_decref(o);
	f = (wam_trace_filter){.state = "closed"};
	must(wam_trace_request_list(r->db, &list, &f));
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	f = (wam_trace_filter){.state = "lost"};
	assert_int_equal(wam_trace_request_list(r->db, &list, &f), WAM_EINVAL);
	expect_intact_and_rebuild(r);
}

/* Tomorrow, YYYY-MM-DD (UTC). */
static void tomorrow(char out[11])
{
	time_t t = time(NULL) + 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void expect_after_today(test_reg *r, const char *text,
                               int (*fn)(wam_db *, json_t **, const char *, const json_t *), const char *id,
                               const char *field)
{
	long long before = test_events(r);
	json_decref(with(text, fn, r, id, WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, field);
	assert_non_null(strstr(wam_error_last()->message, "is after today"));
	assert_non_null(strstr(wam_error_last()->message, field));
	assert_int_equal(test_events(r), before);
}

static void test_dates_not_after_today(void **state)
{
	test_reg *r = *state;
	char later[11], text[512];
	tomorrow(later);
	json_t *d = draft_text(r, COMPLETE);
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_decref(d);
	/* sending, acknowledging and answering are recorded once they happened */
	snprintf(text, sizeof text, "{\"date\": \"%s\"}", later);
	expect_after_today(r, text, wam_trace_request_send, id, "date");
	json_decref(with("{}", wam_trace_request_send, r, id, 0));
	expect_after_today(r, text, wam_trace_request_acknowledge, id, "date");
	snprintf(text, sizeof text, "{\"result\": \"no_record\", \"date\": \"%s\"}", later);
	expect_after_today(r, text, wam_trace_request_respond, id, "date");
	snprintf(
	    text, sizeof text,
	    "{\"result\": \"partial\", \"chain\": [{\"consignee\": \"A\"}, {\"consignee\": \"B\", \"date\": \"%s\"}]}",
	    later);
	expect_after_today(r, text, wam_trace_request_respond, id, "chain[1].date");
	snprintf(text, sizeof text, "{\"result\": \"partial\", \"last_holder\": {\"name\": \"A\", \"date\": \"%s\"}}",
	         later);
	expect_after_today(r, text, wam_trace_request_respond, id, "last_holder.date");
	/* today is fine */
	json_t *o = with("{}", wam_trace_request_acknowledge, r, id, 0);
	assert_string_equal(test_str(o, "state"), "acknowledged");
	json_decref(o);
	o = with("{\"result\": \"no_record\"}", wam_trace_request_respond, r, id, 0);
	assert_string_equal(test_str(o, "state"), "answered");
	json_decref(o);
	expect_intact_and_rebuild(r);
}

static void test_confidential_responses_withheld(void **state)
{
	test_reg *r = *state;
	json_t *d = draft_text(r, COMPLETE), *o;
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_decref(d);
	json_decref(with("{}", wam_trace_request_send, r, id, 0));
	/* the request is restricted, so is its response unless it says otherwise */
	o = with(
	    "{\"result\": \"record_found\", \"chain\": [{\"date\": \"1979-03-02\", \"from\": \"FN Herstal\","
	    " \"consignee\": \"Exército Brasileiro\", \"country\": \"BR\", \"licence\": \"BE-EX-79-114\","
	    " \"euc\": \"EUC-BR-79-0031\"}], \"last_holder\": {\"name\": \"Exército Brasileiro\", \"type\": \"state\"},"
	    " \"point_of_diversion\": {\"category\": \"state_stocks\", \"country\": \"BR\"}}",
	    wam_trace_request_respond, r, id, 0);
	json_decref(o);
	json_t *plain;
	must(wam_trace_request_get(r->db, &plain, id, 0));
	json_t *resp = json_array_get(json_object_get(plain, "responses"), 0);
	assert_string_equal(test_str(resp, "result"), "record_found");
	assert_string_equal(test_str(resp, "confidentiality"), "restricted");
	assert_true(json_is_true(json_object_get(resp, "withheld")));
	assert_null(json_object_get(resp, "chain"));
	assert_null(json_object_get(resp, "point_of_diversion"));
	assert_null(json_object_get(resp, "last_holder"));
	assert_string_equal(test_str(resp, "purpose"), "criminal investigation IP 0117/2026");
	json_t *full;
	must(wam_trace_request_get(r->db, &full, id, WAM_TRACE_CONFIDENTIAL));
	resp = json_array_get(json_object_get(full, "responses"), 0);
	assert_false(json_is_true(json_object_get(resp, "withheld")));
	assert_string_equal(test_str(json_array_get(json_object_get(resp, "chain"), 0), "euc"), "EUC-BR-79-0031");
	assert_string_equal(test_str(json_object_get(resp, "point_of_diversion"), "category"), "state_stocks");
	assert_string_equal(test_str(resp, "purpose"), "criminal investigation IP 0117/2026");
	json_decref(plain);
	json_decref(full);
	/* an unclassified response is read in full by anyone */
	d = draft_text(r, COMPLETE);
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_decref(d);
	json_decref(with("{}", wam_trace_request_send, r, id, 0));
	json_decref(
	    with("{\"result\": \"no_record\", \"confidentiality\": \"unclassified\", \"notes\": \"never made\"}",
	         wam_trace_request_respond, r, id, 0));
	must(wam_trace_request_get(r->db, &plain, id, 0));
	resp = json_array_get(json_object_get(plain, "responses"), 0);
	assert_false(json_is_true(json_object_get(resp, "withheld")));
	assert_string_equal(test_str(resp, "notes"), "never made");
	/* the point category is recorded for the indicator; none when no point */
	assert_int_equal(test_count(r, "SELECT count(*) FROM trace_responses WHERE point_category='state_stocks'"), 1);
	assert_int_equal(test_count(r, "SELECT count(*) FROM trace_responses WHERE point_category IS NULL"), 1);
	json_decref(plain);
	expect_intact_and_rebuild(r);
}

static void trust(test_reg *a, test_reg *b)
{
	json_t *node, *out;
	must(wam_trace_node(b->db, &node));
	assert_int_equal(strlen(test_str(node, "public_key")), 64);
	assert_int_equal(wam_trace_peer_add(a->db, &out, node), 0);
	assert_string_equal(test_str(out, "node_id"), test_str(node, "node_id"));
	json_decref(out);
	json_decref(node);
}

static void test_exchange_between_registries(void **state)
{
	test_reg *r = *state, *br = &r[0], *be = &r[1];
	trust(br, be);
	trust(be, br);
	json_t *peers;
	must(wam_trace_peer_list(br->db, &peers));
	assert_int_equal(json_array_size(peers), 1);
	assert_string_equal(test_str(json_array_get(peers, 0), "country"), "BE");
	json_decref(peers);
	/* trusting twice, or a bad key, is refused */
	json_t *node;
	must(wam_trace_node(be->db, &node));
	assert_int_equal(wam_trace_peer_add(br->db, NULL, node), WAM_ECONFLICT);
	json_object_set_new(node, "public_key", json_string("abcd"));
	assert_int_equal(wam_trace_peer_add(br->db, NULL, node), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "public_key");
	json_decref(node);
	/* Belgium holds the export record of the weapon */
	{
		/* exported the only way a weapon is: by the final-status path a
		 * confirmed export takes */
		char fal[WAM_ID_LEN + 1];
		test_add_item(be,
		              "{\"category\": \"SA4\", \"make\": \"FN Herstal\", \"model\": \"FAL\", \"calibre\": "
		              "\"7.62x51mm\", \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978}",
		              fal);
		json_t *why = json_pack("{s:s}", "reason", "exported under licence");
		must(wam_registry_item_set_final_status(be->db, NULL, fal, "exported", why));
		json_decref(why);
	}
	/* a draft cannot leave */
	json_t *d = draft_text(br, COMPLETE), *doc;
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_decref(d);
	assert_int_equal(wam_trace_request_export(br->db, &doc, id), WAM_ECONFLICT);
	json_decref(with("{\"date\": \"2026-02-12\"}", wam_trace_request_send, br, id, 0));
	must(wam_trace_request_export(br->db, &doc, id));
	assert_string_equal(test_str(doc, "format"), "wam-trace/1");
	assert_string_equal(test_str(doc, "kind"), "request");
	assert_int_equal(strlen(test_str(doc, "signature")), 128);
	assert_string_equal(test_str(json_object_get(doc, "request"), "id"), id);
	assert_string_equal(test_str(json_object_get(doc, "node"), "country"), "BR");
	/* carried as text, the way a file or the API carries it */
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_t *carried = test_json(text);
	free(text);
	json_decref(doc);

	/* altered on the way: one character of the serial */
	json_t *altered = json_deep_copy(carried);
	json_object_set_new(json_object_get(json_object_get(altered, "request"), "item"), "serial",
	                    json_string("1503827"));
	long long before = test_events(be);
	json_t *in = NULL;
	assert_int_equal(wam_trace_request_import(be->db, &in, altered), WAM_EINTEGRITY);
	assert_string_equal(wam_error_last()->field, "signature");
	assert_null(in);
	assert_int_equal(test_events(be), before);
	json_decref(altered);
	/* from a registry Belgium does not know */
	test_reg other;
	test_reg_create(&other, "FR");
	json_t *od = draft_text(&other, COMPLETE), *odoc;
	json_decref(with("{}", wam_trace_request_send, &other, test_str(od, "id"), 0));
	must(wam_trace_request_export(other.db, &odoc, test_str(od, "id")));
	assert_int_equal(wam_trace_request_import(be->db, NULL, odoc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "node");
	assert_non_null(strstr(wam_error_last()->message, "(wam peer add)"));
	/* nor does a known node id with another key pass */
	json_object_set(json_object_get(odoc, "node"), "node_id",
	                json_object_get(json_object_get(carried, "node"), "node_id"));
	assert_int_equal(wam_trace_request_import(be->db, NULL, odoc), WAM_EFORBIDDEN);
	assert_int_equal(test_events(be), before);
	/* trusted, France still cannot ask in Brazil's name */
	json_decref(odoc);
	trust(be, &other);
	must(wam_trace_request_export(other.db, &odoc, test_str(od, "id")));
	assert_string_equal(test_str(json_object_get(json_object_get(odoc, "request"), "requesting"), "state"), "BR");
	assert_int_equal(wam_trace_request_import(be->db, NULL, odoc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "request.requesting.state");
	assert_int_equal(test_events(be), before + 1); /* the peer trusted, nothing imported */
	json_decref(odoc);
	json_decref(od);
	test_reg_destroy(&other);

	/* the sender's own recovery id stays behind (it names nothing in Belgium) */
	assert_string_equal(test_str(json_object_get(json_object_get(carried, "request"), "recovery"), "date"),
	                    "2026-02-11");
	assert_null(json_object_get(json_object_get(json_object_get(carried, "request"), "recovery"), "recovery_id"));
	/* a request Brazil addresses to France is not Belgium's to import */
	json_t *fr = test_json(COMPLETE), *frdoc;
	json_object_set_new(json_object_get(fr, "requested"), "state", json_string("FR"));
	json_object_set_new(json_object_get(fr, "recovery"), "recovery_id", json_string("01JBR0000000000000000000RC"));
	d = draft(br, fr);
	json_decref(with("{}", wam_trace_request_send, br, test_str(d, "id"), 0));
	must(wam_trace_request_export(br->db, &frdoc, test_str(d, "id")));
	assert_null(json_object_get(json_object_get(json_object_get(frdoc, "request"), "recovery"), "recovery_id"));
	assert_int_equal(wam_trace_request_import(be->db, &in, frdoc), WAM_EFORBIDDEN);
	assert_null(in);
	assert_string_equal(wam_error_last()->field, "request.requested.state");
	assert_non_null(strstr(wam_error_last()->message, "FR"));
	assert_non_null(strstr(wam_error_last()->message, "BE"));
	assert_int_equal(test_events(be), before + 1); /* only France's peer.added */
	json_decref(frdoc);
	json_decref(d);
	json_decref(fr);

	/* intact: an incoming request in Belgium, with its record as a candidate */
	must(wam_trace_request_import(be->db, &in, carried));
	char be_id[WAM_ID_LEN + 1];
	snprintf(be_id, sizeof be_id, "%s", test_str(in, "id"));
	assert_string_equal(test_str(in, "direction"), "incoming");
	assert_string_equal(test_str(in, "state"), "sent");
	assert_string_equal(test_str(in, "sent"), "2026-02-12");
	assert_string_equal(test_str(in, "reference"), "PF-2026-0117");
	assert_string_equal(test_str(json_object_get(in, "item"), "serial"), "1503821");
	assert_string_equal(test_str(json_object_get(in, "remote"), "request_id"), id);
	assert_string_equal(test_str(json_object_get(in, "remote"), "node_id"), br->db->node_id);
	json_t *cands = json_object_get(in, "candidates");
	assert_true(json_array_size(cands) >= 1);
	assert_string_equal(test_str(json_array_get(cands, 0), "serial"), "1503821");
	json_decref(in);
	/* twice is once */
	before = test_events(be);
	assert_int_equal(wam_trace_request_import(be->db, NULL, carried), WAM_ECONFLICT);
	assert_int_equal(test_events(be), before);
	/* an incoming request leaves only as its response */
	assert_int_equal(wam_trace_request_export(be->db, &doc, be_id), WAM_ECONFLICT);
	json_decref(doc);

	/* Belgium acknowledges: the acknowledgement travels back on its own */
	json_decref(with("{\"date\": \"2026-02-20\", \"note\": \"received by the FPS Justice, ref. TR/2026/31\"}",
	                 wam_trace_request_acknowledge, be, be_id, 0));
	json_t *ackdoc;
	must(wam_trace_request_export(be->db, &ackdoc, be_id));
	assert_string_equal(test_str(ackdoc, "kind"), "acknowledgement");
	assert_int_equal(strlen(test_str(ackdoc, "signature")), 128);
	assert_string_equal(test_str(json_object_get(ackdoc, "request"), "id"), id);
	assert_string_equal(test_str(json_object_get(ackdoc, "request"), "reference"), "PF-2026-0117");
	assert_string_equal(test_str(json_object_get(ackdoc, "acknowledgement"), "date"), "2026-02-20");
	assert_string_equal(test_str(json_object_get(ackdoc, "acknowledgement"), "note"),
	                    "received by the FPS Justice, ref. TR/2026/31");
	assert_null(json_object_get(ackdoc, "response"));
	/* altered, it is refused */
	altered = json_deep_copy(ackdoc);
	json_object_set_new(json_object_get(altered, "acknowledgement"), "date", json_string("2026-02-13"));
	assert_int_equal(wam_trace_request_import(br->db, NULL, altered), WAM_EINTEGRITY);
	json_decref(altered);
	before = test_events(br);
	json_t *acked;
	must(wam_trace_request_import(br->db, &acked, ackdoc));
	assert_string_equal(test_str(acked, "id"), id);
	assert_string_equal(test_str(acked, "state"), "acknowledged");
	assert_string_equal(test_str(acked, "acknowledged"), "2026-02-20");
	json_decref(acked);
	assert_int_equal(test_events(br), before + 1);
	assert_int_equal(test_count(br, "SELECT count(*) FROM events WHERE type='trace.acknowledged'"
	                                " AND json_extract(payload, '$.remote_node') IS NOT NULL"),
	                 1);
	/* once is enough: the request is no longer waiting for it */
	assert_int_equal(wam_trace_request_import(br->db, NULL, ackdoc), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "state");
	assert_int_equal(test_events(br), before + 1);
	json_decref(ackdoc);

	/* Belgium answers */
	json_decref(
	    with("{\"result\": \"record_found\", \"date\": \"2026-03-10\", \"chain\": ["
	         " {\"date\": \"1979-03-02\", \"from\": \"FN Herstal\", \"consignee\": \"Exército Brasileiro\","
	         "  \"country\": \"BR\", \"licence\": \"BE-EX-79-114\", \"euc\": \"EUC-BR-79-0031\"}],"
	         " \"last_holder\": {\"name\": \"Exército Brasileiro\", \"type\": \"state\", \"country\": \"BR\"},"
	         " \"point_of_diversion\": {\"category\": \"transfer_export\", \"country\": \"BR\","
	         "  \"description\": \"exported under licence to the Brazilian Army\"}}",
	         wam_trace_request_respond, be, be_id, 0));
	must(wam_trace_request_export(be->db, &doc, be_id));
	assert_string_equal(test_str(doc, "kind"), "response");
	assert_string_equal(test_str(json_object_get(doc, "request"), "id"), id);
	assert_string_equal(test_str(json_object_get(doc, "response"), "confidentiality"), "restricted");

	/* altered response refused; the real one answers the Brazilian request */
	altered = json_deep_copy(doc);
	json_object_set_new(json_object_get(altered, "response"), "result", json_string("no_record"));
	assert_int_equal(wam_trace_request_import(br->db, NULL, altered), WAM_EINTEGRITY);
	assert_string_equal(wam_error_last()->field, "signature");
	json_decref(altered);
	json_t *ans;
	must(wam_trace_request_import(br->db, &ans, doc));
	assert_string_equal(test_str(ans, "id"), id);
	assert_string_equal(test_str(ans, "state"), "answered");
	assert_string_equal(test_str(ans, "answered"), "2026-03-10");
	json_t *resp = json_array_get(json_object_get(ans, "responses"), 0);
	assert_string_equal(test_str(resp, "result"), "record_found");
	assert_string_equal(test_str(resp, "remote_node"), be->db->node_id);
	assert_string_equal(test_str(json_array_get(json_object_get(resp, "chain"), 0), "euc"), "EUC-BR-79-0031");
	assert_string_equal(test_str(json_object_get(resp, "point_of_diversion"), "category"), "transfer_export");
	json_decref(ans);
	assert_int_equal(test_count(br, "SELECT count(*) FROM trace_responses WHERE point_category='transfer_export'"
	                                " AND result='record_found' AND remote_node IS NOT NULL"),
	                 1);
	/* the same response twice conflicts */
	before = test_events(br);
	assert_int_equal(wam_trace_request_import(br->db, NULL, doc), WAM_ECONFLICT);
	assert_int_equal(test_events(br), before);
	/* a document of another format is not read */
	json_object_set_new(doc, "format", json_string("wam-trace/9"));
	assert_int_equal(wam_trace_request_import(br->db, NULL, doc), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "format");
	json_decref(doc);
	json_decref(carried);
	expect_intact_and_rebuild(br);
	expect_intact_and_rebuild(be);
}

/* `doc` signed again, as its node would with secret key `sk` and public key
 * `pk_hex` (a registry that re-keyed): the canonical form as the format
 * defines it, jansson's compact sorted dump. */
static void resign(json_t *doc, const unsigned char *sk, const char *pk_hex)
{
	json_object_set_new(json_object_get(doc, "node"), "public_key", json_string(pk_hex));
	json_object_del(doc, "signature");
	char *canon = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), sk);
	free(canon);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	json_object_set_new(doc, "signature", json_string(hex));
}

/* A sent request of Brazil's, as its signed document. */
static json_t *sent_document(test_reg *br, const char *reference)
{
	json_t *in = test_json(COMPLETE), *doc;
	json_object_set_new(in, "reference", json_string(reference));
	json_t *d = draft(br, in);
	json_decref(with("{\"date\": \"2026-02-12\"}", wam_trace_request_send, br, test_str(d, "id"), 0));
	must(wam_trace_request_export(br->db, &doc, test_str(d, "id")));
	json_decref(d);
	json_decref(in);
	return doc;
}

static void test_peer_revoked(void **state)
{
	test_reg *r = *state, *br = &r[0], *be = &r[1];
	trust(be, br);
	json_t *first = sent_document(br, "PF-2026-0201"), *second = sent_document(br, "PF-2026-0202"), *out = NULL;
	json_t *imported;
	must(wam_trace_request_import(be->db, &imported, first));
	char kept[WAM_ID_LEN + 1];
	snprintf(kept, sizeof kept, "%s", test_str(imported, "id"));
	json_decref(imported);

	/* a revocation says why; nothing else, and only of a peer */
	long long before = test_events(be);
	json_t *none = test_json("{}"), *odd = test_json("{\"reason\": \"x\", \"until\": \"2027-01-01\"}");
	json_t *why = test_json("{\"reason\": \"key compromised: laptop stolen\"}");
	assert_int_equal(wam_trace_peer_revoke(be->db, &out, br->db->node_id, none), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reason");
	assert_null(out);
	assert_int_equal(wam_trace_peer_revoke(be->db, NULL, br->db->node_id, odd), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "until");
	assert_int_equal(wam_trace_peer_revoke(be->db, NULL, be->db->node_id, why), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "node_id");
	assert_int_equal(test_events(be), before);

	must(wam_trace_peer_revoke(be->db, &out, br->db->node_id, why));
	assert_false(json_is_true(json_object_get(out, "active")));
	assert_string_equal(test_str(out, "revoked_reason"), "key compromised: laptop stolen");
	assert_non_null(test_str(out, "revoked_at"));
	json_decref(out);
	assert_int_equal(test_events(be), before + 1);
	assert_int_equal(test_count(be, "SELECT count(*) FROM events WHERE type='peer.revoked'"), 1);
	/* still listed, with when and why */
	json_t *peers;
	must(wam_trace_peer_list(be->db, &peers));
	assert_int_equal(json_array_size(peers), 1);
	json_t *p = json_array_get(peers, 0);
	assert_true(json_is_false(json_object_get(p, "active")));
	assert_string_equal(test_str(p, "revoked_reason"), "key compromised: laptop stolen");
	assert_int_equal(json_integer_value(json_object_get(p, "revoked_seq")), before + 1);
	char revoked_at[64];
	snprintf(revoked_at, sizeof revoked_at, "%s", test_str(p, "revoked_at"));
	json_decref(peers);
	/* once */
	assert_int_equal(wam_trace_peer_revoke(be->db, NULL, br->db->node_id, why), WAM_ECONFLICT);
	assert_int_equal(test_events(be), before + 1);

	/* its documents are refused from now on, saying when and why, and nothing is written */
	before = test_events(be);
	long long requests = test_count(be, "SELECT count(*) FROM trace_requests");
	assert_int_equal(wam_trace_request_import(be->db, &out, second), WAM_EFORBIDDEN);
	assert_null(out);
	assert_string_equal(wam_error_last()->field, "node");
	assert_non_null(strstr(wam_error_last()->message, "revoked"));
	assert_non_null(strstr(wam_error_last()->message, revoked_at));
	assert_non_null(strstr(wam_error_last()->message, "laptop stolen"));
	assert_int_equal(test_events(be), before);
	assert_int_equal(test_count(be, "SELECT count(*) FROM trace_requests"), requests);
	/* what was imported before stays as it was */
	must(wam_trace_request_get(be->db, &out, kept, WAM_TRACE_CONFIDENTIAL));
	assert_string_equal(test_str(out, "state"), "sent");
	assert_string_equal(test_str(json_object_get(out, "remote"), "node_id"), br->db->node_id);
	json_decref(out);

	/* the revoked key is never trusted again, under its node id or another */
	json_t *node;
	must(wam_trace_node(br->db, &node));
	assert_int_equal(wam_trace_peer_add(be->db, NULL, node), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "public_key");
	assert_non_null(strstr(wam_error_last()->message, "revoked"));
	json_t *other = json_deep_copy(node);
	json_object_set_new(other, "node_id", json_string("01JZZZZZZZZZZZZZZZZZZZZZZZ"));
	assert_int_equal(wam_trace_peer_add(be->db, NULL, other), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "public_key");
	json_decref(other);
	assert_int_equal(test_events(be), before);

	/* Brazil re-keyed: its node id is trusted again with the new key */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char pk_hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	json_object_set_new(node, "public_key", json_string(pk_hex));
	must(wam_trace_peer_add(be->db, &out, node));
	assert_true(json_is_true(json_object_get(out, "active")));
	assert_string_equal(test_str(out, "public_key"), pk_hex);
	assert_true(json_is_null(json_object_get(out, "revoked_reason")));
	json_decref(out);
	assert_int_equal(test_count(be, "SELECT count(*) FROM peers"), 1);
	/* trusted again, it cannot be added twice */
	assert_int_equal(wam_trace_peer_add(be->db, NULL, node), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "node_id");
	json_decref(node);
	/* a document still signed with the old key is refused, naming the revocation */
	before = test_events(be);
	assert_int_equal(wam_trace_request_import(be->db, NULL, second), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "node");
	assert_non_null(strstr(wam_error_last()->message, "revoked"));
	assert_non_null(strstr(wam_error_last()->message, "laptop stolen"));
	assert_int_equal(test_events(be), before);
	/* signed with the new key, it is imported */
	resign(second, sk, pk_hex);
	must(wam_trace_request_import(be->db, &out, second));
	assert_string_equal(test_str(out, "reference"), "PF-2026-0202");
	assert_string_equal(test_str(json_object_get(out, "remote"), "node_id"), br->db->node_id);
	json_decref(out);
	sodium_memzero(sk, sizeof sk);

	json_decref(first);
	json_decref(second);
	json_decref(none);
	json_decref(odd);
	json_decref(why);
	expect_intact_and_rebuild(be);
}

/* ---- parties beyond states ---- */

/* A registry named `name` of `country`, in a new temporary directory. */
static void named_reg(test_reg *r, const char *country, const char *name)
{
	memset(r, 0, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "%s/wam-unit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->path, sizeof r->path, "%s/reg.db", r->dir);
	wam_init_opts o = {.country = country, .name = name};
	if (wam_db_create(&r->db, r->path, &o))
		fail_msg("wam_db_create: %s", wam_error_last()->message);
	assert_int_equal(wam_db_set_actor(r->db, "test:unit"), 0);
}

static const char *PANEL = "Panel of Experts on the Central African Republic";

/* COMPLETE with its parties replaced by `requesting` and `requested`. */
static json_t *with_parties(const char *requesting, const char *requested)
{
	json_t *in = test_json(COMPLETE);
	json_object_set_new(in, "requesting", test_json(requesting));
	json_object_set_new(in, "requested", test_json(requested));
	return in;
}

/* The fields the quality finds missing, joined by commas. */
static void missing_of(const json_t *q, char *out, size_t n)
{
	size_t i, used = 0;
	const json_t *m;
	out[0] = '\0';
	json_array_foreach(json_object_get(q, "missing"), i, m) used +=
	    (size_t)snprintf(out + used, n - used, "%s%s", i ? "," : "", test_str(m, "field"));
}

static void test_party_kinds(void **state)
{
	test_reg *r = *state;
	char missing[256];
	/* a Panel asks a manufacturer: each known by its name, R10 asks for it */
	json_t *in = with_parties("{\"kind\": \"panel\", \"contact\": {\"name\": \"Coordinator\"}}",
	                          "{\"kind\": \"Manufacturer\", \"state\": \"it\"}"),
	       *q = NULL;
	must(wam_trace_request_quality(r->db, &q, NULL, in));
	missing_of(q, missing, sizeof missing);
	assert_string_equal(missing, "requesting.name,requested.name");
	assert_non_null(strstr(test_str(json_array_get(json_object_get(q, "missing"), 0), "message"), "panel"));
	json_decref(q);
	/* a draft may miss them; sending is refused naming the first, nothing written */
	json_t *d = draft(r, in);
	assert_string_equal(test_str(json_object_get(d, "requested"), "kind"), "manufacturer");
	assert_string_equal(test_str(json_object_get(d, "requested"), "state"), "IT");
	long long before = test_events(r);
	json_decref(with("{}", wam_trace_request_send, r, test_str(d, "id"), WAM_EINVAL));
	assert_string_equal(wam_error_last()->field, "requesting.name");
	assert_non_null(strstr(wam_error_last()->message, "requested.name"));
	assert_int_equal(test_events(r), before);
	/* named, it is complete without any state asking */
	json_t *names = test_json("{\"requesting\": {\"name\": \"Panel of Experts on the Central African Republic\"},"
	                          " \"requested\": {\"name\": \"Beretta\"}}");
	json_t *u = NULL;
	must(wam_trace_request_update(r->db, &u, test_str(d, "id"), names));
	json_decref(names);
	assert_true(json_is_true(json_object_get(json_object_get(u, "quality"), "sendable")));
	assert_string_equal(test_str(json_object_get(u, "requesting"), "kind"), "panel");
	assert_null(json_object_get(json_object_get(u, "requesting"), "state"));
	json_decref(u);
	json_decref(with("{\"date\": \"2026-02-12\"}", wam_trace_request_send, r, test_str(d, "id"), 0));
	/* the list labels each party */
	json_t *list = NULL;
	must(wam_trace_request_list(r->db, &list, NULL));
	json_t *row = json_array_get(list, 0);
	assert_string_equal(test_str(row, "requesting_kind"), "panel");
	assert_string_equal(test_str(row, "requesting_label"), PANEL);
	assert_string_equal(test_str(row, "requested_kind"), "manufacturer");
	assert_string_equal(test_str(row, "requested_name"), "Beretta");
	assert_string_equal(test_str(row, "requested_label"), "Beretta (IT)");
	assert_true(json_is_null(json_object_get(row, "requesting_state")));
	json_decref(list);
	json_decref(d);
	json_decref(in);

	/* a kind outside the four is refused naming it, nothing written */
	before = test_events(r);
	expect_draft_refused(r, "{\"requested\": {\"kind\": \"company\", \"name\": \"Beretta\"}}", "requested.kind");
	expect_draft_refused(r, "{\"requesting\": {\"kind\": \"panel\", \"name\": 7}}", "requesting.name");
	assert_int_equal(test_events(r), before);

	/* a state is a state with or without saying so: the same body, and its
	 * party written as before parties had kinds */
	json_t *plain = draft_text(r, COMPLETE), *said = test_json(COMPLETE);
	json_object_set_new(json_object_get(said, "requesting"), "kind", json_string("state"));
	json_object_set_new(json_object_get(said, "requested"), "kind", json_string("STATE"));
	json_t *explicit = draft(r, said);
	assert_true(json_equal(json_object_get(plain, "requesting"), json_object_get(explicit, "requesting")));
	assert_true(json_equal(json_object_get(plain, "requested"), json_object_get(explicit, "requested")));
	assert_null(json_object_get(json_object_get(explicit, "requested"), "kind"));
	char sql[256];
	snprintf(
	    sql, sizeof sql,
	    "SELECT count(DISTINCT body) FROM trace_requests WHERE id IN ('%s','%s')"
	    " AND json_extract(body, '$.requesting.kind') IS NULL AND json_extract(body, '$.requested.kind') IS NULL",
	    test_str(plain, "id"), test_str(explicit, "id"));
	assert_int_equal(test_count(r, sql), 1);
	/* a state's request needs its state, not a name */
	json_t *noname = test_json(COMPLETE);
	json_object_del(json_object_get(noname, "requested"), "state");
	must(wam_trace_request_quality(r->db, &q, NULL, noname));
	missing_of(q, missing, sizeof missing);
	assert_string_equal(missing, "requested.state");
	json_decref(q);
	json_decref(noname);
	json_decref(plain);
	json_decref(said);
	json_decref(explicit);
	expect_intact_and_rebuild(r);
}

/* A Panel of Experts asks a manufacturer and a state; each answers the
 * Panel; registries of another name or country are refused. */
static void test_panel_manufacturer_state(void **state)
{
	(void)state;
	test_reg panel, beretta, fr, glock;
	named_reg(&panel, "US", PANEL);
	named_reg(&beretta, "IT", "Beretta");
	named_reg(&fr, "FR", "Répertoire national des armes");
	named_reg(&glock, "AT", "Glock");
	trust(&beretta, &panel);
	trust(&fr, &panel);
	trust(&glock, &panel);
	trust(&panel, &beretta);
	trust(&panel, &fr);

	/* the Panel asks Beretta (named as the Panel writes it: any case) */
	json_t *in =
	    with_parties("{\"kind\": \"panel\", \"name\": \"Panel of Experts on the Central African Republic\","
	                 " \"contact\": {\"name\": \"Arms expert\", \"email\": \"arms@panel.example\"}}",
	                 "{\"kind\": \"manufacturer\", \"name\": \"  BERETTA \", \"state\": \"IT\"}");
	json_t *d = draft(&panel, in), *doc = NULL;
	char to_beretta[WAM_ID_LEN + 1];
	snprintf(to_beretta, sizeof to_beretta, "%s", test_str(d, "id"));
	json_decref(d);
	json_decref(with("{\"date\": \"2026-02-12\"}", wam_trace_request_send, &panel, to_beretta, 0));
	must(wam_trace_request_export(panel.db, &doc, to_beretta));
	const json_t *req = json_object_get(doc, "request");
	assert_string_equal(test_str(json_object_get(req, "requesting"), "kind"), "panel");
	assert_string_equal(test_str(json_object_get(req, "requested"), "kind"), "manufacturer");
	/* the export is recorded as going to the manufacturer, by its name folded */
	assert_int_equal(test_count(&panel, "SELECT count(*) FROM events WHERE type='trace.exported'"
	                                    " AND json_extract(payload,'$.to')='beretta'"),
	                 1);
	/* Glock is not the manufacturer asked */
	long long before = test_events(&glock);
	assert_int_equal(wam_trace_request_import(glock.db, NULL, doc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "request.requested.name");
	assert_non_null(strstr(wam_error_last()->message, "Glock"));
	assert_int_equal(test_events(&glock), before);
	/* nor France, though it trusts the Panel */
	before = test_events(&fr);
	assert_int_equal(wam_trace_request_import(fr.db, NULL, doc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "request.requested.name");
	assert_int_equal(test_events(&fr), before);
	/* Beretta imports it, acknowledges and answers */
	json_t *got = NULL;
	must(wam_trace_request_import(beretta.db, &got, doc));
	char at_beretta[WAM_ID_LEN + 1];
	snprintf(at_beretta, sizeof at_beretta, "%s", test_str(got, "id"));
	assert_string_equal(test_str(json_object_get(got, "requesting"), "name"), PANEL);
	json_decref(got);
	json_decref(doc);
	json_decref(with("{\"date\": \"2026-02-20\"}", wam_trace_request_acknowledge, &beretta, at_beretta, 0));
	must(wam_trace_request_export(beretta.db, &doc, at_beretta));
	assert_int_equal(test_count(&beretta, "SELECT count(*) FROM events WHERE type='trace.exported'"
	                                      " AND json_extract(payload,'$.to')="
	                                      "'panel of experts on the central african republic'"),
	                 1);
	must(wam_trace_request_import(panel.db, &got, doc));
	assert_string_equal(test_str(got, "state"), "acknowledged");
	json_decref(got);
	json_decref(doc);
	json_decref(
	    with("{\"result\": \"record_found\", \"date\": \"2026-03-01\", \"chain\": ["
	         " {\"date\": \"2011-05-04\", \"from\": \"Beretta\", \"consignee\": \"Ministère de la Défense\","
	         "  \"country\": \"FR\", \"licence\": \"IT-EX-11-0042\"}],"
	         " \"point_of_diversion\": {\"category\": \"transfer_export\", \"country\": \"FR\"}}",
	         wam_trace_request_respond, &beretta, at_beretta, 0));
	json_t *beretta_answer = NULL;
	must(wam_trace_request_export(beretta.db, &beretta_answer, at_beretta));

	/* the Panel then asks France, which answers the Panel */
	json_decref(in);
	in = with_parties("{\"kind\": \"panel\", \"name\": \"Panel of Experts on the Central African Republic\","
	                  " \"contact\": {\"name\": \"Arms expert\"}}",
	                  "{\"state\": \"FR\"}");
	d = draft(&panel, in);
	char to_fr[WAM_ID_LEN + 1];
	snprintf(to_fr, sizeof to_fr, "%s", test_str(d, "id"));
	json_decref(d);
	json_decref(with("{\"date\": \"2026-03-05\"}", wam_trace_request_send, &panel, to_fr, 0));
	must(wam_trace_request_export(panel.db, &doc, to_fr));
	/* Beretta is no state */
	assert_int_equal(wam_trace_request_import(beretta.db, NULL, doc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "request.requested.state");
	must(wam_trace_request_import(fr.db, &got, doc));
	char at_fr[WAM_ID_LEN + 1];
	snprintf(at_fr, sizeof at_fr, "%s", test_str(got, "id"));
	json_decref(got);
	json_decref(doc);
	json_decref(
	    with("{\"result\": \"record_found\", \"date\": \"2026-03-20\", \"confidentiality\": \"unclassified\","
	         " \"last_holder\": {\"name\": \"Forces armées centrafricaines\", \"country\": \"CF\"},"
	         " \"point_of_diversion\": {\"category\": \"state_stocks\", \"country\": \"CF\"}}",
	         wam_trace_request_respond, &fr, at_fr, 0));
	json_t *fr_answer = NULL;
	must(wam_trace_request_export(fr.db, &fr_answer, at_fr));

	/* a response comes only from the party asked: France's answer, made to
	 * name the request sent to Beretta and signed again by France, is refused */
	json_t *forged = json_deep_copy(fr_answer);
	json_object_set_new(json_object_get(forged, "request"), "id", json_string(to_beretta));
	char fr_pk[65];
	sodium_bin2hex(fr_pk, sizeof fr_pk, fr.db->pk, crypto_sign_PUBLICKEYBYTES);
	resign(forged, fr.db->sk, fr_pk);
	before = test_events(&panel);
	assert_int_equal(wam_trace_request_import(panel.db, NULL, forged), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "node");
	assert_non_null(strstr(wam_error_last()->message, "BERETTA"));
	assert_int_equal(test_events(&panel), before);
	json_decref(forged);
	/* the real answers are recorded */
	must(wam_trace_request_import(panel.db, &got, beretta_answer));
	assert_string_equal(test_str(got, "state"), "answered");
	assert_string_equal(test_str(json_array_get(json_object_get(got, "responses"), 0), "remote_node"),
	                    beretta.db->node_id);
	json_decref(got);
	must(wam_trace_request_import(panel.db, &got, fr_answer));
	assert_string_equal(test_str(got, "state"), "answered");
	json_decref(got);

	/* a registry asks only in its own name: Beretta cannot ask as the Panel */
	json_decref(in);
	in = with_parties("{\"kind\": \"panel\", \"name\": \"Panel of Experts on the Central African Republic\","
	                  " \"contact\": {\"name\": \"Sales\"}}",
	                  "{\"state\": \"FR\"}");
	trust(&fr, &beretta);
	d = draft(&beretta, in);
	json_decref(with("{}", wam_trace_request_send, &beretta, test_str(d, "id"), 0));
	must(wam_trace_request_export(beretta.db, &doc, test_str(d, "id")));
	before = test_events(&fr);
	assert_int_equal(wam_trace_request_import(fr.db, NULL, doc), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "request.requesting.name");
	assert_int_equal(test_events(&fr), before);
	json_decref(doc);
	json_decref(d);
	json_decref(in);
	json_decref(beretta_answer);
	json_decref(fr_answer);

	expect_intact_and_rebuild(&panel);
	expect_intact_and_rebuild(&beretta);
	expect_intact_and_rebuild(&fr);
	test_reg_destroy(&panel);
	test_reg_destroy(&beretta);
	test_reg_destroy(&fr);
	test_reg_destroy(&glock);
}

/* ---- a request about an ammunition lot ---- */

/* A request about a lot of 7.62x39mm rounds with everything R10 and the
 * ITI ask of one, and more. */
static const char *LOT =
    "{\"reference\": \"PF-2026-0201\","
    " \"requesting\": {\"state\": \"BR\", \"agency\": \"Polícia Federal\","
    "   \"contact\": {\"name\": \"Delegada Ana Souza\", \"email\": \"ana.souza@pf.gov.br\"}},"
    " \"requested\": {\"state\": \"BE\"},"
    " \"item\": {\"kind\": \"ammunition\", \"calibre\": \"7.62x39mm\", \"type\": \"ball\","
    "   \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\", \"year\": 1981}, \"lot\": \"12-81-071\","
    "   \"packaging_marks\": \"7.62x39 PS 440\", \"crate_marks\": \"1 440 / 12-81-071\", \"quantity\": 1200,"
    "   \"packages\": 3,"
    "   \"photos\": [\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"]},"
    " \"illicit_reason\": \"illicit_national_law\","
    " \"justification\": \"Possession without licence, Lei 10.826/2003 art. 16\","
    " \"recovery\": {\"date\": \"2026-02-11\", \"place\": \"Rio de Janeiro\", \"circumstances\": \"a cache\"},"
    " \"intended_use\": \"criminal investigation IP 0201/2026\"}";

/* R10 for ammunition: the calibre and the headstamp or the lot, not a
 * make, serial or category; refused on sending while neither mark is
 * there, naming the field, nothing written. */
static void test_lot_request_r10(void **state)
{
	test_reg *r = *state;
	json_t *d = draft_text(r, LOT), *q = json_object_get(d, "quality");
	const json_t *item = json_object_get(d, "item");
	assert_string_equal(test_str(item, "kind"), "ammunition");
	assert_string_equal(test_str(json_object_get(item, "headstamp"), "text"), "71 81");
	assert_int_equal(json_integer_value(json_object_get(item, "quantity")), 1200);
	assert_string_equal(json_string_value(json_array_get(json_object_get(item, "photos"), 0)),
	                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	assert_int_equal(json_array_size(json_object_get(q, "missing")), 0);
	assert_int_equal(json_array_size(json_object_get(q, "doubtful")), 0);
	assert_int_equal(json_array_size(json_object_get(q, "recommended")), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "score")), 100);
	json_decref(d);

	/* neither headstamp nor lot: missing, named, and sending refused */
	json_t *in = test_json(LOT);
	del_path(in, "item.headstamp");
	del_path(in, "item.lot");
	d = draft(r, in);
	q = json_object_get(d, "quality");
	assert_int_equal(json_array_size(json_object_get(q, "missing")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(q, "missing"), 0), "field"), "item.headstamp");
	assert_string_equal(test_str(json_array_get(json_object_get(q, "missing"), 0), "rule"), "R10");
	assert_false(json_is_true(json_object_get(q, "sendable")));
	/* 7 of 8 required (61.25), 8 of 9 recommended (26.67: no factory code) */
	assert_int_equal(json_integer_value(json_object_get(q, "score")), 88);
	long long before = test_events(r);
	wam_error_clear();
	assert_int_equal(wam_trace_request_send(r->db, NULL, test_str(d, "id"), NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "item.headstamp");
	assert_non_null(strstr(wam_error_last()->message, "item.headstamp (or item.lot)"));
	assert_int_equal(test_events(r), before);
	json_decref(d);
	json_decref(in);

	/* the lot alone, or the headstamp alone, identifies it */
	const char *const keep[] = {"item.headstamp", "item.lot"};
	for (size_t i = 0; i < 2; i++) {
		in = test_json(LOT);
		del_path(in, keep[i]);
		d = draft(r, in);
		assert_true(json_is_true(json_object_get(json_object_get(d, "quality"), "sendable")));
		json_t *out = NULL;
		must(wam_trace_request_send(r->db, &out, test_str(d, "id"), NULL));
		assert_string_equal(test_str(out, "state"), "sent");
		json_decref(out);
		json_decref(d);
		json_decref(in);
	}

	/* nothing else: the missing are the request's, none of a weapon's */
	d = draft_text(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\"}}");
	json_t *names = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(json_object_get(d, "quality"), "missing"), i, m)
	    json_array_append_new(names, json_string(test_str(m, "field")));
	char *list = json_dumps(names, JSON_COMPACT);
	assert_string_equal(list, "[\"item.headstamp\",\"illicit_reason\",\"justification\",\"intended_use\","
	                          "\"requesting.state\",\"requesting.contact.name\",\"requested.state\"]");
	/* the reason asked for is the lot's, not a weapon's */
	assert_string_equal(
	    test_str(json_array_get(json_object_get(json_object_get(d, "quality"), "missing"), 1), "message"),
	    "the reason the lot is considered illicit is required");
	free(list);
	json_decref(names);
	json_decref(d);
	/* doubtful marks */
	d = draft_text(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"headstamp\": {\"text\":"
	                  " \"7? 8*\"}, \"lot\": \"12-?1\"}}");
	names = json_array();
	json_array_foreach(json_object_get(json_object_get(d, "quality"), "doubtful"), i, m)
	    json_array_append_new(names, json_string(test_str(m, "field")));
	list = json_dumps(names, JSON_COMPACT);
	assert_string_equal(list, "[\"item.headstamp.text\",\"item.lot\",\"item.photos\"]");
	free(list);
	json_decref(names);
	json_decref(d);
	expect_intact_and_rebuild(r);
}

/* An ammunition item is checked as every ammunition line is, its errors
 * naming the request's field. */
static void test_lot_request_checks_values(void **state)
{
	test_reg *r = *state;
	char fal[WAM_ID_LEN + 1];
	test_add_item(r,
	              "{\"category\": \"SA4\", \"make\": \"FN Herstal\", \"model\": \"FAL\", \"calibre\": "
	              "\"7.62x51mm\", \"serial\": \"1503821\", \"country\": \"BE\", \"year\": 1978}",
	              fal);
	char text[512];
	expect_draft_refused(r, "{\"item\": {\"kind\": \"grenade\", \"calibre\": \"40mm\"}}", "item.kind");
	expect_draft_refused(r, "{\"item\": {\"kind\": \"ammunition\"}}", "item.calibre");
	expect_draft_refused(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"serial\": \"1\"}}",
	                     "item.serial");
	expect_draft_refused(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"quantity\": 0}}",
	                     "item.quantity");
	expect_draft_refused(r,
	                     "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"headstamp\": {\"text\": "
	                     "\"71\", \"year\": 181}}}",
	                     "item.headstamp.year");
	expect_draft_refused(
	    r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"headstamp\": \"71 81\"}}",
	    "item.headstamp");
	expect_draft_refused(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\", \"photos\": [\"x\"]}}",
	                     "item.photos[0]");
	snprintf(text, sizeof text,
	         "{\"item_id\": \"%s\", \"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\"}}", fal);
	expect_draft_refused(r, text, "item_id");
	/* an update that turns a weapon's draft into a lot's keeps the checks */
	json_t *d = draft_text(r, "{\"item\": {\"kind\": \"ammunition\", \"calibre\": \"9x19mm\"}}"), *out = NULL;
	json_t *up = test_json("{\"item\": {\"lot\": \"L-77\"}}");
	must(wam_trace_request_update(r->db, &out, test_str(d, "id"), up));
	assert_string_equal(test_str(json_object_get(out, "item"), "lot"), "L-77");
	assert_string_equal(test_str(json_object_get(out, "item"), "kind"), "ammunition");
	json_decref(out);
	json_decref(up);
	json_decref(d);
}

/* A request about a lot travels to a second registry as a signed document,
 * is answered there and the answer comes back: the lot unchanged. */
static void test_lot_request_exchange(void **state)
{
	test_reg *r = *state, *br = &r[0], *be = &r[1];
	trust(br, be);
	trust(be, br);
	json_t *d = draft_text(br, LOT), *doc, *in = NULL, *out = NULL;
	char id[WAM_ID_LEN + 1], theirs[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(d, "id"));
	json_t *item = json_deep_copy(json_object_get(d, "item"));
	json_decref(d);
	json_decref(with("{\"date\": \"2026-02-12\"}", wam_trace_request_send, br, id, 0));
	must(wam_trace_request_export(br->db, &doc, id));
	assert_true(json_equal(json_object_get(json_object_get(doc, "request"), "item"), item));
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_t *carried = test_json(text);
	free(text);
	json_decref(doc);
	/* the lot number altered on the way is refused */
	json_t *altered = json_deep_copy(carried);
	json_object_set_new(json_object_get(json_object_get(altered, "request"), "item"), "lot",
	                    json_string("12-81-077"));
	long long before = test_events(be);
	assert_int_equal(wam_trace_request_import(be->db, NULL, altered), WAM_EINTEGRITY);
	assert_int_equal(test_events(be), before);
	json_decref(altered);
	must(wam_trace_request_import(be->db, &in, carried));
	snprintf(theirs, sizeof theirs, "%s", test_str(in, "id"));
	assert_string_equal(test_str(in, "direction"), "incoming");
	assert_true(json_equal(json_object_get(in, "item"), item));
	/* no weapon looked for: a lot is found with the ammunition search */
	assert_null(json_object_get(in, "candidates"));
	json_decref(in);
	json_decref(with("{\"result\": \"record_found\", \"confidentiality\": \"unclassified\","
	                 " \"chain\": [{\"date\": \"1982-02-01\", \"consignee\": \"Ministério da Defesa\","
	                 " \"country\": \"BR\"}]}",
	                 wam_trace_request_respond, be, theirs, 0));
	must(wam_trace_request_export(be->db, &doc, theirs));
	must(wam_trace_request_import(br->db, &out, doc));
	assert_string_equal(test_str(out, "state"), "answered");
	assert_string_equal(test_str(json_array_get(json_object_get(out, "responses"), 0), "result"), "record_found");
	assert_true(json_equal(json_object_get(out, "item"), item));
	json_decref(out);
	json_decref(doc);
	json_decref(carried);
	json_decref(item);
	expect_intact_and_rebuild(br);
	expect_intact_and_rebuild(be);
}

/* Ammunition seen in the field becomes a request about its lot in one step:
 * the line as read, where and when it was seen. */
static void test_observed_ammunition_drafts_a_lot_request(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json(
	           "{\"kind\": \"cache_recovery\", \"observed_at\": \"2026-03-02T10:30:00Z\","
	           " \"place\": {\"name\": \"PK5\", \"admin_area\": \"Bangui\", \"country\": \"CF\"},"
	           " \"unit\": \"MINUSCA embargo cell\", \"officer\": \"Maj. Diallo\","
	           " \"sources\": [{\"type\": \"official\", \"independent\": true, \"reliability\": \"C\","
	           " \"credibility\": 3, \"ref\": \"O-7\"}],"
	           " \"items\": [{\"kind\": \"ammunition\", \"calibre\": \"7.62x39mm\", \"type\": \"ball\","
	           " \"headstamp\": {\"text\": \"71 12\", \"factory\": \"71\", \"year\": 2012}, \"lot\": \"L-9\","
	           " \"crate_marks\": \"CR 440\", \"quantity\": 1200, \"notes\": \"in a crate\"}]}"),
	       *obs = NULL, *req = NULL;
	must(wam_monitoring_observation_add(r->db, &obs, in));
	must(wam_monitoring_observation_trace(r->db, &req, test_str(obs, "id"), 0, NULL));
	const json_t *item = json_object_get(req, "item");
	char *text = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"calibre\":\"7.62x39mm\",\"crate_marks\":\"CR 440\",\"headstamp\":{\"factory\":"
	                          "\"71\",\"text\":\"71 12\",\"year\":2012},\"kind\":\"ammunition\",\"lot\":\"L-9\","
	                          "\"photos\":[],\"quantity\":1200,\"type\":\"ball\"}");
	free(text);
	assert_string_equal(test_str(json_object_get(req, "recovery"), "date"), "2026-03-02");
	/* no weapon field is missing from it */
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(json_object_get(req, "quality"), "missing"), i, m)
	    assert_null(strstr("item.make item.serial item.category item.headstamp", test_str(m, "field")));
	json_decref(req);
	json_decref(obs);
	json_decref(in);
}

/* An item's kind as an item record gives it: a weapon is the weapon item, a
 * part one too keeping its kind, ammunition (any case) a lot; any other
 * kind is refused naming item.kind, even beside a weapon's fields. */
static void test_item_kind_weapon_part_or_ammunition(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json(COMPLETE), *d, *rows = NULL;
	json_object_set_new(json_object_get(in, "item"), "kind", json_string("weapon"));
	d = draft(r, in);
	const json_t *item = json_object_get(d, "item");
	assert_null(json_object_get(item, "kind"));
	assert_string_equal(test_str(item, "make"), "FN Herstal");
	assert_string_equal(test_str(item, "serial"), "1503821");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "quality"), "score")), 100);
	json_decref(d);
	json_object_set_new(json_object_get(in, "item"), "kind", json_string("Weapon"));
	d = draft(r, in);
	assert_null(json_object_get(json_object_get(d, "item"), "kind"));
	json_decref(d);
	/* a part (a frame or receiver is a weapon): traced as one, its kind kept */
	json_object_set_new(json_object_get(in, "item"), "kind", json_string("part"));
	json_object_set_new(json_object_get(in, "item"), "serial", json_string("PF-001"));
	d = draft(r, in);
	assert_string_equal(test_str(json_object_get(d, "item"), "kind"), "part");
	assert_string_equal(test_str(json_object_get(d, "item"), "serial"), "PF-001");
	assert_true(json_is_true(json_object_get(json_object_get(d, "quality"), "sendable")));
	json_decref(d);
	json_decref(in);
	/* ammunition in any case is a lot */
	d = draft_text(r, "{\"item\": {\"kind\": \"Ammunition\", \"calibre\": \"9x19mm\", \"lot\": \"L-1\"}}");
	assert_string_equal(test_str(json_object_get(d, "item"), "kind"), "ammunition");
	json_decref(d);
	/* anything else names item.kind, nothing written */
	expect_draft_refused(r, "{\"item\": {\"kind\": \"grenade\", \"make\": \"Glock\", \"serial\": \"1\"}}",
	                     "item.kind");
	assert_non_null(strstr(wam_error_last()->message, "weapon, part or ammunition"));
	expect_draft_refused(r, "{\"item\": {\"kind\": 5, \"make\": \"Glock\"}}", "item.kind");
	/* a weapon item with kind keeps refusing its unknown fields */
	expect_draft_refused(r, "{\"item\": {\"kind\": \"weapon\", \"make\": \"Glock\", \"headstamp\": {}}}",
	                     "item.headstamp");
	/* the list tells each request's kind and what it traces: a weapon's or a
	 * part's serial, a lot's calibre, headstamp and lot */
	json_decref(draft_text(r, LOT));
	must(wam_trace_request_list(r->db, &rows, NULL));
	assert_int_equal(json_array_size(rows), 5);
	const json_t *lot = json_array_get(rows, 0), *ammo = json_array_get(rows, 1), *part = json_array_get(rows, 2),
	             *weapon = json_array_get(rows, 4);
	assert_string_equal(test_str(lot, "item_kind"), "ammunition");
	assert_string_equal(test_str(lot, "what"), "7.62x39mm / 71 81 / 12-81-071");
	assert_string_equal(test_str(lot, "calibre"), "7.62x39mm");
	assert_string_equal(test_str(lot, "headstamp"), "71 81");
	assert_string_equal(test_str(lot, "lot"), "12-81-071");
	assert_string_equal(test_str(ammo, "what"), "9x19mm / L-1");
	assert_true(json_is_null(json_object_get(ammo, "headstamp")));
	assert_string_equal(test_str(part, "item_kind"), "part");
	assert_string_equal(test_str(part, "what"), "PF-001");
	assert_string_equal(test_str(weapon, "item_kind"), "weapon");
	assert_string_equal(test_str(weapon, "what"), "1503821");
	assert_null(json_object_get(weapon, "lot"));
	json_decref(rows);
	expect_intact_and_rebuild(r);
}

/* A registry made without a name (`wam init --country HT`): its `wam
 * --json node`, name null, is taken as it is, the peer known by its
 * country and node id. */
static void test_peer_from_nameless_node(void **state)
{
	test_reg *r = *state, ht;
	named_reg(&ht, "HT", NULL);
	json_t *node = NULL, *out = NULL;
	must(wam_trace_node(ht.db, &node));
	assert_true(json_is_null(json_object_get(node, "name")));
	char want[64];
	snprintf(want, sizeof want, "HT %s", test_str(node, "node_id"));
	must(wam_trace_peer_add(r[0].db, &out, node));
	assert_string_equal(test_str(out, "name"), want);
	assert_string_equal(test_str(out, "country"), "HT");
	json_decref(out);
	/* a name given is kept */
	json_t *named = json_deep_copy(node);
	json_object_set_new(named, "name", json_string("Haiti PNH"));
	must(wam_trace_peer_add(r[1].db, &out, named));
	assert_string_equal(test_str(out, "name"), "Haiti PNH");
	json_decref(out);
	json_decref(named);
	json_decref(node);
	test_reg_destroy(&ht);
	expect_intact_and_rebuild(&r[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_send_refuses_each_missing_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_draft_checks_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quality_lists_and_score, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_draft_takes_the_registry_weapon, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_states_and_overdue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dates_not_after_today, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_confidential_responses_withheld, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_between_registries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_revoked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_party_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_panel_manufacturer_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lot_request_r10, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lot_request_checks_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lot_request_exchange, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_observed_ammunition_drafts_a_lot_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_item_kind_weapon_part_or_ammunition, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_from_nameless_node, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
