/* The room's screener (rule R12), one of the core's wam_screen_hooks: a
 * party that receives goods (importer, consignee, end user, destination,
 * transit) in a territory of a Security Council regime whose period covers
 * the date, and any party in a country under a national embargo, gives a
 * finding. A regime that excludes the government, or aims at non-State
 * actors, spares a party marked `government`; a regime on listed persons
 * gives no territorial finding (the sanctions list's screener finds
 * them). An exemption attached to the party that fits the regime on the
 * date waives that regime's finding. */
#include <string.h>

#include "embargo.h"

static bool receives(const char *role)
{
	return role && (!strcmp(role, "importer") || !strcmp(role, "consignee") || !strcmp(role, "end_user") ||
	                !strcmp(role, "destination") || !strcmp(role, "transit"));
}

static int add(json_t *findings, json_t *f, const char *regime, const char *reference, const json_t *embargo_id)
{
	if (!f)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
	json_object_set_new(f, "screen", json_string("embargo"));
	json_object_set_new(f, "rule", json_string("R12"));
	if (regime)
		json_object_set_new(f, "regime", json_string(regime));
	json_object_set_new(f, "reference", json_string(reference));
	if (embargo_id)
		json_object_set(f, "embargo_id", (json_t *)embargo_id);
	json_array_append_new(findings, f);
	return 0;
}

/* What a party's finding says, by the party's role: who is where, under an
 * embargo since when, by which decision. */
static json_t *finding(const char *role, const char *name, const char *country, const char *since,
                       const char *reference)
{
	return wam_message_json(
	    !strcmp(role, "importer")      ? "the importer %s is in %s, under an arms embargo since %s (%s)"
	    : !strcmp(role, "consignee")   ? "the consignee %s is in %s, under an arms embargo since %s (%s)"
	    : !strcmp(role, "end_user")    ? "the end user %s is in %s, under an arms embargo since %s (%s)"
	    : !strcmp(role, "destination") ? "the destination of %s is %s, under an arms embargo since %s (%s)"
	    : !strcmp(role, "transit")     ? "the goods pass through %s, in %s, under an arms embargo since %s (%s)"
	                                   : "the exporter %s is in %s, under an embargo on arms from it since %s (%s)",
	    name ? name : "", country, since ? since : "", reference);
}

static int national(wam_db *db, const json_t *party, const char *role, const char *country, const char *date,
                    json_t *findings)
{
	json_t *rows = NULL, *e;
	size_t i;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT id, reference, since, scope FROM embargoes WHERE country=?1 AND since<=?2"
	                        " AND (until IS NULL OR until>=?2) AND (lifted_on IS NULL OR lifted_on>?2)"
	                        " ORDER BY since",
	                        country, date);
	if (rc)
		return rc;
	const char *name = json_string_value(json_object_get(party, "name"));
	json_array_foreach(rows, i, e)
	{
		/* an exporter is screened only where the embargo forbids buying
		 * from its country too */
		if (!receives(role) && strcmp(json_string_value(json_object_get(e, "scope")), "supply_and_procurement"))
			continue;
		json_t *f = finding(role, name, country, json_string_value(json_object_get(e, "since")),
		                    json_string_value(json_object_get(e, "reference")));
		if ((rc = add(findings, f, NULL, json_string_value(json_object_get(e, "reference")),
		              json_object_get(e, "id"))))
			break;
	}
	json_decref(rows);
	return rc;
}

int wam_embargo_screen(wam_db *db, const json_t *party, const char *date, json_t *findings);
int wam_embargo_screen(wam_db *db, const json_t *party, const char *date, json_t *findings)
{
	const char *role = json_string_value(json_object_get(party, "role"));
	const char *country = json_string_value(json_object_get(party, "country"));
	const char *exemption = json_string_value(json_object_get(party, "exemption"));
	bool government = json_is_true(json_object_get(party, "government"));
	json_t *regimes = NULL, *r;
	size_t i;
	if (!country || !role || (!receives(role) && strcmp(role, "exporter") != 0))
		return 0;
	int rc = national(db, party, role, country, date, findings);
	if (rc || !receives(role) || (rc = embargo_regimes(db, &regimes)))
		return rc;
	const char *name = json_string_value(json_object_get(party, "name"));
	json_array_foreach(regimes, i, r)
	{
		const json_t *period = embargo_period_on(r, date);
		if (!period || !embargo_covers(r, country))
			continue;
		const char *target = json_string_value(json_object_get(period, "target"));
		if (!target || !strcmp(target, "listed_persons"))
			continue;
		if (government && (!strcmp(target, "government_excluded") || !strcmp(target, "non_state_actors")))
			continue;
		const char *id = json_string_value(json_object_get(r, "id"));
		json_t *why = NULL;
		if (exemption) {
			if (!wam_embargo_exemption_fits(db, exemption, id, date, "exemption"))
				continue;
			/* the finding says why the exemption does not waive it */
			why = json_object();
			embargo_why(why, "why", wam_error_json(wam_error_last()));
			wam_error_clear();
		}
		char reference[64];
		embargo_reference(reference, sizeof reference, r);
		json_t *f = finding(role, name, country, json_string_value(json_object_get(period, "from")), reference);
		if (f && why) {
			json_object_set_new(why, "id", json_string(exemption));
			json_object_set_new(f, "exemption", why);
		} else
			json_decref(why);
		if ((rc = add(findings, f, id, reference, NULL)))
			break;
	}
	json_decref(regimes);
	return rc;
}
