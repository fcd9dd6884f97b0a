/* The embargo room: its descriptor, its projector (embargo.*, regimes.*,
 * exemption.* and notice.* events into the tables of
 * sql/migrations/0007-embargo.sql) and what its files share. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embargo.h"
#include "ledger/room.h"

const char *const embargo_regime_targets[] = {"territory", "government_excluded", "non_state_actors", "listed_persons",
                                              NULL};
const char *const embargo_regime_scopes[] = {"all_arms", "salw_ammunition", "training_assistance", NULL};
const char *const embargo_scopes[] = {"supply", "supply_and_procurement", NULL};
const char *const embargo_procedures[] = {"standing", "notify_no_objection", "prior_approval", "post_delivery_notice",
                                          NULL};
const char *const embargo_exemption_states[] = {"recorded", "notified", "approved", "no_objection",
                                                "objected", "refused",  "expired",  NULL};
const char *const embargo_decisions[] = {"notified", "no_objection", "objection", "approved", "refused", NULL};
const char *const embargo_notice_kinds[] = {"post_delivery", "post_seizure", NULL};
const char *const embargo_notice_states[] = {"due", "sent", NULL};

static json_t *words(const char *const *w)
{
	json_t *a = json_array();
	for (; *w; w++)
		json_array_append_new(a, json_string(*w));
	return a;
}

int wam_embargo_vocabulary(json_t **out)
{
	*out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "regime_targets", words(embargo_regime_targets),
	                 "regime_scopes", words(embargo_regime_scopes), "embargo_scopes", words(embargo_scopes),
	                 "exemption_procedures", words(embargo_procedures), "exemption_states",
	                 words(embargo_exemption_states), "exemption_decisions", words(embargo_decisions),
	                 "notice_kinds", words(embargo_notice_kinds), "notice_states", words(embargo_notice_states));
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

bool embargo_ready(wam_db *db)
{
	return wam_table_exists(db, "notices");
}

int embargo_national(wam_db *db)
{
	return wam_confined(db) ? wam_confine_national(db, "embargo") : 0;
}

int embargo_date(const char **date, char buf[11], const char *field)
{
	if (!*date) {
		wam_date_today(buf);
		*date = buf;
		return 0;
	}
	if (!wam_date_valid(*date, 1900))
		return wam_error_set(WAM_EINVAL, field, "%s '%.20s' is not a calendar date YYYY-MM-DD", field, *date);
	return 0;
}

void embargo_decode(json_t *row, const char *key)
{
	wam_json_column(row, key);
}

void embargo_why(json_t *row, const char *key, json_t *said)
{
	char name[64];
	if (!said)
		return;
	json_object_set(row, key, json_object_get(said, "message"));
	snprintf(name, sizeof name, "%s_id", key);
	json_object_set(row, name, json_object_get(said, "message_id"));
	snprintf(name, sizeof name, "%s_args", key);
	json_object_set(row, name, json_object_get(said, "args"));
	json_decref(said);
}

void embargo_add_days(char out[11], const char *date, long days)
{
	time_t t = 0;
	wam_date_parse(date, &t);
	wam_date_format(out, t + (time_t)days * 86400);
}

void embargo_add_working_days(char out[11], const char *date, long days)
{
	time_t t = 0;
	struct tm tm;
	wam_date_parse(date, &t);
	while (days > 0) {
		t += 86400;
		gmtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			days--;
	}
	wam_date_format(out, t);
}

const json_t *embargo_period_on(const json_t *regime, const char *date)
{
	size_t i;
	const json_t *p;
	json_array_foreach(json_object_get(regime, "periods"), i, p)
	{
		const char *from = json_string_value(json_object_get(p, "from"));
		const char *until = json_string_value(json_object_get(p, "until"));
		if (from && strcmp(from, date) <= 0 && (!until || strcmp(date, until) <= 0))
			return p;
	}
	return NULL;
}

bool embargo_covers(const json_t *regime, const char *country)
{
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(regime, "territories"), i, c)
	{
		if (country && json_string_value(c) && !strcmp(json_string_value(c), country))
			return true;
	}
	return false;
}

const json_t *embargo_procedure(const json_t *regime, const char *procedure)
{
	size_t i;
	const json_t *p;
	json_array_foreach(json_object_get(regime, "procedures"), i, p)
	{
		if (procedure && !strcmp(json_string_value(json_object_get(p, "procedure")), procedure))
			return p;
	}
	return NULL;
}

void embargo_reference(char *out, size_t cap, const json_t *regime)
{
	const json_t *r = json_array_get(json_object_get(regime, "resolutions"), 0);
	const char *d = json_string_value(json_object_get(r, "date"));
	if (r && d)
		snprintf(out, cap, "S/RES/%lld (%.4s)", (long long)json_integer_value(json_object_get(r, "number")), d);
	else
		snprintf(out, cap, "%s", "");
}

int embargo_regimes(wam_db *db, json_t **out)
{
	json_t *rows = NULL, *r;
	size_t i;
	*out = NULL;
	if (!embargo_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	/* a regime a newer file no longer holds applied until that file's date */
	int rc = wam_query_rows(db, &rows,
	                        "SELECT r.body, f.generated AS withdrawn FROM regimes r LEFT JOIN regime_files f"
	                        " ON f.seq=r.removed_seq ORDER BY r.name, r.id",
	                        NULL, NULL);
	if (rc)
		return rc;
	*out = json_array();
	json_array_foreach(rows, i, r)
	{
		embargo_decode(r, "body");
		if (json_is_string(json_object_get(r, "withdrawn")))
			embargo_withdrawn(json_object_get(r, "body"),
			                  json_string_value(json_object_get(r, "withdrawn")));
		json_array_append(*out, json_object_get(r, "body"));
	}
	json_decref(rows);
	return 0;
}

int embargo_regime_body(wam_db *db, json_t **out, const char *id, const char *field)
{
	json_t *row = NULL;
	*out = NULL;
	int rc = wam_query_row(db, &row, "SELECT body FROM regimes WHERE id=?", id, NULL);
	if (rc)
		return rc;
	if (!row)
		return wam_error_set(WAM_ENOTFOUND, field, "no arms embargo regime '%.40s'", id ? id : "");
	embargo_decode(row, "body");
	*out = json_incref(json_object_get(row, "body"));
	json_decref(row);
	return 0;
}

int embargo_notice_due(wam_db *db, const char *kind, const char *regime, const char *about_kind, const char *about_id,
                       const char *due, const json_t *items, const char *exemption)
{
	char id[WAM_ID_LEN + 1];
	json_t *p = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s}", "kind", kind, "regime", regime, "about", "kind",
	                      about_kind, "id", about_id, "due", due);
	if (!p)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (items && json_array_size(items))
		json_object_set(p, "items", (json_t *)items);
	if (exemption)
		json_object_set_new(p, "exemption", json_string(exemption));
	wam_db_new_id(db, id);
	int rc = wam_ledger_append(db, "notice.due", id, p, NULL);
	json_decref(p);
	return rc;
}

/* ---- HTML ---- */

void embargo_html_row(wam_buf *b, const char *label, const char *value)
{
	wam_buf_puts(b, "<tr><th>");
	wam_buf_html(b, label);
	wam_buf_puts(b, "</th><td>");
	wam_buf_html(b, value ? value : "");
	wam_buf_puts(b, "</td></tr>\n");
}

void embargo_html_head(wam_buf *b, const char *title)
{
	wam_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	wam_buf_html(b, title);
	wam_buf_puts(b, "</title>\n<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;color:#111}"
	                "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #999;"
	                "padding:.3em .6em;text-align:left;vertical-align:top}th{background:#eee}"
	                "@media print{body{margin:0}}</style>\n</head>\n<body>\n<h1>");
	wam_buf_html(b, title);
	wam_buf_puts(b, "</h1>\n");
}

/* ---- the projector ---- */

enum {
	S_EMBARGO,
	S_EMBARGO_LIFT,
	S_FILE,
	S_MARK,
	S_REGIME,
	S_VERSION,
	S_REMOVED,
	S_EXEMPTION,
	S_DECIDED,
	S_NOTICE,
	S_SENT,
};

static int step_one(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq, const char *what, const char *id)
{
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld concerns %s %s, which does not exist",
	                               (long long)seq, what, id);
}

static int embargo_recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	static const char *const fields[] = {"country", "reference", "since", "until", "scope", "notes", NULL};
	sqlite3_stmt *st = wam_room_stmt(ctx, S_EMBARGO,
	                                 "INSERT INTO embargoes(id,country,reference,since,until,scope,notes,"
	                                 "recorded_seq,last_seq) VALUES(?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields);
	sqlite3_bind_int64(st, i, seq);
	sqlite3_bind_int64(st, i + 1, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int embargo_lifted(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_EMBARGO_LIFT,
	                                 "UPDATE embargoes SET lifted_on=?, lift_reference=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	wam_bind_json_text(st, 2, pl, "reference");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "embargo", id);
}

/* A file's regimes replace those of the files before it; a regime the new
 * file does not hold is kept, marked removed by this import. */
static int regimes_imported(wam_room_ctx *ctx, int64_t seq, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_FILE,
	                                 "INSERT INTO regime_files(seq,version,generated,sources)"
	                                 " VALUES(?,?,?,?)");
	int rc;
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)json_integer_value(json_object_get(pl, "version")));
	wam_bind_json_text(st, 3, pl, "generated");
	if ((rc = wam_bind_canon(st, 4, json_object_get(pl, "sources"))) || (rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	if (!(st = wam_room_stmt(ctx, S_MARK, "UPDATE regimes SET removed_seq=? WHERE removed_seq IS NULL")))
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(pl, "regimes"), i, r)
	{
		if (!(st = wam_room_stmt(
		          ctx, S_REGIME,
		          "INSERT INTO regimes(id,name,body,removed_seq,last_seq) VALUES(?1,?2,?3,NULL,?4)"
		          " ON CONFLICT(id) DO UPDATE SET name=?2, body=?3, removed_seq=NULL, last_seq=?4")))
			return WAM_EDB;
		wam_bind_json_text(st, 1, r, "id");
		wam_bind_json_text(st, 2, r, "name");
		if ((rc = wam_bind_canon(st, 3, r)))
			return rc;
		sqlite3_bind_int64(st, 4, seq);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
		if (!(st = wam_room_stmt(ctx, S_VERSION,
		                         "INSERT INTO regime_versions(regime_id,seq,body) VALUES(?,?,?)")))
			return WAM_EDB;
		wam_bind_json_text(st, 1, r, "id");
		sqlite3_bind_int64(st, 2, seq);
		if ((rc = wam_bind_canon(st, 3, r)) || (rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	if (!(st = wam_room_stmt(ctx, S_REMOVED, "UPDATE regimes SET last_seq=?1 WHERE removed_seq=?1")))
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int exemption_recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_EXEMPTION,
	                  "INSERT INTO exemptions(id,regime_id,procedure,notified_on,committee_reference,"
	                  "valid_until,body,state,decisions,recorded_seq,last_seq)"
	                  " VALUES(?1,?2,?3,?4,?5,?6,?7,CASE WHEN ?4 IS NULL THEN 'recorded' ELSE"
	                  " 'notified' END,'[]',?8,?8)");
	static const char *const fields[] = {"regime",      "procedure", "notified_on", "committee_reference",
	                                     "valid_until", NULL};
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int i = wam_bind_json_fields(st, 2, pl, fields), rc;
	if ((rc = wam_bind_canon(st, i, pl)))
		return rc;
	sqlite3_bind_int64(st, i + 1, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int exemption_decided(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_DECIDED,
	    "UPDATE exemptions SET state=CASE ?1 WHEN 'notified' THEN 'notified' WHEN 'no_objection' THEN"
	    " 'no_objection' WHEN 'objection' THEN 'objected' WHEN 'approved' THEN 'approved' ELSE 'refused' END,"
	    " notified_on=CASE ?1 WHEN 'notified' THEN ?2 ELSE notified_on END,"
	    " decided_on=CASE ?1 WHEN 'notified' THEN decided_on ELSE ?2 END,"
	    " committee_reference=coalesce(?3, committee_reference),"
	    " decisions=json_insert(decisions,'$[#]',json(?4)), last_seq=?5 WHERE id=?6");
	int rc;
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "decision");
	wam_bind_json_text(st, 2, pl, "date");
	wam_bind_json_text(st, 3, pl, "reference");
	if ((rc = wam_bind_canon(st, 4, pl)))
		return rc;
	sqlite3_bind_int64(st, 5, seq);
	sqlite3_bind_text(st, 6, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "exemption", id);
}

static int notice_due(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_NOTICE,
	                                 "INSERT INTO notices(id,kind,regime_id,about_kind,about_id,due,items,state,"
	                                 "recorded_seq,last_seq,exemption_id) VALUES(?,?,?,?,?,?,?,'due',?,?,?)");
	const json_t *about = json_object_get(pl, "about");
	int rc;
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "kind");
	wam_bind_json_text(st, 3, pl, "regime");
	wam_bind_json_text(st, 4, about, "kind");
	wam_bind_json_text(st, 5, about, "id");
	wam_bind_json_text(st, 6, pl, "due");
	if ((rc = wam_bind_canon(st, 7, json_object_get(pl, "items"))))
		return rc;
	sqlite3_bind_int64(st, 8, seq);
	sqlite3_bind_int64(st, 9, seq);
	wam_bind_json_text(st, 10, pl, "exemption");
	return wam_projection_step(ctx->conn, st, seq);
}

static int notice_sent(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_SENT,
	                                 "UPDATE notices SET state='sent', sent_on=?, reference=?, notes=?, last_seq=?"
	                                 " WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	wam_bind_json_text(st, 2, pl, "reference");
	wam_bind_json_text(st, 3, pl, "notes");
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "notice", id);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *pl,
                 const char *time)
{
	if (!strcmp(type, "embargo.recorded"))
		return embargo_recorded(ctx, seq, subject, pl);
	if (!strcmp(type, "embargo.lifted"))
		return embargo_lifted(ctx, seq, subject, pl);
	if (!strcmp(type, "regimes.imported"))
		return regimes_imported(ctx, seq, pl);
	if (!strcmp(type, "exemption.recorded"))
		return exemption_recorded(ctx, seq, subject, pl);
	if (!strcmp(type, "exemption.decided"))
		return exemption_decided(ctx, seq, subject, pl);
	if (!strcmp(type, "notice.due"))
		return notice_due(ctx, seq, subject, pl);
	if (!strcmp(type, "notice.sent"))
		return notice_sent(ctx, seq, subject, pl);
	return 0;
}

static const struct wam_room_table tables[] = {
    {"embargoes", "id", "d.last_seq"},
    {"regime_files", "seq", "d.seq"},
    {"regimes", "id", "d.last_seq"},
    {"regime_versions", "regime_id", "d.seq"},
    {"exemptions", "id", "d.last_seq"},
    {"notices", "id", "d.last_seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_embargo = {
    .name = "embargo",
    .version = 0, /* its tables came by migration 0007 (embargoes by 0006): an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_embargo, NULL},
};
