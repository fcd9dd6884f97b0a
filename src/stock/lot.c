/* Ammunition lots (IATG 03.20 lotting, 01.50 hazard codes): recording,
 * receipts, issues, splits, condition changes, shelf life and storage
 * compatibility. A lot's quantity is the sum of its events; an issue that
 * would take it below zero is refused before anything is written. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/field.h"
#include "stock/stockpile.h"
#include "stock/vocabulary.h"

static const char *const hazard_divisions[] = {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", NULL};
static const char *const compat_groups[] = {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "N", "S", NULL};
static const char *const conditions[] = {"SERVICEABLE", "RESTRICTED", "SUSPENDED", "UNSERVICEABLE", "FOR_DESTRUCTION",
                                         NULL};
const char *const *const wam_stock_hazard_divisions = hazard_divisions;
const char *const *const wam_stock_compat_groups = compat_groups;
const char *const *const wam_stock_lot_conditions = conditions;

#define MAX_ROUNDS 1000000000000LL /* a trillion rounds: more is a typing error */

#define LOT_SQL                                                                                                 \
	"SELECT id, parent_id, nomenclature, calibre, type, manufacturer, headstamp, country, lot_number, "     \
	"batch_number, year, rounds, packages, hazard_division, compat_group, neq_g, "                          \
	"CASE WHEN neq_g IS NULL THEN NULL ELSE round(neq_g * rounds, 3) END AS neq_total_g, condition, expiry, " \
	"surveillance, site_id, notes, created_seq, last_seq FROM lots"

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

/* Checks `key` as a closed upper-case vocabulary: one entry of a field table. */
static int take_code(json_t *out, const json_t *in, const char *key, const char *const *vocab, const char *dflt,
                     bool required)
{
	const wam_field f[] = {{.name = key,
	                        .kind = WAM_FIELD_CODE,
	                        .flags = required ? WAM_FIELD_REQUIRED : 0,
	                        .vocab = vocab,
	                        .dflt = dflt}};
	return wam_field_take(NULL, out, in, f, key, 0);
}

static int take_grams(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const char *key = f->name;
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

static int take_site(wam_db *db, json_t *out, const json_t *in, const char *key)
{
	const char *id = json_string_value(json_object_get(in, key));
	int rc = wam_stock_site_exists(db, id, key);
	if (!rc)
		json_object_set_new(out, key, json_string(id));
	return rc;
}

static int take_site_field(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field,
                           long line)
{
	return take_site(db, out, in, f->name);
}

#define TEXT(n) {.name = n, .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT}
#define TEXT_REQUIRED(n) {.name = n, .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT}

/* A lot's fields, in the order they are checked; `year` (its upper bound
 * next year) is the one entry wam_stock_lot_add fills in. */
static const wam_field lot_fields[] = {
    TEXT_REQUIRED("nomenclature"),
    TEXT("calibre"),
    TEXT("type"),
    TEXT("manufacturer"),
    TEXT("headstamp"),
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_ANY_UNKNOWN},
    TEXT_REQUIRED("lot_number"),
    TEXT("batch_number"),
    {.name = "year", .kind = WAM_FIELD_INT, .lo = 1850},
    {.name = "rounds", .kind = WAM_FIELD_QUANTITY, .flags = WAM_FIELD_REQUIRED, .lo = 0, .hi = MAX_ROUNDS},
    {.name = "packages", .kind = WAM_FIELD_QUANTITY, .lo = 0, .hi = MAX_ROUNDS},
    {.name = "hazard_division", .kind = WAM_FIELD_CODE, .flags = WAM_FIELD_REQUIRED, .vocab = hazard_divisions},
    {.name = "compat_group", .kind = WAM_FIELD_CODE, .flags = WAM_FIELD_REQUIRED, .vocab = compat_groups},
    {.name = "neq_g", .kind = WAM_FIELD_CUSTOM, .take = take_grams},
    {.name = "condition",
     .kind = WAM_FIELD_CODE,
     .flags = WAM_FIELD_REQUIRED,
     .vocab = conditions,
     .dflt = "SERVICEABLE"},
    {.name = "expiry", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_WRITTEN, .lo = WAM_STOCK_FIRST_YEAR},
    {.name = "surveillance", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_WRITTEN, .lo = WAM_STOCK_FIRST_YEAR},
    {.name = "site_id", .kind = WAM_FIELD_CUSTOM, .take = take_site_field},
    TEXT("document"),
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

/* A quantity of rounds or packages, at least `lo`. */
static int take_count(json_t *out, const json_t *in, const char *key, long long lo, bool required)
{
	const wam_field f[] = {{.name = key,
	                        .kind = WAM_FIELD_QUANTITY,
	                        .flags = required ? WAM_FIELD_REQUIRED : 0,
	                        .lo = (double)lo,
	                        .hi = MAX_ROUNDS}};
	return wam_field_take(NULL, out, in, f, key, 0);
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

/* Sets `origin` {recovery_id, line} of lot `o` when it came from a
 * recovery's ammunition line; a registry made before lots kept their origin
 * (read as it is) has no table of them. */
static int lot_origin(wam_db *db, json_t *o, const char *id)
{
	json_t *row = NULL;
	if (!wam_table_exists(db, "lot_origins"))
		return 0;
	int rc = wam_query_row(db, &row, "SELECT recovery_id, line FROM lot_origins WHERE lot_id=?", id, NULL);
	if (!rc && row)
		json_object_set(o, "origin", row);
	json_decref(row);
	return rc;
}

int wam_stock_lot_get(wam_db *db, json_t **out, const char *id)
{
	int rc = load_lot(db, out, id);
	if (!rc && (rc = lot_origin(db, *out, id))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	if (!rc && (rc = wam_confine_hide(db, json_string_value(json_object_get(*out, "site_id")), "id",
	                                  "ammunition lot", id))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* A change of lot `id` by a principal confined to sites: the lot must be
 * one it sees, and a site the change names (`site_id`) one of its own. */
static int may_change(wam_db *db, const char *id, const json_t *in)
{
	json_t *lot = NULL;
	if (!wam_confined(db))
		return 0;
	int rc = wam_stock_lot_get(db, &lot, id);
	json_decref(lot);
	return rc ? rc : wam_confine_site(db, json_string_value(json_object_get(in, "site_id")), "site_id");
}

/* Records a lot; `origin` ({recovery_id, line}, or NULL) is where its
 * rounds came from, kept in its lot.recorded event. */
static int lot_add(wam_db *db, json_t **out, const json_t *lot, const json_t *origin)
{
	int rc;
	char id[WAM_ID_LEN + 1], today[11];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	wam_date_today(today);
	wam_field fields[sizeof lot_fields / sizeof lot_fields[0]];
	memcpy(fields, lot_fields, sizeof fields);
	for (wam_field *f = fields; f->name; f++)
		if (!strcmp(f->name, "year"))
			f->hi = (double)(strtol(today, NULL, 10) + 1);
	if ((rc = wam_confine_site(db, json_string_value(json_object_get(lot, "site_id")), "site_id")) ||
	    (rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_field_check(db, p, lot, fields, "", 0)))
		goto fail;
	if (origin)
		json_object_set(p, "origin", (json_t *)origin);
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

int wam_stock_lot_add(wam_db *db, json_t **out, const json_t *lot)
{
	return lot_add(db, out, lot, NULL);
}

int wam_stock_lot_add_origin(wam_db *db, json_t **out, const json_t *lot, const char *recovery_id, long line)
{
	if (!recovery_id || !*recovery_id || line < 0) {
		if (out)
			*out = NULL;
		return wam_error_set(WAM_EINVAL, "origin", "a lot's origin names a recovery and one of its lines");
	}
	json_t *origin = json_pack("{s:s, s:I}", "recovery_id", recovery_id, "line", (json_int_t)line);
	int rc = lot_add(db, out, lot, origin);
	json_decref(origin);
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
	    (rc = wam_take_text(p, in, "document", "document", split ? 0u : WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)))
		goto fail;
	if (receive && (rc = wam_take_text(p, in, "source", "source", 0, WAM_MAX_TEXT, 0)))
		goto fail;
	if (!receive && !split &&
	    ((rc = wam_take_text(p, in, "recipient", "recipient", WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0)) ||
	     (rc = wam_stock_screen_recipient(db, json_string_value(json_object_get(p, "recipient")), "recipient",
	                                      "ammunition"))))
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
	int rc = may_change(db, id, receipt);
	if (rc) {
		if (out)
			*out = NULL;
		return rc;
	}
	return change_quantity(db, out, id, receipt, "receive");
}

int wam_stock_lot_issue(wam_db *db, json_t **out, const char *id, const json_t *issue)
{
	int rc = may_change(db, id, issue);
	if (rc) {
		if (out)
			*out = NULL;
		return rc;
	}
	return change_quantity(db, out, id, issue, "issue");
}

int wam_stock_lot_split(wam_db *db, json_t **out, const char *id, const json_t *split)
{
	int rc = may_change(db, id, split);
	if (rc) {
		if (out)
			*out = NULL;
		return rc;
	}
	return change_quantity(db, out, id, split, "split");
}

int wam_stock_lot_condition(wam_db *db, json_t **out, const char *id, const json_t *change)
{
	static const char *const fields[] = {"condition", "reason", "document", NULL};
	int rc;
	json_t *p = json_object(), *lot = NULL;
	if (out)
		*out = NULL;
	if ((rc = may_change(db, id, change)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = load_lot(db, &lot, id)) || (rc = wam_check_fields(change, fields, "", 0)) ||
	    (rc = take_code(p, change, "condition", conditions, NULL, true)) ||
	    (rc = wam_take_text(p, change, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0)) ||
	    (rc = wam_take_text(p, change, "document", "document", 0, WAM_MAX_TEXT, 0)))
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
	wam_lot_filter mine = {0};
	const char *sites[WAM_AUTH_MAX_SITES];
	*out = NULL;
	if (wam_confined(db)) { /* only lots at the principal's sites */
		if (f && (rc = wam_confine_named(db, f->site_id, f->sites, f->nsites)))
			return rc;
		if (f)
			mine = *f;
		wam_confine_filter(db, &mine.sites, &mine.nsites, sites);
		f = &mine;
	}
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

int wam_stock_lot_list(wam_db *db, json_t **out, const wam_lot_filter *f)
{
	return query_lots(db, out, "1=1", "site_id, calibre, lot_number, id", f, NULL, 0);
}

int wam_stock_lot_expiring(wam_db *db, json_t **out, int days, const char *today, const wam_lot_filter *f)
{
	char now[11];
	*out = NULL;
	if (days < 0 || days > 36500)
		return wam_error_set(WAM_EINVAL, "days", "days %d is outside 0 to 36500", days);
	if (today && !wam_date_valid(today, WAM_STOCK_FIRST_YEAR))
		return wam_error_set(WAM_EINVAL, "today", "'%.30s' is not a date written YYYY-MM-DD", today);
	if (!today) {
		wam_date_today(now);
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
	if ((rc = wam_confine_hide(db, site_id, "id", "site", site_id)) || (rc = load_mixing(rules, 200, &nrules)))
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
	wam_principal who;
	*out = NULL;
	if ((rc = wam_stock_lot_get(db, &lot, id)))
		return rc;
	wam_confine_lift(db, &who); /* the lot is the principal's: so are its events */
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
	wam_confine_restore(db, &who);
	json_decref(lot);
	json_decref(events);
	if (rc)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}
