/* The message catalogue (src/messages.json) as the table the build
 * generates from it (tools/messages.py): each format libwam and the server
 * write for a user, with its stable id. */
#ifndef WAM_UTIL_MESSAGES_H
#define WAM_UTIL_MESSAGES_H

#include <stdarg.h>
#include <stddef.h>

#include "wam/error.h"

typedef struct wam_message_entry {
	const char *format;
	const char *id;
} wam_message_entry;

/* sorted by format (strcmp) */
extern const wam_message_entry wam_messages[];
extern const size_t wam_message_count;

/* Formats each conversion of `fmt` by itself into args[0], args[1]...
 * (at most WAM_MESSAGE_ARGS), consuming `ap` as printf would; returns how
 * many. Never allocates. */
int wam_message_args(char args[][WAM_MESSAGE_ARG_MAX], const char *fmt, va_list ap);

#endif
