/* Reading a request and writing its answer: the one error shape
 * {"error": {code, message, field}}, JSON bodies, query parameters, and the
 * checks that depend on who is asking (logged reads). Site confinement is
 * libwam's: the principal is set on the handle (server.c, run()). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "http.h"
#include "wam/ledger.h"

void reply_header(wam_request *r, const char *name, const char *value)
{
	if (r->nheaders < REQ_MAX_HEADERS) {
		r->headers[r->nheaders][0] = name;
		r->headers[r->nheaders][1] = value;
		r->nheaders++;
	}
}

static void set_body(wam_request *r, int status, const char *type, char *p, size_t n)
{
	free(r->out);
	r->out = p;
	r->out_len = n;
	r->out_type = type;
	r->status = status;
	r->answered = true;
}

void reply_bytes(wam_request *r, int status, const char *type, const void *p, size_t n)
{
	char *copy = malloc(n ? n : 1);
	if (!copy) {
		set_body(r, 500, "text/plain", NULL, 0);
		return;
	}
	memcpy(copy, p, n);
	set_body(r, status, type, copy, n);
}

/* Written by the ledger's canonical encoder: keys in a stable order, and
 * several times quicker than json_dumps on records. */
void reply_json(wam_request *r, int status, json_t *v)
{
	size_t n = 0;
	char *text = v ? wam_ledger_canonical_json(v, &n) : NULL;
	json_decref(v);
	if (!text) {
		reply_error(r, 500, "out_of_memory", NULL, "the answer could not be written");
		return;
	}
	set_body(r, status, "application/json; charset=utf-8", text, n);
}

void reply_result(wam_request *r, int rc, int status, json_t **out)
{
	if (rc) {
		json_decref(*out);
		*out = NULL;
		reply_wam(r, rc);
		return;
	}
	reply_json(r, status, *out);
	*out = NULL;
}

/* The error body: {"error": {"code", "message", "field"?, "message_id",
 * "args"}}; `said` is the sentence (wam_message_json, wam_error_json),
 * taken. */
static void reply_said(wam_request *r, int status, const char *code, const char *field, json_t *said)
{
	json_t *e = json_pack("{s:s}", "code", code);
	json_object_set(e, "message", json_object_get(said, "message"));
	if (field && *field)
		json_object_set_new(e, "field", json_string(field));
	json_object_set(e, "message_id", json_object_get(said, "message_id"));
	json_object_set(e, "args", json_object_get(said, "args"));
	json_decref(said);
	json_t *body = json_pack("{s:o}", "error", e);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body); /* the text is all that is kept */
	set_body(r, status, "application/json; charset=utf-8", text, text ? strlen(text) : 0);
}

void reply_error(wam_request *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *said = wam_message_vjson(fmt, ap);
	va_end(ap);
	reply_said(r, status, code, field, said);
}

void reply_wam_error(wam_request *r, int status, int rc, const wam_error *e)
{
	json_t *said = e->message[0]
	                   ? wam_error_json(e)
	                   : json_pack("{s:s, s:s, s:[]}", "message", wam_error_name(rc), "message_id", "", "args");
	reply_said(r, status, wam_error_name(rc), e->field, said);
}

void reply_wam(wam_request *r, int rc)
{
	const wam_error *e = wam_error_last();
	int status = wam_error_http_status(rc);
	/* another process (a CLI command, a backup) holds the registry past
	 * the wait: not a failure, a moment to try again */
	if (status == 503) {
		reply_error(r, 503, "busy", NULL, "the registry is busy with another command; try again shortly");
		return;
	}
	/* a store failure is reported without its inner detail: it may name
	 * paths or SQL that are of no use to a client */
	if (status >= 500) {
		fprintf(stderr, "wam serve: %s %s: %s\n", r->method, r->path, e->message);
		reply_error(r, status, wam_error_name(rc), NULL, "the registry could not complete the request");
		return;
	}
	reply_wam_error(r, status, rc, e);
	if (rc == WAM_EAUTH)
		reply_header(r, "WWW-Authenticate", "Bearer realm=\"wam\"");
}

void reply_query_result(wam_request *r, int rc, int status, json_t **out)
{
	const wam_error *e = wam_error_last();
	if (rc == WAM_EINVAL && e->field[0] && request_query(r, e->field)) {
		json_decref(*out);
		*out = NULL;
		reply_wam_error(r, 400, rc, e);
		return;
	}
	reply_result(r, rc, status, out);
}

json_t *request_json(wam_request *r)
{
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (type && strncmp(type, "application/json", 16) != 0) {
		reply_error(r, 415, "unsupported_media_type", NULL, "the body must be application/json, not %.60s", type);
		return NULL;
	}
	if (!r->body_len) {
		reply_error(r, 400, "malformed", NULL, "a JSON object is required in the body");
		return NULL;
	}
	json_error_t err;
	json_t *v = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!v) {
		reply_error(r, 400, "malformed", NULL, "the body is not valid JSON: %s (line %d, column %d)", err.text,
		            err.line, err.column);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		reply_error(r, 400, "malformed", NULL, "the body must be a JSON object");
		return NULL;
	}
	return v;
}

const char *request_query(wam_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(wam_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool request_query_int(wam_request *r, const char *name, long lo, long hi, long *out)
{
	const char *s = request_query(r, name);
	if (!s)
		return true;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi) {
		reply_error(r, 400, "invalid", name, "%s must be a whole number from %ld to %ld, not '%.40s'", name, lo,
		            hi, s);
		return false;
	}
	*out = v;
	return true;
}

bool request_query_bool(wam_request *r, const char *name, bool *out)
{
	const char *s = request_query(r, name);
	*out = false;
	if (!s)
		return true;
	if (!strcmp(s, "true") || !strcmp(s, "1") || !*s) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "0"))
		return true;
	reply_error(r, 400, "invalid", name, "%s must be true or false, not '%.40s'", name, s);
	return false;
}

bool request_sees_site(const wam_request *r, const char *site_id)
{
	return wam_db_principal_sees_site(&r->who, site_id);
}

json_t *request_visible(wam_request *r, int rc, json_t *rec)
{
	if (rc) {
		json_decref(rec);
		reply_wam(r, rc);
		return NULL;
	}
	return rec;
}

bool request_log_read(wam_request *r, const char *subject, json_t *fields)
{
	char *via = arena_printf(&r->mem, "%s %s", r->method, r->path);
	int rc = via ? wam_auth_log_read(r->db, subject, fields, via) : WAM_ENOMEM;
	if (rc) {
		reply_wam(r, rc);
		return false;
	}
	return true;
}

void strip_fields(json_t *rec, const char *const *fields)
{
	for (; *fields; fields++)
		json_object_del(rec, *fields);
}

bool request_sensitive(wam_request *r, json_t *rec, const char *const *fields)
{
	if (!wam_auth_allows(r->who.role, WAM_ACT_READ_SENSITIVE)) {
		strip_fields(rec, fields);
		return true;
	}
	json_t *read = json_array();
	for (const char *const *f = fields; *f; f++) {
		json_t *v = json_object_get(rec, *f);
		if (v && !json_is_null(v))
			json_array_append_new(read, json_string(*f));
	}
	bool ok = json_array_size(read) == 0 ||
	          request_log_read(r, json_string_value(json_object_get(rec, "id")), read);
	json_decref(read);
	return ok;
}

/* http.h */
const char *request_content_type(wam_request *r)
{
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!type)
		return NULL;
	size_t n = strcspn(type, "; \t");
	char *t = arena_alloc(&r->mem, n + 1);
	if (!t)
		return NULL;
	for (size_t i = 0; i < n; i++)
		t[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] + 32 : type[i]);
	return t;
}

/* http.h */
void reply_written(wam_request *r, const json_t *doc, reply_writer write, const char *type, const char *disposition)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	int rc = f ? write(doc, f) : wam_error_set(WAM_ENOMEM, NULL, "the report could not be written");
	if (f && fclose(f) && !rc)
		rc = wam_error_set(WAM_ENOMEM, NULL, "the report could not be written");
	if (rc) {
		reply_wam(r, rc);
	} else {
		if (disposition)
			reply_header(r, "Content-Disposition", disposition);
		reply_bytes(r, 200, type, text ? text : "", n);
	}
	free(text);
}
