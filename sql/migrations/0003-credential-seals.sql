-- Migration 3: each credential is sealed to the event `seq` that set it;
-- `mac` is the hex BLAKE2b-256 seal under a key derived from the node's
-- secret key, which verify checks (docs/ledger.md). Rows written before
-- seals keep both NULL until `wam rebuild` seals them.
ALTER TABLE credentials ADD COLUMN seq INTEGER; -- the event that set it
ALTER TABLE credentials ADD COLUMN mac TEXT;    -- hex BLAKE2b-256 seal; NULL: written before seals
