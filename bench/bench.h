/* Shared helpers of the wam benchmarks (bench/). Not part of libwam. */
#ifndef WAM_BENCH_H
#define WAM_BENCH_H

#include <stddef.h>

/* Seconds on the monotonic clock (CLOCK_MONOTONIC). */
double bench_now(void);

/* The median of `n` values (sorts `v` in place); 0 when n is 0. */
double bench_median(double *v, size_t n);

/* Writes `v` rounded to an integer with thousands separators ("1,234,567"). */
void bench_group(char *out, size_t cap, double v);

/* Size in bytes of the file at `path`, 0 if it does not exist. */
long long bench_file_size(const char *path);

/* Reads the whole file at `path` into a NUL-terminated malloc'd string;
 * NULL (errno set) if it cannot be read. */
char *bench_read_text(const char *path);

/* Deletes the registry or database at `path` and its companions
 * ("-wal", "-shm", ".key"), ignoring those that do not exist. */
void bench_remove_db(const char *path);

/* Deletes the regular files directly inside `dir`, then `dir` itself. */
int bench_remove_dir(const char *dir);

/* Bulk-inserts the weapons of the CSV at `csv_path` into a new plain SQLite
 * database at `db_path` (same pragmas and projection tables as a registry,
 * no ledger: no events, hashing, signing or validation). `schema` is the SQL
 * that creates the tables. Only the insert transaction is timed; its
 * duration goes to `*seconds` and the number of weapons to `*rows`.
 * Returns 0, or -1 after printing why to stderr. */
int bench_plain_insert(const char *db_path, const char *csv_path, const char *schema, long *rows,
                       double *seconds);

/* Parses a decimal number in [min, max] into `*out`; -1 if it is not one. */
int bench_parse_count(const char *s, long min, long max, long *out);

#endif
