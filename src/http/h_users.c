/* /api/v1/session, /users and /tokens: signing in and out, and the
 * administration of who may use the registry.
 *
 * Signing in checks the password (Argon2id, in the library) under limits
 * per name and address and per address (session.c), then starts a session: an HttpOnly, SameSite=Strict
 * cookie holding a random id, and a CSRF token the page sends back in a
 * header with every change. */
#include <sodium.h>
#include <string.h>

#include "http.h"
#include "wam/auth.h"

#define SESSION_COOKIE_AGE "43200" /* seconds: the session's longest life */

/* Takes the string `key` out of `in` into the arena; NULL after answering
 * 422 when it is missing or not a string. */
static char *take_string(wam_request *r, json_t *in, const char *key)
{
	json_t *v = json_object_get(in, key);
	if (!json_is_string(v)) {
		reply_error(r, 422, "invalid", key, "%s is required and must be a string", key);
		return NULL;
	}
	char *s = arena_strdup(&r->mem, json_string_value(v));
	json_object_del(in, key);
	return s;
}

static bool only_keys(wam_request *r, json_t *in, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
	{
		bool known = false;
		for (const char *const *x = keys; *x && !known; x++)
			known = !strcmp(*x, k);
		if (!known) {
			reply_error(r, 422, "invalid", k, "unknown field '%.40s'", k);
			return false;
		}
	}
	return true;
}

/* "No site chosen" must not mean every site by accident: an empty list of
 * sites is taken only with "all_sites": true beside it, which says every
 * site on purpose (and is then taken out before libwam reads the body). A
 * body with no "sites" at all keeps meaning every site, as it always has
 * for API clients and as the CLI without --site does. False after
 * answering 422. */
static bool sites_chosen(wam_request *r, json_t *in)
{
	json_t *all = json_object_get(in, "all_sites"), *sites = json_object_get(in, "sites");
	if (all && !json_is_boolean(all)) {
		reply_error(r, 422, "invalid", "all_sites", "all_sites is true or false");
		return false;
	}
	if (json_is_true(all) && json_array_size(sites) > 0) {
		reply_error(r, 422, "invalid", "sites", "choose all sites or some sites, not both");
		return false;
	}
	if (!json_is_true(all) && (json_is_null(sites) || (json_is_array(sites) && json_array_size(sites) == 0))) {
		reply_error(r, 422, "invalid", "sites",
		            "choose at least one site, or all sites (all_sites: true) to give every site");
		return false;
	}
	if (json_is_true(all) && !sites)
		json_object_set_new(in, "sites", json_array());
	json_object_del(in, "all_sites");
	return true;
}

static json_t *principal_json(const wam_principal *p)
{
	json_t *sites = json_array();
	for (int i = 0; i < p->nsites; i++)
		json_array_append_new(sites, json_string(p->sites[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "kind", p->kind, "id", p->id, "name", p->name, "role", p->role,
	                 "sites", sites);
}

/* ---- session ---- */

void h_session_create(wam_request *r)
{
	static const char *const keys[] = {"name", "password", NULL};
	json_t *in = request_json(r);
	if (!in)
		return;
	char *name = NULL, *password = NULL;
	if (!only_keys(r, in, keys) || !(name = take_string(r, in, "name")) ||
	    !(password = take_string(r, in, "password"))) {
		json_decref(in);
		return;
	}
	json_decref(in);
	sessions *ss = server_sessions(r->srv);
	int wait = signin_wait(ss, name, r->client);
	if (wait > 0) {
		reply_error(r, 429, "rate_limited", NULL, "too many failed sign-ins; try again in %d seconds", wait);
		reply_header(r, "Retry-After", arena_printf(&r->mem, "%d", wait));
		return;
	}
	wam_principal p;
	/* the generation before the password is checked: a change that comes
	 * in between ends the new session at its first request */
	int64_t generation = 0;
	wam_auth_user_generation(r->db, &generation, name);
	int rc = wam_auth_login(r->db, &p, name, password);
	sodium_memzero(password, strlen(password));
	signin_result(ss, name, r->client, rc == 0);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	char sid[44], csrf[44];
	sessions_start(ss, p.id, generation, sid, csrf);
	reply_header(r, MHD_HTTP_HEADER_SET_COOKIE,
	             arena_printf(&r->mem, "wam_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%s%s", sid,
	                          SESSION_COOKIE_AGE, server_secure_cookies(r->srv) ? "; Secure" : ""));
	sodium_memzero(sid, sizeof sid);
	r->who = p;
	r->signed_in = true;
	reply_json(r, 201, json_pack("{s:o, s:s}", "user", principal_json(&p), "csrf", csrf));
}

void h_session_get(wam_request *r)
{
	json_t *out = json_pack("{s:o}", "user", principal_json(&r->who));
	if (r->via_cookie)
		json_object_set_new(out, "csrf", json_string(r->csrf));
	reply_json(r, 200, out);
}

void h_session_delete(wam_request *r)
{
	const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "wam_session");
	if (r->via_cookie && sid)
		sessions_end(server_sessions(r->srv), sid);
	reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, "wam_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	reply_bytes(r, 204, NULL, "", 0);
}

/* Signs the caller out everywhere: every session of theirs ends, this one
 * too; their password, role and API tokens stay as they are. */
void h_session_delete_all(wam_request *r)
{
	if (strcmp(r->who.kind, "user") != 0) {
		reply_error(r, 403, "forbidden", NULL, "an API token has no sessions; revoke the token instead");
		return;
	}
	sessions_end_user(server_sessions(r->srv), r->who.id);
	reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, "wam_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	reply_bytes(r, 204, NULL, "", 0);
}

void h_session_password(wam_request *r)
{
	static const char *const keys[] = {"current", "password", NULL};
	if (strcmp(r->who.kind, "user") != 0) {
		reply_error(r, 403, "forbidden", NULL, "an API token has no password");
		return;
	}
	json_t *in = request_json(r);
	if (!in)
		return;
	char *current = NULL, *password = NULL;
	if (!only_keys(r, in, keys) || !(current = take_string(r, in, "current")) ||
	    !(password = take_string(r, in, "password"))) {
		json_decref(in);
		return;
	}
	json_decref(in);
	/* the current password is a sign-in: limited and counted the same way */
	sessions *ss = server_sessions(r->srv);
	int wait = signin_wait(ss, r->who.name, r->client);
	if (wait > 0) {
		sodium_memzero(current, strlen(current));
		sodium_memzero(password, strlen(password));
		reply_error(r, 429, "rate_limited", NULL, "too many failed sign-ins; try again in %d seconds", wait);
		reply_header(r, "Retry-After", arena_printf(&r->mem, "%d", wait));
		return;
	}
	wam_principal p;
	int rc = wam_auth_login(r->db, &p, r->who.name, current);
	signin_result(ss, r->who.name, r->client, rc == 0);
	sodium_memzero(current, strlen(current));
	if (rc) {
		sodium_memzero(password, strlen(password));
		reply_error(r, 422, "invalid", "current", "the current password is not right");
		return;
	}
	rc = wam_auth_user_set_password(r->db, r->who.id, password);
	sodium_memzero(password, strlen(password));
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	sessions_end_user(server_sessions(r->srv), r->who.id); /* every browser signs in again */
	reply_bytes(r, 204, NULL, "", 0);
}

/* ---- users ---- */

void h_users_list(wam_request *r)
{
	json_t *out;
	int rc = wam_auth_user_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_users_create(wam_request *r)
{
	json_t *in = request_json(r), *out;
	if (!in)
		return;
	char *password = sites_chosen(r, in) ? take_string(r, in, "password") : NULL;
	if (!password) {
		json_decref(in);
		return;
	}
	int rc = wam_auth_user_add(r->db, &out, in, password);
	sodium_memzero(password, strlen(password));
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Location", arena_printf(&r->mem, "/api/v1/users/%s", json_string_value(json_object_get(out, "id"))));
	reply_json(r, 201, out);
}

void h_user_get(wam_request *r)
{
	json_t *out;
	int rc = wam_auth_user_get(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_user_update(wam_request *r)
{
	json_t *in = request_json(r), *out;
	if (!in)
		return;
	if (!sites_chosen(r, in)) {
		json_decref(in);
		return;
	}
	int rc = wam_auth_user_update(r->db, &out, r->params[0], in);
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	if (json_is_true(json_object_get(out, "disabled")))
		sessions_end_user(server_sessions(r->srv), json_string_value(json_object_get(out, "id")));
	reply_json(r, 200, out);
}

void h_user_password(wam_request *r)
{
	static const char *const keys[] = {"password", NULL};
	json_t *in = request_json(r), *user = NULL;
	if (!in)
		return;
	char *password = NULL;
	if (!only_keys(r, in, keys) || !(password = take_string(r, in, "password"))) {
		json_decref(in);
		return;
	}
	json_decref(in);
	int rc = wam_auth_user_get(r->db, &user, r->params[0]);
	if (!rc)
		rc = wam_auth_user_set_password(r->db, r->params[0], password);
	sodium_memzero(password, strlen(password));
	if (rc) {
		json_decref(user); /* found, and the password refused */
		reply_wam(r, rc);
		return;
	}
	sessions_end_user(server_sessions(r->srv), json_string_value(json_object_get(user, "id")));
	json_decref(user);
	reply_bytes(r, 204, NULL, "", 0);
}

/* ---- tokens ---- */

void h_tokens_list(wam_request *r)
{
	json_t *out;
	int rc = wam_auth_token_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_tokens_create(wam_request *r)
{
	json_t *in = request_json(r), *out;
	char secret[WAM_TOKEN_LEN + 1];
	if (!in)
		return;
	if (!sites_chosen(r, in)) {
		json_decref(in);
		return;
	}
	int rc = wam_auth_token_add(r->db, &out, in, secret);
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_json(r, 201, json_pack("{s:o, s:s}", "token", out, "secret", secret));
	sodium_memzero(secret, sizeof secret);
}

void h_token_revoke(wam_request *r)
{
	int rc = wam_auth_token_revoke(r->db, r->params[0]);
	if (rc)
		reply_wam(r, rc);
	else
		reply_json(r, 200, json_pack("{s:s, s:b}", "id", r->params[0], "revoked", 1));
}
