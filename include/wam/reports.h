/* wam/reports.h — the international reports made from the records: the UN
 * Register of Conventional Arms return (UNROCA, categories I–VII and the
 * SALW "+1"), the Arms Trade Treaty annual report (Art. 13(3)), the
 * quantitative part of the PoA/ITI national report and the tables of
 * UNODC's Illicit Arms Flows Questionnaire (IAFQ); their submissions,
 * frozen as sent and signed, and what has changed since.
 *
 * Every report is one JSON document of one shape, whatever its kind, so
 * that one set of outputs (CSV, printable HTML, the console's page) and one
 * comparison serve them all:
 *
 *   {report: "unroca"|"att"|"poa"|"iafq", year, country (the reporting
 *    state, ISO 3166), options: {direction?, basis?, withhold?: [row keys]},
 *    title: message, ledger: {seq, hash} (the last event it was computed
 *    from), generated_at (ISO 8601), nil: true when the report has nothing
 *    to report (a nil report), withheld: true when rows were withheld,
 *    notes: [message],
 *    tables: [{id, caption: message, nil?: bool,
 *              columns: [{id, label: message, numeric?: true}],
 *              rows: [{key, label?: message, group?: {id, label: message},
 *                      cells: {column id: string | number | null}}],
 *              totals?: {column id: number}}]}
 *
 * A "message" is {message (English), message_id, args} as
 * wam_message_json() makes it: the CLI prints the English, the console the
 * user's language. A row's `key` is stable from one computation to the
 * next (a record id and a line, or a figure's name) and never holds '/';
 * "TABLE/KEY" names a row and "TABLE/KEY/COLUMN" one cell of it, for
 * wam_report_records(), --withhold and the comparison.
 *
 * Reports cover a whole state: a caller confined to sites is refused
 * (WAM_EFORBIDDEN). docs/reports.md describes each report and its rules. */
#ifndef WAM_REPORTS_H
#define WAM_REPORTS_H

#include <jansson.h>
#include <stdio.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The years a report can be made for. */
#define WAM_REPORT_YEAR_MIN 1992 /* the Register's first year */
#define WAM_REPORT_YEAR_MAX 2100
/* Rows an ATT report may withhold. */
#define WAM_REPORT_WITHHOLD_MAX 256

/* The report kinds, NULL-terminated: "unroca", "att", "poa", "iafq". */
WAM_API extern const char *const wam_report_kinds[];

/* What a report is asked with. */
typedef struct wam_report_options {
	int year;                     /* the calendar year reported on */
	const char *direction;        /* unroca, att: "exports", "imports" or NULL (both) */
	const char *basis;            /* att: "actual" or "authorised" (NULL: actual) */
	const char *const *withhold;  /* att: "TABLE/KEY" rows withheld, `nwithhold` of them */
	int nwithhold;
} wam_report_options;

/* Computes report `kind` for `options` as of the registry's present state,
 * in one read snapshot, into `*out` (the shape above). WAM_EINVAL naming
 * "report" for an unknown kind, "year", "direction", "basis" or "withhold"
 * (a row the report does not have) for a bad option. */
WAM_API int wam_report_make(wam_db *db, json_t **out, const char *kind, const wam_report_options *options);

/* The records behind row (or cell) `row` ("TABLE/KEY" or
 * "TABLE/KEY/COLUMN") of report `kind` for `options`: a JSON array of
 * objects, each with its `kind` (shipment, licence, weapon, recovery,
 * trace_request, stock_check, destruction, holder ...) and `id`, and the
 * fields that show it. WAM_EINVAL naming "row" for a row the report does
 * not have. */
WAM_API int wam_report_records(wam_db *db, json_t **out, const char *kind, const wam_report_options *options,
                               const char *row);

/* Writes a report as CSV: a header of "table", "key", "label" and every
 * column of its tables (in order of first appearance), then one line per
 * row of every table. */
WAM_API int wam_report_csv(const json_t *report, FILE *out);

/* Writes a report as one printable HTML page (UTF-8, its own styles, no
 * script): the title block (state, year, ledger position, nil report and
 * withheld statements), then each table, grouped as the official form
 * groups it. */
WAM_API int wam_report_html(const json_t *report, FILE *out);

/* Submits report `kind` for `options`: computes it, signs {report,
 * submitted_at, submitted_by, reference?} with the node key and records
 * report.submitted with the document and the ledger position, one
 * transaction. `submission` is {reference?, notes?}. `*out` is the
 * submission as wam_report_submission_get() shows it. */
WAM_API int wam_report_submit(wam_db *db, json_t **out, const char *kind, const wam_report_options *options,
                              const json_t *submission);

/* Submissions, newest first, without their documents: {id, report, year,
 * options, ledger, reference, submitted_by, submitted_at}; `kind` NULL and
 * `year` 0 for all. */
WAM_API int wam_report_submission_list(wam_db *db, json_t **out, const char *kind, int year);

/* One submission with its signed `document` as it was sent. */
WAM_API int wam_report_submission_get(wam_db *db, json_t **out, const char *id);

/* What a recomputation would change in submission `id` (NULL: the latest
 * of `kind` for `year`), with the submission's options: {submission: {id,
 * submitted_at, ledger}, ledger: the present position, changed: bool,
 * changes: [{table, key, column?, change: added|removed|changed,
 * submitted, now}], events: [{seq, type, subject, time, actor}] — the
 * events since the submission that concern the records behind the changed
 * rows}. WAM_ENOTFOUND naming "submission" when there is none. */
WAM_API int wam_report_diff(wam_db *db, json_t **out, const char *kind, int year, const char *id);

#ifdef __cplusplus
}
#endif
#endif
