// SPDX-License-Identifier: Apache-2.0
/*
 * static IPAM: the addresses, routes and dns written in the config (or handed over through
 * the `ips` capability, args.cni.ips or CNI_ARGS IP=/GATEWAY=) become the result. Stateless:
 * DEL and GC have nothing to undo, STATUS is always ready, CHECK compares the config with
 * prevResult.
 */
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "cni.h"
#include "log.h"
#include "st_conf.h"

static void st_conf_freep(struct st_conf *c)
{
	st_conf_free(c);
}
#define cleanup_st_conf __attribute__((cleanup(st_conf_freep)))

static int st_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	struct st_conf c cleanup_st_conf = { 0 };
	int r = st_conf_parse(a->config, a->cni_args, &c, err);
	if (r < 0)
		return r;
	if (c.unused_gateway.family) {
		char gw[IPADDR_STRLEN];
		cnet_log_warn("CNI_ARGS GATEWAY=%s is in none of the IP= prefixes: ignored",
			      ipaddr_format(&c.unused_gateway, gw));
	}
	struct cni_result *res cleanup_result = cni_result_new(a->version);
	if (!res)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "static: result");
	for (size_t i = 0; i < c.n_addrs; i++) {
		struct cni_ip ip = { c.addrs[i].address, c.addrs[i].gateway, -1 };
		r = cni_result_add_ip(res, &ip, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < c.n_routes; i++) {
		r = cni_result_add_route(res, &c.routes[i], err);
		if (r < 0)
			return r;
	}
	cni_result_set_dns(res, &c.dns);
	*out = TAKE_PTR(res);
	return 0;
}

/* Nothing was allocated, so nothing is released; a config that no longer parses must not
 * stop the runtime's DEL chain either (the reference does not read it). */
static int st_del(const struct cni_args *a, struct cnet_err *err)
{
	(void)a;
	(void)err;
	return 0;
}

static const struct cni_ip *find_ip(const struct cni_result *prev, const struct ipaddr *ip)
{
	for (size_t i = 0; i < prev->n_ips; i++)
		if (ipaddr_equal(&prev->ips[i].address.addr, ip))
			return &prev->ips[i];
	return NULL;
}

/* CHECK: the config is valid and every address it gives is in prevResult, with the configured
 * gateway (the reference only compares the gateways of the addresses it finds). */
static int st_check(const struct cni_args *a, struct cnet_err *err)
{
	struct st_conf c cleanup_st_conf = { 0 };
	int r = st_conf_parse(a->config, a->cni_args, &c, err);
	if (r < 0)
		return r;
	if (!a->prev)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult: required for CHECK");
	for (size_t i = 0; i < c.n_addrs; i++) {
		const struct st_address *want = &c.addrs[i];
		const struct cni_ip *got = find_ip(a->prev, &want->address.addr);
		char n[IPNET_STRLEN], g[IPADDR_STRLEN], h[IPADDR_STRLEN];
		if (!got)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "static: address %s is not in prevResult (interface %s)",
					    ipnet_format(&want->address, n), a->ifname);
		if (want->gateway.family && !ipaddr_equal(&want->gateway, &got->gateway))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "static: address %s has gateway %s in prevResult, "
					    "expected %s (interface %s)",
					    ipnet_format(&want->address, n),
					    got->gateway.family ? ipaddr_format(&got->gateway, g) :
								  "none",
					    ipaddr_format(&want->gateway, h), a->ifname);
	}
	return 0;
}

static const struct cni_plugin static_plugin = {
	.name = "static",
	.about = "cnet static IPAM: addresses, routes and dns from the config",
	.netns_unused = true,
	.add = st_add,
	.del = st_del,
	.check = st_check,
	.gc = NULL,       /* no state: nothing to collect */
	.status = NULL,   /* always able to answer ADD */
};

int main(int argc, char **argv)
{
	return cni_main(&static_plugin, argc, argv);
}
