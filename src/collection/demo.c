/* The collection room's part of `wam demo`: a cache of 7.62x39mm rounds
 * found buried in two kinds of crate, as an ammunition-only recovery would
 * record it — one headstamp of a factory code and year ("71 81"), one read
 * in Arabic-Indic digits ("٣٠ ٨٤") — with their lot, packaging and crate
 * marks; part of the first line taken into a stock lot that keeps its
 * origin, part listed in a destruction batch left open. Weapons of new
 * technologies and parts were buried with them. It goes through
 * the public calls, as a user would, inside the demo's transaction. */
#include <string.h>

#include "internal.h"
#include "wam/collection.h"
#include "wam/stock.h"

static const char *const CACHE =
    "{\"type\": \"seized\", \"date\": \"2025-09-14\", \"place\": \"Ravine Pintade, Port-au-Prince\","
    " \"admin_area\": \"Ouest\", \"context\": \"cache\", \"officer\": \"Insp. Marc Antoine\","
    " \"notes\": \"Crates buried under a workshop floor, with a workshop's guns and parts.\","
    " \"legal_justification\": \"illicit_manufacturing\","
    " \"weapons\": ["
    "  {\"category\": \"PART\", \"kind\": \"part\", \"part_type\": \"frame_receiver\", \"make\": \"FGC-9\","
    "   \"model\": \"Mk II\", \"serial\": \"RP-0007\", \"country\": \"HT\", \"manufacture\": \"printed\","
    "   \"frame_material\": \"polymer\", \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\","
    "   \"text\": \"RP-0007\", \"method\": \"printed\"}], \"notes\": \"3D-printed pistol frame, no metal insert\"},"
    "  {\"category\": \"SA1\", \"make\": \"Zoraki\", \"model\": \"917\", \"calibre\": \"9x19mm\","
    "   \"serial\": \"ZR-2291804\", \"country\": \"TR\", \"manufacture\": \"converted\", \"converted_from\": \"alarm\","
    "   \"frame_material\": \"metal\", \"notes\": \"alarm pistol, barrel blockage drilled out to fire live rounds\"},"
    "  {\"category\": \"SHOTGUN\", \"make\": \"Atelier Ravine Pintade\", \"calibre\": \"12 gauge\","
    "   \"serial\": \"RP-SG-03\", \"country\": \"HT\", \"manufacture\": \"craft\", \"frame_material\": \"metal\","
    "   \"notes\": \"single-shot craft shotgun, pipe barrel\"},"
    "  {\"category\": \"PART\", \"kind\": \"part\", \"part_type\": \"barrel\", \"make\": \"Atelier Ravine Pintade\","
    "   \"serial\": \"RP-B-11\", \"country\": \"HT\", \"manufacture\": \"craft\", \"frame_material\": \"metal\","
    "   \"notes\": \"unfinished 9mm barrel blank\"},"
    "  {\"category\": \"PART\", \"kind\": \"part\", \"part_type\": \"conversion_kit\", \"make\": \"Zoraki\","
    "   \"serial\": \"ZR-K-0412\", \"country\": \"TR\", \"manufacture\": \"converted\","
    "   \"notes\": \"barrel insert and firing pin to convert an alarm pistol\"}"
    " ],"
    " \"ammunition\": ["
    "  {\"calibre\": \"7.62x39mm\", \"type\": \"ball\", \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\","
    "   \"year\": 1981}, \"lot\": \"12-81-071\", \"packaging_marks\": \"20 шт 7,62 ПС ГЖ\","
    "   \"crate_marks\": \"7,62 ПС ГЖ 1320 шт\\n12-81-071\", \"quantity\": 1320, \"packages\": 3},"
    "  {\"calibre\": \"7.62x39mm\", \"type\": \"ball\", \"headstamp\": {\"text\": \"٣٠ ٨٤\", \"factory\": \"٣٠\","
    "   \"year\": 1984}, \"lot\": \"٣-٨٤\", \"crate_marks\": \"ذخيرة ٧٫٦٢×٣٩ — ٧٠٠ طلقة\", \"quantity\": 700,"
    "   \"packages\": 1}"
    "]}";

/* the cache's weapons and parts: a 3D-printed polymer frame without a
 * serialised insert, a converted alarm pistol, a craft shotgun, a craft
 * barrel and a conversion kit, so the SDG 16.4.2 report of the cache's year
 * shows printed, converted and craft weapons and parts recovered in a cache */
#define CACHE_WEAPONS 5

static long weapons(const json_t *demo)
{
	(void)demo;
	return CACHE_WEAPONS;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)rng;
	(void)demo;
	const char *central = json_string_value(json_array_get(sites, 0));
	if (!central)
		return 0;
	json_t *in = json_loads(CACHE, 0, NULL), *rec = NULL, *lot = NULL, *out = NULL, *batch = NULL;
	if (!in)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_object_set_new(in, "site_id", json_string(central));
	char id[WAM_ID_LEN + 1] = "", batch_id[WAM_ID_LEN + 1] = "";
	int rc = wam_collection_recovery_add(db, &rec, in);
	if (!rc)
		snprintf(id, sizeof id, "%s", json_string_value(json_object_get(rec, "id")));
	/* two crates of the first headstamp go to the central depot, inspected
	 * before any issue */
	lot = json_pack("{s:i, s:s, s:s}", "rounds", 880, "site_id", central, "notes",
	                "taken in from the Ravine Pintade cache; to be inspected");
	if (!rc)
		rc = wam_collection_ammunition_stock(db, &out, id, 0, lot);
	/* corroded rounds of the same line wait in an open batch */
	batch = json_pack("{s:s, s:s, s:s, s:s}", "method", "DETONATION", "site", "Camp Lamentin range", "date",
	                  "2025-10-02", "notes", "corroded rounds from the Ravine Pintade cache");
	json_decref(out);
	out = NULL;
	if (!rc && !(rc = wam_stock_destruction_open(db, &out, batch)))
		snprintf(batch_id, sizeof batch_id, "%s", json_string_value(json_object_get(out, "id")));
	if (!rc)
		rc = wam_stock_destruction_add_recovered(db, NULL, batch_id, id, 0, 240);
	json_decref(in);
	json_decref(rec);
	json_decref(lot);
	json_decref(out);
	json_decref(batch);
	return rc;
}

const wam_demo_part wam_collection_demo_part = {.room = "collection", .weapons = weapons, .fill = fill};
