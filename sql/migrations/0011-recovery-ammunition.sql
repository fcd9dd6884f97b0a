-- Migration 11: the ammunition lines of a recovery (the collection room,
-- docs/collection.md). Also the collection room's schema (struct wam_room's
-- `schema`): a registry made before gets the table on its first write.

-- IATG 03.50 asks for calibre, type, headstamp, lot and packaging. stocked
-- and destroyed are the rounds taken into stock lots (lots: their ids,
-- space-separated) and listed in destruction batches; quantity - stocked -
-- destroyed is what remains, never below zero.
CREATE TABLE IF NOT EXISTS recovery_ammunition (
  recovery_id       TEXT NOT NULL,
  line              INTEGER NOT NULL,     -- from 0, in the order recorded
  calibre           TEXT NOT NULL,
  type              TEXT,
  headstamp_text    TEXT,                 -- as read, any script
  headstamp_factory TEXT,
  headstamp_year    INTEGER,
  lot               TEXT,
  packaging_marks   TEXT,
  crate_marks       TEXT,
  quantity          INTEGER NOT NULL,     -- rounds
  packages          INTEGER,
  stocked           INTEGER NOT NULL DEFAULT 0,
  destroyed         INTEGER NOT NULL DEFAULT 0,
  lots              TEXT,
  notes             TEXT,
  photos            TEXT,                 -- sha256 hashes, space-separated
  PRIMARY KEY (recovery_id, line)
) WITHOUT ROWID;
