/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge's ADD, DEL, CHECK and GC, for the bridge plugin's main() and for plugins that are a
 * bridge plus something on it (vxlan: a VXLAN uplink). With h NULL they are the bridge plugin.
 */
#ifndef BR_CMD_H
#define BR_CMD_H

#include "br_conf.h"
#include "cni.h"
#include "nl.h"

struct br_hooks {
	/* the bridge's name when the config has no "bridge" key (NULL: bridge's own, cni0) */
	const char *default_bridge;
	/* ADD, in the host namespace, before the bridge is ensured: may set c->mtu */
	int (*before_bridge)(struct cnet_nl *host, struct br_conf *c, void *ctx,
			     struct cnet_err *err);
	/* ADD, once the bridge exists and is up, before the container's veth is made */
	int (*after_bridge)(struct cnet_nl *host, const struct br_conf *c,
			    const struct cnet_link *br, void *ctx, struct cnet_err *err);
	/* CHECK, after the bridge plugin's own checks passed */
	int (*check)(struct cnet_nl *host, const struct br_conf *c, void *ctx,
		     struct cnet_err *err);
	void *ctx;
};

int br_cmd_add(const struct cni_args *a, const struct br_hooks *h, struct cni_result **out,
	       struct cnet_err *err);
int br_cmd_del(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err);
int br_cmd_check(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err);
int br_cmd_gc(const struct cni_args *a, const struct br_hooks *h, struct cnet_err *err);

#endif
