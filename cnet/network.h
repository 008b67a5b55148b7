/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The networks on this host, as `cnet` sees them: every conflist of the config dir with its
 * driver, subnets and attachments (result cache entries); plugin binaries on the plugin
 * path; the host's own addresses; the config dir's lock.
 */
#ifndef CNET_NETWORK_H
#define CNET_NETWORK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "ipaddr.h"
#include "runtime.h"
#include "subnet.h"

#define CNET_NET_MAX_SUBNETS 16
#define CNET_LOCK_NAME ".cnet.lock"   /* in the config dir; libcni reads only *.conf* / *.json */

struct cnet_net {
	char *name, *driver, *file;
	struct ipnet subnets[CNET_NET_MAX_SUBNETS];
	size_t n_subnets;
	size_t attachments;   /* result cache entries of the network (when counted) */
	bool cnet_made;       /* it has cnet's "cnet" key */
	json_t *json;         /* the list (owned reference) */
};

struct cnet_nets {
	struct cnet_net *v;
	size_t n;
};

/* Every list of rt->config_dir (a missing dir: none), in file-name order; count_attachments
 * reads the result cache too. */
int cnet_nets_load(const struct cnet_rt *rt, bool count_attachments, struct cnet_nets *out,
		   struct cnet_err *err);
void cnet_nets_free(struct cnet_nets *nets);
#define cleanup_nets __attribute__((cleanup(cnet_nets_free)))
/* The first network called name (the one libcni would use), or NULL. */
const struct cnet_net *cnet_nets_find(const struct cnet_nets *nets, const char *name);

/* The number of result cache entries of network name. */
int cnet_attachments_count(const struct cnet_rt *rt, const char *name, size_t *n,
			   struct cnet_err *err);

/* The first executable dir/type on the colon-separated path, into out. -ENOENT when absent. */
int cnet_plugin_find(const char *path, const char *type, char *out, size_t len);

/* The addresses of the host's interfaces (getifaddrs), as subnet_used entries owned by
 * "address A/P on IF". *out malloc'd. */
int cnet_host_addrs(struct subnet_used **out, size_t *n, struct cnet_err *err);

/* Take the config dir's lock (creating the dir). Returns the fd (close releases). */
int cnet_config_lock(const struct cnet_rt *rt, struct cnet_err *err);

#endif
