// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "master.h"

/* The reference's getDefaultRouteInterfaceName: the first default route of the main table
 * with an outgoing interface. Only when "master" is not set: one dump per family. */
static int default_route_ifindex(struct cnet_nl *nl, const char *where, int *ifindex,
				 struct cnet_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		cleanup_free struct cnet_route *routes = NULL;
		size_t n = 0;
		int r = cnet_nl_route_list(nl, families[f], 0, &routes, &n, err);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (routes[i].dst.plen == 0 && routes[i].ifindex > 0) {
				*ifindex = routes[i].ifindex;
				return 0;
			}
	}
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "master: not set, and %s has no default route to take it from", where);
}

static int lookup(struct cnet_nl *nl, const struct mv_conf *c, const char *where,
		  struct cnet_link *out, struct cnet_err *err)
{
	if (c->master) {
		int r = cnet_nl_link_get(nl, c->master, out, err);
		if (r == -ENODEV)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "master: \"%s\" not found in %s", c->master, where);
		return r;
	}
	int ifindex = 0;
	int r = default_route_ifindex(nl, where, &ifindex, err);
	if (r >= 0)
		r = cnet_nl_link_get_by_index(nl, ifindex, out, err);
	if (r == -ENODEV)   /* the route's link vanished in between */
		return cnet_err_set(err, CNI_ERR_TRY_AGAIN, 0,
				    "master: the default route's link %d in %s is gone", ifindex,
				    where);
	return r;
}

int mv_master_find(struct cnet_nl *nl, const struct mv_conf *c, const char *where,
		   struct cnet_link *out, struct cnet_err *err)
{
	int r = lookup(nl, c, where, out, err);
	if (r < 0)
		return r;
	if (!out->up)
		return cnet_err_set(err, CNI_ERR_TRY_AGAIN, 0,
				    "master \"%s\" in %s is down: a macvlan on it has no link",
				    out->name, where);
	if (c->mtu > out->mtu)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "mtu: %u is larger than the MTU of master \"%s\" (%u)", c->mtu,
				    out->name, out->mtu);
	return 0;
}
