/* unit-destruction: destruction batches as wam_stock_destruction_* sees
 * them — closing without a certificate is refused, fewer than two verifiers
 * are refused, serials read at the site that do not match the list block
 * closing and are named, only a closed batch moves its weapons to
 * destroyed, a closed batch changes no more, the certificate is HTML with
 * every value escaped and the closing event's position, and the ledger
 * verifies and rebuilds to the same tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/stock.h"

typedef struct fx {
	test_reg reg;
	char batch[32];
	char item[3][32];
} fx;

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(null)";
}

static void add_user(fx *f, const char *name)
{
	json_t *u = json_pack("{s:s, s:s}", "name", name, "role", "armourer");
	if (wam_auth_user_add(f->reg.db, NULL, u, "a long enough password"))
		fail_msg("add user: %s", wam_error_last()->message);
	json_decref(u);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	test_reg_create(&f->reg, "HT");
	test_add_item(&f->reg,
	              "{\"category\": \"SA4\", \"make\": \"Norinco\", \"serial\": \"56-1001\", \"country\": \"CN\","
	              " \"status\": \"seized\"}",
	              f->item[0]);
	test_add_item(&f->reg,
	              "{\"category\": \"SA1\", \"make\": \"Taurus\", \"serial\": \"TB<99>&1\", \"country\": \"BR\","
	              " \"status\": \"in_store\"}",
	              f->item[1]);
	test_add_item(&f->reg,
	              "{\"category\": \"SA1\", \"make\": \"Glock\", \"serial\": \"GLK777\", \"country\": \"AT\","
	              " \"status\": \"in_store\"}",
	              f->item[2]);
	add_user(f, "verifier.one");
	add_user(f, "verifier.two");
	json_t *in =
	           json_pack("{s:s, s:s, s:s}", "method", "cut", "site", "Camp <Delta> & range", "date", "2026-11-20"),
	       *out;
	if (wam_stock_destruction_open(f->reg.db, &out, in))
		fail_msg("open: %s", wam_error_last()->message);
	snprintf(f->batch, sizeof f->batch, "%s", str(out, "id"));
	assert_string_equal(str(out, "method"), "CUT");
	json_decref(out);
	json_decref(in);
	for (int k = 0; k < 2; k++)
		assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, f->item[k]), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	test_reg_destroy(&f->reg);
	free(f);
	return 0;
}

static const char *status_of(fx *f, int k)
{
	static char buf[32];
	json_t *it;
	assert_int_equal(wam_registry_item_get(f->reg.db, &it, f->item[k]), 0);
	snprintf(buf, sizeof buf, "%s", str(it, "status"));
	json_decref(it);
	return buf;
}

static int verify_serials(fx *f, const char *a, const char *b)
{
	json_t *s = json_array();
	if (a)
		json_array_append_new(s, json_string(a));
	if (b)
		json_array_append_new(s, json_string(b));
	int rc = wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s);
	json_decref(s);
	return rc;
}

static void both_verifiers(fx *f)
{
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "verifier.one"), 0);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "verifier.two"), 0);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "witness", "UNMISS observer"), 0);
}

/* Verifier `name` signs in with their own password and confirms the batch
 * as themselves; returns what the confirmation returned. */
static int confirm_as(fx *f, const char *name)
{
	wam_principal who;
	char actor[128];
	if (wam_auth_login(f->reg.db, &who, name, "a long enough password"))
		fail_msg("sign in: %s", wam_error_last()->message);
	wam_auth_principal_actor(&who, actor, sizeof actor);
	wam_db_set_actor(f->reg.db, actor);
	int rc = wam_stock_destruction_confirm(f->reg.db, NULL, f->batch, &who);
	wam_db_set_actor(f->reg.db, "test");
	return rc;
}

static void both_confirm_names(fx *f, const char *a, const char *b)
{
	assert_int_equal(confirm_as(f, a), 0);
	assert_int_equal(confirm_as(f, b), 0);
}

static void both_confirm(fx *f)
{
	assert_int_equal(confirm_as(f, "verifier.one"), 0);
	assert_int_equal(confirm_as(f, "verifier.two"), 0);
}

/* Naming two verifiers proves nothing: the batch closes only after each
 * confirmed signed in as themselves; a name alone, another user, a token,
 * an actor that is not the verifier's, or the same verifier twice do not
 * count; a change to the list afterwards voids the confirmations. */
static void test_confirmations_by_verifiers_themselves(void **state)
{
	fx *f = *state;
	both_verifiers(f);
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	add_user(f, "bystander");
	long long before = test_events(&f->reg);
	/* named, never confirmed: refused, naming who is awaited */
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "FAKE-1"), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "confirmations");
	assert_non_null(strstr(wam_error_last()->message, "verifier.one, verifier.two"));
	/* a principal made up from the verifier's name, with the handle's actor
	 * left as someone else's: refused */
	wam_principal fake = {.kind = "user"};
	json_t *u = NULL;
	assert_int_equal(wam_auth_user_get(f->reg.db, &u, "verifier.one"), 0);
	wam_auth_user_principal(&fake, u);
	json_decref(u);
	assert_int_equal(wam_stock_destruction_confirm(f->reg.db, NULL, f->batch, &fake), WAM_EFORBIDDEN);
	/* a token is no person; NULL is no one */
	wam_principal token = {.kind = "token", .name = "ci", .role = "admin"};
	wam_db_set_actor(f->reg.db, "token:ci");
	assert_int_equal(wam_stock_destruction_confirm(f->reg.db, NULL, f->batch, &token), WAM_EFORBIDDEN);
	assert_int_equal(wam_stock_destruction_confirm(f->reg.db, NULL, f->batch, NULL), WAM_EFORBIDDEN);
	wam_db_set_actor(f->reg.db, "test");
	/* a user who is not a verifier of the batch */
	assert_int_equal(confirm_as(f, "bystander"), WAM_EFORBIDDEN);
	assert_int_equal(test_events(&f->reg), before);
	/* one real confirmation is not two, and the same verifier twice is one */
	assert_int_equal(confirm_as(f, "verifier.one"), 0);
	assert_int_equal(confirm_as(f, "verifier.one"), WAM_ECONFLICT);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-1"), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "waiting for: verifier.two"));
	assert_string_equal(status_of(f, 0), "seized");
	/* the list changes: the confirmation given before is void */
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, f->item[2]), 0);
	assert_int_equal(confirm_as(f, "verifier.two"), WAM_ECONFLICT); /* not read since */
	json_t *s = json_pack("[s, s, s]", "56-1001", "TB<99>&1", "GLK777");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	json_t *b;
	assert_int_equal(wam_stock_destruction_get(f->reg.db, &b, f->batch), 0);
	assert_false(
	    json_is_true(json_object_get(json_array_get(json_object_get(b, "verifier_states"), 0), "confirmed")));
	json_decref(b);
	assert_int_equal(confirm_as(f, "verifier.two"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-1"), WAM_ECONFLICT);
	assert_int_equal(confirm_as(f, "verifier.one"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-1"), 0);
	assert_string_equal(status_of(f, 0), "destroyed");
	/* the certificate names who confirmed */
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), 0);
	assert_non_null(strstr(html, "Confirmed by"));
	assert_non_null(strstr(html, "verifier.two ("));
	assert_non_null(strstr(html, "verifier.one ("));
	free(html);
}

/* Opens a new batch of weapon `item` as `actor` into f->batch. */
static void open_batch(fx *f, const char *actor, const char *item)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "method", "CUT", "site", "Range", "date", "2026-11-21"), *out;
	wam_db_set_actor(f->reg.db, actor);
	assert_int_equal(wam_stock_destruction_open(f->reg.db, &out, in), 0);
	snprintf(f->batch, sizeof f->batch, "%s", str(out, "id"));
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, item), 0);
	wam_db_set_actor(f->reg.db, "test");
}

/* The rule of independence: an account an admin made does not vouch for a
 * verifier in a batch that admin closes or opens; two accounts the same
 * admin made are not two people, whoever opens and closes; who made each
 * account and everyone who set its password are shown and on the
 * certificate. */
static void test_verifiers_independent_of_those_taking_part(void **state)
{
	fx *f = *state;
	wam_db_set_actor(f->reg.db, "user:adm");
	add_user(f, "sock1");
	add_user(f, "sock2");
	wam_db_set_actor(f->reg.db, "test");
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "sock1"), 0);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "verifier.two"), 0);
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	both_confirm_names(f, "sock1", "verifier.two");
	json_t *b;
	assert_int_equal(wam_stock_destruction_get(f->reg.db, &b, f->batch), 0);
	json_t *v0 = json_array_get(json_object_get(b, "verifier_states"), 0);
	assert_string_equal(str(v0, "created_by"), "user:adm");
	assert_string_equal(str(v0, "password_set_by"), "user:adm");
	assert_string_not_equal(str(v0, "password_set_at"), "(null)");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v0, "comes_from"), 0)), "user:adm");
	json_decref(b);
	/* the admin who made sock1's account closes: refused, naming the rule */
	long long before = test_events(&f->reg);
	wam_db_set_actor(f->reg.db, "user:adm");
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-9"), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "verifier");
	assert_non_null(strstr(wam_error_last()->message, "rule of independence"));
	assert_non_null(strstr(wam_error_last()->message, "closes destruction batch"));
	assert_int_equal(test_events(&f->reg), before);
	assert_string_equal(status_of(f, 0), "seized");
	/* someone who made neither account closes */
	wam_db_set_actor(f->reg.db, "test");
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-9"), 0);
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), 0);
	assert_non_null(strstr(html, "sock1 ("));
	assert_non_null(strstr(html, "account created by user:adm at "));
	assert_non_null(strstr(html, "account comes from user:adm)"));
	free(html);

	/* two accounts one admin made are one hand, though someone else opens
	 * and closes: the second confirmation is refused, naming both */
	open_batch(f, "test", f->item[2]);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "sock1"), 0);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "sock2"), 0);
	assert_int_equal(verify_serials(f, "GLK777", NULL), 0);
	assert_int_equal(confirm_as(f, "sock1"), 0);
	before = test_events(&f->reg);
	assert_int_equal(confirm_as(f, "sock2"), WAM_EFORBIDDEN);
	assert_string_equal(wam_error_last()->field, "verifier");
	assert_non_null(strstr(wam_error_last()->message, "sock2 and sock1 both come from user:adm"));
	assert_int_equal(test_events(&f->reg), before);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-11"), WAM_ECONFLICT);
	assert_string_equal(status_of(f, 2), "in_store");

	/* whoever adds a verifier takes part: the admin names sock1 in a batch
	 * someone else opened */
	char fourth[32];
	test_add_item(&f->reg,
	              "{\"category\": \"SA1\", \"make\": \"CZ\", \"serial\": \"CZ-4\", \"country\": \"CZ\","
	              " \"status\": \"in_store\"}",
	              fourth);
	open_batch(f, "test", fourth);
	wam_db_set_actor(f->reg.db, "user:adm");
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "sock1"), 0);
	wam_db_set_actor(f->reg.db, "test");
	assert_int_equal(verify_serials(f, "CZ-4", NULL), 0);
	assert_int_equal(confirm_as(f, "sock1"), WAM_EFORBIDDEN);
	assert_non_null(strstr(wam_error_last()->message, "added a person to destruction batch"));
}

/* An admin who takes over two real verifiers' accounts (resets their
 * passwords, signs in as each and sets an "own" password) still made
 * those passwords: the accounts come from the admin, so they vouch for no
 * batch the admin opens, and not for two people either. */
static void test_password_takeover_keeps_the_hand(void **state)
{
	fx *f = *state;
	open_batch(f, "user:adm", f->item[2]);
	wam_db_set_actor(f->reg.db, "user:adm");
	both_verifiers(f);
	assert_int_equal(verify_serials(f, "GLK777", NULL), 0);
	assert_int_equal(wam_auth_user_set_password(f->reg.db, "verifier.one", "a long enough password"), 0);
	assert_int_equal(wam_auth_user_set_password(f->reg.db, "verifier.two", "a long enough password"), 0);
	wam_db_set_actor(f->reg.db, "user:verifier.one");
	assert_int_equal(wam_auth_user_set_password(f->reg.db, "verifier.one", "a long enough password"), 0);
	wam_db_set_actor(f->reg.db, "user:verifier.two");
	assert_int_equal(wam_auth_user_set_password(f->reg.db, "verifier.two", "a long enough password"), 0);
	wam_db_set_actor(f->reg.db, "test");
	long long before = test_events(&f->reg);
	assert_int_equal(confirm_as(f, "verifier.one"), WAM_EFORBIDDEN);
	assert_non_null(strstr(wam_error_last()->message, "user:adm created the account of verifier.one or set"));
	assert_non_null(strstr(wam_error_last()->message, "opened destruction batch"));
	assert_int_equal(confirm_as(f, "verifier.two"), WAM_EFORBIDDEN);
	assert_int_equal(test_events(&f->reg), before);
	json_t *b;
	assert_int_equal(wam_stock_destruction_get(f->reg.db, &b, f->batch), 0);
	json_t *from = json_object_get(json_array_get(json_object_get(b, "verifier_states"), 0), "comes_from");
	assert_int_equal(json_array_size(from), 3);
	assert_string_equal(json_string_value(json_array_get(from, 1)), "user:adm");
	assert_string_equal(json_string_value(json_array_get(from, 2)), "user:verifier.one");
	json_decref(b);
	wam_db_set_actor(f->reg.db, "user:adm");
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-12"), WAM_ECONFLICT);
	assert_string_equal(status_of(f, 2), "in_store");
}

static void test_close_without_certificate_refused(void **state)
{
	fx *f = *state;
	both_verifiers(f);
	assert_int_equal(verify_serials(f, "56-1001", "tb<99>&1"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "certificate");
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "  "), WAM_EINVAL);
	assert_string_equal(status_of(f, 0), "seized");
	assert_string_equal(status_of(f, 1), "in_store");
}

static void test_fewer_than_two_verifiers_refused(void **state)
{
	fx *f = *state;
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "verifier.one"), 0);
	/* the same user twice is still one verifier; a name that is no user is none */
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "verifier.one"),
	                 WAM_ECONFLICT);
	assert_int_equal(wam_stock_destruction_add_person(f->reg.db, NULL, f->batch, "verifier", "Someone Else"),
	                 WAM_EINVAL);
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-2026-001"), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "verifiers");
	assert_string_equal(status_of(f, 0), "seized");
}

static void test_serial_mismatch_blocks_closing(void **state)
{
	fx *f = *state;
	both_verifiers(f);
	/* one listed weapon not read, one read that is not listed */
	assert_int_equal(verify_serials(f, "56-1001", "GLK777"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-2026-001"), WAM_ECONFLICT);
	const char *msg = wam_error_last()->message;
	assert_non_null(strstr(msg, "TB<99>&1"));
	assert_non_null(strstr(msg, "GLK777"));
	assert_string_equal(status_of(f, 0), "seized");
	/* a reading before the list changed does not count */
	assert_int_equal(verify_serials(f, "56 1001", "tb<99>&1"), 0); /* spaces and case do not count */
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, f->item[2]), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-2026-001"), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "serials");
	assert_string_equal(status_of(f, 2), "in_store");
}

static void test_only_closed_batch_destroys(void **state)
{
	fx *f = *state;
	both_verifiers(f);
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	/* listed, verified, not closed: nothing destroyed yet */
	assert_string_equal(status_of(f, 0), "seized");
	assert_string_equal(status_of(f, 1), "in_store");
	both_confirm(f);
	json_t *out;
	assert_int_equal(wam_stock_destruction_close(f->reg.db, &out, f->batch, "DC-2026-<001>"), 0);
	assert_string_equal(str(out, "state"), "closed");
	assert_string_equal(str(out, "certificate"), "DC-2026-<001>");
	json_decref(out);
	assert_string_equal(status_of(f, 0), "destroyed");
	assert_string_equal(status_of(f, 1), "destroyed");
	assert_string_equal(status_of(f, 2), "in_store");
	/* the status change carries the certificate */
	char *cert = test_query_text(f->reg.db->conn, "SELECT json_extract(payload,'$.certificate') FROM events"
	                                              " WHERE type='item.status_changed' ORDER BY seq DESC LIMIT 1");
	assert_string_equal(cert, "DC-2026-<001>");
	free(cert);
	/* a closed batch stays as it is */
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, f->item[2]), WAM_ECONFLICT);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-2"), WAM_ECONFLICT);

	/* the certificate: HTML, values escaped, the closing event named */
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), 0);
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_non_null(strstr(html, "DC-2026-&lt;001&gt;"));
	assert_non_null(strstr(html, "TB&lt;99&gt;&amp;1"));
	assert_non_null(strstr(html, "Camp &lt;Delta&gt; &amp; range"));
	assert_null(strstr(html, "<Delta>"));
	assert_non_null(strstr(html, "verifier.one, verifier.two"));
	assert_non_null(strstr(html, "UNMISS observer"));
	char *hash =
	    test_query_text(f->reg.db->conn, "SELECT lower(hex(hash)) FROM events WHERE type='destruction.closed'");
	assert_non_null(strstr(html, hash));
	free(hash);
	free(html);

	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &v), 0);
	if (!v.intact)
		fail_msg("verify: %s", v.detail);
	const char *dump = "SELECT group_concat(x,'|') FROM (SELECT id||state||coalesce(certificate,'')||last_seq AS x"
	                   " FROM destructions UNION ALL SELECT destruction_id||n||item_id FROM destruction_items"
	                   " UNION ALL SELECT destruction_id||n||missing||unexpected||ok FROM destruction_checks"
	                   " UNION ALL SELECT id||status||last_seq FROM items ORDER BY 1)";
	char *before = test_query_text(f->reg.db->conn, dump);
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	char *after = test_query_text(f->reg.db->conn, dump);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &v), 0);
	assert_true(v.intact);
}

static void test_open_batch_has_no_certificate_and_bad_input(void **state)
{
	fx *f = *state;
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), WAM_ECONFLICT);
	json_t *in = json_pack("{s:s, s:s, s:s}", "method", "dissolve", "site", "x", "date", "2026-01-01");
	assert_int_equal(wam_stock_destruction_open(f->reg.db, NULL, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "method");
	json_decref(in);
	/* a weapon already in an open batch, or one the machine cannot destroy */
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, f->item[0]), WAM_ECONFLICT);
	json_t *it;
	test_add_item(&f->reg,
	              "{\"category\": \"SA1\", \"make\": \"Colt\", \"serial\": \"C1\", \"country\": \"US\","
	              " \"status\": \"issued\"}",
	              NULL);
	char *id = test_query_text(f->reg.db->conn, "SELECT id FROM items WHERE serial='C1'");
	assert_int_equal(wam_stock_destruction_add_item(f->reg.db, NULL, f->batch, id), WAM_ECONFLICT);
	free(id);
	assert_int_equal(wam_stock_destruction_get(f->reg.db, &it, f->batch), 0);
	assert_int_equal(json_array_size(json_object_get(it, "items")), 2);
	json_decref(it);
}

static void test_ammunition_lot_destroyed(void **state)
{
	fx *f = *state;
	json_t *site, *lot, *in = json_pack("{s:s, s:s}", "name", "Central depot", "kind", "depot");
	assert_int_equal(wam_registry_site_add(f->reg.db, &site, in), 0);
	json_decref(in);
	in = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "nomenclature", "Cartridge 7.62x39mm", "lot_number",
	               "LOT-77/<A>", "rounds", 1000, "hazard_division", "1.4", "compat_group", "S", "site_id",
	               str(site, "id"));
	if (wam_stock_lot_add(f->reg.db, &lot, in))
		fail_msg("add lot: %s", wam_error_last()->message);
	json_decref(in);
	char lot_id[32];
	snprintf(lot_id, sizeof lot_id, "%s", str(lot, "id"));
	json_decref(lot);
	json_decref(site);
	assert_int_equal(wam_stock_destruction_add_lot(f->reg.db, NULL, f->batch, lot_id, 5000), WAM_ECONFLICT);
	assert_int_equal(wam_stock_destruction_add_lot(f->reg.db, NULL, f->batch, lot_id, 0), WAM_EINVAL);
	assert_int_equal(wam_stock_destruction_add_lot(f->reg.db, NULL, f->batch, lot_id, 300), 0);
	both_verifiers(f);
	/* the lot is read by its lot number too; without it the reading fails */
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-9"), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "lot LOT-77/<A>"));
	json_t *s = json_pack("[s, s, s]", "56-1001", "TB<99>&1", "lot-77/<a>");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	both_confirm(f);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-9"), 0);
	assert_int_equal(wam_stock_lot_get(f->reg.db, &lot, lot_id), 0);
	assert_int_equal(json_integer_value(json_object_get(lot, "rounds")), 700);
	json_decref(lot);
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), 0);
	assert_non_null(strstr(html, "LOT-77/&lt;A&gt;"));
	assert_non_null(strstr(html, "<td>300</td>"));
	free(html);
	wam_verify_report v;
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &v), 0);
	if (!v.intact)
		fail_msg("verify: %s", v.detail);
	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &v), 0);
	assert_true(v.intact);
}

/* Rounds recovered outside a depot, never taken into a lot, are listed in
 * a batch by their recovery's line: at most what remains, each line once;
 * the reading at the site reads them by the line's lot marks; the batch
 * shows them, the certificate lists them, and the recovery counts them
 * destroyed from the moment they are listed. */
static void test_recovered_ammunition_destroyed(void **state)
{
	fx *f = *state;
	json_t *rec = NULL,
	       *in = test_json("{\"type\": \"seized\", \"date\": \"2026-05-02\", \"context\": \"cache\","
	                       " \"officer\": \"Insp. A\", \"ammunition\": [{\"calibre\": \"7.62x39mm\","
	                       " \"headstamp\": {\"text\": \"539 83\"}, \"lot\": \"LOT<9>\", \"quantity\": 400}]}");
	assert_int_equal(wam_collection_recovery_add(f->reg.db, &rec, in), 0);
	json_decref(in);
	char id[32];
	snprintf(id, sizeof id, "%s", str(rec, "id"));
	json_decref(rec);
	long long before = test_events(&f->reg);
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 0, 401), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "rounds");
	assert_non_null(strstr(wam_error_last()->message, "has 400 rounds remaining"));
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 1, 1), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "line");
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, "NOPE", 0, 1), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "recovery_id");
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 0, 0), WAM_EINVAL);
	test_unchanged(&f->reg, before);
	json_t *b = NULL;
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, &b, f->batch, id, 0, 150), 0);
	json_t *row = json_array_get(json_object_get(b, "recovered"), 0);
	assert_int_equal(json_array_size(json_object_get(b, "recovered")), 1);
	assert_string_equal(str(row, "recovery_id"), id);
	assert_string_equal(str(row, "calibre"), "7.62x39mm");
	assert_string_equal(str(row, "headstamp"), "539 83");
	assert_string_equal(str(row, "lot"), "LOT<9>");
	assert_int_equal(json_integer_value(json_object_get(row, "rounds")), 150);
	json_decref(b);
	/* each line once per batch */
	before = test_events(&f->reg);
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 0, 1), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "line");
	test_unchanged(&f->reg, before);
	/* the recovery counts them gone at once */
	assert_int_equal(wam_collection_recovery_get(f->reg.db, &rec, id), 0);
	json_t *line = json_array_get(json_object_get(rec, "ammunition"), 0);
	assert_int_equal(json_integer_value(json_object_get(line, "destroyed")), 150);
	assert_int_equal(json_integer_value(json_object_get(line, "remaining")), 250);
	json_decref(rec);
	both_verifiers(f);
	/* a reading without the recovered rounds does not match; with their lot
	 * marks (any case) it does */
	assert_int_equal(verify_serials(f, "56-1001", "TB<99>&1"), 0);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-7"), WAM_ECONFLICT);
	/* named by what a verifier types for it, RECOVERY/LINE */
	char ref[64];
	snprintf(ref, sizeof ref, "%s/0", id);
	assert_non_null(strstr(wam_error_last()->message, ref));
	assert_null(strstr(wam_error_last()->message, "recovered"));
	json_t *s = json_pack("[s, s, s]", "56-1001", "TB<99>&1", "lot<9>");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	both_confirm(f);
	assert_int_equal(wam_stock_destruction_close(f->reg.db, NULL, f->batch, "DC-7"), 0);
	char *html;
	size_t len;
	assert_int_equal(wam_stock_destruction_certificate(f->reg.db, &html, &len, f->batch), 0);
	assert_non_null(strstr(html, "Recovered ammunition destroyed"));
	assert_non_null(strstr(html, "LOT&lt;9&gt;"));
	assert_non_null(strstr(html, "<td>150</td>"));
	free(html);
	test_expect_rebuilt(&f->reg,
	                    "SELECT group_concat(x, '|') FROM (SELECT destruction_id||n||recovery_id||line||rounds"
	                    " AS x FROM destruction_recovered UNION ALL SELECT recovery_id||line||stocked||"
	                    "destroyed FROM recovery_ammunition ORDER BY 1)");
}

/* The last reading's result: "ok|missing" */
static char *last_check(fx *f)
{
	return test_query_text(f->reg.db->conn, "SELECT ok||'|'||missing FROM destruction_checks"
	                                        " ORDER BY destruction_id, n DESC LIMIT 1");
}

/* A lot taken in from a recovery line bears the line's lot marks: a batch
 * listing the lot and the rest of the line needs one read for each, the
 * marks read twice or the lot's id and RECOVERY/LINE; one read of the marks
 * does not tick off both. Marks are read in any digits. */
static void test_one_read_ticks_off_one_entry(void **state)
{
	fx *f = *state;
	json_t *site, *rec = NULL, *out = NULL, *in = json_pack("{s:s, s:s}", "name", "Depot", "kind", "depot");
	assert_int_equal(wam_registry_site_add(f->reg.db, &site, in), 0);
	json_decref(in);
	in = test_json("{\"type\": \"seized\", \"date\": \"2026-05-02\", \"context\": \"cache\","
	               " \"officer\": \"Insp. A\", \"ammunition\": [{\"calibre\": \"7.62x39mm\","
	               " \"lot\": \"12-81-071\", \"quantity\": 400}, {\"calibre\": \"7.62x39mm\","
	               " \"lot\": \"٣-٨٤\", \"quantity\": 50}]}");
	assert_int_equal(wam_collection_recovery_add(f->reg.db, &rec, in), 0);
	json_decref(in);
	char id[32], lot_id[32], ref[64];
	snprintf(id, sizeof id, "%s", str(rec, "id"));
	snprintf(ref, sizeof ref, "%s/0", id);
	json_decref(rec);
	in = json_pack("{s:i, s:s}", "rounds", 100, "site_id", str(site, "id"));
	assert_int_equal(wam_collection_ammunition_stock(f->reg.db, &out, id, 0, in), 0);
	json_decref(in);
	snprintf(lot_id, sizeof lot_id, "%s", str(json_object_get(out, "lot"), "id"));
	assert_string_equal(str(json_object_get(out, "lot"), "lot_number"), "12-81-071");
	json_decref(out);
	json_decref(site);
	assert_int_equal(wam_stock_destruction_add_lot(f->reg.db, NULL, f->batch, lot_id, 100), 0);
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 0, 300), 0);
	assert_int_equal(wam_stock_destruction_add_recovered(f->reg.db, NULL, f->batch, id, 1, 50), 0);
	both_verifiers(f);
	json_t *s = json_pack("[s, s, s, s]", "56-1001", "TB<99>&1", "12-81-071", "3-84");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	char *c = last_check(f), want[128];
	snprintf(want, sizeof want, "0|[\"%s\"]", ref);
	assert_string_equal(c, want);
	free(c);
	s = json_pack("[s, s, s, s, s]", "56-1001", "TB<99>&1", "12-81-071", "3-84", "12-81-071");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	assert_string_equal((c = last_check(f)), "1|[]");
	free(c);
	/* the lot by its id and the line by RECOVERY/LINE; the lot's number
	 * read as well is still the lot's, not a read too many */
	s = json_pack("[s, s, s, s, s, s]", "56-1001", "TB<99>&1", lot_id, ref, "٣-٨٤", "12-81-071");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	assert_string_equal((c = last_check(f)), "1|[]");
	free(c);
	/* the lot's id and its number read, the line not: the number is the
	 * lot's own read, so the line is listed as not read */
	s = json_pack("[s, s, s, s, s]", "56-1001", "TB<99>&1", lot_id, "12-81-071", "3-84");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	assert_string_equal((c = last_check(f)), want);
	free(c);
	s = json_pack("[s, s, s, s, s]", "56-1001", "TB<99>&1", lot_id, ref, "٣-٨٤");
	assert_int_equal(wam_stock_destruction_verify(f->reg.db, NULL, f->batch, s), 0);
	json_decref(s);
	assert_string_equal((c = last_check(f)), "1|[]");
	free(c);
	test_expect_rebuilt(&f->reg, "SELECT group_concat(destruction_id||n||ok||missing||unexpected, '|')"
	                             " FROM destruction_checks");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_close_without_certificate_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fewer_than_two_verifiers_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_serial_mismatch_blocks_closing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_only_closed_batch_destroys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_batch_has_no_certificate_and_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ammunition_lot_destroyed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recovered_ammunition_destroyed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_read_ticks_off_one_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_confirmations_by_verifiers_themselves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verifiers_independent_of_those_taking_part, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_takeover_keeps_the_hand, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
