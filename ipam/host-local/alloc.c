// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

static void fill_result(const struct hl_range *r, const struct ipaddr *ip, struct cni_ip *out)
{
	memset(out, 0, sizeof(*out));
	out->address.addr = *ip;
	out->address.plen = r->subnet.plen;
	out->gateway = r->gateway;
	out->interface = -1;
}

static int alloc_requested(struct hl_store *s, const struct hl_rangeset *set, int set_idx,
			   const char *id, const char *ifname, const struct ipaddr *ip,
			   struct cni_ip *out, struct cnet_err *err)
{
	char a[IPADDR_STRLEN];
	const struct hl_range *r = hl_rangeset_find(set, ip);
	if (!r)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "requested IP %s is not in range set %d", ipaddr_format(ip, a),
				    set_idx);
	if (ipaddr_equal(ip, &r->gateway))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "requested IP %s is the subnet's gateway", ipaddr_format(ip, a));
	int ret = hl_store_reserve(s, id, ifname, ip, set_idx, err);
	if (ret == -EEXIST)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "requested IP address %s is not available in range set %d",
				    ipaddr_format(ip, a), set_idx);
	if (ret < 0)
		return ret;
	fill_result(r, ip, out);
	return 0;
}

/* Where the round robin starts: after the last reserved address when it is in the set. */
static void iter_start(struct hl_store *s, const struct hl_rangeset *set, int set_idx,
		       size_t *ri, struct ipaddr *cur)
{
	struct ipaddr last;
	*ri = 0;
	*cur = set->ranges[0].start;
	if (hl_store_last_reserved(s, set_idx, &last) < 0)
		return;
	for (size_t i = 0; i < set->n; i++) {
		const struct hl_range *r = &set->ranges[i];
		if (!hl_range_contains(r, &last))
			continue;
		*ri = i;
		if (ipaddr_cmp(&last, &r->end) < 0) {
			ipaddr_add(&last, 1, cur);
		} else {
			*ri = (i + 1) % set->n;
			*cur = set->ranges[*ri].start;
		}
		return;
	}
}

int hl_alloc(struct hl_store *s, const struct hl_rangeset *set, int set_idx, const char *id,
	     const char *ifname, const struct ipaddr *requested, struct cni_ip *out,
	     struct cnet_err *err)
{
	if (requested)
		return alloc_requested(s, set, set_idx, id, ifname, requested, out, err);

	size_t ri;
	struct ipaddr cur, first;
	iter_start(s, set, set_idx, &ri, &cur);
	first = cur;
	for (;;) {
		const struct hl_range *r = &set->ranges[ri];
		if (!ipaddr_equal(&cur, &r->gateway)) {
			int ret = hl_store_reserve(s, id, ifname, &cur, set_idx, err);
			if (ret == 0) {
				fill_result(r, &cur, out);
				return 0;
			}
			if (ret != -EEXIST)
				return ret;
		}
		if (ipaddr_cmp(&cur, &r->end) < 0) {
			ipaddr_add(&cur, 1, &cur);
		} else {
			ri = (ri + 1) % set->n;
			cur = set->ranges[ri].start;
		}
		if (ipaddr_equal(&cur, &first))
			break;
	}
	char net[IPNET_STRLEN];
	return cnet_err_set(err, CNET_ERR_EXHAUSTED, 0,
			    "no IP addresses available in range set %d (%s%s)", set_idx,
			    ipnet_format(&set->ranges[0].subnet, net), set->n > 1 ? ", ..." : "");
}

struct count_ctx {
	const struct hl_rangeset *set;
	uint64_t used;
};

static int count_lease(const struct ipaddr *ip, const char *id, const char *ifname, void *ctx)
{
	struct count_ctx *c = ctx;
	(void)id;
	(void)ifname;
	const struct hl_range *r = hl_rangeset_find(c->set, ip);
	if (r && !ipaddr_equal(ip, &r->gateway))
		c->used++;
	return 0;
}

uint64_t hl_free_count(struct hl_store *s, const struct hl_rangeset *set, struct cnet_err *err)
{
	uint64_t total = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct hl_range *r = &set->ranges[i];
		int64_t d = ipaddr_diff(&r->start, &r->end);
		uint64_t n = d == INT64_MAX ? UINT64_MAX / 2 : (uint64_t)d + 1;
		if (hl_range_contains(r, &r->gateway))
			n--;
		total = total + n < total ? UINT64_MAX : total + n;
	}
	struct count_ctx c = { set, 0 };
	if (hl_store_foreach(s, count_lease, &c, err) < 0)
		return 0;
	return c.used >= total ? 0 : total - c.used;
}
