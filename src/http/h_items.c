/* /api/v1/items: weapons, their markings, history and status; and
 * /api/v1/export-proposals, exports one person proposes and another
 * confirms. A caller confined to sites sees only the weapons at those
 * sites; any other weapon (or its proposal) answers 404, as if it did not
 * exist, so ids cannot be probed: libwam answers so, for the principal the
 * dispatcher set on the handle. A status change to destroyed or exported
 * is refused by libwam (409): only a closed destruction batch or a
 * confirmed export gives those. */
#include <string.h>

#include "http.h"
#include "wam/ledger.h"
#include "wam/registry.h"

/* The weapon named by the path, or NULL after answering 404. */
static json_t *visible_item(wam_request *r)
{
	json_t *item = NULL;
	int rc = wam_registry_item_get(r->db, &item, r->params[0]);
	return request_visible(r, rc, item);
}

void h_items_list(wam_request *r)
{
	long limit = 50, offset = 0;
	if (!request_query_int(r, "limit", 1, 1000, &limit) || !request_query_int(r, "offset", 0, 100000000, &offset))
		return;
	wam_item_filter f = {.status = request_query(r, "status"),
	                     .site_id = request_query(r, "site"),
	                     .make = request_query(r, "make"),
	                     .category = request_query(r, "category"),
	                     .after_id = request_query(r, "after"),
	                     .sort = request_query(r, "sort"),
	                     .kind = request_query(r, "kind"),
	                     .part_type = request_query(r, "part_type"),
	                     .manufacture = request_query(r, "manufacture"),
	                     .frame_material = request_query(r, "frame_material"),
	                     .offset = offset,
	                     .limit = (int)limit};
	json_t *out;
	int rc = wam_registry_item_list(r->db, &out, &f);
	reply_query_result(r, rc, 200, &out); /* a filter's unknown word: 400 naming it */
}

void h_items_create(wam_request *r)
{
	bool dup;
	if (!request_query_bool(r, "allow_duplicate", &dup))
		return;
	json_t *in = request_json(r);
	if (!in)
		return;
	json_t *out;
	int rc = wam_registry_item_add(r->db, &out, in, dup ? WAM_ALLOW_DUPLICATE : 0);
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Location",
	             arena_printf(&r->mem, "/api/v1/items/%s", json_string_value(json_object_get(out, "id"))));
	reply_json(r, 201, out);
}

void h_item_get(wam_request *r)
{
	json_t *item = visible_item(r);
	if (item)
		reply_json(r, 200, item);
}

void h_item_markings(wam_request *r)
{
	json_t *item = visible_item(r);
	if (!item)
		return;
	json_t *m = json_pack("{s:s, s:O, s:O}", "id", r->params[0], "markings", json_object_get(item, "markings"),
	                      "import_marks", json_object_get(item, "import_marks"));
	json_decref(item);
	reply_json(r, 200, m);
}

void h_item_history(wam_request *r)
{
	json_t *item = visible_item(r), *out;
	if (!item)
		return;
	json_decref(item);
	int rc = wam_registry_item_history(r->db, &out, r->params[0]);
	if (rc)
		reply_wam(r, rc);
	else
		reply_json(r, 200, json_pack("{s:s, s:o}", "id", r->params[0], "events", out));
}

/* What the other rooms hold about the weapon, for its page to link to
 * (wam_registry_item_links). */
void h_item_links(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_registry_item_links(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

/* Where the weapon's events stand in the chain and whether they prove out
 * up to a signed checkpoint (wam_ledger_prove). */
void h_item_integrity(wam_request *r)
{
	json_t *item = visible_item(r), *out;
	if (!item)
		return;
	json_decref(item);
	int rc = wam_ledger_prove(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_item_status(wam_request *r)
{
	json_t *item = visible_item(r), *out;
	if (!item)
		return;
	json_decref(item);
	json_t *in = request_json(r);
	if (!in)
		return;
	json_t *status = json_object_get(in, "status");
	if (!json_is_string(status)) {
		json_decref(in);
		reply_error(r, 422, "invalid", "status", "status is required and must be a string");
		return;
	}
	if (json_object_get(in, "reason_msg")) { /* the server's own wording of the reasons it writes */
		json_decref(in);
		reply_error(r, 422, "invalid", "reason_msg", "reason_msg is written by the server, never sent");
		return;
	}
	char *to = arena_strdup(&r->mem, json_string_value(status));
	json_object_del(in, "status");
	int rc = to ? wam_registry_item_set_status(r->db, &out, r->params[0], to, in) : WAM_ENOMEM;
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* {weapon_id: the weapon's id, or null to detach, reason?}: links the part
 * the path names to a weapon, or unlinks it. */
void h_item_attach(wam_request *r)
{
	json_t *part = visible_item(r), *out = NULL;
	if (!part)
		return;
	json_decref(part);
	json_t *in = request_json(r);
	if (!in)
		return;
	const json_t *weapon = json_object_get(in, "weapon_id"), *reason = json_object_get(in, "reason");
	const char *k;
	json_t *v;
	int rc = 0;
	json_object_foreach(in, k, v) if (strcmp(k, "weapon_id") != 0 && strcmp(k, "reason") != 0)
	{
		rc = wam_error_set(WAM_EINVAL, k, "unknown field '%.40s' (weapon_id, reason)", k);
		break;
	}
	if (!rc && !weapon)
		rc =
		    wam_error_set(WAM_EINVAL, "weapon_id", "weapon_id is required: the weapon's id, or null to detach");
	else if (!rc && !json_is_string(weapon) && !json_is_null(weapon))
		rc = wam_error_set(WAM_EINVAL, "weapon_id",
		                   "weapon_id must be a string (the weapon's id) or null (to detach)");
	else if (!rc && reason && !json_is_string(reason) && !json_is_null(reason))
		rc = wam_error_set(WAM_EINVAL, "reason", "reason must be a string");
	if (!rc)
		rc = wam_registry_item_attach(r->db, &out, r->params[0], json_string_value(weapon),
		                              json_string_value(reason));
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

/* The proposal named by the path, or NULL after answering 404 (also for a
 * weapon outside the caller's sites). */
static json_t *visible_proposal(wam_request *r)
{
	json_t *p = NULL;
	int rc = wam_registry_export_get(r->db, &p, r->params[0]);
	return request_visible(r, rc, p);
}

void h_exports_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_registry_export_list(r->db, &out, request_query(r, "state"));
	reply_result(r, rc, 200, &out);
}

/* {item_id, reason, document, country?} */
void h_exports_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_registry_export_propose(r->db, &out, in);
	json_decref(in);
	if (!rc)
		reply_header(r, "Location",
		             arena_printf(&r->mem, "/api/v1/export-proposals/%s",
		                          json_string_value(json_object_get(out, "id"))));
	reply_result(r, rc, 201, &out);
}

void h_export_get(wam_request *r)
{
	json_t *p = visible_proposal(r);
	if (p)
		reply_json(r, 200, p);
}

void h_export_confirm(wam_request *r)
{
	json_t *p = visible_proposal(r), *out = NULL;
	if (!p)
		return;
	json_decref(p);
	int rc = wam_registry_export_confirm(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

/* {reason} */
void h_export_withdraw(wam_request *r)
{
	json_t *p = visible_proposal(r), *out = NULL;
	if (!p)
		return;
	json_decref(p);
	json_t *in = request_json(r);
	if (!in)
		return;
	const json_t *reason = json_object_get(in, "reason");
	int rc = !reason || json_is_string(reason)
	             ? wam_registry_export_withdraw(r->db, &out, r->params[0], json_string_value(reason))
	             : wam_error_set(WAM_EINVAL, "reason", "reason must be a string");
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
