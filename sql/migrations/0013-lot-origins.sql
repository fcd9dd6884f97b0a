-- Migration 13: where an ammunition lot came from when it was taken in from
-- a recovery's ammunition line, and the recovered rounds destruction batches
-- list (the stock room, docs/stock.md). Also the
-- stock room's schema (struct wam_room's `schema`).
CREATE TABLE IF NOT EXISTS lot_origins (
  lot_id      TEXT PRIMARY KEY,
  recovery_id TEXT NOT NULL,
  line        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lot_origins_recovery ON lot_origins(recovery_id, line);

-- Rounds of a recovery's ammunition line (never taken into a lot) listed in
-- a destruction batch: the recovery counts them as destroyed at once.
CREATE TABLE IF NOT EXISTS destruction_recovered (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  recovery_id    TEXT NOT NULL,
  line           INTEGER NOT NULL,
  rounds         INTEGER NOT NULL,
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;
