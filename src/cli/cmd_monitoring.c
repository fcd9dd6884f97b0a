/* Embargo monitoring commands: wam observation, finding, profile, evidence
 * and report committee (docs/cli.md#monitoring; the library is
 * include/wam/monitoring.h, its fields and rules docs/monitoring.md).
 *
 * An observation or a finding is a JSON body (--from FILE|-) as the library
 * takes it. Photos of an observation may be named there by file
 * ({"file": "photos/ak.jpg", "caption": ...}, read relative to the JSON
 * file's directory) wherever a photo's hash may stand: they are stored and
 * replaced by their hash in the same transaction as the observation. What
 * the library says in words (the evidence rule's verdict, a screening, why
 * a pack does not verify) is printed as it says it; --json prints the
 * library's JSON as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "wam/monitoring.h"

static const char *const no_opts[] = {NULL};

/* ---- showing records ---- */

/* "name, admin area, CC (lat, lon)" of a place, into `buf`. */
static const char *place_text(const json_t *p, char *buf, size_t cap)
{
	const json_t *lat = json_object_get(p, "lat"), *lon = json_object_get(p, "lon");
	int k = snprintf(buf, cap, "%s%s%s%s%s", cli_text(p, "name"), *cli_text(p, "name") ? ", " : "",
	                 cli_text(p, "admin_area"), *cli_text(p, "admin_area") ? ", " : "", cli_text(p, "country"));
	if (json_is_number(lat) && json_is_number(lon) && k >= 0 && (size_t)k < cap)
		snprintf(buf + k, cap - (size_t)k, " (%.5f, %.5f)", json_number_value(lat), json_number_value(lon));
	return buf;
}

/* A copy of `o` with nested members a table or a record shows as words:
 * place as its text, actor as its name, `country` and `area` of the place,
 * `observed_on` the date of observed_at (a date or a date and time as
 * recorded): one form in a column, so that newest first reads as such. */
static json_t *flat(const json_t *o)
{
	json_t *c = json_deep_copy(o);
	const char *at = cli_text(o, "observed_at");
	if (*at)
		json_object_set_new(c, "observed_on", json_stringn(at, strnlen(at, 10)));
	const json_t *place = json_object_get(o, "place"), *actor = json_object_get(o, "actor");
	char buf[512];
	if (json_is_object(place)) {
		json_object_set_new(c, "country", json_string(cli_text(place, "country")));
		json_object_set_new(c, "area", json_string(cli_text(place, "admin_area")));
		json_object_set_new(c, "place", json_string(place_text(place, buf, sizeof buf)));
	}
	if (json_is_object(actor)) {
		snprintf(buf, sizeof buf, "%s (%s%s%s)", cli_text(actor, "name"), cli_text(actor, "kind"),
		         *cli_text(actor, "country") ? ", " : "", cli_text(actor, "country"));
		json_object_set_new(c, "actor", json_string(buf));
		json_object_set_new(c, "actor_name", json_string(cli_text(actor, "name")));
	}
	static const char *const who[] = {"recorded_by", "created_by"};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		const json_t *p = json_object_get(o, who[i]);
		if (json_is_object(p)) {
			snprintf(buf, sizeof buf, "%s (%s)", cli_text(p, "name"), cli_text(p, "kind"));
			json_object_set_new(c, who[i], json_string(buf));
		}
	}
	const json_t *rule = json_object_get(o, "rule"), *rep = json_object_get(o, "reported");
	if (json_is_object(rule))
		json_object_set(c, "holds", json_object_get(rule, "holds"));
	if (json_is_object(rep)) {
		snprintf(buf, sizeof buf, "%s, %s", cli_text(rep, "date"), cli_text(rep, "to"));
		json_object_set_new(c, "reported_to", json_string(buf));
	}
	const json_t *period = json_object_get(o, "period");
	if (json_is_object(period)) {
		snprintf(buf, sizeof buf, "%s to %s", cli_text(period, "from"), cli_text(period, "to"));
		json_object_set_new(c, "period", json_string(buf));
	}
	return c;
}

/* Rows flattened as flat() does, as a table. */
static void print_flat_rows(const char *title, const cli_column *cols, const json_t *rows)
{
	json_t *c = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) json_array_append_new(c, flat(r));
	if (title)
		cli_print_list(title, cols, c);
	else
		cli_print_rows(cols, c);
	json_decref(c);
}

static const cli_column observation_cols[] = {
    {"ID", "id", 0},           {"OBSERVED", "observed_on", 0}, {"KIND", "kind", 0},       {"COUNTRY", "country", 0},
    {"AREA", "area", 20},      {"ACTOR", "actor_name", 28},    {"WEAPONS", "weapons", 0}, {"ROUNDS", "rounds", 0},
    {"SOURCES", "sources", 0}, {"FINDINGS", "findings", 0},    {"LINKS", "links", 0},     {NULL, NULL, 0}};

static void print_observations(const json_t *rows)
{
	print_flat_rows(NULL, observation_cols, rows);
}

static const char *const observation_keys[] = {"id",          "kind",      "observed_at", "place",  "unit",
                                               "officer",     "reference", "actor",       "regime", "recorded_by",
                                               "recorded_at", "notes",     NULL};

/* Sources with their grade as one word ("B2") and the identity when the
 * library opened it, else whether one is held. */
static void print_sources(const json_t *sources)
{
	static const cli_column cols[] = {
	    {"#", "n", 0},           {"TYPE", "type", 0}, {"INDEPENDENT", "independent", 0},
	    {"GRADE", "grade", 0},   {"REF", "ref", 0},   {"DESCRIPTION", "description", 40},
	    {"IDENTITY", "who", 40}, {NULL, NULL, 0}};
	json_t *rows = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(sources, i, s)
	{
		json_t *r = json_deep_copy(s);
		char grade[16];
		const json_t *cred = json_object_get(s, "credibility");
		if (json_is_integer(cred))
			snprintf(grade, sizeof grade, "%s%lld", cli_text(s, "reliability"),
			         (long long)json_integer_value(cred));
		else
			snprintf(grade, sizeof grade, "%s%s", cli_text(s, "reliability"), cli_text(s, "credibility"));
		json_object_set_new(r, "n", json_integer((json_int_t)i));
		json_object_set_new(r, "grade", json_string(grade));
		const char *who = json_is_string(json_object_get(s, "identity"))
		                      ? cli_text(s, "identity")
		                      : (json_is_true(json_object_get(s, "identity_held")) ? "(held, not shown)" : "");
		json_object_set_new(r, "who", json_string(who));
		json_array_append_new(rows, r);
	}
	cli_print_list("sources", cols, rows);
	json_decref(rows);
}

/* Items one a line, then each one's markings. */
static void print_items(const json_t *items)
{
	static const cli_column cols[] = {{"#", "n", 0},
	                                  {"KIND", "kind", 0},
	                                  {"MAKE", "make", 16},
	                                  {"MODEL", "model", 16},
	                                  {"CATEGORY", "category", 0},
	                                  {"CALIBRE", "calibre", 0},
	                                  {"SERIAL", "serial", 20},
	                                  {"HEADSTAMP", "stamp", 20},
	                                  {"LOT", "lot", 16},
	                                  {"QUANTITY", "quantity", 0},
	                                  {"PHOTOS", "nphotos", 0},
	                                  {NULL, NULL, 0}};
	static const cli_column marking_cols[] = {{"ITEM", "n", 0},
	                                          {"COMPONENT", "component", 0},
	                                          {"KIND", "kind", 0},
	                                          {"TEXT", "text", 50},
	                                          {NULL, NULL, 0}};
	json_t *rows = json_array(), *marks = json_array();
	size_t i, j;
	const json_t *it, *m;
	json_array_foreach(items, i, it)
	{
		json_t *r = json_deep_copy(it);
		json_object_set_new(r, "n", json_integer((json_int_t)i));
		json_object_set_new(r, "stamp", json_string(cli_text(json_object_get(it, "headstamp"), "text")));
		json_object_set_new(r, "nphotos",
		                    json_integer((json_int_t)json_array_size(json_object_get(it, "photos"))));
		json_array_append_new(rows, r);
		json_array_foreach(json_object_get(it, "markings"), j, m)
		{
			json_t *mr = json_deep_copy(m);
			json_object_set_new(mr, "n", json_integer((json_int_t)i));
			json_array_append_new(marks, mr);
		}
	}
	cli_print_list("items", cols, rows);
	if (json_array_size(marks))
		cli_print_list("markings", marking_cols, marks);
	json_decref(rows);
	json_decref(marks);
}

static void print_observation(const json_t *o)
{
	json_t *c = flat(o);
	cli_print_words(observation_keys, c);
	json_decref(c);
	const json_t *s = json_object_get(o, "screening");
	if (json_is_object(s)) {
		const json_t *f = json_object_get(s, "findings");
		if (json_is_true(json_object_get(s, "clear")))
			printf("actor screening: clear\n");
		else
			printf("actor screening: NOT clear, %zu finding%s\n", json_array_size(f),
			       json_array_size(f) == 1 ? "" : "s");
		cli_print_findings(f, "  ");
	}
	print_sources(json_object_get(o, "sources"));
	print_items(json_object_get(o, "items"));
	static const cli_column doc_cols[] = {{"KIND", "kind", 0},
	                                      {"NUMBER", "number", 0},
	                                      {"ISSUER", "issuer", 30},
	                                      {"DATE", "date", 0},
	                                      {"DESCRIPTION", "description", 40},
	                                      {NULL, NULL, 0}};
	static const cli_column photo_cols[] = {{"HASH", "hash", 0}, {"CAPTION", "caption", 50}, {NULL, NULL, 0}};
	static const cli_column match_cols[] = {{"ITEM", "item", 0},      {"REGISTRY WEAPON", "item_id", 0},
	                                        {"SERIAL", "serial", 20}, {"MAKE", "make", 16},
	                                        {"CLASS", "class", 0},    {"SCORE", "score", 0},
	                                        {NULL, NULL, 0}};
	static const cli_column link_cols[] = {
	    {"ITEM", "item", 0},    {"OBSERVATION", "observation_id", 0}, {"OBSERVED", "observed_on", 0},
	    {"PLACE", "place", 30}, {"ACTOR", "actor_name", 24},          {"WHY", "why", 0},
	    {NULL, NULL, 0}};
	static const cli_column finding_cols[] = {
	    {"FINDING", "id", 0}, {"STATE", "state", 0}, {"STATEMENT", "statement", 60}, {NULL, NULL, 0}};
	static const cli_column trace_cols[] = {
	    {"ITEM", "item", 0}, {"TRACE REQUEST", "request_id", 0}, {"STATE", "state", 0}, {NULL, NULL, 0}};
	cli_print_list("documents", doc_cols, json_object_get(o, "documents"));
	cli_print_list("photos", photo_cols, json_object_get(o, "photos"));
	cli_print_list("registry matches", match_cols, json_object_get(o, "matches"));
	print_flat_rows("seen elsewhere", link_cols, json_object_get(o, "links"));
	cli_print_list("findings", finding_cols, json_object_get(o, "findings"));
	cli_print_list("trace requests", trace_cols, json_object_get(o, "traces"));
}

static const cli_view observation_view = {observation_keys, NULL, print_observation};
static const cli_view observation_list_view = {NULL, observation_cols, print_observations};

/* The evidence rule's verdict in words, as the library gives it. */
static void print_rule(const json_t *v)
{
	bool holds = json_is_true(json_object_get(v, "holds"));
	printf("evidence rule (R13): %s%s%s%s\n", holds ? "holds" : "does not hold", holds ? " (" : "",
	       holds ? cli_text(v, "rule") : "", holds ? ")" : "");
	printf("  %s\n", cli_text(v, "message"));
	printf("  independent sources %lld, physical inspection %s, documentary %s\n",
	       (long long)json_integer_value(json_object_get(v, "independent_sources")),
	       json_is_true(json_object_get(v, "physical")) ? "yes" : "no",
	       json_is_true(json_object_get(v, "documentary")) ? "yes" : "no");
}

static const char *const finding_keys[] = {"id",      "state",      "statement",    "regime",     "actor",
                                           "period",  "country",    "notes",        "supersedes", "superseded_by",
                                           "created", "created_by", "corroborated", NULL};
static const cli_column finding_cols[] = {{"ID", "id", 0},
                                          {"STATE", "state", 0},
                                          {"STATEMENT", "statement", 50},
                                          {"REGIME", "regime", 0},
                                          {"ACTOR", "actor_name", 24},
                                          {"COUNTRY", "country", 0},
                                          {"CREATED", "created", 0},
                                          {"LINKS", "links", 0},
                                          {"RULE HOLDS", "holds", 0},
                                          {NULL, NULL, 0}};

static void print_finding(const json_t *f)
{
	json_t *c = flat(f);
	cli_print_words(finding_keys, c);
	json_decref(c);
	const json_t *rep = json_object_get(f, "reported");
	if (json_is_object(rep))
		cli_print_joined(13, "reported", cli_text(rep, "date"), cli_text(rep, "to"), cli_text(rep, "reference"),
		                 NULL);
	else
		cli_print_joined(13, "reported", NULL);
	if (json_is_object(json_object_get(f, "rule"))) {
		putchar('\n');
		print_rule(json_object_get(f, "rule"));
	}
	static const cli_column link_cols[] = {{"KIND", "kind", 0}, {"TARGET", "target", 0}, {"WHAT", "label", 50},
	                                       {"DATE", "date", 0}, {"NOTE", "note", 40},    {NULL, NULL, 0}};
	cli_print_list("evidence", link_cols, json_object_get(f, "links"));
}

static void print_findings_list(const json_t *rows)
{
	print_flat_rows(NULL, finding_cols, rows);
}

static const cli_view finding_view = {finding_keys, NULL, print_finding};
static const cli_view finding_list_view = {NULL, finding_cols, print_findings_list};
static const cli_view rule_view = {NULL, NULL, print_rule};

/* ---- observations ---- */

/* The directory of the JSON file `from` ("." for standard input), into
 * `dir`. */
static void dir_of(const char *from, char *dir, size_t cap)
{
	const char *slash = strcmp(from, "-") ? strrchr(from, '/') : NULL;
	if (!slash)
		snprintf(dir, cap, ".");
	else if (slash == from)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - from), from);
}

/* Photos named by file in array `list` (at `where`, e.g. "items[2].photos")
 * stored and replaced by their hash: a string where the list holds hashes,
 * {hash, caption} in the observation's own photos (`keep_object`). */
static int store_photos(const cli_env *env, wam_db *db, json_t *list, const char *where, const char *dir,
                        bool keep_object, int *exit_rc)
{
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
	{
		const json_t *file = json_object_get(p, "file");
		if (!json_is_object(p) || !file)
			continue;
		char field[128], path[4096];
		snprintf(field, sizeof field, "%s[%zu].file", where, i);
		if (!json_is_string(file) || !*json_string_value(file)) {
			*exit_rc = cli_fail(env, wam_error_set(WAM_EINVAL, field, "a photo's file is a path (text)"));
			return WAM_EINVAL;
		}
		const char *name = json_string_value(file);
		snprintf(path, sizeof path, "%s%s%s", name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/", name);
		char *bytes = NULL;
		size_t n = 0;
		if ((*exit_rc = cli_read_file(env, path, field, &bytes, &n)))
			return WAM_EIO;
		json_t *added = NULL;
		int rc = wam_photo_add(db, &added, bytes, n, NULL);
		free(bytes);
		if (rc) {
			/* the store names "photo": the file is what the user wrote */
			const wam_error *e = wam_error_last();
			char msg[sizeof e->message];
			snprintf(msg, sizeof msg, "%s", e->message);
			*exit_rc = cli_fail(env, wam_error_set(rc, field, "%s: %s", path, msg));
			return rc;
		}
		json_t *hash = json_object_get(added, "hash");
		if (keep_object) {
			json_object_set(p, "hash", hash);
			json_object_del(p, "file");
		} else {
			json_array_set(list, i, hash);
		}
		json_decref(added);
	}
	return 0;
}

/* Every photo named by file in the observation `in` stored (see above). */
static int store_all_photos(const cli_env *env, wam_db *db, json_t *in, const char *dir, int *exit_rc)
{
	static const char *const lists[] = {"items", "documents"};
	int rc = store_photos(env, db, json_object_get(in, "photos"), "photos", dir, true, exit_rc);
	for (size_t l = 0; !rc && l < sizeof lists / sizeof lists[0]; l++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(in, lists[l]), i, x)
		{
			char where[64];
			snprintf(where, sizeof where, "%s[%zu].photos", lists[l], i);
			if ((rc = store_photos(env, db, json_object_get(x, "photos"), where, dir, false, exit_rc)))
				break;
		}
	}
	return rc;
}

static int cmd_observation_add(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam observation add --from FILE|-");
	json_t *in = cli_read_body(env, a, "the observation", &rc);
	if (!in)
		return rc;
	char dir[4096];
	dir_of(cli_opt(a, "from"), dir, sizeof dir);
	wam_db *db;
	if ((rc = cli_open(env, &db, true))) {
		json_decref(in);
		return rc;
	}
	/* the photos and the observation: one transaction */
	json_t *out = NULL;
	int exit_rc = 0;
	int err = wam_db_begin(db);
	if (!err && !(err = store_all_photos(env, db, in, dir, &exit_rc)) &&
	    !(err = wam_monitoring_observation_add(db, &out, in)))
		err = wam_db_commit(db);
	if (err)
		wam_db_rollback(db);
	json_decref(in);
	if (exit_rc) { /* printed already */
		wam_db_close(db);
		return exit_rc;
	}
	rc = cli_show(env, err, out, &observation_view);
	wam_db_close(db);
	return rc;
}

static int call_observation_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	long limit = 0;
	int rc = cli_opt_long(a, "limit", "limit", &limit);
	if (rc)
		return rc;
	if (limit < 0 || limit > 1000000)
		return wam_error_set(WAM_EINVAL, "limit", "--%s takes a whole number, not '%.40s'", "limit",
		                     cli_opt(a, "limit"));
	wam_observation_filter f = {.actor = cli_opt(a, "actor"),
	                            .country = cli_opt(a, "country"),
	                            .kind = cli_opt(a, "kind"),
	                            .regime = cli_opt(a, "regime"),
	                            .since = cli_opt(a, "since"),
	                            .until = cli_opt(a, "until"),
	                            .limit = (int)limit};
	return wam_monitoring_observation_list(db, out, &f);
}

static int cmd_observation_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam observation list [--actor A] [--country CC] [--kind K] [--regime R] "
		                      "[--since D] [--until D] [--limit N]");
	return cli_run(env, a, false, call_observation_list, NULL, &observation_list_view);
}

static int call_observation_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_observation_get(db, out, a->pos[0]);
}

static int cmd_observation_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam observation show OBS");
	/* writable: opening a source's identity is a logged read */
	return cli_run(env, a, true, call_observation_show, NULL, &observation_view);
}

static int call_observation_trace(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	long item = -1;
	int rc = cli_opt_long(a, "item", "item", &item);
	if (rc)
		return rc;
	if (item < 0 || item > 100000)
		return wam_error_set(WAM_EINVAL, "item", "--%s takes a whole number, not '%.40s'", "item",
		                     cli_opt(a, "item"));
	return wam_monitoring_observation_trace(db, out, a->pos[0], (int)item, json_object_size(in) ? in : NULL);
}

static int cmd_observation_trace(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"requested-state", "requested.state"},
	                                  {"requested-kind", "requested.kind"},
	                                  {"requested-name", "requested.name"},
	                                  {NULL, NULL}};
	static const char *const keys[] = {"id",      "direction",      "state",   "reference",
	                                   "item_id", "illicit_reason", "created", NULL};
	static const cli_view view = {keys, NULL, NULL};
	int rc = 0;
	if (a->npos != 1 || !cli_opt(a, "item"))
		return cli_usage(env, "usage: wam observation trace OBS --item N [--from details.json] "
		                      "[--requested-state CC | --requested-kind K --requested-name N]");
	if (cli_opt(a, "requested-state") && (cli_opt(a, "requested-kind") || cli_opt(a, "requested-name")))
		return cli_usage(env, "--requested-state asks a state; --requested-kind and --requested-name another "
		                      "party: give one or the other");
	json_t *in = cli_body(env, a, "the trace request's details", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_observation_trace, in, &view);
}

/* ---- findings ---- */

static int call_finding_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_monitoring_finding_add(db, out, in);
}

static int cmd_finding_add(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam finding add --from FILE|-");
	json_t *in = cli_read_body(env, a, "the finding", &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_finding_add, in, &finding_view);
}

static int call_finding_link(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_link(db, out, a->pos[0], a->pos[1], cli_opt(a, "note"));
}

static int cmd_finding_link(const cli_env *env, const cli_args *a)
{
	if (a->npos != 2)
		return cli_usage(env, "usage: wam finding link FINDING OBSERVATION|TRACE|HIT [--note T]");
	return cli_run(env, a, true, call_finding_link, NULL, &finding_view);
}

static int call_finding_unlink(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_unlink(db, out, a->pos[0], a->pos[1]);
}

static int cmd_finding_unlink(const cli_env *env, const cli_args *a)
{
	if (a->npos != 2)
		return cli_usage(env, "usage: wam finding unlink FINDING TARGET");
	return cli_run(env, a, true, call_finding_unlink, NULL, &finding_view);
}

static int call_finding_rule(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_rule(db, out, a->pos[0]);
}

static int cmd_finding_rule(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam finding rule FINDING");
	return cli_run(env, a, false, call_finding_rule, NULL, &rule_view);
}

static int call_finding_corroborate(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_corroborate(db, out, a->pos[0]);
}

static int cmd_finding_corroborate(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam finding corroborate FINDING");
	return cli_run(env, a, true, call_finding_corroborate, NULL, &finding_view);
}

static int call_finding_report(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_monitoring_finding_report(db, out, a->pos[0], in);
}

static int cmd_finding_report(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || !cli_opt(a, "to"))
		return cli_usage(env, "usage: wam finding report FINDING --to \"Panel of Experts ...\" [--date D] "
		                      "[--reference R]");
	json_t *in = json_object();
	cli_set_opt(in, a, "to", "to");
	cli_set_opt(in, a, "date", "date");
	cli_set_opt(in, a, "reference", "reference");
	return cli_run(env, a, true, call_finding_report, in, &finding_view);
}

static int call_finding_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_get(db, out, a->pos[0]);
}

static int cmd_finding_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam finding show FINDING");
	return cli_run(env, a, false, call_finding_show, NULL, &finding_view);
}

static int call_finding_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_finding_list(db, out, cli_opt(a, "state"), cli_opt(a, "regime"));
}

static int cmd_finding_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam finding list [--state draft|corroborated|reported] [--regime R]");
	return cli_run(env, a, false, call_finding_list, NULL, &finding_list_view);
}

/* ---- profiles ---- */

/* A by_* breakdown: each key with its count, first and last seen, the
 * observations behind it, and the imports when they were compared. */
static void print_by(const char *title, const json_t *list)
{
	static const cli_column cols[] = {{"KEY", "key", 30},
	                                  {"COUNT", "count", 0},
	                                  {"FIRST SEEN", "first_seen", 0},
	                                  {"LAST SEEN", "last_seen", 0},
	                                  {"OBSERVATIONS", "observations", 0},
	                                  {NULL, NULL, 0}};
	static const cli_column compared[] = {{"KEY", "key", 30},
	                                      {"COUNT", "count", 0},
	                                      {"FIRST SEEN", "first_seen", 0},
	                                      {"LAST SEEN", "last_seen", 0},
	                                      {"IMPORTS", "imports", 0},
	                                      {"LAWFUL IMPORT", "lawful_import", 0},
	                                      {"OBSERVATIONS", "observations", 0},
	                                      {NULL, NULL, 0}};
	if (!json_array_size(list))
		return;
	/* the observations behind a figure counted: their ids do not fit a
	 * column (print_profile says where they are) */
	json_t *rows = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(list, i, r)
	{
		json_t *c = json_deep_copy(r);
		const json_t *ids = json_object_get(r, "observations");
		if (json_is_array(ids))
			json_object_set_new(c, "observations", json_integer((json_int_t)json_array_size(ids)));
		json_array_append_new(rows, c);
	}
	cli_print_list(title, json_object_get(json_array_get(list, 0), "lawful_import") ? compared : cols, rows);
	json_decref(rows);
}

/* `s` as one shell word (as it is when safe, else in single quotes, a quote
 * inside as '\'') into `buf`:
 * a command printed for the user to copy. */
static const char *shell_word(const char *s, char *buf, size_t cap)
{
	size_t n = 0;
	if (cap < 3)
		return "";
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s)) {
		snprintf(buf, cap, "%s", s);
		return buf;
	}
	buf[n++] = '\'';
	for (; *s && n + 5 < cap; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

static void print_profile(const json_t *p)
{
	const json_t *w = json_object_get(p, "weapons"), *am = json_object_get(p, "ammunition");
	bool actor = *cli_text(p, "actor");
	if (actor)
		printf("actor %s\n", cli_text(p, "actor"));
	else
		printf("country %s\n", cli_text(p, "country"));
	long long seen = (long long)json_integer_value(json_object_get(p, "observations"));
	if (!seen || !*cli_text(p, "first_seen"))
		printf("observations %lld, never seen\n", seen);
	else
		printf("observations %lld, first seen %s, last seen %s\n", seen, cli_text(p, "first_seen"),
		       cli_text(p, "last_seen"));
	printf("weapons %lld, rounds %lld\n", (long long)json_integer_value(json_object_get(w, "total")),
	       (long long)json_integer_value(json_object_get(am, "rounds")));
	print_by("weapons by category", json_object_get(w, "by_category"));
	print_by("weapons by make", json_object_get(w, "by_make"));
	print_by("weapons by country of manufacture", json_object_get(w, "by_country"));
	print_by("weapons by year of manufacture", json_object_get(w, "by_year"));
	print_by("ammunition by calibre", json_object_get(am, "by_calibre"));
	print_by("ammunition by factory", json_object_get(am, "by_factory"));
	print_by("ammunition by year", json_object_get(am, "by_year"));
	print_by("by actor", json_object_get(p, "by_actor"));
	static const cli_column timeline_cols[] = {{"MONTH", "month", 0},
	                                           {"OBSERVATIONS", "observations", 0},
	                                           {"WEAPONS", "weapons", 0},
	                                           {"ROUNDS", "rounds", 0},
	                                           {NULL, NULL, 0}};
	cli_print_list("timeline", timeline_cols, json_object_get(p, "timeline"));
	if (seen) {
		/* where the ids counted in OBSERVATIONS are, as commands to copy */
		char word[600];
		const char *who = shell_word(cli_text(p, actor ? "actor" : "country"), word, sizeof word);
		printf("\nthe observations behind each figure, by id: wam --json profile %s %s%s (each row's "
		       "observations); the observations: wam observation list --%s %s\n",
		       actor ? "actor" : "country", who,
		       !actor && json_object_get(
		                     json_array_get(json_object_get(json_object_get(p, "weapons"), "by_category"), 0),
		                     "lawful_import")
		           ? " --compare-imports"
		           : "",
		       actor ? "actor" : "country", who);
	}
}

static const cli_view profile_view = {NULL, NULL, print_profile};

static int call_profile_actor(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_profile_actor(db, out, a->pos[0]);
}

static int cmd_profile_actor(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam profile actor NAME");
	return cli_run(env, a, false, call_profile_actor, NULL, &profile_view);
}

static int call_profile_country(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_profile_country(db, out, a->pos[0], cli_flag(a, "compare-imports"));
}

static int cmd_profile_country(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam profile country CC [--compare-imports]");
	return cli_run(env, a, false, call_profile_country, NULL, &profile_view);
}

/* ---- evidence packs ---- */

static void print_pack(const json_t *p)
{
	printf("%s: %lld files, %lld bytes, manifest %s%s\n", cli_text(p, "path"),
	       (long long)json_integer_value(json_object_get(p, "files")),
	       (long long)json_integer_value(json_object_get(p, "bytes")), cli_text(p, "manifest_hash"),
	       json_is_true(json_object_get(p, "redacted")) ? ", sources redacted" : "");
	if (!json_is_true(json_object_get(p, "redacted")))
		printf("note: the pack carries the sources' identities, refs and descriptions as you may see them: "
		       "for the cell's own use; for a Panel or anyone else, make it with --redact-sources\n");
}

static int call_evidence_pack(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_monitoring_evidence_pack(db, out, a->pos[0], cli_opt(a, "out"),
	                                    cli_flag(a, "redact-sources") ? WAM_EVIDENCE_REDACT_SOURCES : 0u);
}

static int cmd_evidence_pack(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_pack};
	if (a->npos != 1 || !cli_opt(a, "out"))
		return cli_usage(env, "usage: wam evidence pack FINDING --out pack.wep [--redact-sources]");
	/* writable: making a pack is logged */
	return cli_run(env, a, true, call_evidence_pack, NULL, &view);
}

static void print_verdict(const json_t *v)
{
	const json_t *s = json_object_get(v, "signer"), *f = json_object_get(v, "finding");
	printf("%s\n", json_is_true(json_object_get(v, "valid")) ? "valid" : "NOT valid");
	printf("signed by %s (%s, node %s), key %s%s\n", cli_text(s, "name"), cli_text(s, "country"),
	       cli_text(s, "node_id"), cli_text(s, "public_key"),
	       json_is_true(json_object_get(s, "trusted")) ? ", trusted" : "");
	printf("finding %s (%s): %s\n", cli_text(f, "id"), cli_text(f, "state"), cli_text(f, "statement"));
	printf("files %lld\n", (long long)json_integer_value(json_object_get(v, "files")));
	size_t i;
	const json_t *p;
	json_array_foreach(json_object_get(v, "problems"), i, p)
	    printf("  %s: %s: %s\n", cli_text(p, "file"), cli_text(p, "problem"), cli_text(p, "message"));
}

/* Exit 0 when the pack is valid, 1 when it could be read but is not. */
static int cmd_evidence_verify(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, NULL, print_verdict};
	if (a->npos != 1)
		return cli_usage(env, "usage: wam evidence verify pack.wep [--key HEX]");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_monitoring_evidence_verify(db, &out, a->pos[0], NULL, 0, cli_opt(a, "key"));
	bool valid = !rc && json_is_true(json_object_get(out, "valid"));
	rc = cli_show(env, rc, out, &view);
	wam_db_close(db);
	return rc ? rc : (valid ? 0 : 1);
}

/* ---- the report to a committee ---- */

static int write_report_html(FILE *f, const void *report)
{
	return wam_monitoring_committee_report_html(report, f);
}

/* JSON (--json) or the printable HTML page (--html, or --out without
 * --json), to --out or standard output; else a summary for people. */
static int cmd_report_committee(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0 || !cli_opt(a, "from") || !cli_opt(a, "to"))
		return cli_usage(env, "usage: wam report committee --from D --to D [--regime R] [--json | --html] "
		                      "[--out FILE]");
	if (env->json && cli_flag(a, "html"))
		return cli_usage(env, "--json and --html: give one or the other");
	wam_db *db;
	json_t *report = NULL;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_monitoring_committee_report(db, &report, cli_opt(a, "regime"), cli_opt(a, "from"), cli_opt(a, "to"));
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	const char *to = cli_opt(a, "out");
	if (env->json)
		rc = cli_write_json(env, report, to);
	else if (cli_flag(a, "html") || to) {
		rc = cli_write_file(env, to, write_report_html, report);
		/* written to a file: say what, so that a silent success is not
		 * taken for nothing done */
		struct stat st;
		if (!rc && to && strcmp(to, "-") && !stat(to, &st))
			printf("%s: the report to the committee, %s to %s%s%s, as a printable page (HTML, %lld bytes): "
			       "%lld observations, %zu findings\n",
			       to, cli_text(report, "from"), cli_text(report, "to"),
			       *cli_text(report, "regime") ? ", regime " : "", cli_text(report, "regime"),
			       (long long)st.st_size,
			       (long long)json_integer_value(
			           json_object_get(json_object_get(report, "observations"), "total")),
			       json_array_size(json_object_get(report, "findings")));
	} else {
		const json_t *o = json_object_get(report, "observations"), *w = json_object_get(report, "weapons");
		const json_t *am = json_object_get(report, "ammunition");
		printf("report to the committee, %s to %s%s%s\n", cli_text(report, "from"), cli_text(report, "to"),
		       *cli_text(report, "regime") ? ", regime " : "", cli_text(report, "regime"));
		printf("observations %lld, weapons %lld, rounds %lld\n",
		       (long long)json_integer_value(json_object_get(o, "total")),
		       (long long)json_integer_value(json_object_get(w, "total")),
		       (long long)json_integer_value(json_object_get(am, "rounds")));
		static const cli_column cols[] = {{"ID", "id", 0},
		                                  {"STATE", "state", 0},
		                                  {"STATEMENT", "statement", 50},
		                                  {"ACTOR", "actor_name", 24},
		                                  {"PERIOD", "period", 0},
		                                  {"LINKS", "links", 0},
		                                  {"RULE HOLDS", "holds", 0},
		                                  {"REPORTED", "reported_to", 40},
		                                  {NULL, NULL, 0}};
		print_flat_rows("findings", cols, json_object_get(report, "findings"));
		if (json_array_size(json_object_get(report, "superseded")))
			print_flat_rows("superseded", cols, json_object_get(report, "superseded"));
	}
	json_decref(report);
	return rc;
}

/* ---- the table ---- */

static const char *const from_valued[] = {"from", NULL};
static const char *const list_valued[] = {"actor", "country", "kind", "regime", "since", "until", "limit", NULL};
static const char *const trace_valued[] = {"item", "from", "requested-state", "requested-kind", "requested-name", NULL};
static const char *const note_valued[] = {"note", NULL};
static const char *const report_valued[] = {"to", "date", "reference", NULL};
static const char *const finding_list_valued[] = {"state", "regime", NULL};
static const char *const compare_flags[] = {"compare-imports", NULL};
static const char *const out_valued[] = {"out", NULL};
static const char *const redact_flags[] = {"redact-sources", NULL};
static const char *const key_valued[] = {"key", NULL};
static const char *const committee_valued[] = {"from", "to", "regime", "out", NULL};
static const char *const html_flags[] = {"html", NULL};

const cli_command cli_monitoring_commands[] = {
    {"observation add", from_valued, no_opts, cmd_observation_add, "observation add --from FILE|-",
     "record what a mission saw (docs/formats/observation.md); photos by file are stored with it"},
    {"observation list", list_valued, no_opts, cmd_observation_list,
     "observation list [--actor A] [--country CC] [--kind K] [--regime R] [--since D] [--until D] [--limit N]",
     "observations, newest observed first"},
    {"observation show", no_opts, no_opts, cmd_observation_show, "observation show OBS",
     "an observation: sources (identities only to whoever may see them), items, matches, links, findings"},
    {"observation trace", trace_valued, no_opts, cmd_observation_trace,
     "observation trace OBS --item N [--from details.json] [--requested-state CC | --requested-kind K "
     "--requested-name N]",
     "draft a trace request for an item seen, in one step"},
    {"finding add", from_valued, no_opts, cmd_finding_add, "finding add --from FILE|-",
     "draft a finding (statement, regime, actor, period)"},
    {"finding link", note_valued, no_opts, cmd_finding_link, "finding link FINDING OBSERVATION|TRACE|HIT [--note T]",
     "link evidence to a finding"},
    {"finding unlink", no_opts, no_opts, cmd_finding_unlink, "finding unlink FINDING TARGET",
     "remove a link from a draft finding"},
    {"finding rule", no_opts, no_opts, cmd_finding_rule, "finding rule FINDING",
     "whether the evidence rule (R13) holds for a finding, and why"},
    {"finding corroborate", no_opts, no_opts, cmd_finding_corroborate, "finding corroborate FINDING",
     "mark a finding corroborated: only when the evidence rule holds"},
    {"finding report", report_valued, no_opts, cmd_finding_report,
     "finding report FINDING --to \"Panel of Experts ...\" [--date D] [--reference R]",
     "mark a corroborated finding reported (it is frozen from then on)"},
    {"finding show", no_opts, no_opts, cmd_finding_show, "finding show FINDING",
     "a finding, its evidence and the rule's verdict"},
    {"finding list", finding_list_valued, no_opts, cmd_finding_list,
     "finding list [--state draft|corroborated|reported] [--regime R]", "findings, newest first"},
    {"profile actor", no_opts, no_opts, cmd_profile_actor, "profile actor NAME",
     "what an actor is seen to hold: weapons and ammunition by type, make, country, year, on a timeline"},
    {"profile country", no_opts, compare_flags, cmd_profile_country, "profile country CC [--compare-imports]",
     "what is seen in a country, by actor, and what was never lawfully imported"},
    {"evidence pack", out_valued, redact_flags, cmd_evidence_pack,
     "evidence pack FINDING --out pack.wep [--redact-sources]",
     "write a finding's signed evidence pack (a tar archive, docs/formats/evidence-pack.md)"},
    {"evidence verify", key_valued, no_opts, cmd_evidence_verify, "evidence verify pack.wep [--key HEX]",
     "verify a pack's integrity and signer, naming what was altered or missing (exit 0 valid, 1 not)"},
    {"report committee", committee_valued, html_flags, cmd_report_committee,
     "report committee --from D --to D [--regime R] [--json | --html] [--out FILE]",
     "the periodic report to a sanctions committee (JSON, or a printable HTML page)"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
