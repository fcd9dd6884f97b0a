/* Exports of weapons by the administrative path: `exported` is final, so no
 * one person makes a weapon exported. One authenticated identity proposes
 * the export of a weapon with its reason and the export licence or document
 * number (export.proposed); a different identity, whose role may confirm
 * exports, confirms it (export.confirmed), and only then does the weapon
 * become `exported`, through the one path that may give that status
 * (wam_registry_item_set_final_status). A proposal may be withdrawn
 * (export.withdrawn) while it waits. Who proposed and who confirmed are the
 * actors of the events; the two-person rule compares them with
 * wam_auth_same_person_db (a token stands for whoever added it, and never
 * confirms), and the confirmer's account must not have been created, nor
 * its password last set, by the proposer (wam_auth_independent). The
 * projector keeps export_proposals. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "registry/rules.h"
#include "store/field.h"
#include "wam/auth.h"
#include "wam/registry.h"

static const char *const proposal_fields[] = {"item_id", "reason", "document", "country", NULL};

#define PROPOSAL_SQL                                                                                                   \
	"SELECT p.id, p.item_id, i.serial, i.make, i.model, i.status, i.site_id, p.reason, p.document, p.country,"     \
	" p.state, p.proposed_seq, (SELECT time FROM events WHERE seq=p.proposed_seq) AS proposed_at,"                 \
	" (SELECT actor FROM events WHERE seq=p.proposed_seq) AS proposed_by, p.decided_seq,"                          \
	" (SELECT time FROM events WHERE seq=p.decided_seq) AS decided_at,"                                            \
	" (SELECT actor FROM events WHERE seq=p.decided_seq) AS decided_by, p.withdraw_reason"                         \
	" FROM export_proposals p LEFT JOIN items i ON i.id=p.item_id"

int wam_registry_export_get(wam_db *db, json_t **out, const char *id)
{
	int rc = wam_query_one(db, out, PROPOSAL_SQL " WHERE p.id=?1", id ? id : "", "export proposal");
	/* the proposal of a weapon at another site is not there */
	if (!rc && (rc = wam_confine_hide(db, json_string_value(json_object_get(*out, "site_id")), "id",
	                                  "export proposal", id))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* A principal confined to sites acts on proposals it sees, and proposes
 * exports of weapons at its sites only: another site's weapon is answered
 * as not there, before the proposal is read. */
static int may_propose(wam_db *db, const json_t *in)
{
	return wam_rooms_record_hidden(db, json_string_value(json_object_get(in, "item_id")), "item_id");
}

static int may_decide(wam_db *db, const char *id)
{
	json_t *prop = NULL;
	int rc = wam_confined(db) ? wam_registry_export_get(db, &prop, id) : 0;
	json_decref(prop);
	return rc;
}

int wam_registry_export_list(wam_db *db, json_t **out, const char *state)
{
	if (state && *state && strcmp(state, "proposed") && strcmp(state, "confirmed") && strcmp(state, "withdrawn"))
		return wam_error_set(WAM_EINVAL, "state", "state '%.30s' is not one of: proposed, confirmed, withdrawn",
		                     state);
	int rc = wam_query_rows(db, out,
	                        PROPOSAL_SQL " WHERE (?1 IS NULL OR ?1='' OR p.state=?1) ORDER BY p.proposed_seq DESC",
	                        state, NULL);
	if (!rc)
		wam_confine_list(db, *out, "site_id"); /* proposals of the principal's weapons */
	return rc;
}

/* Appends one event about `id` and commits; `*out` the record after. */
static int append_commit(wam_db *db, json_t **out, const char *type, const char *id, const json_t *p)
{
	return wam_ledger_append_commit(db, out, type, id, p, wam_registry_export_get);
}

int wam_registry_export_propose(wam_db *db, json_t **out, const json_t *in)
{
	int rc;
	char id[WAM_ID_LEN + 1], next[256];
	json_t *p = json_object(), *rows = NULL;
	if (out)
		*out = NULL;
	if ((rc = may_propose(db, in)) || (rc = wam_check_fields(in, proposal_fields, "", 0)) ||
	    (rc = wam_take_text(p, in, "item_id", "item_id", WAM_FIELD_REQUIRED, WAM_ID_LEN, 0)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0)) ||
	    (rc = wam_take_text(p, in, "document", "document", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, in, "country", "country", 0, 4, 0)))
		goto done;
	const char *item = json_string_value(json_object_get(p, "item_id"));
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_rows(db, &rows, "SELECT status FROM items WHERE id=?", item, NULL)))
		goto fail;
	if (!json_array_size(rows)) {
		rc = wam_error_set(WAM_ENOTFOUND, "item_id", "no weapon with id '%.40s'", item);
		goto fail;
	}
	const char *status = json_string_value(json_object_get(json_array_get(rows, 0), "status"));
	if (!wam_registry_status_allowed(status, "exported")) {
		wam_registry_status_next(status, next, sizeof next);
		rc = wam_error_set(WAM_ECONFLICT, "item_id",
		                   "weapon %.40s is %s and cannot be exported from there (allowed from %s: %s)", item,
		                   status, status, next);
		goto fail;
	}
	json_decref(rows);
	if ((rc = wam_query_rows(db, &rows, "SELECT id FROM export_proposals WHERE item_id=? AND state='proposed'",
	                         item, NULL)))
		goto fail;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "item_id", "weapon %.40s already has an export proposal waiting: %s",
		                   item, json_string_value(json_object_get(json_array_get(rows, 0), "id")));
		goto fail;
	}
	wam_db_new_id(db, id);
	rc = append_commit(db, out, "export.proposed", id, p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rows);
	return rc;
}

/* The waiting proposal `id` in `*prop`, read inside the caller's
 * transaction; WAM_ECONFLICT when it is no longer waiting. */
static int waiting(wam_db *db, json_t **prop, const char *id)
{
	int rc = wam_registry_export_get(db, prop, id);
	if (!rc && strcmp(json_string_value(json_object_get(*prop, "state")), "proposed") != 0)
		rc = wam_error_set(WAM_ECONFLICT, "id", "export proposal %.40s is %s; there is nothing left to decide",
		                   id, json_string_value(json_object_get(*prop, "state")));
	return rc;
}

int wam_registry_export_confirm(wam_db *db, json_t **out, const char *id)
{
	int rc;
	json_t *prop = NULL, *p = json_object(), *d = NULL;
	if (out)
		*out = NULL;
	if ((rc = may_decide(db, id)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = waiting(db, &prop, id)))
		goto fail;
	const char *by = json_string_value(json_object_get(prop, "proposed_by"));
	if (wam_auth_is_token(db->actor)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "confirmed_by",
		                   "two-person rule: %s is a token, held by a program; a person signed in as "
		                   "themselves confirms export %.40s",
		                   db->actor, id);
		goto fail;
	}
	if (wam_auth_same_person_db(db, by, db->actor)) {
		rc = wam_error_set(
		    WAM_EFORBIDDEN, "confirmed_by",
		    "two-person rule: %s proposed export %.40s and cannot also confirm it; another person "
		    "must",
		    by, id);
		goto fail;
	}
	char first[128], second[128], both[128];
	snprintf(first, sizeof first, "proposed export %.40s", id);
	snprintf(second, sizeof second, "confirms export %.40s", id);
	snprintf(both, sizeof both, "propose and confirm export %.40s", id);
	if ((rc = wam_auth_independent_pair(db, by, first, second, both, "confirmed_by")))
		goto fail;
	const char *item = json_string_value(json_object_get(prop, "item_id"));
	d = wam_registry_reason(wam_message_json("exported: %s", json_string_value(json_object_get(prop, "reason"))));
	json_object_set(d, "document", json_object_get(prop, "document"));
	if ((rc = wam_ledger_append(db, "export.confirmed", id, p, NULL)))
		goto fail;
	if ((rc = wam_registry_item_set_final_status(db, NULL, item, "exported", d))) {
		rc = wam_error_within(rc, "item_id", "weapon %s", item);
		goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_registry_export_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(prop);
	json_decref(p);
	json_decref(d);
	return rc;
}

int wam_registry_export_withdraw(wam_db *db, json_t **out, const char *id, const char *reason)
{
	int rc;
	json_t *prop = NULL, *p = json_object(), *in = json_pack("{s:s?}", "reason", reason);
	if (out)
		*out = NULL;
	if ((rc = may_decide(db, id)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)))
		goto done;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = waiting(db, &prop, id))) {
		wam_db_rollback(db);
		goto done;
	}
	rc = append_commit(db, out, "export.withdrawn", id, p);
done:
	json_decref(prop);
	json_decref(p);
	json_decref(in);
	return rc;
}

/* ---- projector ---- */

enum { S_PROPOSED, S_DECIDED };

int wam_export_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                     const char *time)
{
	(void)time;
	sqlite3_stmt *st;
	if (!strcmp(type, "export.proposed")) {
		if (!(st = wam_room_stmt(ctx, S_PROPOSED,
		                         "INSERT INTO export_proposals(id,item_id,reason,document,country,state,"
		                         "proposed_seq,last_seq) VALUES(?1,?2,?3,?4,?5,'proposed',?6,?6)")))
			return WAM_EDB;
		static const char *const fields[] = {"item_id", "reason", "document", "country", NULL};
		sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, payload, fields), seq);
		return wam_projection_step(ctx->conn, st, seq);
	}
	if (!strcmp(type, "export.confirmed") || !strcmp(type, "export.withdrawn")) {
		if (!(st = wam_room_stmt(ctx, S_DECIDED,
		                         "UPDATE export_proposals SET state=?1, decided_seq=?2, last_seq=?2,"
		                         " withdraw_reason=?3 WHERE id=?4 AND state='proposed'")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, !strcmp(type, "export.confirmed") ? "confirmed" : "withdrawn", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, seq);
		wam_bind_json_text(st, 3, payload, "reason");
		sqlite3_bind_text(st, 4, subject, -1, SQLITE_STATIC);
		return wam_projection_step_one(ctx->conn, st, seq,
		                               "event %lld decides export proposal %s, which is not waiting",
		                               (long long)seq, subject);
	}
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
