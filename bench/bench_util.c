/* Small helpers shared by the benchmarks: clock, median, number
 * formatting, files and temporary directories. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Seconds on the monotonic clock. */
double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Orders doubles ascending, for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of n values: the middle one, or the mean of the two middle
 * ones when n is even. */
double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Formats a rounded non-negative number with a comma every three digits. */
void bench_group(char *out, size_t cap, double v)
{
	char digits[32];
	if (!cap)
		return;
	if (!(v >= 0) || v > 9e18) {
		snprintf(out, cap, "%.0f", v);
		return;
	}
	int n = snprintf(digits, sizeof digits, "%lld", (long long)(v + 0.5));
	size_t o = 0;
	for (int i = 0; i < n && o + 1 < cap; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < cap)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Size of a file in bytes; 0 when it is missing. */
long long bench_file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Reads a whole text file into memory. */
char *bench_read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0;
	char *s = malloc(cap);
	while (s) {
		if (n + 1 >= cap) {
			char *t = realloc(s, cap * 2);
			if (!t) {
				free(s);
				s = NULL;
				break;
			}
			s = t;
			cap *= 2;
		}
		size_t got = fread(s + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (s && ferror(f)) {
		free(s);
		s = NULL;
		errno = EIO;
	}
	fclose(f);
	if (s)
		s[n] = '\0';
	return s;
}

/* Removes a database file and the files SQLite and wam keep beside it. */
void bench_remove_db(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key", NULL};
	char p[4096];
	for (int i = 0; suffixes[i]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		if (unlink(p) != 0 && errno != ENOENT)
			fprintf(stderr, "bench: cannot remove %s: %s\n", p, strerror(errno));
	}
}

/* Removes a flat temporary directory: its files, then the directory. */
int bench_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	char p[4096];
	int rc = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (unlink(p) != 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(dir) != 0)
		rc = -1;
	return rc;
}

int bench_parse_count(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
