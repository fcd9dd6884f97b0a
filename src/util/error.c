/* Per-thread last error. A fixed-size record, so setting an error can never
 * itself fail for lack of memory. Its message id is looked up by the text of
 * the format in the table generated from src/messages.json (a bsearch), and
 * each conversion is formatted again by itself for the args: no allocation
 * either way. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/alloc.h"
#include "util/messages.h"
#include "wam/error.h"

static _Thread_local wam_error last = {.message_id = ""};

static int by_format(const void *key, const void *entry)
{
	return strcmp(key, ((const wam_message_entry *)entry)->format);
}

const char *wam_message_id(const char *fmt)
{
	const wam_message_entry *e =
	    fmt ? bsearch(fmt, wam_messages, wam_message_count, sizeof wam_messages[0], by_format) : NULL;
	return e ? e->id : "";
}

/* Ends `s` (of `cap` bytes, `want` the length it would have had) on a whole
 * UTF-8 character when it was cut short. */
static void cut_whole(char *s, size_t cap, int want)
{
	if (want < 0) {
		s[0] = '\0';
		return;
	}
	if ((size_t)want < cap)
		return;
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (i - 1 + len > n)
		s[i - 1] = '\0';
}

int wam_message_args(char args[][WAM_MESSAGE_ARG_MAX], const char *fmt, va_list ap)
{
	int n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		/* one conversion: %[flags][width][.precision][length]specifier */
		char spec[32];
		size_t k = 0;
		const char *q = p + 1;
		int star[2], nstar = 0;
		spec[k++] = '%';
		while (*q && strchr("-+ #0", *q) && k < 8)
			spec[k++] = *q++;
		for (int part = 0; part < 2; part++) {
			if (part == 1) {
				if (*q != '.')
					break;
				spec[k++] = *q++;
			}
			if (*q == '*') {
				star[nstar++] = va_arg(ap, int);
				spec[k++] = *q++;
			} else
				while (*q >= '0' && *q <= '9' && k < 20)
					spec[k++] = *q++;
		}
		char len[3] = "";
		size_t nl = 0;
		while (*q && strchr("hlLzjt", *q) && nl < 2)
			len[nl++] = spec[k++] = *q++;
		len[nl] = '\0';
		char conv = *q;
		if (!conv)
			break;
		spec[k++] = conv;
		spec[k] = '\0';
		p = q;
		char *out = n < WAM_MESSAGE_ARGS ? args[n] : NULL;
		char spare[WAM_MESSAGE_ARG_MAX];
		char *to = out ? out : spare;
		int want;
#define PUT(type)                                                                                                      \
	do {                                                                                                           \
		type v_ = va_arg(ap, type);                                                                            \
		want = nstar == 2   ? snprintf(to, WAM_MESSAGE_ARG_MAX, spec, star[0], star[1], v_)                    \
		       : nstar == 1 ? snprintf(to, WAM_MESSAGE_ARG_MAX, spec, star[0], v_)                             \
		                    : snprintf(to, WAM_MESSAGE_ARG_MAX, spec, v_);                                     \
	} while (0)
		_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wformat-nonliteral\"");
		switch (conv) {
		case 'd':
		case 'i':
		case 'o':
		case 'u':
		case 'x':
		case 'X':
		case 'c':
			if (!strcmp(len, "ll"))
				PUT(long long);
			else if (!strcmp(len, "l"))
				PUT(long);
			else if (!strcmp(len, "z"))
				PUT(size_t);
			else if (!strcmp(len, "j"))
				PUT(intmax_t);
			else if (!strcmp(len, "t"))
				PUT(ptrdiff_t);
			else
				PUT(int);
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (!strcmp(len, "L"))
				PUT(long double);
			else
				PUT(double);
			break;
		case 's':
			PUT(const char *);
			break;
		case 'p':
			PUT(void *);
			break;
		default: /* not a conversion printf knows: what follows cannot be read */
			return n;
		}
		_Pragma("GCC diagnostic pop");
#undef PUT
		cut_whole(to, WAM_MESSAGE_ARG_MAX, want);
		if (out)
			n++;
	}
	return n;
}

static void set_field(const char *field)
{
	size_t n = field ? strlen(field) : 0;
	if (n >= sizeof last.field)
		n = sizeof last.field - 1;
	memcpy(last.field, field ? field : "", n);
	last.field[n] = '\0';
}

/* After an allocation of jansson failed, a field found missing or a record
 * not found may be what the failure cut short: until the transaction that
 * saw it ends or the error is cleared (util/alloc.c), every error is
 * reported as out of memory. */
static int out_of_memory(int code)
{
	char said[sizeof last.message - 64];
	if (code >= 0 || code == WAM_ENOMEM || !wam_alloc_unsettled())
		return code;
	memcpy(said, last.message, sizeof said - 1);
	said[sizeof said - 1] = '\0';
	return wam_error_set_line(WAM_ENOMEM, last.line, NULL, "out of memory (which made this fail: %s)", said);
}

int wam_error_vset(int code, long line, const char *field, const char *fmt, va_list ap)
{
	va_list aq;
	last.code = code;
	last.line = line;
	set_field(field);
	/* the args first: one may be the message of the error this replaces */
	last.message_id = wam_message_id(fmt);
	va_copy(aq, ap);
	last.nargs = *last.message_id ? wam_message_args(last.args, fmt, aq) : 0;
	va_end(aq);
	vsnprintf(last.message, sizeof last.message, fmt, ap);
	return out_of_memory(code);
}

int wam_error_set(int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = wam_error_vset(code, 0, field, fmt, ap);
	va_end(ap);
	return code;
}

int wam_error_set_line(int code, long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = wam_error_vset(code, line, field, fmt, ap);
	va_end(ap);
	return code;
}

int wam_error_restore(const wam_error *e)
{
	if (e != &last)
		memmove(&last, e, sizeof last);
	if (!last.message_id)
		last.message_id = "";
	return out_of_memory(last.code);
}

int wam_error_within(int rc, const char *field, const char *fmt, ...)
{
	char head[192], inner[sizeof last.message];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(inner, last.message, sizeof inner);
	if (n >= 0 && snprintf(last.message, sizeof last.message, "%s: %s", head, inner) < 0)
		last.message[0] = '\0';
	if (field)
		set_field(field);
	last.code = rc;
	return out_of_memory(rc);
}

int wam_error_inside(int rc, const char *part)
{
	char field[128];
	snprintf(field, sizeof field, "%.60s%s%.40s", part, last.field[0] ? "." : "", last.field);
	return wam_error_within(rc, field, "%s", part);
}

static json_t *said(const char *message, const char *id, char args[][WAM_MESSAGE_ARG_MAX], int nargs)
{
	json_t *a = json_array();
	for (int i = 0; i < nargs; i++)
		json_array_append_new(a, json_string(args[i]));
	return json_pack("{s:s, s:s, s:o}", "message", message, "message_id", id ? id : "", "args", a);
}

json_t *wam_message_vjson(const char *fmt, va_list ap)
{
	char message[640], args[WAM_MESSAGE_ARGS][WAM_MESSAGE_ARG_MAX];
	const char *id = wam_message_id(fmt);
	va_list aq;
	va_copy(aq, ap);
	int nargs = *id ? wam_message_args(args, fmt, aq) : 0;
	va_end(aq);
	cut_whole(message, sizeof message, vsnprintf(message, sizeof message, fmt, ap));
	return said(message, id, args, nargs);
}

json_t *wam_message_json(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *o = wam_message_vjson(fmt, ap);
	va_end(ap);
	return o;
}

json_t *wam_error_json(const wam_error *e)
{
	wam_error copy = *e; /* said() takes args it does not change */
	return said(e->message, e->message_id, copy.args, e->nargs);
}

const wam_error *wam_error_last(void)
{
	return &last;
}

void wam_error_clear(void)
{
	memset(&last, 0, sizeof last);
	last.message_id = "";
	wam_alloc_settle();
}

/* One table: name, exit code, HTTP status per code. */
static const struct {
	int code;
	const char *name;
	int exit_code;
	int http;
} table[] = {
	{WAM_OK, "ok", 0, 200},
	{WAM_EINVAL, "invalid", 2, 422},
	{WAM_ENOTFOUND, "not_found", 3, 404},
	{WAM_ECONFLICT, "conflict", 4, 409},
	{WAM_EDB, "database", 6, 500},
	{WAM_EIO, "io", 6, 500},
	{WAM_EAUTH, "unauthenticated", 7, 401},
	{WAM_EFORBIDDEN, "forbidden", 7, 403},
	{WAM_EINTEGRITY, "integrity", 5, 500},
	{WAM_ENOMEM, "out_of_memory", 1, 500},
	{WAM_EBUSY, "busy", 8, 503},
	{WAM_EVERSION, "version", 9, 500},
	{WAM_EINTERNAL, "internal", 1, 500},
};

static int find(int code)
{
	/* a store failure whose recorded cause is a busy registry (a caller
	 * passing on WAM_EDB after a statement failed) is reported as busy */
	if (code == WAM_EDB && last.code == WAM_EBUSY)
		code = WAM_EBUSY;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return (int)i;
	return -1;
}

const char *wam_error_name(int code)
{
	int i = find(code);
	return i < 0 ? "error" : table[i].name;
}

int wam_error_exit_code(int code)
{
	int i = find(code);
	return i < 0 ? 1 : table[i].exit_code;
}

int wam_error_http_status(int code)
{
	int i = find(code);
	return i < 0 ? 500 : table[i].http;
}
