// SPDX-License-Identifier: Apache-2.0
/*
 * macvlan: a macvlan link on a parent ("master") interface, born inside the container's
 * namespace, addresses from the IPAM plugin (or none: layer 2 only). The reference plugin's
 * keys and result shape: interfaces = [the macvlan, sandbox = CNI_NETNS], ips[].interface = 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cni.h"
#include "iface.h"
#include "ipam.h"
#include "../../ipam/host-local/host_local.h"
#include "log.h"
#include "master.h"
#include "mv_conf.h"
#include "netns.h"
#include "nl.h"
#include "sysctl.h"
#include "undo.h"

#define RES_CONTAINER 0

struct mv_add {
	const struct cni_args *a;
	struct mv_conf c;
	struct cnet_nl *host, *cont;
	struct cnet_link master, link;
	struct cni_result *ipam;
	struct ipam_lease lease;
	struct undo undo;
};

/* The namespace the master lives in, for messages. */
static void master_where(const struct cni_args *a, const struct mv_conf *c, char *buf,
			 size_t len)
{
	if (c->link_in_container)
		snprintf(buf, len, "the container namespace %s", a->netns);
	else
		snprintf(buf, len, "the host namespace");
}

static void undo_link(void *ctx)
{
	struct mv_add *x = ctx;
	struct cnet_err e;
	if (cnet_nl_link_del(x->cont, x->link.ifindex, &e) < 0 && e.msg[0])
		cnet_log_warn("rollback: %s", e.msg);
}

static int find_master(struct mv_add *x, struct cnet_err *err)
{
	char where[300];
	master_where(x->a, &x->c, where, sizeof(where));
	return mv_master_find(x->c.link_in_container ? x->cont : x->host, &x->c, where,
			      &x->master, err);
}

static int conflict(const struct cni_args *a, struct cnet_err *err)
{
	return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
			    "container interface \"%s\" already exists in %s", a->ifname, a->netns);
}

/*
 * One request, named CNI_IFNAME from birth: with IFLA_NET_NS_FD the kernel creates the link
 * in the container's namespace, so a host link of the same name does not clash (the
 * reference's temporary name and rename work around kernels older than that).
 */
static int create_link(struct mv_add *x, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	struct cnet_macvlan m = {
		.name = a->ifname,
		.master = x->master.ifindex,
		.netns_fd = x->c.link_in_container ? -1 : a->netns_fd,
		.mode = x->c.mode,
		.mtu = x->c.mtu,
		.mac = x->c.has_mac ? x->c.mac : NULL,
		.bcqueuelen = x->c.bcqueuelen,
	};
	struct cnet_nl *nl = x->c.link_in_container ? x->cont : x->host;
	int r = cnet_nl_macvlan_create(nl, &m, err);
	if (r == -EEXIST && cnet_nl_link_get(x->cont, a->ifname, &x->link, NULL) == 0)
		return conflict(a, err);
	if (r == -EINVAL)   /* what macvlan_common_newlink refuses with EINVAL, the MTU aside */
		cnet_err_details(err, "the master must be an Ethernet device, and a passthru "
				      "macvlan must be the only macvlan on its master");
	if (r < 0) {
		cnet_err_prefix(err, "macvlan on master \"%s\" in mode %s", x->master.name,
				mv_mode_name(x->c.mode));
		return r;
	}
	r = cnet_nl_link_get(x->cont, a->ifname, &x->link, err);
	if (r == -ENODEV)
		r = cnet_err_set(err, CNET_ERR_KERNEL, ENODEV, "macvlan \"%s\" vanished", a->ifname);
	if (r >= 0)
		undo_push(&x->undo, undo_link, x, "delete macvlan");
	return r;
}

static int run_ipam(struct mv_add *x, struct cnet_err *err)
{
	if (!x->c.ipam_type)
		return 0;
	return ipam_add(&x->lease, x->a, x->c.ipam_type, RES_CONTAINER, &x->undo, &x->ipam, err);
}

/* Neighbours learn the new MAC at once over IPv6 too (arp_notify comes with iface_opts). */
static int ndisc_notify(void *arg, struct cnet_err *err)
{
	char key[128];
	(void)err;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/ndisc_notify", (const char *)arg);
	sysctl_write(key, "1", NULL);   /* best effort, as the reference */
	return 0;
}

static int setup_container(struct mv_add *x, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	int r;
	if (!x->ipam) {   /* layer 2 only: just bring it up */
		r = cnet_nl_link_set_up(x->cont, x->link.ifindex, true, err);
	} else {
		(void)netns_run(a->netns_fd, ndisc_notify, (void *)a->ifname, err);
		/* DAD on: the macvlan sits on a real network, where an address may be taken. */
		struct iface_opts o = { .enable_dad = true, .arp_notify = true };
		r = iface_configure(x->cont, a->netns_fd, a->ifname, x->ipam, RES_CONTAINER, &o,
				    err);
	}
	/* The kernel checks a macvlan's MAC against its siblings' when it comes up. */
	if (r == -EADDRINUSE) {
		char mac[MAC_STRLEN];
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "MAC %s is taken by another macvlan on master \"%s\"",
				    mac_format(x->link.mac, mac), x->master.name);
	}
	return r;
}

static int build_result(struct mv_add *x, struct cni_result **out, struct cnet_err *err)
{
	struct cni_result *res cleanup_result = x->ipam ? TAKE_PTR(x->ipam) :
							  cni_result_new(x->a->version);
	if (!res)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	res->n_interfaces = 0;
	int r = cni_result_add_iface(res, x->a->ifname, x->link.mac, x->a->netns, err);
	if (r < 0)
		return r;
	snprintf(res->cni_version, sizeof(res->cni_version), "%s", x->a->version);
	if (!cni_dns_is_empty(&x->c.dns))
		cni_result_set_dns(res, &x->c.dns);
	*out = TAKE_PTR(res);
	return 0;
}

static int do_add(struct mv_add *x, struct cni_result **out, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	int r = cnet_nl_open(&x->host, -1, err);
	if (r >= 0)
		r = cnet_nl_open(&x->cont, a->netns_fd, err);
	if (r >= 0)
		r = find_master(x, err);
	if (r >= 0 && cnet_nl_link_get(x->cont, a->ifname, &x->link, NULL) == 0)
		return conflict(a, err);
	if (r >= 0)
		r = create_link(x, err);
	if (r >= 0)
		r = run_ipam(x, err);
	if (r >= 0)
		r = setup_container(x, err);
	if (r >= 0)   /* passthru takes the master's MAC when it comes up */
		r = cnet_nl_link_get_by_index(x->cont, x->link.ifindex, &x->link, err);
	if (r >= 0)
		r = build_result(x, out, err);
	return r;
}

static int mv_add_cmd(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct mv_add x = { .a = a, .undo = UNDO_INIT };
	int r = mv_conf_parse(a->config, a->cni_args, &x.c, err);
	if (r >= 0)
		r = do_add(&x, out, err);
	if (r < 0)
		undo_run(&x.undo);
	else
		undo_drop(&x.undo);
	cni_result_free(x.ipam);
	cni_dns_clear(&x.c.dns);
	cnet_nl_close(x.host);
	cnet_nl_close(x.cont);
	return r;
}

/* DEL: the link, then the lease; both run whatever the other did, the first failure is
 * reported. The master is not looked at: DEL works with it gone. */
static int mv_del_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct mv_conf c;
	int r = mv_conf_parse(a->config, a->cni_args, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	struct cnet_err ipam_err = { 0 };
	int r_link = iface_del(a->netns_fd, a->ifname, "macvlan", err);
	int r_ipam = c.ipam_type ? ipam_exec(a, c.ipam_type, "DEL", NULL, &ipam_err) : 0;
	if (r_link < 0)
		return r_link;
	if (r_ipam < 0)
		*err = ipam_err;
	return r_ipam;
}

/* prevResult's interface named CNI_IFNAME in CNI_NETNS (its index in *idx). */
static const struct cni_iface *prev_iface(const struct cni_args *a, int *idx,
					  struct cnet_err *err)
{
	for (size_t i = 0; i < a->prev->n_interfaces; i++) {
		const struct cni_iface *f = &a->prev->interfaces[i];
		if (strcmp(f->name, a->ifname))
			continue;
		if (!f->sandbox[0] || strcmp(f->sandbox, a->netns)) {
			cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				     "prevResult: interface \"%s\" has sandbox \"%s\", not %s",
				     a->ifname, f->sandbox, a->netns);
			return NULL;
		}
		*idx = (int)i;
		return f;
	}
	cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "prevResult: no interface \"%s\"", a->ifname);
	return NULL;
}

/* The container link is a macvlan of the configured mode on the master, with prevResult's MAC. */
static int check_link(const struct cni_args *a, const struct mv_conf *c, struct cnet_nl *cont,
		      const struct cnet_link *master, const struct cni_iface *want,
		      struct cnet_err *err)
{
	struct cnet_link link;
	uint32_t mode = 0;
	int r = cnet_nl_link_get(cont, a->ifname, &link, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in %s", a->ifname, a->netns);
	if (r >= 0)
		r = cnet_nl_macvlan_get_mode(cont, link.ifindex, &mode, err);
	if (r == -EMEDIUMTYPE || r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" is a %s, not a macvlan",
				    a->ifname, link.kind[0] ? link.kind : "device");
	if (r < 0)
		return r;
	if (mode != c->mode)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "macvlan \"%s\" is in mode %s, the config says %s", a->ifname,
				    mv_mode_name(mode), mv_mode_name(c->mode));
	if (link.peer != master->ifindex)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "macvlan \"%s\" is not on master \"%s\"", a->ifname,
				    master->name);
	uint8_t mac[6];
	char have[MAC_STRLEN];
	if (want->mac[0] && (mac_parse(want->mac, mac) < 0 || memcmp(mac, link.mac, 6)))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "macvlan \"%s\" has MAC %s, prevResult says %s", a->ifname,
				    mac_format(link.mac, have), want->mac);
	return 0;
}

static int mv_check_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct mv_conf c;
	int r = mv_conf_parse(a->config, a->cni_args, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: required for CHECK");
	if (c.ipam_type && (r = ipam_exec(a, c.ipam_type, "CHECK", NULL, err)) < 0)
		return r;
	int idx = -1;
	const struct cni_iface *want = prev_iface(a, &idx, err);
	if (!want)
		return -EINVAL;
	struct cnet_nl *host cleanup_nl = NULL;
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_link master;
	char where[300];
	master_where(a, &c, where, sizeof(where));
	r = cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0 && !c.link_in_container)
		r = cnet_nl_open(&host, -1, err);
	if (r >= 0)
		r = mv_master_find(c.link_in_container ? cont : host, &c, where, &master, err);
	if (r >= 0)
		r = check_link(a, &c, cont, &master, want, err);
	if (r >= 0)
		r = iface_check(cont, a->ifname, a->prev, idx, err);
	return r;
}

static int mv_gc_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct mv_conf c;
	int r = mv_conf_parse(a->config, a->cni_args, &c, err);
	cni_dns_clear(&c.dns);
	if (r >= 0 && c.ipam_type)
		r = ipam_exec(a, c.ipam_type, "GC", NULL, err);
	return r;
}

/* Ready when the master is there and up (unless it lives in containers) and IPAM is ready. */
static int mv_status_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct mv_conf c;
	int r = mv_conf_parse(a->config, a->cni_args, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	if (!c.link_in_container) {
		struct cnet_nl *host cleanup_nl = NULL;
		struct cnet_link master;
		r = cnet_nl_open(&host, -1, err);
		if (r >= 0)
			r = mv_master_find(host, &c, "the host namespace", &master, err);
		if (r < 0) {
			err->code = CNI_ERR_NOT_AVAILABLE;
			return r;
		}
	}
	return c.ipam_type ? ipam_exec(a, c.ipam_type, "STATUS", NULL, err) : 0;
}

static const struct cni_plugin macvlan_plugin = {
	.name = "macvlan",
	.about = "cnet macvlan: a macvlan link on a host interface, inside the container",
	.add = mv_add_cmd,
	.del = mv_del_cmd,
	.check = mv_check_cmd,
	.gc = mv_gc_cmd,
	.status = mv_status_cmd,
};

int main(int argc, char **argv)
{
	ipam_link(&host_local_plugin);   /* cnet's host-local, without an exec (lib/ipam.h) */
	return cni_main(&macvlan_plugin, argc, argv);
}
