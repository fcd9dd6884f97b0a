/* Hits: a recovered weapon the fuzzy matcher finds close to a registered
 * one, the owner's decision on it, and illicit origins established other
 * than by tracing.
 *
 * A recovery's weapons are searched when the recovery is recorded, a lost
 * or stolen weapon's serial when the loss is reported (among the weapons
 * recovered so far), so the order in which the two arrive does not matter:
 * either way the hit is scored from the recovered weapon's side, the same
 * search its own recovery would have run. Each strong candidate becomes a
 * hit.found event once per pair of weapons, whichever side found it. The
 * matcher's index catches up inside the open command, so a weapon reported
 * stolen earlier in the same command is found, and a rolled-back one never
 * is (the index is dropped with the rollback). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "store/field.h"
#include "trace/project.h"
#include "trace/trace.h"
#include "trace/request.h"
#include "wam/match.h"
#include "wam/registry.h"
#include "wam/trace.h"

/* Candidates looked at per recovered weapon, besides its own recovery's
 * other weapons (a cache of near-consecutive serials must not crowd the
 * registry's weapon out). */
#define SCAN_LIMIT 5
/* Weapons near a lost one looked at for being recovered ones: most
 * neighbours of a serial are weapons in the registry's own hands. */
#define LOSS_LIMIT 50

static const char *const decisions[] = {"confirm", "reject", NULL};
static const char *const hit_states[] = {"open", "confirmed", "rejected", NULL};
static const char *const diversions[] = {"illicit_manufacture", "civilian_holder", "state_stocks",
                                         "transfer_export",     "other",           NULL};
const char *const *const wam_trace_hit_decisions = decisions;
const char *const *const wam_trace_diversions = diversions;
static const char *const origin_methods[] = {"investigation", "intelligence", "other", NULL};
static const char *const decision_fields[] = {"decision", "reason", "point_of_diversion", NULL};
static const char *const point_fields[] = {"category", "country", "date", "description", NULL};
static const char *const origin_fields[] = {"method", "category", "country", "date", "description", NULL};
static const char *const recovered_statuses[] = {"seized", "found", "surrendered", NULL};

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

/* ---- the point of diversion a holder implies ---- */

static const struct {
	const char *holder_type;
	const char *category;
} holder_categories[] = {
    {"state_armed_force", "state_stocks"}, {"police", "state_stocks"},      {"other_state_agency", "state_stocks"},
    {"un_mission", "state_stocks"},        {"civilian", "civilian_holder"}, {"dealer", "civilian_holder"},
    {"manufacturer", "civilian_holder"},   {"broker", "civilian_holder"},
};

const char *wam_trace_holder_category(const char *holder_type, bool at_site)
{
	if (!holder_type || !*holder_type)
		return at_site ? "state_stocks" : "other";
	for (size_t i = 0; i < sizeof holder_categories / sizeof holder_categories[0]; i++)
		if (!strcmp(holder_categories[i].holder_type, holder_type))
			return holder_categories[i].category;
	return "other"; /* nsag_recovered_from, unknown */
}

static void sql_diversion(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	const char *type = (const char *)sqlite3_value_text(v[0]);
	bool at_site = sqlite3_value_type(v[1]) != SQLITE_NULL && sqlite3_value_bytes(v[1]) > 0;
	sqlite3_result_text(c, wam_trace_holder_category(type, at_site), -1, SQLITE_STATIC);
}

int wam_trace_sql_functions(wam_db *db)
{
	/* registered once per connection: redefining a function would expire
	 * every cached statement of the handle. The trace room's state of the
	 * handle is set once they are (it holds nothing to free). */
	void **registered = wam_room_state(db, &wam_room_trace);
	if (registered && *registered)
		return 0;
	if (sqlite3_create_function_v2(db->conn, "wam_diversion", 2,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_diversion, NULL,
	                               NULL, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "register wam_diversion");
	if (registered)
		*registered = (void *)&wam_room_trace;
	return 0;
}

/* ---- point of diversion fields ---- */

/* The one check of a point of diversion, for hit decisions, origins and
 * trace responses alike: the fields in their order, a country and a date as
 * a request's are checked. */
int wam_trace_take_point(wam_db *db, json_t *out, const json_t *in, const char *prefix)
{
	char f[4][160];
	const char *keys[4] = {"category", "country", "date", "description"};
	for (int k = 0; k < 4; k++)
		snprintf(f[k], sizeof f[k], "%.120s%s%s", prefix, *prefix ? "." : "", keys[k]);
	int rc;
	if ((rc = wam_take_word(out, in, "category", f[0], diversions, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_country(db, out, in, "country", f[1], 0, 0)) ||
	    (rc = wam_take_date(out, in, "date", f[2], 0, 0)))
		return rc;
	const char *date = str(out, "date");
	char today[11];
	wam_date_today(today);
	/* a weapon leaves lawful hands before anyone can say where it did */
	if (date && strcmp(date, today) > 0)
		return wam_error_set(WAM_EINVAL, f[2],
		                     "%s %s is after today (%s): a diversion is recorded once it happened", f[2], date,
		                     today);
	return wam_take_text(out, in, "description", f[3], WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
}

/* ---- finding hits ---- */

/* True for a recovery's weapon that the recovery registered, not one it
 * took from the registry by item_id: nothing happened to the weapon between
 * its registration and the recovery (one taken by id changed status in the
 * recovery's own command). Reads `i` (items) and `r` (recoveries). */
#define REGISTERED_BY_RECOVERY                                                                                         \
	"NOT EXISTS (SELECT 1 FROM events e WHERE e.subject=i.id AND e.seq>i.registered_seq AND e.seq<r.recorded_seq)"

/* The matcher's candidates for weapon `w` ({serial, make, model, calibre,
 * country}), best first: up to two edits when its make is known; without a
 * make, or with characters marked unreadable, the matcher's own allowance
 * (two edits without a make would read every key of the index). An empty
 * array when the weapon has no serial to search for, or too little of one
 * read. */
static int candidates_of(wam_db *db, json_t **out, const json_t *w, int limit)
{
	const char *serial = str(w, "serial"), *make = str(w, "make");
	*out = NULL;
	if (!serial || wam_match_serial_readable(serial) < WAM_SERIAL_MIN_READABLE) {
		*out = json_array();
		return 0;
	}
	bool unreadable = strchr(serial, '?') || strchr(serial, '*');
	wam_match_query q = {.serial = serial,
	                     .make = make,
	                     .model = str(w, "model"),
	                     .calibre = str(w, "calibre"),
	                     .country = str(w, "country"),
	                     .limit = limit > 1000 ? 1000 : limit,
	                     .max_edits = make && !unreadable ? 2 : -1};
	json_t *res;
	int rc = wam_match_search(db, &res, &q);
	if (rc == WAM_EINVAL) { /* a serial with no letter or digit: nothing to search for */
		wam_error_clear();
		*out = json_array();
		return 0;
	}
	if (rc)
		return rc;
	*out = json_incref(json_object_get(res, "candidates"));
	json_decref(res);
	return 0;
}

/* Records candidate `c` of recovered weapon `item_id` as a hit unless the
 * two weapons are a hit already (either way round); its id goes to `made`. */
static int record_hit(wam_db *db, json_t *made, const char *recovery_id, const char *item_id, const json_t *c)
{
	const char *match_id = str(c, "id");
	json_t *row;
	int rc = wam_query_row(db, &row,
	                       "SELECT id FROM hits WHERE (item_id=?1 AND match_id=?2) OR (item_id=?2 AND match_id=?1)",
	                       item_id, match_id);
	if (rc || row) {
		json_decref(row);
		return rc;
	}
	char id[WAM_ID_LEN + 1];
	wam_db_new_id(db, id);
	json_t *p = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "item_id", item_id, "match_id", match_id,
	                      "score", json_object_get(c, "score"), "reason", json_object_get(c, "reason"), "distance",
	                      json_object_get(c, "distance"), "edits", json_object_get(c, "edits"), "owner_site_id",
	                      json_object_get(c, "site_id") ? json_object_get(c, "site_id") : json_null(),
	                      "match_status", json_object_get(c, "status"), "recovery_id",
	                      recovery_id ? json_string(recovery_id) : json_null());
	if (!p)
		return wam_error_set(WAM_EINTEGRITY, NULL, "the matcher gave an incomplete candidate for %s", item_id);
	rc = wam_ledger_append(db, "hit.found", id, p, NULL);
	json_decref(p);
	if (!rc && made)
		json_array_append_new(made, json_string(id));
	return rc;
}

/* A hit: a score of at least WAM_HIT_MIN_SCORE on the whole serial. The
 * matcher's fallback to a fragment (a short serial found inside longer
 * ones) serves a person searching; for a serial read whole it would make
 * every registered serial containing it a hit. */
/* True when candidate `id` is a record a recovered weapon can be traced to:
 * a weapon the registry held lawfully, or any weapon reported lost or
 * stolen. A weapon some recovery itself registered is not one: two
 * recovered weapons of close serials (a DDR collection of one batch of
 * rifles) are not a trace, and would fill the inbox. */
static int traceable(wam_db *db, const char *id, bool *yes)
{
	json_t *row;
	int rc = wam_query_row(db, &row,
	                       "SELECT EXISTS (SELECT 1 FROM loss_reports l WHERE l.item_id=?1)"
	                       " OR NOT EXISTS (SELECT 1 FROM recovery_items x JOIN recoveries r ON r.id=x.recovery_id"
	                       " JOIN items i ON i.id=x.item_id WHERE x.item_id=?1 AND " REGISTERED_BY_RECOVERY ") AS yes",
	                       id, NULL);
	*yes = !rc && row && json_integer_value(json_object_get(row, "yes"));
	json_decref(row);
	return rc;
}

static bool strong(const json_t *c)
{
	const char *why = str(c, "reason");
	return json_number_value(json_object_get(c, "score")) >= WAM_HIT_MIN_SCORE && why &&
	       strcmp(why, "partial") != 0;
}

/* Searches the registry for each weapon recovery `rid` registered. */
static int scan_recovery(wam_db *db, json_t *made, const char *rid)
{
	json_t *weapons, *w;
	size_t i;
	int rc = wam_query_rows(db, &weapons,
	                        "SELECT i.id, i.serial, i.make, i.model, i.calibre, i.country, " REGISTERED_BY_RECOVERY
	                        " AS new FROM recovery_items x JOIN recoveries r ON r.id=x.recovery_id"
	                        " JOIN items i ON i.id=x.item_id WHERE x.recovery_id=? ORDER BY x.n",
	                        rid, NULL);
	if (rc)
		return rc;
	size_t n = json_array_size(weapons);
	json_array_foreach(weapons, i, w)
	{
		if (!json_integer_value(json_object_get(w, "new")))
			continue; /* the registry's own record: nothing to find */
		json_t *cands, *c;
		size_t j;
		if ((rc = candidates_of(db, &cands, w, 4 * SCAN_LIMIT + (int)n)))
			break;
		json_array_foreach(cands, j, c)
		{
			const char *cid = str(c, "id");
			bool sibling = false;
			for (size_t k = 0; k < n && !sibling; k++)
				sibling = !strcmp(cid ? cid : "", str(json_array_get(weapons, k), "id"));
			bool lawful = false;
			if (sibling || !strong(c))
				continue;
			if ((rc = traceable(db, cid, &lawful)))
				break;
			if (!lawful)
				continue;
			if ((rc = record_hit(db, made, rid, str(w, "id"), c)))
				break;
		}
		json_decref(cands);
		if (rc)
			break;
	}
	json_decref(weapons);
	return rc;
}

int wam_trace_scan_loss(wam_db *db, json_t *made, const char *item_id)
{
	json_t *lost, *cands = NULL, *c;
	size_t i;
	int rc = wam_query_row(db, &lost, "SELECT id, serial, make, model, calibre, country FROM items WHERE id=?",
	                       item_id, NULL);
	if (rc || !lost)
		return rc;
	if ((rc = candidates_of(db, &cands, lost, LOSS_LIMIT)))
		goto done;
	json_array_foreach(cands, i, c)
	{
		const char *cid = str(c, "id");
		json_t *w = NULL, *back = NULL, *b;
		size_t j;
		if (!cid || !strcmp(cid, item_id))
			continue;
		/* a recovered weapon, registered by its (latest) recovery or only
		 * given a recovered status */
		if ((rc = wam_query_row(
		         db, &w,
		         "SELECT i.id, i.serial, i.make, i.model, i.calibre, i.country, i.status,"
		         " (SELECT r.id FROM recovery_items x JOIN recoveries r ON r.id=x.recovery_id"
		         "  WHERE x.item_id=i.id ORDER BY r.recorded_seq DESC LIMIT 1) AS recovery_id,"
		         " (SELECT " REGISTERED_BY_RECOVERY " FROM recovery_items x JOIN recoveries r"
		         "  ON r.id=x.recovery_id WHERE x.item_id=i.id ORDER BY r.recorded_seq DESC LIMIT 1)"
		         " AS new FROM items i WHERE i.id=?",
		         cid, NULL)))
			break;
		bool recovered = str(w, "recovery_id") ? json_integer_value(json_object_get(w, "new")) != 0
		                                       : wam_in_vocab(recovered_statuses, str(w, "status"));
		/* scored as the recovered weapon's own search scores the lost one */
		if (recovered && !(rc = candidates_of(db, &back, w, LOSS_LIMIT)))
			json_array_foreach(back, j, b)
			{
				if (strcmp(str(b, "id") ? str(b, "id") : "", item_id) != 0)
					continue;
				if (strong(b))
					rc = record_hit(db, made, str(w, "recovery_id"), cid, b);
				break;
			}
		json_decref(back);
		json_decref(w);
		if (rc)
			break;
	}
done:
	json_decref(cands);
	json_decref(lost);
	return rc;
}

int wam_trace_scan_weapon(wam_db *db, json_t *made, const char *item_id)
{
	json_t *w, *cands = NULL, *c;
	size_t i;
	int rc = wam_query_row(db, &w, "SELECT id, serial, make, model, calibre, country FROM items WHERE id=?",
	                       item_id, NULL);
	if (rc || !w)
		return rc;
	if (!(rc = candidates_of(db, &cands, w, 4 * SCAN_LIMIT)))
		json_array_foreach(cands, i, c)
		{
			const char *cid = str(c, "id");
			bool lawful = false;
			if (!cid || !strcmp(cid, item_id) || !strong(c))
				continue;
			if ((rc = traceable(db, cid, &lawful)) || (lawful && (rc = record_hit(db, made, NULL, item_id, c))))
				break;
		}
	json_decref(cands);
	json_decref(w);
	return rc;
}

int wam_trace_weapon_registered(wam_db *db, const char *item_id)
{
	return wam_trace_scan_weapon(db, NULL, item_id);
}

/* ---- reading hits ---- */

#define ITEM_AS(a)                                                                                                     \
	a ".id AS " a "_id, " a ".serial AS " a "_serial, " a ".make AS " a "_make, " a ".model AS " a "_model, " a    \
	  ".calibre AS " a "_calibre, " a ".country AS " a "_country, " a ".category AS " a "_category, " a            \
	  ".status AS " a "_status, " a ".site_id AS " a "_site_id"
#define HIT_LIST_SQL                                                                                                   \
	"SELECT h.id, h.state, h.score, h.reason, h.distance, h.recovery_id, h.owner_site_id, h.found_seq,"            \
	" h.decided_seq, h.decision_reason, h.point_category, " ITEM_AS("r") ", " ITEM_AS(                             \
	    "m") ","                                                                                                   \
	         " m.holder_id AS m_holder_id FROM hits h JOIN items r ON r.id=h.item_id JOIN items m ON "             \
	         "m.id=h.match_id"
#define HIT_ORDER " ORDER BY h.state<>'open', h.found_seq DESC"

/* Moves the r_ and m_ columns of a list row under `recovered` and
 * `registered`. */
static void shape_hit(json_t *row)
{
	static const char *const cols[] = {"id",       "serial", "make",    "model",     "calibre", "country",
	                                   "category", "status", "site_id", "holder_id", NULL};
	const char *prefix[2] = {"r_", "m_"}, *name[2] = {"recovered", "registered"};
	for (int s = 0; s < 2; s++) {
		json_t *o = json_object();
		for (const char *const *c = cols; *c; c++) {
			char key[32];
			snprintf(key, sizeof key, "%s%s", prefix[s], *c);
			json_t *v = json_object_get(row, key);
			if (!v)
				continue;
			json_object_set(o, *c, v);
			json_object_del(row, key);
		}
		json_object_set_new(row, name[s], o);
	}
}

static void shape_hits(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) shape_hit(row);
}

int wam_trace_hits_of(wam_db *db, json_t **out, const char *match_id)
{
	int rc = wam_query_rows(db, out, HIT_LIST_SQL " WHERE h.match_id=?" HIT_ORDER, match_id, NULL);
	if (!rc)
		shape_hits(*out);
	return rc;
}

int wam_trace_recovery_hits(wam_db *db, json_t *rec, const char *recovery_id)
{
	json_t *list;
	int rc =
	    wam_query_rows(db, &list,
	                   HIT_LIST_SQL " WHERE h.item_id IN (SELECT item_id FROM recovery_items WHERE recovery_id=?)"
	                                " ORDER BY h.state<>'open', h.found_seq",
	                   recovery_id, NULL);
	if (rc)
		return rc;
	shape_hits(list);
	json_object_set_new(rec, "hits", list);
	return 0;
}

int wam_trace_hit_list(wam_db *db, json_t **out, const wam_hit_filter *f)
{
	wam_buf sql = {0};
	sqlite3_stmt *st = NULL;
	int rc;
	*out = NULL;
	if (f && f->state && !wam_in_vocab(hit_states, f->state))
		return wam_error_set(WAM_EINVAL, "state", "state is open, confirmed or rejected, not '%.20s'",
		                     f->state);
	if (f && (f->nsites < 0 || f->nsites > 64))
		return wam_error_set(WAM_EINVAL, "sites", "a hit list filters on at most 64 sites");
	wam_hit_filter mine = {0};
	const char *sites[WAM_AUTH_MAX_SITES];
	if (wam_confined(db)) { /* only the inboxes of the principal's sites */
		if (f && f->sites && (rc = wam_confine_named(db, NULL, f->sites, f->nsites)))
			return rc;
		if (f)
			mine = *f;
		if (!mine.sites)
			mine.nsites = 0;
		wam_confine_filter(db, &mine.sites, &mine.nsites, sites);
		f = &mine;
	}
	int nsites = f && f->sites ? f->nsites : 0;
	if ((rc = wam_buf_puts(&sql, HIT_LIST_SQL " WHERE 1")))
		goto done;
	if (f && f->state && (rc = wam_buf_puts(&sql, " AND h.state=?1")))
		goto done;
	/* ?66: after the 64 sites */
	if (f && f->item_id && (rc = wam_buf_puts(&sql, " AND (h.item_id=?66 OR h.match_id=?66)")))
		goto done;
	if (nsites) {
		if ((rc = wam_buf_puts(&sql, " AND h.owner_site_id IN (")))
			goto done;
		for (int i = 0; i < nsites; i++)
			if ((rc = wam_buf_printf(&sql, "%s?%d", i ? "," : "", i + 2)))
				goto done;
		if ((rc = wam_buf_putc(&sql, ')')))
			goto done;
	}
	if ((rc = wam_buf_puts(&sql, HIT_ORDER)))
		goto done;
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "list hits");
		goto done;
	}
	if (f && f->state)
		sqlite3_bind_text(st, 1, f->state, -1, SQLITE_STATIC);
	for (int i = 0; i < nsites; i++)
		sqlite3_bind_text(st, i + 2, f->sites[i], -1, SQLITE_STATIC);
	if (f && f->item_id)
		sqlite3_bind_text(st, 66, f->item_id, -1, SQLITE_STATIC);
	if (!(rc = wam_rows_json(st, out, "list hits")))
		shape_hits(*out);
done:
	wam_buf_free(&sql);
	return rc;
}

/* Replaces the JSON text at `key` of `o` by the value it holds. */
static void parse_member(json_t *o, const char *key)
{
	const char *text = json_string_value(json_object_get(o, key));
	if (!text)
		return;
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	json_object_set_new(o, key, v ? v : json_null());
}

/* `holder`: {id, name, type} of the weapon's holder beside its holder_id,
 * so the comparison names whom each weapon was with. Only those: a
 * holder's licence and address are sensitive and not the comparison's
 * business. */
static int name_holder(wam_db *db, json_t *item)
{
	const char *id = str(item, "holder_id");
	json_t *h = NULL;
	if (!id)
		return 0;
	int rc = wam_query_one(db, &h, "SELECT id, name, type FROM holders WHERE id=?", id, "holder");
	if (!rc)
		json_object_set_new(item, "holder", h);
	return rc;
}

int wam_trace_hit_get(wam_db *db, json_t **out, const char *id)
{
	json_t *hit, *item = NULL, *rec = NULL;
	int rc =
	    wam_query_one(db, &hit,
	                  "SELECT id, state, score, reason, distance, edits, recovery_id, item_id, match_id,"
	                  " owner_site_id, decision_reason, point_category, point, found_seq, decided_seq, last_seq"
	                  " FROM hits WHERE id=?",
	                  id, "hit");
	*out = NULL;
	if (rc)
		return rc;
	parse_member(hit, "edits");
	parse_member(hit, "point");
	/* both weapons are shown whole; whether the principal sees the hit is
	 * decided by its owner site below */
	wam_principal who;
	wam_confine_lift(db, &who);
	if (!(rc = wam_registry_item_get(db, &item, str(hit, "item_id")))) {
		json_object_set_new(hit, "recovered", item);
		if (!(rc = name_holder(db, item)) && !(rc = wam_registry_item_get(db, &item, str(hit, "match_id")))) {
			json_object_set_new(hit, "registered", item);
			rc = name_holder(db, item);
		}
	}
	wam_confine_restore(db, &who);
	if (rc)
		goto fail;
	/* a hit is the inbox of the site of the registered weapon it points at */
	const json_t *owner = json_object_get(hit, "owner_site_id");
	if (!owner)
		owner = json_object_get(json_object_get(hit, "registered"), "site_id");
	if ((rc = wam_confine_hide(db, json_string_value(owner), "id", "hit", id)))
		goto fail;
	if (str(hit, "recovery_id") &&
	    (rc = wam_query_row(db, &rec, "SELECT id, type, date, place, context, site_id FROM recoveries WHERE id=?",
	                        str(hit, "recovery_id"), NULL)))
		goto fail;
	json_object_set_new(hit, "recovery", rec ? rec : json_null());
	*out = hit;
	return 0;
fail:
	json_decref(hit);
	return rc;
}

/* ---- scanning ---- */

/* The plug-in of rooms.c: a recovery just recorded is searched for hits,
 * in its transaction. */
int wam_trace_recovery_recorded(wam_db *db, const char *recovery_id);
int wam_trace_recovery_recorded(wam_db *db, const char *recovery_id)
{
	return wam_trace_hit_scan(db, NULL, recovery_id);
}

int wam_trace_hit_scan(wam_db *db, json_t **out, const char *recovery_id)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "a scan for hits");
	}
	json_t *made = json_array(), *list = NULL, *row = NULL, *v;
	size_t i;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = wam_db_begin(db)))
		goto done;
	if (recovery_id) {
		if ((rc = wam_query_row(db, &row, "SELECT id FROM recoveries WHERE id=?", recovery_id, NULL)))
			goto fail;
		if (!row) {
			rc = wam_error_set(WAM_ENOTFOUND, "recovery_id", "no recovery with id '%.40s'", recovery_id);
			goto fail;
		}
		if ((rc = scan_recovery(db, made, recovery_id)))
			goto fail;
	} else {
		if ((rc = wam_query_rows(db, &list, "SELECT id FROM recoveries ORDER BY recorded_seq", NULL, NULL)))
			goto fail;
		json_array_foreach(list, i, v) if ((rc = scan_recovery(db, made, str(v, "id")))) goto fail;
		json_decref(list);
		/* every weapon still lost or stolen, among the weapons recovered */
		if ((rc = wam_query_rows(
		         db, &list,
		         "SELECT DISTINCT l.item_id AS id FROM loss_reports l JOIN items i ON i.id=l.item_id"
		         " WHERE i.status IN ('lost','stolen') ORDER BY l.item_id",
		         NULL, NULL)))
			goto fail;
		json_array_foreach(list, i, v) if ((rc = wam_trace_scan_loss(db, made, str(v, "id")))) goto fail;
		json_decref(list);
		/* every weapon entered as recovered without a recovery */
		if ((rc = wam_query_rows(db, &list,
		                         "SELECT id FROM items i WHERE status IN ('seized','found','surrendered')"
		                         " AND NOT EXISTS (SELECT 1 FROM recovery_items x WHERE x.item_id=i.id) ORDER BY id",
		                         NULL, NULL)))
			goto fail;
		json_array_foreach(list, i, v) if ((rc = wam_trace_scan_weapon(db, made, str(v, "id")))) goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out) {
		json_t *hits = json_array(), *one;
		json_array_foreach(made, i, v)
		{
			if ((rc = wam_query_rows(db, &one, HIT_LIST_SQL " WHERE h.id=?", json_string_value(v), NULL))) {
				json_decref(hits);
				goto done;
			}
			shape_hits(one);
			json_array_extend(hits, one);
			json_decref(one);
		}
		*out = hits;
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(made);
	json_decref(list);
	json_decref(row);
	return rc;
}

/* ---- deciding ---- */

/* Refuses to confirm `hit` when either of its weapons is one weapon with a
 * third already: its registered weapon confirmed as another recovered
 * weapon, or its recovered weapon confirmed as another registered one. Two
 * such confirmations would count one theft as traced twice (SDG 16.4.2)
 * and give the registered weapon two recoveries; one of them is wrong. */
static int check_one_weapon(wam_db *db, const json_t *hit)
{
	json_t *other;
	int rc = wam_query_row(db, &other,
	                       "SELECT id, item_id, match_id, decided_seq FROM hits WHERE state='confirmed' AND id<>?1"
	                       " AND (match_id=(SELECT match_id FROM hits WHERE id=?1)"
	                       "  OR item_id=(SELECT item_id FROM hits WHERE id=?1))"
	                       " ORDER BY decided_seq LIMIT 1",
	                       str(hit, "id"), NULL);
	if (rc || !other)
		return rc;
	bool same_registered = !strcmp(str(other, "match_id"), str(hit, "match_id"));
	rc = wam_error_set(
	    WAM_ECONFLICT, "id",
	    same_registered ? "registered weapon %s is already confirmed as recovered weapon %s (hit %s, event %lld):"
	                      " it cannot be a second recovered weapon too; reject this hit"
	                    : "recovered weapon %s is already confirmed as registered weapon %s (hit %s, event %lld):"
	                      " it cannot be a second registered weapon too; reject this hit",
	    same_registered ? str(hit, "match_id") : str(hit, "item_id"),
	    same_registered ? str(other, "item_id") : str(other, "match_id"), str(other, "id"),
	    (long long)json_integer_value(json_object_get(other, "decided_seq")));
	json_decref(other);
	return rc;
}

int wam_trace_hit_decide(wam_db *db, json_t **out, const char *id, const json_t *decision)
{
	json_t *p = json_object(), *hit = NULL, *point = NULL;
	int rc;
	if (out)
		*out = NULL;
	if (wam_confined(db)) { /* another site's hit is not there */
		if ((rc = wam_trace_hit_get(db, &hit, id)))
			goto done;
		json_decref(hit);
		hit = NULL;
	}
	if (!json_is_object(decision)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a decision is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_one(db, &hit,
	                        "SELECT h.id, h.state, h.item_id, h.match_id, h.decided_seq, m.status AS match_status,"
	                        " m.site_id, hd.type AS holder_type, r.status AS recovered_status,"
	                        " (SELECT type FROM recoveries WHERE id=h.recovery_id) AS recovery_type"
	                        " FROM hits h JOIN items m ON m.id=h.match_id JOIN items r ON r.id=h.item_id"
	                        " LEFT JOIN holders hd ON hd.id=m.holder_id WHERE h.id=?",
	                        id, "hit")))
		goto fail;
	if (strcmp(str(hit, "state"), "open") != 0) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "hit %s was %s already (event %lld)", id, str(hit, "state"),
		                   (long long)json_integer_value(json_object_get(hit, "decided_seq")));
		goto fail;
	}
	if ((rc = wam_check_fields(decision, decision_fields, "", 0)) ||
	    (rc = wam_take_word(p, decision, "decision", "decision", decisions, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_text(p, decision, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE,
	                        WAM_MAX_NOTES, 0)))
		goto fail;
	bool confirm = !strcmp(str(p, "decision"), "confirm");
	if (confirm && (rc = check_one_weapon(db, hit)))
		goto fail;
	const json_t *pod = json_object_get(decision, "point_of_diversion");
	if (!wam_absent(pod)) {
		if (!confirm) {
			rc = wam_error_set(WAM_EINVAL, "point_of_diversion",
			                   "a rejected hit has no point of diversion: the weapons are not the same");
			goto fail;
		}
		point = json_object();
		if ((rc = wam_trace_check_fields(pod, point_fields, "point_of_diversion.")) ||
		    (rc = wam_trace_take_point(db, point, pod, "point_of_diversion")))
			goto fail;
	} else if (confirm) {
		/* the registered weapon's holder says where it left lawful hands */
		const char *holder = str(hit, "holder_type");
		char why[160];
		if (holder)
			snprintf(why, sizeof why, "from the registered weapon's holder (%s)", holder);
		else
			snprintf(why, sizeof why, "from the registered weapon's %s",
			         str(hit, "site_id") ? "site (no holder recorded)"
			                             : "record (no holder or site recorded)");
		point = json_pack("{s:s, s:s}", "category",
		                  wam_trace_holder_category(holder, str(hit, "site_id") != NULL), "description", why);
	}
	if (point)
		json_object_set(p, "point_of_diversion", point);
	if ((rc = wam_ledger_append(db, "hit.decided", id, p, NULL)))
		goto fail;
	const char *was = str(hit, "match_status");
	if (confirm && was && (!strcmp(was, "lost") || !strcmp(was, "stolen"))) {
		/* the lost or stolen weapon is back under control, as the
		 * recovery says */
		const char *to = str(hit, "recovery_type");
		if (!to)
			to = wam_in_vocab(recovered_statuses, str(hit, "recovered_status"))
			         ? str(hit, "recovered_status")
			         : "found";
		json_t *d = wam_registry_reason(wam_message_json("recovered: hit %s confirmed", id));
		rc = wam_registry_item_set_status(db, NULL, str(hit, "match_id"), to, d);
		json_decref(d);
		if (rc)
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_trace_hit_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(hit);
	json_decref(point);
	return rc;
}

/* ---- origins established otherwise ---- */

int wam_trace_origin_establish(wam_db *db, json_t **out, const char *item_id, const json_t *origin)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "origins");
	}
	json_t *p = json_object(), *row = NULL;
	int rc;
	if (out)
		*out = NULL;
	if (!json_is_object(origin)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an origin is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc =
	         wam_query_one(db, &row,
	                       "SELECT i.id, EXISTS (SELECT 1 FROM recovery_items x WHERE x.item_id=i.id) AS recovered,"
	                       " (SELECT seq FROM item_origins o WHERE o.item_id=i.id) AS origin_seq FROM items i"
	                       " WHERE i.id=?",
	                       item_id ? item_id : "", "weapon")))
		goto fail;
	if (!json_integer_value(json_object_get(row, "recovered"))) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "id",
		    "weapon %s was never recovered: an illicit origin is established for a seized, found or"
		    " surrendered weapon",
		    item_id);
		goto fail;
	}
	/* an authority's finding is kept as recorded: a second one would
	 * silently rewrite what SDG 16.4.2 reported */
	if (json_integer_value(json_object_get(row, "origin_seq"))) {
		rc = wam_error_set(WAM_ECONFLICT, "id",
		                   "weapon %s has its illicit origin established already (event %lld)", item_id,
		                   (long long)json_integer_value(json_object_get(row, "origin_seq")));
		goto fail;
	}
	if ((rc = wam_check_fields(origin, origin_fields, "", 0)) ||
	    (rc = wam_take_word(p, origin, "method", "method", origin_methods, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_trace_take_point(db, p, origin, "")))
		goto fail;
	if ((rc = wam_ledger_append(db, "origin.established", item_id, p, NULL)))
		goto fail; /* the transaction is still open */
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out) {
		rc = wam_query_row(db, out,
		                   "SELECT item_id, method, category, country, date, description, seq FROM item_origins"
		                   " WHERE item_id=?",
		                   item_id, NULL);
	}
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(row);
	return rc;
}
