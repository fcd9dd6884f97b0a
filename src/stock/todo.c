/* The stock room's part of the work to do (wam_todo): ammunition lots
 * whose shelf life ends within 90 days or has ended, suspended lots, open
 * investigations of stock-check discrepancies and weapons not back from
 * custody when expected. The lists keep to the principal's sites; lots and
 * custody are the stock action's, investigations are resolved (resolve) and
 * searched for by the store (stock). */
#include <string.h>

#include "internal.h"
#include "wam/auth.h"
#include "wam/stock.h"

/* Days ahead an expiring lot is shown, as the console's list of them. */
#define EXPIRING_DAYS 90

/* True when the handle's principal (none: the owner) may `act`. */
static bool may(wam_db *db, wam_action act)
{
	const wam_principal *p = wam_db_principal(db);
	return !p || wam_auth_allows(p->role, act);
}

static json_t *lot_entry(const json_t *l)
{
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(l, "id"), "title", "lot_number",
	                 json_object_get(l, "lot_number"), "nomenclature", json_object_get(l, "nomenclature"),
	                 "condition", json_object_get(l, "condition"), "due", json_object_get(l, "expiry"));
}

static json_t *investigation_entry(const json_t *v)
{
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?}}", "id", json_object_get(v, "id"), "title", "serial",
	                 json_object_get(v, "serial"), "kind", json_object_get(v, "kind"), "item_id",
	                 json_object_get(v, "item_id"), "check_id", json_object_get(v, "check_id"));
}

static json_t *custody_entry(const json_t *c)
{
	const json_t *who = json_object_get(c, "holder_name");
	if (!json_is_string(who))
		who = json_object_get(c, "person");
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(c, "id"), "title",
	                 "serial", json_object_get(c, "serial"), "make", json_object_get(c, "make"), "model",
	                 json_object_get(c, "model"), "item_id", json_object_get(c, "item_id"), "holder", who, "due",
	                 json_object_get(c, "expected_return"));
}

int wam_stock_todo(wam_db *db, json_t *items, const char *today);
int wam_stock_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *list = NULL;
	int rc = 0;
	if (may(db, WAM_ACT_STOCK)) {
		wam_lot_filter all = {0}, suspended = {.condition = "SUSPENDED"};
		if ((rc = wam_stock_lot_expiring(db, &list, EXPIRING_DAYS, today, &all)) ||
		    (rc = wam_todo_add(items, "lots_expiring", list, lot_entry, "site_id")))
			goto done;
		json_decref(list);
		list = NULL;
		if ((rc = wam_stock_lot_list(db, &list, &suspended)) ||
		    (rc = wam_todo_add(items, "lots_suspended", list, lot_entry, "site_id")))
			goto done;
		json_decref(list);
		list = NULL;
	}
	if (may(db, WAM_ACT_RESOLVE) || may(db, WAM_ACT_STOCK)) {
		if ((rc = wam_stock_investigation_list(db, &list, NULL, false, NULL, 0)) ||
		    (rc = wam_todo_add(items, "investigations_open", list, investigation_entry, "site_id")))
			goto done;
		json_decref(list);
		list = NULL;
	}
	if (may(db, WAM_ACT_STOCK)) {
		if ((rc = wam_stock_custody_overdue(db, &list, today, NULL, 0)) ||
		    (rc = wam_todo_add(items, "custody_overdue", list, custody_entry, "site_id")))
			goto done;
	}
done:
	json_decref(list);
	return rc;
}
