/* unit-registry: weapons as wam_registry_item_add and
 * wam_registry_item_set_status see them — marking status rules R1-R4, the status
 * state machine, duplicate detection on normalized (make, serial, country),
 * validation errors that name the field, markings in any script kept
 * verbatim, ISO 3166-3 former-state codes, normalized serial keys, and a
 * weapon's makeup: parts linked to their weapon, list filters and counts. The
 * registry under test is in Haiti (HT), which shapes rule R2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "registry/rules.h"
#include "wam/auth.h"
#include "wam/match.h"

/* Registers `json` and checks its marking status; returns the reason. */
static char *marking_of(test_reg *r, const char *json, const char *want)
{
	json_t *out;
	int rc = test_try_add_item(r, json, 0, &out);
	if (rc)
		fail_msg("add failed: %s (%s)", wam_error_last()->message, json);
	if (strcmp(test_str(out, "marking_status"), want) != 0)
		fail_msg("marking_status %s, expected %s (reason: %s) for %s", test_str(out, "marking_status"), want,
		         test_str(out, "marking_reason"), json);
	char *reason = strdup(test_str(out, "marking_reason"));
	json_decref(out);
	return reason;
}

/* Expects `rc` to be `code` with the error naming `field`. */
static void expect_error(int rc, int code, const char *field)
{
	const wam_error *e = wam_error_last();
	if (rc != code || strcmp(e->field, field) != 0)
		fail_msg("expected %s on field '%s', got %s on field '%s': %s", wam_error_name(code), field,
		         wam_error_name(rc), e->field, e->message);
}

/* ---- marking status (R1-R3) ---- */

static void test_registry_marking_unmarked(void **state)
{
	free(marking_of(*state, "{\"category\":\"SA1\",\"make\":\"Colt\",\"country\":\"US\"}", "unmarked"));
}

static void test_registry_marking_obliterated(void **state)
{
	free(marking_of(
	    *state,
	    "{\"category\":\"SA2\",\"make\":\"Colt\",\"country\":\"US\",\"markings\":[{\"component\":"
	    "\"frame_receiver\",\"kind\":\"serial\",\"text\":\"(ground off)\",\"legibility\":\"obliterated\"}]}",
	    "obliterated"));
}

static void test_registry_marking_partial_with_wildcard(void **state)
{
	free(marking_of(*state, "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"AB12?4\",\"country\":\"HT\"}",
	                "partial"));
	free(marking_of(*state,
	                "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"X77\",\"country\":\"HT\",\"markings\":[{"
	                "\"component\":\"slide\",\"kind\":\"serial\",\"text\":\"X77\",\"legibility\":\"worn\"}]}",
	                "partial"));
}

static void test_registry_marking_altered(void **state)
{
	free(marking_of(*state,
	                "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"C-55\",\"country\":\"HT\",\"markings\":[{"
	                "\"component\":\"barrel\",\"kind\":\"serial\",\"text\":\"C-56\",\"altered\":true}]}",
	                "altered"));
}

static void test_registry_marking_inadequate_r1(void **state)
{
	char *reason = marking_of(*state, "{\"category\":\"SA1\",\"serial\":\"N-1\",\"country\":\"HT\"}", "inadequate");
	assert_non_null(strstr(reason, "R1"));
	assert_non_null(strstr(reason, "manufacturer"));
	free(reason);
	reason = marking_of(*state, "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"N-2\"}", "inadequate");
	assert_non_null(strstr(reason, "country of manufacture"));
	free(reason);
}

static void test_registry_marking_inadequate_r2_without_import_mark(void **state)
{
	char *reason = marking_of(
	    *state, "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"US-1\",\"country\":\"US\"}", "inadequate");
	assert_non_null(strstr(reason, "R2"));
	assert_non_null(strstr(reason, "US"));
	assert_non_null(strstr(reason, "HT"));
	free(reason);
	/* the same weapon with a Haitian import mark is adequately marked */
	free(marking_of(*state,
	                "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"US-2\",\"country\":\"US\","
	                "\"import_marks\":[{\"country\":\"HT\",\"year\":2019}]}",
	                "adequate"));
}

static void test_registry_marking_adequate(void **state)
{
	free(marking_of(*state, "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"HT-7\",\"country\":\"HT\"}",
	                "adequate"));
}

/* ---- status state machine ---- */

static void add_in_store(test_reg *r, char *id)
{
	static int n;
	char json[160];
	snprintf(json, sizeof json,
	         "{\"category\":\"SA2\",\"make\":\"FN Herstal\",\"serial\":\"FAL-%d\",\"country\":\"BE\"}", ++n);
	test_add_item(r, json, id);
}

static int set_status(test_reg *r, const char *id, const char *to, const char *details)
{
	json_t *d = details ? json_loads(details, 0, NULL) : NULL, *out = NULL;
	wam_error_clear();
	int rc = wam_registry_item_set_status(r->db, &out, id, to, d);
	if (!rc)
		assert_string_equal(test_str(out, "status"), to);
	json_decref(out);
	json_decref(d);
	return rc;
}

static void test_registry_status_legal_path(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	assert_int_equal(set_status(r, id, "issued", NULL), 0);
	assert_int_equal(set_status(r, id, "in_service", NULL), 0);
	assert_int_equal(set_status(r, id, "lost", "{\"reason\":\"patrol ambush\"}"), 0);
	assert_int_equal(set_status(r, id, "found", NULL), 0);
	assert_int_equal(set_status(r, id, "in_store", NULL), 0);
	assert_int_equal(set_status(r, id, "deactivated", "{\"reason\":\"training\",\"certificate\":\"DA-2024-17\"}"),
	                 0);
	json_t *h;
	assert_int_equal(wam_registry_item_history(r->db, &h, id), 0);
	assert_int_equal(json_array_size(h), 7); /* registration + 6 changes */
	json_t *last = json_array_get(h, 6);
	assert_string_equal(test_str(json_object_get(last, "before"), "status"), "in_store");
	assert_string_equal(test_str(json_object_get(last, "after"), "status"), "deactivated");
	json_decref(h);
}

/* A reason the server writes comes with its message id and arguments,
 * kept in the event beside the reason; a malformed one changes nothing. */
static void test_registry_status_reason_msg(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	assert_int_equal(set_status(r, id, "issued",
	                            "{\"reason\":\"issued to Cpl. B (U1), custody C1\",\"reason_msg\":"
	                            "{\"message_id\":\"stock.custody_issued\",\"args\":[\"Cpl. B (U1)\",\"C1\"]}}"),
	                 0);
	json_t *h;
	assert_int_equal(wam_registry_item_history(r->db, &h, id), 0);
	json_t *pl = json_object_get(json_array_get(h, 1), "payload");
	assert_string_equal(test_str(json_object_get(pl, "reason_msg"), "message_id"), "stock.custody_issued");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(json_object_get(pl, "reason_msg"), "args"), 1)), "C1");
	/* the command line's line is the reason, as before */
	assert_string_equal(test_str(json_array_get(h, 1), "summary"),
	                    "status in_store \xe2\x86\x92 issued: issued to Cpl. B (U1), custody C1");
	json_decref(h);
	long before = test_events(r);
	expect_error(
	    set_status(r, id, "in_service", "{\"reason\":\"r\",\"reason_msg\":{\"message_id\":\"x.y\",\"args\":[1]}}"),
	    WAM_EINVAL, "reason_msg");
	expect_error(set_status(r, id, "in_service", "{\"reason_msg\":{\"message_id\":\"x.y\",\"args\":[]}}"),
	             WAM_EINVAL, "reason_msg");
	assert_int_equal(test_events(r), before);
}

static void test_registry_status_illegal_transition_lists_allowed(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	assert_int_equal(set_status(r, id, "stolen", "{\"reason\":\"break-in\"}"), 0);
	long before = test_events(r);
	expect_error(set_status(r, id, "in_store", NULL), WAM_ECONFLICT, "status");
	assert_non_null(strstr(wam_error_last()->message, "seized, found, surrendered"));
	assert_int_equal(test_events(r), before);

	char id2[WAM_ID_LEN + 1];
	add_in_store(r, id2);
	json_t *d = test_json("{\"reason\":\"sold to BE\"}");
	assert_int_equal(wam_registry_item_set_final_status(r->db, NULL, id2, "exported", d), 0);
	json_decref(d);
	expect_error(set_status(r, id2, "in_store", NULL), WAM_ECONFLICT, "status");
	assert_non_null(strstr(wam_error_last()->message, "none"));
}

static void test_registry_status_stolen_needs_reason(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	long before = test_events(r);
	expect_error(set_status(r, id, "stolen", NULL), WAM_EINVAL, "reason");
	expect_error(set_status(r, id, "stolen", "{\"reason\":\"   \"}"), WAM_EINVAL, "reason");
	assert_int_equal(test_events(r), before);
	json_t *item;
	assert_int_equal(wam_registry_item_get(r->db, &item, id), 0);
	assert_string_equal(test_str(item, "status"), "in_store");
	json_decref(item);
}

static void test_registry_status_destroyed_needs_certificate(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	expect_error(set_status(r, id, "deactivated", "{\"reason\":\"training\"}"), WAM_EINVAL, "certificate");
	json_t *d = test_json("{\"reason\":\"surplus\"}");
	expect_error(wam_registry_item_set_final_status(r->db, NULL, id, "destroyed", d), WAM_EINVAL, "certificate");
	json_decref(d);
	expect_error(wam_registry_item_set_final_status(r->db, NULL, id, "exported", NULL), WAM_EINVAL, "reason");
}

/* One armourer, or anyone, cannot make a weapon destroyed or exported by a
 * status change, whatever certificate they give: only a closed destruction
 * batch or a confirmed export does. Nothing is written. */
static void test_registry_status_final_only_by_procedure(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	long long before = test_events(r);
	expect_error(set_status(r, id, "destroyed", "{\"reason\":\"x\",\"certificate\":\"anything\"}"), WAM_ECONFLICT,
	             "status");
	assert_non_null(strstr(wam_error_last()->message, "destruction batch"));
	expect_error(set_status(r, id, "exported", "{\"reason\":\"sold\",\"document\":\"EL-1\"}"), WAM_ECONFLICT,
	             "status");
	assert_non_null(strstr(wam_error_last()->message, "confirmed by another"));
	assert_int_equal(test_events(r), before);
	json_t *item;
	assert_int_equal(wam_registry_item_get(r->db, &item, id), 0);
	assert_string_equal(test_str(item, "status"), "in_store");
	json_decref(item);
	/* nor can a weapon be registered destroyed or exported */
	json_t *in = test_json("{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"FINAL-1\","
	                       "\"country\":\"AT\",\"status\":\"destroyed\"}");
	expect_error(wam_registry_item_add(r->db, NULL, in, 0), WAM_EINVAL, "status");
	json_object_set_new(in, "status", json_string("exported"));
	expect_error(wam_registry_item_add(r->db, NULL, in, 0), WAM_EINVAL, "status");
	json_decref(in);
	assert_int_equal(test_events(r), before);
}

/* An export is proposed by one person and confirmed by another; the same
 * person (the same actor, or os:x and user:x) cannot confirm their own; a
 * withdrawn proposal leaves the weapon as it was. */
static void test_registry_export_two_person(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1], pid[WAM_ID_LEN + 1];
	add_in_store(r, id);
	json_t *in = json_pack("{s:s, s:s, s:s}", "item_id", id, "reason", "sold to the Belgian army", "document",
	                       "EL-2026-0007"),
	       *p = NULL, *bare = json_pack("{s:s}", "item_id", id);
	expect_error(wam_registry_export_propose(r->db, NULL, bare), WAM_EINVAL, "reason");
	json_decref(bare);
	assert_int_equal(wam_db_set_actor(r->db, "user:alice"), 0);
	assert_int_equal(wam_registry_export_propose(r->db, &p, in), 0);
	snprintf(pid, sizeof pid, "%s", test_str(p, "id"));
	assert_string_equal(test_str(p, "state"), "proposed");
	assert_string_equal(test_str(p, "proposed_by"), "user:alice");
	json_decref(p);
	expect_error(wam_registry_export_propose(r->db, NULL, in), WAM_ECONFLICT, "item_id");
	long long before = test_events(r);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_int_equal(wam_db_set_actor(r->db, "os:alice"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_int_equal(test_events(r), before);
	json_t *item;
	assert_int_equal(wam_registry_item_get(r->db, &item, id), 0);
	assert_string_equal(test_str(item, "status"), "in_store");
	json_decref(item);
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	assert_int_equal(wam_registry_export_confirm(r->db, &p, pid), 0);
	assert_string_equal(test_str(p, "state"), "confirmed");
	assert_string_equal(test_str(p, "decided_by"), "user:bob");
	json_decref(p);
	assert_int_equal(wam_registry_item_get(r->db, &item, id), 0);
	assert_string_equal(test_str(item, "status"), "exported");
	json_decref(item);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_ECONFLICT, "id");
	/* a withdrawn proposal changes nothing */
	char id2[WAM_ID_LEN + 1];
	add_in_store(r, id2);
	json_object_set_new(in, "item_id", json_string(id2));
	assert_int_equal(wam_registry_export_propose(r->db, &p, in), 0);
	snprintf(pid, sizeof pid, "%s", test_str(p, "id"));
	json_decref(p);
	expect_error(wam_registry_export_withdraw(r->db, NULL, pid, NULL), WAM_EINVAL, "reason");
	assert_int_equal(wam_registry_export_withdraw(r->db, &p, pid, "licence refused"), 0);
	assert_string_equal(test_str(p, "state"), "withdrawn");
	json_decref(p);
	assert_int_equal(wam_db_set_actor(r->db, "user:carol"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_ECONFLICT, "id");
	assert_int_equal(wam_registry_item_get(r->db, &item, id2), 0);
	assert_string_equal(test_str(item, "status"), "in_store");
	json_decref(item);
	json_decref(in);
}

static void add_person(test_reg *r, const char *name, const char *role)
{
	json_t *u = json_pack("{s:s, s:s}", "name", name, "role", role);
	if (wam_auth_user_add(r->db, NULL, u, "a long enough password"))
		fail_msg("add user: %s", wam_error_last()->message);
	json_decref(u);
}

static void propose(test_reg *r, char pid[WAM_ID_LEN + 1])
{
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	json_t *in = json_pack("{s:s, s:s, s:s}", "item_id", id, "reason", "sold", "document", "EL-1"), *p = NULL;
	if (wam_registry_export_propose(r->db, &p, in))
		fail_msg("propose: %s", wam_error_last()->message);
	snprintf(pid, WAM_ID_LEN + 1, "%s", test_str(p, "id"));
	json_decref(p);
	json_decref(in);
}

/* A token acts for whoever added it and never confirms an export: the
 * owner's token does not confirm the owner's proposal, an admin's token does
 * not confirm (nor have confirmed) what the admin proposed or the token
 * proposed; an account the proposer created, or whose password the proposer
 * last set, does not confirm either (rule of independence). */
static void test_registry_export_people_not_tokens(void **state)
{
	test_reg *r = *state;
	char pid[WAM_ID_LEN + 1], secret[WAM_TOKEN_LEN + 1];
	json_t *t = json_pack("{s:s, s:s}", "name", "robot", "role", "admin");
	assert_int_equal(wam_db_set_actor(r->db, "os:root"), 0);
	assert_int_equal(wam_auth_token_add(r->db, NULL, t, secret), 0);
	propose(r, pid);
	long long before = test_events(r);
	assert_int_equal(wam_db_set_actor(r->db, "token:robot"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "token"));
	assert_int_equal(test_events(r), before);
	/* an admin's own token, from their session */
	add_person(r, "adm", "admin");
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	json_object_set_new(t, "name", json_string("adm-script"));
	assert_int_equal(wam_auth_token_add(r->db, NULL, t, secret), 0);
	propose(r, pid);
	assert_int_equal(wam_db_set_actor(r->db, "token:adm-script"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	/* the token proposes, the admin who added it confirms: one person */
	propose(r, pid);
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_true(wam_auth_same_person_db(r->db, "token:adm-script", "os:adm"));
	assert_false(wam_auth_same_person_db(r->db, "token:adm-script", "token:robot"));
	/* an account the proposer made, then one whose password they reset */
	add_person(r, "sock", "registrar");
	propose(r, pid);
	assert_int_equal(wam_db_set_actor(r->db, "user:sock"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "rule of independence"));
	assert_int_equal(wam_db_set_actor(r->db, "os:root"), 0);
	add_person(r, "chief", "registrar");
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	assert_int_equal(wam_auth_user_set_password(r->db, "chief", "a password adm knows"), 0);
	assert_int_equal(wam_db_set_actor(r->db, "user:chief"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "user:adm created the account of chief or set its password"));
	/* chief, signed in with the password adm set, sets an "own" one: adm
	 * set a password of the account, so chief still does not confirm */
	assert_int_equal(wam_auth_user_set_password(r->db, "chief", "chief's own long password"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "user:adm created the account of chief or set its password"));
	/* someone adm never made nor set a password of confirms */
	assert_int_equal(wam_db_set_actor(r->db, "os:root"), 0);
	add_person(r, "auditor", "registrar");
	assert_int_equal(wam_db_set_actor(r->db, "user:auditor"), 0);
	assert_int_equal(wam_registry_export_confirm(r->db, NULL, pid), 0);
	json_decref(t);
}

/* A token does not add tokens, and a chain of tokens adding tokens left by
 * an older registry that is too long or comes back to itself is taken for
 * anyone, so it never passes a two-person rule. */
static void test_registry_token_chains_fail_closed(void **state)
{
	test_reg *r = *state;
	char pid[WAM_ID_LEN + 1], secret[WAM_TOKEN_LEN + 1], name[16], sql[512];
	json_t *t = json_pack("{s:s, s:s}", "name", "c1", "role", "admin");
	add_person(r, "adm", "admin");
	add_person(r, "bob", "registrar");
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	assert_int_equal(wam_auth_token_add(r->db, NULL, t, secret), 0);
	/* a token's request to add a token: refused, nothing written */
	long long before = test_events(r);
	assert_int_equal(wam_db_set_actor(r->db, "token:c1"), 0);
	json_object_set_new(t, "name", json_string("c2"));
	expect_error(wam_auth_token_add(r->db, NULL, t, secret), WAM_EFORBIDDEN, "token");
	assert_non_null(strstr(wam_error_last()->message, "a token does not add tokens"));
	assert_int_equal(test_events(r), before);
	/* an older registry's chain c1 <- c2 <- ... <- c10, all from adm */
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	for (int k = 2; k <= 10; k++) {
		snprintf(name, sizeof name, "c%d", k);
		json_object_set_new(t, "name", json_string(name));
		assert_int_equal(wam_auth_token_add(r->db, NULL, t, secret), 0);
	}
	for (int k = 2; k <= 10; k++) {
		snprintf(sql, sizeof sql,
		         "UPDATE events SET actor='token:c%d' WHERE type='token.added' AND subject=(SELECT id FROM "
		         "tokens WHERE name='c%d')",
		         k - 1, k);
		test_reg_tamper(r, sql);
	}
	assert_true(wam_auth_same_person_db(r->db, "token:c3", "user:adm"));
	assert_false(wam_auth_same_person_db(r->db, "token:c3", "user:bob"));
	/* nine steps: past the limit, taken for anyone */
	assert_true(wam_auth_same_person_db(r->db, "token:c10", "user:bob"));
	assert_true(wam_auth_same_person_db(r->db, "token:c10", "os:root"));
	assert_int_equal(wam_db_set_actor(r->db, "token:c10"), 0);
	propose(r, pid);
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_int_equal(wam_db_set_actor(r->db, "user:bob"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	/* ... and is not taken for the user whose account it would vouch for:
	 * an account adm made is not independent of the long chain */
	json_t *u = NULL, *creds = NULL;
	assert_int_equal(wam_db_set_actor(r->db, "user:adm"), 0);
	add_person(r, "sockc", "registrar");
	assert_int_equal(wam_auth_user_get(r->db, &u, "sockc"), 0);
	assert_int_equal(wam_auth_credentials(r->db, &creds, test_str(u, "id")), 0);
	expect_error(wam_auth_independent(r->db, creds, "sockc", "token:c10", "opened batch B", "verifier"),
	             WAM_EFORBIDDEN, "verifier");
	assert_int_equal(wam_auth_independent(r->db, creds, "sockc", "user:bob", "opened batch B", "verifier"), 0);
	json_decref(u);
	json_decref(creds);
	/* a chain that comes back to itself: c1 added by c3 */
	test_reg_tamper(r, "UPDATE events SET actor='token:c3' WHERE type='token.added' AND subject=(SELECT id "
	                   "FROM tokens WHERE name='c1')");
	assert_true(wam_auth_same_person_db(r->db, "token:c2", "user:bob"));
	/* a token no one added is anyone */
	assert_true(wam_auth_same_person_db(r->db, "token:ghost", "user:bob"));
	json_decref(t);
}

/* The proposer and the confirmer of an export come from no common hand:
 * the proposer's account made by the confirmer, or both accounts made by
 * one admin, do not make two people. */
static void test_registry_export_accounts_apart(void **state)
{
	test_reg *r = *state;
	char pid[WAM_ID_LEN + 1];
	add_person(r, "boss", "admin");
	add_person(r, "x", "admin");
	assert_int_equal(wam_db_set_actor(r->db, "user:boss"), 0);
	add_person(r, "clerk", "registrar");
	assert_int_equal(wam_db_set_actor(r->db, "user:x"), 0);
	add_person(r, "p1", "registrar");
	add_person(r, "k1", "registrar");
	/* boss made clerk's account; clerk proposes, boss confirms: refused */
	assert_int_equal(wam_db_set_actor(r->db, "user:clerk"), 0);
	propose(r, pid);
	long long before = test_events(r);
	assert_int_equal(wam_db_set_actor(r->db, "user:boss"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "user:boss created the account of clerk"));
	assert_int_equal(test_events(r), before);
	/* x made both p1 and k1: p1 proposes, k1 confirms: refused */
	assert_int_equal(wam_db_set_actor(r->db, "user:p1"), 0);
	propose(r, pid);
	assert_int_equal(wam_db_set_actor(r->db, "user:k1"), 0);
	expect_error(wam_registry_export_confirm(r->db, NULL, pid), WAM_EFORBIDDEN, "confirmed_by");
	assert_non_null(strstr(wam_error_last()->message, "k1 and p1 both come from user:x"));
	/* boss, whom no one but the owner made, confirms p1's proposal */
	assert_int_equal(wam_db_set_actor(r->db, "user:boss"), 0);
	assert_int_equal(wam_registry_export_confirm(r->db, NULL, pid), 0);
}

/* wam_auth_same_person: one actor, or one name as account and as user, is
 * one person; a token is never a person's account. */
static void test_registry_same_person(void **state)
{
	(void)state;
	assert_true(wam_auth_same_person("user:alice", "user:alice"));
	assert_true(wam_auth_same_person("os:alice", "user:alice"));
	assert_true(wam_auth_same_person("user:alice", "os:alice"));
	assert_false(wam_auth_same_person("user:alice", "user:bob"));
	assert_false(wam_auth_same_person("os:root", "user:alice"));
	assert_false(wam_auth_same_person("token:alice", "user:alice"));
	assert_false(wam_auth_same_person(NULL, "user:alice"));
}

static void test_registry_status_unknown_word_and_id(void **state)
{
	test_reg *r = *state;
	char id[WAM_ID_LEN + 1];
	add_in_store(r, id);
	expect_error(set_status(r, id, "melted", NULL), WAM_EINVAL, "status");
	assert_non_null(strstr(wam_error_last()->message, "melted"));
	expect_error(set_status(r, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "issued", NULL), WAM_ENOTFOUND, "id");
}

/* ---- duplicates ---- */

#define AK "{\"category\":\"SA2\",\"make\":\"Kalashnikov\",\"serial\":\"AB-123\",\"country\":\"SUHH\"}"
#define AK_AGAIN "{\"category\":\"sa2\",\"make\":\"KALASHNIKOV\",\"serial\":\"ab 123\",\"country\":\"suhh\""

static void test_registry_duplicate_is_conflict(void **state)
{
	test_reg *r = *state;
	char first[WAM_ID_LEN + 1];
	json_t *out;
	test_add_item(r, AK, first);
	long before = test_events(r);
	expect_error(test_try_add_item(r, AK_AGAIN "}", 0, &out), WAM_ECONFLICT, "serial");
	assert_null(out);
	assert_non_null(strstr(wam_error_last()->message, first));
	assert_int_equal(test_events(r), before);
	/* another country of manufacture is another weapon */
	test_add_item(r, "{\"category\":\"SA2\",\"make\":\"Kalashnikov\",\"serial\":\"AB-123\",\"country\":\"BG\"}",
	              NULL);
}

/* The header promises the conflict "naming both ids": with the new record's
 * id given, the message should carry it as well as the existing one. */
static void test_registry_duplicate_message_names_both_ids(void **state)
{
	test_reg *r = *state;
	char first[WAM_ID_LEN + 1];
	const char *second = "01HZZZZZZZZZZZZZZZZZZZZZZZ";
	json_t *out;
	test_add_item(r, AK, first);
	expect_error(test_try_add_item(r, AK_AGAIN ",\"id\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\"}", 0, &out), WAM_ECONFLICT,
	             "serial");
	const char *msg = wam_error_last()->message;
	if (!strstr(msg, first) || !strstr(msg, second))
		fail_msg("BUG-2: the duplicate message should name %s and %s: %s", first, second, msg);
}

static void test_registry_allow_duplicate_records_duplicate_of(void **state)
{
	test_reg *r = *state;
	char first[WAM_ID_LEN + 1];
	json_t *out;
	test_add_item(r, AK, first);
	assert_int_equal(test_try_add_item(r, AK_AGAIN "}", WAM_ALLOW_DUPLICATE, &out), 0);
	const json_t *dups = json_object_get(out, "duplicate_of");
	assert_int_equal(json_array_size(dups), 1);
	assert_string_equal(json_string_value(json_array_get(dups, 0)), first);
	assert_string_equal(test_str(out, "serial"), "ab 123"); /* verbatim */
	assert_string_equal(test_str(out, "country"), "SUHH");
	json_decref(out);
	/* both are found by either spelling of the serial */
	assert_int_equal(wam_registry_item_find_serial(r->db, &out, "AB123"), 0);
	assert_int_equal(json_array_size(out), 2);
	json_decref(out);
}

/* docs/registry.md: 56-1234567, 56 1234567 and full-width ５６１２３４５６７
 * collide; serials with ? or * are never duplicates. */
static void test_registry_duplicate_full_width_and_wildcards(void **state)
{
	test_reg *r = *state;
	char first[WAM_ID_LEN + 1];
	json_t *out;
	test_add_item(r, "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"56-1234567\",\"country\":\"CN\"}",
	              first);
	expect_error(test_try_add_item(r,
	                               "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"５６１２３４５６７\","
	                               "\"country\":\"CN\"}",
	                               0, &out),
	             WAM_ECONFLICT, "serial");
	assert_non_null(strstr(wam_error_last()->message, first));
	test_add_item(r, "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"56-12?4567\",\"country\":\"CN\"}",
	              NULL);
	assert_int_equal(test_try_add_item(r,
	                                   "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"56-12?4567\","
	                                   "\"country\":\"CN\"}",
	                                   0, &out),
	                 0);
	assert_int_equal(json_array_size(json_object_get(out, "duplicate_of")), 0);
	json_decref(out);
	test_add_item(r, "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"56-*\",\"country\":\"CN\"}", NULL);
	test_add_item(r, "{\"category\":\"SA4\",\"make\":\"Norinco\",\"serial\":\"56-*\",\"country\":\"CN\"}", NULL);
}

/* ---- validation ---- */

static void expect_invalid(test_reg *r, const char *json, const char *field, const char *in_message)
{
	json_t *out;
	long before = test_events(r);
	expect_error(test_try_add_item(r, json, 0, &out), WAM_EINVAL, field);
	if (in_message && !strstr(wam_error_last()->message, in_message))
		fail_msg("message should mention '%s': %s", in_message, wam_error_last()->message);
	assert_null(out);
	assert_int_equal(test_events(r), before);
}

static void test_registry_validation_names_the_field(void **state)
{
	test_reg *r = *state;
	char json[256];
	expect_invalid(r, "{\"category\":\"SA9\",\"serial\":\"1\"}", "category", "SA9");
	expect_invalid(r, "{\"make\":\"Colt\",\"serial\":\"1\"}", "category", "required");
	expect_invalid(r, "{\"category\":\"SA1\",\"country\":\"XX\"}", "country", "XX");
	expect_invalid(r, "{\"category\":\"SA1\",\"year\":1700}", "year", "1700");
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(json, sizeof json, "{\"category\":\"SA1\",\"year\":%d}", tm.tm_year + 1900 + 2);
	expect_invalid(r, json, "year", NULL);
	expect_invalid(r, "{\"category\":\"SA1\",\"year\":\"19x5\"}", "year", "whole number");
	expect_invalid(r, "{\"category\":\"SA1\",\"colour\":\"black\"}", "colour", "unknown field");
	expect_invalid(
	    r, "{\"category\":\"SA1\",\"markings\":[{\"component\":\"handle\",\"kind\":\"serial\",\"text\":\"1\"}]}",
	    "markings[0].component", "handle");
	expect_invalid(r,
	               "{\"category\":\"SA1\",\"markings\":[{\"kind\":\"serial\",\"text\":\"1\"},{\"kind\":\"stamp\","
	               "\"text\":\"2\"}]}",
	               "markings[1].kind", "stamp");
	expect_invalid(r, "{\"category\":\"SA1\",\"import_marks\":[{\"country\":\"ZZ\"}]}", "import_marks[0].country",
	               "ZZ");
	expect_invalid(r, "{\"category\":\"SA1\",\"make\":\"Co\\tlt\"}", "make", "control characters");
	expect_invalid(r, "{\"category\":\"SA1\",\"make\":42}", "make", "text");
	expect_invalid(r, "{\"category\":\"SA1\",\"id\":\"not-a-ulid\"}", "id", "ULID");
}

/* docs/registry.md: vocabulary words are accepted in any case, with - or a
 * space for _, and stored lower case. */
static void test_registry_vocabulary_any_case(void **state)
{
	test_reg *r = *state;
	json_t *out;
	int rc = test_try_add_item(
	    r,
	    "{\"category\":\"vii(b)\",\"status\":\"In-Service\",\"markings\":[{\"component\":"
	    "\"Frame Receiver\",\"kind\":\"STATE-OWNERSHIP\",\"text\":\"FAd'H\",\"legibility\":\"Worn\"}]}",
	    0, &out);
	if (rc)
		fail_msg("%s", wam_error_last()->message);
	assert_string_equal(test_str(out, "category"), "VII(b)");
	assert_string_equal(test_str(out, "status"), "in_service");
	const json_t *m = json_array_get(json_object_get(out, "markings"), 0);
	assert_string_equal(test_str(m, "component"), "frame_receiver");
	assert_string_equal(test_str(m, "kind"), "state_ownership");
	assert_string_equal(test_str(m, "legibility"), "worn");
	json_decref(out);
}

/* ---- lists: totals and orders ---- */

/* The serials of a page of `f`, comma-joined into `buf`; the page in *out. */
static const char *serials_of(test_reg *r, const wam_item_filter *f, json_t **out, char *buf, size_t cap)
{
	int rc = wam_registry_item_list(r->db, out, f);
	if (rc)
		fail_msg("list: %s", wam_error_last()->message);
	buf[0] = 0;
	const json_t *it;
	size_t i, n = 0;
	json_array_foreach(json_object_get(*out, "items"), i, it) n +=
	    (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i ? "," : "", test_str(it, "serial"));
	return buf;
}

/* docs/api.md "Pages": a list answers the total of its filter on every
 * page, sorts on a whitelisted column either way (ties in registration
 * order), pages by offset, and refuses an unknown order or a cursor with
 * one, naming the field. */
static void test_registry_item_list_total_and_order(void **state)
{
	test_reg *r = *state;
	static const char *const rows[][3] = {
	    {"C-3", "Beretta", "in_store"}, {"A-1", "Norinco", "stolen"}, {"B-2", "beretta", "in_store"},
	    {"E-5", "Norinco", "in_store"}, {"D-4", "Zastava", "stolen"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char json[256];
		snprintf(
		    json, sizeof json,
		    "{\"category\":\"SA4\",\"make\":\"%s\",\"serial\":\"%s\",\"country\":\"CN\",\"status\":\"%s\"}",
		    rows[i][1], rows[i][0], rows[i][2]);
		test_add_item(r, json, NULL);
	}
	json_t *out;
	char buf[256];
	wam_item_filter f = {.limit = 2};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "C-3,A-1");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 5);
	assert_int_equal(json_integer_value(json_object_get(out, "next_offset")), 2);
	assert_true(json_is_string(json_object_get(out, "next")));
	json_decref(out);

	f = (wam_item_filter){.sort = "serial", .limit = 2, .offset = 2};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "C-3,D-4");
	assert_true(json_is_null(json_object_get(out, "next")));
	json_decref(out);
	f = (wam_item_filter){.sort = "-serial", .limit = 10};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "E-5,D-4,C-3,B-2,A-1");
	assert_true(json_is_null(json_object_get(out, "next_offset")));
	json_decref(out);
	/* a make in any case sorts as one; ties in registration order, the
	 * reverse order reverses them too */
	f = (wam_item_filter){.sort = "make", .limit = 10};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "C-3,B-2,A-1,E-5,D-4");
	json_decref(out);
	f = (wam_item_filter){.status = "in_store", .sort = "-make", .limit = 10};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "E-5,B-2,C-3");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
	assert_false(json_is_true(json_object_get(out, "total_capped")));
	json_decref(out);
	f = (wam_item_filter){.make = "NORINCO", .sort = "serial", .limit = 1};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "A-1");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 2);
	json_decref(out);
	f = (wam_item_filter){.status = "found", .sort = "serial"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
	json_decref(out);

	f = (wam_item_filter){.sort = "notes"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "sort");
	f = (wam_item_filter){.sort = "serial", .after_id = "01HZZZZZZZZZZZZZZZZZZZZZZZ"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "after");
	f = (wam_item_filter){.offset = -1};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "offset");
}

/* ---- references to sites and holders ---- */

/* A site_id must name a site and a holder_id a holder, however many
 * weapons were registered through the handle before (BUG-6: ids of both
 * kinds share one "known to exist" cache in item.c take_ref). */
static void test_registry_reference_must_name_right_kind(void **state)
{
	test_reg *r = *state;
	json_t *site = json_pack("{s:s, s:s}", "name", "Depot Nord", "kind", "depot");
	json_t *holder = json_pack("{s:s, s:s}", "name", "Police Nationale", "type", "police");
	json_t *s_out, *h_out, *out;
	char sid[WAM_ID_LEN + 1], hid[WAM_ID_LEN + 1], json[256], field[3][64];
	int rc[3];
	assert_int_equal(wam_registry_site_add(r->db, &s_out, site), 0);
	assert_int_equal(wam_registry_holder_add(r->db, &h_out, holder), 0);
	snprintf(sid, sizeof sid, "%s", test_str(s_out, "id"));
	snprintf(hid, sizeof hid, "%s", test_str(h_out, "id"));
	json_decref(site);
	json_decref(holder);
	json_decref(s_out);
	json_decref(h_out);
	snprintf(json, sizeof json, "{\"category\":\"SA1\",\"site_id\":\"%s\",\"holder_id\":\"%s\"}", sid, hid);
	test_add_item(r, json, NULL);
	const char *fmt[3] = {"{\"category\":\"SA1\",\"site_id\":\"%s\"}",
	                      "{\"category\":\"SA1\",\"holder_id\":\"%s\"}",
	                      "{\"category\":\"SA1\",\"site_id\":\"%s\"}"};
	const char *ref[3] = {hid, sid, "01ARZ3NDEKTSV4RRFFQ69G5FAV"};
	for (int i = 0; i < 3; i++) {
		snprintf(json, sizeof json, fmt[i], ref[i]);
		rc[i] = test_try_add_item(r, json, 0, &out);
		snprintf(field[i], sizeof field[i], "%s", wam_error_last()->field);
		json_decref(out);
	}
	if (rc[0] != WAM_EINVAL || strcmp(field[0], "site_id") != 0)
		fail_msg("BUG-6: a holder's id was accepted as site_id (%s)", wam_error_name(rc[0]));
	if (rc[1] != WAM_EINVAL || strcmp(field[1], "holder_id") != 0)
		fail_msg("BUG-6: a site's id was accepted as holder_id (%s)", wam_error_name(rc[1]));
	assert_int_equal(rc[2], WAM_EINVAL);
	assert_string_equal(field[2], "site_id");
}

/* ---- scripts and countries ---- */

static void test_registry_markings_kept_verbatim_with_script(void **state)
{
	test_reg *r = *state;
	json_t *out;
	int rc = test_try_add_item(
	    r,
	    "{\"category\":\"SA2\",\"make\":\"Izhmash\",\"serial\":\"БТ 4471\",\"country\":\"SUHH\",\"markings\":["
	    "{\"component\":\"frame_receiver\",\"kind\":\"manufacturer\",\"text\":\"ИЖМАШ\"},"
	    "{\"component\":\"top_cover\",\"kind\":\"state_ownership\",\"text\":\"الجيش العراقي\"},"
	    "{\"component\":\"bolt\",\"kind\":\"serial\",\"text\":\"۱۲۳۴۵\"},"
	    "{\"component\":\"stock\",\"kind\":\"other\",\"text\":\"Made in ССССР\"}]}",
	    0, &out);
	if (rc)
		fail_msg("%s", wam_error_last()->message);
	const json_t *m = json_object_get(out, "markings");
	assert_int_equal(json_array_size(m), 5); /* the frame serial is mirrored first */
	static const char *const want[][2] = {{"БТ 4471", "cyrillic"},
	                                      {"ИЖМАШ", "cyrillic"},
	                                      {"الجيش العراقي", "arabic"},
	                                      {"۱۲۳۴۵", "persian"},
	                                      {"Made in ССССР", "mixed"}};
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(test_str(json_array_get(m, i), "text"), want[i][0]);
		assert_string_equal(test_str(json_array_get(m, i), "script"), want[i][1]);
	}
	assert_string_equal(test_str(out, "serial"), "БТ 4471");
	json_decref(out);
}

static void test_registry_iso3166_3_codes_accepted(void **state)
{
	test_reg *r = *state;
	json_t *out;
	const char *json[] = {"{\"category\":\"SA2\",\"make\":\"Izhmash\",\"serial\":\"1\",\"country\":\"SUHH\"}",
	                      "{\"category\":\"SA2\",\"make\":\"Zastava\",\"serial\":\"2\",\"country\":\"YUCS\"}",
	                      "{\"category\":\"SA2\",\"make\":\"Zastava\",\"serial\":\"3\",\"country\":\"yucs\"}"};
	const char *want[] = {"SUHH", "YUCS", "YUCS"};
	for (int i = 0; i < 3; i++) {
		if (test_try_add_item(r, json[i], 0, &out))
			fail_msg("%s: %s", json[i], wam_error_last()->message);
		assert_string_equal(test_str(out, "country"), want[i]);
		json_decref(out);
	}
}

/* ---- normalized keys ---- */

static void expect_key(const char *in, const char *want)
{
	char out[256];
	long n = wam_match_name_key(out, sizeof out, in);
	if (n < 0 || strcmp(out, want) != 0)
		fail_msg("wam_match_name_key(\"%s\") = \"%s\" (%ld), expected \"%s\"", in, out, n, want);
	assert_int_equal(n, (long)strlen(want));
}

static void test_registry_norm_key(void **state)
{
	(void)state;
	expect_key("ab-123", "AB123");
	expect_key(" AB 12/3. ", "AB123");
	expect_key("ＡＢ-１２３", "AB123"); /* full-width forms */
	expect_key("٥٦١٢٣٤٥", "5612345");   /* Arabic-Indic digits */
	expect_key("۵۶۱۲۳۴۵", "5612345");   /* Persian digits */
	expect_key("№ 123", "123");         /* numero sign */
	expect_key("№123-ab", "123AB");
	expect_key("12?4", "12?4"); /* wildcards are kept */
	char a[64], b[64];
	wam_match_name_key(a, sizeof a, "БТ-4471");
	wam_match_name_key(b, sizeof b, "бт 4471");
	assert_string_equal(a, b); /* Cyrillic: case does not matter either */
	assert_int_equal(wam_match_name_key(a, sizeof a, "AB\xff"), -1);
}

static void test_registry_serial_key_from_arabic_digits(void **state)
{
	test_reg *r = *state;
	json_t *out;
	assert_int_equal(
	    test_try_add_item(r, "{\"category\":\"SA2\",\"make\":\"MIC\",\"serial\":\"٥٦١٢٣٤٥\",\"country\":\"IQ\"}", 0,
	                      &out),
	    0);
	assert_string_equal(test_str(out, "serial"), "٥٦١٢٣٤٥");
	assert_string_equal(test_str(out, "serial_key"), "5612345");
	json_decref(out);
	assert_int_equal(wam_registry_item_find_serial(r->db, &out, "56-12345"), 0);
	assert_int_equal(json_array_size(out), 1);
	json_decref(out);
}

/* ---- how a weapon was made, and its parts ---- */

/* R4: a polymer or printed frame without a marked serialised metal insert is
 * inadequate once R1 and R2 are met; the insert counts on the frame or on
 * the component said to carry the serial, nowhere else. */
static void test_registry_marking_r4_insert(void **state)
{
	test_reg *r = *state;
	char *why;
	why = marking_of(r,
	                 "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-1\",\"country\":\"HT\","
	                 "\"frame_material\":\"polymer\"}",
	                 "inadequate");
	assert_string_equal(why, "R4: a polymer or printed frame carries no marked serialised metal insert");
	free(why);
	/* printed, serial printed into the frame: no insert */
	free(marking_of(
	    r,
	    "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-2\",\"country\":\"HT\","
	    "\"manufacture\":\"printed\",\"markings\":[{\"component\":\"frame_receiver\",\"kind\":\"serial\","
	    "\"text\":\"PF-2\",\"method\":\"printed\"}]}",
	    "inadequate"));
	/* an insert on the barrel, which does not carry the serial */
	free(marking_of(r,
	                "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-3\",\"country\":\"HT\","
	                "\"manufacture\":\"printed\",\"markings\":[{\"component\":\"barrel\",\"kind\":\"serial\","
	                "\"text\":\"PF-3\",\"method\":\"insert\"}]}",
	                "inadequate"));
	/* an insert that is not the serial marking */
	free(marking_of(r,
	                "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-4\",\"country\":\"HT\","
	                "\"frame_material\":\"polymer\",\"markings\":[{\"component\":\"frame_receiver\",\"kind\":"
	                "\"manufacturer\",\"text\":\"FGC\",\"method\":\"insert\"}]}",
	                "inadequate"));
	/* the insert on the frame */
	why = marking_of(r,
	                 "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-5\",\"country\":\"HT\","
	                 "\"manufacture\":\"printed\",\"frame_material\":\"polymer\",\"markings\":[{\"component\":"
	                 "\"frame_receiver\",\"kind\":\"serial\",\"text\":\"PF-5\",\"method\":\"insert\"}]}",
	                 "adequate");
	free(why);
	/* on the component that carries the serial */
	free(marking_of(r,
	                "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-6\",\"country\":\"HT\","
	                "\"frame_material\":\"polymer\",\"serial_component\":\"slide\",\"markings\":[{\"component\":"
	                "\"slide\",\"kind\":\"serial\",\"text\":\"PF-6\",\"method\":\"insert\"}]}",
	                "adequate"));
	/* an obliterated or partly legible insert traces nothing, whatever the
	 * slide says */
	free(marking_of(r,
	                "{\"category\":\"SA2\",\"make\":\"Glock\",\"serial\":\"PF-13\",\"country\":\"HT\","
	                "\"frame_material\":\"polymer\",\"markings\":[{\"component\":\"frame_receiver\",\"kind\":"
	                "\"serial\",\"text\":\"PF-13\",\"method\":\"insert\",\"legibility\":\"obliterated\"},"
	                "{\"component\":\"slide\",\"kind\":\"serial\",\"text\":\"PF-13\",\"method\":\"stamped\"}]}",
	                "inadequate"));
	/* a printed lower receiver's insert, on the lower receiver */
	free(marking_of(r,
	                "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"lower_receiver\",\"make\":"
	                "\"Ghost\",\"serial\":\"LR-1\",\"country\":\"HT\",\"manufacture\":\"printed\",\"markings\":"
	                "[{\"component\":\"lower_receiver\",\"kind\":\"serial\",\"text\":\"LR-1\",\"method\":"
	                "\"insert\"}]}",
	                "adequate"));
	/* a metal frame, a factory weapon: R4 does not apply */
	free(marking_of(r,
	                "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"PF-7\",\"country\":\"HT\","
	                "\"frame_material\":\"metal\",\"manufacture\":\"factory\"}",
	                "adequate"));
	/* R1 first: without a maker the reason is R1's */
	why = marking_of(r, "{\"category\":\"SA1\",\"serial\":\"PF-8\",\"country\":\"HT\",\"manufacture\":\"printed\"}",
	                 "inadequate");
	assert_non_null(strstr(why, "R1:"));
	free(why);
	/* an obliterated serial keeps its priority */
	free(marking_of(r,
	                "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"country\":\"HT\",\"manufacture\":\"printed\","
	                "\"markings\":[{\"component\":\"frame_receiver\",\"kind\":\"serial\",\"text\":\"X\","
	                "\"legibility\":\"obliterated\"}]}",
	                "obliterated"));
	/* a printed frame part counts as the weapon; a printed barrel does not */
	free(marking_of(r,
	                "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"frame_receiver\",\"make\":\"FGC-9\","
	                "\"serial\":\"PF-9\",\"country\":\"HT\",\"manufacture\":\"printed\"}",
	                "inadequate"));
	free(marking_of(r,
	                "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"lower_receiver\",\"make\":\"FGC-9\","
	                "\"serial\":\"PF-10\",\"country\":\"HT\",\"frame_material\":\"polymer\"}",
	                "inadequate"));
	free(marking_of(r,
	                "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"FGC-9\","
	                "\"serial\":\"PF-11\",\"country\":\"HT\",\"manufacture\":\"printed\"}",
	                "adequate"));
	/* the reason read back carries its message id */
	json_t *out;
	assert_int_equal(test_try_add_item(r,
	                                   "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"serial\":\"PF-12\",\"country\":"
	                                   "\"HT\",\"frame_material\":\"polymer\"}",
	                                   0, &out),
	                 0);
	assert_string_equal(test_str(out, "marking_reason_id"), "registry.r4_polymer_printed_frame_carries");
	assert_string_equal(test_str(out, "frame_material"), "polymer");
	assert_string_equal(test_str(out, "kind"), "weapon");
	json_decref(out);
}

/* Every makeup field takes only its words, and a part's fields only a part:
 * each refusal names the field and records nothing. */
static void test_registry_makeup_refusals_name_the_field(void **state)
{
	test_reg *r = *state;
	static const struct {
		const char *json, *field;
		int code;
	} bad[] = {
	    {"\"kind\":\"gadget\"", "kind", WAM_EINVAL},
	    {"\"kind\":\"part\"", "part_type", WAM_EINVAL},
	    {"\"kind\":\"part\",\"part_type\":\"stock\"", "part_type", WAM_EINVAL},
	    {"\"part_type\":\"barrel\"", "part_type", WAM_EINVAL},
	    {"\"manufacture\":\"printed3d\"", "manufacture", WAM_EINVAL},
	    {"\"manufacture\":\"factory\",\"converted_from\":\"alarm\"", "converted_from", WAM_EINVAL},
	    {"\"converted_from\":\"alarm\"", "converted_from", WAM_EINVAL},
	    {"\"manufacture\":\"converted\",\"converted_from\":\"toy\"", "converted_from", WAM_EINVAL},
	    {"\"frame_material\":\"wood\"", "frame_material", WAM_EINVAL},
	    {"\"serial_component\":\"grip\"", "serial_component", WAM_EINVAL},
	    {"\"belongs_to\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\"", "belongs_to", WAM_EINVAL},
	    {"\"kind\":\"part\",\"part_type\":\"barrel\",\"belongs_to\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\"", "belongs_to",
	     WAM_ENOTFOUND},
	    {"\"markings\":[{\"component\":\"frame_receiver\",\"kind\":\"serial\",\"text\":\"R-1\",\"method\":"
	     "\"glued\"}]",
	     "markings[0].method", WAM_EINVAL},
	};
	long long events = test_events(r);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char json[512];
		json_t *out = NULL;
		snprintf(json, sizeof json,
		         "{\"category\":\"SA1\",\"make\":\"Colt\",\"serial\":\"R-%zu\",\"country\":\"HT\",%s}", i,
		         bad[i].json);
		expect_error(test_try_add_item(r, json, 0, &out), bad[i].code, bad[i].field);
		assert_null(out);
	}
	test_unchanged(r, events);
	/* the words are those the vocabulary gives */
	json_t *v;
	assert_int_equal(wam_registry_vocabulary(r->db, &v), 0);
	assert_int_equal(json_array_size(json_object_get(v, "part_types")), 10);
	assert_int_equal(json_array_size(json_object_get(v, "manufactures")), 6);
	assert_int_equal(json_array_size(json_object_get(v, "conversions")), 7);
	assert_int_equal(json_array_size(json_object_get(v, "frame_materials")), 3);
	assert_int_equal(json_array_size(json_object_get(v, "marking_methods")), 7);
	json_decref(v);
}

/* A part is linked to a weapon and unlinked with a reason; a weapon lists
 * its parts. Attaching a weapon, to a part, to an unknown or destroyed
 * weapon is refused and records nothing. */
static void test_registry_attach_rules(void **state)
{
	test_reg *r = *state;
	char weapon[32], other[32], part[32], frame[32], gone[32];
	json_t *out = NULL;
	test_add_item(r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"AT-1\",\"country\":\"HT\"}", weapon);
	test_add_item(r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"AT-2\",\"country\":\"HT\"}", other);
	test_add_item(r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"AT-3\",\"country\":\"HT\"}", gone);
	test_add_item(r,
	              "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"Glock\",\"serial\":"
	              "\"AT-B\",\"country\":\"HT\"}",
	              part);
	test_add_item(r,
	              "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"frame_receiver\",\"make\":\"Glock\","
	              "\"serial\":\"AT-F\",\"country\":\"HT\"}",
	              frame);
	char slide[32];
	test_add_item(r,
	              "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"slide\",\"make\":\"Glock\","
	              "\"serial\":\"AT-SL\",\"country\":\"HT\"}",
	              slide);
	json_t *d = json_pack("{s:s, s:s}", "reason", "destroyed in test", "certificate", "C-1");
	assert_int_equal(wam_registry_item_set_final_status(r->db, NULL, gone, "destroyed", d), 0);
	json_decref(d);

	char json[256];
	long long events = test_events(r);
	expect_error(wam_registry_item_attach(r->db, &out, weapon, other, NULL), WAM_EINVAL, "id");
	expect_error(wam_registry_item_attach(r->db, &out, part, slide, NULL), WAM_EINVAL, "weapon_id");
	/* a frame is the weapon: it is attached to nothing; an empty weapon_id
	 * is no detach */
	expect_error(wam_registry_item_attach(r->db, &out, frame, weapon, "x"), WAM_EINVAL, "id");
	expect_error(wam_registry_item_attach(r->db, &out, part, "", "x"), WAM_EINVAL, "weapon_id");
	assert_string_equal(wam_error_last()->message, "weapon_id is a weapon's id, or null to detach the part");
	expect_error(wam_registry_item_attach(r->db, &out, part, "01HZZZZZZZZZZZZZZZZZZZZZZZ", NULL), WAM_ENOTFOUND,
	             "weapon_id");
	expect_error(wam_registry_item_attach(r->db, &out, part, gone, NULL), WAM_ECONFLICT, "weapon_id");
	expect_error(wam_registry_item_attach(r->db, &out, part, NULL, "no weapon yet"), WAM_ECONFLICT, "weapon_id");
	snprintf(json, sizeof json,
	         "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"lower_receiver\",\"serial\":\"AT-L\","
	         "\"belongs_to\":\"%s\"}",
	         weapon);
	expect_error(test_try_add_item(r, json, 0, &out), WAM_EINVAL, "belongs_to");
	expect_error(wam_registry_item_attach(r->db, &out, "01HZZZZZZZZZZZZZZZZZZZZZZZ", weapon, NULL), WAM_ENOTFOUND,
	             "id");
	assert_null(out);
	test_unchanged(r, events);

	assert_int_equal(wam_registry_item_attach(r->db, &out, part, weapon, "fitted"), 0);
	assert_string_equal(test_str(out, "belongs_to"), weapon);
	json_decref(out);
	assert_int_equal(test_events(r), events + 1);
	assert_int_equal(wam_registry_item_get(r->db, &out, weapon), 0);
	json_t *parts = json_object_get(out, "parts");
	assert_int_equal(json_array_size(parts), 1);
	assert_string_equal(test_str(json_array_get(parts, 0), "id"), part);
	assert_string_equal(test_str(json_array_get(parts, 0), "part_type"), "barrel");
	assert_string_equal(test_str(json_array_get(parts, 0), "serial"), "AT-B");
	json_decref(out);
	expect_error(wam_registry_item_attach(r->db, &out, part, weapon, NULL), WAM_ECONFLICT, "weapon_id");
	/* moved to another weapon, then detached with a reason */
	assert_int_equal(wam_registry_item_attach(r->db, NULL, part, other, NULL), 0);
	assert_int_equal(wam_registry_item_get(r->db, &out, weapon), 0);
	assert_int_equal(json_array_size(json_object_get(out, "parts")), 0);
	json_decref(out);
	expect_error(wam_registry_item_attach(r->db, &out, part, NULL, NULL), WAM_EINVAL, "reason");
	assert_int_equal(wam_registry_item_attach(r->db, &out, part, NULL, "sent to the laboratory"), 0);
	assert_null(json_object_get(out, "belongs_to"));
	json_decref(out);
	/* the history says what happened in the field's words */
	assert_int_equal(wam_registry_item_history(r->db, &out, part), 0);
	char *h = json_dumps(out, JSON_COMPACT);
	assert_non_null(strstr(h, "part detached from its weapon: sent to the laboratory"));
	char said[96];
	snprintf(said, sizeof said, "part attached to weapon %s: fitted", weapon);
	assert_non_null(strstr(h, said));
	free(h);
	json_decref(out);
	/* a barrel belongs to the printed frame, which is the weapon */
	assert_int_equal(wam_registry_item_attach(r->db, &out, part, frame, "fitted to the frame"), 0);
	assert_string_equal(test_str(out, "belongs_to"), frame);
	json_decref(out);
	assert_int_equal(wam_registry_item_get(r->db, &out, frame), 0);
	assert_int_equal(json_array_size(json_object_get(out, "parts")), 1);
	json_decref(out);
	/* registered as belonging: the weapon lists it at once */
	char spare[32];
	snprintf(json, sizeof json,
	         "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"slide\",\"serial\":\"AT-S\",\"belongs_to\":"
	         "\"%s\"}",
	         other);
	test_add_item(r, json, spare);
	assert_int_equal(wam_registry_item_get(r->db, &out, other), 0);
	assert_int_equal(json_array_size(json_object_get(out, "parts")), 1);
	json_decref(out);
	snprintf(json, sizeof json,
	         "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"slide\",\"serial\":\"AT-T\",\"belongs_to\":"
	         "\"%s\"}",
	         gone);
	expect_error(test_try_add_item(r, json, 0, &out), WAM_ECONFLICT, "belongs_to");
	/* a barrel that repeats its pistol's serial is no duplicate of it; a
	 * second barrel with that serial is, and a frame is of the pistol */
	test_add_item(r,
	              "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"Glock\",\"serial\":"
	              "\"AT-1\",\"country\":\"HT\"}",
	              NULL);
	expect_error(test_try_add_item(r,
	                               "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":"
	                               "\"Glock\",\"serial\":\"AT-1\",\"country\":\"HT\"}",
	                               0, &out),
	             WAM_ECONFLICT, "serial");
	expect_error(test_try_add_item(r,
	                               "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"frame_receiver\","
	                               "\"make\":\"Glock\",\"serial\":\"AT-1\",\"country\":\"HT\"}",
	                               0, &out),
	             WAM_ECONFLICT, "serial");
	test_expect_rebuilt(r, "SELECT group_concat(item_id || ' ' || kind || ' ' || coalesce(part_type, '') || ' ' || "
	                       "coalesce(belongs_to, ''), ';') FROM (SELECT * FROM item_makeup ORDER BY item_id)");
}

/* A part's serial is marked on the part itself, or on the component the
 * item says carries it; no frame marking is made up for it. */
static void test_registry_serial_on_its_component(void **state)
{
	test_reg *r = *state;
	json_t *out;
	char id[32];
	static const struct {
		const char *json, *components;
	} cases[] = {
	    {"{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"Glock\",\"serial\":"
	     "\"BB-9\",\"country\":\"HT\"}",
	     "barrel"},
	    {"{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"Glock\",\"serial\":"
	     "\"BB-10\",\"country\":\"HT\",\"serial_component\":\"other\"}",
	     "other"},
	    {"{\"category\":\"SA2\",\"make\":\"Glock\",\"serial\":\"ABC124\",\"country\":\"HT\","
	     "\"frame_material\":\"polymer\",\"serial_component\":\"slide\",\"markings\":[{\"component\":"
	     "\"slide\",\"kind\":\"serial\",\"text\":\"ABC124\",\"method\":\"insert\"}]}",
	     "slide"},
	    {"{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"lower_receiver\",\"make\":\"Ghost\","
	     "\"serial\":\"LR-2\",\"country\":\"HT\",\"serial_component\":\"lower_receiver\"}",
	     "lower_receiver"},
	    {"{\"category\":\"SA2\",\"make\":\"Glock\",\"serial\":\"ABC125\",\"country\":\"HT\"}", "frame_receiver"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_add_item(r, cases[i].json, id);
		assert_int_equal(wam_registry_item_get(r->db, &out, id), 0);
		const json_t *m;
		size_t k;
		char got[128] = "";
		json_array_foreach(json_object_get(out, "markings"), k, m) snprintf(
		    got + strlen(got), sizeof got - strlen(got), "%s%s", k ? "," : "", test_str(m, "component"));
		assert_string_equal(got, cases[i].components);
		json_decref(out);
	}
	test_expect_rebuilt(r, "SELECT group_concat(item_id || ' ' || n || ' ' || component, ';') FROM (SELECT * "
	                       "FROM markings ORDER BY item_id, n)");
}

/* The makeup filters of a list and the summary's breakdowns. */
static void test_registry_makeup_list_and_summary(void **state)
{
	test_reg *r = *state;
	static const char *const items[] = {
	    "{\"category\":\"SA1\",\"make\":\"A\",\"serial\":\"L-1\",\"country\":\"HT\"}",
	    "{\"category\":\"SA1\",\"make\":\"A\",\"serial\":\"L-2\",\"country\":\"HT\",\"manufacture\":\"printed\","
	    "\"frame_material\":\"polymer\"}",
	    "{\"category\":\"SA1\",\"make\":\"A\",\"serial\":\"L-3\",\"country\":\"HT\",\"manufacture\":\"converted\","
	    "\"converted_from\":\"alarm\",\"frame_material\":\"metal\"}",
	    "{\"category\":\"SHOTGUN\",\"make\":\"A\",\"serial\":\"L-4\",\"country\":\"HT\",\"manufacture\":\"craft\"}",
	    "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"serial\":\"L-5\",\"manufacture\":"
	    "\"printed\"}",
	    "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"frame_receiver\",\"serial\":\"L-6\","
	    "\"manufacture\":\"printed\",\"frame_material\":\"polymer\"}",
	};
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
		test_add_item(r, items[i], NULL);
	json_t *out;
	char buf[256];
	wam_item_filter f = {.manufacture = "printed"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-2,L-5,L-6");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
	json_decref(out);
	/* the frame part is the weapon, as the summary counts it */
	f = (wam_item_filter){.kind = "part"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-5");
	json_decref(out);
	f = (wam_item_filter){.kind = "weapon"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-1,L-2,L-3,L-4,L-6");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 5);
	json_decref(out);
	f = (wam_item_filter){.kind = "weapon", .manufacture = "printed"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-2,L-6");
	json_decref(out);
	/* words in any case, with - or space for _, as on input */
	f = (wam_item_filter){.kind = "Part", .manufacture = "PRINTED"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-5");
	json_decref(out);
	f = (wam_item_filter){.part_type = "Frame Receiver", .frame_material = "Polymer"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-6");
	json_decref(out);
	f = (wam_item_filter){.part_type = "frame_receiver", .frame_material = "polymer"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-6");
	json_decref(out);
	f = (wam_item_filter){.frame_material = "metal", .sort = "-serial"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-3");
	json_decref(out);
	f = (wam_item_filter){.category = "SHOTGUN", .manufacture = "craft"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "L-4");
	json_decref(out);
	f = (wam_item_filter){.manufacture = "reactivated"};
	assert_string_equal(serials_of(r, &f, &out, buf, sizeof buf), "");
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
	json_decref(out);
	f = (wam_item_filter){.kind = "gadget"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "kind");
	f = (wam_item_filter){.part_type = "grip"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "part_type");
	f = (wam_item_filter){.manufacture = "3d"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "manufacture");
	f = (wam_item_filter){.frame_material = "wood"};
	expect_error(wam_registry_item_list(r->db, &out, &f), WAM_EINVAL, "frame_material");

	assert_int_equal(wam_registry_summary(r->db, &out), 0);
	char *s = json_dumps(json_object_get(out, "by_kind"), JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"part\":1,\"weapon\":5}"); /* the frame counts as a weapon */
	free(s);
	s = json_dumps(json_object_get(out, "parts_by_type"), JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"barrel\":1,\"frame_receiver\":1}");
	free(s);
	s = json_dumps(json_object_get(out, "by_manufacture"), JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"converted\":1,\"craft\":1,\"printed\":2,\"unknown\":1}");
	free(s);
	s = json_dumps(json_object_get(out, "by_frame_material"), JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"metal\":1,\"polymer\":2,\"unknown\":2}");
	free(s);
	json_decref(out);
	test_expect_rebuilt(r, "SELECT group_concat(item_id || ' ' || n || ' ' || method, ';') FROM marking_methods");
}

/* A holder who is a person keeps a sex and an age band: given at
 * registration they are kept, absent they are not_recorded (and no
 * holder_people row is written), a bad word is refused naming the field with
 * nothing written, a description given later is one holder.described event
 * that changes only what it gives, and the ledger replays to the same rows. */
static void test_registry_holder_people(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL, *h = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "Licensee 1187", "type", "civilian",
	                                   "licence", "CP-2021-1187", "sex", "FEMALE", "age_band", "35-59");
	assert_int_equal(wam_registry_holder_add(r->db, &out, h), 0);
	assert_string_equal(test_str(out, "sex"), "female");
	assert_string_equal(test_str(out, "age_band"), "35_59");
	json_decref(out);
	json_decref(h);
	h = json_pack("{s:s, s:s}", "name", "Police Nationale", "type", "police");
	assert_int_equal(wam_registry_holder_add(r->db, &out, h), 0);
	char police[40];
	snprintf(police, sizeof police, "%s", test_str(out, "id"));
	assert_string_equal(test_str(out, "sex"), "not_recorded");
	assert_string_equal(test_str(out, "age_band"), "not_recorded");
	json_decref(out);
	json_decref(h);
	assert_int_equal(test_count(r, "SELECT count(*) FROM holder_people"), 1);

	long long events = test_events(r);
	const char *bad[][2] = {{"sex", "f"}, {"age_band", "adult"}};
	for (size_t k = 0; k < 2; k++) {
		h = json_pack("{s:s, s:s, s:s}", "name", "Licensee 2", "type", "civilian", bad[k][0], bad[k][1]);
		assert_int_equal(wam_registry_holder_add(r->db, &out, h), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][0]);
		json_decref(h);
		h = json_pack("{s:s}", bad[k][0], bad[k][1]);
		assert_int_equal(wam_registry_holder_describe(r->db, &out, police, h), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][0]);
		json_decref(h);
	}
	h = json_object();
	assert_int_equal(wam_registry_holder_describe(r->db, &out, police, h), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "sex");
	json_object_set_new(h, "name", json_string("someone else"));
	assert_int_equal(wam_registry_holder_describe(r->db, &out, police, h), WAM_EINVAL);
	json_decref(h);
	h = json_pack("{s:s}", "sex", "male");
	assert_int_equal(wam_registry_holder_describe(r->db, &out, "01NOSUCHHOLDER000000000000", h), WAM_ENOTFOUND);
	test_unchanged(r, events);

	assert_int_equal(wam_registry_holder_describe(r->db, &out, police, h), 0);
	assert_string_equal(test_str(out, "sex"), "male");
	assert_string_equal(test_str(out, "age_band"), "not_recorded");
	assert_string_equal(test_str(out, "name"), "Police Nationale");
	json_decref(out);
	json_decref(h);
	assert_int_equal(test_events(r), events + 1);
	h = json_pack("{s:s}", "age_band", "25_34");
	assert_int_equal(wam_registry_holder_describe(r->db, &out, police, h), 0);
	assert_string_equal(test_str(out, "sex"), "male");
	assert_string_equal(test_str(out, "age_band"), "25_34");
	json_decref(out);
	json_decref(h);
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE type='holder.described'"), 2);

	json_t *all = NULL;
	assert_int_equal(wam_registry_holder_list(r->db, &all), 0);
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(test_str(json_array_get(all, 0), "sex"), "female"); /* Licensee 1187, by name */
	assert_string_equal(test_str(json_array_get(all, 1), "age_band"), "25_34");
	json_decref(all);
	assert_int_equal(wam_registry_vocabulary(r->db, &all), 0);
	assert_int_equal(json_array_size(json_object_get(all, "person_sexes")), 4);
	assert_int_equal(json_array_size(json_object_get(all, "person_age_bands")), 6);
	json_decref(all);
	test_expect_rebuilt(r, "SELECT group_concat(x, '|') FROM (SELECT holder_id||sex||age_band||last_seq AS x"
	                       " FROM holder_people UNION ALL SELECT id||last_seq FROM holders ORDER BY 1)");
	assert_int_equal(test_count(r, "SELECT count(*) FROM holder_people"), 2);
}

int main(void)
{
#define T(name) TEST_IN_HT(name)
	const struct CMUnitTest tests[] = {
	    T(test_registry_marking_unmarked),
	    T(test_registry_marking_obliterated),
	    T(test_registry_marking_partial_with_wildcard),
	    T(test_registry_marking_altered),
	    T(test_registry_marking_inadequate_r1),
	    T(test_registry_marking_inadequate_r2_without_import_mark),
	    T(test_registry_marking_adequate),
	    T(test_registry_status_legal_path),
	    T(test_registry_status_reason_msg),
	    T(test_registry_status_illegal_transition_lists_allowed),
	    T(test_registry_status_stolen_needs_reason),
	    T(test_registry_status_destroyed_needs_certificate),
	    T(test_registry_status_final_only_by_procedure),
	    T(test_registry_export_two_person),
	    T(test_registry_export_people_not_tokens),
	    T(test_registry_token_chains_fail_closed),
	    T(test_registry_export_accounts_apart),
	    T(test_registry_same_person),
	    T(test_registry_status_unknown_word_and_id),
	    T(test_registry_duplicate_is_conflict),
	    T(test_registry_duplicate_message_names_both_ids),
	    T(test_registry_allow_duplicate_records_duplicate_of),
	    T(test_registry_duplicate_full_width_and_wildcards),
	    T(test_registry_validation_names_the_field),
	    T(test_registry_vocabulary_any_case),
	    T(test_registry_item_list_total_and_order),
	    T(test_registry_reference_must_name_right_kind),
	    T(test_registry_markings_kept_verbatim_with_script),
	    T(test_registry_iso3166_3_codes_accepted),
	    T(test_registry_norm_key),
	    T(test_registry_serial_key_from_arabic_digits),
	    T(test_registry_marking_r4_insert),
	    T(test_registry_makeup_refusals_name_the_field),
	    T(test_registry_attach_rules),
	    T(test_registry_serial_on_its_component),
	    T(test_registry_makeup_list_and_summary),
	    T(test_registry_holder_people),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
