/* The event catalogue at run time: finding an event type, checking a
 * payload against its declaration, and rendering its history line.
 *
 * The table itself is generated from src/events.json (tools/events.py) and
 * sorted by type, so finding one is a binary search of a few string
 * compares. The check walks the payload's keys once, each looked up among
 * the type's few declared fields; it runs for every event appended (an
 * import appends one per weapon), so it allocates nothing and formats a
 * message only when it fails. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/events.h"

static int compare_type(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const wam_event_type *)elem)->type);
}

const wam_event_type *wam_event_type_find(const char *type)
{
	if (!type)
		return NULL;
	return bsearch(type, wam_event_types, wam_event_type_count, sizeof wam_event_types[0], compare_type);
}

/* The field `name` of `t`, looked for from `*next` on and around: code
 * builds a payload in the order the catalogue lists its fields, so each
 * key is usually the very next field, found with one compare. */
static const wam_event_field *field_of(const wam_event_type *t, const char *name, size_t *next)
{
	for (size_t k = 0; k < t->nfields; k++) {
		size_t i = (*next + k) % t->nfields;
		if (!strcmp(t->fields[i].name, name)) {
			*next = i + 1;
			return &t->fields[i];
		}
	}
	return NULL;
}

static unsigned type_bit(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return WAM_EVF_STRING;
	case JSON_INTEGER:
		return WAM_EVF_INTEGER;
	case JSON_REAL:
		return WAM_EVF_NUMBER;
	case JSON_TRUE:
	case JSON_FALSE:
		return WAM_EVF_BOOLEAN;
	case JSON_ARRAY:
		return WAM_EVF_ARRAY;
	case JSON_OBJECT:
		return WAM_EVF_OBJECT;
	default:
		return WAM_EVF_NULL;
	}
}

static const char *type_name(const json_t *v)
{
	static const char *const names[] = {"an object", "a list", "text",  "a whole number",
	                                    "a number",  "true",   "false", "null"};
	int t = (int)json_typeof(v);
	return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "a value";
}

int wam_event_type_check(const wam_event_type *t, const json_t *payload)
{
	const char *key;
	json_t *v;
	size_t required = 0, next = 0;
	if (!json_is_object(payload))
		return wam_error_set(WAM_EINTERNAL, "payload", "event %s: the payload is not a JSON object", t->type);
	json_object_foreach((json_t *)payload, key, v)
	{
		const wam_event_field *f = field_of(t, key, &next);
		if (!f)
			return wam_error_set(
			    WAM_EINTERNAL, key,
			    "event %s: field '%.60s' is not declared in the event catalogue (src/events.json)", t->type,
			    key);
		unsigned bit = type_bit(v);
		if (!(f->types & bit) && !(bit == WAM_EVF_INTEGER && (f->types & WAM_EVF_NUMBER)))
			return wam_error_set(WAM_EINTERNAL, key,
			                     "event %s: field '%s' holds %s, which the event catalogue does not allow",
			                     t->type, key, type_name(v));
		required += f->required;
	}
	if (required < t->nrequired)
		for (size_t i = 0; i < t->nfields; i++)
			if (t->fields[i].required && !json_object_get(payload, t->fields[i].name))
				return wam_error_set(WAM_EINTERNAL, t->fields[i].name,
				                     "event %s: required field '%s' is missing", t->type,
				                     t->fields[i].name);
	return 0;
}

/* ---- summaries ---- */

/* The value at `path` (len bytes, "a" or "a.b") of `payload`, or NULL. */
static const json_t *value_at(const json_t *payload, const char *path, size_t len)
{
	char name[64];
	const json_t *v = payload;
	while (len && v) {
		const char *dot = memchr(path, '.', len);
		size_t n = dot ? (size_t)(dot - path) : len;
		if (n >= sizeof name)
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, name) : NULL;
		path += dot ? n + 1 : n;
		len -= dot ? n + 1 : n;
	}
	return v;
}

static int put_value(wam_buf *out, const json_t *v)
{
	int rc = 0;
	size_t i;
	const json_t *e;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return wam_buf_put(out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return wam_buf_printf(out, "%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		return wam_buf_printf(out, "%.15g", json_real_value(v));
	case JSON_TRUE:
		return wam_buf_puts(out, "yes");
	case JSON_FALSE:
		return wam_buf_puts(out, "no");
	case JSON_ARRAY:
		json_array_foreach(v, i, e) if (!rc && (!i || !(rc = wam_buf_puts(out, ", ")))) rc = put_value(out, e);
		return rc;
	case JSON_OBJECT: {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		if (!s)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		rc = wam_buf_puts(out, s);
		free(s);
		return rc;
	}
	default:
		return 0;
	}
}

static int render(wam_buf *out, const char *t, size_t len, const json_t *payload)
{
	int rc = 0;
	size_t i = 0;
	while (!rc && i < len) {
		size_t start = i;
		while (i < len && t[i] != '{')
			i++;
		if (i > start && (rc = wam_buf_put(out, t + start, i - start)))
			break;
		if (i >= len)
			break;
		/* {…}: the matching brace, nested templates counted */
		size_t j = i + 1, depth = 1;
		for (; j < len && depth; j++)
			depth += t[j] == '{' ? 1 : t[j] == '}' ? (size_t)-1 : 0;
		const char *in = t + i + 1;
		size_t n = j - i - 2;
		i = j;
		bool count = n && in[0] == '#';
		if (count)
			in++, n--;
		size_t name = 0;
		while (name < n && in[name] != '|' && in[name] != '?')
			name++;
		const json_t *v = value_at(payload, in, name);
		bool present = v && !json_is_null(v);
		const char *rest = in + name + 1;
		size_t rest_len = name < n ? n - name - 1 : 0;
		if (count)
			rc = wam_buf_printf(out, "%zu", json_is_array(v) ? json_array_size(v) : 0);
		else if (name < n && in[name] == '?')
			rc = present ? render(out, rest, rest_len, payload) : 0;
		else if (name < n && !present)
			rc = render(out, rest, rest_len, payload);
		else if (present)
			rc = put_value(out, v);
	}
	return rc;
}

int wam_event_summary(wam_buf *out, const wam_event_type *t, const json_t *payload)
{
	return render(out, t->summary, strlen(t->summary), payload);
}
