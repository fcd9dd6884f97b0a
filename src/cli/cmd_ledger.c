/* Ledger commands: verify, rebuild, log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const no_opts[] = {NULL};

/* verify --record ID: one record's events up to their signed checkpoints. */
static int verify_record(const cli_env *env, wam_db *db, const char *id)
{
	static const char *const keys[] = {"id",     "intact", "events",  "first_seq",    "last_seq", "signed_seq",
	                                   "head_seq", "problem", "detail", "first_bad_seq", NULL};
	static const cli_view view = {.keys = keys};
	json_t *out = NULL;
	int rc = wam_ledger_prove(db, &out, id);
	bool intact = !rc && json_is_true(json_object_get(out, "intact"));
	int code = cli_show(env, rc, out, &view);
	return code ? code : intact ? 0 : wam_error_exit_code(WAM_EINTEGRITY);
}

static int cmd_verify(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	wam_verify_report r;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	if (cli_opt(a, "record")) {
		rc = verify_record(env, db, cli_opt(a, "record"));
		wam_db_close(db);
		return rc;
	}
	rc = wam_ledger_verify(db, cli_flag(a, "chain-only") ? WAM_VERIFY_CHAIN_ONLY : 0, &r);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *j = json_pack("{s:b, s:I, s:I, s:s, s:f, s:f}", "intact", r.intact, "events", (json_int_t)r.events,
		                      "checkpoints", (json_int_t)r.checkpoints, "public_key", r.public_key,
		                      "chain_seconds", r.chain_seconds, "projection_seconds", r.projection_seconds);
		if (!r.intact) {
			json_object_set_new(j, "first_bad_seq", json_integer(r.first_bad_seq));
			json_object_set_new(j, "problem", json_string(r.problem));
			json_object_set_new(j, "detail", json_string(r.detail));
			if (r.table[0]) {
				json_object_set_new(j, "table", json_string(r.table));
				json_object_set_new(j, "record_id", json_string(r.record_id));
			}
		}
		cli_print_json(j);
		json_decref(j);
	} else if (r.intact) {
		printf("intact: %lld events, %lld signed checkpoints, %s\n"
		       "node public key %s\n",
		       (long long)r.events, (long long)r.checkpoints,
		       cli_flag(a, "chain-only") ? "projections not compared (--chain-only)" : "projections match the events",
		       r.public_key);
	} else {
		printf("NOT INTACT: %s at sequence %lld\n%s\n", r.problem, (long long)r.first_bad_seq, r.detail);
	}
	return r.intact ? 0 : wam_error_exit_code(WAM_EINTEGRITY);
}

static int cmd_rebuild(const cli_env *env, const cli_args *a)
{
	(void)a;
	wam_db *db;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	rc = wam_ledger_rebuild(db);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json)
		puts("{\"rebuilt\": true}");
	else
		puts("projections rebuilt from the events");
	return 0;
}

static int cmd_log(const cli_env *env, const cli_args *a)
{
	static const cli_column cols[] = {{"SEQ", "seq", 0},         {"TIME", "time", 0}, {"ACTOR", "actor", 20},
	                                  {"TYPE", "type", 0},       {"SUBJECT", "subject", 0},
	                                  {NULL, NULL, 0}};
	static const cli_view view = {.cols = cols};
	const char *after = cli_opt(a, "after"), *limit = cli_opt(a, "limit");
	char *end;
	long long after_seq = after ? strtoll(after, &end, 10) : 0;
	if (after && (*end || after_seq < 0))
		return cli_usage(env, "--after takes a sequence number");
	long n = limit ? strtol(limit, &end, 10) : 50;
	if (limit && (*end || n <= 0 || n > 100000))
		return cli_usage(env, "--limit takes a number from 1 to 100000");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_ledger_events(db, cli_opt(a, "subject"), after_seq, (int)n, &out);
	wam_db_close(db);
	return cli_show(env, rc, out, &view);
}

static const char *const verify_flags[] = {"chain-only", NULL};
static const char *const verify_valued[] = {"record", NULL};
static const char *const log_valued[] = {"subject", "after", "limit", NULL};

const cli_command cli_ledger_commands[] = {
	{"verify", verify_valued, verify_flags, cmd_verify, "verify [--chain-only] [--record ID]",
	 "prove the chain, signatures and projections (exit 5 if not intact); --record proves one record's events "
	 "up to their signed checkpoints"},
	{"rebuild", no_opts, no_opts, cmd_rebuild, "rebuild", "recompute every projection from the events"},
	{"log", log_valued, no_opts, cmd_log, "log [--subject ID] [--after SEQ] [--limit N]", "the ledger's events"},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};
