/* /api/v1/licences, /api/v1/eucs, /api/v1/brokers and /api/v1/screening:
 * the licensing side of the transfers room (docs/transfers.md). Transfers are a state's, not a site's, so every
 * route is national (refused to callers confined to sites). Each handler
 * hands the body to libwam as it came: the library names an unknown or
 * broken field itself, and a refused change writes nothing. Issuing by a
 * second person is the library's rule (wam_transfers_licence_issue): the
 * server only sets the caller as the handle's principal. */
#include <string.h>

#include "http.h"
#include "wam/transfers.h"

/* ---- shared by the transfers handlers (http.h) ---- */

void transfers_create(wam_request *r, transfers_add_fn fn, const char *base)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = fn(r->db, &out, in);
	json_decref(in);
	const char *id = rc ? NULL : json_string_value(json_object_get(out, "id"));
	if (id && base)
		reply_header(r, "Location", arena_printf(&r->mem, "%s/%s", base, id));
	reply_result(r, rc, 201, &out);
}

void transfers_change(wam_request *r, transfers_change_fn fn)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = fn(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void transfers_get(wam_request *r, transfers_get_fn fn)
{
	json_t *out = NULL;
	int rc = fn(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void transfers_list(wam_request *r, transfers_list_fn fn, const char *param)
{
	json_t *out = NULL;
	int rc = fn(r->db, &out, request_query(r, param));
	reply_result(r, rc, 200, &out);
}

bool transfers_no_fields(wam_request *r)
{
	if (!r->body_len)
		return true;
	json_t *in = request_json(r);
	if (!in)
		return false;
	const char *key = NULL;
	json_t *v;
	json_object_foreach(in, key, v)
	{
		(void)v;
		break;
	}
	bool none = key == NULL;
	if (!none)
		reply_error(r, 422, "invalid", key, "this request takes no fields, not '%.40s'", key);
	json_decref(in);
	return none;
}

/* ---- licences ---- */

void h_licences_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_transfers_licence_list(r->db, &out, request_query(r, "kind"), request_query(r, "state"));
	reply_result(r, rc, 200, &out);
}

void h_licences_create(wam_request *r)
{
	transfers_create(r, wam_transfers_licence_add, "/api/v1/licences");
}

void h_licence_get(wam_request *r)
{
	transfers_get(r, wam_transfers_licence_get);
}

void h_licence_assess(wam_request *r)
{
	transfers_change(r, wam_transfers_licence_assess);
}

/* The body is empty (or {}): who issues is the caller. */
void h_licence_issue(wam_request *r)
{
	if (!transfers_no_fields(r))
		return;
	json_t *out = NULL;
	int rc = wam_transfers_licence_issue(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_licence_state(wam_request *r)
{
	transfers_change(r, wam_transfers_licence_set_state);
}

/* ---- end-user certificates ---- */

void h_eucs_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_transfers_euc_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_eucs_create(wam_request *r)
{
	transfers_create(r, wam_transfers_euc_add, "/api/v1/eucs");
}

void h_euc_get(wam_request *r)
{
	transfers_get(r, wam_transfers_euc_get);
}

void h_euc_verify(wam_request *r)
{
	transfers_change(r, wam_transfers_euc_verify);
}

void h_euc_check(wam_request *r)
{
	transfers_change(r, wam_transfers_euc_check);
}

/* ---- brokers ---- */

void h_brokers_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_transfers_broker_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_brokers_create(wam_request *r)
{
	transfers_create(r, wam_transfers_broker_add, "/api/v1/brokers");
}

void h_broker_get(wam_request *r)
{
	transfers_get(r, wam_transfers_broker_get);
}

void h_broker_state(wam_request *r)
{
	transfers_change(r, wam_transfers_broker_set_state);
}

/* ---- screening ---- */

/* {party, date?}: what screening finds for one party, nothing recorded. */
void h_screening(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v)
	{
		if (strcmp(key, "party") && strcmp(key, "date")) {
			reply_error(r, 422, "invalid", key, "screening takes a party and a date, not '%.40s'", key);
			json_decref(in);
			return;
		}
	}
	const json_t *party = json_object_get(in, "party"), *date = json_object_get(in, "date");
	if (!json_is_object(party)) {
		json_decref(in);
		reply_error(r, 422, "invalid", "party",
		            "party must be an object naming the role, name and country of the party");
		return;
	}
	if (date && !json_is_null(date) && !json_is_string(date)) {
		json_decref(in);
		reply_error(r, 422, "invalid", "date", "date must be a date (YYYY-MM-DD)");
		return;
	}
	int rc = wam_transfers_screen(r->db, &out, party, json_string_value(date));
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
