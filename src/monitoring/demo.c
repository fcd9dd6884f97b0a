/* The monitoring room's part of `wam demo` (data/demo.json "monitoring"):
 * a mission's embargo cell in the Central African Republic — observations
 * in two provinces where the same rifle and the same ammunition lot are
 * seen (the cross-observation links), a market sighting in a third, each
 * weapon and document with a small generated photo; one finding
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

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static uint32_t crc32_of(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void put32(wam_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	                      (unsigned char)v};
	wam_buf_put(b, x, 4);
}

static void chunk(wam_buf *b, const char *type, const unsigned char *data, size_t n)
{
	put32(b, (uint32_t)n);
	size_t at = b->n;
	wam_buf_put(b, type, 4);
	wam_buf_put(b, data, n);
	put32(b, crc32_of(0, (const unsigned char *)b->p + at, n + 4));
}

#define SIDE 16 /* a demo photo is SIDE x SIDE pixels, grey */

/* A small valid PNG (a grey pattern of `seed`), its bytes in `b`: the
 * demo's stand-in for a photo taken in the field. */
static void demo_png(wam_buf *b, uint32_t seed)
{
	unsigned char ihdr[13] = {0, 0, 0, SIDE, 0, 0, 0, SIDE, 8, 0, 0, 0, 0};
	unsigned char raw[SIDE * (SIDE + 1)], z[sizeof raw + 11];
	for (int y = 0; y < SIDE; y++) {
		raw[y * (SIDE + 1)] = 0; /* filter: none */
		for (int x = 0; x < SIDE; x++)
			raw[y * (SIDE + 1) + 1 + x] = (unsigned char)((x * 16 + y * 9 + seed * 37u) ^ (seed * 131u));
	}
	/* zlib: one stored deflate block, and the Adler-32 of the data */
	size_t n = sizeof raw;
	z[0] = 0x78;
	z[1] = 0x01;
	z[2] = 1;
	z[3] = (unsigned char)(n & 0xff);
	z[4] = (unsigned char)(n >> 8);
	z[5] = (unsigned char)(~n & 0xff);
	z[6] = (unsigned char)((~n >> 8) & 0xff);
	memcpy(z + 7, raw, n);
	uint32_t s1 = 1, s2 = 0;
	for (size_t i = 0; i < n; i++) {
		s1 = (s1 + raw[i]) % 65521;
		s2 = (s2 + s1) % 65521;
	}
	uint32_t adler = (s2 << 16) | s1;
	z[7 + n] = (unsigned char)(adler >> 24);
	z[8 + n] = (unsigned char)(adler >> 16);
	z[9 + n] = (unsigned char)(adler >> 8);
	z[10 + n] = (unsigned char)adler;
	wam_buf_put(b, "\x89PNG\r\n\x1a\n", 8);
	chunk(b, "IHDR", ihdr, sizeof ihdr);
	chunk(b, "IDAT", z, sizeof z);
	chunk(b, "IEND", NULL, 0);
}

/* Adds a generated photo to the store and its hash to `holder`'s photos. */
static int add_photo(wam_db *db, json_t *holder, uint32_t seed)
{
	wam_buf b = {0};
	json_t *ph = NULL;
	demo_png(&b, seed);
	int rc = b.p ? wam_photo_add(db, &ph, b.p, b.n, "image/png") : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
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
	snprintf(at, sizeof at, "%s%s", day, str(o, "time") ? str(o, "time") : "");
	json_object_del(in, "days_ago");
	json_object_del(in, "time");
	json_object_set_new(in, "observed_at", json_string(at));
	if (regime)
		json_object_set_new(in, "regime", json_string(regime));
	json_array_foreach(json_object_get(in, "items"), i, v)
	{
		if (!rc && str(v, "kind") && strcmp(str(v, "kind"), "ammunition"))
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
	snprintf(id, sizeof id, "%s", str(out, "id"));
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
	snprintf(actor, sizeof actor, "user:%s", str(spec, "monitor"));
	wam_date_today(today);
	/* the regime when the embargo room has it */
	if (str(spec, "regime") && !wam_embargo_regime_get(db, &reg, str(spec, "regime"), NULL))
		regime = str(spec, "regime");
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
