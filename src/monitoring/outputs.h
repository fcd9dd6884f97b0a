/* What the monitoring room's outputs share (profile.c, report.c,
 * evidence.c, demo.c): the tallies of profiles and of the committee
 * report, read through the public monitoring API only. */
#ifndef WAM_MONITORING_OUTPUTS_H
#define WAM_MONITORING_OUTPUTS_H

#include <jansson.h>

#include "internal.h"
#include "monitoring/room.h"

/* A tally of figures by key, each kept with its first and last date seen
 * and the observations it came from: a profile's or a report's by_*. */
typedef struct mon_tally {
	json_t *rows; /* {key: {key, count, sightings, first_seen, last_seen, observations: [ids]}} */
	bool fold;    /* keys that differ only in case and spacing are one row, shown
	               * as first spelt ("Norinco", "NORINCO"; "7.62x39mm", "7.62 x 39 mm") */
} mon_tally;

/* Counts `n` (distinct) and `seen` (as sighted) for `key` (NULL or "":
 * not counted) seen on `date` in observation `obs`. The observations of
 * one tally are counted one after another (all of one before the next). */
int mon_tally_add(mon_tally *t, const char *key, json_int_t n, json_int_t seen, const char *date, const char *obs);
/* The tally as [{key, count, sightings, first_seen, last_seen, observations}],
 * largest first (then by key), and the tally emptied. */
json_t *mon_tally_take(mon_tally *t);
void mon_tally_free(mon_tally *t);

/* The date part (YYYY-MM-DD) of an observation's observed_at into `out`. */
void mon_date_of(char out[11], const json_t *observation);

/* Observation `id` as wam_monitoring_observation_get() shows it to a
 * reader who may not open its sources' identities — none is opened, so
 * none is logged as read — with its matches, links, traces and findings
 * when `related`: what a profile, a report and a redacted pack read. */
int mon_observation_unopened(wam_db *db, json_t **out, const char *id, bool related);

/* Every observation in `list` (as wam_monitoring_observation_list gives
 * it) read whole with mon_observation_unopened (no source), oldest first,
 * in `*out`. */
int mon_observations_full(wam_db *db, json_t **out, const json_t *list);

/* The weapon and ammunition figures of the observations `full`: sets on
 * `into` weapons {total, sightings, by_category, by_make, by_country,
 * by_year} — total and each row's count are distinct weapons and parts (one
 * with a serial is one item per make and folded serial, however often
 * seen; one without counts at each sighting), sightings as seen — and
 * ammunition {rounds, lots, sightings, by_calibre, by_factory, by_year} —
 * rounds as seen, sighting by sighting; lots the distinct calibre + lot +
 * headstamp factory among them; sightings the items of ammunition seen. */
int mon_figures(json_t *into, const json_t *full);

#endif
