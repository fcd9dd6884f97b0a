/* The HTTP front end of libwam (`wam serve`): shared pieces of the server.
 *
 * Like the CLI it includes only libwam's public headers. One request is one
 * `wam_request`: its memory comes from a per-request arena freed in one call
 * when the response is done; its handler finds the caller's identity, role
 * and site confinement in `who`, and answers with reply_json() or an error.
 * Every route is a row of the table in routes.c, which names the action it
 * needs (include/wam/auth.h); the dispatcher checks authentication, CSRF and
 * the action before a handler runs, and sets the caller as the handle's
 * principal, so libwam keeps the caller to its sites (include/wam/auth.h,
 * wam_db_set_principal) and a handler need not. */
#ifndef WAM_HTTP_H
#define WAM_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wam/auth.h"
#include "wam/error.h"
#include "wam/serve.h"
#include "wam/store.h"

/* ---- per-request arena ---- */
typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
} arena;
/* Zeroed memory that lives until arena_free(); NULL when memory is
 * exhausted. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

/* ---- a request ---- */
struct server;
struct route;

#define REQ_MAX_PARAMS 4
#define REQ_MAX_HEADERS 8

typedef struct wam_request {
	struct server *srv;
	struct MHD_Connection *conn;
	const struct route *route;
	arena mem;
	const char *method;
	const char *path;
	const char *params[REQ_MAX_PARAMS]; /* the {…} segments of the route, in order */
	char *body;                          /* the request body, NUL-terminated */
	size_t body_len, body_cap, body_max;
	bool body_too_large;
	wam_db *db;                          /* this thread's handle */
	wam_principal who;
	bool signed_in, via_cookie;
	bool admitted;                       /* caller checked on the headers, before the body */
	char csrf[44];                       /* a cookie session's CSRF token */
	char client[64];
	uint64_t started_us;
	/* the answer */
	int status;
	char *out;        /* malloc'd body */
	size_t out_len;
	int out_fd;       /* >= 0: stream the body from this pipe instead */
	const void *out_static; /* or send these bytes that outlive the server */
	const char *out_type;
	const char *headers[REQ_MAX_HEADERS][2];
	int nheaders;
	bool answered;
} wam_request;

/* Answers with `v` as JSON (stolen) and `status`. */
void reply_json(wam_request *r, int status, json_t *v);
/* Answers with {"error": {code, message, field?, message_id, args}}: the
 * format's id in the message catalogue (src/messages.json) and the values
 * of its conversions. */
void reply_error(wam_request *r, int status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The error body of a wam_error `e` (its message, id and args) with
 * `status` and the name of `rc` as its code. */
void reply_wam_error(wam_request *r, int status, int rc, const wam_error *e);
/* Answers with libwam's last error for `rc` (status from its table). */
void reply_wam(wam_request *r, int rc);
/* Answers with the outcome of a libwam call that returned `rc`: its error,
 * or `*out` as JSON with `status`. Takes `*out` either way. (A pointer,
 * because a call and its output in one argument list are read in no set
 * order.) */
void reply_result(wam_request *r, int rc, int status, json_t **out);
/* As reply_result, but a refusal (WAM_EINVAL) naming a query parameter the
 * request carries is 400 naming it, as the parameters a handler checks
 * itself (request_query_int ...): a bad query value answers 400 whichever
 * checks it, a bad body field 422 (docs/api.md). */
void reply_query_result(wam_request *r, int rc, int status, json_t **out);
/* Answers with bytes (copied) of `type`. */
void reply_bytes(wam_request *r, int status, const char *type, const void *p, size_t n);
/* Answers 200 with what `write` makes of `doc` (a library's CSV or HTML
 * rendering of a report), as `type`, with `disposition` as its
 * Content-Disposition when not NULL (arena); or with its error. */
typedef int (*reply_writer)(const json_t *doc, FILE *out);
void reply_written(wam_request *r, const json_t *doc, reply_writer write, const char *type, const char *disposition);
/* Adds a response header; both strings must outlive the request (arena). */
void reply_header(wam_request *r, const char *name, const char *value);

/* The body as a JSON object, or NULL after answering 400/415 (malformed,
 * not an object, not JSON, invalid UTF-8). */
json_t *request_json(wam_request *r);
/* A query parameter (decoded), or NULL. */
const char *request_query(wam_request *r, const char *name);
/* A query parameter read as a whole number in [lo, hi]; `*out` keeps its
 * value when absent. False after answering 400 naming the parameter. */
bool request_query_int(wam_request *r, const char *name, long lo, long hi, long *out);
/* A query parameter read as true/false (absent: false). False after
 * answering 400. */
bool request_query_bool(wam_request *r, const char *name, bool *out);
/* A request header, or NULL. */
const char *request_header(wam_request *r, const char *name);
/* The media type of the request (Content-Type without its parameters,
 * lower case), or NULL. */
const char *request_content_type(wam_request *r);

/* True when the caller may see records at `site_id`; confinement to sites
 * applies to weapons and sites alike. libwam holds every read and write to
 * the caller's sites itself (the principal is set on the handle before a
 * handler runs); this is for an answer that must come before libwam is
 * asked. */
bool request_sees_site(const wam_request *r, const char *site_id);

/* `rec`, which a library getter returned with `rc` for the id of the path;
 * else NULL after answering with the getter's error (`rec` freed). A record
 * at a site not the caller's is answered by libwam as not there. */
json_t *request_visible(wam_request *r, int rc, json_t *rec);

/* Records a read of sensitive `fields` of `subject` (an event). Answers
 * 500 and returns false if it cannot be logged: a read that cannot be
 * logged is not served. */
bool request_log_read(wam_request *r, const char *subject, json_t *fields);

/* Removes `fields` (NULL-terminated) from `rec`. */
void strip_fields(json_t *rec, const char *const *fields);
/* Shows one record's sensitive `fields` only to roles allowed to read them
 * (they are removed for others) and logs each such read. False after
 * answering, when the read could not be logged. */
bool request_sensitive(wam_request *r, json_t *rec, const char *const *fields);

/* ---- routes (routes.c) ---- */
#define ACT_PUBLIC (-1)    /* no sign-in needed */
#define ACT_SIGNED_IN (-2) /* any signed-in caller */

#define ROUTE_NATIONAL 0x1u /* refused to callers confined to sites */
#define ROUTE_BIG_BODY 0x2u /* body up to max_body (imports), else 1 MiB */
#define ROUTE_SNAPSHOT 0x4u /* only reads: answered from one read snapshot */

typedef struct route {
	const char *method;
	const char *pattern; /* "/api/v1/items/{id}/status" */
	int action;          /* a wam_action, ACT_PUBLIC or ACT_SIGNED_IN */
	unsigned flags;
	void (*handle)(wam_request *r);
	const char *const *query; /* the query parameters it takes (NULL: none) */
} route;

extern const route wam_http_routes[];

/* The route for `method` and `path`, with its {…} values in `params` (from
 * the arena). NULL if none; `*path_known` tells whether another method
 * would have matched (405 rather than 404). */
const route *route_find(arena *a, const char *method, const char *path, const char *params[REQ_MAX_PARAMS],
                        bool *path_known);

/* ---- handlers, one file per resource ---- */
void h_items_list(wam_request *r);
void h_items_create(wam_request *r);
void h_item_get(wam_request *r);
void h_item_markings(wam_request *r);
void h_item_history(wam_request *r);
void h_item_links(wam_request *r);
void h_item_integrity(wam_request *r);
void h_item_status(wam_request *r);
void h_item_attach(wam_request *r);
/* registry: exports proposed by one person, confirmed by another (h_items.c) */
void h_exports_list(wam_request *r);
void h_exports_create(wam_request *r);
void h_export_get(wam_request *r);
void h_export_confirm(wam_request *r);
void h_export_withdraw(wam_request *r);
void h_sites_list(wam_request *r);
void h_sites_create(wam_request *r);
void h_site_get(wam_request *r);
void h_holders_list(wam_request *r);
void h_holders_create(wam_request *r);
void h_holder_get(wam_request *r);
void h_search(wam_request *r);
void h_search_explain(wam_request *r);
void h_search_ammunition(wam_request *r);
void h_import(wam_request *r);
void h_export(wam_request *r);
void h_verify(wam_request *r);
void h_events(wam_request *r);
void h_summary(wam_request *r);
void h_todo(wam_request *r);
void h_health(wam_request *r);
/* the roles, status machine and vocabularies, from libwam (h_vocabulary.c) */
void h_vocabulary(wam_request *r);
void h_users_list(wam_request *r);
void h_users_create(wam_request *r);
void h_user_get(wam_request *r);
void h_user_update(wam_request *r);
void h_user_password(wam_request *r);
void h_tokens_list(wam_request *r);
void h_tokens_create(wam_request *r);
void h_token_revoke(wam_request *r);
void h_session_create(wam_request *r);
void h_session_get(wam_request *r);
void h_session_delete(wam_request *r);
void h_session_password(wam_request *r);
/* stock: stock checks and their investigations (h_checks.c) */
void h_checks_list(wam_request *r);
void h_checks_open(wam_request *r);
void h_check_get(wam_request *r);
void h_check_reads(wam_request *r);
void h_check_close(wam_request *r);
void h_investigations_list(wam_request *r);
void h_investigation_resolve(wam_request *r);
/* stock: lots, locations and moves (h_lots.c), custody (h_custody.c) */
void h_lots_list(wam_request *r);
void h_lots_create(wam_request *r);
void h_lots_expiring(wam_request *r);
void h_lot_get(wam_request *r);
void h_lot_history(wam_request *r);
void h_lot_receipt(wam_request *r);
void h_lot_issue(wam_request *r);
void h_lot_split(wam_request *r);
void h_lot_condition(wam_request *r);
void h_site_compatibility(wam_request *r);
void h_site_tree(wam_request *r);
void h_item_move(wam_request *r);
void h_custody_list(wam_request *r);
void h_custody_issue(wam_request *r);
void h_custody_overdue(wam_request *r);
void h_custody_get(wam_request *r);
void h_custody_confirm(wam_request *r);
void h_custody_return(wam_request *r);
void h_site_custody_rule(wam_request *r);
/* collection: recoveries and tasks (h_recoveries.c) */
void h_recoveries_list(wam_request *r);
void h_recoveries_create(wam_request *r);
void h_recovery_get(wam_request *r);
void h_recovery_handover(wam_request *r);
void h_recovery_ammunition_stock(wam_request *r);
void h_recovery_photo_add(wam_request *r);
void h_recovery_photo_get(wam_request *r);
/* h_pickers.c: what forms offer to choose from */
void h_countries(wam_request *r);
void h_suggest(wam_request *r);
void h_user_names(wam_request *r);
/* h_photos.c: the photo store */
void h_photo_add(wam_request *r);
void h_photo_get(wam_request *r);
void h_session_delete_all(wam_request *r);
void h_tasks_list(wam_request *r);
void h_task_mark(wam_request *r);
/* stock: destruction batches (h_destruction.c) */
void h_destructions_list(wam_request *r);
void h_destructions_create(wam_request *r);
void h_destruction_get(wam_request *r);
void h_destruction_item(wam_request *r);
void h_destruction_recovered(wam_request *r);
void h_destruction_person(wam_request *r);
void h_destruction_verify(wam_request *r);
void h_destruction_confirm(wam_request *r);
void h_destruction_close(wam_request *r);
void h_destruction_certificate(wam_request *r);
/* trace: losses, hits and origins (h_hits.c), trace requests and exchange
 * (h_traces.c), SDG 16.4.2 (h_reports.c) */
void h_losses_list(wam_request *r);
void h_losses_create(wam_request *r);
void h_losses_export(wam_request *r);
void h_hits_list(wam_request *r);
void h_hits_scan(wam_request *r);
void h_hit_get(wam_request *r);
void h_hit_decide(wam_request *r);
void h_item_origin(wam_request *r);
void h_traces_list(wam_request *r);
void h_traces_create(wam_request *r);
void h_traces_quality(wam_request *r);
void h_traces_import(wam_request *r);
void h_trace_get(wam_request *r);
void h_trace_update(wam_request *r);
void h_trace_quality(wam_request *r);
void h_trace_send(wam_request *r);
void h_trace_acknowledge(wam_request *r);
void h_trace_respond(wam_request *r);
void h_trace_close(wam_request *r);
void h_trace_export(wam_request *r);
void h_node(wam_request *r);
void h_peers_list(wam_request *r);
void h_peers_add(wam_request *r);
void h_peer_revoke(wam_request *r);
void h_report_sdg(wam_request *r);
void h_report_sdg_records(wam_request *r);
/* the international reports, their submissions and diff (h_reports.c) */
void h_report_make(wam_request *r);
void h_report_records(wam_request *r);
void h_report_submit(wam_request *r);
void h_report_submissions(wam_request *r);
void h_report_submission(wam_request *r);
void h_report_diff(wam_request *r);
/* transfers: licences, end-user certificates, brokers and screening
 * (h_licences.c); shipments, diversion alerts and the records
 * reports are made from (h_shipments.c) */
void h_licences_list(wam_request *r);
void h_licences_create(wam_request *r);
void h_licence_get(wam_request *r);
void h_licence_assess(wam_request *r);
void h_licence_issue(wam_request *r);
void h_licence_state(wam_request *r);
void h_eucs_list(wam_request *r);
void h_eucs_create(wam_request *r);
void h_euc_get(wam_request *r);
void h_euc_verify(wam_request *r);
void h_euc_check(wam_request *r);
void h_brokers_list(wam_request *r);
void h_brokers_create(wam_request *r);
void h_broker_get(wam_request *r);
void h_broker_state(wam_request *r);
void h_screening(wam_request *r);
void h_shipments_list(wam_request *r);
void h_shipments_create(wam_request *r);
void h_shipment_get(wam_request *r);
void h_shipment_deliver(wam_request *r);
void h_diversions_list(wam_request *r);
void h_diversion_get(wam_request *r);
void h_diversion_trace(wam_request *r);
void h_diversion_close(wam_request *r);
void h_transfer_records(wam_request *r);
/* embargo: regimes, the check of a destination, national embargoes,
 * exemptions and notices (h_embargo.c) */
void h_regimes_list(wam_request *r);
void h_regime_get(wam_request *r);
void h_regimes_import(wam_request *r);
void h_embargo_check(wam_request *r);
void h_embargoes_list(wam_request *r);
void h_embargoes_create(wam_request *r);
void h_embargo_lift(wam_request *r);
void h_exemptions_list(wam_request *r);
void h_exemptions_create(wam_request *r);
void h_exemption_get(wam_request *r);
void h_exemption_decide(wam_request *r);
void h_exemption_notice(wam_request *r);
void h_notices_list(wam_request *r);
void h_notice_get(wam_request *r);
void h_notice_sent(wam_request *r);
void h_notice_document(wam_request *r);
/* sanctions: lists, screening, alerts (h_sanctions.c) */
void h_sanctions_import(wam_request *r);
void h_sanctions_imports(wam_request *r);
void h_sanctions_entries(wam_request *r);
void h_sanctions_entry_get(wam_request *r);
void h_sanctions_screen(wam_request *r);
void h_sanctions_screen_batch(wam_request *r);
void h_sanctions_alerts(wam_request *r);
void h_sanctions_alert_get(wam_request *r);
void h_sanctions_alert_clear(wam_request *r);
void h_sanctions_alert_confirm(wam_request *r);
/* embargo monitoring: observations, findings, profiles, evidence packs and
 * the report to a committee (h_monitoring.c) */
void h_observations_create(wam_request *r);
void h_observations_list(wam_request *r);
void h_observation_get(wam_request *r);
void h_observation_trace(wam_request *r);
void h_findings_create(wam_request *r);
void h_findings_list(wam_request *r);
void h_finding_get(wam_request *r);
void h_finding_rule(wam_request *r);
void h_finding_link(wam_request *r);
void h_finding_unlink(wam_request *r);
void h_finding_corroborate(wam_request *r);
void h_finding_report(wam_request *r);
void h_profile_actor(wam_request *r);
void h_profile_country(wam_request *r);
void h_finding_evidence_pack(wam_request *r);
void h_evidence_verify(wam_request *r);
void h_report_committee(wam_request *r);
/* What the transfers handlers share, so every route of the room answers
 * alike (h_licences.c). transfers_create: the body to `fn`, answered 201
 * with the new record, at `base`/{id} as Location when `base` is given.
 * transfers_change: the body to `fn` for the record of the path, answered
 * 200 with the record. transfers_get: the record of the path (the embargo
 * and sanctions handlers share these too).
 * transfers_no_fields: true when the body is empty or {}; else false after
 * answering (400 for what is not a JSON object, 422 naming the first field
 * given). */
typedef int (*transfers_add_fn)(wam_db *db, json_t **out, const json_t *in);
typedef int (*transfers_change_fn)(wam_db *db, json_t **out, const char *id, const json_t *in);
typedef int (*transfers_get_fn)(wam_db *db, json_t **out, const char *id);
void transfers_create(wam_request *r, transfers_add_fn fn, const char *base);
void transfers_change(wam_request *r, transfers_change_fn fn);
void transfers_get(wam_request *r, transfers_get_fn fn);
/* transfers_list: the records `fn` gives for the query parameter `param`
 * (NULL when absent). */
typedef int (*transfers_list_fn)(wam_db *db, json_t **out, const char *param);
void transfers_list(wam_request *r, transfers_list_fn fn, const char *param);
bool transfers_no_fields(wam_request *r);
/* R11 (h_traces.c), for every answer that can carry a trace response: true
 * when the caller's role reads restricted and confidential responses in
 * full (trace_confidential). */
bool trace_sees_confidential(const wam_request *r);
/* Logs that the caller read responses `names` (["responses[0]", ...], as
 * wam_trace_request_restricted_responses() names them) of trace request `id` in
 * full; nothing when `names` is empty. False after answering 500 when the
 * read cannot be logged: then nothing may be shown. */
bool trace_log_responses_read(wam_request *r, const char *id, json_t *names);

/* ---- sessions and sign-in limits (session.c) ---- */
typedef struct sessions sessions;
sessions *sessions_new(void);
void sessions_free(sessions *s);
/* Starts a session for user `user_id`, whose credential generation
 * (wam_auth_user_generation) is `generation`: writes the cookie value (43
 * characters) and the CSRF token (43) into the buffers. */
int sessions_start(sessions *s, const char *user_id, int64_t generation, char sid[44], char csrf[44]);
/* The user id, credential generation at sign-in and CSRF token of a live
 * session; false if none (or expired). */
bool sessions_find(sessions *s, const char *sid, char user_id[27], int64_t *generation, char csrf[44]);
void sessions_end(sessions *s, const char *sid);
/* Ends every session of a user (after a password change or disabling). */
void sessions_end_user(sessions *s, const char *user_id);

/* Seconds a sign-in for `name` from `client` must wait: none for the
 * first few failures of that name from that address, then doubling after
 * each, up to a cap; or, for an address with too many failures whatever the
 * names, until its window ends. 0: go ahead, and the try is counted as a
 * failure until signin_result() says it was right. */
int signin_wait(sessions *s, const char *name, const char *client);
/* Says how a try let in by signin_wait() went: a right one clears the
 * count of that name from that address. */
void signin_result(sessions *s, const char *name, const char *client, bool ok);

/* ---- static files (static.c, assets embedded at build time) ---- */
/* Answers a GET of a file of the web console; false if there is none. */
bool static_serve(wam_request *r);

/* Security headers sent with every response. */
extern const char *const wam_http_security_headers[][2];

/* ---- the server (server.c) ---- */
sessions *server_sessions(struct server *s);
bool server_secure_cookies(const struct server *s);
/* A second handle on the registry for work that outlives the request
 * (streaming an export); the caller closes it. */
int server_clone_db(struct server *s, wam_db **out);

#endif
