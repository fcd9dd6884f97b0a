/* Sanctions lists and screening (docs/sanctions.md): each rule is shown to
 * hold by a case that would fail if the rule broke, and every refusal
 * leaves the ledger as it was: the same number of events, and a ledger
 * that verifies. The list is the fictitious one shipped in the UN's layout
 * (data/sanctions/fictitious-consolidated.xml) and its second version
 * (tests/data/fictitious-consolidated-v2.xml: CFi.906 added, CDi.902
 * amended, QDi.903 removed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/embargo.h"
#include "wam/ledger.h"
#include "wam/stock.h"
#include "wam/sanctions.h"
#include "wam/transfers.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

static char *fixture(const char *which, size_t *len)
{
	char path[1024];
	if (!strcmp(which, "v1"))
		snprintf(path, sizeof path, "%s/sanctions/fictitious-consolidated.xml", getenv("WAM_DATA_DIR"));
	else
		snprintf(path, sizeof path, "%s/../tests/data/fictitious-consolidated-v2.xml", getenv("WAM_DATA_DIR"));
	return slurp(path, len);
}

static json_t *import_file(test_reg *r, const char *which)
{
	size_t len;
	char *xml = fixture(which, &len);
	json_t *out = NULL;
	int rc = wam_sanctions_import(r->db, &out, xml, len, NULL, NULL);
	if (rc)
		fail_msg("import %s: %s", which, wam_error_last()->message);
	free(xml);
	return out;
}

static void unchanged(test_reg *r, long long events)
{
	test_unchanged(r, events);
}

static void verified(test_reg *r)
{
	test_unchanged(r, test_events(r));
}

/* The best candidate's reference for `name`, NULL when none. */
static const char *best(test_reg *r, const char *name, char *buf, size_t cap)
{
	wam_sanctions_query q = {.name = name};
	json_t *out = NULL;
	assert_int_equal(wam_sanctions_screen(r->db, &out, &q), 0);
	const json_t *c = json_array_get(json_object_get(out, "candidates"), 0);
	const char *ref = c ? test_str(json_object_get(c, "entry"), "reference") : NULL;
	if (ref)
		snprintf(buf, cap, "%s", ref);
	json_decref(out);
	return ref ? buf : NULL;
}

static json_t *holder(test_reg *r, const char *name)
{
	char text[256];
	json_t *out = NULL;
	snprintf(text, sizeof text, "{\"type\":\"civilian\",\"name\":\"%s\"}", name);
	json_t *in = test_json(text);
	if (wam_registry_holder_add(r->db, &out, in))
		fail_msg("holder: %s", wam_error_last()->message);
	json_decref(in);
	return out;
}

/* The alert a holder raised, as the alerts list shows it; NULL for none. */
static json_t *alert_of_holder(test_reg *r, const char *holder_id)
{
	json_t *all = NULL, *a, *s, *found = NULL;
	size_t i, j;
	assert_int_equal(wam_sanctions_alerts(r->db, &all, NULL), 0);
	json_array_foreach(all, i, a) json_array_foreach(json_object_get(a, "subjects"), j, s)
	{
		if (!found && !strcmp(test_str(s, "kind"), "holder") && !strcmp(test_str(s, "id"), holder_id))
			found = json_incref(a);
	}
	json_decref(all);
	return found;
}

/* The alert keeps the engine's explanation of how `name` matched: a part
 * per name part, each saying how, those of the name asked with their span
 * [start, end) in it, at least one matched. */
static void explained(const json_t *alert, const char *name)
{
	const json_t *x = json_object_get(alert, "explanation"), *part;
	size_t i, matched = 0;
	assert_true(json_is_array(x));
	assert_true(json_array_size(x) > 0);
	json_array_foreach(x, i, part)
	{
		const json_t *at = json_object_get(part, "at");
		assert_non_null(test_str(part, "how"));
		if (json_is_null(json_object_get(part, "query_part")))
			continue;
		assert_true(json_is_array(at));
		json_int_t a = json_integer_value(json_array_get(at, 0)), b = json_integer_value(json_array_get(at, 1));
		assert_true(a >= 0 && a < b && (size_t)b <= strlen(name));
		matched += json_is_string(json_object_get(part, "entry_part"));
	}
	assert_true(matched > 0);
}

/* ---- import ---- */

static void test_import_reads_the_un_layout(void **state)
{
	test_reg *r = *state;
	long long before = test_events(r);
	json_t *out = import_file(r, "v1");
	assert_int_equal(json_array_size(json_object_get(out, "added")), 5);
	assert_string_equal(test_str(out, "generated"), "2026-01-15T00:00:00.000Z");
	assert_int_equal(strlen(test_str(out, "sha256")), 64);
	json_decref(out);
	assert_int_equal(test_events(r), before + 1); /* one event per import */
	json_t *list = NULL;
	assert_int_equal(wam_sanctions_entries(r->db, &list, "QUMRAWI", false, 0), 0);
	assert_int_equal(json_array_size(list), 1);
	const json_t *e = json_array_get(list, 0);
	assert_string_equal(test_str(e, "reference"), "LYi.901");
	assert_string_equal(test_str(e, "kind"), "individual");
	assert_string_equal(test_str(e, "name_original_script"), "مصطفى يوسف القمراوي");
	assert_string_equal(test_str(json_array_get(json_object_get(e, "dobs"), 0), "kind"), "exact");
	assert_string_equal(test_str(json_array_get(json_object_get(e, "dobs"), 0), "date"), "1971-03-14");
	assert_string_equal(test_str(json_array_get(json_object_get(e, "documents"), 0), "number"), "FX0000901");
	/* aliases keep their quality */
	bool low = false;
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(e, "names"), i, n) low |= !strcmp(test_str(n, "quality"), "low");
	assert_true(low);
	json_decref(list);
	assert_int_equal(wam_sanctions_entries(r->db, &list, "Tirzawi", false, 0), 0);
	e = json_array_get(list, 0);
	assert_string_equal(test_str(json_array_get(json_object_get(e, "dobs"), 0), "kind"), "between");
	json_decref(list);
	assert_int_equal(wam_sanctions_entries(r->db, &list, NULL, false, 0), 0);
	assert_int_equal(json_array_size(list), 5);
	json_decref(list);
	assert_int_equal(wam_sanctions_imports(r->db, &list), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	verified(r);
}

static void test_same_file_twice_refused(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	long long before = test_events(r);
	size_t len;
	char *xml = fixture("v1", &len);
	json_t *out = NULL;
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "generated");
	assert_null(out);
	free(xml);
	unchanged(r, before);
}

/* A copy of fixture `which` whose dateGenerated is `generated`. */
static char *redated(const char *which, const char *generated, size_t *len)
{
	char *xml = fixture(which, len), *at = strstr(xml, "dateGenerated=\"");
	assert_non_null(at);
	at += strlen("dateGenerated=\"");
	char *end = strchr(at, '"');
	size_t head = (size_t)(at - xml), tail = *len - (size_t)(end - xml);
	char *out = malloc(head + strlen(generated) + tail + 1);
	assert_non_null(out);
	memcpy(out, xml, head);
	memcpy(out + head, generated, strlen(generated));
	memcpy(out + head + strlen(generated), end, tail);
	*len = head + strlen(generated) + tail;
	out[*len] = 0;
	free(xml);
	return out;
}

/* A list is newer than the last of its source, by its own generation
 * date; a list generated before (or when) the last one is refused naming
 * `generated`, whatever its bytes; a later one is imported, even after a
 * bad one. */
static void test_import_in_generation_order(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1")); /* generated 2026-01-15 */
	size_t len;
	json_t *out = NULL;
	long long before = test_events(r);
	char *older = redated("v2", "2026-01-14T23:59:59Z", &len);
	assert_int_equal(wam_sanctions_import(r->db, &out, older, len, NULL, NULL), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "generated");
	assert_non_null(strstr(wam_error_last()->message, "2026-01-14T23:59:59Z"));
	unchanged(r, before);
	free(older);
	/* the same instant written with a zone is not later */
	char *same = redated("v2", "2026-01-15T01:00:00+01:00", &len);
	assert_int_equal(wam_sanctions_import(r->db, &out, same, len, NULL, NULL), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "generated");
	unchanged(r, before);
	free(same);
	/* a later list after a "bad" one, then the corrected one later still */
	char *bad = redated("v2", "2026-02-01T00:00:00Z", &len);
	assert_int_equal(wam_sanctions_import(r->db, &out, bad, len, NULL, NULL), 0);
	json_decref(out);
	free(bad);
	char *good = redated("v1", "2026-02-02T00:00:00Z", &len);
	if (wam_sanctions_import(r->db, &out, good, len, NULL, NULL))
		fail_msg("the corrected list: %s", wam_error_last()->message);
	assert_int_equal(json_array_size(json_object_get(out, "added")), 0);
	json_decref(out);
	free(good);
	verified(r);
}

/* dateGenerated is an ISO 8601 date-time: anything else is refused naming
 * the line and the attribute; a list with no entries is refused naming
 * the file. */
static void test_generated_and_empty_refused(void **state)
{
	test_reg *r = *state;
	long long before = test_events(r);
	size_t len;
	json_t *out = NULL;
	static const char *const bad_dates[] = {
	    "yesterday", "2026-01-15", "2026-02-30T00:00:00Z", "2026-01-15T25:00:00Z", "2026-01-15T10:00:00+1", NULL};
	for (int i = 0; bad_dates[i]; i++) {
		char *xml = redated("v1", bad_dates[i], &len);
		assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "dateGenerated");
		assert_int_equal(wam_error_last()->line, 4);
		assert_non_null(strstr(wam_error_last()->message, bad_dates[i]));
		free(xml);
	}
	const char *empty = "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\">\n"
	                    "<INDIVIDUALS/>\n<ENTITIES></ENTITIES>\n</CONSOLIDATED_LIST>\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, empty, strlen(empty), NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "file");
	assert_non_null(strstr(wam_error_last()->message, "no entries"));
	const char *header = "reference,kind,name\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, header, strlen(header), "csv", "HT national"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "file");
	assert_non_null(strstr(wam_error_last()->message, "no entries"));
	unchanged(r, before);
}

/* A copy of fixture v1 with `from` (the first) replaced by `to`. */
static char *edited(const char *from, const char *to, size_t *len)
{
	char *xml = fixture("v1", len), *at = strstr(xml, from);
	if (!at)
		fail_msg("no %s in the fixture", from);
	size_t head = (size_t)(at - xml), tail = *len - head - strlen(from);
	char *out = malloc(head + strlen(to) + tail + 1);
	assert_non_null(out);
	memcpy(out, xml, head);
	memcpy(out + head, to, strlen(to));
	memcpy(out + head + strlen(to), at + strlen(from), tail);
	*len = head + strlen(to) + tail;
	out[*len] = 0;
	free(xml);
	return out;
}

/* The line of `needle` (its first occurrence) in `text`. */
static long line_in(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	long line = 1;
	assert_non_null(at);
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Every refusal of a list names its line and element (or row and column),
 * the element in a sentence of its own, the line once; nothing is
 * silently dropped; nothing is written. */
static void test_list_refusals_name_line_and_element(void **state)
{
	test_reg *r = *state;
	long long before = test_events(r);
	size_t len;
	json_t *out = NULL;
	struct {
		const char *from, *to, *field, *line_of, *words;
	} cases[] = {
	    /* a second REFERENCE_NUMBER in one INDIVIDUAL */
	    {"<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>",
	     "<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>\n<REFERENCE_NUMBER>CDi.999</REFERENCE_NUMBER>",
	     "REFERENCE_NUMBER", "CDi.999", "INDIVIDUAL has REFERENCE_NUMBER twice"},
	    /* a second FIRST_NAME */
	    {"<THIRD_NAME>AL-QUMRAWI</THIRD_NAME>",
	     "<THIRD_NAME>AL-QUMRAWI</THIRD_NAME>\n<FIRST_NAME>OTHER</FIRST_NAME>", "FIRST_NAME", "OTHER",
	     "INDIVIDUAL has FIRST_NAME twice"},
	    /* the same reference in two entries */
	    {"<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>", "<REFERENCE_NUMBER>LYi.901</REFERENCE_NUMBER>",
	     "REFERENCE_NUMBER", "<REFERENCE_NUMBER>LYi.901</REFERENCE_NUMBER>", "is an earlier entry's"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *xml = edited(cases[i].from, cases[i].to, &len);
		assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, cases[i].field);
		if (!strstr(wam_error_last()->message, cases[i].words))
			fail_msg("case %zu: %s", i, wam_error_last()->message);
		/* the duplicate reference: the second entry's line */
		long want = line_in(xml, cases[i].line_of);
		if (i == 2) { /* the second of the two */
			const char *second =
			    strstr(strstr(xml, "<REFERENCE_NUMBER>LYi.901") + 1, "<REFERENCE_NUMBER>LYi.901");
			want = 1;
			for (const char *p = xml; p < second; p++)
				want += *p == '\n';
		}
		assert_int_equal(wam_error_last()->line, want);
		free(xml);
	}
	/* a blank FIRST_NAME is refused, not dropped for the other parts */
	char *xml = fixture("v1", &len);
	char *at = strstr(xml, "<FIRST_NAME>");
	assert_non_null(at);
	char *end = strstr(at, "</FIRST_NAME>");
	memset(at + strlen("<FIRST_NAME>"), ' ', (size_t)(end - at) - strlen("<FIRST_NAME>"));
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "FIRST_NAME");
	assert_int_equal(wam_error_last()->line, line_in(xml, "<FIRST_NAME>"));
	assert_non_null(strstr(wam_error_last()->message, "FIRST_NAME of INDIVIDUAL is blank"));
	free(xml);
	/* the element's words are the format's, the element its argument */
	xml = edited("<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>", "", &len);
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->message_id, "sanctions.line_has_no_reference_number");
	assert_int_equal(wam_error_last()->nargs, 2);
	free(xml);
	/* a DOCTYPE: the line of the first element, never -1 */
	const char *dtd =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\"><INDIVIDUALS/></CONSOLIDATED_LIST>\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, dtd, strlen(dtd), NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "DOCTYPE");
	assert_int_equal(wam_error_last()->line, 3);
	assert_null(strstr(wam_error_last()->message, "-1"));
	/* the UN list's source is "un": another is refused, not a second copy */
	xml = fixture("v1", &len);
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, "un-xml", "HT national"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "source");
	free(xml);
	/* CSV: a range that ends before it starts; a reference twice */
	const char *reversed = "reference,name,dob\nHT-1,Someone,1975\nHT-2,Someone Else,1990..1970\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, reversed, strlen(reversed), "csv", "HT national"),
	                 WAM_EINVAL);
	assert_int_equal(wam_error_last()->line, 3);
	assert_string_equal(wam_error_last()->field, "dob");
	const char *twice = "reference,name\nHT-1,Someone\nHT-2,Other\nHT-1,Third\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, twice, strlen(twice), "csv", "HT national"), WAM_EINVAL);
	assert_int_equal(wam_error_last()->line, 4);
	assert_string_equal(wam_error_last()->field, "reference");
	assert_non_null(strstr(wam_error_last()->message, "line 2"));
	unchanged(r, before);
}

/* A malformed or truncated file is refused whole with its line and
 * element; nothing is written. */
static void test_malformed_refused_whole(void **state)
{
	test_reg *r = *state;
	long long before = test_events(r);
	size_t len;
	char *xml = fixture("v1", &len);
	json_t *out = NULL;
	/* truncated in the middle of the third individual */
	size_t cut = (size_t)(strstr(xml, "<DATAID>9900003") - xml) + strlen("<DATAID>9900003</DATAID>");
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, cut, "un-xml", NULL), WAM_EINVAL);
	assert_true(wam_error_last()->line > 1);
	assert_non_null(strstr(wam_error_last()->message, "line "));
	if (!strstr(wam_error_last()->message, "INDIVIDUAL"))
		fail_msg("truncated: %s", wam_error_last()->message);
	unchanged(r, before);
	/* an element that is not closed */
	char *bad = strdup(xml);
	char *at = strstr(bad, "</SECOND_NAME>");
	memcpy(at, "</SECOND_NAMX>", 14);
	assert_int_equal(wam_sanctions_import(r->db, &out, bad, len, NULL, NULL), WAM_EINVAL);
	assert_true(wam_error_last()->line > 1);
	assert_non_null(strstr(wam_error_last()->message, "SECOND_NAME"));
	unchanged(r, before);
	free(bad);
	/* well-formed, but an entry without its reference number */
	bad = strdup(xml);
	at = strstr(bad, "<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>");
	memcpy(at, "<COMMENTS2>xxxxxx</COMMENTS2>", 29);
	memset(at + 29, ' ', strlen("<REFERENCE_NUMBER>CDi.902</REFERENCE_NUMBER>") - 29);
	assert_int_equal(wam_sanctions_import(r->db, &out, bad, len, NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "INDIVIDUAL");
	assert_true(wam_error_last()->line > 20);
	unchanged(r, before);
	free(bad);
	free(xml);
	/* a document type declaration (entities, external files) is refused */
	const char *dtd =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\"><INDIVIDUALS/></CONSOLIDATED_LIST>\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, dtd, strlen(dtd), NULL, NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "DOCTYPE");
	unchanged(r, before);
	json_t *list = NULL;
	assert_int_equal(wam_sanctions_entries(r->db, &list, NULL, false, 0), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

static void test_csv_national_list(void **state)
{
	test_reg *r = *state;
	const char *csv = "reference,kind,name,aliases,dob,nationality,document,listed_on,list_type,comments\n"
	                  "HT-001,individual,Jean-Baptiste Fictif,JB Fictif;Jean Fictif,1975,HT,,2025-05-01,national,"
	                  "fictitious\n"
	                  "HT-002,entity,Fictive Guns SA,,,,,2025-05-01,national,\n";
	json_t *out = NULL;
	assert_int_equal(wam_sanctions_import(r->db, &out, csv, strlen(csv), "csv", NULL), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "source");
	assert_int_equal(wam_sanctions_import(r->db, &out, csv, strlen(csv), NULL, "HT national"), 0);
	assert_int_equal(json_array_size(json_object_get(out, "added")), 2);
	json_decref(out);
	char buf[64];
	assert_non_null(best(r, "Fictive Guns SA", buf, sizeof buf));
	assert_string_equal(buf, "HT-002");
	const char *bad = "reference,name,dob\nHT-003,Someone,19x5\n";
	long long before = test_events(r);
	assert_int_equal(wam_sanctions_import(r->db, &out, bad, strlen(bad), NULL, "HT national"), WAM_EINVAL);
	assert_int_equal(wam_error_last()->line, 2);
	assert_string_equal(wam_error_last()->field, "dob");
	unchanged(r, before);
}

/* The UN list writes countries by name: each is resolved at import to its
 * ISO 3166-1 code through the reference data (case, accents and the UN's
 * "X (Y of)" aside), the name kept; a name no country has stays text. The
 * screening then weighs a query's nationality code against them. */
static void test_countries_resolved_by_name(void **state)
{
	test_reg *r = *state;
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                  "<CONSOLIDATED_LIST dateGenerated=\"2026-02-01T00:00:00.000Z\"><INDIVIDUALS>\n"
	                  "<INDIVIDUAL><FIRST_NAME>ZORBANEK</FIRST_NAME><SECOND_NAME>QELVITRASH</SECOND_NAME>"
	                  "<REFERENCE_NUMBER>KPi.950</REFERENCE_NUMBER>"
	                  "<NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE>"
	                  "<VALUE>IRAN (ISLAMIC REPUBLIC OF)</VALUE><VALUE>C\xc3\xb4te d\xe2\x80\x99Ivoire</VALUE>"
	                  "<VALUE>Libya</VALUE><VALUE>Atlantis</VALUE></NATIONALITY>"
	                  "<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>FX0000950</NUMBER>"
	                  "<ISSUING_COUNTRY>Syrian Arab Republic</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT></INDIVIDUAL>\n"
	                  "<INDIVIDUAL><FIRST_NAME>VORTANIEL</FIRST_NAME><SECOND_NAME>DREXMOUTH</SECOND_NAME>"
	                  "<REFERENCE_NUMBER>RUi.951</REFERENCE_NUMBER>"
	                  "<NATIONALITY><VALUE>Russian Federation</VALUE></NATIONALITY></INDIVIDUAL>\n"
	                  "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n";
	json_t *out = NULL, *list = NULL;
	if (wam_sanctions_import(r->db, &out, xml, strlen(xml), NULL, NULL))
		fail_msg("import: %s", wam_error_last()->message);
	json_decref(out);
	assert_int_equal(wam_sanctions_entries(r->db, &list, "Zorbanek", false, 0), 0);
	const json_t *e = json_array_get(list, 0);
	const json_t *codes = json_object_get(e, "nationality_codes");
	assert_int_equal(json_array_size(codes), 5);
	assert_string_equal(json_string_value(json_array_get(codes, 0)), "KP");
	assert_string_equal(json_string_value(json_array_get(codes, 1)), "IR");
	assert_string_equal(json_string_value(json_array_get(codes, 2)), "CI");
	assert_string_equal(json_string_value(json_array_get(codes, 3)), "LY");
	assert_true(json_is_null(json_array_get(codes, 4))); /* never guessed */
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "nationalities"), 1)),
	                    "IRAN (ISLAMIC REPUBLIC OF)"); /* the list's text kept */
	const json_t *doc = json_array_get(json_object_get(e, "documents"), 0);
	assert_string_equal(test_str(doc, "country"), "Syrian Arab Republic");
	assert_string_equal(test_str(doc, "country_code"), "SY");
	json_decref(list);
	/* a query's nationality now weighs for, or against when every listed one is known */
	struct {
		const char *name, *nationality;
		const char *effect;
	} cases[] = {{"Zorbanek Qelvitrash", "KP", "for"},
	             {"Zorbanek Qelvitrash", "FR", NULL}, /* Atlantis: not every one known */
	             {"Vortaniel Drexmouth", "RU", "for"},
	             {"Vortaniel Drexmouth", "FR", "against"}};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		wam_sanctions_query q = {.name = cases[k].name, .nationality = cases[k].nationality, .threshold = 0.01};
		assert_int_equal(wam_sanctions_screen(r->db, &out, &q), 0);
		const json_t *c = json_array_get(json_object_get(out, "candidates"), 0), *ev;
		assert_non_null(c);
		const char *effect = NULL;
		size_t i;
		json_array_foreach(json_object_get(c, "evidence"), i,
		                   ev) if (!strcmp(test_str(ev, "field"), "nationality")) effect =
		    test_str(ev, "effect");
		if (cases[k].effect) {
			assert_non_null(effect);
			assert_string_equal(effect, cases[k].effect);
		} else
			assert_null(effect);
		json_decref(out);
	}
	/* a national list naming a country is read the same way */
	const char *csv = "reference,name,nationality\nHT-950,Zelmira Fictive,ha\xc3\xafti\nHT-951,Olek Fictif,HT\n";
	assert_int_equal(wam_sanctions_import(r->db, &out, csv, strlen(csv), NULL, "HT national"), 0);
	json_decref(out);
	const char *who[] = {"Zelmira", "Olek"};
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(wam_sanctions_entries(r->db, &list, who[k], false, 0), 0);
		codes = json_object_get(json_array_get(list, 0), "nationality_codes");
		assert_string_equal(json_string_value(json_array_get(codes, 0)), "HT");
		json_decref(list);
	}
	verified(r);
}

/* ---- screening ---- */

/* A listed name is found in Latin, Arabic and Cyrillic script. */
static void test_screen_across_scripts(void **state)
{
	test_reg *r = *state;
	char buf[64];
	json_decref(import_file(r, "v1"));
	assert_non_null(best(r, "Mustafa Yusuf al-Qumrawi", buf, sizeof buf));
	assert_string_equal(buf, "LYi.901");
	assert_non_null(best(r, "مصطفى يوسف القمراوي", buf, sizeof buf));
	assert_string_equal(buf, "LYi.901");
	assert_non_null(best(r, "Игорь Валентинович Ферзенко", buf, sizeof buf));
	assert_string_equal(buf, "CDi.902");
	assert_non_null(best(r, "Testovy Oruzheiny Dom LLC", buf, sizeof buf));
	assert_string_equal(buf, "CDe.905");
	assert_null(best(r, "Marie-Claire Desrosiers", buf, sizeof buf));
	/* a screen reads only */
	long long before = test_events(r);
	wam_sanctions_query q = {.name = ""};
	json_t *out = NULL;
	assert_int_equal(wam_sanctions_screen(r->db, &out, &q), WAM_EINVAL);
	q.name = "x";
	q.dob = "1971-3";
	assert_int_equal(wam_sanctions_screen(r->db, &out, &q), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "dob");
	assert_int_equal(test_events(r), before);
}

static int collect(void *ctx, const char *jsonl, size_t len)
{
	json_t *lines = ctx;
	json_array_append_new(lines, json_loadb(jsonl, len, 0, NULL));
	return 0;
}

static void test_screen_batch(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *lines = json_array();
	const char *tsv = "Mustafa Yusuf al-Qumrawi\t1971\tLY\n\nMarie-Claire Desrosiers\n";
	assert_int_equal(wam_sanctions_screen_batch(r->db, tsv, strlen(tsv), NULL, collect, lines), 0);
	assert_int_equal(json_array_size(lines), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 1), "line")), 3);
	assert_true(json_array_size(json_object_get(json_array_get(lines, 0), "candidates")) >= 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(lines, 1), "candidates")), 0);
	json_array_clear(lines);
	const char *bad = "A\nB\t1\t2\t3\t4\n";
	assert_int_equal(wam_sanctions_screen_batch(r->db, bad, strlen(bad), NULL, collect, lines), WAM_EINVAL);
	assert_int_equal(wam_error_last()->line, 2);
	assert_int_equal(json_array_size(lines), 0); /* nothing written */
	json_decref(lines);
}

/* ---- alerts: recording and acting ---- */

/* A listed broker is registered with its alert; a licence naming it is
 * refused, naming the alert, until an officer clears it. */
static void test_broker_recorded_licence_refused(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *out = NULL, *b = test_json("{\"name\":\"Sahel Fictive Trading SARL\",\"country\":\"NE\","
	                                   "\"registration\":\"BRK-NE-0901\",\"activities\":[\"brokering\"]}");
	assert_int_equal(wam_transfers_broker_add(r->db, &out, b), 0);
	json_decref(b);
	char broker[WAM_ID_LEN + 1];
	snprintf(broker, sizeof broker, "%s", test_str(out, "id"));
	const json_t *f = json_array_get(json_object_get(json_object_get(out, "screening"), "findings"), 0);
	assert_non_null(f);
	assert_string_equal(test_str(f, "screen"), "sanctions");
	char alert[WAM_ID_LEN + 1];
	snprintf(alert, sizeof alert, "%s", test_str(json_object_get(f, "alert"), "id"));
	assert_string_equal(test_str(json_object_get(f, "alert"), "state"), "open");
	json_decref(out);
	char lic[1024];
	snprintf(lic, sizeof lic,
	         "{\"kind\":\"brokering\",\"number\":\"BRK-2026-9\",\"authority\":\"Commission\","
	         "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
	         "\"parties\":[{\"role\":\"broker\",\"broker_id\":\"%s\"},{\"role\":\"exporter\","
	         "\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},{\"role\":\"importer\",\"name\":\"MoD\","
	         "\"country\":\"SN\"}],\"lines\":[{\"category\":\"SA4\",\"quantity\":5}]}",
	         broker);
	json_t *in = test_json(lic);
	long long before = test_events(r);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, alert)); /* the refusal names the alert */
	unchanged(r, before);
	/* confirmed: still refused */
	json_t *d = test_json("{\"reason\":\"same registration as the listed entity's\"}");
	assert_int_equal(wam_sanctions_alert_confirm(r->db, &out, alert, d), 0);
	assert_string_equal(test_str(out, "state"), "confirmed");
	assert_string_equal(test_str(json_object_get(out, "decided"), "reason"),
	                    "same registration as the listed entity's");
	json_decref(out);
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ECONFLICT);
	/* a decided alert is not decided again */
	before = test_events(r);
	assert_int_equal(wam_sanctions_alert_clear(r->db, &out, alert, d), WAM_ECONFLICT);
	unchanged(r, before);
	json_decref(d);
	json_decref(in);
	verified(r);
}

static void test_clear_lets_the_party_through(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *h = holder(r, "Ihor Ferzenko"), *a = alert_of_holder(r, test_str(h, "id")), *out = NULL;
	assert_non_null(a); /* the holder is recorded, its alert raised */
	explained(a, "Ihor Ferzenko"); /* with how the name matched */
	assert_string_equal(test_str(a, "state"), "open");
	assert_string_equal(test_str(json_object_get(a, "entry"), "reference"), "CDi.902");
	json_t *none = test_json("{}"), *d = test_json("{\"reason\":\"different person: born 1990, Haitian\"}");
	long long before = test_events(r);
	assert_int_equal(wam_sanctions_alert_clear(r->db, &out, test_str(a, "id"), none), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reason");
	unchanged(r, before);
	/* a preview of the same party finds the open alert */
	json_t *party = test_json("{\"role\":\"end_user\",\"name\":\"Ihor Ferzenko\",\"country\":\"SN\"}");
	assert_int_equal(wam_transfers_screen(r->db, &out, party, NULL), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	assert_int_equal(wam_sanctions_alert_clear(r->db, &out, test_str(a, "id"), d), 0);
	assert_string_equal(test_str(out, "state"), "cleared");
	json_decref(out);
	/* the same name as a party in another country is not the one cleared */
	assert_int_equal(wam_transfers_screen(r->db, &out, party, NULL), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	/* the same name on another record, known by its name alone, is decided
	 * again: a new alert, which recalls the cleared one and its reason */
	before = test_events(r);
	json_t *h2 = holder(r, "Ihor Ferzenko"), *a2 = alert_of_holder(r, test_str(h2, "id"));
	assert_int_equal(test_events(r), before + 2);
	assert_non_null(a2);
	assert_string_equal(test_str(a2, "state"), "open");
	assert_string_not_equal(test_str(a2, "id"), test_str(a, "id"));
	assert_string_equal(test_str(json_object_get(a2, "previous"), "id"), test_str(a, "id"));
	assert_string_equal(test_str(json_object_get(a2, "previous"), "reason"),
	                    "different person: born 1990, Haitian");
	/* the cleared record itself is not held again (a re-screen meets it) */
	json_t *h1again = alert_of_holder(r, test_str(h, "id"));
	assert_string_equal(test_str(h1again, "id"), test_str(a, "id"));
	json_decref(h1again);
	json_t *open = NULL;
	assert_int_equal(wam_sanctions_alerts(r->db, &open, "open"), 0);
	assert_int_equal(json_array_size(open), 1);
	json_decref(open);
	json_decref(a2);
	json_decref(h2);
	json_decref(party);
	json_decref(none);
	json_decref(d);
	json_decref(a);
	json_decref(h);
	verified(r);
}

/* A re-import that adds a name raises alerts on existing parties; a removed
 * entry no longer blocks new actions, but its past alerts remain. */
static void test_reimport(void **state)
{
	test_reg *r = *state;
	char buf[64];
	json_decref(import_file(r, "v1"));
	json_t *marcel = holder(r, "Marcel Duboisier"), *tirzawi = holder(r, "Abdelrahman Ould Tirzawi");
	json_t *none = alert_of_holder(r, test_str(marcel, "id")), *old = alert_of_holder(r, test_str(tirzawi, "id"));
	assert_null(none); /* not listed yet */
	assert_non_null(old);
	json_t *out = import_file(r, "v2");
	assert_int_equal(json_array_size(json_object_get(out, "added")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "amended")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "removed")), 1);
	assert_int_equal(json_integer_value(json_object_get(out, "unchanged")), 3);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "removed"), 0), "reference"), "QDi.903");
	json_t *changed = json_object_get(json_array_get(json_object_get(out, "amended"), 0), "changed");
	assert_true(json_array_size(changed) >= 1);
	assert_int_equal(json_array_size(json_object_get(out, "alerts")), 1);
	json_t *raised = alert_of_holder(r, test_str(marcel, "id"));
	assert_non_null(raised);
	assert_string_equal(test_str(json_object_get(out, "alerts"), NULL) ? "" : "", "");
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "alerts"), 0)),
	                    test_str(raised, "id"));
	/* raised by the import, it says how the name matched all the same */
	explained(raised, "Marcel Duboisier");
	explained(old, "Abdelrahman Ould Tirzawi");
	json_decref(out);
	/* the removed entry is not screened any more; its alert stays */
	assert_null(best(r, "Abdelrahman Ould Tirzawi", buf, sizeof buf));
	json_t *still = NULL;
	assert_int_equal(wam_sanctions_alert_get(r->db, &still, test_str(old, "id")), 0);
	assert_true(json_is_true(json_object_get(json_object_get(still, "entry"), "removed")));
	json_decref(still);
	json_t *party = test_json("{\"role\":\"end_user\",\"name\":\"Abdelrahman Ould Tirzawi\",\"country\":\"SN\"}");
	assert_int_equal(wam_transfers_screen(r->db, &out, party, NULL), 0);
	assert_true(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_decref(party);
	/* removed entries are listed apart, with the date of the list */
	json_t *list = NULL;
	assert_int_equal(wam_sanctions_entries(r->db, &list, NULL, true, 0), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(test_str(json_array_get(list, 0), "removed_on"), "2026-03-02T00:00:00.000Z");
	json_decref(list);
	json_decref(marcel);
	json_decref(tirzawi);
	json_decref(old);
	json_decref(raised);
	test_expect_rebuilt(r, "SELECT group_concat(id || state || entry_id || party_key, ',') FROM"
	                       " (SELECT * FROM sanctions_alerts ORDER BY id)");
	test_expect_rebuilt(r, "SELECT group_concat(id || coalesce(removed_on, '-') || body, ',') FROM"
	                       " (SELECT * FROM sanctions_entries ORDER BY id)");
}

/* A broker registered on a registry as the demo makes it (the regimes
 * imported, the list imported, the holder of the same name met and its
 * alert confirmed) is recorded with that alert, which then lists the broker
 * among what it blocks; a broker of another listed name is recorded with
 * the alert it raises; a licence naming either is refused naming its alert. */
static void test_broker_on_demo_like_registry(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL;
	assert_int_equal(wam_embargo_regimes_import_file(r->db, &out, NULL), 0);
	json_decref(out);
	json_decref(import_file(r, "v1"));
	/* the dealer in Niger: the same party (name and country) as the broker */
	json_t *hin = test_json("{\"type\":\"dealer\",\"name\":\"Sahel Fictive Trading SARL\",\"country\":\"NE\"}"),
	       *h = NULL;
	if (wam_registry_holder_add(r->db, &h, hin))
		fail_msg("holder: %s", wam_error_last()->message);
	json_decref(hin);
	json_t *a = alert_of_holder(r, test_str(h, "id"));
	assert_non_null(a);
	json_t *d = test_json("{\"reason\":\"the dealer's address is the listed entity's\"}");
	assert_int_equal(wam_sanctions_alert_confirm(r->db, &out, test_str(a, "id"), d), 0);
	json_decref(out);
	json_decref(d);
	static const char *const brokers[][2] = {{"Sahel Fictive Trading SARL", "BRK-NE-0901"},
	                                         {"Testovy Oruzheiny Dom LLC", "BRK-CD-0902"}};
	for (int i = 0; i < 2; i++) {
		char text[512], broker[WAM_ID_LEN + 1], alert[WAM_ID_LEN + 1];
		snprintf(text, sizeof text,
		         "{\"name\":\"%s\",\"country\":\"NE\",\"registration\":\"%s\","
		         "\"activities\":[\"brokering\"]}",
		         brokers[i][0], brokers[i][1]);
		json_t *b = test_json(text);
		if (wam_transfers_broker_add(r->db, &out, b))
			fail_msg("broker %s refused: %s", brokers[i][0], wam_error_last()->message);
		json_decref(b);
		snprintf(broker, sizeof broker, "%s", test_str(out, "id"));
		const json_t *f = json_array_get(json_object_get(json_object_get(out, "screening"), "findings"), 0);
		assert_non_null(f);
		assert_non_null(json_object_get(f, "alert"));
		snprintf(alert, sizeof alert, "%s", test_str(json_object_get(f, "alert"), "id"));
		assert_string_equal(test_str(json_object_get(f, "alert"), "state"), i ? "open" : "confirmed");
		if (!i)
			assert_string_equal(alert, test_str(a, "id"));
		json_decref(out);
		/* the alert blocks the broker */
		bool listed = false;
		const json_t *sub;
		size_t j;
		assert_int_equal(wam_sanctions_alert_get(r->db, &out, alert), 0);
		json_array_foreach(json_object_get(out, "subjects"), j, sub) listed |=
		    !strcmp(test_str(sub, "kind"), "broker") && !strcmp(test_str(sub, "id"), broker);
		assert_true(listed);
		json_decref(out);
		snprintf(text, sizeof text,
		         "{\"kind\":\"brokering\",\"number\":\"BRK-2026-%d\",\"authority\":\"Commission\","
		         "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
		         "\"parties\":[{\"role\":\"broker\",\"broker_id\":\"%s\"},{\"role\":\"exporter\","
		         "\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},{\"role\":\"importer\",\"name\":"
		         "\"MoD\",\"country\":\"SN\"}],\"lines\":[{\"category\":\"SA4\",\"quantity\":5}]}",
		         i, broker);
		json_t *in = test_json(text);
		long long before = test_events(r);
		assert_int_equal(wam_transfers_licence_add(r->db, &out, in), WAM_ECONFLICT);
		assert_non_null(strstr(wam_error_last()->message, alert));
		unchanged(r, before);
		json_decref(in);
	}
	json_decref(h);
	json_decref(a);
	verified(r);
}

/* A listed name passes with an exemption that fits the entry's regime,
 * and is blocked again once the exemption has expired. */
static void test_exemption_waives_until_it_expires(void **state)
{
	test_reg *r = *state;
	json_t *out = NULL;
	assert_int_equal(wam_embargo_regimes_import_file(r->db, &out, NULL), 0);
	json_decref(out);
	json_decref(import_file(r, "v1"));
	json_t *list = NULL;
	assert_int_equal(wam_sanctions_entries(r->db, &list, "QUMRAWI", false, 0), 0);
	assert_string_equal(test_str(json_array_get(list, 0), "regime"), "libya"); /* its list type's regime */
	json_decref(list);
	json_t *ex = test_json("{\"procedure\":\"standing\",\"notifying_state\":\"HT\","
	                       "\"supplier\":\"Haiti Defence Works\",\"valid_until\":\"2026-06-30\","
	                       "\"end_user\":{\"name\":\"Mustafa Yusuf al-Qumrawi\",\"country\":\"SN\"},"
	                       "\"items\":[{\"description\":\"protective vests\",\"quantity\":10}],"
	                       "\"covers\":[\"LYi.901\"]}");
	if (wam_embargo_exemption_add(r->db, &out, "libya", ex))
		fail_msg("exemption: %s", wam_error_last()->message);
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(ex);
	char text[256];
	snprintf(text, sizeof text,
	         "{\"role\":\"end_user\",\"name\":\"Mustafa Yusuf al-Qumrawi\",\"country\":\"SN\","
	         "\"exemption\":\"%s\"}",
	         id);
	json_t *party = test_json(text);
	assert_int_equal(wam_screen_party(r->db, &out, party, "2026-06-15"), 0);
	assert_true(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	assert_int_equal(wam_screen_party(r->db, &out, party, "2026-07-15"), 0);
	const json_t *f = json_array_get(json_object_get(out, "findings"), 0);
	assert_non_null(f);
	assert_string_equal(test_str(f, "screen"), "sanctions");
	json_decref(out);
	/* an exemption for the territorial embargo only (empty covers) waives
	 * no listed person */
	ex = test_json("{\"procedure\":\"standing\",\"notifying_state\":\"HT\","
	               "\"supplier\":\"Haiti Defence Works\","
	               "\"end_user\":{\"name\":\"Mustafa Yusuf al-Qumrawi\",\"country\":\"SN\"},"
	               "\"items\":[{\"description\":\"protective vests\",\"quantity\":10}]}");
	if (wam_embargo_exemption_add(r->db, &out, "libya", ex))
		fail_msg("exemption: %s", wam_error_last()->message);
	json_object_set(party, "exemption", json_object_get(out, "id"));
	json_decref(out);
	json_decref(ex);
	assert_int_equal(wam_screen_party(r->db, &out, party, "2026-06-15"), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	/* without the exemption, blocked */
	json_object_del(party, "exemption");
	assert_int_equal(wam_screen_party(r->db, &out, party, "2026-06-15"), 0);
	assert_false(json_is_true(json_object_get(out, "clear")));
	json_decref(out);
	json_decref(party);
}

/* No weapon goes into the custody of a holder an open or confirmed alert
 * holds; once the alert is cleared it does. */
static void test_custody_refused_to_held_holder(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *site = test_json("{\"name\":\"North Depot\",\"kind\":\"depot\"}"), *out = NULL;
	assert_int_equal(wam_registry_site_add(r->db, &out, site), 0);
	char json[512], gun[WAM_ID_LEN + 1];
	snprintf(json, sizeof json,
	         "{\"category\":\"SA4\",\"make\":\"Norinco\",\"model\":\"Type 56\",\"serial\":\"56-1\","
	         "\"country\":\"CN\",\"site_id\":\"%s\"}",
	         test_str(out, "id"));
	json_decref(out);
	json_decref(site);
	test_add_item(r, json, gun);
	json_t *h = holder(r, "Mustafa Yusuf al-Qumrawi"), *a = alert_of_holder(r, test_str(h, "id"));
	assert_non_null(a);
	json_t *in = json_pack("{s:s, s:s, s:s}", "item_id", gun, "holder_id", test_str(h, "id"), "expected_return",
	                       "2099-01-01");
	long long before = test_events(r);
	assert_int_equal(wam_stock_custody_issue(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "holder_id");
	assert_non_null(strstr(wam_error_last()->message, test_str(a, "id")));
	unchanged(r, before);
	json_t *d = test_json("{\"reason\":\"born 1990 in Cap-Haitien; the listed man was born 1971 in Libya\"}");
	assert_int_equal(wam_sanctions_alert_clear(r->db, &out, test_str(a, "id"), d), 0);
	json_decref(out);
	if (wam_stock_custody_issue(r->db, &out, in))
		fail_msg("custody: %s", wam_error_last()->message);
	json_decref(out);
	json_decref(d);
	json_decref(in);
	json_decref(a);
	json_decref(h);
	verified(r);
}

/* A weapon in the custody of a named person, and ammunition issued to a
 * recipient, are screened as a holder is: a potential match refuses the
 * issue, naming the entry (and its alert when one exists), and nothing
 * is written. */
static void test_custody_and_lot_to_named_person_screened(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *site = test_json("{\"name\":\"North Depot\",\"kind\":\"depot\"}"), *out = NULL;
	assert_int_equal(wam_registry_site_add(r->db, &out, site), 0);
	char json[512], gun[WAM_ID_LEN + 1], site_id[WAM_ID_LEN + 1];
	snprintf(site_id, sizeof site_id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(site);
	snprintf(json, sizeof json,
	         "{\"category\":\"SA4\",\"make\":\"Norinco\",\"model\":\"Type 56\",\"serial\":\"56-2\","
	         "\"country\":\"CN\",\"site_id\":\"%s\"}",
	         site_id);
	test_add_item(r, json, gun);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", gun, "person", "Mustafa Yusuf al-Qumrawi", "unit",
	                       "2nd Company", "expected_return", "2099-01-01");
	long long before = test_events(r);
	assert_int_equal(wam_stock_custody_issue(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "person");
	assert_non_null(strstr(wam_error_last()->message, "LYi.901")); /* the entry */
	unchanged(r, before);
	/* with an alert on that name (a holder recorded), the refusal names it */
	json_t *h = holder(r, "Mustafa Yusuf al-Qumrawi"), *a = alert_of_holder(r, test_str(h, "id"));
	assert_non_null(a);
	before = test_events(r);
	assert_int_equal(wam_stock_custody_issue(r->db, &out, in), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, test_str(a, "id")));
	unchanged(r, before);
	json_decref(in);
	/* a name nobody lists goes through */
	in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", gun, "person", "Jean-Baptiste Lafleur", "unit", "2nd Company",
	               "expected_return", "2099-01-01");
	if (wam_stock_custody_issue(r->db, &out, in))
		fail_msg("custody: %s", wam_error_last()->message);
	json_decref(out);
	json_decref(in);
	/* ammunition */
	json_t *lot = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:f, s:s, s:s}", "nomenclature",
	                        "Cartridge 7.62x39mm", "lot_number", "L-77", "batch_number", "B12", "rounds",
	                        (json_int_t)1000, "packages", 10, "hazard_division", "1.4", "compat_group", "S",
	                        "neq_g", 1.5, "site_id", site_id, "expiry", "2099-01-15");
	if (wam_stock_lot_add(r->db, &out, lot))
		fail_msg("lot: %s", wam_error_last()->message);
	char lot_id[WAM_ID_LEN + 1];
	snprintf(lot_id, sizeof lot_id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(lot);
	json_t *issue =
	    json_pack("{s:i, s:s, s:s}", "rounds", 100, "recipient", "Mustafa Yusuf al-Qumrawi", "document", "IV-1");
	before = test_events(r);
	assert_int_equal(wam_stock_lot_issue(r->db, &out, lot_id, issue), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "recipient");
	assert_non_null(strstr(wam_error_last()->message, test_str(a, "id")));
	unchanged(r, before);
	json_decref(issue);
	issue = json_pack("{s:i, s:s, s:s}", "rounds", 100, "recipient", "1st Infantry Company", "document", "IV-2");
	if (wam_stock_lot_issue(r->db, &out, lot_id, issue))
		fail_msg("lot issue: %s", wam_error_last()->message);
	json_decref(out);
	json_decref(issue);
	json_decref(a);
	json_decref(h);
	verified(r);
}

/* A licence whose end user is a potential match is drafted, its alert
 * raised with it; assessing it to approve is refused naming the alert. */
static void test_licence_drafted_assessment_refused(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *lic =
	           test_json("{\"kind\":\"export\",\"number\":\"EX-2026-91\",\"authority\":\"Commission\","
	                     "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
	                     "\"parties\":[{\"role\":\"exporter\",\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},"
	                     "{\"role\":\"importer\",\"name\":\"Ministry of Defence\",\"country\":\"SN\"},"
	                     "{\"role\":\"end_user\",\"name\":\"Игорь Валентинович Ферзенко\",\"country\":\"SN\"}],"
	                     "\"lines\":[{\"category\":\"SA4\",\"quantity\":5}]}"),
	       *out = NULL;
	if (wam_transfers_licence_add(r->db, &out, lic))
		fail_msg("licence: %s", wam_error_last()->message);
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(lic);
	json_t *open = NULL;
	assert_int_equal(wam_sanctions_alerts(r->db, &open, "open"), 0);
	assert_int_equal(json_array_size(open), 1);
	const json_t *a = json_array_get(open, 0);
	/* the alert is about the licence from the start, not after the next import */
	const json_t *subjects = json_object_get(a, "subjects");
	assert_int_equal(json_array_size(subjects), 1);
	assert_string_equal(test_str(json_array_get(subjects, 0), "kind"), "licence");
	assert_string_equal(test_str(json_array_get(subjects, 0), "id"), id);
	assert_string_equal(test_str(json_array_get(subjects, 0), "label"), "EX-2026-91");
	json_t *as =
	    test_json("{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":"
	              "{\"finding\":\"clear\"},\"atrocity_crimes\":{\"finding\":\"clear\"}},\"risks\":"
	              "{\"peace_security\":{\"finding\":\"none\"},\"ihl\":{\"finding\":\"none\"},\"human_rights\":"
	              "{\"finding\":\"none\"},\"terrorism\":{\"finding\":\"none\"},\"organised_crime\":{\"finding\":"
	              "\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},\"diversion\":{\"finding\":\"low\"}},"
	              "\"decision\":\"approve\",\"reasons\":\"r\",\"officer\":\"B. Owusu\"}");
	long long before = test_events(r);
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, id, as), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, test_str(a, "id")));
	unchanged(r, before);
	json_decref(as);
	json_decref(open);
}

/* An end-user certificate naming a potential match is recorded with its
 * alert, the alert about the certificate from the start; the alert is
 * raised once, however often the party is screened while recording. */
static void test_euc_recorded_alert_names_it(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_t *lic =
	           test_json("{\"kind\":\"export\",\"number\":\"EX-2026-92\",\"authority\":\"Commission\","
	                     "\"officer\":\"A. Mensah\",\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\","
	                     "\"parties\":[{\"role\":\"exporter\",\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},"
	                     "{\"role\":\"importer\",\"name\":\"Ministry of Defence\",\"country\":\"SN\"},"
	                     "{\"role\":\"end_user\",\"name\":\"Armed Forces of Senegal\",\"country\":\"SN\"}],"
	                     "\"lines\":[{\"category\":\"SA4\",\"quantity\":5}]}"),
	       *out = NULL;
	if (wam_transfers_licence_add(r->db, &out, lic))
		fail_msg("licence: %s", wam_error_last()->message);
	char licence[WAM_ID_LEN + 1], id[WAM_ID_LEN + 1], text[4096];
	snprintf(licence, sizeof licence, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(lic);
	json_t *open = NULL;
	assert_int_equal(wam_sanctions_alerts(r->db, &open, "open"), 0);
	assert_int_equal(json_array_size(open), 0);
	json_decref(open);
	snprintf(text, sizeof text,
	         "{\"licence_id\":\"%s\",\"number\":\"EUC-SN-2026-092\",\"issued\":\"2026-01-15\","
	         "\"expires\":\"2027-01-15\",\"authority\":{\"name\":\"Ministry of Armed Forces\",\"signatory\":"
	         "\"Col. A. Diallo\",\"position\":\"Director of Procurement\",\"stamp\":true,"
	         "\"authentication\":\"hologram 44812\"},"
	         "\"exporter\":{\"name\":\"Haiti Defence Works\",\"address\":\"Port-au-Prince\",\"country\":\"HT\"},"
	         "\"end_user\":{\"name\":\"Armed Forces of Senegal\",\"position\":\"Chief of Staff\",\"address\":"
	         "\"Dakar\",\"country\":\"SN\",\"signed\":true},"
	         "\"intermediate_consignees\":[{\"name\":\"Testovy Oruzheiny Dom LLC\",\"country\":\"SN\"}],"
	         "\"goods\":[{\"category\":\"SA4\",\"description\":\"assault rifle\",\"quantity\":5}],"
	         "\"contract\":{\"reference\":\"C-2026-92\",\"date\":\"2026-01-10\"},\"destination\":\"SN\","
	         "\"end_use\":\"equipment of the armed forces\",\"sole_use_assurance\":true,"
	         "\"no_reexport_undertaking\":true}",
	         licence);
	json_t *euc = test_json(text);
	if (wam_transfers_euc_add(r->db, &out, euc))
		fail_msg("certificate: %s", wam_error_last()->message);
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	/* the certificate's own body keeps no subject */
	assert_null(json_object_get(json_array_get(json_object_get(out, "intermediate_consignees"), 0), "subject"));
	json_decref(out);
	json_decref(euc);
	assert_int_equal(wam_sanctions_alerts(r->db, &open, "open"), 0);
	assert_int_equal(json_array_size(open), 1);
	const json_t *subjects = json_object_get(json_array_get(open, 0), "subjects");
	assert_int_equal(json_array_size(subjects), 1);
	assert_string_equal(test_str(json_array_get(subjects, 0), "kind"), "euc");
	assert_string_equal(test_str(json_array_get(subjects, 0), "id"), id);
	assert_string_equal(test_str(json_array_get(subjects, 0), "label"), "EUC-SN-2026-092");
	json_decref(open);
	verified(r);
}

static void test_todo_lists_open_alerts(void **state)
{
	test_reg *r = *state;
	json_decref(import_file(r, "v1"));
	json_decref(holder(r, "Ihor Ferzenko"));
	json_t *items = json_array();
	extern int wam_sanctions_todo(wam_db * db, json_t * items, const char *today);
	assert_int_equal(wam_sanctions_todo(r->db, items, "2026-06-01"), 0);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(test_str(json_array_get(items, 0), "kind"), "screening_alerts");
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_import_reads_the_un_layout, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_same_file_twice_refused, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_import_in_generation_order, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_generated_and_empty_refused, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_list_refusals_name_line_and_element, test_setup_reg_ht,
	                                    test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_malformed_refused_whole, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_csv_national_list, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_countries_resolved_by_name, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_screen_across_scripts, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_screen_batch, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_broker_recorded_licence_refused, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_broker_on_demo_like_registry, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_clear_lets_the_party_through, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_reimport, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_exemption_waives_until_it_expires, test_setup_reg_ht,
	                                    test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_custody_refused_to_held_holder, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_custody_and_lot_to_named_person_screened, test_setup_reg_ht,
	                                    test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_licence_drafted_assessment_refused, test_setup_reg_ht,
	                                    test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_euc_recorded_alert_names_it, test_setup_reg_ht, test_teardown_reg),
	    cmocka_unit_test_setup_teardown(test_todo_lists_open_alerts, test_setup_reg_ht, test_teardown_reg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
