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

#endif
