/* unit-csv: the RFC 4180 reader (wam_csv_next) — quoted fields with commas,
 * doubled quotes and line breaks (later records keep their true line
 * numbers), CRLF records, a UTF-8 byte order mark, and the malformed cases:
 * an unterminated quote, a field longer than WAM_CSV_MAX_FIELD, more than
 * WAM_CSV_MAX_FIELDS fields, text after a closing quote. After a malformed record the reader carries on with the
 * next line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

typedef struct reader {
	FILE *f;
	wam_csv csv;
} reader;

static void open_text(reader *r, const char *text, size_t n)
{
	memset(r, 0, sizeof *r);
	r->f = fmemopen((void *)text, n, "rb");
	assert_non_null(r->f);
	r->csv.in = r->f;
}

#define OPEN(r, lit) open_text(r, lit, sizeof lit - 1)

static void close_reader(reader *r)
{
	wam_csv_free(&r->csv);
	fclose(r->f);
}

/* Reads one record and checks its fields ("|"-joined) and first line. */
static void expect_record(reader *r, const char *joined, long line)
{
	wam_error_clear();
	int rc = wam_csv_next(&r->csv);
	if (rc != 1)
		fail_msg("expected a record \"%s\", got %d: %s", joined, rc, wam_error_last()->message);
	wam_buf b = {0};
	for (size_t i = 0; i < r->csv.nfields; i++) {
		if (i)
			wam_buf_putc(&b, '|');
		wam_buf_puts(&b, r->csv.fields[i]);
	}
	if (strcmp(b.p ? b.p : "", joined) != 0)
		fail_msg("record \"%s\", expected \"%s\"", b.p ? b.p : "", joined);
	wam_buf_free(&b);
	assert_int_equal(r->csv.record_line, line);
}

static void expect_error(reader *r, long line, const char *in_message)
{
	wam_error_clear();
	int rc = wam_csv_next(&r->csv);
	if (rc >= 0)
		fail_msg("expected an error mentioning \"%s\", got %d (%zu fields)", in_message, rc, r->csv.nfields);
	assert_int_equal(rc, WAM_EINVAL);
	assert_int_equal(wam_error_last()->line, line);
	if (!strstr(wam_error_last()->message, in_message))
		fail_msg("message should mention \"%s\": %s", in_message, wam_error_last()->message);
}

static void expect_end(reader *r)
{
	assert_int_equal(wam_csv_next(&r->csv), 0);
}

static void test_csv_plain_and_quoted_commas(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "id,model,serial\n1,\"Model 12, short\",A1\n2,,\"\"\n");
	expect_record(&r, "id|model|serial", 1);
	expect_record(&r, "1|Model 12, short|A1", 2);
	expect_record(&r, "2||", 3);
	expect_end(&r);
	close_reader(&r);
}

static void test_csv_doubled_quotes(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "\"say \"\"hi\"\"\",\"\"\"\",x\n");
	expect_record(&r, "say \"hi\"|\"|x", 1);
	expect_end(&r);
	close_reader(&r);
}

static void test_csv_embedded_newlines_keep_line_numbers(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "a,notes\n1,\"first line\nsecond line\nthird\"\n2,plain\n3,\"x\n\"\n4,end");
	expect_record(&r, "a|notes", 1);
	expect_record(&r, "1|first line\nsecond line\nthird", 2);
	expect_record(&r, "2|plain", 5);
	expect_record(&r, "3|x\n", 6);
	expect_record(&r, "4|end", 8); /* no newline at the end of the file */
	expect_end(&r);
	close_reader(&r);
}

static void test_csv_crlf_records(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "a,b\r\n1,\"two\r\nlines\"\r\n3,4\r\n");
	expect_record(&r, "a|b", 1);
	expect_record(&r, "1|two\r\nlines", 2);
	expect_record(&r, "3|4", 4);
	expect_end(&r);
	close_reader(&r);
}

static void test_csv_bom_skipped(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "\xEF\xBB\xBFid,category\n1,SA1\n");
	expect_record(&r, "id|category", 1);
	assert_string_equal(r.csv.fields[0], "id");
	expect_record(&r, "1|SA1", 2);
	expect_end(&r);
	close_reader(&r);
	/* a BOM-like start that is not a BOM is data */
	OPEN(&r, "\xEF\xBBx\n");
	expect_record(&r, "\xEF\xBBx", 1);
	close_reader(&r);
}

static void test_csv_unterminated_quote(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "a,b\n1,2\n3,\"never closed\n4,5\n");
	expect_record(&r, "a|b", 1);
	expect_record(&r, "1|2", 2);
	expect_error(&r, 3, "never closed");
	close_reader(&r);
}

static void test_csv_text_after_closing_quote(void **state)
{
	(void)state;
	reader r;
	OPEN(&r, "a,b\n\"12\"34,x\n5,6\n");
	expect_record(&r, "a|b", 1);
	expect_error(&r, 2, "closing quote");
	expect_record(&r, "5|6", 3);
	expect_end(&r);
	close_reader(&r);
}

/* Builds "a,b\n1,<n x's>\n2,ok\n". */
static char *long_field_text(size_t n, size_t *len)
{
	char *s = malloc(n + 32);
	size_t k = (size_t)snprintf(s, n + 32, "a,b\n1,");
	memset(s + k, 'x', n);
	k += n;
	k += (size_t)snprintf(s + k, 32, "\n2,ok\n");
	*len = k;
	return s;
}

static void test_csv_field_at_limit_accepted(void **state)
{
	(void)state;
	reader r;
	size_t len;
	char *text = long_field_text(WAM_CSV_MAX_FIELD, &len);
	open_text(&r, text, len);
	expect_record(&r, "a|b", 1);
	assert_int_equal(wam_csv_next(&r.csv), 1);
	assert_int_equal(strlen(r.csv.fields[1]), WAM_CSV_MAX_FIELD);
	expect_record(&r, "2|ok", 3);
	close_reader(&r);
	free(text);
}

static void test_csv_field_over_limit_rejected(void **state)
{
	(void)state;
	reader r;
	size_t len;
	char *text = long_field_text(WAM_CSV_MAX_FIELD + 200, &len);
	open_text(&r, text, len);
	expect_record(&r, "a|b", 1);
	expect_error(&r, 2, "longer than");
	expect_record(&r, "2|ok", 3);
	expect_end(&r);
	close_reader(&r);
	free(text);
}

/* WAM_CSV_MAX_FIELD is "bytes in one field": one byte more is too long. */
static void test_csv_field_one_over_limit_rejected(void **state)
{
	(void)state;
	reader r;
	size_t len;
	char *text = long_field_text(WAM_CSV_MAX_FIELD + 1, &len);
	open_text(&r, text, len);
	expect_record(&r, "a|b", 1);
	wam_error_clear();
	int rc = wam_csv_next(&r.csv);
	if (rc == 1)
		fail_msg("a field of %d bytes was accepted (WAM_CSV_MAX_FIELD is %d)", WAM_CSV_MAX_FIELD + 1,
		         WAM_CSV_MAX_FIELD);
	assert_int_equal(rc, WAM_EINVAL);
	close_reader(&r);
	free(text);
}

static void test_csv_too_many_fields(void **state)
{
	(void)state;
	reader r;
	char text[512];
	size_t n = 0;
	for (int i = 0; i <= WAM_CSV_MAX_FIELDS; i++) /* 65 fields */
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%d", i ? "," : "", i % 10);
	n += (size_t)snprintf(text + n, sizeof text - n, "\nnext,row\n");
	open_text(&r, text, n);
	expect_error(&r, 1, "more than 64 fields");
	expect_record(&r, "next|row", 2);
	expect_end(&r);
	close_reader(&r);
}

/* Values a spreadsheet would run get an apostrophe in front, those behind
 * leading blanks a spreadsheet may trim too, and so does one that begins
 * with an apostrophe; taking one off gives every value back byte for byte. */
static void test_csv_formula_cells_neutralised_and_restored(void **state)
{
	(void)state;
	static const char *const values[] = {"=HYPERLINK(\"http://x\",\"y\")",
	                                     "+1+2",
	                                     "@SUM(A1)",
	                                     "\tTAB",
	                                     "\rCR",
	                                     "-2+3+cmd|' /C calc'!A0",
	                                     "-AB12",
	                                     "'quoted",
	                                     "''two",
	                                     "'",
	                                     "-",
	                                     "-1.",
	                                     "-12",
	                                     "-1.5",
	                                     "56-1234567",
	                                     "plain",
	                                     " = spaced",
	                                     "a,b",
	                                     " =1+2",
	                                     "   +1+2",
	                                     " @SUM(A1)",
	                                     "  -AB12",
	                                     " -12",
	                                     "\nLF",
	                                     "\n=1+2",
	                                     " \t=1",
	                                     "  plain",
	                                     " 'x",
	                                     "\v=1",
	                                     "\f+1",
	                                     "\xc2\xa0=1+2",      /* a no-break space */
	                                     "\xef\xbb\xbf=1",    /* a byte order mark */
	                                     "\xe2\x80\x8b@x",    /* a zero width space */
	                                     "\xe3\x80\x80-AB12", /* an ideographic space */
	                                     "\xc2\xa0plain",
	                                     NULL};
	static const char *const written[] = {"\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
	                                      "'+1+2",
	                                      "'@SUM(A1)",
	                                      "'\tTAB",
	                                      "\"'\rCR\"",
	                                      "'-2+3+cmd|' /C calc'!A0",
	                                      "'-AB12",
	                                      "''quoted",
	                                      "'''two",
	                                      "''",
	                                      "'-",
	                                      "'-1.",
	                                      "-12",
	                                      "-1.5",
	                                      "56-1234567",
	                                      "plain",
	                                      "' = spaced",
	                                      "\"a,b\"",
	                                      "' =1+2",
	                                      "'   +1+2",
	                                      "' @SUM(A1)",
	                                      "'  -AB12",
	                                      "\" -12\"",
	                                      "\"'\nLF\"",
	                                      "\"'\n=1+2\"",
	                                      "' \t=1",
	                                      "\"  plain\"",
	                                      "\" 'x\"",
	                                      "'\v=1",
	                                      "'\f+1",
	                                      "'\xc2\xa0=1+2",
	                                      "'\xef\xbb\xbf=1",
	                                      "'\xe2\x80\x8b@x",
	                                      "'\xe3\x80\x80-AB12",
	                                      "\xc2\xa0plain"};
	for (int i = 0; values[i]; i++) {
		char *text = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&text, &n);
		wam_csv_put_text(f, values[i], true);
		fclose(f);
		char expected[128];
		snprintf(expected, sizeof expected, "%s\n", written[i]);
		assert_string_equal(text, expected);
		reader r;
		open_text(&r, text, n);
		assert_int_equal(wam_csv_next(&r.csv), 1);
		assert_string_equal(wam_csv_text(r.csv.fields[0]), values[i]);
		close_reader(&r);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_plain_and_quoted_commas),
	    cmocka_unit_test(test_csv_doubled_quotes),
	    cmocka_unit_test(test_csv_embedded_newlines_keep_line_numbers),
	    cmocka_unit_test(test_csv_crlf_records),
	    cmocka_unit_test(test_csv_bom_skipped),
	    cmocka_unit_test(test_csv_unterminated_quote),
	    cmocka_unit_test(test_csv_text_after_closing_quote),
	    cmocka_unit_test(test_csv_field_at_limit_accepted),
	    cmocka_unit_test(test_csv_field_over_limit_rejected),
	    cmocka_unit_test(test_csv_field_one_over_limit_rejected),
	    cmocka_unit_test(test_csv_too_many_fields),
	    cmocka_unit_test(test_csv_formula_cells_neutralised_and_restored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
