/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attachments as the commands attach, detach, run, ps, check and gc see them: a NETNS
 * argument resolved to a path and a container ID, the network's list (the default network made
 * on first use), the result cache entries, and ADD / DEL with cnet's rules on top of libcni's
 * (interface chosen, nothing left by a failed ADD).
 */
#ifndef CNET_ATTACHMENT_H
#define CNET_ATTACHMENT_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>

#include "attachspec.h"
#include "cnet.h"
#include "output.h"

/* A NETNS argument: a name in the netns dir (/run/netns, or $CNET_NETNS_DIR), or a path (it
 * has a '/'; a relative one is made absolute). */
struct cnet_netns_ref {
	char path[PATH_MAX];
	char id[ATTACHSPEC_ID_MAX + 1];   /* --id, else attachspec_container_id() of the name */
};
/* Resolve arg; id is --id (checked) or NULL. The namespace need not exist (detach). */
int cnet_netns_resolve(const char *arg, const char *id, struct cnet_netns_ref *out,
		       struct cnet_err *err);
/* Check that ref's path is a network namespace: "no network namespace c9 (/run/netns/c9)". */
int cnet_netns_check(const char *arg, const struct cnet_netns_ref *ref, struct cnet_err *err);

/* The list of network name (the default network cnet0 made first when create_default and it
 * does not exist). "no network named X (see 'cnet ls')" when there is none. */
int cnet_network_open(const struct cnet_ctx *ctx, const char *name, bool create_default,
		      struct cnet_conflist **out, struct cnet_err *err);

/* Result cache entries, copied. */
struct cnet_att {
	char *network, *container_id, *ifname, *netns;   /* netns may be NULL */
	json_t *result, *caps;                            /* may be NULL */
};
struct cnet_atts {
	struct cnet_att *v;
	size_t n;
};
/* The entries of network net (NULL: every network) and container id (NULL: any). */
int cnet_atts_load(const struct cnet_rt *rt, const char *net, const char *id,
		   struct cnet_atts *out, struct cnet_err *err);
void cnet_atts_free(struct cnet_atts *a);
#define cleanup_atts __attribute__((cleanup(cnet_atts_free)))

/* The one attachment of container id to network net: the one on ifname, or (ifname NULL) the
 * only one. -ENOENT "c1 is not attached to network web"; with ifname NULL and several,
 * "c1 is attached to network web 2 times (eth0, eth1): say which with --ifname". */
int cnet_att_find(const struct cnet_atts *all, const char *net, const char *id,
		  const char *ifname, const struct cnet_att **out, struct cnet_err *err);

struct cnet_attach_req {
	const char *netns;          /* path */
	const char *container_id;
	const char *ifname;         /* NULL: the first ethN the container does not use */
	json_t *caps;               /* capability arguments (attachspec) or NULL */
};

/*
 * ADD through the list. Refused before anything runs: a capability the list does not take,
 * an --ip outside its subnets, the container already attached to the network (on ifname, or
 * at all when ifname is NULL), an interface of that name already in the namespace. A failed
 * ADD is undone with DEL before the error returns. ifname_out receives the interface; *result
 * the CNI result (new reference).
 */
int cnet_attach(const struct cnet_ctx *ctx, const struct cnet_conflist *cl,
		const struct cnet_attach_req *req, char ifname_out[16], json_t **result,
		struct cnet_err *err);

/* DEL through the list for (netns, container_id, ifname), the cached arguments reused. */
int cnet_detach(const struct cnet_ctx *ctx, const struct cnet_conflist *cl, const char *netns,
		const char *container_id, const char *ifname, struct cnet_err *err);

/* A row / an object describing an attachment (ps, attach). */
json_t *cnet_att_json(const char *network, const char *container_id, const char *ifname,
		      const char *netns, json_t *result, json_t *caps);

#endif
