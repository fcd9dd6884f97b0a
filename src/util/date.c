/* Calendar dates written YYYY-MM-DD, the form every dated record uses
 * (recoveries, loss reports, trace requests and their due dates). */
#include <time.h>

#include "internal.h"

bool wam_date_valid(const char *s, int first_year)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < first_year || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

bool wam_date_parse(const char *s, time_t *t)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	int v[3] = {0, 0, 0}, at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < len[k]; i++) {
			char c = s[at[k] + i];
			if (c < '0' || c > '9')
				return false;
			v[k] = v[k] * 10 + (c - '0');
		}
	struct tm tm = {.tm_year = v[0] - 1900, .tm_mon = v[1] - 1, .tm_mday = v[2]};
	time_t when = timegm(&tm);
	struct tm back;
	gmtime_r(&when, &back);
	if (t)
		*t = when;
	/* timegm normalizes 2025-02-30 to March: a real date reads back the same */
	return v[0] >= 1900 && back.tm_year == tm.tm_year && back.tm_mon == v[1] - 1 && back.tm_mday == v[2];
}

void wam_date_format(char out[11], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void wam_date_today(char out[11])
{
	wam_date_format(out, (time_t)(wam_now_ms() / 1000));
}
