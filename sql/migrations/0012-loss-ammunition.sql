-- Migration 12: the ammunition lines of a loss report (the trace room,
-- docs/trace.md), kept as a recovery's are. A loss of ammunition only has
-- no weapon: its loss_reports row has item_id '' (that column, older than
-- such losses, is NOT NULL, and a reader of an older registry must find its
-- tables as they were defined). Also the trace room's schema (struct
-- wam_room's `schema`).
CREATE TABLE IF NOT EXISTS loss_ammunition (
  report_id         TEXT NOT NULL,
  line              INTEGER NOT NULL,
  calibre           TEXT NOT NULL,
  type              TEXT,
  headstamp_text    TEXT,
  headstamp_factory TEXT,
  headstamp_year    INTEGER,
  lot               TEXT,
  packaging_marks   TEXT,
  crate_marks       TEXT,
  quantity          INTEGER NOT NULL,
  packages          INTEGER,
  notes             TEXT,
  PRIMARY KEY (report_id, line)
) WITHOUT ROWID;
