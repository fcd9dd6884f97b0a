-- Migration 10: how a weapon or part was made and what it is, and the method
-- of each marking (the registry room, docs/registry.md). Projections like
-- those of sql/projections.sql: this file is also the registry room's
-- schema (struct wam_room's `schema`), so a registry made before gets them
-- on its first write without a rebuild, and a reader of such a registry
-- finds them missing and reads the weapons as they were recorded.

-- A row only for an item that records any of it, so the common factory
-- weapon costs nothing. A part's belongs_to names the weapon it is part of.
CREATE TABLE IF NOT EXISTS item_makeup (
  item_id          TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,         -- weapon, part
  part_type        TEXT,                  -- frame_receiver, barrel, slide, ... (parts)
  belongs_to       TEXT,                  -- the weapon a part belongs to
  manufacture      TEXT,                  -- factory, craft, printed, converted, reactivated, assembled
  converted_from   TEXT,                  -- blank_firing, alarm, gas, signal, air, deactivated, other
  frame_material   TEXT,                  -- metal, polymer, other
  serial_component TEXT                   -- the component that carries the serial
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS item_makeup_belongs ON item_makeup(belongs_to);
CREATE INDEX IF NOT EXISTS item_makeup_manufacture ON item_makeup(manufacture, item_id);
CREATE INDEX IF NOT EXISTS item_makeup_material ON item_makeup(frame_material, item_id);
CREATE INDEX IF NOT EXISTS item_makeup_kind ON item_makeup(kind, part_type, item_id);

-- The method of a marking (markings.n), where it was recorded: stamped,
-- engraved, laser, cast, insert (a serialised metal insert), printed, other.
CREATE TABLE IF NOT EXISTS marking_methods (
  item_id TEXT NOT NULL,
  n       INTEGER NOT NULL,
  method  TEXT NOT NULL,
  PRIMARY KEY (item_id, n)
) WITHOUT ROWID;
