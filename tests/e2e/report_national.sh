#!/bin/bash
# e2e: the PoA/ITI national report and the UNODC IAFQ on the command line,
# over the demo registry: the questionnaire's totals are the SDG 16.4.2
# report's, the people rows sum to their totals, a cell drills down to as
# many records as it counts, a year with nothing is a nil report, and an
# option the reports do not take is refused naming it.
. "$(dirname "$0")/lib.sh"

DB=demo.db
expect_exit 0 "a demo registry" "$WAM" --db $DB --json demo --items 400 --seed 5

# ---- the questionnaire against SDG 16.4.2 ----
expect_exit 0 "the SDG 16.4.2 report of 2025" "$WAM" --db $DB --json report sdg-16-4-2 --year 2025
SDG=$OUT
expect_exit 0 "the IAFQ of 2025" "$WAM" --db $DB --json report iafq --year 2025
IAFQ=$OUT
total() { printf '%s' "$IAFQ" | jq -r --arg t "$1" --arg c "$2" '.tables[] | select(.id == $t) | .totals[$c]'; }
expect_eq "weapons by type: the SDG count recovered" "$(total weapons_by_type total)" \
	"$(printf '%s' "$SDG" | jq -r '.counts.recovered')"
for k in seized found surrendered; do
	expect_eq "weapons by type, $k: the SDG count" "$(total weapons_by_type $k)" \
		"$(printf '%s' "$SDG" | jq -r --arg k $k '.counts[$k]')"
done
expect_eq "weapons by context: the SDG count recovered" "$(total weapons_by_context total)" \
	"$(printf '%s' "$SDG" | jq -r '.counts.recovered')"
expect_eq "ammunition: the SDG rounds" "$(total ammunition rounds_total)" \
	"$(printf '%s' "$SDG" | jq -r '.ammunition.rounds')"
expect_eq "parts: the SDG parts recovered" "$(total parts total)" \
	"$(printf '%s' "$SDG" | jq -r '.parts.recovered')"
expect_eq "every weapon row's splits sum to its total" \
	"$(printf '%s' "$IAFQ" | jq '[.tables[] | select(.id | startswith("weapons_")) | .rows[].cells
	   | .seized + .found + .surrendered == .total] | all')" true

# ---- the PoA report ----
expect_exit 0 "the PoA report of 2025" "$WAM" --db $DB --json report poa --year 2025
POA=$OUT
expect_eq "its tables" "$(printf '%s' "$POA" | jq -r '[.tables[].id] | join(",")')" \
	"marking,records,tracing,stockpile,losses,surplus,destruction,recoveries,people,people_age"
expect_eq "its recoveries are the SDG's" \
	"$(printf '%s' "$POA" | jq -r '.tables[] | select(.id == "recoveries") | .totals.total')" \
	"$(printf '%s' "$SDG" | jq -r '.counts.recovered')"
expect_eq "every people row's parts sum to its total" \
	"$(printf '%s' "$POA" | jq '[.tables[] | select(.id == "people" or .id == "people_age") | .rows[].cells
	   | (to_entries | map(select(.key != "total") | .value) | add) == .total] | all')" true
SENT=$(printf '%s' "$POA" | jq -r '.tables[] | select(.id == "tracing") | .rows[] | select(.key == "requests_sent") | .cells.value')
expect_exit 0 "the requests sent, drilled down" "$WAM" --db $DB --json report poa --year 2025 --records tracing/requests_sent
expect_eq "as many records as the figure counts" "$(jget 'length')" "$SENT"
expect_eq "each a trace request" "$(jget '[.[].kind] | unique | join(",")')" "$([ "$SENT" -gt 0 ] && echo trace_request)"
expect_exit 0 "a people cell, drilled down" "$WAM" --db $DB --json report poa --year 2025 --records people/surrendered/not_recorded
expect_eq "no name in it" "$(jget '[.[] | has("name") or has("person")] | any')" false
expect_exit 2 "a row the report does not have" "$WAM" --db $DB report poa --year 2025 --records tracing/nothing
expect_contains "named" "$ERR" "row"

# ---- a year with nothing, and options not taken ----
expect_exit 0 "the PoA report of 1995" "$WAM" --db $DB --json report poa --year 1995
expect_eq "nil" "$(jget .nil)" true
expect_exit 0 "the IAFQ of 1995" "$WAM" --db $DB --json report iafq --year 1995
expect_eq "nil, every total 0" "$(jget '[.nil, ([.tables[].totals[]? | select(. != null)] | all(. == 0))] | all')" true
expect_exit 2 "the IAFQ takes no direction" "$WAM" --db $DB report iafq --year 2025 --exports
expect_contains "named" "$ERR" "direction"

done_testing
