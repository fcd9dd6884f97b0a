/* Loading data/match/ (TSV files). Each file is UTF-8, one entry a line, fields
 * separated by tabs, '#' starts a comment line. Maps are sorted by code
 * point for binary search; the OCR classes become a 128-entry fold table and
 * a cost matrix. Loaded once per process. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "internal.h"
#include "match/tables.h"

static wam_match_tables tables;
static int load_rc;
static wam_error load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_map(const void *a, const void *b)
{
	uint32_t x = ((const wam_char_map *)a)->cp, y = ((const wam_char_map *)b)->cp;
	return x < y ? -1 : x > y;
}

const wam_char_map *wam_char_map_find(const wam_char_map *map, size_t n, uint32_t cp)
{
	wam_char_map key = {.cp = cp};
	return n ? bsearch(&key, map, n, sizeof *map, cmp_map) : NULL;
}

/* Splits a line in place at tabs; returns the number of fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max;) {
		f[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

int wam_match_each_line(const char *name, int max, int (*each)(const table_line *l, void *ctx), void *ctx)
{
	char path[4096], line[512], *f[4] = {NULL, NULL, NULL, NULL};
	long lineno = 0;
	int rc = 0;
	snprintf(path, sizeof path, "%s/match/%s", wam_data_dir(), name);
	FILE *in = fopen(path, "r");
	if (!in)
		return wam_error_set(WAM_EIO, "data", "cannot read the matcher table %s", path);
	while (!rc && fgets(line, sizeof line, in)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		table_line l = {f, split(line, f, max), path, lineno};
		rc = each(&l, ctx);
	}
	fclose(in);
	return rc;
}

typedef struct map_load {
	wam_char_map **out;
	size_t *n, cap;
} map_load;

/* A map line: "char<TAB>replacement[<TAB>script...]". */
static int map_line(const table_line *l, void *ctx)
{
	map_load *ml = ctx;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)l->f[0], -1, &cp);
	if (l->nf < 2 || k <= 0 || l->f[0][k] != '\0' || strlen(l->f[1]) >= sizeof((*ml->out)->to))
		return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is not \"character<TAB>replacement\"",
		                          l->path, l->lineno);
	if (*ml->n == ml->cap) {
		ml->cap = ml->cap ? ml->cap * 2 : 64;
		wam_char_map *p = realloc(*ml->out, ml->cap * sizeof *p);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		*ml->out = p;
	}
	wam_char_map *m = &(*ml->out)[(*ml->n)++];
	memset(m, 0, sizeof *m);
	m->cp = (uint32_t)cp;
	snprintf(m->to, sizeof m->to, "%s", l->f[1]);
	snprintf(m->script, sizeof m->script, "%s", l->nf > 2 ? l->f[2] : "");
	return 0;
}

int wam_match_load_map(const char *name, wam_char_map **out, size_t *n)
{
	map_load ml = {out, n, 0};
	int rc = wam_match_each_line(name, 4, map_line, &ml);
	if (!rc && *n)
		qsort(*out, *n, sizeof **out, cmp_map);
	return rc;
}

/* An OCR class line: "members<TAB>cost[<TAB>fold]"; the first member
 * represents a folding class in the skeleton. */
static int ocr_line(const table_line *l, void *ctx)
{
	(void)ctx;
	char *end = NULL, **f = l->f;
	float cost = l->nf >= 2 ? strtof(f[1], &end) : -1;
	bool fold = l->nf == 3 && !strcmp(f[2], "fold");
	if (l->nf < 2 || *end || cost < 0 || cost > 1 || strlen(f[0]) < 2 || (l->nf == 3 && !fold && *f[2]))
		return wam_error_set_line(WAM_EIO, l->lineno, "data", "%s: line %ld is not \"CLASS<TAB>cost[<TAB>fold]\"",
		                          l->path, l->lineno);
	for (const char *a = f[0]; *a; a++) {
		if ((unsigned char)*a >= 128)
			continue;
		if (fold)
			tables.fold[(unsigned char)*a] = (unsigned char)f[0][0];
		for (const char *b = f[0]; *b; b++)
			if (*a != *b && (unsigned char)*b < 128 && cost < tables.cost[(unsigned char)*a][(unsigned char)*b])
				tables.cost[(unsigned char)*a][(unsigned char)*b] = cost;
	}
	return 0;
}

static int load_ocr(void)
{
	for (int a = 0; a < 128; a++) {
		tables.fold[a] = (unsigned char)a;
		for (int b = 0; b < 128; b++)
			tables.cost[a][b] = a == b ? 0.0f : 1.0f;
	}
	return wam_match_each_line("ocr.tsv", 3, ocr_line, NULL);
}

static void load(void)
{
	load_rc = wam_match_load_map("digits.tsv", &tables.digits, &tables.ndigits);
	if (!load_rc)
		load_rc = wam_match_load_map("lookalikes.tsv", &tables.lookalikes, &tables.nlookalikes);
	if (!load_rc)
		load_rc = wam_match_load_map("translit.tsv", &tables.translit, &tables.ntranslit);
	if (!load_rc)
		load_rc = load_ocr();
	if (load_rc) {
		load_error = *wam_error_last();
		return;
	}
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, sizeof tables.digest);
	const wam_char_map *maps[3] = {tables.digits, tables.lookalikes, tables.translit};
	size_t counts[3] = {tables.ndigits, tables.nlookalikes, tables.ntranslit};
	for (int i = 0; i < 3; i++)
		for (size_t j = 0; j < counts[i]; j++) {
			crypto_generichash_update(&h, (const unsigned char *)&maps[i][j].cp, sizeof maps[i][j].cp);
			crypto_generichash_update(&h, (const unsigned char *)maps[i][j].to, sizeof maps[i][j].to);
		}
	crypto_generichash_update(&h, tables.fold, sizeof tables.fold);
	crypto_generichash_update(&h, (const unsigned char *)tables.cost, sizeof tables.cost);
	crypto_generichash_final(&h, tables.digest, sizeof tables.digest);
}

const wam_match_tables *wam_match_tables_get(void)
{
	pthread_once(&once, load);
	if (load_rc) {
		wam_error_restore(&load_error);
		return NULL;
	}
	return &tables;
}
