/* Trace requests and exchange between registries: wam trace draft|update|
 * quality|send|ack|respond|close|list|overdue|show|export|import, wam node
 * and wam peer add|list|revoke (docs/trace.md).
 *
 * A request is a JSON body (--from FILE|-) and/or flags for its common
 * fields; flags override the body. The CLI acts as the registry's own
 * operator (actor os:LOGIN) like every other command, so it may do all
 * `trace` work. Rule R11 still holds on what it prints: every command that
 * shows a request shows restricted and confidential responses withheld,
 * and only `trace show --confidential` shows them in full, recording the
 * read (record.read) as the API does for a tracer; so does exporting an
 * incoming request, whose document carries its response. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/auth.h"
#include "wam/trace.h"

static const char *const no_opts[] = {NULL};

/* Sets `path` to the whole number of option `opt`; WAM_EINVAL naming the
 * field when it is not one. */
static int set_int(json_t *o, const cli_args *a, const char *opt, const char *key, const char *field)
{
	const char *v = cli_opt(a, opt);
	if (!v)
		return 0;
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (end == v || *end || errno)
		return wam_error_set(WAM_EINVAL, field, "--%s takes a whole number, not '%.40s'", opt, v);
	json_object_set_new(o, key, json_integer(n));
	return 0;
}

/* ---- the request body from flags ---- */

static const struct {
	const char *opt, *path;
} request_map[] = {
    {"direction", "direction"},
    {"reference", "reference"},
    {"requesting-kind", "requesting.kind"},
    {"requesting-name", "requesting.name"},
    {"requesting-state", "requesting.state"},
    {"requesting-agency", "requesting.agency"},
    {"contact", "requesting.contact.name"},
    {"contact-email", "requesting.contact.email"},
    {"contact-phone", "requesting.contact.phone"},
    {"requested-kind", "requested.kind"},
    {"requested-name", "requested.name"},
    {"requested-state", "requested.state"},
    {"requested-agency", "requested.agency"},
    {"via", "requested.via"},
    {"item", "item_id"},
    {"make", "item.make"},
    {"model", "item.model"},
    {"category", "item.category"},
    {"calibre", "item.calibre"},
    {"serial", "item.serial"},
    {"serial-reason", "item.serial_reason"},
    {"country", "item.country"},
    {"import-country", "item.import_country"},
    {"illicit-reason", "illicit_reason"},
    {"justification", "justification"},
    {"recovery", "recovery.recovery_id"},
    {"recovery-date", "recovery.date"},
    {"recovery-place", "recovery.place"},
    {"circumstances", "recovery.circumstances"},
    {"intended-use", "intended_use"},
    {"confidentiality", "confidentiality"},
    {"urgency", "urgency"},
    {"notes", "notes"},
};

/* The body of --from (an object) with the flags over it; NULL after
 * printing the error (its exit code in `*rc`). */
static json_t *request_body(const cli_env *env, const cli_args *a, int *rc)
{
	json_t *in = cli_read_body(env, a, "the request", rc);
	if (!in)
		return NULL;
	for (size_t i = 0; i < sizeof request_map / sizeof request_map[0]; i++)
		cli_set_opt(in, a, request_map[i].opt, request_map[i].path);
	json_t *item = json_object_get(in, "item");
	if (cli_opt(a, "year")) {
		if (!json_is_object(item)) {
			item = json_object();
			json_object_set_new(in, "item", item);
		}
		if ((*rc = set_int(item, a, "year", "year", "item.year"))) {
			*rc = cli_fail(env, *rc);
			json_decref(in);
			return NULL;
		}
	}
	/* --marking COMPONENT:KIND:TEXT and --photo SHA256, each as often as needed */
	for (int i = 0; i < a->nopt; i++) {
		const char *name = a->opt[i].name, *v = a->opt[i].value;
		if (strcmp(name, "marking") != 0 && strcmp(name, "photo") != 0)
			continue;
		if (!json_is_object(item = json_object_get(in, "item"))) {
			item = json_object();
			json_object_set_new(in, "item", item);
		}
		const char *key = !strcmp(name, "marking") ? "markings" : "photos";
		json_t *list = json_object_get(item, key);
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(item, key, list);
		}
		if (!strcmp(name, "photo")) {
			json_array_append_new(list, json_string(v));
			continue;
		}
		const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2) {
			json_decref(in);
			*rc = cli_usage(env,
			                "--marking takes COMPONENT:KIND:TEXT, e.g. frame_receiver:serial:56-1234567");
			return NULL;
		}
		json_array_append_new(list, json_pack("{s:s#, s:s#, s:s}", "component", v, (int)(c1 - v), "kind",
		                                      c1 + 1, (int)(c2 - c1 - 1), "text", c2 + 1));
	}
	return in;
}

/* ---- showing a request ---- */

static const char *const request_keys[] = {"id",
                                           "direction",
                                           "state",
                                           "reference",
                                           "item_id",
                                           "illicit_reason",
                                           "justification",
                                           "intended_use",
                                           "confidentiality",
                                           "urgency",
                                           "notes",
                                           "created",
                                           "sent",
                                           "ack_due",
                                           "reply_due",
                                           "acknowledged",
                                           "answered",
                                           "closed",
                                           "overdue",
                                           NULL};
static const cli_column list_cols[] = {{"ID", "id", 0},
                                       {"DIR", "direction", 0},
                                       {"STATE", "state", 0},
                                       {"FROM", "requesting_label", 24},
                                       {"TO", "requested_label", 24},
                                       {"KIND", "item_kind", 0},
                                       {"SERIAL / LOT", "what", 34},
                                       {"URGENCY", "urgency", 0},
                                       {"SENT", "sent", 0},
                                       {"ACK DUE", "ack_due", 0},
                                       {"REPLY DUE", "reply_due", 0},
                                       {"OVERDUE", "overdue", 0},
                                       {"RESULT", "result", 0},
                                       {"SCORE", "score", 0},
                                       {NULL, NULL, 0}};

/* Prints a list of {field, message} (and `rule` when there is one). */
static void print_findings(FILE *f, const char *title, const json_t *list)
{
	if (!json_array_size(list))
		return;
	fprintf(f, "%s:\n", title);
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x)
	{
		fprintf(f, "  %-28s %s", cli_text(x, "field"), cli_text(x, "message"));
		if (*cli_text(x, "rule"))
			fprintf(f, " (%s)", cli_text(x, "rule"));
		fputc('\n', f);
	}
}

static void print_quality(const json_t *q)
{
	/* an incoming request is not ours to send: say whether it is complete */
	const char *verdict = json_is_true(json_object_get(q, "sendable")) ? "can be sent"
	                      : json_is_true(json_object_get(q, "complete"))
	                          ? "complete: nothing R10 requires is missing"
	                          : "cannot be sent yet (R10)";
	printf("quality: %lld/100, %s\n", (long long)json_integer_value(json_object_get(q, "score")), verdict);
	print_findings(stdout, "missing", json_object_get(q, "missing"));
	print_findings(stdout, "doubtful", json_object_get(q, "doubtful"));
	print_findings(stdout, "recommended", json_object_get(q, "recommended"));
}

#define REQUEST_KEY_WIDTH 15  /* "confidentiality", the longest key of request_keys */
#define RESPONSE_KEY_WIDTH 22 /* "  only to be used for" */

static void print_party(const char *title, const json_t *p)
{
	const json_t *c = json_object_get(p, "contact");
	char via[64] = "";
	if (*cli_text(p, "via"))
		snprintf(via, sizeof via, "via %s", cli_text(p, "via"));
	/* a state by its code; a Panel, a mission or a manufacturer by its kind and name */
	const char *kind = cli_text(p, "kind");
	cli_print_joined(REQUEST_KEY_WIDTH, title, *kind && strcmp(kind, "state") ? kind : "", cli_text(p, "name"),
	                 cli_text(p, "state"), cli_text(p, "agency"), via, cli_text(c, "name"), cli_text(c, "email"),
	                 cli_text(c, "phone"), NULL);
}

static void print_response(const json_t *r, size_t n)
{
	printf("\nresponse %zu: %s, %s, %s", n + 1, cli_text(r, "result"), cli_text(r, "date"),
	       cli_text(r, "confidentiality"));
	if (json_is_true(json_object_get(r, "withheld"))) {
		printf(" — withheld (R11; wam trace show ID --confidential)\n");
		return;
	}
	putchar('\n');
	if (*cli_text(r, "restriction_reason"))
		cli_print_joined(RESPONSE_KEY_WIDTH, "  restriction_reason", cli_text(r, "restriction_reason"), NULL);
	const json_t *chain = json_object_get(r, "chain");
	if (json_array_size(chain)) {
		static const cli_column cols[] = {{"DATE", "date", 0},
		                                  {"FROM", "from", 24},
		                                  {"CONSIGNEE", "consignee", 28},
		                                  {"COUNTRY", "country", 0},
		                                  {"LICENCE", "licence", 0},
		                                  {"EUC", "euc", 0},
		                                  {"NOTE", "note", 30},
		                                  {NULL, NULL, 0}};
		printf("  transfer chain\n");
		cli_print_table(cols, chain);
	}
	const json_t *h = json_object_get(r, "last_holder"), *p = json_object_get(r, "point_of_diversion");
	if (json_is_object(h))
		cli_print_joined(RESPONSE_KEY_WIDTH, "  last_holder", cli_text(h, "name"), cli_text(h, "type"),
		                 cli_text(h, "country"), cli_text(h, "date"), NULL);
	if (json_is_object(p))
		cli_print_joined(RESPONSE_KEY_WIDTH, "  point_of_diversion", cli_text(p, "category"),
		                 cli_text(p, "country"), cli_text(p, "date"), cli_text(p, "description"), NULL);
	if (*cli_text(r, "notes"))
		cli_print_joined(RESPONSE_KEY_WIDTH, "  notes", cli_text(r, "notes"), NULL);
	if (*cli_text(r, "purpose"))
		cli_print_joined(RESPONSE_KEY_WIDTH, "  only to be used for", cli_text(r, "purpose"), NULL);
}

static void print_request(const json_t *t)
{
	cli_print_record(request_keys, t);
	print_party("requesting", json_object_get(t, "requesting"));
	print_party("requested", json_object_get(t, "requested"));
	const json_t *rec = json_object_get(t, "recovery"), *remote = json_object_get(t, "remote");
	cli_print_joined(REQUEST_KEY_WIDTH, "recovery", cli_text(rec, "recovery_id"), cli_text(rec, "date"),
	                 cli_text(rec, "place"), cli_text(rec, "circumstances"), NULL);
	if (json_is_object(remote))
		cli_print_joined(REQUEST_KEY_WIDTH, "received from", cli_text(remote, "node_id"),
		                 cli_text(remote, "request_id"), NULL);
	const json_t *item = json_object_get(t, "item");
	const char *kind = cli_text(item, "kind");
	if (json_is_object(item) && !strcmp(kind, "ammunition")) {
		/* an ammunition lot: the line as read off rounds and packaging */
		static const char *const lot_keys[] = {
		    "calibre", "type", "lot", "packaging_marks", "crate_marks", "quantity", "packages", "notes", NULL};
		const json_t *hs = json_object_get(item, "headstamp");
		char year[16] = "";
		if (json_is_integer(json_object_get(hs, "year")))
			snprintf(year, sizeof year, "%lld", (long long)json_integer_value(json_object_get(hs, "year")));
		printf("\nammunition\n");
		cli_print_record(lot_keys, item);
		cli_print_joined(REQUEST_KEY_WIDTH, "headstamp", cli_text(hs, "text"), cli_text(hs, "factory"), year,
		                 NULL);
		size_t i;
		const json_t *ph;
		json_array_foreach(json_object_get(item, "photos"), i, ph) printf("photo  %s\n", json_string_value(ph));
	} else if (json_is_object(item)) {
		static const char *const item_keys[] = {
		    "make",          "model",   "category",       "calibre", "serial",
		    "serial_reason", "country", "import_country", "year",    NULL};
		printf(!strcmp(kind, "part") ? "\npart\n" : "\nweapon\n");
		cli_print_record(item_keys, item);
		const json_t *marks = json_object_get(item, "markings");
		if (json_array_size(marks)) {
			static const cli_column cols[] = {
			    {"COMPONENT", "component", 0}, {"KIND", "kind", 0}, {"TEXT", "text", 40}, {NULL, NULL, 0}};
			cli_print_table(cols, marks);
		}
		size_t i;
		const json_t *ph;
		json_array_foreach(json_object_get(item, "photos"), i, ph) printf("photo  %s\n", json_string_value(ph));
	}
	const json_t *q = json_object_get(t, "quality");
	if (json_is_object(q)) {
		putchar('\n');
		print_quality(q);
	}
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(t, "responses"), i, r) print_response(r, i);
	const json_t *cands = json_object_get(t, "candidates");
	if (json_is_array(cands)) {
		/* an incoming request: where this registry's record may be */
		static const cli_column cols[] = {
		    {"CANDIDATE", "id", 0},  {"SERIAL", "serial", 20}, {"MAKE", "make", 18},    {"MODEL", "model", 16},
		    {"STATUS", "status", 0}, {"SCORE", "score", 0},    {"REASON", "reason", 0}, {NULL, NULL, 0}};
		printf("\nweapons of this registry that resemble it (%zu)\n", json_array_size(cands));
		if (json_array_size(cands))
			cli_print_table(cols, cands);
	} else if (!strcmp(cli_text(t, "direction"), "incoming") && !strcmp(kind, "ammunition")) {
		/* an incoming lot: the ammunition search finds this registry's
		 * recovered rounds and stock lots of the same marks */
		const json_t *hs = json_object_get(item, "headstamp");
		printf("\nthis registry's rounds of the lot: wam search-ammunition");
		if (*cli_text(hs, "text"))
			printf(" --headstamp '%s'", cli_text(hs, "text"));
		else if (*cli_text(item, "lot"))
			printf(" --lot '%s'", cli_text(item, "lot"));
		if (*cli_text(item, "calibre"))
			printf(" --calibre '%s'", cli_text(item, "calibre"));
		putchar('\n');
	}
}

static const cli_view request_view = {request_keys, list_cols, print_request};
static const cli_view list_view = {NULL, list_cols, NULL};

/* Request `id` in `*out` in full, recording the read of its restricted and
 * confidential responses (record.read, actor os:LOGIN, via `via`) in the
 * same transaction; nothing is recorded when it has none. */
static int read_in_full(wam_db *db, json_t **out, const char *id, const char *via)
{
	json_t *names = NULL;
	int rc = wam_db_begin(db);
	*out = NULL;
	if (rc)
		return rc;
	if (!(rc = wam_trace_request_get(db, out, id, WAM_TRACE_CONFIDENTIAL))) {
		names = wam_trace_request_restricted_responses(*out);
		if (json_array_size(names))
			rc = wam_auth_log_read(db, id, names, via);
	}
	json_decref(names);
	if (rc) {
		wam_db_rollback(db);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return wam_db_commit(db);
}

/* Runs `call` on request `id` with `in` in a writable registry and shows
 * the request as `trace show` does: restricted and confidential responses
 * withheld (R11), whoever wrote them. */
static int run_on_request(const cli_env *env, int (*call)(wam_db *, json_t **, const char *, const json_t *),
                          const char *id, json_t *in)
{
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, true);
	if (!rc) {
		rc = call(db, &out, id, in);
		json_decref(out);
		out = NULL;
		if (!rc)
			rc = wam_trace_request_get(db, &out, id, 0);
		rc = cli_show(env, rc, out, &request_view);
		wam_db_close(db);
	}
	json_decref(in);
	return rc;
}

/* ---- commands ---- */

static int call_draft(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_trace_request_draft(db, out, in);
}

static int cmd_draft(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam trace draft [--from FILE|-] [--item ID] [--requested-state CC] ...");
	int rc = 0;
	json_t *in = request_body(env, a, &rc);
	return in ? cli_run(env, a, true, call_draft, in, &request_view) : rc;
}

static int cmd_update(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1 || a->nopt == 0)
		return cli_usage(
		    env, "usage: wam trace update ID [--from FILE|-] [--intended-use T] ... (the fields that change)");
	int rc = 0;
	json_t *in = request_body(env, a, &rc);
	return in ? run_on_request(env, wam_trace_request_update, a->pos[0], in) : rc;
}

/* The quality of a draft: request `pos[0]`, or body `in` when given. */
static int call_quality(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_trace_request_quality(db, out, in ? NULL : a->pos[0], in);
}

static int cmd_quality(const cli_env *env, const cli_args *a)
{
	bool body = cli_opt(a, "from") || cli_opt(a, "file");
	if (a->npos != (body ? 0 : 1) || (!body && a->nopt))
		return cli_usage(env, "usage: wam trace quality ID | --from FILE|- [the draft flags]");
	int rc = 0;
	json_t *in = NULL;
	if (body && !(in = request_body(env, a, &rc)))
		return rc;
	static const cli_view view = {NULL, NULL, print_quality};
	return cli_run(env, a, false, call_quality, in, &view);
}

/* A refused send names the first missing field (the error) and then every
 * one R10 finds missing, so the sender can fix them all at once. */
static int cmd_send(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace send ID [--date YYYY-MM-DD] [--ack-days N] [--reply-days N]");
	json_t *in = json_object(), *out = NULL;
	cli_set_opt(in, a, "date", "date");
	int rc = set_int(in, a, "ack-days", "ack_days", "ack_days");
	if (!rc)
		rc = set_int(in, a, "reply-days", "reply_days", "reply_days");
	if (rc) {
		json_decref(in);
		return cli_fail(env, rc);
	}
	wam_db *db;
	if ((rc = cli_open(env, &db, true))) {
		json_decref(in);
		return rc;
	}
	int sent = wam_trace_request_send(db, &out, a->pos[0], in);
	rc = cli_show(env, sent, out, &request_view);
	if (sent == WAM_EINVAL && !env->json) {
		/* refused by R10 (not, say, for a bad --date): the error names the
		 * first missing field */
		char field[sizeof wam_error_last()->field];
		snprintf(field, sizeof field, "%s", wam_error_last()->field);
		json_t *q = NULL;
		if (!wam_trace_request_quality(db, &q, a->pos[0], NULL)) {
			const json_t *missing = json_object_get(q, "missing");
			if (!strcmp(field, cli_text(json_array_get(missing, 0), "field")))
				print_findings(stderr, "missing", missing);
		}
		json_decref(q);
	}
	wam_db_close(db);
	json_decref(in);
	return rc;
}

static int cmd_ack(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace ack ID [--date YYYY-MM-DD] [--note T]");
	json_t *in = json_object();
	cli_set_opt(in, a, "date", "date");
	cli_set_opt(in, a, "note", "note");
	return run_on_request(env, wam_trace_request_acknowledge, a->pos[0], in);
}

static int cmd_respond(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace respond ID (--from FILE|- | --result R) [--date D] ...");
	int rc = 0;
	json_t *in = cli_read_body(env, a, "the response", &rc);
	if (!in)
		return rc;
	static const struct {
		const char *opt, *path;
	} map[] = {{"result", "result"},
	           {"date", "date"},
	           {"restriction-reason", "restriction_reason"},
	           {"confidentiality", "confidentiality"},
	           {"notes", "notes"},
	           {"holder", "last_holder.name"},
	           {"holder-type", "last_holder.type"},
	           {"holder-country", "last_holder.country"},
	           {"diversion", "point_of_diversion.category"},
	           {"diversion-country", "point_of_diversion.country"},
	           {"diversion-date", "point_of_diversion.date"},
	           {"diversion-description", "point_of_diversion.description"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cli_set_opt(in, a, map[i].opt, map[i].path);
	if ((rc = set_int(in, a, "reply-days", "reply_days", "reply_days"))) {
		json_decref(in);
		return cli_fail(env, rc);
	}
	return run_on_request(env, wam_trace_request_respond, a->pos[0], in);
}

static int cmd_close(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace close ID --reason WHY");
	json_t *in = json_object();
	cli_set_opt(in, a, "reason", "reason");
	return run_on_request(env, wam_trace_request_close, a->pos[0], in);
}

static int list(const cli_env *env, const wam_trace_filter *f, const cli_view *view)
{
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, false);
	if (!rc) {
		rc = wam_trace_request_list(db, &out, f);
		rc = cli_show(env, rc, out, view);
		wam_db_close(db);
	}
	return rc;
}

static int cmd_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(
		    env, "usage: wam trace list [--direction outgoing|incoming] [--state S] [--overdue] [--item ID]");
	wam_trace_filter f = {.direction = cli_opt(a, "direction"),
	                      .state = cli_opt(a, "state"),
	                      .overdue_only = cli_flag(a, "overdue"),
	                      .item_id = cli_opt(a, "item")};
	return list(env, &f, &list_view);
}

/* The reminders: one line for each request past its acknowledgement or
 * reply date, saying who owes what since when. */
static void print_overdue(const json_t *rows)
{
	if (!json_array_size(rows)) {
		puts("no trace request is overdue");
		return;
	}
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r)
	{
		bool ack = !strcmp(cli_text(r, "overdue"), "acknowledgement");
		bool incoming = !strcmp(cli_text(r, "direction"), "incoming");
		printf("%s  %s %s: %s %s was due %s (%s, serial %s)\n", cli_text(r, "id"), cli_text(r, "direction"),
		       incoming ? cli_text(r, "requesting_label") : cli_text(r, "requested_label"),
		       incoming ? "our" : "their", ack ? "acknowledgement" : "reply",
		       ack ? cli_text(r, "ack_due") : cli_text(r, "reply_due"), cli_text(r, "urgency"),
		       *cli_text(r, "serial") ? cli_text(r, "serial") : "-");
	}
}

static int cmd_overdue(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam trace overdue [--direction outgoing|incoming]");
	wam_trace_filter f = {.direction = cli_opt(a, "direction"), .overdue_only = 1};
	static const cli_view view = {NULL, list_cols, print_overdue};
	return list(env, &f, &view);
}

/* Without --confidential, restricted and confidential responses show only
 * their result (R11); with it they are shown in full and the read is
 * recorded. */
static int cmd_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace show ID [--confidential]");
	bool full = cli_flag(a, "confidential");
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, full);
	if (rc)
		return rc;
	if (full) {
		char via[160];
		snprintf(via, sizeof via, "wam trace show %.100s --confidential", a->pos[0]);
		rc = read_in_full(db, &out, a->pos[0], via);
	} else {
		rc = wam_trace_request_get(db, &out, a->pos[0], 0);
	}
	rc = cli_show(env, rc, out, &request_view);
	wam_db_close(db);
	return rc;
}

/* The document of an incoming request is its response: one restricted or
 * confidential leaves in full, so exporting it is recorded as a read, as
 * `trace show --confidential` is. */
static int cmd_export(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace export ID [--out FILE]");
	wam_db *db;
	json_t *t = NULL, *doc = NULL;
	int rc = cli_open(env, &db, true);
	if (rc)
		return rc;
	if (!(rc = wam_trace_request_get(db, &t, a->pos[0], 0)) && !strcmp(cli_text(t, "direction"), "incoming")) {
		json_decref(t);
		char via[160];
		snprintf(via, sizeof via, "wam trace export %.100s", a->pos[0]);
		rc = read_in_full(db, &t, a->pos[0], via);
	}
	json_decref(t);
	if (!rc)
		rc = wam_trace_request_export(db, &doc, a->pos[0]);
	wam_db_close(db);
	const char *to = cli_opt(a, "out");
	rc = rc ? cli_fail(env, rc) : cli_write_json(env, doc, to);
	if (!rc && to && !env->json)
		fprintf(stderr, "%s: %s\n", to, *cli_text(doc, "kind") ? cli_text(doc, "kind") : "written");
	json_decref(doc);
	return rc;
}

static int cmd_import(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam trace import FILE|-");
	int rc = 0;
	json_t *doc = cli_read_json(env, a->pos[0], &rc), *out = NULL;
	if (!doc)
		return rc;
	wam_db *db;
	if (!(rc = cli_open(env, &db, true))) {
		rc = wam_trace_request_import(db, &out, doc);
		if (!rc) {
			/* shown as `trace show` shows it (R11) */
			char id[64];
			snprintf(id, sizeof id, "%s", cli_text(out, "id"));
			json_decref(out);
			out = NULL;
			rc = wam_trace_request_get(db, &out, id, 0);
		}
		rc = cli_show(env, rc, out, &request_view);
		wam_db_close(db);
	}
	json_decref(doc);
	return rc;
}

/* ---- this registry and its peers ---- */

static const char *const node_keys[] = {"node_id", "name", "country", "public_key", NULL};
static const cli_column peer_cols[] = {{"NODE", "node_id", 0},
                                       {"NAME", "name", 32},
                                       {"COUNTRY", "country", 0},
                                       {"PUBLIC KEY", "public_key", 0},
                                       {NULL, NULL, 0}};
static const cli_view node_view = {node_keys, peer_cols, NULL};

/* A peer's state in words: trusted, or revoked with when (the date of the
 * event) and why. */
static json_t *peer_state(const json_t *peer)
{
	const char *at = json_string_value(json_object_get(peer, "revoked_at"));
	if (json_is_true(json_object_get(peer, "active")) || !at)
		return json_string("trusted");
	return json_sprintf("revoked %.10s", at);
}

/* Peers with their state, revoked ones with why. */
static void print_peers(const json_t *rows)
{
	static const cli_column cols[] = {{"NODE", "node_id", 0},        {"NAME", "name", 32},
	                                  {"COUNTRY", "country", 0},     {"PUBLIC KEY", "public_key", 0},
	                                  {"STATE", "state", 0},         {"REASON", "revoked_reason", 40},
	                                  {"LAST HEAD", "last_head", 0}, {NULL, NULL, 0}};
	json_t *shown = json_deep_copy(rows), *row;
	size_t i;
	json_array_foreach(shown, i, row)
	{
		json_object_set_new(row, "state", peer_state(row));
		/* the last ledger head its documents showed: event and hash */
		const json_t *head = json_object_get(row, "head_seq");
		if (json_is_integer(head))
			json_object_set_new(row, "last_head",
			                    json_sprintf("%lld %s", (long long)json_integer_value(head),
			                                 json_string_value(json_object_get(row, "head_hash"))));
	}
	cli_print_table(cols, shown);
	json_decref(shown);
}

/* One peer (added or revoked) with its state. */
static void print_peer(const json_t *peer)
{
	static const char *const keys[] = {"node_id", "name", "country", "public_key", "state", "revoked_reason", NULL};
	json_t *shown = json_deep_copy(peer);
	json_object_set_new(shown, "state", peer_state(peer));
	cli_print_record(keys, shown);
	json_decref(shown);
}
static const cli_view peer_view = {NULL, NULL, print_peer};

static int call_node(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_trace_node(db, out);
}

static int cmd_node(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam node");
	return cli_run(env, a, false, call_node, NULL, &node_view);
}

static int call_peer_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_trace_peer_add(db, out, in);
}

/* The peer from flags, or from --from: the other registry's `wam --json
 * node` output as it is. */
static int cmd_peer_add(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env,
		                 "usage: wam peer add [--name N] --country CC --node-id ID --key HEX | --from FILE|-");
	int rc = 0;
	json_t *in = cli_read_body(env, a, "the peer, as its `wam --json node`", &rc);
	if (!in)
		return rc;
	cli_set_opt(in, a, "name", "name");
	cli_set_opt(in, a, "country", "country");
	cli_set_opt(in, a, "node-id", "node_id");
	cli_set_opt(in, a, "key", "public_key");
	return cli_run(env, a, true, call_peer_add, in, &peer_view);
}

static int call_peer_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_trace_peer_list(db, out);
}

static int cmd_peer_list(const cli_env *env, const cli_args *a)
{
	if (a->npos)
		return cli_usage(env, "usage: wam peer list");
	static const cli_view view = {NULL, NULL, print_peers};
	return cli_run(env, a, false, call_peer_list, NULL, &view);
}

static int call_peer_revoke(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_trace_peer_revoke(db, out, a->pos[0], in);
}

static int cmd_peer_revoke(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam peer revoke NODE_ID --reason WHY");
	json_t *in = json_object();
	cli_set_opt(in, a, "reason", "reason");
	return cli_run(env, a, true, call_peer_revoke, in, &peer_view);
}

#define REQUEST_FLAGS                                                                                                  \
	"from", "file", "direction", "reference", "requesting-kind", "requesting-name", "requesting-state",            \
	    "requesting-agency", "contact", "contact-email", "contact-phone", "requested-kind", "requested-name",      \
	    "requested-state", "requested-agency", "via", "item", "make", "model", "category", "calibre", "serial",    \
	    "serial-reason", "country", "import-country", "year", "marking", "photo", "illicit-reason",                \
	    "justification", "recovery", "recovery-date", "recovery-place", "circumstances", "intended-use",           \
	    "confidentiality", "urgency", "notes"
static const char *const draft_valued[] = {REQUEST_FLAGS, NULL};
static const char *const send_valued[] = {"date", "ack-days", "reply-days", NULL};
static const char *const ack_valued[] = {"date", "note", NULL};
static const char *const respond_valued[] = {"from",
                                             "file",
                                             "result",
                                             "date",
                                             "restriction-reason",
                                             "confidentiality",
                                             "notes",
                                             "holder",
                                             "holder-type",
                                             "holder-country",
                                             "diversion",
                                             "diversion-country",
                                             "diversion-date",
                                             "diversion-description",
                                             "reply-days",
                                             NULL};
static const char *const close_valued[] = {"reason", NULL};
static const char *const list_valued[] = {"direction", "state", "item", NULL};
static const char *const list_flags[] = {"overdue", NULL};
static const char *const overdue_valued[] = {"direction", NULL};
static const char *const show_flags[] = {"confidential", NULL};
static const char *const export_valued[] = {"out", NULL};
static const char *const peer_valued[] = {"name", "country", "node-id", "key", "from", "file", NULL};

const cli_command cli_trace_commands[] = {
    {"trace draft", draft_valued, no_opts, cmd_draft,
     "trace draft [--from FILE|-] [--item ID] [--requesting-state CC | --requesting-kind panel|mission|manufacturer "
     "--requesting-name N] [--contact NAME] [--requested-state CC | --requested-kind K --requested-name N] "
     "[--via national_contact_point|interpol] [--serial S] [--make M] [--model M] [--category C] [--calibre C] "
     "[--country CC] [--marking COMPONENT:KIND:TEXT]... [--illicit-reason R] [--justification T] [--recovery ID] "
     "[--intended-use T] [--confidentiality C] [--urgency U] [--notes T]",
     "draft a trace request (flags override the JSON body); prints its data quality"},
    {"trace update", draft_valued, no_opts, cmd_update, "trace update ID [--from FILE|-] [the draft flags]",
     "change a draft: the fields given replace the draft's"},
    {"trace quality", draft_valued, no_opts, cmd_quality, "trace quality ID | --from FILE|-",
     "score 0-100, what R10 still misses, what is doubtful"},
    {"trace send", send_valued, no_opts, cmd_send, "trace send ID [--date D] [--ack-days N] [--reply-days N]",
     "send a draft (refused naming every field R10 misses); sets the due dates"},
    {"trace ack", ack_valued, no_opts, cmd_ack, "trace ack ID [--date D] [--note T]",
     "the requested state acknowledged receipt"},
    {"trace respond", respond_valued, no_opts, cmd_respond,
     "trace respond ID (--from FILE|- | --result R) [--date D] [--restriction-reason T] [--holder NAME] "
     "[--diversion CATEGORY [--diversion-country CC]] [--confidentiality C] [--reply-days N]",
     "record a response: result, transfer chain, last lawful holder, point of diversion"},
    {"trace close", close_valued, no_opts, cmd_close, "trace close ID --reason WHY",
     "close an answered request, or withdraw an unanswered one"},
    {"trace list", list_valued, list_flags, cmd_list,
     "trace list [--direction outgoing|incoming] [--state S] [--overdue] [--item ID]", "trace requests, newest first"},
    {"trace overdue", overdue_valued, no_opts, cmd_overdue, "trace overdue [--direction outgoing|incoming]",
     "reminders: requests past their acknowledgement or reply date"},
    {"trace show", no_opts, show_flags, cmd_show, "trace show ID [--confidential]",
     "a request with its responses; --confidential shows restricted ones in full (R11, the read is recorded)"},
    {"trace export", export_valued, no_opts, cmd_export, "trace export ID [--out FILE]",
     "the signed exchange document: an outgoing request, or an incoming one's acknowledgement or response"
     " (docs/formats/trace-request.md)"},
    {"trace import", no_opts, no_opts, cmd_import, "trace import FILE|-",
     "import a request, acknowledgement or response from a trusted registry (its signature is verified)"},
    {"node", no_opts, no_opts, cmd_node, "node", "this registry's node id, country and public key, for its peers"},
    {"peer add", peer_valued, no_opts, cmd_peer_add,
     "peer add [--name N] --country CC --node-id ID --key HEX | --from FILE|-",
     "trust another registry's signed trace documents (--from takes its `wam --json node`)"},
    {"peer list", no_opts, no_opts, cmd_peer_list, "peer list",
     "the registries trusted, and those revoked with when and why"},
    {"peer revoke", close_valued, no_opts, cmd_peer_revoke, "peer revoke NODE_ID --reason WHY",
     "stop trusting a peer's key (compromised, or the registry re-keyed); documents imported stay"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
