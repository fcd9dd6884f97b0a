/* What the files of the monitoring room share: its vocabularies, the
 * sealing of sources' identities, the keys observations are linked by, the
 * reading of its records, and the door by which the evidence pack records
 * its making. Named room.h so as not to be taken for the public
 * wam/monitoring.h. */
#ifndef WAM_MONITORING_ROOM_H
#define WAM_MONITORING_ROOM_H

#include "internal.h"
#include "store/field.h"
#include "wam/monitoring.h"

extern const struct wam_room wam_room_monitoring;

/* The room's vocabularies (wam_monitoring_vocabulary names them). */
extern const char *const mon_observation_kinds[],
    *const mon_actor_kinds[], *const mon_source_types[], *const mon_reliability[], *const mon_item_kinds[],
                                                                                       *const mon_document_kinds[],
                                                                                           *const mon_finding_states[],
                                                                                               *const mon_link_kinds[];

/* Whether the room's tables are there (a registry made before the room and
 * only read since has none: it reads as holding no observation). */
bool mon_ready(wam_db *db);
/* Refuses a principal confined to sites: monitoring is the whole registry's. */
int mon_national(wam_db *db);
/* An actor's name as names are compared (match/names.c: any script, case,
 * particles) into `out`; "" when it has no letter. */
void mon_name_key(char *out, size_t cap, const char *name);
/* 0 when `regime` (NULL: none) is a regime of the embargo room, or the room
 * holds none; else WAM_EINVAL naming "regime". */
int mon_check_regime(wam_db *db, const char *regime);
/* The string `key` of object `o`, or NULL. */
const char *mon_str(const json_t *o, const char *key);
/* The observation `id` as stored (observation.c): its body with its id,
 * recorded_by and recorded_at, sources still sealed; WAM_ENOTFOUND naming
 * "observation" for none. */
int mon_observation_stored(wam_db *db, json_t **out, const char *id);
/* The object `key` of `in` checked against `fields` (its fields' names
 * prefixed "key.") into `out[key]`, also into `*got` (borrowed; NULL when
 * absent). Absent: WAM_EINVAL naming `key` when `required`, else 0. */
int mon_take_object(wam_db *db, json_t *out, const json_t *in, const char *key, const wam_field *fields, bool required,
                    json_t **got);
/* The `actor` of `in`, when given, into `p`: {kind, name, country?,
 * aliases?, notes?}, as an observation and a finding name it. */
int mon_take_actor(wam_db *db, json_t *p, const json_t *in);
/* A cached statement of the room on `db` (slots: an enum per file, from
 * the ranges below). */
enum { MON_SLOT_OBSERVATION = 0, MON_SLOT_LINKS = 8, MON_SLOT_FINDING = 16 };
sqlite3_stmt *mon_stmt(wam_db *db, int slot, const char *sql);

/* ---- sources (sources.c) ---- */
/* Who records: {kind: user|token|owner, id, name} of the handle's principal
 * (kind owner, name the handle's actor, when there is none). */
json_t *mon_recorded_by(wam_db *db);
/* Whether the handle's principal may open the identities of sources
 * recorded by `recorded_by`: the same principal, a role allowed
 * WAM_ACT_READ_SOURCES, or no principal (the owner). */
bool mon_may_open(wam_db *db, const json_t *recorded_by);
/* `s` folded as refs and identities are compared (any script: case,
 * marks, spaces and separators dropped, letters and digits kept) into
 * `out` of `cap` bytes; "" when it has none. */
void mon_fold(char *out, size_t cap, const char *s);
/* The identity tag of `identity`: hex BLAKE2b-256 of it folded, keyed by
 * the registry's WAM_SECRET_SOURCES_TAG subkey, into `out`. The same
 * person typed twice has one tag; the tag tells nothing without the key. */
int mon_identity_tag(wam_db *db, char out[65], const char *identity);
/* Identities are padded to a multiple of this many bytes before sealing. */
#define MON_SEAL_BUCKET 64
/* Seals `identity` of source `index` of observation `obs_id` (associated
 * data "<obs_id>#<index>"), padded to MON_SEAL_BUCKET: base64 of nonce and
 * ciphertext into `*out` (the caller frees it). */
int mon_seal(wam_db *db, char **out, const char *obs_id, size_t index, const char *identity);
/* Opens what mon_seal sealed for the same source; WAM_EINTEGRITY when it
 * does not open (another key, another observation or source). */
int mon_unseal(wam_db *db, char **out, const char *obs_id, size_t index, const char *sealed);
/* Shows the sources of observation `obs` (its body, `id`) as a reader
 * sees them: `identity_sealed` dropped, `identity_held` set, `identity`
 * opened when the principal may, and the read logged (wam_auth_log_read). */
int mon_sources_show(wam_db *db, json_t *obs, const char *id);

/* ---- links (links.c) ---- */
/* The key an item is linked by into `key` (of `cap` bytes): "MAKE|SERIAL"
 * (why "serial") for a weapon or part with a serial, "LOT|HEADSTAMP" (why
 * "lot") for ammunition with a lot; returns why, or NULL when the item has
 * no key. */
const char *mon_item_key(const json_t *item, char *key, size_t cap);
/* The registry weapons each weapon and part with a serial of `items`
 * resembles: [{item, item_id, serial, make, class, score}]. */
int mon_registry_matches(wam_db *db, json_t **out, const json_t *items);
/* The observations that matched weapon `item_id`, for its page (rooms.c). */
int wam_monitoring_item_links(wam_db *db, json_t *links, const char *item_id);
/* Sets `links`, `matches`, `traces` and `findings` of observation `obs`. */
int mon_observation_related(wam_db *db, json_t *obs, const char *id);

/* ---- findings (finding.c) ---- */
/* Rule R13 for finding `id` into `*out` (as wam_monitoring_finding_rule). */
int mon_rule(wam_db *db, json_t **out, const char *id);

/* ---- the evidence pack's record (applied here, made by evidence.c) ---- */
/* Appends evidence.packed for finding `finding_id` inside the caller's
 * transaction (or its own): `pack` {manifest_hash (hex), redacted (bool),
 * files (count)}. WAM_ENOTFOUND naming "id" for an unknown finding. */
int wam_monitoring_record_pack(wam_db *db, const char *finding_id, const json_t *pack);

#endif
