/* Growable byte buffer with a cap: every append either fits or fails with
 * WAM_ENOMEM, so an oversized input can never grow memory without bound. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int wam_buf_grow(wam_buf *b, size_t need)
{
	size_t max = b->max ? b->max : ((size_t)1 << 30);
	if (b->n + need + 1 <= b->cap)
		return 0;
	if (b->n + need + 1 > max)
		return wam_error_set(WAM_ENOMEM, NULL, "buffer would exceed %zu bytes", max);
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + need + 1)
		cap *= 2;
	if (cap > max)
		cap = max;
	char *p = realloc(b->p, cap);
	if (!p)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	b->p = p;
	b->cap = cap;
	return 0;
}

int wam_buf_puts(wam_buf *b, const char *s)
{
	return wam_buf_put(b, s, strlen(s));
}

int wam_buf_printf(wam_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return wam_error_set(WAM_EINVAL, NULL, "format error");
	if ((size_t)n < sizeof small)
		return wam_buf_put(b, small, (size_t)n);
	int rc = wam_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
	return 0;
}

/* Bytes that need an escape in a JSON string: control characters, '"' and
 * '\\'. Escapes are written exactly as jansson writes them, so bytes built
 * here equal what jansson would dump. Runs of plain bytes are copied whole. */
static inline bool needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

int wam_buf_put_json_string(wam_buf *b, const char *s, size_t n)
{
	static const char hexd[] = "0123456789ABCDEF";
	int rc = wam_buf_grow(b, n + 2);
	if (rc)
		return rc;
	b->p[b->n++] = '"';
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		/* skip 8 plain bytes at a time: no byte < 0x20, '"' or '\\' */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
			uint64_t lt20 = (w - ones * 0x20) & ~w & high;
			uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
			uint64_t isq = (q - ones) & ~q & high, isbs = (bs - ones) & ~bs & high;
			if (lt20 | isq | isbs)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (!needs_escape(c))
			continue;
		char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
		size_t elen = 2;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hexd[c >> 4];
			esc[5] = hexd[c & 15];
			elen = 6;
		}
		if ((rc = wam_buf_put(b, s + start, i - start)) || (rc = wam_buf_put(b, esc, elen)))
			return rc;
		start = i + 1;
	}
	if ((rc = wam_buf_put(b, s + start, n - start)))
		return rc;
	return wam_buf_putc(b, '"');
}

void wam_buf_reset(wam_buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

void wam_buf_free(wam_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void wam_buf_html(wam_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			wam_buf_puts(b, "&amp;");
			break;
		case '<':
			wam_buf_puts(b, "&lt;");
			break;
		case '>':
			wam_buf_puts(b, "&gt;");
			break;
		case '"':
			wam_buf_puts(b, "&quot;");
			break;
		case '\'':
			wam_buf_puts(b, "&#39;");
			break;
		default:
			wam_buf_putc(b, *s);
		}
	}
}
