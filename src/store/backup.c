/* Backups of a registry, and putting one back (docs/backup.md).
 *
 * A backup is made with SQLite's online backup API in one step: the copy is
 * read inside one read transaction of the source, so it is the registry as
 * it was at one moment even while `wam serve` goes on writing (in WAL mode a
 * reader neither waits for writers nor makes them wait). The copy is
 * written beside its final name (a new file "<path>.partial-XXXXXX", so
 * that no other user can have made it first), owner-only, switched to
 * a rollback journal so that it is one self-contained file (it then opens
 * read-only with nothing beside it, on read-only media too), and proven
 * with wam_ledger_verify() — chain, signatures, projections — before it is
 * renamed into place. The node key goes with it ("<path>.key"): without it
 * the copy could neither be verified against its key nor sign the next
 * command once restored. So do the pseudonym key and the recovery photos
 * (docs/collection.md), each photo checked against its hash.
 *
 * A restore proves the copy first and changes nothing unless it is intact;
 * it refuses to replace an existing registry without WAM_RESTORE_FORCE and
 * always refuses one whose node key is not the copy's (a backup is put back
 * in place of its own registry, never of another node's). A copy proves
 * itself only against the key that came with it, which whoever made the
 * copy chose: the key must also be the one the operator expects
 * (--expect-key) or the one of the registry it replaces, and a restore to a
 * new place without an expected key is refused. The copy is
 * written beside the target and renamed over it: a reader sees the old
 * registry or the new one, never half of one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define KEY_MAX 4096 /* a node key file is about 260 bytes */

/* Removes the partial copy and key a failed backup or restore made (empty
 * names are none), keeping the error that failed it. */
static void discard(const char *part, const char *part_key)
{
	wam_error saved = *wam_error_last();
	if (*part)
		unlink(part);
	if (*part_key)
		unlink(part_key);
	wam_error_restore(&saved);
}

/* Makes a rename in the directory of `path` durable. */
static void sync_dir(const char *path)
{
	char dir[4200];
	wam_file_dir(dir, sizeof dir, path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Reads the node key file `path` into `buf` (at most KEY_MAX bytes);
 * WAM_ENOTFOUND when there is none. */
static int read_key(char *buf, size_t *n, const char *path)
{
	*n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
		           ? wam_error_set(WAM_ENOTFOUND, "key", "there is no node key file %s", path)
		           : wam_error_set(WAM_EIO, "key", "cannot read the node key %s: %s", path, strerror(errno));
	ssize_t r;
	while ((r = read(fd, buf + *n, KEY_MAX - *n)) > 0)
		*n += (size_t)r;
	close(fd);
	if (r < 0 || *n == 0 || *n >= KEY_MAX)
		return wam_error_set(WAM_EIO, "key", "%s is not a node key file", path);
	return 0;
}

/* Writes the key bytes to `path`, owner-only, and syncs them: into a new
 * file when `fresh` (`path` is a name no one can have made first, beside a
 * new copy), else into a new file beside `path` renamed over it. */
static int write_key(const char *path, const char *buf, size_t n, bool fresh)
{
	int fd, rc;
	char tmp[4400] = "";
	if ((rc = fresh ? wam_file_open_fd(&fd, path, "key", WAM_FILE_EXCL)
	                : wam_file_temp_fd(&fd, tmp, sizeof tmp, path, "key")))
		return rc;
	bool ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (ok && *tmp && rename(tmp, path) != 0)
		ok = false;
	if (!ok && *tmp)
		unlink(tmp);
	return ok ? 0 : wam_error_set(WAM_EIO, "key", "cannot write the node key %s", path);
}

/* Copies the pseudonym key "<from>.pseudonym.key" (docs/collection.md) to
 * "<to>.pseudonym.key"; none is no error. With `check_only` nothing is
 * written: a pseudonym key already at `to` must be the same bytes
 * (WAM_EINTEGRITY). */
static int copy_pseudonym_key(const char *from, const char *to, bool check_only)
{
	char src[4300], dst[4300], buf[KEY_MAX], theirs[KEY_MAX];
	size_t n = 0, m = 0;
	snprintf(src, sizeof src, "%s.pseudonym.key", from);
	snprintf(dst, sizeof dst, "%s.pseudonym.key", to);
	int rc = read_key(buf, &n, src);
	if (rc == WAM_ENOTFOUND) {
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	if (check_only) {
		if ((rc = read_key(theirs, &m, dst)) == WAM_ENOTFOUND)
			rc = 0;
		else if (!rc && (m != n || sodium_memcmp(theirs, buf, n) != 0))
			rc = wam_error_set(
			    WAM_EINTEGRITY, "key",
			    "the backup's pseudonym key %s is not the one of the registry at %s: nothing was "
			    "restored",
			    src, to);
		goto done;
	}
	rc = write_key(dst, buf, n, false);
done:
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(theirs, sizeof theirs);
	return rc;
}

/* Copies the recovery photos "<from>.photos/<sha256>" (docs/collection.md)
 * into "<to>.photos/", each checked against the hash it is named by, so a
 * damaged photo is found when it is copied, not when it is needed. Photos
 * are never changed once stored: those already at `to` are kept. With
 * `check_only` every photo is checked and nothing is written. */
static int copy_photos(const char *from, const char *to, bool check_only)
{
	char src_dir[4300], dst_dir[4300];
	snprintf(src_dir, sizeof src_dir, "%s.photos", from);
	snprintf(dst_dir, sizeof dst_dir, "%s.photos", to);
	DIR *d = opendir(src_dir);
	if (!d)
		return errno == ENOENT
		           ? 0
		           : wam_error_set(WAM_EIO, "photos", "cannot read %s: %s", src_dir, strerror(errno));
	int rc = 0;
	if (!check_only && mkdir(dst_dir, 0700) != 0 && errno != EEXIST) {
		rc = wam_error_set(WAM_EIO, "photos", "cannot make %s: %s", dst_dir, strerror(errno));
		goto done;
	}
	struct stat sb; /* one made first by another user would be theirs to read */
	if (!check_only && (lstat(dst_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())) {
		rc = wam_error_set(WAM_EIO, "photos",
		                   "%s is not a directory of this user's: photos are written only into the "
		                   "user's own directory; remove it or choose another path",
		                   dst_dir);
		goto done;
	}
	struct dirent *e;
	wam_buf bytes = {0};
	while (!rc && (e = readdir(d))) {
		if (strlen(e->d_name) != 64 || strspn(e->d_name, "0123456789abcdef") != 64)
			continue; /* not a photo: ".", "..", a photo being written */
		char src[4608], dst[4608], part[4700], hex[65];
		unsigned char h[32];
		snprintf(src, sizeof src, "%s/%s", src_dir, e->d_name);
		snprintf(dst, sizeof dst, "%s/%s", dst_dir, e->d_name);
		if (!check_only && access(dst, F_OK) == 0)
			continue;
		FILE *in = fopen(src, "rb");
		if (!in) {
			rc = wam_error_set(WAM_EIO, "photos", "cannot read %s: %s", src, strerror(errno));
			break;
		}
		wam_buf_reset(&bytes);
		char chunk[65536];
		size_t got;
		while (!rc && (got = fread(chunk, 1, sizeof chunk, in)) > 0)
			rc = wam_buf_put(&bytes, chunk, got);
		bool bad_read = ferror(in);
		fclose(in);
		if (rc || bad_read) {
			rc = rc ? rc : wam_error_set(WAM_EIO, "photos", "cannot read %s", src);
			break;
		}
		crypto_hash_sha256(h, (const unsigned char *)(bytes.p ? bytes.p : ""), bytes.n);
		wam_hex(hex, h, sizeof h);
		if (strcmp(hex, e->d_name) != 0) {
			rc = wam_error_set(WAM_EINTEGRITY, "photos",
			                   "the photo %s is damaged: its bytes do not have its hash", src);
			break;
		}
		if (check_only)
			continue;
		int fd;
		if ((rc = wam_file_temp_fd(&fd, part, sizeof part, dst, "photos")))
			break;
		bool ok = write(fd, bytes.p ? bytes.p : "", bytes.n) == (ssize_t)bytes.n && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(part, dst) != 0) {
			unlink(part);
			rc = wam_error_set(WAM_EIO, "photos", "cannot write %s", dst);
		}
	}
	wam_buf_free(&bytes);
done:
	closedir(d);
	return rc;
}

/* Copies the database of `src` in one step (one read transaction of the
 * source), as a self-contained file with a rollback journal, into a new
 * owner-only file beside `target` whose name goes into `path` (`size`
 * bytes). On failure it is removed. */
static int copy_database(char *path, size_t size, sqlite3 *src, const char *target)
{
	int fd, rc;
	sqlite3 *dst = NULL;
	struct stat made, now;
	/* created owner-only and new first: SQLite keeps the mode, and gives it
	 * to the -journal it writes beside the copy */
	if ((rc = wam_file_temp_fd(&fd, path, size, target, "out")))
		return rc;
	bool same = fstat(fd, &made) == 0;
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = wam_error_set(WAM_EIO, "out", "cannot write %s: %s", path, sqlite3_errmsg(dst));
		goto done;
	}
	sqlite3_busy_timeout(dst, 5000);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		rc = wam_error_set(WAM_EIO, "out", "cannot copy the registry to %s: %s", path, sqlite3_errmsg(dst));
		goto done;
	}
	int step;
	/* the source is busy only while a writer checkpoints; wait as a command does */
	for (int tries = 0; (step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED; tries++) {
		if (tries >= 50)
			break;
		sqlite3_sleep(100);
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		rc = step == SQLITE_BUSY || step == SQLITE_LOCKED
		         ? wam_error_set(WAM_EDB, NULL, "the registry stayed busy; no backup was made")
		         : wam_error_set(WAM_EIO, "out", "cannot copy the registry to %s: %s", path,
		                         sqlite3_errmsg(dst));
		goto done;
	}
	rc = wam_sql_exec(dst, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;");
	/* SQLite writes by name: the name must still be the file made above */
	same = same && lstat(path, &now) == 0 && now.st_dev == made.st_dev && now.st_ino == made.st_ino;
	if (!rc && !same)
		rc = wam_error_set(WAM_EIO, "out", "%s was replaced by another file while it was written", path);
done:
	if (dst && sqlite3_close(dst) != SQLITE_OK && !rc)
		rc = wam_error_set(WAM_EIO, "out", "cannot finish writing %s", path);
	if (!rc) { /* SQLite synced its writes; this syncs the file's size and mode too */
		int f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0 || fsync(f) != 0)
			rc = wam_error_set(WAM_EIO, "out", "cannot write %s to disk", path);
		if (f >= 0)
			close(f);
	}
	if (rc)
		unlink(path);
	return rc;
}

/* Opens the copy at `path` (its key beside it) and proves it whole: the
 * chain, every signature and every projection. Fills `out`. */
static int prove(const char *path, wam_backup_report *out)
{
	wam_db *copy = NULL;
	wam_verify_report vr;
	int rc = wam_db_open(&copy, path, WAM_DB_READONLY);
	if (!rc)
		rc = wam_ledger_verify(copy, 0, &vr);
	wam_db_close(copy);
	if (rc)
		return rc;
	if (!vr.intact)
		return wam_error_set(WAM_EINTEGRITY, "backup", "the copy %s is not intact (%s at event %lld): %s", path,
		                     vr.problem, (long long)vr.first_bad_seq, vr.detail);
	out->events = vr.events;
	out->checkpoints = vr.checkpoints;
	snprintf(out->public_key, sizeof out->public_key, "%s", vr.public_key);
	struct stat sb;
	out->bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
	return 0;
}

int wam_db_backup(wam_db *db, wam_backup_report *out, const char *path)
{
	if (wam_confined(db)) /* the whole registry, not a site's */
		return wam_confine_national(db, "a backup");
	int rc;
	char part[4200] = "", part_key[4300] = "", key[4300], src_key[4300], keybuf[KEY_MAX];
	size_t keylen = 0;
	memset(out, 0, sizeof *out);
	if (!path || !*path)
		return wam_error_set(WAM_EINVAL, "out", "a backup needs a file to write (--out FILE)");
	if (strlen(path) > 4000)
		return wam_error_set(WAM_EINVAL, "out", "the path of the backup is longer than 4000 bytes");
	if (!strcmp(path, db->path))
		return wam_error_set(WAM_EINVAL, "out", "the backup cannot be written over the registry itself");
	/* nor over any file of the registry's, by the backup or its keys */
	snprintf(key, sizeof key, "%s.key", path);
	snprintf(src_key, sizeof src_key, "%s.pseudonym.key", path);
	if ((rc = wam_file_not_registry(db, path, "out")) || (rc = wam_file_not_registry(db, key, "out")) ||
	    (rc = wam_file_not_registry(db, src_key, "out")))
		return rc;
	if (db->tx_depth > 0 || db->snapshot_depth > 0)
		return wam_error_set(WAM_EDB, NULL, "a backup cannot be made inside a command");
	snprintf(key, sizeof key, "%s.key", path);
	snprintf(src_key, sizeof src_key, "%s.key", db->path);
	if ((rc = read_key(keybuf, &keylen, src_key))) {
		wam_error why = *wam_error_last(); /* not the message being written over */
		rc = wam_error_set(rc, "key", "%s; a backup carries the node key, without which it cannot be verified",
		                   why.message);
		goto done;
	}
	if ((rc = copy_database(part, sizeof part, db->conn, path)))
		goto fail;
	snprintf(part_key, sizeof part_key, "%s.key", part);
	if ((rc = write_key(part_key, keybuf, keylen, true)) || (rc = prove(part, out)) ||
	    (rc = copy_pseudonym_key(db->path, path, false)) || (rc = copy_photos(db->path, path, false)))
		goto fail;
	if (rename(part_key, key) != 0 || rename(part, path) != 0) {
		rc = wam_error_set(WAM_EIO, "out", "cannot put the backup in place at %s: %s", path, strerror(errno));
		goto fail;
	}
	sync_dir(path);
	goto done;
fail:
	discard(part, part_key);
done:
	sodium_memzero(keybuf, sizeof keybuf);
	return rc;
}

/* Removes what SQLite keeps beside a registry, so that the registry put in
 * its place is not read with the old one's write-ahead log. */
static void remove_sidecars(const char *path)
{
	static const char *const suffix[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[4200];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

int wam_db_restore(wam_backup_report *out, const char *from, const char *to, const char *expect_key, unsigned flags)
{
	int rc;
	wam_db *copy = NULL;
	char from_key[4300], to_key[4300], part[4300] = "", part_key[4400] = "";
	char keybuf[KEY_MAX], theirs[KEY_MAX];
	size_t keylen = 0, theirlen = 0;
	memset(out, 0, sizeof *out);
	struct stat sb;
	if (!from || !*from || !to || !*to)
		return wam_error_set(WAM_EINVAL, "file",
		                     "a restore needs the backup file and the registry to restore to");
	if (strlen(from) > 4000 || strlen(to) > 4000)
		return wam_error_set(WAM_EINVAL, "file", "a path is longer than 4000 bytes");
	if (stat(from, &sb) != 0)
		return wam_error_set(WAM_ENOTFOUND, "file", "there is no backup at %s", from);
	if (!strcmp(from, to))
		return wam_error_set(WAM_EINVAL, "db", "the backup and the registry to restore are the same file");
	if (expect_key && (strlen(expect_key) != 64 || strspn(expect_key, "0123456789abcdefABCDEF") != 64))
		return wam_error_set(WAM_EINVAL, "expect-key",
		                     "--expect-key takes the node public key as 64 hexadecimal digits, not \"%s\"",
		                     expect_key);
	bool exists = stat(to, &sb) == 0;
	if (exists && !(flags & WAM_RESTORE_FORCE))
		return wam_error_set(WAM_ECONFLICT, "db",
		                     "%s already holds a registry; restore replaces it only when told to (--force)",
		                     to);
	snprintf(from_key, sizeof from_key, "%s.key", from);
	snprintf(to_key, sizeof to_key, "%s.key", to);
	/* the copy is proven before anything is written */
	if ((rc = read_key(keybuf, &keylen, from_key)) || (rc = prove(from, out)))
		goto done;
	/* a backup is only as trustworthy as its key: anyone can make a copy
	 * that proves itself with a key of their own. The key is the operator's
	 * (--expect-key), or the one of the registry it replaces. */
	if (expect_key && strcasecmp(expect_key, out->public_key) != 0) {
		rc = wam_error_set(WAM_EINTEGRITY, "expect-key",
		                   "the backup %s is signed with the node key %s, not the expected %s: nothing was "
		                   "restored",
		                   from, out->public_key, expect_key);
		goto done;
	}
	if ((rc = read_key(theirs, &theirlen, to_key)) == 0) {
		if (theirlen != keylen || sodium_memcmp(theirs, keybuf, keylen) != 0) {
			rc = wam_error_set(
			    WAM_EINTEGRITY, "key",
			    "the backup's node key %s is not the key of the registry at %s (%s): a backup is "
			    "restored only in place of its own registry; nothing was restored",
			    from_key, to, to_key);
			goto done;
		}
	} else if (rc != WAM_ENOTFOUND) {
		goto done;
	} else if (!expect_key) {
		rc = wam_error_set(WAM_EINVAL, "expect-key",
		                   "the backup %s is signed with the node key %s, and there is no registry at %s whose "
		                   "key could vouch for it: check that key against your records (`wam node` and "
		                   "`wam verify` print it) and restore with --expect-key %s; nothing was restored",
		                   from, out->public_key, to, out->public_key);
		goto done;
	}
	if ((rc = copy_pseudonym_key(from, to, true)) || (rc = copy_photos(from, to, true)))
		goto done;
	if ((rc = wam_db_open(&copy, from, WAM_DB_READONLY)) || (rc = copy_database(part, sizeof part, copy->conn, to)))
		goto fail;
	snprintf(part_key, sizeof part_key, "%s.key", part);
	if ((rc = write_key(part_key, keybuf, keylen, true)) || (rc = copy_photos(from, to, false)) ||
	    (rc = copy_pseudonym_key(from, to, false)))
		goto fail;
	wam_db_close(copy);
	copy = NULL;
	remove_sidecars(to);
	if (rename(part_key, to_key) != 0 || rename(part, to) != 0) {
		rc = wam_error_set(WAM_EIO, "db", "cannot put the restored registry in place at %s: %s", to,
		                   strerror(errno));
		goto fail;
	}
	sync_dir(to);
	goto done;
fail:
	discard(part, part_key);
done:
	wam_db_close(copy);
	sodium_memzero(keybuf, sizeof keybuf);
	sodium_memzero(theirs, sizeof theirs);
	return rc;
}
