/* Embargo commands: wam embargo (the Security Council's regimes and the
 * national embargoes), wam exemption and wam notice (docs/cli.md#embargoes;
 * the library is include/wam/embargo.h).
 *
 * What the library says in words (a finding, why an exemption fits or not)
 * is printed as it says it; --json prints the library's JSON as it is. The
 * notification of an exemption and a notice's document are HTML pages,
 * printed whole to standard output (with --json inside {"html": ...}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/embargo.h"

static const char *const no_opts[] = {NULL};

/* ---- regimes ---- */

static const cli_column regime_cols[] = {{"ID", "id", 0},
                                         {"NAME", "name", 40},
                                         {"SOURCE", "source", 0},
                                         {"TARGET", "target", 0},
                                         {"SCOPE", "scope", 0},
                                         {"TERRITORIES", "territories", 20},
                                         {"IN FORCE", "in_force", 0},
                                         {NULL, NULL, 0}};
static const char *const regime_keys[] = {"id",          "name",      "source", "target",   "scope",
                                          "territories", "committee", "panel",  "in_force", "seizure_notice_days",
                                          NULL};
static const cli_column resolution_cols[] = {
    {"RESOLUTION", "number", 0}, {"DATE", "date", 0}, {"WHAT", "what", 60}, {NULL, NULL, 0}};
static const cli_column period_cols[] = {{"FROM", "from", 0},   {"UNTIL", "until", 0}, {"TARGET", "target", 0},
                                         {"SCOPE", "scope", 0}, {"NOTE", "note", 50},  {NULL, NULL, 0}};
static const cli_column procedure_cols[] = {
    {"PROCEDURE", "procedure", 0}, {"COVERS", "covers", 50}, {"DAYS", "period_days", 0}, {NULL, NULL, 0}};
static const cli_column version_cols[] = {
    {"SEQ", "seq", 0}, {"VERSION", "version", 0}, {"GENERATED", "generated", 0}, {NULL, NULL, 0}};
static const cli_column exemption_cols[] = {{"ID", "id", 0},
                                            {"REGIME", "regime", 0},
                                            {"PROCEDURE", "procedure", 0},
                                            {"STATE", "state", 0},
                                            {"SUPPLIER", "supplier", 30},
                                            {"VALID UNTIL", "valid_until", 0},
                                            {"REFERENCE", "committee_reference", 24},
                                            {NULL, NULL, 0}};
static const cli_column notice_cols[] = {{"ID", "id", 0},
                                         {"KIND", "kind", 0},
                                         {"REGIME", "regime", 0},
                                         {"ABOUT", "about_text", 0},
                                         {"DUE", "due", 0},
                                         {"STATE", "state", 0},
                                         {"OVERDUE", "overdue", 0},
                                         {"SENT", "sent_on", 0},
                                         {"REFERENCE", "reference", 24},
                                         {NULL, NULL, 0}};

/* Lines of words (an array of strings), each after "  - ". */
static void print_lines(const char *title, const json_t *list)
{
	if (!json_array_size(list))
		return;
	printf("\n%s (%zu)\n", title, json_array_size(list));
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_is_string(v)) {
			printf("  - %s\n", json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
			printf("  - %s\n", s ? s : "");
			free(s);
		}
	}
}

/* Notices with "about" as one word ("shipment SHP-..."), for a table. */
static json_t *notice_rows(const json_t *notices)
{
	json_t *rows = json_array();
	size_t i;
	const json_t *n;
	json_array_foreach(notices, i, n)
	{
		json_t *r = json_deep_copy(n);
		const json_t *about = json_object_get(n, "about");
		char text[128];
		snprintf(text, sizeof text, "%s %s", cli_text(about, "kind"), cli_text(about, "id"));
		json_object_set_new(r, "about_text", json_string(json_is_object(about) ? text : ""));
		json_array_append_new(rows, r);
	}
	return rows;
}

static void print_notices(const json_t *notices)
{
	json_t *rows = notice_rows(notices);
	cli_print_table(notice_cols, rows);
	json_decref(rows);
}

static void print_regime(const json_t *r)
{
	cli_print_words(regime_keys, r);
	const json_t *applies = json_object_get(r, "applies");
	if (json_is_object(applies))
		printf("applies: from %s%s%s, %s, %s\n", cli_text(applies, "from"),
		       *cli_text(applies, "until") ? " until " : "", cli_text(applies, "until"),
		       cli_text(applies, "target"), cli_text(applies, "scope"));
	else
		printf("applies: not on that date\n");
	cli_print_list("resolutions", resolution_cols, json_object_get(r, "resolutions"));
	cli_print_list("periods", period_cols, json_object_get(r, "periods"));
	cli_print_list("exemption procedures", procedure_cols, json_object_get(r, "procedures"));
	print_lines("not confirmed", json_object_get(r, "unconfirmed"));
	print_lines("sources", json_object_get(r, "sources"));
	if (json_object_get(r, "versions"))
		cli_print_list("versions of the reference file", version_cols, json_object_get(r, "versions"));
	if (json_object_get(r, "exemptions"))
		cli_print_list("exemptions", exemption_cols, json_object_get(r, "exemptions"));
	const json_t *notices = json_object_get(r, "notices");
	if (notices) {
		printf("\nnotices (%zu)\n", json_array_size(notices));
		if (json_array_size(notices))
			print_notices(notices);
	}
}

static void print_regimes(const json_t *rows)
{
	cli_print_rows(regime_cols, rows);
}

static const cli_view regime_view = {regime_keys, regime_cols, print_regime};
static const cli_view regime_list_view = {NULL, regime_cols, print_regimes};

static int call_regime_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_regime_list(db, out, cli_opt(a, "on"));
}

static int cmd_embargo_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam embargo list [--on D]");
	return cli_run(env, a, false, call_regime_list, NULL, &regime_list_view);
}

static int call_regime_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_regime_get(db, out, a->pos[0], cli_opt(a, "on"));
}

static int cmd_embargo_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam embargo show REGIME [--on D]");
	return cli_run(env, a, false, call_regime_show, NULL, &regime_view);
}

/* ---- check ---- */

static const cli_column check_cols[] = {{"REGIME", "id", 0},   {"NAME", "name", 40},           {"TARGET", "target", 0},
                                        {"SCOPE", "scope", 0}, {"REFERENCE", "reference", 30}, {NULL, NULL, 0}};

static void print_check(const json_t *c)
{
	const json_t *regimes = json_object_get(c, "regimes");
	if (json_is_true(json_object_get(c, "clear")))
		printf("%s on %s: no embargo applies\n", cli_text(c, "country"), cli_text(c, "date"));
	else
		printf("%s on %s: %zu embargo%s\n", cli_text(c, "country"), cli_text(c, "date"),
		       json_array_size(regimes), json_array_size(regimes) == 1 ? " applies" : "es apply");
	if (json_array_size(regimes))
		cli_print_rows(check_cols, regimes);
	const json_t *s = json_object_get(c, "screening");
	if (json_is_object(s)) {
		const json_t *f = json_object_get(s, "findings");
		if (json_is_true(json_object_get(s, "clear")))
			printf("party: clear\n");
		else
			printf("party: NOT clear, %zu finding%s\n", json_array_size(f),
			       json_array_size(f) == 1 ? "" : "s");
		cli_print_findings(f, "  ");
	}
}

static int call_check(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_embargo_check(db, out, a->pos[0], cli_opt(a, "on"), json_object_size(in) ? in : NULL);
}

static int cmd_embargo_check(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_check};
	if (a->npos != 1)
		return cli_usage(env,
		                 "usage: wam embargo check CC [--on D] [--party NAME] [--dob Y] [--nationality CC] "
		                 "[--government]");
	if (!cli_opt(a, "party") && (cli_opt(a, "dob") || cli_opt(a, "nationality") || cli_flag(a, "government")))
		return cli_usage(env, "--dob, --nationality and --government describe a party: give its --party NAME");
	json_t *party = json_object();
	if (cli_opt(a, "party")) {
		cli_set_opt(party, a, "party", "name");
		cli_set_opt(party, a, "dob", "dob");
		cli_set_opt(party, a, "nationality", "nationality");
		/* the party receives the goods in the country checked */
		json_object_set_new(party, "role", json_string("end_user"));
		json_object_set_new(party, "country", json_string(a->pos[0]));
		if (cli_flag(a, "government"))
			json_object_set_new(party, "government", json_true());
	}
	return cli_run(env, a, false, call_check, party, &view);
}

/* ---- the reference file ---- */

static void print_words_line(const char *what, const json_t *list)
{
	char buf[2048];
	size_t len = 0, i;
	const json_t *v;
	buf[0] = '\0';
	json_array_foreach(list, i, v)
	{
		int k = snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "",
		                 json_is_string(v) ? json_string_value(v) : cli_text(v, "id"));
		if (k < 0 || (size_t)k >= sizeof buf - len)
			break;
		len += (size_t)k;
	}
	printf("%-10s %zu%s%s\n", what, json_array_size(list), len ? ": " : "", buf);
}

static void print_regimes_import(const json_t *o)
{
	const json_t *version = json_object_get(o, "version");
	if (json_is_integer(version))
		printf("regimes file version %lld of %s imported\n", (long long)json_integer_value(version),
		       cli_text(o, "generated"));
	else
		printf("regimes file version %s of %s imported\n", cli_text(o, "version"), cli_text(o, "generated"));
	print_words_line("added", json_object_get(o, "added"));
	print_words_line("changed", json_object_get(o, "changed"));
	print_words_line("removed", json_object_get(o, "removed"));
	/* periods rewritten for days already past: the officer checks them (--json has old and new) */
	if (json_array_size(json_object_get(o, "history_changed")))
		print_words_line("history changed", json_object_get(o, "history_changed"));
	printf("%-10s %lld\n", "unchanged", (long long)json_integer_value(json_object_get(o, "unchanged")));
}

static int call_regimes_import(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_regimes_import_file(db, out, a->npos ? a->pos[0] : NULL);
}

static int cmd_embargo_import(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_regimes_import};
	if (a->npos > 1)
		return cli_usage(env, "usage: wam embargo import [FILE]");
	return cli_run(env, a, true, call_regimes_import, NULL, &view);
}

/* ---- national embargoes ---- */

static const char *const embargo_keys[] = {"id",    "country",   "reference",      "since",  "until", "scope",
                                           "notes", "lifted_on", "lift_reference", "active", NULL};
static const cli_view embargo_view = {embargo_keys, NULL, NULL};

static int call_embargo_record(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_embargo_record(db, out, in);
}

static int cmd_embargo_record(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {
	    {"country", "country"}, {"reference", "reference"}, {"since", "since"}, {"until", "until"},
	    {"scope", "scope"},     {"notes", "notes"},         {NULL, NULL}};
	int rc = 0;
	if (a->npos != 0)
		return cli_usage(env, "usage: wam embargo record --country CC --reference R --since D [--until D] "
		                      "[--scope supply|supply_and_procurement] [--notes T] | --from FILE|-");
	json_t *in = cli_body(env, a, "the embargo", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_embargo_record, in, &embargo_view);
}

static int call_embargo_lift(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_embargo_lift(db, out, a->pos[0], in);
}

static int cmd_embargo_lift(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam embargo lift ID --date D --reference R");
	json_t *in = json_object();
	cli_set_opt(in, a, "date", "date");
	cli_set_opt(in, a, "reference", "reference");
	return cli_run(env, a, true, call_embargo_lift, in, &embargo_view);
}

/* ---- exemptions ---- */

static const char *const exemption_keys[] = {"id",
                                             "regime",
                                             "procedure",
                                             "state",
                                             "notifying_state",
                                             "supplier",
                                             "manufacturer",
                                             "delivery_from",
                                             "delivery_until",
                                             "route",
                                             "valid_until",
                                             "notified_on",
                                             "committee_reference",
                                             "covers",
                                             "supporting_note",
                                             "notes",
                                             NULL};
static const cli_column item_cols[] = {{"DESCRIPTION", "description", 40},
                                       {"CATEGORY", "category", 0},
                                       {"QUANTITY", "quantity", 0},
                                       {"SERIALS", "serials", 40},
                                       {NULL, NULL, 0}};
static const cli_column decision_cols[] = {
    {"DECISION", "decision", 0}, {"DATE", "date", 0}, {"REFERENCE", "reference", 30}, {NULL, NULL, 0}};

static void print_exemption(const json_t *e)
{
	cli_print_words(exemption_keys, e);
	const json_t *eu = json_object_get(e, "end_user");
	if (json_is_object(eu))
		cli_print_joined(19, "end_user", cli_text(eu, "name"), cli_text(eu, "country"), NULL);
	const json_t *fits = json_object_get(e, "fits");
	if (json_is_boolean(fits)) {
		char on[32];
		snprintf(on, sizeof on, "fits on %s", cli_text(e, "fits_on"));
		cli_print_joined(19, on, json_is_true(fits) ? "yes" : "no", cli_text(e, "why"), NULL);
	}
	cli_print_list("items", item_cols, json_object_get(e, "items"));
	if (json_object_get(e, "decisions"))
		cli_print_list("decisions", decision_cols, json_object_get(e, "decisions"));
	const json_t *notices = json_object_get(e, "notices");
	if (notices) {
		printf("\nnotices (%zu)\n", json_array_size(notices));
		if (json_array_size(notices))
			print_notices(notices);
	}
}

static const cli_view exemption_view = {exemption_keys, exemption_cols, print_exemption};
static const cli_view exemption_list_view = {NULL, exemption_cols, NULL};

static int call_exemption_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_embargo_exemption_add(db, out, cli_opt(a, "regime"), in);
}

static int cmd_exemption_add(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "regime") || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam exemption add --regime R --from FILE|-");
	json_t *in = cli_body(env, a, "the exemption", NULL, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_exemption_add, in, &exemption_view);
}

static int call_exemption_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_exemption_list(db, out, cli_opt(a, "regime"));
}

static int cmd_exemption_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam exemption list [--regime R]");
	return cli_run(env, a, false, call_exemption_list, NULL, &exemption_list_view);
}

static int call_exemption_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_exemption_get(db, out, a->pos[0], cli_opt(a, "on"));
}

static int cmd_exemption_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam exemption show ID [--on D]");
	return cli_run(env, a, false, call_exemption_show, NULL, &exemption_view);
}

static int call_exemption_decide(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_embargo_exemption_decide(db, out, a->pos[0], in);
}

static int cmd_exemption_decide(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam exemption decide ID --decision "
		                      "no_objection|objection|approved|refused|notified --date D [--reference R]");
	json_t *in = json_object();
	cli_set_opt(in, a, "decision", "decision");
	cli_set_opt(in, a, "date", "date");
	cli_set_opt(in, a, "reference", "reference");
	return cli_run(env, a, true, call_exemption_decide, in, &exemption_view);
}

/* An HTML page of the library, written whole to standard output (inside
 * {"html": ...} with --json). */
typedef int (*html_fn)(wam_db *db, char **html, size_t *len, const char *id);

static int print_html(const cli_env *env, const cli_args *a, html_fn fn, const char *usage)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam %s", usage);
	wam_db *db;
	char *html = NULL;
	size_t n = 0;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = fn(db, &html, &n, a->pos[0]);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *o = json_object();
		json_object_set_new(o, "html", json_stringn(html, n));
		cli_print_json(o);
		json_decref(o);
	} else {
		fwrite(html, 1, n, stdout);
	}
	free(html);
	return 0;
}

static int cmd_exemption_notice(const cli_env *env, const cli_args *a)
{
	return print_html(env, a, wam_embargo_exemption_notice, "exemption notice ID > notice.html");
}

/* ---- notices ---- */

static const char *const notice_keys[] = {"id",      "kind",    "regime",    "about_text", "due", "state",
                                          "overdue", "sent_on", "reference", "notes",      NULL};

static void print_notice(const json_t *n)
{
	json_t *rows = json_array();
	json_array_append(rows, (json_t *)n);
	json_t *shown = notice_rows(rows);
	cli_print_words(notice_keys, json_array_get(shown, 0));
	json_decref(shown);
	json_decref(rows);
	static const cli_column notice_item_cols[] = {
	    {"ITEM", "item_id", 0}, {"QUANTITY", "quantity", 0}, {NULL, NULL, 0}};
	const json_t *items = json_object_get(n, "items");
	if (json_is_array(items))
		cli_print_list("items", notice_item_cols, items);
}

static const cli_view notice_view = {notice_keys, notice_cols, print_notice};
static const cli_view notice_list_view = {NULL, NULL, print_notices};

static int call_notice_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_notice_list(db, out, cli_opt(a, "state"));
}

static int cmd_notice_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam notice list [--state due|sent]");
	return cli_run(env, a, false, call_notice_list, NULL, &notice_list_view);
}

static int call_notice_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_embargo_notice_get(db, out, a->pos[0]);
}

static int cmd_notice_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam notice show ID");
	return cli_run(env, a, false, call_notice_show, NULL, &notice_view);
}

static int call_notice_sent(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_embargo_notice_sent(db, out, a->pos[0], in);
}

static int cmd_notice_sent(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam notice sent ID --date D --reference R [--notes T]");
	json_t *in = json_object();
	cli_set_opt(in, a, "date", "date");
	cli_set_opt(in, a, "reference", "reference");
	cli_set_opt(in, a, "notes", "notes");
	return cli_run(env, a, true, call_notice_sent, in, &notice_view);
}

static int cmd_notice_document(const cli_env *env, const cli_args *a)
{
	return print_html(env, a, wam_embargo_notice_document, "notice document ID > notice.html");
}

/* ---- the table ---- */

static const char *const on_valued[] = {"on", NULL};
static const char *const check_valued[] = {"on", "party", "dob", "nationality", NULL};
static const char *const check_flags[] = {"government", NULL};
static const char *const record_valued[] = {"from", "country", "reference", "since", "until", "scope", "notes", NULL};
static const char *const lift_valued[] = {"date", "reference", NULL};
static const char *const exemption_add_valued[] = {"regime", "from", NULL};
static const char *const regime_valued[] = {"regime", NULL};
static const char *const decide_valued[] = {"decision", "date", "reference", NULL};
static const char *const state_valued[] = {"state", NULL};
static const char *const sent_valued[] = {"date", "reference", "notes", NULL};

const cli_command cli_embargo_commands[] = {
    {"embargo list", on_valued, no_opts, cmd_embargo_list, "embargo list [--on D]",
     "every regime, the Security Council's and the national embargoes, in force or not on a date (today)"},
    {"embargo show", on_valued, no_opts, cmd_embargo_show, "embargo show REGIME [--on D]",
     "a regime: resolutions, periods, exemption procedures, what is not confirmed, its exemptions and notices"},
    {"embargo check", check_valued, check_flags, cmd_embargo_check,
     "embargo check CC [--on D] [--party NAME] [--dob Y] [--nationality CC] [--government]",
     "what applies to a transfer to a country on a date, and the screening of a party there"},
    {"embargo import", no_opts, no_opts, cmd_embargo_import, "embargo import [FILE]",
     "import a regimes reference file (without FILE: the one wam ships)"},
    {"embargo record", record_valued, no_opts, cmd_embargo_record,
     "embargo record --country CC --reference R --since D [--until D] [--scope supply|supply_and_procurement] "
     "[--notes T] | --from FILE|-",
     "record a national arms embargo on a country"},
    {"embargo lift", lift_valued, no_opts, cmd_embargo_lift, "embargo lift ID --date D --reference R",
     "lift a national embargo"},
    {"exemption add", exemption_add_valued, no_opts, cmd_exemption_add, "exemption add --regime R --from FILE|-",
     "record an exemption under a regime (docs/formats/exemption.md)"},
    {"exemption list", regime_valued, no_opts, cmd_exemption_list, "exemption list [--regime R]",
     "exemptions, newest first"},
    {"exemption show", on_valued, no_opts, cmd_exemption_show, "exemption show ID [--on D]",
     "an exemption, whether a supply may go ahead under it on a date (today), and its notices"},
    {"exemption decide", decide_valued, no_opts, cmd_exemption_decide,
     "exemption decide ID --decision no_objection|objection|approved|refused|notified --date D [--reference R]",
     "record the notification sent or the committee's answer"},
    {"exemption notice", no_opts, no_opts, cmd_exemption_notice, "exemption notice ID > notice.html",
     "the notification to the committee, as an HTML page"},
    {"notice list", state_valued, no_opts, cmd_notice_list, "notice list [--state due|sent]",
     "notices to a sanctions committee, due (the overdue first) then sent"},
    {"notice show", no_opts, no_opts, cmd_notice_show, "notice show ID", "one notice"},
    {"notice sent", sent_valued, no_opts, cmd_notice_sent, "notice sent ID --date D --reference R [--notes T]",
     "record that a notice was sent"},
    {"notice document", no_opts, no_opts, cmd_notice_document, "notice document ID > notice.html",
     "the notice as an HTML page"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
