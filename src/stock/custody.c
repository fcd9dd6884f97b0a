/* Custody: a weapon issued from store to a holder (a registered holder, or
 * a named person with a unit) and taken back. Rule R9: a weapon has at most
 * one custody that is not returned, so its current holder is always known.
 * Where the two-person rule applies (the site's rule or the request's), an
 * issue stays pending until a different person confirms it.
 *
 * The weapon's status follows the custody through the registry's own state
 * machine (wam_registry_item_set_status): an issue makes it `issued`, a return
 * `in_store`. Who acted is the ledger's actor of each event; the custody
 * table keeps the events' sequence numbers and reads the actors from them. */
#include <string.h>

#include "ledger/room.h"
#include "store/field.h"
#include "stock/stockpile.h"
#include "stock/vocabulary.h"
#include "wam/auth.h"
#include "wam/registry.h"

#define CUSTODY_SQL                                                                                            \
	"SELECT c.id, c.item_id, i.serial, i.make, i.model, c.site_id, c.holder_id, h.name AS holder_name, "     \
	"c.person, c.unit, c.expected_return, c.purpose, c.document, c.two_person, c.state, "                  \
	"c.issued_at, (SELECT actor FROM events WHERE seq = c.issued_seq) AS issued_by, "                      \
	"c.confirmed_at, (SELECT actor FROM events WHERE seq = c.confirmed_seq) AS confirmed_by, "             \
	"c.returned_at, (SELECT actor FROM events WHERE seq = c.returned_seq) AS returned_by, c.return_note, "  \
	"c.last_seq FROM custody c LEFT JOIN items i ON i.id = c.item_id LEFT JOIN holders h ON h.id = c.holder_id"

static int one(wam_db *db, json_t **out, const char *where, const char *key)
{
	sqlite3_stmt *st;
	char sql[2048];
	*out = NULL;
	snprintf(sql, sizeof sql, "%s WHERE %s", CUSTODY_SQL, where);
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read custody");
	sqlite3_bind_text(st, 1, key ? key : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = wam_row_json(st);
		json_object_set_new(*out, "two_person", json_boolean(json_integer_value(json_object_get(*out, "two_person"))));
	}
	sqlite3_finalize(st);
	return 0;
}

int wam_stock_custody_get(wam_db *db, json_t **out, const char *id)
{
	int rc = one(db, out, "c.id = ?1", id);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no custody record with id '%.40s'", id ? id : "");
	if (!rc && (rc = wam_confine_hide(db, json_string_value(json_object_get(*out, "site_id")), "id",
	                                  "custody record", id))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The custody of a weapon that is not returned, or *out NULL. */
static int current(wam_db *db, json_t **out, const char *item_id)
{
	return one(db, out, "c.item_id = ?1 AND c.state <> 'returned'", item_id);
}

static bool site_needs_two(wam_db *db, const char *site_id)
{
	sqlite3_stmt *st;
	bool two = false;
	if (!site_id || sqlite3_prepare_v2(db->conn, "SELECT two_person FROM custody_rules WHERE site_id=?", -1, &st,
	                                   NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, site_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		two = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return two;
}

/* Moves the weapon's status through the registry's state machine, for the
 * reason `message` says (wam_message_json, taken). */
static int set_status(wam_db *db, const char *item_id, const char *to, json_t *message, const char *document)
{
	json_t *d = wam_registry_reason(message);
	if (document)
		json_object_set_new(d, "document", json_string(document));
	int rc = wam_registry_item_set_status(db, NULL, item_id, to, d);
	json_decref(d);
	return rc;
}

static const char *holder_text(const json_t *c, char *buf, size_t cap)
{
	const char *h = json_string_value(json_object_get(c, "holder_id"));
	if (h)
		snprintf(buf, cap, "holder %s", h);
	else
		snprintf(buf, cap, "%s (%s)", json_string_value(json_object_get(c, "person")),
		         json_string_value(json_object_get(c, "unit")));
	return buf;
}

/* Whom a custody is to, for a message's argument: the holder's id, or the person and unit. */
static const char *holder_arg(const json_t *c, char *buf, size_t cap)
{
	const char *h = json_string_value(json_object_get(c, "holder_id"));
	return h ? h : holder_text(c, buf, cap);
}

int wam_stock_custody_rule(wam_db *db, json_t **out, const char *site_id, bool two_person)
{
	int rc;
	json_t *p = json_pack("{s:b}", "two_person", two_person);
	if (out)
		*out = NULL;
	if ((rc = wam_confine_hide(db, site_id, "id", "site", site_id)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_stock_site_exists(db, site_id, "site_id"))) {
		wam_db_rollback(db);
		goto done;
	}
	if ((rc = wam_ledger_append(db, "custody.rule_set", site_id, p, NULL))) {
		wam_db_rollback(db); /* the transaction is still open */
		goto done;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		*out = json_pack("{s:s, s:b}", "site_id", site_id, "two_person", two_person);
done:
	json_decref(p);
	return rc;
}

/* A principal confined to sites issues only weapons at them: another
 * site's weapon is answered as not there, before the issue is read. */
static int may_issue(wam_db *db, const json_t *issue)
{
	return wam_rooms_record_hidden(db, json_string_value(json_object_get(issue, "item_id")), "item_id");
}

int wam_stock_custody_issue(wam_db *db, json_t **out, const json_t *issue)
{
	static const char *const fields[] = {"item_id", "holder_id", "person", "unit", "expected_return",
	                                     "purpose", "document", "two_person", NULL};
	int rc;
	char id[WAM_ID_LEN + 1], today[11], who[512], next[256];
	json_t *p = json_object(), *item = NULL, *open = NULL;
	if (out)
		*out = NULL;
	if ((rc = may_issue(db, issue)) || (rc = wam_db_begin(db)))
		goto done;
	if (!issue || !json_is_object(issue)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an issue must be an object");
		goto fail;
	}
	const char *item_id = json_string_value(json_object_get(issue, "item_id"));
	if ((rc = wam_check_fields(issue, fields, "", 0)))
		goto fail;
	if (!item_id) {
		rc = wam_error_set(WAM_EINVAL, "item_id", "item_id is required");
		goto fail;
	}
	if ((rc = wam_registry_item_get(db, &item, item_id))) {
		if (rc == WAM_ENOTFOUND) /* name the field of this request, not the registry's */
			wam_error_set(rc, "item_id", "no weapon with id '%.40s'", item_id);
		goto fail;
	}
	if ((rc = current(db, &open, item_id)))
		goto fail;
	if (open) {
		rc = wam_error_set(WAM_ECONFLICT, "item_id", "weapon %s is already issued (%s, custody %s, %s)", item_id,
		                   holder_text(open, who, sizeof who), json_string_value(json_object_get(open, "id")),
		                   json_string_value(json_object_get(open, "state")));
		goto fail;
	}
	const char *status = json_string_value(json_object_get(item, "status"));
	if (!wam_registry_status_allowed(status, "issued")) {
		wam_registry_status_next(status, next, sizeof next);
		rc = wam_error_set(WAM_ECONFLICT, "status", "a weapon that is %s cannot be issued (allowed from %s: %s)",
		                   status, status, next);
		goto fail;
	}
	const json_t *tp = json_object_get(issue, "two_person");
	if (tp && !json_is_boolean(tp) && !json_is_null(tp)) {
		rc = wam_error_set(WAM_EINVAL, "two_person", "two_person must be true or false");
		goto fail;
	}
	if ((rc = wam_take_text(p, issue, "holder_id", "holder_id", 0, 40, 0)) ||
	    (rc = wam_take_text(p, issue, "person", "person", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, issue, "unit", "unit", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, issue, "purpose", "purpose", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_take_text(p, issue, "document", "document", 0, WAM_MAX_TEXT, 0)))
		goto fail;
	const char *holder = json_string_value(json_object_get(p, "holder_id"));
	if (holder) {
		json_t *h = NULL;
		if (wam_registry_holder_get(db, &h, holder)) {
			rc = wam_error_set(WAM_EINVAL, "holder_id", "holder_id '%.40s' names no holder in this registry",
			                   holder);
			goto fail;
		}
		/* no weapon goes to a holder screening holds (an open or
		 * confirmed sanctions alert) */
		json_t *party =
		           json_pack("{s:s, s:O, s:O?, s:{s:s, s:s, s:O}}", "role", "holder", "name",
		                     json_object_get(h, "name"), "country", json_object_get(h, "country"), "subject",
		                     "kind", "holder", "id", holder, "label", json_object_get(h, "name")),
		       *screening = NULL;
		json_decref(h);
		if (!party) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			goto fail;
		}
		rc = wam_screen_party(db, &screening, party, NULL);
		json_decref(party);
		const json_t *first = json_array_get(json_object_get(screening, "findings"), 0);
		if (!rc && first)
			rc = wam_error_set(WAM_ECONFLICT, "holder_id", "the holder %s failed screening: %s", holder,
			                   json_string_value(json_object_get(first, "message")));
		json_decref(screening);
		if (rc)
			goto fail;
	} else if (!json_object_get(p, "person") || !json_object_get(p, "unit")) {
		rc = wam_error_set(WAM_EINVAL, json_object_get(p, "person") ? "unit" : "person",
		                   "name the holder: holder_id, or person with unit");
		goto fail;
	} else if ((rc = wam_stock_screen_recipient(db, json_string_value(json_object_get(p, "person")), "person",
	                                            "custody"))) {
		goto fail;
	}
	const char *ret = json_string_value(json_object_get(issue, "expected_return"));
	wam_date_today(today);
	if (!wam_date_valid(ret, WAM_STOCK_FIRST_YEAR)) {
		rc = wam_error_set(WAM_EINVAL, "expected_return", "expected_return '%.30s' is not a date written YYYY-MM-DD",
		                   ret ? ret : "");
		goto fail;
	}
	if (strcmp(ret, today) < 0) {
		rc = wam_error_set(WAM_EINVAL, "expected_return", "expected_return %s is before today (%s)", ret, today);
		goto fail;
	}
	json_object_set_new(p, "expected_return", json_string(ret));
	json_object_set_new(p, "item_id", json_string(item_id));
	const char *site = json_string_value(json_object_get(item, "site_id"));
	if (site)
		json_object_set_new(p, "site_id", json_string(site));
	bool two = json_is_true(tp) || site_needs_two(db, site);
	json_object_set_new(p, "two_person", json_boolean(two));
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "custody.issued", id, p, NULL)))
		goto fail;
	if (!two) {
		if ((rc = set_status(db, item_id, "issued",
		                     wam_message_json("issued to %s", holder_arg(p, who, sizeof who)),
		                     json_string_value(json_object_get(p, "document")))))
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_custody_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(item);
	json_decref(open);
	json_decref(p);
	return rc;
}

int wam_stock_custody_confirm(wam_db *db, json_t **out, const char *custody_id)
{
	int rc;
	char who[400];
	json_t *c = NULL, *p = json_object();
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_stock_custody_get(db, &c, custody_id)))
		goto fail;
	if (strcmp(json_string_value(json_object_get(c, "state")), "pending")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "custody %s is %s, not pending: there is nothing to confirm",
		                   custody_id, json_string_value(json_object_get(c, "state")));
		goto fail;
	}
	const char *by = json_string_value(json_object_get(c, "issued_by"));
	if (wam_auth_is_token(db->actor)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "confirmed_by",
		                   "two-person rule: %s is a token, held by a program; a person signed in as "
		                   "themselves confirms custody %s",
		                   db->actor, custody_id);
		goto fail;
	}
	if (by && wam_auth_same_person_db(db, by, db->actor)) {
		rc = wam_error_set(
		    WAM_EFORBIDDEN, "confirmed_by",
		    "two-person rule: %s issued custody %s and cannot also confirm it; another person must", by,
		    custody_id);
		goto fail;
	}
	const char *item_id = json_string_value(json_object_get(c, "item_id"));
	if ((rc = wam_ledger_append(db, "custody.confirmed", custody_id, p, NULL)) ||
	    (rc = set_status(db, item_id, "issued",
	                     wam_message_json("issued to %s (confirmed)", holder_arg(c, who, sizeof who)),
	                     json_string_value(json_object_get(c, "document")))))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_custody_get(db, out, custody_id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(c);
	json_decref(p);
	return rc;
}

int wam_stock_custody_return(wam_db *db, json_t **out, const char *item_id, const json_t *ret)
{
	static const char *const fields[] = {"note", NULL};
	int rc;
	json_t *c = NULL, *item = NULL, *p = json_object();
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_registry_item_get(db, &item, item_id)) || (rc = current(db, &c, item_id)))
		goto fail;
	if (ret && ((rc = wam_check_fields(ret, fields, "", 0)) ||
	            (rc = wam_take_text(p, ret, "note", "note", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0))))
		goto fail;
	if (!c) {
		rc = wam_error_set(WAM_ECONFLICT, "item_id", "weapon %s is not issued: there is nothing to return (status %s)",
		                   item_id, json_string_value(json_object_get(item, "status")));
		goto fail;
	}
	const char *cid = json_string_value(json_object_get(c, "id"));
	json_object_set_new(p, "item_id", json_string(item_id));
	if ((rc = wam_ledger_append(db, "custody.returned", cid, p, NULL)))
		goto fail;
	/* a pending issue never changed the status; a weapon whose status was
	 * changed meanwhile (reported lost, say) keeps it */
	if (!strcmp(json_string_value(json_object_get(c, "state")), "open") &&
	    !strcmp(json_string_value(json_object_get(item, "status")), "issued")) {
		if ((rc = set_status(db, item_id, "in_store", wam_message_json("returned to store"), NULL)))
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_custody_get(db, out, cid);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(c);
	json_decref(item);
	json_decref(p);
	return rc;
}

static int list(wam_db *db, json_t **out, const char *where, const char *a, const char *b,
                const char *const *sites, int nsites)
{
	wam_buf sql = {0};
	int rc = 0, r;
	const char *mine[WAM_AUTH_MAX_SITES];
	*out = NULL;
	wam_confine_filter(db, &sites, &nsites, mine); /* only custody at the principal's sites */
	if (nsites > 64)
		return wam_error_set(WAM_EINVAL, "sites", "at most 64 sites can be listed at once");
	wam_buf_puts(&sql, CUSTODY_SQL " WHERE ");
	wam_buf_puts(&sql, where);
	if (nsites > 0) {
		wam_buf_puts(&sql, " AND c.site_id IN (");
		for (int i = 0; i < nsites; i++)
			wam_buf_printf(&sql, "%s?%d", i ? "," : "", i + 3);
		wam_buf_puts(&sql, ")");
	}
	wam_buf_puts(&sql, " ORDER BY c.issued_seq DESC LIMIT 10000");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		wam_buf_free(&sql);
		return wam_sql_fail(db->conn, "list custody");
	}
	wam_buf_free(&sql);
	wam_bind_text_or_null(st, 1, a);
	wam_bind_text_or_null(st, 2, b);
	for (int i = 0; i < nsites; i++)
		sqlite3_bind_text(st, i + 3, sites[i], -1, SQLITE_STATIC);
	json_t *arr = json_array();
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = wam_row_json(st);
		json_object_set_new(o, "two_person", json_boolean(json_integer_value(json_object_get(o, "two_person"))));
		json_array_append_new(arr, o);
	}
	if (r != SQLITE_DONE)
		rc = wam_sql_fail(db->conn, "list custody");
	sqlite3_finalize(st);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

static const char *const custody_states[] = {"pending", "open", "returned", NULL};
const char *const *const wam_stock_custody_states = custody_states;

int wam_stock_custody_list(wam_db *db, json_t **out, const char *state, const char *item_id,
                           const char *const *sites, int nsites)
{
	*out = NULL;
	if (state && !wam_in_vocab(custody_states, state))
		return wam_error_set(WAM_EINVAL, "state", "state '%.30s' is not one of: pending, open, returned", state);
	return list(db, out, "(?1 IS NULL OR c.state = ?1) AND (?2 IS NULL OR c.item_id = ?2)", state, item_id, sites,
	            nsites);
}

int wam_stock_custody_overdue(wam_db *db, json_t **out, const char *today, const char *const *sites, int nsites)
{
	char now[11];
	*out = NULL;
	if (today && !wam_date_valid(today, WAM_STOCK_FIRST_YEAR))
		return wam_error_set(WAM_EINVAL, "today", "'%.30s' is not a date written YYYY-MM-DD", today);
	if (!today) {
		wam_date_today(now);
		today = now;
	}
	return list(db, out, "c.state = 'open' AND c.expected_return < ?1 AND ?2 IS NULL", today, NULL, sites, nsites);
}

int wam_stock_screen_recipient(wam_db *db, const char *name, const char *field, const char *what)
{
	/* a preview: the act is refused on a finding and its transaction
	 * rolled back, so an alert raised here would name nothing */
	json_t *party = json_pack("{s:s, s:s, s:b}", "role", "holder", "name", name, "preview", 1), *screening = NULL;
	if (!party)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int rc = wam_screen_party(db, &screening, party, NULL);
	json_decref(party);
	const json_t *first = json_array_get(json_object_get(screening, "findings"), 0);
	if (!rc && first) {
		/* with no alert, the match waits for one: a holder recorded raises it */
		bool alert = json_object_get(first, "alert") != NULL, ammo = !strcmp(what, "ammunition");
		const char *m = json_string_value(json_object_get(first, "message"));
		if (ammo && alert)
			rc = wam_error_set(WAM_ECONFLICT, field, "ammunition issued to %s refused: %s", name, m);
		else if (ammo)
			rc = wam_error_set(
			    WAM_ECONFLICT, field,
			    "ammunition issued to %s refused: %s; record the recipient as a holder to have the "
			    "match decided",
			    name, m);
		else if (alert)
			rc = wam_error_set(WAM_ECONFLICT, field, "custody to %s refused: %s", name, m);
		else
			rc = wam_error_set(
			    WAM_ECONFLICT, field,
			    "custody to %s refused: %s; record the person as a holder to have the match decided", name,
			    m);
	}
	json_decref(screening);
	return rc;
}
