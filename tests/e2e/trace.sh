#!/usr/bin/env bash
# e2e-trace: tracing through the `wam` CLI as a user sees it — a pistol
# reported stolen and a civilian's revolver reported lost (the lost/stolen
# CSV), a seizure whose serial was recorded with two misread characters (the
# hit, shown side by side, confirmed: the stolen pistol is now seized), a
# trace request refused while it misses its intended use (R10, nothing
# written), completed, sent and exported; a second registry that trusts the
# first imports it, acknowledges and answers with the record found and the
# point of diversion; the first trusts the second and imports the answer,
# after refusing a copy altered by one character. Then SDG 16.4.2 for 2025
# with counts worked out by hand, as JSON, CSV and the records behind a
# figure, and both ledgers verify. Last, the second stops trusting the
# first's key: its documents and its key are refused from then on, and what
# was imported stays.
. "$(dirname "$0")/lib.sh"

A() { "$WAM" --db a.db "$@"; }
mkdir other
B() { "$WAM" --db other/wam.db "$@"; }

expect_exit 0 "wam help trace" "$WAM" help trace
expect_contains "lists the trace commands" "$OUT" "trace send ID"
expect_not_contains "and only those" "$OUT" "recovery add"
expect_exit 0 "init the first registry (HT)" A init --country HT --name "Haiti national registry"
expect_exit 0 "a holder" A --json holder add "Sécurité Caraïbes SA" --type dealer --country HT --licence "L-2019-77"
HOLDER=$(jget .id)
expect_exit 0 "a registered pistol" A --json item add --category SA1 --make Glock --model 17 --calibre 9x19mm \
	--serial BX4418820 --country AT --year 2016 --holder "$HOLDER"
STOLEN=$(jget .id)

# ---- lost and stolen ----
expect_exit 2 "a loss report needs its kind" A loss report --item "$STOLEN" --date 2025-01-10 \
	--circumstances "taken from a parked car" --reported-by "Insp. Joseph"
expect_contains "the refusal names the field" "$ERR" "kind"
expect_exit 0 "the pistol is reported stolen" A --json loss report --item "$STOLEN" --kind stolen --date 2025-01-10 \
	--place "Pétion-Ville" --circumstances "taken from a parked car" --reported-by "Insp. Joseph" \
	--agency "PNH" --police-ref "PNH-2025-0042"
LOSS=$(jget .id)
expect_eq "the report is open" "$(jget .open)" "true"
run A --json item show "$STOLEN"
expect_eq "the pistol is stolen" "$(jget .status)" "stolen"
expect_exit 0 "a civilian's revolver, not in the registry, is reported lost" A --json loss report --serial TX-99120 \
	--make Taurus --model 85 --calibre ".38 Special" --category SA1 --country BR --kind lost --date 2025-02-01 \
	--circumstances "lost while moving house" --reported-by "J. Baptiste"
LOST_ITEM=$(jget .item_id)
run A --json item show "$LOST_ITEM"
expect_eq "it is registered as lost" "$(jget .status)" "lost"
expect_exit 0 "loss list --open" A --json loss list --open
expect_eq "both are open" "$(jget 'length')" "2"
expect_exit 0 "loss export" A loss export --out lost.csv
CSV_HEADER="reference,report_type,report_date,reporting_country,reporting_agency,make,model,type,calibre,serial,country_of_manufacture,other_markings,place,circumstances,police_reference,wam_item_id"
expect_eq "the CSV header" "$(head -1 lost.csv)" "$CSV_HEADER"
expect_eq "a row for each open report" "$(($(wc -l <lost.csv) - 1))" "2"
expect_eq "the stolen pistol's row" "$(grep BX4418820 lost.csv)" \
	"$LOSS,stolen,2025-01-10,HT,PNH,Glock,17,SA1,9x19mm,BX4418820,AT,,Pétion-Ville,taken from a parked car,PNH-2025-0042,$STOLEN"

# ---- a seizure with two misread characters: the hit ----
cat >seizure.json <<'JSON'
{"type": "seized", "date": "2025-03-02", "place": "Croix-des-Bouquets", "context": "crime", "officer": "Insp. Joseph",
 "weapons": [{"category": "SA1", "make": "Glock", "model": "17", "calibre": "9x19mm", "serial": "8X4418B20",
              "country": "AT"}]}
JSON
expect_exit 0 "the seizure is recorded" A --json recovery add --from seizure.json
SEIZURE=$(jget .id)
SEIZED=$(jget '.items[0].id')
expect_exit 0 "hit list" A --json hit list
expect_eq "one hit: the seized pistol resembles the stolen one" \
	"$(jget '[.[] | .recovered.id + ">" + .registered.id + " " + .state] | join(",")')" "$SEIZED>$STOLEN open"
HIT=$(jget '.[0].id')
expect_eq "the matcher saw misread characters" "$(jget '.[0].reason')" "misread"
expect_exit 0 "hit list for people" A hit list
expect_contains "the table shows both serials" "$OUT" "8X4418B20"
expect_contains "" "$OUT" "BX4418820"
expect_exit 0 "hit show" A hit show "$HIT"
expect_contains "both records side by side" "$OUT" "RECOVERED"
expect_contains "" "$OUT" "REGISTERED"
expect_contains "the differing characters are marked" "$OUT" "^     ^"
expect_exit 2 "a decision needs its reason" A hit confirm "$HIT"
expect_exit 0 "the hit is confirmed" A --json hit confirm "$HIT" --reason "same weapon: frame and slide serials compared"
expect_eq "confirmed" "$(jget .state)" "confirmed"
expect_exit 4 "a decided hit is not decided again" A hit reject "$HIT" --reason "changed my mind"
run A --json item show "$STOLEN"
expect_eq "the stolen pistol is now seized" "$(jget .status)" "seized"
run A --json loss list --open
expect_eq "only the revolver is still missing" "$(jget '[.[].item_id] | join(",")')" "$LOST_ITEM"
A loss export >lost2.csv
expect_eq "the export keeps the header" "$(head -1 lost2.csv)" "$CSV_HEADER"
expect_eq "and drops the recovered pistol" "$(grep -c BX4418820 lost2.csv)" "0"

# ---- more recoveries for SDG 16.4.2 ----
cat >found.json <<'JSON'
{"type": "found", "date": "2025-05-14", "place": "Mirebalais", "context": "cache", "officer": "Sgt. Louis",
 "weapons": [{"category": "SA2", "make": "FN Herstal", "model": "FAL", "calibre": "7.62x51mm", "serial": "1534278",
              "country": "BE", "year": 1978},
             {"category": "SA2", "model": "bolt-action rifle", "calibre": "7.62x54mmR"}]}
JSON
expect_exit 0 "a cache found" A --json recovery add --from found.json
FOUND=$(jget .id)
FAL=$(jget '.items[0].id')
RIFLE=$(jget '.items[1].id')
expect_exit 0 "a department" A --json site add "Artibonite" --kind other --country HT
DEPT=$(jget .id)
expect_exit 0 "a collection point in it" A --json site add "Gonaïves collection point" --kind collection_point \
	--country HT --parent "$DEPT"
POINT=$(jget .id)
sed "s/@SITE@/$POINT/" >amnesty.json <<'JSON'
{"type": "surrendered", "date": "2025-08-20", "place": "Gonaïves", "context": "amnesty", "officer": "Insp. Joseph",
 "site_id": "@SITE@",
 "weapons": [{"category": "SHOTGUN", "make": "Mossberg", "model": "500", "calibre": "12 gauge", "serial": "V1234567",
              "country": "US"},
             {"category": "SA1", "model": "revolver", "calibre": ".38 Special"}]}
JSON
expect_exit 0 "an amnesty" A --json recovery add --from amnesty.json
SHOTGUN=$(jget '.items[0].id')
expect_exit 0 "a seizure of the year before" A --json recovery add --type seized --date 2024-11-30 \
	--officer "Sgt. Louis" --from - <<<'{"weapons": [{"category": "SA4", "make": "Norinco", "model": "Type 56",
	"calibre": "7.62x39mm", "serial": "56-8812345", "country": "CN"}]}'
expect_exit 0 "the shotgun's origin established by investigation" A --json origin "$SHOTGUN" \
	--method investigation --category civilian_holder --country US --description "bought by a straw purchaser"
expect_eq "origin recorded" "$(jget .method)" "investigation"

# ---- a trace request: refused without its intended use (R10) ----
expect_exit 0 "trace draft" A --json trace draft --item "$FAL" --requesting-state HT --requesting-agency "PNH/BLTS" \
	--contact "Cmdr. Pierre" --contact-email "traces@pnh.example" --requested-state BE --via national_contact_point \
	--illicit-reason illicit_national_law --justification "possession without licence, Art. 12 of the arms law" \
	--reference "PNH-TR-2025-007" --urgency urgent --confidentiality restricted
TR=$(jget .id)
expect_eq "a draft" "$(jget .state)" "draft"
expect_eq "the weapon's serial is taken from the registry" "$(jget .item.serial)" "1534278"
expect_contains "the quality names what is missing" "$(jget '[.quality.missing[].field] | join(",")')" "intended_use"
expect_exit 0 "trace draft for people prints the quality" A trace quality "$TR"
expect_contains "the score" "$OUT" "quality:"
expect_contains "the missing field" "$OUT" "intended_use"
BEFORE=$(events a.db)
expect_exit 2 "sending is refused" A trace send "$TR"
expect_contains "naming intended_use" "$ERR" "intended_use"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"
run A --json trace show "$TR"
expect_eq "still a draft" "$(jget .state)" "draft"
expect_exit 4 "a draft is not exported" A trace export "$TR"
expect_exit 0 "the intended use added" A --json trace update "$TR" \
	--intended-use "criminal proceedings against the holder of the cache"
expect_eq "now sendable" "$(jget .quality.sendable)" "true"
expect_exit 0 "sent" A --json trace send "$TR" --date 2025-06-02 --ack-days 10 --reply-days 30
expect_eq "sent, with its due dates" "$(jget '.state + " " + .sent + " " + .ack_due + " " + .reply_due')" \
	"sent 2025-06-02 2025-06-12 2025-07-02"
expect_exit 4 "a sent request does not change" A trace update "$TR" --notes "late note"
expect_exit 0 "overdue reminders" A trace overdue
expect_contains "the reply is overdue (the reminder)" "$OUT" "their reply was due 2025-07-02"
expect_exit 0 "exported" A trace export "$TR" --out request.json
expect_eq "a signed request document" "$(jq -r '.kind + " " + (.signature | length | tostring)' request.json)" \
	"request 128"
expect_eq "without the sender's own item id" "$(jq -r '.request.item_id // "none"' request.json)" "none"

# ---- the second registry answers ----
expect_exit 0 "init the second registry (BE)" B init --country BE --name "Belgian central arms register"
A --json node >node-a.json
B --json node >node-b.json
expect_eq "wam node shows the key" "$(jq -r '.public_key | length' node-a.json)" "64"
expect_exit 7 "an untrusted registry's request is refused" B trace import request.json
expect_contains "naming the node" "$ERR" "node"
expect_exit 0 "the second trusts the first" B peer add --name "$(jq -r .name node-a.json)" --country HT \
	--node-id "$(jq -r .node_id node-a.json)" --key "$(jq -r .public_key node-a.json)"
expect_exit 0 "peer list" B --json peer list
expect_eq "the peer" "$(jget '.[0].country')" "HT"
expect_exit 0 "the request is imported" B --json trace import request.json
TB=$(jget .id)
expect_eq "an incoming request" "$(jget '.direction + " " + .state')" "incoming sent"
expect_eq "with the weapon" "$(jget .item.serial)" "1534278"
expect_exit 4 "imported once only" B trace import request.json
expect_exit 0 "acknowledged" B --json trace ack "$TB" --date 2025-06-09
expect_eq "acknowledged" "$(jget .state)" "acknowledged"
cat >response.json <<'JSON'
{"result": "record_found", "date": "2025-06-30", "confidentiality": "restricted",
 "chain": [{"date": "1978-09-12", "from": "FN Herstal", "consignee": "Forces armées d'Haïti", "country": "HT",
            "licence": "BE-EXP-1978-0311", "euc": "FAdH-78-114"}],
 "last_holder": {"name": "Forces armées d'Haïti", "type": "state_armed_force", "country": "HT", "date": "1994-10-15"},
 "point_of_diversion": {"category": "state_stocks", "country": "HT", "date": "1995-03-31",
                        "description": "released from the armoury of the 3rd battalion at demobilisation"}}
JSON
expect_exit 0 "the response" B --json trace respond "$TB" --from response.json
expect_eq "answered" "$(jget .state)" "answered"
BEFORE=$(events other/wam.db)
expect_exit 0 "the response is exported" B trace export "$TB" --out answer.json
expect_eq "carrying a restricted response out is recorded as a read, and the export itself" \
	"$(sqlite3 other/wam.db "SELECT group_concat(type,' ') FROM events WHERE seq > $BEFORE")" "record.read trace.exported"
expect_eq "a signed response document" "$(jq -r .kind answer.json)" "response"

# ---- the first imports the answer, refusing an altered copy ----
expect_exit 7 "the answer of an untrusted registry is refused" A trace import answer.json
expect_exit 0 "the first trusts the second (wam --json node as it is)" A peer add --from node-b.json
sed 's/3rd battalion/4rd battalion/' answer.json >altered.json
check "the copy differs by one character" test "$(cmp -l answer.json altered.json | wc -l)" = 1
BEFORE=$(events a.db)
expect_exit 5 "the altered answer is refused" A trace import altered.json
expect_contains "naming the signature" "$ERR" "signature"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"
expect_exit 0 "the answer is imported" A --json trace import answer.json
expect_eq "the request is answered" "$(jget .state)" "answered"
expect_eq "record found, restricted: withheld (R11)" \
	"$(jget '.responses[-1] | .result + " " + .confidentiality + " " + (.withheld | tostring)')" \
	"record_found restricted true"
expect_eq "nothing of it shown" "$(jget '.responses[-1].point_of_diversion // "none"')" "none"
expect_exit 0 "trace show" A trace show "$TR"
expect_contains "says it is withheld" "$OUT" "withheld"
expect_not_contains "and shows no chain" "$OUT" "BE-EXP-1978-0311"
BEFORE=$(events a.db)
expect_exit 0 "shown in full on request" A trace show "$TR" --confidential
expect_contains "the point of diversion" "$OUT" "state_stocks"
expect_contains "the transfer chain" "$OUT" "BE-EXP-1978-0311"
expect_eq "the read is recorded" "$(events a.db)" "$((BEFORE + 1))"
run sqlite3 a.db "SELECT subject || ' ' || payload FROM events WHERE type='record.read' ORDER BY seq DESC LIMIT 1"
expect_contains "as a read of the request's response" "$OUT" "$TR"
expect_contains "" "$OUT" "responses[0]"
expect_exit 0 "trace list" A --json trace list --direction outgoing
expect_eq "one outgoing request, answered, its result" "$(jget '[.[] | .state + " " + .result] | join(",")')" \
	"answered record_found"

# ---- SDG 16.4.2 for 2025 ----
# Recovered in 2025 (the Norinco was seized in 2024): the Glock (seized, in
# a crime), the FAL and the unmarked rifle (found in a cache), the shotgun
# and the unmarked revolver (surrendered in the amnesty) = 5.
#   identified: the three with a serial (Glock, FAL, shotgun) = 3
#   trace initiated: the Glock (its confirmed hit) and the FAL (the request
#     sent) = 2; both traced successfully: the hit's point of diversion
#     (the stolen pistol's holder is a dealer: civilian_holder) and the
#     response's (state_stocks) = 2
#   established otherwise: the shotgun (investigation, civilian_holder) = 1
#   numerator 3 of 5: 60.00
expect_exit 0 "the report as JSON" A --json report sdg-16-4-2 --year 2025
expect_eq "the indicator" "$(jget '.indicator | "\(.value) \(.numerator) \(.denominator)"')" "60 3 5"
expect_eq "the counts" "$(jget '.counts | [.recovered, .seized, .found, .surrendered, .identified, .trace_initiated,
	.traced_successfully, .established_otherwise] | map(tostring) | join(" ")')" "5 1 2 2 3 2 2 1"
expect_eq "by weapon type" \
	"$(jget '[.by_type | to_entries[] | select(.value.recovered > 0) | "\(.key):\(.value.recovered)/\(.value.numerator)"] | join(" ")')" \
	"pistol_revolver:2/1 rifle:2/1 shotgun:1/1"
expect_eq "by tracing result" "$(jget '[.by_result | to_entries[] | select(.value > 0) | "\(.key):\(.value)"] | join(" ")')" \
	"civilian_holder:2 not_established:2 state_stocks:1"
expect_eq "by context" "$(jget '[.by_context | to_entries[] | "\(.key):\(.value)"] | join(" ")')" "amnesty:2 cache:2 crime:1"
expect_exit 0 "the report for people" A report sdg-16-4-2 --year 2025
expect_contains "the value" "$OUT" "60.00 %  (3 of 5)"
expect_contains "a count" "$OUT" "traced successfully"
expect_exit 0 "the report as CSV" A report sdg-16-4-2 --year 2025 --csv
expect_eq "its header" "$(head -1 <<<"$OUT")" "figure,value"
expect_contains "the value" "$OUT" "indicator.value,60.00"
expect_contains "a count" "$OUT" "established_otherwise,1"
expect_contains "a breakdown" "$OUT" "by_type.rifle.numerator,1"
expect_exit 0 "the weapons behind the numerator" A --json report sdg-16-4-2 --year 2025 --records numerator
expect_eq "the Glock, the FAL, the shotgun, by date" "$(jget '[.[].item_id] | join(",")')" "$SEIZED,$FAL,$SHOTGUN"
expect_eq "each with how" "$(jget '[.[] | .traced // .origin] | join(",")')" "hit,request,investigation"
expect_exit 0 "the records of a breakdown, for people" A report sdg-16-4-2 --year 2025 --records by_result.not_established
expect_contains "the unmarked rifle" "$OUT" "$RIFLE"
expect_eq "two weapons" "$(($(wc -l <<<"$OUT") - 1))" "2"
expect_exit 2 "an unknown figure is refused" A report sdg-16-4-2 --year 2025 --records everything
expect_contains "naming it" "$ERR" "figure"
expect_exit 2 "a year is required" A report sdg-16-4-2
run A --json report sdg-16-4-2 --year 2024
expect_eq "2024: the Norinco only, not traced" "$(jget '"\(.indicator.value) \(.counts.recovered)"')" "0 1"
run A --json report sdg-16-4-2 --year 2025 --site "$DEPT"
expect_eq "a site and the sites under it: the amnesty at Gonaïves" \
	"$(jget '"\(.indicator.value) \(.indicator.numerator) \(.indicator.denominator)"')" "50 1 2"

expect_exit 0 "verify the first" A verify
expect_contains "intact" "$OUT" "intact"
TABLES="SELECT * FROM loss_reports ORDER BY id; SELECT * FROM hits ORDER BY id; SELECT * FROM item_origins;
 SELECT * FROM trace_requests ORDER BY id; SELECT * FROM trace_responses; SELECT * FROM peers; SELECT id, status FROM items ORDER BY id;"
sqlite3 a.db "$TABLES" >before.txt
expect_exit 0 "rebuild the first" A rebuild
sqlite3 a.db "$TABLES" >after.txt
expect_same_file "the tracing tables rebuild the same from the events" before.txt after.txt
A --json report sdg-16-4-2 --year 2025 >sdg-after.json
expect_eq "and so does the indicator" "$(jq -r .indicator.value sdg-after.json)" "60"
expect_exit 0 "verify the second" B verify
expect_contains "intact" "$OUT" "intact"

# ---- a serial marked in two scripts: the hit is drawn from the matcher's edits ----
C() { "$WAM" --db c.db "$@"; }
expect_exit 0 "a third registry" C init --country HT
expect_exit 0 "a holder, with a licence and an address" C --json holder add "Sécurité Caraïbes SA" --type dealer \
	--country HT --licence "L-2020-31" --address "12 rue Capois, Port-au-Prince"
MHOLDER=$(jget .id)
expect_exit 0 "a Makarov marked in Cyrillic" C --json item add --category SA1 --make Makarov --model PM \
	--calibre 9x18mm --serial "ТЖ 8Б43" --country RU --holder "$MHOLDER"
MAKAROV=$(jget .id)
expect_exit 0 "... reported stolen" C loss report --item "$MAKAROV" --kind stolen --date 2025-01-10 \
	--circumstances "taken from a safe" --reported-by "Insp. Joseph"
cat >makarov.json <<'JSON'
{"type": "seized", "date": "2025-03-02", "place": "Jacmel", "context": "crime", "officer": "Insp. Joseph",
 "weapons": [{"category": "SA1", "make": "Makarov", "model": "PM", "calibre": "9x18mm", "serial": "TЖ 8Б3",
              "country": "RU"}]}
JSON
expect_exit 0 "seized, its serial recorded with a Latin T and a character missed" C --json recovery add \
	--from makarov.json
run C --json hit list
HIT2=$(jget '.[0].id')
expect_eq "a hit on the Makarov" "$(jget '.[0].registered.id')" "$MAKAROV"
expect_exit 0 "hit show" C hit show "$HIT2"
SERIAL_LINE=$(grep '^serial ' <<<"$OUT")
MARK_LINE=$(grep -A1 '^serial ' <<<"$OUT" | tail -1)
expect_contains "the keys aligned as the matcher's one edit says: the 4 the recovered serial lacks" "$SERIAL_LINE" \
	"TZH86-3"
expect_contains "" "$SERIAL_LINE" "TZH8643"
expect_eq "one ^ under each key, nothing under the T" "$(tr -cd '^' <<<"$MARK_LINE")" "^^"
GAP=${SERIAL_LINE%%-*}
expect_eq "... the recovered one under the gap" "${MARK_LINE:${#GAP}:1}" "^"
expect_contains "the serials as marked, below" "$OUT" "TЖ 8Б3"
expect_contains "the holder by name and type" "$OUT" "Sécurité Caraïbes SA (dealer)"
expect_not_contains "not by licence" "$OUT" "L-2020-31"
expect_not_contains "nor address" "$OUT" "Capois"
run C --json hit show "$HIT2"
expect_eq "as JSON: the holder's id, name and type only" "$(jget '.registered.holder | keys | join(",")')" "id,name,type"
expect_exit 2 "a point of diversion's country without its category" C hit confirm "$HIT2" --reason "same pistol" \
	--country BR
expect_contains "names the flag to give" "$ERR" "--category"
expect_exit 0 "... with it" C --json hit confirm "$HIT2" --reason "same pistol" --category civilian_holder --country BR
expect_eq "confirmed, the country kept" "$(jget '"\(.state) \(.point.country)"')" "confirmed BR"

# ---- trace requests: dates not after today, the acknowledgement travels, another state's request ----
LATER=$(date -u -d tomorrow +%F)
cat >request2.json <<'JSON'
{"reference": "PNH-TR-2025-011",
 "requesting": {"state": "HT", "agency": "PNH/BLTS", "contact": {"name": "Cmdr. Pierre", "email": "traces@pnh.example"}},
 "requested": {"state": "BE", "via": "national_contact_point"},
 "item": {"make": "FN Herstal", "model": "FAL", "category": "SA4", "calibre": "7.62x51mm", "serial": "1534279",
          "country": "BE"},
 "illicit_reason": "illicit_national_law", "justification": "possession without licence, Art. 12 of the arms law",
 "recovery": {"date": "2025-04-22", "place": "Gonaïves"},
 "intended_use": "criminal proceedings against the holder of the cache"}
JSON
expect_exit 0 "a second request drafted" A --json trace draft --from request2.json
TR2=$(jget .id)
BEFORE=$(events a.db)
expect_exit 0 "an update that changes nothing" A --json trace update "$TR2" --urgency routine --requested-state BE
expect_eq "records nothing" "$(events a.db)" "$BEFORE"
expect_exit 2 "sending dated after today is refused" A trace send "$TR2" --date "$LATER"
expect_contains "naming the date" "$ERR" "date $LATER is after today"
expect_eq "nothing was written" "$(events a.db)" "$BEFORE"
expect_exit 0 "sent today" A --json trace send "$TR2"
expect_exit 0 "exported" A trace export "$TR2" --out request2-doc.json
expect_exit 0 "Belgium imports it" B --json trace import request2-doc.json
TB2=$(jget .id)
expect_eq "the candidate quality of an incoming request: complete, not for sending" \
	"$(jget '"\(.quality.complete) \(.quality.sendable)"')" "true false"
expect_exit 4 "neither acknowledged nor answered, it does not leave" B trace export "$TB2"
expect_exit 2 "an acknowledgement dated after today is refused" B trace ack "$TB2" --date "$LATER"
expect_contains "naming the date" "$ERR" "is after today"
expect_exit 0 "acknowledged with a note" B trace ack "$TB2" --note "file BE/TR/2025/88"
expect_exit 0 "the acknowledgement is exported" B trace export "$TB2" --out ack2.json
expect_eq "a signed acknowledgement" "$(jq -r '.kind + " " + .acknowledgement.note + " " + (.signature | length | tostring)' ack2.json)" \
	"acknowledgement file BE/TR/2025/88 128"
expect_eq "naming the request as Haiti knows it" "$(jq -r .request.id ack2.json)" "$TR2"
expect_exit 0 "Haiti imports it" A --json trace import ack2.json
expect_eq "the request is acknowledged" "$(jget '"\(.state) \(.acknowledged)"')" "acknowledged $(date -u +%F)"
expect_exit 4 "once only" A trace import ack2.json
cat >response2.json <<JSON
{"result": "no_record", "date": "$LATER", "confidentiality": "unclassified"}
JSON
expect_exit 2 "a response dated after today is refused" B trace respond "$TB2" --from response2.json
expect_contains "naming the date" "$ERR" "is after today"
expect_exit 0 "answered today" B trace respond "$TB2" --result no_record --confidentiality unclassified
expect_exit 0 "the response is exported after the acknowledgement" B trace export "$TB2" --out answer2.json
expect_eq "a response" "$(jq -r .kind answer2.json)" "response"
expect_exit 0 "Haiti imports the answer" A --json trace import answer2.json
expect_eq "answered" "$(jget '.state + " " + .responses[-1].result')" "answered no_record"
expect_eq "the sender's recovery id stayed behind" "$(jq -r '.request.recovery.recovery_id // "none"' request.json)" "none"
expect_eq "... the recovery's date did not" "$(jq -r '.request.recovery.date' request.json)" "2025-05-14"

# a request addressed to another state is not Belgium's to import
jq '.requested.state = "FR" | .reference = "PNH-TR-2025-012"' request2.json >request3.json
expect_exit 0 "a request to France" A --json trace draft --from request3.json
TR3=$(jget .id)
expect_exit 0 "sent" A trace send "$TR3"
expect_exit 0 "exported" A trace export "$TR3" --out request3-doc.json
BEFORE=$(events other/wam.db)
expect_exit 7 "Belgium refuses it" B trace import request3-doc.json
expect_contains "naming the field" "$ERR" "request.requested.state"
expect_contains "and both states" "$ERR" "FR"
expect_contains "" "$ERR" "BE"
expect_eq "nothing was written" "$(events other/wam.db)" "$BEFORE"
mkdir stranger
expect_exit 0 "a registry that trusts no one" "$WAM" --db stranger/wam.db init --country BE
expect_exit 7 "refuses the request" "$WAM" --db stranger/wam.db trace import request2-doc.json
expect_contains "saying how to trust a peer" "$ERR" "(wam peer add)"

# readable characters, as the hit rule counts them
jq '.item.serial = "1?3"' request2.json >quality.json
expect_exit 0 "the quality of a serial with an unreadable character and too few readable ones" \
	A --json trace quality --from quality.json
expect_eq "both doubts" "$(jget '[.doubtful[] | select(.field == "item.serial")] | length')" "2"
jq '.item.serial = "1-2-3"' request2.json >quality.json
run A --json trace quality --from quality.json
expect_contains "separators are not characters" "$(jget '[.doubtful[] | select(.field == "item.serial") | .message] | join(",")')" \
	"fewer than 4 readable"
expect_exit 0 "verify the first again" A verify
expect_exit 0 "verify the second again" B verify

# ---- Belgium stops trusting Haiti's key ----
NODE_A=$(jq -r .node_id node-a.json)
BEFORE=$(events other/wam.db)
expect_exit 2 "a revocation needs its reason" B peer revoke "$NODE_A"
expect_contains "naming it" "$ERR" "reason"
expect_eq "nothing was written" "$(events other/wam.db)" "$BEFORE"
expect_exit 0 "the key is revoked" B peer revoke "$NODE_A" --reason "key compromised: officer's laptop stolen"
expect_exit 0 "peer list" B peer list
expect_contains "shows it revoked" "$OUT" "revoked 20"
expect_contains "and why" "$OUT" "laptop stolen"
expect_exit 0 "peer list as JSON" B --json peer list
expect_eq "no longer active" "$(jget '.[] | select(.node_id == "'"$NODE_A"'") | (.active | tostring) + " " + .revoked_reason')" \
	"false key compromised: officer's laptop stolen"
INCOMING=$(B --json trace list --direction incoming | jq length)
BEFORE=$(events other/wam.db)
expect_exit 7 "a document of the revoked peer is refused" B trace import request2-doc.json
expect_contains "saying the key was revoked" "$ERR" "revoked"
expect_contains "and why" "$ERR" "laptop stolen"
expect_exit 4 "the revoked key is not trusted again" B peer add --from node-a.json
expect_contains "naming it" "$ERR" "public_key"
expect_eq "nothing was written" "$(events other/wam.db)" "$BEFORE"
expect_eq "the requests imported before stay" "$(B --json trace list --direction incoming | jq length)" "$INCOMING"
expect_exit 0 "verify after the revocation" B verify

done_testing
