/* wam serve: libmicrohttpd with a pool of threads on poll().
 *
 * Each pool thread gets its own registry handle on first use, cloned from
 * the one opened at start (wam_db_clone): SQLite connections are not shared
 * between threads, while the serial index is, under its own lock.
 *
 * A request is refused before it is read. libmicrohttpd calls on_request
 * first once the request line and headers are in, before any of the body:
 * then the framing (one Content-Length, not with Transfer-Encoding, one
 * Host), the Host allow-list and the body limit are checked, and for a
 * request with a body also the route, identity, CSRF, Origin, role and
 * confinement; a refusal is queued at once, and libmicrohttpd answers it
 * and closes the connection without reading the body. A request let in is
 * read whole (up to its route's body limit), then its handler runs. A
 * request without a body is checked in full when it is complete, inside
 * its read snapshot. A response carries the security headers, and its
 * completion writes one access-log line and frees the request's arena.
 *
 * Hostile clients: libmicrohttpd limits connections in all and per client
 * address, and closes a connection idle for --timeout; but a byte every few
 * seconds is not idle. So every connection is watched from the moment it is
 * accepted (MHD_OPTION_NOTIFY_CONNECTION): its request line and headers
 * must be in within --header-timeout of the accept or of the previous
 * answer, and a body must keep coming at --min-body-rate on average after
 * that grace. A watcher thread cuts a connection past its deadline with
 * shutdown(); libmicrohttpd then sees the end of the stream and closes it.
 * The descriptor is still libmicrohttpd's while it is watched: the watch
 * ends in the close notification, under the same lock, before the
 * descriptor is closed.
 *
 * SIGINT and SIGTERM stop accepting connections, let the requests in flight
 * finish, then close every handle, so the registry is left clean. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "http.h"

#define JSON_BODY_MAX (1u << 20) /* a JSON body is a record, never a registry */
#define MAX_HANDLES 256
/* libmicrohttpd's memory per connection, for the request line, headers and
 * I/O buffers, and the answer's headers: a browser sends every cookie of
 * localhost, whatever the port, so other local applications' cookies come
 * along (a cookie is copied once more as it is parsed); in all it is at most
 * --max-connections times this. */
#define CONNECTION_MEMORY (32u << 10)
/* The most the request line and headers may cost in that memory (each
 * header's name and value, HEADER_COST more for its place, a Cookie twice),
 * leaving room for the answer's headers; past it the answer is 431. */
#define HEADERS_MAX (20u << 10)
#define HEADER_COST 64u

#define MAX_HOSTS 64
#define MAX_PROXIES 16
#define HOST_MAX 255
/* descriptors kept for the registry's handles, pipes and logs beside the
 * connections */
#define FD_RESERVE 128

/* Where a watched connection is in its request. */
typedef enum phase {
	PHASE_HEADERS, /* waiting for the request line and headers */
	PHASE_BODY,    /* taken; its body is coming */
	PHASE_ANSWER,  /* being answered: no deadline but --timeout */
	PHASE_CUT      /* past its deadline, shut down */
} phase;

/* A connection watched for its deadlines, from accept to close. */
typedef struct watched {
	struct watched *prev, *next;
	int fd;
	phase phase;
	uint64_t since_us; /* when the phase began */
	uint64_t received; /* body bytes so far */
} watched;

struct server {
	struct MHD_Daemon *daemon;
	wam_db *primary;
	pthread_mutex_t lock;
	wam_db *handles[MAX_HANDLES];
	int nhandles;
	sessions *sessions;
	wam_serve_opts o;
	pthread_mutex_t log_lock;
	/* the names a Host header or an Origin may give */
	char hosts[MAX_HOSTS][HOST_MAX + 1];
	int nhosts;
	/* the port this server listens on, which its own pages' Origin gives;
	 * and each --host NAME:PORT, the name and port of a proxy in front */
	_Atomic unsigned port;
	struct {
		char name[HOST_MAX + 1];
		unsigned port;
	} fronts[MAX_HOSTS];
	int nfronts;
	/* reverse proxies whose X-Forwarded-For names the client */
	char proxies[MAX_PROXIES][INET6_ADDRSTRLEN];
	int nproxies;
	/* connections and their deadlines */
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;
	watched *watching;
	bool watch_stop;
	unsigned long cut, dropped; /* since the last summary */
	uint64_t summed_us;         /* when that was */
};

static _Thread_local wam_db *thread_db;

sessions *server_sessions(struct server *s)
{
	return s->sessions;
}

bool server_secure_cookies(const struct server *s)
{
	return s->o.secure_cookies;
}

int server_clone_db(struct server *s, wam_db **out)
{
	pthread_mutex_lock(&s->lock);
	int rc = wam_db_clone(out, s->primary);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* This thread's registry handle, opened on its first request. */
static wam_db *db_for_thread(struct server *s)
{
	if (thread_db)
		return thread_db;
	pthread_mutex_lock(&s->lock);
	if (s->nhandles < MAX_HANDLES && wam_db_clone(&thread_db, s->primary) == 0)
		s->handles[s->nhandles++] = thread_db;
	pthread_mutex_unlock(&s->lock);
	return thread_db;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const char *const wam_http_security_headers[][2] = {
	{"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	                            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	                            "form-action 'self'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{NULL, NULL},
};

static bool valid_utf8(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s);
	while (n > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, n, &c);
		if (k <= 0 || c == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

/* Decodes %HH in a path or query argument as libmicrohttpd does, except
 * that %00 becomes the bytes C0 80, which are not UTF-8: decoded to a NUL
 * it would end the C string, and "/index.html%00.txt" would be served as
 * "/index.html" or "serial=a%00b" searched as "a". valid_utf8 then refuses
 * the path or the parameter with a 400. */
static size_t unescape_uri(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (p[0] == '%' && p[1] == '0' && p[2] == '0') {
			*w++ = (char)0xC0;
			*w++ = (char)0x80;
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return MHD_http_unescape(s);
}

/* ---- Host and Origin ---- */

/* Writes `name` (`n` bytes) into `out` (HOST_MAX + 1 bytes) lowercased,
 * without a trailing dot; false when that leaves it empty or too long. */
static bool name_lower(char *out, const char *name, size_t n)
{
	if (n && name[n - 1] == '.')
		n--;
	if (!n || n > HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
	out[n] = '\0';
	return true;
}

/* True when `known` (a lowercased name) is `name` (`n` bytes), whatever
 * its case. */
static bool name_is(const char *known, const char *name, size_t n)
{
	return strlen(known) == n && !strncasecmp(known, name, n);
}

static bool host_known(const struct server *s, const char *name, size_t n)
{
	for (int i = 0; i < s->nhosts; i++)
		if (name_is(s->hosts[i], name, n))
			return true;
	return false;
}

/* Adds `name` (lowercased, without a trailing dot) to the allow-list. */
static void host_add(struct server *s, const char *name, size_t n)
{
	char *h = s->hosts[s->nhosts];
	if (s->nhosts < MAX_HOSTS && name_lower(h, name, n) && !host_known(s, h, strlen(h)))
		s->nhosts++;
}

/* The names a Host header (and an Origin) may give: the --listen address,
 * every --host; listening on a loopback address or on every address
 * (0.0.0.0), also localhost and 127.0.0.1; on every address, also this
 * machine's IPv4 addresses and name. Only names of the address family
 * listened on: this server takes no IPv6 connection, so [::1] on its port
 * would be another program's, another local user's page perhaps. */
static void hosts_init(struct server *s, const struct sockaddr_in *sa)
{
	static const char *const local[] = {"localhost", "127.0.0.1", NULL};
	char text[INET6_ADDRSTRLEN];
	bool any = sa->sin_addr.s_addr == htonl(INADDR_ANY), loopback = (ntohl(sa->sin_addr.s_addr) >> 24) == 127;
	for (int i = 0; (any || loopback) && local[i]; i++)
		host_add(s, local[i], strlen(local[i]));
	inet_ntop(AF_INET, &sa->sin_addr, text, sizeof text);
	host_add(s, text, strlen(text));
	for (const char *const *h = s->o.hosts; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		size_t n = colon ? (size_t)(colon - *h) : strlen(*h);
		host_add(s, *h, n);
		if (colon && s->nfronts < MAX_HOSTS && name_lower(s->fronts[s->nfronts].name, *h, n))
			s->fronts[s->nfronts++].port = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	if (!any)
		return;
	char name[HOST_MAX + 1];
	if (gethostname(name, sizeof name) == 0) {
		name[HOST_MAX] = '\0';
		host_add(s, name, strlen(name));
	}
	struct ifaddrs *all = NULL;
	if (getifaddrs(&all) != 0)
		return;
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr, text,
		          sizeof text);
		host_add(s, text, strlen(text));
	}
	freeifaddrs(all);
}

/* Splits the authority `a` (`n` bytes: "name", "name:port", "[v6]:port")
 * into its name (without a trailing dot) and port, 0 when none is given;
 * false when it is not an authority. */
static bool authority_split(const char *a, size_t n, const char **name, size_t *name_len, unsigned *port)
{
	const char *end = a + n, *colon;
	*name = a;
	*port = 0;
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close)
			return false;
		*name = a + 1;
		colon = close + 1;
		*name_len = (size_t)(close - *name);
	} else {
		const char *c = memchr(a, ':', n);
		colon = c ? c : end;
		*name_len = (size_t)(colon - a);
	}
	if (colon < end) { /* ":digits" (1 to 65535) and nothing else */
		unsigned long v = 0;
		if (*colon != ':' || colon + 1 == end || end - colon > 6)
			return false;
		for (const char *p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v == 0 || v > 65535)
			return false;
		*port = (unsigned)v;
	}
	if (*name_len && (*name)[*name_len - 1] == '.')
		(*name_len)--;
	return *name_len > 0;
}

/* True when the authority `a` (`n` bytes) names an allowed host, whatever
 * its port. */
static bool authority_allowed(const struct server *s, const char *a, size_t n)
{
	const char *name;
	size_t len;
	unsigned port;
	return authority_split(a, n, &name, &len, &port) && host_known(s, name, len);
}

/* True when `url` (an Origin, or with `path` a Referer) is this server's
 * own origin: scheme http, an allowed host and the port it listens on; or
 * http or https with the name and port of a --host NAME:PORT (a proxy in
 * front). The scheme and the name are compared without regard to case, the
 * port given or the scheme's own (80, 443). Another port of the same host
 * is another site's page (SameSite does not tell ports apart); "null", user
 * information, other schemes and an Origin with a path are not this
 * server. */
static bool origin_allowed(const struct server *s, const char *url, bool path)
{
	bool tls = !strncasecmp(url, "https://", 8);
	const char *a = tls ? url + 8 : !strncasecmp(url, "http://", 7) ? url + 7 : NULL;
	if (!a)
		return false;
	size_t n = strcspn(a, "/?#");
	const char *name;
	size_t len;
	unsigned port;
	if ((!path && a[n]) || memchr(a, '@', n) || !authority_split(a, n, &name, &len, &port) ||
	    !host_known(s, name, len))
		return false;
	if (!port)
		port = tls ? 443 : 80;
	if (!tls && port == atomic_load(&s->port))
		return true;
	for (int i = 0; i < s->nfronts; i++)
		if (s->fronts[i].port == port && name_is(s->fronts[i].name, name, len))
			return true;
	return false;
}

/* ---- checking query parameters ---- */

typedef struct query_check {
	wam_request *r;
	const char *bad_name;
	const char *bad_utf8;
} query_check;

static enum MHD_Result check_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	query_check *q = cls;
	const char *const *allowed = q->r->route->query;
	bool known = false;
	for (; allowed && *allowed && !known; allowed++)
		known = !strcmp(*allowed, key);
	if (!valid_utf8(key) || (value && !valid_utf8(value))) {
		q->bad_utf8 = valid_utf8(key) ? key : "?";
		return MHD_NO;
	}
	if (!known) {
		q->bad_name = key;
		return MHD_NO;
	}
	return MHD_YES;
}

static bool query_ok(wam_request *r)
{
	query_check q = {r, NULL, NULL};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_one, &q);
	if (q.bad_utf8) {
		reply_error(r, 400, "malformed", q.bad_utf8, "query parameter '%.40s' is not valid UTF-8", q.bad_utf8);
		return false;
	}
	if (q.bad_name) {
		reply_error(r, 400, "invalid", q.bad_name, "unknown query parameter '%.40s' for %s %s", q.bad_name,
		            r->route->method, r->route->pattern);
		return false;
	}
	return true;
}

/* ---- who is asking ---- */

/* The headers in which a browser says which page sent a request, in the
 * order they decide. */
static const char *const page_headers[] = {"Origin", "Sec-Fetch-Site", "Referer"};

/* Counts each of page_headers into the int[3] `cls`, in one pass:
 * libmicrohttpd's lookup gives only the first. */
static enum MHD_Result count_page_headers(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	int *n = cls;
	for (int i = 0; i < 3; i++)
		if (!strcasecmp(key, page_headers[i]))
			n[i]++;
	return MHD_YES;
}

/* Finds the caller from a bearer token or a session cookie; answers 401
 * and returns false when there is none or it is not valid. */
static bool authenticate(wam_request *r)
{
	const char *auth = request_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth) {
		int rc;
		if (strncasecmp(auth, "Bearer ", 7) != 0) {
			reply_error(r, 401, "unauthenticated", NULL, "use 'Authorization: Bearer <token>'");
			reply_header(r, "WWW-Authenticate", "Bearer realm=\"wam\"");
			return false;
		}
		if ((rc = wam_auth_token_check(r->db, &r->who, auth + 7))) {
			reply_wam(r, rc);
			return false;
		}
		r->signed_in = true;
		return true;
	}
	const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "wam_session");
	char uid[27], csrf[44];
	int64_t generation = 0, now_generation = 0;
	json_t *u = NULL;
	int rc = 0;
	if (!sid) {
		reply_error(r, 401, "unauthenticated", NULL, "sign in, or send an API token");
		reply_header(r, "WWW-Authenticate", "Bearer realm=\"wam\"");
		return false;
	}
	/* the user as the registry has it now: a password, role or disabled
	 * flag changed since sign-in, here or by another process (the CLI),
	 * ends the session */
	bool live = sessions_find(r->srv->sessions, sid, uid, &generation, csrf);
	if (live && !(rc = wam_auth_user_get(r->db, &u, uid)))
		rc = wam_auth_user_generation(r->db, &now_generation, uid);
	if (rc && rc != WAM_ENOTFOUND) {
		json_decref(u);
		reply_wam(r, rc);
		return false;
	}
	if (!live || rc || json_is_true(json_object_get(u, "disabled")) || now_generation != generation) {
		if (live)
			sessions_end(r->srv->sessions, sid);
		json_decref(u);
		reply_error(r, 401, "unauthenticated", NULL, "the session has ended; sign in again");
		return false;
	}
	wam_auth_user_principal(&r->who, u);
	json_decref(u);
	r->signed_in = r->via_cookie = true;
	memcpy(r->csrf, csrf, sizeof r->csrf);
	/* a browser request that changes something must prove it comes from
	 * wam's own page: the token it was given at sign-in, in a header a
	 * cross-site form cannot set */
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		const char *sent = request_header(r, "X-CSRF-Token");
		if (!sent || strlen(sent) != 43 || sodium_memcmp(sent, csrf, 43) != 0) {
			reply_error(r, 403, "csrf", "X-CSRF-Token",
			            "a request changing data from a browser session needs the X-CSRF-Token header");
			return false;
		}
		/* and a browser says where the page that sent it comes from:
		 * Origin, or failing that Sec-Fetch-Site or Referer; a client
		 * that sends none of them is not a browser. The first of them
		 * that is sent decides, and it is sent once and not empty. */
		const char *const *where = page_headers;
		int counts[3] = {0};
		MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_page_headers, counts);
		for (int i = 0; i < 3; i++) {
			if (!counts[i])
				continue;
			const char *value = request_header(r, where[i]);
			if (counts[i] > 1 || !value || !*value) {
				reply_error(
				    r, 403, "origin", where[i],
				    "a request changing data from a browser session must say once which page sent "
				    "it (%s is %s)",
				    where[i], counts[i] > 1 ? "sent more than once" : "empty");
				return false;
			}
			bool own = i == 1 ? !strcmp(value, "same-origin") || !strcmp(value, "none")
			                  : origin_allowed(r->srv, value, i == 2);
			if (!own) {
				reply_error(
				    r, 403, "origin", where[i],
				    "a request changing data from a browser session must come from a page of this "
				    "server (%s: %.100s); see --host",
				    where[i], value);
				return false;
			}
			break;
		}
	}
	return true;
}

/* Finds the route and checks the path and query, and takes this thread's
 * registry handle; false once answered (an error, or a file of the
 * console). */
static bool prepare(wam_request *r)
{
	bool path_known;
	const char *method = strcmp(r->method, "HEAD") ? r->method : "GET";
	if (!valid_utf8(r->path)) {
		reply_error(r, 400, "malformed", NULL, "the path is not valid UTF-8");
		return false;
	}
	if (!r->route && strncmp(r->path, "/api/", 5) != 0 && !strcmp(method, "GET") && static_serve(r))
		return false;
	if (!r->route) {
		r->route = route_find(&r->mem, method, r->path, r->params, &path_known);
		if (!r->route) {
			if (path_known)
				reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %.200s",
				            r->method, r->path);
			else
				reply_error(r, 404, "not_found", NULL, "no such resource: %.200s", r->path);
			return false;
		}
	}
	for (int i = 0; i < REQ_MAX_PARAMS && r->params[i]; i++)
		if (!valid_utf8(r->params[i])) {
			reply_error(r, 400, "malformed", NULL, "the path is not valid UTF-8");
			return false;
		}
	if (!query_ok(r))
		return false;
	if (!(r->db = db_for_thread(r->srv))) {
		reply_error(r, 500, "database", NULL, "the registry could not be opened");
		return false;
	}
	return true;
}

/* Checks who is asking and whether they may; false once answered. */
static bool admit(wam_request *r)
{
	const route *rt = r->route;
	wam_error_clear();
	wam_db_set_principal(r->db, NULL); /* the server finds out who asks */
	if (rt->action == ACT_PUBLIC)
		return true;
	if (!authenticate(r))
		return false;
	if (rt->action >= 0 && !wam_auth_allows(r->who.role, (wam_action)rt->action)) {
		reply_error(r, 403, "forbidden", NULL, "the role %s may not %s", r->who.role,
		            wam_auth_action_name((wam_action)rt->action));
		return false;
	}
	if ((rt->flags & ROUTE_NATIONAL) && r->who.nsites > 0) {
		reply_error(r, 403, "forbidden", NULL, "%s %s covers the whole registry; you are confined to sites",
		            rt->method, rt->pattern);
		return false;
	}
	return true;
}

/* Runs the handler as the caller. The actor and the principal are set
 * here, just before: the thread's handle serves other connections between
 * the calls of one request. From then on libwam holds the handle to the
 * caller's sites. */
static void run(wam_request *r)
{
	if (r->signed_in) {
		char actor[128];
		wam_auth_principal_actor(&r->who, actor, sizeof actor);
		wam_db_set_actor(r->db, actor);
		wam_db_set_principal(r->db, &r->who);
	} else {
		wam_db_set_actor(r->db, "http:anonymous");
		wam_db_set_principal(r->db, NULL);
	}
	wam_error_clear();
	r->route->handle(r);
}

/* An answer built while one of jansson's allocations failed may lack a
 * member: an error goes out instead, from bytes that need no memory. */
static void refuse_partial_answer(wam_request *r)
{
	static const char body[] = "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"the server ran out of "
	                           "memory while it made the answer; a change asked for may have been made\"}}";
	free(r->out);
	r->out = NULL;
	r->out_static = body;
	r->out_len = sizeof body - 1;
	r->out_type = "application/json; charset=utf-8";
	r->status = 500;
	r->nheaders = 0;
	r->answered = true;
}

/* A whole request: checked now unless it was when its headers came, then
 * answered, reads from one snapshot when the route asks for it. */
static void dispatch(wam_request *r)
{
	unsigned long json_failures = wam_error_alloc_failures();
	if (!r->admitted && !prepare(r))
		goto done;
	if (!(r->db = db_for_thread(r->srv))) {
		reply_error(r, 500, "database", NULL, "the registry could not be opened");
		goto done;
	}
	bool snapshot = (r->route->flags & ROUTE_SNAPSHOT) && wam_db_snapshot_begin(r->db) == 0;
	if (r->admitted || admit(r))
		run(r);
	if (snapshot)
		wam_db_snapshot_end(r->db);
	if (!r->answered)
		reply_error(r, 500, "error", NULL, "no answer was made");
done:
	if (wam_error_alloc_failures() != json_failures && r->out_fd < 0)
		refuse_partial_answer(r);
}

/* ---- libmicrohttpd callbacks ---- */

static enum MHD_Result send_answer(wam_request *r)
{
	struct MHD_Response *resp;
	if (r->out_fd >= 0) {
		resp = MHD_create_response_from_pipe(r->out_fd);
		r->out_fd = -1; /* the response owns it now */
	} else if (r->out_static) {
		resp = MHD_create_response_from_buffer(r->out_len, (void *)(uintptr_t)r->out_static,
		                                       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->out = NULL;
	}
	if (!resp)
		return MHD_NO;
	if (r->out_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->out_type);
	for (int i = 0; wam_http_security_headers[i][0]; i++)
		MHD_add_response_header(resp, wam_http_security_headers[i][0], wam_http_security_headers[i][1]);
	if (!strncmp(r->path, "/api/", 5))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	/* a busy registry (503, from any handler) says when to try again */
	if (r->status == 503 && !MHD_get_response_header(resp, "Retry-After"))
		MHD_add_response_header(resp, "Retry-After", "2");
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void client_of(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

/* An address in its canonical text form into `out`; false if `text` is
 * not an IPv4 or IPv6 address. */
static bool canonical_address(const char *text, size_t n, char out[INET6_ADDRSTRLEN])
{
	char in[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	if (n == 0 || n >= sizeof in)
		return false;
	memcpy(in, text, n);
	in[n] = '\0';
	if (inet_pton(AF_INET, in, bin) == 1)
		return inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN) != NULL;
	if (inet_pton(AF_INET6, in, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN) != NULL;
	return false;
}

static void proxies_init(struct server *s)
{
	for (const char *const *p = s->o.trusted_proxies; p && *p && s->nproxies < MAX_PROXIES; p++)
		if (canonical_address(*p, strlen(*p), s->proxies[s->nproxies]))
			s->nproxies++;
}

static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	if (!strcasecmp(key, "X-Forwarded-For") && value)
		*(const char **)cls = value;
	return MHD_YES;
}

/* Behind a --trusted-proxy, the client is the address that proxy saw: the
 * last one of X-Forwarded-For, the one it added itself (those before it
 * came from the client and prove nothing). From anyone else the header is
 * ignored. */
static void forwarded_client(struct server *s, wam_request *r)
{
	bool trusted = false;
	for (int i = 0; i < s->nproxies && !trusted; i++)
		trusted = !strcmp(s->proxies[i], r->client);
	const char *xff = NULL;
	if (!trusted)
		return;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, last_forwarded, &xff);
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	size_t n = strcspn(last, " \t");
	char addr[INET6_ADDRSTRLEN];
	if (canonical_address(last, n, addr))
		snprintf(r->client, sizeof r->client, "%s", addr);
}

static wam_request *request_new(struct server *s, struct MHD_Connection *c, const char *url, const char *method)
{
	wam_request *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->srv = s;
	r->conn = c;
	r->out_fd = -1;
	r->started_us = now_us();
	r->method = arena_strdup(&r->mem, method);
	r->path = arena_strdup(&r->mem, url);
	if (!r->method || !r->path) {
		arena_free(&r->mem);
		free(r);
		return NULL;
	}
	client_of(c, r->client, sizeof r->client);
	forwarded_client(s, r);
	bool known;
	r->route = route_find(&r->mem, strcmp(method, "HEAD") ? method : "GET", r->path, r->params, &known);
	r->body_max = r->route && (r->route->flags & ROUTE_BIG_BODY) ? s->o.max_body : JSON_BODY_MAX;
	return r;
}

/* ---- deadlines ---- */

static watched *watch_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Moves connection `c` to phase `p`, its deadline counted from now. */
static void watch_phase(struct server *s, struct MHD_Connection *c, phase p)
{
	watched *w = watch_of(c);
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_lock);
	if (w->phase != PHASE_CUT) {
		w->phase = p;
		w->since_us = now_us();
		w->received = 0;
	}
	pthread_mutex_unlock(&s->watch_lock);
}

static void watch_received(struct server *s, struct MHD_Connection *c, size_t n)
{
	watched *w = watch_of(c);
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_lock);
	w->received += n;
	pthread_mutex_unlock(&s->watch_lock);
}

/* A connection is watched from its accept (STARTED) until libmicrohttpd
 * is about to close it (CLOSED). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		watched *w = ci ? calloc(1, sizeof *w) : NULL;
		*socket_context = w;
		if (!w)
			return;
		w->fd = ci->connect_fd;
		w->phase = PHASE_HEADERS;
		w->since_us = now_us();
		pthread_mutex_lock(&s->watch_lock);
		w->next = s->watching;
		if (w->next)
			w->next->prev = w;
		s->watching = w;
		pthread_mutex_unlock(&s->watch_lock);
		return;
	}
	watched *w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		s->watching = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&s->watch_lock);
	free(w);
	*socket_context = NULL;
}

static bool overdue(const struct server *s, const watched *w, uint64_t now)
{
	uint64_t grace = (uint64_t)s->o.header_timeout_s * 1000000u;
	if (w->phase == PHASE_HEADERS)
		return now - w->since_us > grace;
	if (w->phase == PHASE_BODY && s->o.min_body_rate)
		return now - w->since_us > grace + w->received * 1000000u / s->o.min_body_rate;
	return false;
}

/* libmicrohttpd's messages, but for those a hostile client causes by the
 * thousand (a connection dropped half-way, one over the limit): those are
 * counted and summed up once a minute. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *s = cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (strstr(msg, "closed by remote") || strstr(msg, "reached connection limit")) {
		pthread_mutex_lock(&s->watch_lock);
		s->dropped++;
		pthread_mutex_unlock(&s->watch_lock);
		return;
	}
	size_t n = strlen(msg);
	fprintf(stderr, "wam serve: %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
}

/* The watcher thread: four times a second, cuts the connections past their
 * deadline; once a minute, says how many it cut and how many others were
 * dropped, if any. */
static void *watch_deadlines(void *arg)
{
	struct server *s = arg;
	pthread_mutex_lock(&s->watch_lock);
	while (!s->watch_stop) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += 250000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->watch_wake, &s->watch_lock, &t);
		uint64_t now = now_us();
		for (watched *w = s->watching; w; w = w->next)
			if (overdue(s, w, now)) {
				shutdown(w->fd, SHUT_RDWR);
				w->phase = PHASE_CUT;
				s->cut++;
			}
		if (now - s->summed_us >= 60000000u) {
			if (s->cut || s->dropped)
				fprintf(
				    stderr,
				    "wam serve: in the last minute %lu connections were closed at their deadline, %lu "
				    "dropped half-way or over the connection limit\n",
				    s->cut, s->dropped);
			s->cut = s->dropped = 0;
			s->summed_us = now;
		}
	}
	pthread_mutex_unlock(&s->watch_lock);
	return NULL;
}

/* ---- the headers, before any of the body ---- */

typedef struct framing {
	size_t bytes; /* what the headers cost in the connection's memory */
	int content_length, transfer_encoding, host;
	const char *length, *host_value, *coding;
	bool bad_name, folded;
} framing;

/* True when `s` is an RFC 9110 token: a header name has no space (before
 * its colon or anywhere), no separator, no control character. */
static bool is_token(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr(extra, *s)))
			return false;
	return true;
}

/* True when the header `key: value` was folded onto more lines (a line
 * beginning with a space or a tab). libmicrohttpd 0.9 takes such a line in
 * without a word, by copying the name elsewhere and appending the line to
 * it, while a header it read as one line keeps its name and value where
 * they were read: "name\0", the spaces and tabs after the colon, the value.
 * A value anywhere else is a header put together from folded lines. */
static bool is_folded(const char *key, const char *value)
{
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value, after = k + strlen(key) + 1;
	if (!value || v < after || v - after > CONNECTION_MEMORY)
		return true;
	for (const char *p = key + strlen(key) + 1; p < value; p++)
		if (*p != ' ' && *p != '\t')
			return true;
	return false;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	framing *f = cls;
	if (!is_token(key)) {
		f->bad_name = true;
		return MHD_NO;
	}
	if (is_folded(key, value)) {
		f->folded = true;
		return MHD_NO;
	}
	f->bytes += strlen(key) + (value ? strlen(value) : 0) + HEADER_COST;
	if (value && !strcasecmp(key, MHD_HTTP_HEADER_COOKIE))
		f->bytes += strlen(value); /* libmicrohttpd parses it into a copy */
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		f->content_length++;
		f->length = value;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		f->transfer_encoding++;
		f->coding = value;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
		f->host++;
		f->host_value = value;
	}
	return MHD_YES;
}

/* Writes the answer made for `r` (a 431) straight to its socket. Headers
 * that fill the connection's memory leave libmicrohttpd no room for the
 * answer's own headers: it would close the connection without a word. The
 * socket is written nowhere else at this point (nothing is queued on it),
 * and a connection so answered is then closed. */
static void answer_on_socket(wam_request *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	char head[2048];
	size_t n;
	if (!ci || !r->out)
		return;
	n = (size_t)snprintf(head, sizeof head,
	                     "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Type: "
	                     "%s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n",
	                     r->out_type, r->out_len);
	for (int i = 0; wam_http_security_headers[i][0] && n < sizeof head; i++)
		n += (size_t)snprintf(head + n, sizeof head - n, "%s: %s\r\n", wam_http_security_headers[i][0],
		                      wam_http_security_headers[i][1]);
	if (n + 2 >= sizeof head)
		return;
	memcpy(head + n, "\r\n", 2);
	n += 2;
	/* the socket's send buffer is empty (the previous answer, if any, went
	 * out before this request was read) and holds far more than this */
	if (send(ci->connect_fd, head, n, MSG_NOSIGNAL) == (ssize_t)n)
		send(ci->connect_fd, r->out, r->out_len, MSG_NOSIGNAL);
	shutdown(ci->connect_fd, SHUT_WR);
}

/* Checks what the headers alone decide: one way to frame the body, an
 * allowed Host, the body's size; and for a request with a body, its route
 * and caller, so that a refused body is never read. False once answered. */
static bool headers_ok(wam_request *r)
{
	framing f = {0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &f);
	if (strlen(r->path) + f.bytes > HEADERS_MAX) {
		reply_error(
		    r, 431, "headers_too_large", NULL,
		    "the request line and headers take more than %u bytes (a cookie counts twice): send fewer or "
		    "smaller headers, or clear this host's cookies",
		    HEADERS_MAX);
		return false;
	}
	/* a name with a space before its colon, or a line folded onto the one
	 * before, is read as another header, or none, by a proxy in front, and
	 * libmicrohttpd would take the request in anyway: the body of a
	 * "Transfer-Encoding : chunked" read as the next request */
	if (f.bad_name) {
		reply_error(r, 400, "malformed", NULL,
		            "a header name is not a token: it has a space (before the colon, say), a separator or a "
		            "control character");
		return false;
	}
	if (f.folded) {
		reply_error(r, 400, "malformed", NULL,
		            "a header line begins with a space or a tab: headers folded onto more lines are not taken");
		return false;
	}
	/* two lengths, or a length and chunks, are read one way here and
	 * another by a proxy in front: the way requests are smuggled */
	if (f.content_length > 1) {
		reply_error(r, 400, "malformed", "Content-Length", "a request has at most one Content-Length header");
		return false;
	}
	if (f.content_length && f.transfer_encoding) {
		reply_error(r, 400, "malformed", "Content-Length",
		            "a request has a Content-Length or a Transfer-Encoding header, not both");
		return false;
	}
	/* any coding but chunked (identity, gzip, "gzip, chunked") would leave
	 * the body without an end this server knows */
	if (f.transfer_encoding && (f.transfer_encoding > 1 || strcasecmp(f.coding, "chunked") != 0)) {
		reply_error(r, 501, "not_implemented", "Transfer-Encoding",
		            "the only Transfer-Encoding taken is one 'chunked'; a body in another coding is not");
		return false;
	}
	if (f.content_length && (!*f.length || strspn(f.length, "0123456789") != strlen(f.length))) {
		reply_error(r, 400, "malformed", "Content-Length", "Content-Length must be a number of bytes");
		return false;
	}
	if (f.host > 1) {
		reply_error(r, 400, "malformed", "Host", "a request has at most one Host header");
		return false;
	}
	/* a name this server does not answer to: a page of another site whose
	 * name was made to point here (DNS rebinding), or a misrouted request */
	if (f.host && !authority_allowed(r->srv, f.host_value, strlen(f.host_value))) {
		reply_error(r, 421, "misdirected", "Host",
		            "this server does not answer to the name '%.100s'; see --host", f.host_value);
		return false;
	}
	unsigned long long length = f.content_length ? strtoull(f.length, NULL, 10) : 0;
	if (length > r->body_max) {
		reply_error(r, 413, "too_large", NULL, "the body is larger than %zu bytes", r->body_max);
		return false;
	}
	if (length == 0 && !f.transfer_encoding)
		return true; /* checked in full once complete */
	if (!prepare(r) || !admit(r))
		return false;
	r->admitted = true;
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	(void)version;
	struct server *s = cls;
	wam_request *r = *ctx;
	if (!r) {
		if (!(r = request_new(s, c, url, method)))
			return MHD_NO;
		*ctx = r;
		if (!headers_ok(r)) {
			watch_phase(s, c, PHASE_ANSWER);
			if (r->status == 431) {
				answer_on_socket(r);
				return MHD_NO;
			}
			/* refused before a byte of the body is read: libmicrohttpd
			 * sends this and closes the connection */
			return send_answer(r);
		}
		watch_phase(s, c, r->admitted ? PHASE_BODY : PHASE_ANSWER);
		return MHD_YES;
	}
	if (*upload_size) {
		watch_received(s, c, *upload_size);
		if (r->answered) { /* already refused: drain */
			*upload_size = 0;
			return MHD_YES;
		}
		if (r->body_len + *upload_size > r->body_max) {
			/* a body without a Content-Length (chunked): libmicrohttpd
			 * cannot queue an answer in the middle of an upload, so the
			 * rest is drained and the 413 sent once it is read */
			r->body_too_large = true;
			reply_error(r, 413, "too_large", NULL, "the body is larger than %zu bytes", r->body_max);
			*upload_size = 0;
			return MHD_YES;
		}
		if (r->body_len + *upload_size + 1 > r->body_cap) {
			size_t cap = r->body_cap ? r->body_cap : 4096;
			while (cap < r->body_len + *upload_size + 1)
				cap *= 2;
			char *p = realloc(r->body, cap);
			if (!p)
				return MHD_NO;
			r->body = p;
			r->body_cap = cap;
		}
		memcpy(r->body + r->body_len, upload, *upload_size);
		r->body_len += *upload_size;
		r->body[r->body_len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	watch_phase(s, c, PHASE_ANSWER);
	if (r->body_too_large)
		return send_answer(r);
	if (r->answered)
		return MHD_YES;
	dispatch(r);
	return send_answer(r);
}

static void write_log(struct server *s, wam_request *r)
{
	if (!s->o.access_log)
		return;
	char actor[128] = "-";
	if (r->signed_in)
		wam_auth_principal_actor(&r->who, actor, sizeof actor);
	time_t t = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:f}", "time", when, "client", r->client, "user", actor,
	                         "method", r->method, "path", r->path, "status", r->status,
	                         "ms", (double)(now_us() - r->started_us) / 1000.0);
	char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4)) : NULL;
	json_decref(line);
	if (text) {
		pthread_mutex_lock(&s->log_lock);
		fprintf(s->o.access_log, "%s\n", text);
		fflush(s->o.access_log);
		pthread_mutex_unlock(&s->log_lock);
		free(text);
	}
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
	(void)why;
	struct server *s = cls;
	wam_request *r = *ctx;
	watch_phase(s, c, PHASE_HEADERS); /* the next request on the connection */
	if (!r)
		return;
	write_log(s, r);
	if (r->out_fd >= 0)
		close(r->out_fd);
	free(r->out);
	free(r->body);
	arena_free(&r->mem);
	free(r);
	*ctx = NULL;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

/* Room for `want` connections among the open files this process may have:
 * raises the soft limit (up to the hard one) when it is lower than they
 * need, and returns how many connections fit. */
static unsigned fit_connections(unsigned want)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)want + FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		unsigned fit = rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) : FD_RESERVE;
		fprintf(stderr, "wam serve: at most %lu open files: %u connections, not %u\n",
		        (unsigned long)rl.rlim_cur, fit, want);
		return fit;
	}
	return want;
}

int wam_serve(const wam_serve_opts *o)
{
	struct server *s = calloc(1, sizeof *s);
	struct sockaddr_in sa;
	int rc, code = 0;
	if (!s)
		return 1;
	s->o = *o;
	if (parse_listen(o->listen, &sa)) {
		fprintf(stderr, "wam serve: --listen '%s' is not an IPv4 address and port (127.0.0.1:8080)\n",
		        o->listen);
		free(s);
		return 2;
	}
	int threads = o->threads;
	if (threads <= 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores < 2 ? 2 : cores > 64 ? 64 : (int)cores;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->log_lock, NULL);
	pthread_mutex_init(&s->watch_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->watch_wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_t watcher;
	bool watching = false;
	atomic_init(&s->port, ntohs(sa.sin_port));
	hosts_init(s, &sa);
	proxies_init(s);
	unsigned max_connections = fit_connections(o->max_connections ? o->max_connections : 4096);
	/* a request allocates and frees the same few hundred KiB again and
	 * again: keep that memory rather than give it back to the system and
	 * take it again (an mprotect per request) */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
	if ((rc = wam_db_open(&s->primary, o->db_path, 0))) {
		fprintf(stderr, "wam serve: %s\n", wam_error_last()->message);
		code = wam_error_exit_code(rc);
		goto done;
	}
	if (!(s->sessions = sessions_new())) {
		code = 1;
		goto done;
	}
	/* the pool threads inherit this mask: only the main thread takes the
	 * signals, in sigwait below */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* poll(), not epoll: with epoll, MHD_quiesce_daemon (at SIGTERM) and a
	 * pool thread busy with a connection can both remove the listening
	 * socket from the thread's epoll set, and the loser aborts the process
	 * ("Failed to remove listen FD from epoll set", libmicrohttpd 0.9.75);
	 * with poll() quiescing only signals the threads */
	s->summed_us = now_us();
	if (pthread_create(&watcher, NULL, watch_deadlines, s) != 0) {
		fprintf(stderr, "wam serve: cannot start the thread that keeps connection deadlines\n");
		code = 1;
		goto done;
	}
	watching = true;
	s->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request,
	    s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)(o->timeout_s ? o->timeout_s : 30), MHD_OPTION_CONNECTION_LIMIT, max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_address, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK, unescape_uri, NULL, MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "wam serve: cannot listen on %s (in use, or not an address of this machine)\n",
		        o->listen);
		code = 6;
		goto done;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info)
		atomic_store(&s->port, (unsigned)info->port);
	char url[96], host[64];
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
	snprintf(url, sizeof url, "http://%s:%u", host, info ? info->port : ntohs(sa.sin_port));
	printf("wam: serving %s on %s with %d threads (Ctrl-C stops)\n", o->db_path, url, threads);
	fflush(stdout);
	if (o->ready_file) {
		FILE *f = fopen(o->ready_file, "w");
		if (f) {
			fprintf(f, "%s\n", url);
			fclose(f);
		}
	}
	int sig;
	sigwait(&stop, &sig);
	fprintf(stderr, "wam serve: %s: finishing requests in flight, then closing the registry\n",
	        sig == SIGINT ? "SIGINT" : "SIGTERM");
	MHD_socket listener = MHD_quiesce_daemon(s->daemon); /* stop accepting */
	/* give the connections still open up to five seconds to be answered */
	for (int i = 0; i < 50; i++) {
		const union MHD_DaemonInfo *n = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!n || n->num_connections == 0)
			break;
		usleep(100000);
	}
	MHD_stop_daemon(s->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	s->daemon = NULL;
done:
	if (watching) {
		pthread_mutex_lock(&s->watch_lock);
		s->watch_stop = true;
		pthread_cond_signal(&s->watch_wake);
		pthread_mutex_unlock(&s->watch_lock);
		pthread_join(watcher, NULL);
	}
	for (int i = 0; i < s->nhandles; i++)
		wam_db_close(s->handles[i]);
	wam_db_close(s->primary);
	sessions_free(s->sessions);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->log_lock);
	pthread_mutex_destroy(&s->watch_lock);
	pthread_cond_destroy(&s->watch_wake);
	free(s);
	return code;
}
