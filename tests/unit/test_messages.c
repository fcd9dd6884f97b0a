/* unit-messages: an error, and a message written with wam_message_json,
 * carry the id of their format in the message catalogue (src/messages.json)
 * and the values of its conversions, each formatted as in the English
 * message (precision, lengths, numbers); a format the catalogue does not
 * know gives an empty id and no args; an arg too long is cut on a whole
 * UTF-8 character; setting an error allocates nothing; an error restored
 * or said of a part keeps the inner sentence's id and args. */
#include <string.h>

#include "helpers.h"
#include "util/messages.h"

/* AddressSanitizer brings its own allocator, which this program must not
 * replace: there the count is not taken (the plain build takes it). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED_ALLOCATOR 1
#endif
#endif

static int counting;
static long allocations;

#ifndef SANITIZED_ALLOCATOR
/* This program's allocator counts the calls made while `counting` (glibc
 * keeps its own under the __libc_ names). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n)
{
	allocations += counting;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	allocations += counting;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	allocations += counting;
	return __libc_realloc(p, n);
}
#endif

static void test_error_carries_id_and_args(void **state)
{
	(void)state;
	wam_error_clear();
	int rc = wam_error_set_line(WAM_EINVAL, 7, "serial", "%s is required", "serial");
	const wam_error *e = wam_error_last();
	assert_int_equal(rc, WAM_EINVAL);
	assert_string_equal(e->message, "serial is required");
	assert_string_equal(e->message_id, "store.required");
	assert_int_equal(e->nargs, 1);
	assert_string_equal(e->args[0], "serial");
	assert_int_equal(e->line, 7);
	assert_string_equal(e->field, "serial");
}

static void test_numbers_are_formatted_as_in_the_message(void **state)
{
	(void)state;
	wam_error_set(WAM_EINVAL, "n", "%s %ld is outside %ld to %ld", "count", 12L, -3L, 10L);
	const wam_error *e = wam_error_last();
	assert_string_equal(e->message_id, "store.integer_outside");
	assert_int_equal(e->nargs, 4);
	assert_string_equal(e->args[0], "count");
	assert_string_equal(e->args[1], "12");
	assert_string_equal(e->args[2], "-3");
	assert_string_equal(e->args[3], "10");
	wam_error_set(WAM_EINVAL, "n", "%s %g is outside -%g to %g", "latitude", 91.5, 90.0, 90.0);
	assert_string_equal(e->message, "latitude 91.5 is outside -90 to 90");
	assert_string_equal(e->args[1], "91.5");
	assert_string_equal(e->args[2], "90");
	/* %zu and %u: "a photo is at most %u bytes, not %zu" */
	wam_error_set(WAM_EINVAL, "photo", "a photo is at most %u bytes, not %zu", 100u, (size_t)12345678);
	assert_string_equal(e->message_id, "collection.photo_most_bytes_not");
	assert_string_equal(e->args[0], "100");
	assert_string_equal(e->args[1], "12345678");
}

static void test_precision_survives_in_the_args(void **state)
{
	(void)state;
	const char *long_id = "0123456789012345678901234567890123456789TAIL-NOT-SHOWN";
	wam_error_set(WAM_ENOTFOUND, "id", "no weapon with id '%.40s'", long_id);
	const wam_error *e = wam_error_last();
	assert_string_not_equal(e->message_id, "");
	assert_string_equal(e->message_id, wam_message_id("no weapon with id '%.40s'"));
	assert_int_equal(e->nargs, 1);
	assert_int_equal(strlen(e->args[0]), 40);
	assert_memory_equal(e->args[0], long_id, 40);
	assert_null(strstr(e->message, "TAIL"));
}

static void test_unknown_format_has_no_id(void **state)
{
	(void)state;
	wam_error_set(WAM_EINVAL, "x", "a sentence no catalogue holds: %d", 3);
	const wam_error *e = wam_error_last();
	assert_string_equal(e->message, "a sentence no catalogue holds: 3");
	assert_string_equal(e->message_id, "");
	assert_int_equal(e->nargs, 0);
	assert_string_equal(wam_message_id("a sentence no catalogue holds: %d"), "");
	assert_string_equal(wam_message_id(NULL), "");
	wam_error_clear();
	assert_non_null(wam_error_last()->message_id);
	assert_string_equal(wam_error_last()->message_id, "");
}

/* every entry of the table is found by its own format, and the table is in
 * the order bsearch needs */
static void test_table_is_sorted_and_whole(void **state)
{
	(void)state;
	assert_true(wam_message_count > 300);
	for (size_t i = 0; i < wam_message_count; i++) {
		if (i)
			assert_true(strcmp(wam_messages[i - 1].format, wam_messages[i].format) < 0);
		assert_string_equal(wam_message_id(wam_messages[i].format), wam_messages[i].id);
	}
}

static void test_long_arg_is_cut_on_a_whole_character(void **state)
{
	(void)state;
	char name[400] = "";
	for (int i = 0; i < 150; i++)
		strcat(name, "é"); /* two bytes each */
	wam_error_set(WAM_EINVAL, "name", "%s is required", name);
	const wam_error *e = wam_error_last();
	size_t n = strlen(e->args[0]);
	assert_true(n < WAM_MESSAGE_ARG_MAX);
	assert_int_equal(n % 2, 0); /* no half of an é */
	assert_true(n >= WAM_MESSAGE_ARG_MAX - 2);
	json_t *s = json_string(e->args[0]); /* valid UTF-8 */
	assert_non_null(s);
	json_decref(s);
}

static void test_setting_an_error_allocates_nothing(void **state)
{
	(void)state;
#ifdef SANITIZED_ALLOCATOR
	return; /* nothing to count with: the plain build checks it */
#endif
	wam_error_set(WAM_EINVAL, "serial", "%s is required", "serial"); /* the thread's record exists */
	json_t *probe = json_object();                                   /* the counting sees an allocation */
	allocations = 0;
	counting = 1;
	json_t *seen = json_string("counted");
	counting = 0;
	assert_true(allocations > 0);
	json_decref(seen);
	json_decref(probe);
	allocations = 0;
	counting = 1;
	for (int i = 0; i < 1000; i++) {
		wam_error_set(WAM_EINVAL, "serial", "%s is required", "serial");
		wam_error_set_line(WAM_ENOTFOUND, i, "id", "no weapon with id '%.40s'", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
		wam_error_set(WAM_EINVAL, "n", "%s %g is outside -%g to %g", "latitude", 91.5, 90.0, 90.0);
		wam_error_set(WAM_EINVAL, "x", "a sentence no catalogue holds: %d", i);
	}
	counting = 0;
	assert_int_equal(allocations, 0);
}

static void test_restore_and_within_keep_the_sentence(void **state)
{
	(void)state;
	wam_error_set(WAM_EINVAL, "kind", "%s is required", "kind");
	wam_error saved = *wam_error_last();
	wam_error_set(WAM_EIO, NULL, "a sentence no catalogue holds: %d", 1);
	assert_int_equal(wam_error_restore(&saved), WAM_EINVAL);
	const wam_error *e = wam_error_last();
	assert_string_equal(e->message_id, "store.required");
	assert_string_equal(e->args[0], "kind");
	assert_int_equal(wam_error_within(WAM_EINVAL, "weapons[2].kind", "weapons[%zu]", (size_t)2), WAM_EINVAL);
	assert_string_equal(e->message, "weapons[2]: kind is required");
	assert_string_equal(e->field, "weapons[2].kind");
	assert_string_equal(e->message_id, "store.required");
	assert_int_equal(e->nargs, 1);
	assert_string_equal(e->args[0], "kind");
}

static void test_message_json(void **state)
{
	(void)state;
	json_t *m = wam_message_json("the marking is %s: read it again or say what is legible", "partial");
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "message")),
	                    "the marking is partial: read it again or say what is legible");
	assert_string_equal(json_string_value(json_object_get(m, "message_id")), "trace.marking_read_again_say_what");
	json_t *args = json_object_get(m, "args");
	assert_int_equal(json_array_size(args), 1);
	assert_string_equal(json_string_value(json_array_get(args, 0)), "partial");
	json_decref(m);
	wam_error_set(WAM_EINVAL, "serial", "%s is required", "serial");
	m = wam_error_json(wam_error_last());
	assert_string_equal(json_string_value(json_object_get(m, "message")), "serial is required");
	assert_string_equal(json_string_value(json_object_get(m, "message_id")), "store.required");
	assert_string_equal(json_string_value(json_array_get(json_object_get(m, "args"), 0)), "serial");
	json_decref(m);
}

/* a marking reason of the registry's rules has its id and args */
static void test_marking_reason_is_a_message(void **state)
{
	(void)state;
	json_t *item = json_pack("{s:s, s:s, s:[]}", "serial", "A1", "country", "US", "markings"), *said = NULL;
	json_object_set_new(item, "make", json_string("Acme"));
	const char *status = wam_registry_marking(item, "HT", &said);
	assert_string_equal(status, "inadequate");
	assert_string_equal(json_string_value(json_object_get(said, "message")),
	                    "R2: made in US but no import marking for HT");
	assert_string_equal(json_string_value(json_object_get(said, "message_id")), "registry.r2_made_but_no_import");
	assert_string_equal(json_string_value(json_array_get(json_object_get(said, "args"), 1)), "HT");
	char reason[256];
	assert_string_equal(wam_registry_marking_status(item, "HT", reason, sizeof reason), "inadequate");
	assert_string_equal(reason, "R2: made in US but no import marking for HT");
	json_decref(said);
	json_decref(item);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_carries_id_and_args),
	    cmocka_unit_test(test_numbers_are_formatted_as_in_the_message),
	    cmocka_unit_test(test_precision_survives_in_the_args),
	    cmocka_unit_test(test_unknown_format_has_no_id),
	    cmocka_unit_test(test_table_is_sorted_and_whole),
	    cmocka_unit_test(test_long_arg_is_cut_on_a_whole_character),
	    cmocka_unit_test(test_setting_an_error_allocates_nothing),
	    cmocka_unit_test(test_restore_and_within_keep_the_sentence),
	    cmocka_unit_test(test_message_json),
	    cmocka_unit_test(test_marking_reason_is_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
