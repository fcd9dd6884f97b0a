#!/bin/bash
# e2e-migrate: schema migrations. A registry made by release 0.1
# (tests/fixtures/registry-0.1.db: a 200-weapon demo and a user, made before
# migrations, user_version 0) verifies and reads as it is, unchanged; the
# first command that writes migrates it (user_version 5, the meta row
# schema_version gone) and it verifies before and after. Registries of the
# shapes before credentials and before their seals reach the current one;
# a migration that fails leaves the registry as it was (all or nothing). A
# registry from a newer wam is refused, exit 9, naming both versions, on
# reading and writing opens (wam serve and wam restore too), and its file
# stays byte-identical.
FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" && pwd)" # before lib.sh moves to $TMP
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LATEST=18

uv() { sqlite3 "$1" "PRAGMA user_version"; }
hash_of() { sha256sum "$1" | cut -d' ' -f1; }
# a copy of the 0.1 registry, its node key and pseudonym key, named $1
fixture() {
	cp "$FIXTURES/registry-0.1.db" "$1"
	cp "$FIXTURES/registry-0.1.db.key" "$1.key"
	cp "$FIXTURES/registry-0.1.db.pseudonym.key" "$1.pseudonym.key"
}
# the -wal SQLite may leave beside a file holds nothing
wal_empty() { [ ! -s "$1-wal" ]; }

# ---- a new registry is made by running every migration ----
"$WAM" --db new.db init --country HT >/dev/null
expect_eq "a new registry is at the latest schema version" "$(uv new.db)" "$LATEST"
expect_eq "and keeps no schema_version row in meta" \
	"$(sqlite3 new.db "SELECT count(*) FROM meta WHERE key='schema_version'")" 0
expect_eq "its credentials table has the seal columns" \
	"$(sqlite3 new.db "SELECT group_concat(name) FROM pragma_table_info('credentials')")" "subject,kind,hash,seq,mac"
expect_exit 0 "a new registry verifies" "$WAM" --db new.db verify

# ---- the registry of release 0.1 ----
fixture old.db
expect_eq "the 0.1 registry was made before migrations (user_version 0)" "$(uv old.db)" 0
BEFORE=$(hash_of old.db)
expect_exit 0 "wam verify passes on the 0.1 registry as it is" "$WAM" --db old.db verify
expect_contains "every event is proven" "$OUT" "intact: 414 events"
expect_contains "and its user's credential by its seal" "$OUT" "credentials sealed by the node key"
expect_exit 0 "wam summary reads it" "$WAM" --db old.db --json summary
expect_eq "its 200 weapons" "$(jget .totals.items)" 200
expect_eq "its 414 events" "$(jget .totals.events)" 414
expect_exit 0 "its users are listed" "$WAM" --db old.db --json user list
expect_eq "all five of them" "$(jget 'map(.name) | sort | join(",")')" "clerk,j.celestin,m.augustin,r.pierre,s.dorval"
expect_eq "commands that only read leave its file as it was" "$(hash_of old.db)" "$BEFORE"
check "and write nothing beside it" wal_empty old.db
expect_eq "and do not migrate it" "$(uv old.db)" 0

expect_exit 0 "the first command that writes (wam site add) runs on it" \
	"$WAM" --db old.db --json site add "Depot Nord" --kind depot --country HT
SITE=$(jget .id)
expect_eq "and migrates it to the latest schema version" "$(uv old.db)" "$LATEST"
expect_eq "migration 4 removed the meta row schema_version" \
	"$(sqlite3 old.db "SELECT count(*) FROM meta WHERE key='schema_version'")" 0
expect_eq "node_id and projection_version stay" \
	"$(sqlite3 old.db "SELECT group_concat(key) FROM (SELECT key FROM meta ORDER BY key)")" \
	"node_id,projection_version"
expect_exit 0 "wam verify passes after the write" "$WAM" --db old.db verify
expect_contains "with the new event proven" "$OUT" "intact: 415 events"
expect_exit 0 "the new site is there" "$WAM" --db old.db --json site show "$SITE"
expect_eq "under its name" "$(jget .name)" "Depot Nord"
expect_exit 0 "a user can still be added (the credentials table is current)" "$WAM" --db old.db user add auditor \
	--role viewer --password-stdin <<<"a long enough password"
expect_exit 0 "and wam verify passes with its sealed credential" "$WAM" --db old.db verify
expect_exit 0 "wam summary reads the migrated registry" "$WAM" --db old.db --json summary
expect_eq "with its 200 weapons" "$(jget .totals.items)" 200
MIGRATED=$(sqlite3 old.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; hash_of old.db)
expect_exit 2 "a migrated registry opened for writing again (a command refused)" \
	"$WAM" --db old.db site add Annex --kind store
expect_eq "is not migrated twice" "$(sqlite3 old.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; hash_of old.db)" \
	"$MIGRATED"

# ---- older shapes: before credentials (version 1) and before seals (version 2) ----
"$WAM" --db v1.db init --country HT >/dev/null
sqlite3 v1.db "DROP TABLE credentials; PRAGMA user_version=0; INSERT INTO meta VALUES('schema_version','1')"
expect_exit 0 "a registry made before credentials takes a write" \
	"$WAM" --db v1.db site add "Poste" --kind police_station --country HT
expect_eq "and reaches the latest schema version" "$(uv v1.db)" "$LATEST"
expect_eq "with the credentials table made by migrations 2 and 3" \
	"$(sqlite3 v1.db "SELECT group_concat(name) FROM pragma_table_info('credentials')")" "subject,kind,hash,seq,mac"
expect_exit 0 "a user is added to it" "$WAM" --db v1.db user add admin --role admin --password-stdin \
	<<<"a long enough password"
expect_exit 0 "and it verifies" "$WAM" --db v1.db verify

"$WAM" --db v2.db init --country HT >/dev/null
"$WAM" --db v2.db user add admin --role admin --password-stdin <<<"a long enough password" >/dev/null
sqlite3 v2.db "CREATE TABLE c2 AS SELECT subject, kind, hash FROM credentials; DROP TABLE credentials;
CREATE TABLE credentials (subject TEXT PRIMARY KEY, kind TEXT NOT NULL, hash TEXT NOT NULL);
INSERT INTO credentials SELECT * FROM c2; DROP TABLE c2; PRAGMA user_version=0;
INSERT INTO meta VALUES('schema_version','1')"
expect_exit 5 "a registry made before seals is read as it is: verify asks for a rebuild" "$WAM" --db v2.db verify
expect_contains "to seal its credentials" "$OUT$ERR" "run \`wam rebuild\` once to seal"
expect_eq "reading it did not migrate it" "$(uv v2.db)" 0
expect_exit 0 "wam rebuild migrates it and seals the credential" "$WAM" --db v2.db rebuild
expect_eq "it is at the latest schema version" "$(uv v2.db)" "$LATEST"
expect_exit 0 "and verifies" "$WAM" --db v2.db verify
expect_contains "with its credential sealed" "$OUT" "credentials sealed by the node key"

# ---- all or nothing: a migration that fails undoes the ones before it ----
"$WAM" --db fail.db init --country HT >/dev/null
sqlite3 fail.db "DROP TABLE credentials; PRAGMA user_version=0; INSERT INTO meta VALUES('schema_version','1');
CREATE TRIGGER meta_kept BEFORE DELETE ON meta BEGIN SELECT RAISE(ABORT, 'meta rows stay'); END"
expect_exit 6 "a registry whose migration 4 fails is refused" \
	"$WAM" --db fail.db site add "Poste" --kind police_station --country HT
expect_contains "naming the migration" "$ERR" "schema migration 0004-schema-version-in-header failed"
expect_eq "its user_version is as it was" "$(uv fail.db)" 0
expect_eq "migrations 2 and 3, which ran before it, are undone" \
	"$(sqlite3 fail.db "SELECT count(*) FROM sqlite_master WHERE name='credentials'")" 0
expect_eq "and the command wrote nothing" "$(sqlite3 fail.db "SELECT count(*) FROM sites")" 0

# ---- a registry from a newer wam ----
fixture newer.db
sqlite3 newer.db "PRAGMA user_version=99"
NEWER=$(hash_of newer.db)
for cmd in "verify" "summary" "site list" "site add Annex --kind depot --country HT" "rebuild"; do
	# shellcheck disable=SC2086
	expect_exit 9 "wam $cmd refuses a registry from a newer wam (exit 9)" "$WAM" --db newer.db $cmd
	expect_contains "naming its version and the versions this wam knows" "$ERR" \
		"its schema is version 99, and this wam knows versions up to $LATEST"
done
expect_exit 9 "wam serve refuses it before it listens" timeout 20 "$WAM" --db newer.db serve --listen 127.0.0.1:0
expect_contains "naming both versions" "$ERR" "its schema is version 99, and this wam knows versions up to $LATEST"
KEY=$("$WAM" --db old.db --json node | jq -r .public_key)
expect_exit 9 "wam restore refuses a backup from a newer wam" "$WAM" --db restored.db restore newer.db --expect-key "$KEY"
check "and restores nothing" test ! -e restored.db
expect_eq "the newer registry's file is byte-identical" "$(hash_of newer.db)" "$NEWER"
check "and nothing was written beside it" wal_empty newer.db
expect_eq "its user_version is untouched" "$(uv newer.db)" 99

done_testing
