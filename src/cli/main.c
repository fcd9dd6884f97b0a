/* wam: the command-line front end of libwam.
 *
 *   wam [--db PATH] [--json] COMMAND [ARGS]
 *
 * Finds the command by its words ("item add"), parses its options against
 * the command's own table (an unknown option is an error, never ignored) and
 * runs it. Exit codes are libwam's (docs/cli.md).
 *
 * Who acts is an authenticated identity, never an environment variable: the
 * operating-system account of the process's real user id ("os:<login>"), or
 * with --as NAME a registry user whose password is checked, acting with that
 * user's role (docs/auth.md, "The command line"). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_command *const tables[] = {cli_registry_commands,  cli_ledger_commands,     cli_match_commands,
                                            cli_auth_commands,      cli_serve_commands,      cli_stock_commands,
                                            cli_check_commands,     cli_recovery_commands,   cli_destruction_commands,
                                            cli_hit_commands,       cli_trace_commands,      cli_report_commands,
                                            cli_backup_commands,    cli_transfers_commands,  cli_embargo_commands,
                                            cli_sanctions_commands, cli_monitoring_commands, NULL};

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

/* What each command does, for the role of a user acting with --as: the
 * longest matching words win. Commands not listed only read. */
static const struct {
	const char *words;
	wam_action act;
} command_actions[] = {
    {"site add", WAM_ACT_REGISTER},
    {"holder add", WAM_ACT_REGISTER},
    {"item add", WAM_ACT_REGISTER},
    {"import", WAM_ACT_REGISTER},
    {"item status", WAM_ACT_STATUS},
    {"item move", WAM_ACT_STOCK},
    {"item export propose", WAM_ACT_STATUS},
    {"item export withdraw", WAM_ACT_STATUS},
    {"item export confirm", WAM_ACT_CONFIRM_EXPORT},
    {"export", WAM_ACT_EXPORT},
    {"verify", WAM_ACT_AUDIT},
    {"log", WAM_ACT_AUDIT},
    {"rebuild", WAM_ACT_ADMIN},
    {"demo", WAM_ACT_ADMIN},
    {"user", WAM_ACT_ADMIN},
    {"token", WAM_ACT_ADMIN},
    {"lot", WAM_ACT_STOCK},
    {"custody", WAM_ACT_STOCK},
    {"stock", WAM_ACT_STOCK},
    {"stock resolve", WAM_ACT_RESOLVE},
    {"recovery", WAM_ACT_COLLECT},
    {"destruction", WAM_ACT_DESTROY},
    {"destruction show", WAM_ACT_READ},
    {"destruction list", WAM_ACT_READ},
    {"destruction certificate", WAM_ACT_READ},
    {"destruction confirm", WAM_ACT_READ}, /* the batch names who may */
    {"loss", WAM_ACT_TRACE},
    {"hit", WAM_ACT_TRACE},
    {"origin", WAM_ACT_TRACE},
    {"trace", WAM_ACT_TRACE},
    {"peer", WAM_ACT_TRACE},
    /* transfers: drafting and assessing is license, deciding license_decide */
    {"licence", WAM_ACT_LICENSE},
    {"licence issue", WAM_ACT_LICENSE_DECIDE},
    {"licence suspend", WAM_ACT_LICENSE_DECIDE},
    {"licence revoke", WAM_ACT_LICENSE_DECIDE},
    {"licence reinstate", WAM_ACT_LICENSE_DECIDE},
    {"licence list", WAM_ACT_READ},
    {"licence show", WAM_ACT_READ},
    {"euc", WAM_ACT_LICENSE},
    {"euc check", WAM_ACT_SHIP},
    {"euc list", WAM_ACT_READ},
    {"euc show", WAM_ACT_READ},
    {"shipment", WAM_ACT_SHIP},
    {"shipment list", WAM_ACT_READ},
    {"shipment show", WAM_ACT_READ},
    {"broker", WAM_ACT_LICENSE},
    {"broker suspend", WAM_ACT_LICENSE_DECIDE},
    {"broker revoke", WAM_ACT_LICENSE_DECIDE},
    {"broker reinstate", WAM_ACT_LICENSE_DECIDE},
    {"broker list", WAM_ACT_READ},
    {"broker show", WAM_ACT_READ},
    {"diversion", WAM_ACT_SHIP},
    {"diversion trace", WAM_ACT_TRACE},
    {"diversion list", WAM_ACT_READ},
    {"diversion show", WAM_ACT_READ},
    /* embargoes and sanctions: reading is read, every change embargo */
    {"embargo", WAM_ACT_EMBARGO},
    {"embargo list", WAM_ACT_READ},
    {"embargo show", WAM_ACT_READ},
    {"embargo check", WAM_ACT_READ},
    {"exemption", WAM_ACT_EMBARGO},
    {"exemption list", WAM_ACT_READ},
    {"exemption show", WAM_ACT_READ},
    {"exemption notice", WAM_ACT_READ},
    {"notice", WAM_ACT_EMBARGO},
    {"notice list", WAM_ACT_READ},
    {"notice show", WAM_ACT_READ},
    {"notice document", WAM_ACT_READ},
    {"sanctions", WAM_ACT_EMBARGO},
    {"sanctions list", WAM_ACT_READ},
    {"sanctions show", WAM_ACT_READ},
    {"sanctions imports", WAM_ACT_READ},
    {"sanctions screen", WAM_ACT_READ},
    {"sanctions alerts", WAM_ACT_READ},
    {"sanctions alert", WAM_ACT_READ},
    {"screen", WAM_ACT_LICENSE},
    {"transfer records", WAM_ACT_READ},
    /* embargo monitoring: every command the monitor's */
    {"observation", WAM_ACT_MONITOR},
    {"finding", WAM_ACT_MONITOR},
    {"profile", WAM_ACT_MONITOR},
    {"evidence", WAM_ACT_MONITOR},
    {"report committee", WAM_ACT_MONITOR},
    {"report submit", WAM_ACT_SUBMIT_REPORT},
    {NULL, WAM_ACT_READ},
};

/* Commands that need a second action as well: drafting a trace request
 * from an observation is monitoring and tracing. */
static const struct {
	const char *words;
	wam_action act;
} command_also[] = {
    {"observation trace", WAM_ACT_TRACE},
    {NULL, WAM_ACT_READ},
};

/* The second action command `words` needs (WAM_ACT_READ: none more). */
static wam_action also_of(const char *words)
{
	for (int i = 0; command_also[i].words; i++)
		if (!strcmp(words, command_also[i].words))
			return command_also[i].act;
	return WAM_ACT_READ;
}

static wam_action action_of(const char *words)
{
	wam_action act = WAM_ACT_READ;
	size_t best = 0;
	for (int i = 0; command_actions[i].words; i++) {
		size_t n = strlen(command_actions[i].words);
		if (n > best && !strncmp(words, command_actions[i].words, n) && (words[n] == ' ' || !words[n])) {
			best = n;
			act = command_actions[i].act;
		}
	}
	return act;
}

/* The operating-system account of the real user id: the registry owner,
 * whoever can write the file. */
static void os_identity(cli_identity *id)
{
	memset(&id->who, 0, sizeof id->who);
	snprintf(id->who.kind, sizeof id->who.kind, "os");
	snprintf(id->who.role, sizeof id->who.role, "admin");
	wam_os_account(id->who.name, sizeof id->who.name);
	snprintf(id->actor, sizeof id->actor, "os:%s", id->who.name);
}

/* Checks the password of --as and the role of that user for the command;
 * 0 or an exit code (the error printed). Its sites, if it is confined to
 * some, are libwam's to keep. */
static int user_identity(const cli_env *env, wam_db *db, cli_identity *id)
{
	int rc = wam_auth_login(db, &id->who, env->as, id->password);
	sodium_memzero(id->password, sizeof id->password);
	if (rc)
		return cli_fail(env, rc);
	const wam_action needs[] = {env->action, env->also};
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		if (!wam_auth_allows(id->who.role, needs[i])) {
			wam_error_set(WAM_EFORBIDDEN, "as", "%s is a %s, whose role may not %s", id->who.name,
			              id->who.role, wam_auth_action_name(needs[i]));
			return cli_fail(env, WAM_EFORBIDDEN);
		}
	/* a user confined to sites is kept to them by libwam itself, as the
	 * server's callers are: cli_open() sets the principal on the handle */
	wam_auth_principal_actor(&id->who, id->actor, sizeof id->actor);
	return 0;
}

int cli_open(const cli_env *env, wam_db **db, bool write)
{
	int rc = wam_db_open(db, env->db_path, write ? 0 : WAM_DB_READONLY);
	if (rc)
		return cli_fail(env, rc);
	cli_identity *id = env->id;
	if (!id->known) {
		rc = env->as ? user_identity(env, *db, id) : (os_identity(id), 0);
		if (rc) {
			wam_db_close(*db);
			*db = NULL;
			return rc;
		}
		id->known = true;
	}
	wam_db_set_actor(*db, id->actor);
	/* without --as the operating-system account acts: the owner, who is
	 * confined to nothing */
	wam_db_set_principal(*db, env->as ? &id->who : NULL);
	return 0;
}

const wam_principal *cli_principal(const cli_env *env)
{
	return env->id && env->id->known ? &env->id->who : NULL;
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
	fputs("usage: wam [--db PATH] [--json] [--as USER [--password-stdin]] COMMAND [ARGS]\n\n"
	      "The registry is --db, else $WAM_DB, else ./wam.db. --json prints stable JSON.\n"
	      "Events are recorded as the operating-system account (os:LOGIN), or with --as as that\n"
	      "registry user, whose password is asked for (or read from stdin's first line).\n\n"
	      "commands:\n",
	      f);
	size_t n = topic ? strlen(topic) : 0;
	for (int t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->words; c++)
			if (!topic || (!strncmp(c->words, topic, n) && (c->words[n] == ' ' || !c->words[n])))
				fprintf(f, "  %s\n      %s\n", c->usage, c->help);
	fputs("\nexit codes: 0 ok, 2 bad input, 3 not found, 4 conflict, 5 integrity failure,\n"
	      "            6 database or I/O error, 7 not allowed, 8 busy (try again), 1 other.\n"
	      "See docs/cli.md.\n",
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

/* Whether command `words` is of group `word` ("sanctions list" of
 * "sanctions"). */
static bool in_group(const char *words, const char *word)
{
	size_t n = strlen(word);
	return !strncmp(words, word, n) && words[n] == ' ';
}

/* Whether `word` is the first word of commands that have more. */
static bool group_of(const char *word)
{
	for (int t = 0; tables[t]; t++)
		for (const cli_command *c = tables[t]; c->words; c++)
			if (in_group(c->words, word))
				return true;
	return false;
}

int main(int argc, char **argv)
{
	static cli_identity identity;
	cli_env env = {.db_path = getenv("WAM_DB") && *getenv("WAM_DB") ? getenv("WAM_DB") : "wam.db",
	               .tty = isatty(1),
	               .id = &identity};
	int i = 1;
	/* global options come first; --json is also accepted anywhere later */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			env.db_path = argv[++i];
		else if (!strncmp(argv[i], "--db=", 5))
			env.db_path = argv[i] + 5;
		else if (!strcmp(argv[i], "--json"))
			env.json = true;
		else if (!strcmp(argv[i], "--as") && i + 1 < argc)
			env.as = argv[++i];
		else if (!strncmp(argv[i], "--as=", 5))
			env.as = argv[i] + 5;
		else if (!strcmp(argv[i], "--password-stdin"))
			env.password_stdin = true;
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
	if (!cmd && group_of(argv[i])) {
		/* a group without its verb ("wam sanctions"): its verbs */
		fprintf(stderr, "wam %s needs a verb:\n", argv[i]);
		for (int t = 0; tables[t]; t++)
			for (const cli_command *c = tables[t]; c->words; c++)
				if (in_group(c->words, argv[i]))
					fprintf(stderr, "  wam %s\n      %s\n", c->usage, c->help);
		return 2;
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
		/* who acts: anywhere on the line, like --json */
		if (!strcmp(arg, "--as") || !strncmp(arg, "--as=", 5)) {
			env.as = arg[4] == '=' ? arg + 5 : (k + 1 < argc ? argv[++k] : NULL);
			if (!env.as || !*env.as)
				return cli_usage(&env, "option --as needs a user name");
			continue;
		}
		if (!strcmp(arg, "--password-stdin")) {
			env.password_stdin = true;
			if (!listed(cmd->flags, "password-stdin"))
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
				return cli_usage(&env, "unknown option --%s for 'wam %s' (usage: wam %s)", name,
				                 cmd->words, cmd->usage);
			}
			continue;
		}
		if (a.npos >= 32)
			return cli_usage(&env, "too many arguments");
		a.pos[a.npos++] = arg;
	}
	env.action = action_of(cmd->words);
	env.also = also_of(cmd->words);
	if (env.as && (!strcmp(cmd->words, "init") || !strcmp(cmd->words, "serve")))
		return cli_usage(&env, "'wam %s' acts as the registry's owner; it takes no --as", cmd->words);
	if (env.password_stdin && !env.as && !listed(cmd->flags, "password-stdin"))
		return cli_usage(&env, "--password-stdin gives the password of --as NAME; there is no --as");
	if (env.as) {
		/* before the command reads anything: with --password-stdin the
		 * password is the first line, whatever the command reads after */
		char prompt[128];
		snprintf(prompt, sizeof prompt, "password of %.64s: ", env.as);
		int r = cli_read_secret(&env, env.password_stdin, prompt, identity.password, sizeof identity.password);
		if (r)
			return r;
	}
	int rc = cmd->run(&env, &a);
	sodium_memzero(&identity, sizeof identity);
	/* what a command printed itself, once jansson failed, may lack a member */
	if (!rc && wam_error_alloc_failures())
		rc = cli_fail(&env, wam_error_set(WAM_ENOMEM, NULL, "out of memory: the output may be incomplete"));
	return rc;
}
