/* Users and API tokens: user add/list/show/passwd/set, token add/list/revoke.
 *
 * Passwords are never taken from the command line, where other users of the
 * machine could read them in the process list: they are typed on the
 * terminal with echo off (twice), or read as one line from standard input
 * with --password-stdin. Every copy the tool makes is wiped once used. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "wam/auth.h"

#define PASSWORD_MAX 1024               /* bytes, as libwam allows */
#define PASSWORD_BUF (PASSWORD_MAX + 1) /* and the NUL */

static const char *const no_opts[] = {NULL};

/* ---- reading a password ---- */

static struct termios saved_tty;
static volatile sig_atomic_t echo_off;

/* A signal while echo is off would leave the terminal silent: put it back,
 * then let the signal do what it would have done. */
static void restore_tty(int sig)
{
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line of standard input into `buf` (without the newline, nor a
 * carriage return before it) a byte at a time, so no copy of it stays in a
 * stdio buffer. Returns 1 for a line, 0 at the end of input with nothing
 * read, -1 when the line is longer than the buffer (it is read to its end
 * and dropped). */
static int read_line(char buf[PASSWORD_BUF])
{
	size_t n = 0;
	bool any = false, too_long = false;
	char c;
	ssize_t got;
	while ((got = read(STDIN_FILENO, &c, 1)) == 1) {
		any = true;
		if (c == '\n')
			break;
		if (n < PASSWORD_MAX)
			buf[n++] = c;
		else
			too_long = true;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (too_long) {
		sodium_memzero(buf, PASSWORD_BUF);
		return -1;
	}
	return any ? 1 : 0;
}

/* Prompts on standard error and reads a line from the terminal with echo
 * off. Returns what read_line returns. */
static int read_hidden(const char *prompt, char buf[PASSWORD_BUF])
{
	struct termios quiet;
	struct sigaction sa = {0}, old[3];
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return read_line(buf);
	sa.sa_handler = restore_tty;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	echo_off = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	int r = read_line(buf);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	echo_off = 0;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return r;
}

/* Reports a password longer than PASSWORD_MAX; returns the exit code. */
static int too_long(const cli_env *env)
{
	wam_error_set(WAM_EINVAL, "password", "password must be at most %d bytes", PASSWORD_MAX);
	return cli_fail(env, WAM_EINVAL);
}

int cli_read_secret(const cli_env *env, bool from_stdin, const char *prompt, char *buf, size_t cap)
{
	char pw[PASSWORD_BUF];
	int r;
	if (from_stdin)
		r = read_line(pw);
	else if (!isatty(STDIN_FILENO))
		return cli_usage(env, "standard input is not a terminal: pass --password-stdin and write the password "
		                      "of --as on its first line");
	else
		r = read_hidden(prompt, pw);
	if (r <= 0) {
		sodium_memzero(pw, sizeof pw);
		return r < 0 ? too_long(env) : cli_usage(env, "no password given for --as");
	}
	snprintf(buf, cap, "%s", pw);
	sodium_memzero(pw, sizeof pw);
	return strlen(buf) + 1 > cap ? cli_usage(env, "password too long") : 0;
}

/* The new password for user `name` into `pw`: one line of standard input
 * with --password-stdin, else typed twice on the terminal. Returns 0 or an
 * exit code (the error printed). */
static int get_password(const cli_env *env, const cli_args *a, const char *name, char pw[PASSWORD_BUF])
{
	char again[PASSWORD_BUF], prompt[128];
	int r, rc = 0;
	if (cli_flag(a, "password-stdin")) {
		r = read_line(pw);
		if (r < 0)
			return too_long(env);
		if (r == 0)
			return cli_usage(env, "--password-stdin: standard input held no password");
		return 0;
	}
	if (!isatty(STDIN_FILENO))
		return cli_usage(env, "standard input is not a terminal: pass --password-stdin and write the password "
		                      "on standard input");
	snprintf(prompt, sizeof prompt, "new password for %s: ", name);
	if ((r = read_hidden(prompt, pw)) <= 0) {
		rc = r < 0 ? too_long(env) : cli_usage(env, "no password typed");
		goto done;
	}
	if ((r = read_hidden("the same password again: ", again)) <= 0) {
		rc = r < 0 ? too_long(env) : cli_usage(env, "no password typed");
		goto done;
	}
	if (strcmp(pw, again) != 0)
		rc = cli_usage(env, "the two passwords differ; nothing was changed");
done:
	sodium_memzero(again, sizeof again);
	if (rc)
		sodium_memzero(pw, PASSWORD_BUF);
	return rc;
}

/* ---- showing users and tokens ---- */

/* Every --site, in order (cli_opt gives only the last); NULL if none. */
static json_t *site_opts(const cli_args *a)
{
	json_t *sites = NULL;
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "site") != 0)
			continue;
		if (!sites)
			sites = json_array();
		json_array_append_new(sites, json_string(a->opt[i].value));
	}
	return sites;
}

/* A copy of a user or token for people: sites as "all" or a list. */
static json_t *readable(const json_t *row)
{
	json_t *r = json_deep_copy(row);
	const json_t *sites = json_object_get(row, "sites");
	if (!json_array_size(sites)) {
		json_object_set_new(r, "sites", json_string("all"));
		return r;
	}
	char list[WAM_AUTH_MAX_SITES * 28];
	size_t n = 0, i;
	const json_t *s;
	list[0] = '\0';
	json_array_foreach(sites, i, s)
	{
		int k = snprintf(list + n, sizeof list - n, "%s%s", i ? "," : "", json_string_value(s));
		if (k < 0 || (size_t)k >= sizeof list - n)
			break;
		n += (size_t)k;
	}
	json_object_set_new(r, "sites", json_string(list));
	return r;
}

static json_t *readable_all(const json_t *rows)
{
	json_t *out = json_array();
	size_t i;
	const json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_array_append_new(out, readable(row));
	}
	return out;
}

static const cli_column user_cols[] = {{"ID", "id", 0},        {"NAME", "name", 32},        {"ROLE", "role", 0},
                                       {"SITES", "sites", 60}, {"DISABLED", "disabled", 0}, {"CREATED", "created", 0},
                                       {NULL, NULL, 0}};
static const char *const user_keys[] = {"id", "name", "role", "sites", "disabled", "created", NULL};

static const cli_column token_cols[] = {{"ID", "id", 0},        {"NAME", "name", 32},      {"ROLE", "role", 0},
                                        {"SITES", "sites", 60}, {"REVOKED", "revoked", 0}, {"CREATED", "created", 0},
                                        {NULL, NULL, 0}};
static const char *const token_keys[] = {"id", "name", "role", "sites", "revoked", "created", NULL};

static void print_user(const json_t *user)
{
	json_t *r = readable(user);
	cli_print_record(user_keys, r);
	json_decref(r);
}

static void print_users(const json_t *users)
{
	json_t *r = readable_all(users);
	cli_print_table(user_cols, r);
	json_decref(r);
}

static void print_tokens(const json_t *tokens)
{
	json_t *r = readable_all(tokens);
	cli_print_table(token_cols, r);
	json_decref(r);
}

static const cli_view user_view = {.print = print_user};
static const cli_view users_view = {.print = print_users};
static const cli_view tokens_view = {.print = print_tokens};

/* ---- users ---- */

static int cmd_user_add(const cli_env *env, const cli_args *a)
{
	char pw[PASSWORD_BUF];
	wam_db *db = NULL;
	json_t *out = NULL, *user;
	int rc;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam user add NAME --role ROLE [--site ID]... [--password-stdin]");
	/* said before a password is asked for, not after */
	if (!cli_opt(a, "role")) {
		wam_error_set(WAM_EINVAL, "role", "role is required (--role)");
		return cli_fail(env, WAM_EINVAL);
	}
	/* a registry that is not there is reported before a password is asked for */
	if ((rc = cli_open(env, &db, true)))
		return rc;
	if ((rc = get_password(env, a, a->pos[0], pw))) {
		wam_db_close(db);
		return rc;
	}
	user = json_pack("{s:s, s:s}", "name", a->pos[0], "role", cli_opt(a, "role"));
	json_t *sites = site_opts(a);
	if (sites)
		json_object_set_new(user, "sites", sites);
	rc = wam_auth_user_add(db, &out, user, pw);
	sodium_memzero(pw, sizeof pw);
	json_decref(user);
	rc = cli_show(env, rc, out, &user_view);
	wam_db_close(db);
	return rc;
}

static int cmd_user_list(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	json_t *out = NULL;
	(void)a;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_auth_user_list(db, &out);
	rc = cli_show(env, rc, out, &users_view);
	wam_db_close(db);
	return rc;
}

static int cmd_user_show(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	json_t *out = NULL;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam user show NAME|ID");
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_auth_user_get(db, &out, a->pos[0]);
	rc = cli_show(env, rc, out, &user_view);
	wam_db_close(db);
	return rc;
}

static int cmd_user_passwd(const cli_env *env, const cli_args *a)
{
	char pw[PASSWORD_BUF];
	wam_db *db;
	json_t *user = NULL;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam user passwd NAME|ID [--password-stdin]");
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	/* an unknown user is reported before a password is asked for */
	if ((rc = wam_auth_user_get(db, &user, a->pos[0]))) {
		rc = cli_fail(env, rc);
		goto done;
	}
	if ((rc = get_password(env, a, json_string_value(json_object_get(user, "name")), pw)))
		goto done;
	rc = wam_auth_user_set_password(db, a->pos[0], pw);
	sodium_memzero(pw, sizeof pw);
	if (rc) {
		rc = cli_fail(env, rc);
		goto done;
	}
	if (env->json) {
		json_t *j = json_pack("{s:O, s:b}", "user", user, "password_set", 1);
		cli_print_json(j);
		json_decref(j);
	} else {
		printf("password of %s changed\n", json_string_value(json_object_get(user, "name")));
	}
done:
	json_decref(user);
	wam_db_close(db);
	return rc;
}

static int cmd_user_set(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	json_t *out = NULL, *changes, *sites = site_opts(a);
	const char *role = cli_opt(a, "role");
	bool no_sites = cli_flag(a, "no-sites"), disable = cli_flag(a, "disable"), enable = cli_flag(a, "enable");
	if (a->npos != 1 || (sites && no_sites) || (disable && enable) ||
	    (!role && !sites && !no_sites && !disable && !enable)) {
		json_decref(sites);
		return cli_usage(env, "usage: wam user set NAME|ID [--role ROLE] [--site ID]... | [--no-sites] "
		                      "[--disable | --enable]");
	}
	changes = json_object();
	if (role)
		json_object_set_new(changes, "role", json_string(role));
	if (sites || no_sites)
		json_object_set_new(changes, "sites", sites ? sites : json_array());
	if (disable || enable)
		json_object_set_new(changes, "disabled", json_boolean(disable));
	int rc = cli_open(env, &db, true);
	if (rc) {
		json_decref(changes);
		return rc;
	}
	rc = wam_auth_user_update(db, &out, a->pos[0], changes);
	json_decref(changes);
	rc = cli_show(env, rc, out, &user_view);
	wam_db_close(db);
	return rc;
}

/* ---- tokens ---- */

static int cmd_token_add(const cli_env *env, const cli_args *a)
{
	char secret[WAM_TOKEN_LEN + 1];
	wam_db *db;
	json_t *out = NULL, *token;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam token add NAME --role ROLE [--site ID]...");
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	token = json_pack("{s:s}", "name", a->pos[0]);
	if (cli_opt(a, "role"))
		json_object_set_new(token, "role", json_string(cli_opt(a, "role")));
	json_t *sites = site_opts(a);
	if (sites)
		json_object_set_new(token, "sites", sites);
	rc = wam_auth_token_add(db, &out, token, secret);
	json_decref(token);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *j = json_pack("{s:o, s:s}", "token", out, "secret", secret);
		cli_print_json(j);
		json_decref(j);
	} else {
		json_t *r = readable(out);
		cli_print_record(token_keys, r);
		json_decref(r);
		printf("\nsecret  %s\n\nThis secret will not be shown again: store it now (wam keeps only its hash).\n",
		       secret);
		json_decref(out);
	}
	sodium_memzero(secret, sizeof secret);
	return 0;
}

static int cmd_token_list(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	json_t *out = NULL;
	(void)a;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_auth_token_list(db, &out);
	rc = cli_show(env, rc, out, &tokens_view);
	wam_db_close(db);
	return rc;
}

static int cmd_token_revoke(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam token revoke ID");
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	rc = wam_auth_token_revoke(db, a->pos[0]);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *j = json_pack("{s:s, s:b}", "id", a->pos[0], "revoked", 1);
		cli_print_json(j);
		json_decref(j);
	} else {
		printf("token %s revoked\n", a->pos[0]);
	}
	return 0;
}

static const char *const user_add_valued[] = {"role", "site", NULL};
static const char *const password_flags[] = {"password-stdin", NULL};
static const char *const user_set_valued[] = {"role", "site", NULL};
static const char *const user_set_flags[] = {"no-sites", "disable", "enable", NULL};
static const char *const token_add_valued[] = {"role", "site", NULL};

const cli_command cli_auth_commands[] = {
    {"user add", user_add_valued, password_flags, cmd_user_add,
     "user add NAME --role ROLE [--site ID]... [--password-stdin]",
     "add a user; the password is typed twice, or one line of stdin with --password-stdin"},
    {"user list", no_opts, no_opts, cmd_user_list, "user list", "list users"},
    {"user show", no_opts, no_opts, cmd_user_show, "user show NAME|ID", "show a user"},
    {"user passwd", no_opts, password_flags, cmd_user_passwd, "user passwd NAME|ID [--password-stdin]",
     "set a user's password"},
    {"user set", user_set_valued, user_set_flags, cmd_user_set,
     "user set NAME|ID [--role ROLE] [--site ID]... [--no-sites] [--disable|--enable]",
     "change a user's role, sites, or whether they may sign in"},
    {"token add", token_add_valued, no_opts, cmd_token_add, "token add NAME --role ROLE [--site ID]...",
     "add an API token; its secret is printed once"},
    {"token list", no_opts, no_opts, cmd_token_list, "token list", "list API tokens, newest first"},
    {"token revoke", no_opts, no_opts, cmd_token_revoke, "token revoke ID", "revoke an API token"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
