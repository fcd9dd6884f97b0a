/* The trace room's part of `wam demo`: weapons of the demo registry reported
 * lost or stolen; recoveries from 2024 to 2026 that bring some of them back
 * recorded with misread serials, so the matcher finds them as hits, decided
 * as an officer would; foreign-made weapons traced with their state of
 * manufacture, with the outcomes real traces have (records found with the
 * transfer chain, partial answers, no record, a restricted answer, a
 * refusal, a delay, requests overdue and a draft not yet sendable);
 * obliterated weapons whose origin an investigation established;
 * requests received from two other states; and ammunition: rounds stolen
 * from a police armoury (a loss with no weapon) and a request sent about
 * the lot of the ammunition found in the collection demo's cache.
 *
 * Like the stockpile demo it goes through the public calls only, inside the
 * registry demo's transaction with its seeded generator, so the same seed
 * gives the same traces. What it draws on is in data/demo.json, "trace". */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "trace/trace.h"
#include "wam/collection.h"
#include "wam/registry.h"
#include "wam/trace.h"

/* Characters a field officer misreads on a worn stamping, and what they
 * are read as: the OCR classes of docs/match.md. */
static char misread(char c)
{
	static const char from[] = "0158OISB26ZG", to[] = "OISB0158ZG26";
	const char *at = strchr(from, c);
	return c && at ? to[at - from] : 0;
}

/* `serial` as a tired officer writes it down: up to two confusable
 * characters read as their look-alikes. False when it has none (or is not
 * plain ASCII, where the demo keeps things simple). */
static bool misread_serial(wam_rng *rng, const char *serial, char *out, size_t cap)
{
	size_t n = strlen(serial), pos[64], k = 0;
	if (n + 1 > cap || n > 60)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)serial[i] >= 0x80)
			return false;
		if (misread(serial[i]))
			pos[k++] = i;
	}
	if (k < 2)
		return false;
	memcpy(out, serial, n + 1);
	size_t a = wam_rng_below(rng, (uint32_t)k), b = (a + 1 + wam_rng_below(rng, (uint32_t)k - 1)) % k;
	out[pos[a]] = misread(out[pos[a]]);
	out[pos[b]] = misread(out[pos[b]]);
	return true;
}

/* Weapons the losses can take: held in store or in service, small arms
 * whose serial has something to misread, in registration order. */
static int loss_candidates(wam_db *db, json_t **out)
{
	return wam_query_rows(db, out,
	                      "SELECT id, serial, make, model, calibre, category, country FROM items"
	                      " WHERE status IN ('in_store','in_service') AND category IN ('SA1','SA2','SA4')"
	                      " AND serial GLOB '*[0-9]*[0-9]*' ORDER BY id LIMIT 2000",
	                      NULL, NULL);
}

/* Reports the losses of data/demo.json; the weapons reported, in order of
 * their report, go to `lost` as {id, serial, make, model, calibre,
 * category, country, date}. */
static int add_losses(wam_db *db, wam_rng *rng, const json_t *losses, json_t *lost)
{
	json_t *cand = NULL;
	int rc = loss_candidates(db, &cand);
	size_t next = 0, i;
	const json_t *l;
	json_array_foreach(losses, i, l)
	{
		json_int_t count = json_integer_value(json_object_get(l, "count"));
		for (json_int_t c = 0; !rc && c < count; c++) {
			const json_t *w = NULL;
			char probe[128];
			/* skip weapons whose serial gives nothing to misread */
			while (next < json_array_size(cand)) {
				w = json_array_get(cand, next);
				next += 1 + wam_rng_below(rng, 7);
				if (misread_serial(rng, json_string_value(json_object_get(w, "serial")), probe, sizeof probe))
					break;
				w = NULL;
			}
			if (!w)
				break;
			json_t *report = json_deep_copy(l), *out = NULL;
			json_object_del(report, "count");
			json_object_set(report, "item_id", json_object_get(w, "id"));
			rc = wam_trace_loss_report(db, &out, report);
			json_t *copy = json_deep_copy(w);
			json_object_set(copy, "date", json_object_get(l, "date"));
			json_array_append_new(lost, copy);
			json_decref(report);
			json_decref(out);
		}
	}
	json_decref(cand);
	return rc;
}

/* True when the registry holds a weapon of `make` whose serial reads as
 * `serial`: the demo draws again rather than record a duplicate. */
static bool taken(wam_db *db, const char *serial, const char *make)
{
	json_t *found = NULL;
	bool yes = false;
	if (wam_registry_item_find_serial(db, &found, serial) == 0) {
		size_t i;
		const json_t *w;
		json_array_foreach(found, i, w) yes |= !strcmp(json_string_value(json_object_get(w, "make")), make);
	}
	json_decref(found);
	return yes;
}

/* A recovered weapon as the officer records it; NULL when every misreading
 * drawn reads as another weapon of its make. */
static json_t *recovered_copy(wam_db *db, wam_rng *rng, const json_t *w)
{
	char serial[128];
	const char *make = json_string_value(json_object_get(w, "make"));
	for (int tries = 0; tries < 8; tries++)
		if (misread_serial(rng, json_string_value(json_object_get(w, "serial")), serial, sizeof serial) &&
		    !taken(db, serial, make))
			return json_pack("{s:O, s:O, s:O, s:O, s:O, s:s}", "category", json_object_get(w, "category"),
			                 "make", json_object_get(w, "make"), "model", json_object_get(w, "model"), "calibre",
			                 json_object_get(w, "calibre"), "country", json_object_get(w, "country"), "serial",
			                 serial);
	return NULL;
}

static json_t *foreign_weapon(wam_db *db, wam_rng *rng, const json_t *spec, wam_buf *serial)
{
	const char *make = json_string_value(json_object_get(spec, "make"));
	do
		wam_demo_expand_serial(rng, json_string_value(json_object_get(spec, "serial")), serial);
	while (taken(db, serial->p, make));
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "category", json_object_get(spec, "category"), "make",
	                 json_object_get(spec, "make"), "model", json_object_get(spec, "model"), "calibre",
	                 json_object_get(spec, "calibre"), "country", json_object_get(spec, "country"), "year",
	                 json_object_get(spec, "year"), "serial", serial->p);
}

static json_t *obliterated_weapon(void)
{
	return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s}]}", "category", "SA4", "make", "Unknown", "calibre",
	                 "7.62x39mm", "markings", "component", "frame_receiver", "kind", "serial", "text", "?\?-?81",
	                 "legibility", "obliterated");
}

/* `date` plus `days`, as YYYY-MM-DD. */
static void date_plus(char out[11], const char *date, long days)
{
	time_t t = 0;
	wam_date_parse(date, &t);
	wam_date_format(out, t + (time_t)days * 86400);
}

/* A response of the kind `outcome` (record_found, partial, no_record,
 * restricted, refused, delayed) for a weapon made in `country`. */
static json_t *response(const char *outcome, const char *country, const char *date, int n)
{
	json_t *r = json_pack("{s:s, s:s}", "result", outcome, "date", date);
	if (!strcmp(outcome, "record_found") || !strcmp(outcome, "partial")) {
		bool export = !strcmp(outcome, "partial") || n % 2;
		char licence[32], euc[32];
		snprintf(licence, sizeof licence, "%s-EXP-%04d", country, 1200 + n * 37);
		snprintf(euc, sizeof euc, "EUC-%s-%04d", country, 300 + n * 11);
		json_t *chain = json_array();
		json_array_append_new(chain, json_pack("{s:s, s:s, s:s}", "date", "2017-04-11", "consignee",
		                                       "Factory shipment to the national distributor", "country",
		                                       country));
		if (export)
			json_array_append_new(chain, json_pack("{s:s, s:s, s:s, s:s, s:s}", "date", "2019-09-02",
			                                       "consignee", "Caribbean Arms Trading Ltd (registered dealer)",
			                                       "country", "DO", "licence", licence, "euc", euc));
		else
			json_array_append_new(chain, json_pack("{s:s, s:s, s:s}", "date", "2021-06-18", "consignee",
			                                       "Licensed retail dealer, Miami FL", "country", country));
		json_object_set_new(r, "chain", chain);
		json_object_set_new(r, "last_holder",
		                    export ? json_pack("{s:s, s:s, s:s}", "name", "Caribbean Arms Trading Ltd", "type",
		                                       "dealer", "country", "DO")
		                           : json_pack("{s:s, s:s, s:s}", "name", "Private purchaser (straw purchase)",
		                                       "type", "civilian", "country", country));
		if (!strcmp(outcome, "record_found") || n % 3 != 2)
			json_object_set_new(
			    r, "point_of_diversion",
			    export ? json_pack("{s:s, s:s, s:s}", "category", "transfer_export", "country", "DO", "description",
			                       "re-exported without the exporting state's consent")
			           : json_pack("{s:s, s:s, s:s}", "category", "civilian_holder", "country", country,
			                       "description", "bought by a straw purchaser and shipped in a container"));
	} else if (!strcmp(outcome, "restricted")) {
		json_object_set_new(r, "restriction_reason", json_string("an investigation under way in the requested state"));
		json_object_set_new(r, "confidentiality", json_string("confidential"));
	} else if (!strcmp(outcome, "refused")) {
		json_object_set_new(r, "restriction_reason",
		                    json_string("weapons of the former USSR: records not held by the successor state"));
	} else if (!strcmp(outcome, "delayed")) {
		json_object_set_new(r, "restriction_reason", json_string("the records are being retrieved from archives"));
		json_object_set_new(r, "reply_days", json_integer(240));
	}
	return r;
}

/* What happens to the trace of foreign weapon `k` of a recovery whose data
 * says `outcome`: a result, "sent" (no answer yet), "acknowledged" or
 * "draft". */
static const char *fate(const char *outcome, size_t k, int n)
{
	static const char *const mixed[] = {"record_found", "partial", "no_record", "restricted"};
	static const char *const refused[] = {"refused", "no_record", "sent"};
	static const char *const pending[] = {"draft", "acknowledged", "delayed"};
	if (!strcmp(outcome, "answered"))
		return "record_found";
	if (!strcmp(outcome, "mixed"))
		return mixed[n % 4];
	if (!strcmp(outcome, "refused"))
		return refused[k % 3];
	return pending[k % 3];
}

/* Drafts, sends and answers the trace of the weapon `item_id` made in
 * `made_in`, recovered on `date`, as `fate` says. */
static int trace_weapon(wam_db *db, const json_t *tr, const char *item_id, const char *made_in, const char *date,
                        const char *fate_s, int n)
{
	const char *succ = json_string_value(json_object_get(json_object_get(tr, "successors"), made_in));
	const char *to = succ ? succ : made_in;
	char sent[11], acked[11], answered[11], ref[40];
	date_plus(sent, date, 12);
	date_plus(acked, date, 19 + n % 5);
	date_plus(answered, date, 41 + (n * 13) % 50);
	snprintf(ref, sizeof ref, "PNH-TR-%.4s-%03d", date, 100 + n);
	bool draft = !strcmp(fate_s, "draft");
	json_t *req = json_pack("{s:s, s:O, s:{s:s, s:s*, s:s}, s:s, s:s, s:s*, s:s*, s:s, s:s}", "reference", ref,
	                        "requesting", json_object_get(tr, "requesting"), "requested", "state", to, "agency",
	                        json_string_value(json_object_get(json_object_get(tr, "agencies"), to)), "via",
	                        "national_contact_point", "item_id", item_id, "illicit_reason", "illicit_national_law",
	                        "justification",
	                        draft ? NULL : "possession without licence and trafficking, Code pénal art. 278",
	                        "intended_use",
	                        draft ? NULL : "criminal investigation and prosecution of the trafficking network",
	                        "confidentiality", "restricted", "urgency", n % 4 ? "routine" : "urgent");
	json_t *out = NULL, *d = NULL;
	int rc = wam_trace_request_draft(db, &out, req);
	const char *id = json_string_value(json_object_get(out, "id"));
	if (!rc && !draft) {
		d = json_pack("{s:s}", "date", sent);
		json_t *o = NULL;
		rc = wam_trace_request_send(db, &o, id, d);
		json_decref(o);
		json_decref(d);
	}
	if (!rc && !draft && strcmp(fate_s, "sent")) {
		d = json_pack("{s:s}", "date", acked);
		json_t *o = NULL;
		rc = wam_trace_request_acknowledge(db, &o, id, d);
		json_decref(o);
		json_decref(d);
	}
	if (!rc && !draft && strcmp(fate_s, "sent") && strcmp(fate_s, "acknowledged")) {
		json_t *r = response(fate_s, to, answered, n), *o = NULL;
		rc = wam_trace_request_respond(db, &o, id, r);
		json_decref(o);
		json_decref(r);
		/* the oldest answered traces are closed once read */
		if (!rc && !strcmp(fate_s, "record_found") && date[3] == '4') {
			d = json_pack("{s:s}", "reason", "point of diversion established; case passed to prosecution");
			rc = wam_trace_request_close(db, &o, id, d);
			json_decref(o);
			json_decref(d);
		}
	}
	json_decref(out);
	json_decref(req);
	return rc;
}

/* Decides the hits of the recovery `recovery_id`: a hit on a weapon
 * reported lost or stolen is confirmed, any other rejected; the hits of the
 * newest recovery are left open for the inbox. */
static int decide_hits(wam_db *db, const char *recovery_id, const json_t *lost, bool leave_open)
{
	json_t *hits = NULL;
	wam_hit_filter f = {.state = "open"};
	int rc = wam_trace_hit_list(db, &hits, &f);
	size_t i;
	const json_t *h;
	json_array_foreach(hits, i, h)
	{
		if (rc || leave_open)
			break;
		const char *of = json_string_value(json_object_get(h, "recovery_id"));
		if (!of || strcmp(of, recovery_id))
			continue;
		const char *match = json_string_value(json_object_get(json_object_get(h, "registered"), "id"));
		bool reported = false;
		size_t j;
		const json_t *w;
		json_array_foreach(lost, j, w) reported |= match && !strcmp(json_string_value(json_object_get(w, "id")), match);
		json_t *d = reported ? json_pack("{s:s, s:s}", "decision", "confirm", "reason",
		                                 "same weapon: make, model and the frame stamping agree on inspection")
		                     : json_pack("{s:s, s:s}", "decision", "reject", "reason",
		                                 "a different weapon: the proof marks and the year differ"),
		       *o = NULL;
		rc = wam_trace_hit_decide(db, &o, json_string_value(json_object_get(h, "id")), d);
		json_decref(o);
		json_decref(d);
	}
	json_decref(hits);
	return rc;
}

/* The weapons of the demo's recoveries, for the registry demo's count. */
static long weapons(const json_t *demo)
{
	long n = 0;
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(json_object_get(demo, "trace"), "recoveries"), i, r)
		n += (long)json_integer_value(json_object_get(r, "stolen")) +
		     (long)json_array_size(json_object_get(r, "foreign")) +
		     (long)json_integer_value(json_object_get(r, "obliterated"));
	return n;
}

/* A word drawn by `rng` from `words`, each with its weight. */
static const char *drawn(wam_rng *rng, const char *const *words, const unsigned *weights)
{
	unsigned total = 0;
	for (size_t i = 0; words[i]; i++)
		total += weights[i];
	unsigned x = wam_rng_below(rng, total);
	for (size_t i = 0; words[i]; i++) {
		if (x < weights[i])
			return words[i];
		x -= weights[i];
	}
	return "not_recorded";
}

/* What a recovery of `type` in `context` records of its person and its
 * case: a weapon found has no person; one seized or surrendered gets a sex
 * and an age band drawn from a stream of its own (so the rest of the demo is
 * the same), not_recorded among them as in real records; a seizure its legal
 * justification by its context. A surrender's justification is recorded
 * later (recovery.described), as a DDR programme files it. */
static void describe_person(wam_rng *rng, json_t *rec, const char *type, const char *context)
{
	static const char *const sexes[] = {"male", "female", "other", "not_recorded", NULL};
	static const unsigned sex_weights[] = {74, 15, 1, 10};
	static const char *const ages[] = {"under_18", "18_24", "25_34", "35_59", "60_plus", "not_recorded", NULL};
	static const unsigned age_weights[] = {6, 27, 31, 20, 3, 13};
	if (!strcmp(type, "found"))
		return;
	wam_rng own = {rng->s ^ 0x6a09e667f3bcc909ULL};
	json_object_set_new(rec, "person_sex", json_string(drawn(&own, sexes, sex_weights)));
	json_object_set_new(rec, "person_age_band", json_string(drawn(&own, ages, age_weights)));
	if (!strcmp(type, "seized"))
		json_object_set_new(rec, "legal_justification",
		                    json_string(context && !strcmp(context, "border_interdiction")
		                                    ? "illicit_trafficking"
		                                : context && !strcmp(context, "crime") ? "use_in_crime"
		                                                                       : "illicit_possession"));
}

static int add_recovery(wam_db *db, wam_rng *rng, const json_t *tr, const json_t *spec, const json_t *lost,
                        size_t *next_lost, const char *site, int *n, bool newest)
{
	const char *date = json_string_value(json_object_get(spec, "date"));
	json_t *weapons = json_array(), *foreign = json_array(), *obliterated = json_array();
	wam_buf serial = {0};
	for (json_int_t k = 0; k < json_integer_value(json_object_get(spec, "stolen")); k++) {
		const json_t *w = json_array_get(lost, *next_lost);
		/* only a weapon lost before this recovery can turn up in it */
		if (!w || strcmp(json_string_value(json_object_get(w, "date")), date) >= 0)
			break;
		(*next_lost)++;
		json_t *copy = recovered_copy(db, rng, w);
		if (copy)
			json_array_append_new(weapons, copy);
	}
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(spec, "foreign"), i, f)
	{
		json_array_append_new(foreign, json_integer((json_int_t)json_array_size(weapons)));
		json_array_append_new(weapons, foreign_weapon(db, rng, json_array_get(json_object_get(tr, "foreign"),
		                                                                  (size_t)json_integer_value(f)),
		                                              &serial));
	}
	for (json_int_t k = 0; k < json_integer_value(json_object_get(spec, "obliterated")); k++) {
		json_array_append_new(obliterated, json_integer((json_int_t)json_array_size(weapons)));
		json_array_append_new(weapons, obliterated_weapon());
	}
	json_t *rec = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:O}", "type", json_object_get(spec, "type"), "date",
	                        json_object_get(spec, "date"), "place", json_object_get(spec, "place"), "context",
	                        json_object_get(spec, "context"), "officer", json_object_get(spec, "officer"),
	                        "site_id", site, "weapons", weapons),
	       *out = NULL;
	const char *type = json_string_value(json_object_get(spec, "type"));
	describe_person(rng, rec, type ? type : "", json_string_value(json_object_get(spec, "context")));
	int rc = wam_collection_recovery_add(db, &out, rec);
	const json_t *items = json_object_get(out, "items");
	const char *rid = json_string_value(json_object_get(out, "id"));
	if (!rc && type && !strcmp(type, "surrendered")) {
		json_t *d = json_pack("{s:s}", "legal_justification", "voluntary_surrender"), *x = NULL;
		rc = wam_collection_recovery_describe(db, &x, rid, d);
		json_decref(d);
		json_decref(x);
	}
	if (!rc)
		rc = decide_hits(db, rid, lost, newest);
	const json_t *k;
	json_array_foreach(foreign, i, k)
	{
		if (rc)
			break;
		const json_t *w = json_array_get(items, (size_t)json_integer_value(k));
		const char *item_id = json_is_string(w) ? json_string_value(w) : json_string_value(json_object_get(w, "id"));
		const char *made_in = json_string_value(json_object_get(json_array_get(weapons, (size_t)json_integer_value(k)), "country"));
		rc = trace_weapon(db, tr, item_id, made_in, date, fate(json_string_value(json_object_get(spec, "outcome")), i, *n),
		                  *n);
		(*n)++;
	}
	/* what the investigation of the cache found about the weapons whose
	 * serials were ground off */
	static const char *const how[][3] = {
	    {"investigation", "illicit_manufacture", "craft-assembled copy; tool marks match a workshop dismantled in 2025"},
	    {"intelligence", "transfer_export", "part of a shipment documented by the panel of experts"},
	};
	json_array_foreach(obliterated, i, k)
	{
		if (rc)
			break;
		const json_t *w = json_array_get(items, (size_t)json_integer_value(k));
		const char *item_id = json_is_string(w) ? json_string_value(w) : json_string_value(json_object_get(w, "id"));
		json_t *o = json_pack("{s:s, s:s, s:s}", "method", how[i % 2][0], "category", how[i % 2][1], "description",
		                      how[i % 2][2]),
		       *x = NULL;
		rc = wam_trace_origin_establish(db, &x, item_id, o);
		json_decref(x);
		json_decref(o);
	}
	json_decref(rec);
	json_decref(out);
	json_decref(weapons);
	json_decref(foreign);
	json_decref(obliterated);
	wam_buf_free(&serial);
	return rc;
}

/* A request received from another state about weapon `w` of this registry
 * (one reported lost or stolen and never recovered), entered as received,
 * acknowledged and, when `spec` says so, answered from the registry. */
static int add_incoming(wam_db *db, const json_t *spec, const json_t *w, const json_t *requested)
{
	const char *date = json_string_value(json_object_get(spec, "date"));
	char acked[11], answered[11];
	date_plus(acked, date, 6);
	date_plus(answered, date, 27);
	json_t *req = json_pack(
	    "{s:s, s:O, s:O, s:O, s:{s:O, s:O, s:O, s:O, s:O, s:O}, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s}",
	    "direction", "incoming", "reference", json_object_get(spec, "reference"), "requesting",
	    json_object_get(spec, "requesting"), "requested", requested, "item", "make", json_object_get(w, "make"),
	    "model", json_object_get(w, "model"), "category", json_object_get(w, "category"), "calibre",
	    json_object_get(w, "calibre"), "serial", json_object_get(w, "serial"), "country", json_object_get(w, "country"),
	    "illicit_reason", "illicit_national_law", "justification", "unlicensed possession, seized in a criminal case",
	    "recovery", "date", date, "circumstances", "seized from a suspect at a land border crossing", "intended_use",
	    "criminal investigation of cross-border trafficking", "confidentiality", "restricted", "urgency", "routine");
	json_t *out = NULL, *d = json_pack("{s:s}", "date", date), *o = NULL;
	int rc = wam_trace_request_draft(db, &out, req);
	const char *id = json_string_value(json_object_get(out, "id"));
	/* a request received is "sent" on the day it arrived */
	if (!rc)
		rc = wam_trace_request_send(db, &o, id, d);
	json_decref(o);
	json_decref(d);
	o = NULL;
	d = json_pack("{s:s}", "date", acked);
	if (!rc)
		rc = wam_trace_request_acknowledge(db, &o, id, d);
	json_decref(o);
	json_decref(d);
	if (!rc && json_is_true(json_object_get(spec, "answer"))) {
		char how[160];
		snprintf(how, sizeof how, "stolen from the state's stocks, reported on %s",
		         json_string_value(json_object_get(w, "date")));
		json_t *r = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}], s:{s:s, s:s, s:s}, s:{s:s, s:s, s:O, s:s}}",
		                      "result", "record_found", "date", answered, "chain", "date", "2016-02-09", "consignee",
		                      "Police Nationale d'Haïti, central armoury", "country", "HT", "last_holder", "name",
		                      "Police Nationale d'Haïti", "type", "police", "country", "HT", "point_of_diversion",
		                      "category", "state_stocks", "country", "HT", "date", json_object_get(w, "date"),
		                      "description", how);
		o = NULL;
		rc = wam_trace_request_respond(db, &o, id, r);
		json_decref(o);
		json_decref(r);
	}
	json_decref(out);
	json_decref(req);
	return rc;
}

/* A neighbouring registry whose signed documents this one accepts; its key
 * comes from the demo's generator, so the same seed trusts the same key. */
static int add_peer(wam_db *db, wam_rng *rng)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	for (size_t i = 0; i < sizeof seed; i++)
		seed[i] = (unsigned char)wam_rng_below(rng, 256);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof sk);
	char hex[2 * sizeof pk + 1], node[WAM_ID_LEN + 1];
	wam_hex(hex, pk, sizeof pk);
	wam_db_new_id(db, node);
	json_t *peer = json_pack("{s:s, s:s, s:s, s:s}", "name", "Registro Nacional de Armas (República Dominicana)",
	                         "country", "DO", "node_id", node, "public_key", hex),
	       *out = NULL;
	int rc = wam_trace_peer_add(db, &out, peer);
	json_decref(out);
	json_decref(peer);
	return rc;
}

/* The ammunition of the demo: the headstamp and lot of the cache the
 * collection demo recovers (7.62x39mm, "71 81", factory 71, 1981, lot
 * 12-81-071), some of whose rounds were stolen from a police armoury, and
 * the trace request about that lot sent to the state of manufacture. */
static const char AMMUNITION_LOSS[] =
    "{\"kind\": \"stolen\", \"date\": \"2025-09-14\", \"place\": \"Commissariat de Pétion-Ville\","
    " \"circumstances\": \"two crates of rifle rounds taken from the police station's armoury; the lock was cut\","
    " \"reported_by\": \"Insp. M. Célestin\", \"agency\": \"Police Nationale d'Haïti\","
    " \"police_ref\": \"PNH-PV-2025-0914\","
    " \"ammunition\": [{\"calibre\": \"7.62x39mm\", \"type\": \"ball\","
    "   \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\", \"year\": 1981}, \"lot\": \"12-81-071\","
    "   \"packaging_marks\": \"7.62x39 20 PCS\", \"crate_marks\": \"1440 / 12-81-071\", \"quantity\": 2880,"
    "   \"packages\": 2}]}";
static const char AMMUNITION_TRACE[] =
    "{\"reference\": \"PNH-TR-2025-AM1\", \"requested\": {\"state\": \"CN\", \"via\": \"national_contact_point\"},"
    " \"item\": {\"kind\": \"ammunition\", \"calibre\": \"7.62x39mm\", \"type\": \"ball\","
    "   \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\", \"year\": 1981}, \"lot\": \"12-81-071\","
    "   \"packaging_marks\": \"7.62x39 20 PCS\", \"crate_marks\": \"1440 / 12-81-071\", \"quantity\": 1200},"
    " \"illicit_reason\": \"illicit_national_law\","
    " \"justification\": \"possession without licence and trafficking, Code pénal art. 278\","
    " \"recovery\": {\"date\": \"2025-10-02\", \"place\": \"Cap-Haïtien\","
    "   \"circumstances\": \"a cache of an armed group found in a warehouse\"},"
    " \"intended_use\": \"criminal investigation and prosecution of the trafficking network\","
    " \"confidentiality\": \"restricted\", \"urgency\": \"routine\"}";

static int add_ammunition(wam_db *db, const json_t *tr)
{
	json_t *loss = json_loads(AMMUNITION_LOSS, 0, NULL), *req = json_loads(AMMUNITION_TRACE, 0, NULL);
	json_t *out = NULL, *d = NULL;
	int rc;
	if (!loss || !req) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	json_object_set(req, "requesting", json_object_get(tr, "requesting"));
	if ((rc = wam_trace_loss_report(db, NULL, loss)) || (rc = wam_trace_request_draft(db, &out, req)))
		goto done;
	d = json_pack("{s:s}", "date", "2025-10-20");
	json_t *o = NULL;
	rc = wam_trace_request_send(db, &o, json_string_value(json_object_get(out, "id")), d);
	json_decref(o);
done:
	json_decref(loss);
	json_decref(req);
	json_decref(out);
	json_decref(d);
	return rc;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	const json_t *tr = json_object_get(demo, "trace");
	if (!tr || json_array_size(sites) < 3)
		return 0;
	json_t *lost = json_array();
	int rc = add_losses(db, rng, json_object_get(tr, "losses"), lost);
	size_t next_lost = 0, i;
	int n = 0;
	const json_t *r, *recs = json_object_get(tr, "recoveries");
	json_array_foreach(recs, i, r)
	{
		if (rc)
			break;
		/* recovered weapons go to the central armoury */
		rc = add_recovery(db, rng, tr, r, lost, &next_lost, json_string_value(json_array_get(sites, 0)), &n,
		                  i + 1 == json_array_size(recs));
	}
	/* other states ask about the weapons never recovered here, newest loss first */
	size_t last = json_array_size(lost);
	json_array_foreach(json_object_get(tr, "incoming"), i, r)
	{
		if (rc || last <= next_lost)
			break;
		rc = add_incoming(db, r, json_array_get(lost, --last), json_object_get(tr, "requested"));
	}
	if (!rc)
		rc = add_ammunition(db, tr);
	if (!rc)
		rc = add_peer(db, rng);
	json_decref(lost);
	return rc;
}

/* The tracing part of `wam demo` (rooms.c lists it): loss reports,
 * recoveries with their hits, trace requests with their outcomes and
 * established origins. */
const wam_demo_part wam_trace_demo_part = {.room = "trace", .weapons = weapons, .fill = fill};
