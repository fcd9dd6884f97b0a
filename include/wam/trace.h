/* wam/trace.h — tracing: lost and stolen weapons, hits between recovered
 * weapons and the registry, ITI trace requests and their responses, the
 * signed documents two registries exchange, and SDG indicator 16.4.2.
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction (joining the caller's if one is
 * open), and on failure nothing is written and wam_error_last() names the
 * field and the rule. docs/trace.md describes the fields, states and rules;
 * docs/formats/trace-request.md the exchange document and
 * docs/formats/lost-stolen-csv.md the lost/stolen list. */
#ifndef WAM_TRACE_H
#define WAM_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- lost and stolen weapons ---- */

/* Reports a weapon lost or stolen: {kind: lost|stolen, date (YYYY-MM-DD),
 * place?, circumstances, reported_by, agency?, police_ref?, item_id | item}.
 * `item_id` names a registry weapon, whose status becomes `kind` through
 * wam_registry_item_set_status(); `item` registers one the registry does not
 * hold yet (a civilian's weapon, a foreign notice) with status `kind`.
 * Recovered weapons are then searched for it (wam_trace_hit_scan), so a weapon
 * seized before its theft was reported still gives a hit. `*out` is the
 * report: {id, kind, date, place, circumstances, reported_by, agency,
 * police_ref, item_id, open (the weapon is still lost or stolen), hits}. */
WAM_API int wam_trace_loss_report(wam_db *db, json_t **out, const json_t *report);

/* Closes a loss report of ammunition only (one that names no weapon:
 * a weapon's report closes when its status changes): `close` is {reason,
 * recovery_id?: the recovery, holding ammunition, that brought the rounds
 * back}. Records loss.closed; the report shows `closed` {reason,
 * recovery_id, seq} and is no longer open. WAM_ECONFLICT naming "id" for a
 * weapon's report or one closed already; WAM_EINVAL naming the field for a
 * missing reason or a recovery that is not one or holds no ammunition.
 * `*out` is the report as wam_trace_loss_list() shows it. */
WAM_API int wam_trace_loss_close(wam_db *db, json_t **out, const char *id, const json_t *close);

/* Loss reports, newest first; `open_only` keeps those whose weapon is still
 * lost or stolen and those of ammunition not closed
 * (wam_trace_loss_close). Each shows `closed` (null unless closed). Each with the weapon's serial, make, model,
 * calibre. */
WAM_API int wam_trace_loss_list(wam_db *db, json_t **out, int open_only);

/* Writes the open loss reports in the lost/stolen CSV layout
 * (docs/formats/lost-stolen-csv.md), for an iARMS-style database. */
WAM_API int wam_trace_loss_export(wam_db *db, FILE *out);

/* ---- hits ---- */

/* A candidate scoring at least this (0–100, docs/match.md) is a hit. With
 * make, model, calibre and country agreeing, a serial searched with two
 * edits scores 87.5 for two OCR-class misreads (1/I, 6/G), 75 for one other
 * wrong character, 68.75 for one of each and 50 for two other wrong
 * characters: 65 keeps the first three and leaves the last out. */
#define WAM_HIT_MIN_SCORE 65

/* Searches the registry for each weapon of recovery `recovery_id` (or of
 * every recovery when NULL, and for every open loss report among recovered
 * weapons) with the fuzzy matcher, up to two edits, and records each strong
 * candidate not already a hit as `hit.found`. wam_collection_recovery_add()
 * and wam_trace_loss_report() call this inside their transaction. `*out`
 * (`out` may be NULL) is the array of new hits. */
WAM_API int wam_trace_hit_scan(wam_db *db, json_t **out, const char *recovery_id);

/* Filters for wam_trace_hit_list(); NULL fields do not filter. */
typedef struct wam_hit_filter {
	const char *state;        /* open, confirmed, rejected */
	const char *const *sites; /* with nsites > 0: hits whose registered weapon is at one of these */
	int nsites;
	const char *item_id; /* hits whose recovered or registered weapon is this one */
} wam_hit_filter;

/* Hits, open first then newest: {id, state, score, reason, distance,
 * recovery_id, recovered: {id, serial, make, model, calibre, country,
 * category, status, site_id}, registered: {same fields, holder_id},
 * owner_site_id, found_seq, decided_seq, decision_reason}. */
WAM_API int wam_trace_hit_list(wam_db *db, json_t **out, const wam_hit_filter *f);

/* One hit with both weapons in full (as wam_registry_item_get shows them)
 * side by side under `recovered` and `registered`, each with its holder's
 * {id, name, type} under `holder` (never the licence or address), and the
 * matcher's edits. */
WAM_API int wam_trace_hit_get(wam_db *db, json_t **out, const char *id);

/* Decides an open hit: {decision: confirm|reject, reason, point_of_diversion?:
 * {category, country?, date?, description?}}. Confirming says the two
 * records are one weapon: the registered weapon, if lost or stolen, takes
 * the recovery's type as its status, and the recovered weapon's illicit
 * origin counts as traced (point of diversion from the registered weapon's
 * holder unless given). A decided hit cannot be decided again
 * (WAM_ECONFLICT). */
WAM_API int wam_trace_hit_decide(wam_db *db, json_t **out, const char *id, const json_t *decision);

/* Records that a competent authority established a recovered weapon's
 * illicit origin other than by tracing (SDG 16.4.2): {method:
 * investigation|intelligence|other, category, country?, date?, description?}.
 * `*out` is the weapon's origin record. */
WAM_API int wam_trace_origin_establish(wam_db *db, json_t **out, const char *item_id, const json_t *origin);

/* ---- trace requests and responses (ITI section V, ISACS 05.31) ---- */

/* Days the requested state has to acknowledge and to answer, when sending
 * does not say (`ack_days`, `reply_days`). The ITI sets no deadline; these
 * are targets for reminders, configurable per request. */
#define WAM_TRACE_ACK_DAYS 14
#define WAM_TRACE_REPLY_DAYS 60

/* Creates a draft request: {direction?: outgoing (default)|incoming,
 * reference?, requesting: {kind?, name?, state, agency?, contact: {name,
 * email?, phone?}}, requested: {kind?, name?, state, agency?, via?:
 * national_contact_point|interpol},
 * item_id?, item: {make?, model?, category?, calibre?, serial?,
 * serial_reason?, country?, import_country?, year?, markings: [{component,
 * kind, text}], photos: [sha256 hex]}, illicit_reason?:
 * illicit_national_law|embargo_violation|inadequately_marked|
 * illicit_manufacture|unauthorised_transfer, justification?, recovery:
 * {recovery_id?, date?, place?, circumstances?}, intended_use?,
 * confidentiality?: unclassified|restricted (default)|confidential,
 * urgency?: routine (default)|urgent|immediate, notes?}. A party's kind is
 * state (the default: such a party is stored and exchanged without `kind`,
 * as before kinds), panel (a Panel of Experts), mission (a peace
 * operation) or manufacturer; a state is known by its `state`, any other
 * party by its `name` (required to send; its `state` optional: a
 * manufacturer's country, a mission's host). With `item_id`,
 * item fields not given are taken from that weapon (markings, photos of its
 * recoveries) and recovery fields from its latest recovery. A draft may
 * miss anything; only sending checks rule R10. `*out` is the request as
 * wam_trace_request_get() shows it. */
WAM_API int wam_trace_request_draft(wam_db *db, json_t **out, const json_t *request);

/* Changes a draft: the fields given replace the draft's (objects merged one
 * level deep); null removes a field, inside a merged object too
 * ({"item": {"serial": null}}). Fields taken from the weapon `item_id`
 * names are taken again only when the change names another weapon. A
 * change that changes nothing appends no event and `*out` is the draft as
 * it is. Only drafts change (WAM_ECONFLICT). */
WAM_API int wam_trace_request_update(wam_db *db, json_t **out, const char *id, const json_t *changes);

/* The data-quality of a request (a stored one by `id`, or `request` when
 * `id` is NULL): {score: 0–100, complete: bool (nothing R10 requires is
 * missing), sendable: bool (complete and outgoing; an incoming request is
 * complete or not, never sendable), missing: [{field, rule, message}] (R10:
 * what blocks sending), doubtful: [{field, message}] (present but
 * questionable: a serial with '?' or '*', one with fewer than 4 readable
 * letters or digits, an illegible marking, no photo ...), recommended:
 * [{field, message}]}. */
WAM_API int wam_trace_request_quality(wam_db *db, json_t **out, const char *id, const json_t *request);

/* Sends a draft: {date? (today, not after today), ack_days?, reply_days?}.
 * Fails with WAM_EINVAL naming the first field R10 finds missing (the
 * message lists all) and changes nothing. Sets the acknowledgement and reply due dates. */
WAM_API int wam_trace_request_send(wam_db *db, json_t **out, const char *id, const json_t *details);

/* The requested state acknowledged receipt: {date? (today, not after
 * today), note?}. */
WAM_API int wam_trace_request_acknowledge(wam_db *db, json_t **out, const char *id, const json_t *details);

/* Records a response to a sent or acknowledged request: {result:
 * record_found|no_record|partial|delayed|restricted|refused, date?,
 * chain: [{date?, from?, consignee, country?, licence?, euc?, note?}],
 * last_holder: {name, type?, country?, date?}, point_of_diversion:
 * {category: illicit_manufacture|civilian_holder|state_stocks|
 * transfer_export|other, country?, date?, description?}, restriction_reason
 * (required for delayed, restricted and refused), confidentiality?
 * (the request's unless given), notes?}. Its date, the chain's and the
 * last holder's are not after today. `delayed` keeps the request
 * acknowledged with a new reply date (`reply_days`); any other result
 * answers it. */
WAM_API int wam_trace_request_respond(wam_db *db, json_t **out, const char *id, const json_t *response);

/* Closes an answered request, or withdraws an unanswered one: {reason}. */
WAM_API int wam_trace_request_close(wam_db *db, json_t **out, const char *id, const json_t *details);

/* Flags for wam_trace_request_get() and wam_trace_request_list(). */
#define WAM_TRACE_CONFIDENTIAL 0x1u /* show restricted and confidential responses in full (R11) */

/* One request with its responses and, for each state, the date: {id,
 * direction, state, reference, requesting, requested, item_id, item,
 * illicit_reason, justification, recovery, intended_use, confidentiality,
 * urgency, notes, created, sent, ack_due, reply_due, acknowledged, answered,
 * closed, overdue (null, "acknowledgement" or "reply"), remote (for an
 * imported one: {node_id, request_id}), quality, responses: [...]}. Without
 * WAM_TRACE_CONFIDENTIAL, a response whose confidentiality is restricted or
 * confidential shows only {result, date, confidentiality, withheld: true}. */
WAM_API int wam_trace_request_get(wam_db *db, json_t **out, const char *id, unsigned flags);

/* The responses of `request` (as wam_trace_request_get() returns it) whose
 * confidentiality is restricted or confidential, named as the record of a
 * read of them names them (wam_auth_log_read): ["responses[0]", ...]. A new
 * array, empty when there are none (or `request` has no responses); the
 * caller frees it. Front ends showing such responses in full log their read
 * with it (R11). */
WAM_API json_t *wam_trace_request_restricted_responses(const json_t *request);

/* Rule R11 for one response: true unless its confidentiality is
 * "unclassified" (a response without a level is kept restricted). Every
 * reader of responses — a request, the ledger's events, the SDG records —
 * withholds by this one test. */
WAM_API bool wam_trace_request_response_restricted(const json_t *response);

/* Filters for wam_trace_request_list(); NULL fields do not filter. */
typedef struct wam_trace_filter {
	const char *direction; /* outgoing, incoming */
	const char *state;
	int overdue_only;      /* those past their acknowledgement or reply date */
	const char *item_id;
} wam_trace_filter;

/* Requests, newest first, without item details and responses: {id,
 * direction, state, reference, requesting_state, requested_state,
 * requesting_kind, requesting_name, requesting_label, requested_kind,
 * requested_name, requested_label, item_id, serial, urgency,
 * confidentiality, sent, ack_due, reply_due, overdue, result (the latest
 * response's, or null), score}. A label is a state's code, or another
 * party's name with its state in parentheses when it has one. */
WAM_API int wam_trace_request_list(wam_db *db, json_t **out, const wam_trace_filter *f);

/* ---- exchange between registries (docs/formats/trace-request.md) ---- */

/* This registry's identity for exchange: {node_id, name, country,
 * public_key (hex Ed25519)}. */
WAM_API int wam_trace_node(wam_db *db, json_t **out);

/* Trusts another registry's documents: {name, country, node_id,
 * public_key}. A node id whose key was revoked may be trusted again with a
 * new key (peer.added again: the key replaced, the revocation cleared).
 * WAM_ECONFLICT naming "node_id" for a node id or key trusted already,
 * naming "public_key" for a key ever revoked (never trusted again). `*out`
 * (may be NULL) is the peer as wam_trace_peer_list() shows it. */
WAM_API int wam_trace_peer_add(wam_db *db, json_t **out, const json_t *peer);
/* Every peer, revoked ones too, by name: {node_id, name, country,
 * public_key, seq, active (false once revoked), revoked_seq, revoked_at
 * (the event's time), revoked_reason} (the revoked_* null while active). */
WAM_API int wam_trace_peer_list(wam_db *db, json_t **out);
/* Stops trusting peer `node_id`'s key (compromised, or the other registry
 * re-keyed): `details` {reason} (required). The peer stays listed, and the
 * documents already imported from it stay as they are; a document it sends
 * is refused from then on (WAM_EFORBIDDEN naming "node", saying when and
 * why). Event peer.revoked {reason, public_key}. WAM_ENOTFOUND ("node_id")
 * for no such peer, WAM_ECONFLICT ("node_id") for one revoked already,
 * WAM_EINVAL naming the field for a missing reason or an unknown field;
 * nothing written then. `*out` (may be NULL) is the peer as listed. */
WAM_API int wam_trace_peer_revoke(wam_db *db, json_t **out, const char *node_id, const json_t *details);

/* The signed exchange document for request `id`: for an outgoing request
 * (sent or later) the request; for an incoming one with a response, the
 * response; for an incoming one acknowledged and not answered, the
 * acknowledgement (kind "acknowledgement": {request: {id, reference},
 * acknowledgement: {date, note?}}). Signed with this node's key over the
 * canonical JSON of the document without its `signature`. */
WAM_API int wam_trace_request_export(wam_db *db, json_t **out, const char *id);

/* Imports an exchange document: a request becomes an incoming request, an
 * acknowledgement acknowledges the outgoing request it names (still `sent`),
 * a response is recorded against the outgoing request it answers. Fails
 * with WAM_EINTEGRITY ("signature") if the document was altered,
 * WAM_EFORBIDDEN ("node") if its node is not a trusted peer, was revoked, its
 * key is not the one trusted or an acknowledgement or response comes from another
 * party than the one asked, WAM_EFORBIDDEN ("request.requested.state") for
 * a request asking another state than this registry's country
 * ("request.requested.name" for a Panel, mission or manufacturer asked by
 * another name than this registry's, names compared case-folded),
 * WAM_EFORBIDDEN ("request.requesting.state" or ".name") for a request
 * asking in the name of another party than the peer (its country, or the
 * name this registry trusts it by),
 * WAM_ECONFLICT if it was imported already (or the request it names no
 * longer waits for it), and changes nothing. `*out` is the request as
 * wam_trace_request_get() shows it to a tracer. */
WAM_API int wam_trace_request_import(wam_db *db, json_t **out, const json_t *document);

/* ---- SDG indicator 16.4.2 ---- */

/* The years a report can be asked for. */
#define WAM_SDG_YEAR_MIN 1900
#define WAM_SDG_YEAR_MAX 2100

/* The scope of the report. */
typedef struct wam_sdg_scope {
	int year;             /* recoveries dated in this year (WAM_SDG_YEAR_MIN to _MAX, else WAM_EINVAL "year") */
	const char *site_id;  /* NULL: the whole registry; else this site and every site under it */
} wam_sdg_scope;

/* SDG 16.4.2 for the scope: {year, site_id, indicator: {value (percent, two
 * decimals, null when nothing was recovered), numerator, denominator},
 * counts: {recovered, seized, found, surrendered, identified,
 * trace_initiated, traced_successfully, established_otherwise},
 * by_type: {pistol_revolver|rifle|shotgun|smg|machine_gun|other:
 * {recovered, numerator}}, by_result: {illicit_manufacture|civilian_holder|
 * state_stocks|transfer_export|other|not_established: n},
 * by_context: {context: n}, by_manufacture: {factory|craft|printed|
 * converted|reactivated|assembled|unknown: {recovered, numerator}},
 * by_sex: {female|male|other|not_recorded: {recovered, numerator}},
 * by_age_band: {under_18|18_24|25_34|35_59|60_plus|not_recorded:
 * {recovered, numerator}} (the sex and age band of the person of each
 * weapon's recovery, not_recorded when it says none; each split sums to
 * recovered and to the numerator), ammunition: {rounds, lines, by_context: {context: rounds}, by_calibre:
 * {calibre: rounds}}, parts: {recovered, by_context: {context: n}, by_type:
 * {part type: n}}}. A recovered part that is not a frame_receiver or
 * lower_receiver is no weapon: it leaves the weapon counts and counts among
 * `parts` (which count frames and receivers too). Every figure is
 * reproducible from the events (docs/trace.md gives each rule). */
WAM_API int wam_trace_sdg_report(wam_db *db, json_t **out, const wam_sdg_scope *scope);

/* The recovered weapons behind one figure of the report: `figure` is a
 * counts key ("seized", "traced_successfully", ...), "numerator",
 * "by_type.<type>[.numerator]", "by_manufacture.<manufacture>[.numerator]",
 * "by_sex.<sex>[.numerator]", "by_age_band.<band>[.numerator]",
 * "by_result.<category>" or "by_context.<context>" (a recovery context or
 * "unknown"). The IAFQ figures list other records: "ammunition.rounds",
 * "ammunition.lines", "ammunition.by_context.<context>",
 * "ammunition.by_calibre.<calibre>" give the recovered ammunition lines
 * [{recovery_id, line, recovery_type, date, context, calibre, type,
 * headstamp_text, headstamp_factory, headstamp_year, lot, rounds}];
 * "parts.recovered", "parts.by_context.<context>", "parts.by_type.<type>"
 * the parts [{item_id, recovery_id, recovery_type, date, context,
 * part_type, serial, make, model, belongs_to}]. Anything else,
 * an unknown type, category or context included, is WAM_EINVAL naming
 * "figure". `*out` is [{item_id, recovery_id, recovery_type, date, serial,
 * make, model, category, marking_status, traced (request, hit, registry or
 * null), result, origin, manufacture, person_sex, person_age_band, request_id (the trace request whose response
 * traced it, when traced is "request"), restricted (that response's name
 * as wam_trace_request_restricted_responses() gives it, when it is restricted or
 * confidential; else null), withheld}], by date.
 *
 * R11: without WAM_TRACE_CONFIDENTIAL in `flags`, a record whose result
 * comes from a restricted or confidential response shows `result` null and
 * `withheld` true; in a by_result figure, which says that result by
 * listing the weapon, such a record shows every field null but `withheld`,
 * after the others. The report's figures, and so the number of records,
 * stay the same either way: they are statistics, and a response's result
 * (record found) is no secret. A front end showing the records in full
 * logs the read of each `restricted` response of `request_id`
 * (wam_auth_log_read), as for wam_trace_request_get(). */
WAM_API int wam_trace_sdg_report_records(wam_db *db, json_t **out, const wam_sdg_scope *scope, const char *figure,
                                         unsigned flags);

/* Writes the report as CSV: one `figure,value` row per number. */
WAM_API int wam_trace_sdg_report_csv(const json_t *report, FILE *out);

/* ---- vocabularies ---- */

/* The words tracing accepts, from the very tables its commands check
 * against, for a front end to offer: {loss_kinds, hit_decisions,
 * diversion_categories: [a point of diversion's category],
 * trace_directions, trace_vias, trace_party_kinds: [who may ask or be
 * asked], illicit_reasons, confidentialities,
 * urgencies, trace_results, trace_results_need_reason: [the results a
 * response must say why for], trace_states, sdg_weapon_types, sdg_results,
 * sdg_counts: [the report's keys, in its order]}. `*out` is the caller's
 * (json_decref). Fails only with WAM_ENOMEM; `*out` is then NULL. */
WAM_API int wam_trace_vocabulary(json_t **out);

#ifdef __cplusplus
}
#endif
#endif
