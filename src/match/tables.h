/* The matcher's reference tables, loaded once from data/match/ (TSV files): digits
 * of other scripts, look-alike letters, transliteration and OCR confusion
 * classes. Tables, not branches: a new confusion is a line in a file. */
#ifndef WAM_MATCH_TABLES_H
#define WAM_MATCH_TABLES_H

#include <stdint.h>

/* One code point's replacement (at most 4 ASCII bytes) and its script. */
typedef struct wam_char_map {
	uint32_t cp;
	char to[8];
	char script[12];
} wam_char_map;

typedef struct wam_match_tables {
	wam_char_map *digits, *lookalikes, *translit;
	size_t ndigits, nlookalikes, ntranslit;
	unsigned char fold[128];  /* OCR skeleton: each ASCII char to its class representative */
	float cost[128][128];     /* substitution cost between ASCII characters */
	unsigned char digest[32]; /* of all the above: keys made with other tables differ */
} wam_match_tables;

/* The tables, loaded on first use (thread-safe). NULL if a file is missing
 * or malformed; the error names the file and line. */
const wam_match_tables *wam_match_tables_get(void);

/* The entry for `cp` in a sorted map, or NULL. */
const wam_char_map *wam_char_map_find(const wam_char_map *map, size_t n, uint32_t cp);

/* One line of a table: its fields, and where it is for error messages. */
typedef struct table_line {
	char **f;
	int nf;
	const char *path;
	long lineno;
} table_line;

/* Calls `each` for every line of data/match/`name` that is not a comment
 * or blank, with its tab-separated fields (at most `max`, at most 4).
 * Stops at the first error `each` returns. */
int wam_match_each_line(const char *name, int max, int (*each)(const table_line *l, void *ctx), void *ctx);
/* Loads data/match/`name` ("char<TAB>replacement[<TAB>script]" lines)
 * into a map sorted by code point (`*out` grows with realloc). */
int wam_match_load_map(const char *name, wam_char_map **out, size_t *n);

#endif
