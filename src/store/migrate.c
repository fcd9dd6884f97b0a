/* Schema migrations: numbered SQL files (sql/migrations/NNNN-words.sql),
 * built into libwam by tools/embed_migrations.py, keyed on the database
 * header's `PRAGMA user_version`.
 *
 * A new registry runs them all; a registry opened for writing runs those
 * above its version, and the user_version bump, in one transaction, so it
 * is either wholly migrated or untouched. A registry from a newer wam (a
 * version above the last migration built in) is refused on every open
 * before anything is written to it. A registry opened read-only is read as
 * it is: every migration so far only adds, and the readers cope with the
 * shapes before it.
 *
 * Registries made before migrations existed have user_version 0 and their
 * tables: they are adopted at the version their shape matches (shapes[]
 * below), which the write-open that migrates them records. Every registry
 * from migration 4 on carries its version, so no later shape needs
 * telling apart. */
#include <stdio.h>

#include "internal.h"
#include "store/migrate.h"

/* tools/embed_migrations.py: migration N at index N - 1 */
extern const int wam_migration_count;
extern const char *const wam_migration_name[];
extern const char *const wam_migration_sql[];

/* The shapes of registries made before user_version was kept, latest
 * first: a registry is at `version` when `probe` compiles on it (it names
 * what that migration added). */
static const struct {
	int version;
	const char *probe;
} shapes[] = {
    {3, "SELECT seq, mac FROM credentials LIMIT 0"},
    {2, "SELECT subject, kind, hash FROM credentials LIMIT 0"},
    {1, "SELECT 1 FROM meta, events, checkpoints, nodes LIMIT 0"},
};

int wam_schema_latest(void)
{
	return wam_migration_count;
}

/* Whether `sql` compiles on `conn`: the tables and columns it names are
 * there. */
static bool compiles(sqlite3 *conn, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok;
}

/* The version of a registry made before migrations, from its shape; 0
 * when it has none of wam's tables. */
static int shape_version(sqlite3 *conn)
{
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (compiles(conn, shapes[i].probe))
			return shapes[i].version;
	return 0;
}

int wam_schema_version(int *version, sqlite3 *conn, const char *path)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	*version = 0;
	/* the header is read as a command reads: waiting for a writer's commit */
	sqlite3_busy_timeout(conn, 5000);
	if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		int code = sqlite3_errcode(conn);
		rc = code == SQLITE_BUSY || code == SQLITE_LOCKED
		         ? wam_sql_fail(conn, "read the schema version")
		         : wam_error_set(WAM_EDB, "db", "%s is not a wam registry", path);
		goto done;
	}
	*version = sqlite3_column_int(st, 0);
	if (*version == 0)
		*version = shape_version(conn);
	else if (*version < 0) /* no wam ever writes one */
		rc =
		    wam_error_set(WAM_EDB, "db", "%s is not a wam registry (its schema version is %d)", path, *version);
	else if (*version > wam_schema_latest())
		rc = wam_error_set(WAM_EVERSION, "db",
		                   "%s was made by a newer wam: its schema is version %d, and this wam knows versions "
		                   "up to %d; open it with a wam at least as new as the one that made it (nothing was "
		                   "changed)",
		                   path, *version, wam_schema_latest());
done:
	sqlite3_finalize(st);
	return rc;
}

int wam_schema_apply(sqlite3 *conn, int from)
{
	char *msg = NULL, sql[48];
	int rc = 0;
	for (int i = from; i < wam_migration_count; i++) {
		if (sqlite3_exec(conn, wam_migration_sql[i], NULL, NULL, &msg) != SQLITE_OK) {
			rc = wam_error_set(WAM_EDB, "db", "schema migration %s failed: %s", wam_migration_name[i],
			                   msg ? msg : sqlite3_errmsg(conn));
			goto done;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", wam_migration_count);
	rc = wam_sql_exec(conn, sql);
done:
	sqlite3_free(msg);
	return rc;
}

int wam_schema_migrate(sqlite3 *conn, const char *path)
{
	int rc, version;
	if ((rc = wam_schema_version(&version, conn, path)))
		return rc;
	if (version == wam_schema_latest())
		return 0;
	if (sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return wam_sql_fail(conn, "migrate the schema");
	/* another process may have migrated it while this one waited */
	if ((rc = wam_schema_version(&version, conn, path)))
		goto fail;
	if (version == 0) {
		rc = wam_error_set(WAM_EDB, "db", "%s is not a wam registry", path);
		goto fail;
	}
	if (version < wam_schema_latest() && (rc = wam_schema_apply(conn, version)))
		goto fail;
	if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(conn, "migrate the schema");
		goto fail;
	}
	return 0;
fail:
	sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL); /* sets no wam error: the cause stays */
	return rc;
}
