/* wam/serve.h — the HTTP server (`wam serve`): the JSON API under /api/v1/
 * and the web console, on libwam.
 *
 * This is the whole of what a program embedding the server sees: its
 * options, the call that serves until a signal, and the list of its routes.
 * The server's inside (requests, handlers, sessions) stays in src/http. */
#ifndef WAM_SERVE_H
#define WAM_SERVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of wam_serve(). Zero-initialise, then set what you need. */
typedef struct wam_serve_opts {
	const char *db_path;
	const char *listen;                 /* "127.0.0.1:8080"; port 0 picks a free one */
	int threads;                        /* 0: one per core, at least 2 */
	size_t max_body;                    /* bytes of a request body (imports); JSON bodies 1 MiB */
	unsigned timeout_s;                 /* idle connection timeout */
	unsigned header_timeout_s;          /* the request line and headers must be in by then */
	size_t min_body_rate;               /* bytes a second a body keeps to after that grace; 0: any */
	unsigned max_connections;           /* all clients together (0: 4096) */
	unsigned per_address;               /* connections from one client address; 0: no limit */
	const char *const *hosts;           /* more names Host may give (NULL-terminated), or NULL */
	const char *const *trusted_proxies; /* addresses whose X-Forwarded-For names the client */
	bool secure_cookies;                /* add Secure to the session cookie (behind TLS) */
	FILE *access_log;                   /* one JSON line per request; NULL: none */
	const char *ready_file;             /* written with the URL once listening */
} wam_serve_opts;

/* Opens the registry at `o->db_path` and serves until SIGINT or SIGTERM,
 * then lets in-flight requests finish and closes the registry. Returns a
 * process exit code (docs/cli.md): 0 after a clean stop, else the code of
 * what kept it from starting (a bad --listen, an address in use, a
 * registry that does not open), which it prints on stderr. */
WAM_API int wam_serve(const wam_serve_opts *o);

/* Every route the server answers, in the order of its table: sets `*out`
 * to an array of {"method", "path", "action", "national"}, where action is
 * "public" (no sign-in), "signed_in" (any signed-in caller) or the name of
 * the action the caller's role needs (wam_auth_action_name), and national
 * is true for a route refused to callers confined to sites. `*out` is the
 * caller's (json_decref). Fails with WAM_ENOMEM. */
WAM_API int wam_serve_routes(json_t **out);

#ifdef __cplusplus
}
#endif

#endif
