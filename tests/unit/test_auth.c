/* unit-auth: users, roles, site confinement and API tokens as
 * include/wam/auth.h promises them — the role table, sign-in and its one
 * refusal for every cause, password and field rules, tokens made, checked,
 * tampered with and revoked, secrets kept out of the ledger and out of
 * rolled-back transactions, and the users and tokens projections through
 * rebuild, verify and an upgrade from a registry made before them.
 *
 * Each password hash costs ~0.1 s and 64 MiB (Argon2id, interactive), so
 * the tests add as few users as they can. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/auth.h"

#define PASSWORD "correct horse battery"

typedef struct fx {
	test_reg reg;
	char site[WAM_ID_LEN + 1];
	char site2[WAM_ID_LEN + 1];
} fx;

static void add_site(fx *f, const char *name, char id[WAM_ID_LEN + 1])
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "kind", "armoury"), *out = NULL;
	if (wam_registry_site_add(f->reg.db, &out, in))
		fail_msg("add site: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	test_reg_create(&f->reg, "HT");
	add_site(f, "Central Armoury", f->site);
	add_site(f, "North Depot", f->site2);
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

static long count(fx *f, const char *sql)
{
	char *s = test_query_text(f->reg.db->conn, sql);
	long n = strtol(s, NULL, 10);
	free(s);
	return n;
}

/* Expects `rc` to be `code` with the error naming `field`. */
static void expect_error(int rc, int code, const char *field)
{
	const wam_error *e = wam_error_last();
	if (rc != code || strcmp(e->field, field) != 0)
		fail_msg("expected %s on field '%s', got %s on field '%s': %s", wam_error_name(code), field,
		         wam_error_name(rc), e->field, e->message);
}

/* wam_auth_user_add on a JSON text. */
static int try_add_user(fx *f, const char *json, const char *password, json_t **out)
{
	json_error_t err;
	json_t *in = json_loads(json, 0, &err);
	if (!in)
		fail_msg("bad JSON in test: %s: %s", err.text, json);
	wam_error_clear();
	int rc = wam_auth_user_add(f->reg.db, out, in, password);
	json_decref(in);
	return rc;
}

/* Adds a user; fails the test unless it succeeds. Writes its id. */
static void add_user(fx *f, const char *json, char id[WAM_ID_LEN + 1])
{
	json_t *out = NULL;
	if (try_add_user(f, json, PASSWORD, &out))
		fail_msg("add user: %s (%s)", wam_error_last()->message, json);
	if (id)
		snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
}

static int add_token(fx *f, const char *json, char secret[WAM_TOKEN_LEN + 1], json_t **out)
{
	json_t *in = json_loads(json, 0, NULL);
	assert_non_null(in);
	wam_error_clear();
	int rc = wam_auth_token_add(f->reg.db, out, in, secret);
	json_decref(in);
	return rc;
}

static wam_verify_report verify(fx *f)
{
	wam_verify_report r;
	assert_int_equal(wam_ledger_verify(f->reg.db, 0, &r), 0);
	return r;
}

/* ---- roles ---- */

/* docs/auth.md: the table of roles and actions, row by row. */
static void test_auth_role_table(void **state)
{
	(void)state;
	static const struct {
		const char *role;
		const char *may; /* read read_sensitive register status export audit admin
		                  * stock resolve collect destroy trace trace_confidential
		                  * confirm_export license license_decide ship embargo
		                  * monitor read_sources submit_report */
	} want[] = {
	    {"viewer", "y--------------------"},
	    {"registrar", "yyyyy---yyyy-y--y----"},
	    {"armourer", "yy-y---y-yy----------"},
	    {"tracer", "y----------yy--------"},
	    /* a monitor traces what was seen; the source handler opens sources' identities */
	    {"monitor", "y----------y------y--"},
	    {"source_handler", "y----------y------yy-"},
	    {"licensing", "yy---------y--yyyy--y"},
	    {"auditor", "yy--yy---------------"},
	    /* need to know: not even an admin reads a source's identity */
	    {"admin", "yyyyyyyyyyyyyyyyyyy-y"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_int_equal(strlen(want[i].may), WAM_ACT_COUNT);
	const char *const *roles = wam_auth_roles();
	size_t n = 0;
	while (roles[n])
		n++;
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(roles[i], want[i].role);
		assert_true(wam_auth_role_valid(roles[i]));
		for (int a = 0; a < WAM_ACT_COUNT; a++)
			if (wam_auth_allows(want[i].role, (wam_action)a) != (want[i].may[a] == 'y'))
				fail_msg("%s may %s: expected %s", want[i].role, wam_auth_action_name((wam_action)a),
				         want[i].may[a] == 'y' ? "yes" : "no");
	}
	assert_false(wam_auth_role_valid("root"));
	assert_false(wam_auth_role_valid("Admin"));
	assert_false(wam_auth_role_valid(NULL));
	assert_false(wam_auth_allows("root", WAM_ACT_READ));
	assert_false(wam_auth_allows(NULL, WAM_ACT_READ));
	assert_false(wam_auth_allows("admin", WAM_ACT_COUNT));
	assert_string_equal(wam_auth_action_name(WAM_ACT_READ_SENSITIVE), "read_sensitive");
	assert_string_equal(wam_auth_action_name(WAM_ACT_ADMIN), "admin");
	assert_string_equal(wam_auth_action_name(WAM_ACT_MONITOR), "monitor");
	assert_string_equal(wam_auth_action_name(WAM_ACT_READ_SOURCES), "read_sources");
	assert_string_equal(wam_auth_action_name(WAM_ACT_SUBMIT_REPORT), "submit_report");
}

/* ---- users and signing in ---- */

static void test_auth_add_user_and_login(void **state)
{
	fx *f = *state;
	char json[256];
	json_t *out = NULL;
	snprintf(json, sizeof json,
	         "{\"name\":\"alice.b@unit-1\",\"role\":\"Registrar\",\"sites\":[\"%s\",\"%s\",\"%s\"]}", f->site2,
	         f->site, f->site2);
	assert_int_equal(try_add_user(f, json, PASSWORD, &out), 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "alice.b@unit-1");
	assert_string_equal(json_string_value(json_object_get(out, "role")), "registrar");
	assert_true(json_is_false(json_object_get(out, "disabled")));
	assert_int_equal(json_array_size(json_object_get(out, "sites")), 2); /* a set: sorted, each once */
	assert_non_null(json_object_get(out, "created"));
	assert_null(json_object_get(out, "password"));
	json_decref(out);

	wam_principal p;
	assert_int_equal(wam_auth_login(f->reg.db, &p, "alice.b@unit-1", PASSWORD), 0);
	assert_string_equal(p.kind, "user");
	assert_string_equal(p.name, "alice.b@unit-1");
	assert_string_equal(p.role, "registrar");
	assert_int_equal(strlen(p.id), WAM_ID_LEN);
	assert_int_equal(p.nsites, 2);
	assert_true(wam_db_principal_sees_site(&p, f->site));
	char actor[128];
	wam_auth_principal_actor(&p, actor, sizeof actor);
	assert_string_equal(actor, "user:alice.b@unit-1");

	json_t *users;
	assert_int_equal(wam_auth_user_list(f->reg.db, &users), 0);
	assert_int_equal(json_array_size(users), 1);
	json_decref(users);
	assert_int_equal(wam_auth_user_get(f->reg.db, &out, p.id), 0); /* by id as well as by name */
	assert_string_equal(json_string_value(json_object_get(out, "name")), "alice.b@unit-1");
	json_decref(out);
	assert_int_equal(wam_auth_user_get(f->reg.db, &out, "nobody"), WAM_ENOTFOUND);
}

/* An unknown name, a wrong password and a disabled user are one refusal. */
static void test_auth_login_failures_look_alike(void **state)
{
	fx *f = *state;
	wam_principal p;
	char first[512];
	add_user(f, "{\"name\":\"bob\",\"role\":\"viewer\"}", NULL);

	assert_int_equal(wam_auth_login(f->reg.db, &p, "bob", "wrong password!"), WAM_EAUTH);
	snprintf(first, sizeof first, "%s", wam_error_last()->message);
	assert_string_equal(first, "wrong user name or password");
	assert_int_equal(p.name[0], '\0');

	assert_int_equal(wam_auth_login(f->reg.db, &p, "nobody", PASSWORD), WAM_EAUTH);
	assert_string_equal(wam_error_last()->message, first);

	json_t *changes = json_pack("{s:b}", "disabled", 1), *out = NULL;
	assert_int_equal(wam_auth_user_update(f->reg.db, &out, "bob", changes), 0);
	assert_true(json_is_true(json_object_get(out, "disabled")));
	json_decref(out);
	json_decref(changes);
	assert_int_equal(wam_auth_login(f->reg.db, &p, "bob", PASSWORD), WAM_EAUTH);
	assert_string_equal(wam_error_last()->message, first);
	assert_int_equal(wam_auth_login(f->reg.db, &p, NULL, NULL), WAM_EAUTH);
	assert_string_equal(wam_error_last()->message, first);
}

static void test_auth_short_password_refused(void **state)
{
	fx *f = *state;
	json_t *out = NULL;
	expect_error(try_add_user(f, "{\"name\":\"carol\",\"role\":\"viewer\"}", "123456789", &out), WAM_EINVAL,
	             "password");
	assert_non_null(strstr(wam_error_last()->message, "password"));
	/* characters, not bytes: nine Cyrillic letters are 18 bytes but too few */
	expect_error(try_add_user(f, "{\"name\":\"carol\",\"role\":\"viewer\"}", "парольпар", &out), WAM_EINVAL,
	             "password");
	char *big = malloc(1026);
	memset(big, 'x', 1025);
	big[1025] = '\0';
	expect_error(try_add_user(f, "{\"name\":\"carol\",\"role\":\"viewer\"}", big, &out), WAM_EINVAL, "password");
	free(big);
	expect_error(try_add_user(f, "{\"name\":\"carol\",\"role\":\"viewer\"}", NULL, &out), WAM_EINVAL, "password");
	assert_null(out);
	assert_int_equal(count(f, "SELECT count(*) FROM users"), 0);
	/* ten letters of any script are enough */
	assert_int_equal(try_add_user(f, "{\"name\":\"carol\",\"role\":\"viewer\"}", "парольпаро", &out), 0);
	json_decref(out);
}

static void test_auth_duplicate_name_conflict(void **state)
{
	fx *f = *state;
	json_t *out = NULL;
	long events;
	add_user(f, "{\"name\":\"dave\",\"role\":\"armourer\"}", NULL);
	events = count(f, "SELECT count(*) FROM events");
	expect_error(try_add_user(f, "{\"name\":\"dave\",\"role\":\"viewer\"}", PASSWORD, &out), WAM_ECONFLICT, "name");
	assert_null(out);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
	assert_int_equal(count(f, "SELECT count(*) FROM credentials"), 1);
}

static void test_auth_fields_checked_by_name(void **state)
{
	fx *f = *state;
	json_t *out = NULL;
	char json[2048];
	expect_error(try_add_user(f,
	                          "{\"name\":\"erin\",\"role\":\"viewer\",\"sites\":[\"01JZZZZZZZZZZZZZZZZZZZZZZZ\"]}",
	                          PASSWORD, &out),
	             WAM_ENOTFOUND, "sites");
	expect_error(try_add_user(f, "{\"name\":\"erin\",\"role\":\"viewer\",\"sites\":\"all\"}", PASSWORD, &out),
	             WAM_EINVAL, "sites");
	expect_error(try_add_user(f, "{\"name\":\"erin\",\"role\":\"viewer\",\"nickname\":\"e\"}", PASSWORD, &out),
	             WAM_EINVAL, "nickname");
	assert_non_null(strstr(wam_error_last()->message, "nickname"));
	expect_error(try_add_user(f, "{\"name\":\"erin\",\"role\":\"boss\"}", PASSWORD, &out), WAM_EINVAL, "role");
	expect_error(try_add_user(f, "{\"name\":\"erin\"}", PASSWORD, &out), WAM_EINVAL, "role");
	expect_error(try_add_user(f, "{\"name\":\"erin smith\",\"role\":\"viewer\"}", PASSWORD, &out), WAM_EINVAL,
	             "name");
	expect_error(try_add_user(f, "{\"name\":\"\",\"role\":\"viewer\"}", PASSWORD, &out), WAM_EINVAL, "name");
	expect_error(try_add_user(f,
	                          "{\"name\":\"a1234567890123456789012345678901234567890123456789012345678901234\","
	                          "\"role\":\"viewer\"}",
	                          PASSWORD, &out),
	             WAM_EINVAL, "name");
	/* more sites than a principal can carry */
	size_t n = (size_t)snprintf(json, sizeof json, "{\"name\":\"erin\",\"role\":\"viewer\",\"sites\":[");
	for (int i = 0; i <= WAM_AUTH_MAX_SITES; i++)
		n += (size_t)snprintf(json + n, sizeof json - n, "%s\"%s\"", i ? "," : "", f->site);
	snprintf(json + n, sizeof json - n, "]}");
	expect_error(try_add_user(f, json, PASSWORD, &out), WAM_EINVAL, "sites");
	assert_null(out);

	json_t *changes = json_pack("{s:s}", "colour", "red");
	expect_error(wam_auth_user_update(f->reg.db, &out, "erin", changes), WAM_EINVAL, "colour");
	json_decref(changes);
	changes = json_pack("{s:s}", "role", "admin");
	expect_error(wam_auth_user_update(f->reg.db, &out, "erin", changes), WAM_ENOTFOUND, "user");
	json_decref(changes);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE type LIKE 'user.%'"), 0);
}

/* Only what changes is an event; what is already so is not. */
static void test_auth_update_records_only_changes(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1];
	json_t *out = NULL, *changes;
	add_user(f, "{\"name\":\"fay\",\"role\":\"viewer\"}", id);
	long events = count(f, "SELECT count(*) FROM events");
	changes = json_pack("{s:s, s:b, s:[]}", "role", "viewer", "disabled", 0, "sites");
	assert_int_equal(wam_auth_user_update(f->reg.db, &out, "fay", changes), 0);
	json_decref(out);
	json_decref(changes);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);

	changes = json_pack("{s:s, s:b, s:[s]}", "role", "tracer", "disabled", 0, "sites", f->site);
	assert_int_equal(wam_auth_user_update(f->reg.db, &out, id, changes), 0);
	assert_string_equal(json_string_value(json_object_get(out, "role")), "tracer");
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "sites"), 0)), f->site);
	json_decref(out);
	json_decref(changes);
	char *payload = test_query_text(f->reg.db->conn, "SELECT payload FROM events ORDER BY seq DESC LIMIT 1");
	char want[128];
	snprintf(want, sizeof want, "{\"role\":\"tracer\",\"sites\":[\"%s\"]}", f->site);
	assert_string_equal(payload, want);
	free(payload);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE type='user.changed'"), 1);
}

/* ---- tokens ---- */

static void test_auth_token_add_check_revoke(void **state)
{
	fx *f = *state;
	char secret[WAM_TOKEN_LEN + 1], json[128];
	json_t *out = NULL;
	wam_principal p;
	snprintf(json, sizeof json, "{\"name\":\"ci-export\",\"role\":\"auditor\",\"sites\":[\"%s\"]}", f->site);
	assert_int_equal(add_token(f, json, secret, &out), 0);
	const char *id = json_string_value(json_object_get(out, "id"));
	assert_int_equal(strlen(secret), WAM_TOKEN_LEN);
	assert_memory_equal(secret, "wam_", 4);
	assert_memory_equal(secret + 4, id, WAM_ID_LEN);
	assert_int_equal(secret[4 + WAM_ID_LEN], '_');
	assert_true(json_is_false(json_object_get(out, "revoked")));

	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), 0);
	assert_string_equal(p.kind, "token");
	assert_string_equal(p.id, id);
	assert_string_equal(p.role, "auditor");
	assert_int_equal(p.nsites, 1);
	char actor[128];
	wam_auth_principal_actor(&p, actor, sizeof actor);
	assert_string_equal(actor, "token:ci-export");

	/* token names need not be unique */
	char other[WAM_TOKEN_LEN + 1];
	json_t *out2 = NULL;
	assert_int_equal(add_token(f, "{\"name\":\"ci-export\",\"role\":\"viewer\"}", other, &out2), 0);
	assert_string_not_equal(other, secret);
	json_t *list;
	assert_int_equal(wam_auth_token_list(f->reg.db, &list), 0);
	assert_int_equal(json_array_size(list), 2);
	/* newest first */
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")),
	                    json_string_value(json_object_get(out2, "id")));
	json_decref(list);
	json_decref(out2);

	assert_int_equal(wam_auth_token_revoke(f->reg.db, id), 0);
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), WAM_EAUTH);
	assert_int_equal(p.role[0], '\0');
	expect_error(wam_auth_token_revoke(f->reg.db, id), WAM_ECONFLICT, "id");
	expect_error(wam_auth_token_revoke(f->reg.db, "01JZZZZZZZZZZZZZZZZZZZZZZZ"), WAM_ENOTFOUND, "id");
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, other), 0); /* the other still works */
	assert_int_equal(wam_auth_token_list(f->reg.db, &list), 0);
	assert_true(json_is_true(json_object_get(json_array_get(list, 1), "revoked")));
	json_decref(list);
	json_decref(out);

	expect_error(add_token(f, "{\"name\":\"x\",\"role\":\"admin\",\"scope\":\"all\"}", secret, &out), WAM_EINVAL,
	             "scope");
	assert_string_equal(secret, "");
}

static void test_auth_tampered_token_refused(void **state)
{
	fx *f = *state;
	char secret[WAM_TOKEN_LEN + 1], bad[WAM_TOKEN_LEN + 2];
	json_t *out = NULL;
	wam_principal p;
	assert_int_equal(add_token(f, "{\"name\":\"script\",\"role\":\"viewer\"}", secret, &out), 0);
	json_decref(out);
	/* one character of the random part */
	snprintf(bad, sizeof bad, "%s", secret);
	bad[WAM_TOKEN_LEN - 1] = bad[WAM_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, bad), WAM_EAUTH);
	const char *msg = wam_error_last()->message;
	char first[512];
	snprintf(first, sizeof first, "%s", msg);
	/* another id with the same random part */
	snprintf(bad, sizeof bad, "%s", secret);
	bad[4 + WAM_ID_LEN - 1] = bad[4 + WAM_ID_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, bad), WAM_EAUTH);
	assert_string_equal(wam_error_last()->message, first);
	/* cut short, one too long, the wrong prefix, nothing */
	memcpy(bad, secret, WAM_TOKEN_LEN - 1);
	bad[WAM_TOKEN_LEN - 1] = '\0';
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, bad), WAM_EAUTH);
	snprintf(bad, sizeof bad, "%sA", secret);
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, bad), WAM_EAUTH);
	snprintf(bad, sizeof bad, "%s", secret);
	bad[0] = 'W';
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, bad), WAM_EAUTH);
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, ""), WAM_EAUTH);
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, NULL), WAM_EAUTH);
	assert_string_equal(wam_error_last()->message, first);
	/* the stored hash changed behind wam's back */
	test_exec(f->reg.db->conn, "UPDATE credentials SET hash=replace(hash, substr(hash,1,1), "
	                           "CASE substr(hash,1,1) WHEN 'a' THEN 'b' ELSE 'a' END)");
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), WAM_EAUTH);
}

/* ---- secrets and the ledger ---- */

static void test_auth_rollback_leaves_no_credential(void **state)
{
	fx *f = *state;
	char secret[WAM_TOKEN_LEN + 1];
	json_t *out = NULL;
	long events = count(f, "SELECT count(*) FROM events");
	assert_int_equal(wam_db_begin(f->reg.db), 0);
	add_user(f, "{\"name\":\"gil\",\"role\":\"viewer\"}", NULL);
	assert_int_equal(add_token(f, "{\"name\":\"gil-script\",\"role\":\"viewer\"}", secret, &out), 0);
	json_decref(out);
	assert_int_equal(count(f, "SELECT count(*) FROM credentials"), 2);
	wam_db_rollback(f->reg.db);
	assert_int_equal(count(f, "SELECT count(*) FROM credentials"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM users"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM tokens"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
	wam_principal p;
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), WAM_EAUTH);
	/* a failure inside the call leaves nothing either */
	char json[128];
	snprintf(json, sizeof json,
	         "{\"name\":\"gil\",\"role\":\"viewer\",\"sites\":[\"%s\",\"01JZZZZZZZZZZZZZZZZZZZZZZZ\"]}", f->site);
	assert_int_equal(add_token(f, json, secret, &out), WAM_ENOTFOUND);
	assert_int_equal(count(f, "SELECT count(*) FROM credentials"), 0);
	assert_true(verify(f).intact);
}

/* Rebuild recomputes users and tokens from the events and leaves the
 * credentials, which are not a projection, where they are. */
static void test_auth_rebuild_keeps_users_tokens_credentials(void **state)
{
	fx *f = *state;
	char secret[WAM_TOKEN_LEN + 1], json[128];
	json_t *out = NULL, *before_u, *before_t, *after_u, *after_t;
	snprintf(json, sizeof json, "{\"name\":\"hal\",\"role\":\"armourer\",\"sites\":[\"%s\"]}", f->site);
	add_user(f, json, NULL);
	json_t *changes = json_pack("{s:s}", "role", "registrar");
	assert_int_equal(wam_auth_user_update(f->reg.db, &out, "hal", changes), 0);
	json_decref(changes);
	json_decref(out);
	assert_int_equal(add_token(f, "{\"name\":\"nightly\",\"role\":\"auditor\"}", secret, &out), 0);
	assert_int_equal(wam_auth_token_revoke(f->reg.db, json_string_value(json_object_get(out, "id"))), 0);
	json_decref(out);
	assert_int_equal(add_token(f, "{\"name\":\"live\",\"role\":\"viewer\"}", secret, &out), 0);
	json_decref(out);
	assert_int_equal(wam_auth_user_list(f->reg.db, &before_u), 0);
	assert_int_equal(wam_auth_token_list(f->reg.db, &before_t), 0);

	assert_int_equal(wam_ledger_rebuild(f->reg.db), 0);
	assert_int_equal(wam_auth_user_list(f->reg.db, &after_u), 0);
	assert_int_equal(wam_auth_token_list(f->reg.db, &after_t), 0);
	assert_true(json_equal(before_u, after_u));
	assert_true(json_equal(before_t, after_t));
	assert_int_equal(count(f, "SELECT count(*) FROM credentials"), 3);
	wam_principal p;
	assert_int_equal(wam_auth_login(f->reg.db, &p, "hal", PASSWORD), 0);
	assert_string_equal(p.role, "registrar");
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), 0);
	json_decref(before_u);
	json_decref(before_t);
	json_decref(after_u);
	json_decref(after_t);
}

/* Every auth event replays to the same tables; the ledger holds no secret;
 * a users or tokens row changed behind wam's back is found. */
static void test_auth_verify_intact_after_auth_events(void **state)
{
	fx *f = *state;
	char id[WAM_ID_LEN + 1], secret[WAM_TOKEN_LEN + 1];
	json_t *out = NULL;
	add_user(f, "{\"name\":\"ida\",\"role\":\"viewer\"}", id);
	assert_int_equal(wam_auth_user_set_password(f->reg.db, "ida", "another long password"), 0);
	expect_error(wam_auth_user_set_password(f->reg.db, "ida", "short"), WAM_EINVAL, "password");
	expect_error(wam_auth_user_set_password(f->reg.db, "nobody", "another long password"), WAM_ENOTFOUND, "user");
	json_t *changes = json_pack("{s:b, s:[s]}", "disabled", 1, "sites", f->site2);
	assert_int_equal(wam_auth_user_update(f->reg.db, &out, id, changes), 0);
	json_decref(changes);
	json_decref(out);
	assert_int_equal(add_token(f, "{\"name\":\"t\",\"role\":\"monitor\"}", secret, &out), 0);
	assert_int_equal(wam_auth_token_revoke(f->reg.db, json_string_value(json_object_get(out, "id"))), 0);
	json_decref(out);
	json_t *fields = json_pack("[s, s]", "lat", "lon");
	assert_int_equal(wam_auth_log_read(f->reg.db, f->site, fields, "GET /api/v1/sites/x"), 0);
	expect_error(wam_auth_log_read(f->reg.db, "", fields, "GET"), WAM_EINVAL, "subject");
	expect_error(wam_auth_log_read(f->reg.db, f->site, NULL, "GET"), WAM_EINVAL, "fields");
	expect_error(wam_auth_log_read(f->reg.db, f->site, fields, NULL), WAM_EINVAL, "via");
	json_decref(fields);

	wam_verify_report r = verify(f);
	if (!r.intact)
		fail_msg("not intact: %s: %s", r.problem, r.detail);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE type IN ('user.added','user.password_set',"
	                          "'user.changed','token.added','token.revoked','record.read')"),
	                 6);
	char *pl = test_query_text(f->reg.db->conn, "SELECT payload FROM events WHERE type='user.password_set'");
	assert_string_equal(pl, "{}");
	free(pl);
	pl = test_query_text(f->reg.db->conn, "SELECT payload FROM events WHERE type='record.read'");
	assert_string_equal(pl, "{\"fields\":[\"lat\",\"lon\"],\"via\":\"GET /api/v1/sites/x\"}");
	free(pl);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE payload LIKE '%argon2%'"), 0);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE instr(payload, '%s') > 0", secret + 31);
	assert_int_equal(count(f, sql), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM credentials WHERE kind='password' AND hash LIKE '$argon2id$%'"),
	                 1);

	test_reg_tamper(&f->reg, "UPDATE users SET role='admin'");
	r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.problem, "projection_mismatch");
	assert_string_equal(r.table, "users");
	assert_string_equal(r.record_id, id);
	test_reg_tamper(&f->reg, "UPDATE users SET role='viewer'; UPDATE tokens SET revoked=0");
	r = verify(f);
	assert_false(r.intact);
	assert_string_equal(r.table, "tokens");
}

/* A registry made before users existed (and before schema migrations, so
 * its user_version is 0): opened for writing, it gets the credentials table
 * from the migrations and, through the projection version, users and
 * tokens. */
static void test_auth_old_registry_upgraded_on_open(void **state)
{
	fx *f = *state;
	char secret[WAM_TOKEN_LEN + 1];
	json_t *out = NULL;
	test_reg_tamper(&f->reg, "DROP TABLE credentials; DROP TABLE users; DROP TABLE tokens; PRAGMA user_version=0;"
	                         "UPDATE meta SET value='3' WHERE key='projection_version'");
	assert_int_equal(count(f, "SELECT count(*) FROM sqlite_master WHERE name IN ('credentials','users','tokens')"),
	                 3);
	assert_int_equal(add_token(f, "{\"name\":\"after\",\"role\":\"viewer\"}", secret, &out), 0);
	json_decref(out);
	wam_principal p;
	assert_int_equal(wam_auth_token_check(f->reg.db, &p, secret), 0);
	assert_true(verify(f).intact);
}

/* ---- site confinement ---- */

static void test_auth_sees_site(void **state)
{
	(void)state;
	wam_principal p = {.kind = "user", .name = "jo", .role = "armourer"};
	assert_true(wam_db_principal_sees_site(&p, "01JAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_true(wam_db_principal_sees_site(&p, NULL)); /* not confined: sees everything */
	assert_true(wam_db_principal_sees_site(&p, ""));
	p.nsites = 2;
	snprintf(p.sites[0], sizeof p.sites[0], "%s", "01JAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(p.sites[1], sizeof p.sites[1], "%s", "01JBBBBBBBBBBBBBBBBBBBBBBB");
	assert_true(wam_db_principal_sees_site(&p, "01JAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_true(wam_db_principal_sees_site(&p, "01JBBBBBBBBBBBBBBBBBBBBBBB"));
	assert_false(wam_db_principal_sees_site(&p, "01JCCCCCCCCCCCCCCCCCCCCCCC"));
	assert_false(wam_db_principal_sees_site(&p, NULL)); /* no site is outside every confinement */
	assert_false(wam_db_principal_sees_site(&p, ""));
	assert_false(wam_db_principal_sees_site(NULL, "01JAAAAAAAAAAAAAAAAAAAAAAA"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_auth_role_table),
	    T(test_auth_add_user_and_login),
	    T(test_auth_login_failures_look_alike),
	    T(test_auth_short_password_refused),
	    T(test_auth_duplicate_name_conflict),
	    T(test_auth_fields_checked_by_name),
	    T(test_auth_update_records_only_changes),
	    T(test_auth_token_add_check_revoke),
	    T(test_auth_tampered_token_refused),
	    T(test_auth_rollback_leaves_no_credential),
	    T(test_auth_rebuild_keeps_users_tokens_credentials),
	    T(test_auth_verify_intact_after_auth_events),
	    T(test_auth_old_registry_upgraded_on_open),
	    cmocka_unit_test(test_auth_sees_site),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
