// SPDX-License-Identifier: Apache-2.0
/*
 * static IPAM: the config, the `ips` capability, args.cni.ips and CNI_ARGS IP=/GATEWAY=.
 * Pure: no I/O, so the unit tests link it alone.
 *
 * The sources of addresses, as the reference (plugins/ipam/static, LoadIPAMConfig) combines
 * them: ipam.addresses, then the CNI_ARGS IP= addresses appended (GATEWAY= applies to those
 * IP= addresses whose prefix contains it); a non-empty args.cni.ips replaces all of that, and
 * a non-empty runtimeConfig.ips replaces everything again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "conf.h"
#include "st_conf.h"

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d): the reference silently turns it into IPv4. */
static bool is_v4_mapped(const struct ipaddr *ip)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	return ip->family == AF_INET6 && !memcmp(ip->a, mapped, sizeof(mapped));
}

/* s must be an address with a prefix length ("10.1.0.5/24"); code is the error's CNI code. */
static int parse_cidr(const char *s, const char *path, int code, struct ipnet *out,
		      struct cnet_err *err)
{
	struct ipaddr bare;
	char buf[IPNET_STRLEN];
	if (!strchr(s, '/') && ipaddr_parse(s, &bare) == 0)
		return cnet_err_set(err, code, 0,
				    "%s: \"%s\" has no prefix length: give the address in CIDR "
				    "notation, e.g. \"%s/%d\"", path, s, s,
				    bare.family == AF_INET ? 24 : 64);
	if (ipnet_parse(s, out) < 0)
		return cnet_err_set(err, code, 0,
				    "%s: \"%s\" is not an IP address in CIDR notation "
				    "(e.g. \"10.1.0.5/24\")", path, s);
	if (is_v4_mapped(&out->addr))
		return cnet_err_set(err, code, 0,
				    "%s: %s is an IPv4-mapped IPv6 address; give the IPv4 address "
				    "instead", path, ipnet_format(out, buf));
	return 0;
}

/* Append one address; the same address twice is refused (the kernel would refuse it later). */
static int add_address(struct st_conf *c, const struct st_address *a, const char *path, int code,
		       struct cnet_err *err)
{
	char buf[IPADDR_STRLEN];
	for (size_t i = 0; i < c->n_addrs; i++)
		if (ipaddr_equal(&c->addrs[i].address.addr, &a->address.addr))
			return cnet_err_set(err, code, 0, "%s: address %s is given twice", path,
					    ipaddr_format(&a->address.addr, buf));
	if (c->n_addrs >= ST_MAX_ADDRESSES)
		return cnet_err_set(err, code, 0, "%s: more than %d addresses", path,
				    ST_MAX_ADDRESSES);
	c->addrs[c->n_addrs++] = *a;
	return 0;
}

/* ---- ipam.addresses --------------------------------------------------------------------- */

static int address_cb(json_t *o, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct st_conf *c = ctx;
	struct st_address a = { 0 };
	const char *s = NULL;
	char p[256], n[IPNET_STRLEN], g[IPADDR_STRLEN];
	(void)i;
	int r = conf_string(o, path, "address", true, &s, err);
	if (r >= 0)
		r = parse_cidr(s, conf_path(p, sizeof(p), path, "address"), CNI_ERR_INVALID_CONFIG,
			       &a.address, err);
	if (r >= 0)
		r = conf_ipaddr(o, path, "gateway", false, &a.gateway, err);
	if (r < 0)
		return r;
	if (a.gateway.family && a.gateway.family != a.address.addr.family)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.gateway: %s is %s but the address %s is %s", path,
				    ipaddr_format(&a.gateway, g), family_name(a.gateway.family),
				    ipnet_format(&a.address, n), family_name(a.address.addr.family));
	if (is_v4_mapped(&a.gateway))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.gateway: %s is an IPv4-mapped IPv6 address", path,
				    ipaddr_format(&a.gateway, g));
	return add_address(c, &a, path, CNI_ERR_INVALID_CONFIG, err);
}

/* ---- CNI_ARGS IP= and GATEWAY= ------------------------------------------------------------ */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Look key up in CNI_ARGS into buf (ST_CNI_ARG_MAX). 1 found, 0 absent or empty, <0 error. */
static int cni_arg(const char *cni_args, const char *key, char *buf, struct cnet_err *err)
{
	int r = cni_args_lookup(cni_args, key, buf, ST_CNI_ARG_MAX, err);
	if (r <= 0)
		return r;
	if (strlen(buf) >= ST_CNI_ARG_MAX - 1)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "CNI_ARGS %s: value too long", key);
	return buf[0] ? 1 : 0;
}

static int parse_env_ips(struct st_conf *c, char *list, struct cnet_err *err)
{
	char *item;
	while ((item = strsep(&list, ","))) {
		struct st_address a = { 0 };
		int r = parse_cidr(trim(item), "CNI_ARGS IP", CNI_ERR_INVALID_ENV, &a.address, err);
		if (r >= 0)
			r = add_address(c, &a, "CNI_ARGS IP", CNI_ERR_INVALID_ENV, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Each GATEWAY= address becomes the gateway of the IP= addresses (from index first on) whose
 * prefix contains it. */
static int parse_env_gateways(struct st_conf *c, size_t first, char *list, struct cnet_err *err)
{
	char *item;
	while ((item = strsep(&list, ","))) {
		struct ipaddr gw;
		item = trim(item);
		if (ipaddr_parse(item, &gw) < 0 || is_v4_mapped(&gw))
			return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
					    "CNI_ARGS GATEWAY: \"%s\" is not an IP address", item);
		bool used = false;
		for (size_t i = first; i < c->n_addrs; i++)
			if (ipnet_contains(&c->addrs[i].address, &gw)) {
				c->addrs[i].gateway = gw;
				used = true;
			}
		if (!used && !c->unused_gateway.family)
			c->unused_gateway = gw;
	}
	return 0;
}

static int parse_cni_args(struct st_conf *c, const char *cni_args, struct cnet_err *err)
{
	char ips[ST_CNI_ARG_MAX], gws[ST_CNI_ARG_MAX];
	size_t first = c->n_addrs;
	int has_ip = cni_arg(cni_args, "IP", ips, err);
	if (has_ip < 0)
		return has_ip;
	int has_gw = cni_arg(cni_args, "GATEWAY", gws, err);
	if (has_gw < 0)
		return has_gw;
	int r = has_ip ? parse_env_ips(c, ips, err) : 0;
	if (r >= 0 && has_gw)
		r = parse_env_gateways(c, first, gws, err);
	return r;
}

/* ---- args.cni.ips and runtimeConfig.ips -------------------------------------------------- */

static int override_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct st_address a = { 0 };
	(void)i;
	int r = parse_cidr(json_string_value(v), path, CNI_ERR_INVALID_CONFIG, &a.address, err);
	return r < 0 ? r : add_address(ctx, &a, path, CNI_ERR_INVALID_CONFIG, err);
}

/* obj.ips, when a non-empty list, replaces every address gathered so far. */
static int parse_override(json_t *obj, const char *path, enum st_source src, struct st_conf *c,
			  struct cnet_err *err)
{
	json_t *ips = NULL;
	int r = conf_array(obj, path, "ips", false, &ips, err);
	if (r < 0 || !ips || json_array_size(ips) == 0)
		return r;
	c->n_addrs = 0;
	c->source = src;
	memset(&c->unused_gateway, 0, sizeof(c->unused_gateway));   /* GATEWAY= is moot now */
	return conf_array_each(obj, path, "ips", JSON_STRING, ST_MAX_ADDRESSES, override_cb, c,
			       err);
}

static int parse_overrides(json_t *config, struct st_conf *c, struct cnet_err *err)
{
	json_t *args = NULL, *cni = NULL, *rc = NULL;
	int r = conf_object(config, "", "args", false, &args, err);
	if (r >= 0 && args)
		r = conf_object(args, "args", "cni", false, &cni, err);
	if (r >= 0 && cni)
		r = parse_override(cni, "args.cni", ST_SRC_ARGS, c, err);
	if (r >= 0)
		r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = parse_override(rc, "runtimeConfig", ST_SRC_RUNTIME, c, err);
	return r;
}

/* ---- routes, dns ---------------------------------------------------------------------------- */

static int route_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct st_conf *c = ctx;
	c->n_routes = i + 1;
	return cni_route_parse(v, path, &c->routes[i], err);
}

static int parse_dns(json_t *ipam, struct st_conf *c, struct cnet_err *err)
{
	json_t *dns = NULL;
	int r = conf_object(ipam, "ipam", "dns", false, &dns, err);
	if (r < 0 || !dns)
		return r;
	return cni_dns_parse(dns, "ipam.dns", &c->dns, err);
}

void st_conf_free(struct st_conf *c)
{
	cni_dns_clear(&c->dns);
}

int st_conf_parse(json_t *config, const char *cni_args, struct st_conf *c, struct cnet_err *err)
{
	json_t *ipam = NULL;
	memset(c, 0, sizeof(*c));
	int r = conf_object(config, "", "ipam", true, &ipam, err);
	if (r >= 0)
		r = conf_array_each(ipam, "ipam", "addresses", JSON_OBJECT, ST_MAX_ADDRESSES,
				    address_cb, c, err);
	if (r >= 0)
		r = parse_cni_args(c, cni_args, err);
	if (r >= 0)
		r = parse_overrides(config, c, err);
	if (r >= 0)
		r = conf_array_each(ipam, "ipam", "routes", JSON_OBJECT, CNI_RESULT_MAX_ROUTES,
				    route_cb, c, err);
	if (r >= 0)
		r = parse_dns(ipam, c, err);
	if (r < 0)
		st_conf_free(c);
	return r;
}
