/* Internal interfaces shared by libwam's rooms. Nothing here is public: front
 * ends include only include/wam/. */
#ifndef WAM_INTERNAL_H
#define WAM_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wam/error.h"
#include "wam/ledger.h"
#include "wam/store.h"

#define WAM_ID_LEN 26       /* a ULID in Crockford base32 */
#define WAM_HASH_LEN 32     /* BLAKE2b-256 */
#define WAM_TIME_LEN 24     /* 2026-11-26T04:13:58.123Z */
#define WAM_CHECKPOINT_EVERY 4096 /* long commands sign every this many events */

/* ---- errors (util/error.c) ---- */
/* The last error, said of one part of a larger whole ("weapon X: ...", a
 * list's entry): `fmt`'s text comes before its English message, `field`
 * (unless NULL) replaces its field, `rc` its code; its message id and args
 * stay the inner sentence's. Returns `rc`. Never fails. */
int wam_error_within(int rc, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* wam_error_within for a record given inside another, `part` ("item",
 * "weapons[2]"): its sentence said of `part`, its field named under it
 * ("weapons[2].serial"; `part` itself when the error named none). */
int wam_error_inside(int rc, const char *part);

/* ---- growable byte buffer with a size cap (util/buf.c) ---- */
typedef struct wam_buf {
	char *p;
	size_t n, cap, max; /* max 0: 1 GiB */
} wam_buf;
int wam_buf_grow(wam_buf *b, size_t need);
int wam_buf_puts(wam_buf *b, const char *s);
/* Appends bytes; the common case (room left) is inline and never calls out. */
static inline int wam_buf_put(wam_buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		int rc = wam_buf_grow(b, n);
		if (rc)
			return rc;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}
static inline int wam_buf_putc(wam_buf *b, char c)
{
	return wam_buf_put(b, &c, 1);
}
int wam_buf_printf(wam_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` (NULL: nothing) as HTML text: & < > " ' escaped. */
void wam_buf_html(wam_buf *b, const char *s);
/* Appends `s` as a JSON string literal (quotes and escapes). */
int wam_buf_put_json_string(wam_buf *b, const char *s, size_t n);
void wam_buf_reset(wam_buf *b);
void wam_buf_free(wam_buf *b);

/* ---- small pseudo-random generator for deterministic demo data (util/rng.c) ---- */
typedef struct wam_rng {
	uint64_t s;
} wam_rng;
uint64_t wam_rng_next(wam_rng *r);
uint32_t wam_rng_below(wam_rng *r, uint32_t n);
/* Expands a serial format of data/manufacturers.json into `out`: # digit,
 * @ Latin letter, % Cyrillic letter, & Arabic-Indic digit, ~ Persian digit,
 * anything else as is (util/ids.c; the demo's weapons). */
void wam_demo_expand_serial(wam_rng *rng, const char *fmt, wam_buf *out);

/* ---- ids, time, hex (util/ids.c) ---- */
/* A new ULID for `ms` (milliseconds since the epoch) with 80 random bits
 * from `rng`, or from libsodium when `rng` is NULL. */
void wam_ulid(char out[WAM_ID_LEN + 1], uint64_t ms, wam_rng *rng);
uint64_t wam_now_ms(void);
void wam_time_iso(char out[WAM_TIME_LEN + 1], uint64_t ms);
void wam_hex(char *out, const unsigned char *p, size_t n);
int wam_unhex(unsigned char *out, size_t n, const char *hex);
/* True when `s` is 26 Crockford base32 characters. */
bool wam_is_ulid(const char *s);

/* ---- calendar dates YYYY-MM-DD, UTC (util/date.c) ---- */
/* True when `s` is a real calendar date YYYY-MM-DD (year 1900 or later);
 * its midnight UTC in `*t` (`t` may be NULL). */
bool wam_date_parse(const char *s, time_t *t);
/* True when `s` is a real calendar date YYYY-MM-DD of year `first_year` or
 * later (the stockpile's records go back to 1800). */
bool wam_date_valid(const char *s, int first_year);
void wam_date_format(char out[11], time_t t);
/* Today's date (UTC). */
void wam_date_today(char out[11]);

/* ---- canonical JSON (util/canon.c) ---- */
/* Canonical bytes of a JSON value: compact, keys sorted, UTF-8 as is. The
 * caller frees the result with free(). NULL on allocation failure. */
char *wam_canon(const json_t *v);
/* Appends the canonical bytes of `v` to `b`. */
int wam_canon_buf(wam_buf *b, const json_t *v);

/* ---- signed documents (trace/exchange.c) ----
 * A JSON document signed by this node: the Ed25519 signature over its
 * canonical bytes without "signature", added as "signature" (hex). The
 * trace exchange's documents and the evidence packs' signature.json. */
int wam_trace_doc_sign(wam_db *db, json_t *doc);
/* WAM_EINTEGRITY naming "signature" unless `doc`'s signature holds for
 * `public_key` (hex). */
int wam_trace_doc_verify(const json_t *doc, const char *public_key);
/* The trusted peer `node` ({node_id, public_key}) names, in `*peer`;
 * WAM_EFORBIDDEN naming "node" for a node not trusted, revoked or signing
 * with another key. */
int wam_trace_doc_signer(wam_db *db, json_t **peer, const json_t *node);

/* ---- files written owner-only (util/file.c; wam_file_create is public) ---- */
/* As wam_file_create(), a descriptor instead of a stream. */
int wam_file_open_fd(int *out, const char *path, const char *field, unsigned flags);
/* As wam_file_create_temp(), a descriptor instead of a stream. */
int wam_file_temp_fd(int *out, char *tmp, size_t tmpsize, const char *path, const char *field);
/* Takes the group's and others' bits off `path` when it is a regular file
 * the process owns (a registry made before files were owner-only); no file
 * is no error. */
int wam_file_tighten(const char *path);
/* The directory `path` is in ("." for a bare name, "/" at the root) into
 * `dir` of `n` bytes. */
void wam_file_dir(char *dir, size_t n, const char *path);
/* WAM_EINVAL naming `field` when `path` is one of the registry's own files
 * (store/own_files.c): the database, its -wal, -shm or -journal, its .key,
 * its .pseudonym.key, or in its .photos directory — by what it resolves to,
 * and by name for a file not there yet. What a backup or an evidence pack
 * is written to is checked with it. */
int wam_file_not_registry(const wam_db *db, const char *path, const char *field);

/* The URI another connection opens (or ATTACHes) the registry at `path`
 * with, read-only: "file:PATH?mode=ro", with immutable=1 when the registry
 * is on read-only media (store/db.c), where SQLite could not make the -shm
 * file a reader of a WAL database needs. Freed with sqlite3_free(); NULL
 * when out of memory. */
char *wam_db_reader_uri(const char *path);

/* ---- the registry's secret key (store/secret.c) ---- */
/* The purposes a subkey is asked for: each use its own. */
#define WAM_SECRET_PSEUDONYM "pseudonym"                /* the collection room's pseudonyms */
#define WAM_SECRET_SOURCES "monitoring sources"         /* sealing sources' identities */
#define WAM_SECRET_SOURCES_TAG "monitoring source tags" /* telling sources apart, unopened */
/* The secret key for `purpose` into `key`: derived (BLAKE2b-256 keyed)
 * from the 32 random bytes of "<db>.pseudonym.key", which the first use
 * makes (owner-only); WAM_SECRET_PSEUDONYM is that file's key itself, as
 * the collection room's pseudonyms always were. WAM_EIO when the file
 * cannot be read or made. The caller wipes the key after use
 * (sodium_memzero). */
int wam_db_secret_key(wam_db *db, const char *purpose, unsigned char key[32]);

/* ---- RFC 4180 CSV (util/csv.c) ---- */
#define WAM_CSV_MAX_FIELD 8192   /* bytes in one field */
#define WAM_CSV_MAX_FIELDS 64    /* fields in one record */
typedef struct wam_csv {
	FILE *in;
	long line;       /* physical line the next record starts on */
	long record_line; /* line the last record read started on */
	bool started;
	int pushed[4];
	size_t npushed;
	wam_buf field;
	wam_buf raw;     /* the record's bytes as read, for reject files */
	char *fields[WAM_CSV_MAX_FIELDS];
	size_t nfields;
	size_t error_field; /* with an error: the field it is in */
	wam_buf store;   /* NUL-separated field texts */
} wam_csv;
/* Reads the next record: 1 when one was read, 0 at end of input, negative on
 * a malformed record (error set with its line, `error_field` naming the
 * field; the record's fields are still there, an oversized one cut short, and
 * reading may continue). Blank lines are skipped. A UTF-8 byte order mark at
 * the very start is skipped. */
int wam_csv_next(wam_csv *r);
void wam_csv_free(wam_csv *r);
/* Writes one field, quoted when it needs to be. */
void wam_csv_put(FILE *out, const char *s, bool last);
/* A value a spreadsheet opening the file would take for a formula, and so
 * run (OWASP's CSV injection): one beginning with a tab, a carriage return
 * or a line feed, or whose first character after any leading spaces, tabs
 * and line breaks (which a spreadsheet may trim) is =, + or @, or - unless
 * what follows the blanks is a plain negative number ("-12", "-1.5"); and,
 * so that the escape can be undone exactly, one beginning with an
 * apostrophe. */
bool wam_csv_escaped(const char *s);
/* Writes a value as wam_csv_put does, with an apostrophe in front when
 * wam_csv_escaped(): a spreadsheet shows the value as text, and
 * wam_csv_text() gives it back byte for byte. Every value (not header) of
 * a CSV export goes through here. */
void wam_csv_put_text(FILE *out, const char *s, bool last);
/* The value a field written by wam_csv_put_text() holds: the field without
 * one leading apostrophe. Lives as long as `field`. */
const char *wam_csv_text(const char *field);

/* ---- the SQLite handle ---- */
#define WAM_ROOMS_MAX 16 /* rooms in wam_rooms[] (src/rooms.c) */
struct projector;
struct refdata;

/* Statement slots of the core, one range per file; a room's statements
 * are its own (wam_room_db_stmt, ledger/room.h), in the range after these
 * kept for its place in wam_rooms[]. */
#define WAM_ROOM_DB_SLOTS 24 /* statements a room caches on a handle */
enum {
	SLOT_LEDGER = 0, /* ledger.c: 0..7 */
	SLOT_STORE = 8,  /* store/db.c: 8..9 */
	SLOT_ROOMS = 16, /* the rooms': WAM_ROOM_DB_SLOTS each */
	SLOT_MAX = SLOT_ROOMS + WAM_ROOMS_MAX * WAM_ROOM_DB_SLOTS
};

struct wam_db {
	sqlite3 *conn;
	char *path;
	char node_id[WAM_ID_LEN + 1];
	char actor[128];
	wam_principal principal; /* who acts (wam_db_set_principal); kind "": the owner, unconfined */
	bool readonly;
	/* ledger head, valid inside a transaction */
	int64_t head_seq;
	unsigned char head_hash[WAM_HASH_LEN];
	int64_t signed_seq;  /* last event covered by a checkpoint */
	bool head_loaded;
	/* signing key, loaded on the first commit that needs it */
	bool have_key;
	unsigned char pk[32];
	unsigned char sk[64];
	int tx_depth;
	int snapshot_depth;  /* wam_db_snapshot_begin() calls open */
	/* wam_error_alloc_failures() when the last transaction ended */
	unsigned long json_failures;
	/* ids: a seeded generator and clock make demo registries reproducible */
	wam_rng *id_rng;
	uint64_t id_clock_ms;
	/* the last id made outside a demo: its millisecond and random part, so
	 * that ids made within one millisecond still sort in the order they were
	 * made (the random part counts up, as ULIDs' monotonic form does) */
	uint64_t id_last_ms;
	unsigned char id_last[10];
	struct projector *proj;
	struct refdata *ref;
	wam_buf scratch;     /* an event's canonical bytes */
	wam_buf canon;       /* an event's canonical payload */
	/* each room's state of this handle, by its place in wam_rooms[]
	 * (ledger/room.h: wam_room_state) */
	void *room_state[WAM_ROOMS_MAX];
	sqlite3_stmt *stmts[SLOT_MAX];
};

/* ---- the acting principal's sites (store/confine.c) ----
 * Every public read and write of a record that lives at a site asks these,
 * so a principal confined to sites (wam_db_set_principal) is held to them
 * whichever front end calls. With no principal, or one not confined, each
 * lets everything through. */
/* True when the handle acts for a principal confined to sites. */
bool wam_confined(const wam_db *db);
/* True when the handle's principal sees records at `site_id` (NULL or "":
 * no site, which only an unconfined principal sees). */
bool wam_confine_sees(const wam_db *db, const char *site_id);
/* 0, or WAM_EFORBIDDEN when a confined principal asks for `what`, which
 * covers the whole registry. */
int wam_confine_national(const wam_db *db, const char *what);
/* 0, or for a record at `site_id` the principal does not see WAM_ENOTFOUND
 * naming `field`, "no `what` with id 'ID'": as if it were not there. */
int wam_confine_hide(const wam_db *db, const char *site_id, const char *field, const char *what, const char *id);
/* 0, or for a site a write names in `field` that the principal does not
 * see WAM_EFORBIDDEN, "site 'ID' is not one of your sites". */
int wam_confine_site(const wam_db *db, const char *site_id, const char *field);
/* 0, or WAM_EFORBIDDEN naming "site" when a confined principal's list
 * filter names a site (`site_id`, or one of `sites`) that is not one of its
 * own: a filter is narrowed to the principal's sites, never answered empty
 * as though the other site held nothing. */
int wam_confine_named(const wam_db *db, const char *site_id, const char *const *sites, int nsites);
/* Narrows a list's site filter (`*sites`, `*nsites`; 0: any site) to the
 * principal's sites, in `buf`; a confined principal's filter that keeps no
 * site is one that matches nothing (a single ""). Unchanged when the
 * principal is not confined. */
void wam_confine_filter(const wam_db *db, const char *const **sites, int *nsites, const char *buf[WAM_AUTH_MAX_SITES]);
/* Drops from the array `list` the records whose `key` names a site the
 * principal does not see; nothing for an unconfined one. */
void wam_confine_list(const wam_db *db, json_t *list, const char *key);

/* Lifts confinement for a read the library makes on its own behalf inside
 * a call it has already held to the principal's sites (the events of a
 * weapon shown, the other weapon of a hit); `saved` is put back with
 * wam_confine_restore() before the call returns. */
void wam_confine_lift(wam_db *db, wam_principal *saved);
void wam_confine_restore(wam_db *db, const wam_principal *saved);
/* True when `user` (an id or name) is the user the handle acts for. */
bool wam_confine_self(const wam_db *db, const char *user);


/* A cached prepared statement for `slot` (an enum per file keeps slots
 * apart), reset and with bindings cleared. NULL on failure, error set.
 * Reset it as soon as its rows are read: a statement left on a row holds a
 * read snapshot, and a long-lived handle (a server thread's) would then
 * never see what other handles commit. */
sqlite3_stmt *wam_stmt(wam_db *db, int slot, const char *sql);
int wam_sql_fail(sqlite3 *conn, const char *what);
int wam_sql_exec(sqlite3 *conn, const char *sql);
/* Text of column `i`, "" when NULL. */
const char *wam_col_text(sqlite3_stmt *st, int i);
/* The current row as a JSON object keyed by column name (store/query.c). */
json_t *wam_row_json(sqlite3_stmt *st);
/* Every remaining row of `st` as wam_row_json shows it, in a new array;
 * finalizes `st`. `what` names the read in an error. */
int wam_rows_json(sqlite3_stmt *st, json_t **out, const char *what);
/* Every row of `sql`, with `a` and `b` (either may be NULL) bound to ?1 and
 * ?2: a statement prepared per call, for reads that are not a hot path. */
int wam_query_rows(wam_db *db, json_t **out, const char *sql, const char *a, const char *b);
/* Appends to the list `part` of `links` (made when absent) one link
 * {kind, id, date, label} per row of `sql` (?1 = `item_id`): `id` and
 * `date` its columns of those names, `label` every other column not NULL.
 * A row whose `site_id` column names a site the principal does not see is
 * left out (wam_registry_item_links and the rooms' links hooks). */
int wam_links_part(wam_db *db, json_t *links, const char *part, const char *kind, const char *sql, const char *item_id);
/* The first row of `sql` (?1 = a, ?2 = b, as wam_query_rows binds them) in
 * `*row`, NULL when there is none; the caller frees it. */
int wam_query_row(wam_db *db, json_t **row, const char *sql, const char *a, const char *b);
/* The first row of `sql` with `id` bound to ?1 in `*out` (the caller frees
 * it); WAM_ENOTFOUND naming "id" ("no `what` with id '...'") when there is
 * none, `*out` then NULL. */
int wam_query_one(wam_db *db, json_t **out, const char *sql, const char *id, const char *what);
/* True when the database holds table `name`: a room whose tables came by a
 * migration asks it of a registry made before the room and only read
 * since, which reads as holding none of its records. */
bool wam_table_exists(wam_db *db, const char *name);
/* Replaces the text member `key` of `row` (a column a projection keeps as
 * canonical JSON) by the JSON it holds: null when it is not JSON. Nothing
 * when `key` is not text. */
void wam_json_column(json_t *row, const char *key);
/* Binds `s` or NULL when `s` is NULL or empty. */
int wam_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Binds `v` at `i` as canonical JSON text (NULL for none or JSON null):
 * how a projection keeps an object or a list whole. */
int wam_bind_canon(sqlite3_stmt *st, int i, const json_t *v);

/* A large page cache while `on` (imports and other bulk writes): a quarter
 * of physical memory, between 128 MiB and 4 GiB, in KiB. */
long wam_bulk_cache_kib(void);
void wam_db_bulk(wam_db *db, bool on);

/* A new ULID for a record made through `db` (seeded during demo runs). */
void wam_db_new_id(wam_db *db, char out[WAM_ID_LEN + 1]);

/* ---- ledger (ledger/ledger.c) ---- */
/* Appends one event inside the open transaction and applies it to the
 * projections. `payload` is borrowed. `*seq_out` may be NULL. WAM_EINTERNAL,
 * nothing written, when the event catalogue (src/events.json) does not
 * declare `type` or `payload` does not fit its declaration. */
int wam_ledger_append(wam_db *db, const char *type, const char *subject,
                      const json_t *payload, int64_t *seq_out);
/* Appends one event about record `id` inside the open transaction and
 * commits it (rolls back on failure); then, when `out` is not NULL, reads
 * the record after it with `get`. A command of one event ends this way. */
int wam_ledger_append_commit(wam_db *db, json_t **out, const char *type, const char *id, const json_t *payload,
                             int (*get)(wam_db *db, json_t **out, const char *id));
/* Signs a checkpoint over the head if events were appended since the last. */
int wam_ledger_checkpoint(wam_db *db);
/* The canonical bytes an event's hash covers. */
int wam_event_bytes(wam_buf *b, int64_t seq, const char *id, const char *node,
                    const char *time, const char *actor, const char *type,
                    const char *subject, const char *payload, size_t payload_len);
/* Loads "<path>.key" into db->pk/sk. */
int wam_key_load(wam_db *db);
int wam_key_create(wam_db *db);
/* The public key in "<path>.key": WAM_ENOTFOUND without the file,
 * WAM_EINTEGRITY when it is another node's. */
int wam_key_public(const wam_db *db, unsigned char pk[32]);
/* The events that set a credential: a row is sealed to the latest of them
 * about its user or token. */
#define WAM_CREDENTIAL_EVENTS "('user.added','user.password_set','token.added')"
/* The latest event in WAM_CREDENTIAL_EVENTS about `subject` (0 if none). */
int wam_credential_event(wam_db *db, int64_t *seq, const char *subject);
/* The seal (keyed hash, hex) of a credential row set by event `seq`, under a
 * subkey of the node's secret key (loaded from the key file if needed). */
int wam_credential_seal(wam_db *db, char out_hex[65], const char *subject, const char *kind, const char *hash,
                        int64_t seq);
/* The content hash (hex) of each reference table, {"ref_category": hex,
 * "ref_country": hex}, as recorded in the genesis event (ledger/verify.c). */
int wam_refdata_digest(sqlite3 *conn, json_t **out);
#define WAM_CHECKPOINT_MSG_LEN (18 + WAM_ID_LEN + 8 + WAM_HASH_LEN)
/* The bytes a checkpoint signature covers. */
void wam_checkpoint_message(unsigned char msg[WAM_CHECKPOINT_MSG_LEN], const char *node, int64_t seq,
                            const unsigned char hash[WAM_HASH_LEN]);

/* ---- projections (ledger/project.c) ---- */
/* The projection schema, run on a fresh connection or after dropping. */
extern const char wam_sql_projections[];
/* The transfers room's tables (sql/migrations/0006-transfers.sql). */
extern const char wam_sql_transfers[];
/* The embargo room's tables (sql/migrations/0007-embargo.sql). */
extern const char wam_sql_embargo[];
/* The sanctions room's tables (sql/migrations/0008-sanctions.sql). */
extern const char wam_sql_sanctions[];
/* The monitoring room's tables (sql/migrations/0009-monitoring.sql). */
extern const char wam_sql_monitoring[];
extern const char wam_sql_item_makeup[], wam_sql_recovery_ammunition[], wam_sql_loss_ammunition[],
    wam_sql_lot_origins[], wam_sql_recovery_details[], wam_sql_holder_people[], wam_sql_reports[],
    wam_sql_loss_closures[], wam_sql_report_indexes[];
/* The version of the projection layout, in decimal: the sum of the rooms'
 * versions (ledger/room.h), each raised by one when its room's projection
 * changes, so it only grows. A registry that records another is rebuilt
 * when opened for writing. */
const char *wam_projection_version(void);
#define WAM_PROJECTION_VERSION wam_projection_version()
/* Makes every room's projection tables (sql/projections.sql). */
int wam_projection_create(sqlite3 *conn);
/* Drops every room's projection tables. */
int wam_projection_drop(sqlite3 *conn);
struct projector *wam_projector_new(sqlite3 *conn);
void wam_projector_free(struct projector *p);
/* The registry's own country as projector `p` knows it (from the genesis
 * event registry.created, which the store writes); "" when not known.
 * Marking rule R2 depends on it. Lives as long as `p`. */
const char *wam_projector_country(const struct projector *p);
/* Applies one event to the projection tables on the projector's connection. */
int wam_projector_apply(struct projector *p, int64_t seq, const char *type,
                        const char *subject, const json_t *payload, const char *time);
/* Binds the string (else NULL) or the number (else NULL) at `key` of `o`
 * to parameter `i`; a string is bound without a copy, so `o` must outlive
 * the statement's step. */
void wam_bind_json_text(sqlite3_stmt *st, int i, const json_t *o, const char *key);
void wam_bind_json_number(sqlite3_stmt *st, int i, const json_t *o, const char *key);
/* Binds the payload fields `keys` (NULL-terminated) of `o` in order from
 * parameter `first` on: as wam_bind_json_number when the key starts with
 * '#' (the '#' not part of the key), else as wam_bind_json_text. Returns the
 * parameter after the last one bound. */
int wam_bind_json_fields(sqlite3_stmt *st, int first, const json_t *o, const char *const *keys);
/* Steps a statement that applies event `seq` and resets it; a record
 * created twice is WAM_EINTEGRITY (the events say something impossible). */
int wam_projection_step(sqlite3 *conn, sqlite3_stmt *st, int64_t seq);
/* wam_projection_step() for a statement that must change exactly one row
 * (an update of a record the event names): when it changes none or
 * several, WAM_EINTEGRITY with the message `fmt` makes. */
int wam_projection_step_one(sqlite3 *conn, sqlite3_stmt *st, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What a room's projector works with: the connection its tables are on,
 * a cache of prepared statements of its own (wam_room_stmt) and the room's
 * state beside the projector (its projector_open hook made it). A room of
 * several projector files gives each its own `part` (0..3) before calling
 * it, so their statement slots do not meet. */
#define WAM_ROOM_PARTS 4
typedef struct wam_room_ctx {
	struct projector *p;
	sqlite3 *conn;
	int room;
	int part;
	void *state;
} wam_room_ctx;
/* Applies one event of a room (its type has one of the room's prefixes,
 * ledger/room.h) to that room's projection tables. */
typedef int (*wam_room_apply_fn)(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                                 const json_t *payload, const char *time);
/* A cached statement of the room for `slot` (0..31), reset, bindings
 * cleared. NULL on failure, error set. */
sqlite3_stmt *wam_room_stmt(wam_room_ctx *ctx, int slot, const char *sql);
/* The rooms' hooks at points of a handle's life, each room's in the order
 * of wam_rooms[] (ledger/room.c): a handle opened (`from`: the handle it
 * is a clone of, or NULL), closed, its outermost transaction committed, a
 * transaction or savepoint undone, its projections dropped to be made
 * again. */
int wam_rooms_open(wam_db *db, wam_db *from);
void wam_rooms_close(wam_db *db);
void wam_rooms_commit(wam_db *db);
void wam_rooms_rollback(wam_db *db);
void wam_rooms_rebuilt(wam_db *db);
/* Replays every event of `src` (seq order) into the projector. */
int wam_projector_replay(struct projector *p, sqlite3 *src,
                         wam_progress_fn progress, void *payload);

/* The registry's own country (ISO 3166, as `wam init --country` gave it)
 * into `out` (5 bytes), "" when it has none (store/query.c). */
int wam_db_country(wam_db *db, char out[5]);

/* ---- reference data (store/refdata.c) ---- */
/* Loads countries (Debian iso-codes) and categories (data/) into tables. */
int wam_refdata_load(sqlite3 *conn);
/* Directory of wam's data files: $WAM_DATA_DIR or the compiled-in one. */
const char *wam_data_dir(void);

/* The photo store (store/photo.c; wam_photo_add and wam_photo_get are the
 * public doors). The media type of image bytes by their first bytes, or
 * NULL. */
const char *wam_photo_type(const void *bytes, size_t n);
/* `hash` is 64 lowercase hex digits, the only names the store has. */
bool wam_photo_hash_valid(const char *hash);
/* Writes a photo to the store unless it is there; its hash into `hash`,
 * its media type into `*media_type` (NULL when the bytes are no image). */
int wam_photo_store(wam_db *db, char hash[WAM_PHOTO_HASH_LEN + 1], const char **media_type, const void *bytes,
                    size_t n);
/* Reads a stored photo back, checking its bytes hash to its name. */
int wam_photo_read(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32], const char *hash);
bool wam_refdata_country(wam_db *db, const char *code);
bool wam_refdata_category(wam_db *db, const char *code);
/* The countries of ISO 3166-1 as iso-codes gives them ({alpha_2, name,
 * official_name?, common_name?, ...}), from the files ref_country was
 * loaded from; NULL (error set) when they cannot be read. */
json_t *wam_refdata_iso3166(void);
void wam_refdata_free(struct refdata *r);

/* ---- names (match/names.c) ----
 * A person's or an entity's name in any script folded for comparison:
 * cut in parts, each part romanised (data/match/names-arabic.tsv,
 * translit.tsv for Cyrillic; Latin letters lose their marks through
 * NFKC, case folding and mark stripping), its spelling families folded
 * (names-variants.tsv) and reduced to a consonant skeleton. Particles and
 * honorifics (names-particles.tsv) and legal forms (names-legal-forms.tsv)
 * stay in the name for display and are left out of comparison.
 * docs/match.md "Names". */
#define WAM_NAME_PARTS 16
#define WAM_NAME_PART_LEN 48
enum { WAM_NAME_CORE, WAM_NAME_PARTICLE, WAM_NAME_LEGAL_FORM };
enum { WAM_NAME_LATIN, WAM_NAME_ARABIC, WAM_NAME_CYRILLIC, WAM_NAME_OTHER_SCRIPT };
typedef struct wam_name_part {
	char latin[WAM_NAME_PART_LEN]; /* romanised, lower case ASCII */
	char form[WAM_NAME_PART_LEN];  /* spelling families folded, a vowel run as one 'a' */
	char skel[WAM_NAME_PART_LEN];  /* the consonants of `form` (a first y or w kept) */
	char bare[WAM_NAME_PART_LEN];  /* `form` without a joined article (Alnoor: "nar"), or "" */
	int start, end;                /* code points of the part in the name, end excluded */
	int bstart, bend;              /* the same in bytes */
	unsigned char role;            /* WAM_NAME_CORE, _PARTICLE, _LEGAL_FORM */
	unsigned char script;          /* WAM_NAME_LATIN ... */
} wam_name_part;
typedef struct wam_name {
	wam_name_part part[WAM_NAME_PARTS];
	int n;           /* parts (beyond WAM_NAME_PARTS are left out) */
	int ncore;       /* of which compared */
	bool legal_form; /* a legal form was seen: an entity's name */
} wam_name;
/* How two parts matched, best first. */
typedef enum wam_name_how {
	WAM_NAME_SAME,
	WAM_NAME_TRANSLIT,
	WAM_NAME_VARIANT,
	WAM_NAME_FUZZY,
	WAM_NAME_INITIAL,
	WAM_NAME_DIFFERENT
} wam_name_how;
/* Folds `name` (UTF-8). WAM_EINVAL naming `field` when it is not valid
 * UTF-8 or has no letter; WAM_EIO when the tables cannot be loaded. */
int wam_name_fold(wam_name *out, const char *name, const char *field);
/* Similarity 0..1 of two compared parts, and how they matched. */
double wam_name_part_similarity(const wam_name_part *a, const wam_name_part *b, wam_name_how *how);
/* The word for `how` ("same", "translit", "variant", "fuzzy", "initial"). */
const char *wam_name_how_word(wam_name_how how);
/* Jaro-Winkler similarity of two ASCII strings (prefix scale 0.1, up to 4). */
double wam_jaro_winkler(const char *a, const char *b);
/* The compared parts' Latin forms joined by single spaces (the party key's
 * name): "muhammad qadhafi". Cut at `n` - 1 bytes. */
void wam_name_normalized(char *buf, size_t n, const wam_name *nm);

/* Names (names.c): a skeleton or form with each letter that is either of
 * two (names-variants.tsv "g	k|j") written each way, at most `max`;
 * returns how many were written to `out`. */
#define WAM_NAME_SPELLING_LEN 48
int wam_name_spellings(const char *s, char out[][WAM_NAME_SPELLING_LEN], int max);

/* ---- the rooms' plug-in points (rooms.c) ----
 * A room reaches another only through the other's public header
 * (include/wam/) or through these lists, which rooms.c fills with what each
 * room offers: no room includes another room's private header. */

/* A room's part of `wam demo`: what it adds to the registry the demo is
 * filling, inside its transaction (`demo` is data/demo.json, `sites` the
 * ids of its sites). Parts run in list order; each runs only when the
 * previous ones did and the registry asked for is ten times larger than
 * the weapons all of them bring. */
typedef struct wam_demo_part {
	const char *room;
	/* How many weapons the part's records bring (0 when none). */
	long (*weapons)(const json_t *demo);
	/* Adds the part's records; NULL when the part adds none. */
	int (*fill)(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites);
	/* Destroys the weapons `ids` whose demo life ends so, at `site`,
	 * certificates numbered from `cert_prefix`; run whether or not the part
	 * filled anything. NULL when the room destroys nothing. */
	int (*destroy)(wam_db *db, const json_t *demo, const char *site, const json_t *ids, const char *cert_prefix);
} wam_demo_part;
/* NULL-terminated, in the order the parts run. */
extern const wam_demo_part *const wam_demo_parts[];

/* Called inside the registering transaction for a weapon registered with a
 * recovered status (seized, found, surrendered) outside any recovery, to
 * record what that finds (tracing: hits on lost and stolen weapons).
 * NULL-terminated. */
typedef int (*wam_weapon_hook)(wam_db *db, const char *item_id);
extern const wam_weapon_hook wam_recovered_weapon_hooks[];

/* Called inside the transaction that changes weapon `item_id`'s status,
 * after its event, to record what the change makes in another room
 * (tracing: the loss report of a weapon that becomes lost or stolen, so
 * that one loss is one record whichever front end records it). `from` is
 * the status before, NULL for a weapon registered with status `to`;
 * `change` the change's details (reason, document, certificate) or the
 * registered weapon's payload. `flags`: WAM_STATUS_BULK. NULL-terminated. */
#define WAM_STATUS_BULK 0x1u /* an import: what a search would find waits for `wam hit scan` */
typedef int (*wam_status_hook)(wam_db *db, const char *item_id, const char *from, const char *to, const json_t *change,
                               unsigned flags);
extern const wam_status_hook wam_status_changed_hooks[];

/* Adds to `links` (a JSON object) the parts a room holds about weapon
 * `item_id`, for wam_registry_item_links(): each a key naming the part
 * ("hits") holding a list, newest first, of {kind, id, date, label}. The
 * weapon is one the principal sees; each part keeps to the principal's
 * sites, or is left out when it covers the whole registry and the
 * principal is confined. NULL-terminated. */
typedef int (*wam_item_links_hook)(wam_db *db, json_t *links, const char *item_id);
extern const wam_item_links_hook wam_item_links_hooks[];

/* Called inside the recording transaction once recovery `recovery_id` and
 * the weapons it registered are recorded, to record what that finds
 * (tracing: hits between its weapons and the registry's, lost and stolen
 * ones included). NULL-terminated. */
typedef int (*wam_recovery_recorded_hook)(wam_db *db, const char *recovery_id);
extern const wam_recovery_recorded_hook wam_recovery_recorded_hooks[];

/* Called inside a shipment's transaction after its `shipment.dispatched`
 * (or `shipment.received`) event, with the event's payload (date, items,
 * lots, exemption?), to record what the shipment makes due in another room
 * (embargo: the notice after a delivery under a post-delivery-notice
 * exemption). NULL-terminated. */
typedef int (*wam_shipped_hook)(wam_db *db, const char *shipment_id, const json_t *shipment);
extern const wam_shipped_hook wam_shipped_hooks[];

/* Adds to the record of recovery `recovery_id` (`rec`, a JSON object) what
 * another room holds about it (tracing: "hits"), in list order.
 * NULL-terminated. */
typedef int (*wam_recovery_hook)(wam_db *db, json_t *rec, const char *recovery_id);
extern const wam_recovery_hook wam_recovery_read_hooks[];

/* A room's part of the work to do (wam_todo, store/todo.c): appends to
 * `items` one item per kind of work it holds for the handle's principal —
 * at its sites, and only what its role may act on — with wam_todo_add(),
 * nothing when there is none. `today` is YYYY-MM-DD. NULL-terminated. */
typedef int (*wam_todo_part)(wam_db *db, json_t *items, const char *today);
extern const wam_todo_part wam_todo_parts[];

/* What the to-do list shows of one record: {id, title: {...the fields a
 * page names it by}, due?: YYYY-MM-DD}; NULL when out of memory. */
typedef json_t *(*wam_todo_describe)(const json_t *record);
/* How many records an item lists (it counts all of them). */
#define WAM_TODO_LISTED 5
/* Appends {kind, count, list: [the first WAM_TODO_LISTED records as
 * `describe` shows them], sites: {site id: count}} for `records` (a JSON
 * array, in the order to show), each record's site read from its
 * `site_key` (NULL: not at a site); nothing when `records` is empty. */
int wam_todo_add(json_t *items, const char *kind, const json_t *records, const wam_todo_describe describe,
                 const char *site_key);

/* Screens one party of a transfer {role, name, country?, ...} as of `date`
 * (YYYY-MM-DD): appends to `findings` one {screen, rule, message,
 * message_id, args, reference?} per reason the party must not be accepted,
 * nothing when it is clear. wam_screen_party asks each in list order,
 * and every licence, certificate, shipment and broker registration passes
 * its parties through it (transfers: an arms embargo recorded on the
 * country of a party that receives the goods). NULL-terminated. */
typedef int (*wam_screen_hook)(wam_db *db, const json_t *party, const char *date, json_t *findings);
extern const wam_screen_hook wam_screen_hooks[];
/* Screens `party` ({role, name, country?, dob?, nationality?, document?,
 * government?, exemption?, subject?: {kind, id, label}}) as of `date`
 * (NULL: today) through every screener of wam_screen_hooks:
 * `*out` {clear, findings} (ledger/screen.c). A finding that carries an
 * `alert` {id, state} is a potential match an officer decides: the record
 * it is about may be recorded, what acts on it is refused while it stands. */
int wam_screen_party(wam_db *db, json_t **out, const json_t *party, const char *date);
/* The first finding of a screening {clear, findings} that carries no
 * `alert` (one that refuses the record itself), NULL when none does. */
const json_t *wam_screen_blocking(const json_t *screening);

/* Whether weapon `item_id` is held by a procedure of a room that must end
 * before the weapon may leave by another (an open destruction batch lists
 * it, an export proposal waits for it): WAM_ECONFLICT naming `field` and
 * the procedure, 0 when none holds it. An export by proposal or by
 * shipment asks each. NULL-terminated. */
typedef int (*wam_weapon_held_hook)(wam_db *db, const char *item_id, const char *field);
extern const wam_weapon_held_hook wam_weapon_held_hooks[];

/* Gives weapon `id` a status only a procedure gives (`destroyed`, when a
 * destruction batch closes), through the registry's state machine and
 * checks as wam_registry_item_set_status does, that status allowed: the one path
 * by which another room's procedure ends a weapon's life. */
typedef int (*wam_final_status_fn)(wam_db *db, json_t **out, const char *id, const char *status,
                                   const json_t *details);
extern const wam_final_status_fn wam_weapon_final_status;

/* One ammunition line a room holds outside a depot (a recovery's, a loss
 * report's, an observation's) or a lot in a depot, for the matcher's
 * ammunition search (match/ammunition.c) to score. */
typedef struct wam_ammunition_seen {
	const char *source;       /* "recovery", "loss", "observation", "lot" */
	const char *id;           /* the record: recovery, loss report, observation or lot id */
	long line;                /* the line within it, from 0 (a lot: 0) */
	const char *date;         /* YYYY-MM-DD, or NULL */
	const char *country;      /* where it was (ISO 3166), or NULL */
	const char *site_id;      /* the site it is at or came to, or NULL */
	const json_t *ammunition; /* the line as wam_ammunition_take() keeps it: {calibre, type?,
	                           * headstamp?: {text, factory?, year?}, lot?, packaging_marks?,
	                           * crate_marks?, quantity?, packages?} */
} wam_ammunition_seen;
/* Called once per line; a non-zero return stops the walk and is returned. */
typedef int (*wam_ammunition_visit)(void *ctx, const wam_ammunition_seen *seen);
/* Walks every ammunition line a room holds that the handle's principal may
 * see (a principal confined to sites: lines at or brought to its sites).
 * NULL-terminated. */
typedef int (*wam_ammunition_source)(wam_db *db, wam_ammunition_visit visit, void *ctx);
extern const wam_ammunition_source wam_ammunition_sources[];

#endif
