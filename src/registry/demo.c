/* A plausible synthetic registry for demonstrations, tests and benchmarks.
 *
 * Everything comes from reference data: manufacturers, models, calibres,
 * countries and serial formats (data/manufacturers.json, with Cyrillic,
 * Arabic-Indic and Persian serials where factories use them) and the sites,
 * holders and life paths of data/demo.json. Weapons go through the same
 * validation and events as `item add`. Given the same seed, the registry's
 * content and record ids are the same (ids use a seeded generator and a
 * fixed clock); only event times differ. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "registry/registry.h"
#include "registry/rules.h"
#include "wam/registry.h"

typedef struct weighted {
	const json_t *v;
	uint32_t weight;
} weighted;

static const json_t *pick(wam_rng *rng, const json_t *arr, const char *weight_key)
{
	uint32_t total = 0;
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v) total += (uint32_t)json_integer_value(json_object_get(v, weight_key));
	uint32_t x = wam_rng_below(rng, total ? total : 1);
	json_array_foreach(arr, i, v)
	{
		uint32_t w = (uint32_t)json_integer_value(json_object_get(v, weight_key));
		if (x < w)
			return v;
		x -= w;
	}
	return json_array_get(arr, 0);
}

static const char *pick_str(wam_rng *rng, const json_t *arr)
{
	return json_string_value(json_array_get(arr, wam_rng_below(rng, (uint32_t)json_array_size(arr))));
}

/* Replaces one ASCII character of a worn serial with '?'. */
static void wear(wam_rng *rng, wam_buf *serial)
{
	size_t ascii[64], n = 0;
	for (size_t i = 0; i < serial->n && n < 64; i++)
		if ((unsigned char)serial->p[i] < 0x80 && serial->p[i] != '-' && serial->p[i] != ' ')
			ascii[n++] = i;
	if (n)
		serial->p[ascii[wam_rng_below(rng, (uint32_t)n)]] = '?';
}

static json_t *make_item(wam_rng *rng, const json_t *maker, const json_t *model, const char *country, const char *site,
                         const char *holder, const char *status, wam_buf *serial)
{
	const json_t *years = json_object_get(model, "years");
	long y0 = (long)json_integer_value(json_array_get(years, 0)),
	     y1 = (long)json_integer_value(json_array_get(years, 1));
	long year = y0 + (long)wam_rng_below(rng, (uint32_t)(y1 >= y0 ? y1 - y0 + 1 : 1));
	wam_demo_expand_serial(rng, pick_str(rng, json_object_get(model, "serial_formats")), serial);
	const char *made_in = json_string_value(json_object_get(maker, "country"));
	json_t *item = json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:I, s:s, s:s, s:s}", "category",
	                         json_object_get(model, "category"), "make", json_object_get(maker, "name"), "model",
	                         json_object_get(model, "model"), "calibre", json_object_get(model, "calibre"),
	                         "serial", serial->p, "country", json_object_get(maker, "country"), "year",
	                         (json_int_t)year, "status", status, "site_id", site, "holder_id", holder);
	json_t *markings = json_array();
	uint32_t roll = wam_rng_below(rng, 1000);
	const char *legibility = "clear";
	bool altered = false;
	if (roll < 10) {
		legibility = "obliterated";
	} else if (roll < 40) {
		wear(rng, serial);
		legibility = "partial";
		json_object_set_new(item, "serial", json_string(serial->p));
	} else if (roll < 45) {
		altered = true;
	}
	json_t *frame = json_pack("{s:s, s:s, s:s, s:s}", "component", "frame_receiver", "kind", "serial", "text",
	                          serial->p, "legibility", legibility);
	if (altered)
		json_object_set_new(frame, "altered", json_true());
	json_array_append_new(markings, frame);
	if (wam_rng_below(rng, 3) == 0)
		json_array_append_new(markings, json_pack("{s:s, s:s, s:s}", "component", "frame_receiver", "kind",
		                                          "manufacturer", "text",
		                                          json_string_value(json_object_get(maker, "name"))));
	const char *fc = json_string_value(json_object_get(maker, "factory_code"));
	if (fc && wam_rng_below(rng, 2) == 0)
		json_array_append_new(markings, json_pack("{s:s, s:s, s:s}", "component", "frame_receiver", "kind",
		                                          "factory_code", "text", fc));
	if (wam_rng_below(rng, 4) == 0) /* the bolt usually carries the same serial */
		json_array_append_new(
		    markings, json_pack("{s:s, s:s, s:s}", "component", "bolt", "kind", "serial", "text", serial->p));
	json_object_set_new(item, "markings", markings);
	if (country && made_in && strcmp(country, made_in) != 0 && wam_rng_below(rng, 10) < 8) {
		long iy = year < 1995 ? 1995 + (long)wam_rng_below(rng, 30) : year + (long)wam_rng_below(rng, 3);
		if (iy > 2025)
			iy = 2025;
		json_object_set_new(item, "import_marks",
		                    json_pack("[{s:s, s:I}]", "country", country, "year", (json_int_t)iy));
	}
	return item;
}

/* A word of `weights` ({word: weight}) drawn by `rng`. */
static const char *drawn_word(wam_rng *rng, const json_t *weights)
{
	const char *k;
	const json_t *w;
	uint32_t total = 0;
	json_object_foreach((json_t *)weights, k, w) total += (uint32_t)json_integer_value(w);
	uint32_t x = wam_rng_below(rng, total ? total : 1);
	json_object_foreach((json_t *)weights, k, w)
	{
		uint32_t n = (uint32_t)json_integer_value(w);
		if (x < n)
			return k;
		x -= n;
	}
	return "not_recorded";
}

/* The civilian licence holders of data/demo.json's `licence_holders`, each
 * with a sex and an age band drawn by `rng` (not_recorded among them, as a
 * registry has); the last one's age band recorded later, as a holder.described
 * event. They come after everything else, so the rest of the demo is the
 * same with them or without. */
static int add_licence_holders(wam_db *db, wam_rng *rng, const json_t *demo)
{
	const json_t *spec = json_object_get(demo, "licence_holders");
	json_int_t count = json_integer_value(json_object_get(spec, "count"));
	const char *country = json_string_value(json_object_get(demo, "country"));
	char last[WAM_ID_LEN + 1] = "";
	int rc = 0;
	for (json_int_t i = 0; !rc && i < count; i++) {
		char name[96], licence[32];
		uint32_t year = 2015 + wam_rng_below(rng, 11), number = 1 + wam_rng_below(rng, 9999);
		snprintf(licence, sizeof licence, "CP-%u-%04u", year, number);
		snprintf(name, sizeof name, "Civilian licence holder %s (pseudonymised)", licence);
		const char *sex = drawn_word(rng, json_object_get(spec, "sexes"));
		const char *age = i == count - 1 ? "not_recorded" : drawn_word(rng, json_object_get(spec, "age_bands"));
		json_t *h = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "civilian", "name", name, "country",
		                      country ? country : "HT", "licence", licence, "sex", sex, "age_band", age),
		       *out = NULL;
		rc = h ? wam_registry_holder_add(db, &out, h) : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		if (!rc)
			snprintf(last, sizeof last, "%s", json_string_value(json_object_get(out, "id")));
		json_decref(h);
		json_decref(out);
	}
	if (!rc && last[0]) { /* the age band learnt at the licence's renewal */
		json_t *d = json_pack("{s:s}", "age_band", drawn_word(rng, json_object_get(spec, "age_bands"))),
		       *out = NULL;
		rc = wam_registry_holder_describe(db, &out, last, d);
		json_decref(d);
		json_decref(out);
	}
	return rc;
}

static int add_people_and_places(wam_db *db, const json_t *demo, json_t *site_ids, json_t *holder_ids)
{
	int rc;
	size_t i;
	const json_t *v;
	const char *country = json_string_value(json_object_get(demo, "country"));
	json_array_foreach(json_object_get(demo, "sites"), i, v)
	{
		json_t *s = json_deep_copy(v), *out;
		json_object_set_new(s, "country", json_string(country));
		rc = wam_registry_site_add(db, &out, s);
		json_decref(s);
		if (rc)
			return rc;
		json_array_append(site_ids, json_object_get(out, "id"));
		json_decref(out);
	}
	json_array_foreach(json_object_get(demo, "holders"), i, v)
	{
		json_t *h = json_deep_copy(v), *out;
		json_object_set_new(h, "country", json_string(country));
		rc = wam_registry_holder_add(db, &out, h);
		json_decref(h);
		if (rc)
			return rc;
		json_array_append(holder_ids, json_object_get(out, "id"));
		json_decref(out);
	}
	return 0;
}

/* Follows a life path after registration: each later step is a status
 * change with a recorded reason. A life that ends in destruction or export
 * stops before it: the weapon joins `final`, for the procedure that alone
 * gives those statuses. */
static int live(wam_db *db, wam_rng *rng, const char *id, const json_t *steps, const json_t *reasons,
                const char *cert_prefix, long n, json_t *final)
{
	for (size_t k = 1; k < json_array_size(steps); k++) {
		const char *to = json_string_value(json_array_get(steps, k));
		const json_t *choices = json_object_get(reasons, to);
		char reason[256], cert[64];
		snprintf(reason, sizeof reason, "%s %ld/%04u", choices ? pick_str(rng, choices) : "recorded",
		         2015 + (long)wam_rng_below(rng, 11), wam_rng_below(rng, 10000));
		if (wam_status_final_by_procedure(to)) {
			json_array_append_new(final, json_string(id));
			break;
		}
		json_t *d = json_pack("{s:s}", "reason", reason);
		if (!strcmp(to, "destroyed") || !strcmp(to, "deactivated")) {
			snprintf(cert, sizeof cert, "%s%06ld", cert_prefix, n);
			json_object_set_new(d, "certificate", json_string(cert));
		}
		int rc = wam_registry_item_set_status(db, NULL, id, to, d);
		json_decref(d);
		if (rc)
			return rc;
	}
	return 0;
}

/* Weapons of new technologies and parts, the same in every demo registry:
 * an alarm pistol converted to fire, a 3D-printed polymer frame without a
 * serialised insert (inadequate under R4) and a printed pistol whose frame
 * has one, a craft shotgun, and a barrel and a slide that belong to a
 * factory pistol. A part's `belongs_to` "@N" names the Nth record here (one digit). */
static const char *const makeup_demo[] = {
    "{\"category\":\"SA1\",\"make\":\"Ekol\",\"model\":\"Firat Magnum\",\"calibre\":\"9x19mm\","
    "\"serial\":\"EK-1904417\",\"country\":\"TR\",\"import_marks\":[{\"country\":\"HT\"}],\"status\":\"seized\","
    "\"manufacture\":\"converted\",\"converted_from\":\"alarm\",\"frame_material\":\"metal\","
    "\"notes\":\"alarm pistol, barrel bored through and reamed to fire live rounds\"}",
    "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"frame_receiver\",\"make\":\"FGC-9\","
    "\"model\":\"Mk II\",\"serial\":\"PF-2024-0113\",\"country\":\"HT\",\"status\":\"seized\","
    "\"manufacture\":\"printed\",\"frame_material\":\"polymer\",\"markings\":[{\"component\":\"frame_receiver\","
    "\"kind\":\"serial\",\"text\":\"PF-2024-0113\",\"method\":\"printed\"}],"
    "\"notes\":\"3D-printed pistol frame, no metal insert\"}",
    "{\"category\":\"SA1\",\"make\":\"FGC-9\",\"model\":\"Mk II\",\"calibre\":\"9x19mm\","
    "\"serial\":\"PF-2024-0127\",\"country\":\"HT\",\"status\":\"seized\",\"manufacture\":\"printed\","
    "\"frame_material\":\"polymer\",\"serial_component\":\"frame_receiver\",\"markings\":[{\"component\":"
    "\"frame_receiver\",\"kind\":\"serial\",\"text\":\"PF-2024-0127\",\"method\":\"insert\"}],"
    "\"notes\":\"3D-printed pistol, serial on a metal insert set in the frame\"}",
    "{\"category\":\"SHOTGUN\",\"make\":\"Atelier Croix-des-Bouquets\",\"calibre\":\"12 gauge\","
    "\"serial\":\"CR-0042\",\"country\":\"HT\",\"status\":\"found\",\"manufacture\":\"craft\","
    "\"frame_material\":\"metal\",\"markings\":[{\"component\":\"frame_receiver\",\"kind\":\"serial\","
    "\"text\":\"CR-0042\",\"method\":\"engraved\"}],\"notes\":\"single-shot craft shotgun, pipe barrel\"}",
    "{\"category\":\"SA1\",\"make\":\"Glock\",\"model\":\"17\",\"calibre\":\"9x19mm\",\"serial\":\"BXR812\","
    "\"country\":\"AT\",\"year\":2019,\"import_marks\":[{\"country\":\"HT\",\"year\":2019}],"
    "\"status\":\"in_store\",\"manufacture\":\"factory\",\"frame_material\":\"polymer\","
    "\"serial_component\":\"frame_receiver\",\"markings\":[{\"component\":\"frame_receiver\",\"kind\":"
    "\"serial\",\"text\":\"BXR812\",\"method\":\"insert\"}]}",
    "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"barrel\",\"make\":\"Glock\",\"serial\":\"BXR812\","
    "\"country\":\"AT\",\"import_marks\":[{\"country\":\"HT\",\"year\":2019}],\"status\":\"in_store\",\"belongs_to\":"
    "\"@4\",\"markings\":[{\"component\":\"barrel\","
    "\"kind\":\"serial\",\"text\":\"BXR812\",\"method\":\"stamped\"}]}",
    "{\"category\":\"PART\",\"kind\":\"part\",\"part_type\":\"slide\",\"make\":\"Glock\",\"serial\":\"BXR812\","
    "\"country\":\"AT\",\"import_marks\":[{\"country\":\"HT\",\"year\":2019}],\"status\":\"in_store\",\"belongs_to\":"
    "\"@4\",\"markings\":[{\"component\":\"slide\","
    "\"kind\":\"serial\",\"text\":\"BXR812\",\"method\":\"laser\"}]}",
    NULL};

#define MAKEUP_DEMO 7

static int add_makeup(wam_db *db, const char *site)
{
	char ids[MAKEUP_DEMO][WAM_ID_LEN + 1];
	int rc = 0;
	for (int k = 0; makeup_demo[k] && !rc; k++) {
		json_t *item = json_loads(makeup_demo[k], 0, NULL), *payload = NULL;
		if (!item)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		const char *of = json_string_value(json_object_get(item, "belongs_to"));
		if (of && of[0] == '@')
			json_object_set_new(item, "belongs_to", json_string(ids[of[1] - '0']));
		json_object_set_new(item, "site_id", json_string(site));
		rc = wam_item_payload(db, &payload, item, 0, 0);
		if (!rc)
			rc = wam_item_register(db, payload, WAM_ALLOW_DUPLICATE, ids[k]);
		json_decref(item);
		json_decref(payload);
	}
	return rc;
}

int wam_registry_demo(wam_db *db, const wam_demo_opts *opts)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "a demo registry");
	int rc;
	long items = opts && opts->items > 0 ? opts->items : 10000;
	wam_rng rng = {opts ? opts->seed * 0x9e3779b97f4a7c15ULL + 1 : 1};
	wam_rng idrng = {opts ? opts->seed ^ 0x5deece66dULL : 0x5deece66dULL};
	json_t *makers = NULL, *demo = NULL, *sites = json_array(), *holders = json_array(), *to_destroy = json_array();
	wam_buf serial = {0};
	char path[4096];
	json_error_t err;

	snprintf(path, sizeof path, "%s/manufacturers.json", wam_data_dir());
	if (!(makers = json_load_file(path, 0, &err))) {
		rc = wam_error_set(WAM_EIO, "data", "cannot load %s: %s", path, err.text);
		goto done;
	}
	snprintf(path, sizeof path, "%s/demo.json", wam_data_dir());
	if (!(demo = json_load_file(path, 0, &err))) {
		rc = wam_error_set(WAM_EIO, "data", "cannot load %s: %s", path, err.text);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db->conn, "SELECT count(*) FROM items", -1, &st, NULL);
		long have = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (have) {
			rc = wam_error_set(WAM_ECONFLICT, "db",
			                   "the registry already holds %ld weapons; demo data goes into "
			                   "an empty registry",
			                   have);
			goto fail;
		}
	}
	wam_db_bulk(db, true);
	db->id_rng = &idrng;
	db->id_clock_ms = 1704067200000ULL; /* 2024-01-01: ids sort like real registrations */
	if ((rc = add_people_and_places(db, demo, sites, holders)))
		goto fail;
	const json_t *list = json_object_get(makers, "manufacturers"), *paths = json_object_get(demo, "paths");
	const json_t *reasons = json_object_get(demo, "reasons");
	const char *country = json_string_value(json_object_get(demo, "country"));
	const char *cert_prefix = json_string_value(json_object_get(demo, "certificate_prefix"));
	/* the rooms' demo parts (stockpile, traces) bring weapons of their
	 * own: --items counts them; each part runs only when the registry is
	 * ten times larger than what it and the parts before it bring */
	bool run[16] = {false};
	long brought = 0, generated = items;
	for (size_t k = 0; wam_demo_parts[k] && k < 16; k++) {
		long w = wam_demo_parts[k]->weapons ? wam_demo_parts[k]->weapons(demo) : 0;
		run[k] = (k == 0 || run[k - 1]) && items > (brought + w) * 10;
		if (!run[k])
			break;
		brought += w;
		generated -= w;
	}
	bool makeup = generated > MAKEUP_DEMO * 10; /* in every registry big enough to show them */
	if (makeup)
		generated -= MAKEUP_DEMO;
	for (long n = 0; n < generated; n++) {
		const json_t *maker = pick(&rng, list, "weight");
		const json_t *model = pick(&rng, json_object_get(maker, "models"), "weight");
		const json_t *path_v = pick(&rng, paths, "weight");
		const json_t *steps = json_object_get(path_v, "steps");
		const char *site =
		    json_string_value(json_array_get(sites, wam_rng_below(&rng, (uint32_t)json_array_size(sites))));
		const char *holder =
		    json_string_value(json_array_get(holders, wam_rng_below(&rng, (uint32_t)json_array_size(holders))));
		json_t *item = make_item(&rng, maker, model, country, site, holder,
		                         json_string_value(json_array_get(steps, 0)), &serial);
		json_t *payload = NULL;
		char id[WAM_ID_LEN + 1];
		rc = wam_item_payload(db, &payload, item, 0, WAM_KEYS_CHECKED);
		if (!rc)
			rc = wam_item_register(db, payload, WAM_ALLOW_DUPLICATE, id);
		json_decref(item);
		json_decref(payload);
		if (!rc)
			rc = live(db, &rng, id, steps, reasons, cert_prefix ? cert_prefix : "DEST-", n, to_destroy);
		if (rc)
			goto fail;
		if (opts && opts->progress && (n & 1023) == 0)
			opts->progress(n, items, opts->progress_payload);
	}
	/* not at the first site, whose seized weapons the stockpile's demo destroys */
	if (makeup && (rc = add_makeup(db, json_string_value(json_array_get(sites, 1 % json_array_size(sites))))))
		goto fail;
	for (size_t k = 0; wam_demo_parts[k] && k < 16; k++)
		if (run[k] && wam_demo_parts[k]->fill && (rc = wam_demo_parts[k]->fill(db, &rng, demo, sites)))
			goto fail;
	for (size_t k = 0; wam_demo_parts[k] && k < 16; k++)
		if (wam_demo_parts[k]->destroy &&
		    (rc = wam_demo_parts[k]->destroy(db, demo, json_string_value(json_array_get(sites, 0)), to_destroy,
		                                     cert_prefix)))
			goto fail;
	{
		wam_rng people = {rng.s ^ 0x2545f4914f6cdd1dULL}; /* a stream of its own */
		if ((rc = add_licence_holders(db, &people, demo)))
			goto fail;
	}
	db->id_rng = NULL;
	rc = wam_db_commit(db);
	if (!rc && opts && opts->progress)
		opts->progress(items, items, opts->progress_payload);
	goto done;
fail:
	db->id_rng = NULL;
	wam_db_rollback(db);
done:
	wam_db_bulk(db, false);
	json_decref(makers);
	json_decref(demo);
	json_decref(sites);
	json_decref(holders);
	json_decref(to_destroy);
	wam_buf_free(&serial);
	return rc;
}
