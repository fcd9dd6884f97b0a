/* /api/v1/destructions: destruction batches and their certificates. A batch
 * may gather weapons from several sites, so the routes are national. The
 * certificate is an HTML page built by libwam with every value escaped. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/stock.h"

void h_destructions_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_stock_destruction_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_destructions_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_stock_destruction_open(r->db, &out, in);
	json_decref(in);
	if (!rc)
		reply_header(
		    r, "Location",
		    arena_printf(&r->mem, "/api/v1/destructions/%s", json_string_value(json_object_get(out, "id"))));
	reply_result(r, rc, 201, &out);
}

void h_destruction_get(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_stock_destruction_get(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

/* {item_id} for a weapon, {lot_id, rounds} for ammunition */
void h_destruction_item(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	const json_t *item = json_object_get(in, "item_id"), *lot = json_object_get(in, "lot_id");
	const json_t *rounds = json_object_get(in, "rounds");
	int rc;
	if (json_is_string(item) && json_object_size(in) == 1)
		rc = wam_stock_destruction_add_item(r->db, &out, r->params[0], json_string_value(item));
	else if (json_is_string(lot) && json_is_integer(rounds) && json_object_size(in) == 2)
		rc = wam_stock_destruction_add_lot(r->db, &out, r->params[0], json_string_value(lot),
		                                   (long)json_integer_value(rounds));
	else
		rc = wam_error_set(WAM_EINVAL, "item_id",
		                   "the body is {\"item_id\": ...} or {\"lot_id\": ..., \"rounds\": N}");
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {recovery_id, line, rounds}: rounds of a recovery's ammunition line */
void h_destruction_recovered(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	static const char *const fields[] = {"recovery_id", "line", "rounds", NULL};
	const json_t *rec = json_object_get(in, "recovery_id"), *line = json_object_get(in, "line");
	const json_t *rounds = json_object_get(in, "rounds");
	int rc = 0;
	for (const char *const *f = fields; *f && !rc; f++)
		if (!json_object_get(in, *f))
			rc = wam_error_set(WAM_EINVAL, *f, "%s is required", *f);
	if (!rc && !json_is_string(rec))
		rc = wam_error_set(WAM_EINVAL, "recovery_id", "recovery_id must be a string");
	if (!rc && !json_is_integer(line))
		rc = wam_error_set(WAM_EINVAL, "line", "line must be a whole number");
	if (!rc && !json_is_integer(rounds))
		rc = wam_error_set(WAM_EINVAL, "rounds", "rounds must be a whole number of at least 1");
	if (!rc && json_object_size(in) != 3)
		rc = wam_error_set(WAM_EINVAL, NULL, "the body is {\"recovery_id\": ..., \"line\": N, \"rounds\": N}");
	if (!rc)
		rc = wam_stock_destruction_add_recovered(r->db, &out, r->params[0], json_string_value(rec),
		                                         (long)json_integer_value(line),
		                                         (long)json_integer_value(rounds));
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {role: verifier | witness, name} */
void h_destruction_person(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = json_object_size(in) == 2 || !json_object_get(in, "role") || !json_object_get(in, "name")
	             ? wam_stock_destruction_add_person(r->db, &out, r->params[0],
	                                                json_string_value(json_object_get(in, "role")),
	                                                json_string_value(json_object_get(in, "name")))
	             : wam_error_set(WAM_EINVAL, NULL, "the body is {\"role\": ..., \"name\": ...}");
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {serials: [...]} */
void h_destruction_verify(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_stock_destruction_verify(r->db, &out, r->params[0], json_object_get(in, "serials"));
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* A verifier confirms as themselves: the caller's own session is the
 * verifier's identity (a token is no person); the library checks the
 * caller is a verifier named in the batch. No body is needed. */
void h_destruction_confirm(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_stock_destruction_confirm(r->db, &out, r->params[0], &r->who);
	reply_result(r, rc, 200, &out);
}

/* {certificate} */
void h_destruction_close(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	const json_t *c = json_object_get(in, "certificate");
	int rc = !c || json_is_string(c) ? wam_stock_destruction_close(r->db, &out, r->params[0], json_string_value(c))
	                                 : wam_error_set(WAM_EINVAL, "certificate", "certificate must be a string");
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void h_destruction_certificate(wam_request *r)
{
	char *html = NULL;
	size_t n = 0;
	int rc = wam_stock_destruction_certificate(r->db, &html, &n, r->params[0]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_bytes(r, 200, "text/html; charset=utf-8", html, n);
	free(html);
}
