/* Per-thread last error. A fixed-size record, so setting an error can never
 * itself fail for lack of memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "wam/error.h"

static _Thread_local wam_error last;

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
	snprintf(last.message, sizeof last.message, "out of memory (which made this fail: %s)", said);
	set_field(NULL);
	last.code = WAM_ENOMEM;
	return WAM_ENOMEM;
}

int wam_error_set(int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	last.code = code;
	last.line = 0;
	set_field(field);
	va_start(ap, fmt);
	vsnprintf(last.message, sizeof last.message, fmt, ap);
	va_end(ap);
	return out_of_memory(code);
}

int wam_error_set_line(int code, long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	last.code = code;
	last.line = line;
	set_field(field);
	va_start(ap, fmt);
	vsnprintf(last.message, sizeof last.message, fmt, ap);
	va_end(ap);
	return out_of_memory(code);
}

const wam_error *wam_error_last(void)
{
	return &last;
}

void wam_error_clear(void)
{
	memset(&last, 0, sizeof last);
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
