/* Diversion alerts: a weapon a post-shipment check did not find where the
 * end user undertook to keep it (euc.c raises them). An alert waits in the
 * to-do list of whoever ships or traces, the same list as hits; one step
 * turns it into a draft trace request to the state of destination (ATT
 * Art. 11: report detected diversion), or it is closed with a reason. A
 * weapon's page links to its shipments and alerts. */
#include <string.h>

#include "common.h"
#include "wam/auth.h"
#include "wam/trace.h"

#define ALERT_SQL                                                                                                      \
	"SELECT a.id, a.euc_id, e.number AS euc_number, e.licence_id, l.number AS licence_number, a.check_id,"        \
	" a.item_id, i.serial, i.make, i.model, a.result, a.location, e.destination, a.date, a.state,"                 \
	" a.trace_request_id, a.close_reason, (SELECT time FROM events WHERE seq=a.raised_seq) AS raised_at"           \
	" FROM diversion_alerts a LEFT JOIN eucs e ON e.id=a.euc_id LEFT JOIN licences l ON l.id=e.licence_id"        \
	" LEFT JOIN items i ON i.id=a.item_id"

int transfers_diversion_rows(wam_db *db, json_t **out, const char *where, const char *a, const char *b)
{
	char sql[1200];
	snprintf(sql, sizeof sql, "%s WHERE %s ORDER BY a.state='open' DESC, a.raised_seq DESC", ALERT_SQL, where);
	return wam_query_rows(db, out, sql, a, b);
}

int wam_transfers_diversion_list(wam_db *db, json_t **out, const char *state)
{
	*out = NULL;
	int rc = transfers_national(db);
	if (rc)
		return rc;
	if (state && *state && !wam_in_vocab(wam_diversion_states, state))
		return wam_error_set(WAM_EINVAL, "state", "state '%.30s' is not one of: open, traced, closed", state);
	return transfers_diversion_rows(db, out, "?1 IS NULL OR ?1='' OR a.state=?1", state, NULL);
}

int wam_transfers_diversion_get(wam_db *db, json_t **out, const char *id)
{
	json_t *rows = NULL;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc || (rc = transfers_diversion_rows(db, &rows, "a.id=?1", id, NULL)))
		return rc;
	if (!json_array_size(rows))
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no diversion alert '%.40s'", id);
	else
		*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return rc;
}

/* The open alert `id` in `*a`, read inside the caller's transaction. */
static int open_alert(wam_db *db, json_t **a, const char *id)
{
	int rc = wam_transfers_diversion_get(db, a, id);
	if (!rc && strcmp(json_string_value(json_object_get(*a, "state")), "open"))
		rc = wam_error_set(WAM_ECONFLICT, "id", "diversion alert %.40s is %s already", id,
		                   json_string_value(json_object_get(*a, "state")));
	return rc;
}

int wam_transfers_diversion_trace(wam_db *db, json_t **out, const char *id)
{
	json_t *a = NULL, *req = NULL, *draft = NULL, *p = NULL;
	char country[WAM_COUNTRY_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = open_alert(db, &a, id)) || (rc = wam_db_country(db, country)))
		goto fail;
	bool missing = !strcmp(json_string_value(json_object_get(a, "result")), "not_seen");
	json_t *why = wam_message_json(missing ? "weapon exported under licence %s and end-user certificate %s was not "
	                                         "seen at the post-shipment check of %s"
	                                       : "weapon exported under licence %s and end-user certificate %s was seen "
	                                         "elsewhere at the post-shipment check of %s",
	                               json_string_value(json_object_get(a, "licence_number")),
	                               json_string_value(json_object_get(a, "euc_number")),
	                               json_string_value(json_object_get(a, "date")));
	req = json_pack("{s:O, s:s, s:O, s:s, s:{s:O}}", "item_id", json_object_get(a, "item_id"), "illicit_reason",
	                "unauthorised_transfer", "justification", json_object_get(why, "message"), "intended_use",
	                "establish whether the weapon was diverted from its authorised end user, and where to",
	                "requested", "state", json_object_get(a, "destination"));
	json_decref(why);
	if (*country)
		json_object_set_new(req, "requesting", json_pack("{s:s}", "state", country));
	if ((rc = wam_trace_request_draft(db, &draft, req)))
		goto fail;
	p = json_pack("{s:O}", "trace_request_id", json_object_get(draft, "id"));
	if ((rc = wam_ledger_append(db, "diversion.traced", id, p, NULL)) || (rc = wam_db_commit(db)))
		goto fail;
	if (out)
		rc = wam_transfers_diversion_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(a);
	json_decref(req);
	json_decref(draft);
	json_decref(p);
	return rc;
}

int wam_transfers_diversion_close(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const char *const fields[] = {"reason", NULL};
	json_t *p = json_object(), *a = NULL;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_check_fields(in, fields, "", 0)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_transfers_diversion_get(db, &a, id)))
		goto fail;
	if (!strcmp(json_string_value(json_object_get(a, "state")), "closed")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "diversion alert %.40s is closed already", id);
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "diversion.closed", id, p, wam_transfers_diversion_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(a);
	return rc;
}

/* ---- the to-do list and a weapon's links ---- */

static json_t *alert_entry(const json_t *a)
{
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(a, "id"), "title", "serial",
	                 json_object_get(a, "serial"), "euc_number", json_object_get(a, "euc_number"), "result",
	                 json_object_get(a, "result"), "destination", json_object_get(a, "destination"), "date",
	                 json_object_get(a, "date"));
}

int wam_transfers_todo(wam_db *db, json_t *items, const char *today);
int wam_transfers_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *list = NULL;
	const wam_principal *p = wam_db_principal(db);
	(void)today;
	/* alerts are the state's: whoever ships or traces acts on them */
	if (wam_confined(db) ||
	    (p && !wam_auth_allows(p->role, WAM_ACT_SHIP) && !wam_auth_allows(p->role, WAM_ACT_TRACE)))
		return 0;
	int rc = transfers_diversion_rows(db, &list, "a.state='open'", NULL, NULL);
	if (!rc)
		rc = wam_todo_add(items, "diversion_alerts", list, alert_entry, NULL);
	json_decref(list);
	return rc;
}

int wam_transfers_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_transfers_item_links(wam_db *db, json_t *links, const char *item_id)
{
	if (wam_confined(db))
		return 0;
	int rc = wam_links_part(db, links, "shipments", "shipment",
	                        "SELECT s.id, s.date, s.direction, s.state FROM shipment_items x"
	                        " JOIN shipments s ON s.id=x.shipment_id WHERE x.item_id=?1 ORDER BY s.recorded_seq DESC",
	                        item_id);
	if (!rc)
		rc = wam_links_part(db, links, "diversions", "diversion",
		                    "SELECT a.id, a.date, a.result, a.state FROM diversion_alerts a"
		                    " WHERE a.item_id=?1 ORDER BY a.raised_seq DESC",
		                    item_id);
	return rc;
}
