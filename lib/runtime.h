/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run a network configuration list the way libcni does, so that attachments made by `cnet`
 * and by libcni-based runtimes (podman, containerd, CRI-O, kubelet) are the same thing.
 *
 *	struct cnet_rt rt;
 *	cnet_rt_init(&rt);                                  // dirs from the environment
 *	cleanup_conflist struct cnet_conflist *cl = NULL;
 *	cnet_conflist_find(&rt, "podman", &cl, err);          // /etc/cni/net.d/<any>.conflist
 *	struct cnet_attachment a = { .container_id = id, .netns = "/run/netns/x", .ifname = "eth0",
 *				     .capability_args = caps };  // {"portMappings": [...]}
 *	json_t *result = NULL;
 *	cnet_rt_add(&rt, cl, &a, &result, err);   // every plugin in order; result cached
 *	cnet_rt_del(&rt, cl, &a, err);            // reverse order, prevResult from the cache
 *
 * What libcni does, and so this does:
 *  - a plugin is found by its type on the plugin path (the first directory that has it);
 *  - each plugin's stdin is its object from "plugins" plus the list's "name" and the
 *    negotiated "cniVersion", "runtimeConfig" with the capability arguments the plugin
 *    declares in "capabilities" (and only those), and "prevResult" (ADD: the previous
 *    plugin's result; CHECK and DEL: the cached ADD result);
 *  - CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS and CNI_PATH in the
 *    environment;
 *  - ADD in order; DEL in reverse order, every plugin even when one fails (the first error is
 *    returned); CHECK in order unless "disableCheck"; GC with "cni.dev/valid-attachments";
 *    STATUS in order;
 *  - the result cache: <cache_dir>/results/<network>-<containerID>-<ifname>, a JSON object
 *    {"kind": "cniCacheV1", "containerId", "config" (the list's bytes, base64), "ifName",
 *    "networkName", "netns", "cniArgs" ([[k, v]...]), "capabilityArgs", "result"}, written
 *    atomically after ADD, removed after DEL.
 * Version: the list's "cniVersions" (or "cniVersion"): the highest one every plugin of the list
 * supports (asked with VERSION, as libcni's GetVersionInfo), error code 1 when there is none.
 * The answers are kept per binary in <cache_dir>/cnet/plugin-versions.json (the binary's
 * device, inode, size, mtime and ctime: a changed binary is asked again).
 *
 * Errors: a plugin's error JSON becomes err (its code, msg and details) with the plugin's type
 * in front: `portmap: host port tcp/8080 is already published by ...`. A plugin that does not
 * exist, cannot run, or prints no valid JSON: CNI_ERR_IO (5) naming it.
 */
#ifndef CNET_RUNTIME_H
#define CNET_RUNTIME_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CNET_DEFAULT_CONFIG_DIR "/etc/cni/net.d"
#define CNET_DEFAULT_PLUGIN_PATH "/opt/cni/bin"
#define CNET_DEFAULT_CACHE_DIR "/var/lib/cni"

/* Where things are. cnet_rt_init() fills them from CNET_CONFIG_DIR, CNI_PATH and
 * CNET_CACHE_DIR, else the defaults above; the caller may override any of them (the `cnet`
 * options --config-dir, --plugin-dir, --cache-dir). The strings are borrowed. */
struct cnet_rt {
	const char *config_dir;
	const char *plugin_path;  /* colon-separated directories */
	const char *cache_dir;
};
void cnet_rt_init(struct cnet_rt *rt);

/* ---- network configuration lists ---------------------------------------------------------- */

struct cnet_conflist {
	char *path;           /* the file it came from (NULL when built in memory) */
	char *name;           /* "name" */
	char *version;        /* "cniVersion" as written (cniVersions: the highest listed) */
	bool disable_check;   /* "disableCheck" */
	bool disable_gc;      /* "disableGC" (1.1.0) */
	json_t *json;         /* the whole list (owned) */
	char *bytes;          /* the file's bytes, for the cache's "config" */
	size_t len;
};
void cnet_conflist_free(struct cnet_conflist *cl);
static inline void cnet_conflist_freep(struct cnet_conflist **cl)
{
	if (*cl)
		cnet_conflist_free(*cl);
}
#define cleanup_conflist __attribute__((cleanup(cnet_conflist_freep)))

/* Parse a list from bytes (checked: name, cniVersion(s), a non-empty "plugins" array of
 * objects each with a string "type"). path is kept for messages; may be NULL. Errors name the
 * file and the key (code 7; 6 for JSON that does not parse). */
int cnet_conflist_parse(const char *bytes, size_t len, const char *path,
			struct cnet_conflist **out, struct cnet_err *err);
int cnet_conflist_load(const char *path, struct cnet_conflist **out, struct cnet_err *err);

/*
 * Every list in rt->config_dir (files *.conflist, as libcni also *.conf and *.json holding a
 * single plugin config are accepted and wrapped into a list), in file-name order; cb returns
 * 0 to go on. A file that does not parse is skipped with a warning on the log (libcni does
 * the same), never fatal. Returns what cb returned, or 0.
 */
int cnet_conflist_each(const struct cnet_rt *rt,
		       int (*cb)(const struct cnet_conflist *cl, void *arg), void *arg,
		       struct cnet_err *err);
/* The list named name (the first file, in file-name order, whose "name" it is; as libcni's
 * LoadConfList the .conflist files come before the .conf and .json ones). -ENOENT with
 * err "no network named X in DIR" (code 7) when there is none. */
int cnet_conflist_find(const struct cnet_rt *rt, const char *name, struct cnet_conflist **out,
		       struct cnet_err *err);

/* ---- attachments -------------------------------------------------------------------------- */

struct cnet_attachment {
	const char *container_id;
	const char *netns;          /* a path; may be NULL/"" for DEL and GC */
	const char *ifname;
	const char *cni_args;       /* "K=V;K=V" or NULL */
	json_t *capability_args;    /* {"portMappings": [...], "ips": [...], "mac": ...} or NULL */
};

/* ADD through the list. *result (new reference) is the last plugin's result, also cached.
 * On failure nothing is cached and the plugins that had succeeded are NOT undone (as libcni:
 * the caller runs cnet_rt_del, which `cnet` does). */
int cnet_rt_add(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		const struct cnet_attachment *a, json_t **result, struct cnet_err *err);
/* DEL in reverse, prevResult from the cache when there is one; the cache entry is removed when
 * every plugin succeeded (an unreadable entry is removed first, as libcni). capability_args or
 * cni_args NULL: the cached ones are used (also for CHECK). */
int cnet_rt_del(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		const struct cnet_attachment *a, struct cnet_err *err);
/* CHECK (cniVersion >= 0.4.0, not disableCheck): -ENOENT (code 3) without a cached result. */
int cnet_rt_check(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		  const struct cnet_attachment *a, struct cnet_err *err);
/* GC (disableGC: nothing to do, 0). Cache entries of the network whose netns is gone (and
 * that are not in extra) are DELeted first, for any version, as libcni's GCNetworkList does;
 * then, for 1.1.0, every plugin gets GC with the valid attachments: the cached attachments
 * of the network whose netns still exists (or that record none) plus extra (may be NULL / 0).
 * Every step runs; the first error is returned. */
int cnet_rt_gc(const struct cnet_rt *rt, const struct cnet_conflist *cl,
	       const struct cnet_attachment *extra, size_t n_extra, struct cnet_err *err);
/* STATUS (1.1.0): 0 when every plugin is ready, else the first plugin's error. */
int cnet_rt_status(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		   struct cnet_err *err);

/* ---- the result cache --------------------------------------------------------------------- */

struct cnet_cached {
	char *network, *container_id, *ifname, *netns;  /* netns may be NULL */
	json_t *result;            /* may be NULL */
	json_t *capability_args;   /* may be NULL */
	json_t *cni_args;          /* [[k, v]...] or NULL */
	char *path;                /* the cache file */
};
void cnet_cached_free(struct cnet_cached *c);
static inline void cnet_cached_freep(struct cnet_cached **c)
{
	if (*c)
		cnet_cached_free(*c);
}
#define cleanup_cached __attribute__((cleanup(cnet_cached_freep)))

/* Every cache entry (of network net, or all when NULL), in file-name order. Files that are not
 * cniCacheV1 JSON are skipped. cb returns 0 to go on. */
int cnet_cache_each(const struct cnet_rt *rt, const char *net,
		    int (*cb)(const struct cnet_cached *c, void *arg), void *arg,
		    struct cnet_err *err);
/* One entry; -ENOENT (err untouched) when absent. *out freed with cnet_cached_free. */
int cnet_cache_get(const struct cnet_rt *rt, const char *net, const char *container_id,
		   const char *ifname, struct cnet_cached **out, struct cnet_err *err);

#endif
