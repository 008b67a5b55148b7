// SPDX-License-Identifier: Apache-2.0
/*
 * Batch messages for tables, chains, sets and set elements (see nft.h), built with libnftnl's
 * objects into the batch buffer. Rules are in lib/nft_rule.c.
 *
 * What nft 1.0.6 sends, and so what we send (checked with `nft --debug=mnl`):
 *  - a set: key type/len (and data type/len for a map; NFT_DATA_VERDICT with length 0 for a
 *    verdict map), NFT_SET_MAP for maps, NFT_SET_INTERVAL, and for an interval set keyed by a
 *    concatenation NFT_SET_CONCAT plus each field's length (NFTA_SET_DESC_CONCAT); userdata
 *    with the key's byte order (and the data's, for a map), which nft needs to print values;
 *  - an element: its comment as NFTNL_UDATA_SET_ELEM_COMMENT in the element userdata;
 *  - a range in an interval set: with a concatenated key one element with NFTA_SET_ELEM_KEY_END
 *    (inclusive); otherwise two elements, the start and the value after the end flagged
 *    NFT_SET_ELEM_INTERVAL_END (no end element when the range runs to the top of the type,
 *    marked NFTNL_SET_ELEM_F_INTERVAL_OPEN in the start's userdata instead).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "cleanup.h"
#include "nft_int.h"

#define OOM(what) cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", what)

const char *cnet_nft_family_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "unknown";
	}
}

static int check_name(const char *name, const char *kind, struct cnet_err *err)
{
	if (!name || !name[0] || strlen(name) >= NFT_NAME_MAXLEN)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "nftables %s name \"%s\"", kind,
				    name ? name : "");
	return 0;
}

/* NLM_F_* for an add: create, and with CNET_NFT_EXCL fail if it exists. */
static uint16_t add_flags(unsigned flags)
{
	return (uint16_t)(NLM_F_CREATE | (flags & CNET_NFT_EXCL ? NLM_F_EXCL : 0));
}

static int ignore_of(unsigned flags)
{
	return flags & CNET_NFT_IGNORE_ABSENT ? ENOENT : 0;
}

/* ---- tables ------------------------------------------------------------------------------ */

static int table_msg(struct cnet_nft_batch *b, uint16_t type, uint16_t nlflags, uint8_t family,
		     const char *name, int ignore, const char *verb, struct cnet_err *err)
{
	cleanup_nftnl_table struct nftnl_table *t = nftnl_table_alloc();
	int ret = check_name(name, "table", err);

	if (ret < 0)
		return ret;
	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0)
		return OOM("nftables table");
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, type, family, nlflags);
	if (!nlh)
		return OOM("nftables batch");
	nftnl_table_nlmsg_build_payload(nlh, t);
	return cnet_nft_msg_end(b, nlh, ignore, false, "%s table %s %s", verb,
				cnet_nft_family_name(family), name);
}

int cnet_nft_table_add(struct cnet_nft_batch *b, uint8_t family, const char *name, unsigned flags,
		       struct cnet_err *err)
{
	return table_msg(b, NFT_MSG_NEWTABLE, add_flags(flags), family, name, 0, "add", err);
}

int cnet_nft_table_del(struct cnet_nft_batch *b, uint8_t family, const char *name, unsigned flags,
		       struct cnet_err *err)
{
	return table_msg(b, NFT_MSG_DELTABLE, 0, family, name, ignore_of(flags), "delete", err);
}

/* ---- chains ------------------------------------------------------------------------------ */

static struct nftnl_chain *chain_new(uint8_t family, const char *table, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, family);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name) < 0) {
		nftnl_chain_free(c);
		return NULL;
	}
	return c;
}

int cnet_nft_chain_add(struct cnet_nft_batch *b, const struct cnet_nft_chain *spec,
		       unsigned flags, struct cnet_err *err)
{
	int ret = check_name(spec->table, "table", err);

	if (ret >= 0)
		ret = check_name(spec->name, "chain", err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_chain struct nftnl_chain *c = chain_new(spec->family, spec->table,
							       spec->name);
	if (!c)
		return OOM("nftables chain");
	if (spec->type) {
		if (nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, spec->type) < 0)
			return OOM("nftables chain");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, spec->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, spec->prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY,
				    spec->policy_drop ? NF_DROP : NF_ACCEPT);
	}
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_NEWCHAIN, spec->family,
						  add_flags(flags));
	if (!nlh)
		return OOM("nftables batch");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	return cnet_nft_msg_end(b, nlh, 0, false, "add chain %s to table %s %s", spec->name,
				cnet_nft_family_name(spec->family), spec->table);
}

int cnet_nft_chain_del(struct cnet_nft_batch *b, uint8_t family, const char *table,
		       const char *chain, unsigned flags, struct cnet_err *err)
{
	int ret = check_name(table, "table", err);

	if (ret >= 0)
		ret = check_name(chain, "chain", err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_chain struct nftnl_chain *c = chain_new(family, table, chain);
	if (!c)
		return OOM("nftables chain");
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_DELCHAIN, family, 0);
	if (!nlh)
		return OOM("nftables batch");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	return cnet_nft_msg_end(b, nlh, ignore_of(flags), false,
				"delete chain %s from table %s %s", chain,
				cnet_nft_family_name(family), table);
}

int cnet_nft_chain_flush(struct cnet_nft_batch *b, uint8_t family, const char *table,
			 const char *chain, struct cnet_err *err)
{
	int ret = check_name(table, "table", err);

	if (ret >= 0)
		ret = check_name(chain, "chain", err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_rule struct nftnl_rule *r = nftnl_rule_alloc();
	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0)
		return OOM("nftables rule");
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	/* DELRULE without a handle deletes every rule of the chain */
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_DELRULE, family, 0);
	if (!nlh)
		return OOM("nftables batch");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return cnet_nft_msg_end(b, nlh, 0, false, "flush chain %s in table %s %s", chain,
				cnet_nft_family_name(family), table);
}

/* ---- sets -------------------------------------------------------------------------------- */

/* The set's key and data layouts, checked. */
static int set_layouts(const struct cnet_nft_set *s, struct cnet_nft_layout *key,
		       struct cnet_nft_layout *data, struct cnet_err *err)
{
	char what[320];
	int ret = check_name(s->table, "table", err);

	if (ret >= 0)
		ret = check_name(s->name, cnet_nft_set_kind(s), err);
	if (ret < 0)
		return ret;
	snprintf(what, sizeof(what), "%s \"%s\"", cnet_nft_set_kind(s), s->name);
	ret = cnet_nft_layout(s->key, key, what, err);
	if (ret >= 0)
		ret = cnet_nft_layout(s->data, data, what, err);
	if (ret < 0)
		return ret;
	if (key->n == 0 || key->types[0] == CNET_NFT_VERDICT)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: no key type", what);
	if ((s->flags & CNET_NFT_SET_INTERVAL) && key->n == 1 &&
	    key->byteorder != NFT_BYTEORDER_BIG)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
				    "%s: intervals of %s are not supported", what,
				    cnet_nft_dtype_name(key->types[0]));
	return 0;
}

/* A libnftnl set naming s (table, name, family), for messages about it or its elements. */
static struct nftnl_set *set_ref(const struct cnet_nft_set *s)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return NULL;
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, s->family);
	if (nftnl_set_set_str(set, NFTNL_SET_TABLE, s->table) < 0 ||
	    nftnl_set_set_str(set, NFTNL_SET_NAME, s->name) < 0) {
		nftnl_set_free(set);
		return NULL;
	}
	return set;
}

/* The userdata nft writes on a set: byte orders (it prints values with them), comment. */
static int set_udata(struct nftnl_set *set, const struct cnet_nft_set *s,
		     const struct cnet_nft_layout *key, const struct cnet_nft_layout *data)
{
	cleanup_nftnl_udata struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!ud || !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, key->byteorder))
		return -ENOMEM;
	if (data->n && !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_DATABYTEORDER, data->byteorder))
		return -ENOMEM;
	if (s->comment && !nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_COMMENT, s->comment))
		return -ENOMEM;
	if (nftnl_set_set_data(set, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			       nftnl_udata_buf_len(ud)) < 0)
		return -ENOMEM;
	return 0;
}

int cnet_nft_set_add(struct cnet_nft_batch *b, const struct cnet_nft_set *s, unsigned flags,
		     struct cnet_err *err)
{
	struct cnet_nft_layout key, data;
	int ret = set_layouts(s, &key, &data, err);

	if (ret < 0)
		return ret;
	if (s->comment && strlen(s->comment) > CNET_NFT_COMMENT_MAX)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s \"%s\": comment too long",
				    cnet_nft_set_kind(s), s->name);
	cleanup_nftnl_set struct nftnl_set *set = set_ref(s);
	if (!set)
		return OOM("nftables set");
	uint32_t sflags = s->flags & (NFT_SET_INTERVAL | NFT_SET_TIMEOUT);
	if (data.n)
		sflags |= NFT_SET_MAP;
	if ((sflags & NFT_SET_INTERVAL) && key.n > 1) {
		uint8_t field_len[NFT_REG32_COUNT] = { 0 };
		memcpy(field_len, key.field_len, key.n);
		sflags |= NFT_SET_CONCAT;
		if (nftnl_set_set_data(set, NFTNL_SET_DESC_CONCAT, field_len, sizeof(field_len)) < 0)
			return OOM("nftables set");
	}
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, sflags);
	nftnl_set_set_u32(set, NFTNL_SET_ID, ++b->set_id); /* unique in the transaction */
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, key.type);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, key.len);
	if (data.n) {
		nftnl_set_set_u32(set, NFTNL_SET_DATA_TYPE, data.type);
		nftnl_set_set_u32(set, NFTNL_SET_DATA_LEN, data.len);
	}
	if ((sflags & NFT_SET_TIMEOUT) && s->timeout_ms)
		nftnl_set_set_u64(set, NFTNL_SET_TIMEOUT, s->timeout_ms);
	if (set_udata(set, s, &key, &data) < 0)
		return OOM("nftables set");
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_NEWSET, s->family, add_flags(flags));
	if (!nlh)
		return OOM("nftables batch");
	nftnl_set_nlmsg_build_payload(nlh, set);
	return cnet_nft_msg_end(b, nlh, 0, false, "add %s \"%s\" to table %s %s",
				cnet_nft_set_kind(s), s->name, cnet_nft_family_name(s->family),
				s->table);
}

int cnet_nft_set_del(struct cnet_nft_batch *b, const struct cnet_nft_set *s, unsigned flags,
		     struct cnet_err *err)
{
	int ret = check_name(s->table, "table", err);

	if (ret >= 0)
		ret = check_name(s->name, cnet_nft_set_kind(s), err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_set struct nftnl_set *set = set_ref(s);
	if (!set)
		return OOM("nftables set");
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_DELSET, s->family, 0);
	if (!nlh)
		return OOM("nftables batch");
	nftnl_set_nlmsg_build_payload(nlh, set);
	return cnet_nft_msg_end(b, nlh, ignore_of(flags), false,
				"delete %s \"%s\" from table %s %s", cnet_nft_set_kind(s), s->name,
				cnet_nft_family_name(s->family), s->table);
}

int cnet_nft_set_flush(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		       struct cnet_err *err)
{
	int ret = check_name(s->table, "table", err);

	if (ret >= 0)
		ret = check_name(s->name, cnet_nft_set_kind(s), err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_set struct nftnl_set *set = set_ref(s);
	if (!set)
		return OOM("nftables set");
	/* DELSETELEM without elements deletes them all */
	struct nlmsghdr *nlh = cnet_nft_msg_start(b, NFT_MSG_DELSETELEM, s->family, 0);
	if (!nlh)
		return OOM("nftables batch");
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	return cnet_nft_msg_end(b, nlh, 0, false, "flush %s \"%s\" in table %s %s",
				cnet_nft_set_kind(s), s->name, cnet_nft_family_name(s->family),
				s->table);
}

/* ---- elements ---------------------------------------------------------------------------- */

/* Element userdata: comment and, for a range open at the top, nft's "open interval" flag. */
static int elem_udata(struct nftnl_set_elem *e, const char *comment, bool open)
{
	if (!comment && !open)
		return 0;
	cleanup_nftnl_udata struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!ud)
		return -ENOMEM;
	if (comment && !nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, comment))
		return -ENOMEM;
	if (open && !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_ELEM_FLAGS,
					 NFTNL_SET_ELEM_F_INTERVAL_OPEN))
		return -ENOMEM;
	if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
			       nftnl_udata_buf_len(ud)) < 0)
		return -ENOMEM;
	return 0;
}

struct elem_ctx {
	const struct cnet_nft_set *s;
	struct cnet_nft_layout key, data;
	bool add;
	char what[CNET_NFT_WHAT_MAX]; /* "element tcp . 8080" for messages */
};

static int elem_check_value(struct elem_ctx *c, const struct cnet_nft_elem *e,
			    struct cnet_err *err)
{
	bool vmap = c->data.n && c->data.types[0] == CNET_NFT_VERDICT;

	if (c->data.n && !vmap)
		return cnet_nft_key_check(&e->data, &c->data, "element value", err);
	if (e->data.nfields)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: a value in a %s", c->what,
				    vmap ? "verdict map" : "set");
	if (vmap && (e->verdict == NFT_JUMP || e->verdict == NFT_GOTO))
		return check_name(e->chain, "chain", err);
	return 0;
}

static int elem_check_key(struct elem_ctx *c, const struct cnet_nft_elem *e,
			  struct cnet_err *err)
{
	char keybuf[256];
	int ret = cnet_nft_key_check(&e->key, &c->key, "element key", err);

	if (ret < 0)
		return ret;
	snprintf(c->what, sizeof(c->what), "element %s",
		 cnet_nft_key_format(&e->key, keybuf, sizeof(keybuf)));
	if (!e->key_end.nfields)
		return 0;
	if (!(c->s->flags & CNET_NFT_SET_INTERVAL))
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
				    "%s: a range in a set without intervals", c->what);
	ret = cnet_nft_key_check(&e->key_end, &c->key, "element range end", err);
	if (ret < 0)
		return ret;
	size_t n = strlen(c->what);
	snprintf(c->what + n, sizeof(c->what) - n, "-%s",
		 cnet_nft_key_format(&e->key_end, keybuf, sizeof(keybuf)));
	return 0;
}

/* Check e against the set; fills c->what. */
static int elem_check(struct elem_ctx *c, const struct cnet_nft_elem *e, struct cnet_err *err)
{
	int ret = elem_check_key(c, e, err);

	if (ret >= 0 && c->add)
		ret = elem_check_value(c, e, err);
	if (ret >= 0 && c->add && e->comment && strlen(e->comment) > CNET_NFT_COMMENT_MAX)
		ret = cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: comment longer than %d",
				   c->what, CNET_NFT_COMMENT_MAX);
	if (ret < 0)
		cnet_err_prefix(err, "%s \"%s\"", cnet_nft_set_kind(c->s), c->s->name);
	return ret;
}

/* The libnftnl element(s) for e: the start (with its value) and, for a range in a
 * non-concatenated interval set, the end element. */
static int elem_build(const struct elem_ctx *c, const struct cnet_nft_elem *e,
		      struct nftnl_set *set)
{
	const struct cnet_nft_key *last = e->key_end.nfields ? &e->key_end : &e->key;
	bool interval = c->s->flags & CNET_NFT_SET_INTERVAL;
	bool concat = c->key.n > 1;
	uint8_t end[CNET_NFT_KEY_MAX];
	bool open = false;
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();

	if (!el)
		return -ENOMEM;
	nftnl_set_elem_add(set, el); /* the set owns it from here */
	if (nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, e->key.data, c->key.len) < 0)
		return -ENOMEM;
	if (interval && concat) {
		if (nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY_END, last->data, c->key.len) < 0)
			return -ENOMEM;
	} else if (interval) {
		memcpy(end, last->data, c->key.len);
		open = !cnet_nft_be_inc(end, c->key.len);
	}
	if (c->add) {
		if (c->data.n && c->data.types[0] == CNET_NFT_VERDICT) {
			nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_VERDICT, (uint32_t)e->verdict);
			if ((e->verdict == NFT_JUMP || e->verdict == NFT_GOTO) &&
			    nftnl_set_elem_set_str(el, NFTNL_SET_ELEM_CHAIN, e->chain) < 0)
				return -ENOMEM;
		} else if (c->data.n &&
			   nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, e->data.data, c->data.len) < 0) {
			return -ENOMEM;
		}
		if (e->timeout_ms)
			nftnl_set_elem_set_u64(el, NFTNL_SET_ELEM_TIMEOUT, e->timeout_ms);
		if (elem_udata(el, e->comment, open) < 0)
			return -ENOMEM;
	}
	if (interval && !concat && !open) {
		struct nftnl_set_elem *eel = nftnl_set_elem_alloc();
		if (!eel)
			return -ENOMEM;
		nftnl_set_elem_add(set, eel);
		nftnl_set_elem_set_u32(eel, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
		if (nftnl_set_elem_set(eel, NFTNL_SET_ELEM_KEY, end, c->key.len) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The element list of a message: like nftnl_set_elems_nlmsg_build_payload(), except that
 * every element is nested as NFTA_LIST_ELEM (as nft does; libnftnl 1.2.4 numbers them 1, 2,
 * ..., which the kernel ignores but libnftnl's own parser then rejects).
 */
static int elems_payload(struct nlmsghdr *nlh, const struct cnet_nft_set *s,
			 struct nftnl_set *set)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(set);

	if (!it)
		return -ENOMEM;
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, s->table);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, s->name);
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (struct nftnl_set_elem *e = nftnl_set_elems_iter_next(it); e;
	     e = nftnl_set_elems_iter_next(it))
		nftnl_set_elem_nlmsg_build(nlh, e, NFTA_LIST_ELEM);
	mnl_attr_nest_end(nlh, nest);
	nftnl_set_elems_iter_destroy(it);
	return 0;
}

static int elem_msgs(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		     const struct cnet_nft_elem *elems, size_t n, unsigned flags, bool add,
		     struct cnet_err *err)
{
	struct elem_ctx c = { .s = s, .add = add };
	int ret = set_layouts(s, &c.key, &c.data, err);
	int first = -1;
	size_t mark = b->n, mark_len = b->len;

	for (size_t i = 0; ret >= 0 && i < n; i++) {
		ret = elem_check(&c, &elems[i], err);
		if (ret < 0)
			break;
		cleanup_nftnl_set struct nftnl_set *set = set_ref(s);
		if (!set || elem_build(&c, &elems[i], set) < 0) {
			ret = OOM("nftables element");
			break;
		}
		bool destroy = !add && (flags & CNET_NFT_IGNORE_ABSENT);
		uint16_t type = add ? NFT_MSG_NEWSETELEM
				    : destroy ? CNET_NFT_MSG_DESTROYSETELEM : NFT_MSG_DELSETELEM;
		struct nlmsghdr *nlh = cnet_nft_msg_start(b, type, s->family,
							  add ? add_flags(flags) : 0);
		if (!nlh) {
			ret = OOM("nftables batch");
			break;
		}
		if (elems_payload(nlh, s, set) < 0) {
			ret = OOM("nftables element");
			break;
		}
		ret = cnet_nft_msg_end(b, nlh, ignore_of(flags), destroy,
				       "%s %s %s %s \"%s\" in table %s %s", add ? "add" : "delete",
				       c.what, add ? "to" : "from", cnet_nft_set_kind(s), s->name,
				       cnet_nft_family_name(s->family), s->table);
		if (first < 0)
			first = ret;
	}
	if (ret < 0) { /* all of this call's elements or none */
		cnet_nft_batch_truncate(b, mark, mark_len);
		return ret;
	}
	return first < 0 ? (int)b->n : first;
}

int cnet_nft_elem_add(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		      const struct cnet_nft_elem *elems, size_t n, unsigned flags,
		      struct cnet_err *err)
{
	return elem_msgs(b, s, elems, n, flags, true, err);
}

int cnet_nft_elem_del(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		      const struct cnet_nft_elem *elems, size_t n, unsigned flags,
		      struct cnet_err *err)
{
	return elem_msgs(b, s, elems, n, flags, false, err);
}
