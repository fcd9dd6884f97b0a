/* Ledger commands: verify, rebuild, log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const no_opts[] = {NULL};

/* Where the trust in the key came from, in words. */
static const char *trusted_by(const char *source)
{
	return !strcmp(source, "expect_key") ? "--expect-key" : "the key file";
}

/* verify --record ID: one record's events up to their signed checkpoints. */
static int verify_record(const cli_env *env, wam_db *db, const char *id, const char *expect_key)
{
	static const char *const keys[] = {"id",         "intact",        "events",     "first_seq",  "last_seq",
	                                   "signed_seq", "head_seq",      "public_key", "key_source", "problem",
	                                   "detail",     "first_bad_seq", NULL};
	static const cli_view view = {.keys = keys};
	json_t *out = NULL;
	int rc = wam_ledger_prove_with(db, &out, id, expect_key);
	bool intact = !rc && json_is_true(json_object_get(out, "intact"));
	int code = cli_show(env, rc, out, &view);
	return code ? code : intact ? 0 : wam_error_exit_code(WAM_EINTEGRITY);
}

static int cmd_verify(const cli_env *env, const cli_args *a)
{
	wam_db *db;
	wam_verify_report r;
	wam_verify_opts o = {.flags = cli_flag(a, "chain-only") ? WAM_VERIFY_CHAIN_ONLY : 0,
	                     .expect_key = cli_opt(a, "expect-key")};
	json_t *receipt = NULL;
	int rc;
	if (a->npos)
		return cli_usage(env, "usage: wam verify [--chain-only] [--record ID] [--expect-key HEX] "
		                      "[--expect-head FILE]");
	if (cli_opt(a, "expect-head") && !(receipt = cli_read_json(env, cli_opt(a, "expect-head"), &rc)))
		return rc;
	o.expect_head = receipt;
	if ((rc = cli_open(env, &db, false))) {
		json_decref(receipt);
		return rc;
	}
	if (cli_opt(a, "record")) {
		rc = verify_record(env, db, cli_opt(a, "record"), o.expect_key);
		wam_db_close(db);
		json_decref(receipt);
		return rc;
	}
	rc = wam_ledger_verify_with(db, &o, &r);
	wam_db_close(db);
	json_decref(receipt);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *j =
		    json_pack("{s:b, s:I, s:I, s:s, s:s, s:b, s:I, s:b, s:f, s:f}", "intact", r.intact, "events",
		              (json_int_t)r.events, "checkpoints", (json_int_t)r.checkpoints, "public_key",
		              r.public_key, "key_source", r.key_source, "credentials_checked", r.credentials_checked,
		              "credentials", (json_int_t)r.credentials, "refdata_checked", r.refdata_checked,
		              "chain_seconds", r.chain_seconds, "projection_seconds", r.projection_seconds);
		if (o.expect_head)
			json_object_set_new(j, "head_seq", json_integer(r.head_seq));
		if (!r.intact) {
			json_object_set_new(j, "first_bad_seq", json_integer(r.first_bad_seq));
			json_object_set_new(j, "problem", json_string(r.problem));
			json_object_set_new(j, "detail", json_string(r.detail));
			if (r.table[0])
				json_object_set_new(j, "table", json_string(r.table));
			if (r.record_id[0])
				json_object_set_new(j, "record_id", json_string(r.record_id));
		}
		cli_print_json(j);
		json_decref(j);
	} else if (r.intact) {
		printf("intact: %lld events, %lld signed checkpoints, %s\n", (long long)r.events,
		       (long long)r.checkpoints,
		       cli_flag(a, "chain-only") ? "projections not compared (--chain-only)"
		                                 : "projections match the events");
		printf("trusted key %s (from %s)\n", r.public_key, trusted_by(r.key_source));
		printf("reference data matches the ledger; %s\n",
		       r.credentials_checked ? "credentials sealed by the node key"
		                             : "credentials NOT checked (they need the key file, not --expect-key)");
		if (o.expect_head)
			printf("the receipt's head (event %lld) is in the ledger\n", (long long)r.head_seq);
	} else {
		printf("NOT INTACT: %s at sequence %lld\n%s\n", r.problem, (long long)r.first_bad_seq, r.detail);
		if (r.public_key[0])
			printf("trusted key %s (from %s)\n", r.public_key, trusted_by(r.key_source));
	}
	return r.intact ? 0 : wam_error_exit_code(WAM_EINTEGRITY);
}

static int cmd_rebuild(const cli_env *env, const cli_args *a)
{
	(void)a;
	wam_db *db;
	int sealed = 0, recorded = 0, backfilled = 0;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	rc = wam_ledger_rebuild_sealing(db, &sealed, &recorded, &backfilled);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		printf("{\"rebuilt\": true, \"credentials_sealed\": %d, \"refdata_recorded\": %s, "
		       "\"loss_reports_recorded\": %d}\n",
		       sealed, recorded ? "true" : "false", backfilled);
		return 0;
	}
	puts("projections rebuilt from the events");
	if (sealed)
		printf("%d credentials written before credentials were sealed are now sealed to their events\n",
		       sealed);
	if (recorded)
		puts("the reference data (countries, categories) is now recorded in the ledger");
	if (backfilled)
		printf("%d weapons lost or stolen without a loss report now have one, made from their status change\n",
		       backfilled);
	return 0;
}

/* head [--out FILE]: a signed receipt of the head, for an auditor to keep
 * and give back to `wam verify --expect-head`. */
static int cmd_head(const cli_env *env, const cli_args *a)
{
	const char *to = cli_opt(a, "out");
	wam_db *db;
	json_t *receipt = NULL;
	if (a->npos)
		return cli_usage(env, "usage: wam head [--out FILE]");
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_ledger_head_receipt(db, &receipt);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if ((rc = cli_write_json(env, receipt, to))) {
		json_decref(receipt);
		return rc;
	}
	if (to && !env->json)
		fprintf(stderr, "%s: receipt of event %lld\n", to,
		        (long long)json_integer_value(json_object_get(receipt, "seq")));
	json_decref(receipt);
	return 0;
}

static int cmd_log(const cli_env *env, const cli_args *a)
{
	static const cli_column cols[] = {{"SEQ", "seq", 0},   {"TIME", "time", 0},       {"ACTOR", "actor", 20},
	                                  {"TYPE", "type", 0}, {"SUBJECT", "subject", 0}, {NULL, NULL, 0}};
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
static const char *const verify_valued[] = {"record", "expect-key", "expect-head", NULL};
static const char *const head_valued[] = {"out", NULL};
static const char *const log_valued[] = {"subject", "after", "limit", NULL};

const cli_command cli_ledger_commands[] = {
    {"verify", verify_valued, verify_flags, cmd_verify,
     "verify [--chain-only] [--record ID] [--expect-key HEX] [--expect-head FILE]",
     "prove the chain, signatures, reference data, credentials and projections against the key file (or "
     "--expect-key) (exit 5 if not intact); --record proves one record's events up to their signed "
     "checkpoints; --expect-head checks a receipt of `wam head` is still in the ledger"},
    {"head", head_valued, no_opts, cmd_head, "head [--out FILE]",
     "a signed receipt of the ledger's head, for an auditor to keep (wam verify --expect-head)"},
    {"rebuild", no_opts, no_opts, cmd_rebuild, "rebuild",
     "recompute every projection from the events, once the chain is proven (exit 5 if not intact)"},
    {"log", log_valued, no_opts, cmd_log, "log [--subject ID] [--after SEQ] [--limit N]", "the ledger's events"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
