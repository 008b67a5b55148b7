/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge ipMasq: masquerade what a container sends out of its network, as set elements in
 * cnet's table `inet cnet` (the rules are fixed, whatever the number of containers):
 *
 *	chain masq-postrouting  (nat, srcnat)
 *		ip daddr 224.0.0.0/4 return                     multicast stays as it is
 *		ip saddr . ip daddr @masq-skip4 return          (container . its subnet): not out
 *		ip saddr @masq-src4 masquerade                  the container's address
 *		(the same for ip6 with ff00::/8)
 *
 * Elements carry the attachment as owner (lib/nft_owner.h).
 */
#ifndef BRIDGE_MASQ_H
#define BRIDGE_MASQ_H

#include "cni.h"

int br_masq_add(const struct cni_args *a, const struct cni_result *res, struct cnet_err *err);
/* Every element of this attachment; absent is fine. */
int br_masq_del(const struct cni_args *a, struct cnet_err *err);
/* The elements of this network's attachments not in a's valid list. */
int br_masq_gc(const struct cni_args *a, struct cnet_err *err);

#endif
