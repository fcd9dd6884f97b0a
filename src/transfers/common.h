/* What the files of the transfers room share: its vocabularies, the checks
 * of a party and a goods line, the reading of a record by id or number, and
 * the screening of parties (screen.c). */
#ifndef WAM_TRANSFERS_COMMON_H
#define WAM_TRANSFERS_COMMON_H

#include "internal.h"
#include "store/field.h"
#include "wam/transfers.h"

extern const struct wam_room wam_room_transfers;

/* The room's vocabularies (wam_transfers_vocabulary names them). */
extern const char *const wam_licence_kinds[], *const wam_licence_states[], *const wam_party_roles[],
    *const wam_goods_kinds[], *const wam_prohibitions[], *const wam_prohibition_findings[], *const wam_risks[],
    *const wam_risk_findings[], *const wam_decisions[], *const wam_euc_states[], *const wam_verification_results[],
    *const wam_shipment_states[], *const wam_check_results[], *const wam_broker_activities[],
    *const wam_broker_states[], *const wam_diversion_states[], *const wam_embargo_scopes[];

/* SQL of a licence's other states, `licence` an SQL expression naming it:
 * its destination (the end user's country, else the importer's, else a
 * consignee's) and its exporter's country. */
#define TRANSFERS_DESTINATION(licence)                                                                                 \
	"(SELECT p.country FROM licence_parties p WHERE p.licence_id=" licence " AND p.role IN"                        \
	" ('end_user','importer','consignee') ORDER BY p.role='end_user' DESC, p.role='importer' DESC, p.n LIMIT 1)"
#define TRANSFERS_EXPORTER(licence)                                                                                    \
	"(SELECT p.country FROM licence_parties p WHERE p.licence_id=" licence " AND p.role='exporter' ORDER BY p.n"   \
	" LIMIT 1)"
/* The columns weapons and rounds of shipment `s`: what it carries. */
#define TRANSFERS_CARRIED                                                                                              \
	" (SELECT count(*) FROM shipment_items x WHERE x.shipment_id=s.id) AS weapons,"                                \
	" (SELECT coalesce(sum(rounds),0) FROM shipment_lots x WHERE x.shipment_id=s.id) AS rounds"

/* Refuses a principal confined to sites: transfers are the state's. */
int transfers_national(wam_db *db);

/* The id of the record of `table` whose id, or `alt` column (its number or
 * registration), is `given`, into `id`; WAM_ENOTFOUND naming `field`
 * ("no WHAT 'X'") when there is none. */
int transfers_resolve(wam_db *db, char id[WAM_ID_LEN + 1], const char *table, const char *alt, const char *given,
                      const char *what, const char *field);

/* The key of a licence, certificate or delivery certificate number as
 * names are compared (wam_match_name_key: case, width, separators), into
 * `out` of `cap` bytes ("" for text that is not UTF-8). Two numbers of
 * one key are one number. */
void transfers_key(char *out, size_t cap, const char *number);

/* Replaces string member `key` of `row` by the JSON it holds (canonical
 * text read from a table); null when it does not parse. */
void transfers_decode(json_t *row, const char *key);

/* Checks party `in` (parties[i] of a record, `prefix` "parties[2].") into
 * `out`, a broker's name and country taken from the register; screens it as
 * of `date` into out.screening. `subject` ({kind, id, label}: the record
 * being recorded, NULL for none) is what an alert the screening raises or
 * meets is about, so the alert links the record from the start; it is not
 * kept in `out`. */
int transfers_party(wam_db *db, json_t *out, const json_t *in, const char *prefix, const char *date,
                    const json_t *subject);

/* The subject {kind, id, label} of a record being recorded, for the
 * screening of its parties: a new reference. */
json_t *transfers_subject(const char *kind, const char *id, const json_t *label);

/* Checks goods line `in` (`prefix` "lines[0].") into `out`. */
int transfers_line(wam_db *db, json_t *out, const json_t *in, const char *prefix);

/* Checks that the broker a party names is registered, not suspended or
 * revoked; WAM_ECONFLICT naming `field` otherwise. */
int transfers_broker_active(wam_db *db, const char *broker_id, const char *field);

/* Screens `party` as of `date` through every screener of the build
 * (wam_screen_hooks): {clear, findings}. */
int transfers_screen(wam_db *db, json_t **out, const json_t *party, const char *date);

/* The first party of licence `licence` whose screening failed as of
 * `date`, screened again (with exemption `exemption` attached when not
 * NULL); WAM_ECONFLICT naming `field` and the party, 0 when all are
 * clear. */
int transfers_screen_licence(wam_db *db, const char *licence, const char *date, const char *field,
                             const char *exemption);

/* Screens the parties of certificate `euc_id` again as of `date`, with
 * exemption `exemption` attached when not NULL (euc.c); WAM_ECONFLICT
 * naming `field` on the first that fails. */
int transfers_screen_euc(wam_db *db, const char *euc_id, const char *date, const char *field, const char *exemption);

/* Diversion alerts as the API shows them, `where` an SQL condition over
 * alert `a` with parameters ?1 `a` and ?2 `b` (diversion.c). */
int transfers_diversion_rows(wam_db *db, json_t **out, const char *where, const char *a, const char *b);

/* WAM_EINVAL naming `key` when date `key` of `p` is after today: a
 * record says what has happened. */
int transfers_not_future(const json_t *p, const char *key);


/* Lines of licence `id` as {n, goods, category, make, model, calibre,
 * ammunition_type, quantity, shipped, remaining, ...}, in order. */
int transfers_licence_lines(wam_db *db, json_t **out, const char *id);

#endif
