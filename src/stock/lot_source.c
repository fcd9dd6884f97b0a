/* The ammunition lots of the depots, for the matcher's ammunition search
 * (match/ammunition.c): each lot as one line (line 0) — its calibre, type,
 * headstamp (its manufacturer as the factory code: a lot taken in from a
 * recovered line has the line's factory code there), lot number as the lot
 * mark, rounds and packages — dated the day it was recorded, in the
 * registry's own country, at its site; a lot taken in from a recovery's
 * ammunition line carries its `origin` {recovery_id, line} (table
 * lot_origins), so a search that finds both says they are the same rounds.
 * A principal confined to sites sees the lots at its sites. */
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
	/* a registry made before lots had origins reads as it did */
	bool origins = wam_table_exists(db, "lot_origins");
	if (sqlite3_prepare_v2(db->conn,
	                       origins
	                           ? "SELECT l.id, substr(e.time, 1, 10), l.site_id, l.calibre, l.type, l.headstamp, "
	                             "l.year, l.lot_number, l.rounds, l.packages, l.nomenclature, l.manufacturer, "
	                             "o.recovery_id, o.line FROM lots l LEFT JOIN events e ON e.seq = l.created_seq "
	                             "LEFT JOIN lot_origins o ON o.lot_id = l.id ORDER BY l.id"
	                           : "SELECT l.id, substr(e.time, 1, 10), l.site_id, l.calibre, l.type, l.headstamp, "
	                             "l.year, l.lot_number, l.rounds, l.packages, l.nomenclature, l.manufacturer, "
	                             "NULL, NULL FROM lots l LEFT JOIN events e ON e.seq = l.created_seq ORDER BY l.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the lots' ammunition");
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *site = wam_col_text(st, 2);
		if (!wam_confine_sees(db, site))
			continue;
		json_t *a = json_object();
		set_text(a, "calibre", st, 3);
		set_text(a, "type", st, 4);
		json_t *h = json_object();
		set_text(h, "text", st, 5);
		set_text(h, "factory", st, 11);
		if (json_object_size(h))
			set_int(h, "year", st, 6);
		if (json_object_size(h))
			json_object_set_new(a, "headstamp", h);
		else
			json_decref(h);
		if (sqlite3_column_type(st, 12) != SQLITE_NULL)
			json_object_set_new(a, "origin",
			                    json_pack("{s:s, s:I}", "recovery_id", wam_col_text(st, 12), "line",
			                              (json_int_t)sqlite3_column_int64(st, 13)));
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
