/* The core's side of the rooms (ledger/room.h): which room owns an event
 * type, each room's state beside a handle, and the hooks run at points of
 * a handle's life. The list itself is src/rooms.c. */
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "ledger/events.h"
#include "ledger/room.h"

/* The room the event catalogue (src/events.json) names for `type`: NULL
 * for a type it does not declare, or one of the ledger's own ("ledger"),
 * which no room applies. Looked up once per catalogue entry. */
static const struct wam_room *by_entry[256];
static pthread_once_t by_entry_once = PTHREAD_ONCE_INIT;

static void by_entry_fill(void)
{
	for (size_t i = 0; i < wam_event_type_count && i < sizeof by_entry / sizeof by_entry[0]; i++)
		for (int r = 0; wam_rooms[r]; r++)
			if (!strcmp(wam_event_types[i].room, wam_rooms[r]->name))
				by_entry[i] = wam_rooms[r];
}

const struct wam_room *wam_room_of(const char *type)
{
	const wam_event_type *t = wam_event_type_find(type);
	if (!t)
		return NULL;
	pthread_once(&by_entry_once, by_entry_fill);
	return by_entry[t - wam_event_types];
}

int wam_room_index(const struct wam_room *room)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r] == room)
			return r;
	return -1;
}

sqlite3_stmt *wam_room_db_stmt(wam_db *db, const struct wam_room *room, int slot, const char *sql)
{
	int r = wam_room_index(room);
	if (r < 0 || slot < 0 || slot >= WAM_ROOM_DB_SLOTS) {
		wam_error_set(WAM_EDB, NULL, "statement slot %d of a room out of range", slot);
		return NULL;
	}
	return wam_stmt(db, SLOT_ROOMS + r * WAM_ROOM_DB_SLOTS + slot, sql);
}

/* Where record `id` lives, as the first room whose subject_site SQL knows
 * it says: `*found` and whether the principal sees that site. */
static int subject_place(wam_db *db, const char *id, bool *found, bool *seen)
{
	*found = *seen = false;
	for (int r = 0; wam_rooms[r] && !*found; r++) {
		if (!wam_rooms[r]->subject_site)
			continue;
		/* the room's last statement slot is the core's, for this */
		sqlite3_stmt *st = wam_room_db_stmt(db, wam_rooms[r], WAM_ROOM_DB_SLOTS - 1, wam_rooms[r]->subject_site);
		if (!st)
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
		*found = sqlite3_step(st) == SQLITE_ROW;
		*seen = *found && wam_confine_sees(db, (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	return 0;
}

int wam_rooms_subject_visible(wam_db *db, const char *subject)
{
	bool found, seen;
	int rc;
	if (!wam_confined(db))
		return 0;
	if ((rc = subject_place(db, subject, &found, &seen)))
		return rc;
	return seen ? 0 : wam_error_set(WAM_ENOTFOUND, "id", "no weapon with id '%.40s'", subject ? subject : "");
}

int wam_rooms_record_hidden(wam_db *db, const char *id, const char *field)
{
	bool found, seen;
	int rc;
	if (!wam_confined(db) || !id)
		return 0;
	if ((rc = subject_place(db, id, &found, &seen)))
		return rc;
	return found && !seen ? wam_error_set(WAM_ENOTFOUND, field, "no weapon with id '%.40s'", id) : 0;
}

void **wam_room_state(wam_db *db, const struct wam_room *room)
{
	int r = wam_room_index(room);
	return r < 0 ? NULL : &db->room_state[r];
}

int wam_rooms_open(wam_db *db, wam_db *from)
{
	int rc;
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r]->open && (rc = wam_rooms[r]->open(db, from)))
			return rc;
	return 0;
}

void wam_rooms_close(wam_db *db)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r]->close)
			wam_rooms[r]->close(db);
}

void wam_rooms_commit(wam_db *db)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r]->commit)
			wam_rooms[r]->commit(db);
}

void wam_rooms_rollback(wam_db *db)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r]->rollback)
			wam_rooms[r]->rollback(db);
}

void wam_rooms_rebuilt(wam_db *db)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r]->rebuilt)
			wam_rooms[r]->rebuilt(db);
}
