/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge macspoofchk: a container may send only with its own source MAC. Set elements in
 * cnet's table `bridge cnet`, one fixed rule whatever the number of containers:
 *
 *	chain macspoof  (filter, bridge prerouting, priority -300, policy accept)
 *		iifname @macspoof-ports iifname . ether saddr != @macspoof-allowed counter drop
 *
 * macspoof-ports (ifname) holds the host veth of every attachment with the check on,
 * macspoof-allowed (ifname . ether_addr) that veth with the container's MAC. A frame with
 * another source MAC is dropped at the port, before the bridge learns its address. Elements
 * carry the attachment as owner (lib/nft_owner.h).
 */
#ifndef BRIDGE_SPOOFCHK_H
#define BRIDGE_SPOOFCHK_H

#include <stdint.h>

#include "cni.h"

/* Allow only mac from host_veth. An element left on host_veth by an attachment that is gone
 * (a recycled name) is evicted first. */
int br_spoofchk_add(const struct cni_args *a, const char *host_veth, const uint8_t mac[6],
		    struct cnet_err *err);
/* Every element of this attachment; absent (elements, sets, table) is fine. */
int br_spoofchk_del(const struct cni_args *a, struct cnet_err *err);
/* The elements of this network's attachments not in a's valid list. */
int br_spoofchk_gc(const struct cni_args *a, struct cnet_err *err);
/* CHECK: this attachment's elements exist, on host_veth, with mac. */
int br_spoofchk_check(const struct cni_args *a, const char *host_veth, const uint8_t mac[6],
		      struct cnet_err *err);

#endif
