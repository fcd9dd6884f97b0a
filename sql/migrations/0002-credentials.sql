-- Migration 2: secrets, beside the ledger and never in it: an Argon2id
-- password hash or the BLAKE2b-256 hash (hex) of an API token, per user or
-- token id. Not a projection (rebuild keeps it, verify does not compare its
-- rows with the events); the event that records a secret was set is written
-- in the same transaction. See docs/auth.md.
CREATE TABLE credentials (
  subject TEXT PRIMARY KEY,               -- the user's or token's id
  kind    TEXT NOT NULL,                  -- password, token
  hash    TEXT NOT NULL
);
