// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "store.h"

#define LAST_RESERVED "last_reserved_ip."

int hl_store_open(struct hl_store *s, const char *data_dir, const char *name,
		  struct cnet_err *err)
{
	s->dirfd = s->lockfd = s->index.dirfd = -1;
	snprintf(s->dir, sizeof(s->dir), "%s/%s", data_dir, name);
	int r = fs_mkdir_p(s->dir, 0755, err);
	if (r < 0)
		return r;
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open \"%s\"", s->dir);
	s->lockfd = lock_take_at(s->dirfd, "lock", err);
	if (s->lockfd < 0) {
		r = s->lockfd;
		hl_store_close(s);
		return r;
	}
	hl_index_open(&s->index, s, data_dir, name);
	return 0;
}

void hl_store_close(struct hl_store *s)
{
	if (s->dirfd >= 0)
		hl_index_close(&s->index, s);   /* before the lock goes */
	if (s->lockfd >= 0)
		close(s->lockfd);   /* releases the flock */
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = s->lockfd = -1;
}

int hl_store_reserve(struct hl_store *s, const char *id, const char *ifname,
		     const struct ipaddr *ip, int set_idx, struct cnet_err *err)
{
	char name[IPADDR_STRLEN], data[2 * HL_ID_MAX], last[64];
	ipaddr_format(ip, name);
	int len = snprintf(data, sizeof(data), "%s\r\n%s", id, ifname);
	int r = fs_create_excl(s->dirfd, name, data, (size_t)len, 0644, err);
	if (r < 0)
		return r;
	snprintf(last, sizeof(last), LAST_RESERVED "%d", set_idx);
	/* in place: a hint, read under the same lock (fs.h says why not by rename) */
	r = fs_write_in_place(s->dirfd, last, name, strlen(name), 0644, err);
	if (r < 0)
		unlinkat(s->dirfd, name, 0);
	else
		hl_index_add(&s->index, id, ifname, ip);
	return r;
}

int hl_store_last_reserved(struct hl_store *s, int set_idx, struct ipaddr *out)
{
	char name[64], buf[IPADDR_STRLEN + 8];
	snprintf(name, sizeof(name), LAST_RESERVED "%d", set_idx);
	ssize_t n = fs_read_small(s->dirfd, name, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\r\n ")] = '\0';
	return ipaddr_parse(buf, out) < 0 ? -ENOENT : 0;
}

/* Split "<id>\r\n<ifname>" (or an old "<id>" file) in place. */
static void split_owner(char *buf, char **id, char **ifname)
{
	char *end = buf + strlen(buf);
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	char *sep = strstr(buf, "\r\n");
	*id = buf;
	*ifname = sep ? sep + 2 : end;
	if (sep)
		*sep = '\0';
}

static int read_owner(int dirfd, const char *name, char *id, char *ifname)
{
	char buf[2 * HL_ID_MAX];
	ssize_t n = fs_read_small(dirfd, name, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	char *i, *f;
	split_owner(buf, &i, &f);
	snprintf(id, HL_ID_MAX, "%s", i);
	snprintf(ifname, HL_ID_MAX, "%s", f);
	return 0;
}

int hl_store_owner(struct hl_store *s, const struct ipaddr *ip, char *id, char *ifname)
{
	char name[IPADDR_STRLEN];
	return read_owner(s->dirfd, ipaddr_format(ip, name), id, ifname);
}

bool hl_store_owned_by(struct hl_store *s, const struct ipaddr *ip, const char *id,
		       const char *ifname)
{
	char fid[HL_ID_MAX], fif[HL_ID_MAX];
	if (hl_store_owner(s, ip, fid, fif) < 0)
		return false;
	return !strcmp(fid, id) && (!fif[0] || !strcmp(fif, ifname));
}

int hl_store_release(struct hl_store *s, const struct ipaddr *ip, struct cnet_err *err)
{
	char name[IPADDR_STRLEN], id[HL_ID_MAX], ifname[HL_ID_MAX];
	bool known = read_owner(s->dirfd, ipaddr_format(ip, name), id, ifname) == 0;
	if (unlinkat(s->dirfd, name, 0) < 0 && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "release %s", name);
	if (known)
		hl_index_remove(&s->index, id, ifname, ip);
	return 0;
}

struct owned_ctx {
	const char *id, *ifname;
	struct ipaddr *ips;
	size_t max, n;
};

static int collect_owned(const struct ipaddr *ip, const char *id, const char *ifname, void *ctx)
{
	struct owned_ctx *o = ctx;
	if (!strcmp(id, o->id) && (!ifname[0] || !strcmp(ifname, o->ifname)) && o->n < o->max)
		o->ips[o->n++] = *ip;
	return 0;
}

int hl_store_find_owned(struct hl_store *s, const char *id, const char *ifname,
			struct ipaddr *ips, size_t max, size_t *n, struct cnet_err *err)
{
	struct ipaddr cand[2 * HL_INDEX_MAX_IPS];
	size_t nc = 0, nl = 0;
	*n = 0;
	if (hl_index_lookup(&s->index, id, ifname, cand, HL_INDEX_MAX_IPS, &nc) < 0 ||
	    hl_index_lookup(&s->index, id, "", cand + nc, HL_INDEX_MAX_IPS, &nl) < 0) {
		struct owned_ctx o = { id, ifname, ips, max, 0 };
		int r = hl_store_foreach(s, collect_owned, &o, err);
		*n = o.n;
		return r < 0 ? r : 0;
	}
	for (size_t i = 0; i < nc + nl && *n < max; i++)
		if (hl_store_owned_by(s, &cand[i], id, ifname))   /* the lease file decides */
			ips[(*n)++] = cand[i];
	return 0;
}

int hl_store_foreach(struct hl_store *s,
		     int (*fn)(const struct ipaddr *ip, const char *id, const char *ifname,
			       void *ctx),
		     void *ctx, struct cnet_err *err)
{
	int fd = dup(s->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return cnet_err_set(err, CNI_ERR_IO, errno, "read \"%s\"", s->dir);
	}
	rewinddir(d);
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		struct ipaddr ip;
		char id[HL_ID_MAX], ifname[HL_ID_MAX];
		/* Only lease files are named by an address; lock, last_reserved_ip.N and
		 * temp files are not. */
		if (ipaddr_parse(de->d_name, &ip) < 0)
			continue;
		if (read_owner(s->dirfd, de->d_name, id, ifname) < 0)
			continue;
		r = fn(&ip, id, ifname, ctx);
	}
	closedir(d);
	return r;
}
