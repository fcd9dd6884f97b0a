/* /api/v1/lots (ammunition lots), /api/v1/sites/{id}/tree and
 * /compatibility, and /api/v1/items/{id}/move. A caller confined to sites
 * sees and acts on lots, sites and weapons at those sites only; others
 * answer 404 as if they did not exist, and a site elsewhere named in a body
 * 403 — libwam answers so for the principal set on the handle. */
#include <string.h>

#include "http.h"
#include "wam/registry.h"
#include "wam/stock.h"

/* The lot named by the path, or NULL after answering. */
static json_t *visible_lot(wam_request *r)
{
	json_t *lot = NULL;
	int rc = wam_stock_lot_get(r->db, &lot, r->params[0]);
	return request_visible(r, rc, lot);
}

void h_lots_list(wam_request *r)
{
	wam_lot_filter f = {.site_id = request_query(r, "site"), .condition = request_query(r, "condition")};
	json_t *out = NULL;
	reply_result(r, wam_stock_lot_list(r->db, &out, &f), 200, &out);
}

void h_lots_create(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_stock_lot_add(r->db, &out, in);
	json_decref(in);
	if (!rc)
		reply_header(r, "Location",
		             arena_printf(&r->mem, "/api/v1/lots/%s", json_string_value(json_object_get(out, "id"))));
	reply_result(r, rc, 201, &out);
}

void h_lots_expiring(wam_request *r)
{
	long days = 90;
	if (!request_query_int(r, "days", 0, 36500, &days))
		return;
	wam_lot_filter f = {.site_id = request_query(r, "site")};
	json_t *out = NULL;
	reply_result(r, wam_stock_lot_expiring(r->db, &out, (int)days, request_query(r, "as_of"), &f), 200, &out);
}

void h_lot_get(wam_request *r)
{
	json_t *lot = visible_lot(r);
	if (lot)
		reply_json(r, 200, lot);
}

void h_lot_history(wam_request *r)
{
	json_t *lot = visible_lot(r), *out = NULL;
	if (!lot)
		return;
	json_decref(lot);
	int rc = wam_stock_lot_history(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

typedef int (*lot_change_fn)(wam_db *db, json_t **out, const char *id, const json_t *in);

static void change(wam_request *r, lot_change_fn fn, int status)
{
	json_t *lot = visible_lot(r), *in, *out = NULL;
	if (!lot)
		return;
	json_decref(lot);
	if (!(in = request_json(r)))
		return;
	int rc = fn(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, status, &out);
}

void h_lot_receipt(wam_request *r)
{
	change(r, wam_stock_lot_receive, 200);
}

void h_lot_issue(wam_request *r)
{
	change(r, wam_stock_lot_issue, 200);
}

void h_lot_split(wam_request *r)
{
	change(r, wam_stock_lot_split, 201);
}

void h_lot_condition(wam_request *r)
{
	change(r, wam_stock_lot_condition, 200);
}

/* The site named by the path exists and the caller sees it; false after
 * answering 404. */
static bool visible_site(wam_request *r)
{
	json_t *site = NULL;
	int rc = wam_registry_site_get(r->db, &site, r->params[0]);
	json_decref(site);
	if (rc) {
		reply_wam(r, rc);
		return false;
	}
	return true;
}

void h_site_compatibility(wam_request *r)
{
	json_t *out = NULL;
	if (visible_site(r))
		reply_result(r, wam_stock_site_compatibility(r->db, &out, r->params[0]), 200, &out);
}

void h_site_tree(wam_request *r)
{
	json_t *out = NULL;
	if (visible_site(r))
		reply_result(r, wam_stock_site_tree(r->db, &out, r->params[0]), 200, &out);
}

void h_item_move(wam_request *r)
{
	json_t *item = NULL, *in, *out = NULL;
	int rc = wam_registry_item_get(r->db, &item, r->params[0]);
	if (!(item = request_visible(r, rc, item)))
		return;
	json_decref(item);
	if (!(in = request_json(r)))
		return;
	rc = wam_stock_item_move(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}
