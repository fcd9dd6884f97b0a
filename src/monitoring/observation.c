/* Observations: what a mission's embargo cell saw in the field (an armoury
 * inspected, a cache, a seizure, a market ...), its items with their
 * markings as read and their photos, the documents found and the sources,
 * graded A–F / 1–6 and marked independent or not, whose identities are
 * sealed (sources.c). Recording one screens its actor, searches the
 * registry for its weapons' serials and keys its items for links to other
 * observations (links.c), in one transaction. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "monitoring/room.h"
#include "wam/registry.h"
#include "wam/trace.h"

#define MON_MAX_SOURCES 100
#define MON_MAX_ITEMS 1000
#define MON_MAX_MARKINGS 50
#define MON_MAX_PHOTOS 200
#define MON_MAX_DOCUMENTS 200
#define MON_MAX_ALIASES 20

/* A photo named must be in the photo store: `seen` keeps those checked. */
static int take_photo_hash(wam_db *db, const json_t *v, const char *field, json_t *seen)
{
	const char *h = json_string_value(v);
	if (!wam_photo_hash_valid(h))
		return wam_error_set(WAM_EINVAL, field, "%s must be the SHA-256 of the photo (64 hex digits)", field);
	if (json_object_get(seen, h))
		return 0;
	unsigned char *bytes = NULL;
	size_t n = 0;
	char type[32];
	int rc = wam_photo_read(db, &bytes, &n, type, h);
	free(bytes);
	if (rc == WAM_ENOTFOUND)
		return wam_error_set(WAM_EINVAL, field, "%s: no photo %.64s in the photo store (add it first)", field,
		                     h);
	if (rc)
		return wam_error_inside(rc, field);
	json_object_set_new(seen, h, json_true());
	return 0;
}

/* `key` of `in`, when given, an array of at most `max` entries, into `*arr`
 * (NULL when absent). */
static int take_array(const json_t *in, const char *key, const char *field, size_t max, const json_t **arr)
{
	const json_t *v = json_object_get(in, key);
	*arr = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return wam_error_set(WAM_EINVAL, field, "%s must be a list", field);
	if (json_array_size(v) > max)
		return wam_error_set(WAM_EINVAL, field, "%s lists at most %zu entries", field, max);
	*arr = v;
	return 0;
}

/* A list of photo hashes (`key` of `in`) into `out`. */
static int take_hashes(wam_db *db, json_t *out, const json_t *in, const char *prefix, json_t *seen)
{
	const json_t *arr, *h;
	char field[96];
	size_t i;
	snprintf(field, sizeof field, "%sphotos", prefix);
	int rc = take_array(in, "photos", field, MON_MAX_PHOTOS, &arr);
	json_t *list = json_array();
	json_array_foreach(arr, i, h)
	{
		snprintf(field, sizeof field, "%sphotos[%zu]", prefix, i);
		if (rc || (rc = take_photo_hash(db, h, field, seen)))
			break;
		json_array_append(list, (json_t *)h);
	}
	if (!rc)
		json_object_set(out, "photos", list);
	json_decref(list);
	return rc;
}

/* ---- date and time: YYYY-MM-DD or ISO 8601 date-time, not in the future ---- */

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]: its seconds into the day into `secs`
 * and its offset east of UTC, at most 14 hours, into `offset` (0 without). */
static bool time_of(const char *t, long *secs, long *offset)
{
	*secs = *offset = 0;
	if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || two(t) > 23 || two(t + 3) > 59)
		return false;
	*secs = two(t) * 3600L + two(t + 3) * 60L;
	t += 5;
	if (*t == ':') {
		if (!digits(t + 1, 2) || two(t + 1) > 60)
			return false;
		*secs += two(t + 1);
		t += 3;
		if (*t == '.') {
			int n = 0;
			for (t++; *t >= '0' && *t <= '9'; t++)
				n++;
			if (n < 1 || n > 9)
				return false;
		}
	}
	if (*t == 'Z')
		return t[1] == '\0';
	if (*t == '+' || *t == '-') {
		if (!digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2) || t[6] != '\0' || two(t + 4) > 59 ||
		    two(t + 1) * 60 + two(t + 4) > 14 * 60)
			return false;
		*offset = (two(t + 1) * 3600L + two(t + 4) * 60L) * (*t == '-' ? -1 : 1);
		return true;
	}
	return *t == '\0';
}

/* observed_at: a calendar date, or a date and time with an offset of at
 * most ±14:00, as an instant not after now. */
static int take_observed_at(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	(void)db;
	int rc = wam_take_text(out, in, f->name, field, WAM_FIELD_REQUIRED, 40, line);
	if (rc)
		return rc;
	const char *s = json_string_value(json_object_get(out, f->name));
	char date[11], today[11];
	long secs = 0, offset = 0;
	time_t day = 0;
	snprintf(date, sizeof date, "%.10s", s);
	if (!wam_date_valid(date, 1900) || !wam_date_parse(date, &day) ||
	    (s[10] && ((s[10] != 'T' && s[10] != ' ') || !time_of(s + 11, &secs, &offset))))
		return wam_error_set(WAM_EINVAL, field,
		                     "%s '%.40s' is not a date YYYY-MM-DD or an ISO 8601 date and time"
		                     " (offset at most +14:00 or -14:00)",
		                     field, s);
	wam_date_today(today);
	long long now = (long long)(wam_now_ms() / 1000);
	if (strcmp(date, today) > 0 || (s[10] && (long long)day + secs - offset > now))
		return wam_error_set(WAM_EINVAL, field, "%s %.40s is in the future", field, s);
	return 0;
}

/* ---- the parts of an observation ---- */

static const wam_field place_fields[] = {{.name = "name", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                         {.name = "admin_area", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                         {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
                                         {.name = "lat", .kind = WAM_FIELD_COORDINATE, .hi = 90},
                                         {.name = "lon", .kind = WAM_FIELD_COORDINATE, .hi = 180},
                                         {0}};

static const wam_field actor_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = mon_actor_kinds},
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "aliases", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

static const wam_field source_fields[] = {
    {.name = "type", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = mon_source_types},
    {.name = "independent", .kind = WAM_FIELD_OTHER},
    {.name = "reliability", .kind = WAM_FIELD_CODE, .flags = WAM_FIELD_REQUIRED, .vocab = mon_reliability},
    {.name = "credibility", .kind = WAM_FIELD_INT, .flags = WAM_FIELD_REQUIRED, .lo = 1, .hi = 6},
    {.name = "ref", .kind = WAM_FIELD_TEXT, .max = 64},
    {.name = "identity", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = 1000},
    {.name = "description", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

static const wam_field marking_fields[] = {
    {.name = "component", .kind = WAM_FIELD_WORD, .vocab = wam_registry_components, .dflt = "frame_receiver"},
    {.name = "kind", .kind = WAM_FIELD_WORD, .vocab = wam_registry_marking_kinds, .dflt = "serial"},
    {.name = "text", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "location", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {0}};

static const wam_field weapon_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = mon_item_kinds},
    {.name = "make", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "model", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "category", .kind = WAM_FIELD_TEXT, .max = 40},
    {.name = "calibre", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "serial", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "year", .kind = WAM_FIELD_INT, .lo = 1800, .hi = 2200},
    {.name = "markings", .kind = WAM_FIELD_OTHER},
    {.name = "quantity", .kind = WAM_FIELD_INT, .lo = 1, .hi = 1000000},
    {.name = "photos", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

static const wam_field document_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = mon_document_kinds},
    {.name = "number", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "issuer", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {.name = "description", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "photos", .kind = WAM_FIELD_OTHER},
    {0}};

static const wam_field photo_fields[] = {
    {.name = "hash", .kind = WAM_FIELD_OTHER}, {.name = "caption", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT}, {0}};

static const wam_field observation_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = mon_observation_kinds},
    {.name = "observed_at", .kind = WAM_FIELD_CUSTOM, .take = take_observed_at},
    {.name = "place", .kind = WAM_FIELD_OTHER},
    {.name = "unit", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "officer", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "reference", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "actor", .kind = WAM_FIELD_OTHER},
    {.name = "regime", .kind = WAM_FIELD_TEXT, .max = 64},
    {.name = "sources", .kind = WAM_FIELD_OTHER},
    {.name = "items", .kind = WAM_FIELD_OTHER},
    {.name = "documents", .kind = WAM_FIELD_OTHER},
    {.name = "photos", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

int mon_take_object(wam_db *db, json_t *out, const json_t *in, const char *key, const wam_field *fields, bool required,
                    json_t **got)
{
	const json_t *v = json_object_get(in, key);
	char prefix[64];
	*got = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return wam_error_set(WAM_EINVAL, key, "%s is required", key);
		return 0;
	}
	if (!json_is_object(v))
		return wam_error_set(WAM_EINVAL, key, "%s must be an object", key);
	json_t *o = json_object();
	snprintf(prefix, sizeof prefix, "%s.", key);
	int rc = wam_field_check(db, o, v, fields, prefix, 0);
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(out, key, o);
	*got = o;
	return 0;
}

int mon_take_actor(wam_db *db, json_t *p, const json_t *in)
{
	json_t *a;
	const json_t *aliases, *x;
	size_t i;
	char field[40];
	int rc = mon_take_object(db, p, in, "actor", actor_fields, false, &a);
	if (rc || !a)
		return rc;
	if ((rc = take_array(json_object_get(in, "actor"), "aliases", "actor.aliases", MON_MAX_ALIASES, &aliases)))
		return rc;
	json_t *list = json_array();
	json_array_foreach(aliases, i, x)
	{
		json_t *one = json_pack("{s:O}", "alias", x), *o = json_object();
		snprintf(field, sizeof field, "actor.aliases[%zu]", i);
		rc = wam_take_text(o, one, "alias", field, WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0);
		if (!rc)
			json_array_append(list, json_object_get(o, "alias"));
		json_decref(one);
		json_decref(o);
		if (rc)
			break;
	}
	if (!rc && json_array_size(list))
		json_object_set(a, "aliases", list);
	json_decref(list);
	return rc;
}

/* Refuses source `i` (checked into `o`) when an earlier one of the same
 * observation has the same ref or the same identity, as folded: `refs`
 * and `people` map what was seen to its row. The identity is not echoed. */
static int distinct_source(const json_t *o, const char *prefix, size_t i, json_t *refs, json_t *people)
{
	static const char *const keys[] = {"ref", "identity"};
	json_t *maps[] = {refs, people};
	char folded[4096], field[64];
	for (int k = 0; k < 2; k++) {
		const char *v = json_string_value(json_object_get(o, keys[k]));
		if (!v)
			continue;
		mon_fold(folded, sizeof folded, v);
		const char *what = folded[0] ? folded : v;
		const json_t *row = json_object_get(maps[k], what);
		snprintf(field, sizeof field, "%s%s", prefix, keys[k]);
		if (row) {
			int rc = wam_error_set(WAM_EINVAL, field,
			                       "%s names the same source as sources[%lld].%s: list a source once",
			                       field, (long long)json_integer_value(row), keys[k]);
			sodium_memzero(folded, sizeof folded);
			return rc;
		}
		json_object_set_new(maps[k], what, json_integer((json_int_t)i));
		sodium_memzero(folded, sizeof folded);
	}
	return 0;
}

static int take_sources(wam_db *db, json_t *p, const json_t *in, json_t *identities)
{
	const json_t *arr, *s;
	size_t i;
	char prefix[40];
	int rc = take_array(in, "sources", "sources", MON_MAX_SOURCES, &arr);
	if (rc)
		return rc;
	if (!arr || !json_array_size(arr))
		return wam_error_set(WAM_EINVAL, "sources", "an observation names at least one source");
	json_t *list = json_array(), *refs = json_object(), *people = json_object();
	json_array_foreach(arr, i, s)
	{
		json_t *o = json_object();
		snprintf(prefix, sizeof prefix, "sources[%zu].", i);
		if (!json_is_object(s)) {
			rc = wam_error_set(WAM_EINVAL, "sources", "sources[%zu] must be an object", i);
		} else if (!(rc = wam_field_check(db, o, s, source_fields, prefix, 0))) {
			const json_t *ind = json_object_get(s, "independent");
			if (!json_is_boolean(ind)) {
				char f[64];
				snprintf(f, sizeof f, "%sindependent", prefix);
				rc = wam_error_set(WAM_EINVAL, f, "%s must be true or false", f);
			} else {
				json_object_set(o, "independent", (json_t *)ind);
			}
		}
		if (!rc)
			rc = distinct_source(o, prefix, i, refs, people);
		if (!rc) {
			/* the identity leaves the record here: it is sealed once the
			 * observation has its id */
			json_t *id = json_object_get(o, "identity");
			json_array_append(identities, id ? id : json_null());
			json_object_del(o, "identity");
			json_array_append(list, o);
		}
		json_decref(o);
		if (rc)
			break;
	}
	if (!rc)
		json_object_set(p, "sources", list);
	json_decref(list);
	json_decref(refs);
	json_decref(people);
	return rc;
}

static int take_markings(wam_db *db, json_t *o, const json_t *it, const char *prefix)
{
	const json_t *arr, *m;
	size_t i;
	char field[80], pre[80];
	snprintf(field, sizeof field, "%smarkings", prefix);
	int rc = take_array(it, "markings", field, MON_MAX_MARKINGS, &arr);
	json_t *list = json_array();
	json_array_foreach(arr, i, m)
	{
		json_t *x = json_object();
		snprintf(pre, sizeof pre, "%smarkings[%zu].", prefix, i);
		if (!json_is_object(m))
			rc = wam_error_set(WAM_EINVAL, field, "%s[%zu] must be an object", field, i);
		else
			rc = wam_field_check(db, x, m, marking_fields, pre, 0);
		if (!rc)
			json_array_append(list, x);
		json_decref(x);
		if (rc)
			break;
	}
	if (!rc)
		json_object_set(o, "markings", list);
	json_decref(list);
	return rc;
}

static int take_item(wam_db *db, json_t *o, const json_t *it, size_t i, json_t *seen)
{
	char prefix[40], field[64];
	snprintf(prefix, sizeof prefix, "items[%zu].", i);
	if (!json_is_object(it))
		return wam_error_set(WAM_EINVAL, "items", "items[%zu] must be an object", i);
	json_t *k = json_object();
	snprintf(field, sizeof field, "%skind", prefix);
	int rc = wam_take_word(k, it, "kind", field, mon_item_kinds, NULL, WAM_FIELD_REQUIRED, 0);
	const char *kind = json_string_value(json_object_get(k, "kind"));
	bool ammunition = kind && !strcmp(kind, "ammunition");
	json_decref(k);
	if (rc ||
	    (rc = ammunition ? wam_ammunition_take(db, o, it, prefix, WAM_AMMUNITION_KIND, 0)
	                     : wam_field_check(db, o, it, weapon_fields, prefix, 0)) ||
	    (rc = take_hashes(db, o, it, prefix, seen)) || ammunition)
		return rc;
	const char *category = json_string_value(json_object_get(o, "category"));
	if (category && !wam_refdata_category(db, category)) {
		snprintf(field, sizeof field, "%scategory", prefix);
		return wam_error_set(WAM_EINVAL, field, "%s '%.40s' is not a known weapon category", field, category);
	}
	if (!json_object_get(o, "quantity"))
		json_object_set_new(o, "quantity", json_integer(1));
	return take_markings(db, o, it, prefix);
}

static int take_list(wam_db *db, json_t *p, const json_t *in, const char *key, size_t max, json_t *seen)
{
	const json_t *arr, *x;
	size_t i;
	char pre[48];
	int rc = take_array(in, key, key, max, &arr);
	json_t *list = json_array();
	json_array_foreach(arr, i, x)
	{
		json_t *o = json_object();
		snprintf(pre, sizeof pre, "%s[%zu].", key, i);
		if (!strcmp(key, "items")) {
			rc = take_item(db, o, x, i, seen);
		} else if (!json_is_object(x)) {
			rc = wam_error_set(WAM_EINVAL, key, "%s[%zu] must be an object", key, i);
		} else if (!strcmp(key, "documents")) {
			if (!(rc = wam_field_check(db, o, x, document_fields, pre, 0)))
				rc = take_hashes(db, o, x, pre, seen);
		} else if (!(rc = wam_field_check(db, o, x, photo_fields, pre, 0))) {
			char f[56];
			snprintf(f, sizeof f, "%shash", pre);
			if (!(rc = take_photo_hash(db, json_object_get(x, "hash"), f, seen)))
				json_object_set(o, "hash", json_object_get(x, "hash"));
		}
		if (!rc)
			json_array_append(list, o);
		json_decref(o);
		if (rc)
			break;
	}
	if (!rc)
		json_object_set(p, key, list);
	json_decref(list);
	return rc;
}

/* What cannot be: an item made, or a headstamp dated, after the year it was
 * observed; a document dated after the observation; half a coordinate. */
static int check_reality(const json_t *p)
{
	const char *at = json_string_value(json_object_get(p, "observed_at"));
	const json_t *place = json_object_get(p, "place"), *x;
	const bool lat = json_object_get(place, "lat") != NULL, lon = json_object_get(place, "lon") != NULL;
	char field[64], date[11];
	size_t i;
	long long year = strtol(at, NULL, 10);
	snprintf(date, sizeof date, "%.10s", at);
	if (lat != lon)
		return wam_error_set(WAM_EINVAL, lat ? "place.lon" : "place.lat",
		                     "%s is required with %s: a point has both", lat ? "place.lon" : "place.lat",
		                     lat ? "place.lat" : "place.lon");
	json_array_foreach(json_object_get(p, "items"), i, x)
	{
		const json_t *h = json_object_get(json_object_get(x, "headstamp"), "year");
		const json_t *y = h ? h : json_object_get(x, "year");
		if (y && (long long)json_integer_value(y) > year) {
			snprintf(field, sizeof field, h ? "items[%zu].headstamp.year" : "items[%zu].year", i);
			return wam_error_set(WAM_EINVAL, field, "%s %lld is after the year observed (%lld)", field,
			                     (long long)json_integer_value(y), year);
		}
	}
	json_array_foreach(json_object_get(p, "documents"), i, x)
	{
		const char *d = json_string_value(json_object_get(x, "date"));
		if (d && strcmp(d, date) > 0) {
			snprintf(field, sizeof field, "documents[%zu].date", i);
			return wam_error_set(WAM_EINVAL, field, "%s %s is after the observation (%s)", field, d, date);
		}
	}
	return 0;
}

/* Checks observation `in` into payload `p`; the identities given, in the
 * order of the sources (null for none), into `identities`. */
static int check_observation(wam_db *db, json_t *p, const json_t *in, json_t *identities)
{
	json_t *seen = json_object(), *place;
	int rc;
	if ((rc = wam_field_check(db, p, in, observation_fields, "", 0)) ||
	    (rc = mon_take_object(db, p, in, "place", place_fields, true, &place)) ||
	    (rc = mon_take_actor(db, p, in)) ||
	    (rc = mon_check_regime(db, json_string_value(json_object_get(p, "regime")))) ||
	    (rc = take_sources(db, p, in, identities)) || (rc = take_list(db, p, in, "items", MON_MAX_ITEMS, seen)) ||
	    (rc = take_list(db, p, in, "documents", MON_MAX_DOCUMENTS, seen)) ||
	    (rc = take_list(db, p, in, "photos", MON_MAX_PHOTOS, seen))) {
		json_decref(seen);
		return rc;
	}
	json_decref(seen);
	return rc ? rc : check_reality(p);
}

/* The actor screened as of the observation's date: kept with it. */
static int screen_actor(wam_db *db, json_t *p, const char *id)
{
	const json_t *actor = json_object_get(p, "actor");
	json_t *party, *screening = NULL;
	char date[11];
	if (!actor)
		return 0;
	snprintf(date, sizeof date, "%.10s", json_string_value(json_object_get(p, "observed_at")));
	/* who holds the arms is where they end up: screened as their end user */
	party = json_pack("{s:s, s:O, s:{s:s, s:s, s:O}}", "role", "end_user", "name", json_object_get(actor, "name"),
	                  "subject", "kind", "observation", "id", id, "label", json_object_get(actor, "name"));
	if (!party)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (json_object_get(actor, "country"))
		json_object_set(party, "country", json_object_get(actor, "country"));
	int rc = wam_screen_party(db, &screening, party, date);
	json_decref(party);
	if (!rc)
		json_object_set_new(p, "screening", screening);
	return rc;
}

int wam_monitoring_observation_add(wam_db *db, json_t **out, const json_t *observation)
{
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object(), *identities = json_array(), *matches = NULL;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)))
		goto done;
	if (!json_is_object(observation)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an observation is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = check_observation(db, p, observation, identities)))
		goto fail;
	wam_db_new_id(db, id);
	size_t i;
	json_t *ident;
	json_array_foreach(identities, i, ident)
	{
		char *sealed = NULL;
		if (!json_is_string(ident))
			continue;
		char tag[65];
		if ((rc = mon_seal(db, &sealed, id, i, json_string_value(ident))) ||
		    (rc = mon_identity_tag(db, tag, json_string_value(ident)))) {
			free(sealed);
			goto fail;
		}
		json_t *src = json_array_get(json_object_get(p, "sources"), i);
		json_object_set_new(src, "identity_sealed", json_string(sealed));
		json_object_set_new(src, "identity_tag", json_string(tag));
		free(sealed);
	}
	json_object_set_new(p, "recorded_by", mon_recorded_by(db));
	if ((rc = screen_actor(db, p, id)) || (rc = mon_registry_matches(db, &matches, json_object_get(p, "items"))))
		goto fail;
	json_object_set_new(p, "matches", matches);
	if ((rc = wam_ledger_append(db, "observation.recorded", id, p, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_monitoring_observation_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(identities);
	json_decref(p);
	return rc;
}

/* The observation `id` as stored: its body with its id, recorded_by and
 * recorded_at; sources still sealed. */
int mon_observation_stored(wam_db *db, json_t **out, const char *id)
{
	json_t *row = NULL, *obs;
	int rc;
	*out = NULL;
	if ((rc = wam_query_one(db, &row, "SELECT id, body, recorded_by, recorded_at FROM observations WHERE id=?", id,
	                        "observation")))
		return rc;
	wam_json_column(row, "body");
	wam_json_column(row, "recorded_by");
	obs = json_incref(json_object_get(row, "body"));
	if (!json_is_object(obs)) {
		json_decref(obs);
		json_decref(row);
		return wam_error_set(WAM_EINTEGRITY, "id", "observation %.40s is not readable", id);
	}
	json_object_set(obs, "id", json_object_get(row, "id"));
	json_object_set(obs, "recorded_by", json_object_get(row, "recorded_by"));
	json_object_set(obs, "recorded_at", json_object_get(row, "recorded_at"));
	json_decref(row);
	*out = obs;
	return 0;
}

int wam_monitoring_observation_get(wam_db *db, json_t **out, const char *id)
{
	json_t *obs;
	int rc;
	*out = NULL;
	if ((rc = mon_national(db)))
		return rc;
	if (!mon_ready(db))
		return wam_error_set(WAM_ENOTFOUND, "id", "no observation with id '%.40s'", id ? id : "");
	if ((rc = mon_observation_stored(db, &obs, id)))
		return rc;
	if ((rc = mon_sources_show(db, obs, id)) || (rc = mon_observation_related(db, obs, id))) {
		json_decref(obs);
		return rc;
	}
	*out = obs;
	return 0;
}

#define LIST_SQL                                                                                                       \
	"SELECT o.id, o.kind, o.observed_at, json_extract(o.body,'$.place') AS place,"                                 \
	" json_extract(o.body,'$.actor') AS actor, o.regime, o.unit, o.weapons, o.rounds, o.documents, o.photos,"      \
	" o.sources, (SELECT count(*) FROM finding_links l WHERE l.target=o.id) AS findings,"                          \
	" (SELECT count(DISTINCT k2.observation_id) FROM observation_keys k JOIN observation_keys k2 ON k2.why=k.why"  \
	" AND k2.key=k.key AND k2.observation_id<>k.observation_id WHERE k.observation_id=o.id) AS links"              \
	" FROM observations o WHERE 1"

int wam_monitoring_observation_list(wam_db *db, json_t **out, const wam_observation_filter *f)
{
	static const wam_observation_filter none = {0};
	char sql[1024], key[256], country[WAM_COUNTRY_LEN + 1];
	const char *binds[6];
	int n = 0, rc;
	sqlite3_stmt *st = NULL;
	json_t *rows, *r;
	size_t i;
	*out = NULL;
	if ((rc = mon_national(db)))
		return rc;
	if (!f)
		f = &none;
	if (!mon_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (f->since && !wam_date_valid(f->since, 1900))
		return wam_error_set(WAM_EINVAL, "since", "since '%.20s' is not a calendar date YYYY-MM-DD", f->since);
	if (f->until && !wam_date_valid(f->until, 1900))
		return wam_error_set(WAM_EINVAL, "until", "until '%.20s' is not a calendar date YYYY-MM-DD", f->until);
	if (f->limit < 0)
		return wam_error_set(WAM_EINVAL, "limit", "limit must not be negative");
	if (f->kind && !wam_in_vocab(mon_observation_kinds, f->kind)) {
		char words[256];
		wam_vocab_list(mon_observation_kinds, words, sizeof words);
		return wam_error_set(WAM_EINVAL, "kind", "kind '%.40s' is not one of %s", f->kind, words);
	}
	snprintf(sql, sizeof sql, "%s", LIST_SQL);
	if (f->actor) {
		mon_name_key(key, sizeof key, f->actor);
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l,
		         " AND o.id IN (SELECT observation_id FROM observation_actors WHERE name_key=?%d)", n + 1);
		binds[n++] = key;
	}
	if (f->country) {
		wam_country_code(country, f->country);
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " AND o.country=?%d", n + 1);
		binds[n++] = country;
	}
	if (f->kind) {
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " AND o.kind=?%d", n + 1);
		binds[n++] = f->kind;
	}
	if (f->regime) {
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " AND o.regime=?%d", n + 1);
		binds[n++] = f->regime;
	}
	if (f->since) {
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " AND o.observed_on>=?%d", n + 1);
		binds[n++] = f->since;
	}
	if (f->until) {
		size_t l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " AND o.observed_on<=?%d", n + 1);
		binds[n++] = f->until;
	}
	size_t l = strlen(sql);
	snprintf(sql + l, sizeof sql - l, " ORDER BY o.observed_at DESC, o.id DESC");
	if (f->limit > 0) {
		l = strlen(sql);
		snprintf(sql + l, sizeof sql - l, " LIMIT %d", f->limit);
	}
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "listing observations");
	for (int k = 0; k < n; k++)
		sqlite3_bind_text(st, k + 1, binds[k], -1, SQLITE_STATIC);
	if ((rc = wam_rows_json(st, &rows, "observations")))
		return rc;
	json_array_foreach(rows, i, r)
	{
		wam_json_column(r, "place");
		wam_json_column(r, "actor");
	}
	*out = rows;
	return 0;
}
