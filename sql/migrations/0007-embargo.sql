-- Migration 7: the embargo room's tables (src/embargo/, docs/embargo.md):
-- the national embargoes a state records (the table came with migration 6
-- and moved here with its events, so a registry made before keeps it as it
-- is), the Security Council's regimes from the imported reference files,
-- exemptions with their decisions, and the notices that fall due. Like
-- migration 6 this file is also the room's schema (struct wam_room's
-- `schema`), run after sql/projections.sql whenever the projection is made.
-- Objects kept whole are canonical JSON.
CREATE TABLE IF NOT EXISTS embargoes (
  id             TEXT PRIMARY KEY,
  country        TEXT NOT NULL,
  reference      TEXT NOT NULL,            -- the resolution or decision
  since          TEXT NOT NULL,
  until          TEXT,
  scope          TEXT NOT NULL,            -- supply | supply_and_procurement
  notes          TEXT,
  lifted_on      TEXT,
  lift_reference TEXT,
  recorded_seq   INTEGER NOT NULL,
  last_seq       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS embargoes_country ON embargoes(country);

-- One row per regimes reference file imported.
CREATE TABLE IF NOT EXISTS regime_files (
  seq       INTEGER PRIMARY KEY,            -- the regimes.imported event
  version   INTEGER NOT NULL,
  generated TEXT NOT NULL,
  sources   TEXT NOT NULL                   -- JSON array
);

-- Every regime any imported file held: the newest file's form of it.
CREATE TABLE IF NOT EXISTS regimes (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  body        TEXT NOT NULL,                -- JSON: the regime as the file gives it
  removed_seq INTEGER,                      -- the import of a file that no longer held it
  last_seq    INTEGER NOT NULL
) WITHOUT ROWID;

-- Which file held which regime, and in what form.
CREATE TABLE IF NOT EXISTS regime_versions (
  regime_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (regime_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS exemptions (
  id                  TEXT PRIMARY KEY,
  regime_id           TEXT NOT NULL,
  procedure           TEXT NOT NULL,        -- standing | notify_no_objection | prior_approval | post_delivery_notice
  body                TEXT NOT NULL,        -- JSON: the exemption as recorded
  state               TEXT NOT NULL,        -- recorded | notified | approved | no_objection | objected | refused
  notified_on         TEXT,
  decided_on          TEXT,
  committee_reference TEXT,
  valid_until         TEXT,
  decisions           TEXT NOT NULL,        -- JSON array of {decision, date, reference?}
  recorded_seq        INTEGER NOT NULL,
  last_seq            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS exemptions_regime ON exemptions(regime_id);

CREATE TABLE IF NOT EXISTS notices (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,               -- post_delivery | post_seizure
  regime_id    TEXT NOT NULL,
  about_kind   TEXT NOT NULL,               -- shipment | recovery
  about_id     TEXT NOT NULL,
  exemption_id TEXT,                        -- the exemption a delivery went under
  due          TEXT NOT NULL,
  items        TEXT,                        -- JSON array
  state        TEXT NOT NULL,               -- due | sent
  sent_on      TEXT,
  reference    TEXT,
  notes        TEXT,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS notices_due ON notices(state, due);
CREATE INDEX IF NOT EXISTS notices_exemption ON notices(exemption_id);
