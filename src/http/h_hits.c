/* /api/v1/losses, /api/v1/hits and /api/v1/items/{id}/origin: weapons
 * reported lost or stolen, the hits between recovered weapons and the
 * registry, and illicit origins a competent authority established other
 * than by tracing.
 *
 * Loss reports, scans and origins cover weapons from anywhere in the
 * country, so those routes are national. A hit belongs to the site of the
 * registered weapon it points at (`owner_site_id`): it is that site's inbox.
 * A caller confined to sites lists only its sites' hits and gets 404 for any
 * other, as for weapons, so hit ids cannot be probed. Each weapon of a hit
 * shown comes with its holder's name and type beside holder_id. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/registry.h"
#include "wam/trace.h"

void h_losses_list(wam_request *r)
{
	bool open_only;
	if (!request_query_bool(r, "open", &open_only))
		return;
	json_t *out = NULL;
	int rc = wam_trace_loss_list(r->db, &out, open_only);
	reply_result(r, rc, 200, &out);
}

/* There is no route for one loss report: the report comes back whole, and
 * the weapon (GET /items/{id}) carries its lost or stolen status. */
void h_losses_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_loss_report(r->db, &out, in);
	json_decref(in);
	reply_result(r, rc, 201, &out);
}

/* Closes a loss report of ammunition only: {reason, recovery_id?}. */
void h_loss_close(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_loss_close(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* The open loss reports in the lost/stolen CSV layout, as a download. */
void h_losses_export(wam_request *r)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f) {
		reply_error(r, 500, "out_of_memory", NULL, "the list could not be written");
		return;
	}
	int rc = wam_trace_loss_export(r->db, f);
	if (fclose(f) && !rc)
		rc = wam_error_set(WAM_ENOMEM, NULL, "the list could not be written");
	if (rc)
		reply_wam(r, rc);
	else {
		reply_header(r, "Content-Disposition", "attachment; filename=\"lost-stolen.csv\"");
		reply_bytes(r, 200, "text/csv; charset=utf-8", text ? text : "", n);
	}
	free(text);
}

/* The hit named by the path, or NULL after answering (404 for a hit at a
 * site that is not one of the caller's). */
static json_t *visible_hit(wam_request *r)
{
	json_t *hit = NULL;
	int rc = wam_trace_hit_get(r->db, &hit, r->params[0]);
	return request_visible(r, rc, hit);
}

void h_hits_list(wam_request *r)
{
	wam_hit_filter f = {.state = request_query(r, "state")};
	json_t *out = NULL;
	int rc = wam_trace_hit_list(r->db, &out, &f);
	reply_result(r, rc, 200, &out);
}

void h_hit_get(wam_request *r)
{
	json_t *hit = visible_hit(r);
	if (!hit)
		return;
	reply_json(r, 200, hit);
}

/* {decision: confirm | reject, reason, point_of_diversion?} */
void h_hit_decide(wam_request *r)
{
	json_t *hit = visible_hit(r), *out = NULL;
	if (!hit)
		return;
	json_decref(hit);
	json_t *in = request_json(r);
	if (!in)
		return;
	int rc = wam_trace_hit_decide(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {recovery_id?}: one recovery's weapons, or every recovery when the body
 * is empty or {}. Answers the new hits. */
void h_hits_scan(wam_request *r)
{
	json_t *in = r->body_len ? request_json(r) : json_object(), *out = NULL;
	if (!in)
		return;
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach(in, key, v)
	{
		if (strcmp(key, "recovery_id") != 0) {
			rc = wam_error_set(WAM_EINVAL, key, "unknown field '%.60s': the body is {\"recovery_id\"?}",
			                   key);
			break;
		}
		if (!json_is_string(v) && !json_is_null(v)) {
			rc = wam_error_set(WAM_EINVAL, "recovery_id", "recovery_id must be a string");
			break;
		}
	}
	if (!rc)
		rc = wam_trace_hit_scan(r->db, &out, json_string_value(json_object_get(in, "recovery_id")));
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {method, category, country?, date?, description?} */
void h_item_origin(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_origin_establish(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
