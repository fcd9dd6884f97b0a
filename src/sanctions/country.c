/* The countries of a sanctions list: the UN Consolidated List writes a
 * nationality and a document's issuing country as a country's name
 * ("Syrian Arab Republic", "Iran (Islamic Republic of)", "Democratic
 * People's Republic of Korea"), a national list may too. Each name is
 * resolved at import to its ISO 3166-1 alpha-2 code through the
 * registry's reference data — the name of ref_country and the official
 * and common names iso-codes gives for it — compared case- and
 * accent-insensitively, punctuation aside, "X, Y of" and "X (Y of)" also
 * read as "Y of X". A name no country has, or that two countries share,
 * stays text alone: never guessed. */
#include <string.h>
#include <utf8proc.h>

#include "sanctions/sanctions.h"

/* `s` folded for comparison into `out`: case folded, marks stripped,
 * every run of punctuation or space one space, a leading "the" dropped. */
static void fold(char *out, size_t n, const char *s)
{
	utf8proc_uint8_t *m = NULL;
	size_t o = 0;
	out[0] = 0;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
	                 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE) < 0)
		return;
	bool gap = false;
	utf8proc_int32_t cp;
	for (utf8proc_ssize_t i = 0, k; m[i] && (k = utf8proc_iterate(m + i, -1, &cp)) > 0; i += k) {
		utf8proc_category_t c = utf8proc_category(cp);
		if (c < UTF8PROC_CATEGORY_LU || c > UTF8PROC_CATEGORY_NO ||
		    (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME)) {
			gap = o > 0;
			continue;
		}
		if (o + (size_t)k + 2 >= n)
			break;
		if (gap)
			out[o++] = ' ';
		gap = false;
		memcpy(out + o, m + i, (size_t)k);
		o += (size_t)k;
	}
	out[o] = 0;
	free(m);
	if (!strncmp(out, "the ", 4))
		memmove(out, out + 4, strlen(out + 4) + 1);
}

/* Calls `each` with the folded forms of `name`: as written, and "Y X" for
 * "X, Y" and for "X (Y)". */
static void forms(const char *name, void (*each)(void *ctx, const char *form), void *ctx)
{
	char f[512], t[512];
	fold(f, sizeof f, name);
	if (*f)
		each(ctx, f);
	const char *comma = strstr(name, ", "), *open = strchr(name, '(');
	const char *close = open ? strrchr(open, ')') : NULL;
	if (comma)
		snprintf(t, sizeof t, "%s %.*s", comma + 2, (int)(comma - name), name);
	else if (open && close)
		snprintf(t, sizeof t, "%.*s %.*s", (int)(close - open - 1), open + 1, (int)(open - name), name);
	else
		return;
	fold(f, sizeof f, t);
	if (*f)
		each(ctx, f);
}

struct add_ctx {
	json_t *map;
	const char *code;
};

static void add(void *ctx, const char *form)
{
	struct add_ctx *a = ctx;
	const char *had = json_string_value(json_object_get(a->map, form));
	/* a form two countries share names neither */
	json_object_set_new(a->map, form, json_string(had && strcmp(had, a->code) ? "" : a->code));
}

/* {folded form: code, or "" when two countries share it}. */
static int names_map(wam_db *db, json_t **out)
{
	json_t *rows = NULL, *iso = wam_refdata_iso3166(), *r;
	struct add_ctx a = {json_object(), NULL};
	size_t i;
	int rc = wam_query_rows(db, &rows, "SELECT code, name FROM ref_country WHERE length(code) = 2", NULL, NULL);
	if (rc)
		goto done;
	json_array_foreach(rows, i, r)
	{
		a.code = json_string_value(json_object_get(r, "code"));
		forms(json_string_value(json_object_get(r, "name")), add, &a);
	}
	static const char *const other[] = {"official_name", "common_name", NULL};
	json_array_foreach(iso, i, r)
	{
		a.code = json_string_value(json_object_get(r, "alpha_2"));
		if (!wam_refdata_country(db, a.code))
			continue;
		for (int k = 0; other[k]; k++) {
			const char *s = json_string_value(json_object_get(r, other[k]));
			if (s)
				forms(s, add, &a);
		}
	}
done:
	if (rc)
		json_decref(a.map);
	else
		*out = a.map;
	json_decref(rows);
	json_decref(iso);
	return rc;
}

struct find_ctx {
	const json_t *map;
	const char *code;
	bool ambiguous;
};

static void find(void *ctx, const char *form)
{
	struct find_ctx *f = ctx;
	const char *c = json_string_value(json_object_get(f->map, form));
	if (!c)
		return;
	if (!*c || (f->code && strcmp(f->code, c)))
		f->ambiguous = true;
	else
		f->code = c;
}

/* The code of country `name` (a code itself, or a name) as a new JSON
 * string, JSON null when unresolved. */
static json_t *code_of(wam_db *db, const json_t *map, const char *name)
{
	if (!name)
		return json_null();
	if (strlen(name) == 2 && name[0] >= 'A' && name[0] <= 'Z' && name[1] >= 'A' && name[1] <= 'Z' &&
	    wam_refdata_country(db, name))
		return json_string(name);
	struct find_ctx f = {map, NULL, false};
	forms(name, find, &f);
	return f.code && !f.ambiguous ? json_string(f.code) : json_null();
}

int sanctions_resolve_countries(wam_db *db, json_t *list)
{
	json_t *map = NULL, *e, *v;
	size_t i, j;
	int rc = names_map(db, &map);
	if (rc)
		return rc;
	json_array_foreach(json_object_get(list, "entries"), i, e)
	{
		const json_t *nat = json_object_get(e, "nationalities");
		if (json_array_size(nat)) {
			json_t *codes = json_array();
			json_array_foreach(nat, j, v)
			    json_array_append_new(codes, code_of(db, map, json_string_value(v)));
			json_object_set_new(e, "nationality_codes", codes);
		}
		json_array_foreach(json_object_get(e, "documents"), j, v)
		{
			json_t *c = code_of(db, map, json_string_value(json_object_get(v, "country")));
			if (json_is_string(c))
				json_object_set_new(v, "country_code", c);
			else
				json_decref(c);
		}
	}
	json_decref(map);
	return 0;
}
