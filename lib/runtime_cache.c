// SPDX-License-Identifier: Apache-2.0
/*
 * libcni's result cache: <cache_dir>/results/<network>-<containerID>-<ifname> holding
 * {"kind": "cniCacheV1", "containerId", "config" (base64), "ifName", "networkName", "netns",
 * "cniArgs", "capabilityArgs", "result"} — the fields in the order Go marshals cachedInfo,
 * empty ones omitted as its omitempty tags do.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "cleanup.h"
#include "cni.h"
#include "fs.h"
#include "runtime_int.h"

#define CACHE_KIND "cniCacheV1"

/* ---- CNI_ARGS ----------------------------------------------------------------------------- */

int cnet_rt_cni_args_parse(const char *s, json_t **out, struct cnet_err *err)
{
	json_auto_t *pairs = json_array();
	if (!pairs)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "CNI_ARGS");
	while (s && *s) {
		const char *end = strchrnul(s, ';');
		const char *eq = memchr(s, '=', (size_t)(end - s));
		if (end > s) {
			if (!eq || memchr(eq + 1, '=', (size_t)(end - eq - 1)))
				return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
						    "CNI_ARGS: \"%.*s\" is not K=V", (int)(end - s),
						    s);
			json_t *kv = json_pack("[s#s#]", s, (int)(eq - s), eq + 1,
					       (int)(end - eq - 1));
			if (!kv || json_array_append_new(pairs, kv) < 0)
				return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "CNI_ARGS");
		}
		s = *end ? end + 1 : end;
	}
	*out = TAKE_PTR(pairs);
	return 0;
}

char *cnet_rt_cni_args_join(json_t *pairs)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	size_t i;
	json_t *kv;
	json_array_foreach(pairs, i, kv) {
		const char *k = json_string_value(json_array_get(kv, 0));
		const char *v = json_string_value(json_array_get(kv, 1));
		if (k && v)
			fprintf(f, "%s%s=%s", ftell(f) ? ";" : "", k, v);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- paths -------------------------------------------------------------------------------- */

static int entry_name(char *buf, size_t len, const char *net, const char *container_id,
		      const char *ifname, struct cnet_err *err)
{
	if (!net || !cni_valid_container_id(net))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "invalid network name \"%s\"",
				    net ? net : "");
	if (!container_id || !cni_valid_container_id(container_id))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "invalid container ID \"%s\"",
				    container_id ? container_id : "");
	if (!ifname || !cni_valid_ifname(ifname))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "invalid interface name \"%s\"",
				    ifname ? ifname : "");
	int n = snprintf(buf, len, "%s-%s-%s", net, container_id, ifname);
	if (n < 0 || (size_t)n >= len)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, ENAMETOOLONG, "cache entry %s-%s-%s",
				    net, container_id, ifname);
	return 0;
}

/* ---- write, remove ------------------------------------------------------------------------ */

static json_t *entry_json(const struct cnet_conflist *cl, const struct cnet_attachment *a,
			  json_t *cni_args, json_t *result)
{
	cleanup_free char *config = base64_encode(cl->bytes, cl->len);
	json_t *o = config ? json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", CACHE_KIND,
				       "containerId", a->container_id, "config", config,
				       "ifName", a->ifname, "networkName", cl->name)
			   : NULL;
	if (!o)
		return NULL;
	int r = 0;
	if (a->netns && *a->netns)
		r |= json_object_set_new(o, "netns", json_string(a->netns));
	if (json_array_size(cni_args))
		r |= json_object_set(o, "cniArgs", cni_args);
	if (json_object_size(a->capability_args))
		r |= json_object_set(o, "capabilityArgs", a->capability_args);
	if (result)
		r |= json_object_set(o, "result", result);
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cnet_cache_write(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		     const struct cnet_attachment *a, json_t *cni_args, json_t *result,
		     struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	cleanup_free char *dir = NULL;
	int r = entry_name(name, sizeof(name), cl->name, a->container_id, a->ifname, err);
	if (r < 0)
		return r;
	if (asprintf(&dir, "%s/results", rt->cache_dir) < 0) {
		dir = NULL;
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "cache");
	}
	json_auto_t *o = entry_json(cl, a, cni_args, result);
	cleanup_free char *data = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!data)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "cache %s/%s", dir, name);
	r = fs_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open %s", dir);
	return fs_write_atomic(dirfd, name, data, strlen(data), 0600, err);
}

int cnet_cache_remove(const struct cnet_rt *rt, const char *net, const char *container_id,
		      const char *ifname, struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	cleanup_free char *path = NULL;
	int r = entry_name(name, sizeof(name), net, container_id, ifname, err);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/results/%s", rt->cache_dir, name) < 0) {
		path = NULL;
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "cache");
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "remove %s", path);
	return 0;
}

/* ---- read --------------------------------------------------------------------------------- */

void cnet_cached_free(struct cnet_cached *c)
{
	if (!c)
		return;
	free(c->network);
	free(c->container_id);
	free(c->ifname);
	free(c->netns);
	json_decref(c->result);
	json_decref(c->capability_args);
	json_decref(c->cni_args);
	free(c->path);
	free(c);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* A cniCacheV1 object; NULL when o is something else or memory ran out. */
static struct cnet_cached *cached_from_json(json_t *o, const char *path)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *id = json_string_value(json_object_get(o, "containerId"));
	const char *ifname = json_string_value(json_object_get(o, "ifName"));
	const char *net = json_string_value(json_object_get(o, "networkName"));
	if (!kind || strcmp(kind, CACHE_KIND) || !id || !ifname || !*ifname || !net || !*net)
		return NULL;
	struct cnet_cached *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->network = strdup(net);
	c->container_id = strdup(id);
	c->ifname = strdup(ifname);
	c->netns = dup_or_null(json_string_value(json_object_get(o, "netns")));
	c->path = strdup(path);
	json_t *v = json_object_get(o, "result");
	c->result = json_is_object(v) ? json_incref(v) : NULL;
	v = json_object_get(o, "capabilityArgs");
	c->capability_args = json_is_object(v) ? json_incref(v) : NULL;
	v = json_object_get(o, "cniArgs");
	c->cni_args = json_is_array(v) ? json_incref(v) : NULL;
	if (!c->network || !c->container_id || !c->ifname || !c->path) {
		cnet_cached_free(c);
		return NULL;
	}
	return c;
}

/* Before cniCacheV1 libcni cached the bare result. */
static struct cnet_cached *cached_legacy(json_t *o, const char *path, const char *net,
					 const char *container_id, const char *ifname)
{
	if (!json_is_string(json_object_get(o, "cniVersion")))
		return NULL;
	struct cnet_cached *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->network = strdup(net);
	c->container_id = strdup(container_id);
	c->ifname = strdup(ifname);
	c->path = strdup(path);
	c->result = json_incref(o);
	if (!c->network || !c->container_id || !c->ifname || !c->path) {
		cnet_cached_free(c);
		return NULL;
	}
	return c;
}

int cnet_cache_get(const struct cnet_rt *rt, const char *net, const char *container_id,
		   const char *ifname, struct cnet_cached **out, struct cnet_err *err)
{
	char name[NAME_MAX + 1];
	cleanup_free char *path = NULL, *data = NULL;
	size_t len = 0;
	struct cnet_err read_err;
	int r = entry_name(name, sizeof(name), net, container_id, ifname, err);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/results/%s", rt->cache_dir, name) < 0) {
		path = NULL;
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "cache");
	}
	r = cnet_rt_read_file(path, CNET_RT_FILE_MAX, &data, &len, &read_err);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		if (err)
			*err = read_err;
		return r;
	}
	json_error_t jerr;
	json_auto_t *o = json_loadb(data, len, 0, &jerr);
	if (!json_is_object(o))
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "cache %s: %s", path,
				    o ? "not a JSON object" : jerr.text);
	struct cnet_cached *c = cached_from_json(o, path);
	if (!c && !json_object_get(o, "kind"))
		c = cached_legacy(o, path, net, container_id, ifname);
	if (!c)
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "cache %s: not a %s entry", path,
				    CACHE_KIND);
	*out = c;
	return 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The entry in dir/name when it is a cniCacheV1 one of network net (any when NULL). */
static struct cnet_cached *load_entry(const char *dir, const char *name, const char *net)
{
	if (name[0] == '.' || fs_is_temp(name))
		return NULL;
	size_t nl = net ? strlen(net) : 0;
	if (net && (strncmp(name, net, nl) || name[nl] != '-'))
		return NULL;
	cleanup_free char *path = NULL, *data = NULL;
	size_t len = 0;
	struct cnet_err ignored;
	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		path = NULL;
		return NULL;
	}
	if (cnet_rt_read_file(path, CNET_RT_FILE_MAX, &data, &len, &ignored) < 0)
		return NULL;
	json_auto_t *o = json_loadb(data, len, 0, NULL);
	struct cnet_cached *c = json_is_object(o) ? cached_from_json(o, path) : NULL;
	if (c && net && strcmp(c->network, net)) {
		cnet_cached_free(c);
		return NULL;
	}
	return c;
}

int cnet_cache_each(const struct cnet_rt *rt, const char *net,
		    int (*cb)(const struct cnet_cached *c, void *arg), void *arg,
		    struct cnet_err *err)
{
	cleanup_free char *dir = NULL;
	if (asprintf(&dir, "%s/results", rt->cache_dir) < 0) {
		dir = NULL;
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "cache");
	}
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, name_cmp);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		return cnet_err_set(err, CNI_ERR_IO, errno, "read %s", dir);
	}
	int r = 0;
	for (int i = 0; i < n; i++) {
		struct cnet_cached *c = r ? NULL : load_entry(dir, names[i]->d_name, net);
		if (c) {
			r = cb(c, arg);
			cnet_cached_free(c);
		}
		free(names[i]);
	}
	free(names);
	return r;
}
