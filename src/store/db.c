/* Opening, creating and closing a registry, and command transactions.
 *
 * SQLite runs in WAL mode with synchronous=FULL: a committed command survives
 * power loss. A command is one IMMEDIATE transaction (the writer lock is taken
 * up front, so two commands never interleave); nested begin/commit calls join
 * the outermost one, and the outermost commit signs a checkpoint.
 *
 * The registry is made owner-only (so are the -wal and -shm SQLite gives its
 * mode to) and tightened when opened for writing; a registry on read-only
 * media is opened immutable by commands that only read (docs/backup.md). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <sodium.h>

#include "internal.h"
#include "store/migrate.h"
#include "util/alloc.h"

int wam_sql_fail(sqlite3 *conn, const char *what)
{
	int code = sqlite3_errcode(conn);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return wam_error_set(WAM_EBUSY, NULL, "%s: the registry is busy (another command holds it)", what);
	if (code == SQLITE_READONLY)
		return wam_error_set(WAM_EDB, NULL, "%s: the registry is read-only", what);
	return wam_error_set(WAM_EDB, NULL, "%s: %s", what, sqlite3_errmsg(conn));
}

int wam_sql_exec(sqlite3 *conn, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = wam_error_set(WAM_EDB, NULL, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

sqlite3_stmt *wam_stmt(wam_db *db, int slot, const char *sql)
{
	sqlite3_stmt *st = db->stmts[slot];
	if (!st) {
		if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->stmts[slot], NULL) !=
		    SQLITE_OK) {
			wam_sql_fail(db->conn, "prepare");
			return NULL;
		}
		return db->stmts[slot];
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

const char *wam_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int wam_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Once per process, before SQLite starts: no global memory statistics.
 * SQLite keeps them under one process-wide mutex taken on every allocation,
 * which threads serving reads side by side would otherwise queue on. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* refused if SQLite already started: harmless */
}

static int process_init(void)
{
	pthread_once(&init_once, sqlite_setup);
	return 0;
}

static int pragmas(sqlite3 *conn, bool readonly)
{
	sqlite3_busy_timeout(conn, 5000);
	if (readonly)
		return wam_sql_exec(conn, "PRAGMA query_only=ON; PRAGMA cache_size=-65536;");
	return wam_sql_exec(conn, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                          "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;");
}

static int read_meta(wam_db *db, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->conn, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) != SQLITE_OK)
		return wam_error_set(WAM_EDB, NULL, "%s is not a wam registry", db->path);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = WAM_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, cap, "%s", wam_col_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static wam_db *db_new(const char *path)
{
	wam_db *db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	char login[64];
	wam_os_account(login, sizeof login);
	snprintf(db->actor, sizeof db->actor, "os:%s", login);
	return db;
}

void wam_os_account(char *name, size_t n)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name[0])
		snprintf(name, n, "%s", found->pw_name);
	else
		snprintf(name, n, "uid%lu", (unsigned long)getuid());
}

void wam_db_close(wam_db *db)
{
	if (!db)
		return;
	if (db->tx_depth > 0) {
		db->tx_depth = 1;
		wam_db_rollback(db);
	}
	for (int i = 0; i < SLOT_MAX; i++)
		sqlite3_finalize(db->stmts[i]);
	wam_projector_free(db->proj);
	wam_refdata_free(db->ref);
	wam_rooms_close(db);
	if (db->conn)
		sqlite3_close(db->conn);
	sodium_memzero(db->sk, sizeof db->sk);
	wam_buf_free(&db->scratch);
	wam_buf_free(&db->canon);
	free(db->path);
	free(db);
}

static void remove_files(const char *path)
{
	static const char *suffix[] = {"", "-wal", "-shm", "-journal", ".key"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

int wam_db_create(wam_db **out, const char *path, const wam_init_opts *opts)
{
	int rc;
	wam_db *db = NULL;
	json_t *genesis = NULL;
	*out = NULL;
	if (sodium_init() < 0 || process_init())
		return wam_error_set(WAM_EIO, NULL, "libsodium could not start");
	struct stat sb;
	if (stat(path, &sb) == 0)
		return wam_error_set(WAM_ECONFLICT, "db", "%s already exists; `wam init` never overwrites a registry",
		                     path);
	if (opts && opts->country && *opts->country && strlen(opts->country) > 4)
		return wam_error_set(WAM_EINVAL, "country", "'%s' is not an ISO 3166 code", opts->country);
	if (!(db = db_new(path)))
		return WAM_ENOMEM;
	/* the file is made owner-only before SQLite opens it: SQLite gives the
	 * -wal, -shm and -journal files it creates the database file's mode */
	int fd;
	if ((rc = wam_file_open_fd(&fd, path, "db", WAM_FILE_EXCL))) {
		free(db->path);
		free(db);
		return rc;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = wam_error_set(WAM_EIO, "db", "cannot create %s: %s", path, sqlite3_errmsg(db->conn));
		goto fail;
	}
	if ((rc = pragmas(db->conn, false)))
		goto fail;
	wam_ulid(db->node_id, wam_now_ms(), NULL);
	if ((rc = wam_key_create(db)))
		goto fail;
	/* the projections first: a migration may add an index to one of them
	 * (0005), which on a new registry projections.sql has already made */
	if ((rc = wam_sql_exec(db->conn, "BEGIN IMMEDIATE")) || (rc = wam_projection_create(db->conn)) ||
	    (rc = wam_schema_apply(db->conn, 0)) || (rc = wam_refdata_load(db->conn)))
		goto fail;
	{
		char pkhex[65], now[WAM_TIME_LEN + 1], sql[512];
		wam_hex(pkhex, db->pk, 32);
		wam_time_iso(now, wam_now_ms());
		snprintf(sql, sizeof sql,
		         "INSERT INTO meta VALUES('projection_version','%s'),('node_id','%s');"
		         "INSERT INTO nodes VALUES('%s','%s','%s');",
		         WAM_PROJECTION_VERSION, db->node_id, db->node_id, pkhex, now);
		if ((rc = wam_sql_exec(db->conn, sql)))
			goto fail;
		if (opts && opts->country && *opts->country && !wam_refdata_country(db, opts->country)) {
			rc =
			    wam_error_set(WAM_EINVAL, "country", "'%s' is not an ISO 3166 country code", opts->country);
			goto fail;
		}
		genesis = json_pack("{s:s, s:s}", "node_id", db->node_id, "public_key", pkhex);
		{ /* the reference tables' digest: verify proves them with the chain */
			json_t *refdata = NULL;
			if ((rc = wam_refdata_digest(db->conn, &refdata)))
				goto fail;
			json_object_set_new(genesis, "refdata", refdata);
		}
		if (opts && opts->country && *opts->country)
			json_object_set_new(genesis, "country", json_string(opts->country));
		if (opts && opts->name && *opts->name)
			json_object_set_new(genesis, "name", json_string(opts->name));
		db->tx_depth = 1;
		if ((rc = wam_ledger_append(db, "registry.created", db->node_id, genesis, NULL)) ||
		    (rc = wam_db_commit(db)))
			goto fail;
	}
	json_decref(genesis);
	*out = db;
	return 0;
fail:
	json_decref(genesis);
	{
		wam_error saved = *wam_error_last();
		wam_db_close(db);
		remove_files(path);
		wam_error_restore(&saved);
	}
	return rc;
}

/* A registry opened for writing is made owner-only (a registry made before
 * files were, or copied in with a wider mode): the database, its -wal and
 * -shm files and the node key. Files of another owner are left as they are. */
static int tighten_files(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", ".key"};
	int rc;
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[4200];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if ((rc = wam_file_tighten(p)))
			return rc;
	}
	return 0;
}

/* Where a registry lies, for a reader. */
enum media {
	MEDIA_WRITABLE,   /* SQLite can make what it needs beside it */
	MEDIA_READ_ONLY,  /* read-only, nothing beside it: opened immutable */
	MEDIA_WITH_SHM,   /* read-only, a -shm beside it: SQLite reads through it */
	MEDIA_WAL_NO_SHM, /* read-only, a -wal with content and no -shm: unreadable */
};

/* Whether the registry at `path` is on media it cannot be written to (a
 * read-only mount, a directory or file without write permission), so
 * SQLite could not make the -shm file a reader of a WAL database needs,
 * and what is beside it: a -shm (a process that has it open, a server
 * running as another user, keeps one, and SQLite reads through it, as it
 * does a copy of the database, -wal and -shm together), or a -wal with
 * committed pages but no -shm (a copy of a live registry without its -shm:
 * SQLite cannot read it there), or nothing: then it is opened immutable,
 * and SQLite reads the file as it is, without locks. */
static enum media media_of(const char *path)
{
	char dir[4200], wal[4200];
	wam_file_dir(dir, sizeof dir, path);
	if (access(path, W_OK) == 0 && access(dir, W_OK) == 0)
		return MEDIA_WRITABLE;
	struct stat sb;
	snprintf(wal, sizeof wal, "%s-shm", path);
	if (stat(wal, &sb) == 0)
		return MEDIA_WITH_SHM;
	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &sb) != 0 || sb.st_size == 0 ? MEDIA_READ_ONLY : MEDIA_WAL_NO_SHM;
}

/* True when the registry at `path` is opened immutable (media_of()). */
static bool on_read_only_media(const char *path)
{
	return media_of(path) == MEDIA_READ_ONLY;
}

char *wam_db_reader_uri(const char *path)
{
	/* the path as a URI: '%', '?' and '#' escaped */
	char *uri = sqlite3_mprintf("file:");
	for (const char *c = path; uri && *c; c++)
		uri = strchr("%?#", *c) ? sqlite3_mprintf("%z%%%02X", uri, (unsigned char)*c)
		                        : sqlite3_mprintf("%z%c", uri, *c);
	if (uri)
		uri = sqlite3_mprintf("%z?mode=ro%s", uri, on_read_only_media(path) ? "&immutable=1" : "");
	return uri;
}

/* Opens the SQLite connection of `db` on `path`, read-only or not. */
static int open_connection(wam_db *db, const char *path)
{
	/* a handle is used by one thread at a time: SQLite's own locking of every
	 * call would only cost */
	int oflags = (db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	if (db->readonly && media_of(path) == MEDIA_WAL_NO_SHM)
		return wam_error_set(WAM_EIO, "db",
		                     "%s cannot be read where it lies: its write-ahead log %s-wal holds commands not "
		                     "yet in the database file, and SQLite needs the %s-shm beside it, which it "
		                     "cannot make on read-only media. Copy a registry with `wam backup` (one "
		                     "self-contained file), or copy its -wal and -shm with it, or read this copy "
		                     "on writable media",
		                     path, path, path);
	if (!db->readonly || !on_read_only_media(path)) {
		if (sqlite3_open_v2(path, &db->conn, oflags, NULL) != SQLITE_OK)
			return wam_error_set(WAM_EIO, "db", "cannot open %s: %s", path, sqlite3_errmsg(db->conn));
		return 0;
	}
	char *uri = wam_db_reader_uri(path);
	if (!uri)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int r = sqlite3_open_v2(uri, &db->conn, oflags | SQLITE_OPEN_URI, NULL);
	sqlite3_free(uri);
	if (r != SQLITE_OK)
		return wam_error_set(WAM_EIO, "db", "cannot open %s on read-only media: %s", path,
		                     sqlite3_errmsg(db->conn));
	return 0;
}

/* Opens the registry at `path`; the rooms' open hooks are told of `from`,
 * the handle a clone is made of (NULL for a fresh one). */
static int open_handle(wam_db **out, const char *path, unsigned flags, wam_db *from)
{
	int rc;
	wam_db *db;
	char version[32];
	int schema;
	*out = NULL;
	if (sodium_init() < 0 || process_init())
		return wam_error_set(WAM_EIO, NULL, "libsodium could not start");
	struct stat sb;
	if (stat(path, &sb) != 0)
		return wam_error_set(WAM_ENOTFOUND, "db", "no registry at %s (create one with `wam init`)", path);
	if (!(db = db_new(path)))
		return WAM_ENOMEM;
	db->readonly = flags & WAM_DB_READONLY;
	if ((!db->readonly && (rc = tighten_files(path))) || (rc = open_connection(db, path)))
		goto fail;
	/* a registry from a newer wam is refused before anything is written */
	if ((rc = wam_schema_version(&schema, db->conn, path)))
		goto fail;
	if ((rc = pragmas(db->conn, db->readonly)))
		goto fail;
	if ((rc = read_meta(db, "node_id", db->node_id, sizeof db->node_id))) {
		rc = wam_error_set(WAM_EDB, "db", "%s is not a wam registry", path);
		goto fail;
	}
	/* a reader reads an older schema as it is (docs/ledger.md) */
	if (!db->readonly && schema < wam_schema_latest() && (rc = wam_schema_migrate(db->conn, path)))
		goto fail;
	if (read_meta(db, "projection_version", version, sizeof version) == 0 &&
	    strcmp(version, WAM_PROJECTION_VERSION) != 0) {
		if (db->readonly) {
			rc = wam_error_set(
			    WAM_EDB, "db",
			    "%s was written by an older wam; run `wam rebuild` once to bring it up to date", path);
			goto fail;
		}
		/* projections are derived: a newer layout is simply recomputed */
		if ((rc = wam_ledger_rebuild(db)))
			goto fail;
	}
	if ((rc = wam_rooms_open(db, from)))
		goto fail;
	*out = db;
	return 0;
fail:
	wam_db_close(db);
	return rc;
}

int wam_db_open(wam_db **out, const char *path, unsigned flags)
{
	return open_handle(out, path, flags, NULL);
}

int wam_db_clone(wam_db **out, wam_db *db)
{
	int rc = open_handle(out, db->path, db->readonly ? WAM_DB_READONLY : 0, db);
	if (rc)
		return rc;
	snprintf((*out)->actor, sizeof(*out)->actor, "%s", db->actor);
	(*out)->principal = db->principal;
	return 0;
}

long wam_bulk_cache_kib(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
	long long quarter = pages > 0 && size > 0 ? (long long)pages * size / 4 / 1024 : 1048576;
	if (quarter > 4LL * 1048576)
		quarter = 4LL * 1048576;
	return quarter < 131072 ? 131072 : (long)quarter;
}

/* Bulk commands (import, demo) write far more pages than the everyday cache
 * holds; a cache of a quarter of memory (at most 4 GiB) for their duration
 * keeps the B-tree pages resident instead of spilling them to the WAL and
 * reading them back. */
void wam_db_bulk(wam_db *db, bool on)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%ld", on ? wam_bulk_cache_kib() : 131072L);
	sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
}

int wam_db_set_actor(wam_db *db, const char *actor)
{
	if (!actor || !*actor || strlen(actor) >= sizeof db->actor)
		return wam_error_set(WAM_EINVAL, "actor", "actor must be 1 to 127 bytes");
	snprintf(db->actor, sizeof db->actor, "%s", actor);
	return 0;
}

const char *wam_db_node_id(const wam_db *db)
{
	return db->node_id;
}

const char *wam_db_path(const wam_db *db)
{
	return db->path;
}

/* BEGIN and COMMIT run for every read a server answers: prepared once. */
static int run_cached(wam_db *db, int slot, const char *sql)
{
	sqlite3_stmt *st = wam_stmt(db, slot, sql);
	if (!st)
		return WAM_EDB;
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : wam_sql_fail(db->conn, sql);
}

int wam_db_snapshot_begin(wam_db *db)
{
	int rc;
	if (db->snapshot_depth == 0 && db->tx_depth == 0 && (rc = run_cached(db, SLOT_STORE, "BEGIN")))
		return rc;
	db->snapshot_depth++;
	return 0;
}

void wam_db_snapshot_end(wam_db *db)
{
	if (db->snapshot_depth <= 0)
		return;
	if (--db->snapshot_depth == 0 && db->tx_depth == 0)
		run_cached(db, SLOT_STORE + 1, "COMMIT");
}

/* Nested calls use savepoints, so a call that fails inside a larger command
 * (one bad record of an import) undoes only its own part. */
int wam_db_begin(wam_db *db)
{
	char sql[48];
	if (db->readonly)
		return wam_error_set(WAM_EFORBIDDEN, "db", "the registry is open read-only");
	if (db->snapshot_depth > 0 && db->tx_depth == 0)
		return wam_error_set(WAM_EDB, NULL, "a change cannot be made inside a read snapshot");
	if (db->tx_depth > 0) {
		snprintf(sql, sizeof sql, "SAVEPOINT wam_%d", db->tx_depth);
		if (wam_sql_exec(db->conn, sql))
			return wam_sql_fail(db->conn, "begin");
		db->tx_depth++;
		return 0;
	}
	if (wam_sql_exec(db->conn, "BEGIN IMMEDIATE"))
		return wam_sql_fail(db->conn, "begin");
	db->tx_depth = 1;
	db->head_loaded = false;
	return 0;
}

/* A change is committed only if no JSON value could have lost a member to
 * an out-of-memory since the handle's last transaction ended, or since the
 * thread began before its first (payloads and a front end's input are
 * built before the transaction begins): util/alloc.c counts the failures. */
static int json_intact(const wam_db *db)
{
	if (wam_error_alloc_failures() == db->json_failures)
		return 0;
	return wam_error_set(WAM_ENOMEM, NULL, "out of memory while the change was prepared; nothing was written");
}

/* The transaction ended: what failed before it was refused or undone. */
static void settle(wam_db *db)
{
	db->json_failures = wam_error_alloc_failures();
	wam_alloc_settle();
}

int wam_db_commit(wam_db *db)
{
	int rc;
	char sql[48];
	if (db->tx_depth <= 0)
		return wam_error_set(WAM_EDB, NULL, "commit without begin");
	if (db->tx_depth > 1) {
		snprintf(sql, sizeof sql, "RELEASE wam_%d", db->tx_depth - 1);
		db->tx_depth--;
		return wam_sql_exec(db->conn, sql);
	}
	if ((rc = json_intact(db)) || (rc = wam_ledger_checkpoint(db)) || (rc = wam_sql_exec(db->conn, "COMMIT"))) {
		wam_error saved = *wam_error_last();
		wam_db_rollback(db);
		wam_error_restore(&saved);
		return rc;
	}
	db->tx_depth = 0;
	db->head_loaded = false;
	wam_rooms_commit(db);
	settle(db);
	return 0;
}

void wam_db_rollback(wam_db *db)
{
	char sql[80];
	if (db->tx_depth <= 0)
		return;
	db->head_loaded = false; /* the cached head may belong to undone events */
	wam_rooms_rollback(db);  /* and the rooms' state of the handle may hold undone records */
	if (db->tx_depth > 1) {
		db->tx_depth--;
		snprintf(sql, sizeof sql, "ROLLBACK TO wam_%d; RELEASE wam_%d", db->tx_depth, db->tx_depth);
		sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
		return;
	}
	sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	db->tx_depth = 0;
	settle(db); /* what it built is gone */
}
