/* Stock checks projected from their events (check.opened, check.reads,
 * check.closed, check.resolved) into stock_checks, stock_check_expected,
 * stock_check_reads and stock_investigations. The reads' keys are derived
 * here with the registry's serial normalisation, never stored in events, so
 * a rebuild applies an improved rule to every check. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "stock/check.h"

enum {
	S_OPEN,
	S_EXPECT,
	S_READ,
	S_READ_LOT,
	S_READ_COUNT,
	S_CLOSE,
	S_INVESTIGATION,
	S_RESOLVE,
	S_TOUCH,
};

static void bind_opt(sqlite3_stmt *st, int i, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_STATIC);
	else if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else
		sqlite3_bind_null(st, i);
}

/* The JSON text of `v` as a new string (compact, keys sorted). */
static char *text_of(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

static int apply_opened(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(
		ctx, S_OPEN,
		"INSERT INTO stock_checks(id,site_id,sites,type,status,checkers,seed,sample_size,population,expected,reads,"
		"distinct_reads,notes,opened_seq,opened_at,last_seq) VALUES(?1,?2,?3,?4,'open',?5,?6,?7,?8,?9,0,0,?10,?11,"
		"?12,?11)");
	if (!st)
		return WAM_EDB;
	const json_t *expected = json_object_get(pl, "expected"), *lots = json_object_get(pl, "lots");
	char *sites = text_of(json_object_get(pl, "sites")), *checkers = text_of(json_object_get(pl, "checkers"));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bind_opt(st, 2, pl, "site_id");
	sqlite3_bind_text(st, 3, sites ? sites : "[]", -1, SQLITE_TRANSIENT);
	bind_opt(st, 4, pl, "type");
	sqlite3_bind_text(st, 5, checkers ? checkers : "[]", -1, SQLITE_TRANSIENT);
	bind_opt(st, 6, pl, "seed");
	bind_opt(st, 7, pl, "sample_size");
	bind_opt(st, 8, pl, "population");
	sqlite3_bind_int64(st, 9, (int64_t)(json_array_size(expected) + json_array_size(lots)));
	bind_opt(st, 10, pl, "notes");
	sqlite3_bind_int64(st, 11, seq);
	sqlite3_bind_text(st, 12, time, -1, SQLITE_STATIC);
	rc = wam_projection_step(ctx->conn, st, seq);
	free(sites);
	free(checkers);
	if (rc)
		return rc;
	size_t i;
	const json_t *v;
	json_array_foreach(expected, i, v)
	{
		if (!(st = wam_room_stmt(ctx, S_EXPECT,
		                         "INSERT INTO stock_check_expected(check_id,ref,kind,qty) VALUES(?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(v), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "weapon", -1, SQLITE_STATIC);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	json_array_foreach(lots, i, v)
	{
		if (!(st = wam_room_stmt(ctx, S_EXPECT,
		                         "INSERT INTO stock_check_expected(check_id,ref,kind,qty) VALUES(?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		bind_opt(st, 2, v, "id");
		sqlite3_bind_text(st, 3, "lot", -1, SQLITE_STATIC);
		bind_opt(st, 4, v, "rounds");
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

static int apply_reads(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	const char *method = json_string_value(json_object_get(pl, "method"));
	const json_t *reads = json_object_get(pl, "reads"), *v;
	size_t i;
	char key[WAM_CHECK_KEY_MAX];
	json_array_foreach(reads, i, v)
	{
		const char *raw = json_string_value(v);
		long qty = -1;
		if (!raw || wam_check_read_key(key, sizeof key, raw, &qty) < 0)
			return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld holds read %zu that has no key", (long long)seq,
			                     i + 1);
		sqlite3_stmt *st;
		if (qty >= 0)
			st = wam_room_stmt(ctx, S_READ_LOT,
			                   "INSERT INTO stock_check_reads(check_id,key,raw,method,qty,seq) VALUES(?1,?2,?3,?4,?5,?6)"
			                   " ON CONFLICT(check_id,key) DO UPDATE SET raw=?3, method=?4, qty=?5, seq=?6");
		else
			st = wam_room_stmt(ctx, S_READ,
			                   "INSERT OR IGNORE INTO stock_check_reads(check_id,key,raw,method,qty,seq)"
			                   " VALUES(?1,?2,?3,?4,?5,?6)");
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, raw, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, method ? method : "typed", -1, SQLITE_STATIC);
		if (qty >= 0)
			sqlite3_bind_int64(st, 5, qty);
		sqlite3_bind_int64(st, 6, seq);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	sqlite3_stmt *st = wam_room_stmt(
		ctx, S_READ_COUNT,
		"UPDATE stock_checks SET reads=reads+?1, distinct_reads=(SELECT count(*) FROM stock_check_reads WHERE"
		" check_id=?3), last_seq=?2 WHERE id=?3 AND status='open'");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, (int64_t)json_array_size(reads));
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld records reads in check %s, which is not open",
	                               (long long)seq, id);
}

static int apply_closed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	int rc;
	char *counts = text_of(json_object_get(pl, "counts"));
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CLOSE,
	                                 "UPDATE stock_checks SET status='closed', closed_seq=?1, closed_at=?2, counts=?3,"
	                                 " last_seq=?1 WHERE id=?4 AND status='open'");
	if (!st) {
		free(counts);
		return WAM_EDB;
	}
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, counts ? counts : "{}", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	rc = wam_projection_step(ctx->conn, st, seq);
	free(counts);
	if (rc)
		return rc;
	if (sqlite3_changes(ctx->conn) != 1)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld closes check %s, which is not open", (long long)seq,
		                     id);
	size_t i;
	const json_t *d;
	json_array_foreach(json_object_get(pl, "discrepancies"), i, d)
	{
		if (!(st = wam_room_stmt(ctx, S_INVESTIGATION,
		                         "INSERT INTO stock_investigations(id,check_id,n,kind,item_id,serial,lot_id,read,"
		                         "registered_site,expected_qty,counted_qty,status,opened_seq,last_seq)"
		                         " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'open',?12,?12)")))
			return WAM_EDB;
		bind_opt(st, 1, d, "id");
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)i + 1);
		bind_opt(st, 4, d, "kind");
		bind_opt(st, 5, d, "item_id");
		bind_opt(st, 6, d, "serial");
		bind_opt(st, 7, d, "lot_id");
		bind_opt(st, 8, d, "read");
		bind_opt(st, 9, d, "registered_site");
		bind_opt(st, 10, d, "expected_qty");
		bind_opt(st, 11, d, "counted_qty");
		sqlite3_bind_int64(st, 12, seq);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

static int apply_resolved(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_RESOLVE,
	                                 "UPDATE stock_investigations SET status='resolved', outcome=?1, location=?2,"
	                                 " reason=?3, resolved_seq=?4, resolved_at=?5, last_seq=?4"
	                                 " WHERE id=?6 AND status='open'");
	if (!st)
		return WAM_EDB;
	bind_opt(st, 1, pl, "outcome");
	bind_opt(st, 2, pl, "where");
	bind_opt(st, 3, pl, "reason");
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld resolves investigation %s, which is not open",
	                               (long long)seq, id);
}

int wam_check_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                    const char *time)
{
	if (!strcmp(type, "check.opened"))
		return apply_opened(ctx, seq, subject, payload, time);
	if (!strcmp(type, "check.reads"))
		return apply_reads(ctx, seq, subject, payload);
	if (!strcmp(type, "check.closed"))
		return apply_closed(ctx, seq, subject, payload, time);
	if (!strcmp(type, "check.resolved"))
		return apply_resolved(ctx, seq, subject, payload, time);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type %s", (long long)seq, type);
}
