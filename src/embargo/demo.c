/* The embargo room's part of `wam demo` (data/demo.json "embargo"): the
 * regimes reference file wam ships, imported; an exemption under a regime
 * (Libya's notify-no-objection) with the committee's answer; and notices
 * after seizures. The demo registry's country, Haiti, is under a regime
 * that asks for no notice after a seizure, so the demo's seizures stand
 * for seizures of goods bound for the Central African Republic (res. 2745:
 * a notice within 30 days): `seizure_country` names the country the rule is
 * applied as, one notice stays due and one is recorded sent. */
#include <stdio.h>
#include <string.h>

#include "embargo.h"
#include "wam/collection.h"

int embargo_seizure_notices(wam_db *db, const char *recovery_id, const char *country);

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)rng;
	(void)sites;
	const json_t *spec = json_object_get(demo, "embargo");
	json_t *out = NULL, *recoveries = NULL, *r, *notices = NULL;
	char saved[128], actor[128], today[11], notified[11];
	size_t i;
	int rc = 0, seized = 0;
	if (!spec)
		return 0;
	snprintf(saved, sizeof saved, "%s", db->actor);
	snprintf(actor, sizeof actor, "user:%s", json_string_value(json_object_get(spec, "officer")));
	if ((rc = wam_db_set_actor(db, actor)) || (rc = wam_embargo_regimes_import_file(db, &out, NULL)))
		goto done;
	json_decref(out);
	out = NULL;
	/* the exemption, notified three weeks ago, and the committee's answer */
	const json_t *ex = json_object_get(spec, "exemption");
	if (ex) {
		json_t *in = json_deep_copy(ex), *decision = json_deep_copy(json_object_get(ex, "decision"));
		wam_date_today(today);
		embargo_add_days(notified, today, -21);
		json_object_del(in, "decision");
		json_object_del(in, "regime");
		json_object_set_new(in, "notified_on", json_string(notified));
		rc = wam_embargo_exemption_add(db, &out, json_string_value(json_object_get(ex, "regime")), in);
		if (!rc && decision) {
			char decided[11];
			embargo_add_days(decided, notified, 6);
			json_object_set_new(decision, "date", json_string(decided));
			json_t *o2 = NULL;
			rc = wam_embargo_exemption_decide(db, &o2, json_string_value(json_object_get(out, "id")),
			                                  decision);
			json_decref(o2);
		}
		json_decref(in);
		json_decref(decision);
		json_decref(out);
		out = NULL;
		if (rc)
			goto done;
	}
	/* notices after the demo's seizures, the rule applied as for
	 * `seizure_country` */
	const char *country = json_string_value(json_object_get(spec, "seizure_country"));
	if (country && !(rc = wam_collection_recovery_list(db, &recoveries)) && !(rc = wam_db_begin(db))) {
		json_array_foreach(recoveries, i, r)
		{
			if (rc || seized >= 2 || !json_is_string(json_object_get(r, "type")) ||
			    strcmp(json_string_value(json_object_get(r, "type")), "seized"))
				continue;
			rc = embargo_seizure_notices(db, json_string_value(json_object_get(r, "id")), country);
			seized++;
		}
		rc = rc ? (wam_db_rollback(db), rc) : wam_db_commit(db);
	}
	const json_t *sent = json_object_get(spec, "notice_sent");
	if (!rc && sent && !(rc = wam_embargo_notice_list(db, &notices, "due")) && json_array_size(notices) > 1) {
		json_t *in = json_deep_copy(sent);
		const json_t *n = json_array_get(notices, 0);
		char on[11];
		embargo_add_days(on, json_string_value(json_object_get(n, "due")), -3);
		wam_date_today(today);
		json_object_set_new(in, "date", json_string(strcmp(on, today) > 0 ? today : on));
		rc = wam_embargo_notice_sent(db, &out, json_string_value(json_object_get(n, "id")), in);
		json_decref(in);
	}
done:
	json_decref(out);
	json_decref(recoveries);
	json_decref(notices);
	if (!rc)
		rc = wam_db_set_actor(db, saved);
	else
		wam_db_set_actor(db, saved);
	return rc;
}

const wam_demo_part wam_embargo_demo_part = {.room = "embargo", .fill = fill};
