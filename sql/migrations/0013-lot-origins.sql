-- Migration 13: where an ammunition lot came from when it was taken in from
-- a recovery's ammunition line (the stock room, docs/stock.md). Also the
-- stock room's schema (struct wam_room's `schema`).
CREATE TABLE IF NOT EXISTS lot_origins (
  lot_id      TEXT PRIMARY KEY,
  recovery_id TEXT NOT NULL,
  line        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lot_origins_recovery ON lot_origins(recovery_id, line);
