/* An observed item becomes a trace request in one step: what the
 * observation says of it (identification, markings as read, photos) and of
 * where and how it was seen fills the request, which the trace room drafts
 * (wam_trace_request_draft); the observation lists the request. Observed
 * ammunition becomes a request about its lot: the line as read (calibre,
 * headstamp, lot, packaging and crate marks, rounds, photos). */
#include <string.h>

#include "monitoring/room.h"
#include "wam/trace.h"

/* The request the observation's item `n` makes, before `details`. */
static json_t *request_of(const char *id, const json_t *obs, const json_t *it)
{
	static const char *const copied[] = {"make",    "model", "category", "calibre", "serial",
	                                     "country", "year",  "photos",   NULL};
	static const char *const copied_lot[] = {"kind",     "calibre",         "type",        "headstamp",
	                                         "lot",      "packaging_marks", "crate_marks", "quantity",
	                                         "packages", "photos",          NULL};
	bool lot = mon_str(it, "kind") && !strcmp(mon_str(it, "kind"), "ammunition");
	json_t *item = json_object(), *markings = json_array(), *req, *m;
	const json_t *place = json_object_get(obs, "place");
	char where[3 * WAM_MAX_TEXT + 16], how[160];
	size_t i;
	for (const char *const *k = lot ? copied_lot : copied; *k; k++)
		if (json_object_get(it, *k))
			json_object_set(item, *k, json_object_get(it, *k));
	json_array_foreach(json_object_get(it, "markings"), i, m)
	{
		json_array_append_new(markings,
		                      json_pack("{s:O, s:O, s:O}", "component", json_object_get(m, "component"), "kind",
		                                json_object_get(m, "kind"), "text", json_object_get(m, "text")));
	}
	if (lot)
		json_decref(markings); /* a lot's marks are its headstamp, lot and packaging */
	else
		json_object_set_new(item, "markings", markings);
	snprintf(where, sizeof where, "%s%s%s%s%s", mon_str(place, "name") ? mon_str(place, "name") : "",
	         mon_str(place, "name") ? ", " : "", mon_str(place, "admin_area") ? mon_str(place, "admin_area") : "",
	         mon_str(place, "admin_area") ? ", " : "", mon_str(place, "country"));
	snprintf(how, sizeof how, "observation %s (%s) by %.60s", id, mon_str(obs, "kind"), mon_str(obs, "unit"));
	char date[11];
	snprintf(date, sizeof date, "%.10s", mon_str(obs, "observed_at"));
	req = json_pack("{s:o, s:{s:s, s:s, s:s}}", "item", item, "recovery", "date", date, "place", where,
	                "circumstances", how);
	if (req && mon_str(obs, "regime"))
		json_object_set_new(req, "illicit_reason", json_string("embargo_violation"));
	return req;
}

int wam_monitoring_observation_trace(wam_db *db, json_t **out, const char *id, int item, const json_t *details)
{
	json_t *row = NULL, *req = NULL, *draft = NULL, *p = NULL;
	const json_t *it;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)))
		return rc;
	if (details && !json_is_object(details))
		return wam_error_set(WAM_EINVAL, NULL, "a trace request's details are a JSON object");
	if (!mon_ready(db))
		return wam_error_set(WAM_ENOTFOUND, "id", "no observation with id '%.40s'", id ? id : "");
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_query_one(db, &row, "SELECT body FROM observations WHERE id=?", id, "observation")))
		goto fail;
	wam_json_column(row, "body");
	const json_t *obs = json_object_get(row, "body");
	it = item >= 0 ? json_array_get(json_object_get(obs, "items"), (size_t)item) : NULL;
	if (!it) {
		rc = wam_error_set(WAM_EINVAL, "item", "observation %.40s has no item %d (it has %zu)", id, item,
		                   json_array_size(json_object_get(obs, "items")));
		goto fail;
	}
	if (!(req = request_of(id, obs, it))) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	/* the requesting party is this registry, its node's name and country
	 * (a state's party by its code), which the details complete; details
	 * naming another kind of party (a Panel, a mission) name it whole */
	json_t *node = NULL;
	const char *kind = mon_str(json_object_get(details, "requesting"), "kind");
	if ((rc = wam_trace_node(db, &node)))
		goto fail;
	json_t *asking = json_object();
	if (kind && strcmp(kind, "state"))
		json_object_clear(node);
	if (mon_str(node, "name"))
		json_object_set(asking, "name", json_object_get(node, "name"));
	if (mon_str(node, "country"))
		json_object_set(asking, "state", json_object_get(node, "country"));
	json_decref(node);
	if (json_object_size(asking))
		json_object_set_new(req, "requesting", asking);
	else
		json_decref(asking);
	/* the details' fields win; an object they give is merged one level */
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)details, k, v)
	{
		json_t *mine = json_object_get(req, k);
		if (json_is_object(mine) && json_is_object(v))
			json_object_update(mine, v);
		else
			json_object_set(req, k, v);
	}
	if ((rc = wam_trace_request_draft(db, &draft, req)))
		goto fail;
	p = json_pack("{s:i, s:O}", "item", item, "request_id", json_object_get(draft, "id"));
	if (!p) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((rc = wam_ledger_append(db, "observation.traced", id, p, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out) {
		*out = draft;
		draft = NULL;
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(row);
	json_decref(req);
	json_decref(draft);
	json_decref(p);
	return rc;
}
