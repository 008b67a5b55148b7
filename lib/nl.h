/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rtnetlink through libnl-route-3: links, addresses, routes, bridge ports.
 *
 * libnl stays inside lib/nl*.c: callers never see a libnl type. A struct cnet_nl is a
 * rtnetlink socket bound to one network namespace (opened inside it), so a plugin can talk
 * to the host and to the container at once without switching namespaces back and forth.
 *
 * Errors: negative errno (libnl's -NLE_* codes are mapped to errno at this boundary), and
 * err filled with CNET_ERR_KERNEL and a message naming the object, e.g.
 * `create veth "veth3f2a01bc": File exists`.
 */
#ifndef CNET_NL_H
#define CNET_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "err.h"
#include "ipaddr.h"

struct cnet_nl;

/* Open a rtnetlink socket inside netns_fd (or the current namespace when netns_fd < 0). */
int cnet_nl_open(struct cnet_nl **out, int netns_fd, struct cnet_err *err);
void cnet_nl_close(struct cnet_nl *nl);
static inline void cnet_nl_closep(struct cnet_nl **nl)
{
	if (*nl)
		cnet_nl_close(*nl);
}
#define cleanup_nl __attribute__((cleanup(cnet_nl_closep)))

struct cnet_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];        /* "veth", "bridge", "macvlan", ... ("" when not a typed link) */
	uint8_t mac[6];
	unsigned mtu;
	unsigned txqlen;      /* transmit queue length */
	int master;           /* ifindex of the master (bridge), 0 if none */
	int peer;             /* IFLA_LINK: a veth's peer ifindex (in the peer's namespace), 0 if none */
	bool up;              /* IFF_UP */
	bool promisc;         /* IFF_PROMISC */
	bool allmulti;        /* IFF_ALLMULTI */
};

/* Look one link up by name / index. -ENODEV (err untouched) when it does not exist. */
int cnet_nl_link_get(struct cnet_nl *nl, const char *name, struct cnet_link *out,
		     struct cnet_err *err);
int cnet_nl_link_get_by_index(struct cnet_nl *nl, int ifindex, struct cnet_link *out,
			      struct cnet_err *err);
/* Call fn for every link of the namespace with its alias ("" when none). One dump: for GC,
 * not for a per-container path. */
int cnet_nl_link_foreach(struct cnet_nl *nl,
			 void (*fn)(const struct cnet_link *l, const char *alias, void *arg),
			 void *arg, struct cnet_err *err);

/*
 * Ensure a bridge called name exists and is up: create it if missing (losing a creation race
 * to another process is fine), fail with -EEXIST if a link of that name is not a bridge.
 * mtu 0 = kernel default (only applied on creation). vlan_filtering is set when true.
 */
int cnet_nl_bridge_ensure(struct cnet_nl *nl, const char *name, unsigned mtu, bool vlan_filtering,
			  struct cnet_link *out, struct cnet_err *err);

/*
 * Create a veth pair in one request: host_name in nl's namespace and peer_name born directly
 * inside peer_netns_fd. mtu 0 = default; peer_mac NULL = random. Both ends stay down.
 * -EEXIST when either name is taken.
 */
int cnet_nl_veth_create(struct cnet_nl *nl, const char *host_name, const char *peer_name,
			int peer_netns_fd, unsigned mtu, const uint8_t *peer_mac,
			struct cnet_err *err);

int cnet_nl_link_set_up(struct cnet_nl *nl, int ifindex, bool up, struct cnet_err *err);
/* Enslave link ifindex to bridge as a pure layer-2 port: no IPv6 link-local address on it
 * (see nl.c); call before the link is up. */
int cnet_nl_bridge_port_add(struct cnet_nl *nl, int ifindex, int bridge, struct cnet_err *err);
int cnet_nl_link_set_master(struct cnet_nl *nl, int ifindex, int master, struct cnet_err *err);
int cnet_nl_link_set_promisc(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err);
int cnet_nl_link_set_allmulti(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err);
int cnet_nl_link_set_mtu(struct cnet_nl *nl, int ifindex, unsigned mtu, struct cnet_err *err);
/* An IPV4_DEVCONF_* value (linux/ip.h) of the link, as net/ipv4/conf/<if>/<name> sets it. */
int cnet_nl_link_set_inet_conf(struct cnet_nl *nl, int ifindex, int id, uint32_t value,
			       struct cnet_err *err);
int cnet_nl_link_set_txqlen(struct cnet_nl *nl, int ifindex, unsigned txqlen,
			    struct cnet_err *err);
int cnet_nl_link_set_mac(struct cnet_nl *nl, int ifindex, const uint8_t mac[6],
			 struct cnet_err *err);
/* Delete a link. -ENODEV (err untouched) when it is already gone. */
int cnet_nl_link_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err);

/* Bridge port flags on a port (a link enslaved to a bridge). */
int cnet_nl_bridge_port_set_hairpin(struct cnet_nl *nl, int ifindex, bool on, struct cnet_err *err);
int cnet_nl_bridge_port_set_isolated(struct cnet_nl *nl, int ifindex, bool on,
				     struct cnet_err *err);

/* Bridge VLANs on a port (or on the bridge itself with self=true): vid..vid_end inclusive. */
int cnet_nl_bridge_vlan_add(struct cnet_nl *nl, int ifindex, uint16_t vid, uint16_t vid_end,
			    bool pvid, bool untagged, bool self, struct cnet_err *err);
int cnet_nl_bridge_vlan_del(struct cnet_nl *nl, int ifindex, uint16_t vid, uint16_t vid_end,
			    bool self, struct cnet_err *err);

#define CNET_ADDR_NODAD 0x1   /* IFA_F_NODAD: skip IPv6 duplicate address detection */

/* Add addr (host bits kept, e.g. 10.1.0.5/24) to ifindex. -EEXIST (err filled) if present. */
int cnet_nl_addr_add(struct cnet_nl *nl, int ifindex, const struct ipnet *addr, unsigned flags,
		     struct cnet_err *err);
/* Delete; -EADDRNOTAVAIL (err untouched) when absent. */
int cnet_nl_addr_del(struct cnet_nl *nl, int ifindex, const struct ipnet *addr,
		     struct cnet_err *err);
/* The addresses of ifindex of family (AF_UNSPEC = both), global and link scope alike.
 * *out is malloc'd (free it), *n its length. */
int cnet_nl_addr_list(struct cnet_nl *nl, int ifindex, int family, struct ipnet **out, size_t *n,
		      struct cnet_err *err);

/* Count the link's global IPv6 addresses still in duplicate address detection (tentative) and
 * those whose DAD failed. */
int cnet_nl_addr_dad_state(struct cnet_nl *nl, int ifindex, int *tentative, int *failed,
			   struct cnet_err *err);

struct cnet_route {
	struct ipnet dst;     /* family in dst.addr.family; 0.0.0.0/0 for a default route */
	struct ipaddr gw;     /* family 0 = no gateway (a link route) */
	int ifindex;          /* 0 = let the kernel choose from gw */
	unsigned table;       /* 0 = main */
	unsigned priority;    /* metric; 0 = kernel default */
	unsigned mtu;         /* RTAX_MTU, 0 = none */
	unsigned advmss;      /* RTAX_ADVMSS, 0 = none */
	int scope;            /* -1 = kernel default (universe with gw, link without), else RT_SCOPE_* */
};

/* Add a route (NLM_F_EXCL): -EEXIST (err filled) when an identical one exists. */
int cnet_nl_route_add(struct cnet_nl *nl, const struct cnet_route *r, struct cnet_err *err);
int cnet_nl_route_del(struct cnet_nl *nl, const struct cnet_route *r, struct cnet_err *err);
/* Routes of family in the main table (and, when ifindex > 0, only via that link). */
int cnet_nl_route_list(struct cnet_nl *nl, int family, int ifindex, struct cnet_route **out,
		       size_t *n, struct cnet_err *err);

/* ---- macvlan (lib/nl_macvlan.c) ----------------------------------------------------------- */

/* IFLA_MACVLAN_MODE values (the kernel's MACVLAN_MODE_*). */
#define CNET_MACVLAN_PRIVATE 1u
#define CNET_MACVLAN_VEPA 2u
#define CNET_MACVLAN_BRIDGE 4u
#define CNET_MACVLAN_PASSTHRU 8u

struct cnet_macvlan {
	const char *name;      /* the new link's name, in netns_fd */
	int master;            /* ifindex of the parent, in nl's namespace */
	int netns_fd;          /* the namespace the link is born in; -1 = nl's own */
	uint32_t mode;         /* CNET_MACVLAN_* */
	unsigned mtu;          /* 0 = the master's */
	const uint8_t *mac;    /* NULL = random (passthru: the master's) */
	uint32_t bcqueuelen;   /* broadcast queue length, 0 = the kernel's default */
};

/*
 * Create a macvlan on m->master in one RTM_NEWLINK (NLM_F_EXCL): IFLA_LINK resolves in nl's
 * namespace, IFLA_NET_NS_FD puts the new link straight into m->netns_fd under m->name, so
 * only that namespace's names matter. The link stays down. -EEXIST when the name is taken.
 */
int cnet_nl_macvlan_create(struct cnet_nl *nl, const struct cnet_macvlan *m, struct cnet_err *err);
/* The mode of macvlan ifindex. -ENODEV (err untouched) when absent, -EMEDIUMTYPE (err
 * untouched) when the link is not a macvlan. */
int cnet_nl_macvlan_get_mode(struct cnet_nl *nl, int ifindex, uint32_t *mode,
			     struct cnet_err *err);

/* ---- moving links between namespaces (lib/nl_move.c) -------------------------------------- */

#define CNET_IFALIAS_MAX 256   /* the kernel's IFALIASZ, NUL included */

/*
 * Move link ifindex of nl's namespace into netns_fd in one RTM_NEWLINK (IFLA_NET_NS_FD, plus
 * IFLA_IFNAME when new_name is set, IFLA_IFALIAS when alias is: "" clears it). The kernel
 * moves the link (it goes down, its addresses and routes are dropped) and then renames it in
 * the target: -EEXIST before anything changed when both its name and new_name are taken
 * there, but a failed rename leaves it moved under its old name, so check new_name is free
 * first and look for the link in both namespaces after a failure.
 */
int cnet_nl_link_move(struct cnet_nl *nl, int ifindex, int netns_fd, const char *new_name,
		      const char *alias, struct cnet_err *err);
/* Rename link ifindex (it must be down). -EEXIST when the name is taken. */
int cnet_nl_link_set_name(struct cnet_nl *nl, int ifindex, const char *name,
			  struct cnet_err *err);
/* Set the link's alias (IFLA_IFALIAS); "" clears it. */
int cnet_nl_link_set_alias(struct cnet_nl *nl, int ifindex, const char *alias,
			   struct cnet_err *err);
/* The link's alias into buf ("" when none). -ENODEV (err untouched) when the link is absent. */
int cnet_nl_link_get_alias(struct cnet_nl *nl, int ifindex, char *buf, size_t len,
			   struct cnet_err *err);

/* ---- traffic control (lib/nl_tc.c) ---------------------------------------------------------- */

/* A token bucket as the reference bandwidth plugin computes it (25 ms of latency): rate and
 * burst in bits, the kernel's tc_tbf_qopt values in bytes and ticks. */
struct cnet_tbf {
	uint64_t rate;      /* bytes/s */
	uint32_t limit;     /* bytes: rate * 25 ms + burst */
	uint32_t buffer;    /* ticks: the burst's time at rate */
};
/* rate_bits/s and burst_bits into the kernel's parameters; tick_in_usec from
 * cnet_tc_tick_in_usec(). Pure. */
void cnet_tbf_params(uint64_t rate_bits, uint64_t burst_bits, double tick_in_usec,
		     struct cnet_tbf *out);
/* Scheduler ticks per microsecond, from /proc/net/psched (as tc and the reference read it). */
double cnet_tc_tick_in_usec(void);

/* `tc qdisc add dev IFINDEX root handle 1: tbf` with t's parameters. */
int cnet_nl_tbf_add(struct cnet_nl *nl, int ifindex, const struct cnet_tbf *t, struct cnet_err *err);
/* The root tbf of ifindex into t. -ENOENT (err untouched) when the root qdisc is not a tbf. */
int cnet_nl_tbf_get(struct cnet_nl *nl, int ifindex, struct cnet_tbf *t, struct cnet_err *err);
/* Delete the root qdisc / the ingress qdisc of ifindex (and with it its filters); absent is
 * success. */
int cnet_nl_qdisc_root_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err);
int cnet_nl_qdisc_ingress_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err);
/* `tc qdisc add dev IFINDEX ingress` and `tc filter add dev IFINDEX parent ffff: protocol all
 * prio 1 u32 match u32 0 0 flowid 1:1 action mirred egress redirect dev TO`. */
int cnet_nl_ingress_redirect_add(struct cnet_nl *nl, int ifindex, int to_ifindex,
				 struct cnet_err *err);
/* The ifindex the ingress u32 filter of ifindex redirects to: 0 when there is none. */
int cnet_nl_ingress_redirect_get(struct cnet_nl *nl, int ifindex, int *to_ifindex,
				 struct cnet_err *err);
/* Create an ifb link called name with mtu, up. -EEXIST (err untouched) when taken. */
int cnet_nl_ifb_create(struct cnet_nl *nl, const char *name, unsigned mtu, struct cnet_err *err);

/* ---- VXLAN (lib/nl_vxlan.c) --------------------------------------------------------------- */

struct cnet_vxlan {
	const char *name;
	uint32_t vni;          /* 1..16777215 */
	uint16_t port;         /* UDP destination port */
	struct ipaddr local;   /* source address on the underlay; family 0 = the kernel's choice */
	int link;              /* underlay ifindex (IFLA_VXLAN_LINK), 0 = none */
	bool learning;
	unsigned mtu;          /* 0 = the kernel's: the underlay's MTU minus the encapsulation */
};

/* Create the VXLAN link v (down). -EEXIST (err untouched) when the name is taken. */
int cnet_nl_vxlan_create(struct cnet_nl *nl, const struct cnet_vxlan *v, struct cnet_err *err);
/* VNI and UDP port of link ifindex. -ENODEV (err untouched) when absent, -EMEDIUMTYPE (err
 * untouched) when it is not a VXLAN link. */
int cnet_nl_vxlan_get(struct cnet_nl *nl, int ifindex, uint32_t *vni, uint16_t *port,
		      struct cnet_err *err);
/* Append the all-zeros FDB entry "00:00:00:00:00:00 dst <dst> self permanent" to VXLAN link
 * ifindex (flood broadcast and unknown destinations to dst, as `bridge fdb append`); present
 * already is success. */
int cnet_nl_vxlan_flood_add(struct cnet_nl *nl, int ifindex, const struct ipaddr *dst,
			    struct cnet_err *err);

#endif
