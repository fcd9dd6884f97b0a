#!/bin/bash
# e2e-auth: users and API tokens through the real `wam` binary — user add
# with --password-stdin, list, show, set (role, sites, disable), passwd;
# token add (the secret printed once), list, revoke; errors that name the
# field with the right exit code; events recorded with the CLI actor; and no
# password hash or token secret anywhere in the ledger.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=reg.db
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

expect_exit 0 "init" "$WAM" --db $DB init --country HT
expect_exit 0 "site add" "$WAM" --db $DB --json site add "Central Armoury" --kind armoury
SITE=$(jget .id)
expect_exit 0 "another site" "$WAM" --db $DB --json site add "North Depot" --kind depot
SITE2=$(jget .id)

# ---- user add ----
expect_exit 0 "user add with --password-stdin" "$WAM" --db $DB --json user add alice --role registrar \
	--site "$SITE" --site "$SITE2" --password-stdin <<<"correct horse battery"
ALICE=$(jget .id)
expect_eq "user add prints the new user's id" "${#ALICE}" 26
expect_eq "the role is kept" "$(jget .role)" registrar
expect_eq "every --site is kept" "$(jget '.sites | length')" 2
expect_eq "a new user is enabled" "$(jget .disabled)" false
expect_eq "no password comes back" "$(jget 'has("password")')" false
expect_exit 0 "user add without --json" "$WAM" --db $DB user add bob --role viewer --password-stdin \
	<<<"another long password"
expect_contains "the text output shows the user" "$OUT" "bob"
expect_contains "an unconfined user sees all sites" "$OUT" "all"

# ---- errors ----
expect_exit 2 "a bad role is refused" "$WAM" --db $DB user add carol --role boss --password-stdin <<<"long enough password"
expect_contains "the error names the field" "$ERR" "[field: role]"
expect_contains "the error lists the roles" "$ERR" "viewer, registrar, armourer"
expect_exit 2 "a short password is refused" "$WAM" --db $DB user add carol --role viewer --password-stdin <<<"short"
expect_contains "the error names the field" "$ERR" "[field: password]"
expect_contains "the error gives the rule" "$ERR" "at least 10 characters"
expect_exit 3 "an unknown site is refused" "$WAM" --db $DB user add carol --role viewer \
	--site 01JZZZZZZZZZZZZZZZZZZZZZZZ --password-stdin <<<"long enough password"
expect_contains "the error names the field" "$ERR" "[field: sites]"
expect_exit 2 "a bad name is refused" "$WAM" --db $DB user add "carol smith" --role viewer --password-stdin \
	<<<"long enough password"
expect_contains "the error names the field" "$ERR" "[field: name]"
expect_exit 4 "a taken name is refused" "$WAM" --db $DB user add alice --role viewer --password-stdin \
	<<<"long enough password"
expect_contains "the error says why" "$ERR" "already a user named 'alice'"
expect_exit 2 "without --role" "$WAM" --db $DB user add carol --password-stdin <<<"long enough password"
expect_contains "the error names the field" "$ERR" "[field: role]"
expect_exit 2 "stdin not a terminal and no --password-stdin" "$WAM" --db $DB user add carol --role viewer </dev/null
expect_contains "the error says what to do" "$ERR" "--password-stdin"
expect_exit 2 "an empty stdin" "$WAM" --db $DB user add carol --role viewer --password-stdin </dev/null
head -c 1100 /dev/zero | tr '\0' x >long.txt
expect_exit 2 "a password over 1024 bytes" "$WAM" --db $DB user add carol --role viewer --password-stdin <long.txt
expect_contains "the error names the field" "$ERR" "[field: password]"
expect_exit 3 "user add on a missing registry" "$WAM" --db missing.db user add carol --role viewer --password-stdin \
	<<<"long enough password"
expect_exit 0 "none of the refusals added a user" "$WAM" --db $DB --json user list
expect_eq "two users" "$(jget 'length')" 2

# ---- list, show, set ----
expect_exit 0 "user list" "$WAM" --db $DB --json user list
expect_eq "users by name" "$(jget '[.[].name] | join(",")')" "alice,bob"
expect_exit 0 "user list as a table" "$WAM" --db $DB user list
expect_contains "the table has a ROLE column" "$OUT" "ROLE"
expect_exit 0 "user show by name" "$WAM" --db $DB --json user show alice
expect_eq "shows the user" "$(jget .id)" "$ALICE"
expect_exit 0 "user show by id" "$WAM" --db $DB --json user show "$ALICE"
expect_eq "shows the same user" "$(jget .name)" alice
expect_exit 3 "user show of nobody" "$WAM" --db $DB user show nobody
expect_exit 0 "user set --role" "$WAM" --db $DB --json user set bob --role auditor
expect_eq "the role changed" "$(jget .role)" auditor
expect_exit 0 "user set --site" "$WAM" --db $DB --json user set bob --site "$SITE2"
expect_eq "bob is confined to one site" "$(jget '.sites | join(",")')" "$SITE2"
expect_exit 0 "user set --no-sites" "$WAM" --db $DB --json user set bob --no-sites
expect_eq "bob is confined no more" "$(jget '.sites | length')" 0
expect_exit 0 "user set --disable" "$WAM" --db $DB --json user set bob --disable
expect_eq "bob is disabled" "$(jget .disabled)" true
expect_exit 0 "user set --enable" "$WAM" --db $DB --json user set bob --enable
expect_eq "bob is enabled again" "$(jget .disabled)" false
expect_exit 2 "user set with a bad role" "$WAM" --db $DB user set bob --role boss
expect_contains "the error names the field" "$ERR" "[field: role]"
expect_exit 2 "user set with nothing to change" "$WAM" --db $DB user set bob
expect_exit 2 "user set --disable --enable" "$WAM" --db $DB user set bob --disable --enable
expect_exit 3 "user set of nobody" "$WAM" --db $DB user set nobody --role viewer

# ---- passwd ----
expect_exit 0 "user passwd" "$WAM" --db $DB --json user passwd alice --password-stdin <<<"a brand new password"
expect_eq "passwd says so" "$(jget .password_set)" true
expect_exit 2 "user passwd refuses a short password" "$WAM" --db $DB user passwd alice --password-stdin <<<"tiny"
expect_contains "the error names the field" "$ERR" "[field: password]"
expect_exit 3 "user passwd of nobody" "$WAM" --db $DB user passwd nobody --password-stdin <<<"a brand new password"

# ---- tokens ----
expect_exit 0 "token add" "$WAM" --db $DB token add ci-export --role auditor
SECRET=$(printf '%s\n' "$OUT" | sed -n 's/^secret  //p')
expect_eq "the secret is printed" "${#SECRET}" 74
expect_contains "the secret starts with wam_" "$SECRET" "wam_"
expect_contains "it says the secret is shown once" "$OUT" "will not be shown again"
expect_exit 0 "token add --json" "$WAM" --db $DB --json token add ci-read --role viewer --site "$SITE"
TOKEN=$(jget .token.id)
expect_eq "the JSON has the token" "$(jget .token.name)" ci-read
expect_eq "and the secret, carrying the id" "$(jget '.secret[4:30]')" "$TOKEN"
SECRET2=$(jget .secret)
expect_exit 2 "token add with a bad role" "$WAM" --db $DB token add x --role boss
expect_contains "the error names the field" "$ERR" "[field: role]"
expect_exit 0 "token list" "$WAM" --db $DB --json token list
expect_eq "newest first" "$(jget '[.[].name] | join(",")')" "ci-read,ci-export"
expect_not_contains "the list shows no secret" "$OUT" "wam_"
expect_exit 0 "token revoke" "$WAM" --db $DB token revoke "$TOKEN"
expect_contains "revoke says so" "$OUT" "revoked"
expect_exit 0 "token list after revoke" "$WAM" --db $DB --json token list
expect_eq "the token is revoked" "$(jget ".[] | select(.id==\"$TOKEN\") | .revoked")" true
expect_exit 4 "revoking twice is a conflict" "$WAM" --db $DB token revoke "$TOKEN"
expect_exit 3 "revoking an unknown token" "$WAM" --db $DB token revoke 01JZZZZZZZZZZZZZZZZZZZZZZZ

# ---- the ledger ----
expect_exit 0 "verify is intact after every command above" "$WAM" --db $DB verify
expect_contains "verify says so" "$OUT" "intact: "
expect_exit 0 "rebuild" "$WAM" --db $DB rebuild
expect_exit 0 "verify after rebuild" "$WAM" --db $DB verify
expect_exit 0 "users survive a rebuild" "$WAM" --db $DB --json user show bob
expect_eq "with their changes" "$(jget .role)" auditor
expect_exit 0 "log --subject of the user" "$WAM" --db $DB --json log --subject "$ALICE"
expect_eq "user.added, then user.password_set" "$(jget '[.[].type] | join(",")')" "user.added,user.password_set"
expect_eq "recorded with the CLI actor" "$(jget '.[0].actor')" "$ME"
expect_eq "user.added holds name, role and sites" "$(jget '.[0].payload | keys | join(",")')" "name,role,sites"
expect_eq "user.password_set holds nothing" "$(jget '.[1].payload | length')" 0
expect_exit 0 "log shows user.added" "$WAM" --db $DB log
expect_contains "the event is listed" "$OUT" "user.added"
EVENTS=$(sqlite3 $DB ".dump events")
expect_contains "the dump has the events" "$EVENTS" "user.added"
expect_not_contains "no password hash in the events" "$EVENTS" '$argon2'
expect_not_contains "no token secret in the events" "$EVENTS" "${SECRET:31}"
expect_not_contains "nor the other one" "$EVENTS" "${SECRET2:31}"
expect_eq "the hashes are in credentials" "$(sqlite3 $DB "SELECT count(*) FROM credentials WHERE hash LIKE '\$argon2id\$%'")" 2

# ---- --as a user confined to sites: libwam keeps them to their sites ----
expect_exit 0 "a third site" "$WAM" --db $DB --json site add "South Post" --kind police_station
SITE3=$(jget .id)
expect_exit 0 "a weapon at the third site" "$WAM" --db $DB --json item add --category SA4 --make Norinco \
	--model "Type 56" --calibre 7.62x39mm --serial 56-3000001 --country CN --site "$SITE3"
FAR=$(jget .id)
expect_exit 0 "cleo, a registrar confined to the first site" "$WAM" --db $DB user add cleo --role registrar \
	--site "$SITE" --password-stdin <<<"cleo long password"
AS_CLEO=(--as cleo --password-stdin)
expect_exit 0 "--as a confined user registers at their site" "$WAM" --db $DB --json "${AS_CLEO[@]}" item add \
	--category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm --serial 56-3000002 --country CN \
	--site "$SITE" <<<"cleo long password"
NEAR=$(jget .id)
expect_exit 7 "... not at another" "$WAM" --db $DB "${AS_CLEO[@]}" item add --category SA4 --make Norinco \
	--serial 56-3000003 --country CN --site "$SITE3" <<<"cleo long password"
expect_contains "the refusal names the field" "$ERR" "[field: site_id]"
expect_exit 0 "--as cleo: item list" "$WAM" --db $DB --json "${AS_CLEO[@]}" item list <<<"cleo long password"
expect_eq "lists only the weapons of cleo's site" "$(jget '[.items[].id] | join(",")')" "$NEAR"
expect_exit 3 "--as cleo: a weapon elsewhere is not there" "$WAM" --db $DB "${AS_CLEO[@]}" item show "$FAR" \
	<<<"cleo long password"
expect_contains "as one that does not exist" "$ERR" "no weapon with id"
expect_exit 0 "--as cleo: site list" "$WAM" --db $DB --json "${AS_CLEO[@]}" site list <<<"cleo long password"
expect_eq "lists cleo's site only" "$(jget '[.[].id] | join(",")')" "$SITE"
expect_exit 7 "--as cleo: the whole registry's export is refused" "$WAM" --db $DB "${AS_CLEO[@]}" export \
	--format csv <<<"cleo long password"
expect_contains "saying why" "$ERR" "you are confined to sites"
expect_exit 0 "the owner still sees the weapon elsewhere" "$WAM" --db $DB --json item show "$FAR"
# a confined check's read of a serial registered elsewhere is a read of nothing
expect_exit 0 "dora, an armourer confined to the first site" "$WAM" --db $DB user add dora --role armourer \
	--site "$SITE" --password-stdin <<<"dora long password"
AS_DORA=(--as dora --password-stdin)
expect_exit 0 "--as dora: a check of her site" "$WAM" --db $DB --json "${AS_DORA[@]}" stock open --site "$SITE" \
	--type FULL_SERIAL --checkers dora,cleo <<<"dora long password"
CHECK=$(jget .id)
expect_exit 0 "--as dora: reads a serial registered elsewhere and one of nothing" "$WAM" --db $DB \
	"${AS_DORA[@]}" stock see "$CHECK" 56-3000001 NOSUCH1 <<<"dora long password"
expect_exit 0 "--as dora: closes the check" "$WAM" --db $DB "${AS_DORA[@]}" stock close "$CHECK" \
	<<<"dora long password"
expect_exit 0 "--as dora: its investigations" "$WAM" --db $DB --json "${AS_DORA[@]}" stock investigations \
	--check "$CHECK" <<<"dora long password"
expect_eq "no weapon at the wrong location" "$(jget '[.[] | select(.kind == "wrong_location")] | length')" 0
expect_eq "both reads unexpected, as serials of nothing" \
	"$(jget '[.[] | select(.kind == "unexpected" and (has("item_id") | not))] | length')" 2
expect_not_contains "the weapon there is not named" "$OUT" "$FAR"
expect_not_contains "nor its site" "$OUT" "$SITE3"

# a serial registered elsewhere: the conflict does not name the weapon there
expect_exit 4 "--as cleo: a serial registered at another site" "$WAM" --db $DB "${AS_CLEO[@]}" item add \
	--category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm --serial 56-3000001 --country CN \
	--site "$SITE" <<<"cleo long password"
expect_contains "is a conflict saying where" "$ERR" "already registered at a site not yours"
expect_not_contains "not naming the weapon there" "$ERR" "$FAR"
expect_exit 0 "--as cleo: recorded knowingly" "$WAM" --db $DB --json "${AS_CLEO[@]}" item add --allow-duplicate \
	--category SA4 --make Norinco --model "Type 56" --calibre 7.62x39mm --serial 56-3000001 --country CN \
	--site "$SITE" <<<"cleo long password"
DUP=$(jget .id)
expect_eq "the weapon there is not shown" "$(jget '.duplicate_of | length')" 0
expect_exit 0 "the owner reads the duplicate" "$WAM" --db $DB --json item show "$DUP"
expect_eq "the registry keeps the link" "$(jget '.duplicate_of | join(",")')" "$FAR"
done_testing
