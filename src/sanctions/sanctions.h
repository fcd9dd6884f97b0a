/* What the files of the sanctions room share: its vocabularies, the
 * parsers of the list files (xml.c, csv.c) giving entries in one shape,
 * the screening index of a handle (screen.c) and the alerts (alert.c). */
#ifndef WAM_SANCTIONS_PRIVATE_H
#define WAM_SANCTIONS_PRIVATE_H

#include "internal.h"
#include "sanctions/engine.h"
#include "wam/sanctions.h"

extern const struct wam_room wam_room_sanctions;

extern const char *const wam_sanctions_entry_kinds[],
    *const wam_sanctions_alias_qualities[], *const wam_sanctions_date_kinds[], *const wam_sanctions_alert_states[],
                                                                                   *const wam_sanctions_list_sources[];

/* A list file parsed whole: {source, format, generated, entries: [entry
 * without id, as wam_sanctions_entries shows it]}. On a malformed file
 * WAM_EINVAL with the line (wam_error_set_line) and the element or column
 * named, `*out` NULL. */
int sanctions_parse_xml(json_t **out, const char *data, size_t len);
/* An ISO 8601 date-time (YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm], no zone
 * read as UTC) as seconds since 1970 in `*at`; false when `s` is not one. */
bool sanctions_datetime(const char *s, double *at);
int sanctions_parse_csv(json_t **out, const char *data, size_t len, const char *source);
/* Gives each entry of a parsed list the ISO 3166-1 alpha-2 codes of its
 * countries, the names as written kept (country.c): `nationality_codes`,
 * parallel to `nationalities` (a code, or null where the name is no
 * country's), and each document's `country_code` when its country is
 * one's. */
int sanctions_resolve_countries(wam_db *db, json_t *list);

/* The room's state of a handle: the screening index and the import it was
 * built after (the seq of the newest sanctions.imported). */
struct sanctions_cache {
	screen_index *idx;
	int64_t seq;
};

/* The handle's screening index of the entries in force into `*out`, built
 * on first use and again whenever an import changed them (room state);
 * NULL when no entry is in force. */
int sanctions_index(wam_db *db, const screen_index **out);

/* The key an alert is known by for a party: its name as screening
 * normalizes it, its date of birth and its nationality, "|"-separated, in
 * a new string (free()); NULL when out of memory. */
char *sanctions_party_key(const json_t *party);

/* Screens `party` (a screener of wam_screen_hooks, screen.c). */
int wam_sanctions_screen_party(wam_db *db, const json_t *party, const char *date, json_t *findings);

/* The latest alert of (entry_id, party_key) as {id, state, reason}, NULL
 * in `*out` when there is none. */
int sanctions_alert_find(wam_db *db, json_t **out, const char *entry_id, const char *party_key);
/* Raises an alert inside the open transaction: {id, state: "open"} in
 * `*out`. `previous` ({id, reason}, or NULL) is the party's alert cleared
 * before, which the new one recalls. */
int sanctions_alert_raise(wam_db *db, json_t **out, const json_t *candidate, const json_t *party, const char *party_key,
                          const json_t *previous);
/* Notes `subject` {kind, id, label} on open or confirmed alert `id` met
 * again inside a write (sanctions.alert_seen), once per subject. */
int sanctions_alert_seen(wam_db *db, const char *id, const json_t *subject);

/* Every licence party, certificate party, broker and holder screened again
 * inside the import's transaction; the ids of the alerts raised appended
 * to `alerts`. */
int sanctions_rescreen(wam_db *db, json_t *alerts);

/* Sets `regime` of entry `e` to the embargo room's regime whose list is
 * the entry's list_type (null when none names it): resolved when read, so
 * a newer regimes file names the regimes of entries imported before it. */
int sanctions_regime(wam_db *db, json_t *e);

/* Whether the room's tables are there: a registry made before the room
 * and only read since is read as it is, without them (it gets them on its
 * first write), and has no list, entry or alert. */
bool sanctions_ready(wam_db *db);

/* Replaces string member `key` of `row` by the JSON it holds. */
void sanctions_decode(json_t *row, const char *key);

#endif
