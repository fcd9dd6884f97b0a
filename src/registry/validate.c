/* Field checks for registry input. Every rule lives here once; records only
 * list which rule applies to which field. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "registry/rules.h"
#include "registry/validate.h"

static int fail(long line, const char *field, const char *fmt, const char *a, const char *b)
{
	return wam_error_set_line(WAM_EINVAL, line, field, fmt, a, b);
}

int wam_check_fields(const json_t *in, const char *const *allowed, const char *prefix, long line)
{
	const char *key;
	const json_t *v;
	if (!json_is_object(in))
		return wam_error_set_line(WAM_EINVAL, line, prefix, "%s must be a JSON object", *prefix ? prefix : "input");
	json_object_foreach((json_t *)in, key, v)
	{
		(void)v;
		if (!wam_in_vocab(allowed, key)) {
			char list[512];
			wam_vocab_list(allowed, list, sizeof list);
			return wam_error_set_line(WAM_EINVAL, line, key, "unknown field '%s%s' (known fields: %s)", prefix,
			                          key, list);
		}
	}
	return 0;
}

static bool has_control(const char *s, bool multiline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
			return true;
		if (c == 0x7f)
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
	return required ? fail(line, field, "%s is required%s", field, "") : 0;
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

int wam_take_text(json_t *out, const json_t *in, const char *key, const char *field, bool required, size_t max,
                  bool multiline, long line)
{
	const json_t *v = json_object_get(in, key);
	/* spaces alone count as no text */
	if (wam_absent(v) || (json_is_string(v) && blank(json_string_value(v))))
		return not_given(field, required, line);
	if (!json_is_string(v))
		return fail(line, field, "%s must be text%s", field, "");
	const char *s = json_string_value(v);
	if (json_string_length(v) > max) {
		char n[32];
		snprintf(n, sizeof n, "%zu", max);
		return fail(line, field, "%s is longer than %s bytes", field, n);
	}
	if (strlen(s) != json_string_length(v) || has_control(s, multiline))
		return fail(line, field, "%s contains control characters%s", field, "");
	json_object_set(out, key, (json_t *)v); /* shared, not copied: values are never modified */
	return 0;
}

int wam_take_word(json_t *out, const json_t *in, const char *key, const char *field, const char *const *vocab,
                  const char *dflt, bool required, long line)
{
	const json_t *v = json_object_get(in, key);
	char word[64];
	if (wam_absent(v)) {
		if (!dflt)
			return not_given(field, required, line);
		json_object_set_new(out, key, json_string(dflt));
		return 0;
	}
	if (!json_is_string(v))
		return fail(line, field, "%s must be text%s", field, "");
	const char *s = json_string_value(v);
	size_t n = strlen(s), k = 0;
	bool same = true;
	for (size_t i = 0; i < n && k + 1 < sizeof word; i++) {
		word[k] = s[i] == '-' || s[i] == ' ' ? '_' : (char)tolower((unsigned char)s[i]);
		same &= word[k++] == s[i];
	}
	word[k] = '\0';
	if (n >= sizeof word || !wam_in_vocab(vocab, word)) {
		char list[512];
		wam_vocab_list(vocab, list, sizeof list);
		return wam_error_set_line(WAM_EINVAL, line, field, "%s '%.60s' is not one of: %s", field, s, list);
	}
	/* the common case, already in canonical form, shares the input value */
	json_object_set_new(out, key, same ? json_incref((json_t *)v) : json_string(word));
	return 0;
}

int wam_take_int(json_t *out, const json_t *in, const char *key, const char *field, long lo, long hi,
                 bool required, long line)
{
	const json_t *v = json_object_get(in, key);
	long x;
	if (wam_absent(v))
		return not_given(field, required, line);
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
		return fail(line, field, "%s must be a whole number%s", field, "");
	}
	if (x < lo || x > hi)
		return wam_error_set_line(WAM_EINVAL, line, field, "%s %ld is outside %ld to %ld", field, x, lo, hi);
	json_object_set_new(out, key, json_integer(x));
	return 0;
}
