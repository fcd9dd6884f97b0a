/* Screening against the sanctions lists: a name asked for (one, or a batch
 * of them), and the screener every party and holder passes through
 * (wam_screen_hooks, rooms.c). The entries in force are held in the
 * engine's index (engine.c), one per handle, built on first use and again
 * after an import changed them, so screening every party again after an
 * import costs one build. A potential match of a party recorded inside a
 * write raises an alert (alert.c), and the alert decides the finding from
 * then on: cleared, none; open or confirmed, a finding naming it. */
#include <string.h>

#include "ledger/room.h"
#include "sanctions/sanctions.h"
#include "wam/embargo.h"
#include "wam/match.h"

int sanctions_index(wam_db *db, const screen_index **out)
{
	void **state = wam_room_state(db, &wam_room_sanctions);
	json_t *head = NULL, *rows = NULL, *r;
	screen_index *idx = NULL;
	size_t i;
	int rc;
	*out = NULL;
	if (!state)
		return wam_error_set(WAM_EINTERNAL, NULL, "the sanctions room is not in this build");
	if ((rc = wam_query_row(db, &head, "SELECT coalesce(max(seq), 0) AS seq FROM sanctions_imports", NULL, NULL))) {
		if (sanctions_ready(db))
			return rc;
		wam_error_clear(); /* a registry read as it was before the room: no list */
		return 0;
	}
	int64_t seq = (int64_t)json_integer_value(json_object_get(head, "seq"));
	json_decref(head);
	struct sanctions_cache *c = *state;
	if (c && c->seq == seq) {
		*out = c->idx;
		return 0;
	}
	if ((rc = wam_query_rows(db, &rows, "SELECT body FROM sanctions_entries WHERE removed_on IS NULL ORDER BY id",
	                         NULL, NULL)))
		return rc;
	/* no list, no index: a registry that imported none screens no name */
	if (json_array_size(rows) && (rc = screen_index_new(&idx)))
		goto fail;
	json_array_foreach(rows, i, r)
	{
		sanctions_decode(r, "body");
		json_t *body = json_object_get(r, "body");
		if ((rc = sanctions_regime(db, body)) || (rc = screen_index_add(idx, body)))
			goto fail;
	}
	if (!c && !(c = calloc(1, sizeof *c))) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	json_decref(rows);
	screen_index_free(c->idx);
	c->idx = idx;
	c->seq = seq;
	*state = c;
	*out = idx;
	return 0;
fail:
	json_decref(rows);
	screen_index_free(idx);
	return rc;
}

/* The candidates for `q` in `idx` (none without an index). */
static int candidates(const screen_index *idx, json_t **out, const wam_sanctions_query *q)
{
	if (idx)
		return screen_run(idx, out, q);
	*out = json_array();
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
}

static int check_query(const wam_sanctions_query *q)
{
	if (!q || !q->name || !*q->name)
		return wam_error_set(WAM_EINVAL, "name", "a name to screen is required");
	if (q->kind && strcmp(q->kind, "individual") && strcmp(q->kind, "entity"))
		return wam_error_set(WAM_EINVAL, "kind", "kind '%.20s' is not individual or entity", q->kind);
	if (q->dob) {
		size_t n = strlen(q->dob);
		bool ok = n == 4 || n == 7 || n == 10;
		for (size_t i = 0; ok && i < n; i++)
			ok = (i == 4 || i == 7) ? q->dob[i] == '-' : (q->dob[i] >= '0' && q->dob[i] <= '9');
		if (!ok)
			return wam_error_set(WAM_EINVAL, "dob", "dob '%.20s' is not YYYY, YYYY-MM or YYYY-MM-DD",
			                     q->dob);
	}
	if (q->nationality && (strlen(q->nationality) != 2 || q->nationality[0] < 'A' || q->nationality[0] > 'Z' ||
	                       q->nationality[1] < 'A' || q->nationality[1] > 'Z'))
		return wam_error_set(WAM_EINVAL, "nationality", "nationality '%.20s' is not an ISO 3166 alpha-2 code",
		                     q->nationality);
	if (q->threshold < 0 || q->threshold > 1)
		return wam_error_set(WAM_EINVAL, "threshold", "the threshold is a score from 0 to 1");
	return 0;
}

/* A name as screening compares it (the match room's folding: "muhammad
 * qadhafi"); the name's plain key when it has no letter to fold. */
static void fold_name(char *buf, size_t cap, const char *name)
{
	wam_name nm;
	if (!wam_name_fold(&nm, name, "name")) {
		wam_name_normalized(buf, cap, &nm);
		return;
	}
	wam_error_clear();
	size_t kcap = 4 * strlen(name) + 1;
	char *k = malloc(kcap);
	*buf = 0;
	if (k && wam_match_name_key(k, kcap, name) >= 0)
		snprintf(buf, cap, "%s", k);
	free(k);
}

static json_t *normalized(const char *name)
{
	char buf[512];
	fold_name(buf, sizeof buf, name);
	return json_string(buf);
}

int wam_sanctions_screen(wam_db *db, json_t **out, const wam_sanctions_query *q)
{
	json_t *cands = NULL;
	int rc;
	*out = NULL;
	if ((rc = wam_confine_national(db, "sanctions screening")) || (rc = check_query(q)))
		return rc;
	const screen_index *idx = NULL;
	if ((rc = sanctions_index(db, &idx)) || (rc = candidates(idx, &cands, q)))
		return rc;
	*out = json_pack("{s:{s:s, s:o}, s:o}", "query", "name", q->name, "normalized", normalized(q->name),
	                 "candidates", cands);
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
}

/* Splits `line` at tabs into at most 5 fields in `f` (NUL-terminated in
 * place); the count. */
static int split(char *line, char **f)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == '\t') {
			*p = 0;
			if (n == 5)
				return 6;
			f[n++] = p + 1;
		}
	return n;
}

static bool utf8_ok(const char *s)
{
	size_t cap = 4 * strlen(s) + 1;
	char *k = malloc(cap);
	bool ok = k && wam_match_name_key(k, cap, s) >= 0;
	free(k);
	return ok;
}

int wam_sanctions_screen_batch(wam_db *db, const char *tsv, size_t len, const wam_sanctions_query *defaults,
                               wam_sanctions_sink sink, void *ctx)
{
	char *copy = malloc(len + 1), *p, *next;
	json_t *lines = json_array();
	long line = 0;
	int rc = wam_confine_national(db, "sanctions screening");
	if (rc || !copy || !lines) {
		free(copy);
		json_decref(lines);
		return rc ? rc : wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a batch");
	}
	if (!copy || !lines) {
		free(copy);
		json_decref(lines);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a batch");
	}
	memcpy(copy, tsv ? tsv : "", len);
	copy[len] = 0;
	if (memchr(copy, 0, len)) {
		rc = wam_error_set_line(WAM_EINVAL, 1, "file", "line %ld: the batch holds a NUL byte", 1L);
		goto done;
	}
	const screen_index *idx = NULL;
	if ((rc = sanctions_index(db, &idx)))
		goto done;
	/* every line checked and screened before anything is written */
	for (p = copy; *p; p = next) {
		char *f[6];
		line++;
		next = strchr(p, '\n');
		if (next)
			*next++ = 0;
		else
			next = p + strlen(p);
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = 0;
		if (!*p)
			continue;
		if (!utf8_ok(p)) {
			rc = wam_error_set_line(WAM_EINVAL, line, "name", "line %ld: not valid UTF-8", line);
			goto done;
		}
		int n = split(p, f);
		if (n > 4) {
			rc = wam_error_set_line(WAM_EINVAL, line, "file",
			                        "line %ld: more than four fields (name, dob, nationality, document)",
			                        line);
			goto done;
		}
		wam_sanctions_query q = defaults ? *defaults : (wam_sanctions_query){0};
		q.name = f[0];
		q.dob = n > 1 && *f[1] ? f[1] : q.dob;
		q.nationality = n > 2 && *f[2] ? f[2] : q.nationality;
		q.document = n > 3 && *f[3] ? f[3] : q.document;
		json_t *cands = NULL;
		if ((rc = check_query(&q))) {
			wam_error e = *wam_error_last();
			e.line = line;
			rc = wam_error_restore(&e);
			goto done;
		}
		if ((rc = candidates(idx, &cands, &q)))
			goto done;
		json_array_append_new(
		    lines, json_pack("{s:I, s:s, s:o}", "line", (json_int_t)line, "name", q.name, "candidates", cands));
	}
	size_t i;
	json_t *v;
	json_array_foreach(lines, i, v)
	{
		char *text = json_dumps(v, JSON_COMPACT);
		if (!text) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a batch");
			break;
		}
		size_t tl = strlen(text);
		text[tl] = 0;
		rc = sink(ctx, text, tl);
		free(text);
		if (rc)
			break;
	}
done:
	free(copy);
	json_decref(lines);
	return rc;
}

char *sanctions_party_key(const json_t *party)
{
	const char *name = json_string_value(json_object_get(party, "name"));
	const char *dob = json_string_value(json_object_get(party, "dob"));
	const char *nat = json_string_value(json_object_get(party, "nationality"));
	const char *country = json_string_value(json_object_get(party, "country"));
	char folded[512];
	fold_name(folded, sizeof folded, name ? name : "");
	size_t cap = strlen(folded) + 40;
	char *k = malloc(cap);
	if (k)
		snprintf(k, cap, "%s|%.10s|%.2s|%.3s", folded, dob ? dob : "", nat ? nat : "", country ? country : "");
	return k;
}

/* A party known by its name and country alone: its clearance covers only
 * the records the cleared alert named. */
static bool weak_identity(const json_t *party)
{
	const char *dob = json_string_value(json_object_get(party, "dob"));
	const char *nat = json_string_value(json_object_get(party, "nationality"));
	return (!dob || !*dob) && (!nat || !*nat);
}

/* Whether a cleared alert of (entry, key) or of a later alert of the same
 * party named `subject` when it was cleared. */
static int cleared_for(wam_db *db, bool *yes, const char *entry_id, const char *key, const json_t *subject)
{
	json_t *row = NULL, *arg;
	*yes = false;
	if (!json_is_string(json_object_get(subject, "id")))
		return 0;
	if (!(arg = json_pack("{s:s, s:s, s:O}", "entry", entry_id, "key", key, "subject", subject)))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	char *text = json_dumps(arg, JSON_COMPACT);
	json_decref(arg);
	if (!text)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int rc = wam_query_row(
	    db, &row,
	    "SELECT 1 FROM sanctions_alerts a JOIN sanctions_alert_subjects s ON s.alert_id=a.id"
	    " WHERE a.entry_id=json_extract(?1,'$.entry') AND a.state='cleared'"
	    " AND (a.party_key=json_extract(?1,'$.key')"
	    " OR substr(a.party_key,1,length(json_extract(?1,'$.key'))+1)=json_extract(?1,'$.key')||'#')"
	    " AND s.kind=json_extract(?1,'$.subject.kind') AND s.subject_id=json_extract(?1,'$.subject.id')"
	    " AND s.seq<=a.decided_seq",
	    text, NULL);
	free(text);
	*yes = row != NULL;
	json_decref(row);
	return rc;
}

static json_t *finding(const json_t *party, const json_t *cand, json_t *alert)
{
	const json_t *entry = json_object_get(cand, "entry");
	const char *name = json_string_value(json_object_get(party, "name"));
	const char *role = json_string_value(json_object_get(party, "role"));
	const char *listed = json_string_value(json_object_get(entry, "name"));
	const char *ref = json_string_value(json_object_get(entry, "reference"));
	double score = json_number_value(json_object_get(cand, "score"));
	json_t *f =
	    alert
	        ? wam_message_json("the %s %s may be %s (%s) of the sanctions list, score %.2f: alert %s is %s",
	                           role ? role : "party", name ? name : "", listed ? listed : "", ref ? ref : "", score,
	                           json_string_value(json_object_get(alert, "id")),
	                           json_string_value(json_object_get(alert, "state")))
	        : wam_message_json("the %s %s may be %s (%s) of the sanctions list, score %.2f", role ? role : "party",
	                           name ? name : "", listed ? listed : "", ref ? ref : "", score);
	if (!f)
		return NULL;
	json_object_set_new(f, "screen", json_string("sanctions"));
	json_object_set_new(f, "rule", json_string("R12"));
	json_object_set(f, "entry_id", json_object_get(entry, "id"));
	json_object_set(f, "reference", json_object_get(entry, "reference"));
	json_object_set(f, "regime", json_object_get(entry, "regime"));
	json_object_set(f, "score", json_object_get(cand, "score"));
	if (alert)
		json_object_set(f, "alert", alert);
	return f;
}

/* Whether the party's exemption waives entry `entry`: it fits the entry's
 * regime on `date` and its `covers` names the entry's reference (an empty
 * `covers` is the regime's territorial embargo only: it waives no listed
 * person). An exemption that does not fit waives nothing, and the finding
 * stands. */
static int waiver(wam_db *db, bool *waived, const json_t *party, const json_t *entry, const char *date)
{
	const char *ex = json_string_value(json_object_get(party, "exemption"));
	const char *regime = json_string_value(json_object_get(entry, "regime"));
	const char *list_type = json_string_value(json_object_get(entry, "list_type"));
	const char *ref = json_string_value(json_object_get(entry, "reference"));
	char named[64] = "";
	json_t *e = NULL, *v;
	size_t i;
	int rc;
	*waived = false;
	/* regimes imported after the list name the entry's regime now */
	if (ex && !regime && list_type && !(rc = wam_embargo_regime_of_list(db, named, sizeof named, list_type)) &&
	    *named)
		regime = named;
	if (!ex || !regime)
		return 0;
	rc = wam_embargo_exemption_fits(db, ex, regime, date, NULL, "exemption");
	if (rc == WAM_ECONFLICT || rc == WAM_ENOTFOUND || rc == WAM_EINVAL) {
		wam_error_clear();
		return 0;
	}
	if (rc || (rc = wam_embargo_exemption_get(db, &e, ex, date)))
		return rc;
	const json_t *covers = json_object_get(e, "covers");
	json_array_foreach(covers, i, v) *waived |= ref && json_is_string(v) && !strcmp(json_string_value(v), ref);
	json_decref(e);
	return 0;
}

int wam_sanctions_screen_party(wam_db *db, const json_t *party, const char *date, json_t *findings)
{
	const char *name = json_string_value(json_object_get(party, "name"));
	json_t *cands = NULL, *c;
	char *key = NULL;
	size_t i;
	int rc;
	if (!name || !*name)
		return 0;
	const screen_index *idx = NULL;
	if ((rc = sanctions_index(db, &idx)) || !idx)
		return rc;
	wam_sanctions_query q = {
	    .name = name,
	    .dob = json_string_value(json_object_get(party, "dob")),
	    .nationality = json_string_value(json_object_get(party, "nationality")),
	    .document = json_string_value(json_object_get(party, "document")),
	    .limit = 5,
	    /* an alert raised keeps how the name matched (the parts, with
	     * their spans in the party's name), whatever record raised it */
	    .explain = true,
	};
	if ((rc = screen_run(idx, &cands, &q)))
		return rc;
	if (!json_array_size(cands))
		goto done;
	/* inside a write an alert is raised, unless the party is a preview
	 * (an act refused on any finding, whose transaction is rolled back) */
	bool writing = db->tx_depth > 0 && !json_is_true(json_object_get(party, "preview"));
	if (!(key = sanctions_party_key(party))) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
		goto done;
	}
	json_array_foreach(cands, i, c)
	{
		const char *entry_id = json_string_value(json_object_get(json_object_get(c, "entry"), "id"));
		json_t *alert = NULL, *f;
		bool waived = false;
		if ((rc = waiver(db, &waived, party, json_object_get(c, "entry"), date)))
			break;
		if (waived)
			continue;
		if ((rc = sanctions_alert_find(db, &alert, entry_id, key)))
			break;
		json_t *previous = NULL;
		if (alert && !strcmp(json_string_value(json_object_get(alert, "state")), "cleared")) {
			bool covered = !weak_identity(party);
			/* a weak identity's clearance covers the records it named then;
			 * another record raises a new alert that recalls it */
			if (!covered &&
			    (rc = cleared_for(db, &covered, entry_id, key, json_object_get(party, "subject"))))
				break;
			if (covered) {
				json_decref(alert);
				continue;
			}
			previous = alert;
			alert = NULL;
		}
		if (alert)
			json_object_del(alert, "reason");
		if (alert && writing)
			rc = sanctions_alert_seen(db, json_string_value(json_object_get(alert, "id")),
			                          json_object_get(party, "subject"));
		else if (!alert && writing)
			rc = sanctions_alert_raise(db, &alert, c, party, key, previous);
		json_decref(previous);
		if (!rc && !(f = finding(party, c, alert)))
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a party");
		else if (!rc)
			json_array_append_new(findings, f);
		json_decref(alert);
		if (rc)
			break;
	}
done:
	free(key);
	json_decref(cands);
	return rc;
}

/* ---- every party again, after an import ---- */

static int rescreen_one(wam_db *db, json_t *party, const char *kind, const json_t *id, const json_t *label,
                        const char *today)
{
	json_t *findings = json_array();
	json_object_set_new(party, "subject",
	                    json_pack("{s:s, s:O, s:O}", "kind", kind, "id", id, "label", label ? label : json_null()));
	int rc = wam_sanctions_screen_party(db, party, today, findings);
	json_decref(findings);
	return rc;
}

int sanctions_rescreen(wam_db *db, json_t *alerts)
{
	char today[11];
	json_t *before = NULL, *rows = NULL, *r, *raised = NULL;
	size_t i;
	int rc;
	wam_date_today(today);
	if ((rc = wam_query_row(db, &before, "SELECT coalesce(max(raised_seq), 0) AS seq FROM sanctions_alerts", NULL,
	                        NULL)))
		return rc;
	/* licence parties, certificates' parties, brokers and holders */
	if ((rc = wam_query_rows(
	         db, &rows,
	         "SELECT 'licence' AS kind, p.licence_id AS id, l.number AS label, p.role, p.name, p.country"
	         " FROM licence_parties p JOIN licences l ON l.id=p.licence_id"
	         " UNION ALL SELECT 'broker', id, registration, 'broker', name, country FROM brokers"
	         " UNION ALL SELECT 'holder', id, name, 'holder', name, country FROM holders"
	         " UNION ALL SELECT 'euc', e.id, e.number, 'end_user', json_extract(e.body, '$.end_user.name'),"
	         " json_extract(e.body, '$.end_user.country') FROM eucs e"
	         " UNION ALL SELECT 'euc', e.id, e.number, 'consignee', json_extract(c.value, '$.name'),"
	         " json_extract(c.value, '$.country') FROM eucs e,"
	         " json_each(json_extract(e.body, '$.intermediate_consignees')) c",
	         NULL, NULL)))
		goto done;
	json_array_foreach(rows, i, r)
	{
		json_t *party = json_pack("{s:O, s:O, s:O}", "role", json_object_get(r, "role"), "name",
		                          json_object_get(r, "name"), "country", json_object_get(r, "country"));
		rc = party ? rescreen_one(db, party, json_string_value(json_object_get(r, "kind")),
		                          json_object_get(r, "id"), json_object_get(r, "label"), today)
		           : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		json_decref(party);
		if (rc)
			goto done;
	}
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(before, "seq")));
	if ((rc = wam_query_rows(
	         db, &raised,
	         "SELECT id FROM sanctions_alerts WHERE raised_seq > CAST(?1 AS INTEGER) ORDER BY raised_seq", seq,
	         NULL)))
		goto done;
	json_array_foreach(raised, i, r) json_array_append(alerts, json_object_get(r, "id"));
done:
	json_decref(before);
	json_decref(rows);
	json_decref(raised);
	return rc;
}
