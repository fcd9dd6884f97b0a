/* SQL rows as JSON: the generic readers every room's lists and lookups are
 * made of. A column becomes a key of the same name, its SQLite type the
 * JSON type (NULL null, INTEGER integer, FLOAT real, anything else text). */
#include "internal.h"

static json_t *col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	default:
		return json_stringn((const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
	}
}

/* A row as an object, one key per column name. */
json_t *wam_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++)
		json_object_set_new(o, sqlite3_column_name(st, i), col_json(st, i));
	return o;
}

int wam_rows_json(sqlite3_stmt *st, json_t **out, const char *what)
{
	unsigned long failures = wam_error_alloc_failures();
	json_t *arr = json_array();
	int r;
	*out = NULL;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, wam_row_json(st));
	sqlite3 *conn = sqlite3_db_handle(st);
	int rc = r == SQLITE_DONE ? 0 : wam_sql_fail(conn, what);
	if (!rc && wam_error_alloc_failures() != failures) /* a row or a column may be missing */
		rc = wam_error_set(WAM_ENOMEM, NULL, "%s: out of memory", what);
	sqlite3_finalize(st);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

int wam_query_rows(wam_db *db, json_t **out, const char *sql, const char *a, const char *b)
{
	static const char what[] = "read records";
	sqlite3_stmt *st;
	*out = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, what);
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	return wam_rows_json(st, out, what);
}

int wam_links_part(wam_db *db, json_t *links, const char *part, const char *kind, const char *sql, const char *item_id)
{
	json_t *rows, *r, *list = json_object_get(links, part);
	const char *key;
	json_t *v, *tmp;
	size_t i;
	int rc = wam_query_rows(db, &rows, sql, item_id, NULL);
	if (rc)
		return rc;
	if (!list) {
		list = json_array();
		json_object_set_new(links, part, list);
	}
	json_array_foreach(rows, i, r)
	{
		json_t *site = json_object_get(r, "site_id");
		if (site && !wam_confine_sees(db, json_string_value(site)))
			continue;
		json_t *label = json_object(),
		       *link = json_pack("{s:s, s:O, s:O, s:o}", "kind", kind, "id", json_object_get(r, "id"), "date",
		                         json_object_get(r, "date"), "label", label);
		if (!link) {
			json_decref(rows);
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		}
		json_object_foreach_safe(r, tmp, key, v) if (strcmp(key, "id") && strcmp(key, "date") &&
		                                             !json_is_null(v)) json_object_set(label, key, v);
		json_array_append_new(list, link);
	}
	json_decref(rows);
	return 0;
}

int wam_query_row(wam_db *db, json_t **row, const char *sql, const char *a, const char *b)
{
	json_t *rows;
	int rc = wam_query_rows(db, &rows, sql, a, b);
	*row = NULL;
	if (rc)
		return rc;
	*row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

int wam_query_one(wam_db *db, json_t **out, const char *sql, const char *id, const char *what)
{
	int rc = wam_query_row(db, out, sql, id, NULL);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no %s with id '%.40s'", what, id ? id : "");
	return rc;
}

int wam_bind_canon(sqlite3_stmt *st, int i, const json_t *v)
{
	if (!v || json_is_null(v))
		return sqlite3_bind_null(st, i);
	char *text = wam_canon(v);
	if (!text)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, i, text, -1, free);
	return 0;
}

bool wam_table_exists(wam_db *db, const char *name)
{
	json_t *row = NULL;
	bool yes = !wam_query_row(db, &row, "SELECT count(*) AS n FROM sqlite_master WHERE type='table' AND name=?",
	                          name, NULL) &&
	           json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	return yes;
}

void wam_json_column(json_t *row, const char *key)
{
	const char *text = json_string_value(json_object_get(row, key));
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (text)
		json_object_set_new(row, key, v ? v : json_null());
}

int wam_db_country(wam_db *db, char out[5])
{
	json_t *row = NULL;
	int rc = wam_query_row(db, &row, "SELECT coalesce(country,'') AS country FROM registry", NULL, NULL);
	snprintf(out, 5, "%s", row ? json_string_value(json_object_get(row, "country")) : "");
	json_decref(row);
	return rc;
}
