/* The Security Council's regimes: the reference file (docs/formats/
 * regimes.md) checked whole and imported as one event, what applied on a
 * date, the regime a sanctions list type belongs to, and the check of a
 * destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"

#define MAX_REGIMES 200
#define MAX_LIST 100

static bool is_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 40)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* Keys of `o` all among `known`. */
static int keys_known(const json_t *o, const char *const *known, const char *prefix)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		const char *const *w = known;
		while (*w && strcmp(*w, k))
			w++;
		if (!*w)
			return wam_error_set(WAM_EINVAL, prefix, "unknown field '%s%.40s'", prefix, k);
	}
	return 0;
}

static int need_text(const json_t *o, const char *key, const char *prefix, bool required)
{
	const json_t *v = json_object_get(o, key);
	char field[96];
	snprintf(field, sizeof field, "%s%s", prefix, key);
	if (!v || json_is_null(v)) {
		if (required)
			return wam_error_set(WAM_EINVAL, field, "%s is required", field);
		return 0;
	}
	if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > WAM_MAX_NOTES)
		return wam_error_set(WAM_EINVAL, field, "%s must be text of 1 to %d bytes", field, WAM_MAX_NOTES);
	return 0;
}

static int need_date(const json_t *o, const char *key, const char *prefix, bool required)
{
	const json_t *v = json_object_get(o, key);
	char field[96];
	snprintf(field, sizeof field, "%s%s", prefix, key);
	if (!v || json_is_null(v))
		return required ? wam_error_set(WAM_EINVAL, field, "%s is required", field) : 0;
	if (!json_is_string(v) || !wam_date_valid(json_string_value(v), 1900))
		return wam_error_set(WAM_EINVAL, field, "%s is not a calendar date YYYY-MM-DD", field);
	return 0;
}

static int need_word(const json_t *o, const char *key, const char *prefix, const char *const *vocab)
{
	const char *s = json_string_value(json_object_get(o, key));
	char field[96];
	snprintf(field, sizeof field, "%s%s", prefix, key);
	for (const char *const *w = vocab; s && *w; w++)
		if (!strcmp(*w, s))
			return 0;
	return wam_error_set(WAM_EINVAL, field, "%s must be one of the room's words (wam_embargo_vocabulary)", field);
}

static int need_int(const json_t *o, const char *key, const char *prefix, long lo, long hi, bool required)
{
	const json_t *v = json_object_get(o, key);
	char field[96];
	snprintf(field, sizeof field, "%s%s", prefix, key);
	if (!v || json_is_null(v))
		return required ? wam_error_set(WAM_EINVAL, field, "%s is required", field) : 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return wam_error_set(WAM_EINVAL, field, "%s must be a whole number from %ld to %ld", field, lo, hi);
	return 0;
}

/* An array of texts (each at most WAM_MAX_NOTES bytes). */
static int need_texts(const json_t *o, const char *key, const char *prefix, bool required)
{
	const json_t *v = json_object_get(o, key), *s;
	char field[96];
	size_t i;
	snprintf(field, sizeof field, "%s%s", prefix, key);
	if (!v)
		return required ? wam_error_set(WAM_EINVAL, field, "%s is required", field) : 0;
	if (!json_is_array(v) || json_array_size(v) > MAX_LIST)
		return wam_error_set(WAM_EINVAL, field, "%s must be a list of at most %d texts", field, MAX_LIST);
	json_array_foreach(v, i, s)
	{
		if (!json_is_string(s) || !json_string_length(s) || json_string_length(s) > WAM_MAX_NOTES)
			return wam_error_set(WAM_EINVAL, field, "%s[%zu] must be text of 1 to %d bytes", field, i,
			                     WAM_MAX_NOTES);
	}
	return 0;
}

static int check_period(const json_t *p, const char *prefix)
{
	static const char *const known[] = {
	    "from", "until", "target", "scope", "note", "resolution", "seizure_notice_days", NULL};
	int rc;
	if (!json_is_object(p))
		return wam_error_set(WAM_EINVAL, prefix, "%s must be an object", prefix);
	if ((rc = keys_known(p, known, prefix)) || (rc = need_date(p, "from", prefix, true)) ||
	    (rc = need_date(p, "until", prefix, false)) ||
	    (rc = need_word(p, "target", prefix, embargo_regime_targets)) ||
	    (rc = need_word(p, "scope", prefix, embargo_regime_scopes)) || (rc = need_text(p, "note", prefix, false)) ||
	    (rc = need_int(p, "resolution", prefix, 1, 99999, false)) ||
	    (rc = need_int(p, "seizure_notice_days", prefix, 1, 365, false)))
		return rc;
	const char *until = json_string_value(json_object_get(p, "until"));
	if (until && strcmp(until, json_string_value(json_object_get(p, "from"))) < 0)
		return wam_error_set(WAM_EINVAL, prefix, "%suntil is before %sfrom", prefix, prefix);
	return 0;
}

static int check_regime(wam_db *db, const json_t *r, const char *prefix)
{
	static const char *const known[] = {
	    "id",          "name",    "target",     "scope",      "territories", "committee",   "panel",
	    "resolutions", "periods", "procedures", "list_types", "sources",     "unconfirmed", "seizure_notice_days",
	    NULL};
	static const char *const res_known[] = {"number", "date", "what", NULL};
	static const char *const proc_known[] = {"procedure", "covers", "period_days", NULL};
	char field[96];
	size_t i;
	const json_t *v;
	int rc;
	if (!json_is_object(r))
		return wam_error_set(WAM_EINVAL, prefix, "%s must be an object", prefix);
	snprintf(field, sizeof field, "%sid", prefix);
	if ((rc = keys_known(r, known, prefix)))
		return rc;
	if (!is_id(json_string_value(json_object_get(r, "id"))))
		return wam_error_set(WAM_EINVAL, field, "%s must be 1 to 40 of a-z, 0-9 and '-'", field);
	if ((rc = need_text(r, "name", prefix, true)) ||
	    (rc = need_word(r, "target", prefix, embargo_regime_targets)) ||
	    (rc = need_word(r, "scope", prefix, embargo_regime_scopes)) ||
	    (rc = need_text(r, "committee", prefix, false)) || (rc = need_text(r, "panel", prefix, false)) ||
	    (rc = need_texts(r, "list_types", prefix, true)) || (rc = need_texts(r, "sources", prefix, true)) ||
	    (rc = need_texts(r, "unconfirmed", prefix, true)) ||
	    (rc = need_int(r, "seizure_notice_days", prefix, 1, 365, false)) ||
	    (rc = need_texts(r, "territories", prefix, true)))
		return rc;
	if (!json_array_size(json_object_get(r, "sources")))
		return wam_error_set(WAM_EINVAL, prefix, "%ssources names at least one source", prefix);
	json_array_foreach(json_object_get(r, "territories"), i, v)
	{
		json_t *tmp = json_pack("{s:O}", "c", v), *one = json_object();
		snprintf(field, sizeof field, "%sterritories[%zu]", prefix, i);
		rc = wam_take_country(db, one, tmp, "c", field, WAM_FIELD_REQUIRED, 0);
		if (!rc && strcmp(json_string_value(json_object_get(one, "c")), json_string_value(v)))
			rc = wam_error_set(WAM_EINVAL, field, "%s must be an upper-case ISO 3166 code", field);
		json_decref(tmp);
		json_decref(one);
		if (rc)
			return rc;
	}
	v = json_object_get(r, "resolutions");
	if (!json_is_array(v) || json_array_size(v) > MAX_LIST)
		return wam_error_set(WAM_EINVAL, prefix, "%sresolutions must be a list of at most %d", prefix,
		                     MAX_LIST);
	const json_t *e;
	json_array_foreach(v, i, e)
	{
		snprintf(field, sizeof field, "%sresolutions[%zu].", prefix, i);
		if (!json_is_object(e))
			return wam_error_set(WAM_EINVAL, field, "%s must be an object", field);
		if ((rc = keys_known(e, res_known, field)) || (rc = need_int(e, "number", field, 1, 99999, true)) ||
		    (rc = need_date(e, "date", field, true)) || (rc = need_text(e, "what", field, true)))
			return rc;
	}
	v = json_object_get(r, "periods");
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > MAX_LIST)
		return wam_error_set(WAM_EINVAL, prefix, "%speriods must be a list of 1 to %d", prefix, MAX_LIST);
	json_array_foreach(v, i, e)
	{
		snprintf(field, sizeof field, "%speriods[%zu].", prefix, i);
		if ((rc = check_period(e, field)))
			return rc;
		const json_t *prev = i ? json_array_get(v, i - 1) : NULL;
		const char *pu = json_string_value(json_object_get(prev, "until"));
		if (prev && (!pu || strcmp(pu, json_string_value(json_object_get(e, "from"))) >= 0)) {
			snprintf(field, sizeof field, "%speriods[%zu].from", prefix, i);
			return wam_error_set(WAM_EINVAL, field, "%s must come after the end of the period before it",
			                     field);
		}
		const json_t *n = json_object_get(e, "resolution"), *res;
		size_t j;
		bool named = !n;
		json_array_foreach(json_object_get(r, "resolutions"), j, res) named |=
		    n && json_integer_value(json_object_get(res, "number")) == json_integer_value(n);
		if (!named) {
			snprintf(field, sizeof field, "%speriods[%zu].resolution", prefix, i);
			return wam_error_set(WAM_EINVAL, field, "%s must be one of the regime's resolutions", field);
		}
	}
	v = json_object_get(r, "procedures");
	if (!json_is_array(v) || json_array_size(v) > 10)
		return wam_error_set(WAM_EINVAL, prefix, "%sprocedures must be a list of at most 10", prefix);
	json_array_foreach(v, i, e)
	{
		snprintf(field, sizeof field, "%sprocedures[%zu].", prefix, i);
		if (!json_is_object(e))
			return wam_error_set(WAM_EINVAL, field, "%s must be an object", field);
		if ((rc = keys_known(e, proc_known, field)) ||
		    (rc = need_word(e, "procedure", field, embargo_procedures)) ||
		    (rc = need_text(e, "covers", field, true)) ||
		    (rc = need_int(e, "period_days", field, 1, 365, false)))
			return rc;
	}
	return 0;
}

/* Checks a regimes file whole; the first fault names its place. */
int embargo_regimes_check(wam_db *db, const json_t *file);
int embargo_regimes_check(wam_db *db, const json_t *file)
{
	static const char *const known[] = {"version", "generated", "sources", "regimes", NULL};
	const json_t *regimes = json_object_get(file, "regimes"), *r;
	size_t i, j;
	int rc;
	if (!json_is_object(file))
		return wam_error_set(WAM_EINVAL, NULL, "a regimes file is a JSON object");
	if ((rc = keys_known(file, known, "")) || (rc = need_int(file, "version", "", 1, 1000000000L, true)) ||
	    (rc = need_date(file, "generated", "", true)) || (rc = need_texts(file, "sources", "", true)))
		return rc;
	if (!json_is_array(regimes) || !json_array_size(regimes) || json_array_size(regimes) > MAX_REGIMES)
		return wam_error_set(WAM_EINVAL, "regimes", "regimes must be a list of 1 to %d", MAX_REGIMES);
	json_array_foreach(regimes, i, r)
	{
		char prefix[32];
		snprintf(prefix, sizeof prefix, "regimes[%zu].", i);
		if ((rc = check_regime(db, r, prefix)))
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(regimes, j), "id")),
			            json_string_value(json_object_get(r, "id"))))
				return wam_error_set(WAM_EINVAL, prefix, "%sid '%s' is the id of regimes[%zu] too",
				                     prefix, json_string_value(json_object_get(r, "id")), j);
	}
	return 0;
}

/* Regime `body` (changed in place) as a newer file that no longer holds
 * it leaves it: not in force from `from` (the file's date) on, marked
 * `withdrawn_from`; what applied before stays answerable. */
void embargo_withdrawn(json_t *body, const char *from)
{
	char before[11];
	json_t *periods = json_object_get(body, "periods"), *kept = json_array(), *p;
	size_t i;
	embargo_add_days(before, from, -1);
	json_object_set_new(body, "withdrawn_from", json_string(from));
	json_array_foreach(periods, i, p)
	{
		const char *pf = json_string_value(json_object_get(p, "from"));
		const char *pu = json_string_value(json_object_get(p, "until"));
		if (!pf || strcmp(pf, from) >= 0)
			continue;
		if (!pu || strcmp(pu, before) > 0)
			json_object_set_new(p, "until", json_string(before));
		json_array_append(kept, p);
	}
	json_object_set_new(body, "periods", kept);
}

/* The periods of a regime as they apply to the days before `cutoff`
 * (the previous file's date): what a newer file must not rewrite. */
static json_t *past(const json_t *body, const char *cutoff)
{
	char before[11];
	json_t *out = json_array(), *p;
	size_t i;
	embargo_add_days(before, cutoff, -1);
	json_array_foreach(json_object_get(body, "periods"), i, p)
	{
		const char *pf = json_string_value(json_object_get(p, "from"));
		const char *pu = json_string_value(json_object_get(p, "until"));
		if (!pf || strcmp(pf, cutoff) >= 0)
			continue;
		json_array_append_new(out,
		                      json_pack("{s:s, s:s, s:O, s:O}", "from", pf, "until",
		                                pu && strcmp(pu, before) < 0 ? pu : before, "target",
		                                json_object_get(p, "target"), "scope", json_object_get(p, "scope")));
	}
	return out;
}

static int compare(wam_db *db, json_t *out, const json_t *file, const char *cutoff)
{
	json_t *old = NULL, *r, *added = json_array(), *changed = json_array(), *removed = json_array();
	json_t *history = json_array();
	size_t i, unchanged = 0;
	int rc = wam_query_rows(db, &old, "SELECT id, body FROM regimes WHERE removed_seq IS NULL", NULL, NULL);
	if (rc)
		goto done;
	json_array_foreach(json_object_get(file, "regimes"), i, r)
	{
		const char *id = json_string_value(json_object_get(r, "id"));
		const json_t *o = NULL, *x;
		size_t j;
		json_array_foreach(old, j, x) if (!strcmp(json_string_value(json_object_get(x, "id")), id)) o = x;
		char *text = wam_canon(r);
		if (!o)
			json_array_append_new(added, json_string(id));
		else if (!text || strcmp(text, json_string_value(json_object_get(o, "body")))) {
			json_array_append_new(changed, json_string(id));
			json_t *ob = json_loads(json_string_value(json_object_get(o, "body")), 0, NULL);
			json_t *a = cutoff && ob ? past(ob, cutoff) : NULL, *b = cutoff ? past(r, cutoff) : NULL;
			if (a && b && !json_equal(a, b))
				json_array_append_new(history, json_pack("{s:s, s:O, s:O}", "id", id, "old",
				                                         json_object_get(ob, "periods"), "new",
				                                         json_object_get(r, "periods")));
			json_decref(ob);
			json_decref(a);
			json_decref(b);
		} else
			unchanged++;
		free(text);
	}
	json_array_foreach(old, i, r)
	{
		const char *id = json_string_value(json_object_get(r, "id"));
		bool kept = false;
		size_t j;
		const json_t *x;
		json_array_foreach(json_object_get(file, "regimes"), j, x) kept |=
		    !strcmp(json_string_value(json_object_get(x, "id")), id);
		if (!kept)
			json_array_append_new(removed, json_string(id));
	}
	json_object_set(out, "version", json_object_get(file, "version"));
	json_object_set(out, "generated", json_object_get(file, "generated"));
	json_object_set(out, "added", added);
	json_object_set(out, "changed", changed);
	json_object_set(out, "removed", removed);
	json_object_set(out, "history_changed", history);
	json_object_set_new(out, "unchanged", json_integer((json_int_t)unchanged));
done:
	json_decref(history);
	json_decref(old);
	json_decref(added);
	json_decref(changed);
	json_decref(removed);
	return rc;
}

int wam_embargo_regimes_import(wam_db *db, json_t **out, const json_t *file)
{
	json_t *last = NULL, *res = json_object();
	int rc;
	if (out)
		*out = NULL;
	if ((rc = embargo_national(db)) || (rc = embargo_regimes_check(db, file)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_row(db, &last, "SELECT version, generated FROM regime_files ORDER BY seq DESC LIMIT 1",
	                        NULL, NULL)))
		goto fail;
	if (last && json_integer_value(json_object_get(file, "version")) <=
	                json_integer_value(json_object_get(last, "version"))) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "version",
		    "version %lld of the regimes file is not newer than version %lld (%s), imported already",
		    (long long)json_integer_value(json_object_get(file, "version")),
		    (long long)json_integer_value(json_object_get(last, "version")),
		    json_string_value(json_object_get(last, "generated")));
		goto fail;
	}
	char id[WAM_ID_LEN + 1];
	wam_db_new_id(db, id);
	if ((rc = compare(db, res, file, json_string_value(json_object_get(last, "generated")))) ||
	    (rc = wam_ledger_append(db, "regimes.imported", id, file, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		*out = json_incref(res);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(last);
	json_decref(res);
	return rc;
}

int wam_embargo_regimes_import_file(wam_db *db, json_t **out, const char *path)
{
	char shipped[4096];
	json_error_t err;
	if (out)
		*out = NULL;
	int rc = embargo_national(db);
	if (rc)
		return rc;
	if (!path) {
		snprintf(shipped, sizeof shipped, "%s/embargo/regimes.json", wam_data_dir());
		path = shipped;
	}
	json_t *file = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!file)
		return wam_error_set(WAM_EINVAL, "file", "%s, line %d: %s", path, err.line, err.text);
	rc = wam_embargo_regimes_import(db, out, file);
	json_decref(file);
	return rc;
}

/* The resolution a period of `regime` comes from ("S/RES/2745 (2024)"):
 * the period's `resolution`, else the regime's first. */
void embargo_period_reference(char *out, size_t cap, const json_t *regime, const json_t *period)
{
	const json_t *n = json_object_get(period, "resolution"), *res;
	size_t i;
	json_array_foreach(json_object_get(regime, "resolutions"), i, res)
	{
		const char *d = json_string_value(json_object_get(res, "date"));
		if (n && d && json_integer_value(json_object_get(res, "number")) == json_integer_value(n)) {
			snprintf(out, cap, "S/RES/%lld (%.4s)", (long long)json_integer_value(n), d);
			return;
		}
	}
	embargo_reference(out, cap, regime);
}

/* The days within which a seizure on `date` is notified under `regime`:
 * the period's `seizure_notice_days` (files before it was a period's: the
 * regime's), 0 when none. */
long embargo_seizure_days(const json_t *regime, const char *date)
{
	const json_t *p = embargo_period_on(regime, date);
	const json_t *d = json_object_get(p, "seizure_notice_days");
	if (!p)
		return 0;
	if (!json_is_integer(d)) {
		/* an older file: the regime's, unless its periods carry their own */
		size_t i;
		const json_t *q;
		json_array_foreach(json_object_get(regime, "periods"), i,
		                   q) if (json_object_get(q, "seizure_notice_days")) return 0;
		d = json_object_get(regime, "seizure_notice_days");
	}
	return json_is_integer(d) ? (long)json_integer_value(d) : 0;
}

/* A regime of the file as the API shows it on `date`. */
static json_t *shown(const json_t *body, const char *date, bool removed)
{
	json_t *r = json_deep_copy(body);
	const json_t *p = embargo_period_on(body, date);
	char reference[64];
	long days = embargo_seizure_days(body, date);
	embargo_period_reference(reference, sizeof reference, body, p);
	if (days)
		json_object_set_new(r, "seizure_notice_days", json_integer(days));
	else
		json_object_del(r, "seizure_notice_days");
	json_object_set_new(r, "source", json_string("un"));
	json_object_set_new(r, "reference", json_string(reference));
	json_object_set_new(r, "in_force", json_boolean(p != NULL));
	json_object_set_new(r, "applies", p ? json_deep_copy(p) : json_null());
	if (removed)
		json_object_set_new(r, "removed", json_true());
	return r;
}

static json_t *shown_national(json_t *r, const char *date)
{
	const json_t *p = embargo_period_on(r, date);
	json_object_set_new(r, "in_force", json_boolean(p != NULL));
	json_object_set_new(r, "applies", p ? json_deep_copy(p) : json_null());
	return r;
}

static int sort_by_name(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(y, "name")));
}

int wam_embargo_regime_list(wam_db *db, json_t **out, const char *date)
{
	char today[11];
	json_t *rows = NULL, *r, *list = json_array(), *nat = json_array();
	size_t i, n;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc || (rc = embargo_date(&date, today, "on")) ||
	    (rc = wam_query_rows(db, &rows,
	                         embargo_ready(db)
	                             ? "SELECT r.body, r.removed_seq, f.generated AS withdrawn FROM regimes r"
	                               " LEFT JOIN regime_files f ON f.seq=r.removed_seq ORDER BY r.name, r.id"
	                             : "SELECT 1 WHERE 0",
	                         NULL, NULL)) ||
	    (rc = embargo_national_regimes(db, nat, date, NULL)))
		goto done;
	json_array_foreach(rows, i, r)
	{
		embargo_decode(r, "body");
		if (json_is_string(json_object_get(r, "withdrawn")))
			embargo_withdrawn(json_object_get(r, "body"),
			                  json_string_value(json_object_get(r, "withdrawn")));
		json_array_append_new(
		    list, shown(json_object_get(r, "body"), date, json_is_integer(json_object_get(r, "removed_seq"))));
	}
	json_array_foreach(nat, i, r) json_array_append_new(list, shown_national(json_incref(r), date));
	n = json_array_size(list);
	json_t **v = n ? malloc(n * sizeof *v) : NULL;
	if (n && !v) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	if (n > 1) /* qsort is not given a NULL array, even of none */
		qsort(v, n, sizeof *v, sort_by_name);
	*out = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(*out, v[i]);
	free(v);
done:
	json_decref(rows);
	json_decref(list);
	json_decref(nat);
	return rc;
}

int wam_embargo_regime_get(wam_db *db, json_t **out, const char *id, const char *date)
{
	char today[11];
	json_t *row = NULL, *nat = json_array(), *x = NULL;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc || (rc = embargo_date(&date, today, "on")) ||
	    (embargo_ready(db) &&
	     (rc = wam_query_row(db, &row,
	                         "SELECT r.body, r.removed_seq, f.generated AS withdrawn FROM regimes r LEFT JOIN"
	                         " regime_files f ON f.seq=r.removed_seq WHERE r.id=?",
	                         id, NULL))))
		goto done;
	if (row) {
		embargo_decode(row, "body");
		if (json_is_string(json_object_get(row, "withdrawn")))
			embargo_withdrawn(json_object_get(row, "body"),
			                  json_string_value(json_object_get(row, "withdrawn")));
		*out = shown(json_object_get(row, "body"), date, json_is_integer(json_object_get(row, "removed_seq")));
		if ((rc = wam_query_rows(
		         db, &x,
		         "SELECT v.seq, f.version, f.generated FROM regime_versions v JOIN regime_files f"
		         " ON f.seq=v.seq WHERE v.regime_id=? ORDER BY v.seq",
		         id, NULL)))
			goto done;
		json_object_set_new(*out, "versions", x);
		x = NULL;
	} else {
		if ((rc = embargo_national_regimes(db, nat, date, id)))
			goto done;
		if (!json_array_size(nat)) {
			rc = wam_error_set(WAM_ENOTFOUND, "id", "no arms embargo regime '%.40s'", id ? id : "");
			goto done;
		}
		*out = shown_national(json_incref(json_array_get(nat, 0)), date);
		json_object_set_new(*out, "versions", json_array());
	}
	if (!embargo_ready(db))
		goto done;
	if ((rc = wam_embargo_exemption_list(db, &x, id)))
		goto done;
	json_object_set_new(*out, "exemptions", x);
	x = NULL;
	if ((rc = wam_query_rows(db, &x,
	                         "SELECT id, kind, about_kind, about_id, due, state, sent_on, reference FROM notices"
	                         " WHERE regime_id=? ORDER BY state='sent', due",
	                         id, NULL)))
		goto done;
	json_object_set_new(*out, "notices", x);
	x = NULL;
done:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(row);
	json_decref(nat);
	return rc;
}

int wam_embargo_regime_of_list(wam_db *db, char *out, size_t cap, const char *list_type)
{
	json_t *regimes = NULL, *r, *t;
	size_t i, j;
	if (cap)
		out[0] = '\0';
	int rc = embargo_regimes(db, &regimes);
	if (rc)
		return rc;
	json_array_foreach(regimes, i, r)
	{
		json_array_foreach(json_object_get(r, "list_types"), j, t)
		{
			if (list_type && !strcmp(json_string_value(t), list_type) && !out[0])
				snprintf(out, cap, "%s", json_string_value(json_object_get(r, "id")));
		}
	}
	json_decref(regimes);
	return 0;
}

int wam_embargo_check(wam_db *db, json_t **out, const char *country, const char *date, const json_t *party)
{
	char today[11];
	json_t *list = NULL, *r, *found = json_array();
	size_t i;
	*out = NULL;
	int rc = embargo_national(db);
	if (rc || (rc = embargo_date(&date, today, "on")))
		goto done;
	if (!country || strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
	    country[1] > 'Z') {
		rc = wam_error_set(WAM_EINVAL, "country", "country '%.20s' is not an ISO 3166 code (two letters)",
		                   country ? country : "");
		goto done;
	}
	if ((rc = wam_embargo_regime_list(db, &list, date)))
		goto done;
	json_array_foreach(list, i, r)
	{
		const json_t *p = json_object_get(r, "applies");
		if (!json_is_true(json_object_get(r, "in_force")) || !embargo_covers(r, country))
			continue;
		json_array_append_new(found,
		                      json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(r, "id"),
		                                "name", json_object_get(r, "name"), "target",
		                                json_object_get(p, "target"), "scope", json_object_get(p, "scope"),
		                                "reference", json_object_get(r, "reference"), "period", p));
	}
	*out = json_pack("{s:s, s:s, s:O, s:b}", "country", country, "date", date, "regimes", found, "clear",
	                 json_array_size(found) == 0);
	if (party) {
		if (!json_is_object(party)) {
			rc = wam_error_set(WAM_EINVAL, "party", "party must be an object");
			goto done;
		}
		json_t *p = json_deep_copy(party), *findings = json_array();
		if (!json_object_get(p, "role"))
			json_object_set_new(p, "role", json_string("end_user"));
		if (!json_object_get(p, "country"))
			json_object_set_new(p, "country", json_string(country));
		for (const wam_screen_hook *h = wam_screen_hooks; !rc && *h; h++)
			rc = (*h)(db, p, date, findings);
		if (!rc)
			json_object_set_new(
			    *out, "screening",
			    json_pack("{s:b, s:O}", "clear", json_array_size(findings) == 0, "findings", findings));
		json_decref(p);
		json_decref(findings);
	}
done:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(list);
	json_decref(found);
	return rc;
}
