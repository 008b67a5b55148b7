// SPDX-License-Identifier: Apache-2.0
/* host-device: the state file (see hd_state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cleanup.h"
#include "conf.h"
#include "fs.h"
#include "hd_state.h"
#include "ipaddr.h"
#include "log.h"

#define HD_STATE_DEFAULT_DIR "/run/cni/cnet"
#define HD_STATE_MAX 4096

char *hd_state_encode(const struct hd_state *s)
{
	char mac[MAC_STRLEN];
	json_auto_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}",
				   "containerID", s->container_id, "ifname", s->ifname,
				   "hostName", s->host_name, "hostAlias", s->host_alias,
				   "hostIfindex", s->ifindex, "mac", mac_format(s->mac, mac),
				   "kind", s->kind);
	return o ? json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
}

/* Copy string key of o into buf (required unless optional). */
static int copy_str(json_t *o, const char *key, bool required, char *buf, size_t len,
		    struct cnet_err *err)
{
	const char *v = NULL;
	int r = conf_string(o, "state", key, required, &v, err);
	if (r < 0 || !v)
		return r;
	if (strlen(v) >= len)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "state.%s: longer than %zu bytes",
				    key, len - 1);
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

static int decode_obj(json_t *o, struct hd_state *s, struct cnet_err *err)
{
	long long ifindex = 0;
	bool has_mac = false;
	int r = copy_str(o, "containerID", true, s->container_id, sizeof(s->container_id), err);
	if (r >= 0)
		r = copy_str(o, "ifname", true, s->ifname, sizeof(s->ifname), err);
	if (r >= 0)
		r = copy_str(o, "hostName", true, s->host_name, sizeof(s->host_name), err);
	if (r >= 0)
		r = copy_str(o, "hostAlias", false, s->host_alias, sizeof(s->host_alias), err);
	if (r >= 0)
		r = copy_str(o, "kind", false, s->kind, sizeof(s->kind), err);
	if (r >= 0)
		r = conf_int(o, "state", "hostIfindex", 0, INT32_MAX, &ifindex, err);
	if (r >= 0)
		r = conf_mac(o, "state", "mac", s->mac, &has_mac, err);
	s->ifindex = (int)ifindex;
	return r;
}

int hd_state_decode(const char *text, size_t len, struct hd_state *s, struct cnet_err *err)
{
	memset(s, 0, sizeof(*s));
	json_auto_t *o = conf_load(text, len, err);
	int r = o ? decode_obj(o, s, err) : -EINVAL;
	if (r < 0) {
		err->code = CNI_ERR_DECODE;
		cnet_err_prefix(err, "host-device state");
	}
	return r;
}

int hd_state_dir(const char *network, char *buf, size_t len, struct cnet_err *err)
{
	const char *dir = getenv("CNET_RUN_DIR");
	if (!dir || !*dir)
		dir = HD_STATE_DEFAULT_DIR;
	int n = snprintf(buf, len, "%s/host-device/%s", dir, network);
	if (n < 0 || (size_t)n >= len)
		return cnet_err_set(err, CNI_ERR_IO, ENAMETOOLONG, "state directory %s", dir);
	return 0;
}

static int file_name(char *buf, size_t len, const char *container_id, const char *ifname,
		     struct cnet_err *err)
{
	int n = snprintf(buf, len, "%s_%s.json", container_id, ifname);
	if (n < 0 || (size_t)n >= len)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, ENAMETOOLONG, "state file name");
	return 0;
}

/* Open the network's state directory (created when create is set). -ENOENT when absent. */
static int open_dir(const char *network, bool create, struct cnet_err *err)
{
	char dir[PATH_MAX];
	int r = hd_state_dir(network, dir, sizeof(dir), err);
	if (r >= 0 && create)
		r = fs_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		return -ENOENT;
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open %s", dir);
	return fd;
}

int hd_state_save(const char *network, const struct hd_state *s, struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	cleanup_free char *text = hd_state_encode(s);
	if (!text)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "encode host-device state");
	int r = file_name(name, sizeof(name), s->container_id, s->ifname, err);
	if (r < 0)
		return r;
	cleanup_close int dfd = open_dir(network, true, err);
	if (dfd < 0)
		return dfd;
	return fs_write_atomic(dfd, name, text, strlen(text), 0600, err);
}

static int load_at(int dfd, const char *name, struct hd_state *s, struct cnet_err *err)
{
	char text[HD_STATE_MAX];
	ssize_t n = fs_read_small(dfd, name, text, sizeof(text));
	if (n == -ENOENT)
		return -ENOENT;
	if (n < 0)
		return cnet_err_set(err, CNI_ERR_IO, (int)-n, "read host-device state %s", name);
	return hd_state_decode(text, (size_t)n, s, err);
}

int hd_state_load(const char *network, const char *container_id, const char *ifname,
		  struct hd_state *s, struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	int r = file_name(name, sizeof(name), container_id, ifname, err);
	if (r < 0)
		return r;
	cleanup_close int dfd = open_dir(network, false, err);
	if (dfd < 0)
		return dfd;
	return load_at(dfd, name, s, err);
}

int hd_state_remove(const char *network, const char *container_id, const char *ifname,
		    struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	int r = file_name(name, sizeof(name), container_id, ifname, err);
	if (r < 0)
		return r;
	cleanup_close int dfd = open_dir(network, false, err);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "remove host-device state %s", name);
	return 0;
}

static bool is_state_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && !fs_is_temp(name) && n > 5 && !strcmp(name + n - 5, ".json");
}

int hd_state_each(const char *network,
		  int (*fn)(const struct hd_state *s, void *ctx, struct cnet_err *err), void *ctx,
		  struct cnet_err *err)
{
	cleanup_close int dfd = open_dir(network, false, err);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	int dd = dup(dfd);
	DIR *d = dd >= 0 ? fdopendir(dd) : NULL;
	if (!d) {
		int e = errno;
		if (dd >= 0)
			close(dd);
		return cnet_err_set(err, CNI_ERR_IO, e, "list host-device state");
	}
	int first = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct hd_state s;
		struct cnet_err e1 = { 0 };
		if (!is_state_name(e->d_name))
			continue;
		if (load_at(dfd, e->d_name, &s, &e1) < 0) {
			cnet_log_warn("skipping %s: %s", e->d_name, e1.msg[0] ? e1.msg : "gone");
			continue;
		}
		int r = fn(&s, ctx, &e1);
		if (r < 0 && !first) {
			first = r;
			*err = e1;
		}
	}
	closedir(d);
	return first;
}
