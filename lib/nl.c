// SPDX-License-Identifier: Apache-2.0
/*
 * rtnetlink through libnl-route-3 (see nl.h for the contract).
 *
 * Where libnl 3.7 has a helper we use it; the few requests it cannot express (bridge VLANs,
 * IFLA_BRPORT_ISOLATED, IFLA_BR_VLAN_FILTERING) are built with libnl's core message API and
 * sent on the same socket, so acknowledgements and errors go through one path.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns() */
#endif
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "cleanup.h"
#include "nl_int.h"

/* ---- errors ------------------------------------------------------------------------------ */

/* libnl's own error codes (failures that never reached the kernel, or that libnl rewrote). */
static int nle_errno(int nle)
{
	switch (nle) {
	case NLE_EXIST:
		return EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return ENODEV;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_PERM:
		return EPERM;
	case NLE_BUSY:
		return EBUSY;
	case NLE_INVAL:
		return EINVAL;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_RANGE:
		return ERANGE;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	default:
		return EIO;
	}
}

/*
 * The boundary: turn a libnl return value into 0 or a negative errno, right after the call.
 * The kernel's own errno is preferred when it sent one, because libnl's mapping loses
 * information (ENODEV, ENOENT and ESRCH all become NLE_OBJ_NOTFOUND). The extended-ack text is
 * kept for cnetnl_fail() only when it belongs to this failure.
 */
int cnetnl_errno(struct cnet_nl *nl, int ret)
{
	int kerr = nl->kerr;

	nl->kerr = 0;
	if (ret >= 0 || kerr <= 0)
		nl->ext_msg[0] = '\0';
	if (ret >= 0)
		return 0;
	return kerr > 0 ? -kerr : -nle_errno(-ret);
}

/* Fill err with "<what>: <strerror> (kernel: <ext-ack text>)"; e is a negative errno. */
int cnetnl_fail(struct cnet_nl *nl, int e, struct cnet_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cnet_err_kernel_v(err, e, nl->ext_msg, fmt, ap);
	va_end(ap);
	nl->ext_msg[0] = '\0';
	return e;
}

/*
 * NLMSG_ERROR from the kernel: remember its errno and the extended-ack text (NETLINK_EXT_ACK),
 * which libnl 3.7 does not parse. NL_STOP keeps libnl's normal behaviour (fail the request).
 */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct cnet_nl *nl = arg;
	/* libnl hands us nlmsg_data() of the error message: its header sits just before. */
	const struct nlmsghdr *hdr = (const void *)((const char *)e - NLMSG_HDRLEN);
	size_t len = hdr->nlmsg_len - NLMSG_HDRLEN;
	size_t off = sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	(void)who;
	nl->kerr = -e->error;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) /* the request's payload is echoed first */
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (off >= len || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
				    (int)(len - off), NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->ext_msg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->ext_msg));
	return NL_STOP;
}

/* Every request starts clean, so an error reported belongs to the request that failed. */
static int on_send(struct nl_msg *msg, void *arg)
{
	struct cnet_nl *nl = arg;

	(void)msg;
	nl->kerr = 0;
	nl->ext_msg[0] = '\0';
	return NL_OK;
}

/* Send a hand-built request and wait for the kernel's acknowledgement. */
int cnetnl_request(struct cnet_nl *nl, struct nl_msg *msg)
{
	int ret = nl_send_auto(nl->sk, msg);

	if (ret >= 0)
		ret = nl_wait_for_ack(nl->sk);
	return cnetnl_errno(nl, ret);
}

/* ---- socket ------------------------------------------------------------------------------ */

/* A netlink socket belongs to the namespace it was created in: create it inside netns_fd. */
static int connect_in_netns(struct nl_sock *sk, int netns_fd, struct cnet_err *err)
{
	cleanup_close int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (self < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open /proc/thread-self/ns/net");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "enter network namespace");
	int ret = nl_connect(sk, NETLINK_ROUTE);
	if (setns(self, CLONE_NEWNET) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno,
				    "return to the original network namespace");
	if (ret < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, nle_errno(-ret),
				    "open netlink socket in network namespace");
	return 0;
}

int cnet_nl_open(struct cnet_nl **out, int netns_fd, struct cnet_err *err)
{
	cleanup_nl struct cnet_nl *nl = calloc(1, sizeof(*nl));
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (nl && cb) {
		nl_cb_err(cb, NL_CB_CUSTOM, on_error, nl);
		nl_cb_set(cb, NL_CB_MSG_OUT, NL_CB_CUSTOM, on_send, nl);
		nl->sk = nl_socket_alloc_cb(cb); /* takes its own reference on cb */
	}
	if (cb)
		nl_cb_put(cb);
	if (!nl || !nl->sk)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "allocate netlink socket");

	if (netns_fd >= 0) {
		int ret = connect_in_netns(nl->sk, netns_fd, err);
		if (ret < 0)
			return ret;
	} else {
		int ret = nl_connect(nl->sk, NETLINK_ROUTE);
		if (ret < 0)
			return cnet_err_set(err, CNET_ERR_KERNEL, nle_errno(-ret),
					    "open netlink socket");
	}
	/* Ask for the kernel's error text, and not to echo our whole request back in errors.
	 * Both are best effort: an older kernel just answers without them. */
	int one = 1;
	int fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*out = TAKE_PTR(nl);
	return 0;
}

void cnet_nl_close(struct cnet_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk); /* closes the fd too */
	free(nl);
}

/* ---- links ------------------------------------------------------------------------------- */

int cnetnl_check_ifname(const char *name, struct cnet_err *err)
{
	if (!name || !name[0] || strlen(name) >= IF_NAMESIZE)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "interface name \"%s\": must be 1 to %d bytes", name ? name : "",
				    IF_NAMESIZE - 1);
	return 0;
}

static void link_fill(struct rtnl_link *l, struct cnet_link *out)
{
	const char *kind = rtnl_link_get_type(l);
	const char *name = rtnl_link_get_name(l);
	struct nl_addr *mac = rtnl_link_get_addr(l);
	unsigned flags = rtnl_link_get_flags(l);

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	snprintf(out->name, sizeof(out->name), "%s", name ? name : "");
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	if (mac && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	out->mtu = rtnl_link_get_mtu(l);
	out->txqlen = rtnl_link_get_txqlen(l);
	out->master = rtnl_link_get_master(l);
	out->peer = rtnl_link_get_link(l);
	out->up = flags & IFF_UP;
	out->promisc = flags & IFF_PROMISC;
	out->allmulti = flags & IFF_ALLMULTI;
}

/* One RTM_GETLINK by index or name (never a dump). -ENODEV with err untouched when absent. */
static int link_lookup(struct cnet_nl *nl, int ifindex, const char *name, struct cnet_link *out,
		       struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	int ret = cnetnl_errno(nl, rtnl_link_get_kernel(nl->sk, ifindex, name, &l));

	if (ret < 0) {
		if (ret == -ENODEV)
			return -ENODEV;
		if (name)
			return cnetnl_fail(nl, ret, err, "look up link \"%s\"", name);
		return cnetnl_fail(nl, ret, err, "look up link %d", ifindex);
	}
	link_fill(l, out);
	return 0;
}

int cnet_nl_link_get(struct cnet_nl *nl, const char *name, struct cnet_link *out,
		     struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(name, err);

	return ret < 0 ? ret : link_lookup(nl, 0, name, out, err);
}

int cnet_nl_link_get_by_index(struct cnet_nl *nl, int ifindex, struct cnet_link *out,
			      struct cnet_err *err)
{
	if (ifindex <= 0)
		return -ENODEV;
	return link_lookup(nl, ifindex, NULL, out, err);
}

struct link_walk {
	void (*fn)(const struct cnet_link *l, const char *alias, void *arg);
	void *arg;
};

static void on_link(struct nl_object *obj, void *arg)
{
	struct link_walk *w = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	struct cnet_link out;
	const char *alias = rtnl_link_get_ifalias(l);

	link_fill(l, &out);
	w->fn(&out, alias ? alias : "", w->arg);
}

int cnet_nl_link_foreach(struct cnet_nl *nl,
			 void (*fn)(const struct cnet_link *l, const char *alias, void *arg),
			 void *arg, struct cnet_err *err)
{
	cleanup_cache struct nl_cache *cache = NULL;
	struct link_walk w = { fn, arg };
	int ret = cnetnl_errno(nl, rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &cache));

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list the links");
	nl_cache_foreach(cache, on_link, &w);
	return 0;
}

/* Apply the attributes set in chg to link ifindex (RTM_NEWLINK, or RTM_SETLINK as fallback). */
int cnetnl_link_change(struct cnet_nl *nl, int ifindex, struct rtnl_link *chg)
{
	cleanup_link struct rtnl_link *orig = rtnl_link_alloc();

	if (!orig)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	return cnetnl_errno(nl, rtnl_link_change(nl->sk, orig, chg, 0));
}

static int link_set_flag(struct cnet_nl *nl, int ifindex, unsigned flag, bool on)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();

	if (!chg)
		return -ENOMEM;
	if (on)
		rtnl_link_set_flags(chg, flag);
	else
		rtnl_link_unset_flags(chg, flag);
	return cnetnl_link_change(nl, ifindex, chg);
}

int cnet_nl_link_set_up(struct cnet_nl *nl, int ifindex, bool up, struct cnet_err *err)
{
	int ret = link_set_flag(nl, ifindex, IFF_UP, up);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "set link %d %s", ifindex, up ? "up" : "down");
	return 0;
}

/* A mode that is one interface flag (IFF_PROMISC, IFF_ALLMULTI); mode names it in errors. */
static int link_set_mode(struct cnet_nl *nl, int ifindex, unsigned flag, const char *mode,
			 bool on, struct cnet_err *err)
{
	int ret = link_set_flag(nl, ifindex, flag, on);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "%s %s mode on link %d", on ? "enable" : "disable",
			       mode, ifindex);
	return 0;
}

int cnet_nl_link_set_promisc(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err)
{
	return link_set_mode(nl, ifindex, IFF_PROMISC, "promiscuous", on, err);
}

int cnet_nl_link_set_allmulti(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err)
{
	return link_set_mode(nl, ifindex, IFF_ALLMULTI, "all-multicast", on, err);
}

/* One IPv4 per-interface setting (IPV4_DEVCONF_*) through IFLA_AF_SPEC: the same value as
 * /proc/sys/net/ipv4/conf/<if>/<name>, without resolving that path (see lib/sysctl.c). */
int cnet_nl_link_set_inet_conf(struct cnet_nl *nl, int ifindex, int id, uint32_t value,
			       struct cnet_err *err)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	int ret = chg ? rtnl_link_inet_set_conf(chg, (unsigned)id, value) : -NLE_NOMEM;

	ret = ret < 0 ? cnetnl_errno(nl, ret) : cnetnl_link_change(nl, ifindex, chg);
	if (ret < 0) {
		char name[64];
		return cnetnl_fail(nl, ret, err, "set IPv4 %s=%u on link %d",
				   rtnl_link_inet_devconf2str(id, name, sizeof(name)), value, ifindex);
	}
	return 0;
}

/* One unsigned attribute (MTU, txqlen), set on a change object by libnl's setter. */
static int link_set_uint(struct cnet_nl *nl, int ifindex,
			 void (*set)(struct rtnl_link *, unsigned), unsigned value)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();

	if (!chg)
		return -ENOMEM;
	set(chg, value);
	return cnetnl_link_change(nl, ifindex, chg);
}

int cnet_nl_link_set_mtu(struct cnet_nl *nl, int ifindex, unsigned mtu, struct cnet_err *err)
{
	int ret = link_set_uint(nl, ifindex, rtnl_link_set_mtu, mtu);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "set MTU %u on link %d", mtu, ifindex);
	return 0;
}

int cnet_nl_link_set_txqlen(struct cnet_nl *nl, int ifindex, unsigned txqlen,
			    struct cnet_err *err)
{
	int ret = link_set_uint(nl, ifindex, rtnl_link_set_txqlen, txqlen);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "set transmit queue length %u on link %d", txqlen,
			       ifindex);
	return 0;
}

/*
 * A port only carries frames for its bridge: the bridge takes every frame that arrives on it
 * before IPv6 could, so an IPv6 link-local address on it serves nothing, and costs on every
 * attach: its MLD reports and DAD probe are flooded to every other port of the bridge, one
 * copy per container (~1 ms of softirq per packet with 1000 ports). So in the same request as
 * IFLA_MASTER: IFLA_INET6_ADDR_GEN_MODE none, before the link is ever up.
 */
int cnet_nl_bridge_port_add(struct cnet_nl *nl, int ifindex, int bridge, struct cnet_err *err)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	int ret = -ENOMEM;

	if (chg) {
		rtnl_link_set_master(chg, bridge);
		ret = rtnl_link_inet6_set_addr_gen_mode(chg, IN6_ADDR_GEN_MODE_NONE);
		ret = ret < 0 ? cnetnl_errno(nl, ret) : cnetnl_link_change(nl, ifindex, chg);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "add link %d to bridge %d", ifindex, bridge);
	return 0;
}

int cnet_nl_link_set_master(struct cnet_nl *nl, int ifindex, int master, struct cnet_err *err)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	int ret = -ENOMEM;

	if (chg) {
		rtnl_link_set_master(chg, master); /* 0 = IFLA_MASTER 0: release from the bridge */
		ret = cnetnl_link_change(nl, ifindex, chg);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "set master of link %d to %d", ifindex, master);
	return 0;
}

int cnet_nl_link_set_mac(struct cnet_nl *nl, int ifindex, const uint8_t mac[6],
			 struct cnet_err *err)
{
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	cleanup_nladdr struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	int ret = -ENOMEM;

	if (chg && a) {
		rtnl_link_set_addr(chg, a);
		ret = cnetnl_link_change(nl, ifindex, chg);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err,
			       "set MAC address %02x:%02x:%02x:%02x:%02x:%02x on link %d", mac[0],
			       mac[1], mac[2], mac[3], mac[4], mac[5], ifindex);
	return 0;
}

int cnet_nl_link_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err)
{
	cleanup_link struct rtnl_link *l = rtnl_link_alloc();
	int ret = -ENOMEM;

	if (l) {
		rtnl_link_set_ifindex(l, ifindex);
		ret = cnetnl_errno(nl, rtnl_link_delete(nl->sk, l));
	}
	if (ret < 0) {
		if (ret == -ENODEV)
			return -ENODEV;
		return cnetnl_fail(nl, ret, err, "delete link %d", ifindex);
	}
	return 0;
}

/* ---- veth -------------------------------------------------------------------------------- */

/*
 * One RTM_NEWLINK: libnl nests the peer's ifinfomsg and attributes (name, MTU, address and
 * IFLA_NET_NS_FD) in VETH_INFO_PEER, so the peer is created directly in the target namespace.
 */
int cnet_nl_veth_create(struct cnet_nl *nl, const char *host_name, const char *peer_name,
			int peer_netns_fd, unsigned mtu, const uint8_t *peer_mac,
			struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(host_name, err);

	if (ret < 0 || (ret = cnetnl_check_ifname(peer_name, err)) < 0)
		return ret;
	cleanup_link struct rtnl_link *host = rtnl_link_veth_alloc();
	cleanup_link struct rtnl_link *peer = host ? rtnl_link_veth_get_peer(host) : NULL;
	cleanup_nladdr struct nl_addr *mac = peer_mac ? nl_addr_build(AF_LLC, peer_mac, 6) : NULL;

	if (!peer || (peer_mac && !mac))
		return cnetnl_fail(nl, -ENOMEM, err, "create veth \"%s\"", host_name);
	rtnl_link_set_name(host, host_name);
	rtnl_link_set_name(peer, peer_name);
	if (mtu) {
		rtnl_link_set_mtu(host, mtu);
		rtnl_link_set_mtu(peer, mtu);
	}
	if (mac)
		rtnl_link_set_addr(peer, mac);
	if (peer_netns_fd >= 0)
		rtnl_link_set_ns_fd(peer, peer_netns_fd);
	ret = cnetnl_errno(nl, rtnl_link_add(nl->sk, host, NLM_F_CREATE | NLM_F_EXCL));
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "create veth \"%s\" (peer \"%s\")", host_name,
			       peer_name);
	return 0;
}

/* ---- bridge ------------------------------------------------------------------------------ */

/* An RTM_* request for one link that starts with a bare ifinfomsg. */
static struct nl_msg *ifinfo_msg(int type, int family, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = (unsigned char)family, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * RTM_NEWLINK for a bridge: IFLA_LINKINFO { KIND "bridge", DATA { IFLA_BR_VLAN_FILTERING } }
 * (libnl 3.7 has no helper). With name set it creates the bridge, VLAN filtering included, in
 * one request, so a kernel without VLAN filtering refuses the creation instead of leaving a
 * half-configured bridge behind; with ifindex set it changes an existing one.
 */
static int bridge_newlink(struct cnet_nl *nl, int ifindex, const char *name, unsigned mtu,
			  bool vlan_filtering)
{
	cleanup_msg struct nl_msg *msg = ifinfo_msg(RTM_NEWLINK, AF_UNSPEC, ifindex);
	struct nlattr *info, *data;

	if (!msg)
		return -ENOMEM;
	if (name) {
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		if (nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
		    (mtu && nla_put_u32(msg, IFLA_MTU, mtu) < 0))
			return -ENOMEM;
	}
	if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0)
		return -ENOMEM;
	if (vlan_filtering) {
		if (!(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
		    nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, 1) < 0)
			return -ENOMEM;
		nla_nest_end(msg, data);
	}
	nla_nest_end(msg, info);
	return cnetnl_request(nl, msg);
}

int cnet_nl_bridge_ensure(struct cnet_nl *nl, const char *name, unsigned mtu, bool vlan_filtering,
			  struct cnet_link *out, struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(name, err);

	if (ret < 0)
		return ret;
	ret = bridge_newlink(nl, 0, name, mtu, vlan_filtering);
	/* EEXIST: it was there already, or another ADD just made it; either way, use it. */
	if (ret == -EOPNOTSUPP && vlan_filtering)
		return cnet_err_set(err, CNET_ERR_KERNEL, EOPNOTSUPP,
				    "create bridge \"%s\" with VLAN filtering (the kernel may lack "
				    "CONFIG_BRIDGE_VLAN_FILTERING)", name);
	if (ret < 0 && ret != -EEXIST)
		return cnetnl_fail(nl, ret, err, "create bridge \"%s\"", name);
	ret = link_lookup(nl, 0, name, out, err);
	if (ret == -ENODEV)
		return cnet_err_set(err, CNET_ERR_KERNEL, ENODEV,
				    "bridge \"%s\" vanished while being set up", name);
	if (ret < 0)
		return ret;
	if (strcmp(out->kind, "bridge") != 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, EEXIST,
				    "\"%s\" exists and is not a bridge (kind \"%s\")", name,
				    out->kind);
	if (vlan_filtering && (ret = bridge_newlink(nl, out->ifindex, NULL, 0, true)) < 0)
		return cnetnl_fail(nl, ret, err, "enable VLAN filtering on bridge \"%s\"", name);
	if (!out->up) {
		ret = cnet_nl_link_set_up(nl, out->ifindex, true, err);
		if (ret < 0)
			return ret;
		out->up = true;
	}
	return 0;
}

int cnet_nl_bridge_port_set_hairpin(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err)
{
	/* An AF_BRIDGE link change carries IFLA_PROTINFO { IFLA_BRPORT_MODE } to the port. */
	cleanup_link struct rtnl_link *orig = rtnl_link_alloc();
	cleanup_link struct rtnl_link *chg = rtnl_link_alloc();
	int ret = -ENOMEM;

	if (orig && chg) {
		rtnl_link_set_ifindex(orig, ifindex);
		rtnl_link_set_family(orig, AF_BRIDGE);
		rtnl_link_set_family(chg, AF_BRIDGE);
		ret = on ? rtnl_link_bridge_set_flags(chg, RTNL_BRIDGE_HAIRPIN_MODE)
			 : rtnl_link_bridge_unset_flags(chg, RTNL_BRIDGE_HAIRPIN_MODE);
		if (ret >= 0)
			ret = rtnl_link_change(nl->sk, orig, chg, 0);
		ret = cnetnl_errno(nl, ret);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "%s hairpin mode on bridge port %d",
			       on ? "enable" : "disable", ifindex);
	return 0;
}

/* RTM_SETLINK AF_BRIDGE, IFLA_PROTINFO { IFLA_BRPORT_ISOLATED }: libnl 3.7 has no helper.
 * NLA_F_NESTED matters: without it the kernel reads IFLA_PROTINFO as the old u8 port state. */
int cnet_nl_bridge_port_set_isolated(struct cnet_nl *nl, int ifindex, bool on,
				     struct cnet_err *err)
{
	cleanup_msg struct nl_msg *msg = ifinfo_msg(RTM_SETLINK, AF_BRIDGE, ifindex);
	struct nlattr *pi;
	int ret = -ENOMEM;

	if (msg && (pi = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) &&
	    nla_put_u8(msg, IFLA_BRPORT_ISOLATED, on) >= 0) {
		nla_nest_end(msg, pi);
		ret = cnetnl_request(nl, msg);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "%s isolation of bridge port %d",
			       on ? "enable" : "disable", ifindex);
	return 0;
}

/* IFLA_AF_SPEC { [IFLA_BRIDGE_FLAGS SELF] IFLA_BRIDGE_VLAN_INFO (one, or a begin/end pair) }. */
static struct nl_msg *vlan_msg(int type, int ifindex, uint16_t vid, uint16_t vid_end,
			       uint16_t flags, bool self)
{
	cleanup_msg struct nl_msg *msg = ifinfo_msg(type, AF_BRIDGE, ifindex);
	struct bridge_vlan_info vi = { .flags = flags, .vid = vid };
	struct nlattr *spec;

	if (!msg || !(spec = nla_nest_start(msg, IFLA_AF_SPEC)))
		return NULL;
	if (self && nla_put_u16(msg, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF) < 0)
		return NULL;
	if (vid_end != vid) {
		vi.flags |= BRIDGE_VLAN_INFO_RANGE_BEGIN;
		if (nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi) < 0)
			return NULL;
		vi.flags = flags | BRIDGE_VLAN_INFO_RANGE_END;
		vi.vid = vid_end;
	}
	if (nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi) < 0)
		return NULL;
	nla_nest_end(msg, spec);
	return TAKE_PTR(msg);
}

/* vid_end 0 means a single VLAN. */
static int vlan_change(struct cnet_nl *nl, int type, int ifindex, uint16_t vid, uint16_t vid_end,
		       uint16_t flags, bool self, struct cnet_err *err)
{
	const char *op = type == RTM_SETLINK ? "add" : "delete";

	if (!vid_end)
		vid_end = vid;
	if (vid < 1 || vid_end > 4094 || vid_end < vid)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "%s VLAN %u-%u on link %d: VLAN IDs are 1 to 4094", op, vid,
				    vid_end, ifindex);
	cleanup_msg struct nl_msg *msg = vlan_msg(type, ifindex, vid, vid_end, flags, self);
	int ret = msg ? cnetnl_request(nl, msg) : -ENOMEM;

	if (ret < 0) {
		if (vid_end == vid)
			return cnetnl_fail(nl, ret, err, "%s VLAN %u on link %d", op, vid, ifindex);
		return cnetnl_fail(nl, ret, err, "%s VLANs %u-%u on link %d", op, vid, vid_end,
			       ifindex);
	}
	return 0;
}

int cnet_nl_bridge_vlan_add(struct cnet_nl *nl, int ifindex, uint16_t vid, uint16_t vid_end,
			    bool pvid, bool untagged, bool self, struct cnet_err *err)
{
	uint16_t flags = (pvid ? BRIDGE_VLAN_INFO_PVID : 0) |
			 (untagged ? BRIDGE_VLAN_INFO_UNTAGGED : 0);

	return vlan_change(nl, RTM_SETLINK, ifindex, vid, vid_end, flags, self, err);
}

int cnet_nl_bridge_vlan_del(struct cnet_nl *nl, int ifindex, uint16_t vid, uint16_t vid_end,
			    bool self, struct cnet_err *err)
{
	return vlan_change(nl, RTM_DELLINK, ifindex, vid, vid_end, 0, self, err);
}

/* ---- addresses --------------------------------------------------------------------------- */

static bool ipnet_valid(const struct ipnet *n)
{
	return (n->addr.family == AF_INET || n->addr.family == AF_INET6) && n->plen >= 0 &&
	       n->plen <= ipaddr_bits(n->addr.family);
}

static struct nl_addr *nladdr_from(const struct ipaddr *ip, int plen)
{
	struct nl_addr *a = nl_addr_build(ip->family, ip->a, (size_t)ipaddr_len(ip->family));

	if (a)
		nl_addr_set_prefixlen(a, plen);
	return a;
}

static void ipaddr_from(struct nl_addr *a, int family, struct ipaddr *out)
{
	unsigned len = a ? nl_addr_get_len(a) : 0;

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (len > sizeof(out->a))
		len = sizeof(out->a);
	if (len)
		memcpy(out->a, nl_addr_get_binary_addr(a), len);
}

/* An rtnl_addr template for ifindex and addr (local address + prefix length). */
static struct rtnl_addr *addr_template(int ifindex, const struct ipnet *addr)
{
	cleanup_addr struct rtnl_addr *a = rtnl_addr_alloc();
	cleanup_nladdr struct nl_addr *local = nladdr_from(&addr->addr, addr->plen);

	if (!a || !local)
		return NULL;
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, addr->addr.family);
	if (rtnl_addr_set_local(a, local) < 0)
		return NULL;
	rtnl_addr_set_prefixlen(a, addr->plen);
	return TAKE_PTR(a);
}

static const char *fmt_ipnet(const struct ipnet *n, char buf[static IPNET_STRLEN])
{
	char ip[IPADDR_STRLEN];

	if (!inet_ntop(n->addr.family, n->addr.a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, IPNET_STRLEN, "%s/%d", ip, n->plen);
	return buf;
}

/* IPv4 prefixes shorter than /31 get the subnet's broadcast address, as `ip addr add ... brd +`
 * and the reference plugins' netlink library do, so `ip addr` shows the same thing. */
static int addr_set_broadcast(struct rtnl_addr *a, const struct ipnet *addr)
{
	if (addr->addr.family != AF_INET || addr->plen >= 31)
		return 0;
	struct ipaddr last = ipnet_last(addr);
	cleanup_nladdr struct nl_addr *brd = nladdr_from(&last, 32);
	if (!brd)
		return -ENOMEM;
	return rtnl_addr_set_broadcast(a, brd) < 0 ? -ENOMEM : 0;
}

int cnet_nl_addr_add(struct cnet_nl *nl, int ifindex, const struct ipnet *addr, unsigned flags,
		     struct cnet_err *err)
{
	if (!ipnet_valid(addr))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "add address to link %d: not an IPv4/IPv6 prefix", ifindex);
	cleanup_addr struct rtnl_addr *a = addr_template(ifindex, addr);
	int ret = -ENOMEM;

	if (a) {
		/* libnl sends flags that fit in ifa_flags there, the rest as IFA_FLAGS. */
		if (flags & CNET_ADDR_NODAD)
			rtnl_addr_set_flags(a, IFA_F_NODAD);
		ret = addr_set_broadcast(a, addr);
		if (ret == 0)
			ret = cnetnl_errno(nl, rtnl_addr_add(nl->sk, a, NLM_F_EXCL));
	}
	if (ret < 0) {
		char buf[IPNET_STRLEN];
		return cnetnl_fail(nl, ret, err, "add address %s to link %d", fmt_ipnet(addr, buf),
			       ifindex);
	}
	return 0;
}

int cnet_nl_addr_del(struct cnet_nl *nl, int ifindex, const struct ipnet *addr,
		     struct cnet_err *err)
{
	if (!ipnet_valid(addr))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "delete address from link %d: not an IPv4/IPv6 prefix",
				    ifindex);
	cleanup_addr struct rtnl_addr *a = addr_template(ifindex, addr);
	int ret = a ? cnetnl_errno(nl, rtnl_addr_delete(nl->sk, a, 0)) : -ENOMEM;

	if (ret < 0) {
		if (ret == -EADDRNOTAVAIL)
			return -EADDRNOTAVAIL;
		char buf[IPNET_STRLEN];
		return cnetnl_fail(nl, ret, err, "delete address %s from link %d",
			       fmt_ipnet(addr, buf), ifindex);
	}
	return 0;
}

/* A full address dump filtered here: acceptable, this serves CHECK, not the ADD path. */
/*
 * The addresses of one link (family 0 = all), without dumping every address of the namespace:
 * the dump request carries ifa_index and NETLINK_GET_STRICT_CHK asks the kernel to filter on
 * it (a host with a thousand veths has thousands of link-local addresses). Strict checking is
 * on only while this request is sent; callers still filter, for kernels that ignore it.
 */
static int addr_cache_of(struct cnet_nl *nl, int ifindex, int family, struct nl_cache **out)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family, .ifa_index = (unsigned)ifindex };
	int fd = nl_socket_get_fd(nl->sk), on = 1, off = 0;
	int ret = nl_cache_alloc_name("route/addr", out);

	if (ret < 0)
		return cnetnl_errno(nl, ret);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof(on));
	ret = nl_send_simple(nl->sk, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &off, sizeof(off));
	if (ret >= 0)
		ret = nl_cache_pickup(nl->sk, *out);
	return ret < 0 ? cnetnl_errno(nl, ret) : 0;
}

int cnet_nl_addr_dad_state(struct cnet_nl *nl, int ifindex, int *tentative, int *failed,
			   struct cnet_err *err)
{
	cleanup_cache struct nl_cache *cache = NULL;
	int ret = addr_cache_of(nl, ifindex, AF_INET6, &cache);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list addresses of link %d", ifindex);
	*tentative = *failed = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != AF_INET6 ||
		    rtnl_addr_get_scope(a) == RT_SCOPE_LINK)
			continue;
		unsigned flags = rtnl_addr_get_flags(a);
		if (flags & IFA_F_DADFAILED)
			(*failed)++;
		else if (flags & IFA_F_TENTATIVE)
			(*tentative)++;
	}
	return 0;
}

int cnet_nl_addr_list(struct cnet_nl *nl, int ifindex, int family, struct ipnet **out, size_t *n,
		      struct cnet_err *err)
{
	cleanup_cache struct nl_cache *cache = NULL;
	int ret = addr_cache_of(nl, ifindex, family, &cache);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list addresses of link %d", ifindex);
	int total = nl_cache_nitems(cache);
	cleanup_free struct ipnet *v = calloc(total > 0 ? (size_t)total : 1, sizeof(*v));
	size_t count = 0;

	if (!v)
		return cnetnl_fail(nl, -ENOMEM, err, "list addresses of link %d", ifindex);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		int fam = rtnl_addr_get_family(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || (family && fam != family) ||
		    (fam != AF_INET && fam != AF_INET6) || (int)count >= total)
			continue;
		/* libnl stores IFA_ADDRESS as the local address when there is no IFA_LOCAL (v6). */
		ipaddr_from(rtnl_addr_get_local(a), fam, &v[count].addr);
		v[count].plen = rtnl_addr_get_prefixlen(a);
		count++;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

/* ---- routes ------------------------------------------------------------------------------ */

/* The kernel refuses an IPv4 destination with host bits set: clear them (10.1.0.5/24 -> .0). */
static struct ipnet route_dst(const struct ipnet *dst)
{
	struct ipnet n = *dst;

	for (int i = 0; i < ipaddr_len(n.addr.family); i++) {
		int keep = n.plen - i * 8;
		if (keep <= 0)
			n.addr.a[i] = 0;
		else if (keep < 8)
			n.addr.a[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return n;
}

/* An rtnl_route for r: for_add selects the defaults of an add (protocol boot, guessed scope)
 * over those of a delete (match any protocol and scope). */
static struct rtnl_route *route_template(const struct cnet_route *r, bool for_add)
{
	struct ipnet dst = route_dst(&r->dst);
	cleanup_route struct rtnl_route *rt = rtnl_route_alloc();
	cleanup_nladdr struct nl_addr *d = nladdr_from(&dst.addr, dst.plen);
	cleanup_nladdr struct nl_addr *gw = r->gw.family ? nladdr_from(&r->gw, 0) : NULL;
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

	if (!rt || !d || (r->gw.family && !gw) || !nh) {
		if (nh)
			rtnl_route_nh_free(nh);
		return NULL;
	}
	if (r->ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, r->ifindex);
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(rt, nh); /* rt owns nh now */
	rtnl_route_set_family(rt, (uint8_t)dst.addr.family);
	if (rtnl_route_set_dst(rt, d) < 0)
		return NULL;
	rtnl_route_set_table(rt, r->table ? r->table : RT_TABLE_MAIN);
	if (r->priority)
		rtnl_route_set_priority(rt, r->priority);
	if (r->mtu)
		rtnl_route_set_metric(rt, RTAX_MTU, r->mtu);
	if (r->advmss)
		rtnl_route_set_metric(rt, RTAX_ADVMSS, r->advmss);
	if (r->scope >= 0)
		rtnl_route_set_scope(rt, (uint8_t)r->scope);
	else if (for_add)
		rtnl_route_set_scope(rt, r->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	else
		rtnl_route_set_scope(rt, RT_SCOPE_NOWHERE);
	rtnl_route_set_protocol(rt, for_add ? RTPROT_BOOT : RTPROT_UNSPEC);
	return TAKE_PTR(rt);
}

static const char *fmt_route(const struct cnet_route *r, char *buf, size_t size)
{
	char dst[IPNET_STRLEN], gw[IPADDR_STRLEN];
	struct ipnet d = route_dst(&r->dst);

	if (r->gw.family && inet_ntop(r->gw.family, r->gw.a, gw, sizeof(gw)))
		snprintf(buf, size, "%s via %s", fmt_ipnet(&d, dst), gw);
	else
		snprintf(buf, size, "%s", fmt_ipnet(&d, dst));
	if (r->ifindex > 0) {
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, " dev %d", r->ifindex);
	}
	return buf;
}

static int route_change(struct cnet_nl *nl, const struct cnet_route *r, bool add,
			struct cnet_err *err)
{
	const char *op = add ? "add" : "delete";

	if (!ipnet_valid(&r->dst) ||
	    (r->gw.family && r->gw.family != r->dst.addr.family))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, EINVAL,
				    "%s route: bad destination or gateway family", op);
	cleanup_route struct rtnl_route *rt = route_template(r, add);
	int ret = -ENOMEM;

	if (rt)
		ret = cnetnl_errno(nl, add ? rtnl_route_add(nl->sk, rt, NLM_F_EXCL)
				       : rtnl_route_delete(nl->sk, rt, 0));
	if (ret < 0) {
		char buf[IPNET_STRLEN + IPADDR_STRLEN + 32];
		return cnetnl_fail(nl, ret, err, "%s route %s", op, fmt_route(r, buf, sizeof(buf)));
	}
	return 0;
}

int cnet_nl_route_add(struct cnet_nl *nl, const struct cnet_route *r, struct cnet_err *err)
{
	return route_change(nl, r, true, err);
}

int cnet_nl_route_del(struct cnet_nl *nl, const struct cnet_route *r, struct cnet_err *err)
{
	return route_change(nl, r, false, err);
}

/* Convert rt if it is a plain unicast route of the main table (via ifindex when > 0). */
static bool route_from(struct rtnl_route *rt, int ifindex, struct cnet_route *out)
{
	int fam = rtnl_route_get_family(rt);
	struct rtnl_nexthop *nh = NULL;
	uint32_t val;

	if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST ||
	    (rtnl_route_get_flags(rt) & RTM_F_CLONED) || (fam != AF_INET && fam != AF_INET6))
		return false;
	/* Multipath: report the first hop (the first one via ifindex when filtering). */
	for (int i = 0; i < rtnl_route_get_nnexthops(rt) && !nh; i++) {
		struct rtnl_nexthop *h = rtnl_route_nexthop_n(rt, i);
		if (ifindex <= 0 || rtnl_route_nh_get_ifindex(h) == ifindex)
			nh = h;
	}
	if (!nh && ifindex > 0)
		return false;
	memset(out, 0, sizeof(*out));
	ipaddr_from(rtnl_route_get_dst(rt), fam, &out->dst.addr);
	out->dst.plen = (int)nl_addr_get_prefixlen(rtnl_route_get_dst(rt));
	if (nh) {
		struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
		if (gw && nl_addr_get_len(gw))
			ipaddr_from(gw, fam, &out->gw);
		out->ifindex = rtnl_route_nh_get_ifindex(nh);
	}
	out->table = rtnl_route_get_table(rt);
	out->priority = rtnl_route_get_priority(rt);
	if (rtnl_route_get_metric(rt, RTAX_MTU, &val) == 0)
		out->mtu = val;
	if (rtnl_route_get_metric(rt, RTAX_ADVMSS, &val) == 0)
		out->advmss = val;
	out->scope = rtnl_route_get_scope(rt);
	return true;
}

int cnet_nl_route_list(struct cnet_nl *nl, int family, int ifindex, struct cnet_route **out,
		       size_t *n, struct cnet_err *err)
{
	cleanup_cache struct nl_cache *cache = NULL;
	int ret = cnetnl_errno(nl, rtnl_route_alloc_cache(nl->sk, family, 0, &cache));

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list routes");
	int total = nl_cache_nitems(cache);
	cleanup_free struct cnet_route *v = calloc(total > 0 ? (size_t)total : 1, sizeof(*v));
	size_t count = 0;

	if (!v)
		return cnetnl_fail(nl, -ENOMEM, err, "list routes");
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		if ((int)count < total && route_from((struct rtnl_route *)o, ifindex, &v[count]))
			count++;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}
