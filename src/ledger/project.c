/* Projections: the tables a registry is queried through, computed from the
 * events alone. One apply function per event type; the live registry,
 * `wam rebuild` and `wam verify` all run this same code, so a projection that
 * disagrees with its events can only come from outside wam. Derived values
 * (normalized keys, marking status) are computed here, never stored in
 * events, so an improved rule is applied to every record by a rebuild. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "registry/rules.h"
#include "stock/check.h"
#include "stock/stockpile.h"
#include "collection/project.h"
#include "stock/project_destruction.h"
#include "trace/project.h"

enum {
	P_REGISTRY,
	P_SITE,
	P_HOLDER,
	P_ITEM,
	P_MARKING,
	P_IMPORT_MARK,
	P_STATUS,
	P_USER,
	P_USER_CHANGE,
	P_TOKEN,
	P_TOKEN_REVOKE,
	P_COUNT
};

static const char *const sql[P_COUNT] = {
	[P_REGISTRY] = "INSERT INTO registry(node_id,name,country,created,last_seq) VALUES(?,?,?,?,?)",
	[P_SITE] = "INSERT INTO sites(id,name,kind,country,lat,lon,parent_id,notes,last_seq)"
	           " VALUES(?,?,?,?,?,?,?,?,?)",
	[P_HOLDER] = "INSERT INTO holders(id,type,name,country,licence,address,last_seq) VALUES(?,?,?,?,?,?,?)",
	[P_ITEM] = "INSERT INTO items(id,category,make,model,calibre,serial,serial_key,make_key,country,year,status,"
	           "marking_status,marking_reason,site_id,holder_id,notes,duplicate_of,registered_seq,last_seq,serial_alt)"
	           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[P_MARKING] = "INSERT INTO markings(item_id,n,component,kind,text,script,legibility,altered,location)"
	              " VALUES(?,?,?,?,?,?,?,?,?)",
	[P_IMPORT_MARK] = "INSERT INTO import_marks(item_id,n,country,year) VALUES(?,?,?,?)",
	[P_STATUS] = "UPDATE items SET status=?, last_seq=? WHERE id=?",
	[P_USER] = "INSERT INTO users(id,name,role,sites,disabled,created,last_seq) VALUES(?,?,?,?,0,?,?)",
	/* a user.changed event carries only what changed; NULL keeps the rest */
	[P_USER_CHANGE] = "UPDATE users SET role=coalesce(?1,role), sites=coalesce(?2,sites),"
	                  " disabled=coalesce(?3,disabled), last_seq=?4 WHERE id=?5",
	[P_TOKEN] = "INSERT INTO tokens(id,name,role,sites,revoked,created,last_seq) VALUES(?,?,?,?,0,?,?)",
	[P_TOKEN_REVOKE] = "UPDATE tokens SET revoked=1, last_seq=? WHERE id=?",
};

#define ROOM_SLOTS 32

struct projector {
	sqlite3 *conn;
	sqlite3_stmt *st[P_COUNT];
	sqlite3_stmt *room_st[WAM_ROOMS_MAX][ROOM_SLOTS]; /* the other rooms' statements */
	char country[8]; /* the registry's own country, from registry.created */
};

int wam_projection_create(sqlite3 *conn)
{
	return wam_sql_exec(conn, wam_sql_projections);
}

int wam_projection_drop(sqlite3 *conn)
{
	return wam_sql_exec(conn, "DROP TABLE IF EXISTS registry; DROP TABLE IF EXISTS sites;"
	                          "DROP TABLE IF EXISTS holders; DROP TABLE IF EXISTS items;"
	                          "DROP TABLE IF EXISTS markings; DROP TABLE IF EXISTS import_marks;"
	                          "DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS tokens;"
	                          "DROP TABLE IF EXISTS item_tally;"
	                          "DROP TABLE IF EXISTS stock_checks; DROP TABLE IF EXISTS stock_check_expected;"
	                          "DROP TABLE IF EXISTS stock_check_reads; DROP TABLE IF EXISTS stock_investigations;"
	                          "DROP TABLE IF EXISTS lots; DROP TABLE IF EXISTS custody; DROP TABLE IF EXISTS custody_rules;"
	                          "DROP TABLE IF EXISTS recoveries; DROP TABLE IF EXISTS recovery_items;"
	                          "DROP TABLE IF EXISTS recovery_handovers; DROP TABLE IF EXISTS recovery_photos;"
	                          "DROP TABLE IF EXISTS collection_tasks; DROP TABLE IF EXISTS destructions;"
	                          "DROP TABLE IF EXISTS destruction_items; DROP TABLE IF EXISTS destruction_people;"
	                          "DROP TABLE IF EXISTS destruction_checks; DROP TABLE IF EXISTS destruction_lots;"
	                          "DROP TABLE IF EXISTS destruction_confirmations; DROP TABLE IF EXISTS export_proposals;"
	                          "DROP TABLE IF EXISTS loss_reports; DROP TABLE IF EXISTS hits;"
	                          "DROP TABLE IF EXISTS item_origins; DROP TABLE IF EXISTS trace_requests;"
	                          "DROP TABLE IF EXISTS trace_responses; DROP TABLE IF EXISTS peers;");
}

struct projector *wam_projector_new(sqlite3 *conn)
{
	struct projector *p = calloc(1, sizeof *p);
	if (!p) {
		wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	p->conn = conn;
	/* the registry's country shapes marking rule R2; read it if known */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(conn, "SELECT coalesce(country,'') FROM registry", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(p->country, sizeof p->country, "%s", wam_col_text(st, 0));
		sqlite3_finalize(st);
	}
	return p;
}

void wam_projector_free(struct projector *p)
{
	if (!p)
		return;
	for (int i = 0; i < P_COUNT; i++)
		sqlite3_finalize(p->st[i]);
	for (int r = 0; r < WAM_ROOMS_MAX; r++)
		for (int i = 0; i < ROOM_SLOTS; i++)
			sqlite3_finalize(p->room_st[r][i]);
	free(p);
}

const char *wam_projector_country(const struct projector *p)
{
	return p->country;
}

static sqlite3_stmt *stmt(struct projector *p, int k)
{
	if (!p->st[k]) {
		if (sqlite3_prepare_v3(p->conn, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &p->st[k], NULL) != SQLITE_OK) {
			wam_sql_fail(p->conn, "prepare projection");
			return NULL;
		}
	} else {
		sqlite3_reset(p->st[k]);
	}
	return p->st[k];
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void wam_bind_json_text(sqlite3_stmt *st, int i, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void wam_bind_json_number(sqlite3_stmt *st, int i, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else if (json_is_real(v))
		sqlite3_bind_double(st, i, json_real_value(v));
	else
		sqlite3_bind_null(st, i);
}

int wam_bind_json_fields(sqlite3_stmt *st, int first, const json_t *o, const char *const *keys)
{
	for (; *keys; keys++, first++)
		if (**keys == '#')
			wam_bind_json_number(st, first, o, *keys + 1);
		else
			wam_bind_json_text(st, first, o, *keys);
	return first;
}

int wam_projection_step(sqlite3 *conn, sqlite3_stmt *st, int64_t seq)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return 0;
	int ext = sqlite3_extended_errcode(conn);
	if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld re-creates a record that already exists",
		                     (long long)seq);
	return wam_sql_fail(conn, "apply event");
}

static int run(struct projector *p, sqlite3_stmt *st, int64_t seq)
{
	return wam_projection_step(p->conn, st, seq);
}

static int apply_registry(struct projector *p, int64_t seq, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = stmt(p, P_REGISTRY);
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "node_id");
	wam_bind_json_text(st, 2, pl, "name");
	wam_bind_json_text(st, 3, pl, "country");
	sqlite3_bind_text(st, 4, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seq);
	snprintf(p->country, sizeof p->country, "%s", str(pl, "country") ? str(pl, "country") : "");
	return run(p, st, seq);
}

static int apply_site(struct projector *p, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = stmt(p, P_SITE);
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"name", "kind", "country", "#lat", "#lon", "parent_id", "notes", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return run(p, st, seq);
}

static int apply_holder(struct projector *p, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = stmt(p, P_HOLDER);
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"type", "name", "country", "licence", "address", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return run(p, st, seq);
}

static int apply_full_item(struct projector *p, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	char serial_key[512], make_key[512], alt[512], reason[256];
	const char *mstatus;
	if ((rc = wam_item_keys(pl, serial_key, sizeof serial_key, make_key, sizeof make_key, alt, sizeof alt)))
		return rc;
	mstatus = wam_marking_status(pl, p->country, reason, sizeof reason);

	sqlite3_stmt *st = stmt(p, P_ITEM);
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
	if ((rc = run(p, st, seq)))
		return rc;

	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(pl, "markings"), i, m)
	{
		if (!(st = stmt(p, P_MARKING)))
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
		if ((rc = run(p, st, seq)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "import_marks"), i, m)
	{
		if (!(st = stmt(p, P_IMPORT_MARK)))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		wam_bind_json_text(st, 3, m, "country");
		wam_bind_json_number(st, 4, m, "year");
		if ((rc = run(p, st, seq)))
			return rc;
	}
	return 0;
}

/* Events hold compact payloads; the tables hold the full form. */
static int apply_item(struct projector *p, int64_t seq, const char *id, const json_t *compact)
{
	json_t *full = wam_item_expand(compact);
	int rc = full ? apply_full_item(p, seq, id, full) : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(full);
	return rc;
}

static int apply_status(struct projector *p, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = stmt(p, P_STATUS);
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "to");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	int rc = run(p, st, seq);
	if (!rc && sqlite3_changes(p->conn) != 1)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld changes the status of %s, which does not exist",
		                     (long long)seq, id);
	return rc;
}

/* Site lists are stored as canonical JSON, so equal lists are equal text.
 * Without a list in the payload, binds `absent` (NULL or a text). */
static int bind_sites(sqlite3_stmt *st, int i, const json_t *pl, const char *absent)
{
	const json_t *sites = json_object_get(pl, "sites");
	if (!json_is_array(sites)) {
		if (absent)
			sqlite3_bind_text(st, i, absent, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i);
		return 0;
	}
	char *canon = wam_canon(sites);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, i, canon, -1, free);
	return 0;
}

/* Users and tokens share a shape: id, name, role, sites, created. */
static int apply_principal(struct projector *p, int k, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = stmt(p, k);
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "name");
	wam_bind_json_text(st, 3, pl, "role");
	if (bind_sites(st, 4, pl, "[]"))
		return WAM_ENOMEM;
	sqlite3_bind_text(st, 5, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, seq);
	return run(p, st, seq);
}

static int apply_user_change(struct projector *p, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = stmt(p, P_USER_CHANGE);
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "role");
	if (bind_sites(st, 2, pl, NULL))
		return WAM_ENOMEM;
	const json_t *d = json_object_get(pl, "disabled");
	if (json_is_boolean(d))
		sqlite3_bind_int(st, 3, json_is_true(d));
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	int rc = run(p, st, seq);
	if (!rc && sqlite3_changes(p->conn) != 1)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld changes user %s, who does not exist",
		                     (long long)seq, id);
	return rc;
}

static int apply_token_revoke(struct projector *p, int64_t seq, const char *id)
{
	sqlite3_stmt *st = stmt(p, P_TOKEN_REVOKE);
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int rc = run(p, st, seq);
	if (!rc && sqlite3_changes(p->conn) != 1)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld revokes token %s, which does not exist",
		                     (long long)seq, id);
	return rc;
}

/* The rooms beyond the registry project their own events, each from its
 * own file: a row per room, matched on the event type's prefix. */
static const struct {
	const char *prefix;
	wam_room_apply_fn apply;
} rooms[] = {
	{"lot.", wam_stockpile_apply},      /* stock: ammunition lots */
	{"location.", wam_stockpile_apply}, /* stock: weapons moved between sites */
	{"custody.", wam_stockpile_apply},  /* stock: weapons issued and returned */
	{"check.", wam_check_apply},      /* stock: stock checks and their investigations */
	{"recovery.", wam_collection_apply},   /* collection: recoveries, hand-overs, photos */
	{"task.", wam_collection_apply},       /* collection: tasks to mark or destroy (R5) */
	{"destruction.", wam_destruction_apply}, /* stock: destruction batches */
	{"export.", wam_export_apply},         /* registry: exports proposed and confirmed */
	{"loss.", wam_trace_hit_apply},        /* trace: weapons reported lost or stolen */
	{"hit.", wam_trace_hit_apply},         /* trace: recovered weapons close to registered ones */
	{"origin.", wam_trace_hit_apply},      /* trace: illicit origin established otherwise */
	{"trace.", wam_trace_request_apply},   /* trace: ITI trace requests and responses */
	{"peer.", wam_trace_request_apply},    /* trace: registries whose documents are trusted */
	{NULL, NULL}, /* a room adds its row above this line */
};
_Static_assert(sizeof rooms / sizeof rooms[0] <= WAM_ROOMS_MAX + 1, "raise WAM_ROOMS_MAX");

sqlite3_stmt *wam_room_stmt(wam_room_ctx *ctx, int slot, const char *text)
{
	struct projector *p = ctx->p;
	if (slot < 0 || slot >= ROOM_SLOTS) {
		wam_error_set(WAM_EDB, NULL, "statement slot %d out of range", slot);
		return NULL;
	}
	sqlite3_stmt **st = &p->room_st[ctx->room][slot];
	if (!*st) {
		if (sqlite3_prepare_v3(p->conn, text, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
			wam_sql_fail(p->conn, "prepare projection");
			return NULL;
		}
	} else {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
	}
	return *st;
}

static int apply(struct projector *p, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	for (int r = 0; rooms[r].prefix; r++)
		if (!strncmp(type, rooms[r].prefix, strlen(rooms[r].prefix))) {
			wam_room_ctx ctx = {.p = p, .conn = p->conn, .room = r};
			return rooms[r].apply(&ctx, seq, type, subject, payload, time);
		}
	if (!strcmp(type, "item.registered"))
		return apply_item(p, seq, subject, payload);
	if (!strcmp(type, "item.status_changed"))
		return apply_status(p, seq, subject, payload);
	if (!strcmp(type, "site.added"))
		return apply_site(p, seq, subject, payload);
	if (!strcmp(type, "holder.added"))
		return apply_holder(p, seq, subject, payload);
	if (!strcmp(type, "registry.created"))
		return apply_registry(p, seq, payload, time);
	if (!strcmp(type, "user.added"))
		return apply_principal(p, P_USER, seq, subject, payload, time);
	if (!strcmp(type, "user.changed"))
		return apply_user_change(p, seq, subject, payload);
	if (!strcmp(type, "token.added"))
		return apply_principal(p, P_TOKEN, seq, subject, payload, time);
	if (!strcmp(type, "token.revoked"))
		return apply_token_revoke(p, seq, subject);
	/* facts the ledger keeps that shape no table: the secret itself is in
	 * credentials, a read changes nothing, and the reference data's digest is
	 * what verify compares the reference tables with */
	if (!strcmp(type, "user.password_set") || !strcmp(type, "record.read") || !strcmp(type, "refdata.recorded"))
		return 0;
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

int wam_projector_apply(struct projector *p, int64_t seq, const char *type, const char *subject,
                        const json_t *payload, const char *time)
{
	return apply(p, seq, type, subject, payload, time);
}

int wam_projector_replay(struct projector *p, sqlite3 *src, wam_progress_fn progress, void *payload)
{
	sqlite3_stmt *st;
	int rc = 0, r;
	if (sqlite3_prepare_v2(src, "SELECT seq, type, subject, payload, time FROM events ORDER BY seq", -1, &st,
	                       NULL) != SQLITE_OK)
		return wam_sql_fail(src, "read events");
	long n = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		json_error_t jerr;
		json_t *pl = json_loadb((const char *)sqlite3_column_text(st, 3), (size_t)sqlite3_column_bytes(st, 3),
		                        JSON_DECODE_ANY, &jerr);
		if (!pl) {
			rc = wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has a payload that is not JSON", (long long)seq);
			break;
		}
		rc = apply(p, seq, wam_col_text(st, 1), wam_col_text(st, 2), pl, wam_col_text(st, 4));
		json_decref(pl);
		if (rc)
			break;
		if (progress && (++n & 0xffff) == 0)
			progress(n, 0, payload);
	}
	if (!rc && r != SQLITE_DONE)
		rc = wam_sql_fail(src, "read events");
	sqlite3_finalize(st);
	return rc;
}
