/* End-user certificates: the importing state's undertaking, with every
 * standard element (OSCE FSC.DEC/5/04; domain §2.9) as a field of its own,
 * the record of how its authenticity was checked, and the post-shipment
 * on-site checks that look for each weapon shipped under it. One
 * certificate covers one transaction: one licence, whose shipments its
 * goods lines cap, until a delivery verification certificate closes it. A
 * weapon not seen at a check, or seen elsewhere, raises a diversion alert. */
#include <string.h>

#include "common.h"

static const char *const authority_fields[] = {"name", "signatory", "position", "stamp", "authentication", NULL};
static const char *const exporter_fields[] = {"name", "address", "business_name", "country", NULL};
static const char *const end_user_fields[] = {"name", "position", "address", "country", "signed", NULL};
static const char *const contract_fields[] = {"reference", "date", NULL};

static const wam_field euc_fields[] = {
    {.name = "licence_id", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "number", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "issued", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "expires", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "authority", .kind = WAM_FIELD_OTHER},
    {.name = "exporter", .kind = WAM_FIELD_OTHER},
    {.name = "end_user", .kind = WAM_FIELD_OTHER},
    {.name = "goods", .kind = WAM_FIELD_OTHER},
    {.name = "contract", .kind = WAM_FIELD_OTHER},
    {.name = "destination", .kind = WAM_FIELD_COUNTRY, .flags = WAM_FIELD_REQUIRED},
    {.name = "intermediate_consignees", .kind = WAM_FIELD_OTHER},
    {.name = "end_use", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "sole_use_assurance", .kind = WAM_FIELD_OTHER},
    {.name = "no_reexport_undertaking", .kind = WAM_FIELD_OTHER},
    {.name = "dvc_required", .kind = WAM_FIELD_OTHER},
    {.name = "post_shipment_consent", .kind = WAM_FIELD_OTHER},
    {.name = "place_of_use", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {0}};

/* A flag of the certificate: true or false; `must` when the standard
 * requires it to be given true; `dflt` when absent and not required. */
static int take_flag(json_t *out, const json_t *in, const char *key, bool must, bool dflt, const char *why)
{
	const json_t *v = json_object_get(in, key);
	if (v && !json_is_boolean(v))
		return wam_error_set(WAM_EINVAL, key, "%s must be true or false", key);
	if (must && !json_is_true(v))
		return wam_error_set(WAM_EINVAL, key, "%s must be true: %s", key, why);
	json_object_set_new(out, key, json_boolean(v ? json_is_true(v) : dflt));
	return 0;
}

/* A section of the certificate: an object whose text fields are all
 * required but `optional`, its flags true, its country known. */
static int take_section(wam_db *db, json_t *out, const json_t *in, const char *key, const char *const *fields,
                        const char *optional)
{
	const json_t *s = json_object_get(in, key);
	char prefix[40], field[80];
	int rc;
	if (!json_is_object(s))
		return wam_error_set(WAM_EINVAL, key, "%s is required: an object with %s", key,
		                     !strcmp(key, "authority")  ? "name, signatory, position, stamp and authentication"
		                     : !strcmp(key, "exporter") ? "name, address and country"
		                     : !strcmp(key, "end_user") ? "name, position, address, country and signed"
		                                                : "reference and date");
	snprintf(prefix, sizeof prefix, "%s.", key);
	if ((rc = wam_check_fields(s, fields, prefix, 0)))
		return rc;
	json_t *o = json_object();
	for (int i = 0; !rc && fields[i]; i++) {
		const char *f = fields[i];
		unsigned req = optional && !strcmp(f, optional) ? 0 : WAM_FIELD_REQUIRED;
		snprintf(field, sizeof field, "%s%s", prefix, f);
		if (!strcmp(f, "stamp") || !strcmp(f, "signed")) {
			const json_t *b = json_object_get(s, f);
			if (!json_is_true(b))
				rc = wam_error_set(WAM_EINVAL, field, "%s must be true: the certificate bears it (%s)", field,
				                   !strcmp(f, "stamp") ? "the issuing authority's official stamp"
				                                       : "the end user's signature");
			else
				json_object_set_new(o, f, json_true());
		} else if (!strcmp(f, "country")) {
			rc = wam_take_country(db, o, s, f, field, WAM_FIELD_REQUIRED, 0);
		} else if (!strcmp(f, "date")) {
			rc = wam_take_date(o, s, f, field, WAM_FIELD_REQUIRED, 0);
		} else {
			rc = wam_take_text(o, s, f, field, req | (!strcmp(f, "address") ? WAM_FIELD_MULTILINE : 0), 1000, 0);
		}
	}
	if (rc)
		json_decref(o);
	else
		json_object_set_new(out, key, o);
	return rc;
}

/* goods: the certificate's lines, each a line of the licence's kind with a
 * description */
static int take_goods(wam_db *db, json_t *out, const json_t *in)
{
	const json_t *v = json_object_get(in, "goods"), *g;
	size_t i;
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 200)
		return wam_error_set(WAM_EINVAL, "goods", "goods is a list of 1 to 200 lines (type, model, quantity)");
	json_t *list = json_array();
	json_array_foreach(v, i, g)
	{
		char prefix[32], field[48];
		json_t *one = json_object(), *copy = json_is_object(g) ? json_deep_copy(g) : json_incref((json_t *)g);
		snprintf(prefix, sizeof prefix, "goods[%zu].", i);
		snprintf(field, sizeof field, "goods[%zu].description", i);
		int rc = 0;
		if (json_is_object(copy) && !json_object_get(copy, "description"))
			rc = wam_error_set(WAM_EINVAL, field, "%s is required (the type of the goods)", field);
		if (!rc)
			rc = transfers_line(db, one, copy, prefix);
		json_decref(copy);
		if (!rc && (json_object_get(one, "make") || json_object_get(one, "origin"))) {
			snprintf(field, sizeof field, "goods[%zu].%s", i, json_object_get(one, "make") ? "make" : "origin");
			rc = wam_error_set(WAM_EINVAL, field, "%s is a field of a licence line, not of a certificate's goods",
			                   field);
		}
		if (rc) {
			json_decref(one);
			json_decref(list);
			return rc;
		}
		json_object_set_new(one, "n", json_integer((json_int_t)i + 1));
		json_array_append_new(list, one);
	}
	json_object_set_new(out, "goods", list);
	return 0;
}

/* The parties of a certificate as screening sees them. */
static json_t *euc_parties(const json_t *p)
{
	const json_t *eu = json_object_get(p, "end_user"), *c;
	size_t i;
	json_t *list = json_pack("[{s:s, s:O, s:O}, {s:s, s:O, s:O}]", "role", "end_user", "name",
	                         json_object_get(eu, "name"), "country", json_object_get(eu, "country"), "role",
	                         "destination", "name", json_object_get(eu, "name"), "country",
	                         json_object_get(p, "destination"));
	json_array_foreach(json_object_get(p, "intermediate_consignees"), i, c) json_array_append(list, (json_t *)c);
	return list;
}

/* Screens every party of certificate body `p` as of `date`; the results in
 * `*out` (a list, as the event keeps them); WAM_ECONFLICT naming `field` on
 * the first party that fails. */
static int screen_euc(wam_db *db, json_t **out, const json_t *p, const char *date, const char *field,
                      const char *exemption, const json_t *subject)
{
	json_t *parties = euc_parties(p), *party, *list = json_array();
	size_t i;
	int rc = 0;
	json_array_foreach(parties, i, party)
	{
		/* a copy: the intermediate consignees are the body's own */
		json_t *s = NULL, *one = json_copy(party);
		if (exemption)
			json_object_set_new(one, "exemption", json_string(exemption));
		if (subject)
			json_object_set(one, "subject", (json_t *)subject);
		rc = transfers_screen(db, &s, one, date);
		json_decref(one);
		if (rc)
			break;
		/* recording the certificate, a potential match is recorded with its
		 * alert; shipping on it (no `out`), any finding refuses */
		const json_t *first = out ? wam_screen_blocking(s) : json_array_get(json_object_get(s, "findings"), 0);
		char where[64];
		/* the first two are the end user and the destination, then the
		 * intermediate consignees */
		if (i < 2)
			snprintf(where, sizeof where, "%s", i ? "destination" : field);
		else
			snprintf(where, sizeof where, "intermediate_consignees[%zu]", i - 2);
		if (first)
			rc = wam_error_set(WAM_ECONFLICT, where, "%s failed screening: %s", where,
			                   json_string_value(json_object_get(first, "message")));
		json_array_append_new(list, json_pack("{s:O, s:O, s:o}", "role", json_object_get(party, "role"), "name",
		                                      json_object_get(party, "name"), "screening", s));
		if (rc)
			break;
	}
	json_decref(parties);
	if (rc || !out)
		json_decref(list);
	else
		*out = list;
	return rc;
}

int transfers_screen_euc(wam_db *db, const char *euc_id, const char *date, const char *field, const char *exemption)
{
	json_t *row = NULL;
	int rc = wam_query_row(db, &row, "SELECT body FROM eucs WHERE id=?", euc_id, NULL);
	if (rc || !row)
		return rc;
	transfers_decode(row, "body");
	rc = screen_euc(db, NULL, json_object_get(row, "body"), date, field, exemption, NULL);
	json_decref(row);
	return rc;
}

static int take_consignees(wam_db *db, json_t *p, const json_t *in, const char *today, const json_t *subject)
{
	const json_t *v = json_object_get(in, "intermediate_consignees"), *c;
	size_t i;
	json_t *list = json_array();
	if (!wam_absent(v) && (!json_is_array(v) || json_array_size(v) > 20)) {
		json_decref(list);
		return wam_error_set(WAM_EINVAL, "intermediate_consignees",
		                     "intermediate_consignees is a list of at most 20 parties");
	}
	json_array_foreach(v, i, c)
	{
		char prefix[48];
		json_t *one = json_object(), *copy = json_is_object(c) ? json_deep_copy(c) : json_incref((json_t *)c);
		snprintf(prefix, sizeof prefix, "intermediate_consignees[%zu].", i);
		if (json_is_object(copy) && !json_object_get(copy, "role"))
			json_object_set_new(copy, "role", json_string("consignee"));
		int rc = transfers_party(db, one, copy, prefix, today, subject);
		const char *role = rc ? NULL : json_string_value(json_object_get(one, "role"));
		if (role && strcmp(role, "consignee") && strcmp(role, "transit") && strcmp(role, "carrier")) {
			char field[64];
			snprintf(field, sizeof field, "%srole", prefix);
			rc = wam_error_set(WAM_EINVAL, field, "%s is consignee, transit or carrier, not %s", field, role);
		}
		json_decref(copy);
		if (rc) {
			json_decref(one);
			json_decref(list);
			return rc;
		}
		json_object_del(one, "screening"); /* the certificate keeps its screening whole */
		json_array_append_new(list, one);
	}
	json_object_set_new(p, "intermediate_consignees", list);
	return 0;
}

int wam_transfers_euc_add(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object(), *l = NULL, *dup = NULL, *screening = NULL, *subject = NULL;
	char licence[WAM_ID_LEN + 1], id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "an end-user certificate is a JSON object");
		goto done;
	}
	wam_date_today(today);
	if ((rc = wam_field_check(db, p, in, euc_fields, "", 0)) ||
	    (rc = take_section(db, p, in, "authority", authority_fields, NULL)) ||
	    (rc = take_section(db, p, in, "exporter", exporter_fields, "business_name")) ||
	    (rc = take_section(db, p, in, "end_user", end_user_fields, NULL)) || (rc = take_goods(db, p, in)) ||
	    (rc = take_section(db, p, in, "contract", contract_fields, NULL)) ||
	    (rc = take_flag(p, in, "sole_use_assurance", true, true,
	                    "the end user assures that only it uses the goods, and only for the stated end use")) ||
	    (rc = take_flag(p, in, "no_reexport_undertaking", true, true,
	                    "the end user undertakes not to re-export or transfer the goods without the exporting "
	                    "state's prior written consent")) ||
	    (rc = take_flag(p, in, "dvc_required", false, true, "")) ||
	    (rc = take_flag(p, in, "post_shipment_consent", false, false, "")))
		goto done;
	const char *issued = json_string_value(json_object_get(p, "issued"));
	json_t *contract = json_object_get(p, "contract");
	if ((rc = transfers_not_future(p, "issued")) ||
	    (rc = transfers_not_future(contract, "date") ? wam_error_within(rc, "contract.date", "contract") : 0))
		goto done;
	if (strcmp(json_string_value(json_object_get(json_object_get(p, "end_user"), "country")),
	           json_string_value(json_object_get(p, "destination")))) {
		rc = wam_error_set(WAM_EINVAL, "end_user.country",
		                   "end_user.country %s is not the destination %s: the end user is in the country of final "
		                   "destination",
		                   json_string_value(json_object_get(json_object_get(p, "end_user"), "country")),
		                   json_string_value(json_object_get(p, "destination")));
		goto done;
	}
	if (strcmp(json_string_value(json_object_get(p, "expires")), issued) < 0) {
		rc = wam_error_set(WAM_EINVAL, "expires", "expires %s is before issued %s",
		                   json_string_value(json_object_get(p, "expires")), issued);
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	/* the certificate's id before its parties are screened: an alert
	 * raised on one is about this certificate from the start */
	wam_db_new_id(db, id);
	subject = transfers_subject("euc", id, json_object_get(p, "number"));
	if ((rc = take_consignees(db, p, in, today, subject)) ||
	    (rc = transfers_resolve(db, licence, "licences", "number",
	                            json_string_value(json_object_get(p, "licence_id")), "licence", "licence_id")))
		goto fail;
	json_object_set_new(p, "licence_id", json_string(licence));
	if ((rc = wam_query_row(db, &l,
	                        "SELECT l.number, l.kind, l.state, " TRANSFERS_EXPORTER("l.id") " AS exporter, "
	                        TRANSFERS_DESTINATION("l.id") " AS destination,"
	                        " (SELECT e.number FROM eucs e WHERE e.licence_id=l.id) AS euc"
	                        " FROM licences l WHERE l.id=?",
	                        licence, NULL)))
		goto fail;
	const char *number = json_string_value(json_object_get(l, "number"));
	const char *state = json_string_value(json_object_get(l, "state"));
	if (json_is_string(json_object_get(l, "euc"))) {
		rc = wam_error_set(WAM_ECONFLICT, "licence_id",
		                   "licence %s has end-user certificate %s already: a certificate covers one transaction, "
		                   "and a transaction one certificate",
		                   number, json_string_value(json_object_get(l, "euc")));
		goto fail;
	}
	const char *kind = json_string_value(json_object_get(l, "kind"));
	if (strcmp(kind, "export") && strcmp(kind, "brokering")) {
		rc = wam_error_set(WAM_EINVAL, "licence_id",
		                   "licence %s is a licence of kind %s: an end-user certificate goes with an export or a "
		                   "brokering licence",
		                   number, kind);
		goto fail;
	}
	if (!strcmp(state, "denied") || !strcmp(state, "revoked")) {
		rc = wam_error_set(WAM_ECONFLICT, "licence_id", "licence %s is %s: no certificate is attached to it", number,
		                   state);
		goto fail;
	}
	const char *dest = json_string_value(json_object_get(l, "destination"));
	if (dest && strcmp(dest, json_string_value(json_object_get(p, "destination")))) {
		rc = wam_error_set(WAM_EINVAL, "destination", "destination %s is not the licence's: licence %s goes to %s",
		                   json_string_value(json_object_get(p, "destination")), number, dest);
		goto fail;
	}
	const char *exporter = json_string_value(json_object_get(l, "exporter"));
	if (exporter && strcmp(exporter, json_string_value(json_object_get(json_object_get(p, "exporter"), "country")))) {
		rc = wam_error_set(WAM_EINVAL, "exporter.country", "exporter.country %s is not the licence's: its exporter is in %s",
		                   json_string_value(json_object_get(json_object_get(p, "exporter"), "country")), exporter);
		goto fail;
	}
	char key[1024];
	transfers_key(key, sizeof key, json_string_value(json_object_get(p, "number")));
	if ((rc = wam_query_row(db, &dup, "SELECT id FROM eucs WHERE number_key=?", key, NULL)))
		goto fail;
	if (dup) {
		rc = wam_error_set(WAM_ECONFLICT, "number",
		                   "end-user certificate %s is recorded already (%s): a certificate is used for one "
		                   "transaction only",
		                   json_string_value(json_object_get(p, "number")),
		                   json_string_value(json_object_get(dup, "id")));
		goto fail;
	}
	if ((rc = screen_euc(db, &screening, p, today, "end_user", NULL, subject)))
		goto fail;
	json_object_set_new(p, "screening", screening);
	rc = wam_ledger_append_commit(db, out, "euc.recorded", id, p, wam_transfers_euc_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(l);
	json_decref(dup);
	json_decref(subject);
	return rc;
}

/* ---- verification ---- */

int wam_transfers_euc_verify(wam_db *db, json_t **out, const char *given, const json_t *in)
{
	static const wam_field fields[] = {
	    {.name = "channel", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
	    {.name = "counterpart", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "date", .kind = WAM_FIELD_DATE},
	    {.name = "result", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_verification_results},
	    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
	    {0}};
	json_t *p = json_object(), *e = NULL;
	char id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	wam_date_today(today);
	if ((rc = transfers_national(db)) || (rc = wam_field_check(db, p, in, fields, "", 0)) ||
	    (rc = transfers_not_future(p, "date")) || (rc = wam_db_begin(db)))
		goto done;
	if (!json_object_get(p, "date"))
		json_object_set_new(p, "date", json_string(today));
	if ((rc = transfers_resolve(db, id, "eucs", "number", given, "end-user certificate", "id")) ||
	    (rc = wam_query_row(db, &e,
	                        "SELECT number, state, issued, (SELECT max(date) FROM euc_verifications v"
	                        " WHERE v.euc_id=e.id) AS latest FROM eucs e WHERE id=?",
	                        id, NULL)))
		goto fail;
	/* the timeline runs forward: the latest check is the one that decides */
	const char *date = json_string_value(json_object_get(p, "date"));
	const char *after = json_string_value(json_object_get(e, "latest"));
	if (!after)
		after = json_string_value(json_object_get(e, "issued"));
	if (strcmp(date, after) < 0) {
		rc = wam_error_set(WAM_EINVAL, "date",
		                   json_object_get(e, "latest") && !json_is_null(json_object_get(e, "latest"))
		                       ? "a check of authenticity is dated on or after the latest one (%s)"
		                       : "a check of authenticity is dated on or after the certificate's issue (%s)",
		                   after);
		goto fail;
	}
	if (!strcmp(json_string_value(json_object_get(e, "state")), "closed")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "end-user certificate %s is closed: its transaction is over",
		                   json_string_value(json_object_get(e, "number")));
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "euc.verified", id, p, wam_transfers_euc_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(e);
	return rc;
}

/* ---- post-shipment checks ---- */

static const wam_field check_fields[] = {
    {.name = "date", .kind = WAM_FIELD_DATE, .flags = WAM_FIELD_REQUIRED},
    {.name = "place", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "inspectors", .kind = WAM_FIELD_OTHER},
    {.name = "items", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

static int take_inspectors(json_t *p, const json_t *in)
{
	const json_t *v = json_object_get(in, "inspectors"), *x;
	size_t i;
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 20)
		return wam_error_set(WAM_EINVAL, "inspectors", "inspectors is a list of 1 to 20 names");
	json_t *list = json_array();
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x) || !*json_string_value(x) || strlen(json_string_value(x)) > WAM_MAX_TEXT) {
			json_decref(list);
			return wam_error_set(WAM_EINVAL, "inspectors", "inspectors[%zu] must be a name of 1 to %d bytes", i,
			                     WAM_MAX_TEXT);
		}
		json_array_append(list, (json_t *)x);
	}
	json_object_set_new(p, "inspectors", list);
	return 0;
}

/* One weapon looked for: {item_id | serial, result, location?, notes?},
 * which must be one shipped under certificate `euc`. */
static int take_checked(wam_db *db, json_t *out, const json_t *in, size_t i, const char *euc)
{
	static const wam_field fields[] = {
	    {.name = "item_id", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "serial", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "result", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_check_results},
	    {.name = "location", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
	    {0}};
	char prefix[32], field[48];
	json_t *row = NULL;
	int rc;
	snprintf(prefix, sizeof prefix, "items[%zu].", i);
	if (!json_is_object(in))
		return wam_error_set(WAM_EINVAL, "items", "items[%zu] must be an object", i);
	if ((rc = wam_field_check(db, out, in, fields, prefix, 0)))
		return rc;
	const char *item = json_string_value(json_object_get(out, "item_id"));
	const char *serial = json_string_value(json_object_get(out, "serial"));
	snprintf(field, sizeof field, "%s%s", prefix, item ? "item_id" : "serial");
	if (!item && !serial)
		return wam_error_set(WAM_EINVAL, field, "%s is required: the weapon's id or serial", field);
	/* a serial names the weapon of that serial shipped under the certificate */
	json_t *rows = NULL;
	if ((rc = wam_query_rows(db, &rows,
	                         item ? "SELECT x.item_id, i.serial FROM shipment_items x JOIN shipments s ON"
	                                " s.id=x.shipment_id JOIN items i ON i.id=x.item_id WHERE s.euc_id=?1 AND"
	                                " x.item_id=?2 LIMIT 2"
	                              : "SELECT x.item_id, i.serial FROM shipment_items x JOIN shipments s ON"
	                                " s.id=x.shipment_id JOIN items i ON i.id=x.item_id WHERE s.euc_id=?1 AND"
	                                " i.serial=?2 LIMIT 2",
	                         euc, item ? item : serial)))
		return rc;
	row = json_array_get(rows, 0);
	if (!row)
		rc = wam_error_set(WAM_EINVAL, field, "%s '%.40s' is not a weapon shipped under this certificate", field,
		                   item ? item : serial);
	else if (json_array_size(rows) > 1)
		rc = wam_error_set(WAM_EINVAL, field,
		                   "%s '%.40s' is the serial of more than one weapon shipped under this certificate: give "
		                   "its item_id",
		                   field, serial);
	else if (item && serial &&
	         (!json_is_string(json_object_get(row, "serial")) ||
	          strcmp(serial, json_string_value(json_object_get(row, "serial")))))
		rc = wam_error_set(WAM_EINVAL, field, "%s %.40s bears serial %.40s, not %.40s", field, item,
		                   json_string_value(json_object_get(row, "serial")), serial);
	if (!rc) {
		json_object_set(out, "item_id", json_object_get(row, "item_id"));
		json_object_del(out, "serial");
	}
	json_decref(rows);
	if (rc)
		return rc;
	if (!strcmp(json_string_value(json_object_get(out, "result")), "seen_elsewhere") &&
	    !json_object_get(out, "location")) {
		snprintf(field, sizeof field, "%slocation", prefix);
		return wam_error_set(WAM_EINVAL, field, "%s is required: where the weapon was seen instead", field);
	}
	return 0;
}

int wam_transfers_euc_check(wam_db *db, json_t **out, const char *given, const json_t *in)
{
	json_t *p = json_object(), *e = NULL, *items = json_array();
	char id[WAM_ID_LEN + 1], check[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a post-shipment check is a JSON object");
		goto done;
	}
	if ((rc = wam_field_check(db, p, in, check_fields, "", 0)) || (rc = take_inspectors(p, in)) ||
	    (rc = transfers_not_future(p, "date")) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, id, "eucs", "number", given, "end-user certificate", "id")) ||
	    (rc = wam_query_row(db, &e,
	                        "SELECT e.number, (SELECT min(date) FROM shipments s WHERE s.euc_id=e.id) AS first,"
	                        " json_extract(e.body,'$.post_shipment_consent') AS consent,"
	                        " json_extract(l.conditions,'$.post_shipment_checks') AS condition"
	                        " FROM eucs e JOIN licences l ON l.id=e.licence_id WHERE e.id=?",
	                        id, NULL)))
		goto fail;
	const char *number = json_string_value(json_object_get(e, "number"));
	const char *first = json_string_value(json_object_get(e, "first"));
	if (!first) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "nothing has been shipped under end-user certificate %s yet", number);
		goto fail;
	}
	if (strcmp(json_string_value(json_object_get(p, "date")), first) < 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "a post-shipment check comes after the first shipment (%s)", first);
		goto fail;
	}
	/* an on-site check in the importing state is made with its consent */
	if (!json_integer_value(json_object_get(e, "consent")) && !json_integer_value(json_object_get(e, "condition"))) {
		rc = wam_error_set(WAM_ECONFLICT, "id",
		                   "end-user certificate %s gives no consent to post-shipment checks, and its licence "
		                   "does not make them a condition",
		                   number);
		goto fail;
	}
	const json_t *v = json_object_get(in, "items"), *x;
	size_t i;
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 10000) {
		rc = wam_error_set(WAM_EINVAL, "items", "items is a list of 1 to 10000 weapons looked for");
		goto fail;
	}
	json_array_foreach(v, i, x)
	{
		json_t *one = json_object(), *y;
		size_t j;
		if ((rc = take_checked(db, one, x, i, id))) {
			json_decref(one);
			goto fail;
		}
		json_array_foreach(items, j, y)
		{
			if (json_equal(json_object_get(y, "item_id"), json_object_get(one, "item_id"))) {
				rc = wam_error_set(WAM_EINVAL, "items", "items[%zu] is the weapon of items[%zu] again", i, j);
				json_decref(one);
				goto fail;
			}
		}
		json_array_append_new(items, one);
	}
	json_object_set(p, "items", items);
	wam_db_new_id(db, check);
	json_object_set_new(p, "check_id", json_string(check));
	if ((rc = wam_ledger_append(db, "euc.checked", id, p, NULL)))
		goto fail;
	/* a weapon not where the end user undertook to keep it is diversion
	 * until shown otherwise (ATT Art. 11) */
	json_array_foreach(items, i, x)
	{
		const char *result = json_string_value(json_object_get(x, "result"));
		if (!strcmp(result, "seen"))
			continue;
		char alert[WAM_ID_LEN + 1];
		json_t *a = json_pack("{s:s, s:s, s:O, s:s, s:O}", "euc_id", id, "check_id", check, "item_id",
		                      json_object_get(x, "item_id"), "result", result, "date", json_object_get(p, "date"));
		if (json_object_get(x, "location"))
			json_object_set(a, "location", json_object_get(x, "location"));
		wam_db_new_id(db, alert);
		rc = wam_ledger_append(db, "diversion.raised", alert, a, NULL);
		json_decref(a);
		if (rc)
			goto fail;
	}
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_transfers_euc_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(e);
	json_decref(items);
	return rc;
}

/* ---- reading ---- */

#define EUC_SQL                                                                                                        \
	"SELECT e.id, e.licence_id, l.number AS licence_number, e.body, e.state, e.dvc, e.closed_on,"                  \
	" (SELECT time FROM events WHERE seq=e.recorded_seq) AS recorded_at,"                                          \
	" (SELECT actor FROM events WHERE seq=e.recorded_seq) AS recorded_by FROM eucs e"                              \
	" LEFT JOIN licences l ON l.id=e.licence_id"

int wam_transfers_euc_get(wam_db *db, json_t **out, const char *given)
{
	char id[WAM_ID_LEN + 1];
	json_t *e = NULL, *list = NULL, *c;
	size_t i;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc || (rc = transfers_resolve(db, id, "eucs", "number", given, "end-user certificate", "id")) ||
	    (rc = wam_query_row(db, &e, EUC_SQL " WHERE e.id=?", id, NULL)))
		return rc;
	/* the certificate's elements, as recorded, beside what it has become */
	transfers_decode(e, "body");
	json_t *body = json_object_get(e, "body");
	json_object_del(body, "licence_id");
	json_object_update_missing(e, body);
	json_object_del(e, "body");
	json_object_del(e, "goods");
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT n, category, description, model, calibre, quantity, value, currency, shipped,"
	                         " quantity-shipped AS remaining FROM euc_goods WHERE euc_id=? ORDER BY n",
	                         id, NULL)))
		goto fail;
	json_object_set_new(e, "goods", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT v.n, v.channel, v.counterpart, v.date, v.result, v.notes,"
	                         " (SELECT time FROM events WHERE seq=v.seq) AS recorded_at,"
	                         " (SELECT actor FROM events WHERE seq=v.seq) AS recorded_by"
	                         " FROM euc_verifications v WHERE euc_id=? ORDER BY n",
	                         id, NULL)))
		goto fail;
	json_object_set_new(e, "verifications", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT s.id, s.date, s.state, s.dvc," TRANSFERS_CARRIED
	                         " FROM shipments s WHERE s.euc_id=? ORDER BY s.recorded_seq",
	                         id, NULL)))
		goto fail;
	json_object_set_new(e, "shipments", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT c.id, c.date, c.place, c.inspectors, c.notes,"
	                         " (SELECT count(*) FROM euc_check_items x WHERE x.check_id=c.id AND result='seen')"
	                         " AS seen,"
	                         " (SELECT count(*) FROM euc_check_items x WHERE x.check_id=c.id AND result='not_seen')"
	                         " AS not_seen,"
	                         " (SELECT count(*) FROM euc_check_items x WHERE x.check_id=c.id"
	                         " AND result='seen_elsewhere') AS seen_elsewhere"
	                         " FROM euc_checks c WHERE c.euc_id=? ORDER BY c.seq",
	                         id, NULL)))
		goto fail;
	json_array_foreach(list, i, c)
	{
		json_t *items = NULL;
		transfers_decode(c, "inspectors");
		if ((rc = wam_query_rows(db, &items,
		                         "SELECT x.item_id, i.serial, x.result, x.location, x.notes FROM euc_check_items x"
		                         " LEFT JOIN items i ON i.id=x.item_id WHERE x.check_id=? ORDER BY x.n",
		                         json_string_value(json_object_get(c, "id")), NULL))) {
			json_decref(list);
			goto fail;
		}
		json_object_set_new(c, "items", items);
	}
	json_object_set_new(e, "checks", list);
	if ((rc = transfers_diversion_rows(db, &list, "a.euc_id=?1", id, NULL)))
		goto fail;
	json_object_set_new(e, "alerts", list);
	*out = e;
	return 0;
fail:
	json_decref(e);
	return rc;
}

int wam_transfers_euc_list(wam_db *db, json_t **out)
{
	*out = NULL;
	int rc = transfers_national(db);
	if (rc)
		return rc;
	return wam_query_rows(db, out,
	                      "SELECT e.id, e.number, e.licence_id, l.number AS licence_number, e.destination,"
	                      " json_extract(e.body,'$.end_user.name') AS end_user, e.issued, e.expires, e.state"
	                      " FROM eucs e LEFT JOIN licences l ON l.id=e.licence_id ORDER BY e.recorded_seq DESC",
	                      NULL, NULL);
}
