#!/usr/bin/env bash
# e2e-trace_ammunition: ammunition lost and traced through the `wam` CLI.
# Rounds stolen from a police armoury are reported with no weapon (listed,
# open, shown with their lines, left out of the weapons-only lost/stolen
# CSV); bad lines are refused naming the field and write nothing. A trace
# request about an ammunition lot is refused while it names neither a
# headstamp nor a lot (R10 for ammunition), completed, sent, exported as a
# signed document, imported by a second registry that answers it, and the
# answer imported back: the lot travels unchanged both ways.
. "$(dirname "$0")/lib.sh"

A() { "$WAM" --db a.db "$@"; }
mkdir other
B() { "$WAM" --db other/wam.db "$@"; }

expect_exit 0 "init the first registry (HT)" A init --country HT --name "Haiti national registry"
TODAY=$(date -u +%F)

# ---- an ammunition-only loss ----
cat >loss.json <<'JSON'
{"kind": "stolen", "date": "2025-04-11", "place": "Commissariat de Delmas", "circumstances":
 "two crates taken from the armoury of the police station during the night",
 "reported_by": "Insp. Charles", "agency": "PNH", "police_ref": "PNH-DEL-2025-118",
 "ammunition": [{"calibre": "7.62x39mm", "type": "ball", "headstamp": {"text": "71 81", "factory": "71", "year": 1981},
                 "lot": "12-81-071", "crate_marks": "7.62x39 PS 1 440", "quantity": 1440, "packages": 2},
                {"calibre": "9x19mm", "headstamp": {"text": "٣٠ ٨٤"}, "quantity": 50}]}
JSON
expect_exit 0 "rounds reported stolen, no weapon" A --json loss report --from loss.json
LOSS=$(jget .id)
expect_eq "no weapon" "$(jget '.item_id // "none"')" "none"
expect_eq "open" "$(jget .open)" "true"
expect_eq "its lines" "$(jget '[.ammunition[] | "\(.line) \(.calibre) \(.headstamp.text) \(.quantity)"] | join("; ")')" \
	"0 7.62x39mm 71 81 1440; 1 9x19mm ٣٠ ٨٤ 50"
expect_eq "the first line whole" "$(jget '.ammunition[0] | [.type, .headstamp.factory, .headstamp.year, .lot, .packages] | map(tostring) | join(" ")')" \
	"ball 71 1981 12-81-071 2"
expect_eq "no hits" "$(jget '.hits | length')" "0"
expect_exit 0 "loss list --json" A --json loss list
expect_eq "listed with its lines" "$(jget '[.[] | select(.id == "'"$LOSS"'") | .ammunition | length] | .[0]')" "2"
expect_exit 0 "loss list --open" A --json loss list --open
expect_eq "listed as open" "$(jget '[.[] | .id] | index("'"$LOSS"'") != null')" "true"
expect_exit 0 "loss list for people" A loss list
expect_contains "the rounds" "$OUT" "1490"
expect_exit 0 "loss export" A loss export --out lost.csv
expect_eq "the lost/stolen CSV lists weapons only: the header alone" "$(wc -l <lost.csv | tr -d ' ')" "1"
expect_exit 0 "wam verify" A verify
expect_eq "the lines are projected" "$(sqlite3 a.db "SELECT group_concat(quantity, ',') FROM loss_ammunition WHERE report_id='$LOSS'")" \
	"1440,50"

BEFORE=$(events a.db)
expect_exit 2 "no weapon and no ammunition" A loss report --kind lost --date 2025-04-01 --circumstances x \
	--reported-by y --from - <<<'{}'
expect_contains "naming item_id" "$ERR" "item_id"
expect_exit 2 "a line without rounds" A loss report --from - <<<'{"kind": "lost", "date": "2025-04-01",
	"circumstances": "x", "reported_by": "y", "ammunition": [{"calibre": "9x19mm", "quantity": 5},
	{"calibre": "9x19mm"}]}'
expect_contains "naming the line's field" "$ERR" "ammunition[1].quantity"
expect_exit 2 "a headstamp without its text" A loss report --from - <<<'{"kind": "lost", "date": "2025-04-01",
	"circumstances": "x", "reported_by": "y", "ammunition": [{"calibre": "9x19mm", "quantity": 5,
	"headstamp": {"factory": "71"}}]}'
expect_contains "naming the field" "$ERR" "ammunition[0].headstamp.text"
expect_exit 2 "an empty list" A loss report --from - <<<'{"kind": "lost", "date": "2025-04-01",
	"circumstances": "x", "reported_by": "y", "ammunition": []}'
expect_contains "naming ammunition" "$ERR" "ammunition"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"

# ---- a weapon and its ammunition in one report ----
expect_exit 0 "a pistol and its rounds stolen" A --json loss report --from - <<<'{"kind": "stolen",
	"date": "2025-05-02", "circumstances": "taken from a car", "reported_by": "M. Jean",
	"item": {"category": "SA1", "make": "Glock", "model": "19", "calibre": "9x19mm", "serial": "ACDF123"},
	"ammunition": [{"calibre": "9x19mm", "quantity": 30}]}'
expect_eq "both" "$(jget '(.item_id | length > 0 | tostring) + " " + (.ammunition[0].quantity | tostring)')" "true 30"
PISTOL_LOSS=$(jget .id)
expect_exit 0 "loss export" A loss export --out lost.csv
expect_eq "the pistol is in the CSV, not the armoury's rounds" "$(tail -n +2 lost.csv | cut -d, -f10 | tr '\n' ' ')" \
	"ACDF123 "

# ---- closing a loss of ammunition only ----
BEFORE=$(events a.db)
expect_exit 2 "closing needs a reason" A loss close "$LOSS"
expect_contains "naming reason" "$ERR" "reason"
expect_exit 4 "a weapon's report closes by its status, not by hand" A loss close "$PISTOL_LOSS" --reason found
expect_contains "saying so" "$ERR" "closes when the weapon's status changes"
expect_exit 2 "a recovery that is none" A loss close "$LOSS" --reason found --recovery 01JNOSUCHRECOVERY000000000
expect_contains "naming the recovery" "$ERR" "recovery_id"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"
expect_exit 0 "the rounds came back with a recovery" A --json recovery add --from - <<<'{"type": "found",
	"date": "2025-06-01", "officer": "Sgt. Lamy", "context": "cache",
	"ammunition": [{"calibre": "7.62x39mm", "lot": "12-81-071", "quantity": 1400}]}'
CACHE=$(jget .id)
expect_exit 0 "the loss is closed" A loss close "$LOSS" --reason "the crates were in the cache" --recovery "$CACHE"
expect_contains "with its reason and recovery" "$OUT" "closed: the crates were in the cache (the rounds came back with recovery $CACHE)"
expect_exit 0 "loss list --open" A --json loss list --open
expect_eq "no longer open" "$(jget '[.[] | .id] | index("'"$LOSS"'") == null')" "true"
expect_exit 4 "closed once" A loss close "$LOSS" --reason again
expect_contains "saying so" "$ERR" "closed already"
expect_exit 0 "wam verify" A verify

# ---- a trace request about an ammunition lot ----
cat >lot-request.json <<'JSON'
{"requesting": {"state": "HT", "agency": "PNH/BLTS", "contact": {"name": "Cmdr. Pierre", "email": "traces@pnh.example"}},
 "requested": {"state": "BE", "via": "national_contact_point"},
 "item": {"kind": "ammunition", "calibre": "7.62x39mm", "type": "ball", "packaging_marks": "PS 440",
          "quantity": 1200},
 "illicit_reason": "illicit_national_law", "justification": "possession without licence, Art. 12 of the arms law",
 "intended_use": "criminal proceedings", "reference": "PNH-TR-2025-031",
 "recovery": {"date": "2025-03-14", "place": "Cap-Haïtien", "circumstances": "a cache in a warehouse"}}
JSON
expect_exit 0 "an ammunition trace request drafted" A --json trace draft --from lot-request.json
TR=$(jget .id)
expect_eq "the item is the lot" "$(jget '.item.kind + " " + .item.calibre + " " + (.item.quantity | tostring)')" \
	"ammunition 7.62x39mm 1200"
expect_eq "R10 for ammunition: the headstamp or the lot is missing, nothing of a weapon" \
	"$(jget '[.quality.missing[] | .field + ":" + .rule] | join(",")')" "item.headstamp:R10"
BEFORE=$(events a.db)
expect_exit 2 "sending is refused" A trace send "$TR"
expect_contains "naming item.headstamp" "$ERR" "item.headstamp"
expect_contains "and item.lot" "$ERR" "item.lot"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"
expect_exit 2 "an item of another kind is refused" A trace update "$TR" --from - <<<'{"item": {"kind": "grenade"}}'
expect_contains "naming item.kind" "$ERR" "item.kind"
expect_exit 2 "a bad headstamp year is refused" A trace update "$TR" --from - <<<'{"item": {"headstamp": {"text": "71 81", "year": 181}}}'
expect_contains "naming item.headstamp.year" "$ERR" "item.headstamp.year"
expect_exit 0 "the lot and headstamp added" A --json trace update "$TR" --from - \
	<<<'{"item": {"headstamp": {"text": "71 81", "factory": "71", "year": 1981}, "lot": "12-81-071"}}'
expect_eq "now sendable" "$(jget .quality.sendable)" "true"
expect_exit 0 "trace show prints the ammunition" A trace show "$TR"
expect_contains "the ammunition heading" "$OUT" "ammunition"
expect_contains "the headstamp" "$OUT" "71 81, 71, 1981"
expect_contains "the lot" "$OUT" "12-81-071"
expect_exit 0 "sent" A --json trace send "$TR" --date "$TODAY"
expect_exit 0 "exported" A trace export "$TR" --out request.json
expect_eq "the signed document carries the lot unchanged" \
	"$(jq -c '.request.item' request.json)" \
	'{"calibre":"7.62x39mm","headstamp":{"factory":"71","text":"71 81","year":1981},"kind":"ammunition","lot":"12-81-071","packaging_marks":"PS 440","quantity":1200,"type":"ball"}'

expect_exit 0 "trace list" A trace list
expect_contains "the list says the request is about ammunition" "$OUT" "ammunition"
expect_contains "and names the lot by calibre, headstamp and lot" "$OUT" "7.62x39mm / 71 81 / 12-81-071"
expect_exit 0 "trace list --json" A --json trace list
expect_eq "the row's kind and lot" \
	"$(jget '.[] | select(.id == "'"$TR"'") | [.item_kind, .calibre, .headstamp, .lot, .what] | join("|")')" \
	"ammunition|7.62x39mm|71 81|12-81-071|7.62x39mm / 71 81 / 12-81-071"
# an item as an item record gives it (kind weapon) is the weapon item
expect_exit 0 "a weapon item with its kind" A --json trace draft --from - <<<'{"requested": {"state": "CN"},
	"illicit_reason": "illicit_national_law", "justification": "x",
	"item": {"kind": "weapon", "make": "Glock", "serial": "1", "category": "SA2", "calibre": "9mm"}}'
expect_eq "taken as the weapon" "$(jget '[.item.kind // "none", .item.make] | join(" ")')" "none Glock"
expect_exit 0 "trace list --json" A --json trace list
expect_eq "listed as a weapon by its serial" "$(jget '.[0] | [.item_kind, .what] | join(" ")')" "weapon 1"

# the crate and packaging marks of stolen rounds are printed with the report
expect_exit 0 "a loss report for people" A loss report --from - <<<'{"kind": "stolen", "date": "2025-04-12",
	"circumstances": "x", "reported_by": "y", "ammunition": [{"calibre": "9x19mm", "quantity": 5,
	"packaging_marks": "9x19 FMJ 50", "crate_marks": "ГФЛ 1?\n12-81-071"}]}'
expect_contains "the packaging marks" "$OUT" "line 0 packaging: 9x19 FMJ 50"
expect_contains "the crate marks, continued indented" "$OUT" "line 0 crate: ГФЛ 1?
    12-81-071"
expect_exit 0 "help" "$WAM" --help
expect_contains "loss report takes ammunition lines from a file" "$OUT" "ammunition lines: --from FILE"
expect_contains "loss list --open keeps ammunition-only reports" "$OUT" "and ammunition-only reports not closed"

# ---- the second registry answers it ----
# made without --name, as the README shows: its `wam --json node` is taken as it is
expect_exit 0 "init the second registry (BE)" B init --country BE
A --json node >node-a.json
B --json node >node-b.json
expect_eq "the node has no name" "$(jq -r .name node-b.json)" "null"
expect_exit 0 "the second trusts the first" B peer add --from node-a.json
expect_exit 0 "the request is imported" B --json trace import request.json
TB=$(jget .id)
expect_eq "an incoming request about the lot" \
	"$(jget '.direction + " " + .item.kind + " " + .item.headstamp.text + " " + .item.lot')" \
	"incoming ammunition 71 81 12-81-071"
expect_eq "no weapon candidates for a lot" "$(jget '.candidates // "none"')" "none"
expect_exit 0 "B shows it" B trace show "$TB"
expect_contains "the lot" "$OUT" "12-81-071"
expect_not_contains "no weapons resemble a lot" "$OUT" "weapons of this registry"
expect_contains "the ammunition search to find the lot" "$OUT" \
	"this registry's rounds of the lot: wam search-ammunition --headstamp '71 81' --calibre '7.62x39mm'"
expect_exit 0 "B trace list" B trace list
expect_contains "the incoming request is about ammunition" "$OUT" "7.62x39mm / 71 81 / 12-81-071"
cat >response.json <<'JSON'
{"result": "record_found",
 "chain": [{"date": "1982-02-01", "from": "Factory 71", "consignee": "Forces armées d'Haïti", "country": "HT"}],
 "point_of_diversion": {"category": "state_stocks", "country": "HT", "date": "1995-03-31",
                        "description": "lot released from the armoury of the 3rd battalion"}}
JSON
expect_exit 0 "the response" B --json trace respond "$TB" --from response.json
expect_eq "answered" "$(jget .state)" "answered"
expect_exit 0 "the response is exported" B trace export "$TB" --out answer.json
expect_exit 0 "the first trusts the second, a registry with no name" A --json peer add --from node-b.json
expect_eq "known by its country and node id" "$(jget .name)" "BE $(jq -r .node_id node-b.json)"
expect_exit 0 "the answer is imported" A --json trace import answer.json
expect_eq "the request is answered" "$(jget '.state + " " + .responses[0].result')" "answered record_found"
expect_eq "about the same lot" "$(jget '.item.lot + " " + .item.headstamp.text')" "12-81-071 71 81"
expect_exit 0 "A verifies" A verify
expect_exit 0 "B verifies" B verify

done_testing
