/* Files wam writes for people: exports and every --out file, rejects files,
 * copies of the registry, the serial index, the registry itself. They hold
 * what the registry holds (names, serials, site coordinates, password
 * hashes, confidential trace responses), so each is made readable and
 * writable by its owner only (0600) whatever the process umask: the mode is
 * given to open() and set again with fchmod() on the open descriptor (an
 * existing file keeps its old mode through O_TRUNC, and a umask may take
 * the owner's bits away). A symbolic link is not followed, so a link left
 * where an export is written cannot redirect it. A device or a pipe
 * (/dev/stdout, a named pipe) is written as it is, its mode untouched.
 *
 * A file is only written in place when the process owns it: in a directory
 * others can write to, another user could have made the file first, and
 * would then own (and read) what wam writes into it. Such a file is refused
 * before anything is emptied or written. Files written whole and renamed
 * over their target (exports, the serial index, backups) are made under a
 * new, unpredictable name beside the target (wam_file_create_temp()), so
 * there is no name another user can prepare in advance. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int wam_file_open_fd(int *out, const char *path, const char *field, unsigned flags)
{
	*out = -1;
	/* emptied only once it is known to be the caller's (below), never by open() */
	int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	oflags |= flags & WAM_FILE_EXCL ? O_EXCL : 0;
	oflags |= flags & WAM_FILE_APPEND ? O_APPEND : 0;
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
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return wam_error_set(WAM_EIO, field, "cannot write %s: %s", path, strerror(e));
	}
	if (S_ISREG(sb.st_mode) && sb.st_uid != geteuid()) {
		close(fd);
		return wam_error_set(WAM_EIO, field,
		                     "%s belongs to another user (uid %ld): wam writes only into its own files, "
		                     "since the file's owner could read what is written; remove it or choose "
		                     "another path",
		                     path, (long)sb.st_uid);
	}
	if (S_ISREG(sb.st_mode) && (((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0) ||
	                            (!(flags & WAM_FILE_APPEND) && sb.st_size > 0 && ftruncate(fd, 0) != 0))) {
		int e = errno;
		close(fd);
		return wam_error_set(WAM_EIO, field, "cannot make %s an empty file readable by its owner only: %s",
		                     path, strerror(e));
	}
	*out = fd;
	return 0;
}

int wam_file_temp_fd(int *out, char *tmp, size_t tmpsize, const char *path, const char *field)
{
	*out = -1;
	if ((size_t)snprintf(tmp, tmpsize, "%s.partial-XXXXXX", path) >= tmpsize) {
		*tmp = '\0';
		return wam_error_set(WAM_EINVAL, field, "the path %s is too long", path);
	}
	int fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL, mode 0600 whatever the umask */
	if (fd < 0) {
		int e = errno;
		*tmp = '\0';
		return wam_error_set(WAM_EIO, field, "cannot write beside %s: %s", path, strerror(e));
	}
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		*tmp = '\0';
		return wam_error_set(WAM_EIO, field, "cannot make a new file beside %s readable by its owner only: %s",
		                     path, strerror(e));
	}
	*out = fd;
	return 0;
}

int wam_file_create_temp(FILE **out, char *tmp, size_t tmpsize, const char *path, const char *field)
{
	int fd, rc;
	*out = NULL;
	if ((rc = wam_file_temp_fd(&fd, tmp, tmpsize, path, field)))
		return rc;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return wam_error_set(WAM_ENOMEM, field, "cannot write %s: out of memory", path);
	}
	*out = f;
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

void wam_file_dir(char *dir, size_t n, const char *path)
{
	snprintf(dir, n, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}
