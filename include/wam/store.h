/* wam/store.h — opening a registry and running commands as transactions.
 *
 * A registry is one store (SQLite by default: one file, WAL,
 * synchronous=FULL) holding the ledger of events and the projections derived
 * from it, plus the node's Ed25519 signing key in a file beside it
 * ("<path>.key", mode 0600). Everything a front end does goes through a
 * wam_db handle. A handle is used by one thread at a time; a server gives
 * each thread its own with wam_db_clone(). */
#ifndef WAM_STORE_H
#define WAM_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wam_db wam_db;

/* Options for wam_db_create(). Zero-initialise, then set what you need. */
typedef struct wam_init_opts {
	const char *country; /* the registry's own ISO 3166 code, or NULL */
	const char *name;    /* a human name for the registry, or NULL */
} wam_init_opts;

/* Flags for wam_db_open(). */
#define WAM_DB_READONLY 0x1u

/* Creates a new registry at `path`: the schema, a node id, the node's signing
 * key (written to "<path>.key") and the genesis event, and loads reference
 * data. Fails with WAM_ECONFLICT if `path` already exists, WAM_EIO if the key
 * file cannot be written. On failure nothing is left behind. `*out` is freed
 * with wam_db_close(). */
WAM_API int wam_db_create(wam_db **out, const char *path, const wam_init_opts *opts);

/* Opens an existing registry. Fails with WAM_ENOTFOUND if there is none at
 * `path`, WAM_EDB if the file is not a wam registry. Projections whose schema
 * is older than this build are rebuilt from the events on open. */
WAM_API int wam_db_open(wam_db **out, const char *path, unsigned flags);

/* Opens another handle on the registry `db` is open on, in the same mode and
 * with the same actor, for another thread: each handle has its own
 * connection and transactions, and they share what is costly to hold twice
 * (the serial index), locked internally. Call it while no other thread uses
 * `db`. Handles may be closed in any order. */
WAM_API int wam_db_clone(wam_db **out, wam_db *db);

/* Closes the registry, rolling back an open transaction. NULL-safe. */
WAM_API void wam_db_close(wam_db *db);

/* Names who acts through this handle ("os:alice", "user:01J..."); every
 * event records it. A new handle acts as the operating-system account of the
 * process's real user id ("os:<login>"), never a name taken from the
 * environment. Fails with WAM_EINVAL if empty or longer than 127 bytes. */
WAM_API int wam_db_set_actor(wam_db *db, const char *actor);

#define WAM_AUTH_MAX_SITES 32

/* Who is acting: a signed-in user or a token. */
typedef struct wam_principal {
	char kind[8];  /* "user" or "token" */
	char id[27];   /* the user's or token's id */
	char name[65];
	char role[16];
	int nsites;    /* 0: not confined to sites */
	char sites[WAM_AUTH_MAX_SITES][27];
} wam_principal;

/* True when `p` may see and act on a weapon or record at `site_id`. A
 * principal confined to sites sees only those; a weapon with no site
 * (site_id NULL or "") is outside every confinement, so only principals not
 * confined to sites see it. False when `p` is NULL. */
WAM_API bool wam_db_principal_sees_site(const wam_principal *p, const char *site_id);

/* Names the principal who acts through this handle (a copy is kept), as
 * wam_db_set_actor names the actor its events record; NULL: the registry's
 * owner, not confined (a new handle's, and the operating-system account's
 * from the CLI). A wam_db_clone() keeps it. From then on libwam holds the
 * handle to the principal's sites whichever front end calls: a record at
 * another site (a weapon, site, lot, custody record, stock check,
 * investigation, hit, export proposal) answers WAM_ENOTFOUND as if it did
 * not exist, lists and searches keep to its sites, a write that names a
 * site elsewhere is refused with WAM_EFORBIDDEN naming the field, and what
 * covers the whole registry (imports, exports, the ledger, users and tokens,
 * recoveries, destruction, losses, traces, peers, the summary) is refused
 * with WAM_EFORBIDDEN. docs/auth.md lists which call does what. Which role
 * may do which action is still the front end's question
 * (wam_auth_allows in wam/auth.h). WAM_EINVAL naming "sites" when `p` has more than
 * WAM_AUTH_MAX_SITES. */
WAM_API int wam_db_set_principal(wam_db *db, const wam_principal *p);

/* The principal set on the handle, or NULL when none is (the owner).
 * Lives until the next wam_db_set_principal(). */
WAM_API const wam_principal *wam_db_principal(const wam_db *db);

/* Writes the login name of the process's real user id into `name` (of `n`
 * bytes), or "uid<N>" when the account has no name. */
WAM_API void wam_os_account(char *name, size_t n);

/* The node id (a ULID) of this registry. Lives as long as `db`. */
WAM_API const char *wam_db_node_id(const wam_db *db);

/* The registry's file path. Lives as long as `db`. */
WAM_API const char *wam_db_path(const wam_db *db);

/* Starts a read snapshot: the reads that follow see the registry as it was
 * at this moment, and together cost one lock of the file instead of one per
 * statement (a server answering many small reads saves most of its system
 * calls this way). Ends with wam_db_snapshot_end(); calls nest. A command
 * (wam_db_begin) cannot start inside a snapshot: it fails with WAM_EDB. */
WAM_API int wam_db_snapshot_begin(wam_db *db);
WAM_API void wam_db_snapshot_end(wam_db *db);

/* Starts a command. Calls nest: only the outermost commit writes. Every
 * mutating libwam function calls this itself, so a front end needs it only
 * to group several calls into one all-or-nothing command. */
WAM_API int wam_db_begin(wam_db *db);

/* Ends a command: signs a checkpoint over the last event appended (if any)
 * and commits. On failure everything since the outermost begin is undone. */
WAM_API int wam_db_commit(wam_db *db);

/* Undoes everything since the outermost wam_db_begin(). Never fails. */
WAM_API void wam_db_rollback(wam_db *db);

/* Callback for long operations (an import, the demo, a rebuild of the
 * projections): `done` of `total` rows (total 0 if unknown). */
typedef void (*wam_progress_fn)(long done, long total, void *payload);

/* ---- backups (docs/backup.md) ---- */

/* What a backup or a restore proved of the copy. */
typedef struct wam_backup_report {
	int64_t events;      /* events in the copy */
	int64_t checkpoints; /* signed checkpoints checked */
	int64_t bytes;       /* size of the copy */
	char public_key[65]; /* hex of the node public key the copy was verified with */
} wam_backup_report;

/* Copies the registry `db` is open on (read-only is enough) to `path`, and
 * its node key to "<path>.key", both owner-only (0600). The copy is the
 * registry at one moment even while other processes (`wam serve`) write:
 * one read transaction, which makes no writer wait. It is a self-contained
 * file (no -wal beside it; it opens on read-only media) and is proven
 * (chain, signatures, projections, against the key copied with it) before
 * it is renamed to `path`; an existing `path` is replaced only then. Fails
 * with WAM_EINVAL (no path, or the registry's own), WAM_ENOTFOUND (no node
 * key beside the registry), WAM_EIO (cannot write), WAM_EDB (busy),
 * WAM_EINTEGRITY (the copy is not intact: the registry itself is not); on
 * failure nothing is left at `path`. */
WAM_API int wam_db_backup(wam_db *db, wam_backup_report *out, const char *path);

/* Flags for wam_db_restore(). */
#define WAM_RESTORE_FORCE 0x1u /* replace an existing registry at the target */

/* Puts the backup at `from` (with its key "<from>.key") in place as the
 * registry at `to`: proves the copy first (as wam_db_backup does) and
 * writes nothing unless it is intact (WAM_EINTEGRITY); refuses an existing
 * registry at `to` without WAM_RESTORE_FORCE (WAM_ECONFLICT) and, always, a
 * target whose node key is not the backup's (WAM_EINTEGRITY). The backup's
 * node key must be `expect_key` (hex, WAM_EINTEGRITY otherwise) when given;
 * without it a target with no node key of its own is refused (WAM_EINVAL,
 * naming the backup's key), since a forged backup proves itself with the
 * forger's key. The copy is
 * written beside `to` and renamed over it (its old -wal and -shm removed):
 * stop every process using `to` (`wam serve`) first. WAM_ENOTFOUND when
 * there is no backup at `from`. */
WAM_API int wam_db_restore(wam_backup_report *out, const char *from, const char *to, const char *expect_key,
                           unsigned flags);

/* ---- files written for people ---- */

/* Flags for wam_file_create(). */
#define WAM_FILE_EXCL 0x1u   /* a new file only: WAM_ECONFLICT if `path` exists */
#define WAM_FILE_APPEND 0x2u /* append to the file instead of emptying it (logs) */

/* Opens `path` for writing, readable and writable by its owner only (0600)
 * whatever the umask: every export, --out file, rejects file and copy of a
 * registry is made this way, since each holds what the registry holds. An
 * existing regular file is emptied (unless WAM_FILE_APPEND) and made 0600
 * when the process owns it, and refused (WAM_EIO, nothing changed) when
 * another user does; a symbolic link is refused, not followed; a device or
 * pipe is written as it is. `*out` is closed with fclose(). Fails with
 * WAM_EIO (or WAM_ECONFLICT with WAM_FILE_EXCL) naming `field`. */
WAM_API int wam_file_create(FILE **out, const char *path, const char *field, unsigned flags);

/* Makes a new owner-only file beside `path` under a name no one can guess
 * ("<path>.partial-XXXXXX", created exclusively), to be renamed over `path`
 * once it is written whole (or removed): its name goes into `tmp`
 * (`tmpsize` bytes). `*out` is closed with fclose(). */
WAM_API int wam_file_create_temp(FILE **out, char *tmp, size_t tmpsize, const char *path, const char *field);

/* The largest photo the photo store takes, in bytes. */
#define WAM_PHOTO_MAX (16u << 20)
/* A photo's name: the SHA-256 of its bytes in lowercase hex. */
#define WAM_PHOTO_HASH_LEN 64

/* Keeps a photo (JPEG, PNG, GIF or WebP, told by its first bytes, which
 * must be `media_type` unless it is NULL; at most WAM_PHOTO_MAX bytes) in
 * the photo store beside the registry,
 * "<db>.photos/<sha256>", owner-only, once however often it is added. Sets
 * `*out` to {hash, size, media_type}, the caller's. Records nothing in the
 * ledger: a photo counts once a record (a trace request, a recovery) names
 * its hash. WAM_EINVAL naming "photo" for bytes that are no image or too
 * many; WAM_EFORBIDDEN for a caller confined to sites (photos belong to
 * national records); WAM_EIO. */
WAM_API int wam_photo_add(wam_db *db, json_t **out, const void *bytes, size_t n, const char *media_type);

/* The bytes of the stored photo named `hash` (malloc'd, the caller frees
 * them) and its media type. WAM_EINVAL naming "hash" unless it is 64
 * lowercase hex digits; WAM_ENOTFOUND when no such photo is stored;
 * WAM_EINTEGRITY when the file no longer holds the bytes it is named by;
 * WAM_EFORBIDDEN for a caller confined to sites. */
WAM_API int wam_photo_get(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32], const char *hash);

#ifdef __cplusplus
}
#endif
#endif
