// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "isolation.h"
#include "nl.h"
#include "nft_owner.h"

#include <linux/netfilter/nf_conntrack_common.h>   /* after nft.h: netinet/in.h first */

#define TABLE CNET_NFT_TABLE
#define CHAIN "firewall-forward"
#define SET(n, ...) { .family = NFPROTO_INET, .table = TABLE, .name = n, __VA_ARGS__ }

static const struct cnet_nft_set isolated = SET("firewall-isolated", .key = { CNET_NFT_IFNAME });
static const struct cnet_nft_set same_bridge =
	SET("firewall-same-bridge", .key = { CNET_NFT_IFNAME, CNET_NFT_IFNAME });
static const struct cnet_nft_set members =
	SET("firewall-members", .key = { CNET_NFT_IFNAME, CNET_NFT_IFNAME });

static int layout_ensure(struct cnet_nft *nft, struct cnet_err *err)
{
	const struct cnet_nft_chain chain = { NFPROTO_INET, TABLE, CHAIN, "filter",
					      NF_INET_FORWARD, 0, false };
	int r = cnet_nft_set_exists(nft, &members, err);   /* the batch's last set */
	if (r != 0)
		return r < 0 ? r : 0;
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	cleanup_nft_rule struct cnet_nft_rule *drop = cnet_nft_rule_new(NFPROTO_INET, TABLE, CHAIN);
	if (!b || !drop)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	uint32_t dnat = IPS_DST_NAT, zero = 0;
	cnet_nft_rule_ct(drop, NFT_CT_STATUS, NFT_REG_1);
	cnet_nft_rule_bitwise(drop, NFT_REG_1, NFT_REG_1, 4, &dnat, &zero);
	cnet_nft_rule_cmp(drop, NFT_REG_1, NFT_CMP_EQ, &zero, 4);
	cnet_nft_rule_meta(drop, NFT_META_IIFNAME, NFT_REG_1);
	cnet_nft_rule_lookup(drop, NFT_REG_1, isolated.name, false);
	cnet_nft_rule_meta(drop, NFT_META_OIFNAME, NFT_REG_1);
	cnet_nft_rule_lookup(drop, NFT_REG_1, isolated.name, false);
	cnet_nft_rule_meta(drop, NFT_META_IIFNAME, NFT_REG_1);
	cnet_nft_rule_meta(drop, NFT_META_OIFNAME, NFT_REG_2);
	cnet_nft_rule_lookup(drop, NFT_REG_1, same_bridge.name, true);
	cnet_nft_rule_counter(drop);
	cnet_nft_rule_verdict(drop, NF_DROP, NULL);
	r = cnet_nft_table_add(b, NFPROTO_INET, TABLE, 0, err);
	if (r >= 0)
		r = cnet_nft_chain_add(b, &chain, 0, err);
	if (r >= 0)
		r = cnet_nft_set_add(b, &isolated, 0, err);
	if (r >= 0)
		r = cnet_nft_set_add(b, &same_bridge, 0, err);
	if (r >= 0)
		r = cnet_nft_set_add(b, &members, 0, err);
	if (r >= 0)
		r = cnet_nft_rule_add(b, drop, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	return r;
}

/* The member key of an attachment: (bridge . 14 hex digits of FNV-1a over the owner). Two
 * owners would have to collide in 56 bits to share one. */
static void member_key(struct cnet_nft_key *k, const char *bridge, const char *owner)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)owner; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	char tag[IF_NAMESIZE];
	snprintf(tag, sizeof(tag), "%014llx", (unsigned long long)(h & 0xffffffffffffffULL));
	memset(k, 0, sizeof(*k));
	cnet_nft_key_ifname(k, bridge);
	cnet_nft_key_ifname(k, tag);
}

static void network_keys(struct cnet_nft_elem *iso, struct cnet_nft_elem *same, const char *bridge)
{
	cnet_nft_key_ifname(&iso->key, bridge);
	cnet_nft_key_ifname(&same->key, bridge);
	cnet_nft_key_ifname(&same->key, bridge);
}

/* ---- DEL and GC: drop members, then the network elements of bridges left without one ---- */

struct member {
	char bridge[IF_NAMESIZE];
	struct cnet_nft_elem elem;
	bool drop;
};

struct prune {
	const char *owner;         /* DEL: this owner's members */
	const char *net;           /* GC: the stale members of this network */
	const struct cni_args *a;
	struct member *m;
	size_t n, cap;
	struct cnet_nft_batch *b;
	struct cnet_err *err;
};

static int member_cb(const struct cnet_nft_elem_info *e, void *arg)
{
	struct prune *p = arg;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct member *m = reallocarray(p->m, cap, sizeof(*m));
		if (!m)
			return -ENOMEM;
		p->m = m;
		p->cap = cap;
	}
	struct member *m = &p->m[p->n++];
	m->elem = e->elem;
	m->elem.comment = NULL;
	m->elem.chain = NULL;
	cnet_nft_key_get_ifname(&e->elem.key, 0, m->bridge);
	m->drop = p->owner ? !strcmp(e->comment, p->owner)
			   : cnet_nft_owner_is_stale(e->comment, p->net, p->a);
	return 0;
}

static bool bridge_in_use(const struct prune *p, const char *bridge)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->m[i].drop && !strcmp(p->m[i].bridge, bridge))
			return true;
	return false;
}

static int network_cb(const struct cnet_nft_elem_info *e, void *arg)
{
	struct prune *p = arg;
	char bridge[IF_NAMESIZE];
	if (cnet_nft_key_get_ifname(&e->elem.key, 0, bridge) < 0 || bridge_in_use(p, bridge))
		return 0;
	struct cnet_nft_elem iso = { 0 }, same = { 0 };
	network_keys(&iso, &same, bridge);
	int r = cnet_nft_elem_del(p->b, &isolated, &iso, 1, CNET_NFT_IGNORE_ABSENT, p->err);
	if (r >= 0)
		r = cnet_nft_elem_del(p->b, &same_bridge, &same, 1, CNET_NFT_IGNORE_ABSENT, p->err);
	return r < 0 ? r : 0;
}

static int prune(struct cnet_nft *nft, struct prune *p, struct cnet_err *err)
{
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	if (!b)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	p->b = b;
	p->err = err;
	int r = cnet_nft_elem_list(nft, &members, member_cb, p, err);
	if (r == -ENOENT) {   /* no layout: nothing was ever isolated */
		free(p->m);
		return 0;
	}
	for (size_t i = 0; r >= 0 && i < p->n; i++)
		if (p->m[i].drop)
			r = cnet_nft_elem_del(b, &members, &p->m[i].elem, 1, CNET_NFT_IGNORE_ABSENT,
					      err);
	if (r >= 0)
		r = cnet_nft_elem_list(nft, &isolated, network_cb, p, err);
	free(p->m);
	if (r == -ENOMEM)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "firewall members");
	if (r >= 0 && cnet_nft_batch_count(b))
		r = cnet_nft_commit(nft, b, err);
	return r < 0 ? r : 0;
}

int fw_iso_del(struct cnet_nft *nft, const char *owner, struct cnet_err *err)
{
	struct prune p = { .owner = owner };
	return prune(nft, &p, err);
}

int fw_iso_gc(struct cnet_nft *nft, const char *net, const struct cni_args *a,
	      struct cnet_err *err)
{
	struct prune p = { .net = net, .a = a };
	return prune(nft, &p, err);
}

/* ---- ADD and CHECK ------------------------------------------------------------------------ */

/* "isolated": the kernel's bridge-port isolation on the container's host-side ports. */
static int isolate_ports(const struct fw_attachment *at, struct cnet_err *err)
{
	struct cnet_nl *nl cleanup_nl = NULL;
	struct cnet_link br, port;
	int r = cnet_nl_open(&nl, -1, err);
	if (r >= 0)
		r = cnet_nl_link_get(nl, at->bridge, &br, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult.interfaces[0]: bridge \"%s\" does not exist",
				    at->bridge);
	for (size_t i = 0; r >= 0 && i < at->n_ports; i++) {
		r = cnet_nl_link_get(nl, at->ports[i], &port, err);
		if (r == -ENODEV || (r >= 0 && port.master != br.ifindex)) {
			r = 0;   /* not a port of that bridge (another plugin's interface) */
			continue;
		}
		if (r >= 0)
			r = cnet_nl_bridge_port_set_isolated(nl, port.ifindex, true, err);
	}
	return r < 0 ? r : 0;
}

int fw_iso_add(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
	       const char *owner, struct cnet_err *err)
{
	if (c->policy == FW_OPEN)
		return 0;
	struct cnet_nft_elem member = { .comment = owner }, iso = { .comment = c->name },
			     same = { .comment = c->name };
	member_key(&member.key, at->bridge, owner);
	network_keys(&iso, &same, at->bridge);
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	int r = b ? layout_ensure(nft, err)
		  : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	if (r >= 0)
		r = cnet_nft_elem_add(b, &members, &member, 1, 0, err);
	if (r >= 0)
		r = cnet_nft_elem_add(b, &isolated, &iso, 1, 0, err);
	if (r >= 0 && c->policy == FW_SAME_BRIDGE)
		r = cnet_nft_elem_add(b, &same_bridge, &same, 1, 0, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	if (r >= 0 && c->policy == FW_ISOLATED) {
		r = isolate_ports(at, err);
		if (r < 0) {
			struct cnet_err ignored = { 0 };
			fw_iso_del(nft, owner, &ignored);
		}
	}
	return r < 0 ? r : 0;
}

int fw_iso_check(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
		 const char *owner, struct cnet_err *err)
{
	if (c->policy == FW_OPEN)
		return 0;
	struct cnet_nft_elem_info info;
	struct cnet_nft_elem iso = { 0 }, same = { 0 };
	struct cnet_nft_key member;
	member_key(&member, at->bridge, owner);
	network_keys(&iso, &same, at->bridge);
	int r = cnet_nft_elem_get(nft, &members, &member, &info, err);
	if (r == -ENOENT || (r >= 0 && strcmp(info.comment, owner)))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ingressPolicy: this attachment is not a member of the isolation "
				    "of bridge \"%s\"", at->bridge);
	if (r >= 0)
		r = cnet_nft_elem_get(nft, &isolated, &iso.key, &info, err);
	if (r >= 0 && c->policy == FW_SAME_BRIDGE)
		r = cnet_nft_elem_get(nft, &same_bridge, &same.key, &info, err);
	if (r == -ENOENT)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ingressPolicy \"%s\": bridge \"%s\" is missing from cnet's "
				    "isolation sets", fw_policy_name(c->policy), at->bridge);
	return r < 0 ? r : 0;
}
