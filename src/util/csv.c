/* An RFC 4180 reader: quoted fields with embedded commas, quotes ("") and
 * line breaks, CRLF or LF records, an optional UTF-8 byte order mark. Fields
 * and records are capped so a hostile file cannot exhaust memory; a
 * malformed record is reported with the line it starts on and skipped, so
 * an import can list every bad row in one pass.
 *
 * The writer quotes what needs quoting, and every CSV export writes its
 * values through wam_csv_put_text(): one rule, in one place, for the cells
 * a spreadsheet would run as formulas (an apostrophe in front), which
 * wam_csv_text() undoes exactly on import. */
#include <stdarg.h>
#include <string.h>

#include <utf8proc.h>

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

/* Bytes of a record kept as read; a longer record is kept cut short. */
#define CSV_MAX_RAW (4 * WAM_CSV_MAX_FIELD)

static inline void keep_raw(wam_csv *r, int c)
{
	if (r->raw.n + 1 < CSV_MAX_RAW) {
		r->raw.p[r->raw.n++] = (char)c;
		r->raw.p[r->raw.n] = '\0';
	}
}

/* Records the first error of the current record, naming the field it is in;
 * parsing goes on to the end of the record so every field is still read. */
static void record_error(wam_csv *r, int *err, const char *msg, ...) __attribute__((format(printf, 3, 4)));
static void record_error(wam_csv *r, int *err, const char *msg, ...)
{
	if (*err)
		return;
	va_list ap;
	va_start(ap, msg);
	*err = wam_error_vset(WAM_EINVAL, r->record_line, NULL, msg, ap);
	va_end(ap);
	r->error_field = r->nfields;
}

static void finish_field(wam_csv *r, int *err)
{
	r->field.p[r->field.n] = '\0';
	if (r->nfields >= WAM_CSV_MAX_FIELDS)
		record_error(r, err, "more than 64 fields in one record");
	else if (wam_buf_put(&r->store, r->field.p, r->field.n + 1))
		record_error(r, err, "out of memory");
	else
		r->nfields++;
	r->field.n = 0;
}

/* Empties `b` and makes room for `cap` bytes in it. Called once a record:
 * after the first, the room is there and nothing calls out. */
static int reserve(wam_buf *b, size_t cap)
{
	b->n = 0;
	return b->cap >= cap ? 0 : wam_buf_grow(b, cap - 1);
}

static void skip_bom(wam_csv *r)
{
	int a = get(r), b = a == 0xef ? get(r) : EOF, d = b == 0xbb ? get(r) : EOF;
	if (a == 0xef && b == 0xbb && d == 0xbf)
		return;
	if (d != EOF)
		unget(r, d);
	if (b != EOF)
		unget(r, b);
	if (a != EOF)
		unget(r, a);
}

int wam_csv_next(wam_csv *r)
{
	int rc;
	if ((rc = reserve(&r->field, WAM_CSV_MAX_FIELD + 8)) || (rc = reserve(&r->raw, CSV_MAX_RAW)))
		return rc;
	if (!r->started) {
		r->started = true;
		r->line = 1;
		skip_bom(r);
	}
next_record:;
	int c, err = 0;
	bool quoted = false, after_quote = false, any = false, saw_quote = false;
	r->nfields = 0;
	r->error_field = (size_t)-1;
	r->field.n = 0;
	r->raw.n = 0;
	r->raw.p[0] = '\0';
	wam_buf_reset(&r->store);
	r->record_line = r->line;
	for (;;) {
		c = get(r);
		if (c == EOF) {
			if (quoted)
				record_error(r, &err, "a quoted field opened on this line is never closed");
			if (!any)
				return 0;
			break;
		}
		keep_raw(r, c);
		any = true;
		if (quoted) {
			if (c == '"') {
				int d = get(r);
				if (d != '"') {
					if (d != EOF)
						unget(r, d);
					quoted = false;
					after_quote = true;
					continue;
				}
				keep_raw(r, '"');
			} else if (c == '\n') {
				r->line++;
			}
			if (put(r, c))
				record_error(r, &err, "a field is longer than 8192 bytes");
			continue;
		}
		if (c == ',') {
			finish_field(r, &err);
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
		if (after_quote)
			record_error(r, &err,
			             "text after a closing quote (a quote inside a field must be doubled: \"\")");
		if (c == '"' && r->field.n == 0 && !after_quote) {
			quoted = saw_quote = true;
			continue;
		}
		if (put(r, c))
			record_error(r, &err, "a field is longer than 8192 bytes");
	}
	finish_field(r, &err);
	if (!err && r->nfields == 1 && !saw_quote && !r->store.p[0])
		goto next_record; /* a blank line is not a record */
	/* field pointers into the NUL-separated store */
	char *p = r->store.p;
	for (size_t i = 0; i < r->nfields; i++) {
		r->fields[i] = p;
		p += strlen(p) + 1;
	}
	return err ? err : 1;
}

void wam_csv_free(wam_csv *r)
{
	wam_buf_free(&r->field);
	wam_buf_free(&r->store);
	wam_buf_free(&r->raw);
}

/* Writes `prefix` (0: none) and `s` as one field, quoted when it needs to be. */
static void put_field(FILE *out, char prefix, const char *s, bool last)
{
	if (!s)
		s = "";
	bool lead_space = prefix ? prefix == ' ' : *s == ' ';
	if (strpbrk(s, ",\"\r\n") || lead_space || (*s && s[strlen(s) - 1] == ' ')) {
		putc('"', out);
		if (prefix)
			putc(prefix, out);
		for (; *s; s++) {
			if (*s == '"')
				putc('"', out);
			putc(*s, out);
		}
		putc('"', out);
	} else {
		if (prefix)
			putc(prefix, out);
		fputs(s, out);
	}
	putc(last ? '\n' : ',', out);
}

void wam_csv_put(FILE *out, const char *s, bool last)
{
	put_field(out, 0, s, last);
}

/* "-12" or "-1.5": a negative number, which a spreadsheet shows as one. */
static bool negative_number(const char *s)
{
	size_t i = 1, digits = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (s[i] == '.' && digits) {
		size_t frac = 0;
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			frac++;
		if (!frac)
			return false;
	}
	return digits && !s[i];
}

static bool blank_category(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
	       c == UTF8PROC_CATEGORY_CF;
}

bool wam_csv_escaped(const char *s)
{
	if (!s || !*s)
		return false;
	if (strchr("\t\r\n'", *s))
		return true;
	/* a spreadsheet may trim leading blanks before it looks for a formula:
	 * ASCII white space, and any Unicode space, line or paragraph separator
	 * or invisible format character (no-break space, BOM, zero width) */
	for (;;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
		if (n <= 0 || cp == 0 || !(strchr(" \t\r\n\v\f", (int)cp) || (cp > 0x7f && blank_category(cp))))
			break;
		s += n;
	}
	if (*s == '-')
		return !negative_number(s);
	return *s && strchr("=+@", *s) != NULL;
}

void wam_csv_put_text(FILE *out, const char *s, bool last)
{
	put_field(out, wam_csv_escaped(s) ? '\'' : 0, s, last);
}

const char *wam_csv_text(const char *field)
{
	return field && *field == '\'' ? field + 1 : field;
}
