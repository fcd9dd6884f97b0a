/* Names folded for comparison across scripts (docs/match.md "Names"). A
 * name is cut into parts at anything that is not a letter, a digit or a
 * mark (apostrophes and the ayn/hamza signs join, they do not cut; format
 * characters such as the zero-width space and the soft hyphen are dropped
 * without cutting); an Arabic part loses a joined article (ال) as a
 * particle of its own; three single letters or more cut by one space
 * each are the one part they spell (I g o r). Each part is romanised letter by letter: Arabic by names-arabic.tsv,
 * Cyrillic by translit.tsv (the serial matcher's table), any other letter
 * through NFKC, case folding and mark stripping (é → e, ß → ss). The Latin
 * form then has its spelling families folded by names-variants.tsv
 * (longest spelling first; a spelling that is either of two letters,
 * "g	k|j", becomes a marker read each way when parts are compared), every
 * run of vowels becomes one 'a' and doubled letters one: Muhammad,
 * Mohammed and Mohamed are all "mahamad". Compounds are one part
 * however they are cut (Abd al-Rahman, Abdurrahman; Nasr al-Din,
 * Nasreddin).
 * The skeleton keeps the consonants (a first y or w kept): محمد, Мухаммад
 * and Muhammad all give "mhmd", which is what Arabic, written without its
 * short vowels, can be compared on. Tables are loaded once per process. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"
#include "match/tables.h"

_Static_assert(WAM_NAME_PART_LEN == WAM_NAME_SPELLING_LEN, "a spelling is a part's form");

typedef struct variant_rule {
	char from[8], to[8];
	size_t len;
	bool at_end;
	char marker; /* a spelling of two letters ("g	k|j"): the letter that is either */
} variant_rule;

typedef struct word_list {
	char (*latin)[WAM_NAME_PART_LEN];
	unsigned char *script; /* a part matches a word of its own script only */
	size_t n, cap;
} word_list;

static struct {
	wam_char_map *arabic;
	size_t narabic;
	variant_rule *variants;
	size_t nvariants, cap_variants;
	word_list particles, legal_forms;
	char prefixes[8][16]; /* particles written joined to the part (raw UTF-8) */
	int nprefixes;
	char joined[8][8]; /* Latin articles a part may begin with */
	int njoined;
	char either[4][4]; /* the letters each marker (A, B...) stands for ("kj") */
	int neither;
	const wam_match_tables *match;
} names;
static int load_rc;
static wam_error load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool is_arabic(int32_t cp)
{
	return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFF);
}

static bool is_cyrillic(int32_t cp)
{
	return cp >= 0x0400 && cp <= 0x052F;
}

/* Apostrophes and the signs for ayn and hamza in Latin transcriptions:
 * they join a part, they do not cut it (Mu'ammar, Ma`ruf, ʿAbd). */
static bool is_joiner(int32_t cp)
{
	return cp == '\'' || cp == '`' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x02BB ||
	       cp == 0x02BE || cp == 0x02BF || cp == 0x00B4;
}

/* Format characters (zero-width space, joiners, soft hyphen, direction
 * marks, byte order mark, word joiner) and the Arabic tatweel: they join
 * a part, they never cut it, and they spell nothing. */
static bool is_format(int32_t cp)
{
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_CF || cp == 0x0640;
}

static bool is_word_char(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO) || is_joiner(cp);
}

static bool is_mark(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	for (; *s && *len + 1 < cap; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[(*len)++] = c;
	}
	buf[*len] = '\0';
}

/* Romanises the code points of raw[0..n) into `out` (lower case ASCII);
 * the part's script is the script of its first letter. */
static void romanise(const char *raw, size_t n, char *out, size_t cap, unsigned char *script)
{
	size_t len = 0;
	out[0] = '\0';
	*script = WAM_NAME_OTHER_SCRIPT;
	bool first = true;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)raw + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			break;
		i += (size_t)k;
		if (is_joiner(cp) || is_mark(cp) || is_format(cp))
			continue;
		if (is_arabic(cp)) {
			if (first)
				*script = WAM_NAME_ARABIC;
			const wam_char_map *m = wam_char_map_find(names.arabic, names.narabic, (uint32_t)cp);
			if (m)
				append(out, cap, &len, m->to);
		} else if (is_cyrillic(cp)) {
			if (first)
				*script = WAM_NAME_CYRILLIC;
			const wam_char_map *m = wam_char_map_find(names.match->translit, names.match->ntranslit,
			                                          (uint32_t)utf8proc_toupper(cp));
			if (m)
				append(out, cap, &len, m->to);
		} else {
			utf8proc_int32_t d[16];
			int last = 0;
			utf8proc_ssize_t nd = utf8proc_decompose_char(
			    cp, d, 16, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE,
			    &last);
			for (utf8proc_ssize_t j = 0; j < nd && j < 16; j++)
				if (d[j] < 128 && ((d[j] >= 'a' && d[j] <= 'z') || (d[j] >= '0' && d[j] <= '9'))) {
					char s[2] = {(char)d[j], '\0'};
					if (first)
						*script = WAM_NAME_LATIN;
					append(out, cap, &len, s);
				}
		}
		first = false;
	}
}

static bool vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The spelling families folded, vowel runs and doubled letters made one. */
static void form_of(const char *latin, char *form, size_t cap)
{
	char v[WAM_NAME_PART_LEN * 2];
	size_t len = 0, n = strlen(latin);
	v[0] = '\0';
	for (size_t i = 0; i < n;) {
		const variant_rule *hit = NULL;
		for (size_t r = 0; r < names.nvariants && !hit; r++) {
			const variant_rule *rule = &names.variants[r];
			if (rule->len <= n - i && !memcmp(latin + i, rule->from, rule->len) &&
			    (!rule->at_end || i + rule->len == n))
				hit = rule;
		}
		if (hit && hit->marker) {
			if (len + 1 < sizeof v) {
				v[len++] = hit->marker;
				v[len] = '\0';
			}
			i += hit->len;
		} else if (hit) {
			append(v, sizeof v, &len, hit->to);
			i += hit->len;
		} else {
			char s[2] = {latin[i++], '\0'};
			append(v, sizeof v, &len, s);
		}
	}
	size_t out = 0;
	for (size_t i = 0; v[i] && out + 1 < cap; i++) {
		char c = vowel(v[i]) || (v[i] == 'y' && i > 0) ? 'a' : v[i];
		if (out > 0 && form[out - 1] == c)
			continue;
		form[out++] = c;
	}
	form[out] = '\0';
}

static void skel_of(const char *form, char *skel, size_t cap)
{
	size_t out = 0;
	for (size_t i = 0; form[i] && out + 1 < cap; i++) {
		char c = form[i];
		if (c == 'a' || (i > 0 && c == 'w'))
			continue;
		if (out > 0 && skel[out - 1] == c)
			continue;
		skel[out++] = c;
	}
	skel[out] = '\0';
}

static int cmp_variant(const void *a, const void *b)
{
	const variant_rule *x = a, *y = b;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return strcmp(x->from, y->from);
}

static int variant_line(const table_line *l, void *ctx)
{
	(void)ctx;
	char from[16];
	snprintf(from, sizeof from, "%s", l->f[0]);
	size_t n = strlen(from);
	bool at_end = n > 0 && from[n - 1] == '$';
	if (at_end)
		from[--n] = '\0';
	bool ascii = n > 0 && n < 8 && l->nf == 2 && strlen(l->f[1]) < 8;
	for (size_t i = 0; ascii && from[i]; i++)
		ascii = from[i] >= 'a' && from[i] <= 'z';
	/* "k|j": one letter that is either (two or three letters, one each) */
	const char *to = ascii ? l->f[1] : "";
	size_t tl = strlen(to);
	bool either = tl >= 3 && tl <= 5 && tl % 2 == 1;
	for (size_t i = 0; either && i < tl; i++)
		either = i % 2 ? to[i] == '|' : to[i] >= 'a' && to[i] <= 'z';
	for (size_t i = 0; ascii && !either && to[i]; i++)
		ascii = to[i] >= 'a' && to[i] <= 'z';
	if (!ascii)
		return wam_error_set_line(WAM_EIO, l->lineno, "data",
		                          "%s: line %ld is not \"spelling<TAB>spelling\" in lower-case Latin letters",
		                          l->path, l->lineno);
	if (either && names.neither == (int)(sizeof names.either / sizeof names.either[0]))
		return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is one \"either\" letter too many",
		                          l->path, l->lineno);
	if (names.nvariants == names.cap_variants) {
		names.cap_variants = names.cap_variants ? names.cap_variants * 2 : 32;
		variant_rule *p = realloc(names.variants, names.cap_variants * sizeof *p);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		names.variants = p;
	}
	variant_rule *r = &names.variants[names.nvariants++];
	memset(r, 0, sizeof *r);
	memcpy(r->from, from, n + 1);
	snprintf(r->to, sizeof r->to, "%s", l->f[1]);
	r->len = n;
	r->at_end = at_end;
	if (either) {
		char *e = names.either[names.neither];
		for (size_t i = 0; i < tl; i += 2)
			*e++ = to[i];
		*e = '\0';
		r->marker = (char)('A' + names.neither++);
	}
	return 0;
}

/* A particle or legal form line: the part (any script), romanised like a
 * name's part; "prefix" also takes it off the front of a joined part. */
static int word_line(const table_line *l, void *ctx)
{
	word_list *w = ctx;
	bool prefix = l->nf > 1 && !strcmp(l->f[1], "prefix"), joined = l->nf > 1 && !strcmp(l->f[1], "joined");
	size_t n = strlen(l->f[0]);
	if (!n || utf8proc_iterate((const utf8proc_uint8_t *)l->f[0], -1, &(utf8proc_int32_t){0}) <= 0 ||
	    (l->nf > 1 && *l->f[1] && !prefix && !joined) ||
	    ((prefix || joined) && (w != &names.particles || n >= sizeof names.joined[0])))
		return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is not \"part[<TAB>prefix]\"",
		                          l->path, l->lineno);
	if (prefix) {
		if (names.nprefixes == (int)(sizeof names.prefixes / sizeof names.prefixes[0]))
			return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is one prefix too many",
			                          l->path, l->lineno);
		memcpy(names.prefixes[names.nprefixes++], l->f[0], n + 1);
	}
	if (joined) {
		if (names.njoined == (int)(sizeof names.joined / sizeof names.joined[0]))
			return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is one prefix too many",
			                          l->path, l->lineno);
		memcpy(names.joined[names.njoined++], l->f[0], n + 1);
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		char(*p)[WAM_NAME_PART_LEN] = realloc(w->latin, w->cap * sizeof *p);
		if (p)
			w->latin = p;
		unsigned char *sc = realloc(w->script, w->cap);
		if (sc)
			w->script = sc;
		if (!p || !sc)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	romanise(l->f[0], n, w->latin[w->n], WAM_NAME_PART_LEN, &w->script[w->n]);
	if (w->latin[w->n][0])
		w->n++;
	return 0;
}

static void load(void)
{
	names.match = wam_match_tables_get();
	if (!names.match)
		load_rc = WAM_EIO;
	if (!load_rc)
		load_rc = wam_match_load_map("names-arabic.tsv", &names.arabic, &names.narabic);
	if (!load_rc)
		load_rc = wam_match_each_line("names-variants.tsv", 3, variant_line, NULL);
	if (!load_rc)
		load_rc = wam_match_each_line("names-particles.tsv", 3, word_line, &names.particles);
	if (!load_rc)
		load_rc = wam_match_each_line("names-legal-forms.tsv", 3, word_line, &names.legal_forms);
	if (load_rc) {
		load_error = *wam_error_last();
		return;
	}
	if (names.nvariants)
		qsort(names.variants, names.nvariants, sizeof *names.variants, cmp_variant);
}

static bool listed(const word_list *w, const char *latin, unsigned char script)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->script[i] == script && !strcmp(w->latin[i], latin))
			return true;
	return false;
}

/* Adds the part raw[b0..b1) (code points c0..c1) to `out`. */
static void add_part(wam_name *out, const char *raw, int b0, int b1, int c0, int c1)
{
	if (out->n == WAM_NAME_PARTS)
		return;
	wam_name_part *p = &out->part[out->n];
	memset(p, 0, sizeof *p);
	romanise(raw + b0, (size_t)(b1 - b0), p->latin, sizeof p->latin, &p->script);
	if (!p->latin[0])
		return;
	form_of(p->latin, p->form, sizeof p->form);
	skel_of(p->form, p->skel, sizeof p->skel);
	for (int i = 0; i < names.njoined && p->script == WAM_NAME_LATIN; i++) {
		size_t jl = strlen(names.joined[i]);
		if (!strncmp(p->latin, names.joined[i], jl) && strlen(p->latin) >= jl + 3) {
			form_of(p->latin + jl, p->bare, sizeof p->bare);
			break;
		}
	}
	p->bstart = b0;
	p->bend = b1;
	p->start = c0;
	p->end = c1;
	p->role = listed(&names.particles, p->latin, p->script)     ? WAM_NAME_PARTICLE
	          : listed(&names.legal_forms, p->latin, p->script) ? WAM_NAME_LEGAL_FORM
	                                                            : WAM_NAME_CORE;
	out->n++;
}

/* Letters cut by dots that spell a legal form ("S.A.", "L.L.C.") are one
 * part, that legal form. */
static void join_dotted(wam_name *out, const char *name)
{
	for (int i = 0; i < out->n; i++) {
		int j = i;
		char spelt[WAM_NAME_PART_LEN] = "";
		size_t len = 0;
		while (j < out->n && out->part[j].latin[1] == '\0' && len + 2 < sizeof spelt &&
		       (j == i ||
		        (name[out->part[j - 1].bend] == '.' && out->part[j].bstart == out->part[j - 1].bend + 1))) {
			spelt[len++] = out->part[j].latin[0];
			spelt[len] = '\0';
			j++;
		}
		if (j - i < 2 || !listed(&names.legal_forms, spelt, out->part[i].script))
			continue;
		wam_name_part *p = &out->part[i];
		memcpy(p->latin, spelt, len + 1);
		form_of(p->latin, p->form, sizeof p->form);
		skel_of(p->form, p->skel, sizeof p->skel);
		p->role = WAM_NAME_LEGAL_FORM;
		p->end = out->part[j - 1].end;
		p->bend = out->part[j - 1].bend;
		memmove(&out->part[i + 1], &out->part[j], (size_t)(out->n - j) * sizeof *p);
		out->n -= j - i - 1;
	}
}

/* A name spelt out letter by letter ("I g o r Ferzenko"): three single
 * letters or more cut by one space each are one part, the word they
 * spell; two spaces end the word ("I G O R  F E R Z E N K O"). Initials
 * cut by dots (J. R. R.) stay initials. */
static void join_spelt(wam_name *out, const char *name)
{
	for (int i = 0; i < out->n; i++) {
		int j = i;
		char spelt[WAM_NAME_PART_LEN] = "";
		size_t len = 0;
		while (j < out->n && out->part[j].latin[1] == '\0' && out->part[j].script == out->part[i].script &&
		       len + 2 < sizeof spelt) {
			if (j > i) {
				int gap = out->part[j - 1].bend;
				if (out->part[j].bstart != gap + 1 || name[gap] != ' ')
					break;
			}
			spelt[len++] = out->part[j].latin[0];
			spelt[len] = '\0';
			j++;
		}
		if (j - i < 3)
			continue;
		wam_name_part *p = &out->part[i];
		memcpy(p->latin, spelt, len + 1);
		form_of(p->latin, p->form, sizeof p->form);
		skel_of(p->form, p->skel, sizeof p->skel);
		p->bare[0] = '\0';
		p->role = listed(&names.particles, p->latin, p->script)     ? WAM_NAME_PARTICLE
		          : listed(&names.legal_forms, p->latin, p->script) ? WAM_NAME_LEGAL_FORM
		                                                            : WAM_NAME_CORE;
		p->end = out->part[j - 1].end;
		p->bend = out->part[j - 1].bend;
		memmove(&out->part[i + 1], &out->part[j], (size_t)(out->n - j) * sizeof *p);
		out->n -= j - i - 1;
	}
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* What follows "abd" in a compound written as one word, without the
 * article that joins it: "ul" of Abdulaziz, "u" and one r of
 * Abdurrahman; NULL when too little is left. */
static const char *after_article(const char *s)
{
	size_t v = 0;
	while (v < 2 && vowel(s[v]))
		v++;
	const char *r = s + v;
	if (v && r[0] == 'l' && strlen(r + 1) >= 2)
		r++;
	else if (v && r[0] && r[0] == r[1] && !vowel(r[0]))
		r++; /* the article taken by a sun letter: ar-Rahman */
	return strlen(r) >= 2 ? r : NULL;
}

/* Makes parts i..j (a compound) one part, its Latin `latin`. */
static void merge_parts(wam_name *out, int i, int j, const char *latin)
{
	wam_name_part *p = &out->part[i];
	snprintf(p->latin, sizeof p->latin, "%s", latin);
	form_of(p->latin, p->form, sizeof p->form);
	skel_of(p->form, p->skel, sizeof p->skel);
	p->bare[0] = '\0';
	p->role = WAM_NAME_CORE;
	p->end = out->part[j].end;
	p->bend = out->part[j].bend;
	memmove(&out->part[i + 1], &out->part[j + 1], (size_t)(out->n - j - 1) * sizeof *p);
	out->n -= j - i;
}

/* Compounds as one part, however they are cut: "abd" + article + name
 * (Abd al-Rahman, Abdel Rahman, Abdulrahman, Abdurrahman, عبد الرحمن:
 * "abdrahman"; Abdullah, Abd Allah, عبد الله: "abdlah") and name +
 * article + "din" (Nasr al-Din, Nasreddin, نصر الدين: "nasrdin"). */
static void join_compounds(wam_name *out)
{
	static const char *const abd[] = {"abd", "abdel", "abdul", "abdal", "abdoul", "abdil", "abdl", "bd", NULL};
	static const char *const article[] = {"al", "el", "ul", "il",  "ad", "ed", "ud", "ar",  "er",  "ur",
	                                      "as", "es", "us", "ash", "at", "az", "an", "ath", "adh", NULL};
	static const char *const allah[] = {"lah",   "llah", "la",   "lla",  "lh",    "llh",
	                                    "allah", "alla", "allh", "ilah", "illah", NULL};
	char buf[WAM_NAME_PART_LEN * 2];
	for (int i = 0; i < out->n; i++) {
		wam_name_part *p = &out->part[i];
		bool ar = p->script == WAM_NAME_ARABIC;
		if (p->role == WAM_NAME_LEGAL_FORM)
			continue;
		/* abd + article + name */
		const char *rest = NULL;
		int j = i;
		if (one_of(p->latin, abd) && (!ar || !strcmp(p->latin, "bd")) && (ar || strcmp(p->latin, "bd"))) {
			int k = i + 1;
			if (k < out->n && k + 1 < out->n && one_of(out->part[k].latin, article))
				k++;
			if (k < out->n && out->part[k].role != WAM_NAME_LEGAL_FORM && strlen(out->part[k].latin) >= 2) {
				rest = out->part[k].latin;
				j = k;
			}
		} else if (!ar && !strncmp(p->latin, "abd", 3) && strlen(p->latin) >= 6) {
			rest = after_article(p->latin + 3);
			if (!rest)
				rest = NULL;
		} else if (ar && !strncmp(p->latin, "bdal", 4) && strlen(p->latin) >= 6) {
			rest = p->latin + 4;
		}
		if (rest) {
			snprintf(buf, sizeof buf, "abd%s", one_of(rest, allah) ? "lah" : rest);
			merge_parts(out, i, j, buf);
			continue;
		}
		/* name + article + din */
		if (strlen(p->latin) < 3 || p->role != WAM_NAME_CORE)
			continue;
		int k = i + 1;
		if (k + 1 < out->n && one_of(out->part[k].latin, article))
			k++;
		const char *din = ar ? "dyn" : "din";
		if (k < out->n) {
			const char *t = out->part[k].latin;
			size_t v = 0;
			while (v < 2 && vowel(t[v]))
				v++;
			if (k == i + 2 || v)
				t += v + ((t[v] == 'l' || t[v] == 'd') && t[v + 1] == 'd');
			if (!strcmp(t, "din") || !strcmp(t, "dine") || !strcmp(t, "deen") || !strcmp(t, "dyn")) {
				snprintf(buf, sizeof buf, "%s%s", p->latin, din);
				merge_parts(out, i, k, buf);
				continue;
			}
		}
		/* written as one word: Nasreddin, Salahuddin, نصرالدين */
		size_t n = strlen(p->latin);
		static const char *const ends[] = {"ddin", "ddine", "ddeen", "ldin", "ldine", "ldyn", NULL};
		for (int e = 0; ends[e]; e++) {
			size_t el = strlen(ends[e]);
			if (n < el + 4 || strcmp(p->latin + n - el, ends[e]) || !vowel(p->latin[n - el - 1]))
				continue;
			size_t stem = n - el - 1;
			while (stem > 0 && vowel(p->latin[stem - 1]) && stem > n - el - 2)
				stem--;
			if (stem < 3)
				break;
			snprintf(buf, sizeof buf, "%.*s%s", (int)stem, p->latin, din);
			merge_parts(out, i, i, buf);
			break;
		}
	}
}

int wam_name_fold(wam_name *out, const char *name, const char *field)
{
	pthread_once(&once, load);
	if (load_rc) {
		wam_error_restore(&load_error);
		return load_rc;
	}
	memset(out, 0, sizeof *out);
	const char *f = field ? field : "name";
	if (!name)
		return wam_error_set(WAM_EINVAL, f, "a name is required");
	int b = 0, c = 0, start_b = -1, start_c = 0;
	size_t len = strlen(name);
	for (;;) {
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = 0;
		if ((size_t)b < len) {
			k = utf8proc_iterate((const utf8proc_uint8_t *)name + b, (utf8proc_ssize_t)(len - (size_t)b),
			                     &cp);
			if (k <= 0)
				return wam_error_set(WAM_EINVAL, f, "is not valid UTF-8 (byte %d)", b + 1);
		}
		bool word = k > 0 && is_word_char(cp);
		if (k > 0 && is_format(cp)) {
			/* dropped: inside a part it goes on, elsewhere it is nothing */
			b += (int)k;
			c++;
			continue;
		}
		if (word && start_b < 0) {
			start_b = b;
			start_c = c;
		} else if (!word && start_b >= 0) {
			/* A joined particle (ال) is a part of its own when what
			 * follows it has two letters or more. */
			int pb = start_b, pc = start_c;
			for (int i = 0; i < names.nprefixes; i++) {
				size_t pl = strlen(names.prefixes[i]);
				if ((size_t)(b - start_b) > pl && !strncmp(name + start_b, names.prefixes[i], pl)) {
					int rest = (int)utf8proc_decompose(
					    (const utf8proc_uint8_t *)name + start_b + pl,
					    (utf8proc_ssize_t)((size_t)(b - start_b) - pl), NULL, 0, 0);
					int pcps = (int)utf8proc_decompose((const utf8proc_uint8_t *)names.prefixes[i],
					                                   (utf8proc_ssize_t)pl, NULL, 0, 0);
					if (rest >= 2) {
						add_part(out, name, start_b, start_b + (int)pl, start_c,
						         start_c + pcps);
						pb = start_b + (int)pl;
						pc = start_c + pcps;
					}
					break;
				}
			}
			add_part(out, name, pb, b, pc, c);
			start_b = -1;
		}
		if (k <= 0)
			break;
		b += (int)k;
		c++;
	}
	join_dotted(out, name);
	join_spelt(out, name);
	join_compounds(out);
	for (int i = 0; i < out->n; i++)
		if (out->part[i].role == WAM_NAME_LEGAL_FORM)
			out->legal_form = true;
	for (int i = 0; i < out->n; i++)
		out->ncore += out->part[i].role == WAM_NAME_CORE;
	if (!out->ncore) /* a name made only of particles ("Abu Ali" is not): compare them all */
		for (int i = 0; i < out->n; i++) {
			out->part[i].role = WAM_NAME_CORE;
			out->ncore++;
		}
	if (!out->n)
		return wam_error_set(WAM_EINVAL, f, "has no letter");
	return 0;
}

double wam_jaro_winkler(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	if (!la || !lb)
		return la == lb ? 1.0 : 0.0;
	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	int window = (la > lb ? la : lb) / 2 - 1;
	if (window < 0)
		window = 0;
	bool ma[64] = {false}, mb[64] = {false};
	int m = 0;
	for (int i = 0; i < la; i++) {
		int lo = i - window < 0 ? 0 : i - window, hi = i + window + 1 < lb ? i + window + 1 : lb;
		for (int j = lo; j < hi; j++)
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = true;
				m++;
				break;
			}
	}
	if (!m)
		return 0.0;
	int t = 0;
	for (int i = 0, j = 0; i < la; i++)
		if (ma[i]) {
			while (!mb[j])
				j++;
			t += a[i] != b[j];
			j++;
		}
	double jaro = ((double)m / la + (double)m / lb + (double)(m - t / 2) / m) / 3.0;
	int prefix = 0;
	while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
		prefix++;
	return jaro + prefix * 0.1 * (1.0 - jaro);
}

/* Jaro-Winkler of `a` and `b` when it can reach `min`, else 0: the
 * letters one has and the other has not bound the matches from above. */
static double jaro_winkler_from(const char *a, const char *b, double min)
{
	unsigned long ma = 0, mb = 0;
	int la = 0, lb = 0, ca = 0, cb = 0, prefix = 0;
	for (; a[la]; la++)
		ma |= 1UL << (a[la] & 31);
	for (; b[lb]; lb++)
		mb |= 1UL << (b[lb] & 31);
	if (!la || !lb)
		return 0;
	for (int i = 0; i < la; i++)
		ca += (mb >> (a[i] & 31)) & 1;
	for (int i = 0; i < lb; i++)
		cb += (ma >> (b[i] & 31)) & 1;
	while (prefix < 4 && a[prefix] && a[prefix] == b[prefix])
		prefix++;
	double m = ca < cb ? ca : cb;
	double jaro = (m / la + m / lb + 1) / 3;
	if (jaro + prefix * 0.1 * (1 - jaro) < min)
		return 0;
	return wam_jaro_winkler(a, b);
}

static char first_marker(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return *s;
	return 0;
}

static void put_letter(char *s, char marker, char letter)
{
	for (; *s; s++)
		if (*s == marker)
			*s = letter;
}

int wam_name_spellings(const char *s, char out[][WAM_NAME_PART_LEN], int max)
{
	if (max < 1)
		return 0;
	snprintf(out[0], WAM_NAME_PART_LEN, "%s", s);
	int n = 1;
	for (char mk; (mk = first_marker(out[0])) != 0;) {
		const char *letters = names.either[mk - 'A'];
		int n0 = n;
		for (int i = 0; i < n0; i++) {
			for (int k = 1; letters[k] && n < max; k++) {
				memcpy(out[n], out[i], WAM_NAME_PART_LEN);
				put_letter(out[n++], mk, letters[k]);
			}
			put_letter(out[i], mk, letters[0]);
		}
	}
	return n;
}

double wam_name_part_similarity(const wam_name_part *a, const wam_name_part *b, wam_name_how *how)
{
	bool other_script = a->script != b->script;
	bool arabic = a->script == WAM_NAME_ARABIC || b->script == WAM_NAME_ARABIC;
	size_t la = strlen(a->latin), lb = strlen(b->latin);
	if (!strcmp(a->latin, b->latin)) {
		*how = other_script ? WAM_NAME_TRANSLIT : WAM_NAME_SAME;
		return 1.0;
	}
	/* A letter that is either of two (g: the k of ق or the j of ج) is
	 * read each way on both sides; the better reading counts. */
	char mk = first_marker(a->form);
	if (!mk)
		mk = first_marker(b->form);
	if (mk) {
		double best = 0;
		*how = WAM_NAME_DIFFERENT;
		for (const char *l = names.either[mk - 'A']; *l; l++) {
			wam_name_part x = *a, y = *b;
			wam_name_how h;
			put_letter(x.form, mk, *l);
			put_letter(x.skel, mk, *l);
			put_letter(x.bare, mk, *l);
			put_letter(y.form, mk, *l);
			put_letter(y.skel, mk, *l);
			put_letter(y.bare, mk, *l);
			double s = wam_name_part_similarity(&x, &y, &h);
			if (s > best) {
				best = s;
				*how = h;
			}
		}
		return best;
	}
	if (la == 1 || lb == 1) {
		*how = a->latin[0] == b->latin[0] || a->form[0] == b->form[0] ? WAM_NAME_INITIAL : WAM_NAME_DIFFERENT;
		return *how == WAM_NAME_INITIAL ? 0.85 : 0.0;
	}
	if (!strcmp(a->form, b->form)) {
		*how = other_script ? WAM_NAME_TRANSLIT : WAM_NAME_VARIANT;
		return 0.96;
	}
	if (arabic && a->skel[0] && !strcmp(a->skel, b->skel)) { /* Arabic is compared on its consonants */
		*how = WAM_NAME_TRANSLIT;
		return strlen(a->skel) >= 3 ? 0.95 : 0.8; /* two consonants say less: عمر is Umar, and Muammar */
	}
	/* Otherwise Jaro-Winkler on the folded forms (on the skeletons when
	 * one side is Arabic, which has no short vowels), counted steeply: a
	 * part one letter off in twenty keeps 0.7, one in ten 0.4. */
	double s = arabic ? jaro_winkler_from(a->skel, b->skel, 0.9) : jaro_winkler_from(a->form, b->form, 0.84);
	s = s < (arabic ? 0.9 : 0.84) ? 0 : 1 - (arabic ? 8 : 6) * (1 - s);
	if (s < 0)
		s = 0;
	if (!arabic && s < 0.9 && strlen(a->skel) >= 3 && !strcmp(a->skel, b->skel))
		s = 0.9; /* the same consonants, other vowels */
	if (s < 0.94 && (a->bare[0] || b->bare[0]) &&
	    !strcmp(a->bare[0] ? a->bare : a->form, b->bare[0] ? b->bare : b->form)) {
		*how = WAM_NAME_VARIANT; /* Alnoor and al-Noor */
		return 0.94;
	}
	*how = s > 0 ? WAM_NAME_FUZZY : WAM_NAME_DIFFERENT;
	return s;
}

const char *wam_name_how_word(wam_name_how how)
{
	static const char *const words[] = {"same", "translit", "variant", "fuzzy", "initial", "different"};
	return words[how];
}

void wam_name_normalized(char *buf, size_t n, const wam_name *nm)
{
	size_t len = 0;
	if (!n)
		return;
	buf[0] = '\0';
	for (int i = 0; i < nm->n; i++) {
		if (nm->part[i].role != WAM_NAME_CORE)
			continue;
		if (len)
			append(buf, n, &len, " ");
		append(buf, n, &len, nm->part[i].latin);
	}
}
