/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingressPolicy: isolation between networks, in cnet's own table `inet cnet`.
 *
 *	chain firewall-forward  (filter, forward, priority filter)
 *		ct status & dnat == 0  iifname @firewall-isolated  oifname @firewall-isolated
 *		iifname . oifname != @firewall-same-bridge  counter drop
 *
 * A network with ingressPolicy "same-bridge" puts its bridge B into firewall-isolated and
 * (B . B) into firewall-same-bridge: traffic from one isolated network to another is dropped,
 * traffic within a network and to or from the outside is not. "isolated" leaves (B . B) out and
 * sets the kernel's bridge-port isolation on the container's host-side port, so containers of
 * the network cannot reach each other either (only the gateway and the outside). Connections
 * to a published port (DNATed) are never dropped: publishing a port means "reachable", also
 * from the other networks of the host (netavark#709).
 *
 * The per-network elements live as long as the network has attachments: each attachment adds
 * a member element (B . tag), tag being a hash of its owner, commented with the owner; DEL and
 * GC remove members and then the network elements of every bridge that has none left.
 */
#ifndef FIREWALL_ISOLATION_H
#define FIREWALL_ISOLATION_H

#include "cni.h"
#include "fw_conf.h"
#include "nft.h"

int fw_iso_add(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
	       const char *owner, struct cnet_err *err);
int fw_iso_del(struct cnet_nft *nft, const char *owner, struct cnet_err *err);
int fw_iso_check(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
		 const char *owner, struct cnet_err *err);
int fw_iso_gc(struct cnet_nft *nft, const char *net, const struct cni_args *a,
	      struct cnet_err *err);

#endif
