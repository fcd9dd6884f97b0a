#!/usr/bin/env bash
# e2e-tamper: an attacker who can write the registry's database, but not
# read its key file, tries to make a rewritten ledger look intact. A stolen
# rifle is put back in store, every hash recomputed and every checkpoint
# re-signed with a key of the attacker's own under a new node id, and
# `wam rebuild` asked to make the tables agree: verify, verify --record and
# rebuild all refuse, because the key is pinned outside the database (the
# key file, or --expect-key). Then: the key file removed, another
# registry's key file put in its place, an admin's password hash replaced,
# a reference row changed, the newest events cut off (caught by a receipt
# of `wam head` kept by an auditor, and by a peer that saw the head), a
# registry restored from a copy that went on differently (head_mismatch),
# a receipt altered, a peer's document without its head, and a registry
# cut back and grown past the head a peer saw (its new document cannot show
# that head among its earlier heads). Each check fails if its protection is removed.
. "$(dirname "$0")/lib.sh"
: "${FORGE:?FORGE must name the forger built with the tests}"

A() { "$WAM" --db a.db "$@"; }
events() { sqlite3 "$1" "SELECT count(*) FROM events"; }
status_of() { sqlite3 "$1" "SELECT status FROM items WHERE id='$2'"; }
KEY_A() { sed -n 's/^public //p' a.db.key; }

expect_exit 0 "init the registry" A init --country HT --name "Haiti national registry"
expect_exit 0 "a rifle" A --json item add --category SA2 --make Kalashnikov --model AKM --calibre 7.62x39mm --serial KA-1001 --country SUHH
RIFLE=$(jget .id)
expect_exit 0 "a pistol" A --json item add --category SA1 --make Glock --model 17 --calibre 9x19mm --serial BX-2002 --country AT
expect_exit 0 "the rifle is stolen" A item status "$RIFLE" stolen --reason "armoury break-in"
expect_exit 0 "an admin" A user add chief --role admin --password-stdin <<<"correct horse battery staple"
expect_exit 0 "a clerk" A user add clerk --role registrar --password-stdin <<<"another long passphrase"
expect_exit 0 "the registry verifies" A verify
expect_contains "naming the key it trusted" "$OUT" "trusted key $(KEY_A) (from the key file)"
expect_contains "credentials checked" "$OUT" "credentials sealed by the node key"
expect_exit 0 "an auditor takes a receipt of the head" A head --out receipt.json
expect_eq "the receipt names the head" "$(jq -r '.format + " " + (.seq|tostring) + " " + .public_key' receipt.json)" \
	"wam-head/1 $(events a.db) $(KEY_A)"
cp a.db clean.db
cp a.db.key clean.db.key

# ---- the ledger rewritten and re-signed under a new node and key ----
cp clean.db atk.db
cp clean.db.key atk.db.key
sqlite3 atk.db "UPDATE events SET payload=replace(payload,'\"stolen\"','\"in_store\"')
	WHERE type='item.status_changed' AND subject='$RIFLE'"
run "$FORGE" atk.db rehash
expect_eq "the forger rehashed the chain" "$RC" 0
run "$FORGE" atk.db resign
expect_eq "and re-signed every checkpoint with its own key" "$RC" 0
FORGED_KEY=$(sed -n 's/^public //p' atk.db.forged)
expect_exit 5 "rebuild refuses the re-signed ledger" "$WAM" --db atk.db rebuild
expect_contains "saying it is not intact" "$ERR" "not intact"
expect_eq "and changed nothing: the rifle is still stolen" "$(status_of atk.db "$RIFLE")" "stolen"
expect_exit 5 "verify catches it with the real key file beside it" "$WAM" --db atk.db verify
expect_contains "as a key mismatch" "$OUT" "key_mismatch"
expect_exit 5 "verify --record catches it" "$WAM" --db atk.db --json verify --record "$RIFLE"
expect_eq "the record is not intact" "$(jget .intact)" "false"
expect_exit 5 "verify --expect-key with the real key catches it" "$WAM" --db atk.db verify --expect-key "$(KEY_A)"
expect_contains "as a key mismatch too" "$OUT" "key_mismatch"
# what the forgery is worth: with the forger's key trusted it is intact, so
# only the pinned key tells (the test would pass vacuously otherwise)
expect_exit 0 "trusting the forger's key instead, it would look intact" "$WAM" --db atk.db --json verify \
	--expect-key "$FORGED_KEY" --chain-only
expect_eq "the forger's key" "$(jget .public_key)" "$FORGED_KEY"

# ---- the key file missing ----
cp clean.db nokey.db
expect_exit 5 "without its key file the registry is not proven" "$WAM" --db nokey.db verify
expect_contains "key_missing" "$OUT" "key_missing"
expect_exit 5 "nor is one record" "$WAM" --db nokey.db --json verify --record "$RIFLE"
expect_eq "key_missing for the record" "$(jget .problem)" "key_missing"
expect_exit 5 "rebuild refuses too" "$WAM" --db nokey.db rebuild
expect_exit 0 "an auditor with the expected key verifies the copy" "$WAM" --db nokey.db verify --expect-key "$(KEY_A)"
expect_contains "naming where the trust came from" "$OUT" "(from --expect-key)"
expect_contains "and saying credentials were not checked" "$OUT" "credentials NOT checked"
expect_exit 0 "one record too" "$WAM" --db nokey.db --json verify --record "$RIFLE" --expect-key "$(KEY_A)"
expect_eq "trusted from --expect-key" "$(jget '.intact|tostring' ) $(jget .key_source)" "true expect_key"
expect_exit 2 "a key that is not a key is refused" "$WAM" --db nokey.db verify --expect-key nothex
expect_contains "naming the option" "$ERR" "expect_key"

# ---- another registry's key file ----
expect_exit 0 "another registry" "$WAM" --db other.db init --country HT
cp clean.db swapped.db
cp other.db.key swapped.db.key
expect_exit 5 "another registry's key file is not this one's" "$WAM" --db swapped.db verify
expect_contains "key_mismatch" "$OUT" "key_mismatch"
# the forged ledger with the other registry's node and key as its own fails too
cp atk.db atk2.db
cp other.db.key atk2.db.key
expect_exit 5 "a forged ledger beside a key file it does not match" "$WAM" --db atk2.db verify

# ---- an admin's password hash replaced ----
cp clean.db cred.db
cp clean.db.key cred.db.key
CHIEF=$(sqlite3 cred.db "SELECT id FROM users WHERE name='chief'")
CLERK=$(sqlite3 cred.db "SELECT id FROM users WHERE name='clerk'")
sqlite3 cred.db "UPDATE credentials SET hash=(SELECT hash FROM credentials WHERE subject='$CLERK') WHERE subject='$CHIEF'"
expect_exit 5 "the admin's password hash replaced is caught" "$WAM" --db cred.db --json verify
expect_eq "credential_changed, naming the admin" "$(jget '.problem + " " + .record_id')" "credential_changed $CHIEF"
# the seal moved along with the hash does not fit either: it is bound to the user
sqlite3 cred.db "UPDATE credentials SET seq=(SELECT seq FROM credentials WHERE subject='$CLERK'),
	mac=(SELECT mac FROM credentials WHERE subject='$CLERK') WHERE subject='$CHIEF'"
expect_exit 5 "the clerk's whole row copied onto the admin is caught" "$WAM" --db cred.db --json verify
expect_eq "credential_changed" "$(jget .problem)" "credential_changed"
# an old password of the admin's own, row and seal as they were, is caught after a change
cp clean.db old.db
cp clean.db.key old.db.key
OLD_ROW=$(sqlite3 old.db "SELECT quote(hash)||','||seq||','||quote(mac) FROM credentials WHERE subject='$CHIEF'")
expect_exit 0 "the admin changes password" "$WAM" --db old.db user passwd chief --password-stdin <<<"a new long passphrase"
sqlite3 old.db "UPDATE credentials SET (hash,seq,mac)=(SELECT $OLD_ROW) WHERE subject='$CHIEF'"
expect_exit 5 "the old password row put back is caught" "$WAM" --db old.db --json verify
expect_eq "credential_changed for the admin" "$(jget '.problem + " " + .record_id')" "credential_changed $CHIEF"

# ---- a reference row changed ----
cp clean.db ref.db
cp clean.db.key ref.db.key
sqlite3 ref.db "UPDATE ref_category SET kind='other' WHERE code='SA2'"
expect_exit 5 "a changed weapon category is caught" "$WAM" --db ref.db --json verify
expect_eq "refdata_changed in ref_category" "$(jget '.problem + " " + .table')" "refdata_changed ref_category"
expect_exit 5 "with only the expected key too" "$WAM" --db ref.db --json verify --expect-key "$(KEY_A)"
cp clean.db ref2.db
cp clean.db.key ref2.db.key
sqlite3 ref2.db "INSERT INTO ref_country(code,name) VALUES('XX','Nowhere')"
expect_exit 5 "an added country is caught" "$WAM" --db ref2.db --json verify
expect_eq "refdata_changed in ref_country" "$(jget '.problem + " " + .table')" "refdata_changed ref_country"

# ---- an admin's credential row deleted ----
cp clean.db nocred.db
cp clean.db.key nocred.db.key
sqlite3 nocred.db "DELETE FROM credentials WHERE subject=(SELECT id FROM users WHERE name='chief')"
expect_exit 5 "a deleted credential row is caught" "$WAM" --db nocred.db --json verify
expect_eq "credential_missing" "$(jget '.problem + " " + (.credentials_checked|tostring)')" "credential_missing false"
expect_exit 5 "and with only the expected key" "$WAM" --db nocred.db --json verify --expect-key "$(KEY_A)"
expect_eq "credential_missing too" "$(jget .problem)" "credential_missing"

# ---- a row forged into a projection table, a trigger added ----
cp clean.db conf.db
cp clean.db.key conf.db.key
sqlite3 conf.db "INSERT INTO destruction_confirmations VALUES('01BATCH',2,'01VERIFIER','Forged',6,'2026-01-01T00:00:00.000Z')"
expect_exit 5 "a forged verifier's confirmation is caught" "$WAM" --db conf.db --json verify
expect_eq "projection_mismatch in destruction_confirmations" "$(jget '.problem + " " + .table')" \
	"projection_mismatch destruction_confirmations"
cp clean.db trig.db
cp clean.db.key trig.db.key
sqlite3 trig.db "CREATE TRIGGER second_verifier AFTER INSERT ON destruction_confirmations BEGIN
	INSERT INTO destruction_confirmations SELECT destruction_id, n + 1, 'x', 'x', seq, time
	FROM destruction_confirmations WHERE rowid = new.rowid; END"
expect_exit 5 "a trigger wam does not create is caught" "$WAM" --db trig.db --json verify
expect_eq "schema_changed naming it" "$(jget '.problem + " " + .table')" "schema_changed second_verifier"

# ---- the newest events cut off, caught by the receipt ----
expect_exit 0 "more weapons registered" A item add --category SA1 --make Beretta --model 92 --serial B-3003 --country IT
expect_exit 0 "and another" A item add --category SA1 --make CZ --model 75 --serial CZ-4004 --country CZ
expect_exit 0 "a later receipt" A head --out receipt2.json
expect_exit 0 "the receipt verifies" A verify --expect-head receipt2.json
expect_contains "saying so" "$OUT" "the receipt's head (event $(jq .seq receipt2.json)) is in the ledger"
cp a.db cut.db
cp a.db.key cut.db.key
sqlite3 cut.db "DELETE FROM events WHERE seq > $(jq .seq receipt.json); DELETE FROM checkpoints WHERE seq > $(jq .seq receipt.json)"
expect_exit 0 "rebuild accepts the cut ledger (every event left is intact)" "$WAM" --db cut.db rebuild
expect_exit 0 "and verify alone cannot tell" "$WAM" --db cut.db verify
expect_exit 5 "the auditor's later receipt catches the cut-off tail" "$WAM" --db cut.db --json verify --expect-head receipt2.json
expect_eq "head_missing at the receipt's head" "$(jget '.problem + " " + (.first_bad_seq|tostring)')" \
	"head_missing $(jq .seq receipt2.json)"
expect_exit 0 "the earlier receipt is still in it" "$WAM" --db cut.db verify --expect-head receipt.json

# ---- a copy that went on differently: head_mismatch ----
cp cut.db fork.db
cp cut.db.key fork.db.key
expect_exit 0 "the cut copy records something else" "$WAM" --db fork.db item add --category SA1 --make Colt \
	--model 1911 --serial C-5005 --country US
expect_exit 0 "and one more" "$WAM" --db fork.db item add --category SA1 --make Colt --model 1911 --serial C-5006 --country US
expect_eq "the same length as the receipt" "$(events fork.db)" "$(jq .seq receipt2.json)"
expect_exit 5 "the receipt catches the rewritten history" "$WAM" --db fork.db --json verify --expect-head receipt2.json
expect_eq "head_mismatch" "$(jget .problem)" "head_mismatch"

# ---- a receipt altered ----
jq '.seq = 2' receipt2.json >altered-receipt.json
expect_exit 5 "an altered receipt proves nothing" A --json verify --expect-head altered-receipt.json
expect_eq "receipt_invalid" "$(jget .problem)" "receipt_invalid"
"$WAM" --db other.db head --out other-receipt.json
expect_exit 5 "nor does another registry's receipt" A --json verify --expect-head other-receipt.json
expect_eq "receipt_invalid too" "$(jget .problem)" "receipt_invalid"
expect_exit 5 "no receipt is signed over a tampered ledger" "$WAM" --db cred.db head

# ---- a peer sees the head go back ----
expect_exit 0 "a peer registry (BE)" "$WAM" --db be.db init --country BE --name "Belgian register"
A --json node >node-a.json
expect_exit 0 "it trusts this registry" "$WAM" --db be.db peer add --from node-a.json
trace() {
	A --json trace draft --item "$1" --requesting-state HT --contact "Cmdr. Pierre" --requested-state BE \
		--via national_contact_point --illicit-reason illicit_national_law --justification "Art. 12" \
		--intended-use "criminal proceedings" --confidentiality restricted --urgency routine >draft.json &&
		A trace send "$(jq -r .id draft.json)" >/dev/null && jq -r .id draft.json
}
TR1=$(trace "$RIFLE")
expect_exit 0 "a request exported" A trace export "$TR1" --out req1.json
expect_eq "it carries the signed head" "$(jq -r '.head.seq' req1.json)" "$(events a.db)"
expect_exit 0 "the peer imports it" "$WAM" --db be.db trace import req1.json
expect_exit 0 "the peer lists the head it saw" "$WAM" --db be.db peer list
expect_contains "last head" "$OUT" "$(jq -r '.head.seq' req1.json) $(jq -r '.head.hash' req1.json)"
HEAD1=$(jq .head.seq req1.json)
# the newest events cut off (back to before the request was exported), and the registry goes on
sqlite3 a.db "DELETE FROM events WHERE seq > $((HEAD1 - 4)); DELETE FROM checkpoints WHERE seq > $((HEAD1 - 4))"
expect_exit 0 "the cut registry is rebuilt" A rebuild
PISTOL=$(A --json item show --serial BX-2002 | jq -r ".[0].id")
TR2=$(trace "$PISTOL")
expect_exit 0 "a second request exported from the cut registry" A trace export "$TR2" --out req2.json
expect_eq "its head is behind the one the peer saw" "$(($(jq .head.seq req2.json) < HEAD1))" 1
BEFORE=$(events be.db)
expect_exit 5 "the peer refuses it: the head went back" "$WAM" --db be.db trace import req2.json
expect_contains "naming the head" "$ERR" "head"
expect_contains "saying the ledger went back" "$ERR" "went back"
expect_eq "and writes nothing" "$(events be.db)" "$BEFORE"
# a document without a head, validly signed (as a registry that does not
# write one would), is refused too: leaving the head out must not hide a cut
jq 'del(.head)' req2.json >nohead.json
"$FORGE" a.db sign nohead.json >nohead-signed.json
expect_exit 2 "a signed document without a head is refused" "$WAM" --db be.db trace import nohead-signed.json
expect_contains "naming the head" "$ERR" "head"
expect_eq "writing nothing" "$(events be.db)" "$BEFORE"
expect_exit 0 "the peer's last head is the one it saw before" "$WAM" --db be.db --json peer list
expect_eq "still the first document's" "$(jget '.[0].head_seq')" "$HEAD1"

# ---- a peer's last head, cut off and grown past: the document must show it ----
# The registry sends a document, the peer records its head; the registry's
# ledger is cut back before it and rebuilt, grows past that head with new
# weapons, and sends a new document: its head is ahead, but its earlier
# heads, re-read from the ledger, no longer hold the one the peer saw.
expect_exit 0 "a second peer registry (BE)" "$WAM" --db be2.db init --country BE --name "Belgian register (copy)"
expect_exit 0 "it trusts this registry" "$WAM" --db be2.db peer add --from node-a.json
CUT_TO=$(events a.db)
TR3=$(trace "$RIFLE")
expect_exit 0 "a request exported" A trace export "$TR3" --out req3.json
expect_exit 0 "the peer imports it" "$WAM" --db be2.db trace import req3.json
TR4=$(trace "$RIFLE")
expect_exit 0 "a later request exported" A trace export "$TR4" --out req4.json
expect_eq "it lists the head of the one before" "$(jq -c '.earlier_heads[0]' req4.json)" "$(jq -c .head req3.json)"
expect_exit 0 "the peer imports it: it extends what the peer saw" "$WAM" --db be2.db trace import req4.json
HEAD4=$(jq .head.seq req4.json)
sqlite3 a.db "DELETE FROM events WHERE seq > $CUT_TO; DELETE FROM checkpoints WHERE seq > $CUT_TO"
expect_exit 0 "the registry cut back before both documents is rebuilt" A rebuild
n=0
while [ "$(events a.db)" -le "$HEAD4" ]; do
	n=$((n + 1))
	A item add --category SA1 --make Glock --model 19 --serial "GR-$n" --country AT >/dev/null || break
done
check "weapons added until the ledger is past the head the peer saw" test "$(events a.db)" -gt "$HEAD4"
TR5=$(trace "$RIFLE")
expect_exit 0 "a request exported from the cut registry" A trace export "$TR5" --out req5.json
expect_eq "its head is ahead of the one the peer saw" "$(($(jq .head.seq req5.json) > HEAD4))" 1
BEFORE=$(events be2.db)
expect_exit 5 "the peer refuses it: the head it saw is gone" "$WAM" --db be2.db trace import req5.json
expect_contains "naming the head" "$ERR" "[field: head]"
expect_contains "saying the ledger no longer holds it" "$ERR" "no longer holds event $HEAD4"
expect_eq "and writes nothing" "$(events be2.db)" "$BEFORE"
expect_exit 0 "the peer's last head" "$WAM" --db be2.db --json peer list
expect_eq "is still the one it saw" "$(jget '.[0].head_seq')" "$HEAD4"
# the list cannot be left out: a validly signed document without it is refused
jq 'del(.earlier_heads)' req5.json >noearlier.json
"$FORGE" a.db sign noearlier.json >noearlier-signed.json
expect_exit 2 "a signed document without its earlier heads is refused" "$WAM" --db be2.db trace import noearlier-signed.json
expect_contains "naming them" "$ERR" "earlier_heads"
expect_eq "writing nothing" "$(events be2.db)" "$BEFORE"

done_testing
