/* Importing weapons from CSV (docs/formats/items-csv.md) or from a registry
 * JSON document (docs/formats/registry-json.md).
 *
 * The whole import is one transaction. Every row is checked by the same
 * wam_item_payload()/wam_item_register() that `item add` uses, including the
 * duplicate check against rows earlier in the same file. Bad rows are all
 * reported (line, column, rule); by default nothing is committed if any row
 * is bad, with --skip-bad the good rows are committed and the bad ones are
 * written, with the reason, to a rejects file that imports as it is once
 * fixed. --dry-run does everything and then rolls back. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "registry/registry.h"
#include "store/field.h"
#include "wam/registry.h"

#define MAX_REPORTED 1000

/* Columns of items-csv.md; `error` is accepted and ignored so that a fixed
 * rejects file imports as it is. */
static const char *const columns[] = {
    "id", "category", "make", "model", "calibre", "serial", "country", "year", "import_marks", "status", "site_id",
    "holder_id", "notes", "duplicate_of", "markings", "error",
    /* what an item is and how it was made (optional, after the first layout's) */
    "kind", "part_type", "belongs_to", "manufacture", "converted_from", "frame_material", "serial_component", NULL};

/* Errors that are not the row's fault (the database, memory, I/O, the
 * ledger's integrity): they end the import instead of rejecting the row. */
static bool ends_import(int e)
{
	return e == WAM_EDB || e == WAM_EBUSY || e == WAM_ENOMEM || e == WAM_EIO || e == WAM_EINTEGRITY;
}

/* Counts a bad row and reports why, with its line and the column or field
 * at fault; the report keeps the first MAX_REPORTED. */
static void reject_row(wam_import_report *rep, long line, const char *column, const wam_error *e)
{
	rep->rejected++;
	if (json_array_size(rep->errors) >= MAX_REPORTED)
		return;
	const char *rule = e->code == WAM_ECONFLICT ? "duplicate" : e->code == WAM_EINVAL ? "invalid" : "error";
	/* the reason with its message id and args, for a front end to say it in
	 * its user's language */
	json_t *row =
	    json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "column", column ? column : "", "rule", rule);
	json_object_update_new(row, wam_error_json(e));
	json_array_append_new(rep->errors, row);
}

/* The CSV column an item field error concerns: "markings[2].kind" is in
 * column markings. */
static void column_of(const char *field, char *out, size_t cap)
{
	size_t n = strcspn(field, "[.");
	snprintf(out, cap, "%.*s", (int)n, field);
}

/* "HT:2019;US" -> [{country: HT, year: 2019}, {country: US}] */
static int parse_import_marks(json_t **out, const char *s, long line)
{
	json_t *arr = json_array();
	char *copy = strdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		while (*t == ' ')
			t++;
		char *colon = strchr(t, ':');
		json_t *m = json_object();
		if (colon) {
			*colon = '\0';
			json_object_set_new(m, "year", json_string(colon + 1));
		}
		json_object_set_new(m, "country", json_string(t));
		json_array_append_new(arr, m);
	}
	free(copy);
	(void)line;
	*out = arr;
	return 0;
}

static int row_to_item(json_t **out, char **fields, size_t n, const int *col, size_t ncol, long line, unsigned *flags)
{
	json_t *o = json_object();
	*out = NULL; /* `*flags` keeps what the caller set (--allow-duplicates) */
	if (n != ncol) {
		json_decref(o);
		return wam_error_set_line(WAM_EINVAL, line, NULL, "the row has %zu fields but the header has %zu", n,
		                          ncol);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = columns[col[i]], *v = wam_csv_text(fields[i]); /* an export's apostrophe off */
		if (!*v || !strcmp(name, "error"))
			continue;
		json_t *s = json_string(v);
		if (!s) {
			json_decref(o);
			return wam_error_set_line(WAM_EINVAL, line, name, "%s is not valid UTF-8", name);
		}
		if (!strcmp(name, "import_marks")) {
			json_decref(s);
			parse_import_marks(&s, v, line);
		} else if (!strcmp(name, "markings")) {
			json_decref(s);
			json_error_t err;
			if (!(s = json_loads(v, 0, &err))) {
				json_decref(o);
				return wam_error_set_line(WAM_EINVAL, line, name, "markings is not a JSON list: %s",
				                          err.text);
			}
		} else if (!strcmp(name, "duplicate_of")) {
			json_decref(s);
			*flags |= WAM_ALLOW_DUPLICATE; /* recorded knowingly where it came from */
			continue;
		}
		json_object_set_new(o, name, s);
	}
	*out = o;
	return 0;
}

/* Checks and registers one weapon the way `item add` does; `check` is passed
 * on to wam_item_payload(), `flags` to wam_item_register(). */
static int import_item(wam_db *db, const json_t *item, long line, unsigned check, unsigned flags)
{
	json_t *payload = NULL;
	char id[WAM_ID_LEN + 1];
	int rc = wam_item_payload(db, &payload, item, line, check);
	if (!rc)
		rc = wam_item_register(db, payload, flags | WAM_IN_IMPORT, id);
	json_decref(payload);
	return rc;
}

/* A rejected row as its values were read, escaped as an export escapes
 * them, so the rejects file opens safely in a spreadsheet and imports as
 * it is once fixed. */
static void write_reject(FILE *f, char **fields, size_t n, const char *reason)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		wam_csv_put_text(f, wam_csv_text(fields[i]), false);
	wam_csv_put_text(f, reason, true);
}

static int import_csv(wam_db *db, wam_import_report *rep, FILE *in, const wam_import_opts *opts, long total)
{
	wam_csv csv = {.in = in};
	int col[WAM_CSV_MAX_FIELDS], r, rc = 0;
	size_t ncol = 0;
	int error_col = -1;

	if ((r = wam_csv_next(&csv)) <= 0) {
		rc =
		    r < 0 ? r : wam_error_set_line(WAM_EINVAL, 1, NULL, "the file is empty: a header line is required");
		goto done;
	}
	ncol = csv.nfields;
	bool has_category = false;
	for (size_t i = 0; i < ncol; i++) {
		int k = -1;
		for (int j = 0; columns[j]; j++)
			if (!strcmp(columns[j], csv.fields[i]))
				k = j;
		if (k < 0) {
			rc = wam_error_set_line(WAM_EINVAL, 1, csv.fields[i],
			                        "unknown column '%.60s' in the header (see docs/formats/items-csv.md)",
			                        csv.fields[i]);
			goto done;
		}
		for (size_t j = 0; j < i; j++)
			if (col[j] == k) {
				rc = wam_error_set_line(WAM_EINVAL, 1, csv.fields[i], "column '%s' appears twice",
				                        csv.fields[i]);
				goto done;
			}
		col[i] = k;
		has_category |= !strcmp(columns[k], "category");
		if (!strcmp(columns[k], "error"))
			error_col = (int)i;
	}
	if (!has_category) {
		rc = wam_error_set_line(WAM_EINVAL, 1, "category", "the header has no category column");
		goto done;
	}
	if (opts->skip_bad && opts->rejects) {
		for (size_t i = 0; i < ncol; i++)
			if ((int)i != error_col)
				wam_csv_put(opts->rejects, csv.fields[i], false);
		wam_csv_put(opts->rejects, "error", true);
	}
	for (;;) {
		r = wam_csv_next(&csv);
		if (r == 0)
			break;
		rep->rows++;
		json_t *item = NULL;
		unsigned flags = opts->allow_duplicates ? WAM_ALLOW_DUPLICATE : 0;
		char column[64] = "";
		int e = r < 0 ? r : row_to_item(&item, csv.fields, csv.nfields, col, ncol, csv.record_line, &flags);
		if (!e)
			e = import_item(db, item, csv.record_line, WAM_KEYS_CHECKED, flags);
		json_decref(item);
		if (ends_import(e)) {
			rc = e;
			goto done;
		}
		if (e) {
			const wam_error *err = wam_error_last();
			if (r < 0 && csv.error_field < csv.nfields && csv.error_field < ncol)
				snprintf(column, sizeof column, "%s", columns[col[csv.error_field]]);
			else
				column_of(err->field, column, sizeof column);
			reject_row(rep, csv.record_line, column, err);
			if (opts->skip_bad && opts->rejects) {
				/* the row as read, less a previous error column, plus the reason */
				char *kept[WAM_CSV_MAX_FIELDS];
				size_t nk = 0;
				for (size_t i = 0; i < csv.nfields; i++)
					if ((int)i != error_col)
						kept[nk++] = csv.fields[i];
				char reason[600];
				snprintf(reason, sizeof reason, "line %ld, %s: %s", csv.record_line,
				         *column ? column : "row", err->message);
				write_reject(opts->rejects, kept, nk, reason);
			}
		} else {
			rep->imported++;
		}
		if (opts->progress && (rep->rows & 1023) == 0)
			opts->progress(ftell(in), total, opts->progress_payload);
	}
done:
	wam_csv_free(&csv);
	return rc;
}

static const char *const derived[] = {"marking_status",
                                      "marking_reason",
                                      "marking_reason_id",
                                      "marking_reason_args",
                                      "serial_key",
                                      "registered_seq",
                                      "last_seq",
                                      "duplicate_of",
                                      "parts",
                                      NULL};

static int import_json(wam_db *db, wam_import_report *rep, FILE *in, const wam_import_opts *opts)
{
	json_error_t err;
	int rc = 0;
	json_t *doc = json_loadf(in, 0, &err);
	if (!doc)
		return wam_error_set_line(WAM_EINVAL, err.line, NULL, "not a registry JSON document: %s", err.text);
	if (!json_is_object(doc) ||
	    strcmp(json_string_value(json_object_get(doc, "format")) ? json_string_value(json_object_get(doc, "format"))
	                                                             : "",
	           "wam-registry") != 0) {
		json_decref(doc);
		return wam_error_set(WAM_EINVAL, "format",
		                     "the JSON document is not a wam registry (format must be "
		                     "\"wam-registry\")");
	}
	const char *lists[] = {"sites", "holders", "items", "items"};
	/* items twice: the parts that belong to a weapon after every other item,
	 * so the weapon is there whatever the order of registration */
	for (int l = 0; l < 4 && !rc; l++) {
		size_t i;
		json_t *rec;
		json_array_foreach(json_object_get(doc, lists[l]), i, rec)
		{
			if (l >= 2 && wam_absent(json_object_get(rec, "belongs_to")) != (l == 2))
				continue;
			json_t *copy = json_deep_copy(rec);
			unsigned flags = opts->allow_duplicates ? WAM_ALLOW_DUPLICATE : 0;
			char field[160];
			int e;
			json_object_del(copy, "last_seq");
			rep->rows++;
			if (l == 0) {
				e = wam_registry_site_add(db, NULL, copy);
			} else if (l == 1) {
				e = wam_registry_holder_add(db, NULL, copy);
			} else {
				if (json_array_size(json_object_get(copy, "duplicate_of")))
					flags |= WAM_ALLOW_DUPLICATE;
				for (int k = 0; derived[k]; k++)
					json_object_del(copy, derived[k]);
				e = import_item(db, copy, 0, 0, flags);
			}
			json_decref(copy);
			if (ends_import(e)) {
				rc = e;
				break;
			}
			if (e) {
				wam_error copyerr = *wam_error_last();
				snprintf(field, sizeof field, "%s[%zu].%s", lists[l], i, copyerr.field);
				reject_row(rep, 0, field, &copyerr);
			} else {
				rep->imported++;
			}
		}
	}
	json_decref(doc);
	return rc;
}

int wam_registry_import(wam_db *db, wam_import_report *rep, FILE *in, const wam_import_opts *opts)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "an import");
	int rc;
	wam_import_opts none = {0};
	if (!opts)
		opts = &none;
	memset(rep, 0, sizeof *rep);
	rep->errors = json_array();
	struct stat sb;
	long total = fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) ? (long)sb.st_size : 0;
	if ((rc = wam_db_begin(db)))
		return rc;
	wam_db_bulk(db, true);
	int c = getc(in);
	while (c == ' ' || c == '\n' || c == '\r' || c == '\t')
		c = getc(in);
	if (c != EOF)
		ungetc(c, in);
	rc = c == '{' ? import_json(db, rep, in, opts) : import_csv(db, rep, in, opts, total);
	if (!rc && rep->rejected && !opts->skip_bad)
		rc = wam_error_set(WAM_EINVAL, NULL, "%ld of %ld rows are bad; nothing was imported", rep->rejected,
		                   rep->rows);
	if (rc || opts->dry_run) {
		wam_error saved = *wam_error_last();
		wam_db_rollback(db);
		wam_db_bulk(db, false);
		if (rc)
			wam_error_restore(&saved);
		return rc;
	}
	if (opts->progress)
		opts->progress(total, total, opts->progress_payload);
	rc = wam_db_commit(db);
	wam_db_bulk(db, false);
	return rc;
}

void wam_registry_import_report_free(wam_import_report *rep)
{
	if (!rep)
		return;
	json_decref(rep->errors);
	rep->errors = NULL;
}
