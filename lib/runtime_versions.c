// SPDX-License-Identifier: Apache-2.0
/*
 * What each plugin binary answered to VERSION, kept in <cache_dir>/cnet/plugin-versions.json
 * so that version negotiation does not exec every plugin of a list once more for every ADD,
 * CHECK and DEL (an exec costs about as much as the plugin's own work: ~1.5 ms for a cnet
 * plugin, ~2.5 ms for a reference one).
 *
 *	{"/opt/cni/bin/bridge": {"dev": 2049, "ino": 1234, "size": 1163568,
 *	                         "mtime": "1764400000.123456789", "ctime": "1764400000.123456789",
 *	                         "supportedVersions": ["0.3.0", ...]}, ...}
 *
 * An entry counts only while the file at that path is the same one (device, inode, size,
 * mtime and ctime: a new build, a package upgrade or a replaced symlink target all miss).
 * The file is a cache: unreadable or malformed means empty, and a failed write is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "runtime_int.h"

#define VERSIONS_DIR "cnet"
#define VERSIONS_FILE "plugin-versions.json"

static json_t *identity(const struct stat *st)
{
	char mtime[48], ctime[48];
	snprintf(mtime, sizeof(mtime), "%lld.%09ld", (long long)st->st_mtim.tv_sec,
		 st->st_mtim.tv_nsec);
	snprintf(ctime, sizeof(ctime), "%lld.%09ld", (long long)st->st_ctim.tv_sec,
		 st->st_ctim.tv_nsec);
	return json_pack("{s:I,s:I,s:I,s:s,s:s}", "dev", (json_int_t)st->st_dev, "ino",
			 (json_int_t)st->st_ino, "size", (json_int_t)st->st_size, "mtime", mtime,
			 "ctime", ctime);
}

void cnet_rt_versions_load(struct cnet_rt_versions *v, const struct cnet_rt *rt)
{
	cleanup_free char *path = NULL, *text = NULL;
	size_t len = 0;
	v->rt = rt;
	v->dirty = false;
	v->all = NULL;
	if (rt->cache_dir &&
	    asprintf(&path, "%s/" VERSIONS_DIR "/" VERSIONS_FILE, rt->cache_dir) < 0)
		path = NULL;
	if (path && cnet_rt_read_file(path, CNET_RT_FILE_MAX, &text, &len, NULL) == 0)
		v->all = json_loadb(text, len, 0, NULL);
	if (!json_is_object(v->all)) {
		json_decref(v->all);
		v->all = json_object();
	}
}

json_t *cnet_rt_versions_get(struct cnet_rt_versions *v, const char *bin)
{
	struct stat st;
	json_t *e = json_object_get(v->all, bin);
	if (!e || stat(bin, &st) < 0)
		return NULL;
	json_auto_t *want = identity(&st);
	json_t *versions = json_object_get(e, "supportedVersions");
	json_t *have = json_deep_copy(e);
	if (have)
		json_object_del(have, "supportedVersions");
	bool same = want && have && json_equal(want, have) && json_is_array(versions);
	json_decref(have);
	return same ? versions : NULL;
}

void cnet_rt_versions_put(struct cnet_rt_versions *v, const char *bin, json_t *versions)
{
	struct stat st;
	if (!v->all || stat(bin, &st) < 0)
		return;
	json_t *e = identity(&st);
	if (!e || json_object_set(e, "supportedVersions", versions) < 0 ||
	    json_object_set_new(v->all, bin, e) < 0) {
		json_decref(e);
		return;
	}
	v->dirty = true;
}

void cnet_rt_versions_save(struct cnet_rt_versions *v)
{
	cleanup_free char *dir = NULL, *text = NULL;
	if (v->dirty && v->rt->cache_dir &&
	    asprintf(&dir, "%s/" VERSIONS_DIR, v->rt->cache_dir) < 0)
		dir = NULL;
	if (dir && (text = json_dumps(v->all, JSON_COMPACT | JSON_SORT_KEYS)) &&
	    fs_mkdir_p(dir, 0700, NULL) == 0) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fs_write_atomic(fd, VERSIONS_FILE, text, strlen(text), 0600, NULL);
			close(fd);
		}
	}
	json_decref(v->all);
	v->all = NULL;
	v->dirty = false;
}
