#!/usr/bin/env bash
# e2e-collection: field collection and destruction through the `wam` CLI as a
# user sees them — a surrender of an unmarked and a marked weapon (the
# surrendering person kept as a pseudonym only), the R5 task it opens and
# the national marking that closes it, hand-overs in order, a photo stored
# once and a script refused, then a destruction batch: refused without two
# verifiers, blocked by a serial mismatch, refused without a certificate,
# closed with one (weapons destroyed), its HTML certificate, and a ledger
# that verifies and rebuilds to the same registry.
. "$(dirname "$0")/lib.sh"

DB=col.db
W() { "$WAM" --db $DB "$@"; }

expect_exit 0 "init" W init --country HT
cat >rec.json <<'JSON'
{"type": "surrendered", "date": "2026-03-01", "place": "Gonaïves", "admin_area": "Artibonite",
 "context": "amnesty", "officer": "Insp. Joseph", "person": "Marie-Claire Dorval", "task_days": 30,
 "weapons": [{"category": "SA1", "model": "revolver", "calibre": ".38 Special"},
             {"category": "SA4", "make": "Norinco", "model": "Type 56", "serial": "56-8812345", "country": "CN",
              "import_marks": [{"country": "HT", "year": 2003}]}]}
JSON
expect_exit 0 "recovery add --from" W --json recovery add --from rec.json
REC=$(jget .id)
UNMARKED=$(jget '.items[0].id')
MARKED=$(jget '.items[1].id')
expect_eq "the weapons are registered as surrendered" "$(jget '[.items[].status] | unique | join(",")')" "surrendered"
expect_eq "the revolver is unmarked" "$(jget '.items[0].marking_status')" "unmarked"
expect_eq "one task, for the unmarked weapon, due 30 days on" "$(jget '[.tasks[] | .item_id + " " + .due] | join(",")')" \
	"$UNMARKED 2026-03-31"
expect_contains "the person is a pseudonym" "$(jget .person_ref)" "P-"
PSEUDO=$(jget .person_ref)
run sqlite3 $DB "SELECT count(*) FROM events WHERE payload LIKE '%Dorval%'"
expect_eq "the name is not in the ledger" "$OUT" "0"
expect_exit 0 "the same person surrenders again" W --json recovery add --type surrendered --date 2026-04-02 \
	--officer "Insp. Joseph" --person "marie claire DORVAL" --from - <<<'{"weapons": [{"category": "SA2"}]}'
expect_eq "the same person has the same pseudonym" "$(jget .person_ref)" "$PSEUDO"

# the sex and age band of the person (never the name) and the legal justification
expect_eq "a recovery recorded without them shows each not_recorded" \
	"$(jget '[.person_sex, .person_age_band, .legal_justification] | join(",")')" "not_recorded,not_recorded,not_recorded"
AGAIN=$(jget .id)
expect_exit 0 "a surrender by a woman of 25 to 34" W --json recovery add --type surrendered --date 2026-04-03 \
	--officer "Insp. Joseph" --person "Rose Saint-Fleur" --person-sex female --person-age-band 25-34 \
	--from - <<<'{"weapons": [{"category": "SA1", "serial": "PEOPLE-1"}]}'
expect_eq "... kept, the words as the vocabulary writes them" "$(jget '[.person_sex, .person_age_band] | join(",")')" \
	"female,25_34"
N=$(sqlite3 $DB "SELECT count(*) FROM events")
expect_exit 2 "a sex outside the vocabulary is refused" W recovery describe "$AGAIN" --person-sex woman
expect_contains "... naming the field" "$ERR" "person_sex 'woman' is not one of"
expect_exit 2 "a legal justification outside the vocabulary is refused" W recovery add --type seized \
	--date 2026-04-03 --officer X --legal-justification theft --from - <<<'{"weapons": [{"category": "SA1"}]}'
expect_contains "... naming the field" "$ERR" "legal_justification 'theft' is not one of"
expect_exit 2 "a description of nothing is refused" W recovery describe "$AGAIN"
expect_eq "... and nothing was written" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$N"
expect_exit 0 "the person is described later" W --json recovery describe "$AGAIN" --person-sex male \
	--legal-justification voluntary_surrender
expect_eq "... shown on the recovery" \
	"$(jget '[.person_sex, .person_age_band, .legal_justification] | join(",")')" \
	"male,not_recorded,voluntary_surrender"
expect_eq "... one recovery.described event" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$((N + 1))"
expect_eq "... that names no one" "$(sqlite3 $DB "SELECT payload FROM events ORDER BY seq DESC LIMIT 1")" \
	'{"legal_justification":"voluntary_surrender","person_sex":"male"}'
expect_exit 0 "recovery show says it" W recovery show "$AGAIN"
expect_contains "... the justification" "$OUT" "voluntary_surrender"

# a recovery of parts and weapons of new technologies: each item says what it is and how it was made
expect_exit 0 "a cache with a printed frame, a converted pistol and a barrel" W --json recovery add --type seized \
	--date 2026-04-03 --officer "Insp. Joseph" --context cache --from - <<<'{"weapons": [
 {"category": "PART", "kind": "part", "part_type": "frame_receiver", "make": "FGC-9", "serial": "PF-1",
  "country": "HT", "manufacture": "printed", "frame_material": "polymer"},
 {"category": "SA1", "make": "Zoraki", "serial": "Z-1", "country": "TR", "manufacture": "converted",
  "converted_from": "alarm"},
 {"category": "PART", "kind": "part", "part_type": "barrel", "make": "Glock", "serial": "B-1", "country": "AT"}]}'
PARTS=$(jget .id)
expect_eq "its items carry kind, part type and manufacture" \
	"$(jget '[.items[] | [.kind, .part_type // "-", .manufacture // "-", .converted_from // "-"] | join(":")] | join(",")')" \
	"part:frame_receiver:printed:-,weapon:-:converted:alarm,part:barrel:-:-"
expect_exit 0 "recovery show of the cache" W recovery show "$PARTS"
expect_contains "the items are weapons and parts" "$OUT" "weapons and parts (3)"
expect_eq "the barrel is shown as a part" "$(grep -c '^[0-9A-Z]\{26\}  part  *barrel' <<<"$OUT")" 1
expect_eq "the converted pistol as a converted weapon" \
	"$(grep -c '^[0-9A-Z]\{26\}  weapon  *converted  *Z-1' <<<"$OUT")" 1

expect_exit 0 "open tasks listed" W recovery tasks
expect_contains "the task is overdue" "$OUT" "overdue"
TASK=$("$WAM" --db $DB --json recovery tasks --overdue | jq -r --arg i "$UNMARKED" '.[] | select(.item_id == $i) | .id')
expect_exit 2 "a marking needs its text" W recovery mark "$TASK"
expect_exit 0 "a national marking is assigned" W --json recovery mark "$TASK" --text HT-PNH-2026-000101
expect_eq "the weapon carries the marking" \
	"$(jget '[.markings[] | select(.text == "HT-PNH-2026-000101") | .component + ":" + .kind] | join(",")')" \
	"frame_receiver:serial"
run "$WAM" --db $DB --json recovery tasks --all
expect_eq "the task is closed as marked" "$(jget ".[] | select(.id == \"$TASK\") | .state")" "marked"
expect_exit 4 "a closed task takes no second marking" W recovery mark "$TASK" --text HT-PNH-2026-000102

for step in "Insp. Joseph|Cpl. Remy|transport" "Cpl. Remy|Depot keeper|storage" "Depot keeper|Ballistics lab|examination"; do
	IFS='|' read -r from to why <<<"$step"
	expect_exit 0 "hand-over $from -> $to" W recovery handover "$REC" --from "$from" --to "$to" --reason "$why"
done
expect_exit 0 "recovery show" W --json recovery show "$REC"
expect_eq "hand-overs are listed in order" "$(jget '[.handovers[] | .from + ">" + .to] | join(",")')" \
	"Insp. Joseph>Cpl. Remy,Cpl. Remy>Depot keeper,Depot keeper>Ballistics lab"

printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00photo bytes' >side.jpg
printf '#!/bin/sh\necho not a photo\n' >script.sh
# an ammunition line's photos: files stored with the recovery, or hashes of stored photos only
EV=$(events $DB)
expect_exit 2 "a line photo the store does not hold is refused" W --json recovery add --type found --date 2026-04-05 \
	--officer "Sgt. Lamy" --from - <<<'{"ammunition": [{"calibre": "9x19mm", "quantity": 12, "photos": ["'"$(printf 'a%.0s' {1..64})"'"]}]}'
expect_contains "naming the photo" "$ERR" "ammunition[0].photos[0]"
expect_eq "nothing written" "$(events $DB)" "$EV"
expect_exit 0 "a line photo given as a file" W --json recovery add --type found --date 2026-04-05 \
	--officer "Sgt. Lamy" --from - <<<'{"ammunition": [{"calibre": "9x19mm", "quantity": 12, "photos": [{"file": "side.jpg"}]}]}'
expect_eq "is stored and named by its hash" "$(jget '.ammunition[0].photos[0]')" "$(sha256sum side.jpg | cut -c1-64)"
expect_exit 0 "a photo is stored" W --json recovery photo "$REC" side.jpg --caption "left side, close-up"
HASH=$(jget .hash)
expect_eq "by its SHA-256" "$HASH" "$(sha256sum side.jpg | cut -d' ' -f1)"
expect_exit 0 "the same photo again" W recovery photo "$REC" side.jpg
expect_eq "the file is stored once" "$(ls $DB.photos | wc -l)" "1"
expect_exit 2 "bytes that are no image are refused" W recovery photo "$REC" script.sh
expect_contains "the refusal says so" "$ERR" "not a JPEG"
expect_exit 0 "the photo is read back" W recovery photo-get "$REC" "$HASH" --out back.jpg
expect_same_file "the same bytes" side.jpg back.jpg

# ---- destruction ----
expect_exit 0 "verifier users" W user add ver.one --role armourer --password-stdin <<<"first long password"
expect_exit 0 "" W user add ver.two --role registrar --password-stdin <<<"second long password"
expect_exit 0 "destruction open" W --json destruction open --method cut --site "Camp <Lamentin> & yard" \
	--date 2026-11-20
BATCH=$(jget .id)
expect_exit 0 "destruction add weapons, a verifier, a witness" W destruction add "$BATCH" --item "$UNMARKED" \
	--item "$MARKED" --verifier ver.one --witness "MINUJUSTH observer"
expect_exit 2 "a verifier who is not a user is refused" W destruction add "$BATCH" --verifier "Somebody"
expect_exit 0 "serials read at the site: one wrong" W destruction verify "$BATCH" HT-PNH-2026-000101 56-0000000
expect_contains "the mismatch is shown" "$OUT" "DOES NOT MATCH"
expect_exit 4 "one verifier is not enough" W destruction close "$BATCH" --certificate DC-2026-17
expect_contains "the refusal names the verifiers" "$ERR" "two independent verifiers"
expect_exit 0 "a second verifier" W destruction add "$BATCH" --verifier ver.two
expect_exit 4 "a serial mismatch blocks closing" W destruction close "$BATCH" --certificate DC-2026-17
expect_contains "the mismatches are named" "$ERR" "56-0000000"
expect_contains "both ways" "$ERR" "56-8812345"
printf 'HT-PNH-2026-000101\n 56 8812345 \n' >read.txt
expect_exit 0 "serials read again, from a file" W destruction verify "$BATCH" --from read.txt
expect_contains "they match" "$OUT" "matches the list"
run "$WAM" --db $DB --json item show "$MARKED"
expect_eq "verified is not destroyed" "$(jget .status)" "surrendered"
expect_exit 2 "closing without a certificate is refused" W destruction close "$BATCH"
# naming two verifiers proves nothing: each confirms with their own password
N=$(sqlite3 $DB "SELECT count(*) FROM events")
expect_exit 4 "a batch whose verifiers never confirmed does not close" W destruction close "$BATCH" --certificate FAKE-1
expect_contains "... the refusal names who is awaited" "$ERR" "waiting for: ver.one, ver.two"
expect_exit 7 "the operating-system account cannot confirm for a verifier" W destruction confirm "$BATCH"
expect_exit 2 "--as with no password given is refused" W destruction confirm "$BATCH" --as ver.one --password-stdin </dev/null
run W destruction confirm "$BATCH" --as ver.one --password-stdin <<<"second long password"
expect_eq "a verifier with another's password is refused" "$RC" 7
expect_eq "... and nothing was written" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$N"
run W --json destruction confirm "$BATCH" --as ver.one --password-stdin <<<"first long password"
expect_eq "ver.one confirms, as themselves" "$RC" 0
expect_eq "... the batch shows it" "$(jget '[.verifier_states[] | "\(.name)=\(.confirmed)"] | join(" ")')" "ver.one=true ver.two=false"
run W destruction confirm "$BATCH" --as ver.one --password-stdin <<<"first long password"
expect_eq "the same verifier twice is refused" "$RC" 4
expect_exit 4 "one confirmation is not two" W destruction close "$BATCH" --certificate "DC-2026-<17>"
run W destruction confirm "$BATCH" --as ver.two --password-stdin <<<"second long password"
expect_eq "ver.two confirms, as themselves" "$RC" 0
expect_eq "the confirmations are recorded as the verifiers" \
	"$(sqlite3 $DB "SELECT group_concat(actor, ' ') FROM (SELECT actor FROM events WHERE type='destruction.confirmed' ORDER BY seq)")" \
	"user:ver.one user:ver.two"
expect_exit 0 "closing with the certificate" W --json destruction close "$BATCH" --certificate "DC-2026-<17>"
expect_eq "the batch is closed" "$(jget .state)" "closed"
run "$WAM" --db $DB --json item show "$MARKED"
expect_eq "its weapons are destroyed" "$(jget .status)" "destroyed"
expect_exit 4 "a closed batch takes no more weapons" W destruction add "$BATCH" --witness late
expect_exit 0 "the certificate prints" W destruction certificate "$BATCH"
expect_contains "as HTML" "$OUT" "<!DOCTYPE html>"
expect_contains "values escaped" "$OUT" "Camp &lt;Lamentin&gt; &amp; yard"
expect_contains "the certificate number" "$OUT" "DC-2026-&lt;17&gt;"
expect_contains "the serials" "$OUT" "56-8812345"
expect_contains "the verifiers" "$OUT" "ver.one, ver.two"
expect_contains "who confirmed, and when" "$OUT" "ver.one (20"
expect_contains "whose account each confirming verifier's is" "$OUT" "account created by os:$(id -un) at"
run sqlite3 $DB "SELECT lower(hex(hash)) FROM events WHERE type='destruction.closed'"
expect_contains "the closing event's hash" "$("$WAM" --db $DB destruction certificate "$BATCH")" "$OUT"

# one admin's own accounts are not two independent verifiers
expect_exit 0 "an admin user" W user add adm --role admin --password-stdin <<<"admin long password"
for s in sock1 sock2; do
	expect_exit 0 "the admin makes $s, with a password they chose" W --as adm --password-stdin user add "$s" \
		--role armourer --password-stdin <<<$'admin long password\nsock long password'
done
expect_exit 0 "a weapon to destroy" W --json item add --category SA1 --make Glock --model 17 --calibre 9x19mm \
	--serial SOCK-1 --country AT
SOCKGUN=$(jget .id)
expect_exit 0 "the admin opens a batch" W --json --as adm --password-stdin destruction open --method cut \
	--site "yard" --date 2026-11-21 <<<"admin long password"
B2=$(jget .id)
expect_exit 0 "... lists the weapon and names the two accounts" W --as adm --password-stdin destruction add "$B2" \
	--item "$SOCKGUN" --verifier sock1 --verifier sock2 <<<"admin long password"
expect_exit 0 "the serial is read" W destruction verify "$B2" SOCK-1
N=$(sqlite3 $DB "SELECT count(*) FROM events")
expect_exit 7 "an account the opener made does not confirm" W destruction confirm "$B2" --as sock1 \
	--password-stdin <<<"sock long password"
expect_contains "... naming the rule" "$ERR" "rule of independence: user:adm created the account of sock1"
expect_eq "... and nothing was written" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$N"
expect_exit 0 "the batch shows whose accounts its verifiers are" W destruction show "$B2"
expect_contains "... who created each and who set its password" "$OUT" \
	"account created by user:adm at"
expect_contains "... with the password set" "$OUT" "password last set by user:adm at"
expect_contains "... and everyone the account comes from" "$OUT" "account comes from user:adm"

expect_exit 0 "verify" W verify
expect_contains "intact" "$OUT" "intact"
W export --format json --out before.json >/dev/null
sqlite3 $DB "SELECT * FROM recoveries; SELECT * FROM collection_tasks; SELECT * FROM recovery_handovers;
 SELECT * FROM destructions; SELECT * FROM destruction_checks; SELECT * FROM markings ORDER BY 1,2;
 SELECT * FROM recovery_details ORDER BY 1;" >before.txt
expect_exit 0 "rebuild" W rebuild
sqlite3 $DB "SELECT * FROM recoveries; SELECT * FROM collection_tasks; SELECT * FROM recovery_handovers;
 SELECT * FROM destructions; SELECT * FROM destruction_checks; SELECT * FROM markings ORDER BY 1,2;
 SELECT * FROM recovery_details ORDER BY 1;" >after.txt
expect_same_file "the rebuilt tables are the same" before.txt after.txt
W export --format json --out after.json >/dev/null
expect_same_file "the rebuilt registry exports the same" before.json after.json
expect_exit 0 "verify after rebuild" W verify

done_testing
