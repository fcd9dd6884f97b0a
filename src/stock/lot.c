/* Ammunition lots (IATG 03.20 lotting, 01.50 hazard codes): recording,
 * receipts, issues, splits, condition changes, shelf life and storage
 * compatibility. A lot's quantity is the sum of its events; an issue that
 * would take it below zero is refused before anything is written. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/rules.h"
#include "registry/validate.h"
#include "stock/stockpile.h"

static const char *const lot_fields[] = {"nomenclature", "calibre",    "type",         "manufacturer",
                                         "headstamp",    "country",    "lot_number",   "batch_number",
                                         "year",         "rounds",     "packages",     "hazard_division",
                                         "compat_group", "neq_g",      "condition",    "expiry",
                                         "surveillance", "site_id",    "document",     "notes",
                                         NULL};
static const char *const hazard_divisions[] = {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", NULL};
static const char *const compat_groups[] = {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "N", "S", NULL};
static const char *const conditions[] = {"SERVICEABLE", "RESTRICTED", "SUSPENDED", "UNSERVICEABLE", "FOR_DESTRUCTION",
                                         NULL};

#define MAX_ROUNDS 1000000000000LL /* a trillion rounds: more is a typing error */

#define LOT_SQL                                                                                                 \
	"SELECT id, parent_id, nomenclature, calibre, type, manufacturer, headstamp, country, lot_number, "     \
	"batch_number, year, rounds, packages, hazard_division, compat_group, neq_g, "                          \
	"CASE WHEN neq_g IS NULL THEN NULL ELSE round(neq_g * rounds, 3) END AS neq_total_g, condition, expiry, " \
	"surveillance, site_id, notes, created_seq, last_seq FROM lots"

void wam_stock_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

bool wam_stock_is_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

int wam_stock_site_exists(wam_db *db, const char *id, const char *field)
{
	sqlite3_stmt *st;
	if (!id || !*id)
		return wam_error_set(WAM_EINVAL, field, "%s is required", field);
	if (sqlite3_prepare_v2(db->conn, "SELECT 1 FROM sites WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "find site");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return wam_error_set(WAM_EINVAL, field, "%s '%.40s' names no site in this registry", field, id);
	return 0;
}

/* A code of a closed upper-case vocabulary (any case accepted). */
static int take_code(json_t *out, const json_t *in, const char *key, const char *const *vocab, const char *dflt,
                     bool required)
{
	const json_t *v = json_object_get(in, key);
	char code[32], list[256];
	if (wam_absent(v)) {
		if (dflt)
			json_object_set_new(out, key, json_string(dflt));
		else if (required)
			return wam_error_set(WAM_EINVAL, key, "%s is required", key);
		return 0;
	}
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	if (s && n < sizeof code) {
		for (size_t i = 0; i <= n; i++)
			code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
		for (const char *const *w = vocab; *w; w++)
			if (!strcmp(*w, code)) {
				json_object_set_new(out, key, json_string(code));
				return 0;
			}
	}
	wam_vocab_list(vocab, list, sizeof list);
	return wam_error_set(WAM_EINVAL, key, "%s '%.30s' is not one of: %s", key, s ? s : "", list);
}

static int take_date(json_t *out, const json_t *in, const char *key, bool required)
{
	const json_t *v = json_object_get(in, key);
	if (wam_absent(v))
		return required ? wam_error_set(WAM_EINVAL, key, "%s is required (YYYY-MM-DD)", key) : 0;
	if (!wam_stock_is_date(json_string_value(v)))
		return wam_error_set(WAM_EINVAL, key, "%s '%.30s' is not a date written YYYY-MM-DD",
		                     key, json_string_value(v) ? json_string_value(v) : "");
	json_object_set_new(out, key, json_string(json_string_value(v)));
	return 0;
}

static int take_count(json_t *out, const json_t *in, const char *key, long long lo, bool required)
{
	const json_t *v = json_object_get(in, key);
	long long n;
	if (wam_absent(v))
		return required ? wam_error_set(WAM_EINVAL, key, "%s is required", key) : 0;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		char *end;
		n = strtoll(json_string_value(v), &end, 10);
		if (end == json_string_value(v) || *end)
			return wam_error_set(WAM_EINVAL, key, "%s '%.30s' is not a whole number", key, json_string_value(v));
	} else {
		return wam_error_set(WAM_EINVAL, key, "%s must be a whole number", key);
	}
	if (n < lo || n > MAX_ROUNDS)
		return wam_error_set(WAM_EINVAL, key, "%s %lld is outside %lld to %lld", key, n, lo, MAX_ROUNDS);
	json_object_set_new(out, key, json_integer(n));
	return 0;
}

static int take_grams(json_t *out, const json_t *in, const char *key)
{
	const json_t *v = json_object_get(in, key);
	double x;
	if (wam_absent(v))
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
	if (!(x >= 0 && x <= 1e9))
		return wam_error_set(WAM_EINVAL, key, "%s %g is outside 0 to 1e9 grams", key, x);
	json_object_set_new(out, key, json_real(x));
	return 0;
}

static int take_country(wam_db *db, json_t *out, const json_t *in)
{
	const char *c = json_string_value(json_object_get(in, "country"));
	char code[WAM_COUNTRY_LEN + 1];
	if (wam_absent(json_object_get(in, "country")))
		return 0;
	wam_country_code(code, c);
	if (!wam_refdata_country(db, code))
		return wam_error_set(WAM_EINVAL, "country", "country '%.20s' is not a known ISO 3166 code", c ? c : "");
	json_object_set_new(out, "country", json_string(code));
	return 0;
}

static int take_site(wam_db *db, json_t *out, const json_t *in, const char *key)
{
	const char *id = json_string_value(json_object_get(in, key));
	int rc = wam_stock_site_exists(db, id, key);
	if (!rc)
		json_object_set_new(out, key, json_string(id));
	return rc;
}

/* The lot as it stands, inside the caller's transaction. */
static int load_lot(wam_db *db, json_t **out, const char *id)
{
	sqlite3_stmt *st;
	*out = NULL;
	if (sqlite3_prepare_v2(db->conn, LOT_SQL " WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "read lot");
	sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
	int rc = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = wam_row_json(st);
	else
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no ammunition lot with id '%.40s'", id ? id : "");
	sqlite3_finalize(st);
	return rc;
}

int wam_stock_get_lot(wam_db *db, json_t **out, const char *id)
{
	return load_lot(db, out, id);
}

int wam_stock_add_lot(wam_db *db, json_t **out, const json_t *lot)
{
	int rc;
	char id[WAM_ID_LEN + 1], today[11];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	wam_stock_today(today);
	long year_max = strtol(today, NULL, 10) + 1;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_check_fields(lot, lot_fields, "", 0)) ||
	    (rc = wam_take_text(p, lot, "nomenclature", "nomenclature", true, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "calibre", "calibre", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "type", "type", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "manufacturer", "manufacturer", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "headstamp", "headstamp", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = take_country(db, p, lot)) ||
	    (rc = wam_take_text(p, lot, "lot_number", "lot_number", true, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "batch_number", "batch_number", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_int(p, lot, "year", "year", 1850, year_max, false, 0)) ||
	    (rc = take_count(p, lot, "rounds", 0, true)) || (rc = take_count(p, lot, "packages", 0, false)) ||
	    (rc = take_code(p, lot, "hazard_division", hazard_divisions, NULL, true)) ||
	    (rc = take_code(p, lot, "compat_group", compat_groups, NULL, true)) || (rc = take_grams(p, lot, "neq_g")) ||
	    (rc = take_code(p, lot, "condition", conditions, "SERVICEABLE", true)) ||
	    (rc = take_date(p, lot, "expiry", false)) || (rc = take_date(p, lot, "surveillance", false)) ||
	    (rc = take_site(db, p, lot, "site_id")) ||
	    (rc = wam_take_text(p, lot, "document", "document", false, WAM_MAX_TEXT, false, 0)) ||
	    (rc = wam_take_text(p, lot, "notes", "notes", false, WAM_MAX_NOTES, true, 0)))
		goto fail;
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "lot.recorded", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = load_lot(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Receipts, issues and splits: one checked quantity change of lot `id`.
 * `kind` is "receive", "issue" or "split". */
static int change_quantity(wam_db *db, json_t **out, const char *id, const json_t *in, const char *kind)
{
	static const char *const receipt_fields[] = {"rounds", "packages", "document", "source", NULL};
	static const char *const issue_fields[] = {"rounds", "packages", "recipient", "document", NULL};
	static const char *const split_fields[] = {"rounds", "packages", "site_id", "document", NULL};
	bool receive = !strcmp(kind, "receive"), split = !strcmp(kind, "split");
	int rc;
	json_t *p = json_object(), *lot = NULL;
	char new_id[WAM_ID_LEN + 1] = "";
	if (out)
		*out = NULL;
	if (!in || !json_is_object(in)) {
		json_decref(p);
		return wam_error_set(WAM_EINVAL, NULL, "the %s must be an object", kind);
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = load_lot(db, &lot, id)))
		goto fail;
	if ((rc = wam_check_fields(in, receive ? receipt_fields : split ? split_fields : issue_fields, "", 0)) ||
	    (rc = take_count(p, in, "rounds", 1, true)) || (rc = take_count(p, in, "packages", 0, false)) ||
	    (rc = wam_take_text(p, in, "document", "document", !split, WAM_MAX_TEXT, false, 0)))
		goto fail;
	if (receive && (rc = wam_take_text(p, in, "source", "source", false, WAM_MAX_TEXT, false, 0)))
		goto fail;
	if (!receive && !split && (rc = wam_take_text(p, in, "recipient", "recipient", true, WAM_MAX_TEXT, false, 0)))
		goto fail;
	if (split) {
		if ((rc = take_site(db, p, in, "site_id")))
			goto fail;
		if (!strcmp(json_string_value(json_object_get(p, "site_id")),
		            json_string_value(json_object_get(lot, "site_id")))) {
			rc = wam_error_set(WAM_EINVAL, "site_id", "lot %s is already at site %s; a split goes to another site",
			                   id, json_string_value(json_object_get(p, "site_id")));
			goto fail;
		}
	}
	if (!receive) {
		json_int_t want = num(p, "rounds"), have = num(lot, "rounds");
		if (want > have) {
			rc = wam_error_set(WAM_ECONFLICT, "rounds",
			                   "lot %s holds %lld rounds; %lld cannot be taken (stock never goes below zero)",
			                   json_string_value(json_object_get(lot, "lot_number")), (long long)have,
			                   (long long)want);
			goto fail;
		}
		const json_t *pk = json_object_get(p, "packages"), *lpk = json_object_get(lot, "packages");
		json_int_t lpkn = json_is_integer(lpk) ? json_integer_value(lpk) : 0;
		if (pk && json_integer_value(pk) > lpkn) {
			rc = wam_error_set(WAM_ECONFLICT, "packages",
			                   "lot %s holds %lld packages; %lld cannot be taken (stock never goes below zero)",
			                   json_string_value(json_object_get(lot, "lot_number")), (long long)lpkn,
			                   (long long)json_integer_value(pk));
			goto fail;
		}
	}
	if (split) {
		wam_db_new_id(db, new_id);
		json_object_set_new(p, "lot_id", json_string(new_id));
	}
	const char *type = receive ? "lot.received" : split ? "lot.split" : "lot.issued";
	if ((rc = wam_ledger_append(db, type, id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = load_lot(db, out, split ? new_id : id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(lot);
	json_decref(p);
	return rc;
}

int wam_stock_lot_receive(wam_db *db, json_t **out, const char *id, const json_t *receipt)
{
	return change_quantity(db, out, id, receipt, "receive");
}

int wam_stock_lot_issue(wam_db *db, json_t **out, const char *id, const json_t *issue)
{
	return change_quantity(db, out, id, issue, "issue");
}

int wam_stock_lot_split(wam_db *db, json_t **out, const char *id, const json_t *split)
{
	return change_quantity(db, out, id, split, "split");
}

int wam_stock_lot_condition(wam_db *db, json_t **out, const char *id, const json_t *change)
{
	static const char *const fields[] = {"condition", "reason", "document", NULL};
	int rc;
	json_t *p = json_object(), *lot = NULL;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = load_lot(db, &lot, id)) || (rc = wam_check_fields(change, fields, "", 0)) ||
	    (rc = take_code(p, change, "condition", conditions, NULL, true)) ||
	    (rc = wam_take_text(p, change, "reason", "reason", true, WAM_MAX_NOTES, true, 0)) ||
	    (rc = wam_take_text(p, change, "document", "document", false, WAM_MAX_TEXT, false, 0)))
		goto fail;
	const char *from = json_string_value(json_object_get(lot, "condition"));
	const char *to = json_string_value(json_object_get(p, "condition"));
	if (!strcmp(from, to)) {
		rc = wam_error_set(WAM_ECONFLICT, "condition", "lot %s is already %s", id, to);
		goto fail;
	}
	json_object_set_new(p, "from", json_string(from));
	json_object_set_new(p, "to", json_string(to));
	json_object_del(p, "condition");
	if ((rc = wam_ledger_append(db, "lot.condition_changed", id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = load_lot(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(lot);
	json_decref(p);
	return rc;
}

/* Runs a lot query with `where` (which uses :today/:days when it needs
 * them) and the filter's conditions. */
static int query_lots(wam_db *db, json_t **out, const char *where, const char *order, const wam_lot_filter *f,
                      const char *today, int days)
{
	wam_buf sql = {0};
	int rc = 0;
	*out = NULL;
	if (f && f->nsites > 64)
		return wam_error_set(WAM_EINVAL, "sites", "at most 64 sites can be listed at once");
	if (f && f->condition) {
		json_t *in = json_pack("{s:s}", "condition", f->condition), *o = json_object();
		rc = take_code(o, in, "condition", conditions, NULL, true);
		json_decref(in);
		json_decref(o);
		if (rc)
			return rc;
	}
	wam_buf_puts(&sql, LOT_SQL " WHERE ");
	wam_buf_puts(&sql, where);
	if (f && f->site_id)
		wam_buf_puts(&sql, " AND site_id=:site");
	if (f && f->condition)
		wam_buf_puts(&sql, " AND condition=upper(:condition)");
	if (f && f->nsites > 0) {
		wam_buf_puts(&sql, " AND site_id IN (");
		for (int i = 0; i < f->nsites; i++)
			wam_buf_printf(&sql, "%s:s%d", i ? "," : "", i);
		wam_buf_puts(&sql, ")");
	}
	wam_buf_puts(&sql, " ORDER BY ");
	wam_buf_puts(&sql, order);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		wam_buf_free(&sql);
		return wam_sql_fail(db->conn, "list lots");
	}
	wam_buf_free(&sql);
#define BIND(name, val)                                                                                         \
	if (sqlite3_bind_parameter_index(st, name))                                                                 \
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), val, -1, SQLITE_STATIC)
	BIND(":today", today);
	if (f) {
		BIND(":site", f->site_id);
		BIND(":condition", f->condition);
		for (int i = 0; i < f->nsites; i++) {
			char name[16];
			snprintf(name, sizeof name, ":s%d", i);
			BIND(name, f->sites[i]);
		}
	}
#undef BIND
	if (sqlite3_bind_parameter_index(st, ":days"))
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":days"), days);
	return wam_rows_json(st, out, "list lots");
}

int wam_stock_list_lots(wam_db *db, json_t **out, const wam_lot_filter *f)
{
	return query_lots(db, out, "1=1", "site_id, calibre, lot_number, id", f, NULL, 0);
}

int wam_stock_lots_expiring(wam_db *db, json_t **out, int days, const char *today, const wam_lot_filter *f)
{
	char now[11];
	*out = NULL;
	if (days < 0 || days > 36500)
		return wam_error_set(WAM_EINVAL, "days", "days %d is outside 0 to 36500", days);
	if (today && !wam_stock_is_date(today))
		return wam_error_set(WAM_EINVAL, "today", "'%.30s' is not a date written YYYY-MM-DD", today);
	if (!today) {
		wam_stock_today(now);
		today = now;
	}
	/* an empty lot has nothing left to expire */
	return query_lots(db, out,
	                  "expiry IS NOT NULL AND rounds > 0 AND expiry <= date(:today, '+' || :days || ' days')",
	                  "expiry, lot_number, id", f, today, days);
}

/* ---- storage compatibility ---- */

typedef struct mix_rule {
	char a, b;
	char rule[16];
	char note[256];
} mix_rule;

/* Reads data/stock/compatibility.tsv: `rules` gets every listed pair. */
static int load_mixing(mix_rule *rules, int cap, int *n)
{
	char path[4096], line[512];
	snprintf(path, sizeof path, "%s/stock/compatibility.tsv", wam_data_dir());
	FILE *f = fopen(path, "r");
	*n = 0;
	if (!f)
		return wam_error_set(WAM_EIO, NULL, "cannot read the compatibility table %s", path);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		char *save = NULL, *a = strtok_r(line, "\t", &save), *b = strtok_r(NULL, "\t", &save),
		     *rule = strtok_r(NULL, "\t", &save), *note = strtok_r(NULL, "\t", &save);
		if (!a || !b || !rule || strlen(a) != 1 || strlen(b) != 1 || *n >= cap)
			continue;
		mix_rule *r = &rules[(*n)++];
		r->a = a[0];
		r->b = b[0];
		snprintf(r->rule, sizeof r->rule, "%s", rule);
		snprintf(r->note, sizeof r->note, "%s", note ? note : "");
	}
	fclose(f);
	return 0;
}

static const mix_rule *find_rule(const mix_rule *rules, int n, char a, char b)
{
	for (int i = 0; i < n; i++)
		if ((rules[i].a == a && rules[i].b == b) || (rules[i].a == b && rules[i].b == a))
			return &rules[i];
	return NULL;
}

int wam_stock_site_compatibility(wam_db *db, json_t **out, const char *site_id)
{
	mix_rule rules[200];
	int nrules, rc;
	json_t *lots = NULL;
	*out = NULL;
	if ((rc = wam_stock_site_exists(db, site_id, "site_id")))
		return rc == WAM_EINVAL ? wam_error_set(WAM_ENOTFOUND, "id", "no site with id '%.40s'", site_id) : rc;
	if ((rc = load_mixing(rules, 200, &nrules)))
		return rc;
	wam_lot_filter f = {.site_id = site_id};
	if ((rc = query_lots(db, &lots, "rounds > 0", "compat_group, lot_number, id", &f, NULL, 0)))
		return rc;
	/* the lots of each group present */
	json_t *by_group = json_object(), *groups = json_array(), *violations = json_array(), *conds = json_array();
	size_t i;
	json_t *lot;
	json_array_foreach(lots, i, lot)
	{
		const char *g = json_string_value(json_object_get(lot, "compat_group"));
		if (!g)
			continue;
		json_t *list = json_object_get(by_group, g);
		if (!list) {
			list = json_array();
			json_object_set_new(by_group, g, list);
			json_array_append_new(groups, json_string(g));
		}
		json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(lot, "id"),
		                                      "lot_number", json_object_get(lot, "lot_number"), "nomenclature",
		                                      json_object_get(lot, "nomenclature"), "compat_group",
		                                      json_object_get(lot, "compat_group")));
	}
	size_t ng = json_array_size(groups);
	for (size_t x = 0; x < ng; x++)
		for (size_t y = x; y < ng; y++) {
			char a = json_string_value(json_array_get(groups, x))[0];
			char b = json_string_value(json_array_get(groups, y))[0];
			const mix_rule *r = find_rule(rules, nrules, a, b);
			if (a == b && !r)
				continue; /* a group is compatible with itself unless a line says otherwise */
			if (r && !strcmp(r->rule, "allowed"))
				continue;
			char pair[4] = {a, '+', b, '\0'};
			json_t *both = json_array();
			json_array_extend(both, json_object_get(by_group, json_string_value(json_array_get(groups, x))));
			if (a != b)
				json_array_extend(both, json_object_get(by_group, json_string_value(json_array_get(groups, y))));
			json_t *v = json_pack("{s:s, s:s, s:s, s:o}", "groups", pair, "rule", r ? r->rule : "forbidden",
			                      "note",
			                      r ? r->note : "these groups may not be stored together (not in the mixing table)",
			                      "lots", both);
			json_array_append_new(r ? conds : violations, v);
		}
	*out = json_pack("{s:s, s:o, s:o, s:o, s:b, s:s}", "site_id", site_id, "groups", groups, "violations",
	                 violations, "conditions", conds, "compatible", json_array_size(violations) == 0, "source",
	                 "data/stock/compatibility.tsv (IATG 01.50 §7 mixing rules)");
	json_decref(by_group);
	json_decref(lots);
	return 0;
}

/* ---- a lot's history ---- */

static json_int_t pl_int(const json_t *pl, const char *key)
{
	return json_integer_value(json_object_get(pl, key));
}

static const char *pl_str(const json_t *pl, const char *key)
{
	const char *s = json_string_value(json_object_get(pl, key));
	return s ? s : "";
}

/* One event as the history shows it: what changed by how many rounds, on
 * which document. `id` is the lot whose history it is. */
static json_t *history_entry(const json_t *ev, const char *id)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const json_t *pl = json_object_get(ev, "payload");
	char summary[512];
	json_int_t change = 0;
	if (!strcmp(type, "lot.recorded")) {
		change = pl_int(pl, "rounds");
		snprintf(summary, sizeof summary, "recorded %lld rounds of lot %s at site %s", (long long)change,
		         pl_str(pl, "lot_number"), pl_str(pl, "site_id"));
	} else if (!strcmp(type, "lot.received")) {
		change = pl_int(pl, "rounds");
		snprintf(summary, sizeof summary, "received %lld rounds%s%s", (long long)change,
		         *pl_str(pl, "source") ? " from " : "", pl_str(pl, "source"));
	} else if (!strcmp(type, "lot.issued")) {
		change = -pl_int(pl, "rounds");
		snprintf(summary, sizeof summary, "issued %lld rounds to %s", (long long)-change, pl_str(pl, "recipient"));
	} else if (!strcmp(type, "lot.split") && strcmp(json_string_value(json_object_get(ev, "subject")), id)) {
		change = pl_int(pl, "rounds");
		snprintf(summary, sizeof summary, "split from lot %s: %lld rounds to site %s",
		         json_string_value(json_object_get(ev, "subject")), (long long)change, pl_str(pl, "site_id"));
	} else if (!strcmp(type, "lot.split")) {
		change = -pl_int(pl, "rounds");
		snprintf(summary, sizeof summary, "split %lld rounds off to lot %s at site %s", (long long)-change,
		         pl_str(pl, "lot_id"), pl_str(pl, "site_id"));
	} else if (!strcmp(type, "lot.condition_changed")) {
		snprintf(summary, sizeof summary, "condition %s → %s: %s", pl_str(pl, "from"), pl_str(pl, "to"),
		         pl_str(pl, "reason"));
	} else {
		snprintf(summary, sizeof summary, "%s", type);
	}
	const json_t *doc = json_object_get(pl, "document");
	return json_pack("{s:O, s:O, s:O, s:s, s:s, s:I, s:O, s:O}", "seq", json_object_get(ev, "seq"), "time",
	                 json_object_get(ev, "time"), "actor", json_object_get(ev, "actor"), "type", type, "summary",
	                 summary, "rounds_change", change, "document", doc ? doc : json_null(), "payload", pl);
}

int wam_stock_lot_history(wam_db *db, json_t **out, const char *id)
{
	int rc;
	json_t *lot = NULL, *events = NULL;
	*out = NULL;
	if ((rc = load_lot(db, &lot, id)))
		return rc;
	const char *parent = json_string_value(json_object_get(lot, "parent_id"));
	json_t *arr = json_array();
	/* a split-off lot begins with its parent's split event */
	if (parent) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db->conn,
		                       "SELECT seq FROM events WHERE subject=? AND type='lot.split' "
		                       "AND json_extract(payload, '$.lot_id')=?",
		                       -1, &st, NULL) != SQLITE_OK) {
			rc = wam_sql_fail(db->conn, "lot history");
			goto done;
		}
		sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		int64_t seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (seq) {
			json_t *one = NULL;
			if ((rc = wam_ledger_events(db, parent, seq - 1, 1, &one)))
				goto done;
			if (json_array_size(one))
				json_array_append_new(arr, history_entry(json_array_get(one, 0), id));
			json_decref(one);
		}
	}
	if ((rc = wam_ledger_events(db, id, 0, 0, &events)))
		goto done;
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev) json_array_append_new(arr, history_entry(ev, id));
done:
	json_decref(lot);
	json_decref(events);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}
