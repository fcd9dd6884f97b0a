/* The schema migrations of a registry (store/migrate.c): numbered SQL files
 * in sql/migrations/, built into libwam, keyed on the database header's
 * `PRAGMA user_version`. See docs/ledger.md, "Schema migrations". */
#ifndef WAM_STORE_MIGRATE_H
#define WAM_STORE_MIGRATE_H

#include <sqlite3.h>

/* The schema version this wam makes and reads: the number of the last
 * migration built into it. */
int wam_schema_latest(void);

/* Reads the schema version of the registry on `conn` (`path` names it in
 * messages) into `*version`: its user_version, or for a registry made
 * before migrations (user_version 0, its tables there) the version its
 * shape matches; 0 for a file with no wam tables. Reads only. A registry
 * from a newer wam (a version above wam_schema_latest()) is WAM_EVERSION
 * with a message naming both versions; an unreadable one WAM_EDB. */
int wam_schema_version(int *version, sqlite3 *conn, const char *path);

/* Runs every migration above `from` on `conn`, in order, and sets the
 * user_version to the last one; inside the caller's transaction, which
 * makes it all or nothing. `from` 0 makes a registry's schema from nothing.
 * On failure returns WAM_EDB naming the migration that failed; what ran is
 * undone by the caller's rollback. */
int wam_schema_apply(sqlite3 *conn, int from);

/* Brings the registry on `conn`, opened for writing, to the latest schema:
 * when its version is below wam_schema_latest(), runs the migrations above
 * it and the user_version bump in one IMMEDIATE transaction (the version is
 * read again once the writer lock is held, so two processes opening the
 * same registry migrate it once). Nothing is written when it is current.
 * On failure nothing is changed: WAM_EVERSION for a newer registry,
 * WAM_EBUSY when another command held it past the wait, WAM_EDB otherwise. */
int wam_schema_migrate(sqlite3 *conn, const char *path);

#endif
