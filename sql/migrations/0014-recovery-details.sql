-- Migration 14: what a recovery says of its case and of the person it was
-- made from (the collection room, docs/collection.md): the legal
-- justification of a seizure (the UNODC questionnaire counts by it) and the
-- sex and age band of the person who surrendered the weapons or from whom
-- they were seized, beside the recovery's pseudonym, never a name (seed
-- report paragraphs 30-31, domain spec section 2.15). A recovery recorded without any of
-- them has no row: every reader takes a missing row as "not recorded".
-- Also one of the collection room's schemas (struct wam_room's `schema`).
CREATE TABLE IF NOT EXISTS recovery_details (
  recovery_id         TEXT PRIMARY KEY,
  legal_justification TEXT,
  sex                 TEXT NOT NULL DEFAULT 'not_recorded',
  age_band            TEXT NOT NULL DEFAULT 'not_recorded',
  last_seq            INTEGER NOT NULL
) WITHOUT ROWID;
