/* What the UN Register return (unroca.c) and the ATT report (att.c) share:
 * the Register's categories with their names, the transfer rows of a year
 * as the transfers room records them (wam_transfers_records), a row's key
 * and cells, and the record behind a row. */
#ifndef WAM_REPORTS_TRANSFER_ROWS_H
#define WAM_REPORTS_TRANSFER_ROWS_H

#include "reports/reports.h"

/* How many records a drill-down lists before it says the rest are left
 * out. */
#define TRANSFER_RECORDS_MAX 1000

/* The Register category a registry category is reported under: itself for
 * I–VII(b), SA1–SA6 and LW1–LW7, SA6 (other small arms) for SHOTGUN; NULL
 * for what the Register does not count (PART, ammunition, an unknown
 * code). */
const char *transfer_register_category(const char *code);
/* Whether a Register category is one of the SALW sub-categories. */
bool transfer_is_salw(const char *register_code);
/* The category's name as a message. */
json_t *transfer_category_label(const char *register_code);

/* What the Register and the ATT report leave out of a year's rows. */
typedef struct transfer_left_out {
	long long ammunition; /* rows of ammunition */
	long long parts;      /* rows of parts and components */
} transfer_left_out;

/* The rows of `year` for `direction` ("export" or "import") and `figure`
 * ("actual" or "authorised"), as wam_transfers_records gives them, with
 * the weapons the Register counts only (`left` counts the rest) and each
 * row's `register_category` set; in the order of the categories, then of
 * the records. */
int transfer_rows(wam_db *db, json_t **out, int year, const char *direction, const char *figure,
                  transfer_left_out *left);

/* A row's key: "<shipment id>:<line>" for an actual row,
 * "<licence id>:<line>" for an authorised one. */
void transfer_key(const json_t *rec, char *buf, size_t n);

/* Sets the cells every transfer row has: partner, items, origin (when it
 * is not the exporter: the reporting state `country` for an export, the
 * partner for an import), intermediate (", "-joined), description and
 * comments (the shipment's or the licence's notes). */
int transfer_cells(json_t *row, const json_t *rec, const char *country);

/* The records behind a transfer row: the shipment (or the licence, for an
 * authorised row), then, when `column` is "items" and the row is actual,
 * its weapons (at most TRANSFER_RECORDS_MAX). */
json_t *transfer_records(const json_t *rec, const char *column);

/* The row of `rows` (as transfer_rows gives them) with key `key`, or NULL. */
const json_t *transfer_find(const json_t *rows, const char *key);

/* The nil report's flag and notes, shared by both returns: `nil` when
 * every direction asked has no transfer (the report's `nil`, and its note),
 * else a note for the one direction of the two that has none. */
void transfer_nil(json_t *report, const wam_report_options *o, bool nil, bool nil_exports, bool nil_imports);

/* Appends the note a drill-down ends with when it lists `shown` of `total`
 * records. */
void transfer_truncated(json_t *records, long long shown, long long total);

#endif
