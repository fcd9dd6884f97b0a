#!/bin/bash
# e2e-stock-a: the stock room's lots, locations and custody through `wam`:
# a site tree, weapons moved between sites (from/to recorded, refusals),
# ammunition lots received, issued (never below zero, nothing written when
# refused), split (same lot identity, a parent), condition changes, expiring
# and suspended lists, storage compatibility flagged with the rule, custody
# issue/confirm/return with the two-person rule and rule R9, overdue
# returns, and `wam verify` intact after all of it and after `wam rebuild`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
W() { "$WAM" --db $DB "$@"; }

expect_exit 0 "init" W init --country HT

# ---- sites and storage levels ----
run W --json site add "North Depot" --kind depot --country HT; DEPOT=$(jget .id)
run W --json site add "Building 1" --kind building --parent "$DEPOT"; BLDG=$(jget .id)
run W --json site add "Room 12" --kind room --parent "$BLDG"; ROOM=$(jget .id)
run W --json site add "Rack A" --kind rack --parent "$ROOM"; RACK=$(jget .id)
run W --json site add "South Armoury" --kind armoury --country HT; SOUTH=$(jget .id)
expect_exit 2 "a site whose parent does not exist is refused" W site add "Orphan" --kind room --parent 01M8BD3RQYVMP3EF38SN65XY1E
expect_contains "... naming parent_id" "$ERR" "parent_id"
expect_exit 0 "site tree" W --json site tree "$DEPOT"
expect_eq "the tree holds the depot and the three levels in it" "$(jget 'length')" 4
expect_eq "... with the path from the depot down" "$(jget '.[3].path')" "North Depot / Building 1 / Room 12 / Rack A"
expect_eq "... and the depth" "$(jget '.[3].depth')" 3
expect_exit 0 "a sub-tree starts where asked" W --json site tree "$ROOM"
expect_eq "... room and rack" "$(jget '[.[].kind] | join(",")')" "room,rack"
expect_exit 3 "site tree of an unknown site: not found" W site tree 01M8BD3RQYVMP3EF38SN65XY1E

# ---- moves ----
run W --json item add --category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm --serial 56-0001 \
	--country CN --site "$RACK"; GUN=$(jget .id)
run W --json item add --category SA1 --make Glock --model 17 --serial ABC123 --country AT --site "$RACK"; PISTOL=$(jget .id)
expect_exit 0 "a weapon moves to another site" W --json item move "$GUN" --to "$SOUTH" --reason "redistribution" --document "MV-7"
expect_eq "... and is there" "$(jget .site_id)" "$SOUTH"
run W --json item history "$GUN"
expect_eq "the move is an event with from and to" "$(jget '[.[] | select(.type=="location.moved")][0].after | "\(.from)>\(.to)"')" "$RACK>$SOUTH"
expect_eq "... the reason and document" "$(jget '[.[] | select(.type=="location.moved")][0].after | "\(.reason)/\(.document)"')" "redistribution/MV-7"
expect_eq "... and who moved it" "$(jget '[.[] | select(.type=="location.moved")][0].actor')" "$ME"
N=$(events $DB)
expect_exit 2 "a move to where the weapon is is refused" W item move "$GUN" --to "$SOUTH" --reason again
expect_contains "... saying so" "$ERR" "already at site"
expect_exit 2 "a move to an unknown site is refused" W item move "$GUN" --to 01M8BD3RQYVMP3EF38SN65XY1E --reason x
expect_exit 2 "a move needs a reason" W item move "$GUN" --to "$DEPOT"
expect_eq "refused moves write nothing" "$(events $DB)" "$N"
run W --json summary
expect_eq "the dashboard counts follow the move" "$(jget '.by_site[] | select(.id=="'"$SOUTH"'") | .items')" 1

# ---- ammunition lots ----
expect_exit 0 "lot add" W --json lot add --nomenclature "Cartridge 7.62x39mm ball" --calibre 7.62x39mm --type ball \
	--manufacturer "Factory 71" --headstamp "71 83" --country CN --lot "71-83-004" --batch B12 --year 1983 \
	--rounds 12000 --packages 12 --hazard 1.4 --group s --neq 1.6 --expiry 2027-01-15 --surveillance 2025-06-01 --site "$ROOM"
LOT=$(jget .id)
expect_eq "the compatibility group is kept in capitals" "$(jget .compat_group)" S
expect_eq "the total NEQ is rounds x NEQ per round" "$(jget .neq_total_g)" 19200
expect_eq "a new lot is serviceable" "$(jget .condition)" SERVICEABLE
expect_exit 2 "an unknown hazard division is refused" W lot add --nomenclature x --lot x --rounds 1 --hazard 1.9 --group S --site "$ROOM"
expect_contains "... naming it" "$ERR" "hazard_division"
expect_exit 2 "an unknown compatibility group is refused" W lot add --nomenclature x --lot x --rounds 1 --hazard 1.1 --group I --site "$ROOM"
expect_exit 2 "an unknown condition code is refused" W lot add --nomenclature x --lot x --rounds 1 --hazard 1.1 --group D --condition BROKEN --site "$ROOM"
expect_exit 2 "a date that is not a date is refused" W lot add --nomenclature x --lot x --rounds 1 --hazard 1.1 --group D --expiry 2027-02-30 --site "$ROOM"
expect_exit 0 "a receipt adds rounds" W --json lot receive "$LOT" --rounds 3000 --packages 3 --document "GRN-2026-14"
expect_eq "... 15000 rounds" "$(jget .rounds)" 15000
expect_exit 2 "a receipt needs its document" W lot receive "$LOT" --rounds 1
expect_exit 0 "an issue takes rounds out" W --json lot issue "$LOT" --rounds 5000 --packages 5 --recipient "2nd Battalion" --document "ISS-88"
expect_eq "... 10000 left" "$(jget .rounds)" 10000
expect_exit 2 "an issue must name the recipient" W lot issue "$LOT" --rounds 1 --document "ISS-89"
N=$(events $DB)
expect_exit 4 "an issue of more than the lot holds is refused" W lot issue "$LOT" --rounds 10001 --recipient X --document ISS-90
expect_contains "... naming the quantity available" "$ERR" "holds 10000 rounds"
expect_eq "... and nothing was written" "$(events $DB)" "$N"
expect_eq "... the lot still holds 10000" "$(W --json lot show "$LOT" | jq -r .rounds)" 10000

expect_exit 0 "a lot splits to another site" W --json lot split "$LOT" --rounds 4000 --packages 4 --site "$SOUTH"
PART=$(jget .id)
expect_eq "the split keeps the lot number" "$(jget .lot_number)" "71-83-004"
expect_eq "... and the batch number" "$(jget .batch_number)" B12
expect_eq "... names its parent" "$(jget .parent_id)" "$LOT"
expect_eq "... is at the other site with its rounds" "$(jget '"\(.site_id) \(.rounds)"')" "$SOUTH 4000"
expect_eq "the parent keeps the rest" "$(W --json lot show "$LOT" | jq -r .rounds)" 6000
expect_exit 4 "a split of more than the lot holds is refused" W lot split "$LOT" --rounds 6001 --site "$SOUTH"
expect_exit 2 "a split to the lot's own site is refused" W lot split "$LOT" --rounds 1 --site "$ROOM"
expect_exit 0 "lot history" W --json lot history "$LOT"
expect_eq "... lists the record, receipt, issue and split" "$(jget '[.[].type] | join(",")')" "lot.recorded,lot.received,lot.issued,lot.split"
expect_eq "... with their rounds" "$(jget '[.[].rounds_change] | join(",")')" "12000,3000,-5000,-4000"
expect_eq "... and documents" "$(jget '[.[] | .document // "-"] | join(",")')" "-,GRN-2026-14,ISS-88,-"
expect_eq "... and who" "$(jget '.[2].actor')" "$ME"
expect_exit 0 "the split-off part's history starts with the split" W --json lot history "$PART"
expect_eq "... from the parent" "$(jget '.[0].type + " " + (.[0].rounds_change | tostring)')" "lot.split 4000"

expect_exit 0 "a condition change" W --json lot condition "$PART" suspended --reason "surveillance: propellant stability"
expect_eq "... takes effect" "$(jget .condition)" SUSPENDED
expect_exit 4 "the same condition again is refused" W lot condition "$PART" SUSPENDED --reason again
expect_exit 0 "suspended lots" W --json lot list --condition SUSPENDED
expect_eq "... list the suspended part only" "$(jget '[.[].id] | join(",")')" "$PART"
expect_exit 0 "lots expiring within 60 days of 2026-12-01" W --json lot expiring --days 60 --as-of 2026-12-01
expect_eq "... are both parts of the lot" "$(jget 'length')" 2
expect_exit 0 "within 30 days" W --json lot expiring --days 30 --as-of 2026-12-01
expect_eq "... none" "$(jget 'length')" 0

# ---- compatibility ----
run W --json lot add --nomenclature "Detonator, electric" --lot DET-1 --rounds 500 --hazard 1.1 --group B --site "$ROOM"; DET=$(jget .id)
run W --json lot add --nomenclature "Grenade, hand, HE" --lot GR-1 --rounds 200 --hazard 1.1 --group F --site "$ROOM"; GREN=$(jget .id)
run W --json lot add --nomenclature "Projectile, HE" --lot HE-1 --rounds 50 --hazard 1.1 --group D --site "$DEPOT"
run W --json lot add --nomenclature "Charge, demolition" --lot DM-1 --rounds 50 --hazard 1.1 --group E --site "$DEPOT"
expect_exit 0 "check-compat of a store holding B, F and S" W --json lot check-compat "$ROOM"
expect_eq "the groups present" "$(jget '.groups | join(",")')" "B,F,S"
expect_eq "one forbidden pair is flagged" "$(jget '.violations | length')" 1
expect_eq "... B with F" "$(jget '.violations[0].groups')" "B+F"
expect_eq "... with the rule" "$(jget '.violations[0].rule')" forbidden
expect_eq "... and the lots involved" "$(jget '[.violations[0].lots[].id] | sort | join(",")')" "$(printf '%s\n' "$DET" "$GREN" | sort | paste -sd,)"
expect_eq "the store is not compatible" "$(jget .compatible)" false
expect_contains "the rule's source is the data file" "$(jget .source)" "compatibility.tsv"
run W lot check-compat "$ROOM"
expect_contains "people see the forbidden pair" "$OUT" "FORBIDDEN B+F"
expect_exit 0 "check-compat of a store holding D and E" W --json lot check-compat "$DEPOT"
expect_eq "... D and E mix" "$(jget .compatible)" true

# ---- custody ----
run W --json holder add "2nd Battalion" --type state_armed_force; HOLDER=$(jget .id)
expect_exit 4 "returning a weapon that is not issued is refused" W custody return "$PISTOL"
expect_exit 0 "a weapon is issued to a holder" W --json custody issue "$PISTOL" --holder "$HOLDER" --return 2099-01-01 --purpose patrol
C1=$(jget .id)
expect_eq "the custody is open" "$(jget .state)" open
expect_eq "the weapon is issued" "$(W --json item show "$PISTOL" | jq -r .status)" issued
N=$(events $DB)
expect_exit 4 "issuing an issued weapon is refused (R9)" W custody issue "$PISTOL" --person "Cpl Paul" --unit "1 Coy" --return 2099-01-01
expect_contains "... naming the current holder" "$ERR" "already issued"
expect_eq "... and nothing was written" "$(events $DB)" "$N"
expect_exit 0 "custody list shows who holds it" W --json custody list --state open
expect_eq "... one open custody, the battalion" "$(jget '[.[] | .holder_name] | join(",")')" "2nd Battalion"
expect_exit 0 "overdue as of 2099-02-01" W --json custody overdue --as-of 2099-02-01
expect_eq "... lists it" "$(jget '.[0].id')" "$C1"
expect_exit 0 "overdue today" W --json custody overdue
expect_eq "... lists nothing" "$(jget 'length')" 0
expect_exit 0 "the weapon comes back" W --json custody return "$PISTOL" --note "clean"
expect_eq "... the custody is returned" "$(jget .state)" returned
expect_eq "... and the weapon in store" "$(W --json item show "$PISTOL" | jq -r .status)" in_store
expect_exit 4 "returning it twice is refused" W custody return "$PISTOL"
expect_exit 2 "an issue must name its holder" W custody issue "$PISTOL" --person "Cpl Paul" --return 2099-01-01
expect_exit 2 "an issue needs an expected return date" W custody issue "$PISTOL" --person "Cpl Paul" --unit "1 Coy"

# two-person rule, by the site's rule
expect_exit 0 "the south armoury needs two persons" W custody rule "$SOUTH" --two-person on
# each acts as themselves, with their password: $USER says nothing
printf 'alice long password\n' | W user add alice --role armourer --password-stdin >/dev/null
printf 'bob long password\n' | W user add bob --role armourer --password-stdin >/dev/null
printf 'vera long password\n' | W user add vera --role viewer --password-stdin >/dev/null
AS_ALICE=(--as alice --password-stdin)
AS_BOB=(--as bob --password-stdin)
run W --json custody issue "$GUN" --person "Sgt Marie" --unit "3 Coy" --return 2099-01-01 "${AS_ALICE[@]}" <<<"alice long password"
expect_eq "alice issues a weapon of the south armoury" "$RC" 0
C2=$(jget .id)
expect_eq "the issue is pending" "$(jget .state)" pending
expect_eq "the weapon is still in store" "$(W --json item show "$GUN" | jq -r .status)" in_store
N=$(events $DB)
run W custody confirm "$C2" "${AS_ALICE[@]}" <<<"alice long password"
expect_eq "alice cannot confirm her own issue" "$RC" 7
expect_contains "... the error says why" "$ERR" "two-person rule"
expect_eq "... and nothing was written" "$(events $DB)" "$N"
USER=bob run W custody confirm "$C2" "${AS_ALICE[@]}" <<<"alice long password"
expect_eq "USER=bob does not make alice bob" "$RC" 7
run W custody confirm "$C2" --as bob --password-stdin <<<"not bob's password"
expect_eq "--as bob with a wrong password is refused" "$RC" 7
expect_contains "... as a failed sign-in" "$ERR" "wrong user name or password"
expect_eq "... and nothing was written" "$(events $DB)" "$N"
run W custody confirm "$C2" --as vera --password-stdin <<<"vera long password"
expect_eq "--as a viewer may not do what a viewer may not" "$RC" 7
expect_contains "... the role is named" "$ERR" "viewer"
expect_eq "... and nothing was written" "$(events $DB)" "$N"
run W --json custody confirm "$C2" "${AS_BOB[@]}" <<<"bob long password"
expect_eq "bob confirms it, with his password" "$RC" 0
expect_eq "... the custody is open" "$(jget .state)" open
expect_eq "... issued by alice, confirmed by bob" "$(jget '"\(.issued_by) \(.confirmed_by)"')" "user:alice user:bob"
expect_eq "the weapon is issued" "$(W --json item show "$GUN" | jq -r .status)" issued
expect_exit 4 "confirming twice is refused" W custody confirm "$C2"
expect_exit 0 "bob takes it back" W custody return "$GUN"
run env USER=alice "$WAM" --db $DB --json custody issue "$GUN" --person "Sgt Marie" --unit "3 Coy" --return 2099-01-01
expect_eq "USER=alice has no effect: the issue is recorded as the operating-system account" "$(jget .issued_by)" "$ME"
run env USER=alice "$WAM" --db $DB custody confirm "$(jget .id)"
expect_eq "... which cannot confirm its own issue, whatever USER says" "$RC" 7
expect_exit 0 "... called off by a return" W custody return "$GUN"

# two-person rule, asked for by the request
expect_exit 0 "an issue may ask for a second person itself" W --json custody issue "$PISTOL" --person "Cpl Paul" --unit "1 Coy" --return 2099-01-01 --two-person
expect_eq "... and is pending" "$(jget .state)" pending
expect_exit 0 "a pending issue can be called off by a return" W --json custody return "$PISTOL"
expect_eq "... the weapon never left the store" "$(W --json item show "$PISTOL" | jq -r .status)" in_store

# illegal transitions through the registry's state machine
expect_exit 0 "a weapon reported stolen" W item status "$PISTOL" stolen --reason "break-in"
expect_exit 4 "a stolen weapon cannot be issued" W custody issue "$PISTOL" --person A --unit B --return 2099-01-01
expect_contains "... the state machine says so" "$ERR" "cannot be issued"

# ---- integrity ----
expect_exit 0 "wam verify: intact after lots, moves and custody" W verify
expect_exit 0 "wam rebuild" W rebuild
expect_exit 0 "wam verify: intact after the rebuild" W verify
expect_eq "the rebuilt lot is the same" "$(W --json lot show "$LOT" | jq -c '{rounds, condition, site_id}')" \
	"{\"rounds\":6000,\"condition\":\"SERVICEABLE\",\"site_id\":\"$ROOM\"}"
expect_eq "the rebuilt weapon is where it was moved" "$(W --json item show "$GUN" | jq -r .site_id)" "$SOUTH"
expect_eq "every custody survived the rebuild" "$(W --json custody list | jq -r 'length')" 4

done_testing
