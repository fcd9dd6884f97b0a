/* /api/v1/custody: weapons issued from store and returned, the two-person
 * rule's confirmations, overdue returns; /api/v1/sites/{id}/custody-rule.
 * A caller confined to sites sees and acts on custody of weapons at its
 * sites only (libwam keeps it to them). */
#include <string.h>

#include "http.h"
#include "wam/registry.h"
#include "wam/stock.h"

void h_custody_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_stock_custody_list(r->db, &out, request_query(r, "state"), request_query(r, "item"), NULL, 0);
	reply_result(r, rc, 200, &out);
}

void h_custody_overdue(wam_request *r)
{
	json_t *out = NULL;
	reply_result(r, wam_stock_custody_overdue(r->db, &out, request_query(r, "as_of"), NULL, 0), 200, &out);
}

void h_custody_issue(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_stock_custody_issue(r->db, &out, in);
	json_decref(in);
	if (!rc)
		reply_header(r, "Location",
		             arena_printf(&r->mem, "/api/v1/custody/%s", json_string_value(json_object_get(out, "id"))));
	reply_result(r, rc, 201, &out);
}

/* The custody record named by the path, or NULL after answering 404. */
static json_t *visible(wam_request *r)
{
	json_t *c = NULL;
	int rc = wam_stock_custody_get(r->db, &c, r->params[0]);
	return request_visible(r, rc, c);
}

void h_custody_get(wam_request *r)
{
	json_t *c = visible(r);
	if (c)
		reply_json(r, 200, c);
}

void h_custody_confirm(wam_request *r)
{
	json_t *c = visible(r), *out = NULL;
	if (!c)
		return;
	json_decref(c);
	reply_result(r, wam_stock_custody_confirm(r->db, &out, r->params[0]), 200, &out);
}

void h_custody_return(wam_request *r)
{
	json_t *c = visible(r), *in = NULL, *out = NULL;
	if (!c)
		return;
	/* the body is optional: {note?} */
	if (r->body_len && !(in = request_json(r))) {
		json_decref(c);
		return;
	}
	/* a custody id names one issue: an old, returned one must not close the
	 * weapon's next */
	if (!strcmp(json_string_value(json_object_get(c, "state")), "returned")) {
		reply_error(r, 409, "conflict", "id", "custody %.40s is already returned", r->params[0]);
		json_decref(c);
		json_decref(in);
		return;
	}
	char item[32];
	snprintf(item, sizeof item, "%s", json_string_value(json_object_get(c, "item_id")));
	json_decref(c);
	int rc = wam_stock_custody_return(r->db, &out, item, in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void h_site_custody_rule(wam_request *r)
{
	json_t *in, *out = NULL;
	/* libwam refuses another site's rule too; this answers before the body */
	if (!request_sees_site(r, r->params[0])) {
		reply_error(r, 404, "not_found", "id", "no site with id '%.40s'", r->params[0]);
		return;
	}
	if (!(in = request_json(r)))
		return;
	const json_t *two = json_object_get(in, "two_person");
	if (!json_is_boolean(two)) {
		json_decref(in);
		reply_error(r, 422, "invalid", "two_person", "two_person is required and must be true or false");
		return;
	}
	int rc = wam_stock_custody_rule(r->db, &out, r->params[0], json_is_true(two));
	json_decref(in);
	if (rc == WAM_EINVAL) /* the only invalid input left is a site that does not exist */
		reply_error(r, 404, "not_found", "id", "no site with id '%.40s'", r->params[0]);
	else
		reply_result(r, rc, 200, &out);
}
