/* wam/ledger.h — the tamper-evident event log.
 *
 * Every change to a registry is an event: a row with a ULID, the node id, a
 * sequence number, the time, the actor, a type ("item.registered"), a subject
 * (the record it concerns) and a canonical JSON payload. Each event's hash is
 * BLAKE2b-256 over the previous event's hash followed by the event's canonical
 * bytes, and the node signs checkpoints (sequence, hash) with its Ed25519
 * key at the end of every command. Items, markings, sites and holders are
 * projections computed from the events alone; wam_ledger_rebuild() recomputes
 * them. No code path updates or deletes an event. See docs/ledger.md. */
#ifndef WAM_LEDGER_H
#define WAM_LEDGER_H

#include <jansson.h>
#include <stdint.h>

#include "api.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What wam_ledger_verify() found. */
typedef struct wam_verify_report {
	int intact;              /* 1 when nothing is wrong */
	int64_t events;          /* events read */
	int64_t checkpoints;     /* signed checkpoints checked */
	int64_t first_bad_seq;   /* first sequence number that is wrong, 0 if none */
	char problem[32];        /* event_changed, event_missing, event_inserted,
	                          * events_reordered, checkpoint_invalid,
	                          * unsigned_events, projection_mismatch, key_mismatch */
	char detail[512];        /* a sentence for a person */
	char table[32];          /* projection_mismatch: the table */
	char record_id[40];      /* projection_mismatch: the record */
	char public_key[65];     /* hex of the pinned key the checkpoints were checked with */
	char key_source[16];     /* where that trust came from: "key_file" or "expect_key" */
	int credentials_checked; /* 1 when every credential's seal was checked (needs the key file) */
	int64_t credentials;     /* credentials whose seal was checked */
	int refdata_checked;     /* 1 when the reference tables matched what the ledger recorded */
	int64_t head_seq;        /* the receipt's head seq, when one was given */
	double chain_seconds;    /* time spent on the hash chain and signatures */
	double projection_seconds; /* time spent replaying and comparing */
} wam_verify_report;
/* Further problems: key_missing (no key file and no expected key),
 * receipt_invalid, head_missing, head_mismatch (a receipt given with
 * --expect-head), refdata_changed, refdata_unrecorded, credential_changed,
 * credential_unsealed, credential_missing (a user or token whose secret
 * was set has no credential row), schema_changed (a trigger, view, table or
 * index wam does not create, or one of its own redefined). */

/* Flags for wam_ledger_verify(). */
#define WAM_VERIFY_CHAIN_ONLY 0x1u /* skip the projection comparison */

/* What wam_ledger_verify_with() trusts and checks besides the registry. */
typedef struct wam_verify_opts {
	unsigned flags;            /* WAM_VERIFY_* */
	const char *expect_key;    /* hex Ed25519 public key the caller trusts; NULL: the key
	                            * file beside the registry, which must then exist */
	const json_t *expect_head; /* a receipt of wam_ledger_head_receipt() the ledger must
	                            * still hold, or NULL */
} wam_verify_opts;

/* wam_ledger_verify() with a trust anchor of the caller's and a receipt to
 * check. The key checkpoints are checked with is pinned outside the
 * database: `opts->expect_key`, else the key file (a missing key file, or
 * one of another node or key, is a problem, never skipped). Credentials'
 * seals are checked only with the key file (they need the secret key):
 * out->credentials_checked says whether they were. WAM_EINVAL (field
 * expect_key or expect_head) when those are not a key or a receipt. */
WAM_API int wam_ledger_verify_with(wam_db *db, const wam_verify_opts *opts, wam_verify_report *out);

/* A signed receipt of the current head, for an auditor to keep: {format
 * "wam-head/1", node_id, public_key, seq, hash, time, signature}, the
 * Ed25519 signature by the node key over the canonical JSON without
 * "signature". Refused (WAM_EINTEGRITY) unless the chain verifies against
 * the key file; WAM_ENOTFOUND/WAM_EINTEGRITY naming "key" without a usable
 * key file. The caller frees `*out` with json_decref. */
WAM_API int wam_ledger_head_receipt(wam_db *db, json_t **out);

/* Checks the hash chain, every checkpoint signature and (unless
 * WAM_VERIFY_CHAIN_ONLY) that every projection row equals what replaying the
 * events produces. Returns 0 and fills `*out` whether or not the registry is
 * intact (read out->intact); returns negative only if verification itself
 * could not run (WAM_EDB, WAM_ENOMEM). Changes nothing. */
WAM_API int wam_ledger_verify(wam_db *db, unsigned flags, wam_verify_report *out);

/* Drops every projection and recomputes it from the events, in one
 * transaction, after proving the chain against the key file: a ledger that
 * is not intact is refused (WAM_EINTEGRITY, nothing changed). Appends no
 * event. */
WAM_API int wam_ledger_rebuild(wam_db *db);

/* wam_ledger_rebuild(), and then what a registry made before credentials
 * were sealed and reference data recorded lacks: each unsealed credential
 * is sealed to the latest event that set it, and the reference tables'
 * digest is recorded in a refdata.recorded event; and the records a later
 * rule makes, as events: a loss report for each weapon lost or stolen
 * without one (docs/trace.md). How many credentials were sealed, whether
 * the reference data was recorded (0/1), and how many such records were
 * made, in `*sealed`, `*recorded` and `*backfilled` (each may be NULL). */
WAM_API int wam_ledger_rebuild_sealing(wam_db *db, int *sealed, int *recorded, int *backfilled);

/* The events of one subject (or of the whole registry when `subject` is
 * NULL) with seq > `after_seq`, oldest first, at most `limit` (0: no limit).
 * `*out` is a JSON array of event objects {seq, id, node, time, actor, type,
 * subject, payload, prev_hash, hash}; the caller frees it with json_decref. */
WAM_API int wam_ledger_events(wam_db *db, const char *subject, int64_t after_seq, int limit, json_t **out);

/* Proves one record (a weapon, site, holder, user...) without reading the
 * whole ledger: each of its events is rehashed from its bytes, linked to
 * the event before it, and followed to the first signed checkpoint at or
 * after it, whose signature is checked. `*out` is {id, intact, events,
 * first_seq, last_seq, head_seq, signed_seq} and, when not intact,
 * {problem, detail, first_bad_seq} as wam_ledger_verify names them.
 * WAM_ENOTFOUND if no event is about `subject`. Changes nothing; `wam
 * verify` remains the proof of the whole registry and its projections. */
WAM_API int wam_ledger_prove(wam_db *db, json_t **out, const char *subject);

/* wam_ledger_prove() with the key pinned by the caller (`expect_key`, hex)
 * instead of the key file; `*out` also names the key trusted {public_key,
 * key_source}. */
WAM_API int wam_ledger_prove_with(wam_db *db, json_t **out, const char *subject, const char *expect_key);

/* The canonical JSON text of `v`, the form events are hashed in: compact,
 * keys sorted, UTF-8 as is, reals to 15 significant digits. Also the
 * quickest way to write a record as JSON. A new string the caller frees with
 * free(), its length in `*len` (may be NULL); NULL when out of memory. */
WAM_API char *wam_ledger_canonical_json(const json_t *v, size_t *len);

/* The number of events and the head hash (hex, 65 bytes incl. NUL). */
WAM_API int wam_ledger_head(wam_db *db, int64_t *seq, char head_hex[65]);

/* The work waiting for the handle's principal, for a front end's "to do":
 * sets `*out` to {as_of, items: [{kind, count, list: [{id, title: {...},
 * due?}] (the first five), sites: {site id: count}}]}, one item per kind
 * of work there is any of, in the order the rooms offer them (src/rooms.c,
 * docs/api.md names the kinds). Each counts only records at the
 * principal's sites, and only work its role may act on (a handle with no
 * principal acts for the owner: everything). `today` is YYYY-MM-DD, or
 * NULL for the current UTC date; another value is WAM_EINVAL naming
 * `as_of`. The caller frees `*out`. */
WAM_API int wam_todo(wam_db *db, json_t **out, const char *today);

#ifdef __cplusplus
}
#endif

#endif
