/* The ammunition of field observations, for the matcher's ammunition search
 * (match/ammunition.c): each item of kind ammunition of each observation,
 * its line the item's place in the observation's items. Monitoring is the
 * whole registry's: a principal confined to sites sees no observation, so
 * the walk gives it none. */
#include <string.h>

#include "monitoring/room.h"

int wam_monitoring_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_monitoring_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx)
{
	if (!mon_ready(db) || wam_confined(db))
		return 0;
	sqlite3_stmt *st;
	int rc = 0;
	/* rounds counts the ammunition items (one each at least): none, no line */
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT id, observed_on, country, body FROM observations WHERE rounds > 0 "
	                       "ORDER BY observed_on, id",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the observations' ammunition");
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		json_t *body = json_loads(wam_col_text(st, 3), 0, NULL);
		size_t i;
		const json_t *it;
		json_array_foreach(json_object_get(body, "items"), i, it)
		{
			const char *kind = mon_str(it, "kind");
			if (!kind || strcmp(kind, "ammunition"))
				continue;
			wam_ammunition_seen seen = {.source = "observation",
			                            .id = wam_col_text(st, 0),
			                            .line = (long)i,
			                            .date = wam_col_text(st, 1),
			                            .country = wam_col_text(st, 2),
			                            .site_id = NULL,
			                            .ammunition = it};
			if ((rc = visit(ctx, &seen)))
				break;
		}
		json_decref(body);
	}
	sqlite3_finalize(st);
	return rc;
}
