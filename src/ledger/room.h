/* How a room plugs into the core. The ledger and the store know no room by
 * name: each room describes itself once, in a `struct wam_room` — the event
 * types it owns, the function that applies them to its projection tables,
 * those tables with how `wam verify` compares them, the version of its
 * projection, and hooks the core calls at points of a handle's life — and
 * src/rooms.c lists the descriptors. The core walks that list (wam_rooms[])
 * and nothing else, the way nginx walks its modules or SQLite its
 * virtual-table modules. docs/ledger.md, "How a room plugs in". */
#ifndef WAM_LEDGER_ROOM_H
#define WAM_LEDGER_ROOM_H

#include "internal.h"

/* One projection table of a room and how verify names and dates a row of it
 * that differs: `id` names its record — a column of the differing row `d`,
 * or an expression over its columns, which verify writes after "d." —
 * and `seq` is an SQL expression over `d` giving the event that last shaped
 * it (main.* is the replayed database). NULL `id` or `seq`: the table's
 * first column, and its last_seq or seq column (0 without either). */
struct wam_room_table {
	const char *name;
	const char *id;
	const char *seq;
};

/* The core's hooks into a room; every one is optional (NULL). */
struct wam_room {
	/* the room's name, as the event catalogue and the docs say it */
	const char *name;
	/* the version of the room's projection: raised by one whenever the room's
	 * tables or what its apply function derives change, so registries made
	 * before rebuild their projections on the next write-open */
	unsigned version;
	/* applies one of the room's events to its projection tables */
	wam_room_apply_fn apply;
	/* its projection tables, in the order verify compares them, ended by a
	 * row whose name is NULL; every table of sql/projections.sql is some
	 * room's */
	const struct wam_room_table *tables;
	/* the SQL making the room's tables when they are not in
	 * sql/projections.sql (a room or a table that came later): the texts of
	 * the migrations that add them to older registries, NULL-terminated,
	 * run in order after sql/projections.sql whenever the projection is
	 * made; NULL for none */
	const char *const *schema;

	/* the room's state beside a projector (the projection it is building):
	 * made when the projector is, freed with it */
	int (*projector_open)(wam_room_ctx *ctx, void **state);
	void (*projector_close)(void *state);

	/* a handle was opened; `from` is the handle it is a clone of (NULL for
	 * a fresh one). The room's state of the handle is wam_room_state(). */
	int (*open)(wam_db *db, wam_db *from);
	/* the handle is being closed: free the room's state of it */
	void (*close)(wam_db *db);
	/* the handle's outermost transaction committed */
	void (*commit)(wam_db *db);
	/* a transaction or savepoint of the handle was undone */
	void (*rollback)(wam_db *db);
	/* the projections are being dropped and made again (rebuild): forget
	 * what was read from them */
	void (*rebuilt)(wam_db *db);

	/* what verify checks of the room beside the projections (after the
	 * schema and reference data, before the projections); problems go to
	 * `r` with wam_verify_bad(). `with_key`: the key file's secret key may
	 * be used (no --expect-key). */
	int (*verify)(wam_db *db, wam_verify_report *r, bool with_key);
	/* the explicit `wam rebuild`: make what a registry made before it
	 * existed lacks (seals); how many records were sealed in `*sealed` */
	int (*seal)(wam_db *db, int *sealed);
	/* the explicit `wam rebuild`, after the seals: record as events what a
	 * registry written before one of the room's rules lacks (tracing: the
	 * loss report of a weapon lost or stolen without one); how many in
	 * `*recorded` */
	int (*backfill)(wam_db *db, int *recorded);
	/* SQL giving the site (NULL for none) a record of the room with id ?1
	 * lives at, no row when the id is not the room's: what a confined
	 * principal may prove the events of (wam_ledger_prove) */
	const char *subject_site;
};

/* Every room, in the order verify compares their tables, NULL-terminated
 * (src/rooms.c). */
extern const struct wam_room *const wam_rooms[];

/* A cached prepared statement of `room` on handle `db` for `slot`
 * (0..WAM_ROOM_DB_SLOTS-1, an enum per room keeps its files apart), reset
 * and with bindings cleared, as wam_stmt() gives the core's. NULL on
 * failure, error set. */
sqlite3_stmt *wam_room_db_stmt(wam_db *db, const struct wam_room *room, int slot, const char *sql);

/* 0 when the handle's principal may see the events of `subject`: any,
 * unconfined; confined, only a record a room places at one of its sites
 * (else WAM_ENOTFOUND naming "id", "no weapon with id ...", as the
 * registry answers for a weapon it hides). */
int wam_rooms_subject_visible(wam_db *db, const char *subject);
/* WAM_ENOTFOUND naming `field` ("no weapon with id ...") when record `id`
 * is at a site the handle's confined principal does not see; 0 when it is
 * at one it sees, when the principal is not confined, or when no room
 * knows the id (a caller reports that with the rest of its input). A
 * command naming another room's record asks this before reading it. */
int wam_rooms_record_hidden(wam_db *db, const char *id, const char *field);

/* The room that owns event type `type`, as the event catalogue
 * (src/events.json, ledger/events.h) names it; NULL for a type the catalogue
 * does not declare or one of the ledger's own (room "ledger"). The one
 * place an event type is matched to its room. */
const struct wam_room *wam_room_of(const char *type);

/* The place of `room` in wam_rooms[]; -1 when it is not listed. */
int wam_room_index(const struct wam_room *room);

/* The room's state slot of handle `db` (NULL at first; the room's open
 * hook or first use fills it, its close hook frees it); NULL when `room`
 * is not listed. */
void **wam_room_state(wam_db *db, const struct wam_room *room);

/* The room's state beside projector `p` (its projector_open made it). */
void *wam_projector_state(const struct projector *p, const struct wam_room *room);

/* Records a problem verify found (the first one is kept): `problem` is its
 * code, `seq` the first bad sequence number. */
void wam_verify_bad(wam_verify_report *r, const char *problem, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
