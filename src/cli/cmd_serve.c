/* wam serve: the HTTP API and web console (src/http/). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http/http.h"

static const char *const serve_valued[] = {"listen", "threads", "max-body", "timeout", "access-log", "ready-file",
                                           NULL};
static const char *const serve_flags[] = {"secure-cookies", "routes", NULL};

static const char *action_of(int action)
{
	return action == ACT_PUBLIC ? "public" : action == ACT_SIGNED_IN ? "signed_in" : wam_auth_action_name(action);
}

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
		json_t *all = json_array();
		for (const route *rt = wam_http_routes; rt->method; rt++) {
			if (env->json)
				json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:b}", "method", rt->method, "path",
				                                     rt->pattern, "action", action_of(rt->action), "national",
				                                     (rt->flags & ROUTE_NATIONAL) != 0));
			else
				printf("%-7s %-32s %s%s\n", rt->method, rt->pattern, action_of(rt->action),
				       rt->flags & ROUTE_NATIONAL ? " (national)" : "");
		}
		if (env->json)
			cli_print_json(all);
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
	const char *log = cli_opt(a, "access-log");
	FILE *access_log = stdout;
	if (log && !strcmp(log, "none"))
		access_log = NULL;
	else if (log && strcmp(log, "-") != 0 && wam_file_create(&access_log, log, "access-log", WAM_FILE_APPEND))
		return cli_fail(env, WAM_EIO); /* the log names users and addresses: owner-only */
	wam_http_opts o = {.db_path = env->db_path,
	                   .listen = cli_opt(a, "listen") ? cli_opt(a, "listen") : "127.0.0.1:8080",
	                   .threads = (int)threads,
	                   .max_body = (size_t)max_body,
	                   .timeout_s = (unsigned)timeout,
	                   .secure_cookies = cli_flag(a, "secure-cookies"),
	                   .access_log = access_log,
	                   .ready_file = cli_opt(a, "ready-file")};
	int code = wam_http_serve(&o);
	if (access_log && access_log != stdout)
		fclose(access_log);
	return code;
}

const cli_command cli_serve_commands[] = {
	{"serve", serve_valued, serve_flags, cmd_serve,
	 "serve [--listen 127.0.0.1:8080] [--threads N] [--max-body BYTES] [--timeout S] [--access-log FILE|-|none] "
	 "[--secure-cookies] [--ready-file FILE] [--routes]",
	 "Serve the JSON API (/api/v1/) and the web console until SIGINT or SIGTERM. --routes lists the routes and "
	 "the action each needs. See docs/api.md."},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};
