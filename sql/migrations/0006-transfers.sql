-- Migration 6: the transfers room's tables (src/transfers/, docs/transfers.md)
-- (brokers, licences with their
-- parties and goods lines, end-user certificates, shipments, post-shipment
-- checks and diversion alerts). They are projections like those of
-- sql/projections.sql: this file is also the room's schema, which the
-- projection runs after sql/projections.sql for a new registry and on
-- `wam rebuild` (struct wam_room's `schema`), so a registry made before the
-- room gets them on its first write without a rebuild, and one read before
-- that is read as it is. Objects and lists kept whole are canonical JSON.
CREATE TABLE IF NOT EXISTS brokers (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  country       TEXT NOT NULL,
  registration  TEXT NOT NULL UNIQUE,
  activities    TEXT NOT NULL,             -- JSON array
  address       TEXT,
  registered_on TEXT,
  expires       TEXT,
  notes         TEXT,
  screening     TEXT NOT NULL,             -- JSON {clear, findings}
  state         TEXT NOT NULL,             -- registered | suspended | revoked
  state_reason  TEXT,
  recorded_seq  INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS licences (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,              -- export | import | transit | brokering
  number       TEXT NOT NULL UNIQUE,
  number_key   TEXT NOT NULL UNIQUE,       -- the number as names are compared (case, width, separators)
  authority    TEXT NOT NULL,
  officer      TEXT NOT NULL,
  valid_from   TEXT NOT NULL,
  valid_until  TEXT NOT NULL,
  conditions   TEXT NOT NULL,              -- JSON object
  notes        TEXT,
  state        TEXT NOT NULL,              -- draft | assessed | issued | denied | suspended | revoked
  state_reason TEXT,
  assessment   TEXT,                       -- JSON: the licence.assessed payload
  drafted_seq  INTEGER NOT NULL,
  assessed_seq INTEGER,
  issued_seq   INTEGER,
  issued_on    TEXT,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS licence_parties (
  licence_id   TEXT NOT NULL,
  n            INTEGER NOT NULL,
  role         TEXT NOT NULL,
  name         TEXT NOT NULL,
  country      TEXT,
  address      TEXT,
  registration TEXT,
  documents    TEXT,                       -- JSON array
  broker_id    TEXT,
  screening    TEXT NOT NULL,              -- JSON {clear, findings}
  PRIMARY KEY (licence_id, n)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS licence_parties_broker ON licence_parties(broker_id) WHERE broker_id IS NOT NULL;

-- Goods lines; `shipped` counts what shipments took (items or rounds).
CREATE TABLE IF NOT EXISTS licence_lines (
  licence_id      TEXT NOT NULL,
  n               INTEGER NOT NULL,
  goods           TEXT NOT NULL,           -- weapons | ammunition
  category        TEXT NOT NULL,
  make            TEXT,
  model           TEXT,
  calibre         TEXT,
  ammunition_type TEXT,
  quantity        INTEGER NOT NULL,
  value           REAL,
  currency        TEXT,
  origin          TEXT,
  description     TEXT,
  shipped         INTEGER NOT NULL,
  PRIMARY KEY (licence_id, n)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS eucs (
  id           TEXT PRIMARY KEY,
  licence_id   TEXT NOT NULL UNIQUE,       -- one certificate, one transaction
  number       TEXT NOT NULL UNIQUE,
  number_key   TEXT NOT NULL UNIQUE,       -- the number as names are compared (case, width, separators)
  body         TEXT NOT NULL,              -- JSON: the euc.recorded payload
  destination  TEXT NOT NULL,
  issued       TEXT NOT NULL,
  expires      TEXT NOT NULL,
  state        TEXT NOT NULL,              -- received | verified | rejected | closed
  dvc          TEXT,
  closed_on    TEXT,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS euc_goods (
  euc_id      TEXT NOT NULL,
  n           INTEGER NOT NULL,
  category    TEXT NOT NULL,
  description TEXT NOT NULL,
  model       TEXT,
  calibre     TEXT,
  quantity    INTEGER NOT NULL,
  value       REAL,
  currency    TEXT,
  shipped     INTEGER NOT NULL,
  PRIMARY KEY (euc_id, n)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS euc_verifications (
  euc_id      TEXT NOT NULL,
  n           INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  counterpart TEXT,
  date        TEXT NOT NULL,
  result      TEXT NOT NULL,               -- authentic | not_authentic | inconclusive
  notes       TEXT,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (euc_id, n)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS shipments (
  id           TEXT PRIMARY KEY,
  direction    TEXT NOT NULL,              -- export | import
  licence_id   TEXT NOT NULL,
  euc_id       TEXT,
  date         TEXT NOT NULL,
  carrier      TEXT,
  route        TEXT NOT NULL,              -- JSON array of countries
  notes        TEXT,
  state        TEXT NOT NULL,              -- shipped | delivered | received
  dvc          TEXT,
  dvc_key      TEXT UNIQUE,                -- the delivery verification certificate as names are compared
  delivered_on TEXT,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shipments_licence ON shipments(licence_id);
CREATE INDEX IF NOT EXISTS shipments_euc ON shipments(euc_id);

CREATE TABLE IF NOT EXISTS shipment_items (
  shipment_id  TEXT NOT NULL,
  n            INTEGER NOT NULL,
  item_id      TEXT NOT NULL,
  licence_line INTEGER NOT NULL,
  euc_line     INTEGER,
  PRIMARY KEY (shipment_id, n)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shipment_items_item ON shipment_items(item_id);

CREATE TABLE IF NOT EXISTS shipment_lots (
  shipment_id  TEXT NOT NULL,
  n            INTEGER NOT NULL,
  lot_id       TEXT NOT NULL,
  rounds       INTEGER NOT NULL,
  licence_line INTEGER NOT NULL,
  euc_line     INTEGER,
  PRIMARY KEY (shipment_id, n)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS euc_checks (
  id         TEXT PRIMARY KEY,
  euc_id     TEXT NOT NULL,
  date       TEXT NOT NULL,
  place      TEXT,
  inspectors TEXT NOT NULL,                -- JSON array
  notes      TEXT,
  seq        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS euc_checks_euc ON euc_checks(euc_id);

CREATE TABLE IF NOT EXISTS euc_check_items (
  check_id TEXT NOT NULL,
  n        INTEGER NOT NULL,
  item_id  TEXT NOT NULL,
  result   TEXT NOT NULL,                  -- seen | not_seen | seen_elsewhere
  location TEXT,
  notes    TEXT,
  PRIMARY KEY (check_id, n)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS diversion_alerts (
  id               TEXT PRIMARY KEY,
  euc_id           TEXT NOT NULL,
  check_id         TEXT NOT NULL,
  item_id          TEXT NOT NULL,
  result           TEXT NOT NULL,          -- not_seen | seen_elsewhere
  location         TEXT,
  date             TEXT NOT NULL,
  state            TEXT NOT NULL,          -- open | traced | closed
  trace_request_id TEXT,
  close_reason     TEXT,
  raised_seq       INTEGER NOT NULL,
  last_seq         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS diversion_alerts_item ON diversion_alerts(item_id);
CREATE INDEX IF NOT EXISTS diversion_alerts_state ON diversion_alerts(state);
