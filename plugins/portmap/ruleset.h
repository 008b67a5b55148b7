/* SPDX-License-Identifier: Apache-2.0 */
/*
 * portmap's nftables layout, in cnet's own table `inet cnet`. The rules are written once and
 * never change; each published port is one element of a map, so a packet costs one lookup and
 * an ADD or DEL one batch, however many containers there are:
 *
 *	chain portmap-prerouting / portmap-output  (nat, dstnat)
 *		dnat ip to ip daddr . meta l4proto . th dport map @portmap-hostip4
 *		fib daddr type local dnat ip to meta l4proto . th dport map @portmap-ports4
 *		(the same for ip6)
 *	chain portmap-postrouting  (nat, srcnat)
 *		ct status dnat ip saddr . ip daddr @portmap-masq4 masquerade   (hairpin, same network)
 *		ct status dnat ip saddr 127.0.0.0/8 masquerade                  (the host's localhost)
 *		ct status dnat ip6 saddr . ip6 daddr @portmap-masq6 masquerade
 *
 * Every element's comment names its owner, "<network>/<containerID>/<ifname>".
 */
#ifndef PORTMAP_RULESET_H
#define PORTMAP_RULESET_H

#include "nft.h"
#include "nft_owner.h"
#include "pm_conf.h"

#define PM_TABLE CNET_NFT_TABLE

enum { PM_V4, PM_V6 };
extern const struct cnet_nft_set pm_ports[2], pm_hostip[2], pm_masq[2];

/* Create the table, chains, maps and rules unless they exist (caller holds the lock). */
int pm_layout_ensure(struct cnet_nft *nft, struct cnet_err *err);

#endif
