/* The transfers room's shared pieces: its vocabularies, a party and a goods
 * line as every record checks them, and a record read by id or number. */
#include <math.h>
#include <string.h>

#include "common.h"
#include "ledger/room.h"
#include "wam/match.h"

const char *const wam_licence_kinds[] = {"export", "import", "transit", "brokering", NULL};
const char *const wam_licence_states[] = {"draft",     "assessed", "issued",  "denied",
                                             "suspended", "revoked",  "expired", "exhausted", NULL};
const char *const wam_party_roles[] = {"exporter", "importer", "consignee", "end_user",
                                       "broker",   "carrier",  "transit",   NULL};
const char *const wam_goods_kinds[] = {"weapons", "ammunition", NULL};
const char *const wam_prohibitions[] = {"embargo", "international_obligations", "atrocity_crimes", NULL};
const char *const wam_prohibition_findings[] = {"clear", "applies", NULL};
const char *const wam_risks[] = {"peace_security",  "ihl", "human_rights", "terrorism", "organised_crime",
                                    "gender_based_violence", "diversion", NULL};
const char *const wam_risk_findings[] = {"none", "low", "substantial", "overriding", NULL};
const char *const wam_decisions[] = {"approve", "deny", NULL};
const char *const wam_euc_states[] = {"received", "verified", "rejected", "closed", NULL};
const char *const wam_verification_results[] = {"authentic", "not_authentic", "inconclusive", NULL};
const char *const wam_shipment_states[] = {"shipped", "delivered", "received", NULL};
const char *const wam_check_results[] = {"seen", "not_seen", "seen_elsewhere", NULL};
const char *const wam_broker_activities[] = {"brokering", "transport", "financing", "insurance", "other", NULL};
const char *const wam_broker_states[] = {"registered", "suspended", "revoked", NULL};
const char *const wam_diversion_states[] = {"open", "traced", "closed", NULL};
const char *const wam_embargo_scopes[] = {"supply", "supply_and_procurement", NULL};

int wam_transfers_vocabulary(json_t **out)
{
	static const struct {
		const char *key;
		const char *const *words;
	} lists[] = {
	    {"licence_kinds", wam_licence_kinds},
	    {"licence_states", wam_licence_states},
	    {"party_roles", wam_party_roles},
	    {"goods", wam_goods_kinds},
	    {"prohibitions", wam_prohibitions},
	    {"prohibition_findings", wam_prohibition_findings},
	    {"risks", wam_risks},
	    {"risk_findings", wam_risk_findings},
	    {"decisions", wam_decisions},
	    {"euc_states", wam_euc_states},
	    {"verification_results", wam_verification_results},
	    {"shipment_states", wam_shipment_states},
	    {"check_results", wam_check_results},
	    {"broker_activities", wam_broker_activities},
	    {"broker_states", wam_broker_states},
	    {"diversion_states", wam_diversion_states},
	    {"embargo_scopes", wam_embargo_scopes},
	};
	json_t *v = json_object();
	int rc = v ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the transfers vocabulary");
	for (size_t i = 0; !rc && i < sizeof lists / sizeof lists[0]; i++)
		rc = wam_vocab_json(v, lists[i].key, lists[i].words);
	*out = rc ? NULL : v;
	if (rc)
		json_decref(v);
	return rc;
}

int transfers_national(wam_db *db)
{
	return wam_confined(db) ? wam_confine_national(db, "transfers") : 0;
}

void transfers_key(char *out, size_t cap, const char *number)
{
	long n = number && strlen(number) * 4 < cap ? wam_match_name_key(out, cap, number) : -1;
	if (n < 0)
		out[0] = '\0';
}

int transfers_resolve(wam_db *db, char id[WAM_ID_LEN + 1], const char *table, const char *alt, const char *given,
                      const char *what, const char *field)
{
	char sql[160];
	json_t *row = NULL;
	id[0] = '\0';
	if (!given || !*given)
		return wam_error_set(WAM_EINVAL, field, "%s is required", field);
	/* table and column are the room's own names, never input */
	char key[1024];
	/* a number is found however its case, width or separators are typed */
	bool keyed = !strcmp(alt, "number");
	transfers_key(key, sizeof key, given);
	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id=?1 OR %s=?1%s ORDER BY id=?1 DESC, %s=?1 DESC LIMIT 1", table,
	         alt, keyed ? " OR number_key=?2" : "", alt);
	int rc = wam_query_row(db, &row, sql, given, keyed && *key ? key : NULL);
	if (rc)
		return rc;
	(void)what;
	if (!row)
		return wam_error_set(WAM_ENOTFOUND, field,
		                     !strcmp(table, "licences") ? "no licence '%.60s'"
		                     : !strcmp(table, "eucs")   ? "no end-user certificate '%.60s'"
		                                                : "no broker of the register '%.60s'",
		                     given);
	snprintf(id, WAM_ID_LEN + 1, "%s", json_string_value(json_object_get(row, "id")));
	json_decref(row);
	return 0;
}

void transfers_decode(json_t *row, const char *key)
{
	const char *text = json_string_value(json_object_get(row, key));
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (text)
		json_object_set_new(row, key, v ? v : json_null());
	else if (json_object_get(row, key) == NULL)
		json_object_set_new(row, key, json_null());
}

int transfers_not_future(const json_t *p, const char *key)
{
	char today[11];
	const char *d = json_string_value(json_object_get(p, key));
	wam_date_today(today);
	if (d && strcmp(d, today) > 0)
		return wam_error_set(WAM_EINVAL, key, "%s %s is after today (%s): a record says what has happened", key, d,
		                     today);
	return 0;
}

/* ---- a party ---- */

/* documents: a list of document numbers (passport, company registration) */
static int take_documents(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	(void)db;
	(void)line;
	const json_t *v = json_object_get(in, f->name), *d;
	size_t i;
	if (wam_absent(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 20)
		return wam_error_set(WAM_EINVAL, field, "%s must be a list of at most 20 document numbers", field);
	json_t *list = json_array();
	json_array_foreach(v, i, d)
	{
		json_t *one = json_object(), *tmp = json_pack("{s:O}", "d", d);
		char name[96];
		snprintf(name, sizeof name, "%s[%zu]", field, i);
		int rc = wam_take_text(one, tmp, "d", name, WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0);
		json_decref(tmp);
		if (rc) {
			json_decref(one);
			json_decref(list);
			return rc;
		}
		json_array_append(list, json_object_get(one, "d"));
		json_decref(one);
	}
	json_object_set_new(out, f->name, list);
	return 0;
}

static const wam_field party_fields[] = {
    {.name = "role", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = wam_party_roles},
    {.name = "name", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "address", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = 1000},
    {.name = "registration", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "documents", .kind = WAM_FIELD_CUSTOM, .take = take_documents},
    {.name = "broker_id", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "position", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "government", .kind = WAM_FIELD_OTHER},
    {0}};

int transfers_broker_active(wam_db *db, const char *broker_id, const char *field)
{
	json_t *b = NULL;
	int rc = wam_query_row(db, &b, "SELECT name, registration, state FROM brokers WHERE id=?", broker_id, NULL);
	if (rc)
		return rc;
	if (!b)
		return wam_error_set(WAM_EINVAL, field, "%s '%.40s' is not a registered broker", field, broker_id);
	const char *state = json_string_value(json_object_get(b, "state"));
	if (strcmp(state, "registered") != 0)
		rc = wam_error_set(WAM_ECONFLICT, field, "broker %s (%s) is %s: no licence or shipment may name it",
		                   json_string_value(json_object_get(b, "name")),
		                   json_string_value(json_object_get(b, "registration")), state);
	json_decref(b);
	return rc;
}

json_t *transfers_subject(const char *kind, const char *id, const json_t *label)
{
	return json_pack("{s:s, s:s, s:O}", "kind", kind, "id", id, "label", label ? label : json_null());
}

int transfers_party(wam_db *db, json_t *out, const json_t *in, const char *prefix, const char *date,
                    const json_t *subject)
{
	char field[96];
	int rc;
	if (!json_is_object(in))
		return wam_error_set(WAM_EINVAL, prefix, "%s must be an object", prefix);
	if ((rc = wam_field_check(db, out, in, party_fields, prefix, 0)))
		return rc;
	const char *role = json_string_value(json_object_get(out, "role"));
	if (!strcmp(role, "broker")) {
		/* a broker is one of the register: its name and country from there */
		char id[WAM_ID_LEN + 1];
		json_t *b = NULL;
		snprintf(field, sizeof field, "%sbroker_id", prefix);
		const char *given = json_string_value(json_object_get(out, "broker_id"));
		if (!given)
			return wam_error_set(WAM_EINVAL, field, "a broker party names a registered broker: %s is required",
			                     field);
		if ((rc = transfers_resolve(db, id, "brokers", "registration", given, "registered broker", field)) ||
		    (rc = transfers_broker_active(db, id, field)) ||
		    (rc = wam_query_row(db, &b, "SELECT name, country, registration FROM brokers WHERE id=?", id, NULL)))
			return rc;
		json_object_set_new(out, "broker_id", json_string(id));
		json_object_set(out, "name", json_object_get(b, "name"));
		json_object_set(out, "country", json_object_get(b, "country"));
		json_object_set(out, "registration", json_object_get(b, "registration"));
		json_decref(b);
	} else if (json_object_get(out, "broker_id")) {
		snprintf(field, sizeof field, "%sbroker_id", prefix);
		return wam_error_set(WAM_EINVAL, field, "only a party of role broker names a broker_id");
	}
	snprintf(field, sizeof field, "%sname", prefix);
	if (!json_object_get(out, "name"))
		return wam_error_set(WAM_EINVAL, field, "%s is required", field);
	snprintf(field, sizeof field, "%scountry", prefix);
	if (strcmp(role, "carrier") != 0 && !json_object_get(out, "country"))
		return wam_error_set(WAM_EINVAL, field, "%s is required (a %s is in a country)", field, role);
	/* a party of the state's government: a regime that excludes the
	 * government or aims at non-State actors spares it; kept with its
	 * screening, so the party is screened the same way again */
	const json_t *gov = json_object_get(in, "government");
	if (!wam_absent(gov) && !json_is_boolean(gov)) {
		snprintf(field, sizeof field, "%sgovernment", prefix);
		return wam_error_set(WAM_EINVAL, field, "%s must be true or false", field);
	}
	if (json_is_true(gov))
		json_object_set_new(out, "government", json_true());
	json_t *screening = NULL;
	if (subject)
		json_object_set(out, "subject", (json_t *)subject);
	rc = transfers_screen(db, &screening, out, date);
	json_object_del(out, "subject");
	if (rc)
		return rc;
	/* a record naming a broker is an act on it: a potential match on the
	 * sanctions list holds it, as any finding does */
	const json_t *first = json_array_get(json_object_get(screening, "findings"), 0);
	if (first && !strcmp(role, "broker")) {
		snprintf(field, sizeof field, "%sbroker_id", prefix);
		rc = wam_error_set(WAM_ECONFLICT, field, "the broker %s failed screening: %s",
		                   json_string_value(json_object_get(out, "name")),
		                   json_string_value(json_object_get(first, "message")));
		json_decref(screening);
		return rc;
	}
	json_object_del(out, "government");
	if (json_is_true(gov))
		json_object_set_new(screening, "government", json_true());
	json_object_set_new(out, "screening", screening);
	return 0;
}

/* ---- a goods line ---- */

/* value: an amount of money, not negative */
static int take_value(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	(void)db;
	(void)line;
	const json_t *v = json_object_get(in, f->name);
	if (wam_absent(v))
		return 0;
	double d = json_is_number(v) ? json_number_value(v) : NAN;
	if (!json_is_number(v) || !(d >= 0 && d < 1e15))
		return wam_error_set(WAM_EINVAL, field, "%s must be an amount of money from 0 up", field);
	json_object_set_new(out, f->name, json_real(d));
	return 0;
}

/* currency: an ISO 4217 code, three letters */
static int take_currency(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	(void)db;
	(void)line;
	const json_t *v = json_object_get(in, f->name);
	if (wam_absent(v))
		return 0;
	const char *s = json_string_value(v);
	char code[4];
	if (!s || strlen(s) != 3)
		return wam_error_set(WAM_EINVAL, field, "%s must be an ISO 4217 currency code of three letters", field);
	for (int i = 0; i < 3; i++) {
		char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		if (c < 'A' || c > 'Z')
			return wam_error_set(WAM_EINVAL, field, "%s must be an ISO 4217 currency code of three letters",
			                     field);
		code[i] = c;
	}
	code[3] = '\0';
	json_object_set_new(out, f->name, json_string(code));
	return 0;
}

static const wam_field line_fields[] = {
    {.name = "goods", .kind = WAM_FIELD_WORD, .vocab = wam_goods_kinds, .dflt = "weapons"},
    {.name = "category", .kind = WAM_FIELD_OTHER},
    {.name = "make", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "model", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "calibre", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "ammunition_type", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "quantity", .kind = WAM_FIELD_QUANTITY, .flags = WAM_FIELD_REQUIRED, .lo = 1, .hi = 1e12},
    {.name = "value", .kind = WAM_FIELD_CUSTOM, .take = take_value},
    {.name = "currency", .kind = WAM_FIELD_CUSTOM, .take = take_currency},
    {.name = "origin", .kind = WAM_FIELD_COUNTRY},
    {.name = "description", .kind = WAM_FIELD_TEXT, .max = 1000},
    {0}};

int transfers_line(wam_db *db, json_t *out, const json_t *in, const char *prefix)
{
	char field[96];
	int rc;
	if (!json_is_object(in))
		return wam_error_set(WAM_EINVAL, prefix, "%s must be an object", prefix);
	if ((rc = wam_field_check(db, out, in, line_fields, prefix, 0)))
		return rc;
	bool ammunition = !strcmp(json_string_value(json_object_get(out, "goods")), "ammunition");
	const char *cat = json_string_value(json_object_get(in, "category"));
	snprintf(field, sizeof field, "%scategory", prefix);
	if (ammunition) {
		/* rounds are counted by calibre, not by a weapon category */
		snprintf(field, sizeof field, "%scalibre", prefix);
		if (!json_object_get(out, "calibre"))
			return wam_error_set(WAM_EINVAL, field, "%s is required for ammunition (rounds are counted by calibre)",
			                     field);
		json_object_set_new(out, "category", json_string("ammunition"));
	} else {
		char code[16];
		size_t n = cat ? strlen(cat) : 0;
		if (!cat || wam_absent(json_object_get(in, "category")))
			return wam_error_set(WAM_EINVAL, field, "%s is required", field);
		if (n >= sizeof code || !wam_refdata_category(db, cat)) {
			/* codes are written in upper case; accept either */
			for (size_t i = 0; i < n && i < sizeof code - 1; i++)
				code[i] = cat[i] >= 'a' && cat[i] <= 'z' ? (char)(cat[i] - 32) : cat[i];
			code[n < sizeof code ? n : sizeof code - 1] = '\0';
			if (n >= sizeof code || !wam_refdata_category(db, code))
				return wam_error_set(WAM_EINVAL, field,
				                     "%s '%.30s' is not a UN Register or SALW category (docs/registry.md)",
				                     field, cat);
			cat = code;
		}
		json_object_set_new(out, "category", json_string(cat));
		if (json_object_get(out, "ammunition_type")) {
			snprintf(field, sizeof field, "%sammunition_type", prefix);
			return wam_error_set(WAM_EINVAL, field, "%s is for a line of ammunition", field);
		}
	}
	snprintf(field, sizeof field, "%scurrency", prefix);
	if (json_object_get(out, "value") && !json_object_get(out, "currency"))
		return wam_error_set(WAM_EINVAL, field, "%s is required with a value", field);
	return 0;
}

/* ---- reading lines ---- */

int transfers_licence_lines(wam_db *db, json_t **out, const char *id)
{
	return wam_query_rows(db, out,
	                      "SELECT n, goods, category, make, model, calibre, ammunition_type, quantity, value,"
	                      " currency, origin, description, shipped, quantity-shipped AS remaining"
	                      " FROM licence_lines WHERE licence_id=? ORDER BY n",
	                      id, NULL);
}
