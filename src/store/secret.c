/* The registry's secret key: "<db>.pseudonym.key", 32 random bytes made on
 * first use (by a writable handle, while the ledger holds nothing keyed
 * with it), owner-only, beside the registry (a backup carries it). Each
 * use has a subkey of its own, so that what one room derives tells nothing
 * of another's. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Whether the ledger already holds what only the key file opens or
 * repeats: a sealed source identity or a collection pseudonym. Then a
 * missing key file was lost, and a fresh one would silently make them
 * unreadable or unmatched. */
static int keyed_data(wam_db *db, bool *held)
{
	sqlite3_stmt *st = NULL;
	*held = false;
	if (sqlite3_prepare_v2(db->conn,
	                       "SELECT 1 FROM events WHERE instr(payload, '\"identity_sealed\"')"
	                       " OR instr(payload, '\"person_ref\"') LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "looking for keyed data in the ledger");
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return wam_sql_fail(db->conn, "looking for keyed data in the ledger");
	*held = r == SQLITE_ROW;
	return 0;
}

static int key_file(wam_db *db, unsigned char key[32])
{
	char path[4096];
	snprintf(path, sizeof path, "%s.pseudonym.key", db->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		bool held = false;
		int rc;
		/* made on first use only: never by a read-only handle, never
		 * over a ledger that already used a key */
		if (db->readonly)
			return wam_error_set(WAM_EIO, NULL,
			                     "the pseudonym key %s is missing (a read-only handle does not make one)",
			                     path);
		if ((rc = keyed_data(db, &held)))
			return rc;
		if (held)
			return wam_error_set(
			    WAM_EIO, NULL,
			    "the pseudonym key %s is missing, and the ledger holds sealed identities or"
			    " pseudonyms made with it: restore it from a backup (a new key would open"
			    " none of them)",
			    path);
		/* first use: O_EXCL so two handles never make two keys */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			randombytes_buf(key, 32);
			ssize_t w = write(fd, key, 32);
			int ok = w == 32 && fsync(fd) == 0;
			close(fd);
			if (!ok) {
				unlink(path);
				sodium_memzero(key, 32);
				return wam_error_set(WAM_EIO, NULL, "cannot write the pseudonym key %s", path);
			}
			return 0;
		}
		if (errno == EEXIST)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return wam_error_set(WAM_EIO, NULL, "cannot read the pseudonym key %s: %s", path, strerror(errno));
	ssize_t n = read(fd, key, 32);
	close(fd);
	if (n != 32) {
		sodium_memzero(key, 32);
		return wam_error_set(WAM_EIO, NULL, "the pseudonym key %s is not 32 bytes", path);
	}
	return 0;
}

int wam_db_secret_key(wam_db *db, const char *purpose, unsigned char key[32])
{
	unsigned char master[32];
	int rc = key_file(db, master);
	if (rc)
		return rc;
	if (!strcmp(purpose, WAM_SECRET_PSEUDONYM)) {
		/* the collection room's pseudonyms were keyed by the file's key
		 * itself before there were other uses: they stay so */
		memcpy(key, master, 32);
	} else {
		/* BLAKE2b-256 keyed by the file's key, over "wam secret: PURPOSE" */
		char label[96];
		int n = snprintf(label, sizeof label, "wam secret: %s", purpose);
		crypto_generichash(key, 32, (const unsigned char *)label, (size_t)n, master, sizeof master);
	}
	sodium_memzero(master, sizeof master);
	return 0;
}
