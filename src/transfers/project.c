/* The transfers room's projector: broker.*, licence.*, euc.*,
 * shipment.* and diversion.* events into its tables (sql/projections.sql).
 * What shipments took of each licence line and certificate goods line is
 * counted here, from the lines each shipment event names, so a rebuild
 * gives the same remaining quantities. Objects kept whole are stored as
 * canonical JSON. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ledger/room.h"
#include "wam/match.h"

enum {
	S_BROKER,
	S_BROKER_STATE,
	S_LICENCE,
	S_PARTY,
	S_LINE,
	S_ASSESSED,
	S_ISSUED,
	S_LICENCE_STATE,
	S_EUC,
	S_GOODS,
	S_VERIFIED,
	S_EUC_STATE,
	S_CHECK,
	S_CHECK_ITEM,
	S_EUC_TOUCH,
	S_SHIPMENT,
	S_SHIP_ITEM,
	S_SHIP_LOT,
	S_LINE_SHIPPED,
	S_GOODS_SHIPPED,
	S_LICENCE_TOUCH,
	S_DELIVERED,
	S_EUC_CLOSED,
	S_ALERT,
	S_ALERT_TRACED,
	S_ALERT_CLOSED,
};

/* Binds at `i` the key of string `key` of `o` as names are compared
 * (wam_match_name_key): a number typed in another case or width, or with
 * other separators, is the same number. */
static int bind_key(sqlite3_stmt *st, int i, const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		return sqlite3_bind_null(st, i);
	size_t cap = 4 * strlen(s) + 1;
	char *k = malloc(cap);
	if (!k)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	long n = wam_match_name_key(k, cap, s);
	sqlite3_bind_text(st, i, k, n < 0 ? 0 : (int)n, free);
	return 0;
}

static int step_one(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq, const char *what, const char *id)
{
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld concerns %s %s, which does not exist",
	                               (long long)seq, what, id);
}

/* ---- brokers ---- */

static int broker_registered(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"name",          "country", "registration", "address",
	                                     "registered_on", "expires", "notes",        NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_BROKER,
	                                 "INSERT INTO brokers(id,name,country,registration,address,registered_on,"
	                                 "expires,notes,activities,screening,state,recorded_seq,last_seq)"
	                                 " VALUES(?,?,?,?,?,?,?,?,?,?,'registered',?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields), rc;
	if ((rc = wam_bind_canon(st, i, json_object_get(pl, "activities"))) ||
	    (rc = wam_bind_canon(st, i + 1, json_object_get(pl, "screening"))))
		return rc;
	sqlite3_bind_int64(st, i + 2, seq);
	sqlite3_bind_int64(st, i + 3, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

/* A change of state {to, reason} of a broker or a licence. */
static int state_changed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, int slot, const char *sql,
                         const char *what)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, slot, sql);
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "to");
	wam_bind_json_text(st, 2, pl, "reason");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, what, id);
}

/* ---- licences ---- */

static int licence_drafted(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"kind",       "number",      "authority", "officer",
	                                     "valid_from", "valid_until", "notes",     NULL};
	static const char *const party_fields[] = {"role", "name", "country", "address", "registration", "broker_id",
	                                           NULL};
	static const char *const line_fields[] = {"goods",    "category", "make",     "model",  "calibre",     "ammunition_type",
	                                          "quantity", "#value",   "currency", "origin", "description", NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LICENCE,
	                                 "INSERT INTO licences(id,kind,number,authority,officer,valid_from,valid_until,"
	                                 "notes,conditions,number_key,state,drafted_seq,last_seq)"
	                                 " VALUES(?,?,?,?,?,?,?,?,?,?,'draft',?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields), rc;
	if ((rc = wam_bind_canon(st, i, json_object_get(pl, "conditions"))) || (rc = bind_key(st, i + 1, pl, "number")))
		return rc;
	sqlite3_bind_int64(st, i + 2, seq);
	sqlite3_bind_int64(st, i + 3, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	size_t n;
	const json_t *v;
	json_array_foreach(json_object_get(pl, "parties"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_PARTY,
		                         "INSERT INTO licence_parties(licence_id,n,role,name,country,address,registration,"
		                         "broker_id,documents,screening) VALUES(?,?,?,?,?,?,?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		i = wam_bind_json_fields(st, 3, v, party_fields);
		if ((rc = wam_bind_canon(st, i, json_object_get(v, "documents"))) ||
		    (rc = wam_bind_canon(st, i + 1, json_object_get(v, "screening"))) ||
		    (rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "lines"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_LINE,
		                         "INSERT INTO licence_lines(licence_id,n,goods,category,make,model,calibre,"
		                         "ammunition_type,quantity,value,currency,origin,description,shipped)"
		                         " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,0)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		wam_bind_json_fields(st, 3, v, line_fields);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)json_integer_value(json_object_get(v, "quantity")));
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

static int licence_assessed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ASSESSED,
	                                 "UPDATE licences SET state=CASE ?1 WHEN 'approve' THEN 'assessed' ELSE 'denied'"
	                                 " END, state_reason=CASE ?1 WHEN 'approve' THEN NULL ELSE ?2 END,"
	                                 " assessment=?3, assessed_seq=?4, last_seq=?4 WHERE id=?5");
	if (!st)
		return WAM_EDB;
	int rc;
	wam_bind_json_text(st, 1, pl, "decision");
	wam_bind_json_text(st, 2, pl, "reasons");
	if ((rc = wam_bind_canon(st, 3, pl)))
		return rc;
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "licence", id);
}

static int licence_issued(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ISSUED,
	                                 "UPDATE licences SET state='issued', state_reason=NULL, issued_on=?1,"
	                                 " issued_seq=?2, last_seq=?2 WHERE id=?3");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "licence", id);
}

/* ---- certificates ---- */

static int euc_recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"licence_id", "number", "destination", "issued", "expires", NULL};
	static const char *const goods_fields[] = {"category", "description", "model", "calibre", "quantity",
	                                           "#value",   "currency",    NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_EUC,
	                                 "INSERT INTO eucs(id,licence_id,number,destination,issued,expires,body,number_key,"
	                                 "state,recorded_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,'received',?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields), rc;
	if ((rc = wam_bind_canon(st, i, pl)) || (rc = bind_key(st, i + 1, pl, "number")))
		return rc;
	sqlite3_bind_int64(st, i + 2, seq);
	sqlite3_bind_int64(st, i + 3, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	size_t n;
	const json_t *v;
	json_array_foreach(json_object_get(pl, "goods"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_GOODS,
		                         "INSERT INTO euc_goods(euc_id,n,category,description,model,calibre,quantity,value,"
		                         "currency,shipped) VALUES(?,?,?,?,?,?,?,?,?,0)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		wam_bind_json_fields(st, 3, v, goods_fields);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)json_integer_value(json_object_get(v, "quantity")));
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

static int euc_touch(wam_room_ctx *ctx, int64_t seq, const char *id)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_EUC_TOUCH, "UPDATE eucs SET last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "end-user certificate", id);
}

static int euc_verified(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"channel", "counterpart", "date", "result", "notes", NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_VERIFIED,
	                                 "INSERT INTO euc_verifications(euc_id,n,channel,counterpart,date,result,notes,seq)"
	                                 " VALUES(?1,(SELECT count(*)+1 FROM euc_verifications WHERE euc_id=?1),"
	                                 "?2,?3,?4,?5,?6,?7)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	int rc = wam_projection_step(ctx->conn, st, seq);
	if (rc)
		return rc;
	/* the latest check decides */
	if (!(st = wam_room_stmt(ctx, S_EUC_STATE,
	                         "UPDATE eucs SET state=CASE ?1 WHEN 'authentic' THEN 'verified' WHEN 'not_authentic'"
	                         " THEN 'rejected' ELSE 'received' END, last_seq=?2 WHERE id=?3")))
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "result");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "end-user certificate", id);
}

static int euc_checked(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"date", "place", "notes", NULL};
	static const char *const item_fields[] = {"item_id", "result", "location", "notes", NULL};
	int rc = euc_touch(ctx, seq, id);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CHECK,
	                                 "INSERT INTO euc_checks(id,euc_id,date,place,notes,inspectors,seq)"
	                                 " VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "check_id");
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 3, pl, fields);
	if ((rc = wam_bind_canon(st, i, json_object_get(pl, "inspectors"))))
		return rc;
	sqlite3_bind_int64(st, i + 1, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	size_t n;
	const json_t *v;
	json_array_foreach(json_object_get(pl, "items"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_CHECK_ITEM,
		                         "INSERT INTO euc_check_items(check_id,n,item_id,result,location,notes)"
		                         " VALUES(?,?,?,?,?,?)")))
			return WAM_EDB;
		wam_bind_json_text(st, 1, pl, "check_id");
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		wam_bind_json_fields(st, 3, v, item_fields);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

/* ---- shipments ---- */

/* Counts `n` more shipped against line `line` of licence `licence` and
 * goods line `goods_line` of certificate `euc` (NULL: an import). */
static int count_shipped(wam_room_ctx *ctx, int64_t seq, const char *licence, const json_t *line, const char *euc,
                         const json_t *goods_line, long long n)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LINE_SHIPPED,
	                                 "UPDATE licence_lines SET shipped=shipped+? WHERE licence_id=? AND n=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, licence, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)json_integer_value(line));
	int rc = wam_projection_step_one(ctx->conn, st, seq, "event %lld ships against a line of licence %s that does not exist",
	                                 (long long)seq, licence);
	if (rc || !euc)
		return rc;
	if (!(st = wam_room_stmt(ctx, S_GOODS_SHIPPED, "UPDATE euc_goods SET shipped=shipped+? WHERE euc_id=? AND n=?")))
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, euc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)json_integer_value(goods_line));
	return wam_projection_step_one(ctx->conn, st, seq,
	                               "event %lld ships against a goods line of certificate %s that does not exist",
	                               (long long)seq, euc);
}

static int shipped(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, bool import)
{
	const char *licence = json_string_value(json_object_get(pl, "licence_id"));
	const char *euc = import ? NULL : json_string_value(json_object_get(pl, "euc_id"));
	static const char *const fields[] = {"licence_id", "euc_id", "date", "carrier", "notes", NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_SHIPMENT,
	                                 "INSERT INTO shipments(id,direction,state,licence_id,euc_id,date,carrier,notes,"
	                                 "route,recorded_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, import ? "import" : "export", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, import ? "received" : "shipped", -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 4, pl, fields), rc;
	json_t *none = json_array();
	rc = wam_bind_canon(st, i, json_object_get(pl, "route") ? json_object_get(pl, "route") : none);
	json_decref(none);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, i + 1, seq);
	sqlite3_bind_int64(st, i + 2, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	size_t n;
	const json_t *v;
	json_array_foreach(json_object_get(pl, "items"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_SHIP_ITEM,
		                         "INSERT INTO shipment_items(shipment_id,n,item_id,licence_line,euc_line)"
		                         " VALUES(?,?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		wam_bind_json_text(st, 3, v, "item_id");
		wam_bind_json_number(st, 4, v, "licence_line");
		wam_bind_json_number(st, 5, v, "euc_line");
		if ((rc = wam_projection_step(ctx->conn, st, seq)) ||
		    (rc = count_shipped(ctx, seq, licence, json_object_get(v, "licence_line"), euc,
		                        json_object_get(v, "euc_line"), 1)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "lots"), n, v)
	{
		if (!(st = wam_room_stmt(ctx, S_SHIP_LOT,
		                         "INSERT INTO shipment_lots(shipment_id,n,lot_id,rounds,licence_line,euc_line)"
		                         " VALUES(?,?,?,?,?,?)")))
			return WAM_EDB;
		long long rounds = (long long)json_integer_value(json_object_get(v, "rounds"));
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n + 1);
		wam_bind_json_text(st, 3, v, "lot_id");
		sqlite3_bind_int64(st, 4, rounds);
		wam_bind_json_number(st, 5, v, "licence_line");
		wam_bind_json_number(st, 6, v, "euc_line");
		if ((rc = wam_projection_step(ctx->conn, st, seq)) ||
		    (rc = count_shipped(ctx, seq, licence, json_object_get(v, "licence_line"), euc,
		                        json_object_get(v, "euc_line"), rounds)))
			return rc;
	}
	if (!(st = wam_room_stmt(ctx, S_LICENCE_TOUCH, "UPDATE licences SET last_seq=? WHERE id=?")))
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, licence, -1, SQLITE_STATIC);
	if ((rc = step_one(ctx, st, seq, "licence", licence)))
		return rc;
	return euc ? euc_touch(ctx, seq, euc) : 0;
}

static int delivered(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_DELIVERED,
	                                 "UPDATE shipments SET state='delivered', dvc=?1, delivered_on=?2, last_seq=?3,"
	                                 " dvc_key=?5 WHERE id=?4");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "dvc");
	wam_bind_json_text(st, 2, pl, "date");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	int rc = bind_key(st, 5, pl, "dvc");
	if (rc || (rc = step_one(ctx, st, seq, "shipment", id)))
		return rc;
	/* the first delivery verification certificate closes the end-user
	 * certificate, which keeps it (a later shipment's delivery does not
	 * replace it) */
	if (!(st = wam_room_stmt(ctx, S_EUC_CLOSED,
	                         "UPDATE eucs SET state='closed', dvc=?1, closed_on=?2, last_seq=?3"
	                         " WHERE id=(SELECT euc_id FROM shipments WHERE id=?4) AND state<>'closed'")))
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "dvc");
	wam_bind_json_text(st, 2, pl, "date");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	return wam_projection_step(ctx->conn, st, seq);
}

/* ---- diversion alerts ---- */

static int alert_raised(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"euc_id", "check_id", "item_id", "result", "location", "date", NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ALERT,
	                                 "INSERT INTO diversion_alerts(id,euc_id,check_id,item_id,result,location,date,"
	                                 "state,raised_seq,last_seq) VALUES(?,?,?,?,?,?,?,'open',?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, i, seq);
	sqlite3_bind_int64(st, i + 1, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int alert_changed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, bool traced)
{
	sqlite3_stmt *st =
	    traced ? wam_room_stmt(ctx, S_ALERT_TRACED,
	                           "UPDATE diversion_alerts SET state='traced', trace_request_id=?, last_seq=? WHERE id=?")
	           : wam_room_stmt(ctx, S_ALERT_CLOSED,
	                           "UPDATE diversion_alerts SET state='closed', close_reason=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, traced ? "trace_request_id" : "reason");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "diversion alert", id);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *pl,
                 const char *time)
{
	(void)time;
	if (!strcmp(type, "broker.registered"))
		return broker_registered(ctx, seq, subject, pl);
	if (!strcmp(type, "broker.state_changed"))
		return state_changed(ctx, seq, subject, pl, S_BROKER_STATE,
		                     "UPDATE brokers SET state=?, state_reason=?, last_seq=? WHERE id=?", "broker");
	if (!strcmp(type, "licence.drafted"))
		return licence_drafted(ctx, seq, subject, pl);
	if (!strcmp(type, "licence.assessed"))
		return licence_assessed(ctx, seq, subject, pl);
	if (!strcmp(type, "licence.issued"))
		return licence_issued(ctx, seq, subject, pl);
	if (!strcmp(type, "licence.state_changed"))
		return state_changed(ctx, seq, subject, pl, S_LICENCE_STATE,
		                     "UPDATE licences SET state=?, state_reason=?, last_seq=? WHERE id=?", "licence");
	if (!strcmp(type, "euc.recorded"))
		return euc_recorded(ctx, seq, subject, pl);
	if (!strcmp(type, "euc.verified"))
		return euc_verified(ctx, seq, subject, pl);
	if (!strcmp(type, "euc.checked"))
		return euc_checked(ctx, seq, subject, pl);
	if (!strcmp(type, "shipment.dispatched"))
		return shipped(ctx, seq, subject, pl, false);
	if (!strcmp(type, "shipment.received"))
		return shipped(ctx, seq, subject, pl, true);
	if (!strcmp(type, "shipment.delivered"))
		return delivered(ctx, seq, subject, pl);
	if (!strcmp(type, "diversion.raised"))
		return alert_raised(ctx, seq, subject, pl);
	if (!strcmp(type, "diversion.traced"))
		return alert_changed(ctx, seq, subject, pl, true);
	if (!strcmp(type, "diversion.closed"))
		return alert_changed(ctx, seq, subject, pl, false);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

/* Lists are dated by their record. */
static const struct wam_room_table tables[] = {
    {"brokers", "id", "d.last_seq"},
    {"licences", "id", "d.last_seq"},
    {"licence_parties", "licence_id", "(SELECT drafted_seq FROM main.licences l WHERE l.id=d.licence_id)"},
    {"licence_lines", "licence_id", "(SELECT last_seq FROM main.licences l WHERE l.id=d.licence_id)"},
    {"eucs", "id", "d.last_seq"},
    {"euc_goods", "euc_id", "(SELECT last_seq FROM main.eucs e WHERE e.id=d.euc_id)"},
    {"euc_verifications", "euc_id", "d.seq"},
    {"euc_checks", "id", "d.seq"},
    {"euc_check_items", "check_id", "(SELECT seq FROM main.euc_checks c WHERE c.id=d.check_id)"},
    {"shipments", "id", "d.last_seq"},
    {"shipment_items", "shipment_id", "(SELECT recorded_seq FROM main.shipments s WHERE s.id=d.shipment_id)"},
    {"shipment_lots", "shipment_id", "(SELECT recorded_seq FROM main.shipments s WHERE s.id=d.shipment_id)"},
    {"diversion_alerts", "id", "d.last_seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_transfers = {
    .name = "transfers",
    .version = 0, /* its tables came by migration 0006: an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_transfers, NULL},
};
