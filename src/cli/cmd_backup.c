/* Backup commands: backup --out FILE, restore FILE (docs/backup.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* What a backup or restore proved, for people or as JSON. */
static void print_report(const cli_env *env, const wam_backup_report *r, const char *what, const char *path)
{
	if (env->json) {
		json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:b}", "action", what, "file", path, "events",
		                      (json_int_t)r->events, "checkpoints", (json_int_t)r->checkpoints, "bytes",
		                      (json_int_t)r->bytes, "public_key", r->public_key, "intact", 1);
		cli_print_json(j);
		json_decref(j);
		return;
	}
	printf("%s %s: %lld events, %lld signed checkpoints, projections match the events\n"
	       "node public key %s\n",
	       what, path, (long long)r->events, (long long)r->checkpoints, r->public_key);
}

static int cmd_backup(const cli_env *env, const cli_args *a)
{
	const char *to = cli_opt(a, "out");
	if (a->npos || !to)
		return cli_usage(env, "usage: wam backup --out FILE");
	wam_db *db;
	wam_backup_report r;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_db_backup(db, &r, to);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	print_report(env, &r, "backed up to", to);
	if (!env->json)
		printf("the node key is in %s.key: keep the backup as safe as the registry\n", to);
	return 0;
}

/* restore FILE [--db TARGET] [--expect-key HEX] [--force]: TARGET defaults
 * to the registry of the global --db (or $WAM_DB, or ./wam.db). */
static int cmd_restore(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam restore FILE [--db TARGET] [--expect-key HEX] [--force]");
	const char *to = cli_opt(a, "db") ? cli_opt(a, "db") : env->db_path;
	wam_backup_report r;
	int rc =
	    wam_db_restore(&r, a->pos[0], to, cli_opt(a, "expect-key"), cli_flag(a, "force") ? WAM_RESTORE_FORCE : 0);
	if (rc)
		return cli_fail(env, rc);
	print_report(env, &r, "restored to", to);
	return 0;
}

static const char *const no_opts[] = {NULL};
static const char *const backup_valued[] = {"out", NULL};
static const char *const restore_valued[] = {"db", "expect-key", NULL};
static const char *const restore_flags[] = {"force", NULL};

const cli_command cli_backup_commands[] = {
    {"backup", backup_valued, no_opts, cmd_backup, "backup --out FILE",
     "a verified copy of the registry, consistent while others write, and its node key (FILE.key), both 0600"},
    {"restore", restore_valued, restore_flags, cmd_restore, "restore FILE [--db TARGET] [--expect-key HEX] [--force]",
     "proves the backup FILE and its node key (--expect-key, or the registry's it replaces), then puts it in "
     "place of the registry (an existing one only with --force)"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
