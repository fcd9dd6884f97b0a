/* /api/v1/recoveries and /api/v1/tasks: field collection. Recoveries and
 * tasks cover weapons from anywhere in the country, so the routes are
 * national (refused to callers confined to sites). A photo is posted as its
 * own bytes with an image content type and read back the same way. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/collection.h"

void h_recoveries_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_collection_recovery_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_recoveries_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_collection_recovery_add(r->db, &out, in);
	json_decref(in);
	if (!rc)
		reply_header(
		    r, "Location",
		    arena_printf(&r->mem, "/api/v1/recoveries/%s", json_string_value(json_object_get(out, "id"))));
	reply_result(r, rc, 201, &out);
}

void h_recovery_get(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_collection_recovery_get(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_recovery_handover(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_collection_recovery_handover(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 201, &out);
}

/* {person_sex?, person_age_band?, legal_justification?}: what is learnt
 * later of a recovery's person (never a name) and its case */
void h_recovery_describe(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_collection_recovery_describe(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {rounds, site_id, lot_number?, ...}: rounds of ammunition line {line}
 * into a new stock lot that keeps its origin */
void h_recovery_ammunition_stock(wam_request *r)
{
	/* a line number as written: digits, no leading zero, below the 1000
	 * lines a recovery holds at most (so nothing is cut short or wraps) */
	const char *t = r->params[1];
	size_t len = strlen(t);
	bool digits = len >= 1 && len <= 3 && (t[0] != '0' || len == 1);
	for (size_t k = 0; digits && k < len; k++)
		digits = t[k] >= '0' && t[k] <= '9';
	if (!digits) {
		reply_wam(r, wam_error_set(WAM_EINVAL, "line",
		                           "line is the number of an ammunition line, from 0 to 999, not '%.24s'", t));
		return;
	}
	long line = strtol(t, NULL, 10);
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_collection_ammunition_stock(r->db, &out, r->params[0], line, in);
	json_decref(in);
	if (!rc)
		reply_header(r, "Location",
		             arena_printf(&r->mem, "/api/v1/lots/%s",
		                          json_string_value(json_object_get(json_object_get(out, "lot"), "id"))));
	reply_result(r, rc, 201, &out);
}

void h_recovery_photo_add(wam_request *r)
{
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!type || strncmp(type, "image/", 6) != 0) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "a photo is sent as image/jpeg, image/png, image/gif"
		            " or image/webp, not %.60s",
		            type ? type : "nothing");
		return;
	}
	json_t *out = NULL;
	int rc = wam_collection_recovery_photo_add(r->db, &out, r->params[0], r->body, r->body_len,
	                                           request_query(r, "caption"));
	if (!rc)
		reply_header(r, "Location",
		             arena_printf(&r->mem, "/api/v1/recoveries/%s/photos/%s", r->params[0],
		                          json_string_value(json_object_get(out, "hash"))));
	reply_result(r, rc, 201, &out);
}

void h_recovery_photo_get(wam_request *r)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	char type[32];
	int rc = wam_collection_recovery_photo_get(r->db, &bytes, &n, type, r->params[0], r->params[1]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	reply_bytes(r, 200, arena_strdup(&r->mem, type), bytes, n);
	free(bytes);
}

void h_tasks_list(wam_request *r)
{
	const char *state = request_query(r, "state");
	json_t *out = NULL;
	int rc = wam_collection_task_list(r->db, &out, state ? state : "open");
	reply_result(r, rc, 200, &out);
}

void h_task_mark(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_collection_task_mark(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
