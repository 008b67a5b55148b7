// SPDX-License-Identifier: Apache-2.0
/* VXLAN links and their flood list through libnl (see nl.h for the contract). */
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>

#include "nl_int.h"

static struct nl_addr *addr_of(const struct ipaddr *ip)
{
	return nl_addr_build(ip->family, ip->a, ip->family == AF_INET ? 4 : 16);
}

int cnet_nl_vxlan_create(struct cnet_nl *nl, const struct cnet_vxlan *v, struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(v->name, err);
	if (ret < 0)
		return ret;
	cleanup_link struct rtnl_link *l = rtnl_link_vxlan_alloc();
	cleanup_nladdr struct nl_addr *local = v->local.family ? addr_of(&v->local) : NULL;
	if (!l || (v->local.family && !local))
		return cnetnl_fail(nl, -ENOMEM, err, "create vxlan \"%s\"", v->name);
	rtnl_link_set_name(l, v->name);
	if (v->mtu)
		rtnl_link_set_mtu(l, v->mtu);
	ret = rtnl_link_vxlan_set_id(l, v->vni);
	if (ret >= 0)
		ret = rtnl_link_vxlan_set_port(l, v->port);
	if (ret >= 0)
		ret = rtnl_link_vxlan_set_learning(l, v->learning);
	if (ret >= 0 && local)
		ret = rtnl_link_vxlan_set_local(l, local);
	if (ret >= 0 && v->link)
		ret = rtnl_link_vxlan_set_link(l, (uint32_t)v->link);
	ret = ret < 0 ? cnetnl_errno(nl, ret) :
			cnetnl_errno(nl, rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL));
	if (ret == -EEXIST)
		return ret;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "create vxlan \"%s\" (VNI %u)", v->name, v->vni);
	return 0;
}

int cnet_nl_vxlan_get(struct cnet_nl *nl, int ifindex, uint32_t *vni, uint16_t *port,
		      struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	uint32_t p = 0;
	int ret = cnetnl_errno(nl, rtnl_link_get_kernel(nl->sk, ifindex, NULL, &l));

	if (ret == -ENODEV)
		return ret;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "look up link %d", ifindex);
	if (!rtnl_link_is_vxlan(l) || rtnl_link_vxlan_get_id(l, vni) < 0)
		return -EMEDIUMTYPE;
	*port = rtnl_link_vxlan_get_port(l, &p) < 0 ? 0 : (uint16_t)p;
	return 0;
}

int cnet_nl_vxlan_flood_add(struct cnet_nl *nl, int ifindex, const struct ipaddr *dst,
			    struct cnet_err *err)
{
	static const uint8_t zero[6];
	cleanup_neigh struct rtnl_neigh *n = rtnl_neigh_alloc();
	cleanup_nladdr struct nl_addr *lladdr = nl_addr_build(AF_LLC, zero, sizeof(zero));
	cleanup_nladdr struct nl_addr *to = addr_of(dst);
	char ip[INET6_ADDRSTRLEN] = "?";
	int ret = -ENOMEM;

	inet_ntop(dst->family, dst->a, ip, sizeof(ip));
	if (n && lladdr && to) {
		/* dst first: libnl refuses a destination of another family than the entry's */
		ret = rtnl_neigh_set_dst(n, to);
		rtnl_neigh_set_family(n, AF_BRIDGE);
		rtnl_neigh_set_ifindex(n, ifindex);
		rtnl_neigh_set_lladdr(n, lladdr);
		rtnl_neigh_set_state(n, NUD_PERMANENT);
		rtnl_neigh_set_flags(n, NTF_SELF);
		if (ret >= 0)
			ret = rtnl_neigh_add(nl->sk, n, NLM_F_CREATE | NLM_F_APPEND);
		ret = cnetnl_errno(nl, ret);
	}
	if (ret == -EEXIST)
		return 0;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "add flood entry for %s on link %d", ip, ifindex);
	return 0;
}
