/* Input checks shared by every record type: each failure names the field,
 * the value and the rule, and the input line when there is one. */
#ifndef WAM_REGISTRY_VALIDATE_H
#define WAM_REGISTRY_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>

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

/* Fails on a key of `in` not in the NULL-terminated `allowed`. */
int wam_check_fields(const json_t *in, const char *const *allowed, const char *prefix, long line);

/* Copies string `key` of `in` into `out` (when present), checking type,
 * length (bytes), that it is not blank if `required`, and that it holds no
 * control characters unless `multiline`. */
int wam_take_text(json_t *out, const json_t *in, const char *key, const char *field, bool required, size_t max,
                  bool multiline, long line);

/* Copies a word of a closed vocabulary, lowercased; default `dflt` if absent
 * (NULL: leave absent, or fail if `required`). */
int wam_take_word(json_t *out, const json_t *in, const char *key, const char *field, const char *const *vocab,
                  const char *dflt, bool required, long line);

/* Copies an integer in [lo, hi]; accepts a string of digits too. */
int wam_take_int(json_t *out, const json_t *in, const char *key, const char *field, long lo, long hi,
                 bool required, long line);

#endif
