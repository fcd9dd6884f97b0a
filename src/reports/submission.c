/* Submissions of international reports (docs/reports.md): a report
 * computed and signed by this node in the command that records it, frozen
 * as it was sent; the list of them; and what a recomputation with the same
 * options would change, with the events since the submission that concern
 * the records behind the changed rows. */
#include <stdlib.h>
#include <string.h>

#include "reports/reports.h"
#include "reports/submission.h"
#include "store/field.h"
#include "wam/ledger.h"
#include "wam/trace.h"

#define SUBMISSION_SELECT                                                                                              \
	"SELECT id, report, year, options, ledger_seq, ledger_hash, reference, submitted_by, submitted_at"             \
	" FROM report_submissions"

static const char *text(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int nomem(const char *field)
{
	return wam_error_set(WAM_ENOMEM, field, "out of memory");
}

/* A row of SUBMISSION_SELECT (taken) as the list shows it. */
static json_t *submission_json(json_t *row)
{
	wam_json_column(row, "options");
	json_t *ledger = json_pack("{sO sO}", "seq", json_object_get(row, "ledger_seq"), "hash",
	                           json_object_get(row, "ledger_hash"));
	json_object_set_new(row, "ledger", ledger);
	json_object_del(row, "ledger_seq");
	json_object_del(row, "ledger_hash");
	return row;
}

/* The options a submission was made with (`options`, borrowed, outlives
 * `o`) as wam_report_make() takes them; `withhold` holds the rows. */
static int options_of(wam_report_options *o, const char *withhold[WAM_REPORT_WITHHOLD_MAX], int year,
                      const json_t *options)
{
	memset(o, 0, sizeof *o);
	o->year = year;
	o->direction = text(options, "direction");
	o->basis = text(options, "basis");
	const json_t *w = json_object_get(options, "withhold"), *v;
	size_t i;
	json_array_foreach(w, i, v)
	{
		if (i >= WAM_REPORT_WITHHOLD_MAX || !json_is_string(v))
			return wam_error_set(WAM_EINVAL, "withhold", "at most %d rows can be withheld",
			                     WAM_REPORT_WITHHOLD_MAX);
		withhold[i] = json_string_value(v);
		o->nwithhold = (int)i + 1;
	}
	o->withhold = o->nwithhold ? withhold : NULL;
	return 0;
}

/* ---- submit ---- */

static int check_submission(json_t *taken, const json_t *submission)
{
	static const char *const allowed[] = {"reference", "notes", NULL};
	if (!submission || json_is_null(submission))
		return 0;
	if (!json_is_object(submission))
		return wam_error_set(WAM_EINVAL, "submission", "a submission is an object {reference?, notes?}");
	int rc = wam_check_fields(submission, allowed, "", 0);
	if (!rc)
		rc = wam_take_text(taken, submission, "reference", "reference", 0, WAM_MAX_TEXT, 0);
	if (!rc)
		rc = wam_take_text(taken, submission, "notes", "notes", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
	return rc;
}

/* The signed document: {report, submitted_at, submitted_by, reference?,
 * notes?, node: {node_id, name?, country?, public_key}, signature}. */
static int sign_document(wam_db *db, json_t **out, json_t *report, const json_t *taken)
{
	json_t *node = NULL;
	char now[WAM_TIME_LEN + 1];
	*out = NULL;
	int rc = wam_trace_node(db, &node);
	if (rc)
		return rc;
	wam_time_iso(now, wam_now_ms());
	json_t *doc =
	    json_pack("{sO ss ss s{sO sO* sO* sO}}", "report", report, "submitted_at", now, "submitted_by", db->actor,
	              "node", "node_id", json_object_get(node, "node_id"), "name", json_object_get(node, "name"),
	              "country", json_object_get(node, "country"), "public_key", json_object_get(node, "public_key"));
	json_decref(node);
	if (!doc)
		return nomem("document");
	if (text(taken, "reference"))
		json_object_set(doc, "reference", json_object_get(taken, "reference"));
	if (text(taken, "notes"))
		json_object_set(doc, "notes", json_object_get(taken, "notes"));
	if ((rc = wam_trace_doc_sign(db, doc))) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

int wam_report_submit(wam_db *db, json_t **out, const char *kind, const wam_report_options *options,
                      const json_t *submission)
{
	json_t *taken = json_object(), *report = NULL, *doc = NULL, *payload = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = wam_confine_national(db, "reports")) || (rc = check_submission(taken, submission))) {
		json_decref(taken);
		return rc;
	}
	if ((rc = wam_db_begin(db))) {
		json_decref(taken);
		return rc;
	}
	if ((rc = wam_report_make(db, &report, kind, options)) || (rc = sign_document(db, &doc, report, taken)))
		goto fail;
	const json_t *ledger = json_object_get(report, "ledger");
	payload =
	    json_pack("{ss sO sO sO sO sO* sO* sO}", "report", kind, "year", json_object_get(report, "year"), "options",
	              json_object_get(report, "options"), "ledger_seq", json_object_get(ledger, "seq"), "ledger_hash",
	              json_object_get(ledger, "hash"), "reference", json_object_get(taken, "reference"), "notes",
	              json_object_get(taken, "notes"), "document", doc);
	if (!payload) {
		rc = nomem("submission");
		goto fail;
	}
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "report.submitted", id, payload, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_report_submission_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(taken);
	json_decref(report);
	json_decref(doc);
	json_decref(payload);
	return rc;
}

/* ---- list, get ---- */

static int check_kind(const char *kind)
{
	if (kind && !report_kind_find(kind)) {
		char list[96];
		wam_vocab_list(wam_report_kinds, list, sizeof list);
		return wam_error_set(WAM_EINVAL, "report", "report '%.40s' is not one wam makes (%s)", kind, list);
	}
	return 0;
}

int wam_report_submission_list(wam_db *db, json_t **out, const char *kind, int year)
{
	*out = NULL;
	int rc = wam_confine_national(db, "reports");
	if (!rc)
		rc = check_kind(kind);
	if (rc)
		return rc;
	if (year && (year < WAM_REPORT_YEAR_MIN || year > WAM_REPORT_YEAR_MAX))
		return wam_error_set(WAM_EINVAL, "year", "year must be a whole number from %d to %d",
		                     WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX);
	if (!wam_table_exists(db, "report_submissions")) {
		*out = json_array();
		return *out ? 0 : nomem("submissions");
	}
	char y[16] = "";
	if (year)
		snprintf(y, sizeof y, "%d", year);
	json_t *rows = NULL, *row;
	size_t i;
	if ((rc = wam_query_rows(db, &rows,
	                         SUBMISSION_SELECT " WHERE (?1 IS NULL OR report=?1)"
	                                           " AND (?2 IS NULL OR year=CAST(?2 AS INTEGER)) ORDER BY seq DESC",
	                         kind, year ? y : NULL)))
		return rc;
	json_array_foreach(rows, i, row) submission_json(row);
	*out = rows;
	return 0;
}

/* The submission `id` with its document and notes, in `*out`. */
static int submission_read(wam_db *db, json_t **out, const char *id)
{
	json_t *row = NULL;
	*out = NULL;
	if (!wam_table_exists(db, "report_submissions"))
		return wam_error_set(WAM_ENOTFOUND, "submission", "no report submission with id '%.40s'", id ? id : "");
	int rc = wam_query_row(db, &row,
	                       "SELECT id, report, year, options, ledger_seq, ledger_hash, reference, submitted_by,"
	                       " submitted_at, document FROM report_submissions WHERE id=?1",
	                       id ? id : "", NULL);
	if (rc)
		return rc;
	if (!row)
		return wam_error_set(WAM_ENOTFOUND, "submission", "no report submission with id '%.40s'", id ? id : "");
	wam_json_column(row, "document");
	submission_json(row);
	json_t *notes = json_object_get(json_object_get(row, "document"), "notes");
	if (notes)
		json_object_set(row, "notes", notes);
	*out = row;
	return 0;
}

int wam_report_submission_get(wam_db *db, json_t **out, const char *id)
{
	*out = NULL;
	int rc = wam_confine_national(db, "reports");
	return rc ? rc : submission_read(db, out, id);
}

/* ---- diff ---- */

/* The rows of `table` by key. */
static json_t *rows_by_key(const json_t *table)
{
	json_t *by = json_object(), *row;
	size_t i;
	json_array_foreach(json_object_get(table, "rows"), i, row)
	{
		const char *key = text(row, "key");
		if (key)
			json_object_set(by, key, row);
	}
	return by;
}

static const json_t *table_of(const json_t *report, const char *id)
{
	json_t *t;
	size_t i;
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		if (text(t, "id") && !strcmp(text(t, "id"), id))
			return t;
	}
	return NULL;
}

static int change(json_t *changes, const char *table, const char *key, const char *column, const char *what,
                  const json_t *submitted, const json_t *now)
{
	json_t *c = json_pack("{ss ss ss}", "table", table, "key", key, "change", what);
	if (!c)
		return nomem("changes");
	if (column)
		json_object_set_new(c, "column", json_string(column));
	json_object_set_new(c, "submitted", submitted ? json_deep_copy(submitted) : json_null());
	json_object_set_new(c, "now", now ? json_deep_copy(now) : json_null());
	return json_array_append_new(changes, c) ? nomem("changes") : 0;
}

/* The cells of the same row as submitted (`a`) and now (`b`), column by
 * column: the columns of `b` first, then those only `a` has. */
static int compare_cells(json_t *changes, const char *table, const char *key, const json_t *a, const json_t *b)
{
	const char *col;
	const json_t *v;
	int rc = 0;
	json_object_foreach((json_t *)b, col, v)
	{
		const json_t *was = json_object_get(a, col);
		if (!json_equal((json_t *)(was ? was : json_null()), (json_t *)v) &&
		    (rc = change(changes, table, key, col, "changed", was, v)))
			return rc;
	}
	json_object_foreach((json_t *)a, col, v)
	{
		if (!json_object_get(b, col) && !json_is_null(v) &&
		    (rc = change(changes, table, key, col, "changed", v, NULL)))
			return rc;
	}
	return 0;
}

static int compare_table(json_t *changes, const char *id, const json_t *was, const json_t *now)
{
	json_t *old = rows_by_key(was), *row;
	size_t i;
	int rc = 0;
	json_array_foreach(json_object_get(now, "rows"), i, row)
	{
		const char *key = text(row, "key");
		const json_t *o = key ? json_object_get(old, key) : NULL;
		const json_t *cells = json_object_get(row, "cells");
		if (!key)
			continue;
		rc = o ? compare_cells(changes, id, key, json_object_get(o, "cells"), cells)
		       : change(changes, id, key, NULL, "added", NULL, cells);
		if (rc)
			goto done;
		json_object_del(old, key);
	}
	json_array_foreach(json_object_get(was, "rows"), i, row)
	{
		const char *key = text(row, "key");
		if (key && json_object_get(old, key) &&
		    (rc = change(changes, id, key, NULL, "removed", json_object_get(row, "cells"), NULL)))
			goto done;
	}
done:
	json_decref(old);
	return rc;
}

int report_compare(const json_t *submitted, const json_t *now, json_t *changes)
{
	json_t *t, *none = json_object(); /* a table with no row */
	size_t i;
	int rc = none ? 0 : nomem("changes");
	json_array_foreach(json_object_get(now, "tables"), i, t)
	{
		const char *id = text(t, "id");
		const json_t *was = id ? table_of(submitted, id) : NULL;
		if (rc || (id && (rc = compare_table(changes, id, was ? was : none, t))))
			break;
	}
	json_array_foreach(json_object_get(submitted, "tables"), i, t)
	{
		const char *id = text(t, "id");
		if (rc || (id && !table_of(now, id) && (rc = compare_table(changes, id, t, none))))
			break;
	}
	json_decref(none);
	return rc;
}

/* The ids of the records behind the changes: each added or changed row's
 * records as the report finds them now, and the parts of every changed
 * row's key (a removed row's records are no longer behind it: its key
 * names them, "<shipment_id>:<line>"). */
static void change_ids(wam_db *db, json_t *ids, const char *kind, const wam_report_options *o, const json_t *changes)
{
	json_t *c, *done = json_object();
	size_t i;
	json_array_foreach(changes, i, c)
	{
		const char *table = text(c, "table"), *key = text(c, "key");
		char row[256], part[256];
		snprintf(row, sizeof row, "%s/%s", table, key);
		if (json_object_get(done, row))
			continue;
		json_object_set_new(done, row, json_true());
		snprintf(part, sizeof part, "%s", key);
		for (char *p = part, *colon; *p; p = colon + 1) {
			colon = strchr(p, ':');
			if (colon)
				*colon = '\0';
			if (*p)
				json_object_set_new(ids, p, json_true());
			if (!colon)
				break;
		}
		if (!strcmp(text(c, "change"), "removed"))
			continue;
		json_t *records = NULL, *r;
		size_t j;
		if (wam_report_records(db, &records, kind, o, row))
			wam_error_clear(); /* a row named by its figure only: no record behind it */
		json_array_foreach(records, j, r) report_record_ids(r, ids);
		json_decref(records);
	}
	json_decref(done);
}

/* The events after `after` whose subject is one of `ids`: {seq, type,
 * subject, time, actor}, oldest first. */
static int events_about(wam_db *db, json_t **out, int64_t after, const json_t *ids)
{
	json_t *list = json_array();
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)ids, k, v) json_array_append_new(list, json_string(k));
	char *text_ids = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (!text_ids)
		return nomem("events");
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)after);
	int rc = wam_query_rows(db, out,
	                        "SELECT seq, type, subject, time, actor FROM events WHERE seq > CAST(?1 AS INTEGER)"
	                        " AND subject IN (SELECT value FROM json_each(?2)) ORDER BY seq",
	                        seq, text_ids);
	free(text_ids);
	return rc;
}

/* The submission diff compares: `id`, or the latest of `kind` for `year`. */
static int diff_target(wam_db *db, json_t **sub, const char *kind, int year, const char *id)
{
	int rc;
	*sub = NULL;
	if (id && *id) {
		if ((rc = submission_read(db, sub, id)))
			return rc;
		if ((kind && strcmp(kind, text(*sub, "report"))) ||
		    (year && year != json_integer_value(json_object_get(*sub, "year")))) {
			rc = wam_error_set(
			    WAM_EINVAL, "submission", "submission %.40s is the %s report for %d, not the one asked for",
			    id, text(*sub, "report"), (int)json_integer_value(json_object_get(*sub, "year")));
			json_decref(*sub);
			*sub = NULL;
		}
		return rc;
	}
	if (!kind)
		return wam_error_set(WAM_EINVAL, "report", "report is required: the kind of the submission compared");
	if (year < WAM_REPORT_YEAR_MIN || year > WAM_REPORT_YEAR_MAX)
		return wam_error_set(WAM_EINVAL, "year", "year must be a whole number from %d to %d",
		                     WAM_REPORT_YEAR_MIN, WAM_REPORT_YEAR_MAX);
	json_t *list = NULL;
	if ((rc = wam_report_submission_list(db, &list, kind, year)))
		return rc;
	const char *latest = text(json_array_get(list, 0), "id");
	rc = latest ? submission_read(db, sub, latest)
	            : wam_error_set(WAM_ENOTFOUND, "submission", "no %s report for %d has been submitted", kind, year);
	json_decref(list);
	return rc;
}

static int diff_in_snapshot(wam_db *db, json_t **out, const char *kind, int year, const char *id)
{
	json_t *sub = NULL, *now = NULL, *changes = json_array(), *ids = json_object(), *events = NULL;
	const char *withhold[WAM_REPORT_WITHHOLD_MAX];
	wam_report_options o;
	int rc = check_kind(kind);
	if (!rc)
		rc = diff_target(db, &sub, kind, year, id);
	if (rc)
		goto done;
	const char *report = text(sub, "report");
	if ((rc = options_of(&o, withhold, (int)json_integer_value(json_object_get(sub, "year")),
	                     json_object_get(sub, "options"))) ||
	    (rc = wam_report_make(db, &now, report, &o)))
		goto done;
	const json_t *submitted = json_object_get(json_object_get(sub, "document"), "report");
	if ((rc = report_compare(submitted, now, changes)))
		goto done;
	change_ids(db, ids, report, &o, changes);
	const json_t *ledger = json_object_get(sub, "ledger");
	if ((rc = events_about(db, &events, json_integer_value(json_object_get(ledger, "seq")), ids)))
		goto done;
	*out = json_pack("{s{sO sO sO sO sO* sO} sO sb sO sO}", "submission", "id", json_object_get(sub, "id"),
	                 "report", json_object_get(sub, "report"), "year", json_object_get(sub, "year"), "submitted_at",
	                 json_object_get(sub, "submitted_at"), "reference", json_object_get(sub, "reference"), "ledger",
	                 ledger, "ledger", json_object_get(now, "ledger"), "changed", json_array_size(changes) > 0,
	                 "changes", changes, "events", events);
	if (!*out)
		rc = nomem("diff");
done:
	json_decref(sub);
	json_decref(now);
	json_decref(changes);
	json_decref(ids);
	json_decref(events);
	return rc;
}

int wam_report_diff(wam_db *db, json_t **out, const char *kind, int year, const char *id)
{
	*out = NULL;
	int rc = wam_confine_national(db, "reports");
	if (rc || (rc = wam_db_snapshot_begin(db)))
		return rc;
	rc = diff_in_snapshot(db, out, kind, year, id);
	wam_db_snapshot_end(db);
	return rc;
}
