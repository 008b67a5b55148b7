// SPDX-License-Identifier: Apache-2.0
/* cnet create: write <config-dir>/NAME.conflist for a driver (main plugin, portmap, firewall). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "cni.h"
#include "cnet.h"
#include "fs.h"
#include "netdef.h"
#include "network.h"
#include "subnet.h"

static const char usage[] =
	"usage: cnet create [OPTIONS] NAME\n"
	"\n"
	"Write the network configuration list <config-dir>/NAME.conflist: the driver's plugin,\n"
	"then portmap and firewall. Without --subnet, the first free /24 of 10.89.0.0/16 (and\n"
	"with --ipv6 the first free /64 of fd89:636e:6574::/48) is chosen.\n"
	"\n"
	"Options:\n"
	"  -d, --driver DRIVER   bridge (default), macvlan, vxlan, host-device\n"
	"  -s, --subnet CIDR     a subnet (repeat for one IPv4 and one IPv6 subnet)\n"
	"      --gateway IP      the gateway (default: the subnet's first address)\n"
	"      --ip-range CIDR   hand out addresses from this part of the subnet only\n"
	"      --ipv6            dual stack: add an IPv6 subnet (chosen when none is given)\n"
	"      --internal        no default route, no masquerading\n"
	"      --parent IF       host interface (macvlan: the master; host-device: the device)\n"
	"  -o, --opt KEY=VALUE   set KEY on the driver's plugin (VALUE: integer, true, false,\n"
	"                        a JSON array or object, or a string); isolate=true|false|strict:\n"
	"                        isolation from other networks (bridge; default true); vxlan:\n"
	"                        vni=N (required), peers='[\"ADDR\",...]', local=ADDR\n"
	"      --ipam TYPE       host-local (default), static, dhcp\n"
	"  -h, --help            this help\n";

enum { OPT_GATEWAY = 256, OPT_IP_RANGE, OPT_IPV6, OPT_INTERNAL, OPT_PARENT, OPT_IPAM };

/* 0: parsed; 1: --help printed; -1: a bad value (err filled); -2: a usage error (printed). */
static int parse_args(struct cnet_ctx *ctx, int argc, char **argv, struct netdef *d, json_t *opts,
		      struct cnet_err *err)
{
	static const struct option longopts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "subnet", required_argument, NULL, 's' },
		{ "gateway", required_argument, NULL, OPT_GATEWAY },
		{ "ip-range", required_argument, NULL, OPT_IP_RANGE },
		{ "ipv6", no_argument, NULL, OPT_IPV6 },
		{ "internal", no_argument, NULL, OPT_INTERNAL },
		{ "parent", required_argument, NULL, OPT_PARENT },
		{ "opt", required_argument, NULL, 'o' },
		{ "ipam", required_argument, NULL, OPT_IPAM },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, ret = 0;

	while (ret >= 0 && (c = getopt_long(argc, argv, ":d:s:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			d->driver = optarg;
			break;
		case 's':
			ret = netdef_add_subnet(d, optarg, err);
			break;
		case OPT_GATEWAY:
			if (ipaddr_parse(optarg, &d->gateway) < 0)
				ret = cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						   "--gateway %s: not an IP address", optarg);
			break;
		case OPT_IP_RANGE:
			if (ipnet_parse(optarg, &d->ip_range) < 0 || !ipnet_is_network(&d->ip_range))
				ret = cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						   "--ip-range %s: not a CIDR without host bits "
						   "(like 10.89.5.128/25)", optarg);
			break;
		case OPT_IPV6:
			d->ipv6 = true;
			break;
		case OPT_INTERNAL:
			d->internal = true;
			break;
		case OPT_PARENT:
			d->parent = optarg;
			break;
		case 'o':
			ret = netdef_add_opt(d, opts, optarg, err);
			break;
		case OPT_IPAM:
			d->ipam = optarg;
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return 1;
		default:
			cnet_getopt_error(ctx, c, argv);
			return -2;
		}
	}
	if (ret < 0)
		return -1;
	if (optind + 1 != argc) {
		cnet_usage_error(ctx, optind == argc ? "NAME is missing" : "only one NAME");
		return -2;
	}
	d->name = argv[optind];
	return 0;
}

static int check_name(const char *name, struct cnet_err *err)
{
	if (!cni_valid_container_id(name) || strlen(name) > NETDEF_NAME_MAX)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "invalid network name \"%s\": use letters, digits, '_', '.' and "
				    "'-', starting with a letter or digit, at most %d", name,
				    NETDEF_NAME_MAX);
	return 0;
}

static int check_plugins(const struct cnet_ctx *ctx, const struct netdef *d, struct cnet_err *err)
{
	const char *types[5];
	char path[4096];

	netdef_plugin_types(d, types);
	for (size_t i = 0; types[i]; i++) {
		if (cnet_plugin_find(ctx->rt.plugin_path, types[i], path, sizeof(path)) == 0)
			continue;
		if (i == 0)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "driver %s: plugin \"%s\" not found in %s", d->driver,
					    types[i], ctx->rt.plugin_path);
		if (i == 1)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "ipam %s: plugin \"%s\" not found in %s", d->ipam, types[i],
					    ctx->rt.plugin_path);
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "plugin \"%s\" not found in %s (every network chains portmap "
				    "and firewall)", types[i], ctx->rt.plugin_path);
	}
	if (d->parent && !strcmp(d->driver, "macvlan") && !if_nametoindex(d->parent))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--parent %s: no such interface", d->parent);
	return 0;
}

/* What the new network's subnets must not overlap: every network's, every host address. */
static int used_subnets(const struct cnet_nets *nets, struct subnet_used **out, size_t *n,
			struct cnet_err *err)
{
	cleanup_free struct subnet_used *host = NULL;
	size_t n_host = 0, total = 0;
	int ret = cnet_host_addrs(&host, &n_host, err);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < nets->n; i++)
		total += nets->v[i].n_subnets;
	struct subnet_used *v = calloc(total + n_host + 1, sizeof(*v));
	if (!v)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "list subnets");
	total = 0;
	for (size_t i = 0; i < nets->n; i++)
		for (size_t j = 0; j < nets->v[i].n_subnets; j++) {
			char buf[IPNET_STRLEN];
			v[total].net = nets->v[i].subnets[j];
			snprintf(v[total].owner, sizeof(v[total].owner), "network %s (%s)",
				 nets->v[i].name, ipnet_format(&v[total].net, buf));
			total++;
		}
	memcpy(&v[total], host, n_host * sizeof(*v));
	*out = v;
	*n = total + n_host;
	return 0;
}

static int choose_subnets(struct netdef *d, const struct subnet_used *used, size_t n_used,
			  struct cnet_err *err)
{
	char a[IPNET_STRLEN];

	for (size_t i = 0; i < d->n_subnets; i++) {
		const struct subnet_used *u = subnet_find_overlap(&d->subnets[i], used, n_used);
		if (u)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "subnet %s overlaps %s",
					    ipnet_format(&d->subnets[i], a), u->owner);
	}
	bool v4 = netdef_wants_v4(d), v6 = netdef_wants_v6(d);
	for (int k = 0; k < 2; k++) {
		int family = k == 0 ? AF_INET : AF_INET6, plen;
		struct ipnet pool;
		if (!(k == 0 ? v4 : v6))
			continue;
		subnet_default_pool(family, &pool, &plen);
		if (subnet_pick(&pool, plen, used, n_used, &d->subnets[d->n_subnets]) < 0)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "no free /%d left in %s: give one with --subnet", plen,
					    ipnet_format(&pool, a));
		d->n_subnets++;
	}
	return 0;
}

struct taken_arg {
	const struct cnet_nets *nets;
};

static bool bridge_taken(const char *ifname, void *arg)
{
	const struct cnet_nets *nets = ((struct taken_arg *)arg)->nets;

	for (size_t i = 0; i < nets->n; i++) {
		char br[IF_NAMESIZE];
		if (netdef_bridge_of(nets->v[i].json, br) && !strcmp(br, ifname))
			return true;
	}
	return if_nametoindex(ifname) != 0;
}

static int write_conflist(const struct cnet_ctx *ctx, const struct netdef *d,
			  struct cnet_err *err)
{
	json_auto_t *list = netdef_build(d);
	cleanup_free char *text = list ? json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
					 NULL;
	char file[NETDEF_NAME_MAX + 16];

	if (!text)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "build the conflist");
	size_t len = strlen(text);
	text[len] = '\n';   /* json_dumps's NUL becomes the final newline: write len + 1 bytes */
	snprintf(file, sizeof(file), "%s.conflist", d->name);
	cleanup_close int dfd = open(ctx->rt.config_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open %s", ctx->rt.config_dir);
	int ret = fs_create_excl(dfd, file, text, len + 1, 0644, err);
	if (ret == -EEXIST)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s/%s exists (it names another network)", ctx->rt.config_dir,
				    file);
	return ret;
}

/* The default network's subnet when it overlaps nothing (else the create pool's choice). */
#define CNET_DEFAULT_SUBNET "10.87.0.0/16"

/* Under the config dir's lock: name, subnets, bridge name, file. With is_default (cnet0 on
 * first use), a network of that name is success and CNET_DEFAULT_SUBNET comes first. */
static int create_locked(const struct cnet_ctx *ctx, struct netdef *d, bool is_default,
			 struct cnet_err *err)
{
	cleanup_nets struct cnet_nets nets = { 0 };
	cleanup_free struct subnet_used *used = NULL;
	size_t n_used = 0;
	int ret = cnet_nets_load(&ctx->rt, false, &nets, err);

	if (ret < 0)
		return ret;
	const struct cnet_net *same = cnet_nets_find(&nets, d->name);
	if (same && is_default)
		return 1;
	if (same)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "network %s already exists (%s)",
				    d->name, same->file);
	ret = used_subnets(&nets, &used, &n_used, err);
	if (ret >= 0 && is_default) {
		struct ipnet s;
		ipnet_parse(CNET_DEFAULT_SUBNET, &s);
		if (!subnet_find_overlap(&s, used, n_used))
			d->subnets[d->n_subnets++] = s;
	}
	if (ret >= 0)
		ret = choose_subnets(d, used, n_used, err);
	if (ret >= 0 && !strcmp(d->driver, "bridge") &&
	    !(d->opts && json_is_string(json_object_get(d->opts, "bridge"))))
		ret = netdef_bridge_name(d->name, bridge_taken, &(struct taken_arg){ &nets },
					 d->bridge, err);
	if (ret >= 0)
		ret = write_conflist(ctx, d, err);
	return ret;
}

static int create_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	struct netdef d = { .driver = "bridge", .ipam = "host-local" };
	json_auto_t *opts = json_object();
	struct cnet_err err = { 0 };
	char created[32];
	time_t now = time(NULL);
	struct tm tm;

	int ret = parse_args(ctx, argc, argv, &d, opts, &err);
	if (ret == 1)
		return CNET_EXIT_OK;
	if (ret == -2)
		return CNET_EXIT_USAGE;
	if (ret == 0 && check_name(d.name, &err) < 0)
		ret = -1;
	d.opts = json_object_size(opts) ? opts : NULL;
	if (ret == 0 && (netdef_check(&d, &err) < 0 || check_plugins(ctx, &d, &err) < 0))
		ret = -1;
	if (ret < 0)
		return cnet_error("%s", err.msg);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	d.created = created;

	cleanup_close int lock = cnet_config_lock(&ctx->rt, &err);
	if (lock < 0 || create_locked(ctx, &d, false, &err) < 0)
		return cnet_error("%s", err.msg);
	printf("%s\n", d.name);
	return CNET_EXIT_OK;
}

int cnet_default_network_ensure(const struct cnet_ctx *ctx, bool *created, struct cnet_err *err)
{
	struct netdef d = { .name = NETDEF_DEFAULT_NETWORK, .driver = "bridge",
			    .ipam = "host-local" };
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	*created = false;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	d.created = stamp;
	int ret = check_plugins(ctx, &d, err);
	if (ret < 0)
		return ret;
	cleanup_close int lock = cnet_config_lock(&ctx->rt, err);
	if (lock < 0)
		return lock;
	ret = create_locked(ctx, &d, true, err);
	if (ret < 0)
		cnet_err_prefix(err, "create the default network %s", d.name);
	*created = ret == 0;
	return ret < 0 ? ret : 0;
}

const struct cnet_cmd cnet_cmd_create = {
	.name = "create",
	.summary = "Create a network (a conflist in the config dir)",
	.usage = usage,
	.fn = create_main,
};
