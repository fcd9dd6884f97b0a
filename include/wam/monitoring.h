/* wam/monitoring.h — arms embargo monitoring in the field: what a mission's
 * embargo cell or a Panel of Experts saw (observations, with their items,
 * documents, photos and graded sources), what it concludes (findings, held
 * to the evidence rule R13), what an actor or a country is seen to hold
 * (profiles), the signed evidence pack a Panel verifies in its own
 * registry, and the periodic report to a sanctions committee.
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction (joining the caller's if one is
 * open), and on failure nothing is written and wam_error_last() names the
 * field (with its row: "items[2].markings[0].text") and the rule.
 * docs/monitoring.md describes the fields and rules,
 * docs/formats/observation.md the input and docs/formats/evidence-pack.md
 * the pack.
 *
 * Who may: recording and reading observations, findings, profiles, packs
 * and reports is WAM_ACT_MONITOR (wam/auth.h); a source's identity is
 * opened only for whoever recorded it and for WAM_ACT_READ_SOURCES. */
#ifndef WAM_MONITORING_H
#define WAM_MONITORING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The words the monitoring room accepts, from the very tables its commands
 * check against, for a front end to offer: {observation_kinds: [armoury_inspection,
 * seizure, battlefield_recovery, cache_recovery, market, border_crossing,
 * document, open_source, witness], actor_kinds: [armed_group, unit, person,
 * company, state], source_types: [physical_inspection, document, official,
 * witness, media, open_source], reliability: [A..F], credibility: [1..6],
 * item_kinds: [weapon, ammunition, part], document_kinds: [euc, waybill,
 * bill_of_lading, invoice, manifest, other], finding_states: [draft,
 * corroborated, reported], link_kinds: [observation, trace, hit]}. Fails
 * only with WAM_ENOMEM. */
WAM_API int wam_monitoring_vocabulary(json_t **out);

/* ---- observations ---- */

/* Records an observation (docs/formats/observation.md):
 * {kind, observed_at (YYYY-MM-DD or ISO 8601 date-time, not in the future),
 *  place: {name?, admin_area?, country (ISO 3166-1 alpha-2), lat?, lon?},
 *  unit, officer, reference?,
 *  actor?: {kind, name (any script), country?, aliases?: [..], notes?},
 *  regime? (an embargo regime id of the embargo room, when it has it),
 *  sources: [{type, independent (bool), reliability (A–F), credibility
 *             (1–6), ref? (the cell's own code: the same ref in two
 *             observations is the same source), identity? (who or what:
 *             sealed, see below), description?}] (at least one),
 *  items: [{kind: weapon|part, make?, model?, category?, calibre?, serial?,
 *           country? (of manufacture), year?, markings: [{component, kind,
 *           text (as read, any script)}], quantity? (1), photos: [sha256],
 *           notes?}
 *        | {kind: ammunition, calibre, type?, headstamp?: {text, factory?,
 *           year?}, lot?, packaging_marks?, crate_marks?, quantity (rounds),
 *           packages?, photos: [sha256], notes?}],
 *  documents: [{kind, number?, issuer?, date?, description?, photos:
 *               [sha256]}],
 *  photos: [{hash, caption?}], notes?}.
 * Every photo named must be in the photo store already (wam_photo_add).
 * A source's `identity` is never written in clear: the event and the
 * projection keep it sealed (XChaCha20-Poly1305 under a key derived from
 * the registry's pseudonym key), and only a reader allowed to see it (see
 * wam_monitoring_observation_get) has it opened. The actor, if any, is
 * screened (embargoes, sanctions lists) and the screening kept. Each
 * weapon or part with a serial is searched in the registry (its candidates
 * kept as the observation's `matches`); earlier observations of the same
 * serial (same make), or of the same ammunition lot and headstamp, are
 * `links` of both. The principal recording it is its `recorded_by`.
 * `*out` is the observation as wam_monitoring_observation_get() shows it. */
WAM_API int wam_monitoring_observation_add(wam_db *db, json_t **out, const json_t *observation);

/* One observation: the input's fields, and {id, recorded_by, recorded_at,
 * screening, matches: [{item (index), item_id, serial, make, class,
 * score}], links: [{item (index), observation_id, observed_at, place,
 * actor, item: index there, why: serial|lot}], findings: [{id, state,
 * statement}], traces: [{item (index), request_id, state}]}. Each source
 * shows {type, independent, reliability, credibility, ref, description,
 * identity_held (bool)}; `identity` is shown only to the principal who
 * recorded the observation, to a role allowed WAM_ACT_READ_SOURCES, and to
 * the registry's owner (no principal) — and each such read is logged
 * (wam_auth_log_read, subject the observation, fields
 * ["sources[0].identity", ...]). */
WAM_API int wam_monitoring_observation_get(wam_db *db, json_t **out, const char *id);

/* Filters for wam_monitoring_observation_list(); NULL or 0 does not filter. */
typedef struct wam_observation_filter {
	const char *actor;   /* the actor's name or an alias, compared as names are (any script, case, particles) */
	const char *country; /* the place's country */
	const char *kind;
	const char *regime;
	const char *since;   /* observed on or after, YYYY-MM-DD */
	const char *until;   /* observed on or before */
	int limit;           /* at most this many (0: all) */
} wam_observation_filter;

/* Observations, newest observed first, without sources' details and items'
 * markings: {id, kind, observed_at, place, actor, regime, unit, weapons
 * (count of weapon and part items' quantities), rounds, documents, photos,
 * sources, findings (count), links (count)}. */
WAM_API int wam_monitoring_observation_list(wam_db *db, json_t **out, const wam_observation_filter *f);

/* Drafts a trace request (wam/trace.h) for item `item` (index) of
 * observation `id` in one step: the item's make, model, category, calibre,
 * serial, country, markings and photos, the observation's date, place and
 * kind as the recovery circumstances, illicit_reason embargo_violation when
 * the observation names a regime; `details` gives the rest as
 * wam_trace_request_draft() takes it ({requesting, requested, ...}; its
 * fields win). The request is listed in the observation's `traces`. `*out`
 * is the request as wam_trace_request_get() shows it. */
WAM_API int wam_monitoring_observation_trace(wam_db *db, json_t **out, const char *id, int item,
                                             const json_t *details);

/* ---- findings ---- */

/* Drafts a finding: {statement, regime?, actor?: {kind, name, country?},
 * period?: {from, to} (YYYY-MM-DD), country?, supersedes? (a reported
 * finding this one corrects), notes?, links?: [ids as wam_monitoring_finding_link
 * takes]}. State draft. `*out` as wam_monitoring_finding_get(). */
WAM_API int wam_monitoring_finding_add(wam_db *db, json_t **out, const json_t *finding);

/* Links evidence to a finding: `target` is the id of an observation, a
 * trace request or a hit (the kind found from the id), `note` may be NULL.
 * Linking what is linked already changes nothing. A reported finding is
 * frozen (WAM_ECONFLICT). */
WAM_API int wam_monitoring_finding_link(wam_db *db, json_t **out, const char *id, const char *target, const char *note);

/* Removes a link from a draft finding (a corroborated or reported one keeps
 * the evidence it was corroborated on: WAM_ECONFLICT). */
WAM_API int wam_monitoring_finding_unlink(wam_db *db, json_t **out, const char *id, const char *target);

/* The evidence rule R13 for a finding, from its linked evidence:
 * {holds (bool), rule ("two_independent_sources" or
 * "physical_and_documentary" when it holds, else null),
 * independent_sources (distinct sources marked independent, graded better
 * than reliability E and credibility 5, a ref counted once),
 * physical (a physical_inspection source), documentary (a document source,
 * a document recorded in an observation, or a trace request answered
 * record_found or partial), message_id, message (why it holds or what is
 * missing)}. */
WAM_API int wam_monitoring_finding_rule(wam_db *db, json_t **out, const char *id);

/* Marks a draft finding corroborated — only when the rule holds, else
 * WAM_ECONFLICT naming "evidence" with the rule's message; the verdict is
 * kept with it. */
WAM_API int wam_monitoring_finding_corroborate(wam_db *db, json_t **out, const char *id);

/* Marks a corroborated finding reported: {to (the committee or Panel it
 * went to), date? (today; not in the future), reference?}. A reported
 * finding is frozen: a correction is a new finding with `supersedes`. */
WAM_API int wam_monitoring_finding_report(wam_db *db, json_t **out, const char *id, const json_t *report);

/* One finding: {id, state, statement, regime, actor, period, country,
 * notes, supersedes, superseded_by, created, created_by, corroborated,
 * reported: {to, date, reference} | null, rule (as
 * wam_monitoring_finding_rule), links: [{kind, target, note, label, date}]}. */
WAM_API int wam_monitoring_finding_get(wam_db *db, json_t **out, const char *id);

/* Findings, newest first: {id, state, statement, regime, actor, country,
 * created, links (count), holds}. `state` and `regime` filter (NULL: all). */
WAM_API int wam_monitoring_finding_list(wam_db *db, json_t **out, const char *state, const char *regime);

/* ---- profiles ---- */

/* What an actor is seen to hold (observations whose actor is `name`, as
 * the observation list's filter compares names): {actor, observations
 * (count), first_seen, last_seen, weapons: {total, by_category, by_make,
 * by_country, by_year}, ammunition: {rounds, by_calibre, by_factory,
 * by_year}, timeline: [{month (YYYY-MM), weapons, rounds, observations}]}
 * where every by_* is [{key, count, first_seen, last_seen, observations:
 * [ids]}] largest first, so each figure drills down to its observations. */
WAM_API int wam_monitoring_profile_actor(wam_db *db, json_t **out, const char *name);

/* The same for the observations made in country `cc`, grouped as well by
 * actor (`by_actor`). With `compare_imports`, each weapon category, make
 * and country of manufacture seen carries `imports` (items recorded
 * imported into or exported to `cc` in the transfers room) and
 * `lawful_import` (false when none is recorded): what was seen and never
 * lawfully entered stands out — the baseline of the report's §28. */
WAM_API int wam_monitoring_profile_country(wam_db *db, json_t **out, const char *cc, bool compare_imports);

/* ---- evidence packs (docs/formats/evidence-pack.md) ---- */

/* Flags for wam_monitoring_evidence_pack(). */
#define WAM_EVIDENCE_REDACT_SOURCES 0x1u /* sources keep type, grade and independence, lose identity, ref and description */

/* Writes finding `id`'s evidence pack to `path` (created owner-only, the
 * file replaced only when complete): a POSIX tar archive (libarchive)
 * holding manifest.json (every other file's path, size and BLAKE2b-256),
 * finding.json, observations/<id>.json, photos/<sha256>.<ext>,
 * traces/<id>.json, hits/<id>.json, custody.json (the ledger events of the
 * finding and of what it links, with their sequence numbers and hashes),
 * and signature.json (Ed25519 by this node's key over the manifest's bytes,
 * with node id, name, country and public key). Making a pack is a
 * sensitive act: it is logged (evidence.packed event). `*out` {path, files,
 * bytes, manifest_hash, redacted}. */
WAM_API int wam_monitoring_evidence_pack(wam_db *db, json_t **out, const char *id, const char *path, unsigned flags);

/* Verifies a pack (from a file, or from memory when `path` is NULL):
 * `public_key` (hex Ed25519) or NULL to require a signer this registry is
 * or trusts as a peer. `*out` {valid (bool), signer: {node_id, name,
 * country, public_key, trusted}, finding: {id, state, statement},
 * files: n, problems: [{file, problem: altered|missing|unexpected|
 * unreadable|signature, message}]}. Returns 0 when the pack could be
 * read, whatever its verdict (`valid` says), WAM_EINVAL for what is not an
 * evidence pack at all. */
WAM_API int wam_monitoring_evidence_verify(wam_db *db, json_t **out, const char *path, const void *bytes, size_t n,
                                           const char *public_key);

/* ---- the periodic report to a sanctions committee ---- */

/* The report of `from`..`to` (YYYY-MM-DD, from not after to) for `regime`
 * (NULL: every regime), generated from the records: {regime, from, to,
 * generated, observations: {total, by_kind, by_area (admin area, or the
 * place's country when none)}, weapons: {total, by_category, by_make,
 * by_country}, ammunition: {rounds, by_calibre, by_factory}, findings:
 * [{id, state, statement, actor, period, rule (verdict), links (count),
 * reported}] (reported, then corroborated, then draft), superseded: [...]}
 * with every by_* as in the profiles. A front end renders it in its
 * reader's language; the console prints it. */
WAM_API int wam_monitoring_committee_report(wam_db *db, json_t **out, const char *regime, const char *from,
                                            const char *to);

/* Writes `report` (as wam_monitoring_committee_report gives it) as one
 * printable HTML page in English, its styles inside, every text escaped. */
WAM_API int wam_monitoring_committee_report_html(const json_t *report, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
