// SPDX-License-Identifier: Apache-2.0
/*
 * Queries (see nft.h): does a table / set exist, list a set's elements, get one element.
 * Each is one request on the netfilter socket, answered before anything else is sent.
 *
 * A dump is read completely before the caller sees an element: if the ruleset changes while
 * the kernel is dumping (NLM_F_DUMP_INTR) the dump is simply taken again, and the two halves
 * of a range in an interval set can be paired up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include "cleanup.h"
#include "nft_int.h"

#define DUMP_TRIES 4
#define REQ_BUF 8192 /* one request: a table, a set, or one key */

typedef int (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send req and hand every reply with its sequence number to cb until the final ACK or
 * NLMSG_DONE. Returns 0, -EINTR when a dump was interrupted by a ruleset change, or -errno:
 * the kernel's (with its text in ext) or the socket's (ext "").
 */
static int talk(struct cnet_nft *nft, struct nlmsghdr *req, reply_cb cb, void *arg,
		char ext[256])
{
	uint32_t seq = req->nlmsg_seq;
	bool intr = false;

	ext[0] = '\0';
	if (mnl_socket_sendto(nft->nl, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(nft->nl), nft->buf, CNET_NFT_RECV_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nft->buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != nft->portid))
				continue; /* a late answer to something else */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int e;
				cnet_nft_parse_ack(nlh, &e, ext, 256);
				return e ? -e : (intr ? -EINTR : 0);
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				const int *done = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) && *done < 0)
					return *done;
				return intr ? -EINTR : 0;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			int ret = cb(nlh, arg);
			if (ret < 0)
				return ret;
		}
	}
}

static int ignore_reply(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return 0;
}

/* A GET for one object: 1 found, 0 ENOENT, negative errno (err filled) otherwise. */
static int exists(struct cnet_nft *nft, struct nlmsghdr *req, const char *what,
		  struct cnet_err *err)
{
	char ext[256];
	int ret = talk(nft, req, ignore_reply, NULL, ext);

	if (ret == 0)
		return 1;
	if (ret == -ENOENT)
		return 0;
	return cnet_nft_fail(-ret, ext, err, "%s", what);
}

int cnet_nft_table_exists(struct cnet_nft *nft, uint8_t family, const char *name,
			  struct cnet_err *err)
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	cleanup_nftnl_table struct nftnl_table *t = nftnl_table_alloc();

	if (!name || strlen(name) >= NFT_NAME_MAXLEN)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "nftables table name");
	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "look up table");
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, family, NLM_F_ACK,
						     cnet_nft_next_seq(nft, 1));
	nftnl_table_nlmsg_build_payload(nlh, t);
	char what[CNET_NFT_WHAT_MAX];
	snprintf(what, sizeof(what), "look up table %s %s", cnet_nft_family_name(family), name);
	return exists(nft, nlh, what, err);
}

static struct nftnl_set *set_named(const struct cnet_nft_set *s)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return NULL;
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, s->family);
	if (!s->table || !s->name || strlen(s->table) >= NFT_NAME_MAXLEN ||
	    strlen(s->name) >= NFT_NAME_MAXLEN ||
	    nftnl_set_set_str(set, NFTNL_SET_TABLE, s->table) < 0 ||
	    nftnl_set_set_str(set, NFTNL_SET_NAME, s->name) < 0) {
		nftnl_set_free(set);
		return NULL;
	}
	return set;
}

int cnet_nft_set_exists(struct cnet_nft *nft, const struct cnet_nft_set *s, struct cnet_err *err)
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	cleanup_nftnl_set struct nftnl_set *set = set_named(s);

	if (!set)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "look up set");
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSET, s->family, NLM_F_ACK,
						     cnet_nft_next_seq(nft, 1));
	nftnl_set_nlmsg_build_payload(nlh, set);
	char what[CNET_NFT_WHAT_MAX];
	snprintf(what, sizeof(what), "look up %s \"%s\" in table %s %s", cnet_nft_set_kind(s),
		 s->name, cnet_nft_family_name(s->family), s->table);
	return exists(nft, nlh, what, err);
}

int cnet_nft_chain_exists(struct cnet_nft *nft, uint8_t family, const char *table,
			  const char *chain, struct cnet_err *err)
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	cleanup_nftnl_chain struct nftnl_chain *c = nftnl_chain_alloc();

	if (!table || !chain || strlen(table) >= NFT_NAME_MAXLEN ||
	    strlen(chain) >= NFT_CHAIN_MAXNAMELEN)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "nftables chain name");
	if (!c || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "look up chain");
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family, NLM_F_ACK,
						     cnet_nft_next_seq(nft, 1));
	nftnl_chain_nlmsg_build_payload(nlh, c);
	char what[CNET_NFT_WHAT_MAX];
	snprintf(what, sizeof(what), "look up chain %s in table %s %s", chain,
		 cnet_nft_family_name(family), table);
	return exists(nft, nlh, what, err);
}

/* ---- rules ------------------------------------------------------------------------------- */

/* Copy a comment of up to len bytes (NUL-terminated or not) into out, capped. */
static void copy_comment(char out[CNET_NFT_COMMENT_MAX + 1], const char *text, size_t len)
{
	size_t n = strnlen(text, len);
	if (n > CNET_NFT_COMMENT_MAX)
		n = CNET_NFT_COMMENT_MAX;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* A rule's or an element's userdata comment (the same TLV type in both, as nft writes them). */
_Static_assert((int)NFTNL_UDATA_RULE_COMMENT == (int)NFTNL_UDATA_SET_ELEM_COMMENT, "comment TLVs");
static int comment_cb(const struct nftnl_udata *attr, void *arg)
{
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
		copy_comment(arg, nftnl_udata_get(attr), nftnl_udata_len(attr));
	return 0;
}


struct rules {
	struct cnet_nft_rule_info *v;
	size_t n, cap;
};

/* iptables-nft (1.8) keeps `-m comment --comment` as an x_tables "comment" match, whose info
 * is the NUL-terminated text (struct xt_comment_info): a comment all the same. */
static void xt_comment(struct nftnl_expr *e, char out[CNET_NFT_COMMENT_MAX + 1])
{
	const char *mt = nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME);
	uint32_t len = 0;
	const char *text = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
	if (mt && !strcmp(mt, "comment") && text && len)
		copy_comment(out, text, len);
}

static void rule_info(struct nftnl_rule *r, struct cnet_nft_rule_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	uint32_t len = 0;
	const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (ud && len)
		nftnl_udata_parse(ud, len, comment_cb, info->comment);
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	if (!it)
		return;
	for (struct nftnl_expr *e = nftnl_expr_iter_next(it); e; e = nftnl_expr_iter_next(it)) {
		info->nexprs++;
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		if (name && !strcmp(name, "match") && !info->comment[0])
			xt_comment(e, info->comment);
		if (!name || strcmp(name, "immediate") != 0 ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT)
			continue;
		info->verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
		const char *chain = nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN)
					    ? nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN)
					    : "";
		snprintf(info->target, sizeof(info->target), "%s", chain ? chain : "");
	}
	nftnl_expr_iter_destroy(it);
}

static int rules_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rules *rs = arg;
	cleanup_nftnl_rule struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		return -EBADMSG;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct cnet_nft_rule_info *v = reallocarray(rs->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	rule_info(r, &rs->v[rs->n++]);
	return 0;
}

int cnet_nft_rule_list(struct cnet_nft *nft, uint8_t family, const char *table, const char *chain,
		       int (*cb)(const struct cnet_nft_rule_info *r, void *arg), void *arg,
		       struct cnet_err *err)
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	struct rules rs = { 0 };
	char ext[256];
	int ret = -EINTR;

	if (!table || !chain || strlen(table) >= NFT_NAME_MAXLEN ||
	    strlen(chain) >= NFT_CHAIN_MAXNAMELEN)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "nftables chain name");
	for (int i = 0; i < DUMP_TRIES && ret == -EINTR; i++) {
		cleanup_nftnl_rule struct nftnl_rule *req = nftnl_rule_alloc();
		if (!req || nftnl_rule_set_str(req, NFTNL_RULE_TABLE, table) < 0 ||
		    nftnl_rule_set_str(req, NFTNL_RULE_CHAIN, chain) < 0) {
			ret = -ENOMEM;
			break;
		}
		rs.n = 0;
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family,
							     NLM_F_DUMP, cnet_nft_next_seq(nft, 1));
		nftnl_rule_nlmsg_build_payload(nlh, req);
		ret = talk(nft, nlh, rules_cb, &rs, ext);
	}
	if (ret == 0) {
		for (size_t i = 0; i < rs.n && ret == 0; i++)
			ret = cb(&rs.v[i], arg);
	} else if (ret == -ENOMEM || ret == -EBADMSG) {
		ret = cnet_err_set(err, CNI_ERR_INTERNAL, -ret, "list chain %s", chain);
	} else if (ret != -ENOENT) {
		ret = cnet_nft_fail(-ret, ext, err, "list chain %s in table %s %s", chain,
				    cnet_nft_family_name(family), table);
	}
	free(rs.v);
	return ret;
}

/* ---- elements ---------------------------------------------------------------------------- */

struct layouts {
	struct cnet_nft_layout key, data;
	bool interval, concat;
};


/* Fill out from a libnftnl element (start of a range for interval sets). */
static int elem_info(struct nftnl_set_elem *e, const struct layouts *l,
		     struct cnet_nft_elem_info *out)
{
	uint32_t len = 0;
	const void *p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

	memset(out, 0, sizeof(*out));
	if (!p || cnet_nft_key_from_wire(&out->elem.key, &l->key, p, len) < 0)
		return -EBADMSG;
	if ((p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &len)) &&
	    cnet_nft_key_from_wire(&out->elem.key_end, &l->key, p, len) < 0)
		return -EBADMSG;
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT)) {
		out->elem.verdict = (int)nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT);
		const char *chain = nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN);
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN) && chain) {
			snprintf(out->chain, sizeof(out->chain), "%s", chain);
			out->elem.chain = out->chain;
		}
	} else if ((p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &len)) &&
		   cnet_nft_key_from_wire(&out->elem.data, &l->data, p, len) < 0) {
		return -EBADMSG;
	}
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_TIMEOUT))
		out->elem.timeout_ms = nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_TIMEOUT);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_EXPIRATION))
		out->expires_ms = nftnl_set_elem_get_u64(e, NFTNL_SET_ELEM_EXPIRATION);
	if ((p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &len)))
		nftnl_udata_parse(p, len, comment_cb, out->comment);
	if (out->comment[0])
		out->elem.comment = out->comment;
	return 0;
}

static bool is_end(struct nftnl_set_elem *e)
{
	return nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
	       (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END);
}

struct ends {
	uint8_t (*key)[CNET_NFT_KEY_MAX];
	size_t n;
	uint32_t len;
};

static int cmp_end(const void *a, const void *b, void *len)
{
	return memcmp(a, b, *(uint32_t *)len);
}

/* The end keys (exclusive) of the ranges in a non-concatenated interval set, sorted. */
static int collect_ends(struct nftnl_set *set, struct ends *ends)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(set);
	size_t cap = 0;

	if (!it)
		return -ENOMEM;
	for (struct nftnl_set_elem *e = nftnl_set_elems_iter_next(it); e;
	     e = nftnl_set_elems_iter_next(it)) {
		uint32_t len = 0;
		const void *p = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		if (!is_end(e) || !p || len != ends->len)
			continue;
		if (ends->n == cap) {
			cap = cap ? 2 * cap : 16;
			void *k = realloc(ends->key, cap * sizeof(*ends->key));
			if (!k) {
				nftnl_set_elems_iter_destroy(it);
				return -ENOMEM;
			}
			ends->key = k;
		}
		memcpy(ends->key[ends->n++], p, len);
	}
	nftnl_set_elems_iter_destroy(it);
	if (ends->n > 1)
		qsort_r(ends->key, ends->n, sizeof(*ends->key), cmp_end, &ends->len);
	return 0;
}

/* key_end of the range starting at out->elem.key: the first end after it, minus one. */
static void pair_range(const struct ends *ends, const struct layouts *l,
		       struct cnet_nft_elem_info *out)
{
	uint8_t last[CNET_NFT_KEY_MAX];
	size_t lo = 0, hi = ends->n;

	while (lo < hi) { /* first end key > start */
		size_t mid = (lo + hi) / 2;
		if (memcmp(ends->key[mid], out->elem.key.data, l->key.len) > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < ends->n) {
		memcpy(last, ends->key[lo], l->key.len);
		for (uint32_t i = l->key.len; i-- > 0;) /* minus one, big endian */
			if (last[i]-- != 0)
				break;
	} else {
		memset(last, 0xff, l->key.len); /* open: up to the top */
	}
	cnet_nft_key_from_wire(&out->elem.key_end, &l->key, last, l->key.len);
}

struct collect {
	struct nftnl_set *set;
};

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;

	return nftnl_set_elems_nlmsg_parse(nlh, c->set) < 0 ? -EBADMSG : 0;
}

/* Dump the elements into a fresh libnftnl set (retrying when interrupted). */
static int dump(struct cnet_nft *nft, const struct cnet_nft_set *s, struct nftnl_set **out,
		char ext[256])
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	int ret = -EINTR;

	for (int i = 0; i < DUMP_TRIES && ret == -EINTR; i++) {
		cleanup_nftnl_set struct nftnl_set *req = set_named(s);
		cleanup_nftnl_set struct nftnl_set *got = set_named(s);
		if (!req || !got)
			return -ENOMEM;
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, s->family,
							     NLM_F_DUMP, cnet_nft_next_seq(nft, 1));
		nftnl_set_elems_nlmsg_build_payload(nlh, req);
		struct collect c = { .set = got };
		ret = talk(nft, nlh, collect_cb, &c, ext);
		if (ret == 0)
			*out = TAKE_PTR(got);
	}
	return ret;
}

static int walk(struct nftnl_set *set, const struct layouts *l, const struct ends *ends,
		int (*cb)(const struct cnet_nft_elem_info *e, void *arg), void *arg)
{
	cleanup_free struct cnet_nft_elem_info *info = malloc(sizeof(*info));
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(set);
	int ret = 0;

	if (!info || !it) {
		if (it)
			nftnl_set_elems_iter_destroy(it);
		return -ENOMEM;
	}
	for (struct nftnl_set_elem *e = nftnl_set_elems_iter_next(it); e && ret == 0;
	     e = nftnl_set_elems_iter_next(it)) {
		if (l->interval && !l->concat && is_end(e))
			continue;
		ret = elem_info(e, l, info);
		if (ret < 0)
			break;
		if (l->interval && !l->concat)
			pair_range(ends, l, info);
		else if (l->interval && !info->elem.key_end.nfields)
			info->elem.key_end = info->elem.key;
		ret = cb(info, arg);
	}
	nftnl_set_elems_iter_destroy(it);
	return ret;
}

static int layouts_of(const struct cnet_nft_set *s, struct layouts *l, struct cnet_err *err)
{
	int ret = cnet_nft_layout(s->key, &l->key, s->name, err);

	if (ret >= 0)
		ret = cnet_nft_layout(s->data, &l->data, s->name, err);
	if (ret >= 0 && l->key.n == 0)
		ret = cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: no key type", s->name);
	l->interval = s->flags & CNET_NFT_SET_INTERVAL;
	l->concat = l->key.n > 1;
	return ret;
}

int cnet_nft_elem_list(struct cnet_nft *nft, const struct cnet_nft_set *s,
		       int (*cb)(const struct cnet_nft_elem_info *e, void *arg), void *arg,
		       struct cnet_err *err)
{
	struct layouts l;
	int ret = layouts_of(s, &l, err);
	char ext[256];

	if (ret < 0)
		return ret;
	cleanup_nftnl_set struct nftnl_set *set = NULL;
	ret = dump(nft, s, &set, ext);
	if (ret == -ENOENT)
		return ret;
	if (ret < 0)
		return cnet_nft_fail(-ret, ext, err, "list %s \"%s\" in table %s %s",
				     cnet_nft_set_kind(s), s->name, cnet_nft_family_name(s->family),
				     s->table);
	struct ends ends = { .len = l.key.len };
	if (l.interval && !l.concat && collect_ends(set, &ends) < 0)
		ret = -ENOMEM;
	if (ret >= 0)
		ret = walk(set, &l, &ends, cb, arg);
	free(ends.key);
	if (ret == -ENOMEM || ret == -EBADMSG)
		return cnet_err_set(err, CNI_ERR_INTERNAL, -ret, "list %s \"%s\"",
				    cnet_nft_set_kind(s), s->name);
	return ret;
}

static int get_cb(const struct cnet_nft_elem_info *e, void *arg)
{
	struct cnet_nft_elem_info *out = arg;

	*out = *e; /* the pointers into e's buffers must point into out's */
	if (e->elem.comment)
		out->elem.comment = out->comment;
	if (e->elem.chain)
		out->elem.chain = out->chain;
	return 1;
}

int cnet_nft_elem_get(struct cnet_nft *nft, const struct cnet_nft_set *s,
		      const struct cnet_nft_key *key, struct cnet_nft_elem_info *out,
		      struct cnet_err *err)
{
	char buf[REQ_BUF] __attribute__((aligned(8))) = { 0 };
	struct layouts l;
	int ret = layouts_of(s, &l, err);

	if (ret >= 0)
		ret = cnet_nft_key_check(key, &l.key, s->name, err);
	if (ret < 0)
		return ret;
	cleanup_nftnl_set struct nftnl_set *req = set_named(s);
	cleanup_nftnl_set struct nftnl_set *got = set_named(s);
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	if (!req || !got || !e) {
		if (e)
			nftnl_set_elem_free(e);
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "get element");
	}
	nftnl_set_elem_add(req, e);
	if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key->data, l.key.len) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "get element");
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, s->family, NLM_F_ACK,
						     cnet_nft_next_seq(nft, 1));
	nftnl_set_elems_nlmsg_build_payload(nlh, req);
	char ext[256];
	struct collect c = { .set = got };
	ret = talk(nft, nlh, collect_cb, &c, ext);
	if (ret == -ENOENT)
		return ret;
	if (ret < 0) {
		char k[256];
		return cnet_nft_fail(-ret, ext, err, "get element %s from %s \"%s\" in table %s %s",
				     cnet_nft_key_format(key, k, sizeof(k)), cnet_nft_set_kind(s),
				     s->name, cnet_nft_family_name(s->family), s->table);
	}
	struct layouts exact = l;
	struct ends none = { .len = l.key.len };
	exact.interval = false; /* report the element as the kernel returned it */
	ret = walk(got, &exact, &none, get_cb, out);
	if (ret == 0)
		return -ENOENT;
	return ret < 0 ? cnet_err_set(err, CNI_ERR_INTERNAL, -ret, "get element") : 0;
}
