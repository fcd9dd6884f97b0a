/* What a front end offers while a country, make, model or calibre is typed:
 * the countries the registry accepts (ISO 3166-1 and the former states of
 * ISO 3166-3, as loaded into ref_country) and the makes, models and
 * calibres already recorded, with those of the reference data
 * (data/manufacturers.json) beside them.
 *
 * Recorded values are read from indexes on items (sql/projections.sql),
 * one seek per distinct value: a recursive query asks for the first value
 * at or after the prefix, then the first after that one, and stops at the
 * first that no longer starts with the prefix or at the limit. Comparison
 * is SQLite's NOCASE (ASCII letters fold, others compare as written); the
 * reference data is matched the same way, so the two lists agree. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "registry/registry.h"
#include "wam/registry.h"

#define SUGGEST_PREFIX_MAX 100

int wam_registry_countries(wam_db *db, json_t **out)
{
	return wam_query_rows(
	    db, out, "SELECT code, name, length(code) = 4 AS former FROM ref_country ORDER BY length(code), code", NULL,
	    NULL);
}

/* ---- recorded values ---- */

/* One step of the skip-scan for each field: ?1 the prefix, ?2 the make a
 * model belongs to (model_of_make only), ?3 the limit. */
#define SKIP(col, where)                                                                                               \
	"WITH RECURSIVE d(v) AS ("                                                                                     \
	"  SELECT (SELECT " col " FROM items WHERE " where col " COLLATE NOCASE >= ?1 ORDER BY " col                   \
	"          COLLATE NOCASE LIMIT 1)"                                                                            \
	"  UNION ALL"                                                                                                  \
	"  SELECT (SELECT " col " FROM items WHERE " where col " COLLATE NOCASE > d.v ORDER BY " col                   \
	"          COLLATE NOCASE LIMIT 1) FROM d"                                                                     \
	"  WHERE d.v IS NOT NULL AND substr(d.v, 1, length(?1)) = ?1 COLLATE NOCASE LIMIT ?3)"                         \
	" SELECT v FROM d WHERE v IS NOT NULL AND v <> '' AND substr(v, 1, length(?1)) = ?1 COLLATE NOCASE"            \
	" LIMIT ?3"

static const char *const SQL_MAKE = SKIP("make", "");
static const char *const SQL_MODEL = SKIP("model", "");
static const char *const SQL_MODEL_OF_MAKE = SKIP("model", "make COLLATE NOCASE = ?2 AND ");
static const char *const SQL_CALIBRE = SKIP("calibre", "");

static int recorded(wam_db *db, json_t *list, const char *sql, const char *prefix, const char *make, int limit)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read suggestions");
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	if (make)
		sqlite3_bind_text(st, 2, make, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_string(wam_col_text(st, 0)));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : wam_sql_fail(db->conn, "read suggestions");
}

/* ---- reference data ---- */

static json_t *manufacturers; /* data/manufacturers.json, read once; NULL if it could not be */
static pthread_once_t manufacturers_once = PTHREAD_ONCE_INIT;

static void load_manufacturers(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/manufacturers.json", wam_data_dir());
	json_t *j = json_load_file(path, 0, NULL);
	manufacturers = json_incref(json_object_get(j, "manufacturers"));
	json_decref(j);
}

/* `value` starts with `prefix`, ASCII letters folded as NOCASE folds them. */
static bool starts(const char *value, const char *prefix)
{
	return value && strncasecmp(value, prefix, strlen(prefix)) == 0;
}

static void reference(json_t *list, const char *field, const char *prefix, const char *make)
{
	pthread_once(&manufacturers_once, load_manufacturers);
	size_t i, j;
	json_t *m, *model;
	json_array_foreach(manufacturers, i, m)
	{
		const char *name = json_string_value(json_object_get(m, "name"));
		if (!strcmp(field, "make")) {
			if (starts(name, prefix))
				json_array_append_new(list, json_string(name));
			continue;
		}
		if (make && *make && (!name || strcasecmp(name, make) != 0))
			continue;
		json_array_foreach(json_object_get(m, "models"), j, model)
		{
			const char *v = json_string_value(json_object_get(model, field));
			if (starts(v, prefix))
				json_array_append_new(list, json_string(v));
		}
	}
}

static int by_name(const void *a, const void *b)
{
	const char *x = json_string_value(*(json_t *const *)a), *y = json_string_value(*(json_t *const *)b);
	int c = strcasecmp(x, y);
	return c ? c : strcmp(x, y);
}

int wam_registry_suggest(wam_db *db, json_t **out, const char *field, const char *prefix, const char *make, int limit)
{
	int rc = 0;
	json_t *found = json_array(), *all = NULL;
	*out = NULL;
	if (!prefix)
		prefix = "";
	if (!found)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	const char *sql = !field                      ? NULL
	                  : !strcmp(field, "make")    ? SQL_MAKE
	                  : !strcmp(field, "model")   ? (make && *make ? SQL_MODEL_OF_MAKE : SQL_MODEL)
	                  : !strcmp(field, "calibre") ? SQL_CALIBRE
	                                              : NULL;
	if (!sql) {
		rc = wam_error_set(WAM_EINVAL, "field", "field is make, model or calibre, not '%.20s'",
		                   field ? field : "");
		goto done;
	}
	if (strlen(prefix) > SUGGEST_PREFIX_MAX) {
		rc = wam_error_set(WAM_EINVAL, "prefix", "prefix is at most %d bytes", SUGGEST_PREFIX_MAX);
		goto done;
	}
	if (limit <= 0 || limit > WAM_SUGGEST_MAX)
		limit = limit <= 0 ? 10 : WAM_SUGGEST_MAX;
	if ((rc = recorded(db, found, sql, prefix, make && *make ? make : NULL, limit)))
		goto done;
	reference(found, field, prefix, make);
	/* one list, in order, each value once whatever its case (the recorded
	 * spelling first: it sorts before the reference's when they differ only
	 * by case and the registry's was found first) */
	size_t n = json_array_size(found);
	json_t **v = malloc((n ? n : 1) * sizeof *v);
	if (!v || !(all = json_array())) {
		free(v);
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(found, i);
	qsort(v, n, sizeof *v, by_name);
	const char *last = NULL;
	for (size_t i = 0; i < n && json_array_size(all) < (size_t)limit; i++) {
		const char *s = json_string_value(v[i]);
		if (last && !strcasecmp(last, s))
			continue;
		json_array_append(all, v[i]);
		last = s;
	}
	free(v);
	*out = all;
	all = NULL;
done:
	json_decref(found);
	json_decref(all);
	return rc;
}
