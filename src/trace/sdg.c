/* SDG indicator 16.4.2: the proportion of seized, found or surrendered arms
 * whose illicit origin or context was traced or established by a competent
 * authority, for a year and a site scope, with every figure drillable to
 * the weapons behind it.
 *
 * One query names the units and the routes by which each was traced
 * (FIGURES_SQL); the report is one aggregate over it, grouped by every
 * dimension at once, folded here into the counts and breakdowns, and the
 * drill-down is the same query filtered by the figure. Both therefore
 * apply the same rules (docs/trace.md, "SDG 16.4.2"):
 *
 * - a unit is a weapon recovered (recovery_items) by a recovery dated in
 *   the year and, with a site, recorded at that site or one under it; a
 *   weapon recovered twice in the scope counts once, by its first recovery;
 * - traced successfully: the latest response to a sent outgoing trace
 *   request for it found a record (record_found, partial) with a point of
 *   diversion; or a confirmed hit; or it was the registry's own weapon,
 *   reported lost or stolen before it was recovered (the holder mapping of
 *   wam_trace_holder_category gives the point of diversion);
 * - trace initiated: such a request was sent, or one of the other two;
 * - identified: a complete legible serial (marking status adequate or
 *   inadequate, with a serial) or a trace initiated;
 * - established otherwise: an item_origins record and not traced. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/field.h"
#include "wam/registry.h"
#include "trace/trace.h"
#include "wam/collection.h"
#include "wam/match.h"
#include "wam/stock.h"
#include "wam/trace.h"

/* A sent outgoing trace request for the unit's weapon. */
#define SENT_REQUEST                                                                                                   \
	"EXISTS (SELECT 1 FROM trace_requests q WHERE q.item_id=p.item_id AND q.direction='outgoing'"                  \
	" AND q.sent IS NOT NULL)"

/* ?1 first day of the year, ?2 site or NULL, ?3 the drill-down value, ?4
 * last day of the year. `answers` holds, per weapon, the response that
 * traced it: the latest response of a sent outgoing request that found a
 * record with a point of diversion, the earliest such if several requests
 * did; its request, its index among the request's responses and its
 * confidentiality say which read of a restricted one a drill-down makes. */
#define FIGURES_SCOPE                                                                                                  \
	"WITH RECURSIVE scope(id) AS (SELECT ?2 WHERE ?2 IS NOT NULL"                                                  \
	"  UNION SELECT s.id FROM sites s JOIN scope ON s.parent_id=scope.id),"
/* How a weapon was made and whether it is a part (item_makeup, migration
 * 10), or no row at all in a registry made before that table. */
#define MAKEUP_TABLE " makeup AS (SELECT item_id, kind, part_type, manufacture, belongs_to FROM item_makeup),"
#define MAKEUP_NONE                                                                                                    \
	" makeup AS (SELECT NULL AS item_id, NULL AS kind, NULL AS part_type, NULL AS manufacture,"                    \
	" NULL AS belongs_to WHERE 0),"
/* What was recorded of the person of each recovery (recovery_details,
 * migration 14), or no row at all in a registry made before that table: a
 * recovery without a row has its person's sex and age band not_recorded. */
#define DETAILS_TABLE " details AS (SELECT recovery_id, sex, age_band FROM recovery_details),"
#define DETAILS_NONE " details AS (SELECT NULL AS recovery_id, NULL AS sex, NULL AS age_band WHERE 0),"
/* A part is not a weapon, unless it is the frame or receiver that carries
 * the serial (UN Firearms Protocol art. 3). */
#define NOT_A_WEAPON "(m.kind='part' AND coalesce(m.part_type,'') NOT IN ('frame_receiver','lower_receiver'))"
#define FIGURES_SQL                                                                                                    \
	" answers AS (SELECT * FROM (SELECT q.item_id, q.id AS request_id, s.n, s.confidentiality,"                    \
	"  s.point_category, row_number() OVER (PARTITION BY q.item_id ORDER BY s.seq) AS k"                           \
	"  FROM trace_requests q JOIN trace_responses s ON s.request_id=q.id"                                          \
	"  WHERE q.item_id IS NOT NULL AND q.direction='outgoing' AND q.sent IS NOT NULL"                              \
	"  AND s.n=(SELECT max(z.n) FROM trace_responses z WHERE z.request_id=q.id)"                                   \
	"  AND s.result IN ('record_found','partial') AND s.point_category IS NOT NULL) WHERE k=1),"                   \
	" pairs AS (SELECT x.item_id, r.id AS recovery_id, r.type, r.date, r.context, r.recorded_seq,"                 \
	"  row_number() OVER (PARTITION BY x.item_id ORDER BY r.date, r.recorded_seq) AS k"                            \
	"  FROM recoveries r JOIN recovery_items x ON x.recovery_id=r.id"                                              \
	"  WHERE r.date BETWEEN ?1 AND ?4 AND (?2 IS NULL OR r.site_id IN scope)),"                                    \
	" routes AS MATERIALIZED (SELECT p.item_id, p.recovery_id, p.type AS recovery_type, p.date,"                   \
	"  coalesce(p.context,'unknown') AS context, i.serial, i.make, i.model, i.category, i.marking_status,"         \
	"  CASE WHEN i.category='SA1' THEN 'pistol_revolver' WHEN i.category IN ('SA2','SA4') THEN 'rifle'"            \
	"   WHEN i.category='SHOTGUN' THEN 'shotgun' WHEN i.category='SA3' THEN 'smg'"                                 \
	"   WHEN i.category IN ('SA5','LW1') THEN 'machine_gun' ELSE 'other' END AS weapon_type,"                      \
	"  " SENT_REQUEST " AS requested, a.point_category AS by_request, a.request_id,"                               \
	"  CASE WHEN a.confidentiality<>'unclassified' THEN 'responses[' || (a.n - 1) || ']' END AS restricted,"       \
	"  (SELECT h.point_category FROM hits h WHERE h.item_id=p.item_id AND h.state='confirmed'"                     \
	"   ORDER BY h.decided_seq LIMIT 1) AS by_hit,"                                                                \
	"  CASE WHEN EXISTS (SELECT 1 FROM loss_reports l WHERE l.item_id=p.item_id AND l.seq<p.recorded_seq)"         \
	"   THEN wam_diversion((SELECT type FROM holders WHERE id=i.holder_id), i.site_id) END AS by_registry,"        \
	"  o.category AS origin_category, o.method AS origin_method,"                                                  \
	"  coalesce(m.manufacture,'unknown') AS manufacture, coalesce(d.sex,'not_recorded') AS person_sex,"            \
	"  coalesce(d.age_band,'not_recorded') AS person_age_band"                                                     \
	"  FROM pairs p JOIN items i ON i.id=p.item_id LEFT JOIN item_origins o ON o.item_id=p.item_id"                \
	"  LEFT JOIN answers a ON a.item_id=p.item_id LEFT JOIN makeup m ON m.item_id=p.item_id"                       \
	"  LEFT JOIN details d ON d.recovery_id=p.recovery_id"                                                         \
	"  WHERE p.k=1 AND NOT coalesce(" NOT_A_WEAPON ", 0)),"                                                        \
	" figures AS (SELECT *,"                                                                                       \
	"  CASE WHEN by_request IS NOT NULL THEN 'request' WHEN by_hit IS NOT NULL THEN 'hit'"                         \
	"   WHEN by_registry IS NOT NULL THEN 'registry' END AS traced,"                                               \
	"  (by_request IS NOT NULL OR by_hit IS NOT NULL OR by_registry IS NOT NULL) AS traced_ok,"                    \
	"  (requested OR by_hit IS NOT NULL OR by_registry IS NOT NULL) AS initiated,"                                 \
	"  (coalesce(by_request, by_hit, by_registry) IS NULL AND origin_category IS NOT NULL) AS otherwise,"          \
	"  coalesce(by_request, by_hit, by_registry, origin_category, 'not_established') AS result"                    \
	"  FROM routes),"                                                                                              \
	" units AS (SELECT *, (initiated OR (coalesce(serial,'')<>''"                                                  \
	"  AND marking_status IN ('adequate','inadequate'))) AS identified,"                                           \
	"  (traced_ok OR otherwise) AS counted FROM figures) "

static const char *const weapon_types[] = {"pistol_revolver", "rifle", "shotgun", "smg", "machine_gun", "other", NULL};
/* How the recovered weapons were made: the registry's manufactures, and
 * unknown for one that does not say (made once, NULL-terminated). */
static const char *manufacture_words[16];
static pthread_once_t manufacture_once = PTHREAD_ONCE_INIT;
static void manufacture_list(void)
{
	size_t n = 0;
	for (const char *const *m = wam_registry_manufactures; *m && n < 14; m++)
		manufacture_words[n++] = *m;
	manufacture_words[n] = "unknown";
}
static const char *const *manufactures(void)
{
	pthread_once(&manufacture_once, manufacture_list);
	return manufacture_words;
}
/* The scope's recovered ammunition lines (recovery_ammunition, migration
 * 11), after FIGURES_SQL: its scope and year. */
#define AMMUNITION_LINES                                                                                               \
	"SELECT a.recovery_id, a.line, r.type AS recovery_type, r.date, coalesce(r.context,'unknown') AS context,"     \
	" a.calibre, a.type, a.headstamp_text, a.headstamp_factory, a.headstamp_year, a.lot, a.quantity AS rounds"     \
	" FROM recovery_ammunition a JOIN recoveries r ON r.id=a.recovery_id"                                          \
	" WHERE r.date BETWEEN ?1 AND ?4 AND (?2 IS NULL OR r.site_id IN scope)"
/* The scope's recovered parts, each once (by its first recovery in the
 * scope, as weapons), frames and receivers included. */
#define PARTS_SELECT                                                                                                   \
	"SELECT p.item_id, p.recovery_id, p.type AS recovery_type, p.date, coalesce(p.context,'unknown') AS context,"  \
	" coalesce(m.part_type,'other') AS part_type, i.serial, i.make, i.model, m.belongs_to"                         \
	" FROM pairs p JOIN makeup m ON m.item_id=p.item_id JOIN items i ON i.id=p.item_id"                            \
	" WHERE p.k=1 AND m.kind='part'"
static const char *const results[] = {
    "illicit_manufacture", "civilian_holder", "state_stocks", "transfer_export", "other", "not_established", NULL};
static const char *const count_keys[] = {"recovered",
                                         "seized",
                                         "found",
                                         "surrendered",
                                         "identified",
                                         "trace_initiated",
                                         "traced_successfully",
                                         "established_otherwise",
                                         NULL};
const char *const *const wam_trace_sdg_weapon_types = weapon_types;
const char *const *const wam_trace_sdg_results = results;
const char *const *const wam_trace_sdg_counts = count_keys;

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* The words of `list` joined by ", " into `buf`, for an error message. */
static const char *joined(char *buf, size_t size, const char *const *list)
{
	size_t n = 0;
	buf[0] = '\0';
	for (const char *const *w = list; *w && n < size; w++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", w == list ? "" : ", ", *w);
	return buf;
}

/* A principal confined to sites reads the report of one of its sites, and
 * only when every site under that one is its too, so that neither the
 * figures nor the records behind them reach beyond what it may see;
 * otherwise WAM_EFORBIDDEN naming `site`. */
static int confine_scope(wam_db *db, const wam_sdg_scope *scope)
{
	json_t *tree = NULL, *site;
	wam_principal who;
	size_t i;
	int rc;
	if (!wam_confined(db))
		return 0;
	if (!scope || !scope->site_id)
		return wam_error_set(
		    WAM_EFORBIDDEN, "site",
		    "you are confined to sites: name one of them with site= (the report over the whole registry "
		    "is not yours to read)");
	if (!wam_confine_sees(db, scope->site_id))
		return wam_error_set(WAM_EFORBIDDEN, "site", "site '%.40s' is not one of your sites", scope->site_id);
	wam_confine_lift(db, &who); /* every site under it, the principal's or not */
	rc = wam_stock_site_tree(db, &tree, scope->site_id);
	wam_confine_restore(db, &who);
	if (rc)
		return rc;
	json_array_foreach(tree, i, site)
	{
		const char *id = json_string_value(json_object_get(site, "id"));
		if (!wam_confine_sees(db, id)) {
			rc = wam_error_set(
			    WAM_EFORBIDDEN, "site",
			    "the report for site '%.40s' covers site '%.40s' under it, which you are not confined to",
			    scope->site_id, id ? id : "?");
			break;
		}
	}
	json_decref(tree);
	return rc;
}

/* Checks the scope; the year's first and last day into `from` and `to`. */
static int check_scope(wam_db *db, const wam_sdg_scope *scope, char from[11], char to[11])
{
	if (!scope || scope->year < WAM_SDG_YEAR_MIN || scope->year > WAM_SDG_YEAR_MAX)
		return wam_error_set(WAM_EINVAL, "year", "year must be a year from %d to %d, not %d", WAM_SDG_YEAR_MIN,
		                     WAM_SDG_YEAR_MAX, scope ? scope->year : 0);
	snprintf(from, 11, "%04d-01-01", scope->year);
	snprintf(to, 11, "%04d-12-31", scope->year);
	if (scope->site_id) {
		json_t *rows;
		int rc = wam_query_rows(db, &rows, "SELECT id FROM sites WHERE id=?", scope->site_id, NULL);
		if (rc)
			return rc;
		size_t n = json_array_size(rows);
		json_decref(rows);
		if (!n)
			return wam_error_set(WAM_EINVAL, "site_id", "no site with id '%.40s'", scope->site_id);
	}
	return wam_trace_sql_functions(db);
}

/* Runs FIGURES_SQL followed by `tail` for the scope, with `value` as ?3. */
static int run(wam_db *db, json_t **out, const char *tail, const wam_sdg_scope *scope, const char *value)
{
	char from[11], to[11];
	sqlite3_stmt *st;
	wam_buf sql = {0};
	int rc;
	*out = NULL;
	/* a registry made before item_makeup (read, never written since) has
	 * no makeup: every weapon's is unknown and no item is a part */
	bool makeup = wam_table_exists(db, "item_makeup"), details = wam_table_exists(db, "recovery_details");
	if ((rc = check_scope(db, scope, from, to)) || (rc = wam_buf_puts(&sql, FIGURES_SCOPE)) ||
	    (rc = wam_buf_puts(&sql, makeup ? MAKEUP_TABLE : MAKEUP_NONE)) ||
	    (rc = wam_buf_puts(&sql, details ? DETAILS_TABLE : DETAILS_NONE)) ||
	    (rc = wam_buf_puts(&sql, FIGURES_SQL)) || (rc = wam_buf_puts(&sql, tail)))
		goto done;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "compute SDG 16.4.2");
		goto done;
	}
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	if (scope->site_id)
		sqlite3_bind_text(st, 2, scope->site_id, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	rc = wam_rows_json(st, out, "compute SDG 16.4.2");
done:
	wam_buf_free(&sql);
	return rc;
}

static void add(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rebuilds `*o` with its keys in byte order: the contexts come in the
 * order the groups did, and a CSV compared year to year wants them fixed. */
static void sort_keys(json_t **o)
{
	size_t n = json_object_size(*o), i = 0;
	const char **keys = n ? malloc(n * sizeof *keys) : NULL;
	const char *k;
	json_t *v, *sorted = json_object();
	if (!keys) {
		json_decref(sorted);
		return;
	}
	json_object_foreach(*o, k, v) keys[i++] = k;
	qsort(keys, n, sizeof *keys, by_key);
	for (i = 0; i < n; i++)
		json_object_set(sorted, keys[i], json_object_get(*o, keys[i]));
	free(keys);
	json_decref(*o);
	*o = sorted;
}

static bool flag(const json_t *row, const char *key)
{
	return json_integer_value(json_object_get(row, key)) != 0;
}

/* The calibre key the report groups rounds by (7.62x39 = 7,62×39mm). */
static void calibre_group(char *out, size_t cap, const char *calibre)
{
	if (wam_match_calibre_key(out, cap, calibre ? calibre : "") <= 0)
		snprintf(out, cap, "%s", calibre ? calibre : "");
}

/* IAFQ-ready counts of the ammunition recovered in the scope: {rounds,
 * lines, by_context: {context: rounds}, by_calibre: {calibre: rounds}}.
 * Calibres that agree (7.62x39mm, 7,62×39) are one figure, named by the
 * spelling written on most lines (then on most rounds, then the first in
 * byte order): the one users know. A registry made before
 * recovery_ammunition holds none. */
static int ammunition_counts(wam_db *db, const wam_sdg_scope *scope, json_t **out)
{
	json_t *rows = NULL, *row, *by_context = json_object(), *by_calibre = json_object(), *names = json_object();
	json_int_t rounds = 0, lines = 0;
	size_t i;
	int rc = 0;
	if (wam_table_exists(db, "recovery_ammunition"))
		rc = run(db, &rows,
		         "SELECT context, calibre, sum(rounds) AS rounds, count(*) AS lines FROM (" AMMUNITION_LINES
		         ") GROUP BY 1, 2 ORDER BY 2, 1",
		         scope, NULL);
	/* each calibre's spellings: {key: {spelling: [lines, rounds]}} */
	json_t *spellings = json_object();
	json_array_foreach(rows, i, row)
	{
		const char *calibre = json_string_value(json_object_get(row, "calibre"));
		char key[256];
		calibre_group(key, sizeof key, calibre);
		json_t *of = json_object_get(spellings, key);
		if (!of)
			json_object_set_new(spellings, key, of = json_object());
		json_t *c = json_object_get(of, calibre ? calibre : "");
		if (!c)
			json_object_set_new(of, calibre ? calibre : "",
			                    c = json_pack("[I, I]", (json_int_t)0, (json_int_t)0));
		json_array_set_new(c, 0,
		                   json_integer(json_integer_value(json_array_get(c, 0)) +
		                                json_integer_value(json_object_get(row, "lines"))));
		json_array_set_new(c, 1,
		                   json_integer(json_integer_value(json_array_get(c, 1)) +
		                                json_integer_value(json_object_get(row, "rounds"))));
	}
	const char *k;
	json_t *of;
	json_object_foreach(spellings, k, of)
	{
		const char *best = NULL, *sp;
		json_int_t bl = -1, br = -1;
		json_t *c;
		json_object_foreach(of, sp, c)
		{
			json_int_t l = json_integer_value(json_array_get(c, 0)),
			           r = json_integer_value(json_array_get(c, 1));
			if (l > bl || (l == bl && (r > br || (r == br && strcmp(sp, best) < 0)))) {
				best = sp;
				bl = l;
				br = r;
			}
		}
		json_object_set_new(names, k, json_string(best ? best : ""));
	}
	json_decref(spellings);
	json_array_foreach(rows, i, row)
	{
		json_int_t n = json_integer_value(json_object_get(row, "rounds"));
		const char *calibre = json_string_value(json_object_get(row, "calibre"));
		char key[256];
		calibre_group(key, sizeof key, calibre);
		rounds += n;
		lines += json_integer_value(json_object_get(row, "lines"));
		add(by_context, json_string_value(json_object_get(row, "context")), n);
		add(by_calibre, json_string_value(json_object_get(names, key)), n);
	}
	json_decref(rows);
	json_decref(names);
	sort_keys(&by_context);
	sort_keys(&by_calibre);
	*out = json_pack("{s:I, s:I, s:o, s:o}", "rounds", rounds, "lines", lines, "by_context", by_context,
	                 "by_calibre", by_calibre);
	return rc ? rc : *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

/* IAFQ-ready counts of the parts recovered in the scope: {recovered,
 * by_context: {context: n}, by_type: {part type: n}}. */
static int parts_counts(wam_db *db, const wam_sdg_scope *scope, json_t **out)
{
	json_t *rows = NULL, *row, *by_context = json_object(), *by_type = json_object();
	json_int_t recovered = 0;
	size_t i;
	int rc = run(db, &rows, "SELECT context, part_type, count(*) AS n FROM (" PARTS_SELECT ") GROUP BY 1, 2", scope,
	             NULL);
	json_array_foreach(rows, i, row)
	{
		json_int_t n = json_integer_value(json_object_get(row, "n"));
		recovered += n;
		add(by_context, json_string_value(json_object_get(row, "context")), n);
		add(by_type, json_string_value(json_object_get(row, "part_type")), n);
	}
	json_decref(rows);
	sort_keys(&by_context);
	sort_keys(&by_type);
	*out = json_pack("{s:I, s:o, s:o}", "recovered", recovered, "by_context", by_context, "by_type", by_type);
	return rc ? rc : *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

int wam_trace_sdg_report(wam_db *db, json_t **out, const wam_sdg_scope *scope)
{
	json_t *groups, *g;
	size_t i;
	*out = NULL;
	int rc = confine_scope(db, scope);
	if (rc)
		return rc;
	rc = run(db, &groups,
	         "SELECT recovery_type, weapon_type, context, identified, initiated, traced_ok, otherwise, result,"
	         " manufacture, person_sex, person_age_band, count(*) AS n FROM units"
	         " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
	         scope, NULL);
	if (rc)
		return rc;
	json_t *counts = json_object(), *by_type = json_object(), *by_result = json_object(),
	       *by_context = json_object(), *by_manufacture = json_object(), *by_sex = json_object(),
	       *by_age_band = json_object();
	for (const char *const *k = wam_person_sexes; *k; k++)
		json_object_set_new(by_sex, *k, json_pack("{s:i, s:i}", "recovered", 0, "numerator", 0));
	for (const char *const *k = wam_person_age_bands; *k; k++)
		json_object_set_new(by_age_band, *k, json_pack("{s:i, s:i}", "recovered", 0, "numerator", 0));
	for (const char *const *k = manufactures(); *k; k++)
		json_object_set_new(by_manufacture, *k, json_pack("{s:i, s:i}", "recovered", 0, "numerator", 0));
	for (const char *const *k = count_keys; *k; k++)
		add(counts, *k, 0);
	for (const char *const *k = weapon_types; *k; k++)
		json_object_set_new(by_type, *k, json_pack("{s:i, s:i}", "recovered", 0, "numerator", 0));
	for (const char *const *k = results; *k; k++)
		add(by_result, *k, 0);
	json_int_t numerator = 0;
	json_array_foreach(groups, i, g)
	{
		json_int_t n = json_integer_value(json_object_get(g, "n"));
		bool counted = flag(g, "traced_ok") || flag(g, "otherwise");
		add(counts, "recovered", n);
		add(counts, json_string_value(json_object_get(g, "recovery_type")), n);
		add(counts, "identified", flag(g, "identified") ? n : 0);
		add(counts, "trace_initiated", flag(g, "initiated") ? n : 0);
		add(counts, "traced_successfully", flag(g, "traced_ok") ? n : 0);
		add(counts, "established_otherwise", flag(g, "otherwise") ? n : 0);
		numerator += counted ? n : 0;
		json_t *t = json_object_get(by_type, json_string_value(json_object_get(g, "weapon_type")));
		add(t, "recovered", n);
		add(t, "numerator", counted ? n : 0);
		add(by_result, json_string_value(json_object_get(g, "result")), n);
		add(by_context, json_string_value(json_object_get(g, "context")), n);
		json_t *m = json_object_get(by_manufacture, json_string_value(json_object_get(g, "manufacture")));
		if (!m) /* a word this report does not know yet: counted, not lost */
			m = json_object_get(by_manufacture, "unknown");
		add(m, "recovered", n);
		add(m, "numerator", counted ? n : 0);
		/* the person of the weapon's recovery, as recorded: a word this
		 * report does not know counts as not recorded, never lost */
		json_t *sx = json_object_get(by_sex, json_string_value(json_object_get(g, "person_sex")));
		if (!sx)
			sx = json_object_get(by_sex, "not_recorded");
		add(sx, "recovered", n);
		add(sx, "numerator", counted ? n : 0);
		json_t *ag = json_object_get(by_age_band, json_string_value(json_object_get(g, "person_age_band")));
		if (!ag)
			ag = json_object_get(by_age_band, "not_recorded");
		add(ag, "recovered", n);
		add(ag, "numerator", counted ? n : 0);
	}
	json_decref(groups);
	sort_keys(&by_context);
	json_t *ammunition = NULL, *parts = NULL;
	if ((rc = ammunition_counts(db, scope, &ammunition)) || (rc = parts_counts(db, scope, &parts))) {
		json_decref(counts);
		json_decref(by_type);
		json_decref(by_result);
		json_decref(by_context);
		json_decref(by_manufacture);
		json_decref(by_sex);
		json_decref(by_age_band);
		json_decref(ammunition);
		return rc;
	}
	json_int_t den = json_integer_value(json_object_get(counts, "recovered"));
	json_t *value = den ? json_real(round(10000.0 * (double)numerator / (double)den) / 100.0) : json_null();
	*out =
	    json_pack("{s:i, s:o, s:{s:o, s:I, s:I}, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "year", scope->year,
	              "site_id", scope->site_id ? json_string(scope->site_id) : json_null(), "indicator", "value",
	              value, "numerator", numerator, "denominator", den, "counts", counts, "by_type", by_type,
	              "by_result", by_result, "by_context", by_context, "by_manufacture", by_manufacture, "by_sex",
	              by_sex, "by_age_band", by_age_band, "ammunition", ammunition, "parts", parts);
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

/* ---- the records behind a figure ---- */

#define RECORDS_SELECT                                                                                                 \
	"SELECT item_id, recovery_id, recovery_type, date, serial, make, model, category, marking_status, traced,"     \
	" result, origin_method AS origin, request_id, restricted, manufacture, person_sex, person_age_band"           \
	" FROM units WHERE "
#define RECORDS_ORDER " ORDER BY date, recovery_id, item_id"

/* R11 on the records of a figure: without WAM_TRACE_CONFIDENTIAL, a record
 * whose result is a restricted or confidential response's point of
 * diversion shows it as null, withheld. A by_result figure says that result
 * by listing the weapon at all, so there the whole record is withheld (every
 * field null, listed last): the figure keeps its count, as the report's
 * counts do, and names no weapon. */
static void withhold(json_t **rows, unsigned flags, bool by_result)
{
	json_t *kept = json_array(), *hidden = json_array(), *row;
	size_t i;
	json_array_foreach(*rows, i, row)
	{
		bool withheld = json_is_string(json_object_get(row, "restricted")) && !(flags & WAM_TRACE_CONFIDENTIAL);
		if (withheld && by_result) {
			const char *k;
			json_t *v;
			json_object_foreach(row, k, v) json_object_set_new(row, k, json_null());
		} else if (withheld) {
			json_object_set_new(row, "result", json_null());
		}
		json_object_set_new(row, "withheld", json_boolean(withheld));
		json_array_append(withheld && by_result ? hidden : kept, row);
	}
	json_array_extend(kept, hidden);
	json_decref(hidden);
	json_decref(*rows);
	*rows = kept;
}

/* A context of a recovery, or "unknown". */
static bool known_context(const char *c)
{
	return !strcmp(c, "unknown") || in_list(wam_collection_recovery_contexts, c);
}

/* The ammunition lines behind an `ammunition.` figure: rounds, lines,
 * by_context.<context>, by_calibre.<calibre> (any spelling of it). */
static int ammunition_records(wam_db *db, json_t **out, const wam_sdg_scope *scope, const char *figure)
{
	const char *what = figure + strlen("ammunition.");
	char words[256], want[256] = "";
	const char *context = NULL;
	bool calibre = false;
	if (!strncmp(what, "by_context.", 11)) {
		context = what + 11;
		if (!known_context(context))
			return wam_error_set(
			    WAM_EINVAL, "figure",
			    "figure '%.60s': ammunition.by_context.<context> takes a context of %s or unknown", figure,
			    joined(words, sizeof words, wam_collection_recovery_contexts));
	} else if (!strncmp(what, "by_calibre.", 11) && what[11]) {
		calibre = true;
		calibre_group(want, sizeof want, what + 11);
	} else if (strcmp(what, "rounds") != 0 && strcmp(what, "lines") != 0) {
		return wam_error_set(WAM_EINVAL, "figure",
		                     "figure '%.60s': ammunition. takes rounds, lines, by_context.<context> or"
		                     " by_calibre.<calibre>",
		                     figure);
	}
	json_t *rows = NULL;
	int rc = 0;
	if (wam_table_exists(db, "recovery_ammunition"))
		rc = run(db, &rows,
		         "SELECT * FROM (" AMMUNITION_LINES ") WHERE ?3 IS NULL OR context=?3"
		         " ORDER BY date, recovery_id, line",
		         scope, context);
	else
		rc = check_scope(db, scope, (char[11]){0}, (char[11]){0});
	if (rc)
		return rc;
	if (!rows)
		rows = json_array();
	if (calibre) { /* calibres agree by their key, whatever the spelling */
		json_t *kept = json_array(), *row;
		size_t i;
		json_array_foreach(rows, i, row)
		{
			char key[256];
			calibre_group(key, sizeof key, json_string_value(json_object_get(row, "calibre")));
			if (!strcmp(key, want))
				json_array_append(kept, row);
		}
		json_decref(rows);
		rows = kept;
	}
	*out = rows;
	return 0;
}

/* The parts behind a `parts.` figure: recovered, by_context.<context>,
 * by_type.<part type>. */
static int parts_records(wam_db *db, json_t **out, const wam_sdg_scope *scope, const char *figure)
{
	const char *what = figure + strlen("parts."), *value = NULL;
	char words[512], tail[1024];
	const char *where = "1";
	if (!strncmp(what, "by_context.", 11)) {
		value = what + 11;
		where = "context=?3";
		if (!known_context(value))
			return wam_error_set(
			    WAM_EINVAL, "figure",
			    "figure '%.60s': parts.by_context.<context> takes a context of %s or unknown", figure,
			    joined(words, sizeof words, wam_collection_recovery_contexts));
	} else if (!strncmp(what, "by_type.", 8)) {
		value = what + 8;
		where = "part_type=?3";
		if (!in_list(wam_registry_part_types, value))
			return wam_error_set(WAM_EINVAL, "figure",
			                     "figure '%.60s': parts.by_type.<type> takes a part type of %s", figure,
			                     joined(words, sizeof words, wam_registry_part_types));
	} else if (strcmp(what, "recovered") != 0) {
		return wam_error_set(WAM_EINVAL, "figure",
		                     "figure '%.60s': parts. takes recovered, by_context.<context> or by_type.<type>",
		                     figure);
	}
	snprintf(tail, sizeof tail, "SELECT * FROM (" PARTS_SELECT ") WHERE %s ORDER BY date, recovery_id, item_id",
	         where);
	return run(db, out, tail, scope, value);
}

int wam_trace_sdg_report_records(wam_db *db, json_t **out, const wam_sdg_scope *scope, const char *figure,
                                 unsigned flags)
{
	static const struct {
		const char *figure, *where;
	} plain[] = {
	    {"recovered", "1"},
	    {"denominator", "1"},
	    {"indicator.denominator", "1"},
	    {"identified", "identified"},
	    {"trace_initiated", "initiated"},
	    {"traced_successfully", "traced_ok"},
	    {"established_otherwise", "otherwise"},
	    {"numerator", "counted"},
	    {"indicator.numerator", "counted"},
	};
	char where[128] = "", value[64] = "", words[256];
	bool by_result = false;
	*out = NULL;
	int rc = confine_scope(db, scope);
	if (rc)
		return rc;
	if (!figure)
		figure = "";
	if (!strncmp(figure, "ammunition.", 11))
		return ammunition_records(db, out, scope, figure);
	if (!strncmp(figure, "parts.", 6))
		return parts_records(db, out, scope, figure);
	for (size_t i = 0; i < sizeof plain / sizeof plain[0] && !where[0]; i++)
		if (!strcmp(figure, plain[i].figure))
			snprintf(where, sizeof where, "%s", plain[i].where);
	if (!where[0] && (!strcmp(figure, "seized") || !strcmp(figure, "found") || !strcmp(figure, "surrendered"))) {
		snprintf(where, sizeof where, "recovery_type=?3");
		snprintf(value, sizeof value, "%s", figure);
	}
	if (!where[0] && !strncmp(figure, "by_type.", 8)) {
		const char *t = figure + 8, *dot = strchr(t, '.');
		size_t n = dot ? (size_t)(dot - t) : strlen(t);
		if (n < sizeof value) {
			memcpy(value, t, n);
			value[n] = '\0';
		}
		if (in_list(weapon_types, value) && (!dot || !strcmp(dot, ".recovered")))
			snprintf(where, sizeof where, "weapon_type=?3");
		else if (in_list(weapon_types, value) && !strcmp(dot, ".numerator"))
			snprintf(where, sizeof where, "weapon_type=?3 AND counted");
		else
			return wam_error_set(WAM_EINVAL, "figure",
			                     "figure '%.60s': by_type.<type>[.recovered|.numerator] takes a type of %s",
			                     figure, joined(words, sizeof words, weapon_types));
	}
	if (!where[0] && !strncmp(figure, "by_manufacture.", 15)) {
		const char *t = figure + 15, *dot = strchr(t, '.');
		size_t n = dot ? (size_t)(dot - t) : strlen(t);
		if (n < sizeof value) {
			memcpy(value, t, n);
			value[n] = '\0';
		}
		if (in_list(manufactures(), value) && (!dot || !strcmp(dot, ".recovered")))
			snprintf(where, sizeof where, "manufacture=?3");
		else if (in_list(manufactures(), value) && !strcmp(dot, ".numerator"))
			snprintf(where, sizeof where, "manufacture=?3 AND counted");
		else
			return wam_error_set(
			    WAM_EINVAL, "figure",
			    "figure '%.60s': by_manufacture.<manufacture>[.recovered|.numerator] takes one of %s",
			    figure, joined(words, sizeof words, manufactures()));
	}
	static const struct {
		const char *prefix, *column, *const *words;
	} people[] = {{"by_sex.", "person_sex", wam_person_sexes},
	              {"by_age_band.", "person_age_band", wam_person_age_bands}};
	for (size_t i = 0; i < sizeof people / sizeof people[0] && !where[0]; i++) {
		size_t len = strlen(people[i].prefix);
		if (strncmp(figure, people[i].prefix, len) != 0)
			continue;
		const char *t = figure + len, *dot = strchr(t, '.');
		size_t n = dot ? (size_t)(dot - t) : strlen(t);
		if (n < sizeof value) {
			memcpy(value, t, n);
			value[n] = '\0';
		}
		if (in_list(people[i].words, value) && (!dot || !strcmp(dot, ".recovered")))
			snprintf(where, sizeof where, "%s=?3", people[i].column);
		else if (in_list(people[i].words, value) && !strcmp(dot, ".numerator"))
			snprintf(where, sizeof where, "%s=?3 AND counted", people[i].column);
		else
			return wam_error_set(WAM_EINVAL, "figure",
			                     "figure '%.60s': %s<word>[.recovered|.numerator] takes one of %s", figure,
			                     people[i].prefix, joined(words, sizeof words, people[i].words));
	}
	if (!where[0] && !strncmp(figure, "by_result.", 10)) {
		if (!in_list(results, figure + 10))
			return wam_error_set(WAM_EINVAL, "figure",
			                     "figure '%.60s': by_result.<category> takes a category of %s", figure,
			                     joined(words, sizeof words, results));
		snprintf(where, sizeof where, "result=?3");
		snprintf(value, sizeof value, "%s", figure + 10);
		by_result = true;
	}
	if (!where[0] && !strncmp(figure, "by_context.", 11)) {
		/* a recovery's contexts, and "unknown" for one that says none */
		if (strcmp(figure + 11, "unknown") != 0 && !in_list(wam_collection_recovery_contexts, figure + 11))
			return wam_error_set(WAM_EINVAL, "figure",
			                     "figure '%.60s': by_context.<context> takes a context of %s or unknown",
			                     figure, joined(words, sizeof words, wam_collection_recovery_contexts));
		snprintf(where, sizeof where, "context=?3");
		snprintf(value, sizeof value, "%s", figure + 11);
	}
	if (!where[0])
		return wam_error_set(WAM_EINVAL, "figure",
		                     "figure '%.60s' is not one of the report's: a count (recovered, seized, found,"
		                     " surrendered, identified, trace_initiated, traced_successfully,"
		                     " established_otherwise), numerator, by_type.<type>[.numerator],"
		                     " by_manufacture.<manufacture>[.numerator], by_sex.<sex>[.numerator],"
		                     " by_age_band.<band>[.numerator], by_result.<category>,"
		                     " by_context.<context>, ammunition.<figure> or parts.<figure>",
		                     figure);
	char tail[512];
	snprintf(tail, sizeof tail, RECORDS_SELECT "%s" RECORDS_ORDER, where);
	rc = run(db, out, tail, scope, value[0] ? value : NULL);
	if (!rc)
		withhold(out, flags, by_result);
	return rc;
}

/* ---- CSV ---- */

static void csv_row(FILE *out, const char *figure, const json_t *v)
{
	char num[64] = "";
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof num, "%.2f", json_real_value(v));
	else if (json_is_string(v))
		snprintf(num, sizeof num, "%.60s", json_string_value(v));
	wam_csv_put(out, figure, false);
	wam_csv_put(out, num, true);
}

int wam_trace_sdg_report_csv(const json_t *report, FILE *out)
{
	const json_t *ind = json_object_get(report, "indicator"), *v;
	const char *k;
	char figure[160];
	if (!json_is_object(report) || !json_is_object(ind))
		return wam_error_set(WAM_EINVAL, NULL, "not an SDG 16.4.2 report");
	fputs("figure,value\n", out);
	csv_row(out, "year", json_object_get(report, "year"));
	csv_row(out, "site_id", json_object_get(report, "site_id"));
	csv_row(out, "indicator.value", json_object_get(ind, "value"));
	csv_row(out, "indicator.numerator", json_object_get(ind, "numerator"));
	csv_row(out, "indicator.denominator", json_object_get(ind, "denominator"));
	for (const char *const *c = count_keys; *c; c++)
		csv_row(out, *c, json_object_get(json_object_get(report, "counts"), *c));
	json_object_foreach((json_t *)json_object_get(report, "by_type"), k, v)
	{
		snprintf(figure, sizeof figure, "by_type.%.60s.recovered", k);
		csv_row(out, figure, json_object_get(v, "recovered"));
		snprintf(figure, sizeof figure, "by_type.%.60s.numerator", k);
		csv_row(out, figure, json_object_get(v, "numerator"));
	}
	const char *groups[] = {"by_result", "by_context"};
	for (int g = 0; g < 2; g++)
		json_object_foreach((json_t *)json_object_get(report, groups[g]), k, v)
		{
			snprintf(figure, sizeof figure, "%s.%.60s", groups[g], k);
			csv_row(out, figure, v);
		}
	const char *split[] = {"by_manufacture", "by_sex", "by_age_band"};
	for (int g = 0; g < 3; g++)
		json_object_foreach((json_t *)json_object_get(report, split[g]), k, v)
		{
			snprintf(figure, sizeof figure, "%s.%.60s.recovered", split[g], k);
			csv_row(out, figure, json_object_get(v, "recovered"));
			snprintf(figure, sizeof figure, "%s.%.60s.numerator", split[g], k);
			csv_row(out, figure, json_object_get(v, "numerator"));
		}
	/* IAFQ-ready: rounds and parts recovered, by context */
	const json_t *am = json_object_get(report, "ammunition"), *pa = json_object_get(report, "parts");
	if (am) {
		csv_row(out, "ammunition.rounds", json_object_get(am, "rounds"));
		csv_row(out, "ammunition.lines", json_object_get(am, "lines"));
	}
	const char *sub[] = {"by_context", "by_calibre"};
	for (int g = 0; g < 2; g++)
		json_object_foreach((json_t *)json_object_get(am, sub[g]), k, v)
		{
			snprintf(figure, sizeof figure, "ammunition.%s.%.60s", sub[g], k);
			csv_row(out, figure, v);
		}
	if (pa)
		csv_row(out, "parts.recovered", json_object_get(pa, "recovered"));
	const char *psub[] = {"by_context", "by_type"};
	for (int g = 0; g < 2; g++)
		json_object_foreach((json_t *)json_object_get(pa, psub[g]), k, v)
		{
			snprintf(figure, sizeof figure, "parts.%s.%.60s", psub[g], k);
			csv_row(out, figure, v);
		}
	if (fflush(out) != 0 || ferror(out))
		return wam_error_set(WAM_EIO, NULL, "cannot write the report");
	return 0;
}
