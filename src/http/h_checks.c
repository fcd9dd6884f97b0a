/* /api/v1/checks: stock checks, their reads, their reconciliation and the
 * investigations of their discrepancies (docs/stock.md, "Stock checks").
 * A caller confined to sites sees and acts on the checks of those sites
 * only; a check of another site is answered as not found (by libwam, for
 * the principal set on the handle). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/stock.h"

/* The check of the route, when the caller may see it; else answered. */
static json_t *visible_check(wam_request *r)
{
	json_t *c = NULL;
	int rc = wam_stock_check_get(r->db, &c, r->params[0]);
	return request_visible(r, rc, c);
}

void h_checks_list(wam_request *r)
{
	json_t *out;
	int rc = wam_stock_check_list(r->db, &out, request_query(r, "site"), NULL, 0);
	reply_result(r, rc, 200, &out);
}

void h_checks_open(wam_request *r)
{
	json_t *in = request_json(r), *out;
	if (!in)
		return;
	int rc = wam_stock_check_open(r->db, &out, in);
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Location",
	             arena_printf(&r->mem, "/api/v1/checks/%s", json_string_value(json_object_get(out, "id"))));
	reply_json(r, 201, out);
}

void h_check_get(wam_request *r)
{
	json_t *c = visible_check(r);
	if (c)
		reply_json(r, 200, c);
}

/* Reads as text/plain (one a line; ?method=) or JSON {reads: [..],
 * method?}. */
void h_check_reads(wam_request *r)
{
	json_t *c = visible_check(r), *out = NULL;
	if (!c)
		return;
	json_decref(c);
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	int rc;
	if (type && !strncmp(type, "application/json", 16)) {
		json_t *in = request_json(r);
		if (!in)
			return;
		const json_t *reads = json_object_get(in, "reads"), *v;
		const char *method = json_string_value(json_object_get(in, "method"));
		if (!json_is_array(reads)) {
			json_decref(in);
			reply_error(r, 422, "invalid", "reads", "reads must be a list of weapon ids or serials");
			return;
		}
		size_t n = json_array_size(reads), i;
		const char **list = arena_alloc(&r->mem, (n ? n : 1) * sizeof *list);
		if (!list) {
			json_decref(in);
			reply_error(r, 500, "out_of_memory", NULL, "out of memory");
			return;
		}
		json_array_foreach(reads, i, v)
		{
			if (!json_is_string(v)) {
				json_decref(in);
				reply_error(r, 422, "invalid", "reads", "read %zu must be a string", i + 1);
				return;
			}
			list[i] = json_string_value(v);
		}
		rc = wam_stock_check_see(r->db, &out, r->params[0], method ? method : WAM_READ_SCANNED, list, n);
		json_decref(in);
	} else if (!type || !strncmp(type, "text/plain", 10)) {
		const char *method = request_query(r, "method");
		FILE *in = fmemopen(r->body_len ? r->body : (char *)"", r->body_len, "r");
		if (!in) {
			reply_error(r, 500, "out_of_memory", NULL, "the reads could not be read");
			return;
		}
		rc = wam_stock_check_feed(r->db, &out, r->params[0], method ? method : WAM_READ_RFID, in);
		fclose(in);
	} else {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "reads are text/plain or application/json, not %.60s", type);
		return;
	}
	reply_result(r, rc, 200, &out);
}

void h_check_close(wam_request *r)
{
	json_t *c = visible_check(r), *out;
	if (!c)
		return;
	json_decref(c);
	int rc = wam_stock_check_close(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_investigations_list(wam_request *r)
{
	bool all;
	if (!request_query_bool(r, "all", &all))
		return;
	json_t *out;
	int rc = wam_stock_investigation_list(r->db, &out, request_query(r, "check"), all, NULL, 0);
	reply_result(r, rc, 200, &out);
}

/* A caller confined to sites learns nothing of another site's
 * investigation, not even that it exists: it is answered as not found, as
 * its check is, before its body is read. True when the caller may see
 * investigation params[0] (or it does not exist, which the library then
 * reports); else answered. libwam lists only the caller's investigations
 * and refuses to resolve another's; this answers first. */
static bool visible_investigation(wam_request *r)
{
	if (r->who.nsites == 0)
		return true;
	json_t *mine = NULL, *v;
	size_t i;
	int rc = wam_stock_investigation_list(r->db, &mine, NULL, true, NULL, 0);
	if (rc) {
		reply_wam(r, rc);
		return false;
	}
	bool seen = false;
	json_array_foreach(mine, i, v) seen |= !strcmp(json_string_value(json_object_get(v, "id")), r->params[0]);
	json_decref(mine);
	if (!seen)
		reply_error(r, 404, "not_found", "investigation", "no investigation with id '%.40s'", r->params[0]);
	return seen;
}

void h_investigation_resolve(wam_request *r)
{
	if (!visible_investigation(r))
		return;
	json_t *in = request_json(r), *out;
	if (!in)
		return;
	int rc = wam_stock_investigation_resolve(r->db, &out, r->params[0], in, &r->who);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
