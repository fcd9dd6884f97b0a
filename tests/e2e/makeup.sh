#!/bin/bash
# e2e-makeup: how a weapon was made and its parts, through the CLI. `item
# add` with --kind, --part-type, --belongs-to, --manufacture,
# --converted-from, --frame-material and --serial-component; a printed
# polymer frame without a serialised insert rated inadequate (R4) and one
# with it adequate; `item list` by kind, part type, manufacture and frame
# material (an unknown word refused naming the field); `summary`'s
# breakdowns; `item attach` / `item detach` and the refusals that change
# nothing; a CSV of the previous layout (tests/data/items-previous-layout.csv,
# exported by the release before these columns) importing unchanged; CSV and
# JSON export -> import -> export round trips with the new columns; --json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)"
DB=reg.db
"$WAM" --db $DB init --country HT >/dev/null || { echo "Bail out! init failed"; exit 1; }
w() { "$WAM" --db $DB "$@"; }

# ---- registering weapons and parts with their makeup ----
run w --json item add --category SA1 --make Ekol --model "Firat Magnum" --serial EK-1 --country HT \
	--manufacture converted --converted-from alarm --frame-material metal
expect_eq "a converted alarm pistol: manufacture" "$(jget .manufacture)/$(jget .converted_from)" converted/alarm
expect_eq "... counted as a weapon" "$(jget .kind)" weapon
CONVERTED=$(jget .id)

run w --json item add --category PART --kind part --part-type frame_receiver --make FGC-9 --serial PF-1 \
	--country HT --manufacture printed --frame-material polymer
expect_eq "a printed polymer frame without an insert is inadequate" "$(jget .marking_status)" inadequate
expect_eq "... under R4, the rule named" "$(jget .marking_reason)" \
	"R4: a polymer or printed frame carries no marked serialised metal insert"
expect_eq "... its message id" "$(jget .marking_reason_id)" registry.r4_polymer_printed_frame_carries
FRAME=$(jget .id)

cat >insert.json <<'EOF'
{"category": "SA1", "make": "FGC-9", "serial": "PF-2", "country": "HT", "manufacture": "printed",
 "frame_material": "polymer", "serial_component": "frame_receiver",
 "markings": [{"component": "frame_receiver", "kind": "serial", "text": "PF-2", "method": "insert"}]}
EOF
run w --json item add --from insert.json
expect_eq "a printed frame with a marked serialised insert is adequate" "$(jget .marking_status)" adequate
expect_eq "... the marking's method kept" "$(jget '.markings[0].method')" insert
PRINTED=$(jget .id)

run w --json item add --category SHOTGUN --make "Local workshop" --serial CR-1 --country HT --manufacture craft
CRAFT=$(jget .id)
run w --json item add --category SA1 --make Glock --model 17 --serial BX-1 --country HT --frame-material polymer \
	--marking frame_receiver:serial:BX-1
expect_eq "a polymer frame whose serial marking has no method is inadequate" "$(jget .marking_status)" inadequate
run w --json item add --category SA1 --make Glock --model 17 --serial BX-2 --country HT
WEAPON=$(jget .id)
run w --json item add --category PART --kind part --part-type barrel --make Glock --serial BX-2 --country HT \
	--belongs-to "$WEAPON"
BARREL=$(jget .id)
expect_eq "a part registered as belonging names its weapon" "$(jget .belongs_to)" "$WEAPON"
run w --json item add --category PART --kind part --part-type slide --make Glock --serial BX-2S --country HT
SLIDE=$(jget .id)

# ---- refusals name the field and record nothing ----
BEFORE=$(events $DB)
expect_exit 2 "a part without its part type is refused" w item add --category PART --kind part --serial P-X
expect_contains "... naming part_type" "$ERR" "[field: part_type]"
expect_exit 2 "an unknown manufacture is refused" w item add --category SA1 --serial P-Y --manufacture 3d
expect_contains "... naming manufacture and its words" "$ERR" "factory, craft, printed, converted, reactivated, assembled"
expect_exit 2 "converted_from without manufacture converted is refused" \
	w item add --category SA1 --serial P-Z --converted-from alarm
expect_contains "... naming converted_from" "$ERR" "[field: converted_from]"
expect_exit 2 "a weapon cannot belong to a weapon" w item add --category SA1 --serial P-W --belongs-to "$WEAPON"
expect_contains "... naming belongs_to" "$ERR" "[field: belongs_to]"
expect_exit 2 "an unknown marking method is refused" w item add --from <(echo '{"category": "SA1", "serial": "P-V",
 "markings": [{"component": "frame_receiver", "kind": "serial", "text": "P-V", "method": "glued"}]}')
expect_contains "... naming the marking's method" "$ERR" "[field: markings[0].method]"
expect_exit 2 "attaching a weapon is refused" w item attach "$WEAPON" --to "$PRINTED"
expect_contains "... naming the id" "$ERR" "is a weapon, not a part"
expect_exit 2 "attaching to a part is refused" w item attach "$SLIDE" --to "$BARREL"
expect_contains "... naming weapon_id" "$ERR" "[field: weapon_id]"
expect_exit 3 "attaching to an unknown weapon is refused" w item attach "$SLIDE" --to 01HZZZZZZZZZZZZZZZZZZZZZZZ
expect_exit 4 "attaching a part where it already belongs is refused" w item attach "$BARREL" --to "$WEAPON"
expect_exit 2 "detaching without a reason is refused" w item detach "$BARREL"
expect_contains "... naming the reason" "$ERR" "[field: reason]"
expect_exit 2 "a frame part is the weapon: it is attached to no weapon" w item attach "$FRAME" --to "$WEAPON"
expect_contains "... naming the id" "$ERR" "is a weapon, not a part"
expect_exit 2 "an empty weapon is no detach" w item attach "$SLIDE" --to ""
expect_contains "... naming weapon_id" "$ERR" "weapon_id is a weapon's id, or null to detach the part [field: weapon_id]"
expect_exit 2 "a frame part belongs to no weapon" \
	w item add --category PART --kind part --part-type lower_receiver --serial LR-X --belongs-to "$WEAPON"
expect_contains "... naming belongs_to" "$ERR" "[field: belongs_to]"
expect_eq "the refusals recorded nothing" "$(events $DB)" "$BEFORE"

# ---- attach and detach ----
expect_exit 0 "a slide is attached to its weapon" w --json item attach "$SLIDE" --to "$WEAPON" --reason "fitted"
expect_eq "... and names it" "$(jget .belongs_to)" "$WEAPON"
run w --json item show "$WEAPON"
expect_eq "the weapon lists its parts" "$(jget '[.parts[] | .part_type + ":" + .serial] | join(",")')" \
	"barrel:BX-2,slide:BX-2S"
run w item show "$WEAPON"
expect_contains "item show prints the parts" "$OUT" "parts:"
expect_contains "... with their type" "$OUT" "slide"
expect_exit 0 "the barrel is detached with a reason" w --json item detach "$BARREL" --reason "sent to the laboratory"
expect_eq "... it belongs to no weapon" "$(jget '.belongs_to // "none"')" none
run w --json item history "$BARREL"
expect_eq "the detachment is in the part's history" "$(jget '.[-1].summary')" \
	"part detached from its weapon: sent to the laboratory"
run w --json item show "$WEAPON"
expect_eq "the weapon lists only the slide now" "$(jget '[.parts[] | .id] | join(",")')" "$SLIDE"
expect_exit 0 "the barrel is fitted to the printed frame, which is the weapon" \
	w --json item attach "$BARREL" --to "$FRAME" --reason "fitted to the frame"
run w --json item history "$BARREL"
expect_eq "... the history names the weapon" "$(jget '.[-1].summary')" "part attached to weapon $FRAME: fitted to the frame"
run w --json item show "$FRAME"
expect_eq "the frame lists its barrel" "$(jget '[.parts[] | .serial] | join(",")')" "BX-2"

# ---- lists and the summary ----
run w --json item list --manufacture printed
expect_eq "list by manufacture printed" "$(jget '[.items[] | .serial] | join(",")')" "PF-1,PF-2"
expect_eq "... its total" "$(jget .total)" 2
run w --json item list --kind part
expect_eq "list parts (not the frame, which is the weapon)" "$(jget '[.items[] | .serial] | join(",")')" "BX-2,BX-2S"
run w --json item list --kind weapon
expect_eq "list weapons: as many as the summary counts" "$(jget .total)" 6
run w --json item list --kind Part --manufacture PRINTED
expect_eq "filter words in any case" "$(jget .total)" 0
run w --json item list --part-type "Frame Receiver" --frame-material Polymer
expect_eq "... with a space for _" "$(jget '[.items[] | .serial] | join(",")')" "PF-1"
run w --json item list --kind part --part-type barrel
expect_eq "list parts of a type" "$(jget '[.items[] | .serial] | join(",")')" "BX-2"
run w --json item list --kind weapon --frame-material polymer
expect_eq "list weapons with a polymer frame (the frame part too)" "$(jget '[.items[] | .serial] | join(",")')" "PF-1,PF-2,BX-1"
run w --json item list --manufacture craft
expect_eq "list craft weapons" "$(jget '[.items[] | .id] | join(",")')" "$CRAFT"
expect_exit 2 "an unknown frame material is refused" w item list --frame-material wood
expect_contains "... naming the field" "$ERR" "[field: frame_material]"
expect_exit 2 "an unknown part type is refused" w item list --part-type grip
run w item list --manufacture converted
expect_contains "the table lists the converted pistol" "$OUT" "$CONVERTED"
run w --json summary
expect_eq "summary by kind (the frame counts as a weapon)" "$(jget '.by_kind | "\(.weapon) \(.part)"')" "6 2"
expect_eq "summary parts by type" "$(jget '.parts_by_type | to_entries | map("\(.key)=\(.value)") | join(",")')" \
	"barrel=1,frame_receiver=1,slide=1"
expect_eq "summary by manufacture" "$(jget '.by_manufacture | to_entries | map("\(.key)=\(.value)") | join(",")')" \
	"converted=1,craft=1,printed=2,unknown=2"
expect_eq "summary by frame material" \
	"$(jget '.by_frame_material | to_entries | map("\(.key)=\(.value)") | join(",")')" "metal=1,polymer=3,unknown=2"
run w summary
expect_contains "summary prints by_manufacture" "$OUT" "by_manufacture:"

# ---- export and import: the new columns round-trip ----
# a part registered before the weapon it is later attached to: the files
# write it after the weapon, so they import in their order
run w --json item add --category PART --kind part --part-type bolt --serial EARLY-1
EARLY=$(jget .id)
run w --json item add --category SA2 --make Zastava --serial LATE-1 --country HT
LATE=$(jget .id)
w item attach "$EARLY" --to "$LATE" >/dev/null
expect_exit 0 "export as CSV" w export --format csv --out reg.csv
expect_eq "the new columns come after the previous layout's" "$(head -1 reg.csv | tr -d '\r')" \
	"id,category,make,model,calibre,serial,country,year,import_marks,status,site_id,holder_id,notes,duplicate_of,markings,kind,part_type,belongs_to,manufacture,converted_from,frame_material,serial_component"
"$WAM" --db csv.db init --country HT >/dev/null
expect_exit 0 "the CSV imports into a new registry" "$WAM" --db csv.db import reg.csv
"$WAM" --db csv.db export --format csv --out again.csv
expect_same_file "CSV export -> import -> export reproduces it" reg.csv again.csv
run "$WAM" --db csv.db --json item show "$LATE"
expect_eq "... a part linked after it was registered still belongs" "$(jget '[.parts[] | .id] | join(",")')" "$EARLY"
run "$WAM" --db csv.db --json item show "$PRINTED"
expect_eq "... the insert's method and the makeup came through" \
	"$(jget '[.marking_status, .manufacture, .frame_material, .serial_component, .markings[0].method] | join(",")')" \
	"adequate,printed,polymer,frame_receiver,insert"
expect_exit 0 "export as JSON" w export --format json --out reg.json
"$WAM" --db json.db init --country HT >/dev/null
expect_exit 0 "the JSON imports into a new registry" "$WAM" --db json.db import reg.json
"$WAM" --db json.db export --format json --out again.json
expect_same_file "JSON export -> import -> export reproduces it" reg.json again.json
run "$WAM" --db json.db --json item show "$WEAPON"
expect_eq "... the parts still belong to their weapon" "$(jget '[.parts[] | .id] | join(",")')" "$SLIDE"

# ---- a CSV of the previous layout imports unchanged ----
"$WAM" --db old.db init --country HT >/dev/null
expect_exit 0 "a CSV exported before these columns imports" "$WAM" --db old.db import "$DATA/items-previous-layout.csv"
expect_contains "... every row" "$OUT" "5 rows read, 5 imported, 0 rejected"
"$WAM" --db old.db export --format csv --out old-again.csv
expect_eq "... and exports as it was, the new columns empty (weapons)" \
	"$(tail -n +2 old-again.csv | tr -d '\r')" "$(tail -n +2 "$DATA/items-previous-layout.csv" | tr -d '\r' | sed 's/$/,weapon,,,,,,/')"
run "$WAM" --db old.db --json item show 01HK0000000000000000000003
expect_eq "... markings, import marks and status as recorded" \
	"$(jget '[.status, (.markings | length | tostring), (.import_marks | length | tostring), .kind] | join(",")')" \
	"in_store,3,2,weapon"
run "$WAM" --db old.db --json item show 01HK0000000000000000000004
expect_eq "... the knowingly recorded duplicate keeps its link" "$(jget '.duplicate_of | join(",")')" \
	01HK0000000000000000000002

expect_exit 0 "the ledger verifies" w verify
expect_exit 0 "the projections rebuild from the events" w rebuild
run w --json item show "$WEAPON"
expect_eq "... and the weapon still lists its slide" "$(jget '[.parts[] | .id] | join(",")')" "$SLIDE"
expect_exit 0 "and verify again" w verify
done_testing
