// SPDX-License-Identifier: Apache-2.0
/* cnet gc: clean up what died without cleaning up (cnet runs, attachments of gone namespaces). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "attachment.h"
#include "cleanup.h"
#include "cnet.h"
#include "netns.h"
#include "network.h"
#include "runstate.h"

static const char usage[] =
	"usage: cnet gc [OPTIONS] [NETWORK...]\n"
	"\n"
	"Clean up after what died without cleaning up, on each NETWORK (default: every network):\n"
	"  1. the namespaces of `cnet run`s whose process is gone (killed with SIGKILL, say):\n"
	"     each one's attachment is detached and the namespace deleted;\n"
	"  2. GC as libcni does it: attachments whose namespace no longer exists are detached,\n"
	"     and for cniVersion 1.1.0 lists every plugin gets GC with the attachments to keep.\n"
	"Prints what it removed, one a line: \"run NAME\" and \"attachment NETWORK/CONTAINER/IFNAME\".\n"
	"\n"
	"Options:\n"
	"      --format FORMAT   table (default) or json: {runs: [NAME...], attachments:\n"
	"                        [{network, containerId, ifname}]}\n"
	"  -h, --help            this help\n";

struct gc {
	struct cnet_ctx *ctx;
	char **networks;        /* the NETWORK arguments (n == 0: every network) */
	int n;
	json_t *runs, *removed; /* what went */
	int status;
};

static bool wanted(const struct gc *g, const char *network)
{
	if (g->n == 0)
		return true;
	for (int i = 0; i < g->n; i++)
		if (!strcmp(g->networks[i], network))
			return true;
	return false;
}

/* A dead run: detach (DEL even without a cache entry: the ADD may have stopped half way),
 * delete the namespace, then the state file. */
static int gc_run(const struct runstate *s, void *arg)
{
	struct gc *g = arg;
	struct cnet_err err = { 0 };

	if (!wanted(g, s->network) || (g->n && !*s->network) || runstate_alive(s))
		return 0;
	if (*s->network) {
		cleanup_conflist struct cnet_conflist *cl = NULL;
		int ret = cnet_network_open(g->ctx, s->network, false, &cl, &err);
		if (ret >= 0)
			ret = cnet_detach(g->ctx, cl, s->netns, s->name, s->ifname, &err);
		if (ret < 0 && ret != -ENOENT) {
			g->status = cnet_error("gc: run %s (pid %ld): detach from %s: %s", s->name,
					       s->pid, s->network, err.msg);
			return 0;
		}
	}
	if (netns_delete(s->name, &err) < 0 || runstate_remove(s->name, &err) < 0) {
		g->status = cnet_error("gc: run %s (pid %ld): %s", s->name, s->pid, err.msg);
		return 0;
	}
	json_array_append_new(g->runs, json_string(s->name));
	return 0;
}

/* libcni's GC on one network; what it removed is what the cache no longer lists. */
static void gc_network(struct gc *g, const char *name)
{
	cleanup_conflist struct cnet_conflist *cl = NULL;
	cleanup_atts struct cnet_atts before = { 0 }, after = { 0 };
	struct cnet_err err = { 0 };

	if (cnet_network_open(g->ctx, name, false, &cl, &err) < 0 ||
	    cnet_atts_load(&g->ctx->rt, name, NULL, &before, &err) < 0) {
		g->status = cnet_error("gc: %s", err.msg);
		return;
	}
	if (cnet_rt_gc(&g->ctx->rt, cl, NULL, 0, &err) < 0)
		g->status = cnet_error("gc: network %s: %s", name, err.msg);
	if (cnet_atts_load(&g->ctx->rt, name, NULL, &after, &err) < 0)
		return;
	for (size_t i = 0; i < before.n; i++) {
		const struct cnet_att *a = &before.v[i];
		const struct cnet_att *still = NULL;
		struct cnet_err ignored;
		if (cnet_att_find(&after, a->network, a->container_id, a->ifname, &still,
				  &ignored) == -ENOENT)
			json_array_append_new(g->removed,
					      json_pack("{s:s,s:s,s:s}", "network", a->network,
							"containerId", a->container_id, "ifname",
							a->ifname));
	}
}

static void print(const struct cnet_ctx *ctx, const struct gc *g)
{
	if (ctx->format == CNET_FORMAT_JSON) {
		json_auto_t *o = json_pack("{s:O,s:O}", "runs", g->runs, "attachments", g->removed);
		output_json(o, stdout);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(g->runs, i, v) {
		printf("run %s\n", json_string_value(v));
	}
	json_array_foreach(g->removed, i, v) {
		printf("attachment %s/%s/%s\n", json_string_value(json_object_get(v, "network")),
		       json_string_value(json_object_get(v, "containerId")),
		       json_string_value(json_object_get(v, "ifname")));
	}
}

static int gc_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cnet_parse_format(optarg, &ctx->format) < 0)
				return cnet_usage_error(ctx, "--format %s: expected table or json",
							optarg);
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return CNET_EXIT_OK;
		default:
			return cnet_getopt_error(ctx, c, argv);
		}
	}
	json_auto_t *runs = json_array(), *removed = json_array();
	struct gc g = { .ctx = ctx, .networks = argv + optind, .n = argc - optind, .runs = runs,
			.removed = removed };
	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };

	for (int i = 0; i < g.n; i++) {
		cleanup_conflist struct cnet_conflist *cl = NULL;
		if (cnet_network_open(ctx, g.networks[i], false, &cl, &err) < 0)
			return cnet_error("%s", err.msg);
	}
	if (runstate_each(gc_run, &g, &err) < 0)
		g.status = cnet_error("gc: %s", err.msg);
	if (g.n == 0 && cnet_nets_load(&ctx->rt, false, &nets, &err) < 0)
		return cnet_error("%s", err.msg);
	for (size_t i = 0; i < (g.n ? (size_t)g.n : nets.n); i++) {
		const char *name = g.n ? g.networks[i] : nets.v[i].name;
		if (!g.n && cnet_nets_find(&nets, name) != &nets.v[i])
			continue;
		gc_network(&g, name);
	}
	print(ctx, &g);
	return g.status;
}

const struct cnet_cmd cnet_cmd_gc = {
	.name = "gc",
	.summary = "Clean up dead runs and attachments of gone namespaces (GC)",
	.usage = usage,
	.fn = gc_main,
};
