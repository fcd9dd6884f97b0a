/* The monitoring room (docs/monitoring.md): observations with their sealed
 * sources, links between observations, findings held to rule R13, and who
 * may see a source's identity. Each rule is shown by a case that would
 * fail if it broke; every refusal leaves the ledger as it was. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "monitoring/room.h"
#include "trace/request.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/ledger.h"
#include "wam/match.h"
#include "wam/sanctions.h"
#include "wam/monitoring.h"
#include "wam/trace.h"

static json_t *fmt_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt_json(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return test_json(buf);
}

/* An observation in Bangui with `sources` (a JSON list) and one rifle. */
static const char *const OBS =
    "{\"kind\":\"cache_recovery\",\"observed_at\":\"2026-03-02T10:30:00Z\","
    "\"place\":{\"name\":\"PK5\",\"admin_area\":\"Bangui\",\"country\":\"CF\","
    "\"lat\":4.36,\"lon\":18.55},\"unit\":\"MINUSCA embargo cell\","
    "\"officer\":\"Maj. Diallo\",\"actor\":{\"kind\":\"armed_group\","
    "\"name\":\"Front populaire\",\"aliases\":[\"FPRC\"]},"
    "\"sources\":%s,\"items\":[{\"kind\":\"weapon\",\"make\":\"Norinco\","
    "\"category\":\"SA4\",\"serial\":\"%s\",\"markings\":[{\"component\":\"frame_receiver\","
    "\"kind\":\"serial\",\"text\":\"%s\"}]},{\"kind\":\"ammunition\",\"calibre\":\"7.62x39\","
    "\"headstamp\":{\"text\":\"71 12\",\"factory\":\"71\",\"year\":2012},\"lot\":\"%s\","
    "\"quantity\":1200}],\"documents\":%s}";

static const char *const INDEPENDENT_A = "{\"type\":\"witness\",\"independent\":true,\"reliability\":\"B\","
                                         "\"credibility\":2,\"ref\":\"W-1\",\"identity\":\"Jean-Pierre Sangaris\"}";
static const char *const INDEPENDENT_B = "{\"type\":\"official\",\"independent\":true,\"reliability\":\"C\","
                                         "\"credibility\":3,\"ref\":\"O-7\"}";

static void observation(test_reg *r, char id[WAM_ID_LEN + 1], const char *sources, const char *serial, const char *lot,
                        const char *documents)
{
	json_t *in = fmt_json(OBS, sources, serial, serial, lot, documents), *out = NULL;
	if (wam_monitoring_observation_add(r->db, &out, in))
		fail_msg("observation: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void finding(test_reg *r, char id[WAM_ID_LEN + 1], const char *a, const char *b)
{
	json_t *in = json_pack("{s:s, s:s, s:[]}", "statement", "The group holds rifles supplied after the embargo",
	                       "regime", "car", "links"),
	       *out = NULL;
	if (a)
		json_array_append_new(json_object_get(in, "links"), json_string(a));
	if (b)
		json_array_append_new(json_object_get(in, "links"), json_string(b));
	if (wam_monitoring_finding_add(r->db, &out, in))
		fail_msg("finding: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	assert_string_equal(test_str(out, "state"), "draft");
	json_decref(in);
	json_decref(out);
}

/* Corroborating `f` is refused, naming the evidence, and writes nothing. */
static void not_corroborated(test_reg *r, const char *f)
{
	long long events = test_events(r);
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_finding_corroborate(r->db, &out, f), WAM_ECONFLICT);
	assert_null(out);
	assert_string_equal(wam_error_last()->field, "evidence");
	assert_int_equal(wam_monitoring_finding_rule(r->db, &out, f), 0);
	assert_false(json_is_true(json_object_get(out, "holds")));
	json_decref(out);
	test_unchanged(r, events);
}

static void corroborated(test_reg *r, const char *f, const char *rule)
{
	json_t *out = NULL;
	if (wam_monitoring_finding_corroborate(r->db, &out, f))
		fail_msg("corroborate: %s", wam_error_last()->message);
	assert_string_equal(test_str(out, "state"), "corroborated");
	assert_string_equal(test_str(json_object_get(out, "rule"), "rule"), rule);
	json_decref(out);
}

static void test_one_source_cannot_corroborate(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1], g[WAM_ID_LEN + 1];
	char sources[512];
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_A);
	observation(r, o, sources, "AK-100231", "L-44", "[]");
	finding(r, f, o, NULL);
	not_corroborated(r, f);
	/* the same source (its ref) told a second observation: still one */
	char o2[WAM_ID_LEN + 1];
	observation(r, o2, sources, "AK-100232", "L-45", "[]");
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_finding_link(r->db, &out, f, o2, "the same witness again"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "rule"), "independent_sources")), 1);
	json_decref(out);
	not_corroborated(r, f);
	/* a finding with no evidence at all */
	finding(r, g, NULL, NULL);
	not_corroborated(r, g);
}

static void test_two_dependent_sources_cannot(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	observation(r, o,
	            "[{\"type\":\"witness\",\"independent\":false,\"reliability\":\"A\",\"credibility\":1},"
	            "{\"type\":\"media\",\"independent\":false,\"reliability\":\"B\",\"credibility\":2}]",
	            "AK-200", "L-1", "[]");
	finding(r, f, o, NULL);
	not_corroborated(r, f);
}

static void test_poor_grades_do_not_count(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	/* reliability E, or credibility 5: not counted however independent */
	observation(r, o,
	            "[{\"type\":\"witness\",\"independent\":true,\"reliability\":\"E\",\"credibility\":1},"
	            "{\"type\":\"media\",\"independent\":true,\"reliability\":\"A\",\"credibility\":5},"
	            "{\"type\":\"media\",\"independent\":true,\"reliability\":\"B\",\"credibility\":2}]",
	            "AK-300", "L-2", "[]");
	finding(r, f, o, NULL);
	not_corroborated(r, f);
}

static void test_two_independent_sources_corroborate(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1], sources[1024];
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	observation(r, o, sources, "AK-400", "L-3", "[]");
	finding(r, f, o, NULL);
	corroborated(r, f, "two_independent_sources");
	/* corroborated: it keeps the evidence it was corroborated on */
	long long events = test_events(r);
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_finding_unlink(r->db, &out, f, o), WAM_ECONFLICT);
	test_unchanged(r, events);
}

static void test_physical_and_documentary_corroborate(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	observation(r, o,
	            "[{\"type\":\"physical_inspection\",\"independent\":false,\"reliability\":\"A\","
	            "\"credibility\":1}]",
	            "AK-500", "L-4", "[]");
	finding(r, f, o, NULL);
	not_corroborated(r, f); /* a physical inspection alone */
	char d[WAM_ID_LEN + 1];
	observation(r, d, "[{\"type\":\"document\",\"independent\":false,\"reliability\":\"B\",\"credibility\":2}]",
	            "AK-501", "L-5", "[{\"kind\":\"waybill\",\"number\":\"WB-77\",\"issuer\":\"Transit SARL\"}]");
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_finding_link(r->db, &out, f, d, NULL), 0);
	json_decref(out);
	corroborated(r, f, "physical_and_documentary");
}

static void test_physical_and_trace_record_found_corroborate(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	observation(r, o,
	            "[{\"type\":\"physical_inspection\",\"independent\":false,\"reliability\":\"A\","
	            "\"credibility\":1}]",
	            "AK-600", "L-6", "[]");
	finding(r, f, o, NULL);
	json_t *details = test_json("{\"requesting\":{\"state\":\"HT\",\"agency\":\"Panel\",\"contact\":{\"name\":"
	                            "\"Expert\",\"email\":\"e@example.org\"}},\"requested\":{\"state\":\"CN\"},"
	                            "\"justification\":\"seen in a cache of an armed group under embargo\","
	                            "\"illicit_reason\":\"embargo_violation\",\"intended_use\":\"Panel report\","
	                            "\"item\":{\"calibre\":\"7.62x39mm\"},"
	                            "\"confidentiality\":\"unclassified\"}");
	json_t *req = NULL, *out = NULL;
	if (wam_monitoring_observation_trace(r->db, &req, o, 0, details))
		fail_msg("trace: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	char t[WAM_ID_LEN + 1];
	snprintf(t, sizeof t, "%s", test_str(req, "id"));
	assert_string_equal(test_str(json_object_get(req, "item"), "serial"), "AK-600");
	json_decref(req);
	/* the observation lists its trace */
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "traces"), 0), "request_id"), t);
	json_decref(out);
	assert_int_equal(wam_monitoring_finding_link(r->db, &out, f, t, NULL), 0);
	json_decref(out);
	not_corroborated(r, f); /* a trace not answered is no result */
	if (wam_trace_request_send(r->db, &out, t, NULL))
		fail_msg("send: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	json_t *resp = test_json("{\"result\":\"record_found\",\"confidentiality\":\"unclassified\","
	                         "\"chain\":[{\"consignee\":\"Ministry of Defence\",\"country\":\"SD\"}]}");
	if (wam_trace_request_respond(r->db, &out, t, resp))
		fail_msg("respond: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	corroborated(r, f, "physical_and_documentary");
	json_decref(details);
	json_decref(resp);
}

/* A trace request drafted from an observation asks as this registry (its
 * node's name and country) unless the details say otherwise: its quality
 * does not find the requesting party missing. */
static void test_a_trace_from_an_observation_asks_as_this_registry(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], sources[512];
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_B);
	observation(r, o, sources, "AK-7001", "L-70", "[]");
	json_t *node = NULL, *req = NULL, *l;
	size_t i;
	assert_int_equal(wam_trace_node(r->db, &node), 0);
	assert_non_null(test_str(node, "country"));
	if (wam_monitoring_observation_trace(r->db, &req, o, 0, NULL))
		fail_msg("trace: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	const json_t *asking = json_object_get(json_object_get(req, "body"), "requesting");
	if (!asking)
		asking = json_object_get(req, "requesting");
	assert_string_equal(test_str(asking, "state"), test_str(node, "country"));
	if (json_is_string(json_object_get(node, "name")))
		assert_string_equal(test_str(asking, "name"), test_str(node, "name"));
	json_array_foreach(json_object_get(json_object_get(req, "quality"), "missing"), i, l)
	{
		assert_null(strstr(test_str(l, "field"), "requesting.state"));
		assert_null(strstr(test_str(l, "field"), "requesting.name"));
	}
	json_decref(req);
	/* the details may name another party: a Panel, by its name */
	json_t *details = test_json("{\"requesting\":{\"kind\":\"panel\",\"name\":\"Panel of Experts on the CAR\"}}");
	if (wam_monitoring_observation_trace(r->db, &req, o, 0, details))
		fail_msg("trace: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	asking = json_object_get(json_object_get(req, "body"), "requesting");
	if (!asking)
		asking = json_object_get(req, "requesting");
	assert_string_equal(test_str(asking, "kind"), "panel");
	assert_string_equal(test_str(asking, "name"), "Panel of Experts on the CAR");
	assert_null(json_object_get(asking, "state"));
	json_decref(req);
	json_decref(details);
	json_decref(node);
}

/* Trace request of item 0 of observation `o`, sent and answered `result`,
 * its id into `t`. */
static void answered_trace(test_reg *r, char t[WAM_ID_LEN + 1], const char *o, const char *result)
{
	json_t *details = test_json("{\"requesting\":{\"state\":\"HT\",\"agency\":\"Panel\",\"contact\":{\"name\":"
	                            "\"Expert\",\"email\":\"e@example.org\"}},\"requested\":{\"state\":\"CN\"},"
	                            "\"justification\":\"seen in a cache of an armed group under embargo\","
	                            "\"illicit_reason\":\"embargo_violation\",\"intended_use\":\"Panel report\","
	                            "\"item\":{\"calibre\":\"7.62x39mm\"},\"confidentiality\":\"unclassified\"}");
	json_t *req = NULL, *out = NULL;
	if (wam_monitoring_observation_trace(r->db, &req, o, 0, details))
		fail_msg("trace: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(t, WAM_ID_LEN + 1, "%s", test_str(req, "id"));
	json_decref(req);
	json_decref(details);
	if (wam_trace_request_send(r->db, &out, t, NULL))
		fail_msg("send: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	json_t *resp = fmt_json("{\"result\":\"%s\",\"confidentiality\":\"unclassified\","
	                        "\"chain\":[{\"consignee\":\"Ministry of Defence\",\"country\":\"SD\"}]}",
	                        result);
	if (wam_trace_request_respond(r->db, &out, t, resp))
		fail_msg("respond: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	json_decref(resp);
}

static void link_to(test_reg *r, const char *f, const char *target)
{
	json_t *out = NULL;
	if (wam_monitoring_finding_link(r->db, &out, f, target, NULL))
		fail_msg("link: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
}

/* The physical and documentary branch weighs its evidence too: an
 * inspection or a document source graded E or 5, a document record with
 * nothing to check, and a trace answer about another weapon do not count. */
static void test_poor_physical_or_documentary_evidence_does_not_count(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1], d[WAM_ID_LEN + 1], x[WAM_ID_LEN + 1], t[WAM_ID_LEN + 1];
	static const char *const waybill = "[{\"kind\":\"waybill\",\"number\":\"WB-77\"}]";
	/* an inspection graded E/5 with a checkable document */
	observation(r, o,
	            "[{\"type\":\"physical_inspection\",\"independent\":true,\"reliability\":\"E\",\"credibility\":5}]",
	            "AK-800", "L-8", waybill);
	finding(r, f, o, NULL);
	not_corroborated(r, f);
	/* a well graded inspection, a document record with neither number nor
	 * photo, and a document source graded F/6 */
	observation(r, o,
	            "[{\"type\":\"physical_inspection\",\"independent\":false,\"reliability\":\"A\",\"credibility\":1},"
	            "{\"type\":\"document\",\"independent\":false,\"reliability\":\"F\",\"credibility\":6}]",
	            "AK-801", "L-9", "[{\"kind\":\"other\",\"issuer\":\"someone\"}]");
	finding(r, f, o, NULL);
	not_corroborated(r, f);
	/* a trace answered about another observation's rifle (AK-802) */
	observation(r, x, "[{\"type\":\"witness\",\"independent\":false,\"reliability\":\"C\",\"credibility\":3}]",
	            "AK-802", "L-10", "[]");
	answered_trace(r, t, x, "partial");
	link_to(r, f, t);
	not_corroborated(r, f);
	/* the same request counts once the finding holds the observation it
	 * was drafted from */
	link_to(r, f, x);
	corroborated(r, f, "physical_and_documentary");
	/* or an observation of the same weapon (make and serial, as keyed) */
	observation(
	    r, o, "[{\"type\":\"physical_inspection\",\"independent\":false,\"reliability\":\"B\",\"credibility\":2}]",
	    "ak 802", "L-11", "[]");
	finding(r, f, o, t);
	corroborated(r, f, "physical_and_documentary");
	/* a document record with a number counts */
	observation(r, d,
	            "[{\"type\":\"physical_inspection\",\"independent\":false,\"reliability\":\"B\","
	            "\"credibility\":2}]",
	            "AK-803", "L-12", waybill);
	finding(r, f, d, NULL);
	corroborated(r, f, "physical_and_documentary");
}

/* The number of independent sources the rule counts for a finding on
 * observations of `a` and `b` (JSON lists of sources). */
static long counted(test_reg *r, const char *a, const char *b, const char *serial)
{
	char o[WAM_ID_LEN + 1], o2[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	json_t *out = NULL;
	observation(r, o, a, serial, "L-1", "[]");
	observation(r, o2, b, serial, "L-1", "[]");
	finding(r, f, o, o2);
	assert_int_equal(wam_monitoring_finding_rule(r->db, &out, f), 0);
	long n = (long)json_integer_value(json_object_get(out, "independent_sources"));
	json_decref(out);
	return n;
}

#define WITNESS(extra) "{\"type\":\"witness\",\"independent\":true,\"reliability\":\"B\",\"credibility\":2" extra "}"

/* One source is counted once however it is typed: refs folded, the same
 * person under two refs (their sealed identities' tags), and a source with
 * neither ref nor identity not at all; one observation may not list a
 * source twice. */
static void test_one_source_counts_once(void **state)
{
	test_reg *r = *state;
	/* the same witness entered twice, no ref, no identity */
	assert_int_equal(counted(r, "[" WITNESS("") "," WITNESS("") "]", "[" WITNESS("") "]", "S-1"), 0);
	/* a ref typed with another case, spaces and separators */
	assert_int_equal(counted(r, "[" WITNESS(",\"ref\":\"W-9\"") "]", "[" WITNESS(",\"ref\":\" w 9 \"") "]", "S-2"),
	                 1);
	/* one person under two refs */
	assert_int_equal(counted(r, "[" WITNESS(",\"ref\":\"W-1\",\"identity\":\"Jean Xavier\"") "]",
	                         "[" WITNESS(",\"ref\":\"W-2\",\"identity\":\"JEAN  xavier\"") "]", "S-3"),
	                 1);
	/* one person with a ref here and without one there */
	assert_int_equal(counted(r, "[" WITNESS(",\"ref\":\"W-7\",\"identity\":\"Ana Lopes\"") "]",
	                         "[" WITNESS(",\"identity\":\"Ana Lopes\"") "]", "S-4"),
	                 1);
	/* two people, each named by identity only: two */
	assert_int_equal(counted(r, "[" WITNESS(",\"identity\":\"Ana Lopes\"") "]",
	                         "[" WITNESS(",\"identity\":\"Paul Mbeki\"") "]", "S-5"),
	                 2);
	/* the tags are in the ledger and the rule's own table, in no view of
	 * an observation (a profile, a report or a pack reads the body) */
	assert_true(test_count(r, "SELECT count(*) FROM events WHERE instr(payload, '\"identity_tag\"')") > 0);
	assert_int_equal(test_count(r, "SELECT count(*) FROM observations WHERE instr(body, 'identity_tag')"), 0);
	assert_true(test_count(r, "SELECT count(*) FROM observation_source_tags") > 0);
	/* one observation listing a source twice is refused, naming the row */
	static const struct {
		const char *sources, *field;
	} twice[] = {
	    {"[" WITNESS(",\"ref\":\"W-1\"") "," WITNESS(",\"ref\":\"w1\"") "]", "sources[1].ref"},
	    {"[" WITNESS(",\"ref\":\"W-1\",\"identity\":\"Jean Xavier\"") "," WITNESS(
	         ",\"ref\":\"W-2\",\"identity\":\"jean xavier\"") "]",
	     "sources[1].identity"},
	};
	for (size_t i = 0; i < sizeof twice / sizeof twice[0]; i++) {
		long long events = test_events(r);
		json_t *in = fmt_json(OBS, twice[i].sources, "S-6", "S-6", "L-1", "[]"), *out = NULL;
		assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, twice[i].field);
		assert_null(strstr(wam_error_last()->message, "avier"));
		test_unchanged(r, events);
		json_decref(in);
	}
}

/* The rule's refusal names each source it set aside and why, and never
 * an identity: the same person under two refs, a dependent source, one
 * graded E, one with neither ref nor identity. */
static void test_the_refusal_names_what_it_set_aside(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], o2[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1];
	observation(r, o, "[" WITNESS(",\"ref\":\"W-50\",\"identity\":\"Jean Dupont\"") "]", "S-7", "L-1", "[]");
	observation(
	    r, o2,
	    "[" WITNESS(",\"ref\":\"W-51\",\"identity\":\"JEAN  dupont\"") ","
	                                                                   "{\"type\":\"media\",\"independent\":false,"
	                                                                   "\"reliability\":\"A\",\"credibility\":1,"
	                                                                   "\"ref\":\"M-1\"},"
	                                                                   "{\"type\":\"witness\",\"independent\":true,"
	                                                                   "\"reliability\":\"E\",\"credibility\":1},"
	                                                                   "" WITNESS("") "]",
	    "S-7", "L-1", "[]");
	finding(r, f, o, o2);
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_finding_rule(r->db, &out, f), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "independent_sources")), 1);
	const json_t *aside = json_object_get(out, "set_aside");
	assert_int_equal(json_array_size(aside), 4);
	static const struct {
		long source;
		const char *why, *ref;
	} want[] = {{1, "dependent", "M-1"},
	            {2, "poorly_graded", NULL},
	            {3, "no_ref_or_identity", NULL},
	            {0, "same_source", "W-51"}};
	for (size_t i = 0; i < 4; i++) {
		const json_t *a = json_array_get(aside, i);
		assert_string_equal(test_str(a, "observation"), o2);
		assert_int_equal(json_integer_value(json_object_get(a, "source")), want[i].source);
		assert_string_equal(test_str(a, "why"), want[i].why);
		if (want[i].ref)
			assert_string_equal(test_str(a, "ref"), want[i].ref);
		else
			assert_true(json_is_null(json_object_get(a, "ref")));
	}
	const json_t *with = json_object_get(json_array_get(aside, 3), "with");
	assert_string_equal(test_str(with, "observation"), o);
	assert_int_equal(json_integer_value(json_object_get(with, "source")), 0);
	char *all = json_dumps(out, 0);
	assert_null(strstr(all, "upont"));
	free(all);
	json_decref(out);
	/* the refusal says it in a sentence */
	char want_text[256];
	snprintf(want_text, sizeof want_text,
	         "sources[0] of observation %s counts with sources[0] of observation %s"
	         " (same source)",
	         o2, o);
	assert_int_equal(wam_monitoring_finding_corroborate(r->db, &out, f), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "evidence");
	const char *msg = wam_error_last()->message;
	assert_non_null(strstr(msg, "independent sources graded better than E and 5: 1 (set aside:"));
	assert_non_null(strstr(msg, want_text));
	assert_non_null(strstr(msg, "is not independent"));
	assert_non_null(strstr(msg, "is graded E or 5"));
	assert_non_null(strstr(msg, "has neither ref nor identity"));
	assert_null(strstr(msg, "upont"));
}

static void test_reported_finding_is_frozen(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], o2[WAM_ID_LEN + 1], f[WAM_ID_LEN + 1], sources[1024];
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	observation(r, o, sources, "AK-700", "L-7", "[]");
	observation(r, o2, sources, "AK-701", "L-8", "[]");
	finding(r, f, o, NULL);
	json_t *out = NULL, *rep = test_json("{\"to\":\"Panel of Experts on the Central African Republic\"}");
	/* a draft is not reported */
	assert_int_equal(wam_monitoring_finding_report(r->db, &out, f, rep), WAM_ECONFLICT);
	corroborated(r, f, "two_independent_sources");
	assert_int_equal(wam_monitoring_finding_report(r->db, &out, f, rep), 0);
	assert_string_equal(test_str(out, "state"), "reported");
	json_decref(out);
	long long events = test_events(r);
	assert_int_equal(wam_monitoring_finding_link(r->db, &out, f, o2, NULL), WAM_ECONFLICT);
	assert_int_equal(wam_monitoring_finding_unlink(r->db, &out, f, o), WAM_ECONFLICT);
	assert_int_equal(wam_monitoring_finding_report(r->db, &out, f, rep), WAM_ECONFLICT);
	assert_int_equal(wam_monitoring_finding_corroborate(r->db, &out, f), WAM_ECONFLICT);
	test_unchanged(r, events);
	/* a correction supersedes it */
	json_t *in = json_pack("{s:s, s:s}", "statement", "Corrected: the rifles came in 2025", "supersedes", f);
	assert_int_equal(wam_monitoring_finding_add(r->db, &out, in), 0);
	char g[WAM_ID_LEN + 1];
	snprintf(g, sizeof g, "%s", test_str(out, "id"));
	json_decref(out);
	/* a draft correction proves nothing yet: the finding stands */
	assert_int_equal(wam_monitoring_finding_get(r->db, &out, f), 0);
	assert_true(json_is_null(json_object_get(out, "superseded_by")));
	json_decref(out);
	/* and it is corrected once: a second correction is refused */
	events = test_events(r);
	assert_int_equal(wam_monitoring_finding_add(r->db, &out, in), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "supersedes");
	test_unchanged(r, events);
	/* the correction corroborated, the finding is superseded by it */
	assert_int_equal(wam_monitoring_finding_link(r->db, &out, g, o2, NULL), 0);
	json_decref(out);
	corroborated(r, g, "two_independent_sources");
	assert_int_equal(wam_monitoring_finding_get(r->db, &out, f), 0);
	assert_string_equal(test_str(out, "superseded_by"), g);
	json_decref(out);
	/* only a reported finding is superseded */
	json_object_set_new(in, "supersedes", json_string(g));
	events = test_events(r);
	assert_int_equal(wam_monitoring_finding_add(r->db, &out, in), WAM_ECONFLICT);
	test_unchanged(r, events);
	json_decref(in);
	json_decref(rep);
	test_expect_rebuilt(r, "SELECT group_concat(x, ',') FROM (SELECT id || state || body || coalesce(verdict, '')"
	                       " || coalesce(reported, '') AS x FROM findings UNION ALL SELECT finding_id || target ||"
	                       " kind FROM finding_links UNION ALL SELECT id || body || weapons || rounds || photos"
	                       " FROM observations ORDER BY 1)");
}

static wam_principal person(const char *id, const char *name, const char *role)
{
	wam_principal p;
	memset(&p, 0, sizeof p);
	snprintf(p.kind, sizeof p.kind, "user");
	snprintf(p.id, sizeof p.id, "%s", id);
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.role, sizeof p.role, "%s", role);
	return p;
}

static long long reads(test_reg *r)
{
	return test_count(r, "SELECT count(*) FROM events WHERE type='record.read'");
}

static void test_only_the_recorder_and_a_source_handler_see_the_identity(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], sources[1024];
	wam_principal ann = person("01JANNANNANNANNANNANNANNAN", "ann", "monitor"),
	              bob = person("01JB0BB0BB0BB0BB0BB0BB0BB0", "bob", "monitor"),
	              sam = person("01JSAMSAMSAMSAMSAMSAMSAMSA", "sam", "source_handler"),
	              adm = person("01JADMADMADMADMADMADMADMAD", "root", "admin");
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	assert_int_equal(wam_db_set_principal(r->db, &ann), 0);
	observation(r, o, sources, "AK-800", "L-9", "[]");
	json_t *out = NULL, *s;
	/* ann recorded it: she sees it, and her read is logged */
	long long before = reads(r);
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	s = json_array_get(json_object_get(out, "sources"), 0);
	assert_string_equal(test_str(s, "identity"), "Jean-Pierre Sangaris");
	assert_true(json_is_true(json_object_get(s, "identity_held")));
	assert_null(json_object_get(s, "identity_sealed"));
	/* the second source has none */
	assert_false(
	    json_is_true(json_object_get(json_array_get(json_object_get(out, "sources"), 1), "identity_held")));
	json_decref(out);
	assert_int_equal(reads(r), before + 1);
	/* bob, another monitor, and even an admin: the source's code and grade, no identity, no read */
	const wam_principal *others[] = {&bob, &adm};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(wam_db_set_principal(r->db, others[i]), 0);
		before = reads(r);
		assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
		s = json_array_get(json_object_get(out, "sources"), 0);
		assert_null(json_object_get(s, "identity"));
		assert_null(json_object_get(s, "identity_sealed"));
		assert_true(json_is_true(json_object_get(s, "identity_held")));
		assert_string_equal(test_str(s, "ref"), "W-1");
		assert_string_equal(test_str(s, "reliability"), "B");
		char *text = json_dumps(out, 0);
		assert_null(strstr(text, "Sangaris"));
		free(text);
		json_decref(out);
		assert_int_equal(reads(r), before);
	}
	/* sam, the source handler, sees it; the read is logged with the field */
	assert_int_equal(wam_db_set_principal(r->db, &sam), 0);
	before = reads(r);
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	s = json_array_get(json_object_get(out, "sources"), 0);
	assert_string_equal(test_str(s, "identity"), "Jean-Pierre Sangaris");
	json_decref(out);
	assert_int_equal(reads(r), before + 1);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE type='record.read' AND subject='%s'"
	         " AND payload LIKE '%%sources[0].identity%%'",
	         o);
	/* ann's at recording (the observation shown back to her), ann's and sam's */
	assert_int_equal(test_count(r, sql), 3);
	wam_db_set_principal(r->db, NULL);
}

/* `needle` is nowhere in the bytes of `path` (a missing file holds nothing). */
static void not_in_file(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	size_t k = strlen(needle);
	for (long i = 0; i + (long)k <= n; i++)
		if (!memcmp(buf + i, needle, k))
			fail_msg("'%s' is in clear in %s", needle, path);
	free(buf);
}

static void test_identity_never_in_clear(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], sources[1024], path[256];
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	observation(r, o, sources, "AK-900", "L-10", "[]");
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0); /* the owner reads it */
	json_decref(out);
	/* the event and the projection hold it sealed only */
	char *payload = test_query_text(r->db->conn, "SELECT payload FROM events WHERE type='observation.recorded'");
	assert_null(strstr(payload, "Sangaris"));
	assert_non_null(strstr(payload, "identity_sealed"));
	free(payload);
	char *body = test_query_text(r->db->conn, "SELECT body FROM observations");
	assert_null(strstr(body, "Sangaris"));
	free(body);
	/* nor in the file's bytes, its journal or its write-ahead log */
	wam_db_close(r->db);
	r->db = NULL;
	not_in_file(r->path, "Sangaris");
	snprintf(path, sizeof path, "%s-wal", r->path);
	not_in_file(path, "Sangaris");
	snprintf(path, sizeof path, "%s-journal", r->path);
	not_in_file(path, "Sangaris");
	assert_int_equal(wam_db_open(&r->db, r->path, 0), 0);
	/* and the projection rebuilt from the ledger opens the same */
	assert_int_equal(wam_ledger_rebuild(r->db), 0);
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "sources"), 0), "identity"),
	                    "Jean-Pierre Sangaris");
	json_decref(out);
}

/* A sealed identity opens only as the source it was sealed for (the
 * observation's id and the source's row are its associated data), and its
 * length tells only its bucket of 64 bytes. */
static void test_a_sealed_identity_opens_in_its_own_place(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], sql[512];
	observation(r, o,
	            "[" WITNESS(",\"ref\":\"W-1\",\"identity\":\"Jo\"") "," WITNESS(
	                ",\"ref\":\"W-2\",\"identity\":\"Jean-Pierre Sangaris, driver of the convoy, Bangui PK5\"") "]",
	            "AK-950", "L-95", "[]");
	snprintf(sql, sizeof sql,
	         "SELECT length(json_extract(body,'$.sources[0].identity_sealed')) ="
	         " length(json_extract(body,'$.sources[1].identity_sealed')) FROM observations WHERE id='%s'",
	         o);
	assert_int_equal(test_count(r, sql), 1);
	/* the two sealed identities swapped: neither opens */
	snprintf(sql, sizeof sql,
	         "UPDATE observations SET body=json_set(body,'$.sources[0].identity_sealed',"
	         " json_extract(body,'$.sources[1].identity_sealed'), '$.sources[1].identity_sealed',"
	         " json_extract(body,'$.sources[0].identity_sealed')) WHERE id='%s'",
	         o);
	test_reg_tamper(r, sql);
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	for (size_t i = 0; i < 2; i++) {
		json_t *s = json_array_get(json_object_get(out, "sources"), i);
		assert_true(json_is_true(json_object_get(s, "identity_unreadable")));
		assert_null(json_object_get(s, "identity"));
	}
	json_decref(out);
}

static void test_bad_input_names_field_and_row(void **state)
{
	test_reg *r = *state;
	char sources[1024];
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	static const struct {
		const char *from, *to, *field;
	} cases[] = {
	    {"\"credibility\":3", "\"credibility\":7", "sources[1].credibility"},
	    {"\"reliability\":\"B\"", "\"reliability\":\"G\"", "sources[0].reliability"},
	    {"\"independent\":true,\"reliability\":\"C\"", "\"independent\":\"yes\",\"reliability\":\"C\"",
	     "sources[1].independent"},
	    {"\"kind\":\"serial\",\"text\":\"AK-1\"", "\"kind\":\"serial\",\"text\":\"\"", "items[0].markings[0].text"},
	    {"\"quantity\":1200", "\"quantity\":0", "items[1].quantity"},
	    {"\"calibre\":\"7.62x39\",", "", "items[1].calibre"},
	    {"\"country\":\"CF\"", "\"country\":\"XX\"", "place.country"},
	    {"2026-03-02T10:30:00Z", "2026-02-30", "observed_at"},
	    {"2026-03-02T10:30:00Z", "2999-01-01", "observed_at"},
	    {"\"kind\":\"cache_recovery\"", "\"kind\":\"picnic\"", "kind"},
	    {"\"category\":\"SA4\"", "\"category\":\"ZZ9\"", "items[0].category"},
	    {"\"kind\":\"armed_group\"", "\"kind\":\"club\"", "actor.kind"},
	    /* what cannot be: an offset beyond 14 hours, a weapon made or a
	     * round headstamped after the year observed, a document dated after
	     * the observation, half a point */
	    {"2026-03-02T10:30:00Z", "2026-03-02T10:30:00+99:99", "observed_at"},
	    {"2026-03-02T10:30:00Z", "2026-03-02T10:30:00-14:30", "observed_at"},
	    {"\"category\":\"SA4\",", "\"category\":\"SA4\",\"year\":2027,", "items[0].year"},
	    {"\"year\":2012", "\"year\":2030", "items[1].headstamp.year"},
	    {"\"documents\":[]", "\"documents\":[{\"kind\":\"waybill\",\"number\":\"W\",\"date\":\"2026-03-03\"}]",
	     "documents[0].date"},
	    {",\"lon\":18.55", "", "place.lon"},
	    {"\"lat\":4.36,", "", "place.lat"},
	};
	char text[8192];
	snprintf(text, sizeof text, OBS, sources, "AK-1", "AK-1", "L-1", "[]");
	long long events = test_events(r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char bad[8192];
		const char *at = strstr(text, cases[i].from);
		if (!at)
			fail_msg("case %zu: '%s' not in the input", i, cases[i].from);
		snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - text), text, cases[i].to, at + strlen(cases[i].from));
		json_t *in = test_json(bad), *out = NULL;
		assert_int_not_equal(wam_monitoring_observation_add(r->db, &out, in), 0);
		assert_null(out);
		if (strcmp(wam_error_last()->field, cases[i].field))
			fail_msg("case %zu: field %s, not %s (%s)", i, wam_error_last()->field, cases[i].field,
			         wam_error_last()->message);
		json_decref(in);
	}
	/* no source at all; a photo not in the store */
	json_t *in = test_json(text), *out = NULL;
	json_object_set_new(in, "sources", json_array());
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "sources");
	json_decref(in);
	in = test_json(text);
	json_object_set_new(json_array_get(json_object_get(in, "items"), 0), "photos",
	                    json_pack("[s]", "0000000000000000000000000000000000000000000000000000000000000000"));
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "items[0].photos[0]");
	json_decref(in);
	test_unchanged(r, events);
	/* an instant later than now, though dated today where it was seen */
	char today[11], later[40];
	wam_date_today(today);
	snprintf(later, sizeof later, "%sT23:59:59-12:00", today);
	in = test_json(text);
	json_object_set_new(in, "observed_at", json_string(later));
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "observed_at");
	json_decref(in);
	/* a finding's period does not run past today */
	in = json_pack("{s:s, s:{s:s, s:s}}", "statement", "s", "period", "from", "2026-01-01", "to", "2099-01-01");
	assert_int_equal(wam_monitoring_finding_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "period.to");
	json_decref(in);
	test_unchanged(r, events);
	/* the good one is recorded, as is one seen at +14:00 with the year
	 * observed on its rounds and a document of the same day */
	in = test_json(text);
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), 0);
	json_decref(out);
	json_object_set_new(in, "observed_at", json_string("2026-03-02T10:30:00+14:00"));
	json_object_set_new(json_object_get(json_array_get(json_object_get(in, "items"), 1), "headstamp"), "year",
	                    json_integer(2026));
	json_object_set_new(in, "documents",
	                    json_pack("[{s:s, s:s, s:s}]", "kind", "waybill", "number", "W", "date", "2026-03-02"));
	if (wam_monitoring_observation_add(r->db, &out, in))
		fail_msg("observation: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	json_decref(in);
}

static void test_the_same_serial_or_lot_links_observations(void **state)
{
	test_reg *r = *state;
	char a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1], c[WAM_ID_LEN + 1], sources[1024];
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_B);
	observation(r, a, sources, "56-1-0012345", "LOT-9", "[]");
	/* the serial read with a dash and in lower case, another lot */
	observation(r, b, sources, "56 1 0012345", "LOT-10", "[]");
	/* another serial, the first lot */
	observation(r, c, sources, "56-1-0099999", "lot 9", "[]");
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, a), 0);
	json_t *links = json_object_get(out, "links");
	assert_int_equal(json_array_size(links), 2);
	bool by_serial = false, by_lot = false;
	size_t i;
	json_t *l;
	json_array_foreach(links, i, l)
	{
		if (!strcmp(test_str(l, "why"), "serial")) {
			by_serial = true;
			assert_string_equal(test_str(l, "observation_id"), b);
		} else {
			by_lot = true;
			assert_string_equal(test_str(l, "observation_id"), c);
			assert_int_equal(json_integer_value(json_object_get(l, "item")), 1);
		}
	}
	assert_true(by_serial && by_lot);
	json_decref(out);
	/* and the other way round */
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, b), 0);
	assert_int_equal(json_array_size(json_object_get(out, "links")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "links"), 0), "observation_id"), a);
	json_decref(out);
	/* the list counts them, filters by actor alias and country */
	wam_observation_filter f = {.actor = "fprc", .country = "cf"};
	assert_int_equal(wam_monitoring_observation_list(r->db, &out, &f), 0);
	assert_int_equal(json_array_size(out), 3);
	json_decref(out);
	f.actor = "Someone Else";
	assert_int_equal(wam_monitoring_observation_list(r->db, &out, &f), 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	test_expect_rebuilt(r, "SELECT group_concat(observation_id || why || key || item, ',') FROM"
	                       " (SELECT * FROM observation_keys ORDER BY 1, 2, 3, 4)");
}

/* A weapon seen twice is one weapon: profiles and the committee report
 * count weapons distinct by make and serial (as links key them), one
 * without a serial at each sighting, with the sightings beside; rounds
 * are as seen, with the distinct lots. */
static void test_a_weapon_seen_twice_is_one_weapon(void **state)
{
	test_reg *r = *state;
	char a[WAM_ID_LEN + 1], b[WAM_ID_LEN + 1], c[WAM_ID_LEN + 1], sources[1024];
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_B);
	observation(r, a, sources, "56-1-0012345", "LOT-9", "[]");
	observation(r, b, sources, "56 1 0012345", "LOT-10", "[]"); /* the same rifle */
	observation(r, c, sources, "56-1-0099999", "lot 9", "[]");  /* the first lot again */
	/* a rifle with no serial, seen once: one more weapon */
	json_t *in = fmt_json(OBS, sources, "X", "X", "LOT-9", "[]"), *out = NULL;
	json_t *rifle = json_array_get(json_object_get(in, "items"), 0);
	json_object_del(rifle, "serial");
	json_object_del(rifle, "markings");
	if (wam_monitoring_observation_add(r->db, &out, in))
		fail_msg("observation: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(in);
	json_decref(out);
	assert_int_equal(wam_monitoring_profile_actor(r->db, &out, "Front populaire"), 0);
	const json_t *w = json_object_get(out, "weapons"), *am = json_object_get(out, "ammunition");
	assert_int_equal(json_integer_value(json_object_get(w, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(w, "sightings")), 4);
	const json_t *norinco = json_array_get(json_object_get(w, "by_make"), 0);
	assert_string_equal(test_str(norinco, "key"), "Norinco");
	assert_int_equal(json_integer_value(json_object_get(norinco, "count")), 3);
	assert_int_equal(json_integer_value(json_object_get(norinco, "sightings")), 4);
	assert_int_equal(json_integer_value(json_object_get(am, "rounds")), 4 * 1200);
	assert_int_equal(json_integer_value(json_object_get(am, "lots")), 2);
	assert_int_equal(json_integer_value(json_object_get(am, "sightings")), 4);
	json_decref(out);
	assert_int_equal(wam_monitoring_profile_country(r->db, &out, "CF", false), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "weapons"), "total")), 3);
	json_decref(out);
	assert_int_equal(wam_monitoring_committee_report(r->db, &out, NULL, "2026-01-01", "2026-12-31"), 0);
	w = json_object_get(out, "weapons");
	assert_int_equal(json_integer_value(json_object_get(w, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(w, "sightings")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "ammunition"), "lots")), 2);
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	assert_int_equal(wam_monitoring_committee_report_html(out, f), 0);
	fclose(f);
	assert_non_null(strstr(html, "<dt>Weapons and parts (distinct)</dt><dd>3, in 4 sightings</dd>"));
	assert_non_null(strstr(html, "<dt>Ammunition lots (distinct)</dt><dd>2</dd>"));
	free(html);
	json_decref(out);
	/* an actor never seen: no dates */
	assert_int_equal(wam_monitoring_profile_actor(r->db, &out, "Nobody"), 0);
	assert_true(json_is_null(json_object_get(out, "first_seen")));
	assert_true(json_is_null(json_object_get(out, "last_seen")));
	assert_int_equal(json_integer_value(json_object_get(out, "observations")), 0);
	json_decref(out);
}

static void test_a_registry_weapon_seen_in_the_field(void **state)
{
	test_reg *r = *state;
	char item[WAM_ID_LEN + 1], o[WAM_ID_LEN + 1], sources[1024];
	test_add_item(r,
	              "{\"category\":\"SA4\",\"make\":\"Norinco\",\"model\":\"Type 56\",\"calibre\":\"7.62x39mm\","
	              "\"serial\":\"56123987\",\"country\":\"CN\",\"status\":\"lost\"}",
	              item);
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_B);
	observation(r, o, sources, "56123987", "L-1", "[]");
	json_t *out = NULL;
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	json_t *m = json_array_get(json_object_get(out, "matches"), 0);
	assert_non_null(m);
	assert_string_equal(test_str(m, "item_id"), item);
	json_decref(out);
	/* the weapon's page lists the observation */
	assert_int_equal(wam_registry_item_links(r->db, &out, item), 0);
	assert_string_equal(test_str(json_array_get(json_object_get(out, "observations"), 0), "id"), o);
	json_decref(out);
}

static void test_pseudonyms_keep_the_key_file(void **state)
{
	test_reg *r = *state;
	char a[32], path[256], expect[32];
	unsigned char key[32], h[12];
	assert_int_equal(wam_collection_pseudonym(r->db, a, "Marie Pierre"), 0);
	/* a pseudonym is BLAKE2b keyed by the file's 32 bytes, as it always was */
	snprintf(path, sizeof path, "%s.pseudonym.key", r->path);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(key, 1, 32, f), 32);
	fclose(f);
	char norm[256];
	long n = wam_match_name_key(norm, sizeof norm, "Marie Pierre");
	crypto_generichash(h, sizeof h, (const unsigned char *)norm, (size_t)n, key, sizeof key);
	expect[0] = 'P';
	expect[1] = '-';
	wam_hex(expect + 2, h, sizeof h);
	assert_string_equal(a, expect);
	/* the sources' key is another, derived from it */
	unsigned char sub[32];
	assert_int_equal(wam_db_secret_key(r->db, WAM_SECRET_SOURCES, sub), 0);
	assert_memory_not_equal(sub, key, 32);
}

/* A lost key file is not silently replaced: with sealed identities in the
 * ledger no fresh key is made, the observation stays readable (its
 * identity marked unreadable), and a read-only handle never makes a key. */
static void test_a_lost_key_is_not_replaced(void **state)
{
	test_reg *r = *state;
	char o[WAM_ID_LEN + 1], path[256], sources[512], ref[32];
	snprintf(path, sizeof path, "%s.pseudonym.key", r->path);
	/* a read-only handle on a registry with no key makes none */
	wam_db *ro = NULL;
	assert_int_equal(wam_db_open(&ro, r->path, WAM_DB_READONLY), 0);
	assert_int_equal(wam_collection_pseudonym(ro, ref, "Marie Pierre"), WAM_EIO);
	assert_non_null(strstr(wam_error_last()->message, path));
	wam_db_close(ro);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(sources, sizeof sources, "[%s,%s]", INDEPENDENT_A, INDEPENDENT_B);
	observation(r, o, sources, "AK-900", "L-90", "[]");
	assert_int_equal(unlink(path), 0);
	/* the owner still reads it: the identity is held, and unreadable */
	json_t *out = NULL;
	if (wam_monitoring_observation_get(r->db, &out, o))
		fail_msg("get: %s", wam_error_last()->message);
	json_t *s = json_array_get(json_object_get(out, "sources"), 0);
	assert_true(json_is_true(json_object_get(s, "identity_held")));
	assert_true(json_is_true(json_object_get(s, "identity_unreadable")));
	assert_null(json_object_get(s, "identity"));
	assert_null(json_object_get(json_array_get(json_object_get(out, "sources"), 1), "identity_unreadable"));
	json_decref(out);
	/* sealing another identity needs the lost key: refused, no new key */
	long long events = test_events(r);
	json_t *in = fmt_json(OBS, sources, "AK-901", "AK-901", "L-91", "[]");
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), WAM_EIO);
	assert_non_null(strstr(wam_error_last()->message, path));
	test_unchanged(r, events);
	assert_int_equal(access(path, F_OK), -1);
	json_decref(in);
	/* a key of another registry opens nothing either: still readable */
	FILE *f = fopen(path, "wb");
	unsigned char other[32];
	randombytes_buf(other, sizeof other);
	assert_int_equal(fwrite(other, 1, sizeof other, f), sizeof other);
	fclose(f);
	assert_int_equal(wam_monitoring_observation_get(r->db, &out, o), 0);
	assert_true(
	    json_is_true(json_object_get(json_array_get(json_object_get(out, "sources"), 0), "identity_unreadable")));
	json_decref(out);
}

/* The collection room's pseudonyms hold the same key file: once the ledger
 * keeps one, a lost key is not replaced by a fresh one either. */
static void test_a_lost_key_with_pseudonyms_is_not_replaced(void **state)
{
	test_reg *r = *state;
	char path[256];
	static const char *const recovery =
	    "{\"type\":\"surrendered\",\"date\":\"2026-03-01\",\"place\":\"Centre\",\"context\":\"amnesty\","
	    "\"officer\":\"Insp. Joseph\",\"person\":\"Jean-Baptiste Pierre\",\"weapons\":[{\"category\":\"SA1\","
	    "\"model\":\"revolver\",\"calibre\":\".38 Special\"}]}";
	snprintf(path, sizeof path, "%s.pseudonym.key", r->path);
	json_t *in = test_json(recovery), *out = NULL;
	if (wam_collection_recovery_add(r->db, &out, in))
		fail_msg("recovery: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_decref(out);
	assert_int_equal(unlink(path), 0);
	long long events = test_events(r);
	assert_int_equal(wam_collection_recovery_add(r->db, &out, in), WAM_EIO);
	assert_non_null(strstr(wam_error_last()->message, path));
	test_unchanged(r, events);
	assert_int_equal(access(path, F_OK), -1);
	json_decref(in);
}

/* A trace party other than a state is the registry by its name and, when
 * it names its state, by that state too: a peer called "Beretta" in
 * another country does not answer for the manufacturer Beretta of Italy. */
static void test_a_named_party_is_of_its_state(void **state)
{
	(void)state;
	json_t *beretta = test_json("{\"kind\":\"manufacturer\",\"name\":\"Beretta\",\"state\":\"IT\"}");
	json_t *panel = test_json("{\"kind\":\"panel\",\"name\":\"Panel of Experts\"}");
	assert_true(wam_trace_party_is(beretta, "BERETTA", "IT"));
	assert_false(wam_trace_party_is(beretta, "Beretta", "CF"));
	assert_false(wam_trace_party_is(beretta, "Beretta", NULL));
	assert_false(wam_trace_party_is(beretta, "Benelli", "IT"));
	/* a party naming no state is known by its name alone */
	assert_true(wam_trace_party_is(panel, "panel of experts", "CF"));
	json_decref(beretta);
	json_decref(panel);
}

/* A finding names its actor as an observation does, aliases and all. */
static void test_a_finding_names_its_actor_as_an_observation_does(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json("{\"statement\":\"s\",\"actor\":{\"kind\":\"armed_group\",\"name\":\"Front populaire\","
	                       "\"aliases\":[\"FPRC\",\"Front populaire pour la renaissance\"],\"notes\":\"n\"}}"),
	       *out = NULL;
	if (wam_monitoring_finding_add(r->db, &out, in))
		fail_msg("finding: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	const json_t *actor = json_object_get(out, "actor");
	assert_int_equal(json_array_size(json_object_get(actor, "aliases")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(actor, "aliases"), 0)), "FPRC");
	json_decref(out);
	/* a bad alias is refused as an observation's is, naming its row */
	long long events = test_events(r);
	json_array_set_new(json_object_get(json_object_get(in, "actor"), "aliases"), 1, json_integer(7));
	assert_int_equal(wam_monitoring_finding_add(r->db, &out, in), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "actor.aliases[1]");
	test_unchanged(r, events);
	json_decref(in);
}

static void test_an_evidence_pack_is_recorded(void **state)
{
	test_reg *r = *state;
	char f[WAM_ID_LEN + 1];
	finding(r, f, NULL, NULL);
	json_t *pack = test_json("{\"manifest_hash\":\"ab12\",\"redacted\":true,\"files\":7}"), *out = NULL;
	long long events = test_events(r);
	assert_int_equal(wam_monitoring_record_pack(r->db, "01JNOSUCHFINDINGXXXXXXXXXX", pack), WAM_ENOTFOUND);
	json_object_set_new(pack, "files", json_string("seven"));
	assert_int_equal(wam_monitoring_record_pack(r->db, f, pack), WAM_EINVAL);
	test_unchanged(r, events);
	json_object_set_new(pack, "files", json_integer(7));
	assert_int_equal(wam_monitoring_record_pack(r->db, f, pack), 0);
	assert_int_equal(wam_monitoring_finding_get(r->db, &out, f), 0);
	json_t *p = json_array_get(json_object_get(out, "packs"), 0);
	assert_string_equal(test_str(p, "manifest_hash"), "ab12");
	assert_int_equal(json_integer_value(json_object_get(p, "files")), 7);
	json_decref(out);
	json_decref(pack);
	/* the words offered are those accepted */
	assert_int_equal(wam_monitoring_vocabulary(&out), 0);
	assert_int_equal(json_array_size(json_object_get(out, "observation_kinds")), 9);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(out, "credibility"), 5)), 6);
	json_decref(out);
}

/* The actor in possession is screened and the screening kept: a listed
 * company seen holding arms is flagged, and the observation is recorded
 * all the same (what was seen was seen). */
static void test_the_actor_is_screened(void **state)
{
	test_reg *r = *state;
	char path[1024];
	snprintf(path, sizeof path, "%s/sanctions/fictitious-consolidated.xml", getenv("WAM_DATA_DIR"));
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char xml[1 << 16];
	size_t len = fread(xml, 1, sizeof xml, f);
	fclose(f);
	json_t *out = NULL;
	assert_int_equal(wam_sanctions_import(r->db, &out, xml, len, NULL, NULL), 0);
	json_decref(out);
	char sources[512], text[8192];
	snprintf(sources, sizeof sources, "[%s]", INDEPENDENT_B);
	snprintf(text, sizeof text, OBS, sources, "AK-1", "AK-1", "L-1", "[]");
	json_t *in = test_json(text);
	json_object_set_new(in, "actor",
	                    json_pack("{s:s, s:s}", "kind", "company", "name", "Sahel Fictive Trading Company Ltd"));
	if (wam_monitoring_observation_add(r->db, &out, in))
		fail_msg("observation: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	json_t *screening = json_object_get(out, "screening");
	assert_false(json_is_true(json_object_get(screening, "clear")));
	assert_true(json_array_size(json_object_get(screening, "findings")) > 0);
	json_decref(out);
	/* a clear actor is kept clear */
	json_object_set_new(in, "actor", json_pack("{s:s, s:s}", "kind", "armed_group", "name", "Nobody Listed"));
	assert_int_equal(wam_monitoring_observation_add(r->db, &out, in), 0);
	assert_true(json_is_true(json_object_get(json_object_get(out, "screening"), "clear")));
	json_decref(out);
	json_decref(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_one_source_cannot_corroborate),
	    TEST_IN_HT(test_two_dependent_sources_cannot),
	    TEST_IN_HT(test_poor_grades_do_not_count),
	    TEST_IN_HT(test_two_independent_sources_corroborate),
	    TEST_IN_HT(test_physical_and_documentary_corroborate),
	    TEST_IN_HT(test_physical_and_trace_record_found_corroborate),
	    TEST_IN_HT(test_a_trace_from_an_observation_asks_as_this_registry),
	    TEST_IN_HT(test_poor_physical_or_documentary_evidence_does_not_count),
	    TEST_IN_HT(test_one_source_counts_once),
	    TEST_IN_HT(test_the_refusal_names_what_it_set_aside),
	    TEST_IN_HT(test_reported_finding_is_frozen),
	    TEST_IN_HT(test_only_the_recorder_and_a_source_handler_see_the_identity),
	    TEST_IN_HT(test_identity_never_in_clear),
	    TEST_IN_HT(test_a_sealed_identity_opens_in_its_own_place),
	    TEST_IN_HT(test_bad_input_names_field_and_row),
	    TEST_IN_HT(test_the_same_serial_or_lot_links_observations),
	    TEST_IN_HT(test_a_weapon_seen_twice_is_one_weapon),
	    TEST_IN_HT(test_a_registry_weapon_seen_in_the_field),
	    TEST_IN_HT(test_pseudonyms_keep_the_key_file),
	    TEST_IN_HT(test_a_lost_key_is_not_replaced),
	    TEST_IN_HT(test_a_lost_key_with_pseudonyms_is_not_replaced),
	    TEST_IN_HT(test_a_named_party_is_of_its_state),
	    TEST_IN_HT(test_a_finding_names_its_actor_as_an_observation_does),
	    TEST_IN_HT(test_an_evidence_pack_is_recorded),
	    TEST_IN_HT(test_the_actor_is_screened),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
