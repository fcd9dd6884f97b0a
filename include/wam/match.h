/* wam/match.h — finding a weapon from an imperfect serial.
 *
 * A query is a serial as read — with misread characters, Cyrillic or
 * Arabic-Indic look-alikes, '?' for an unreadable character, '*' for a lost
 * run, or only a fragment — plus whatever else is known (make, model,
 * calibre, country). Candidates come ranked, each with a score, the edit
 * operations that separate it from the query and the reason it matched.
 * docs/match.md describes the normalization, the distance and the index. */
#ifndef WAM_MATCH_H
#define WAM_MATCH_H

#include <jansson.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A search. NULL fields are unknown. */
typedef struct wam_match_query {
	const char *serial; /* required */
	const char *make, *model, *calibre, *country;
	int limit;     /* candidates returned; 0: 10; at most 1000 */
	int max_edits; /* -1: by length (0 up to 4 characters, 1 for 5-7, 2 from 8) */
} wam_match_query;

/* Ranked candidates for `q`: {query: {serial, canonical, skeleton, max_edits, partial, considered},
 * candidates: [{id, serial, make, model, calibre, country, status, site_id, score,
 * distance, reason, edits: [{op, query_pos, serial_pos, query, serial}],
 * agreement: {make, model, calibre, country}}]}. `reason` is one of exact,
 * look-alike, misread, edit, wildcard, partial. Every weapon within the
 * allowed edits of the serial's skeleton is considered; none is missed.
 * Fails with WAM_EINVAL if the serial has no letters or digits. */
WAM_API int wam_match_search(wam_db *db, json_t **out, const wam_match_query *q);

/* The normalization steps of a serial: [{step, what, text}]. */
WAM_API int wam_match_explain(json_t **out, const char *serial);

/* The keys other rooms compare serials and names by, as the matcher does.
 *
 * The normalized key of a serial or name: NFKC, case folded to upper case,
 * Arabic-Indic and Persian digits to ASCII, separators removed. Returns the
 * length, or -1 on invalid UTF-8. `out` holds at least 4*strlen(in)+1. */
WAM_API long wam_match_name_key(char *out, size_t cap, const char *in);
/* The canonical key of a serial; its length, or -1. */
WAM_API long wam_match_serial_key(char *out, size_t cap, const char *raw);
/* The canonical key of a serial into `key` and, for a Cyrillic serial, the
 * key of its full romanisation into `translit` ("" otherwise; `translit`
 * may be NULL). WAM_EIO when the matcher tables cannot be loaded,
 * WAM_EINVAL on invalid UTF-8. */
WAM_API int wam_match_serial_key_pair(char *key, size_t cap, char *translit, size_t tcap, const char *raw);
/* Letters and digits of a serial that were read (its canonical key less
 * '?' and '*'). Fewer than WAM_SERIAL_MIN_READABLE cannot single a weapon
 * out: no hit is searched for with them and a trace request calls the
 * serial doubtful. */
#define WAM_SERIAL_MIN_READABLE 4
WAM_API long wam_match_serial_readable(const char *serial);

/* Ammunition recorded anywhere in the registry — a recovery's lines, a
 * loss report's, a field observation's, a stock lot — found from its
 * headstamp or lot marks as read, with the tolerance of a serial search
 * (look-alike characters, Cyrillic and Arabic-Indic digits, '?' for an
 * unreadable character, '*' for a lost tail) — and, as a headstamp is
 * short (a factory code and a year, "71 81"), one character put for another
 * in a headstamp of 4 or more read characters, scored lower. NULL fields
 * are not asked; at least a headstamp or a lot is. */
typedef struct wam_ammunition_query {
	const char *headstamp; /* the headstamp text as read */
	const char *lot;       /* lot or batch marks as read */
	const char *calibre;   /* keeps lines of this calibre (7.62x39 = 7,62×39mm) */
	int limit;             /* results returned; 0: 20; at most 1000 */
} wam_ammunition_query;

/* The lines that match `q`, best first: {query: {headstamp?, headstamp_key?,
 * lot?, lot_key?, calibre?, calibre_key?, max_edits: {headstamp?, lot?},
 * headstamp_substitutions?}, results: [{source, id, line, date, country,
 * site_id, score, reason, matched: {headstamp?: {on, key, reason,
 * distance}, lot?: {...}}, ammunition, origin?: {recovery_id, line} (a lot
 * taken in from a recovery's line)}], total}. `source` is recovery, loss, observation or lot;
 * `reason` is the weakest reason of the fields matched (exact, look-alike,
 * misread, edit, wildcard). Fails with WAM_EINVAL naming the field. */
WAM_API int wam_match_ammunition(wam_db *db, json_t **out, const wam_ammunition_query *q);
/* The key calibres are compared by: the name key with a multiplication
 * sign or Cyrillic "х" read as X and "mm" after a digit dropped, so
 * "7.62x39", "7,62×39mm" and "7,62х39 мм" agree. Its length, or -1. */
WAM_API long wam_match_calibre_key(char *out, size_t cap, const char *calibre);

#ifdef __cplusplus
}
#endif
#endif
