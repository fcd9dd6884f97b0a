/* Fuzz target: `wam serve` as a client reaches it — the request line, path
 * and query string (percent-decoding, the route table, each route's query
 * parameters and their checks: the filters of GET /items, /search ...),
 * headers, and the JSON bodies every handler reads (request_json).
 *
 * The server runs in this process, on 127.0.0.1 with an ephemeral port, on
 * a demo registry; each input is sent as one request on its own connection
 * and the whole answer read. An input is
 *   METHOD TARGET
 *   Header: value          (any number, optional)
 *                          (an empty line)
 *   body
 * with @SITE@, @ITEM@ ... replaced by ids of the registry (common.h). Host,
 * Content-Length and Connection: close are added, and an admin's bearer
 * token unless the input sends its own Authorization or Cookie header, so
 * that every handler can be reached. A 500 answer is a finding too (the
 * server answered a request it could not handle): the target aborts with
 * the request. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"
#include "http/http.h"
#include "wam/auth.h"

static char ready[160], url_host[64], bearer[WAM_TOKEN_LEN + 1];
static int port;

static void *serve(void *arg)
{
	(void)arg;
	wam_serve_opts o = {.db_path = fuzz_registry_path(),
	                    .listen = "127.0.0.1:0",
	                    .threads = 2,
	                    .max_body = 1u << 20,
	                    .timeout_s = 5,
	                    .ready_file = ready};
	int code = wam_serve(&o);
	fprintf(stderr, "fuzz_http: wam serve stopped (exit %d)\n", code);
	abort();
	return NULL;
}

static void start(void)
{
	wam_db *db = fuzz_registry(60);
	json_t *tok = json_pack("{s:s, s:s}", "name", "fuzz", "role", "admin");
	if (wam_auth_token_add(db, NULL, tok, bearer))
		abort();
	json_decref(tok);
	wam_db_close(db);
	snprintf(ready, sizeof ready, "%s.ready", fuzz_registry_path());
	pthread_t t;
	if (pthread_create(&t, NULL, serve, NULL))
		abort();
	for (int i = 0; i < 3000; i++) {
		FILE *f = fopen(ready, "r");
		char line[128] = "";
		if (f) {
			if (!fgets(line, sizeof line, f))
				line[0] = '\0';
			fclose(f);
		}
		if (strchr(line, '\n') && sscanf(line, "http://%63[^:]:%d", url_host, &port) == 2)
			return;
		usleep(10000);
	}
	fprintf(stderr, "fuzz_http: the server did not start\n");
	abort();
}

/* Appends `n` bytes to the request being built. */
static void put(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = 2 * (*len + n + 1);
		if (!(*buf = realloc(*buf, *cap)))
			abort();
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static bool named(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n > k && line[k] == ':' && !strncasecmp(line, name, k);
}

/* Sends the request, reads the answer; returns its status (0: none). */
static int exchange(const char *req, size_t len)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct timeval tv = {.tv_sec = 10};
	int status = 0;
	inet_pton(AF_INET, url_host, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	/* libFuzzer's timer (SIGALRM) interrupts system calls: each is tried again */
	int rc;
	while ((rc = connect(fd, (struct sockaddr *)&sa, sizeof sa)) && (errno == EINTR || errno == EALREADY))
		;
	if (rc && errno != EISCONN) {
		perror("fuzz_http: connect");
		abort();
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* refused before the whole body was sent */
		off += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	char head[16] = "", chunk[16384];
	size_t got = 0;
	ssize_t r;
	while ((r = recv(fd, chunk, sizeof chunk, 0)) > 0 || (r < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < r && got < sizeof head - 1; i++)
			head[got++] = chunk[i];
	}
	close(fd);
	if (!strncmp(head, "HTTP/1.", 7))
		status = (int)strtol(head + 9, NULL, 10);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!port)
		start();
	size_t n;
	char *text = fuzz_text(data, size, &n), *req = NULL;
	size_t len = 0, cap = 0;
	char *eol = strchr(text, '\n'), *sp = strchr(text, ' ');
	if (!eol || !sp || sp > eol || sp == text || strlen(text) != n) {
		free(text);
		return 0; /* no request line; a NUL cannot be sent in one */
	}
	*eol = '\0';
	for (char *c = text; *c; c++)
		if (*c == '\r')
			*c = ' ';
	put(&req, &len, &cap, text, strlen(text));
	char line[256];
	snprintf(line, sizeof line, " HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n", url_host, port);
	put(&req, &len, &cap, line, strlen(line));
	bool own_auth = false;
	char *p = eol + 1, *body = p + strlen(p);
	while (*p) {
		char *e = strchr(p, '\n');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k && p[k - 1] == '\r')
			k--;
		if (!k) {
			body = e ? e + 1 : p + strlen(p);
			break;
		}
		/* kept out: what would make the server wait for bytes that never come */
		if (memchr(p, ':', k) && !named(p, k, "transfer-encoding") && !named(p, k, "expect") &&
		    !named(p, k, "connection") && !named(p, k, "content-length")) {
			own_auth |= named(p, k, "authorization") || named(p, k, "cookie");
			put(&req, &len, &cap, p, k);
			put(&req, &len, &cap, "\r\n", 2);
		}
		if (!e) {
			body = p + strlen(p);
			break;
		}
		p = e + 1;
	}
	size_t blen = strlen(body);
	if (!own_auth) {
		snprintf(line, sizeof line, "Authorization: Bearer %s\r\n", bearer);
		put(&req, &len, &cap, line, strlen(line));
	}
	if (blen && !strstr(req, "Content-Type") && !strstr(req, "content-type"))
		put(&req, &len, &cap, "Content-Type: application/json\r\n", 32);
	snprintf(line, sizeof line, "Content-Length: %zu\r\n\r\n", blen);
	put(&req, &len, &cap, line, strlen(line));
	put(&req, &len, &cap, body, blen);
	int status = exchange(req, len);
	if (status == 500) {
		fprintf(stderr, "fuzz_http: the server answered 500 to:\n%s\n", req);
		abort();
	}
	free(req);
	free(text);
	return 0;
}
