/* The photo store: image files beside the registry, in "<db>.photos/"
 * (0700), each named by the SHA-256 of its bytes (64 lowercase hex digits)
 * and written owner-only. A name is only ever made from a hash this file
 * computed or checked, so no request can name a path of its own; a file
 * is written once under a name no one can guess and renamed, so a reader
 * never sees half a photo; a file read back is hashed again, so bytes
 * changed outside wam are refused, not served. Images are told by their
 * first bytes (JPEG, PNG, GIF, WebP), never by what a client says they are.
 * Recoveries keep their photos here (src/collection), and so do trace
 * requests, which name photos by hash. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

const char *wam_photo_type(const void *bytes, size_t n)
{
	const unsigned char *b = bytes;
	if (!b)
		return NULL;
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return "image/jpeg";
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

bool wam_photo_hash_valid(const char *hash)
{
	if (!hash || strlen(hash) != 2 * crypto_hash_sha256_BYTES)
		return false;
	for (const char *p = hash; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static void photo_path(const wam_db *db, char *dir, size_t dcap, char *path, size_t pcap, const char *hash)
{
	snprintf(dir, dcap, "%s.photos", db->path);
	if (path)
		snprintf(path, pcap, "%s/%s", dir, hash);
}

int wam_photo_store(wam_db *db, char hash[WAM_PHOTO_HASH_LEN + 1], const char **media_type, const void *bytes, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char dir[4096], path[4200], tmp[4300];
	const char *type = wam_photo_type(bytes, n);
	hash[0] = '\0';
	if (media_type)
		*media_type = type;
	if (!type)
		return wam_error_set(WAM_EINVAL, "photo", "the photo is not a JPEG, PNG, GIF or WebP image");
	if (n > WAM_PHOTO_MAX)
		return wam_error_set(WAM_EINVAL, "photo", "a photo is at most %u bytes, not %zu", WAM_PHOTO_MAX, n);
	crypto_hash_sha256(h, bytes, n);
	wam_hex(hash, h, sizeof h);
	photo_path(db, dir, sizeof dir, path, sizeof path, hash);
	if (access(path, F_OK) == 0)
		return 0; /* the same bytes are there already */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return wam_error_set(WAM_EIO, "photo", "cannot make %s: %s", dir, strerror(errno));
	FILE *f;
	int rc = wam_file_create_temp(&f, tmp, sizeof tmp, path, "photo");
	if (rc)
		return rc;
	bool ok = fwrite(bytes, 1, n, f) == n && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return wam_error_set(WAM_EIO, "photo", "cannot store %s: %s", path, strerror(errno));
	}
	return 0;
}

int wam_photo_read(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32], const char *hash)
{
	char dir[4096], path[4200];
	struct stat sb;
	*bytes = NULL;
	*n = 0;
	if (!wam_photo_hash_valid(hash))
		return wam_error_set(WAM_EINVAL, "hash", "a photo is named by its SHA-256 (64 lowercase hex digits)");
	photo_path(db, dir, sizeof dir, path, sizeof path, hash);
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? wam_error_set(WAM_ENOTFOUND, "hash", "no photo '%.64s'", hash)
		                       : wam_error_set(WAM_EIO, "hash", "cannot read %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > (off_t)WAM_PHOTO_MAX) {
		fclose(f);
		return wam_error_set(WAM_EINTEGRITY, "hash", "%s is not a photo wam stored", path);
	}
	size_t size = (size_t)sb.st_size;
	unsigned char *b = malloc(size ? size : 1);
	size_t got = b ? fread(b, 1, size, f) : 0;
	int extra = fgetc(f);
	fclose(f);
	if (!b)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	/* the file is named by its hash: any other bytes were changed outside wam */
	unsigned char h[crypto_hash_sha256_BYTES];
	char have[WAM_PHOTO_HASH_LEN + 1];
	crypto_hash_sha256(h, b, got);
	wam_hex(have, h, sizeof h);
	const char *type = wam_photo_type(b, got);
	if (got != size || extra != EOF || strcmp(have, hash) != 0 || !type) {
		free(b);
		return wam_error_set(WAM_EINTEGRITY, "hash", "photo file %s does not hold the bytes it is named by",
		                     path);
	}
	snprintf(media_type, 32, "%s", type);
	*bytes = b;
	*n = size;
	return 0;
}

int wam_photo_add(wam_db *db, json_t **out, const void *bytes, size_t n, const char *media_type)
{
	char hash[WAM_PHOTO_HASH_LEN + 1];
	const char *type = wam_photo_type(bytes, n);
	*out = NULL;
	if (wam_confined(db)) /* photos are of recoveries and trace requests: the whole registry's */
		return wam_confine_national(db, "photos");
	if (type && media_type && strcmp(type, media_type) != 0)
		return wam_error_set(WAM_EINVAL, "photo", "the photo is %s, not %.40s as it was sent", type,
		                     media_type);
	int rc = wam_photo_store(db, hash, &type, bytes, n);
	if (rc)
		return rc;
	if (!(*out = json_pack("{s:s, s:I, s:s}", "hash", hash, "size", (json_int_t)n, "media_type", type)))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return 0;
}

int wam_photo_get(wam_db *db, unsigned char **bytes, size_t *n, char media_type[32], const char *hash)
{
	*bytes = NULL;
	*n = 0;
	if (wam_confined(db))
		return wam_confine_national(db, "photos");
	return wam_photo_read(db, bytes, n, media_type, hash);
}
