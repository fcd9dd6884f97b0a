#!/bin/bash
# e2e-search_ammunition: `wam search-ammunition` as an investigator uses it:
# a headstamp or a lot mark read off rounds and crates — misread, in
# Cyrillic or Arabic-Indic digits, with '?' and '*' — finds the ammunition
# recorded in field observations and in depot lots; a calibre keeps its
# own lines whatever its spelling; --json gives the results with what
# matched; a new lot is found at once; a user confined to a depot sees that
# depot's lots and no observation; bad queries are refused naming the
# field, and a search writes nothing. The SDG report carries its
# ammunition and parts figures (zero here: no recovery holds any).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
"$WAM" --db $DB init --country HT >/dev/null
NORTH=$("$WAM" --db $DB --json site add "North Depot" --kind depot | jq -r .id)
SOUTH=$("$WAM" --db $DB --json site add "South Depot" --kind depot | jq -r .id)
lot() { "$WAM" --db $DB --json lot add --nomenclature Cartridge --rounds 5000 --hazard 1.4 --group S "$@" | jq -r .id; }
L71=$(lot --site "$NORTH" --calibre 7.62x39mm --headstamp "71 81" --lot 12-81-071)
LGFL=$(lot --site "$SOUTH" --calibre 9x19mm --headstamp "GFL 18" --lot GFL-21-2512)
cat > obs.json <<'JSON'
{"kind": "cache_recovery", "observed_at": "2026-03-02", "unit": "Embargo cell", "officer": "Maj. Diallo",
 "place": {"name": "PK5", "admin_area": "Bangui", "country": "CF"},
 "sources": [{"type": "official", "independent": true, "reliability": "C", "credibility": 3, "ref": "O-7"}],
 "items": [{"kind": "ammunition", "calibre": "7.62x39mm", "headstamp": {"text": "71 81", "factory": "71", "year": 1981},
            "lot": "12-81-071", "crate_marks": "12-81-071 / 71", "quantity": 1200, "packages": 2},
           {"kind": "ammunition", "calibre": "7,62×39", "headstamp": {"text": "539 83"}, "lot": "LOT 07-83", "quantity": 440},
           {"kind": "ammunition", "calibre": "5.45x39mm", "headstamp": {"text": "٣٠ ٨٤"}, "quantity": 100}]}
JSON
OBS=$("$WAM" --db $DB --json observation add --from obs.json | jq -r .id)
check "the observation is recorded" test "${#OBS}" -eq 26
BEFORE=$(events $DB)

# ---- headstamps ----
expect_exit 0 "a headstamp with l read for 1" "$WAM" --db $DB --json search-ammunition --headstamp "7l 8l"
expect_eq "finds the observation's line and the lot" "$(jget '.total')" 2
expect_eq "the observation's first item" "$(jget '.results[] | select(.source=="observation") | "\(.id) \(.line)"')" "$OBS 0"
expect_eq "the lot, at its depot" "$(jget '.results[] | select(.source=="lot") | "\(.id) \(.site_id)"')" "$L71 $NORTH"
expect_eq "as a misread" "$(jget '[.results[].reason] | unique | join(",")')" misread
expect_eq "the headstamp key" "$(jget '.results[0].matched.headstamp.key')" 7181
expect_eq "the line as recorded" "$(jget '.results[] | select(.source=="observation") | .ammunition.crate_marks')" "12-81-071 / 71"
expect_exit 0 "Cyrillic З read for 3" "$WAM" --db $DB --json search-ammunition --headstamp "5З9 8З"
expect_eq "finds the second item" "$(jget '.results[0].line')" 1
expect_eq "as a look-alike" "$(jget '.results[0].reason')" look-alike
expect_exit 0 "Latin digits for Arabic-Indic ones" "$WAM" --db $DB --json search-ammunition --headstamp "30 84"
expect_eq "find the third item" "$(jget '.results[0].line')" 2
expect_exit 0 "the table for people" "$WAM" --db $DB search-ammunition --headstamp "71 81"
expect_contains "shows the source" "$OUT" observation
expect_contains "and the count" "$OUT" "2 line(s) matched"
expect_exit 0 "an unknown headstamp" "$WAM" --db $DB search-ammunition --headstamp "LVM 90"
expect_contains "says so" "$OUT" "no ammunition matches"

# ---- lot marks ----
expect_exit 0 "a lot with I for 1 and O for 0" "$WAM" --db $DB --json search-ammunition --lot "12-8I-O71"
expect_eq "finds both" "$(jget '.total')" 2
expect_exit 0 "a lot without its word LOT" "$WAM" --db $DB --json search-ammunition --lot "07-83"
expect_eq "finds the LOT 07-83 line" "$(jget '.results[0].ammunition.lot')" "LOT 07-83"
expect_exit 0 "a lost tail" "$WAM" --db $DB --json search-ammunition --lot "GFL-21*"
expect_eq "finds the 9 mm lot" "$(jget '.results[0].id')" "$LGFL"
expect_eq "as a wildcard" "$(jget '.results[0].reason')" wildcard

# ---- calibre ----
expect_exit 0 "a calibre spelt otherwise" "$WAM" --db $DB --json search-ammunition --headstamp "5?9 83" --calibre "7.62x39"
expect_eq "keeps the 7,62×39 line" "$(jget '.total')" 1
expect_exit 0 "another calibre" "$WAM" --db $DB --json search-ammunition --headstamp "71 81" --calibre 9x19
expect_eq "keeps none" "$(jget '.total')" 0
expect_exit 0 "--limit" "$WAM" --db $DB --json search-ammunition --headstamp "71 81" --limit 1
expect_eq "one result of two" "$(jget '[(.results | length), .total] | join(",")')" "1,2"

# ---- kept current ----
L90=$(lot --site "$NORTH" --calibre 7.62x54mmR --headstamp "LVM 90" --lot 90-113)
expect_exit 0 "a new lot" "$WAM" --db $DB --json search-ammunition --headstamp "LVM 9O"
expect_eq "is found at once" "$(jget '.results[0].id')" "$L90"

# ---- one wrong digit in a short headstamp ----
expect_exit 0 "a year digit misread: 71 87 for 71 81" "$WAM" --db $DB --json search-ammunition --headstamp "71 87"
expect_eq "finds the observation's line and the lot" "$(jget '.total')" 2
expect_eq "as an edit" "$(jget '[.results[].reason] | unique | join(",")')" edit
expect_eq "scored below a misread" "$(jget '.results[0].score')" 40
expect_exit 0 "two digits wrong" "$WAM" --db $DB --json search-ammunition --headstamp "72 87"
expect_eq "find nothing" "$(jget '.total')" 0

# ---- a lot taken in from a recovered line: its factory code, its origin ----
REC=$("$WAM" --db $DB --json recovery add --type surrendered --date 2024-02-01 --officer "Sgt. Lamy" --context cache \
	--site "$NORTH" --from - <<<'{"ammunition": [{"calibre": "7.62x39mm", "lot": "44-76-188", "quantity": 900,
	"headstamp": {"text": "188 76", "factory": "188", "year": 1976}}]}' | jq -r .id)
check "the recovery is recorded" test "${#REC}" -eq 26
LREC=$("$WAM" --db $DB --json recovery stock-ammunition "$REC" --line 0 --rounds 600 --site "$NORTH" | jq -r .lot.id)
check "600 of its rounds are a lot" test "${#LREC}" -eq 26
expect_exit 0 "the factory code alone" "$WAM" --db $DB --json search-ammunition --headstamp "188"
expect_eq "finds the recovery's line and the lot made from it" \
	"$(jget '[.results[] | "\(.source) \(.id)"] | sort | join(",")')" "lot $LREC,recovery $REC"
expect_eq "the lot by its factory code" "$(jget '.results[] | select(.source=="lot") | .matched.headstamp.on')" headstamp.factory
expect_eq "the lot says where its rounds came from" \
	"$(jget '.results[] | select(.source=="lot") | .origin | "\(.recovery_id) \(.line)"')" "$REC 0"
expect_exit 0 "the table for people" "$WAM" --db $DB search-ammunition --headstamp "188"
expect_contains "says the lot holds the line's rounds" "$OUT" "lot $LREC: rounds taken into stock from recovery $REC line 0"
BEFORE=$(events $DB)

# ---- confined ----
"$WAM" --db $DB user add south --role viewer --site "$SOUTH" --password-stdin <<<"long enough password" >/dev/null
expect_exit 0 "a user of the South depot" "$WAM" --db $DB --as south --password-stdin --json search-ammunition --headstamp "71 81" <<<"long enough password"
expect_eq "sees neither the North lot nor the observation" "$(jget '.total')" 0
expect_exit 0 "but its own lot" "$WAM" --db $DB --as south --password-stdin --json search-ammunition --headstamp "GFL 18" <<<"long enough password"
expect_eq "is found" "$(jget '.results[0].id')" "$LGFL"
BEFORE=$(events $DB)

# ---- bad input ----
expect_exit 2 "nothing to search for" "$WAM" --db $DB search-ammunition --calibre 7.62x39
expect_exit 2 "an empty headstamp" "$WAM" --db $DB --json search-ammunition --headstamp "--"
expect_contains "names the field" "$OUT$ERR" headstamp
expect_exit 2 "a lot of wildcards only" "$WAM" --db $DB --json search-ammunition --lot "*"
expect_contains "names the lot" "$OUT$ERR" '"lot"'
expect_exit 2 "--limit out of range" "$WAM" --db $DB search-ammunition --headstamp 71 --limit 0
expect_exit 2 "a position argument" "$WAM" --db $DB search-ammunition 71
expect_eq "searches wrote nothing" "$(events $DB)" "$BEFORE"

# ---- the SDG report's ammunition and parts ----
expect_exit 0 "the SDG report" "$WAM" --db $DB --json report sdg-16-4-2 --year 2026
expect_eq "counts rounds and parts" "$(jget '[.ammunition.rounds, .parts.recovered, .by_manufacture.unknown.recovered] | join(",")')" "0,0,0"
expect_exit 0 "as CSV" "$WAM" --db $DB report sdg-16-4-2 --year 2026 --csv
expect_contains "with the rounds row" "$OUT" "ammunition.rounds,0"
expect_contains "and the printed weapons row" "$OUT" "by_manufacture.printed.recovered,0"
expect_exit 2 "an unknown manufacture figure" "$WAM" --db $DB report sdg-16-4-2 --year 2026 --records by_manufacture.laser
expect_exit 0 "the lines behind the rounds" "$WAM" --db $DB --json report sdg-16-4-2 --year 2026 --records ammunition.rounds
expect_eq "none" "$(jget 'length')" 0

# ---- the demo's cache: recovered ammunition, once the collection room records it ----
"$WAM" --db demo.db demo --items 300 --seed 7 >/dev/null
run "$WAM" --db demo.db --json search-ammunition --headstamp "7l 8l" --limit 100
if [ "$(jget '[.results[] | select(.source=="recovery")] | length')" -gt 0 ]; then
	expect_eq "the demo cache's headstamp 71 81, read 7l 8l, is a misread" \
		"$(jget '[.results[] | select(.source=="recovery") | .reason] | unique | join(",")')" misread
	YEAR=$(jget '[.results[] | select(.source=="recovery")][0].date[0:4]')
	ROUNDS=$(jget '[.results[] | select(.source=="recovery")][0].ammunition.quantity')
	expect_exit 0 "the SDG report of the cache's year" "$WAM" --db demo.db --json report sdg-16-4-2 --year "$YEAR"
	check "counts at least the line's rounds" test "$(jget '.ammunition.rounds')" -ge "$ROUNDS"
	check "in the cache context" test "$(jget '.ammunition.by_context.cache // 0')" -ge "$ROUNDS"
	expect_exit 0 "the lines behind the cache's rounds" "$WAM" --db demo.db --json report sdg-16-4-2 --year "$YEAR" \
		--records ammunition.by_context.cache
	check "list it" test "$(jget 'length')" -ge 1
else
	ok "the demo cache's ammunition is found # SKIP this build's demo records no recovered ammunition"
fi

done_testing
