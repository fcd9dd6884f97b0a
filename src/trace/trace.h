/* The trace room's own internals shared by its files: loss reports, hits,
 * the SDG 16.4.2 report and the tracing part of `wam demo`. Nothing here is
 * public, and no other room includes it: they reach tracing through
 * wam/trace.h or the plug-in lists of rooms.c. */
#ifndef WAM_TRACE_TRACE_H
#define WAM_TRACE_TRACE_H

#include "internal.h"

/* The point-of-diversion category a registered weapon's holder implies:
 * a state holder (armed force, police, other agency, UN mission) →
 * state_stocks; a civilian, dealer, manufacturer or broker →
 * civilian_holder; no holder but a site → state_stocks; else other. The
 * one place this mapping lives: hits use it in C and the SDG report in SQL
 * as wam_diversion(holder_type, site_id) (wam_trace_sql_functions). */
const char *wam_trace_holder_category(const char *holder_type, bool at_site);
/* Makes wam_diversion() callable on `db`'s connection (once per handle). */
int wam_trace_sql_functions(wam_db *db);
/* The hits on registered weapon `match_id`, as wam_trace_hit_list() shows
 * them. */
int wam_trace_hits_of(wam_db *db, json_t **out, const char *match_id);
/* Sets "hits" of recovery record `rec`: the hits on the weapons recovery
 * `recovery_id` brought in (as recovered weapons), as wam_trace_hit_list()
 * shows them (a wam_recovery_hook). */
int wam_trace_recovery_hits(wam_db *db, json_t *rec, const char *recovery_id);
/* Searches the recovered weapons for lost or stolen weapon `item_id` and
 * records the new hits (appending them to `made` when not NULL), inside
 * the caller's transaction. */
int wam_trace_scan_loss(wam_db *db, json_t *made, const char *item_id);
/* Walks the ammunition lines of loss reports for the ammunition search (a
 * wam_ammunition_source; none for a principal confined to sites). */
int wam_trace_loss_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
/* Searches the registry for weapon `item_id`, registered with a recovered
 * status (seized, found, surrendered) outside any recovery, and records the
 * new hits (appending them to `made` when not NULL), inside the caller's
 * transaction. */
int wam_trace_scan_weapon(wam_db *db, json_t *made, const char *item_id);
/* wam_trace_scan_weapon for a weapon just registered (a wam_weapon_hook). */
int wam_trace_weapon_registered(wam_db *db, const char *item_id);
/* Point-of-diversion fields {category, country?, date?, description?} of
 * `in` checked into `out`, for hit decisions, origins and trace responses;
 * errors name `prefix`.field (the bare field when `prefix` is ""). */
int wam_trace_take_point(wam_db *db, json_t *out, const json_t *in, const char *prefix);

/* The trace room's closed vocabularies, the very arrays its commands check
 * against (NULL-terminated), for wam_trace_vocabulary(): a loss report's
 * kinds (loss.c); a hit's decisions and points of diversion (hit.c); a
 * request's directions, how it goes, the kinds of its parties, why the weapon is illicit, its
 * confidentiality and urgency, a response's results and those that need a
 * reason, a request's states (request.c); the SDG 16.4.2 report's weapon
 * types, diversion results and counts (sdg.c). */
extern const char *const *const wam_trace_loss_kinds;
extern const char *const *const wam_trace_hit_decisions;
extern const char *const *const wam_trace_diversions;
extern const char *const *const wam_trace_directions;
extern const char *const *const wam_trace_vias;
extern const char *const *const wam_trace_party_kinds;
extern const char *const *const wam_trace_illicit_reasons;
extern const char *const *const wam_trace_confidentialities;
extern const char *const *const wam_trace_urgencies;
extern const char *const *const wam_trace_results;
extern const char *const *const wam_trace_results_needing_reason;
extern const char *const *const wam_trace_states;
extern const char *const *const wam_trace_sdg_weapon_types;
extern const char *const *const wam_trace_sdg_results;
extern const char *const *const wam_trace_sdg_counts;

#endif
