/* /api/v1/observations, /api/v1/findings, /api/v1/profiles,
 * /api/v1/evidence-packs and /api/v1/reports/committee: embargo monitoring
 * in the field (docs/monitoring.md). What a mission saw is a state's or a
 * mission's, not a site's, so every route is national. Bodies go to libwam
 * as they came: the library names an unknown or broken field itself, and a
 * refused change writes nothing. Who sees a source's identity is the
 * library's to decide (and to log): the server only sets the caller as the
 * handle's principal. An evidence pack is written to an owner-only file
 * beside the registry, streamed, and gone once sent; a pack to verify comes
 * as its own bytes (application/x-tar). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "wam/monitoring.h"

/* ---- observations ---- */

void h_observations_create(wam_request *r)
{
	transfers_create(r, wam_monitoring_observation_add, "/api/v1/observations");
}

#define LIST_LIMIT_MAX 100000

void h_observations_list(wam_request *r)
{
	long limit = 0;
	if (!request_query_int(r, "limit", 0, LIST_LIMIT_MAX, &limit))
		return;
	wam_observation_filter f = {.actor = request_query(r, "actor"),
	                            .country = request_query(r, "country"),
	                            .kind = request_query(r, "kind"),
	                            .regime = request_query(r, "regime"),
	                            .since = request_query(r, "since"),
	                            .until = request_query(r, "until"),
	                            .limit = (int)limit};
	json_t *out = NULL;
	int rc = wam_monitoring_observation_list(r->db, &out, &f);
	reply_query_result(r, rc, 200, &out);
}

/* The library opens the sources' identities the caller may see and logs
 * each such read. */
void h_observation_get(wam_request *r)
{
	transfers_get(r, wam_monitoring_observation_get);
}

/* POST /observations/{id}/items/{n}/trace: the route needs monitor, and
 * drafting a trace request needs trace as well. The body (optional) is the
 * rest of the request as wam_trace_request_draft takes it. */
void h_observation_trace(wam_request *r)
{
	if (!wam_auth_allows(r->who.role, WAM_ACT_TRACE)) {
		reply_error(r, 403, "forbidden", NULL, "the role %s may not %s", r->who.role,
		            wam_auth_action_name(WAM_ACT_TRACE));
		return;
	}
	char *end = NULL;
	errno = 0;
	long item = strtol(r->params[1], &end, 10);
	if (end == r->params[1] || *end || errno || item < 0 || item > INT_MAX) {
		reply_error(r, 400, "invalid", "item",
		            "the item is its index in the observation (0, 1, ...), not '%.40s'", r->params[1]);
		return;
	}
	json_t *in = NULL, *out = NULL;
	if (r->body_len && !(in = request_json(r)))
		return;
	int rc = wam_monitoring_observation_trace(r->db, &out, r->params[0], (int)item, in);
	json_decref(in);
	const char *id = rc ? NULL : json_string_value(json_object_get(out, "id"));
	if (id)
		reply_header(r, "Location", arena_printf(&r->mem, "/api/v1/traces/%s", id));
	reply_result(r, rc, 201, &out);
}

/* ---- findings ---- */

void h_findings_create(wam_request *r)
{
	transfers_create(r, wam_monitoring_finding_add, "/api/v1/findings");
}

void h_findings_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_monitoring_finding_list(r->db, &out, request_query(r, "state"), request_query(r, "regime"));
	reply_query_result(r, rc, 200, &out);
}

void h_finding_get(wam_request *r)
{
	transfers_get(r, wam_monitoring_finding_get);
}

void h_finding_rule(wam_request *r)
{
	transfers_get(r, wam_monitoring_finding_rule);
}

/* The text member `key` of body `in` into `*out` (NULL when absent and
 * not `required`); false after answering 422 naming it. */
static bool body_text(wam_request *r, const json_t *in, const char *key, bool required, const char **out)
{
	const json_t *v = json_object_get(in, key);
	*out = json_string_value(v);
	if ((!v && !required) || (json_is_string(v) && *json_string_value(v)))
		return true;
	reply_error(r, 422, "invalid", key, "%s is text, and not empty", key);
	return false;
}

/* {target, note?}: the id of an observation, a trace request or a hit. */
void h_finding_link(wam_request *r)
{
	json_t *in = request_json(r), *out = NULL;
	if (!in)
		return;
	const char *key, *target, *note;
	json_t *v;
	json_object_foreach(in, key, v)
	{
		if (strcmp(key, "target") && strcmp(key, "note")) {
			reply_error(r, 422, "invalid", key, "a link takes target and note, not '%.40s'", key);
			json_decref(in);
			return;
		}
	}
	if (!body_text(r, in, "target", true, &target) || !body_text(r, in, "note", false, &note)) {
		json_decref(in);
		return;
	}
	int rc = wam_monitoring_finding_link(r->db, &out, r->params[0], target, note);
	json_decref(in);
	reply_result(r, rc, 200, &out);
}

void h_finding_unlink(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_monitoring_finding_unlink(r->db, &out, r->params[0], r->params[1]);
	reply_result(r, rc, 200, &out);
}

/* The body is empty (or {}): the evidence linked decides. */
void h_finding_corroborate(wam_request *r)
{
	if (!transfers_no_fields(r))
		return;
	transfers_get(r, wam_monitoring_finding_corroborate);
}

void h_finding_report(wam_request *r)
{
	transfers_change(r, wam_monitoring_finding_report);
}

/* ---- profiles ---- */

void h_profile_actor(wam_request *r)
{
	const char *name = request_query(r, "name");
	if (!name || !*name) {
		reply_error(r, 400, "invalid", "name", "give the actor's name (name=...)");
		return;
	}
	json_t *out = NULL;
	int rc = wam_monitoring_profile_actor(r->db, &out, name);
	reply_query_result(r, rc, 200, &out);
}

void h_profile_country(wam_request *r)
{
	bool compare;
	if (!request_query_bool(r, "compare_imports", &compare))
		return;
	json_t *out = NULL;
	int rc = wam_monitoring_profile_country(r->db, &out, r->params[0], compare);
	reply_result(r, rc, 200, &out);
}

/* ---- evidence packs ---- */

/* The pack is written to an owner-only file beside the registry, opened,
 * removed, and its bytes streamed from the open file: nothing is left
 * behind, whatever becomes of the connection. */
void h_finding_evidence_pack(wam_request *r)
{
	bool redact;
	if (!request_query_bool(r, "redact_sources", &redact))
		return;
	char base[4096], tmp[4200];
	FILE *f;
	snprintf(base, sizeof base, "%s.evidence", wam_db_path(r->db));
	if (wam_file_create_temp(&f, tmp, sizeof tmp, base, "pack")) {
		reply_wam(r, WAM_EIO);
		return;
	}
	fclose(f);
	json_t *out = NULL;
	int rc =
	    wam_monitoring_evidence_pack(r->db, &out, r->params[0], tmp, redact ? WAM_EVIDENCE_REDACT_SOURCES : 0u);
	json_decref(out);
	int fd = rc ? -1 : open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	remove(tmp);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	if (fd < 0) {
		reply_error(r, 500, "io", "pack", "the evidence pack could not be read back");
		return;
	}
	r->out_fd = fd;
	r->status = 200;
	r->answered = true;
	r->out_type = "application/x-tar";
	reply_header(r, "Content-Disposition",
	             arena_printf(&r->mem, "attachment; filename=\"evidence-%s.wep\"", r->params[0]));
}

/* The body is the pack's bytes; ?public_key= a signer's key (hex), else
 * the signer must be this registry or a peer it trusts. 200 with the
 * verdict whatever it is; 422 for what is no evidence pack at all. */
void h_evidence_verify(wam_request *r)
{
	const char *type = request_content_type(r);
	if (!type || (strcmp(type, "application/x-tar") && strcmp(type, "application/octet-stream"))) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "an evidence pack is sent as application/x-tar, not %.60s", type ? type : "nothing");
		return;
	}
	if (!r->body_len) {
		reply_error(r, 400, "malformed", NULL, "the body must be the evidence pack to verify");
		return;
	}
	json_t *out = NULL;
	int rc =
	    wam_monitoring_evidence_verify(r->db, &out, NULL, r->body, r->body_len, request_query(r, "public_key"));
	reply_query_result(r, rc, 200, &out);
}

/* ---- the report to a committee ---- */

/* ?from&to (required), regime, format=json (the default) or html. */
void h_report_committee(wam_request *r)
{
	const char *from = request_query(r, "from"), *to = request_query(r, "to");
	const char *format = request_query(r, "format");
	if (!from || !*from || !to || !*to) {
		reply_error(r, 400, "invalid", !from || !*from ? "from" : "to",
		            "a report covers a period: give from=YYYY-MM-DD and to=YYYY-MM-DD");
		return;
	}
	if (format && strcmp(format, "json") && strcmp(format, "html")) {
		reply_error(r, 400, "invalid", "format", "format must be json or html, not '%.20s'", format);
		return;
	}
	json_t *report = NULL;
	int rc = wam_monitoring_committee_report(r->db, &report, request_query(r, "regime"), from, to);
	if (rc || !format || !strcmp(format, "json")) {
		reply_query_result(r, rc, 200, &report);
		return;
	}
	reply_written(r, report, wam_monitoring_committee_report_html, "text/html; charset=utf-8", NULL);
	json_decref(report);
}
