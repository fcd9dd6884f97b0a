/* The ammunition lines of a recovery: rounds seized, found or surrendered
 * outside a depot, as read off their headstamps, packets and crates. Each
 * line keeps its rounds until they leave it, taken into a stock lot
 * (recovery.ammunition_stocked) or listed in a destruction batch
 * (recovery.ammunition_destroyed); what remains, quantity - stocked -
 * destroyed, never goes below zero: both are checked here, in the command,
 * and again by the projector, so a ledger that says otherwise does not
 * replay. */
#include <stdlib.h>
#include <string.h>

#include "collection/project.h"
#include "store/field.h"
#include "wam/collection.h"
#include "wam/stock.h"

#define LINE_SQL                                                                                                       \
	"SELECT line, calibre, type, headstamp_text, headstamp_factory, headstamp_year, lot, packaging_marks,"         \
	" crate_marks, quantity, packages, notes, photos, stocked, destroyed,"                                         \
	" max(quantity - stocked - destroyed, 0) AS remaining, lots FROM recovery_ammunition"

/* Splits space-separated `text` into an array of strings. */
static json_t *words(const char *text)
{
	json_t *a = json_array();
	const char *p = text ? text : "";
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
	}
	return a;
}

/* A row of LINE_SQL as an ammunition line is shown: the line's own fields
 * as recorded (headstamp an object, photos and lots lists), with what has
 * left it and what remains. */
static void line_shown(json_t *row)
{
	json_t *hs = json_object();
	static const char *const hk[][2] = {
	    {"headstamp_text", "text"}, {"headstamp_factory", "factory"}, {"headstamp_year", "year"}};
	for (int k = 0; k < 3; k++) {
		json_t *v = json_object_get(row, hk[k][0]);
		if (v && !json_is_null(v))
			json_object_set(hs, hk[k][1], v);
		json_object_del(row, hk[k][0]);
	}
	if (json_object_size(hs))
		json_object_set(row, "headstamp", hs);
	json_decref(hs);
	/* a field not recorded is left out, as the line was given */
	static const char *const optional[] = {"type",  "lot", "packaging_marks", "crate_marks", "packages",
	                                       "notes", NULL};
	for (int k = 0; optional[k]; k++)
		if (json_is_null(json_object_get(row, optional[k])))
			json_object_del(row, optional[k]);
	json_object_set_new(row, "photos", words(json_string_value(json_object_get(row, "photos"))));
	json_object_set_new(row, "lots", words(json_string_value(json_object_get(row, "lots"))));
}

int wam_collection_ammunition_lines(wam_db *db, json_t **out, const char *recovery_id, bool exists)
{
	*out = NULL;
	if (!exists) { /* a registry made before recoveries held ammunition */
		*out = json_array();
		return 0;
	}
	int rc = wam_query_rows(db, out, LINE_SQL " WHERE recovery_id=? ORDER BY line", recovery_id, NULL);
	size_t i;
	json_t *row;
	if (!rc)
		json_array_foreach(*out, i, row) line_shown(row);
	return rc;
}

/* Line `line` of recovery `id` as shown, inside the caller's transaction;
 * WAM_ENOTFOUND naming the recovery or the line. */
/* `id_field` is the field that gave the recovery's id: `id` in a path,
 * `recovery_id` in a destruction batch's entry, so a refusal is put at the
 * input that holds it. */
static int line_get(wam_db *db, json_t **out, const char *id, long line, const char *id_field)
{
	json_t *rec = NULL;
	char n[24];
	*out = NULL;
	int rc = wam_query_one(db, &rec, "SELECT id FROM recoveries WHERE id=?", id ? id : "", "recovery");
	json_decref(rec);
	if (rc == WAM_ENOTFOUND)
		return wam_error_set(WAM_ENOTFOUND, id_field, "no %s with id '%.40s'", "recovery", id ? id : "");
	if (rc)
		return rc;
	snprintf(n, sizeof n, "%ld", line);
	if ((rc = wam_query_row(db, out, LINE_SQL " WHERE recovery_id=? AND line=CAST(? AS INTEGER)", id, n)))
		return rc;
	if (!*out)
		return wam_error_set(WAM_ENOTFOUND, "line", "recovery %.40s has no ammunition line %ld", id, line);
	line_shown(*out);
	return 0;
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The rounds a command takes from a line: at least one, at most what
 * remains (WAM_ECONFLICT naming `rounds` and the rounds remaining). */
static int take_rounds(const json_t *line, const char *id, long n, long long rounds, bool stock)
{
	if (rounds <= 0)
		return wam_error_set(WAM_EINVAL, "rounds", "rounds must be a whole number of at least 1, not %lld",
		                     rounds);
	json_int_t left = num(line, "remaining");
	if (rounds > left && stock)
		return wam_error_set(
		    WAM_ECONFLICT, "rounds",
		    "line %ld of recovery %.40s has %lld rounds remaining; %lld cannot be taken into stock", n, id,
		    (long long)left, rounds);
	if (rounds > left)
		return wam_error_set(WAM_ECONFLICT, "rounds",
		                     "line %ld of recovery %.40s has %lld rounds remaining; %lld cannot be listed for "
		                     "destruction",
		                     n, id, (long long)left, rounds);
	return 0;
}

/* Fields of the new lot that come from the line itself, not from the caller. */
static const char *const from_line[] = {"calibre", "type", "headstamp", "manufacturer", "year", NULL};

int wam_collection_ammunition_stock(wam_db *db, json_t **out, const char *recovery_id, long line, const json_t *lot)
{
	if (out)
		*out = NULL;
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "recoveries");
	if (!json_is_object(lot))
		return wam_error_set(WAM_EINVAL, NULL, "the lot to take the rounds into is a JSON object");
	for (int k = 0; from_line[k]; k++)
		if (json_object_get(lot, from_line[k]))
			return wam_error_set(WAM_EINVAL, from_line[k],
			                     "%s comes from the recovery's ammunition line and is not given",
			                     from_line[k]);
	json_t *rounds = json_object_get(lot, "rounds");
	if (!json_is_integer(rounds))
		return wam_error_set(WAM_EINVAL, "rounds", "rounds must be a whole number of at least 1");
	long long want = (long long)json_integer_value(rounds);
	json_t *l = NULL, *in = NULL, *made = NULL, *p = NULL, *after = NULL;
	int rc;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = line_get(db, &l, recovery_id, line, "id")) || (rc = take_rounds(l, recovery_id, line, want, true)))
		goto fail;
	/* the lot is the line's ammunition: its calibre, type and headstamp,
	 * the factory and year the headstamp shows, its lot marks unless the
	 * depot gives another number; small-arms rounds of unknown history are
	 * 1.4S and suspended until inspected unless the caller says otherwise */
	in = json_deep_copy(lot);
	const json_t *hs = json_object_get(l, "headstamp");
	json_object_set(in, "calibre", json_object_get(l, "calibre"));
	if (json_object_get(l, "type"))
		json_object_set(in, "type", json_object_get(l, "type"));
	if (json_object_get(hs, "text"))
		json_object_set(in, "headstamp", json_object_get(hs, "text"));
	if (json_object_get(hs, "factory"))
		json_object_set(in, "manufacturer", json_object_get(hs, "factory"));
	if (json_object_get(hs, "year"))
		json_object_set(in, "year", json_object_get(hs, "year"));
	if (!json_object_get(in, "lot_number") && json_object_get(l, "lot"))
		json_object_set(in, "lot_number", json_object_get(l, "lot"));
	if (!json_object_get(in, "nomenclature")) {
		const char *type = json_string_value(json_object_get(l, "type"));
		json_object_set_new(in, "nomenclature",
		                    json_sprintf("Cartridge %s%s%s", json_string_value(json_object_get(l, "calibre")),
		                                 type ? " " : "", type ? type : ""));
	}
	if (!json_object_get(in, "hazard_division"))
		json_object_set_new(in, "hazard_division", json_string("1.4"));
	if (!json_object_get(in, "compat_group"))
		json_object_set_new(in, "compat_group", json_string("S"));
	if (!json_object_get(in, "condition"))
		json_object_set_new(in, "condition", json_string("SUSPENDED"));
	if ((rc = wam_stock_lot_add_origin(db, &made, in, recovery_id, line)))
		goto fail;
	char lot_id[WAM_ID_LEN + 1];
	snprintf(lot_id, sizeof lot_id, "%s", json_string_value(json_object_get(made, "id")));
	p = json_pack("{s:I, s:I, s:s}", "line", (json_int_t)line, "rounds", (json_int_t)want, "lot_id", lot_id);
	if ((rc = wam_ledger_append(db, "recovery.ammunition_stocked", recovery_id, p, NULL)) ||
	    (rc = line_get(db, &after, recovery_id, line, "id")))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out) {
		json_decref(made);
		made = NULL;
		if (!(rc = wam_stock_lot_get(db, &made, lot_id)))
			*out = json_pack("{s:O, s:O}", "lot", made, "ammunition", after);
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(l);
	json_decref(in);
	json_decref(made);
	json_decref(p);
	json_decref(after);
	return rc;
}

int wam_collection_ammunition_commit(wam_db *db, const char *recovery_id, long line, long long rounds,
                                     const char *batch_id)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "recoveries");
	json_t *l = NULL, *p = NULL;
	int rc;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = line_get(db, &l, recovery_id, line, "recovery_id")) ||
	    (rc = take_rounds(l, recovery_id, line, rounds, false)))
		goto fail;
	p = json_pack("{s:I, s:I, s:s}", "line", (json_int_t)line, "rounds", (json_int_t)rounds, "batch_id",
	              batch_id ? batch_id : "");
	if ((rc = wam_ledger_append(db, "recovery.ammunition_destroyed", recovery_id, p, NULL)))
		goto fail;
	rc = wam_db_commit(db);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(l);
	json_decref(p);
	return rc;
}

/* The recoveries' ammunition lines for the ammunition search (rooms.c). */
int wam_collection_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_collection_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx)
{
	if (!wam_table_exists(db, "recovery_ammunition"))
		return 0;
	char country[5];
	int rc = wam_db_country(db, country); /* where recovered rounds were found */
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT a.recovery_id, a.line, r.date, r.site_id, a.calibre, a.type, a.headstamp_text,"
	                       " a.headstamp_factory, a.headstamp_year, a.lot, a.packaging_marks, a.crate_marks,"
	                       " a.quantity, a.packages FROM recovery_ammunition a JOIN recoveries r ON"
	                       " r.id=a.recovery_id ORDER BY r.date, a.recovery_id, a.line",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read recovered ammunition");
	int r = SQLITE_DONE;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *site = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : wam_col_text(st, 3);
		/* a principal confined to sites sees the rounds brought to them */
		if (wam_confined(db) && !wam_confine_sees(db, site))
			continue;
		json_t *a = json_object(), *hs = json_object();
		static const char *const keys[] = {"calibre",         "type",       NULL, NULL, NULL, "lot",
		                                   "packaging_marks", "crate_marks"};
		for (int k = 0; k < 8; k++)
			if (keys[k] && sqlite3_column_type(st, 4 + k) != SQLITE_NULL)
				json_object_set_new(a, keys[k], json_string(wam_col_text(st, 4 + k)));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			json_object_set_new(hs, "text", json_string(wam_col_text(st, 6)));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			json_object_set_new(hs, "factory", json_string(wam_col_text(st, 7)));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			json_object_set_new(hs, "year", json_integer(sqlite3_column_int64(st, 8)));
		if (json_object_size(hs))
			json_object_set(a, "headstamp", hs);
		json_object_set_new(a, "quantity", json_integer(sqlite3_column_int64(st, 12)));
		if (sqlite3_column_type(st, 13) != SQLITE_NULL)
			json_object_set_new(a, "packages", json_integer(sqlite3_column_int64(st, 13)));
		wam_ammunition_seen seen = {
		    .source = "recovery",
		    .id = wam_col_text(st, 0),
		    .line = (long)sqlite3_column_int64(st, 1),
		    .date = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : wam_col_text(st, 2),
		    .country = country[0] ? country : NULL,
		    .site_id = site,
		    .ammunition = a,
		};
		rc = visit(ctx, &seen);
		json_decref(hs);
		json_decref(a);
	}
	if (!rc && r != SQLITE_DONE)
		rc = wam_sql_fail(db->conn, "read recovered ammunition");
	sqlite3_finalize(st);
	return rc;
}
