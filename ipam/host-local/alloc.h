/* SPDX-License-Identifier: Apache-2.0 */
/* host-local's allocator: one address from a range set, over the store (lock held). */
#ifndef HOSTLOCAL_ALLOC_H
#define HOSTLOCAL_ALLOC_H

#include "hl_conf.h"
#include "result.h"
#include "store.h"

/*
 * Take one address of set (index set_idx) for (id, ifname): the requested one when given
 * (it must lie in the set and be free), else the next free one after the set's last reserved
 * address, round robin over the set's ranges, never the gateway. out gets the address with
 * the subnet's prefix length and the range's gateway.
 * Errors: CNET_ERR_EXHAUSTED when the set is full; 7 for a bad request.
 */
int hl_alloc(struct hl_store *s, const struct hl_rangeset *set, int set_idx, const char *id,
	     const char *ifname, const struct ipaddr *requested, struct cni_ip *out,
	     struct cnet_err *err);

/* Number of free addresses in set (saturating), counting the store's leases. When the store
 * cannot be read it returns 0 and fills err (err->code is then non-zero). */
uint64_t hl_free_count(struct hl_store *s, const struct hl_rangeset *set, struct cnet_err *err);

#endif
