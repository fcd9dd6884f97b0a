/* A national sanctions list in CSV (docs/formats/sanctions-list.md): a
 * header naming the columns, then one entry per row — reference, kind,
 * name, aliases (";"-separated), dob (YYYY, YYYY-MM-DD or YYYY..YYYY),
 * nationality, document, listed_on, list_type, comments. Read whole by the
 * project's RFC 4180 reader and checked before anything is written: a bad
 * row is refused with its line and column, and the file with it. */
#include <stdio.h>
#include <string.h>

#include "sanctions/sanctions.h"

static const char *const columns[] = {"reference", "kind",      "name",      "aliases",  "dob", "nationality",
                                      "document",  "listed_on", "list_type", "comments", NULL};
enum { C_REF, C_KIND, C_NAME, C_ALIASES, C_DOB, C_NAT, C_DOC, C_LISTED, C_TYPE, C_COMMENTS, C_N };

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == 0 || s[n] == '.';
}

/* A date of birth as the list gives it: {kind, date | year | from, to}. */
static json_t *dob_of(const char *s)
{
	size_t n = strlen(s);
	if (n == 4 && digits(s, 4))
		return json_pack("{s:s, s:s}", "kind", "approximately", "year", s);
	if (n == 10 && wam_date_valid(s, 1800))
		return json_pack("{s:s, s:s}", "kind", "exact", "date", s);
	if (n == 10 && digits(s, 4) && s[4] == '.' && s[5] == '.' && digits(s + 6, 4))
		return json_pack("{s:s, s:s%, s:s%}", "kind", "between", "from", s, (size_t)4, "to", s + 6, (size_t)4);
	return NULL;
}

static int row_entry(json_t *entries, json_t *seen, char **f, const int *col, size_t ncol, long line,
                     const char *source)
{
	const char *v[C_N] = {0};
	for (size_t i = 0; i < ncol; i++)
		if (col[i] >= 0 && *f[i])
			v[col[i]] = wam_csv_text(f[i]);
	if (!v[C_REF])
		return wam_error_set_line(WAM_EINVAL, line, "reference", "line %ld: the reference is required", line);
	if (!v[C_NAME])
		return wam_error_set_line(WAM_EINVAL, line, "name", "line %ld: the name is required", line);
	const json_t *was = json_object_get(seen, v[C_REF]);
	if (was)
		return wam_error_set_line(WAM_EINVAL, line, "reference",
		                          "line %ld: reference %.40s is an earlier row's (line %ld)", line, v[C_REF],
		                          (long)json_integer_value(was));
	json_object_set_new(seen, v[C_REF], json_integer(line));
	const char *kind = v[C_KIND] ? v[C_KIND] : "individual";
	if (strcmp(kind, "individual") && strcmp(kind, "entity"))
		return wam_error_set_line(WAM_EINVAL, line, "kind",
		                          "line %ld: kind '%.40s' is not individual or entity", line, kind);
	if (v[C_LISTED] && !wam_date_valid(v[C_LISTED], 1900))
		return wam_error_set_line(WAM_EINVAL, line, "listed_on",
		                          "line %ld: listed_on '%.20s' is not a date YYYY-MM-DD", line, v[C_LISTED]);
	if (v[C_DOB] && strlen(v[C_DOB]) == 10 && v[C_DOB][4] == '.' && strncmp(v[C_DOB], v[C_DOB] + 6, 4) > 0)
		return wam_error_set_line(WAM_EINVAL, line, "dob",
		                          "line %ld: dob '%.20s' is a range whose first year is after its last", line,
		                          v[C_DOB]);
	json_t *dob = v[C_DOB] ? dob_of(v[C_DOB]) : NULL;
	if (v[C_DOB] && !dob)
		return wam_error_set_line(WAM_EINVAL, line, "dob",
		                          "line %ld: dob '%.20s' is not YYYY, YYYY-MM-DD or YYYY..YYYY", line,
		                          v[C_DOB]);
	json_t *e =
	    json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}], s:o, s:[], s:[], s:[], s:[]}", "source", source,
	              "reference", v[C_REF], "kind", kind, "name", v[C_NAME], "names", "name", v[C_NAME], "quality",
	              "good", "script", "latin", "dobs", dob ? json_pack("[o]", dob) : json_array(), "nationalities",
	              "documents", "places_of_birth", "updated_on");
	if (!e)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory reading a list");
	if (v[C_NAT])
		json_array_append_new(json_object_get(e, "nationalities"), json_string(v[C_NAT]));
	if (v[C_DOC])
		json_array_append_new(json_object_get(e, "documents"), json_pack("{s:s}", "number", v[C_DOC]));
	if (v[C_LISTED])
		json_object_set_new(e, "listed_on", json_string(v[C_LISTED]));
	if (v[C_TYPE])
		json_object_set_new(e, "list_type", json_string(v[C_TYPE]));
	if (v[C_COMMENTS])
		json_object_set_new(e, "comments", json_string(v[C_COMMENTS]));
	if (v[C_ALIASES]) {
		const char *p = v[C_ALIASES];
		while (*p) {
			const char *end = strchr(p, ';');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			while (n && *p == ' ')
				p++, n--;
			while (n && p[n - 1] == ' ')
				n--;
			if (n)
				json_array_append_new(
				    json_object_get(e, "names"),
				    json_pack("{s:s%, s:s, s:s}", "name", p, n, "quality", "aka", "script", "latin"));
			p = end ? end + 1 : p + strlen(p);
		}
	}
	json_array_append_new(entries, e);
	return 0;
}

int sanctions_parse_csv(json_t **out, const char *data, size_t len, const char *source)
{
	char today[11];
	int col[WAM_CSV_MAX_FIELDS], r, rc = 0;
	size_t ncol;
	json_t *entries = json_array(), *seen = NULL;
	*out = NULL;
	if (!source || !*source)
		return json_decref(entries),
		       wam_error_set(WAM_EINVAL, "source", "a CSV list needs its source: the list's name");
	if (!len)
		return json_decref(entries), wam_error_set_line(WAM_EINVAL, 1, "file",
		                                                "line 1: the file is empty: a header line is required");
	FILE *in = fmemopen((void *)data, len, "r");
	if (!in)
		return json_decref(entries), wam_error_set(WAM_ENOMEM, NULL, "out of memory reading a list");
	wam_csv csv = {.in = in};
	if ((r = wam_csv_next(&csv)) <= 0) {
		rc = r < 0 ? r
		           : wam_error_set_line(WAM_EINVAL, 1, "file",
		                                "line 1: the file is empty: a header line is required");
		goto done;
	}
	ncol = csv.nfields;
	seen = json_object();
	bool ref = false, name = false;
	for (size_t i = 0; i < ncol; i++) {
		col[i] = -1;
		for (int j = 0; columns[j]; j++)
			if (!strcmp(columns[j], csv.fields[i]))
				col[i] = j;
		if (col[i] < 0) {
			rc = wam_error_set_line(WAM_EINVAL, 1, csv.fields[i],
			                        "line 1: unknown column '%.60s' (see docs/formats/sanctions-list.md)",
			                        csv.fields[i]);
			goto done;
		}
		for (size_t j = 0; j < i; j++)
			if (col[j] == col[i]) {
				rc = wam_error_set_line(WAM_EINVAL, 1, csv.fields[i],
				                        "line 1: column '%s' appears twice", csv.fields[i]);
				goto done;
			}
		ref |= col[i] == C_REF;
		name |= col[i] == C_NAME;
	}
	if (!ref || !name) {
		rc = wam_error_set_line(WAM_EINVAL, 1, ref ? "name" : "reference",
		                        "line 1: the header has no %s column", ref ? "name" : "reference");
		goto done;
	}
	while ((r = wam_csv_next(&csv)) != 0) {
		if (r < 0) {
			rc = r; /* the reader named the line */
			goto done;
		}
		if (csv.nfields != ncol) {
			rc = wam_error_set_line(WAM_EINVAL, csv.record_line, "file",
			                        "line %ld: %zu fields where the header has %zu", csv.record_line,
			                        csv.nfields, ncol);
			goto done;
		}
		if ((rc = row_entry(entries, seen, csv.fields, col, ncol, csv.record_line, source)))
			goto done;
	}
	wam_date_today(today);
	if (!(*out = json_pack("{s:s, s:s, s:s, s:O}", "source", source, "format", "csv", "generated", today, "entries",
	                       entries)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory reading a list");
done:
	wam_csv_free(&csv);
	fclose(in);
	json_decref(entries);
	json_decref(seen);
	return rc;
}
