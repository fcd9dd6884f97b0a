-- Migration 18: indexes the yearly reports read weapons by (the reports
-- room, docs/reports.md): the weapons recorded in a year, by the event that
-- registered them, and the weapons a holder holds, by status and category
-- (the UN Register's military holdings), so that a report of a year reads
-- that year's weapons and the armed forces' holdings, not every weapon of a
-- registry of millions. Also one of the registry room's schemas.
CREATE INDEX IF NOT EXISTS items_registered ON items(registered_seq);
CREATE INDEX IF NOT EXISTS items_holder ON items(holder_id, status, category);
