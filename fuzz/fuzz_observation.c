/* Fuzz target: what a mission records in the field — an observation
 * (`wam observation add --from`, `POST /api/v1/observations`) with its
 * sources, items, markings, documents and photos, and a finding drafted on
 * it (`wam finding add --from`, `POST /api/v1/findings`) — from raw text to
 * a validated record or a refusal.
 *
 * An input is the name of the record on its first line, then the JSON:
 *   observation
 *   {"kind": "cache_recovery", "observed_at": "2026-03-02", ...}
 * @PHOTO@ is replaced by the hash of a photo in the target registry's photo
 * store, @OBSERVATION@ by an observation recorded there. The text is
 * parsed as the server parses a body (duplicate keys refused) and given,
 * whatever JSON it is, to the library call. What passes is recorded: the
 * registry grows as the fuzzer runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "wam/error.h"
#include "wam/monitoring.h"

static wam_db *db;

static void setup(void)
{
	/* the smallest PNG: a signature and an IHDR chunk start */
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
	                                    'R',  0,   0,   0,   1,    0,    0,    0,    1, 8, 2, 0,  0,   0};
	json_t *out = NULL, *in;
	if (wam_photo_add(db, &out, png, sizeof png, NULL)) {
		fprintf(stderr, "fuzz_observation: cannot store the photo: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@PHOTO@", json_string_value(json_object_get(out, "hash")));
	json_decref(out);
	in = json_loads("{\"kind\":\"seizure\",\"observed_at\":\"2026-01-05\",\"place\":{\"country\":\"CF\"},"
	                "\"unit\":\"cell\",\"officer\":\"o\",\"sources\":[{\"type\":\"witness\",\"independent\":true,"
	                "\"reliability\":\"B\",\"credibility\":2,\"identity\":\"someone\"}],\"items\":[{\"kind\":"
	                "\"weapon\",\"serial\":\"AB1234\"}]}",
	                0, NULL);
	if (wam_monitoring_observation_add(db, &out, in)) {
		fprintf(stderr, "fuzz_observation: cannot record the observation: %s\n", wam_error_last()->message);
		abort();
	}
	fuzz_placeholder("@OBSERVATION@", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static int observation(json_t **out, const json_t *in)
{
	return wam_monitoring_observation_add(db, out, in);
}
static int finding(json_t **out, const json_t *in)
{
	return wam_monitoring_finding_add(db, out, in);
}
static int trace(json_t **out, const json_t *in)
{
	return wam_monitoring_observation_trace(db, out, fuzz_value("@OBSERVATION@"), 0, in);
}

static const fuzz_record records[] = {
    {"observation", observation},
    {"finding", finding},
    {"trace", trace},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		db = fuzz_registry(0);
		setup();
	}
	fuzz_record_input(data, size, records, sizeof records / sizeof records[0]);
	return 0;
}
