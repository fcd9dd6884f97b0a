/* Weapons: registration, lookup, listing, status changes and history.
 *
 * wam_item_payload() turns what a person or file supplied into the event
 * payload (checked, vocabularies lowercased, the frame serial mirrored as a
 * marking); wam_item_register() checks for duplicates and appends the event.
 * The CLI, the API, import and the demo generator all pass through these
 * two, so a weapon is validated the same way whatever door it comes in by. */
#include <ctype.h>
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
	ST_COUNTRY,
	ST_NEXT_FREE /* registry/site.c starts here */
};
/* after registry/site.c's 12..14: the makeup of weapons and parts */
enum { ST_WEAPON_OF = 15, ST_WEAPON_PLAIN, ST_MAKEUP, ST_GET_MARKINGS_METHOD, ST_PARTS, ST_MAKEUP_END };
_Static_assert(ST_MAKEUP_END <= WAM_ROOM_DB_SLOTS, "the registry room's statement slots");

static const char *const item_fields[] = {
    "id",   "category",     "make",       "model",       "calibre",        "serial",         "country",
    "year", "import_marks", "markings",   "status",      "site_id",        "holder_id",      "notes",
    "kind", "part_type",    "belongs_to", "manufacture", "converted_from", "frame_material", "serial_component",
    NULL};
static const char *const marking_fields[] = {"component", "kind",     "text",   "script", "legibility",
                                             "altered",   "location", "method", NULL};

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
			return wam_error_set_line(WAM_EINVAL, line, key, "%s '%.40s' names no %s in this registry", key,
			                          id, what);
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
	/* the sentence keeps its id and args: the field says which entry */
	const wam_error *last = wam_error_last();
	wam_error e = *last;
	/* each cut short if it must be, as wam_error_set would */
	if (snprintf(e.field, sizeof e.field, "%s[%zu].%s", list, i, last->field) >= 0 &&
	    snprintf(e.message, sizeof e.message, "%s[%zu]: %s", list, i, last->message) >= 0)
		wam_error_restore(&e);
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
	    (rc = wam_take_text(o, m, "location", "location", 0, WAM_MAX_TEXT, line)) ||
	    (rc = wam_take_word(o, m, "method", "method", wam_registry_marking_methods, NULL, 0, line)))
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

/* Whether the registry records makeup: MAKEUP_NONE when it has no table
 * item_makeup (a registry read as it was made before migration 10),
 * MAKEUP_EMPTY when no item records any, MAKEUP_HELD otherwise. One short
 * query per call, so a list of weapons that record none reads no more per
 * weapon than before. */
enum { MAKEUP_NONE, MAKEUP_EMPTY, MAKEUP_HELD };
static int makeup_held(wam_db *db)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->conn, "SELECT EXISTS (SELECT 1 FROM item_makeup)", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return MAKEUP_NONE;
	}
	int held = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) ? MAKEUP_HELD : MAKEUP_EMPTY;
	sqlite3_finalize(st);
	return held;
}

/* Checks that `weapon_id` (the value of `field`) names a weapon a part may
 * belong to: registered, of kind weapon (not a part) and not destroyed. */
static int check_weapon(wam_db *db, const char *weapon_id, const char *field, long line)
{
	bool makeup = makeup_held(db) != MAKEUP_NONE;
	sqlite3_stmt *st = wam_room_db_stmt(
	    db, &wam_room_registry, makeup ? ST_WEAPON_OF : ST_WEAPON_PLAIN,
	    makeup ? "SELECT i.status, coalesce(m.kind, 'weapon'), i.site_id, m.part_type FROM items i LEFT JOIN "
	             "item_makeup m ON m.item_id = i.id WHERE i.id=?"
	           : "SELECT status, 'weapon', site_id, NULL FROM items WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, weapon_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || !wam_confine_sees(db, (const char *)sqlite3_column_text(st, 2))) {
		sqlite3_reset(st);
		return wam_error_set_line(WAM_ENOTFOUND, line, field, "%s '%.40s' names no weapon in this registry",
		                          field, weapon_id);
	}
	char status[32], kind[16], part_type[32];
	snprintf(status, sizeof status, "%s", wam_col_text(st, 0));
	snprintf(kind, sizeof kind, "%s", wam_col_text(st, 1));
	snprintf(part_type, sizeof part_type, "%s", wam_col_text(st, 3));
	sqlite3_reset(st);
	/* a frame or lower receiver is the weapon: its parts belong to it */
	if (!wam_registry_counts_as_weapon(kind, part_type))
		return wam_error_set_line(WAM_EINVAL, line, field,
		                          "%s '%.40s' is a part: a part belongs to a weapon, not to another part",
		                          field, weapon_id);
	if (!strcmp(status, "destroyed"))
		return wam_error_set_line(WAM_ECONFLICT, line, field,
		                          "%s '%.40s' is destroyed: no part can belong to it any more", field,
		                          weapon_id);
	return 0;
}

/* What an item is and how it was made: kind (weapon, left out, or part),
 * part_type (a part's, required), belongs_to (a part's weapon),
 * manufacture, converted_from (with manufacture converted only),
 * frame_material and serial_component. */
static int take_makeup(wam_db *db, json_t *p, const json_t *in, long line)
{
	int rc;
	if ((rc = wam_take_word(p, in, "kind", "kind", wam_item_kinds, "weapon", WAM_FIELD_REQUIRED, line)) ||
	    (rc = wam_take_word(p, in, "part_type", "part_type", wam_registry_part_types, NULL, 0, line)) ||
	    (rc = wam_take_word(p, in, "manufacture", "manufacture", wam_registry_manufactures, NULL, 0, line)) ||
	    (rc = wam_take_word(p, in, "converted_from", "converted_from", wam_registry_conversions, NULL, 0, line)) ||
	    (rc = wam_take_word(p, in, "frame_material", "frame_material", wam_registry_frame_materials, NULL, 0,
	                        line)) ||
	    (rc = wam_take_word(p, in, "serial_component", "serial_component", wam_registry_components, NULL, 0,
	                        line)) ||
	    (rc = wam_take_text(p, in, "belongs_to", "belongs_to", 0, WAM_MAX_TEXT, line)))
		return rc;
	const char *kind = json_string_value(json_object_get(p, "kind")); /* taken, with its default */
	if (!kind)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	bool part = !strcmp(kind, "part");
	const char *made = json_string_value(json_object_get(p, "manufacture"));
	if (part && !json_object_get(p, "part_type")) {
		char list[256];
		wam_vocab_list(wam_registry_part_types, list, sizeof list);
		return wam_error_set_line(WAM_EINVAL, line, "part_type", "a part needs its part_type (one of: %s)",
		                          list);
	}
	if (!part && json_object_get(p, "part_type"))
		return wam_error_set_line(WAM_EINVAL, line, "part_type",
		                          "part_type is given only for a part (kind part), not for a weapon");
	if (!part && json_object_get(p, "belongs_to"))
		return wam_error_set_line(
		    WAM_EINVAL, line, "belongs_to",
		    "belongs_to is given only for a part (kind part): a weapon belongs to no weapon");
	if (json_object_get(p, "converted_from") && (!made || strcmp(made, "converted") != 0))
		return wam_error_set_line(WAM_EINVAL, line, "converted_from",
		                          "converted_from is given only with manufacture converted");
	const char *weapon = json_string_value(json_object_get(p, "belongs_to"));
	if (weapon && wam_registry_counts_as_weapon(kind, json_string_value(json_object_get(p, "part_type"))))
		return wam_error_set_line(WAM_EINVAL, line, "belongs_to",
		                          "a %s is the weapon itself: it belongs to no other weapon",
		                          json_string_value(json_object_get(p, "part_type")));
	if (weapon && (rc = check_weapon(db, weapon, "belongs_to", line)))
		return rc;
	if (!part)
		json_object_del(p, "kind"); /* the default, left out of the event */
	return 0;
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
	    (rc = wam_take_text(p, in, "notes", "notes", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, line)) ||
	    (rc = take_makeup(db, p, in, line)))
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

/* Tells the rooms' status hooks (rooms.c) of weapon `id`'s new status `to`
 * inside the open transaction; `from` NULL: it was registered so. */
static int status_changed(wam_db *db, const char *id, const char *from, const char *to, const json_t *change,
                          unsigned flags)
{
	int rc = 0;
	for (const wam_status_hook *h = wam_status_changed_hooks; to && *h && !rc; h++)
		rc = (*h)(db, id, from, to, change, flags);
	return rc;
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
		/* like is compared with like: a weapon (or the frame that counts as
		 * one) with weapons, a part with parts of its type, so a barrel that
		 * repeats its pistol's serial is not a duplicate of the pistol */
		sqlite3_stmt *st =
		    wam_room_db_stmt(db, &wam_room_registry, ST_DUP,
		                     "SELECT i.id, i.site_id, m.kind, m.part_type FROM items i LEFT JOIN item_makeup m "
		                     "ON m.item_id = i.id "
		                     "WHERE i.serial_key=? AND i.make_key=? AND i.country IS ? "
		                     "LIMIT 20"); /* no ORDER BY: a sort per weapon would dominate imports */
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, serial_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, make_key, -1, SQLITE_STATIC);
		wam_bind_text_or_null(st, 3, json_string_value(json_object_get(payload, "country")));
		json_t *dups = NULL, *seen = NULL;
		const char *kind = json_string_value(json_object_get(payload, "kind")),
		           *type = json_string_value(json_object_get(payload, "part_type"));
		bool weapon = wam_registry_counts_as_weapon(kind, type);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *their_kind = (const char *)sqlite3_column_text(st, 2),
			           *their_type = (const char *)sqlite3_column_text(st, 3);
			if (wam_registry_counts_as_weapon(their_kind, their_type) != weapon ||
			    (!weapon && strcmp(type ? type : "", their_type ? their_type : "") != 0))
				continue;
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
			rc = wam_error_set(
			    WAM_ECONFLICT, "serial",
			    "duplicate candidate: %s serial '%s' from %s (new record %s) is already registered "
			    "%s; nothing was recorded (to record it knowingly: --allow-duplicate, or "
			    "allow_duplicate=true "
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
	if ((rc = wam_ledger_append(db, "item.registered", id_out, payload, NULL)))
		return rc;
	return status_changed(db, id_out, NULL, json_string_value(json_object_get(payload, "status")), payload,
	                      flags & WAM_IN_IMPORT ? WAM_STATUS_BULK : 0);
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

#define ITEM_COLUMNS                                                                                                   \
	"id, category, make, model, calibre, serial, country, year, status, marking_status, marking_reason, "          \
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
			json_object_set_new(m, "altered",
			                    json_boolean(json_integer_value(json_object_get(m, "altered"))));
		if (json_is_null(json_object_get(m, "method"))) /* recorded for some markings only */
			json_object_del(m, "method");
		json_array_append_new(arr, m);
	}
	json_object_set_new(o, key, arr);
	return 0;
}

/* The item's makeup into `o` from item_makeup (when the registry has the
 * table: `makeup`): `kind` always ("weapon" without a row), the other
 * fields where recorded. With `parts`, a weapon (a frame part too) lists the parts that belong
 * to it at sites the principal sees: [{id, part_type, serial, make}]. */
static int makeup_read(wam_db *db, json_t *o, const char *id, bool makeup, bool parts)
{
	static const char *const fields[] = {"part_type",      "belongs_to",       "manufacture", "converted_from",
	                                     "frame_material", "serial_component", NULL};
	json_object_set_new(o, "kind", json_string("weapon"));
	if (!makeup) {
		if (parts)
			json_object_set_new(o, "parts", json_array());
		return 0;
	}
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, ST_MAKEUP,
	                                    "SELECT kind, part_type, belongs_to, manufacture, converted_from, "
	                                    "frame_material, serial_component FROM item_makeup WHERE item_id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bool part = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		/* a frame or lower receiver part is the weapon: it lists its parts */
		part = !wam_registry_counts_as_weapon(wam_col_text(st, 0), (const char *)sqlite3_column_text(st, 1));
		json_object_set_new(o, "kind", json_string(wam_col_text(st, 0)));
		for (int k = 0; fields[k]; k++)
			if (sqlite3_column_type(st, k + 1) != SQLITE_NULL)
				json_object_set_new(o, fields[k], json_string(wam_col_text(st, k + 1)));
	}
	sqlite3_reset(st);
	if (!parts || part)
		return 0;
	if (!(st = wam_room_db_stmt(
	          db, &wam_room_registry, ST_PARTS,
	          "SELECT m.item_id AS id, m.part_type, i.serial, i.make, i.site_id FROM item_makeup m "
	          "JOIN items i ON i.id = m.item_id WHERE m.belongs_to=? ORDER BY m.item_id")))
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!wam_confine_sees(db, (const char *)sqlite3_column_text(st, 4)))
			continue;
		json_t *p = wam_row_json(st);
		json_object_del(p, "site_id");
		json_array_append_new(arr, p);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "parts", arr);
	return 0;
}

/* The marking reason's message id and args (marking_reason_id,
 * marking_reason_args), from the rules applied again to the weapon as read:
 * kept only when they give the reason recorded, else the id is "" (a front
 * end shows the recorded English). */
static int marking_said(wam_db *db, json_t *o)
{
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, ST_COUNTRY,
	                                    "SELECT coalesce(json_extract(payload,'$.country'),'') FROM events"
	                                    " WHERE seq=1 AND type='registry.created'");
	if (!st)
		return WAM_EDB;
	char country[8] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(country, sizeof country, "%s", wam_col_text(st, 0));
	sqlite3_reset(st);
	json_t *said = NULL;
	wam_registry_marking(o, country, &said);
	const char *recorded = json_string_value(json_object_get(o, "marking_reason"));
	const char *again = json_string_value(json_object_get(said, "message"));
	bool same = recorded && again && !strcmp(recorded, again);
	json_object_set_new(o, "marking_reason_id",
	                    json_string(same ? json_string_value(json_object_get(said, "message_id")) : ""));
	json_object_set_new(o, "marking_reason_args", same ? json_incref(json_object_get(said, "args")) : json_array());
	json_decref(said);
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
	bool makeup = makeup_held(db) != MAKEUP_NONE;
	if ((rc = makeup
	              ? children(db, o, id, ST_GET_MARKINGS_METHOD,
	                         "SELECT m.component, m.kind, m.text, m.script, m.legibility, m.altered, m.location, "
	                         "mm.method FROM markings m LEFT JOIN marking_methods mm ON mm.item_id = m.item_id "
	                         "AND mm.n = m.n WHERE m.item_id=? ORDER BY m.n",
	                         "markings")
	              : children(db, o, id, ST_GET_MARKINGS,
	                         "SELECT component, kind, text, script, legibility, altered, location FROM markings "
	                         "WHERE item_id=? ORDER BY n",
	                         "markings")) ||
	    (rc = makeup_read(db, o, id, makeup, true)) ||
	    (rc = children(db, o, id, ST_GET_IMPORTS,
	                   "SELECT country, year FROM import_marks WHERE item_id=? ORDER BY n", "import_marks")) ||
	    (rc = marking_said(db, o))) {
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
static bool makeup_filtered(const wam_item_filter *f)
{
	return f->kind || f->part_type || f->manufacture || f->frame_material;
}

static void filter_sql(wam_buf *sql, const wam_item_filter *f, const char *prefix, bool make, bool category)
{
	/* the makeup filters read item_makeup's indexes (a row only for items
	 * that record any makeup); a weapon is an item without a part's row */
	if (makeup_filtered(f)) {
		/* a frame or lower receiver part is the weapon (as the summary
		 * counts it): kind weapon lists it, kind part does not */
		bool weapon = f->kind && !strcmp(f->kind, "weapon");
		bool positive = f->part_type || f->manufacture || f->frame_material || (f->kind && !weapon);
		if (weapon)
			wam_buf_printf(sql,
			               " AND %sid NOT IN (SELECT item_id FROM item_makeup WHERE kind='part' AND "
			               "part_type NOT IN ('frame_receiver','lower_receiver'))",
			               prefix);
		if (positive) {
			wam_buf_printf(sql, " AND %sid IN (SELECT item_id FROM item_makeup WHERE 1=1", prefix);
			if (f->kind && !weapon)
				wam_buf_puts(
				    sql, " AND kind=:kind AND part_type NOT IN ('frame_receiver','lower_receiver')");
			if (f->part_type)
				wam_buf_puts(sql, " AND part_type=:part_type");
			if (f->manufacture)
				wam_buf_puts(sql, " AND manufacture=:manufacture");
			if (f->frame_material)
				wam_buf_puts(sql, " AND frame_material=:frame_material");
			wam_buf_puts(sql, ")");
		}
	}
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
	bind_text(st, ":kind", f->kind);
	bind_text(st, ":part_type", f->part_type);
	bind_text(st, ":manufacture", f->manufacture);
	bind_text(st, ":frame_material", f->frame_material);
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
	/* the makeup filters: words of their vocabularies, in any case and with
	 * - or space for _, as an item is registered */
	wam_item_filter worded = *f;
	char word[4][64];
	struct {
		const char *field, **value;
		const char *const *vocab;
	} words[] = {{"kind", &worded.kind, wam_item_kinds},
	             {"part_type", &worded.part_type, wam_registry_part_types},
	             {"manufacture", &worded.manufacture, wam_registry_manufactures},
	             {"frame_material", &worded.frame_material, wam_registry_frame_materials}};
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		const char *v = *words[w].value;
		if (!v)
			continue;
		size_t n = strlen(v), k = 0;
		for (; k < n && k + 1 < sizeof word[w]; k++)
			word[w][k] = v[k] == '-' || v[k] == ' ' ? '_' : (char)tolower((unsigned char)v[k]);
		word[w][k] = '\0';
		if (n >= sizeof word[w] || !wam_in_vocab(words[w].vocab, word[w])) {
			char list[256];
			wam_vocab_list(words[w].vocab, list, sizeof list);
			return wam_error_set(WAM_EINVAL, words[w].field, "%s '%.30s' is not one of: %s", words[w].field,
			                     v, list);
		}
		*words[w].value = word[w];
	}
	f = &worded;
	int held = makeup_held(db);
	bool makeup = held != MAKEUP_NONE;
	wam_item_filter plain;
	if (!makeup && makeup_filtered(f)) {
		/* a registry from before makeup was recorded: every item is a
		 * weapon of which nothing more is known */
		if (f->part_type || f->manufacture || f->frame_material || strcmp(f->kind, "weapon") != 0) {
			*out = json_pack("{s:[], s:n, s:n, s:I, s:b}", "items", "next", "next_offset", "total",
			                 (json_int_t)0, "total_capped", 0);
			return *out ? 0 : WAM_ENOMEM;
		}
		plain = *f;
		plain.kind = NULL;
		f = &plain;
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
		snprintf(category, sizeof category, "%s",
		         rc ? "" : json_string_value(json_object_get(canon, "category")));
		json_decref(in);
		json_decref(canon);
		if (rc)
			return rc;
	}

	/* the total: exact from the tally, or counted up to COUNT_CAP over a make */
	int64_t total = 0, all = 0;
	bool capped = false;
	bool counted = f->make || makeup_filtered(f); /* counted from the weapons, not the tally */
	if (counted) {
		wam_buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM items WHERE 1=1");
		filter_sql(&sql, f, "", f->make, f->category);
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
	if (total > COUNT_CAP && counted) {
		total = COUNT_CAP;
		capped = true;
	}
	/* In an order of its own, the list walks that order's index and skips
	 * the weapons the filter leaves out, or reads the filter's weapons and
	 * sorts them: whichever reads fewer. Walking reads about
	 * (offset + limit) * all / total weapons, sorting reads total. */
	bool walk = false;
	bool filtered = f->status || f->site_id || f->make || f->category || f->nsites > 0 || makeup_filtered(f);
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
	for (size_t i = 0; !rc && i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (!(rc = hide_duplicates(db, it)))
			rc = makeup_read(db, it, json_string_value(json_object_get(it, "id")), held == MAKEUP_HELD,
			                 false);
	}
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

static const char *const status_fields[] = {"reason", "document", "certificate", "reason_msg", "left_custody", NULL};

/* A reason the server wrote comes with the same sentence as a message id
 * and its arguments ({"message_id", "args"}: docs/ledger.md), which a
 * front end words in its user's language; the CLI prints the reason. */
static int take_reason_msg(json_t *payload, const json_t *details)
{
	const json_t *m = json_object_get(details, "reason_msg"), *a, *v;
	size_t i;
	if (!m)
		return 0;
	const char *id = json_string_value(json_object_get(m, "message_id"));
	a = json_object_get(m, "args");
	bool ok = json_is_object(m) && json_object_size(m) == 2 && id && *id && strlen(id) < 80 && json_is_array(a) &&
	          json_object_get(payload, "reason");
	json_array_foreach(a, i, v) ok = ok && json_is_string(v);
	if (!ok)
		return wam_error_set(
		    WAM_EINVAL, "reason_msg",
		    "reason_msg must be {\"message_id\": text, \"args\": [text, ...]} beside a reason");
	json_object_set(payload, "reason_msg", (json_t *)m);
	return 0;
}

json_t *wam_registry_reason(json_t *message)
{
	json_t *d = message ? json_pack("{s:O, s:{s:O, s:O}}", "reason", json_object_get(message, "message"),
	                                "reason_msg", "message_id", json_object_get(message, "message_id"), "args",
	                                json_object_get(message, "args"))
	                    : NULL;
	json_decref(message);
	return d;
}

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
	    (rc = wam_take_text(payload, details, "certificate", "certificate", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = take_reason_msg(payload, details)))
		goto fail;
	const char *to = json_string_value(json_object_get(payload, "status"));
	/* only the procedure that exports a weapon takes it out of custody */
	const json_t *left = json_object_get(details, "left_custody");
	if (left && (!sanctioned || !json_is_boolean(left) || strcmp(to ? to : "", "exported"))) {
		rc = wam_error_set(WAM_EINVAL, "left_custody",
		                   "left_custody is set only by the procedure that exports a weapon");
		goto fail;
	}
	if (json_is_true(left))
		json_object_set_new(payload, "left_custody", json_true());
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
	if ((rc = wam_ledger_append(db, "item.status_changed", id, payload, NULL)) ||
	    (rc = status_changed(db, id, from, json_string_value(json_object_get(payload, "to")), payload, 0)))
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

/* ---- parts ---- */

int wam_registry_item_attach(wam_db *db, json_t **out, const char *part_id, const char *weapon_id, const char *reason)
{
	int rc;
	json_t *part = NULL, *payload = NULL;
	if (out)
		*out = NULL;
	if (weapon_id && !*weapon_id)
		return wam_error_set(WAM_EINVAL, "weapon_id", "weapon_id is a weapon's id, or null to detach the part");
	if (reason && !*reason)
		reason = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_registry_item_get(db, &part, part_id ? part_id : "")))
		goto fail;
	const char *kind = json_string_value(json_object_get(part, "kind"));
	const char *now = json_string_value(json_object_get(part, "belongs_to"));
	if (wam_registry_counts_as_weapon(kind, json_string_value(json_object_get(part, "part_type")))) {
		rc = wam_error_set(WAM_EINVAL, "id",
		                   "%.40s is a weapon, not a part: only a part is attached to a weapon", part_id);
		goto fail;
	}
	if (weapon_id && !strcmp(weapon_id, part_id)) {
		rc = wam_error_set(WAM_EINVAL, "weapon_id", "a part cannot belong to itself");
		goto fail;
	}
	if (weapon_id && (rc = check_weapon(db, weapon_id, "weapon_id", 0)))
		goto fail;
	if (weapon_id && now && !strcmp(now, weapon_id)) {
		rc = wam_error_set(WAM_ECONFLICT, "weapon_id", "part %.40s already belongs to weapon %.40s", part_id,
		                   weapon_id);
		goto fail;
	}
	if (!weapon_id && !now) {
		rc = wam_error_set(WAM_ECONFLICT, "weapon_id",
		                   "part %.40s belongs to no weapon: there is nothing to detach", part_id);
		goto fail;
	}
	if (!weapon_id && !reason) {
		rc = wam_error_set(WAM_EINVAL, "reason", "detaching a part from its weapon needs a reason");
		goto fail;
	}
	payload = json_pack("{s:o}", "weapon_id", weapon_id ? json_string(weapon_id) : json_null());
	if (reason) {
		json_t *r = json_pack("{s:s}", "reason", reason);
		rc = wam_take_text(payload, r, "reason", "reason", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
		json_decref(r);
		if (rc)
			goto fail;
	}
	if ((rc = wam_ledger_append(db, "item.attached", part_id, payload, NULL)))
		goto fail;
	json_decref(payload);
	json_decref(part);
	if ((rc = wam_db_commit(db)))
		return rc;
	return out ? wam_registry_item_get(db, out, part_id) : 0;
fail:
	json_decref(payload);
	json_decref(part);
	wam_db_rollback(db);
	return rc;
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
	/* the summary is the English line the CLI prints; type and payload are
	 * the data a front end words in its own language (the catalogue's
	 * event.<type>, docs/ledger.md) */
	return json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:o, s:o, s:O}", "seq", json_object_get(ev, "seq"), "time",
	                 json_object_get(ev, "time"), "actor", json_object_get(ev, "actor"), "type",
	                 json_object_get(ev, "type"), "summary", summary, "payload", pl ? pl : json_null(), "before",
	                 before, "after", after, "hash", json_object_get(ev, "hash"));
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

/* ---- summary ----
 *
 * Counted from item_tally (weapons by status, category, marking status,
 * country and site, kept by triggers): one pass over it gives every count,
 * a few tens of thousands of rows whatever the registry's size. For a
 * principal confined to sites the rows of other sites are skipped, so the
 * same figures cover its sites only. */

/* counts[key] += n */
static int add_count(json_t *counts, const char *key, json_int_t n)
{
	json_t *v = json_object_get(counts, key);
	if (v)
		return json_integer_set(v, json_integer_value(v) + n);
	return json_object_set_new(counts, key, json_integer(n));
}

typedef struct count_row {
	const char *key;
	json_int_t n;
} count_row;

static int by_count_desc(const void *a, const void *b)
{
	const count_row *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const count_row *)a)->key, ((const count_row *)b)->key);
}

/* `counts` again, its keys in order (by key, or largest first); NULL when
 * out of memory. Takes `counts`. */
static json_t *ordered(json_t *counts, bool largest_first)
{
	size_t n = json_object_size(counts), i = 0;
	count_row *rows = calloc(n ? n : 1, sizeof *rows);
	json_t *out = json_object(), *v;
	const char *k;
	if (!rows || !out) {
		free(rows);
		json_decref(out);
		json_decref(counts);
		return NULL;
	}
	json_object_foreach(counts, k, v) rows[i++] = (count_row){k, json_integer_value(v)};
	qsort(rows, n, sizeof *rows, largest_first ? by_count_desc : by_key);
	for (i = 0; i < n; i++)
		json_object_set_new(out, rows[i].key, json_integer(rows[i].n));
	free(rows);
	json_decref(counts);
	return out;
}

/* A coordinate rounded to a tenth of a degree (about 11 km): where a site
 * lies on a map of the country, not where it is (its coordinates are read,
 * and logged, one site at a time). */
static json_t *area_of(sqlite3_stmt *st, int lat, int lon)
{
	if (sqlite3_column_type(st, lat) == SQLITE_NULL || sqlite3_column_type(st, lon) == SQLITE_NULL)
		return json_null();
	double a = sqlite3_column_double(st, lat), b = sqlite3_column_double(st, lon);
	return json_pack("[f, f]", (double)(long long)(a * 10 + (a < 0 ? -0.5 : 0.5)) / 10,
	                 (double)(long long)(b * 10 + (b < 0 ? -0.5 : 0.5)) / 10);
}

static int by_items_desc(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t m = json_integer_value(json_object_get(x, "items")),
	           n = json_integer_value(json_object_get(y, "items"));
	if (m != n)
		return m < n ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(y, "name")));
}

/* totals.items, by_status, by_category, by_marking_status, by_country (CC
 * or unknown), by_site (the 20 sites holding most weapons, largest first:
 * [{id, name, items}]) and sites (every site the principal sees, by name,
 * for a map: [{id, name, country, items, missing (lost or stolen),
 * area}]). */
static int tally(wam_db *db, json_t *o)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	json_int_t total = 0;
	json_t *status = json_object(), *category = json_object(), *marking = json_object(), *country = json_object(),
	       *at = json_object(), *missing = json_object(), *sites = json_array(), *top = json_array();
	if (sqlite3_prepare_v2(db->conn, "SELECT status, category, marking_status, country, site_id, n FROM item_tally",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "summary");
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *site = wam_col_text(st, 4), *cc = wam_col_text(st, 3), *s = wam_col_text(st, 0);
		json_int_t n = sqlite3_column_int64(st, 5);
		if (!wam_confine_sees(db, site))
			continue;
		total += n;
		if (add_count(status, s, n) || add_count(category, wam_col_text(st, 1), n) ||
		    add_count(marking, wam_col_text(st, 2), n) || add_count(country, *cc ? cc : "unknown", n) ||
		    (*site && add_count(at, site, n)) ||
		    (*site && (!strcmp(s, "lost") || !strcmp(s, "stolen")) && add_count(missing, site, n))) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory counting the registry");
			goto done;
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->conn, "SELECT id, name, country, lat, lon FROM sites ORDER BY name, id", -1, &st,
	                       NULL) != SQLITE_OK) {
		st = NULL;
		rc = wam_sql_fail(db->conn, "summary");
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = wam_col_text(st, 0);
		if (!wam_confine_sees(db, id))
			continue;
		json_int_t items = json_integer_value(json_object_get(at, id));
		json_array_append_new(
		    sites, json_pack("{s:s, s:s, s:s?, s:I, s:I, s:o}", "id", id, "name", wam_col_text(st, 1),
		                     "country", (const char *)sqlite3_column_text(st, 2), "items", items, "missing",
		                     json_integer_value(json_object_get(missing, id)), "area", area_of(st, 3, 4)));
	}
	/* the largest 20 of the sites holding any */
	size_t i, n = 0;
	json_t *site, **largest = calloc(json_array_size(sites) + 1, sizeof *largest);
	if (!largest) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory counting the registry");
		goto done;
	}
	json_array_foreach(sites, i, site) if (json_integer_value(json_object_get(site, "items")) > 0) largest[n++] =
	    site;
	qsort(largest, n, sizeof *largest, by_items_desc);
	for (i = 0; i < n && i < 20; i++)
		json_array_append_new(top, json_pack("{s:O, s:O, s:O}", "id", json_object_get(largest[i], "id"), "name",
		                                     json_object_get(largest[i], "name"), "items",
		                                     json_object_get(largest[i], "items")));
	free(largest);
	json_object_set_new(json_object_get(o, "totals"), "items", json_integer(total));
	json_object_set_new(o, "by_status", ordered(status, false));
	json_object_set_new(o, "by_category", ordered(category, false));
	json_object_set_new(o, "by_marking_status", ordered(marking, false));
	json_object_set_new(o, "by_country", ordered(country, true));
	json_object_set_new(o, "by_site", top);
	json_object_set_new(o, "sites", sites);
	status = category = marking = country = sites = top = NULL;
done:
	sqlite3_finalize(st);
	json_decref(status);
	json_decref(category);
	json_decref(marking);
	json_decref(country);
	json_decref(at);
	json_decref(missing);
	json_decref(sites);
	json_decref(top);
	return rc;
}

/* by_kind {weapon, part}, parts_by_type, by_manufacture and
 * by_frame_material (each with `unknown` for the weapons that record none),
 * from item_makeup, which holds a row only for the items that record any of
 * it: a frame_receiver or lower_receiver part counts as a weapon. */
static int makeup_tally(wam_db *db, json_t *o)
{
	json_int_t total = json_integer_value(json_object_get(json_object_get(o, "totals"), "items"));
	json_int_t parts = 0, made = 0, material = 0;
	json_t *types = json_object(), *manufacture = json_object(), *materials = json_object();
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (makeup_held(db) == MAKEUP_HELD) {
		if (sqlite3_prepare_v2(
		        db->conn,
		        "SELECT m.kind, m.part_type, m.manufacture, m.frame_material, i.site_id, count(*) "
		        "FROM item_makeup m JOIN items i ON i.id = m.item_id GROUP BY 1, 2, 3, 4, 5",
		        -1, &st, NULL) != SQLITE_OK) {
			rc = wam_sql_fail(db->conn, "summary");
			goto done;
		}
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *kind = wam_col_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
			json_int_t n = sqlite3_column_int64(st, 5);
			if (!wam_confine_sees(db, (const char *)sqlite3_column_text(st, 4)))
				continue;
			if (!strcmp(kind, "part") && type && add_count(types, type, n))
				goto oom;
			if (!wam_registry_counts_as_weapon(kind, type)) {
				parts += n;
				continue;
			}
			if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
				made += n;
				if (add_count(manufacture, wam_col_text(st, 2), n))
					goto oom;
			}
			if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
				material += n;
				if (add_count(materials, wam_col_text(st, 3), n))
					goto oom;
			}
		}
	}
	json_int_t weapons = total - parts;
	if (add_count(manufacture, "unknown", weapons - made) || add_count(materials, "unknown", weapons - material))
		goto oom;
	json_object_set_new(o, "by_kind", json_pack("{s:I, s:I}", "weapon", weapons, "part", parts));
	json_object_set_new(o, "parts_by_type", ordered(types, false));
	json_object_set_new(o, "by_manufacture", ordered(manufacture, false));
	json_object_set_new(o, "by_frame_material", ordered(materials, false));
	types = manufacture = materials = NULL;
	goto done;
oom:
	rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory counting the registry");
done:
	sqlite3_finalize(st);
	json_decref(types);
	json_decref(manufacture);
	json_decref(materials);
	return rc;
}

/* One event about a weapon as the summary lists it: as the history shows
 * it without the before and after; NULL when it cannot be read. */
static json_t *recent_entry(sqlite3_stmt *st)
{
	json_t *ev =
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:n}", "seq", (json_int_t)sqlite3_column_int64(st, 0), "time",
	              wam_col_text(st, 1), "actor", wam_col_text(st, 2), "type", wam_col_text(st, 3), "subject",
	              wam_col_text(st, 4), "payload", json_loads(wam_col_text(st, 5), 0, NULL), "hash");
	json_t *h = ev ? history_entry(ev) : NULL;
	if (h) {
		json_object_del(h, "before");
		json_object_del(h, "after");
		json_object_del(h, "hash");
		json_object_set(h, "subject", json_object_get(ev, "subject"));
	}
	json_decref(ev);
	return h;
}

#define RECENT 10

/* Keeps `list` (seq descending, at most RECENT) the RECENT newest of what
 * it holds and `h`; takes `h`. */
static void recent_keep(json_t *list, json_t *h)
{
	json_int_t seq = json_integer_value(json_object_get(h, "seq"));
	size_t i = 0;
	while (i < json_array_size(list) && json_integer_value(json_object_get(json_array_get(list, i), "seq")) > seq)
		i++;
	if (i >= RECENT) {
		json_decref(h);
		return;
	}
	json_array_insert_new(list, i, h);
	if (json_array_size(list) > RECENT)
		json_array_remove(list, RECENT);
}

/* The last events about weapons now at `sites`, newest first. The ledger is
 * walked back a little first (WALK events about weapons), which finds them
 * when the sites' weapons change as often as the others; otherwise the
 * weapons are taken latest changed first, each one's own events read by
 * its index, until the next weapon's last change (an event about a weapon
 * is never later than its last_seq) is older than the tenth event kept. */
#define WALK 2000
static int recent_at(wam_db *db, json_t *arr, const char *sites)
{
	sqlite3_stmt *walk = NULL, *items = NULL, *evs = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT e.seq, e.time, e.actor, e.type, e.subject, e.payload, i.site_id FROM (SELECT * "
	                       "FROM events WHERE type LIKE 'item.%' ORDER BY seq DESC LIMIT 2000) e "
	                       "JOIN items i ON i.id = e.subject ORDER BY e.seq DESC",
	                       -1, &walk, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "summary");
		goto done;
	}
	_Static_assert(WALK == 2000, "the LIMIT above");
	int walked = 0;
	while (sqlite3_step(walk) == SQLITE_ROW && json_array_size(arr) < RECENT) {
		walked++;
		if (!wam_confine_sees(db, wam_col_text(walk, 6)))
			continue;
		json_t *h = recent_entry(walk);
		if (h)
			json_array_append_new(arr, h);
	}
	if (json_array_size(arr) >= RECENT || walked < WALK)
		goto done; /* found, or the ledger holds no more */
	json_array_clear(arr);
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT id, last_seq FROM items WHERE site_id IN (SELECT value FROM json_each(?1)) "
	                       "ORDER BY last_seq DESC",
	                       -1, &items, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn,
	                       "SELECT seq, time, actor, type, subject, payload FROM events "
	                       "WHERE subject = ?1 AND type LIKE 'item.%' ORDER BY seq DESC LIMIT 10",
	                       -1, &evs, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "summary");
		goto done;
	}
	sqlite3_bind_text(items, 1, sites, -1, SQLITE_STATIC);
	while (sqlite3_step(items) == SQLITE_ROW) {
		json_int_t last = sqlite3_column_int64(items, 1);
		if (json_array_size(arr) >= RECENT &&
		    last < json_integer_value(json_object_get(json_array_get(arr, RECENT - 1), "seq")))
			break;
		sqlite3_reset(evs);
		sqlite3_bind_text(evs, 1, wam_col_text(items, 0), -1, SQLITE_TRANSIENT);
		while (sqlite3_step(evs) == SQLITE_ROW) {
			json_t *h = recent_entry(evs);
			if (h)
				recent_keep(arr, h);
		}
	}
done:
	sqlite3_finalize(walk);
	sqlite3_finalize(items);
	sqlite3_finalize(evs);
	return rc;
}

/* The last events about weapons, newest first, each as the history shows
 * it without the before and after; for a confined principal, about the
 * weapons at its sites. */
static int recent(wam_db *db, json_t *out, const char *sites)
{
	sqlite3_stmt *st;
	json_t *arr = json_array();
	if (sites) {
		int rc = recent_at(db, arr, sites);
		if (rc) {
			json_decref(arr);
			return rc;
		}
		json_object_set_new(out, "recent", arr);
		return 0;
	}
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT seq, time, actor, type, subject, payload FROM events "
	                       "WHERE type LIKE 'item.%' ORDER BY seq DESC LIMIT 10",
	                       -1, &st, NULL) != SQLITE_OK) {
		json_decref(arr);
		return wam_sql_fail(db->conn, "summary");
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *h = recent_entry(st);
		if (h)
			json_array_append_new(arr, h);
	}
	sqlite3_finalize(st);
	json_object_set_new(out, "recent", arr);
	return 0;
}

/* The principal's sites as a JSON array for AT_SITES (free() it), or NULL
 * when it is not confined. */
static char *summary_sites(wam_db *db)
{
	const wam_principal *p = wam_db_principal(db);
	if (!wam_confined(db) || !p)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < p->nsites && i < WAM_AUTH_MAX_SITES; i++)
		json_array_append_new(a, json_string(p->sites[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

int wam_registry_summary(wam_db *db, json_t **out)
{
	int rc = 0;
	sqlite3_stmt *st = NULL;
	json_t *o = json_object(), *totals = json_object();
	char *sites = summary_sites(db);
	*out = NULL;
	if (!o || !totals || (wam_confined(db) && !sites)) {
		json_decref(totals);
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory counting the registry");
		goto done;
	}
	json_object_set_new(o, "totals", totals);
	json_object_set_new(totals, "items", json_integer(0)); /* in this order, counted below */
	json_object_set_new(totals, "sites", json_integer(0));
	/* the ledger covers the whole registry: a confined principal is not told its size */
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT (SELECT count(*) FROM holders), (SELECT coalesce(max(seq), 0) FROM events)", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "summary");
		goto done;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(totals, "holders", json_integer(sqlite3_column_int64(st, 0)));
		if (!sites)
			json_object_set_new(totals, "events", json_integer(sqlite3_column_int64(st, 1)));
	}
	if ((rc = tally(db, o)) || (rc = makeup_tally(db, o)) || (rc = recent(db, o, sites)))
		goto done;
	json_object_set_new(totals, "sites", json_integer((json_int_t)json_array_size(json_object_get(o, "sites"))));
	/* what the figures cover: the whole registry, or the principal's sites */
	json_t *scope = json_object(), *mine = json_array(), *s;
	size_t i;
	json_object_set_new(scope, "confined", json_boolean(sites != NULL));
	if (sites)
		json_array_foreach(json_object_get(o, "sites"), i, s) json_array_append_new(
		    mine, json_pack("{s:O, s:O}", "id", json_object_get(s, "id"), "name", json_object_get(s, "name")));
	json_object_set_new(scope, "sites", mine);
	json_object_set_new(o, "scope", scope);
	*out = o;
	o = NULL;
done:
	sqlite3_finalize(st);
	json_decref(o);
	free(sites);
	return rc;
}
