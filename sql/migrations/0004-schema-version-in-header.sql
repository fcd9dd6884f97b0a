-- Migration 4: the schema's version is the database header's user_version,
-- set by the migration runner in the transaction that migrates; the meta
-- row registries made before migrations carried (always '1', never read)
-- goes, so that no second number can disagree with it.
DELETE FROM meta WHERE key = 'schema_version';
