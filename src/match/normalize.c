/* Normalized keys of serials and names.
 *
 * The key is what two transcriptions of the same marking share: Unicode NFKC
 * (full-width forms become ASCII), case folded to upper case, Arabic-Indic
 * and Persian digits as ASCII digits, separators (spaces, punctuation, the
 * numero sign) removed. The raw text is never changed; keys are derived and
 * rebuilt with the projections. Plain ASCII, by far the common case, takes a
 * fast path that never allocates. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

static bool ascii_sep(unsigned char c)
{
	return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '?' || c == '*');
}

static utf8proc_int32_t premap(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x2116) /* numero sign: NFKC would turn it into the letters "No" */
		return ' ';
	if (cp >= 0x0660 && cp <= 0x0669)
		return '0' + (cp - 0x0660);
	if (cp >= 0x06f0 && cp <= 0x06f9)
		return '0' + (cp - 0x06f0);
	return cp;
}

static bool is_separator(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return ascii_sep((unsigned char)cp);
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
	       (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) || c == UTF8PROC_CATEGORY_CC ||
	       c == UTF8PROC_CATEGORY_CF || (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME);
}

long wam_norm_key(char *out, size_t cap, const char *in)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)in;
	bool ascii = true;
	for (const unsigned char *q = p; *q; q++)
		if (*q >= 0x80) {
			ascii = false;
			break;
		}
	if (ascii) {
		for (; *p; p++) {
			if (ascii_sep(*p))
				continue;
			if (n + 1 >= cap)
				break;
			out[n++] = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
		}
		out[n] = '\0';
		return (long)n;
	}
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t len = utf8proc_map_custom(p, 0, &mapped,
	                                           UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                               UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
	                                           premap, NULL);
	if (len < 0) {
		out[0] = '\0';
		return -1;
	}
	for (utf8proc_ssize_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(mapped + i, len - i, &cp);
		if (k <= 0)
			break;
		if (!is_separator(cp)) {
			if (cp >= 'a' && cp <= 'z')
				cp -= 32;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t m = utf8proc_encode_char(cp, enc);
			if (n + (size_t)m + 1 > cap)
				break;
			memcpy(out + n, enc, (size_t)m);
			n += (size_t)m;
		}
		i += k;
	}
	out[n] = '\0';
	free(mapped);
	return (long)n;
}
