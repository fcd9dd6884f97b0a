/* /api/v1/import and /api/v1/export: the registry's files over HTTP.
 *
 * An import is the CLI's import on the request body (CSV, or a registry JSON
 * document), with the same per-row report; all or nothing unless skip_bad,
 * whose rejected rows come back as a CSV text that imports as it is once
 * fixed. An export streams: a thread with its own registry handle writes
 * into a pipe the response reads from, so a registry of millions of weapons
 * is never held in memory. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "wam/registry.h"

void h_import(wam_request *r)
{
	bool dry_run, skip_bad, dups;
	if (!request_query_bool(r, "dry_run", &dry_run) || !request_query_bool(r, "skip_bad", &skip_bad) ||
	    !request_query_bool(r, "allow_duplicates", &dups))
		return;
	const char *type = request_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (type && strncmp(type, "text/csv", 8) != 0 && strncmp(type, "application/json", 16) != 0) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "an import is text/csv or application/json, not %.60s", type);
		return;
	}
	if (!r->body_len) {
		reply_error(r, 400, "malformed", NULL, "the body must be the CSV or JSON to import");
		return;
	}
	FILE *in = fmemopen(r->body, r->body_len, "r");
	char *rejects_text = NULL;
	size_t rejects_len = 0;
	FILE *rejects = skip_bad ? open_memstream(&rejects_text, &rejects_len) : NULL;
	if (!in || (skip_bad && !rejects)) {
		if (in)
			fclose(in);
		reply_error(r, 500, "out_of_memory", NULL, "the import could not start");
		return;
	}
	wam_import_opts o = {.dry_run = dry_run, .skip_bad = skip_bad, .allow_duplicates = dups, .rejects = rejects};
	wam_import_report rep = {0};
	int rc = wam_registry_import(r->db, &rep, in, &o);
	fclose(in);
	if (rejects)
		fclose(rejects);
	/* a refused import wrote nothing, whatever the good rows would have
	 * been (as the CLI reports it) */
	json_t *out = json_pack("{s:I, s:I, s:I, s:b, s:o}", "rows", (json_int_t)rep.rows, "imported",
	                        (json_int_t)(rc ? 0 : rep.imported), "rejected", (json_int_t)rep.rejected, "dry_run",
	                        dry_run, "errors", rep.errors ? json_incref(rep.errors) : json_array());
	if (rejects_text && rep.rejected)
		json_object_set_new(out, "rejects_csv", json_stringn(rejects_text, rejects_len));
	free(rejects_text);
	wam_registry_import_report_free(&rep);
	if (rc) {
		const wam_error *e = wam_error_last();
		int status = wam_error_http_status(rc);
		json_t *err = json_pack("{s:s}", "code", wam_error_name(rc));
		if (e->field[0] && status < 500)
			json_object_set_new(err, "field", json_string(e->field));
		json_object_update_new(err, status >= 500
		                                ? wam_message_json("the registry could not complete the import")
		                                : wam_error_json(e));
		json_object_set_new(out, "error", err);
		reply_json(r, status, out);
		return;
	}
	reply_json(r, 200, out);
}

typedef struct export_job {
	wam_db *db;
	FILE *out;
	char format[8];
} export_job;

static void *run_export(void *arg)
{
	export_job *job = arg;
	if (wam_registry_export(job->db, job->out, job->format))
		fprintf(stderr, "wam serve: export stopped: %s\n", wam_error_last()->message);
	fclose(job->out); /* the reader sees the end */
	wam_db_close(job->db);
	free(job);
	return NULL;
}

void h_export(wam_request *r)
{
	const char *format = request_query(r, "format");
	if (!format)
		format = "csv";
	if (strcmp(format, "csv") && strcmp(format, "json")) {
		reply_error(r, 400, "invalid", "format", "format must be csv or json, not '%.20s'", format);
		return;
	}
	/* the whole registry includes where every weapon is stored and who
	 * holds it: the export is a logged read */
	json_t *fields = json_pack("[s,s,s]", "sites", "holders", "items");
	bool logged = request_log_read(r, wam_db_node_id(r->db), fields);
	json_decref(fields);
	if (!logged)
		return;
	export_job *job = calloc(1, sizeof *job);
	int fds[2] = {-1, -1};
	pthread_t t;
	if (!job || pipe(fds) != 0) {
		free(job);
		reply_error(r, 500, "io", NULL, "the export could not start");
		return;
	}
	int rc = server_clone_db(r->srv, &job->db);
	if (rc || !(job->out = fdopen(fds[1], "w"))) {
		if (!rc)
			wam_db_close(job->db);
		close(fds[0]);
		close(fds[1]);
		free(job);
		reply_error(r, 500, "io", NULL, "the export could not start");
		return;
	}
	snprintf(job->format, sizeof job->format, "%s", format);
	if (pthread_create(&t, NULL, run_export, job) != 0) {
		fclose(job->out);
		close(fds[0]);
		wam_db_close(job->db);
		free(job);
		reply_error(r, 500, "io", NULL, "the export could not start");
		return;
	}
	pthread_detach(t);
	r->out_fd = fds[0];
	r->status = 200;
	r->answered = true;
	r->out_type = strcmp(format, "csv") ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";
	reply_header(r, "Content-Disposition",
	             strcmp(format, "csv") ? "attachment; filename=\"registry.json\""
	                                   : "attachment; filename=\"weapons.csv\"");
}
