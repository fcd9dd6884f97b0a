/* Notices to a committee that fall due: after a delivery under a
 * post-delivery-notice exemption (the shipped hook), and after a seizure
 * where the regime the registry's country is under requires one within a
 * number of days (the recovery hook; CAR, res. 2745: 30 days). A notice is
 * listed, and on the to-do list, until it is recorded sent. */
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "wam/auth.h"
#include "wam/collection.h"

#define NOTICE_SQL                                                                                                     \
	"SELECT n.id, n.kind, n.regime_id AS regime, json_object('kind', n.about_kind, 'id', n.about_id) AS about,"    \
	" n.due, n.state, (n.state='due' AND n.due<?1) AS overdue, n.sent_on, n.reference, n.notes, n.items,"          \
	" n.exemption_id AS exemption, n.recorded_seq, n.last_seq FROM notices n"

static void tidy(json_t *n)
{
	embargo_decode(n, "about");
	embargo_decode(n, "items");
	json_object_set_new(n, "overdue", json_boolean(json_integer_value(json_object_get(n, "overdue"))));
}

int wam_embargo_notice_list(wam_db *db, json_t **out, const char *state)
{
	char today[11];
	json_t *n;
	size_t i;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc)
		return rc;
	if (state && strcmp(state, "due") && strcmp(state, "sent"))
		return wam_error_set(WAM_EINVAL, "state", "state '%.20s' is not due or sent", state);
	wam_date_today(today);
	if (!embargo_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	rc = wam_query_rows(db, out, NOTICE_SQL " WHERE ?2 IS NULL OR n.state=?2 ORDER BY n.state='sent', n.due, n.id",
	                    today, state);
	json_array_foreach(*out, i, n) tidy(n);
	return rc;
}

int wam_embargo_notice_get(wam_db *db, json_t **out, const char *id)
{
	char today[11];
	*out = NULL;
	int rc = embargo_national(db);
	if (rc)
		return rc;
	wam_date_today(today);
	if ((rc = wam_query_row(db, out, NOTICE_SQL " WHERE n.id=?2", today, id)))
		return rc;
	if (!*out)
		return wam_error_set(WAM_ENOTFOUND, "id", "no notice '%.40s'", id ? id : "");
	tidy(*out);
	return 0;
}

/* A notice is sent after what it tells of: the seizure, or the delivery
 * (the shipment's date, its delivery's when recorded). */
static int event_date(wam_db *db, const json_t *n, const json_t *p)
{
	const json_t *about = json_object_get(n, "about");
	const char *kind = json_string_value(json_object_get(about, "kind"));
	const char *about_id = json_string_value(json_object_get(about, "id"));
	const char *sent = json_string_value(json_object_get(p, "date"));
	json_t *e = NULL;
	int rc = kind && !strcmp(kind, "recovery")
	             ? wam_collection_recovery_get(db, &e, about_id)
	             : wam_query_row(db, &e, "SELECT coalesce(delivered_on, date) AS date FROM shipments WHERE id=?",
	                             about_id, NULL);
	if (rc == WAM_ENOTFOUND) {
		wam_error_clear();
		rc = 0;
	}
	const char *on = json_string_value(json_object_get(e, "date"));
	if (!rc && on && sent && strcmp(sent, on) < 0)
		rc = kind && !strcmp(kind, "recovery")
		         ? wam_error_set(WAM_EINVAL, "date",
		                         "the notice tells of the seizure %s of %s: it cannot be sent on %s", about_id,
		                         on, sent)
		         : wam_error_set(WAM_EINVAL, "date",
		                         "the notice tells of the delivery %s of %s: it cannot be sent on %s", about_id,
		                         on, sent);
	json_decref(e);
	return rc;
}

int wam_embargo_notice_sent(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const wam_field fields[] = {
	    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
	    {.name = "reference", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
	    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
	    {0}};
	json_t *p = json_object(), *n = NULL;
	char today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = wam_field_check(db, p, in, fields, "", 0)))
		goto done;
	wam_date_today(today);
	if (strcmp(json_string_value(json_object_get(p, "date")), today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "%s %s is after today (%s): a record says what has happened",
		                   "date", json_string_value(json_object_get(p, "date")), today);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_embargo_notice_get(db, &n, id)))
		goto fail;
	if (!strcmp(json_string_value(json_object_get(n, "state")), "sent")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "notice %s was sent on %s already", id,
		                   json_string_value(json_object_get(n, "sent_on")));
		goto fail;
	}
	if ((rc = event_date(db, n, p)))
		goto fail;
	rc = wam_ledger_append_commit(db, out, "notice.sent", json_string_value(json_object_get(n, "id")), p,
	                              wam_embargo_notice_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(n);
	return rc;
}

int wam_embargo_notice_document(wam_db *db, char **html, size_t *len, const char *id)
{
	json_t *n = NULL, *regime = NULL;
	wam_buf o = {0};
	size_t i;
	const json_t *it;
	*html = NULL;
	*len = 0;
	int rc = wam_embargo_notice_get(db, &n, id);
	if (rc || (rc = embargo_regime_body(db, &regime, json_string_value(json_object_get(n, "regime")), "regime")))
		goto done;
	bool seizure = !strcmp(json_string_value(json_object_get(n, "kind")), "post_seizure");
	embargo_html_head(&o, seizure ? "Notification of a seizure" : "Notification of a delivery");
	wam_buf_puts(&o, "<table>\n");
	embargo_html_row(&o, "Notice", id);
	embargo_html_row(&o, "To",
	                 json_is_string(json_object_get(regime, "committee"))
	                     ? json_string_value(json_object_get(regime, "committee"))
	                     : "the Security Council");
	embargo_html_row(&o, "Regime", json_string_value(json_object_get(regime, "name")));
	embargo_html_row(&o, seizure ? "Recovery" : "Shipment",
	                 json_string_value(json_object_get(json_object_get(n, "about"), "id")));
	embargo_html_row(&o, "Exemption", json_string_value(json_object_get(n, "exemption")));
	embargo_html_row(&o, "Due", json_string_value(json_object_get(n, "due")));
	embargo_html_row(&o, "Sent on", json_string_value(json_object_get(n, "sent_on")));
	embargo_html_row(&o, "Reference", json_string_value(json_object_get(n, "reference")));
	if (seizure)
		embargo_html_row(&o, "Disposal method", json_string_value(json_object_get(n, "notes")));
	wam_buf_puts(&o, "</table>\n<h2>Items</h2>\n<table>\n<tr><th>#</th><th>Item</th><th>Kind</th><th>Make</th>"
	                 "<th>Model</th><th>Calibre</th><th>Serial number</th><th>Quantity</th><th>Status</th></tr>\n");
	json_array_foreach(json_object_get(n, "items"), i, it)
	{
		static const char *const cols[] = {"item_id", "type",      "make",   "model", "calibre",
		                                   "serial",  "#quantity", "status", NULL};
		wam_buf_printf(&o, "<tr><td>%zu</td>", i + 1);
		for (const char *const *c = cols; *c; c++) {
			const json_t *v = json_object_get(it, **c == '#' ? *c + 1 : *c);
			wam_buf_puts(&o, "<td>");
			if (json_is_integer(v))
				wam_buf_printf(&o, "%lld", (long long)json_integer_value(v));
			else
				wam_buf_html(&o, json_string_value(v));
			wam_buf_puts(&o, "</td>");
		}
		wam_buf_puts(&o, "</tr>\n");
	}
	wam_buf_puts(&o, "</table>\n</body>\n</html>\n");
	if (!o.p) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	*len = o.n;
	*html = o.p;
	o.p = NULL;
done:
	wam_buf_free(&o);
	json_decref(n);
	json_decref(regime);
	return rc;
}

/* ---- what falls due ---- */

/* A shipment made under a post-delivery-notice exemption: the notice of
 * the delivery is due the regime's period (30 days unless it says) after
 * the shipment. */
int wam_embargo_shipped(wam_db *db, const char *shipment_id, const json_t *shipment);
int wam_embargo_shipped(wam_db *db, const char *shipment_id, const json_t *shipment)
{
	const char *ex = json_string_value(json_object_get(shipment, "exemption"));
	const char *date = json_string_value(json_object_get(shipment, "date"));
	json_t *x = NULL, *regime = NULL, *items = json_array(), *v;
	size_t i;
	char due[11];
	int rc = 0;
	if (!ex || !date)
		goto done;
	if ((rc = wam_query_row(db, &x, "SELECT regime_id, procedure FROM exemptions WHERE id=?", ex, NULL)))
		goto done;
	if (!x || strcmp(json_string_value(json_object_get(x, "procedure")), "post_delivery_notice"))
		goto done;
	const char *rid = json_string_value(json_object_get(x, "regime_id"));
	if ((rc = embargo_regime_body(db, &regime, rid, "exemption")))
		goto done;
	const json_t *p = embargo_procedure(regime, "post_delivery_notice");
	long days = json_is_integer(json_object_get(p, "period_days"))
	                ? (long)json_integer_value(json_object_get(p, "period_days"))
	                : 30;
	embargo_add_days(due, date, days);
	json_array_foreach(json_object_get(shipment, "items"), i, v)
	    json_array_append_new(items, json_pack("{s:O*}", "item_id", json_object_get(v, "item_id")));
	json_array_foreach(json_object_get(shipment, "lots"), i, v)
	    json_array_append_new(items, json_pack("{s:O*, s:O*}", "item_id", json_object_get(v, "lot_id"), "quantity",
	                                           json_object_get(v, "rounds")));
	rc = embargo_notice_due(db, "post_delivery", rid, "shipment", shipment_id, due, items, ex);
done:
	json_decref(x);
	json_decref(regime);
	json_decref(items);
	return rc;
}

/* The items of a seizure as a notice lists them. */
static json_t *seized_items(const json_t *rec)
{
	json_t *items = json_array(), *v;
	size_t i;
	json_array_foreach(json_object_get(rec, "items"), i, v)
	{
		static const char *const keys[] = {"item_id", "type",   "make",   "model",
		                                   "calibre", "serial", "status", NULL};
		json_t *one = json_object();
		const json_t *src = json_is_object(json_object_get(v, "item")) ? json_object_get(v, "item") : v;
		for (const char *const *k = keys; *k; k++)
			if (json_is_string(json_object_get(src, *k)))
				json_object_set(one, *k, json_object_get(src, *k));
		if (!json_object_get(one, "item_id") && json_is_string(json_object_get(src, "id")))
			json_object_set(one, "item_id", json_object_get(src, "id"));
		json_array_append_new(items, one);
	}
	return items;
}

/* A seizure recorded while the registry's country is under a regime that
 * requires a notice within a number of days of it. */
int embargo_seizure_notices(wam_db *db, const char *recovery_id, const char *country);
int embargo_seizure_notices(wam_db *db, const char *recovery_id, const char *country)
{
	json_t *rec = NULL, *regimes = NULL, *r, *items = NULL;
	size_t i;
	int rc = wam_collection_recovery_get(db, &rec, recovery_id);
	if (rc)
		goto done;
	const char *date = json_string_value(json_object_get(rec, "date"));
	if (!date || strcmp(json_string_value(json_object_get(rec, "type")), "seized") || !country[0])
		goto done;
	if ((rc = embargo_regimes(db, &regimes)))
		goto done;
	json_array_foreach(regimes, i, r)
	{
		long days = embargo_seizure_days(r, date);
		char due[11];
		if (!days || !embargo_covers(r, country))
			continue;
		if (!items)
			items = seized_items(rec);
		embargo_add_days(due, date, days);
		if ((rc = embargo_notice_due(db, "post_seizure", json_string_value(json_object_get(r, "id")),
		                             "recovery", recovery_id, due, items, NULL)))
			break;
	}
done:
	json_decref(rec);
	json_decref(regimes);
	json_decref(items);
	return rc;
}

int wam_embargo_recovery_recorded(wam_db *db, const char *recovery_id);
int wam_embargo_recovery_recorded(wam_db *db, const char *recovery_id)
{
	char country[5];
	int rc = wam_db_country(db, country);
	return rc ? rc : embargo_seizure_notices(db, recovery_id, country);
}

/* ---- the to-do list ---- */

static json_t *describe(const json_t *n)
{
	return json_pack("{s:O, s:{s:O, s:O, s:O}, s:O}", "id", json_object_get(n, "id"), "title", "kind",
	                 json_object_get(n, "kind"), "regime", json_object_get(n, "regime"), "about",
	                 json_object_get(n, "about"), "due", json_object_get(n, "due"));
}

int wam_embargo_todo(wam_db *db, json_t *items, const char *today);
int wam_embargo_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *rows = NULL, *overdue = json_array(), *due = json_array(), *n;
	size_t i;
	const wam_principal *who = wam_db_principal(db);
	(void)today;
	/* notices are the state's: whoever acts on embargoes sends them */
	if (wam_confined(db) || (who && !wam_auth_allows(who->role, WAM_ACT_EMBARGO)) || !embargo_ready(db)) {
		json_decref(overdue);
		json_decref(due);
		return 0;
	}
	int rc = wam_query_rows(db, &rows, NOTICE_SQL " WHERE n.state='due' ORDER BY n.due, n.id", today, NULL);
	json_array_foreach(rows, i, n)
	{
		tidy(n);
		json_array_append(json_is_true(json_object_get(n, "overdue")) ? overdue : due, n);
	}
	if (!rc)
		rc = wam_todo_add(items, "notices_overdue", overdue, describe, NULL);
	if (!rc)
		rc = wam_todo_add(items, "notices_due", due, describe, NULL);
	json_decref(rows);
	json_decref(overdue);
	json_decref(due);
	return rc;
}
