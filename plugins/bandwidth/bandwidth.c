// SPDX-License-Identifier: Apache-2.0
/*
 * bandwidth: rate limits on a container's veth, as the reference plugin sets them (same keys,
 * same kernel state, same ifb name). Towards the container (ingress): a tbf on the host end
 * of the veth. From the container (egress): what arrives on the host end is redirected to an
 * ifb, "bwp<hash>", whose tbf shapes it. cnet differs where the reference is wrong
 * (docs/compatibility.md): a failed ADD undoes what it made, one redirect action instead of
 * two, config errors are code 7, and the ifb carries an owner alias so GC can find strays.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bw_conf.h"
#include "cleanup.h"
#include "cni.h"
#include "log.h"
#include "nl.h"
#include "undo.h"

#define ALIAS_PREFIX "cnet bandwidth "

struct bw_ctx {
	const struct cni_args *a;
	struct bw_conf c;
	struct cnet_nl *host;
	struct cnet_link veth, ifb;   /* the host end of the container's veth; the ifb */
	struct undo undo;
};

static int print_prev(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	*out = a->prev ? cni_result_copy(a->prev, a->version) : cni_result_new(a->version);
	return *out ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
}

/* The host end of the container interface's veth, which prevResult must list (as the
 * reference's getHostInterface). */
static int host_veth(const struct cni_args *a, struct cnet_nl *host, struct cnet_link *out,
		     struct cnet_err *err)
{
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_link link;
	int r = cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(cont, a->ifname, &link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "interface \"%s\" not found in %s", a->ifname, a->netns);
	if (r < 0)
		return r;
	if (strcmp(link.kind, "veth") || link.peer <= 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "container interface \"%s\" has no veth peer: bandwidth shapes "
				    "veth pairs only", a->ifname);
	r = cnet_nl_link_get_by_index(host, link.peer, out, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "the veth peer of \"%s\" is not in the host namespace", a->ifname);
	if (r < 0)
		return r;
	for (size_t i = 0; i < a->prev->n_interfaces; i++)
		if (!a->prev->interfaces[i].sandbox[0] &&
		    !strcmp(a->prev->interfaces[i].name, out->name))
			return 0;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "prevResult: the host end \"%s\" of \"%s\" is not among the interfaces",
			    out->name, a->ifname);
}

static void undo_root(void *arg)
{
	struct bw_ctx *x = arg;
	struct cnet_err e = { 0 };
	if (cnet_nl_qdisc_root_del(x->host, x->veth.ifindex, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

static void undo_ingress(void *arg)
{
	struct bw_ctx *x = arg;
	struct cnet_err e = { 0 };
	if (cnet_nl_qdisc_ingress_del(x->host, x->veth.ifindex, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

static void undo_ifb(void *arg)
{
	struct bw_ctx *x = arg;
	struct cnet_err e = { 0 };
	if (cnet_nl_link_del(x->host, x->ifb.ifindex, &e) < 0 && e.msg[0])
		cnet_log_warn("rollback: %s", e.msg);
}

static void tbf_of(uint64_t rate, uint64_t burst, struct cnet_tbf *t)
{
	cnet_tbf_params(rate, burst, cnet_tc_tick_in_usec(), t);
}

static int add_egress(struct bw_ctx *x, struct cni_result *res, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	char name[16], alias[CNET_IFALIAS_MAX];
	struct cnet_tbf t;
	bw_ifb_name(x->c.name, a->container_id, name);
	int r = cnet_nl_ifb_create(x->host, name, x->veth.mtu, err);
	if (r == -EEXIST)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "a link called \"%s\" (this attachment's ifb) exists already",
				    name);
	if (r >= 0)
		r = cnet_nl_link_get(x->host, name, &x->ifb, err);
	if (r < 0)
		return r;
	undo_push(&x->undo, undo_ifb, x, "delete the ifb");
	snprintf(alias, sizeof(alias), ALIAS_PREFIX "%s %s %s", x->c.name, a->container_id,
		 a->ifname);
	r = cnet_nl_link_set_alias(x->host, x->ifb.ifindex, alias, err);
	if (r >= 0)
		r = cnet_nl_ingress_redirect_add(x->host, x->veth.ifindex, x->ifb.ifindex, err);
	if (r < 0)
		return r;
	undo_push(&x->undo, undo_ingress, x, "delete the ingress qdisc");
	tbf_of(x->c.limits.egress_rate, x->c.limits.egress_burst, &t);
	r = cnet_nl_tbf_add(x->host, x->ifb.ifindex, &t, err);
	if (r >= 0)
		r = cni_result_add_iface(res, x->ifb.name, x->ifb.mac, NULL, err);
	return r;
}

static int do_add(struct bw_ctx *x, struct cni_result **out, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	struct cni_result *res cleanup_result = NULL;
	int r = cnet_nl_open(&x->host, -1, err);
	if (r >= 0)
		r = host_veth(a, x->host, &x->veth, err);
	if (r >= 0 && bw_ingress(&x->c.limits)) {
		struct cnet_tbf t;
		tbf_of(x->c.limits.ingress_rate, x->c.limits.ingress_burst, &t);
		r = cnet_nl_tbf_add(x->host, x->veth.ifindex, &t, err);
		if (r >= 0)
			undo_push(&x->undo, undo_root, x, "delete the tbf");
	}
	if (r >= 0 && !(res = cni_result_copy(a->prev, a->version)))
		r = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	if (r >= 0 && bw_egress(&x->c.limits))
		r = add_egress(x, res, err);
	if (r >= 0)
		*out = TAKE_PTR(res);
	return r;
}

static int bw_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct bw_ctx x = { .a = a, .undo = UNDO_INIT };
	int r = bw_conf_parse(a->config, &x.c, err);
	if (r < 0)
		return r;
	if (!bw_ingress(&x.c.limits) && !bw_egress(&x.c.limits))
		return print_prev(a, out, err);   /* nothing to shape */
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: bandwidth must be chained after a plugin that "
				    "creates the interface");
	r = do_add(&x, out, err);
	if (r < 0)
		undo_run(&x.undo);
	else
		undo_drop(&x.undo);
	if (x.host)
		cnet_nl_close(x.host);
	return r;
}

/* The ifb goes (the veth's qdiscs go with the veth, which is not ours); absent is fine. */
static int del_ifb(struct cnet_nl *host, const char *name, struct cnet_err *err)
{
	struct cnet_link ifb;
	int r = cnet_nl_link_get(host, name, &ifb, err);
	if (r == -ENODEV)
		return 0;
	if (r >= 0 && strcmp(ifb.kind, "ifb"))
		return 0;   /* not an ifb: not this plugin's */
	if (r >= 0)
		r = cnet_nl_link_del(host, ifb.ifindex, err);
	return r == -ENODEV ? 0 : r;
}

static int bw_del(const struct cni_args *a, struct cnet_err *err)
{
	struct bw_conf c = { .name = "" };
	struct cnet_nl *host cleanup_nl = NULL;
	char name[16];
	int r = bw_conf_parse(a->config, &c, err);
	if (r >= 0)
		r = cnet_nl_open(&host, -1, err);
	if (r < 0)
		return r;
	bw_ifb_name(c.name, a->container_id, name);
	return del_ifb(host, name, err);
}

static int check_tbf(struct cnet_nl *host, const struct cnet_link *l, uint64_t rate,
		     uint64_t burst, struct cnet_err *err)
{
	struct cnet_tbf want, have;
	tbf_of(rate, burst, &want);
	int r = cnet_nl_tbf_get(host, l->ifindex, &have, err);
	if (r == -ENOENT)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "no tbf qdisc on \"%s\"",
				    l->name);
	if (r < 0)
		return r;
	if (have.rate != want.rate || have.limit != want.limit || have.buffer != want.buffer)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "the tbf on \"%s\" has rate %llu B/s, limit %u B, buffer %u; "
				    "the config gives %llu, %u, %u", l->name,
				    (unsigned long long)have.rate, have.limit, have.buffer,
				    (unsigned long long)want.rate, want.limit, want.buffer);
	return 0;
}

static int bw_check(const struct cni_args *a, struct cnet_err *err)
{
	struct bw_conf c = { .name = "" };
	struct cnet_nl *host cleanup_nl = NULL;
	struct cnet_link veth = { 0 }, ifb = { 0 };
	char name[16];
	int to = 0;
	int r = bw_conf_parse(a->config, &c, err);
	if (r < 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "prevResult: required for CHECK");
	if (!bw_ingress(&c.limits) && !bw_egress(&c.limits))
		return 0;
	r = cnet_nl_open(&host, -1, err);
	if (r >= 0)
		r = host_veth(a, host, &veth, err);
	if (r >= 0 && bw_ingress(&c.limits))
		r = check_tbf(host, &veth, c.limits.ingress_rate, c.limits.ingress_burst, err);
	if (r < 0 || !bw_egress(&c.limits))
		return r;
	bw_ifb_name(c.name, a->container_id, name);
	r = cnet_nl_link_get(host, name, &ifb, err);
	if (r == -ENODEV || (r >= 0 && strcmp(ifb.kind, "ifb")))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "ifb \"%s\" not found", name);
	if (r >= 0)
		r = check_tbf(host, &ifb, c.limits.egress_rate, c.limits.egress_burst, err);
	if (r >= 0)
		r = cnet_nl_ingress_redirect_get(host, veth.ifindex, &to, err);
	if (r >= 0 && to != ifb.ifindex)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "what arrives on \"%s\" is not redirected to \"%s\"", veth.name,
				    name);
	return r;
}

/* GC: cnet's ifbs of this network (by their alias) whose attachment is not valid. */
struct gc_ctx {
	const struct cni_args *a;
	const char *network;
	struct cnet_nl *host;
	struct cnet_err err;
	int r;
};

static void gc_link(const struct cnet_link *l, const char *alias, void *arg)
{
	struct gc_ctx *g = arg;
	char net[256], id[256], ifname[64];
	if (strcmp(l->kind, "ifb") || strncmp(alias, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) ||
	    sscanf(alias + strlen(ALIAS_PREFIX), "%255s %255s %63s", net, id, ifname) != 3 ||
	    strcmp(net, g->network) || cni_attachment_is_valid(g->a, id, ifname))
		return;
	struct cnet_err e = { 0 };
	int r = cnet_nl_link_del(g->host, l->ifindex, &e);
	if (r < 0 && r != -ENODEV && g->r >= 0) {
		g->r = r;
		g->err = e;
	}
}

static int bw_gc(const struct cni_args *a, struct cnet_err *err)
{
	struct bw_conf c = { .name = "" };
	struct gc_ctx g = { .a = a };
	int r = bw_conf_parse(a->config, &c, err);
	if (r >= 0)
		r = cnet_nl_open(&g.host, -1, err);
	if (r < 0)
		return r;
	g.network = c.name;
	r = cnet_nl_link_foreach(g.host, gc_link, &g, err);
	cnet_nl_close(g.host);
	if (r >= 0 && g.r < 0) {
		*err = g.err;
		r = g.r;
	}
	return r;
}

static int bw_status(const struct cni_args *a, struct cnet_err *err)
{
	struct bw_conf c;
	return bw_conf_parse(a->config, &c, err);   /* nothing else it could lack */
}

static const struct cni_plugin bandwidth_plugin = {
	.name = "bandwidth",
	.about = "cnet bandwidth: ingress and egress rate limits on a container's veth",
	.add = bw_add,
	.del = bw_del,
	.check = bw_check,
	.gc = bw_gc,
	.status = bw_status,
};

int main(int argc, char **argv)
{
	return cni_main(&bandwidth_plugin, argc, argv);
}
