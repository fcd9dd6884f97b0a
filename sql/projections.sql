-- Projections: computed from the events only, dropped and recomputed by
-- `wam rebuild`. Every row carries last_seq, the event that last shaped it.

CREATE TABLE registry (
  node_id    TEXT PRIMARY KEY,
  name       TEXT,
  country    TEXT,
  created    TEXT NOT NULL,
  last_seq   INTEGER NOT NULL
);

CREATE TABLE sites (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  country   TEXT,
  lat       REAL,
  lon       REAL,
  parent_id TEXT,
  notes     TEXT,
  last_seq  INTEGER NOT NULL
);

CREATE TABLE holders (
  id        TEXT PRIMARY KEY,
  type      TEXT NOT NULL,
  name      TEXT NOT NULL,
  country   TEXT,
  licence   TEXT,
  address   TEXT,
  last_seq  INTEGER NOT NULL
);

CREATE TABLE items (
  id             TEXT PRIMARY KEY,
  category       TEXT NOT NULL,
  make           TEXT,
  model          TEXT,
  calibre        TEXT,
  serial         TEXT,                    -- frame/receiver serial, verbatim
  serial_key     TEXT,                    -- derived: canonical serial key (docs/match.md)
  serial_alt     TEXT,                    -- derived: key of the full romanisation of a Cyrillic serial
  make_key       TEXT,                    -- derived: normalized make
  country        TEXT,
  year           INTEGER,
  status         TEXT NOT NULL,
  marking_status TEXT NOT NULL,           -- derived by rules R1-R3
  marking_reason TEXT NOT NULL,
  site_id        TEXT,
  holder_id      TEXT,
  notes          TEXT,
  duplicate_of   TEXT,                    -- ids recorded knowingly as duplicates
  registered_seq INTEGER NOT NULL,
  last_seq       INTEGER NOT NULL
) WITHOUT ROWID;
-- Duplicate checks and serial look-ups.
CREATE INDEX items_serial ON items(serial_key, make_key, country);
-- Lists by status and by site, a page at a time in id order. Without them a
-- rare status (found, surrendered) or a small site (what a user confined to
-- it sees) is a scan of every weapon: 0.44 s at 500,000 weapons, seconds at
-- 10 million; with them, 0.01 s.
CREATE INDEX items_status ON items(status, id);
CREATE INDEX items_site ON items(site_id, id);
-- Suggestions while a make, model or calibre is typed (GET /api/v1/suggest):
-- each distinct value found by one seek from the last, case-insensitively,
-- so a prefix costs a few dozen seeks whether there are a thousand weapons
-- or ten million, not a scan. Migration 0005 adds them to registries made
-- before them.
CREATE INDEX items_make_model ON items(make COLLATE NOCASE, model COLLATE NOCASE);
CREATE INDEX items_model ON items(model COLLATE NOCASE);
CREATE INDEX items_calibre ON items(calibre COLLATE NOCASE);
-- Lists in another order (GET /items?sort=): a page is a walk of the
-- order's index from where it starts, not a sort of every weapon; the make's
-- also finds the weapons of one make (filter and count). Migration 0005
-- adds them to registries made before them.
CREATE INDEX items_by_serial ON items(serial, id);
CREATE INDEX items_by_make ON items(make_key, id);
CREATE INDEX items_by_category ON items(category, id);
CREATE INDEX items_by_country ON items(country, id);

CREATE TABLE markings (
  item_id    TEXT NOT NULL,
  n          INTEGER NOT NULL,            -- order as recorded
  component  TEXT NOT NULL,
  kind       TEXT NOT NULL,
  text       TEXT NOT NULL,               -- verbatim, any script
  script     TEXT NOT NULL,
  legibility TEXT NOT NULL,
  altered    INTEGER NOT NULL,
  location   TEXT,
  PRIMARY KEY (item_id, n)
) WITHOUT ROWID;

CREATE TABLE import_marks (
  item_id TEXT NOT NULL,
  n       INTEGER NOT NULL,
  country TEXT NOT NULL,
  year    INTEGER,
  PRIMARY KEY (item_id, n)
) WITHOUT ROWID;

-- Who may sign in (docs/auth.md). Secrets are not here: see credentials.
CREATE TABLE users (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  role      TEXT NOT NULL,
  sites     TEXT NOT NULL,                -- canonical JSON array of site ids; [] not confined
  disabled  INTEGER NOT NULL,
  created   TEXT NOT NULL,
  last_seq  INTEGER NOT NULL
);

CREATE TABLE tokens (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  role      TEXT NOT NULL,
  sites     TEXT NOT NULL,                -- canonical JSON array of site ids; [] not confined
  revoked   INTEGER NOT NULL,
  created   TEXT NOT NULL,
  last_seq  INTEGER NOT NULL
);

-- Weapons counted by the dimensions the dashboard shows, kept by triggers as
-- items change: a summary of ten million weapons reads a few thousand rows,
-- not the whole table. '' stands for an unknown country or no site. Counting
-- costs about a quarter more on a full rebuild (4.2 s against 3.3 s for
-- 100,000 weapons), no more than the same counting done from C.
CREATE TABLE item_tally (
  status         TEXT NOT NULL,
  category       TEXT NOT NULL,
  marking_status TEXT NOT NULL,
  country        TEXT NOT NULL,
  site_id        TEXT NOT NULL,
  n              INTEGER NOT NULL,
  PRIMARY KEY (status, category, marking_status, country, site_id)
) WITHOUT ROWID;

CREATE TRIGGER item_tally_insert AFTER INSERT ON items BEGIN
  INSERT INTO item_tally VALUES (NEW.status, NEW.category, NEW.marking_status, coalesce(NEW.country, ''),
                                 coalesce(NEW.site_id, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER item_tally_update AFTER UPDATE OF status, category, marking_status, country, site_id ON items BEGIN
  UPDATE item_tally SET n = n - 1
   WHERE status = OLD.status AND category = OLD.category AND marking_status = OLD.marking_status
     AND country = coalesce(OLD.country, '') AND site_id = coalesce(OLD.site_id, '');
  DELETE FROM item_tally
   WHERE status = OLD.status AND category = OLD.category AND marking_status = OLD.marking_status
     AND country = coalesce(OLD.country, '') AND site_id = coalesce(OLD.site_id, '') AND n = 0;
  INSERT INTO item_tally VALUES (NEW.status, NEW.category, NEW.marking_status, coalesce(NEW.country, ''),
                                 coalesce(NEW.site_id, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER item_tally_delete AFTER DELETE ON items BEGIN
  UPDATE item_tally SET n = n - 1
   WHERE status = OLD.status AND category = OLD.category AND marking_status = OLD.marking_status
     AND country = coalesce(OLD.country, '') AND site_id = coalesce(OLD.site_id, '');
  DELETE FROM item_tally
   WHERE status = OLD.status AND category = OLD.category AND marking_status = OLD.marking_status
     AND country = coalesce(OLD.country, '') AND site_id = coalesce(OLD.site_id, '') AND n = 0;
END;

-- ---- stock: ammunition lots, moves between locations, custody (docs/stock.md) ----

-- Ammunition lots. A split-off part of a lot is a lot of its own that keeps
-- the lot identity (lot_number, batch_number, ...) and names its parent.
CREATE TABLE lots (
  id              TEXT PRIMARY KEY,
  parent_id       TEXT,                   -- the lot it was split from
  nomenclature    TEXT NOT NULL,
  calibre         TEXT,
  type            TEXT,
  manufacturer    TEXT,
  headstamp       TEXT,                   -- headstamp or factory code
  country         TEXT,
  lot_number      TEXT NOT NULL,
  batch_number    TEXT,
  year            INTEGER,
  rounds          INTEGER NOT NULL,
  packages        INTEGER,
  hazard_division TEXT,                   -- UN 1.1 to 1.6
  compat_group    TEXT,                   -- A B C D E F G H J K L N S
  neq_g           REAL,                   -- net explosive quantity per round, grams
  condition       TEXT NOT NULL,
  expiry          TEXT,                   -- shelf-life expiry, YYYY-MM-DD
  surveillance    TEXT,                   -- last surveillance, YYYY-MM-DD
  site_id         TEXT NOT NULL,
  notes           TEXT,
  created_seq     INTEGER NOT NULL,
  last_seq        INTEGER NOT NULL
);
CREATE INDEX lots_site ON lots(site_id);

-- Who holds a weapon issued from store: one row per issue. state is
-- pending (waiting for a second person), open or returned; at most one
-- row per weapon is not returned (rule R9). Who acted is the actor of the
-- event each *_seq names.
CREATE TABLE custody (
  id              TEXT PRIMARY KEY,
  item_id         TEXT NOT NULL,
  site_id         TEXT,                   -- where the weapon was issued from
  holder_id       TEXT,
  person          TEXT,
  unit            TEXT,
  expected_return TEXT NOT NULL,          -- YYYY-MM-DD
  purpose         TEXT,
  document        TEXT,
  two_person      INTEGER NOT NULL,
  state           TEXT NOT NULL,
  issued_seq      INTEGER NOT NULL,
  issued_at       TEXT NOT NULL,
  confirmed_seq   INTEGER,
  confirmed_at    TEXT,
  returned_seq    INTEGER,
  returned_at     TEXT,
  return_note     TEXT,
  last_seq        INTEGER NOT NULL
);
CREATE UNIQUE INDEX custody_one_open ON custody(item_id) WHERE state <> 'returned';

-- Sites whose issues need a second person to confirm them.
CREATE TABLE custody_rules (
  site_id    TEXT PRIMARY KEY,
  two_person INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL
);

-- Stock checks and reconciliation (docs/stock.md, "Stock checks"). A check's
-- expected list is fixed by its check.opened event; reads are kept once per
-- normalized key; each discrepancy found at closing is an investigation.
CREATE TABLE stock_checks (
  id           TEXT PRIMARY KEY,
  site_id      TEXT NOT NULL,
  sites        TEXT NOT NULL,              -- JSON array: site_id and, with subsites, those under it
  type         TEXT NOT NULL,              -- FULL_SERIAL, QUANTITY, RANDOM_SAMPLE
  status       TEXT NOT NULL,              -- open, closed
  checkers     TEXT NOT NULL,              -- JSON array of {id, name}
  seed         INTEGER,                    -- RANDOM_SAMPLE: the seed the sample was drawn with
  sample_size  INTEGER,
  population   INTEGER,                    -- RANDOM_SAMPLE: weapons the sample was drawn from
  expected     INTEGER NOT NULL,
  reads        INTEGER NOT NULL,           -- every read fed
  distinct_reads INTEGER NOT NULL,         -- reads counted once
  notes        TEXT,
  opened_seq   INTEGER NOT NULL,
  opened_at    TEXT NOT NULL,
  closed_seq   INTEGER,
  closed_at    TEXT,
  counts       TEXT,                       -- JSON object, set at closing
  last_seq     INTEGER NOT NULL
);
CREATE INDEX stock_checks_site ON stock_checks(site_id);

-- What a check expects: weapons (qty NULL) and, for QUANTITY, lots' rounds.
CREATE TABLE stock_check_expected (
  check_id TEXT NOT NULL,
  ref      TEXT NOT NULL,                  -- weapon or lot id
  kind     TEXT NOT NULL,                  -- weapon, lot
  qty      INTEGER,
  PRIMARY KEY (check_id, ref)
) WITHOUT ROWID;

-- What a check saw, once per key: the read's normalized serial key (a weapon
-- id is its own key) or "LOT:<ref>" with the rounds counted (the last count
-- of a lot stands).
CREATE TABLE stock_check_reads (
  check_id TEXT NOT NULL,
  key      TEXT NOT NULL,
  raw      TEXT NOT NULL,                  -- the read as first taken
  method   TEXT NOT NULL,
  qty      INTEGER,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (check_id, key)
) WITHOUT ROWID;

-- A check's discrepancies, each an investigation until resolved.
CREATE TABLE stock_investigations (
  id              TEXT PRIMARY KEY,
  check_id        TEXT NOT NULL,
  n               INTEGER NOT NULL,        -- order within the check's reconciliation
  kind            TEXT NOT NULL,           -- missing, unexpected, wrong_location, quantity
  item_id         TEXT,
  serial          TEXT,
  lot_id          TEXT,
  read            TEXT,
  registered_site TEXT,
  expected_qty    INTEGER,
  counted_qty     INTEGER,
  status          TEXT NOT NULL,           -- open, resolved
  outcome         TEXT,                    -- found, written_off, lost, stolen
  location        TEXT,
  reason          TEXT,
  opened_seq      INTEGER NOT NULL,
  resolved_seq    INTEGER,
  resolved_at     TEXT,
  last_seq        INTEGER NOT NULL
);
CREATE INDEX stock_investigations_check ON stock_investigations(check_id, n);
CREATE INDEX stock_investigations_open ON stock_investigations(status);

-- ---- field collection: recoveries, chain of custody, photos, R5 tasks (docs/collection.md) ----

-- A recovery of weapons seized, found or surrendered. Who surrendered them
-- is only a keyed pseudonym (person_ref); the weapons are registry items.
CREATE TABLE recoveries (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,              -- seized, found, surrendered
  date         TEXT NOT NULL,              -- YYYY-MM-DD
  place        TEXT,
  lat          REAL,
  lon          REAL,
  admin_area   TEXT,
  context      TEXT,                       -- armed_group, cache, battlefield, ...
  officer      TEXT NOT NULL,              -- the collecting officer
  person_ref   TEXT,                       -- pseudonym of who surrendered them
  site_id      TEXT,
  notes        TEXT,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
);

CREATE TABLE recovery_items (
  recovery_id TEXT NOT NULL,
  n           INTEGER NOT NULL,
  item_id     TEXT NOT NULL,
  PRIMARY KEY (recovery_id, n)
) WITHOUT ROWID;
CREATE INDEX recovery_items_item ON recovery_items(item_id);

-- Each hand-over of a recovery's weapons, in order: the chain of custody.
CREATE TABLE recovery_handovers (
  recovery_id TEXT NOT NULL,
  n           INTEGER NOT NULL,
  from_party  TEXT NOT NULL,
  to_party    TEXT NOT NULL,
  time        TEXT NOT NULL,
  place       TEXT,
  reason      TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (recovery_id, n)
) WITHOUT ROWID;

-- Photos by content: the bytes are in "<db>.photos/<hash>", once.
CREATE TABLE recovery_photos (
  recovery_id TEXT NOT NULL,
  hash        TEXT NOT NULL,               -- SHA-256 of the bytes, hex
  size        INTEGER NOT NULL,
  media_type  TEXT NOT NULL,
  caption     TEXT,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (recovery_id, hash)
) WITHOUT ROWID;

-- R5: a weapon recovered unmarked, obliterated or altered is to be marked
-- or destroyed by `due`. Its state (open, overdue, marked, destroyed) is
-- read with the weapon's status and the day's date.
CREATE TABLE collection_tasks (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,               -- mark
  item_id     TEXT NOT NULL,
  recovery_id TEXT NOT NULL,
  due         TEXT NOT NULL,               -- YYYY-MM-DD
  reason      TEXT,                        -- the marking status reason at recovery
  marking     TEXT,                        -- the national marking assigned
  opened_seq  INTEGER NOT NULL,
  closed_seq  INTEGER,
  last_seq    INTEGER NOT NULL
);

-- ---- registry: exports proposed by one person, confirmed by another (docs/registry.md) ----

CREATE TABLE export_proposals (
  id              TEXT PRIMARY KEY,
  item_id         TEXT NOT NULL,
  reason          TEXT NOT NULL,
  document        TEXT NOT NULL,             -- export licence or document number
  country         TEXT,                      -- of destination
  state           TEXT NOT NULL,             -- proposed, confirmed, withdrawn
  proposed_seq    INTEGER NOT NULL,          -- its actor proposed it
  decided_seq     INTEGER,                   -- its actor confirmed or withdrew it
  withdraw_reason TEXT,
  last_seq        INTEGER NOT NULL
);
CREATE INDEX export_proposals_item ON export_proposals(item_id);

-- ---- stock: destruction (docs/stock.md, "Destruction") ----

-- A destruction batch; closed only with a certificate number, kept forever.
CREATE TABLE destructions (
  id          TEXT PRIMARY KEY,
  method      TEXT NOT NULL,               -- CUT, CRUSH, SMELT, SHRED, BURN, DETONATION
  site        TEXT NOT NULL,
  date        TEXT NOT NULL,
  notes       TEXT,
  state       TEXT NOT NULL,               -- open, closed
  certificate TEXT,
  opened_seq  INTEGER NOT NULL,
  items_seq   INTEGER NOT NULL,            -- the event that last changed the list
  closed_seq  INTEGER,                     -- the event that closed it: the certificate's proof
  last_seq    INTEGER NOT NULL
);

CREATE TABLE destruction_items (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  item_id        TEXT NOT NULL,
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;
CREATE INDEX destruction_items_item ON destruction_items(item_id);

CREATE TABLE destruction_people (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  role           TEXT NOT NULL,            -- verifier, witness
  name           TEXT NOT NULL,
  user_id        TEXT,                     -- a verifier's registry user
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;

-- Each reading of serials at the destruction site, with what did not match
-- the list as it stood (derived).
CREATE TABLE destruction_checks (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  serials        TEXT NOT NULL,            -- canonical JSON array, as read
  missing        TEXT NOT NULL,            -- listed but not read
  unexpected     TEXT NOT NULL,            -- read but not listed
  ok             INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;

-- Each confirmation a verifier gave, signed in as themselves. It stands
-- while seq is after the list's last change and the batch's last reading.
CREATE TABLE destruction_confirmations (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  user_id        TEXT NOT NULL,
  name           TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  time           TEXT NOT NULL,
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;

-- Ammunition listed for destruction: rounds of a lot.
CREATE TABLE destruction_lots (
  destruction_id TEXT NOT NULL,
  n              INTEGER NOT NULL,
  lot_id         TEXT NOT NULL,
  rounds         INTEGER NOT NULL,
  PRIMARY KEY (destruction_id, n)
) WITHOUT ROWID;

-- ---- trace: lost and stolen weapons, hits, origins, trace requests (docs/trace.md) ----

-- A weapon reported lost or stolen. It stays open while the weapon's
-- status is lost or stolen (read with the weapon).
CREATE TABLE loss_reports (
  id            TEXT PRIMARY KEY,
  item_id       TEXT NOT NULL,
  kind          TEXT NOT NULL,             -- lost, stolen
  date          TEXT NOT NULL,             -- YYYY-MM-DD
  place         TEXT,
  circumstances TEXT NOT NULL,
  reported_by   TEXT NOT NULL,
  agency        TEXT,
  police_ref    TEXT,
  seq           INTEGER NOT NULL
);
CREATE INDEX loss_reports_item ON loss_reports(item_id);

-- A recovered weapon the matcher found close to a registered one.
CREATE TABLE hits (
  id              TEXT PRIMARY KEY,
  recovery_id     TEXT,                    -- the recovery of item_id
  item_id         TEXT NOT NULL,           -- the recovered weapon
  match_id        TEXT NOT NULL,           -- the registered weapon it resembles
  score           REAL NOT NULL,
  reason          TEXT NOT NULL,           -- the matcher's: exact, look-alike, misread, edit ...
  distance        REAL NOT NULL,
  edits           TEXT NOT NULL,           -- canonical JSON array, the matcher's edits
  owner_site_id   TEXT,                    -- the registered weapon's site when found: whose inbox
  state           TEXT NOT NULL,           -- open, confirmed, rejected
  decision_reason TEXT,
  point_category  TEXT,                    -- with a confirmation: the point of diversion
  point           TEXT,                    -- canonical JSON {category, country, date, description}
  found_seq       INTEGER NOT NULL,
  decided_seq     INTEGER,
  last_seq        INTEGER NOT NULL,
  UNIQUE (item_id, match_id)
);
CREATE INDEX hits_match ON hits(match_id);
CREATE INDEX hits_state ON hits(state, owner_site_id);
-- SDG 16.4.2 reads a year's recoveries (from the index alone) and a site's
-- tree from its top.
CREATE INDEX recoveries_date ON recoveries(date, recorded_seq, id, type, context, site_id);
CREATE INDEX sites_parent ON sites(parent_id);

-- A recovered weapon whose illicit origin a competent authority established
-- other than by tracing (SDG 16.4.2 numerator).
CREATE TABLE item_origins (
  item_id     TEXT PRIMARY KEY,
  method      TEXT NOT NULL,               -- investigation, intelligence, other
  category    TEXT NOT NULL,               -- point of diversion category
  country     TEXT,
  date        TEXT,
  description TEXT,
  seq         INTEGER NOT NULL
);

-- Trace requests, outgoing and incoming. The request as drafted or received
-- is `body` (canonical JSON); the columns are what lists and reports filter on.
CREATE TABLE trace_requests (
  id               TEXT PRIMARY KEY,
  direction        TEXT NOT NULL,          -- outgoing, incoming
  state            TEXT NOT NULL,          -- draft, sent, acknowledged, answered, closed
  reference        TEXT,
  requesting_state TEXT,
  requested_state  TEXT,
  item_id          TEXT,                   -- the registry weapon traced, if any
  serial           TEXT,
  confidentiality  TEXT NOT NULL,
  urgency          TEXT NOT NULL,
  body             TEXT NOT NULL,
  created          TEXT NOT NULL,          -- time of the draft or the import
  sent             TEXT,                   -- YYYY-MM-DD
  ack_due          TEXT,
  reply_due        TEXT,
  acknowledged     TEXT,
  answered         TEXT,
  closed           TEXT,
  close_reason     TEXT,
  remote_node      TEXT,                   -- an imported request: the sender's node and id
  remote_id        TEXT,
  created_seq      INTEGER NOT NULL,
  last_seq         INTEGER NOT NULL
);
CREATE INDEX trace_requests_item ON trace_requests(item_id);
CREATE UNIQUE INDEX trace_requests_remote ON trace_requests(remote_node, remote_id) WHERE remote_node IS NOT NULL;

-- Responses to a request, in order; the latest is its result.
CREATE TABLE trace_responses (
  request_id      TEXT NOT NULL,
  n               INTEGER NOT NULL,
  result          TEXT NOT NULL,           -- record_found, no_record, partial, delayed, restricted, refused
  date            TEXT NOT NULL,
  confidentiality TEXT NOT NULL,
  point_category  TEXT,                    -- the point of diversion's category, if established
  body            TEXT NOT NULL,           -- canonical JSON of the whole response
  remote_node     TEXT,                    -- an imported response: who sent it
  seq             INTEGER NOT NULL,
  PRIMARY KEY (request_id, n)
) WITHOUT ROWID;

-- Registries whose signed trace documents this one accepts. A revoked peer
-- keeps its row (documents imported from it still name it); a new
-- peer.added for its node id trusts a new key and clears the revocation.
CREATE TABLE peers (
  node_id        TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  country        TEXT,
  public_key     TEXT NOT NULL UNIQUE,     -- hex Ed25519
  seq            INTEGER NOT NULL,         -- the peer.added that trusted this key
  revoked_seq    INTEGER,                  -- the peer.revoked, NULL while trusted
  revoked_at     TEXT,                     -- that event's time
  revoked_reason TEXT,
  head_seq       INTEGER,                  -- the last ledger head its documents showed (peer.head_seen)
  head_hash      TEXT,                     -- hex hash of its event head_seq
  head_at        TEXT                      -- when that document was imported
);

-- Transfers (src/transfers/, docs/transfers.md): arms embargoes recorded on
-- countries, brokers, licences with their parties and goods lines, end-user
-- certificates, shipments, post-shipment checks and diversion alerts.
-- Objects and lists kept whole are canonical JSON text.
CREATE TABLE embargoes (
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
CREATE INDEX embargoes_country ON embargoes(country);

CREATE TABLE brokers (
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

CREATE TABLE licences (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,              -- export | import | transit | brokering
  number       TEXT NOT NULL UNIQUE,
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

CREATE TABLE licence_parties (
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
CREATE INDEX licence_parties_broker ON licence_parties(broker_id) WHERE broker_id IS NOT NULL;

-- Goods lines; `shipped` counts what shipments took (items or rounds).
CREATE TABLE licence_lines (
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

CREATE TABLE eucs (
  id           TEXT PRIMARY KEY,
  licence_id   TEXT NOT NULL UNIQUE,       -- one certificate, one transaction
  number       TEXT NOT NULL UNIQUE,
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

CREATE TABLE euc_goods (
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

CREATE TABLE euc_verifications (
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

CREATE TABLE shipments (
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
  delivered_on TEXT,
  recorded_seq INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX shipments_licence ON shipments(licence_id);
CREATE INDEX shipments_euc ON shipments(euc_id);

CREATE TABLE shipment_items (
  shipment_id  TEXT NOT NULL,
  n            INTEGER NOT NULL,
  item_id      TEXT NOT NULL,
  licence_line INTEGER NOT NULL,
  euc_line     INTEGER,
  PRIMARY KEY (shipment_id, n)
) WITHOUT ROWID;
CREATE INDEX shipment_items_item ON shipment_items(item_id);

CREATE TABLE shipment_lots (
  shipment_id  TEXT NOT NULL,
  n            INTEGER NOT NULL,
  lot_id       TEXT NOT NULL,
  rounds       INTEGER NOT NULL,
  licence_line INTEGER NOT NULL,
  euc_line     INTEGER,
  PRIMARY KEY (shipment_id, n)
) WITHOUT ROWID;

CREATE TABLE euc_checks (
  id         TEXT PRIMARY KEY,
  euc_id     TEXT NOT NULL,
  date       TEXT NOT NULL,
  place      TEXT,
  inspectors TEXT NOT NULL,                -- JSON array
  notes      TEXT,
  seq        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX euc_checks_euc ON euc_checks(euc_id);

CREATE TABLE euc_check_items (
  check_id TEXT NOT NULL,
  n        INTEGER NOT NULL,
  item_id  TEXT NOT NULL,
  result   TEXT NOT NULL,                  -- seen | not_seen | seen_elsewhere
  location TEXT,
  notes    TEXT,
  PRIMARY KEY (check_id, n)
) WITHOUT ROWID;

CREATE TABLE diversion_alerts (
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
CREATE INDEX diversion_alerts_item ON diversion_alerts(item_id);
CREATE INDEX diversion_alerts_state ON diversion_alerts(state);
