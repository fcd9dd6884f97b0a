/* What tracing holds about one weapon, for its page to link to (the
 * wam_item_links_hook of rooms.c): its loss reports, the hits that name it
 * on either side, and the trace requests about it. Loss reports and trace
 * requests cover the whole registry, so a principal confined to sites gets
 * only the hits of its sites. */
#include "internal.h"

int wam_trace_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_trace_item_links(wam_db *db, json_t *links, const char *item_id)
{
	int rc =
	    wam_links_part(db, links, "hits", "hit",
	                   "SELECT h.id, substr(e.time, 1, 10) AS date, h.state, h.score, h.owner_site_id AS site_id,"
	                   " CASE WHEN h.item_id=?1 THEN 'recovered' ELSE 'registered' END AS side,"
	                   " o.id AS other_id, o.serial, o.make, o.model FROM hits h JOIN events e ON e.seq=h.found_seq"
	                   " JOIN items o ON o.id=CASE WHEN h.item_id=?1 THEN h.match_id ELSE h.item_id END"
	                   " WHERE h.item_id=?1 OR h.match_id=?1 ORDER BY h.found_seq DESC",
	                   item_id);
	if (rc || wam_confined(db))
		return rc;
	if ((rc = wam_links_part(
	         db, links, "losses", "loss",
	         "SELECT l.id, l.date, l.kind, l.place, l.circumstances, l.reported_by, l.agency, l.police_ref,"
	         " (i.status IN ('lost','stolen') AND l.seq=(SELECT max(seq) FROM loss_reports o WHERE "
	         "o.item_id=l.item_id))"
	         " AS open FROM loss_reports l JOIN items i ON i.id=l.item_id WHERE l.item_id=?1 ORDER BY l.seq DESC",
	         item_id)))
		return rc;
	return wam_links_part(db, links, "traces", "trace",
	                      "SELECT id, coalesce(sent, substr(created, 1, 10)) AS date, direction, state, reference,"
	                      " requesting_state, requested_state,"
	                      " coalesce(json_extract(body, '$.requesting.kind'), 'state') AS requesting_kind,"
	                      " json_extract(body, '$.requesting.name') AS requesting_name,"
	                      " coalesce(json_extract(body, '$.requested.kind'), 'state') AS requested_kind,"
	                      " json_extract(body, '$.requested.name') AS requested_name"
	                      " FROM trace_requests WHERE item_id=?1"
	                      " ORDER BY created_seq DESC",
	                      item_id);
}
