/* wam/collection.h — field collection: weapons seized, found or surrendered
 * (DDR, amnesties, seizures), their chain of custody and photos, and the
 * tasks to mark or destroy what arrives unmarked (rule R5).
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction (joining the caller's if one is
 * open), and on failure nothing is written and wam_error_last() names the
 * field and the rule. docs/collection.md describes the fields and rules. */
#ifndef WAM_COLLECTION_H
#define WAM_COLLECTION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Days a weapon recovered unmarked, obliterated or altered has to be marked
 * or destroyed when the recovery does not say (`task_days`). */
#define WAM_COLLECTION_TASK_DAYS 90

/* The contexts a recovery is made in (its `context`), NULL-terminated:
 * armed_group, cache, battlefield, border_interdiction, amnesty, ddr,
 * crime, other. */
WAM_API extern const char *const wam_collection_recovery_contexts[];

/* The legal justifications a recovery is made under (its
 * `legal_justification`; the UNODC questionnaire counts by them),
 * NULL-terminated: illicit_possession, illicit_trafficking,
 * illicit_manufacturing, altered_markings, use_in_crime,
 * administrative_violation, voluntary_surrender, other, not_recorded. */
WAM_API extern const char *const wam_collection_legal_justifications[];

/* The words the collection room accepts, from the very tables its commands
 * check against, for a front end to offer: {recovery_types: [seized, found,
 * surrendered], recovery_contexts: [wam_collection_recovery_contexts],
 * legal_justifications: [wam_collection_legal_justifications],
 * person_sexes: [female, male, other, not_recorded], person_age_bands:
 * [under_18, 18_24, 25_34, 35_59, 60_plus, not_recorded]}.
 * `*out` is the caller's (json_decref). Fails only with WAM_ENOMEM; `*out`
 * is then NULL. */
WAM_API int wam_collection_vocabulary(json_t **out);

/* Records a recovery: {type: seized|found|surrendered, date (YYYY-MM-DD),
 * place?, lat?, lon?, admin_area?, context?, officer, person?, person_sex?,
 * person_age_band?, legal_justification?, site_id?, notes?, task_days?,
 * weapons?: [item | {item_id}, ...], ammunition?: [line, ...]}: at least one weapon or one ammunition line, at most
 * 1000 of each. An ammunition line is {calibre, type?, headstamp?: {text, factory?, year?}, lot?, packaging_marks?,
 * crate_marks?, quantity (rounds), packages?, photos?: [sha256 hashes of its photos], notes?}, its errors naming
 * `ammunition[i].field`. Each new weapon is registered as wam_registry_item_add() would (its status is the recovery
 * type unless it says otherwise); {item_id} names a weapon already
 * registered (lost, stolen ...), whose status becomes the recovery type
 * through wam_registry_item_set_status(). `person` (a name or document number of whoever
 * surrendered the weapons) is never stored: the recovery keeps only its
 * pseudonym (wam_collection_pseudonym). A weapon whose marking status is
 * unmarked, obliterated or altered gets a task to mark or destroy it, due
 * `task_days` after the recovery date. Its weapons are searched for hits
 * in the same transaction (wam_trace_hit_scan). `*out` is the recovery as
 * wam_collection_recovery_get() shows it, hits included.
 * `person_sex` (female, male, other, not_recorded) and `person_age_band`
 * (under_18, 18_24, 25_34, 35_59, 60_plus, not_recorded) are of the person
 * who surrendered the weapons or from whom they were seized, kept beside
 * the pseudonym; `legal_justification` is a word of
 * wam_collection_legal_justifications. A word outside them fails with
 * WAM_EINVAL naming the field. */
WAM_API int wam_collection_recovery_add(wam_db *db, json_t **out, const json_t *recovery);

/* Takes `rounds` of ammunition line `line` (from 0) of recovery
 * `recovery_id` into a new stock lot: `lot` = {rounds, site_id,
 * lot_number?, nomenclature?, condition?, hazard_division?, compat_group?,
 * any other field wam_stock_lot_add() takes but calibre, type, headstamp,
 * manufacturer and year, which come from the line (the headstamp text, its
 * factory and year); lot_number is the line's lot marks when not given,
 * nomenclature "Cartridge <calibre> <type>", hazard 1.4 S and condition
 * SUSPENDED (until inspected) unless given}. The lot keeps its `origin`
 * {recovery_id, line}; the recovery records recovery.ammunition_stocked
 * {line, rounds, lot_id}; one transaction. More rounds than remain fail with
 * WAM_ECONFLICT naming `rounds` and the rounds remaining, writing nothing.
 * `*out` is {lot: the lot as wam_stock_lot_get() shows it, ammunition: the
 * line afterwards}. */
WAM_API int wam_collection_ammunition_stock(wam_db *db, json_t **out, const char *recovery_id, long line,
                                            const json_t *lot);

/* Commits `rounds` of ammunition line `line` of recovery `recovery_id` to
 * destruction batch `batch_id`: checks they remain (WAM_ECONFLICT naming
 * `rounds` otherwise) and appends recovery.ammunition_destroyed {line,
 * rounds, batch_id}, in the caller's transaction. The stock room calls it
 * when a batch lists recovered rounds (wam_stock_destruction_add_recovered),
 * so what remains of a line is known to the collection room alone. */
WAM_API int wam_collection_ammunition_commit(wam_db *db, const char *recovery_id, long line, long long rounds,
                                             const char *batch_id);

/* Records later what is known of recovery `id`'s person and case: {person_sex?,
 * person_age_band?, legal_justification?}, at least one, words as for
 * wam_collection_recovery_add() (a given one replaces what was recorded,
 * the others stay). One recovery.described event; never a name. `*out` is
 * the recovery as wam_collection_recovery_get() shows it. */
WAM_API int wam_collection_recovery_describe(wam_db *db, json_t **out, const char *id, const json_t *description);

/* One recovery with its weapons, `person_sex`, `person_age_band` and
 * `legal_justification` ("not_recorded" when nothing was said), its
 * `ammunition` lines [{line, the line's
 * fields, stocked, destroyed, remaining, lots: [lot ids]}], hand-overs (in order), photos, tasks and
 * `hits`: the hits found for its weapons, open first, as
 * wam_trace_hit_list() shows them (wam/trace.h). */
WAM_API int wam_collection_recovery_get(wam_db *db, json_t **out, const char *id);

/* Every recovery, newest first, without the lists, with its number of
 * `weapons` and its `ammunition_rounds` (rounds recovered, all lines). */
WAM_API int wam_collection_recovery_list(wam_db *db, json_t **out);

/* Records a hand-over of a recovery's weapons (chain of custody): {from, to,
 * time? (ISO 8601; now when absent), place?, reason}. */
WAM_API int wam_collection_recovery_handover(wam_db *db, json_t **out, const char *id, const json_t *handover);

/* Stores a photo of a recovery: the bytes (JPEG, PNG, GIF or WebP, at most
 * WAM_PHOTO_MAX) go to "<db>.photos/<sha256>" once, however often they are
 * added, and the event records their hash, size and media type. `caption`
 * may be NULL. Bytes that are not an image fail with WAM_EINVAL. `*out` is
 * {hash, size, media_type, caption}. Adding a photo the recovery already
 * has changes nothing and gives the same answer. */
WAM_API int wam_collection_recovery_photo_add(wam_db *db, json_t **out, const char *id, const void *bytes, size_t n,
                                              const char *caption);

/* The bytes of a photo of recovery `id` (malloc'd, the caller frees them)
 * and its media type. WAM_ENOTFOUND if the recovery has no such photo. */
WAM_API int wam_collection_recovery_photo_get(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32],
                                              const char *id, const char *hash);

/* Tasks to mark or destroy, oldest due first: {id, kind, item_id,
 * recovery_id, due, state (open, overdue, marked, destroyed), serial,
 * marking_status}. `which`: "open" (open and overdue), "overdue", or NULL
 * for all. */
WAM_API int wam_collection_task_list(wam_db *db, json_t **out, const char *which);

/* Assigns a national marking to the weapon of an open task and closes it:
 * {text, component? (frame_receiver), kind? (serial), location?}. The
 * marking is added to the weapon's markings and its marking status derived
 * again (rules R1–R4). `*out` is the weapon. */
WAM_API int wam_collection_task_mark(wam_db *db, json_t **out, const char *task_id, const json_t *marking);

/* The pseudonym of a person: "P-" and 24 hex digits of BLAKE2b keyed with
 * the registry's pseudonym key ("<db>.pseudonym.key", made on first use,
 * mode 0600). The same person always gets the same pseudonym in one
 * registry; without the key it cannot be tied back to them. */
WAM_API int wam_collection_pseudonym(wam_db *db, char out[32], const char *person);

#ifdef __cplusplus
}
#endif
#endif
