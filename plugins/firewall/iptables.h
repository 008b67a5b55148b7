/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Getting container traffic through iptables' FORWARD policy.
 *
 * nftables evaluates every base chain on a hook, and a drop in any of them is final: an accept
 * in cnet's own table cannot overrule `iptables -P FORWARD DROP` (Docker sets it; so do many
 * hardened hosts). The only way through is a rule in that chain. So, when the host uses
 * iptables (the `filter` table of iptables-nft has a FORWARD chain), this file keeps the
 * reference firewall's layout there, rule for rule as `iptables-save` shows it:
 *
 *	-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD   (first)
 *	-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
 *	-A CNI-FORWARD -d 10.88.0.5/32 -m conntrack --ctstate RELATED,ESTABLISHED
 *		-m comment --comment "<net>/<cid>/<ifname>" -j ACCEPT
 *	-A CNI-FORWARD -d 10.88.0.5/32 -m conntrack --ctstate DNAT -m comment ... -j ACCEPT
 *	-A CNI-FORWARD -s 10.88.0.5/32 -m comment ... -j ACCEPT
 *
 * (the ctstate DNAT rule is cnet's: published ports get through too). The rules are written
 * the way iptables-nft 1.8 writes them (the conntrack and comment matches as x_tables
 * matches), so that iptables keeps reading the table and a save + restore gives back the same
 * rules; the comment is the owner, so DEL and GC find them without prevResult. This is the only place where cnet
 * writes outside its own tables, and it never creates the iptables tables: without an iptables
 * FORWARD chain there is no iptables policy to get through.
 */
#ifndef FIREWALL_IPTABLES_H
#define FIREWALL_IPTABLES_H

#include "cni.h"
#include "fw_conf.h"
#include "nft.h"

int fw_ipt_add(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
	       const char *owner, struct cnet_err *err);
int fw_ipt_del(struct cnet_nft *nft, const char *owner, struct cnet_err *err);
int fw_ipt_check(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
		 const char *owner, struct cnet_err *err);
/* Delete the rules of network net's attachments that are not in a's valid list. */
int fw_ipt_gc(struct cnet_nft *nft, const char *net, const struct cni_args *a,
	      struct cnet_err *err);

#endif
