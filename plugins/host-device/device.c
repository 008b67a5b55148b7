// SPDX-License-Identifier: Apache-2.0
/* host-device: finding and moving the device (see hd_device.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hd_device.h"
#include "hd_sysfs.h"
#include "ipaddr.h"
#include "log.h"

/* The first of names that is a link in host. */
static int first_link(struct cnet_nl *host, const struct hd_names *names, const char *key,
		      const char *what, struct cnet_link *out, struct cnet_err *err)
{
	for (size_t i = 0; i < names->n; i++) {
		int r = cnet_nl_link_get(host, names->name[i], out, err);
		if (r != -ENODEV)
			return r;
	}
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "%s: the interface of %s (\"%s\"%s) is not in the host namespace", key,
			    what, names->name[0], names->n > 1 ? ", ..." : "");
}

static int find_by_mac(struct cnet_nl *host, const uint8_t mac[6], struct cnet_link *out,
		       struct cnet_err *err)
{
	struct hd_names names;
	char buf[MAC_STRLEN];
	int r = hd_sysfs_find_mac(mac, &names, err);
	for (size_t i = 0; r >= 0 && i < names.n; i++) {
		r = cnet_nl_link_get(host, names.name[i], out, err);
		if (r == -ENODEV || (r >= 0 && memcmp(out->mac, mac, 6)))
			r = 0;   /* sysfs was not looking at this namespace, or it changed */
		else if (r >= 0)
			return 0;
	}
	if (r < 0)
		return r;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "hwaddr: no link with MAC %s in the host namespace",
			    mac_format(mac, buf));
}

int hd_find(struct cnet_nl *host, const struct hd_conf *c, struct cnet_link *out,
	    struct cnet_err *err)
{
	struct hd_names names;
	int r;
	switch (c->select) {
	case HD_BY_DEVICE:
		r = cnet_nl_link_get(host, c->device, out, err);
		if (r == -ENODEV)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "device: no link \"%s\" in the host namespace",
					    c->device);
		return r;
	case HD_BY_HWADDR:
		return find_by_mac(host, c->hwaddr, out, err);
	case HD_BY_KERNELPATH:
		r = hd_sysfs_kernelpath_netdevs(c->kernelpath, &names, err);
		if (r < 0) {
			cnet_err_prefix(err, "kernelpath");
			return r;
		}
		return first_link(host, &names, "kernelpath", c->kernelpath, out, err);
	case HD_BY_PCI:
		r = hd_sysfs_device_netdevs(c->pci_id, &names, err);
		if (r < 0) {
			cnet_err_prefix(err, "%s", c->pci_key);
			return r;
		}
		return first_link(host, &names, c->pci_key, c->pci_id, out, err);
	}
	return cnet_err_set(err, CNI_ERR_INTERNAL, 0, "no device selector");
}

bool hd_dpdk_mode(const struct hd_conf *c)
{
	char driver[64];
	if (!c->pci_id || hd_sysfs_pci_driver(c->pci_id, driver, sizeof(driver)) < 0)
		return false;
	return hd_userspace_driver(driver);
}

/* The rename after a move failed: the link sits in the container under its host name. */
static void move_back(struct cnet_nl *cont, int host_fd, const struct cnet_link *dev)
{
	struct cnet_link l;
	struct cnet_err e = { 0 };
	if (cnet_nl_link_get(cont, dev->name, &l, NULL) < 0 || memcmp(l.mac, dev->mac, 6))
		return;
	if (cnet_nl_link_move(cont, l.ifindex, host_fd, dev->name, NULL, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

int hd_move_in(struct cnet_nl *host, struct cnet_nl *cont, int cont_fd, int host_fd,
	       const struct cnet_link *dev, const char *ifname, struct cnet_err *err)
{
	struct cnet_link l;
	if (cnet_nl_link_get(cont, ifname, &l, NULL) == 0)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "container interface \"%s\" already exists", ifname);
	/* the host name goes into the alias, where the reference keeps it too */
	int r = cnet_nl_link_move(host, dev->ifindex, cont_fd, ifname, dev->name, err);
	if (r >= 0)
		return 0;
	if (cnet_nl_link_get_by_index(host, dev->ifindex, &l, NULL) < 0)
		move_back(cont, host_fd, dev);
	if (r == -EEXIST)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "move \"%s\" into the container as \"%s\": the name is taken",
				    dev->name, ifname);
	cnet_err_prefix(err, "move \"%s\" into the container", dev->name);
	return r;
}

/* Put link back as it was after a failed move out. */
static void restore_in_container(struct cnet_nl *cont, const struct cnet_link *link,
				 bool renamed)
{
	struct cnet_err e = { 0 };
	if (renamed && cnet_nl_link_set_name(cont, link->ifindex, link->name, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
	if (link->up && cnet_nl_link_set_up(cont, link->ifindex, true, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

int hd_move_out(struct cnet_nl *cont, struct cnet_nl *host, int host_fd,
		const struct cnet_link *link, const char *host_name, const char *alias,
		struct cnet_err *err)
{
	struct cnet_link other;
	if (cnet_nl_link_get(host, host_name, &other, NULL) == 0)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "give \"%s\" back to the host as \"%s\": the host already has "
				    "a link of that name",
				    link->name, host_name);
	bool renamed = false;
	int r = 0;
	if (strcmp(link->name, host_name)) {   /* links are renamed only when down */
		r = cnet_nl_link_set_up(cont, link->ifindex, false, err);
		if (r >= 0)
			r = cnet_nl_link_set_name(cont, link->ifindex, host_name, err);
		renamed = r >= 0;
		if (r == -EEXIST)   /* taken inside the container: the move renames it */
			r = 0;
	}
	if (r >= 0)
		r = cnet_nl_link_move(cont, link->ifindex, host_fd, host_name, alias, err);
	if (r < 0) {
		restore_in_container(cont, link, renamed);
		cnet_err_prefix(err, "give \"%s\" back to the host", link->name);
		if (r == -EEXIST)
			err->code = CNET_ERR_CONFLICT;
	}
	return r;
}

/* Is l the device st recorded? Its alias still names its host name; the MAC must match. */
static bool is_ours(struct cnet_nl *host, const struct cnet_link *l, const struct hd_state *st)
{
	char alias[CNET_IFALIAS_MAX];
	if (memcmp(l->mac, st->mac, 6))
		return false;
	return cnet_nl_link_get_alias(host, l->ifindex, alias, sizeof(alias), NULL) == 0 &&
	       !strcmp(alias, st->host_name);
}

static bool find_returned(struct cnet_nl *host, const struct hd_state *st, struct cnet_link *l)
{
	if (cnet_nl_link_get_by_index(host, st->ifindex, l, NULL) == 0 && is_ours(host, l, st))
		return true;
	return cnet_nl_link_get(host, st->ifname, l, NULL) == 0 && is_ours(host, l, st);
}

int hd_reclaim(struct cnet_nl *host, const struct hd_state *st, struct cnet_err *err)
{
	struct cnet_link l, other;
	if (!find_returned(host, st, &l)) {
		cnet_log_info("\"%s\" (host name \"%s\") is not in the host namespace: a virtual "
			      "device dies with its namespace", st->ifname, st->host_name);
		return 0;
	}
	if (strcmp(l.name, st->host_name)) {
		if (cnet_nl_link_get(host, st->host_name, &other, NULL) == 0) {
			cnet_log_warn("\"%s\" is back in the host as \"%s\": \"%s\" is taken, "
				      "leaving it so", st->host_name, l.name, st->host_name);
			return 0;
		}
		int r = cnet_nl_link_set_up(host, l.ifindex, false, err);
		if (r >= 0)
			r = cnet_nl_link_set_name(host, l.ifindex, st->host_name, err);
		if (r < 0) {
			cnet_err_prefix(err, "rename \"%s\" back to \"%s\"", l.name, st->host_name);
			return r;
		}
	}
	return cnet_nl_link_set_alias(host, l.ifindex, st->host_alias, err);
}
