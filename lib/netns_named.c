// SPDX-License-Identifier: Apache-2.0
/*
 * Named network namespaces, as `ip netns add/del` keeps them: an empty file in /run/netns with
 * the namespace bind-mounted on it, so it outlives every process in it. /run/netns itself is
 * made a shared mount point (bound on itself once), as iproute2 does, so that namespaces
 * created later are visible in other mount namespaces too.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "netns.h"

static const char *run_dir(void)
{
	const char *d = getenv("CNET_NETNS_DIR");
	return d && *d ? d : NETNS_RUN_DIR;
}

/* Make the directory a shared mount point (MS_SHARED needs a mount: bind it on itself once). */
static int share_dir(const char *dir, struct cnet_err *err)
{
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return cnet_err_set(err, CNI_ERR_IO, errno, "make %s a shared mount", dir);
	if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "bind %s on itself", dir);
	return 0;
}

int netns_path(const char *name, char *path, size_t len)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	int n = snprintf(path, len, "%s/%s", run_dir(), name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int netns_create(const char *name, char *path, size_t len, struct cnet_err *err)
{
	const char *dir = run_dir();
	if (netns_path(name, path, len) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "\"%s\" is not a namespace name", name ? name : "");
	int r = fs_mkdir_p(dir, 0755, err);
	if (r >= 0)
		r = share_dir(dir, err);
	if (r < 0)
		return r;
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return cnet_err_set(err, errno == EEXIST ? CNET_ERR_CONFLICT : CNI_ERR_IO, errno,
				    "create %s", path);
	close(fd);
	/* A child moves into a new network namespace and pins it on the file: the caller stays
	 * where it is. */
	pid_t pid = fork();
	if (pid < 0) {
		unlink(path);
		return cnet_err_set(err, CNI_ERR_IO, errno, "fork");
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0 ||
		    mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
			_exit(errno ? errno : 1);
		_exit(0);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int e = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
		unlink(path);
		return cnet_err_set(err, CNI_ERR_IO, e, "create network namespace %s", path);
	}
	return 0;
}

int netns_delete(const char *name, struct cnet_err *err)
{
	char path[4096];
	if (netns_path(name, path, sizeof(path)) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "\"%s\" is not a namespace name", name ? name : "");
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "unmount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "remove %s", path);
	return 0;
}
