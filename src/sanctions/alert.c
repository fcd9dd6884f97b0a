/* Screening alerts: a potential match of a party against an entry of a
 * sanctions list, raised inside the write that met it (or the import that
 * added the entry), known by (entry, party key) so the same party meets
 * the same alert again. An officer confirms it (what it is about stays
 * blocked) or clears it as a false positive with a reason; either is an
 * event, and a cleared alert gives no finding from then on. */
#include <math.h>
#include <string.h>

#include "sanctions/sanctions.h"

#define ALERT_SQL                                                                                                      \
	"SELECT a.id, a.state, a.entry_id, e.reference, e.name, e.list_type, e.removed_on, a.party, a.score,"          \
	" a.explanation, json_extract(r.payload, '$.previous') AS previous, r.time AS raised_at, a.raised_seq, "       \
	"d.actor AS decided_by, d.time AS decided_at, a.reason"                                                        \
	" FROM sanctions_alerts a JOIN sanctions_entries e ON e.id=a.entry_id JOIN events r ON r.seq=a.raised_seq"     \
	" LEFT JOIN events d ON d.seq=a.decided_seq"

int sanctions_alert_find(wam_db *db, json_t **out, const char *entry_id, const char *party_key)
{
	*out = NULL;
	/* the party's latest alert: a weak identity's alert raised after a
	 * clearance is keyed `party_key#<the cleared alert>` */
	return wam_query_row(db, out,
	                     "SELECT id, state, reason FROM sanctions_alerts WHERE entry_id=?1 AND (party_key=?2"
	                     " OR substr(party_key,1,length(?2)+1)=?2||'#') ORDER BY raised_seq DESC LIMIT 1",
	                     entry_id, party_key);
}

int sanctions_alert_raise(wam_db *db, json_t **out, const json_t *candidate, const json_t *party, const char *party_key,
                          const json_t *previous)
{
	static const char *const keep[] = {"name", "role", "country", "dob", "nationality", "document", NULL};
	char id[WAM_ID_LEN + 1];
	json_t *p = json_object(), *pl;
	*out = NULL;
	for (int i = 0; keep[i]; i++) {
		const json_t *v = json_object_get(party, keep[i]);
		if (json_is_string(v))
			json_object_set(p, keep[i], (json_t *)v);
	}
	/* how the name matched, part by part (the screener asks the engine
	 * for it), as the screening page shows it */
	const json_t *expl = json_object_get(candidate, "explanation");
	/* the score as the ledger's text keeps it (four decimals), so the row
	 * written now is the row a replay of the event writes */
	double score = round(json_number_value(json_object_get(candidate, "score")) * 10000.0) / 10000.0;
	pl = json_pack("{s:O, s:o, s:s, s:f, s:O}", "entry_id",
	               json_object_get(json_object_get(candidate, "entry"), "id"), "party", p, "party_key", party_key,
	               "score", score, "explanation", expl ? expl : json_null());
	if (!pl)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory raising an alert");
	if (json_is_object(json_object_get(party, "subject")))
		json_object_set(pl, "subject", json_object_get(party, "subject"));
	if (previous) {
		/* the party's alert cleared before: this one is its own, keyed after it */
		const char *prev_id = json_string_value(json_object_get(previous, "id"));
		size_t cap = strlen(party_key) + WAM_ID_LEN + 2;
		char *key = malloc(cap);
		if (!key) {
			json_decref(pl);
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory raising an alert");
		}
		snprintf(key, cap, "%s#%s", party_key, prev_id ? prev_id : "");
		json_object_set_new(pl, "party_key", json_string(key));
		free(key);
		json_object_set_new(pl, "previous",
		                    json_pack("{s:O, s:O}", "id", json_object_get(previous, "id"), "reason",
		                              json_object_get(previous, "reason")));
	}
	wam_db_new_id(db, id);
	int rc = wam_ledger_append(db, "sanctions.alert_raised", id, pl, NULL);
	json_decref(pl);
	if (!rc && !(*out = json_pack("{s:s, s:s}", "id", id, "state", "open")))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory raising an alert");
	return rc;
}

int sanctions_alert_seen(wam_db *db, const char *id, const json_t *subject)
{
	json_t *row = NULL;
	if (!json_is_object(subject) || !json_is_string(json_object_get(subject, "id")))
		return 0;
	int rc;
	char *text = json_dumps(subject, JSON_COMPACT);
	if (!text)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	rc = wam_query_row(db, &row,
	                   "SELECT 1 FROM sanctions_alert_subjects WHERE alert_id=?1 AND kind=json_extract(?2,'$.kind')"
	                   " AND subject_id=json_extract(?2,'$.id')",
	                   id, text);
	free(text);
	if (!rc && !row) {
		json_t *pl = json_pack("{s:O}", "subject", subject);
		rc = pl ? wam_ledger_append(db, "sanctions.alert_seen", id, pl, NULL)
		        : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		json_decref(pl);
	}
	json_decref(row);
	return rc;
}

static int shape(wam_db *db, json_t *a)
{
	json_t *subjects = NULL;
	sanctions_decode(a, "party");
	sanctions_decode(a, "explanation");
	sanctions_decode(a, "previous");
	if (json_is_null(json_object_get(a, "previous")))
		json_object_del(a, "previous");
	json_object_set_new(a, "entry",
	                    json_pack("{s:O, s:O, s:O, s:O, s:b}", "id", json_object_get(a, "entry_id"), "reference",
	                              json_object_get(a, "reference"), "name", json_object_get(a, "name"), "list_type",
	                              json_object_get(a, "list_type"), "removed",
	                              !json_is_null(json_object_get(a, "removed_on"))));
	if (json_is_string(json_object_get(a, "decided_at")))
		json_object_set_new(a, "decided",
		                    json_pack("{s:O, s:O, s:O}", "by", json_object_get(a, "decided_by"), "at",
		                              json_object_get(a, "decided_at"), "reason",
		                              json_object_get(a, "reason")));
	static const char *const drop[] = {"entry_id",   "reference",  "name",   "list_type", "removed_on",
	                                   "decided_by", "decided_at", "reason", NULL};
	for (int i = 0; drop[i]; i++)
		json_object_del(a, drop[i]);
	int rc = wam_query_rows(db, &subjects,
	                        "SELECT kind, subject_id AS id, label FROM sanctions_alert_subjects WHERE alert_id=?1"
	                        " ORDER BY seq",
	                        json_string_value(json_object_get(a, "id")), NULL);
	if (!rc)
		json_object_set_new(a, "subjects", subjects);
	return rc;
}

int wam_sanctions_alerts(wam_db *db, json_t **out, const char *state)
{
	json_t *a;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = wam_confine_national(db, "screening alerts")))
		return rc;
	if (!sanctions_ready(db))
		return (*out = json_array()) ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (state && strcmp(state, "open") && strcmp(state, "confirmed") && strcmp(state, "cleared"))
		return wam_error_set(WAM_EINVAL, "state", "state '%.20s' is not open, confirmed or cleared", state);
	if ((rc = wam_query_rows(
	         db, out, ALERT_SQL " WHERE ?1 IS NULL OR a.state=?1 ORDER BY a.state<>'open', a.raised_seq DESC",
	         state, NULL)))
		return rc;
	json_array_foreach(*out, i, a) if ((rc = shape(db, a))) break;
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int wam_sanctions_alert_get(wam_db *db, json_t **out, const char *id)
{
	*out = NULL;
	int rc = wam_confine_national(db, "screening alerts");
	if (!rc)
		rc = wam_query_one(db, out, ALERT_SQL " WHERE a.id=?1", id, "screening alert");
	if (!rc && (rc = shape(db, *out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int decide(wam_db *db, json_t **out, const char *id, const json_t *decision, const char *type)
{
	json_t *a = NULL, *pl = NULL;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = wam_confine_national(db, "screening alerts")))
		return rc;
	const char *reason = json_string_value(json_object_get(decision, "reason"));
	if (!json_is_object(decision))
		return wam_error_set(WAM_EINVAL, NULL, "a decision is a JSON object {reason}");
	if (!reason || !*reason)
		return wam_error_set(WAM_EINVAL, "reason", "a reason is required");
	if (strlen(reason) > 2000)
		return wam_error_set(WAM_EINVAL, "reason", "the reason is at most 2000 bytes");
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_query_one(db, &a, "SELECT id, state FROM sanctions_alerts WHERE id=?1", id, "screening alert")))
		goto fail;
	if (strcmp(json_string_value(json_object_get(a, "state")), "open") != 0) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "alert %s is %s already: only an open alert is decided", id,
		                   json_string_value(json_object_get(a, "state")));
		goto fail;
	}
	pl = json_pack("{s:s}", "reason", reason);
	rc = wam_ledger_append_commit(db, out, type, json_string_value(json_object_get(a, "id")), pl,
	                              wam_sanctions_alert_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(a);
	json_decref(pl);
	return rc;
}

int wam_sanctions_alert_clear(wam_db *db, json_t **out, const char *id, const json_t *decision)
{
	return decide(db, out, id, decision, "sanctions.alert_cleared");
}

int wam_sanctions_alert_confirm(wam_db *db, json_t **out, const char *id, const json_t *decision)
{
	return decide(db, out, id, decision, "sanctions.alert_confirmed");
}
