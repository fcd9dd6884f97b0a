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
	return getc(r->in);
}

static void unget(wam_csv *r, int c)
{
	if (r->npushed < sizeof r->pushed / sizeof r->pushed[0])
		r->pushed[r->npushed++] = c;
}

static int finish_field(wam_csv *r)
{
	if (r->nfields >= WAM_CSV_MAX_FIELDS)
		return wam_error_set_line(WAM_EINVAL, r->record_line, NULL, "more than %d fields in one record",
		                          WAM_CSV_MAX_FIELDS);
	if (wam_buf_put(&r->store, r->field.p ? r->field.p : "", r->field.n) || wam_buf_putc(&r->store, '\0'))
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
	r->field.max = WAM_CSV_MAX_FIELD + 8;
	r->raw.max = (WAM_CSV_MAX_FIELD + 8) * 4;
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
			wam_buf_putc(&r->raw, (char)c);
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
					wam_buf_putc(&r->raw, '"');
					if ((rc = wam_buf_putc(&r->field, '"')))
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
			if ((rc = wam_buf_putc(&r->field, (char)c)))
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
				wam_buf_putc(&r->raw, '\n');
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
		if ((rc = wam_buf_putc(&r->field, (char)c)))
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
