/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cnet's own nftables tables, `inet cnet` (shared by the plugins) and `bridge cnet` (the bridge
 * plugin's macspoofchk): their name, the lock around changes to them, the per-family header
 * layout the inet rules match on, and owned elements.
 *
 * Every element cnet adds for an attachment carries its owner as the
 * element comment, "<network>/<containerID>/<ifname>", so that DEL and GC remove exactly what
 * that attachment added — without runtimeConfig, without the namespace — and a conflict can
 * name who holds a key.
 */
#ifndef CNET_NFT_OWNER_H
#define CNET_NFT_OWNER_H

#include "cni.h"
#include "nft.h"

#define CNET_NFT_TABLE "cnet"

/* Per family: its nfproto and where the addresses sit in the network header (alen bytes,
 * alen / 4 registers of 32 bits). [0] IPv4, [1] IPv6. */
struct cnet_nft_family {
	uint8_t nfproto;
	uint32_t saddr, daddr, alen;
};
extern const struct cnet_nft_family cnet_nft_families[2];

/* `meta nfproto ipv4|ipv6`: what must precede a network-header load in an inet table. */
void cnet_nft_rule_match_family(struct cnet_nft_rule *r, const struct cnet_nft_family *f);

/*
 * Take the lock on cnet's nftables state (an owner check followed by a delete must not
 * interleave with another attachment's ADD; the layout is made once) and open a socket.
 * With existing_only, when table inet cnet does not exist *nft is left NULL and 0 returned:
 * there is nothing to delete or check.
 */
int cnet_nft_open_locked(struct cnet_nft **nft, int *lock, bool existing_only,
			 struct cnet_err *err);
/* The same for cnet's table of another family (`bridge cnet`, bridge macspoofchk): one lock
 * for all of cnet's tables. existing_only looks for table <family> cnet. */
int cnet_nft_open_locked_family(struct cnet_nft **nft, int *lock, uint8_t family,
				bool existing_only, struct cnet_err *err);

void cnet_nft_owner(char *buf, size_t len, const char *net, const char *id, const char *ifname);
/* GC: is owner (a comment "<net>/<cid>/<ifname>") an attachment of network net that is not in
 * a's valid list? Comments of other networks, or not in that form, are never stale. */
bool cnet_nft_owner_is_stale(const char *owner, const char *net, const struct cni_args *a);

/* Delete, in one batch, every element of the n sets owned by owner. Absent sets are fine. */
int cnet_nft_delete_owned(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *owner, struct cnet_err *err);

/* GC: delete every element of network net whose attachment is not in a's valid list. */
int cnet_nft_delete_stale(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *net, const struct cni_args *a, struct cnet_err *err);

#endif
