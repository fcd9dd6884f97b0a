/* Stock checks: wam stock open | see | feed | close | show | list |
 * investigations | resolve (docs/stock.md, "Stock checks"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/auth.h"
#include "wam/stock.h"

static const char *const no_opts[] = {NULL};

static const cli_column check_cols[] = {{"ID", "id", 0},          {"TYPE", "type", 0},
                                        {"SITE", "site_id", 0},   {"STATUS", "status", 0},
                                        {"EXPECTED", "expected", 0}, {"READS", "distinct_reads", 0},
                                        {"OPENED", "opened_at", 0}, {NULL, NULL, 0}};
static const cli_column inv_cols[] = {{"ID", "id", 0},          {"CHECK", "check_id", 0}, {"KIND", "kind", 0},
                                      {"WEAPON", "item_id", 0}, {"SERIAL", "serial", 16}, {"READ", "read", 16},
                                      {"AT", "registered_site", 0}, {"STATUS", "status", 0},
                                      {"OUTCOME", "outcome", 0}, {NULL, NULL, 0}};
static const char *const check_keys[] = {"id",      "type",      "site_id",   "sites",          "status",
                                         "checkers", "seed",     "sample_size", "population",   "expected",
                                         "reads",   "distinct_reads", "opened_at", "opened_by", "closed_at",
                                         "closed_by", "notes",   NULL};

static void print_check(const json_t *c)
{
	cli_print_record(check_keys, c);
	const json_t *rec = json_object_get(c, "reconciliation");
	if (!rec)
		return;
	static const char *const kinds[] = {"missing", "wrong_location", "unexpected", "quantity", NULL};
	static const cli_column cols[] = {{"INVESTIGATION", "investigation_id", 0},
	                                  {"WEAPON", "item_id", 0},
	                                  {"SERIAL", "serial", 20},
	                                  {"READ", "read", 20},
	                                  {"REGISTERED AT", "registered_site", 0},
	                                  {"LOT", "lot_id", 0},
	                                  {"EXPECTED", "expected_qty", 0},
	                                  {"COUNTED", "counted_qty", 0},
	                                  {NULL, NULL, 0}};
	for (int i = 0; kinds[i]; i++) {
		const json_t *list = json_object_get(rec, kinds[i]);
		printf("\n%s: %zu\n", kinds[i], json_array_size(list));
		if (json_array_size(list))
			cli_print_table(cols, list);
	}
}

static const cli_view check_view = {.print = print_check};

/* Splits "a,b,c" into a JSON array of the non-empty parts. */
static json_t *split_list(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (n)
			json_array_append_new(a, json_stringn(s, n));
		s += n;
		if (*s == ',')
			s++;
	}
	return a;
}

static int number(const cli_env *env, const char *opt, const char *v, json_t *o, const char *key, bool real)
{
	char *end;
	errno = 0;
	if (real) {
		double x = strtod(v, &end);
		if (end == v || *end || errno)
			return cli_usage(env, "--%s must be a number, not '%s'", opt, v);
		json_object_set_new(o, key, json_real(x));
	} else {
		long long x = strtoll(v, &end, 10);
		if (end == v || *end || errno)
			return cli_usage(env, "--%s must be a whole number, not '%s'", opt, v);
		json_object_set_new(o, key, json_integer(x));
	}
	return 0;
}

static const char *const open_valued[] = {"site", "type", "checkers", "sample", "fraction", "seed", "notes", NULL};
static const char *const open_flags[] = {"subsites", NULL};

static int call_open(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_stock_check_open(db, out, in);
}

static int cmd_open(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0 || !cli_opt(a, "site") || !cli_opt(a, "type") || !cli_opt(a, "checkers"))
		return cli_usage(env, "usage: wam stock open --site ID --type FULL_SERIAL|QUANTITY|RANDOM_SAMPLE"
		                      " --checkers USER,USER [--subsites] [--sample N | --fraction F] [--seed N]");
	json_t *in = json_pack("{s:s, s:s, s:o, s:b}", "site_id", cli_opt(a, "site"), "type", cli_opt(a, "type"),
	                       "checkers", split_list(cli_opt(a, "checkers")), "subsites", cli_flag(a, "subsites"));
	int rc = 0;
	if (cli_opt(a, "notes"))
		json_object_set_new(in, "notes", json_string(cli_opt(a, "notes")));
	if ((cli_opt(a, "sample") && (rc = number(env, "sample", cli_opt(a, "sample"), in, "sample_size", false))) ||
	    (cli_opt(a, "fraction") &&
	     (rc = number(env, "fraction", cli_opt(a, "fraction"), in, "sample_fraction", true))) ||
	    (cli_opt(a, "seed") && (rc = number(env, "seed", cli_opt(a, "seed"), in, "seed", false)))) {
		json_decref(in);
		return rc;
	}
	return cli_run(env, a, true, call_open, in, &check_view);
}

static void print_fed(const json_t *r)
{
	printf("%lld reads, %lld new, %lld seen before\n", json_integer_value(json_object_get(r, "reads")),
	       json_integer_value(json_object_get(r, "new")), json_integer_value(json_object_get(r, "duplicates")));
}

static const char *const see_valued[] = {"method", NULL};
static const char *const see_flags[] = {"scanned", NULL};

static int call_see(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	const char *method = cli_opt(a, "method") ? cli_opt(a, "method")
	                                          : (cli_flag(a, "scanned") ? WAM_READ_SCANNED : WAM_READ_TYPED);
	return wam_stock_check_see(db, out, a->pos[0], method, (const char *const *)(a->pos + 1), (size_t)a->npos - 1);
}

static int cmd_see(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_fed};
	if (a->npos < 2)
		return cli_usage(env, "usage: wam stock see CHECK SERIAL|ID... [--scanned | --method typed|scanned|rfid]");
	return cli_run(env, a, true, call_see, NULL, &view);
}

static int cmd_feed(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_fed};
	if (a->npos < 1 || a->npos > 2)
		return cli_usage(env, "usage: wam stock feed CHECK [FILE|-] [--method rfid|scanned|typed] < reads.txt");
	FILE *in = stdin;
	if (a->npos == 2 && strcmp(a->pos[1], "-") && !(in = fopen(a->pos[1], "r"))) {
		fprintf(stderr, "wam: cannot read %s: %s\n", a->pos[1], strerror(errno));
		return 6;
	}
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = wam_stock_check_feed(db, &out, a->pos[0], cli_opt(a, "method") ? cli_opt(a, "method") : WAM_READ_RFID,
		                          in);
		rc = cli_show(env, rc, out, &view);
		wam_db_close(db);
	}
	if (in != stdin)
		fclose(in);
	return rc;
}

static int call_close(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_check_close(db, out, a->pos[0]);
}

static int cmd_close(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam stock close CHECK");
	return cli_run(env, a, true, call_close, NULL, &check_view);
}

static int call_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_check_get(db, out, a->pos[0]);
}

static int cmd_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam stock show CHECK");
	return cli_run(env, a, false, call_show, NULL, &check_view);
}

static const char *const list_valued[] = {"site", NULL};

static int call_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_check_list(db, out, cli_opt(a, "site"), NULL, 0);
}

static int cmd_list(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.cols = check_cols};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam stock list [--site ID]");
	return cli_run(env, a, false, call_list, NULL, &view);
}

static const char *const inv_valued[] = {"check", NULL};
static const char *const inv_flags[] = {"all", NULL};

static int call_investigations(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_investigation_list(db, out, cli_opt(a, "check"), cli_flag(a, "all"), NULL, 0);
}

static int cmd_investigations(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.cols = inv_cols};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam stock investigations [--check CHECK] [--all]");
	return cli_run(env, a, false, call_investigations, NULL, &view);
}

static const char *const resolve_valued[] = {"outcome", "where", "reason", NULL};

static int cmd_resolve(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || !cli_opt(a, "outcome"))
		return cli_usage(env, "usage: wam stock resolve INVESTIGATION --outcome found|written_off|lost|stolen"
		                      " [--where PLACE] [--reason TEXT] (the resolver is who runs it: the"
		                      " operating-system account, or --as USER)");
	wam_db *db;
	json_t *out = NULL, *in = json_pack("{s:s}", "outcome", cli_opt(a, "outcome"));
	if (cli_opt(a, "where"))
		json_object_set_new(in, "where", json_string(cli_opt(a, "where")));
	if (cli_opt(a, "reason"))
		json_object_set_new(in, "reason", json_string(cli_opt(a, "reason")));
	int rc = cli_open(env, &db, true);
	if (rc) {
		json_decref(in);
		return rc;
	}
	/* the resolver is the authenticated actor, never a name typed */
	rc = wam_stock_investigation_resolve(db, &out, a->pos[0], in, cli_principal(env));
	json_decref(in);
	static const char *const keys[] = {"id",      "check_id", "kind",  "item_id",     "serial",      "read",
	                                   "status",  "outcome",  "where", "reason",      "resolved_at", "resolved_by",
	                                   NULL};
	static const cli_view view = {.keys = keys};
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

const cli_command cli_check_commands[] = {
	{"stock open", open_valued, open_flags, cmd_open,
	 "stock open --site ID --type FULL_SERIAL|QUANTITY|RANDOM_SAMPLE --checkers U1,U2 [--subsites] [--sample N|--fraction F] [--seed N]",
	 "open a stock check; its expected list is fixed now"},
	{"stock see", see_valued, see_flags, cmd_see, "stock see CHECK SERIAL|ID... [--scanned]",
	 "record weapons seen in a check (typed or scanned)"},
	{"stock feed", see_valued, no_opts, cmd_feed, "stock feed CHECK [FILE] [--method rfid|scanned|typed]",
	 "record a stream of reads, one a line (RFID or barcode)"},
	{"stock close", no_opts, no_opts, cmd_close, "stock close CHECK", "close a check and reconcile it"},
	{"stock show", no_opts, no_opts, cmd_show, "stock show CHECK", "show a check and its reconciliation"},
	{"stock list", list_valued, no_opts, cmd_list, "stock list [--site ID]", "list stock checks"},
	{"stock investigations", inv_valued, inv_flags, cmd_investigations,
	 "stock investigations [--check CHECK] [--all]", "list open (or all) discrepancy investigations"},
	{"stock resolve", resolve_valued, no_opts, cmd_resolve,
	 "stock resolve INV --outcome found|written_off|lost|stolen [--where W] [--reason R]",
	 "resolve a discrepancy (registrar or admin, not a checker)"},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};
