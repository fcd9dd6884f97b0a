#!/usr/bin/env bash
# `make run`: creates the demo registry if there is none, walks through the
# command line on it (every command shown is run for real), then serves the
# API and the web console, creating an administrator the first time.
# Run from the repository root (WAM=build/wam by default), or give WAM=/path/to/wam.
set -euo pipefail
WAM=${WAM:-build/wam}
DB=${DB:-wam.db}
ITEMS=${ITEMS:-100000}
LISTEN=${LISTEN:-127.0.0.1:8080}
export WAM_DB=$DB

# each step shown as a line to copy: a word with a space, a quote or a
# character the shell reads (? * ( ) ...) is shown in single quotes
step() {
  local shown='' a q="'"
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9._/:=@+,-]+$ ]]; then
      shown+=" $a"
    else
      shown+=" '${a//$q/$q\\$q$q}'"
    fi
  done
  printf '\n\033[1m$ wam%s\033[0m\n' "$shown"
  "$WAM" "$@"
}

if [ ! -f "$DB" ]; then
  echo "creating a demo registry of $ITEMS weapons in $DB ..."
  "$WAM" demo --items "$ITEMS" --seed 1
fi
# a demo registry made by an older wam is brought up to date once (on a real
# registry that is the operator's explicit `wam rebuild`: docs/ledger.md)
"$WAM" summary >/dev/null 2>&1 || "$WAM" rebuild

cat <<TXT

wam — weapons and ammunition management, tracing and embargo monitoring.
This is a synthetic national registry ($DB). A short tour of the command line:
TXT
step summary
step site list
step item list --status stolen --limit 5
id=$("$WAM" --json item list --status stolen --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
serial=$("$WAM" --json item show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["serial"])')
step item show "$id"
step item history "$id"
step item show --serial "$serial"
step item list --make "Izhmash (Izhevsk Machine-Building Plant)" --limit 5
# the same serial as a field officer might read it: two characters misread
misread=$(printf '%s' "$serial" | sed 's/1/l/; s/5/S/; s/0/O/')
step search "$misread"
step search --explain "ХА12?4*"
# the stockpile: ammunition, custody, a stock check, field collection, destruction
step lot list
step lot expiring --days 365
step custody list --state open
step stock list
step stock investigations
step recovery list
step recovery tasks
step destruction list
step item export list
# tracing: lost and stolen weapons, hits from recoveries, trace requests, SDG 16.4.2
# weapons of new technologies, parts, and ammunition outside the depot
step item list --manufacture printed --limit 5
printed=$("$WAM" --json item list --manufacture printed --kind part --limit 1 | python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(i[0]["id"] if i else "")')
if [ -n "$printed" ]; then step item show "$printed"; fi
cache=$("$WAM" --json recovery list | python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x.get("ammunition_rounds")]; print(r[0]["id"] if r else "")')
if [ -n "$cache" ]; then step recovery show "$cache"; fi
step search-ammunition --headstamp "7l 8l" --calibre 7.62x39

step loss list --open
step hit list --state open
hit=$("$WAM" --json hit list --state open | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h[0]["id"] if h else "")')
if [ -n "$hit" ]; then step hit show "$hit"; fi
step trace list
step trace overdue
step report sdg-16-4-2 --year 2025
# transfers: licences, end-user certificates, shipments, brokers, diversion alerts
step licence list
step licence show HT-EXP-2026-0014
step euc show BS-MNS-EUC-2026-003
step diversion list --state open
step broker list
step transfer records --direction export
# arms embargoes and sanctions: regimes with their history, a destination checked on a past date,
# the (fictitious) sanctions list, a name screened across scripts, alerts, exemptions, notices
step embargo list
step embargo check CF --on 2024-08-01
step sanctions list
step sanctions screen "Мустафа Юсуф аль-Кумрави" --explain
step sanctions alerts
step exemption list
step notice list
# embargo monitoring in the field: a mission's observations in two provinces, the same rifle
# seen in both, a finding's evidence rule, an actor's profile, the signed evidence pack verified
step observation list --country CF
finding=$("$WAM" --json finding list --state corroborated | python3 -c 'import json,sys; f=json.load(sys.stdin); print(f[0]["id"] if f else "")')
if [ -n "$finding" ]; then
  step finding show "$finding"
  step finding rule "$finding"
  actor=$("$WAM" --json finding show "$finding" | python3 -c 'import json,sys; print((json.load(sys.stdin).get("actor") or {}).get("name") or "")')
  if [ -n "$actor" ]; then step profile actor "$actor"; fi
fi
step finding list
if [ -f "$DB.evidence.wep" ]; then step evidence verify "$DB.evidence.wep"; fi
step report committee --from "$(date -u +%Y)-01-01" --to "$(date -u +%F)"
# international reports from the records: the UN Register return, the ATT report, the PoA figures and the
# UNODC questionnaire; the return submitted (signed, frozen) and what a late arrival changed since
year=$(date -u +%Y)
step report unroca --year "$year"
step report att --year "$year" --basis authorised --exports
step report poa --year "$year"
step report iafq --year "$((year - 1))"
step report submissions
step report diff unroca --year "$year"
step verify
step head
cat <<TXT

More: wam --help, README.md and docs/. Try, on a copy of the registry:
  wam item add --category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm \\
      --serial 56-1234567 --country CN --year 1978 --import HT:2019
  wam item status <id> stolen --reason "armoury break-in, report 2026/114"
  wam export --format csv --out items.csv
  wam backup --out backup.db && wam restore backup.db --db restored.db --expect-key <the key verify printed>
  wam evidence pack <finding> --out pack.wep --redact-sources && wam evidence verify pack.wep
TXT

# The web console needs someone to sign in: an administrator with a random
# password, printed this once (only its Argon2id hash is kept).
if ! "$WAM" user show admin >/dev/null 2>&1; then
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(15))')
  "$WAM" user add admin --role admin --password-stdin <<<"$password" >/dev/null
  printf '\n\033[1mcreated the user admin with the password  %s\033[0m\n' "$password"
  echo "(shown only now; change it with: wam user passwd admin)"
else
  echo; echo "sign in as admin with the password shown when it was created (reset: wam user passwd admin)"
fi
echo
echo "web console and API: http://$LISTEN   (docs/api.md; Ctrl-C stops the server)"
exec "$WAM" serve --listen "$LISTEN"
