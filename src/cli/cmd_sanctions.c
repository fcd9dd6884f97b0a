/* Sanctions commands: wam sanctions import, list, show, imports, screen,
 * alerts, alert, clear and confirm (docs/cli.md#sanctions; the library is
 * include/wam/sanctions.h).
 *
 * A list file and a batch of parties are read whole (FILE, or "-" for
 * standard input) and handed to the library, which parses and checks them
 * before anything is written. `wam sanctions screen --batch` writes one
 * JSON line per party to standard output as the library screens them.
 * --json prints the library's JSON as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/sanctions.h"

static const char *const no_opts[] = {NULL};

/* ---- import ---- */

static const cli_column change_cols[] = {
    {"ID", "id", 0}, {"REFERENCE", "reference", 0}, {"NAME", "name", 50}, {NULL, NULL, 0}};

static void print_import(const json_t *o)
{
	printf("%s list of %s imported (sha256 %.16s…)\n", cli_text(o, "source"), cli_text(o, "generated"),
	       cli_text(o, "sha256"));
	cli_print_list("added", change_cols, json_object_get(o, "added"));
	cli_print_list("amended", change_cols, json_object_get(o, "amended"));
	cli_print_list("removed", change_cols, json_object_get(o, "removed"));
	printf("\nunchanged: %lld\n", (long long)json_integer_value(json_object_get(o, "unchanged")));
	const json_t *alerts = json_object_get(o, "alerts");
	printf("alerts raised: %zu", json_array_size(alerts));
	size_t i;
	const json_t *v;
	json_array_foreach(alerts, i, v)
	    printf("%s%s", i ? ", " : " (", json_is_string(v) ? json_string_value(v) : "?");
	printf("%s\n", json_array_size(alerts) ? ")" : "");
	if (json_array_size(alerts))
		printf("see them with: wam sanctions alerts --state open\n");
}

static int cmd_import(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_import};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam sanctions import FILE|- [--format un-xml|csv] [--source NAME]");
	char *data;
	size_t len;
	int rc = cli_read_file(env, a->pos[0], "file", &data, &len);
	if (rc)
		return rc;
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, true))) {
		free(data);
		return rc;
	}
	rc = wam_sanctions_import(db, &out, data, len, cli_opt(a, "format"), cli_opt(a, "source"));
	free(data);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static const cli_column import_cols[] = {
    {"SEQ", "seq", 0},     {"SOURCE", "source", 0},   {"GENERATED", "generated", 0},
    {"ADDED", "added", 0}, {"AMENDED", "amended", 0}, {"REMOVED", "removed", 0},
    {"TIME", "time", 0},   {"ACTOR", "actor", 0},     {NULL, NULL, 0}};

static int call_imports(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_sanctions_imports(db, out);
}

static int cmd_imports(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, import_cols, NULL};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam sanctions imports");
	return cli_run(env, a, false, call_imports, NULL, &view);
}

/* ---- entries ---- */

static const cli_column entry_cols[] = {{"ID", "id", 0},
                                        {"REFERENCE", "reference", 0},
                                        {"KIND", "kind", 0},
                                        {"NAME", "name", 40},
                                        {"ORIGINAL SCRIPT", "name_original_script", 30},
                                        {"LIST", "list_type", 0},
                                        {"LISTED", "listed_on", 0},
                                        {"REMOVED", "removed_on", 0},
                                        {NULL, NULL, 0}};
static const char *const entry_keys[] = {"id",
                                         "reference",
                                         "source",
                                         "list_type",
                                         "regime",
                                         "kind",
                                         "name",
                                         "name_original_script",
                                         "nationalities",
                                         "places_of_birth",
                                         "listed_on",
                                         "updated_on",
                                         "removed_on",
                                         "comments",
                                         NULL};
static const cli_column name_cols[] = {
    {"NAME", "name", 50}, {"QUALITY", "quality", 0}, {"SCRIPT", "script", 0}, {NULL, NULL, 0}};
static const cli_column dob_cols[] = {{"KIND", "kind", 0}, {"DATE", "date", 0}, {"YEAR", "year", 0},
                                      {"FROM", "from", 0}, {"TO", "to", 0},     {NULL, NULL, 0}};
static const cli_column document_cols[] = {
    {"TYPE", "type", 0}, {"NUMBER", "number", 0}, {"COUNTRY", "country", 0}, {NULL, NULL, 0}};
static const cli_column alert_cols[] = {
    {"ID", "id", 0},       {"STATE", "state", 0},           {"ENTRY", "entry_text", 40}, {"PARTY", "party_text", 40},
    {"SCORE", "score", 0}, {"BLOCKS", "subjects_text", 40}, {"RAISED", "raised_at", 0},  {NULL, NULL, 0}};

/* Alerts with the entry, the party and the records blocked as words. */
static json_t *alert_rows(const json_t *alerts)
{
	json_t *rows = json_array();
	size_t i, j;
	const json_t *al, *s;
	json_array_foreach(alerts, i, al)
	{
		json_t *r = json_deep_copy(al);
		const json_t *e = json_object_get(al, "entry"), *p = json_object_get(al, "party");
		char text[512];
		snprintf(text, sizeof text, "%s %s%s", cli_text(e, "reference"), cli_text(e, "name"),
		         json_is_true(json_object_get(e, "removed")) ? " (removed)" : "");
		json_object_set_new(r, "entry_text", json_string(text));
		snprintf(text, sizeof text, "%s (%s)", cli_text(p, "name"), cli_text(p, "role"));
		json_object_set_new(r, "party_text", json_string(text));
		size_t len = 0;
		text[0] = '\0';
		json_array_foreach(json_object_get(al, "subjects"), j, s)
		{
			int k = snprintf(text + len, sizeof text - len, "%s%s %s", j ? ", " : "", cli_text(s, "kind"),
			                 *cli_text(s, "label") ? cli_text(s, "label") : cli_text(s, "id"));
			if (k < 0 || (size_t)k >= sizeof text - len)
				break;
			len += (size_t)k;
		}
		json_object_set_new(r, "subjects_text", json_string(text));
		json_array_append_new(rows, r);
	}
	return rows;
}

static void print_alert_table(const json_t *alerts)
{
	json_t *rows = alert_rows(alerts);
	cli_print_table(alert_cols, rows);
	json_decref(rows);
}

static void print_entry(const json_t *e)
{
	cli_print_words(entry_keys, e);
	cli_print_list("names", name_cols, json_object_get(e, "names"));
	cli_print_list("dates of birth", dob_cols, json_object_get(e, "dobs"));
	cli_print_list("documents", document_cols, json_object_get(e, "documents"));
	static const cli_column history_cols[] = {{"SEQ", "seq", 0},
	                                          {"WHAT", "what", 0},
	                                          {"LIST", "source", 0},
	                                          {"GENERATED", "generated", 0},
	                                          {NULL, NULL, 0}};
	if (json_is_array(json_object_get(e, "history")))
		cli_print_list("history", history_cols, json_object_get(e, "history"));
	const json_t *alerts = json_object_get(e, "alerts");
	if (json_is_array(alerts)) {
		printf("\nalerts (%zu)\n", json_array_size(alerts));
		if (json_array_size(alerts))
			print_alert_table(alerts);
	}
}

/* --limit N into `*n` (0 when not given); WAM_EINVAL naming limit when
 * it is not a whole number from 1 to `max`. */
static int opt_limit(const cli_args *a, long max, int *n)
{
	const char *v = cli_opt(a, "limit");
	char *end = NULL;
	*n = 0;
	if (!v)
		return 0;
	errno = 0;
	long k = strtol(v, &end, 10);
	if (end == v || *end || errno || k < 1 || k > max)
		return wam_error_set(WAM_EINVAL, "limit", "--limit takes a whole number from 1 to %ld, not '%.40s'",
		                     max, v);
	*n = (int)k;
	return 0;
}

static int call_entries(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	int limit, rc = opt_limit(a, 100000, &limit);
	return rc ? rc : wam_sanctions_entries(db, out, cli_opt(a, "q"), cli_flag(a, "removed"), limit);
}

static int cmd_list(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, entry_cols, NULL};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam sanctions list [--q NAME] [--removed] [--limit N]");
	return cli_run(env, a, false, call_entries, NULL, &view);
}

static int call_entry(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_sanctions_entry_get(db, out, a->pos[0]);
}

static int cmd_show(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_entry};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam sanctions show ENTRY");
	return cli_run(env, a, false, call_entry, NULL, &view);
}

/* ---- screening ---- */

/* The query of the command line into `q`; WAM_EINVAL naming the option
 * that is not right. */
static int query_of(const cli_args *a, wam_sanctions_query *q)
{
	memset(q, 0, sizeof *q);
	q->kind = cli_opt(a, "kind");
	q->dob = cli_opt(a, "dob");
	q->nationality = cli_opt(a, "nationality");
	q->document = cli_opt(a, "document");
	q->explain = cli_flag(a, "explain");
	const char *t = cli_opt(a, "threshold");
	if (t) {
		char *end = NULL;
		errno = 0;
		q->threshold = strtod(t, &end);
		if (end == t || *end || errno || !(q->threshold > 0 && q->threshold <= 1))
			return wam_error_set(
			    WAM_EINVAL, "threshold",
			    "--threshold takes a score above 0 and at most 1, such as 0.8, not '%.40s'", t);
	}
	return opt_limit(a, 1000, &q->limit);
}

static const cli_column part_cols[] = {
    {"QUERY", "query_part", 0}, {"ENTRY", "entry_part", 0}, {"HOW", "how", 0}, {"SCORE", "score", 0}, {NULL, NULL, 0}};

static void print_screen(const json_t *o)
{
	const json_t *query = json_object_get(o, "query"), *cands = json_object_get(o, "candidates");
	printf("%s: %zu candidate%s\n", cli_text(query, "name"), json_array_size(cands),
	       json_array_size(cands) == 1 ? "" : "s");
	size_t i, j;
	const json_t *c, *x;
	json_array_foreach(cands, i, c)
	{
		const json_t *e = json_object_get(c, "entry");
		printf("\n%zu. %.2f  %s %s (%s)\n", i + 1, json_number_value(json_object_get(c, "score")),
		       cli_text(e, "reference"), cli_text(e, "name"), cli_text(e, "list_type"));
		if (*cli_text(c, "matched_name") && strcmp(cli_text(c, "matched_name"), cli_text(e, "name")))
			printf("   matched %s\n", cli_text(c, "matched_name"));
		printf("   name score %.2f\n", json_number_value(json_object_get(c, "name_score")));
		json_array_foreach(json_object_get(c, "evidence"), j, x)
		    printf("   %s %s\n", !strcmp(cli_text(x, "effect"), "for") ? "+" : "-", cli_text(x, "message"));
		if (json_array_size(json_object_get(c, "explanation")))
			cli_print_table(part_cols, json_object_get(c, "explanation"));
	}
}

static int cmd_screen_one(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_screen};
	wam_sanctions_query q;
	int rc = query_of(a, &q);
	if (rc)
		return cli_fail(env, rc);
	q.name = a->pos[0];
	wam_db *db;
	json_t *out = NULL;
	if ((rc = cli_open(env, &db, false)))
		return rc;
	rc = wam_sanctions_screen(db, &out, &q);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

/* One JSON line of the batch to standard output, as it comes. */
static int to_stdout(void *ctx, const char *jsonl, size_t len)
{
	(void)ctx;
	if (fwrite(jsonl, 1, len, stdout) != len || ((!len || jsonl[len - 1] != '\n') && putchar('\n') == EOF))
		return wam_error_set(WAM_EIO, "batch", "cannot write the matches to standard output");
	return 0;
}

static int cmd_screen_batch(const cli_env *env, const cli_args *a)
{
	wam_sanctions_query q;
	int rc = query_of(a, &q);
	if (rc)
		return cli_fail(env, rc);
	char *data;
	size_t len;
	if ((rc = cli_read_file(env, cli_opt(a, "batch"), "batch", &data, &len)))
		return rc;
	wam_db *db;
	if ((rc = cli_open(env, &db, false))) {
		free(data);
		return rc;
	}
	rc = wam_sanctions_screen_batch(db, data, len, &q, to_stdout, NULL);
	free(data);
	wam_db_close(db);
	if (!rc && fflush(stdout) != 0)
		rc = wam_error_set(WAM_EIO, "batch", "cannot write the matches to standard output");
	return rc ? cli_fail(env, rc) : 0;
}

static int cmd_screen(const cli_env *env, const cli_args *a)
{
	if (cli_opt(a, "batch") ? a->npos != 0 : a->npos != 1)
		return cli_usage(env,
		                 "usage: wam sanctions screen \"NAME\" [--dob Y] [--nationality CC] [--document N] "
		                 "[--kind individual|entity] [--explain] [--threshold X] | --batch FILE|-");
	return cli_opt(a, "batch") ? cmd_screen_batch(env, a) : cmd_screen_one(env, a);
}

/* ---- alerts ---- */

static void print_alert(const json_t *al)
{
	const json_t *e = json_object_get(al, "entry"), *p = json_object_get(al, "party");
	printf("%-12s  %s\n", "id", cli_text(al, "id"));
	printf("%-12s  %s\n", "state", cli_text(al, "state"));
	printf("%-12s  %.2f\n", "score", json_number_value(json_object_get(al, "score")));
	cli_print_joined(11, "entry", cli_text(e, "id"), cli_text(e, "reference"), cli_text(e, "name"),
	                 cli_text(e, "list_type"), json_is_true(json_object_get(e, "removed")) ? "removed" : "", NULL);
	cli_print_joined(11, "party", cli_text(p, "name"), cli_text(p, "role"), cli_text(p, "country"),
	                 cli_text(p, "dob"), cli_text(p, "nationality"), cli_text(p, "document"), NULL);
	printf("%-12s  %s\n", "raised", cli_text(al, "raised_at"));
	const json_t *prev = json_object_get(al, "previous");
	if (json_is_object(prev))
		printf("%-12s  alert %s was cleared before for this name on other records: %s\n", "cleared before",
		       cli_text(prev, "id"), cli_text(prev, "reason"));
	const json_t *d = json_object_get(al, "decided");
	if (json_is_object(d))
		printf("%-12s  %s by %s at %s: %s\n", "decided", cli_text(al, "state"), cli_text(d, "by"),
		       cli_text(d, "at"), cli_text(d, "reason"));
	const json_t *x = json_object_get(al, "explanation");
	if (json_is_string(x))
		printf("%-12s  %s\n", "explanation", json_string_value(x));
	else if (json_array_size(x))
		cli_print_list("how the names matched", part_cols, x);
	static const cli_column subject_cols[] = {
	    {"KIND", "kind", 0}, {"ID", "id", 0}, {"LABEL", "label", 50}, {NULL, NULL, 0}};
	cli_print_list("blocks", subject_cols, json_object_get(al, "subjects"));
}

static const cli_view alert_view = {NULL, NULL, print_alert};

static int call_alerts(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_sanctions_alerts(db, out, cli_opt(a, "state"));
}

static int cmd_alerts(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_alert_table};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam sanctions alerts [--state open|confirmed|cleared]");
	return cli_run(env, a, false, call_alerts, NULL, &view);
}

static int call_alert(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_sanctions_alert_get(db, out, a->pos[0]);
}

static int cmd_alert(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam sanctions alert ID");
	return cli_run(env, a, false, call_alert, NULL, &alert_view);
}

static int call_clear(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_sanctions_alert_clear(db, out, a->pos[0], in);
}

static int call_confirm(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_sanctions_alert_confirm(db, out, a->pos[0], in);
}

static int decide(const cli_env *env, const cli_args *a, const char *verb, cli_call call)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam sanctions %s ALERT --reason WHY", verb);
	json_t *in = json_object();
	cli_set_opt(in, a, "reason", "reason");
	return cli_run(env, a, true, call, in, &alert_view);
}

static int cmd_clear(const cli_env *env, const cli_args *a)
{
	return decide(env, a, "clear", call_clear);
}

static int cmd_confirm(const cli_env *env, const cli_args *a)
{
	return decide(env, a, "confirm", call_confirm);
}

/* ---- the table ---- */

static const char *const import_valued[] = {"format", "source", NULL};
static const char *const list_valued[] = {"q", "limit", NULL};
static const char *const list_flags[] = {"removed", NULL};
static const char *const screen_valued[] = {"dob",       "nationality", "document", "kind",
                                            "threshold", "limit",       "batch",    NULL};
static const char *const screen_flags[] = {"explain", NULL};
static const char *const state_valued[] = {"state", NULL};
static const char *const reason_valued[] = {"reason", NULL};

const cli_command cli_sanctions_commands[] = {
    {"sanctions import", import_valued, no_opts, cmd_import,
     "sanctions import FILE|- [--format un-xml|csv] [--source NAME]",
     "import a sanctions list (the UN Consolidated List XML, or a national list in CSV): what it added, "
     "amended and removed, and the alerts raised on parties already recorded"},
    {"sanctions list", list_valued, list_flags, cmd_list, "sanctions list [--q NAME] [--removed] [--limit N]",
     "entries of the lists in force (with --removed: those removed)"},
    {"sanctions show", no_opts, no_opts, cmd_show, "sanctions show ENTRY",
     "an entry: its names in every script, dates of birth, documents, history and alerts"},
    {"sanctions imports", no_opts, no_opts, cmd_imports, "sanctions imports", "every list imported, newest first"},
    {"sanctions screen", screen_valued, screen_flags, cmd_screen,
     "sanctions screen \"NAME\" [--dob Y] [--nationality CC] [--document N] [--kind individual|entity] "
     "[--explain] [--threshold X] | --batch FILE|-",
     "screen a name in any script against the lists, or a file of name<TAB>dob<TAB>nationality<TAB>document "
     "lines to JSON lines"},
    {"sanctions alerts", state_valued, no_opts, cmd_alerts, "sanctions alerts [--state open|confirmed|cleared]",
     "screening alerts, open first"},
    {"sanctions alert", no_opts, no_opts, cmd_alert, "sanctions alert ID",
     "one alert: the entry, the party, the records it blocks and the decision"},
    {"sanctions clear", reason_valued, no_opts, cmd_clear, "sanctions clear ALERT --reason WHY",
     "clear an open alert as a false positive: what it blocked may go ahead"},
    {"sanctions confirm", reason_valued, no_opts, cmd_confirm, "sanctions confirm ALERT --reason WHY",
     "confirm an open alert: what it blocks stays blocked"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
