/* Growable byte buffer with a cap: every append either fits or fails with
 * WAM_ENOMEM, so an oversized input can never grow memory without bound. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int grow(wam_buf *b, size_t need)
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

int wam_buf_put(wam_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);
	if (rc)
		return rc;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int wam_buf_puts(wam_buf *b, const char *s)
{
	return wam_buf_put(b, s, strlen(s));
}

int wam_buf_putc(wam_buf *b, char c)
{
	return wam_buf_put(b, &c, 1);
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
	int rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
	return 0;
}

/* Escapes exactly as jansson does for compact output without
 * JSON_ENSURE_ASCII, so bytes built here equal bytes jansson would dump. */
int wam_buf_put_json_string(wam_buf *b, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	int rc = grow(b, n + 2);
	if (rc)
		return rc;
	b->p[b->n++] = '"';
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\b')
			esc = "\\b";
		else if (c == '\f')
			esc = "\\f";
		else if (c < 0x20) {
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hexd[c >> 4];
			u[5] = hexd[c & 15];
			u[6] = '\0';
			esc = u;
		}
		if (!esc)
			continue;
		if ((rc = wam_buf_put(b, s + start, i - start)) || (rc = wam_buf_puts(b, esc)))
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
