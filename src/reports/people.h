/* The people tables the PoA/ITI national report and the UNODC
 * questionnaire share (src/reports/people.c): the people who surrendered
 * weapons or from whom weapons were seized in a year, and the persons who
 * hold weapons or licences at its end, by sex (`people`) and by age band
 * (`people_age`). docs/formats/poa.md, "People", gives the rules. */
#ifndef WAM_REPORTS_PEOPLE_H
#define WAM_REPORTS_PEOPLE_H

#include "reports/reports.h"

/* Appends the tables `people` and `people_age` for `year` to `report`. */
int report_people_tables(wam_db *db, json_t *report, int year);

/* True when `table` is one of the two people tables. */
bool report_people_table(const char *table);

/* The records behind `table`/`key`[/`column`] of a people table for `year`:
 * recoveries ({kind: recovery, id, type, date, person_ref, sex, age_band})
 * or holders ({kind: holder, id, type, licensed, sex, age_band}), never a
 * name. WAM_EINVAL naming "row" for a row or column the table does not
 * have. */
int report_people_records(wam_db *db, json_t **out, int year, const char *table, const char *key, const char *column);

#endif
