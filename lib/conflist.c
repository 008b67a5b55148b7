// SPDX-License-Identifier: Apache-2.0
/*
 * Network configuration lists: parse and check one (libcni's NetworkConfFromBytes), load one
 * from a file (a single-plugin .conf/.json is wrapped into a list, as ConfListFromConf), walk
 * a directory of them (ConfFiles + sort.Strings) and find one by name (LoadConfList).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "conf.h"
#include "log.h"
#include "result.h"
#include "runtime_int.h"

void cnet_rt_init(struct cnet_rt *rt)
{
	const char *s = getenv("CNET_CONFIG_DIR");
	rt->config_dir = s && *s ? s : CNET_DEFAULT_CONFIG_DIR;
	s = getenv("CNI_PATH");
	rt->plugin_path = s && *s ? s : CNET_DEFAULT_PLUGIN_PATH;
	s = getenv("CNET_CACHE_DIR");
	rt->cache_dir = s && *s ? s : CNET_DEFAULT_CACHE_DIR;
}

void cnet_conflist_free(struct cnet_conflist *cl)
{
	if (!cl)
		return;
	free(cl->path);
	free(cl->name);
	free(cl->version);
	json_decref(cl->json);
	free(cl->bytes);
	free(cl);
}

int cnet_rt_read_file(const char *path, size_t max, char **out, size_t *len,
		      struct cnet_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "read %s", path);
	if (fstat(fd, &st) < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "read %s", path);
	if (!S_ISREG(st.st_mode))
		return cnet_err_set(err, CNI_ERR_IO, EISDIR, "read %s", path);
	size_t cap = (size_t)st.st_size + 1, n = 0;
	if (cap > max)
		return cnet_err_set(err, CNI_ERR_IO, EFBIG, "read %s", path);
	cleanup_free char *buf = malloc(cap + 1);
	if (!buf)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "read %s", path);
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cnet_err_set(err, CNI_ERR_IO, errno, "read %s", path);
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap)   /* grew while we read it: a file being rewritten */
			return cnet_err_set(err, CNI_ERR_IO, EAGAIN, "read %s", path);
	}
	buf[n] = '\0';
	*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

bool cnet_rt_version_valid(const char *v)
{
	for (int part = 0; part < 3; part++) {
		if (*v < '0' || *v > '9')
			return false;
		while (*v >= '0' && *v <= '9')
			v++;
		if (part < 2 && *v++ != '.')
			return false;
	}
	return *v == '\0';
}

/* ---- parse -------------------------------------------------------------------------------- */

/* disableCheck and disableGC: a boolean, or (as libcni) the strings "true"/"false". */
static int parse_flag(json_t *root, const char *key, bool *out, struct cnet_err *err)
{
	json_t *v = json_object_get(root, key);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_string(v) && !strcasecmp(json_string_value(v), "true")) {
		*out = true;
		return 0;
	}
	if (json_is_string(v) && !strcasecmp(json_string_value(v), "false")) {
		*out = false;
		return 0;
	}
	if (json_is_string(v))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: expected true or false, got \"%s\"", key,
				    json_string_value(v));
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected a boolean, got %s", key,
			    conf_type_name(v));
}

/* cniVersion and cniVersions: each a valid version; the list's version is the highest one this
 * runtime speaks (versions above it are ignored, as libcni), else the highest written. */
static int parse_versions(json_t *root, const char **version, struct cnet_err *err)
{
	const char *v = NULL, *best = NULL, *best_any = NULL;
	json_t *list = NULL;
	int r = conf_string(root, NULL, "cniVersion", false, &v, err);
	if (r >= 0)
		r = conf_array(root, NULL, "cniVersions", false, &list, err);
	if (r < 0)
		return r;
	if (!v && !json_array_size(list))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "cniVersion: missing required key");
	size_t n = json_array_size(list);
	for (size_t i = 0; i <= n; i++) {
		const char *c = v;
		char p[64];
		snprintf(p, sizeof(p), "cniVersions[%zu]", i);
		if (i < n) {
			json_t *e = json_array_get(list, i);
			if (!json_is_string(e))
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "%s: expected a string, got %s", p,
						    conf_type_name(e));
			c = json_string_value(e);
		} else if (!c) {
			break;
		}
		if (!cnet_rt_version_valid(c))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: \"%s\" is not a version (expected N.N.N)",
					    i < n ? p : "cniVersion", c);
		if (!best_any || cni_version_cmp(c, best_any) > 0)
			best_any = c;
		if (cni_version_cmp(c, CNET_RT_VERSION_MAX) <= 0 &&
		    (!best || cni_version_cmp(c, best) > 0))
			best = c;
	}
	if (!best_any)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "cniVersion: missing required key");
	*version = best ? best : best_any;
	return 0;
}

static int parse_plugin(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	(void)i;
	(void)ctx;
	const char *type = NULL;
	json_t *caps = NULL;
	int r = conf_string(v, path, "type", true, &type, err);
	if (r < 0)
		return r;
	if (!*type || strchr(type, '/') || !strcmp(type, ".") || !strcmp(type, ".."))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.type: \"%s\" is not a plugin name", path, type);
	r = conf_object(v, path, "capabilities", false, &caps, err);
	if (r < 0)
		return r;
	const char *key;
	json_t *c;
	json_object_foreach(caps, key, c) {
		if (!json_is_boolean(c))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s.capabilities.%s: expected a boolean, got %s", path,
					    key, conf_type_name(c));
	}
	return 0;
}

static int parse_checked(json_t *root, struct cnet_conflist *cl, struct cnet_err *err)
{
	const char *name = "", *version = "";
	json_t *plugins = NULL;
	int r = conf_string(root, NULL, "name", true, &name, err);
	if (r < 0)
		return r;
	if (!cni_valid_container_id(name))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "name: \"%s\" is not a valid network name: it must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*", name);
	r = parse_versions(root, &version, err);
	if (r >= 0)
		r = parse_flag(root, "disableCheck", &cl->disable_check, err);
	if (r >= 0)
		r = parse_flag(root, "disableGC", &cl->disable_gc, err);
	if (r >= 0)
		r = conf_array(root, NULL, "plugins", true, &plugins, err);
	if (r < 0)
		return r;
	if (json_array_size(plugins) == 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "plugins: the list is empty");
	r = conf_array_each(root, NULL, "plugins", JSON_OBJECT, 1024, parse_plugin, NULL, err);
	if (r < 0)
		return r;
	cl->name = strdup(name);
	cl->version = strdup(version);
	if (!cl->name || !cl->version)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "conflist");
	return 0;
}

/* The bytes (for the cache's "config") and the path (for messages). */
static int keep_bytes(struct cnet_conflist *cl, const char *bytes, size_t len, const char *path,
		      struct cnet_err *err)
{
	cl->bytes = malloc(len + 1);
	cl->path = path ? strdup(path) : NULL;
	if (!cl->bytes || (path && !cl->path))
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "conflist");
	if (len)
		memcpy(cl->bytes, bytes, len);
	cl->bytes[len] = '\0';
	cl->len = len;
	return 0;
}

int cnet_conflist_parse(const char *bytes, size_t len, const char *path,
			struct cnet_conflist **out, struct cnet_err *err)
{
	json_t *root = conf_load(bytes, len, err);
	if (!root) {
		if (path)
			cnet_err_prefix(err, "%s", path);
		return -EINVAL;
	}
	struct cnet_conflist *cl = calloc(1, sizeof(*cl));
	if (!cl) {
		json_decref(root);
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "conflist");
	}
	cl->json = root;
	int r = parse_checked(root, cl, err);
	if (r >= 0)
		r = keep_bytes(cl, bytes, len, path, err);
	if (r < 0) {
		if (path)
			cnet_err_prefix(err, "%s", path);
		cnet_conflist_free(cl);
		return r;
	}
	*out = cl;
	return 0;
}

/* ---- files -------------------------------------------------------------------------------- */

enum conf_class { CLASS_LIST = 1, CLASS_SINGLE = 2 };

static int file_class(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return 0;
	if (!strcmp(dot, ".conflist"))
		return CLASS_LIST;
	if (!strcmp(dot, ".conf") || !strcmp(dot, ".json"))
		return CLASS_SINGLE;
	return 0;
}

/* A single plugin's config {"name", "cniVersion", "type", ...} as the list libcni makes of it:
 * {"cniVersion", "name", "plugins": [config]}, marshalled with sorted keys as Go does. */
static int wrap_single(const char *bytes, size_t len, const char *path,
		       struct cnet_conflist **out, struct cnet_err *err)
{
	json_auto_t *conf = conf_load(bytes, len, err);
	if (!conf) {
		cnet_err_prefix(err, "%s", path);
		return -EINVAL;
	}
	if (json_object_get(conf, "plugins"))   /* a list in a .conf file */
		return cnet_conflist_parse(bytes, len, path, out, err);
	const char *type = NULL;
	int r = conf_string(conf, NULL, "type", true, &type, err);
	if (r < 0) {
		cnet_err_prefix(err, "%s", path);
		return r;
	}
	json_auto_t *list = json_pack("{s:[O]}", "plugins", conf);
	json_t *v = json_object_get(conf, "name");
	if (list && v)
		json_object_set(list, "name", v);
	v = json_object_get(conf, "cniVersion");
	if (list && v)
		json_object_set(list, "cniVersion", v);
	cleanup_free char *wrapped =
		list ? json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!wrapped)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", path);
	return cnet_conflist_parse(wrapped, strlen(wrapped), path, out, err);
}

int cnet_conflist_load(const char *path, struct cnet_conflist **out, struct cnet_err *err)
{
	cleanup_free char *bytes = NULL;
	size_t len = 0;
	int r = cnet_rt_read_file(path, CNET_RT_FILE_MAX, &bytes, &len, err);
	if (r < 0)
		return r;
	const char *slash = strrchr(path, '/');
	if (file_class(slash ? slash + 1 : path) == CLASS_SINGLE)
		return wrap_single(bytes, len, path, out, err);
	return cnet_conflist_parse(bytes, len, path, out, err);
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Load dir/name and hand it to fn, which may take it (setting *cl to NULL). A file that does
 * not load is skipped with a warning. */
static int visit(const char *dir, const char *name,
		 int (*fn)(struct cnet_conflist **cl, void *arg), void *arg, struct cnet_err *err)
{
	cleanup_free char *path = NULL;
	struct stat st;
	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		path = NULL;
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "read %s", dir);
	}
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	struct cnet_conflist *cl = NULL;
	struct cnet_err e = { 0 };
	if (cnet_conflist_load(path, &cl, &e) < 0 || !cl) {
		cnet_log_warn("skipping %s", e.msg);
		return 0;
	}
	int r = fn(&cl, arg);
	cnet_conflist_free(cl);
	return r;
}

/* The files of dir in the classes asked, in file-name order (Go's sort.Strings: bytes). */
static int scan(const char *dir, int classes, int (*fn)(struct cnet_conflist **cl, void *arg),
		void *arg, struct cnet_err *err)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, name_cmp);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		return cnet_err_set(err, CNI_ERR_IO, errno, "read %s", dir);
	}
	int r = 0;
	for (int i = 0; i < n; i++) {
		if (r == 0 && (file_class(names[i]->d_name) & classes))
			r = visit(dir, names[i]->d_name, fn, arg, err);
		free(names[i]);
	}
	free(names);
	return r;
}

struct each_ctx {
	int (*cb)(const struct cnet_conflist *cl, void *arg);
	void *arg;
};

static int each_fn(struct cnet_conflist **cl, void *arg)
{
	struct each_ctx *c = arg;
	return c->cb(*cl, c->arg);
}

int cnet_conflist_each(const struct cnet_rt *rt,
		       int (*cb)(const struct cnet_conflist *cl, void *arg), void *arg,
		       struct cnet_err *err)
{
	struct each_ctx c = { cb, arg };
	return scan(rt->config_dir, CLASS_LIST | CLASS_SINGLE, each_fn, &c, err);
}

struct find_ctx {
	const char *name;
	struct cnet_conflist *found;
};

static int find_fn(struct cnet_conflist **cl, void *arg)
{
	struct find_ctx *c = arg;
	if (strcmp((*cl)->name, c->name))
		return 0;
	c->found = TAKE_PTR(*cl);
	return 1;
}

int cnet_conflist_find(const struct cnet_rt *rt, const char *name, struct cnet_conflist **out,
		       struct cnet_err *err)
{
	/* As libcni's LoadConfList: the .conflist files first, then the single-plugin ones. */
	struct find_ctx c = { name, NULL };
	int r = scan(rt->config_dir, CLASS_LIST, find_fn, &c, err);
	if (r == 0)
		r = scan(rt->config_dir, CLASS_SINGLE, find_fn, &c, err);
	if (r < 0)
		return r;
	if (!c.found) {
		cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "no network named %s in %s", name,
			     rt->config_dir);
		return -ENOENT;
	}
	*out = c.found;
	return 0;
}
