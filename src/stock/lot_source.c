/* The ammunition lots of the depots, for the matcher's ammunition search
 * (match/ammunition.c): each lot as one line (line 0) — its calibre, type,
 * headstamp, lot number as the lot mark, rounds and packages — dated the
 * day it was recorded, in the registry's own country, at its site. A
 * principal confined to sites sees the lots at its sites. */
#include <string.h>

#include "internal.h"

static void set_text(json_t *o, const char *key, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	if (s && *s)
		json_object_set_new(o, key, json_string((const char *)s));
}

static void set_int(json_t *o, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		json_object_set_new(o, key, json_integer(sqlite3_column_int64(st, col)));
}

int wam_stock_lot_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_stock_lot_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx)
{
	sqlite3_stmt *st;
	int rc = 0;
	char country[8] = "";
	/* the registry's own country, as its genesis event records it */
	if (sqlite3_prepare_v2(db->conn, "SELECT json_extract(payload, '$.country') FROM events WHERE seq = 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the registry's country");
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(country, sizeof country, "%s", wam_col_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT l.id, substr(e.time, 1, 10), l.site_id, l.calibre, l.type, l.headstamp, l.year, "
	                       "l.lot_number, l.rounds, l.packages, l.nomenclature "
	                       "FROM lots l LEFT JOIN events e ON e.seq = l.created_seq ORDER BY l.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the lots' ammunition");
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *site = wam_col_text(st, 2);
		if (!wam_confine_sees(db, site))
			continue;
		json_t *a = json_object();
		set_text(a, "calibre", st, 3);
		set_text(a, "type", st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL && *wam_col_text(st, 5)) {
			json_t *h = json_pack("{s:s}", "text", wam_col_text(st, 5));
			set_int(h, "year", st, 6);
			json_object_set_new(a, "headstamp", h);
		}
		set_text(a, "lot", st, 7);
		set_int(a, "quantity", st, 8);
		set_int(a, "packages", st, 9);
		set_text(a, "nomenclature", st, 10);
		wam_ammunition_seen seen = {.source = "lot",
		                            .id = wam_col_text(st, 0),
		                            .line = 0,
		                            .date = *wam_col_text(st, 1) ? wam_col_text(st, 1) : NULL,
		                            .country = *country ? country : NULL,
		                            .site_id = site,
		                            .ammunition = a};
		rc = visit(ctx, &seen);
		json_decref(a);
	}
	sqlite3_finalize(st);
	return rc;
}
