/* wam/embargo.h — arms embargoes: the Security Council's regimes as data
 * with their history (a reference file with its sources, loaded as events
 * and updatable by importing a newer one), the national embargoes a state
 * records itself, the exemptions a supply under a regime needs (standing,
 * notify-no-objection, prior approval, post-delivery notice) with the
 * notification they print as, and the notices that fall due: after a
 * delivery under a post-delivery exemption, and within 30 days of a
 * seizure where a regime requires it (CAR, res. 2745).
 *
 * Every party of a transfer passes through the room's screener (the
 * wam_screen_hooks list of the core): a party that receives goods in a
 * territory under a regime on the day, unless an exemption that fits is
 * attached. Records cross this API as jansson JSON objects, like
 * registry.h: inputs are borrowed, every `json_t **out` is a new reference
 * the caller releases, each mutating call is one transaction, and on
 * failure nothing is written and wam_error_last() names the field and the
 * rule. Embargoes are a state's, not a site's: a principal confined to
 * sites is refused them. docs/embargo.md describes the fields, the rules
 * and the reference file; docs/formats/regimes.md and exemption.md the
 * files. */
#ifndef WAM_EMBARGO_H
#define WAM_EMBARGO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The words the room accepts, for a front end to offer: {regime_targets
 * (territory, government_excluded, non_state_actors, listed_persons),
 * regime_scopes (all_arms, salw_ammunition, training_assistance),
 * embargo_scopes (supply, supply_and_procurement), exemption_procedures
 * (standing, notify_no_objection, prior_approval, post_delivery_notice),
 * exemption_states (recorded, notified, approved, no_objection, objected,
 * refused, expired), exemption_decisions, notice_kinds (post_delivery,
 * post_seizure), notice_states (due, sent)}. */
WAM_API int wam_embargo_vocabulary(json_t **out);

/* ---- regimes ---- */

/* Imports a regimes reference file (docs/formats/regimes.md; the one wam
 * ships is data/embargo/regimes.json): {version, generated, sources,
 * regimes: [...]}. One event `regimes.imported` holds the whole file;
 * what applied on a past date stays answerable from the file's periods,
 * and the regimes an earlier file held are kept as its versions. `*out`:
 * {version, generated, added: [ids], changed: [ids], removed: [ids],
 * unchanged: n}. A file older than the one imported, or the same, is
 * refused (WAM_ECONFLICT naming `version`). */
WAM_API int wam_embargo_regimes_import(wam_db *db, json_t **out, const json_t *file);
/* The same from a file on disk (NULL: the shipped data/embargo/regimes.json,
 * found as the other reference data is). */
WAM_API int wam_embargo_regimes_import_file(wam_db *db, json_t **out, const char *path);

/* Every regime — the Security Council's from the reference file, and the
 * national embargoes recorded here as regimes of source `national` — each
 * {id, name, source (un | national), target, scope, territories: [CC],
 * committee, panel, resolutions: [{number, date, what}], periods: [{from,
 * until?, target, scope, note?, resolution?, seizure_notice_days?}],
 * procedures: [{procedure, covers, period_days?}], seizure_notice_days?
 * (that of the period in force on `date`), reference (the resolution of
 * that period), unconfirmed: [what the file could
 * not confirm], sources: [..], in_force: bool as of `date` (NULL: today),
 * applies: the period in force on `date` or null}, ordered by name. */
WAM_API int wam_embargo_regime_list(wam_db *db, json_t **out, const char *date);
/* One regime as above, with `versions`: [{seq, version, generated}] of the
 * files that held it, and its exemptions and notices. WAM_ENOTFOUND. */
WAM_API int wam_embargo_regime_get(wam_db *db, json_t **out, const char *id, const char *date);

/* The id of the regime whose sanctions list is `list_type` (the UN_LIST_TYPE
 * of a Consolidated List entry: "Libya", "Al-Qaida", ...; each regime of
 * the reference file names its own) into `out` (at least 64 bytes); ""
 * when no regime names it. */
WAM_API int wam_embargo_regime_of_list(wam_db *db, char *out, size_t cap, const char *list_type);

/* What applies to a transfer to `country` (ISO 3166-1 alpha-2) on `date`
 * (NULL: today): {country, date, regimes: [{id, name, target, scope,
 * reference, period}], clear: bool}. With `party` ({name, role?, dob?,
 * nationality?, document?, government?}), also that party's screening
 * through every screener of the build: {..., screening: {clear,
 * findings}}. Reads only. */
WAM_API int wam_embargo_check(wam_db *db, json_t **out, const char *country, const char *date, const json_t *party);

/* ---- national embargoes (a state's own decisions) ---- */

/* Records an arms embargo on a country, as a body other than the Security
 * Council decided it: {country, reference, since, until?, scope?: supply |
 * supply_and_procurement, notes?} (event `embargo.recorded`). */
WAM_API int wam_embargo_record(wam_db *db, json_t **out, const json_t *embargo);
/* Lifts one: {date, reference} (event `embargo.lifted`). */
WAM_API int wam_embargo_lift(wam_db *db, json_t **out, const char *id, const json_t *lift);

/* ---- exemptions ---- */

/* Records an exemption under regime `regime` (docs/formats/exemption.md):
 * {procedure, notifying_state, supplier, manufacturer?, end_user: {name,
 * country, ...}, items: [{description, category?, quantity, serials?}],
 * supporting_note?, delivery_from?, delivery_until?, route?, valid_until?,
 * notified_on?, committee_reference?, covers?: [list reference numbers],
 * notes?}. The procedure must be one the regime provides. State
 * `recorded`, or `notified` with notified_on. */
WAM_API int wam_embargo_exemption_add(wam_db *db, json_t **out, const char *regime, const json_t *exemption);
/* The committee's answer or the notification sent: {decision: notified |
 * no_objection | objection | approved | refused, date, reference?}. */
WAM_API int wam_embargo_exemption_decide(wam_db *db, json_t **out, const char *id, const json_t *decision);
/* One exemption with `fits_on` (whether a supply may go ahead on `date`,
 * NULL: today) and `why` (a message) and its notices. */
WAM_API int wam_embargo_exemption_get(wam_db *db, json_t **out, const char *id, const char *date);
/* Every exemption, of `regime` (NULL: all), newest first. */
WAM_API int wam_embargo_exemption_list(wam_db *db, json_t **out, const char *regime);
/* Whether exemption `id` lets a supply under regime `regime` (NULL: its
 * own) go ahead on `date`: 0 when it does; WAM_ECONFLICT naming `field`
 * and why when it does not (another regime, expired, no-objection period
 * not passed, an objection, no approval yet, ...). With `supply`
 * ({end_user: {name, country}, weapons: n, rounds: n}, the shipment's
 * facts), also that it is the supply the exemption was granted for: its
 * end user, inside its delivery window, and what the shipments recorded
 * under it carried so far with this within its items' quantity. */
WAM_API int wam_embargo_exemption_fits(wam_db *db, const char *id, const char *regime, const char *date,
                                       const json_t *supply, const char *field);
/* The notification to the committee as an HTML page (malloc'd, the
 * caller frees it), with the fields of the committee's guidance: the
 * notifying State, supplier and manufacturer, the precise end user, the
 * exact quantity and item list with serial numbers, the supporting note,
 * the delivery dates and route, and the ledger position. */
WAM_API int wam_embargo_exemption_notice(wam_db *db, char **html, size_t *len, const char *id);

/* ---- notices ---- */

/* Every notice, due first (by due date), then sent; of `state` (due |
 * sent | NULL: all): {id, kind (post_delivery | post_seizure), regime,
 * about: {kind (shipment | recovery), id}, due, state, overdue, sent_on?,
 * reference?}. */
WAM_API int wam_embargo_notice_list(wam_db *db, json_t **out, const char *state);
WAM_API int wam_embargo_notice_get(wam_db *db, json_t **out, const char *id);
/* Records a notice sent: {date, reference, notes?} (event `notice.sent`). */
WAM_API int wam_embargo_notice_sent(wam_db *db, json_t **out, const char *id, const json_t *sent);
/* The notice as an HTML page (malloc'd): for a post-seizure notice the
 * items seized with their details and the disposal method. */
WAM_API int wam_embargo_notice_document(wam_db *db, char **html, size_t *len, const char *id);

#ifdef __cplusplus
}
#endif

#endif
