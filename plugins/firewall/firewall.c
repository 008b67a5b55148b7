// SPDX-License-Identifier: Apache-2.0
/*
 * firewall: chained after bridge (podman's conflists: bridge -> portmap -> firewall -> tuning).
 * Two jobs, each in its own file:
 *  - iptables.c: let the container's traffic through iptables' FORWARD policy when the host
 *    has one (the reference's CNI-FORWARD / CNI-ADMIN chains, written the way iptables-nft
 *    writes them);
 *  - isolation.c: ingressPolicy, isolation between networks, as elements of sets in cnet's
 *    own table.
 * Everything it adds carries the attachment's owner, so DEL and GC need no prevResult.
 */
#include <errno.h>
#include <stdio.h>

#include "cleanup.h"
#include "cni.h"
#include "fw_conf.h"
#include "iptables.h"
#include "isolation.h"
#include "nft_owner.h"

static int need_prev(const struct cni_args *a, struct cnet_err *err)
{
	if (a->prev)
		return 0;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "prevResult: firewall must be chained after a plugin that creates "
			    "the interface (missing prevResult from earlier plugin)");
}

/* ADD and CHECK: the config, what prevResult says, and the attachment's owner. */
static int prepare(const struct cni_args *a, struct fw_conf *c, struct fw_attachment *at,
		   char owner[CNET_NFT_COMMENT_MAX + 1], struct cnet_err *err)
{
	int r = fw_conf_parse(a->config, c, err);
	if (r >= 0)
		r = need_prev(a, err);
	if (r >= 0)
		r = fw_attachment_from_result(a->prev, c, at, err);
	if (r >= 0)
		cnet_nft_owner(owner, CNET_NFT_COMMENT_MAX + 1, c->name, a->container_id, a->ifname);
	return r;
}

static int fw_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct fw_conf c;
	struct fw_attachment at;
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int r = prepare(a, &c, &at, owner, err);
	if (r < 0)
		return r;
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, false, err);
	if (r >= 0)
		r = fw_ipt_add(nft, &c, &at, owner, err);
	if (r >= 0) {
		r = fw_iso_add(nft, &c, &at, owner, err);
		if (r < 0) {   /* nothing of a failed ADD stays */
			struct cnet_err ignored = { 0 };
			fw_ipt_del(nft, owner, &ignored);
		}
	}
	if (r < 0)
		return r;
	*out = cni_result_copy(a->prev, a->version);
	return *out ? 0 : cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
}

/* DEL runs both steps even when the first fails; the first failure is reported. */
static int fw_del(const struct cni_args *a, struct cnet_err *err)
{
	struct fw_conf c;
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int r = fw_conf_parse(a->config, &c, err);
	if (r < 0)
		return r;
	cnet_nft_owner(owner, sizeof(owner), c.name, a->container_id, a->ifname);
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, false, err);
	if (r < 0)
		return r;
	struct cnet_err second = { 0 };
	r = fw_iso_del(nft, owner, err);
	int r2 = fw_ipt_del(nft, owner, r < 0 ? &second : err);
	return r < 0 ? r : r2;
}

static int fw_check(const struct cni_args *a, struct cnet_err *err)
{
	struct fw_conf c;
	struct fw_attachment at;
	char owner[CNET_NFT_COMMENT_MAX + 1];
	int r = prepare(a, &c, &at, owner, err);
	if (r < 0)
		return r;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open(&nft, -1, 0, err);
	if (r >= 0)
		r = fw_ipt_check(nft, &c, &at, owner, err);
	if (r >= 0)
		r = fw_iso_check(nft, &c, &at, owner, err);
	return r < 0 ? r : 0;
}

static int fw_gc(const struct cni_args *a, struct cnet_err *err)
{
	struct fw_conf c;
	int r = fw_conf_parse(a->config, &c, err);
	if (r < 0)
		return r;
	int lock cleanup_close = -1;
	struct cnet_nft *nft cleanup_nft = NULL;
	r = cnet_nft_open_locked(&nft, &lock, false, err);
	if (r < 0)
		return r;
	struct cnet_err second = { 0 };
	r = fw_iso_gc(nft, c.name, a, err);
	int r2 = fw_ipt_gc(nft, c.name, a, r < 0 ? &second : err);
	return r < 0 ? r : r2;
}

static const struct cni_plugin firewall_plugin = {
	.name = "firewall",
	.about = "cnet firewall: through iptables' FORWARD policy, isolation between networks",
	.netns_unused = true,
	.min_version = "0.4.0",
	.add = fw_add,
	.del = fw_del,
	.check = fw_check,
	.gc = fw_gc,
};

int main(int argc, char **argv)
{
	return cni_main(&firewall_plugin, argc, argv);
}
