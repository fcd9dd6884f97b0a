/* unit-field: the input rules every room checks its records with
 * (store/field.c), through a field table as a room declares one: an
 * unknown key refused with the known ones listed in table order, each kind
 * of field checked and copied in canonical form, the first failure naming
 * its field with the prefix, and the two wordings kept where rooms word a
 * rule differently (a country any-unknown, a date as the stockpile writes
 * it); the one-field checks (wam_take_*) reading the same flags as a table
 * row, and a table walked without its key check (wam_field_take_all). The
 * registry is in Haiti (HT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "store/field.h"

static const char *const colours[] = {"red", "dark_green", NULL};
static const char *const grades[] = {"A", "B", NULL};

static const wam_field record[] = {{.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = 10},
                                   {.name = "colour", .kind = WAM_FIELD_WORD, .vocab = colours, .dflt = "red"},
                                   {.name = "grade", .kind = WAM_FIELD_CODE, .vocab = grades},
                                   {.name = "year", .kind = WAM_FIELD_INT, .lo = 1900, .hi = 2100},
                                   {.name = "rounds", .kind = WAM_FIELD_QUANTITY, .lo = 0, .hi = 1e12},
                                   {.name = "lat", .kind = WAM_FIELD_COORDINATE, .hi = 90},
                                   {.name = "country", .kind = WAM_FIELD_COUNTRY},
                                   {.name = "date", .kind = WAM_FIELD_DATE},
                                   {.name = "expiry", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_WRITTEN, .lo = 1800},
                                   {.name = "weapons", .kind = WAM_FIELD_OTHER},
                                   {0}};

/* Checks `text` against the table; the result, `*out` the checked object. */
static int check(test_reg *r, json_t **out, const char *text, const char *prefix)
{
	json_error_t err;
	json_t *in = json_loads(text, 0, &err);
	if (!in)
		fail_msg("bad test JSON: %s", err.text);
	*out = json_object();
	int rc = wam_field_check(r->db, *out, in, record, prefix, 0);
	json_decref(in);
	return rc;
}

static void expect_error(test_reg *r, const char *text, const char *prefix, const char *field, const char *message)
{
	json_t *out;
	assert_int_equal(check(r, &out, text, prefix), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, field);
	assert_string_equal(wam_error_last()->message, message);
	json_decref(out);
}

static void test_field_table_copies_canonical_values(void **state)
{
	test_reg *r = *state;
	json_t *out;
	assert_int_equal(check(r, &out,
	                       "{\"name\": \"Lot 7\", \"grade\": \"b\", \"year\": \"1999\", \"rounds\": 1200,"
	                       " \"lat\": \"18.5\", \"country\": \"ht\", \"date\": \"2024-02-29\","
	                       " \"expiry\": \"1850-01-01\", \"weapons\": [1]}",
	                       ""),
	                 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "Lot 7");
	assert_string_equal(json_string_value(json_object_get(out, "colour")), "red"); /* the default */
	assert_string_equal(json_string_value(json_object_get(out, "grade")), "B");
	assert_int_equal(json_integer_value(json_object_get(out, "year")), 1999);
	assert_int_equal(json_integer_value(json_object_get(out, "rounds")), 1200);
	assert_true(json_real_value(json_object_get(out, "lat")) == 18.5);
	assert_string_equal(json_string_value(json_object_get(out, "country")), "HT");
	assert_string_equal(json_string_value(json_object_get(out, "date")), "2024-02-29");
	assert_string_equal(json_string_value(json_object_get(out, "expiry")), "1850-01-01");
	assert_null(json_object_get(out, "weapons")); /* allowed, left to the caller */
	json_decref(out);
}

static void test_field_table_refuses_unknown_key_listing_table(void **state)
{
	expect_error(*state, "{\"name\": \"x\", \"colour_\": 1}", "", "colour_",
	             "unknown field 'colour_' (known fields: name, colour, grade, year, rounds, lat, country, date, "
	             "expiry, weapons)");
}

static void test_field_table_names_first_failure_with_prefix(void **state)
{
	test_reg *r = *state;
	expect_error(r, "{}", "lot.", "lot.name", "lot.name is required");
	expect_error(r, "{\"name\": \"far too long a name\"}", "", "name", "name is longer than 10 bytes");
	expect_error(r, "{\"name\": \"x\", \"colour\": \"blue\"}", "", "colour",
	             "colour 'blue' is not one of: red, dark_green");
	expect_error(r, "{\"name\": \"x\", \"grade\": \"c\"}", "", "grade", "grade 'c' is not one of: A, B");
	expect_error(r, "{\"name\": \"x\", \"year\": 1800}", "", "year", "year 1800 is outside 1900 to 2100");
	expect_error(r, "{\"name\": \"x\", \"rounds\": -1}", "", "rounds", "rounds -1 is outside 0 to 1000000000000");
	expect_error(r, "{\"name\": \"x\", \"lat\": 91}", "", "lat", "lat 91 is outside -90 to 90");
	expect_error(r, "{\"name\": \"x\", \"country\": \"H\"}", "", "country",
	             "country 'H' is not an ISO 3166 code (two letters, or four for a former state)");
	expect_error(r, "{\"name\": \"x\", \"country\": \"QQ\"}", "", "country",
	             "country 'QQ' is not a known ISO 3166 country code");
	expect_error(r, "{\"name\": \"x\", \"date\": \"2025-02-29\"}", "", "date",
	             "date '2025-02-29' is not a calendar date YYYY-MM-DD");
	expect_error(r, "{\"name\": \"x\", \"expiry\": \"1799-12-31\"}", "", "expiry",
	             "expiry '1799-12-31' is not a date written YYYY-MM-DD");
}

static void test_field_country_any_unknown_wording(void **state)
{
	test_reg *r = *state;
	const wam_field site[] = {{.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_ANY_UNKNOWN}, {0}};
	json_t *in = json_pack("{s:s}", "country", "H"), *out = json_object();
	assert_int_equal(wam_field_check(r->db, out, in, site, "", 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->message, "country 'H' is not a known ISO 3166 code");
	assert_null(json_object_get(out, "country"));
	json_decref(in);
	json_decref(out);
}

static void test_field_take_reads_table_flags(void **state)
{
	test_reg *r = *state;
	json_t *in = json_pack("{s:s, s:s, s:s}", "notes", "line one\nline two", "name", " ", "state", "qq");
	json_t *out = json_object();
	/* a line break is text only in a multiline field */
	assert_int_equal(wam_take_text(out, in, "notes", "notes", 0, 100, 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->message, "notes contains control characters");
	assert_int_equal(wam_take_text(out, in, "notes", "notes", WAM_FIELD_MULTILINE, 100, 0), 0);
	assert_string_equal(json_string_value(json_object_get(out, "notes")), "line one\nline two");
	/* spaces alone are no text: fine unless required */
	assert_int_equal(wam_take_text(out, in, "name", "holder.name", 0, 100, 0), 0);
	assert_null(json_object_get(out, "name"));
	assert_int_equal(wam_take_text(out, in, "name", "holder.name", WAM_FIELD_REQUIRED, 100, 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "holder.name");
	assert_string_equal(wam_error_last()->message, "holder.name is required");
	assert_int_equal(wam_take_country(r->db, out, in, "state", "state", WAM_FIELD_REQUIRED, 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->message, "state 'qq' is not a known ISO 3166 country code");
	assert_int_equal(wam_take_int(out, in, "year", "year", 1, 2, WAM_FIELD_REQUIRED, 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->message, "year is required");
	json_decref(in);
	json_decref(out);
}

static void test_field_take_all_leaves_keys_to_caller(void **state)
{
	test_reg *r = *state;
	json_t *in = json_pack("{s:s, s:s}", "extra", "kept out", "name", "far too long a name"), *out = json_object();
	assert_int_equal(wam_field_take_all(r->db, out, in, record, "lot.", 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "lot.name");
	assert_string_equal(wam_error_last()->message, "lot.name is longer than 10 bytes");
	json_object_set_new(in, "name", json_string("Lot 7"));
	assert_int_equal(wam_field_take_all(r->db, out, in, record, "lot.", 0), 0);
	assert_null(json_object_get(out, "extra"));
	assert_string_equal(json_string_value(json_object_get(out, "colour")), "red");
	json_decref(in);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_field_table_copies_canonical_values),
	    TEST_IN_HT(test_field_table_refuses_unknown_key_listing_table),
	    TEST_IN_HT(test_field_table_names_first_failure_with_prefix),
	    TEST_IN_HT(test_field_country_any_unknown_wording),
	    TEST_IN_HT(test_field_take_reads_table_flags),
	    TEST_IN_HT(test_field_take_all_leaves_keys_to_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
