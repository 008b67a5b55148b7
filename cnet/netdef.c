// SPDX-License-Identifier: Apache-2.0
/* Network definitions: the conflist for a driver, and reading any conflist back. No I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "netdef.h"

static const char *const drivers[] = { "bridge", "macvlan", "vxlan", "host-device", NULL };
static const char *const ipams[] = { "host-local", "static", "dhcp", NULL };
/* Keys of the main plugin object cnet writes itself: --opt may not replace them. */
static const char *const reserved_opts[] = { "type", "ipam", "capabilities", "name",
					     "cniVersion", "runtimeConfig", "args", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool netdef_known_driver(const char *driver)
{
	return in_list(drivers, driver);
}

bool netdef_known_ipam(const char *ipam)
{
	return in_list(ipams, ipam);
}

/* VALUE as JSON: an integer, true/false, else the string. */
static json_t *typed_value(const char *v)
{
	char *end = NULL;

	if (*v == '[' || *v == '{') {   /* a JSON array or object: peers=["192.0.2.2"] */
		json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, NULL);
		if (j)
			return j;
	}
	if (!strcmp(v, "true"))
		return json_true();
	if (!strcmp(v, "false"))
		return json_false();
	if (*v && (*v == '-' || (*v >= '0' && *v <= '9'))) {
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (!errno && end != v && !*end && strcmp(v, "-"))
			return json_integer(n);
	}
	return json_string(v);
}

static int set_isolate(struct netdef *d, const char *v, struct cnet_err *err)
{
	if (!strcmp(v, "true"))
		d->isolate = NETDEF_ISOLATE_SAME_BRIDGE;
	else if (!strcmp(v, "false"))
		d->isolate = NETDEF_ISOLATE_OPEN;
	else if (!strcmp(v, "strict"))
		d->isolate = NETDEF_ISOLATE_STRICT;
	else
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--opt isolate=%s: expected true, false or strict", v);
	return 0;
}

int netdef_add_opt(struct netdef *d, json_t *opts, const char *kv, struct cnet_err *err)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--opt %s: expected KEY=VALUE", kv);
	char key[128];
	size_t klen = (size_t)(eq - kv);
	if (klen >= sizeof(key))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "--opt %.*s...: key too long",
				    32, kv);
	memcpy(key, kv, klen);
	key[klen] = '\0';
	if (!strcmp(key, "isolate"))
		return set_isolate(d, eq + 1, err);
	if (in_list(reserved_opts, key))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--opt %s: cnet sets \"%s\" itself (see --driver and --ipam)",
				    kv, key);
	json_t *v = typed_value(eq + 1);
	if (!v || json_object_set_new(opts, key, v) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "--opt %s", kv);
	return 0;
}

static const struct ipnet *subnet_of_family(const struct netdef *d, int family)
{
	for (size_t i = 0; i < d->n_subnets; i++)
		if (d->subnets[i].addr.family == family)
			return &d->subnets[i];
	return NULL;
}

int netdef_add_subnet(struct netdef *d, const char *cidr, struct cnet_err *err)
{
	struct ipnet n;
	char buf[IPNET_STRLEN];

	if (ipnet_parse(cidr, &n) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--subnet %s: not a CIDR (like 10.89.5.0/24 or fd00:1::/64)", cidr);
	if (!ipnet_is_network(&n))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--subnet %s: host bits are set (did you mean %s?)", cidr,
				    ipnet_format((struct ipnet[]){ ipnet_network(&n) }, buf));
	int maxlen = n.addr.family == AF_INET ? 30 : 126;
	if (n.plen > maxlen)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--subnet %s: too small for containers (at most /%d)", cidr, maxlen);
	if (subnet_of_family(d, n.addr.family))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--subnet %s: only one IPv%c subnet per network", cidr,
				    n.addr.family == AF_INET ? '4' : '6');
	d->subnets[d->n_subnets++] = n;
	if (n.addr.family == AF_INET6)
		d->ipv6 = true;
	return 0;
}

static int check_parent(const struct netdef *d, struct cnet_err *err)
{
	bool device_opt = d->opts && json_object_get(d->opts, "device");
	bool master_opt = d->opts && json_object_get(d->opts, "master");

	if (!strcmp(d->driver, "macvlan") && !d->parent && !master_opt)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "driver macvlan needs --parent IF (the host interface to attach to)");
	if (!strcmp(d->driver, "host-device") && !d->parent && !device_opt)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "driver host-device needs --opt device=IF (or --parent IF)");
	if (d->parent && strcmp(d->driver, "macvlan") && strcmp(d->driver, "host-device"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--parent: only for the macvlan and host-device drivers");
	if (d->isolate != NETDEF_ISOLATE_SAME_BRIDGE && strcmp(d->driver, "bridge"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--opt isolate: only for the bridge driver");
	if (!strcmp(d->driver, "vxlan") && !(d->opts && json_object_get(d->opts, "vni")))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "driver vxlan needs --opt vni=N (the VXLAN network identifier; "
				    "the other hosts: --opt 'peers=[\"ADDR\",...]')");
	return 0;
}

int netdef_check(const struct netdef *d, struct cnet_err *err)
{
	if (!netdef_known_driver(d->driver))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "unknown driver \"%s\" (bridge, macvlan, vxlan, host-device)",
				    d->driver);
	if (!netdef_known_ipam(d->ipam))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "unknown IPAM \"%s\" (host-local, static, dhcp)", d->ipam);
	if (strcmp(d->ipam, "host-local")) {
		const char *what = d->n_subnets ? "--subnet" :
				   d->ip_range.addr.family ? "--ip-range" :
				   d->ipv6 ? "--ipv6" : NULL;
		if (what)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: not with --ipam %s (%s)", what, d->ipam,
					    !strcmp(d->ipam, "dhcp") ?
						    "the DHCP server gives the addresses" :
						    "addresses are given when attaching");
		if (d->gateway.family && !strcmp(d->ipam, "dhcp"))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--gateway: not with --ipam dhcp (the DHCP server "
					    "gives the routers)");
	}
	int ret = check_parent(d, err);
	return ret < 0 ? ret : netdef_check_subnets(d, err);
}

int netdef_check_subnets(const struct netdef *d, struct cnet_err *err)
{
	char a[IPADDR_STRLEN], b[IPNET_STRLEN], c[IPNET_STRLEN];

	if (d->gateway.family && strcmp(d->ipam, "static")) {
		const struct ipnet *s = subnet_of_family(d, d->gateway.family);
		if (!s)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--gateway %s needs the --subnet it belongs to",
					    ipaddr_format(&d->gateway, a));
		if (!ipnet_contains(s, &d->gateway))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--gateway %s is not in subnet %s",
					    ipaddr_format(&d->gateway, a), ipnet_format(s, b));
		struct ipaddr last = ipnet_last(s);
		if (ipaddr_equal(&d->gateway, &s->addr) ||
		    (s->addr.family == AF_INET && ipaddr_equal(&d->gateway, &last)))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--gateway %s is the %s address of subnet %s",
					    ipaddr_format(&d->gateway, a),
					    ipaddr_equal(&d->gateway, &s->addr) ? "network" : "broadcast",
					    ipnet_format(s, b));
	}
	if (d->ip_range.addr.family) {
		const struct ipnet *s = subnet_of_family(d, d->ip_range.addr.family);
		struct ipaddr last = ipnet_last(&d->ip_range);
		if (!s)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--ip-range %s needs the --subnet it belongs to",
					    ipnet_format(&d->ip_range, c));
		if (!ipnet_contains(s, &d->ip_range.addr) || !ipnet_contains(s, &last) ||
		    d->ip_range.plen < s->plen)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--ip-range %s is not inside subnet %s",
					    ipnet_format(&d->ip_range, c), ipnet_format(s, b));
	}
	return 0;
}

bool netdef_wants_v4(const struct netdef *d)
{
	return !strcmp(d->ipam, "host-local") && d->n_subnets == 0;
}

bool netdef_wants_v6(const struct netdef *d)
{
	return !strcmp(d->ipam, "host-local") && d->ipv6 && !subnet_of_family(d, AF_INET6);
}

size_t netdef_plugin_types(const struct netdef *d, const char *types[5])
{
	size_t n = 0;

	types[n++] = d->driver;
	types[n++] = d->ipam;
	types[n++] = "portmap";
	types[n++] = "firewall";
	types[n] = NULL;
	return n;
}

/* FNV-1a, for short stable suffixes. */
static uint32_t fnv1a(const char *s, unsigned salt)
{
	uint32_t h = 2166136261u ^ salt;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

int netdef_bridge_name(const char *name, bool (*taken)(const char *ifname, void *arg), void *arg,
		       char out[16], struct cnet_err *err)
{
	if (strlen(name) <= 12) {
		snprintf(out, 16, "cn-%s", name);
		if (!taken || !taken(out, arg))
			return 0;
	}
	for (unsigned salt = 0; salt < 100; salt++) {
		snprintf(out, 16, "cn-%.7s-%04" PRIx32, name, fnv1a(name, salt) & 0xffff);
		if (!taken || !taken(out, arg))
			return 0;
	}
	return cnet_err_set(err, CNI_ERR_INTERNAL, EEXIST, "no free bridge name for network %s",
			    name);
}

/* ---- building ------------------------------------------------------------------------------- */

static json_t *range_of(const struct netdef *d, const struct ipnet *s)
{
	char buf[IPNET_STRLEN];
	json_t *r = json_pack("{s:s}", "subnet", ipnet_format(s, buf));
	struct ipaddr gw = d->gateway;

	if (gw.family != s->addr.family)
		ipaddr_add(&s->addr, 1, &gw);
	json_object_set_new(r, "gateway", json_string(ipaddr_format(&gw, buf)));
	if (d->ip_range.addr.family == s->addr.family) {
		struct ipaddr start = d->ip_range.addr, end = ipnet_last(&d->ip_range);
		struct ipaddr last = ipnet_last(s);
		if (ipaddr_equal(&start, &s->addr))
			ipaddr_add(&start, 1, &start);
		if (s->addr.family == AF_INET && ipaddr_equal(&end, &last))
			ipaddr_add(&end, -1, &end);
		json_object_set_new(r, "rangeStart", json_string(ipaddr_format(&start, buf)));
		json_object_set_new(r, "rangeEnd", json_string(ipaddr_format(&end, buf)));
	}
	return r;
}

/* Default routes, one per family of the network (none when internal). */
static json_t *routes_of(const struct netdef *d, bool with_gw)
{
	json_t *routes = json_array();
	char buf[IPADDR_STRLEN];

	if (d->internal)
		return routes;
	if (with_gw) {   /* static: only with --gateway */
		if (d->gateway.family)
			json_array_append_new(
				routes, json_pack("{s:s,s:s}", "dst",
						  d->gateway.family == AF_INET ? "0.0.0.0/0" : "::/0",
						  "gw", ipaddr_format(&d->gateway, buf)));
		return routes;
	}
	for (size_t i = 0; i < d->n_subnets; i++)
		json_array_append_new(routes,
				      json_pack("{s:s}", "dst",
						d->subnets[i].addr.family == AF_INET ? "0.0.0.0/0" :
										       "::/0"));
	return routes;
}

static json_t *ipam_of(const struct netdef *d)
{
	if (!strcmp(d->ipam, "dhcp"))
		return json_pack("{s:s}", "type", "dhcp");
	if (!strcmp(d->ipam, "static")) {
		json_t *ipam = json_pack("{s:s}", "type", "static");
		json_t *routes = routes_of(d, true);
		if (json_array_size(routes))
			json_object_set_new(ipam, "routes", routes);
		else
			json_decref(routes);
		return ipam;
	}
	json_t *ranges = json_array();
	for (size_t i = 0; i < d->n_subnets; i++)
		json_array_append_new(ranges, json_pack("[o]", range_of(d, &d->subnets[i])));
	json_t *ipam = json_pack("{s:s,s:o}", "type", "host-local", "ranges", ranges);
	json_t *routes = routes_of(d, false);
	if (json_array_size(routes))
		json_object_set_new(ipam, "routes", routes);
	else
		json_decref(routes);
	return ipam;
}

/* The capabilities `cnet attach --ip/--mac` uses: "ips" (not with dhcp) and "mac". */
static json_t *capabilities(bool ips, bool mac)
{
	json_t *c = json_object();

	if (ips)
		json_object_set_new(c, "ips", json_true());
	if (mac)
		json_object_set_new(c, "mac", json_true());
	return c;
}

static json_t *main_plugin(const struct netdef *d)
{
	json_t *p = json_pack("{s:s}", "type", d->driver);
	bool dhcp = !strcmp(d->ipam, "dhcp");

	if (!strcmp(d->driver, "bridge")) {
		json_object_set_new(p, "bridge", json_string(d->bridge));
		json_object_set_new(p, "isGateway", json_boolean(!dhcp));
		json_object_set_new(p, "ipMasq", json_boolean(!dhcp && !d->internal));
		json_object_set_new(p, "hairpinMode", json_true());
		/* `cnet attach --ip/--mac`: bridge reads runtimeConfig.mac and hands its config,
		 * runtimeConfig.ips included, to the IPAM plugin. */
		json_object_set_new(p, "capabilities", capabilities(!dhcp, true));
	} else if (!strcmp(d->driver, "vxlan")) {
		/* one layer-2 segment across hosts: no gateway of its own (each host would answer
		 * for the same address); --opt isGateway=true on a host makes that host one */
		json_object_set_new(p, "hairpinMode", json_true());
		json_object_set_new(p, "capabilities", capabilities(!dhcp, true));
	} else if (!strcmp(d->driver, "macvlan")) {
		if (d->parent)
			json_object_set_new(p, "master", json_string(d->parent));
		json_object_set_new(p, "capabilities", capabilities(!dhcp, true));
	} else if (!strcmp(d->driver, "host-device")) {
		if (d->parent)
			json_object_set_new(p, "device", json_string(d->parent));
		if (!dhcp)
			json_object_set_new(p, "capabilities", capabilities(true, false));
	}
	if (d->opts)
		json_object_update(p, d->opts);
	json_object_set_new(p, "ipam", ipam_of(d));
	return p;
}

static const char *ingress_policy(enum netdef_isolate i)
{
	switch (i) {
	case NETDEF_ISOLATE_OPEN:
		return "open";
	case NETDEF_ISOLATE_STRICT:
		return "isolated";
	case NETDEF_ISOLATE_SAME_BRIDGE:
		break;
	}
	return "same-bridge";
}

json_t *netdef_build(const struct netdef *d)
{
	json_t *firewall = json_pack("{s:s}", "type", "firewall");

	/* ingressPolicy compares bridges: only meaningful (and accepted) for the bridge driver. */
	if (!strcmp(d->driver, "bridge"))
		json_object_set_new(firewall, "ingressPolicy",
				    json_string(ingress_policy(d->isolate)));
	json_t *plugins = json_pack("[o,{s:s,s:{s:b}},o]", main_plugin(d), "type", "portmap",
				    "capabilities", "portMappings", 1, firewall);
	json_t *meta = json_pack("{s:s}", "driver", d->driver);
	if (d->created)
		json_object_set_new(meta, "created", json_string(d->created));
	return json_pack("{s:s,s:s,s:o,s:o}", "cniVersion", NETDEF_CNI_VERSION, "name", d->name,
			 "plugins", plugins, "cnet", meta);
}

/* ---- reading back --------------------------------------------------------------------------- */

const char *netdef_driver_of(json_t *list)
{
	const char *s = json_string_value(json_object_get(json_object_get(list, "cnet"), "driver"));

	if (s)
		return s;
	s = json_string_value(json_object_get(json_array_get(json_object_get(list, "plugins"), 0),
					      "type"));
	return s ? s : "";
}

bool netdef_is_cnet_made(json_t *list)
{
	return json_is_object(json_object_get(list, "cnet"));
}

static size_t add_subnet(json_t *v, struct ipnet *out, size_t n, size_t max)
{
	struct ipnet s;

	if (!json_is_string(v) || ipnet_parse(json_string_value(v), &s) < 0)
		return n;
	s = ipnet_network(&s);
	for (size_t i = 0; i < n && i < max; i++)
		if (ipaddr_equal(&out[i].addr, &s.addr) && out[i].plen == s.plen)
			return n;
	if (n < max)
		out[n] = s;
	return n + 1;
}

size_t netdef_subnets_of(json_t *list, struct ipnet *out, size_t max)
{
	size_t n = 0, i, j, k;
	json_t *p, *set, *r;

	json_array_foreach(json_object_get(list, "plugins"), i, p) {
		json_t *ipam = json_object_get(p, "ipam");
		if (!json_is_object(ipam))
			continue;
		json_array_foreach(json_object_get(ipam, "ranges"), j, set) {
			json_array_foreach(set, k, r)
				n = add_subnet(json_object_get(r, "subnet"), out, n, max);
		}
		n = add_subnet(json_object_get(ipam, "subnet"), out, n, max);
	}
	return n;
}

/* The first plugin of type t, NULL without one. */
static json_t *plugin_of_type(json_t *list, const char *t)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(list, "plugins"), i, p) {
		const char *type = json_string_value(json_object_get(p, "type"));
		if (type && !strcmp(type, t))
			return p;
	}
	return NULL;
}

bool netdef_bridge_of(json_t *list, char out[IF_NAMESIZE])
{
	json_t *p = plugin_of_type(list, "bridge");
	json_t *vx = p ? NULL : plugin_of_type(list, "vxlan");
	const char *br = json_string_value(json_object_get(p ? p : vx, "bridge"));
	json_int_t vni = json_integer_value(json_object_get(vx, "vni"));

	if (!p && !vx)
		return false;
	if (br && *br)
		snprintf(out, IF_NAMESIZE, "%s", br);
	else if (p)
		snprintf(out, IF_NAMESIZE, "cni0");
	else   /* the vxlan plugin's default (a VNI is at most 8 digits) */
		snprintf(out, IF_NAMESIZE, "vxbr%u", (unsigned)vni);
	return true;
}

bool netdef_vxlan_of(json_t *list, char out[IF_NAMESIZE])
{
	json_t *vx = plugin_of_type(list, "vxlan");
	json_int_t vni = json_integer_value(json_object_get(vx, "vni"));

	if (!vx || vni <= 0 || vni > 16777215)
		return false;
	snprintf(out, IF_NAMESIZE, "vxlan%u", (unsigned)vni);
	return true;
}

const char *netdef_hostlocal_dir_of(json_t *list)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(list, "plugins"), i, p) {
		json_t *ipam = json_object_get(p, "ipam");
		const char *type = json_string_value(json_object_get(ipam, "type"));
		if (!type || strcmp(type, "host-local"))
			continue;
		const char *dir = json_string_value(json_object_get(ipam, "dataDir"));
		return dir && *dir ? dir : "/var/lib/cni/networks";
	}
	return NULL;
}
