/* The data quality of a trace request: what R10 and the ITI require before
 * a request may leave (missing: sending is refused while any is), what is
 * present but questionable (doubtful), and what would help the requested
 * state find its record (recommended). One function serves the drafting
 * screen, the list's score and the send gate, so they never disagree.
 *
 * Who asks and who is asked is required as each party is known: a state
 * by its code, a Panel, a mission or a manufacturer by its name (its state
 * then optional).
 *
 * A request about an ammunition lot (item kind "ammunition") has R10 of
 * its own: the calibre, and the headstamp (its text or factory code) or the
 * lot, identify the lot; no make, serial or category is asked of it.
 *
 * The score weighs the required fields heavily: they share 70 points (each
 * of a weapon's ten is worth 7, each of a lot's eight 8.75), the nine
 * recommended ones share 30, and each doubt costs 5; a complete, clean
 * request scores 100. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "wam/match.h"
#include "store/field.h"
#include "trace/request.h"
#include "wam/trace.h"

#define REQUIRED_POINTS 70.0
#define REQUIRED_COUNT 10
#define REQUIRED_COUNT_AMMUNITION 8
#define RECOMMENDED_POINTS 30.0
#define RECOMMENDED_COUNT 9
#define DOUBT_POINTS 5
/* Readable characters below which a serial is doubtful: as many as a
 * recovered weapon's serial needs to be searched for hits (trace/hit.c). */

static const char *sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

static const json_t *oget(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_object(v) ? v : NULL;
}

/* A finding: the field, the rule (for what is missing) and the sentence,
 * with its message id and args (wam_message_json). */
static void finding(json_t *list, const char *field, const char *rule, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void finding(json_t *list, const char *field, const char *rule, const char *fmt, va_list ap)
{
	json_t *f = wam_message_vjson(fmt, ap);
	json_object_set_new(f, "field", json_string(field));
	if (rule)
		json_object_set_new(f, "rule", json_string(rule));
	json_array_append_new(list, f);
}

static void need(json_t *missing, const char *field, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void need(json_t *missing, const char *field, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	finding(missing, field, rule, fmt, ap);
	va_end(ap);
}

static void note(json_t *list, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(json_t *list, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	finding(list, field, NULL, fmt, ap);
	va_end(ap);
}

/* 1 when `ok`, else 0 and the recommendation noted */
static size_t recommend(json_t *list, bool ok, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t recommend(json_t *list, bool ok, const char *field, const char *fmt, ...)
{
	if (ok)
		return 1;
	va_list ap;
	va_start(ap, fmt);
	finding(list, field, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

/* True when `item` has a marking other than the serial: the manufacturer's
 * name, proof and import marks are what a record is found by when the serial
 * is unsure. */
static bool markings_beyond_serial(const json_t *item)
{
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(item, "markings"), i, m)
	{
		const char *kind = sget(m, "kind");
		if (kind && strcmp(kind, "serial"))
			return true;
	}
	return false;
}

json_t *wam_trace_quality_of(const json_t *body)
{
	json_t *missing = json_array(), *doubtful = json_array(), *recommended = json_array();
	const json_t *item = oget(body, "item"), *requesting = oget(body, "requesting"),
	             *requested = oget(body, "requested"), *recovery = oget(body, "recovery");
	const json_t *contact = oget(requesting, "contact");

	bool lot = wam_trace_item_is_ammunition(item);
	const json_t *stamp = oget(item, "headstamp");
	/* R10: the weapon (or the ammunition lot) identified well enough to be
	 * traced, and why */
	if (lot) {
		if (!sget(item, "calibre"))
			need(missing, "item.calibre", "R10", "the calibre is required");
		if (!sget(stamp, "text") && !sget(stamp, "factory") && !sget(item, "lot"))
			need(missing, "item.headstamp", "R10",
			     "the headstamp (its text or factory code) or the lot number is required");
	} else { /* a weapon */
		if (!sget(item, "make") && !sget(item, "country"))
			need(missing, "item.make", "R10", "the make or country of manufacture is required");
		if (!sget(item, "serial") && !sget(item, "serial_reason"))
			need(missing, "item.serial", "R10",
			     "the serial number is required, or serial_reason saying why there is none");
		if (!sget(item, "category"))
			need(missing, "item.category", "R10", "the type of weapon (category) is required");
		if (!sget(item, "calibre"))
			need(missing, "item.calibre", "R10", "the calibre is required");
	}
	if (!sget(body, "illicit_reason") && lot)
		need(missing, "illicit_reason", "R10", "the reason the lot is considered illicit is required");
	else if (!sget(body, "illicit_reason"))
		need(missing, "illicit_reason", "R10", "the reason the weapon is considered illicit is required");
	if (!sget(body, "justification"))
		need(missing, "justification", "R10", "the legal justification of the request is required");
	if (!sget(body, "intended_use"))
		need(missing, "intended_use", "R10", "the intended use of the information is required");
	/* ITI: who asks whom, and whom to answer */
	/* a state by its code; a Panel, a mission or a manufacturer by its name */
	if (wam_trace_party_is_state(requesting)) {
		if (!sget(requesting, "state"))
			need(missing, "requesting.state", "ITI", "the requesting state is required");
	} else if (!sget(requesting, "name")) {
		need(missing, "requesting.name", "ITI", "the name of the requesting %s is required",
		     wam_trace_party_kind(requesting));
	}
	if (!sget(contact, "name"))
		need(missing, "requesting.contact.name", "ITI", "a point of contact for the reply is required");
	if (wam_trace_party_is_state(requested)) {
		if (!sget(requested, "state"))
			need(missing, "requested.state", "ITI", "the requested state is required");
	} else if (!sget(requested, "name")) {
		need(missing, "requested.name", "ITI", "the name of the requested %s is required",
		     wam_trace_party_kind(requested));
	}

	/* doubtful: present, but the requested state may not find a record by it */
	const char *serial = sget(item, "serial");
	if (serial && (strchr(serial, '?') || strchr(serial, '*')))
		note(doubtful, "item.serial", "the serial has unreadable characters ('?' or '*')");
	if (serial && wam_match_serial_readable(serial) < WAM_SERIAL_MIN_READABLE)
		note(doubtful, "item.serial", "the serial has fewer than 4 readable letters or digits");
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(item, "markings"), i, m)
	{
		const char *leg = sget(m, "legibility");
		if (leg && (!strcmp(leg, "partial") || !strcmp(leg, "obliterated"))) {
			char field[64];
			snprintf(field, sizeof field, "item.markings[%zu]", i);
			note(doubtful, field, "the marking is %s: read it again or say what is legible", leg);
		}
	}
	/* a lot's marks as read: a headstamp or lot with unreadable characters */
	const char *stamp_text = sget(stamp, "text"), *lot_marks = sget(item, "lot");
	if (lot && stamp_text && (strchr(stamp_text, '?') || strchr(stamp_text, '*')))
		note(doubtful, "item.headstamp.text", "the headstamp has unreadable characters ('?' or '*')");
	if (lot && lot_marks && (strchr(lot_marks, '?') || strchr(lot_marks, '*')))
		note(doubtful, "item.lot", "the lot number has unreadable characters ('?' or '*')");
	bool photos = json_array_size(json_object_get(item, "photos")) > 0;
	if (!photos && lot)
		note(doubtful, "item.photos", "no photograph of the rounds, their headstamps or packaging");
	else if (!photos)
		note(doubtful, "item.photos", "no photograph of the weapon or its markings");

	/* recommended: each helps the requested state find the record */
	size_t present = 0;
	if (lot) {
		present +=
		    recommend(recommended, sget(item, "type"), "item.type", "the type of ammunition (ball, tracer...)");
		present +=
		    recommend(recommended, sget(stamp, "factory") && json_is_integer(json_object_get(stamp, "year")),
		              "item.headstamp.factory", "the headstamp's factory code and year");
		present += recommend(recommended, sget(item, "packaging_marks") || sget(item, "crate_marks"),
		                     "item.packaging_marks", "the packaging or crate marks");
		present += recommend(recommended, photos, "item.photos",
		                     "photographs of the rounds, their headstamps and packaging");
	} else {
		present += recommend(recommended, sget(item, "model"), "item.model", "the model");
		present += recommend(recommended,
		                     json_object_get(item, "year") && !json_is_null(json_object_get(item, "year")),
		                     "item.year", "the year of manufacture");
		present += recommend(recommended, markings_beyond_serial(item), "item.markings",
		                     "all markings besides the serial (maker, proof, import)");
		present += recommend(recommended, photos, "item.photos", "photographs of the weapon and its markings");
	}
	present += recommend(recommended, sget(recovery, "date"), "recovery.date", "the date of recovery");
	present += recommend(recommended, sget(recovery, "place"), "recovery.place", "the place of recovery");
	present += recommend(recommended, sget(recovery, "circumstances"), "recovery.circumstances",
	                     "the circumstances of recovery");
	present += recommend(recommended, sget(contact, "email") || sget(contact, "phone"), "requesting.contact.email",
	                     "an email address or telephone number for the point of contact");
	present +=
	    recommend(recommended, sget(body, "reference"), "reference", "the requesting agency's own reference");

	/* the missing photo is counted once, as a recommendation */
	size_t doubts = json_array_size(doubtful) - (photos ? 0 : 1);
	double required = lot ? REQUIRED_COUNT_AMMUNITION : REQUIRED_COUNT;
	double score = REQUIRED_POINTS * (required - (double)json_array_size(missing)) / required +
	               RECOMMENDED_POINTS * (double)present / RECOMMENDED_COUNT - DOUBT_POINTS * (double)doubts;
	long s = lround(score);
	if (s < 0)
		s = 0;
	if (s > 100)
		s = 100;
	/* an incoming request is complete or not; only an outgoing one is sent */
	const char *direction = sget(body, "direction");
	bool complete = !json_array_size(missing), incoming = direction && !strcmp(direction, "incoming");
	return json_pack("{s:I, s:b, s:b, s:o, s:o, s:o}", "score", (json_int_t)s, "complete", complete, "sendable",
	                 complete && !incoming, "missing", missing, "doubtful", doubtful, "recommended", recommended);
}
