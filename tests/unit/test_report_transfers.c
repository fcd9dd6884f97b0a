/* The UN Register return and the ATT report (docs/formats/unroca.md,
 * docs/formats/att.md): a registry in Haiti exports rifles and armoured
 * vehicles to Senegal under one licence, imports pistols from Austria
 * under another, and holds weapons of its own; each report's figures are
 * checked against counts taken another way — from the raw transfer
 * records, or from the shipments' own tables. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "wam/reports.h"
#include "wam/transfers.h"

static const char *const LICENCE =
    "{\"kind\":\"export\",\"number\":\"EXP-R-1\",\"authority\":\"National Commission on Small Arms\","
    "\"officer\":\"A. Mensah\",\"valid_from\":\"2020-01-01\",\"valid_until\":\"2035-12-31\","
    "\"notes\":\"armed forces re-equipment\","
    "\"parties\":[{\"role\":\"exporter\",\"name\":\"Haiti Defence Works\",\"country\":\"HT\"},"
    "{\"role\":\"importer\",\"name\":\"Ministry of Defence\",\"country\":\"SN\"},"
    "{\"role\":\"end_user\",\"name\":\"Armed Forces of Senegal\",\"country\":\"SN\",\"address\":\"Dakar\"},"
    "{\"role\":\"transit\",\"name\":\"Port of Abidjan\",\"country\":\"CI\"}],"
    "\"lines\":[{\"category\":\"SA4\",\"model\":\"AK-103\",\"calibre\":\"7.62x39mm\",\"quantity\":10,"
    "\"value\":50000,\"currency\":\"usd\",\"origin\":\"RU\","
    "\"description\":\"=HYPERLINK(\\\"x\\\") <script>alert(1)</script> & rifles\"},"
    "{\"category\":\"II\",\"model\":\"Bastion\",\"quantity\":2,\"value\":900000,\"currency\":\"eur\"},"
    "{\"goods\":\"ammunition\",\"calibre\":\"7.62x39mm\",\"ammunition_type\":\"ball\",\"quantity\":12000}]}";

static const char *const ASSESSMENT =
    "{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":{\"finding\":\"clear\"},"
    "\"atrocity_crimes\":{\"finding\":\"clear\"}},"
    "\"risks\":{\"peace_security\":{\"finding\":\"low\"},\"ihl\":{\"finding\":\"none\"},"
    "\"human_rights\":{\"finding\":\"low\"},\"terrorism\":{\"finding\":\"none\"},"
    "\"organised_crime\":{\"finding\":\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},"
    "\"diversion\":{\"finding\":\"low\"}},"
    "\"decision\":\"approve\",\"reasons\":\"armed forces re-equipment\",\"officer\":\"B. Owusu\"}";

static const char *const EUC =
    "{\"licence_id\":\"%s\",\"number\":\"EUC-R-1\",\"issued\":\"2020-01-15\",\"expires\":\"2035-01-15\","
    "\"authority\":{\"name\":\"Ministry of Armed Forces\",\"signatory\":\"Col. A. Diallo\","
    "\"position\":\"Director of Procurement\",\"stamp\":true,\"authentication\":\"hologram 44812\"},"
    "\"exporter\":{\"name\":\"Haiti Defence Works\",\"address\":\"Port-au-Prince\",\"country\":\"HT\"},"
    "\"end_user\":{\"name\":\"Armed Forces of Senegal\",\"position\":\"Chief of Staff\",\"address\":\"Dakar\","
    "\"country\":\"SN\",\"signed\":true},"
    "\"goods\":[{\"category\":\"SA4\",\"description\":\"assault rifle\",\"model\":\"AK-103\","
    "\"calibre\":\"7.62x39mm\",\"quantity\":10},"
    "{\"category\":\"II\",\"description\":\"armoured vehicle\",\"model\":\"Bastion\",\"quantity\":2},"
    "{\"goods\":\"ammunition\",\"description\":\"cartridges\",\"calibre\":\"7.62x39mm\",\"quantity\":12000}],"
    "\"contract\":{\"reference\":\"C-2020-77\",\"date\":\"2020-01-10\"},\"destination\":\"SN\","
    "\"end_use\":\"equipment of the armed forces\",\"sole_use_assurance\":true,\"no_reexport_undertaking\":true,"
    "\"post_shipment_consent\":true}";

static const char *const IMPORT =
    "{\"kind\":\"import\",\"number\":\"IMP-R-1\",\"authority\":\"Commission\",\"officer\":\"C. Pierre\","
    "\"valid_from\":\"2020-01-01\",\"valid_until\":\"2035-01-01\","
    "\"parties\":[{\"role\":\"exporter\",\"name\":\"Glock GmbH\",\"country\":\"AT\"},"
    "{\"role\":\"importer\",\"name\":\"Police nationale d'Haiti\",\"country\":\"HT\"}],"
    "\"lines\":[{\"category\":\"SA1\",\"make\":\"Glock\",\"quantity\":2,\"value\":1200,\"currency\":\"eur\"}]}";

/* What the fixture made. */
typedef struct fixture {
	test_reg *r;
	int year;                      /* this year: every transfer is dated in it */
	char licence[WAM_ID_LEN + 1];  /* the export licence */
	char import[WAM_ID_LEN + 1];   /* the import licence */
	char ship1[WAM_ID_LEN + 1];    /* 3 rifles and 1 vehicle */
	char ship2[WAM_ID_LEN + 1];    /* 2 rifles */
	char received[WAM_ID_LEN + 1]; /* 2 pistols in */
	char army[WAM_ID_LEN + 1];     /* the armed forces: a holder */
	json_t *ship1_rifles;          /* ids */
	json_t *army_rifles;           /* ids of the SA2 rifles the army holds */
} fixture;

static void act(test_reg *r, const char *actor)
{
	assert_int_equal(wam_db_set_actor(r->db, actor), 0);
}

static void licence(test_reg *r, const char *text, char id[WAM_ID_LEN + 1])
{
	json_t *in = test_json(text), *out = NULL;
	act(r, "user:alice");
	assert_int_equal(wam_transfers_licence_add(r->db, &out, in), 0);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = test_json(ASSESSMENT);
	assert_int_equal(wam_transfers_licence_assess(r->db, &out, id, in), 0);
	json_decref(in);
	json_decref(out);
	act(r, "user:bob");
	assert_int_equal(wam_transfers_licence_issue(r->db, &out, id), 0);
	assert_string_equal(test_str(out, "state"), "issued");
	json_decref(out);
}

static void holder(test_reg *r, const char *type, const char *name, char id[WAM_ID_LEN + 1])
{
	json_t *in = json_pack("{ss ss}", "type", type, "name", name), *out = NULL;
	assert_int_equal(wam_registry_holder_add(r->db, &out, in), 0);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void item(test_reg *r, const char *category, const char *serial, const char *country, const char *status,
                 const char *holder_id, char id[WAM_ID_LEN + 1])
{
	char json[512];
	snprintf(json, sizeof json,
	         "{\"category\":\"%s\",\"make\":\"Maker\",\"model\":\"%s\",\"calibre\":\"7.62x39mm\",\"serial\":\"%s\","
	         "\"country\":\"%s\",\"status\":\"%s\"%s%s%s}",
	         category,
	         !strcmp(category, "SA4")  ? "AK-103"
	         : !strcmp(category, "II") ? "Bastion"
	                                   : "M",
	         serial, country, status, holder_id ? ",\"holder_id\":\"" : "", holder_id ? holder_id : "",
	         holder_id ? "\"" : "");
	test_add_item(r, json, id);
}

static void ship(test_reg *r, const char *licence_id, const char *euc, json_t *items, char id[WAM_ID_LEN + 1])
{
	json_t *in =
	           json_pack("{ss ss sO s[s]}", "licence_id", licence_id, "euc_id", euc, "items", items, "route", "CI"),
	       *out = NULL;
	act(r, "user:carol");
	if (wam_transfers_shipment_add(r->db, &out, in))
		fail_msg("shipment: %s", wam_error_last()->message);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void build(fixture *f, test_reg *r)
{
	char euc[WAM_ID_LEN + 1], id[WAM_ID_LEN + 1], today[11], serial[32], police[WAM_ID_LEN + 1];
	memset(f, 0, sizeof *f);
	f->r = r;
	wam_date_today(today);
	f->year = (int)strtol(today, NULL, 10);
	f->ship1_rifles = json_array();
	f->army_rifles = json_array();
	holder(r, "state_armed_force", "Forces armees d'Haiti", f->army);
	holder(r, "police", "Police nationale", police);
	/* held by the army at the year's end: 3 rifles made in Haiti, 1 heavy
	 * machine gun made in Russia; not held: one the police hold, one stolen */
	for (int i = 0; i < 3; i++) {
		snprintf(serial, sizeof serial, "ARMY%02d", i);
		item(r, "SA2", serial, "HT", "in_store", f->army, id);
		json_array_append_new(f->army_rifles, json_string(id));
	}
	item(r, "LW1", "HMG01", "RU", "in_service", f->army, id);
	item(r, "SA2", "POL01", "HT", "in_store", police, id);
	item(r, "SA2", "LOST01", "HT", "stolen", f->army, id);
	/* to export: 5 rifles and 1 armoured vehicle, in store without holder */
	json_t *all = json_array();
	for (int i = 0; i < 5; i++) {
		snprintf(serial, sizeof serial, "EXP%02d", i);
		item(r, "SA4", serial, "RU", "in_store", NULL, id);
		json_array_append_new(all, json_string(id));
		if (i < 3)
			json_array_append_new(f->ship1_rifles, json_string(id));
	}
	char apc[WAM_ID_LEN + 1];
	item(r, "II", "APC01", "HT", "in_store", NULL, apc);
	licence(r, LICENCE, f->licence);
	json_t *in = NULL, *out = NULL;
	char euc_text[4096];
	snprintf(euc_text, sizeof euc_text, EUC, f->licence);
	in = test_json(euc_text);
	assert_int_equal(wam_transfers_euc_add(r->db, &out, in), 0);
	snprintf(euc, sizeof euc, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
	in = test_json("{\"channel\":\"note verbale 2020/114\",\"result\":\"authentic\"}");
	assert_int_equal(wam_transfers_euc_verify(r->db, &out, euc, in), 0);
	json_decref(in);
	json_decref(out);
	json_t *one =
	    json_pack("[O O O s]", json_array_get(all, 0), json_array_get(all, 1), json_array_get(all, 2), apc);
	ship(r, f->licence, euc, one, f->ship1);
	json_t *two = json_pack("[O O]", json_array_get(all, 3), json_array_get(all, 4));
	ship(r, f->licence, euc, two, f->ship2);
	json_decref(one);
	json_decref(two);
	json_decref(all);
	/* pistols in from Austria */
	licence(r, IMPORT, f->import);
	in = test_json(
	    "{\"licence_id\":\"IMP-R-1\",\"weapons\":["
	    "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"BXK100\",\"country\":\"AT\"},"
	    "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"serial\":\"BXK101\",\"country\":\"AT\"}]}");
	assert_int_equal(wam_transfers_shipment_add(r->db, &out, in), 0);
	snprintf(f->received, sizeof f->received, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void done(fixture *f)
{
	json_decref(f->ship1_rifles);
	json_decref(f->army_rifles);
}

static json_t *make(fixture *f, const char *kind, int year, const char *direction, const char *basis,
                    const char *const *withhold, int nwithhold)
{
	wam_report_options o = {
	    .year = year, .direction = direction, .basis = basis, .withhold = withhold, .nwithhold = nwithhold};
	json_t *rep = NULL;
	if (wam_report_make(f->r->db, &rep, kind, &o))
		fail_msg("%s: %s", kind, wam_error_last()->message);
	return rep;
}

static const json_t *table(const json_t *rep, const char *id)
{
	const json_t *t;
	size_t i;
	json_array_foreach(json_object_get(rep, "tables"), i, t) if (!strcmp(test_str(t, "id"), id)) return t;
	fail_msg("no table %s", id);
	return NULL;
}

static const json_t *row(const json_t *t, const char *key)
{
	const json_t *r;
	size_t i;
	json_array_foreach(json_object_get(t, "rows"), i, r) if (!strcmp(test_str(r, "key"), key)) return r;
	return NULL;
}

static long long total(const json_t *t, const char *column)
{
	return (long long)json_integer_value(json_object_get(json_object_get(t, "totals"), column));
}

static bool has_note(const json_t *rep, const char *part)
{
	const json_t *n;
	size_t i;
	json_array_foreach(json_object_get(rep, "notes"), i, n) if (strstr(test_str(n, "message"), part)) return true;
	return false;
}

/* The sum of `items` over the raw records of a direction and figure whose
 * category is one of `cats` (comma-separated). */
static long long raw_items(fixture *f, int year, const char *direction, const char *figure, const char *cats)
{
	json_t *rows = NULL, *r;
	size_t i;
	long long n = 0;
	assert_int_equal(wam_transfers_records(f->r->db, &rows, year, direction, figure), 0);
	json_array_foreach(rows, i, r)
	{
		char want[64];
		snprintf(want, sizeof want, ",%s,", test_str(r, "category"));
		char list[64];
		snprintf(list, sizeof list, ",%s,", cats);
		if (strstr(list, want))
			n += json_integer_value(json_object_get(r, "items"));
	}
	json_decref(rows);
	return n;
}

/* ---- the cases ---- */

/* Each form's total is what the shipments carried, counted from the raw
 * records and from the shipments' own weapons; the SALW go to the "+1"
 * forms, the vehicle to categories I–VII, the ammunition nowhere. */
static void test_unroca_totals_and_split(void **state)
{
	fixture f;
	build(&f, *state);
	json_t *rep = make(&f, "unroca", f.year, NULL, NULL, NULL, 0);
	assert_false(json_is_true(json_object_get(rep, "nil")));
	assert_string_equal(test_str(rep, "country"), "HT");
	const json_t *ex = table(rep, "exports"), *ex_salw = table(rep, "exports_salw"), *im = table(rep, "imports"),
	             *im_salw = table(rep, "imports_salw");
	/* from the raw records */
	assert_int_equal(total(ex_salw, "items"), raw_items(&f, f.year, "export", "actual", "SA4"));
	assert_int_equal(total(ex, "items"), raw_items(&f, f.year, "export", "actual", "II"));
	assert_int_equal(total(im_salw, "items"), raw_items(&f, f.year, "import", "actual", "SA1"));
	/* and from the shipments' weapons */
	assert_int_equal(total(ex_salw, "items"),
	                 test_count(f.r, "SELECT count(*) FROM shipment_items si JOIN items i ON i.id=si.item_id"
	                                 " JOIN shipments s ON s.id=si.shipment_id WHERE s.direction='export'"
	                                 " AND i.category='SA4'"));
	assert_int_equal(total(ex_salw, "items"), 5);
	assert_int_equal(total(ex, "items"), 1);
	assert_int_equal(total(im_salw, "items"), 2);
	assert_int_equal(json_array_size(json_object_get(im, "rows")), 0);
	assert_true(json_is_true(json_object_get(im, "nil")));
	/* one row per shipment line, keyed by it */
	char key[64];
	snprintf(key, sizeof key, "%s:1", f.ship1);
	const json_t *r1 = row(ex_salw, key);
	assert_non_null(r1);
	const json_t *cells = json_object_get(r1, "cells");
	assert_string_equal(test_str(cells, "category"), "SA4");
	assert_string_equal(test_str(cells, "partner"), "SN");
	assert_int_equal(json_integer_value(json_object_get(cells, "items")), 3);
	assert_string_equal(test_str(cells, "origin"), "RU"); /* not the exporter: said */
	assert_string_equal(test_str(cells, "intermediate"), "CI");
	assert_string_equal(test_str(json_object_get(r1, "group"), "id"), "SA4");
	snprintf(key, sizeof key, "%s:2", f.ship1);
	assert_non_null(row(ex, key));
	assert_null(row(ex_salw, key));
	/* imports name the exporter; Austria made the pistols, so no origin */
	snprintf(key, sizeof key, "%s:1", f.received);
	const json_t *ri = row(im_salw, key);
	assert_non_null(ri);
	assert_string_equal(test_str(json_object_get(ri, "cells"), "partner"), "AT");
	assert_true(json_is_null(json_object_get(json_object_get(ri, "cells"), "origin")));
	/* labels are messages */
	assert_non_null(json_object_get(json_object_get(rep, "title"), "message_id"));
	assert_string_equal(
	    test_str(json_object_get(json_array_get(json_object_get(ex_salw, "columns"), 1), "label"), "message"),
	    "A. Final importer State(s)");
	/* only the asked direction's forms */
	json_t *only = make(&f, "unroca", f.year, "imports", NULL, NULL, 0);
	const json_t *t;
	size_t i;
	json_array_foreach(json_object_get(only, "tables"), i, t) assert_null(strstr(test_str(t, "id"), "exports"));
	json_decref(only);
	json_decref(rep);
	done(&f);
}

/* Military holdings count what the armed forces hold at the year's end;
 * national production what was made in Haiti and registered to them in
 * the year. Moving the first events into last year shows a weapon stolen
 * this year still held at last year's end. */
static void test_unroca_background(void **state)
{
	fixture f;
	test_reg *r = *state;
	build(&f, r);
	json_t *rep = make(&f, "unroca", f.year, NULL, NULL, NULL, 0);
	const json_t *h = table(rep, "holdings"), *p = table(rep, "production");
	/* counted independently: the army's weapons in its hands now */
	assert_int_equal(
	    total(h, "items"),
	    test_count(r, "SELECT count(*) FROM items i JOIN holders h ON h.id=i.holder_id"
	                  " WHERE h.type='state_armed_force' AND i.status IN ('in_store','in_service','issued')"));
	assert_int_equal(total(h, "items"), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row(h, "SA2"), "cells"), "items")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row(h, "LW1"), "cells"), "items")), 1);
	assert_int_equal(total(p, "items"), 3); /* the HT rifles; not the police's, nor the stolen one */
	assert_non_null(row(p, "SA2"));
	assert_null(row(p, "LW1"));
	/* the weapons behind a row */
	json_t *recs = NULL;
	wam_report_options o = {.year = f.year};
	assert_int_equal(wam_report_records(r->db, &recs, "unroca", &o, "holdings/SA2"), 0);
	assert_int_equal(json_array_size(recs), 3);
	const json_t *rec;
	size_t i, j;
	json_array_foreach(recs, i, rec)
	{
		assert_string_equal(test_str(rec, "kind"), "weapon");
		bool found = false;
		const json_t *id;
		json_array_foreach(f.army_rifles, j, id) found =
		    found || !strcmp(json_string_value(id), test_str(rec, "id"));
		assert_true(found);
	}
	json_decref(recs);
	assert_int_equal(wam_report_records(r->db, &recs, "unroca", &o, "holdings/SA5"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "row");
	json_decref(rep);
	/* the army's rifle ARMY00 is stolen this year, after everything else */
	char stolen_id[WAM_ID_LEN + 1];
	snprintf(stolen_id, sizeof stolen_id, "%s", json_string_value(json_array_get(f.army_rifles, 0)));
	json_t *in = test_json("{\"reason\":\"armoury break-in\"}"), *out = NULL;
	assert_int_equal(wam_registry_item_set_status(r->db, &out, stolen_id, "stolen", in), 0);
	json_decref(in);
	json_decref(out);
	long long last = test_count(r, "SELECT max(seq) FROM events WHERE type='item.status_changed'");
	/* every event before the theft recorded last year */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE events SET time='%04d-06-01T00:00:00.000Z' WHERE seq<%lld", f.year - 1, last);
	test_reg_tamper(r, sql);
	rep = make(&f, "unroca", f.year - 1, NULL, NULL, NULL, 0);
	assert_int_equal(total(table(rep, "holdings"), "items"), 4); /* still held then */
	assert_int_equal(total(table(rep, "production"), "items"), 3);
	json_decref(rep);
	rep = make(&f, "unroca", f.year, NULL, NULL, NULL, 0);
	assert_int_equal(total(table(rep, "holdings"), "items"), 3); /* stolen by this year's end */
	assert_int_equal(total(table(rep, "production"), "items"), 0);
	json_decref(rep);
	done(&f);
}

/* A year without a transfer is a nil report, and says so. */
static void test_nil_report(void **state)
{
	fixture f;
	build(&f, *state);
	json_t *rep = make(&f, "unroca", f.year - 1, NULL, NULL, NULL, 0);
	assert_true(json_is_true(json_object_get(rep, "nil")));
	char text[128];
	snprintf(text, sizeof text, "no exports or imports in any category in %d", f.year - 1);
	assert_true(has_note(rep, text));
	assert_true(json_is_true(json_object_get(table(rep, "exports_salw"), "nil")));
	json_decref(rep);
	rep = make(&f, "att", f.year - 1, "exports", "authorised", NULL, 0);
	assert_true(json_is_true(json_object_get(rep, "nil")));
	snprintf(text, sizeof text, "no exports in any category in %d", f.year - 1);
	assert_true(has_note(rep, text));
	json_decref(rep);
	/* this year is not nil */
	rep = make(&f, "unroca", f.year, NULL, NULL, NULL, 0);
	assert_false(json_is_true(json_object_get(rep, "nil")));
	json_decref(rep);
	done(&f);
}

/* ATT: the actual basis counts the shipments, the authorised one the
 * licences' lines; values are not summed across currencies. */
static void test_att_bases(void **state)
{
	fixture f;
	build(&f, *state);
	json_t *actual = make(&f, "att", f.year, NULL, NULL, NULL, 0);
	json_t *authorised = make(&f, "att", f.year, NULL, "authorised", NULL, 0);
	const json_t *ea = table(actual, "exports"), *eu = table(authorised, "exports");
	assert_int_equal(total(ea, "items"), raw_items(&f, f.year, "export", "actual", "SA4,II"));
	assert_int_equal(total(eu, "items"), raw_items(&f, f.year, "export", "authorised", "SA4,II"));
	assert_int_equal(total(ea, "items"), 6);
	assert_int_equal(total(eu, "items"), 12);
	assert_null(json_object_get(json_object_get(ea, "totals"), "value"));
	char key[64];
	snprintf(key, sizeof key, "%s:1", f.licence);
	const json_t *line = row(eu, key);
	assert_non_null(line);
	assert_string_equal(test_str(json_object_get(line, "cells"), "category"), "VIII (SA4)");
	assert_true(json_real_value(json_object_get(json_object_get(line, "cells"), "value")) == 50000.0);
	assert_string_equal(test_str(json_object_get(line, "cells"), "currency"), "USD");
	snprintf(key, sizeof key, "%s:2", f.ship1);
	assert_string_equal(test_str(json_object_get(row(ea, key), "cells"), "category"), "II");
	/* a shipment's value is its share of its line's */
	snprintf(key, sizeof key, "%s:1", f.ship2);
	assert_true(json_real_value(json_object_get(json_object_get(row(ea, key), "cells"), "value")) == 10000.0);
	assert_true(has_note(authorised, "authorised"));
	assert_true(has_note(authorised, "Ammunition")); /* its licence's ammunition line left out */
	assert_true(has_note(actual, "actual"));
	/* the licence's record behind an authorised row */
	json_t *recs = NULL;
	wam_report_options o = {.year = f.year, .basis = "authorised"};
	snprintf(key, sizeof key, "exports/%s:1", f.licence);
	assert_int_equal(wam_report_records(f.r->db, &recs, "att", &o, key), 0);
	assert_string_equal(test_str(json_array_get(recs, 0), "kind"), "licence");
	assert_string_equal(test_str(json_array_get(recs, 0), "licence_number"), "EXP-R-1");
	json_decref(recs);
	json_decref(actual);
	json_decref(authorised);
	done(&f);
}

/* A withheld row is absent, the report says data were withheld; a row the
 * report does not have cannot be withheld; UNROCA takes neither basis nor
 * withholding. */
static void test_att_withheld(void **state)
{
	fixture f;
	build(&f, *state);
	char key[64];
	snprintf(key, sizeof key, "exports/%s:1", f.ship2);
	const char *w[] = {key};
	json_t *rep = make(&f, "att", f.year, NULL, NULL, w, 1);
	assert_true(json_is_true(json_object_get(rep, "withheld")));
	assert_true(has_note(rep, "withheld"));
	const json_t *ex = table(rep, "exports");
	assert_null(row(ex, key + strlen("exports/")));
	assert_int_equal(total(ex, "items"), 4); /* 6 less the 2 withheld */
	json_t *recs = NULL;
	wam_report_options o = {.year = f.year, .withhold = w, .nwithhold = 1};
	assert_int_equal(wam_report_records(f.r->db, &recs, "att", &o, key), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "row");
	json_decref(rep);
	/* not withheld, not flagged */
	rep = make(&f, "att", f.year, NULL, NULL, NULL, 0);
	assert_false(json_is_true(json_object_get(rep, "withheld")));
	assert_non_null(row(table(rep, "exports"), key + strlen("exports/")));
	json_decref(rep);
	/* a row the report does not have */
	const char *bad[] = {"exports/NOSUCHSHIPMENT:1"};
	wam_report_options b = {.year = f.year, .withhold = bad, .nwithhold = 1};
	assert_int_equal(wam_report_make(f.r->db, &rep, "att", &b), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "withhold");
	assert_null(rep);
	/* a row of the other direction, when only exports are asked */
	snprintf(key, sizeof key, "imports/%s:1", f.received);
	const char *other[] = {key};
	wam_report_options e = {.year = f.year, .direction = "exports", .withhold = other, .nwithhold = 1};
	assert_int_equal(wam_report_make(f.r->db, &rep, "att", &e), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "withhold");
	/* UNROCA refuses the ATT's options */
	wam_report_options u = {.year = f.year, .basis = "actual"};
	assert_int_equal(wam_report_make(f.r->db, &rep, "unroca", &u), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "basis");
	wam_report_options uw = {.year = f.year, .withhold = other, .nwithhold = 1};
	assert_int_equal(wam_report_make(f.r->db, &rep, "unroca", &uw), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "withhold");
	done(&f);
}

/* The shipment behind a row, its weapons behind its items cell. */
static void test_records_behind_a_row(void **state)
{
	fixture f;
	build(&f, *state);
	wam_report_options o = {.year = f.year};
	json_t *recs = NULL;
	char row_name[96];
	snprintf(row_name, sizeof row_name, "exports_salw/%s:1", f.ship1);
	assert_int_equal(wam_report_records(f.r->db, &recs, "unroca", &o, row_name), 0);
	assert_int_equal(json_array_size(recs), 1);
	const json_t *s = json_array_get(recs, 0);
	assert_string_equal(test_str(s, "kind"), "shipment");
	assert_string_equal(test_str(s, "id"), f.ship1);
	assert_string_equal(test_str(s, "licence_id"), f.licence);
	assert_string_equal(test_str(s, "licence_number"), "EXP-R-1");
	assert_true(json_equal(json_object_get(s, "item_ids"), f.ship1_rifles));
	json_decref(recs);
	snprintf(row_name, sizeof row_name, "exports_salw/%s:1/items", f.ship1);
	assert_int_equal(wam_report_records(f.r->db, &recs, "unroca", &o, row_name), 0);
	assert_int_equal(json_array_size(recs), 4);
	for (size_t i = 1; i < 4; i++) {
		assert_string_equal(test_str(json_array_get(recs, i), "kind"), "weapon");
		assert_string_equal(test_str(json_array_get(recs, i), "id"),
		                    json_string_value(json_array_get(f.ship1_rifles, i - 1)));
	}
	json_decref(recs);
	/* the row is in the SALW form, not the other */
	snprintf(row_name, sizeof row_name, "exports/%s:1", f.ship1);
	assert_int_equal(wam_report_records(f.r->db, &recs, "unroca", &o, row_name), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "row");
	snprintf(row_name, sizeof row_name, "exports_salw/%s:1/colour", f.ship1);
	assert_int_equal(wam_report_records(f.r->db, &recs, "unroca", &o, row_name), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "row");
	done(&f);
}

/* Written to a file through a stream. */
static char *written(const json_t *rep, int (*write)(const json_t *, FILE *))
{
	char *text = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&text, &n);
	assert_non_null(out);
	assert_int_equal(write(rep, out), 0);
	fclose(out);
	return text;
}

/* CSV and HTML hold every row, escape what a hostile description holds. */
static void test_outputs(void **state)
{
	fixture f;
	build(&f, *state);
	json_t *rep = make(&f, "unroca", f.year, NULL, NULL, NULL, 0);
	char *csv = written(rep, wam_report_csv), *html = written(rep, wam_report_html);
	assert_true(
	    !strncmp(csv, "table,key,label,category,partner,items,origin,intermediate,description,comments\n",
	             strlen("table,key,label,category,partner,items,origin,intermediate,description,comments\n")));
	char line[160];
	snprintf(line, sizeof line, "exports_salw,%s:1,,SA4,SN,3,RU,CI,", f.ship1);
	assert_non_null(strstr(csv, line));
	snprintf(line, sizeof line, "holdings,SA2,Rifles and carbines,SA2,,3,,,,");
	assert_non_null(strstr(csv, line));
	/* the description a spreadsheet would run is written as text */
	assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"x\"\") <script>"));
	/* every row's key in the page, the script escaped */
	const json_t *t, *r;
	size_t i, j;
	json_array_foreach(json_object_get(rep, "tables"), i, t) json_array_foreach(json_object_get(t, "rows"), j, r)
	{
		assert_non_null(strstr(csv, test_str(r, "key")));
		assert_non_null(strstr(html, test_str(r, "key")));
	}
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; rifles"));
	assert_non_null(strstr(html, "Remarks"));
	assert_non_null(strstr(html, "A. Final importer State(s)"));
	assert_non_null(strstr(html, "SA4 — Assault rifles"));
	free(csv);
	free(html);
	json_decref(rep);
	/* a nil report says so; a withheld one too */
	rep = make(&f, "unroca", f.year - 1, NULL, NULL, NULL, 0);
	html = written(rep, wam_report_html);
	assert_non_null(strstr(html, "Nil report"));
	free(html);
	json_decref(rep);
	char key[64];
	snprintf(key, sizeof key, "imports/%s:1", f.received);
	const char *w[] = {key};
	rep = make(&f, "att", f.year, NULL, NULL, w, 1);
	html = written(rep, wam_report_html);
	assert_non_null(strstr(html, "Data have been withheld from this report"));
	assert_null(strstr(html, key + strlen("imports/")));
	free(html);
	json_decref(rep);
	done(&f);
}

/* A row of more weapons than a drill-down lists gives the first ones and
 * says how many there are. */
static void test_records_capped(void **state)
{
	test_reg *r = *state;
	char army[WAM_ID_LEN + 1], id[WAM_ID_LEN + 1], serial[32], today[11];
	holder(r, "state_armed_force", "Forces armees d'Haiti", army);
	for (int i = 0; i < 1003; i++) {
		snprintf(serial, sizeof serial, "PX%05d", i);
		item(r, "SA1", serial, "AT", "in_store", army, id);
	}
	wam_date_today(today);
	wam_report_options o = {.year = (int)strtol(today, NULL, 10)};
	json_t *recs = NULL;
	assert_int_equal(wam_report_records(r->db, &recs, "unroca", &o, "holdings/SA1/items"), 0);
	assert_int_equal(json_array_size(recs), 1001);
	const json_t *last = json_array_get(recs, 1000);
	assert_string_equal(test_str(last, "kind"), "truncated");
	assert_int_equal(json_integer_value(json_object_get(last, "shown")), 1000);
	assert_int_equal(json_integer_value(json_object_get(last, "total")), 1003);
	assert_string_equal(test_str(json_object_get(last, "note"), "message"),
	                    "only the first 1000 of 1003 records are listed");
	json_decref(recs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_unroca_totals_and_split),
	    TEST_IN_HT(test_unroca_background),
	    TEST_IN_HT(test_nil_report),
	    TEST_IN_HT(test_att_bases),
	    TEST_IN_HT(test_att_withheld),
	    TEST_IN_HT(test_records_behind_a_row),
	    TEST_IN_HT(test_outputs),                 TEST_IN_HT(test_records_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
