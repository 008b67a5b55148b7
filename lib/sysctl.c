// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "sysctl.h"

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
	sysctl_path(key, path, sizeof(path));
	int fd cleanup_close = open(path, O_WRONLY | O_CLOEXEC);
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
	sysctl_path(key, path, sizeof(path));
	ssize_t n = fs_read_small(AT_FDCWD, path, buf, len);
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
