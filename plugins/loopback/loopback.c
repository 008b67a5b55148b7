// SPDX-License-Identifier: Apache-2.0
/*
 * loopback: bring `lo` up inside the container (Kubernetes conflists list it first). ADD
 * answers lo with its first IPv4 and first IPv6 address, as the reference does, or passes
 * prevResult on when chained; DEL brings lo down (a namespace already gone is success);
 * CHECK verifies lo is up. CNI_IFNAME is ignored: this plugin only ever touches lo.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cni.h"
#include "nl.h"

#define LO "lo"

/* Go's net.IP.IsLoopback: 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104. */
static bool is_loopback(const struct ipaddr *ip)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t one[16] = { [15] = 1 };
	if (ip->family == AF_INET)
		return ip->a[0] == 127;
	return !memcmp(ip->a, one, 16) || (!memcmp(ip->a, mapped, 12) && ip->a[12] == 127);
}

/* Open a netlink socket in the container and find lo there. */
static int open_lo(const struct cni_args *a, struct cnet_nl **nl, struct cnet_link *lo,
		   struct cnet_err *err)
{
	int r = cnet_nl_open(nl, a->netns_fd, err);
	if (r < 0)
		return r;
	r = cnet_nl_link_get(*nl, LO, lo, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENODEV, "loopback: %s in %s", LO,
				    a->netns);
	return r;
}

/* The first address of family on lo into *first (family 0 when it has none); every address
 * of that family must be a loopback one. */
static int first_addr(struct cnet_nl *nl, const struct cnet_link *lo, int family,
		      const char *netns, struct ipnet *first, struct cnet_err *err)
{
	cleanup_free struct ipnet *v = NULL;
	size_t n = 0;
	int r = cnet_nl_addr_list(nl, lo->ifindex, family, &v, &n, err);
	if (r < 0)
		return r;
	memset(first, 0, sizeof(*first));
	for (size_t i = 0; i < n; i++) {
		char buf[IPNET_STRLEN];
		if (!is_loopback(&v[i].addr))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "loopback: %s in %s has a non-loopback address %s", LO,
					    netns, ipnet_format(&v[i], buf));
	}
	if (n)
		*first = v[0];
	return 0;
}

/* The reference's own result: lo with a zero MAC, in the sandbox, and its addresses. */
static int lo_result(const struct cni_args *a, const struct ipnet addrs[2],
		     struct cni_result **out, struct cnet_err *err)
{
	static const uint8_t zero_mac[6];
	struct cni_result *res cleanup_result = cni_result_new(a->version);
	if (!res)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "loopback: result");
	int r = cni_result_add_iface(res, LO, zero_mac, a->netns, err);
	for (int i = 0; r >= 0 && i < 2; i++) {
		struct cni_ip ip = { .address = addrs[i], .interface = 0 };
		if (addrs[i].addr.family)
			r = cni_result_add_ip(res, &ip, err);
	}
	if (r < 0)
		return r;
	*out = TAKE_PTR(res);
	return 0;
}

static int lo_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct cnet_nl *nl cleanup_nl = NULL;
	struct cnet_link lo;
	struct ipnet addrs[2];
	int r = open_lo(a, &nl, &lo, err);
	if (r >= 0)
		r = cnet_nl_link_set_up(nl, lo.ifindex, true, err);
	if (r >= 0)
		r = first_addr(nl, &lo, AF_INET, a->netns, &addrs[0], err);
	if (r >= 0)
		r = first_addr(nl, &lo, AF_INET6, a->netns, &addrs[1], err);
	if (r < 0)
		return r;
	if (a->prev) {   /* chained: pass the previous result on, in our version */
		*out = cni_result_copy(a->prev, a->version);
		return *out ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "loopback: result");
	}
	return lo_result(a, addrs, out, err);
}

/* DEL: lo down. No namespace (gone, or CNI_NETNS empty): nothing to do. */
static int lo_del(const struct cni_args *a, struct cnet_err *err)
{
	struct cnet_nl *nl cleanup_nl = NULL;
	struct cnet_link lo;
	if (a->netns_fd < 0)
		return 0;
	int r = open_lo(a, &nl, &lo, err);
	if (r >= 0)
		r = cnet_nl_link_set_up(nl, lo.ifindex, false, err);
	return r;
}

static int lo_check(const struct cni_args *a, struct cnet_err *err)
{
	struct cnet_nl *nl cleanup_nl = NULL;
	struct cnet_link lo;
	int r = open_lo(a, &nl, &lo, err);
	if (r >= 0 && !lo.up)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "loopback: %s in %s is down",
				    LO, a->netns);
	return r;
}

static const struct cni_plugin loopback_plugin = {
	.name = "loopback",
	.about = "cnet loopback: brings lo up in the container",
	.add = lo_add,
	.del = lo_del,
	.check = lo_check,
	.gc = NULL,       /* no state outside the namespace */
	.status = NULL,   /* always ready */
};

int main(int argc, char **argv)
{
	return cni_main(&loopback_plugin, argc, argv);
}
