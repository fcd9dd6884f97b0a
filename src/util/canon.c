/* Canonical JSON: the one byte form of a value that hashes and signatures
 * cover. Compact, object keys sorted by byte value (strcmp), strings as
 * UTF-8 with only the escapes JSON requires, integers in decimal, reals with
 * 15 significant digits (what a person typed, e.g. 18.54, survives a round
 * trip) and a ".0" when they would read as an integer. The bytes equal
 * jansson's json_dumps(JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
 * this encoder exists because it is an order of magnitude faster on the
 * import path, where every weapon is encoded once. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct member {
	const char *key;
	const json_t *value;
} member;

static int cmp_members(const void *a, const void *b)
{
	return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

static int put_real(wam_buf *b, double x)
{
	char s[40];
	int n = snprintf(s, sizeof s, "%.15g", x);
	if (n < 0 || (size_t)n >= sizeof s)
		return wam_error_set(WAM_EINVAL, NULL, "a number cannot be encoded");
	if (!strpbrk(s, ".eEni")) /* jansson keeps a real recognisable as one */
		return wam_buf_printf(b, "%s.0", s);
	char *e = strchr(s, 'e');
	if (e) { /* and writes exponents without '+' or leading zeros: 1e20, 1e-5 */
		char *from = e + 1, *to = e + 1;
		if (*from == '+')
			from++;
		else if (*from == '-')
			*to++ = *from++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(s);
	}
	return wam_buf_put(b, s, (size_t)n);
}

int wam_canon_buf(wam_buf *b, const json_t *v)
{
	int rc = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		member stack[32], *m = n <= 32 ? stack : malloc(n * sizeof *m);
		const char *k;
		json_t *x;
		if (!m)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		json_object_foreach((json_t *)v, k, x)
		{
			m[i].key = k;
			m[i++].value = x;
		}
		/* objects are small (a dozen keys): insertion sort beats qsort here */
		for (size_t a = 1; a < n; a++)
			for (size_t b2 = a; b2 > 0 && cmp_members(&m[b2 - 1], &m[b2]) > 0; b2--) {
				member t = m[b2];
				m[b2] = m[b2 - 1];
				m[b2 - 1] = t;
			}
		rc = wam_buf_putc(b, '{');
		for (i = 0; !rc && i < n; i++) {
			if ((i && (rc = wam_buf_putc(b, ','))) || (rc = wam_buf_put_json_string(b, m[i].key, strlen(m[i].key))) ||
			    (rc = wam_buf_putc(b, ':')))
				break;
			rc = wam_canon_buf(b, m[i].value);
		}
		if (m != stack)
			free(m);
		return rc ? rc : wam_buf_putc(b, '}');
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		if ((rc = wam_buf_putc(b, '[')))
			return rc;
		json_array_foreach(v, i, x)
		{
			if ((i && (rc = wam_buf_putc(b, ','))) || (rc = wam_canon_buf(b, x)))
				return rc;
		}
		return wam_buf_putc(b, ']');
	}
	case JSON_STRING:
		return wam_buf_put_json_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return wam_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, json_real_value(v));
	case JSON_TRUE:
		return wam_buf_puts(b, "true");
	case JSON_FALSE:
		return wam_buf_puts(b, "false");
	default:
		return wam_buf_puts(b, "null");
	}
}

char *wam_canon(const json_t *v)
{
	wam_buf b = {0};
	if (wam_canon_buf(&b, v)) {
		wam_buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

char *wam_ledger_canonical_json(const json_t *v, size_t *len)
{
	wam_buf b = {0};
	if (wam_canon_buf(&b, v) || (!b.p && wam_buf_put(&b, "", 0))) {
		wam_buf_free(&b);
		return NULL;
	}
	if (len)
		*len = b.n;
	return b.p;
}
