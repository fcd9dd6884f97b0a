/* Serial keys: the normalization pipeline (domain spec §7), table-driven.
 *
 *   raw -> NFKC + case fold -> digits of other scripts to ASCII -> look-alike
 *   letters to Latin -> remaining Cyrillic transliterated -> upper case,
 *   separators dropped (kept as segment boundaries) = canonical
 *   canonical -> OCR classes folded = skeleton
 *   and, for Cyrillic serials, a transliteration key (ХА1234 -> KHA1234).
 *
 * Keys are ASCII over [A-Z0-9?*]; the raw text is never changed, and keys
 * are derived again whenever projections are rebuilt. Each step can be
 * recorded for `wam search --explain`. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"
#include "wam/match.h"
#include "match/match.h"
#include "match/tables.h"

#define MAXCP 256

typedef struct cps {
	uint32_t c[MAXCP];
	size_t n;
} cps;

static utf8proc_int32_t premap(utf8proc_int32_t cp, void *data)
{
	(void)data;
	return cp == 0x2116 ? ' ' : cp; /* numero sign: NFKC would make it the letters "No" */
}

/* NFKC and case folding of UTF-8 text, as code points. -1 on invalid
 * UTF-8. Shared by serial keys and name keys. */
static int decode(const char *raw, cps *s)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t len =
		utf8proc_map_custom((const utf8proc_uint8_t *)raw, 0, &mapped,
	                            UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                                UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
	                            premap, NULL);
	s->n = 0;
	if (len < 0)
		return -1;
	for (utf8proc_ssize_t i = 0; i < len && s->n < MAXCP;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(mapped + i, len - i, &cp);
		if (n <= 0)
			break;
		s->c[s->n++] = (uint32_t)cp;
		i += n;
	}
	free(mapped);
	return 0;
}

static void to_text(const cps *s, wam_buf *b)
{
	wam_buf_reset(b);
	for (size_t i = 0; i < s->n; i++) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)s->c[i], enc);
		wam_buf_put(b, enc, (size_t)k);
	}
}

static void step(json_t *explain, const char *name, const char *what, const cps *s)
{
	if (!explain)
		return;
	wam_buf b = {0};
	to_text(s, &b);
	json_array_append_new(explain, json_pack("{s:s, s:s, s:s}", "step", name, "what", what, "text", b.p ? b.p : ""));
	wam_buf_free(&b);
}

/* Replaces code points found in `map` by their replacement; counts them. */
static int apply_map(cps *s, const wam_char_map *map, size_t n, bool upper_first)
{
	cps out = {.n = 0};
	int changed = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t cp = s->c[i];
		if (upper_first)
			cp = (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
		const wam_char_map *m = cp >= 0x80 ? wam_char_map_find(map, n, cp) : NULL;
		if (!m) {
			if (out.n < MAXCP)
				out.c[out.n++] = s->c[i];
			continue;
		}
		changed++;
		for (const char *t = m->to; *t && out.n < MAXCP; t++)
			out.c[out.n++] = (unsigned char)*t;
	}
	*s = out;
	return changed;
}

static bool keep_char(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '?' || c == '*';
}

/* Upper case, separators out (recorded as segment ends), anything that is
 * not a key character dropped. */
static void finish(const cps *s, char *key, size_t cap, wam_serial_keys *k)
{
	size_t n = 0;
	bool in_segment = false;
	for (size_t i = 0; i < s->n && n + 1 < cap; i++) {
		uint32_t c = (uint32_t)utf8proc_toupper((utf8proc_int32_t)s->c[i]);
		if (keep_char(c)) {
			key[n++] = (char)c;
			in_segment = true;
		} else if (in_segment && k && k->nsegments < WAM_MAX_SEGMENTS) {
			k->segments[k->nsegments++] = (unsigned char)n;
			in_segment = false;
		}
	}
	key[n] = '\0';
	if (k && in_segment && k->nsegments < WAM_MAX_SEGMENTS)
		k->segments[k->nsegments++] = (unsigned char)n;
}

int wam_serial_normalize(wam_serial_keys *k, const char *raw, json_t *explain)
{
	const wam_match_tables *t = wam_match_tables_get();
	memset(k, 0, sizeof *k);
	if (!t)
		return WAM_EIO;
	if (!raw)
		raw = "";
	bool ascii = !explain;
	for (const char *p = raw; ascii && *p; p++)
		ascii = (unsigned char)*p < 0x80;
	if (ascii) { /* no table applies to ASCII: straight to the canonical key */
		cps s = {.n = 0};
		for (const char *p = raw; *p && s.n < MAXCP; p++)
			s.c[s.n++] = (unsigned char)*p;
		finish(&s, k->canonical, sizeof k->canonical, k);
		goto skeleton;
	}
	cps s;
	if (decode(raw, &s))
		return wam_error_set(WAM_EINVAL, "serial", "the serial is not valid UTF-8");
	if (explain)
		json_array_append_new(explain, json_pack("{s:s, s:s, s:s}", "step", "raw", "what", "as typed", "text", raw));
	step(explain, "nfkc_casefold", "Unicode NFKC and case folding: full-width forms become ASCII", &s);

	if (apply_map(&s, t->digits, t->ndigits, false))
		k->flags |= WAM_KEY_DIGITS;
	step(explain, "digits", "Arabic-Indic and Persian digits to ASCII", &s);

	cps before_lookalike = s;
	if (apply_map(&s, t->lookalikes, t->nlookalikes, false))
		k->flags |= WAM_KEY_LOOKALIKE;
	step(explain, "lookalikes", "Cyrillic and Greek look-alikes to Latin", &s);

	if (apply_map(&s, t->translit, t->ntranslit, true))
		k->flags |= WAM_KEY_TRANSLIT;
	step(explain, "transliterate", "Cyrillic letters with no Latin look-alike, romanised as in GOST", &s);

	finish(&s, k->canonical, sizeof k->canonical, k);
	if (explain)
		json_array_append_new(explain, json_pack("{s:s, s:s, s:s}", "step", "canonical", "what",
		                                         "upper case, separators removed", "text", k->canonical));
	size_t i;
skeleton:
	for (i = 0; k->canonical[i]; i++) {
		unsigned char c = (unsigned char)k->canonical[i];
		k->skeleton[i] = (char)t->fold[c];
		if (c == '?' || c == '*')
			k->flags |= WAM_KEY_WILDCARD;
	}
	k->skeleton[i] = '\0';
	if (explain)
		json_array_append_new(explain, json_pack("{s:s, s:s, s:s}", "step", "skeleton", "what",
		                                         "OCR confusion classes folded: 0/O/Q/D, 1/I/L, 5/S, 8/B, 2/Z, 6/G",
		                                         "text", k->skeleton));
	/* The transliteration key romanises every Cyrillic letter, look-alikes
	 * included: a serial read as ХА1234 may have been written KHA1234. */
	if (k->flags & (WAM_KEY_LOOKALIKE | WAM_KEY_TRANSLIT)) {
		cps tr = before_lookalike;
		apply_map(&tr, t->translit, t->ntranslit, true);
		finish(&tr, k->translit, sizeof k->translit, NULL);
		if (!strcmp(k->translit, k->canonical))
			k->translit[0] = '\0';
		if (explain && k->translit[0])
			json_array_append_new(explain, json_pack("{s:s, s:s, s:s}", "step", "translit_key", "what",
			                                         "a second key: every Cyrillic letter romanised", "text",
			                                         k->translit));
	}
	return 0;
}

long wam_match_serial_key(char *out, size_t cap, const char *raw)
{
	wam_serial_keys k;
	if (wam_serial_normalize(&k, raw, NULL)) {
		if (cap)
			out[0] = '\0';
		return -1;
	}
	snprintf(out, cap, "%s", k.canonical);
	return (long)strlen(out);
}

int wam_match_serial_key_pair(char *key, size_t cap, char *translit, size_t tcap, const char *raw)
{
	wam_serial_keys k;
	int rc = wam_serial_normalize(&k, raw, NULL);
	if (rc)
		return rc;
	snprintf(key, cap, "%s", k.canonical);
	if (translit && tcap)
		snprintf(translit, tcap, "%s", k.translit);
	return 0;
}

long wam_match_serial_readable(const char *serial)
{
	char key[1024];
	long n = wam_match_serial_key(key, sizeof key, serial ? serial : ""), known = 0;
	for (long i = 0; i < n; i++)
		known += key[i] != '?' && key[i] != '*';
	return known;
}

/* ---- keys of names (makes, models, calibres) ----
 *
 * What two spellings of one name share: NFKC, case folded, ASCII letters in
 * upper case, other scripts' digits as ASCII, separators removed. Letters
 * of other scripts stay as they are (a Cyrillic make is not a serial). */

static bool ascii_separator(unsigned char c)
{
	return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '?' || c == '*');
}

static bool separator(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_separator((unsigned char)cp);
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
	       (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) || c == UTF8PROC_CATEGORY_CC ||
	       c == UTF8PROC_CATEGORY_CF || (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME);
}

long wam_match_name_key(char *out, size_t cap, const char *in)
{
	size_t n = 0;
	bool ascii = true;
	for (const unsigned char *q = (const unsigned char *)in; *q && ascii; q++)
		ascii = *q < 0x80;
	if (ascii) { /* the common case: no allocation */
		for (const unsigned char *p = (const unsigned char *)in; *p && n + 1 < cap; p++)
			if (!ascii_separator(*p))
				out[n++] = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
		out[n] = '\0';
		return (long)n;
	}
	const wam_match_tables *t = wam_match_tables_get();
	cps s;
	if (!t || decode(in, &s)) {
		out[0] = '\0';
		return -1;
	}
	apply_map(&s, t->digits, t->ndigits, false);
	for (size_t i = 0; i < s.n; i++) {
		uint32_t cp = s.c[i];
		if (separator(cp))
			continue;
		if (cp >= 'a' && cp <= 'z')
			cp -= 32;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
		if (n + (size_t)m + 1 > cap)
			break;
		memcpy(out + n, enc, (size_t)m);
		n += (size_t)m;
	}
	out[n] = '\0';
	return (long)n;
}
