/* The quantitative part of the national report on the UN Programme of
 * Action on small arms and the International Tracing Instrument (PoA/ITI),
 * for a calendar year, prefilled from the records: marking, records kept,
 * tracing, stockpile checks, losses and thefts, surplus, destruction,
 * recoveries and the people tables (docs/formats/poa.md gives every
 * figure's rule: what counts and which date puts it in the year).
 *
 * A figure is the rows of one query (FIGURES): its value counts them (or
 * sums their `n`, or takes the median of their `days`), and its drill-down
 * lists them, so that a figure and the records behind it never disagree.
 * The queries share `?1` (the year's first day), `?2` (its last) and `?3`
 * (the registry's own country) and a prefix of common tables that stand
 * for those a later migration added (empty in a registry made before
 * them). */
#include <stdlib.h>
#include <string.h>

#include "reports/people.h"
#include "reports/recovered.h"
#include "reports/reports.h"
#include "store/field.h"
#include "wam/collection.h"

/* Tables of migrations 10, 12 and 13, or none. */
#define MAKEUP_TABLE "makeup AS (SELECT item_id, kind, part_type FROM item_makeup)"
#define MAKEUP_NONE "makeup AS (SELECT NULL AS item_id, NULL AS kind, NULL AS part_type WHERE 0)"
#define LOSS_AMMO_TABLE "loss_ammo AS (SELECT report_id, line, calibre, quantity FROM loss_ammunition)"
#define LOSS_AMMO_NONE "loss_ammo AS (SELECT NULL AS report_id, NULL AS line, NULL AS calibre, 0 AS quantity WHERE 0)"
#define RECOVERED_ROUNDS_TABLE                                                                                         \
	"destroyed_recovered AS (SELECT destruction_id, recovery_id, line, rounds FROM destruction_recovered)"
#define RECOVERED_ROUNDS_NONE                                                                                          \
	"destroyed_recovered AS (SELECT NULL AS destruction_id, NULL AS recovery_id, NULL AS line, 0 AS rounds"        \
	" WHERE 0)"

/* The day of event `seq`. */
#define DAY_OF(seq) "(SELECT substr(e.time,1,10) FROM events e WHERE e.seq=" seq ")"
/* An item that is a weapon: not a part, unless a frame or receiver. */
#define IS_WEAPON(i)                                                                                                   \
	"NOT EXISTS (SELECT 1 FROM makeup m WHERE m.item_id=" i ".id AND m.kind='part'"                                \
	" AND coalesce(m.part_type,'') NOT IN ('frame_receiver','lower_receiver'))"
#define WEAPON_FIELDS                                                                                                  \
	"'weapon' AS kind, i.id, i.serial, i.make, i.model, i.category, i.country, i.status, i.marking_status"
#define REGISTERED_IN_YEAR                                                                                             \
	"SELECT " WEAPON_FIELDS " FROM items i WHERE " DAY_OF("i.registered_seq") " BETWEEN ?1 AND ?2"
#define WEAPONS_REGISTERED REGISTERED_IN_YEAR " AND " IS_WEAPON("i")
#define BY_MARKING(status) WEAPONS_REGISTERED " AND i.marking_status='" status "'"
#define REQUEST_FIELDS                                                                                                 \
	"'trace_request' AS kind, q.id, q.direction, q.reference, q.requesting_state, q.requested_state, q.item_id,"   \
	" coalesce(q.sent, substr(q.created,1,10)) AS sent, q.answered,"                                               \
	" CAST(julianday(q.answered) - julianday(coalesce(q.sent, substr(q.created,1,10))) AS INTEGER) AS days"
#define ANSWERED(direction)                                                                                            \
	"SELECT " REQUEST_FIELDS " FROM trace_requests q WHERE q.direction='" direction "'"                            \
	" AND q.answered BETWEEN ?1 AND ?2"
#define INVESTIGATION_FIELDS                                                                                           \
	"'investigation' AS kind, v.id, v.check_id, v.kind AS discrepancy, v.item_id, v.lot_id, v.status, v.outcome,"  \
	" v.resolved_at"
#define FOUND_IN_YEAR                                                                                                  \
	"SELECT " INVESTIGATION_FIELDS " FROM stock_investigations v JOIN stock_checks c ON c.id=v.check_id"           \
	" WHERE substr(c.closed_at,1,10) BETWEEN ?1 AND ?2"
#define RESOLVED_IN_YEAR                                                                                               \
	"SELECT " INVESTIGATION_FIELDS " FROM stock_investigations v WHERE v.status='resolved'"                        \
	" AND substr(v.resolved_at,1,10) BETWEEN ?1 AND ?2"
#define CHECK_FIELDS "'stock_check' AS kind, c.id, c.site_id, c.type, c.status, c.opened_at, c.closed_at"
#define LOSS_FIELDS "'loss_report' AS kind, l.id, l.item_id, l.kind AS loss, l.date, l.place"
#define WEAPON_LOSSES(kind) "SELECT " LOSS_FIELDS " FROM loss_reports l WHERE l.kind='" kind "' AND l.item_id<>''"
#define ROUNDS_LOST(kind)                                                                                              \
	"SELECT " LOSS_FIELDS ", a.line, a.calibre, a.quantity AS n FROM loss_reports l"                               \
	" JOIN loss_ammo a ON a.report_id=l.id WHERE l.kind='" kind "' AND l.date BETWEEN ?1 AND ?2"
#define BATCH_FIELDS "'destruction' AS kind, d.id, d.method, d.site, d.date, d.state, d.certificate"
#define BATCHES_DATED "SELECT " BATCH_FIELDS " FROM destructions d WHERE d.date BETWEEN ?1 AND ?2"
/* The rounds a batch lists: lots' and recovered lines'. */
#define BATCH_ROUNDS                                                                                                   \
	"SELECT " BATCH_FIELDS ", 'lot' AS source, dl.lot_id, NULL AS recovery_id, NULL AS line, dl.rounds AS n"       \
	" FROM destructions d JOIN destruction_lots dl ON dl.destruction_id=d.id WHERE d.date BETWEEN ?1 AND ?2 @"     \
	" UNION ALL SELECT " BATCH_FIELDS ", 'recovery' AS source, NULL, dr.recovery_id, dr.line, dr.rounds"           \
	" FROM destructions d JOIN destroyed_recovered dr ON dr.destruction_id=d.id WHERE d.date BETWEEN ?1 AND ?2 @"

/* The weapons a batch lists. */
#define DESTROYED_WEAPONS                                                                                              \
	"SELECT 'weapon' AS kind, x.item_id AS id, d.id AS destruction_id, d.method, d.date, d.state, d.certificate"   \
	" FROM destructions d JOIN destruction_items x ON x.destruction_id=d.id WHERE d.date BETWEEN ?1 AND ?2 @"

typedef struct figure {
	const char *table, *key;
	char agg;        /* 'n' counts the rows, 's' sums their n, 'm' the median of their days */
	const char *sql; /* the records; '@' in it stands for a further condition (destruction) */
} figure;

static const figure figures[] = {
    /* marking */
    {"marking", "marked_at_manufacture", 'n',
     WEAPONS_REGISTERED " AND ?3<>'' AND i.country=?3"
                        " AND EXISTS (SELECT 1 FROM markings k WHERE k.item_id=i.id AND k.kind='serial')"},
    {"marking", "marked_at_import", 'n',
     "SELECT " WEAPON_FIELDS " FROM items i WHERE " IS_WEAPON(
         "i") " AND ?3<>'' AND EXISTS (SELECT 1 FROM"
              " import_marks x WHERE x.item_id=i.id AND x.country=?3 AND (x.year=CAST(substr(?1,1,4) AS INTEGER)"
              " OR (x.year IS NULL AND " DAY_OF("i.registered_seq") " BETWEEN ?1 AND ?2)))"},
    {"marking", "marked_after_collection", 'n',
     "SELECT 'weapon' AS kind, t.item_id AS id, t.id AS task_id, t.recovery_id, t.marking, t.due"
     " FROM collection_tasks t WHERE t.marking IS NOT NULL AND t.closed_seq IS NOT NULL"
     " AND " DAY_OF("t.closed_seq") " BETWEEN ?1 AND ?2"},
    {"marking", "adequate", 'n', BY_MARKING("adequate")},
    {"marking", "inadequate", 'n', BY_MARKING("inadequate")},
    {"marking", "partial", 'n', BY_MARKING("partial")},
    {"marking", "obliterated", 'n', BY_MARKING("obliterated")},
    {"marking", "altered", 'n', BY_MARKING("altered")},
    {"marking", "unmarked", 'n', BY_MARKING("unmarked")},
    /* records kept */
    {"records", "weapons_recorded", 'n',
     "SELECT " WEAPON_FIELDS " FROM items i WHERE " IS_WEAPON("i") " AND " DAY_OF("i.registered_seq") " <= ?2"},
    {"records", "weapons_registered", 'n', WEAPONS_REGISTERED},
    {"records", "parts_registered", 'n', REGISTERED_IN_YEAR " AND NOT " IS_WEAPON("i")},
    {"records", "weapons_exported", 'n',
     "SELECT 'weapon' AS kind, x.item_id AS id, x.id AS proposal_id, x.document, x.country"
     " FROM export_proposals x WHERE x.state='confirmed' AND " DAY_OF("x.decided_seq") " BETWEEN ?1 AND ?2"},
    {"records", "lots_recorded", 'n',
     "SELECT 'lot' AS kind, l.id, l.nomenclature, l.calibre, l.lot_number, l.rounds FROM lots l"
     " WHERE l.parent_id IS NULL AND " DAY_OF("l.created_seq") " <= ?2"},
    {"records", "lots_registered", 'n',
     "SELECT 'lot' AS kind, l.id, l.nomenclature, l.calibre, l.lot_number, l.rounds FROM lots l"
     " WHERE l.parent_id IS NULL AND " DAY_OF("l.created_seq") " BETWEEN ?1 AND ?2"},
    /* tracing */
    {"tracing", "requests_sent", 'n',
     "SELECT " REQUEST_FIELDS " FROM trace_requests q WHERE q.direction='outgoing' AND q.sent BETWEEN ?1 AND ?2"},
    {"tracing", "requests_received", 'n',
     "SELECT " REQUEST_FIELDS " FROM trace_requests q WHERE q.direction='incoming'"
     " AND coalesce(q.sent, substr(q.created,1,10)) BETWEEN ?1 AND ?2"},
    {"tracing", "requests_answered", 'n', ANSWERED("incoming")},
    {"tracing", "answered_within_30_days", 'n',
     ANSWERED("incoming") " AND julianday(q.answered) - julianday(coalesce(q.sent, substr(q.created,1,10))) <= 30"},
    {"tracing", "median_response_days", 'm', ANSWERED("incoming")},
    {"tracing", "replies_received", 'n', ANSWERED("outgoing")},
    {"tracing", "replies_record_found", 'n',
     ANSWERED("outgoing") " AND (SELECT s.result FROM trace_responses s WHERE s.request_id=q.id"
                          " ORDER BY s.n DESC LIMIT 1) IN ('record_found','partial')"},
    {"tracing", "median_reply_days", 'm', ANSWERED("outgoing")},
    /* stockpile management */
    {"stockpile", "checks_opened", 'n',
     "SELECT " CHECK_FIELDS " FROM stock_checks c WHERE substr(c.opened_at,1,10) BETWEEN ?1 AND ?2"},
    {"stockpile", "checks_completed", 'n',
     "SELECT " CHECK_FIELDS " FROM stock_checks c WHERE substr(c.closed_at,1,10) BETWEEN ?1 AND ?2"},
    {"stockpile", "discrepancies_found", 'n', FOUND_IN_YEAR},
    {"stockpile", "discrepancies_missing", 'n', FOUND_IN_YEAR " AND v.kind='missing'"},
    {"stockpile", "discrepancies_wrong_location", 'n', FOUND_IN_YEAR " AND v.kind='wrong_location'"},
    {"stockpile", "discrepancies_unexpected", 'n', FOUND_IN_YEAR " AND v.kind='unexpected'"},
    {"stockpile", "discrepancies_quantity", 'n', FOUND_IN_YEAR " AND v.kind='quantity'"},
    {"stockpile", "discrepancies_resolved", 'n', RESOLVED_IN_YEAR},
    {"stockpile", "resolved_found", 'n', RESOLVED_IN_YEAR " AND v.outcome='found'"},
    {"stockpile", "resolved_written_off", 'n', RESOLVED_IN_YEAR " AND v.outcome='written_off'"},
    {"stockpile", "resolved_lost", 'n', RESOLVED_IN_YEAR " AND v.outcome='lost'"},
    {"stockpile", "resolved_stolen", 'n', RESOLVED_IN_YEAR " AND v.outcome='stolen'"},
    {"stockpile", "discrepancies_open_at_year_end", 'n',
     "SELECT " INVESTIGATION_FIELDS " FROM stock_investigations v JOIN stock_checks c ON c.id=v.check_id"
     " WHERE substr(c.closed_at,1,10) <= ?2 AND (v.resolved_at IS NULL OR substr(v.resolved_at,1,10) > ?2)"},
    /* losses and thefts */
    {"losses", "lost", 'n', WEAPON_LOSSES("lost") " AND l.date BETWEEN ?1 AND ?2"},
    {"losses", "stolen", 'n', WEAPON_LOSSES("stolen") " AND l.date BETWEEN ?1 AND ?2"},
    {"losses", "still_missing", 'n',
     "SELECT " LOSS_FIELDS " FROM loss_reports l JOIN items i ON i.id=l.item_id WHERE l.item_id<>''"
     " AND l.date BETWEEN ?1 AND ?2 AND i.status IN ('lost','stolen')"},
    {"losses", "rounds_lost", 's', ROUNDS_LOST("lost")},
    {"losses", "rounds_stolen", 's', ROUNDS_LOST("stolen")},
    /* surplus */
    {"surplus", "batches_planned", 'n', BATCHES_DATED},
    {"surplus", "batches_open", 'n', BATCHES_DATED " AND d.state='open'"},
    {"surplus", "weapons_declared_surplus", 'n', DESTROYED_WEAPONS},
    {"surplus", "rounds_declared_surplus", 's', BATCH_ROUNDS},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static const char *const tables[] = {"marking", "records",     "tracing",    "stockpile", "losses",
                                     "surplus", "destruction", "recoveries", NULL};

static json_t *table_caption(const char *id)
{
	if (!strcmp(id, "marking"))
		return wam_message_json("Marking: weapons marked in the year, and the marking of those registered");
	if (!strcmp(id, "records"))
		return wam_message_json("Record-keeping");
	if (!strcmp(id, "tracing"))
		return wam_message_json("Tracing requests and responses");
	if (!strcmp(id, "stockpile"))
		return wam_message_json("Stockpile management: checks and discrepancies");
	if (!strcmp(id, "losses"))
		return wam_message_json("Losses and thefts");
	if (!strcmp(id, "surplus"))
		return wam_message_json("Surplus declared for destruction");
	if (!strcmp(id, "destruction"))
		return wam_message_json("Destruction, by method");
	return wam_message_json("Weapons recovered, by context");
}

static json_t *figure_label(const char *key)
{
	static const struct {
		const char *key;
		int n;
	} index[] = {{"marked_at_manufacture", 0},
	             {"marked_at_import", 1},
	             {"marked_after_collection", 2},
	             {"adequate", 3},
	             {"inadequate", 4},
	             {"partial", 5},
	             {"obliterated", 6},
	             {"altered", 7},
	             {"unmarked", 8}};
	for (size_t i = 0; i < sizeof index / sizeof index[0]; i++)
		if (!strcmp(key, index[i].key))
			switch (index[i].n) {
			case 0:
				return wam_message_json(
				    "weapons made in the country and marked at manufacture, registered in the year");
			case 1:
				return wam_message_json("weapons marked on import in the year");
			case 2:
				return wam_message_json("recovered weapons marked in the year");
			case 3:
				return wam_message_json("registered in the year, marking adequate");
			case 4:
				return wam_message_json("registered in the year, marking inadequate");
			case 5:
				return wam_message_json("registered in the year, marking partly legible");
			case 6:
				return wam_message_json("registered in the year, marking obliterated");
			case 7:
				return wam_message_json("registered in the year, marking altered");
			default:
				return wam_message_json("registered in the year, unmarked");
			}
	if (!strcmp(key, "weapons_recorded"))
		return wam_message_json("weapons on record at year end");
	if (!strcmp(key, "weapons_registered"))
		return wam_message_json("weapons registered in the year");
	if (!strcmp(key, "parts_registered"))
		return wam_message_json("parts registered in the year");
	if (!strcmp(key, "weapons_exported"))
		return wam_message_json("weapons exported in the year");
	if (!strcmp(key, "lots_recorded"))
		return wam_message_json("ammunition lots on record at year end");
	if (!strcmp(key, "lots_registered"))
		return wam_message_json("ammunition lots recorded in the year");
	if (!strcmp(key, "requests_sent"))
		return wam_message_json("trace requests sent");
	if (!strcmp(key, "requests_received"))
		return wam_message_json("trace requests received");
	if (!strcmp(key, "requests_answered"))
		return wam_message_json("trace requests received that were answered in the year");
	if (!strcmp(key, "answered_within_30_days"))
		return wam_message_json("of those, answered within 30 days");
	if (!strcmp(key, "median_response_days"))
		return wam_message_json("median days to answer a request received");
	if (!strcmp(key, "replies_received"))
		return wam_message_json("replies received to trace requests sent");
	if (!strcmp(key, "replies_record_found"))
		return wam_message_json("of those, a record was found");
	if (!strcmp(key, "median_reply_days"))
		return wam_message_json("median days to a reply to a request sent");
	if (!strcmp(key, "checks_opened"))
		return wam_message_json("stock checks opened");
	if (!strcmp(key, "checks_completed"))
		return wam_message_json("stock checks completed");
	if (!strcmp(key, "discrepancies_found"))
		return wam_message_json("discrepancies found by the checks completed");
	if (!strcmp(key, "discrepancies_missing"))
		return wam_message_json("of those, weapons or lots missing");
	if (!strcmp(key, "discrepancies_wrong_location"))
		return wam_message_json("of those, weapons at the wrong location");
	if (!strcmp(key, "discrepancies_unexpected"))
		return wam_message_json("of those, unexpected");
	if (!strcmp(key, "discrepancies_quantity"))
		return wam_message_json("of those, rounds counted not as recorded");
	if (!strcmp(key, "discrepancies_resolved"))
		return wam_message_json("discrepancies resolved in the year");
	if (!strcmp(key, "resolved_found"))
		return wam_message_json("resolved as found");
	if (!strcmp(key, "resolved_written_off"))
		return wam_message_json("resolved as written off");
	if (!strcmp(key, "resolved_lost"))
		return wam_message_json("resolved as lost");
	if (!strcmp(key, "resolved_stolen"))
		return wam_message_json("resolved as stolen");
	if (!strcmp(key, "discrepancies_open_at_year_end"))
		return wam_message_json("discrepancies still open at year end");
	if (!strcmp(key, "lost"))
		return wam_message_json("weapons lost");
	if (!strcmp(key, "stolen"))
		return wam_message_json("weapons stolen");
	if (!strcmp(key, "still_missing"))
		return wam_message_json("of the weapons lost or stolen in the year, still missing");
	if (!strcmp(key, "rounds_lost"))
		return wam_message_json("rounds of ammunition lost");
	if (!strcmp(key, "rounds_stolen"))
		return wam_message_json("rounds of ammunition stolen");
	if (!strcmp(key, "batches_planned"))
		return wam_message_json("destruction batches dated in the year");
	if (!strcmp(key, "batches_open"))
		return wam_message_json("of those, not yet closed");
	if (!strcmp(key, "weapons_declared_surplus"))
		return wam_message_json("weapons listed for destruction");
	return wam_message_json("rounds listed for destruction");
}

static const char *const methods[] = {"CUT", "CRUSH", "SMELT", "SHRED", "BURN", "DETONATION", NULL};

static json_t *method_label(const char *m)
{
	if (!strcmp(m, "CUT"))
		return wam_message_json("cutting");
	if (!strcmp(m, "CRUSH"))
		return wam_message_json("crushing");
	if (!strcmp(m, "SMELT"))
		return wam_message_json("smelting");
	if (!strcmp(m, "SHRED"))
		return wam_message_json("shredding");
	if (!strcmp(m, "BURN"))
		return wam_message_json("burning");
	return wam_message_json("detonation");
}

/* Runs `sql` (a figure's, '@' replaced by `more`) after the common tables,
 * ?1..?3 bound, into `*out`: its rows when `agg` is 0, else one row
 * {count, total} (count of the rows, and 's': the sum of their `n`), or
 * for 'm' only the `days` of each row, so that a figure over millions of
 * weapons is counted by SQLite, not listed. */
static int figure_rows(wam_db *db, json_t **out, int year, const char *sql, const char *more, char agg)
{
	char from[11], to[11], country[5] = "";
	wam_buf q = {0};
	sqlite3_stmt *st;
	int rc;
	*out = NULL;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	if ((rc = wam_db_country(db, country)))
		return rc;
	rc = wam_buf_printf(&q, "WITH %s, %s, %s ", wam_table_exists(db, "item_makeup") ? MAKEUP_TABLE : MAKEUP_NONE,
	                    wam_table_exists(db, "loss_ammunition") ? LOSS_AMMO_TABLE : LOSS_AMMO_NONE,
	                    wam_table_exists(db, "destruction_recovered") ? RECOVERED_ROUNDS_TABLE
	                                                                  : RECOVERED_ROUNDS_NONE);
	if (!rc && agg)
		rc = wam_buf_puts(&q, agg == 'n'   ? "SELECT count(*) AS count FROM ("
		                      : agg == 's' ? "SELECT count(*) AS count, coalesce(sum(n),0) AS total FROM ("
		                                   : "SELECT days FROM (");
	for (const char *s = sql; !rc && *s;) {
		const char *at = strchr(s, '@');
		size_t n = at ? (size_t)(at - s) : strlen(s);
		rc = wam_buf_printf(&q, "%.*s%s", (int)n, s, at && more ? more : "");
		s += n + (at ? 1 : 0);
	}
	if (!rc && agg)
		rc = wam_buf_puts(&q, agg == 'm' ? ") ORDER BY days" : ")");
	if (rc) {
		wam_buf_free(&q);
		return rc;
	}
	if (sqlite3_prepare_v2(db->conn, q.p, -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "compute the PoA report");
		wam_buf_free(&q);
		return rc;
	}
	wam_buf_free(&q);
	sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, country, -1, SQLITE_TRANSIENT);
	return wam_rows_json(st, out, "compute the PoA report");
}

/* Figure `f`'s value for the year, and whether any record is behind it. */
static int figure_value(wam_db *db, int year, const figure *f, json_t **value, bool *any)
{
	json_t *rows;
	int rc = figure_rows(db, &rows, year, f->sql, NULL, f->agg);
	if (rc)
		return rc;
	size_t n = json_array_size(rows);
	const json_t *first = json_array_get(rows, 0);
	if (f->agg == 'n' || f->agg == 's') {
		*any = *any || json_integer_value(json_object_get(first, "count"));
		*value = json_integer(json_integer_value(json_object_get(first, f->agg == 'n' ? "count" : "total")));
	} else if (!n) {
		*value = json_null();
	} else {
		/* the median: the middle day, or the mean of the middle two */
		json_int_t a = json_integer_value(json_object_get(json_array_get(rows, (n - 1) / 2), "days"));
		json_int_t b = json_integer_value(json_object_get(json_array_get(rows, n / 2), "days"));
		*any = true;
		*value = n % 2 ? json_integer(a) : json_real((double)(a + b) / 2.0);
	}
	json_decref(rows);
	return *value ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

static json_t *value_column(json_t *t)
{
	json_t *c = report_column(t, "value", wam_message_json("value"), true);
	/* unlike figures: no total */
	if (c)
		json_object_set_new(c, "total", json_false());
	return c;
}

static int destruction_table(wam_db *db, json_t *report, int year)
{
	json_t *t = report_table(report, "destruction", table_caption("destruction"));
	if (!t || !report_column(t, "weapons", wam_message_json("weapons"), true) ||
	    !report_column(t, "rounds", wam_message_json("rounds"), true))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	for (const char *const *m = methods; *m; m++) {
		json_t *weapons, *rounds;
		char more[64];
		snprintf(more, sizeof more, " AND d.state='closed' AND upper(d.method)='%s'", *m);
		int rc = figure_rows(db, &weapons, year, DESTROYED_WEAPONS, more, 'n');
		if (rc)
			return rc;
		if ((rc = figure_rows(db, &rounds, year, BATCH_ROUNDS, more, 's'))) {
			json_decref(weapons);
			return rc;
		}
		json_t *row = report_row(t, *m, method_label(*m));
		if (row) {
			report_cell(
			    row, "weapons",
			    json_integer(json_integer_value(json_object_get(json_array_get(weapons, 0), "count"))));
			report_cell(
			    row, "rounds",
			    json_integer(json_integer_value(json_object_get(json_array_get(rounds, 0), "total"))));
		}
		json_decref(weapons);
		json_decref(rounds);
		if (!row)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	return report_totals(t);
}

static int recoveries_table(wam_db *db, json_t *report, int year)
{
	json_t *units, *u;
	size_t i;
	int rc = report_recovered_items(db, &units, year);
	if (rc)
		return rc;
	json_t *t = report_table(report, "recoveries", table_caption("recoveries"));
	if (!t) {
		json_decref(units);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	for (const char *const *k = report_recovery_types; *k; k++)
		report_column(t, *k, report_recovery_type_label(*k), true);
	report_column(t, "total", wam_message_json("total"), true);
	for (size_t c = 0;; c++) {
		const char *context =
		    wam_collection_recovery_contexts[c] ? wam_collection_recovery_contexts[c] : "unknown";
		json_t *row = report_row(t, context, report_context_label(context));
		json_int_t n[3] = {0, 0, 0}, total = 0;
		json_array_foreach(units, i, u)
		{
			if (!json_integer_value(json_object_get(u, "weapon")) ||
			    strcmp(json_string_value(json_object_get(u, "context")), context) != 0)
				continue;
			for (int k = 0; k < 3; k++)
				n[k] += !strcmp(json_string_value(json_object_get(u, "recovery_type")),
				                report_recovery_types[k]);
			total++;
		}
		for (int k = 0; row && k < 3; k++)
			report_cell(row, report_recovery_types[k], json_integer(n[k]));
		if (row)
			report_cell(row, "total", json_integer(total));
		if (!wam_collection_recovery_contexts[c])
			break;
	}
	json_decref(units);
	return report_totals(t);
}

static int make(wam_db *db, json_t *report, const wam_report_options *o)
{
	if (o->direction)
		return wam_error_set(WAM_EINVAL, "direction", "the %s report takes no %s", "poa", "direction");
	if (o->basis)
		return wam_error_set(WAM_EINVAL, "basis", "the %s report takes no %s", "poa", "basis");
	if (o->nwithhold)
		return wam_error_set(WAM_EINVAL, "withhold", "the %s report takes no %s", "poa", "withhold");
	json_object_set_new(report, "title",
	                    wam_message_json("National report on the Programme of Action on small arms and the"
	                                     " International Tracing Instrument, %d",
	                                     o->year));
	json_array_append_new(json_object_get(report, "notes"),
	                      wam_message_json("Registrations, markings of recovered weapons, stock checks and exports"
	                                       " are counted by the day they were recorded in the registry; recoveries,"
	                                       " losses, trace requests and destruction batches by their own dates."));
	bool any = false;
	for (const char *const *id = tables; *id && strcmp(*id, "destruction") != 0; id++) {
		json_t *t = report_table(report, *id, table_caption(*id));
		if (!t || !value_column(t))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; i < NFIGURES; i++) {
			if (strcmp(figures[i].table, *id) != 0)
				continue;
			json_t *v = NULL;
			int rc = figure_value(db, o->year, &figures[i], &v, &any);
			if (rc)
				return rc;
			json_t *row = report_row(t, figures[i].key, figure_label(figures[i].key));
			if (!row || report_cell(row, "value", v))
				return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		}
		report_totals(t);
	}
	int rc = destruction_table(db, report, o->year);
	if (!rc)
		rc = recoveries_table(db, report, o->year);
	if (!rc)
		rc = report_people_tables(db, report, o->year);
	if (rc)
		return rc;
	/* nil: nothing at all to report for the year */
	json_t *t;
	size_t i;
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		json_t *totals = json_object_get(t, "totals");
		const char *k;
		json_t *v;
		json_object_foreach(totals, k, v) any = any || json_integer_value(v) != 0;
	}
	json_object_set_new(report, "nil", json_boolean(!any));
	return 0;
}

static int no_row(const char *table, const char *key)
{
	return wam_error_set(WAM_EINVAL, "row", "the %s report has no row %.40s/%.60s", "poa", table, key);
}

static int records(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
                   const char *column)
{
	*out = NULL;
	if (report_people_table(table))
		return report_people_records(db, out, o->year, table, key, column);
	if (!strcmp(table, "destruction")) {
		if (!wam_in_vocab(methods, key))
			return no_row(table, key);
		char more[64];
		snprintf(more, sizeof more, " AND d.state='closed' AND upper(d.method)='%s'", key);
		if (column && !strcmp(column, "weapons"))
			return figure_rows(db, out, o->year, DESTROYED_WEAPONS, more, 0);
		if (column && !strcmp(column, "rounds"))
			return figure_rows(db, out, o->year, BATCH_ROUNDS, more, 0);
		if (column)
			return no_row(table, key);
		return figure_rows(db, out, o->year, BATCHES_DATED " @", more, 0);
	}
	if (!strcmp(table, "recoveries")) {
		bool known = !strcmp(key, "unknown") || wam_in_vocab(wam_collection_recovery_contexts, key);
		if (!known || (column && strcmp(column, "total") != 0 && !wam_in_vocab(report_recovery_types, column)))
			return no_row(table, key);
		json_t *units, *u, *list = json_array();
		size_t i;
		int rc = report_recovered_items(db, &units, o->year);
		if (rc) {
			json_decref(list);
			return rc;
		}
		json_array_foreach(units, i, u)
		{
			if (!json_integer_value(json_object_get(u, "weapon")) ||
			    strcmp(json_string_value(json_object_get(u, "context")), key) != 0 ||
			    (column && strcmp(column, "total") != 0 &&
			     strcmp(json_string_value(json_object_get(u, "recovery_type")), column) != 0))
				continue;
			json_array_append_new(list, report_recovered_record(u));
		}
		json_decref(units);
		*out = list;
		return 0;
	}
	for (size_t i = 0; i < NFIGURES; i++)
		if (!strcmp(figures[i].table, table) && !strcmp(figures[i].key, key)) {
			if (column && strcmp(column, "value") != 0)
				return no_row(table, key);
			return figure_rows(db, out, o->year, figures[i].sql, NULL, 0);
		}
	return no_row(table, key);
}

const report_kind report_poa = {.name = "poa", .make = make, .records = records};
