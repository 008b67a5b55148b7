// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cleanup.h"
#include "iface.h"
#include "log.h"
#include "port.h"
#include "sysctl.h"

int br_veth_name(char name[IF_NAMESIZE], struct cnet_err *err)
{
	uint32_t rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno, "getrandom");
	snprintf(name, IF_NAMESIZE, "veth%08x", rnd);
	return 0;
}

int br_ensure(struct cnet_nl *host, const struct br_conf *c, bool vlan_filtering,
	      struct cnet_link *br, struct cnet_err *err)
{
	int r = cnet_nl_bridge_ensure(host, c->bridge, c->mtu, vlan_filtering, br, err);
	if (r == -EEXIST)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "bridge: \"%s\" exists and is not a bridge", c->bridge);
	if (r < 0)
		return r;
	if (c->promisc && !br->promisc) {
		r = cnet_nl_link_set_promisc(host, br->ifindex, true, err);
		if (r < 0)
			return r;
	}
	/* The bridge must not configure itself from router advertisements (reference). */
	char key[128];
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", c->bridge);
	sysctl_write(key, "0", NULL);
	return 0;
}

static int port_vlans(struct cnet_nl *host, const struct br_conf *c, int ifindex,
		      struct cnet_err *err)
{
	int r = 0;
	if (!c->vlan && !c->n_trunks)
		return 0;
	if (!c->preserve_default_vlan)
		r = cnet_nl_bridge_vlan_del(host, ifindex, 1, 1, false, err);
	if (r >= 0 && c->vlan)
		r = cnet_nl_bridge_vlan_add(host, ifindex, c->vlan, c->vlan, true, true, false, err);
	for (size_t i = 0; r >= 0 && i < c->n_trunks; i++)
		r = cnet_nl_bridge_vlan_add(host, ifindex, c->trunks[i].min, c->trunks[i].max,
					    false, false, false, err);
	return r;
}

int br_port_setup(struct cnet_nl *host, const struct br_conf *c, const struct cnet_link *br,
		  const struct cnet_link *port, struct cnet_err *err)
{
	int r = cnet_nl_bridge_port_add(host, port->ifindex, br->ifindex, err);
	if (r >= 0 && c->hairpin)
		r = cnet_nl_bridge_port_set_hairpin(host, port->ifindex, true, err);
	if (r >= 0 && c->port_isolation)
		r = cnet_nl_bridge_port_set_isolated(host, port->ifindex, true, err);
	if (r >= 0)
		r = port_vlans(host, c, port->ifindex, err);
	if (r >= 0)
		r = cnet_nl_link_set_up(host, port->ifindex, true, err);
	if (r >= 0) {   /* a bridge port takes no router advertisements (reference SetupVeth) */
		char key[128];
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", port->name);
		sysctl_write(key, "0", NULL);
	}
	return r;
}

/* The reference's ensureAddr: an equal address is fine; another IPv4 address, or an
 * overlapping IPv6 one, is replaced with forceAddress and refused without it. */
static int ensure_addr(struct cnet_nl *host, const struct br_conf *c, const struct cnet_link *br,
		       const struct ipnet *gw, struct cnet_err *err)
{
	cleanup_free struct ipnet *addrs = NULL;
	size_t n = 0;
	char want[IPNET_STRLEN], have[IPNET_STRLEN];
	int r = cnet_nl_addr_list(host, br->ifindex, gw->addr.family, &addrs, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct ipnet *a = &addrs[i];
		if (a->plen == gw->plen && ipaddr_equal(&a->addr, &gw->addr))
			return 0;
		bool clash = gw->addr.family == AF_INET || ipnet_contains(a, &gw->addr) ||
			     ipnet_contains(gw, &a->addr);
		if (!clash)
			continue;
		if (!c->force_address)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "bridge \"%s\" already has an IP address (%s) different "
					    "from %s (set forceAddress to replace it)", br->name,
					    ipnet_format(a, have), ipnet_format(gw, want));
		r = cnet_nl_addr_del(host, br->ifindex, a, err);
		if (r < 0 && r != -EADDRNOTAVAIL)
			return r;
	}
	r = cnet_nl_addr_add(host, br->ifindex, gw, CNET_ADDR_NODAD, err);
	return r == -EEXIST ? 0 : r;
}

/* With vlan and isGateway the gateway lives on "<bridge>.<vid>": one end of a veth pair in
 * the host whose other end is a port of the bridge, untagged in that VLAN (the reference's
 * ensureVlanInterface). Shared by every container of the VLAN, so never rolled back. */
static int ensure_vlan_gateway(struct cnet_nl *host, const struct br_conf *c,
			       const struct cnet_link *br, struct cnet_link *gw_link,
			       struct cnet_err *err)
{
	char name[32];
	if (snprintf(name, sizeof(name), "%s.%u", c->bridge, c->vlan) >= IF_NAMESIZE)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "vlan: gateway interface name \"%s\" is longer than 15 bytes",
				    name);
	int r = cnet_nl_link_get(host, name, gw_link, err);
	if (r != -ENODEV)
		return r;
	struct cnet_link port;
	char port_name[IF_NAMESIZE];
	r = br_veth_name(port_name, err);
	if (r >= 0)
		r = cnet_nl_veth_create(host, port_name, name, -1, br->mtu, NULL, err);
	if (r == -EEXIST)   /* another ADD made it meanwhile */
		return cnet_nl_link_get(host, name, gw_link, err);
	if (r >= 0)
		r = cnet_nl_link_get(host, port_name, &port, err);
	if (r >= 0)
		r = br_port_setup(host, c, br, &port, err);
	if (r >= 0)
		r = cnet_nl_link_get(host, name, gw_link, err);
	if (r >= 0)
		r = cnet_nl_link_set_up(host, gw_link->ifindex, true, err);
	return r;
}

int br_gateway_setup(struct cnet_nl *host, const struct br_conf *c, const struct cnet_link *br,
		     const struct cni_result *res, struct cnet_link *vlan_gw, struct cnet_err *err)
{
	bool done[2] = { false, false };
	const struct cnet_link *target = br;
	memset(vlan_gw, 0, sizeof(*vlan_gw));
	if (c->vlan) {
		int r = ensure_vlan_gateway(host, c, br, vlan_gw, err);
		if (r < 0)
			return r;
		target = vlan_gw;
	}
	for (size_t i = 0; i < res->n_ips; i++) {
		const struct cni_ip *ip = &res->ips[i];
		int v6 = ip->address.addr.family == AF_INET6;
		if (!ip->gateway.family)
			continue;
		struct ipnet gw = { ip->gateway, ip->address.plen };
		int r = ensure_addr(host, c, target, &gw, err);
		if (r < 0)
			return r;
		if (done[v6])
			continue;
		r = sysctl_ensure(v6 ? "net/ipv6/conf/all/forwarding" : "net/ipv4/ip_forward", "1",
				  err);
		if (r < 0)
			return r;
		done[v6] = true;
	}
	/* Pin the MAC (the one read before this ADD's port joined, as the reference): a bridge
	 * otherwise follows the lowest port MAC as ports come and go. */
	struct cnet_link now;
	if (!mac_is_zero(target->mac))
		return cnet_nl_link_set_mac(host, target->ifindex, target->mac, err);
	/* A bridge whose last port has left has no MAC: take the one it has now (plugins#620). */
	int r = cnet_nl_link_get_by_index(host, target->ifindex, &now, err);
	if (r >= 0 && !mac_is_zero(now.mac))
		r = cnet_nl_link_set_mac(host, target->ifindex, now.mac, err);
	return r;
}

static const struct cni_iface *find_iface(const struct cni_result *res, const char *name,
					  bool in_sandbox, int *idx)
{
	for (size_t i = 0; i < res->n_interfaces; i++)
		if (!strcmp(res->interfaces[i].name, name) &&
		    (bool)res->interfaces[i].sandbox[0] == in_sandbox) {
			*idx = (int)i;
			return &res->interfaces[i];
		}
	return NULL;
}

static int check_mac(const struct cni_iface *want, const struct cnet_link *have,
		     struct cnet_err *err)
{
	char mac[MAC_STRLEN];
	uint8_t w[6];
	if (!want->mac[0] || mac_parse(want->mac, w) < 0 || !memcmp(w, have->mac, 6))
		return 0;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "interface \"%s\" has MAC %s, prevResult says %s", have->name,
			    mac_format(have->mac, mac), want->mac);
}

static int check_host(const struct br_conf *c, const struct cni_result *prev,
		      const struct cnet_link *cont, struct cnet_err *err)
{
	struct cnet_nl *host cleanup_nl = NULL;
	struct cnet_link br, peer;
	int idx;
	int r = cnet_nl_open(&host, -1, err);
	if (r < 0)
		return r;
	r = cnet_nl_link_get(host, c->bridge, &br, err);
	if (r == -ENODEV || (r >= 0 && strcmp(br.kind, "bridge")))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "bridge \"%s\" is missing",
				    c->bridge);
	const struct cni_iface *want_br = find_iface(prev, c->bridge, false, &idx);
	/* Only a gateway bridge has a pinned MAC; otherwise it follows its lowest port. */
	if (r >= 0 && want_br && c->is_gateway)
		r = check_mac(want_br, &br, err);
	if (r >= 0 && c->promisc && !br.promisc)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "bridge \"%s\" is not in promiscuous mode", c->bridge);
	if (r >= 0)
		r = cnet_nl_link_get_by_index(host, cont->peer, &peer, err);
	if (r == -ENODEV || (r >= 0 && peer.master != br.ifindex))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "the host end of \"%s\" is not a port of bridge \"%s\"",
				    cont->name, c->bridge);
	return r;
}

int br_check(const struct cni_args *a, const struct br_conf *c, struct cnet_err *err)
{
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_link link;
	int idx = -1;
	const struct cni_iface *want = find_iface(a->prev, a->ifname, true, &idx);
	if (!want)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: no interface \"%s\" in a sandbox", a->ifname);
	int r = cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(cont, a->ifname, &link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in %s", a->ifname, a->netns);
	if (r >= 0 && strcmp(link.kind, "veth"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" is not a veth",
				    a->ifname);
	if (r >= 0)
		r = check_mac(want, &link, err);
	if (r >= 0)
		r = check_host(c, a->prev, &link, err);
	if (r >= 0 && !c->disable_container_iface)
		r = iface_check(cont, a->ifname, a->prev, idx, err);
	return r;
}
