/* Exemptions: a supply under a regime that its committee was notified of,
 * approved, or that the regime allows outright (docs/formats/exemption.md).
 * Whether one lets a supply go ahead on a day depends on its procedure:
 * standing, always within its validity; notify-no-objection, once the
 * regime's period of working days after the notification has passed with
 * no objection, or on the committee's no objection; prior approval, once
 * approved with the committee's reference; post-delivery notice, always
 * (the notice falls due after the delivery, notice.c). */
#include <stdlib.h>
#include <string.h>

#include "embargo.h"
#include "wam/match.h"

static const wam_field item_fields[] = {
    {.name = "description", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "category", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "quantity", .kind = WAM_FIELD_QUANTITY, .flags = WAM_FIELD_REQUIRED, .lo = 1, .hi = 1e12},
    {.name = "serials", .kind = WAM_FIELD_OTHER},
    {0}};

static const wam_field end_user_fields[] = {
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "address", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "unit", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {0}};

static const wam_field exemption_fields[] = {
    {.name = "procedure", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = embargo_procedures},
    {.name = "notifying_state", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "supplier", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "manufacturer", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "end_user", .kind = WAM_FIELD_OTHER},
    {.name = "items", .kind = WAM_FIELD_OTHER},
    {.name = "supporting_note", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "delivery_from", .kind = WAM_FIELD_DATE},
    {.name = "delivery_until", .kind = WAM_FIELD_DATE},
    {.name = "route", .kind = WAM_FIELD_OTHER},
    {.name = "valid_until", .kind = WAM_FIELD_DATE},
    {.name = "notified_on", .kind = WAM_FIELD_DATE},
    {.name = "committee_reference", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "covers", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

/* A list of up to `max` texts or country codes under `key`. */
static int take_list(wam_db *db, json_t *p, const json_t *in, const char *key, size_t max, bool countries)
{
	const json_t *v = json_object_get(in, key), *s;
	json_t *list = json_array();
	size_t i;
	int rc = 0;
	if (wam_absent(v)) {
		json_decref(list);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > max) {
		json_decref(list);
		return wam_error_set(WAM_EINVAL, key, "%s must be a list of at most %zu", key, max);
	}
	json_array_foreach(v, i, s)
	{
		char field[64];
		json_t *tmp = json_pack("{s:O}", "v", s), *one = json_object();
		snprintf(field, sizeof field, "%s[%zu]", key, i);
		rc = countries ? wam_take_country(db, one, tmp, "v", field, WAM_FIELD_REQUIRED, 0)
		               : wam_take_text(one, tmp, "v", field, WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0);
		if (!rc)
			json_array_append(list, json_object_get(one, "v"));
		json_decref(tmp);
		json_decref(one);
		if (rc)
			break;
	}
	if (!rc)
		json_object_set(p, key, list);
	json_decref(list);
	return rc;
}

/* Checks an exemption (docs/formats/exemption.md) into `p`. */
int embargo_exemption_check(wam_db *db, json_t *p, const json_t *in);
int embargo_exemption_check(wam_db *db, json_t *p, const json_t *in)
{
	const json_t *eu = json_object_get(in, "end_user"), *items = json_object_get(in, "items"), *it;
	json_t *e = json_object(), *list = json_array();
	size_t i;
	int rc;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an exemption is a JSON object");
		goto done;
	}
	if ((rc = wam_field_check(db, p, in, exemption_fields, "", 0)))
		goto done;
	if (!json_is_object(eu)) {
		rc = wam_error_set(WAM_EINVAL, "end_user", "end_user is required: an object {name, country, ...}");
		goto done;
	}
	if ((rc = wam_field_check(db, e, eu, end_user_fields, "end_user.", 0)))
		goto done;
	json_object_set(p, "end_user", e);
	if (!json_is_array(items) || !json_array_size(items) || json_array_size(items) > 200) {
		rc = wam_error_set(WAM_EINVAL, "items", "items must be a list of 1 to 200 goods");
		goto done;
	}
	json_array_foreach(items, i, it)
	{
		char prefix[32];
		json_t *one = json_object();
		snprintf(prefix, sizeof prefix, "items[%zu].", i);
		if (!json_is_object(it))
			rc = wam_error_set(WAM_EINVAL, prefix, "%s must be an object", prefix);
		if (!rc)
			rc = wam_field_check(db, one, it, item_fields, prefix, 0);
		if (!rc) {
			char key[40];
			snprintf(key, sizeof key, "%sserials", prefix);
			json_t *wrap = json_pack("{s:O*}", key, json_object_get(it, "serials")), *w = json_object();
			rc = take_list(db, w, wrap, key, 10000, false);
			if (!rc && json_object_get(w, key))
				json_object_set(one, "serials", json_object_get(w, key));
			json_decref(wrap);
			json_decref(w);
		}
		if (!rc)
			json_array_append(list, one);
		json_decref(one);
		if (rc)
			goto done;
	}
	json_object_set(p, "items", list);
	if ((rc = take_list(db, p, in, "route", 20, true)) || (rc = take_list(db, p, in, "covers", 100, false)))
		goto done;
	const char *from = json_string_value(json_object_get(p, "delivery_from"));
	const char *until = json_string_value(json_object_get(p, "delivery_until"));
	if (from && until && strcmp(until, from) < 0)
		rc = wam_error_set(WAM_EINVAL, "delivery_until", "delivery_until %s is before delivery_from %s", until,
		                   from);
done:
	json_decref(e);
	json_decref(list);
	return rc;
}

#define EXEMPTION_SQL                                                                                                  \
	"SELECT id, regime_id AS regime, procedure, state, notified_on, decided_on, committee_reference, valid_until," \
	" body, decisions, recorded_seq, last_seq FROM exemptions"

static int read_one(wam_db *db, json_t **out, const char *id, const char *field)
{
	int rc = wam_query_row(db, out, EXEMPTION_SQL " WHERE id=?", id, NULL);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOTFOUND, field, "no exemption '%.40s'", id ? id : "");
	if (!rc) {
		embargo_decode(*out, "body");
		embargo_decode(*out, "decisions");
	}
	return rc;
}

/* Whether `supply` ({end_user: {name, country}, weapons, rounds}) is the
 * supply exemption `x` (a row) was granted for on `date`: its end user
 * (same country, the names compared as names are), inside its delivery
 * window, and what was shipped under it so far with this within the
 * quantity of its items. 0, or WAM_ECONFLICT naming `field` and why. */
static int supply_fits(wam_db *db, const json_t *x, const json_t *supply, const char *date, const char *field)
{
	const char *id = json_string_value(json_object_get(x, "id"));
	const json_t *body = json_object_get(x, "body"), *it;
	const json_t *eu = json_object_get(body, "end_user"), *to = json_object_get(supply, "end_user");
	const char *want = json_string_value(json_object_get(eu, "name"));
	const char *wcc = json_string_value(json_object_get(eu, "country"));
	const char *name = json_string_value(json_object_get(to, "name"));
	const char *cc = json_string_value(json_object_get(to, "country"));
	const char *from = json_string_value(json_object_get(body, "delivery_from"));
	const char *until = json_string_value(json_object_get(body, "delivery_until"));
	char a[4 * WAM_MAX_TEXT + 8], b[4 * WAM_MAX_TEXT + 8];
	json_t *row = NULL;
	size_t i;
	long long total = 0, now = 0;
	if (!name || !want || wam_match_name_key(a, sizeof a, want) < 0 || wam_match_name_key(b, sizeof b, name) < 0 ||
	    strcmp(a, b) || !cc || !wcc || strcmp(cc, wcc))
		return wam_error_set(WAM_ECONFLICT, field, "exemption %s is for the end user %s (%s), not %s (%s)", id,
		                     want ? want : "-", wcc ? wcc : "-", name ? name : "-", cc ? cc : "-");
	if (from && strcmp(date, from) < 0)
		return wam_error_set(WAM_ECONFLICT, field, "exemption %s allows delivery from %s, not on %s", id, from,
		                     date);
	if (until && strcmp(date, until) > 0)
		return wam_error_set(WAM_ECONFLICT, field, "exemption %s allowed delivery until %s, not on %s", id,
		                     until, date);
	json_array_foreach(json_object_get(body, "items"), i, it) total +=
	    json_integer_value(json_object_get(it, "quantity"));
	now = json_integer_value(json_object_get(supply, "weapons")) +
	      json_integer_value(json_object_get(supply, "rounds"));
	int rc =
	    wam_query_row(db, &row,
	                  "SELECT coalesce(sum(coalesce(json_array_length(payload,'$.items'),0)+"
	                  "coalesce((SELECT sum(json_extract(l.value,'$.rounds')) FROM json_each(payload,'$.lots') l),"
	                  "0)),0) AS n FROM events WHERE type IN ('shipment.dispatched','shipment.received') AND"
	                  " json_extract(payload,'$.exemption')=?",
	                  id, NULL);
	long long before = rc ? 0 : json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	if (rc)
		return rc;
	if (before + now > total)
		return wam_error_set(
		    WAM_ECONFLICT, field,
		    "exemption %s covers %lld items: %lld were shipped under it, %lld more would exceed it", id, total,
		    before, now);
	return 0;
}

/* Whether exemption `x` (a row) lets a supply under `regime` go ahead on
 * `date`: 0, or WAM_ECONFLICT naming `field` and why. Only what had
 * happened by `date` counts: the notification and the committee's
 * decisions dated on or before it. */
static int fits(wam_db *db, const json_t *x, const char *regime, const char *date, const char *field)
{
	const char *id = json_string_value(json_object_get(x, "id"));
	const char *r = json_string_value(json_object_get(x, "regime"));
	const char *procedure = json_string_value(json_object_get(x, "procedure"));
	const char *until = json_string_value(json_object_get(x, "valid_until"));
	const char *notified = json_string_value(json_object_get(json_object_get(x, "body"), "notified_on"));
	const char *state = "recorded", *reference = NULL;
	const json_t *d;
	size_t i;
	if (notified && strcmp(notified, date) > 0)
		notified = NULL;
	else if (notified)
		state = "notified";
	json_array_foreach(json_object_get(x, "decisions"), i, d)
	{
		const char *decision = json_string_value(json_object_get(d, "decision"));
		const char *on = json_string_value(json_object_get(d, "date"));
		if (!decision || !on || strcmp(on, date) > 0)
			continue;
		if (!strcmp(decision, "notified")) {
			notified = on;
			if (!strcmp(state, "recorded"))
				state = "notified";
		} else if (!strcmp(decision, "no_objection"))
			state = "no_objection";
		else if (!strcmp(decision, "objection"))
			state = "objected";
		else if (!strcmp(decision, "approved")) {
			state = "approved";
			reference = json_string_value(json_object_get(d, "reference"));
		} else
			state = "refused";
	}
	if (!reference && !strcmp(state, "approved"))
		reference = json_string_value(json_object_get(x, "committee_reference"));
	if (regime && strcmp(r, regime))
		return wam_error_set(WAM_ECONFLICT, field, "exemption %s is under the %s regime, not %s", id, r,
		                     regime);
	if (until && strcmp(date, until) > 0)
		return wam_error_set(WAM_ECONFLICT, field, "exemption %s was valid until %s", id, until);
	if (!strcmp(state, "refused"))
		return wam_error_set(WAM_ECONFLICT, field, "the committee refused exemption %s", id);
	if (!strcmp(state, "objected"))
		return wam_error_set(WAM_ECONFLICT, field, "the committee objected to exemption %s", id);
	if (!strcmp(procedure, "notify_no_objection")) {
		json_t *body = NULL;
		long days = 5;
		char end[11];
		if (!strcmp(state, "no_objection"))
			return 0;
		if (!notified)
			return wam_error_set(WAM_ECONFLICT, field,
			                     "the committee has not been notified of exemption %s", id);
		if (!embargo_regime_body(db, &body, r, field)) {
			const json_t *p = embargo_procedure(body, procedure);
			if (json_is_integer(json_object_get(p, "period_days")))
				days = (long)json_integer_value(json_object_get(p, "period_days"));
		} else
			wam_error_clear();
		json_decref(body);
		embargo_add_working_days(end, notified, days);
		if (strcmp(date, end) <= 0)
			return wam_error_set(
			    WAM_ECONFLICT, field,
			    "exemption %s: the committee's %ld working days after the notification of %s run "
			    "until %s",
			    id, days, notified, end);
		return 0;
	}
	if (!strcmp(procedure, "prior_approval")) {
		if (strcmp(state, "approved") || !reference)
			return wam_error_set(WAM_ECONFLICT, field, "exemption %s needs the committee's approval first",
			                     id);
		return 0;
	}
	return 0; /* standing, post_delivery_notice */
}

int wam_embargo_exemption_fits(wam_db *db, const char *id, const char *regime, const char *date, const json_t *supply,
                               const char *field)
{
	json_t *x = NULL;
	char today[11];
	if (!field)
		field = "exemption";
	int rc = embargo_date(&date, today, "date");
	if (!rc && !(rc = read_one(db, &x, id, field)) && !(rc = fits(db, x, regime, date, field)) && supply)
		rc = supply_fits(db, x, supply, date, field);
	json_decref(x);
	return rc;
}

static json_t *shown(json_t *x, const char *date)
{
	json_t *body = json_object_get(x, "body");
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v) if (!json_object_get(x, k)) json_object_set(x, k, v);
	json_object_del(x, "body");
	const char *until = json_string_value(json_object_get(x, "valid_until"));
	if (until && strcmp(date, until) > 0)
		json_object_set_new(x, "state", json_string("expired"));
	return x;
}

int wam_embargo_exemption_get(wam_db *db, json_t **out, const char *id, const char *date)
{
	char today[11];
	json_t *notices = NULL;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc || (rc = embargo_date(&date, today, "on")) || (rc = read_one(db, out, id, "id")))
		return rc;
	int f = fits(db, *out, NULL, date, "id");
	json_object_set_new(*out, "fits_on", json_string(date));
	json_object_set_new(*out, "fits", json_boolean(f == 0));
	/* why, in words and as a message of the catalogue (its id and args) */
	json_t *why = f ? wam_error_json(wam_error_last()) : wam_message_json("the supply may go ahead");
	if (f)
		wam_error_clear();
	embargo_why(*out, "why", why);
	shown(*out, date);
	if ((rc = wam_query_rows(db, &notices,
	                         "SELECT n.id, n.kind, n.due, n.state, n.sent_on, n.reference FROM notices n WHERE"
	                         " n.exemption_id=? ORDER BY n.due",
	                         id, NULL))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "notices", notices);
	return 0;
}

int wam_embargo_exemption_list(wam_db *db, json_t **out, const char *regime)
{
	char today[11];
	json_t *x;
	size_t i;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc)
		return rc;
	wam_date_today(today);
	if (!embargo_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	rc = regime
	         ? wam_query_rows(db, out, EXEMPTION_SQL " WHERE regime_id=? ORDER BY recorded_seq DESC", regime, NULL)
	         : wam_query_rows(db, out, EXEMPTION_SQL " ORDER BY recorded_seq DESC", NULL, NULL);
	json_array_foreach(*out, i, x)
	{
		embargo_decode(x, "body");
		embargo_decode(x, "decisions");
		shown(x, today);
	}
	return rc;
}

static int get_today(wam_db *db, json_t **out, const char *id)
{
	return wam_embargo_exemption_get(db, out, id, NULL);
}

int wam_embargo_exemption_add(wam_db *db, json_t **out, const char *regime, const json_t *in)
{
	json_t *p = json_object(), *body = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = embargo_exemption_check(db, p, in)) ||
	    (rc = embargo_regime_body(db, &body, regime, "regime")))
		goto done;
	const char *procedure = json_string_value(json_object_get(p, "procedure"));
	if (!embargo_procedure(body, procedure)) {
		rc =
		    wam_error_set(WAM_EINVAL, "procedure", "the %s regime provides no %s procedure", regime, procedure);
		goto done;
	}
	const char *notified = json_string_value(json_object_get(p, "notified_on"));
	char today[11];
	wam_date_today(today);
	if (notified && strcmp(notified, today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "notified_on",
		                   "%s %s is after today (%s): a record says what has happened", "notified_on",
		                   notified, today);
		goto done;
	}
	json_object_set_new(p, "regime", json_string(regime));
	if ((rc = wam_db_begin(db)))
		goto done;
	wam_db_new_id(db, id);
	rc = wam_ledger_append_commit(db, out, "exemption.recorded", id, p, get_today);
done:
	json_decref(p);
	json_decref(body);
	return rc;
}

int wam_embargo_exemption_decide(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const wam_field fields[] = {
	    {.name = "decision", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = embargo_decisions},
	    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
	    {.name = "reference", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {0}};
	json_t *p = json_object(), *x = NULL;
	char today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = wam_field_check(db, p, in, fields, "", 0)))
		goto done;
	const char *decision = json_string_value(json_object_get(p, "decision"));
	const char *date = json_string_value(json_object_get(p, "date"));
	wam_date_today(today);
	if (strcmp(date, today) > 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "%s %s is after today (%s): a record says what has happened",
		                   "date", date, today);
		goto done;
	}
	if (!strcmp(decision, "approved") && !json_object_get(p, "reference")) {
		rc = wam_error_set(WAM_EINVAL, "reference", "an approval names the committee's reference");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = read_one(db, &x, id, "id")))
		goto fail;
	const char *procedure = json_string_value(json_object_get(x, "procedure"));
	const char *state = json_string_value(json_object_get(x, "state"));
	const char *notified = json_string_value(json_object_get(x, "notified_on"));
	if (strcmp(decision, "notified") && notified && strcmp(date, notified) < 0) {
		rc = wam_error_set(WAM_EINVAL, "date",
		                   "exemption %s was notified on %s: the committee's %s cannot be dated %s", id,
		                   notified, decision, date);
		goto fail;
	}
	bool ok = !strcmp(decision, "notified") ? strcmp(procedure, "standing") != 0
	          : !strcmp(decision, "approved")
	              ? !strcmp(procedure, "prior_approval")
	              : strcmp(procedure, "standing") && strcmp(procedure, "post_delivery_notice");
	if (!ok) {
		rc = wam_error_set(WAM_ECONFLICT, "decision", "a %s exemption takes no '%s' decision", procedure,
		                   decision);
		goto fail;
	}
	if (!strcmp(state, "refused") || !strcmp(state, "objected")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "exemption %s was decided already (%s)", id, state);
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "exemption.decided", json_string_value(json_object_get(x, "id")), p,
	                              get_today);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(x);
	return rc;
}

/* ---- the notification ---- */

int wam_embargo_exemption_notice(wam_db *db, char **html, size_t *len, const char *id)
{
	json_t *x = NULL, *regime = NULL, *head = NULL;
	wam_buf o = {0};
	char title[200];
	size_t i, j;
	const json_t *it, *s;
	*html = NULL;
	*len = 0;
	int rc = embargo_national(db);
	if (rc || (rc = wam_embargo_exemption_get(db, &x, id, NULL)) ||
	    (rc = embargo_regime_body(db, &regime, json_string_value(json_object_get(x, "regime")), "regime")) ||
	    (rc = wam_query_row(db, &head,
	                        "SELECT max(seq) AS seq, lower(hex((SELECT hash FROM events WHERE seq="
	                        "(SELECT max(seq) FROM events)))) AS hash FROM events",
	                        NULL, NULL)))
		goto done;
	snprintf(title, sizeof title, "Notification to the %s",
	         json_is_string(json_object_get(regime, "committee"))
	             ? json_string_value(json_object_get(regime, "committee"))
	             : "Security Council");
	embargo_html_head(&o, title);
	wam_buf_puts(&o, "<table>\n");
	embargo_html_row(&o, "Exemption", id);
	embargo_html_row(&o, "Regime", json_string_value(json_object_get(regime, "name")));
	embargo_html_row(&o, "Procedure", json_string_value(json_object_get(x, "procedure")));
	embargo_html_row(&o, "Notifying State", json_string_value(json_object_get(x, "notifying_state")));
	embargo_html_row(&o, "Supplier", json_string_value(json_object_get(x, "supplier")));
	embargo_html_row(&o, "Manufacturer", json_string_value(json_object_get(x, "manufacturer")));
	const json_t *eu = json_object_get(x, "end_user");
	wam_buf t = {0};
	wam_buf_printf(&t, "%s, %s", json_string_value(json_object_get(eu, "name")),
	               json_string_value(json_object_get(eu, "country")));
	if (json_is_string(json_object_get(eu, "unit")))
		wam_buf_printf(&t, ", %s", json_string_value(json_object_get(eu, "unit")));
	if (json_is_string(json_object_get(eu, "address")))
		wam_buf_printf(&t, ", %s", json_string_value(json_object_get(eu, "address")));
	embargo_html_row(&o, "End user", t.p);
	wam_buf_reset(&t);
	embargo_html_row(&o, "Supporting note from the recipient State",
	                 json_string_value(json_object_get(x, "supporting_note")));
	wam_buf_printf(&t, "%s to %s",
	               json_is_string(json_object_get(x, "delivery_from"))
	                   ? json_string_value(json_object_get(x, "delivery_from"))
	                   : "-",
	               json_is_string(json_object_get(x, "delivery_until"))
	                   ? json_string_value(json_object_get(x, "delivery_until"))
	                   : "-");
	embargo_html_row(&o, "Intended delivery dates", t.p);
	wam_buf_reset(&t);
	json_array_foreach(json_object_get(x, "route"), i, s)
	    wam_buf_printf(&t, "%s%s", i ? ", " : "", json_string_value(s));
	embargo_html_row(&o, "Route", t.p ? t.p : "");
	embargo_html_row(&o, "Notified on", json_string_value(json_object_get(x, "notified_on")));
	embargo_html_row(&o, "Committee reference", json_string_value(json_object_get(x, "committee_reference")));
	wam_buf_reset(&t);
	wam_buf_printf(&t, "event %lld, hash %s", (long long)json_integer_value(json_object_get(head, "seq")),
	               json_string_value(json_object_get(head, "hash")));
	embargo_html_row(&o, "Ledger position", t.p);
	wam_buf_puts(&o, "</table>\n<h2>Items</h2>\n<table>\n<tr><th>#</th><th>Description</th><th>Category</th>"
	                 "<th>Quantity</th><th>Serial numbers</th></tr>\n");
	json_array_foreach(json_object_get(x, "items"), i, it)
	{
		wam_buf_reset(&t);
		json_array_foreach(json_object_get(it, "serials"), j, s)
		    wam_buf_printf(&t, "%s%s", j ? ", " : "", json_string_value(s));
		wam_buf_printf(&o, "<tr><td>%zu</td><td>", i + 1);
		wam_buf_html(&o, json_string_value(json_object_get(it, "description")));
		wam_buf_puts(&o, "</td><td>");
		wam_buf_html(&o, json_string_value(json_object_get(it, "category")));
		wam_buf_printf(&o, "</td><td>%lld</td><td>",
		               (long long)json_integer_value(json_object_get(it, "quantity")));
		wam_buf_html(&o, t.p);
		wam_buf_puts(&o, "</td></tr>\n");
	}
	wam_buf_puts(&o, "</table>\n</body>\n</html>\n");
	wam_buf_free(&t);
	if (!o.p) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	*len = o.n;
	*html = o.p;
	o.p = NULL;
done:
	wam_buf_free(&o);
	json_decref(x);
	json_decref(regime);
	json_decref(head);
	return rc;
}
