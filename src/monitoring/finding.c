/* Findings: what the cell concludes (a statement with its regime, actor and
 * period), the evidence linked to it (observations, trace requests, hits),
 * and rule R13, which the library holds whoever asks: a finding becomes
 * corroborated only on two independent sources graded better than E and 5,
 * or on a physical inspection with a documentary or trace result. A
 * reported finding is frozen; a correction is a new finding that
 * supersedes it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "monitoring/room.h"
#include "wam/trace.h"

enum { S_FINDING = MON_SLOT_FINDING, S_KIND_OBS, S_KIND_TRACE, S_KIND_HIT };

static const wam_field period_fields[] = {{.name = "from", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
                                          {.name = "to", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
                                          {0}};

static const wam_field finding_fields[] = {
    {.name = "statement",
     .kind = WAM_FIELD_TEXT,
     .flags = WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE,
     .max = WAM_MAX_NOTES},
    {.name = "regime", .kind = WAM_FIELD_TEXT, .max = 64},
    {.name = "actor", .kind = WAM_FIELD_OTHER},
    {.name = "period", .kind = WAM_FIELD_OTHER},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "supersedes", .kind = WAM_FIELD_TEXT, .max = 40},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "links", .kind = WAM_FIELD_OTHER},
    {0}};

static const wam_field report_fields[] = {
    {.name = "to", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {.name = "reference", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {0}};

/* The state of finding `id` into `state` (of 16 bytes): WAM_ENOTFOUND. */
static int finding_state(wam_db *db, const char *id, char state[16])
{
	json_t *row = NULL;
	if (!mon_ready(db))
		return wam_error_set(WAM_ENOTFOUND, "id", "no finding with id '%.40s'", id ? id : "");
	int rc = wam_query_one(db, &row, "SELECT state FROM findings WHERE id=?", id, "finding");
	if (!rc)
		snprintf(state, 16, "%s", mon_str(row, "state"));
	json_decref(row);
	return rc;
}

/* Opens the transaction of a command on finding `id`, its state into
 * `state`; on failure none is left open. */
static int begin_on(wam_db *db, json_t **out, const char *id, char state[16])
{
	int rc;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)) || (rc = wam_db_begin(db)))
		return rc;
	if ((rc = finding_state(db, id, state)))
		wam_db_rollback(db);
	return rc;
}

/* What `target` is: an observation, a trace request or a hit. */
static int target_kind(wam_db *db, const char *target, const char **kind)
{
	static const struct {
		const char *kind, *sql;
		int slot;
	} kinds[] = {{"observation", "SELECT 1 FROM observations WHERE id=?", S_KIND_OBS},
	             {"trace", "SELECT 1 FROM trace_requests WHERE id=?", S_KIND_TRACE},
	             {"hit", "SELECT 1 FROM hits WHERE id=?", S_KIND_HIT}};
	*kind = NULL;
	if (!target || !*target)
		return wam_error_set(WAM_EINVAL, "target", "target is required");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		sqlite3_stmt *st = mon_stmt(db, kinds[i].slot, kinds[i].sql);
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r == SQLITE_ROW) {
			*kind = kinds[i].kind;
			return 0;
		}
		if (r != SQLITE_DONE)
			return wam_sql_fail(db->conn, "finding what a link names");
	}
	return wam_error_set(WAM_ENOTFOUND, "target", "no observation, trace request or hit with id '%.40s'", target);
}

/* Appends finding.linked unless `target` is linked already. */
static int link_one(wam_db *db, const char *id, const char *target, const char *note)
{
	const char *kind;
	json_t *row = NULL;
	int rc = target_kind(db, target, &kind);
	if (rc)
		return rc;
	if ((rc = wam_query_row(db, &row, "SELECT 1 AS yes FROM finding_links WHERE finding_id=? AND target=?", id,
	                        target)) ||
	    row) {
		json_decref(row);
		return rc;
	}
	json_t *p = json_pack("{s:s, s:s}", "target", target, "kind", kind), *n = json_object();
	if (note && *note) {
		json_t *in = json_pack("{s:s}", "note", note);
		rc = wam_take_text(n, in, "note", "note", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
		json_decref(in);
		if (!rc)
			json_object_update(p, n);
	}
	if (!rc)
		rc = wam_ledger_append(db, "finding.linked", id, p, NULL);
	json_decref(p);
	json_decref(n);
	return rc;
}

int wam_monitoring_finding_add(wam_db *db, json_t **out, const json_t *finding)
{
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object();
	const json_t *links, *t;
	json_t *period = NULL;
	size_t i;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)))
		goto done;
	if (!json_is_object(finding)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a finding is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_field_check(db, p, finding, finding_fields, "", 0)) || (rc = mon_take_actor(db, p, finding)) ||
	    (rc = mon_take_object(db, p, finding, "period", period_fields, false, &period)) ||
	    (rc = mon_check_regime(db, mon_str(p, "regime"))))
		goto fail;
	char today[11];
	wam_date_today(today);
	if (period && strcmp(mon_str(period, "to"), today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "period.to",
		                   "period.to %s is in the future: a finding holds what was seen, up to today",
		                   mon_str(period, "to"));
		goto fail;
	}
	if (period && strcmp(mon_str(period, "from"), mon_str(period, "to")) > 0) {
		rc = wam_error_set(WAM_EINVAL, "period.to", "period.to %s is before period.from %s",
		                   mon_str(period, "to"), mon_str(period, "from"));
		goto fail;
	}
	const char *supersedes = mon_str(p, "supersedes");
	if (supersedes) {
		char state[16];
		if ((rc = finding_state(db, supersedes, state))) {
			rc = wam_error_set(WAM_EINVAL, "supersedes", "supersedes: no finding with id '%.40s'",
			                   supersedes);
			goto fail;
		}
		if (strcmp(state, "reported")) {
			rc = wam_error_set(
			    WAM_ECONFLICT, "supersedes",
			    "finding %.40s is %s: only a reported finding is corrected by a new one, a draft"
			    " or corroborated one is changed by its links",
			    supersedes, state);
			goto fail;
		}
		json_t *other = NULL;
		if ((rc = wam_query_row(db, &other, "SELECT id FROM findings WHERE supersedes=? LIMIT 1", supersedes,
		                        NULL)))
			goto fail;
		if (other) {
			rc = wam_error_set(WAM_ECONFLICT, "supersedes",
			                   "finding %.40s is corrected already by finding %.40s: a further correction"
			                   " supersedes that one",
			                   supersedes, mon_str(other, "id"));
			json_decref(other);
			goto fail;
		}
	}
	links = json_object_get(finding, "links");
	if (links && !json_is_null(links) && !json_is_array(links)) {
		rc = wam_error_set(WAM_EINVAL, "links", "links must be a list of ids");
		goto fail;
	}
	json_object_set_new(p, "created_by", json_string(db->actor));
	wam_db_new_id(db, id);
	if ((rc = wam_ledger_append(db, "finding.drafted", id, p, NULL)))
		goto fail;
	json_array_foreach(links, i, t)
	{
		if ((rc = link_one(db, id, json_string_value(t), NULL))) {
			char part[32];
			snprintf(part, sizeof part, "links[%zu]", i);
			rc = wam_error_inside(rc, part);
			goto fail;
		}
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_monitoring_finding_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

int wam_monitoring_finding_link(wam_db *db, json_t **out, const char *id, const char *target, const char *note)
{
	char state[16];
	int rc;
	if ((rc = begin_on(db, out, id, state)))
		return rc;
	if (!strcmp(state, "reported")) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "id",
		    "finding %.40s is reported and frozen: a correction is a new finding that supersedes it", id);
		goto fail;
	}
	if ((rc = link_one(db, id, target, note)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		return rc;
	return out ? wam_monitoring_finding_get(db, out, id) : 0;
fail:
	wam_db_rollback(db);
	return rc;
}

int wam_monitoring_finding_unlink(wam_db *db, json_t **out, const char *id, const char *target)
{
	char state[16];
	json_t *row = NULL, *p;
	int rc;
	if ((rc = begin_on(db, out, id, state)))
		return rc;
	if (strcmp(state, "draft")) {
		rc = wam_error_set(WAM_ECONFLICT, "id",
		                   "finding %.40s is %s: it keeps the evidence it was corroborated on", id, state);
		goto fail;
	}
	if ((rc = wam_query_row(db, &row, "SELECT 1 AS yes FROM finding_links WHERE finding_id=? AND target=?", id,
	                        target ? target : "")))
		goto fail;
	if (!row) {
		rc = wam_error_set(WAM_ENOTFOUND, "target", "finding %.40s has no link to '%.40s'", id,
		                   target ? target : "");
		goto fail;
	}
	json_decref(row);
	p = json_pack("{s:s}", "target", target);
	rc = wam_ledger_append_commit(db, out, "finding.unlinked", id, p, wam_monitoring_finding_get);
	json_decref(p);
	return rc;
fail:
	json_decref(row);
	wam_db_rollback(db);
	return rc;
}

/* ---- rule R13 ---- */

/* Better than reliability E and credibility 5: A–D and 1–4. */
static bool graded(const json_t *s)
{
	const char *r = mon_str(s, "reliability");
	json_int_t c = json_integer_value(json_object_get(s, "credibility"));
	return r && r[0] >= 'A' && r[0] <= 'D' && c >= 1 && c <= 4;
}

/* The sentence `fmt` makes, as a message, or (`err`) as the error that
 * refuses a corroboration, naming "evidence" (NULL then). */
static json_t *say(bool err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *say(bool err, const char *fmt, ...)
{
	va_list ap;
	json_t *m = NULL;
	va_start(ap, fmt);
	if (err)
		wam_error_vset(WAM_ECONFLICT, 0, "evidence", fmt, ap);
	else
		m = wam_message_vjson(fmt, ap);
	va_end(ap);
	return m;
}

/* What the rule says of the facts, as a message or (`err`) as an error;
 * `aside` ("" or " (set aside: …)") names the sources not counted. */
static json_t *verdict_message(int rule, long independent, bool physical, bool documentary, long links,
                               const char *aside, bool err)
{
	if (rule == 2)
		return say(err, "the finding rests on %ld independent sources graded better than E and 5", independent);
	if (rule == 1)
		return say(err, "the finding rests on a physical inspection and a documentary or trace result");
	if (!links)
		return say(err, "no evidence is linked to the finding: R13 needs two independent sources, or a physical"
		                " inspection and a documentary or trace result");
	if (physical && !documentary)
		return say(err,
		           "a physical inspection but no documentary or trace result, and independent sources graded"
		           " better than E and 5: %ld%s. R13 needs two independent sources, or a physical inspection"
		           " and a documentary or trace result",
		           independent, aside);
	return say(err,
	           "no physical inspection with a documentary or trace result, and independent sources graded better"
	           " than E and 5: %ld%s. R13 needs two independent sources, or a physical inspection and a"
	           " documentary or trace result",
	           independent, aside);
}

/* Whether document record `d` can be checked: it carries a number or a
 * photo (a "document" of which nothing is known proves nothing). */
static bool checkable(const json_t *d)
{
	const char *number = mon_str(d, "number");
	return (number && *number) || json_array_size(json_object_get(d, "photos"));
}

/* How many distinct sources `named` holds: each entry {names, observation,
 * source} the names of one counted source ("ref:…", "tag:…"); two entries
 * sharing a name are one source (union-find over the entries; `seen` maps
 * a name to its first entry). Each entry counted with an earlier one is
 * appended to `aside` as {observation, source, ref, why: same_source,
 * with: {observation, source}} (the group's first entry). */
static long distinct_sources(const json_t *named, json_t *seen, json_t *aside)
{
	size_t n = json_array_size(named), i, j;
	size_t *up = n ? calloc(n, sizeof *up) : NULL;
	const json_t *e, *name;
	long count = 0;
	if (!up)
		return 0;
	for (i = 0; i < n; i++)
		up[i] = i;
	json_array_foreach(named, i, e)
	{
		json_array_foreach(json_object_get(e, "names"), j, name)
		{
			const json_t *first = json_object_get(seen, json_string_value(name));
			if (!first) {
				json_object_set_new(seen, json_string_value(name), json_integer((json_int_t)i));
				continue;
			}
			size_t a = i, b = (size_t)json_integer_value(first);
			while (up[a] != a)
				a = up[a];
			while (up[b] != b)
				b = up[b];
			/* the root of a group is its first entry */
			if (a < b)
				up[b] = a;
			else
				up[a] = b;
		}
	}
	for (i = 0; i < n; i++) {
		size_t root = i;
		while (up[root] != root)
			root = up[root];
		if (root == i) {
			count++;
			continue;
		}
		e = json_array_get(named, i);
		const json_t *f = json_array_get(named, root);
		json_array_append_new(
		    aside, json_pack("{s:O, s:O, s:O, s:s, s:{s:O, s:O}}", "observation",
		                     json_object_get(e, "observation"), "source", json_object_get(e, "source"), "ref",
		                     json_object_get(e, "ref"), "why", "same_source", "with", "observation",
		                     json_object_get(f, "observation"), "source", json_object_get(f, "source")));
	}
	free(up);
	return count;
}

/* " (set aside: …)" naming each entry of `aside` briefly, or "" when none,
 * into `b` (freed by the caller). */
static const char *aside_text(wam_buf *b, const json_t *aside)
{
	size_t i;
	const json_t *a;
	json_array_foreach(aside, i, a)
	{
		const char *why = mon_str(a, "why");
		const json_t *with = json_object_get(a, "with");
		wam_buf_printf(b, "%s sources[%lld] of observation %s ",
		               i ? ";" : " (set aside:", (long long)json_integer_value(json_object_get(a, "source")),
		               mon_str(a, "observation"));
		if (!strcmp(why, "same_source"))
			wam_buf_printf(b, "counts with sources[%lld] of observation %s (same source)",
			               (long long)json_integer_value(json_object_get(with, "source")),
			               mon_str(with, "observation"));
		else if (!strcmp(why, "dependent"))
			wam_buf_puts(b, "is not independent");
		else if (!strcmp(why, "poorly_graded"))
			wam_buf_puts(b, "is graded E or 5");
		else
			wam_buf_puts(b, "has neither ref nor identity");
	}
	if (json_array_size(aside))
		wam_buf_puts(b, ")");
	return b->p ? b->p : "";
}

/* The facts the rule weighs, from the finding's linked evidence. A trace
 * result counts only when its request concerns the finding's weapons: it
 * was drafted from a linked observation, or its item's make and serial key
 * as an item of one does. */
static int rule_facts(wam_db *db, const char *id, long *independent, bool *physical, bool *documentary, long *links,
                      json_t *aside)
{
	json_t *rows = NULL, *r, *seen = json_object(), *keys = json_object(), *traces = json_array(),
	       *named = json_array();
	size_t i, j;
	*independent = 0;
	*physical = *documentary = false;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT l.kind, l.target, o.body,"
	                        " (SELECT x.result FROM trace_responses x WHERE x.request_id=l.target"
	                        " ORDER BY x.n DESC LIMIT 1) AS result,"
	                        " EXISTS(SELECT 1 FROM observation_traces ot JOIN finding_links l2"
	                        " ON l2.finding_id=l.finding_id AND l2.target=ot.observation_id"
	                        " WHERE ot.request_id=l.target) AS traced,"
	                        " json_extract(t.body,'$.item') AS item,"
	                        " (SELECT json_group_object(g.source, g.tag) FROM observation_source_tags g"
	                        " WHERE g.observation_id=l.target) AS tags"
	                        " FROM finding_links l LEFT JOIN observations o ON o.id=l.target"
	                        " LEFT JOIN trace_requests t ON t.id=l.target"
	                        " WHERE l.finding_id=? ORDER BY l.seq",
	                        id, NULL);
	if (rc || !seen || !keys || !traces || !named) {
		json_decref(named);
		json_decref(seen);
		json_decref(keys);
		json_decref(traces);
		return rc ? rc : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	*links = (long)json_array_size(rows);
	json_array_foreach(rows, i, r)
	{
		const char *kind = mon_str(r, "kind"), *result = mon_str(r, "result");
		if (!strcmp(kind, "trace") && result && (!strcmp(result, "record_found") || !strcmp(result, "partial")))
			json_array_append(traces, r);
		if (strcmp(kind, "observation"))
			continue;
		wam_json_column(r, "body");
		wam_json_column(r, "tags");
		const json_t *body = json_object_get(r, "body"), *tags = json_object_get(r, "tags"), *s, *d;
		char key[2100];
		json_array_foreach(json_object_get(body, "items"), j, d)
		{
			const char *why = mon_item_key(d, key, sizeof key);
			if (why && !strcmp(why, "serial"))
				json_object_set_new(keys, key, json_true());
		}
		json_array_foreach(json_object_get(body, "documents"), j, d)
		{
			if (checkable(d))
				*documentary = true;
		}
		json_array_foreach(json_object_get(body, "sources"), j, s)
		{
			const char *type = mon_str(s, "type");
			/* an inspection or a document graded E or 5 proves nothing */
			if (type && graded(s) && !strcmp(type, "physical_inspection"))
				*physical = true;
			if (type && graded(s) && !strcmp(type, "document"))
				*documentary = true;
			/* a source set aside is named, never its identity */
			const char *why = !json_is_true(json_object_get(s, "independent")) ? "dependent"
			                  : !graded(s)                                     ? "poorly_graded"
			                                                                   : NULL;
			if (why) {
				json_array_append_new(aside,
				                      json_pack("{s:O, s:I, s:O?, s:s}", "observation",
				                                json_object_get(r, "target"), "source", (json_int_t)j,
				                                "ref", json_object_get(s, "ref"), "why", why));
				continue;
			}
			/* a source is named by its ref (folded) and by its identity's
			 * tag: sources sharing either are one (below); a source
			 * with neither cannot be told from any other: not counted */
			char ref[160];
			json_t *names = json_array();
			mon_fold(ref, sizeof ref, mon_str(s, "ref"));
			if (ref[0])
				json_array_append_new(names, json_sprintf("ref:%s", ref));
			char at[24];
			snprintf(at, sizeof at, "%zu", j);
			if (mon_str(tags, at))
				json_array_append_new(names, json_sprintf("tag:%s", mon_str(tags, at)));
			json_t *ref_of = json_object_get(s, "ref") ? json_object_get(s, "ref") : json_null();
			if (json_array_size(names))
				json_array_append_new(named, json_pack("{s:o, s:O, s:I, s:O}", "names", names,
				                                       "observation", json_object_get(r, "target"),
				                                       "source", (json_int_t)j, "ref", ref_of));
			else {
				json_array_append_new(aside,
				                      json_pack("{s:O, s:I, s:O, s:s}", "observation",
				                                json_object_get(r, "target"), "source", (json_int_t)j,
				                                "ref", ref_of, "why", "no_ref_or_identity"));
				json_decref(names);
			}
		}
	}
	json_array_foreach(traces, i, r)
	{
		char key[2100];
		wam_json_column(r, "item");
		json_t *item = json_pack("{s:s, s:O?, s:O?}", "kind", "weapon", "make",
		                         json_object_get(json_object_get(r, "item"), "make"), "serial",
		                         json_object_get(json_object_get(r, "item"), "serial"));
		const char *why = item ? mon_item_key(item, key, sizeof key) : NULL;
		if (json_is_true(json_object_get(r, "traced")) || json_integer_value(json_object_get(r, "traced")) ||
		    (why && json_object_get(keys, key)))
			*documentary = true;
		json_decref(item);
	}
	*independent = distinct_sources(named, seen, aside);
	json_decref(seen);
	json_decref(named);
	json_decref(keys);
	json_decref(traces);
	json_decref(rows);
	return 0;
}

int mon_rule(wam_db *db, json_t **out, const char *id)
{
	long independent, links;
	bool physical, documentary;
	json_t *aside = json_array();
	*out = NULL;
	if (!aside)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int rc = rule_facts(db, id, &independent, &physical, &documentary, &links, aside);
	if (rc) {
		json_decref(aside);
		return rc;
	}
	int rule = independent >= 2 ? 2 : physical && documentary ? 1 : 0;
	wam_buf text = {0};
	json_t *said =
	    verdict_message(rule, independent, physical, documentary, links, aside_text(&text, aside), false);
	wam_buf_free(&text);
	*out = json_pack("{s:b, s:s?, s:i, s:b, s:b, s:O?, s:O?, s:O?}", "holds", rule != 0, "rule",
	                 rule == 2   ? "two_independent_sources"
	                 : rule == 1 ? "physical_and_documentary"
	                             : NULL,
	                 "independent_sources", (int)independent, "physical", physical, "documentary", documentary,
	                 "message_id", json_object_get(said, "message_id"), "message", json_object_get(said, "message"),
	                 "args", json_object_get(said, "args"));
	if (*out && !json_object_get(*out, "rule"))
		json_object_set_new(*out, "rule", json_null());
	if (*out)
		json_object_set_new(*out, "set_aside", aside);
	else
		json_decref(aside);
	json_decref(said);
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

int wam_monitoring_finding_rule(wam_db *db, json_t **out, const char *id)
{
	char state[16];
	int rc;
	*out = NULL;
	if ((rc = mon_national(db)) || (rc = finding_state(db, id, state)))
		return rc;
	return mon_rule(db, out, id);
}

int wam_monitoring_finding_corroborate(wam_db *db, json_t **out, const char *id)
{
	char state[16], today[11];
	json_t *verdict = NULL, *p;
	int rc;
	if ((rc = begin_on(db, out, id, state)))
		return rc;
	if (strcmp(state, "draft")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "finding %.40s is %s already", id, state);
		goto fail;
	}
	if ((rc = mon_rule(db, &verdict, id)))
		goto fail;
	if (!json_is_true(json_object_get(verdict, "holds"))) {
		long independent, links;
		bool physical, documentary;
		json_t *aside = json_array();
		if (!aside)
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		else if (!(rc = rule_facts(db, id, &independent, &physical, &documentary, &links, aside))) {
			wam_buf text = {0};
			verdict_message(0, independent, physical, documentary, links, aside_text(&text, aside), true);
			wam_buf_free(&text);
			rc = WAM_ECONFLICT;
		}
		json_decref(aside);
		goto fail;
	}
	wam_date_today(today);
	p = json_pack("{s:s, s:O}", "date", today, "rule", verdict);
	json_decref(verdict);
	rc = wam_ledger_append_commit(db, out, "finding.corroborated", id, p, wam_monitoring_finding_get);
	json_decref(p);
	return rc;
fail:
	json_decref(verdict);
	wam_db_rollback(db);
	return rc;
}

int wam_monitoring_finding_report(wam_db *db, json_t **out, const char *id, const json_t *report)
{
	char state[16], today[11];
	json_t *p = json_object();
	int rc;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)))
		goto done;
	if (!json_is_object(report)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a report of a finding is a JSON object");
		goto done;
	}
	if ((rc = begin_on(db, NULL, id, state)))
		goto done;
	if (strcmp(state, "corroborated")) {
		rc = !strcmp(state, "reported")
		         ? wam_error_set(
		               WAM_ECONFLICT, "id",
		               "finding %.40s is reported and frozen: a correction is a new finding that supersedes it",
		               id)
		         : wam_error_set(WAM_ECONFLICT, "id",
		                         "finding %.40s is a draft: it is reported once corroborated", id);
		goto fail;
	}
	if ((rc = wam_field_check(db, p, report, report_fields, "", 0)))
		goto fail;
	wam_date_today(today);
	if (!mon_str(p, "date"))
		json_object_set_new(p, "date", json_string(today));
	else if (strcmp(mon_str(p, "date"), today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "date %s is in the future", mon_str(p, "date"));
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "finding.reported", id, p, wam_monitoring_finding_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	return rc;
}

#define LINKS_SQL                                                                                                      \
	"SELECT l.kind, l.target, l.note,"                                                                             \
	" CASE l.kind WHEN 'observation' THEN o.kind || ', ' || o.country || coalesce(', ' || o.actor, '')"            \
	" WHEN 'trace' THEN 'trace request ' || coalesce(t.serial, '') || ' (' || t.state || ')'"                      \
	" ELSE 'hit ' || h.reason || ' (' || h.state || ')' END AS label,"                                             \
	" CASE l.kind WHEN 'observation' THEN o.observed_on WHEN 'trace' THEN substr(t.created, 1, 10)"                \
	" ELSE (SELECT substr(time, 1, 10) FROM events WHERE seq=h.found_seq) END AS date"                             \
	" FROM finding_links l LEFT JOIN observations o ON o.id=l.target LEFT JOIN trace_requests t ON t.id=l.target"  \
	" LEFT JOIN hits h ON h.id=l.target WHERE l.finding_id=? ORDER BY l.seq"

int wam_monitoring_finding_get(wam_db *db, json_t **out, const char *id)
{
	json_t *row = NULL, *f, *list = NULL, *rule = NULL;
	int rc;
	*out = NULL;
	if ((rc = mon_national(db)))
		return rc;
	if (!mon_ready(db))
		return wam_error_set(WAM_ENOTFOUND, "id", "no finding with id '%.40s'", id ? id : "");
	if ((rc = wam_query_one(db, &row,
	                        "SELECT id, state, body, created, created_by, corroborated, verdict, reported,"
	                        " (SELECT g.id FROM findings g WHERE g.supersedes=f.id AND g.state<>'draft'"
	                        " ORDER BY g.created_seq LIMIT 1)"
	                        " AS superseded_by FROM findings f WHERE id=?",
	                        id, "finding")))
		return rc;
	wam_json_column(row, "body");
	wam_json_column(row, "verdict");
	wam_json_column(row, "reported");
	const json_t *body = json_object_get(row, "body");
	f = json_pack(
	    "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(row, "id"),
	    "state", json_object_get(row, "state"), "statement", json_object_get(body, "statement"), "regime",
	    json_object_get(body, "regime") ? json_object_get(body, "regime") : json_null(), "actor",
	    json_object_get(body, "actor") ? json_object_get(body, "actor") : json_null(), "period",
	    json_object_get(body, "period") ? json_object_get(body, "period") : json_null(), "country",
	    json_object_get(body, "country") ? json_object_get(body, "country") : json_null(), "notes",
	    json_object_get(body, "notes") ? json_object_get(body, "notes") : json_null(), "supersedes",
	    json_object_get(body, "supersedes") ? json_object_get(body, "supersedes") : json_null(), "superseded_by",
	    json_object_get(row, "superseded_by"), "created", json_object_get(row, "created"), "created_by",
	    json_object_get(row, "created_by"), "corroborated", json_object_get(row, "corroborated"));
	if (!f) {
		json_decref(row);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	json_object_set(f, "reported", json_object_get(row, "reported"));
	/* the verdict it was corroborated on, kept; a draft's as it stands */
	if (json_is_object(json_object_get(row, "verdict")))
		json_object_set(f, "rule", json_object_get(row, "verdict"));
	else if ((rc = mon_rule(db, &rule, id)))
		goto fail;
	else
		json_object_set_new(f, "rule", rule);
	if ((rc = wam_query_rows(db, &list, LINKS_SQL, id, NULL)))
		goto fail;
	json_object_set_new(f, "links", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT seq, manifest_hash, redacted, files, time FROM evidence_packs"
	                         " WHERE finding_id=? ORDER BY seq",
	                         id, NULL)))
		goto fail;
	json_object_set_new(f, "packs", list);
	json_decref(row);
	*out = f;
	return 0;
fail:
	json_decref(row);
	json_decref(f);
	return rc;
}

int wam_monitoring_finding_list(wam_db *db, json_t **out, const char *state, const char *regime)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = mon_national(db)))
		return rc;
	if (state && !wam_in_vocab(mon_finding_states, state))
		return wam_error_set(WAM_EINVAL, "state", "state is draft, corroborated or reported, not '%.20s'",
		                     state);
	if (!mon_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if ((rc = wam_query_rows(db, &rows,
	                         "SELECT id, state, statement, regime, json_extract(body,'$.actor') AS actor, country,"
	                         " created, (SELECT count(*) FROM finding_links l WHERE l.finding_id=f.id) AS links,"
	                         " json_extract(verdict,'$.holds') AS holds FROM findings f"
	                         " WHERE (?1 IS NULL OR state=?1) AND (?2 IS NULL OR regime=?2)"
	                         " ORDER BY created_seq DESC",
	                         state, regime)))
		return rc;
	json_array_foreach(rows, i, r)
	{
		wam_json_column(r, "actor");
		if (json_is_integer(json_object_get(r, "holds"))) {
			json_object_set_new(r, "holds", json_boolean(json_integer_value(json_object_get(r, "holds"))));
			continue;
		}
		json_t *rule = NULL;
		if ((rc = mon_rule(db, &rule, mon_str(r, "id")))) {
			json_decref(rows);
			return rc;
		}
		json_object_set(r, "holds", json_object_get(rule, "holds"));
		json_decref(rule);
	}
	*out = rows;
	return 0;
}

/* ---- the evidence pack's record ---- */

int wam_monitoring_record_pack(wam_db *db, const char *finding_id, const json_t *pack)
{
	char state[16];
	int rc;
	const json_t *hash = json_object_get(pack, "manifest_hash"), *redacted = json_object_get(pack, "redacted"),
	             *files = json_object_get(pack, "files");
	if (!json_is_string(hash) || !json_is_boolean(redacted) || !json_is_integer(files))
		return wam_error_set(WAM_EINVAL, "pack",
		                     "an evidence pack's record has manifest_hash, redacted and files");
	if ((rc = begin_on(db, NULL, finding_id, state)))
		return rc;
	json_t *p = json_pack("{s:s, s:O, s:O, s:O}", "finding_id", finding_id, "manifest_hash", hash, "redacted",
	                      redacted, "files", files);
	rc = wam_ledger_append_commit(db, NULL, "evidence.packed", finding_id, p, NULL);
	json_decref(p);
	return rc;
}
