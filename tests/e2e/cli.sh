#!/bin/bash
# e2e-cli: the `wam` commands a registry officer uses, on a fresh registry:
# init, site add, item add (flags, --from FILE with Cyrillic and Arabic
# markings, --from -), item show (by id and --serial), item list filters and
# paging, item status (reason, illegal transitions), item history, exit
# codes for usage errors and unknown ids, where the registry is found
# (--db, $WAM_DB, ./wam.db) and stable --json output.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db

# ---- init ----
expect_exit 0 "init creates a registry" "$WAM" --db $DB init --country HT --name "Test registry"
expect_contains "init names the registry and its node key" "$OUT" "node key  $DB.key"
expect_eq "the node key is private" "$(stat -c %a $DB.key)" 600
expect_exit 4 "init never overwrites a registry" "$WAM" --db $DB init
expect_contains "init says why it refused" "$ERR" "already exists"
expect_exit 2 "init rejects an unknown country" "$WAM" --db other.db init --country XX
check "a failed init leaves nothing behind" test ! -e other.db -a ! -e other.db.key

# ---- sites ----
expect_exit 0 "site add" "$WAM" --db $DB --json site add "Central Armoury" --kind armoury --country HT --lat 18.54 --lon -72.34
SITE=$(jget .id)
expect_eq "site add prints the new site's id" "${#SITE}" 26
expect_eq "site add keeps the coordinates" "$(jget .lat)" 18.54
expect_exit 2 "site add rejects an unknown kind" "$WAM" --db $DB site add "Shed" --kind shed

# ---- holders: a person's sex and age band ----
expect_exit 0 "holder add with a sex and an age band" "$WAM" --db $DB --json holder add "Licensee CP-2021-1187" \
	--type civilian --licence CP-2021-1187 --sex female --age-band 35_59
expect_eq "... kept" "$(jget '[.sex, .age_band] | join(",")')" "female,35_59"
expect_exit 0 "holder add without them" "$WAM" --db $DB --json holder add "Police Nationale" --type police
HOLDER=$(jget .id)
expect_eq "... shows each not_recorded" "$(jget '[.sex, .age_band] | join(",")')" "not_recorded,not_recorded"
N=$(sqlite3 $DB "SELECT count(*) FROM events")
expect_exit 2 "holder describe refuses a word outside the vocabulary" "$WAM" --db $DB holder describe "$HOLDER" \
	--age-band adult
expect_contains "... naming the field" "$ERR" "age_band 'adult' is not one of"
expect_exit 2 "holder add refuses one too" "$WAM" --db $DB holder add "X" --type civilian --sex f
expect_contains "... naming the field" "$ERR" "sex 'f' is not one of"
expect_eq "... and nothing was written" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$N"
expect_exit 0 "holder describe records the age band later" "$WAM" --db $DB --json holder describe "$HOLDER" \
	--age-band 25_34
expect_eq "... one holder.described event" "$(sqlite3 $DB "SELECT type FROM events WHERE seq > $N")" "holder.described"
expect_exit 0 "holder show" "$WAM" --db $DB --json holder show "$HOLDER"
expect_eq "... the age band given, the sex still not recorded" "$(jget '[.sex, .age_band] | join(",")')" \
	"not_recorded,25_34"
expect_exit 0 "verify after a description" "$WAM" --db $DB verify

# ---- item add with flags ----
expect_exit 0 "item add with flags" "$WAM" --db $DB --json item add --category SA2 --make Kalashnikov --model AKM \
	--calibre 7.62x39mm --serial "KA-1975-0001" --country SUHH --year 1975 --import HT:2019 --site "$SITE"
AK=$(jget .id)
expect_eq "item add prints the id" "${#AK}" 26
expect_eq "item add derives the marking status" "$(jget .marking_status)" adequate
expect_eq "the frame serial becomes a marking" "$(jget '.markings[0].kind + ":" + .markings[0].text')" "serial:KA-1975-0001"
expect_eq "the import mark is kept" "$(jget '.import_marks[0].country + ":" + (.import_marks[0].year|tostring)')" "HT:2019"
expect_exit 0 "item add without --json prints the record" "$WAM" --db $DB item add --category SA1 --make Beretta \
	--model 92FS --serial "B12345Z" --country IT --marking slide:serial:B12345Z
expect_contains "the text output says what was registered" "$OUT" "registered "
expect_contains "the text output shows the marking status" "$OUT" "inadequate"
BERETTA=$(printf '%s\n' "$OUT" | sed -n 's/^registered //p')

# ---- item add --from FILE (Cyrillic and Arabic markings) and --from - ----
cat >rpk.json <<'EOF'
{"category": "SA3", "make": "Izhmash", "model": "RPK", "serial": "БТ 4471", "country": "SUHH", "year": 1981,
 "markings": [
   {"component": "frame_receiver", "kind": "manufacturer", "text": "ИЖМАШ"},
   {"component": "top_cover", "kind": "state_ownership", "text": "الجيش العراقي", "legibility": "worn"},
   {"component": "stock", "kind": "other", "text": "صنع في ٢٠٠٣"}],
 "notes": "recovered at the border"}
EOF
expect_exit 0 "item add --from a JSON file" "$WAM" --db $DB --json item add --from rpk.json
RPK=$(jget .id)
expect_exit 0 "item show --json" "$WAM" --db $DB --json item show "$RPK"
expect_eq "the Cyrillic serial is kept verbatim" "$(jget .serial)" "БТ 4471"
expect_eq "the Cyrillic marking is kept verbatim" "$(jget '.markings[] | select(.kind=="manufacturer") | .text')" "ИЖМАШ"
expect_eq "its script is detected" "$(jget '.markings[] | select(.kind=="manufacturer") | .script')" cyrillic
expect_eq "the Arabic marking is kept verbatim" "$(jget '.markings[] | select(.kind=="state_ownership") | .text')" "الجيش العراقي"
expect_eq "its script is detected" "$(jget '.markings[] | select(.kind=="state_ownership") | .script')" arabic
expect_eq "Arabic-Indic digits stay as written" "$(jget '.markings[] | select(.component=="stock") | .text')" "صنع في ٢٠٠٣"
expect_exit 0 "item show prints Arabic text in the table" "$WAM" --db $DB item show "$RPK"
expect_contains "the table has the Arabic text" "$OUT" "الجيش العراقي"

expect_exit 0 "item add --from - reads stdin" "$WAM" --db $DB --json item add --from - <<'EOF'
{"category": "SA1", "make": "Glock", "model": "17", "serial": "AXB-123", "country": "AT"}
EOF
GLOCK=$(jget .id)
expect_eq "stdin item registered" "$(jget .make)" Glock
expect_exit 0 "flags override fields of --from" "$WAM" --db $DB --json item add --from rpk.json --serial "БТ 9999" --year 1983
expect_eq "the flag's serial and year win" "$(jget '.serial + " " + (.year|tostring)')" "БТ 9999 1983"
RPK2=$(jget .id)
echo '{"category": "SA1",' >broken.json
expect_exit 2 "item add --from a broken JSON file" "$WAM" --db $DB item add --from broken.json
expect_contains "the error says where" "$ERR" "line"
expect_exit 2 "item add with an unknown category names the field" "$WAM" --db $DB item add --category SA9 --serial 1
expect_contains "the error names the field" "$ERR" "[field: category]"
expect_exit 4 "a duplicate (other case and separators) is refused" "$WAM" --db $DB item add --category SA2 \
	--make KALASHNIKOV --serial "ka 1975 0001" --country suhh
expect_contains "the refusal names the registered weapon" "$ERR" "$AK"
expect_exit 0 "--allow-duplicate records it knowingly" "$WAM" --db $DB --json item add --category SA2 \
	--make KALASHNIKOV --serial "ka 1975 0001" --country suhh --allow-duplicate
expect_eq "the duplicate lists the original" "$(jget '.duplicate_of[0]')" "$AK"

# ---- item show ----
expect_exit 0 "item show ID" "$WAM" --db $DB item show "$AK"
expect_contains "item show prints the serial" "$OUT" "KA-1975-0001"
expect_contains "item show prints the import marks" "$OUT" "import marks:"
expect_exit 0 "item show --serial finds any transcription" "$WAM" --db $DB --json item show --serial "axb123"
expect_eq "one match lists that weapon" "$(jget 'length'):$(jget '.[0].id')" "1:$GLOCK"
expect_exit 0 "item show --serial with two matches" "$WAM" --db $DB --json item show --serial "KA19750001"
expect_eq "two matches print a list of both" "$(jget '[.[].id] | length')" 2
expect_exit 3 "item show --serial with no match" "$WAM" --db $DB item show --serial "NOPE-1"

# ---- item status and history ----
expect_exit 2 "stolen needs a reason" "$WAM" --db $DB item status "$GLOCK" stolen
expect_contains "the error names the reason" "$ERR" "[field: reason]"
expect_exit 0 "item status stolen --reason" "$WAM" --db $DB item status "$GLOCK" stolen --reason "armoury break-in"
expect_contains "item status confirms" "$OUT" "is now stolen"
expect_exit 4 "an illegal transition is a conflict" "$WAM" --db $DB item status "$GLOCK" in_store
expect_contains "the error lists the allowed statuses" "$ERR" "allowed from stolen: seized, found, surrendered"
N=$(sqlite3 $DB "SELECT count(*) FROM events")
expect_exit 4 "destroyed is never a status change: only a closed destruction batch" \
	"$WAM" --db $DB item status "$GLOCK" destroyed --reason x --certificate anything
expect_contains "... the error points to destruction batches" "$ERR" "destruction batch"
expect_exit 4 "exported is never a status change: only an export a second person confirms" \
	"$WAM" --db $DB item status "$GLOCK" exported --reason x
expect_contains "... the error points to the export procedure" "$ERR" "item export propose/confirm"
expect_eq "... and nothing was written" "$(sqlite3 $DB "SELECT count(*) FROM events")" "$N"
expect_exit 0 "item history" "$WAM" --db $DB item history "$GLOCK"
expect_contains "history shows the registration" "$OUT" "item.registered"
expect_contains "history shows the status change" "$OUT" "status in_store → stolen: armoury break-in"
expect_exit 0 "item history --json" "$WAM" --db $DB --json item history "$GLOCK"
expect_eq "history --json has two events" "$(jget length)" 2
expect_eq "registration has no before" "$(jget '.[0].before')" null
expect_eq "registration's after is the weapon" "$(jget '.[0].after.serial')" "AXB-123"
expect_eq "the change has before and after" "$(jget '.[1].before.status + " -> " + .[1].after.status')" "in_store -> stolen"

# ---- item list ----
expect_exit 0 "item list --status stolen" "$WAM" --db $DB --json item list --status stolen
expect_eq "only the stolen weapon" "$(jget '[.items[].id] | join(",")')" "$GLOCK"
expect_exit 0 "item list --make is case-insensitive" "$WAM" --db $DB --json item list --make "kalashNIKOV"
expect_eq "both Kalashnikov records" "$(jget '.items | length')" 2
expect_exit 0 "item list --category" "$WAM" --db $DB --json item list --category SA3
expect_eq "only the two RPKs" "$(jget '[.items[].id] | join(",")')" "$RPK,$RPK2"
expect_exit 0 "item list --site" "$WAM" --db $DB --json item list --site "$SITE"
expect_eq "only the weapon kept at the site" "$(jget '[.items[].id] | join(",")')" "$AK"
expect_exit 0 "item list --limit 2" "$WAM" --db $DB --json item list --limit 2
expect_eq "two items on the first page" "$(jget '.items | length')" 2
NEXT=$(jget .next)
expect_eq "next is the last id of the page" "$NEXT" "$(jget '.items[1].id')"
expect_exit 0 "item list --after NEXT" "$WAM" --db $DB --json item list --limit 2 --after "$NEXT"
expect_eq "the second page goes on from there" "$(jget '.items | length') $(jget .next)" "2 $(jget '.items[1].id')"
expect_exit 0 "item list text mentions the next page" "$WAM" --db $DB item list --limit 2
expect_contains "the text output shows how to go on" "$OUT" "more: wam item list --after $NEXT"
expect_exit 0 "item list shows all six" "$WAM" --db $DB --json item list
expect_eq "six weapons, no next page" "$(jget '.items | length') $(jget .next)" "6 null"
expect_exit 2 "item list --status with an unknown status" "$WAM" --db $DB item list --status melted

# ---- usage errors and unknown ids ----
expect_exit 2 "an unknown global option" "$WAM" --db $DB --bogus summary
expect_exit 2 "an unknown command option" "$WAM" --db $DB item list --bogus
expect_contains "the error names the option" "$ERR" "--bogus"
expect_exit 2 "an unknown command" "$WAM" --db $DB frobnicate
expect_exit 2 "an option without its value" "$WAM" --db $DB item list --status
expect_exit 3 "item show of an unknown id" "$WAM" --db $DB item show 01ARZ3NDEKTSV4RRFFQ69G5FAV
expect_exit 3 "item status of an unknown id" "$WAM" --db $DB item status 01ARZ3NDEKTSV4RRFFQ69G5FAV issued
expect_exit 3 "item history of an unknown id" "$WAM" --db $DB item history 01ARZ3NDEKTSV4RRFFQ69G5FAV
expect_exit 3 "--json errors are JSON on stderr" "$WAM" --db $DB --json item show 01ARZ3NDEKTSV4RRFFQ69G5FAV
expect_eq "the JSON error has the code" "$(printf '%s' "$ERR" | jq -r .error.code)" not_found
expect_exit 3 "a missing registry is not found" "$WAM" --db missing.db summary
expect_exit 0 "--help" "$WAM" --help
expect_contains "--help lists the commands" "$OUT" "item status ID STATUS"

# ---- where the registry is ----
mkdir -p elsewhere
expect_exit 0 "\$WAM_DB names the registry" env WAM_DB="$TMP/$DB" "$WAM" --json summary
expect_eq "\$WAM_DB registry has 6 weapons" "$(jget .totals.items)" 6
expect_exit 0 "--db wins over \$WAM_DB" env WAM_DB="$TMP/missing.db" "$WAM" --db "$TMP/$DB" --json summary
(cd elsewhere && "$WAM" init >/dev/null 2>&1)
check "without --db or \$WAM_DB the registry is ./wam.db" test -e elsewhere/wam.db
run bash -c "cd elsewhere && '$WAM' --json summary"
expect_eq "./wam.db is used by later commands" "$RC $(jget .totals.items)" "0 0"

# ---- stable --json ----
"$WAM" --db $DB --json item show "$RPK" >show1.json
"$WAM" --db $DB --json item show "$RPK" >show2.json
expect_same_file "item show --json is the same twice" show1.json show2.json
"$WAM" --db $DB --json item list >list1.json
"$WAM" --db $DB --json item list >list2.json
expect_same_file "item list --json is the same twice" list1.json list2.json
expect_eq "--json keys are sorted, at every level" \
	"$(jq '[.. | objects | keys_unsorted == (keys_unsorted | sort)] | all' show1.json)" true
expect_eq "--json is indented by two spaces" "$(sed -n 2p show1.json | cut -c1-3)" '  "'

# ---- the registry after all that ----
expect_exit 0 "verify is intact after every command above" "$WAM" --db $DB verify
expect_contains "verify says so" "$OUT" "intact: "
expect_exit 0 "summary" "$WAM" --db $DB --json summary
expect_eq "summary counts by status" "$(jget .by_status.stolen) $(jget .by_status.in_store)" "1 5"

# ---- the ledger ----
expect_exit 0 "log --subject" "$WAM" --db $DB --json log --subject "$GLOCK"
expect_eq "the weapon's two events" "$(jget '[.[].type] | join(",")')" "item.registered,item.status_changed"
expect_exit 0 "log --limit 3" "$WAM" --db $DB --json log --limit 3
expect_eq "three events from the genesis on" "$(jget '[.[].seq] | join(",")') $(jget '.[0].type')" "1,2,3 registry.created"
expect_eq "each event names the previous hash" "$(jget '.[1].prev_hash == .[0].hash and .[2].prev_hash == .[1].hash')" true
expect_exit 0 "log --after 2 --limit 1" "$WAM" --db $DB --json log --after 2 --limit 1
expect_eq "starts after seq 2" "$(jget '[.[].seq] | join(",")')" 3

# ---- without the node key ----
cp $DB nokey.db
expect_exit 5 "verify refuses to trust a registry without its key file" "$WAM" --db nokey.db verify
expect_contains "it names the key missing" "$OUT" "key_missing"
expect_exit 0 "verify works with the key given instead" "$WAM" --db nokey.db verify \
	--expect-key "$(sed -n 's/^public //p' $DB.key)"
expect_contains "and says which key it trusted, from where" "$OUT" "from --expect-key"
expect_exit 6 "but nothing can be recorded" "$WAM" --db nokey.db item add --category SA1 --serial NK-1
expect_contains "the error names the key file" "$ERR" "nokey.db.key"
expect_eq "and nothing was written" "$(events nokey.db)" "$(events $DB)"

# ---- an export: proposed by one person, confirmed by another (--as, with passwords) ----
printf 'clerk long password\n' | "$WAM" --db $DB user add clerk --role registrar --password-stdin >/dev/null
printf 'chief long password\n' | "$WAM" --db $DB user add chief --role registrar --password-stdin >/dev/null
printf 'smith long password\n' | "$WAM" --db $DB user add smith --role armourer --password-stdin >/dev/null
run "$WAM" --db $DB --json item add --category SA1 --make Glock --model 17 --serial EXP-0001 --country AT
EXP=$(jget .id)
run "$WAM" --db $DB --json item export propose "$EXP" --reason "sold to the Belgian army" --document EL-2026-7 \
	--country BE --as clerk --password-stdin <<<"clerk long password"
expect_eq "clerk proposes an export, as themselves" "$RC $(jget .proposed_by)" "0 user:clerk"
P=$(jget .id)
expect_eq "... the weapon is not exported yet" "$("$WAM" --db $DB --json item show "$EXP" | jq -r .status)" in_store
N=$(events $DB)
run "$WAM" --db $DB item export confirm "$P" --as clerk --password-stdin <<<"clerk long password"
expect_eq "who proposed cannot confirm" "$RC" 7
expect_contains "... the two-person rule says so" "$ERR" "two-person rule"
run "$WAM" --db $DB item export confirm "$P" --as smith --password-stdin <<<"smith long password"
expect_eq "an armourer's role may not confirm an export" "$RC" 7
expect_contains "... naming the role" "$ERR" "armourer"
run "$WAM" --db $DB item export confirm "$P" --as chief --password-stdin <<<"clerk long password"
expect_eq "--as chief with clerk's password is refused" "$RC" 7
expect_eq "... and nothing was written" "$(events $DB)" "$N"
run "$WAM" --db $DB --json item export confirm "$P" --as chief --password-stdin <<<"chief long password"
expect_eq "chief confirms, as themselves" "$RC $(jget .state) $(jget .decided_by)" "0 confirmed user:chief"
expect_eq "only then is the weapon exported" "$("$WAM" --db $DB --json item show "$EXP" | jq -r .status)" exported
expect_exit 2 "--password-stdin without --as is refused" "$WAM" --db $DB item export list --password-stdin
expect_exit 0 "export proposals are listed" "$WAM" --db $DB --json item export list --state confirmed
expect_eq "... the one confirmed" "$(jget 'map(.id) | join(",")')" "$P"

done_testing
