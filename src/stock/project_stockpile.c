/* Projection of the stock room's lot, move and custody events (prefixes
 * "lot.", "location." and "custody."): the tables lots, custody and
 * custody_rules, and a weapon's site in items. The live registry,
 * `wam rebuild` and `wam verify` all run this code, so it decides nothing:
 * every check was made before the event was appended. */
#include <string.h>

#include "internal.h"
#include "stock/stockpile.h"

enum {
	S_LOT_ADD,
	S_LOT_QTY,
	S_LOT_SPLIT,
	S_LOT_CONDITION,
	S_MOVE,
	S_CUSTODY_ADD,
	S_CUSTODY_CONFIRM,
	S_CUSTODY_RETURN,
	S_CUSTODY_RULE,
	S_LOT_ORIGIN,
};

/* Runs `st`; when `one` is set, exactly one row must have changed (the
 * record the event names exists). */
static int run(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq, const char *subject, bool one)
{
	if (!st)
		return WAM_EDB;
	if (one)
		return wam_projection_step_one(ctx->conn, st, seq, "event %lld names %s, which does not exist",
		                               (long long)seq, subject);
	return wam_projection_step(ctx->conn, st, seq);
}

static int lot_recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(
		ctx, S_LOT_ADD,
		"INSERT INTO lots(id,parent_id,nomenclature,calibre,type,manufacturer,headstamp,country,lot_number,"
		"batch_number,year,rounds,packages,hazard_division,compat_group,neq_g,condition,expiry,surveillance,"
		"site_id,notes,created_seq,last_seq) VALUES(?,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"nomenclature", "calibre", "type",       "manufacturer",
	                                     "headstamp",    "country", "lot_number", "batch_number",
	                                     "#year",        "#rounds", "#packages",  "hazard_division",
	                                     "compat_group", "#neq_g",  "condition",  "expiry",
	                                     "surveillance", "site_id", "notes",      NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, 21, seq);
	sqlite3_bind_int64(st, 22, seq);
	int rc = run(ctx, st, seq, id, false);
	/* rounds taken in from a recovery's ammunition line keep their origin */
	const json_t *origin = json_object_get(pl, "origin");
	if (rc || !origin)
		return rc;
	st = wam_room_stmt(ctx, S_LOT_ORIGIN, "INSERT INTO lot_origins(lot_id,recovery_id,line) VALUES(?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, origin, "recovery_id");
	sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(origin, "line")));
	return run(ctx, st, seq, id, false);
}

/* Receipts add, issues take away; packages only change when counted. */
static int lot_quantity(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, int sign)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LOT_QTY,
	                                 "UPDATE lots SET rounds = rounds + ?1 * ?2,"
	                                 " packages = CASE WHEN ?3 IS NULL THEN packages"
	                                 " ELSE coalesce(packages, 0) + ?1 * ?3 END, last_seq = ?4 WHERE id = ?5");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int(st, 1, sign);
	wam_bind_json_number(st, 2, pl, "rounds");
	wam_bind_json_number(st, 3, pl, "packages");
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return run(ctx, st, seq, id, true);
}

/* The new lot is a copy of its parent's identity at another site. */
static int lot_split(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(
		ctx, S_LOT_SPLIT,
		"INSERT INTO lots(id,parent_id,nomenclature,calibre,type,manufacturer,headstamp,country,lot_number,"
		"batch_number,year,rounds,packages,hazard_division,compat_group,neq_g,condition,expiry,surveillance,"
		"site_id,notes,created_seq,last_seq) SELECT ?1,id,nomenclature,calibre,type,manufacturer,headstamp,"
		"country,lot_number,batch_number,year,?2,?3,hazard_division,compat_group,neq_g,condition,expiry,"
		"surveillance,?4,NULL,?5,?5 FROM lots WHERE id=?6");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "lot_id");
	wam_bind_json_number(st, 2, pl, "rounds");
	wam_bind_json_number(st, 3, pl, "packages");
	wam_bind_json_text(st, 4, pl, "site_id");
	sqlite3_bind_int64(st, 5, seq);
	sqlite3_bind_text(st, 6, id, -1, SQLITE_STATIC);
	if ((rc = run(ctx, st, seq, id, true)))
		return rc;
	return lot_quantity(ctx, seq, id, pl, -1);
}

static int lot_condition(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LOT_CONDITION, "UPDATE lots SET condition=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "to");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return run(ctx, st, seq, id, true);
}

/* The items table belongs to the registry; a move changes only its site
 * (the item_tally triggers follow). */
static int item_moved(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_MOVE, "UPDATE items SET site_id=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "to");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return run(ctx, st, seq, id, true);
}

static int custody_issued(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(
		ctx, S_CUSTODY_ADD,
		"INSERT INTO custody(id,item_id,site_id,holder_id,person,unit,expected_return,purpose,document,"
		"two_person,state,issued_seq,issued_at,last_seq) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"item_id",         "site_id", "holder_id", "person", "unit",
	                                     "expected_return", "purpose", "document",  NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	bool two = json_is_true(json_object_get(pl, "two_person"));
	sqlite3_bind_int(st, 10, two);
	sqlite3_bind_text(st, 11, two ? "pending" : "open", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, seq);
	sqlite3_bind_text(st, 13, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, seq);
	return run(ctx, st, seq, id, false);
}

static int custody_step(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time,
                        bool confirm)
{
	sqlite3_stmt *st =
		confirm ? wam_room_stmt(ctx, S_CUSTODY_CONFIRM,
		                        "UPDATE custody SET state='open', confirmed_seq=?1, confirmed_at=?2, last_seq=?1 "
		                        "WHERE id=?3 AND state='pending'")
			: wam_room_stmt(ctx, S_CUSTODY_RETURN,
		                        "UPDATE custody SET state='returned', returned_seq=?1, returned_at=?2, "
		                        "return_note=?4, last_seq=?1 WHERE id=?3 AND state<>'returned'");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if (!confirm)
		wam_bind_json_text(st, 4, pl, "note");
	return run(ctx, st, seq, id, true);
}

static int custody_rule(wam_room_ctx *ctx, int64_t seq, const char *site, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CUSTODY_RULE,
	                                 "INSERT INTO custody_rules(site_id,two_person,last_seq) VALUES(?1,?2,?3) "
	                                 "ON CONFLICT(site_id) DO UPDATE SET two_person=?2, last_seq=?3");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, json_is_true(json_object_get(pl, "two_person")));
	sqlite3_bind_int64(st, 3, seq);
	return run(ctx, st, seq, site, false);
}

int wam_stockpile_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                      const json_t *payload, const char *time)
{
	if (!strcmp(type, "lot.recorded"))
		return lot_recorded(ctx, seq, subject, payload);
	if (!strcmp(type, "lot.received"))
		return lot_quantity(ctx, seq, subject, payload, 1);
	if (!strcmp(type, "lot.issued"))
		return lot_quantity(ctx, seq, subject, payload, -1);
	if (!strcmp(type, "lot.split"))
		return lot_split(ctx, seq, subject, payload);
	if (!strcmp(type, "lot.condition_changed"))
		return lot_condition(ctx, seq, subject, payload);
	if (!strcmp(type, "location.moved"))
		return item_moved(ctx, seq, subject, payload);
	if (!strcmp(type, "custody.issued"))
		return custody_issued(ctx, seq, subject, payload, time);
	if (!strcmp(type, "custody.confirmed"))
		return custody_step(ctx, seq, subject, payload, time, true);
	if (!strcmp(type, "custody.returned"))
		return custody_step(ctx, seq, subject, payload, time, false);
	if (!strcmp(type, "custody.rule_set"))
		return custody_rule(ctx, seq, subject, payload);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
