/* National embargoes: an arms embargo a state records itself on a country,
 * as a body other than the Security Council decided it (a regional
 * organisation, its own government), and lifts. They show among the
 * regimes as regimes of source `national`, and the room's screener finds
 * them as it finds the Security Council's (screen.c). */
#include <string.h>

#include "embargo.h"

static const wam_field embargo_fields[] = {
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "reference", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "since", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "until", .kind = WAM_FIELD_DATE},
    {.name = "scope", .kind = WAM_FIELD_WORD, .vocab = embargo_scopes, .dflt = "supply"},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

#define EMBARGO_SQL                                                                                                    \
	"SELECT id, country, reference, since, until, scope, notes, lifted_on, lift_reference,"                        \
	" (since<=?1 AND (until IS NULL OR until>=?1) AND (lifted_on IS NULL OR lifted_on>?1)) AS active"              \
	" FROM embargoes"

int embargo_national_get(wam_db *db, json_t **out, const char *id)
{
	char today[11];
	wam_date_today(today);
	int rc = wam_query_row(db, out, EMBARGO_SQL " WHERE id=?2", today, id);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no embargo '%.40s'", id);
	if (!rc)
		json_object_set_new(*out, "active", json_boolean(json_integer_value(json_object_get(*out, "active"))));
	return rc;
}

/* A national embargo as a regime: one period, from its start to its end or
 * the day before it was lifted. */
static json_t *as_regime(const json_t *e)
{
	const char *until = json_string_value(json_object_get(e, "until"));
	const char *lifted = json_string_value(json_object_get(e, "lifted_on"));
	char before[11];
	json_t *r = json_deep_copy(e), *period;
	if (lifted) {
		embargo_add_days(before, lifted, -1);
		if (!until || strcmp(before, until) < 0)
			until = before;
	}
	period = json_pack("{s:O, s:s, s:O}", "from", json_object_get(e, "since"), "target", "territory", "scope",
	                   json_object_get(e, "scope"));
	if (until)
		json_object_set_new(period, "until", json_string(until));
	json_t *name = json_sprintf("National embargo: %s (%s)", json_string_value(json_object_get(e, "country")),
	                            json_string_value(json_object_get(e, "reference")));
	json_object_set_new(r, "name", name);
	json_object_set_new(r, "source", json_string("national"));
	json_object_set_new(r, "target", json_string("territory"));
	json_object_set_new(r, "territories", json_pack("[O]", json_object_get(e, "country")));
	json_object_set_new(r, "committee", json_null());
	json_object_set_new(r, "panel", json_null());
	json_object_set_new(r, "resolutions", json_array());
	json_object_set_new(r, "periods", json_pack("[o]", period));
	json_object_set_new(r, "procedures", json_array());
	json_object_set_new(r, "unconfirmed", json_array());
	json_object_set_new(r, "sources", json_pack("[O]", json_object_get(e, "reference")));
	return r;
}

int embargo_national_regimes(wam_db *db, json_t *list, const char *date, const char *id)
{
	json_t *rows = NULL, *e;
	size_t i;
	int rc = id ? wam_query_rows(db, &rows, EMBARGO_SQL " WHERE id=?2", date, id)
	            : wam_query_rows(db, &rows, EMBARGO_SQL " ORDER BY country, since", date, NULL);
	if (rc)
		return rc;
	json_array_foreach(rows, i, e)
	{
		json_object_set_new(e, "active", json_boolean(json_integer_value(json_object_get(e, "active"))));
		json_array_append_new(list, as_regime(e));
	}
	json_decref(rows);
	return 0;
}

/* The same embargo (country and reference) is not recorded twice for days
 * on which the one recorded is in force. */
static int not_recorded_twice(wam_db *db, const json_t *p)
{
	const char *since = json_string_value(json_object_get(p, "since"));
	const char *until = json_string_value(json_object_get(p, "until"));
	json_t *rows = NULL, *e;
	size_t i;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT id, since, coalesce(lifted_on, until) AS until FROM embargoes WHERE country=?"
	                        " AND lower(trim(reference))=lower(trim(?))",
	                        json_string_value(json_object_get(p, "country")),
	                        json_string_value(json_object_get(p, "reference")));
	json_array_foreach(rows, i, e)
	{
		const char *s = json_string_value(json_object_get(e, "since"));
		const char *u = json_string_value(json_object_get(e, "until"));
		if (!rc && (!u || strcmp(u, since) >= 0) && (!until || strcmp(until, s) >= 0))
			rc = wam_error_set(WAM_ECONFLICT, "reference",
			                   "embargo %s on %s under %s is recorded already and in force from %s",
			                   json_string_value(json_object_get(e, "id")),
			                   json_string_value(json_object_get(p, "country")),
			                   json_string_value(json_object_get(p, "reference")), s);
	}
	json_decref(rows);
	return rc;
}

int wam_embargo_record(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object();
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = wam_field_check(db, p, in, embargo_fields, "", 0)))
		goto done;
	const char *until = json_string_value(json_object_get(p, "until"));
	if (until && strcmp(until, json_string_value(json_object_get(p, "since"))) < 0) {
		rc = wam_error_set(WAM_EINVAL, "until", "until %s is before since %s", until,
		                   json_string_value(json_object_get(p, "since")));
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = not_recorded_twice(db, p))) {
		wam_db_rollback(db);
		goto done;
	}
	wam_db_new_id(db, id);
	rc = wam_ledger_append_commit(db, out, "embargo.recorded", id, p, embargo_national_get);
done:
	json_decref(p);
	return rc;
}

int wam_embargo_lift(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const wam_field lift_fields[] = {
	    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
	    {.name = "reference", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
	    {0}};
	json_t *p = json_object(), *e = NULL;
	char today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = wam_field_check(db, p, in, lift_fields, "", 0)))
		goto done;
	wam_date_today(today);
	if (strcmp(json_string_value(json_object_get(p, "date")), today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "%s %s is after today (%s): a record says what has happened",
		                   "date", json_string_value(json_object_get(p, "date")), today);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = embargo_national_get(db, &e, id)))
		goto fail;
	if (json_is_string(json_object_get(e, "lifted_on"))) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "the embargo on %s was lifted on %s already",
		                   json_string_value(json_object_get(e, "country")),
		                   json_string_value(json_object_get(e, "lifted_on")));
		goto fail;
	}
	if (strcmp(json_string_value(json_object_get(p, "date")), json_string_value(json_object_get(e, "since"))) < 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "an embargo is lifted on or after the day it began (%s)",
		                   json_string_value(json_object_get(e, "since")));
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "embargo.lifted", json_string_value(json_object_get(e, "id")), p,
	                              embargo_national_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(e);
	return rc;
}
