/* Screening: every party of a licence, end-user certificate, shipment and
 * broker registration passes through wam_transfers_screen before it is
 * accepted (rule R12). The call asks each screener of the build's list
 * (wam_screen_hooks, rooms.c) in turn: the embargo room's finds an arms
 * embargo on the country of a party that receives the goods. A screener
 * of the UN sanctions list plugs into the same list, and no caller
 * changes. */
#include <string.h>

#include "common.h"

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
	if (!(rc = transfers_party(db, p, copy, "party.", date, NULL))) {
		*out = json_incref(json_object_get(p, "screening"));
	}
	json_decref(copy);
done:
	json_decref(p);
	return rc;
}

int transfers_screen_licence(wam_db *db, const char *licence, const char *date, const char *field,
                             const char *exemption)
{
	json_t *parties = NULL, *party, *s = NULL;
	size_t i;
	int rc = wam_query_rows(
	    db, &parties,
	    "SELECT n, role, name, country,"
	    " json_extract(screening,'$.government') AS government FROM licence_parties WHERE licence_id=?"
	    " ORDER BY n",
	    licence, NULL);
	json_array_foreach(parties, i, party)
	{
		if (rc)
			break;
		if (exemption)
			json_object_set_new(party, "exemption", json_string(exemption));
		json_object_set_new(party, "government",
		                    json_boolean(json_integer_value(json_object_get(party, "government"))));
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
