// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

#include "cleanup.h"
#include "log.h"
#include "netns.h"

int netns_open(const char *path, struct cnet_err *err)
{
	int fd cleanup_close = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, errno, "CNI_NETNS: open \"%s\"", path);
	struct statfs sfs;
	/* /proc/<pid>/ns/net is on nsfs too once opened; a bind mount in /run/netns as well. */
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
		cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
			     "CNI_NETNS: \"%s\" is not a network namespace", path);
		return -ENOTTY;
	}
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWNET) {
		cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
			     "CNI_NETNS: \"%s\" is a namespace, but not a network namespace", path);
		return -ENOTTY;
	}
	return TAKE_FD(fd);
}

int netns_enter(int netns_fd, int *saved, struct cnet_err *err)
{
	int cur cleanup_close = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (cur < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno, "open own network namespace");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno, "enter network namespace");
	*saved = TAKE_FD(cur);
	return 0;
}

void netns_leave(int saved)
{
	if (setns(saved, CLONE_NEWNET) < 0) {
		cnet_log_error("cannot return to the original network namespace: %m");
		abort();
	}
	close(saved);
}

int netns_run(int netns_fd, int (*fn)(void *arg, struct cnet_err *err), void *arg,
	      struct cnet_err *err)
{
	int saved = -1;
	int r = netns_enter(netns_fd, &saved, err);
	if (r < 0)
		return r;
	r = fn(arg, err);
	netns_leave(saved);
	return r;
}

int netns_is_current(int netns_fd)
{
	struct stat a, b;
	if (fstat(netns_fd, &a) < 0 || stat("/proc/thread-self/ns/net", &b) < 0)
		return -errno;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
