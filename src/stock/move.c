/* Locations: sites nest (depot > building > room > rack) through
 * parent_id, and a weapon moves from one site to another by a
 * location.moved event that names where from, where to and why.
 *
 * A site's parent must already exist when the site is added, and sites are
 * never changed afterwards, so the hierarchy cannot hold a cycle; the tree
 * walk below still stops at a depth of 64 so that a damaged file cannot
 * make it loop. */
#include <string.h>

#include "store/field.h"
#include "stock/stockpile.h"
#include "wam/registry.h"

int wam_stock_site_tree(wam_db *db, json_t **out, const char *id)
{
	sqlite3_stmt *st;
	*out = NULL;
	if (wam_stock_site_exists(db, id, "id"))
		return wam_error_set(WAM_ENOTFOUND, "id", "no site with id '%.40s'", id ? id : "");
	int rc;
	if ((rc = wam_confine_hide(db, id, "id", "site", id)))
		return rc;
	/* depth-first: each path sorts after its parent's, siblings by name */
	if (sqlite3_prepare_v2(db->conn,
	                       "WITH RECURSIVE tree(id, depth, path, sortkey) AS ("
	                       " SELECT id, 0, name, name || char(1) || id FROM sites WHERE id = ?1"
	                       " UNION ALL"
	                       " SELECT s.id, t.depth + 1, t.path || ' / ' || s.name,"
	                       "        t.sortkey || char(2) || s.name || char(1) || s.id"
	                       " FROM sites s JOIN tree t ON s.parent_id = t.id WHERE t.depth < 64)"
	                       " SELECT s.id, s.name, s.kind, s.country, s.parent_id, t.depth, t.path,"
	                       " (SELECT count(*) FROM items i WHERE i.site_id = s.id) AS items,"
	                       " (SELECT count(*) FROM lots l WHERE l.site_id = s.id) AS lots"
	                       " FROM tree t JOIN sites s ON s.id = t.id ORDER BY t.sortkey",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "site tree");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (!(rc = wam_rows_json(st, out, "site tree")))
		wam_confine_list(db, *out, "id"); /* a confined principal's sites under it */
	return rc;
}

int wam_stock_item_move(wam_db *db, json_t **out, const char *item_id, const json_t *move)
{
	static const char *const fields[] = {"to", "reason", "document", NULL};
	int rc;
	json_t *p = json_object(), *item = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_registry_item_get(db, &item, item_id)) ||
	    (rc = wam_confine_site(db, json_string_value(json_object_get(move, "to")), "to")))
		goto fail;
	if (!move || !json_is_object(move)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a move must be an object {to, reason, document?}");
		goto fail;
	}
	const char *to = json_string_value(json_object_get(move, "to"));
	const char *from = json_string_value(json_object_get(item, "site_id"));
	if ((rc = wam_check_fields(move, fields, "", 0)) || (rc = wam_stock_site_exists(db, to, "to")) ||
	    (rc = wam_take_text(p, move, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0)) ||
	    (rc = wam_take_text(p, move, "document", "document", 0, WAM_MAX_TEXT, 0)))
		goto fail;
	if (from && !strcmp(from, to)) {
		rc = wam_error_set(WAM_EINVAL, "to", "weapon %s is already at site %s", item_id, to);
		goto fail;
	}
	json_object_set_new(p, "from", from ? json_string(from) : json_null());
	json_object_set_new(p, "to", json_string(to));
	if ((rc = wam_ledger_append(db, "location.moved", item_id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_registry_item_get(db, out, item_id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(item);
	json_decref(p);
	return rc;
}
