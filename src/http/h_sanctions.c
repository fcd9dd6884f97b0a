/* /api/v1/sanctions/...: the sanctions lists, the screening of names and
 * the alerts it raises (docs/sanctions.md). National, like the embargo
 * room. A list is uploaded as the file itself (application/xml for the UN
 * Consolidated List, text/csv for a national list) and parsed whole by the
 * library before anything is written; a batch of parties to screen is a
 * TSV body answered with one JSON line per party
 * (application/x-ndjson). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "wam/sanctions.h"

/* Whether the request's Content-Type is absent or starts with one of
 * `types`. */
static bool type_is(wam_request *r, const char *const *types)
{
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!type)
		return true;
	for (; *types; types++)
		if (!strncmp(type, *types, strlen(*types)))
			return true;
	return false;
}

/* ---- lists ---- */

void h_sanctions_import(wam_request *r)
{
	static const char *const types[] = {"application/xml", "text/xml", "text/csv", NULL};
	if (!type_is(r, types)) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "a sanctions list is application/xml or text/csv, not %.60s",
		            request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE));
		return;
	}
	if (!r->body_len) {
		reply_error(r, 400, "malformed", NULL, "the body must be the list file to import");
		return;
	}
	const char *format = request_query(r, "format");
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	/* the content type tells the format when the query does not */
	if (!format && type)
		format = strncmp(type, "text/csv", 8) ? "un-xml" : "csv";
	json_t *out = NULL;
	int rc = wam_sanctions_import(r->db, &out, r->body, r->body_len, format, request_query(r, "source"));
	reply_result(r, rc, 200, &out);
}

void h_sanctions_imports(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_sanctions_imports(r->db, &out);
	reply_result(r, rc, 200, &out);
}

#define ENTRIES_LIMIT_MAX 100000

void h_sanctions_entries(wam_request *r)
{
	bool removed;
	long limit = 0;
	if (!request_query_bool(r, "removed", &removed) || !request_query_int(r, "limit", 1, ENTRIES_LIMIT_MAX, &limit))
		return;
	json_t *out = NULL;
	int rc = wam_sanctions_entries(r->db, &out, request_query(r, "q"), removed, (int)limit);
	reply_result(r, rc, 200, &out);
}

void h_sanctions_entry_get(wam_request *r)
{
	transfers_get(r, wam_sanctions_entry_get);
}

/* ---- screening ---- */

#define SCREEN_LIMIT_MAX 1000

/* The query's fields from the query string into `q`; false after
 * answering 400 naming the parameter. */
static bool query_of(wam_request *r, wam_sanctions_query *q)
{
	long limit = 0;
	memset(q, 0, sizeof *q);
	if (!request_query_bool(r, "explain", &q->explain) ||
	    !request_query_int(r, "limit", 1, SCREEN_LIMIT_MAX, &limit))
		return false;
	q->limit = (int)limit;
	q->name = request_query(r, "name");
	q->kind = request_query(r, "kind");
	q->dob = request_query(r, "dob");
	q->nationality = request_query(r, "nationality");
	q->document = request_query(r, "document");
	const char *t = request_query(r, "threshold");
	if (t) {
		char *end = NULL;
		errno = 0;
		q->threshold = strtod(t, &end);
		if (end == t || *end || errno || !(q->threshold > 0 && q->threshold <= 1)) {
			reply_error(r, 400, "invalid", "threshold",
			            "threshold must be a score above 0 and at most 1, such as 0.8, not '%.40s'", t);
			return false;
		}
	}
	return true;
}

void h_sanctions_screen(wam_request *r)
{
	wam_sanctions_query q;
	if (!query_of(r, &q))
		return;
	if (!q.name || !*q.name) {
		reply_error(r, 400, "invalid", "name", "give the name to screen (name=...)");
		return;
	}
	json_t *out = NULL;
	int rc = wam_sanctions_screen(r->db, &out, &q);
	reply_result(r, rc, 200, &out);
}

/* What the batch wrote so far: the answer once every line is screened. */
typedef struct lines {
	FILE *f;
} lines;

static int to_lines(void *ctx, const char *jsonl, size_t len)
{
	lines *l = ctx;
	if (fwrite(jsonl, 1, len, l->f) != len || ((!len || jsonl[len - 1] != '\n') && fputc('\n', l->f) == EOF))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening the batch");
	return 0;
}

/* The body is name<TAB>dob<TAB>nationality<TAB>document lines; the query
 * string gives what every line shares (kind, threshold, limit, explain). */
void h_sanctions_screen_batch(wam_request *r)
{
	static const char *const types[] = {"text/tab-separated-values", "text/plain", NULL};
	if (!type_is(r, types)) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "a batch to screen is text/tab-separated-values, not %.60s",
		            request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE));
		return;
	}
	wam_sanctions_query q;
	if (!query_of(r, &q))
		return;
	if (q.name) {
		reply_error(r, 400, "invalid", "name", "the names of a batch are its lines, not a name= parameter");
		return;
	}
	char *text = NULL;
	size_t n = 0;
	lines l = {open_memstream(&text, &n)};
	if (!l.f) {
		reply_error(r, 500, "out_of_memory", NULL, "out of memory screening the batch");
		return;
	}
	int rc = wam_sanctions_screen_batch(r->db, r->body ? r->body : "", r->body_len, &q, to_lines, &l);
	if (fclose(l.f) != 0 && !rc)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening the batch");
	if (rc)
		reply_wam(r, rc);
	else
		reply_bytes(r, 200, "application/x-ndjson", text ? text : "", n);
	free(text);
}

/* ---- alerts ---- */

void h_sanctions_alerts(wam_request *r)
{
	transfers_list(r, wam_sanctions_alerts, "state");
}

void h_sanctions_alert_get(wam_request *r)
{
	transfers_get(r, wam_sanctions_alert_get);
}

void h_sanctions_alert_clear(wam_request *r)
{
	transfers_change(r, wam_sanctions_alert_clear);
}

void h_sanctions_alert_confirm(wam_request *r)
{
	transfers_change(r, wam_sanctions_alert_confirm);
}
