/* /api/v1/regimes, /api/v1/embargo-check, /api/v1/embargoes,
 * /api/v1/exemptions and /api/v1/notices: the embargo room
 * (docs/embargo.md). Embargoes are a state's, not a site's, so every route
 * is national (refused to callers confined to sites). Bodies go to libwam
 * as they came: the library names an unknown or broken field itself, and a
 * refused change writes nothing. The notification of an exemption and the
 * document of a notice are HTML pages. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/embargo.h"

/* ---- regimes ---- */

void h_regimes_list(wam_request *r)
{
	transfers_list(r, wam_embargo_regime_list, "on");
}

void h_regime_get(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_embargo_regime_get(r->db, &out, r->params[0], request_query(r, "on"));
	reply_result(r, rc, 200, &out);
}

/* The body is the reference file itself (docs/formats/regimes.md). */
void h_regimes_import(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_embargo_regimes_import(r->db, &out, in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* ?country=CC&on=D, and with name= the party's screening there (dob,
 * nationality, government=true describe it). */
void h_embargo_check(wam_request *r)
{
	bool government;
	if (!request_query_bool(r, "government", &government))
		return;
	const char *country = request_query(r, "country"), *name = request_query(r, "name");
	if (!country || !*country) {
		reply_error(r, 400, "invalid", "country", "give the country to check (country=CC)");
		return;
	}
	if (!name && (request_query(r, "dob") || request_query(r, "nationality") || government)) {
		reply_error(r, 400, "invalid", "name",
		            "dob, nationality and government describe a party: give its name");
		return;
	}
	json_t *party = NULL, *out = NULL;
	if (name) {
		party = json_pack("{s:s, s:s, s:s}", "name", name, "role", "end_user", "country", country);
		const char *dob = request_query(r, "dob"), *nat = request_query(r, "nationality");
		if (party && dob)
			json_object_set_new(party, "dob", json_string(dob));
		if (party && nat)
			json_object_set_new(party, "nationality", json_string(nat));
		if (party && government)
			json_object_set_new(party, "government", json_true());
		if (!party) {
			reply_error(r, 500, "out_of_memory", NULL, "out of memory checking the embargoes");
			return;
		}
	}
	int rc = wam_embargo_check(r->db, &out, country, request_query(r, "on"), party);
	json_decref(party);
	reply_result(r, rc, 200, &out);
}

/* ---- national embargoes ---- */

/* The national embargoes among the regimes, in force or not on ?on=. */
void h_embargoes_list(wam_request *r)
{
	json_t *all = NULL;
	int rc = wam_embargo_regime_list(r->db, &all, request_query(r, "on"));
	if (rc) {
		reply_result(r, rc, 200, &all);
		return;
	}
	json_t *national = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(all, i, g)
	{
		const char *source = json_string_value(json_object_get(g, "source"));
		if (source && !strcmp(source, "national"))
			json_array_append(national, g);
	}
	json_decref(all);
	reply_result(r, 0, 200, &national);
}

/* No route reads one embargo by itself: the lists show it, so no Location. */
void h_embargoes_create(wam_request *r)
{
	transfers_create(r, wam_embargo_record, NULL);
}

void h_embargo_lift(wam_request *r)
{
	transfers_change(r, wam_embargo_lift);
}

/* ---- exemptions ---- */

void h_exemptions_list(wam_request *r)
{
	transfers_list(r, wam_embargo_exemption_list, "regime");
}

/* {regime, ...the exemption (docs/formats/exemption.md)}. */
void h_exemptions_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	const json_t *regime = json_object_get(in, "regime");
	if (!json_is_string(regime) || !*json_string_value(regime)) {
		json_decref(in);
		reply_error(r, 422, "invalid", "regime", "an exemption names the regime it is under (regime)");
		return;
	}
	char *id = arena_strdup(&r->mem, json_string_value(regime));
	json_object_del(in, "regime");
	int rc = id ? wam_embargo_exemption_add(r->db, &out, id, in)
	            : wam_error_set(WAM_ENOMEM, NULL, "out of memory recording the exemption");
	json_decref(in);
	const char *made = rc ? NULL : json_string_value(json_object_get(out, "id"));
	if (made)
		reply_header(r, "Location", arena_printf(&r->mem, "/api/v1/exemptions/%s", made));
	reply_result(r, rc, 201, &out);
}

void h_exemption_get(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_embargo_exemption_get(r->db, &out, r->params[0], request_query(r, "on"));
	reply_result(r, rc, 200, &out);
}

void h_exemption_decide(wam_request *r)
{
	transfers_change(r, wam_embargo_exemption_decide);
}

/* An HTML page of the library for the record of the path. */
typedef int (*html_fn)(wam_db *db, char **html, size_t *len, const char *id);

static void reply_html(wam_request *r, html_fn fn)
{
	char *html = NULL;
	size_t n = 0;
	int rc = fn(r->db, &html, &n, r->params[0]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_bytes(r, 200, "text/html; charset=utf-8", html, n);
	free(html);
}

void h_exemption_notice(wam_request *r)
{
	reply_html(r, wam_embargo_exemption_notice);
}

/* ---- notices ---- */

void h_notices_list(wam_request *r)
{
	transfers_list(r, wam_embargo_notice_list, "state");
}

void h_notice_get(wam_request *r)
{
	transfers_get(r, wam_embargo_notice_get);
}

void h_notice_sent(wam_request *r)
{
	transfers_change(r, wam_embargo_notice_sent);
}

void h_notice_document(wam_request *r)
{
	reply_html(r, wam_embargo_notice_document);
}
