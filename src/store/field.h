/* Input checks shared by every room: each failure names the field, the
 * value and the rule, and the input line when there is one. A record lists
 * its fields in a table of wam_field (name, kind, flags, limits) and checks
 * an input object against it with wam_field_check(); the wam_take_*
 * functions apply the same rules to one field, as a one-row table, for the
 * fields a room checks one at a time. */
#ifndef WAM_STORE_FIELD_H
#define WAM_STORE_FIELD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "wam/store.h"

#define WAM_MAX_TEXT 200   /* names, makes, models, marking texts */
#define WAM_MAX_NOTES 4000 /* free text */
#define WAM_COUNTRY_LEN 4  /* ISO 3166-1 alpha-2, or ISO 3166-3 alpha-4 */

/* True when `v` was not given: no value, null or the empty string. */
bool wam_absent(const json_t *v);

/* Copies country code `s` into `code` in upper case (people type either).
 * Returns false, with `code` empty, when `s` is NULL or not 2 to
 * WAM_COUNTRY_LEN bytes long. Whether the code names a country is for
 * wam_refdata_country() to say; callers word their own errors. */
bool wam_country_code(char code[WAM_COUNTRY_LEN + 1], const char *s);

/* A closed vocabulary: NULL-terminated list of words. */
bool wam_in_vocab(const char *const *vocab, const char *word);
/* "a, b, c" into `out`, for error messages. */
void wam_vocab_list(const char *const *vocab, char *out, size_t cap);
/* Sets `key` of `obj` to the words of `vocab` as an array, for a room's
 * vocabulary (what a front end offers); WAM_ENOMEM naming `key` when memory
 * is exhausted. */
int wam_vocab_json(json_t *obj, const char *key, const char *const *vocab);
/* One of a room's vocabularies: its key in the answer and the array the
 * room checks input against. */
typedef struct wam_vocab_entry {
	const char *key;
	const char *const *const *vocab;
} wam_vocab_entry;
/* A room's vocabularies, `n` of `lists`, as one new object in `*out`
 * (NULL on failure): each key set by wam_vocab_json(). */
int wam_vocab_object(json_t **out, const wam_vocab_entry *lists, size_t n);

/* Fails on a key of `in` not in the NULL-terminated `allowed`. */
int wam_check_fields(const json_t *in, const char *const *allowed, const char *prefix, long line);

/* The wam_take_* functions check the one field `key` of `in` into `out`,
 * their errors naming `field`; `flags` are the WAM_FIELD_* flags below,
 * as a table row would give them (each is a one-row wam_field_take()). */

/* Copies string `key` of `in` into `out` (when present), checking type,
 * length (bytes), that it is not blank if WAM_FIELD_REQUIRED, and that it
 * holds no control characters unless WAM_FIELD_MULTILINE. */
int wam_take_text(json_t *out, const json_t *in, const char *key, const char *field, unsigned flags, size_t max,
                  long line);

/* Copies a word of a closed vocabulary, lowercased; default `dflt` if absent
 * (NULL: leave absent, or fail if WAM_FIELD_REQUIRED). */
int wam_take_word(json_t *out, const json_t *in, const char *key, const char *field, const char *const *vocab,
                  const char *dflt, unsigned flags, long line);

/* Copies an integer in [lo, hi]; accepts a string of digits too. */
int wam_take_int(json_t *out, const json_t *in, const char *key, const char *field, long lo, long hi, unsigned flags,
                 long line);

/* Copies country code `key` of `in` in upper case, checking that the
 * registry's reference data knows it: "FIELD is required" when absent and
 * WAM_FIELD_REQUIRED; "FIELD 'X' is not an ISO 3166 code (two letters, or
 * four for a former state)" for a code of the wrong length; "FIELD 'X' is
 * not a known ISO 3166 country code" for an unknown one. */
int wam_take_country(wam_db *db, json_t *out, const json_t *in, const char *key, const char *field, unsigned flags,
                     long line);

/* Copies a calendar date YYYY-MM-DD (year 1900 or later): first checked as
 * text of at most 10 bytes (wam_take_text), then "FIELD 'X' is not a
 * calendar date YYYY-MM-DD". */
int wam_take_date(json_t *out, const json_t *in, const char *key, const char *field, unsigned flags, long line);

/* Copies a coordinate in [-limit, limit] (a number, or a string holding
 * one): "FIELD 'X' is not a number", "FIELD must be a number", "FIELD V is
 * outside -L to L". */
int wam_take_coord(json_t *out, const json_t *in, const char *key, const char *field, double limit, unsigned flags,
                   long line);

/* ---- people counted by sex and age (seed report §30-31, domain spec §2.15) ----
 * The sex and the age band recorded of a person beside their pseudonym or
 * record, never a name; "not_recorded" says so honestly, never guessed.
 * NULL-terminated, in the order reports show them. */
extern const char *const wam_person_sexes[];     /* female, male, other, not_recorded */
extern const char *const wam_person_age_bands[]; /* under_18, 18_24, 25_34, 35_59, 60_plus, not_recorded */

/* ---- field tables ---- */

/* What rule a field follows. */
typedef enum wam_field_kind {
	WAM_FIELD_TEXT,       /* text of at most `max` bytes, no control characters */
	WAM_FIELD_WORD,       /* a word of `vocab`, lowercased ('-' and ' ' read as '_'), default `dflt` */
	WAM_FIELD_CODE,       /* a code of upper-case `vocab`, any case accepted, default `dflt` */
	WAM_FIELD_INT,        /* a whole number in [lo, hi] */
	WAM_FIELD_QUANTITY,   /* a count in [lo, hi] (long long range) */
	WAM_FIELD_COORDINATE, /* a latitude or longitude in [-hi, hi] */
	WAM_FIELD_COUNTRY,    /* an ISO 3166 code the reference data knows, upper-cased */
	WAM_FIELD_DATE,       /* a calendar date YYYY-MM-DD, year `lo` (1900 when 0) or later */
	WAM_FIELD_CUSTOM,     /* checked by `take` */
	WAM_FIELD_OTHER       /* a known field the caller checks itself */
} wam_field_kind;

#define WAM_FIELD_REQUIRED 0x1u  /* absent (no value, null, "") is an error */
#define WAM_FIELD_MULTILINE 0x2u /* text: line breaks and tabs allowed */
/* Coordinates: only no value or null count as not given ("" is not a
 * number). */
#define WAM_FIELD_NULL_ONLY 0x4u
/* Countries: any code not known, whatever its length, is "country 'X' is
 * not a known ISO 3166 code" (sites, holders, lots). */
#define WAM_FIELD_ANY_UNKNOWN 0x8u
/* Dates: checked as written, without the text rules: "FIELD is required
 * (YYYY-MM-DD)", "FIELD 'X' is not a date written YYYY-MM-DD" (lots,
 * custody). */
#define WAM_FIELD_WRITTEN 0x10u

struct wam_field;
/* A custom rule: checks `key` of `in` into `out`; `field` is the name errors give. */
typedef int (*wam_field_take_fn)(wam_db *db, json_t *out, const json_t *in, const struct wam_field *f,
                                 const char *field, long line);

#define WAM_FIELDS_MAX 48 /* fields in one table */

/* One field of a record. A table ends with an entry whose name is NULL. */
typedef struct wam_field {
	const char *name;
	wam_field_kind kind;
	unsigned flags;
	size_t max;               /* text: bytes */
	double lo, hi;            /* numbers; coordinates: hi is the limit */
	const char *const *vocab; /* words and codes */
	const char *dflt;         /* words and codes: the value when absent */
	wam_field_take_fn take;   /* custom */
} wam_field;

/* Checks object `in` against table `fields` into `out`: a key the table
 * does not name fails first ("unknown field 'PREFIXkey' (known fields: ...)",
 * the list in table order), then each field in table order; the first
 * failure is returned, its error naming PREFIXname (and `line` when not
 * 0). WAM_FIELD_OTHER fields are only allowed, not checked or copied.
 * `db` is needed for country fields only (NULL otherwise). */
int wam_field_check(wam_db *db, json_t *out, const json_t *in, const wam_field *fields, const char *prefix, long line);

/* Checks each field of table `fields` in table order, as wam_field_check()
 * does after the keys, for a record whose keys its room checks in its own
 * words; the first failure is returned, its error naming PREFIXname. */
int wam_field_take_all(wam_db *db, json_t *out, const json_t *in, const wam_field *fields, const char *prefix,
                       long line);

/* Checks the one field `f` of `in` into `out` (other keys of `in` are not
 * looked at); errors name `field`. */
int wam_field_take(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line);

/* ---- ammunition outside a depot ---- */

/* An ammunition line of a recovery, a loss report, an observation or a trace
 * request: {kind? (ammunition; only with WAM_AMMUNITION_KIND, where it is
 * then required), calibre, type?, headstamp?: {text (as read, any script),
 * factory?, year? (1850-2200)}, lot?, packaging_marks?, crate_marks?,
 * quantity (rounds, 1 to 10^12; optional with
 * WAM_AMMUNITION_QUANTITY_OPTIONAL), packages? (1 to 10^6), photos? (not
 * checked: the caller's), notes?}. Checked into `out` (photos left out);
 * errors name PREFIXfield ("ammunition[2].headstamp.text") and `line` when
 * not 0. */
#define WAM_AMMUNITION_KIND 0x1u
#define WAM_AMMUNITION_QUANTITY_OPTIONAL 0x2u
int wam_ammunition_take(wam_db *db, json_t *out, const json_t *in, const char *prefix, unsigned flags, long line);

#endif
