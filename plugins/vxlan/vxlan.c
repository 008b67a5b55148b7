// SPDX-License-Identifier: Apache-2.0
/*
 * vxlan: the bridge plugin with a VXLAN uplink on the bridge, so that containers on several
 * hosts share one layer-2 segment. Per network and host: a VXLAN link "vxlan<vni>" (created
 * when missing, never removed by DEL: like the bridge, it is the network's, not a
 * container's), a port of the bridge, with one all-zeros FDB entry per peer host (broadcast
 * and unknown destinations are sent to every peer; known MACs are learned from what arrives).
 * Everything else - veth, IPAM, gateway, ipMasq, result - is the bridge plugin's (br_cmd.h).
 */
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "../bridge/br_cmd.h"
#include "../../ipam/host-local/host_local.h"
#include "cleanup.h"
#include "ipam.h"
#include "nl.h"
#include "vx_conf.h"

struct vx_state {
	struct vx_conf c;
	struct cnet_link link;   /* the VXLAN link, once ensured */
};

static int check_identity(const struct vx_conf *c, const struct cnet_link *link,
			  struct cnet_nl *host, int code, struct cnet_err *err)
{
	uint32_t vni = 0;
	uint16_t port = 0;
	int r = cnet_nl_vxlan_get(host, link->ifindex, &vni, &port, err);
	if (r == -EMEDIUMTYPE || r == -ENODEV)
		return cnet_err_set(err, code, 0, "\"%s\" exists and is not a VXLAN link (a %s)",
				    c->device, link->kind[0] ? link->kind : "device");
	if (r < 0)
		return r;
	if (vni != c->vni || port != c->port)
		return cnet_err_set(err, code, 0,
				    "\"%s\" exists with VNI %u and port %u; this network has VNI "
				    "%u and port %u", c->device, vni, port, c->vni, c->port);
	return 0;
}

static int underlay_family(const struct vx_conf *c)
{
	return c->local.family ? c->local.family : c->n_peers ? c->peers[0].family : AF_INET;
}

/* Before the bridge: the VXLAN link exists (its MTU is what the bridge and veths get when
 * the config sets none: the kernel derives it from the underlay, minus the encapsulation). */
static int before_bridge(struct cnet_nl *host, struct br_conf *bc, void *ctx, struct cnet_err *err)
{
	struct vx_state *s = ctx;
	const struct vx_conf *c = &s->c;
	struct cnet_vxlan v = { .name = c->device, .vni = c->vni, .port = c->port,
				.local = c->local, .learning = c->learning, .mtu = bc->mtu };
	if (c->dev) {
		struct cnet_link dev;
		int r = cnet_nl_link_get(host, c->dev, &dev, err);
		if (r == -ENODEV)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "dev: interface \"%s\" not found", c->dev);
		if (r < 0)
			return r;
		v.link = dev.ifindex;
	}
	if (!v.link && !v.mtu)   /* no underlay to derive it from: assume a 1500-byte one, as
				 * Docker's overlay does (the kernel would say 1500, and every
				 * full-size packet would be fragmented on the underlay) */
		v.mtu = underlay_family(c) == AF_INET6 ? 1500 - 70 : 1500 - 50;
	int r = cnet_nl_link_get(host, c->device, &s->link, err);
	if (r == -ENODEV) {
		r = cnet_nl_vxlan_create(host, &v, err);
		if (r == -EEXIST)   /* another ADD made it first: check it below */
			r = 0;
		if (r >= 0)
			r = cnet_nl_link_get(host, c->device, &s->link, err);
	}
	if (r >= 0)
		r = check_identity(c, &s->link, host, CNI_ERR_INVALID_CONFIG, err);
	if (r >= 0 && !bc->mtu)
		bc->mtu = s->link.mtu;
	return r;
}

/* Once the bridge is up: the VXLAN link is its port, up, and floods to every peer. */
static int after_bridge(struct cnet_nl *host, const struct br_conf *bc, const struct cnet_link *br,
			void *ctx, struct cnet_err *err)
{
	struct vx_state *s = ctx;
	int r = 0;
	if (s->link.master && s->link.master != br->ifindex)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "\"%s\" is a port of another bridge than \"%s\"", s->c.device,
				    bc->bridge);
	if (!s->link.master)
		r = cnet_nl_bridge_port_add(host, s->link.ifindex, br->ifindex, err);
	if (r >= 0 && !s->link.up)
		r = cnet_nl_link_set_up(host, s->link.ifindex, true, err);
	for (size_t i = 0; r >= 0 && i < s->c.n_peers; i++)
		r = cnet_nl_vxlan_flood_add(host, s->link.ifindex, &s->c.peers[i], err);
	return r;
}

static int check(struct cnet_nl *host, const struct br_conf *bc, void *ctx, struct cnet_err *err)
{
	struct vx_state *s = ctx;
	struct cnet_link br;
	int r = cnet_nl_link_get(host, s->c.device, &s->link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "VXLAN link \"%s\" not found",
				    s->c.device);
	if (r >= 0)
		r = check_identity(&s->c, &s->link, host, CNI_ERR_INVALID_CONFIG, err);
	if (r >= 0)
		r = cnet_nl_link_get(host, bc->bridge, &br, err);
	if (r >= 0 && s->link.master != br.ifindex)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "VXLAN link \"%s\" is not a port of \"%s\"", s->c.device,
				    bc->bridge);
	if (r >= 0 && !s->link.up)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "VXLAN link \"%s\" is down",
				    s->c.device);
	return r;
}

static struct vx_state state;

/* The hooks for this config; its own keys are parsed first, for every command. */
static int hooks_for(const struct cni_args *a, struct br_hooks *h, struct cnet_err *err)
{
	int r = vx_conf_parse(a->config, &state.c, err);
	*h = (struct br_hooks){ .default_bridge = state.c.bridge, .before_bridge = before_bridge,
				.after_bridge = after_bridge, .check = check, .ctx = &state };
	return r;
}

static int add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct br_hooks h;
	int r = hooks_for(a, &h, err);
	return r < 0 ? r : br_cmd_add(a, &h, out, err);
}

static int del(const struct cni_args *a, struct cnet_err *err)
{
	struct br_hooks h;
	int r = hooks_for(a, &h, err);
	return r < 0 ? r : br_cmd_del(a, &h, err);
}

static int check_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct br_hooks h;
	int r = hooks_for(a, &h, err);
	return r < 0 ? r : br_cmd_check(a, &h, err);
}

static int gc(const struct cni_args *a, struct cnet_err *err)
{
	struct br_hooks h;
	int r = hooks_for(a, &h, err);
	return r < 0 ? r : br_cmd_gc(a, &h, err);
}

static const struct cni_plugin vxlan_plugin = {
	.name = "vxlan",
	.about = "cnet vxlan: veth pairs on a bridge with a VXLAN uplink to other hosts",
	.add = add,
	.del = del,
	.check = check_cmd,
	.gc = gc,
	.status = ipam_status,
};

int main(int argc, char **argv)
{
	ipam_link(&host_local_plugin);   /* cnet's host-local, without an exec (lib/ipam.h) */
	return cni_main(&vxlan_plugin, argc, argv);
}
