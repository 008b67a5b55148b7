/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tuning: the changes themselves, made inside the container's namespace (call these under
 * netns_run(): /proc/sys/net and the netlink socket belong to the namespace current when
 * they are opened). Every change that succeeded can be taken back, in reverse order.
 */
#ifndef TUNING_APPLY_H
#define TUNING_APPLY_H

#include <stddef.h>

#include "err.h"
#include "nl.h"
#include "tn_conf.h"
#include "tn_state.h"

/* The sysctls written so far and what they held before (NULL: unreadable, not restorable). */
struct tn_sysctl_undo {
	const struct tn_conf *c;
	char *old[TN_MAX_SYSCTLS];
	size_t n;
};

/* Write c's sysctls in order; u records each one written. */
int tn_sysctls_apply(const struct tn_conf *c, struct tn_sysctl_undo *u, struct cnet_err *err);
/* Put back what u recorded, last first (best effort, failures logged), and free it. */
void tn_sysctls_undo(struct tn_sysctl_undo *u);
/* Free u without undoing anything. */
void tn_sysctls_forget(struct tn_sysctl_undo *u);

/* What an ADD saves of link l before changing it: the attributes c changes. */
void tn_state_from_link(const struct tn_conf *c, const struct cnet_link *l, struct tn_state *s);

/* The link attributes tuning changes. */
enum tn_attr { TN_MAC, TN_MTU, TN_PROMISC, TN_ALLMULTI, TN_TXQLEN };

/* The link attributes changed so far, in order. */
struct tn_link_undo {
	struct cnet_link before;
	enum tn_attr done[5];
	size_t n;
};

/* Change l as c says, in the reference's order (MAC, promisc, MTU, allmulti, txqlen); an
 * attribute that already has the wanted value is not written. */
int tn_link_apply(struct cnet_nl *nl, const struct tn_conf *c, const struct cnet_link *l,
		  struct tn_link_undo *u, struct cnet_err *err);
void tn_link_undo(struct cnet_nl *nl, const struct tn_link_undo *u);

/* DEL: give l back the values saved in s (MTU, MAC, promisc, allmulti, txqlen). Every
 * attribute is tried; the first failure is returned. */
int tn_link_restore(struct cnet_nl *nl, const struct cnet_link *l, const struct tn_state *s,
		    struct cnet_err *err);

/* CHECK: the sysctls and link attributes c sets have the configured values. */
int tn_check(const struct tn_conf *c, const char *ifname, struct cnet_err *err);

#endif
