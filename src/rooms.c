/* The rooms libwam is built with, and what each offers the others. A new
 * room adds its lines here (and nowhere in the core or another room), as an
 * nginx module is added to the module list: its descriptor to wam_rooms[],
 * which is all the ledger and the store see of it (ledger/room.h), and its
 * entries to the plug-in lists of internal.h. This file names room
 * functions but includes no room header, so no room depends on another
 * through it. */
#include "internal.h"
#include "ledger/room.h"

/* The rooms of this build, in the order `wam verify` compares their tables. */
extern const struct wam_room wam_room_registry, wam_room_auth, wam_room_stock, wam_room_collection, wam_room_trace,
    wam_room_match, wam_room_transfers, wam_room_embargo, wam_room_sanctions, wam_room_monitoring,
    wam_room_reports;

const struct wam_room *const wam_rooms[] = {
    &wam_room_registry,
    &wam_room_auth,
    &wam_room_stock,
    &wam_room_collection,
    &wam_room_trace,
    &wam_room_match,
    &wam_room_transfers,
    &wam_room_embargo,
    &wam_room_sanctions,
    &wam_room_monitoring,
    &wam_room_reports,
    NULL, /* a room adds its line above this one */
};
_Static_assert(sizeof wam_rooms / sizeof wam_rooms[0] <= WAM_ROOMS_MAX + 1, "raise WAM_ROOMS_MAX");

/* The parts of `wam demo` (stock/demo.c, trace/demo.c, transfers/demo.c,
 * embargo/demo.c, sanctions/demo.c, monitoring/demo.c, collection/demo.c). */
extern const wam_demo_part wam_stock_demo_part, wam_trace_demo_part, wam_transfers_demo_part, wam_embargo_demo_part,
    wam_sanctions_demo_part, wam_monitoring_demo_part;
/* A cache of recovered ammunition of two headstamps (collection/demo.c). */
extern const wam_demo_part wam_collection_demo_part;
/* This year's UN Register and ATT returns submitted, then a late shipment
 * on a licence the transfers part issued (reports/demo.c): last, so that
 * the parts before it run as they did. */
extern const wam_demo_part wam_reports_demo_part;
const wam_demo_part *const wam_demo_parts[] = {
    &wam_stock_demo_part,      &wam_trace_demo_part,     &wam_transfers_demo_part,
    &wam_embargo_demo_part,    &wam_sanctions_demo_part, &wam_monitoring_demo_part,
    &wam_collection_demo_part, &wam_reports_demo_part,   NULL};

/* Tracing searches for hits on a weapon registered recovered (trace/hit.c). */
int wam_trace_weapon_registered(wam_db *db, const char *item_id);
const wam_weapon_hook wam_recovered_weapon_hooks[] = {wam_trace_weapon_registered, NULL};

/* A weapon that becomes lost or stolen, by a status change or registered
 * so, has its loss report (trace/loss.c). */
int wam_trace_status_changed(wam_db *db, const char *item_id, const char *from, const char *to, const json_t *change,
                             unsigned flags);
const wam_status_hook wam_status_changed_hooks[] = {wam_trace_status_changed, NULL};

/* A weapon's page links to its loss reports, hits and trace requests
 * (trace/links.c), its recoveries (collection/links.c), its custody, stock
 * checks and destruction (stock/links.c), its shipments and diversion
 * alerts (transfers/diversion.c), the observations in the field that
 * matched it (monitoring/links.c). */
int wam_trace_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_collection_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_stock_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_transfers_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_monitoring_item_links(wam_db *db, json_t *links, const char *item_id);
const wam_item_links_hook wam_item_links_hooks[] = {wam_trace_item_links,      wam_collection_item_links,
                                                    wam_stock_item_links,      wam_transfers_item_links,
                                                    wam_monitoring_item_links, NULL};

/* Tracing searches a new recovery's weapons for hits (trace/hit.c); a
 * seizure where a regime asks for a notice within days makes it due
 * (embargo/notice.c). */
int wam_trace_recovery_recorded(wam_db *db, const char *recovery_id);
int wam_embargo_recovery_recorded(wam_db *db, const char *recovery_id);
const wam_recovery_recorded_hook wam_recovery_recorded_hooks[] = {wam_trace_recovery_recorded,
                                                                  wam_embargo_recovery_recorded, NULL};

/* A shipment under a post-delivery-notice exemption makes its notice due
 * (embargo/notice.c). */
int wam_embargo_shipped(wam_db *db, const char *shipment_id, const json_t *shipment);
const wam_shipped_hook wam_shipped_hooks[] = {wam_embargo_shipped, NULL};

/* A recovery's record shows the hits on its weapons (trace/hit.c). */
int wam_trace_recovery_hits(wam_db *db, json_t *rec, const char *recovery_id);
const wam_recovery_hook wam_recovery_read_hooks[] = {wam_trace_recovery_hits, NULL};

/* The work to do (ledger/todo.c): each room's part, in the order the
 * console shows them (trace/todo.c, transfers/diversion.c, stock/todo.c,
 * collection/todo.c): diversion alerts come beside the hits. A room that
 * holds work a person must do adds its part here. */
int wam_trace_todo(wam_db *db, json_t *items, const char *today);
int wam_transfers_todo(wam_db *db, json_t *items, const char *today);
int wam_stock_todo(wam_db *db, json_t *items, const char *today);
int wam_collection_todo(wam_db *db, json_t *items, const char *today);
int wam_embargo_todo(wam_db *db, json_t *items, const char *today);
int wam_sanctions_todo(wam_db *db, json_t *items, const char *today);
const wam_todo_part wam_todo_parts[] = {wam_trace_todo,     wam_transfers_todo, wam_sanctions_todo,
                                        wam_embargo_todo,   wam_stock_todo,     wam_collection_todo, NULL};

/* Every party of a transfer and every holder is screened (ledger/screen.c):
 * an arms embargo regime or a national embargo on its country
 * (embargo/screen.c), a name on a sanctions list (sanctions/screen.c). */
int wam_embargo_screen(wam_db *db, const json_t *party, const char *date, json_t *findings);
int wam_sanctions_screen_party(wam_db *db, const json_t *party, const char *date, json_t *findings);
const wam_screen_hook wam_screen_hooks[] = {wam_embargo_screen, wam_sanctions_screen_party, NULL};

/* A weapon an open destruction batch lists (stock/destruction.c) or an
 * export proposal waits for (registry/export_proposal.c) is not exported
 * by another procedure. */
int wam_stock_weapon_held(wam_db *db, const char *item_id, const char *field);
int wam_registry_weapon_held(wam_db *db, const char *item_id, const char *field);
const wam_weapon_held_hook wam_weapon_held_hooks[] = {wam_stock_weapon_held, wam_registry_weapon_held, NULL};

/* A closed destruction batch destroys its weapons (registry/item.c). */
int wam_registry_item_set_final_status(wam_db *db, json_t **out, const char *id, const char *status,
                                       const json_t *details);
const wam_final_status_fn wam_weapon_final_status = wam_registry_item_set_final_status;

/* Ammunition recorded anywhere is searched by headstamp and lot marks
 * (match/ammunition.c): each room that holds ammunition lines walks them. */
/* Recoveries' lines (collection/ammunition.c), loss reports' (trace/loss.c),
 * observations' ammunition items (monitoring/ammunition.c) and the depots'
 * lots (stock/lot_source.c). */
int wam_collection_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_trace_loss_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_monitoring_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
int wam_stock_lot_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
const wam_ammunition_source wam_ammunition_sources[] = {
    wam_collection_ammunition_source, wam_trace_loss_ammunition_source, wam_monitoring_ammunition_source,
    wam_stock_lot_ammunition_source, NULL};
