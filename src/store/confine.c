/* The acting principal's sites, kept on the handle as the actor is. The
 * front end names who acts (wam_db_set_principal) and every public read and
 * write of a record at a site asks here, so confinement does not depend on
 * each front end remembering it: a record elsewhere answers as one that
 * does not exist, a list keeps to the principal's sites, a write naming a
 * site elsewhere is refused naming the field, and what covers the whole
 * registry is refused outright. A handle with no principal acts for the
 * registry's owner, who is not confined. */
#include <string.h>

#include "internal.h"

bool wam_db_principal_sees_site(const wam_principal *p, const char *site_id)
{
	if (!p)
		return false;
	if (p->nsites <= 0)
		return true;
	/* a weapon kept nowhere in particular is in none of the confined sites */
	if (!site_id || !*site_id)
		return false;
	for (int i = 0; i < p->nsites && i < WAM_AUTH_MAX_SITES; i++)
		if (!strcmp(p->sites[i], site_id))
			return true;
	return false;
}

int wam_db_set_principal(wam_db *db, const wam_principal *p)
{
	if (!p) {
		memset(&db->principal, 0, sizeof db->principal);
		return 0;
	}
	if (p->nsites < 0 || p->nsites > WAM_AUTH_MAX_SITES)
		return wam_error_set(WAM_EINVAL, "sites", "a principal is confined to 0 to %d sites, not %d",
		                     WAM_AUTH_MAX_SITES, p->nsites);
	db->principal = *p;
	if (!db->principal.kind[0]) /* a principal is someone: "" means none */
		snprintf(db->principal.kind, sizeof db->principal.kind, "%s", "user");
	return 0;
}

const wam_principal *wam_db_principal(const wam_db *db)
{
	return db->principal.kind[0] ? &db->principal : NULL;
}

bool wam_confined(const wam_db *db)
{
	return db->principal.kind[0] && db->principal.nsites > 0;
}

bool wam_confine_sees(const wam_db *db, const char *site_id)
{
	if (!wam_confined(db))
		return true;
	return wam_db_principal_sees_site(&db->principal, site_id);
}

int wam_confine_national(const wam_db *db, const char *what)
{
	if (!wam_confined(db))
		return 0;
	return wam_error_set(WAM_EFORBIDDEN, NULL, "%s covers the whole registry; you are confined to sites", what);
}

int wam_confine_hide(const wam_db *db, const char *site_id, const char *field, const char *what, const char *id)
{
	if (wam_confine_sees(db, site_id))
		return 0;
	return wam_error_set(WAM_ENOTFOUND, field, "no %s with id '%.40s'", what, id ? id : "");
}

int wam_confine_site(const wam_db *db, const char *site_id, const char *field)
{
	if (!site_id || wam_confine_sees(db, site_id))
		return 0;
	return wam_error_set(WAM_EFORBIDDEN, field, "site '%.40s' is not one of your sites", site_id);
}

int wam_confine_named(const wam_db *db, const char *site_id, const char *const *sites, int nsites)
{
	if (!wam_confined(db))
		return 0;
	for (int i = -1; i < nsites; i++) {
		const char *id = i < 0 ? site_id : sites ? sites[i] : NULL;
		if (id && !wam_confine_sees(db, id))
			return wam_error_set(WAM_EFORBIDDEN, "site", "site '%.40s' is not one of your sites", id);
	}
	return 0;
}

void wam_confine_filter(const wam_db *db, const char *const **sites, int *nsites, const char *buf[WAM_AUTH_MAX_SITES])
{
	int n = 0;
	if (!wam_confined(db))
		return;
	if (*nsites <= 0) {
		for (int i = 0; i < db->principal.nsites; i++)
			buf[n++] = db->principal.sites[i];
	} else {
		for (int i = 0; i < *nsites && n < WAM_AUTH_MAX_SITES; i++)
			if ((*sites)[i] && wam_confine_sees(db, (*sites)[i]))
				buf[n++] = (*sites)[i];
		if (!n)
			buf[n++] = "";
	}
	*sites = buf;
	*nsites = n;
}

void wam_confine_list(const wam_db *db, json_t *list, const char *key)
{
	if (!wam_confined(db) || !json_is_array(list))
		return;
	for (size_t i = json_array_size(list); i-- > 0;)
		if (!wam_confine_sees(db, json_string_value(json_object_get(json_array_get(list, i), key))))
			json_array_remove(list, i);
}

void wam_confine_lift(wam_db *db, wam_principal *saved)
{
	*saved = db->principal;
	memset(&db->principal, 0, sizeof db->principal);
}

void wam_confine_restore(wam_db *db, const wam_principal *saved)
{
	db->principal = *saved;
}

bool wam_confine_self(const wam_db *db, const char *user)
{
	return user && db->principal.kind[0] && !strcmp(db->principal.kind, "user") &&
	       (!strcmp(user, db->principal.id) || !strcmp(user, db->principal.name));
}

