// SPDX-License-Identifier: Apache-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "index.h"
#include "log.h"
#include "store.h"

#define INDEX_DIR ".cnet-index"
#define STAMP ".stamp"

/* "<id>@<ifname>": a container ID has no '@', so the first one separates. */
static int entry_name(char *buf, size_t len, const char *id, const char *ifname)
{
	int n = snprintf(buf, len, "%s@%s", id, ifname);
	return n < 0 || (size_t)n >= len || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

static void stamp_of(struct hl_store *s, char *buf, size_t len)
{
	struct stat st;
	if (fstat(s->dirfd, &st) < 0) {
		snprintf(buf, len, "unknown");
		return;
	}
	snprintf(buf, len, "%lld.%09ld %lld %llu %llu\n", (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (long long)st.st_size, (unsigned long long)st.st_nlink,
		 (unsigned long long)st.st_ino);
}

static int read_ips(int dirfd, const char *name, struct ipaddr *ips, size_t max, size_t *n)
{
	char buf[HL_INDEX_MAX_IPS * (IPADDR_STRLEN + 1) + 1];
	ssize_t len = fs_read_small(dirfd, name, buf, sizeof(buf));
	*n = 0;
	if (len < 0)
		return (int)len;
	char *save = NULL;
	for (char *t = strtok_r(buf, "\n", &save); t && *n < max; t = strtok_r(NULL, "\n", &save))
		if (ipaddr_parse(t, &ips[*n]) == 0)
			(*n)++;
	return 0;
}

static void write_ips(int dirfd, const char *name, const struct ipaddr *ips, size_t n)
{
	char buf[HL_INDEX_MAX_IPS * (IPADDR_STRLEN + 1) + 1];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char a[IPADDR_STRLEN];
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n", ipaddr_format(&ips[i], a));
	}
	if (n == 0)
		unlinkat(dirfd, name, 0);
	else
		fs_write_atomic(dirfd, name, buf, len, 0600, NULL);
}

static int rebuild_one(const struct ipaddr *ip, const char *id, const char *ifname, void *ctx)
{
	hl_index_add(ctx, id, ifname, ip);
	return 0;
}

/* Empty the index and fill it from every lease file. */
static void rebuild(struct hl_index *ix, struct hl_store *s)
{
	int fd = dup(ix->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || !strcmp(de->d_name, STAMP))
			unlinkat(ix->dirfd, de->d_name, 0);
	closedir(d);
	struct hl_index *self = ix;
	if (hl_store_foreach(s, rebuild_one, self, NULL) < 0)
		cnet_log_warn("host-local: index rebuild: cannot read the leases");
}

void hl_index_open(struct hl_index *ix, struct hl_store *s, const char *data_dir,
		   const char *name)
{
	char path[PATH_MAX], want[128], have[128];
	ix->dirfd = -1;
	if (snprintf(path, sizeof(path), "%s/" INDEX_DIR "/%s", data_dir, name) >= (int)sizeof(path) ||
	    fs_mkdir_p(path, 0700, NULL) < 0)
		return;
	ix->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ix->dirfd < 0)
		return;
	stamp_of(s, want, sizeof(want));
	if (fs_read_small(ix->dirfd, STAMP, have, sizeof(have)) < 0 || strcmp(want, have)) {
		cnet_log_debug("host-local: lease dir changed outside cnet, rebuilding the index");
		rebuild(ix, s);
	}
}

void hl_index_close(struct hl_index *ix, struct hl_store *s)
{
	if (ix->dirfd < 0)
		return;
	char stamp[128];
	stamp_of(s, stamp, sizeof(stamp));
	/* in place (fs.h): a torn stamp only mismatches, and the next open rebuilds */
	fs_write_in_place(ix->dirfd, STAMP, stamp, strlen(stamp), 0600, NULL);
	close(ix->dirfd);
	ix->dirfd = -1;
}

int hl_index_lookup(struct hl_index *ix, const char *id, const char *ifname,
		    struct ipaddr *ips, size_t max, size_t *n)
{
	char name[NAME_MAX + 1];
	*n = 0;
	if (ix->dirfd < 0 || entry_name(name, sizeof(name), id, ifname) < 0)
		return -ENOENT;
	int r = read_ips(ix->dirfd, name, ips, max, n);
	return r == -ENOENT ? 0 : r;
}

void hl_index_add(struct hl_index *ix, const char *id, const char *ifname,
		  const struct ipaddr *ip)
{
	struct ipaddr ips[HL_INDEX_MAX_IPS];
	size_t n = 0;
	char name[NAME_MAX + 1];
	if (ix->dirfd < 0)
		return;
	if (entry_name(name, sizeof(name), id, ifname) < 0) {
		/* cannot be indexed: poison the stamp so that lookups fall back to a scan */
		unlinkat(ix->dirfd, STAMP, 0);
		close(ix->dirfd);
		ix->dirfd = -1;
		return;
	}
	read_ips(ix->dirfd, name, ips, HL_INDEX_MAX_IPS, &n);
	for (size_t i = 0; i < n; i++)
		if (ipaddr_equal(&ips[i], ip))
			return;
	if (n < HL_INDEX_MAX_IPS)
		ips[n++] = *ip;
	write_ips(ix->dirfd, name, ips, n);
}

void hl_index_remove(struct hl_index *ix, const char *id, const char *ifname,
		     const struct ipaddr *ip)
{
	struct ipaddr ips[HL_INDEX_MAX_IPS];
	size_t n = 0, k = 0;
	char name[NAME_MAX + 1];
	if (ix->dirfd < 0 || entry_name(name, sizeof(name), id, ifname) < 0)
		return;
	if (read_ips(ix->dirfd, name, ips, HL_INDEX_MAX_IPS, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!ipaddr_equal(&ips[i], ip))
			ips[k++] = ips[i];
	if (k != n)
		write_ips(ix->dirfd, name, ips, k);
}
