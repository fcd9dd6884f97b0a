-- Migration 17: loss reports of ammunition only, closed (the trace room,
-- docs/trace.md): such a report names no weapon whose status would close
-- it, so it is closed by a person, with the reason (the rounds recovered,
-- the loss found to be no loss, a count corrected) and the recovery that
-- brought the rounds back when there is one. Also one of the trace room's
-- schemas.
CREATE TABLE IF NOT EXISTS loss_closures (
  report_id   TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  recovery_id TEXT,
  seq         INTEGER NOT NULL
) WITHOUT ROWID;
