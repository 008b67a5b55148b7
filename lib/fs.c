// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"

#define TEMP_MARK ".cnet-tmp."

int fs_mkdir_p(const char *path, mode_t mode, struct cnet_err *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return cnet_err_set(err, CNI_ERR_IO, ENAMETOOLONG, "mkdir \"%s\"", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return cnet_err_set(err, CNI_ERR_IO, errno, "mkdir \"%s\"", buf);
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Write data into a fresh temp file next to name; its name goes to tmp. */
static int write_temp(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      char *tmp, size_t tmplen, struct cnet_err *err)
{
	snprintf(tmp, tmplen, "%s" TEMP_MARK "%d", name, (int)getpid());
	int fd cleanup_close = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "create \"%s\"", tmp);
	int r = write_all(fd, data, len);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return cnet_err_set(err, CNI_ERR_IO, r, "write \"%s\"", tmp);
	}
	return 0;
}

int fs_write_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		    struct cnet_err *err)
{
	char tmp[NAME_MAX + 1];
	int r = write_temp(dirfd, name, data, len, mode, tmp, sizeof(tmp), err);
	if (r < 0)
		return r;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
		return cnet_err_set(err, CNI_ERR_IO, r, "rename \"%s\"", name);
	}
	return 0;
}

int fs_write_in_place(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct cnet_err *err)
{
	int fd cleanup_close = openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open \"%s\"", name);
	int r = write_all(fd, data, len);
	struct stat st;
	/* shrink only when the old content was longer (never to zero: see fs.h) */
	if (r == 0 && fstat(fd, &st) == 0 && st.st_size > (off_t)len && ftruncate(fd, (off_t)len) < 0)
		r = -errno;
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_IO, r, "write \"%s\"", name);
	return 0;
}

int fs_create_excl(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		   struct cnet_err *err)
{
	char tmp[NAME_MAX + 1];
	int r = write_temp(dirfd, name, data, len, mode, tmp, sizeof(tmp), err);
	if (r < 0)
		return r;
	r = linkat(dirfd, tmp, dirfd, name, 0) < 0 ? -errno : 0;
	unlinkat(dirfd, tmp, 0);
	if (r == -EEXIST)
		return r;
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_IO, r, "create \"%s\"", name);
	return 0;
}

ssize_t fs_read_small(int dirfd, const char *name, char *buf, size_t len)
{
	int fd cleanup_close = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

int fs_is_temp(const char *name)
{
	return strstr(name, TEMP_MARK) != NULL;
}

int lock_take_at(int dirfd, const char *name, struct cnet_err *err)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open lock \"%s\"", name);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		int e = errno;
		close(fd);
		return cnet_err_set(err, CNI_ERR_IO, e, "lock \"%s\"", name);
	}
	return fd;
}

int lock_take(const char *path, struct cnet_err *err)
{
	return lock_take_at(AT_FDCWD, path, err);
}

#define CNET_DEFAULT_RUN_DIR "/run/cni/cnet"

int cnet_state_lock(const char *name, struct cnet_err *err)
{
	const char *dir = getenv("CNET_RUN_DIR");
	char path[PATH_MAX];
	if (!dir || !*dir)
		dir = CNET_DEFAULT_RUN_DIR;
	int r = fs_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s.lock", dir, name);
	return lock_take(path, err);
}
