-- Migration 1: the ledger, the one source of truth (rows here are only ever
-- INSERTed), the nodes and the reference data. Portable SQL (SQLite and
-- PostgreSQL); see docs/ledger.md. A released migration is never edited:
-- a change to the schema is a new numbered file (docs/ledger.md, "Schema
-- migrations").

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE events (
  seq       INTEGER PRIMARY KEY,          -- 1, 2, 3 ... no gaps
  id        TEXT NOT NULL,                -- ULID made by the node (unique by construction)
  node      TEXT NOT NULL,                -- node that recorded it
  time      TEXT NOT NULL,                -- ISO 8601 UTC, milliseconds
  actor     TEXT NOT NULL,                -- who: cli:alice, user:..., demo
  type      TEXT NOT NULL,                -- item.registered, item.status_changed ...
  subject   TEXT NOT NULL,                -- id of the record it concerns
  payload   TEXT NOT NULL,                -- canonical JSON
  prev_hash BLOB NOT NULL,                -- hash of seq-1 (32 zero bytes for seq 1)
  hash      BLOB NOT NULL                 -- BLAKE2b-256(prev_hash || canonical bytes)
);
CREATE INDEX events_subject ON events(subject, seq);

CREATE TABLE checkpoints (
  seq       INTEGER PRIMARY KEY,          -- last event covered
  hash      BLOB NOT NULL,                -- that event's hash
  node      TEXT NOT NULL,
  time      TEXT NOT NULL,
  signature BLOB NOT NULL                 -- Ed25519 over the checkpoint message
);

CREATE TABLE nodes (
  id         TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,              -- hex Ed25519 public key
  created    TEXT NOT NULL
);

-- Reference data, loaded from data files (not hand-typed lists).
CREATE TABLE ref_country (
  code      TEXT PRIMARY KEY,             -- alpha-2, or alpha-4 for former states
  name      TEXT NOT NULL,
  withdrawn TEXT                          -- ISO 3166-3 withdrawal date
);
CREATE TABLE ref_category (
  code   TEXT PRIMARY KEY,                -- SA1..SA6, LW1..LW7, I..VII(b), SHOTGUN, PART
  kind   TEXT NOT NULL,                   -- small_arm, light_weapon, unroca, other
  name   TEXT NOT NULL
);
