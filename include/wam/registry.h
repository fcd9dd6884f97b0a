/* wam/registry.h — weapons, their markings, sites and holders.
 *
 * Records cross this API as jansson JSON objects, the same shape the CLI
 * prints with --json and the HTTP API sends; docs/registry.md lists every
 * field. Inputs are borrowed (never stolen); every `json_t **out` is a new
 * reference the caller releases with json_decref(). Each mutating call is one
 * transaction (it joins the caller's if one is open) and appends one or more
 * events; on failure nothing is written and wam_error_last() names the field
 * and the rule. */
#ifndef WAM_REGISTRY_H
#define WAM_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers a site (armoury, depot, police station, unit, collection point,
 * ...): {name, kind, country?, lat?, lon?, parent_id?, notes?}. */
WAM_API int wam_registry_site_add(wam_db *db, json_t **out, const json_t *site);

/* One site by id; WAM_ENOTFOUND if there is none. */
WAM_API int wam_registry_site_get(wam_db *db, json_t **out, const char *id);

/* Every site, ordered by name. */
WAM_API int wam_registry_site_list(wam_db *db, json_t **out);

/* Registers a holder (state force, police, dealer, civilian, ...):
 * {type, name, country?, licence?, address?, sex?, age_band?}. `sex`
 * (female, male, other, not_recorded) and `age_band` (under_18, 18_24,
 * 25_34, 35_59, 60_plus, not_recorded) are a person's, for the reports that
 * count people by sex and age; a word outside them fails with WAM_EINVAL
 * naming the field. */
WAM_API int wam_registry_holder_add(wam_db *db, json_t **out, const json_t *holder);

/* Records later the sex and age band of holder `id`: {sex?, age_band?}, at
 * least one, words as for wam_registry_holder_add() (a given one replaces
 * what was recorded, the other stays). One holder.described event. `*out`
 * is the holder as wam_registry_holder_get() shows it. */
WAM_API int wam_registry_holder_describe(wam_db *db, json_t **out, const char *id, const json_t *description);

/* One holder by id, with its `sex` and `age_band` ("not_recorded" when
 * nothing was said). */
WAM_API int wam_registry_holder_get(wam_db *db, json_t **out, const char *id);

/* Every holder, ordered by name. */
WAM_API int wam_registry_holder_list(wam_db *db, json_t **out);

/* Flags for wam_registry_item_add(). */
#define WAM_ALLOW_DUPLICATE 0x1u /* record a duplicate candidate knowingly */
/* The weapon comes in with a recovery (wam/collection.h), which searches
 * for hits itself, its own weapons' siblings excluded. A weapon registered
 * seized, found or surrendered without it is searched for at once. */
#define WAM_IN_RECOVERY 0x200u

/* Registers a weapon: {category, make, model, calibre, serial, country, year,
 * import_marks: [{country, year}], markings: [{component, kind, text,
 * script?, legibility?, altered?, location?, method?}], status?, site_id?,
 * holder_id?, notes?, id?, kind?, part_type?, belongs_to?, manufacture?,
 * converted_from?, frame_material?, serial_component?}. `serial` is the
 * frame/receiver serial; it becomes a marking if no frame serial marking is
 * given. `kind` is "weapon" (the default) or "part", which needs a
 * `part_type` and may name the weapon it `belongs_to`; `converted_from`
 * goes only with manufacture "converted" (docs/registry.md). The marking
 * status is derived (rules R1–R4). If the normalized (make, serial, country) matches a record already
 * there, fails with WAM_ECONFLICT naming both ids unless
 * WAM_ALLOW_DUPLICATE is set, in which case the new record lists the others
 * in `duplicate_of`. A principal confined to sites is told only the ids of
 * those at its sites ("at a site not yours" for the rest), and reads of a
 * weapon show it only those in `duplicate_of`; the record keeps them all. */
WAM_API int wam_registry_item_add(wam_db *db, json_t **out, const json_t *item, unsigned flags);

/* One weapon by id with its markings and import marks, its `kind` and makeup
 * fields where recorded; a weapon lists its `parts` [{id, part_type, serial,
 * make}], a part names the weapon it `belongs_to`. */
WAM_API int wam_registry_item_get(wam_db *db, json_t **out, const char *id);

/* Every weapon whose normalized serial equals that of `serial` (an array,
 * possibly empty). */
WAM_API int wam_registry_item_find_serial(wam_db *db, json_t **out, const char *serial);

/* Filters for wam_registry_item_list(); NULL fields do not filter. */
typedef struct wam_item_filter {
	const char *status;
	const char *site_id;
	const char *make; /* compared case-insensitively */
	const char *category;
	const char *after_id;       /* cursor: only ids greater than this (registration
	                             * order only) */
	int limit;                  /* 0: 50; at most 10000 */
	long offset;                /* weapons of the order skipped before the page */
	const char *sort;           /* NULL: registration order; else registered,
	                             * serial, make, category, country or status, "-"
	                             * before it for the reverse order */
	const char *const *sites;   /* with nsites > 0: only weapons at one of these
	                             * sites (a user confined to sites) */
	int nsites;                 /* at most 64 */
	const char *kind;           /* weapon (frame and lower receiver parts too,
	                             * as the summary counts them) or part */
	const char *part_type;      /* a word of wam_registry_part_types */
	const char *manufacture;    /* a word of wam_registry_manufactures */
	const char *frame_material; /* a word of wam_registry_frame_materials;
	                             * these four in any case, - or space for _ */
} wam_item_filter;

/* Weapons matching `f` in the order it names (registration order by
 * default): an object {items: [...], next, next_offset, total,
 * total_capped}. `next` is the `after_id` of the next page in registration
 * order (null otherwise or at the end), `next_offset` its offset (null at
 * the end). `total` counts every weapon the filter matches (the page and
 * cursor aside): exactly, except with a make or a kind, part_type,
 * manufacture or frame_material, where it stops at 10000 and `total_capped`
 * says so. An unknown status, category, kind, part_type, manufacture,
 * frame_material or sort, or `after_id`
 * with another order or an offset, fails with WAM_EINVAL naming the field. */
WAM_API int wam_registry_item_list(wam_db *db, json_t **out, const wam_item_filter *f);

/* Changes a weapon's status following the state machine in
 * docs/registry.md. `details` carries {reason, document?, certificate?};
 * lost, stolen, deactivated and exported need a reason, deactivated needs a
 * certificate. An illegal transition fails with WAM_ECONFLICT giving the
 * allowed ones. `destroyed` and `exported` are refused (WAM_ECONFLICT
 * naming the procedure): a weapon is destroyed only by closing a
 * destruction batch (wam_stock_destruction_close) and exported only by an
 * export a second person confirms (wam_registry_export_confirm). */
WAM_API int wam_registry_item_set_status(wam_db *db, json_t **out, const char *id, const char *status,
                                         const json_t *details);

/* Links part `part_id` to weapon `weapon_id`, or unlinks it (`weapon_id`
 * NULL; `reason` then required): an item.attached event {weapon_id,
 * reason?}. Refused (WAM_EINVAL naming "id") when `part_id` is not a part
 * or is a frame or lower receiver (which is the weapon), (WAM_EINVAL naming
 * "weapon_id") when `weapon_id` is "", (WAM_ENOTFOUND naming "weapon_id")
 * when no weapon has that id, (WAM_EINVAL naming "weapon_id") when it is a
 * part other than a frame or lower receiver, (WAM_ECONFLICT naming
 * "weapon_id") when it is destroyed or the part already belongs to it, and
 * (WAM_ECONFLICT) detaching a part that belongs to none. `*out` is the part
 * as wam_registry_item_get shows it. */
WAM_API int wam_registry_item_attach(wam_db *db, json_t **out, const char *part_id, const char *weapon_id,
                                     const char *reason);

/* ---- the registry's rules, which other rooms apply too ----
 * The status machine and the marking rules wam_registry_item_add and
 * wam_registry_item_set_status enforce (docs/registry.md), for the records of
 * other rooms that check or derive the same things: custody and
 * destruction follow the status machine, recoveries and trace requests
 * describe markings in the registry's words, a marking task derives the
 * weapon's marking status again. */

/* Where on a weapon a marking is (frame_receiver, barrel, slide, ...,
 * upper_receiver, lower_receiver, conversion_kit: every part type is a
 * component): a NULL-terminated list of lowercase words. */
WAM_API extern const char *const wam_registry_components[];

/* What a marking says (manufacturer, serial, country, year, import, ...):
 * a NULL-terminated list of lowercase words. */
WAM_API extern const char *const wam_registry_marking_kinds[];

/* The script a marking is written in (latin, cyrillic, arabic, persian,
 * cjk, greek, mixed, other): a NULL-terminated list. */
WAM_API extern const char *const wam_registry_scripts[];

/* How well a marking reads (clear, worn, partial, obliterated, restored):
 * a NULL-terminated list. */
WAM_API extern const char *const wam_registry_legibilities[];

/* What a part is (frame_receiver, upper_receiver, lower_receiver, barrel,
 * slide, bolt, bolt_carrier, cylinder, conversion_kit, other): an item of
 * kind "part" has one. A frame_receiver or lower_receiver is the serialised
 * part that counts as the weapon. A NULL-terminated list. */
WAM_API extern const char *const wam_registry_part_types[];

/* How a weapon was made (factory, craft, printed, converted, reactivated,
 * assembled): a NULL-terminated list. */
WAM_API extern const char *const wam_registry_manufactures[];

/* What a converted weapon was before (blank_firing, alarm, gas, signal, air,
 * deactivated, other): a NULL-terminated list. */
WAM_API extern const char *const wam_registry_conversions[];

/* What a weapon's frame is made of (metal, polymer, other). */
WAM_API extern const char *const wam_registry_frame_materials[];

/* How a marking was put on (stamped, engraved, laser, cast, insert — a
 * serialised metal insert —, printed, other). */
WAM_API extern const char *const wam_registry_marking_methods[];

/* True when a weapon whose status is `from` may be given status `to` (the
 * state machine of docs/registry.md); false for an unknown status. Says
 * nothing of what else a change needs (a reason, a certificate, the
 * procedure that alone gives `destroyed` and `exported`). */
WAM_API bool wam_registry_status_allowed(const char *from, const char *to);

/* Writes into `out` (`cap` bytes, truncated to fit) the statuses that may
 * follow `from`, comma separated in the machine's order, or "none" (a final
 * or unknown status): the list an error message names. */
WAM_API void wam_registry_status_next(const char *from, char *out, size_t cap);

/* The marking status of weapon `item` under rules R1-R4: "adequate",
 * "inadequate", "partial", "obliterated", "altered" or "unmarked" (a static
 * string), and why in `reason` (`cap` bytes). `item` is a weapon in full
 * form, as wam_registry_item_get shows it ({serial, make, country,
 * markings, import_marks}); `country` is the registry's own ("" or NULL if
 * unknown), for the import marking of R2. Never fails. */
WAM_API const char *wam_registry_marking_status(const json_t *item, const char *country, char *reason, size_t cap);

/* The details of a status change whose reason the server words: {"reason":
 * the English sentence, "reason_msg": its {"message_id", "args"}} from a
 * wam_message_json answer, which it takes (NULL in, or no memory: NULL). */
WAM_API json_t *wam_registry_reason(json_t *message);

/* The same, the reason as a message (wam_message_json: {"message",
 * "message_id", "args"}) in *reason, NULL without memory. */
WAM_API const char *wam_registry_marking(const json_t *item, const char *country, json_t **reason);

/* The script `text` (UTF-8) is written in, one of wam_registry_scripts: "latin" for
 * text without letters, "mixed" for letters of several scripts. A static
 * string; never fails. */
WAM_API const char *wam_registry_script_detect(const char *text);

/* ---- exports: proposed by one person, confirmed by another ---- */

/* Proposes the export of a weapon: {item_id, reason, document (the export
 * licence or document number), country? (of destination)}. Appends an
 * export.proposed event; the weapon does not change. WAM_EINVAL naming the
 * field, WAM_ENOTFOUND naming "item_id", WAM_ECONFLICT when the weapon's
 * status does not allow `exported` or it already has a waiting proposal.
 * `*out` is the proposal as wam_registry_export_get shows it. */
WAM_API int wam_registry_export_propose(wam_db *db, json_t **out, const json_t *proposal);

/* Confirms waiting proposal `id` as the handle's actor, who must not be the
 * same person as the proposer (wam_auth_same_person: WAM_EFORBIDDEN): an
 * export.confirmed event, then the weapon becomes `exported` with the
 * proposal's reason and document, in one transaction. WAM_ENOTFOUND, or
 * WAM_ECONFLICT when the proposal is no longer waiting or the weapon's
 * status no longer allows it. Which roles may confirm is the front end's
 * check (WAM_ACT_CONFIRM_EXPORT). */
WAM_API int wam_registry_export_confirm(wam_db *db, json_t **out, const char *id);

/* Withdraws waiting proposal `id` with a `reason` (required): an
 * export.withdrawn event; the weapon does not change. */
WAM_API int wam_registry_export_withdraw(wam_db *db, json_t **out, const char *id, const char *reason);

/* One proposal {id, item_id, serial, make, model, status (the weapon's),
 * site_id, reason, document, country, state (proposed | confirmed |
 * withdrawn), proposed_seq, proposed_at, proposed_by, decided_seq,
 * decided_at, decided_by, withdraw_reason}; WAM_ENOTFOUND naming "id". */
WAM_API int wam_registry_export_get(wam_db *db, json_t **out, const char *id);

/* Every proposal, newest first; only those in `state` when it is given. */
WAM_API int wam_registry_export_list(wam_db *db, json_t **out, const char *state);

/* Every event about a weapon, oldest first, each with {seq, time, actor,
 * type, summary, before, after}. */
WAM_API int wam_registry_item_history(wam_db *db, json_t **out, const char *id);

/* What the other rooms hold about a weapon, for its page to link to:
 * {id, losses: [...], hits: [...], traces: [...], recoveries: [...],
 * custody: [...], checks: [...], destructions: [...]} — each part a list,
 * newest first, of {kind, id, date, label: {...}}, `kind` the record's
 * (loss, hit, trace, recovery, custody, check, destruction), `date` its day
 * (YYYY-MM-DD) and `label` what names it in a line (docs/api.md). A part
 * the build has no room for is absent; a principal confined to sites gets
 * only the records of its sites, and no part that covers the whole
 * registry. WAM_ENOTFOUND naming "id" as wam_registry_item_get answers. */
WAM_API int wam_registry_item_links(wam_db *db, json_t **out, const char *id);

/* Counts by status, category, marking status and country of manufacture,
 * the sites holding most weapons and the latest events about weapons:
 * {totals: {items, sites, holders, events}, by_status: {...},
 * by_category: {...}, by_marking_status: {...}, by_country: {CC: n,
 * unknown: n}, by_site: [{id, name, items}] (the 20 largest, largest first),
 * recent: [{seq, time, actor, type, subject, summary}] (the last 10),
 * by_kind: {weapon, part} (a frame_receiver or lower_receiver part counts
 * as a weapon), parts_by_type: {part_type: n}, by_manufacture: {word: n,
 * unknown: n} and by_frame_material: {word: n, unknown: n} (of what counts as
 * weapons)}. */
WAM_API int wam_registry_summary(wam_db *db, json_t **out);

/* The registry's closed vocabularies and its status machine, as the library
 * enforces them, for a front end that offers choices: sets `*out` to
 * {statuses: [...], status_next: {status: [the statuses that may follow]},
 * status_needs_reason: [...], status_needs_certificate: [...],
 * status_final_by_procedure: [the statuses only a destruction or a
 * confirmed export gives], marking_statuses: [...], categories: [{code,
 * kind, name}] (the registry's reference data, in its order), components,
 * marking_kinds, legibilities, scripts, site_kinds, holder_types, kinds,
 * part_types, manufactures, conversions, frame_materials,
 * marking_methods, person_sexes, person_age_bands: [...]}.
 * `*out` is the caller's (json_decref). Fails with WAM_ENOMEM, or WAM_EDB
 * when the categories cannot be read; `*out` is then NULL. */
WAM_API int wam_registry_vocabulary(wam_db *db, json_t **out);

/* The countries the registry accepts, for a front end that offers them by
 * name: [{code, name, former}] with ISO 3166-1 alpha-2 codes first, then
 * the former states of ISO 3166-3 (alpha-4, former true), each with its
 * English name from iso-codes. `*out` is the caller's. WAM_EDB if the
 * reference table cannot be read. */
WAM_API int wam_registry_countries(wam_db *db, json_t **out);

/* The most suggestions wam_registry_suggest() gives at once. */
#define WAM_SUGGEST_MAX 50

/* Values to offer while `field` ("make", "model" or "calibre") is typed:
 * those recorded on weapons and those of the reference data
 * (data/manufacturers.json) that start with `prefix` (NULL or "" for any;
 * ASCII letters compare without case), each once, sorted, at most `limit`
 * (10 when 0 or less, WAM_SUGGEST_MAX at most). With `make`, models are
 * only those of that make. Sets `*out` to an array of strings, the
 * caller's. WAM_EINVAL naming "field" or "prefix" (over 100 bytes);
 * WAM_EDB, WAM_ENOMEM. Reads the whole registry, confined caller or not:
 * the names of makes, models and calibres are vocabulary, not records. */
WAM_API int wam_registry_suggest(wam_db *db, json_t **out, const char *field, const char *prefix, const char *make,
                                 int limit);

/* Options for wam_registry_import(). */
typedef struct wam_import_opts {
	int dry_run;          /* validate everything, write nothing */
	int skip_bad;         /* commit good rows, write bad ones to `rejects` */
	int allow_duplicates; /* like WAM_ALLOW_DUPLICATE for each row */
	FILE *rejects;        /* with skip_bad: rejected rows + a reason column */
	wam_progress_fn progress;
	void *progress_payload;
} wam_import_opts;

/* What an import did. `errors` is a JSON array of {line, column, rule,
 * message}; the caller frees it. */
typedef struct wam_import_report {
	long rows;
	long imported;
	long rejected;
	json_t *errors;
} wam_import_report;

/* Imports weapons from CSV (docs/formats/items-csv.md) or a registry JSON
 * document (docs/formats/registry-json.md, detected by a leading '{'). By
 * default all or nothing: any bad row fails with WAM_EINVAL and writes
 * nothing, with every bad row in `report->errors`. */
WAM_API int wam_registry_import(wam_db *db, wam_import_report *report, FILE *in, const wam_import_opts *opts);

/* Frees what a report holds (not the report). NULL-safe. */
WAM_API void wam_registry_import_report_free(wam_import_report *report);

/* Writes every weapon as CSV (items-csv.md) or the whole registry (sites,
 * holders, weapons) as JSON (registry-json.md). `format` is "csv" or
 * "json". */
WAM_API int wam_registry_export(wam_db *db, FILE *out, const char *format);

/* Options for wam_registry_demo(). */
typedef struct wam_demo_opts {
	long items;    /* how many weapons; 0: 10000 */
	uint64_t seed; /* same seed, same registry content and ids */
	wam_progress_fn progress;
	void *progress_payload;
} wam_demo_opts;

/* Fills an empty registry with a plausible synthetic one from the reference
 * data (data/manufacturers.json, data/demo.json): sites, holders, weapons
 * with markings in several scripts and a few events each. A registry of at
 * least 40 weapons also gets a stockpile's life (src/stock/demo.c): staff
 * users, ammunition lots, custody, a closed stock check with its
 * investigations, recoveries with hand-overs and a marking task, and a
 * closed destruction batch; the recoveries' weapons count towards `items`.
 * Fails with WAM_ECONFLICT if the registry already holds weapons. */
WAM_API int wam_registry_demo(wam_db *db, const wam_demo_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
