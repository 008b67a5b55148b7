// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "sysctl.h"

/*
 * Why the directory cache: every network namespace has its own /proc/sys/net/ipv4,
 * /proc/sys/net/ipv6 (and net/bridge ...) directory, and all of them hang off the one shared
 * /proc/sys/net with the same name. The dcache keeps them on one hash chain, and proc's
 * sysctl lookups cannot take the RCU fast path, so resolving "net/ipv6" walks one entry per
 * namespace that ever looked it up, newest first: ~150 us per open on a host with 1000
 * containers (the host's own entry is the oldest, so the host pays the most). Below those
 * directories nothing is shared. So each "/proc/sys/net/<dir>" is opened once per namespace
 * and process, and keys are opened relative to it.
 */
#define SYSCTL_DIRS 8

struct sysctl_dir {
	dev_t ns_dev;
	ino_t ns_ino;
	int ns_fd;   /* held so that the namespace (and its inode number) cannot be recycled */
	int fd;
	char name[16];
};

static struct sysctl_dir dirs[SYSCTL_DIRS];
static size_t n_dirs;

void sysctl_cache_reset(void)
{
	for (size_t i = 0; i < n_dirs; i++) {
		close(dirs[i].fd);
		close(dirs[i].ns_fd);
	}
	n_dirs = 0;
}

/* "net/ipv4/conf/eth0/arp_notify" -> the cached fd of /proc/sys/net/ipv4 of the calling
 * thread's namespace and "conf/eth0/arp_notify"; AT_FDCWD and the whole path otherwise. */
static int dir_of(const char *path, const char **rel)
{
	static const char net[] = "/proc/sys/net/";
	*rel = path;
	if (strncmp(path, net, strlen(net)))
		return AT_FDCWD;
	const char *sub = path + strlen(net), *slash = strchr(sub, '/');
	size_t len = slash ? (size_t)(slash - sub) : 0;
	if (!len || len >= sizeof(dirs[0].name))
		return AT_FDCWD;
	int ns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (ns_fd < 0 || fstat(ns_fd, &st) < 0) {
		if (ns_fd >= 0)
			close(ns_fd);
		return AT_FDCWD;
	}
	for (size_t i = 0; i < n_dirs; i++) {
		struct sysctl_dir *d = &dirs[i];
		if (d->ns_dev == st.st_dev && d->ns_ino == st.st_ino && strlen(d->name) == len &&
		    !strncmp(d->name, sub, len)) {
			close(ns_fd);
			*rel = slash + 1;
			return d->fd;
		}
	}
	if (n_dirs == SYSCTL_DIRS) {
		close(ns_fd);
		return AT_FDCWD;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		close(ns_fd);
		return AT_FDCWD;
	}
	struct sysctl_dir *d = &dirs[n_dirs++];
	d->ns_dev = st.st_dev;
	d->ns_ino = st.st_ino;
	d->ns_fd = ns_fd;
	d->fd = fd;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)len, sub);
	*rel = slash + 1;
	return fd;
}

/* "net.ipv4.conf.eth0.rp_filter" -> "/proc/sys/net/ipv4/conf/eth0/rp_filter". An interface
 * name may contain '.', so dotted keys are only converted when no '/' is present. */
static void sysctl_path(const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/%s", key);
	if (!strchr(key, '/'))
		for (char *p = buf + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
}

int sysctl_write(const char *key, const char *value, struct cnet_err *err)
{
	char path[PATH_MAX];
	const char *rel;
	sysctl_path(key, path, sizeof(path));
	int dirfd = dir_of(path, &rel);
	int fd cleanup_close = openat(dirfd, rel, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "sysctl %s", key);
	size_t len = strlen(value);
	if (write(fd, value, len) != (ssize_t)len)
		return cnet_err_set(err, CNI_ERR_IO, errno, "sysctl %s=%s", key, value);
	return 0;
}

int sysctl_read(const char *key, char *buf, size_t len, struct cnet_err *err)
{
	char path[PATH_MAX];
	const char *rel;
	sysctl_path(key, path, sizeof(path));
	int dirfd = dir_of(path, &rel);
	ssize_t n = fs_read_small(dirfd, rel, buf, len);
	if (n < 0)
		return cnet_err_set(err, CNI_ERR_IO, (int)n, "sysctl %s", key);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sysctl_ensure(const char *key, const char *value, struct cnet_err *err)
{
	char cur[64];
	if (sysctl_read(key, cur, sizeof(cur), NULL) == 0 && !strcmp(cur, value))
		return 0;
	return sysctl_write(key, value, err);
}
