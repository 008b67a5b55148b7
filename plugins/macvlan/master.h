/* SPDX-License-Identifier: Apache-2.0 */
/* macvlan: find the parent link and check that a macvlan can be made on it. */
#ifndef MACVLAN_MASTER_H
#define MACVLAN_MASTER_H

#include "err.h"
#include "mv_conf.h"
#include "nl.h"

/*
 * The master named by c (or, without "master", the interface of the first IPv4, else IPv6,
 * default route) in nl's namespace, described in messages by `where` ("the host namespace").
 * Fails when it is missing (7), down (11), or its MTU is below c->mtu (7).
 */
int mv_master_find(struct cnet_nl *nl, const struct mv_conf *c, const char *where,
		   struct cnet_link *out, struct cnet_err *err);

#endif
