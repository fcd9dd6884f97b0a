/* Profiles: what an actor, or the observations made in a country, are seen
 * to hold — weapons by category, make, country and year of manufacture,
 * ammunition by calibre, factory and year of its headstamps — each figure
 * with the observations it comes from; for a country, compared with the
 * imports the transfers room recorded, so that what was seen and never
 * lawfully entered stands out (the baseline of the report's §28). Read
 * through the public monitoring API only. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "internal.h"
#include "monitoring/outputs.h"
#include "wam/match.h"
#include "wam/monitoring.h"
#include "wam/trace.h"
#include "wam/transfers.h"

/* ---- tallies (outputs.h) ---- */

/* `s` case-folded (NFKC) without its white space, into `*out` (malloc'd);
 * NULL when out of memory or not UTF-8. */
static char *folded(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	const utf8proc_option_t how =
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m, how) < 0)
		return NULL;
	utf8proc_uint8_t *w = m;
	for (const utf8proc_uint8_t *p = m; *p;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
		if (len <= 0)
			break;
		utf8proc_category_t c = utf8proc_category(cp);
		bool space = c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
		             cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f';
		if (!space) {
			memmove(w, p, (size_t)len);
			w += len;
		}
		p += len;
	}
	*w = '\0';
	return (char *)m;
}

int mon_tally_add(mon_tally *t, const char *key, json_int_t n, json_int_t seen, const char *date, const char *obs)
{
	if (!key || !*key)
		return 0;
	if (!t->rows && !(t->rows = json_object()))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	char *fold = t->fold ? folded(key) : NULL;
	const char *at = fold && *fold ? fold : key;
	json_t *r = json_object_get(t->rows, at);
	if (!r) {
		r = json_pack("{s:s, s:I, s:I, s:s, s:s, s:[]}", "key", key, "count", (json_int_t)0, "sightings",
		              (json_int_t)0, "first_seen", date, "last_seen", date, "observations");
		if (!r || json_object_set_new(t->rows, at, r)) {
			free(fold);
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		}
	}
	free(fold);
	json_object_set_new(r, "count", json_integer(json_integer_value(json_object_get(r, "count")) + n));
	json_object_set_new(r, "sightings", json_integer(json_integer_value(json_object_get(r, "sightings")) + seen));
	if (strcmp(date, mon_str(r, "first_seen")) < 0)
		json_object_set_new(r, "first_seen", json_string(date));
	if (strcmp(date, mon_str(r, "last_seen")) > 0)
		json_object_set_new(r, "last_seen", json_string(date));
	/* observations are tallied one after another: an observation already
	 * counted under this key is the last one (linear, not a scan) */
	json_t *ids = json_object_get(r, "observations");
	size_t have = json_array_size(ids);
	if (have && !strcmp(json_string_value(json_array_get(ids, have - 1)), obs))
		return 0;
	json_array_append_new(ids, json_string(obs));
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "count")),
	           cy = json_integer_value(json_object_get(y, "count"));
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(mon_str(x, "key"), mon_str(y, "key"));
}

json_t *mon_tally_take(mon_tally *t)
{
	size_t n = json_object_size(t->rows), i = 0;
	json_t **rows = n ? malloc(n * sizeof *rows) : NULL, *out = json_array(), *v;
	const char *k;
	if (n && rows) {
		json_object_foreach(t->rows, k, v) rows[i++] = v;
		qsort(rows, n, sizeof *rows, cmp_rows);
		for (i = 0; i < n; i++)
			json_array_append(out, rows[i]);
	}
	free(rows);
	mon_tally_free(t);
	return out;
}

void mon_tally_free(mon_tally *t)
{
	json_decref(t->rows);
	t->rows = NULL;
}

void mon_date_of(char out[11], const json_t *observation)
{
	const char *at = mon_str(observation, "observed_at");
	snprintf(out, 11, "%.10s", at ? at : "");
}

int mon_observation_unopened(wam_db *db, json_t **out, const char *id, bool related)
{
	json_t *obs, *s;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = mon_observation_stored(db, &obs, id)))
		return rc;
	json_array_foreach(json_object_get(obs, "sources"), i, s)
	{
		json_object_set_new(s, "identity_held", json_boolean(json_object_get(s, "identity_sealed") != NULL));
		json_object_del(s, "identity_sealed");
		json_object_del(s, "identity");
	}
	if (related && (rc = mon_observation_related(db, obs, id))) {
		json_decref(obs);
		return rc;
	}
	*out = obs;
	return 0;
}

static int cmp_observed(const void *a, const void *b)
{
	const char *x = mon_str(*(json_t *const *)a, "observed_at"), *y = mon_str(*(json_t *const *)b, "observed_at");
	return strcmp(x ? x : "", y ? y : "");
}

int mon_observations_full(wam_db *db, json_t **out, const json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **all = n ? calloc(n, sizeof *all) : NULL, *v;
	int rc = 0;
	*out = json_array();
	if ((n && !all) || !*out)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(list, i, v)
	{
		if (rc || (rc = mon_observation_unopened(db, &all[i], mon_str(v, "id"), false)))
			break;
		/* a profile or a report shows no source */
		json_object_del(all[i], "sources");
	}
	if (!rc) {
		if (n > 1) /* qsort is not given a NULL array, even of none */
			qsort(all, n, sizeof *all, cmp_observed);
		for (i = 0; i < n; i++)
			json_array_append(*out, all[i]);
	}
	for (i = 0; i < n && all; i++)
		json_decref(all[i]);
	free(all);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static json_int_t quantity(const json_t *item, json_int_t dflt)
{
	const json_t *q = json_object_get(item, "quantity");
	return json_is_integer(q) ? json_integer_value(q) : dflt;
}

/* A year (number or text) as text into `buf`, or NULL. */
static const char *year_text(char buf[16], const json_t *y)
{
	if (json_is_integer(y)) {
		snprintf(buf, 16, "%lld", (long long)json_integer_value(y));
		return buf;
	}
	return json_string_value(y);
}

/* Whether `key` is new to the set `seen` (and now in it); -1 out of memory. */
static int first_time(json_t *seen, const char *key)
{
	if (json_object_get(seen, key))
		return 0;
	return json_object_set_new(seen, key, json_true()) ? -1 : 1;
}

/* The key of an ammunition item's lot into `out`: its calibre, lot and
 * headstamp factory, each as the matcher keys names (case and separators
 * aside, as links key lots); NULL without a lot. */
static const char *lot_key(char *out, size_t cap, const json_t *it, const char *factory)
{
	const char *parts[3] = {mon_str(it, "calibre"), mon_str(it, "lot"), factory};
	char k[3][1024];
	if (!parts[1] || !*parts[1])
		return NULL;
	for (int i = 0; i < 3; i++)
		if (!parts[i] || wam_match_name_key(k[i], sizeof k[i], parts[i]) < 0)
			k[i][0] = '\0';
	if (!k[1][0])
		return NULL;
	snprintf(out, cap, "%s|%s|%s", k[0], k[1], k[2]);
	return out;
}

int mon_figures(json_t *into, const json_t *full)
{
	mon_tally cat = {0}, make = {.fold = true}, country = {0}, wyear = {0}, cal = {.fold = true}, fac = {0},
	          ayear = {0};
	json_int_t weapons = 0, wseen = 0, rounds = 0, lots = 0, aseen = 0;
	json_t *items = json_object(), *lotset = json_object();
	size_t i, j;
	json_t *o, *it;
	int rc = items && lotset ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(full, i, o)
	{
		char date[11], yb[16];
		const char *id = mon_str(o, "id");
		mon_date_of(date, o);
		json_array_foreach(json_object_get(o, "items"), j, it)
		{
			const char *kind = mon_str(it, "kind");
			if (!kind || rc)
				continue;
			if (!strcmp(kind, "ammunition")) {
				json_int_t q = quantity(it, 0);
				const json_t *hs = json_object_get(it, "headstamp");
				const char *factory =
				    mon_str(hs, "factory") ? mon_str(hs, "factory") : mon_str(hs, "text");
				char lk[3200];
				int fresh = lot_key(lk, sizeof lk, it, factory) ? first_time(lotset, lk) : 0;
				if (fresh < 0) {
					rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
					break;
				}
				/* rounds as seen, sighting by sighting; lots distinct */
				rounds += q;
				lots += fresh;
				aseen++;
				if ((rc = mon_tally_add(&cal, mon_str(it, "calibre"), q, 1, date, id)) ||
				    (rc = mon_tally_add(&fac, factory, q, 1, date, id)) ||
				    (rc = mon_tally_add(&ayear, year_text(yb, json_object_get(hs, "year")), q, 1, date,
				                        id)))
					break;
			} else {
				/* a weapon or part with a serial is one item however often
				 * it is seen (make and folded serial, as links key it); one
				 * without a serial counts at each sighting */
				json_int_t q = quantity(it, 1), n = q;
				char key[2100];
				if (mon_item_key(it, key, sizeof key)) {
					int fresh = first_time(items, key);
					if (fresh < 0) {
						rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
						break;
					}
					n = fresh;
				}
				weapons += n;
				wseen += q;
				if ((rc = mon_tally_add(&cat, mon_str(it, "category"), n, q, date, id)) ||
				    (rc = mon_tally_add(&make, mon_str(it, "make"), n, q, date, id)) ||
				    (rc = mon_tally_add(&country, mon_str(it, "country"), n, q, date, id)) ||
				    (rc = mon_tally_add(&wyear, year_text(yb, json_object_get(it, "year")), n, q, date,
				                        id)))
					break;
			}
		}
	}
	if (!rc) {
		json_object_set_new(into, "weapons",
		                    json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "total", weapons, "sightings", wseen,
		                              "by_category", mon_tally_take(&cat), "by_make", mon_tally_take(&make),
		                              "by_country", mon_tally_take(&country), "by_year",
		                              mon_tally_take(&wyear)));
		json_object_set_new(into, "ammunition",
		                    json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "rounds", rounds, "lots", lots,
		                              "sightings", aseen, "by_calibre", mon_tally_take(&cal), "by_factory",
		                              mon_tally_take(&fac), "by_year", mon_tally_take(&ayear)));
	}
	json_decref(items);
	json_decref(lotset);
	mon_tally_free(&cat);
	mon_tally_free(&make);
	mon_tally_free(&country);
	mon_tally_free(&wyear);
	mon_tally_free(&cal);
	mon_tally_free(&fac);
	mon_tally_free(&ayear);
	return rc;
}

/* ---- profiles ---- */

/* {observations, first_seen, last_seen, weapons, ammunition, timeline} of
 * the observations `full` (oldest first) onto `p`. */
static int profile_of(json_t *p, const json_t *full)
{
	json_t *timeline = json_array(), *o, *month = NULL, *it;
	size_t i, j;
	char first[11] = "", last[11] = "";
	int rc = mon_figures(p, full);
	json_array_foreach(full, i, o)
	{
		char date[11], m[8];
		mon_date_of(date, o);
		snprintf(m, sizeof m, "%.7s", date);
		if (!i)
			snprintf(first, sizeof first, "%s", date);
		snprintf(last, sizeof last, "%s", date);
		if (!month || strcmp(mon_str(month, "month"), m)) {
			month = json_pack("{s:s, s:I, s:I, s:I, s:[]}", "month", m, "weapons", (json_int_t)0, "rounds",
			                  (json_int_t)0, "observations", (json_int_t)0, "observation_ids");
			json_array_append_new(timeline, month);
		}
		/* each month's figures drill down to the observations they count */
		json_array_append(json_object_get(month, "observation_ids"), json_object_get(o, "id"));
		json_int_t w = 0, r = 0;
		json_array_foreach(json_object_get(o, "items"), j, it)
		{
			if (mon_str(it, "kind") && !strcmp(mon_str(it, "kind"), "ammunition"))
				r += quantity(it, 0);
			else
				w += quantity(it, 1);
		}
		json_object_set_new(month, "weapons",
		                    json_integer(json_integer_value(json_object_get(month, "weapons")) + w));
		json_object_set_new(month, "rounds",
		                    json_integer(json_integer_value(json_object_get(month, "rounds")) + r));
		json_object_set_new(month, "observations",
		                    json_integer(json_integer_value(json_object_get(month, "observations")) + 1));
	}
	json_object_set_new(p, "observations", json_integer((json_int_t)json_array_size(full)));
	json_object_set_new(p, "first_seen", *first ? json_string(first) : json_null());
	json_object_set_new(p, "last_seen", *last ? json_string(last) : json_null());
	json_object_set_new(p, "timeline", timeline);
	return rc;
}

static int observations(wam_db *db, json_t **full, const wam_observation_filter *f)
{
	json_t *list = NULL;
	int rc = wam_monitoring_observation_list(db, &list, f);
	if (!rc)
		rc = mon_observations_full(db, full, list);
	json_decref(list);
	return rc;
}

int wam_monitoring_profile_actor(wam_db *db, json_t **out, const char *name)
{
	json_t *full = NULL, *p = NULL;
	*out = NULL;
	int rc = mon_national(db);
	if (rc)
		return rc;
	if (!name || !*name)
		return wam_error_set(WAM_EINVAL, "name", "give the actor's name");
	wam_observation_filter f = {.actor = name};
	rc = observations(db, &full, &f);
	if (!rc && !(p = json_pack("{s:s}", "actor", name)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = profile_of(p, full);
	if (!rc)
		*out = json_incref(p);
	json_decref(p);
	json_decref(full);
	return rc;
}

/* The transfers room's items recorded into or out to `cc`: for each
 * record {direction, figure, category, origin?, description, items},
 * whether it concerns `cc` (an export with `cc` the partner, or an import
 * into this registry's country `home` when that is `cc`). */
static bool record_concerns(const json_t *r, const char *cc, const char *home)
{
	const char *dir = mon_str(r, "direction");
	if (!dir)
		return false;
	if (!strcmp(dir, "export"))
		return mon_str(r, "partner") && !strcasecmp(mon_str(r, "partner"), cc);
	return home && !strcasecmp(home, cc);
}

/* The next word of `*s` (a run of letters and digits), case-folded, into
 * `w` of `cap` bytes; false at the end. */
static bool next_word(const char **s, char *w, size_t cap)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)*s;
	size_t n = 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t len;
	for (; *p; p += len) { /* skip to a word */
		if ((len = utf8proc_iterate(p, -1, &cp)) <= 0)
			return false;
		utf8proc_category_t c = utf8proc_category(cp);
		if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
			break;
	}
	for (; *p; p += len) {
		if ((len = utf8proc_iterate(p, -1, &cp)) <= 0)
			break;
		utf8proc_category_t c = utf8proc_category(cp);
		if (!((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		      (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO)))
			break;
		if (n + 8 < cap)
			n += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)w + n);
	}
	w[n] = '\0';
	*s = (const char *)p;
	return n > 0;
}

/* Whether the words of `make` are words of `text`, in a row ("Colt" is in
 * "Colt M4 carbines", not in "Colton rifles"). */
static bool has_words(const char *text, const char *make)
{
	char tw[128], mw[128];
	for (const char *start = text; next_word(&start, tw, sizeof tw);) {
		const char *t = start, *m = make;
		bool first = next_word(&m, mw, sizeof mw), same = first && !strcmp(tw, mw);
		while (same && next_word(&m, mw, sizeof mw)) {
			char w2[128];
			same = next_word(&t, w2, sizeof w2) && !strcmp(w2, mw);
		}
		if (same)
			return true;
	}
	return false;
}

/* Sets imports {actual, authorised} and lawful_import on each row of the
 * by_* `rows`, counting the records for which `matches` holds. */
static void compare(json_t *rows, const json_t *records, const char *cc, const char *home, int field)
{
	size_t i, j;
	json_t *row, *r;
	json_array_foreach(rows, i, row)
	{
		const char *key = mon_str(row, "key");
		json_int_t actual = 0, authorised = 0;
		json_array_foreach(records, j, r)
		{
			if (!record_concerns(r, cc, home))
				continue;
			bool hit = false;
			if (field == 0)
				hit = mon_str(r, "category") && !strcasecmp(mon_str(r, "category"), key);
			else if (field == 1)
				hit = mon_str(r, "description") && has_words(mon_str(r, "description"), key);
			else {
				const char *origin = mon_str(r, "origin");
				if (!origin)
					origin =
					    !strcmp(mon_str(r, "direction"), "export") ? home : mon_str(r, "partner");
				hit = origin && !strcasecmp(origin, key);
			}
			if (!hit)
				continue;
			json_int_t n = json_integer_value(json_object_get(r, "items"));
			if (mon_str(r, "figure") && !strcmp(mon_str(r, "figure"), "actual"))
				actual += n;
			else
				authorised += n;
		}
		json_object_set_new(row, "imports", json_integer(actual));
		json_object_set_new(row, "imports_authorised", json_integer(authorised));
		json_object_set_new(row, "lawful_import", json_boolean(actual > 0 || authorised > 0));
	}
}

static int compare_imports(wam_db *db, json_t *p, const char *cc)
{
	json_t *records = NULL, *node = NULL;
	int rc = wam_transfers_records(db, &records, 0, NULL, NULL);
	if (!rc)
		rc = wam_trace_node(db, &node);
	if (!rc) {
		const json_t *w = json_object_get(p, "weapons");
		const char *home = mon_str(node, "country");
		compare(json_object_get(w, "by_category"), records, cc, home, 0);
		compare(json_object_get(w, "by_make"), records, cc, home, 1);
		compare(json_object_get(w, "by_country"), records, cc, home, 2);
	}
	json_decref(records);
	json_decref(node);
	return rc;
}

int wam_monitoring_profile_country(wam_db *db, json_t **out, const char *cc, bool compare_imports_too)
{
	json_t *full = NULL, *p = NULL, *o;
	mon_tally actors = {0};
	size_t i;
	*out = NULL;
	int rc = mon_national(db);
	if (rc)
		return rc;
	char code[3] = "";
	if (cc && strlen(cc) == 2)
		for (int c = 0; c < 2; c++)
			code[c] = (char)(cc[c] >= 'a' && cc[c] <= 'z' ? cc[c] - 32 : cc[c]);
	if (!*code || !wam_refdata_country(db, code))
		return wam_error_set(WAM_EINVAL, "country", "'%s' is not an ISO 3166-1 alpha-2 country code",
		                     cc ? cc : "");
	cc = code;
	wam_observation_filter f = {.country = cc};
	rc = observations(db, &full, &f);
	if (!rc && !(p = json_pack("{s:s}", "country", cc)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = profile_of(p, full);
	json_array_foreach(full, i, o)
	{
		char date[11];
		mon_date_of(date, o);
		if (rc || (rc = mon_tally_add(&actors, mon_str(json_object_get(o, "actor"), "name"), 1, 1, date,
		                              mon_str(o, "id"))))
			break;
	}
	if (!rc) {
		json_object_set_new(p, "by_actor", mon_tally_take(&actors));
		if (compare_imports_too)
			rc = compare_imports(db, p, cc);
	}
	if (!rc)
		*out = json_incref(p);
	mon_tally_free(&actors);
	json_decref(p);
	json_decref(full);
	return rc;
}
