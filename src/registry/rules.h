/* The registry's rules: vocabularies, the weapon status state machine, and
 * marking status rules R1–R4 (docs/registry.md). Tables, not branches.
 * What other rooms apply too (the marking vocabularies, the status machine's
 * question, the marking status and script of a weapon) is declared in
 * wam/registry.h; this header keeps what only the registry uses. */
#ifndef WAM_REGISTRY_RULES_H
#define WAM_REGISTRY_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/field.h"
#include "wam/registry.h"
#include "wam/store.h"

/* A closed vocabulary: NULL-terminated list of lowercase words. */
extern const char *const wam_statuses[];
extern const char *const wam_site_kinds[];
extern const char *const wam_holder_types[];
/* What an item is: weapon (the default) or part. */
extern const char *const wam_item_kinds[];
/* True when an item of `kind` (NULL: weapon) and `part_type` counts as a
 * weapon: a weapon, or the frame or lower receiver that carries a weapon's
 * serial (UN Firearms Protocol art. 3; docs/registry.md). */
bool wam_registry_counts_as_weapon(const char *kind, const char *part_type);
/* The component that carries an item's serial: its serial_component, else
 * a part's own part type (a barrel's serial is on the barrel), else the
 * frame_receiver. */
const char *wam_registry_serial_component(const json_t *item);

/* Whether a change to `to` needs a reason / a certificate. */
bool wam_status_needs_reason(const char *to);
bool wam_status_needs_certificate(const char *to);
/* True for the statuses only a procedure gives: `destroyed` (closing a
 * destruction batch) and `exported` (an export confirmed by a second
 * person). wam_registry_item_set_status refuses them. */
bool wam_status_final_by_procedure(const char *to);

/* wam_registry_item_set_status for the procedures that alone may give a final
 * status (stock/destruction.c through rooms.c's wam_weapon_final_status,
 * registry/export.c's confirmation): the same
 * state machine and checks, the final statuses allowed. Internal. */
int wam_registry_item_set_final_status(wam_db *db, json_t **out, const char *id, const char *status,
                                       const json_t *details);

/* The projector of export proposals (registry/export_proposal.c), which
 * the registry room (registry/project.c) hands the "export." events. */
struct wam_room_ctx;
int wam_export_apply(struct wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                     const json_t *payload, const char *time);

/* Derived keys of an item payload: the serial's canonical key, the make's
 * normalized key and, for Cyrillic serials, the key of their full
 * romanisation ("" otherwise; `alt` may be NULL). Fails (WAM_EIO) when the
 * matcher tables cannot be loaded. */
int wam_item_keys(const json_t *item, char *serial_key, size_t scap, char *make_key, size_t mcap, char *alt,
                  size_t acap);

/* Leaves out of an item payload what can be derived (default legibility,
 * detected script, the frame marking that repeats `serial`), and fills
 * `serial` from the frame serial marking when only that was given. */
void wam_item_compact(json_t *payload);
/* The full form of a compact payload: defaults filled in and the frame
 * serial marking present. A new reference. */
json_t *wam_item_expand(const json_t *payload);

#endif
