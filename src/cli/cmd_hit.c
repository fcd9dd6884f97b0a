/* Lost and stolen weapons, hits and established origins: wam loss
 * report|list|export, wam hit list|show|confirm|reject|scan and wam origin
 * (docs/trace.md). A hit is shown with both weapons side by side and the
 * serials aligned, so the characters that differ can be seen at a glance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/trace.h"

static const char *const no_opts[] = {NULL};

/* ---- loss reports ---- */

static const char *const loss_keys[] = {
    "id", "kind", "date", "place", "circumstances", "reported_by", "agency", "police_ref", "item_id", "open", NULL};
static const cli_column loss_cols[] = {
    {"ID", "id", 0},          {"KIND", "kind", 0},      {"DATE", "date", 0},
    {"WEAPON", "item_id", 0}, {"SERIAL", "serial", 20}, {"MAKE", "make", 18},
    {"MODEL", "model", 16},   {"OPEN", "open", 0},      {"REPORTED BY", "reported_by", 24},
    {NULL, NULL, 0}};

/* A hit as a flat row for a table. */
static json_t *hit_row(const json_t *h)
{
	json_t *row = json_deep_copy(h);
	const json_t *rec = json_object_get(h, "recovered"), *reg = json_object_get(h, "registered");
	json_object_set_new(row, "recovered_serial", json_string(cli_text(rec, "serial")));
	json_object_set_new(row, "registered_serial", json_string(cli_text(reg, "serial")));
	json_object_set_new(row, "registered_id", json_string(cli_text(reg, "id")));
	json_object_set_new(row, "registered_status", json_string(cli_text(reg, "status")));
	json_object_set_new(row, "weapon", json_string(cli_text(rec, "id")));
	return row;
}

static const cli_column hit_cols[] = {{"HIT", "id", 0},
                                      {"STATE", "state", 0},
                                      {"SCORE", "score", 0},
                                      {"REASON", "reason", 12},
                                      {"RECOVERED", "recovered_serial", 20},
                                      {"REGISTERED", "registered_serial", 20},
                                      {"STATUS", "registered_status", 0},
                                      {"WEAPON", "weapon", 0},
                                      {"MATCHES", "registered_id", 0},
                                      {NULL, NULL, 0}};

static void print_hit_table(const json_t *hits)
{
	json_t *rows = json_array();
	size_t i;
	const json_t *h;
	json_array_foreach(hits, i, h) json_array_append_new(rows, hit_row(h));
	cli_print_table(hit_cols, rows);
	json_decref(rows);
}

static void print_loss(const json_t *r)
{
	cli_print_record(loss_keys, r);
	const json_t *hits = json_object_get(r, "hits");
	printf("\nhits (%zu)\n", json_array_size(hits));
	if (json_array_size(hits))
		print_hit_table(hits);
}

static const cli_view loss_view = {loss_keys, loss_cols, print_loss};
static const cli_view loss_list_view = {NULL, loss_cols, NULL};

static int cmd_loss_report(const cli_env *env, const cli_args *a)
{
	if (a->npos || (!cli_opt(a, "from") && !cli_opt(a, "file") && !cli_opt(a, "item") && !cli_opt(a, "serial")))
		return cli_usage(
		    env, "usage: wam loss report (--item ID | --serial S ... | --from FILE|-) --kind lost|stolen "
		         "--date YYYY-MM-DD --circumstances T --reported-by NAME");
	int rc = 0;
	json_t *in = cli_read_body(env, a, "the report", &rc), *out = NULL;
	if (!in)
		return rc;
	static const struct {
		const char *opt, *path;
	} map[] = {{"item", "item_id"},
	           {"kind", "kind"},
	           {"date", "date"},
	           {"place", "place"},
	           {"circumstances", "circumstances"},
	           {"reported-by", "reported_by"},
	           {"agency", "agency"},
	           {"police-ref", "police_ref"},
	           /* a weapon the registry does not hold yet */
	           {"serial", "item.serial"},
	           {"make", "item.make"},
	           {"model", "item.model"},
	           {"calibre", "item.calibre"},
	           {"category", "item.category"},
	           {"country", "item.country"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cli_set_opt(in, a, map[i].opt, map[i].path);
	wam_db *db;
	if (!(rc = cli_open(env, &db, true))) {
		rc = wam_trace_report_loss(db, &out, in);
		rc = cli_show(env, rc, out, &loss_view);
		wam_db_close(db);
	}
	json_decref(in);
	return rc;
}

static int cmd_loss_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam loss list [--open]");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_list_losses(db, &out, cli_flag(a, "open"));
		rc = cli_show(env, rc, out, &loss_list_view);
		wam_db_close(db);
	}
	return rc;
}

/* The CSV goes to --out completely or not at all: written beside it, then
 * renamed over it. */
static int cmd_loss_export(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam loss export [--out FILE]");
	const char *to = cli_opt(a, "out");
	char tmp[4096];
	FILE *f = stdout;
	if (to) {
		snprintf(tmp, sizeof tmp, "%s.part", to);
		if (!(f = fopen(tmp, "w"))) {
			wam_error_set(WAM_EIO, "out", "cannot write %s", to);
			return cli_fail(env, WAM_EIO);
		}
	}
	wam_db *db;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_export_losses(db, f);
		wam_db_close(db);
		if (rc)
			rc = cli_fail(env, rc);
	}
	if (to) {
		bool ok = fclose(f) == 0;
		if (!rc && (!ok || rename(tmp, to) != 0)) {
			wam_error_set(WAM_EIO, "out", "cannot write %s", to);
			rc = cli_fail(env, WAM_EIO);
		}
		if (rc)
			remove(tmp);
	} else if (fflush(stdout) != 0 && !rc) {
		wam_error_set(WAM_EIO, "out", "cannot write the standard output");
		rc = cli_fail(env, WAM_EIO);
	}
	return rc;
}

/* ---- hits ---- */

/* Aligns serials `a` and `b` by their fewest edits (both at most 63 bytes):
 * `oa` and `ob` receive them with '-' for a character only the other has,
 * `mark` a '^' under each position that differs. */
static void align_serials(const char *a, const char *b, char *oa, char *ob, char *mark)
{
	enum { N = 64 };
	size_t n = strnlen(a, N - 1), m = strnlen(b, N - 1);
	int d[N][N];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			d[i][j] = best;
		}
	char ra[2 * N], rb[2 * N], rm[2 * N];
	size_t k = 0, i = n, j = m;
	while (i || j) {
		if (i && j && d[i][j] == d[i - 1][j - 1] + (a[i - 1] != b[j - 1])) {
			ra[k] = a[i - 1];
			rb[k] = b[j - 1];
			i--, j--;
		} else if (i && d[i][j] == d[i - 1][j] + 1) {
			ra[k] = a[--i];
			rb[k] = '-';
		} else {
			ra[k] = '-';
			rb[k] = b[--j];
		}
		rm[k] = ra[k] == rb[k] ? ' ' : '^';
		k++;
	}
	for (size_t x = 0; x < k; x++) {
		oa[x] = ra[k - 1 - x];
		ob[x] = rb[k - 1 - x];
		mark[x] = rm[k - 1 - x];
	}
	oa[k] = ob[k] = mark[k] = '\0';
}

/* A weapon's markings as one line: "frame_receiver:serial:AB123; slide:...". */
static json_t *markings_text(const json_t *item)
{
	char buf[1024] = "";
	size_t i, len = 0;
	const json_t *mk;
	json_array_foreach(json_object_get(item, "markings"), i, mk)
	{
		int w = snprintf(buf + len, sizeof buf - len, "%s%s:%s:%s", i ? "; " : "", cli_text(mk, "component"),
		                 cli_text(mk, "kind"), cli_text(mk, "text"));
		if (w < 0 || (size_t)w >= sizeof buf - len)
			break;
		len += (size_t)w;
	}
	return json_string(buf);
}

static json_t *as_text(const json_t *v)
{
	if (json_is_string(v))
		return json_incref((json_t *)v);
	if (json_is_integer(v)) {
		char buf[32];
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return json_string(buf);
	}
	if (!v || json_is_null(v))
		return json_string("");
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *t = json_string(s ? s : "");
	free(s);
	return t;
}

/* Both weapons side by side, one line a field; `≠` marks a field that
 * differs, and under the serials a '^' marks each character that does. */
static void print_side_by_side(const json_t *rec, const json_t *reg)
{
	static const char *const fields[] = {"id",       "serial",    "make",     "model",  "calibre",
	                                     "category", "country",   "year",     "status", "marking_status",
	                                     "site_id",  "holder_id", "markings", NULL};
	static const cli_column cols[] = {{"", "field", 0},
	                                  {"RECOVERED", "recovered", 40},
	                                  {"REGISTERED", "registered", 40},
	                                  {"", "diff", 0},
	                                  {NULL, NULL, 0}};
	json_t *rows = json_array();
	for (int f = 0; fields[f]; f++) {
		const char *k = fields[f];
		json_t *x = !strcmp(k, "markings") ? markings_text(rec) : as_text(json_object_get(rec, k));
		json_t *y = !strcmp(k, "markings") ? markings_text(reg) : as_text(json_object_get(reg, k));
		bool same = json_equal(x, y);
		if (!strcmp(k, "id"))
			same = true; /* two records by definition */
		if (!strcmp(k, "serial") && !same) {
			char oa[128], ob[128], mark[128];
			align_serials(json_string_value(x), json_string_value(y), oa, ob, mark);
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s}", "field", k, "recovered", oa,
			                                      "registered", ob, "diff", "≠"));
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s}", "field", "", "recovered", mark,
			                                      "registered", mark, "diff", ""));
		} else {
			json_array_append_new(rows,
			                      json_pack("{s:s, s:o, s:o, s:s}", "field", k, "recovered", json_incref(x),
			                                "registered", json_incref(y), "diff", same ? "" : "≠"));
		}
		json_decref(x);
		json_decref(y);
	}
	cli_print_table(cols, rows);
	json_decref(rows);
}

static const char *const hit_keys[] = {"id",          "state",         "score",     "reason",      "distance",
                                       "recovery_id", "owner_site_id", "found_seq", "decided_seq", "decision_reason",
                                       NULL};
#define HIT_KEY_WIDTH 15 /* "decision_reason", the longest key */

/* The matcher's edits as "confusable 8→B at 1": the recovered serial's
 * character, the registered one's, and where (1-based, canonical key). */
static void print_edits(const json_t *edits)
{
	char buf[512] = "";
	size_t i, len = 0;
	const json_t *e;
	json_array_foreach(edits, i, e)
	{
		char at[32] = "";
		const json_t *pos = json_object_get(e, "query_pos");
		if (json_is_integer(pos))
			snprintf(at, sizeof at, " at %lld", (long long)json_integer_value(pos) + 1);
		int w = snprintf(buf + len, sizeof buf - len, "%s%s %s→%s%s", i ? "; " : "", cli_text(e, "op"),
		                 *cli_text(e, "query") ? cli_text(e, "query") : "∅",
		                 *cli_text(e, "serial") ? cli_text(e, "serial") : "∅", at);
		if (w < 0 || (size_t)w >= sizeof buf - len)
			break;
		len += (size_t)w;
	}
	cli_print_joined(HIT_KEY_WIDTH, "edits", buf, NULL);
}

static void print_hit(const json_t *h)
{
	cli_print_record(hit_keys, h);
	print_edits(json_object_get(h, "edits"));
	const json_t *rec = json_object_get(h, "recovery"), *pod = json_object_get(h, "point");
	cli_print_joined(HIT_KEY_WIDTH, "recovery", cli_text(rec, "type"), cli_text(rec, "date"),
	                 cli_text(rec, "place"), cli_text(rec, "context"), NULL);
	cli_print_joined(HIT_KEY_WIDTH, "diversion", cli_text(pod, "category"), cli_text(pod, "country"),
	                 cli_text(pod, "date"), cli_text(pod, "description"), NULL);
	putchar('\n');
	print_side_by_side(json_object_get(h, "recovered"), json_object_get(h, "registered"));
}

static const cli_view hit_view = {hit_keys, hit_cols, print_hit};
static const cli_view hit_list_view = {NULL, NULL, print_hit_table};

static int cmd_hit_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam hit list [--state open|confirmed|rejected] [--site ID]...");
	const char *sites[CLI_MAX_OPTS];
	wam_hit_filter f = {.state = cli_opt(a, "state"), .sites = sites};
	for (int i = 0; i < a->nopt; i++)
		if (!strcmp(a->opt[i].name, "site"))
			sites[f.nsites++] = a->opt[i].value;
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_list_hits(db, &out, &f);
		rc = cli_show(env, rc, out, &hit_list_view);
		wam_db_close(db);
	}
	return rc;
}

static int cmd_hit_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam hit show ID");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_get_hit(db, &out, a->pos[0]);
		rc = cli_show(env, rc, out, &hit_view);
		wam_db_close(db);
	}
	return rc;
}

static int decide(const cli_env *env, const cli_args *a, const char *decision)
{
	json_t *in = json_pack("{s:s}", "decision", decision), *out = NULL;
	cli_set_opt(in, a, "reason", "reason");
	cli_set_opt(in, a, "category", "point_of_diversion.category");
	cli_set_opt(in, a, "country", "point_of_diversion.country");
	cli_set_opt(in, a, "date", "point_of_diversion.date");
	cli_set_opt(in, a, "description", "point_of_diversion.description");
	wam_db *db;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = wam_trace_decide_hit(db, &out, a->pos[0], in);
		rc = cli_show(env, rc, out, &hit_view);
		wam_db_close(db);
	}
	json_decref(in);
	return rc;
}

static int cmd_hit_confirm(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam hit confirm ID --reason WHY [--category C] [--country CC] [--date D] "
		                      "[--description T]");
	return decide(env, a, "confirm");
}

static int cmd_hit_reject(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam hit reject ID --reason WHY");
	return decide(env, a, "reject");
}

static void print_scan(const json_t *hits)
{
	printf("%zu new hit%s\n", json_array_size(hits), json_array_size(hits) == 1 ? "" : "s");
	if (json_array_size(hits))
		print_hit_table(hits);
}

static int cmd_hit_scan(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam hit scan [--recovery ID]");
	static const cli_view view = {NULL, NULL, print_scan};
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = wam_trace_scan(db, &out, cli_opt(a, "recovery"));
		rc = cli_show(env, rc, out, &view);
		wam_db_close(db);
	}
	return rc;
}

/* ---- origins established otherwise ---- */

static int cmd_origin(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam origin WEAPON --method investigation|intelligence|other --category C "
		                      "[--country CC] [--date D] [--description T]");
	json_t *in = json_object(), *out = NULL;
	static const char *const keys[] = {"method", "category", "country", "date", "description"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		cli_set_opt(in, a, keys[i], keys[i]);
	static const char *const origin_keys[] = {"item_id", "method",      "category", "country",
	                                          "date",    "description", "seq",      NULL};
	static const cli_view view = {origin_keys, NULL, NULL};
	wam_db *db;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = wam_trace_establish_origin(db, &out, a->pos[0], in);
		rc = cli_show(env, rc, out, &view);
		wam_db_close(db);
	}
	json_decref(in);
	return rc;
}

static const char *const loss_valued[] = {"from",          "file",        "item",     "kind",       "date",   "place",
                                          "circumstances", "reported-by", "agency",   "police-ref", "serial", "make",
                                          "model",         "calibre",     "category", "country",    NULL};
static const char *const open_flag[] = {"open", NULL};
static const char *const out_valued[] = {"out", NULL};
static const char *const hit_list_valued[] = {"state", "site", NULL};
static const char *const confirm_valued[] = {"reason", "category", "country", "date", "description", NULL};
static const char *const reject_valued[] = {"reason", NULL};
static const char *const scan_valued[] = {"recovery", NULL};
static const char *const origin_valued[] = {"method", "category", "country", "date", "description", NULL};

const cli_command cli_hit_commands[] = {
    {"loss report", loss_valued, no_opts, cmd_loss_report,
     "loss report (--item ID | --serial S [--make M --model M --calibre C --category C --country CC] | --from FILE|-) "
     "--kind lost|stolen --date YYYY-MM-DD --circumstances T --reported-by NAME [--place P] [--agency A] "
     "[--police-ref R]",
     "report a weapon lost or stolen (a registry weapon, or one it does not hold yet); recoveries are searched for it"},
    {"loss list", no_opts, open_flag, cmd_loss_list, "loss list [--open]",
     "loss reports, newest first; --open: weapons still lost or stolen"},
    {"loss export", out_valued, no_opts, cmd_loss_export, "loss export [--out FILE]",
     "the open loss reports as the lost/stolen CSV (docs/formats/lost-stolen-csv.md)"},
    {"hit list", hit_list_valued, no_opts, cmd_hit_list, "hit list [--state open|confirmed|rejected] [--site ID]...",
     "recovered weapons that resemble registered ones: the inbox, open first"},
    {"hit show", no_opts, no_opts, cmd_hit_show, "hit show ID",
     "a hit with both weapons side by side and the serial characters that differ"},
    {"hit confirm", confirm_valued, no_opts, cmd_hit_confirm,
     "hit confirm ID --reason WHY [--category C] [--country CC] [--date D] [--description T]",
     "the two records are one weapon (a lost or stolen one takes the recovery's status); the point of diversion"},
    {"hit reject", reject_valued, no_opts, cmd_hit_reject, "hit reject ID --reason WHY",
     "the two records are different weapons"},
    {"hit scan", scan_valued, no_opts, cmd_hit_scan, "hit scan [--recovery ID]",
     "search the registry again for recovered weapons (one recovery or all) and record new hits"},
    {"origin", origin_valued, no_opts, cmd_origin,
     "origin WEAPON --method investigation|intelligence|other --category C [--country CC] [--date D] "
     "[--description T]",
     "a recovered weapon's illicit origin established other than by tracing (SDG 16.4.2)"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
