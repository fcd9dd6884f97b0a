-- Migration 9: the monitoring room's tables (src/monitoring/, docs/monitoring.md)
-- (observations made in the field with their sources sealed, the keys an
-- observation is linked to others by, the registry weapons it matched, the
-- trace requests drafted from it, findings with the evidence linked to
-- them, and the evidence packs made). They are projections like those of
-- sql/projections.sql: this file is also the room's schema (struct
-- wam_room's `schema`), so a registry made before the room gets them on its
-- first write without a rebuild. Records kept whole are canonical JSON; a
-- source's identity is only ever there sealed.
CREATE TABLE IF NOT EXISTS observations (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,              -- armoury_inspection, seizure ... (wam_monitoring_vocabulary)
  observed_at  TEXT NOT NULL,              -- YYYY-MM-DD or ISO 8601 date-time, as given
  observed_on  TEXT NOT NULL,              -- its date YYYY-MM-DD
  country      TEXT NOT NULL,              -- the place's
  admin_area   TEXT,
  actor        TEXT,                       -- the actor's name, as given
  regime       TEXT,                       -- an embargo regime id
  unit         TEXT NOT NULL,
  weapons      INTEGER NOT NULL,           -- quantities of weapon and part items
  rounds       INTEGER NOT NULL,
  documents    INTEGER NOT NULL,
  photos       INTEGER NOT NULL,           -- distinct photos named anywhere in it
  sources      INTEGER NOT NULL,
  body         TEXT NOT NULL,              -- JSON: the observation as recorded (identities sealed)
  recorded_by  TEXT NOT NULL,              -- JSON {kind, id, name}: the principal, kind owner for none
  recorded_at  TEXT NOT NULL,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS observations_on ON observations(observed_on, id);
CREATE INDEX IF NOT EXISTS observations_country ON observations(country, observed_on);

-- The actor's name and aliases as names are compared (match/names.c), for
-- the list's and the profiles' filter.
CREATE TABLE IF NOT EXISTS observation_actors (
  observation_id TEXT NOT NULL,
  name_key       TEXT NOT NULL,
  PRIMARY KEY (name_key, observation_id)
) WITHOUT ROWID;

-- What links an item to the items of other observations: the same serial
-- of the same make (why serial), the same ammunition lot and headstamp (why
-- lot). Links are read from here, so each observation shows the others.
CREATE TABLE IF NOT EXISTS observation_keys (
  observation_id TEXT NOT NULL,
  item           INTEGER NOT NULL,         -- index in the observation's items
  why            TEXT NOT NULL,            -- serial | lot
  key            TEXT NOT NULL,
  PRIMARY KEY (why, key, observation_id, item)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS observation_keys_of ON observation_keys(observation_id);

-- Each source's identity tag (keyed BLAKE2b of the identity folded): rule
-- R13 tells sources apart by it. Kept here, out of the observation's body,
-- so that no view of the observation (a profile, a report, a pack) shows
-- which sources are one person.
CREATE TABLE IF NOT EXISTS observation_source_tags (
  observation_id TEXT NOT NULL,
  source         INTEGER NOT NULL,         -- index in the observation's sources
  tag            TEXT NOT NULL,
  PRIMARY KEY (observation_id, source)
) WITHOUT ROWID;

-- The registry weapons an observed item's serial found when recorded.
CREATE TABLE IF NOT EXISTS observation_matches (
  observation_id TEXT NOT NULL,
  item           INTEGER NOT NULL,
  item_id        TEXT NOT NULL,            -- the registry weapon
  serial         TEXT,
  make           TEXT,
  class          TEXT,                     -- the matcher's reason: exact, look-alike ...
  score          REAL NOT NULL,
  seq            INTEGER NOT NULL,
  PRIMARY KEY (observation_id, item, item_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS observation_matches_item ON observation_matches(item_id);

-- Trace requests drafted from an observed item.
CREATE TABLE IF NOT EXISTS observation_traces (
  observation_id TEXT NOT NULL,
  item           INTEGER NOT NULL,
  request_id     TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  PRIMARY KEY (observation_id, request_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS findings (
  id            TEXT PRIMARY KEY,
  state         TEXT NOT NULL,             -- draft, corroborated, reported
  statement     TEXT NOT NULL,
  regime        TEXT,
  actor         TEXT,                      -- the actor's name
  country       TEXT,
  body          TEXT NOT NULL,             -- JSON: the finding as drafted
  supersedes    TEXT,
  created       TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  corroborated  TEXT,                      -- the date
  verdict       TEXT,                      -- JSON: rule R13's verdict when corroborated
  reported      TEXT,                      -- JSON {to, date, reference}
  created_seq   INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS findings_state ON findings(state, created_seq);

CREATE TABLE IF NOT EXISTS finding_links (
  finding_id TEXT NOT NULL,
  target     TEXT NOT NULL,                -- an observation, a trace request or a hit
  kind       TEXT NOT NULL,                -- observation | trace | hit
  note       TEXT,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (finding_id, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS finding_links_target ON finding_links(target);

-- Evidence packs made of a finding (the pack itself is a file, not kept).
CREATE TABLE IF NOT EXISTS evidence_packs (
  seq           INTEGER PRIMARY KEY,
  finding_id    TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  redacted      INTEGER NOT NULL,
  files         INTEGER NOT NULL,
  time          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_packs_finding ON evidence_packs(finding_id, seq);
