#!/bin/bash
# e2e-demo: `wam demo` is deterministic (same seed, same registry content and
# ids; another seed, another registry), its registries verify, rebuild keeps
# them intact, and `wam verify` catches an event edited with the sqlite3
# command-line tool (exit 5, naming the sequence number).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v sqlite3 >/dev/null || { echo "Bail out! the sqlite3 command-line tool is needed"; exit 1; }

expect_exit 0 "demo --items 300 --seed 5" "$WAM" --db a.db demo --items 300 --seed 5
expect_contains "demo says what it made" "$OUT" "demo registry a.db: 300 weapons"
expect_exit 0 "the same demo into a second registry" "$WAM" --db b.db --json demo --items 300 --seed 5
expect_eq "--json demo prints the summary" "$(jget .totals.items)" 300
expect_exit 0 "a demo with another seed" "$WAM" --db c.db demo --items 300 --seed 6

"$WAM" --db a.db export --format csv >a.csv
"$WAM" --db b.db export --format csv >b.csv
"$WAM" --db c.db export --format csv >c.csv
expect_same_file "same seed, same CSV export" a.csv b.csv
"$WAM" --db a.db export --format json >a.json
"$WAM" --db b.db export --format json >b.json
expect_same_file "same seed, same JSON export (sites, holders too)" a.json b.json
check "another seed gives another registry" bash -c '! cmp -s a.csv c.csv'
expect_eq "the export has 300 weapons" "$(grep -c '^[0-9A-Z]\{26\},' a.csv)" 300

run "$WAM" --db a.db --json summary
expect_eq "the demo uses several scripts" "$(jq -r '[.[] | select(.kind=="serial") | .script] | unique | length > 1' \
	< <("$WAM" --db a.db export --format json | jq '[.items[].markings[]]'))" true
# the stockpile's life: what a user finds in each room of a 300-weapon demo
expect_eq "the demo has ammunition lots, one of them split off another" \
	"$("$WAM" --db a.db --json lot list | jq '[length >= 6, (map(select(.parent_id != null)) | length) == 1] | all')" true
expect_eq "weapons are out in custody" "$("$WAM" --db a.db --json custody list --state open | jq length)" 2
expect_eq "a closed stock check found 3 missing, 1 misplaced, 1 unknown" \
	"$("$WAM" --db a.db --json stock investigations | jq -c '[.[].kind] | group_by(.) | map([.[0], length])')" \
	'[["missing",3],["unexpected",1],["wrong_location",1]]'
expect_eq "two recoveries, one weapon to be marked" \
	"$("$WAM" --db a.db --json recovery list | jq length) $("$WAM" --db a.db --json recovery tasks --all | jq length)" "2 1"
expect_eq "a destruction batch closed with its certificate" \
	"$("$WAM" --db a.db --json destruction list | jq -r 'map(select(.certificate == "DEST-2025-0042"))[0] | .state + " " + .certificate')" "closed DEST-2025-0042"
# a weapon is destroyed only by a closed batch its verifiers confirmed as themselves
expect_eq "every destroyed weapon is in a closed destruction batch" \
	"$(sqlite3 a.db "SELECT count(*) FROM items i WHERE status='destroyed' AND NOT EXISTS (SELECT 1 FROM destruction_items x JOIN destructions d ON d.id=x.destruction_id WHERE x.item_id=i.id AND d.state='closed')")" 0
expect_eq "... and the demo has destroyed weapons" "$(sqlite3 a.db "SELECT count(*) > 0 FROM items WHERE status='destroyed'")" 1
expect_eq "an export is proposed and waits for a second person to confirm it" \
	"$("$WAM" --db a.db --json item export list --state proposed | jq 'length')" 1
expect_eq "each closed batch was confirmed by two verifiers, each the actor of their confirmation" \
	"$(sqlite3 a.db "SELECT count(*) FROM destructions d WHERE state='closed' AND (SELECT count(DISTINCT e.actor) FROM events e WHERE e.subject=d.id AND e.type='destruction.confirmed' AND e.actor LIKE 'user:%') < 2")" 0
expect_exit 0 "the whole demo verifies" "$WAM" --db a.db verify
expect_exit 4 "demo refuses a registry that already has weapons" "$WAM" --db a.db demo --items 10
expect_exit 2 "demo --items must be a positive number" "$WAM" --db d.db demo --items -3

# ---- verify and rebuild ----
expect_exit 0 "verify a demo registry" "$WAM" --db a.db verify
expect_contains "verify reports intact" "$OUT" "intact: "
expect_exit 0 "verify --json" "$WAM" --db a.db --json verify
expect_eq "verify --json: intact, every event read" "$(jget .intact) $(jget .events)" "true $(events a.db)"
expect_exit 0 "rebuild" "$WAM" --db a.db rebuild
expect_exit 0 "verify after rebuild" "$WAM" --db a.db verify
"$WAM" --db a.db export --format csv >a2.csv
expect_same_file "rebuild changes nothing a user sees" a.csv a2.csv

# ---- tampering with the sqlite3 tool ----
cp b.db t.db && cp b.db.key t.db.key
sqlite3 t.db "UPDATE events SET payload=json_set(payload, '\$.notes', 'moved by hand') WHERE seq=5"
expect_exit 5 "verify catches an edited event" "$WAM" --db t.db verify
expect_contains "verify names the problem and the sequence" "$OUT" "NOT INTACT: event_changed at sequence 5"
expect_exit 5 "verify --json too" "$WAM" --db t.db --json verify
expect_eq "verify --json names the first bad seq" "$(jget .intact) $(jget .problem) $(jget .first_bad_seq)" "false event_changed 5"
expect_exit 5 "verify --chain-only catches it as well" "$WAM" --db t.db verify --chain-only

cp b.db p.db && cp b.db.key p.db.key
sqlite3 p.db "UPDATE items SET status='destroyed' WHERE id=(SELECT min(id) FROM items)"
expect_exit 5 "verify catches an edited projection" "$WAM" --db p.db verify
expect_contains "and names the table" "$OUT" "projection_mismatch"
expect_exit 0 "verify --chain-only skips projections" "$WAM" --db p.db verify --chain-only
expect_exit 0 "rebuild repairs the projection" "$WAM" --db p.db rebuild
expect_exit 0 "verify after the repair" "$WAM" --db p.db verify

# ---- a ledger longer than one verify batch (8192 events) ----
expect_exit 0 "a demo of 6000 weapons" "$WAM" --db big.db --json demo --items 6000 --seed 3
N=$(jget .totals.events)
expect_exit 0 "it verifies" "$WAM" --db big.db --json verify
expect_eq "every event read, a checkpoint every 4096 events" "$(jget .events) $(jget .checkpoints)" "$N 4"
# the cache of the demo's SDG year (the tour's 2025) holds weapons of new
# technologies and parts beside its rounds: the report shows them recovered
expect_exit 0 "the SDG 16.4.2 report of 2025" "$WAM" --db big.db --json report sdg-16-4-2 --year 2025
expect_eq "printed, converted and craft weapons recovered" \
	"$(jget '[.by_manufacture.printed.recovered, .by_manufacture.converted.recovered, .by_manufacture.craft.recovered] | map(. >= 1) | all')" true
expect_eq "parts recovered in a cache, by type" \
	"$(jget '[.parts.by_context.cache >= 3, (.parts.by_type | has("barrel") and has("conversion_kit") and has("frame_receiver"))] | all')" true
expect_eq "and the ammunition cache" "$(jget '.ammunition.by_context.cache >= 2000')" true
CACHE_REC=$("$WAM" --db big.db --json recovery list | jq -r 'map(select(.context == "cache" and .ammunition_rounds > 0))[0].id')
expect_exit 0 "the cache's recovery" "$WAM" --db big.db --json recovery show "$CACHE_REC"
expect_eq "its weapons and parts say what they are" \
	"$(jget '[.items[] | .kind + ":" + (.part_type // "-") + ":" + (.manufacture // "-")] | join(",")')" \
	"part:frame_receiver:printed,weapon:-:converted,weapon:-:craft,part:barrel:craft,part:conversion_kit:converted"
expect_eq "the printed frame has no metal insert (R4)" "$(jget '.items[0].marking_status')" "inadequate"
cp big.db big2.db && cp big.db.key big2.db.key
sqlite3 big2.db "UPDATE events SET payload=json_set(payload, '\$.notes', 'x') WHERE seq=9000"
expect_exit 5 "an edit past the first batch is caught" "$WAM" --db big2.db verify
expect_contains "at its sequence number" "$OUT" "event_changed at sequence 9000"
cp big.db big3.db && cp big.db.key big3.db.key
sqlite3 big3.db "DELETE FROM events WHERE seq=8192"
expect_exit 5 "a deletion at a batch boundary is caught" "$WAM" --db big3.db verify
expect_contains "at its sequence number" "$OUT" "event_missing at sequence 8192"
cp big.db big4.db && cp big.db.key big4.db.key
sqlite3 big4.db "DELETE FROM events WHERE seq=$N"
# BUG-7: reported as unsigned_events at 8194 ("added behind wam's back")
expect_exit 5 "deleting the newest event is caught" "$WAM" --db big4.db verify
expect_contains "at its sequence number" "$OUT" "event_missing at sequence $N"

done_testing
