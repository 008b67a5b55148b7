// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "masq.h"
#include "nft_owner.h"

#define TABLE CNET_NFT_TABLE
#define CHAIN "masq-postrouting"
#define SET(n, ...) { .family = NFPROTO_INET, .table = TABLE, .name = n, __VA_ARGS__ }

static const struct cnet_nft_set src_sets[2] = {
	SET("masq-src4", .key = { CNET_NFT_IPV4_ADDR }),
	SET("masq-src6", .key = { CNET_NFT_IPV6_ADDR }),
};
static const struct cnet_nft_set skip_sets[2] = {
	SET("masq-skip4", .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_IPV4_ADDR },
	    .flags = CNET_NFT_SET_INTERVAL),
	SET("masq-skip6", .key = { CNET_NFT_IPV6_ADDR, CNET_NFT_IPV6_ADDR },
	    .flags = CNET_NFT_SET_INTERVAL),
};
static const struct cnet_nft_set *const all_sets[] = { &src_sets[0], &src_sets[1], &skip_sets[0],
						       &skip_sets[1] };

/* Multicast destinations (224.0.0.0/4, ff00::/8) are never masqueraded. */
static const uint8_t mcast[2][16] = { { 224 }, { 0xff } };
static const uint8_t mcast_mask[2][16] = { { 0xf0 }, { 0xff } };

static int family_rules(struct cnet_nft_batch *b, int v, struct cnet_err *err)
{
	const struct cnet_nft_family *f = &cnet_nft_families[v];
	uint8_t zero[16] = { 0 };
	cleanup_nft_rule struct cnet_nft_rule *mc = cnet_nft_rule_new(NFPROTO_INET, TABLE, CHAIN);
	cleanup_nft_rule struct cnet_nft_rule *skip = cnet_nft_rule_new(NFPROTO_INET, TABLE, CHAIN);
	cleanup_nft_rule struct cnet_nft_rule *masq = cnet_nft_rule_new(NFPROTO_INET, TABLE, CHAIN);
	cnet_nft_rule_match_family(mc, f);
	cnet_nft_rule_payload(mc, NFT_PAYLOAD_NETWORK_HEADER, f->daddr, f->alen, NFT_REG_1);
	cnet_nft_rule_bitwise(mc, NFT_REG_1, NFT_REG_1, f->alen, mcast_mask[v], zero);
	cnet_nft_rule_cmp(mc, NFT_REG_1, NFT_CMP_EQ, mcast[v], f->alen);
	cnet_nft_rule_verdict(mc, NFT_RETURN, NULL);
	cnet_nft_rule_match_family(skip, f);
	cnet_nft_rule_payload(skip, NFT_PAYLOAD_NETWORK_HEADER, f->saddr, f->alen, NFT_REG32_00);
	cnet_nft_rule_payload(skip, NFT_PAYLOAD_NETWORK_HEADER, f->daddr, f->alen,
			      NFT_REG32_00 + f->alen / 4);
	cnet_nft_rule_lookup(skip, NFT_REG32_00, skip_sets[v].name, false);
	cnet_nft_rule_verdict(skip, NFT_RETURN, NULL);
	cnet_nft_rule_match_family(masq, f);
	cnet_nft_rule_payload(masq, NFT_PAYLOAD_NETWORK_HEADER, f->saddr, f->alen, NFT_REG_1);
	cnet_nft_rule_lookup(masq, NFT_REG_1, src_sets[v].name, false);
	cnet_nft_rule_masq(masq, 0);
	int r = cnet_nft_rule_add(b, mc, err);
	if (r >= 0)
		r = cnet_nft_rule_add(b, skip, err);
	if (r >= 0)
		r = cnet_nft_rule_add(b, masq, err);
	return r;
}

static int layout_ensure(struct cnet_nft *nft, struct cnet_err *err)
{
	const struct cnet_nft_chain chain = { NFPROTO_INET, TABLE, CHAIN, "nat",
					      NF_INET_POST_ROUTING, 100, false };
	int r = cnet_nft_set_exists(nft, &skip_sets[1], err);   /* the batch's last set */
	if (r != 0)
		return r < 0 ? r : 0;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	if (!b)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	r = cnet_nft_table_add(b, NFPROTO_INET, TABLE, 0, err);
	if (r >= 0)
		r = cnet_nft_chain_add(b, &chain, 0, err);
	for (int v = 0; r >= 0 && v < 2; v++) {
		r = cnet_nft_set_add(b, &src_sets[v], 0, err);
		if (r >= 0)
			r = cnet_nft_set_add(b, &skip_sets[v], 0, err);
	}
	for (int v = 0; r >= 0 && v < 2; v++)
		r = family_rules(b, v, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	return r;
}

static int add_elements(struct cnet_nft_batch *b, const struct cni_ip *ip, const char *owner,
			struct cnet_err *err)
{
	int v = ip->address.addr.family == AF_INET6;
	struct ipnet net = ipnet_network(&ip->address);
	struct ipaddr last = ipnet_last(&net);
	struct cnet_nft_elem src = { .comment = owner }, skip = { .comment = owner };
	cnet_nft_key_addr(&src.key, &ip->address.addr);
	cnet_nft_key_addr(&skip.key, &ip->address.addr);
	cnet_nft_key_addr(&skip.key, &net.addr);
	cnet_nft_key_addr(&skip.key_end, &ip->address.addr);
	cnet_nft_key_addr(&skip.key_end, &last);
	int r = cnet_nft_elem_add(b, &src_sets[v], &src, 1, 0, err);
	if (r >= 0)
		r = cnet_nft_elem_add(b, &skip_sets[v], &skip, 1, 0, err);
	return r < 0 ? r : 0;
}

int br_masq_add(const struct cni_args *a, const struct cni_result *res, struct cnet_err *err)
{
	char owner[CNET_NFT_COMMENT_MAX + 1];
	cnet_nft_owner(owner, sizeof(owner), a->name, a->container_id, a->ifname);
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	int r = cnet_nft_open_locked(&nft, &lock, false, err);
	if (r >= 0 && !b)
		r = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	if (r >= 0)
		r = layout_ensure(nft, err);
	for (size_t i = 0; r >= 0 && i < res->n_ips; i++)
		r = add_elements(b, &res->ips[i], owner, err);
	if (r >= 0 && cnet_nft_batch_count(b))
		r = cnet_nft_commit(nft, b, err);
	if (r < 0)
		cnet_err_prefix(err, "ipMasq");
	return r;
}


int br_masq_del(const struct cni_args *a, struct cnet_err *err)
{
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	cnet_nft_owner(owner, sizeof(owner), a->name, a->container_id, a->ifname);
	int r = cnet_nft_open_locked(&nft, &lock, true, err);
	if (r < 0 || !nft)
		return r;
	return cnet_nft_delete_owned(nft, all_sets, ARRAY_SIZE(all_sets), owner, err);
}

int br_masq_gc(const struct cni_args *a, struct cnet_err *err)
{
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	int r = cnet_nft_open_locked(&nft, &lock, true, err);
	if (r < 0 || !nft)
		return r;
	return cnet_nft_delete_stale(nft, all_sets, ARRAY_SIZE(all_sets), a->name, a, err);
}
