/* Projections: the tables a registry is queried through, computed from the
 * events alone. Each room applies its own events to its own tables
 * (ledger/room.h); this file hands each event to its room, keeps the rooms'
 * prepared statements and replays the ledger. The live registry,
 * `wam rebuild` and `wam verify` all run this same code, so a projection that
 * disagrees with its events can only come from outside wam. Derived values
 * (normalized keys, marking status) are computed here, never stored in
 * events, so an improved rule is applied to every record by a rebuild. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "internal.h"
#include "ledger/events.h"
#include "ledger/room.h"

#define ROOM_SLOTS 32

struct projector {
	sqlite3 *conn;
	void *state[WAM_ROOMS_MAX]; /* each room's, made by its projector_open */
	sqlite3_stmt *room_st[WAM_ROOMS_MAX][WAM_ROOM_PARTS][ROOM_SLOTS];
	char country[8]; /* the registry's own country, from its genesis event */
};

static pthread_once_t version_once = PTHREAD_ONCE_INIT;
static char version_text[16];

static void version_sum(void)
{
	unsigned sum = 0;
	for (int r = 0; wam_rooms[r]; r++)
		sum += wam_rooms[r]->version;
	snprintf(version_text, sizeof version_text, "%u", sum);
}

const char *wam_projection_version(void)
{
	pthread_once(&version_once, version_sum);
	return version_text;
}

int wam_projection_create(sqlite3 *conn)
{
	int rc = wam_sql_exec(conn, wam_sql_projections);
	for (int r = 0; !rc && wam_rooms[r]; r++)
		for (const char *const *sql = wam_rooms[r]->schema; !rc && sql && *sql; sql++)
			rc = wam_sql_exec(conn, *sql);
	return rc;
}

int wam_projection_drop(sqlite3 *conn)
{
	wam_buf sql = {0};
	int rc = 0;
	for (int r = 0; !rc && wam_rooms[r]; r++)
		for (const struct wam_room_table *t = wam_rooms[r]->tables; !rc && t && t->name; t++)
			rc = wam_buf_printf(&sql, "DROP TABLE IF EXISTS %s;", t->name);
	if (!rc && sql.p)
		rc = wam_sql_exec(conn, sql.p);
	wam_buf_free(&sql);
	return rc;
}

struct projector *wam_projector_new(sqlite3 *conn)
{
	struct projector *p = calloc(1, sizeof *p);
	if (!p) {
		wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	p->conn = conn;
	/* the registry's country, when the connection holds its ledger (a live
	 * registry); a replay learns it from registry.created */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(conn,
	                       "SELECT coalesce(json_extract(payload,'$.country'),'') FROM events"
	                       " WHERE seq=1 AND type='registry.created'",
	                       -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(p->country, sizeof p->country, "%s", wam_col_text(st, 0));
		sqlite3_finalize(st);
	}
	for (int r = 0; wam_rooms[r]; r++) {
		wam_room_ctx ctx = {.p = p, .conn = conn, .room = r};
		if (wam_rooms[r]->projector_open && wam_rooms[r]->projector_open(&ctx, &p->state[r])) {
			wam_projector_free(p);
			return NULL;
		}
	}
	return p;
}

void wam_projector_free(struct projector *p)
{
	if (!p)
		return;
	for (int r = 0; r < WAM_ROOMS_MAX; r++)
		for (int k = 0; k < WAM_ROOM_PARTS; k++)
			for (int i = 0; i < ROOM_SLOTS; i++)
				sqlite3_finalize(p->room_st[r][k][i]);
	for (int r = 0; wam_rooms[r]; r++)
		if (p->state[r] && wam_rooms[r]->projector_close)
			wam_rooms[r]->projector_close(p->state[r]);
	free(p);
}

const char *wam_projector_country(const struct projector *p)
{
	return p->country;
}

void *wam_projector_state(const struct projector *p, const struct wam_room *room)
{
	int r = wam_room_index(room);
	return r < 0 ? NULL : p->state[r];
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

sqlite3_stmt *wam_room_stmt(wam_room_ctx *ctx, int slot, const char *text)
{
	struct projector *p = ctx->p;
	if (slot < 0 || slot >= ROOM_SLOTS) {
		wam_error_set(WAM_EDB, NULL, "statement slot %d out of range", slot);
		return NULL;
	}
	if (ctx->part < 0 || ctx->part >= WAM_ROOM_PARTS) {
		wam_error_set(WAM_EDB, NULL, "projector part %d out of range", ctx->part);
		return NULL;
	}
	sqlite3_stmt **st = &p->room_st[ctx->room][ctx->part][slot];
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

int wam_projection_step_one(sqlite3 *conn, sqlite3_stmt *st, int64_t seq, const char *fmt, ...)
{
	int rc = wam_projection_step(conn, st, seq);
	if (rc || sqlite3_changes(conn) == 1)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	rc = wam_error_vset(WAM_EINTEGRITY, 0, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

static int apply(struct projector *p, int64_t seq, const char *type, const char *subject, const json_t *payload,
                 const char *time)
{
	if (!strcmp(type, "registry.created")) {
		const char *c = json_string_value(json_object_get(payload, "country"));
		snprintf(p->country, sizeof p->country, "%s", c ? c : "");
	}
	const struct wam_room *room = wam_room_of(type);
	if (room && room->apply) {
		int r = wam_room_index(room);
		wam_room_ctx ctx = {.p = p, .conn = p->conn, .room = r, .state = p->state[r]};
		return room->apply(&ctx, seq, type, subject, payload, time);
	}
	/* the ledger's own events shape no table: the reference data's digest,
	 * which verify compares the reference tables with */
	const wam_event_type *t = wam_event_type_find(type);
	if (t && !strcmp(t->room, "ledger"))
		return 0;
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}

int wam_projector_apply(struct projector *p, int64_t seq, const char *type, const char *subject, const json_t *payload,
                        const char *time)
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
			rc = wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has a payload that is not JSON",
			                   (long long)seq);
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
