/* Exporting a registry: weapons as CSV (docs/formats/items-csv.md), or the
 * whole registry — sites, holders, weapons — as one JSON document
 * (docs/formats/registry-json.md). Both carry every field a person entered,
 * so export then import into a new registry reproduces it; derived fields
 * (marking status, keys) are recomputed on import. Records come in the order
 * they were registered, so a knowingly recorded duplicate follows its
 * original. A CSV value a spreadsheet would run as a formula is written
 * with an apostrophe in front (wam_csv_put_text), which import takes off. */
#include <string.h>

#include "internal.h"
#include "wam/registry.h"
#include "util/alloc.h"

static const char *const csv_columns[] = {
    "id", "category", "make", "model", "calibre", "serial", "country", "year", "import_marks", "status", "site_id",
    "holder_id", "notes", "duplicate_of", "markings",
    /* after the first layout's columns, so that layout stays a prefix */
    "kind", "part_type", "belongs_to", "manufacture", "converted_from", "frame_material", "serial_component", NULL};

/* Appends one element of a list field to `b`. */
typedef void (*put_element)(wam_buf *b, const json_t *v);

/* Writes list `v` as one CSV field: its elements as `put` spells them,
 * `sep` between them; an empty list (or none) as an empty field. */
static void put_joined(FILE *out, const json_t *v, char sep, put_element put, bool last)
{
	wam_buf b = {0};
	size_t i;
	const json_t *e;
	json_array_foreach(v, i, e)
	{
		if (i)
			wam_buf_putc(&b, sep);
		put(&b, e);
	}
	wam_csv_put_text(out, b.p, last);
	wam_buf_free(&b);
}

/* {country: HT, year: 2019} -> "HT:2019" */
static void put_import_mark(wam_buf *b, const json_t *m)
{
	wam_buf_puts(b, json_string_value(json_object_get(m, "country")));
	if (json_is_integer(json_object_get(m, "year")))
		wam_buf_printf(b, ":%lld", (long long)json_integer_value(json_object_get(m, "year")));
}

static void put_string(wam_buf *b, const json_t *s)
{
	wam_buf_puts(b, json_string_value(s));
}

/* Markings as canonical JSON, with default values left out to keep rows
 * short. */
static void put_markings(FILE *out, const json_t *v, bool last)
{
	if (!json_array_size(v)) {
		wam_csv_put_text(out, "", last);
		return;
	}
	json_t *copy = json_deep_copy(v);
	size_t i;
	json_t *m;
	json_array_foreach(copy, i, m)
	{
		if (json_is_false(json_object_get(m, "altered")))
			json_object_del(m, "altered");
		if (json_is_null(json_object_get(m, "location")))
			json_object_del(m, "location");
	}
	char *s = wam_canon(copy);
	wam_csv_put_text(out, s, last);
	free(s);
	json_decref(copy);
}

static void put_item_csv(FILE *out, const json_t *item)
{
	for (int c = 0; csv_columns[c]; c++) {
		const char *name = csv_columns[c];
		const json_t *v = json_object_get(item, name);
		bool last = !csv_columns[c + 1];
		if (!strcmp(name, "import_marks")) {
			put_joined(out, v, ';', put_import_mark, last);
		} else if (!strcmp(name, "duplicate_of")) {
			put_joined(out, v, ' ', put_string, last);
		} else if (!strcmp(name, "markings")) {
			put_markings(out, v, last);
		} else if (json_is_integer(v)) {
			char n[32];
			snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
			wam_csv_put_text(out, n, last);
		} else {
			wam_csv_put_text(out, json_string_value(v), last);
		}
	}
}

/* Calls `each` for every weapon in registration order, the parts that
 * belong to a weapon last (so a file imports in its order: the weapon a
 * part names is registered before it, whenever the part was linked). */
static int each_item(wam_db *db, int (*each)(const json_t *, void *), void *payload)
{
	/* each in the order of registration's index; a registry from before
	 * migration 10 has no item_makeup, and no parts */
	static const char *const passes[] = {
	    "SELECT id FROM items WHERE id NOT IN (SELECT item_id FROM item_makeup WHERE belongs_to IS NOT NULL) "
	    "ORDER BY registered_seq",
	    "SELECT i.id FROM item_makeup m JOIN items i ON i.id = m.item_id WHERE m.belongs_to IS NOT NULL "
	    "ORDER BY i.registered_seq"};
	static const char *const before[] = {"SELECT id FROM items ORDER BY registered_seq"};
	sqlite3_stmt *st = NULL;
	int rc = 0;
	bool makeup = sqlite3_prepare_v2(db->conn, passes[0], -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	const char *const *sql = makeup ? passes : before;
	for (size_t p = 0; !rc && p < (makeup ? 2u : 1u); p++) {
		if (sqlite3_prepare_v2(db->conn, sql[p], -1, &st, NULL) != SQLITE_OK)
			return wam_sql_fail(db->conn, "export");
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			json_t *item;
			if ((rc = wam_registry_item_get(db, &item, wam_col_text(st, 0))))
				break;
			rc = each(item, payload);
			json_decref(item);
			if (!rc && wam_alloc_unsettled()) /* that weapon may have been written without a field */
				rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory: the export stopped");
		}
		sqlite3_finalize(st);
	}
	return rc;
}

static int csv_row(const json_t *item, void *out)
{
	put_item_csv(out, item);
	return ferror((FILE *)out) ? wam_error_set(WAM_EIO, "out", "write failed") : 0;
}

static const char *const item_derived[] = {"marking_status",
                                           "marking_reason",
                                           "marking_reason_id",
                                           "marking_reason_args",
                                           "serial_key",
                                           "registered_seq",
                                           "last_seq",
                                           "parts",
                                           NULL};

static int json_row(const json_t *item, void *payload)
{
	FILE *out = payload;
	json_t *copy = json_deep_copy(item);
	for (int k = 0; item_derived[k]; k++)
		json_object_del(copy, item_derived[k]);
	char *s = wam_canon(copy);
	json_decref(copy);
	fputs(s, out);
	free(s);
	return ferror(out) ? wam_error_set(WAM_EIO, "out", "write failed") : 0;
}

struct json_items {
	FILE *out;
	long n;
};

static int json_item_sep(const json_t *item, void *payload)
{
	struct json_items *j = payload;
	fputs(j->n++ ? ",\n" : "\n", j->out);
	return json_row(item, j->out);
}

static int dump_list(FILE *out, wam_db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "export");
	long n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = wam_row_json(st);
		char *s = wam_canon(o);
		fputs(n++ ? ",\n" : "\n", out);
		fputs(s, out);
		free(s);
		json_decref(o);
	}
	sqlite3_finalize(st);
	return 0;
}

int wam_registry_export(wam_db *db, FILE *out, const char *format)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "an export of the registry");
	int rc;
	/* one read transaction: a consistent snapshot even while others write */
	if ((rc = wam_sql_exec(db->conn, "BEGIN")))
		return rc;
	if (format && !strcmp(format, "csv")) {
		for (int c = 0; csv_columns[c]; c++)
			wam_csv_put(out, csv_columns[c], !csv_columns[c + 1]);
		rc = each_item(db, csv_row, out);
	} else if (format && !strcmp(format, "json")) {
		fputs("{\"format\":\"wam-registry\",\"version\":1,\"sites\":[", out);
		rc = dump_list(
		    out, db, "SELECT id, name, kind, country, lat, lon, parent_id, notes FROM sites ORDER BY last_seq");
		fputs("],\n\"holders\":[", out);
		if (!rc)
			rc = dump_list(
			    out, db, "SELECT id, type, name, country, licence, address FROM holders ORDER BY last_seq");
		fputs("],\n\"items\":[", out);
		struct json_items j = {out, 0};
		if (!rc)
			rc = each_item(db, json_item_sep, &j);
		fputs("]}\n", out);
	} else {
		rc = wam_error_set(WAM_EINVAL, "format", "format '%s' is not csv or json", format ? format : "");
	}
	sqlite3_exec(db->conn, "COMMIT", NULL, NULL, NULL);
	if (!rc && wam_alloc_unsettled())
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory: the export may lack a field");
	if (!rc && (fflush(out) != 0 || ferror(out)))
		rc = wam_error_set(WAM_EIO, "out", "the export could not be written completely");
	return rc;
}
