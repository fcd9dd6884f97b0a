/* The screening of one party (rule R12): every party of a licence,
 * end-user certificate, shipment and broker registration, and every holder,
 * passes through wam_screen_party before it is accepted. The call asks each
 * screener of the build's list (wam_screen_hooks, rooms.c) in turn — an
 * arms embargo on the party's country, a name on a sanctions list — so a
 * room that screens plugs into the list and no caller changes. */
#include "internal.h"

int wam_screen_party(wam_db *db, json_t **out, const json_t *party, const char *date)
{
	char today[11];
	json_t *findings = json_array();
	int rc = findings ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
	*out = NULL;
	if (!date) {
		wam_date_today(today);
		date = today;
	}
	for (const wam_screen_hook *h = wam_screen_hooks; !rc && *h; h++)
		rc = (*h)(db, party, date, findings);
	if (!rc && !(*out = json_pack("{s:b, s:o}", "clear", json_array_size(findings) == 0, "findings", findings)))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
	if (rc)
		json_decref(findings);
	return rc;
}

const json_t *wam_screen_blocking(const json_t *screening)
{
	const json_t *f;
	size_t i;
	json_array_foreach(json_object_get(screening, "findings"), i, f)
	{
		if (!json_object_get(f, "alert"))
			return f;
	}
	return NULL;
}
