// SPDX-License-Identifier: Apache-2.0
/* cnet ls: every conflist of the config dir, with driver, subnets and attachments. */
#include <getopt.h>
#include <stdio.h>

#include "cnet.h"
#include "network.h"
#include "output.h"

static const char usage[] =
	"usage: cnet ls [OPTIONS]\n"
	"\n"
	"List every network configuration list in the config dir (also the ones cnet did not\n"
	"create): NAME DRIVER SUBNETS ATTACHMENTS, attachments being the result cache entries\n"
	"of the network.\n"
	"\n"
	"Options:\n"
	"  -q, --quiet           names only, one a line\n"
	"      --format FORMAT   table (default) or json: an array of\n"
	"                        {name, driver, subnets, attachments, file}\n"
	"  -h, --help            this help\n";

static json_t *subnets_json(const struct cnet_net *n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n->n_subnets; i++) {
		char buf[IPNET_STRLEN];
		json_array_append_new(a, json_string(ipnet_format(&n->subnets[i], buf)));
	}
	return a;
}

static int print_json(const struct cnet_nets *nets)
{
	json_auto_t *all = json_array();

	for (size_t i = 0; i < nets->n; i++) {
		const struct cnet_net *n = &nets->v[i];
		json_array_append_new(all, json_pack("{s:s,s:s,s:o,s:I,s:s}", "name", n->name,
						     "driver", n->driver, "subnets",
						     subnets_json(n), "attachments",
						     (json_int_t)n->attachments, "file", n->file));
	}
	return output_json(all, stdout) < 0 ? CNET_EXIT_FAIL : CNET_EXIT_OK;
}

static int print_table(const struct cnet_nets *nets)
{
	static const char *const header[] = { "NAME", "DRIVER", "SUBNETS", "ATTACHMENTS" };
	cleanup_table struct table t = { 0 };

	if (table_init(&t, 4, header) < 0)
		return cnet_error("out of memory");
	for (size_t i = 0; i < nets->n; i++) {
		const struct cnet_net *n = &nets->v[i];
		char subnets[512], count[24];
		snprintf(count, sizeof(count), "%zu", n->attachments);
		const char *row[] = { n->name, n->driver,
				      output_join_subnets(n->subnets, n->n_subnets, subnets,
							  sizeof(subnets)),
				      count };
		if (table_add(&t, row) < 0)
			return cnet_error("out of memory");
	}
	table_print(&t, stdout);
	return CNET_EXIT_OK;
}

static int ls_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
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

	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };
	if (cnet_nets_load(&ctx->rt, !quiet, &nets, &err) < 0)
		return cnet_error("%s", err.msg);
	if (quiet) {
		for (size_t i = 0; i < nets.n; i++)
			printf("%s\n", nets.v[i].name);
		return CNET_EXIT_OK;
	}
	return ctx->format == CNET_FORMAT_JSON ? print_json(&nets) : print_table(&nets);
}

const struct cnet_cmd cnet_cmd_ls = {
	.name = "ls",
	.summary = "List the networks",
	.usage = usage,
	.fn = ls_main,
};
