-- Migration 16: international reports as they were submitted (the reports
-- room, docs/reports.md): each the signed document sent, with the ledger
-- position it was computed at, kept as the report.submitted event holds
-- it; later events never change it. Also the reports room's schema.
CREATE TABLE IF NOT EXISTS report_submissions (
  id           TEXT PRIMARY KEY,
  report       TEXT NOT NULL,    -- unroca, att, poa, iafq
  year         INTEGER NOT NULL,
  options      TEXT NOT NULL,    -- canonical JSON of what it was asked with
  ledger_seq   INTEGER NOT NULL, -- the last event the report was computed from
  ledger_hash  TEXT NOT NULL,    -- that event's hash (hex)
  reference    TEXT,             -- the submission's reference (note verbale ...)
  document     TEXT NOT NULL,    -- the signed document, canonical JSON
  submitted_by TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  seq          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_submissions_year ON report_submissions(report, year, seq);
