/* The reports room's part of `wam demo`, after the transfers part: the
 * licensing officer submits this year's UN Register return and ATT annual
 * report, each under its note verbale, frozen and signed; then a late
 * shipment arrives on an import licence the transfers part issued, so that
 * `wam report diff unroca --year YEAR` shows the row it adds and the event
 * that made it. Through the public calls, as the officer would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wam/reports.h"
#include "wam/transfers.h"

/* The pistols of the late shipment. */
#define LATE 3

/* One submission of this year's `kind`, under `reference`. */
static int submit(wam_db *db, const char *kind, int year, const char *reference, const char *notes)
{
	wam_report_options o = {.year = year};
	json_t *s = json_pack("{ss ss}", "reference", reference, "notes", notes), *out = NULL;
	int rc = wam_report_submit(db, &out, kind, &o, s);
	json_decref(s);
	json_decref(out);
	return rc;
}

/* `n` more pistols arrive on import licence `number`, registered on arrival
 * as the first shipment's were (serials after theirs). */
static int late_shipment(wam_db *db, const json_t *import, int n)
{
	json_t *lic = NULL, *out = NULL;
	const json_t *line = json_object_get(import, "line");
	int rc = wam_query_row(db, &lic, "SELECT id FROM licences WHERE number=?1",
	                       json_string_value(json_object_get(import, "number")), NULL);
	if (rc || !lic)
		return rc;
	json_t *weapons = json_array();
	for (int k = 0; k < n; k++) {
		char serial[32];
		snprintf(serial, sizeof serial, "BXK%03d", 201 + k);
		json_array_append_new(
		    weapons, json_pack("{sO sO sO sO ss sO sO ss}", "category", json_object_get(line, "category"),
		                       "make", json_object_get(line, "make"), "model", json_object_get(line, "model"),
		                       "calibre", json_object_get(line, "calibre"), "serial", serial, "country",
		                       json_object_get(import, "country"), "year", json_object_get(import, "year"),
		                       "status", "in_store"));
	}
	json_t *s = json_pack("{sO so ss}", "licence_id", json_object_get(lic, "id"), "weapons", weapons, "carrier",
	                      "Air Canada Cargo");
	rc = wam_transfers_shipment_add(db, &out, s);
	json_decref(s);
	json_decref(out);
	json_decref(lic);
	return rc;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)sites;
	const json_t *tr = json_object_get(demo, "transfers");
	const char *officer = json_string_value(json_array_get(json_object_get(tr, "officers"), 0));
	const json_t *import = json_array_get(json_object_get(tr, "imports"), 0);
	if (!officer || !import)
		return 0;
	char saved[128], actor[128], today[11], ref[64];
	snprintf(saved, sizeof saved, "%s", db->actor);
	snprintf(actor, sizeof actor, "user:%s", officer);
	wam_date_today(today);
	int year = (int)strtol(today, NULL, 10);
	int rc = wam_db_set_actor(db, actor);
	snprintf(ref, sizeof ref, "note verbale %d/%03u", year, 200 + wam_rng_below(rng, 50));
	if (!rc)
		rc = submit(db, "unroca", year, ref,
		            "return to the UN Register of Conventional Arms through the Permanent Mission in New York");
	snprintf(ref, sizeof ref, "note verbale %d/%03u", year, 250 + wam_rng_below(rng, 50));
	if (!rc)
		rc = submit(db, "att", year, ref, "annual report under Article 13(3), sent to the ATT Secretariat");
	/* pistols the importer had not declared by the time the returns went */
	if (!rc)
		rc = late_shipment(db, import, LATE);
	wam_db_set_actor(db, saved);
	return rc;
}

/* The weapons the part registers, which --items counts. */
static long weapons(const json_t *demo)
{
	return json_array_size(json_object_get(json_object_get(demo, "transfers"), "imports")) ? LATE : 0;
}

const wam_demo_part wam_reports_demo_part = {.room = "reports", .weapons = weapons, .fill = fill};
