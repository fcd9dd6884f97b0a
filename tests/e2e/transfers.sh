#!/usr/bin/env bash
# e2e-transfers: an export of 100 assault rifles and 12,000 rounds from Ghana
# to Senegal through the `wam` CLI, with the example files of
# docs/examples/transfers/ (first as they stand, then dated around today): a
# broker registered, the licence drafted and assessed by one licensing
# officer and refused issue by the same person, issued by another; the
# end-user certificate recorded and verified by note verbale; 101 rifles
# registered, 100 shipped by --items with 6,000 rounds, the 101st refused
# with nothing written; the delivery verification certificate closing the
# certificate, and a shipment on the closed certificate refused; a
# post-shipment check by customs with one rifle not seen opening a diversion
# alert, traced by a tracer as a trace request; licences out of their dates
# refused; an import licence registering the pistols that arrive with
# Ghana's import mark; bad input naming its field and writing nothing;
# embargo and screening; what each role may do, a user confined to a site
# refused, the owner not issuing what it drafted. The ledger verifies and
# rebuilds to the same records at the end.
EX=$(cd "$(dirname "$0")/../../docs/examples/transfers" && pwd)
. "$(dirname "$0")/lib.sh"

DB=tr.db
W() { "$WAM" --db $DB "$@"; }
PW1="first licensing password"
PW2="second licensing password"
PWV="viewer long password"
# AS USER PASSWORD CMD...: the command as a registry user
AS() {
	local user=$1 pw=$2
	shift 2
	"$WAM" --db $DB --as "$user" --password-stdin "$@" <<<"$pw"
}
nevents() { sqlite3 $DB "SELECT count(*) FROM events"; }
TODAY=$(date -u +%F)
NEXT_YEAR=$(date -u -d '+1 year' +%F)
LAST_MONTH=$(date -u -d '-1 month' +%F)
TOMORROW=$(date -u -d '+1 day' +%F)

expect_exit 0 "init" W init --country GH --name "Ghana National Commission on SALW"
expect_exit 0 "a licensing officer who drafts" W user add abena --role licensing --password-stdin <<<"$PW1"
expect_exit 0 "a licensing officer who decides" W user add kofi --role licensing --password-stdin <<<"$PW2"
expect_exit 0 "a viewer" W user add vera --role viewer --password-stdin <<<"$PWV"
PWR="registrar long password"
PWT="tracer long password"
expect_exit 0 "a registrar (customs)" W user add rita --role registrar --password-stdin <<<"$PWR"
expect_exit 0 "a tracer" W user add tess --role tracer --password-stdin <<<"$PWT"

# ---- the example files as they are ----
# drafting, assessing and recording a certificate do not depend on today's
# date: the files of docs/examples/transfers are taken as they stand
expect_exit 0 "a registry for the examples" "$WAM" --db ex.db init --country GH
mkdir ex && cp "$EX"/*.json ex/
for step in "broker add --from ex/broker.json" "licence add --from ex/licence-export.json" \
	"licence assess GH-EXP-2026-0147 --from ex/assessment.json" "euc add --from ex/euc.json" \
	"licence add --from ex/licence-import.json"; do
	expect_exit 0 "example: wam ${step%% --from*}" "$WAM" --db ex.db $step
done
run "$WAM" --db ex.db --json licence show GH-EXP-2026-0147
expect_eq "the example licence is assessed, every party clear" "$(jget '.state + " " + (.screening_clear | tostring)')" \
	"assessed true"
run "$WAM" --db ex.db --json euc show SN-MFA-EUC-2026-0042
expect_eq "the example certificate covers 100 rifles and 12000 rounds" \
	"$(jget '[.goods[] | "\(.category)=\(.quantity)"] | join(",")')" "SA4=100,ammunition=12000"

# the examples are dated for the story they tell; the licence and the
# certificate are made valid from last month to a year from today so that
# everything happens today, inside their dates
jq --arg f "$LAST_MONTH" --arg u "$NEXT_YEAR" '.valid_from = $f | .valid_until = $u' \
	"$EX/licence-export.json" >licence.json
jq --arg d "$TODAY" '.date = $d' "$EX/assessment.json" >assessment.json
jq --arg i "$LAST_MONTH" --arg u "$NEXT_YEAR" '.issued = $i | .expires = $u' "$EX/euc.json" >euc.json

# ---- the broker ----
expect_exit 7 "a viewer may not register a broker" AS vera "$PWV" broker add --from "$EX/broker.json"
run AS abena "$PW1" --json broker add --from "$EX/broker.json"
expect_eq "broker add" "$RC" 0
expect_eq "the broker is registered" "$(jget .state)" "registered"
BROKER=$(jget .id)
expect_exit 0 "broker show by registration" W --json broker show GH-BRK-2024-0031
expect_eq "... is the same broker" "$(jget .id)" "$BROKER"
expect_exit 0 "broker list" W broker list
expect_contains "... names it" "$OUT" "Volta Logistics"

# ---- the export licence ----
run AS abena "$PW1" --json licence add --from licence.json
expect_eq "licence add" "$RC" 0
expect_eq "the licence is a draft" "$(jget .state)" "draft"
LIC=$(jget .id)
expect_eq "its parties are screened clear" "$(jget '[.parties[].screening.clear] | all')" "true"
expect_eq "its lines: 100 rifles and 12000 rounds" "$(jget '[.lines[] | "\(.goods)=\(.quantity)"] | join(",")')" \
	"weapons=100,ammunition=12000"
expect_exit 0 "licence show by number" W licence show GH-EXP-2026-0147
expect_contains "... shows the parties" "$OUT" "Ministère des Forces armées"
expect_contains "... and the screening" "$OUT" "clear"
expect_exit 0 "licence list" W licence list --kind export
expect_contains "... lists it" "$OUT" "GH-EXP-2026-0147"

expect_exit 4 "a draft is not issued before its assessment" AS kofi "$PW2" licence issue GH-EXP-2026-0147
run AS abena "$PW1" --json licence assess GH-EXP-2026-0147 --from assessment.json
expect_eq "licence assess" "$RC" 0
expect_eq "the licence is assessed" "$(jget .state)" "assessed"
expect_eq "the decision is kept" "$(jget .assessment.decision)" "approve"

N=$(nevents)
expect_exit 7 "the drafter may not issue the licence" AS abena "$PW1" licence issue GH-EXP-2026-0147
expect_eq "... and nothing was written" "$(nevents)" "$N"
expect_exit 7 "a viewer may not issue it" AS vera "$PWV" licence issue GH-EXP-2026-0147
run AS kofi "$PW2" --json licence issue GH-EXP-2026-0147
expect_eq "another licensing officer issues it" "$RC" 0
expect_eq "the licence is issued" "$(jget .state)" "issued"
expect_eq "... by kofi" "$(jget .issued_by)" "user:kofi"

# ---- the end-user certificate ----
run AS abena "$PW1" --json euc add --from euc.json
expect_eq "euc add" "$RC" 0
expect_eq "the certificate is received" "$(jget .state)" "received"
EUC=$(jget .id)
run AS abena "$PW1" --json euc verify SN-MFA-EUC-2026-0042 --channel "note verbale 2026/114" \
	--counterpart "Ministère des Affaires étrangères du Sénégal" --result authentic
expect_eq "euc verify" "$RC" 0
expect_eq "the certificate is verified" "$(jget .state)" "verified"
expect_eq "the channel is kept" "$(jget '.verifications[-1].channel')" "note verbale 2026/114"
expect_exit 0 "euc show" W euc show "$EUC"
expect_contains "... shows the verification" "$OUT" "note verbale 2026/114"

# ---- 101 rifles and a lot of rounds in store ----
expect_exit 0 "the central armoury" W --json site add "Central Armoury, Burma Camp" --kind depot --country GH
SITE=$(jget .id)
{
	echo "category,make,model,calibre,serial,country,year,import_marks,site_id"
	for i in $(seq 1 101); do
		printf 'SA4,Norinco,Type 56,7.62x39mm,56-11%05d,CN,1981,GH:1984,%s\n' "$i" "$SITE"
	done
} >rifles.csv
expect_exit 0 "101 rifles registered" W import rifles.csv
run W --json item list --limit 200
mapfile -t RIFLES < <(jget '.items[] | select(.make == "Norinco") | .serial + " " + .id' | sort | cut -d' ' -f2)
expect_eq "101 rifles" "${#RIFLES[@]}" "101"
FIRST100=$(IFS=,; echo "${RIFLES[*]:0:100}")
LAST=${RIFLES[100]}
NOT_SEEN=${RIFLES[2]} # 56-1100003, the rifle the post-shipment check does not find
expect_exit 0 "a lot of 15000 rounds" W --json lot add --nomenclature "Cartridge 7.62x39mm ball" --calibre 7.62x39mm --type ball \
	--lot "GH-LOT-1984-0311" --rounds 15000 --hazard 1.4 --group S --site "$SITE"
LOT=$(jget .id)

# ---- shipping ----
N=$(nevents)
expect_exit 7 "a viewer may not ship" AS vera "$PWV" shipment add --licence GH-EXP-2026-0147 \
	--euc SN-MFA-EUC-2026-0042 --items "$LAST"
run AS abena "$PW1" --json shipment add --licence GH-EXP-2026-0147 --euc SN-MFA-EUC-2026-0042 --items "$FIRST100" \
	--lot "$LOT" --rounds 6000 --carrier "MV Ashanti Star, B/L TEM-2026-88121" --route GH,TG,SN \
	--notes "Sealed containers MSKU 1234565 and MSKU 7654321"
expect_eq "100 rifles and 6000 rounds shipped" "$RC" 0
SHIP=$(jget .id)
expect_eq "... 100 weapons" "$(jget .weapons)" "100"
expect_eq "... 6000 rounds" "$(jget .rounds)" "6000"
expect_eq "... by the route given" "$(jget '.route | join(",")')" "GH,TG,SN"
expect_eq "... the shipment is shipped" "$(jget .state)" "shipped"
run W --json item show "${RIFLES[0]}"
expect_eq "a shipped rifle is exported" "$(jget .status)" "exported"
run W --json lot show "$LOT"
expect_eq "the lot gave its rounds" "$(jget .rounds)" "9000"
run W --json licence show GH-EXP-2026-0147
expect_eq "the licence's lines: nothing left of the rifles, 6000 rounds" \
	"$(jget '[.lines[] | "\(.shipped)/\(.remaining)"] | join(",")')" "100/0,6000/6000"

N=$(nevents)
run AS abena "$PW1" shipment add --licence GH-EXP-2026-0147 --euc SN-MFA-EUC-2026-0042 --items "$LAST"
case $RC in 2 | 4) ok "the 101st rifle is refused (exit $RC)" ;; *) not_ok "the 101st rifle is refused" "exit $RC" "$ERR" ;; esac
expect_contains "... saying the licence's line has nothing left" "$ERR" "would exceed line 1 of licence GH-EXP-2026-0147"
expect_eq "... and nothing was written" "$(nevents)" "$N"
run W --json item show "$LAST"
expect_eq "... the rifle stays in store" "$(jget .status)" "in_store"
run W --json verify
expect_eq "the ledger verifies" "$(jget .intact)" "true"
expect_exit 2 "--rounds without --lot is refused" W shipment add --licence GH-EXP-2026-0147 \
	--euc SN-MFA-EUC-2026-0042 --rounds 10
expect_contains "... naming the field" "$ERR" "[field: rounds]"
expect_exit 2 "an empty word in --items is refused" W shipment add --licence GH-EXP-2026-0147 \
	--euc SN-MFA-EUC-2026-0042 --items "$LAST,,$LAST"
expect_eq "... nothing was written" "$(nevents)" "$N"

expect_exit 0 "shipment list" W shipment list --licence GH-EXP-2026-0147
expect_contains "... lists the shipment" "$OUT" "$SHIP"
expect_exit 0 "shipment show" W shipment show "$SHIP"
expect_contains "... lists the rifles" "$OUT" "56-1100100"

run AS abena "$PW1" --json shipment deliver "$SHIP" --dvc DVC-2026-0042
expect_eq "the delivery verification certificate is recorded" "$RC" 0
expect_eq "the shipment is delivered" "$(jget .state)" "delivered"
run W --json euc show SN-MFA-EUC-2026-0042
expect_eq "the certificate is closed" "$(jget .state)" "closed"
expect_eq "... by the DVC" "$(jget .dvc)" "DVC-2026-0042"
N=$(nevents)
run AS abena "$PW1" shipment add --licence GH-EXP-2026-0147 --euc SN-MFA-EUC-2026-0042 --lot "$LOT" --rounds 6000
case $RC in 2 | 4) ok "a shipment on the closed certificate is refused (exit $RC)" ;; *)
	not_ok "a shipment on the closed certificate is refused" "exit $RC" "$ERR" ;; esac
expect_contains "... naming the certificate" "$ERR" "closed"
expect_eq "... and nothing was written" "$(nevents)" "$N"

# ---- the post-shipment check ----
jq --arg d "$TODAY" '.date = $d' "$EX/post-shipment.json" >check.json
expect_exit 7 "a registrar may not verify a certificate" AS rita "$PWR" euc verify SN-MFA-EUC-2026-0042 \
	--channel "telephone" --result authentic
expect_exit 7 "... nor draft a licence" AS rita "$PWR" licence add --from licence.json
run AS rita "$PWR" --json euc check SN-MFA-EUC-2026-0042 --from check.json
expect_eq "a registrar records a post-shipment check" "$RC" 0
expect_eq "... one rifle not seen" "$(jget '.checks[-1].not_seen')" "1"
run W --json diversion list --state open
expect_eq "one diversion alert is open" "$(jget length)" "1"
expect_eq "... for the rifle not seen" "$(jget '.[0].serial + " " + .[0].result')" "56-1100003 not_seen"
ALERT=$(jget '.[0].id')
expect_exit 0 "diversion list, for people" W diversion list
expect_contains "... shows the serial" "$OUT" "56-1100003"
expect_exit 7 "a viewer may not trace it" AS vera "$PWV" diversion trace "$ALERT"
expect_exit 7 "a tracer may not close it" AS tess "$PWT" diversion close "$ALERT" --reason "found"
run AS tess "$PWT" --json diversion trace "$ALERT"
expect_eq "a tracer traces it" "$RC" 0
expect_eq "the alert is traced" "$(jget .state)" "traced"
TRACE=$(jget .trace_request_id)
run W --json trace list
expect_eq "a trace request is drafted for the rifle" \
	"$(jget ".[] | select(.id == \"$TRACE\") | .state + \" \" + .item_id")" "draft $NOT_SEEN"
run W --json trace show "$TRACE"
expect_eq "... addressed to Senegal" "$(jget .requested.state)" "SN"

# ---- an expired licence ----
# a licence whose last valid day is past is not issued, so nothing ships on it
jq '.number = "GH-EXP-2025-0311" | .valid_from = "2025-01-01" | .valid_until = "2025-12-31"' \
	"$EX/licence-export.json" >old.json
expect_exit 0 "a licence valid during 2025 is drafted" AS abena "$PW1" licence add --from old.json
expect_exit 0 "... and assessed" AS abena "$PW1" licence assess GH-EXP-2025-0311 --from assessment.json
N=$(nevents)
expect_exit 4 "a licence past its valid_until is not issued" AS kofi "$PW2" licence issue GH-EXP-2025-0311
expect_contains "... saying until when it was valid" "$ERR" "was valid until 2025-12-31"
expect_exit 4 "a shipment on it is refused" AS abena "$PW1" shipment add --licence GH-EXP-2025-0311 \
	--euc SN-MFA-EUC-2026-0042 --items "$LAST"
expect_contains "... it was never issued" "$ERR" "only an issued licence is shipped on"
# an issued licence whose last day is today ships nothing dated after it
jq --arg f "$LAST_MONTH" --arg u "$TODAY" '.number = "GH-EXP-2026-0148" | .valid_from = $f | .valid_until = $u' \
	"$EX/licence-export.json" >short.json
expect_exit 0 "a licence valid until today is drafted" AS abena "$PW1" licence add --from short.json
expect_exit 0 "... assessed" AS abena "$PW1" licence assess GH-EXP-2026-0148 --from assessment.json
expect_exit 0 "... and issued" AS kofi "$PW2" licence issue GH-EXP-2026-0148
N=$(nevents)
expect_exit 2 "a shipment dated after today, past the licence's last valid day, is refused" AS abena "$PW1" \
	shipment add --licence GH-EXP-2026-0148 --euc SN-MFA-EUC-2026-0042 --items "$LAST" --date "$TOMORROW"
expect_contains "... a record says what has happened" "$ERR" "is after today"
expect_exit 4 "a shipment dated before the licence's first valid day is refused" AS abena "$PW1" \
	shipment add --licence GH-EXP-2026-0148 --euc SN-MFA-EUC-2026-0042 --items "$LAST" --date 2025-01-01
expect_contains "... naming its first day" "$ERR" "is valid from $LAST_MONTH"
expect_eq "... and nothing was written" "$(nevents)" "$N"
run W --json item show "$LAST"
expect_eq "... the rifle stays in store" "$(jget .status)" "in_store"

# ---- an import ----
jq --arg f "$LAST_MONTH" --arg u "$NEXT_YEAR" '.valid_from = $f | .valid_until = $u' "$EX/licence-import.json" \
	>licence-import.json
jq --arg d "$TODAY" '.date = $d' "$EX/import.json" >import.json
run AS abena "$PW1" --json licence add --from licence-import.json
expect_eq "an import licence is drafted" "$RC" 0
jq --arg d "$TODAY" '.date = $d | .reasons = "Pistols for the police, from an ATT state party"' \
	"$EX/assessment.json" >assess-import.json
expect_exit 0 "... assessed" AS abena "$PW1" licence assess GH-IMP-2026-0032 --from assess-import.json
expect_exit 0 "... issued by the other officer" AS kofi "$PW2" licence issue GH-IMP-2026-0032
run AS abena "$PW1" --json shipment add --from import.json
expect_eq "the pistols arrive" "$RC" 0
expect_eq "... an import" "$(jget .direction)" "import"
expect_eq "... of three weapons" "$(jget .weapons)" "3"
PISTOL=$(jget '.items[0].item_id')
run W --json item show "$PISTOL"
expect_eq "a pistol is registered with Ghana's import mark" "$(jget '[.import_marks[] | "\(.country):\(.year)"] | join(",")')" \
	"GH:$(date -u +%Y)"
expect_exit 0 "item show, for people" W item show "$PISTOL"
expect_contains "... shows the import mark" "$OUT" "GH"

# ---- bad input ----
N=$(nevents)
jq '.number = "GH-EXP-2026-0999" | .colour = "green"' licence.json >unknown.json
run AS abena "$PW1" licence add --from unknown.json
expect_eq "an unknown field is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "colour"
jq '.number = "GH-EXP-2026-0999" | del(.authority)' licence.json >missing.json
run AS abena "$PW1" licence add --from missing.json
expect_eq "a missing required field is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "[field: authority]"
jq '.number = "GH-EXP-2026-0999" | .lines[0].quantity = "a hundred"' licence.json >badline.json
run AS abena "$PW1" licence add --from badline.json
expect_eq "a quantity that is not a number is refused" "$RC" 2
expect_contains "... naming the line" "$ERR" "lines[0].quantity"
run AS abena "$PW1" euc verify SN-MFA-EUC-2026-0042 --channel "telephone" --result maybe
expect_eq "an unknown verification result is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "[field: result]"
jq '.number = "SN-MFA-EUC-2026-0999" | .end_user.rank = "General"' euc.json >euc-unknown.json
run AS abena "$PW1" euc add --from euc-unknown.json
expect_eq "an unknown field in a certificate's section is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "unknown field 'end_user.rank'"
jq '.number = "SN-MFA-EUC-2026-0999" | .sole_use_assurance = false' euc.json >euc-nosole.json
run AS abena "$PW1" euc add --from euc-nosole.json
expect_eq "a certificate without the sole-use assurance is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "[field: sole_use_assurance]"
jq 'del(.registration) | .name = "Another Broker"' "$EX/broker.json" >broker-noreg.json
run AS abena "$PW1" broker add --from broker-noreg.json
expect_eq "a broker without its registration is refused" "$RC" 2
expect_contains "... naming it" "$ERR" "[field: registration]"
expect_exit 2 "a year that is not a number is refused" W transfer records --year soon
expect_eq "nothing was written" "$(nevents)" "$N"
run W --json licence list
expect_eq "no licence was added" "$(jget '[.[] | select(.number == "GH-EXP-2026-0999")] | length')" "0"

# ---- embargo and screening ----
expect_exit 7 "a viewer may not record an embargo" AS vera "$PWV" embargo record --country CF \
	--reference "S/RES/2127 (2013)" --since 2013-12-05
run AS kofi "$PW2" --json embargo record --country CF --reference "S/RES/2127 (2013)" --since 2013-12-05 \
	--notes "Central African Republic"
expect_eq "an embargo is recorded" "$RC" 0
EMB=$(jget .id)
run W --json screen --name "Forces armées centrafricaines" --country CF
expect_eq "a party in the embargoed country is not clear" "$(jget .clear)" "false"
expect_contains "... naming the resolution" "$OUT" "S/RES/2127"
run W screen --name "Forces armées centrafricaines" --country CF --date 2013-12-01
expect_contains "before the embargo it was clear" "$OUT" "clear"
expect_not_contains "... not 'NOT clear'" "$OUT" "NOT"
expect_exit 0 "the embargo is lifted" AS kofi "$PW2" embargo lift "$EMB" --date "$TODAY" --reference "S/RES/9999 (2026)"
run W --json embargo list
expect_eq "... it is no longer active" "$(jget '.[0].active')" "false"

# ---- licence and broker states ----
expect_exit 7 "the drafter's role may suspend, but a viewer may not" AS vera "$PWV" licence suspend GH-IMP-2026-0032 \
	--reason "audit"
run AS kofi "$PW2" --json licence suspend GH-IMP-2026-0032 --reason "Importer under audit"
expect_eq "licence suspend" "$(jget .state)" "suspended"
run AS kofi "$PW2" --json licence reinstate GH-IMP-2026-0032 --reason "Audit closed"
expect_eq "licence reinstate" "$(jget .state)" "issued"
run AS kofi "$PW2" --json broker suspend GH-BRK-2024-0031 --reason "Insurance lapsed"
expect_eq "broker suspend" "$(jget .state)" "suspended"
run AS kofi "$PW2" --json broker reinstate GH-BRK-2024-0031 --reason "Insurance renewed"
expect_eq "broker reinstate" "$(jget .state)" "registered"

# ---- transfers are the state's, and two people's ----
PW3="third licensing password"
expect_exit 0 "a licensing officer confined to a site" W user add lena --role licensing --site "$SITE" \
	--password-stdin <<<"$PW3"
expect_exit 7 "... may not list licences" AS lena "$PW3" licence list
jq '.number = "GH-EXP-2026-0149"' licence.json >own.json
expect_exit 7 "... nor draft one" AS lena "$PW3" licence add --from own.json
expect_exit 0 "the operating-system account drafts a licence" W licence add --from own.json
expect_exit 0 "... assesses it" W licence assess GH-EXP-2026-0149 --from assessment.json
expect_exit 7 "... and may not issue it itself" W licence issue GH-EXP-2026-0149
expect_contains "... by the two-person rule" "$ERR" "two-person rule"
expect_exit 0 "a licensing officer issues it" AS kofi "$PW2" licence issue GH-EXP-2026-0149

# ---- what reports are made from ----
run W --json transfer records --direction export --figure actual
expect_eq "one actual export row per line shipped" "$(jget '[.[] | .items] | add')" "6100"
expect_exit 0 "transfer records, for people" W transfer records
expect_contains "... shows the partner" "$OUT" "SN"

# ---- the ledger ----
expect_exit 0 "verify" W verify
expect_contains "intact" "$OUT" "intact"
SHOWS=("licence show GH-EXP-2026-0147" "licence show GH-IMP-2026-0032" "euc show SN-MFA-EUC-2026-0042"
	"shipment list" "shipment show $SHIP" "broker show GH-BRK-2024-0031" "diversion list" "embargo list"
	"transfer records")
shows() { for what in "${SHOWS[@]}"; do W --json $what; done; }
W export --format json --out before.json >/dev/null
shows >before-transfers.json
expect_exit 0 "rebuild" W rebuild
W export --format json --out after.json >/dev/null
shows >after-transfers.json
expect_same_file "the rebuilt registry exports the same" before.json after.json
expect_same_file "the rebuilt transfers show the same" before-transfers.json after-transfers.json
expect_exit 0 "verify after rebuild" W verify

done_testing
