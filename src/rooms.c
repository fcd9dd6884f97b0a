/* The rooms libwam is built with, and what each offers the others: the
 * plug-in lists of internal.h. A new room adds its entries here (and
 * nowhere in another room), as an nginx module is added to the module
 * list; this file names room functions but includes no room header, so no
 * room depends on another through it. */
#include "internal.h"

/* The parts of `wam demo` (stock/demo.c, trace/demo.c). */
extern const wam_demo_part wam_stock_demo_part, wam_trace_demo_part;
const wam_demo_part *const wam_demo_parts[] = {&wam_stock_demo_part, &wam_trace_demo_part, NULL};

/* Tracing searches for hits on a weapon registered recovered (trace/hit.c). */
int wam_trace_weapon_registered(wam_db *db, const char *item_id);
const wam_weapon_hook wam_recovered_weapon_hooks[] = {wam_trace_weapon_registered, NULL};

/* A recovery's record shows the hits on its weapons (trace/hit.c). */
int wam_trace_recovery_hits(wam_db *db, json_t *rec, const char *recovery_id);
const wam_recovery_hook wam_recovery_read_hooks[] = {wam_trace_recovery_hits, NULL};

/* A closed destruction batch destroys its weapons (registry/item.c). */
int wam_registry_set_final_status(wam_db *db, json_t **out, const char *id, const char *status, const json_t *details);
const wam_final_status_fn wam_weapon_final_status = wam_registry_set_final_status;
