/* What the files of the embargo room share: the regimes as the imported
 * file gives them, their periods, the calendar of working days, the
 * notices it records and the HTML its documents print as. */
#ifndef WAM_EMBARGO_PRIVATE_H
#define WAM_EMBARGO_PRIVATE_H

#include "internal.h"
#include "store/field.h"
#include "wam/embargo.h"

extern const struct wam_room wam_room_embargo;

/* The room's vocabularies (wam_embargo_vocabulary names them). */
extern const char *const embargo_regime_targets[],
    *const embargo_regime_scopes[], *const embargo_scopes[], *const embargo_procedures[],
                                                                 *const embargo_exemption_states[],
                                                                     *const embargo_decisions[],
                                                                         *const embargo_notice_kinds[],
                                                                             *const embargo_notice_states[];

/* Whether the room's tables are there: a registry made before the room
 * and only read since is read as it is, without them (it gets them on its
 * first write). */
bool embargo_ready(wam_db *db);
/* Refuses a principal confined to sites: embargoes are the state's. */
int embargo_national(wam_db *db);
/* `date` checked (field `field`), or today into `buf` when NULL. */
int embargo_date(const char **date, char buf[11], const char *field);
/* Replaces string member `key` of `row` by the JSON it holds. */
void embargo_decode(json_t *row, const char *key);
/* Sets `key` of `row` to the English sentence of `said` (a message:
 * wam_message_json, wam_error_json) and `key`_id, `key`_args to its id in
 * the message catalogue and its args, so a reader words it in its own
 * language; takes `said` (NULL, out of memory: sets nothing). */
void embargo_why(json_t *row, const char *key, json_t *said);
/* `date` plus `days` calendar days, or plus `days` working days (Monday to
 * Friday), into `out`. */
void embargo_add_days(char out[11], const char *date, long days);
void embargo_add_working_days(char out[11], const char *date, long days);
/* The period of `regime` (its file form) in force on `date`; NULL. */
const json_t *embargo_period_on(const json_t *regime, const char *date);
/* Whether `regime` covers `country`. */
bool embargo_covers(const json_t *regime, const char *country);
/* The file form of every regime the last import held, an array. */
int embargo_regimes(wam_db *db, json_t **out);
/* The file form of regime `id` (removed ones too); WAM_ENOTFOUND naming `field`. */
int embargo_regime_body(wam_db *db, json_t **out, const char *id, const char *field);
/* The procedure `procedure` of `regime`, NULL when it provides none. */
const json_t *embargo_procedure(const json_t *regime, const char *procedure);
/* "S/RES/N (YYYY)" of the regime's first resolution into `out`. */
void embargo_reference(char *out, size_t cap, const json_t *regime);
/* The resolution a period comes from (its `resolution`, else the regime's
 * first), and the days within which a seizure on a date is notified. */
void embargo_period_reference(char *out, size_t cap, const json_t *regime, const json_t *period);
long embargo_seizure_days(const json_t *regime, const char *date);
/* A regime a newer file no longer holds, as it applied: not in force from
 * `from` on, marked `withdrawn_from` (changes `body`). */
void embargo_withdrawn(json_t *body, const char *from);
/* Appends `notice.due` {kind, regime, about: {kind, id}, due, items?, exemption?} inside
 * the open transaction. */
int embargo_notice_due(wam_db *db, const char *kind, const char *regime, const char *about_kind, const char *about_id,
                       const char *due, const json_t *items, const char *exemption);
/* One national embargo as the room shows it. */
int embargo_national_get(wam_db *db, json_t **out, const char *id);
/* Every national embargo as regimes of source `national` as of `date`. */
int embargo_national_regimes(wam_db *db, json_t *list, const char *date, const char *id);

/* HTML: a row of a table, the head of a page (text escaped by wam_buf_html). */
void embargo_html_row(wam_buf *b, const char *label, const char *value);
void embargo_html_head(wam_buf *b, const char *title);

#endif
