/* Screening: every party of a licence, end-user certificate, shipment and
 * broker registration passes through wam_transfers_screen before it is
 * accepted (rule R12). The call asks each screener of the build's list
 * (wam_screen_hooks, rooms.c) in turn; this room's own finds an arms
 * embargo recorded on the country of a party that receives the goods. A
 * screener of the UN sanctions list plugs into the same list, and no
 * caller changes. The embargoes are recorded here too: a country, the
 * decision (a Security Council resolution), the dates, and whether it
 * forbids supplying the country only or buying from it as well. */
#include <string.h>

#include "common.h"

/* The roles that receive goods, or that the goods pass through: an
 * embargo on their country forbids the transfer. `destination` is a
 * certificate's country of final destination, `transit` a state on the
 * route (a transit party or a shipment's intermediate location). */
static bool receives(const char *role)
{
	return role && (!strcmp(role, "importer") || !strcmp(role, "consignee") || !strcmp(role, "end_user") ||
	                !strcmp(role, "destination") || !strcmp(role, "transit"));
}

int wam_transfers_screen_embargo(wam_db *db, const json_t *party, const char *date, json_t *findings);
int wam_transfers_screen_embargo(wam_db *db, const json_t *party, const char *date, json_t *findings)
{
	const char *role = json_string_value(json_object_get(party, "role"));
	const char *country = json_string_value(json_object_get(party, "country"));
	json_t *rows = NULL, *e;
	size_t i;
	if (!country || (!receives(role) && strcmp(role ? role : "", "exporter") != 0))
		return 0;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT id, reference, since, scope FROM embargoes WHERE country=?1 AND since<=?2"
	                        " AND (until IS NULL OR until>=?2) AND (lifted_on IS NULL OR lifted_on>?2)"
	                        " ORDER BY since",
	                        country, date);
	if (rc)
		return rc;
	json_array_foreach(rows, i, e)
	{
		/* an exporter is screened only where the embargo forbids buying
		 * from its country too */
		if (!receives(role) && strcmp(json_string_value(json_object_get(e, "scope")), "supply_and_procurement"))
			continue;
		const char *name = json_string_value(json_object_get(party, "name"));
		json_t *f = wam_message_json(
		    !strcmp(role, "importer")      ? "the importer %s is in %s, under an arms embargo since %s (%s)"
		    : !strcmp(role, "consignee")   ? "the consignee %s is in %s, under an arms embargo since %s (%s)"
		    : !strcmp(role, "end_user")    ? "the end user %s is in %s, under an arms embargo since %s (%s)"
		    : !strcmp(role, "destination") ? "the destination of %s is %s, under an arms embargo since %s (%s)"
		    : !strcmp(role, "transit")     ? "the goods pass through %s, in %s, under an arms embargo since %s (%s)"
		                                   : "the exporter %s is in %s, under an embargo on arms from it since %s (%s)",
		    name ? name : "", country, json_string_value(json_object_get(e, "since")),
		    json_string_value(json_object_get(e, "reference")));
		if (!f)
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
		else {
			json_object_set_new(f, "screen", json_string("embargo"));
			json_object_set_new(f, "rule", json_string("R12"));
			json_object_set(f, "reference", json_object_get(e, "reference"));
			json_object_set(f, "embargo_id", json_object_get(e, "id"));
			json_array_append_new(findings, f);
		}
	}
	json_decref(rows);
	return rc;
}

int transfers_screen(wam_db *db, json_t **out, const json_t *party, const char *date)
{
	return wam_screen_party(db, out, party, date);
}

int wam_transfers_screen(wam_db *db, json_t **out, const json_t *party, const char *date)
{
	json_t *p = json_object();
	int rc;
	*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (date && !wam_date_valid(date, 1900)) {
		rc = wam_error_set(WAM_EINVAL, "date", "date '%.20s' is not a calendar date YYYY-MM-DD", date);
		goto done;
	}
	/* the same checks as a party of a licence, without its register */
	if (!json_is_object(party)) {
		rc = wam_error_set(WAM_EINVAL, "party", "party must be an object");
		goto done;
	}
	json_t *copy = json_deep_copy(party);
	if (!json_object_get(copy, "role"))
		json_object_set_new(copy, "role", json_string("end_user"));
	if (!(rc = transfers_party(db, p, copy, "party.", date))) {
		*out = json_incref(json_object_get(p, "screening"));
	}
	json_decref(copy);
done:
	json_decref(p);
	return rc;
}

int transfers_screen_licence(wam_db *db, const char *licence, const char *date, const char *field)
{
	json_t *parties = NULL, *party, *s = NULL;
	size_t i;
	int rc = wam_query_rows(db, &parties, "SELECT n, role, name, country FROM licence_parties WHERE licence_id=?"
	                        " ORDER BY n", licence, NULL);
	json_array_foreach(parties, i, party)
	{
		if (rc)
			break;
		if ((rc = transfers_screen(db, &s, party, date)))
			break;
		const json_t *first = json_array_get(json_object_get(s, "findings"), 0);
		if (first)
			rc = wam_error_set(WAM_ECONFLICT, field, "party %lld of the licence failed screening: %s",
			                   (long long)json_integer_value(json_object_get(party, "n")),
			                   json_string_value(json_object_get(first, "message")));
		json_decref(s);
		s = NULL;
	}
	json_decref(parties);
	return rc;
}

/* ---- embargoes ---- */

static const wam_field embargo_fields[] = {
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "reference", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "since", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "until", .kind = WAM_FIELD_DATE},
    {.name = "scope", .kind = WAM_FIELD_WORD, .vocab = wam_embargo_scopes, .dflt = "supply"},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

#define EMBARGO_SQL                                                                                                    \
	"SELECT id, country, reference, since, until, scope, notes, lifted_on, lift_reference,"                        \
	" (since<=?1 AND (until IS NULL OR until>=?1) AND (lifted_on IS NULL OR lifted_on>?1)) AS active"              \
	" FROM embargoes"

static int embargo_get(wam_db *db, json_t **out, const char *id)
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

int wam_transfers_embargo_add(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object();
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_field_check(db, p, in, embargo_fields, "", 0)))
		goto done;
	const char *until = json_string_value(json_object_get(p, "until"));
	if (until && strcmp(until, json_string_value(json_object_get(p, "since"))) < 0) {
		rc = wam_error_set(WAM_EINVAL, "until", "until %s is before since %s", until,
		                   json_string_value(json_object_get(p, "since")));
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	wam_db_new_id(db, id);
	rc = wam_ledger_append_commit(db, out, "embargo.recorded", id, p, embargo_get);
done:
	json_decref(p);
	return rc;
}

int wam_transfers_embargo_lift(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const wam_field lift_fields[] = {
	    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
	    {.name = "reference", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
	    {0}};
	json_t *p = json_object(), *e = NULL;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_field_check(db, p, in, lift_fields, "", 0)) ||
	    (rc = transfers_not_future(p, "date")) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = embargo_get(db, &e, id)))
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
	                              embargo_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(e);
	return rc;
}

int wam_transfers_embargo_list(wam_db *db, json_t **out, const char *date)
{
	char today[11];
	json_t *e;
	size_t i;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc)
		return rc;
	if (date && !wam_date_valid(date, 1900))
		return wam_error_set(WAM_EINVAL, "on", "on '%.20s' is not a calendar date YYYY-MM-DD", date);
	if (!date) {
		wam_date_today(today);
		date = today;
	}
	if ((rc = wam_query_rows(db, out, EMBARGO_SQL " ORDER BY country, since", date, NULL)))
		return rc;
	json_array_foreach(*out, i, e)
	    json_object_set_new(e, "active", json_boolean(json_integer_value(json_object_get(e, "active"))));
	return 0;
}
