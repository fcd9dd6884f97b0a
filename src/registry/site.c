/* Sites (where weapons are kept) and holders (who holds them). Both are
 * registered by an event and read from their projections. Site coordinates
 * and holders' personal data are sensitive: front ends decide who sees them
 * (docs/registry.md). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "registry/project.h"
#include "registry/rules.h"
#include "store/field.h"
#include "wam/registry.h"

enum { ST_SITE_PARENT = 12, ST_GET_SITE, ST_GET_HOLDER }; /* registry/item.c has 0..11 */

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
	sqlite3_stmt *st = wam_room_db_stmt(db, &wam_room_registry, slot, sql);
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
/* a holder's sex and age band (holder_people, migration 15): a holder never
 * described, or a registry made before the table, has them "not_recorded" */
#define HOLDER_SQL                                                                                                     \
	"SELECT id, type, name, country, licence, address, coalesce(p.sex,'not_recorded') AS sex,"                     \
	" coalesce(p.age_band,'not_recorded') AS age_band, h.last_seq AS last_seq"                                     \
	" FROM holders h LEFT JOIN holder_people p ON p.holder_id=h.id"
#define HOLDER_OLD_SQL                                                                                                 \
	"SELECT id, type, name, country, licence, address, 'not_recorded' AS sex, 'not_recorded' AS age_band,"         \
	" last_seq FROM holders h"

/* A site's fields, in the order they are checked; `id` is checked by take_id. */
static const wam_field site_fields[] = {
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_site_kinds},
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_ANY_UNKNOWN},
    {.name = "lat", .kind = WAM_FIELD_COORDINATE, .flags = WAM_FIELD_NULL_ONLY, .hi = 90},
    {.name = "lon", .kind = WAM_FIELD_COORDINATE, .flags = WAM_FIELD_NULL_ONLY, .hi = 180},
    {.name = "parent_id", .kind = WAM_FIELD_TEXT, .max = 40},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "id", .kind = WAM_FIELD_OTHER},
    {0}};

static const wam_field holder_fields[] = {
    {.name = "type", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_holder_types},
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_ANY_UNKNOWN},
    {.name = "licence", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "address", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "sex", .kind = WAM_FIELD_WORD, .vocab = wam_person_sexes},
    {.name = "age_band", .kind = WAM_FIELD_WORD, .vocab = wam_person_age_bands},
    {.name = "id", .kind = WAM_FIELD_OTHER},
    {0}};

/* What may be said of a holder who is a person after it was registered
 * (holder.described). */
static const wam_field description_fields[] = {
    {.name = "sex", .kind = WAM_FIELD_WORD, .vocab = wam_person_sexes},
    {.name = "age_band", .kind = WAM_FIELD_WORD, .vocab = wam_person_age_bands},
    {0}};

/* Checks a site into payload `p` and gives it its id. */
static int check_site(wam_db *db, json_t *p, const json_t *site, char id[WAM_ID_LEN + 1], json_t **screening)
{
	int rc;
	(void)screening;
	if ((rc = wam_field_check(db, p, site, site_fields, "", 0)) || (rc = take_id(db, site, id, "sites")))
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
static int check_holder(wam_db *db, json_t *p, const json_t *holder, char id[WAM_ID_LEN + 1], json_t **screening)
{
	int rc = wam_field_check(db, p, holder, holder_fields, "", 0);
	if (rc || (rc = take_id(db, holder, id, "holders")))
		return rc;
	/* a holder is screened as it is recorded: a potential match on a
	 * sanctions list raises an alert (in this transaction) and the holder
	 * is recorded; issuing a weapon to it waits for the alert's decision */
	json_t *party = json_pack("{s:s, s:O, s:O?, s:{s:s, s:s, s:O}}", "role", "holder", "name",
	                          json_object_get(p, "name"), "country", json_object_get(p, "country"), "subject",
	                          "kind", "holder", "id", id, "label", json_object_get(p, "name"));
	if (!party)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	rc = wam_screen_party(db, screening, party, NULL);
	json_decref(party);
	return rc;
}

/* `*screening`: the record's screening when it has one (a holder's), shown
 * with the record as a broker's is. */
typedef int (*check_record)(wam_db *db, json_t *p, const json_t *in, char id[WAM_ID_LEN + 1], json_t **screening);
typedef int (*get_record)(wam_db *db, json_t **out, const char *id);

/* Sites and holders are added alike: in one transaction, `check` turns the
 * input into the payload of an `event`, and the record is read back from its
 * projection with `get` when the caller wants it. */
static int add_record(wam_db *db, json_t **out, const json_t *in, check_record check, const char *event, get_record get)
{
	int rc;
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object(), *screening = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = check(db, p, in, id, &screening)))
		goto fail;
	if ((rc = wam_ledger_append(db, event, id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out && !(rc = get(db, out, id)) && screening)
		json_object_set(*out, "screening", screening);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(screening);
	return rc;
}

int wam_registry_site_add(wam_db *db, json_t **out, const json_t *site)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "adding a site");
	}
	return add_record(db, out, site, check_site, "site.added", wam_registry_site_get);
}

int wam_registry_site_get(wam_db *db, json_t **out, const char *id)
{
	int rc = get_one(db, out, ST_GET_SITE, SITE_SQL " WHERE id=?", id, "site");
	if (!rc && (rc = wam_confine_hide(db, id, "id", "site", id))) { /* not one of the principal's */
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int wam_registry_site_list(wam_db *db, json_t **out)
{
	int rc = list_all(db, out, SITE_SQL " ORDER BY name, id");
	if (!rc)
		wam_confine_list(db, *out, "id"); /* the principal's sites */
	return rc;
}

int wam_registry_holder_add(wam_db *db, json_t **out, const json_t *holder)
{
	return add_record(db, out, holder, check_holder, "holder.added", wam_registry_holder_get);
}

int wam_registry_holder_get(wam_db *db, json_t **out, const char *id)
{
	if (!wam_table_exists(db, "holder_people"))
		return wam_query_one(db, out, HOLDER_OLD_SQL " WHERE id=?", id, "holder");
	return get_one(db, out, ST_GET_HOLDER, HOLDER_SQL " WHERE h.id=?", id, "holder");
}

int wam_registry_holder_list(wam_db *db, json_t **out)
{
	return list_all(db, out,
	                wam_table_exists(db, "holder_people") ? HOLDER_SQL " ORDER BY name, id"
	                                                      : HOLDER_OLD_SQL " ORDER BY name, id");
}

int wam_registry_holder_describe(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	int rc;
	json_t *p = json_object(), *h = NULL;
	if (out)
		*out = NULL;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a description of a holder is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_one(db, &h, "SELECT id FROM holders WHERE id=?", id, "holder")) ||
	    (rc = wam_field_check(db, p, in, description_fields, "", 0)))
		goto fail;
	if (!json_object_size(p)) {
		rc = wam_error_set(WAM_EINVAL, "sex", "a description gives sex, age_band or both");
		goto fail;
	}
	if ((rc = wam_ledger_append(db, "holder.described", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_registry_holder_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(h);
	return rc;
}
