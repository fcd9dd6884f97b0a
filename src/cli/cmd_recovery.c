/* Field collection commands: wam recovery add|show|list|describe|handover|photo|
 * photo-get|tasks|mark (docs/collection.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/collection.h"
#include "wam/store.h"

static const char *const no_opts[] = {NULL};

static const cli_column recovery_cols[] = {
    {"ID", "id", 0},        {"TYPE", "type", 0},        {"DATE", "date", 0},       {"CONTEXT", "context", 0},
    {"PLACE", "place", 32}, {"OFFICER", "officer", 24}, {"WEAPONS", "weapons", 0}, {"ROUNDS", "ammunition_rounds", 0},
    {NULL, NULL, 0}};
/* a recovery's items: weapons and parts, each with how it was made */
static const cli_column item_cols[] = {
    {"ITEM", "id", 0},        {"KIND", "kind", 0},  {"PART", "part_type", 0}, {"MANUFACTURE", "manufacture", 0},
    {"SERIAL", "serial", 24}, {"MAKE", "make", 20}, {"STATUS", "status", 0},  {"MARKING", "marking_status", 0},
    {NULL, NULL, 0}};
static const cli_column handover_cols[] = {{"#", "n", 0},    {"TIME", "time", 0},    {"FROM", "from", 24},
                                           {"TO", "to", 24}, {"PLACE", "place", 24}, {"REASON", "reason", 40},
                                           {NULL, NULL, 0}};
static const cli_column ammunition_cols[] = {{"LINE", "line", 0},
                                             {"CALIBRE", "calibre", 16},
                                             {"TYPE", "type", 12},
                                             {"HEADSTAMP", "headstamp", 20},
                                             {"LOT", "lot", 16},
                                             {"ROUNDS", "quantity", 0},
                                             {"STOCKED", "stocked", 0},
                                             {"DESTROYED", "destroyed", 0},
                                             {"REMAINING", "remaining", 0},
                                             {"LOTS", "lots", 30},
                                             {NULL, NULL, 0}};
static const cli_column photo_cols[] = {
    {"HASH", "hash", 0}, {"TYPE", "media_type", 0}, {"BYTES", "size", 0}, {"CAPTION", "caption", 40}, {NULL, NULL, 0}};
static const cli_column task_cols[] = {{"TASK", "id", 0},
                                       {"STATE", "state", 0},
                                       {"DUE", "due", 0},
                                       {"WEAPON", "item_id", 0},
                                       {"MARKING", "marking_status", 0},
                                       {"RECOVERY", "recovery_id", 0},
                                       {NULL, NULL, 0}};
static const char *const recovery_keys[] = {"id",
                                            "type",
                                            "date",
                                            "place",
                                            "lat",
                                            "lon",
                                            "admin_area",
                                            "context",
                                            "officer",
                                            "person_ref",
                                            "person_sex",
                                            "person_age_band",
                                            "legal_justification",
                                            "site_id",
                                            "notes",
                                            NULL};

/* The ammunition lines, each headstamp as read (factory and year after it)
 * and its lots as words; then the marks a table cuts short. */
static void print_ammunition(const json_t *lines)
{
	printf("\nammunition (%zu)\n", json_array_size(lines));
	if (!json_array_size(lines))
		return;
	json_t *rows = json_array(), *l;
	size_t i;
	json_array_foreach(lines, i, l)
	{
		json_t *row = cli_words_joined(l);
		const json_t *hs = json_object_get(l, "headstamp");
		if (hs) {
			char text[300];
			const char *f = json_string_value(json_object_get(hs, "factory"));
			json_int_t y = json_integer_value(json_object_get(hs, "year"));
			int n = snprintf(text, sizeof text, "%s", cli_text(hs, "text"));
			if (f || y)
				n += snprintf(text + n, sizeof text - (size_t)n, " (%s%s", f ? f : "",
				              f && y ? " " : "");
			if (y)
				n += snprintf(text + n, sizeof text - (size_t)n, "%lld", (long long)y);
			if (f || y)
				snprintf(text + n, sizeof text - (size_t)n, ")");
			json_object_set_new(row, "headstamp", json_string(text));
		}
		json_array_append_new(rows, row);
	}
	cli_print_table(ammunition_cols, rows);
	json_decref(rows);
	json_array_foreach(lines, i, l)
	{
		static const char *const marks[][2] = {
		    {"packaging_marks", "packaging"}, {"crate_marks", "crate"}, {"notes", "notes"}};
		for (int k = 0; k < 3; k++) {
			const char *text = json_string_value(json_object_get(l, marks[k][0]));
			if (!text)
				continue;
			/* marks of several lines go on under the first, indented, so
			 * that a line of them is not taken for a row of its own */
			int lead = printf("  line %lld %s: ", (long long)json_integer_value(json_object_get(l, "line")),
			                  marks[k][1]);
			for (const char *c = text; *c; c++) {
				putchar(*c);
				if (*c == '\n' && c[1])
					printf("%*s", lead > 0 ? lead : 0, "");
			}
			putchar('\n');
		}
	}
}

static void print_recovery(const json_t *r)
{
	cli_print_record(recovery_keys, r);
	const struct {
		const char *title, *key;
		const cli_column *cols;
	} lists[] = {{"weapons and parts", "items", item_cols},
	             {"chain of custody", "handovers", handover_cols},
	             {"photos", "photos", photo_cols},
	             {"tasks", "tasks", task_cols}};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const json_t *l = json_object_get(r, lists[i].key);
		printf("\n%s (%zu)\n", lists[i].title, json_array_size(l));
		if (json_array_size(l))
			cli_print_table(lists[i].cols, l);
		if (i == 0)
			print_ammunition(json_object_get(r, "ammunition"));
	}
	cli_print_hits(json_object_get(r, "hits"));
}

static const cli_view recovery_view = {recovery_keys, recovery_cols, print_recovery};
static const cli_view list_view = {NULL, recovery_cols, NULL};
static const cli_view task_view = {NULL, task_cols, NULL};

/* An ammunition line's photo given as {"file": PATH} (a path from the
 * current directory) is stored in the photo store and named by its hash,
 * so a photo taken in the field goes in with the recovery it shows. */
static int store_line_photos(wam_db *db, json_t *in)
{
	size_t i, k;
	json_t *line, *ph;
	json_array_foreach(json_object_get(in, "ammunition"), i, line)
	{
		json_array_foreach(json_object_get(line, "photos"), k, ph)
		{
			const json_t *file = json_object_get(ph, "file");
			if (!json_is_object(ph) || !file)
				continue;
			char field[96];
			snprintf(field, sizeof field, "ammunition[%zu].photos[%zu].file", i, k);
			const char *path = json_string_value(file);
			if (!path || !*path)
				return wam_error_set(WAM_EINVAL, field, "a photo's file is a path (text)");
			FILE *f = fopen(path, "rb");
			if (!f)
				return wam_error_set(WAM_EIO, field, "cannot read %s: %s", path, strerror(errno));
			unsigned char *bytes = malloc(WAM_PHOTO_MAX + 1);
			size_t n = bytes ? fread(bytes, 1, WAM_PHOTO_MAX + 1, f) : 0;
			fclose(f);
			if (!bytes)
				return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			json_t *added = NULL;
			int rc = wam_photo_add(db, &added, bytes, n, NULL);
			free(bytes);
			if (rc) {
				/* the store names "photo": the file is what the user wrote */
				const wam_error *e = wam_error_last();
				char msg[sizeof e->message];
				snprintf(msg, sizeof msg, "%s", e->message);
				return wam_error_set(rc, field, "%s: %s", path, msg);
			}
			json_array_set(json_object_get(line, "photos"), k, json_object_get(added, "hash"));
			json_decref(added);
		}
	}
	return 0;
}

static int call_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	int rc = store_line_photos(db, in);
	if (rc) {
		*out = NULL;
		return rc;
	}
	return wam_collection_recovery_add(db, out, in);
}

static int cmd_add(const cli_env *env, const cli_args *a)
{
	const char *from = cli_opt(a, "from");
	int rc = 0;
	json_t *in = from ? cli_read_json(env, from, &rc) : json_object();
	if (!in)
		return rc;
	static const struct {
		const char *opt, *key;
	} map[] = {{"type", "type"},
	           {"date", "date"},
	           {"place", "place"},
	           {"lat", "lat"},
	           {"lon", "lon"},
	           {"area", "admin_area"},
	           {"context", "context"},
	           {"officer", "officer"},
	           {"person", "person"},
	           {"site", "site_id"},
	           {"notes", "notes"},
	           {"task-days", "task_days"},
	           {"person-sex", "person_sex"},
	           {"person-age-band", "person_age_band"},
	           {"legal-justification", "legal_justification"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cli_set_opt(in, a, map[i].opt, map[i].key);
	/* --item ID: a weapon already registered */
	for (int i = 0; i < a->nopt; i++)
		if (!strcmp(a->opt[i].name, "item")) {
			json_t *w = json_object_get(in, "weapons");
			if (!json_is_array(w)) {
				w = json_array();
				json_object_set_new(in, "weapons", w);
			}
			json_array_append_new(w, json_pack("{s:s}", "item_id", a->opt[i].value));
		}
	return cli_run(env, a, true, call_add, in, &recovery_view);
}

static int call_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_collection_recovery_get(db, out, a->pos[0]);
}

static int cmd_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam recovery show ID");
	return cli_run(env, a, false, call_show, NULL, &recovery_view);
}

static int call_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_collection_recovery_list(db, out);
}

static int cmd_list(const cli_env *env, const cli_args *a)
{
	return cli_run(env, a, false, call_list, NULL, &list_view);
}

static int call_handover(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_collection_recovery_handover(db, out, a->pos[0], in);
}

static int cmd_handover(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam recovery handover ID --from WHO --to WHO --reason WHY [--place P]");
	json_t *in = json_object();
	cli_set_opt(in, a, "from", "from");
	cli_set_opt(in, a, "to", "to");
	cli_set_opt(in, a, "time", "time");
	cli_set_opt(in, a, "place", "place");
	cli_set_opt(in, a, "reason", "reason");
	return cli_run(env, a, true, call_handover, in, &recovery_view);
}

static int call_describe(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_collection_recovery_describe(db, out, a->pos[0], in);
}

/* What is learnt later of a recovery's person and case: one event. */
static int cmd_describe(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam recovery describe ID [--person-sex W] [--person-age-band W] "
		                      "[--legal-justification W]");
	json_t *in = json_object();
	cli_set_opt(in, a, "person-sex", "person_sex");
	cli_set_opt(in, a, "person-age-band", "person_age_band");
	cli_set_opt(in, a, "legal-justification", "legal_justification");
	return cli_run(env, a, true, call_describe, in, &recovery_view);
}

static int cmd_photo(const cli_env *env, const cli_args *a)
{
	if (a->npos != 2)
		return cli_usage(env, "usage: wam recovery photo ID FILE [--caption TEXT]");
	FILE *f = fopen(a->pos[1], "rb");
	if (!f) {
		wam_error_set(WAM_EIO, "photo", "cannot read %s", a->pos[1]);
		return cli_fail(env, WAM_EIO);
	}
	unsigned char *buf = malloc(WAM_PHOTO_MAX + 1);
	size_t n = buf ? fread(buf, 1, WAM_PHOTO_MAX + 1, f) : 0;
	fclose(f);
	if (!buf) {
		wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		return cli_fail(env, WAM_ENOMEM);
	}
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		static const cli_column cols[] = {{"HASH", "hash", 0}, {NULL, NULL, 0}};
		static const char *const keys[] = {"hash", "media_type", "size", "caption", "seq", NULL};
		static const cli_view view = {keys, cols, NULL};
		rc = wam_collection_recovery_photo_add(db, &out, a->pos[0], buf, n, cli_opt(a, "caption"));
		rc = cli_show(env, rc, out, &view);
		wam_db_close(db);
	}
	free(buf);
	return rc;
}

static int cmd_photo_get(const cli_env *env, const cli_args *a)
{
	if (a->npos != 2)
		return cli_usage(env, "usage: wam recovery photo-get ID HASH --out FILE");
	const char *to = cli_opt(a, "out");
	if (!to)
		return cli_usage(env, "wam recovery photo-get needs --out FILE (the bytes of an image)");
	wam_db *db;
	unsigned char *bytes = NULL;
	size_t n;
	char type[32];
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	rc = wam_collection_recovery_photo_get(db, &bytes, &n, type, a->pos[0], a->pos[1]);
	wam_db_close(db);
	if (rc)
		return cli_fail(env, rc);
	FILE *f;
	if (wam_file_create(&f, to, "out", 0)) {
		free(bytes);
		return cli_fail(env, WAM_EIO);
	}
	bool ok = fwrite(bytes, 1, n, f) == n;
	if (fclose(f) != 0)
		ok = false;
	free(bytes);
	if (!ok) {
		wam_error_set(WAM_EIO, "out", "cannot write %s", to);
		return cli_fail(env, WAM_EIO);
	}
	if (!env->json)
		printf("%s: %zu bytes, %s\n", to, n, type);
	return 0;
}

static int call_tasks(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	const char *which = cli_flag(a, "overdue") ? "overdue" : cli_flag(a, "all") ? NULL : "open";
	return wam_collection_task_list(db, out, which);
}

static int cmd_tasks(const cli_env *env, const cli_args *a)
{
	return cli_run(env, a, false, call_tasks, NULL, &task_view);
}

static void print_weapon(const json_t *w)
{
	printf("weapon %s: marking status %s (%s)\n", cli_text(w, "id"), cli_text(w, "marking_status"),
	       cli_text(w, "marking_reason"));
}

static int call_mark(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_collection_task_mark(db, out, a->pos[0], in);
}

static int cmd_mark(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam recovery mark TASK --text MARKING [--component C] [--kind K]");
	json_t *in = json_object();
	cli_set_opt(in, a, "text", "text");
	cli_set_opt(in, a, "component", "component");
	cli_set_opt(in, a, "kind", "kind");
	cli_set_opt(in, a, "location", "location");
	static const cli_view view = {NULL, NULL, print_weapon};
	return cli_run(env, a, true, call_mark, in, &view);
}

static void print_stocked(const json_t *o)
{
	const json_t *lot = json_object_get(o, "lot"), *l = json_object_get(o, "ammunition");
	printf("lot %s: %lld rounds at site %s (lot number %s)\n", cli_text(lot, "id"),
	       (long long)json_integer_value(json_object_get(lot, "rounds")), cli_text(lot, "site_id"),
	       cli_text(lot, "lot_number"));
	printf("line %lld: %lld rounds remaining\n", (long long)json_integer_value(json_object_get(l, "line")),
	       (long long)json_integer_value(json_object_get(l, "remaining")));
}

static int call_stock(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	long line = -1;
	int rc = cli_opt_long(a, "line", "line", &line);
	if (rc)
		return rc;
	return wam_collection_ammunition_stock(db, out, a->pos[0], line, in);
}

/* Rounds of an ammunition line into a new stock lot that keeps its origin. */
static int cmd_stock(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || !cli_opt(a, "line") || !cli_opt(a, "rounds") || !cli_opt(a, "site"))
		return cli_usage(env, "usage: wam recovery stock-ammunition RECOVERY --line N --rounds R --site SITE "
		                      "[--lot-number X]");
	long rounds = 0;
	int rc = cli_opt_long(a, "rounds", "rounds", &rounds);
	if (rc)
		return cli_fail(env, rc);
	json_t *in = json_pack("{s:I}", "rounds", (json_int_t)rounds);
	static const char *const map[][2] = {
	    {"site", "site_id"},        {"lot-number", "lot_number"},           {"nomenclature", "nomenclature"},
	    {"condition", "condition"}, {"hazard-division", "hazard_division"}, {"compat-group", "compat_group"},
	    {"notes", "notes"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cli_set_opt(in, a, map[i][0], map[i][1]);
	static const cli_view view = {NULL, NULL, print_stocked};
	return cli_run(env, a, true, call_stock, in, &view);
}

static const char *const stock_valued[] = {
    "line",         "rounds",    "site",  "lot-number", "nomenclature", "hazard-division",
    "compat-group", "condition", "notes", NULL};
static const char *const add_valued[] = {"from",
                                         "type",
                                         "date",
                                         "place",
                                         "lat",
                                         "lon",
                                         "area",
                                         "context",
                                         "officer",
                                         "person",
                                         "person-sex",
                                         "person-age-band",
                                         "legal-justification",
                                         "site",
                                         "notes",
                                         "task-days",
                                         "item",
                                         NULL};
static const char *const describe_valued[] = {"person-sex", "person-age-band", "legal-justification", NULL};
static const char *const handover_valued[] = {"from", "to", "time", "place", "reason", NULL};
static const char *const photo_valued[] = {"caption", NULL};
static const char *const photo_get_valued[] = {"out", NULL};
static const char *const tasks_flags[] = {"overdue", "all", NULL};
static const char *const mark_valued[] = {"text", "component", "kind", "location", NULL};

const cli_command cli_recovery_commands[] = {
    {"recovery add", add_valued, no_opts, cmd_add,
     "recovery add --from FILE|- | --type T --date D --officer O [--item ID]... [--person NAME] [--person-sex W] "
     "[--person-age-band W] [--legal-justification W]",
     "record weapons and ammunition seized, found or surrendered (registers the weapons; R5 tasks for unmarked "
     "ones)"},
    {"recovery stock-ammunition", stock_valued, no_opts, cmd_stock,
     "recovery stock-ammunition RECOVERY --line N --rounds R --site SITE [--lot-number X]",
     "take rounds of a recovery's ammunition line into a new stock lot that keeps its origin"},
    {"recovery show", no_opts, no_opts, cmd_show, "recovery show ID",
     "a recovery with its weapons, chain of custody, photos and tasks"},
    {"recovery list", no_opts, no_opts, cmd_list, "recovery list", "list recoveries, newest first"},
    {"recovery describe", describe_valued, no_opts, cmd_describe,
     "recovery describe ID [--person-sex W] [--person-age-band W] [--legal-justification W]",
     "record the sex and age band of a recovery's person (never a name) and its legal justification"},
    {"recovery handover", handover_valued, no_opts, cmd_handover,
     "recovery handover ID --from WHO --to WHO --reason WHY [--place P] [--time T]",
     "record a hand-over (chain of custody)"},
    {"recovery photo", photo_valued, no_opts, cmd_photo, "recovery photo ID FILE [--caption TEXT]",
     "store a photo (JPEG, PNG, GIF, WebP) by its hash"},
    {"recovery photo-get", photo_get_valued, no_opts, cmd_photo_get, "recovery photo-get ID HASH --out FILE",
     "write a stored photo to a file"},
    {"recovery tasks", no_opts, tasks_flags, cmd_tasks, "recovery tasks [--overdue | --all]",
     "tasks to mark or destroy recovered weapons (open ones by default)"},
    {"recovery mark", mark_valued, no_opts, cmd_mark, "recovery mark TASK --text MARKING [--component C] [--kind K]",
     "assign a national marking to a task's weapon and close the task"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
