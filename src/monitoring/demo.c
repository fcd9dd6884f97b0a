/* The monitoring room's part of `wam demo` (data/demo.json "monitoring"):
 * a mission's embargo cell in the Central African Republic — observations
 * in two provinces where the same rifle and the same ammunition lot are
 * seen (the cross-observation links), a market sighting in a third, each
 * weapon and document with a small photo (an 8x8 grey GIF); one finding
 * corroborated on two independent sources, one left a draft on a single
 * source; and the corroborated finding's evidence pack, sources redacted,
 * beside the registry as "<registry>.evidence.wep". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "monitoring/outputs.h"
#include "wam/embargo.h"
#include "wam/monitoring.h"

/* The demo's stand-in for a photo taken in the field: an 8x8 GIF of four
 * greys in diagonal bands, made different for each photo (the store keeps
 * a photo by its hash) by a comment extension naming it — GIF blocks carry
 * no checksum, so nothing is computed. The image is LZW-coded as literals,
 * a clear code before every second pixel, so its code width stays 3 bits. */
static const unsigned char gif_head[] = {
    'G',  'I',  'F',  '8',  '9',  'a',  0x08, 0x00, 0x08, 0x00, 0x81, 0x00, 0x00, /* 8x8, 4 colours */
    0x20, 0x20, 0x20, 0x60, 0x60, 0x60, 0xa0, 0xa0, 0xa0, 0xe0, 0xe0, 0xe0};      /* four greys */
static const unsigned char gif_image[] = {
    0x2c, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, /* image descriptor */
    0x02, 0x25, 0x44, 0xa8, 0x11, 0xa1, 0xc6, 0x88, 0x03, 0x23, 0x0e, 0xd4, 0x88, 0x50,
    0x23, 0xc2, 0x81, 0x11, 0x07, 0x46, 0x44, 0xa8, 0x11, 0xa1, 0xc6, 0x88, 0x03, 0x23,
    0x0e, 0xd4, 0x88, 0x50, 0x23, 0xc2, 0x81, 0x11, 0x07, 0x46, 0x05, 0x00, /* pixel (x+y)%4, 37 bytes of codes */
    0x3b};                                                                  /* trailer */

/* Photo number `seed` into `b`. */
static void demo_photo(wam_buf *b, uint32_t seed)
{
	char comment[64];
	int n = snprintf(comment, sizeof comment, "wam demo photo %u", (unsigned)seed);
	unsigned char ext[3] = {0x21, 0xfe, (unsigned char)n}; /* a comment extension, one sub-block */
	wam_buf_put(b, gif_head, sizeof gif_head);
	wam_buf_put(b, ext, sizeof ext);
	wam_buf_put(b, comment, (size_t)n);
	wam_buf_put(b, "", 1); /* the block terminator */
	wam_buf_put(b, gif_image, sizeof gif_image);
}

/* Adds a generated photo to the store and its hash to `holder`'s photos. */
static int add_photo(wam_db *db, json_t *holder, uint32_t seed)
{
	wam_buf b = {0};
	json_t *ph = NULL;
	demo_photo(&b, seed);
	int rc = b.p ? wam_photo_add(db, &ph, b.p, b.n, "image/gif") : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!rc)
		json_object_set_new(holder, "photos", json_pack("[O]", json_object_get(ph, "hash")));
	json_decref(ph);
	wam_buf_free(&b);
	return rc;
}

static void days_before(char out[11], const char *today, json_int_t days)
{
	time_t t;
	wam_date_parse(today, &t);
	wam_date_format(out, t - (time_t)days * 86400);
}

/* The observation of the demo's spec `o`, dated and with its photos. */
static int observation(wam_db *db, json_t **out, const json_t *o, const char *regime, const char *today, uint32_t *seed)
{
	json_t *in = json_deep_copy(o), *v;
	char day[11], at[32];
	size_t i;
	int rc = 0;
	days_before(day, today, json_integer_value(json_object_get(o, "days_ago")));
	snprintf(at, sizeof at, "%s%s", day, mon_str(o, "time") ? mon_str(o, "time") : "");
	json_object_del(in, "days_ago");
	json_object_del(in, "time");
	json_object_set_new(in, "observed_at", json_string(at));
	if (regime)
		json_object_set_new(in, "regime", json_string(regime));
	json_array_foreach(json_object_get(in, "items"), i, v)
	{
		if (!rc && mon_str(v, "kind") && strcmp(mon_str(v, "kind"), "ammunition"))
			rc = add_photo(db, v, (*seed)++);
	}
	json_array_foreach(json_object_get(in, "documents"), i, v)
	{
		if (!rc)
			rc = add_photo(db, v, (*seed)++);
	}
	if (!rc)
		rc = wam_monitoring_observation_add(db, out, in);
	json_decref(in);
	return rc;
}

static int finding(wam_db *db, const json_t *spec, const json_t *ids, const char *regime, const char *today,
                   const char *pack_path)
{
	json_t *in = json_pack("{s:O, s:O?, s:O?}", "statement", json_object_get(spec, "statement"), "actor",
	                       json_object_get(spec, "actor"), "country", json_object_get(spec, "country")),
	       *out = NULL, *v;
	const json_t *days = json_object_get(spec, "period_days_ago");
	size_t i;
	int rc = 0;
	if (!in)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (regime)
		json_object_set_new(in, "regime", json_string(regime));
	if (json_array_size(days) == 2) {
		char from[11], to[11];
		days_before(from, today, json_integer_value(json_array_get(days, 0)));
		days_before(to, today, json_integer_value(json_array_get(days, 1)));
		json_object_set_new(in, "period", json_pack("{s:s, s:s}", "from", from, "to", to));
	}
	if ((rc = wam_monitoring_finding_add(db, &out, in)))
		goto done;
	char id[WAM_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", mon_str(out, "id"));
	json_array_foreach(json_object_get(spec, "links"), i, v)
	{
		json_t *o2 = NULL;
		const char *target = json_string_value(json_array_get(ids, (size_t)json_integer_value(v)));
		if (target && (rc = wam_monitoring_finding_link(db, &o2, id, target, NULL)))
			goto done;
		json_decref(o2);
	}
	if (json_is_true(json_object_get(spec, "corroborate"))) {
		json_t *o2 = NULL;
		if ((rc = wam_monitoring_finding_corroborate(db, &o2, id)))
			goto done;
		json_decref(o2);
	}
	if (json_is_true(json_object_get(spec, "pack")) && pack_path) {
		json_t *o2 = NULL;
		rc = wam_monitoring_evidence_pack(db, &o2, id, pack_path, WAM_EVIDENCE_REDACT_SOURCES);
		json_decref(o2);
	}
done:
	json_decref(in);
	json_decref(out);
	return rc;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)rng;
	(void)sites;
	const json_t *spec = json_object_get(demo, "monitoring"), *v;
	json_t *ids = json_array(), *out = NULL, *reg = NULL;
	char saved[128], actor[128], today[11], pack_path[4096];
	const char *regime = NULL;
	uint32_t seed = 1;
	size_t i;
	int rc = 0;
	if (!spec)
		goto done;
	snprintf(saved, sizeof saved, "%s", db->actor);
	snprintf(actor, sizeof actor, "user:%s", mon_str(spec, "monitor"));
	wam_date_today(today);
	/* the regime when the embargo room has it */
	if (mon_str(spec, "regime") && !wam_embargo_regime_get(db, &reg, mon_str(spec, "regime"), NULL))
		regime = mon_str(spec, "regime");
	wam_error_clear();
	if ((rc = wam_db_set_actor(db, actor)))
		goto done;
	json_array_foreach(json_object_get(spec, "observations"), i, v)
	{
		if ((rc = observation(db, &out, v, regime, today, &seed)))
			goto restore;
		json_array_append(ids, json_object_get(out, "id"));
		json_decref(out);
		out = NULL;
	}
	snprintf(pack_path, sizeof pack_path, "%s.evidence.wep", db->path ? db->path : "wam");
	json_array_foreach(json_object_get(spec, "findings"), i, v)
	{
		if ((rc = finding(db, v, ids, regime, today, db->path ? pack_path : NULL)))
			goto restore;
	}
restore:
	if (!rc)
		rc = wam_db_set_actor(db, saved);
	else
		wam_db_set_actor(db, saved);
done:
	json_decref(ids);
	json_decref(out);
	json_decref(reg);
	return rc;
}

const wam_demo_part wam_monitoring_demo_part = {.room = "monitoring", .fill = fill};
