/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tuning: the link attributes it changes, through libnl-route-3. lib/nl.h has no MTU, txqlen
 * or allmulti setter and its struct cnet_link no allmulti or txqlen, so this small module
 * (the only libnl user in this plugin) keeps them here, with lib/nl.c's error conventions:
 * negative errno, err filled with CNET_ERR_KERNEL and the kernel's extended-ack text.
 *
 * The socket belongs to the namespace current when tn_nl_open() runs: call it inside
 * netns_run().
 */
#ifndef TUNING_LINK_H
#define TUNING_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct tn_nl;

struct tn_link {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	unsigned mtu, txqlen;
	bool promisc, allmulti;   /* IFF_PROMISC, IFF_ALLMULTI as the kernel reports them */
};

enum tn_attr { TN_MAC, TN_MTU, TN_PROMISC, TN_ALLMULTI, TN_TXQLEN };

int tn_nl_open(struct tn_nl **out, struct cnet_err *err);
void tn_nl_close(struct tn_nl *nl);
static inline void tn_nl_closep(struct tn_nl **nl)
{
	tn_nl_close(*nl);
}
#define cleanup_tn_nl __attribute__((cleanup(tn_nl_closep)))

/* One RTM_GETLINK by name. -ENODEV (err untouched) when there is no such link. */
int tn_link_get(struct tn_nl *nl, const char *name, struct tn_link *out, struct cnet_err *err);

/* Set attribute attr of link l to its value in want (one RTM_NEWLINK). */
int tn_link_set(struct tn_nl *nl, const struct tn_link *l, enum tn_attr attr,
		const struct tn_link *want, struct cnet_err *err);

#endif
