/* The Arms Trade Treaty annual report on exports and imports of
 * conventional arms (Art. 13(3); docs/formats/att.md): one row per
 * transfer of categories I–VIII, on the actual basis (shipments) or the
 * authorised one (the lines of licences issued), with the number of items,
 * the value and its currency; rows the state withholds for commercial
 * sensitivity or national security are left out and the report says so. */
#include <string.h>

#include "reports/transfer_rows.h"
#include "store/field.h"

static const char *basis_of(const wam_report_options *o)
{
	return o->basis ? o->basis : "actual";
}

/* The category as the ATT template gives it: I–VII(b) as they are, the
 * small arms and light weapons as category VIII with their sub-category. */
static json_t *att_category(const char *reg)
{
	if (!transfer_is_salw(reg))
		return json_string(reg);
	char buf[32];
	snprintf(buf, sizeof buf, "VIII (%s)", reg);
	return json_string(buf);
}

static json_t *table_of(json_t *report, bool exports)
{
	json_t *t = report_table(report, exports ? "exports" : "imports",
	                         exports ? wam_message_json("Exports of conventional arms covered under Article 2(1)")
	                                 : wam_message_json("Imports of conventional arms covered under Article 2(1)"));
	json_t *value;
	if (!t || !report_column(t, "category", wam_message_json("Category and sub-category"), false) ||
	    !report_column(t, "partner",
	                   exports ? wam_message_json("Final importing State") : wam_message_json("Exporting State"),
	                   false) ||
	    !report_column(t, "items", wam_message_json("Number of items"), true) ||
	    !(value = report_column(t, "value", wam_message_json("Value"), true)) ||
	    !report_column(t, "currency", wam_message_json("Currency"), false) ||
	    !report_column(t, "origin", wam_message_json("State of origin (if not exporter)"), false) ||
	    !report_column(t, "intermediate", wam_message_json("Intermediate location (if any)"), false) ||
	    !report_column(t, "description", wam_message_json("Description of item"), false) ||
	    !report_column(t, "comments", wam_message_json("Comments on the transfer"), false))
		return NULL;
	/* values are in the currencies of their licences: no sum */
	json_object_set_new(value, "total", json_false());
	return t;
}

/* Whether `table`/`key` is one of the rows withheld. */
static bool withheld(const wam_report_options *o, const char *table, const char *key)
{
	size_t tn = strlen(table);
	for (int i = 0; i < o->nwithhold; i++) {
		const char *w = o->withhold[i];
		if (!strncmp(w, table, tn) && w[tn] == '/' && !strcmp(w + tn + 1, key))
			return true;
	}
	return false;
}

/* The transfer rows of one direction (`dir`: "exports" or "imports"). */
static int direction_rows(wam_db *db, json_t **rows, const wam_report_options *o, const char *dir,
                          transfer_left_out *left)
{
	return transfer_rows(db, rows, o->year, strcmp(dir, "imports") ? "export" : "import", basis_of(o), left);
}

/* Every withheld row must be a row of the report. */
static int check_withheld(const wam_report_options *o, json_t *const rows[2])
{
	for (int i = 0; i < o->nwithhold; i++) {
		const char *w = o->withhold[i];
		bool found = false;
		for (int d = 0; d < 2 && !found; d++) {
			const char *dir = d ? "imports" : "exports";
			size_t n = strlen(dir);
			found = rows[d] && !strncmp(w, dir, n) && w[n] == '/' && transfer_find(rows[d], w + n + 1);
		}
		if (!found)
			return wam_error_set(WAM_EINVAL, "withhold", "withhold '%.80s' names no row of this report", w);
	}
	return 0;
}

static int fill(json_t *t, const json_t *rows, const wam_report_options *o, const char *dir, const char *country,
                long long *withheld_out)
{
	const json_t *rec;
	size_t i;
	int rc = 0;
	long long withheld_rows = 0;
	json_array_foreach(rows, i, rec)
	{
		char key[128];
		transfer_key(rec, key, sizeof key);
		if (withheld(o, dir, key)) {
			withheld_rows++;
			continue;
		}
		const char *reg = json_string_value(json_object_get(rec, "register_category"));
		json_t *row = report_row(t, key, NULL);
		if (!row)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		const json_t *value = json_object_get(rec, "value");
		const char *currency = json_string_value(json_object_get(rec, "currency"));
		if ((rc = report_group(row, reg, transfer_category_label(reg))) ||
		    (rc = report_cell(row, "category", att_category(reg))) ||
		    (rc = transfer_cells(row, rec, country)) ||
		    (rc = report_cell(row, "value", json_is_number(value) ? json_deep_copy(value) : NULL)) ||
		    (rc = report_cell(row, "currency", currency ? json_string(currency) : NULL)))
			return rc;
	}
	*withheld_out = withheld_rows;
	if (withheld_rows && json_object_set_new(t, "withheld_rows", json_integer(withheld_rows)))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return report_totals(t);
}

static int make(wam_db *db, json_t *report, const wam_report_options *o)
{
	char country[5] = "";
	int rc = wam_db_country(db, country);
	if (rc)
		return rc;
	json_object_set_new(report, "title",
	                    wam_message_json("Arms Trade Treaty annual report on exports and imports of conventional "
	                                     "arms, calendar year %d",
	                                     o->year));
	transfer_left_out left = {0};
	json_t *rows[2] = {NULL, NULL};
	for (int d = 0; d < 2 && !rc; d++) {
		const char *dir = d ? "imports" : "exports";
		if (!o->direction || !strcmp(o->direction, dir))
			rc = direction_rows(db, &rows[d], o, dir, &left);
	}
	if (!rc)
		rc = check_withheld(o, rows);
	long long withheld_rows = 0;
	bool nil = true, empty[2] = {true, true};
	for (int d = 0; d < 2 && !rc; d++) {
		if (!rows[d])
			continue;
		const char *dir = d ? "imports" : "exports";
		json_t *t = table_of(report, !d);
		long long w = 0;
		rc = t ? fill(t, rows[d], o, dir, country, &w) : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		withheld_rows += w;
		empty[d] = json_array_size(rows[d]) == 0;
		nil = nil && empty[d];
	}
	json_decref(rows[0]);
	json_decref(rows[1]);
	if (rc)
		return rc;
	json_t *notes = json_object_get(report, "notes");
	json_array_append_new(notes,
	                      strcmp(basis_of(o), "authorised")
	                          ? wam_message_json("Figures are of actual exports and imports: the shipments "
	                                             "dated in %d",
	                                             o->year)
	                          : wam_message_json("Figures are of authorised exports and imports: the lines of "
	                                             "the licences issued in %d",
	                                             o->year));
	if (withheld_rows) {
		json_object_set_new(report, "withheld", json_true());
		json_array_append_new(
		    notes, wam_message_json("Commercially sensitive or national security-related data "
		                            "have been withheld in accordance with Article 13(3); rows withheld: %lld",
		                            withheld_rows));
	}
	transfer_nil(report, o, nil, !o->direction && empty[0], !o->direction && empty[1]);
	if (left.ammunition)
		json_array_append_new(
		    notes,
		    wam_message_json(
		        "Ammunition (Article 3) is not in these tables; transfer lines of ammunition left out: %lld",
		        left.ammunition));
	if (left.parts)
		json_array_append_new(notes, wam_message_json("Parts and components (Article 4) are not in these "
		                                              "tables; transfer lines of them left out: %lld",
		                                              left.parts));
	return 0;
}

static const char *const columns[] = {"category", "partner",      "items",       "value",    "currency",
                                      "origin",   "intermediate", "description", "comments", NULL};

static int records(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
                   const char *column)
{
	static const char *const tables[] = {"exports", "imports", NULL};
	if (!wam_in_vocab(tables, table) || (o->direction && strcmp(o->direction, table)))
		return wam_error_set(WAM_EINVAL, "row", "the report has no table %.40s", table);
	if (column && !wam_in_vocab(columns, column))
		return wam_error_set(WAM_EINVAL, "row", "table %s of the report has no column %.40s", table, column);
	json_t *rows = NULL;
	transfer_left_out left = {0};
	int rc = direction_rows(db, &rows, o, table, &left);
	if (rc)
		return rc;
	const json_t *rec = transfer_find(rows, key);
	if (!rec || withheld(o, table, key))
		rc = wam_error_set(WAM_EINVAL, "row", "the report has no row %s/%.80s", table, key);
	else if (!(*out = transfer_records(rec, column)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(rows);
	return rc;
}

const report_kind report_att = {.name = "att", .make = make, .records = records};
