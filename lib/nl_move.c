// SPDX-License-Identifier: Apache-2.0
/*
 * Moving links between network namespaces, renaming them, and their alias (IFLA_IFALIAS),
 * where host-device keeps a moved link's host name (see nl.h).
 *
 * The requests are plain RTM_NEWLINK messages on an existing ifindex, built with libnl's
 * message API and sent through cnetnl_request(), so they take nl.c's one error path.
 */
#include "nl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "cleanup.h"
#include "nl_int.h"

/* An RTM_NEWLINK for the existing link ifindex: a bare ifinfomsg, attributes to follow. */
static struct nl_msg *setlink_msg(int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* IFLA_IFALIAS without its NUL, as iproute2 sends it; length 0 clears the alias. */
static int put_alias(struct nl_msg *msg, const char *alias)
{
	return nla_put(msg, IFLA_IFALIAS, (int)strlen(alias), alias);
}

static int check_alias(const char *alias, struct cnet_err *err)
{
	if (alias && strlen(alias) >= CNET_IFALIAS_MAX)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "interface alias \"%.32s...\": longer than %d bytes", alias,
				    CNET_IFALIAS_MAX - 1);
	return 0;
}

int cnet_nl_link_move(struct cnet_nl *nl, int ifindex, int netns_fd, const char *new_name,
		      const char *alias, struct cnet_err *err)
{
	int ret = new_name ? cnetnl_check_ifname(new_name, err) : 0;

	if (ret >= 0)
		ret = check_alias(alias, err);
	if (ret < 0)
		return ret;
	cleanup_msg struct nl_msg *msg = setlink_msg(ifindex);
	if (!msg || nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)netns_fd) < 0 ||
	    (new_name && nla_put_string(msg, IFLA_IFNAME, new_name) < 0) ||
	    (alias && put_alias(msg, alias) < 0))
		return cnetnl_fail(nl, -ENOMEM, err, "move link %d", ifindex);
	ret = cnetnl_request(nl, msg);
	if (ret < 0) {
		if (new_name)
			return cnetnl_fail(nl, ret, err, "move link %d to another namespace as \"%s\"",
					   ifindex, new_name);
		return cnetnl_fail(nl, ret, err, "move link %d to another namespace", ifindex);
	}
	return 0;
}

int cnet_nl_link_set_name(struct cnet_nl *nl, int ifindex, const char *name,
			  struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(name, err);

	if (ret < 0)
		return ret;
	cleanup_msg struct nl_msg *msg = setlink_msg(ifindex);
	if (!msg || nla_put_string(msg, IFLA_IFNAME, name) < 0)
		return cnetnl_fail(nl, -ENOMEM, err, "rename link %d", ifindex);
	ret = cnetnl_request(nl, msg);
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "rename link %d to \"%s\"", ifindex, name);
	return 0;
}

int cnet_nl_link_set_alias(struct cnet_nl *nl, int ifindex, const char *alias,
			   struct cnet_err *err)
{
	int ret = check_alias(alias, err);

	if (ret < 0)
		return ret;
	cleanup_msg struct nl_msg *msg = setlink_msg(ifindex);
	if (!msg || put_alias(msg, alias) < 0)
		return cnetnl_fail(nl, -ENOMEM, err, "set alias of link %d", ifindex);
	ret = cnetnl_request(nl, msg);
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "set alias of link %d to \"%s\"", ifindex, alias);
	return 0;
}

int cnet_nl_link_get_alias(struct cnet_nl *nl, int ifindex, char *buf, size_t len,
			   struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;

	if (ifindex <= 0)
		return -ENODEV;
	int ret = cnetnl_errno(nl, rtnl_link_get_kernel(nl->sk, ifindex, NULL, &l));

	if (ret == -ENODEV)
		return -ENODEV;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "look up link %d", ifindex);
	const char *alias = rtnl_link_get_ifalias(l);
	snprintf(buf, len, "%s", alias ? alias : "");
	return 0;
}
