#!/bin/bash
# e2e-search: `wam search` as a tracing officer uses it: misread characters,
# Cyrillic look-alikes, Arabic-Indic digits, '?' and '*', fragments, the
# --explain steps, --json candidates with edits and reasons, --batch over a
# list of seized weapons, a weapon findable as soon as it is registered, and
# a damaged index file that is rebuilt rather than trusted.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
"$WAM" --db $DB init --country HT >/dev/null
add() { "$WAM" --db $DB --json item add "$@" | jq -r .id; }
T56=$(add --category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm --serial 56-1234567 --country CN)
AKM=$(add --category SA4 --make Izhmash --model AKM --calibre 7.62x39mm --serial "ХА 1234" --country SUHH)
MAADI=$(add --category SA4 --make Maadi --model Misr --calibre 7.62x39mm --serial "٥٦١٢٣٤٥" --country EG)
G17=$(add --category SA1 --make Glock --model 17 --calibre 9x19mm --serial ABC123 --country AT)

# ---- one query ----
expect_exit 0 "two misread characters are found" "$WAM" --db $DB --json search "56-l234S67" --make Norinco
expect_eq "the weapon is first" "$(jget '.candidates[0].id')" "$T56"
expect_eq "the reason is a misread" "$(jget '.candidates[0].reason')" misread
expect_eq "both confusions are listed as edits" "$(jget '[.candidates[0].edits[].op] | join(",")')" "confusable,confusable"
expect_eq "the make agrees" "$(jget '.candidates[0].agreement.make')" true
expect_exit 0 "a Latin transcription of a Cyrillic serial" "$WAM" --db $DB --json search "XA1234"
expect_eq "finds the Cyrillic serial" "$(jget '.candidates[0].serial')" "ХА 1234"
expect_eq "as a look-alike" "$(jget '.candidates[0].reason')" look-alike
expect_exit 0 "one unreadable character and a lost tail" "$WAM" --db $DB --json search "ХА12?4*"
expect_eq "the wildcard query finds it" "$(jget '.candidates[0].id')" "$AKM"
expect_eq "as a wildcard match" "$(jget '.candidates[0].reason')" wildcard
expect_exit 0 "Arabic-Indic digits typed in ASCII" "$WAM" --db $DB --json search "5612345"
expect_eq "find the Egyptian serial" "$(jget '.candidates[0].id')" "$MAADI"
expect_exit 0 "a fragment" "$WAM" --db $DB --json search "C123" --max-edits 0
expect_eq "matches inside a serial" "$(jget '.candidates[0].id')" "$G17"
expect_eq "as a partial match" "$(jget '.candidates[0].reason')" partial
expect_exit 0 "a serial with no match" "$WAM" --db $DB search "QQ-998877"
expect_contains "says so" "$OUT" "no weapon matches"
expect_exit 0 "the table for people" "$WAM" --db $DB search "56-1234S67"
expect_contains "shows the score and reason" "$OUT" "misread"
expect_contains "marks the differing character" "$OUT" "561234[5]67"

# ---- explain ----
expect_exit 0 "--explain shows the normalization" "$WAM" --db $DB --json search --explain "٥٦-ХА"
expect_eq "digits step" "$(jget '.[] | select(.step=="digits") | .text')" "56-ха"
expect_eq "canonical step" "$(jget '.[] | select(.step=="canonical") | .text')" "56XA"

# ---- bad input ----
expect_exit 2 "nothing to search for" "$WAM" --db $DB search -- "--"
expect_exit 2 "--max-edits out of range" "$WAM" --db $DB search 123 --max-edits 9
expect_exit 2 "unknown option" "$WAM" --db $DB search 123 --colour red
expect_exit 2 "no serial" "$WAM" --db $DB search

# ---- batch ----
printf '56-l234S67\tNorinco\t\t7.62x39mm\tCN\nXA1234\t\t\t\t\n\t\t\t\t\n--\t\t\t\t\nABC-I23\tGlock\t\t\t\n' > seized.tsv
expect_exit 0 "--batch matches a list" "$WAM" --db $DB search --batch seized.tsv
check "one JSON line per query" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 4
expect_eq "first line" "$(printf '%s\n' "$OUT" | sed -n 1p | jq -r '.candidates[0].id')" "$T56"
expect_eq "second line" "$(printf '%s\n' "$OUT" | sed -n 2p | jq -r '.candidates[0].id')" "$AKM"
expect_eq "a bad query is an error line, named by its line" "$(printf '%s\n' "$OUT" | sed -n 3p | jq -r '.line, .error.code' | paste -sd,)" "4,invalid"
expect_eq "the rest still runs" "$(printf '%s\n' "$OUT" | sed -n 4p | jq -r '.candidates[0].id')" "$G17"

# ---- kept current, file checked ----
NEW=$(add --category SA2 --make FN --model FAL --calibre 7.62x51mm --serial FN-7788990 --country BE)
expect_exit 0 "a weapon is findable as soon as it is registered" "$WAM" --db $DB --json search FN7788990
expect_eq "the new weapon" "$(jget '.candidates[0].id')" "$NEW"
check "the index is kept beside the registry, private" test "$(stat -c %a $DB.serials)" = 600
printf 'garbage' | dd of=$DB.serials bs=1 seek=100 conv=notrunc 2>/dev/null
expect_exit 0 "a damaged index file is rebuilt, not trusted" "$WAM" --db $DB --json search FN7788990
expect_eq "still finds the weapon" "$(jget '.candidates[0].id')" "$NEW"

# ---- without the matcher's tables nothing is registered with empty keys ----
BEFORE=$("$WAM" --db $DB --json summary | jq -r .totals.events)
expect_exit 6 "registering without the matcher tables fails" env WAM_DATA_DIR="$PWD/no-data" "$WAM" --db $DB item add --category SA1 --make Glock --serial NEW-1 --country AT
expect_contains "and says which table" "$ERR" "matcher table"
expect_eq "nothing was written" "$("$WAM" --db $DB --json summary | jq -r .totals.events)" "$BEFORE"

done_testing
