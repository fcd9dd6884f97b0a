/* The ammunition of field observations, for the matcher's ammunition search
 * (match/ammunition.c): each item of kind ammunition of each observation,
 * its line the item's place in the observation's items. Monitoring is the
 * whole registry's: a principal confined to sites sees no observation, so
 * the walk gives it none. */
#include "monitoring/room.h"

int wam_monitoring_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_monitoring_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx)
{
	if (!mon_ready(db) || wam_confined(db))
		return 0;
	sqlite3_stmt *st;
	int rc = 0;
	/* rounds counts the ammunition items (one each at least): none, no
	 * line; the items are read out of the body, the rest of it is not */
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT o.id, o.observed_on, o.country, j.key, j.value"
	                       " FROM observations o, json_each(o.body, '$.items') j"
	                       " WHERE o.rounds > 0 AND json_extract(j.value, '$.kind') = 'ammunition'"
	                       " ORDER BY o.observed_on, o.id, j.key",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the observations' ammunition");
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		json_t *it =
		    json_loadb((const char *)sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4), 0, NULL);
		wam_ammunition_seen seen = {.source = "observation",
		                            .id = wam_col_text(st, 0),
		                            .line = (long)sqlite3_column_int64(st, 3),
		                            .date = wam_col_text(st, 1),
		                            .country = wam_col_text(st, 2),
		                            .site_id = NULL,
		                            .ammunition = it};
		if (it)
			rc = visit(ctx, &seen);
		json_decref(it);
	}
	sqlite3_finalize(st);
	return rc;
}
