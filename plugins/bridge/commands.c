// SPDX-License-Identifier: Apache-2.0
/*
 * bridge's commands: a veth pair from the container to a Linux bridge on the host, addresses
 * from the IPAM plugin. The reference plugin's keys and result shape: interfaces = [bridge,
 * host veth, container veth], every ips[].interface = 2. Other plugins built on a bridge
 * (vxlan) run the same commands with their hooks (br_cmd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_cmd.h"
#include "br_conf.h"
#include "cleanup.h"
#include "cni.h"
#include "iface.h"
#include "ipam.h"
#include "log.h"
#include "masq.h"
#include "nl.h"
#include "port.h"
#include "spoofchk.h"
#include "undo.h"

#define RES_BRIDGE 0
#define RES_HOST 1
#define RES_CONTAINER 2

struct br_add {
	const struct cni_args *a;
	const struct br_hooks *h;
	struct br_conf c;
	struct cnet_nl *host, *cont;
	struct cnet_link br, host_veth, cont_veth, vlan_gw;
	struct cni_result *ipam;
	struct ipam_lease lease;
	struct undo undo;
};

static void undo_veth(void *ctx)
{
	struct br_add *x = ctx;
	struct cnet_err e;
	if (cnet_nl_link_del(x->host, x->host_veth.ifindex, &e) < 0 && e.msg[0])
		cnet_log_warn("rollback: %s", e.msg);
}

static void undo_masq(void *ctx)
{
	struct br_add *x = ctx;
	struct cnet_err e;
	if (br_masq_del(x->a, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

static void undo_spoofchk(void *ctx)
{
	struct br_add *x = ctx;
	struct cnet_err e;
	if (br_spoofchk_del(x->a, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

/* The config, with the hooks' default bridge name when the config names none. */
static int parse_conf(const struct cni_args *a, const struct br_hooks *h, struct br_conf *c,
		      struct cnet_err *err)
{
	int r = br_conf_parse(a->config, a->cni_args, c, err);
	if (r >= 0 && h && h->default_bridge && !json_object_get(a->config, "bridge"))
		c->bridge = h->default_bridge;
	return r;
}

/* veth<8 hex>, as the reference names host ends; retried on the rare collision. */
static int create_veth(struct br_add *x, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	for (int attempt = 0; attempt < 8; attempt++) {
		char name[IF_NAMESIZE];
		int r = br_veth_name(name, err);
		if (r < 0)
			return r;
		r = cnet_nl_veth_create(x->host, name, a->ifname, a->netns_fd, x->c.mtu,
					    x->c.has_mac ? x->c.mac : NULL, err);
		if (r == -EEXIST && cnet_nl_link_get(x->cont, a->ifname, &x->cont_veth, NULL) == 0)
			return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
					    "container interface \"%s\" already exists", a->ifname);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return r;
		r = cnet_nl_link_get(x->host, name, &x->host_veth, err);
		if (r >= 0)
			undo_push(&x->undo, undo_veth, x, "delete host veth");
		if (r >= 0)
			r = cnet_nl_link_get(x->cont, a->ifname, &x->cont_veth, err);
		return r;
	}
	return cnet_err_set(err, CNET_ERR_KERNEL, EEXIST, "create veth: no free host name");
}

/* The reference's calcGateways: gateways default to the subnet's first host, and with
 * isDefaultGateway a default route is added unless IPAM gave one. */
static int calc_gateways(struct br_add *x, struct cnet_err *err)
{
	struct cni_result *res = x->ipam;
	bool have_default[2] = { false, false };
	for (size_t i = 0; i < res->n_routes; i++)
		if (res->routes[i].dst.plen == 0)
			have_default[res->routes[i].dst.addr.family == AF_INET6] = true;
	bool added[2] = { false, false };
	for (size_t i = 0; i < res->n_ips; i++) {
		struct cni_ip *ip = &res->ips[i];
		int v6 = ip->address.addr.family == AF_INET6;
		ip->interface = RES_CONTAINER;
		if (!ip->gateway.family && x->c.is_gateway) {
			struct ipnet net = ipnet_network(&ip->address);
			ipaddr_add(&net.addr, 1, &ip->gateway);
		}
		if (!x->c.is_default_gateway || have_default[v6] || added[v6] || !ip->gateway.family)
			continue;
		struct cni_route rt = { .table = -1, .scope = -1 };
		rt.dst.addr.family = ip->address.addr.family;
		rt.gw = ip->gateway;
		int r = cni_result_add_route(res, &rt, err);
		if (r < 0)
			return r;
		added[v6] = true;
	}
	return 0;
}

static int setup_container(struct br_add *x, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	if (x->c.disable_container_iface)
		return 0;
	if (!x->ipam)   /* layer 2 only: just bring it up */
		return cnet_nl_link_set_up(x->cont, x->cont_veth.ifindex, true, err);
	struct iface_opts o = { .enable_dad = x->c.enable_dad, .arp_notify = true };
	return iface_configure(x->cont, a->netns_fd, a->ifname, x->ipam, RES_CONTAINER, &o, err);
}

/* macspoofchk: right after the port is set up and before IPAM, as the reference; the
 * container end is still down, so it has sent nothing yet. */
static int add_spoofchk(struct br_add *x, struct cnet_err *err)
{
	if (!x->c.mac_spoof_chk)
		return 0;
	int r = br_spoofchk_add(x->a, x->host_veth.name, x->cont_veth.mac, err);
	if (r >= 0)   /* one transaction: when it failed, nothing of it is there to undo */
		undo_push(&x->undo, undo_spoofchk, x, "macspoofchk elements");
	return r;
}

static int run_ipam(struct br_add *x, struct cnet_err *err)
{
	if (!x->c.ipam_type)
		return 0;
	int r = ipam_add(&x->lease, x->a, x->c.ipam_type, RES_CONTAINER, &x->undo, &x->ipam, err);
	return r < 0 ? r : calc_gateways(x, err);
}

static int build_result(struct br_add *x, struct cni_result **out, struct cnet_err *err)
{
	struct cni_result *res cleanup_result = x->ipam ? TAKE_PTR(x->ipam) :
							  cni_result_new(x->a->version);
	struct cni_result *ifs cleanup_result = cni_result_new(x->a->version);
	/* the interfaces go first, in the reference's order */
	cni_result_add_iface(ifs, x->br.name, x->br.mac, NULL, err);
	cni_result_add_iface(ifs, x->host_veth.name, x->host_veth.mac, NULL, err);
	cni_result_add_iface(ifs, x->a->ifname, x->cont_veth.mac, x->a->netns, err);
	if (x->vlan_gw.ifindex)
		cni_result_add_iface(ifs, x->vlan_gw.name, x->vlan_gw.mac, NULL, err);
	memcpy(res->interfaces, ifs->interfaces, sizeof(ifs->interfaces));
	res->n_interfaces = ifs->n_interfaces;
	snprintf(res->cni_version, sizeof(res->cni_version), "%s", x->a->version);
	if (!cni_dns_is_empty(&x->c.dns))
		cni_result_set_dns(res, &x->c.dns);
	*out = TAKE_PTR(res);
	return 0;
}

static int do_add(struct br_add *x, struct cni_result **out, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	bool vlan_filtering = x->c.vlan || x->c.n_trunks;
	int r = cnet_nl_open(&x->host, -1, err);
	if (r >= 0)
		r = cnet_nl_open(&x->cont, a->netns_fd, err);
	if (r >= 0 && cnet_nl_link_get(x->cont, a->ifname, &x->cont_veth, NULL) == 0)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "container interface \"%s\" already exists in %s", a->ifname,
				    a->netns);
	if (r >= 0 && x->h && x->h->before_bridge)
		r = x->h->before_bridge(x->host, &x->c, x->h->ctx, err);
	if (r >= 0)
		r = br_ensure(x->host, &x->c, vlan_filtering, &x->br, err);
	if (r >= 0 && x->h && x->h->after_bridge)
		r = x->h->after_bridge(x->host, &x->c, &x->br, x->h->ctx, err);
	if (r >= 0)
		r = create_veth(x, err);
	if (r >= 0)
		r = br_port_setup(x->host, &x->c, &x->br, &x->host_veth, err);
	if (r >= 0)
		r = add_spoofchk(x, err);
	if (r >= 0)
		r = run_ipam(x, err);
	if (r >= 0)
		r = setup_container(x, err);
	if (r >= 0 && x->ipam && x->c.is_gateway)
		r = br_gateway_setup(x->host, &x->c, &x->br, x->ipam, &x->vlan_gw, err);
	if (r >= 0 && x->ipam && x->c.ip_masq) {
		undo_push(&x->undo, undo_masq, x, "ipMasq elements");
		r = br_masq_add(a, x->ipam, err);
	}
	if (r >= 0)   /* the bridge's MAC may have changed when the port joined */
		r = cnet_nl_link_get_by_index(x->host, x->br.ifindex, &x->br, err);
	if (r >= 0)
		r = build_result(x, out, err);
	return r;
}

int br_cmd_add(const struct cni_args *a, const struct br_hooks *h, struct cni_result **out,
	       struct cnet_err *err)
{
	struct br_add x = { .a = a, .h = h, .undo = UNDO_INIT };
	int r = parse_conf(a, h, &x.c, err);
	if (r >= 0)
		r = do_add(&x, out, err);
	if (r < 0)
		undo_run(&x.undo);
	else
		undo_drop(&x.undo);
	cni_result_free(x.ipam);
	cni_dns_clear(&x.c.dns);
	if (x.host)
		cnet_nl_close(x.host);
	if (x.cont)
		cnet_nl_close(x.cont);
	return r;
}

/* DEL: the link first, then the lease, as the reference; both tolerate being gone. */
int br_cmd_del(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err)
{
	struct br_conf c;
	int r = parse_conf(a, h, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	/* Best effort, as the spec asks: every step runs even when an earlier one failed (a
	 * failed masquerade cleanup must not keep the lease), and the first failure is reported. */
	struct cnet_err step_err[4] = { { 0 } };
	int rs[4] = { 0, 0, 0, 0 };
	rs[0] = iface_del(a->netns_fd, a->ifname, "veth", &step_err[0]);   /* and its host peer */
	/* found by owner: these work with the namespace gone, too */
	if (c.ip_masq)
		rs[1] = br_masq_del(a, &step_err[1]);
	if (c.mac_spoof_chk)
		rs[2] = br_spoofchk_del(a, &step_err[2]);
	if (c.ipam_type)
		rs[3] = ipam_exec(a, c.ipam_type, "DEL", NULL, &step_err[3]);
	for (int i = 0; i < 4; i++)
		if (rs[i] < 0) {
			*err = step_err[i];
			return rs[i];
		}
	return 0;
}

/* The elements must name the container end's host peer and its MAC as they are now (br_check
 * has compared that MAC with prevResult's). */
static int check_spoofchk(const struct cni_args *a, struct cnet_err *err)
{
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_nl *host cleanup_nl = NULL;
	struct cnet_link link = { 0 }, peer;
	int r = cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(cont, a->ifname, &link, err);
	if (r >= 0)
		r = cnet_nl_open(&host, -1, err);
	if (r >= 0)
		r = cnet_nl_link_get_by_index(host, link.peer, &peer, err);
	if (r >= 0)
		r = br_spoofchk_check(a, peer.name, link.mac, err);
	return r;
}

int br_cmd_check(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err)
{
	struct br_conf c;
	int r = parse_conf(a, h, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: required for CHECK");
	if (c.ipam_type) {
		r = ipam_exec(a, c.ipam_type, "CHECK", NULL, err);
		if (r < 0)
			return r;
	}
	r = br_check(a, &c, err);
	if (r >= 0 && c.mac_spoof_chk)
		r = check_spoofchk(a, err);
	if (r >= 0 && h && h->check) {
		struct cnet_nl *host cleanup_nl = NULL;
		r = cnet_nl_open(&host, -1, err);
		if (r >= 0)
			r = h->check(host, &c, h->ctx, err);
	}
	return r;
}

int br_cmd_gc(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err)
{
	struct br_conf c;
	int r = parse_conf(a, h, &c, err);
	cni_dns_clear(&c.dns);
	if (r >= 0 && c.ip_masq)
		r = br_masq_gc(a, err);
	if (r >= 0 && c.mac_spoof_chk)
		r = br_spoofchk_gc(a, err);
	if (r >= 0 && c.ipam_type)
		r = ipam_exec(a, c.ipam_type, "GC", NULL, err);
	return r;
}
