/* The register of brokers: who may arrange, transport, finance or insure a
 * transfer between other parties (control of brokering, seed Annex I). A
 * licence or shipment that names a broker names one of the register, and
 * only while it is `registered`: a suspended or revoked broker refuses
 * them (transfers_broker_active). */
#include <string.h>

#include "common.h"

/* activities: a list of the register's words, at least one, each once */
static int take_activities(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field,
                           long line)
{
	(void)db;
	(void)line;
	const json_t *v = json_object_get(in, f->name), *a;
	char words[160];
	size_t i;
	wam_vocab_list(wam_broker_activities, words, sizeof words);
	if (!json_is_array(v) || !json_array_size(v))
		return wam_error_set(WAM_EINVAL, field, "%s is a list of at least one of: %s", field, words);
	json_t *list = json_array();
	json_array_foreach(v, i, a)
	{
		const char *w = json_string_value(a);
		bool again = false;
		for (size_t j = 0; j < i; j++)
			again |= w && json_equal(a, json_array_get(v, j));
		if (!w || !wam_in_vocab(wam_broker_activities, w) || again) {
			json_decref(list);
			return wam_error_set(WAM_EINVAL, field, "%s[%zu] '%.30s' is not one of: %s (each once)", field, i,
			                     w ? w : "", words);
		}
		json_array_append(list, (json_t *)a);
	}
	json_object_set_new(out, f->name, list);
	return 0;
}

static const wam_field broker_fields[] = {
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "registration", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "activities", .kind = WAM_FIELD_CUSTOM, .take = take_activities},
    {.name = "address", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = 1000},
    {.name = "registered_on", .kind = WAM_FIELD_DATE},
    {.name = "expires", .kind = WAM_FIELD_DATE},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

#define BROKER_SQL                                                                                                     \
	"SELECT b.id, b.name, b.country, b.registration, b.activities, b.address, b.registered_on, b.expires,"         \
	" b.notes, b.screening, b.state, b.state_reason, (SELECT time FROM events WHERE seq=b.recorded_seq)"           \
	" AS recorded_at, (SELECT actor FROM events WHERE seq=b.recorded_seq) AS recorded_by FROM brokers b"

static void broker_decode(json_t *b)
{
	transfers_decode(b, "activities");
	transfers_decode(b, "screening");
}

int wam_transfers_broker_get(wam_db *db, json_t **out, const char *given)
{
	char id[WAM_ID_LEN + 1];
	json_t *lic = NULL;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc || (rc = transfers_resolve(db, id, "brokers", "registration", given, "broker", "id")) ||
	    (rc = wam_query_row(db, out, BROKER_SQL " WHERE b.id=?", id, NULL)))
		return rc;
	broker_decode(*out);
	if ((rc = wam_query_rows(db, &lic,
	                         "SELECT DISTINCT l.id, l.number, l.kind, l.state FROM licence_parties p"
	                         " JOIN licences l ON l.id=p.licence_id WHERE p.broker_id=? ORDER BY l.drafted_seq DESC",
	                         id, NULL))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "licences", lic);
	return 0;
}

int wam_transfers_broker_list(wam_db *db, json_t **out)
{
	json_t *b;
	size_t i;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc || (rc = wam_query_rows(db, out, BROKER_SQL " ORDER BY b.name, b.id", NULL, NULL)))
		return rc;
	json_array_foreach(*out, i, b) broker_decode(b);
	return 0;
}

int wam_transfers_broker_add(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object(), *party = NULL, *screening = NULL, *dup = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a broker is a JSON object");
		goto done;
	}
	if ((rc = wam_field_check(db, p, in, broker_fields, "", 0)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_query_row(db, &dup, "SELECT id FROM brokers WHERE registration=?",
	                        json_string_value(json_object_get(p, "registration")), NULL)))
		goto fail;
	if (dup) {
		rc = wam_error_set(WAM_ECONFLICT, "registration", "a broker is registered as %s already: %s",
		                   json_string_value(json_object_get(p, "registration")),
		                   json_string_value(json_object_get(dup, "id")));
		goto fail;
	}
	/* the broker passes through screening as a party like any other; a
	 * potential match on a sanctions list is recorded with its alert, and
	 * holds every licence naming the broker until an officer clears it */
	wam_db_new_id(db, id);
	party = json_pack("{s:s, s:O, s:O, s:{s:s, s:s, s:O}}", "role", "broker", "name", json_object_get(p, "name"),
	                  "country", json_object_get(p, "country"), "subject", "kind", "broker", "id", id, "label",
	                  json_object_get(p, "registration"));
	if ((rc = transfers_screen(db, &screening, party, NULL)))
		goto fail;
	const json_t *first = wam_screen_blocking(screening);
	if (first) {
		rc = wam_error_set(WAM_ECONFLICT, "name", "the broker failed screening: %s",
		                   json_string_value(json_object_get(first, "message")));
		goto fail;
	}
	json_object_set(p, "screening", screening);
	rc = wam_ledger_append_commit(db, out, "broker.registered", id, p, wam_transfers_broker_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(party);
	json_decref(screening);
	json_decref(dup);
	return rc;
}

int wam_transfers_broker_set_state(wam_db *db, json_t **out, const char *given, const json_t *in)
{
	static const char *const fields[] = {"state", "reason", NULL};
	json_t *p = json_object(), *b = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)) || (rc = wam_check_fields(in, fields, "", 0)) ||
	    (rc = wam_take_word(p, in, "state", "state", wam_broker_states, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_text(p, in, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, id, "brokers", "registration", given, "broker", "id")) ||
	    (rc = wam_query_row(db, &b, "SELECT state FROM brokers WHERE id=?", id, NULL)))
		goto fail;
	const char *from = json_string_value(json_object_get(b, "state"));
	const char *to = json_string_value(json_object_get(p, "state"));
	if (!strcmp(from, "revoked") || !strcmp(from, to)) {
		rc = wam_error_set(WAM_ECONFLICT, "state", "a broker that is %s cannot become %s", from, to);
		goto fail;
	}
	json_object_set_new(p, "to", json_string(to));
	json_object_del(p, "state");
	json_object_set_new(p, "from", json_string(from));
	rc = wam_ledger_append_commit(db, out, "broker.state_changed", id, p, wam_transfers_broker_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(b);
	return rc;
}
