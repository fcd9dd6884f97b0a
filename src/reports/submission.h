/* Submissions of the reports room (src/reports/submission.c): the parts of
 * the comparison a test reaches without a registry. */
#ifndef WAM_REPORTS_SUBMISSION_H
#define WAM_REPORTS_SUBMISSION_H

#include <jansson.h>

/* Appends to array `changes` what differs between report `submitted` and
 * report `now` (both of the shape include/wam/reports.h describes), table
 * by table, row by key, cell by column: {table, key, change: "added", now:
 * the row's cells}, {table, key, change: "removed", submitted: its cells}
 * and {table, key, column, change: "changed", submitted, now} for each cell
 * that differs. Rows in the order of `now`'s tables, then the rows only
 * `submitted` has. 0, or WAM_ENOMEM. */
int report_compare(const json_t *submitted, const json_t *now, json_t *changes);

#endif
