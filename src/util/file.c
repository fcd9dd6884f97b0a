/* Files wam writes for people: exports and every --out file, rejects files,
 * copies of the registry, the serial index, the registry itself. They hold
 * what the registry holds (names, serials, site coordinates, password
 * hashes, confidential trace responses), so each is made readable and
 * writable by its owner only (0600) whatever the process umask: the mode is
 * given to open() and set again with fchmod() on the open descriptor (an
 * existing file keeps its old mode through O_TRUNC, and a umask may take
 * the owner's bits away). A symbolic link is not followed, so a link left
 * where an export is written cannot redirect it. A device or a pipe
 * (/dev/stdout, a named pipe) is written as it is, its mode untouched. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int wam_file_open_fd(int *out, const char *path, const char *field, unsigned flags)
{
	*out = -1;
	int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	oflags |= flags & WAM_FILE_EXCL ? O_EXCL : 0;
	oflags |= flags & WAM_FILE_APPEND ? O_APPEND : O_TRUNC;
	int fd = open(path, oflags, 0600);
	if (fd < 0) {
		int e = errno;
		if (e == EEXIST)
			return wam_error_set(WAM_ECONFLICT, field, "%s already exists", path);
		if (e == ELOOP)
			return wam_error_set(WAM_EIO, field,
			                     "cannot write %s: it is a symbolic link, which is not followed", path);
		return wam_error_set(WAM_EIO, field, "cannot write %s: %s", path, strerror(e));
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || (S_ISREG(sb.st_mode) && (sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0)) {
		int e = errno;
		close(fd);
		return wam_error_set(WAM_EIO, field, "cannot make %s readable by its owner only: %s", path,
		                     strerror(e));
	}
	*out = fd;
	return 0;
}

int wam_file_create(FILE **out, const char *path, const char *field, unsigned flags)
{
	int fd, rc;
	*out = NULL;
	if ((rc = wam_file_open_fd(&fd, path, field, flags)))
		return rc;
	FILE *f = fdopen(fd, flags & WAM_FILE_APPEND ? "a" : "w");
	if (!f) {
		close(fd);
		return wam_error_set(WAM_ENOMEM, field, "cannot write %s: out of memory", path);
	}
	*out = f;
	return 0;
}

int wam_file_tighten(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : wam_error_set(WAM_EIO, "db", "cannot read %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) == 0 || sb.st_uid != geteuid())
		return 0;
	if (chmod(path, sb.st_mode & 0700) != 0)
		return wam_error_set(WAM_EIO, "db", "cannot make %s readable by its owner only: %s", path,
		                     strerror(errno));
	return 0;
}
