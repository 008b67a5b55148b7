/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subnets of networks: overlap with what is in use, and the choice of a free one. Pure logic.
 *
 * Pools: IPv4 /24s from 10.89.0.0/16 (the way podman picks new networks: 10.89.0.0/24 first);
 * IPv6 /64s from the ULA fd89:636e:6574::/48 ("cnet" in ASCII after fd89).
 */
#ifndef CNET_SUBNET_H
#define CNET_SUBNET_H

#include <stddef.h>

#include "ipaddr.h"

#define SUBNET_POOL_V4 "10.89.0.0/16"
#define SUBNET_PLEN_V4 24
#define SUBNET_POOL_V6 "fd89:636e:6574::/48"
#define SUBNET_PLEN_V6 64

/* A prefix in use, and by what ("network podman", "address 10.1.0.5/24 on eth0"). */
struct subnet_used {
	struct ipnet net;
	char owner[128];
};

/* The first entry of used that overlaps n, or NULL. */
const struct subnet_used *subnet_find_overlap(const struct ipnet *n, const struct subnet_used *used,
					      size_t n_used);

/* The first prefix of length plen inside pool that overlaps nothing in used. -ENOSPC when
 * every one does; -EINVAL when plen is not longer than the pool's or more than 32 bits of
 * choice. */
int subnet_pick(const struct ipnet *pool, int plen, const struct subnet_used *used, size_t n_used,
		struct ipnet *out);

/* The default pool of family (AF_INET: 10.89.0.0/16, /24; AF_INET6: the ULA /48, /64). */
void subnet_default_pool(int family, struct ipnet *pool, int *plen);

#endif
