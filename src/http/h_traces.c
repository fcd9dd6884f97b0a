/* /api/v1/traces, /api/v1/node and /api/v1/peers: ITI trace requests and
 * their responses, and the signed documents exchanged with other
 * registries. Tracing is the work of the national point of contact, so
 * every route here is national.
 *
 * Rule R11: a response kept restricted or confidential is shown in full only
 * to a role allowed `trace_confidential`; others see that it exists and
 * that it is withheld. Each time one is shown in full — reading a request,
 * the request returned by a change to it, an exported document carrying it
 * — a record.read event names the request and the responses read, and if
 * that event cannot be written nothing is shown. Every answer that shows a
 * request goes through show_trace(), so no route can skip the rule; raw
 * events carrying a response (GET /events, h_ledger.c) follow it through
 * trace_sees_confidential() and trace_log_responses_read(). */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/trace.h"

bool trace_sees_confidential(const wam_request *r)
{
	return wam_auth_allows(r->who.role, WAM_ACT_TRACE_CONFIDENTIAL);
}

bool trace_log_responses_read(wam_request *r, const char *id, json_t *names)
{
	return json_array_size(names) == 0 || request_log_read(r, id, names);
}

/* Logs the read of request `t`'s restricted and confidential responses, if
 * it has any. False after answering 500 when the read cannot be logged. */
static bool log_confidential(wam_request *r, const json_t *t, const char *id)
{
	json_t *names = wam_trace_request_restricted_responses(t);
	bool ok = trace_log_responses_read(r, id, names);
	json_decref(names);
	return ok;
}

/* Answers with request `id` as the caller may see it, with `status`. */
static void show_trace(wam_request *r, const char *id, int status)
{
	bool full = trace_sees_confidential(r);
	json_t *t = NULL;
	int rc = wam_trace_request_get(r->db, &t, id, full ? WAM_TRACE_CONFIDENTIAL : 0);
	if (rc) {
		json_decref(t);
		reply_wam(r, rc);
		return;
	}
	if (full && !log_confidential(r, t, id)) {
		json_decref(t);
		return;
	}
	reply_json(r, status, t);
}

/* Answers 201 with the request just made, `made` (freed here) as the
 * library returned it, at its Location. */
static void show_created(wam_request *r, json_t *made)
{
	char *id = arena_strdup(&r->mem, json_string_value(json_object_get(made, "id")));
	json_decref(made);
	if (!id) {
		reply_error(r, 500, "out_of_memory", NULL, "the answer could not be written");
		return;
	}
	reply_header(r, "Location", arena_printf(&r->mem, "/api/v1/traces/%s", id));
	show_trace(r, id, 201);
}

/* A body whose fields are all optional: none at all is {}. */
static json_t *optional_json(wam_request *r)
{
	return r->body_len ? request_json(r) : json_object();
}

typedef int (*change_fn)(wam_db *db, json_t **out, const char *id, const json_t *in);

/* Runs one change to the request named by the path with the body (`body_optional`:
 * an empty body is {}) and answers with the request. */
static void change(wam_request *r, change_fn fn, bool body_optional, int status)
{
	json_t *in = body_optional ? optional_json(r) : request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = fn(r->db, &out, r->params[0], in);
	json_decref(in);
	json_decref(out);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	show_trace(r, r->params[0], status);
}

void h_traces_list(wam_request *r)
{
	bool overdue;
	if (!request_query_bool(r, "overdue", &overdue))
		return;
	wam_trace_filter f = {.direction = request_query(r, "direction"),
	                      .state = request_query(r, "state"),
	                      .overdue_only = overdue,
	                      .item_id = request_query(r, "item")};
	json_t *out = NULL;
	int rc = wam_trace_request_list(r->db, &out, &f);
	reply_result(r, rc, 200, &out);
}

void h_traces_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_request_draft(r->db, &out, in);
	json_decref(in);
	if (rc) {
		json_decref(out);
		reply_wam(r, rc);
		return;
	}
	show_created(r, out);
}

void h_trace_get(wam_request *r)
{
	show_trace(r, r->params[0], 200);
}

void h_trace_update(wam_request *r)
{
	change(r, wam_trace_request_update, false, 200);
}

/* The quality of an unsaved draft (the console asks while it is typed). */
void h_traces_quality(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_request_quality(r->db, &out, NULL, in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void h_trace_quality(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_trace_request_quality(r->db, &out, r->params[0], NULL);
	reply_result(r, rc, 200, &out);
}

void h_trace_send(wam_request *r)
{
	change(r, wam_trace_request_send, true, 200);
}

void h_trace_acknowledge(wam_request *r)
{
	change(r, wam_trace_request_acknowledge, true, 200);
}

void h_trace_respond(wam_request *r)
{
	change(r, wam_trace_request_respond, false, 201);
}

void h_trace_close(wam_request *r)
{
	change(r, wam_trace_request_close, false, 200);
}

/* The signed document, as a file to send to the other registry. The
 * document for an incoming request is its response: when that may be
 * restricted or confidential, only a role allowed trace_confidential gets
 * it, and the read is logged. */
void h_trace_export(wam_request *r)
{
	bool full = trace_sees_confidential(r);
	json_t *t = NULL, *doc = NULL;
	int rc = wam_trace_request_get(r->db, &t, r->params[0], full ? WAM_TRACE_CONFIDENTIAL : 0);
	if (rc) {
		json_decref(t);
		reply_wam(r, rc);
		return;
	}
	const char *direction = json_string_value(json_object_get(t, "direction"));
	if (direction && !strcmp(direction, "incoming")) {
		json_t *names = wam_trace_request_restricted_responses(t);
		bool restricted = json_array_size(names) > 0;
		json_decref(names);
		if (restricted && !full) {
			json_decref(t);
			reply_error(
			    r, 403, "forbidden", NULL,
			    "the document carries a restricted or confidential response; the role %s may not read it",
			    r->who.role);
			return;
		}
		if (restricted && !log_confidential(r, t, r->params[0])) {
			json_decref(t);
			return;
		}
	}
	json_decref(t);
	rc = wam_trace_request_export(r->db, &doc, r->params[0]);
	if (!rc) {
		char *name = arena_printf(&r->mem, "attachment; filename=\"trace-%s.json\"", r->params[0]);
		if (name)
			reply_header(r, "Content-Disposition", name);
	}
	reply_result(r, rc, 200, &doc);
}

/* A document from another registry. An altered one answers 422 naming
 * `signature` (the library's integrity error would otherwise be a 500: here
 * it is the client's input that is wrong, not the registry). */
void h_traces_import(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_request_import(r->db, &out, in);
	json_decref(in);
	if (rc) {
		json_decref(out);
		const wam_error *e = wam_error_last();
		if (rc == WAM_EINTEGRITY && e->field[0] && !strncmp(e->field, "signature", 9))
			reply_wam_error(r, 422, rc, e);
		else
			reply_wam(r, rc);
		return;
	}
	show_created(r, out);
}

void h_node(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_trace_node(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_peers_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_trace_peer_list(r->db, &out);
	reply_result(r, rc, 200, &out);
}

void h_peers_add(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_peer_add(r->db, &out, in);
	json_decref(in);
	reply_result(r, rc, 201, &out);
}

/* Stops trusting a peer's key: as weighty as trusting it, so admin only. */
void h_peer_revoke(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_trace_peer_revoke(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
