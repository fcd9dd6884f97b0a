/* Weapons: registration, lookup, listing, status changes and history.
 *
 * wam_item_payload() turns what a person or file supplied into the event
 * payload (checked, vocabularies lowercased, the frame serial mirrored as a
 * marking); wam_item_register() checks for duplicates and appends the event.
 * The CLI, the API, import and the demo generator all pass through these
 * two, so a weapon is validated the same way whatever door it comes in by. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "wam/match.h"
#include "ledger/room.h"
#include "ledger/events.h"
#include "registry/project.h"
#include "registry/registry.h"
#include "registry/rules.h"
#include "store/field.h"
#include "wam/registry.h"

enum {
	ST_DUP,
	ST_EXISTS_ITEM,
	ST_EXISTS_SITE,
	ST_EXISTS_HOLDER,
	ST_GET_ITEM,
	ST_GET_MARKINGS,
	ST_GET_IMPORTS,
	ST_FIND_SERIAL,
	ST_STATUS_OF,
	ST_DUP_SITE,
	ST_NEXT_FREE /* registry/site.c starts here */
};

static const char *const item_fields[] = {"id",     "category", "make",         "model",    "calibre",
                                          "serial", "country",  "year",         "import_marks",
                                          "markings", "status", "site_id",      "holder_id", "notes", NULL};
static const char *const marking_fields[] = {"component", "kind",    "text",    "script",
                                             "legibility", "altered", "location", NULL};

static int current_year(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static bool exists(wam_db *db, int slot, const char *sql, const char *id)
{
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, slot, sql);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* A weapon is registered in any status but the two that only a procedure
 * gives (destroyed: a closed destruction batch; exported: a confirmed
 * export), so neither an entry nor an import can record one unproven. */
static int not_final(const json_t *p, long line)
{
	const char *s = json_string_value(json_object_get(p, "status"));
	if (s && wam_status_final_by_procedure(s))
		return wam_error_set_line(
		    WAM_EINVAL, line, "status",
		    "status '%s' cannot be given when a weapon is registered: a weapon becomes %s "
		    "only through %s",
		    s, s,
		    !strcmp(s, "destroyed") ? "a closed destruction batch" : "an export confirmed by a second person");
	return 0;
}

static int take_category(wam_db *db, json_t *out, const json_t *in, long line)
{
	const char *s = json_string_value(json_object_get(in, "category"));
	if (!s || !*s)
		return wam_error_set_line(WAM_EINVAL, line, "category",
		                          "category is required (SA1-SA6, LW1-LW7, I-VII(b), SHOTGUN or PART)");
	char code[16];
	size_t n = strlen(s);
	if (n < sizeof code) {
		/* codes are upper case except the (a)/(b) of VII */
		for (size_t i = 0; i <= n; i++)
			code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' && !(i > 0 && s[i - 1] == '(') ? s[i] - 32 : s[i]);
		if (wam_refdata_category(db, code)) {
			json_object_set_new(out, "category", json_string(code));
			return 0;
		}
	}
	return wam_error_set_line(WAM_EINVAL, line, "category",
	                          "category '%.20s' is not known (SA1-SA6, LW1-LW7, I-VII(b), SHOTGUN or PART)", s);
}

static int take_ref(wam_db *db, json_t *out, const json_t *in, const char *key, int slot, const char *sql,
                    const char *what, long line)
{
	const char *id = json_string_value(json_object_get(in, key));
	if (wam_absent(json_object_get(in, key)))
		return 0;
	if (!id)
		return wam_error_set_line(WAM_EINVAL, line, key, "%s must be text", key);
	/* the cache is keyed by kind: a holder's id must not pass as a site's */
	char tagged[WAM_ID_LEN + 2] = {what[0]};
	size_t idlen = strlen(id);
	memcpy(tagged + 1, id, idlen < WAM_ID_LEN ? idlen : WAM_ID_LEN);
	bool known = false;
	wam_known_refs *kr = wam_registry_known_refs(db);
	for (unsigned k = 0; kr && k < 32 && !known; k++)
		known = !strcmp(kr->refs[k], tagged);
	if (!known) {
		if (!exists(db, slot, sql, id))
			return wam_error_set_line(WAM_EINVAL, line, key, "%s '%.40s' names no %s in this registry", key, id,
			                          what);
		if (kr && idlen == WAM_ID_LEN)
			memcpy(kr->refs[kr->next++ % 32], tagged, sizeof tagged);
	}
	json_object_set_new(out, key, json_string(id));
	return 0;
}

/* Names a nested field in the last error: "kind" of marking 2 becomes
 * "markings[2].kind". Done only on failure, so the common path formats
 * nothing. */
static int nested(int rc, const char *list, size_t i)
{
	if (!rc)
		return 0;
	wam_error e = *wam_error_last();
	char f[160];
	snprintf(f, sizeof f, "%s[%zu].%s", list, i, e.field);
	wam_error_set_line(e.code, e.line, f, "%s[%zu]: %s", list, i, e.message);
	return rc;
}

/* Checks one element of a nested list (a marking, an import mark) into `out`. */
typedef int (*take_element)(wam_db *db, json_t *out, const json_t *in, long line);

/* The list `key` of `in`, when given: at most `max` objects, each checked
 * by `take` into an object of its own, stored under `key` of `out`. `noun`
 * names the elements in the error for too many; an element's error names
 * the element (nested()). */
static int take_list(wam_db *db, json_t *out, const json_t *in, const char *key, const char *noun, size_t max,
                     take_element take, long line)
{
	const json_t *list = json_object_get(in, key);
	int rc;
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return wam_error_set_line(WAM_EINVAL, line, key, "%s must be a list", key);
	if (json_array_size(list) > max)
		return wam_error_set_line(WAM_EINVAL, line, key, "more than %zu %s on one weapon", max, noun);
	json_t *arr = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(list, i, m)
	{
		json_t *o = json_object();
		json_array_append_new(arr, o);
		if ((rc = nested(take(db, o, m, line), key, i)))
			goto fail;
	}
	json_object_set_new(out, key, arr);
	return 0;
fail:
	json_decref(arr);
	return rc;
}

static int take_marking(wam_db *db, json_t *o, const json_t *m, long line)
{
	int rc;
	(void)db;
	const json_t *alt = json_object_get(m, "altered");
	if ((rc = wam_check_fields(m, marking_fields, "", line)) ||
	    (rc = wam_take_word(o, m, "component", "component", wam_registry_components, "frame_receiver",
	                        WAM_FIELD_REQUIRED, line)) ||
	    (rc = wam_take_word(o, m, "kind", "kind", wam_registry_marking_kinds, NULL, WAM_FIELD_REQUIRED, line)) ||
	    (rc = wam_take_text(o, m, "text", "text", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, line)) ||
	    (rc = wam_take_word(o, m, "script", "script", wam_registry_scripts,
	                        wam_registry_script_detect(json_string_value(json_object_get(o, "text"))),
	                        WAM_FIELD_REQUIRED, line)) ||
	    (rc = wam_take_word(o, m, "legibility", "legibility", wam_registry_legibilities, "clear",
	                        WAM_FIELD_REQUIRED, line)) ||
	    (rc = wam_take_text(o, m, "location", "location", 0, WAM_MAX_TEXT, line)))
		return rc;
	if (alt && !json_is_boolean(alt) && !json_is_null(alt))
		return wam_error_set_line(WAM_EINVAL, line, "altered", "altered must be true or false");
	if (json_is_true(alt))
		json_object_set_new(o, "altered", json_true());
	return 0;
}

static int take_import_mark(wam_db *db, json_t *o, const json_t *m, long line)
{
	const wam_field mark[] = {{.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
	                          {.name = "year", .kind = WAM_FIELD_INT, .lo = 1800, .hi = current_year() + 1},
	                          {0}};
	return wam_field_check(db, o, m, mark, "", line);
}

int wam_item_payload(wam_db *db, json_t **payload, const json_t *in, long line, unsigned flags)
{
	int rc;
	json_t *p = json_object();
	*payload = NULL;
	if (!(flags & WAM_KEYS_CHECKED) && (rc = wam_check_fields(in, item_fields, "", line)))
		goto fail;
	const char *id = json_string_value(json_object_get(in, "id"));
	if (!wam_absent(json_object_get(in, "id"))) {
		if (!wam_is_ulid(id)) {
			rc = wam_error_set_line(WAM_EINVAL, line, "id", "id '%.40s' is not a ULID", id ? id : "");
			goto fail;
		}
		json_object_set_new(p, "id", json_string(id));
	}
	/* the weapon's description, after its category */
	const wam_field weapon[] = {{.name = "make", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	                            {.name = "model", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	                            {.name = "calibre", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	                            {.name = "serial", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	                            {.name = "country", .kind = WAM_FIELD_COUNTRY},
	                            {.name = "year", .kind = WAM_FIELD_INT, .lo = 1800, .hi = current_year() + 1},
	                            {0}};
	if ((rc = take_category(db, p, in, line)) || (rc = wam_field_take_all(db, p, in, weapon, "", line)) ||
	    (rc = take_list(db, p, in, "import_marks", "import marks", 16, take_import_mark, line)) ||
	    (rc = take_list(db, p, in, "markings", "markings", 64, take_marking, line)) ||
	    (rc = wam_take_word(p, in, "status", "status", wam_statuses, "in_store", WAM_FIELD_REQUIRED, line)) ||
	    (rc = not_final(p, line)) ||
	    (rc = take_ref(db, p, in, "site_id", ST_EXISTS_SITE, "SELECT 1 FROM sites WHERE id=?", "site", line)) ||
	    (rc = take_ref(db, p, in, "holder_id", ST_EXISTS_HOLDER, "SELECT 1 FROM holders WHERE id=?", "holder",
	                   line)) ||
	    (rc = wam_take_text(p, in, "notes", "notes", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, line)))
		goto fail;
	wam_item_compact(p);
	*payload = p;
	return 0;
fail:
	json_decref(p);
	return rc;
}

/* Sorts a short array of id strings in place (insertion sort). */
static void sort_ids(json_t *ids)
{
	size_t n = json_array_size(ids);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *a = json_array_get(ids, j - 1), *b = json_array_get(ids, j);
			if (strcmp(json_string_value(a), json_string_value(b)) <= 0)
				break;
			json_incref(a);
			json_array_set(ids, j - 1, b);
			json_array_set_new(ids, j, a);
		}
}

int wam_item_register(wam_db *db, json_t *payload, unsigned flags, char id_out[WAM_ID_LEN + 1])
{
	int rc;
	char serial_key[512], make_key[512];
	const char *given = json_string_value(json_object_get(payload, "id"));
	if (given) {
		snprintf(id_out, WAM_ID_LEN + 1, "%s", given);
		if (exists(db, ST_EXISTS_ITEM, "SELECT 1 FROM items WHERE id=?", id_out))
			return wam_error_set(WAM_ECONFLICT, "id", "a weapon with id %s is already registered", id_out);
		json_object_del(payload, "id");
	} else {
		wam_db_new_id(db, id_out);
	}
	if ((rc = wam_item_keys(payload, serial_key, sizeof serial_key, make_key, sizeof make_key, NULL, 0)))
		return rc;
	if (serial_key[0] && !strchr(serial_key, '?') && !strchr(serial_key, '*')) {
		sqlite3_stmt *st =
		    wam_room_db_stmt(db, &wam_room_registry, ST_DUP,
		                     "SELECT id, site_id FROM items WHERE serial_key=? AND make_key=? AND country IS ? "
		                     "LIMIT 20"); /* no ORDER BY: a sort per weapon would dominate imports */
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, serial_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, make_key, -1, SQLITE_STATIC);
		wam_bind_text_or_null(st, 3, json_string_value(json_object_get(payload, "country")));
		json_t *dups = NULL, *seen = NULL;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (!dups)
				dups = json_array();
			json_array_append_new(dups, json_string(wam_col_text(st, 0)));
			/* a confined principal is told only of weapons it sees */
			if (!wam_confine_sees(db, (const char *)sqlite3_column_text(st, 1)))
				continue;
			if (!seen)
				seen = json_array();
			json_array_append_new(seen, json_string(wam_col_text(st, 0)));
		}
		sort_ids(dups); /* the query has no ORDER BY (a sort per weapon would slow imports) */
		sort_ids(seen);
		if (dups && !(flags & WAM_ALLOW_DUPLICATE)) {
			wam_buf ids = {0};
			size_t k;
			json_t *d;
			json_array_foreach(seen, k, d)
			{
				wam_buf_puts(&ids, k ? ", " : "as ");
				wam_buf_puts(&ids, json_string_value(d));
			}
			if (json_array_size(seen) < json_array_size(dups)) /* some at sites not the principal's */
				wam_buf_puts(&ids, json_array_size(seen) ? " and at a site not yours"
				                                         : "at a site not yours");
			json_decref(seen);
			rc = wam_error_set(WAM_ECONFLICT, "serial",
			                   "duplicate candidate: %s serial '%s' from %s (new record %s) is already registered "
			                   "%s; nothing was recorded (to record it knowingly: --allow-duplicate, or allow_duplicate=true "
			                   "over HTTP)",
			                   json_string_value(json_object_get(payload, "make"))
			                       ? json_string_value(json_object_get(payload, "make"))
			                       : "unknown make",
			                   json_string_value(json_object_get(payload, "serial")),
			                   json_string_value(json_object_get(payload, "country"))
			                       ? json_string_value(json_object_get(payload, "country"))
			                       : "unknown country",
			                   id_out, ids.p);
			wam_buf_free(&ids);
			json_decref(dups);
			return rc;
		}
		json_decref(seen);
		if (dups) /* the record keeps every link, seen or not: reads hide them */
			json_object_set_new(payload, "duplicate_of", dups);
	}
	return wam_ledger_append(db, "item.registered", id_out, payload, NULL);
}

int wam_registry_item_add(wam_db *db, json_t **out, const json_t *item, unsigned flags)
{
	int rc;
	json_t *payload = NULL;
	char id[WAM_ID_LEN + 1];
	if (out)
		*out = NULL;
	/* a principal confined to sites registers only at them (before the
	 * weapon itself is read, so nothing is learnt of another site) */
	if (!wam_confine_sees(db, json_string_value(json_object_get(item, "site_id"))))
		return wam_error_set(WAM_EFORBIDDEN, "site_id", "you may register weapons only at your own sites");
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_item_payload(db, &payload, item, 0, 0)) || (rc = wam_item_register(db, payload, flags, id)))
		goto fail;
	/* a weapon entered directly as recovered is looked for in the registry
	 * like one a recovery brings (rule: every recovered weapon is traced) */
	const char *status = json_string_value(json_object_get(payload, "status"));
	if (!(flags & WAM_IN_RECOVERY) && status &&
	    (!strcmp(status, "seized") || !strcmp(status, "found") || !strcmp(status, "surrendered")))
		for (const wam_weapon_hook *h = wam_recovered_weapon_hooks; *h; h++)
			if ((rc = (*h)(db, id)))
				goto fail;
	json_decref(payload);
	if ((rc = wam_db_commit(db)))
		return rc;
	return out ? wam_registry_item_get(db, out, id) : 0;
fail:
	json_decref(payload);
	wam_db_rollback(db);
	return rc;
}

/* ---- reading ---- */

#define ITEM_COLUMNS                                                                                            \
	"id, category, make, model, calibre, serial, country, year, status, marking_status, marking_reason, "    \
	"site_id, holder_id, notes, duplicate_of, serial_key, registered_seq, last_seq"

static json_t *item_row(sqlite3_stmt *st)
{
	json_t *o = wam_row_json(st);
	const char *d = json_string_value(json_object_get(o, "duplicate_of"));
	json_t *dups = json_array();
	if (d) {
		char *copy = strdup(d), *save = NULL;
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			json_array_append_new(dups, json_string(t));
		free(copy);
	}
	json_object_set_new(o, "duplicate_of", dups);
	return o;
}

/* Drops from the weapon's duplicate_of the weapons a confined principal
 * does not see: the link stays recorded, its id is not shown. */
static int hide_duplicates(wam_db *db, json_t *o)
{
	json_t *dups = json_object_get(o, "duplicate_of");
	if (!wam_confined(db) || !json_array_size(dups))
		return 0;
	sqlite3_stmt *st =
	    wam_room_db_stmt(db, &wam_room_registry, ST_DUP_SITE, "SELECT site_id FROM items WHERE id=?");
	if (!st)
		return WAM_EDB;
	for (size_t i = json_array_size(dups); i-- > 0;) {
		sqlite3_bind_text(st, 1, json_string_value(json_array_get(dups, i)), -1, SQLITE_STATIC);
		bool sees =
		    sqlite3_step(st) == SQLITE_ROW && wam_confine_sees(db, (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (!sees)
			json_array_remove(dups, i);
	}
	return 0;
}

static int children(wam_db *db, json_t *o, const char *id, int slot, const char *sql, const char *key)
{
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, slot, sql);
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *m = wam_row_json(st);
		if (json_object_get(m, "altered"))
			json_object_set_new(m, "altered", json_boolean(json_integer_value(json_object_get(m, "altered"))));
		json_array_append_new(arr, m);
	}
	json_object_set_new(o, key, arr);
	return 0;
}

int wam_registry_item_get(wam_db *db, json_t **out, const char *id)
{
	int rc;
	*out = NULL;
	sqlite3_stmt *st =
	    wam_room_db_stmt(db, &wam_room_registry, ST_GET_ITEM, "SELECT " ITEM_COLUMNS " FROM items WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return wam_error_set(WAM_ENOTFOUND, "id", "no weapon with id '%.40s'", id);
	json_t *o = item_row(st);
	sqlite3_reset(st);
	if ((rc = wam_confine_hide(db, json_string_value(json_object_get(o, "site_id")), "id", "weapon", id)) ||
	    (rc = hide_duplicates(db, o))) {
		json_decref(o);
		return rc;
	}
	if ((rc = children(db, o, id, ST_GET_MARKINGS,
	                   "SELECT component, kind, text, script, legibility, altered, location FROM markings "
	                   "WHERE item_id=? ORDER BY n",
	                   "markings")) ||
	    (rc = children(db, o, id, ST_GET_IMPORTS,
	                   "SELECT country, year FROM import_marks WHERE item_id=? ORDER BY n", "import_marks"))) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int wam_registry_item_find_serial(wam_db *db, json_t **out, const char *serial)
{
	char key[512];
	*out = NULL;
	if (wam_match_serial_key(key, sizeof key, serial) <= 0)
		return wam_error_set(WAM_EINVAL, "serial", "serial '%.40s' has no letters or digits", serial);
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, ST_FIND_SERIAL,
	                                    "SELECT id FROM items WHERE serial_key=? ORDER BY id LIMIT 1000");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	json_t *ids = json_array(), *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_string(wam_col_text(st, 0)));
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		json_t *item;
		int rc = wam_registry_item_get(db, &item, json_string_value(v));
		if (rc == WAM_ENOTFOUND && wam_confined(db)) /* at a site not the principal's */
			continue;
		if (rc) {
			json_decref(ids);
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, item);
	}
	json_decref(ids);
	*out = arr;
	return 0;
}

/* The orders a list of weapons may take (docs/api.md, GET /items): the
 * name the API takes and the column, each with an index (column, id) that
 * walks the weapons in that order (sql/projections.sql: items_by_serial,
 * items_by_make, items_by_category, items_by_country, items_status);
 * registration order is the key's. */
static const struct {
	const char *name, *column;
} item_sorts[] = {
    {"registered", "id"},     {"serial", "serial"},   {"make", "make_key"},
    {"category", "category"}, {"country", "country"}, {"status", "status"},
};

/* A count over a make is read from the weapons themselves, and stops here:
 * the answer then says "more than" (docs/api.md). Every other filter is
 * counted exactly from item_tally. */
#define COUNT_CAP 10000

/* Appends to `sql` the conditions of `f` (one " AND ..." each), the column
 * names after `prefix` ("+" keeps SQLite from reading them through their
 * index, when the list walks the index of its order instead). */
static void filter_sql(wam_buf *sql, const wam_item_filter *f, const char *prefix, bool make, bool category)
{
	if (f->status)
		wam_buf_printf(sql, " AND %sstatus=:status", prefix);
	if (f->site_id)
		wam_buf_printf(sql, " AND %ssite_id=:site", prefix);
	if (make)
		wam_buf_printf(sql, " AND %smake_key=:make", prefix);
	if (category)
		wam_buf_printf(sql, " AND %scategory=:category", prefix);
	if (f->nsites > 0) {
		wam_buf_printf(sql, " AND %ssite_id IN (", prefix);
		for (int i = 0; i < f->nsites; i++)
			wam_buf_printf(sql, "%s:s%d", i ? "," : "", i);
		wam_buf_puts(sql, ")");
	}
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *val)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_text(st, i, val, -1, SQLITE_STATIC);
}

static void bind_filter(sqlite3_stmt *st, const wam_item_filter *f, const char *make_key, const char *category)
{
	bind_text(st, ":status", f->status);
	bind_text(st, ":site", f->site_id);
	bind_text(st, ":make", make_key);
	bind_text(st, ":category", category);
	bind_text(st, ":after", f->after_id);
	for (int i = 0; i < f->nsites; i++) {
		char name[16];
		snprintf(name, sizeof name, ":s%d", i);
		bind_text(st, name, f->sites[i]);
	}
}

/* One integer from `sql` with the filter bound, into `*n`. */
static int count_sql(wam_db *db, const char *sql, const wam_item_filter *f, const char *make_key, const char *category,
                     int64_t *n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "count weapons");
	bind_filter(st, f, make_key, category);
	int r = sqlite3_step(st);
	*n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 0 : wam_sql_fail(db->conn, "count weapons");
}

int wam_registry_item_list(wam_db *db, json_t **out, const wam_item_filter *f)
{
	static const wam_item_filter none = {0};
	wam_buf sql = {0};
	char make_key[512] = "", category[16] = "";
	int limit = f && f->limit > 0 ? f->limit : 50, rc = 0;
	wam_item_filter mine = {0};
	const char *sites[WAM_AUTH_MAX_SITES];
	*out = NULL;
	if (!f)
		f = &none;
	if (wam_confined(db)) {
		if (f->site_id && !wam_confine_sees(db, f->site_id))
			return wam_error_set(WAM_EFORBIDDEN, "site", "site '%.40s' is not one of your sites",
			                     f->site_id);
		mine = *f;
		wam_confine_filter(db, &mine.sites, &mine.nsites, sites);
		f = &mine;
	}
	if (limit > 10000)
		return wam_error_set(WAM_EINVAL, "limit", "limit %d is more than 10000", limit);
	if (f->offset < 0)
		return wam_error_set(WAM_EINVAL, "offset", "offset %ld is negative", f->offset);
	if (f->nsites > 64)
		return wam_error_set(WAM_EINVAL, "sites", "at most 64 sites can be listed at once");
	if (f->status && !wam_in_vocab(wam_statuses, f->status)) {
		char list[256];
		wam_vocab_list(wam_statuses, list, sizeof list);
		return wam_error_set(WAM_EINVAL, "status", "status '%.30s' is not one of: %s", f->status, list);
	}
	/* the order: a name of item_sorts, "-" before it for the reverse */
	size_t order = 0;
	bool desc = false;
	if (f->sort && *f->sort) {
		const char *name = f->sort + (*f->sort == '-');
		desc = *f->sort == '-';
		for (order = 0; order < sizeof item_sorts / sizeof item_sorts[0]; order++)
			if (!strcmp(item_sorts[order].name, name))
				break;
		if (order == sizeof item_sorts / sizeof item_sorts[0])
			return wam_error_set(WAM_EINVAL, "sort",
			                     "sort '%.30s' is not one of: registered, serial, make, category, country, "
			                     "status (a - before it for the reverse order)",
			                     f->sort);
	}
	if (f->after_id && (order || desc || f->offset))
		return wam_error_set(WAM_EINVAL, "after",
		                     "after is the cursor of the registration order; with sort or offset, page with "
		                     "offset");
	if (f->make)
		wam_match_name_key(make_key, sizeof make_key, f->make);
	if (f->category) {
		/* the same spellings a registration accepts (sa4, vii(b), ...) */
		json_t *in = json_pack("{s:s}", "category", f->category), *canon = json_object();
		rc = take_category(db, canon, in, 0);
		snprintf(category, sizeof category, "%s", rc ? "" : json_string_value(json_object_get(canon, "category")));
		json_decref(in);
		json_decref(canon);
		if (rc)
			return rc;
	}

	/* the total: exact from the tally, or counted up to COUNT_CAP over a make */
	int64_t total = 0, all = 0;
	bool capped = false;
	if (f->make) {
		wam_buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM items WHERE 1=1");
		filter_sql(&sql, f, "", true, f->category);
		wam_buf_printf(&sql, " LIMIT %d)", COUNT_CAP + 1);
	} else {
		wam_buf_puts(&sql, "SELECT coalesce(sum(n), 0) FROM item_tally WHERE 1=1");
		filter_sql(&sql, f, "", false, f->category);
	}
	if (!sql.p)
		return WAM_ENOMEM;
	rc = count_sql(db, sql.p, f, make_key, category, &total);
	wam_buf_free(&sql);
	if (rc)
		return rc;
	if (total > COUNT_CAP && f->make) {
		total = COUNT_CAP;
		capped = true;
	}
	/* In an order of its own, the list walks that order's index and skips
	 * the weapons the filter leaves out, or reads the filter's weapons and
	 * sorts them: whichever reads fewer. Walking reads about
	 * (offset + limit) * all / total weapons, sorting reads total. */
	bool walk = false;
	bool filtered = f->status || f->site_id || f->make || f->category || f->nsites > 0;
	all = total;
	if (order && filtered &&
	    (rc = count_sql(db, "SELECT coalesce(sum(n), 0) FROM item_tally", &none, NULL, NULL, &all)))
		return rc;
	if (order)
		walk =
		    capped || (total > 0 && (double)(f->offset + limit) * (double)all / (double)total < (double)total);

	/* "+" before a column keeps SQLite from reading it through its index:
	 * on the filter's columns to walk the order's index, on the order's
	 * columns to read the filter's weapons and sort them */
	wam_buf_puts(&sql, "SELECT " ITEM_COLUMNS " FROM items WHERE 1=1");
	filter_sql(&sql, f, walk ? "+" : "", f->make, f->category);
	if (f->after_id)
		wam_buf_puts(&sql, " AND id>:after");
	const char *dir = desc ? " DESC" : "";
	if (!order)
		wam_buf_printf(&sql, " ORDER BY id%s", dir);
	else
		wam_buf_printf(&sql, " ORDER BY %s%s%s, %sid%s", walk ? "" : "+", item_sorts[order].column, dir,
		               walk ? "" : "+", dir);
	wam_buf_puts(&sql, " LIMIT :limit OFFSET :offset");
	if (!sql.p)
		return WAM_ENOMEM;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		wam_buf_free(&sql);
		return wam_sql_fail(db->conn, "list weapons");
	}
	wam_buf_free(&sql);
	bind_filter(st, f, make_key, category);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit + 1);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":offset"), f->offset);
	json_t *items = json_array();
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, item_row(st));
	if (r != SQLITE_DONE)
		rc = wam_sql_fail(db->conn, "list weapons");
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < json_array_size(items); i++)
		rc = hide_duplicates(db, json_array_get(items, i));
	if (rc) {
		json_decref(items);
		return rc;
	}
	json_t *next = json_null(), *next_offset = json_null();
	if (json_array_size(items) > (size_t)limit) {
		json_array_remove(items, (size_t)limit);
		if (!order && !desc && !f->offset)
			next = json_incref(json_object_get(json_array_get(items, (size_t)limit - 1), "id"));
		next_offset = json_integer(f->offset + limit);
	}
	*out = json_pack("{s:o, s:o, s:o, s:I, s:b}", "items", items, "next", next, "next_offset", next_offset, "total",
	                 (json_int_t)total, "total_capped", capped);
	return *out ? 0 : WAM_ENOMEM;
}

/* ---- status ---- */

static const char *const status_fields[] = {"reason", "document", "certificate", NULL};

/* The status change itself. `sanctioned` is true only for the procedures
 * that alone may make a weapon `destroyed` or `exported` (a closed
 * destruction batch, a confirmed export); every other caller is refused
 * those two final statuses before anything is read. */
static int set_status(wam_db *db, json_t **out, const char *id, const char *status, const json_t *details,
                      bool sanctioned)
{
	int rc;
	char from[32], next[256];
	json_t *payload = json_object(), *empty = json_object();
	if (out)
		*out = NULL;
	if (!details)
		details = empty;
	if ((rc = wam_db_begin(db)))
		goto done;
	sqlite3_stmt *st =
	    wam_room_db_stmt(db, &wam_room_registry, ST_STATUS_OF, "SELECT status FROM items WHERE id=?");
	if (!st) {
		rc = WAM_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no weapon with id '%.40s'", id);
		goto fail;
	}
	snprintf(from, sizeof from, "%s", wam_col_text(st, 0));
	sqlite3_reset(st);
	json_t *in = json_deep_copy(details);
	json_object_set_new(in, "status", json_string(status ? status : ""));
	rc = wam_take_word(payload, in, "status", "status", wam_statuses, NULL, WAM_FIELD_REQUIRED, 0);
	json_decref(in);
	if (rc || (rc = wam_check_fields(details, status_fields, "", 0)) ||
	    (rc = wam_take_text(payload, details, "reason", "reason", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_take_text(payload, details, "document", "document", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(payload, details, "certificate", "certificate", 0, WAM_MAX_TEXT, 0)))
		goto fail;
	const char *to = json_string_value(json_object_get(payload, "status"));
	if (!sanctioned && wam_status_final_by_procedure(to)) {
		rc = wam_error_set(WAM_ECONFLICT, "status",
		                   !strcmp(to, "destroyed")
		                       ? "a weapon becomes destroyed only when the destruction batch that lists it is "
		                         "closed (wam destruction open/add/verify/confirm/close; docs/stock.md)"
		                       : "a weapon becomes exported only when an export proposed by one person is "
		                         "confirmed by another (wam item export propose/confirm; docs/registry.md)");
		goto fail;
	}
	if (!wam_registry_status_allowed(from, to)) {
		wam_registry_status_next(from, next, sizeof next);
		rc = wam_error_set(WAM_ECONFLICT, "status",
		                   "a weapon that is %s cannot become %s (allowed from %s: %s)", from, to, from, next);
		goto fail;
	}
	if (wam_status_needs_reason(to) && !json_object_get(payload, "reason")) {
		rc = wam_error_set(WAM_EINVAL, "reason", "a change to %s needs a reason", to);
		goto fail;
	}
	if (wam_status_needs_certificate(to) && !json_object_get(payload, "certificate")) {
		rc = wam_error_set(WAM_EINVAL, "certificate", "a change to %s needs the certificate number", to);
		goto fail;
	}
	json_object_set_new(payload, "to", json_string(to)); /* before `to` is freed with "status" */
	json_object_del(payload, "status");
	json_object_set_new(payload, "from", json_string(from));
	if ((rc = wam_ledger_append(db, "item.status_changed", id, payload, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_registry_item_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(payload);
	json_decref(empty);
	return rc;
}

int wam_registry_item_set_status(wam_db *db, json_t **out, const char *id, const char *status, const json_t *details)
{
	if (out)
		*out = NULL;
	if (wam_confined(db)) { /* a weapon at another site is not there */
		json_t *item = NULL;
		int rc = wam_registry_item_get(db, &item, id);
		json_decref(item);
		if (rc)
			return rc;
	}
	return set_status(db, out, id, status, details, false);
}

int wam_registry_item_set_final_status(wam_db *db, json_t **out, const char *id, const char *status,
                                       const json_t *details)
{
	return set_status(db, out, id, status, details, true);
}

/* ---- history ---- */

/* The one line of a history: the event type's summary from the catalogue,
 * cut to at most 511 bytes at a character boundary; the bare type when the
 * catalogue does not know it (a ledger written by a newer wam). */
static void history_summary(char summary[512], const char *type, const json_t *pl)
{
	const wam_event_type *t = wam_event_type_find(type);
	wam_buf b = {0};
	if (!t || wam_event_summary(&b, t, pl) || !b.p) {
		snprintf(summary, 512, "%s", t && b.p ? b.p : t ? "" : type);
		wam_buf_free(&b);
		return;
	}
	size_t n = b.n < 511 ? b.n : 511;
	while (n < b.n && n > 0 && ((unsigned char)b.p[n] & 0xc0) == 0x80)
		n--; /* not inside a character */
	memcpy(summary, b.p, n);
	summary[n] = '\0';
	wam_buf_free(&b);
}

static json_t *history_entry(const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const json_t *pl = json_object_get(ev, "payload");
	json_t *before = json_null(), *after = json_null();
	char summary[512];
	if (!strcmp(type, "item.registered")) {
		after = wam_item_expand(pl);
	} else if (!strcmp(type, "item.status_changed")) {
		before = json_pack("{s:O}", "status", json_object_get(pl, "from"));
		after = json_pack("{s:O}", "status", json_object_get(pl, "to"));
	} else if (!strcmp(type, "location.moved")) { /* stock: a move between sites */
		before = json_pack("{s:O}", "site_id", json_object_get(pl, "from"));
		after = json_deep_copy(pl);
	} else {
		after = json_deep_copy(pl);
	}
	history_summary(summary, type, pl);
	return json_pack("{s:O, s:O, s:O, s:O, s:s, s:o, s:o, s:O}", "seq", json_object_get(ev, "seq"), "time",
	                 json_object_get(ev, "time"), "actor", json_object_get(ev, "actor"), "type",
	                 json_object_get(ev, "type"), "summary", summary, "before", before, "after", after, "hash",
	                 json_object_get(ev, "hash"));
}

int wam_registry_item_history(wam_db *db, json_t **out, const char *id)
{
	int rc;
	json_t *item = NULL, *events = NULL;
	*out = NULL;
	if ((rc = wam_registry_item_get(db, &item, id)))
		return rc;
	json_decref(item);
	wam_principal who; /* the weapon is the principal's: its events are too */
	wam_confine_lift(db, &who);
	rc = wam_ledger_events(db, id, 0, 0, &events);
	wam_confine_restore(db, &who);
	if (rc)
		return rc;
	json_t *arr = json_array();
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev) json_array_append_new(arr, history_entry(ev));
	json_decref(events);
	*out = arr;
	return 0;
}

/* ---- summary ---- */

static int count_by(wam_db *db, json_t *out, const char *key, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "summary");
	json_t *o = json_object();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, wam_col_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	json_object_set_new(out, key, o);
	return 0;
}

/* The sites holding the most weapons: [{id, name, items}], largest first. */
static int by_site(wam_db *db, json_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT s.id, s.name, c.n FROM (SELECT site_id, sum(n) AS n FROM item_tally "
	                       "WHERE site_id <> '' GROUP BY site_id) c JOIN sites s ON s.id = c.site_id "
	                       "ORDER BY c.n DESC, s.name LIMIT 20",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "summary");
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "id", wam_col_text(st, 0), "name",
		                                     wam_col_text(st, 1), "items", (json_int_t)sqlite3_column_int64(st, 2)));
	sqlite3_finalize(st);
	json_object_set_new(out, "by_site", arr);
	return 0;
}

/* The last events about weapons, newest first, each as the history shows
 * it without the before and after. */
static int recent(wam_db *db, json_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT seq, time, actor, type, subject, payload FROM events "
	                       "WHERE type LIKE 'item.%' ORDER BY seq DESC LIMIT 10",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "summary");
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *ev = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:n}", "seq", (json_int_t)sqlite3_column_int64(st, 0),
		                       "time", wam_col_text(st, 1), "actor", wam_col_text(st, 2), "type",
		                       wam_col_text(st, 3), "subject", wam_col_text(st, 4), "payload",
		                       json_loads(wam_col_text(st, 5), 0, NULL), "hash");
		json_t *h = ev ? history_entry(ev) : NULL;
		if (!h) {
			json_decref(ev);
			continue;
		}
		json_object_del(h, "before");
		json_object_del(h, "after");
		json_object_del(h, "hash");
		json_object_set(h, "subject", json_object_get(ev, "subject"));
		json_decref(ev);
		json_array_append_new(arr, h);
	}
	sqlite3_finalize(st);
	json_object_set_new(out, "recent", arr);
	return 0;
}

int wam_registry_summary(wam_db *db, json_t **out)
{
	int rc;
	json_t *o = NULL;
	*out = NULL;
	if ((rc = wam_confine_national(db, "the summary")))
		return rc;
	o = json_object();
	if ((rc = count_by(db, o, "totals",
	                   "SELECT 'items', coalesce(sum(n), 0) FROM item_tally UNION ALL SELECT 'sites', count(*) FROM sites "
	                   "UNION ALL SELECT 'holders', count(*) FROM holders UNION ALL SELECT 'events', coalesce(max(seq), 0) "
	                   "FROM events")) ||
	    (rc = count_by(db, o, "by_status", "SELECT status, sum(n) FROM item_tally GROUP BY 1 ORDER BY 1")) ||
	    (rc = count_by(db, o, "by_category", "SELECT category, sum(n) FROM item_tally GROUP BY 1 ORDER BY 1")) ||
	    (rc = count_by(db, o, "by_marking_status",
	                   "SELECT marking_status, sum(n) FROM item_tally GROUP BY 1 ORDER BY 1")) ||
	    (rc = count_by(db, o, "by_country",
	                   "SELECT CASE country WHEN '' THEN 'unknown' ELSE country END, sum(n) FROM item_tally "
	                   "GROUP BY 1 ORDER BY 2 DESC, 1")) ||
	    (rc = by_site(db, o)) || (rc = recent(db, o))) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
