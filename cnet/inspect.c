// SPDX-License-Identifier: Apache-2.0
/* cnet inspect: networks as JSON, with their config and their attachments. */
#include <getopt.h>
#include <stdio.h>

#include "cnet.h"
#include "network.h"
#include "output.h"

static const char usage[] =
	"usage: cnet inspect [OPTIONS] NAME...\n"
	"\n"
	"Print a JSON array, one object per NAME: {name, driver, subnets, file, config (the\n"
	"conflist), attachments: [{containerId, ifname, netns, ips, ports}]}. An unknown NAME is\n"
	"an error (exit status 1) after the known ones are printed.\n"
	"\n"
	"Options:\n"
	"  -h, --help            this help\n";

static int add_attachment(const struct cnet_cached *c, void *arg)
{
	json_t *ips = json_array();
	size_t i;
	json_t *ip;

	json_array_foreach(json_object_get(c->result, "ips"), i, ip) {
		json_t *addr = json_object_get(ip, "address");
		if (json_is_string(addr))
			json_array_append(ips, addr);
	}
	json_t *ports = json_object_get(c->capability_args, "portMappings");
	ports = json_is_array(ports) ? json_incref(ports) : json_array();
	json_t *a = json_pack("{s:s,s:s,s:s?,s:o,s:o}", "containerId", c->container_id, "ifname",
			      c->ifname, "netns", c->netns, "ips", ips, "ports", ports);
	return a && json_array_append_new(arg, a) == 0 ? 0 : -1;
}

static json_t *inspect_one(const struct cnet_ctx *ctx, const struct cnet_net *n,
			   struct cnet_err *err)
{
	json_t *subnets = json_array();
	json_t *attachments = json_array();

	for (size_t i = 0; i < n->n_subnets; i++) {
		char buf[IPNET_STRLEN];
		json_array_append_new(subnets, json_string(ipnet_format(&n->subnets[i], buf)));
	}
	int ret = cnet_cache_each(&ctx->rt, n->name, add_attachment, attachments, err);
	if (ret < 0) {
		json_decref(subnets);
		json_decref(attachments);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:o,s:s,s:O,s:o}", "name", n->name, "driver", n->driver,
			 "subnets", subnets, "file", n->file, "config", n->json, "attachments",
			 attachments);
}

static int inspect_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			return cnet_getopt_error(ctx, c, argv);
		cnet_print_usage(ctx->cmd, stdout);
		return CNET_EXIT_OK;
	}
	if (optind >= argc)
		return cnet_usage_error(ctx, "NAME is missing");

	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };
	if (cnet_nets_load(&ctx->rt, false, &nets, &err) < 0)
		return cnet_error("%s", err.msg);
	json_auto_t *out = json_array();
	int status = CNET_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const struct cnet_net *n = cnet_nets_find(&nets, argv[i]);
		if (!n) {
			status = cnet_error("no network named %s in %s", argv[i],
					    ctx->rt.config_dir);
			continue;
		}
		json_t *o = inspect_one(ctx, n, &err);
		if (!o) {
			status = cnet_error("%s", err.msg);
			continue;
		}
		json_array_append_new(out, o);
	}
	if (output_json(out, stdout) < 0)
		return CNET_EXIT_FAIL;
	return status;
}

const struct cnet_cmd cnet_cmd_inspect = {
	.name = "inspect",
	.summary = "Show networks in detail (JSON)",
	.usage = usage,
	.fn = inspect_main,
};
