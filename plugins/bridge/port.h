/* SPDX-License-Identifier: Apache-2.0 */
/* bridge: the host side — the bridge itself, its ports, its gateway addresses, CHECK. */
#ifndef BRIDGE_PORT_H
#define BRIDGE_PORT_H

#include "br_conf.h"
#include "cni.h"
#include "nl.h"

/* A random host-side veth name, "veth" + 8 hex digits as the reference names them. */
int br_veth_name(char name[IF_NAMESIZE], struct cnet_err *err);

int br_ensure(struct cnet_nl *host, const struct br_conf *c, bool vlan_filtering,
	      struct cnet_link *br, struct cnet_err *err);
/* Enslave the host veth, set hairpin / isolation / VLANs, bring it up. */
int br_port_setup(struct cnet_nl *host, const struct br_conf *c, const struct cnet_link *br,
		  const struct cnet_link *port, struct cnet_err *err);
/* isGateway: each address family's gateway on the bridge (or, with vlan, on the
 * "<bridge>.<vid>" interface, returned in vlan_gw; ifindex 0 otherwise), forwarding on. */
int br_gateway_setup(struct cnet_nl *host, const struct br_conf *c, const struct cnet_link *br,
		     const struct cni_result *res, struct cnet_link *vlan_gw,
		     struct cnet_err *err);
/* CHECK against prevResult: bridge, host veth, container veth, addresses, routes. */
int br_check(const struct cni_args *a, const struct br_conf *c, struct cnet_err *err);

#endif
