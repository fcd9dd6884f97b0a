/* An RFC 4180 reader: quoted fields with embedded commas, quotes ("") and
 * line breaks, CRLF or LF records, an optional UTF-8 byte order mark. Fields
 * and records are capped so a hostile file cannot exhaust memory; a
 * malformed record is reported with the line it starts on and skipped, so
 * an import can list every bad row in one pass. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* getc with a pushback stack of our own (C promises only one ungetc). */
static int get(wam_csv *r)
{
	if (r->npushed)
		return r->pushed[--r->npushed];
	return getc_unlocked(r->in); /* one reader per file: no locking per byte */
}

static void unget(wam_csv *r, int c)
{
	if (r->npushed < sizeof r->pushed / sizeof r->pushed[0])
		r->pushed[r->npushed++] = c;
}

/* Appends a byte to the current field; both buffers were reserved for the
 * largest field allowed, so the common case is one bounds check. */
static inline int put(wam_csv *r, int c)
{
	if (r->field.n >= WAM_CSV_MAX_FIELD)
		return WAM_EINVAL;
	r->field.p[r->field.n++] = (char)c;
	return 0;
}

static inline void keep_raw(wam_csv *r, int c)
{
	if (r->raw.n + 1 < r->raw.cap) {
		r->raw.p[r->raw.n++] = (char)c;
		r->raw.p[r->raw.n] = '\0';
	}
}

static int finish_field(wam_csv *r)
{
	if (r->nfields >= WAM_CSV_MAX_FIELDS)
		return wam_error_set_line(WAM_EINVAL, r->record_line, NULL, "more than %d fields in one record",
		                          WAM_CSV_MAX_FIELDS);
	r->field.p[r->field.n] = '\0';
	if (wam_buf_put(&r->store, r->field.p, r->field.n + 1))
		return WAM_ENOMEM;
	r->nfields++;
	wam_buf_reset(&r->field);
	return 0;
}

/* Skips to the end of the current physical line after an error. */
static void skip_line(wam_csv *r, int c)
{
	while (c != EOF && c != '\n')
		c = get(r);
	r->line++;
}

int wam_csv_next(wam_csv *r)
{
	int c, rc;
	bool quoted = false, after_quote = false, any = false;
	if (r->field.cap < WAM_CSV_MAX_FIELD + 8) {
		char *p = realloc(r->field.p, WAM_CSV_MAX_FIELD + 8);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		r->field.p = p;
		r->field.cap = WAM_CSV_MAX_FIELD + 8;
	}
	if (r->raw.cap < 4 * WAM_CSV_MAX_FIELD) {
		char *p = realloc(r->raw.p, 4 * WAM_CSV_MAX_FIELD);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		r->raw.p = p;
		r->raw.cap = 4 * WAM_CSV_MAX_FIELD;
	}
	if (!r->started) {
		r->started = true;
		r->line = 1;
		int a = get(r), b = a == 0xef ? get(r) : EOF, d = b == 0xbb ? get(r) : EOF;
		if (!(a == 0xef && b == 0xbb && d == 0xbf)) {
			if (d != EOF)
				unget(r, d);
			if (b != EOF)
				unget(r, b);
			if (a != EOF)
				unget(r, a);
		}
	}
	r->nfields = 0;
	wam_buf_reset(&r->field);
	wam_buf_reset(&r->store);
	wam_buf_reset(&r->raw);
	r->record_line = r->line;
	for (;;) {
		c = get(r);
		if (c != EOF)
			keep_raw(r, c);
		if (c == EOF) {
			if (quoted) {
				return wam_error_set_line(WAM_EINVAL, r->record_line, NULL,
				                          "a quoted field opened on this line is never closed");
			}
			if (!any)
				return 0;
			break;
		}
		any = true;
		if (quoted) {
			if (c == '"') {
				int d = get(r);
				if (d == '"') {
					keep_raw(r, '"');
					if ((rc = put(r, '"')))
						goto too_long;
					continue;
				}
				if (d != EOF)
					unget(r, d);
				quoted = false;
				after_quote = true;
				continue;
			}
			if (c == '\n')
				r->line++;
			if ((rc = put(r, c)))
				goto too_long;
			continue;
		}
		if (c == ',') {
			if ((rc = finish_field(r))) {
				skip_line(r, c);
				return rc;
			}
			after_quote = false;
			continue;
		}
		if (c == '\r') {
			int d = get(r);
			if (d == '\n') {
				keep_raw(r, '\n');
				c = '\n';
			} else if (d != EOF) {
				unget(r, d);
			}
		}
		if (c == '\n' || c == '\r') {
			r->line++;
			break;
		}
		if (after_quote) {
			rc = wam_error_set_line(WAM_EINVAL, r->record_line, NULL,
			                        "text after a closing quote (a quote inside a field must be doubled: \"\")");
			skip_line(r, c);
			return rc;
		}
		if (c == '"' && r->field.n == 0) {
			quoted = true;
			continue;
		}
		if ((rc = put(r, c)))
			goto too_long;
	}
	if ((rc = finish_field(r)))
		return rc;
	/* field pointers into the NUL-separated store */
	char *p = r->store.p;
	for (size_t i = 0; i < r->nfields; i++) {
		r->fields[i] = p;
		p += strlen(p) + 1;
	}
	return 1;
too_long:
	rc = wam_error_set_line(WAM_EINVAL, r->record_line, NULL, "a field is longer than %d bytes", WAM_CSV_MAX_FIELD);
	/* resynchronise: skip to the end of this line, leaving any open quote */
	skip_line(r, quoted ? 0 : c);
	return rc;
}

void wam_csv_free(wam_csv *r)
{
	wam_buf_free(&r->field);
	wam_buf_free(&r->store);
	wam_buf_free(&r->raw);
}

void wam_csv_put(FILE *out, const char *s, bool last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n") || (*s == ' ') || (*s && s[strlen(s) - 1] == ' ')) {
		putc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				putc('"', out);
			putc(*s, out);
		}
		putc('"', out);
	} else {
		fputs(s, out);
	}
	putc(last ? '\n' : ',', out);
}
