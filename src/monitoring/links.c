/* Linking: each observed weapon searched in the registry when recorded
 * (its candidates kept as the observation's matches), items keyed so that
 * the same serial of the same make, or the same ammunition lot and
 * headstamp, seen in two observations is a link shown on both, and a
 * registry weapon's page listing the observations that matched it. */
#include <string.h>

#include "monitoring/room.h"
#include "wam/match.h"
#include "wam/trace.h"

/* `s` as the matcher keys names ("" when absent or not UTF-8). */
static void name_key(char *out, size_t cap, const char *s)
{
	if (!s || wam_match_name_key(out, cap, s) < 0)
		out[0] = '\0';
}

const char *mon_item_key(const json_t *item, char *key, size_t cap)
{
	char a[1024], b[1024];
	const char *kind = mon_str(item, "kind");
	if (!kind)
		return NULL;
	if (!strcmp(kind, "ammunition")) {
		if (!mon_str(item, "lot"))
			return NULL;
		name_key(a, sizeof a, mon_str(item, "lot"));
		name_key(b, sizeof b, mon_str(json_object_get(item, "headstamp"), "text"));
		if (!a[0])
			return NULL;
		snprintf(key, cap, "%s|%s", a, b);
		return "lot";
	}
	if (!mon_str(item, "serial") || wam_match_serial_key(b, sizeof b, mon_str(item, "serial")) <= 0)
		return NULL;
	name_key(a, sizeof a, mon_str(item, "make"));
	snprintf(key, cap, "%s|%s", a, b);
	return "serial";
}

int mon_registry_matches(wam_db *db, json_t **out, const json_t *items)
{
	size_t i, j;
	const json_t *it, *c;
	*out = json_array();
	if (!*out)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(items, i, it)
	{
		const char *serial = mon_str(it, "serial");
		if (!strcmp(mon_str(it, "kind"), "ammunition") || !serial ||
		    wam_match_serial_readable(serial) < WAM_SERIAL_MIN_READABLE)
			continue;
		bool unreadable = strchr(serial, '?') || strchr(serial, '*');
		wam_match_query q = {.serial = serial,
		                     .make = mon_str(it, "make"),
		                     .model = mon_str(it, "model"),
		                     .calibre = mon_str(it, "calibre"),
		                     .country = mon_str(it, "country"),
		                     .limit = 5,
		                     .max_edits = mon_str(it, "make") && !unreadable ? 2 : -1};
		json_t *res = NULL;
		int rc = wam_match_search(db, &res, &q);
		if (rc == WAM_EINVAL) { /* no letter or digit: nothing to search for */
			wam_error_clear();
			continue;
		}
		if (rc) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		json_array_foreach(json_object_get(res, "candidates"), j, c)
		{
			/* as a hit is: the whole serial, scored high enough */
			const char *why = mon_str(c, "reason");
			if (json_number_value(json_object_get(c, "score")) < WAM_HIT_MIN_SCORE || !why ||
			    !strcmp(why, "partial"))
				continue;
			json_array_append_new(
			    *out,
			    json_pack("{s:i, s:O, s:O, s:O, s:O, s:O}", "item", (int)i, "item_id",
			              json_object_get(c, "id"), "serial", json_object_get(c, "serial"), "make",
			              json_object_get(c, "make") ? json_object_get(c, "make") : json_null(), "class",
			              json_object_get(c, "reason"), "score", json_object_get(c, "score")));
		}
		json_decref(res);
	}
	return 0;
}

int mon_observation_related(wam_db *db, json_t *obs, const char *id)
{
	json_t *list = NULL, *r;
	size_t i;
	int rc;
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT item, item_id, serial, make, class, score FROM observation_matches"
	                         " WHERE observation_id=? ORDER BY item, score DESC, item_id",
	                         id, NULL)))
		return rc;
	json_object_set_new(obs, "matches", list);
	if ((rc =
	         wam_query_rows(db, &list,
	                        "SELECT k.item, o.id AS observation_id, o.observed_at, json_extract(o.body,'$.place')"
	                        " AS place, json_extract(o.body,'$.actor') AS actor, k2.item AS other_item, k.why"
	                        " FROM observation_keys k JOIN observation_keys k2 ON k2.why=k.why AND k2.key=k.key"
	                        " AND k2.observation_id<>k.observation_id JOIN observations o ON o.id=k2.observation_id"
	                        " WHERE k.observation_id=? ORDER BY k.item, o.observed_at, o.id, k2.item",
	                        id, NULL)))
		return rc;
	json_array_foreach(list, i, r)
	{
		wam_json_column(r, "place");
		wam_json_column(r, "actor");
	}
	json_object_set_new(obs, "links", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT t.item, t.request_id, r.state FROM observation_traces t"
	                         " LEFT JOIN trace_requests r ON r.id=t.request_id WHERE t.observation_id=?"
	                         " ORDER BY t.seq",
	                         id, NULL)))
		return rc;
	json_object_set_new(obs, "traces", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT f.id, f.state, f.statement FROM finding_links l JOIN findings f"
	                         " ON f.id=l.finding_id WHERE l.target=? ORDER BY f.created_seq DESC",
	                         id, NULL)))
		return rc;
	json_object_set_new(obs, "findings", list);
	return 0;
}

/* A registry weapon's page lists the observations whose items matched it
 * (rooms.c wam_item_links_hooks). Observations are the whole registry's:
 * a principal confined to sites does not see them. */
int wam_monitoring_item_links(wam_db *db, json_t *links, const char *item_id)
{
	if (wam_confined(db) || !mon_ready(db))
		return 0;
	return wam_links_part(db, links, "observations", "observation",
	                      "SELECT o.id, o.observed_on AS date, o.kind, o.country, o.actor, m.class"
	                      " FROM observation_matches m JOIN observations o ON o.id=m.observation_id"
	                      " WHERE m.item_id=?1 ORDER BY o.recorded_seq DESC",
	                      item_id);
}
