/* ULIDs, wall-clock time, hex and the demo's seeded generator.
 *
 * Record ids are ULIDs (48-bit millisecond time + 80 random bits) made on the
 * node that creates the record, so field sites can register weapons offline
 * and merge later without collisions, and ids sort by creation time. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

uint64_t wam_rng_next(wam_rng *r)
{
	/* splitmix64: tiny, fast, and the same sequence on every platform */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t wam_rng_below(wam_rng *r, uint32_t n)
{
	return n ? (uint32_t)(((wam_rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

/* Expands a serial format (see data/manufacturers.json): # digit, @ Latin
 * letter, % Cyrillic letter, & Arabic-Indic digit, ~ Persian digit; the
 * demo draws its weapons' serials, and the tracing demo its recovered
 * ones, with it. */
void wam_demo_expand_serial(wam_rng *rng, const char *fmt, wam_buf *out)
{
	static const char *const cyr[] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "И", "К", "Л", "М",
	                                  "Н", "П", "Р", "С", "Т", "У", "Ф", "Х", "Ц", "Ч", "Ш"};
	wam_buf_reset(out);
	for (const char *p = fmt; *p; p++) {
		unsigned d = wam_rng_below(rng, 10);
		switch (*p) {
		case '#':
			wam_buf_putc(out, (char)('0' + d));
			break;
		case '@':
			wam_buf_putc(out, (char)('A' + wam_rng_below(rng, 26)));
			break;
		case '%':
			wam_buf_puts(out, cyr[wam_rng_below(rng, sizeof cyr / sizeof cyr[0])]);
			break;
		case '&': /* U+0660 + d */
			wam_buf_putc(out, (char)0xd9);
			wam_buf_putc(out, (char)(0xa0 + d));
			break;
		case '~': /* U+06F0 + d */
			wam_buf_putc(out, (char)0xdb);
			wam_buf_putc(out, (char)(0xb0 + d));
			break;
		default:
			wam_buf_putc(out, *p);
		}
	}
}

/* 48 bits of milliseconds and 80 of `random` as 26 base32 digits, most
 * significant first (2 spare bits). */
static void ulid_encode(char out[WAM_ID_LEN + 1], uint64_t ms, const unsigned char random[10])
{
	unsigned char b[16];
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (8 * (5 - i)));
	memcpy(b + 6, random, 10);
	for (int i = 0; i < WAM_ID_LEN; i++) {
		int bit = (WAM_ID_LEN - 1 - i) * 5; /* position of this digit's lsb */
		unsigned v = 0;
		for (int k = 4; k >= 0; k--) {
			int pos = bit + k;
			unsigned bitv = 0;
			if (pos < 128)
				bitv = (b[15 - pos / 8] >> (pos % 8)) & 1u;
			v = (v << 1) | bitv;
		}
		out[i] = crockford[v];
	}
	out[WAM_ID_LEN] = '\0';
}

void wam_ulid(char out[WAM_ID_LEN + 1], uint64_t ms, wam_rng *rng)
{
	unsigned char r[10];
	if (rng) {
		uint64_t x = wam_rng_next(rng), y = wam_rng_next(rng);
		memcpy(r, &x, 8);
		memcpy(r + 8, &y, 2);
	} else {
		randombytes_buf(r, 10);
	}
	ulid_encode(out, ms, r);
}

bool wam_is_ulid(const char *s)
{
	if (!s || strlen(s) != WAM_ID_LEN)
		return false;
	for (int i = 0; i < WAM_ID_LEN; i++)
		if (!strchr(crockford, s[i]) || !s[i])
			return false;
	return s[0] <= '7';
}

uint64_t wam_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void wam_time_iso(char out[WAM_TIME_LEN + 1], uint64_t ms)
{
	/* imports stamp thousands of events a second: format each second once */
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char base[24];
	time_t t = (time_t)(ms / 1000u);
	if (t != last) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
		last = t;
	}
	unsigned frac = (unsigned)(ms % 1000u);
	memcpy(out, base, 19);
	out[19] = '.';
	out[20] = (char)('0' + frac / 100);
	out[21] = (char)('0' + frac / 10 % 10);
	out[22] = (char)('0' + frac % 10);
	out[23] = 'Z';
	out[24] = '\0';
}

void wam_hex(char *out, const unsigned char *p, size_t n)
{
	sodium_bin2hex(out, n * 2 + 1, p, n);
}

int wam_unhex(unsigned char *out, size_t n, const char *hex)
{
	size_t got = 0;
	if (!hex || strlen(hex) != n * 2 ||
	    sodium_hex2bin(out, n, hex, n * 2, NULL, &got, NULL) != 0 || got != n)
		return WAM_EINVAL;
	return 0;
}

void wam_db_new_id(wam_db *db, char out[WAM_ID_LEN + 1])
{
	if (db->id_rng)
		wam_ulid(out, db->id_clock_ms++, db->id_rng);
	else {
		uint64_t ms = wam_now_ms();
		int i = 9;
		if (ms > db->id_last_ms) {
			randombytes_buf(db->id_last, sizeof db->id_last);
			db->id_last[0] &= 0x7f; /* room to count up within the millisecond */
			db->id_last_ms = ms;
		} else {
			/* the same millisecond (or the clock stepped back): the next
			 * random part after the last, so the ids keep their order */
			while (i >= 0 && ++db->id_last[i] == 0)
				i--;
		}
		ulid_encode(out, db->id_last_ms, db->id_last);
	}
}
