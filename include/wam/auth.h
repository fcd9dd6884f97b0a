/* wam/auth.h — who may do what: users, roles, site scopes and API tokens.
 *
 * A person signs in as a user (name + password, hashed with Argon2id); a
 * script uses an API token (a random secret shown once, stored only as its
 * BLAKE2b hash). Both carry one role and, optionally, a list of sites they
 * are confined to. The role decides which actions are allowed
 * (wam_auth_allows); the sites decide which weapons can be seen or changed.
 *
 * Users and tokens are records like any other: adding, changing, disabling
 * and revoking them are events in the ledger. Secrets never are: password
 * and token hashes live in a credentials table beside the ledger, and the
 * ledger only records that a password was set. docs/auth.md has the table of
 * roles and actions. */
#ifndef WAM_AUTH_H
#define WAM_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "api.h"
#include "store.h"

#ifndef WAM_API /* the mark of libwam's public functions */
#define WAM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What a request wants to do. Each front end maps its commands and routes
 * onto these; the table of which role may do which is in the library so
 * every front end enforces the same rules. */
typedef enum wam_action {
	WAM_ACT_READ = 0,       /* weapons, markings, history, sites and holders without
	                         * their sensitive fields, search, summary */
	WAM_ACT_READ_SENSITIVE, /* site coordinates and security notes, holders'
	                         * licence and address (each read is logged) */
	WAM_ACT_REGISTER,       /* add weapons, sites and holders; import */
	WAM_ACT_STATUS,         /* change a weapon's status */
	WAM_ACT_EXPORT,         /* export the whole registry */
	WAM_ACT_AUDIT,          /* verify the ledger, read raw events */
	WAM_ACT_ADMIN,          /* users and tokens */
	WAM_ACT_STOCK,          /* ammunition lots, custody issue and return, moves
	                         * between locations, stock checks */
	WAM_ACT_RESOLVE,        /* resolve a stock-check discrepancy (found, written
	                         * off, reported lost or stolen) */
	WAM_ACT_COLLECT,        /* field collection: recoveries, hand-overs, marking */
	WAM_ACT_DESTROY,        /* destruction batches and their certificates */
	WAM_ACT_TRACE,          /* loss reports, hit decisions, trace requests and
	                         * responses, exchange with other registries */
	WAM_ACT_TRACE_CONFIDENTIAL, /* read restricted and confidential trace
	                         * responses in full (rule R11; each read is logged) */
	WAM_ACT_CONFIRM_EXPORT, /* confirm an export another person proposed:
	                         * only then is the weapon `exported` */
	WAM_ACT_LICENSE,        /* transfers: draft and assess licences, record
	                         * end-user certificates and their verification,
	                         * register brokers */
	WAM_ACT_LICENSE_DECIDE, /* issue a licence another person drafted; suspend,
	                         * revoke or reinstate licences and brokers */
	WAM_ACT_SHIP,           /* shipments and imports against a licence,
	                         * deliveries, post-shipment checks, diversion
	                         * alerts */
	WAM_ACT_EMBARGO,        /* arms embargoes and sanctions: import the regimes
	                         * and sanctions lists, record and lift national
	                         * embargoes, exemptions and their decisions,
	                         * notices sent, confirm or clear screening alerts */
	WAM_ACT_MONITOR,        /* embargo monitoring: record and read observations
	                         * and findings, link evidence, corroborate and
	                         * report findings, profiles, evidence packs and
	                         * committee reports (sources without identities) */
	WAM_ACT_READ_SOURCES,   /* open the identity of a source another person
	                         * recorded (each read is logged): source handling */
	WAM_ACT_SUBMIT_REPORT,  /* submit an international report (UN Register,
	                         * ATT, PoA, UNODC): freeze and sign it as sent */
	WAM_ACT_COUNT
} wam_action;

/* The roles, NULL-terminated: viewer, registrar, armourer, tracer, monitor,
 * source_handler, licensing, auditor, admin. */
WAM_API const char *const *wam_auth_roles(void);

/* True when `role` exists. */
WAM_API bool wam_auth_role_valid(const char *role);

/* True when `role` may do `act`. Unknown roles may do nothing. */
WAM_API bool wam_auth_allows(const char *role, wam_action act);

/* Stable lowercase name of an action ("read", "read_sensitive", ...). */
WAM_API const char *wam_auth_action_name(wam_action act);

/* The role table, for a front end that shows or hides what a role may do:
 * sets `*out` to {actions: [every action's name, in wam_action order],
 * roles: [{role, actions: [the names of the actions it may do]}]}, roles in
 * the order of wam_auth_roles(). Made from the table wam_auth_allows()
 * reads, so the two cannot disagree. `*out` is the caller's (json_decref).
 * Fails with WAM_ENOMEM, `*out` then NULL. */
WAM_API int wam_auth_roles_json(json_t **out);

/* The actor string events record for `p` ("user:alice", "token:ci-export"),
 * written into `out` (at least 128 bytes); pass it to wam_db_set_actor()
 * before acting for `p`. */
WAM_API void wam_auth_principal_actor(const wam_principal *p, char *out, size_t cap);

/* True when two actor strings (as events record them) are the same person
 * for a two-person rule: the same string, or the same name as the
 * operating-system account and as a registry user ("os:alice" and
 * "user:alice"), since a person's login and registry name are usually one.
 * On its own a token is never the same person as a user; the rules use
 * wam_auth_same_person_db, which takes a token for whoever added it. */
WAM_API bool wam_auth_same_person(const char *actor_a, const char *actor_b);

/* As wam_auth_same_person, after a token ("token:NAME") is taken for the
 * identity that added it, the actor of its token.added event (every token
 * ever given that name, followed back through tokens that added tokens in
 * registries from before tokens stopped adding tokens): a token acts for the
 * person who made it. A failed read, a token no one added, a chain longer
 * than 8 or one that comes back to itself answers true, so a two-person rule
 * fails closed. */
WAM_API bool wam_auth_same_person_db(wam_db *db, const char *actor_a, const char *actor_b);

/* True for a token's actor ("token:NAME"): a program, which never confirms
 * a two-person act. */
WAM_API bool wam_auth_is_token(const char *actor);

/* Who holds the credentials of user `user_id`, from the ledger: {created_by,
 * created_at} of its user.added event, {password_set_by, password_set_at}
 * of its latest user.added or user.password_set, and comes_from, the actors
 * of all of them in order of first appearance (a password the user sets
 * after signing in with one someone else set does not wash that other
 * person's hand away). */
WAM_API int wam_auth_credentials(wam_db *db, json_t **out, const char *user_id);

/* The rule of independence: 0 unless someone the account of user `name`
 * comes from (`creds` from wam_auth_credentials: created it or ever set its
 * password) is the same person (wam_auth_same_person_db) as `party`, who
 * takes part in the act as `part` ("opened destruction batch ..."); then
 * WAM_EFORBIDDEN naming `field`. A `party` that is the user, the user's own
 * passwords and the operating-system account (which owns the file) do not
 * count against it. */
WAM_API int wam_auth_independent(wam_db *db, const json_t *creds, const char *name, const char *party, const char *part,
                                 const char *field);

/* The rule of independence between two accounts that vouch for two people:
 * 0 unless the accounts of users `name_a` and `name_b` (`creds_a`, `creds_b`
 * from wam_auth_credentials) come from the same person other than
 * themselves and the operating-system account; then WAM_EFORBIDDEN naming
 * `field`, the two accounts being those that `part` ("confirm destruction
 * batch ..."). */
WAM_API int wam_auth_apart(wam_db *db, const json_t *creds_a, const char *name_a, const json_t *creds_b,
                           const char *name_b, const char *part, const char *field);

/* The rule of independence between two identities of a two-person act:
 * `first` (an actor, as events record it) did the first part (`first_part`,
 * "proposed export X") and the handle's actor does the second
 * (`second_part`, "confirms export X"). 0 unless the second's account comes
 * from the first, the first's from the second, or both from one other
 * person (`both_part`, "propose and confirm export X") — wam_auth_independent
 * and wam_auth_apart on the accounts of both, read whatever sites the
 * handle's principal is confined to; then WAM_EFORBIDDEN naming `field`. */
WAM_API int wam_auth_independent_pair(wam_db *db, const char *first, const char *first_part, const char *second_part,
                                      const char *both_part, const char *field);

/* ---- users ---- */

/* Adds a user {name, role, sites?: [site ids]} with `password` (at least 10
 * characters, at most 1024 bytes). Names are 1-64 characters of letters,
 * digits and . _ @ -, unique. Fails with WAM_EINVAL naming the field,
 * WAM_ECONFLICT if the name is taken, WAM_ENOTFOUND if a site does not
 * exist (at most WAM_AUTH_MAX_SITES; kept sorted, each once). Appends a
 * user.added event; the password's hash goes to the credentials table in
 * the same transaction. `*out` (`out` may be NULL) is the user as
 * wam_auth_user_get shows it; the caller frees it with json_decref. */
WAM_API int wam_auth_user_add(wam_db *db, json_t **out, const json_t *user, const char *password);

/* Replaces the password of the user named or identified by `user` and
 * appends a user.password_set event (which holds no hash). WAM_ENOTFOUND if
 * there is no such user, WAM_EINVAL naming "password" if it breaks the rule
 * of wam_auth_user_add. */
WAM_API int wam_auth_user_set_password(wam_db *db, const char *user, const char *password);

/* Changes a user: {role?, sites?, disabled?} (sites [] or null: not
 * confined; disabled: true or false). Unknown keys are refused, with
 * WAM_EINVAL naming the key, as are bad values; WAM_ENOTFOUND if there is no
 * such user or site. The user.changed event holds only the keys whose value
 * changes; when none does, no event is appended. `*out` (`out` may be NULL)
 * is the user afterwards. */
WAM_API int wam_auth_user_update(wam_db *db, json_t **out, const char *user, const json_t *changes);

/* One user {id, name, role, sites, disabled, created} by id or name;
 * WAM_ENOTFOUND if there is none. The caller frees `*out` with json_decref. */
WAM_API int wam_auth_user_get(wam_db *db, json_t **out, const char *user);

/* The principal a user (as wam_auth_user_get shows it) acts as: kind
 * "user", its id, name, role and sites; a disabled user's role is "none",
 * so it may do nothing. */
WAM_API void wam_auth_user_principal(wam_principal *out, const json_t *user);

/* Every user, ordered by name, as a JSON array of what wam_auth_user_get
 * shows. The caller frees `*out` with json_decref. */
WAM_API int wam_auth_user_list(wam_db *db, json_t **out);

/* The users a caller may name in a form (checkers, verifiers, whom a
 * weapon is issued to): [{id, name, role}] of every user not disabled,
 * ordered by name; for a caller confined to sites, only the users who
 * share one of its sites and the users not confined. Neither sites nor
 * dates are given. The caller frees `*out`. WAM_EDB, WAM_ENOMEM. */
WAM_API int wam_auth_user_names(wam_db *db, json_t **out);

/* Checks a name and password. On success fills `*out`. An unknown name, a
 * wrong password and a disabled user all fail the same way, with WAM_EAUTH
 * and the same message, in about the same time. `*out` is zeroed on
 * failure. */
WAM_API int wam_auth_login(wam_db *db, wam_principal *out, const char *name, const char *password);

/* ---- API tokens ---- */

#define WAM_TOKEN_LEN 74 /* "wam_" + id (26) + "_" + 43 base64url characters */

/* Adds a token {name, role, sites?} and writes its secret into `secret`
 * (NUL-terminated). The secret is shown only this once: only its hash is
 * kept. Appends a token.added event. Fails like wam_auth_user_add, except
 * that token names need not be unique; `secret` is then "". `*out` (`out`
 * may be NULL) is the token as wam_auth_token_list shows it. */
WAM_API int wam_auth_token_add(wam_db *db, json_t **out, const json_t *token, char secret[WAM_TOKEN_LEN + 1]);

/* Revokes a token by id (a token.revoked event); later checks of it fail.
 * WAM_ENOTFOUND if there is no such token, WAM_ECONFLICT if it is already
 * revoked. */
WAM_API int wam_auth_token_revoke(wam_db *db, const char *id);

/* Every token {id, name, role, sites, revoked, created}, newest first. */
WAM_API int wam_auth_token_list(wam_db *db, json_t **out);

/* Checks a token's secret. On success fills `*out`; WAM_EAUTH if it is
 * malformed, unknown or revoked (one message for all three; `*out` is then
 * zeroed). Fast (no key stretching: the secret has 256 random bits). */
WAM_API int wam_auth_token_check(wam_db *db, wam_principal *out, const char *secret);

/* ---- logged reads ---- */

/* Records that the acting principal read the sensitive `fields` (a JSON
 * array of field names) of record `subject` through `via` (e.g. "GET
 * /api/v1/sites/01J..."): appends a record.read event, whose actor is the
 * handle's (see wam_auth_principal_actor). WAM_EINVAL naming "subject", "fields"
 * or "via" when one is empty or not text. */
WAM_API int wam_auth_log_read(wam_db *db, const char *subject, const json_t *fields, const char *via);

/* ---- sessions ---- */

/* The credential generation of the user named or identified by `user`
 * into `*out`: the sequence number of the last event that set its password
 * or changed its role, sites or disabled flag. A front end that keeps
 * sessions remembers it at sign-in and ends the session when it differs,
 * so a change made from any front end (another process included) ends the
 * user's sessions. WAM_ENOTFOUND if there is no such user; `*out` is then 0.
 * Reads only. */
WAM_API int wam_auth_user_generation(wam_db *db, int64_t *out, const char *user);

#ifdef __cplusplus
}
#endif
#endif
