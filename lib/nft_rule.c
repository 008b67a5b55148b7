// SPDX-License-Identifier: Apache-2.0
/*
 * The rule builder (see nft.h): one libnftnl expression per call, in the order nft itself
 * would emit them, so `nft list ruleset` prints the rule back as nft syntax. For example
 * `fib daddr type local dnat ip to meta l4proto . th dport map @hostports4` is
 *
 *	fib(NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE -> reg 1)   cmp(reg 1 == RTN_LOCAL)
 *	meta(l4proto -> reg 1)   payload(transport + 2, 2 bytes -> reg 9)
 *	lookup(reg 1 in @hostports4 -> reg 1)   nat(dnat ip, addr reg 1, port reg 9)
 *
 * (what `nft --debug=netlink` prints for it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "nft_int.h"

struct cnet_nft_rule {
	struct nftnl_rule *r;
	uint8_t family;
	unsigned nexprs;
	int error;           /* first problem: negative errno */
	char problem[96];    /* and what it was about */
	char comment[CNET_NFT_COMMENT_MAX + 1];
};

struct cnet_nft_rule *cnet_nft_rule_new(uint8_t family, const char *table, const char *chain)
{
	struct cnet_nft_rule *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->family = family;
	r->r = nftnl_rule_alloc();
	if (!r->r || !table || !chain || nftnl_rule_set_str(r->r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r->r, NFTNL_RULE_CHAIN, chain) < 0) {
		cnet_nft_rule_free(r);
		return NULL;
	}
	nftnl_rule_set_u32(r->r, NFTNL_RULE_FAMILY, family);
	return r;
}

void cnet_nft_rule_free(struct cnet_nft_rule *r)
{
	if (!r)
		return;
	if (r->r)
		nftnl_rule_free(r->r);
	free(r);
}

static void problem(struct cnet_nft_rule *r, int error, const char *what)
{
	if (r->error)
		return;
	r->error = error;
	snprintf(r->problem, sizeof(r->problem), "%s", what);
}

/* A new expression, or NULL with the problem recorded. */
static struct nftnl_expr *expr(struct cnet_nft_rule *r, const char *name)
{
	struct nftnl_expr *e = NULL;

	if (r->error)
		return NULL;
	if (r->nexprs >= CNET_NFT_RULE_MAX_EXPRS)
		problem(r, -E2BIG, "too many expressions");
	else if (!(e = nftnl_expr_alloc(name)))
		problem(r, -ENOMEM, name);
	return e;
}

static void push(struct cnet_nft_rule *r, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(r->r, e);
	r->nexprs++;
}

/* Copy data of len bytes into attribute attr of e; false (problem recorded) if too long. */
static bool put_data(struct cnet_nft_rule *r, struct nftnl_expr *e, uint16_t attr,
		     const void *data, uint32_t len, const char *what)
{
	if (!data || len == 0 || len > NFT_DATA_VALUE_MAXLEN) {
		problem(r, -EINVAL, what);
		return false;
	}
	if (nftnl_expr_set(e, attr, data, len) < 0) {
		problem(r, -ENOMEM, what);
		return false;
	}
	return true;
}

void cnet_nft_rule_comment(struct cnet_nft_rule *r, const char *comment)
{
	if (r->error)
		return;
	if (!comment || strlen(comment) > CNET_NFT_COMMENT_MAX) {
		problem(r, -EINVAL, "comment too long");
		return;
	}
	cleanup_nftnl_udata struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment) ||
	    nftnl_rule_set_data(r->r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				nftnl_udata_buf_len(ud)) < 0) {
		problem(r, -ENOMEM, "comment");
		return;
	}
	snprintf(r->comment, sizeof(r->comment), "%s", comment);
}

void cnet_nft_rule_payload(struct cnet_nft_rule *r, uint32_t base, uint32_t offset, uint32_t len,
			   uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	push(r, e);
}

void cnet_nft_rule_meta(struct cnet_nft_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	push(r, e);
}

void cnet_nft_rule_meta_set(struct cnet_nft_rule *r, uint32_t key, uint32_t sreg)
{
	struct nftnl_expr *e = expr(r, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, sreg);
	push(r, e);
}

void cnet_nft_rule_ct(struct cnet_nft_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "ct");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
	push(r, e);
}

void cnet_nft_rule_fib(struct cnet_nft_rule *r, uint32_t flags, uint32_t result, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "fib");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, dreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, result);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
	push(r, e);
}

void cnet_nft_rule_cmp(struct cnet_nft_rule *r, uint32_t sreg, uint32_t op, const void *data,
		       uint32_t len)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	if (put_data(r, e, NFTNL_EXPR_CMP_DATA, data, len, "cmp data"))
		push(r, TAKE_PTR(e));
}

void cnet_nft_rule_bitwise(struct cnet_nft_rule *r, uint32_t sreg, uint32_t dreg, uint32_t len,
			   const void *mask, const void *xor)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, dreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	if (put_data(r, e, NFTNL_EXPR_BITWISE_MASK, mask, len, "bitwise mask") &&
	    put_data(r, e, NFTNL_EXPR_BITWISE_XOR, xor, len, "bitwise xor"))
		push(r, TAKE_PTR(e));
}

static void lookup(struct cnet_nft_rule *r, uint32_t sreg, const char *set, bool map,
		   uint32_t dreg, bool invert)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "lookup");

	if (!e)
		return;
	if (!set || !set[0] || strlen(set) >= NFT_NAME_MAXLEN) {
		problem(r, -EINVAL, "lookup set name");
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set) < 0) {
		problem(r, -ENOMEM, "lookup");
		return;
	}
	if (map)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, dreg);
	if (invert)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	push(r, TAKE_PTR(e));
}

void cnet_nft_rule_lookup(struct cnet_nft_rule *r, uint32_t sreg, const char *set, bool invert)
{
	lookup(r, sreg, set, false, 0, invert);
}

void cnet_nft_rule_map(struct cnet_nft_rule *r, uint32_t sreg, const char *map, uint32_t dreg)
{
	lookup(r, sreg, map, true, dreg, false);
}

void cnet_nft_rule_verdict(struct cnet_nft_rule *r, int verdict, const char *chain)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (verdict == NFT_JUMP || verdict == NFT_GOTO) {
		if (!chain || !chain[0] || strlen(chain) >= NFT_NAME_MAXLEN) {
			problem(r, -EINVAL, "jump/goto chain name");
			return;
		}
		if (nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0) {
			problem(r, -ENOMEM, "verdict");
			return;
		}
	}
	push(r, TAKE_PTR(e));
}

void cnet_nft_rule_immediate(struct cnet_nft_rule *r, uint32_t dreg, const void *data,
			     uint32_t len)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, dreg);
	if (put_data(r, e, NFTNL_EXPR_IMM_DATA, data, len, "immediate data"))
		push(r, TAKE_PTR(e));
}

void cnet_nft_rule_nat(struct cnet_nft_rule *r, uint32_t type, uint8_t nfproto, uint32_t reg_addr,
		       uint32_t reg_proto, uint32_t flags)
{
	struct nftnl_expr *e = expr(r, "nat");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, nfproto);
	if (reg_addr)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
	if (reg_proto)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg_proto);
	if (flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, flags);
	push(r, e);
}

void cnet_nft_rule_masq(struct cnet_nft_rule *r, uint32_t flags)
{
	struct nftnl_expr *e = expr(r, "masq");

	if (!e)
		return;
	if (flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_FLAGS, flags);
	push(r, e);
}

void cnet_nft_rule_counter(struct cnet_nft_rule *r)
{
	struct nftnl_expr *e = expr(r, "counter");

	if (e)
		push(r, e);
}

void cnet_nft_rule_xt_match(struct cnet_nft_rule *r, const char *name, uint32_t rev,
			    const void *info, uint32_t len)
{
	cleanup_nftnl_expr struct nftnl_expr *e = expr(r, "match");

	if (!e)
		return;
	if (!name || !info || len == 0 || len > 1024) {
		problem(r, -EINVAL, "xt match");
		return;
	}
	/* libnftnl keeps the info pointer (it frees it with the expression): hand it a copy */
	void *copy = malloc(len);
	if (!copy || nftnl_expr_set_str(e, NFTNL_EXPR_MT_NAME, name) < 0) {
		free(copy);
		problem(r, -ENOMEM, "xt match");
		return;
	}
	memcpy(copy, info, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_MT_REV, rev);
	if (nftnl_expr_set(e, NFTNL_EXPR_MT_INFO, copy, len) < 0) {
		free(copy);
		problem(r, -ENOMEM, "xt match");
		return;
	}
	push(r, TAKE_PTR(e));
}

/* ---- batch messages ---------------------------------------------------------------------- */

static int rule_msg(struct cnet_nft_batch *b, const struct cnet_nft_rule *r, bool append,
		    struct cnet_err *err)
{
	const char *table = nftnl_rule_get_str(r->r, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(r->r, NFTNL_RULE_CHAIN);
	char what[CNET_NFT_WHAT_MAX];

	snprintf(what, sizeof(what), "%s rule%s%s%s %s chain %s in table %s %s",
		 append ? "add" : "insert", r->comment[0] ? " \"" : "", r->comment,
		 r->comment[0] ? "\"" : "", append ? "to" : "at the top of", chain,
		 cnet_nft_family_name(r->family), table);
	if (r->error)
		return cnet_err_set(err, CNI_ERR_INTERNAL, -r->error, "%s: %s", what, r->problem);
	if (r->nexprs == 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: no expressions", what);
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_NEWRULE, r->family,
						  NLM_F_CREATE | (append ? NLM_F_APPEND : 0));
	if (!nlh)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", what);
	/* builds from the rule without changing it; libnftnl's prototype is not const */
	nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *)r->r);
	return cnet_nft_msg_end(b, nlh, 0, false, "%s", what);
}

int cnet_nft_rule_add(struct cnet_nft_batch *b, const struct cnet_nft_rule *r,
		      struct cnet_err *err)
{
	return rule_msg(b, r, true, err);
}

int cnet_nft_rule_insert(struct cnet_nft_batch *b, const struct cnet_nft_rule *r,
			 struct cnet_err *err)
{
	return rule_msg(b, r, false, err);
}

int cnet_nft_rule_del(struct cnet_nft_batch *b, uint8_t family, const char *table,
		      const char *chain, uint64_t handle, unsigned flags, struct cnet_err *err)
{
	cleanup_nftnl_rule struct nftnl_rule *r = nftnl_rule_alloc();

	if (!table || !chain || !handle)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "delete rule: no table, chain "
				    "or handle");
	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "delete rule");
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_DELRULE, family, 0);
	if (!nlh)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "delete rule");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return cnet_nft_msg_end(b, nlh, flags & CNET_NFT_IGNORE_ABSENT ? ENOENT : 0, false,
				"delete rule %llu from chain %s in table %s %s",
				(unsigned long long)handle, chain, cnet_nft_family_name(family),
				table);
}
