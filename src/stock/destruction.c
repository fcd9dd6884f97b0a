/* Destruction (ISACS 05.50): a batch lists the weapons to destroy, the
 * method, site and date, at least two verifiers and the witnesses. Before it
 * closes the serials read at the destruction site are checked against the
 * list, and each verifier confirms, signed in as themselves, that the serials
 * read are those listed (destruction.confirmed, whose actor is the verifier);
 * naming a verifier proves nothing. Only a closed batch, with two current
 * confirmations by two different verifiers and a certificate number, moves
 * its weapons to `destroyed`, through the registry's own state machine and
 * the one path (wam_weapon_final_status, which the registry offers through
 * rooms.c) that may give that status.
 * Nothing of a batch is ever deleted. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "stock/vocabulary.h"
#include "store/field.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/registry.h"
#include "wam/stock.h"

static const char *const methods[] = {"CUT", "CRUSH", "SMELT", "SHRED", "BURN", "DETONATION", NULL};
static const char *const roles[] = {"verifier", "witness", NULL};
const char *const *const wam_stock_destruction_methods = methods;
const char *const *const wam_stock_destruction_roles = roles;
static const char *const batch_fields[] = {"method", "site", "date", "notes", NULL};

/* ---- small SQL helpers ---- */

#define BATCH_SQL                                                                                                      \
	"SELECT id, method, site, date, notes, state, certificate, opened_seq, items_seq, closed_seq, last_seq"        \
	" FROM destructions"

/* The batch `id` as a bare row, WAM_ENOTFOUND if none. */
static int batch_row(wam_db *db, json_t **out, const char *id)
{
	return wam_query_one(db, out, BATCH_SQL " WHERE id=?", id, "destruction batch");
}

/* 0 when the batch `b` (a row read) is open; WAM_ECONFLICT once closed. */
static int still_open(const json_t *b, const char *id)
{
	if (strcmp(json_string_value(json_object_get(b, "state")), "open") != 0)
		return wam_error_set(WAM_ECONFLICT, "id",
		                     "destruction batch %.40s is closed; its record stays as it is", id);
	return 0;
}

/* An open batch, for a change; WAM_ECONFLICT once closed. */
static int open_batch(wam_db *db, const char *id)
{
	json_t *b;
	int rc = batch_row(db, &b, id);
	if (!rc)
		rc = still_open(b, id);
	json_decref(b);
	return rc;
}

/* Sets `key` of `b` to the names of the batch's people in `role`, in the
 * order they were added. */
static int people(wam_db *db, json_t *b, const char *key, const char *id, const char *role)
{
	json_t *list, *v;
	size_t i;
	int rc = wam_query_rows(
	    db, &list, "SELECT name FROM destruction_people WHERE destruction_id=? AND role=? ORDER BY n", id, role);
	if (rc)
		return rc;
	json_t *names = json_array();
	json_array_foreach(list, i, v) json_array_append(names, json_object_get(v, "name"));
	json_decref(list);
	json_object_set_new(b, key, names);
	return 0;
}

/* Sets `verifier_states` of `b` to each verifier with their latest
 * confirmation {name, user_id, confirmed, confirmed_at, seq}: `confirmed`
 * only while the confirmation still stands, made after the list last changed
 * and after the last reading of serials (a later change voids it). */
static int verifier_states(wam_db *db, json_t *b, const char *id)
{
	json_t *list;
	int rc = wam_query_rows(
	    db, &list,
	    "SELECT p.name, p.user_id, c.seq, c.time,"
	    " CASE WHEN c.seq IS NOT NULL AND c.seq > d.items_seq AND c.seq > coalesce((SELECT max(seq) FROM"
	    " destruction_checks k WHERE k.destruction_id=d.id),0) THEN 1 ELSE 0 END AS confirmed"
	    " FROM destruction_people p JOIN destructions d ON d.id=p.destruction_id"
	    " LEFT JOIN destruction_confirmations c ON c.destruction_id=p.destruction_id AND c.user_id=p.user_id"
	    " AND c.seq=(SELECT max(seq) FROM destruction_confirmations x WHERE x.destruction_id=p.destruction_id"
	    " AND x.user_id=p.user_id)"
	    " WHERE p.destruction_id=? AND p.role='verifier' ORDER BY p.n",
	    id, NULL);
	if (rc)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		bool ok = json_integer_value(json_object_get(v, "confirmed")) != 0;
		json_object_set_new(v, "confirmed", json_boolean(ok));
		json_object_set(v, "confirmed_at", ok ? json_object_get(v, "time") : json_null());
		if (!ok)
			json_object_set_new(v, "seq", json_null());
		json_object_del(v, "time");
		/* who holds the verifier's account: made it, last set its password */
		json_t *creds = NULL;
		const char *uid = json_string_value(json_object_get(v, "user_id"));
		if (uid && (rc = wam_auth_credentials(db, &creds, uid)))
			break;
		if (creds)
			json_object_update(v, creds);
		json_decref(creds);
	}
	if (rc) {
		json_decref(list);
		return rc;
	}
	json_object_set_new(b, "verifier_states", list);
	return 0;
}

/* The rule of independence for verifier `vs` (a verifier_states entry) of
 * batch `b`: no one who created the verifier's account or ever set its
 * password takes part in the batch: opened it, added a weapon, a lot or a
 * person to it, `closer` (NULL before the close) or another verifier of it;
 * and the account shares no one it comes from, but the operating-system
 * account, with another verifier who has confirmed (docs/stock.md). */
static int independent(wam_db *db, const json_t *b, const json_t *vs, const char *closer)
{
	const char *id = json_string_value(json_object_get(b, "id"));
	const char *name = json_string_value(json_object_get(vs, "name"));
	json_t *rows = NULL, *w;
	char part[200], other[128];
	size_t i;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT e.type, e.actor FROM events e WHERE e.subject=?1 AND e.type IN "
	                        "('destruction.opened','destruction.item_added','destruction.lot_added',"
	                        "'destruction.person_added') GROUP BY e.type, e.actor ORDER BY min(e.seq)",
	                        id, NULL);
	json_array_foreach(rows, i, w)
	{
		const char *type = json_string_value(json_object_get(w, "type"));
		if (rc || !type)
			continue;
		snprintf(part, sizeof part, "%s destruction batch %.40s",
		         !strcmp(type, "destruction.opened")         ? "opened"
		         : !strcmp(type, "destruction.person_added") ? "added a person to"
		                                                     : "added to",
		         id);
		rc = wam_auth_independent(db, vs, name, json_string_value(json_object_get(w, "actor")), part,
		                          "verifier");
	}
	json_decref(rows);
	if (!rc && closer) {
		snprintf(part, sizeof part, "closes destruction batch %.40s", id);
		rc = wam_auth_independent(db, vs, name, closer, part, "verifier");
	}
	json_array_foreach(json_object_get(b, "verifier_states"), i, w)
	{
		const char *wn = json_string_value(json_object_get(w, "name"));
		if (rc || !wn || !strcmp(wn, name))
			continue;
		snprintf(other, sizeof other, "user:%s", wn);
		snprintf(part, sizeof part, "is another verifier of destruction batch %.40s", id);
		rc = wam_auth_independent(db, vs, name, other, part, "verifier");
		snprintf(part, sizeof part, "confirm destruction batch %.40s", id);
		if (!rc && json_is_true(json_object_get(w, "confirmed")))
			rc = wam_auth_apart(db, vs, name, w, wn, part, "verifier");
	}
	return rc;
}

/* The recovered rounds batch `id` lists, with what their line reads:
 * [{n, recovery_id, line, calibre, headstamp, lot, rounds}]; none in a
 * registry made before batches listed them (read as it is). */
static int recovered_rows(wam_db *db, json_t **out, const char *id)
{
	*out = NULL;
	if (!wam_table_exists(db, "destruction_recovered") || !wam_table_exists(db, "recovery_ammunition")) {
		*out = json_array();
		return 0;
	}
	return wam_query_rows(db, out,
	                      "SELECT d.n, d.recovery_id, d.line, a.calibre, a.headstamp_text AS headstamp, a.lot,"
	                      " d.rounds FROM destruction_recovered d LEFT JOIN recovery_ammunition a ON"
	                      " a.recovery_id=d.recovery_id AND a.line=d.line WHERE d.destruction_id=? ORDER BY d.n",
	                      id, NULL);
}

int wam_stock_destruction_get(wam_db *db, json_t **out, const char *id)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	json_t *b, *list;
	int rc = batch_row(db, &b, id);
	*out = NULL;
	if (rc)
		return rc;
	if ((rc = wam_query_rows(
	         db, &list,
	         "SELECT d.n, d.item_id, i.serial, i.make, i.model, i.category, i.status FROM destruction_items d"
	         " LEFT JOIN items i ON i.id=d.item_id WHERE d.destruction_id=? ORDER BY d.n",
	         id, NULL)))
		goto fail;
	json_object_set_new(b, "items", list);
	if ((rc = wam_query_rows(
	         db, &list,
	         "SELECT d.n, d.lot_id, l.lot_number, l.nomenclature, l.calibre, d.rounds FROM destruction_lots d"
	         " LEFT JOIN lots l ON l.id=d.lot_id WHERE d.destruction_id=? ORDER BY d.n",
	         id, NULL)))
		goto fail;
	json_object_set_new(b, "lots", list);
	if ((rc = recovered_rows(db, &list, id)))
		goto fail;
	json_object_set_new(b, "recovered", list);
	if ((rc = people(db, b, "verifiers", id, "verifier")) || (rc = people(db, b, "witnesses", id, "witness")) ||
	    (rc = verifier_states(db, b, id)))
		goto fail;
	json_t *v;
	size_t i;
	if ((rc = wam_query_rows(
	         db, &list,
	         "SELECT n, seq, json(serials) AS serials, json(missing) AS missing,"
	         " json(unexpected) AS unexpected, ok FROM destruction_checks WHERE destruction_id=? ORDER BY n",
	         id, NULL)))
		goto fail;
	/* the lists are JSON text in their table */
	json_array_foreach(list, i, v)
	{
		const char *keys[] = {"serials", "missing", "unexpected"};
		for (int k = 0; k < 3; k++) {
			const char *t = json_string_value(json_object_get(v, keys[k]));
			json_t *arr = t ? json_loads(t, 0, NULL) : NULL;
			json_object_set_new(v, keys[k], arr ? arr : json_array());
		}
		json_object_set_new(v, "ok", json_boolean(json_integer_value(json_object_get(v, "ok"))));
	}
	json_object_set_new(b, "checks", list);
	*out = b;
	return 0;
fail:
	json_decref(b);
	return rc;
}

int wam_stock_destruction_list(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	return wam_query_rows(db, out,
	                      "SELECT id, method, site, date, state, certificate, opened_seq, closed_seq,"
	                      " (SELECT count(*) FROM destruction_items x WHERE x.destruction_id=d.id) AS weapons"
	                      " FROM destructions d ORDER BY id DESC",
	                      NULL, NULL);
}

/* Appends one event about `id` and commits; `*out` the record after. */
static int append_commit(wam_db *db, json_t **out, const char *type, const char *id, const json_t *p)
{
	return wam_ledger_append_commit(db, out, type, id, p, wam_stock_destruction_get);
}

int wam_stock_destruction_open(wam_db *db, json_t **out, const json_t *in)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a destruction batch is a JSON object");
		goto done;
	}
	json_t *upper = json_deep_copy(in);
	const char *m = json_string_value(json_object_get(in, "method"));
	if (m) {
		/* methods are written in capitals (ISACS); people type either */
		char buf[32];
		size_t k = 0;
		for (; m[k] && k < sizeof buf - 1; k++)
			buf[k] = (char)(m[k] >= 'a' && m[k] <= 'z' ? m[k] - 32 : m[k]);
		buf[k] = '\0';
		json_object_set_new(upper, "method", json_string(buf));
	}
	rc = wam_check_fields(in, batch_fields, "", 0);
	if (!rc && !wam_in_vocab(methods, json_string_value(json_object_get(upper, "method")))) {
		char list[128];
		wam_vocab_list(methods, list, sizeof list);
		rc = wam_error_set(WAM_EINVAL, "method", "method must be one of %s", list);
	}
	if (!rc)
		json_object_set(p, "method", json_object_get(upper, "method"));
	json_decref(upper);
	if (rc || (rc = wam_take_text(p, in, "site", "site", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, in, "date", "date", WAM_FIELD_REQUIRED, 10, 0)) ||
	    (rc = wam_take_text(p, in, "notes", "notes", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)))
		goto done;
	const char *d = json_string_value(json_object_get(p, "date"));
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' || strspn(d, "0123456789-") != 10) {
		rc = wam_error_set(WAM_EINVAL, "date", "date '%.20s' is not YYYY-MM-DD", d);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	wam_db_new_id(db, id);
	rc = append_commit(db, out, "destruction.opened", id, p);
done:
	json_decref(p);
	return rc;
}

int wam_stock_destruction_add_item(wam_db *db, json_t **out, const char *id, const char *item_id)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *p = NULL, *rows = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = open_batch(db, id)))
		goto fail;
	if ((rc = wam_query_rows(db, &rows, "SELECT status FROM items WHERE id=?", item_id ? item_id : "", NULL)))
		goto fail;
	if (!json_array_size(rows)) {
		rc = wam_error_set(WAM_EINVAL, "item_id", "no weapon with id '%.40s'", item_id ? item_id : "");
		goto fail;
	}
	const char *status = json_string_value(json_object_get(json_array_get(rows, 0), "status"));
	if (!wam_registry_status_allowed(status, "destroyed")) {
		rc = wam_error_set(WAM_ECONFLICT, "item_id", "weapon %.40s is %s and cannot be destroyed from there",
		                   item_id, status);
		goto fail;
	}
	json_decref(rows);
	if ((rc = wam_query_rows(
	         db, &rows,
	         "SELECT x.destruction_id FROM destruction_items x JOIN destructions d ON d.id=x.destruction_id"
	         " WHERE x.item_id=? AND d.state='open'",
	         item_id, NULL)))
		goto fail;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "item_id", "weapon %.40s is already in destruction batch %s", item_id,
		                   json_string_value(json_object_get(json_array_get(rows, 0), "destruction_id")));
		goto fail;
	}
	p = json_pack("{s:s}", "item_id", item_id);
	rc = append_commit(db, out, "destruction.item_added", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rows);
	return rc;
}

int wam_stock_destruction_add_lot(wam_db *db, json_t **out, const char *id, const char *lot_id, long rounds)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *p = NULL, *rows = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = open_batch(db, id)) ||
	    (rc = wam_query_rows(db, &rows, "SELECT rounds FROM lots WHERE id=?", lot_id ? lot_id : "", NULL)))
		goto fail;
	if (!json_array_size(rows)) {
		rc = wam_error_set(WAM_EINVAL, "lot_id", "no ammunition lot with id '%.40s'", lot_id ? lot_id : "");
		goto fail;
	}
	json_int_t held = json_integer_value(json_object_get(json_array_get(rows, 0), "rounds"));
	if (rounds <= 0 || rounds > held) {
		rc = wam_error_set(rounds <= 0 ? WAM_EINVAL : WAM_ECONFLICT, "rounds",
		                   "lot %.40s holds %lld rounds; %ld cannot be destroyed", lot_id, (long long)held,
		                   rounds);
		goto fail;
	}
	json_decref(rows);
	if ((rc = wam_query_rows(db, &rows, "SELECT 1 FROM destruction_lots WHERE destruction_id=? AND lot_id=?", id,
	                         lot_id)))
		goto fail;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "lot_id", "lot %.40s is already in this batch", lot_id);
		goto fail;
	}
	p = json_pack("{s:s, s:I}", "lot_id", lot_id, "rounds", (json_int_t)rounds);
	rc = append_commit(db, out, "destruction.lot_added", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rows);
	return rc;
}

int wam_stock_destruction_add_recovered(wam_db *db, json_t **out, const char *id, const char *recovery_id, long line,
                                        long rounds)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *p = NULL;
	if (out)
		*out = NULL;
	if (!recovery_id || !*recovery_id)
		return wam_error_set(WAM_EINVAL, "recovery_id", "recovery_id names the recovery the rounds come from");
	if (line < 0)
		return wam_error_set(WAM_EINVAL, "line", "line is the number of an ammunition line, from 0, not %ld",
		                     line);
	if (rounds <= 0)
		return wam_error_set(WAM_EINVAL, "rounds", "rounds must be a whole number of at least 1, not %ld",
		                     rounds);
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = open_batch(db, id)))
		goto fail;
	{
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(
		        db->conn,
		        "SELECT 1 FROM destruction_recovered WHERE destruction_id=? AND recovery_id=? AND line=?", -1,
		        &st, NULL) != SQLITE_OK) {
			rc = wam_sql_fail(db->conn, "read batch");
			goto fail;
		}
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, recovery_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, line);
		bool listed = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (listed) {
			rc = wam_error_set(WAM_ECONFLICT, "line", "line %ld of recovery %.40s is already in this batch",
			                   line, recovery_id);
			goto fail;
		}
	}
	/* the recovery checks the rounds remain and counts them gone */
	if ((rc = wam_collection_ammunition_commit(db, recovery_id, line, rounds, id)))
		goto fail;
	p = json_pack("{s:s, s:I, s:I}", "recovery_id", recovery_id, "line", (json_int_t)line, "rounds",
	              (json_int_t)rounds);
	rc = append_commit(db, out, "destruction.recovered_added", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

int wam_stock_destruction_add_person(wam_db *db, json_t **out, const char *id, const char *role, const char *name)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *p = json_object(), *in = json_pack("{s:s?, s:s?}", "role", role, "name", name), *rows = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_take_word(p, in, "role", "role", roles, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_text(p, in, "name", "name", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)))
		goto done;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = open_batch(db, id)))
		goto fail;
	role = json_string_value(json_object_get(p, "role"));
	name = json_string_value(json_object_get(p, "name"));
	if (!strcmp(role, "verifier")) {
		/* verifiers sign for what they saw: each is a user of the registry,
		 * and two names are two different users */
		if ((rc = wam_query_rows(db, &rows, "SELECT id FROM users WHERE name=? AND disabled=0", name, NULL)))
			goto fail;
		if (!json_array_size(rows)) {
			rc = wam_error_set(WAM_EINVAL, "name",
			                   "a verifier is a user of the registry; '%.60s' is not one", name);
			goto fail;
		}
		json_object_set(p, "user_id", json_object_get(json_array_get(rows, 0), "id"));
		json_decref(rows);
		rows = NULL;
	}
	if ((rc = wam_query_rows(db, &rows, "SELECT 1 FROM destruction_people WHERE destruction_id=? AND name=?", id,
	                         name)))
		goto fail;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "name", "%.60s is already a verifier or witness of this batch", name);
		goto fail;
	}
	rc = append_commit(db, out, "destruction.person_added", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(in);
	json_decref(rows);
	return rc;
}

int wam_stock_destruction_verify(wam_db *db, json_t **out, const char *id, const json_t *serials)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *p = NULL, *list = json_array();
	if (out)
		*out = NULL;
	size_t i;
	const json_t *v;
	if (!json_is_array(serials) || !json_array_size(serials)) {
		rc = wam_error_set(WAM_EINVAL, "serials", "a verification lists the serials read, at least one");
		goto done;
	}
	json_array_foreach(serials, i, v)
	{
		const char *s = json_string_value(v);
		if (!s || !*s || strlen(s) > WAM_MAX_TEXT) {
			rc = wam_error_set(WAM_EINVAL, "serials", "serials[%zu] must be a serial of 1 to %d bytes", i,
			                   WAM_MAX_TEXT);
			goto done;
		}
		json_array_append(list, (json_t *)v);
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = open_batch(db, id))) {
		wam_db_rollback(db);
		goto done;
	}
	/* what matches and what does not is derived by the projector from the
	 * list as it stands; the event holds what was read */
	p = json_pack("{s:O}", "serials", list);
	rc = append_commit(db, out, "destruction.verified", id, p);
done:
	json_decref(p);
	json_decref(list);
	return rc;
}

int wam_stock_destruction_confirm(wam_db *db, json_t **out, const char *id, const wam_principal *who)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *b = NULL, *p = NULL;
	char actor[128];
	if (out)
		*out = NULL;
	if (!who || strcmp(who->kind, "user") != 0)
		return wam_error_set(WAM_EFORBIDDEN, "verifier",
		                     "a verifier confirms signed in as the registry user named in the batch (their own "
		                     "password or session); %s cannot confirm for anyone",
		                     who && !strcmp(who->kind, "os")
		                         ? "the operating-system account (act --as the verifier)"
		                     : who && who->kind[0] ? "a token"
		                                           : "an unauthenticated caller");
	wam_auth_principal_actor(who, actor, sizeof actor);
	if (strcmp(actor, db->actor) != 0)
		return wam_error_set(WAM_EFORBIDDEN, "verifier",
		                     "the confirmation must be recorded as %s, the verifier who gives it, not as %s",
		                     actor, db->actor);
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_stock_destruction_get(db, &b, id)) || (rc = still_open(b, id)))
		goto fail;
	const json_t *st = NULL, *v;
	size_t i;
	json_array_foreach(json_object_get(b, "verifier_states"), i, v)
	{
		const char *uid = json_string_value(json_object_get(v, "user_id"));
		if (uid && !strcmp(uid, who->id))
			st = v;
	}
	if (!st) {
		rc = wam_error_set(WAM_EFORBIDDEN, "verifier",
		                   "%.64s is not a verifier of destruction batch %.40s; only the verifiers named in it "
		                   "confirm it",
		                   who->name, id);
		goto fail;
	}
	if (json_is_true(json_object_get(st, "confirmed"))) {
		rc = wam_error_set(WAM_ECONFLICT, "verifier",
		                   "%.64s has already confirmed destruction batch %.40s as it stands (event %lld)",
		                   who->name, id, (long long)json_integer_value(json_object_get(st, "seq")));
		goto fail;
	}
	if ((rc = independent(db, b, st, NULL)))
		goto fail;
	json_t *checks = json_object_get(b, "checks");
	json_t *last = json_array_get(checks, json_array_size(checks) - 1);
	if (!last ||
	    json_integer_value(json_object_get(last, "seq")) < json_integer_value(json_object_get(b, "items_seq")) ||
	    !json_is_true(json_object_get(last, "ok"))) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "serials",
		    "there is nothing to confirm yet: the serials read at the destruction site must match "
		    "the list as it stands (wam destruction verify) before a verifier confirms them");
		goto fail;
	}
	p = json_pack("{s:s, s:s, s:O}", "user_id", who->id, "name", who->name, "reading_seq",
	              json_object_get(last, "seq"));
	rc = append_commit(db, out, "destruction.confirmed", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(b);
	json_decref(p);
	return rc;
}

int wam_stock_destruction_close(wam_db *db, json_t **out, const char *id, const char *certificate)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "destruction");
	}
	int rc;
	json_t *b = NULL, *p = json_object(), *in = json_pack("{s:s?}", "certificate", certificate), *details = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_take_text(p, in, "certificate", "certificate", 0, WAM_MAX_TEXT, 0)))
		goto done;
	if (!json_object_get(p, "certificate")) {
		rc = wam_error_set(WAM_EINVAL, "certificate",
		                   "a destruction batch closes only with its certificate number");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_stock_destruction_get(db, &b, id)) || (rc = still_open(b, id)))
		goto fail;
	json_t *items = json_object_get(b, "items"), *checks = json_object_get(b, "checks");
	json_t *lots = json_object_get(b, "lots");
	if (!json_array_size(items) && !json_array_size(lots) && !json_array_size(json_object_get(b, "recovered"))) {
		rc = wam_error_set(WAM_ECONFLICT, "items", "destruction batch %.40s lists no weapon and no lot", id);
		goto fail;
	}
	size_t nver = json_array_size(json_object_get(b, "verifiers"));
	if (nver < 2) {
		rc = wam_error_set(WAM_ECONFLICT, "verifiers",
		                   "a destruction needs at least two independent verifiers; batch %.40s has %zu", id,
		                   nver);
		goto fail;
	}
	json_t *last = json_array_get(checks, json_array_size(checks) - 1);
	if (!last ||
	    json_integer_value(json_object_get(last, "seq")) < json_integer_value(json_object_get(b, "items_seq"))) {
		rc =
		    wam_error_set(WAM_ECONFLICT, "serials",
		                  "the serials have not been read at the destruction site since the list last changed");
		goto fail;
	}
	if (!json_is_true(json_object_get(last, "ok"))) {
		char *missing = json_dumps(json_object_get(last, "missing"), JSON_COMPACT);
		char *unexpected = json_dumps(json_object_get(last, "unexpected"), JSON_COMPACT);
		rc = wam_error_set(WAM_ECONFLICT, "serials",
		                   "the serials read do not match the list: listed but not read %.200s; read but not "
		                   "listed %.200s",
		                   missing ? missing : "[]", unexpected ? unexpected : "[]");
		free(missing);
		free(unexpected);
		goto fail;
	}
	/* two different verifiers, each signed in as themselves, confirmed the
	 * list and the reading as they stand */
	size_t nconf = 0, k;
	wam_buf waiting = {0};
	json_t *vs, *confirmed = json_array();
	json_array_foreach(json_object_get(b, "verifier_states"), k, vs)
	{
		if (json_is_true(json_object_get(vs, "confirmed"))) {
			/* a confirmation counts only while its account is
			 * independent of everyone taking part, the closer too */
			if (!rc)
				rc = independent(db, b, vs, db->actor);
			nconf++;
			json_array_append_new(
			    confirmed,
			    json_pack("{s:O, s:O, s:O, s:O?, s:O?, s:O?, s:O?, s:O?}", "name",
			              json_object_get(vs, "name"), "time", json_object_get(vs, "confirmed_at"), "seq",
			              json_object_get(vs, "seq"), "created_by", json_object_get(vs, "created_by"),
			              "created_at", json_object_get(vs, "created_at"), "password_set_by",
			              json_object_get(vs, "password_set_by"), "password_set_at",
			              json_object_get(vs, "password_set_at"), "comes_from",
			              json_object_get(vs, "comes_from")));
		} else {
			wam_buf_puts(&waiting, waiting.n ? ", " : "");
			wam_buf_puts(&waiting, json_string_value(json_object_get(vs, "name")));
		}
	}
	if (rc) {
		wam_buf_free(&waiting);
		json_decref(confirmed);
		goto fail;
	}
	if (nconf < 2) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "confirmations",
		    "destruction batch %.40s has current confirmations by %zu of its verifiers; it closes only "
		    "once two verifiers have each confirmed, signed in as themselves (waiting for: %.300s)",
		    id, nconf, waiting.p ? waiting.p : "-");
		wam_buf_free(&waiting);
		json_decref(confirmed);
		goto fail;
	}
	wam_buf_free(&waiting);
	json_object_set_new(p, "confirmed_by", confirmed);
	int64_t seq;
	if ((rc = wam_ledger_append(db, "destruction.closed", id, p, &seq)))
		goto fail;
	details = wam_registry_reason(
	    wam_message_json("destroyed at %s in a destruction batch", json_string_value(json_object_get(b, "site"))));
	json_object_set(details, "certificate", json_object_get(p, "certificate"));
	json_object_set_new(details, "document", json_string(id));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *item = json_string_value(json_object_get(it, "item_id"));
		if ((rc = wam_weapon_final_status(db, NULL, item, "destroyed", details))) {
			rc = wam_error_within(rc, "items", "weapon %s", item);
			goto fail;
		}
	}
	/* the rounds leave their lots as an issue, by the lots' own rules */
	json_array_foreach(lots, i, it)
	{
		const char *lot = json_string_value(json_object_get(it, "lot_id"));
		json_t *issue =
		    json_pack("{s:O, s:O, s:O}", "rounds", json_object_get(it, "rounds"), "recipient",
		              json_object_get(details, "reason"), "document", json_object_get(p, "certificate"));
		rc = wam_stock_lot_issue(db, NULL, lot, issue);
		json_decref(issue);
		if (rc) {
			rc = wam_error_within(rc, "lots", "lot %s", lot);
			goto fail;
		}
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_destruction_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(b);
	json_decref(p);
	json_decref(in);
	json_decref(details);
	return rc;
}

/* ---- the certificate ---- */

static void html_row(wam_buf *b, const char *label, const char *value)
{
	wam_buf_puts(b, "<tr><th>");
	wam_buf_html(b, label);
	wam_buf_puts(b, "</th><td>");
	wam_buf_html(b, value ? value : "");
	wam_buf_puts(b, "</td></tr>\n");
}

static void html_names(wam_buf *b, const char *label, const json_t *names)
{
	wam_buf t = {0};
	size_t i;
	const json_t *v;
	json_array_foreach(names, i, v)
	{
		if (i)
			wam_buf_puts(&t, ", ");
		wam_buf_puts(&t, json_string_value(v));
	}
	html_row(b, label, t.p ? t.p : "");
	wam_buf_free(&t);
}

/* "Confirmed by": each confirmation the closing event counted, with who
 * gave it, when and its event, as the closed event recorded them. */
static void html_confirmations(wam_buf *o, wam_db *db, const char *id)
{
	json_t *ev = NULL, *pl = NULL;
	wam_buf t = {0};
	if (wam_query_rows(db, &ev,
	                   "SELECT json_extract(payload,'$.confirmed_by') AS c FROM events e JOIN destructions d"
	                   " ON e.seq=d.closed_seq WHERE d.id=?",
	                   id, NULL) == 0) {
		const char *c = json_string_value(json_object_get(json_array_get(ev, 0), "c"));
		pl = c ? json_loads(c, 0, NULL) : NULL;
	}
	size_t i;
	json_t *v;
	json_array_foreach(pl, i, v)
	{
		wam_buf_printf(&t, "%s%s (%s, event %lld", i ? "; " : "", json_string_value(json_object_get(v, "name")),
		               json_string_value(json_object_get(v, "time")),
		               (long long)json_integer_value(json_object_get(v, "seq")));
		/* whose account it was: who made it and who last set its password */
		if (json_object_get(v, "created_by") && json_object_get(v, "password_set_by"))
			wam_buf_printf(&t, "; account created by %s at %s, password last set by %s at %s",
			               json_string_value(json_object_get(v, "created_by")),
			               json_string_value(json_object_get(v, "created_at")),
			               json_string_value(json_object_get(v, "password_set_by")),
			               json_string_value(json_object_get(v, "password_set_at")));
		/* everyone who made it or ever set its password */
		json_t *from = json_object_get(v, "comes_from"), *f;
		size_t j;
		json_array_foreach(from, j, f)
		    wam_buf_printf(&t, "%s%s", j ? ", " : "; account comes from ", json_string_value(f));
		wam_buf_puts(&t, ")");
	}
	html_row(o, "Confirmed by", t.p ? t.p : "");
	wam_buf_free(&t);
	json_decref(pl);
	json_decref(ev);
}

int wam_stock_destruction_certificate(wam_db *db, char **html, size_t *len, const char *id)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "destruction");
	json_t *b = NULL, *ev = NULL;
	wam_buf o = {0};
	*html = NULL;
	*len = 0;
	int rc = wam_stock_destruction_get(db, &b, id);
	if (rc)
		return rc;
	if (strcmp(json_string_value(json_object_get(b, "state")), "closed") != 0) {
		json_decref(b);
		return wam_error_set(WAM_ECONFLICT, "id",
		                     "destruction batch %.40s is not closed; it has no certificate", id);
	}
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(b, "closed_seq")));
	if ((rc = wam_query_rows(
	         db, &ev, "SELECT lower(hex(hash)) AS hash, time, actor FROM events WHERE seq=CAST(? AS INTEGER)", seq,
	         NULL)))
		goto done;
	json_t *e = json_array_get(ev, 0);
	wam_buf_puts(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Destruction "
	                 "certificate ");
	wam_buf_html(&o, json_string_value(json_object_get(b, "certificate")));
	wam_buf_puts(&o, "</title>\n<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;color:#111}"
	                 "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #999;"
	                 "padding:.3em .6em;text-align:left;vertical-align:top}th{background:#eee}"
	                 "code{font-size:.85em;word-break:break-all}@media print{body{margin:0}}</style>\n</head>\n"
	                 "<body>\n<h1>Destruction certificate</h1>\n<table>\n");
	html_row(&o, "Certificate number", json_string_value(json_object_get(b, "certificate")));
	html_row(&o, "Batch", id);
	html_row(&o, "Method", json_string_value(json_object_get(b, "method")));
	html_row(&o, "Site", json_string_value(json_object_get(b, "site")));
	html_row(&o, "Date", json_string_value(json_object_get(b, "date")));
	html_names(&o, "Verifiers", json_object_get(b, "verifiers"));
	html_confirmations(&o, db, id);
	html_names(&o, "Witnesses", json_object_get(b, "witnesses"));
	wam_buf_puts(&o, "</table>\n<h2>Weapons destroyed</h2>\n<table>\n<tr><th>#</th><th>Weapon</th><th>Serial</th>"
	                 "<th>Make</th><th>Model</th></tr>\n");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(b, "items"), i, it)
	{
		wam_buf_printf(&o, "<tr><td>%zu</td><td>", i + 1);
		wam_buf_html(&o, json_string_value(json_object_get(it, "item_id")));
		wam_buf_puts(&o, "</td><td>");
		wam_buf_html(&o, json_string_value(json_object_get(it, "serial")));
		wam_buf_puts(&o, "</td><td>");
		wam_buf_html(&o, json_string_value(json_object_get(it, "make")));
		wam_buf_puts(&o, "</td><td>");
		wam_buf_html(&o, json_string_value(json_object_get(it, "model")));
		wam_buf_puts(&o, "</td></tr>\n");
	}
	wam_buf_puts(&o, "</table>\n");
	if (json_array_size(json_object_get(b, "lots"))) {
		wam_buf_puts(&o, "<h2>Ammunition destroyed</h2>\n<table>\n<tr><th>#</th><th>Lot</th><th>Lot number</th>"
		                 "<th>Nomenclature</th><th>Rounds</th></tr>\n");
		json_array_foreach(json_object_get(b, "lots"), i, it)
		{
			wam_buf_printf(&o, "<tr><td>%zu</td><td>", i + 1);
			wam_buf_html(&o, json_string_value(json_object_get(it, "lot_id")));
			wam_buf_puts(&o, "</td><td>");
			wam_buf_html(&o, json_string_value(json_object_get(it, "lot_number")));
			wam_buf_puts(&o, "</td><td>");
			wam_buf_html(&o, json_string_value(json_object_get(it, "nomenclature")));
			wam_buf_printf(&o, "</td><td>%lld</td></tr>\n",
			               (long long)json_integer_value(json_object_get(it, "rounds")));
		}
		wam_buf_puts(&o, "</table>\n");
	}
	if (json_array_size(json_object_get(b, "recovered"))) {
		wam_buf_puts(&o, "<h2>Recovered ammunition destroyed</h2>\n<table>\n<tr><th>#</th><th>Recovery</th>"
		                 "<th>Line</th><th>Calibre</th><th>Headstamp</th><th>Lot</th><th>Rounds</th></tr>\n");
		json_array_foreach(json_object_get(b, "recovered"), i, it)
		{
			wam_buf_printf(&o, "<tr><td>%zu</td><td>", i + 1);
			wam_buf_html(&o, json_string_value(json_object_get(it, "recovery_id")));
			wam_buf_printf(&o, "</td><td>%lld</td><td>",
			               (long long)json_integer_value(json_object_get(it, "line")));
			wam_buf_html(&o, json_string_value(json_object_get(it, "calibre")));
			wam_buf_puts(&o, "</td><td>");
			wam_buf_html(&o, json_string_value(json_object_get(it, "headstamp")));
			wam_buf_puts(&o, "</td><td>");
			wam_buf_html(&o, json_string_value(json_object_get(it, "lot")));
			wam_buf_printf(&o, "</td><td>%lld</td></tr>\n",
			               (long long)json_integer_value(json_object_get(it, "rounds")));
		}
		wam_buf_puts(&o, "</table>\n");
	}
	wam_buf_puts(&o, "<h2>Ledger position</h2>\n<table>\n");
	html_row(&o, "Event", seq);
	wam_buf_puts(&o, "<tr><th>Event hash (BLAKE2b-256)</th><td><code>");
	wam_buf_html(&o, json_string_value(json_object_get(e, "hash")));
	wam_buf_puts(&o, "</code></td></tr>\n");
	html_row(&o, "Recorded", json_string_value(json_object_get(e, "time")));
	html_row(&o, "Recorded by", json_string_value(json_object_get(e, "actor")));
	html_row(&o, "Registry node", wam_db_node_id(db));
	wam_buf_puts(&o, "</table>\n<p>The event above closed the batch; <code>wam verify</code> proves it is in the "
	                 "registry's signed ledger unchanged.</p>\n</body>\n</html>\n");
	if (!o.p) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	*html = o.p;
	*len = o.n;
	o.p = NULL;
done:
	wam_buf_free(&o);
	json_decref(b);
	json_decref(ev);
	return rc;
}

int wam_stock_weapon_held(wam_db *db, const char *item_id, const char *field);
int wam_stock_weapon_held(wam_db *db, const char *item_id, const char *field)
{
	json_t *row = NULL;
	int rc = wam_query_row(db, &row,
	                       "SELECT d.id FROM destruction_items x JOIN destructions d ON d.id=x.destruction_id"
	                       " WHERE x.item_id=? AND d.state='open' LIMIT 1",
	                       item_id, NULL);
	if (!rc && row)
		rc =
		    wam_error_set(WAM_ECONFLICT, field, "weapon %.40s is listed in destruction batch %s, which is open",
		                  item_id, json_string_value(json_object_get(row, "id")));
	json_decref(row);
	return rc;
}
