/* What the console offers to choose from instead of typing a code: the
 * countries the registry accepts (/api/v1/countries), makes, models and
 * calibres as they are typed (/api/v1/suggest), and the users a form may
 * name (/api/v1/user-names, for roles that may not list users). */
#include "http.h"
#include "wam/auth.h"
#include "wam/registry.h"

void h_countries(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_registry_countries(r->db, &out);
	if (!rc)
		reply_header(r, "Cache-Control", "private, max-age=3600");
	reply_result(r, rc, 200, &out);
}

void h_suggest(wam_request *r)
{
	long limit = 10;
	if (!request_query_int(r, "limit", 1, WAM_SUGGEST_MAX, &limit))
		return;
	json_t *out = NULL;
	int rc = wam_registry_suggest(r->db, &out, request_query(r, "field"), request_query(r, "prefix"),
	                              request_query(r, "make"), (int)limit);
	reply_result(r, rc, 200, &out);
}

void h_user_names(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_auth_user_names(r->db, &out);
	reply_result(r, rc, 200, &out);
}
