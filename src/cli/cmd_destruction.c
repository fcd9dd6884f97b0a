/* Destruction commands: wam destruction open|add|verify|confirm|close|show|
 * list|certificate (docs/stock.md, "Destruction"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/stock.h"

static const char *const no_opts[] = {NULL};

static const char *const batch_keys[] = {"id",          "state",      "method",     "site",  "date",
                                         "certificate", "opened_seq", "closed_seq", "notes", NULL};
static const cli_column batch_cols[] = {
    {"ID", "id", 0},      {"STATE", "state", 0},     {"METHOD", "method", 0},           {"DATE", "date", 0},
    {"SITE", "site", 32}, {"WEAPONS", "weapons", 0}, {"CERTIFICATE", "certificate", 0}, {NULL, NULL, 0}};
static const cli_column item_cols[] = {{"#", "n", 0},        {"WEAPON", "item_id", 0}, {"SERIAL", "serial", 24},
                                       {"MAKE", "make", 20}, {"STATUS", "status", 0},  {NULL, NULL, 0}};
static const cli_column lot_cols[] = {
    {"#", "n", 0},           {"LOT", "lot_id", 0}, {"LOT NUMBER", "lot_number", 24}, {"CALIBRE", "calibre", 16},
    {"ROUNDS", "rounds", 0}, {NULL, NULL, 0}};
static const cli_column recovered_cols[] = {{"#", "n", 0},
                                            {"RECOVERY", "recovery_id", 0},
                                            {"LINE", "line", 0},
                                            {"CALIBRE", "calibre", 16},
                                            {"HEADSTAMP", "headstamp", 20},
                                            {"LOT", "lot", 20},
                                            {"ROUNDS", "rounds", 0},
                                            {NULL, NULL, 0}};

static void print_names(const char *title, const json_t *names)
{
	size_t i;
	const json_t *v;
	printf("%-12s ", title);
	json_array_foreach(names, i, v) printf("%s%s", i ? ", " : "", json_string_value(v));
	printf("%s\n", json_array_size(names) ? "" : "(none)");
}

static void print_batch(const json_t *b)
{
	cli_print_record(batch_keys, b);
	const json_t *states = json_object_get(b, "verifier_states"), *v;
	size_t i;
	printf("%-12s %s\n", "verifiers:", json_array_size(states) ? "" : "(none)");
	json_array_foreach(states, i, v)
	{
		if (json_is_true(json_object_get(v, "confirmed")))
			printf("  %s: confirmed %s (event %lld)\n", json_string_value(json_object_get(v, "name")),
			       json_string_value(json_object_get(v, "confirmed_at")),
			       (long long)json_integer_value(json_object_get(v, "seq")));
		else
			printf("  %s: not confirmed\n", json_string_value(json_object_get(v, "name")));
		/* whose account it is: who made it, who last set its password */
		if (json_string_value(json_object_get(v, "created_by")) &&
		    json_string_value(json_object_get(v, "password_set_by")))
			printf("    account created by %s at %s; password last set by %s at %s\n",
			       json_string_value(json_object_get(v, "created_by")),
			       json_string_value(json_object_get(v, "created_at")),
			       json_string_value(json_object_get(v, "password_set_by")),
			       json_string_value(json_object_get(v, "password_set_at")));
		/* everyone who made it or ever set its password */
		const json_t *from = json_object_get(v, "comes_from"), *f;
		size_t j;
		json_array_foreach(from, j, f)
		    printf("%s%s", j ? ", " : "    account comes from ", json_string_value(f));
		if (json_array_size(from))
			printf("\n");
	}
	print_names("witnesses:", json_object_get(b, "witnesses"));
	const json_t *items = json_object_get(b, "items");
	printf("\nweapons (%zu)\n", json_array_size(items));
	if (json_array_size(items))
		cli_print_table(item_cols, items);
	const json_t *lots = json_object_get(b, "lots"), *recovered = json_object_get(b, "recovered");
	if (json_array_size(lots)) {
		printf("\nammunition lots (%zu)\n", json_array_size(lots));
		cli_print_table(lot_cols, lots);
	}
	if (json_array_size(recovered)) {
		printf("\nrecovered ammunition (%zu)\n", json_array_size(recovered));
		cli_print_table(recovered_cols, recovered);
	}
	const json_t *checks = json_object_get(b, "checks");
	const json_t *last = json_array_get(checks, json_array_size(checks) - 1);
	if (!last) {
		printf("\nserials not yet read at the destruction site\n");
		return;
	}
	char *missing = json_dumps(json_object_get(last, "missing"), JSON_COMPACT);
	char *unexpected = json_dumps(json_object_get(last, "unexpected"), JSON_COMPACT);
	printf("\nlast reading of serials (event %lld): %s\n",
	       (long long)json_integer_value(json_object_get(last, "seq")),
	       json_is_true(json_object_get(last, "ok")) ? "matches the list" : "DOES NOT MATCH the list");
	if (!json_is_true(json_object_get(last, "ok")))
		printf("  listed but not read: %s\n  read but not listed: %s\n", missing, unexpected);
	free(missing);
	free(unexpected);
}

static const cli_view batch_view = {batch_keys, batch_cols, print_batch};
static const cli_view list_view = {NULL, batch_cols, NULL};

static int call_open(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_stock_destruction_open(db, out, in);
}

static int cmd_open(const cli_env *env, const cli_args *a)
{
	json_t *in = json_object();
	const char *keys[] = {"method", "site", "date", "notes"};
	for (int i = 0; i < 4; i++)
		if (cli_opt(a, keys[i]))
			json_object_set_new(in, keys[i], json_string(cli_opt(a, keys[i])));
	return cli_run(env, a, true, call_open, in, &batch_view);
}

/* --item ID, --verifier USER and --witness NAME, each as often as needed,
 * all in one transaction. */
static int cmd_add(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || !a->nopt)
		return cli_usage(
		    env, "usage: wam destruction add ID [--item WEAPON]... [--lot LOT:ROUNDS]... [--verifier USER]... "
		         "[--witness NAME]...");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	if ((rc = wam_db_begin(db)))
		goto done;
	for (int i = 0; i < a->nopt && !rc; i++) {
		const char *name = a->opt[i].name, *v = a->opt[i].value;
		if (!strcmp(name, "item")) {
			rc = wam_stock_destruction_add_item(db, NULL, a->pos[0], v);
		} else if (!strcmp(name, "lot")) {
			/* LOT:ROUNDS */
			const char *colon = strrchr(v, ':');
			char lot[64], *end = NULL;
			long rounds = colon ? strtol(colon + 1, &end, 10) : 0;
			if (!colon || end == colon + 1 || *end || (size_t)(colon - v) >= sizeof lot) {
				rc = wam_error_set(WAM_EINVAL, "lot", "--lot takes LOT:ROUNDS, not '%.60s'", v);
				break;
			}
			snprintf(lot, sizeof lot, "%.*s", (int)(colon - v), v);
			rc = wam_stock_destruction_add_lot(db, NULL, a->pos[0], lot, rounds);
		} else {
			rc = wam_stock_destruction_add_person(db, NULL, a->pos[0], name, v);
		}
	}
	if (rc)
		wam_db_rollback(db);
	else if (!(rc = wam_db_commit(db)))
		rc = wam_stock_destruction_get(db, &out, a->pos[0]);
done:
	rc = cli_show(env, rc, out, &batch_view);
	wam_db_close(db);
	return rc;
}

static int call_add_recovered(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	long line = -1, rounds = 0;
	int rc;
	if ((rc = cli_opt_long(a, "line", "line", &line)) || (rc = cli_opt_long(a, "rounds", "rounds", &rounds)))
		return rc;
	return wam_stock_destruction_add_recovered(db, out, a->pos[0], cli_opt(a, "recovery"), line, rounds);
}

/* Rounds of a recovery's ammunition line, never taken into a lot. */
static int cmd_add_recovered(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || !cli_opt(a, "recovery") || !cli_opt(a, "line") || !cli_opt(a, "rounds"))
		return cli_usage(env,
		                 "usage: wam destruction add-recovered ID --recovery RECOVERY --line N --rounds R");
	return cli_run(env, a, true, call_add_recovered, NULL, &batch_view);
}

static int call_verify(wam_db *db, json_t **out, const cli_args *a, json_t *serials)
{
	return wam_stock_destruction_verify(db, out, a->pos[0], serials);
}

/* The serials read at the site: arguments, or one a line from --from. */
static int cmd_verify(const cli_env *env, const cli_args *a)
{
	if (a->npos < 1)
		return cli_usage(env, "usage: wam destruction verify ID SERIAL... | --from FILE|-");
	json_t *serials = json_array();
	for (int i = 1; i < a->npos; i++)
		json_array_append_new(serials, json_string(a->pos[i]));
	const char *from = cli_opt(a, "from");
	if (from) {
		FILE *f = !strcmp(from, "-") ? stdin : fopen(from, "r");
		if (!f) {
			json_decref(serials);
			wam_error_set(WAM_EIO, "from", "cannot read %s", from);
			return cli_fail(env, WAM_EIO);
		}
		char line[512];
		while (fgets(line, sizeof line, f)) {
			size_t n = strcspn(line, "\r\n");
			line[n] = '\0';
			char *s = line;
			while (*s == ' ' || *s == '\t')
				s++;
			for (n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
				s[n - 1] = '\0';
			if (*s)
				json_array_append_new(serials, json_string(s));
		}
		if (f != stdin)
			fclose(f);
	}
	return cli_run(env, a, true, call_verify, serials, &batch_view);
}

/* A verifier confirms, as themselves: `wam destruction confirm ID --as
 * NAME`, the password checked before anything is written. Without --as the
 * command acts as the operating-system account, which is no verifier. */
static int cmd_confirm(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam destruction confirm ID --as VERIFIER [--password-stdin]");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	rc = wam_stock_destruction_confirm(db, &out, a->pos[0], cli_principal(env));
	rc = cli_show(env, rc, out, &batch_view);
	wam_db_close(db);
	return rc;
}

static int call_close(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_destruction_close(db, out, a->pos[0], cli_opt(a, "certificate"));
}

static int cmd_close(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam destruction close ID --certificate NUMBER");
	return cli_run(env, a, true, call_close, NULL, &batch_view);
}

static int call_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_destruction_get(db, out, a->pos[0]);
}

static int cmd_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam destruction show ID");
	return cli_run(env, a, false, call_show, NULL, &batch_view);
}

static int call_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_stock_destruction_list(db, out);
}

static int cmd_list(const cli_env *env, const cli_args *a)
{
	return cli_run(env, a, false, call_list, NULL, &list_view);
}

static int cmd_certificate(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam destruction certificate ID > cert.html");
	wam_db *db;
	char *html = NULL;
	size_t n = 0;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_stock_destruction_certificate(db, &html, &n, a->pos[0]);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	fwrite(html, 1, n, stdout);
	free(html);
	return 0;
}

static const char *const open_valued[] = {"method", "site", "date", "notes", NULL};
static const char *const add_valued[] = {"item", "lot", "verifier", "witness", NULL};
static const char *const verify_valued[] = {"from", NULL};
static const char *const add_recovered_valued[] = {"recovery", "line", "rounds", NULL};
static const char *const close_valued[] = {"certificate", NULL};

const cli_command cli_destruction_commands[] = {
    {"destruction open", open_valued, no_opts, cmd_open,
     "destruction open --method CUT|CRUSH|SMELT|SHRED|BURN|DETONATION --site WHERE --date YYYY-MM-DD",
     "open a destruction batch"},
    {"destruction add", add_valued, no_opts, cmd_add,
     "destruction add ID [--item WEAPON]... [--lot LOT:ROUNDS]... [--verifier USER]... [--witness NAME]...",
     "list weapons, ammunition, verifiers (registry users) and witnesses of a batch"},
    {"destruction add-recovered", add_recovered_valued, no_opts, cmd_add_recovered,
     "destruction add-recovered ID --recovery RECOVERY --line N --rounds R",
     "list rounds of a recovery's ammunition line in a batch (they leave the line at once)"},
    {"destruction verify", verify_valued, no_opts, cmd_verify, "destruction verify ID SERIAL... | --from FILE|-",
     "record the serials read at the destruction site and compare them with the list"},
    {"destruction confirm", no_opts, no_opts, cmd_confirm, "destruction confirm ID --as VERIFIER [--password-stdin]",
     "a verifier named in the batch confirms, with their own password, that the serials read are those listed"},
    {"destruction close", close_valued, no_opts, cmd_close, "destruction close ID --certificate NUMBER",
     "close a batch two verifiers confirmed; its weapons become destroyed (the only way)"},
    {"destruction show", no_opts, no_opts, cmd_show, "destruction show ID", "show a destruction batch"},
    {"destruction list", no_opts, no_opts, cmd_list, "destruction list", "list destruction batches"},
    {"destruction certificate", no_opts, no_opts, cmd_certificate, "destruction certificate ID > cert.html",
     "print a closed batch's certificate as an HTML page"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
