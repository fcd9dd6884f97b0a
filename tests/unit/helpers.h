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
#include "wam/registry.h"

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
/* wam_registry_item_add on a JSON text: returns its result, `*out` gets the
 * item (or NULL). */
int test_try_add_item(test_reg *r, const char *json, unsigned flags, json_t **out);

/* cmocka setup and teardown of a test whose state is one registry in Haiti
 * (HT), made fresh for each test. */
int test_setup_reg_ht(void **state);
int test_teardown_reg(void **state);
/* A test with a fresh registry in Haiti, for a cmocka test table. */
#define TEST_IN_HT(f) cmocka_unit_test_setup_teardown(f, test_setup_reg_ht, test_teardown_reg)
/* The string at `key` of `o`, or "(null)" so that an assertion names it. */
const char *test_str(const json_t *o, const char *key);
/* Parses JSON text written in a test; fails the test when it is not JSON. */
json_t *test_json(const char *text);
/* The number the first column of `sql` gives (0 when none). */
long long test_count(test_reg *r, const char *sql);
/* How many events the registry's ledger holds. */
long long test_events(test_reg *r);
/* The ledger verifies; rebuilding the projections from it gives the same
 * text for `dump` (a query of one text column over the tables of the room
 * under test); it verifies again after. */
void test_expect_rebuilt(test_reg *r, const char *dump);
/* The ledger is as it was: `events` events, and it verifies intact. */
void test_unchanged(test_reg *r, long long events);

#endif
