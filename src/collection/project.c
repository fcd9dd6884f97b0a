/* The collection room's projector: recovery.* and task.* events into the
 * recoveries, recovery_items, recovery_ammunition, recovery_handovers,
 * recovery_photos, recovery_details and collection_tasks tables. A task.marked event also adds a marking to a
 * registry weapon and derives its marking status again with the registry's
 * own rules (R1–R4), so a rebuild gives the same weapon. */
#include <stdlib.h>
#include <string.h>

#include "collection/project.h"
#include "ledger/room.h"
#include "wam/registry.h"

enum {
	S_RECOVERY,
	S_RECOVERY_ITEM,
	S_HANDOVER,
	S_PHOTO,
	S_TOUCH,
	S_TASK,
	S_TASK_CLOSE,
	S_ITEM_ROW,
	S_ITEM_MARKINGS,
	S_ITEM_IMPORTS,
	S_MARKING,
	S_ITEM_MARKED,
	S_AMMUNITION,
	S_AMMUNITION_OUT,
	S_DETAILS,
};

static int touch(wam_room_ctx *ctx, int64_t seq, const char *id);

/* Space-separated words of the strings of array `a` (photo hashes). */
static char *joined(const json_t *a)
{
	wam_buf b = {0};
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
	{
		if (i)
			wam_buf_puts(&b, " ");
		wam_buf_puts(&b, json_string_value(v));
	}
	return b.p;
}

/* Ammunition line `n` of a recovery, as recorded: nothing has left it yet. */
static int ammunition_line(wam_room_ctx *ctx, int64_t seq, const char *id, long n, const json_t *a)
{
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_AMMUNITION,
	    "INSERT INTO recovery_ammunition(recovery_id,line,calibre,type,headstamp_text,headstamp_factory,"
	    "headstamp_year,lot,packaging_marks,crate_marks,quantity,packages,notes,photos) "
	    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	const json_t *hs = json_object_get(a, "headstamp");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	wam_bind_json_text(st, 3, a, "calibre");
	wam_bind_json_text(st, 4, a, "type");
	wam_bind_json_text(st, 5, hs, "text");
	wam_bind_json_text(st, 6, hs, "factory");
	static const char *const year[] = {"#year", NULL};
	wam_bind_json_fields(st, 7, hs, year);
	static const char *const rest[] = {"lot",       "packaging_marks", "crate_marks", "#quantity",
	                                   "#packages", "notes",           NULL};
	wam_bind_json_fields(st, 8, a, rest);
	char *photos = json_array_size(json_object_get(a, "photos")) ? joined(json_object_get(a, "photos")) : NULL;
	sqlite3_bind_text(st, 14, photos, -1, SQLITE_TRANSIENT);
	free(photos);
	return wam_projection_step(ctx->conn, st, seq);
}

/* Rounds leaving an ammunition line, into a stock lot (`lot_id`, added to
 * its lots) or a destruction batch: never more than remain, so a ledger
 * saying otherwise does not replay. */
static int ammunition_out(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, bool stocked)
{
	int rc = touch(ctx, seq, id);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_AMMUNITION_OUT,
	    "UPDATE recovery_ammunition SET stocked=stocked+CASE WHEN ?1 THEN ?2 ELSE 0 END,"
	    " destroyed=destroyed+CASE WHEN ?1 THEN 0 ELSE ?2 END,"
	    " lots=CASE WHEN ?3 IS NULL THEN lots WHEN lots IS NULL OR lots='' THEN ?3 ELSE lots||' '||?3 END"
	    " WHERE recovery_id=?4 AND line=?5 AND quantity-stocked-destroyed >= ?2 AND ?2 > 0");
	if (!st)
		return WAM_EDB;
	json_int_t rounds = json_integer_value(json_object_get(pl, "rounds"));
	json_int_t line = json_integer_value(json_object_get(pl, "line"));
	sqlite3_bind_int(st, 1, stocked);
	sqlite3_bind_int64(st, 2, rounds);
	if (stocked)
		wam_bind_json_text(st, 3, pl, "lot_id");
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, line);
	return wam_projection_step_one(
	    ctx->conn, st, seq,
	    "event %lld takes %lld rounds from line %lld of recovery %s, which has no such line"
	    " or fewer rounds remaining",
	    (long long)seq, (long long)rounds, (long long)line, id);
}

/* What an event says of a recovery's person and case, into recovery_details
 * (migration 14): only an event that says something writes the row (a
 * recovery never described has none, so a registry migrated and one
 * replayed agree); a field it does not give keeps what was there. */
static int details(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	if (!json_object_get(pl, "person_sex") && !json_object_get(pl, "person_age_band") &&
	    !json_object_get(pl, "legal_justification"))
		return 0;
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_DETAILS,
	    "INSERT INTO recovery_details(recovery_id,legal_justification,sex,age_band,last_seq)"
	    " VALUES(?1,?2,coalesce(?3,'not_recorded'),coalesce(?4,'not_recorded'),?5)"
	    " ON CONFLICT(recovery_id) DO UPDATE SET legal_justification=coalesce(?2,legal_justification),"
	    " sex=coalesce(?3,sex), age_band=coalesce(?4,age_band), last_seq=?5");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "legal_justification");
	wam_bind_json_text(st, 3, pl, "person_sex");
	wam_bind_json_text(st, 4, pl, "person_age_band");
	sqlite3_bind_int64(st, 5, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int described(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id);
	return rc ? rc : details(ctx, seq, id, pl);
}

static int recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_RECOVERY,
	                  "INSERT INTO recoveries(id,type,date,place,lat,lon,admin_area,context,officer,"
	                  "person_ref,site_id,notes,recorded_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"type",    "date",    "place",      "#lat",    "#lon",  "admin_area",
	                                     "context", "officer", "person_ref", "site_id", "notes", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, 13, seq);
	sqlite3_bind_int64(st, 14, seq);
	int rc = wam_projection_step(ctx->conn, st, seq);
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(pl, "items"), i, v)
	{
		if (rc)
			break;
		if (!(st = wam_room_stmt(ctx, S_RECOVERY_ITEM,
		                         "INSERT INTO recovery_items(recovery_id,n,item_id) VALUES(?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 3, json_string_value(v), -1, SQLITE_STATIC);
		rc = wam_projection_step(ctx->conn, st, seq);
	}
	json_array_foreach(json_object_get(pl, "ammunition"), i, v)
	{
		if (rc)
			break;
		rc = ammunition_line(ctx, seq, id, (long)i, v);
	}
	return rc ? rc : details(ctx, seq, id, pl);
}

/* A recovery's row records the last event that shaped it or its lists. */
static int touch(wam_room_ctx *ctx, int64_t seq, const char *id)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_TOUCH, "UPDATE recoveries SET last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld concerns recovery %s, which does not exist",
	                               (long long)seq, id);
}

static int handed_over(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_HANDOVER,
	                                 "INSERT INTO recovery_handovers(recovery_id,n,from_party,to_party,time,place,"
	                                 "reason,seq) VALUES(?1,(SELECT count(*)+1 FROM recovery_handovers"
	                                 " WHERE recovery_id=?1),?2,?3,?4,?5,?6,?7)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"from", "to", "time", "place", "reason", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int photo_added(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_PHOTO,
	                                 "INSERT INTO recovery_photos(recovery_id,hash,size,media_type,caption,seq)"
	                                 " VALUES(?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"hash", "#size", "media_type", "caption", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int task_opened(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_TASK,
	                                 "INSERT INTO collection_tasks(id,kind,item_id,recovery_id,due,reason,"
	                                 "opened_seq,last_seq) VALUES(?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"kind", "item_id", "recovery_id", "due", "reason", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, 7, seq);
	sqlite3_bind_int64(st, 8, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

/* The weapon as the marking rules read it: serial, make, country, every
 * marking and import mark, from its tables. */
static int item_for_rules(wam_room_ctx *ctx, json_t **out, const char *item)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ITEM_ROW, "SELECT serial, make, country FROM items WHERE id=?");
	*out = NULL;
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return wam_error_set(WAM_EINTEGRITY, NULL, "a marking is added to weapon %s, which does not exist",
		                     item);
	}
	json_t *o = json_object(), *marks = json_array(), *imports = json_array();
	const char *keys[] = {"serial", "make", "country"};
	for (int k = 0; k < 3; k++)
		if (sqlite3_column_type(st, k) != SQLITE_NULL)
			json_object_set_new(o, keys[k], json_string(wam_col_text(st, k)));
	sqlite3_reset(st);
	if (!(st = wam_room_stmt(ctx, S_ITEM_MARKINGS,
	                         "SELECT component, kind, text, script, legibility, altered FROM markings"
	                         " WHERE item_id=? ORDER BY n")))
		goto fail;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(marks, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "component",
		                                       wam_col_text(st, 0), "kind", wam_col_text(st, 1), "text",
		                                       wam_col_text(st, 2), "script", wam_col_text(st, 3), "legibility",
		                                       wam_col_text(st, 4), "altered", sqlite3_column_int(st, 5)));
	sqlite3_reset(st);
	if (!(st = wam_room_stmt(ctx, S_ITEM_IMPORTS, "SELECT country FROM import_marks WHERE item_id=? ORDER BY n")))
		goto fail;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(imports, json_pack("{s:s}", "country", wam_col_text(st, 0)));
	sqlite3_reset(st);
	/* like a registration, a legible frame serial marking gives the serial
	 * of a weapon recorded without one */
	size_t i;
	json_t *m;
	if (!json_object_get(o, "serial"))
		json_array_foreach(marks, i, m)
		{
			if (!strcmp(json_string_value(json_object_get(m, "kind")), "serial") &&
			    !strcmp(json_string_value(json_object_get(m, "component")), "frame_receiver") &&
			    strcmp(json_string_value(json_object_get(m, "legibility")), "obliterated") != 0) {
				json_object_set(o, "serial", json_object_get(m, "text"));
				break;
			}
		}
	json_object_set_new(o, "markings", marks);
	json_object_set_new(o, "import_marks", imports);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(marks);
	json_decref(imports);
	return WAM_EDB;
}

static int task_marked(wam_room_ctx *ctx, int64_t seq, const char *item, const json_t *pl)
{
	const json_t *m = json_object_get(pl, "marking");
	const char *text = json_string_value(json_object_get(m, "text"));
	int rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_MARKING,
	                                 "INSERT INTO markings(item_id,n,component,kind,text,script,legibility,altered,"
	                                 "location) VALUES(?1,(SELECT coalesce(max(n),0)+1 FROM markings"
	                                 " WHERE item_id=?1),?2,?3,?4,?5,'clear',0,?6)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, m, "component");
	wam_bind_json_text(st, 3, m, "kind");
	wam_bind_json_text(st, 4, m, "text");
	sqlite3_bind_text(st, 5, wam_registry_script_detect(text ? text : ""), -1, SQLITE_STATIC);
	wam_bind_json_text(st, 6, m, "location");
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;

	/* the marking status follows from all the markings, by the registry's
	 * rules and the registry's own country (R2) */
	char reason[256];
	json_t *full;
	if ((rc = item_for_rules(ctx, &full, item)))
		return rc;
	const char *status = wam_registry_marking_status(full, wam_projector_country(ctx->p), reason, sizeof reason);
	if (!(st = wam_room_stmt(ctx, S_ITEM_MARKED,
	                         "UPDATE items SET marking_status=?, marking_reason=?, last_seq=? WHERE id=?"))) {
		json_decref(full);
		return WAM_EDB;
	}
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, item, -1, SQLITE_STATIC);
	rc = wam_projection_step(ctx->conn, st, seq);
	json_decref(full);
	if (rc)
		return rc;

	if (!(st = wam_room_stmt(ctx, S_TASK_CLOSE,
	                         "UPDATE collection_tasks SET marking=?, closed_seq=?, last_seq=? WHERE id=?")))
		return WAM_EDB;
	sqlite3_bind_text(st, 1, text ? text : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int64(st, 3, seq);
	wam_bind_json_text(st, 4, pl, "task_id");
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld closes a task that does not exist",
	                               (long long)seq);
}

int wam_collection_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                         const char *time)
{
	(void)time;
	if (!strcmp(type, "recovery.recorded"))
		return recorded(ctx, seq, subject, payload);
	if (!strcmp(type, "recovery.handed_over"))
		return handed_over(ctx, seq, subject, payload);
	if (!strcmp(type, "recovery.described"))
		return described(ctx, seq, subject, payload);
	if (!strcmp(type, "recovery.photo_added"))
		return photo_added(ctx, seq, subject, payload);
	if (!strcmp(type, "recovery.ammunition_stocked"))
		return ammunition_out(ctx, seq, subject, payload, true);
	if (!strcmp(type, "recovery.ammunition_destroyed"))
		return ammunition_out(ctx, seq, subject, payload, false);
	if (!strcmp(type, "task.opened"))
		return task_opened(ctx, seq, subject, payload);
	if (!strcmp(type, "task.marked"))
		return task_marked(ctx, seq, subject, payload);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

/* a recovery's weapons are dated by their recovery */
static const struct wam_room_table tables[] = {
    {"recoveries", "id", "d.last_seq"},
    {"recovery_items", "recovery_id", "(SELECT last_seq FROM main.recoveries r WHERE r.id=d.recovery_id)"},
    {"recovery_ammunition", "recovery_id || ' ' || line",
     "(SELECT last_seq FROM main.recoveries r WHERE r.id=d.recovery_id)"},
    {"recovery_details", "recovery_id", "d.last_seq"},
    {"recovery_handovers", "recovery_id", "d.seq"},
    {"recovery_photos", "recovery_id", "d.seq"},
    {"collection_tasks", "id", "d.last_seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_collection = {
    .name = "collection",
    .version = 1,
    .apply = wam_collection_apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_recovery_ammunition, wam_sql_recovery_details, NULL},
};
