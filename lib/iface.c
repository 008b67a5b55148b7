// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ip.h>

#include "cleanup.h"
#include "iface.h"
#include "netns.h"
#include "sysctl.h"

static bool ip_applies(const struct cni_ip *ip, int res_iface)
{
	return ip->interface < 0 || ip->interface == res_iface;
}

const struct ipaddr *iface_result_gateway(const struct cni_result *res, int family)
{
	for (size_t i = 0; i < res->n_ips; i++)
		if (res->ips[i].address.addr.family == family && res->ips[i].gateway.family)
			return &res->ips[i].gateway;
	return NULL;
}

struct sysctl_ctx {
	const char *ifname;
	const struct cni_result *res;
	int res_iface;
	const struct iface_opts *o;
};

/* Inside the container: DAD as asked (also for IPv4-only attachments, as the reference:
 * the link-local address must not sit tentative), IPv6 on when there is an IPv6 address. */
static int container_sysctls(void *arg, struct cnet_err *err)
{
	struct sysctl_ctx *c = arg;
	char key[128];
	bool v6 = false;
	for (size_t i = 0; i < c->res->n_ips; i++)
		v6 = v6 || (ip_applies(&c->res->ips[i], c->res_iface) &&
			    c->res->ips[i].address.addr.family == AF_INET6);
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", c->ifname);
	sysctl_write(key, c->o->enable_dad ? "1" : "0", NULL);
	if (c->o->enable_dad) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/enhanced_dad", c->ifname);
		sysctl_write(key, "1", NULL);
	}
	if (!v6)
		return 0;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", c->ifname);
	int r = sysctl_write(key, "0", err);
	if (r < 0)
		return r;
	sysctl_write("net/ipv6/conf/lo/disable_ipv6", "0", NULL);
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/keep_addr_on_down", c->ifname);
	sysctl_write(key, "1", NULL);
	return 0;
}

#define DAD_TIMEOUT_MS 5000
#define DAD_POLL_MS 10

/* With DAD on, the addresses are usable only once it has passed: wait for that (as the
 * reference does, up to 5 s), so that the routes can be added and the container can talk. */
static int wait_dad(struct cnet_nl *nl, const char *ifname, int ifindex, struct cnet_err *err)
{
	for (int waited = 0;; waited += DAD_POLL_MS) {
		int tentative, failed;
		int r = cnet_nl_addr_dad_state(nl, ifindex, &tentative, &failed, err);
		if (r < 0)
			return r;
		if (failed)
			return cnet_err_set(err, CNET_ERR_KERNEL, 0,
					    "\"%s\": duplicate address detection failed: an "
					    "address is in use elsewhere on the network", ifname);
		if (!tentative)
			return 0;
		if (waited >= DAD_TIMEOUT_MS)
			return cnet_err_set(err, CNET_ERR_KERNEL, ETIMEDOUT,
					    "\"%s\": duplicate address detection", ifname);
		struct timespec ts = { 0, DAD_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static int add_routes(struct cnet_nl *nl, int ifindex, const struct cni_result *res,
		      struct cnet_err *err)
{
	for (size_t i = 0; i < res->n_routes; i++) {
		const struct cni_route *r = &res->routes[i];
		const struct ipaddr *gw = r->gw.family ? &r->gw :
				       iface_result_gateway(res, r->dst.addr.family);
		struct cnet_route nr = {
			.dst = r->dst,
			.ifindex = ifindex,
			.table = r->table >= 0 ? (unsigned)r->table : 0,
			.priority = (unsigned)r->priority,
			.mtu = (unsigned)r->mtu,
			.advmss = (unsigned)r->advmss,
			.scope = r->scope,
		};
		if (gw)
			nr.gw = *gw;
		int ret = cnet_nl_route_add(nl, &nr, err);
		if (ret < 0 && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int iface_configure(struct cnet_nl *nl, int netns_fd, const char *ifname,
		    const struct cni_result *res, int res_iface, const struct iface_opts *o,
		    struct cnet_err *err)
{
	struct cnet_link link;
	int r = cnet_nl_link_get(nl, ifname, &link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNET_ERR_KERNEL, ENODEV, "container interface \"%s\"",
				    ifname);
	if (r < 0)
		return r;
	struct sysctl_ctx sc = { ifname, res, res_iface, o };
	r = netns_run(netns_fd, container_sysctls, &sc, err);
	if (r < 0)
		return r;
	/* arp_notify through netlink, not /proc/sys/net/ipv4 (lib/sysctl.c says why); best
	 * effort, as the reference */
	if (o->arp_notify)
		cnet_nl_link_set_inet_conf(nl, link.ifindex, IPV4_DEVCONF_ARP_NOTIFY, 1, NULL);
	r = cnet_nl_link_set_up(nl, link.ifindex, true, err);
	for (size_t i = 0; r >= 0 && i < res->n_ips; i++) {
		if (!ip_applies(&res->ips[i], res_iface))
			continue;
		unsigned flags = o->enable_dad ? 0 : CNET_ADDR_NODAD;
		r = cnet_nl_addr_add(nl, link.ifindex, &res->ips[i].address, flags, err);
	}
	if (r >= 0 && o->enable_dad)
		r = wait_dad(nl, ifname, link.ifindex, err);
	if (r >= 0)
		r = add_routes(nl, link.ifindex, res, err);
	if (r < 0)
		cnet_err_prefix(err, "configure \"%s\"", ifname);
	return r;
}

static bool has_addr(const struct ipnet *list, size_t n, const struct ipnet *a)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].plen == a->plen && ipaddr_equal(&list[i].addr, &a->addr))
			return true;
	return false;
}

static bool has_route(const struct cnet_route *list, size_t n, const struct cni_route *r,
		      const struct ipaddr *gw)
{
	for (size_t i = 0; i < n; i++) {
		const struct cnet_route *k = &list[i];
		if (k->dst.plen != r->dst.plen || !ipaddr_equal(&k->dst.addr, &r->dst.addr))
			continue;
		if (!gw || ipaddr_equal(&k->gw, gw))
			return true;
	}
	return false;
}

int iface_check(struct cnet_nl *nl, const char *ifname, const struct cni_result *res,
		int res_iface, struct cnet_err *err)
{
	struct cnet_link link;
	char buf[IPNET_STRLEN];
	int r = cnet_nl_link_get(nl, ifname, &link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in the container", ifname);
	if (r < 0)
		return r;
	cleanup_free struct ipnet *addrs = NULL;
	size_t n_addrs = 0;
	r = cnet_nl_addr_list(nl, link.ifindex, AF_UNSPEC, &addrs, &n_addrs, err);
	for (size_t i = 0; r >= 0 && i < res->n_ips; i++)
		if (ip_applies(&res->ips[i], res_iface) &&
		    !has_addr(addrs, n_addrs, &res->ips[i].address))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "address %s is missing on \"%s\"",
					    ipnet_format(&res->ips[i].address, buf), ifname);
	for (int fam = AF_INET; r >= 0 && fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		cleanup_free struct cnet_route *routes = NULL;
		size_t n_routes = 0;
		r = cnet_nl_route_list(nl, fam, 0, &routes, &n_routes, err);
		for (size_t i = 0; r >= 0 && i < res->n_routes; i++) {
			const struct cni_route *rt = &res->routes[i];
			if (rt->dst.addr.family != fam || (rt->table > 0 && rt->table != 254))
				continue;
			const struct ipaddr *gw = rt->gw.family ? &rt->gw :
						  iface_result_gateway(res, fam);
			if (!has_route(routes, n_routes, rt, gw))
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "route to %s is missing in the container",
						    ipnet_format(&rt->dst, buf));
		}
	}
	return r;
}

int iface_del(int netns_fd, const char *ifname, const char *kind, struct cnet_err *err)
{
	struct cnet_nl *nl cleanup_nl = NULL;
	struct cnet_link link;
	if (netns_fd < 0)
		return 0;
	int r = cnet_nl_open(&nl, netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(nl, ifname, &link, err);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	if (strcmp(link.kind, kind))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "container interface \"%s\" is a %s, not a %s: not deleting it",
				    ifname, link.kind[0] ? link.kind : "device", kind);
	r = cnet_nl_link_del(nl, link.ifindex, err);
	return r == -ENODEV ? 0 : r;
}
