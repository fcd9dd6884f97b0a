/* The registry room's projector: registry.created, site.added,
 * holder.added, holder.described, item.registered, item.status_changed and item.attached into
 * the registry, sites, holders, holder_people, items, markings, import_marks, item_makeup
 * and marking_methods tables (item_tally
 * follows items through its triggers), and the export proposals
 * (export_proposal.c). Derived values — normalized keys, marking status —
 * are computed here with the registry's own rules (rules.c), never stored
 * in events, so an improved rule reaches every weapon by a rebuild. The
 * registry's own country, which marking rule R2 needs, is the room's state
 * beside each projector. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ledger/room.h"
#include "registry/project.h"
#include "registry/registry.h"
#include "registry/rules.h"

enum {
	S_REGISTRY,
	S_SITE,
	S_HOLDER,
	S_ITEM,
	S_MARKING,
	S_IMPORT_MARK,
	S_STATUS,
	S_MAKEUP,
	S_METHOD,
	S_ATTACH,
	S_ATTACH_SEQ,
	S_PEOPLE,
	S_HOLDER_EXISTS,
};

/* the projector files of the room, each with statement slots of its own */
enum { PART_REGISTRY, PART_EXPORT };

static int run(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq)
{
	return wam_projection_step(ctx->conn, st, seq);
}

static int apply_registry(wam_room_ctx *ctx, int64_t seq, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_REGISTRY, "INSERT INTO registry(node_id,name,country,created,last_seq) VALUES(?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "node_id");
	wam_bind_json_text(st, 2, pl, "name");
	wam_bind_json_text(st, 3, pl, "country");
	sqlite3_bind_text(st, 4, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seq);
	return run(ctx, st, seq);
}

static int apply_site(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_SITE,
	                                 "INSERT INTO sites(id,name,kind,country,lat,lon,parent_id,notes,last_seq)"
	                                 " VALUES(?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"name", "kind", "country", "#lat", "#lon", "parent_id", "notes", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return run(ctx, st, seq);
}

/* A holder's sex and age band, into holder_people (migration 15): only an
 * event that gives one writes the row (a holder never described has none,
 * so a registry migrated and one replayed agree); a field it does not give
 * keeps what was there. */
static int apply_people(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	if (!json_object_get(pl, "sex") && !json_object_get(pl, "age_band"))
		return 0;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_PEOPLE,
	                                 "INSERT INTO holder_people(holder_id,sex,age_band,last_seq)"
	                                 " VALUES(?1,coalesce(?2,'not_recorded'),coalesce(?3,'not_recorded'),?4)"
	                                 " ON CONFLICT(holder_id) DO UPDATE SET sex=coalesce(?2,sex),"
	                                 " age_band=coalesce(?3,age_band), last_seq=?4");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "sex");
	wam_bind_json_text(st, 3, pl, "age_band");
	sqlite3_bind_int64(st, 4, seq);
	return run(ctx, st, seq);
}

/* holder.described: the holder must exist */
static int apply_described(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_HOLDER_EXISTS, "SELECT 1 FROM holders WHERE id=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!found)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld describes holder %s, which does not exist",
		                     (long long)seq, id);
	return apply_people(ctx, seq, id, pl);
}

static int apply_holder(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_HOLDER, "INSERT INTO holders(id,type,name,country,licence,address,last_seq) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"type", "name", "country", "licence", "address", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	int rc = run(ctx, st, seq);
	return rc ? rc : apply_people(ctx, seq, id, pl);
}

static int apply_full_item(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	char serial_key[512], make_key[512], alt[512], reason[256];
	const char *mstatus;
	if ((rc = wam_item_keys(pl, serial_key, sizeof serial_key, make_key, sizeof make_key, alt, sizeof alt)))
		return rc;
	mstatus = wam_registry_marking_status(pl, wam_projector_country(ctx->p), reason, sizeof reason);

	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_ITEM,
	    "INSERT INTO items(id,category,make,model,calibre,serial,serial_key,make_key,country,year,status,"
	    "marking_status,marking_reason,site_id,holder_id,notes,duplicate_of,registered_seq,last_seq,serial_alt)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "category");
	wam_bind_json_text(st, 3, pl, "make");
	wam_bind_json_text(st, 4, pl, "model");
	wam_bind_json_text(st, 5, pl, "calibre");
	wam_bind_json_text(st, 6, pl, "serial");
	sqlite3_bind_text(st, 7, serial_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, make_key, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 9, pl, "country");
	wam_bind_json_number(st, 10, pl, "year");
	wam_bind_json_text(st, 11, pl, "status");
	sqlite3_bind_text(st, 12, mstatus, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, reason, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 14, pl, "site_id");
	wam_bind_json_text(st, 15, pl, "holder_id");
	wam_bind_json_text(st, 16, pl, "notes");
	const json_t *dup = json_object_get(pl, "duplicate_of");
	char *dups = NULL;
	if (json_is_array(dup) && json_array_size(dup)) {
		wam_buf b = {0};
		size_t i;
		const json_t *v;
		json_array_foreach(dup, i, v)
		{
			if (i)
				wam_buf_putc(&b, ' ');
			wam_buf_puts(&b, json_string_value(v) ? json_string_value(v) : "");
		}
		dups = b.p;
	}
	if (dups)
		sqlite3_bind_text(st, 17, dups, -1, free);
	else
		sqlite3_bind_null(st, 17);
	sqlite3_bind_int64(st, 18, seq);
	sqlite3_bind_int64(st, 19, seq);
	sqlite3_bind_text(st, 20, alt, -1, SQLITE_STATIC);
	if ((rc = run(ctx, st, seq)))
		return rc;

	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(pl, "markings"), i, m)
	{
		if (!(st = wam_room_stmt(ctx, S_MARKING,
		                         "INSERT INTO markings(item_id,n,component,kind,text,script,legibility,altered,"
		                         "location) VALUES(?,?,?,?,?,?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		wam_bind_json_text(st, 3, m, "component");
		wam_bind_json_text(st, 4, m, "kind");
		wam_bind_json_text(st, 5, m, "text");
		wam_bind_json_text(st, 6, m, "script");
		wam_bind_json_text(st, 7, m, "legibility");
		sqlite3_bind_int(st, 8, json_is_true(json_object_get(m, "altered")));
		wam_bind_json_text(st, 9, m, "location");
		if ((rc = run(ctx, st, seq)))
			return rc;
	}
	/* how the item was made and what it is: a row only when any is recorded */
	static const char *const makeup[] = {"part_type",      "belongs_to",       "manufacture", "converted_from",
	                                     "frame_material", "serial_component", NULL};
	bool any = json_object_get(pl, "kind") != NULL;
	for (int k = 0; makeup[k] && !any; k++)
		any = json_object_get(pl, makeup[k]) != NULL;
	if (any) {
		if (!(st = wam_room_stmt(ctx, S_MAKEUP,
		                         "INSERT INTO item_makeup(item_id,kind,part_type,belongs_to,manufacture,"
		                         "converted_from,frame_material,serial_component) VALUES(?,?,?,?,?,?,?,?)")))
			return WAM_EDB;
		const char *kind = json_string_value(json_object_get(pl, "kind"));
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kind ? kind : "weapon", -1, SQLITE_STATIC);
		wam_bind_json_fields(st, 3, pl, makeup);
		if ((rc = run(ctx, st, seq)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "markings"), i, m)
	{
		if (!json_object_get(m, "method"))
			continue;
		if (!(st = wam_room_stmt(ctx, S_METHOD, "INSERT INTO marking_methods(item_id,n,method) VALUES(?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		wam_bind_json_text(st, 3, m, "method");
		if ((rc = run(ctx, st, seq)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "import_marks"), i, m)
	{
		if (!(st = wam_room_stmt(ctx, S_IMPORT_MARK,
		                         "INSERT INTO import_marks(item_id,n,country,year) VALUES(?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		wam_bind_json_text(st, 3, m, "country");
		wam_bind_json_number(st, 4, m, "year");
		if ((rc = run(ctx, st, seq)))
			return rc;
	}
	return 0;
}

/* Events hold compact payloads; the tables hold the full form. */
static int apply_item(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *compact)
{
	json_t *full = wam_item_expand(compact);
	int rc = full ? apply_full_item(ctx, seq, id, full) : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(full);
	return rc;
}

static int apply_status(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	/* a weapon that left the registry's custody (exported by a shipment or
	 * a confirmed export: left_custody) has no site and no holder */
	sqlite3_stmt *st = wam_room_stmt(ctx, S_STATUS,
	                                 "UPDATE items SET status=?1, last_seq=?2,"
	                                 " site_id=CASE WHEN ?4 THEN NULL ELSE site_id END,"
	                                 " holder_id=CASE WHEN ?4 THEN NULL ELSE holder_id END WHERE id=?3");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "to");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, json_is_true(json_object_get(pl, "left_custody")));
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld changes the status of %s, which does not exist",
	                               (long long)seq, id);
}

/* A part linked to a weapon, or unlinked (weapon_id null). */
static int apply_attach(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ATTACH, "UPDATE item_makeup SET belongs_to=?1 WHERE item_id=?2");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "weapon_id");
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = wam_projection_step_one(ctx->conn, st, seq, "event %lld links part %s, which is not a part",
	                                  (long long)seq, id)))
		return rc;
	if (!(st = wam_room_stmt(ctx, S_ATTACH_SEQ, "UPDATE items SET last_seq=?1 WHERE id=?2")))
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return run(ctx, st, seq);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strncmp(type, "export.", 7)) {
		ctx->part = PART_EXPORT;
		return wam_export_apply(ctx, seq, type, subject, payload, time);
	}
	if (!strcmp(type, "item.registered"))
		return apply_item(ctx, seq, subject, payload);
	if (!strcmp(type, "item.status_changed"))
		return apply_status(ctx, seq, subject, payload);
	if (!strcmp(type, "item.attached"))
		return apply_attach(ctx, seq, subject, payload);
	if (!strcmp(type, "site.added"))
		return apply_site(ctx, seq, subject, payload);
	if (!strcmp(type, "holder.added"))
		return apply_holder(ctx, seq, subject, payload);
	if (!strcmp(type, "holder.described"))
		return apply_described(ctx, seq, subject, payload);
	if (!strcmp(type, "registry.created"))
		return apply_registry(ctx, seq, payload, time);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

/* The sites and holders known to exist in a handle's transaction
 * (item.c's check of a weapon's references). */
static void known_clear(wam_db *db)
{
	void **known = wam_room_state(db, &wam_room_registry);
	if (known && *known)
		memset(*known, 0, sizeof(wam_known_refs));
}

static void known_free(wam_db *db)
{
	void **known = wam_room_state(db, &wam_room_registry);
	if (known) {
		free(*known);
		*known = NULL;
	}
}

wam_known_refs *wam_registry_known_refs(wam_db *db)
{
	void **known = wam_room_state(db, &wam_room_registry);
	if (known && !*known)
		*known = calloc(1, sizeof(wam_known_refs)); /* without it, every reference is looked up */
	return known ? *known : NULL;
}

/* item_tally holds counts: a differing row names its dimensions, dated by
 * the last item event; markings and import marks are dated by their weapon */
static const struct wam_room_table tables[] = {
    {"registry", "node_id", "d.last_seq"},
    {"sites", "id", "d.last_seq"},
    {"holders", "id", "d.last_seq"},
    {"items", "id", "d.last_seq"},
    {"markings", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
    {"import_marks", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
    {"item_makeup", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
    {"holder_people", "holder_id", "d.last_seq"},
    {"marking_methods", "item_id", "(SELECT last_seq FROM main.items i WHERE i.id=d.item_id)"},
    {"item_tally", "status || ' ' || category || ' ' || marking_status || ' ' || country || ' ' || site_id",
     "(SELECT max(last_seq) FROM main.items)"},
    {"export_proposals", NULL, NULL},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_registry = {
    .name = "registry",
    .version = 4,
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_item_makeup, wam_sql_holder_people, wam_sql_report_indexes, NULL},
    .close = known_free,
    .rollback = known_clear,
    .subject_site = "SELECT site_id FROM items WHERE id=?1", /* a weapon lives at its site */
};
