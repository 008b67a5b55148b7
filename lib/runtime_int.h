/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between lib/conflist.c, lib/runtime.c and lib/runtime_cache.c; not an API. */
#ifndef CNET_RUNTIME_INT_H
#define CNET_RUNTIME_INT_H

#include "runtime.h"

/* The newest spec version this runtime speaks (libcni's version.Current()). */
#define CNET_RT_VERSION_MAX "1.1.0"
/* Bound on a conflist or a cache file. */
#define CNET_RT_FILE_MAX (4 << 20)

/* Read the regular file path (at most max bytes) into a malloc'd, NUL-terminated buffer.
 * -errno with err filled (code 5). */
int cnet_rt_read_file(const char *path, size_t max, char **out, size_t *len,
		      struct cnet_err *err);

/* True for "N.N.N". */
bool cnet_rt_version_valid(const char *v);

/* "K=V;K=V" -> [["K","V"],...] (new reference; empty pieces skipped). Code 4 when a piece is
 * not exactly one K=V. */
int cnet_rt_cni_args_parse(const char *s, json_t **out, struct cnet_err *err);
/* [["K","V"],...] -> "K=V;K=V", malloc'd (NULL when out of memory). */
char *cnet_rt_cni_args_join(json_t *pairs);

/* Write the cache entry for a (after ADD succeeded); cni_args is a's, parsed. */
int cnet_cache_write(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		     const struct cnet_attachment *a, json_t *cni_args, json_t *result,
		     struct cnet_err *err);
/* Remove the entry; absent is success. */
int cnet_cache_remove(const struct cnet_rt *rt, const char *net, const char *container_id,
		      const char *ifname, struct cnet_err *err);

/* What plugin binaries answered to VERSION (lib/runtime_versions.c): load once per
 * negotiation, get (borrowed; NULL when the binary is not the one that answered), put, then
 * save (writes when something was put, and frees). */
struct cnet_rt_versions {
	const struct cnet_rt *rt;
	json_t *all;
	bool dirty;
};
void cnet_rt_versions_load(struct cnet_rt_versions *v, const struct cnet_rt *rt);
json_t *cnet_rt_versions_get(struct cnet_rt_versions *v, const char *bin);
void cnet_rt_versions_put(struct cnet_rt_versions *v, const char *bin, json_t *versions);
void cnet_rt_versions_save(struct cnet_rt_versions *v);

#endif
