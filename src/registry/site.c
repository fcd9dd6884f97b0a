/* Sites (where weapons are kept) and holders (who holds them). Both are
 * registered by an event and read from their projections. Site coordinates
 * and holders' personal data are sensitive: front ends decide who sees them
 * (docs/registry.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "registry/rules.h"
#include "registry/validate.h"


enum { ST_SITE_PARENT = SLOT_REGISTRY + 12, ST_GET_SITE, ST_GET_HOLDER };

static const char *const site_fields[] = {"name", "kind", "country", "lat", "lon", "parent_id", "notes", "id", NULL};
static const char *const holder_fields[] = {"type", "name", "country", "licence", "address", "id", NULL};

static int take_country_code(wam_db *db, json_t *out, const json_t *in)
{
	const char *c = json_string_value(json_object_get(in, "country"));
	char code[WAM_COUNTRY_LEN + 1];
	if (wam_absent(json_object_get(in, "country")))
		return 0;
	/* a code of the wrong length is reported as unknown, like any other */
	wam_country_code(code, c);
	if (!wam_refdata_country(db, code))
		return wam_error_set(WAM_EINVAL, "country", "country '%.20s' is not a known ISO 3166 code", c ? c : "");
	json_object_set_new(out, "country", json_string(code));
	return 0;
}

static int take_coord(json_t *out, const json_t *in, const char *key, double limit)
{
	const json_t *v = json_object_get(in, key);
	double x;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_number(v)) {
		x = json_number_value(v);
	} else if (json_is_string(v)) {
		char *end;
		x = strtod(json_string_value(v), &end);
		if (end == json_string_value(v) || *end)
			return wam_error_set(WAM_EINVAL, key, "%s '%.30s' is not a number", key, json_string_value(v));
	} else {
		return wam_error_set(WAM_EINVAL, key, "%s must be a number", key);
	}
	if (!isfinite(x) || x < -limit || x > limit)
		return wam_error_set(WAM_EINVAL, key, "%s %g is outside -%g to %g", key, x, limit, limit);
	json_object_set_new(out, key, json_real(x));
	return 0;
}

/* The id is taken from the input when it carries one (a registry document
 * being imported) and made here otherwise. */
static int take_id(wam_db *db, const json_t *in, char id[WAM_ID_LEN + 1], const char *table)
{
	const char *given = json_string_value(json_object_get(in, "id"));
	if (!given) {
		wam_db_new_id(db, id);
		return 0;
	}
	if (!wam_is_ulid(given))
		return wam_error_set(WAM_EINVAL, "id", "id '%.40s' is not a ULID", given);
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id=?", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "check id");
	sqlite3_bind_text(st, 1, given, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found)
		return wam_error_set(WAM_ECONFLICT, "id", "%s already holds a record with id %s", table, given);
	snprintf(id, WAM_ID_LEN + 1, "%s", given);
	return 0;
}

static int get_one(wam_db *db, json_t **out, int slot, const char *sql, const char *id, const char *what)
{
	*out = NULL;
	sqlite3_stmt *st = wam_stmt(db, slot, sql);
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return wam_error_set(WAM_ENOTFOUND, "id", "no %s with id '%.40s'", what, id);
	*out = wam_row_json(st);
	sqlite3_reset(st);
	return 0;
}

static int list_all(wam_db *db, json_t **out, const char *sql)
{
	return wam_query_rows(db, out, sql, NULL, NULL);
}

#define SITE_SQL "SELECT id, name, kind, country, lat, lon, parent_id, notes, last_seq FROM sites"
#define HOLDER_SQL "SELECT id, type, name, country, licence, address, last_seq FROM holders"

/* Checks a site into payload `p` and gives it its id. */
static int check_site(wam_db *db, json_t *p, const json_t *site, char id[WAM_ID_LEN + 1])
{
	int rc;
	if ((rc = wam_check_fields(site, site_fields, "", 0)) ||
	    (rc = wam_take_text(p, site, "name", "name", true, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_word(p, site, "kind", "kind", wam_site_kinds, NULL, true, 0)) ||
	    (rc = take_country_code(db, p, site)) || (rc = take_coord(p, site, "lat", 90)) ||
	    (rc = take_coord(p, site, "lon", 180)) ||
	    (rc = wam_take_text(p, site, "parent_id", "parent_id", false, 40, false, 0)) ||
	    (rc = wam_take_text(p, site, "notes", "notes", false, WAM_MAX_NOTES, true, 0)) ||
	    (rc = take_id(db, site, id, "sites")))
		return rc;
	const char *parent = json_string_value(json_object_get(p, "parent_id"));
	if (parent) {
		json_t *ps;
		if (get_one(db, &ps, ST_SITE_PARENT, SITE_SQL " WHERE id=?", parent, "site"))
			return wam_error_set(WAM_EINVAL, "parent_id", "parent_id '%.40s' names no site", parent);
		json_decref(ps);
	}
	return 0;
}

/* Checks a holder into payload `p` and gives it its id. */
static int check_holder(wam_db *db, json_t *p, const json_t *holder, char id[WAM_ID_LEN + 1])
{
	int rc;
	if ((rc = wam_check_fields(holder, holder_fields, "", 0)) ||
	    (rc = wam_take_word(p, holder, "type", "type", wam_holder_types, NULL, true, 0)) ||
	    (rc = wam_take_text(p, holder, "name", "name", true, WAM_MAX_TEXT, false, 0)) ||
	    (rc = take_country_code(db, p, holder)) ||
	    (rc = wam_take_text(p, holder, "licence", "licence", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, holder, "address", "address", false, WAM_MAX_NOTES, true, 0)) ||
	    (rc = take_id(db, holder, id, "holders")))
		return rc;
	return 0;
}

typedef int (*check_record)(wam_db *db, json_t *p, const json_t *in, char id[WAM_ID_LEN + 1]);
typedef int (*get_record)(wam_db *db, json_t **out, const char *id);

/* Sites and holders are added alike: in one transaction, `check` turns the
 * input into the payload of an `event`, and the record is read back from its
 * projection with `get` when the caller wants it. */
static int add_record(wam_db *db, json_t **out, const json_t *in, check_record check, const char *event, get_record get)
{
	int rc;
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = check(db, p, in, id)))
		goto fail;
	if ((rc = wam_ledger_append(db, event, id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

int wam_registry_add_site(wam_db *db, json_t **out, const json_t *site)
{
	return add_record(db, out, site, check_site, "site.added", wam_registry_get_site);
}

int wam_registry_get_site(wam_db *db, json_t **out, const char *id)
{
	return get_one(db, out, ST_GET_SITE, SITE_SQL " WHERE id=?", id, "site");
}

int wam_registry_list_sites(wam_db *db, json_t **out)
{
	return list_all(db, out, SITE_SQL " ORDER BY name, id");
}

int wam_registry_add_holder(wam_db *db, json_t **out, const json_t *holder)
{
	return add_record(db, out, holder, check_holder, "holder.added", wam_registry_get_holder);
}

int wam_registry_get_holder(wam_db *db, json_t **out, const char *id)
{
	return get_one(db, out, ST_GET_HOLDER, HOLDER_SQL " WHERE id=?", id, "holder");
}

int wam_registry_list_holders(wam_db *db, json_t **out)
{
	return list_all(db, out, HOLDER_SQL " ORDER BY name, id");
}
