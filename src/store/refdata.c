/* Reference data: countries from Debian's iso-codes (ISO 3166-1 and the
 * former states of ISO 3166-3, such as SUHH and YUCS, which many weapons in
 * circulation are marked with) and weapon categories from data/. Loaded into
 * tables at `wam init`; validation keeps a sorted copy in memory so an import
 * checks a code with a binary search, not a query. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef WAM_DATA_DIR_DEFAULT
#define WAM_DATA_DIR_DEFAULT "/usr/share/wam"
#endif
#ifndef WAM_ISO_CODES_DIR
#define WAM_ISO_CODES_DIR "/usr/share/iso-codes/json"
#endif

struct refdata {
	char **countries, **categories;
	size_t ncountries, ncategories;
};

const char *wam_data_dir(void)
{
	const char *d = getenv("WAM_DATA_DIR");
	return d && *d ? d : WAM_DATA_DIR_DEFAULT;
}

static json_t *load_json(const char *dir, const char *file)
{
	char path[4096];
	json_error_t err;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		wam_error_set(WAM_EIO, "refdata", "cannot load %s: %s (line %d)", path, err.text, err.line);
	return j;
}

static int insert_countries(sqlite3_stmt *st, const json_t *list, const char *code_key)
{
	size_t i;
	const json_t *c;
	json_array_foreach(list, i, c)
	{
		const char *code = json_string_value(json_object_get(c, code_key));
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *withdrawn = json_string_value(json_object_get(c, "withdrawal_date"));
		if (!code || !name)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		wam_bind_text_or_null(st, 3, withdrawn);
		if (sqlite3_step(st) != SQLITE_DONE)
			return WAM_EDB;
	}
	return 0;
}

int wam_refdata_load(sqlite3 *conn)
{
	int rc = 0;
	const char *iso = getenv("WAM_ISO_CODES_DIR") ? getenv("WAM_ISO_CODES_DIR") : WAM_ISO_CODES_DIR;
	json_t *c1 = load_json(iso, "iso_3166-1.json"), *c3 = load_json(iso, "iso_3166-3.json");
	json_t *cat = load_json(wam_data_dir(), "categories.json");
	sqlite3_stmt *st = NULL;
	if (!c1 || !c3 || !cat) {
		rc = WAM_EIO;
		goto done;
	}
	if ((rc = wam_sql_exec(conn, "DELETE FROM ref_country; DELETE FROM ref_category;")))
		goto done;
	if (sqlite3_prepare_v2(conn, "INSERT OR REPLACE INTO ref_country(code,name,withdrawn) VALUES(?,?,?)", -1, &st,
	                       NULL) != SQLITE_OK ||
	    insert_countries(st, json_object_get(c1, "3166-1"), "alpha_2") ||
	    insert_countries(st, json_object_get(c3, "3166-3"), "alpha_4")) {
		rc = wam_sql_fail(conn, "load countries");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(conn, "INSERT INTO ref_category(code,kind,name) VALUES(?,?,?)", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = wam_sql_fail(conn, "load categories");
		goto done;
	}
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(cat, "categories"), i, c)
	{
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(c, "code")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(c, "kind")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(c, "name")), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = wam_sql_fail(conn, "load categories");
			goto done;
		}
	}
done:
	sqlite3_finalize(st);
	json_decref(c1);
	json_decref(c3);
	json_decref(cat);
	return rc;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_codes(sqlite3 *conn, const char *sql, char ***out, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(conn, "read reference data");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = realloc(*out, cap * sizeof *p);
			if (!p)
				break;
			*out = p;
		}
		(*out)[(*n)++] = strdup(wam_col_text(st, 0));
	}
	sqlite3_finalize(st);
	if (*n)
		qsort(*out, *n, sizeof **out, cmp);
	return 0;
}

static struct refdata *ref(wam_db *db)
{
	if (!db->ref && (db->ref = calloc(1, sizeof *db->ref))) {
		load_codes(db->conn, "SELECT code FROM ref_country", &db->ref->countries, &db->ref->ncountries);
		load_codes(db->conn, "SELECT code FROM ref_category", &db->ref->categories, &db->ref->ncategories);
	}
	return db->ref;
}

static bool has(char **list, size_t n, const char *code)
{
	return list && code && bsearch(&code, list, n, sizeof *list, cmp) != NULL;
}

bool wam_refdata_country(wam_db *db, const char *code)
{
	struct refdata *r = ref(db);
	return r && has(r->countries, r->ncountries, code);
}

json_t *wam_refdata_iso3166(void)
{
	const char *iso = getenv("WAM_ISO_CODES_DIR") ? getenv("WAM_ISO_CODES_DIR") : WAM_ISO_CODES_DIR;
	json_t *c1 = load_json(iso, "iso_3166-1.json");
	json_t *list = json_incref(json_object_get(c1, "3166-1"));
	json_decref(c1);
	return list;
}

bool wam_refdata_category(wam_db *db, const char *code)
{
	struct refdata *r = ref(db);
	return r && has(r->categories, r->ncategories, code);
}

void wam_refdata_free(struct refdata *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncountries; i++)
		free(r->countries[i]);
	for (size_t i = 0; i < r->ncategories; i++)
		free(r->categories[i]);
	free(r->countries);
	free(r->categories);
	free(r);
}
