/* The core's side of the rooms (ledger/room.h): which room owns an event
 * type, each room's state beside a handle, and the hooks run at points of
 * a handle's life. The list itself is src/rooms.c. */
#include <string.h>

#include "internal.h"
#include "ledger/room.h"

/* By the type's prefix, as each room declares its events. This is the one
 * place a type is matched to its room: an event catalogue naming each
 * type's room would be looked up here instead. */
const struct wam_room *wam_room_of(const char *type)
{
	for (int r = 0; wam_rooms[r]; r++)
		for (const char *const *e = wam_rooms[r]->events; e && *e; e++)
			if (!strncmp(type, *e, strlen(*e)))
				return wam_rooms[r];
	return NULL;
}

int wam_room_index(const struct wam_room *room)
{
	for (int r = 0; wam_rooms[r]; r++)
		if (wam_rooms[r] == room)
			return r;
	return -1;
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
