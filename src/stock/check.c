/* Stock checks (domain §2.6, rule R9): a check is opened with its expected
 * list fixed, fed with what is seen, and closed into a reconciliation whose
 * discrepancies are investigations an authorised officer resolves.
 *
 * Every step is an event (check.opened, check.reads, check.closed,
 * check.resolved); the projector in project_check.c keeps the tables the
 * functions here read. A feed of many reads is one event per batch of up to
 * 100,000 reads, not one per read: the reads are kept in the ledger all the
 * same, and a depot-sized feed stays well under a second. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wam/match.h"
#include "stock/check.h"
#include "stock/vocabulary.h"
#include "wam/auth.h"
#include "wam/registry.h"
#include "wam/stock.h"

#define FEED_BATCH 100000
#define MAX_CHECKERS 16

static const char *const check_fields[] = {"site_id", "subsites", "type", "checkers", "sample_size",
                                           "sample_fraction", "seed", "notes", NULL};
static const char *const types[] = {"FULL_SERIAL", "QUANTITY", "RANDOM_SAMPLE", NULL};
static const char *const methods[] = {WAM_READ_TYPED, WAM_READ_SCANNED, WAM_READ_RFID, NULL};
static const char *const outcomes[] = {"found", "written_off", "lost", "stolen", NULL};
const char *const *const wam_stock_check_types = types;
const char *const *const wam_stock_check_read_methods = methods;
const char *const *const wam_stock_check_outcomes = outcomes;

static bool listed(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

long wam_check_read_key(char *key, size_t cap, const char *raw, long *qty)
{
	*qty = -1;
	if (!strncasecmp(raw, "LOT ", 4)) {
		/* "LOT <ref> <rounds>": the ref is one word, the rounds a whole number */
		const char *p = raw + 4;
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (!n || n >= 128 || !isdigit((unsigned char)*q))
			return -1;
		char *end;
		long v = strtol(q, &end, 10);
		while (*end == ' ')
			end++;
		if (*end || v < 0 || v > 1000000000L)
			return -1;
		char ref[128], rk[WAM_CHECK_KEY_MAX];
		snprintf(ref, sizeof ref, "%.*s", (int)n, p);
		if (wam_match_serial_key(rk, sizeof rk, ref) <= 0)
			return -1;
		*qty = v;
		int len = snprintf(key, cap, "LOT:%s", rk);
		return len > 0 && (size_t)len < cap ? len : -1;
	}
	long len = wam_match_serial_key(key, cap, raw);
	return len > 0 ? len : -1;
}

/* ---- reading ---- */

#define CHECK_SQL                                                                                                   \
	"SELECT c.id, c.site_id, c.sites, c.type, c.status, c.checkers, c.seed, c.sample_size, c.population,"        \
	" c.expected, c.reads, c.distinct_reads, c.notes, c.opened_at, (SELECT actor FROM events WHERE"               \
	" seq=c.opened_seq) AS opened_by, c.closed_at, (SELECT actor FROM events WHERE seq=c.closed_seq) AS"          \
	" closed_by, c.counts FROM stock_checks c"

#define INV_SQL                                                                                                        \
	"SELECT v.id, v.check_id, c.site_id, v.kind, v.item_id, v.serial, v.lot_id, v.read, v.registered_site,"        \
	" v.expected_qty, v.counted_qty, v.status, v.outcome, v.location AS \"where\", v.reason, v.resolved_at,"       \
	" (SELECT json_extract(payload, '$.by') FROM events WHERE seq=v.resolved_seq) AS resolved_by,"                 \
	" i.make, i.model, i.calibre"                                                                                  \
	" FROM stock_investigations v"                                                                                 \
	" JOIN stock_checks c ON c.id=v.check_id LEFT JOIN items i ON i.id=v.item_id"

/* The row's JSON, with JSON text columns parsed and NULLs dropped. */
static json_t *row(sqlite3_stmt *st)
{
	json_t *o = wam_row_json(st);
	static const char *const parsed[] = {"sites", "checkers", "counts", NULL};
	for (int i = 0; parsed[i]; i++) {
		const char *s = json_string_value(json_object_get(o, parsed[i]));
		if (s)
			json_object_set_new(o, parsed[i], json_loads(s, 0, NULL));
	}
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) if (json_is_null(v)) json_object_del(o, k);
	return o;
}

static int prepare(wam_db *db, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(db->conn, sql, -1, st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "stock check");
	return 0;
}

static int load_check(wam_db *db, json_t **out, const char *id)
{
	sqlite3_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = prepare(db, &st, CHECK_SQL " WHERE c.id=?")))
		return rc;
	sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = row(st);
	else
		rc = wam_error_set(WAM_ENOTFOUND, "check", "no stock check with id '%.40s'", id ? id : "");
	sqlite3_finalize(st);
	/* a check at a site the principal is not confined to is not there */
	if (!rc && (rc = wam_confine_hide(db, json_string_value(json_object_get(*out, "site_id")), "check",
	                                  "stock check", id))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static bool is_open(const json_t *check)
{
	const char *s = json_string_value(json_object_get(check, "status"));
	return s && !strcmp(s, "open");
}

int wam_stock_check_get(wam_db *db, json_t **out, const char *check_id)
{
	int rc;
	sqlite3_stmt *st;
	if ((rc = load_check(db, out, check_id)))
		return rc;
	if (is_open(*out))
		return 0;
	if ((rc = prepare(db, &st, INV_SQL " WHERE v.check_id=? ORDER BY v.n"))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_t *rec = json_pack("{s:[], s:[], s:[], s:[]}", "missing", "unexpected", "wrong_location", "quantity");
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *d = row(st);
		json_object_set(d, "investigation_id", json_object_get(d, "id"));
		json_t *list = json_object_get(rec, json_string_value(json_object_get(d, "kind")));
		if (list)
			json_array_append(list, d);
		json_decref(d);
	}
	sqlite3_finalize(st);
	json_object_set(rec, "counts", json_object_get(*out, "counts"));
	json_object_set_new(*out, "reconciliation", rec);
	return 0;
}

/* Appends " AND <col> IN (…sites…)" bindings from ?2 on, as a JSON array. */
static char *sites_json(const char *const *sites, int nsites)
{
	json_t *a = json_array();
	for (int i = 0; i < nsites; i++)
		json_array_append_new(a, json_string(sites[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

int wam_stock_check_list(wam_db *db, json_t **out, const char *site_id, const char *const *sites, int nsites)
{
	sqlite3_stmt *st;
	int rc;
	const char *mine[WAM_AUTH_MAX_SITES];
	*out = NULL;
	wam_confine_filter(db, &sites, &nsites, mine); /* only checks at the principal's sites */
	if ((rc = prepare(db, &st,
	                  CHECK_SQL " WHERE (?1 IS NULL OR c.site_id=?1) AND (?2 IS NULL OR c.site_id IN"
	                            " (SELECT value FROM json_each(?2))) ORDER BY c.opened_seq DESC")))
		return rc;
	char *sj = nsites > 0 ? sites_json(sites, nsites) : NULL;
	wam_bind_text_or_null(st, 1, site_id);
	wam_bind_text_or_null(st, 2, sj);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, row(st));
	sqlite3_finalize(st);
	free(sj);
	*out = arr;
	return 0;
}

int wam_stock_investigation_list(wam_db *db, json_t **out, const char *check_id, bool all, const char *const *sites,
                                 int nsites)
{
	sqlite3_stmt *st;
	int rc;
	const char *mine[WAM_AUTH_MAX_SITES];
	*out = NULL;
	wam_confine_filter(db, &sites, &nsites, mine); /* only those of checks at the principal's sites */
	if ((rc = prepare(db, &st,
	                  INV_SQL " WHERE (?1 IS NULL OR v.check_id=?1) AND (?2 OR v.status='open') AND (?3 IS NULL OR"
	                          " c.site_id IN (SELECT value FROM json_each(?3))) ORDER BY v.opened_seq, v.n")))
		return rc;
	char *sj = nsites > 0 ? sites_json(sites, nsites) : NULL;
	wam_bind_text_or_null(st, 1, check_id);
	sqlite3_bind_int(st, 2, all);
	wam_bind_text_or_null(st, 3, sj);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, row(st));
	sqlite3_finalize(st);
	free(sj);
	*out = arr;
	return 0;
}

/* ---- opening ---- */

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The checkers as [{id, name}]: users named or identified, at least two
 * different ones. */
static int take_checkers(wam_db *db, json_t *p, const json_t *in)
{
	const json_t *list = json_object_get(in, "checkers"), *v;
	size_t i;
	if (!json_is_array(list))
		return wam_error_set(WAM_EINVAL, "checkers", "checkers must be a list of at least two user names or ids");
	if (json_array_size(list) > MAX_CHECKERS)
		return wam_error_set(WAM_EINVAL, "checkers", "at most %d checkers", MAX_CHECKERS);
	json_t *out = json_array();
	json_array_foreach(list, i, v)
	{
		json_t *user = NULL;
		if (!json_is_string(v)) {
			json_decref(out);
			return wam_error_set(WAM_EINVAL, "checkers", "checker %zu must be a user name or id", i + 1);
		}
		wam_principal who; /* any user may be named a checker */
		wam_confine_lift(db, &who);
		int found = wam_auth_user_get(db, &user, json_string_value(v));
		wam_confine_restore(db, &who);
		if (found) {
			json_decref(out);
			return wam_error_set(WAM_EINVAL, "checkers", "checker '%.64s' is not a user", json_string_value(v));
		}
		const char *uid = json_string_value(json_object_get(user, "id"));
		bool seen = false;
		size_t j;
		json_t *c;
		json_array_foreach(out, j, c) seen |= !strcmp(json_string_value(json_object_get(c, "id")), uid);
		if (!seen)
			json_array_append_new(out, json_pack("{s:s, s:s}", "id", uid, "name",
			                                     json_string_value(json_object_get(user, "name"))));
		json_decref(user);
	}
	if (json_array_size(out) < 2) {
		json_decref(out);
		return wam_error_set(WAM_EINVAL, "checkers",
		                     "a stock check needs at least two different checkers (the two-person rule)");
	}
	json_object_set_new(p, "checkers", out);
	return 0;
}

/* The site and, with subsites, every site under it, sorted. */
static int take_sites(wam_db *db, json_t *p, const json_t *in)
{
	const char *site = json_string_value(json_object_get(in, "site_id"));
	const json_t *sub = json_object_get(in, "subsites");
	json_t *s = NULL;
	if (!site || !*site)
		return wam_error_set(WAM_EINVAL, "site_id", "site_id is required");
	if (sub && !json_is_boolean(sub))
		return wam_error_set(WAM_EINVAL, "subsites", "subsites must be true or false");
	if (wam_registry_site_get(db, &s, site))
		return wam_error_set(WAM_EINVAL, "site_id", "site_id '%.40s' names no site", site);
	json_decref(s);
	json_object_set_new(p, "site_id", json_string(site));
	sqlite3_stmt *st;
	int rc;
	if ((rc = prepare(db, &st,
	                  "WITH RECURSIVE t(id, d) AS (SELECT ?1, 0 UNION SELECT s.id, t.d+1 FROM sites s JOIN t ON"
	                  " s.parent_id=t.id WHERE ?2 AND t.d < 64) SELECT DISTINCT id FROM t ORDER BY id")))
		return rc;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, json_is_true(sub));
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = wam_col_text(st, 0);
		/* a confined principal checks no site it is not confined to, even
		 * one under its own, as the SDG report refuses such a scope */
		if (!rc && !wam_confine_sees(db, id))
			rc = wam_error_set(WAM_EFORBIDDEN, "subsites",
			                   "the check of site '%.40s' covers site '%.40s' under it, which you are not "
			                   "confined to",
			                   site, id);
		json_array_append_new(arr, json_string(id));
	}
	sqlite3_finalize(st);
	json_object_set_new(p, "sites", arr);
	return rc;
}

/* Draws `k` of the `n` ids (sorted) with splitmix64 seeded by `seed`: a
 * partial Fisher-Yates shuffle, whose first k are then sorted. Anyone with
 * the population and the seed gets the same sample. */
static void draw_sample(char **ids, size_t n, size_t k, uint64_t seed)
{
	wam_rng rng = {.s = seed};
	for (size_t i = 0; i < k && i + 1 < n; i++) {
		size_t j = i + wam_rng_below(&rng, (uint32_t)(n - i));
		char *t = ids[i];
		ids[i] = ids[j];
		ids[j] = t;
	}
	if (k)
		qsort(ids, k, sizeof *ids, compare_ids);
}

static bool table_exists(wam_db *db, const char *name)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st, NULL))
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* The expected list: weapons in store or in service at the sites (a
 * sample of them for RANDOM_SAMPLE), lots' rounds for QUANTITY. */
static int take_expected(wam_db *db, json_t *p, const json_t *in, const char *type)
{
	int rc;
	sqlite3_stmt *st;
	char *sites = json_dumps(json_object_get(p, "sites"), JSON_COMPACT);
	if ((rc = prepare(db, &st,
	                  "SELECT id FROM items WHERE site_id IN (SELECT value FROM json_each(?1)) AND status IN"
	                  " ('in_store','in_service') ORDER BY id"))) {
		free(sites);
		return rc;
	}
	sqlite3_bind_text(st, 1, sites, -1, SQLITE_STATIC);
	size_t n = 0, cap = 1024;
	char **ids = malloc(cap * sizeof *ids);
	while (ids && sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			char **g = realloc(ids, 2 * cap * sizeof *ids);
			if (!g)
				break;
			ids = g;
			cap *= 2;
		}
		ids[n++] = strdup(wam_col_text(st, 0));
	}
	sqlite3_finalize(st);
	size_t k = n;
	if (!strcmp(type, "RANDOM_SAMPLE")) {
		const json_t *size = json_object_get(in, "sample_size"), *frac = json_object_get(in, "sample_fraction"),
			     *seed = json_object_get(in, "seed");
		if ((size != NULL) == (frac != NULL)) {
			rc = wam_error_set(WAM_EINVAL, "sample_size", "a random sample needs sample_size or sample_fraction");
			goto done;
		}
		if (size && (!json_is_integer(size) || json_integer_value(size) < 1)) {
			rc = wam_error_set(WAM_EINVAL, "sample_size", "sample_size must be a whole number of at least 1");
			goto done;
		}
		if (frac && (!json_is_number(frac) || json_number_value(frac) <= 0 || json_number_value(frac) > 1)) {
			rc = wam_error_set(WAM_EINVAL, "sample_fraction", "sample_fraction must be above 0 and at most 1");
			goto done;
		}
		if (seed && (!json_is_integer(seed) || json_integer_value(seed) < 0)) {
			rc = wam_error_set(WAM_EINVAL, "seed", "seed must be a whole number of at least 0");
			goto done;
		}
		k = size ? (size_t)json_integer_value(size) : (size_t)(json_number_value(frac) * (double)n + 0.999999);
		if (k > n)
			k = n;
		/* a seed of 53 bits survives every JSON reader */
		uint64_t s = seed ? (uint64_t)json_integer_value(seed) : (wam_now_ms() ^ ((uint64_t)rand() << 20)) &
		                                                             ((1ULL << 53) - 1);
		draw_sample(ids, n, k, s);
		json_object_set_new(p, "seed", json_integer((json_int_t)s));
		json_object_set_new(p, "sample_size", json_integer((json_int_t)k));
		json_object_set_new(p, "population", json_integer((json_int_t)n));
	} else if (json_object_get(in, "sample_size") || json_object_get(in, "sample_fraction") ||
	           json_object_get(in, "seed")) {
		rc = wam_error_set(WAM_EINVAL, "sample_size", "only a RANDOM_SAMPLE check takes a sample size or seed");
		goto done;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(arr, json_string(ids[i]));
	json_object_set_new(p, "expected", arr);
	if (!strcmp(type, "QUANTITY") && table_exists(db, "lots")) {
		if ((rc = prepare(db, &st,
		                  "SELECT id, rounds FROM lots WHERE site_id IN (SELECT value FROM json_each(?1)) ORDER BY id")))
			goto done;
		sqlite3_bind_text(st, 1, sites, -1, SQLITE_STATIC);
		json_t *lots = json_array();
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(lots, json_pack("{s:s, s:I}", "id", wam_col_text(st, 0), "rounds",
			                                      (json_int_t)sqlite3_column_int64(st, 1)));
		sqlite3_finalize(st);
		json_object_set_new(p, "lots", lots);
	}
done:
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
	free(sites);
	return rc;
}

int wam_stock_check_open(wam_db *db, json_t **out, const json_t *check)
{
	int rc;
	char id[WAM_ID_LEN + 1], type[32];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	const char *site = json_string_value(json_object_get(check, "site_id"));
	if (site && !wam_confine_sees(db, site)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "site_id", "you may not act at site %.40s", site);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	const char *k;
	json_t *v;
	if (!json_is_object(check)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a check is a JSON object");
		goto fail;
	}
	json_object_foreach((json_t *)check, k, v) if (!listed(check_fields, k))
	{
		rc = wam_error_set(WAM_EINVAL, k, "unknown field '%.40s' in a stock check", k);
		goto fail;
	}
	const char *t = json_string_value(json_object_get(check, "type"));
	snprintf(type, sizeof type, "%s", t ? t : "");
	for (char *c = type; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	if (!listed(types, type)) {
		rc = wam_error_set(WAM_EINVAL, "type", "type must be FULL_SERIAL, QUANTITY or RANDOM_SAMPLE, not '%.30s'",
		                   t ? t : "");
		goto fail;
	}
	json_object_set_new(p, "type", json_string(type));
	const json_t *notes = json_object_get(check, "notes");
	if (notes && !json_is_null(notes)) {
		if (!json_is_string(notes) || json_string_length(notes) > 2000) {
			rc = wam_error_set(WAM_EINVAL, "notes", "notes must be text of at most 2000 bytes");
			goto fail;
		}
		json_object_set(p, "notes", (json_t *)notes);
	}
	if ((rc = take_sites(db, p, check)) || (rc = take_checkers(db, p, check)) ||
	    (rc = take_expected(db, p, check, type)))
		goto fail;
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "check.opened", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_check_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

/* ---- reads ---- */

/* Appends one check.reads event for `reads` (already trimmed). */
static int append_reads(wam_db *db, const char *check_id, const char *method, json_t *reads)
{
	json_t *p = json_pack("{s:s, s:O}", "method", method, "reads", reads);
	int rc = wam_ledger_append(db, "check.reads", check_id, p, NULL);
	json_decref(p);
	return rc;
}

/* Copies `s` without surrounding white space into `out`; its length. */
static size_t trim(char *out, size_t cap, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	return len;
}

typedef struct feeder {
	wam_db *db;
	const char *check_id;
	const char *method;
	bool quantity;
	json_t *batch;
	long total, line;
	char key[WAM_CHECK_KEY_MAX];
} feeder;

/* Checks one read and adds it to the batch; 0 for a blank one skipped. */
static int feed_one(feeder *f, const char *s, size_t len)
{
	char r[WAM_CHECK_READ_MAX + 2];
	long qty;
	f->line++;
	if (len > WAM_CHECK_READ_MAX + 64)
		return wam_error_set(WAM_EINVAL, "reads", "read %ld is longer than %d bytes", f->line, WAM_CHECK_READ_MAX);
	size_t n = trim(r, sizeof r, s, len);
	if (!n)
		return 0;
	if (n > WAM_CHECK_READ_MAX)
		return wam_error_set(WAM_EINVAL, "reads", "read %ld is longer than %d bytes", f->line, WAM_CHECK_READ_MAX);
	if (wam_check_read_key(f->key, sizeof f->key, r, &qty) < 0)
		return wam_error_set(WAM_EINVAL, "reads", "read %ld ('%.40s') is no weapon id, serial or lot count", f->line,
		                     r);
	if (qty >= 0 && !f->quantity)
		return wam_error_set(WAM_EINVAL, "reads", "read %ld counts a lot, and only a QUANTITY check counts lots",
		                     f->line);
	json_array_append_new(f->batch, json_stringn(r, n));
	f->total++;
	if (json_array_size(f->batch) >= FEED_BATCH) {
		int rc = append_reads(f->db, f->check_id, f->method, f->batch);
		json_array_clear(f->batch);
		return rc;
	}
	return 0;
}

static int feed_start(wam_db *db, feeder *f, json_t **check, const char *check_id, const char *method)
{
	int rc;
	memset(f, 0, sizeof *f);
	if (!listed(methods, method ? method : WAM_READ_TYPED))
		return wam_error_set(WAM_EINVAL, "method", "method must be typed, scanned or rfid, not '%.20s'", method);
	if ((rc = load_check(db, check, check_id)))
		return rc;
	if (!is_open(*check))
		return wam_error_set(WAM_ECONFLICT, "check", "check %s is closed: it takes no more reads", check_id);
	f->db = db;
	f->check_id = check_id;
	f->method = method ? method : WAM_READ_TYPED;
	f->quantity = !strcmp(json_string_value(json_object_get(*check, "type")), "QUANTITY");
	f->batch = json_array();
	return 0;
}

/* Ends a feed: the last batch, the commit, and {reads, new, duplicates}. */
static int feed_finish(feeder *f, json_t **out, json_t *check)
{
	int rc = 0;
	if (!f->total)
		return wam_error_set(WAM_EINVAL, "reads", "no reads given");
	if (json_array_size(f->batch) && (rc = append_reads(f->db, f->check_id, f->method, f->batch)))
		return rc;
	json_t *after = NULL;
	if ((rc = load_check(f->db, &after, f->check_id)))
		return rc;
	json_int_t fresh = json_integer_value(json_object_get(after, "distinct_reads")) -
	                   json_integer_value(json_object_get(check, "distinct_reads"));
	json_decref(after);
	if ((rc = wam_db_commit(f->db)))
		return rc;
	if (out)
		*out = json_pack("{s:s, s:I, s:I, s:I}", "check_id", f->check_id, "reads", (json_int_t)f->total, "new",
		                 fresh, "duplicates", (json_int_t)f->total - fresh);
	return 0;
}

int wam_stock_check_see(wam_db *db, json_t **out, const char *check_id, const char *method,
                        const char *const *reads, size_t nreads)
{
	int rc;
	feeder f = {0};
	json_t *check = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = feed_start(db, &f, &check, check_id, method)))
		goto fail;
	for (size_t i = 0; i < nreads; i++)
		if (reads[i] && (rc = feed_one(&f, reads[i], strlen(reads[i]))))
			goto fail;
	if ((rc = feed_finish(&f, out, check)))
		goto fail;
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(f.batch);
	json_decref(check);
	return rc;
}

int wam_stock_check_feed(wam_db *db, json_t **out, const char *check_id, const char *method, FILE *in)
{
	int rc;
	feeder f = {0};
	json_t *check = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = feed_start(db, &f, &check, check_id, method)))
		goto fail;
	while ((len = getline(&line, &cap, in)) >= 0)
		if ((rc = feed_one(&f, line, (size_t)len)))
			goto fail;
	if (ferror(in)) {
		rc = wam_error_set(WAM_EIO, "reads", "the reads could not be read");
		goto fail;
	}
	if ((rc = feed_finish(&f, out, check)))
		goto fail;
	goto done;
fail:
	wam_db_rollback(db);
done:
	free(line);
	json_decref(f.batch);
	json_decref(check);
	return rc;
}

/* ---- closing: the reconciliation ---- */

typedef struct seen_set {
	char (*ids)[WAM_ID_LEN + 1];
	size_t n, cap;
} seen_set;

static int seen_add(seen_set *s, const char *id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		void *g = realloc(s->ids, cap * sizeof *s->ids);
		if (!g)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		s->ids = g;
		s->cap = cap;
	}
	snprintf(s->ids[s->n++], WAM_ID_LEN + 1, "%s", id);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static json_t *discrepancy(wam_db *db, const char *kind)
{
	char id[WAM_ID_LEN + 1];
	wam_db_new_id(db, id);
	return json_pack("{s:s, s:s}", "id", id, "kind", kind);
}

static void set_text(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

/* Matches every weapon read: a weapon id first, else the serial key, the
 * expected weapon first among several sharing it, then one at the check's
 * sites. Known weapons not expected are at the wrong location (registered
 * at another site) or unexpected (at no site, or at this one but not
 * expected: registered after the check opened, or not in store or in
 * service); in a sample, weapons of the population not drawn are neither.
 * An unknown read is unexpected. */
static int reconcile_weapons(wam_db *db, const char *check_id, const json_t *sites, bool sample, json_t *missing,
                             json_t *wrong, json_t *unexpected, json_int_t *seen_n)
{
	int rc;
	sqlite3_stmt *st = NULL, *one = NULL;
	seen_set seen = {0};
	json_t *gone = json_array();
	/* one pass over the reads in key order; a weapon's record is read only
	 * when it was not expected, and the check's sites (few) are compared
	 * here rather than by the statement for every read */
	if ((rc = prepare(db, &one, "SELECT serial, site_id, status IN ('in_store','in_service') FROM items WHERE id=?")) ||
	    (rc = prepare(
		     db, &st,
		     "SELECT m.raw, m.item_id, EXISTS(SELECT 1 FROM stock_check_expected e WHERE e.check_id=?1 AND"
		     " e.ref=m.item_id) FROM (SELECT r.key, r.raw, coalesce(CASE WHEN length(r.key)=26 THEN (SELECT i.id"
		     " FROM items i WHERE i.id=r.key) END, (SELECT i.id FROM items i WHERE i.serial_key=r.key ORDER BY"
		     " EXISTS(SELECT 1 FROM stock_check_expected e WHERE e.check_id=?1 AND e.ref=i.id) DESC, i.id LIMIT 1))"
		     " AS item_id FROM stock_check_reads r WHERE r.check_id=?1 AND r.qty IS NULL) m")))
		goto done;
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *raw = wam_col_text(st, 0), *item = (const char *)sqlite3_column_text(st, 1);
		if (item && !sqlite3_column_int(st, 2) && wam_confined(db)) {
			/* a confined principal's read of a weapon at a site not its
			 * own is a read of nothing: it names neither weapon nor site */
			sqlite3_reset(one);
			sqlite3_bind_text(one, 1, item, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(one) == SQLITE_ROW && !wam_confine_sees(db, wam_col_text(one, 1)))
				item = NULL;
		}
		if (!item) {
			json_t *d = discrepancy(db, "unexpected");
			set_text(d, "read", raw);
			json_array_append_new(unexpected, d);
			continue;
		}
		if ((rc = seen_add(&seen, item)))
			goto done;
		if (sqlite3_column_int(st, 2))
			continue; /* expected, and seen */
		sqlite3_reset(one);
		sqlite3_bind_text(one, 1, item, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(one) != SQLITE_ROW)
			continue;
		const char *site = wam_col_text(one, 1);
		bool here = false, held = sqlite3_column_int(one, 2);
		size_t k;
		json_t *v;
		json_array_foreach(sites, k, v) here |= !strcmp(json_string_value(v), site);
		if (here && sample && held)
			continue; /* in the population, not drawn */
		json_t *d = discrepancy(db, *site && !here ? "wrong_location" : "unexpected");
		set_text(d, "item_id", item);
		set_text(d, "serial", wam_col_text(one, 0));
		set_text(d, "read", raw);
		set_text(d, "registered_site", site);
		json_array_append_new(*site && !here ? wrong : unexpected, d);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (seen.n) /* no reads: no array to sort (qsort's base may not be NULL) */
		qsort(seen.ids, seen.n, sizeof *seen.ids, cmp_id);
	*seen_n = 0;
	if ((rc = prepare(db, &st, "SELECT ref FROM stock_check_expected WHERE check_id=?1 AND kind='weapon'")))
		goto done;
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ref = wam_col_text(st, 0);
		if (seen.n && bsearch(ref, seen.ids, seen.n, sizeof *seen.ids, cmp_id))
			++*seen_n;
		else
			json_array_append_new(gone, json_string(ref));
	}
	sqlite3_finalize(st);
	st = NULL;
	/* the missing ones, by serial */
	char *list = json_dumps(gone, JSON_COMPACT);
	if ((rc = prepare(db, &st,
	                  "SELECT g.value, i.serial, i.site_id FROM json_each(?1) g LEFT JOIN items i ON i.id=g.value"
	                  " ORDER BY i.serial, g.value"))) {
		free(list);
		goto done;
	}
	sqlite3_bind_text(st, 1, list ? list : "[]", -1, SQLITE_TRANSIENT);
	free(list);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *d = discrepancy(db, "missing");
		set_text(d, "item_id", wam_col_text(st, 0));
		set_text(d, "serial", wam_col_text(st, 1));
		set_text(d, "registered_site", wam_col_text(st, 2));
		json_array_append_new(missing, d);
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(one);
	json_decref(gone);
	free(seen.ids);
	return rc;
}

/* Lots: each expected lot's rounds against the last count of it, by lot
 * id or lot number under the same key rule as reads (none counted: 0); a
 * count of a lot not expected is unexpected. */
static int reconcile_lots(wam_db *db, const char *check_id, json_t *quantity, json_t *unexpected)
{
	int rc;
	sqlite3_stmt *st;
	json_t *counts = json_array(); /* [{key, raw, qty, used}] in the order taken */
	char key[WAM_CHECK_KEY_MAX + 8], rk[WAM_CHECK_KEY_MAX];
	if ((rc = prepare(db, &st,
	                  "SELECT key, raw, qty FROM stock_check_reads WHERE check_id=?1 AND qty IS NOT NULL ORDER BY seq")))
		goto done;
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(counts, json_pack("{s:s, s:s, s:I, s:b}", "key", wam_col_text(st, 0), "raw",
		                                        wam_col_text(st, 1), "qty", (json_int_t)sqlite3_column_int64(st, 2),
		                                        "used", 0));
	sqlite3_finalize(st);
	if ((rc = prepare(db, &st,
	                  "SELECT e.ref, e.qty, coalesce(l.lot_number, '') FROM stock_check_expected e LEFT JOIN lots l ON"
	                  " l.id=e.ref WHERE e.check_id=?1 AND e.kind='lot' ORDER BY e.ref")))
		goto done;
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *names[2] = {wam_col_text(st, 0), wam_col_text(st, 2)};
		int64_t want = sqlite3_column_int64(st, 1), got = 0;
		size_t i;
		json_t *c;
		for (int n = 0; n < 2; n++) {
			if (!*names[n] || wam_match_serial_key(rk, sizeof rk, names[n]) <= 0)
				continue;
			snprintf(key, sizeof key, "LOT:%s", rk);
			json_array_foreach(counts, i, c) if (!strcmp(json_string_value(json_object_get(c, "key")), key))
			{
				got = json_integer_value(json_object_get(c, "qty")); /* the last count stands */
				json_object_set_new(c, "used", json_true());
			}
		}
		if (want == got)
			continue;
		json_t *d = discrepancy(db, "quantity");
		set_text(d, "lot_id", names[0]);
		json_object_set_new(d, "expected_qty", json_integer(want));
		json_object_set_new(d, "counted_qty", json_integer(got));
		json_array_append_new(quantity, d);
	}
	sqlite3_finalize(st);
	size_t i;
	json_t *c;
	json_array_foreach(counts, i, c) if (!json_is_true(json_object_get(c, "used")))
	{
		json_t *d = discrepancy(db, "unexpected");
		set_text(d, "read", json_string_value(json_object_get(c, "raw")));
		json_object_set(d, "counted_qty", json_object_get(c, "qty"));
		json_array_append_new(unexpected, d);
	}
done:
	json_decref(counts);
	return rc;
}

int wam_stock_check_close(wam_db *db, json_t **out, const char *check_id)
{
	int rc;
	json_t *check = NULL, *p = NULL;
	json_t *missing = json_array(), *wrong = json_array(), *unexpected = json_array(), *quantity = json_array();
	json_int_t seen = 0;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = load_check(db, &check, check_id)))
		goto fail;
	if (!is_open(check)) {
		rc = wam_error_set(WAM_ECONFLICT, "check", "check %s is already closed", check_id);
		goto fail;
	}
	const char *type = json_string_value(json_object_get(check, "type"));
	if ((rc = reconcile_weapons(db, check_id, json_object_get(check, "sites"), !strcmp(type, "RANDOM_SAMPLE"), missing, wrong, unexpected, &seen)))
		goto fail;
	if (!strcmp(type, "QUANTITY") && table_exists(db, "lots") &&
	    (rc = reconcile_lots(db, check_id, quantity, unexpected)))
		goto fail;
	json_t *all = json_array();
	json_array_extend(all, missing);
	json_array_extend(all, wrong);
	json_array_extend(all, unexpected);
	json_array_extend(all, quantity);
	p = json_pack("{s:o, s:{s:O, s:I, s:O, s:I, s:I, s:I, s:I}}", "discrepancies", all, "counts", "expected",
	              json_object_get(check, "expected"), "seen_expected", seen, "distinct_reads",
	              json_object_get(check, "distinct_reads"), "missing", (json_int_t)json_array_size(missing),
	              "wrong_location", (json_int_t)json_array_size(wrong), "unexpected",
	              (json_int_t)json_array_size(unexpected), "quantity", (json_int_t)json_array_size(quantity));
	if ((rc = wam_ledger_append(db, "check.closed", check_id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_stock_check_get(db, out, check_id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(check);
	json_decref(p);
	json_decref(missing);
	json_decref(wrong);
	json_decref(unexpected);
	json_decref(quantity);
	return rc;
}

/* ---- investigations ---- */

int wam_stock_investigation_resolve(wam_db *db, json_t **out, const char *investigation_id,
                                    const json_t *resolution, const wam_principal *by)
{
	int rc;
	json_t *inv = NULL, *check = NULL, *p = json_object();
	sqlite3_stmt *st = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = prepare(db, &st, INV_SQL " WHERE v.id=?")))
		goto fail;
	sqlite3_bind_text(st, 1, investigation_id ? investigation_id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		inv = row(st);
	sqlite3_finalize(st);
	if (!inv) {
		rc = wam_error_set(WAM_ENOTFOUND, "investigation", "no investigation with id '%.40s'",
		                   investigation_id ? investigation_id : "");
		goto fail;
	}
	if ((rc = wam_confine_hide(db, json_string_value(json_object_get(inv, "site_id")), "investigation",
	                           "investigation", investigation_id)))
		goto fail;
	/* nor one about a weapon registered, or kept now, at a site not the
	 * principal's (a read its check made before confinement hid it) */
	const char *item_id = json_string_value(json_object_get(inv, "item_id")),
	           *registered = json_string_value(json_object_get(inv, "registered_site"));
	if (registered && *registered &&
	    (rc = wam_confine_hide(db, registered, "investigation", "investigation", investigation_id)))
		goto fail;
	if (item_id && wam_confined(db)) {
		if ((rc = prepare(db, &st, "SELECT site_id FROM items WHERE id=?")))
			goto fail;
		sqlite3_bind_text(st, 1, item_id, -1, SQLITE_STATIC);
		bool mine = sqlite3_step(st) != SQLITE_ROW || wam_confine_sees(db, wam_col_text(st, 0));
		sqlite3_finalize(st);
		st = NULL;
		if (!mine && (rc = wam_confine_hide(db, NULL, "investigation", "investigation", investigation_id)))
			goto fail;
	}
	if (strcmp(json_string_value(json_object_get(inv, "status")), "open")) {
		rc = wam_error_set(WAM_ECONFLICT, "investigation", "investigation %s is already resolved", investigation_id);
		goto fail;
	}
	const char *check_id = json_string_value(json_object_get(inv, "check_id"));
	if ((rc = load_check(db, &check, check_id)))
		goto fail;
	/* who resolves: an officer whose role allows it, who did not run the
	 * check (rule R9: a discrepancy is not cleared by those it concerns) */
	if (!by || !wam_auth_allows(by->role, WAM_ACT_RESOLVE)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "by", "the role %s may not resolve stock-check discrepancies",
		                   by ? by->role : "(none)");
		goto fail;
	}
	if (!wam_db_principal_sees_site(by, json_string_value(json_object_get(check, "site_id")))) {
		rc = wam_error_set(WAM_EFORBIDDEN, "by", "%s may not act at the check's site", by->name);
		goto fail;
	}
	char actor[128];
	wam_auth_principal_actor(by, actor, sizeof actor);
	/* the resolver is who is authenticated: the event records them */
	if (strcmp(actor, db->actor) != 0) {
		rc = wam_error_set(WAM_EFORBIDDEN, "by",
		                   "the resolution must be recorded as %s, who resolves, not as %s", actor, db->actor);
		goto fail;
	}
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(check, "checkers"), i, c)
	{
		char checker[128];
		snprintf(checker, sizeof checker, "user:%s", json_string_value(json_object_get(c, "name")));
		if (!strcmp(json_string_value(json_object_get(c, "id")), by->id) ||
		    wam_auth_same_person_db(db, checker, actor)) {
			rc = wam_error_set(WAM_EFORBIDDEN, "by", "%s was a checker of check %s and may not resolve its discrepancies",
			                   by->name, check_id);
			goto fail;
		}
	}
	const char *opener = json_string_value(json_object_get(check, "opened_by"));
	if (opener && wam_auth_same_person_db(db, opener, actor)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "by", "%s opened check %s and may not resolve its discrepancies", by->name,
		                   check_id);
		goto fail;
	}
	const char *k;
	json_t *v;
	if (!json_is_object(resolution)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a resolution is a JSON object");
		goto fail;
	}
	json_object_foreach((json_t *)resolution, k, v) if (strcmp(k, "outcome") && strcmp(k, "where") &&
	                                                     strcmp(k, "reason"))
	{
		rc = wam_error_set(WAM_EINVAL, k, "unknown field '%.40s' in a resolution", k);
		goto fail;
	}
	const char *outcome = json_string_value(json_object_get(resolution, "outcome"));
	const char *where = json_string_value(json_object_get(resolution, "where"));
	const char *reason = json_string_value(json_object_get(resolution, "reason"));
	const char *item = json_string_value(json_object_get(inv, "item_id"));
	if (!listed(outcomes, outcome)) {
		rc = wam_error_set(WAM_EINVAL, "outcome", "outcome must be found, written_off, lost or stolen, not '%.20s'",
		                   outcome ? outcome : "");
		goto fail;
	}
	if (!strcmp(outcome, "found") && (!where || !*where)) {
		rc = wam_error_set(WAM_EINVAL, "where", "a weapon found needs where it was found");
		goto fail;
	}
	if (strcmp(outcome, "found") && (!reason || !*reason)) {
		rc = wam_error_set(WAM_EINVAL, "reason", "%s needs a reason", outcome);
		goto fail;
	}
	if ((where && strlen(where) > 500) || (reason && strlen(reason) > 2000)) {
		rc = wam_error_set(WAM_EINVAL, where && strlen(where) > 500 ? "where" : "reason", "too long");
		goto fail;
	}
	if (!strcmp(outcome, "lost") || !strcmp(outcome, "stolen")) {
		if (!item) {
			rc = wam_error_set(WAM_EINVAL, "outcome", "investigation %s concerns no registered weapon: it cannot be %s",
			                   investigation_id, outcome);
			goto fail;
		}
		json_t *details = json_pack("{s:s}", "reason", reason);
		rc = wam_registry_item_set_status(db, NULL, item, outcome, details);
		json_decref(details);
		if (rc)
			goto fail;
	}
	json_object_set_new(p, "check_id", json_string(check_id));
	json_object_set_new(p, "outcome", json_string(outcome));
	json_object_set_new(p, "by", json_string(actor));
	set_text(p, "item_id", item);
	set_text(p, "where", where);
	set_text(p, "reason", reason);
	if ((rc = wam_ledger_append(db, "check.resolved", investigation_id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out) {
		json_t *list = NULL;
		if (!(rc = prepare(db, &st, INV_SQL " WHERE v.id=?"))) {
			sqlite3_bind_text(st, 1, investigation_id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				*out = row(st);
			sqlite3_finalize(st);
		}
		json_decref(list);
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(inv);
	json_decref(check);
	json_decref(p);
	return rc;
}
