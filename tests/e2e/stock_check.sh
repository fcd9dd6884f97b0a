#!/bin/bash
# e2e-stock_check: a stock check through the real `wam` binary — open with
# two checkers (one refused), see (typed and scanned), feed a stream of
# reads with duplicates, close into the reconciliation people read, refuse
# reads once closed, list the investigations, resolve them only as an
# authorised officer who did not check (an armourer refused, a registrar
# allowed; `lost` changes the weapon's status), and verify and rebuild.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
W() { "$WAM" --db $DB "$@"; }

expect_exit 0 "init" W init --country HT
expect_exit 0 "site A" W --json site add "Depot A" --kind depot
A=$(jget .id)
expect_exit 0 "site B" W --json site add "Depot B" --kind depot
B=$(jget .id)
for u in ann:armourer bob:armourer carl:armourer rex:registrar; do
	W user add "${u%%:*}" --role "${u##*:}" --password-stdin <<<"a long enough password" >/dev/null
done
for i in $(seq -w 1 20); do
	W item add --category SA1 --make Glock --model 17 --calibre 9x19mm --serial "AK-00$i" --country AT \
		--site "$A" >/dev/null || echo "# item AK-00$i not added"
done
for i in 1 2; do
	W item add --category SA1 --make Glock --model 19 --calibre 9x19mm --serial "BK-000$i" --country AT \
		--site "$B" >/dev/null
done

# ---- open ----
expect_exit 2 "one checker is refused" W stock open --site "$A" --type FULL_SERIAL --checkers ann
expect_contains "... naming the two-person rule" "$ERR" "at least two different checkers"
expect_exit 2 "an unknown type is refused" W stock open --site "$A" --type GUESS --checkers ann,bob
expect_exit 0 "open a full serial check" W --json stock open --site "$A" --type FULL_SERIAL --checkers ann,bob
C=$(jget .id)
expect_eq "the expected list is fixed at opening" "$(jget .expected)" 20
expect_eq "the check is open" "$(jget .status)" open

# ---- see and feed ----
expect_exit 0 "see typed serials" W stock see "$C" "ak 0001" AK-0002
expect_contains "reads are counted" "$OUT" "2 reads, 2 new"
ID3=$(W --json item list --site "$A" --limit 100 | jq -r '.items[] | select(.serial=="AK-0003") | .id')
expect_exit 0 "see a scanned weapon id" W stock see "$C" "$ID3" --scanned
{
	for i in $(seq -w 4 17); do echo "AK-00$i"; done
	echo "AK-0004"
	echo
	echo "BK-0001"
	echo "bk 0002"
	echo "ZZ-UNKNOWN-1"
} >reads.txt
expect_exit 0 "feed a stream of reads" W stock feed "$C" <reads.txt
expect_contains "a duplicate counts once" "$OUT" "18 reads, 17 new, 1 seen before"

# ---- close ----
expect_exit 0 "close the check" W stock close "$C"
expect_contains "3 missing" "$OUT" "missing: 3"
expect_contains "2 at the wrong location" "$OUT" "wrong_location: 2"
expect_contains "1 unexpected" "$OUT" "unexpected: 1"
expect_contains "the unknown read is shown" "$OUT" "ZZ-UNKNOWN-1"
expect_contains "a missing weapon's serial is shown" "$OUT" "AK-0020"
expect_exit 4 "a closed check refuses reads" W stock see "$C" AK-0018
expect_exit 0 "show the check as JSON" W --json stock show "$C"
expect_eq "missing, by serial" "$(jget '[.reconciliation.missing[].serial] | join(",")')" "AK-0018,AK-0019,AK-0020"
expect_eq "wrong location names site B" "$(jget '[.reconciliation.wrong_location[].registered_site] | unique | join(",")')" "$B"
expect_exit 0 "list checks" W stock list
expect_contains "the list shows the check" "$OUT" "$C"

# ---- investigations ----
expect_exit 0 "open investigations" W --json stock investigations
expect_eq "six open investigations" "$(jget length)" 6
INV=$(jget '[.[] | select(.kind=="missing")][0].id')
ITEM=$(jget '[.[] | select(.kind=="missing")][0].item_id')
UNK=$(jget '[.[] | select(.kind=="unexpected")][0].id')
PW="a long enough password"
expect_exit 2 "the resolver is not a name typed: --by is refused" W stock resolve "$INV" --outcome lost \
	--reason "gone" --by rex
expect_exit 7 "an armourer may not resolve" W --as carl --password-stdin stock resolve "$INV" --outcome lost \
	--reason "gone" <<<"$PW"
expect_exit 7 "a checker may not resolve" W --as ann --password-stdin stock resolve "$INV" --outcome lost \
	--reason "gone" <<<"$PW"
expect_exit 0 "a registrar resolves it as lost, signed in as themselves" W --json --as rex --password-stdin \
	stock resolve "$INV" --outcome lost --reason "not in the rack" <<<"$PW"
expect_eq "the resolver recorded is the one who signed in" "$(jget .resolved_by)" "user:rex"
expect_eq "the event's actor is the resolver" \
	"$(sqlite3 $DB "SELECT actor = json_extract(payload,'$.by') FROM events WHERE type='check.resolved'")" 1
expect_eq "the weapon is lost" "$(W --json item show "$ITEM" | jq -r .status)" lost
expect_exit 2 "an unknown read cannot be reported lost" W --as rex --password-stdin stock resolve "$UNK" \
	--outcome lost --reason x <<<"$PW"
expect_exit 7 "the operating-system account opened the check and may not resolve it (R9)" W stock resolve \
	"$UNK" --outcome written_off --reason "a mistyped read"
expect_contains "... the refusal names the rule" "$ERR" "opened check"
expect_exit 0 "an unknown read is written off" W --json --as rex --password-stdin stock resolve "$UNK" \
	--outcome written_off --reason "a mistyped read" <<<"$PW"
expect_exit 0 "open investigations again" W --json stock investigations
expect_eq "four are left open" "$(jget length)" 4
expect_exit 0 "all investigations" W --json stock investigations --all
expect_eq "six in all" "$(jget length)" 6

# ---- a random sample, reproducible ----
expect_exit 0 "open a random sample with a seed" W --json stock open --site "$A" --type RANDOM_SAMPLE \
	--checkers ann,bob --sample 5 --seed 7
S1=$(jget .id)
expect_eq "five drawn" "$(jget .expected)" 5
expect_exit 0 "the same seed again" W --json stock open --site "$A" --type RANDOM_SAMPLE --checkers ann,bob \
	--sample 5 --seed 7
S2=$(jget .id)
expect_eq "the seed is recorded" "$(jget .seed)" 7
E1=$(sqlite3 $DB "SELECT group_concat(ref) FROM (SELECT ref FROM stock_check_expected WHERE check_id='$S1' ORDER BY ref)" 2>/dev/null || echo x)
E2=$(sqlite3 $DB "SELECT group_concat(ref) FROM (SELECT ref FROM stock_check_expected WHERE check_id='$S2' ORDER BY ref)" 2>/dev/null || echo x)
expect_eq "the same seed draws the same sample" "$E1" "$E2"

# ---- a quantity check counts lots (when this build has lots) ----
if "$WAM" --help | grep -q '^  lot add'; then
	expect_exit 0 "a lot at site A" W --json lot add --nomenclature "Cartridge 9x19mm" --lot L-77 --rounds 1000 \
		--hazard 1.4 --group S --site "$A"
	LOT=$(jget .id)
	expect_exit 0 "open a quantity check" W --json stock open --site "$A" --type QUANTITY --checkers ann,bob
	Q=$(jget .id)
	printf 'LOT l77 900\nLOT L-77 990\n' >counts.txt
	expect_exit 0 "feed lot counts (the last count stands)" W stock feed "$Q" counts.txt --method typed
	expect_exit 0 "close the quantity check" W --json stock close "$Q"
	expect_eq "the lot is 10 rounds short" "$(jget '.reconciliation.quantity[0] | "\(.lot_id) \(.expected_qty) \(.counted_qty)"')" \
		"$LOT 1000 990"
else
	ok "# SKIP quantity of lots: this build has no lots"
fi
expect_exit 2 "a full serial check takes no lot counts" W stock see "$S1" "LOT L-77 5"

# ---- over the API ----
"$WAM" --db $DB token add armourer-api --role armourer --json >tok1.json 2>/dev/null
# a token acts for whoever added it: the registrar's token is added by
# another admin than the one whose token opens the check (rule R9)
W user add tess --role admin --password-stdin <<<"a long enough password" >/dev/null
"$WAM" --db $DB --as tess --password-stdin token add registrar-api --role registrar --json >tok2.json \
	2>/dev/null <<<"a long enough password"
ARM=$(jq -r .secret tok1.json)
REG=$(jq -r .secret tok2.json)
"$WAM" --db $DB token add registrar-same --role registrar --json >tok4.json 2>/dev/null
SAME=$(jq -r .secret tok4.json)
"$WAM" --db $DB token add armourer-b --role armourer --site "$B" --json >tok3.json 2>/dev/null
CONF=$(jq -r .secret tok3.json)
"$WAM" --db $DB serve --listen 127.0.0.1:0 --ready-file ready.txt --access-log none 2>serve.err &
SERVE=$!
for _ in $(seq 1 100); do [ -s ready.txt ] && break; sleep 0.1; done
URL=$(cat ready.txt)
api() { # api TOKEN METHOD PATH [CTYPE BODY]
	local tok=$1 m=$2 p=$3
	if [ $# -ge 5 ]; then
		curl -s -o api.out -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" -H "Content-Type: $4" \
			--data-binary "$5" "$URL$p"
	else
		curl -s -o api.out -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$URL$p"
	fi
}
CODE=$(api "$ARM" POST /api/v1/checks application/json "{\"site_id\":\"$A\",\"type\":\"FULL_SERIAL\",\"checkers\":[\"ann\",\"bob\"]}")
expect_eq "POST /checks as an armourer: 201" "$CODE" 201
H=$(jq -r .id api.out)
CODE=$(api "$ARM" POST "/api/v1/checks/$H/reads" text/plain "$(printf 'AK-0001\nak0001\nAK-0002\nBK-0001\n')")
expect_eq "POST reads as text/plain: 200" "$CODE" 200
expect_eq "... a duplicate counted once" "$(jq -r '"\(.reads) \(.new)"' api.out)" "4 3"
CODE=$(api "$ARM" POST "/api/v1/checks/$H/reads" application/json '{"reads":["AK-0003","NOPE-9"],"method":"scanned"}')
expect_eq "POST reads as JSON: 200" "$CODE" 200
CODE=$(api "$REG" POST "/api/v1/checks/$H/close")
expect_eq "a registrar may not close a check: 403" "$CODE" 403
CODE=$(api "$ARM" POST "/api/v1/checks/$H/close")
expect_eq "POST close as an armourer: 200" "$CODE" 200
expect_eq "the reconciliation over the API" "$(jq -r '.reconciliation | "\(.missing|length) \(.wrong_location|length) \(.unexpected|length)"' api.out)" "16 1 1"
CODE=$(api "$ARM" POST "/api/v1/checks/$H/reads" text/plain "AK-0004")
expect_eq "a closed check refuses reads: 409" "$CODE" 409
CODE=$(api "$ARM" GET "/api/v1/checks/investigations?check=$H")
HI=$(jq -r '[.[] | select(.kind=="wrong_location")][0].id' api.out)
CODE=$(api "$ARM" POST "/api/v1/checks/investigations/$HI/resolve" application/json '{"outcome":"found","where":"Depot B"}')
expect_eq "an armourer may not resolve: 403" "$CODE" 403
CODE=$(api "$SAME" POST "/api/v1/checks/investigations/$HI/resolve" application/json '{"outcome":"found","where":"Depot B"}')
expect_eq "a registrar token added by whoever added the opener's token is that person: 403" "$CODE" 403
expect_contains "... it opened the check (R9)" "$(cat api.out)" "opened check"
CODE=$(api "$REG" POST "/api/v1/checks/investigations/$HI/resolve" application/json '{"outcome":"found","where":"Depot B","by":"rex"}')
expect_eq "a resolver's name in the body is refused: 422" "$CODE" 422
CODE=$(api "$REG" POST "/api/v1/checks/investigations/$HI/resolve" application/json '{"outcome":"found","where":"Depot B"}')
expect_eq "a registrar resolves: 200" "$CODE" 200
expect_eq "... found, where" "$(jq -r '"\(.outcome) \(.where)"' api.out)" "found Depot B"
CODE=$(api "$CONF" GET /api/v1/checks)
expect_eq "a caller confined to site B lists no check of site A" "$CODE $(jq -r length api.out)" "200 0"
CODE=$(api "$CONF" GET "/api/v1/checks/$H")
expect_eq "... and gets 404 for one" "$CODE" 404
CODE=$(api "$CONF" GET /api/v1/checks/investigations)
expect_eq "... sees none of its investigations" "$CODE $(jq -r length api.out)" "200 0"
CODE=$(api "$CONF" POST /api/v1/checks application/json "{\"site_id\":\"$A\",\"type\":\"FULL_SERIAL\",\"checkers\":[\"ann\",\"bob\"]}")
expect_eq "... and may not open one at site A: 403" "$CODE" 403
CODE=$(api "$CONF" POST /api/v1/checks application/json "{\"site_id\":\"$B\",\"type\":\"FULL_SERIAL\",\"checkers\":[\"ann\",\"bob\"]}")
expect_eq "... but may at site B: 201" "$CODE" 201
kill "$SERVE" 2>/dev/null
wait "$SERVE" 2>/dev/null

# ---- the ledger ----
expect_exit 0 "verify" W verify
expect_contains "intact" "$OUT" "intact"
expect_exit 0 "rebuild" W rebuild
expect_exit 0 "verify after rebuild" W verify
expect_exit 0 "the reconciliation after rebuild" W --json stock show "$C"
expect_eq "the same missing weapons" "$(jget '[.reconciliation.missing[].serial] | join(",")')" "AK-0018,AK-0019,AK-0020"

done_testing
