/* The sanctions room's projector: sanctions.imported (the import with the
 * entries it added, amended and removed) and sanctions.alert_* (the alerts
 * and the records each is about) into the tables of
 * sql/migrations/0008-sanctions.sql. An entry is kept whole as canonical
 * JSON; a removed one keeps its row with the date of the list that no
 * longer had it. */
#include <string.h>

#include "ledger/room.h"
#include "sanctions/sanctions.h"

enum {
	S_IMPORT,
	S_ADD,
	S_AMEND,
	S_REMOVE,
	S_ALERT,
	S_SUBJECT,
	S_DECIDE,
};

static int imported(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"source", "format", "generated", "sha256", NULL};
	const json_t *added = json_object_get(pl, "added"), *amended = json_object_get(pl, "amended"),
	             *removed = json_object_get(pl, "removed"), *e;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_IMPORT,
	                  "INSERT INTO sanctions_imports(id,source,format,generated,sha256,added,amended,"
	                  "removed,seq) VALUES(?,?,?,?,?,?,?,?,?)");
	size_t n;
	int rc;
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, i, (sqlite3_int64)json_array_size(added));
	sqlite3_bind_int64(st, i + 1, (sqlite3_int64)json_array_size(amended));
	sqlite3_bind_int64(st, i + 2, (sqlite3_int64)json_array_size(removed));
	sqlite3_bind_int64(st, i + 3, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	json_array_foreach(added, n, e)
	{
		if (!(st = wam_room_stmt(ctx, S_ADD,
		                         "INSERT INTO sanctions_entries(id,source,reference,list_type,kind,name,body,"
		                         "added_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,?)")))
			return WAM_EDB;
		static const char *const efields[] = {"id", "source", "reference", "list_type", "kind", "name", NULL};
		i = wam_bind_json_fields(st, 1, e, efields);
		if ((rc = wam_bind_canon(st, i, e)))
			return rc;
		sqlite3_bind_int64(st, i + 1, seq);
		sqlite3_bind_int64(st, i + 2, seq);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	json_array_foreach(amended, n, e)
	{
		if (!(st = wam_room_stmt(
		          ctx, S_AMEND,
		          "UPDATE sanctions_entries SET list_type=?, kind=?, name=?, body=?, removed_on=NULL,"
		          " last_seq=? WHERE id=?")))
			return WAM_EDB;
		static const char *const efields[] = {"list_type", "kind", "name", NULL};
		i = wam_bind_json_fields(st, 1, e, efields);
		if ((rc = wam_bind_canon(st, i, e)))
			return rc;
		sqlite3_bind_int64(st, i + 1, seq);
		wam_bind_json_text(st, i + 2, e, "id");
		if ((rc =
		         wam_projection_step_one(ctx->conn, st, seq, "event %lld amends entry %s, which does not exist",
		                                 (long long)seq, json_string_value(json_object_get(e, "id")))))
			return rc;
	}
	json_array_foreach(removed, n, e)
	{
		if (!(st = wam_room_stmt(ctx, S_REMOVE,
		                         "UPDATE sanctions_entries SET removed_on=?, last_seq=? WHERE id=?")))
			return WAM_EDB;
		wam_bind_json_text(st, 1, pl, "generated");
		sqlite3_bind_int64(st, 2, seq);
		sqlite3_bind_text(st, 3, json_string_value(e), -1, SQLITE_STATIC);
		if ((rc = wam_projection_step_one(ctx->conn, st, seq,
		                                  "event %lld removes entry %s, which does not exist", (long long)seq,
		                                  json_string_value(e))))
			return rc;
	}
	return 0;
}

static int subject_seen(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *subject)
{
	if (!json_is_object(subject))
		return 0;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_SUBJECT,
	                  "INSERT OR IGNORE INTO sanctions_alert_subjects(alert_id,kind,subject_id,label,seq)"
	                  " VALUES(?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, subject, "kind");
	wam_bind_json_text(st, 3, subject, "id");
	wam_bind_json_text(st, 4, subject, "label");
	sqlite3_bind_int64(st, 5, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int alert_raised(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_ALERT,
	                  "INSERT INTO sanctions_alerts(id,entry_id,party_key,party,score,explanation,state,"
	                  "raised_seq,last_seq) VALUES(?,?,?,?,?,?,'open',?,?)");
	int rc;
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "entry_id");
	wam_bind_json_text(st, 3, pl, "party_key");
	if ((rc = wam_bind_canon(st, 4, json_object_get(pl, "party"))))
		return rc;
	sqlite3_bind_double(st, 5, json_number_value(json_object_get(pl, "score")));
	if ((rc = wam_bind_canon(st, 6, json_object_get(pl, "explanation"))))
		return rc;
	sqlite3_bind_int64(st, 7, seq);
	sqlite3_bind_int64(st, 8, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	return subject_seen(ctx, seq, id, json_object_get(pl, "subject"));
}

static int alert_decided(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *state)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_DECIDE,
	                                 "UPDATE sanctions_alerts SET state=?, reason=?, decided_seq=?, last_seq=?"
	                                 " WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "reason");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld concerns alert %s, which does not exist",
	                               (long long)seq, id);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *pl,
                 const char *time)
{
	(void)time;
	if (!strcmp(type, "sanctions.imported"))
		return imported(ctx, seq, subject, pl);
	if (!strcmp(type, "sanctions.alert_raised"))
		return alert_raised(ctx, seq, subject, pl);
	if (!strcmp(type, "sanctions.alert_cleared"))
		return alert_decided(ctx, seq, subject, pl, "cleared");
	if (!strcmp(type, "sanctions.alert_confirmed"))
		return alert_decided(ctx, seq, subject, pl, "confirmed");
	if (!strcmp(type, "sanctions.alert_seen"))
		return subject_seen(ctx, seq, subject, json_object_get(pl, "subject"));
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

static const struct wam_room_table tables[] = {
    {"sanctions_imports", "id", "d.seq"},
    {"sanctions_entries", "id", "d.last_seq"},
    {"sanctions_alerts", "id", "d.last_seq"},
    {"sanctions_alert_subjects", "alert_id", "d.seq"},
    {NULL, NULL, NULL},
};

/* The handle's screening index (screen.c) is forgotten when what it was
 * built from may have changed without a new import's seq telling it. */
static void forget(wam_db *db)
{
	void **state = wam_room_state(db, &wam_room_sanctions);
	if (state && *state) {
		struct sanctions_cache *c = *state;
		screen_index_free(c->idx);
		free(c);
		*state = NULL;
	}
}

const struct wam_room wam_room_sanctions = {
    .name = "sanctions",
    .version = 0, /* its tables come by its schema: an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_sanctions, NULL},
    .close = forget,
    .rollback = forget,
    .rebuilt = forget,
};
