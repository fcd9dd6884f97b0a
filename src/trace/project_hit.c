/* The trace room's projector for loss reports, hits and established
 * origins: loss.reported, hit.found, hit.decided and origin.established
 * events into the loss_reports (with loss_ammunition, the ammunition lines
 * a report holds), hits and item_origins tables. Everything a
 * row holds comes from its events (wam verify replays them and compares),
 * so nothing here reads the clock or another room's state: a hit's owner
 * site is the one its hit.found event recorded. */
#include <stdlib.h>
#include <string.h>

#include "trace/project.h"

enum {
	S_LOSS,
	S_LOSS_AMMUNITION,
	S_LOSS_CLOSED,
	S_HIT,
	S_DECIDE,
	S_ORIGIN,
};

static int loss_reported(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_LOSS,
	                  "INSERT INTO loss_reports(id,item_id,kind,date,place,circumstances,reported_by,"
	                  "agency,police_ref,seq) VALUES(?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"item_id",     "kind",   "date",       "place", "circumstances",
	                                     "reported_by", "agency", "police_ref", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	/* a loss of ammunition only names no weapon: '' in the column older
	 * than such losses, which is NOT NULL */
	if (!json_string_value(json_object_get(pl, "item_id")))
		sqlite3_bind_text(st, 2, "", 0, SQLITE_STATIC);
	int rc = wam_projection_step(ctx->conn, st, seq);
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(pl, "ammunition"), i, a)
	{
		if (rc)
			break;
		const json_t *hs = json_object_get(a, "headstamp");
		sqlite3_stmt *la =
		    wam_room_stmt(ctx, S_LOSS_AMMUNITION,
		                  "INSERT INTO loss_ammunition(report_id,line,calibre,type,headstamp_text,"
		                  "headstamp_factory,headstamp_year,lot,packaging_marks,crate_marks,"
		                  "quantity,packages,notes) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
		if (!la)
			return WAM_EDB;
		static const char *const head[] = {"calibre", "type", NULL};
		static const char *const marks[] = {"lot",       "packaging_marks", "crate_marks", "#quantity",
		                                    "#packages", "notes",           NULL};
		static const char *const stamp[] = {"text", "factory", "#year", NULL};
		sqlite3_bind_text(la, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(la, 2, (sqlite3_int64)i);
		wam_bind_json_fields(la, 3, a, head);
		wam_bind_json_fields(la, 5, hs, stamp);
		wam_bind_json_fields(la, 8, a, marks);
		rc = wam_projection_step(ctx->conn, la, seq);
	}
	return rc;
}

/* Binds the canonical JSON of `v` (or NULL when absent or null); the text
 * is freed by SQLite. */
static int bind_canon(sqlite3_stmt *st, int i, const json_t *v)
{
	if (!v || json_is_null(v))
		return sqlite3_bind_null(st, i);
	char *c = wam_canon(v);
	if (!c)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, i, c, -1, free);
	return 0;
}

static int hit_found(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	const json_t *edits = json_object_get(pl, "edits");
	if (!json_is_array(edits))
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld records a hit without its edits",
		                     (long long)seq);
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_HIT,
	                  "INSERT INTO hits(id,recovery_id,item_id,match_id,score,reason,distance,edits,"
	                  "owner_site_id,state,found_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,?,'open',?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"recovery_id", "item_id",   "match_id", "#score",
	                                     "reason",      "#distance", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	int rc = bind_canon(st, 8, edits);
	if (rc)
		return rc;
	wam_bind_json_text(st, 9, pl, "owner_site_id");
	sqlite3_bind_int64(st, 10, seq);
	sqlite3_bind_int64(st, 11, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int hit_decided(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	const char *decision = json_string_value(json_object_get(pl, "decision"));
	const char *state = decision && !strcmp(decision, "confirm")  ? "confirmed"
	                    : decision && !strcmp(decision, "reject") ? "rejected"
	                                                              : NULL;
	if (!state)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld decides a hit with no decision", (long long)seq);
	const json_t *point = json_object_get(pl, "point_of_diversion");
	sqlite3_stmt *st = wam_room_stmt(ctx, S_DECIDE,
	                                 "UPDATE hits SET state=?, decision_reason=?, point_category=?, point=?,"
	                                 " decided_seq=?, last_seq=? WHERE id=? AND state='open'");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "reason");
	wam_bind_json_text(st, 3, point, "category");
	int rc = bind_canon(st, 4, point);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 5, seq);
	sqlite3_bind_int64(st, 6, seq);
	sqlite3_bind_text(st, 7, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld decides hit %s, which is not an open hit",
	                               (long long)seq, id);
}

static int origin_established(wam_room_ctx *ctx, int64_t seq, const char *item, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_ORIGIN,
	                  "INSERT INTO item_origins(item_id,method,category,country,date,description,seq)"
	                  " VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"method", "category", "country", "date", "description", NULL};
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return wam_projection_step(ctx->conn, st, seq);
}

/* A loss of ammunition only, closed by a person (loss_closures,
 * migration 17). */
static int loss_closed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LOSS_CLOSED,
	                                 "INSERT INTO loss_closures(report_id,reason,recovery_id,seq) VALUES(?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"reason", "recovery_id", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return wam_projection_step(ctx->conn, st, seq);
}

int wam_trace_hit_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                        const char *time)
{
	(void)time;
	if (!strcmp(type, "loss.reported"))
		return loss_reported(ctx, seq, subject, payload);
	if (!strcmp(type, "loss.closed"))
		return loss_closed(ctx, seq, subject, payload);
	if (!strcmp(type, "hit.found"))
		return hit_found(ctx, seq, subject, payload);
	if (!strcmp(type, "hit.decided"))
		return hit_decided(ctx, seq, subject, payload);
	if (!strcmp(type, "origin.established"))
		return origin_established(ctx, seq, subject, payload);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
