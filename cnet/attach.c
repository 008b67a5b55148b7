// SPDX-License-Identifier: Apache-2.0
/* cnet attach, cnet detach: connect a network namespace to a network and disconnect it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "attachment.h"
#include "cleanup.h"
#include "cnet.h"
#include "netdef.h"

static const char attach_usage[] =
	"usage: cnet attach [OPTIONS] NETWORK NETNS\n"
	"\n"
	"Attach the network namespace NETNS (a name in /run/netns, or a path such as\n"
	"/proc/PID/ns/net) to NETWORK as a container runtime does: ADD through the network's\n"
	"plugins, the result kept in libcni's result cache. The default network " NETDEF_DEFAULT_NETWORK "\n"
	"is created on first use. Prints NETWORK IFNAME ADDRESSES PORTS.\n"
	"\n"
	"Options:\n"
	"      --id ID           the container ID (default: NETNS's name, or one made from it)\n"
	"      --ifname NAME     the interface in NETNS (default: the first of eth0, eth1, ...\n"
	"                        that the container does not use yet)\n"
	"      --ip ADDR         ask for this address (once per IP family; capability ips)\n"
	"      --mac MAC         the interface's MAC address (capability mac)\n"
	"  -p, --publish [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp]\n"
	"                        publish a port or a range of ports on the host (repeatable;\n"
	"                        capability portMappings)\n"
	"      --format FORMAT   table (default) or json: the CNI result\n"
	"  -h, --help            this help\n";

static const char detach_usage[] =
	"usage: cnet detach [OPTIONS] NETWORK NETNS\n"
	"\n"
	"Detach NETNS from NETWORK: DEL through the network's plugins with the cached result and\n"
	"arguments, then the cache entry goes. NETNS need not exist any more. Not attached is an\n"
	"error (exit status 1) unless --force.\n"
	"\n"
	"Options:\n"
	"      --id ID           the container ID (default: NETNS's name, or one made from it)\n"
	"      --ifname NAME     which attachment, when NETNS is attached to NETWORK more than once\n"
	"  -f, --force           not attached is no error: DEL runs anyway (on --ifname, default\n"
	"                        eth0), releasing whatever a lost cache entry left behind\n"
	"  -h, --help            this help\n";

enum { OPT_ID = 256, OPT_IFNAME, OPT_IP, OPT_MAC, OPT_FORMAT };

struct attach_opts {
	const char *id, *ifname;
	json_t *caps;
	bool force;
	const char *network, *netns;
};

/* 0: parsed; -1: --help printed; else the exit status of an error (printed). */
static int parse(struct cnet_ctx *ctx, int argc, char **argv, bool attach, struct attach_opts *o)
{
	static const struct option attach_opts[] = {
		{ "id", required_argument, NULL, OPT_ID },
		{ "ifname", required_argument, NULL, OPT_IFNAME },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "publish", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct option detach_opts[] = {
		{ "id", required_argument, NULL, OPT_ID },
		{ "ifname", required_argument, NULL, OPT_IFNAME },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cnet_err err = { 0 };
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, attach ? ":p:h" : ":fh",
				attach ? attach_opts : detach_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ID:
			o->id = optarg;
			break;
		case OPT_IFNAME:
			o->ifname = optarg;
			break;
		case OPT_IP:
			ret = attachspec_add_ip(o->caps, optarg, &err);
			break;
		case OPT_MAC:
			ret = attachspec_set_mac(o->caps, optarg, &err);
			break;
		case 'p':
			ret = attachspec_add_port(o->caps, optarg, &err);
			break;
		case OPT_FORMAT:
			if (cnet_parse_format(optarg, &ctx->format) < 0)
				return cnet_usage_error(ctx, "--format %s: expected table or json",
							optarg);
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return -1;
		default:
			return cnet_getopt_error(ctx, c, argv);
		}
		if (ret < 0)
			return cnet_error("%s", err.msg);
	}
	if (argc - optind < 1)
		return cnet_usage_error(ctx, "NETWORK and NETNS are missing");
	if (argc - optind < 2)
		return cnet_usage_error(ctx, "NETNS is missing");
	if (argc - optind > 2)
		return cnet_usage_error(ctx, "unexpected argument \"%s\"", argv[optind + 2]);
	o->network = argv[optind];
	o->netns = argv[optind + 1];
	return 0;
}

static int print_attached(const struct cnet_ctx *ctx, const char *network, const char *ifname,
			  json_t *result, json_t *caps)
{
	static const char *const header[] = { "NETWORK", "IFNAME", "ADDRESSES", "PORTS" };
	cleanup_table struct table t = { 0 };
	char addrs[512], ports[512];

	if (ctx->format == CNET_FORMAT_JSON)
		return output_json(result, stdout) < 0 ? CNET_EXIT_FAIL : CNET_EXIT_OK;
	const char *row[] = { network, ifname, attachspec_format_addresses(result, addrs, sizeof(addrs)),
			      attachspec_format_ports(json_object_get(caps, "portMappings"), ports,
						      sizeof(ports)) };
	if (table_init(&t, 4, header) < 0 || table_add(&t, row) < 0)
		return cnet_error("out of memory");
	table_print(&t, stdout);
	return CNET_EXIT_OK;
}

static int attach_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	json_auto_t *caps = attachspec_caps_new();
	struct attach_opts o = { .caps = caps };
	int ret = parse(ctx, argc, argv, true, &o);

	if (ret)
		return ret < 0 ? CNET_EXIT_OK : ret;
	struct cnet_err err = { 0 };
	struct cnet_netns_ref ref;
	cleanup_conflist struct cnet_conflist *cl = NULL;
	if (cnet_netns_resolve(o.netns, o.id, &ref, &err) < 0 ||
	    cnet_netns_check(o.netns, &ref, &err) < 0 ||
	    cnet_network_open(ctx, o.network, true, &cl, &err) < 0)
		return cnet_error("%s", err.msg);

	struct cnet_attach_req req = { .netns = ref.path, .container_id = ref.id,
				       .ifname = o.ifname, .caps = caps };
	char ifname[16];
	json_auto_t *result = NULL;
	if (cnet_attach(ctx, cl, &req, ifname, &result, &err) < 0)
		return cnet_error("attach %s to %s: %s", o.netns, o.network, err.msg);
	return print_attached(ctx, o.network, ifname, result, caps);
}

static int detach_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	struct attach_opts o = { 0 };
	int ret = parse(ctx, argc, argv, false, &o);

	if (ret)
		return ret < 0 ? CNET_EXIT_OK : ret;
	struct cnet_err err = { 0 };
	struct cnet_netns_ref ref;
	cleanup_conflist struct cnet_conflist *cl = NULL;
	cleanup_atts struct cnet_atts all = { 0 };
	const struct cnet_att *a = NULL;
	if (cnet_netns_resolve(o.netns, o.id, &ref, &err) < 0 ||
	    cnet_network_open(ctx, o.network, false, &cl, &err) < 0 ||
	    cnet_atts_load(&ctx->rt, o.network, ref.id, &all, &err) < 0)
		return cnet_error("%s", err.msg);
	ret = cnet_att_find(&all, o.network, ref.id, o.ifname, &a, &err);
	if (ret == -ENOENT && o.force)
		ret = 0;   /* DEL anyway: CNI's DEL is idempotent */
	if (ret < 0)
		return cnet_error("detach %s from %s: %s", o.netns, o.network, err.msg);
	const char *ifname = a ? a->ifname : o.ifname ? o.ifname : "eth0";
	if (cnet_detach(ctx, cl, a && a->netns ? a->netns : ref.path, ref.id, ifname, &err) < 0)
		return cnet_error("detach %s from %s: %s", o.netns, o.network, err.msg);
	return CNET_EXIT_OK;
}

const struct cnet_cmd cnet_cmd_attach = {
	.name = "attach",
	.summary = "Attach a network namespace to a network",
	.usage = attach_usage,
	.fn = attach_main,
};

const struct cnet_cmd cnet_cmd_detach = {
	.name = "detach",
	.summary = "Detach a network namespace from a network",
	.usage = detach_usage,
	.fn = detach_main,
};
