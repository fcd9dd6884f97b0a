/* A report written out: as CSV, one line per row of every table, and as
 * one printable HTML page laid out as the official forms are (a title
 * block, then each table with its caption, its columns — A to D and the
 * remarks of the UN Register's forms — its rows under their category
 * headings and its totals). Both take any report of the one shape
 * (include/wam/reports.h), whatever its kind; every word they add is a
 * message, every value is written escaped. */
#include <stdio.h>
#include <string.h>

#include "reports/reports.h"

/* The English text of a message object (as wam_message_json makes it). */
static const char *english(const json_t *m)
{
	const char *s = json_string_value(json_object_get(m, "message"));
	return s ? s : "";
}

/* A cell's value as text in `buf`: "" for null. */
static const char *cell_text(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%.15g", json_real_value(v));
	else if (json_is_true(v) || json_is_false(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		buf[0] = '\0';
	return buf;
}

/* ---- CSV ---- */

int wam_report_csv(const json_t *report, FILE *out)
{
	if (!json_is_object(report) || !out)
		return wam_error_set(WAM_EINVAL, "report", "a report to write must be a report object");
	json_t *ids = json_array(), *seen = json_object();
	const json_t *t, *c, *r;
	size_t i, j, k;
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		json_array_foreach(json_object_get(t, "columns"), j, c)
		{
			const char *id = json_string_value(json_object_get(c, "id"));
			if (id && !json_object_get(seen, id)) {
				json_object_set_new(seen, id, json_true());
				json_array_append_new(ids, json_string(id));
			}
		}
	}
	json_decref(seen);
	size_t ncol = json_array_size(ids);
	wam_csv_put(out, "table", false);
	wam_csv_put(out, "key", false);
	wam_csv_put(out, "label", ncol == 0);
	json_array_foreach(ids, k, c) wam_csv_put(out, json_string_value(c), k + 1 == ncol);
	json_array_foreach(json_object_get(report, "tables"), i, t)
	{
		const char *table = json_string_value(json_object_get(t, "id"));
		json_array_foreach(json_object_get(t, "rows"), j, r)
		{
			const json_t *label = json_object_get(r, "label"), *cells = json_object_get(r, "cells");
			wam_csv_put_text(out, table ? table : "", false);
			wam_csv_put_text(out, json_string_value(json_object_get(r, "key")), false);
			wam_csv_put_text(out, label ? english(label) : "", ncol == 0);
			json_array_foreach(ids, k, c)
			{
				char buf[64];
				wam_csv_put_text(
				    out, cell_text(json_object_get(cells, json_string_value(c)), buf, sizeof buf),
				    k + 1 == ncol);
			}
		}
	}
	json_decref(ids);
	if (fflush(out) || ferror(out))
		return wam_error_set(WAM_EIO, "out", "the report could not be written");
	return 0;
}

/* ---- HTML ---- */

static void put_msg(wam_buf *b, const json_t *m)
{
	wam_buf_html(b, english(m));
}

/* Writes a message made here and frees it. */
static void put_new(wam_buf *b, json_t *m)
{
	put_msg(b, m);
	json_decref(m);
}

static const char style[] = "<style>\n"
                            "body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:10pt;margin:2em;color:#000}\n"
                            "h1{font-size:14pt;margin:0 0 .5em}\n"
                            "dl.head{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;margin:0 0 1em}\n"
                            "dl.head dt{font-weight:bold}dl.head dd{margin:0}\n"
                            "p.nil,p.withheld{border:2px solid #000;padding:.4em .6em;font-weight:bold}\n"
                            "table{border-collapse:collapse;width:100%;margin:1.5em 0;page-break-inside:auto}\n"
                            "caption{text-align:left;font-weight:bold;font-size:11pt;padding:.3em 0}\n"
                            "th,td{border:1px solid #000;padding:.25em .4em;vertical-align:top;text-align:left}\n"
                            "thead th{background:#e8e8e8}\n"
                            "tr.group th{background:#f4f4f4;text-align:left}\n"
                            "td.num,th.num{text-align:right}\n"
                            "td.key{font-size:8pt;color:#555;font-family:monospace}\n"
                            "tfoot th,tfoot td{font-weight:bold}\n"
                            "tr{page-break-inside:avoid}\n"
                            "@media print{body{margin:0}.key{display:none}}\n"
                            "</style>\n";

/* Whether the columns `description` and `comments` stand side by side at
 * `i`: the remarks of the Register's forms. */
static bool remarks_at(const json_t *cols, size_t i)
{
	const char *a = json_string_value(json_object_get(json_array_get(cols, i), "id"));
	const char *b = json_string_value(json_object_get(json_array_get(cols, i + 1), "id"));
	return a && b && !strcmp(a, "description") && !strcmp(b, "comments");
}

static bool has_labels(const json_t *rows)
{
	const json_t *r;
	size_t i;
	json_array_foreach(rows, i, r) if (json_is_object(json_object_get(r, "label"))) return true;
	return false;
}

static void html_table(wam_buf *b, const json_t *t)
{
	const json_t *cols = json_object_get(t, "columns"), *rows = json_object_get(t, "rows"), *c, *r;
	size_t i, j, ncol = json_array_size(cols);
	bool labels = has_labels(rows), remarks = false;
	for (i = 0; i + 1 < ncol; i++)
		remarks = remarks || remarks_at(cols, i);
	size_t width = ncol + (labels ? 1 : 0) + 1; /* + the row's key */
	wam_buf_puts(b, "<table id=\"");
	wam_buf_html(b, json_string_value(json_object_get(t, "id")));
	wam_buf_puts(b, "\">\n<caption>");
	put_msg(b, json_object_get(t, "caption"));
	wam_buf_puts(b, "</caption>\n<thead>\n<tr>");
	const char *span = remarks ? " rowspan=\"2\"" : "";
	if (labels)
		wam_buf_printf(b, "<th%s></th>", span);
	json_array_foreach(cols, i, c)
	{
		if (remarks && remarks_at(cols, i)) {
			wam_buf_puts(b, "<th colspan=\"2\">");
			put_new(b, wam_message_json("Remarks"));
			wam_buf_puts(b, "</th>");
			i++;
			continue;
		}
		wam_buf_printf(b, "<th%s%s>", span,
		               json_is_true(json_object_get(c, "numeric")) ? " class=\"num\"" : "");
		put_msg(b, json_object_get(c, "label"));
		wam_buf_puts(b, "</th>");
	}
	/* the row's key, for the drill-down and the withholding: on screen,
	 * not on the printed form */
	wam_buf_printf(b, "<th class=\"key\"%s>", span);
	put_new(b, wam_message_json("Row"));
	wam_buf_puts(b, "</th></tr>\n");
	if (remarks) {
		wam_buf_puts(b, "<tr>");
		for (i = 0; i + 1 < ncol; i++)
			if (remarks_at(cols, i)) {
				wam_buf_puts(b, "<th>");
				put_msg(b, json_object_get(json_array_get(cols, i), "label"));
				wam_buf_puts(b, "</th><th>");
				put_msg(b, json_object_get(json_array_get(cols, i + 1), "label"));
				wam_buf_puts(b, "</th>");
			}
		wam_buf_puts(b, "</tr>\n");
	}
	wam_buf_puts(b, "</thead>\n<tbody>\n");
	if (!json_array_size(rows)) {
		wam_buf_printf(b, "<tr><td colspan=\"%zu\">", width);
		put_new(b, wam_message_json("Nil: nothing to report in this table"));
		wam_buf_puts(b, "</td></tr>\n");
	}
	const char *group = NULL;
	json_array_foreach(rows, i, r)
	{
		const json_t *g = json_object_get(r, "group"), *cells = json_object_get(r, "cells");
		const char *gid = json_string_value(json_object_get(g, "id"));
		if (gid && (!group || strcmp(group, gid))) {
			wam_buf_printf(b, "<tr class=\"group\"><th colspan=\"%zu\">", width);
			wam_buf_html(b, gid);
			wam_buf_puts(b, " — ");
			put_msg(b, json_object_get(g, "label"));
			wam_buf_puts(b, "</th></tr>\n");
		}
		group = gid;
		wam_buf_puts(b, "<tr>");
		if (labels) {
			wam_buf_puts(b, "<th>");
			put_msg(b, json_object_get(r, "label"));
			wam_buf_puts(b, "</th>");
		}
		json_array_foreach(cols, j, c)
		{
			char buf[64];
			wam_buf_puts(b, json_is_true(json_object_get(c, "numeric")) ? "<td class=\"num\">" : "<td>");
			wam_buf_html(b, cell_text(json_object_get(cells, json_string_value(json_object_get(c, "id"))),
			                          buf, sizeof buf));
			wam_buf_puts(b, "</td>");
		}
		wam_buf_puts(b, "<td class=\"key\">");
		wam_buf_html(b, json_string_value(json_object_get(r, "key")));
		wam_buf_puts(b, "</td></tr>\n");
	}
	wam_buf_puts(b, "</tbody>\n");
	const json_t *totals = json_object_get(t, "totals");
	if (json_object_size(totals) && json_array_size(rows)) {
		wam_buf_puts(b, "<tfoot><tr>");
		if (labels) {
			wam_buf_puts(b, "<th>");
			put_new(b, wam_message_json("Total"));
			wam_buf_puts(b, "</th>");
		}
		bool said = labels;
		json_array_foreach(cols, j, c)
		{
			const json_t *v = json_object_get(totals, json_string_value(json_object_get(c, "id")));
			char buf[64];
			if (v) {
				wam_buf_puts(b, "<td class=\"num\">");
				wam_buf_html(b, cell_text(v, buf, sizeof buf));
				wam_buf_puts(b, "</td>");
			} else if (!said) {
				wam_buf_puts(b, "<th>");
				put_new(b, wam_message_json("Total"));
				wam_buf_puts(b, "</th>");
				said = true;
			} else
				wam_buf_puts(b, "<td></td>");
		}
		wam_buf_puts(b, "<td class=\"key\"></td></tr></tfoot>\n");
	}
	wam_buf_puts(b, "</table>\n");
}

static void head_item(wam_buf *b, json_t *term, const char *value)
{
	wam_buf_puts(b, "<dt>");
	put_new(b, term);
	wam_buf_puts(b, "</dt><dd>");
	wam_buf_html(b, value);
	wam_buf_puts(b, "</dd>\n");
}

int wam_report_html(const json_t *report, FILE *out)
{
	if (!json_is_object(report) || !out)
		return wam_error_set(WAM_EINVAL, "report", "a report to write must be a report object");
	wam_buf b = {0};
	const json_t *title = json_object_get(report, "title"), *options = json_object_get(report, "options"), *v;
	const json_t *ledger = json_object_get(report, "ledger");
	size_t i;
	char year[16], seq[32];
	snprintf(year, sizeof year, "%lld", (long long)json_integer_value(json_object_get(report, "year")));
	snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(ledger, "seq")));
	wam_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	put_msg(&b, title);
	wam_buf_puts(&b, "</title>\n");
	wam_buf_puts(&b, style);
	wam_buf_puts(&b, "</head>\n<body>\n<header>\n<h1>");
	put_msg(&b, title);
	wam_buf_puts(&b, "</h1>\n<dl class=\"head\">\n");
	head_item(&b, wam_message_json("Reporting State"), json_string_value(json_object_get(report, "country")));
	head_item(&b, wam_message_json("Calendar year"), year);
	if ((v = json_object_get(options, "direction")))
		head_item(&b, wam_message_json("Direction"), json_string_value(v));
	if ((v = json_object_get(options, "basis")))
		head_item(&b, wam_message_json("Basis"), json_string_value(v));
	head_item(&b, wam_message_json("Computed from the ledger up to event"), seq);
	head_item(&b, wam_message_json("Ledger hash at that event"),
	          json_string_value(json_object_get(ledger, "hash")));
	head_item(&b, wam_message_json("Generated at"), json_string_value(json_object_get(report, "generated_at")));
	wam_buf_puts(&b, "</dl>\n");
	if (json_is_true(json_object_get(report, "nil"))) {
		wam_buf_puts(&b, "<p class=\"nil\">");
		put_new(&b, wam_message_json("Nil report: there is nothing to report for this year"));
		wam_buf_puts(&b, "</p>\n");
	}
	if (json_is_true(json_object_get(report, "withheld"))) {
		wam_buf_puts(&b, "<p class=\"withheld\">");
		put_new(&b, wam_message_json("Data have been withheld from this report"));
		wam_buf_puts(&b, "</p>\n");
	}
	if (json_array_size(json_object_get(report, "notes"))) {
		wam_buf_puts(&b, "<ul class=\"notes\">\n");
		json_array_foreach(json_object_get(report, "notes"), i, v)
		{
			wam_buf_puts(&b, "<li>");
			put_msg(&b, v);
			wam_buf_puts(&b, "</li>\n");
		}
		wam_buf_puts(&b, "</ul>\n");
	}
	wam_buf_puts(&b, "</header>\n<main>\n");
	json_array_foreach(json_object_get(report, "tables"), i, v) html_table(&b, v);
	wam_buf_puts(&b, "</main>\n</body>\n</html>\n");
	int rc = 0;
	if (!b.p)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	else if (fwrite(b.p, 1, b.n, out) != b.n || fflush(out))
		rc = wam_error_set(WAM_EIO, "out", "the report could not be written");
	wam_buf_free(&b);
	return rc;
}
