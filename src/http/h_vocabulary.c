/* /api/v1/vocabulary: what the console offers and shows — the roles and
 * the actions each may do, the status machine, the categories and the
 * other closed vocabularies — taken from the tables libwam enforces
 * (wam_auth_roles_json, wam_registry_vocabulary), so a front end never
 * keeps a copy that could drift from them. Any signed-in caller may ask:
 * none of it is confined to a site. */
#include "http.h"
#include "wam/auth.h"
#include "wam/registry.h"

void h_vocabulary(wam_request *r)
{
	json_t *out = NULL, *roles = NULL;
	int rc = wam_registry_vocabulary(r->db, &out);
	if (!rc)
		rc = wam_auth_roles_json(&roles);
	if (!rc && json_object_update(out, roles))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the vocabularies");
	json_decref(roles);
	reply_result(r, rc, 200, &out);
}
