/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Owned nftables elements. Every element cnet adds for an attachment carries its owner as the
 * element comment, "<network>/<containerID>/<ifname>", so that DEL and GC remove exactly what
 * that attachment added — without runtimeConfig, without the namespace — and a conflict can
 * name who holds a key.
 */
#ifndef CNET_NFT_OWNER_H
#define CNET_NFT_OWNER_H

#include "cni.h"
#include "nft.h"

void cnet_nft_owner(char *buf, size_t len, const char *net, const char *id, const char *ifname);

/* Delete, in one batch, every element of the n sets owned by owner. Absent sets are fine. */
int cnet_nft_delete_owned(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *owner, struct cnet_err *err);

/* GC: delete every element of network net whose attachment is not in a's valid list. */
int cnet_nft_delete_stale(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *net, const struct cni_args *a, struct cnet_err *err);

#endif
