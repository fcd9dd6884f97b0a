/* Registry commands: init, sites, holders, weapons, import, export, demo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wam/trace.h"

static const char *const no_opts[] = {NULL};

/* ---- init ---- */

static int cmd_init(const cli_env *env, const cli_args *a)
{
	wam_init_opts o = {.country = cli_opt(a, "country"), .name = cli_opt(a, "name")};
	wam_db *db;
	int rc = wam_db_create(&db, env->db_path, &o);
	if (rc)
		return cli_fail(env, rc);
	if (env->json) {
		json_t *j = json_pack("{s:s, s:s}", "db", env->db_path, "node_id", wam_db_node_id(db));
		cli_print_json(j);
		json_decref(j);
	} else {
		printf("created registry %s\nnode id   %s\nnode key  %s.key (keep it private; it signs the ledger)\n",
		       env->db_path, wam_db_node_id(db), env->db_path);
	}
	wam_db_close(db);
	return 0;
}

/* ---- running a libwam call ---- */

/* A libwam read of the record `id` names; the reads of whole lists are
 * adapted to it and ignore `id`. */
typedef int (*read_fn)(wam_db *db, json_t **out, const char *id);

/* Opens the registry read-only, reads with `fetch` and shows the result.
 * Returns the exit code. */
static int run_read(const cli_env *env, read_fn fetch, const char *id, const cli_view *view)
{
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = fetch(db, &out, id);
	rc = cli_show(env, rc, out, view);
	wam_db_close(db);
	return rc;
}

/* A libwam call that registers the record `in` describes. */
typedef int (*add_fn)(wam_db *db, json_t **out, const json_t *in);

/* Opens the registry for writing, registers `in` (which it frees) with `add`
 * and shows the new record. Returns the exit code. */
static int run_add(const cli_env *env, add_fn add, json_t *in, const cli_view *view)
{
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (rc)
		goto done;
	rc = add(db, &out, in);
	rc = cli_show(env, rc, out, view);
	wam_db_close(db);
done:
	json_decref(in);
	return rc;
}

/* ---- sites and holders ---- */

static const cli_column site_cols[] = {
    {"ID", "id", 0},   {"NAME", "name", 40}, {"KIND", "kind", 0}, {"COUNTRY", "country", 0},
    {"LAT", "lat", 0}, {"LON", "lon", 0},    {NULL, NULL, 0}};
static const char *const site_keys[] = {"id", "name", "kind", "country", "lat", "lon", "parent_id", "notes", NULL};
static const cli_view site_view = {site_keys, site_cols, NULL};

static int cmd_site_add(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam site add NAME --kind KIND [--country CC] [--lat X] [--lon Y]");
	json_t *s = json_pack("{s:s}", "name", a->pos[0]);
	cli_set_opt(s, a, "kind", "kind");
	cli_set_opt(s, a, "country", "country");
	cli_set_opt(s, a, "lat", "lat");
	cli_set_opt(s, a, "lon", "lon");
	cli_set_opt(s, a, "parent", "parent_id");
	cli_set_opt(s, a, "notes", "notes");
	return run_add(env, wam_registry_site_add, s, &site_view);
}

static int list_sites(wam_db *db, json_t **out, const char *unused)
{
	(void)unused;
	return wam_registry_site_list(db, out);
}

static int cmd_site_list(const cli_env *env, const cli_args *a)
{
	(void)a;
	return run_read(env, list_sites, NULL, &site_view);
}

static int cmd_site_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam site show ID");
	return run_read(env, wam_registry_site_get, a->pos[0], &site_view);
}

static const cli_column holder_cols[] = {{"ID", "id", 0},           {"TYPE", "type", 0},       {"NAME", "name", 48},
                                         {"COUNTRY", "country", 0}, {"LICENCE", "licence", 0}, {NULL, NULL, 0}};
static const char *const holder_keys[] = {"id",      "type", "name",     "country", "licence",
                                          "address", "sex",  "age_band", NULL};
static const cli_view holder_view = {holder_keys, holder_cols, NULL};

/* A holder recorded, and its screening when it found something (an alert
 * raised or met), as a broker registration shows it. */
static void print_holder(const json_t *h)
{
	cli_print_words(holder_keys, h);
	const json_t *s = json_object_get(h, "screening");
	if (json_is_object(s) && !json_is_true(json_object_get(s, "clear"))) {
		printf("screening: NOT clear\n");
		cli_print_findings(json_object_get(s, "findings"), "  ");
	}
}

static const cli_view holder_added_view = {holder_keys, holder_cols, print_holder};

static int cmd_holder_add(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam holder add NAME --type TYPE [--country CC] [--licence L]");
	json_t *h = json_pack("{s:s}", "name", a->pos[0]);
	cli_set_opt(h, a, "type", "type");
	cli_set_opt(h, a, "country", "country");
	cli_set_opt(h, a, "licence", "licence");
	cli_set_opt(h, a, "address", "address");
	cli_set_opt(h, a, "sex", "sex");
	cli_set_opt(h, a, "age-band", "age_band");
	return run_add(env, wam_registry_holder_add, h, &holder_added_view);
}

static int cmd_holder_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam holder show ID");
	return run_read(env, wam_registry_holder_get, a->pos[0], &holder_view);
}

/* The sex and age band of a holder who is a person, learnt later: one event. */
static int cmd_holder_describe(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam holder describe ID [--sex W] [--age-band W]");
	wam_db *db;
	json_t *in = json_object(), *out = NULL;
	cli_set_opt(in, a, "sex", "sex");
	cli_set_opt(in, a, "age-band", "age_band");
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = wam_registry_holder_describe(db, &out, a->pos[0], in);
		rc = cli_show(env, rc, out, &holder_view);
		wam_db_close(db);
	}
	json_decref(in);
	return rc;
}

static int list_holders(wam_db *db, json_t **out, const char *unused)
{
	(void)unused;
	return wam_registry_holder_list(db, out);
}

static int cmd_holder_list(const cli_env *env, const cli_args *a)
{
	(void)a;
	return run_read(env, list_holders, NULL, &holder_view);
}

/* ---- weapons ---- */

static const cli_column item_cols[] = {
    {"ID", "id", 0},        {"CAT", "category", 0},     {"MAKE", "make", 22},
    {"MODEL", "model", 18}, {"CALIBRE", "calibre", 12}, {"SERIAL", "serial", 16},
    {"CTRY", "country", 0}, {"STATUS", "status", 0},    {"MARKING", "marking_status", 0},
    {NULL, NULL, 0}};
static const char *const item_keys[] = {
    "id",     "category",       "make",           "model",   "calibre",   "serial", "country",      "year",
    "status", "marking_status", "marking_reason", "site_id", "holder_id", "notes",  "duplicate_of", "last_seq",
    NULL};

/* What an item is and how it was made, the fields it records. */
static void print_makeup(const json_t *item)
{
	static const char *const makeup[] = {"kind",           "part_type",      "belongs_to",       "manufacture",
	                                     "converted_from", "frame_material", "serial_component", NULL};
	const char *keys[8];
	int n = 0;
	for (int i = 0; makeup[i]; i++)
		if (json_is_string(json_object_get(item, makeup[i])))
			keys[n++] = makeup[i];
	keys[n] = NULL;
	if (n) {
		puts("");
		cli_print_record(keys, item);
	}
	static const cli_column pcols[] = {{"PART", "id", 0},
	                                   {"TYPE", "part_type", 0},
	                                   {"SERIAL", "serial", 16},
	                                   {"MAKE", "make", 22},
	                                   {NULL, NULL, 0}};
	if (json_array_size(json_object_get(item, "parts"))) {
		puts("\nparts:");
		cli_print_table(pcols, json_object_get(item, "parts"));
	}
}

static void print_item(const json_t *item)
{
	cli_print_record(item_keys, item);
	print_makeup(item);
	static const cli_column mcols[] = {{"COMPONENT", "component", 0},
	                                   {"KIND", "kind", 0},
	                                   {"TEXT", "text", 40},
	                                   {"SCRIPT", "script", 0},
	                                   {"LEGIBILITY", "legibility", 0},
	                                   {"ALTERED", "altered", 0},
	                                   {"METHOD", "method", 0},
	                                   {NULL, NULL, 0}};
	static const cli_column icols[] = {{"IMPORT COUNTRY", "country", 0}, {"YEAR", "year", 0}, {NULL, NULL, 0}};
	if (json_array_size(json_object_get(item, "markings"))) {
		puts("\nmarkings:");
		cli_print_table(mcols, json_object_get(item, "markings"));
	}
	if (json_array_size(json_object_get(item, "import_marks"))) {
		puts("\nimport marks:");
		cli_print_table(icols, json_object_get(item, "import_marks"));
	}
}

/* One weapon, or (found by serial) a list of them, one after the other. */
static void print_items(const json_t *found)
{
	if (!json_is_array(found)) {
		print_item(found);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(found, i, it)
	{
		if (i)
			puts("\n----");
		print_item(it);
	}
}

static void print_registered(const json_t *item)
{
	printf("registered %s\n\n", json_string_value(json_object_get(item, "id")));
	print_item(item);
	if (json_object_get(item, "hits"))
		cli_print_hits(json_object_get(item, "hits"));
}

/* A page of `item list`, and how to ask for the next one. */
static void print_item_page(const json_t *page)
{
	cli_print_table(item_cols, json_object_get(page, "items"));
	const char *next = json_string_value(json_object_get(page, "next"));
	if (next)
		printf("\nmore: wam item list --after %s\n", next);
}

static void print_status(const json_t *item)
{
	printf("%s is now %s\n", json_string_value(json_object_get(item, "id")),
	       json_string_value(json_object_get(item, "status")));
}

/* --marking COMPONENT:KIND:TEXT, e.g. --marking bolt:serial:56-1234567 */
static int add_markings(const cli_env *env, const cli_args *a, json_t *item)
{
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "marking") != 0)
			continue;
		const char *v = a->opt[i].value, *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			return cli_usage(env, "--marking takes COMPONENT:KIND:TEXT, e.g. bolt:serial:56-1234567");
		json_t *list = json_object_get(item, "markings");
		if (!list) {
			list = json_array();
			json_object_set_new(item, "markings", list);
		}
		json_array_append_new(list, json_pack("{s:s#, s:s#, s:s}", "component", v, (int)(c1 - v), "kind",
		                                      c1 + 1, (int)(c2 - c1 - 1), "text", c2 + 1));
	}
	return 0;
}

/* --import HT:2019 (repeatable) */
static int add_import_marks(const cli_env *env, const cli_args *a, json_t *item)
{
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt[i].name, "import") != 0)
			continue;
		const char *v = a->opt[i].value, *colon = strchr(v, ':');
		json_t *list = json_object_get(item, "import_marks");
		if (!list) {
			list = json_array();
			json_object_set_new(item, "import_marks", list);
		}
		json_t *m = json_pack("{s:s#}", "country", v, colon ? (int)(colon - v) : (int)strlen(v));
		if (colon) {
			char *end;
			errno = 0;
			long y = strtol(colon + 1, &end, 10);
			if (errno || *end || end == colon + 1) {
				json_decref(m);
				return cli_usage(env, "--import takes COUNTRY[:YEAR], e.g. HT:2019");
			}
			json_object_set_new(m, "year", json_integer(y));
		}
		json_array_append_new(list, m);
	}
	return 0;
}

static int cmd_item_add(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_registered};
	int rc = 0;
	json_t *item, *out = NULL;
	const char *from = cli_opt(a, "from");
	if (a->npos)
		return cli_usage(env, "unexpected argument '%s'", a->pos[0]);
	if (from) {
		if (!(item = cli_read_json(env, from, &rc)))
			return rc;
	} else {
		item = json_object();
	}
	static const struct {
		const char *opt, *key;
	} map[] = {{"category", "category"},
	           {"make", "make"},
	           {"model", "model"},
	           {"calibre", "calibre"},
	           {"serial", "serial"},
	           {"country", "country"},
	           {"status", "status"},
	           {"site", "site_id"},
	           {"holder", "holder_id"},
	           {"notes", "notes"},
	           {"id", "id"},
	           {"kind", "kind"},
	           {"part-type", "part_type"},
	           {"belongs-to", "belongs_to"},
	           {"manufacture", "manufacture"},
	           {"converted-from", "converted_from"},
	           {"frame-material", "frame_material"},
	           {"serial-component", "serial_component"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cli_set_opt(item, a, map[i].opt, map[i].key);
	const char *year = cli_opt(a, "year");
	if (year)
		json_object_set_new(item, "year", json_string(year));
	if ((rc = add_markings(env, a, item)) || (rc = add_import_marks(env, a, item))) {
		json_decref(item);
		return rc;
	}
	wam_db *db;
	if ((rc = cli_open(env, &db, true))) {
		json_decref(item);
		return rc;
	}
	rc = wam_registry_item_add(db, &out, item, cli_flag(a, "allow-duplicate") ? WAM_ALLOW_DUPLICATE : 0);
	json_decref(item);
	/* a weapon entered as recovered was searched for in the registry: say
	 * what was found, as a recovery does */
	const char *status = json_string_value(json_object_get(out, "status"));
	if (!rc && status &&
	    (!strcmp(status, "seized") || !strcmp(status, "found") || !strcmp(status, "surrendered"))) {
		json_t *hits = NULL;
		wam_hit_filter f = {.item_id = json_string_value(json_object_get(out, "id"))};
		if (!(rc = wam_trace_hit_list(db, &hits, &f)))
			json_object_set_new(out, "hits", hits);
	}
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static int cmd_item_show(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_items};
	const char *serial = cli_opt(a, "serial");
	if ((a->npos != 1 && !serial) || (a->npos && serial))
		return cli_usage(env, "usage: wam item show ID | --serial SERIAL");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	/* with --serial: always a list, however many match, in --json too */
	rc = serial ? wam_registry_item_find_serial(db, &out, serial) : wam_registry_item_get(db, &out, a->pos[0]);
	if (!rc && serial && !json_array_size(out)) {
		json_decref(out);
		out = NULL;
		rc = wam_error_set(WAM_ENOTFOUND, "serial", "no weapon with serial '%s'", serial);
	}
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static int cmd_item_list(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_item_page};
	wam_item_filter f = {.status = cli_opt(a, "status"),
	                     .site_id = cli_opt(a, "site"),
	                     .make = cli_opt(a, "make"),
	                     .category = cli_opt(a, "category"),
	                     .after_id = cli_opt(a, "after"),
	                     .kind = cli_opt(a, "kind"),
	                     .part_type = cli_opt(a, "part-type"),
	                     .manufacture = cli_opt(a, "manufacture"),
	                     .frame_material = cli_opt(a, "frame-material")};
	const char *limit = cli_opt(a, "limit");
	if (limit) {
		char *end;
		f.limit = (int)strtol(limit, &end, 10);
		if (*end || f.limit <= 0)
			return cli_usage(env, "--limit takes a positive number");
	}
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_registry_item_list(db, &out, &f);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static int cmd_item_status(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_status};
	if (a->npos != 2)
		return cli_usage(env,
		                 "usage: wam item status ID STATUS --reason TEXT [--document D] [--certificate C]");
	wam_db *db;
	json_t *out = NULL, *d = json_object();
	int rc = cli_open(env, &db, true);
	if (rc) {
		json_decref(d);
		return rc;
	}
	cli_set_opt(d, a, "reason", "reason");
	cli_set_opt(d, a, "document", "document");
	cli_set_opt(d, a, "certificate", "certificate");
	rc = wam_registry_item_set_status(db, &out, a->pos[0], a->pos[1], d);
	json_decref(d);
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

/* `item attach PART --to WEAPON [--reason R]`, `item detach PART --reason R` */
static int attach(const cli_env *env, const cli_args *a, bool to)
{
	static const cli_view view = {.print = print_item};
	if (a->npos != 1 || (to && !cli_opt(a, "to")))
		return cli_usage(env, to ? "usage: wam item attach PART --to WEAPON [--reason TEXT]"
		                         : "usage: wam item detach PART --reason TEXT");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	rc = wam_registry_item_attach(db, &out, a->pos[0], to ? cli_opt(a, "to") : NULL, cli_opt(a, "reason"));
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc;
}

static int cmd_item_attach(const cli_env *env, const cli_args *a)
{
	return attach(env, a, true);
}

static int cmd_item_detach(const cli_env *env, const cli_args *a)
{
	return attach(env, a, false);
}

/* ---- exports proposed by one person, confirmed by another ---- */

static const char *const proposal_keys[] = {
    "id",       "state",   "item_id",     "serial",      "make",       "model",      "status",          "reason",
    "document", "country", "proposed_by", "proposed_at", "decided_by", "decided_at", "withdraw_reason", NULL};
static const cli_column proposal_cols[] = {
    {"ID", "id", 0},          {"STATE", "state", 0},        {"WEAPON", "item_id", 0},
    {"SERIAL", "serial", 16}, {"DOCUMENT", "document", 24}, {"PROPOSED BY", "proposed_by", 20},
    {NULL, NULL, 0}};
static const cli_view proposal_view = {proposal_keys, proposal_cols, NULL};

static int call_export_propose(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	json_object_set_new(in, "item_id", json_string(a->pos[0]));
	cli_set_opt(in, a, "reason", "reason");
	cli_set_opt(in, a, "document", "document");
	cli_set_opt(in, a, "country", "country");
	return wam_registry_export_propose(db, out, in);
}

static int cmd_export_propose(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(
		    env, "usage: wam item export propose WEAPON --reason TEXT --document LICENCE [--country CC]");
	return cli_run(env, a, true, call_export_propose, json_object(), &proposal_view);
}

static int call_export_confirm(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_registry_export_confirm(db, out, a->pos[0]);
}

static int cmd_export_confirm(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam item export confirm PROPOSAL");
	return cli_run(env, a, true, call_export_confirm, NULL, &proposal_view);
}

static int call_export_withdraw(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_registry_export_withdraw(db, out, a->pos[0], cli_opt(a, "reason"));
}

static int cmd_export_withdraw(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam item export withdraw PROPOSAL --reason TEXT");
	return cli_run(env, a, true, call_export_withdraw, NULL, &proposal_view);
}

static int call_export_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_registry_export_get(db, out, a->pos[0]);
}

static int cmd_export_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam item export show PROPOSAL");
	return cli_run(env, a, false, call_export_show, NULL, &proposal_view);
}

static int call_export_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_registry_export_list(db, out, cli_opt(a, "state"));
}

static int cmd_export_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam item export list [--state proposed|confirmed|withdrawn]");
	return cli_run(env, a, false, call_export_list, NULL, &proposal_view);
}

static int cmd_item_history(const cli_env *env, const cli_args *a)
{
	static const cli_column cols[] = {{"SEQ", "seq", 0},    {"TIME", "time", 0},     {"ACTOR", "actor", 20},
	                                  {"EVENT", "type", 0}, {"WHAT", "summary", 70}, {NULL, NULL, 0}};
	static const cli_view view = {.cols = cols};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam item history ID");
	return run_read(env, wam_registry_item_history, a->pos[0], &view);
}

static void print_summary(const json_t *sum)
{
	static const char *const groups[] = {"totals",           "by_status", "by_category",   "by_marking_status",
	                                     "by_country",       "by_kind",   "parts_by_type", "by_manufacture",
	                                     "by_frame_material"};
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		printf("%s%s:\n", g ? "\n" : "", groups[g]);
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(sum, groups[g]), k, v)
		    printf("  %-20s %lld\n", k, (long long)json_integer_value(v));
	}
	size_t i;
	json_t *e;
	printf("\nby_site (largest):\n");
	json_array_foreach(json_object_get(sum, "by_site"), i, e)
	    printf("  %-40s %lld\n", json_string_value(json_object_get(e, "name")),
	           (long long)json_integer_value(json_object_get(e, "items")));
	printf("\nrecent:\n");
	json_array_foreach(json_object_get(sum, "recent"), i, e)
	    printf("  %-8lld %s  %s\n", (long long)json_integer_value(json_object_get(e, "seq")),
	           json_string_value(json_object_get(e, "time")), json_string_value(json_object_get(e, "summary")));
}

static int summary(wam_db *db, json_t **out, const char *unused)
{
	(void)unused;
	return wam_registry_summary(db, out);
}

static int cmd_summary(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {.print = print_summary};
	(void)a;
	return run_read(env, summary, NULL, &view);
}

/* ---- import, export, demo ---- */

static int cmd_import(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam import FILE|- [--dry-run] [--skip-bad [--rejects FILE]]");
	const char *path = a->pos[0];
	FILE *in = !strcmp(path, "-") ? stdin : fopen(path, "rb"), *rejects = NULL;
	if (!in) {
		wam_error_set(WAM_EIO, "file", "cannot read %s: %s", path, strerror(errno));
		return cli_fail(env, WAM_EIO);
	}
	char rpath[4096];
	wam_import_opts o = {.dry_run = cli_flag(a, "dry-run"),
	                     .skip_bad = cli_flag(a, "skip-bad"),
	                     .allow_duplicates = cli_flag(a, "allow-duplicates"),
	                     .progress = env->json ? NULL : cli_progress};
	if (o.skip_bad && !o.dry_run) {
		snprintf(rpath, sizeof rpath, "%s", cli_opt(a, "rejects") ? cli_opt(a, "rejects") : "");
		if (!rpath[0])
			snprintf(rpath, sizeof rpath, "%s.rejected.csv", strcmp(path, "-") ? path : "import");
		if (wam_file_create(&rejects, rpath, "rejects", 0)) {
			if (in != stdin)
				fclose(in);
			return cli_fail(env, WAM_EIO);
		}
		o.rejects = rejects;
	}
	wam_db *db;
	wam_import_report rep = {0};
	int rc = cli_open(env, &db, true);
	if (rc)
		goto done;
	int irc = wam_registry_import(db, &rep, in, &o);
	cli_progress_end(env);
	wam_error saved = *wam_error_last();
	if (env->json) {
		json_t *j = json_pack("{s:I, s:I, s:I, s:b, s:O}", "rows", (json_int_t)rep.rows, "imported",
		                      (json_int_t)(irc ? 0 : rep.imported), "rejected", (json_int_t)rep.rejected,
		                      "dry_run", o.dry_run, "errors", rep.errors ? rep.errors : json_array());
		if (rejects)
			json_object_set_new(j, "rejects_file", json_string(rpath));
		cli_print_json(j);
		json_decref(j);
	} else {
		size_t i;
		json_t *e;
		json_array_foreach(rep.errors, i, e) fprintf(
		    stderr, "line %lld, column %s: %s\n", (long long)json_integer_value(json_object_get(e, "line")),
		    *json_string_value(json_object_get(e, "column")) ? json_string_value(json_object_get(e, "column"))
		                                                     : "-",
		    json_string_value(json_object_get(e, "message")));
		if (!irc)
			printf("%s%ld rows read, %ld %s, %ld rejected%s%s\n", o.dry_run ? "dry run: " : "", rep.rows,
			       rep.imported, o.dry_run ? "would be imported" : "imported", rep.rejected,
			       rejects && rep.rejected ? "; rejected rows with reasons in " : "",
			       rejects && rep.rejected ? rpath : "");
	}
	if (irc) {
		wam_error_restore(&saved);
		rc = cli_fail(env, irc);
	}
	wam_registry_import_report_free(&rep);
	wam_db_close(db);
done:
	if (rejects) {
		fclose(rejects);
		if (!rep.rejected)
			unlink(rpath);
	}
	if (in != stdin)
		fclose(in);
	return rc;
}

static int cmd_export(const cli_env *env, const cli_args *a)
{
	const char *format = cli_opt(a, "format") ? cli_opt(a, "format") : "csv", *path = cli_opt(a, "out");
	wam_db *db;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	FILE *out = stdout;
	char tmp[4200];
	if (path) {
		/* write beside the target, rename when complete: no half-written export */
		if (wam_file_create_temp(&out, tmp, sizeof tmp, path, "out")) {
			wam_db_close(db);
			return cli_fail(env, WAM_EIO);
		}
	}
	rc = wam_registry_export(db, out, format);
	if (path) {
		if (fclose(out) != 0 && !rc)
			rc = wam_error_set(WAM_EIO, "out", "cannot write %s", path);
		if (!rc && rename(tmp, path) != 0)
			rc = wam_error_set(WAM_EIO, "out", "cannot write %s: %s", path, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	wam_db_close(db);
	return rc ? cli_fail(env, rc) : 0;
}

static int cmd_demo(const cli_env *env, const cli_args *a)
{
	wam_demo_opts o = {.items = 10000, .seed = 1, .progress = env->json ? NULL : cli_progress};
	const char *items = cli_opt(a, "items"), *seed = cli_opt(a, "seed");
	char *end;
	if (items && ((o.items = strtol(items, &end, 10)) <= 0 || *end))
		return cli_usage(env, "--items takes a positive number");
	if (seed && (o.seed = strtoull(seed, &end, 10), *end))
		return cli_usage(env, "--seed takes a number");
	wam_db *db;
	int rc = access(env->db_path, F_OK) == 0 ? cli_open(env, &db, true) : 0;
	if (rc)
		return rc;
	if (access(env->db_path, F_OK) != 0) {
		wam_init_opts io = {.country = "HT", .name = "National Small Arms Registry (demo)"};
		if ((rc = wam_db_create(&db, env->db_path, &io)))
			return cli_fail(env, rc);
		wam_db_set_actor(db, "demo");
	}
	rc = wam_registry_demo(db, &o);
	cli_progress_end(env);
	if (rc) {
		rc = cli_fail(env, rc);
	} else {
		json_t *sum = NULL;
		wam_registry_summary(db, &sum);
		if (env->json)
			cli_print_json(sum);
		else
			printf("demo registry %s: %lld weapons, %lld events (seed %llu)\n", env->db_path,
			       (long long)json_integer_value(json_object_get(json_object_get(sum, "totals"), "items")),
			       (long long)json_integer_value(json_object_get(json_object_get(sum, "totals"), "events")),
			       (unsigned long long)o.seed);
		json_decref(sum);
	}
	wam_db_close(db);
	return rc;
}

static const char *const init_valued[] = {"country", "name", NULL};
static const char *const site_valued[] = {"kind", "country", "lat", "lon", "parent", "notes", NULL};
static const char *const holder_valued[] = {"type", "country", "licence", "address", "sex", "age-band", NULL};
static const char *const holder_describe_valued[] = {"sex", "age-band", NULL};
static const char *const item_add_valued[] = {"category",
                                              "make",
                                              "model",
                                              "calibre",
                                              "serial",
                                              "country",
                                              "year",
                                              "import",
                                              "marking",
                                              "status",
                                              "site",
                                              "holder",
                                              "notes",
                                              "from",
                                              "id",
                                              "kind",
                                              "part-type",
                                              "belongs-to",
                                              "manufacture",
                                              "converted-from",
                                              "frame-material",
                                              "serial-component",
                                              NULL};
static const char *const item_add_flags[] = {"allow-duplicate", NULL};
static const char *const item_show_valued[] = {"serial", NULL};
static const char *const item_list_valued[] = {"status", "site",      "make",        "category",       "limit", "after",
                                               "kind",   "part-type", "manufacture", "frame-material", NULL};
static const char *const item_attach_valued[] = {"to", "reason", NULL};
static const char *const item_status_valued[] = {"reason", "document", "certificate", NULL};
static const char *const import_valued[] = {"rejects", NULL};
static const char *const import_flags[] = {"dry-run", "skip-bad", "allow-duplicates", NULL};
static const char *const export_valued[] = {"format", "out", NULL};
static const char *const demo_valued[] = {"items", "seed", NULL};
static const char *const export_propose_valued[] = {"reason", "document", "country", NULL};
static const char *const reason_valued[] = {"reason", NULL};
static const char *const state_valued[] = {"state", NULL};

const cli_command cli_registry_commands[] = {
    {"init", init_valued, no_opts, cmd_init, "init [--country CC] [--name NAME]",
     "create a registry: schema, node id, signing key"},
    {"site add", site_valued, no_opts, cmd_site_add,
     "site add NAME --kind KIND [--country CC] [--lat X --lon Y] [--parent ID]", "register a site"},
    {"site list", no_opts, no_opts, cmd_site_list, "site list", "list sites"},
    {"site show", no_opts, no_opts, cmd_site_show, "site show ID", "show a site"},
    {"holder add", holder_valued, no_opts, cmd_holder_add,
     "holder add NAME --type TYPE [--country CC] [--licence L] [--sex W] [--age-band W]",
     "register a holder (unit, agency, licensee; a person's sex and age band)"},
    {"holder list", no_opts, no_opts, cmd_holder_list, "holder list", "list holders"},
    {"holder show", no_opts, no_opts, cmd_holder_show, "holder show ID", "show a holder"},
    {"holder describe", holder_describe_valued, no_opts, cmd_holder_describe,
     "holder describe ID [--sex W] [--age-band W]", "record the sex and age band of a holder who is a person"},
    {"item add", item_add_valued, item_add_flags, cmd_item_add, "item add --category C --make M ... | --from FILE|-",
     "register a weapon or a part (--kind part --part-type T; --manufacture, --converted-from, --frame-material, "
     "--serial-component, --belongs-to)"},
    {"item show", item_show_valued, no_opts, cmd_item_show, "item show ID | --serial S", "show a weapon"},
    {"item list", item_list_valued, no_opts, cmd_item_list,
     "item list [--status S] [--site ID] [--make M] [--category C] [--kind K] [--part-type T] [--manufacture M] "
     "[--frame-material F] [--limit N]",
     "list weapons and parts (a frame or lower receiver part is listed as a weapon)"},
    {"item status", item_status_valued, no_opts, cmd_item_status, "item status ID STATUS --reason TEXT",
     "change a weapon's status (not to destroyed or exported: see destruction and item export)"},
    {"item history", no_opts, no_opts, cmd_item_history, "item history ID", "every event of a weapon"},
    {"item attach", item_attach_valued, no_opts, cmd_item_attach, "item attach PART --to WEAPON [--reason TEXT]",
     "link a part to the weapon it belongs to"},
    {"item detach", reason_valued, no_opts, cmd_item_detach, "item detach PART --reason TEXT",
     "unlink a part from its weapon"},
    {"item export propose", export_propose_valued, no_opts, cmd_export_propose,
     "item export propose WEAPON --reason TEXT --document LICENCE [--country CC]",
     "propose a weapon's export; it becomes exported only when another person confirms"},
    {"item export confirm", no_opts, no_opts, cmd_export_confirm, "item export confirm PROPOSAL",
     "confirm an export another person proposed (registrar or admin): the weapon becomes exported"},
    {"item export withdraw", reason_valued, no_opts, cmd_export_withdraw, "item export withdraw PROPOSAL --reason TEXT",
     "withdraw a waiting export proposal"},
    {"item export show", no_opts, no_opts, cmd_export_show, "item export show PROPOSAL", "show an export proposal"},
    {"item export list", state_valued, no_opts, cmd_export_list, "item export list [--state STATE]",
     "list export proposals"},
    {"summary", no_opts, no_opts, cmd_summary, "summary", "counts by status, category, marking"},
    {"import", import_valued, import_flags, cmd_import, "import FILE|- [--dry-run] [--skip-bad]",
     "import weapons from CSV or a registry JSON"},
    {"export", export_valued, no_opts, cmd_export, "export --format csv|json [--out FILE]",
     "export weapons (CSV) or the whole registry (JSON)"},
    {"demo", demo_valued, no_opts, cmd_demo, "demo [--items N] [--seed N]", "fill a new registry with demo data"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
