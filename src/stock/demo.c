/* The stock room's part of `wam demo`: on the registry the registry demo has
 * just made, a life a national stockpile would have had — staff, ammunition
 * lots at the depots (one store mixing groups it should not), weapons issued
 * and returned, a stock check whose reads miss and misplace a
 * few weapons with its investigations, recoveries from a DDR collection and
 * a seizure with their hand-overs and a weapon to be marked, and a
 * destruction batch closed with its certificate.
 *
 * It goes through the public calls of each room, as a user would, so every
 * record is an event like any other and the demo shows what the rules allow.
 * It runs inside the registry demo's transaction with its seeded generator:
 * the same seed gives the same stockpile. Data it draws on (lot types, the
 * demo's staff) is in data/demo.json. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/registry.h"
#include "wam/stock.h"

/* The id of every weapon at `site` in `status` (or, for "held", in store
 * or in service: what a stock check expects to see), at most `max`. */
static json_t *weapons_at(wam_db *db, const char *site, const char *status, int max)
{
	sqlite3_stmt *st;
	json_t *ids = json_array();
	bool held = !strcmp(status, "held");
	if (sqlite3_prepare_v2(db->conn,
	                       held ? "SELECT id FROM items WHERE site_id=?1 AND status IN ('in_store','in_service') "
	                              "ORDER BY id LIMIT ?3"
	                            : "SELECT id FROM items WHERE site_id=?1 AND status=?2 ORDER BY id LIMIT ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		return ids;
	sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
	if (!held)
		sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_string(wam_col_text(st, 0)));
	sqlite3_finalize(st);
	return ids;
}

/* A field of the weapon `id`. */
static char *weapon_field(wam_db *db, const char *id, const char *field)
{
	json_t *w = NULL;
	char *v = NULL;
	if (wam_registry_item_get(db, &w, id) == 0 && json_string_value(json_object_get(w, field)))
		v = strdup(json_string_value(json_object_get(w, field)));
	json_decref(w);
	return v;
}

/* Staff the checks and the destruction name: users of the registry, made
 * without a usable password (an admin sets one with `wam user passwd`). */
static int add_staff(wam_db *db, const json_t *staff)
{
	size_t i;
	const json_t *s;
	json_array_foreach(staff, i, s)
	{
		json_t *out = NULL;
		unsigned char raw[24];
		char password[49];
		randombytes_buf(raw, sizeof raw);
		wam_hex(password, raw, sizeof raw);
		int rc = wam_auth_user_add(db, &out, s, password);
		sodium_memzero(password, sizeof password);
		json_decref(out);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_lots(wam_db *db, wam_rng *rng, const json_t *types, const json_t *sites, json_t *lot_ids)
{
	size_t i;
	const json_t *t;
	json_array_foreach(types, i, t)
	{
		json_t *lot = json_deep_copy(t), *out = NULL;
		const char *site = json_string_value(json_array_get(sites, i % json_array_size(sites)));
		char number[32];
		snprintf(number, sizeof number, "%s-%02u-%04u", json_string_value(json_object_get(t, "headstamp")),
		         (unsigned)(5 + wam_rng_below(rng, 18)), (unsigned)wam_rng_below(rng, 10000));
		json_object_set_new(lot, "lot_number", json_string(number));
		json_object_set_new(lot, "site_id", json_string(site));
		int rc = wam_stock_lot_add(db, &out, lot);
		json_decref(lot);
		if (rc)
			return rc;
		json_array_append(lot_ids, json_object_get(out, "id"));
		json_decref(out);
	}
	/* the first lot is drawn on and part of it moved to the next depot */
	const char *first = json_string_value(json_array_get(lot_ids, 0));
	json_t *issue = json_pack("{s:i, s:s, s:s}", "rounds", 12000, "recipient", "1st Infantry Company, FAd'H",
	                          "document", "issue voucher 2025/0311");
	json_t *split = json_pack("{s:i, s:s, s:s}", "rounds", 20000, "site_id",
	                          json_string_value(json_array_get(sites, 1)), "document", "transfer note 2025/0412");
	json_t *out = NULL;
	int rc = wam_stock_lot_issue(db, &out, first, issue);
	json_decref(out);
	out = NULL;
	if (!rc)
		rc = wam_stock_lot_split(db, &out, first, split);
	json_decref(out);
	json_decref(issue);
	json_decref(split);
	return rc;
}

static int add_custody(wam_db *db, const char *site)
{
	json_t *ids = weapons_at(db, site, "in_store", 3);
	int rc = 0;
	/* an expected return is never in the past when a weapon is issued, so
	 * the demo has nothing overdue yet: it will, as the dates pass */
	static const char *const due[] = {"2027-01-15", "2027-03-31", "2027-03-31"};
	for (size_t i = 0; i < json_array_size(ids) && !rc; i++) {
		json_t *issue = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s}", "item_id", json_string_value(json_array_get(ids, i)), "person",
		    i ? "Sgt. M. Augustin" : "Cpl. J. Baptiste", "unit", "Port-au-Prince patrol unit",
		    "expected_return", due[i], "document", "custody card 2025/118");
		json_t *out = NULL;
		rc = wam_stock_custody_issue(db, &out, issue);
		json_decref(issue);
		json_decref(out);
	}
	/* the last one comes back */
	if (!rc && json_array_size(ids) == 3) {
		json_t *ret = json_pack("{s:s}", "note", "returned after patrol, cleaned"), *out = NULL;
		rc = wam_stock_custody_return(db, &out, json_string_value(json_array_get(ids, 2)), ret);
		json_decref(ret);
		json_decref(out);
	}
	json_decref(ids);
	return rc;
}

/* A full serial check of a store: every weapon read but three, one read of
 * a weapon registered at another site, one serial nobody registered. */
static int add_check(wam_db *db, const char *site, const char *other_site, const json_t *checkers)
{
	json_t *open = json_pack("{s:s, s:s, s:O, s:s}", "site_id", site, "type", "FULL_SERIAL", "checkers", checkers,
	                         "notes", "annual serial-number check"),
	       *check = NULL, *ids = weapons_at(db, site, "held", 100000),
	       *elsewhere = weapons_at(db, other_site, "held", 1);
	int rc = wam_stock_check_open(db, &check, open);
	size_t n = json_array_size(ids);
	const char **reads = calloc(n + 2, sizeof *reads);
	size_t k = 0;
	if (!rc && !reads)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	for (size_t i = 3; !rc && i < n; i++)
		reads[k++] = json_string_value(json_array_get(ids, i));
	if (!rc && json_array_size(elsewhere))
		reads[k++] = json_string_value(json_array_get(elsewhere, 0));
	if (!rc)
		reads[k++] = "ZZ-000-UNKNOWN";
	const char *check_id = json_string_value(json_object_get(check, "id"));
	json_t *out = NULL;
	if (!rc)
		rc = wam_stock_check_see(db, &out, check_id, WAM_READ_SCANNED, reads, k);
	json_decref(out);
	out = NULL;
	if (!rc)
		rc = wam_stock_check_close(db, &out, check_id);
	json_decref(out);
	free(reads);
	json_decref(open);
	json_decref(check);
	json_decref(ids);
	json_decref(elsewhere);
	return rc;
}

static int add_recoveries(wam_db *db, const json_t *recoveries)
{
	size_t i;
	const json_t *r;
	json_array_foreach(recoveries, i, r)
	{
		json_t *out = NULL;
		int rc = wam_collection_recovery_add(db, &out, r);
		const char *id = json_string_value(json_object_get(out, "id"));
		json_t *handover =
		    json_pack("{s:s, s:s, s:s}", "from", json_string_value(json_object_get(r, "officer")), "to",
		              "Central Armoury, Port-au-Prince", "reason", "taken into secure storage");
		json_t *done = NULL;
		if (!rc)
			rc = wam_collection_recovery_handover(db, &done, id, handover);
		json_decref(done);
		json_decref(handover);
		json_decref(out);
		if (rc)
			return rc;
	}
	return 0;
}

/* Verifier `name` confirms batch `id` signed in as themselves: the
 * confirmation's actor is the verifier's, as when they confirm with their
 * own password; the demo's own actor is restored after. */
static int confirm_as(wam_db *db, const char *id, const char *name)
{
	json_t *user = NULL, *out = NULL;
	wam_principal who;
	char actor[128], saved[128];
	int rc = wam_auth_user_get(db, &user, name);
	if (rc)
		return rc;
	wam_auth_user_principal(&who, user);
	json_decref(user);
	snprintf(saved, sizeof saved, "%s", db->actor);
	wam_auth_principal_actor(&who, actor, sizeof actor);
	if (!(rc = wam_db_set_actor(db, actor)))
		rc = wam_stock_destruction_confirm(db, &out, id, &who);
	wam_db_set_actor(db, saved);
	json_decref(out);
	return rc;
}

/* This batch takes seized weapons through the whole procedure: listed,
 * read at the furnace, confirmed by two verifiers, closed. */
static int add_destruction(wam_db *db, const char *site, const json_t *verifiers)
{
	json_t *batch = json_pack("{s:s, s:s, s:s, s:s}", "method", "CUT", "site", site, "date", "2025-11-20", "notes",
	                          "public destruction, DDR programme"),
	       *b = NULL, *ids = weapons_at(db, site, "seized", 5), *serials = json_array();
	int rc = wam_stock_destruction_open(db, &b, batch);
	const char *id = json_string_value(json_object_get(b, "id"));
	for (size_t i = 0; !rc && i < json_array_size(ids); i++) {
		const char *item = json_string_value(json_array_get(ids, i));
		char *serial = weapon_field(db, item, "serial");
		json_array_append_new(serials, json_string(serial && *serial ? serial : item));
		free(serial);
		json_t *out = NULL;
		rc = wam_stock_destruction_add_item(db, &out, id, item);
		json_decref(out);
	}
	size_t i;
	const json_t *v;
	json_array_foreach(verifiers, i, v)
	{
		json_t *out = NULL;
		if (!rc)
			rc = wam_stock_destruction_add_person(db, &out, id, "verifier", json_string_value(v));
		json_decref(out);
	}
	json_t *out = NULL;
	if (!rc)
		rc = wam_stock_destruction_add_person(db, &out, id, "witness", "MINUSTAH liaison officer");
	json_decref(out);
	out = NULL;
	if (!rc && json_array_size(ids)) /* a site with no seized weapon has none to read */
		rc = wam_stock_destruction_verify(db, &out, id, serials);
	json_decref(out);
	out = NULL;
	json_array_foreach(verifiers, i, v)
	{
		if (!rc && json_array_size(ids))
			rc = confirm_as(db, id, json_string_value(v));
	}
	if (!rc && json_array_size(ids))
		rc = wam_stock_destruction_close(db, &out, id, "DEST-2025-0042");
	json_decref(out);
	json_decref(batch);
	json_decref(b);
	json_decref(ids);
	json_decref(serials);
	return rc;
}

/* A weapon of the central armoury proposed for export under a licence,
 * waiting, as exports do, for a second person to confirm it. */
static int add_export(wam_db *db, const char *site)
{
	json_t *ids = weapons_at(db, site, "in_store", 1), *out = NULL;
	int rc = 0;
	if (json_array_size(ids)) {
		json_t *p =
		    json_pack("{s:O, s:s, s:s, s:s}", "item_id", json_array_get(ids, 0), "reason",
		              "surplus rifle sold to the Belgian federal police under a government-to-government "
		              "contract",
		              "document", "EL-2026-0117", "country", "BE");
		rc = wam_registry_export_propose(db, &out, p);
		json_decref(p);
		json_decref(out);
	}
	json_decref(ids);
	return rc;
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	const json_t *stock = json_object_get(demo, "stock");
	int rc;
	json_t *lots = json_array();
	if (!stock || json_array_size(sites) < 3) {
		json_decref(lots);
		return 0;
	}
	const char *central = json_string_value(json_array_get(sites, 0));
	const char *other = json_string_value(json_array_get(sites, 1));
	if ((rc = add_staff(db, json_object_get(stock, "staff"))) ||
	    (rc = add_lots(db, rng, json_object_get(stock, "lots"), sites, lots)) || (rc = add_custody(db, central)) ||
	    (rc = add_check(db, other, central, json_object_get(stock, "checkers"))) ||
	    (rc = add_recoveries(db, json_object_get(stock, "recoveries"))) ||
	    (rc = add_destruction(db, central, json_object_get(stock, "verifiers"))) || (rc = add_export(db, central)))
		goto done;
done:
	json_decref(lots);
	return rc;
}

/* The weapons whose demo life ends in destruction go the only way a weapon
 * is destroyed: in batches of at most 250, each listed, read, confirmed by
 * the demo's two verifiers signed in as themselves and closed with its
 * certificate. A weapon another part of the demo has since moved to a
 * status that cannot be destroyed, or already destroyed, is left out. */
static int destroy(wam_db *db, const json_t *demo, const char *site, const json_t *ids, const char *cert_prefix)
{
	const json_t *stock = json_object_get(demo, "stock"), *verifiers = json_object_get(stock, "verifiers");
	json_t *user = NULL, *rows = NULL;
	int rc = 0;
	if (!json_array_size(ids) || json_array_size(verifiers) < 2)
		return 0;
	/* a demo too small for the stockpile part has no staff yet */
	if (wam_auth_user_get(db, &user, json_string_value(json_array_get(verifiers, 0))) == WAM_ENOTFOUND &&
	    (rc = add_staff(db, json_object_get(stock, "staff"))))
		return rc;
	json_decref(user);
	size_t next = 0, n = 0;
	while (!rc && next < json_array_size(ids)) {
		char date[16], cert[64];
		snprintf(date, sizeof date, "2025-%02zu-15", 1 + n % 12);
		json_t *batch =
		           json_pack("{s:s, s:s, s:s, s:s}", "method", n % 2 ? "CRUSH" : "CUT", "site", site, "date",
		                     date, "notes", "surplus and recovered weapons, national destruction programme"),
		       *b = NULL, *serials = json_array();
		rc = wam_stock_destruction_open(db, &b, batch);
		const char *id = json_string_value(json_object_get(b, "id"));
		size_t listed = 0;
		for (; !rc && next < json_array_size(ids) && listed < 250; next++) {
			const char *item = json_string_value(json_array_get(ids, next));
			if (wam_stock_destruction_add_item(db, NULL, id, item)) {
				wam_error_clear();
				continue;
			}
			char *serial = weapon_field(db, item, "serial");
			json_array_append_new(serials, json_string(serial && *serial ? serial : item));
			free(serial);
			listed++;
		}
		size_t i;
		const json_t *v;
		json_array_foreach(verifiers, i, v)
		{
			if (!rc && listed)
				rc = wam_stock_destruction_add_person(db, NULL, id, "verifier", json_string_value(v));
		}
		if (!rc && listed)
			rc = wam_stock_destruction_verify(db, NULL, id, serials);
		json_array_foreach(verifiers, i, v)
		{
			if (!rc && listed)
				rc = confirm_as(db, id, json_string_value(v));
		}
		snprintf(cert, sizeof cert, "%s%04zu", cert_prefix && *cert_prefix ? cert_prefix : "DEST-", ++n);
		if (!rc && listed)
			rc = wam_stock_destruction_close(db, NULL, id, cert);
		json_decref(batch);
		json_decref(b);
		json_decref(serials);
	}
	json_decref(rows);
	return rc;
}

/* How many weapons the stockpile demo's recoveries bring. */
static long weapons(const json_t *demo)
{
	long n = 0;
	size_t i;
	const json_t *rv;
	json_array_foreach(json_object_get(json_object_get(demo, "stock"), "recoveries"), i, rv) n +=
	    (long)json_array_size(json_object_get(rv, "weapons"));
	return n;
}

/* The stockpile part of `wam demo` (rooms.c lists it): staff, lots, custody,
 * a stock check, recoveries, and the destruction batches that end the demo
 * weapons' lives. */
const wam_demo_part wam_stock_demo_part = {.room = "stock", .weapons = weapons, .fill = fill, .destroy = destroy};
