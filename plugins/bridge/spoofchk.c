// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "nft_owner.h"
#include "spoofchk.h"

#define TABLE CNET_NFT_TABLE
#define CHAIN "macspoof"
#define PORTS "macspoof-ports"
#define ALLOWED "macspoof-allowed"
/* NF_BR_PRE_ROUTING (linux/netfilter_bridge.h, which drags in half of the uapi headers) */
#define BR_PRE_ROUTING 0
/* the reference's `bridge nat` PREROUTING chain: before DNAT (-300 = NF_BR_PRI_NAT_DST_BRIDGED) */
#define BR_PRIO (-300)
#define ETHER_SADDR 6   /* offset of the source MAC in the link-layer header */

static const struct cnet_nft_set ports_set = {
	.family = NFPROTO_BRIDGE, .table = TABLE, .name = PORTS, .key = { CNET_NFT_IFNAME },
};
static const struct cnet_nft_set allowed_set = {
	.family = NFPROTO_BRIDGE, .table = TABLE, .name = ALLOWED,
	.key = { CNET_NFT_IFNAME, CNET_NFT_ETHER_ADDR },
};
static const struct cnet_nft_set *const all_sets[] = { &ports_set, &allowed_set };

/* iifname @macspoof-ports iifname . ether saddr != @macspoof-allowed counter drop */
static int add_rule(struct cnet_nft_batch *b, struct cnet_err *err)
{
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(NFPROTO_BRIDGE, TABLE, CHAIN);
	cnet_nft_rule_meta(r, NFT_META_IIFNAME, NFT_REG_1);
	cnet_nft_rule_lookup(r, NFT_REG_1, PORTS, false);
	cnet_nft_rule_meta(r, NFT_META_IIFNAME, NFT_REG_1);
	/* the concatenation's second field: after the 16 bytes of ifname, as nft loads it */
	cnet_nft_rule_payload(r, NFT_PAYLOAD_LL_HEADER, ETHER_SADDR, 6, NFT_REG_2);
	cnet_nft_rule_lookup(r, NFT_REG_1, ALLOWED, true);
	cnet_nft_rule_counter(r);
	cnet_nft_rule_verdict(r, NF_DROP, NULL);
	return cnet_nft_rule_add(b, r, err);
}

/* The table, chain, sets and rule, made once in one transaction: a set that exists means
 * all of it does. */
static int layout_ensure(struct cnet_nft *nft, struct cnet_err *err)
{
	const struct cnet_nft_chain chain = { NFPROTO_BRIDGE, TABLE, CHAIN, "filter",
					      BR_PRE_ROUTING, BR_PRIO, false };
	int r = cnet_nft_set_exists(nft, &allowed_set, err);   /* the batch's last set */
	if (r != 0)
		return r < 0 ? r : 0;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	if (!b)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	r = cnet_nft_table_add(b, NFPROTO_BRIDGE, TABLE, 0, err);
	if (r >= 0)
		r = cnet_nft_chain_add(b, &chain, 0, err);
	if (r >= 0)
		r = cnet_nft_set_add(b, &ports_set, 0, err);
	if (r >= 0)
		r = cnet_nft_set_add(b, &allowed_set, 0, err);
	if (r >= 0)
		r = add_rule(b, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	return r;
}

/*
 * Host veth names are random and recycled by the kernel: elements on host_veth left by an
 * attachment whose DEL never came would let this container send with that one's MAC. Each
 * attachment has one element in each set, both with its owner: find it by the port element
 * (one lookup) and delete all of that owner's.
 */
static int evict_stale(struct cnet_nft *nft, const char *host_veth, struct cnet_err *err)
{
	struct cnet_nft_key key = { 0 };
	struct cnet_nft_elem_info old;
	cnet_nft_key_ifname(&key, host_veth);
	int r = cnet_nft_elem_get(nft, &ports_set, &key, &old, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	cnet_log_warn("macspoofchk: %s still had elements of %s: deleting them", host_veth,
		      old.comment[0] ? old.comment : "no owner");
	return cnet_nft_delete_owned(nft, all_sets, ARRAY_SIZE(all_sets), old.comment, err);
}

int br_spoofchk_add(const struct cni_args *a, const char *host_veth, const uint8_t mac[6],
		    struct cnet_err *err)
{
	char owner[CNET_NFT_COMMENT_MAX + 1];
	cnet_nft_owner(owner, sizeof(owner), a->name, a->container_id, a->ifname);
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	struct cnet_nft_elem port = { .comment = owner }, allowed = { .comment = owner };
	cnet_nft_key_ifname(&port.key, host_veth);
	cnet_nft_key_ifname(&allowed.key, host_veth);
	cnet_nft_key_ether(&allowed.key, mac);
	int r = cnet_nft_open_locked_family(&nft, &lock, NFPROTO_BRIDGE, false, err);
	if (r >= 0 && !b)
		r = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	if (r >= 0)
		r = layout_ensure(nft, err);
	if (r >= 0)
		r = evict_stale(nft, host_veth, err);
	/* "create": whatever is there now is not ours to share */
	if (r >= 0)
		r = cnet_nft_elem_add(b, &ports_set, &port, 1, CNET_NFT_EXCL, err);
	if (r >= 0)
		r = cnet_nft_elem_add(b, &allowed_set, &allowed, 1, CNET_NFT_EXCL, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	if (r < 0)
		cnet_err_prefix(err, "macspoofchk");
	return r < 0 ? r : 0;
}

int br_spoofchk_del(const struct cni_args *a, struct cnet_err *err)
{
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	cnet_nft_owner(owner, sizeof(owner), a->name, a->container_id, a->ifname);
	int r = cnet_nft_open_locked_family(&nft, &lock, NFPROTO_BRIDGE, true, err);
	if (r >= 0 && nft)
		r = cnet_nft_delete_owned(nft, all_sets, ARRAY_SIZE(all_sets), owner, err);
	if (r < 0)
		cnet_err_prefix(err, "macspoofchk");
	return r;
}

int br_spoofchk_gc(const struct cni_args *a, struct cnet_err *err)
{
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	int r = cnet_nft_open_locked_family(&nft, &lock, NFPROTO_BRIDGE, true, err);
	if (r >= 0 && nft)
		r = cnet_nft_delete_stale(nft, all_sets, ARRAY_SIZE(all_sets), a->name, a, err);
	if (r < 0)
		cnet_err_prefix(err, "macspoofchk");
	return r;
}

/* One element, looked up by key: present with this owner, or a CHECK error. */
static int check_elem(struct cnet_nft *nft, const struct cnet_nft_set *s,
		      const struct cnet_nft_key *key, const char *owner, struct cnet_err *err)
{
	char k[128];
	struct cnet_nft_elem_info e;
	int r = nft ? cnet_nft_elem_get(nft, s, key, &e, err) : -ENOENT;
	if (r == -ENOENT)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "no element %s in set %s of table bridge %s",
				    cnet_nft_key_format(key, k, sizeof(k)), s->name, TABLE);
	if (r >= 0 && strcmp(e.comment, owner))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "element %s in set %s belongs to \"%s\", not \"%s\"",
				    cnet_nft_key_format(key, k, sizeof(k)), s->name, e.comment,
				    owner);
	return r;
}

int br_spoofchk_check(const struct cni_args *a, const char *host_veth, const uint8_t mac[6],
		      struct cnet_err *err)
{
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	struct cnet_nft_key port = { 0 }, allowed = { 0 };
	cnet_nft_owner(owner, sizeof(owner), a->name, a->container_id, a->ifname);
	cnet_nft_key_ifname(&port, host_veth);
	cnet_nft_key_ifname(&allowed, host_veth);
	cnet_nft_key_ether(&allowed, mac);
	int r = cnet_nft_open_locked_family(&nft, &lock, NFPROTO_BRIDGE, true, err);
	if (r >= 0)
		r = check_elem(nft, &ports_set, &port, owner, err);
	if (r >= 0)
		r = check_elem(nft, &allowed_set, &allowed, owner, err);
	if (r < 0)
		cnet_err_prefix(err, "macspoofchk");
	return r < 0 ? r : 0;
}
