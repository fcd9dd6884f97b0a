/* /api/v1/sites and /api/v1/holders. Where weapons are stored and who holds
 * them are the registry's most sensitive facts: lists never carry a site's
 * coordinates and security notes or a holder's licence, address, sex and
 * age band; one record does, to roles allowed to read them, and each such read is logged
 * as an event. A caller confined to sites sees only those sites (libwam
 * lists and answers so). */
#include <string.h>

#include "http.h"
#include "wam/registry.h"

static const char *const site_secrets[] = {"lat", "lon", "notes", NULL};
static const char *const holder_secrets[] = {"licence", "address", "sex", "age_band", NULL};

typedef int (*list_fn)(wam_db *db, json_t **out);
typedef int (*get_fn)(wam_db *db, json_t **out, const char *id);
typedef int (*add_fn)(wam_db *db, json_t **out, const json_t *in);

static void list(wam_request *r, list_fn fetch, const char *const *secrets)
{
	json_t *all, *shown = json_array();
	int rc = fetch(r->db, &all);
	if (rc) {
		json_decref(shown);
		reply_wam(r, rc);
		return;
	}
	size_t i;
	json_t *rec;
	json_array_foreach(all, i, rec)
	{
		strip_fields(rec, secrets);
		json_array_append(shown, rec);
	}
	json_decref(all);
	reply_json(r, 200, shown);
}

static void get(wam_request *r, get_fn fetch, const char *const *secrets)
{
	json_t *rec;
	int rc = fetch(r->db, &rec, r->params[0]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	if (!request_sensitive(r, rec, secrets)) {
		json_decref(rec);
		return;
	}
	reply_json(r, 200, rec);
}

static void create(wam_request *r, add_fn add, const char *kind)
{
	json_t *in = request_json(r), *out;
	if (!in)
		return;
	int rc = add(r->db, &out, in);
	json_decref(in);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Location",
	             arena_printf(&r->mem, "/api/v1/%s/%s", kind, json_string_value(json_object_get(out, "id"))));
	reply_json(r, 201, out);
}

void h_sites_list(wam_request *r)
{
	list(r, wam_registry_site_list, site_secrets);
}

void h_site_get(wam_request *r)
{
	get(r, wam_registry_site_get, site_secrets);
}

void h_sites_create(wam_request *r)
{
	create(r, wam_registry_site_add, "sites");
}

void h_holders_list(wam_request *r)
{
	list(r, wam_registry_holder_list, holder_secrets);
}

/* A holder's sex or age band "not_recorded" tells nothing of a person: it
 * is shown to every reader and its read is not logged. */
void h_holder_get(wam_request *r)
{
	json_t *rec;
	int rc = wam_registry_holder_get(r->db, &rec, r->params[0]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	const char *secrets[5];
	size_t n = 0;
	for (const char *const *f = holder_secrets; *f; f++) {
		const char *v = json_string_value(json_object_get(rec, *f));
		if (!v || strcmp(v, "not_recorded") != 0)
			secrets[n++] = *f;
	}
	secrets[n] = NULL;
	if (!request_sensitive(r, rec, secrets)) {
		json_decref(rec);
		return;
	}
	reply_json(r, 200, rec);
}

/* {sex?, age_band?}: what is learnt later of a holder who is a person */
void h_holder_describe(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	int rc = wam_registry_holder_describe(r->db, &out, r->params[0], in);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void h_holders_create(wam_request *r)
{
	create(r, wam_registry_holder_add, "holders");
}
