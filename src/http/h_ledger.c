/* /api/v1/verify, /events, /summary and /health: the ledger and the
 * registry's totals. Raw events show every payload to the auditors who
 * read them, but for trace responses rule R11 keeps restricted or
 * confidential (guard_responses). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "wam/trace.h"
#include "wam/ledger.h"
#include "wam/registry.h"

void h_health(wam_request *r)
{
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void h_summary(wam_request *r)
{
	json_t *out;
	int rc = wam_registry_summary(r->db, &out);
	reply_result(r, rc, 200, &out);
}

/* GET /todo: the caller's work to do, at its sites and for its role. */
void h_todo(wam_request *r)
{
	json_t *out;
	int rc = wam_todo(r->db, &out, request_query(r, "as_of"));
	reply_result(r, rc, 200, &out);
}

void h_verify(wam_request *r)
{
	bool chain_only;
	if (!request_query_bool(r, "chain_only", &chain_only))
		return;
	wam_verify_report v;
	int rc = wam_ledger_verify(r->db, chain_only ? WAM_VERIFY_CHAIN_ONLY : 0, &v);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	json_t *out = json_pack("{s:b, s:I, s:I, s:s}", "intact", v.intact, "events", (json_int_t)v.events,
	                        "checkpoints", (json_int_t)v.checkpoints, "public_key", v.public_key);
	if (!v.intact) {
		json_object_set_new(out, "first_bad_seq", json_integer(v.first_bad_seq));
		json_object_set_new(out, "problem", json_string(v.problem));
		json_object_set_new(out, "detail", json_string(v.detail));
		if (v.table[0])
			json_object_set_new(out, "table", json_string(v.table));
		if (v.record_id[0])
			json_object_set_new(out, "record_id", json_string(v.record_id));
	}
	reply_json(r, 200, out);
}

/* A response a trace event carries (trace.responded, and
 * trace.response_received for one imported from another registry), or NULL
 * for any other event. */
static json_t *response_of(const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	if (!type || (strcmp(type, "trace.responded") && strcmp(type, "trace.response_received")))
		return NULL;
	json_t *resp = json_object_get(json_object_get(ev, "payload"), "response");
	return json_is_object(resp) ? resp : NULL;
}

/* `*name`: the name of the response event `ev` carries among its
 * request's responses, as a read of them is recorded ("responses[1]": the
 * second answer) — its place among the request's response events, which
 * the projection numbers in ledger order. `seqs` caches each request's
 * response events (subject -> [seq ...]). */
static int response_name(wam_db *db, json_t **name, json_t *seqs, const json_t *ev)
{
	const char *subject = json_string_value(json_object_get(ev, "subject"));
	const json_t *seq = json_object_get(ev, "seq");
	json_t *mine = subject ? json_object_get(seqs, subject) : NULL, *e;
	size_t i;
	*name = NULL;
	if (subject && !mine) {
		json_t *all = NULL;
		int rc = wam_ledger_events(db, subject, 0, 0, &all);
		if (rc)
			return rc;
		mine = json_array();
		json_array_foreach(all, i, e)
		{
			if (response_of(e))
				json_array_append(mine, json_object_get(e, "seq"));
		}
		json_decref(all);
		json_object_set_new(seqs, subject, mine);
	}
	json_array_foreach(mine, i, e)
	{
		if (!json_equal(e, seq))
			continue;
		char buf[32];
		snprintf(buf, sizeof buf, "responses[%zu]", i);
		*name = json_string(buf);
		return *name ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld is not among the responses of request %s",
	                     (long long)json_integer_value(seq), subject ? subject : "(none)");
}

/* Rule R11 on raw events: a trace response kept restricted or confidential
 * is shown in full only to a role allowed trace_confidential, and each such
 * read is logged as GET /traces/{id} logs it — one record.read per request
 * naming the responses read. Other roles get the response as wam_trace_request_get()
 * shows it withheld: {result, date, confidentiality, withheld: true}. The
 * event's hash is then no longer that of its payload as shown: the ledger
 * is proved by GET /verify, not by rehashing these answers. False after
 * answering when a read cannot be logged (nothing is shown). */
static bool guard_responses(wam_request *r, json_t *events)
{
	bool full = trace_sees_confidential(r), ok = true;
	json_t *seqs = json_object(), *read = json_object();
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev)
	{
		json_t *resp = response_of(ev);
		if (!resp || !wam_trace_request_response_restricted(resp))
			continue;
		if (!full) {
			json_t *level = json_object_get(resp, "confidentiality");
			json_t *shown =
			    json_pack("{s:O?, s:O?, s:o, s:b}", "result", json_object_get(resp, "result"), "date",
			              json_object_get(resp, "date"), "confidentiality",
			              level ? json_incref(level) : json_string("restricted"), "withheld", 1);
			json_object_set_new(json_object_get(ev, "payload"), "response", shown);
			continue;
		}
		json_t *name;
		int rc = response_name(r->db, &name, seqs, ev);
		if (rc) {
			reply_wam(r, rc);
			ok = false;
			break;
		}
		const char *subject = json_string_value(json_object_get(ev, "subject"));
		json_t *names = json_object_get(read, subject);
		if (!names)
			json_object_set_new(read, subject, names = json_array());
		json_array_append_new(names, name);
	}
	const char *subject;
	json_t *names;
	json_object_foreach(read, subject, names)
	{
		if (ok && !trace_log_responses_read(r, subject, names))
			ok = false;
	}
	json_decref(seqs);
	json_decref(read);
	return ok;
}

void h_events(wam_request *r)
{
	long after = 0, limit = 100;
	if (!request_query_int(r, "after", 0, LONG_MAX, &after) || !request_query_int(r, "limit", 1, 1000, &limit))
		return;
	/* raw events carry every payload, site coordinates and holders'
	 * addresses among them: reading them is a logged read */
	json_t *fields = json_pack("[s]", "events");
	bool logged = request_log_read(r, wam_db_node_id(r->db), fields);
	json_decref(fields);
	if (!logged)
		return;
	json_t *events;
	int rc = wam_ledger_events(r->db, request_query(r, "subject"), after, (int)limit + 1, &events);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	json_t *next = json_null();
	if (json_array_size(events) > (size_t)limit) {
		json_array_remove(events, (size_t)limit);
		next = json_incref(json_object_get(json_array_get(events, (size_t)limit - 1), "seq"));
	}
	if (!guard_responses(r, events)) {
		json_decref(events);
		json_decref(next);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "events", events, "next", next));
}
