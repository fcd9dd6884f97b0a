/* wam/error.h — error codes and the last-error message.
 *
 * Every public libwam function returns int: 0 on success, a negative wam_err
 * on failure. The message (field, value, rule broken) is kept per thread and
 * read with wam_error_last(). One table maps each code to a CLI exit code and
 * an HTTP status, so every front end reports the same failure the same way. */
#ifndef WAM_ERROR_H
#define WAM_ERROR_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wam_err {
	WAM_OK = 0,
	WAM_EINVAL = -1,     /* bad input: a field breaks a rule */
	WAM_ENOTFOUND = -2,  /* the record asked for does not exist */
	WAM_ECONFLICT = -3,  /* duplicate, or an illegal state transition */
	WAM_EDB = -4,        /* the store failed */
	WAM_EIO = -5,        /* a file could not be read or written */
	WAM_EAUTH = -6,      /* not authenticated */
	WAM_EFORBIDDEN = -7, /* authenticated but not allowed */
	WAM_EINTEGRITY = -8, /* the ledger or a projection was tampered with */
	WAM_ENOMEM = -9,     /* out of memory */
	WAM_EBUSY = -10,     /* the registry is held by another command past the wait: try again */
	WAM_EVERSION = -11, /* the registry was made by a newer wam (its schema version is unknown here) */
	WAM_EINTERNAL = -12  /* a fault of wam itself: it broke one of its own rules (an event the catalogue refuses) */
} wam_err;

/* How many arguments of a message are kept, and the bytes each may take
 * (a longer one is cut at a character boundary; the message is whole). */
#define WAM_MESSAGE_ARGS 8
#define WAM_MESSAGE_ARG_MAX 160

/* The last error set on this thread. Fields are empty strings, never NULL;
 * `line` is 0 when the error is not about a line of an input file.
 *
 * `message` is the English sentence; `message_id` names it in the message
 * catalogue (src/messages.json, docs/messages.md: "" when its format has no
 * id) and `args` are the values of its conversions, each formatted as in
 * the message, in order: a front end shows the sentence in another language
 * from the catalogue text msg.<message_id>, {1}, {2}... filled from args. */
typedef struct wam_error {
	int code;
	char field[64];
	char message[512];
	long line;
	const char *message_id;
	int nargs;
	char args[WAM_MESSAGE_ARGS][WAM_MESSAGE_ARG_MAX];
} wam_error;

/* Records an error for this thread and returns `code`, so a caller can write
 * `return wam_error_set(WAM_EINVAL, "serial", "must not be empty");`.
 * `field` may be NULL. Never fails. */
WAM_API int wam_error_set(int code, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like wam_error_set, also naming the input line the error concerns. */
WAM_API int wam_error_set_line(int code, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* wam_error_set_line with the arguments as a va_list. */
WAM_API int wam_error_vset(int code, long line, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Makes `e` (a copy of an earlier wam_error_last(), its code or field
 * perhaps changed) the last error again, message id and args included, and
 * returns its code. Never fails. */
WAM_API int wam_error_restore(const wam_error *e);

/* The id of a message format in the catalogue; "" when it has none. */
WAM_API const char *wam_message_id(const char *fmt);

/* A sentence for a user with its id: {"message": the English text,
 * "message_id", "args": [strings]}, the same as an error carries (marking
 * reasons, quality findings, an HTTP error body). NULL without memory. */
WAM_API json_t *wam_message_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
WAM_API json_t *wam_message_vjson(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* {"message", "message_id", "args"} of an error (an import row's reason). */
WAM_API json_t *wam_error_json(const wam_error *e);

/* The last error on this thread; valid until the next wam call on it. */
WAM_API const wam_error *wam_error_last(void);

/* Forgets the last error (and a failed allocation, for the errors to come:
 * wam_error_alloc_failures()). */
WAM_API void wam_error_clear(void);

/* How many of jansson's allocations have failed on this thread since it
 * started (libwam owns jansson's allocator: a program linking it installs
 * no hooks of its own). A JSON value built while the count moved may lack
 * a member jansson could not add: libwam refuses to commit a change during
 * which it moved (WAM_ENOMEM, nothing written), and a front end notes the
 * count before building an answer and sends an error, not the answer, if it
 * moved. Any error set on the thread after a failed allocation, until the
 * next wam_error_clear() or the end of a transaction, is reported as
 * WAM_ENOMEM (a field found missing may be one jansson dropped). Never
 * fails. */
WAM_API unsigned long wam_error_alloc_failures(void);

/* Stable lowercase name of a code ("invalid", "not_found", ...). */
WAM_API const char *wam_error_name(int code);

/* Process exit code for a result (documented in docs/cli.md):
 * 0 ok, 2 bad input, 3 not found, 4 conflict, 5 integrity failure,
 * 6 database or I/O, 7 not allowed, 8 busy (try again), 9 a registry made
 * by a newer wam, 1 anything else (out of memory, an internal fault). */
WAM_API int wam_error_exit_code(int code);

/* HTTP status for a result (200, 401, 403, 404, 409, 422, 500 (also for
 * WAM_EVERSION), 503 for WAM_EBUSY, which a server sends with Retry-After); bad input
 * is 422, and a front end answers 400 itself for what never reaches
 * libwam (malformed JSON, bad query parameters). */
WAM_API int wam_error_http_status(int code);

#ifdef __cplusplus
}
#endif
#endif
