// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "iptables.h"
#include "nft_owner.h"

/* after nft.h, which includes netinet/in.h before any linux/ header */
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>

#define TABLE "filter"
#define FORWARD "FORWARD"
#define PRIV "CNI-FORWARD"
#define PRIV_COMMENT "CNI firewall plugin rules"
#define ADMIN_COMMENT "CNI firewall plugin admin overrides"

/* iptables-nft's tables: [0] ip filter, [1] ip6 filter (header layout from nft_owner). */
static bool in_family(const struct ipaddr *ip, int v)
{
	return ip->family == (v == 0 ? AF_INET : AF_INET6);
}

/* `-m conntrack --ctstate <states>`, as iptables 1.8 sends it (conntrack revision 3). */
static void match_ctstate(struct cnet_nft_rule *r, uint16_t states)
{
	uint8_t buf[XT_ALIGN(sizeof(struct xt_conntrack_mtinfo3))] = { 0 };
	struct xt_conntrack_mtinfo3 info = { .match_flags = XT_CONNTRACK_STATE,
					     .state_mask = states };
	memcpy(buf, &info, sizeof(info));
	cnet_nft_rule_xt_match(r, "conntrack", 3, buf, sizeof(buf));
}

/* `-m comment --comment text`, in iptables-nft's form: an x_tables comment match. (As rule
 * userdata, nft's form, iptables-save prints it the same but iptables-restore writes it back
 * as a match: owners must be found in the form that survives a save and restore.) */
static void match_comment(struct cnet_nft_rule *r, const char *text)
{
	struct xt_comment_info info = { 0 };
	uint8_t buf[XT_ALIGN(sizeof(info))] = { 0 };
	snprintf(info.comment, sizeof(info.comment), "%s", text);
	memcpy(buf, &info, sizeof(info));
	cnet_nft_rule_xt_match(r, "comment", 0, buf, sizeof(buf));
}

/* One rule of CNI-FORWARD for ip: -d ip [ctstate] or -s ip, then -j ACCEPT. */
static int ip_rule(struct cnet_nft_batch *b, int v, const struct ipaddr *ip, bool dst,
		   uint16_t states, const char *owner, struct cnet_err *err)
{
	const struct cnet_nft_family *f = &cnet_nft_families[v];
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(f->nfproto, TABLE, PRIV);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, dst ? f->daddr : f->saddr, f->alen,
			      NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, ip->a, f->alen);
	if (states)
		match_ctstate(r, states);
	match_comment(r, owner);
	cnet_nft_rule_counter(r);
	cnet_nft_rule_verdict(r, NF_ACCEPT, NULL);
	return cnet_nft_rule_add(b, r, err);
}

/* `-I chain 1 -m comment --comment ... -j target` */
static int jump_rule(struct cnet_nft_batch *b, int v, const char *chain, const char *target,
		     const char *comment, struct cnet_err *err)
{
	cleanup_nft_rule struct cnet_nft_rule *r =
		cnet_nft_rule_new(cnet_nft_families[v].nfproto, TABLE, chain);
	match_comment(r, comment);
	cnet_nft_rule_counter(r);
	cnet_nft_rule_verdict(r, NFT_JUMP, target);
	return cnet_nft_rule_insert(b, r, err);
}

/* What one listing of a chain tells. */
struct scan {
	const char *owner;      /* rules to collect: this owner's ... */
	const char *net;        /* ... or (GC) this network's stale ones */
	const struct cni_args *a;
	const char *jump_to;    /* is there a jump to this chain? */
	bool has_jump;
	uint64_t handles[256];
	size_t n;
};

static int scan_cb(const struct cnet_nft_rule_info *ri, void *arg)
{
	struct scan *s = arg;
	if (s->jump_to && ri->verdict == NFT_JUMP && !strcmp(ri->target, s->jump_to))
		s->has_jump = true;
	bool mine = s->owner ? !strcmp(ri->comment, s->owner)
			     : s->net && cnet_nft_owner_is_stale(ri->comment, s->net, s->a);
	if (mine && s->n < sizeof(s->handles) / sizeof(s->handles[0]))
		s->handles[s->n++] = ri->handle;
	return 0;
}

static int scan_chain(struct cnet_nft *nft, int v, const char *chain, struct scan *s,
		      struct cnet_err *err)
{
	int r = cnet_nft_rule_list(nft, cnet_nft_families[v].nfproto, TABLE, chain, scan_cb, s,
				   err);
	return r == -ENOENT ? 0 : r;
}

static int del_handles(struct cnet_nft_batch *b, int v, const struct scan *s, struct cnet_err *err)
{
	int r = 0;
	for (size_t i = 0; r >= 0 && i < s->n; i++)
		r = cnet_nft_rule_del(b, cnet_nft_families[v].nfproto, TABLE, PRIV, s->handles[i],
				      CNET_NFT_IGNORE_ABSENT, err);
	return r;
}

/* Does iptables own a FORWARD chain in family v? */
static int uses_iptables(struct cnet_nft *nft, int v, struct cnet_err *err)
{
	return cnet_nft_chain_exists(nft, cnet_nft_families[v].nfproto, TABLE, FORWARD, err);
}

static int add_family(struct cnet_nft *nft, int v, const struct fw_conf *c,
		      const struct fw_attachment *at, const char *owner, struct cnet_err *err)
{
	uint8_t nfproto = cnet_nft_families[v].nfproto;
	struct scan fwd = { .jump_to = PRIV }, priv = { .owner = owner, .jump_to = c->admin_chain };
	int r = scan_chain(nft, v, FORWARD, &fwd, err);
	if (r >= 0)
		r = scan_chain(nft, v, PRIV, &priv, err);
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	if (r >= 0 && !b)
		r = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	const struct cnet_nft_chain chains[2] = { { nfproto, TABLE, PRIV, NULL, 0, 0, false },
						  { nfproto, TABLE, c->admin_chain, NULL, 0, 0,
						    false } };
	for (int i = 0; r >= 0 && i < 2; i++)
		r = cnet_nft_chain_add(b, &chains[i], 0, err);
	if (r >= 0 && !fwd.has_jump)
		r = jump_rule(b, v, FORWARD, PRIV, PRIV_COMMENT, err);
	if (r >= 0 && !priv.has_jump)
		r = jump_rule(b, v, PRIV, c->admin_chain, ADMIN_COMMENT, err);
	if (r >= 0)   /* a repeated ADD replaces its rules */
		r = del_handles(b, v, &priv, err);
	for (size_t i = 0; r >= 0 && i < at->n_ips; i++) {
		const struct ipaddr *ip = &at->ips[i];
		if (!in_family(ip, v))
			continue;
		r = ip_rule(b, v, ip, true,
			    XT_CONNTRACK_STATE_BIT(IP_CT_RELATED) |
				    XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED),
			    owner, err);
		if (r >= 0)
			r = ip_rule(b, v, ip, true, XT_CONNTRACK_STATE_DNAT, owner, err);
		if (r >= 0)
			r = ip_rule(b, v, ip, false, 0, owner, err);
	}
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	return r;
}

static bool has_family(const struct fw_attachment *at, int v)
{
	for (size_t i = 0; i < at->n_ips; i++)
		if (in_family(&at->ips[i], v))
			return true;
	return false;
}

int fw_ipt_add(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
	       const char *owner, struct cnet_err *err)
{
	int r = 0;
	for (int v = 0; r >= 0 && v < 2; v++) {
		if (!has_family(at, v))
			continue;
		r = uses_iptables(nft, v, err);
		if (r > 0)
			r = add_family(nft, v, c, at, owner, err);
	}
	return r < 0 ? r : 0;
}

/* Delete the rules scan selects from CNI-FORWARD of both families. */
static int delete_selected(struct cnet_nft *nft, struct scan *s, struct cnet_err *err)
{
	int r = 0;
	for (int v = 0; r >= 0 && v < 2; v++) {
		s->n = 0;
		r = scan_chain(nft, v, PRIV, s, err);
		if (r < 0 || !s->n)
			continue;
		cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
		r = b ? del_handles(b, v, s, err)
		      : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
		if (r >= 0)
			r = cnet_nft_commit(nft, b, err);
	}
	return r < 0 ? r : 0;
}

int fw_ipt_del(struct cnet_nft *nft, const char *owner, struct cnet_err *err)
{
	struct scan s = { .owner = owner };
	return delete_selected(nft, &s, err);
}

int fw_ipt_gc(struct cnet_nft *nft, const char *net, const struct cni_args *a,
	      struct cnet_err *err)
{
	struct scan s = { .net = net, .a = a };
	return delete_selected(nft, &s, err);
}

int fw_ipt_check(struct cnet_nft *nft, const struct fw_conf *c, const struct fw_attachment *at,
		 const char *owner, struct cnet_err *err)
{
	for (int v = 0; v < 2; v++) {
		if (!has_family(at, v))
			continue;
		int r = uses_iptables(nft, v, err);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		struct scan fwd = { .jump_to = PRIV }, priv = { .owner = owner,
								 .jump_to = c->admin_chain };
		r = scan_chain(nft, v, FORWARD, &fwd, err);
		if (r >= 0)
			r = scan_chain(nft, v, PRIV, &priv, err);
		if (r < 0)
			return r;
		size_t want = 0;
		for (size_t i = 0; i < at->n_ips; i++)
			want += in_family(&at->ips[i], v) ? 3 : 0;
		const char *fam = cnet_nft_family_name(cnet_nft_families[v].nfproto);
		if (!fwd.has_jump || !priv.has_jump)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "table %s filter: the jump %s", fam,
					    !fwd.has_jump ? "from FORWARD to CNI-FORWARD is missing"
							  : "from CNI-FORWARD to the admin chain "
							    "is missing");
		if (priv.n != want)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "table %s filter, chain CNI-FORWARD: %zu rules of this "
					    "attachment, expected %zu", fam, priv.n, want);
	}
	return 0;
}
