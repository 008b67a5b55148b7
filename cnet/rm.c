// SPDX-License-Identifier: Apache-2.0
/* cnet rm, cnet prune: remove networks (their conflist, and the bridge and the lease dir when
 * nothing uses them any more). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cnet.h"
#include "fs.h"
#include "netdef.h"
#include "network.h"
#include "nl.h"

static const char rm_usage[] =
	"usage: cnet rm [OPTIONS] NAME...\n"
	"\n"
	"Remove networks: the conflist file; for the bridge and vxlan drivers also the bridge\n"
	"(and the VXLAN link) when no other network uses it and it has no ports left, and the\n"
	"network's host-local lease dir when it holds no lease. A network with attachments is\n"
	"refused.\n"
	"\n"
	"Options:\n"
	"  -f, --force           detach every attachment first (DEL through the network)\n"
	"  -h, --help            this help\n";

static const char prune_usage[] =
	"usage: cnet prune\n"
	"\n"
	"Remove every network that cnet created, has no attachments and is not the default\n"
	"network " NETDEF_DEFAULT_NETWORK "; print the names of the ones removed.\n"
	"\n"
	"Options:\n"
	"  -h, --help            this help\n";

/* What DEL needs from each cache entry (copies). */
struct attachment {
	char *container_id, *ifname, *netns;
};

struct attachments {
	struct attachment *v;
	size_t n;
};

static void attachments_free(struct attachments *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].container_id);
		free(a->v[i].ifname);
		free(a->v[i].netns);
	}
	free(a->v);
}

static int collect(const struct cnet_cached *c, void *arg)
{
	struct attachments *a = arg;
	struct attachment *v = realloc(a->v, (a->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	a->v = v;
	struct attachment *copy = &v[a->n++];
	copy->container_id = strdup(c->container_id);
	copy->ifname = strdup(c->ifname);
	copy->netns = c->netns ? strdup(c->netns) : NULL;
	return copy->container_id && copy->ifname && (copy->netns || !c->netns) ? 0 : -ENOMEM;
}

static int detach_all(const struct cnet_ctx *ctx, const struct cnet_conflist *cl,
		      const struct attachments *att, struct cnet_err *err)
{
	for (size_t i = 0; i < att->n; i++) {
		const struct attachment *c = &att->v[i];
		struct cnet_attachment a = { .container_id = c->container_id,
					     .netns = c->netns,
					     .ifname = c->ifname };
		int ret = cnet_rt_del(&ctx->rt, cl, &a, err);
		if (ret < 0) {
			cnet_err_prefix(err, "detach %s/%s", c->container_id, c->ifname);
			return ret;
		}
	}
	return 0;
}

/* The number of ports of bridge br (its brif dir in sysfs), -1 when unknown. */
static int bridge_ports(const char *br)
{
	char path[128];
	int n = 0;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", br);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void remove_bridge(const char *br)
{
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_err err = { 0 };
	struct cnet_link link;

	if (cnet_nl_open(&nl, -1, &err) < 0 || cnet_nl_link_get(nl, br, &link, &err) < 0) {
		if (err.msg[0])
			cnet_note("kept bridge %s: %s", br, err.msg);
		return;
	}
	if (strcmp(link.kind, "bridge"))
		return;
	int ports = bridge_ports(br);
	if (ports != 0) {
		cnet_note("kept bridge %s: it still has %d port%s", br, ports, ports == 1 ? "" : "s");
		return;
	}
	if (cnet_nl_link_del(nl, link.ifindex, &err) < 0 && err.msg[0])
		cnet_note("kept bridge %s: %s", br, err.msg);
}

/* The vxlan plugin's VXLAN link (a port of the network's bridge, which goes next). */
static void remove_vxlan(const char *name)
{
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_err err = { 0 };
	struct cnet_link link;

	if (cnet_nl_open(&nl, -1, &err) < 0 || cnet_nl_link_get(nl, name, &link, &err) < 0) {
		if (err.msg[0])
			cnet_note("kept %s: %s", name, err.msg);
		return;
	}
	if (strcmp(link.kind, "vxlan"))
		return;
	if (cnet_nl_link_del(nl, link.ifindex, &err) < 0 && err.msg[0])
		cnet_note("kept %s: %s", name, err.msg);
}

/* host-local's <dataDir>/<name>: removed when it holds nothing but its lock and
 * last_reserved_ip files. */
static void remove_lease_dir(const char *data_dir, const char *name)
{
	char path[4096];
	size_t leases = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", data_dir, name) >= sizeof(path))
		return;
	DIR *d = opendir(path);
	if (!d)
		return;
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "lock") &&
		    strncmp(e->d_name, "last_reserved_ip.", 17) && !fs_is_temp(e->d_name))
			leases++;
	if (leases) {
		closedir(d);
		cnet_note("kept %s: %zu lease%s", path, leases, leases == 1 ? "" : "s");
		return;
	}
	rewinddir(d);
	for (struct dirent *e = readdir(d); e; e = readdir(d))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	if (rmdir(path) < 0)
		cnet_note("kept %s: %s", path, strerror(errno));
}

/* After the file is gone: the bridge and the lease dir, unless another network uses them. */
static void remove_leftovers(const struct cnet_ctx *ctx, const struct cnet_conflist *cl)
{
	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };
	char br_buf[IF_NAMESIZE], vx[IF_NAMESIZE], other[IF_NAMESIZE];
	const char *br = netdef_bridge_of(cl->json, br_buf) ? br_buf : NULL;
	const char *data_dir = netdef_hostlocal_dir_of(cl->json);

	if (cnet_nets_load(&ctx->rt, false, &nets, &err) < 0) {
		cnet_note("kept the bridge and leases of %s: %s", cl->name, err.msg);
		return;
	}
	if (cnet_nets_find(&nets, cl->name))
		return;   /* another file defines the same network: its state stays */
	for (size_t i = 0; br && i < nets.n; i++) {
		if (netdef_bridge_of(nets.v[i].json, other) && !strcmp(other, br)) {
			cnet_note("kept bridge %s: network %s uses it", br, nets.v[i].name);
			br = NULL;
		}
	}
	if (br && netdef_vxlan_of(cl->json, vx))   /* the bridge's uplink goes first */
		remove_vxlan(vx);
	if (br)
		remove_bridge(br);
	if (data_dir)
		remove_lease_dir(data_dir, cl->name);
}

int cnet_network_remove(struct cnet_ctx *ctx, const char *name, bool force)
{
	struct cnet_err err = { 0 };
	cleanup_close int lock = cnet_config_lock(&ctx->rt, &err);
	cleanup_conflist struct cnet_conflist *cl = NULL;

	if (lock < 0 || cnet_conflist_find(&ctx->rt, name, &cl, &err) < 0)
		return cnet_error("%s", err.msg);
	struct attachments att = { 0 };
	int ret = cnet_cache_each(&ctx->rt, name, collect, &att, &err);
	if (ret == -ENOMEM)
		cnet_err_set(&err, CNI_ERR_INTERNAL, ENOMEM, "read the result cache");
	if (ret >= 0 && att.n && !force)
		ret = cnet_err_set(&err, CNI_ERR_INVALID_CONFIG, 0,
				   "network %s has %zu attachment%s: detach %s or use -f", name,
				   att.n, att.n == 1 ? "" : "s", att.n == 1 ? "it" : "them");
	if (ret >= 0 && att.n)
		ret = detach_all(ctx, cl, &att, &err);
	attachments_free(&att);
	if (ret < 0)
		return cnet_error("%s", err.msg);
	if (unlink(cl->path) < 0 && errno != ENOENT)
		return cnet_error("remove %s: %s", cl->path, strerror(errno));
	remove_leftovers(ctx, cl);
	printf("%s\n", name);
	return CNET_EXIT_OK;
}

static int rm_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool force = false;
	int c, status = CNET_EXIT_OK;

	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return CNET_EXIT_OK;
		default:
			return cnet_getopt_error(ctx, c, argv);
		}
	}
	if (optind >= argc)
		return cnet_usage_error(ctx, "NAME is missing");
	for (int i = optind; i < argc; i++)
		if (cnet_network_remove(ctx, argv[i], force) != CNET_EXIT_OK)
			status = CNET_EXIT_FAIL;
	return status;
}

static int prune_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, status = CNET_EXIT_OK;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			return cnet_getopt_error(ctx, c, argv);
		cnet_print_usage(ctx->cmd, stdout);
		return CNET_EXIT_OK;
	}
	if (optind < argc)
		return cnet_usage_error(ctx, "unexpected argument \"%s\"", argv[optind]);

	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };
	if (cnet_nets_load(&ctx->rt, true, &nets, &err) < 0)
		return cnet_error("%s", err.msg);
	for (size_t i = 0; i < nets.n; i++) {
		const struct cnet_net *n = &nets.v[i];
		if (!n->cnet_made || n->attachments || !strcmp(n->name, NETDEF_DEFAULT_NETWORK) ||
		    cnet_nets_find(&nets, n->name) != n)
			continue;
		if (cnet_network_remove(ctx, n->name, false) != CNET_EXIT_OK)
			status = CNET_EXIT_FAIL;
	}
	return status;
}

const struct cnet_cmd cnet_cmd_rm = {
	.name = "rm",
	.summary = "Remove networks",
	.usage = rm_usage,
	.fn = rm_main,
};

const struct cnet_cmd cnet_cmd_prune = {
	.name = "prune",
	.summary = "Remove the unused networks cnet created",
	.usage = prune_usage,
	.fn = prune_main,
};
