// SPDX-License-Identifier: Apache-2.0
/*
 * host-device: move a host network interface into the container, renamed to CNI_IFNAME, and
 * give it back under its old name on DEL. The reference plugin's keys (device, hwaddr,
 * kernelpath, pciBusID, the deviceID capability) and result: interfaces = [the device in the
 * container], every ips[].interface = 0. A PCI device bound to a userspace driver (DPDK) is
 * not moved: the result carries only what IPAM returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "hd_conf.h"
#include "hd_device.h"
#include "hd_state.h"
#include "iface.h"
#include "ipam.h"
#include "../../ipam/host-local/host_local.h"
#include "log.h"
#include "nl.h"
#include "undo.h"

#define RES_DEVICE 0

struct hd_add {
	const struct cni_args *a;
	struct hd_conf c;
	bool dpdk;
	int host_fd;
	struct cnet_nl *host, *cont;
	struct cnet_link dev;       /* the device as it was in the host */
	struct cnet_link moved;     /* ... and in the container */
	struct hd_state st;
	struct cni_result *ipam;
	struct ipam_lease lease;
	struct undo undo;
};

static int open_host_netns(struct cnet_err *err)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open /proc/thread-self/ns/net");
	return fd;
}

static void undo_state(void *ctx)
{
	struct hd_add *x = ctx;
	struct cnet_err e = { 0 };
	if (hd_state_remove(x->a->name, x->a->container_id, x->a->ifname, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

static void undo_move(void *ctx)
{
	struct hd_add *x = ctx;
	struct cnet_link l;
	struct cnet_err e = { 0 };
	if (cnet_nl_link_get(x->cont, x->a->ifname, &l, &e) < 0 ||
	    hd_move_out(x->cont, x->host, x->host_fd, &l, x->dev.name, x->st.host_alias, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg[0] ? e.msg : "device not in the container");
}

/* The state first: a process killed right after the move leaves a record for DEL. */
static int save_state(struct hd_add *x, struct cnet_err *err)
{
	struct hd_state *st = &x->st;
	snprintf(st->container_id, sizeof(st->container_id), "%s", x->a->container_id);
	snprintf(st->ifname, sizeof(st->ifname), "%s", x->a->ifname);
	snprintf(st->host_name, sizeof(st->host_name), "%s", x->dev.name);
	snprintf(st->kind, sizeof(st->kind), "%s", x->dev.kind);
	memcpy(st->mac, x->dev.mac, sizeof(st->mac));
	st->ifindex = x->dev.ifindex;
	int r = cnet_nl_link_get_alias(x->host, x->dev.ifindex, st->host_alias,
				       sizeof(st->host_alias), err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_TRY_AGAIN, ENODEV, "\"%s\" vanished", x->dev.name);
	if (r >= 0)
		r = hd_state_save(x->a->name, st, err);
	if (r >= 0)
		undo_push(&x->undo, undo_state, x, "remove state");
	return r;
}

static int move_device(struct hd_add *x, struct cnet_err *err)
{
	const struct cni_args *a = x->a;
	int r = cnet_nl_open(&x->host, -1, err);
	if (r >= 0)
		r = cnet_nl_open(&x->cont, a->netns_fd, err);
	if (r >= 0 && cnet_nl_link_get(x->cont, a->ifname, &x->moved, NULL) == 0)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "container interface \"%s\" already exists in %s", a->ifname,
				    a->netns);
	if (r >= 0)
		r = hd_find(x->host, &x->c, &x->dev, err);
	if (r >= 0)
		r = save_state(x, err);
	if (r >= 0)
		r = hd_move_in(x->host, x->cont, a->netns_fd, x->host_fd, &x->dev, a->ifname, err);
	if (r < 0)
		return r;
	undo_push(&x->undo, undo_move, x, "give the device back");
	r = cnet_nl_link_get(x->cont, a->ifname, &x->moved, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_TRY_AGAIN, ENODEV,
				    "\"%s\" vanished from the container", a->ifname);
	return r;
}

static int run_ipam(struct hd_add *x, struct cnet_err *err)
{
	if (!x->c.ipam_type)
		return 0;
	/* every address goes on the device; with DPDK there is no interface to point at */
	return ipam_add(&x->lease, x->a, x->c.ipam_type, x->dpdk ? -1 : RES_DEVICE, &x->undo,
			&x->ipam, err);
}

static int configure(struct hd_add *x, struct cnet_err *err)
{
	if (x->dpdk)
		return 0;
	if (!x->ipam)
		return cnet_nl_link_set_up(x->cont, x->moved.ifindex, true, err);
	/* DAD on, as the reference: this is a real network, duplicates are worth knowing */
	struct iface_opts o = { .enable_dad = true };
	return iface_configure(x->cont, x->a->netns_fd, x->a->ifname, x->ipam, RES_DEVICE, &o,
			       err);
}

static int build_result(struct hd_add *x, struct cni_result **out, struct cnet_err *err)
{
	struct cni_result *res cleanup_result = x->ipam ? TAKE_PTR(x->ipam) :
							  cni_result_new(x->a->version);
	if (!res)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	snprintf(res->cni_version, sizeof(res->cni_version), "%s", x->a->version);
	res->n_interfaces = 0;
	if (!x->dpdk) {
		int r = cni_result_add_iface(res, x->a->ifname, x->moved.mac, x->a->netns, err);
		if (r < 0)
			return r;
	}
	if (x->c.has_dns)
		cni_result_set_dns(res, &x->c.dns);
	*out = TAKE_PTR(res);
	return 0;
}

static int do_add(struct hd_add *x, struct cni_result **out, struct cnet_err *err)
{
	x->dpdk = hd_dpdk_mode(&x->c);
	int r = 0;
	if (!x->dpdk) {
		x->host_fd = open_host_netns(err);
		r = x->host_fd < 0 ? x->host_fd : move_device(x, err);
	}
	if (r >= 0)
		r = run_ipam(x, err);
	if (r >= 0)
		r = configure(x, err);
	if (r >= 0)
		r = build_result(x, out, err);
	return r;
}

static int hd_add_cmd(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct hd_add x = { .a = a, .host_fd = -1, .undo = UNDO_INIT };
	int r = hd_conf_parse(a->config, &x.c, err);
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
	if (x.host_fd >= 0)
		close(x.host_fd);
	return r;
}

/*
 * The device's host name: its alias (set by either plugin's ADD), else the state's, else its
 * container name (a device moved by a plugin that did not rename it).
 */
static const char *host_name_of(const char *alias, const struct hd_state *st, bool have_st,
				const struct cnet_link *l)
{
	if (alias[0] && cni_valid_ifname(alias))
		return alias;
	return have_st ? st->host_name : l->name;
}

/* The namespace is there: give the device back from it. */
static int del_from_container(const struct cni_args *a, const struct hd_state *st,
			      bool have_st, struct cnet_err *err)
{
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_nl *host cleanup_nl = NULL;
	cleanup_close int host_fd = open_host_netns(err);
	struct cnet_link l;
	char alias[CNET_IFALIAS_MAX] = "";
	int r = host_fd < 0 ? host_fd : cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(cont, a->ifname, &l, err);
	if (r == -ENODEV)
		return 0;   /* given back already */
	if (r >= 0)
		r = cnet_nl_link_get_alias(cont, l.ifindex, alias, sizeof(alias), err);
	if (r >= 0)
		r = cnet_nl_open(&host, -1, err);
	if (r < 0)
		return r;
	/* cnet's ADD saved the alias the device had; after the reference's ADD, clear it */
	return hd_move_out(cont, host, host_fd, &l, host_name_of(alias, st, have_st, &l),
			   have_st ? st->host_alias : "", err);
}

/* The namespace is gone (or not given): the kernel has dealt with the device. */
static int del_reclaim(const struct hd_state *st, struct cnet_err *err)
{
	struct cnet_nl *host cleanup_nl = NULL;
	int r = cnet_nl_open(&host, -1, err);
	return r < 0 ? r : hd_reclaim(host, st, err);
}

static int del_device(const struct cni_args *a, struct cnet_err *err)
{
	struct hd_state st;
	int r = hd_state_load(a->name, a->container_id, a->ifname, &st, err);
	if (r < 0 && r != -ENOENT)
		cnet_log_warn("%s", err->msg);   /* a broken record must not block DEL */
	bool have_st = r >= 0;
	if (a->netns_fd >= 0)
		r = del_from_container(a, &st, have_st, err);
	else
		r = have_st ? del_reclaim(&st, err) : 0;
	if (r >= 0)
		r = hd_state_remove(a->name, a->container_id, a->ifname, err);
	return r;
}

/* DEL: the device, then the lease; both tolerate being gone, and each runs regardless of
 * the other (the lease is released also with the namespace gone, unlike the reference). */
static int hd_del_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct hd_conf c;
	int r = hd_conf_parse(a->config, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	struct cnet_err step_err[2] = { { 0 } };
	int rs[2] = { 0, 0 };
	if (!hd_dpdk_mode(&c))
		rs[0] = del_device(a, &step_err[0]);
	if (c.ipam_type)
		rs[1] = ipam_exec(a, c.ipam_type, "DEL", NULL, &step_err[1]);
	for (int i = 0; i < 2; i++)
		if (rs[i] < 0) {
			*err = step_err[i];
			return rs[i];
		}
	return 0;
}

static const struct cni_iface *prev_iface(const struct cni_args *a, int *idx)
{
	for (size_t i = 0; i < a->prev->n_interfaces; i++) {
		const struct cni_iface *f = &a->prev->interfaces[i];
		if (!strcmp(f->name, a->ifname) && a->netns && !strcmp(f->sandbox, a->netns)) {
			*idx = (int)i;
			return f;
		}
	}
	return NULL;
}

static int check_device(const struct cni_args *a, struct cnet_err *err)
{
	struct cnet_nl *cont cleanup_nl = NULL;
	struct cnet_link l;
	char alias[CNET_IFALIAS_MAX], mac[MAC_STRLEN];
	uint8_t want[6];
	int idx = -1;
	const struct cni_iface *f = prev_iface(a, &idx);
	if (!f)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: no interface \"%s\" with sandbox \"%s\"", a->ifname,
				    a->netns);
	int r = cnet_nl_open(&cont, a->netns_fd, err);
	if (r >= 0)
		r = cnet_nl_link_get(cont, a->ifname, &l, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in %s", a->ifname, a->netns);
	if (r >= 0 && f->mac[0] && (mac_parse(f->mac, want) < 0 || memcmp(want, l.mac, 6)))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "interface \"%s\": MAC %s, prevResult says %s", a->ifname,
				    mac_format(l.mac, mac), f->mac);
	if (r >= 0)
		r = cnet_nl_link_get_alias(cont, l.ifindex, alias, sizeof(alias), err);
	if (r >= 0 && !alias[0])
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "interface \"%s\" has lost the record of its host name (its "
				    "alias is empty)",
				    a->ifname);
	if (r >= 0)
		r = iface_check(cont, a->ifname, a->prev, idx, err);
	return r;
}

static int hd_check_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct hd_conf c;
	int r = hd_conf_parse(a->config, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	if (c.ipam_type) {
		r = ipam_exec(a, c.ipam_type, "CHECK", NULL, err);
		if (r < 0)
			return r;
	}
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: required for CHECK");
	return hd_dpdk_mode(&c) ? 0 : check_device(a, err);
}

struct gc_ctx {
	const struct cni_args *a;
	struct cnet_nl *host;
};

static int gc_one(const struct hd_state *st, void *ctx, struct cnet_err *err)
{
	struct gc_ctx *g = ctx;
	if (cni_attachment_is_valid(g->a, st->container_id, st->ifname))
		return 0;
	int r = hd_reclaim(g->host, st, err);
	if (r >= 0)
		r = hd_state_remove(g->a->name, st->container_id, st->ifname, err);
	return r;
}

/* GC: an attachment not in the valid list lost its namespace: reclaim its device, drop its
 * record; then the same for the IPAM plugin. Both run even when the first fails. */
static int hd_gc_cmd(const struct cni_args *a, struct cnet_err *err)
{
	struct hd_conf c;
	struct cnet_nl *host cleanup_nl = NULL;
	int r = hd_conf_parse(a->config, &c, err);
	cni_dns_clear(&c.dns);
	if (r < 0)
		return r;
	struct cnet_err e2 = { 0 };
	r = cnet_nl_open(&host, -1, err);
	if (r >= 0) {
		struct gc_ctx g = { a, host };
		r = hd_state_each(a->name, gc_one, &g, err);
	}
	int r2 = c.ipam_type ? ipam_exec(a, c.ipam_type, "GC", NULL, &e2) : 0;
	if (r >= 0 && r2 < 0) {
		*err = e2;
		r = r2;
	}
	return r;
}

static const struct cni_plugin host_device_plugin = {
	.name = "host-device",
	.about = "cnet host-device: move a host interface into the container",
	.add = hd_add_cmd,
	.del = hd_del_cmd,
	.check = hd_check_cmd,
	.gc = hd_gc_cmd,
	.status = ipam_status,   /* nothing of its own to report */
};

int main(int argc, char **argv)
{
	ipam_link(&host_local_plugin);   /* cnet's host-local, without an exec (lib/ipam.h) */
	return cni_main(&host_device_plugin, argc, argv);
}
