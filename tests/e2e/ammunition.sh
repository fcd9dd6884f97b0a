#!/usr/bin/env bash
# e2e-ammunition: ammunition recovered outside a depot through the `wam` CLI
# — a cache of 7.62x39mm rounds of two headstamps (one in Arabic-Indic
# digits) recorded with its lot and crate marks and no weapon, part of one
# line taken into a stock lot that keeps its origin, part listed in a
# destruction batch, every refusal to take more than remains naming the
# rounds remaining and changing nothing, and a ledger that verifies and
# rebuilds to the same lines.
. "$(dirname "$0")/lib.sh"

DB=ammo.db
W() { "$WAM" --db $DB "$@"; }

expect_exit 0 "init" W init --country HT
expect_exit 0 "a depot" W --json site add "Central depot" --kind depot
SITE=$(jget .id)
cat >cache.json <<JSON
{"type": "seized", "date": "2026-04-10", "place": "Ravine Pintade", "context": "cache", "officer": "Insp. Joseph",
 "site_id": "$SITE",
 "ammunition": [
  {"calibre": "7.62x39mm", "type": "ball", "headstamp": {"text": "71 81", "factory": "71", "year": 1981},
   "lot": "12-81-071", "packaging_marks": "20 шт 7,62 ПС", "crate_marks": "7,62 ПС 440 шт ГЖ", "quantity": 880,
   "packages": 2},
  {"calibre": "7.62x39mm", "headstamp": {"text": "٣٠ ٨٤"}, "lot": "٣٠-٨٤", "quantity": 300}]}
JSON
expect_exit 0 "a recovery of ammunition alone" W --json recovery add --from cache.json
REC=$(jget .id)
expect_eq "two lines, no weapon" "$(jget '[(.ammunition | length), (.items | length)] | join(",")')" "2,0"
expect_eq "the first line as read" \
	"$(jget '.ammunition[0] | [.calibre, .headstamp.text, .headstamp.factory, .headstamp.year, .lot, .quantity, .packages, .remaining] | join("|")')" \
	"7.62x39mm|71 81|71|1981|12-81-071|880|2|880"
expect_eq "the second headstamp in its own script" "$(jget '.ammunition[1].headstamp.text')" "٣٠ ٨٤"
expect_exit 0 "recovery show" W recovery show "$REC"
expect_contains "show lists the lines with what remains" "$OUT" "REMAINING"
expect_contains "... and the crate marks" "$OUT" "line 0 crate: 7,62 ПС 440 шт ГЖ"
expect_exit 0 "recovery list" W --json recovery list
expect_eq "the list counts the rounds" "$(jget '.[0].ammunition_rounds')" "1180"

# bad lines are refused naming the field, and change nothing
N0=$(events $DB)
expect_exit 2 "a line without its quantity" W --json recovery add --type found --date 2026-04-11 --officer X \
	--from - <<<'{"ammunition": [{"calibre": "9x19mm", "quantity": 10}, {"calibre": "9x19mm"}]}'
expect_eq "... names ammunition[1].quantity" "$(printf '%s' "$ERR" | jq -r .error.field)" "ammunition[1].quantity"
expect_exit 2 "a headstamp without its text" W --json recovery add --type found --date 2026-04-11 --officer X \
	--from - <<<'{"ammunition": [{"calibre": "9x19mm", "quantity": 10, "headstamp": {"year": 1990}}]}'
expect_eq "... names ammunition[0].headstamp.text" "$(printf '%s' "$ERR" | jq -r .error.field)" \
	"ammunition[0].headstamp.text"
expect_exit 2 "neither weapons nor ammunition" W --json recovery add --type found --date 2026-04-11 --officer X
expect_contains "... says what a recovery holds" "$ERR" "at least one weapon or one ammunition line"
expect_eq "nothing was written" "$(events $DB)" "$N0"

# into stock: the lot is the line's ammunition and keeps its origin
expect_exit 0 "take 600 rounds into stock" W --json recovery stock-ammunition "$REC" --line 0 --rounds 600 --site "$SITE"
LOT=$(jget .lot.id)
expect_eq "the lot as the line reads" \
	"$(jget '.lot | [.calibre, .headstamp, .manufacturer, .year, .lot_number, .rounds, .condition] | join("|")')" \
	"7.62x39mm|71 81|71|1981|12-81-071|600|SUSPENDED"
expect_eq "the line has 280 left" "$(jget .ammunition.remaining)" "280"
expect_exit 0 "lot show" W --json lot show "$LOT"
expect_eq "the lot keeps its origin" "$(jget '.origin | .recovery_id + "/" + (.line | tostring)')" "$REC/0"
expect_exit 0 "lot show, as text" W lot show "$LOT"
expect_contains "... names where its rounds came from" "$OUT" "recovery $REC, ammunition line 0"

N1=$(events $DB)
expect_exit 4 "281 rounds are more than remain" W recovery stock-ammunition "$REC" --line 0 --rounds 281 --site "$SITE"
expect_contains "... naming the rounds remaining" "$ERR" "has 280 rounds remaining; 281 cannot be taken into stock"
expect_contains "... and the field" "$ERR" "rounds"
expect_exit 3 "no line 5" W recovery stock-ammunition "$REC" --line 5 --rounds 1 --site "$SITE"
expect_exit 2 "no such site" W recovery stock-ammunition "$REC" --line 0 --rounds 1 --site NOWHERE
expect_eq "nothing was written" "$(events $DB)" "$N1"

# destruction: listed rounds leave the line at once
expect_exit 0 "open a batch" W --json destruction open --method CRUSH --site "Range" --date 2026-05-01
BATCH=$(jget .id)
expect_exit 0 "list 200 recovered rounds" W --json destruction add-recovered "$BATCH" --recovery "$REC" --line 0 \
	--rounds 200
expect_eq "the batch shows them" "$(jget '.recovered[0] | [.recovery_id, .line, .headstamp, .lot, .rounds] | join("|")')" \
	"$REC|0|71 81|12-81-071|200"
N2=$(events $DB)
expect_exit 4 "the same line twice in a batch" W destruction add-recovered "$BATCH" --recovery "$REC" --line 0 --rounds 1
expect_exit 0 "a second batch" W --json destruction open --method CUT --site "Range" --date 2026-05-02
BATCH2=$(jget .id)
expect_exit 4 "81 rounds are more than remain" W destruction add-recovered "$BATCH2" --recovery "$REC" --line 0 \
	--rounds 81
expect_contains "... naming the rounds remaining" "$ERR" "has 80 rounds remaining; 81 cannot be listed for destruction"
expect_eq "nothing was written" "$(events $DB)" "$((N2 + 1))"
expect_exit 0 "destruction show" W destruction show "$BATCH"
expect_contains "show lists the recovered rounds" "$OUT" "recovered ammunition (1)"
expect_exit 0 "the rest into stock" W --json recovery stock-ammunition "$REC" --line 0 --rounds 80 --site "$SITE" \
	--lot-number DEPOT-0042
expect_eq "a lot number given by the depot" "$(jget .lot.lot_number)" "DEPOT-0042"
expect_exit 0 "recovery show --json" W --json recovery show "$REC"
expect_eq "the line: stocked, destroyed, remaining, lots" \
	"$(jget '.ammunition[0] | [.stocked, .destroyed, .remaining, (.lots | length)] | join(",")')" "680,200,0,2"
expect_exit 4 "not one round more" W destruction add-recovered "$BATCH2" --recovery "$REC" --line 0 --rounds 1
expect_eq "the other line is untouched" "$(W --json recovery show "$REC" | jq -r '.ammunition[1].remaining')" "300"

expect_exit 0 "verify" W verify
expect_exit 0 "show before rebuild" W --json recovery show "$REC"
BEFORE=$(jget '[.ammunition[] | [.line, .stocked, .destroyed, .remaining, .lots]]')
expect_exit 0 "rebuild" W rebuild
expect_exit 0 "show after rebuild" W --json recovery show "$REC"
expect_eq "the lines rebuild the same" "$(jget '[.ammunition[] | [.line, .stocked, .destroyed, .remaining, .lots]]')" "$BEFORE"
expect_exit 0 "verify after rebuild" W verify

done_testing
