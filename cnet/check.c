// SPDX-License-Identifier: Apache-2.0
/* cnet check (is an attachment as ADD left it?) and cnet status (can a network take ADDs?). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attachment.h"
#include "cleanup.h"
#include "cnet.h"
#include "network.h"

static const char check_usage[] =
	"usage: cnet check [OPTIONS] NETWORK NETNS\n"
	"\n"
	"Verify that NETNS's attachment to NETWORK is as ADD left it: CHECK through the network's\n"
	"plugins with the cached result (the interface, its addresses and routes, the published\n"
	"ports, the firewall's entries). Prints nothing when it is; else the first plugin's\n"
	"complaint, exit status 1.\n"
	"\n"
	"Options:\n"
	"      --id ID           the container ID (default: NETNS's name, or one made from it)\n"
	"      --ifname NAME     which attachment, when NETNS is attached to NETWORK more than once\n"
	"  -h, --help            this help\n";

static const char status_usage[] =
	"usage: cnet status [OPTIONS] [NETWORK...]\n"
	"\n"
	"Whether each NETWORK (default: every network) can take attachments now: every plugin\n"
	"of its list is on the plugin path and, for cniVersion 1.1.0 lists, answers STATUS.\n"
	"Prints NETWORK STATUS (\"ready\", or why not); exit status 1 when one is not ready.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT   table (default) or json: an array of {network, ready, code,\n"
	"                        msg}\n"
	"  -h, --help            this help\n";

enum { OPT_ID = 256, OPT_IFNAME };

static int check_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "id", required_argument, NULL, OPT_ID },
		{ "ifname", required_argument, NULL, OPT_IFNAME },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *id = NULL, *ifname = NULL;
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ID:
			id = optarg;
			break;
		case OPT_IFNAME:
			ifname = optarg;
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return CNET_EXIT_OK;
		default:
			return cnet_getopt_error(ctx, c, argv);
		}
	}
	if (argc - optind < 2)
		return cnet_usage_error(ctx, argc == optind ? "NETWORK and NETNS are missing" :
							      "NETNS is missing");
	if (argc - optind > 2)
		return cnet_usage_error(ctx, "unexpected argument \"%s\"", argv[optind + 2]);
	const char *network = argv[optind], *netns = argv[optind + 1];

	struct cnet_err err = { 0 };
	struct cnet_netns_ref ref;
	cleanup_conflist struct cnet_conflist *cl = NULL;
	cleanup_atts struct cnet_atts all = { 0 };
	const struct cnet_att *a = NULL;
	if (cnet_netns_resolve(netns, id, &ref, &err) < 0 ||
	    cnet_network_open(ctx, network, false, &cl, &err) < 0 ||
	    cnet_atts_load(&ctx->rt, network, ref.id, &all, &err) < 0 ||
	    cnet_att_find(&all, network, ref.id, ifname, &a, &err) < 0)
		return cnet_error("check %s on %s: %s", netns, network, err.msg);
	struct cnet_attachment att = { .container_id = a->container_id,
				       .netns = a->netns ? a->netns : ref.path,
				       .ifname = a->ifname };
	if (access(att.netns, F_OK) < 0)
		return cnet_error("check %s on %s: its namespace %s is gone ('cnet gc' cleans up)",
				  netns, network, att.netns);
	if (cnet_rt_check(&ctx->rt, cl, &att, &err) < 0)
		return cnet_error("check %s on %s: %s", netns, network, err.msg);
	return CNET_EXIT_OK;
}

/* ---- status --------------------------------------------------------------------------------- */

/* Every plugin of the list on the plugin path, then STATUS. */
static int status_of(const struct cnet_ctx *ctx, const struct cnet_conflist *cl,
		     struct cnet_err *err)
{
	char path[4096];
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		const char *type = json_string_value(json_object_get(p, "type"));
		if (cnet_plugin_find(ctx->rt.plugin_path, type, path, sizeof(path)) < 0)
			return cnet_err_set(err, CNI_ERR_IO, 0, "plugin \"%s\" not found in %s",
					    type, ctx->rt.plugin_path);
	}
	return cnet_rt_status(&ctx->rt, cl, err);
}

struct status_row {
	const char *name;
	struct cnet_err err;
	bool ready;
};

static int status_one(const struct cnet_ctx *ctx, const char *name, struct status_row *row)
{
	cleanup_conflist struct cnet_conflist *cl = NULL;

	row->name = name;
	memset(&row->err, 0, sizeof(row->err));
	if (cnet_network_open(ctx, name, false, &cl, &row->err) < 0)
		return -ENOENT;
	row->ready = status_of(ctx, cl, &row->err) == 0;
	return 0;
}

static int print_status(const struct cnet_ctx *ctx, const struct status_row *rows, size_t n)
{
	if (ctx->format == CNET_FORMAT_JSON) {
		json_auto_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_pack("{s:s,s:b}", "network", rows[i].name, "ready",
					      rows[i].ready);
			if (!rows[i].ready) {
				json_object_set_new(o, "code", json_integer(rows[i].err.code));
				json_object_set_new(o, "msg", json_string(rows[i].err.msg));
			}
			json_array_append_new(arr, o);
		}
		return output_json(arr, stdout) < 0 ? CNET_EXIT_FAIL : CNET_EXIT_OK;
	}
	static const char *const header[] = { "NETWORK", "STATUS" };
	cleanup_table struct table t = { 0 };
	if (table_init(&t, 2, header) < 0)
		return cnet_error("out of memory");
	for (size_t i = 0; i < n; i++) {
		char why[CNET_ERR_MSG_MAX + 16];
		snprintf(why, sizeof(why), "not ready: %s", rows[i].err.msg);
		const char *row[] = { rows[i].name, rows[i].ready ? "ready" : why };
		if (table_add(&t, row) < 0)
			return cnet_error("out of memory");
	}
	table_print(&t, stdout);
	return CNET_EXIT_OK;
}

static int status_main(struct cnet_ctx *ctx, int argc, char **argv)
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
	cleanup_nets struct cnet_nets nets = { 0 };
	struct cnet_err err = { 0 };
	if (optind == argc && cnet_nets_load(&ctx->rt, false, &nets, &err) < 0)
		return cnet_error("%s", err.msg);
	size_t n = optind < argc ? (size_t)(argc - optind) : nets.n;
	cleanup_free struct status_row *rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return cnet_error("out of memory");
	int status = CNET_EXIT_OK;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = optind < argc ? argv[optind + (int)i] : nets.v[i].name;
		if (optind == argc && cnet_nets_find(&nets, name) != &nets.v[i])
			continue;   /* a second file with the same name: libcni uses the first */
		if (status_one(ctx, name, &rows[k]) < 0) {
			status = cnet_error("%s", rows[k].err.msg);
			continue;
		}
		if (!rows[k].ready)
			status = CNET_EXIT_FAIL;
		k++;
	}
	if ((k || optind == argc) && print_status(ctx, rows, k) != CNET_EXIT_OK)
		return CNET_EXIT_FAIL;
	return status;
}

const struct cnet_cmd cnet_cmd_check = {
	.name = "check",
	.summary = "Verify an attachment (CHECK)",
	.usage = check_usage,
	.fn = check_main,
};

const struct cnet_cmd cnet_cmd_status = {
	.name = "status",
	.summary = "Say whether networks can take attachments (STATUS)",
	.usage = status_usage,
	.fn = status_main,
};
