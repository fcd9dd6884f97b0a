-- Migration 8: the sanctions room's tables (src/sanctions/, docs/sanctions.md)
-- (the imports of sanctions lists, their entries with what each import
-- changed, the alerts a potential match raises and the records each
-- blocks). They are projections like those of sql/projections.sql: this
-- file is also the room's schema (struct wam_room's `schema`), so a registry
-- made before the room gets them on its first write without a rebuild.
-- Entries and parties kept whole are canonical JSON.
CREATE TABLE IF NOT EXISTS sanctions_imports (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,              -- un | the national list's name
  format      TEXT NOT NULL,              -- un-xml | csv
  generated   TEXT NOT NULL,              -- the list's own generation date
  sha256      TEXT NOT NULL UNIQUE,
  added       INTEGER NOT NULL,
  amended     INTEGER NOT NULL,
  removed     INTEGER NOT NULL,
  seq         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sanctions_imports_source ON sanctions_imports(source, seq);

CREATE TABLE IF NOT EXISTS sanctions_entries (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  reference   TEXT NOT NULL,              -- LYi.011, or the national list's reference
  list_type   TEXT,                       -- the UN list type (regime), e.g. Libya
  kind        TEXT NOT NULL,              -- individual | entity
  name        TEXT NOT NULL,
  body        TEXT NOT NULL,              -- JSON: the entry as wam_sanctions_entries shows it
  removed_on  TEXT,                       -- the generation date of the list that no longer had it
  added_seq   INTEGER NOT NULL,
  last_seq    INTEGER NOT NULL,
  UNIQUE (source, reference)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sanctions_entries_name ON sanctions_entries(name);

CREATE TABLE IF NOT EXISTS sanctions_alerts (
  id          TEXT PRIMARY KEY,
  entry_id    TEXT NOT NULL,
  party_key   TEXT NOT NULL,              -- the party's normalized name, dob and nationality
  party       TEXT NOT NULL,              -- JSON {name, role, country?, dob?, nationality?, document?}
  score       REAL NOT NULL,
  explanation TEXT NOT NULL,              -- JSON
  state       TEXT NOT NULL,              -- open | confirmed | cleared
  reason      TEXT,
  decided_seq INTEGER,
  raised_seq  INTEGER NOT NULL,
  last_seq    INTEGER NOT NULL,
  UNIQUE (entry_id, party_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sanctions_alerts_state ON sanctions_alerts(state, raised_seq);

CREATE TABLE IF NOT EXISTS sanctions_alert_subjects (
  alert_id    TEXT NOT NULL,
  kind        TEXT NOT NULL,              -- licence | euc | shipment | broker | holder
  subject_id  TEXT NOT NULL,
  label       TEXT,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (alert_id, kind, subject_id)
) WITHOUT ROWID;
