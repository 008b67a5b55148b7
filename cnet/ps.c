// SPDX-License-Identifier: Apache-2.0
/* cnet ps: the attachments (libcni's result cache entries). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "attachment.h"
#include "cleanup.h"
#include "cnet.h"

static const char usage[] =
	"usage: cnet ps [OPTIONS]\n"
	"\n"
	"List the attachments: the entries of libcni's result cache, also the ones other\n"
	"libcni-based runtimes made there: NETWORK CONTAINER IFNAME NETNS ADDRESSES PORTS.\n"
	"\n"
	"Options:\n"
	"      --network NAME    only the attachments to network NAME\n"
	"  -q, --quiet           container IDs only, each once\n"
	"      --format FORMAT   table (default) or json: an array of {network, containerId,\n"
	"                        ifname, netns, ips, mac, ports}\n"
	"  -h, --help            this help\n";

static int print_table(const struct cnet_atts *all)
{
	static const char *const header[] = { "NETWORK", "CONTAINER", "IFNAME",
					      "NETNS",   "ADDRESSES", "PORTS" };
	cleanup_table struct table t = { 0 };

	if (table_init(&t, 6, header) < 0)
		return cnet_error("out of memory");
	for (size_t i = 0; i < all->n; i++) {
		const struct cnet_att *a = &all->v[i];
		char addrs[512], ports[512];
		const char *row[] = {
			a->network,
			a->container_id,
			a->ifname,
			a->netns,
			attachspec_format_addresses(a->result, addrs, sizeof(addrs)),
			attachspec_format_ports(json_object_get(a->caps, "portMappings"), ports,
						sizeof(ports)),
		};
		if (table_add(&t, row) < 0)
			return cnet_error("out of memory");
	}
	table_print(&t, stdout);
	return CNET_EXIT_OK;
}

static int print_json(const struct cnet_atts *all)
{
	json_auto_t *arr = json_array();

	for (size_t i = 0; i < all->n; i++) {
		const struct cnet_att *a = &all->v[i];
		if (json_array_append_new(arr, cnet_att_json(a->network, a->container_id, a->ifname,
							     a->netns, a->result, a->caps)) < 0)
			return cnet_error("out of memory");
	}
	return output_json(arr, stdout) < 0 ? CNET_EXIT_FAIL : CNET_EXIT_OK;
}

static void print_ids(const struct cnet_atts *all)
{
	for (size_t i = 0; i < all->n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(all->v[j].container_id, all->v[i].container_id);
		if (!seen)
			printf("%s\n", all->v[i].container_id);
	}
}

static int ps_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *network = NULL;
	bool quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			network = optarg;
			break;
		case 'q':
			quiet = true;
			break;
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
	if (optind < argc)
		return cnet_usage_error(ctx, "unexpected argument \"%s\"", argv[optind]);

	cleanup_atts struct cnet_atts all = { 0 };
	struct cnet_err err = { 0 };
	if (cnet_atts_load(&ctx->rt, network, NULL, &all, &err) < 0)
		return cnet_error("%s", err.msg);
	if (network && all.n == 0) {
		/* no attachments: say so only when the network is unknown too */
		cleanup_conflist struct cnet_conflist *cl = NULL;
		if (cnet_network_open(ctx, network, false, &cl, &err) < 0)
			return cnet_error("%s", err.msg);
	}
	if (quiet) {
		print_ids(&all);
		return CNET_EXIT_OK;
	}
	return ctx->format == CNET_FORMAT_JSON ? print_json(&all) : print_table(&all);
}

const struct cnet_cmd cnet_cmd_ps = {
	.name = "ps",
	.summary = "List the attachments",
	.usage = usage,
	.fn = ps_main,
};
