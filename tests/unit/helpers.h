/* Shared by the unit tests: a registry in a fresh temporary directory, and
 * raw SQL on its file (the way a tamperer, or a test, reaches it). */
#ifndef WAM_TEST_HELPERS_H
#define WAM_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"

typedef struct test_reg {
	char dir[64];
	char path[128];
	wam_db *db;
} test_reg;

/* Creates a registry (country may be NULL) in a new temporary directory. */
void test_reg_create(test_reg *r, const char *country);
/* Closes the registry and removes its directory. */
void test_reg_destroy(test_reg *r);
/* Closes the wam handle, runs `sql` on the file directly, reopens. */
void test_reg_tamper(test_reg *r, const char *sql);
/* Runs `sql` on an open sqlite3 connection; fails the test on error. */
void test_exec(sqlite3 *conn, const char *sql);
/* First column of the first row of `sql` as a new string ("" if none). */
char *test_query_text(sqlite3 *conn, const char *sql);
/* Adds an item from a JSON text; fails the test unless it succeeds. `id_out`
 * (27 bytes) may be NULL. */
void test_add_item(test_reg *r, const char *json, char *id_out);
/* wam_registry_add_item on a JSON text: returns its result, `*out` gets the
 * item (or NULL). */
int test_try_add_item(test_reg *r, const char *json, unsigned flags, json_t **out);

#endif
