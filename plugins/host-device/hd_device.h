/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-device: find the host device a config names, move it into the container and back,
 * and reclaim it when the container namespace died with it inside.
 */
#ifndef HOSTDEVICE_DEVICE_H
#define HOSTDEVICE_DEVICE_H

#include <stdbool.h>

#include "err.h"
#include "hd_conf.h"
#include "hd_state.h"
#include "nl.h"

/* The link the config's selector names, in host's namespace (code 7 when there is none). */
int hd_find(struct cnet_nl *host, const struct hd_conf *c, struct cnet_link *out,
	    struct cnet_err *err);

/* The selector is a PCI device bound to a userspace driver: nothing is moved (DPDK). */
bool hd_dpdk_mode(const struct hd_conf *c);

/*
 * Move dev into the container (cont, cont_fd) renamed to ifname, with its host name as its
 * alias, in one request. ifname taken in the container: 103, nothing moved. When the kernel
 * moved it but could not rename it, it is moved back to the host (host_fd).
 */
int hd_move_in(struct cnet_nl *host, struct cnet_nl *cont, int cont_fd, int host_fd,
	       const struct cnet_link *dev, const char *ifname, struct cnet_err *err);

/*
 * Give link (in the container) back to the host under host_name with alias (NULL: leave it,
 * "": clear it): down, renamed inside the container, then moved, so the host never sees its
 * container name. host_name taken in the host: 103, nothing changed. On failure the link is
 * left as it was (name, up).
 */
int hd_move_out(struct cnet_nl *cont, struct cnet_nl *host, int host_fd,
		const struct cnet_link *link, const char *host_name, const char *alias,
		struct cnet_err *err);

/*
 * The container namespace is gone: a physical device is back in the initial namespace under
 * its container name (or "dev<N>"), a virtual one was destroyed. Find it in host by st's
 * ifindex or container name, recognised by its alias (st's host name) and MAC, and give it
 * back its host name and alias. Not found: nothing to do.
 */
int hd_reclaim(struct cnet_nl *host, const struct hd_state *st, struct cnet_err *err);

#endif
