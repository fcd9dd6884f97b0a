/* The registry room's projector (registry/project.c): what the registry's
 * files and the rooms that build on its weapons share of it. */
#ifndef WAM_REGISTRY_PROJECT_H
#define WAM_REGISTRY_PROJECT_H

#include "internal.h"

/* The registry room (registry/project.c): its events, tables and hooks. */
extern const struct wam_room wam_room_registry;
/* The sites and holders known to exist in a handle's open transaction (they
 * are never deleted; cleared on rollback, which may undo a creation). */
typedef struct wam_known_refs {
	char refs[32][WAM_ID_LEN + 1];
	unsigned next;
} wam_known_refs;
/* The handle's known references, made on first use; NULL when out of
 * memory (every reference is then looked up). */
wam_known_refs *wam_registry_known_refs(wam_db *db);

#endif
