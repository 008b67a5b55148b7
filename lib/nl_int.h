/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by lib/nl*.c only (never included elsewhere): the socket, the request and error path,
 * and cleanup shorthands for libnl objects. Link types with their own file (nl_macvlan.c,
 * nl_move.c ...) build their messages with libnl and send them through cnetnl_request() or
 * cnetnl_link_change(), so acknowledgements and errors take the one path nl.c uses.
 */
#ifndef CNET_NL_INT_H
#define CNET_NL_INT_H

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "nl.h"

struct cnet_nl {
	struct nl_sock *sk;
	int kerr;          /* errno of the kernel's NLMSG_ERROR for the last request, 0 if none */
	char ext_msg[256]; /* its extended-ack text, "" if none */
};

/* ---- cleanup shorthands for libnl objects (each put/free accepts only non-NULL here) ---- */

static inline void link_putp(struct rtnl_link **p)
{
	if (*p)
		rtnl_link_put(*p);
}
static inline void addr_putp(struct rtnl_addr **p)
{
	if (*p)
		rtnl_addr_put(*p);
}
static inline void route_putp(struct rtnl_route **p)
{
	if (*p)
		rtnl_route_put(*p);
}
static inline void nladdr_putp(struct nl_addr **p)
{
	if (*p)
		nl_addr_put(*p);
}
static inline void neigh_putp(struct rtnl_neigh **p)
{
	if (*p)
		rtnl_neigh_put(*p);
}
static inline void msg_freep(struct nl_msg **p)
{
	if (*p)
		nlmsg_free(*p);
}
static inline void cache_freep(struct nl_cache **p)
{
	if (*p)
		nl_cache_free(*p);
}
#define cleanup_link __attribute__((cleanup(link_putp)))
#define cleanup_addr __attribute__((cleanup(addr_putp)))
#define cleanup_route __attribute__((cleanup(route_putp)))
#define cleanup_nladdr __attribute__((cleanup(nladdr_putp)))
#define cleanup_neigh __attribute__((cleanup(neigh_putp)))
#define cleanup_msg __attribute__((cleanup(msg_freep)))
#define cleanup_cache __attribute__((cleanup(cache_freep)))

/* libnl's return value -> 0 or a negative errno (the kernel's own when it sent one). */
int cnetnl_errno(struct cnet_nl *nl, int ret);
/* err = "<what>: <strerror>[ (kernel: <ext-ack>)]", CNET_ERR_KERNEL; returns e. */
int cnetnl_fail(struct cnet_nl *nl, int e, struct cnet_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Send msg and wait for its ACK: 0 or a negative errno. */
int cnetnl_request(struct cnet_nl *nl, struct nl_msg *msg);
/* Apply the attributes set in chg to link ifindex: 0 or a negative errno. */
int cnetnl_link_change(struct cnet_nl *nl, int ifindex, struct rtnl_link *chg);
/* A valid interface name (1..15 bytes), else code 7 naming it. */
int cnetnl_check_ifname(const char *name, struct cnet_err *err);

#endif
