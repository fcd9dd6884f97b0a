/* /api/v1/verify, /events, /summary and /health: the ledger and the
 * registry's totals. */
#include <limits.h>
#include <string.h>

#include "http/http.h"
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
	reply_json(r, 200, json_pack("{s:o, s:o}", "events", events, "next", next));
}
