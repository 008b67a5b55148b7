// SPDX-License-Identifier: Apache-2.0
/*
 * macvlan links through libnl (see nl.h for the contract).
 *
 * The creation request is built with libnl's message API rather than rtnl_link_macvlan_*,
 * because libnl 3.7 cannot put IFLA_MACVLAN_BC_QUEUE_LEN in the link data; reading a link
 * back uses libnl's macvlan parser.
 */
#include "nl.h"

#include <errno.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include "nl_int.h"

_Static_assert(CNET_MACVLAN_PRIVATE == MACVLAN_MODE_PRIVATE &&
		       CNET_MACVLAN_VEPA == MACVLAN_MODE_VEPA &&
		       CNET_MACVLAN_BRIDGE == MACVLAN_MODE_BRIDGE &&
		       CNET_MACVLAN_PASSTHRU == MACVLAN_MODE_PASSTHRU,
	       "CNET_MACVLAN_* are the kernel's MACVLAN_MODE_*");

/* IFLA_LINKINFO { KIND "macvlan", DATA { MODE[, BC_QUEUE_LEN] } } */
static int put_linkinfo(struct nl_msg *msg, const struct cnet_macvlan *m)
{
	struct nlattr *info = nla_nest_start(msg, IFLA_LINKINFO);
	struct nlattr *data;

	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "macvlan") < 0)
		return -ENOMEM;
	if (!(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u32(msg, IFLA_MACVLAN_MODE, m->mode) < 0 ||
	    (m->bcqueuelen && nla_put_u32(msg, IFLA_MACVLAN_BC_QUEUE_LEN, m->bcqueuelen) < 0))
		return -ENOMEM;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;
}

static struct nl_msg *macvlan_msg(const struct cnet_macvlan *m)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, m->name) < 0 ||
	    nla_put_u32(msg, IFLA_LINK, (uint32_t)m->master) < 0 ||
	    (m->netns_fd >= 0 && nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)m->netns_fd) < 0) ||
	    (m->mtu && nla_put_u32(msg, IFLA_MTU, m->mtu) < 0) ||
	    (m->mac && nla_put(msg, IFLA_ADDRESS, 6, m->mac) < 0) || put_linkinfo(msg, m) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int cnet_nl_macvlan_create(struct cnet_nl *nl, const struct cnet_macvlan *m, struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(m->name, err);

	if (ret < 0)
		return ret;
	cleanup_msg struct nl_msg *msg = macvlan_msg(m);

	ret = msg ? cnetnl_request(nl, msg) : -ENOMEM;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "create macvlan \"%s\" on link %d", m->name,
				   m->master);
	return 0;
}

int cnet_nl_macvlan_get_mode(struct cnet_nl *nl, int ifindex, uint32_t *mode,
			     struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	int ret = cnetnl_errno(nl, rtnl_link_get_kernel(nl->sk, ifindex, NULL, &l));

	if (ret == -ENODEV)
		return ret;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "look up link %d", ifindex);
	if (!rtnl_link_is_macvlan(l))
		return -EMEDIUMTYPE;
	*mode = rtnl_link_macvlan_get_mode(l);
	return 0;
}
