/* The weapons, parts and ammunition recovered in a year, one row each, as
 * SDG 16.4.2 counts them (docs/trace.md): what the PoA/ITI national report
 * and the UNODC questionnaire split by recovery type, context, weapon type
 * and legal justification (src/reports/recovered.c). */
#ifndef WAM_REPORTS_RECOVERED_H
#define WAM_REPORTS_RECOVERED_H

#include "reports/reports.h"

/* The recovery types, as the reports' columns: seized, found, surrendered. */
extern const char *const report_recovery_types[];

/* Every item recovered by a recovery dated in `year`, once, by its first
 * recovery in the year (by date, then recording order), as SDG 16.4.2
 * takes it: [{item_id, recovery_id, recovery_type, date, context (unknown
 * when none), serial, make, model, category, weapon_type (the SDG type),
 * legal_justification (not_recorded when none), weapon (1: counted as a
 * weapon; a part other than a frame or receiver is 0), part (1: an item of
 * kind part, frames and receivers included), part_type}], by date. */
int report_recovered_items(wam_db *db, json_t **out, int year);

/* Every ammunition line of the recoveries dated in `year`:
 * [{recovery_id, line, recovery_type, date, context, calibre, type, lot,
 * rounds}]; none in a registry made before recovery_ammunition. */
int report_recovered_ammunition(wam_db *db, json_t **out, int year);

/* The label of a recovery type (seized, found, surrendered), of a recovery
 * context (or unknown), of a legal justification, as messages. */
json_t *report_recovery_type_label(const char *type);
json_t *report_context_label(const char *context);
json_t *report_justification_label(const char *justification);

/* A recovered item as a drill-down record: {kind: weapon, id, ...}. */
json_t *report_recovered_record(const json_t *unit);

#endif
