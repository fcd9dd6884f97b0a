#!/bin/bash
# e2e-report_submit: the international reports' submissions through the
# real `wam` binary on a demo registry — the demo's UN Register and ATT
# returns are listed and shown with their signatures; the late shipment the
# demo records after them is what `report diff` finds, with the event that
# made it; a new submission has no change until something is recorded; the
# records behind a row; the ledger verifies; a user whose role may not
# submit_report is refused (exit 7, nothing written) and one whose role may
# submits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
Y=$(date -u +%Y)

expect_exit 0 "demo" "$WAM" --db $DB demo --items 1500

# ---- the demo's submissions ----
expect_exit 0 "report submissions" "$WAM" --db $DB --json report submissions
expect_eq "the demo submitted two reports" "$(jget 'length')" 2
expect_eq "newest first: the ATT report, then the UN Register return" "$(jget '[.[].report] | join(",")')" "att,unroca"
expect_contains "each under its note verbale" "$(jget '.[1].reference')" "note verbale $Y/"
UNROCA=$(jget '.[1].id')
AT=$(jget '.[1].ledger.seq')
expect_exit 0 "report submissions --report unroca --year" "$WAM" --db $DB --json report submissions --report unroca \
	--year "$Y"
expect_eq "the filter keeps the one" "$(jget '[.[].id] | join(",")')" "$UNROCA"
expect_exit 0 "report submissions as a table" "$WAM" --db $DB report submissions
expect_contains "the table names the reference" "$OUT" "note verbale $Y/"

expect_exit 0 "report submission ID --json" "$WAM" --db $DB --json report submission "$UNROCA"
expect_eq "the document holds the report as sent" "$(jget '.document.report.report')" unroca
expect_eq "signed: 128 hex digits" "$(jget '.document.signature | length')" 128
SENT_ROWS=$(jget '[.document.report.tables[] | select(.id=="imports_salw") | .rows[].key] | join(",")')
expect_exit 0 "report submission ID as text" "$WAM" --db $DB report submission "$UNROCA"
expect_contains "the text shows the report as sent" "$OUT" "as sent:"

# ---- the late shipment is the change ----
expect_exit 0 "report diff unroca --year" "$WAM" --db $DB --json report diff unroca --year "$Y"
expect_eq "the return has changed" "$(jget .changed)" true
expect_eq "one change" "$(jget '.changes | length')" 1
expect_eq "a row added to the SALW imports" "$(jget '.changes[0] | .change + " " + .table')" "added imports_salw"
expect_eq "three pistols" "$(jget '.changes[0].now.items')" 3
ROW=$(jget '.changes[0].key')
SHIPMENT=${ROW%%:*}
expect_not_contains "the row was not in the return as sent" "$SENT_ROWS" "$SHIPMENT"
expect_eq "the event that made it: the shipment received" \
	"$(jget "[.events[] | select(.subject==\"$SHIPMENT\") | .type] | join(\",\")")" shipment.received
check "the event is after the submission's ledger position" \
	test "$(jget "[.events[] | select(.subject==\"$SHIPMENT\") | .seq][0]")" -gt "$AT"
expect_exit 0 "report diff as text" "$WAM" --db $DB report diff unroca --year "$Y"
expect_contains "the text names the row" "$OUT" "added   imports_salw/$ROW"
expect_contains "and the event" "$OUT" "shipment.received"
expect_exit 0 "the ATT report's diff by its submission id" "$WAM" --db $DB --json report diff att \
	--submission "$("$WAM" --db $DB --json report submissions --report att | jq -r '.[0].id')"
expect_eq "the ATT report changed too" "$(jget .changed)" true

# ---- the records behind the row ----
expect_exit 0 "report unroca --records ROW" "$WAM" --db $DB --json report unroca --year "$Y" \
	--records "imports_salw/$ROW"
expect_eq "the shipment behind it" "$(jget '.[0].kind + " " + .[0].id')" "shipment $SHIPMENT"
expect_exit 2 "a row the report does not have" "$WAM" --db $DB report unroca --year "$Y" --records "imports_salw/NOPE:1"
expect_contains "the error names row" "$ERR" "row"

# ---- outputs and options on the command line ----
expect_exit 0 "report unroca --csv" "$WAM" --db $DB report unroca --year "$Y" --csv
expect_eq "the CSV's header" "$(printf '%s\n' "$OUT" | head -1 | cut -d, -f1-3)" "table,key,label"
expect_contains "a line of the row" "$OUT" "imports_salw,$ROW,"
expect_exit 0 "report unroca --html" "$WAM" --db $DB report unroca --year "$Y" --html
expect_contains "the printable page" "$OUT" "<!DOCTYPE html>"
expect_exit 2 "--csv with --json" "$WAM" --db $DB --json report unroca --year "$Y" --csv
expect_exit 0 "report att" "$WAM" --db $DB --json report att --year "$Y" --exports
W1="exports/$(jget '.tables[0].rows[0].key')"
W2="exports/$(jget '.tables[0].rows[1].key')"
N=$(jget '.tables[0].rows | length')
expect_exit 0 "report att with --withhold twice" "$WAM" --db $DB --json report att --year "$Y" --exports \
	--withhold "$W1" --withhold "$W2"
expect_eq "both rows are left out" "$(jget '.tables[0].rows | length')" "$((N - 2))"
expect_eq "and the report says data were withheld" "$(jget .withheld)" true
expect_eq "the options keep both" "$(jget '.options.withhold | length')" 2
expect_exit 0 "report att as text" "$WAM" --db $DB report att --year "$Y" --exports --withhold "$W1"
expect_contains "the withheld statement" "$OUT" "WITHHELD"

# ---- roles ----
expect_exit 0 "a viewer" "$WAM" --db $DB user add vic --role viewer --password-stdin <<<"viewer long password"
expect_exit 0 "a licensing officer" "$WAM" --db $DB user add lena --role licensing --password-stdin \
	<<<"licensing long password"
BEFORE=$(events $DB)
expect_exit 7 "a viewer may not submit a report" "$WAM" --db $DB --as vic --password-stdin report submit unroca \
	--year "$Y" --reference "NV-viewer" <<<"viewer long password"
expect_contains "the refusal names submit_report" "$ERR" "submit_report"
expect_eq "nothing was written" "$(events $DB)" "$BEFORE"
expect_exit 0 "a viewer reads the report" "$WAM" --db $DB --as vic --password-stdin report unroca --year "$Y" \
	<<<"viewer long password"
expect_contains "with its tables" "$OUT" "imports_salw"
expect_exit 0 "a licensing officer submits" "$WAM" --db $DB --json --as lena --password-stdin report submit unroca \
	--year "$Y" --reference "note verbale $Y/300" --notes "corrected return" <<<"licensing long password"
NEW=$(jget .id)
expect_eq "submitted by the officer" "$(jget .submitted_by)" "user:lena"
expect_eq "with its reference" "$(jget .reference)" "note verbale $Y/300"
expect_exit 0 "the latest submission has no change" "$WAM" --db $DB --json report diff unroca --year "$Y"
expect_eq "it is the one compared" "$(jget .submission.id)" "$NEW"
expect_eq "nothing changed since" "$(jget .changed)" false
expect_exit 2 "a submission of an unknown report" "$WAM" --db $DB report submit nope --year "$Y"
expect_contains "the error names report" "$ERR" "report"
expect_exit 3 "an unknown submission" "$WAM" --db $DB report submission 01JZZZZZZZZZZZZZZZZZZZZZZZ

# ---- the ledger and the signatures verify ----
expect_exit 0 "wam verify" "$WAM" --db $DB verify
expect_contains "intact" "$OUT" "intact"

done_testing
