/* Lost and stolen weapons, hits and established origins: wam loss
 * report|list|export, wam hit list|show|confirm|reject|scan and wam origin
 * (docs/trace.md). A hit is shown with both weapons side by side and the
 * serial keys aligned as the matcher's edits say they differ, so the
 * characters that differ can be seen at a glance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/registry.h"
#include "wam/trace.h"

static const char *const no_opts[] = {NULL};

/* ---- loss reports ---- */

static const char *const loss_keys[] = {
    "id", "kind", "date", "place", "circumstances", "reported_by", "agency", "police_ref", "item_id", "open", NULL};
static const cli_column loss_cols[] = {{"ID", "id", 0},          {"KIND", "kind", 0},
                                       {"DATE", "date", 0},      {"WEAPON", "item_id", 0},
                                       {"SERIAL", "serial", 20}, {"MAKE", "make", 18},
                                       {"MODEL", "model", 16},   {"ROUNDS", "rounds", 0},
                                       {"OPEN", "open", 0},      {"REPORTED BY", "reported_by", 24},
                                       {NULL, NULL, 0}};
static const cli_column loss_ammunition_cols[] = {{"LINE", "line", 0},         {"CALIBRE", "calibre", 16},
                                                  {"TYPE", "type", 12},        {"HEADSTAMP", "stamp", 20},
                                                  {"FACTORY", "factory", 10},  {"YEAR", "year", 0},
                                                  {"LOT", "lot", 20},          {"ROUNDS", "quantity", 0},
                                                  {"PACKAGES", "packages", 0}, {NULL, NULL, 0}};

/* The rounds a loss report's ammunition lines add up to; null when it
 * holds none. */
static json_t *rounds_of(const json_t *r)
{
	json_int_t n = 0;
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(r, "ammunition"), i, a) n +=
	    json_integer_value(json_object_get(a, "quantity"));
	return json_array_size(json_object_get(r, "ammunition")) ? json_integer(n) : json_null();
}

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

void cli_print_hits(const json_t *hits)
{
	printf("\nhits (%zu)\n", json_array_size(hits));
	if (!json_array_size(hits))
		return;
	print_hit_table(hits);
	printf("each hit side by side: wam hit show HIT\n");
}

static void print_loss(const json_t *r)
{
	const json_t *lines = json_object_get(r, "ammunition");
	cli_print_record(loss_keys, r);
	if (json_array_size(lines)) {
		json_t *rows = json_array();
		size_t i;
		const json_t *a;
		json_array_foreach(lines, i, a)
		{
			json_t *row = json_deep_copy(a);
			const json_t *hs = json_object_get(a, "headstamp");
			json_object_set(row, "stamp", json_object_get(hs, "text"));
			json_object_set(row, "factory", json_object_get(hs, "factory"));
			json_object_set(row, "year", json_object_get(hs, "year"));
			json_array_append_new(rows, row);
		}
		cli_print_list("ammunition", loss_ammunition_cols, rows);
		json_decref(rows);
		/* the marks of packets and crates, as read (several lines each) */
		json_array_foreach(lines, i, a)
		{
			static const char *const marks[][2] = {{"packaging_marks", "packaging"},
			                                       {"crate_marks", "crate"}};
			for (size_t k = 0; k < 2; k++) {
				const char *m = cli_text(a, marks[k][0]);
				if (!*m)
					continue;
				printf("  line %zu %s: ", i, marks[k][1]);
				for (; *m; m++) {
					putchar(*m);
					if (*m == '\n' && m[1])
						fputs("    ", stdout);
				}
				putchar('\n');
			}
		}
	}
	const json_t *closed = json_object_get(r, "closed");
	if (json_is_object(closed) && cli_text(closed, "recovery_id")[0])
		printf("closed: %s (the rounds came back with recovery %s)\n", cli_text(closed, "reason"),
		       cli_text(closed, "recovery_id"));
	else if (json_is_object(closed))
		printf("closed: %s\n", cli_text(closed, "reason"));
	if (cli_text(r, "item_id")[0])
		cli_print_hits(json_object_get(r, "hits"));
}

static void print_loss_list(const json_t *rows)
{
	json_t *shown = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *row = json_copy((json_t *)r);
		json_object_set_new(row, "rounds", rounds_of(r));
		json_array_append_new(shown, row);
	}
	cli_print_table(loss_cols, shown);
	json_decref(shown);
}

static const cli_view loss_view = {loss_keys, loss_cols, print_loss};
static const cli_view loss_list_view = {NULL, loss_cols, print_loss_list};

static int call_loss_report(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_trace_loss_report(db, out, in);
}

static int cmd_loss_report(const cli_env *env, const cli_args *a)
{
	if (a->npos || (!cli_opt(a, "from") && !cli_opt(a, "file") && !cli_opt(a, "item") && !cli_opt(a, "serial")))
		return cli_usage(
		    env, "usage: wam loss report (--item ID | --serial S ... | --from FILE|-) --kind lost|stolen "
		         "--date YYYY-MM-DD --circumstances T --reported-by NAME\n"
		         "(ammunition lost or stolen: lines in the --from report's `ammunition` list)");
	int rc = 0;
	json_t *in = cli_read_body(env, a, "the report", &rc);
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
	return cli_run(env, a, true, call_loss_report, in, &loss_view);
}

static int call_loss_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_trace_loss_list(db, out, cli_flag(a, "open"));
}

static int cmd_loss_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam loss list [--open]");
	return cli_run(env, a, false, call_loss_list, NULL, &loss_list_view);
}

static int call_loss_close(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_trace_loss_close(db, out, a->pos[0], in);
}

static int cmd_loss_close(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam loss close REPORT --reason WHY [--recovery ID]");
	json_t *in = json_object();
	cli_set_opt(in, a, "reason", "reason");
	cli_set_opt(in, a, "recovery", "recovery_id");
	return cli_run(env, a, true, call_loss_close, in, &loss_view);
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
		if (wam_file_create_temp(&f, tmp, sizeof tmp, to, "out"))
			return cli_fail(env, WAM_EIO);
	}
	wam_db *db;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_loss_export(db, f);
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

/* Two serial keys drawn one above the other, column by column. */
typedef struct aligned {
	char rec[160], reg[160], mark[160]; /* recovered, registered, '^' under each edit */
	size_t k;
} aligned;

/* Adds a column: what each side shows there, and whether an edit is. False
 * when there is no more room. */
static bool column(aligned *o, char rec, char reg, bool edited)
{
	if (o->k + 1 >= sizeof o->rec)
		return false;
	o->rec[o->k] = rec;
	o->reg[o->k] = reg;
	o->mark[o->k] = edited ? '^' : ' ';
	o->k++;
	o->rec[o->k] = o->reg[o->k] = o->mark[o->k] = '\0';
	return true;
}

/* Aligns the recovered weapon's key `q` (the query) and the registered
 * one's `s` as the matcher's `edits` say they differ — the edits the
 * console marks — so a misread is drawn where the matcher found it,
 * whatever the scripts the serials were marked in (a Latin T and a
 * Cyrillic Т have one key): '-' for a character only the other has, '^'
 * under each column an edit touched. False when the edits do not walk the
 * two keys (a '*' standing for several characters, a fragment, a key that
 * is not ASCII): then nothing is drawn. */
static bool align_by_edits(aligned *o, const char *q, const char *s, const json_t *edits)
{
	size_t n = strlen(q), m = strlen(s), qi = 0, sj = 0, i;
	o->k = 0;
	for (const char *c = q; *c; c++)
		if ((unsigned char)*c >= 0x80)
			return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c >= 0x80)
			return false;
	const json_t *e;
	json_array_foreach(edits, i, e)
	{
		const char *op = cli_text(e, "op");
		json_int_t qpos = json_integer_value(json_object_get(e, "query_pos"));
		json_int_t spos = json_integer_value(json_object_get(e, "serial_pos"));
		bool insert = !strcmp(op, "insert"), del = !strcmp(op, "delete"), swap = !strcmp(op, "transpose");
		if (!strcmp(cli_text(e, "query"), "*"))
			return false;
		/* the characters before the edit agree: walk both keys to it (an
		 * insertion's place is the registered key's, a deletion's the
		 * recovered one's) */
		json_int_t to_q = insert ? (json_int_t)qi + (spos - (json_int_t)sj) : qpos;
		json_int_t to_s = del ? (json_int_t)sj + (qpos - (json_int_t)qi) : spos;
		if (to_q < (json_int_t)qi || to_s < (json_int_t)sj || to_q - (json_int_t)qi != to_s - (json_int_t)sj ||
		    to_q > (json_int_t)n || to_s > (json_int_t)m)
			return false;
		for (; qi < (size_t)to_q; qi++, sj++)
			if (q[qi] != s[sj] || !column(o, q[qi], s[sj], false))
				return false;
		for (int w = 0; w < (swap ? 2 : 1); w++) {
			if ((!insert && qi >= n) || (!del && sj >= m) ||
			    !column(o, insert ? '-' : q[qi], del ? '-' : s[sj], true))
				return false;
			qi += !insert;
			sj += !del;
		}
	}
	if (n - qi != m - sj || strcmp(q + qi, s + sj))
		return false;
	for (; qi < n; qi++)
		if (!column(o, q[qi], q[qi], false))
			return false;
	return true;
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

/* A row of the comparison; `diff` marks a field that differs. */
static void add_row(json_t *rows, const char *field, json_t *rec, json_t *reg, bool differs)
{
	json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:s}", "field", field, "recovered", rec, "registered",
	                                      reg, "diff", differs ? "≠" : ""));
}

/* A weapon's holder as "name (type)", from the `holder` wam hit show adds. */
static json_t *holder_text(const json_t *item)
{
	const json_t *h = json_object_get(item, "holder");
	char buf[256] = "";
	if (json_is_object(h))
		snprintf(buf, sizeof buf, "%s%s%s%s", cli_text(h, "name"), *cli_text(h, "type") ? " (" : "",
		         cli_text(h, "type"), *cli_text(h, "type") ? ")" : "");
	return json_string(buf);
}

/* The serials: their keys aligned as the matcher's edits say they differ,
 * '^' under each character an edit touched (the console marks the same),
 * then the serials as marked on the weapons. */
static void add_serial_rows(json_t *rows, const json_t *hit, const json_t *rec, const json_t *reg)
{
	const char *q = cli_text(rec, "serial_key"), *s = cli_text(reg, "serial_key");
	aligned o;
	bool keys_differ = strcmp(q, s) != 0;
	if (keys_differ && align_by_edits(&o, q, s, json_object_get(hit, "edits"))) {
		add_row(rows, "serial", json_string(o.rec), json_string(o.reg), true);
		add_row(rows, "", json_string(o.mark), json_string(o.mark), false);
	} else {
		/* the same key, or edits that do not walk it: the keys as they are
		 * and the edits line above says what differs */
		add_row(rows, "serial", json_string(q), json_string(s), keys_differ);
	}
	json_t *x = as_text(json_object_get(rec, "serial")), *y = as_text(json_object_get(reg, "serial"));
	add_row(rows, "as marked", x, y, !json_equal(x, y));
}

/* Both weapons side by side, one line a field; `≠` marks a field that
 * differs. */
static void print_side_by_side(const json_t *hit)
{
	static const char *const fields[] = {"id",       "serial",    "make",   "model",    "calibre",
	                                     "category", "country",   "year",   "status",   "marking_status",
	                                     "site_id",  "holder_id", "holder", "markings", NULL};
	static const cli_column cols[] = {{"", "field", 0},
	                                  {"RECOVERED", "recovered", 40},
	                                  {"REGISTERED", "registered", 40},
	                                  {"", "diff", 0},
	                                  {NULL, NULL, 0}};
	const json_t *rec = json_object_get(hit, "recovered"), *reg = json_object_get(hit, "registered");
	json_t *rows = json_array();
	for (int f = 0; fields[f]; f++) {
		const char *k = fields[f];
		if (!strcmp(k, "serial")) {
			add_serial_rows(rows, hit, rec, reg);
			continue;
		}
		json_t *x, *y;
		if (!strcmp(k, "markings"))
			x = markings_text(rec), y = markings_text(reg);
		else if (!strcmp(k, "holder"))
			x = holder_text(rec), y = holder_text(reg);
		else
			x = as_text(json_object_get(rec, k)), y = as_text(json_object_get(reg, k));
		/* two records by definition */
		add_row(rows, k, x, y, strcmp(k, "id") && !json_equal(x, y));
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
	print_side_by_side(h);
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
		rc = wam_trace_hit_list(db, &out, &f);
		rc = cli_show(env, rc, out, &hit_list_view);
		wam_db_close(db);
	}
	return rc;
}

static int call_hit_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_trace_hit_get(db, out, a->pos[0]);
}

static int cmd_hit_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam hit show ID");
	return cli_run(env, a, false, call_hit_show, NULL, &hit_view);
}

static int call_decide(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_trace_hit_decide(db, out, a->pos[0], in);
}

static int decide(const cli_env *env, const cli_args *a, const char *decision)
{
	json_t *in = json_pack("{s:s}", "decision", decision);
	cli_set_opt(in, a, "reason", "reason");
	cli_set_opt(in, a, "category", "point_of_diversion.category");
	cli_set_opt(in, a, "country", "point_of_diversion.country");
	cli_set_opt(in, a, "date", "point_of_diversion.date");
	cli_set_opt(in, a, "description", "point_of_diversion.description");
	if (!cli_opt(a, "category") && (cli_opt(a, "country") || cli_opt(a, "date") || cli_opt(a, "description"))) {
		/* the library would name point_of_diversion.category, a field of
		 * the API: here it is a flag */
		json_decref(in);
		wam_error_set(
		    WAM_EINVAL, "point_of_diversion.category",
		    "--country, --date and --description describe the point of diversion: give its --category "
		    "too (illicit_manufacture, civilian_holder, state_stocks, transfer_export or other), or none "
		    "of them to take it from the registered weapon's holder");
		return cli_fail(env, WAM_EINVAL);
	}
	return cli_run(env, a, true, call_decide, in, &hit_view);
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

static int call_scan(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_trace_hit_scan(db, out, cli_opt(a, "recovery"));
}

static int cmd_hit_scan(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam hit scan [--recovery ID]");
	static const cli_view view = {NULL, NULL, print_scan};
	return cli_run(env, a, true, call_scan, NULL, &view);
}

/* ---- origins established otherwise ---- */

static int call_origin(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_trace_origin_establish(db, out, a->pos[0], in);
}

static int cmd_origin(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam origin WEAPON --method investigation|intelligence|other --category C "
		                      "[--country CC] [--date D] [--description T]");
	json_t *in = json_object();
	static const char *const keys[] = {"method", "category", "country", "date", "description"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		cli_set_opt(in, a, keys[i], keys[i]);
	static const char *const origin_keys[] = {"item_id", "method",      "category", "country",
	                                          "date",    "description", "seq",      NULL};
	static const cli_view view = {origin_keys, NULL, NULL};
	return cli_run(env, a, true, call_origin, in, &view);
}

static const char *const loss_valued[] = {"from",          "file",        "item",     "kind",       "date",   "place",
                                          "circumstances", "reported-by", "agency",   "police-ref", "serial", "make",
                                          "model",         "calibre",     "category", "country",    NULL};
static const char *const open_flag[] = {"open", NULL};
static const char *const close_valued[] = {"reason", "recovery", NULL};
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
     "report a weapon lost or stolen (a registry weapon, or one it does not hold yet; ammunition lines: --from FILE); "
     "recoveries are searched for it"},
    {"loss list", no_opts, open_flag, cmd_loss_list, "loss list [--open]",
     "loss reports, newest first; --open: weapons still lost or stolen, and ammunition-only reports not closed"},
    {"loss close", close_valued, no_opts, cmd_loss_close, "loss close REPORT --reason WHY [--recovery ID]",
     "close a loss report of ammunition only (the rounds recovered, or no loss after all); a weapon's report closes "
     "when its status changes"},
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
