// SPDX-License-Identifier: Apache-2.0
/* bridge: main() (the commands are in commands.c). */
#include "br_cmd.h"
#include "ipam.h"
#include "../../ipam/host-local/host_local.h"

static int add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	return br_cmd_add(a, NULL, out, err);
}

static int del(const struct cni_args *a, struct cnet_err *err)
{
	return br_cmd_del(a, NULL, err);
}

static int check(const struct cni_args *a, struct cnet_err *err)
{
	return br_cmd_check(a, NULL, err);
}

static int gc(const struct cni_args *a, struct cnet_err *err)
{
	return br_cmd_gc(a, NULL, err);
}

static const struct cni_plugin bridge_plugin = {
	.name = "bridge",
	.about = "cnet bridge: veth pairs on a Linux bridge",
	.add = add,
	.del = del,
	.check = check,
	.gc = gc,
	.status = ipam_status,   /* nothing of its own to report */
};

int main(int argc, char **argv)
{
	ipam_link(&host_local_plugin);   /* cnet's host-local, without an exec (lib/ipam.h) */
	return cni_main(&bridge_plugin, argc, argv);
}
