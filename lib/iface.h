/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configure a container interface from a CNI result, as the reference's ipam.ConfigureIface:
 * bring it up, add the addresses whose "interface" points at it, then the routes (a route
 * without "gw" goes via the gateway of its family's first address).
 */
#ifndef CNET_IFACE_H
#define CNET_IFACE_H

#include <stdbool.h>

#include "err.h"
#include "nl.h"
#include "result.h"

struct iface_opts {
	bool enable_dad;      /* false: IPv6 addresses skip DAD (IFA_F_NODAD) and accept_dad=0 */
	bool arp_notify;      /* send gratuitous ARP / unsolicited NA when the link comes up */
};

/*
 * nl is a socket inside netns_fd; ifname the container interface; res_iface its index in
 * res->interfaces (ips with "interface" == res_iface, or with no interface, are applied).
 */
int iface_configure(struct cnet_nl *nl, int netns_fd, const char *ifname,
		    const struct cni_result *res, int res_iface, const struct iface_opts *o,
		    struct cnet_err *err);

/* The gateway of res's first address of family, or NULL. */
const struct ipaddr *iface_result_gateway(const struct cni_result *res, int family);

/* CHECK: every address of res for res_iface is on the link, every route is present. */
int iface_check(struct cnet_nl *nl, const char *ifname, const struct cni_result *res,
		int res_iface, struct cnet_err *err);

/* DEL of a main plugin: delete ifname inside the namespace netns_fd (< 0: gone, nothing to
 * do) when it is a link of kind ("veth", "macvlan"); absent is success, another kind is
 * refused (code 7) and left alone. */
int iface_del(int netns_fd, const char *ifname, const char *kind, struct cnet_err *err);

#endif
