/* The event catalogue: every event type the ledger accepts, the room that
 * emits it, the fields of its payload and the one line a history shows for
 * it. Declared once in src/events.json; tools/events.py turns that file into
 * the table below at build time (wam_event_types, sorted by type), so the
 * ledger, the histories and docs/ledger.md read the same declaration.
 *
 * A core header: it names no room. */
#ifndef WAM_LEDGER_EVENTS_H
#define WAM_LEDGER_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct wam_buf wam_buf;

/* The JSON types a payload field may hold, as bits; a field may allow several. */
enum {
	WAM_EVF_STRING = 1 << 0,
	WAM_EVF_INTEGER = 1 << 1,
	WAM_EVF_NUMBER = 1 << 2, /* a whole number or not */
	WAM_EVF_BOOLEAN = 1 << 3,
	WAM_EVF_ARRAY = 1 << 4,
	WAM_EVF_OBJECT = 1 << 5,
	WAM_EVF_NULL = 1 << 6,
	WAM_EVF_ANY = (1 << 7) - 1
};

/* One field of a payload: its name, the WAM_EVF_* bits of the types it may
 * hold, and whether every event of the type carries it. */
typedef struct wam_event_field {
	const char *name;
	unsigned types;
	bool required;
} wam_event_field;

/* One event type: "item.registered", the room that emits it ("registry",
 * "auth", "stock", "collection", "trace"), its payload's fields (`nfields`
 * of them, `nrequired` of them required) and its summary template
 * (docs/ledger.md#the-event-catalogue). */
typedef struct wam_event_type {
	const char *type;
	const char *room;
	const wam_event_field *fields;
	size_t nfields;
	size_t nrequired;
	const char *summary;
} wam_event_type;

/* Every event type, sorted by type (bytewise), and how many there are. */
extern const wam_event_type wam_event_types[];
extern const size_t wam_event_type_count;

/* The declaration of event type `type`, or NULL when the catalogue does not
 * declare it (or `type` is NULL). A binary search: cheap enough for every
 * event appended. Never fails otherwise. */
const wam_event_type *wam_event_type_find(const char *type);

/* 0 when `payload` fits event type `t`: a JSON object holding every
 * required field, no field the catalogue does not declare, and each field of
 * a type it allows. WAM_EINTERNAL otherwise, the message naming the event
 * type and the field: code emitting such an event is wrong, and nothing is
 * appended. Changes nothing. */
int wam_event_type_check(const wam_event_type *t, const json_t *payload);

/* Appends to `out` the one-line summary of an event of type `t` with
 * `payload`, from the type's template: {field} its value (text as it is,
 * numbers in decimal, true/false as yes/no, a list's elements joined by
 * ", "), {field|text} the value or `text` when the field is absent or null,
 * {field?text} `text` only when it is present and not null, {#field} the
 * number of elements of a list, {a.b} field b of object field a. A field
 * the payload lacks renders as nothing. WAM_ENOMEM when `out` cannot grow
 * (what was appended before stays). */
int wam_event_summary(wam_buf *out, const wam_event_type *t, const json_t *payload);

#endif
