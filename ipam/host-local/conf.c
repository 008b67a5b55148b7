// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "hl_conf.h"
#include "conf.h"

int hl_range_contains(const struct hl_range *r, const struct ipaddr *ip)
{
	return ip->family == r->start.family && ipaddr_cmp(ip, &r->start) >= 0 &&
	       ipaddr_cmp(ip, &r->end) <= 0;
}

const struct hl_range *hl_rangeset_find(const struct hl_rangeset *set, const struct ipaddr *ip)
{
	for (size_t i = 0; i < set->n; i++)
		if (hl_range_contains(&set->ranges[i], ip))
			return &set->ranges[i];
	return NULL;
}

/* Fill in defaults and check one range, as the reference's Range.Canonicalize does. */
static int range_canonicalize(struct hl_range *r, const char *path, bool has_start, bool has_end,
			      bool has_gw, struct cnet_err *err)
{
	char net[IPNET_STRLEN], a[IPADDR_STRLEN];
	struct ipnet *s = &r->subnet;
	int bits = ipaddr_bits(s->addr.family);
	/* ::ffff:a.b.c.d/N: Go sees an IPv4 address with an IPv6 mask and refuses it; handing out
	 * IPv4-mapped addresses on an IPv6 link makes no sense either. */
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (s->addr.family == AF_INET6 && !memcmp(s->addr.a, mapped, sizeof(mapped)))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.subnet: %s is an IPv4-mapped IPv6 prefix; give the IPv4 "
				    "subnet instead", path, ipnet_format(s, net));
	if (s->plen > bits - 2)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.subnet: network %s is too small to allocate from", path,
				    ipnet_format(s, net));
	if (!ipnet_is_network(s)) {
		struct ipnet n = ipnet_network(s);
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.subnet: %s has host bits set; the network address is %s",
				    path, ipnet_format(s, net), ipnet_format(&n, a));
	}
	struct ipaddr first, last = ipnet_last(s);
	ipaddr_add(&s->addr, 1, &first);
	if (s->addr.family == AF_INET)
		ipaddr_add(&last, -1, &last);   /* never hand out the IPv4 broadcast address */
	if (!has_gw)
		r->gateway = first;
	if (!has_start)
		r->start = first;
	if (!has_end)
		r->end = last;
	const struct {
		const char *key;
		const struct ipaddr *ip;
		bool given;
	} checks[] = { { "gateway", &r->gateway, has_gw },
		       { "rangeStart", &r->start, has_start },
		       { "rangeEnd", &r->end, has_end } };
	for (size_t i = 0; i < 3; i++)
		if (checks[i].given && !ipnet_contains(s, checks[i].ip))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s.%s: %s is not in network %s", path, checks[i].key,
					    ipaddr_format(checks[i].ip, a), ipnet_format(s, net));
	if (ipaddr_cmp(&r->start, &r->end) > 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: rangeStart %s is after rangeEnd", path,
				    ipaddr_format(&r->start, a));
	return 0;
}

static int parse_range(json_t *o, const char *path, struct hl_range *r, struct cnet_err *err)
{
	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected an object, got %s",
				    path, conf_type_name(o));
	int ret = conf_ipnet(o, path, "subnet", true, &r->subnet, err);
	if (ret >= 0)
		ret = conf_ipaddr(o, path, "rangeStart", false, &r->start, err);
	if (ret >= 0)
		ret = conf_ipaddr(o, path, "rangeEnd", false, &r->end, err);
	if (ret >= 0)
		ret = conf_ipaddr(o, path, "gateway", false, &r->gateway, err);
	if (ret < 0)
		return ret;
	return range_canonicalize(r, path, r->start.family, r->end.family, r->gateway.family, err);
}

/* Do the start..end spans of two ranges share an address? (The reference's Range.Overlaps:
 * disjoint ranges of one subnet do not overlap.) */
static bool ranges_overlap(const struct hl_range *a, const struct hl_range *b)
{
	return a->start.family == b->start.family && ipaddr_cmp(&a->start, &b->end) <= 0 &&
	       ipaddr_cmp(&b->start, &a->end) <= 0;
}

/* One range set: same family throughout, no overlap inside it. */
static int parse_rangeset(json_t *arr, const char *path, struct hl_rangeset *set,
			  struct cnet_err *err)
{
	char p[256], a[IPNET_STRLEN], b[IPNET_STRLEN];
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: expected a non-empty array of ranges", path);
	if (json_array_size(arr) > HL_MAX_RANGES)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: more than %d ranges", path,
				    HL_MAX_RANGES);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		struct hl_range *r = &set->ranges[i];
		int ret = parse_range(v, conf_path_index(p, sizeof(p), path, i), r, err);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++) {
			const struct hl_range *o = &set->ranges[j];
			if (o->subnet.addr.family != r->subnet.addr.family)
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "%s: mixed address families in one range set", p);
			if (ranges_overlap(o, r))
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "%s: subnets %s and %s overlap", path,
						    ipnet_format(&o->subnet, a),
						    ipnet_format(&r->subnet, b));
		}
		set->n++;
	}
	return 0;
}

static int parse_rangesets(json_t *arr, const char *path, struct hl_conf *c, struct cnet_err *err)
{
	char p[256];
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (c->n_sets >= HL_MAX_SETS)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: more than %d range sets", path, HL_MAX_SETS);
		int r = parse_rangeset(v, conf_path_index(p, sizeof(p), path, i),
				       &c->sets[c->n_sets], err);
		if (r < 0)
			return r;
		c->n_sets++;
	}
	return 0;
}

static bool rangesets_overlap(const struct hl_rangeset *a, const struct hl_rangeset *b)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (ranges_overlap(&a->ranges[i], &b->ranges[j]))
				return true;
	return false;
}

static int add_requested(struct hl_conf *c, const char *s, const char *path, struct cnet_err *err)
{
	struct ipnet n;
	if (ipnet_parse_host_or_cidr(s, &n) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: \"%s\" is not an IP address", path, s);
	/* one address asked for through several sources is one request (the reference
	 * collects them in a map) */
	for (size_t i = 0; i < c->n_requested; i++)
		if (ipaddr_equal(&c->requested[i], &n.addr))
			return 0;
	if (c->n_requested >= HL_MAX_REQUESTED)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: too many IPs", path);
	c->requested[c->n_requested++] = n.addr;
	return 0;
}

static int requested_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	(void)i;
	return add_requested(ctx, json_string_value(v), path, err);
}

static int add_requested_list(struct hl_conf *c, json_t *obj, const char *path, const char *key,
			      struct cnet_err *err)
{
	return conf_array_each(obj, path, key, JSON_STRING, SIZE_MAX, requested_cb, c, err);
}

/* Requested IPs: CNI_ARGS IP=, then args.cni.ips, then runtimeConfig.ips (all of them). */
static int parse_requested(json_t *config, const char *cni_args, struct hl_conf *c,
			   struct cnet_err *err)
{
	char ip[128];
	int r = cni_args_lookup(cni_args, "IP", ip, sizeof(ip), err);
	if (r < 0)
		return r;
	if (r > 0) {
		/* a comma-separated list is accepted too (the static plugin's form) */
		char *save = NULL;
		for (char *t = strtok_r(ip, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			r = add_requested(c, t, "CNI_ARGS IP", err);
			if (r < 0) {
				err->code = CNI_ERR_INVALID_ENV;
				return r;
			}
		}
	}
	json_t *args = NULL, *cni = NULL, *rc = NULL;
	r = conf_object(config, "", "args", false, &args, err);
	if (r >= 0 && args)
		r = conf_object(args, "args", "cni", false, &cni, err);
	if (r >= 0 && cni)
		r = add_requested_list(c, cni, "args.cni", "ips", err);
	if (r >= 0)
		r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = add_requested_list(c, rc, "runtimeConfig", "ips", err);
	return r;
}

static int route_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct hl_conf *c = ctx;
	c->n_routes = i + 1;
	return cni_route_parse(v, path, &c->routes[i], err);
}

static int parse_routes(json_t *ipam, struct hl_conf *c, struct cnet_err *err)
{
	return conf_array_each(ipam, "ipam", "routes", JSON_OBJECT, CNI_RESULT_MAX_ROUTES, route_cb,
			       c, err);
}

/* Range sets in the reference's order: runtimeConfig.ipRanges, legacy ipam.subnet, ranges. */
static int parse_all_rangesets(json_t *config, json_t *ipam, struct hl_conf *c,
			       struct cnet_err *err)
{
	json_t *rc = NULL, *ranges = NULL, *rt_ranges = NULL;
	int r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = conf_array(rc, "runtimeConfig", "ipRanges", false, &rt_ranges, err);
	if (r >= 0 && rt_ranges)
		r = parse_rangesets(rt_ranges, "runtimeConfig.ipRanges", c, err);
	if (r >= 0 && json_object_get(ipam, "subnet")) {
		/* the old single-range form: subnet/rangeStart/rangeEnd/gateway in ipam */
		r = parse_range(ipam, "ipam", &c->sets[c->n_sets].ranges[0], err);
		if (r >= 0) {
			c->sets[c->n_sets].n = 1;
			c->n_sets++;
		}
	}
	if (r >= 0)
		r = conf_array(ipam, "ipam", "ranges", false, &ranges, err);
	if (r >= 0 && ranges)
		r = parse_rangesets(ranges, "ipam.ranges", c, err);
	if (r < 0)
		return r;
	if (c->n_sets == 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ipam: no IP ranges specified (set \"ranges\" or \"subnet\")");
	for (size_t i = 0; i < c->n_sets; i++)
		for (size_t j = i + 1; j < c->n_sets; j++)
			if (rangesets_overlap(&c->sets[i], &c->sets[j]))
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "ipam.ranges: range set %zu overlaps with %zu", i,
						    j);
	return 0;
}

int hl_conf_parse(json_t *config, const char *cni_args, struct hl_conf *c, struct cnet_err *err)
{
	json_t *ipam = NULL;
	const char *data_dir = NULL;
	memset(c, 0, sizeof(*c));
	int r = conf_object(config, "", "ipam", true, &ipam, err);
	if (r >= 0)
		r = conf_string(config, "", "name", true, &c->name, err);
	if (r >= 0)
		r = parse_all_rangesets(config, ipam, c, err);
	if (r >= 0)
		r = parse_routes(ipam, c, err);
	if (r >= 0)
		r = conf_string(ipam, "ipam", "dataDir", false, &data_dir, err);
	if (r >= 0)
		r = conf_string(ipam, "ipam", "resolvConf", false, &c->resolv_conf, err);
	if (r >= 0)
		r = parse_requested(config, cni_args, c, err);
	if (r < 0)
		return r;
	if (data_dir && !*data_dir)
		data_dir = NULL;
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", data_dir ? data_dir : HL_DEFAULT_DATA_DIR);
	if (strchr(c->name, '/'))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "name: \"%s\" contains '/'",
				    c->name);
	return 0;
}
