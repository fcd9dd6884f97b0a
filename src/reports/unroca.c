/* The return to the UN Register of Conventional Arms (UNROCA) for a
 * calendar year (docs/formats/unroca.md): the exports and imports forms of
 * categories I–VII(b) and of the small arms and light weapons ("+1"), one
 * row per shipment line (the actual transfers), and the background
 * information the registry holds: military holdings at the year's end and
 * procurement through national production. */
#include <stdlib.h>
#include <string.h>

#include "reports/transfer_rows.h"
#include "store/field.h"
#include "wam/ledger.h"

/* The statuses in which a weapon is in its holder's hands: not lost,
 * stolen, recovered and not yet taken into stock, deactivated, destroyed
 * or exported. */
#define HELD_STATUSES "('in_service','in_store','issued')"

/* A weapon's status and holder at the end of the year (?1: the last event
 * of the year): those of the projection when no later event touched it,
 * else the last status change up to then (or the status it was registered
 * in) and the holder it was registered with (a holder changes only when
 * the weapon leaves the registry's custody, which is a status change). */
#define AT_YEAR_END                                                                                                    \
	"SELECT i.id, i.category,"                                                                                     \
	" CASE WHEN i.last_seq<=CAST(?1 AS INTEGER) THEN i.status ELSE coalesce("                                      \
	"(SELECT json_extract(e.payload,'$.to') FROM events e WHERE e.subject=i.id AND e.type='item.status_changed'"   \
	" AND e.seq<=CAST(?1 AS INTEGER) ORDER BY e.seq DESC LIMIT 1),"                                                \
	" (SELECT json_extract(e.payload,'$.status') FROM events e WHERE e.seq=i.registered_seq), 'in_store') END"     \
	" AS status,"                                                                                                  \
	" CASE WHEN i.last_seq<=CAST(?1 AS INTEGER) THEN i.holder_id ELSE coalesce(i.holder_id,"                       \
	" (SELECT json_extract(e.payload,'$.holder_id') FROM events e WHERE e.seq=i.registered_seq)) END AS holder_id" \
	" FROM items i WHERE i.registered_seq<=CAST(?1 AS INTEGER)"

/* The records an event after the year's end touched. */
#define CHANGED_SINCE "(SELECT e.subject FROM events e WHERE e.seq>CAST(?1 AS INTEGER))"

/* Military holdings: weapons whose holder is the state's armed forces, in
 * their hands at the year's end. Those no later event touched are as they
 * are now, read from the items_holder index (migration 18) without
 * reading every weapon; those a later event touched, as AT_YEAR_END puts
 * them back. */
#define HOLDINGS_SQL                                                                                                   \
	"SELECT i.id, i.category FROM items i WHERE i.holder_id IN"                                                    \
	" (SELECT h.id FROM holders h WHERE h.type='state_armed_force') AND i.status IN " HELD_STATUSES               \
	" AND i.id NOT IN " CHANGED_SINCE " UNION ALL SELECT w.id, w.category FROM (" AT_YEAR_END                     \
	" AND i.id IN " CHANGED_SINCE ") w JOIN holders h ON h.id=w.holder_id"                                         \
	" WHERE h.type='state_armed_force' AND w.status IN " HELD_STATUSES

/* Procurement through national production: weapons made in the reporting
 * state (?3), registered in the year (after event ?2, up to event ?1) to
 * the armed forces, in their hands. */
#define PRODUCTION_SQL                                                                                                 \
	"SELECT i.id, i.category FROM items i JOIN events e ON e.seq=i.registered_seq"                                 \
	" JOIN holders h ON h.id=json_extract(e.payload,'$.holder_id')"                                                \
	" WHERE i.registered_seq>CAST(?2 AS INTEGER) AND i.registered_seq<=CAST(?1 AS INTEGER) AND i.country=?3"       \
	" AND h.type='state_armed_force' AND coalesce(json_extract(e.payload,'$.status'),'in_store') "                 \
	"IN " HELD_STATUSES

/* Rows of `sql_head` + the weapons of a background table (holdings or
 * production) for `year` + `sql_tail` (the weapons as rows {id,
 * category}; ?4 and ?5 bound to `c4`, `c5`). */
static int background_query(wam_db *db, json_t **out, const char *table, int year, const char *sql_head,
                            const char *sql_tail, const char *c4, const char *c5)
{
	int64_t before = 0, last = 0;
	char country[5] = "";
	int rc = report_year_events(db, year, &before, &last);
	if (!rc)
		rc = wam_db_country(db, country);
	if (rc)
		return rc;
	wam_buf sql = {0};
	wam_buf_puts(&sql, sql_head);
	wam_buf_puts(&sql, strcmp(table, "holdings") ? PRODUCTION_SQL : HOLDINGS_SQL);
	wam_buf_puts(&sql, sql_tail);
	if (!sql.p) {
		wam_buf_free(&sql);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		wam_buf_free(&sql);
		return wam_sql_fail(db->conn, "read the weapons of a report");
	}
	wam_buf_free(&sql);
	char b[24], l[24];
	snprintf(b, sizeof b, "%lld", (long long)before);
	snprintf(l, sizeof l, "%lld", (long long)last);
	int n = sqlite3_bind_parameter_count(st);
	const char *args[] = {l, b, country, c4, c5};
	for (int i = 0; i < n && i < 5; i++)
		sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
	return wam_rows_json(st, out, "the weapons of a report");
}

/* Counts of a background table by Register category: {code: n}. */
static int background_counts(wam_db *db, json_t **out, const char *table, int year)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc = background_query(db, &rows, table, year, "SELECT category, count(*) AS n FROM (", ") GROUP BY 1", NULL,
	                          NULL);
	if (rc)
		return rc;
	json_t *counts = json_object();
	json_array_foreach(rows, i, r)
	{
		const char *reg = transfer_register_category(json_string_value(json_object_get(r, "category")));
		if (!reg)
			continue;
		json_object_set_new(counts, reg,
		                    json_integer(json_integer_value(json_object_get(counts, reg)) +
		                                 json_integer_value(json_object_get(r, "n"))));
	}
	json_decref(rows);
	*out = counts;
	return 0;
}

static const char *const all_categories[] = {"I",   "II",  "III", "IV",  "V",   "VI",  "VII(a)", "VII(b)",
                                             "SA1", "SA2", "SA3", "SA4", "SA5", "SA6", "LW1",    "LW2",
                                             "LW3", "LW4", "LW5", "LW6", "LW7", NULL};

static bool known_category(const char *code)
{
	for (int i = 0; all_categories[i]; i++)
		if (!strcmp(all_categories[i], code))
			return true;
	return false;
}

static int background_table(wam_db *db, json_t *report, const char *id, int year)
{
	bool holdings = !strcmp(id, "holdings");
	json_t *counts = NULL;
	int rc = background_counts(db, &counts, id, year);
	if (rc)
		return rc;
	json_t *t = report_table(
	    report, id,
	    holdings ? wam_message_json("Background information: military holdings at the end of %d", year)
	             : wam_message_json("Background information: procurement through national production in %d", year));
	if (!t || !report_column(t, "category", wam_message_json("Category"), false) ||
	    !report_column(t, "items", wam_message_json("Number of items"), true)) {
		json_decref(counts);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	for (int i = 0; all_categories[i] && !rc; i++) {
		const char *c = all_categories[i];
		json_int_t n = json_integer_value(json_object_get(counts, c));
		if (!n)
			continue;
		json_t *row = report_row(t, c, transfer_category_label(c));
		if (!row) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
		rc = report_cell(row, "category", json_string(c));
		if (!rc)
			rc = report_cell(row, "items", json_integer(n));
	}
	json_decref(counts);
	if (!rc)
		rc = report_totals(t);
	return rc;
}

/* The columns of a transfer form; `exports` says which state column A
 * names. */
static json_t *transfer_table(json_t *report, const char *id, bool exports, bool salw)
{
	json_t *caption = exports ? (salw ? wam_message_json("Exports of small arms and light weapons")
	                                  : wam_message_json("Exports of conventional arms, categories I to VII"))
	                          : (salw ? wam_message_json("Imports of small arms and light weapons")
	                                  : wam_message_json("Imports of conventional arms, categories I to VII"));
	json_t *t = report_table(report, id, caption);
	if (!t || !report_column(t, "category", wam_message_json("Category"), false) ||
	    !report_column(t, "partner",
	                   exports ? wam_message_json("A. Final importer State(s)")
	                           : wam_message_json("A. Exporter State(s)"),
	                   false) ||
	    !report_column(t, "items", wam_message_json("B. Number of items"), true) ||
	    !report_column(t, "origin", wam_message_json("C. State of origin (if not exporter)"), false) ||
	    !report_column(t, "intermediate", wam_message_json("D. Intermediate location (if any)"), false) ||
	    !report_column(t, "description", wam_message_json("Description of item"), false) ||
	    !report_column(t, "comments", wam_message_json("Comments on the transfer"), false))
		return NULL;
	return t;
}

static int fill_transfers(json_t *register_form, json_t *salw, const json_t *rows, const char *country)
{
	const json_t *rec;
	size_t i;
	int rc = 0;
	json_array_foreach(rows, i, rec)
	{
		char key[128];
		const char *reg = json_string_value(json_object_get(rec, "register_category"));
		transfer_key(rec, key, sizeof key);
		json_t *row = report_row(transfer_is_salw(reg) ? salw : register_form, key, NULL);
		if (!row)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		if ((rc = report_group(row, reg, transfer_category_label(reg))) ||
		    (rc = report_cell(row, "category", json_string(reg))) || (rc = transfer_cells(row, rec, country)))
			return rc;
	}
	if (!(rc = report_totals(register_form)))
		rc = report_totals(salw);
	return rc;
}

static int check(const wam_report_options *o)
{
	if (o->basis)
		return wam_error_set(WAM_EINVAL, "basis",
		                     "the UN Register return takes no basis: it reports the transfers made (actual)");
	if (o->nwithhold)
		return wam_error_set(WAM_EINVAL, "withhold", "the UN Register return withholds no row");
	return 0;
}

static int make(wam_db *db, json_t *report, const wam_report_options *o)
{
	int rc = check(o);
	char country[5] = "";
	if (rc || (rc = wam_db_country(db, country)))
		return rc;
	json_object_set_new(
	    report, "title",
	    wam_message_json("Report to the United Nations Register of Conventional Arms, calendar year %d", o->year));
	transfer_left_out left = {0};
	bool nil = true, nil_exports = false, nil_imports = false;
	for (int d = 0; d < 2; d++) {
		const char *dir = d ? "imports" : "exports";
		if (o->direction && strcmp(o->direction, dir))
			continue;
		json_t *rows = NULL;
		if ((rc = transfer_rows(db, &rows, o->year, d ? "import" : "export", "actual", &left)))
			return rc;
		char salw_id[16];
		snprintf(salw_id, sizeof salw_id, "%s_salw", dir);
		json_t *register_form = transfer_table(report, dir, !d, false),
		       *salw = transfer_table(report, salw_id, !d, true);
		rc = register_form && salw ? fill_transfers(register_form, salw, rows, country)
		                  : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		bool empty = json_array_size(rows) == 0;
		json_decref(rows);
		if (rc)
			return rc;
		nil = nil && empty;
		if (d)
			nil_imports = empty;
		else
			nil_exports = empty;
	}
	json_t *notes = json_object_get(report, "notes");
	transfer_nil(report, o, nil, nil_exports, nil_imports);
	if (left.ammunition)
		json_array_append_new(
		    notes,
		    wam_message_json(
		        "Ammunition is not reported to the Register; transfer lines of ammunition left out: %lld",
		        left.ammunition));
	if (left.parts)
		json_array_append_new(
		    notes,
		    wam_message_json(
		        "Parts and components are not reported to the Register; transfer lines of them left out: %lld",
		        left.parts));
	json_array_append_new(notes,
	                      wam_message_json("Transfers are reported as made: the shipments dated in %d", o->year));
	if ((rc = background_table(db, report, "holdings", o->year)))
		return rc;
	return background_table(db, report, "production", o->year);
}

/* The weapons of background row `category`: each {kind weapon, id,
 * category}, at most TRANSFER_RECORDS_MAX. */
static int background_records(wam_db *db, json_t **out, const char *table, int year, const char *category)
{
	json_t *counts = NULL, *list = NULL, *r;
	size_t i;
	/* the registry's categories the row counts: SA6 holds the shotguns */
	const char *also = strcmp(category, "SA6") ? category : "SHOTGUN";
	int rc = background_counts(db, &counts, table, year);
	if (rc)
		return rc;
	json_int_t total = json_integer_value(json_object_get(counts, category));
	json_decref(counts);
	if (!total)
		return wam_error_set(WAM_EINVAL, "row", "the report has no row %s/%.80s", table, category);
	char tail[64];
	snprintf(tail, sizeof tail, ") WHERE category IN (?4, ?5) ORDER BY id LIMIT %d", TRANSFER_RECORDS_MAX);
	if ((rc = background_query(db, &list, table, year, "SELECT id, category FROM (", tail, category, also)))
		return rc;
	json_array_foreach(list, i, r) json_object_set_new(r, "kind", json_string("weapon"));
	if (total > TRANSFER_RECORDS_MAX)
		transfer_truncated(list, TRANSFER_RECORDS_MAX, (long long)total);
	*out = list;
	return 0;
}

static const char *const transfer_columns[] = {"category",     "partner",     "items",    "origin",
                                               "intermediate", "description", "comments", NULL};

static int records(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
                   const char *column)
{
	int rc = check(o);
	if (rc)
		return rc;
	bool background = !strcmp(table, "holdings") || !strcmp(table, "production");
	if (column && (background ? strcmp(column, "category") && strcmp(column, "items")
	                          : !wam_in_vocab(transfer_columns, column)))
		return wam_error_set(WAM_EINVAL, "row", "table %s of the report has no column %.40s", table, column);
	if (background)
		return known_category(key)
		           ? background_records(db, out, table, o->year, key)
		           : wam_error_set(WAM_EINVAL, "row", "the report has no row %s/%.80s", table, key);
	static const char *const tables[] = {"exports", "exports_salw", "imports", "imports_salw", NULL};
	bool imports = !strncmp(table, "imports", 7);
	if (!wam_in_vocab(tables, table) || (o->direction && strcmp(o->direction, imports ? "imports" : "exports")))
		return wam_error_set(WAM_EINVAL, "row", "the report has no table %.40s", table);
	json_t *rows = NULL;
	transfer_left_out left = {0};
	if ((rc = transfer_rows(db, &rows, o->year, imports ? "import" : "export", "actual", &left)))
		return rc;
	const json_t *rec = transfer_find(rows, key);
	bool salw_table = strstr(table, "_salw") != NULL;
	if (!rec || transfer_is_salw(json_string_value(json_object_get(rec, "register_category"))) != salw_table)
		rc = wam_error_set(WAM_EINVAL, "row", "the report has no row %s/%.80s", table, key);
	else if (!(*out = transfer_records(rec, column)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(rows);
	return rc;
}

const report_kind report_unroca = {.name = "unroca", .make = make, .records = records};
