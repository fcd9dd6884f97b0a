-- Migration 5: lists of weapons in another order than registration (GET
-- /items?sort=serial|make|category|country) walk an index of that order
-- instead of sorting every weapon, the make's also finding the weapons of
-- one make; suggestions of makes, models and calibres (GET /suggest) seek
-- each distinct value in an index without case. sql/projections.sql
-- creates the same indexes for a new registry and on `wam rebuild`, so here
-- they are only added where missing. On a million
-- weapons this takes some seconds, once, on the first command that writes.
CREATE INDEX IF NOT EXISTS items_by_serial ON items(serial, id);
CREATE INDEX IF NOT EXISTS items_by_make ON items(make_key, id);
CREATE INDEX IF NOT EXISTS items_by_category ON items(category, id);
CREATE INDEX IF NOT EXISTS items_by_country ON items(country, id);
CREATE INDEX IF NOT EXISTS items_make_model ON items(make COLLATE NOCASE, model COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS items_model ON items(model COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS items_calibre ON items(calibre COLLATE NOCASE);
