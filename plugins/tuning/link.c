// SPDX-License-Identifier: Apache-2.0
#include "tn_link.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "cleanup.h"

struct tn_nl {
	struct nl_sock *sk;
	int kerr;          /* errno of the kernel's NLMSG_ERROR for the last request */
	char ext_msg[256]; /* its extended-ack text */
};

static inline void link_putp(struct rtnl_link **p)
{
	if (*p)
		rtnl_link_put(*p);
}
static inline void nladdr_putp(struct nl_addr **p)
{
	if (*p)
		nl_addr_put(*p);
}
#define cleanup_link __attribute__((cleanup(link_putp)))
#define cleanup_nladdr __attribute__((cleanup(nladdr_putp)))

/* Remember the kernel's errno and extended-ack text (libnl 3.7 does not parse the latter). */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct tn_nl *nl = arg;
	const struct nlmsghdr *hdr = (const void *)((const char *)e - NLMSG_HDRLEN);
	size_t len = hdr->nlmsg_len - NLMSG_HDRLEN, off = sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	(void)who;
	nl->kerr = -e->error;
	nl->ext_msg[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (off < len && nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
				   (int)(len - off), NULL) >= 0 && tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->ext_msg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->ext_msg));
	return NL_STOP;
}

/* libnl's return value -> 0 or a negative errno, the kernel's own when it sent one. */
static int nl_errno(struct tn_nl *nl, int ret)
{
	int kerr = nl->kerr;
	nl->kerr = 0;
	if (ret >= 0)
		return 0;
	if (kerr > 0)
		return -kerr;
	switch (-ret) {
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_PERM:
		return -EPERM;
	case NLE_RANGE:
		return -ERANGE;
	default:
		return -EIO;
	}
}

int tn_nl_open(struct tn_nl **out, struct cnet_err *err)
{
	struct tn_nl *nl = calloc(1, sizeof(*nl));
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret = -ENOMEM;

	if (nl && cb) {
		nl_cb_err(cb, NL_CB_CUSTOM, on_error, nl);
		nl->sk = nl_socket_alloc_cb(cb);
	}
	if (cb)
		nl_cb_put(cb);
	if (nl && nl->sk)
		ret = nl_errno(nl, nl_connect(nl->sk, NETLINK_ROUTE));
	if (ret < 0) {
		tn_nl_close(nl);
		return cnet_err_set(err, CNET_ERR_KERNEL, -ret, "open netlink socket");
	}
	int one = 1, fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*out = nl;
	return 0;
}

void tn_nl_close(struct tn_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

int tn_link_get(struct tn_nl *nl, const char *name, struct tn_link *out, struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	int ret = nl_errno(nl, rtnl_link_get_kernel(nl->sk, 0, name, &l));

	if (ret == -ENODEV)
		return ret;
	if (ret < 0)
		return cnet_err_kernel(err, -ret, nl->ext_msg, "look up link \"%s\"", name);
	struct nl_addr *mac = rtnl_link_get_addr(l);
	unsigned flags = rtnl_link_get_flags(l);
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (mac && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	out->mtu = rtnl_link_get_mtu(l);
	out->txqlen = rtnl_link_get_txqlen(l);
	out->promisc = flags & IFF_PROMISC;
	out->allmulti = flags & IFF_ALLMULTI;
	return 0;
}

static const char *const attr_names[] = {
	[TN_MAC] = "MAC address", [TN_MTU] = "MTU", [TN_PROMISC] = "promiscuous mode",
	[TN_ALLMULTI] = "all-multicast mode", [TN_TXQLEN] = "transmit queue length",
};

static void set_flag(struct rtnl_link *chg, unsigned flag, bool on)
{
	if (on)
		rtnl_link_set_flags(chg, flag);
	else
		rtnl_link_unset_flags(chg, flag);
}

int tn_link_set(struct tn_nl *nl, const struct tn_link *l, enum tn_attr attr,
		const struct tn_link *want, struct cnet_err *err)
{
	cleanup_link struct rtnl_link *orig = rtnl_link_alloc();
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	cleanup_nladdr struct nl_addr *mac = NULL;
	int ret = -ENOMEM;

	if (orig && chg) {
		rtnl_link_set_ifindex(orig, l->ifindex);
		ret = 0;
		switch (attr) {
		case TN_MAC:
			mac = nl_addr_build(AF_LLC, want->mac, sizeof(want->mac));
			if (mac)
				rtnl_link_set_addr(chg, mac);
			else
				ret = -ENOMEM;
			break;
		case TN_MTU:
			rtnl_link_set_mtu(chg, want->mtu);
			break;
		case TN_TXQLEN:
			rtnl_link_set_txqlen(chg, want->txqlen);
			break;
		case TN_PROMISC:
			set_flag(chg, IFF_PROMISC, want->promisc);
			break;
		case TN_ALLMULTI:
			set_flag(chg, IFF_ALLMULTI, want->allmulti);
			break;
		}
	}
	if (ret >= 0)
		ret = nl_errno(nl, rtnl_link_change(nl->sk, orig, chg, 0));
	if (ret < 0)
		return cnet_err_kernel(err, -ret, nl->ext_msg, "set %s of \"%s\"", attr_names[attr],
				       l->name);
	return 0;
}
