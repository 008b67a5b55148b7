// SPDX-License-Identifier: Apache-2.0
/* host-device: interface lookups through sysfs (see hd_sysfs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "hd_sysfs.h"
#include "ipaddr.h"

const char *hd_sysfs_root(void)
{
	const char *root = getenv("CNET_SYSFS_ROOT");
	return root && *root ? root : "/sys";
}

/* <root>/<rel> into buf; -ENAMETOOLONG when it does not fit. */
static int sys_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int sys_path(char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s%s", hd_sysfs_root(), rel);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void free_entries(struct dirent **ents, int n)
{
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

/* The entries of dir (sorted; interface names only) into out. -errno when dir is unreadable. */
static int list_names(const char *dir, struct hd_names *out)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, not_dot, alphasort);
	out->n = 0;
	if (n < 0)
		return -errno;
	for (int i = 0; i < n && out->n < HD_NAMES_MAX; i++)
		if (strlen(ents[i]->d_name) < IF_NAMESIZE)
			snprintf(out->name[out->n++], IF_NAMESIZE, "%s", ents[i]->d_name);
	free_entries(ents, n);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A virtio-net PCI function keeps its interface one level down: <dev>/virtio<N>/net/. */
static int virtio_net_dir(const char *dev, char *buf, size_t len)
{
	char pattern[PATH_MAX];
	glob_t g = { 0 };
	int n = snprintf(pattern, sizeof(pattern), "%s/virtio*/net", dev);
	if (n < 0 || (size_t)n >= sizeof(pattern))
		return -ENAMETOOLONG;
	if (glob(pattern, GLOB_ONLYDIR, NULL, &g) != 0 || g.gl_pathc == 0) {
		globfree(&g);
		return -ENOENT;
	}
	n = snprintf(buf, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int device_net_dir(const char *id, char *net, size_t len, struct cnet_err *err)
{
	char dev[PATH_MAX];
	int r = sys_path(dev, sizeof(dev), "/bus/pci/devices/%s", id);
	if (r >= 0 && !is_dir(dev))
		r = sys_path(dev, sizeof(dev), "/bus/auxiliary/devices/%s", id);
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, -r, "device \"%s\"", id);
	if (!is_dir(dev))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "no PCI or auxiliary device \"%s\" (no /sys/bus/pci/devices/%s "
				    "nor /sys/bus/auxiliary/devices/%s)",
				    id, id, id);
	if ((size_t)snprintf(net, len, "%s/net", dev) >= len)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "device \"%s\"", id);
	if (is_dir(net) || virtio_net_dir(dev, net, len) == 0)
		return 0;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "device \"%s\" has no network interface (no net directory; bound to "
			    "a userspace driver other than vfio-pci, uio_pci_generic or igb_uio?)",
			    id);
}

int hd_sysfs_device_netdevs(const char *id, struct hd_names *out, struct cnet_err *err)
{
	char net[PATH_MAX];
	int r = device_net_dir(id, net, sizeof(net), err);
	if (r < 0)
		return r;
	r = list_names(net, out);
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_IO, -r, "read the net directory of device \"%s\"",
				    id);
	if (out->n == 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "device \"%s\" has no network interface (empty net directory)",
				    id);
	return 0;
}

int hd_sysfs_kernelpath_netdevs(const char *kernelpath, struct hd_names *out,
				struct cnet_err *err)
{
	char net[PATH_MAX];
	static const char sys[] = "/sys";
	/* kernelpath starts with /sys/devices/ (hd_valid_kernelpath): swap /sys for the root */
	int r = sys_path(net, sizeof(net), "%s/net", kernelpath + sizeof(sys) - 1);
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, -r, "\"%s\"", kernelpath);
	r = list_names(net, out);
	if (r == -ENOENT || r == -ENOTDIR || (r >= 0 && out->n == 0))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "no network interface at \"%s/net\"", kernelpath);
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_IO, -r, "read \"%s/net\"", kernelpath);
	return 0;
}

/* Read a small sysfs attribute, trailing newline dropped. */
static int read_attr(const char *path, char *buf, size_t len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int hd_sysfs_find_mac(const uint8_t mac[6], struct hd_names *out, struct cnet_err *err)
{
	char dir[PATH_MAX];
	struct hd_names all;
	int r = sys_path(dir, sizeof(dir), "/class/net");
	if (r >= 0)
		r = list_names(dir, &all);
	if (r < 0)
		return cnet_err_set(err, CNI_ERR_IO, -r, "read /sys/class/net");
	out->n = 0;
	for (size_t i = 0; i < all.n; i++) {
		char path[PATH_MAX + IF_NAMESIZE + 16], text[64];
		uint8_t have[6];
		snprintf(path, sizeof(path), "%s/%s/address", dir, all.name[i]);
		if (read_attr(path, text, sizeof(text)) < 0 || mac_parse(text, have) < 0)
			continue;   /* gone meanwhile, or not an Ethernet address */
		if (!memcmp(have, mac, 6))
			memcpy(out->name[out->n++], all.name[i], IF_NAMESIZE);
	}
	return 0;
}

int hd_sysfs_pci_driver(const char *id, char *buf, size_t len)
{
	char dev[PATH_MAX], link[PATH_MAX + 8], target[PATH_MAX];
	int r = sys_path(dev, sizeof(dev), "/bus/pci/devices/%s", id);
	if (r < 0)
		return r;
	if (!is_dir(dev))
		return -ENOENT;
	snprintf(link, sizeof(link), "%s/driver", dev);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	buf[0] = '\0';
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

bool hd_userspace_driver(const char *driver)
{
	static const char *const drivers[] = { "vfio-pci", "uio_pci_generic", "igb_uio" };
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(driver, drivers[i]))
			return true;
	return false;
}
