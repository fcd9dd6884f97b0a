/* The transfers room's part of `wam demo`, done by two licensing officers
 * of the demo's staff (the stock part makes their accounts): arms
 * embargoes as the Security Council decided them (one lifted); brokers,
 * one suspended; export licences to neighbouring states, each drafted by
 * one officer, assessed, issued by the other, with the importing state's
 * end-user certificate verified, weapons and rounds shipped from the
 * registry, deliveries confirmed by their certificates, and a
 * post-shipment check that does not find a weapon; a request to an
 * embargoed destination denied with its reasons; licences waiting for a
 * decision; and imports registered with Haiti's import mark.
 *
 * Like the other rooms' parts it goes through the public calls, inside the
 * registry demo's transaction, as the people named would. What it draws on
 * is data/demo.json, "transfers". Dates of issue, shipment and delivery
 * are the day it runs: the acts are recorded as done today. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/auth.h"
#include "wam/embargo.h"
#include "wam/transfers.h"

/* The demo acts as its user `name` from here on, as when they sign in
 * (fill restores its own actor at the end). */
static int as(wam_db *db, const char *name)
{
	char actor[128];
	snprintf(actor, sizeof actor, "user:%s", name);
	return wam_db_set_actor(db, actor);
}

static int add_embargoes(wam_db *db, const json_t *list)
{
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
	{
		json_t *in = json_deep_copy(e), *out = NULL, *lifted = NULL;
		json_object_del(in, "lift");
		int rc = wam_embargo_record(db, &out, in);
		if (!rc && json_object_get(e, "lift"))
			rc = wam_embargo_lift(db, &lifted, json_string_value(json_object_get(out, "id")),
			                      json_object_get(e, "lift"));
		json_decref(in);
		json_decref(out);
		json_decref(lifted);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_brokers(wam_db *db, const json_t *list)
{
	size_t i;
	const json_t *b;
	json_array_foreach(list, i, b)
	{
		json_t *in = json_deep_copy(b), *out = NULL, *changed = NULL;
		json_object_del(in, "suspend");
		int rc = wam_transfers_broker_add(db, &out, in);
		if (!rc && json_object_get(b, "suspend")) {
			json_t *s = json_pack("{s:s, s:O}", "state", "suspended", "reason", json_object_get(b, "suspend"));
			rc = wam_transfers_broker_set_state(db, &changed, json_string_value(json_object_get(out, "id")), s);
			json_decref(s);
		}
		json_decref(in);
		json_decref(out);
		json_decref(changed);
		if (rc)
			return rc;
	}
	return 0;
}

/* An assessment as the drafting officer records it: every criterion with
 * a finding; `deny` for an embargoed destination. */
static json_t *assessment(const json_t *tr, bool deny, const char *reasons)
{
	return json_pack(
	    "{s:{s:{s:s, s:s}, s:{s:s}, s:{s:s}}, s:{s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s},"
	    " s:{s:s, s:s, s:s}}, s:s, s:s, s:O}",
	    "prohibitions", "embargo", "finding", deny ? "applies" : "clear", "evidence",
	    deny ? "destination under a Security Council arms embargo" : "no embargo on the destination or a party",
	    "international_obligations", "finding", "clear", "atrocity_crimes", "finding", "clear", "risks",
	    "peace_security", "finding", "low", "ihl", "finding", "none", "human_rights", "finding", "low", "evidence",
	    "police use of force reviewed in the latest UPR cycle", "terrorism", "finding", "none", "organised_crime",
	    "finding", deny ? "substantial" : "low", "mitigation", "stockpile security assessed before delivery",
	    "gender_based_violence", "finding", "none", "diversion", "finding", "substantial", "evidence",
	    "regional trafficking routes for rifles", "mitigation",
	    "end-user certificate verified; post-shipment on-site check agreed; serials shared with the importer",
	    "decision", deny ? "deny" : "approve", "reasons", reasons, "officer", json_object_get(tr, "officer"));
}

/* Dates of the demo's year: the first of January (`from`), the day a
 * certificate was signed, the last day of two years on: a licence and a
 * certificate in force whenever the demo runs. */
static void demo_dates(char from[16], char signed_on[16], char until[16])
{
	char today[11];
	wam_date_today(today);
	int year = (int)(strtol(today, NULL, 10) % 10000);
	year = year < 1900 || year > 9000 ? 2026 : year; /* four digits, always */
	snprintf(from, 16, "%04d-01-01", year);
	snprintf(signed_on, 16, "%04d-01-02", year);
	snprintf(until, 16, "%04d-12-31", year + 2);
}

static json_t *licence(const json_t *tr, const char *number, const char *kind, json_t *parties, const json_t *line)
{
	char from[16], signed_on[16], until[16];
	demo_dates(from, signed_on, until);
	return json_pack("{s:s, s:s, s:O, s:O, s:s, s:s, s:o, s:[O], s:{s:b, s:b}}", "kind", kind, "number", number,
	                 "authority", json_object_get(tr, "authority"), "officer", json_object_get(tr, "officer"),
	                 "valid_from", from, "valid_until", until, "parties", parties, "lines", line,
	                 "conditions", "no_reexport_without_consent", 1, "post_shipment_checks", 1);
}

/* Drafts licence `in` (taken) as the first officer and takes it to
 * `state`: a draft, assessed (approved or, for "denied", denied with
 * `reasons`), or issued by the second officer; its id in `id`. */
static int draft(wam_db *db, const json_t *tr, json_t *in, const char *state, const char *reasons,
                 char id[WAM_ID_LEN + 1])
{
	const char *officer = json_string_value(json_array_get(json_object_get(tr, "officers"), 0));
	const char *approver = json_string_value(json_array_get(json_object_get(tr, "officers"), 1));
	json_t *out = NULL, *a = NULL;
	int rc = as(db, officer);
	if (!rc)
		rc = wam_transfers_licence_add(db, &out, in);
	json_decref(in);
	if (rc)
		return rc;
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	out = NULL;
	if (!strcmp(state, "draft"))
		return 0;
	a = assessment(tr, !strcmp(state, "denied"), reasons);
	rc = wam_transfers_licence_assess(db, &out, id, a);
	json_decref(a);
	json_decref(out);
	out = NULL;
	if (rc || strcmp(state, "issued"))
		return rc;
	if (!(rc = as(db, approver)))
		rc = wam_transfers_licence_issue(db, &out, id);
	json_decref(out);
	return rc;
}

/* Weapons in store of `category` not yet shipped, at most `max`. */
static int in_store(wam_db *db, json_t **out, const char *category, long max)
{
	char n[24];
	snprintf(n, sizeof n, "%ld", max);
	return wam_query_rows(db, out,
	                      "SELECT id FROM items WHERE status='in_store' AND category=?1 ORDER BY id LIMIT ?2",
	                      category, n);
}

static int add_export(wam_db *db, const json_t *tr, const json_t *x)
{
	const json_t *eu = json_object_get(x, "end_user");
	const char *category = json_string_value(json_object_get(x, "category"));
	json_int_t qty = json_integer_value(json_object_get(x, "quantity"));
	json_int_t rounds = json_integer_value(json_object_get(x, "rounds"));
	char id[WAM_ID_LEN + 1], euc[WAM_ID_LEN + 1];
	json_t *parties = json_pack("[O, O, {s:s, s:O, s:O, s:O, s:O}]", json_object_get(tr, "exporter"),
	                            json_object_get(x, "importer"), "role", "end_user", "name", json_object_get(eu, "name"),
	                            "country", json_object_get(eu, "country"), "address", json_object_get(eu, "address"),
	                            "position", json_object_get(eu, "position"));
	const json_t *t;
	size_t i;
	json_array_foreach(json_object_get(x, "transit"), i, t) json_array_append(parties, (json_t *)t);
	if (json_is_string(json_object_get(x, "broker")))
		json_array_append_new(parties, json_pack("{s:s, s:O}", "role", "broker", "broker_id",
		                                         json_object_get(x, "broker")));
	json_t *line = json_pack("{s:s, s:I, s:O, s:O}", "category", category, "quantity", qty, "value",
	                         json_object_get(x, "value"), "currency", json_object_get(x, "currency"));
	json_t *lic = licence(tr, json_string_value(json_object_get(x, "number")), "export", parties, line);
	if (rounds)
		json_array_append_new(json_object_get(lic, "lines"),
		                      json_pack("{s:s, s:s, s:s, s:I}", "goods", "ammunition", "calibre", "7.62x39mm",
		                                "ammunition_type", "ball", "quantity", rounds));
	json_decref(line);
	int rc = draft(db, tr, lic, "issued", "approved: surplus transfer between police forces, risks mitigated", id);
	if (rc)
		return rc;
	/* the importing state's certificate, verified through its embassy */
	json_t *goods = json_pack("[{s:s, s:s, s:I}]", "category", category, "description",
	                          !strcmp(category, "SA1") ? "self-loading pistols" : "rifles", "quantity", qty);
	if (rounds)
		json_array_append_new(goods, json_pack("{s:s, s:s, s:s, s:I}", "goods", "ammunition", "description",
		                                       "cartridges, ball", "calibre", "7.62x39mm", "quantity", rounds));
	const json_t *imp = json_object_get(x, "importer"), *ex = json_object_get(tr, "exporter");
	char from[16], signed_on[16], until[16];
	demo_dates(from, signed_on, until);
	json_t *e = json_pack(
	    "{s:s, s:O, s:s, s:s, s:{s:O, s:O, s:O, s:b, s:s}, s:{s:O, s:O, s:O}, s:{s:O, s:O, s:O, s:O, s:b},"
	    " s:o, s:{s:s, s:s}, s:O, s:O, s:b, s:b, s:b, s:b}",
	    "licence_id", id, "number", json_object_get(x, "euc"), "issued", signed_on, "expires", until,
	    "authority", "name", json_object_get(x, "counterpart"), "signatory", json_object_get(eu, "name"), "position",
	    json_object_get(eu, "position"), "stamp", 1, "authentication", "embossed seal and serial-numbered form",
	    "exporter", "name", json_object_get(ex, "name"), "address", json_object_get(ex, "address"), "country",
	    json_object_get(ex, "country"), "end_user", "name", json_object_get(eu, "name"), "position",
	    json_object_get(eu, "position"), "address", json_object_get(eu, "address"), "country",
	    json_object_get(eu, "country"), "signed", 1, "goods", goods, "contract", "reference",
	    "CARICOM-SALW", "date", from, "destination", json_object_get(imp, "country"), "end_use",
	    json_object_get(x, "end_use"), "sole_use_assurance", 1, "no_reexport_undertaking", 1, "dvc_required", 1,
	    "post_shipment_consent", 1);
	json_t *out = NULL, *ids = NULL;
	if (!(rc = wam_transfers_euc_add(db, &out, e))) {
		snprintf(euc, sizeof euc, "%s", json_string_value(json_object_get(out, "id")));
		json_decref(out);
		out = NULL;
		json_t *v = json_pack("{s:O, s:O, s:s}", "channel", json_object_get(x, "channel"), "counterpart",
		                      json_object_get(x, "counterpart"), "result", "authentic");
		rc = wam_transfers_euc_verify(db, &out, euc, v);
		json_decref(v);
		json_decref(out);
		out = NULL;
	}
	json_decref(e);
	if (rc || (rc = in_store(db, &ids, category, (long)json_integer_value(json_object_get(x, "ship")))))
		return rc;
	json_t *items = json_array(), *row, *lots = json_array(), *lot = NULL;
	json_array_foreach(ids, i, row) json_array_append(items, json_object_get(row, "id"));
	json_decref(ids);
	if (rounds && !(rc = wam_query_row(db, &lot,
	                                   "SELECT id FROM lots WHERE calibre='7.62x39mm' AND rounds>=?1 ORDER BY id LIMIT 1",
	                                   "12000", NULL)) &&
	    lot)
		json_array_append_new(lots, json_pack("{s:O, s:i}", "lot_id", json_object_get(lot, "id"), "rounds", 12000));
	json_decref(lot);
	json_t *s = json_pack("{s:s, s:s, s:o, s:o, s:s}", "licence_id", id, "euc_id", euc, "items", items, "lots", lots,
	                      "carrier", "Caribbean Shipping Lines");
	json_t *route = json_array();
	json_array_foreach(json_object_get(x, "transit"), i, t) json_array_append(route, json_object_get(t, "country"));
	json_object_set_new(s, "route", route);
	json_t *shipment = NULL;
	if (!rc && json_array_size(json_object_get(s, "items")))
		rc = wam_transfers_shipment_add(db, &shipment, s);
	json_decref(s);
	if (!rc && shipment && json_is_string(json_object_get(x, "dvc"))) {
		json_t *d = json_pack("{s:O}", "dvc", json_object_get(x, "dvc"));
		rc = wam_transfers_shipment_deliver(db, &out, json_string_value(json_object_get(shipment, "id")), d);
		json_decref(d);
		json_decref(out);
		out = NULL;
	}
	/* the check looks for every weapon shipped: the last ones are missing,
	 * or seen where they should not be */
	const json_t *check = json_object_get(x, "check");
	if (!rc && shipment && json_is_object(check)) {
		char today[11];
		wam_date_today(today);
		json_t *looked = json_array(), *w;
		size_t n = json_array_size(json_object_get(shipment, "items"));
		size_t missing = (size_t)json_integer_value(json_object_get(check, "missing"));
		size_t elsewhere = (size_t)json_integer_value(json_object_get(check, "elsewhere"));
		json_array_foreach(json_object_get(shipment, "items"), i, w)
		{
			const char *result = i + missing + elsewhere < n ? "seen" : i + missing < n ? "seen_elsewhere" : "not_seen";
			json_t *one = json_pack("{s:O, s:s}", "item_id", json_object_get(w, "item_id"), "result", result);
			if (!strcmp(result, "seen_elsewhere"))
				json_object_set(one, "location", json_object_get(check, "location"));
			json_array_append_new(looked, one);
		}
		json_t *c = json_pack("{s:s, s:O, s:O, s:o}", "date", today, "place", json_object_get(check, "place"),
		                      "inspectors", json_object_get(check, "inspectors"), "items", looked);
		rc = wam_transfers_euc_check(db, &out, euc, c);
		json_decref(c);
		json_decref(out);
	}
	json_decref(shipment);
	return rc;
}

static int add_import(wam_db *db, const json_t *tr, const json_t *m)
{
	char id[WAM_ID_LEN + 1];
	json_t *parties = json_pack("[O, O]", json_object_get(m, "exporter"), json_object_get(m, "importer"));
	int rc = draft(db, tr, licence(tr, json_string_value(json_object_get(m, "number")), "import", parties,
	                               json_object_get(m, "line")),
	               "issued", "approved: police and army procurement under the national plan", id);
	if (rc)
		return rc;
	const json_t *line = json_object_get(m, "line");
	json_t *weapons = json_array(), *out = NULL;
	json_int_t arrive = json_integer_value(json_object_get(m, "arrive"));
	for (json_int_t k = 0; k < arrive; k++) {
		char serial[64];
		/* the demo file's format: a prefix and one zero-padded number */
		const char *fmt = json_string_value(json_object_get(m, "serials"));
		const char *pct = strchr(fmt, '%');
		int plen = pct && pct - fmt < 20 ? (int)(pct - fmt) : 0;
		int width = pct && pct[1] == '0' && pct[2] >= '1' && pct[2] <= '9' ? pct[2] - '0' : 3;
		snprintf(serial, sizeof serial, "%.*s%0*lld", plen, fmt, width, (long long)(k + 101));
		json_array_append_new(weapons,
		                      json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:O, s:s}", "category",
		                                json_object_get(line, "category"), "make", json_object_get(line, "make"),
		                                "model", json_object_get(line, "model"), "calibre",
		                                json_object_get(line, "calibre"), "serial", serial, "country",
		                                json_object_get(m, "country"), "year", json_object_get(m, "year"), "status",
		                                "in_store"));
	}
	json_t *s = json_pack("{s:s, s:o, s:s}", "licence_id", id, "weapons", weapons, "carrier", "Air Canada Cargo");
	rc = wam_transfers_shipment_add(db, &out, s);
	json_decref(s);
	json_decref(out);
	return rc;
}

static long weapons(const json_t *demo)
{
	long n = 0;
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(json_object_get(demo, "transfers"), "imports"), i, m)
	    n += (long)json_integer_value(json_object_get(m, "arrive"));
	return n;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)rng;
	(void)sites;
	const json_t *tr = json_object_get(demo, "transfers"), *x;
	/* two officers: one drafts, the other issues */
	if (!tr || !json_is_string(json_array_get(json_object_get(tr, "officers"), 1)))
		return 0;
	char saved[128];
	snprintf(saved, sizeof saved, "%s", db->actor);
	const json_t *spec = tr;
	int rc = add_embargoes(db, json_object_get(tr, "embargoes"));
	if (!rc)
		rc = add_brokers(db, json_object_get(tr, "brokers"));
	size_t i;
	json_array_foreach(json_object_get(tr, "exports"), i, x)
	{
		if (!rc)
			rc = add_export(db, spec, x);
	}
	/* a request to an embargoed destination, denied with its reasons */
	const json_t *d = json_object_get(tr, "denial");
	if (!rc && d) {
		char id[WAM_ID_LEN + 1];
		json_t *parties = json_pack("[O, O, O, {s:s, s:O}]", json_object_get(spec, "exporter"),
		                            json_object_get(d, "importer"), json_object_get(d, "end_user"), "role", "broker",
		                            "broker_id", json_object_get(d, "broker"));
		json_t *line = json_pack("{s:O, s:O, s:O, s:O}", "category", json_object_get(d, "category"), "quantity",
		                         json_object_get(d, "quantity"), "value", json_object_get(d, "value"), "currency",
		                         json_object_get(d, "currency"));
		rc = draft(db, spec, licence(spec, json_string_value(json_object_get(d, "number")), "export", parties, line),
		           "denied", json_string_value(json_object_get(d, "reasons")), id);
		json_decref(line);
	}
	json_array_foreach(json_object_get(tr, "pending"), i, x)
	{
		char id[WAM_ID_LEN + 1];
		if (rc)
			break;
		json_t *parties = json_pack("[O, O]", json_object_get(spec, "exporter"), json_object_get(x, "importer"));
		json_t *line = json_pack("{s:O, s:O, s:O, s:O}", "category", json_object_get(x, "category"), "quantity",
		                         json_object_get(x, "quantity"), "value", json_object_get(x, "value"), "currency",
		                         json_object_get(x, "currency"));
		rc = draft(db, spec, licence(spec, json_string_value(json_object_get(x, "number")), "export", parties, line),
		           json_string_value(json_object_get(x, "state")), "approved subject to a second signature", id);
		json_decref(line);
	}
	json_array_foreach(json_object_get(tr, "imports"), i, x)
	{
		if (!rc)
			rc = add_import(db, spec, x);
	}
	wam_db_set_actor(db, saved);
	return rc;
}

const wam_demo_part wam_transfers_demo_part = {.room = "transfers", .weapons = weapons, .fill = fill};
