/* The registry room's own internals, shared by its files (item.c, import.c,
 * demo.c). Nothing here is public, and no other room includes it: other
 * rooms register weapons through wam/registry.h. */
#ifndef WAM_REGISTRY_REGISTRY_H
#define WAM_REGISTRY_REGISTRY_H

#include "internal.h"

/* Validates an item object and builds the event payload for it. `line` is
 * for error messages (0 if none). WAM_KEYS_CHECKED: the object's keys are
 * known to be item fields (an import row whose header was checked once). */
#define WAM_KEYS_CHECKED 0x100u
int wam_item_payload(wam_db *db, json_t **payload, const json_t *item, long line, unsigned flags);
/* Records weapon `payload` (wam_item_payload's) under a new id, or the one
 * it gives; the rooms' status hooks are told of a weapon registered lost or
 * stolen. WAM_IN_IMPORT: a row of an import, whose hits wait for `wam hit
 * scan`. */
#define WAM_IN_IMPORT 0x400u
int wam_item_register(wam_db *db, json_t *payload, unsigned flags, char id_out[WAM_ID_LEN + 1]);

#endif
