/* The import of a sanctions list and the reading of its entries. An
 * import reads the whole file first (xml.c, csv.c), then compares it with
 * what the last imports of the same list left in force: entries added,
 * amended (with the fields that changed) and removed (kept, with the date
 * of the list that no longer had them). The import is one event,
 * sanctions.imported, with the list's own generation date and the file's
 * SHA-256; every party and holder is then screened again in the same
 * transaction (screen.c). */
#include <sodium.h>
#include <string.h>

#include "sanctions/sanctions.h"
#include "wam/embargo.h"

const char *const wam_sanctions_entry_kinds[] = {"individual", "entity", NULL};
const char *const wam_sanctions_alias_qualities[] = {"good", "low", "aka", NULL};
const char *const wam_sanctions_date_kinds[] = {"exact", "approximately", "between", NULL};
const char *const wam_sanctions_alert_states[] = {"open", "confirmed", "cleared", NULL};
const char *const wam_sanctions_list_sources[] = {"un", "national", NULL};

static json_t *words(const char *const *w)
{
	json_t *a = json_array();
	for (; *w; w++)
		json_array_append_new(a, json_string(*w));
	return a;
}

int wam_sanctions_vocabulary(json_t **out)
{
	*out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "entry_kinds", words(wam_sanctions_entry_kinds),
	                 "alias_qualities", words(wam_sanctions_alias_qualities), "date_kinds",
	                 words(wam_sanctions_date_kinds), "alert_states", words(wam_sanctions_alert_states),
	                 "list_sources", words(wam_sanctions_list_sources));
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

bool sanctions_ready(wam_db *db)
{
	return wam_table_exists(db, "sanctions_alert_subjects");
}

/* An empty list in `*out`, for a registry without the room's tables. */
static int none(json_t **out)
{
	return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

void sanctions_decode(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	if (s)
		json_object_set_new(row, key, json_loads(s, JSON_DECODE_ANY, NULL));
}

/* The keys of `a` and `b` whose values differ, as a list. */
static json_t *changed(const json_t *a, const json_t *b)
{
	json_t *list = json_array();
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)b, k, v)
	{
		if (!json_equal(v, json_object_get(a, k)))
			json_array_append_new(list, json_string(k));
	}
	json_object_foreach((json_t *)a, k, v)
	{
		if (!json_object_get(b, k))
			json_array_append_new(list, json_string(k));
	}
	return list;
}

static json_t *brief(const json_t *e)
{
	return json_pack("{s:O, s:O, s:O}", "id", json_object_get(e, "id"), "reference",
	                 json_object_get(e, "reference"), "name", json_object_get(e, "name"));
}

static int parse(json_t **list, const char *data, size_t len, const char *format, const char *source)
{
	if (!format) {
		size_t i = 0;
		if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
			i = 3;
		while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
			i++;
		format = i < len && data[i] == '<' ? "un-xml" : "csv";
	}
	if (!strcmp(format, "un-xml")) {
		/* the Security Council's list is one list, "un": another name would
		 * make a second, parallel copy of it */
		if (source && *source && strcmp(source, "un"))
			return wam_error_set(WAM_EINVAL, "source",
			                     "a UN list (un-xml) is always the source un: '%.40s' is for a CSV list",
			                     source);
		return sanctions_parse_xml(list, data, len);
	}
	if (!strcmp(format, "csv"))
		return sanctions_parse_csv(list, data, len, source);
	return wam_error_set(WAM_EINVAL, "format", "format '%.20s' is not un-xml or csv", format);
}

int wam_sanctions_import(wam_db *db, json_t **out, const char *data, size_t len, const char *format, const char *source)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], id[WAM_ID_LEN + 1];
	json_t *list = NULL, *old = NULL, *dup = NULL, *by_ref = json_object(), *seen = json_object();
	json_t *added = json_array(), *amended = json_array(), *removed = json_array(), *alerts = json_array();
	json_t *pl = NULL, *e;
	size_t i;
	long unchanged = 0;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = wam_confine_national(db, "sanctions lists")))
		goto done;
	if (!data) {
		rc = wam_error_set(WAM_EINVAL, "file", "a list file is required");
		goto done;
	}
	if ((rc = parse(&list, data, len, format, source)) || (rc = sanctions_resolve_countries(db, list)))
		goto done;
	const char *src = json_string_value(json_object_get(list, "source"));
	if (!json_array_size(json_object_get(list, "entries"))) {
		rc = !strcmp(json_string_value(json_object_get(list, "format")), "csv")
		         ? wam_error_set(WAM_EINVAL, "file", "the list file has no entries: a header and no rows")
		         : wam_error_set(
		               WAM_EINVAL, "file",
		               "the list file has no entries: no INDIVIDUAL or ENTITY in INDIVIDUALS or ENTITIES");
		goto done;
	}
	crypto_hash_sha256(hash, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	/* one reference once in a list */
	json_array_foreach(json_object_get(list, "entries"), i, e)
	{
		const char *ref = json_string_value(json_object_get(e, "reference"));
		if (json_object_get(seen, ref)) {
			rc = wam_error_set(WAM_EINVAL, "reference", "the list names entry %.40s twice", ref);
			goto done;
		}
		json_object_set_new(seen, ref, json_true());
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	/* a list is newer than the last one of its source: its own generation
	 * date says so (a CSV list has none: the same file as the last is
	 * refused); a list that was imported after a bad one is not held by it */
	if ((rc = wam_query_row(db, &dup,
	                        "SELECT generated, sha256, format FROM sanctions_imports WHERE source=?"
	                        " ORDER BY seq DESC LIMIT 1",
	                        src, NULL)))
		goto fail;
	if (dup) {
		const char *last = json_string_value(json_object_get(dup, "generated")),
		           *now = json_string_value(json_object_get(list, "generated"));
		double was_at, now_at;
		if (!strcmp(json_string_value(json_object_get(list, "format")), "un-xml") &&
		    sanctions_datetime(now, &now_at) && (!sanctions_datetime(last, &was_at) || now_at <= was_at)) {
			rc = wam_error_set(
			    WAM_ECONFLICT, "generated",
			    "the list %s generated %s is not later than the last one imported (generated %s)", src, now,
			    last);
			goto fail;
		}
		if (!strcmp(json_string_value(json_object_get(dup, "sha256")), hex)) {
			rc = wam_error_set(WAM_ECONFLICT, "generated",
			                   "this file is the list %s imported last (generated %s)", src, last);
			goto fail;
		}
	}
	if ((rc = wam_query_rows(
	         db, &old, "SELECT id, reference, body, removed_on FROM sanctions_entries WHERE source=?", src, NULL)))
		goto fail;
	json_array_foreach(old, i, e)
	{
		sanctions_decode(e, "body");
		json_object_set(by_ref, json_string_value(json_object_get(e, "reference")), e);
	}
	json_array_foreach(json_object_get(list, "entries"), i, e)
	{
		const json_t *was = json_object_get(by_ref, json_string_value(json_object_get(e, "reference")));
		if (!was) {
			wam_db_new_id(db, id);
			json_object_set_new(e, "id", json_string(id));
			json_array_append(added, e);
			continue;
		}
		json_object_set(e, "id", json_object_get(was, "id"));
		const json_t *body = json_object_get(was, "body");
		if (json_equal(body, e) && json_is_null(json_object_get(was, "removed_on")))
			unchanged++;
		else
			json_array_append(amended, e);
	}
	json_array_foreach(old, i, e)
	{
		if (json_is_null(json_object_get(e, "removed_on")) &&
		    !json_object_get(seen, json_string_value(json_object_get(e, "reference"))))
			json_array_append(removed, json_object_get(e, "id"));
	}
	pl = json_pack("{s:O, s:O, s:O, s:s, s:O, s:O, s:O}", "source", json_object_get(list, "source"), "format",
	               json_object_get(list, "format"), "generated", json_object_get(list, "generated"), "sha256", hex,
	               "added", added, "amended", amended, "removed", removed);
	wam_db_new_id(db, id);
	if (!pl) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory importing a list");
		goto fail;
	}
	if ((rc = wam_ledger_append(db, "sanctions.imported", id, pl, NULL)) || (rc = sanctions_rescreen(db, alerts)) ||
	    (rc = wam_db_commit(db)))
		goto fail;
	if (out) {
		json_t *a = json_array(), *m = json_array(), *r = json_array(), *v;
		json_array_foreach(added, i, v) json_array_append_new(a, brief(v));
		json_array_foreach(amended, i, v)
		{
			json_t *b = brief(v);
			const json_t *was = json_object_get(by_ref, json_string_value(json_object_get(v, "reference")));
			json_object_set_new(b, "changed", changed(json_object_get(was, "body"), v));
			json_array_append_new(m, b);
		}
		json_array_foreach(old, i, v)
		{
			if (json_is_null(json_object_get(v, "removed_on")) &&
			    !json_object_get(seen, json_string_value(json_object_get(v, "reference"))))
				json_array_append_new(r,
				                      json_pack("{s:O, s:O, s:O}", "id", json_object_get(v, "id"),
				                                "reference", json_object_get(v, "reference"), "name",
				                                json_object_get(json_object_get(v, "body"), "name")));
		}
		*out = json_pack("{s:s, s:O, s:O, s:s, s:o, s:o, s:o, s:I, s:O}", "id", id, "source",
		                 json_object_get(list, "source"), "generated", json_object_get(list, "generated"),
		                 "sha256", hex, "added", a, "amended", m, "removed", r, "unchanged",
		                 (json_int_t)unchanged, "alerts", alerts);
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(list);
	json_decref(old);
	json_decref(dup);
	json_decref(by_ref);
	json_decref(seen);
	json_decref(added);
	json_decref(amended);
	json_decref(removed);
	json_decref(alerts);
	json_decref(pl);
	return rc;
}

int wam_sanctions_imports(wam_db *db, json_t **out)
{
	*out = NULL;
	int rc = wam_confine_national(db, "sanctions lists");
	if (!rc && !sanctions_ready(db))
		return none(out);
	return rc ? rc
	          : wam_query_rows(
	                db, out,
	                "SELECT i.seq, i.source, i.format, i.generated, i.sha256, i.added, i.amended, i.removed,"
	                " e.time, e.actor FROM sanctions_imports i JOIN events e ON e.seq=i.seq ORDER BY i.seq DESC",
	                NULL, NULL);
}

int sanctions_regime(wam_db *db, json_t *e)
{
	char regime[64] = "";
	const char *list_type = json_string_value(json_object_get(e, "list_type"));
	int rc = list_type ? wam_embargo_regime_of_list(db, regime, sizeof regime, list_type) : 0;
	if (!rc)
		json_object_set_new(e, "regime", *regime ? json_string(regime) : json_null());
	return rc;
}

/* An entry's row as the API shows it: the body with its removal. */
static int entry_shape(wam_db *db, json_t *row)
{
	sanctions_decode(row, "body");
	json_t *body = json_object_get(row, "body");
	json_object_set(body, "removed_on", json_object_get(row, "removed_on"));
	return sanctions_regime(db, body);
}

int wam_sanctions_entries(wam_db *db, json_t **out, const char *q, bool removed, int limit)
{
	json_t *rows = NULL, *r;
	size_t i;
	char lim[24];
	*out = NULL;
	snprintf(lim, sizeof lim, "%d", limit > 0 ? limit : 100);
	int rc = wam_confine_national(db, "sanctions lists");
	if (rc)
		return rc;
	if (!sanctions_ready(db))
		return none(out);
	rc = wam_query_rows(db, &rows,
	                    removed ? "SELECT body, removed_on FROM sanctions_entries WHERE removed_on IS NOT NULL"
	                              " AND (?1 IS NULL OR instr(lower(body), lower(?1))>0) ORDER BY reference"
	                              " LIMIT CAST(?2 AS INTEGER)"
	                            : "SELECT body, removed_on FROM sanctions_entries WHERE removed_on IS NULL"
	                              " AND (?1 IS NULL OR instr(lower(body), lower(?1))>0) ORDER BY reference"
	                              " LIMIT CAST(?2 AS INTEGER)",
	                    q, lim);
	if (rc)
		return rc;
	*out = json_array();
	json_array_foreach(rows, i, r)
	{
		if ((rc = entry_shape(db, r)))
			break;
		json_array_append(*out, json_object_get(r, "body"));
	}
	json_decref(rows);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int wam_sanctions_entry_get(wam_db *db, json_t **out, const char *id)
{
	json_t *row = NULL, *history = NULL, *alerts = NULL;
	*out = NULL;
	int rc = wam_confine_national(db, "sanctions lists");
	if (!rc)
		rc = wam_query_one(db, &row, "SELECT body, removed_on FROM sanctions_entries WHERE id=?1", id,
		                   "sanctions list entry");
	if (rc || (rc = entry_shape(db, row))) {
		json_decref(row);
		return rc;
	}
	if (!(rc = wam_query_rows(
	          db, &history,
	          "SELECT i.seq, i.source, i.generated, CASE WHEN instr(e.payload, '\"removed\":[') > 0 AND"
	          " instr(substr(e.payload, instr(e.payload, '\"removed\":[')), ?1) > 0 THEN 'removed'"
	          " WHEN instr(substr(e.payload, 1, instr(e.payload, '\"amended\":[')), ?1) > 0 THEN 'added'"
	          " ELSE 'amended' END AS what FROM sanctions_imports i JOIN events e ON e.seq=i.seq"
	          " WHERE instr(e.payload, ?1) > 0 ORDER BY i.seq",
	          id, NULL)) &&
	    !(rc = wam_query_rows(
	          db, &alerts,
	          "SELECT id, state, party, score FROM sanctions_alerts WHERE entry_id=?1 ORDER BY raised_seq", id,
	          NULL))) {
		size_t i;
		json_t *a;
		json_array_foreach(alerts, i, a) sanctions_decode(a, "party");
		*out = json_incref(json_object_get(row, "body"));
		json_object_set(*out, "history", history);
		json_object_set(*out, "alerts", alerts);
	}
	json_decref(row);
	json_decref(history);
	json_decref(alerts);
	return rc;
}
