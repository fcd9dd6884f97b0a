/* The wam command-line tool: shared pieces. The tool uses only libwam's
 * public headers (include/wam/). */
#ifndef WAM_CLI_H
#define WAM_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "wam/auth.h"
#include "wam/error.h"
#include "wam/ledger.h"
#include "wam/registry.h"
#include "wam/store.h"

#define CLI_MAX_OPTS 64

/* Parsed command line of one command: positional words and options. */
typedef struct cli_args {
	int npos;
	char *pos[32];
	int nopt;
	struct {
		const char *name;  /* without the leading dashes */
		const char *value; /* NULL for a flag */
	} opt[CLI_MAX_OPTS];
} cli_args;

/* Who the command acts as, filled once by cli_open: the operating-system
 * account of the process's real user id (kind "os", the registry owner's
 * full authority), or the registry user of --as after their password was
 * checked (kind "user", with that user's role). */
typedef struct cli_identity {
	bool known;
	wam_principal who;
	char actor[128];
	char password[1100]; /* of --as, read first, wiped once checked */
} cli_identity;

/* Global settings. */
typedef struct cli_env {
	const char *db_path;
	bool json;
	bool tty;
	const char *as;      /* --as NAME: act as this registry user */
	bool password_stdin; /* the --as password is the first line of stdin */
	wam_action action;   /* what the command does, for the role of --as */
	wam_action also;     /* a second action it needs (WAM_ACT_READ: none) */
	cli_identity *id;    /* filled by cli_open */
} cli_env;

/* One command: words (e.g. "item add"), options taking a value and flags,
 * the function and a one-line usage. */
typedef struct cli_command {
	const char *words;
	const char *const *valued;
	const char *const *flags;
	int (*run)(const cli_env *env, const cli_args *a);
	const char *usage;
	const char *help;
} cli_command;

extern const cli_command cli_registry_commands[];
extern const cli_command cli_ledger_commands[];
extern const cli_command cli_match_commands[];
extern const cli_command cli_auth_commands[];
extern const cli_command cli_serve_commands[];
extern const cli_command cli_check_commands[];       /* stock checks */
extern const cli_command cli_recovery_commands[];    /* field collection */
extern const cli_command cli_destruction_commands[]; /* destruction batches */
extern const cli_command cli_stock_commands[];       /* lots, moves, custody */
extern const cli_command cli_hit_commands[];         /* loss reports, hits, origins */
extern const cli_command cli_trace_commands[];       /* trace requests, node, peers */
extern const cli_command cli_report_commands[];      /* SDG 16.4.2 */
extern const cli_command cli_backup_commands[];      /* backup, restore */
extern const cli_command cli_transfers_commands[];   /* licences, EUCs, shipments, brokers */
extern const cli_command cli_embargo_commands[];     /* regimes, national embargoes, exemptions, notices */
extern const cli_command cli_sanctions_commands[];   /* lists, screening, alerts */
extern const cli_command cli_monitoring_commands[];  /* observations, findings, profiles, evidence, committee report */

/* The value of option `name`, or NULL. The last occurrence wins. */
const char *cli_opt(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);

/* Opens the registry of `env` (read-only unless `write`) and sets the actor
 * of its events from an authenticated identity, never from the
 * environment: "os:<login>" of the process's real user id, or with --as
 * "user:<name>" once that user's password (typed on the terminal without
 * echo, or the first line of standard input with --password-stdin) is
 * checked; the user's role must allow the command (env->action) and a user
 * confined to sites is refused (the server applies confinement). Prints the
 * error and returns its exit code on failure: 7 for a wrong password or a
 * role that may not, before anything is written. */
int cli_open(const cli_env *env, wam_db **db, bool write);

/* Prints the last libwam error (as JSON with --json) and returns the exit
 * code for `rc`. */
int cli_fail(const cli_env *env, int rc);
/* Reads a secret into `buf`: one line of standard input when `from_stdin`,
 * else typed on the terminal after `prompt` with echo off (cmd_auth.c).
 * Returns 0 or an exit code (the error printed). */
int cli_read_secret(const cli_env *env, bool from_stdin, const char *prompt, char *buf, size_t cap);

/* The identity cli_open authenticated (NULL before it ran). */
const wam_principal *cli_principal(const cli_env *env);

/* A usage error: prints `msg` and returns 2. */
int cli_usage(const cli_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads one JSON value from file `from` ("-": standard input). On failure
 * prints the error naming "from" and sets `*rc` to the exit code. */
json_t *cli_read_json(const cli_env *env, const char *from, int *rc);

/* The body of a command: the JSON object of --from (or --file) FILE|-, or a
 * new empty object when neither is given, for options to be set over. On
 * failure (the file unreadable, not JSON, or not one object, then "FILE must
 * hold one JSON object (`what`)") prints the error naming "from", sets
 * `*rc` to the exit code and returns NULL. The caller frees the object. */
json_t *cli_read_body(const cli_env *env, const cli_args *a, const char *what, int *rc);

/* The string at `key` of object `o`, or "" when it is missing or not a
 * string. Lives as long as `o`. */
const char *cli_text(const json_t *o, const char *key);

/* Sets `path` ("requesting.contact.name": objects made as needed) in `o` to
 * the text of option `opt` when given. */
void cli_set_opt(json_t *o, const cli_args *a, const char *opt, const char *path);

/* Prints `v` as stable JSON (sorted keys, 2-space indent) on stdout. */
void cli_print_json(const json_t *v);

/* A table: column titles and, for each row object, the keys to show. */
typedef struct cli_column {
	const char *title;
	const char *key;
	int max; /* widest a cell may be, in columns; 0: no limit */
} cli_column;
void cli_print_table(const cli_column *cols, const json_t *rows);
/* A record as "key: value" lines. */
void cli_print_record(const char *const *keys, const json_t *obj);

/* One more line of a record: `key` padded as cli_print_record pads keys
 * `width` wide, then the non-empty texts that follow (up to a NULL) joined
 * by ", "; "-" when all are empty. */
void cli_print_joined(int width, const char *key, ...);
/* "hits (N)" and the hits found for a loss report, a recovery or a weapon
 * entered as recovered, as `wam hit list` shows them (cmd_hit.c). */
void cli_print_hits(const json_t *hits);

/* How a command shows its result to people (with --json it is printed as it
 * is): by `print` when set, else an array as a table of `cols` and an object
 * as a record of `keys`. */
typedef struct cli_view {
	const char *const *keys;
	const cli_column *cols;
	void (*print)(const json_t *result);
} cli_view;

/* Shows the outcome of a libwam call that returned `rc` and `result`: the
 * error when `rc` is not 0, else `result` as `view` says. Frees `result`;
 * returns the exit code. */
/* Writes `doc` as stable JSON to the file `to` (owner-only, completely or
 * not at all: a .part file renamed over it), or to standard output when `to`
 * is NULL. 0, or the exit code of the failure it printed. */
int cli_write_json(const cli_env *env, const json_t *doc, const char *to);

int cli_show(const cli_env *env, int rc, json_t *result, const cli_view *view);

/* Writes to `f` what a command puts in a file; 0, or a wam_err with its
 * error set (WAM_EIO alone: the caller names the file). */
typedef int (*cli_writer)(FILE *f, const void *ctx);
/* What `write` writes, to the file `to` (owner-only, completely or not at
 * all: a .partial file renamed over it) or to standard output when `to` is
 * NULL. 0, or the exit code of the failure it printed. */
int cli_write_file(const cli_env *env, const char *to, cli_writer write, const void *ctx);

/* The whole of file `path` ("-": standard input) into `*data` (malloc'd,
 * NUL-terminated) and `*len`; 0, or the exit code of the error printed,
 * which names `field`. */
int cli_read_file(const cli_env *env, const char *path, const char *field, char **data, size_t *len);

/* The whole number of option `opt` into `*n` (left as it is when the
 * option is absent); WAM_EINVAL naming `field` when it is not one. */
int cli_opt_long(const cli_args *a, const char *opt, const char *field, long *n);

/* One libwam call of a command: sets `*out` from `db`, the command line `a`
 * and the body `in` (NULL when the command has none); returns 0 or a wam_err. */
typedef int (*cli_call)(wam_db *db, json_t **out, const cli_args *a, json_t *in);

/* Opens the registry (for writing when `write`), runs `call`, shows its
 * result as `view` says (cli_show) and closes the registry. Frees `in` in
 * every case; returns the exit code. */
int cli_run(const cli_env *env, const cli_args *a, bool write, cli_call call, json_t *in, const cli_view *view);

/* A shallow copy of `o` whose arrays of strings are joined by ", ", for a
 * record or a table to show them as words, not as JSON. */
json_t *cli_words_joined(const json_t *o);
/* A record as cli_print_record shows it, arrays of strings as words. */
void cli_print_words(const char *const *keys, const json_t *o);
/* Rows as a table, arrays of strings as words. */
void cli_print_rows(const cli_column *cols, const json_t *rows);
/* "title (N)" and the rows, when there are any. */
void cli_print_list(const char *title, const cli_column *cols, const json_t *rows);
/* The findings of a screening answer, one a line after `indent`: the
 * screen, its message, the reference and the alert that blocks. */
void cli_print_findings(const json_t *findings, const char *indent);

/* The body of --from with the options of `map` (opt -> path, up to a NULL
 * opt) set over it; NULL after printing the error (its exit code in
 * `*rc`). */
typedef struct cli_opt_map {
	const char *opt, *path;
} cli_opt_map;
json_t *cli_body(const cli_env *env, const cli_args *a, const char *what, const cli_opt_map *map, int *rc);

/* A progress bar on stderr when it is a terminal. */
void cli_progress(long done, long total, void *payload);
void cli_progress_end(const cli_env *env);

#endif
