/* wam/sanctions.h — sanctions lists and the screening of names across
 * scripts: the UN Security Council Consolidated List imported from the XML
 * the Council publishes (libxml2, no network, no external entities), a
 * national list from CSV, each import one event with the list's own date
 * and what it added, amended and removed; the screening of a name (person
 * or entity, in Arabic, Cyrillic or Latin script, with its date of birth,
 * nationality and document when known) against every entry in force, with
 * a score and an explanation of which name parts matched how; and the
 * alerts a potential match raises, which block what they are about until
 * an officer confirms them (the block stays) or clears them as a false
 * positive with a reason.
 *
 * The room's screener is in the core's wam_screen_hooks list, so every
 * party of a licence, end-user certificate, shipment and broker
 * registration, and every holder, is screened when recorded; an import
 * screens all of them again. Records cross this API as jansson JSON
 * objects, like registry.h: inputs are borrowed, every `json_t **out` is a
 * new reference the caller releases, each mutating call is one
 * transaction, and on failure nothing is written and wam_error_last()
 * names the field (or the line and element) and the rule.
 * docs/sanctions.md describes the matching, the alerts and the rules;
 * docs/formats/sanctions-list.md the files. */
#ifndef WAM_SANCTIONS_H
#define WAM_SANCTIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* {entry_kinds (individual, entity), alias_qualities (good, low, aka),
 * date_kinds (exact, approximately, between), alert_states (open,
 * confirmed, cleared), list_sources (un, national)}. */
WAM_API int wam_sanctions_vocabulary(json_t **out);

/* ---- lists ---- */

/* Imports a list file: the UN Consolidated List XML as published
 * (format "un-xml"), or a national list in CSV (format "csv", with
 * `source` naming the list, e.g. "HT national"). `format` NULL: told from
 * the content. The whole file is parsed and checked first; a malformed or
 * truncated file is refused whole with the line and element (or row and
 * column) named, and changes nothing. One event `sanctions.imported`
 * carries the list's own generation date, its SHA-256 and the difference
 * from the last import of the same list: entries added, amended (with
 * what changed) and removed (kept for history, no longer screened). Every
 * party and holder is then screened again in the same transaction, and
 * each new potential match raises an alert. `*out`: {source, generated,
 * sha256, added: [{id, reference, name}], amended: [...], removed: [...],
 * unchanged: n, alerts: [alert ids raised]}. The same file twice is
 * refused (WAM_ECONFLICT naming `generated`). */
WAM_API int wam_sanctions_import(wam_db *db, json_t **out, const char *data, size_t len, const char *format,
                                 const char *source);

/* Every import, newest first: {seq, source, generated, sha256, added,
 * amended, removed, time, actor}. */
WAM_API int wam_sanctions_imports(wam_db *db, json_t **out);

/* Entries of the lists, in force unless `removed` is true: {id,
 * reference, source, list_type, regime (the embargo room's regime id when
 * known), kind, name, name_original_script?, names: [{name, quality,
 * script}], dobs: [{kind, date?, year?, from?, to?}], places_of_birth,
 * nationalities: [as the list writes them: names or codes],
 * nationality_codes?: [CC or null, one per nationality: the name resolved
 * to its ISO 3166-1 alpha-2 code at import, null when no country has it],
 * documents: [{type, number, country, country_code?}],
 * listed_on, updated_on: [..], removed_on?, comments?}. `q` filters by
 * name (NULL: all); at most `limit` (0: 100). */
WAM_API int wam_sanctions_entries(wam_db *db, json_t **out, const char *q, bool removed, int limit);
/* One entry with its history (the imports that added, amended or removed
 * it) and its alerts. WAM_ENOTFOUND. */
WAM_API int wam_sanctions_entry_get(wam_db *db, json_t **out, const char *id);

/* ---- screening ---- */

/* A query: a name of a person or an entity, in any script, with what is
 * known of it; NULL fields are unknown. */
typedef struct wam_sanctions_query {
	const char *name;
	const char *kind;        /* individual | entity | NULL: either */
	const char *dob;         /* YYYY, YYYY-MM or YYYY-MM-DD */
	const char *nationality; /* ISO 3166-1 alpha-2 */
	const char *document;    /* a passport or identity document number */
	double threshold;        /* 0: the default (WAM_SANCTIONS_THRESHOLD) */
	int limit;               /* 0: 5 */
	bool explain;            /* add each candidate's explanation */
} wam_sanctions_query;

/* The score at or above which a candidate is a potential match. */
#define WAM_SANCTIONS_THRESHOLD 0.80

/* Screens one name against every entry in force: `*out` is {query: {name,
 * normalized}, candidates: [{entry: {id, reference, name, list_type,
 * regime}, score (0..1), name_score, matched_name, evidence: [{field,
 * effect (for | against), weight, message}], explanation?: [{query_part,
 * entry_part, how (same | translit | variant | fuzzy | initial |
 * particle_ignored | missing | extra), score, at: [start, end] in the
 * query's name}]}]}, best first, those at or above the threshold only.
 * Reads only; raises no alert. */
WAM_API int wam_sanctions_screen(wam_db *db, json_t **out, const wam_sanctions_query *q);

/* Screens many: `tsv` holds one party per line, name<TAB>dob<TAB>
 * nationality<TAB>document (the last three may be empty or absent); each
 * line's result is written to `sink` as one JSON line {line, name,
 * candidates: [...]}. A line that is not valid UTF-8 or has more than four
 * fields is an error naming it, and nothing is written. */
typedef int (*wam_sanctions_sink)(void *ctx, const char *jsonl, size_t len);
WAM_API int wam_sanctions_screen_batch(wam_db *db, const char *tsv, size_t len, const wam_sanctions_query *defaults,
                                       wam_sanctions_sink sink, void *ctx);

/* ---- alerts ---- */

/* Alerts, open first then newest: {id, state (open | confirmed |
 * cleared), entry: {id, reference, name, list_type, removed}, party:
 * {name, role, country?, dob?, nationality?, document?}, subjects:
 * [{kind (licence | euc | shipment | broker | holder), id, label}],
 * score, explanation, raised_at, raised_by_seq, decided?: {by, at,
 * reason}}. `state` NULL: all. */
WAM_API int wam_sanctions_alerts(wam_db *db, json_t **out, const char *state);
WAM_API int wam_sanctions_alert_get(wam_db *db, json_t **out, const char *id);
/* Clears an alert as a false positive: {reason} (required, event
 * `sanctions.alert_cleared`); the party is no longer blocked by that
 * entry. WAM_ECONFLICT when it is not open. */
WAM_API int wam_sanctions_alert_clear(wam_db *db, json_t **out, const char *id, const json_t *decision);
/* Confirms an alert: {reason} (event `sanctions.alert_confirmed`); what
 * it is about stays blocked. WAM_ECONFLICT when it is not open. */
WAM_API int wam_sanctions_alert_confirm(wam_db *db, json_t **out, const char *id, const json_t *decision);

#ifdef __cplusplus
}
#endif

#endif
