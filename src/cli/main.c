/* wam: the command-line front end of libwam.
 *
 *   wam [--db PATH] [--json] COMMAND [ARGS]
 *
 * Finds the command by its words ("item add"), parses its options against
 * the command's own table (an unknown option is an error, never ignored) and
 * runs it. Exit codes are libwam's (docs/cli.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_command *const tables[] = {cli_registry_commands, cli_ledger_commands, cli_match_commands,
                                            cli_auth_commands, cli_serve_commands, cli_stock_a_commands,
                                            cli_check_commands, cli_recovery_commands, cli_destruction_commands,
                                            cli_hit_commands, cli_trace_commands, cli_report_commands, cli_backup_commands, NULL};

const char *cli_opt(const cli_args *a, const char *name)
{
	for (int i = a->nopt - 1; i >= 0; i--)
		if (!strcmp(a->opt[i].name, name))
			return a->opt[i].value;
	return NULL;
}

bool cli_flag(const cli_args *a, const char *name)
{
	for (int i = 0; i < a->nopt; i++)
		if (!strcmp(a->opt[i].name, name))
			return true;
	return false;
}

int cli_open(const cli_env *env, wam_db **db, bool write)
{
	int rc = wam_db_open(db, env->db_path, write ? 0 : WAM_DB_READONLY);
	if (rc)
		return cli_fail(env, rc);
	const char *user = getenv("USER");
	char actor[128];
	snprintf(actor, sizeof actor, "cli:%s", user && *user ? user : "unknown");
	wam_db_set_actor(*db, actor);
	return 0;
}

static bool listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* The usage of every command, or with `topic` ("trace") of the commands
 * whose first word it is. */
static void usage(FILE *f, const char *topic)
{
	fputs("usage: wam [--db PATH] [--json] COMMAND [ARGS]\n\n"
	      "The registry is --db, else $WAM_DB, else ./wam.db. --json prints stable JSON.\n\n"
	      "commands:\n",
	      f);
	size_t n = topic ? strlen(topic) : 0;
	for (int t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->words; c++)
			if (!topic || (!strncmp(c->words, topic, n) && (c->words[n] == ' ' || !c->words[n])))
				fprintf(f, "  %s\n      %s\n", c->usage, c->help);
	fputs("\nexit codes: 0 ok, 2 bad input, 3 not found, 4 conflict, 5 integrity failure,\n"
	      "            6 database or I/O error, 7 not allowed, 1 other. See docs/cli.md.\n",
	      f);
}

/* How many of argv's words (from `start`) `words` matches; 0 if not all. */
static int match_words(const char *words, char **argv, int argc, int start)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", words);
	int n = 0;
	char *save = NULL;
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), n++)
		if (start + n >= argc || strcmp(argv[start + n], w) != 0)
			return 0;
	return n;
}

int main(int argc, char **argv)
{
	cli_env env = {.db_path = getenv("WAM_DB") && *getenv("WAM_DB") ? getenv("WAM_DB") : "wam.db",
	               .tty = isatty(1)};
	int i = 1;
	/* global options come first; --json is also accepted anywhere later */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			env.db_path = argv[++i];
		else if (!strncmp(argv[i], "--db=", 5))
			env.db_path = argv[i] + 5;
		else if (!strcmp(argv[i], "--json"))
			env.json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout, NULL);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			puts("wam 0.1.0");
			return 0;
		} else
			return cli_usage(&env, "unknown option %s (see wam --help)", argv[i]);
	}
	if (i >= argc) {
		usage(stderr, NULL);
		return 2;
	}
	if (!strcmp(argv[i], "help")) { /* wam help [TOPIC]: wam help trace */
		usage(stdout, i + 1 < argc ? argv[i + 1] : NULL);
		return 0;
	}
	const cli_command *cmd = NULL;
	int best = 0;
	for (int t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->words; c++) {
			int n = match_words(c->words, argv, argc, i);
			if (n > best) {
				best = n;
				cmd = c;
			}
		}
	if (!cmd)
		return cli_usage(&env, "unknown command '%s' (see wam --help)", argv[i]);
	cli_args a = {0};
	for (int k = i + best; k < argc; k++) {
		char *arg = argv[k];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			printf("usage: wam %s\n%s\n", cmd->usage, cmd->help);
			return 0;
		}
		if (!strcmp(arg, "--json")) {
			env.json = true;
			continue;
		}
		if (!strncmp(arg, "--", 2) && arg[2]) {
			char name[64];
			const char *eq = strchr(arg, '=');
			snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - arg - 2) : (int)strlen(arg + 2), arg + 2);
			if (a.nopt >= CLI_MAX_OPTS)
				return cli_usage(&env, "too many options");
			if (listed(cmd->valued, name)) {
				const char *v = eq ? eq + 1 : (k + 1 < argc ? argv[++k] : NULL);
				if (!v)
					return cli_usage(&env, "option --%s needs a value", name);
				a.opt[a.nopt].name = arg + 2;
				a.opt[a.nopt].value = v;
				/* keep the name without "=value": copy into argv's own storage */
				if (eq)
					*(char *)eq = '\0';
				a.nopt++;
			} else if (listed(cmd->flags, name) && !eq) {
				a.opt[a.nopt].name = arg + 2;
				a.opt[a.nopt++].value = NULL;
			} else {
				return cli_usage(&env, "unknown option --%s for 'wam %s' (usage: wam %s)", name, cmd->words,
				                 cmd->usage);
			}
			continue;
		}
		if (a.npos >= 32)
			return cli_usage(&env, "too many arguments");
		a.pos[a.npos++] = arg;
	}
	return cmd->run(&env, &a);
}
