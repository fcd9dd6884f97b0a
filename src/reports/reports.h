/* What the files of the reports room share (src/reports/): each report kind
 * as one descriptor, and the builders every kind makes its tables with, so
 * that every report has the one shape include/wam/reports.h describes. */
#ifndef WAM_REPORTS_REPORTS_H
#define WAM_REPORTS_REPORTS_H

#include "internal.h"
#include "wam/reports.h"

/* One report kind. */
typedef struct report_kind {
	const char *name; /* "unroca" ... as wam_report_kinds lists it */
	/* Fills `report`, whose header is set (report, year, country, options,
	 * ledger, generated_at), with its title, nil, withheld, notes and
	 * tables; runs inside the report's read snapshot. The options are
	 * checked as far as report.c knows them (year; direction and basis
	 * words; withhold rows well formed): a kind refuses an option it does
	 * not take, and a withheld row it does not have. */
	int (*make)(wam_db *db, json_t *report, const wam_report_options *o);
	/* The records behind `table`/`key` (and `column`, NULL for the whole
	 * row) into a new array `*out`, each {kind, id, ...}; WAM_EINVAL naming
	 * "row" for a row the report does not have. */
	int (*records)(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
	               const char *column);
} report_kind;

extern const report_kind report_unroca, report_att, report_poa, report_iafq;

/* The kind called `name`, or NULL. */
const report_kind *report_kind_find(const char *name);

/* Builders. Each takes ownership of the message (`caption`, `label`)
 * passed in, made with wam_message_json() at the call so that the
 * catalogue holds its words, and returns a borrowed reference, or NULL
 * when out of memory (the allocation failure is then counted:
 * wam_error_alloc_failures()). */
/* Appends a table {id, caption, columns: [], rows: []}. */
json_t *report_table(json_t *report, const char *id, json_t *caption);
/* Appends a column {id, label, numeric?} to `table`. */
json_t *report_column(json_t *table, const char *id, json_t *label, bool numeric);
/* Appends a row {key, label?, cells: {}} to `table` and returns it.
 * `label` may be NULL. */
json_t *report_row(json_t *table, const char *key, json_t *label);
/* Sets cell `column` of `row` to `value` (taken; NULL: JSON null). */
int report_cell(json_t *row, const char *column, json_t *value);
/* Sets the row's group {id, label} (the form's heading it is under: a
 * category, a context). */
int report_group(json_t *row, const char *id, json_t *label);
/* Sets `totals` of `table`: the sum of each numeric column over its
 * rows (but a column the caller set "total": false on, such as values in
 * several currencies), and `nil` when it has no row and withheld none (a
 * `withheld_rows` count the caller set before). */
int report_totals(json_t *table);

/* The ids a record names (its "id" and every "*_id" string), added as
 * keys of object `ids`: what the comparison looks for in the events. */
void report_record_ids(const json_t *record, json_t *ids);

/* Splits "TABLE/KEY[/COLUMN]" into its parts in `buf` (`n` bytes);
 * WAM_EINVAL naming `field` when it is not of that form. */
int report_row_split(char *buf, size_t n, const char *row, const char *field, const char **table, const char **key,
                     const char **column);

/* The events of calendar year `year`: `*before` the last event recorded
 * before it (0: none), `*last` its last event (`*before` when none). Events
 * are recorded in the order of their time, so a search by halves over the
 * seqs finds both in a few reads whatever the ledger's length; "recorded
 * in the year" is then a seq after `*before` up to `*last`. */
int report_year_events(wam_db *db, int year, int64_t *before, int64_t *last);

/* A cached statement of the reports room on `db` (slots 0..23). */
sqlite3_stmt *report_stmt(wam_db *db, int slot, const char *sql);

#endif
