// SPDX-License-Identifier: Apache-2.0
/* Overlap checks and the choice of a free subnet. No I/O. */
#include <errno.h>
#include <stdint.h>

#include "subnet.h"

const struct subnet_used *subnet_find_overlap(const struct ipnet *n, const struct subnet_used *used,
					      size_t n_used)
{
	for (size_t i = 0; i < n_used; i++)
		if (ipnet_overlaps(n, &used[i].net))
			return &used[i];
	return NULL;
}

/* Write value into the address bits [from, to) (most significant bit first). */
static void set_bits(struct ipaddr *a, int from, int to, uint32_t value)
{
	for (int bit = to - 1; bit >= from; bit--, value >>= 1) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));
		if (value & 1)
			a->a[bit / 8] |= mask;
		else
			a->a[bit / 8] &= (uint8_t)~mask;
	}
}

int subnet_pick(const struct ipnet *pool, int plen, const struct subnet_used *used, size_t n_used,
		struct ipnet *out)
{
	int choice = plen - pool->plen;

	if (choice <= 0 || choice > 32 || plen > ipaddr_bits(pool->addr.family))
		return -EINVAL;
	struct ipnet base = ipnet_network(pool);
	uint64_t count = (uint64_t)1 << choice;
	for (uint64_t i = 0; i < count; i++) {
		struct ipnet c = { .addr = base.addr, .plen = plen };
		set_bits(&c.addr, pool->plen, plen, (uint32_t)i);
		if (!subnet_find_overlap(&c, used, n_used)) {
			*out = c;
			return 0;
		}
	}
	return -ENOSPC;
}

void subnet_default_pool(int family, struct ipnet *pool, int *plen)
{
	ipnet_parse(family == AF_INET ? SUBNET_POOL_V4 : SUBNET_POOL_V6, pool);
	*plen = family == AF_INET ? SUBNET_PLEN_V4 : SUBNET_PLEN_V6;
}
