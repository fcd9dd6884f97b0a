-- Migration 15: the sex and age band of a holder who is a person (a
-- licence holder, a holder of record), for the reports that count people
-- (the registry room, docs/registry.md; seed report, paragraphs 30-31; domain spec
-- section 2.15). A holder registered without them has no row: every reader takes
-- a missing row as "not recorded". Also one of the registry room's schemas.
CREATE TABLE IF NOT EXISTS holder_people (
  holder_id TEXT PRIMARY KEY,
  sex       TEXT NOT NULL DEFAULT 'not_recorded',
  age_band  TEXT NOT NULL DEFAULT 'not_recorded',
  last_seq  INTEGER NOT NULL
) WITHOUT ROWID;
