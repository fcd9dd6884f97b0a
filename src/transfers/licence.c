/* Licences: export, import, transit and brokering authorisations with their
 * parties and goods lines. A licence is drafted, assessed (ATT Art. 6, 7
 * and 11: prohibitions, risks, diversion, each with a finding), then
 * issued by a second person, or denied with its reasons, which are kept
 * (states report denials). An issued licence may be suspended, reinstated
 * or revoked; it is `expired` past its last valid day and `exhausted` once
 * shipments have taken every line's quantity — both read from the dates
 * and the lines, never recorded. */
#include <string.h>

#include "common.h"
#include "wam/auth.h"

static const wam_field licence_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_licence_kinds},
    {.name = "number", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "authority", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "officer", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "valid_from", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "valid_until", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "parties", .kind = WAM_FIELD_OTHER},
    {.name = "lines", .kind = WAM_FIELD_OTHER},
    {.name = "conditions", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

/* The state a licence is in today: the recorded one, or expired or
 * exhausted for an issued licence (?1 is today). */
#define LICENCE_STATE                                                                                                  \
	"CASE WHEN l.state='issued' AND l.valid_until<?1 THEN 'expired' WHEN l.state='issued' AND NOT EXISTS"          \
	" (SELECT 1 FROM licence_lines x WHERE x.licence_id=l.id AND x.shipped<x.quantity) THEN 'exhausted'"          \
	" ELSE l.state END"
#define LICENCE_SQL                                                                                                    \
	"SELECT l.id, l.kind, l.number, l.authority, l.officer, l.valid_from, l.valid_until, l.conditions, l.notes,"  \
	" " LICENCE_STATE " AS state, l.state AS recorded_state, l.state_reason, l.assessment,"                       \
	" (SELECT time FROM events WHERE seq=l.drafted_seq) AS drafted_at,"                                            \
	" (SELECT actor FROM events WHERE seq=l.drafted_seq) AS drafted_by,"                                           \
	" (SELECT time FROM events WHERE seq=l.issued_seq) AS issued_at,"                                              \
	" (SELECT actor FROM events WHERE seq=l.issued_seq) AS issued_by, l.issued_on,"                                \
	" (SELECT time FROM events WHERE seq=l.assessed_seq) AS assessed_at,"                                          \
	" (SELECT actor FROM events WHERE seq=l.assessed_seq) AS assessed_by,"                                         \
	" " TRANSFERS_DESTINATION("l.id") " AS destination,"                                                                      \
	" " TRANSFERS_EXPORTER("l.id") " AS exporter_country FROM licences l"

/* ---- drafting ---- */

/* The roles a licence of `kind` must name, in the words of its error. */
static int parties_complete(const char *kind, const json_t *parties)
{
	bool has[8] = {0};
	size_t i;
	const json_t *p;
	json_array_foreach(parties, i, p)
	{
		const char *role = json_string_value(json_object_get(p, "role"));
		for (int r = 0; wam_party_roles[r]; r++)
			if (!strcmp(role, wam_party_roles[r]))
				has[r] = true;
	}
	/* exporter, importer, consignee, end_user, broker, carrier, transit */
	if (!strcmp(kind, "export") && (!has[0] || (!has[1] && !has[3])))
		return wam_error_set(WAM_EINVAL, "parties", "an export licence names the exporter and the importer or end user");
	if (!strcmp(kind, "import") && (!has[0] || !has[1]))
		return wam_error_set(WAM_EINVAL, "parties", "an import licence names the exporter and the importer");
	if (!strcmp(kind, "transit") && !has[6])
		return wam_error_set(WAM_EINVAL, "parties", "a transit licence names the transit state");
	if (!strcmp(kind, "brokering") && !has[4])
		return wam_error_set(WAM_EINVAL, "parties", "a brokering licence names a registered broker");
	return 0;
}

static int take_conditions(json_t *p, const json_t *in)
{
	static const char *const fields[] = {"no_reexport_without_consent", "post_shipment_checks", "other", NULL};
	const json_t *c = json_object_get(in, "conditions");
	json_t *out = json_object();
	int rc = 0;
	if (wam_absent(c))
		c = NULL;
	else if (!json_is_object(c))
		rc = wam_error_set(WAM_EINVAL, "conditions", "conditions must be an object");
	if (!rc && c)
		rc = wam_check_fields(c, fields, "conditions.", 0);
	for (int i = 0; !rc && i < 2; i++) {
		const json_t *b = c ? json_object_get(c, fields[i]) : NULL;
		char field[64];
		snprintf(field, sizeof field, "conditions.%s", fields[i]);
		if (b && !json_is_boolean(b))
			rc = wam_error_set(WAM_EINVAL, field, "%s must be true or false", field);
		/* no re-export without consent unless the licence says otherwise */
		json_object_set_new(out, fields[i], json_boolean(b ? json_is_true(b) : i == 0));
	}
	if (!rc && c)
		rc = wam_take_text(out, c, "other", "conditions.other", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
	if (rc)
		json_decref(out);
	else
		json_object_set_new(p, "conditions", out);
	return rc;
}

/* Takes list `key` of `in` into `p`: parties when `subject` (the licence
 * being drafted, what their alerts are about) is given, goods lines when
 * it is NULL. */
static int take_list(wam_db *db, json_t *p, const json_t *in, const char *key, size_t max, const char *date,
                     const json_t *subject)
{
	const json_t *v = json_object_get(in, key), *x;
	size_t i;
	if (!json_is_array(v) || !json_array_size(v))
		return wam_error_set(WAM_EINVAL, key, "%s is a list of at least one", key);
	if (json_array_size(v) > max)
		return wam_error_set(WAM_EINVAL, key, "%s lists at most %zu", key, max);
	json_t *list = json_array();
	json_array_foreach(v, i, x)
	{
		char prefix[48];
		json_t *one = json_object();
		snprintf(prefix, sizeof prefix, "%s[%zu].", key, i);
		int rc =
		    subject ? transfers_party(db, one, x, prefix, date, subject) : transfers_line(db, one, x, prefix);
		if (rc) {
			json_decref(one);
			json_decref(list);
			return rc;
		}
		json_object_set_new(one, "n", json_integer((json_int_t)i + 1));
		json_array_append_new(list, one);
	}
	json_object_set_new(p, key, list);
	return 0;
}

int wam_transfers_licence_add(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object(), *dup = NULL, *subject = NULL;
	char id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a licence is a JSON object");
		goto done;
	}
	wam_date_today(today);
	if ((rc = wam_field_check(db, p, in, licence_fields, "", 0)))
		goto done;
	const char *from = json_string_value(json_object_get(p, "valid_from"));
	const char *until = json_string_value(json_object_get(p, "valid_until"));
	if (strcmp(until, from) < 0) {
		rc = wam_error_set(WAM_EINVAL, "valid_until", "valid_until %s is before valid_from %s", until, from);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	/* the licence's id before its parties are screened: an alert raised
	 * on one is about this licence from the start */
	wam_db_new_id(db, id);
	subject = transfers_subject("licence", id, json_object_get(p, "number"));
	if ((rc = take_list(db, p, in, "parties", 50, today, subject)) ||
	    (rc = take_list(db, p, in, "lines", 200, NULL, NULL)) ||
	    (rc = parties_complete(json_string_value(json_object_get(p, "kind")), json_object_get(p, "parties"))) ||
	    (rc = take_conditions(p, in)))
		goto fail;
	char key[1024];
	transfers_key(key, sizeof key, json_string_value(json_object_get(p, "number")));
	if ((rc = wam_query_row(db, &dup, "SELECT id, number FROM licences WHERE number_key=?", key, NULL)))
		goto fail;
	if (dup) {
		rc = wam_error_set(WAM_ECONFLICT, "number", "licence number %s is taken: licence %s (%s)",
		                   json_string_value(json_object_get(p, "number")),
		                   json_string_value(json_object_get(dup, "number")),
		                   json_string_value(json_object_get(dup, "id")));
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "licence.drafted", id, p, wam_transfers_licence_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(dup);
	json_decref(subject);
	return rc;
}

/* ---- reading ---- */

static void licence_decode(json_t *l)
{
	transfers_decode(l, "conditions");
	transfers_decode(l, "assessment");
}

int wam_transfers_licence_get(wam_db *db, json_t **out, const char *given)
{
	char id[WAM_ID_LEN + 1], today[11];
	json_t *l = NULL, *list = NULL, *p;
	size_t i;
	*out = NULL;
	wam_date_today(today);
	int rc = transfers_national(db);
	if (rc || (rc = transfers_resolve(db, id, "licences", "number", given, "licence", "id")) ||
	    (rc = wam_query_row(db, &l, LICENCE_SQL " WHERE l.id=?2", today, id)))
		return rc;
	licence_decode(l);
	/* who assessed and when, with the assessment they recorded */
	json_t *assessment = json_object_get(l, "assessment");
	if (json_is_object(assessment)) {
		json_object_set(assessment, "assessed_at", json_object_get(l, "assessed_at"));
		json_object_set(assessment, "assessed_by", json_object_get(l, "assessed_by"));
	}
	json_object_del(l, "assessed_at");
	json_object_del(l, "assessed_by");
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT n, role, name, country, address, registration, documents, broker_id, screening"
	                         " FROM licence_parties WHERE licence_id=? ORDER BY n",
	                         id, NULL)))
		goto fail;
	bool clear = true;
	json_array_foreach(list, i, p)
	{
		transfers_decode(p, "documents");
		transfers_decode(p, "screening");
		clear &= json_is_true(json_object_get(json_object_get(p, "screening"), "clear"));
	}
	json_object_set_new(l, "parties", list);
	json_object_set_new(l, "screening_clear", json_boolean(clear));
	if ((rc = transfers_licence_lines(db, &list, id)))
		goto fail;
	json_object_set_new(l, "lines", list);
	if ((rc = wam_query_row(db, &p, "SELECT id, number, state FROM eucs WHERE licence_id=?", id, NULL)))
		goto fail;
	json_object_set_new(l, "euc", p ? p : json_null());
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT s.id, s.date, s.direction, s.state," TRANSFERS_CARRIED
	                         " FROM shipments s WHERE s.licence_id=? ORDER BY s.recorded_seq",
	                         id, NULL)))
		goto fail;
	json_object_set_new(l, "shipments", list);
	*out = l;
	return 0;
fail:
	json_decref(l);
	return rc;
}

int wam_transfers_licence_list(wam_db *db, json_t **out, const char *kind, const char *state)
{
	char today[11];
	json_t *all = NULL, *l;
	size_t i;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc)
		return rc;
	if (kind && *kind && !wam_in_vocab(wam_licence_kinds, kind))
		return wam_error_set(WAM_EINVAL, "kind", "kind '%.30s' is not one of: export, import, transit, brokering",
		                     kind);
	if (state && *state && !wam_in_vocab(wam_licence_states, state))
		return wam_error_set(WAM_EINVAL, "state", "state '%.30s' is not a state of a licence", state);
	wam_date_today(today);
	if ((rc = wam_query_rows(db, &all,
	                         "SELECT l.id, l.kind, l.number, " LICENCE_STATE " AS state, l.authority, l.valid_from,"
	                         " l.valid_until, " TRANSFERS_DESTINATION("l.id") " AS destination,"
	                         " (SELECT count(*) FROM licence_lines x WHERE x.licence_id=l.id) AS lines,"
	                         " (SELECT coalesce(sum(quantity),0) FROM licence_lines x WHERE x.licence_id=l.id"
	                         " AND x.goods='weapons') AS quantity,"
	                         " (SELECT coalesce(sum(shipped),0) FROM licence_lines x WHERE x.licence_id=l.id"
	                         " AND x.goods='weapons') AS shipped"
	                         " FROM licences l WHERE (?2 IS NULL OR ?2='' OR l.kind=?2)"
	                         " ORDER BY l.drafted_seq DESC",
	                         today, kind)))
		return rc;
	json_t *shown = json_array();
	json_array_foreach(all, i, l)
	{
		if (!state || !*state || !strcmp(state, json_string_value(json_object_get(l, "state"))))
			json_array_append(shown, l);
	}
	json_decref(all);
	*out = shown;
	return 0;
}

/* ---- the assessment ---- */

/* One criterion of the assessment: prohibitions.embargo, risks.ihl ... */
static int take_criterion(json_t *out, const json_t *group, const char *gname, const char *name,
                          const char *const *findings, bool risk)
{
	static const char *const fields[] = {"finding", "evidence", "mitigation", NULL};
	char field[64], prefix[80];
	const json_t *c = json_object_get(group, name);
	json_t *one = json_object();
	int rc = 0;
	snprintf(field, sizeof field, "%s.%s", gname, name);
	snprintf(prefix, sizeof prefix, "%s.", field);
	if (!json_is_object(c))
		rc = wam_error_set(WAM_EINVAL, field, "%s needs a finding: the assessment is not complete", field);
	else if (!(rc = wam_check_fields(c, risk ? fields : (const char *const[]){"finding", "evidence", NULL}, prefix, 0))) {
		char f[96], e[96], m[96];
		snprintf(f, sizeof f, "%sfinding", prefix);
		snprintf(e, sizeof e, "%sevidence", prefix);
		snprintf(m, sizeof m, "%smitigation", prefix);
		if (!(rc = wam_take_word(one, c, "finding", f, findings, NULL, WAM_FIELD_REQUIRED, 0)) &&
		    !(rc = wam_take_text(one, c, "evidence", e, WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) && risk)
			rc = wam_take_text(one, c, "mitigation", m, WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0);
		if (!rc && risk && !strcmp(json_string_value(json_object_get(one, "finding")), "substantial") &&
		    !json_object_get(one, "mitigation"))
			rc = wam_error_set(WAM_EINVAL, m, "%s is required: a substantial risk is issued only with the measures that mitigate it", m);
	}
	if (rc)
		json_decref(one);
	else
		json_object_set_new(out, name, one);
	return rc;
}

static int take_group(json_t *p, const json_t *in, const char *gname, const char *const *names,
                      const char *const *findings, bool risk)
{
	const json_t *g = json_object_get(in, gname);
	char prefix[32];
	int rc;
	if (!json_is_object(g))
		return wam_error_set(WAM_EINVAL, gname, "%s is required: an object with %s", gname,
		                     risk ? "peace_security, ihl, human_rights, terrorism, organised_crime, "
		                            "gender_based_violence and diversion"
		                          : "embargo, international_obligations and atrocity_crimes");
	snprintf(prefix, sizeof prefix, "%s.", gname);
	if ((rc = wam_check_fields(g, names, prefix, 0)))
		return rc;
	json_t *out = json_object();
	for (int i = 0; names[i]; i++)
		if ((rc = take_criterion(out, g, gname, names[i], findings, risk))) {
			json_decref(out);
			return rc;
		}
	json_object_set_new(p, gname, out);
	return 0;
}

static const wam_field assessment_fields[] = {
    {.name = "prohibitions", .kind = WAM_FIELD_OTHER},
    {.name = "risks", .kind = WAM_FIELD_OTHER},
    {.name = "decision", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_decisions},
    {.name = "reasons", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "officer", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {0}};

/* What makes a licence deniable only: a prohibition that applies, an
 * overriding risk (ATT Art. 6 and 7.3). */
static int only_deny(const json_t *p)
{
	const char *k;
	const json_t *c;
	json_object_foreach((json_t *)json_object_get(p, "prohibitions"), k, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "finding")), "applies"))
			return wam_error_set(WAM_ECONFLICT, "decision",
			                     "the prohibition %s applies (ATT Art. 6): the licence can only be denied", k);
	}
	json_object_foreach((json_t *)json_object_get(p, "risks"), k, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "finding")), "overriding"))
			return wam_error_set(WAM_ECONFLICT, "decision",
			                     "the risk %s is overriding (ATT Art. 7.3): the licence can only be denied", k);
	}
	return 0;
}

int wam_transfers_licence_assess(wam_db *db, json_t **out, const char *given, const json_t *in)
{
	json_t *p = json_object(), *l = NULL;
	char id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an assessment is a JSON object");
		goto done;
	}
	wam_date_today(today);
	if ((rc = wam_field_check(db, p, in, assessment_fields, "", 0)) ||
	    (rc = take_group(p, in, "prohibitions", wam_prohibitions, wam_prohibition_findings, false)) ||
	    (rc = take_group(p, in, "risks", wam_risks, wam_risk_findings, true)))
		goto done;
	if (!json_object_get(p, "date"))
		json_object_set_new(p, "date", json_string(today));
	if ((rc = transfers_not_future(p, "date")) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, id, "licences", "number", given, "licence", "id")) ||
	    (rc = wam_query_row(db, &l, "SELECT state FROM licences WHERE id=?", id, NULL)))
		goto fail;
	const char *state = json_string_value(json_object_get(l, "state"));
	if (strcmp(state, "draft") && strcmp(state, "assessed")) {
		rc = wam_error_set(WAM_ECONFLICT, "id",
		                   "licence %.40s is %s: a licence is assessed while it is a draft, or assessed and not "
		                   "yet issued",
		                   given, state);
		goto fail;
	}
	bool approve = !strcmp(json_string_value(json_object_get(p, "decision")), "approve");
	/* what screening finds today is a prohibition the assessment states */
	int screened = transfers_screen_licence(db, id, today, "prohibitions.embargo.finding", NULL);
	const char *embargo = json_string_value(
	    json_object_get(json_object_get(json_object_get(p, "prohibitions"), "embargo"), "finding"));
	if (screened && (screened != WAM_ECONFLICT || approve || !strcmp(embargo, "clear"))) {
		rc = screened; /* its error names the party that failed */
		goto fail;
	}
	if (approve && (rc = only_deny(p)))
		goto fail;
	rc = wam_ledger_append_commit(db, out, "licence.assessed", id, p, wam_transfers_licence_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(l);
	return rc;
}

/* ---- issue and later states ---- */

int wam_transfers_licence_issue(wam_db *db, json_t **out, const char *given)
{
	json_t *l = NULL, *p = NULL;
	char id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	wam_date_today(today);
	if ((rc = transfers_national(db)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, id, "licences", "number", given, "licence", "id")) ||
	    (rc = wam_query_row(db, &l,
	                        "SELECT number, state, valid_until, (SELECT actor FROM events WHERE seq=l.drafted_seq)"
	                        " AS drafted_by FROM licences l WHERE id=?",
	                        id, NULL)))
		goto fail;
	const char *number = json_string_value(json_object_get(l, "number"));
	const char *state = json_string_value(json_object_get(l, "state"));
	const char *by = json_string_value(json_object_get(l, "drafted_by"));
	if (!strcmp(state, "draft")) {
		rc = wam_error_set(WAM_ECONFLICT, "id",
		                   "licence %s has no risk assessment: a licence is issued only after a complete "
		                   "assessment that approves it (wam licence assess)",
		                   number);
		goto fail;
	}
	if (strcmp(state, "assessed")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "licence %s is %s: only an assessed licence is issued", number,
		                   state);
		goto fail;
	}
	if (strcmp(json_string_value(json_object_get(l, "valid_until")), today) < 0) {
		rc = wam_error_set(WAM_ECONFLICT, "valid_until", "licence %s was valid until %s: it cannot be issued",
		                   number, json_string_value(json_object_get(l, "valid_until")));
		goto fail;
	}
	if (wam_auth_is_token(db->actor)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "issued_by",
		                   "two-person rule: %s is a token, held by a program; a licensing officer signed in as "
		                   "themselves issues licence %s",
		                   db->actor, number);
		goto fail;
	}
	if (wam_auth_same_person_db(db, by, db->actor)) {
		rc = wam_error_set(WAM_EFORBIDDEN, "issued_by",
		                   "two-person rule: %s drafted licence %s and cannot also issue it; another person must",
		                   by, number);
		goto fail;
	}
	char first[128], second[128], both[128];
	snprintf(first, sizeof first, "drafted licence %.60s", number);
	snprintf(second, sizeof second, "issues licence %.60s", number);
	snprintf(both, sizeof both, "draft and issue licence %.60s", number);
	if ((rc = wam_auth_independent_pair(db, by, first, second, both, "issued_by")) ||
	    (rc = transfers_screen_licence(db, id, today, "parties", NULL)))
		goto fail;
	/* a broker it names may have been suspended since it was drafted */
	json_t *brokers = NULL, *b;
	size_t i;
	if ((rc = wam_query_rows(db, &brokers, "SELECT broker_id FROM licence_parties WHERE licence_id=? AND"
	                         " broker_id IS NOT NULL", id, NULL)))
		goto fail;
	json_array_foreach(brokers, i, b)
	{
		if (!rc)
			rc = transfers_broker_active(db, json_string_value(json_object_get(b, "broker_id")), "parties");
	}
	json_decref(brokers);
	if (rc)
		goto fail;
	p = json_pack("{s:s}", "date", today);
	rc = wam_ledger_append_commit(db, out, "licence.issued", id, p, wam_transfers_licence_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(l);
	json_decref(p);
	return rc;
}

int wam_transfers_licence_set_state(wam_db *db, json_t **out, const char *given, const json_t *in)
{
	static const char *const fields[] = {"state", "reason", NULL};
	static const char *const targets[] = {"suspended", "revoked", "issued", NULL};
	json_t *p = json_object(), *l = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_check_fields(in, fields, "", 0)) ||
	    (rc = wam_take_word(p, in, "state", "state", targets, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, id, "licences", "number", given, "licence", "id")) ||
	    (rc = wam_query_row(db, &l, "SELECT number, state FROM licences WHERE id=?", id, NULL)))
		goto fail;
	const char *from = json_string_value(json_object_get(l, "state"));
	const char *to = json_string_value(json_object_get(p, "state"));
	/* issued -> suspended | revoked; suspended -> issued | revoked */
	bool ok = (!strcmp(from, "issued") && strcmp(to, "issued")) || (!strcmp(from, "suspended") && strcmp(to, "suspended"));
	if (!ok) {
		rc = wam_error_set(WAM_ECONFLICT, "state", "licence %s is %s and cannot become %s",
		                   json_string_value(json_object_get(l, "number")), from, to);
		goto fail;
	}
	json_object_set_new(p, "to", json_string(to));
	json_object_del(p, "state");
	json_object_set_new(p, "from", json_string(from));
	rc = wam_ledger_append_commit(db, out, "licence.state_changed", id, p, wam_transfers_licence_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(l);
	return rc;
}
