/* wam/stock.h — stockpiles: ammunition lots, locations and moves, custody,
 * stock checks and their reconciliation, destruction.
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction that appends one or more events, and
 * on failure nothing is written and wam_error_last() names the field and the
 * rule. docs/stock.md describes the fields and the rules. */
#ifndef WAM_STOCK_H
#define WAM_STOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ammunition lots, locations and moves, custody ---- */

/* Sites within sites: the storage levels (depot, building, room, rack, ...)
 * are site kinds, and parent_id links each to the one it is in. */

/* The site `id` and every site under it, each with its `depth` (0 for `id`)
 * and `path` (names from `id` down, " / " between), in tree order. */
WAM_API int wam_stock_site_tree(wam_db *db, json_t **out, const char *id);

/* Moves a weapon to another site: `move` is {to, reason, document?}. A
 * location.moved event on the weapon records {from, to, reason, document};
 * the ledger records who moved it. WAM_EINVAL for an unknown site or a move
 * to where the weapon already is (or without a reason). `*out` is the weapon
 * afterwards. */
WAM_API int wam_stock_item_move(wam_db *db, json_t **out, const char *item_id, const json_t *move);

/* Records an ammunition lot (docs/stock.md lists the fields): nomenclature,
 * calibre, type, manufacturer, headstamp, country, lot_number,
 * batch_number, year, rounds, packages, hazard_division (1.1-1.6),
 * compat_group (A-S), neq_g (net explosive quantity per round, grams),
 * condition, expiry (YYYY-MM-DD), surveillance (YYYY-MM-DD), site_id,
 * document?, notes?. `*out` is the lot as wam_stock_lot_get shows it. */
WAM_API int wam_stock_lot_add(wam_db *db, json_t **out, const json_t *lot);

/* Records a lot as wam_stock_lot_add() does, whose rounds were taken in
 * from line `line` of recovery `recovery_id`: its lot.recorded event carries
 * `origin` {recovery_id, line}. Called by wam_collection_ammunition_stock(),
 * which checks the line and records the rounds leaving it in the same
 * transaction; nothing else gives a lot an origin. */
WAM_API int wam_stock_lot_add_origin(wam_db *db, json_t **out, const json_t *lot, const char *recovery_id, long line);

/* One lot, with neq_total_g (rounds x neq_g) and, when its rounds came from
 * a recovery, `origin` {recovery_id, line}. WAM_ENOTFOUND if none. */
WAM_API int wam_stock_lot_get(wam_db *db, json_t **out, const char *id);

/* Filters for wam_stock_lot_list(); NULL fields do not filter. */
typedef struct wam_lot_filter {
	const char *site_id;
	const char *condition;
	const char *const *sites; /* with nsites > 0: only lots at these sites */
	int nsites;               /* at most 64 */
} wam_lot_filter;

/* Lots matching `f`, ordered by site, calibre, lot number: an array. */
WAM_API int wam_stock_lot_list(wam_db *db, json_t **out, const wam_lot_filter *f);

/* Adds rounds to a lot: {rounds, packages?, document, source?}. */
WAM_API int wam_stock_lot_receive(wam_db *db, json_t **out, const char *id, const json_t *receipt);

/* Takes rounds out of a lot: {rounds, packages?, recipient, document}.
 * More rounds (or packages) than the lot holds fails with WAM_ECONFLICT
 * naming the quantity available; nothing is written. */
WAM_API int wam_stock_lot_issue(wam_db *db, json_t **out, const char *id, const json_t *issue);

/* Splits part of a lot off to another site: {rounds, packages?, site_id,
 * document?}. The new lot keeps the lot's identity (lot and batch numbers,
 * nomenclature, hazard, condition ...) and names it in parent_id; `*out`
 * is the new lot. */
WAM_API int wam_stock_lot_split(wam_db *db, json_t **out, const char *id, const json_t *split);

/* Changes a lot's condition code: {condition, reason}. */
WAM_API int wam_stock_lot_condition(wam_db *db, json_t **out, const char *id, const json_t *change);

/* Every event of a lot, oldest first (a split-off lot starts with its
 * parent's split): {seq, time, actor, type, summary, rounds_change,
 * document, payload}. Receipts and issues carry their document references. */
WAM_API int wam_stock_lot_history(wam_db *db, json_t **out, const char *id);

/* Lots whose shelf life ends within `days` of `today` (YYYY-MM-DD; NULL:
 * the current UTC date), or has ended, soonest first; `f` as above. */
WAM_API int wam_stock_lot_expiring(wam_db *db, json_t **out, int days, const char *today, const wam_lot_filter *f);

/* Storage compatibility at a site, from the mixing table in
 * data/stock/compatibility.tsv: {site_id, groups: [..], violations: [{groups:
 * "A+B", rule, source, lots: [{id, lot_number, compat_group}]}]}. */
WAM_API int wam_stock_site_compatibility(wam_db *db, json_t **out, const char *site_id);

/* Whether a site's issues need a second person to confirm them: a
 * custody.rule_set event {two_person: true|false}. */
WAM_API int wam_stock_custody_rule(wam_db *db, json_t **out, const char *site_id, bool two_person);

/* Issues a weapon: {item_id, holder_id? | person + unit, expected_return
 * (YYYY-MM-DD), purpose?, document?, two_person?}. The weapon must be in
 * store or in service and have no open custody (rule R9). Without the
 * two-person rule (the site's or the request's) the custody opens at once
 * and the weapon becomes `issued`; with it the custody stays `pending`
 * until wam_stock_custody_confirm. `*out` is the custody record. */
WAM_API int wam_stock_custody_issue(wam_db *db, json_t **out, const json_t *issue);

/* Confirms a pending issue as the second person: the acting user must not
 * be the same person as the one who issued it (wam_auth_same_person_db: a
 * token is whoever added it) nor a token, which never confirms
 * (WAM_EFORBIDDEN). The weapon becomes `issued`. */
WAM_API int wam_stock_custody_confirm(wam_db *db, json_t **out, const char *custody_id);

/* Takes a weapon back: ends its open (or pending) custody, {note?,
 * condition?}; an open one puts the weapon back `in_store`. WAM_ECONFLICT if
 * the weapon is not issued. */
WAM_API int wam_stock_custody_return(wam_db *db, json_t **out, const char *item_id, const json_t *ret);

/* One custody record by id. */
WAM_API int wam_stock_custody_get(wam_db *db, json_t **out, const char *id);

/* Custody records, newest first: `state` "pending", "open", "returned" or
 * NULL (all); `item_id` NULL or a weapon; `sites` confines as above. */
WAM_API int wam_stock_custody_list(wam_db *db, json_t **out, const char *state, const char *item_id,
                                   const char *const *sites, int nsites);

/* Open custodies whose expected return is before `today` (NULL: now). */
WAM_API int wam_stock_custody_overdue(wam_db *db, json_t **out, const char *today, const char *const *sites,
                                      int nsites);

/* ---- stock checks and reconciliation ---- */

struct wam_principal;

/* Opens a stock check: {site_id, subsites?: bool (the sites under it too),
 * type: FULL_SERIAL | QUANTITY | RANDOM_SAMPLE, checkers: [user names or
 * ids, at least two different users], sample_size? or sample_fraction?
 * (RANDOM_SAMPLE only), seed? (RANDOM_SAMPLE; made when absent), notes?}.
 * The expected list is fixed now: the weapons at the sites whose status
 * keeps them in store or service (and, for QUANTITY, the rounds of every
 * ammunition lot there); a RANDOM_SAMPLE draws its weapons from that list
 * with the seed, which the check.opened event records with the list.
 * `*out` is the check as wam_stock_check_get shows it. */
WAM_API int wam_stock_check_open(wam_db *db, json_t **out, const json_t *check);

/* How a read was taken. */
#define WAM_READ_TYPED "typed"
#define WAM_READ_SCANNED "scanned"
#define WAM_READ_RFID "rfid"

/* Records what was seen in an open check: `nreads` reads (weapon ids or
 * serials; for QUANTITY checks also "LOT <lot id or number> <rounds>")
 * taken by `method` (typed, scanned, rfid). One check.reads event holds them
 * all; a read seen before in the check counts once. `*out` (may be NULL) is
 * {reads, new, duplicates}. A closed check refuses reads (WAM_ECONFLICT). */
WAM_API int wam_stock_check_see(wam_db *db, json_t **out, const char *check_id, const char *method,
                                const char *const *reads, size_t nreads);

/* Like wam_stock_check_see, with one read per line of `in` (blank lines
 * skipped, surrounding spaces trimmed), in events of up to 100,000 reads. */
WAM_API int wam_stock_check_feed(wam_db *db, json_t **out, const char *check_id, const char *method, FILE *in);

/* Closes an open check and reconciles it: a check.closed event records
 * the discrepancies, each of which opens an investigation. Closed by a
 * principal confined to sites, a read of a weapon at a site not its own is
 * a read of nothing (unexpected, naming neither weapon nor site). `*out` is
 * the check with its reconciliation (wam_stock_check_get). */
WAM_API int wam_stock_check_close(wam_db *db, json_t **out, const char *check_id);

/* One check: {id, site_id, sites, type, status (open|closed), checkers,
 * seed, sample_size, expected, reads, distinct_reads, opened, opened_by,
 * closed, closed_by, notes, reconciliation: {missing: [..], unexpected:
 * [..], wrong_location: [..], quantity: [..], counts: {...}} (closed)}.
 * Each discrepancy is {kind, item_id, serial, read, registered_site,
 * expected_qty, counted_qty, lot_id, investigation_id}. */
WAM_API int wam_stock_check_get(wam_db *db, json_t **out, const char *check_id);

/* Checks, newest first, without their reconciliation; `site_id` (may be
 * NULL) keeps those of one site; with nsites > 0 only checks at `sites`. */
WAM_API int wam_stock_check_list(wam_db *db, json_t **out, const char *site_id, const char *const *sites, int nsites);

/* Investigations, oldest first: every one when `all`, else the open ones;
 * `check_id` (may be NULL) keeps one check's; with nsites > 0 only those of
 * checks at `sites`. */
WAM_API int wam_stock_investigation_list(wam_db *db, json_t **out, const char *check_id, bool all,
                                         const char *const *sites, int nsites);

/* Resolves an open investigation: {outcome: found | written_off | lost |
 * stolen, where? (found: a site id or a description; required), reason?
 * (required but for found)}. `by` is who resolves, the authenticated
 * principal whose actor the handle records (else WAM_EFORBIDDEN): its role
 * must allow resolve and it must not be the same person
 * (wam_auth_same_person_db) as one of the check's checkers or the one who
 * opened it (WAM_EFORBIDDEN). lost and stolen change the weapon's status
 * through wam_registry_item_set_status in the same transaction. */
WAM_API int wam_stock_investigation_resolve(wam_db *db, json_t **out, const char *investigation_id,
                                            const json_t *resolution, const struct wam_principal *by);

/* ---- destruction ---- */

/* Opens a destruction batch: {method: CUT | CRUSH | SMELT | SHRED | BURN |
 * DETONATION, site (where it is destroyed), date (YYYY-MM-DD), notes?}.
 * `*out` is the batch as wam_stock_destruction_get shows it. Batches list
 * weapons and ammunition lots (wam_stock_destruction_add_lot). */
WAM_API int wam_stock_destruction_open(wam_db *db, json_t **out, const json_t *batch);

/* Adds a weapon to an open batch. The weapon must be in a status from which
 * the registry allows `destroyed` and in no other open batch
 * (WAM_ECONFLICT). */
WAM_API int wam_stock_destruction_add_item(wam_db *db, json_t **out, const char *id, const char *item_id);

/* Adds `rounds` of ammunition lot `lot_id` to an open batch: at most what
 * the lot holds (WAM_ECONFLICT), each lot once. At closing the rounds leave
 * the lot through wam_stock_lot_issue with the certificate as document. */
WAM_API int wam_stock_destruction_add_lot(wam_db *db, json_t **out, const char *id, const char *lot_id, long rounds);

/* Adds `rounds` of ammunition line `line` of recovery `recovery_id` (rounds
 * recovered outside a depot, never taken into a lot) to an open batch: at
 * most what remains of the line (WAM_ECONFLICT naming `rounds`), each line
 * once per batch. The rounds are committed at once: the recovery records
 * them as destroyed (wam_collection_ammunition_commit), and the batch
 * records destruction.recovered_added {recovery_id, line, rounds}, in one
 * transaction. A reading at the destruction site reads them by the line's
 * lot marks, or as "RECOVERY/LINE" when it has none. */
WAM_API int wam_stock_destruction_add_recovered(wam_db *db, json_t **out, const char *id, const char *recovery_id,
                                                long line, long rounds);

/* Adds a verifier (`role` "verifier": a user name of the registry; two
 * verifiers are two different users) or a witness ("witness": any name). */
WAM_API int wam_stock_destruction_add_person(wam_db *db, json_t **out, const char *id, const char *role,
                                             const char *name);

/* Records the serials read at the destruction site (a JSON array of
 * strings; a weapon without a legible serial is read by its registry id, a
 * lot by its lot number or id).
 * The batch's `checks` then show what was listed but not read and read but
 * not listed. */
WAM_API int wam_stock_destruction_verify(wam_db *db, json_t **out, const char *id, const json_t *serials);

/* A verifier of batch `id` confirms, as `who` (their own authenticated
 * identity: a user signed in with their password or session), that the
 * serials last read at the destruction site are the batch's list: appends a
 * destruction.confirmed event whose actor must be `who`'s (the handle's
 * actor, set with wam_db_set_actor, is checked). WAM_EFORBIDDEN when `who`
 * is not a user, not the handle's actor or not a verifier named in the
 * batch, and under the rule of independence (wam_auth_independent,
 * wam_auth_apart) when someone `who`'s account comes from opened the batch,
 * added to it or is another of its verifiers, or when it comes from the same
 * person as a verifier who has confirmed; WAM_ECONFLICT when the batch is closed, when the last reading is
 * missing, older than the list or does not match it, or when `who` has
 * already confirmed the batch as it stands. A change to the list or a new
 * reading afterwards voids every confirmation given before it. */
WAM_API int wam_stock_destruction_confirm(wam_db *db, json_t **out, const char *id, const struct wam_principal *who);

/* Closes a batch with its certificate number and moves each weapon to
 * `destroyed`, in one transaction (the only way a weapon becomes
 * destroyed). Refused without a certificate (WAM_EINVAL), and with
 * WAM_ECONFLICT: with no weapon and no lot, fewer than two verifiers, when
 * the last reading of serials is older than the list or does not match it
 * (the mismatches named), or with fewer than two current confirmations by
 * two different verifiers (wam_stock_destruction_confirm; those still
 * awaited named); WAM_EFORBIDDEN when a confirmation it would count fails
 * the rule of independence, the closer (the handle's actor) included. The
 * closing event lists the confirmations it counted, each with who created
 * the verifier's account and who last set its password, and when, and
 * everyone the account comes from. */
WAM_API int wam_stock_destruction_close(wam_db *db, json_t **out, const char *id, const char *certificate);

/* One batch: {id, method, site, date, notes, state (open | closed),
 * certificate, opened_seq, items_seq, closed_seq, last_seq, items: [{n,
 * item_id, serial, make, model, category, status}], lots: [{n, lot_id,
 * lot_number, nomenclature, calibre, rounds}], recovered: [{n, recovery_id,
 * line, calibre, headstamp, lot, rounds}], verifiers: [names],
 * verifier_states: [{name, user_id, confirmed, confirmed_at, seq}],
 * witnesses: [names], checks: [{n, seq, serials, missing, unexpected,
 * ok}]}. */
WAM_API int wam_stock_destruction_get(wam_db *db, json_t **out, const char *id);

/* Every batch, newest first, with its number of `weapons`. */
WAM_API int wam_stock_destruction_list(wam_db *db, json_t **out);

/* The certificate of a closed batch as an HTML page (malloc'd, the caller
 * frees it): the batch, method, site, date, verifiers and who of them
 * confirmed when, witnesses,
 * certificate number, weapons with their serials and the ledger position
 * (seq and hash of the closing event). WAM_ECONFLICT while open. */
WAM_API int wam_stock_destruction_certificate(wam_db *db, char **html, size_t *len, const char *id);

/* ---- vocabularies ---- */

/* The words the stock room accepts, from the very tables its commands check
 * against, for a front end to offer: {lot_conditions, hazard_divisions,
 * compat_groups (IATG 01.50), custody_states, check_types,
 * check_read_methods, check_outcomes: [how a discrepancy is resolved],
 * destruction_methods, destruction_roles: [what a person in a batch is]}.
 * `*out` is the caller's (json_decref). Fails only with WAM_ENOMEM; `*out`
 * is then NULL. */
WAM_API int wam_stock_vocabulary(json_t **out);

#ifdef __cplusplus
}
#endif
#endif
