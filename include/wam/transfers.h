/* wam/transfers.h — transfers: licences (export, import, transit,
 * brokering) with their parties and goods lines, the risk assessment before
 * issue (ATT Art. 6, 7, 11), end-user certificates and their verification,
 * shipments of weapons by serial and ammunition by lot, deliveries, the
 * post-shipment checks that find diversion, the register of brokers, and
 * the screening every party passes through.
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction, and on failure nothing is written
 * and wam_error_last() names the field and the rule. Transfers are a
 * state's, not a site's: a principal confined to sites is refused them.
 * docs/transfers.md describes the fields, the states and the rules; the
 * file formats are in docs/formats/. */
#ifndef WAM_TRANSFERS_H
#define WAM_TRANSFERS_H

#include <jansson.h>
#include <stdbool.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The words the transfers room accepts, for a front end to offer:
 * {licence_kinds, licence_states, party_roles, goods, prohibitions,
 * prohibition_findings, risks, risk_findings, decisions, euc_states,
 * verification_results, shipment_states, check_results, broker_activities,
 * broker_states, diversion_states}. */
WAM_API int wam_transfers_vocabulary(json_t **out);

/* ---- screening ---- */

/* Screens one party {role, name, country?, broker_id?, ...} as of `date`
 * (YYYY-MM-DD; NULL: today) through every screener the build has (the
 * embargo room's, wam/embargo.h: an arms embargo regime or a national
 * embargo on the country of a party that receives goods — importer,
 * consignee, end user, a final destination — unless an `exemption` the
 * party carries fits it). `*out` is
 * {clear: bool, findings: [{screen, rule, message, message_id, args,
 * reference}]}. Every licence, certificate, shipment and broker
 * registration passes its parties through this one call. */
WAM_API int wam_transfers_screen(wam_db *db, json_t **out, const json_t *party, const char *date);

/* ---- brokers ---- */

/* Registers a broker: {name, country, registration (the national
 * registration number, unique), activities: [brokering, transport,
 * financing, insurance, other], address?, registered_on?, expires?,
 * notes?}. The broker is screened as a party of role broker. State
 * `registered`. */
WAM_API int wam_transfers_broker_add(wam_db *db, json_t **out, const json_t *broker);
/* Suspends (`suspended`), revokes (`revoked`, final) or reinstates
 * (`registered`) a broker: {state, reason}. */
WAM_API int wam_transfers_broker_set_state(wam_db *db, json_t **out, const char *id, const json_t *change);
/* One broker with the licences that name it. */
WAM_API int wam_transfers_broker_get(wam_db *db, json_t **out, const char *id);
/* Every broker, by name. */
WAM_API int wam_transfers_broker_list(wam_db *db, json_t **out);

/* ---- licences ---- */

/* Drafts a licence (state `draft`): {kind: export|import|transit|brokering,
 * number (the authority's, unique), authority, officer, valid_from,
 * valid_until, parties: [party], lines: [line], conditions?:
 * {no_reexport_without_consent, post_shipment_checks, other?}, notes?}.
 * A party is {role: exporter|importer|consignee|end_user|broker|carrier|
 * transit, name (any script), country, address?, registration?,
 * documents?: [text], broker_id? (a broker role: a registered broker)}.
 * A line is {goods: weapons|ammunition, category (weapons: a UN Register
 * or SALW code), make?, model?, calibre?, ammunition_type?, quantity
 * (weapons: items; ammunition: rounds), value?, currency? (with value),
 * origin? (state of origin if not the exporter), description?}. An export
 * names an exporter and an importer or end user; a brokering licence a
 * registered broker. Each party is screened; what screening found is kept
 * with the licence (a party that fails does not stop a draft, which can
 * then only be denied). */
WAM_API int wam_transfers_licence_add(wam_db *db, json_t **out, const json_t *licence);

/* Records the risk assessment of a draft (ATT Art. 6, 7, 11):
 * {prohibitions: {embargo, international_obligations, atrocity_crimes:
 * {finding: clear|applies, evidence?}}, risks: {peace_security, ihl,
 * human_rights, terrorism, organised_crime, gender_based_violence,
 * diversion: {finding: none|low|substantial|overriding, evidence?,
 * mitigation?}}, decision: approve|deny, reasons, officer, date?}. Every
 * criterion needs a finding; a substantial risk needs its mitigation; a
 * prohibition that applies, an overriding risk or a party that failed
 * screening allow only deny. approve: the licence becomes `assessed`;
 * deny: `denied`, kept with its reasons. */
WAM_API int wam_transfers_licence_assess(wam_db *db, json_t **out, const char *id, const json_t *assessment);

/* Issues an assessed licence (`issued`). The acting identity must be a
 * person other than the one who drafted it (wam_auth_same_person_db; a
 * token never issues) whose account the drafter did not make
 * (wam_auth_independent), and the licence must still be valid and its
 * parties clear. */
WAM_API int wam_transfers_licence_issue(wam_db *db, json_t **out, const char *id);

/* Suspends (`suspended`), revokes (`revoked`, final) or reinstates
 * (`issued` again) an issued or suspended licence: {state, reason}. */
WAM_API int wam_transfers_licence_set_state(wam_db *db, json_t **out, const char *id, const json_t *change);

/* One licence: its fields, parties (with their screening), lines with
 * `shipped` and `remaining`, assessment, the certificate attached, its
 * shipments and `state` — the recorded one, or `expired` (issued, past
 * valid_until) or `exhausted` (issued, nothing remaining) as of today. */
WAM_API int wam_transfers_licence_get(wam_db *db, json_t **out, const char *id);
/* Licences, newest first; `kind` and `state` filter (NULL: all). */
WAM_API int wam_transfers_licence_list(wam_db *db, json_t **out, const char *kind, const char *state);

/* ---- end-user certificates ---- */

/* Records the importing state's end-user certificate for a licence, with
 * every standard element (domain §2.9): {licence_id, number, issued,
 * expires, authority: {name, signatory, position, stamp: bool,
 * authentication}, exporter: {name, address, business_name?, country},
 * end_user: {name, position, address, country, signed: bool}, goods:
 * [{category, description, model?, calibre?, quantity, value?,
 * currency?}], contract: {reference, date}, destination (country),
 * intermediate_consignees?: [party], end_use, sole_use_assurance: true,
 * no_reexport_undertaking: true, dvc_required?, post_shipment_consent?,
 * place_of_use?}. One certificate, one transaction: a licence has at most
 * one. State `received`. */
WAM_API int wam_transfers_euc_add(wam_db *db, json_t **out, const json_t *euc);
/* Records how its authenticity was checked: {channel, counterpart?, date?,
 * result: authentic|not_authentic|inconclusive, notes?}. The latest result
 * decides: `verified`, `rejected` or still `received`. */
WAM_API int wam_transfers_euc_verify(wam_db *db, json_t **out, const char *id, const json_t *verification);
/* Records a post-shipment on-site check: {date, place?, inspectors:
 * [text], items: [{item_id | serial, result: seen|not_seen|seen_elsewhere,
 * location?, notes?}], notes?}. Each weapon must be one shipped under the
 * certificate; one not seen, or seen elsewhere, opens a diversion alert. */
WAM_API int wam_transfers_euc_check(wam_db *db, json_t **out, const char *id, const json_t *check);
/* One certificate with its goods (shipped, remaining), verification
 * timeline, shipments, checks and alerts. */
WAM_API int wam_transfers_euc_get(wam_db *db, json_t **out, const char *id);
/* Every certificate, newest first. */
WAM_API int wam_transfers_euc_list(wam_db *db, json_t **out);

/* ---- shipments ---- */

/* Ships against an issued export licence and its verified certificate:
 * {licence_id, euc_id, date?, items?: [weapon ids or serials], lots?:
 * [{lot_id, rounds}], carrier?, route?: [countries], notes?}. Each weapon becomes
 * `exported` (site and holder cleared; the event names the shipment,
 * licence and certificate) and each lot issues its rounds. Refused beyond
 * what a licence line or certificate goods line still allows, on a licence
 * not issued or out of its dates, on a certificate not verified or closed,
 * and when a party fails screening or a broker is not registered.
 *
 * An import against an import licence: {licence_id, date?, weapons: [as
 * wam_registry_item_add takes them], carrier?, notes?}; each weapon is
 * registered with the importing state's import mark (rule R2: the
 * registry's country and the year) unless it has one, counted against the
 * licence's lines. `*out` is the shipment. */
WAM_API int wam_transfers_shipment_add(wam_db *db, json_t **out, const json_t *shipment);
/* Records the delivery verification certificate: {dvc, date?, notes?};
 * the shipment is `delivered` and its certificate `closed`. */
WAM_API int wam_transfers_shipment_deliver(wam_db *db, json_t **out, const char *id, const json_t *delivery);
/* One shipment with its weapons and lots. */
WAM_API int wam_transfers_shipment_get(wam_db *db, json_t **out, const char *id);
/* Shipments, newest first; `licence_id` filters (NULL: all). */
WAM_API int wam_transfers_shipment_list(wam_db *db, json_t **out, const char *licence_id);

/* ---- diversion ---- */

/* Diversion alerts, newest first: `state` open|traced|closed or NULL. */
WAM_API int wam_transfers_diversion_list(wam_db *db, json_t **out, const char *state);
WAM_API int wam_transfers_diversion_get(wam_db *db, json_t **out, const char *id);
/* Opens a draft trace request for the alert's weapon (wam/trace.h),
 * addressed to the state of destination; the alert is `traced`. `*out` is
 * the alert, naming the request. */
WAM_API int wam_transfers_diversion_trace(wam_db *db, json_t **out, const char *id);
/* Closes an alert: {reason}. */
WAM_API int wam_transfers_diversion_close(wam_db *db, json_t **out, const char *id, const json_t *close);

/* ---- what reports need ---- */

/* The rows UNROCA and ATT reports are made from, for calendar year `year`
 * (0: every year): {direction: export|import, figure: authorised|actual,
 * date, category, partner (final importer, or exporter for an import),
 * origin?, intermediate: [countries], items, value?, currency?,
 * description, licence_id, licence_number, shipment_id?, line (the
 * licence line), goods (weapons|ammunition), notes (the shipment's or the
 * licence's), item_ids? / lot_ids? (what a shipment took of the line)}.
 * Authorised rows come from issued licences' lines, actual ones from
 * shipments.
 * `direction` and `figure` filter (NULL: both). */
WAM_API int wam_transfers_records(wam_db *db, json_t **out, int year, const char *direction, const char *figure);

#ifdef __cplusplus
}
#endif
#endif
