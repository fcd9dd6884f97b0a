/* The monitoring room's words: what its commands accept, for a front end
 * to offer (wam_monitoring_vocabulary). */
#include "monitoring/room.h"

const char *const mon_observation_kinds[] = {
    "armoury_inspection", "seizure",  "battlefield_recovery", "cache_recovery", "market",
    "border_crossing",    "document", "open_source",          "witness",        NULL};
const char *const mon_actor_kinds[] = {"armed_group", "unit", "person", "company", "state", NULL};
const char *const mon_source_types[] = {"physical_inspection", "document", "official", "witness", "media",
                                        "open_source",         NULL};
const char *const mon_reliability[] = {"A", "B", "C", "D", "E", "F", NULL};
const char *const mon_item_kinds[] = {"weapon", "ammunition", "part", NULL};
const char *const mon_document_kinds[] = {"euc", "waybill", "bill_of_lading", "invoice", "manifest", "other", NULL};
const char *const mon_finding_states[] = {"draft", "corroborated", "reported", NULL};
const char *const mon_link_kinds[] = {"observation", "trace", "hit", NULL};

int wam_monitoring_vocabulary(json_t **out)
{
	static const char *const *const observation = mon_observation_kinds, *const *const actor = mon_actor_kinds,
	                                *const *const source = mon_source_types,
	                                *const *const reliability = mon_reliability,
	                                *const *const item = mon_item_kinds,
	                                *const *const document = mon_document_kinds,
	                                *const *const state = mon_finding_states, *const *const link = mon_link_kinds;
	static const wam_vocab_entry lists[] = {
	    {"observation_kinds", &observation}, {"actor_kinds", &actor}, {"source_types", &source},
	    {"reliability", &reliability},       {"item_kinds", &item},   {"document_kinds", &document},
	    {"finding_states", &state},          {"link_kinds", &link},
	};
	int rc = wam_vocab_object(out, lists, sizeof lists / sizeof lists[0]);
	if (rc)
		return rc;
	/* credibility is a number, as the input gives it */
	if (json_object_set_new(*out, "credibility", json_pack("[i,i,i,i,i,i]", 1, 2, 3, 4, 5, 6))) {
		json_decref(*out);
		*out = NULL;
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	return 0;
}
