/* wam serve: the HTTP API and web console (src/http/). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/serve.h"

static const char *const serve_valued[] = {
    "listen",        "threads",         "max-body",    "timeout", "header-timeout",
    "min-body-rate", "max-connections", "per-address", "host",    "access-log",
    "ready-file",    "trusted-proxy",   NULL};

#define MAX_HOST_OPTS 32
static const char *const serve_flags[] = {"secure-cookies", "routes", NULL};

static bool number(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int cmd_serve(const cli_env *env, const cli_args *a)
{
	if (cli_flag(a, "routes")) {
		json_t *all;
		int rc = wam_serve_routes(&all);
		if (rc)
			return cli_fail(env, rc);
		if (env->json)
			cli_print_json(all);
		else {
			size_t i;
			json_t *rt;
			json_array_foreach(all, i, rt)
			{
				printf("%-7s %-32s %s%s\n", json_string_value(json_object_get(rt, "method")),
				       json_string_value(json_object_get(rt, "path")),
				       json_string_value(json_object_get(rt, "action")),
				       json_is_true(json_object_get(rt, "national")) ? " (national)" : "");
			}
		}
		json_decref(all);
		return 0;
	}
	long threads = 0, max_body = 64L << 20, timeout = 30;
	if (cli_opt(a, "threads") && !number(cli_opt(a, "threads"), 1, 64, &threads))
		return cli_usage(env, "--threads must be a whole number from 1 to 64");
	if (cli_opt(a, "max-body") && !number(cli_opt(a, "max-body"), 1024, 1L << 32, &max_body))
		return cli_usage(env, "--max-body must be a number of bytes from 1024 to 4294967296");
	if (cli_opt(a, "timeout") && !number(cli_opt(a, "timeout"), 1, 3600, &timeout))
		return cli_usage(env, "--timeout must be a number of seconds from 1 to 3600");
	long header_timeout = 10, min_body_rate = 8192, max_connections = 4096, per_address = 64;
	if (cli_opt(a, "header-timeout") && !number(cli_opt(a, "header-timeout"), 1, 3600, &header_timeout))
		return cli_usage(env, "--header-timeout must be a number of seconds from 1 to 3600");
	if (cli_opt(a, "min-body-rate") && !number(cli_opt(a, "min-body-rate"), 0, 1L << 30, &min_body_rate))
		return cli_usage(env, "--min-body-rate must be a number of bytes a second from 0 to 1073741824");
	if (cli_opt(a, "max-connections") && !number(cli_opt(a, "max-connections"), 16, 1000000, &max_connections))
		return cli_usage(env, "--max-connections must be a whole number from 16 to 1000000");
	if (cli_opt(a, "per-address") && !number(cli_opt(a, "per-address"), 0, 1000000, &per_address))
		return cli_usage(env, "--per-address must be a whole number from 0 (no limit) to 1000000");
	/* --host is repeatable: every occurrence is a name the server answers to */
	const char *hosts[MAX_HOST_OPTS + 1];
	int nhosts = 0;
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "host") != 0)
			continue;
		/* NAME, or NAME:PORT for a proxy in front, whose pages' Origin
		 * names that port */
		const char *h = a->opt[i].value;
		size_t n = h ? strcspn(h, ":") : 0;
		long port = 0;
		if (!h || !n || n > 255 || strcspn(h, "/:@?# \t[]") != n ||
		    (h[n] &&
		     (strspn(h + n + 1, "0123456789") != strlen(h + n + 1) || !number(h + n + 1, 1, 65535, &port))))
			return cli_usage(env,
			                 "--host '%s' must be a host name or IPv4 address, with or without a port "
			                 "(wam.example.org, wam.example.org:443)",
			                 h ? h : "");
		if (nhosts == MAX_HOST_OPTS)
			return cli_usage(env, "--host may be given at most %d times", MAX_HOST_OPTS);
		hosts[nhosts++] = h;
	}
	hosts[nhosts] = NULL;
	const char *proxies[MAX_HOST_OPTS + 1];
	int nproxies = 0;
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "trusted-proxy") != 0)
			continue;
		const char *p = a->opt[i].value;
		unsigned char bin[16];
		if (!p || (inet_pton(AF_INET, p, bin) != 1 && inet_pton(AF_INET6, p, bin) != 1))
			return cli_usage(env, "--trusted-proxy '%s' must be an IPv4 or IPv6 address", p ? p : "");
		if (nproxies == MAX_HOST_OPTS)
			return cli_usage(env, "--trusted-proxy may be given at most %d times", MAX_HOST_OPTS);
		proxies[nproxies++] = p;
	}
	proxies[nproxies] = NULL;
	const char *log = cli_opt(a, "access-log");
	FILE *access_log = stdout;
	if (log && !strcmp(log, "none"))
		access_log = NULL;
	else if (log && strcmp(log, "-") != 0 && wam_file_create(&access_log, log, "access-log", WAM_FILE_APPEND))
		return cli_fail(env, WAM_EIO); /* the log names users and addresses: owner-only */
	wam_serve_opts o = {.db_path = env->db_path,
	                    .listen = cli_opt(a, "listen") ? cli_opt(a, "listen") : "127.0.0.1:8080",
	                    .threads = (int)threads,
	                    .max_body = (size_t)max_body,
	                    .timeout_s = (unsigned)timeout,
	                    .header_timeout_s = (unsigned)header_timeout,
	                    .min_body_rate = (size_t)min_body_rate,
	                    .max_connections = (unsigned)max_connections,
	                    .per_address = (unsigned)per_address,
	                    .hosts = hosts,
	                    .trusted_proxies = proxies,
	                    .secure_cookies = cli_flag(a, "secure-cookies"),
	                    .access_log = access_log,
	                    .ready_file = cli_opt(a, "ready-file")};
	int code = wam_serve(&o);
	if (access_log && access_log != stdout)
		fclose(access_log);
	return code;
}

const cli_command cli_serve_commands[] = {
	{"serve", serve_valued, serve_flags, cmd_serve,
	 "serve [--listen 127.0.0.1:8080] [--host NAME[:PORT]]... [--threads N] [--max-body BYTES] [--timeout S] "
	 "[--header-timeout S] [--min-body-rate BYTES] [--max-connections N] [--per-address N] "
	 "[--trusted-proxy ADDR]... [--access-log FILE|-|none] [--secure-cookies] [--ready-file FILE] [--routes]",
	 "Serve the JSON API (/api/v1/) and the web console until SIGINT or SIGTERM. --routes lists the routes and "
	 "the action each needs. See docs/api.md."},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};
