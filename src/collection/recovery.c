/* Field collection: recoveries of weapons seized, found or surrendered, their
 * chain of custody, photos kept by content hash, and the tasks rule R5 sets
 * for what arrives unmarked. The weapons themselves are the registry's: a
 * recovery registers them through wam_registry_item_add() and only lists
 * their ids. Who surrendered them is kept as a keyed pseudonym, never a
 * name. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "project.h"
#include "wam/match.h"
#include "store/field.h"
#include "wam/collection.h"
#include "wam/registry.h"

static const char *const recovery_types[] = {"seized", "found", "surrendered", NULL};
const char *const wam_collection_recovery_contexts[] = {
    "armed_group", "cache", "battlefield", "border_interdiction", "amnesty", "ddr", "crime", "other", NULL};
const char *const wam_collection_legal_justifications[] = {
    "illicit_possession",     "illicit_trafficking",      "illicit_manufacturing", "altered_markings",
    "use_in_crime",           "administrative_violation", "voluntary_surrender",   "other",
    "not_recorded",           NULL};
static const char *const handover_fields[] = {"from", "to", "time", "place", "reason", NULL};
static const char *const marking_fields[] = {"text", "component", "kind", "location", NULL};

int wam_collection_vocabulary(json_t **out)
{
	json_t *v = json_object();
	int rc = v ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the collection vocabularies");
	*out = NULL;
	if (!rc && !(rc = wam_vocab_json(v, "recovery_types", recovery_types)) &&
	    !(rc = wam_vocab_json(v, "recovery_contexts", wam_collection_recovery_contexts)) &&
	    !(rc = wam_vocab_json(v, "legal_justifications", wam_collection_legal_justifications)) &&
	    !(rc = wam_vocab_json(v, "person_sexes", wam_person_sexes)))
		rc = wam_vocab_json(v, "person_age_bands", wam_person_age_bands);
	if (rc)
		json_decref(v);
	else
		*out = v;
	return rc;
}

/* Marking statuses that leave a weapon untraceable until marked (R5). */
static bool needs_marking(const char *status)
{
	return status && (!strcmp(status, "unmarked") || !strcmp(status, "obliterated") || !strcmp(status, "altered"));
}

int wam_collection_pseudonym(wam_db *db, char out[32], const char *person)
{
	unsigned char key[32], h[12];
	char norm[1024];
	out[0] = '\0';
	/* the same person typed differently (case, spaces, dashes, another
	 * Unicode form) is the same person */
	long n = wam_match_name_key(norm, sizeof norm, person ? person : "");
	if (n <= 0 || (size_t)n >= sizeof norm - 1)
		return wam_error_set(WAM_EINVAL, "person", "person must be 1 to 200 characters of valid UTF-8");
	int rc = wam_db_secret_key(db, WAM_SECRET_PSEUDONYM, key);
	if (rc)
		return rc;
	crypto_generichash(h, sizeof h, (const unsigned char *)norm, (size_t)n, key, sizeof key);
	sodium_memzero(key, sizeof key);
	out[0] = 'P';
	out[1] = '-';
	wam_hex(out + 2, h, sizeof h);
	return 0;
}

/* ---- recoveries ---- */

static int site_exists(wam_db *db, const char *id)
{
	json_t *row;
	int rc = wam_query_one(db, &row, "SELECT id FROM sites WHERE id=?", id, "site");
	json_decref(row);
	if (rc == WAM_ENOTFOUND)
		return wam_error_set(WAM_EINVAL, "site_id", "no site with id '%.40s'", id);
	return rc;
}

/* A recovery's fields, in the order they are checked; task_days, person
 * and weapons are checked by check_recovery itself. */
static const wam_field recovery_fields[] = {
    {.name = "type", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = recovery_types},
    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "place", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "lat", .kind = WAM_FIELD_COORDINATE, .hi = 90},
    {.name = "lon", .kind = WAM_FIELD_COORDINATE, .hi = 180},
    {.name = "admin_area", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "context", .kind = WAM_FIELD_WORD, .vocab = wam_collection_recovery_contexts},
    {.name = "officer", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "person", .kind = WAM_FIELD_OTHER},
    {.name = "site_id", .kind = WAM_FIELD_TEXT, .max = 40},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "task_days", .kind = WAM_FIELD_OTHER},
    {.name = "weapons", .kind = WAM_FIELD_OTHER},
    {.name = "ammunition", .kind = WAM_FIELD_OTHER},
    {.name = "person_sex", .kind = WAM_FIELD_WORD, .vocab = wam_person_sexes},
    {.name = "person_age_band", .kind = WAM_FIELD_WORD, .vocab = wam_person_age_bands},
    {.name = "legal_justification", .kind = WAM_FIELD_WORD, .vocab = wam_collection_legal_justifications},
    {0}};

/* What may be said of a recovery after it was recorded: the sex and age band
 * of its person and its legal justification (recovery.described). */
static const wam_field description_fields[] = {
    {.name = "person_sex", .kind = WAM_FIELD_WORD, .vocab = wam_person_sexes},
    {.name = "person_age_band", .kind = WAM_FIELD_WORD, .vocab = wam_person_age_bands},
    {.name = "legal_justification", .kind = WAM_FIELD_WORD, .vocab = wam_collection_legal_justifications},
    {0}};

/* The photos of an ammunition line: the sha256 hashes (64 hex digits) of
 * photos the registry holds in its photo store, at most 100, kept in lower
 * case; a hash naming no stored photo would be evidence pointing nowhere. */
static int take_line_photos(wam_db *db, json_t *out, const json_t *in, size_t i)
{
	const json_t *ph = json_object_get(in, "photos"), *v;
	size_t k;
	if (wam_absent(ph))
		return 0;
	char field[48];
	snprintf(field, sizeof field, "ammunition[%zu].photos", i);
	if (!json_is_array(ph) || json_array_size(ph) > 100)
		return wam_error_set(WAM_EINVAL, field, "%s must be a list of at most 100 photo hashes", field);
	json_t *list = json_array();
	json_array_foreach(ph, k, v)
	{
		const char *h = json_string_value(v);
		char low[65];
		size_t n = h ? strlen(h) : 0;
		for (size_t j = 0; h && j < n && j < 64; j++)
			low[j] = (char)(h[j] >= 'A' && h[j] <= 'F' ? h[j] + 32 : h[j]);
		bool ok = n == 64;
		for (size_t j = 0; ok && j < 64; j++)
			ok = (low[j] >= '0' && low[j] <= '9') || (low[j] >= 'a' && low[j] <= 'f');
		if (!ok) {
			json_decref(list);
			return wam_error_set(WAM_EINVAL, field,
			                     "%s[%zu] must be the sha256 hash of a photo (64 hex digits)", field, k);
		}
		low[64] = '\0';
		unsigned char *bytes = NULL;
		size_t size = 0;
		char type[32];
		int rc = wam_photo_read(db, &bytes, &size, type, low);
		free(bytes);
		if (rc) {
			json_decref(list);
			char part[96];
			snprintf(part, sizeof part, "%s[%zu]", field, k);
			if (rc == WAM_ENOTFOUND)
				return wam_error_set(WAM_EINVAL, part,
				                     "%s: no photo %s is stored (store it with POST /api/v1/photos,"
				                     " or give {\"file\": PATH} to `wam recovery add --from`)",
				                     part, low);
			return wam_error_inside(rc, part);
		}
		json_array_append_new(list, json_string(low));
	}
	json_object_set_new(out, "photos", list);
	return 0;
}

/* The ammunition lines of a recovery (0 to 1000), each checked as every
 * room checks one (wam_ammunition_take), into `p`'s `ammunition`. */
static int take_ammunition(wam_db *db, json_t *p, const json_t *a)
{
	size_t i;
	const json_t *v;
	if (wam_absent(a))
		return 0;
	if (!json_is_array(a))
		return wam_error_set(WAM_EINVAL, "ammunition", "ammunition must be a list of ammunition lines");
	if (json_array_size(a) > 1000)
		return wam_error_set(WAM_EINVAL, "ammunition", "a recovery lists at most 1000 ammunition lines");
	json_t *lines = json_array();
	json_array_foreach(a, i, v)
	{
		char prefix[40];
		json_t *line = json_object();
		int rc;
		snprintf(prefix, sizeof prefix, "ammunition[%zu].", i);
		if ((rc = wam_ammunition_take(db, line, v, prefix, 0, 0)) || (rc = take_line_photos(db, line, v, i))) {
			json_decref(line);
			json_decref(lines);
			return rc;
		}
		json_array_append_new(lines, line);
	}
	if (json_array_size(lines))
		json_object_set(p, "ammunition", lines);
	json_decref(lines);
	return 0;
}

/* Validates everything but the weapons into `p`. */
static int check_recovery(wam_db *db, json_t *p, const json_t *in, time_t *date, long *days)
{
	int rc;
	if ((rc = wam_field_check(db, p, in, recovery_fields, "", 0)))
		return rc;
	wam_date_parse(json_string_value(json_object_get(p, "date")), date);
	json_t *d = json_object();
	rc = wam_take_int(d, in, "task_days", "task_days", 1, 3650, 0, 0);
	*days = json_is_integer(json_object_get(d, "task_days"))
	            ? (long)json_integer_value(json_object_get(d, "task_days"))
	            : WAM_COLLECTION_TASK_DAYS;
	json_decref(d);
	if (rc)
		return rc;
	const char *site = json_string_value(json_object_get(p, "site_id"));
	if (site && (rc = site_exists(db, site)))
		return rc;
	const json_t *person = json_object_get(in, "person");
	if (!wam_absent(person)) {
		char ref[32];
		if (!json_is_string(person))
			return wam_error_set(WAM_EINVAL, "person", "person must be a string");
		if ((rc = wam_collection_pseudonym(db, ref, json_string_value(person))))
			return rc;
		json_object_set_new(p, "person_ref", json_string(ref));
	}
	const json_t *w = json_object_get(in, "weapons"), *a = json_object_get(in, "ammunition");
	if (!wam_absent(w) && !json_is_array(w))
		return wam_error_set(WAM_EINVAL, "weapons", "weapons must be an array");
	if (json_array_size(w) > 1000)
		return wam_error_set(WAM_EINVAL, "weapons", "a recovery lists at most 1000 weapons");
	if ((rc = take_ammunition(db, p, a)))
		return rc;
	if (!json_array_size(w) && !json_array_size(json_object_get(p, "ammunition")))
		return wam_error_set(WAM_EINVAL, "weapons",
		                     "a recovery holds at least one weapon or one ammunition line");
	return 0;
}

/* Registers weapon `i` of a recovery; its id in `id`, and whether it needs
 * marking with the reason. */
static int register_weapon(wam_db *db, const json_t *p, const json_t *w, size_t i, char id[WAM_ID_LEN + 1],
                           json_t *tasks_for)
{
	if (!json_is_object(w))
		return wam_error_set(WAM_EINVAL, "weapons", "weapons[%zu] must be an object", i);
	json_t *item = json_copy((json_t *)w), *out = NULL;
	int rc;
	const char *known = json_string_value(json_object_get(w, "item_id"));
	if (known) {
		/* a weapon the registry knows (lost, stolen ...) comes back under
		 * control: its status changes by the registry's state machine */
		json_t *d = wam_registry_reason(wam_message_json("recovered"));
		if (json_object_size(w) == 1)
			rc = wam_registry_item_set_status(db, &out, known,
			                                  json_string_value(json_object_get(p, "type")), d);
		else
			rc = wam_error_set(WAM_EINVAL, "item_id", "a weapon given by item_id takes no other field");
		json_decref(d);
	} else {
		if (!json_object_get(item, "status"))
			json_object_set(item, "status", json_object_get(p, "type"));
		if (!json_object_get(item, "site_id") && json_object_get(p, "site_id"))
			json_object_set(item, "site_id", json_object_get(p, "site_id"));
		rc = wam_registry_item_add(db, &out, item, WAM_IN_RECOVERY);
	}
	json_decref(item);
	if (rc) {
		char part[32];
		snprintf(part, sizeof part, "weapons[%zu]", i);
		return wam_error_inside(rc, part);
	}
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	const char *ms = json_string_value(json_object_get(out, "marking_status"));
	if (needs_marking(ms))
		json_array_append_new(tasks_for, json_pack("{s:s, s:s}", "item_id", id, "reason",
		                                           json_string_value(json_object_get(out, "marking_reason"))));
	json_decref(out);
	return 0;
}

int wam_collection_recovery_add(wam_db *db, json_t **out, const json_t *in)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	int rc;
	time_t date = 0;
	long days = WAM_COLLECTION_TASK_DAYS;
	char id[WAM_ID_LEN + 1], item_id[WAM_ID_LEN + 1], due[11];
	json_t *p = json_object(), *items = json_array(), *tasks = json_array();
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a recovery is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = check_recovery(db, p, in, &date, &days)))
		goto fail;
	size_t i;
	const json_t *w;
	json_array_foreach(json_object_get(in, "weapons"), i, w)
	{
		if ((rc = register_weapon(db, p, w, i, item_id, tasks)))
			goto fail;
		json_array_append_new(items, json_string(item_id));
	}
	json_object_set(p, "items", items);
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "recovery.recorded", id, p, NULL)))
		goto fail;
	/* the weapons it registered are matched against the registry and the
	 * lost and stolen ones now, in the same command (docs/trace.md) */
	for (const wam_recovery_recorded_hook *h = wam_recovery_recorded_hooks; *h; h++)
		if ((rc = (*h)(db, id)))
			goto fail;
	wam_date_format(due, date + (time_t)days * 86400);
	json_t *t;
	json_array_foreach(tasks, i, t)
	{
		char task_id[WAM_ID_LEN + 1];
		wam_db_new_id(db, task_id);
		json_object_set_new(t, "kind", json_string("mark"));
		json_object_set_new(t, "recovery_id", json_string(id));
		json_object_set_new(t, "due", json_string(due));
		if ((rc = wam_ledger_append(db, "task.opened", task_id, t, NULL)))
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_collection_recovery_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(items);
	json_decref(tasks);
	return rc;
}

#define RECOVERY_SQL                                                                                                   \
	"SELECT id, type, date, place, lat, lon, admin_area, context, officer, person_ref, site_id, notes,"            \
	" recorded_seq, r.last_seq AS last_seq,"                                                                       \
	" (SELECT count(*) FROM recovery_items x WHERE x.recovery_id=r.id) AS weapons"
/* the rounds recovered, where the registry has the table of ammunition
 * lines (a registry made before it, read as it is, has none) */
#define RECOVERY_ROUNDS_SQL                                                                                            \
	", (SELECT coalesce(sum(quantity),0) FROM recovery_ammunition a WHERE a.recovery_id=r.id) AS "                 \
	"ammunition_rounds"
#define RECOVERY_NO_ROUNDS_SQL ", 0 AS ammunition_rounds"
/* what was said of its person and its case (recovery_details, migration
 * 14): a recovery without a row, or a registry made before the table, has
 * them "not_recorded" */
#define RECOVERY_DETAILS_SQL                                                                                           \
	", coalesce(d.sex,'not_recorded') AS person_sex, coalesce(d.age_band,'not_recorded') AS person_age_band,"      \
	" coalesce(d.legal_justification,'not_recorded') AS legal_justification"                                       \
	" FROM recoveries r LEFT JOIN recovery_details d ON d.recovery_id=r.id"
#define RECOVERY_NO_DETAILS_SQL                                                                                        \
	", 'not_recorded' AS person_sex, 'not_recorded' AS person_age_band,"                                           \
	" 'not_recorded' AS legal_justification FROM recoveries r"

/* The recoveries of RECOVERY_SQL with `tail` (a WHERE or ORDER BY), as the
 * tables this registry has allow. */
static int recovery_rows(wam_db *db, json_t **out, const char *tail, const char *id)
{
	wam_buf sql = {0};
	bool lines = wam_table_exists(db, "recovery_ammunition"), details = wam_table_exists(db, "recovery_details");
	int rc;
	*out = NULL;
	if ((rc = wam_buf_puts(&sql, RECOVERY_SQL)) ||
	    (rc = wam_buf_puts(&sql, lines ? RECOVERY_ROUNDS_SQL : RECOVERY_NO_ROUNDS_SQL)) ||
	    (rc = wam_buf_puts(&sql, details ? RECOVERY_DETAILS_SQL : RECOVERY_NO_DETAILS_SQL)) ||
	    (rc = wam_buf_puts(&sql, tail)))
		goto done;
	if (id)
		rc = wam_query_one(db, out, sql.p, id, "recovery");
	else
		rc = wam_query_rows(db, out, sql.p, NULL, NULL);
done:
	wam_buf_free(&sql);
	return rc;
}

#define TASK_SQL                                                                                                       \
	"SELECT t.id, t.kind, t.item_id, t.recovery_id, t.due, t.reason, t.marking, t.opened_seq, t.closed_seq,"       \
	" CASE WHEN t.closed_seq IS NOT NULL THEN 'marked' WHEN i.status='destroyed' THEN 'destroyed'"                 \
	" WHEN t.due < ?1 THEN 'overdue' ELSE 'open' END AS state, i.serial, i.status, i.marking_status"               \
	" FROM collection_tasks t LEFT JOIN items i ON i.id=t.item_id"

/* Each task's reason as a message, `reason_msg` {message_id, args}: the
 * marking rules applied again to its weapon as read now, the way a weapon's
 * own marking reason is (the ledger keeps the English sentence only). Left
 * out when they no longer give the sentence recorded (a weapon marked or
 * corrected since): a front end shows the recorded `reason` then. One
 * weapon read per task. */
static int tasks_said(wam_db *db, json_t *tasks)
{
	json_t *reg = NULL, *t;
	size_t i;
	int rc = wam_query_row(db, &reg,
	                       "SELECT coalesce(json_extract(payload,'$.country'),'') AS country FROM events"
	                       " WHERE seq=1 AND type='registry.created'",
	                       NULL, NULL);
	if (rc)
		return rc;
	char country[8];
	snprintf(country, sizeof country, "%s", reg ? json_string_value(json_object_get(reg, "country")) : "");
	json_decref(reg);
	json_array_foreach(tasks, i, t)
	{
		const char *item_id = json_string_value(json_object_get(t, "item_id"));
		const char *reason = json_string_value(json_object_get(t, "reason"));
		json_t *item = NULL, *said = NULL;
		if (!item_id || !reason)
			continue;
		if ((rc = wam_registry_item_get(db, &item, item_id)) == WAM_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		wam_registry_marking(item, country, &said);
		const char *again = json_string_value(json_object_get(said, "message"));
		if (again && !strcmp(again, reason))
			json_object_set_new(t, "reason_msg",
			                    json_pack("{s:O, s:O}", "message_id", json_object_get(said, "message_id"),
			                              "args", json_object_get(said, "args")));
		json_decref(said);
		json_decref(item);
	}
	return 0;
}

int wam_collection_recovery_get(wam_db *db, json_t **out, const char *id)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	json_t *rec = NULL, *list = NULL;
	char now[11];
	bool lines = wam_table_exists(db, "recovery_ammunition");
	int rc = recovery_rows(db, &rec, " WHERE r.id=?", id);
	*out = NULL;
	if (rc)
		return rc;
	if ((rc = wam_collection_ammunition_lines(db, &list, id, lines)))
		goto fail;
	json_object_set_new(rec, "ammunition", list);
	/* each item says whether it is a weapon or a part and how it was made,
	 * so a part is not shown as a weapon (a registry made before weapons
	 * recorded their makeup has only weapons) */
	bool makeup = false;
	{
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db->conn,
		                       "SELECT 1 FROM sqlite_master WHERE type='table' AND name='item_makeup'", -1, &st,
		                       NULL) == SQLITE_OK)
			makeup = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if ((rc = wam_query_rows(
	         db, &list,
	         makeup
	             ? "SELECT i.id, coalesce(m.kind,'weapon') AS kind, m.part_type, i.category, i.make, i.model,"
	               " i.calibre, i.serial, i.country, i.status, m.manufacture, m.converted_from, m.frame_material,"
	               " i.marking_status, i.marking_reason FROM recovery_items x JOIN items i ON i.id=x.item_id"
	               " LEFT JOIN item_makeup m ON m.item_id=i.id WHERE x.recovery_id=? ORDER BY x.n"
	             : "SELECT i.id, 'weapon' AS kind, i.category, i.make, i.model, i.calibre, i.serial, i.country,"
	               " i.status, i.marking_status, i.marking_reason FROM recovery_items x JOIN items i"
	               " ON i.id=x.item_id WHERE x.recovery_id=? ORDER BY x.n",
	         id, NULL)))
		goto fail;
	json_object_set_new(rec, "items", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT n, from_party AS \"from\", to_party AS \"to\", time, place, reason, seq"
	                         " FROM recovery_handovers WHERE recovery_id=? ORDER BY n",
	                         id, NULL)))
		goto fail;
	json_object_set_new(rec, "handovers", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT hash, size, media_type, caption, seq FROM recovery_photos WHERE recovery_id=?"
	                         " ORDER BY seq",
	                         id, NULL)))
		goto fail;
	json_object_set_new(rec, "photos", list);
	wam_date_today(now);
	if ((rc = wam_query_rows(db, &list, TASK_SQL " WHERE t.recovery_id=?2 ORDER BY t.due, t.id", now, id)))
		goto fail;
	json_object_set_new(rec, "tasks", list);
	if ((rc = tasks_said(db, list)))
		goto fail;
	/* what the search for its weapons found, so whoever records a
	 * recovery learns of a hit at once */
	for (const wam_recovery_hook *h = wam_recovery_read_hooks; *h; h++)
		if ((rc = (*h)(db, rec, id)))
			goto fail;
	*out = rec;
	return 0;
fail:
	json_decref(rec);
	return rc;
}

int wam_collection_recovery_list(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	return recovery_rows(db, out, " ORDER BY date DESC, id DESC", NULL);
}

int wam_collection_recovery_describe(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	int rc;
	json_t *p = json_object(), *rec = NULL;
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a description of a recovery is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_one(db, &rec, "SELECT id FROM recoveries WHERE id=?", id, "recovery")) ||
	    (rc = wam_field_check(db, p, in, description_fields, "", 0)))
		goto fail;
	if (!json_object_size(p)) {
		rc = wam_error_set(WAM_EINVAL, "person_sex",
		                   "a description gives at least one of person_sex, person_age_band and"
		                   " legal_justification");
		goto fail;
	}
	if ((rc = wam_ledger_append(db, "recovery.described", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_collection_recovery_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rec);
	return rc;
}

int wam_collection_recovery_handover(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	int rc;
	json_t *p = json_object(), *rec = NULL;
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a hand-over is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_one(db, &rec, "SELECT id FROM recoveries WHERE id=?", id, "recovery")) ||
	    (rc = wam_check_fields(in, handover_fields, "", 0)) ||
	    (rc = wam_take_text(p, in, "from", "from", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, in, "to", "to", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, in, "time", "time", 0, 40, 0)) ||
	    (rc = wam_take_text(p, in, "place", "place", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)))
		goto fail;
	if (!strcmp(json_string_value(json_object_get(p, "from")), json_string_value(json_object_get(p, "to")))) {
		rc = wam_error_set(WAM_EINVAL, "to", "a hand-over goes to someone other than who hands over");
		goto fail;
	}
	if (!json_object_get(p, "time")) {
		char t[WAM_TIME_LEN + 1];
		wam_time_iso(t, wam_now_ms());
		json_object_set_new(p, "time", json_string(t));
	}
	if ((rc = wam_ledger_append(db, "recovery.handed_over", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_collection_recovery_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rec);
	return rc;
}

/* ---- photos ---- */

int wam_collection_recovery_photo_add(wam_db *db, json_t **out, const char *id, const void *bytes, size_t n,
                                      const char *caption)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "recoveries");
	}
	int rc;
	char hash[WAM_PHOTO_HASH_LEN + 1];
	json_t *p = json_object(), *rows = NULL, *rec = NULL, *cap = json_object();
	if (out)
		*out = NULL;
	const char *type = wam_photo_type(bytes, n);
	if (!type) {
		rc = wam_error_set(WAM_EINVAL, "photo", "the photo is not a JPEG, PNG, GIF or WebP image");
		goto done;
	}
	if (n > WAM_PHOTO_MAX) {
		rc = wam_error_set(WAM_EINVAL, "photo", "a photo is at most %u bytes, not %zu", WAM_PHOTO_MAX, n);
		goto done;
	}
	if (caption)
		json_object_set_new(cap, "caption", json_string(caption));
	{
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, bytes, n);
		wam_hex(hash, h, sizeof h);
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_one(db, &rec, "SELECT id FROM recoveries WHERE id=?", id, "recovery")) ||
	    (rc = wam_take_text(p, cap, "caption", "caption", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_query_rows(db, &rows, "SELECT hash FROM recovery_photos WHERE recovery_id=? AND hash=?", id,
	                         hash)))
		goto fail;
	if (!json_array_size(rows)) {
		json_object_set_new(p, "hash", json_string(hash));
		json_object_set_new(p, "size", json_integer((json_int_t)n));
		json_object_set_new(p, "media_type", json_string(type));
		char stored[WAM_PHOTO_HASH_LEN + 1];
		if ((rc = wam_photo_store(db, stored, NULL, bytes, n)) ||
		    (rc = wam_ledger_append(db, "recovery.photo_added", id, p, NULL)))
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_query_row(db, out,
		                   "SELECT hash, size, media_type, caption, seq FROM recovery_photos"
		                   " WHERE recovery_id=? AND hash=?",
		                   id, hash);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rows);
	json_decref(rec);
	json_decref(cap);
	return rc;
}

int wam_collection_recovery_photo_get(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32], const char *id,
                                      const char *hash)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "recoveries");
	json_t *rows = NULL;
	*bytes = NULL;
	*n = 0;
	int rc = wam_query_rows(db, &rows, "SELECT size FROM recovery_photos WHERE recovery_id=? AND hash=?", id, hash);
	if (rc)
		return rc;
	bool has = json_array_size(rows) > 0;
	json_decref(rows);
	if (!has)
		return wam_error_set(WAM_ENOTFOUND, "hash", "recovery '%.40s' has no photo '%.70s'", id, hash);
	return wam_photo_read(db, bytes, n, media_type, hash);
}

/* ---- tasks ---- */

int wam_collection_task_rows(wam_db *db, json_t **out, const char *which, bool said)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "marking tasks");
	}
	char now[11];
	json_t *all;
	wam_date_today(now);
	*out = NULL;
	if (which && strcmp(which, "open") && strcmp(which, "overdue") && strcmp(which, "all"))
		return wam_error_set(WAM_EINVAL, "state", "state is open, overdue or all, not '%.20s'", which);
	int rc = wam_query_rows(db, &all, TASK_SQL " ORDER BY t.due, t.id", now, NULL);
	if (rc)
		return rc;
	json_t *shown = json_array(), *t;
	size_t i;
	json_array_foreach(all, i, t)
	{
		const char *state = json_string_value(json_object_get(t, "state"));
		if (which && !strcmp(which, "open") && strcmp(state, "open") && strcmp(state, "overdue"))
			continue;
		if (which && !strcmp(which, "overdue") && strcmp(state, "overdue"))
			continue;
		json_array_append(shown, t);
	}
	json_decref(all);
	if (said && (rc = tasks_said(db, shown))) {
		json_decref(shown);
		return rc;
	}
	*out = shown;
	return 0;
}

int wam_collection_task_list(wam_db *db, json_t **out, const char *which)
{
	return wam_collection_task_rows(db, out, which, true);
}

int wam_collection_task_mark(wam_db *db, json_t **out, const char *task_id, const json_t *in)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "marking tasks");
	}
	int rc;
	char now[11], item[WAM_ID_LEN + 1];
	json_t *m = json_object(), *task = NULL, *p = NULL;
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a marking is a JSON object");
		goto done;
	}
	wam_date_today(now);
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_row(db, &task, TASK_SQL " WHERE t.id=?2", now, task_id)))
		goto fail;
	if (!task) {
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no task with id '%.40s'", task_id);
		goto fail;
	}
	const char *state = json_string_value(json_object_get(task, "state"));
	if (strcmp(state, "open") && strcmp(state, "overdue")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "task %.40s is closed (%s)", task_id, state);
		goto fail;
	}
	if ((rc = wam_check_fields(in, marking_fields, "", 0)) ||
	    (rc = wam_take_text(m, in, "text", "text", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_word(m, in, "component", "component", wam_registry_components, "frame_receiver", 0, 0)) ||
	    (rc = wam_take_word(m, in, "kind", "kind", wam_registry_marking_kinds, "serial", 0, 0)) ||
	    (rc = wam_take_text(m, in, "location", "location", 0, WAM_MAX_TEXT, 0)))
		goto fail;
	snprintf(item, sizeof item, "%s", json_string_value(json_object_get(task, "item_id")));
	/* the event is the weapon's (its history shows it); the task it closes
	 * is named in it */
	p = json_pack("{s:s, s:O}", "task_id", task_id, "marking", m);
	if ((rc = wam_ledger_append(db, "task.marked", item, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_registry_item_get(db, out, item);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(m);
	json_decref(task);
	json_decref(p);
	return rc;
}
