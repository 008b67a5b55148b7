// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "nft_owner.h"

const struct cnet_nft_family cnet_nft_families[2] = {
	{ NFPROTO_IPV4, 12, 16, 4 },
	{ NFPROTO_IPV6, 8, 24, 16 },
};

void cnet_nft_rule_match_family(struct cnet_nft_rule *r, const struct cnet_nft_family *f)
{
	cnet_nft_rule_meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, &f->nfproto, 1);
}

int cnet_nft_open_locked(struct cnet_nft **nft, int *lock, bool existing_only,
			 struct cnet_err *err)
{
	return cnet_nft_open_locked_family(nft, lock, NFPROTO_INET, existing_only, err);
}

int cnet_nft_open_locked_family(struct cnet_nft **nft, int *lock, uint8_t family,
				bool existing_only, struct cnet_err *err)
{
	*nft = NULL;
	*lock = cnet_state_lock("nftables", err);
	if (*lock < 0)
		return *lock;
	int r = cnet_nft_open(nft, -1, 0, err);
	if (r < 0 || !existing_only)
		return r;
	r = cnet_nft_table_exists(*nft, family, CNET_NFT_TABLE, err);
	if (r <= 0) {
		cnet_nft_close(*nft);
		*nft = NULL;
	}
	return r < 0 ? r : 0;
}

void cnet_nft_owner(char *buf, size_t len, const char *net, const char *id, const char *ifname)
{
	snprintf(buf, len, "%s/%s/%s", net, id, ifname);
}

struct select {
	const char *owner;        /* exact owner, or NULL: GC of network net with a */
	const char *net;
	const struct cni_args *a;
	struct cnet_nft_elem *elems;
	size_t n, cap;
};

bool cnet_nft_owner_is_stale(const char *owner, const char *net, const struct cni_args *a)
{
	size_t nlen = strlen(net);
	if (strncmp(owner, net, nlen) || owner[nlen] != '/')
		return false;   /* another network's, or not cnet's */
	char id[256];
	const char *rest = owner + nlen + 1, *slash = strchr(rest, '/');
	if (!slash || (size_t)(slash - rest) >= sizeof(id))
		return false;
	snprintf(id, sizeof(id), "%.*s", (int)(slash - rest), rest);
	return !cni_attachment_is_valid(a, id, slash + 1);
}

static int collect(const struct cnet_nft_elem_info *e, void *arg)
{
	struct select *s = arg;
	if (s->owner ? strcmp(e->comment, s->owner) != 0 : !cnet_nft_owner_is_stale(e->comment, s->net, s->a))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct cnet_nft_elem *ne = realloc(s->elems, cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		s->elems = ne;
		s->cap = cap;
	}
	s->elems[s->n] = e->elem;
	s->elems[s->n].comment = NULL;   /* pointed into e's buffers */
	s->elems[s->n].chain = NULL;
	s->n++;
	return 0;
}

static int delete_selected(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			   struct select *sel, struct cnet_err *err)
{
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	int r = b ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	for (size_t i = 0; r >= 0 && i < n; i++) {
		sel->n = 0;
		r = cnet_nft_elem_list(nft, sets[i], collect, sel, err);
		if (r == -ENOENT)
			r = 0;
		if (r >= 0 && sel->n)
			r = cnet_nft_elem_del(b, sets[i], sel->elems, sel->n, CNET_NFT_IGNORE_ABSENT,
					      err);
	}
	free(sel->elems);
	if (r >= 0 && cnet_nft_batch_count(b))
		r = cnet_nft_commit(nft, b, err);
	return r;
}

int cnet_nft_delete_owned(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *owner, struct cnet_err *err)
{
	struct select sel = { .owner = owner };
	return delete_selected(nft, sets, n, &sel, err);
}

int cnet_nft_delete_stale(struct cnet_nft *nft, const struct cnet_nft_set *const *sets, size_t n,
			  const char *net, const struct cni_args *a, struct cnet_err *err)
{
	struct select sel = { .net = net, .a = a };
	return delete_selected(nft, sets, n, &sel, err);
}
