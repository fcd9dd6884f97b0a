/* Lost and stolen weapons and ammunition: reports that put a weapon or
 * ammunition out of lawful control, read back with the weapon and the
 * ammunition lines, and the list of open ones in the lost/stolen CSV layout
 * (docs/formats/lost-stolen-csv.md) an iARMS-style database takes, which
 * lists weapons only.
 *
 * The weapon is the registry's: a report about a weapon it holds changes
 * that weapon's status through the state machine, one about a weapon it
 * does not hold (a civilian's, a foreign notice) registers it with the
 * status. Either way the recovered weapons are then searched for it, so a
 * weapon seized before its theft was reported still gives a hit.
 *
 * One loss is one record: a weapon that becomes lost or stolen any other
 * way (its status changed, registered or imported so, a stock check's
 * missing weapon resolved so) gets its report in the same transaction,
 * through the registry's status hook (wam_trace_status_changed). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "trace/trace.h"
#include "store/field.h"
#include "wam/registry.h"
#include "wam/trace.h"

static const char *const kinds[] = {"lost", "stolen", NULL};
const char *const *const wam_trace_loss_kinds = kinds;
/* A loss report's fields, in the order they are checked; the weapon
 * (item_id or item) is checked by check_loss itself. */
static const wam_field loss_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = kinds},
    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "place", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "circumstances",
     .kind = WAM_FIELD_TEXT,
     .flags = WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE,
     .max = WAM_MAX_NOTES},
    {.name = "reported_by", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "agency", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "police_ref", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "item_id", .kind = WAM_FIELD_OTHER},
    {.name = "item", .kind = WAM_FIELD_OTHER},
    {.name = "ammunition", .kind = WAM_FIELD_OTHER},
    {0}};

/* The ammunition lines a loss report may hold: rounds stolen from an
 * armoury's store are one report, however many lots they were. */
#define MAX_LOSS_LINES 1000

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

/* Open: the weapon is still lost or stolen and this is its latest report;
 * a loss of ammunition only (item_id '', read as null) has no weapon whose
 * status would close it, and stays open until a person closes it
 * (loss_closures, which a registry made before migration 17 lacks: the
 * CLOSURE_* parts say what is read then). */
#define LOSS_SELECT(CLOSURE_COLUMNS, CLOSURE_JOIN)                                                                     \
	"SELECT l.id, l.kind, l.date, l.place, l.circumstances, l.reported_by, l.agency, l.police_ref,"                \
	" nullif(l.item_id, '') AS item_id,"                                                                           \
	" i.serial, i.make, i.model, i.calibre, i.category, i.country, i.status, l.seq,"                               \
	" ((l.item_id='' AND c.report_id IS NULL) OR (i.status IN ('lost','stolen') AND"                               \
	"  l.seq=(SELECT max(seq) FROM loss_reports o WHERE o.item_id=l.item_id)))"                                    \
	" AS open, (SELECT count(*) FROM hits h WHERE h.match_id=l.item_id AND h.state<>'rejected') AS "               \
	"hits," CLOSURE_COLUMNS " FROM loss_reports l LEFT JOIN items i ON i.id=l.item_id " CLOSURE_JOIN               \
	" WHERE (l.item_id='' OR i.id IS NOT NULL)"
#define LOSS_SQL_CLOSURES                                                                                              \
	LOSS_SELECT(" c.reason AS closed_reason, c.recovery_id AS closed_recovery_id, c.seq AS closed_seq",            \
	            "LEFT JOIN loss_closures c ON c.report_id=l.id")
#define LOSS_SQL_BEFORE_CLOSURES                                                                                       \
	LOSS_SELECT(" NULL AS closed_reason, NULL AS closed_recovery_id, NULL AS closed_seq",                          \
	            "LEFT JOIN (SELECT NULL AS report_id) c ON 0")
/* The query `BEFORE` the loss reports' select `AFTER`, as the registry's
 * tables allow. */
#define LOSS_QUERY(db, BEFORE, AFTER)                                                                                  \
	(wam_table_exists(db, "loss_closures") ? BEFORE LOSS_SQL_CLOSURES AFTER : BEFORE LOSS_SQL_BEFORE_CLOSURES AFTER)

/* The ammunition lines of loss reports, in the order they were reported. */
#define LOSS_AMMUNITION_SQL                                                                                            \
	"SELECT report_id, line, calibre, type, headstamp_text, headstamp_factory, headstamp_year, lot,"               \
	" packaging_marks, crate_marks, quantity, packages, notes FROM loss_ammunition"

/* A line of table loss_ammunition as it was reported: {line, calibre,
 * type?, headstamp?: {text, factory?, year?}, lot?, packaging_marks?,
 * crate_marks?, quantity, packages?, notes?}. */
static json_t *ammunition_line(const json_t *row)
{
	static const char *const keys[] = {"line",        "calibre",  "type",     "lot",   "packaging_marks",
	                                   "crate_marks", "quantity", "packages", "notes", NULL};
	json_t *o = json_object();
	for (const char *const *k = keys; *k; k++) {
		const json_t *v = json_object_get(row, *k);
		if (v && !json_is_null(v))
			json_object_set(o, *k, (json_t *)v);
	}
	if (str(row, "headstamp_text")) {
		json_t *h = json_pack("{s:s}", "text", str(row, "headstamp_text"));
		if (str(row, "headstamp_factory"))
			json_object_set_new(h, "factory", json_string(str(row, "headstamp_factory")));
		if (json_is_integer(json_object_get(row, "headstamp_year")))
			json_object_set(h, "year", json_object_get(row, "headstamp_year"));
		json_object_set_new(o, "headstamp", h);
	}
	return o;
}

/* Gives each report of `rows` its `ammunition` lines (an empty list for a
 * weapon's report) and `open` as a JSON boolean. A registry made before
 * losses held ammunition has no loss_ammunition table: none then. */
static int shape_losses(wam_db *db, json_t *rows, const char *report_id)
{
	json_t *lines = NULL, *by_report = json_object(), *r;
	size_t i;
	int rc = 0;
	if (wam_table_exists(db, "loss_ammunition"))
		rc = wam_query_rows(db, &lines,
		                    report_id ? LOSS_AMMUNITION_SQL " WHERE report_id=?1 ORDER BY line"
		                              : LOSS_AMMUNITION_SQL " ORDER BY report_id, line",
		                    report_id, NULL);
	json_array_foreach(lines, i, r)
	{
		const char *id = str(r, "report_id");
		json_t *list = json_object_get(by_report, id);
		if (!list) {
			list = json_array();
			json_object_set_new(by_report, id, list);
		}
		json_array_append_new(list, ammunition_line(r));
	}
	json_array_foreach(rows, i, r)
	{
		json_object_set_new(r, "open", json_boolean(json_integer_value(json_object_get(r, "open"))));
		/* closed by a person: a loss of ammunition only */
		json_t *closed = json_object_get(r, "closed_seq");
		json_object_set_new(r, "closed",
		                    json_is_integer(closed)
		                        ? json_pack("{sO sO sO}", "reason", json_object_get(r, "closed_reason"),
		                                    "recovery_id", json_object_get(r, "closed_recovery_id"), "seq",
		                                    closed)
		                        : json_null());
		json_object_del(r, "closed_reason");
		json_object_del(r, "closed_recovery_id");
		json_object_del(r, "closed_seq");
		json_t *list = json_object_get(by_report, str(r, "id"));
		json_object_set_new(r, "ammunition", list ? json_incref(list) : json_array());
	}
	json_decref(lines);
	json_decref(by_report);
	return rc;
}

static int get_loss(wam_db *db, json_t **out, const char *id)
{
	json_t *r, *hits;
	*out = NULL;
	int rc = wam_query_one(db, &r, LOSS_QUERY(db, "", " AND l.id=?"), id, "loss report");
	if (rc)
		return rc;
	json_t *one = json_pack("[O]", r);
	rc = shape_losses(db, one, id);
	json_decref(one);
	if (!rc && !str(r, "item_id"))
		hits = json_array(); /* ammunition only: no weapon to find */
	else if (!rc)
		rc = wam_trace_hits_of(db, &hits, str(r, "item_id"));
	if (rc) {
		json_decref(r);
		return rc;
	}
	json_object_set_new(r, "hits", hits);
	*out = r;
	return 0;
}

/* The ammunition lines of report `in` into `p`, each as every room checks
 * one (wam_ammunition_take); photos are not kept with a loss. */
static int take_ammunition(wam_db *db, json_t *p, const json_t *in)
{
	const json_t *arr = json_object_get(in, "ammunition");
	if (wam_absent(arr))
		return 0;
	if (!json_is_array(arr) || !json_array_size(arr) || json_array_size(arr) > MAX_LOSS_LINES)
		return wam_error_set(WAM_EINVAL, "ammunition", "ammunition must be a list of 1 to %d lines",
		                     MAX_LOSS_LINES);
	json_t *list = json_array();
	size_t i;
	const json_t *a;
	int rc = 0;
	json_array_foreach(arr, i, a)
	{
		char prefix[40], field[48];
		snprintf(prefix, sizeof prefix, "ammunition[%zu].", i);
		json_t *line = json_object();
		json_array_append_new(list, line);
		if ((rc = wam_ammunition_take(db, line, a, prefix, 0, 0)))
			break;
		if (!wam_absent(json_object_get(a, "photos"))) {
			snprintf(field, sizeof field, "%sphotos", prefix);
			rc = wam_error_set(
			    WAM_EINVAL, field,
			    "%s: a loss report keeps no photos; attach them to the recovery or observation", field);
			break;
		}
	}
	if (!rc)
		json_object_set(p, "ammunition", list);
	json_decref(list);
	return rc;
}

/* Validates everything but the weapon into `p`. */
static int check_loss(wam_db *db, json_t *p, const json_t *in)
{
	int rc;
	char today[11];
	if ((rc = wam_field_check(NULL, p, in, loss_fields, "", 0)))
		return rc;
	const char *date = str(p, "date");
	wam_date_today(today);
	if (strcmp(date, today) > 0)
		return wam_error_set(WAM_EINVAL, "date",
		                     "date %s is after today (%s): a loss is reported once it happened", date, today);
	bool by_id = !wam_absent(json_object_get(in, "item_id")), described = !wam_absent(json_object_get(in, "item"));
	if ((rc = take_ammunition(db, p, in)))
		return rc;
	bool ammunition = json_object_get(p, "ammunition") != NULL;
	if (!by_id && !described && !ammunition)
		return wam_error_set(WAM_EINVAL, "item_id",
		                     "a loss report names a weapon (item_id or item) or ammunition");
	if (by_id && described)
		return wam_error_set(WAM_EINVAL, by_id ? "item" : "item_id",
		                     "a loss report names a registry weapon (item_id) or describes one (item), %s",
		                     "not both");
	if (by_id && !json_is_string(json_object_get(in, "item_id")))
		return wam_error_set(WAM_EINVAL, "item_id", "item_id must be a string");
	if (described && !json_is_object(json_object_get(in, "item")))
		return wam_error_set(WAM_EINVAL, "item", "item must be a JSON object (a weapon as registered)");
	return 0;
}

/* Puts the weapon out of lawful control: its status becomes the report's
 * kind, or it is registered with that status. Its id in `id`. */
static int lose_weapon(wam_db *db, const json_t *p, const json_t *in, char id[WAM_ID_LEN + 1])
{
	const char *kind = str(p, "kind");
	json_t *out = NULL;
	int rc;
	const char *item_id = json_string_value(json_object_get(in, "item_id"));
	if (item_id) {
		json_t *rows;
		if ((rc = wam_query_rows(db, &rows, "SELECT id FROM items WHERE id=?", item_id, NULL)))
			return rc;
		bool known = json_array_size(rows) > 0;
		json_decref(rows);
		if (!known)
			return wam_error_set(WAM_EINVAL, "item_id", "no weapon with id '%.40s'", item_id);
		json_t *d = json_pack("{s:s}", "reason", str(p, "circumstances"));
		rc = wam_registry_item_set_status(db, NULL, item_id, kind, d);
		json_decref(d);
		if (rc) {
			return wam_error_within(rc, "item_id", "weapon %.40s", item_id);
		}
		snprintf(id, WAM_ID_LEN + 1, "%s", item_id);
		return 0;
	}
	const json_t *item = json_object_get(in, "item");
	const char *status = str(item, "status");
	if (status && strcmp(status, kind) != 0)
		return wam_error_set(WAM_EINVAL, "item.status", "a weapon reported %s is registered as %s, not %.20s",
		                     kind, kind, status);
	json_t *copy = json_copy((json_t *)item);
	json_object_set_new(copy, "status", json_string(kind));
	rc = wam_registry_item_add(db, &out, copy, 0);
	json_decref(copy);
	if (rc)
		return wam_error_inside(rc, "item");
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	return 0;
}

extern const struct wam_room wam_room_trace;

/* While a loss report is being recorded, the trace room's state of the
 * handle points here: the status change the report makes is the report's
 * own, and the status hook records nothing of it. */
static char reporting;

static bool is_reporting(wam_db *db)
{
	void **state = wam_room_state(db, &wam_room_trace);
	return state && *state == &reporting;
}

static void set_reporting(wam_db *db, bool on)
{
	void **state = wam_room_state(db, &wam_room_trace);
	if (state)
		*state = on ? &reporting : NULL;
}

/* The one who records a loss a status change makes: the principal acting
 * (a user, a token), else the handle's actor (os:LOGIN). */
static const char *reporter(const wam_db *db)
{
	return db->principal.name[0] ? db->principal.name : db->actor;
}

/* Records loss report `p` (its item_id set) under a new id and, unless
 * `search` is false, searches the recovered weapons for its weapon. */
static int record_loss(wam_db *db, json_t *p, bool search)
{
	char id[WAM_ID_LEN + 1];
	wam_db_new_id(db, id);
	int rc = wam_ledger_append(db, "loss.reported", id, p, NULL);
	if (!rc && search)
		rc = wam_trace_scan_loss(db, NULL, json_string_value(json_object_get(p, "item_id")));
	return rc;
}

/* A loss report made from the change that put a weapon out of lawful
 * control: its kind the new status, `date` the day of the change, the
 * circumstances its reason (a sentence saying there is none without one),
 * reported by whoever made the change. */
static json_t *report_of_change(const char *item_id, const char *to, const char *date, const char *reason,
                                const char *by)
{
	char why[160];
	if (!reason) {
		snprintf(why, sizeof why, "registered %s; no circumstances were recorded with the weapon", to);
		reason = why;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", to, "date", date, "circumstances", reason, "reported_by",
	                 by && *by ? by : "unknown", "item_id", item_id);
}

/* The weapons lost or stolen whose latest status change (or registration)
 * no loss report followed: what a registry written before every such
 * change made its report lacks. The change's event, its day and who made
 * it. */
#define UNREPORTED_SQL                                                                                                 \
	"SELECT i.id, i.status, e.type, e.payload, e.actor, substr(e.time, 1, 10) AS day FROM items i"                 \
	" JOIN events e ON e.seq=(SELECT max(seq) FROM events x WHERE x.subject=i.id"                                  \
	"  AND x.type IN ('item.registered','item.status_changed'))"                                                   \
	" WHERE i.status IN ('lost','stolen')"                                                                         \
	" AND NOT EXISTS (SELECT 1 FROM loss_reports l WHERE l.item_id=i.id AND l.seq>e.seq) ORDER BY e.seq"

int wam_trace_backfill(wam_db *db, int *recorded);
int wam_trace_backfill(wam_db *db, int *recorded)
{
	json_t *rows, *r;
	size_t i;
	*recorded = 0;
	int rc = wam_query_rows(db, &rows, UNREPORTED_SQL, NULL, NULL);
	if (rc)
		return rc;
	json_array_foreach(rows, i, r)
	{
		json_t *change = json_loads(str(r, "payload") ? str(r, "payload") : "{}", 0, NULL);
		bool registered = !strcmp(str(r, "type"), "item.registered");
		json_t *p = report_of_change(str(r, "id"), str(r, "status"), str(r, "day"),
		                             str(change, registered ? "notes" : "reason"), str(r, "actor"));
		json_decref(change);
		if (!p) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
		rc = record_loss(db, p, true);
		json_decref(p);
		if (rc)
			break;
		(*recorded)++;
	}
	json_decref(rows);
	return rc;
}

int wam_trace_status_changed(wam_db *db, const char *item_id, const char *from, const char *to, const json_t *change,
                             unsigned flags);
int wam_trace_status_changed(wam_db *db, const char *item_id, const char *from, const char *to, const json_t *change,
                             unsigned flags)
{
	if (!wam_in_vocab(kinds, to) || (from && wam_in_vocab(kinds, from)) || is_reporting(db))
		return 0; /* not a loss, a loss already reported, or the report itself */
	char today[11];
	wam_date_today(today);
	json_t *p = report_of_change(item_id, to, today, str(change, from ? "reason" : "notes"), reporter(db));
	if (!p)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int rc = record_loss(db, p, !(flags & WAM_STATUS_BULK));
	json_decref(p);
	return rc;
}

int wam_trace_loss_report(wam_db *db, json_t **out, const json_t *report)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "loss reports");
	}
	int rc;
	char id[WAM_ID_LEN + 1], item[WAM_ID_LEN + 1];
	json_t *p = json_object();
	if (out)
		*out = NULL;
	if (!json_is_object(report)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a loss report is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = check_loss(db, p, report)))
		goto fail;
	/* a weapon, if the report names one (ammunition may be lost alone) */
	bool weapon = !wam_absent(json_object_get(report, "item_id")) || !wam_absent(json_object_get(report, "item"));
	if (weapon) {
		set_reporting(db, true);
		rc = lose_weapon(db, p, report, item);
		set_reporting(db, false);
		if (rc)
			goto fail;
		json_object_set_new(p, "item_id", json_string(item));
	}
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "loss.reported", id, p, NULL)) ||
	    (weapon && (rc = wam_trace_scan_loss(db, NULL, item))))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = get_loss(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

static const char *const close_fields[] = {"reason", "recovery_id", NULL};

int wam_trace_loss_close(wam_db *db, json_t **out, const char *id, const json_t *close)
{
	if (out)
		*out = NULL;
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "loss reports");
	json_t *loss = NULL, *p = json_object(), *rec = NULL;
	int rc;
	if (!json_is_object(close)) {
		rc = wam_error_set(
		    WAM_EINVAL, NULL,
		    "closing a loss report takes a JSON object: its reason, and the recovery_id when there is one");
		goto done;
	}
	if ((rc = wam_check_fields(close, close_fields, "", 0)) ||
	    (rc = wam_take_text(p, close, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0)) ||
	    (rc = wam_take_text(p, close, "recovery_id", "recovery_id", 0, WAM_ID_LEN, 0)))
		goto done;
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = get_loss(db, &loss, id)))
		goto fail;
	if (str(loss, "item_id")) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "id",
		    "loss report %s is of weapon %s: it closes when the weapon's status changes (recovered,"
		    " written off)",
		    id, str(loss, "item_id"));
		goto fail;
	}
	if (!json_is_null(json_object_get(loss, "closed"))) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "loss report %s is closed already", id);
		goto fail;
	}
	const char *recovery = str(p, "recovery_id");
	if (recovery) {
		rc = wam_table_exists(db, "recovery_ammunition")
		         ? wam_query_one(
		               db, &rec,
		               "SELECT r.id, (SELECT count(*) FROM recovery_ammunition a WHERE a.recovery_id=r.id)"
		               " AS lines FROM recoveries r WHERE r.id=?",
		               recovery, "recovery")
		         : WAM_ENOTFOUND;
		if (rc == WAM_ENOTFOUND)
			rc = wam_error_set(WAM_EINVAL, "recovery_id", "no recovery with id '%.40s'", recovery);
		else if (!rc && !json_integer_value(json_object_get(rec, "lines")))
			rc = wam_error_set(
			    WAM_EINVAL, "recovery_id",
			    "recovery %s holds no ammunition: it cannot be where the lost rounds were found", recovery);
		if (rc)
			goto fail;
	}
	if ((rc = wam_ledger_append(db, "loss.closed", id, p, NULL)) || (rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = get_loss(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(loss);
	json_decref(rec);
	json_decref(p);
	return rc;
}

int wam_trace_loss_list(wam_db *db, json_t **out, int open_only)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "loss reports");
	}
	int rc =
	    wam_query_rows(db, out,
	                   open_only ? LOSS_QUERY(db, "SELECT * FROM (", ") WHERE open ORDER BY date DESC, seq DESC")
	                             : LOSS_QUERY(db, "", " ORDER BY l.date DESC, l.seq DESC"),
	                   NULL, NULL);
	if (!rc && (rc = shape_losses(db, *out, NULL))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The ammunition lines of loss reports for the ammunition search
 * (match/ammunition.c): each line, dated the day of the loss, in the
 * registry's country. Loss reports are the whole registry's: a principal
 * confined to sites sees none. */
int wam_trace_loss_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx)
{
	json_t *rows = NULL, *reg = NULL, *r;
	size_t i;
	int rc;
	if (wam_confined(db) || !wam_table_exists(db, "loss_ammunition"))
		return 0;
	if ((rc = wam_query_rows(db, &reg, "SELECT country FROM registry", NULL, NULL)) ||
	    (rc = wam_query_rows(db, &rows,
	                         "SELECT a.*, l.date FROM loss_ammunition a JOIN loss_reports l ON l.id=a.report_id"
	                         " ORDER BY l.seq, a.line",
	                         NULL, NULL)))
		goto done;
	const char *country = str(json_array_get(reg, 0), "country");
	json_array_foreach(rows, i, r)
	{
		json_t *line = ammunition_line(r);
		json_object_del(line, "line");
		wam_ammunition_seen seen = {.source = "loss",
		                            .id = str(r, "report_id"),
		                            .line = (long)json_integer_value(json_object_get(r, "line")),
		                            .date = str(r, "date"),
		                            .country = country,
		                            .site_id = NULL,
		                            .ammunition = line};
		rc = visit(ctx, &seen);
		json_decref(line);
		if (rc)
			break;
	}
done:
	json_decref(rows);
	json_decref(reg);
	return rc;
}

/* ---- the lost/stolen CSV (docs/formats/lost-stolen-csv.md) ---- */

static const char *const csv_columns[] = {"reference",
                                          "report_type",
                                          "report_date",
                                          "reporting_country",
                                          "reporting_agency",
                                          "make",
                                          "model",
                                          "type",
                                          "calibre",
                                          "serial",
                                          "country_of_manufacture",
                                          "other_markings",
                                          "place",
                                          "circumstances",
                                          "police_reference",
                                          "wam_item_id",
                                          NULL};

/* The markings other than the serial the `serial` column gives, and the
 * import marks: "kind (component): text" and "import: CC year", joined by
 * "; ". */
static int other_markings(wam_db *db, wam_buf *b, const char *item, const char *serial)
{
	json_t *rows, *m;
	size_t i;
	wam_buf_reset(b);
	int rc = wam_query_rows(db, &rows,
	                        "SELECT kind, component, text, NULL AS year FROM markings WHERE item_id=?1"
	                        " AND NOT (kind='serial' AND component='frame_receiver' AND text=coalesce(?2,''))"
	                        " UNION ALL SELECT 'import', NULL, country, year FROM import_marks WHERE item_id=?1",
	                        item, serial);
	if (rc)
		return rc;
	json_array_foreach(rows, i, m)
	{
		const char *kind = str(m, "kind"), *comp = str(m, "component"), *text = str(m, "text");
		if (comp)
			rc = wam_buf_printf(b, "%s%s (%s): %s", b->n ? "; " : "", kind, comp, text ? text : "");
		else if (json_is_integer(json_object_get(m, "year")))
			rc = wam_buf_printf(b, "%simport: %s %lld", b->n ? "; " : "", text ? text : "",
			                    (long long)json_integer_value(json_object_get(m, "year")));
		else
			rc = wam_buf_printf(b, "%simport: %s", b->n ? "; " : "", text ? text : "");
		if (rc)
			break;
	}
	json_decref(rows);
	return rc;
}

/* Writes one cell; a value a spreadsheet would take for a formula gets an
 * apostrophe in front (wam_csv_put_text), so that opening the list cannot
 * run what a reported serial or circumstance says. */
static int put_cell(FILE *out, const char *s, bool last)
{
	wam_csv_put_text(out, s ? s : "", last);
	return 0;
}

int wam_trace_loss_export(wam_db *db, FILE *out)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "loss reports");
	json_t *rows = NULL, *reg = NULL, *r;
	wam_buf marks = {0};
	size_t i;
	int rc;
	if ((rc = wam_query_rows(db, &reg, "SELECT country FROM registry", NULL, NULL)) ||
	    (rc = wam_query_rows(
	         db, &rows,
	         LOSS_QUERY(db, "SELECT * FROM (", ") WHERE open AND item_id IS NOT NULL ORDER BY date, seq"), NULL,
	         NULL)))
		goto done;
	const char *country = str(json_array_get(reg, 0), "country");
	for (const char *const *c = csv_columns; *c; c++)
		wam_csv_put(out, *c, !c[1]);
	json_array_foreach(rows, i, r)
	{
		if ((rc = other_markings(db, &marks, str(r, "item_id"), str(r, "serial"))))
			goto done;
		const char *cells[] = {
		    str(r, "id"),      str(r, "kind"),          str(r, "date"),       country,
		    str(r, "agency"),  str(r, "make"),          str(r, "model"),      str(r, "category"),
		    str(r, "calibre"), str(r, "serial"),        str(r, "country"),    marks.n ? marks.p : "",
		    str(r, "place"),   str(r, "circumstances"), str(r, "police_ref"), str(r, "item_id")};
		size_t n = sizeof cells / sizeof cells[0];
		for (size_t k = 0; k < n; k++)
			if ((rc = put_cell(out, cells[k], k + 1 == n)))
				goto done;
	}
	if (fflush(out) != 0 || ferror(out))
		rc = wam_error_set(WAM_EIO, NULL, "cannot write the lost/stolen list");
done:
	json_decref(rows);
	json_decref(reg);
	wam_buf_free(&marks);
	return rc;
}
