#!/bin/bash
# e2e-backup: files and backups. Every file wam writes is owner-only (0600)
# under umask 022 and 000: the registry, its -wal and -shm while `wam serve`
# holds it, its key, exports, rejects files, the lost/stolen list, the
# access log and backups; a world-readable registry is tightened when opened
# for writing; a symbolic link where an export's temporary file goes is not
# followed. `wam backup` while the server runs and a loop of commands writes
# gives a copy that verifies where it lies; `wam restore` proves it and puts
# it in place, refuses to overwrite without --force, refuses a tampered or
# damaged backup and another node's, refuses a backup to a new place unless
# --expect-key names its key (a forged one carries a key of its own), and
# changes nothing when it refuses. A registry on read-only media verifies in
# place (a read-only bind mount when the system allows one, a non-root user
# on a read-only directory), so does a copy of a live registry's database,
# -wal and -shm; one without its -shm is refused with what to do. In a
# directory everyone can write to, files another user made first where wam
# writes are never written into (run as root, the other user is nobody).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode() { stat -c %a "$1" 2>/dev/null || echo missing; }

# ---- owner-only files whatever the umask ----
for mask in 022 000; do
	(
		umask $mask
		"$WAM" --db m$mask.db init --country HT >/dev/null
		"$WAM" --db m$mask.db item add --category SA1 --make Colt --serial "U-$mask" --country US >/dev/null
		ID=$("$WAM" --db m$mask.db --json item list | jq -r '.items[0].id')
		"$WAM" --db m$mask.db item status "$ID" stolen --reason "taken" >/dev/null
		"$WAM" --db m$mask.db export --format csv --out e$mask.csv
		"$WAM" --db m$mask.db export --format json --out e$mask.json
		"$WAM" --db m$mask.db loss export --out l$mask.csv
		printf 'category,make,serial,country\nSA9,Colt,R-1,US\n' >r$mask.csv
		"$WAM" --db m$mask.db import r$mask.csv --skip-bad >/dev/null
		"$WAM" --db m$mask.db search U-$mask >/dev/null
	)
	for f in m$mask.db m$mask.db.key e$mask.csv e$mask.json l$mask.csv r$mask.csv.rejected.csv; do
		expect_eq "umask $mask: $f is 0600" "$(mode $f)" 600
	done
	for f in m$mask.db.serials; do
		[ -e "$f" ] && expect_eq "umask $mask: the serial index $f is 0600" "$(mode $f)" 600
	done
done

# ---- a registry made world-readable is tightened by the next command that writes ----
chmod 644 m022.db m022.db.key
"$WAM" --db m022.db summary >/dev/null
expect_eq "a read-only command changes no mode" "$(mode m022.db)" 644
"$WAM" --db m022.db item add --category SA1 --make Colt --serial T-1 --country US >/dev/null
expect_eq "a command that writes makes the registry 0600" "$(mode m022.db)" 600
expect_eq "and its node key" "$(mode m022.db.key)" 600

# ---- a symbolic link is not followed ----
echo "precious" >victim.txt
ln -s victim.txt out.csv
expect_exit 0 "an export over a symbolic link replaces the link" "$WAM" --db m022.db export --format csv --out out.csv
check "with a file of its own" test ! -L out.csv -a -f out.csv
expect_eq "the link's target is untouched" "$(cat victim.txt)" precious
printf 'category,make,serial,country\nSA9,Colt,,US\n' >sl.csv
ln -s victim.txt sl.csv.rejected.csv
expect_exit 6 "a file written in place (the rejects file) refuses a symbolic link" \
	"$WAM" --db m022.db import sl.csv --skip-bad
expect_contains "and says why" "$ERR" "symbolic link"
expect_eq "the link's target is untouched" "$(cat victim.txt)" precious
check "no temporary file is left beside an export" test -z "$(ls | grep -F .partial-)"

# ---- a backup while the server serves and commands write ----
DB=live.db
(umask 022 && "$WAM" --db $DB demo --items 300 --seed 3 >/dev/null 2>&1)
SITE=$("$WAM" --db $DB --json site list | jq -r '.[0].id')
# a surrender with a photo: the pseudonym key and the photos go with a backup
cat >rec.json <<'JSON'
{"type": "surrendered", "date": "2026-03-01", "place": "Gonaïves", "context": "amnesty", "officer": "Insp. Joseph",
 "person": "Marie-Claire Dorval", "weapons": [{"category": "SA1", "model": "revolver", "calibre": ".38 Special"}]}
JSON
REC=$("$WAM" --db $DB --json recovery add --from rec.json | jq -r .id)
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00photo bytes' >side.jpg
HASH=$("$WAM" --db $DB --json recovery photo "$REC" side.jpg | jq -r .hash)
(umask 000 && "$WAM" --db $DB recovery photo-get "$REC" "$HASH" --out got.jpg >/dev/null)
expect_eq "umask 000: recovery photo-get --out is 0600" "$(mode got.jpg)" 600
"$WAM" --db $DB serve --listen 127.0.0.1:0 --ready-file ready --access-log access.log >serve.out 2>serve.err &
SERVER=$!
for _ in $(seq 1 300); do [ -s ready ] && break; sleep 0.05; done
check "wam serve started" test -s ready
expect_eq "the -wal of a served registry is 0600" "$(mode $DB-wal)" 600
expect_eq "its -shm is 0600" "$(mode $DB-shm)" 600
expect_eq "the access log is 0600" "$(mode access.log)" 600
before=$(events $DB)
(
	for i in $(seq 1 40); do
		"$WAM" --db $DB item add --category SA1 --make Glock --serial "LIVE-$i" --country AT --site "$SITE" >/dev/null 2>&1
	done
) &
WRITER=$!
ok_backups=0
for n in 1 2 3; do
	run "$WAM" --db $DB backup --out bk$n.db
	[ "$RC" -eq 0 ] && ok_backups=$((ok_backups + 1)) || echo "# backup $n: $ERR"
done
wait $WRITER
expect_eq "three backups made while the server ran and a writer wrote" "$ok_backups" 3
after=$(events $DB)
expect_eq "the writer's 40 weapons all went in" "$after" "$((before + 40))"
for n in 1 2 3; do
	expect_exit 0 "backup $n verifies where it lies (wam --db bk$n.db verify)" "$WAM" --db bk$n.db verify
	copied=$("$WAM" --db bk$n.db --json summary | jq -r .totals.events)
	check "backup $n holds a whole number of commands ($before <= $copied <= $after)" \
		test "$copied" -ge "$before" -a "$copied" -le "$after"
	expect_eq "backup $n is 0600" "$(mode bk$n.db)" 600
	expect_eq "its node key is 0600" "$(mode bk$n.db.key)" 600
	check "nothing is left beside it" test ! -e bk$n.db-wal -a -z "$(ls | grep -F bk$n.db.partial)"
done
"$WAM" --db $DB backup --out final.db >/dev/null
# copies of the served registry as a file copy makes them, nothing writing: with its -wal (which holds
# commands not yet in the database file), with and without its -shm
mkdir -p media
for f in "" -wal .key; do cp $DB$f media/walonly.db$f; done
for f in "" -wal -shm .key; do cp $DB$f media/walshm.db$f; done
check "the copy's -wal holds commands" test -s media/walonly.db-wal
kill -TERM $SERVER
wait $SERVER
expect_eq "the server stopped cleanly" "$?" 0
expect_eq "a backup after the writes has all of them" "$("$WAM" --db final.db --json summary | jq -r .totals.events)" "$after"
run "$WAM" --db $DB --json backup --out final.db
expect_eq "backup --json reports the proof" "$(jget '[.intact, .events] | join(",")')" "true,$after"
expect_eq "and the node key it was verified with" "$(jget .public_key)" "$("$WAM" --db $DB --json verify | jq -r .public_key)"
expect_exit 2 "backup needs --out" "$WAM" --db $DB backup
expect_exit 2 "a backup over the registry itself is refused" "$WAM" --db $DB backup --out $DB
nodekey=$(sha256sum $DB.key)
expect_exit 2 "a backup over the registry's node key is refused" "$WAM" --db $DB backup --out $DB.key
expect_contains "naming --out" "$ERR" "out"
expect_eq "the node key is untouched" "$(sha256sum $DB.key)" "$nodekey"
expect_exit 2 "so is one over the registry by another name" "$WAM" --db $DB backup --out ./$DB
expect_exit 2 "so is one over its -wal" "$WAM" --db $DB backup --out $DB-wal
expect_exit 2 "so is one whose own key would be the registry's pseudonym key" "$WAM" --db $DB backup \
	--out $DB.pseudonym
expect_exit 2 "so is one into its photo store" "$WAM" --db $DB backup --out $DB.photos/x.db
expect_exit 0 "the registry still verifies" "$WAM" --db $DB verify

# ---- restore ----
KEY=$("$WAM" --db $DB --json verify | jq -r .public_key)
expect_exit 2 "a restore to a new place needs the key the backup must have" "$WAM" --db restored.db restore final.db
expect_contains "and names the backup's key, to check against the records" "$ERR" "$KEY"
expect_contains "saying how to pass it" "$ERR" "--expect-key"
check "nothing was made" test ! -e restored.db -a ! -e restored.db.key
expect_exit 2 "--expect-key takes 64 hex digits" "$WAM" --db restored.db restore final.db --expect-key 12zz
expect_exit 0 "restore a backup to a new place" "$WAM" --db restored.db restore final.db --expect-key "$KEY"
expect_contains "restore says what it proved" "$OUT" "$after events"
expect_exit 0 "the restored registry verifies" "$WAM" --db restored.db verify
expect_eq "the restored registry is 0600" "$(mode restored.db)" 600
expect_eq "it has the events of the backup" "$(events restored.db)" "$after"
check "the pseudonym key came with it" cmp -s $DB.pseudonym.key restored.db.pseudonym.key
expect_exit 0 "the photo came with it" "$WAM" --db restored.db recovery photo-get "$REC" "$HASH" --out back.jpg
expect_same_file "with the same bytes" side.jpg back.jpg
expect_exit 0 "the restored registry takes new commands (its key came with it)" \
	"$WAM" --db restored.db item add --category SA1 --make Colt --serial AFTER-1 --country US
expect_exit 4 "restore refuses to overwrite a registry" "$WAM" restore bk1.db --db restored.db
expect_eq "which is unchanged" "$(events restored.db)" "$((after + 1))"
expect_exit 0 "restore --force puts an older backup in place (the registry's key vouches for it)" \
	"$WAM" restore bk1.db --db restored.db --force
expect_eq "the registry is the backup's" "$(events restored.db)" "$("$WAM" --db bk1.db --json summary | jq -r .totals.events)"
expect_exit 0 "and verifies" "$WAM" --db restored.db verify
check "no temporary file is left" test -z "$(ls | grep -F restored.db.partial)"

# a tampered backup: a stolen weapon made in_store again in the copy
cp final.db bad.db && cp final.db.key bad.db.key
sqlite3 bad.db "UPDATE items SET status='in_store' WHERE status='stolen'" 2>/dev/null ||
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE items SET status=\"in_store\" WHERE status=\"stolen\""); c.commit()' bad.db
restored_before=$(events restored.db)
expect_exit 5 "restore refuses a tampered backup" "$WAM" restore bad.db --db restored.db --force
expect_contains "it names what is wrong" "$ERR" "not intact"
expect_eq "and changed nothing" "$(events restored.db)" "$restored_before"
# a damaged backup: bytes overwritten in the middle of the file
cp final.db broken.db && cp final.db.key broken.db.key
size=$(stat -c %s broken.db)
dd if=/dev/urandom of=broken.db bs=4096 seek=$((size / 8192)) count=4 conv=notrunc status=none
run "$WAM" restore broken.db --db restored.db --force
check "restore refuses a damaged backup (exit $RC)" test "$RC" -eq 5 -o "$RC" -eq 6
expect_eq "and changed nothing" "$(events restored.db)" "$restored_before"
# a damaged photo in a backup
rm -rf ph.db* && cp final.db ph.db && cp final.db.key ph.db.key && cp -r final.db.photos ph.db.photos
chmod u+w ph.db.photos/$HASH && printf 'not the photo' >ph.db.photos/$HASH
expect_exit 5 "restore refuses a backup whose photo is damaged" "$WAM" restore ph.db --db ph-restored.db \
	--expect-key "$KEY"
expect_contains "naming the photo" "$ERR" "$HASH"
check "and makes nothing" test ! -e ph-restored.db -a ! -e ph-restored.db.photos
# another node's backup
"$WAM" --db other.db init --country HT >/dev/null
"$WAM" --db other.db backup --out other-bk.db >/dev/null
expect_exit 5 "restore refuses another node's backup over this registry" "$WAM" restore other-bk.db --db restored.db --force
expect_contains "saying whose key it is" "$ERR" "not the key of the registry"
# a forged backup: made and signed by another key, which it carries as its own .key; to a new place
# it proves itself, so only the key the operator expects tells it apart
OTHER_KEY=$("$WAM" --db other.db --json verify | jq -r .public_key)
expect_exit 2 "a forged backup to a new place without --expect-key is refused" "$WAM" restore other-bk.db --db forged.db
expect_contains "naming the key it is signed with" "$ERR" "$OTHER_KEY"
expect_exit 5 "with the registry's key expected, it is refused" \
	"$WAM" restore other-bk.db --db forged.db --expect-key "$KEY"
expect_contains "naming both keys" "$ERR" "not the expected $KEY"
check "and nothing was made" test ! -e forged.db -a ! -e forged.db.key
expect_exit 5 "--expect-key is checked over an existing registry too" \
	"$WAM" restore final.db --db restored.db --force --expect-key "$OTHER_KEY"
expect_exit 3 "restore of a missing file" "$WAM" restore nothing.db --db new.db --expect-key "$KEY"
cp final.db nokey.db
expect_exit 3 "a backup without its node key is refused" "$WAM" restore nokey.db --db new.db --expect-key "$KEY"
check "nothing was made" test ! -e new.db

# ---- a registry on read-only media verifies in place ----
mkdir -p media && cp final.db final.db.key media/
cp live.db live.db.key media/ # a registry as it is beside a server: WAL mode
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	run unshare -m sh -c "mount --bind media media && mount -o remount,bind,ro media &&
		! touch media/probe 2>/dev/null &&
		'$WAM' --db media/final.db verify && '$WAM' --db media/live.db item list --limit 1 >/dev/null &&
		'$WAM' --db media/live.db verify >/dev/null &&
		'$WAM' --db media/live.db --json summary"
	expect_eq "on a read-only mount: a backup and a live registry's copy verify in full" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	check "nothing was written beside them" test ! -e media/final.db-wal -a ! -e media/live.db-shm
	run unshare -m sh -c "mount --bind media media && mount -o remount,bind,ro media &&
		'$WAM' --db media/walshm.db verify >/dev/null && '$WAM' --db media/walshm.db --json summary"
	expect_eq "on a read-only mount: a copy of the database, -wal and -shm together verifies in full" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	expect_eq "with every event" "$(jget .totals.events)" "$after"
	run unshare -m sh -c "mount --bind media media && mount -o remount,bind,ro media &&
		'$WAM' --db media/walonly.db verify"
	expect_eq "a copy with a -wal but no -shm cannot be read there (exit 6)" "$RC" 6
	expect_contains "and the error names the file" "$ERR" "media/walonly.db cannot be read where it lies"
	expect_contains "and what to do" "$ERR" "wam backup"
	expect_contains "or what to copy" "$ERR" "copy its -wal and -shm with it"
else
	ok "on a read-only mount # SKIP no mount namespace here"
fi
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$TMP" && chmod -R a+rX,a-w media
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	run as_nobody "$WAM" --db media/final.db verify
	expect_eq "a user who cannot write the directory verifies the backup in place" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	run as_nobody "$WAM" --db media/live.db --json summary
	expect_eq "and reads a live registry's copy" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	run as_nobody "$WAM" --db media/live.db verify
	expect_eq "and proves it in full: chain, signatures and projections" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	run as_nobody "$WAM" --db media/walshm.db verify
	expect_eq "and a copy of the database, -wal and -shm together" "$RC" 0
	[ "$RC" -eq 0 ] || echo "# $ERR"
	run as_nobody "$WAM" --db media/walonly.db verify
	expect_eq "but not a copy with a -wal and no -shm (exit 6)" "$RC" 6
	expect_contains "saying what to do" "$ERR" "copy its -wal and -shm with it"
	chmod -R u+w media
else
	ok "as a user without write permission # SKIP not root, or no setpriv"
fi

# ---- in a directory everyone can write to, another user's files are not written into ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	chmod 755 "$TMP"
	mkdir -p shared && chmod 777 shared
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	# the names a backup, an export and the serial index wrote their work to, made first by another user
	for f in bk.db bk.db.partial bk.db.partial.key bk.db.key bk.db.pseudonym.key e.csv e.csv.partial \
		loss.csv.part photo.jpg; do
		as_nobody sh -c "umask 000 && : >shared/$f"
	done
	expect_exit 0 "a backup into a shared directory with other users' files in its way" \
		"$WAM" --db $DB backup --out shared/bk.db
	for f in bk.db bk.db.key bk.db.pseudonym.key; do
		expect_eq "$f is the caller's, 0600" "$(stat -c '%u %a' shared/$f)" "0 600"
	done
	expect_exit 1 "the other user cannot read the node key" as_nobody cat shared/bk.db.key
	run as_nobody cat shared/bk.db.partial shared/bk.db.partial.key shared/bk.db.pseudonym.key
	check "nothing was written into the other user's files" test -z "$OUT"
	expect_exit 0 "the backup verifies" "$WAM" --db shared/bk.db verify
	expect_exit 0 "an export over another user's file" "$WAM" --db $DB export --format csv --out shared/e.csv
	expect_eq "replaces it with the caller's own" "$(stat -c '%u %a' shared/e.csv)" "0 600"
	expect_exit 0 "so does the lost and stolen list" "$WAM" --db $DB loss export --out shared/loss.csv
	expect_eq "which is the caller's" "$(stat -c '%u %a' shared/loss.csv)" "0 600"
	expect_exit 6 "a file written in place that belongs to another user is refused" \
		"$WAM" --db $DB recovery photo-get "$REC" "$HASH" --out shared/photo.jpg
	expect_contains "saying whose it is and why" "$ERR" "belongs to another user"
	expect_eq "and nothing was written into it" "$(stat -c %s shared/photo.jpg)" 0
	as_nobody sh -c "umask 000 && mkdir shared/r.db.photos"
	expect_exit 6 "a restore refuses a photo directory of another user's" \
		"$WAM" restore final.db --db shared/r.db --expect-key "$KEY"
	check "and makes nothing" test ! -e shared/r.db -a ! -e shared/r.db.key
	rm -rf shared
else
	ok "files of another user in a shared directory # SKIP not root, or no setpriv"
fi

done_testing
