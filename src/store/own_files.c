/* The registry's own files, which no output (a backup, an evidence pack)
 * may be written over: the database, its -wal, -shm and -journal, its node
 * key "<db>.key", its pseudonym key "<db>.pseudonym.key" and the photos in
 * "<db>.photos/". A path is compared with each by what it resolves to (the
 * same device and inode, through any link) and, for a file not there yet,
 * by name: its directory resolved, its last part as given. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* `path` with its directory resolved ("dir/name") into `out`; false when
 * the directory does not resolve. */
static bool resolved_name(char *out, size_t n, const char *path)
{
	char dir[4096], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	wam_file_dir(dir, sizeof dir, path);
	if (!realpath(dir, real))
		return false;
	snprintf(out, n, "%s/%s", real, slash ? slash + 1 : path);
	return true;
}

/* Whether `path` is `file`: the same inode, or the same resolved name. */
static bool same_file(const char *path, const struct stat *ps, bool path_exists, const char *path_name,
                      const char *file)
{
	struct stat fs;
	char name[PATH_MAX + 256];
	if (path_exists && !stat(file, &fs) && fs.st_dev == ps->st_dev && fs.st_ino == ps->st_ino)
		return true;
	if (!strcmp(path, file))
		return true;
	return *path_name && resolved_name(name, sizeof name, file) && !strcmp(name, path_name);
}

int wam_file_not_registry(const wam_db *db, const char *path, const char *field)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal", ".key", ".pseudonym.key"};
	char file[4200], photos[4200], real_photos[PATH_MAX], path_name[PATH_MAX + 256] = "", dir[4096],
	                                                                           real_dir[PATH_MAX];
	struct stat ps;
	if (!db->path || !path)
		return 0;
	bool exists = !stat(path, &ps);
	if (!resolved_name(path_name, sizeof path_name, path))
		path_name[0] = '\0';
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(file, sizeof file, "%s%s", db->path, suffix[i]);
		if (same_file(path, &ps, exists, path_name, file))
			return wam_error_set(WAM_EINVAL, field,
			                     "%s is the registry's own file %s: write it somewhere else", path, file);
	}
	/* the photo store: the directory itself, or any file in or under it */
	snprintf(photos, sizeof photos, "%s.photos", db->path);
	size_t plen = 0;
	if (realpath(photos, real_photos))
		plen = strlen(real_photos);
	wam_file_dir(dir, sizeof dir, path);
	bool inside = same_file(path, &ps, exists, path_name, photos);
	if (!inside && plen && realpath(dir, real_dir))
		inside = !strncmp(real_dir, real_photos, plen) && (real_dir[plen] == '/' || !real_dir[plen]);
	if (!inside && !plen) { /* no photo yet: by name */
		size_t n = strlen(photos);
		inside = !strncmp(path, photos, n) && path[n] == '/';
	}
	if (inside)
		return wam_error_set(WAM_EINVAL, field,
		                     "%s is in the registry's photo store %s: write it somewhere else", path, photos);
	return 0;
}
