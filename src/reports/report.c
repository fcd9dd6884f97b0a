/* Making a report: the kinds, the options every kind is asked with, the
 * header every report carries (the reporting state, the ledger position it
 * was computed at) and the builders its tables are made with
 * (docs/reports.md). A report is computed in one read snapshot, so that
 * its figures and its ledger position describe one state of the registry. */
#include <stdlib.h>
#include <string.h>

#include "ledger/room.h"
#include "reports/reports.h"
#include "store/field.h"
#include "wam/ledger.h"

extern const struct wam_room wam_room_reports;

const char *const wam_report_kinds[] = {"unroca", "att", "poa", "iafq", NULL};

static const report_kind *const kinds[] = {&report_unroca, &report_att, &report_poa, &report_iafq, NULL};

const report_kind *report_kind_find(const char *name)
{
	for (int i = 0; name && kinds[i]; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

sqlite3_stmt *report_stmt(wam_db *db, int slot, const char *sql)
{
	return wam_room_db_stmt(db, &wam_room_reports, slot, sql);
}

int report_row_split(char *buf, size_t n, const char *row, const char *field, const char **table, const char **key,
                     const char **column)
{
	if (!row || !*row || strlen(row) >= n)
		return wam_error_set(WAM_EINVAL, field, "%s must name a row as TABLE/KEY or a cell as TABLE/KEY/COLUMN",
		                     field);
	memcpy(buf, row, strlen(row) + 1);
	char *slash = strchr(buf, '/');
	if (!slash || slash == buf || !slash[1])
		return wam_error_set(WAM_EINVAL, field,
		                     "%s '%.80s' must name a row as TABLE/KEY or a cell as TABLE/KEY/COLUMN", field, row);
	*slash = '\0';
	*table = buf;
	*key = slash + 1;
	char *second = strchr(slash + 1, '/');
	*column = NULL;
	if (second) {
		if (second == slash + 1 || !second[1] || strchr(second + 1, '/'))
			return wam_error_set(WAM_EINVAL, field,
			                     "%s '%.80s' must name a row as TABLE/KEY or a cell as TABLE/KEY/COLUMN", field,
			                     row);
		*second = '\0';
		*column = second + 1;
	}
	return 0;
}

/* Checks what every kind shares of the options; the kind checks the rest. */
static int check_options(const char *kind, const wam_report_options *o)
{
	if (!report_kind_find(kind)) {
		char list[96];
		wam_vocab_list(wam_report_kinds, list, sizeof list);
		return wam_error_set(WAM_EINVAL, "report", "report '%.40s' is not one wam makes (%s)", kind ? kind : "",
		                     list);
	}
	if (o->year < WAM_REPORT_YEAR_MIN || o->year > WAM_REPORT_YEAR_MAX)
		return wam_error_set(WAM_EINVAL, "year", "year must be a whole number from %d to %d", WAM_REPORT_YEAR_MIN,
		                     WAM_REPORT_YEAR_MAX);
	static const char *const directions[] = {"exports", "imports", NULL};
	static const char *const bases[] = {"actual", "authorised", NULL};
	if (o->direction && !wam_in_vocab(directions, o->direction))
		return wam_error_set(WAM_EINVAL, "direction", "direction must be exports or imports, not '%.40s'",
		                     o->direction);
	if (o->basis && !wam_in_vocab(bases, o->basis))
		return wam_error_set(WAM_EINVAL, "basis", "basis must be actual or authorised, not '%.40s'", o->basis);
	if (o->nwithhold < 0 || o->nwithhold > WAM_REPORT_WITHHOLD_MAX || (o->nwithhold && !o->withhold))
		return wam_error_set(WAM_EINVAL, "withhold", "at most %d rows can be withheld", WAM_REPORT_WITHHOLD_MAX);
	for (int i = 0; i < o->nwithhold; i++) {
		char buf[256];
		const char *t, *k, *c;
		int rc = report_row_split(buf, sizeof buf, o->withhold[i], "withhold", &t, &k, &c);
		if (rc)
			return rc;
		if (c)
			return wam_error_set(WAM_EINVAL, "withhold", "withhold '%.80s' must name a whole row (TABLE/KEY)",
			                     o->withhold[i]);
	}
	return 0;
}

/* The options as the report records them. */
static json_t *options_json(const wam_report_options *o)
{
	json_t *j = json_object();
	if (o->direction)
		json_object_set_new(j, "direction", json_string(o->direction));
	if (o->basis)
		json_object_set_new(j, "basis", json_string(o->basis));
	if (o->nwithhold) {
		json_t *w = json_array();
		for (int i = 0; i < o->nwithhold; i++)
			json_array_append_new(w, json_string(o->withhold[i]));
		json_object_set_new(j, "withhold", w);
	}
	return j;
}

static int make_in_snapshot(wam_db *db, json_t **out, const report_kind *k, const wam_report_options *o)
{
	int64_t seq = 0;
	char hash[65] = "", country[5] = "", now[WAM_TIME_LEN + 1];
	int rc = wam_ledger_head(db, &seq, hash);
	if (!rc)
		rc = wam_db_country(db, country);
	if (rc)
		return rc;
	wam_time_iso(now, wam_now_ms());
	json_t *r = json_object();
	json_object_set_new(r, "report", json_string(k->name));
	json_object_set_new(r, "year", json_integer(o->year));
	json_object_set_new(r, "country", json_string(country));
	json_object_set_new(r, "options", options_json(o));
	json_object_set_new(r, "ledger", json_pack("{sI ss}", "seq", (json_int_t)seq, "hash", hash));
	json_object_set_new(r, "generated_at", json_string(now));
	json_object_set_new(r, "nil", json_false());
	json_object_set_new(r, "withheld", json_false());
	json_object_set_new(r, "notes", json_array());
	json_object_set_new(r, "tables", json_array());
	if ((rc = k->make(db, r, o))) {
		json_decref(r);
		return rc;
	}
	*out = r;
	return 0;
}

int wam_report_make(wam_db *db, json_t **out, const char *kind, const wam_report_options *options)
{
	*out = NULL;
	int rc = check_options(kind, options);
	if (!rc)
		rc = wam_confine_national(db, "reports");
	if (rc)
		return rc;
	if ((rc = wam_db_snapshot_begin(db)))
		return rc;
	rc = make_in_snapshot(db, out, report_kind_find(kind), options);
	wam_db_snapshot_end(db);
	return rc;
}

int wam_report_records(wam_db *db, json_t **out, const char *kind, const wam_report_options *options,
                       const char *row)
{
	*out = NULL;
	char buf[256];
	const char *table, *key, *column;
	int rc = check_options(kind, options);
	if (!rc)
		rc = wam_confine_national(db, "reports");
	if (!rc)
		rc = report_row_split(buf, sizeof buf, row, "row", &table, &key, &column);
	if (rc)
		return rc;
	if ((rc = wam_db_snapshot_begin(db)))
		return rc;
	rc = report_kind_find(kind)->records(db, out, options, table, key, column);
	wam_db_snapshot_end(db);
	return rc;
}

/* ---- a year in the ledger ---- */

/* The seq of the last event recorded before `bound` (an ISO date), 0 when
 * none: events are recorded in the order of their time, so a search by
 * halves over the seqs finds it in a few reads whatever the ledger's
 * length. */
static int last_seq_before(wam_db *db, const char *bound, int64_t head, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn, "SELECT time FROM events WHERE seq=?1", -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read the ledger's times");
	int64_t lo = 0, hi = head; /* seq lo is before bound (0: none); every seq after hi is not */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo + 1) / 2;
		sqlite3_bind_int64(st, 1, mid);
		bool before = sqlite3_step(st) == SQLITE_ROW && strcmp(wam_col_text(st, 0), bound) < 0;
		sqlite3_reset(st);
		if (before)
			lo = mid;
		else
			hi = mid - 1;
	}
	sqlite3_finalize(st);
	*out = lo;
	return 0;
}

int report_year_events(wam_db *db, int year, int64_t *before, int64_t *last)
{
	int64_t head = 0;
	char hash[65], from[24], to[24];
	int rc = wam_ledger_head(db, &head, hash);
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-01-01", year + 1);
	if (!rc)
		rc = last_seq_before(db, from, head, before);
	if (!rc)
		rc = last_seq_before(db, to, head, last);
	return rc;
}

/* ---- builders ---- */

json_t *report_table(json_t *report, const char *id, json_t *caption)
{
	json_t *t = json_pack("{ss so? s[] s[]}", "id", id, "caption", caption, "columns", "rows");
	if (!t || json_array_append_new(json_object_get(report, "tables"), t))
		return NULL;
	return t;
}

json_t *report_column(json_t *table, const char *id, json_t *label, bool numeric)
{
	json_t *c = json_pack("{ss so?}", "id", id, "label", label);
	if (c && numeric)
		json_object_set_new(c, "numeric", json_true());
	if (!c || json_array_append_new(json_object_get(table, "columns"), c))
		return NULL;
	return c;
}

json_t *report_row(json_t *table, const char *key, json_t *label)
{
	json_t *r = json_pack("{ss so? s{}}", "key", key, "label", label, "cells");
	if (!r || json_array_append_new(json_object_get(table, "rows"), r))
		return NULL;
	return r;
}

int report_cell(json_t *row, const char *column, json_t *value)
{
	return json_object_set_new(json_object_get(row, "cells"), column, value ? value : json_null())
	           ? wam_error_set(WAM_ENOMEM, column, "out of memory")
	           : 0;
}

int report_group(json_t *row, const char *id, json_t *label)
{
	return json_object_set_new(row, "group", json_pack("{ss so?}", "id", id, "label", label))
	           ? wam_error_set(WAM_ENOMEM, "group", "out of memory")
	           : 0;
}

int report_totals(json_t *table)
{
	json_t *totals = json_object(), *col, *row;
	size_t i, j;
	json_array_foreach(json_object_get(table, "columns"), i, col)
	{
		if (!json_is_true(json_object_get(col, "numeric")) || json_is_false(json_object_get(col, "total")))
			continue;
		const char *id = json_string_value(json_object_get(col, "id"));
		json_int_t whole = 0;
		double real = 0;
		bool is_real = false;
		json_array_foreach(json_object_get(table, "rows"), j, row)
		{
			const json_t *v = json_object_get(json_object_get(row, "cells"), id);
			if (json_is_integer(v))
				whole += json_integer_value(v);
			else if (json_is_real(v)) {
				real += json_real_value(v);
				is_real = true;
			}
		}
		json_object_set_new(totals, id, is_real ? json_real(real + (double)whole) : json_integer(whole));
	}
	json_object_set_new(table, "totals", totals);
	/* a table whose rows were all withheld has something to report */
	json_object_set_new(table, "nil", json_boolean(json_array_size(json_object_get(table, "rows")) == 0 &&
	                                               !json_integer_value(json_object_get(table, "withheld_rows"))));
	return 0;
}

void report_record_ids(const json_t *record, json_t *ids)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)record, k, v)
	{
		size_t n = strlen(k);
		if (json_is_string(v) && *json_string_value(v) &&
		    (!strcmp(k, "id") || (n > 3 && !strcmp(k + n - 3, "_id"))))
			json_object_set_new(ids, json_string_value(v), json_true());
	}
}
