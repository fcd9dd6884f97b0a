/* Stock commands: site trees and weapon moves, ammunition lots, custody. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/stock.h"

static const char *const no_opts[] = {NULL};

/* ---- sites and moves ---- */

static const cli_column tree_cols[] = {{"ID", "id", 0},       {"KIND", "kind", 0},   {"PATH", "path", 60},
                                       {"WEAPONS", "items", 0}, {"LOTS", "lots", 0}, {NULL, NULL, 0}};
static const cli_view tree_view = {NULL, tree_cols, NULL};

static int call_tree(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_site_tree(db, out, a->pos[0]);
}

static int cmd_site_tree(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam site tree ID");
	return cli_run(env, a, false, call_tree, NULL, &tree_view);
}

static void print_moved(const json_t *item)
{
	printf("%s is now at site %s\n", json_string_value(json_object_get(item, "id")),
	       json_string_value(json_object_get(item, "site_id")));
}

static int call_move(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_stock_item_move(db, out, a->pos[0], in);
}

static int cmd_item_move(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_moved};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam item move ID --to SITE --reason TEXT [--document D]");
	json_t *m = json_object();
	cli_set_opt(m, a, "to", "to");
	cli_set_opt(m, a, "reason", "reason");
	cli_set_opt(m, a, "document", "document");
	return cli_run(env, a, true, call_move, m, &view);
}

/* ---- lots ---- */

static const cli_column lot_cols[] = {{"ID", "id", 0},           {"LOT", "lot_number", 20}, {"CALIBRE", "calibre", 16},
                                      {"NOMENCLATURE", "nomenclature", 30}, {"ROUNDS", "rounds", 0},
                                      {"HD", "hazard_division", 0}, {"CG", "compat_group", 0},
                                      {"CONDITION", "condition", 0}, {"EXPIRY", "expiry", 0}, {"SITE", "site_id", 0},
                                      {NULL, NULL, 0}};
static const char *const lot_keys[] = {"id",           "parent_id",    "nomenclature", "calibre",     "type",
                                       "manufacturer", "headstamp",    "country",      "lot_number",  "batch_number",
                                       "year",         "rounds",       "packages",     "hazard_division",
                                       "compat_group", "neq_g",        "neq_total_g",  "condition",   "expiry",
                                       "surveillance", "site_id",      "notes",        NULL};
/* A lot, and where its rounds came from when they were recovered. */
static void print_lot(const json_t *r)
{
	const json_t *origin = json_object_get(r, "origin");
	if (json_is_array(r)) {
		cli_print_table(lot_cols, r);
		return;
	}
	cli_print_record(lot_keys, r);
	if (origin)
		printf("%-17s recovery %s, ammunition line %lld\n", "origin",
		       json_string_value(json_object_get(origin, "recovery_id")),
		       (long long)json_integer_value(json_object_get(origin, "line")));
}
static const cli_view lot_view = {lot_keys, lot_cols, print_lot};

/* Option name → lot field, for `lot add`. */
static const char *const lot_opts[][2] = {
	{"nomenclature", "nomenclature"}, {"calibre", "calibre"},   {"type", "type"},
	{"manufacturer", "manufacturer"}, {"headstamp", "headstamp"}, {"country", "country"},
	{"lot", "lot_number"},            {"batch", "batch_number"}, {"year", "year"},
	{"rounds", "rounds"},             {"packages", "packages"}, {"hazard", "hazard_division"},
	{"group", "compat_group"},        {"neq", "neq_g"},         {"condition", "condition"},
	{"expiry", "expiry"},             {"surveillance", "surveillance"}, {"site", "site_id"},
	{"document", "document"},         {"notes", "notes"},       {NULL, NULL}};

static int call_lot_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_stock_lot_add(db, out, in);
}

static int cmd_lot_add(const cli_env *env, const cli_args *a)
{
	json_t *lot;
	const char *from = cli_opt(a, "from");
	if (a->npos != 0)
		return cli_usage(env, "usage: wam lot add --nomenclature N --lot L --rounds N --hazard 1.x --group G --site S "
		                      "... | --from FILE|-");
	if (from) {
		int rc = 0;
		if (!(lot = cli_read_json(env, from, &rc)))
			return rc;
	} else {
		lot = json_object();
		for (int i = 0; lot_opts[i][0]; i++)
			cli_set_opt(lot, a, lot_opts[i][0], lot_opts[i][1]);
	}
	return cli_run(env, a, true, call_lot_add, lot, &lot_view);
}

static int call_lot_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_lot_get(db, out, a->pos[0]);
}

static int cmd_lot_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam lot show ID");
	return cli_run(env, a, false, call_lot_show, NULL, &lot_view);
}

static int call_lot_history(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_lot_history(db, out, a->pos[0]);
}

static int cmd_lot_history(const cli_env *env, const cli_args *a)
{
	static const cli_column cols[] = {{"SEQ", "seq", 0},          {"TIME", "time", 0},         {"ACTOR", "actor", 20},
	                                  {"ROUNDS", "rounds_change", 0}, {"DOCUMENT", "document", 20}, {"WHAT", "summary", 60},
	                                  {NULL, NULL, 0}};
	static const cli_view view = {NULL, cols, NULL};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam lot history ID");
	return cli_run(env, a, false, call_lot_history, NULL, &view);
}

static int call_lot_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	wam_lot_filter f = {.site_id = cli_opt(a, "site"), .condition = cli_opt(a, "condition")};
	return wam_stock_lot_list(db, out, &f);
}

static int cmd_lot_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam lot list [--site ID] [--condition C]");
	return cli_run(env, a, false, call_lot_list, NULL, &lot_view);
}

static int call_lot_change(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	const char *kind = json_string_value(json_object_get(in, "_kind"));
	char what[16];
	snprintf(what, sizeof what, "%s", kind);
	json_object_del(in, "_kind");
	if (!strcmp(what, "receive"))
		return wam_stock_lot_receive(db, out, a->pos[0], in);
	if (!strcmp(what, "issue"))
		return wam_stock_lot_issue(db, out, a->pos[0], in);
	if (!strcmp(what, "split"))
		return wam_stock_lot_split(db, out, a->pos[0], in);
	return wam_stock_lot_condition(db, out, a->pos[0], in);
}

static int lot_change(const cli_env *env, const cli_args *a, const char *kind, const char *usage)
{
	if (a->npos != (strcmp(kind, "condition") ? 1 : 2))
		return cli_usage(env, "usage: wam lot %s", usage);
	json_t *in = json_pack("{s:s}", "_kind", kind);
	cli_set_opt(in, a, "rounds", "rounds");
	cli_set_opt(in, a, "packages", "packages");
	cli_set_opt(in, a, "document", "document");
	cli_set_opt(in, a, "source", "source");
	cli_set_opt(in, a, "recipient", "recipient");
	cli_set_opt(in, a, "site", "site_id");
	cli_set_opt(in, a, "reason", "reason");
	if (!strcmp(kind, "condition"))
		json_object_set_new(in, "condition", json_string(a->pos[1]));
	return cli_run(env, a, true, call_lot_change, in, &lot_view);
}

static int cmd_lot_receive(const cli_env *env, const cli_args *a)
{
	return lot_change(env, a, "receive", "receive ID --rounds N [--packages N] --document D [--source S]");
}

static int cmd_lot_issue(const cli_env *env, const cli_args *a)
{
	return lot_change(env, a, "issue", "issue ID --rounds N [--packages N] --recipient R --document D");
}

static int cmd_lot_split(const cli_env *env, const cli_args *a)
{
	return lot_change(env, a, "split", "split ID --rounds N --site SITE [--packages N] [--document D]");
}

static int cmd_lot_condition(const cli_env *env, const cli_args *a)
{
	return lot_change(env, a, "condition", "condition ID CONDITION --reason TEXT [--document D]");
}

static int call_lot_expiring(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	const char *d = cli_opt(a, "days");
	char *end = NULL;
	long days = d ? strtol(d, &end, 10) : 90;
	if (d && (end == d || *end || days < 0 || days > 36500))
		return wam_error_set(WAM_EINVAL, "days", "--days '%.20s' is not a number of days (0 to 36500)", d);
	wam_lot_filter f = {.site_id = cli_opt(a, "site")};
	return wam_stock_lot_expiring(db, out, (int)days, cli_opt(a, "as-of"), &f);
}

static int cmd_lot_expiring(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam lot expiring [--days N] [--as-of YYYY-MM-DD] [--site ID]");
	return cli_run(env, a, false, call_lot_expiring, NULL, &lot_view);
}

static void print_compat(const json_t *r)
{
	size_t i, k;
	json_t *v, *l;
	printf("site %s: groups present ", json_string_value(json_object_get(r, "site_id")));
	json_array_foreach(json_object_get(r, "groups"), i, v) printf("%s%s", i ? " " : "", json_string_value(v));
	printf("%s\n", json_array_size(json_object_get(r, "groups")) ? "" : "none");
	json_array_foreach(json_object_get(r, "violations"), i, v)
	{
		printf("FORBIDDEN %s: %s\n", json_string_value(json_object_get(v, "groups")),
		       json_string_value(json_object_get(v, "note")));
		json_array_foreach(json_object_get(v, "lots"), k, l)
			printf("    lot %s (%s) group %s  %s\n", json_string_value(json_object_get(l, "lot_number")),
			       json_string_value(json_object_get(l, "id")), json_string_value(json_object_get(l, "compat_group")),
			       json_string_value(json_object_get(l, "nomenclature")));
	}
	json_array_foreach(json_object_get(r, "conditions"), i, v)
		printf("CONDITIONAL %s: %s\n", json_string_value(json_object_get(v, "groups")),
		       json_string_value(json_object_get(v, "note")));
	printf("%s (%s)\n", json_is_true(json_object_get(r, "compatible")) ? "compatible" : "NOT compatible",
	       json_string_value(json_object_get(r, "source")));
}

static int call_compat(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_site_compatibility(db, out, a->pos[0]);
}

static int cmd_lot_check_compat(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_compat};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam lot check-compat SITE");
	int rc = cli_run(env, a, false, call_compat, NULL, &view);
	return rc;
}

/* ---- custody ---- */

static const cli_column custody_cols[] = {
	{"ID", "id", 0},         {"WEAPON", "item_id", 0},           {"SERIAL", "serial", 16},
	{"HOLDER", "holder_name", 24}, {"PERSON", "person", 20},     {"UNIT", "unit", 16},
	{"STATE", "state", 0},   {"RETURN BY", "expected_return", 0}, {"ISSUED BY", "issued_by", 16},
	{NULL, NULL, 0}};
static const char *const custody_keys[] = {"id",         "item_id",      "serial",       "holder_id",  "holder_name",
                                           "person",     "unit",         "state",        "two_person", "expected_return",
                                           "purpose",    "document",     "issued_at",    "issued_by",  "confirmed_at",
                                           "confirmed_by", "returned_at", "returned_by", "return_note", NULL};
static const cli_view custody_view = {custody_keys, custody_cols, NULL};

static int call_rule(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	const char *v = cli_opt(a, "two-person");
	if (!v || (strcmp(v, "on") && strcmp(v, "off")))
		return wam_error_set(WAM_EINVAL, "two-person", "--two-person must be on or off");
	return wam_stock_custody_rule(db, out, a->pos[0], !strcmp(v, "on"));
}

static int cmd_custody_rule(const cli_env *env, const cli_args *a)
{
	static const char *const keys[] = {"site_id", "two_person", NULL};
	static const cli_view view = {keys, NULL, NULL};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam custody rule SITE --two-person on|off");
	return cli_run(env, a, true, call_rule, NULL, &view);
}

static int call_issue(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_stock_custody_issue(db, out, in);
}

static int cmd_custody_issue(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam custody issue WEAPON (--holder ID | --person NAME --unit UNIT) "
		                      "--return YYYY-MM-DD [--purpose P] [--document D] [--two-person]");
	json_t *in = json_pack("{s:s}", "item_id", a->pos[0]);
	cli_set_opt(in, a, "holder", "holder_id");
	cli_set_opt(in, a, "person", "person");
	cli_set_opt(in, a, "unit", "unit");
	cli_set_opt(in, a, "return", "expected_return");
	cli_set_opt(in, a, "purpose", "purpose");
	cli_set_opt(in, a, "document", "document");
	if (cli_flag(a, "two-person"))
		json_object_set_new(in, "two_person", json_true());
	return cli_run(env, a, true, call_issue, in, &custody_view);
}

static int call_confirm(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_custody_confirm(db, out, a->pos[0]);
}

static int cmd_custody_confirm(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam custody confirm CUSTODY-ID");
	return cli_run(env, a, true, call_confirm, NULL, &custody_view);
}

static int call_return(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_stock_custody_return(db, out, a->pos[0], in);
}

static int cmd_custody_return(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam custody return WEAPON [--note TEXT]");
	json_t *in = json_object();
	cli_set_opt(in, a, "note", "note");
	return cli_run(env, a, true, call_return, in, &custody_view);
}

static int call_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_custody_list(db, out, cli_opt(a, "state"), cli_opt(a, "item"), NULL, 0);
}

static int cmd_custody_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam custody list [--state pending|open|returned] [--item ID]");
	return cli_run(env, a, false, call_list, NULL, &custody_view);
}

static int call_overdue(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_stock_custody_overdue(db, out, cli_opt(a, "as-of"), NULL, 0);
}

static int cmd_custody_overdue(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam custody overdue [--as-of YYYY-MM-DD]");
	return cli_run(env, a, false, call_overdue, NULL, &custody_view);
}

static const char *const move_valued[] = {"to", "reason", "document", NULL};
static const char *const lot_add_valued[] = {"nomenclature", "calibre", "type",   "manufacturer", "headstamp",
                                             "country",      "lot",     "batch",  "year",         "rounds",
                                             "packages",     "hazard",  "group",  "neq",          "condition",
                                             "expiry",       "surveillance", "site", "document",  "notes",
                                             "from",         NULL};
static const char *const lot_list_valued[] = {"site", "condition", NULL};
static const char *const lot_receive_valued[] = {"rounds", "packages", "document", "source", NULL};
static const char *const lot_issue_valued[] = {"rounds", "packages", "recipient", "document", NULL};
static const char *const lot_split_valued[] = {"rounds", "packages", "site", "document", NULL};
static const char *const lot_condition_valued[] = {"reason", "document", NULL};
static const char *const lot_expiring_valued[] = {"days", "as-of", "site", NULL};
static const char *const rule_valued[] = {"two-person", NULL};
static const char *const issue_valued[] = {"holder", "person", "unit", "return", "purpose", "document", NULL};
static const char *const issue_flags[] = {"two-person", NULL};
static const char *const return_valued[] = {"note", NULL};
static const char *const custody_list_valued[] = {"state", "item", NULL};
static const char *const overdue_valued[] = {"as-of", NULL};

const cli_command cli_stock_commands[] = {
	{"site tree", no_opts, no_opts, cmd_site_tree, "site tree ID", "a site and every site within it"},
	{"item move", move_valued, no_opts, cmd_item_move, "item move ID --to SITE --reason TEXT [--document D]",
	 "move a weapon to another site"},
	{"lot add", lot_add_valued, no_opts, cmd_lot_add,
	 "lot add --nomenclature N --lot L --rounds N --hazard 1.x --group G --site S ... | --from FILE|-",
	 "record an ammunition lot"},
	{"lot show", no_opts, no_opts, cmd_lot_show, "lot show ID", "show an ammunition lot"},
	{"lot history", no_opts, no_opts, cmd_lot_history, "lot history ID",
	 "every receipt, issue, split and condition change of a lot, with its documents"},
	{"lot list", lot_list_valued, no_opts, cmd_lot_list, "lot list [--site ID] [--condition C]",
	 "list ammunition lots (--condition SUSPENDED: suspended lots)"},
	{"lot receive", lot_receive_valued, no_opts, cmd_lot_receive,
	 "lot receive ID --rounds N [--packages N] --document D [--source S]", "add rounds to a lot"},
	{"lot issue", lot_issue_valued, no_opts, cmd_lot_issue,
	 "lot issue ID --rounds N [--packages N] --recipient R --document D", "take rounds out of a lot"},
	{"lot split", lot_split_valued, no_opts, cmd_lot_split, "lot split ID --rounds N --site SITE [--packages N]",
	 "move part of a lot to another site, keeping its identity"},
	{"lot condition", lot_condition_valued, no_opts, cmd_lot_condition,
	 "lot condition ID CONDITION --reason TEXT", "change a lot's condition code"},
	{"lot expiring", lot_expiring_valued, no_opts, cmd_lot_expiring,
	 "lot expiring [--days N] [--as-of YYYY-MM-DD] [--site ID]", "lots whose shelf life ends within N days (90)"},
	{"lot check-compat", no_opts, no_opts, cmd_lot_check_compat, "lot check-compat SITE",
	 "compatibility groups stored together at a site against the mixing table"},
	{"custody rule", rule_valued, no_opts, cmd_custody_rule, "custody rule SITE --two-person on|off",
	 "whether issues from a site need a second person to confirm"},
	{"custody issue", issue_valued, issue_flags, cmd_custody_issue,
	 "custody issue WEAPON (--holder ID | --person NAME --unit UNIT) --return DATE [--two-person]",
	 "issue a weapon from store"},
	{"custody confirm", no_opts, no_opts, cmd_custody_confirm, "custody confirm CUSTODY-ID",
	 "confirm a pending issue (another person than the issuer)"},
	{"custody return", return_valued, no_opts, cmd_custody_return, "custody return WEAPON [--note TEXT]",
	 "take an issued weapon back into store"},
	{"custody list", custody_list_valued, no_opts, cmd_custody_list,
	 "custody list [--state pending|open|returned] [--item ID]", "who holds which weapon"},
	{"custody overdue", overdue_valued, no_opts, cmd_custody_overdue, "custody overdue [--as-of DATE]",
	 "issued weapons past their expected return"},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};
