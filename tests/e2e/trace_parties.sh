#!/usr/bin/env bash
# e2e-trace_parties: trace requests between parties that are not states,
# through the `wam` CLI. The registry of the Panel of Experts on the Central
# African Republic asks Beretta's registry (a manufacturer, named with
# --requested-kind/--requested-name) about a rifle seen in an armed group's
# cache; R10 refuses to send it while the manufacturer has no name. Beretta
# imports it (a registry of another name refuses it), acknowledges and
# answers with the export to a state; the Panel then asks that state,
# which answers the Panel. The lists label each party, old-style state
# requests still carry no kind, and every ledger verifies.
. "$(dirname "$0")/lib.sh"

mkdir panel beretta fr glock
P() { "$WAM" --db panel/wam.db "$@"; }
B() { "$WAM" --db beretta/wam.db "$@"; }
F() { "$WAM" --db fr/wam.db "$@"; }
G() { "$WAM" --db glock/wam.db "$@"; }
PANEL="Panel of Experts on the Central African Republic"

expect_exit 0 "the Panel's registry" P init --country US --name "$PANEL"
expect_exit 0 "Beretta's registry" B init --country IT --name "Beretta"
expect_exit 0 "a state's registry" F init --country FR --name "Répertoire national des armes"
expect_exit 0 "another manufacturer's registry" G init --country AT --name "Glock"
for r in P B F G; do $r --json node >"node-$r.json"; done
expect_exit 0 "Beretta trusts the Panel" B peer add --from node-P.json
expect_exit 0 "France trusts the Panel" F peer add --from node-P.json
expect_exit 0 "Glock trusts the Panel" G peer add --from node-P.json
expect_exit 0 "the Panel trusts Beretta" P peer add --from node-B.json
expect_exit 0 "the Panel trusts France" P peer add --from node-F.json

# ---- the Panel asks a manufacturer ----
ASKS=(--requesting-kind panel --requesting-name "$PANEL" --contact "Arms expert" --contact-email arms@panel.example
	--make Beretta --model "AR70/90" --category SA4
	--calibre 5.56x45mm --serial "AR1108842" --country IT --marking frame_receiver:serial:AR1108842
	--illicit-reason embargo_violation --justification "UN Security Council resolution 2127 (2013), paragraph 54"
	--recovery-date 2026-01-14 --recovery-place "Kaga-Bandoro, Nana-Grébizi" --circumstances "cache of an armed group"
	--intended-use "report of the Panel to the Security Council Committee" --reference "POE-CAR-2026-017")
DRAFT=("${ASKS[@]}" --requested-kind manufacturer --requested-state IT)
expect_exit 2 "a party kind outside the four is refused" P trace draft --requested-kind company --requested-name Beretta
expect_contains "naming it" "$ERR" "requested.kind"
expect_exit 0 "drafted without the manufacturer's name" P --json trace draft "${DRAFT[@]}"
TR=$(jget .id)
expect_eq "the Panel asks" "$(jget '.requesting.kind + " " + .requesting.name')" "panel $PANEL"
expect_eq "R10 misses the manufacturer's name" "$(jget '[.quality.missing[].field] | join(",")')" "requested.name"
BEFORE=$(events panel/wam.db)
expect_exit 2 "sending is refused" P trace send "$TR"
expect_contains "naming requested.name" "$ERR" "requested.name"
expect_eq "nothing was written" "$(events panel/wam.db)" "$BEFORE"
expect_exit 0 "named" P --json trace update "$TR" --requested-name "BERETTA"
expect_eq "now sendable, with no state asking" "$(jget '.quality.sendable | tostring')" "true"
expect_exit 0 "sent" P trace send "$TR" --date 2026-02-02
expect_exit 0 "listed" P trace list
expect_contains "the Panel by its name" "$OUT" "Panel of Experts"
expect_contains "the manufacturer with its country" "$OUT" "BERETTA (IT)"
expect_exit 0 "as JSON" P --json trace list
expect_eq "the labels" "$(jget '.[0].requesting_kind + "|" + .[0].requested_kind + "|" + .[0].requested_label')" \
	"panel|manufacturer|BERETTA (IT)"
expect_exit 0 "shown" P trace show "$TR"
expect_contains "the party asked" "$OUT" "manufacturer, BERETTA, IT"
expect_exit 0 "exported" P trace export "$TR" --out to-beretta.json
expect_eq "the parties travel with their kinds" \
	"$(jq -r '.request.requesting.kind + " " + .request.requested.kind' to-beretta.json)" "panel manufacturer"

BEFORE=$(events glock/wam.db)
expect_exit 7 "another manufacturer refuses it" G trace import to-beretta.json
expect_contains "naming the name asked" "$ERR" "request.requested.name"
expect_eq "nothing was written" "$(events glock/wam.db)" "$BEFORE"
expect_exit 7 "a state refuses it" F trace import to-beretta.json
expect_exit 0 "Beretta imports it (names compared without case)" B --json trace import to-beretta.json
TB=$(jget .id)
expect_eq "from the Panel" "$(jget .requesting.name)" "$PANEL"
expect_exit 0 "Beretta's list" B trace list --direction incoming
expect_contains "labels the Panel" "$OUT" "Panel of Experts"
expect_exit 0 "acknowledged" B trace ack "$TB" --date 2026-02-09
expect_exit 0 "the acknowledgement exported" B trace export "$TB" --out ack.json
expect_exit 0 "the Panel imports it" P --json trace import ack.json
expect_eq "acknowledged" "$(jget .state)" "acknowledged"
cat >answer.json <<'JSON'
{"result": "record_found", "date": "2026-02-20", "confidentiality": "unclassified",
 "chain": [{"date": "2009-06-30", "from": "Beretta", "consignee": "Ministère des Armées", "country": "FR",
            "licence": "IT-EXP-2009-1187"}],
 "point_of_diversion": {"category": "transfer_export", "country": "FR"}}
JSON
expect_exit 0 "Beretta answers" B trace respond "$TB" --from answer.json
expect_exit 0 "the answer exported" B trace export "$TB" --out from-beretta.json
check "recorded as going to the Panel" test "$(sqlite3 beretta/wam.db \
	"SELECT count(*) FROM events WHERE type='trace.exported' AND json_extract(payload,'\$.to')='panel of experts on the central african republic'")" -ge 2
expect_exit 0 "the Panel imports it" P --json trace import from-beretta.json
expect_eq "answered by the manufacturer" "$(jget '.state + " " + .responses[0].result')" "answered record_found"

# ---- the Panel asks the state the rifle was exported to ----
expect_exit 0 "a request to a state" P --json trace draft "${ASKS[@]}" \
	--requested-state FR --reference POE-CAR-2026-018
TF=$(jget .id)
expect_eq "a state asked, written as ever (no kind)" "$(sqlite3 panel/wam.db \
	"SELECT coalesce(json_extract(body,'\$.requested.kind'),'none') || ' ' || json_extract(body,'\$.requested.state') FROM trace_requests WHERE id='$TF'")" \
	"none FR"
expect_exit 0 "sent" P trace send "$TF" --date 2026-02-25
expect_exit 0 "exported" P trace export "$TF" --out to-fr.json
expect_exit 7 "a manufacturer is no state" B trace import to-fr.json
expect_contains "naming the state asked" "$ERR" "request.requested.state"
expect_exit 0 "France imports it" F --json trace import to-fr.json
TFR=$(jget .id)
expect_exit 0 "France answers the Panel" F trace respond "$TFR" --result record_found --date 2026-03-10 \
	--holder "Forces armées centrafricaines" --holder-country CF --diversion state_stocks --diversion-country CF
expect_exit 0 "France's answer exported" F trace export "$TFR" --out from-fr.json
expect_exit 0 "the Panel imports it" P --json trace import from-fr.json
expect_eq "answered by the state" "$(jget .state)" "answered"

# a registry asks only in its own name
expect_exit 0 "France trusts Beretta" F peer add --from node-B.json
expect_exit 0 "Beretta drafts a request in the Panel's name" B --json trace draft "${ASKS[@]}" \
	--requested-state FR --reference FAKE-1
FAKE=$(jget .id)
expect_exit 0 "sent" B trace send "$FAKE"
expect_exit 0 "exported" B trace export "$FAKE" --out fake.json
BEFORE=$(events fr/wam.db)
expect_exit 7 "France refuses it" F trace import fake.json
expect_contains "naming who asks" "$ERR" "request.requesting.name"
expect_eq "nothing was written" "$(events fr/wam.db)" "$BEFORE"

for r in P B F G; do expect_exit 0 "$r verifies" $r verify; done
done_testing
