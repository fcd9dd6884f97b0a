/* /api/v1/search: the matcher over HTTP — candidates with their scores,
 * edits and the reason each matched. A caller confined to sites gets only
 * candidates at those sites (libwam's wam_match_search keeps to them). */
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
	json_t *out;
	int rc = wam_match_search(r->db, &out, &q);
	reply_result(r, rc, 200, &out);
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

/* Ammunition recorded anywhere, from its headstamp or lot marks as read;
 * a caller confined to sites gets the lines at its sites only (the rooms'
 * sources keep to them). */
void h_search_ammunition(wam_request *r)
{
	long limit = 20;
	if (!request_query_int(r, "limit", 1, 1000, &limit))
		return;
	wam_ammunition_query q = {.headstamp = request_query(r, "headstamp"),
	                          .lot = request_query(r, "lot"),
	                          .calibre = request_query(r, "calibre"),
	                          .limit = (int)limit};
	json_t *out;
	int rc = wam_match_ammunition(r->db, &out, &q);
	if (rc == WAM_EINVAL) { /* every input is a query parameter, a missing one too */
		reply_wam_error(r, 400, rc, wam_error_last());
		return;
	}
	reply_result(r, rc, 200, &out);
}
