/* /api/v1/vocabulary: what the console offers and shows — the roles and
 * the actions each may do, the status machine, the categories and the
 * other closed vocabularies — taken from the tables libwam enforces, so a
 * front end never keeps a copy that could drift from them. Each room that
 * has words to offer gives them through one public function, listed in
 * `rooms`; the answer is their objects merged. Any signed-in caller may
 * ask: none of it is confined to a site. */
#include "http.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/embargo.h"
#include "wam/monitoring.h"
#include "wam/registry.h"
#include "wam/sanctions.h"
#include "wam/stock.h"
#include "wam/trace.h"
#include "wam/transfers.h"

static int roles(wam_db *db, json_t **out)
{
	(void)db;
	return wam_auth_roles_json(out);
}

static int trace(wam_db *db, json_t **out)
{
	(void)db;
	return wam_trace_vocabulary(out);
}

static int stock(wam_db *db, json_t **out)
{
	(void)db;
	return wam_stock_vocabulary(out);
}

static int collection(wam_db *db, json_t **out)
{
	(void)db;
	return wam_collection_vocabulary(out);
}

static int transfers(wam_db *db, json_t **out)
{
	(void)db;
	return wam_transfers_vocabulary(out);
}

static int embargo(wam_db *db, json_t **out)
{
	(void)db;
	return wam_embargo_vocabulary(out);
}

static int sanctions(wam_db *db, json_t **out)
{
	(void)db;
	return wam_sanctions_vocabulary(out);
}

static int monitoring(wam_db *db, json_t **out)
{
	(void)db;
	return wam_monitoring_vocabulary(out);
}

static int (*const rooms[])(wam_db *db, json_t **out) = {
    roles,                   /* roles, actions */
    wam_registry_vocabulary, /* statuses and their machine, categories, marking words, site kinds ... */
    trace,                   /* points of diversion, trace request words, the SDG report's keys */
    stock,                   /* lot conditions and hazard codes, custody states, check and destruction words */
    collection,              /* recovery types and contexts */
    transfers,               /* licence kinds and states, party roles, assessment and shipment words */
    embargo,                 /* regime targets and scopes, exemption procedures and states, notice words */
    sanctions,               /* entry kinds, alias qualities, alert states, list sources */
    monitoring,              /* observation, actor, source, item and document kinds, grades, finding states */
};

void h_vocabulary(wam_request *r)
{
	json_t *all = json_object(), *part = NULL;
	int rc = all ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the vocabularies");
	for (size_t i = 0; !rc && i < sizeof rooms / sizeof rooms[0]; i++) {
		if (!(rc = rooms[i](r->db, &part)) && json_object_update(all, part))
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the vocabularies");
		json_decref(part);
		part = NULL;
	}
	reply_result(r, rc, 200, &all);
}
