/* The registry's secret key: "<db>.pseudonym.key", 32 random bytes made on
 * first use, owner-only, beside the registry (a backup carries it). Each
 * use has a subkey of its own, so that what one room derives tells nothing
 * of another's. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int key_file(wam_db *db, unsigned char key[32])
{
	char path[4096];
	snprintf(path, sizeof path, "%s.pseudonym.key", db->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
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
