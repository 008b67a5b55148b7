// SPDX-License-Identifier: Apache-2.0
/*
 * host-local IPAM's commands (main() is in host-local.c; bridge links these to run host-local
 * in its own process, see lib/ipam.h).
 * host-local IPAM: addresses from local ranges, leases kept on disk in the reference layout.
 * ADD takes one address per range set (dual stack = two sets); DEL releases the attachment's
 * leases; CHECK finds them; GC drops leases of attachments no longer valid; STATUS says 50
 * when a range set has no free address.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "cleanup.h"
#include "cni.h"
#include "hl_conf.h"
#include "host_local.h"
#include "log.h"
#include "resolv.h"
#include "store.h"

static void store_closep(struct hl_store *s)
{
	hl_store_close(s);
}
#define cleanup_store __attribute__((cleanup(store_closep)))

/* Which requested address (if any) belongs to set; marks it used. */
static const struct ipaddr *requested_for(const struct hl_conf *c, const struct hl_rangeset *set,
					  bool *used)
{
	for (size_t i = 0; i < c->n_requested; i++)
		if (!used[i] && hl_rangeset_find(set, &c->requested[i])) {
			used[i] = true;
			return &c->requested[i];
		}
	return NULL;
}

/* The reference refuses a second address from one set for the same attachment. */
static int refuse_duplicate(struct hl_store *s, const struct hl_rangeset *set, const char *id,
			    const char *ifname, struct cnet_err *err)
{
	struct ipaddr held[HL_INDEX_MAX_IPS];
	size_t n = 0;
	int r = hl_store_find_owned(s, id, ifname, held, HL_INDEX_MAX_IPS, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (hl_rangeset_find(set, &held[i])) {
			char a[IPADDR_STRLEN];
			return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
					    "%s has been allocated to %s, duplicate allocation is "
					    "not allowed", ipaddr_format(&held[i], a), id);
		}
	return 0;
}

static int allocate_all(struct hl_store *s, const struct hl_conf *c, const struct cni_args *a,
			struct cni_result *res, struct cnet_err *err)
{
	bool used[HL_MAX_REQUESTED] = { false };
	for (size_t i = 0; i < c->n_sets; i++) {
		const struct ipaddr *req = requested_for(c, &c->sets[i], used);
		struct cni_ip ip;
		int r = req ? 0 : refuse_duplicate(s, &c->sets[i], a->container_id, a->ifname, err);
		if (r >= 0)
			r = hl_alloc(s, &c->sets[i], (int)i, a->container_id, a->ifname, req, &ip,
				     err);
		if (r >= 0)
			r = cni_result_add_ip(res, &ip, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_requested; i++)
		if (!used[i]) {
			char ip[IPADDR_STRLEN];
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "requested IP %s was not allocated: it is in no range "
					    "set (or two were requested from one set)",
					    ipaddr_format(&c->requested[i], ip));
		}
	return 0;
}

static void release_result(struct hl_store *s, const struct cni_result *res)
{
	for (size_t i = 0; i < res->n_ips; i++)
		hl_store_release(s, &res->ips[i].address.addr, NULL);
}

static int hl_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct hl_conf c;
	int r = hl_conf_parse(a->config, a->cni_args, &c, err);
	if (r < 0)
		return r;
	struct cni_result *res cleanup_result = cni_result_new(a->version);
	for (size_t i = 0; i < c.n_routes; i++)
		cni_result_add_route(res, &c.routes[i], NULL);
	if (c.resolv_conf) {
		r = hl_resolv_load(c.resolv_conf, &res->dns, err);
		if (r < 0)
			return r;
	}
	struct hl_store s cleanup_store = HL_STORE_INIT;
	r = hl_store_open(&s, c.data_dir, c.name, err);
	if (r < 0)
		return r;
	r = allocate_all(&s, &c, a, res, err);
	if (r < 0) {
		release_result(&s, res);   /* what this ADD took, nothing more */
		return r;
	}
	*out = TAKE_PTR(res);
	return 0;
}

/* Every command but ADD: the config, then the network's store (locked). */
static int open_network(const struct cni_args *a, struct hl_conf *c, struct hl_store *s,
			struct cnet_err *err)
{
	int r = hl_conf_parse(a->config, a->cni_args, c, err);
	if (r < 0)
		return r;
	return hl_store_open(s, c->data_dir, c->name, err);
}

/* DEL: the addresses named by prevResult when it has them, else the attachment's from the
 * index (a full scan only when there is no usable index). Gone already is fine. */
static int hl_del(const struct cni_args *a, struct cnet_err *err)
{
	struct hl_conf c;
	struct hl_store s cleanup_store = HL_STORE_INIT;
	int r = open_network(a, &c, &s, err);
	if (r < 0)
		return r;
	int released = 0;
	for (size_t i = 0; a->prev && i < a->prev->n_ips; i++) {
		const struct ipaddr *ip = &a->prev->ips[i].address.addr;
		if (hl_store_owned_by(&s, ip, a->container_id, a->ifname) &&
		    hl_store_release(&s, ip, err) == 0)
			released++;
	}
	if (released)
		return 0;
	struct ipaddr held[HL_INDEX_MAX_IPS];
	size_t n = 0;
	r = hl_store_find_owned(&s, a->container_id, a->ifname, held, HL_INDEX_MAX_IPS, &n, err);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = hl_store_release(&s, &held[i], err);
	return r;
}

static int hl_check(const struct cni_args *a, struct cnet_err *err)
{
	struct hl_conf c;
	struct hl_store s cleanup_store = HL_STORE_INIT;
	int r = open_network(a, &c, &s, err);
	if (r < 0)
		return r;
	struct ipaddr held[HL_INDEX_MAX_IPS];
	size_t n = 0;
	r = hl_store_find_owned(&s, a->container_id, a->ifname, held, HL_INDEX_MAX_IPS, &n, err);
	if (r < 0)
		return r;
	if (n == 0)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "host-local: failed to find an address of container %s "
				    "(ifname %s)", a->container_id, a->ifname);
	for (size_t i = 0; a->prev && i < a->prev->n_ips; i++) {
		const struct ipaddr *ip = &a->prev->ips[i].address.addr;
		char buf[IPADDR_STRLEN];
		bool ours = false;
		for (size_t k = 0; k < c.n_sets; k++)
			ours = ours || hl_rangeset_find(&c.sets[k], ip);
		if (ours && !hl_store_owned_by(&s, ip, a->container_id, a->ifname))
			return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					    "host-local: %s is not leased to container %s",
					    ipaddr_format(ip, buf), a->container_id);
	}
	return 0;
}

struct gc_ctx {
	const struct cni_args *a;
	struct hl_store *store;
	int failed;
};

static int gc_lease(const struct ipaddr *ip, const char *id, const char *ifname, void *ctx)
{
	struct gc_ctx *g = ctx;
	bool keep = false;
	if (ifname[0]) {
		keep = cni_attachment_is_valid(g->a, id, ifname);
	} else {   /* an old one-line file names only the container */
		for (size_t i = 0; i < g->a->n_valid && !keep; i++)
			keep = !strcmp(g->a->valid[i].container_id, id);
	}
	if (!keep) {
		char buf[IPADDR_STRLEN];
		cnet_log_info("gc: releasing %s of %s/%s", ipaddr_format(ip, buf), id, ifname);
		if (hl_store_release(g->store, ip, NULL) < 0)
			g->failed++;
	}
	return 0;
}

static int hl_gc(const struct cni_args *a, struct cnet_err *err)
{
	struct hl_conf c;
	struct hl_store s cleanup_store = HL_STORE_INIT;
	int r = open_network(a, &c, &s, err);
	if (r < 0)
		return r;
	struct gc_ctx g = { a, &s, 0 };
	r = hl_store_foreach(&s, gc_lease, &g, err);
	if (r >= 0 && g.failed)
		return cnet_err_set(err, CNI_ERR_IO, 0, "gc: %d leases could not be released",
				    g.failed);
	return r;
}

static int hl_status(const struct cni_args *a, struct cnet_err *err)
{
	struct hl_conf c;
	struct hl_store s cleanup_store = HL_STORE_INIT;
	int r = open_network(a, &c, &s, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c.n_sets; i++) {
		struct cnet_err e = { 0 };
		uint64_t n = hl_free_count(&s, &c.sets[i], &e);
		if (e.code) {   /* the store could not be read: an I/O error, not a full pool */
			*err = e;
			return -EIO;
		}
		if (n == 0) {
			char net[IPNET_STRLEN];
			return cnet_err_set(err, CNI_ERR_NOT_AVAILABLE, 0,
					    "range set %zu (%s) has no free address", i,
					    ipnet_format(&c.sets[i].ranges[0].subnet, net));
		}
	}
	return 0;
}

const struct cni_plugin host_local_plugin = {
	.name = "host-local",
	.about = "cnet host-local IPAM: addresses from local ranges, leases on disk",
	.netns_unused = true,
	.add = hl_add,
	.del = hl_del,
	.check = hl_check,
	.gc = hl_gc,
	.status = hl_status,
};
