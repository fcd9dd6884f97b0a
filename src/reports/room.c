/* The reports room as the core sees it (ledger/room.h): report.submitted
 * events into report_submissions (sql/migrations/0016-reports.sql), and
 * what `wam verify` checks of them beside the projection: that each
 * submission's document still carries its node's signature. */
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "reports/reports.h"

enum { S_SUBMITTED };

static const char *text(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* report.submitted: the submission as it was sent, never changed after. */
static int submitted(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	const json_t *doc = json_object_get(pl, "document");
	const char *by = text(doc, "submitted_by"), *at = text(doc, "submitted_at");
	sqlite3_stmt *st = wam_room_stmt(ctx, S_SUBMITTED,
	                                 "INSERT INTO report_submissions(id,report,year,options,ledger_seq,ledger_hash,"
	                                 "reference,document,submitted_by,submitted_at,seq)"
	                                 " VALUES(?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	int rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "report");
	wam_bind_json_number(st, 3, pl, "year");
	if ((rc = wam_bind_canon(st, 4, json_object_get(pl, "options"))))
		return rc;
	wam_bind_json_number(st, 5, pl, "ledger_seq");
	wam_bind_json_text(st, 6, pl, "ledger_hash");
	wam_bind_json_text(st, 7, pl, "reference");
	if ((rc = wam_bind_canon(st, 8, doc)))
		return rc;
	sqlite3_bind_text(st, 9, by ? by : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, at ? at : time, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 11, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strcmp(type, "report.submitted"))
		return submitted(ctx, seq, subject, payload, time);
	return 0;
}

/* Each submission's document verifies against the key the ledger records
 * for the node that signed it. */
static int verify(wam_db *db, wam_verify_report *r, bool with_key)
{
	(void)with_key;
	json_t *rows = NULL, *row;
	size_t i;
	if (!wam_table_exists(db, "report_submissions"))
		return 0;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT s.id, s.seq, s.document, n.public_key FROM report_submissions s"
	                        " LEFT JOIN nodes n ON n.id=json_extract(s.document,'$.node.node_id') ORDER BY s.seq",
	                        NULL, NULL);
	if (rc)
		return rc;
	json_array_foreach(rows, i, row)
	{
		json_t *doc = json_loads(text(row, "document") ? text(row, "document") : "", 0, NULL);
		const char *key = text(row, "public_key");
		const char *id = text(row, "id");
		int bad = !doc || !key || wam_trace_doc_verify(doc, key);
		json_decref(doc);
		if (bad) {
			wam_error_clear();
			snprintf(r->table, sizeof r->table, "report_submissions");
			snprintf(r->record_id, sizeof r->record_id, "%s", id ? id : "");
			wam_verify_bad(
			    r, "submission_unsigned", json_integer_value(json_object_get(row, "seq")),
			    "report submission %s does not carry the signature of the node that made it: its "
			    "document was altered after it was signed",
			    id ? id : "");
			break;
		}
	}
	json_decref(rows);
	return 0;
}

static const struct wam_room_table tables[] = {
    {"report_submissions", "id", "d.seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_reports = {
    .name = "reports",
    .version = 0, /* its table came by migration 0016: an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_reports, NULL},
    .verify = verify,
};
