// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "nft_owner.h"
#include "ruleset.h"

#define SET(n, ...) { .family = NFPROTO_INET, .table = PM_TABLE, .name = n, __VA_ARGS__ }

const struct cnet_nft_set pm_ports[2] = {
	SET("portmap-ports4", .key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
	    .data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE }),
	SET("portmap-ports6", .key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
	    .data = { CNET_NFT_IPV6_ADDR, CNET_NFT_INET_SERVICE }),
};
const struct cnet_nft_set pm_hostip[2] = {
	SET("portmap-hostip4",
	    .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
	    .data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE }),
	SET("portmap-hostip6",
	    .key = { CNET_NFT_IPV6_ADDR, CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
	    .data = { CNET_NFT_IPV6_ADDR, CNET_NFT_INET_SERVICE }),
};
const struct cnet_nft_set pm_masq[2] = {
	SET("portmap-masq4", .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_IPV4_ADDR },
	    .flags = CNET_NFT_SET_INTERVAL),
	SET("portmap-masq6", .key = { CNET_NFT_IPV6_ADDR, CNET_NFT_IPV6_ADDR },
	    .flags = CNET_NFT_SET_INTERVAL),
};

static void match_dnat(struct cnet_nft_rule *r)
{
	uint32_t mask = IPS_DST_NAT, zero = 0;
	cnet_nft_rule_ct(r, NFT_CT_STATUS, NFT_REG_1);
	cnet_nft_rule_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &mask, &zero);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
}

/* [ip daddr .] meta l4proto . th dport -> map -> dnat to addr . port */
static int dnat_rule(struct cnet_nft_batch *b, const char *chain, const struct cnet_nft_family *f,
		     const struct cnet_nft_set *map, bool with_daddr, struct cnet_err *err)
{
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(NFPROTO_INET, PM_TABLE, chain);
	uint32_t reg = NFT_REG32_00, local = RTN_LOCAL;
	cnet_nft_rule_match_family(r, f);
	if (with_daddr) {
		cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, f->daddr, f->alen, reg);
		reg += f->alen / 4;
	} else {
		cnet_nft_rule_fib(r, NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE, NFT_REG_1);
		cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, &local, 4);
	}
	cnet_nft_rule_meta(r, NFT_META_L4PROTO, reg);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg + 1);
	cnet_nft_rule_map(r, NFT_REG32_00, map->name, NFT_REG_1);
	cnet_nft_rule_nat(r, NFT_NAT_DNAT, f->nfproto, NFT_REG_1, NFT_REG32_00 + f->alen / 4, 0);
	return cnet_nft_rule_add(b, r, err);
}

/* ct status dnat [ip saddr . ip daddr @masq] masquerade */
static int masq_rule(struct cnet_nft_batch *b, const struct cnet_nft_family *f, const struct cnet_nft_set *set,
		     struct cnet_err *err)
{
	cleanup_nft_rule struct cnet_nft_rule *r =
		cnet_nft_rule_new(NFPROTO_INET, PM_TABLE, "portmap-postrouting");
	cnet_nft_rule_match_family(r, f);
	match_dnat(r);
	if (set) {
		cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, f->saddr, f->alen,
				      NFT_REG32_00);
		cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, f->daddr, f->alen,
				      NFT_REG32_00 + f->alen / 4);
		cnet_nft_rule_lookup(r, NFT_REG32_00, set->name, false);
	} else {   /* IPv4 localhost: 127.0.0.0/8 */
		uint8_t mask[4] = { 255, 0, 0, 0 }, zero[4] = { 0 }, lo[4] = { 127, 0, 0, 0 };
		cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, f->saddr, 4, NFT_REG_1);
		cnet_nft_rule_bitwise(r, NFT_REG_1, NFT_REG_1, 4, mask, zero);
		cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, lo, 4);
	}
	cnet_nft_rule_masq(r, 0);
	return cnet_nft_rule_add(b, r, err);
}

static int add_chains(struct cnet_nft_batch *b, struct cnet_err *err)
{
	const struct cnet_nft_chain chains[] = {
		{ NFPROTO_INET, PM_TABLE, "portmap-prerouting", "nat", NF_INET_PRE_ROUTING, -100, false },
		{ NFPROTO_INET, PM_TABLE, "portmap-output", "nat", NF_INET_LOCAL_OUT, -100, false },
		{ NFPROTO_INET, PM_TABLE, "portmap-postrouting", "nat", NF_INET_POST_ROUTING, 100, false },
	};
	int r = cnet_nft_table_add(b, NFPROTO_INET, PM_TABLE, 0, err);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(chains); i++)
		r = cnet_nft_chain_add(b, &chains[i], 0, err);
	for (int v = 0; r >= 0 && v < 2; v++) {
		r = cnet_nft_set_add(b, &pm_ports[v], 0, err);
		if (r >= 0)
			r = cnet_nft_set_add(b, &pm_hostip[v], 0, err);
		if (r >= 0)
			r = cnet_nft_set_add(b, &pm_masq[v], 0, err);
	}
	return r;
}

static int add_rules(struct cnet_nft_batch *b, struct cnet_err *err)
{
	static const char *const dnat_chains[] = { "portmap-prerouting", "portmap-output" };
	int r = 0;
	for (size_t c = 0; r >= 0 && c < 2; c++)
		for (int v = 0; r >= 0 && v < 2; v++) {
			r = dnat_rule(b, dnat_chains[c], &cnet_nft_families[v], &pm_hostip[v], true, err);
			if (r >= 0)
				r = dnat_rule(b, dnat_chains[c], &cnet_nft_families[v], &pm_ports[v], false, err);
		}
	for (int v = 0; r >= 0 && v < 2; v++)
		r = masq_rule(b, &cnet_nft_families[v], &pm_masq[v], err);
	if (r >= 0)
		r = masq_rule(b, &cnet_nft_families[PM_V4], NULL, err);
	return r;
}

int pm_layout_ensure(struct cnet_nft *nft, struct cnet_err *err)
{
	/* The last set made in the layout batch: present means the whole batch was applied. */
	int r = cnet_nft_set_exists(nft, &pm_masq[PM_V6], err);
	if (r != 0)
		return r < 0 ? r : 0;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	if (!b)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	r = add_chains(b, err);
	if (r >= 0)
		r = add_rules(b, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	if (r < 0)
		cnet_err_prefix(err, "portmap: set up table inet " PM_TABLE);
	return r;
}
