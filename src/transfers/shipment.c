/* Shipments: what actually crosses the border under a licence. An export
 * ships weapons by serial — each leaves the registry's custody, `exported`
 * through the one path that gives that status, its event naming the
 * shipment, the licence and the certificate — and ammunition by lot, whose
 * rounds are issued from the lot (never below zero). An import registers
 * the arriving weapons with the importing state's mark (rule R2). Each
 * weapon and each round is counted against a line of the licence and, for
 * an export, a goods line of its certificate: nothing ships beyond what
 * either still allows, on a licence that is not in force, on a certificate
 * not verified authentic or already closed, or to a party that fails
 * screening. A delivery verification certificate closes the certificate. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/embargo.h"
#include "ledger/room.h"
#include "wam/match.h"
#include "wam/registry.h"
#include "wam/stock.h"

static bool same_text(const char *a, const char *b)
{
	char ka[1024], kb[1024]; /* 4 bytes a byte of text of at most WAM_MAX_TEXT */
	if (!a || !b)
		return false;
	/* "7.62x39 mm" and "7.62X39MM", "ČESKÁ ZBROJOVKA" and "Česká zbrojovka"
	 * are one: compared as the matcher compares names */
	long na = wam_match_name_key(ka, sizeof ka, a), nb = wam_match_name_key(kb, sizeof kb, b);
	return na >= 0 && nb >= 0 && na == nb && !memcmp(ka, kb, (size_t)na);
}

/* A line's field says nothing, or what the goods say. */
static bool fits(const json_t *line, const char *key, const char *value)
{
	const char *want = json_string_value(json_object_get(line, key));
	return !want || same_text(want, value);
}

/* The first line of `lines` (each with `remaining`) that goods of `kind`
 * (weapons: category, make, model, calibre; ammunition: calibre, type)
 * fit and that has `need` remaining; its index, or -1 when a line fits but
 * has too little left (`*short_line` its n), -2 when none fits. */
static int pick_line(const json_t *lines, const char *goods, const char *category, const char *make, const char *model,
                     const char *calibre, const char *ammo_type, long long need, int *short_line)
{
	size_t i;
	const json_t *l;
	int found = -2;
	json_array_foreach(lines, i, l)
	{
		const char *kind = json_string_value(json_object_get(l, "goods"));
		if (strcmp(kind ? kind : "weapons", goods))
			continue;
		if (!strcmp(goods, "weapons") &&
		    (!same_text(json_string_value(json_object_get(l, "category")), category) || !fits(l, "make", make) ||
		     !fits(l, "model", model) || !fits(l, "calibre", calibre)))
			continue;
		if (!strcmp(goods, "ammunition") && (!fits(l, "calibre", calibre) || !fits(l, "ammunition_type", ammo_type)))
			continue;
		if (json_integer_value(json_object_get(l, "remaining")) >= need)
			return (int)i;
		found = -1;
		*short_line = (int)json_integer_value(json_object_get(l, "n"));
	}
	return found;
}

static void take_from(json_t *lines, int i, long long n)
{
	json_t *l = json_array_get(lines, (size_t)i);
	json_object_set_new(l, "remaining", json_integer(json_integer_value(json_object_get(l, "remaining")) - n));
}

static const wam_field shipment_fields[] = {
    {.name = "licence_id", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "euc_id", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {.name = "items", .kind = WAM_FIELD_OTHER},
    {.name = "lots", .kind = WAM_FIELD_OTHER},
    {.name = "weapons", .kind = WAM_FIELD_OTHER},
    {.name = "carrier", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "route", .kind = WAM_FIELD_OTHER},
    {.name = "exemption", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

/* The licence a shipment is made under, in force on `date`. */
static int licence_in_force(wam_db *db, json_t **l, const char *id, const char *date, const char *kind)
{
	int rc = wam_query_row(db, l,
	                       "SELECT number, kind, state, valid_from, valid_until FROM licences WHERE id=?", id, NULL);
	if (rc)
		return rc;
	const char *number = json_string_value(json_object_get(*l, "number"));
	const char *state = json_string_value(json_object_get(*l, "state"));
	const char *has = json_string_value(json_object_get(*l, "kind"));
	if (strcmp(has, kind))
		return wam_error_set(WAM_EINVAL, "licence_id",
		                     !strcmp(kind, "import")
		                         ? "licence %s is a licence of kind %s: weapons arrive under an import licence"
		                         : "licence %s is a licence of kind %s: weapons leave under an export licence",
		                     number, has);
	if (strcmp(state, "issued"))
		return wam_error_set(WAM_ECONFLICT, "licence_id", "licence %s is %s: only an issued licence is shipped on",
		                     number, state);
	if (strcmp(date, json_string_value(json_object_get(*l, "valid_from"))) < 0)
		return wam_error_set(WAM_ECONFLICT, "licence_id", "licence %s is valid from %s, not on %s", number,
		                     json_string_value(json_object_get(*l, "valid_from")), date);
	if (strcmp(date, json_string_value(json_object_get(*l, "valid_until"))) > 0)
		return wam_error_set(WAM_ECONFLICT, "licence_id", "licence %s expired on %s: nothing ships on it on %s",
		                     number, json_string_value(json_object_get(*l, "valid_until")), date);
	return 0;
}

/* route: the countries the goods pass through */
/* The exemption a shipment names, if any, is one recorded (embargo room);
 * whether it fits a regime the parties are under is the screening's. */
static int exemption_known(wam_db *db, const json_t *p)
{
	const char *ex = json_string_value(json_object_get(p, "exemption"));
	json_t *x = NULL;
	int rc = ex ? wam_embargo_exemption_get(db, &x, ex, NULL) : 0;
	json_decref(x);
	if (rc == WAM_ENOTFOUND)
		return wam_error_set(WAM_ENOTFOUND, "exemption", "no exemption '%.40s'", ex);
	return rc;
}

/* The exemption a shipment names must be the one granted for this supply:
 * the licence's end user (else importer, consignee), the date, and the
 * weapons and rounds it carries with those shipped under it before. */
static int exemption_fits_supply(wam_db *db, const json_t *p, const char *licence, const char *date,
                                 const json_t *items, const json_t *lots)
{
	const char *ex = json_string_value(json_object_get(p, "exemption"));
	json_t *eu = NULL, *supply;
	const json_t *v;
	size_t i;
	long long rounds = 0;
	if (!ex)
		return 0;
	int rc = wam_query_row(db, &eu,
	                       "SELECT name, country FROM licence_parties WHERE licence_id=? AND role IN ('end_user',"
	                       "'importer','consignee') ORDER BY role='end_user' DESC, role='importer' DESC, n LIMIT 1",
	                       licence, NULL);
	if (rc)
		return rc;
	json_array_foreach(lots, i, v) rounds += json_integer_value(json_object_get(v, "rounds"));
	supply = json_pack("{s:o, s:s, s:I, s:I}", "end_user", eu ? eu : json_object(), "date", date, "weapons",
	                   (json_int_t)json_array_size(items), "rounds", (json_int_t)rounds);
	rc = supply ? wam_embargo_exemption_fits(db, ex, NULL, date, supply, "exemption")
	            : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(supply);
	return rc;
}

/* What the shipment makes due in other rooms (wam_shipped_hooks). */
static int shipped(wam_db *db, const char *id, const json_t *p)
{
	int rc = 0;
	for (const wam_shipped_hook *h = wam_shipped_hooks; !rc && *h; h++)
		rc = (*h)(db, id, p);
	return rc;
}

static int take_route(wam_db *db, json_t *p, const json_t *in, const char *date)
{
	const json_t *v = json_object_get(in, "route"), *c;
	size_t i;
	json_t *list = json_array();
	if (!wam_absent(v) && (!json_is_array(v) || json_array_size(v) > 20)) {
		json_decref(list);
		return wam_error_set(WAM_EINVAL, "route", "route is a list of at most 20 country codes");
	}
	json_array_foreach(v, i, c)
	{
		char field[32];
		json_t *one = json_object(), *tmp = json_pack("{s:O}", "c", c);
		snprintf(field, sizeof field, "route[%zu]", i);
		int rc = wam_take_country(db, one, tmp, "c", field, WAM_FIELD_REQUIRED, 0);
		json_t *party = rc ? NULL
		                   : json_pack("{s:s, s:O, s:O, s:O*}", "role", "transit", "name",
		                               json_object_get(one, "c"), "country", json_object_get(one, "c"),
		                               "exemption", json_object_get(p, "exemption")),
		       *screening = NULL;
		/* the goods pass through it: it is screened as a transit state */
		if (!rc && !(rc = transfers_screen(db, &screening, party, date))) {
			const json_t *first = json_array_get(json_object_get(screening, "findings"), 0);
			if (first)
				rc = wam_error_set(WAM_ECONFLICT, field, "%s failed screening: %s", field,
				                   json_string_value(json_object_get(first, "message")));
		}
		json_decref(party);
		json_decref(screening);
		if (!rc)
			json_array_append(list, json_object_get(one, "c"));
		json_decref(one);
		json_decref(tmp);
		if (rc) {
			json_decref(list);
			return rc;
		}
	}
	json_object_set_new(p, "route", list);
	return 0;
}

/* The certificate goods lines of `euc` with what remains of each. */
static int euc_lines(wam_db *db, json_t **out, const char *euc)
{
	return wam_query_rows(db, out,
	                      "SELECT n, CASE category WHEN 'ammunition' THEN 'ammunition' ELSE 'weapons' END AS goods,"
	                      " category, model, calibre, quantity-shipped AS remaining FROM euc_goods WHERE euc_id=?"
	                      " ORDER BY n",
	                      euc, NULL);
}

/* The weapon an entry of `items` names: its id, or its serial when that
 * names one weapon only; `*w` NULL with the error set otherwise. */
static int named_weapon(wam_db *db, json_t **w, const char *given, size_t i)
{
	json_t *rows = NULL;
	*w = NULL;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT * FROM (SELECT id, category, make, model, calibre, serial FROM items WHERE id=?1"
	                        " UNION ALL SELECT id, category, make, model, calibre, serial FROM items"
	                        " WHERE serial=?1 AND id<>?1) LIMIT 3",
	                        given, NULL);
	if (rc)
		return rc;
	json_t *first = json_array_get(rows, 0);
	if (!first)
		rc = wam_error_set(WAM_EINVAL, "items", "items[%zu]: no weapon with id or serial '%.40s'", i, given);
	else if (json_array_size(rows) > 1 && strcmp(json_string_value(json_object_get(first, "id")), given))
		rc = wam_error_set(WAM_EINVAL, "items",
		                   "items[%zu]: serial %.40s is on more than one weapon (%s, %s): give the weapon's id", i,
		                   given, json_string_value(json_object_get(first, "id")),
		                   json_string_value(json_object_get(json_array_get(rows, 1), "id")));
	else
		*w = json_incref(first);
	json_decref(rows);
	return rc;
}

/* The weapons of an export, by id or serial: each registered, once,
 * fitting a line of the licence and of the certificate with room left. */
static int export_items(wam_db *db, json_t *list, const json_t *ids, json_t *lines, json_t *goods, const char *licence,
                        const char *euc)
{
	size_t i;
	const json_t *v;
	if (!json_is_array(ids) || json_array_size(ids) > 10000)
		return wam_error_set(WAM_EINVAL, "items", "items is a list of at most 10000 weapon ids or serials");
	json_t *seen = json_object(); /* weapon id -> its place in the list */
	int rc = 0;
	json_array_foreach(ids, i, v)
	{
		json_t *w = NULL, *again;
		const char *given = json_string_value(v);
		int short_line = 0;
		if (!given || !*given) {
			rc = wam_error_set(WAM_EINVAL, "items", "items[%zu] must be a weapon id or serial", i);
			break;
		}
		if ((rc = wam_rooms_record_hidden(db, given, "items")) || (rc = named_weapon(db, &w, given, i)))
			break;
		const char *id = json_string_value(json_object_get(w, "id"));
		if ((again = json_object_get(seen, id))) {
			rc = wam_error_set(WAM_EINVAL, "items", "items[%zu] is weapon %.40s again (items[%lld])", i, id,
			                   (long long)json_integer_value(again));
			json_decref(w);
			break;
		}
		json_object_set_new(seen, id, json_integer((json_int_t)i));
		for (const wam_weapon_held_hook *h = wam_weapon_held_hooks; !rc && *h; h++)
			if ((rc = (*h)(db, id, "items")))
				rc = wam_error_within(rc, "items", "items[%zu]", i);
		if (rc) {
			json_decref(w);
			break;
		}
		const char *cat = json_string_value(json_object_get(w, "category"));
		const char *make = json_string_value(json_object_get(w, "make"));
		const char *model = json_string_value(json_object_get(w, "model"));
		const char *cal = json_string_value(json_object_get(w, "calibre"));
		const char *serial = json_string_value(json_object_get(w, "serial"));
		int l = pick_line(lines, "weapons", cat, make, model, cal, NULL, 1, &short_line);
		if (l == -2)
			rc = wam_error_set(WAM_EINVAL, "items",
			                   "items[%zu]: weapon %s (%s %s %s) fits no goods line of licence %s", i,
			                   serial ? serial : id, cat, make ? make : "", model ? model : "", licence);
		else if (l == -1)
			rc = wam_error_set(WAM_ECONFLICT, "items",
			                   "items[%zu]: weapon %s would exceed line %d of licence %s: nothing of it remains", i,
			                   serial ? serial : id, short_line, licence);
		int g = rc ? 0 : pick_line(goods, "weapons", cat, NULL, model, cal, NULL, 1, &short_line);
		if (!rc && g == -2)
			rc = wam_error_set(WAM_EINVAL, "items",
			                   "items[%zu]: weapon %s (%s %s) fits no goods line of end-user certificate %s", i,
			                   serial ? serial : id, cat, model ? model : "", euc);
		else if (!rc && g == -1)
			rc = wam_error_set(WAM_ECONFLICT, "items",
			                   "items[%zu]: weapon %s would exceed goods line %d of end-user certificate %s: "
			                   "its quantity is a hard cap",
			                   i, serial ? serial : id, short_line, euc);
		if (!rc) {
			take_from(lines, l, 1);
			take_from(goods, g, 1);
			json_array_append_new(list, json_pack("{s:s, s:O, s:O}", "item_id", id, "licence_line",
			                                      json_object_get(json_array_get(lines, (size_t)l), "n"),
			                                      "euc_line", json_object_get(json_array_get(goods, (size_t)g), "n")));
		}
		json_decref(w);
		if (rc)
			break;
	}
	json_decref(seen);
	return rc;
}

/* The lot an entry of `lots` names, by id or by a lot number one lot
 * bears, fit to ship on `date`: serviceable, its shelf life not over. */
static int named_lot(wam_db *db, json_t **lot, const char *given, const char *field, const char *date)
{
	json_t *rows = NULL;
	*lot = NULL;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT * FROM (SELECT id, calibre, type, lot_number, condition, expiry FROM lots WHERE id=?1"
	                        " UNION ALL SELECT id, calibre, type, lot_number, condition, expiry FROM lots"
	                        " WHERE lot_number=?1 AND id<>?1) LIMIT 3",
	                        given, NULL);
	if (rc)
		return rc;
	json_t *first = json_array_get(rows, 0);
	const char *condition = first ? json_string_value(json_object_get(first, "condition")) : NULL;
	const char *expiry = first ? json_string_value(json_object_get(first, "expiry")) : NULL;
	if (!first)
		rc = wam_error_set(WAM_EINVAL, field, "%s: no ammunition lot '%.40s'", field, given);
	else if (json_array_size(rows) > 1 && strcmp(json_string_value(json_object_get(first, "id")), given))
		rc = wam_error_set(WAM_EINVAL, field, "%s: lot number %.40s is borne by more than one lot (%s, %s): give the lot's id",
		                   field, given, json_string_value(json_object_get(first, "id")),
		                   json_string_value(json_object_get(json_array_get(rows, 1), "id")));
	else if (condition && strcmp(condition, "SERVICEABLE") && strcmp(condition, "RESTRICTED"))
		rc = wam_error_set(WAM_ECONFLICT, field, "%s: lot %s is %s: only serviceable ammunition is exported", field,
		                   json_string_value(json_object_get(first, "lot_number")), condition);
	else if (expiry && strcmp(expiry, date) < 0)
		rc = wam_error_set(WAM_ECONFLICT, field, "%s: the shelf life of lot %s ended on %s", field,
		                   json_string_value(json_object_get(first, "lot_number")), expiry);
	else
		*lot = json_incref(first);
	json_decref(rows);
	return rc;
}

/* The ammunition of an export: [{lot_id, rounds}], each fitting a line of
 * the licence and the certificate by calibre (and type). */
static int export_lots(wam_db *db, json_t *list, const json_t *lots, json_t *lines, json_t *goods, const char *licence,
                       const char *euc, const char *date)
{
	size_t i;
	const json_t *v;
	if (!json_is_array(lots) || json_array_size(lots) > 200)
		return wam_error_set(WAM_EINVAL, "lots", "lots is a list of at most 200 {lot_id, rounds}");
	json_array_foreach(lots, i, v)
	{
		static const char *const fields[] = {"lot_id", "rounds", NULL};
		char prefix[32], field[48];
		json_t *one = json_object(), *lot = NULL;
		int rc, short_line = 0;
		snprintf(prefix, sizeof prefix, "lots[%zu].", i);
		snprintf(field, sizeof field, "lots[%zu].rounds", i);
		if (!json_is_object(v))
			rc = wam_error_set(WAM_EINVAL, "lots", "lots[%zu] must be an object {lot_id, rounds}", i);
		else if (!(rc = wam_check_fields(v, fields, prefix, 0))) {
			snprintf(field, sizeof field, "lots[%zu].lot_id", i);
			if (!(rc = wam_take_text(one, v, "lot_id", field, WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0))) {
				snprintf(field, sizeof field, "lots[%zu].rounds", i);
				wam_field f = {.name = "rounds", .kind = WAM_FIELD_QUANTITY, .flags = WAM_FIELD_REQUIRED, .lo = 1,
				               .hi = 1e12};
				rc = wam_field_take(db, one, v, &f, field, 0);
			}
		}
		const char *lot_id = json_string_value(json_object_get(one, "lot_id"));
		snprintf(field, sizeof field, "lots[%zu].lot_id", i);
		if (!rc)
			rc = named_lot(db, &lot, lot_id, field, date);
		snprintf(field, sizeof field, "lots[%zu].rounds", i);
		long long rounds = (long long)json_integer_value(json_object_get(one, "rounds"));
		const char *cal = lot ? json_string_value(json_object_get(lot, "calibre")) : NULL;
		const char *type = lot ? json_string_value(json_object_get(lot, "type")) : NULL;
		const char *number = lot ? json_string_value(json_object_get(lot, "lot_number")) : "";
		int l = rc ? 0 : pick_line(lines, "ammunition", NULL, NULL, NULL, cal, type, rounds, &short_line);
		if (!rc && l == -2)
			rc = wam_error_set(WAM_EINVAL, field, "%s: lot %s (%s) fits no ammunition line of licence %s", field,
			                   number, cal ? cal : "", licence);
		else if (!rc && l == -1)
			rc = wam_error_set(WAM_ECONFLICT, field,
			                   "%s: %lld rounds of lot %s would exceed line %d of licence %s", field, rounds, number,
			                   short_line, licence);
		int g = rc ? 0 : pick_line(goods, "ammunition", NULL, NULL, NULL, cal, NULL, rounds, &short_line);
		if (!rc && g == -2)
			rc = wam_error_set(WAM_EINVAL, field, "%s: lot %s (%s) fits no goods line of end-user certificate %s",
			                   field, number, cal ? cal : "", euc);
		else if (!rc && g == -1)
			rc = wam_error_set(WAM_ECONFLICT, field,
			                   "%s: %lld rounds of lot %s would exceed goods line %d of end-user certificate %s: "
			                   "its quantity is a hard cap",
			                   field, rounds, number, short_line, euc);
		if (!rc) {
			take_from(lines, l, rounds);
			take_from(goods, g, rounds);
			json_array_append_new(list, json_pack("{s:O, s:I, s:O, s:O}", "lot_id", json_object_get(lot, "id"),
			                                      "rounds", (json_int_t)rounds, "licence_line",
			                                      json_object_get(json_array_get(lines, (size_t)l), "n"),
			                                      "euc_line", json_object_get(json_array_get(goods, (size_t)g), "n")));
		}
		json_decref(one);
		json_decref(lot);
		if (rc)
			return rc;
	}
	return 0;
}

/* The certificate of an export: the licence's own, verified authentic,
 * not closed, not expired on `date`. */
static int euc_usable(wam_db *db, char id[WAM_ID_LEN + 1], const char *given, const char *licence, const char *date)
{
	json_t *e = NULL;
	int rc;
	if (!given)
		return wam_error_set(WAM_EINVAL, "euc_id",
		                     "euc_id is required: an export ships against its end-user certificate");
	if ((rc = transfers_resolve(db, id, "eucs", "number", given, "end-user certificate", "euc_id")) ||
	    (rc = wam_query_row(db, &e, "SELECT number, licence_id, state, issued, expires FROM eucs WHERE id=?", id,
	                        NULL)))
		return rc;
	const char *number = json_string_value(json_object_get(e, "number"));
	const char *state = json_string_value(json_object_get(e, "state"));
	if (strcmp(json_string_value(json_object_get(e, "licence_id")), licence))
		rc = wam_error_set(WAM_EINVAL, "euc_id", "end-user certificate %s belongs to another licence", number);
	else if (!strcmp(state, "closed"))
		rc = wam_error_set(WAM_ECONFLICT, "euc_id",
		                   "end-user certificate %s is closed by its delivery verification certificate: "
		                   "a certificate is used for one transaction only",
		                   number);
	else if (strcmp(state, "verified"))
		rc = wam_error_set(WAM_ECONFLICT, "euc_id",
		                   "end-user certificate %s is %s: nothing ships until its authenticity is verified "
		                   "(wam euc verify)",
		                   number, state);
	else if (strcmp(date, json_string_value(json_object_get(e, "issued"))) < 0)
		rc = wam_error_set(WAM_ECONFLICT, "euc_id", "end-user certificate %s was issued on %s, after %s", number,
		                   json_string_value(json_object_get(e, "issued")), date);
	else if (strcmp(date, json_string_value(json_object_get(e, "expires"))) > 0)
		rc = wam_error_set(WAM_ECONFLICT, "euc_id", "end-user certificate %s expired on %s", number,
		                   json_string_value(json_object_get(e, "expires")));
	json_decref(e);
	return rc;
}

/* The parties again on the day of shipment, and the brokers still
 * registered. */
static int parties_clear(wam_db *db, const char *licence, const char *euc, const char *date, const char *exemption)
{
	json_t *brokers = NULL, *b;
	size_t i;
	int rc = transfers_screen_licence(db, licence, date, "licence_id", exemption);
	if (!rc && euc)
		rc = transfers_screen_euc(db, euc, date, "euc_id", exemption);
	if (!rc)
		rc = wam_query_rows(db, &brokers,
		                    "SELECT broker_id FROM licence_parties WHERE licence_id=? AND broker_id IS NOT NULL",
		                    licence, NULL);
	json_array_foreach(brokers, i, b)
	{
		if (!rc)
			rc = transfers_broker_active(db, json_string_value(json_object_get(b, "broker_id")), "licence_id");
	}
	json_decref(brokers);
	return rc;
}

/* Who receives the rounds issued from a lot: the end user or importer. */
static int recipient(wam_db *db, char *out, size_t cap, const char *licence)
{
	json_t *r = NULL;
	int rc = wam_query_row(db, &r,
	                       "SELECT name FROM licence_parties WHERE licence_id=? AND role IN ('end_user','importer',"
	                       "'consignee') ORDER BY role='end_user' DESC, role='importer' DESC, n LIMIT 1",
	                       licence, NULL);
	snprintf(out, cap, "%s", r ? json_string_value(json_object_get(r, "name")) : "");
	json_decref(r);
	return rc;
}

static int ship_export(wam_db *db, json_t *p, const json_t *in, const char *licence, const char *number,
                       const char *date, const char *id)
{
	char euc[WAM_ID_LEN + 1], to[WAM_MAX_TEXT + 1], document[WAM_MAX_TEXT + 1];
	json_t *lines = NULL, *goods = NULL, *items = json_array(), *lots = json_array(), *e = NULL;
	size_t i;
	const json_t *v;
	int rc;
	if ((rc = euc_usable(db, euc, json_string_value(json_object_get(p, "euc_id")), licence, date)) ||
	    (rc = parties_clear(db, licence, euc, date, json_string_value(json_object_get(p, "exemption")))) ||
	    (rc = transfers_licence_lines(db, &lines, licence)) || (rc = euc_lines(db, &goods, euc)) ||
	    (rc = wam_query_row(db, &e, "SELECT number FROM eucs WHERE id=?", euc, NULL)))
		goto done;
	const char *euc_number = json_string_value(json_object_get(e, "number"));
	if (!wam_absent(json_object_get(in, "weapons"))) {
		rc = wam_error_set(WAM_EINVAL, "weapons", "weapons are registered by an import; an export ships items by id");
		goto done;
	}
	if ((!wam_absent(json_object_get(in, "items")) &&
	     (rc = export_items(db, items, json_object_get(in, "items"), lines, goods, number, euc_number))) ||
	    (!wam_absent(json_object_get(in, "lots")) &&
	     (rc = export_lots(db, lots, json_object_get(in, "lots"), lines, goods, number, euc_number, date))))
		goto done;
	if (!json_array_size(items) && !json_array_size(lots)) {
		rc = wam_error_set(WAM_EINVAL, "items", "a shipment carries at least one weapon or ammunition lot");
		goto done;
	}
	json_object_set_new(p, "euc_id", json_string(euc));
	json_object_set(p, "items", items);
	json_object_set(p, "lots", lots);
	if ((rc = exemption_fits_supply(db, p, licence, date, items, lots)) ||
	    (rc = wam_ledger_append(db, "shipment.dispatched", id, p, NULL)) || (rc = shipped(db, id, p)))
		goto done;
	/* each weapon leaves the registry's custody: exported, its event naming
	 * the shipment, the licence and the certificate */
	json_array_foreach(items, i, v)
	{
		const char *item = json_string_value(json_object_get(v, "item_id"));
		json_t *d = wam_registry_reason(wam_message_json(
		    "shipped in shipment %s under licence %s and end-user certificate %s", id, number, euc_number));
		json_object_set_new(d, "document", json_string(number));
		json_object_set_new(d, "certificate", json_string(euc_number));
		json_object_set_new(d, "left_custody", json_true());
		rc = wam_weapon_final_status(db, NULL, item, "exported", d);
		json_decref(d);
		if (rc) {
			rc = wam_error_within(rc, "items", "items[%zu]: weapon %s", i, item);
			goto done;
		}
	}
	if ((rc = recipient(db, to, sizeof to, licence)))
		goto done;
	snprintf(document, sizeof document, "licence %.80s, shipment %s", number, id);
	json_array_foreach(lots, i, v)
	{
		json_t *issue = json_pack("{s:O, s:s, s:s}", "rounds", json_object_get(v, "rounds"), "recipient", to,
		                          "document", document);
		rc = wam_stock_lot_issue(db, NULL, json_string_value(json_object_get(v, "lot_id")), issue);
		json_decref(issue);
		if (rc) {
			rc = wam_error_within(rc, "lots", "lots[%zu]", i);
			goto done;
		}
	}
done:
	json_decref(lines);
	json_decref(goods);
	json_decref(items);
	json_decref(lots);
	json_decref(e);
	return rc;
}

/* An import: the arriving weapons registered with the import mark of the
 * registry's country (R2), each counted against a line of the licence. */
static int ship_import(wam_db *db, json_t *p, const json_t *in, const char *licence, const char *number,
                       const char *date, const char *id)
{
	char country[WAM_COUNTRY_LEN + 1];
	json_t *lines = NULL, *items = json_array();
	const json_t *weapons = json_object_get(in, "weapons"), *w;
	size_t i;
	int rc;
	if (json_object_get(p, "euc_id") || !wam_absent(json_object_get(in, "items")) ||
	    !wam_absent(json_object_get(in, "lots"))) {
		rc = wam_error_set(WAM_EINVAL, json_object_get(p, "euc_id") ? "euc_id" : "items",
		                   "an import registers `weapons` under its import licence (no euc_id, items or lots)");
		goto done;
	}
	if (!json_is_array(weapons) || !json_array_size(weapons) || json_array_size(weapons) > 1000) {
		rc = wam_error_set(WAM_EINVAL, "weapons", "weapons is a list of 1 to 1000 weapons arriving");
		goto done;
	}
	if ((rc = wam_db_country(db, country)))
		goto done;
	if (!*country) {
		rc = wam_error_set(WAM_ECONFLICT, "licence_id",
		                   "the registry has no country of its own, so it cannot apply its import mark (rule R2)");
		goto done;
	}
	if ((rc = parties_clear(db, licence, NULL, date, json_string_value(json_object_get(p, "exemption")))) ||
	    (rc = transfers_licence_lines(db, &lines, licence)))
		goto done;
	json_array_foreach(weapons, i, w)
	{
		json_t *item = json_is_object(w) ? json_deep_copy(w) : NULL, *got = NULL;
		int short_line = 0;
		if (!item) {
			rc = wam_error_set(WAM_EINVAL, "weapons", "weapons[%zu] must be an object", i);
			goto done;
		}
		const char *cat = json_string_value(json_object_get(item, "category"));
		int l = pick_line(lines, "weapons", cat ? cat : "", json_string_value(json_object_get(item, "make")),
		                  json_string_value(json_object_get(item, "model")),
		                  json_string_value(json_object_get(item, "calibre")), NULL, 1, &short_line);
		if (l == -2)
			rc = wam_error_set(WAM_EINVAL, "weapons", "weapons[%zu] fits no goods line of licence %s", i, number);
		else if (l == -1)
			rc = wam_error_set(WAM_ECONFLICT, "weapons",
			                   "weapons[%zu] would exceed line %d of licence %s: nothing of it remains", i,
			                   short_line, number);
		if (!rc) {
			/* the importing state's mark, unless the weapon bears it */
			json_t *marks = json_object_get(item, "import_marks"), *m;
			size_t j;
			bool has = false;
			if (marks && !json_is_array(marks)) {
				rc = wam_error_set(WAM_EINVAL, "weapons", "weapons[%zu].import_marks must be a list", i);
				json_decref(item);
				goto done;
			}
			if (!marks) {
				marks = json_array();
				json_object_set_new(item, "import_marks", marks);
			}
			json_array_foreach(marks, j, m)
			{
				const char *c = json_is_object(m) ? json_string_value(json_object_get(m, "country")) : NULL;
				has |= c && !strcmp(c, country);
			}
			if (!has)
				json_array_append_new(marks, json_pack("{s:s, s:i}", "country", country, "year", (int)strtol(date, NULL, 10)));
			rc = wam_registry_item_add(db, &got, item, 0);
			if (rc) { /* the weapon's own field, so a form can point at it */
				char part[32];
				snprintf(part, sizeof part, "weapons[%zu]", i);
				rc = wam_error_inside(rc, part);
			}
		}
		if (!rc) {
			take_from(lines, l, 1);
			json_array_append_new(items, json_pack("{s:O, s:O}", "item_id", json_object_get(got, "id"),
			                                       "licence_line",
			                                       json_object_get(json_array_get(lines, (size_t)l), "n")));
		}
		json_decref(item);
		json_decref(got);
		if (rc)
			goto done;
	}
	json_object_del(p, "weapons");
	json_object_del(p, "route");
	json_object_set(p, "items", items);
	if (!(rc = exemption_fits_supply(db, p, licence, date, items, NULL)) &&
	    !(rc = wam_ledger_append(db, "shipment.received", id, p, NULL)))
		rc = shipped(db, id, p);
done:
	json_decref(lines);
	json_decref(items);
	return rc;
}

int wam_transfers_shipment_add(wam_db *db, json_t **out, const json_t *in)
{
	json_t *p = json_object(), *l = NULL;
	char licence[WAM_ID_LEN + 1], id[WAM_ID_LEN + 1], today[11];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (!json_is_object(in)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a shipment is a JSON object");
		goto done;
	}
	wam_date_today(today);
	if ((rc = wam_field_check(db, p, in, shipment_fields, "", 0)))
		goto done;
	if (!json_object_get(p, "date"))
		json_object_set_new(p, "date", json_string(today));
	const char *date = json_string_value(json_object_get(p, "date"));
	if ((rc = transfers_not_future(p, "date")) || (rc = exemption_known(db, p)) ||
	    (rc = take_route(db, p, in, date)) || (rc = wam_db_begin(db)))
		goto done;
	if ((rc = transfers_resolve(db, licence, "licences", "number", json_string_value(json_object_get(p, "licence_id")),
	                            "licence", "licence_id")) ||
	    (rc = wam_query_row(db, &l, "SELECT kind FROM licences WHERE id=?", licence, NULL)))
		goto fail;
	bool import = !strcmp(json_string_value(json_object_get(l, "kind")), "import");
	json_decref(l);
	l = NULL;
	if ((rc = licence_in_force(db, &l, licence, date, import ? "import" : "export")))
		goto fail;
	const char *number = json_string_value(json_object_get(l, "number"));
	json_object_set_new(p, "licence_id", json_string(licence));
	wam_db_new_id(db, id);
	rc = import ? ship_import(db, p, in, licence, number, date, id) : ship_export(db, p, in, licence, number, date, id);
	if (rc)
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_transfers_shipment_get(db, out, id);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(l);
	return rc;
}

int wam_transfers_shipment_deliver(wam_db *db, json_t **out, const char *id, const json_t *in)
{
	static const wam_field fields[] = {
	    {.name = "dvc", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
	    {.name = "date", .kind = WAM_FIELD_DATE},
	    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
	    {0}};
	json_t *p = json_object(), *s = NULL;
	char today[11];
	int rc;
	if (out)
		*out = NULL;
	wam_date_today(today);
	if ((rc = transfers_national(db)) || (rc = wam_field_check(db, p, in, fields, "", 0)) ||
	    (rc = transfers_not_future(p, "date")) || (rc = wam_db_begin(db)))
		goto done;
	if (!json_object_get(p, "date"))
		json_object_set_new(p, "date", json_string(today));
	if ((rc = wam_query_row(db, &s, "SELECT id, direction, state, date FROM shipments WHERE id=?", id, NULL)))
		goto fail;
	if (!s) {
		rc = wam_error_set(WAM_ENOTFOUND, "id", "no shipment '%.40s'", id);
		goto fail;
	}
	if (strcmp(json_string_value(json_object_get(s, "direction")), "export") ||
	    strcmp(json_string_value(json_object_get(s, "state")), "shipped")) {
		rc = wam_error_set(WAM_ECONFLICT, "id", "shipment %.40s is %s: only an export on its way is delivered", id,
		                   json_string_value(json_object_get(s, "state")));
		goto fail;
	}
	json_t *dup = NULL;
	char key[1024];
	transfers_key(key, sizeof key, json_string_value(json_object_get(p, "dvc")));
	if ((rc = wam_query_row(db, &dup, "SELECT id FROM shipments WHERE dvc_key=?", key, NULL)))
		goto fail;
	if (dup) {
		rc = wam_error_set(WAM_ECONFLICT, "dvc", "delivery verification certificate %s is recorded already, for shipment %s",
		                   json_string_value(json_object_get(p, "dvc")), json_string_value(json_object_get(dup, "id")));
		json_decref(dup);
		goto fail;
	}
	if (strcmp(json_string_value(json_object_get(p, "date")), json_string_value(json_object_get(s, "date"))) < 0) {
		rc = wam_error_set(WAM_EINVAL, "date", "a shipment is delivered on or after it left (%s)",
		                   json_string_value(json_object_get(s, "date")));
		goto fail;
	}
	rc = wam_ledger_append_commit(db, out, "shipment.delivered", id, p, wam_transfers_shipment_get);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(s);
	return rc;
}

#define SHIPMENT_SQL                                                                                                   \
	"SELECT s.id, s.direction, s.licence_id, l.number AS licence_number, s.euc_id, e.number AS euc_number,"        \
	" s.date, s.carrier, s.route, s.notes, s.state, s.dvc, s.delivered_on,"                                        \
	" (SELECT time FROM events WHERE seq=s.recorded_seq) AS recorded_at,"                                          \
	" (SELECT actor FROM events WHERE seq=s.recorded_seq) AS recorded_by,"                                         \
	TRANSFERS_CARRIED ", " TRANSFERS_DESTINATION("s.licence_id")                                                    \
	" AS destination FROM shipments s LEFT JOIN licences l ON l.id=s.licence_id LEFT JOIN eucs e ON e.id=s.euc_id"

int wam_transfers_shipment_get(wam_db *db, json_t **out, const char *id)
{
	json_t *s = NULL, *list = NULL;
	*out = NULL;
	int rc = transfers_national(db);
	if (rc || (rc = wam_query_row(db, &s, SHIPMENT_SQL " WHERE s.id=?", id, NULL)))
		return rc;
	if (!s)
		return wam_error_set(WAM_ENOTFOUND, "id", "no shipment '%.40s'", id);
	transfers_decode(s, "route");
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT x.item_id, i.serial, i.make, i.model, i.category, i.calibre, x.licence_line AS line"
	                         " FROM shipment_items x LEFT JOIN items i ON i.id=x.item_id WHERE x.shipment_id=?"
	                         " ORDER BY x.n",
	                         id, NULL)))
		goto fail;
	json_object_set_new(s, "items", list);
	if ((rc = wam_query_rows(db, &list,
	                         "SELECT x.lot_id, t.lot_number, t.calibre, x.rounds, x.licence_line AS line"
	                         " FROM shipment_lots x LEFT JOIN lots t ON t.id=x.lot_id WHERE x.shipment_id=?"
	                         " ORDER BY x.n",
	                         id, NULL)))
		goto fail;
	json_object_set_new(s, "lots", list);
	*out = s;
	return 0;
fail:
	json_decref(s);
	return rc;
}

int wam_transfers_shipment_list(wam_db *db, json_t **out, const char *licence)
{
	char id[WAM_ID_LEN + 1];
	json_t *s;
	size_t i;
	*out = NULL;
	int rc = transfers_national(db);
	if (!rc && licence && *licence)
		rc = transfers_resolve(db, id, "licences", "number", licence, "licence", "licence");
	if (rc || (rc = wam_query_rows(db, out, SHIPMENT_SQL " WHERE ?1 IS NULL OR s.licence_id=?1"
	                               " ORDER BY s.recorded_seq DESC", licence && *licence ? id : NULL, NULL)))
		return rc;
	json_array_foreach(*out, i, s) transfers_decode(s, "route");
	return 0;
}
