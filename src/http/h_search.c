/* /api/v1/search: the matcher over HTTP — candidates with their scores,
 * edits and the reason each matched. A caller confined to sites gets only
 * candidates at those sites: the matcher is asked for more and the others
 * are dropped, so the ranking among what the caller may see is unchanged. */
#include <string.h>

#include "http.h"
#include "wam/match.h"

void h_search(wam_request *r)
{
	long limit = 10, max_edits = -1;
	if (!request_query_int(r, "limit", 1, 100, &limit) || !request_query_int(r, "max_edits", -1, 4, &max_edits))
		return;
	wam_match_query q = {.serial = request_query(r, "serial"),
	                     .make = request_query(r, "make"),
	                     .model = request_query(r, "model"),
	                     .calibre = request_query(r, "calibre"),
	                     .country = request_query(r, "country"),
	                     .limit = (int)limit,
	                     .max_edits = (int)max_edits};
	if (!q.serial || !*q.serial) {
		reply_error(r, 400, "invalid", "serial", "serial is required: the serial as read");
		return;
	}
	if (r->who.nsites > 0)
		q.limit = (int)(limit * 10 > 1000 ? 1000 : limit * 10);
	json_t *out;
	int rc = wam_match_search(r->db, &out, &q);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	if (r->who.nsites > 0) {
		json_t *all = json_object_get(out, "candidates"), *mine = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(all, i, c)
		{
			if (json_array_size(mine) < (size_t)limit &&
			    request_sees_site(r, json_string_value(json_object_get(c, "site_id"))))
				json_array_append(mine, c);
		}
		json_object_set_new(out, "candidates", mine);
		/* how many weapons were weighed would count those elsewhere too */
		json_object_del(json_object_get(out, "query"), "considered");
	}
	reply_json(r, 200, out);
}

void h_search_explain(wam_request *r)
{
	const char *serial = request_query(r, "serial");
	if (!serial || !*serial) {
		reply_error(r, 400, "invalid", "serial", "serial is required");
		return;
	}
	json_t *out;
	int rc = wam_match_explain(&out, serial);
	if (rc)
		reply_wam(r, rc);
	else
		reply_json(r, 200, json_pack("{s:s, s:o}", "serial", serial, "steps", out));
}
