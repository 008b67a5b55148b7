// SPDX-License-Identifier: Apache-2.0
/*
 * portmap: publish container ports on the host (the `portMappings` capability) with nftables
 * maps in cnet's own table (see ruleset.h). Chained after a main plugin; it passes prevResult on.
 * A host port can be published once: a second attachment asking for it gets an error naming
 * the owner, instead of silently shadowing it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cni.h"
#include "conntrack.h"
#include "fs.h"
#include "log.h"
#include "nft_owner.h"
#include "pm_conf.h"
#include "ruleset.h"
#include "sysctl.h"

/* Does mapping m apply to family v (PM_V4/PM_V6) of a container that has_addr in it? A
 * mapping with a hostIP applies to that address's family only. */
static bool applies(const struct pm_mapping *m, int v, bool has_addr)
{
	int fam = v == PM_V4 ? AF_INET : AF_INET6;
	return has_addr && (!m->host_ip.family || m->host_ip.family == fam);
}

static int print_prev(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	*out = cni_result_copy(a->prev, a->version);
	return *out ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
}

/* What one element of the ADD batch was, to name a conflict. */
struct added {
	const struct cnet_nft_set *set;
	struct cnet_nft_key key;
	const struct pm_mapping *m;
};

struct add_ctx {
	const struct cni_args *a;
	struct pm_conf c;
	struct pm_container ct;
	char owner[CNET_NFT_COMMENT_MAX + 1];
	struct added added[2 * PM_MAX_MAPPINGS + 2];
	int added_idx[2 * PM_MAX_MAPPINGS + 2];
	size_t n_added;
};

static int add_mapping(struct cnet_nft_batch *b, struct add_ctx *x, const struct pm_mapping *m,
		       const struct ipnet *cip, int v, struct cnet_err *err)
{
	struct cnet_nft_elem e = { .comment = x->owner };
	const struct cnet_nft_set *set = m->host_ip.family ? &pm_hostip[v] : &pm_ports[v];
	if (m->host_ip.family)
		cnet_nft_key_addr(&e.key, &m->host_ip);
	cnet_nft_key_proto(&e.key, m->proto);
	cnet_nft_key_port(&e.key, m->host_port);
	cnet_nft_key_addr(&e.data, &cip->addr);
	cnet_nft_key_port(&e.data, m->container_port);
	int idx = cnet_nft_elem_add(b, set, &e, 1, CNET_NFT_EXCL, err);
	if (idx < 0)
		return idx;
	x->added[x->n_added] = (struct added){ set, e.key, m };
	x->added_idx[x->n_added++] = idx;
	return 0;
}

/* Masquerade of connections to this container that were DNATed from its own network
 * (hairpin), or from anywhere with masqAll: (source prefix . container address). */
static int add_masq(struct cnet_nft_batch *b, struct add_ctx *x, const struct ipnet *cip, int v,
		    struct cnet_err *err)
{
	struct ipnet src = ipnet_network(cip);
	if (x->c.masq_all) {   /* every source: the whole address space */
		memset(&src, 0, sizeof(src));
		src.addr.family = cip->addr.family;
	}
	struct ipaddr first = src.addr, last = ipnet_last(&src);
	struct cnet_nft_elem e = { .comment = x->owner };
	cnet_nft_key_addr(&e.key, &first);
	cnet_nft_key_addr(&e.key, &cip->addr);
	cnet_nft_key_addr(&e.key_end, &last);
	cnet_nft_key_addr(&e.key_end, &cip->addr);
	int r = cnet_nft_elem_add(b, &pm_masq[v], &e, 1, 0, err);
	return r < 0 ? r : 0;
}

static int conflict_error(struct cnet_nft *nft, struct add_ctx *x, int failed,
			  struct cnet_err *err)
{
	for (size_t i = 0; i < x->n_added; i++) {
		if (x->added_idx[i] != failed)
			continue;
		const struct added *ad = &x->added[i];
		struct cnet_nft_elem_info info;
		char host[IPADDR_STRLEN] = "";
		if (ad->m->host_ip.family)
			ipaddr_format(&ad->m->host_ip, host);
		const char *owner = cnet_nft_elem_get(nft, ad->set, &ad->key, &info, NULL) == 0 ?
					    info.comment : "another attachment";
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "host port %s%s%s/%u is already published by %s",
				    host, host[0] ? ":" : "", pm_proto_name(ad->m->proto),
				    ad->m->host_port, owner);
	}
	return -EEXIST;
}

static int publish(struct cnet_nft *nft, struct add_ctx *x, struct cnet_err *err)
{
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	const struct ipnet *cips[2] = { &x->ct.v4, &x->ct.v6 };
	int r = b ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	for (size_t i = 0; r >= 0 && i < x->c.n_mappings; i++) {
		const struct pm_mapping *m = &x->c.mappings[i];
		for (int v = 0; r >= 0 && v < 2; v++)
			if (applies(m, v, cips[v]->addr.family))
				r = add_mapping(b, x, m, cips[v], v, err);
	}
	for (int v = 0; r >= 0 && (x->c.snat || x->c.masq_all) && v < 2; v++)
		if (cips[v]->addr.family)
			r = add_masq(b, x, cips[v], v, err);
	if (r >= 0)
		r = cnet_nft_commit(nft, b, err);
	if (r == -EEXIST)
		return conflict_error(nft, x, cnet_nft_batch_failed(b), err);
	return r;
}

/* A UDP/SCTP flow to a host port keeps its conntrack entry, and so its old DNAT decision (or
 * none), as long as packets keep coming (plugins#123): drop those entries so that the next
 * packet meets the new rules. Best effort, as the reference: a failure is logged. */
static void flush_conntrack(const struct pm_conf *c, bool v4, bool v6)
{
	for (size_t i = 0; i < c->n_mappings; i++) {
		const struct pm_mapping *m = &c->mappings[i];
		if (m->proto == IPPROTO_TCP)
			continue;
		for (int v = 0; v < 2; v++) {
			struct cnet_err e = { 0 };
			if (applies(m, v, v == PM_V4 ? v4 : v6) &&
			    cnet_conntrack_flush_dport(v == PM_V4 ? AF_INET : AF_INET6, m->proto,
						       m->host_port, &e) < 0)
				cnet_log_warn("portmap: %s", e.msg);
		}
	}
}

static int pm_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct add_ctx *x cleanup_free = calloc(1, sizeof(*x));
	if (!x)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "portmap");
	x->a = a;
	int r = pm_conf_parse(a->config, &x->c, err);
	if (r < 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: portmap must be chained after a plugin that "
				    "creates the interface");
	if (x->c.n_mappings == 0)
		return print_prev(a, out, err);
	pm_container_from_result(a->prev, a->ifname, &x->ct);
	if (!x->ct.v4.addr.family && !x->ct.v6.addr.family)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: no address on interface \"%s\" to publish ports to",
				    a->ifname);
	cnet_nft_owner(x->owner, sizeof(x->owner), x->c.name, a->container_id, a->ifname);

	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, false, err);
	if (r >= 0)
		r = pm_layout_ensure(nft, err);
	if (r >= 0)
		r = publish(nft, x, err);
	if (r < 0)
		return r;
	flush_conntrack(&x->c, x->ct.v4.addr.family, x->ct.v6.addr.family);
	/* 127.0.0.1:hostPort is DNATed to the container: the host side must accept a
	 * localhost source on the way out (the reference does the same). */
	if (x->c.snat && x->ct.v4.addr.family && x->ct.host_iface[0]) {
		char key[128];
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", x->ct.host_iface);
		sysctl_ensure(key, "1", NULL);
	}
	return print_prev(a, out, err);
}

/* ---- DEL, CHECK, GC: elements found by their owner comment ---------------------------------- */

static const struct cnet_nft_set *const pm_sets[] = { &pm_ports[0], &pm_ports[1], &pm_hostip[0],
						      &pm_hostip[1], &pm_masq[0],  &pm_masq[1] };


/* DEL finds the attachment's elements by owner, so it needs neither runtimeConfig nor the
 * namespace (runtimes forget to resend the mappings; the reference then leaks its rules). */
static int pm_del(const struct cni_args *a, struct cnet_err *err)
{
	struct pm_conf *c cleanup_free = calloc(1, sizeof(*c));
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int r = c ? pm_conf_parse(a->config, c, err) : -ENOMEM;
	if (r < 0)
		return r;
	cnet_nft_owner(owner, sizeof(owner), c->name, a->container_id, a->ifname);
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, true, err);
	if (r < 0 || !nft)
		return r;
	r = cnet_nft_delete_owned(nft, pm_sets, ARRAY_SIZE(pm_sets), owner, err);
	if (r >= 0)   /* the mappings when the runtime resent them: both families, to be sure */
		flush_conntrack(c, true, true);
	return r;
}

static int pm_gc(const struct cni_args *a, struct cnet_err *err)
{
	struct pm_conf *c cleanup_free = calloc(1, sizeof(*c));
	int r = c ? pm_conf_parse(a->config, c, err) : -ENOMEM;
	if (r < 0)
		return r;
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, true, err);
	if (r < 0 || !nft)
		return r;
	return cnet_nft_delete_stale(nft, pm_sets, ARRAY_SIZE(pm_sets), c->name, a, err);
}

static int owned_by(const struct cnet_nft_elem_info *e, void *arg)
{
	return strcmp(e->comment, arg) == 0;   /* 1 stops the walk: found */
}

/* The masquerade element of this attachment is in family v's set. */
static int check_masq(struct cnet_nft *nft, const char *owner, int v, struct cnet_err *err)
{
	int r = cnet_nft_elem_list(nft, &pm_masq[v], owned_by, (void *)owner, err);
	if (r == 1)
		return 0;
	if (r < 0 && r != -ENOENT)
		return r;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "the masquerade element of this attachment is missing from %s",
			    pm_masq[v].name);
}

/* CHECK: every mapping's element is there and is this attachment's. */
static int pm_check(const struct cni_args *a, struct cnet_err *err)
{
	struct add_ctx *x cleanup_free = calloc(1, sizeof(*x));
	int r = x ? pm_conf_parse(a->config, &x->c, err) : -ENOMEM;
	if (r < 0 || x->c.n_mappings == 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "prevResult: required for CHECK");
	pm_container_from_result(a->prev, a->ifname, &x->ct);
	cnet_nft_owner(x->owner, sizeof(x->owner), x->c.name, a->container_id, a->ifname);
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open(&nft, -1, 0, err);
	const struct ipnet *cips[2] = { &x->ct.v4, &x->ct.v6 };
	for (size_t i = 0; r >= 0 && i < x->c.n_mappings; i++) {
		const struct pm_mapping *m = &x->c.mappings[i];
		for (int v = 0; r >= 0 && v < 2; v++) {
			if (!applies(m, v, cips[v]->addr.family))
				continue;
			struct cnet_nft_key key = { 0 };
			struct cnet_nft_elem_info info;
			if (m->host_ip.family)
				cnet_nft_key_addr(&key, &m->host_ip);
			cnet_nft_key_proto(&key, m->proto);
			cnet_nft_key_port(&key, m->host_port);
			r = cnet_nft_elem_get(nft, m->host_ip.family ? &pm_hostip[v] : &pm_ports[v],
					      &key, &info, err);
			if (r == -ENOENT || (r >= 0 && strcmp(info.comment, x->owner)))
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "host port %s/%u is not published for this "
						    "attachment", pm_proto_name(m->proto),
						    m->host_port);
		}
	}
	for (int v = 0; r >= 0 && (x->c.snat || x->c.masq_all) && v < 2; v++)
		if (cips[v]->addr.family)
			r = check_masq(nft, x->owner, v, err);
	return r < 0 ? r : 0;
}

static const struct cni_plugin portmap_plugin = {
	.name = "portmap",
	.about = "cnet portmap: published ports as nftables map elements",
	.netns_unused = true,
	.add = pm_add,
	.del = pm_del,
	.check = pm_check,
	.gc = pm_gc,
};

int main(int argc, char **argv)
{
	return cni_main(&portmap_plugin, argc, argv);
}
