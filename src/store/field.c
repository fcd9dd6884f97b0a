/* Field checks for every room's input. Every rule lives here once; records
 * only list which rule applies to which field, in a table that
 * wam_field_check() walks. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/field.h"

bool wam_in_vocab(const char *const *vocab, const char *word)
{
	if (!word)
		return false;
	for (; *vocab; vocab++)
		if (!strcmp(*vocab, word))
			return true;
	return false;
}

void wam_vocab_list(const char *const *vocab, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (; *vocab && n < cap; vocab++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", *vocab);
}

int wam_vocab_json(json_t *obj, const char *key, const char *const *vocab)
{
	json_t *a = json_array();
	for (; a && *vocab; vocab++)
		if (json_array_append_new(a, json_string(*vocab))) {
			json_decref(a);
			a = NULL;
		}
	if (!a || json_object_set_new(obj, key, a))
		return wam_error_set(WAM_ENOMEM, key, "out of memory listing %s", key);
	return 0;
}

int wam_vocab_object(json_t **out, const wam_vocab_entry *lists, size_t n)
{
	json_t *v = json_object();
	int rc = v ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory listing vocabularies");
	*out = NULL;
	for (size_t i = 0; !rc && i < n; i++)
		rc = wam_vocab_json(v, lists[i].key, *lists[i].vocab);
	if (rc)
		json_decref(v);
	else
		*out = v;
	return rc;
}

static int fail(long line, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = wam_error_vset(WAM_EINVAL, line, field, fmt, ap);
	va_end(ap);
	return rc;
}

int wam_check_fields(const json_t *in, const char *const *allowed, const char *prefix, long line)
{
	const char *key;
	const json_t *v;
	if (!json_is_object(in))
		return wam_error_set_line(WAM_EINVAL, line, prefix, "%s must be a JSON object",
		                          *prefix ? prefix : "input");
	json_object_foreach((json_t *)in, key, v)
	{
		(void)v;
		if (!wam_in_vocab(allowed, key)) {
			char list[512], field[160];
			wam_vocab_list(allowed, list, sizeof list);
			snprintf(field, sizeof field, "%s%s", prefix, key); /* the field as the message names it */
			return wam_error_set_line(WAM_EINVAL, line, field, "unknown field '%s%s' (known fields: %s)",
			                          prefix, key, list);
		}
	}
	return 0;
}

/* Control characters: C0 (line breaks and tabs allowed in multiline
 * text), DEL, C1 (U+0080-U+009F, two bytes in UTF-8: C2 80-9F), and the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), with
 * which a name can be made to read otherwise than it is written. */
static bool has_control(const char *s, bool multiline)
{
	for (; *s; s++) {
		const unsigned char *u = (const unsigned char *)s;
		if (u[0] < 0x20 && !(multiline && (u[0] == '\n' || u[0] == '\t' || u[0] == '\r')))
			return true;
		if (u[0] == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f))
			return true;
		if (u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) || (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)))
			return true;
	}
	return false;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

bool wam_absent(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
}

/* What a field that was not given comes to: nothing, or a failure when the
 * record cannot do without it. */
static int not_given(const char *field, bool required, long line)
{
	return required ? fail(line, field, "%s is required", field) : 0;
}

bool wam_country_code(char code[WAM_COUNTRY_LEN + 1], const char *s)
{
	size_t n = s ? strlen(s) : 0;
	code[0] = '\0';
	if (n < 2 || n > WAM_COUNTRY_LEN)
		return false;
	for (size_t i = 0; i <= n; i++)
		code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	return true;
}

/* Text of at most f->max bytes, no control characters unless multiline. */
static int take_text(json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const json_t *v = json_object_get(in, f->name);
	/* spaces alone count as no text */
	if (wam_absent(v) || (json_is_string(v) && blank(json_string_value(v))))
		return not_given(field, f->flags & WAM_FIELD_REQUIRED, line);
	if (!json_is_string(v))
		return fail(line, field, "%s must be text", field);
	const char *s = json_string_value(v);
	if (json_string_length(v) > f->max) {
		char n[32];
		snprintf(n, sizeof n, "%zu", f->max);
		return fail(line, field, "%s is longer than %s bytes", field, n);
	}
	if (strlen(s) != json_string_length(v) || has_control(s, f->flags & WAM_FIELD_MULTILINE))
		return fail(line, field, "%s contains control characters", field);
	json_object_set(out, f->name, (json_t *)v); /* shared, not copied: values are never modified */
	return 0;
}

/* A word of f->vocab, lowercased, f->dflt when absent. */
static int take_word(json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const json_t *v = json_object_get(in, f->name);
	char word[64];
	if (wam_absent(v)) {
		if (!f->dflt)
			return not_given(field, f->flags & WAM_FIELD_REQUIRED, line);
		json_object_set_new(out, f->name, json_string(f->dflt));
		return 0;
	}
	if (!json_is_string(v))
		return fail(line, field, "%s must be text", field);
	const char *s = json_string_value(v);
	size_t n = strlen(s), k = 0;
	bool same = true;
	for (size_t i = 0; i < n && k + 1 < sizeof word; i++) {
		word[k] = s[i] == '-' || s[i] == ' ' ? '_' : (char)tolower((unsigned char)s[i]);
		same &= word[k++] == s[i];
	}
	word[k] = '\0';
	if (n >= sizeof word || !wam_in_vocab(f->vocab, word)) {
		char list[512];
		wam_vocab_list(f->vocab, list, sizeof list);
		return wam_error_set_line(WAM_EINVAL, line, field, "%s '%.60s' is not one of: %s", field, s, list);
	}
	/* the common case, already in canonical form, shares the input value */
	json_object_set_new(out, f->name, same ? json_incref((json_t *)v) : json_string(word));
	return 0;
}

/* A whole number in [f->lo, f->hi]; a string of digits too. */
static int take_int(json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const json_t *v = json_object_get(in, f->name);
	long x, lo = (long)f->lo, hi = (long)f->hi;
	if (wam_absent(v))
		return not_given(field, f->flags & WAM_FIELD_REQUIRED, line);
	if (json_is_integer(v)) {
		x = (long)json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		x = strtol(s, &end, 10);
		if (errno || end == s || *end)
			return fail(line, field, "%s '%.40s' is not a whole number", field, s);
	} else {
		return fail(line, field, "%s must be a whole number", field);
	}
	if (x < lo || x > hi)
		return wam_error_set_line(WAM_EINVAL, line, field, "%s %ld is outside %ld to %ld", field, x, lo, hi);
	json_object_set_new(out, f->name, json_integer(x));
	return 0;
}

/* Country codes: ISO 3166-1 alpha-2 or ISO 3166-3 alpha-4, any case. */
static int take_country(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const json_t *v = json_object_get(in, f->name);
	if (wam_absent(v))
		return not_given(field, f->flags & WAM_FIELD_REQUIRED, line);
	const char *s = json_string_value(v);
	char code[WAM_COUNTRY_LEN + 1];
	if (!wam_country_code(code, s))
		return wam_error_set_line(
		    WAM_EINVAL, line, field,
		    "%s '%.20s' is not an ISO 3166 code (two letters, or four for a former state)", field, s ? s : "");
	if (!wam_refdata_country(db, code))
		return wam_error_set_line(WAM_EINVAL, line, field, "%s '%s' is not a known ISO 3166 country code",
		                          field, s);
	json_object_set_new(out, f->name, json_string(code));
	return 0;
}

/* Sites, holders and lots word it in one message: a code of the wrong
 * length is reported as unknown, like any other. */
static int take_country_any(wam_db *db, json_t *out, const json_t *in, const char *key, const char *field)
{
	const char *c = json_string_value(json_object_get(in, key));
	char code[WAM_COUNTRY_LEN + 1];
	if (wam_absent(json_object_get(in, key)))
		return 0;
	wam_country_code(code, c);
	if (!wam_refdata_country(db, code))
		return wam_error_set(WAM_EINVAL, field, "%s '%.20s' is not a known ISO 3166 code", field, c ? c : "");
	json_object_set_new(out, key, json_string(code));
	return 0;
}

/* A calendar date: text of at most 10 bytes first, then the calendar. */
static int take_date(json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const wam_field text = {
	    .name = f->name, .kind = WAM_FIELD_TEXT, .flags = f->flags & WAM_FIELD_REQUIRED, .max = 10};
	int rc = take_text(out, in, &text, field, line);
	const char *s = json_string_value(json_object_get(out, f->name));
	if (!rc && s && !wam_date_parse(s, NULL))
		rc = wam_error_set_line(WAM_EINVAL, line, field, "%s '%.20s' is not a calendar date YYYY-MM-DD", field,
		                        s);
	return rc;
}

/* A date as the stockpile writes it: no text rules first, its own words. */
static int take_date_written(json_t *out, const json_t *in, const char *key, const char *field, int first_year,
                             bool required)
{
	const json_t *v = json_object_get(in, key);
	if (wam_absent(v))
		return required ? wam_error_set(WAM_EINVAL, field, "%s is required (YYYY-MM-DD)", field) : 0;
	if (!wam_date_valid(json_string_value(v), first_year))
		return wam_error_set(WAM_EINVAL, field, "%s '%.30s' is not a date written YYYY-MM-DD", field,
		                     json_string_value(v) ? json_string_value(v) : "");
	json_object_set_new(out, key, json_string(json_string_value(v)));
	return 0;
}

/* A latitude or longitude in [-f->hi, f->hi]. */
static int take_coord(json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	const json_t *v = json_object_get(in, f->name);
	double x, limit = f->hi;
	if (f->flags & WAM_FIELD_NULL_ONLY ? !v || json_is_null(v) : wam_absent(v))
		return 0;
	if (json_is_number(v)) {
		x = json_number_value(v);
	} else if (json_is_string(v)) {
		char *end;
		x = strtod(json_string_value(v), &end);
		if (end == json_string_value(v) || *end)
			return wam_error_set_line(WAM_EINVAL, line, field, "%s '%.30s' is not a number", field,
			                          json_string_value(v));
	} else {
		return wam_error_set_line(WAM_EINVAL, line, field, "%s must be a number", field);
	}
	if (!isfinite(x) || x < -limit || x > limit)
		return wam_error_set_line(WAM_EINVAL, line, field, "%s %g is outside -%g to %g", field, x, limit,
		                          limit);
	json_object_set_new(out, f->name, json_real(x));
	return 0;
}

/* A code of a closed upper-case vocabulary (any case accepted). */
static int take_code(json_t *out, const json_t *in, const char *key, const char *field, const char *const *vocab,
                     const char *dflt, bool required)
{
	const json_t *v = json_object_get(in, key);
	char code[32], list[256];
	if (wam_absent(v)) {
		if (dflt)
			json_object_set_new(out, key, json_string(dflt));
		else if (required)
			return wam_error_set(WAM_EINVAL, field, "%s is required", field);
		return 0;
	}
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	if (s && n < sizeof code) {
		for (size_t i = 0; i <= n; i++)
			code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
		for (const char *const *w = vocab; *w; w++)
			if (!strcmp(*w, code)) {
				json_object_set_new(out, key, json_string(code));
				return 0;
			}
	}
	wam_vocab_list(vocab, list, sizeof list);
	return wam_error_set(WAM_EINVAL, field, "%s '%.30s' is not one of: %s", field, s ? s : "", list);
}

/* A count: rounds, packages. */
static int take_quantity(json_t *out, const json_t *in, const char *key, const char *field, long long lo, long long hi,
                         bool required)
{
	const json_t *v = json_object_get(in, key);
	long long n;
	if (wam_absent(v))
		return required ? wam_error_set(WAM_EINVAL, field, "%s is required", field) : 0;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		char *end;
		n = strtoll(json_string_value(v), &end, 10);
		if (end == json_string_value(v) || *end)
			return wam_error_set(WAM_EINVAL, field, "%s '%.30s' is not a whole number", field,
			                     json_string_value(v));
	} else {
		return wam_error_set(WAM_EINVAL, field, "%s must be a whole number", field);
	}
	if (n < lo || n > hi)
		return wam_error_set(WAM_EINVAL, field, "%s %lld is outside %lld to %lld", field, n, lo, hi);
	json_object_set_new(out, key, json_integer(n));
	return 0;
}

int wam_field_take(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	bool required = f->flags & WAM_FIELD_REQUIRED;
	switch (f->kind) {
	case WAM_FIELD_TEXT:
		return take_text(out, in, f, field, line);
	case WAM_FIELD_WORD:
		return take_word(out, in, f, field, line);
	case WAM_FIELD_CODE:
		return take_code(out, in, f->name, field, f->vocab, f->dflt, required);
	case WAM_FIELD_INT:
		return take_int(out, in, f, field, line);
	case WAM_FIELD_QUANTITY:
		return take_quantity(out, in, f->name, field, (long long)f->lo, (long long)f->hi, required);
	case WAM_FIELD_COORDINATE:
		return take_coord(out, in, f, field, line);
	case WAM_FIELD_COUNTRY:
		if (f->flags & WAM_FIELD_ANY_UNKNOWN)
			return take_country_any(db, out, in, f->name, field);
		return take_country(db, out, in, f, field, line);
	case WAM_FIELD_DATE:
		if (f->flags & WAM_FIELD_WRITTEN)
			return take_date_written(out, in, f->name, field, f->lo > 0 ? (int)f->lo : 1900, required);
		return take_date(out, in, f, field, line);
	case WAM_FIELD_CUSTOM:
		return f->take(db, out, in, f, field, line);
	case WAM_FIELD_OTHER:
		return 0;
	}
	return 0;
}

/* The single-field checks: one row of a table, the same code path. */
int wam_take_text(json_t *out, const json_t *in, const char *key, const char *field, unsigned flags, size_t max,
                  long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_TEXT, .flags = flags, .max = max};
	return wam_field_take(NULL, out, in, &f, field, line);
}

int wam_take_word(json_t *out, const json_t *in, const char *key, const char *field, const char *const *vocab,
                  const char *dflt, unsigned flags, long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_WORD, .flags = flags, .vocab = vocab, .dflt = dflt};
	return wam_field_take(NULL, out, in, &f, field, line);
}

int wam_take_int(json_t *out, const json_t *in, const char *key, const char *field, long lo, long hi, unsigned flags,
                 long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_INT, .flags = flags, .lo = (double)lo, .hi = (double)hi};
	return wam_field_take(NULL, out, in, &f, field, line);
}

int wam_take_country(wam_db *db, json_t *out, const json_t *in, const char *key, const char *field, unsigned flags,
                     long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_COUNTRY, .flags = flags};
	return wam_field_take(db, out, in, &f, field, line);
}

int wam_take_date(json_t *out, const json_t *in, const char *key, const char *field, unsigned flags, long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_DATE, .flags = flags};
	return wam_field_take(NULL, out, in, &f, field, line);
}

int wam_take_coord(json_t *out, const json_t *in, const char *key, const char *field, double limit, unsigned flags,
                   long line)
{
	const wam_field f = {.name = key, .kind = WAM_FIELD_COORDINATE, .flags = flags, .hi = limit};
	return wam_field_take(NULL, out, in, &f, field, line);
}

int wam_field_take_all(wam_db *db, json_t *out, const json_t *in, const wam_field *fields, const char *prefix,
                       long line)
{
	int rc;
	for (size_t i = 0; fields[i].name && i < WAM_FIELDS_MAX; i++) {
		char field[160];
		snprintf(field, sizeof field, "%s%s", prefix, fields[i].name);
		if ((rc = wam_field_take(db, out, in, &fields[i], field, line)))
			return rc;
	}
	return 0;
}

int wam_field_check(wam_db *db, json_t *out, const json_t *in, const wam_field *fields, const char *prefix, long line)
{
	const char *names[WAM_FIELDS_MAX + 1];
	size_t n = 0;
	int rc;
	for (; fields[n].name && n < WAM_FIELDS_MAX; n++)
		names[n] = fields[n].name;
	names[n] = NULL;
	if ((rc = wam_check_fields(in, names, prefix, line)))
		return rc;
	return wam_field_take_all(db, out, in, fields, prefix, line);
}

const char *const wam_person_sexes[] = {"female", "male", "other", "not_recorded", NULL};
const char *const wam_person_age_bands[] = {"under_18", "18_24", "25_34", "35_59", "60_plus", "not_recorded", NULL};
