// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for ipam/host-local/conf.c: hl_conf_parse on good configs (defaults filled in as
 * the reference's Range.Canonicalize does) and on every bad input, with the exact message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "../../ipam/host-local/hl_conf.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* A config around an "ipam" object body: {"cniVersion","name","type","ipam":{<ipam>}<extra>} */
#define CONF(ipam, extra)                                                                          \
	"{\"cniVersion\":\"1.0.0\",\"name\":\"mynet\",\"type\":\"bridge\","                        \
	"\"ipam\":{\"type\":\"host-local\"" ipam "}" extra "}"

/* Parse text; the config stays alive in *root because c borrows strings from it. */
static void parse_ok(const char *text, const char *cni_args, struct hl_conf *c, json_t **root)
{
	struct cnet_err err = { 0 };
	*root = load(text);
	if (hl_conf_parse(*root, cni_args, c, &err) < 0) {
		json_decref(*root);
		fail_msg("hl_conf_parse failed (%d): %s\nconfig: %s", err.code, err.msg, text);
	}
}

#define assert_parse_fails(text, cni_args, want_code, want_msg)                                    \
	do {                                                                                       \
		json_t *root_ = load(text);                                                        \
		struct hl_conf *c_ = malloc(sizeof(*c_));                                          \
		struct cnet_err err_ = { 0 };                                                      \
		int r_ = hl_conf_parse(root_, (cni_args), c_, &err_);                              \
		free(c_);                                                                          \
		json_decref(root_);                                                                \
		if (r_ >= 0)                                                                       \
			fail_msg("hl_conf_parse accepted %s", (text));                             \
		assert_string_equal(err_.msg, (want_msg));                                         \
		assert_int_equal(err_.code, (want_code));                                          \
	} while (0)

static void assert_ip(const struct ipaddr *a, const char *want)
{
	char buf[IPADDR_STRLEN];
	assert_string_equal(ipaddr_format(a, buf), want);
}

static void assert_net(const struct ipnet *n, const char *want)
{
	char buf[IPNET_STRLEN];
	assert_string_equal(ipnet_format(n, buf), want);
}

static void assert_range(const struct hl_range *r, const char *subnet, const char *start,
			 const char *end, const char *gw)
{
	assert_net(&r->subnet, subnet);
	assert_ip(&r->start, start);
	assert_ip(&r->end, end);
	assert_ip(&r->gateway, gw);
}

/* hl_conf is large (PATH_MAX, arrays): keep it off the stack. */
static int setup(void **state)
{
	*state = calloc(1, sizeof(struct hl_conf));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_dual_stack(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}],"
		      "[{\"subnet\":\"fd00:10::/64\",\"gateway\":\"fd00:10::fffe\"}]],"
		      "\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
		      "{\"dst\":\"::/0\",\"gw\":\"fd00:10::fffe\"}]",
		      ""),
		 NULL, c, &root);

	assert_string_equal(c->name, "mynet");
	assert_int_equal(c->n_sets, 2);
	assert_int_equal(c->sets[0].n, 1);
	assert_int_equal(c->sets[1].n, 1);
	/* defaults: gateway and start = subnet+1, end = broadcast-1 (v4) / last address (v6) */
	assert_range(&c->sets[0].ranges[0], "10.1.0.0/16", "10.1.0.1", "10.1.255.254", "10.1.0.1");
	assert_range(&c->sets[1].ranges[0], "fd00:10::/64", "fd00:10::1",
		     "fd00:10::ffff:ffff:ffff:ffff", "fd00:10::fffe");
	assert_int_equal(c->n_routes, 2);
	assert_net(&c->routes[0].dst, "0.0.0.0/0");
	assert_int_equal(c->routes[0].gw.family, 0);
	assert_ip(&c->routes[1].gw, "fd00:10::fffe");
	assert_string_equal(c->data_dir, "/var/lib/cni/networks");
	assert_null(c->resolv_conf);
	assert_int_equal(c->n_requested, 0);
	json_decref(root);
}

static void test_explicit_range(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.100\","
		      "\"rangeEnd\":\"10.1.0.200\",\"gateway\":\"10.1.0.254\"},"
		      "{\"subnet\":\"10.2.0.0/24\"}]],"
		      "\"dataDir\":\"/run/cni/ipam\",\"resolvConf\":\"/etc/resolv.conf\"",
		      ""),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 1);
	assert_int_equal(c->sets[0].n, 2);
	assert_range(&c->sets[0].ranges[0], "10.1.0.0/24", "10.1.0.100", "10.1.0.200",
		     "10.1.0.254");
	assert_range(&c->sets[0].ranges[1], "10.2.0.0/24", "10.2.0.1", "10.2.0.254", "10.2.0.1");
	assert_string_equal(c->data_dir, "/run/cni/ipam");
	assert_string_equal(c->resolv_conf, "/etc/resolv.conf");

	/* range membership follows start..end, not the subnet */
	struct ipaddr a;
	assert_int_equal(ipaddr_parse("10.1.0.100", &a), 0);
	assert_ptr_equal(hl_rangeset_find(&c->sets[0], &a), &c->sets[0].ranges[0]);
	assert_int_equal(ipaddr_parse("10.1.0.99", &a), 0);
	assert_null(hl_rangeset_find(&c->sets[0], &a));
	assert_int_equal(ipaddr_parse("10.1.0.201", &a), 0);
	assert_null(hl_rangeset_find(&c->sets[0], &a));
	assert_int_equal(ipaddr_parse("10.2.0.254", &a), 0);
	assert_ptr_equal(hl_rangeset_find(&c->sets[0], &a), &c->sets[0].ranges[1]);
	assert_int_equal(ipaddr_parse("10.2.0.255", &a), 0);
	assert_null(hl_rangeset_find(&c->sets[0], &a));
	assert_int_equal(ipaddr_parse("fd00::1", &a), 0);
	assert_null(hl_rangeset_find(&c->sets[0], &a));
	json_decref(root);
}

/* Small subnets: /30 is the smallest v4 one, /126 the smallest v6 one. */
static void test_small_subnets(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"192.168.1.0/30\"}],"
		      "[{\"subnet\":\"fd00::/126\"}]]",
		      ""),
		 NULL, c, &root);
	assert_range(&c->sets[0].ranges[0], "192.168.1.0/30", "192.168.1.1", "192.168.1.2",
		     "192.168.1.1");
	assert_range(&c->sets[1].ranges[0], "fd00::/126", "fd00::1", "fd00::3", "fd00::1");
	json_decref(root);
}

static void test_legacy_subnet(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"subnet\":\"10.10.0.0/16\",\"rangeStart\":\"10.10.1.0\","
		      "\"rangeEnd\":\"10.10.1.255\",\"gateway\":\"10.10.0.254\"",
		      ""),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 1);
	assert_int_equal(c->sets[0].n, 1);
	assert_range(&c->sets[0].ranges[0], "10.10.0.0/16", "10.10.1.0", "10.10.1.255",
		     "10.10.0.254");
	json_decref(root);

	/* legacy subnet comes first, then "ranges" */
	parse_ok(CONF(",\"subnet\":\"10.10.0.0/16\","
		      "\"ranges\":[[{\"subnet\":\"fd00::/64\"}]]",
		      ""),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 2);
	assert_net(&c->sets[0].ranges[0].subnet, "10.10.0.0/16");
	assert_net(&c->sets[1].ranges[0].subnet, "fd00::/64");
	json_decref(root);
}

/* runtimeConfig.ipRanges are prepended: before the legacy subnet and before "ranges". */
static void test_runtime_ip_ranges(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"subnet\":\"10.10.0.0/16\",\"ranges\":[[{\"subnet\":\"10.20.0.0/16\"}]]",
		      ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.30.0.0/24\","
		      "\"rangeStart\":\"10.30.0.10\"}],[{\"subnet\":\"fd30::/64\"}]]}"),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 4);
	assert_range(&c->sets[0].ranges[0], "10.30.0.0/24", "10.30.0.10", "10.30.0.254",
		     "10.30.0.1");
	assert_net(&c->sets[1].ranges[0].subnet, "fd30::/64");
	assert_net(&c->sets[2].ranges[0].subnet, "10.10.0.0/16");
	assert_net(&c->sets[3].ranges[0].subnet, "10.20.0.0/16");
	json_decref(root);

	/* ipRanges alone are enough */
	parse_ok("{\"name\":\"n\",\"ipam\":{\"type\":\"host-local\"},"
		 "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.30.0.0/24\"}]]}}",
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 1);
	json_decref(root);
}

/* Requested IPs: CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips, all kept, in that order. */
static void test_requested(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}],[{\"subnet\":\"fd00::/64\"}]]",
		      ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.20/16\",\"fd00::20\"]}},"
		      "\"runtimeConfig\":{\"ips\":[\"10.1.0.30\"]}"),
		 "IgnoreUnknown=1;IP=10.1.0.9;K8S_POD_NAME=x", c, &root);
	assert_int_equal(c->n_requested, 4);
	assert_ip(&c->requested[0], "10.1.0.9");
	assert_ip(&c->requested[1], "10.1.0.20");   /* the prefix length is dropped */
	assert_ip(&c->requested[2], "fd00::20");
	assert_ip(&c->requested[3], "10.1.0.30");
	json_decref(root);

	/* a CIDR in CNI_ARGS, and no other source */
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}]]", ""), "IP=10.1.0.9/16", c,
		 &root);
	assert_int_equal(c->n_requested, 1);
	assert_ip(&c->requested[0], "10.1.0.9");
	json_decref(root);

	/* CNI_ARGS without IP */
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}]]", ""),
		 "IgnoreUnknown=1;K8S_POD_NAMESPACE=default", c, &root);
	assert_int_equal(c->n_requested, 0);
	json_decref(root);
}

/*
 * The reference keeps requested IPs in a map keyed by address, so the same address given
 * twice (CNI_ARGS and runtimeConfig.ips, say) is one request, not two: the second copy
 * would otherwise be "not allocated" and fail the ADD.
 */
static void test_requested_duplicates(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}]]",
		      ",\"runtimeConfig\":{\"ips\":[\"10.1.0.9/16\"]}"),
		 "IgnoreUnknown=1;IP=10.1.0.9", c, &root);
	json_decref(root);
	assert_int_equal(c->n_requested, 1);
	assert_ip(&c->requested[0], "10.1.0.9");
}

static void test_data_dir(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"subnet\":\"10.1.0.0/24\",\"dataDir\":\"\"", ""), NULL, c, &root);
	assert_string_equal(c->data_dir, "/var/lib/cni/networks");
	json_decref(root);
	parse_ok(CONF(",\"subnet\":\"10.1.0.0/24\",\"dataDir\":null", ""), NULL, c, &root);
	assert_string_equal(c->data_dir, "/var/lib/cni/networks");
	json_decref(root);
	parse_ok(CONF(",\"subnet\":\"10.1.0.0/24\",\"dataDir\":\"/tmp/x\"", ""), NULL, c, &root);
	assert_string_equal(c->data_dir, "/tmp/x");
	json_decref(root);
}

/* Unknown keys (other plugins', "capabilities", ...) are ignored. */
static void test_unknown_keys(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"subnet\":\"10.1.0.0/24\",\"foo\":[1,2]",
		      ",\"capabilities\":{\"ips\":true},\"isGateway\":true,\"args\":{\"x\":1},"
		      "\"runtimeConfig\":{\"portMappings\":[]}"),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 1);
	json_decref(root);
}

/* Disjoint start..end ranges of one subnet do not overlap (the reference compares ranges). */
static void test_disjoint_ranges_one_subnet(void **state)
{
	struct hl_conf *c = *state;
	json_t *root;
	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.10\","
		      "\"rangeEnd\":\"10.1.0.50\"},"
		      "{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.100\","
		      "\"rangeEnd\":\"10.1.0.150\"}]]",
		      ""),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 1);
	assert_int_equal(c->sets[0].n, 2);
	json_decref(root);

	parse_ok(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeEnd\":\"10.1.0.50\"}],"
		      "[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.100\"}]]",
		      ""),
		 NULL, c, &root);
	assert_int_equal(c->n_sets, 2);
	json_decref(root);
}

#define R(x) CONF(",\"ranges\":[[" x "]]", "")

static void test_bad_ranges(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_CONFIG;

	assert_parse_fails("{\"name\":\"n\"}", NULL, E, "ipam: missing required key");
	assert_parse_fails("{\"name\":\"n\",\"ipam\":[]}", NULL, E,
			   "ipam: expected an object, got array");
	assert_parse_fails("{\"ipam\":{\"subnet\":\"10.1.0.0/24\"}}", NULL, E,
			   "name: missing required key");
	assert_parse_fails("{\"name\":\"a/b\",\"ipam\":{\"subnet\":\"10.1.0.0/24\"}}", NULL, E,
			   "name: \"a/b\" contains '/'");
	assert_parse_fails(CONF("", ""), NULL, E,
			   "ipam: no IP ranges specified (set \"ranges\" or \"subnet\")");
	assert_parse_fails(CONF(",\"ranges\":[]", ""), NULL, E,
			   "ipam: no IP ranges specified (set \"ranges\" or \"subnet\")");
	assert_parse_fails(CONF(",\"ranges\":\"10.1.0.0/24\"", ""), NULL, E,
			   "ipam.ranges: expected an array, got string");
	assert_parse_fails(CONF(",\"ranges\":[{\"subnet\":\"10.1.0.0/24\"}]", ""), NULL, E,
			   "ipam.ranges[0]: expected a non-empty array of ranges");
	assert_parse_fails(CONF(",\"ranges\":[[]]", ""), NULL, E,
			   "ipam.ranges[0]: expected a non-empty array of ranges");
	assert_parse_fails(R("\"10.1.0.0/24\""), NULL, E,
			   "ipam.ranges[0][0]: expected an object, got string");
	assert_parse_fails(R("{\"gateway\":\"10.1.0.1\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: missing required key");
	assert_parse_fails(R("{\"subnet\":42}"), NULL, E,
			   "ipam.ranges[0][0].subnet: expected a string, got integer");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: \"10.1.0.0\" is not a CIDR prefix");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/33\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: \"10.1.0.0/33\" is not a CIDR prefix");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.1/24\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: 10.1.0.1/24 has host bits set; the network "
			   "address is 10.1.0.0/24");
	assert_parse_fails(R("{\"subnet\":\"fd00::1/64\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: fd00::1/64 has host bits set; the network "
			   "address is fd00::/64");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/31\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: network 10.1.0.0/31 is too small to allocate "
			   "from");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.1/32\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: network 10.1.0.1/32 is too small to allocate "
			   "from");
	assert_parse_fails(R("{\"subnet\":\"fd00::/127\"}"), NULL, E,
			   "ipam.ranges[0][0].subnet: network fd00::/127 is too small to allocate "
			   "from");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.1.5\"}"), NULL, E,
			   "ipam.ranges[0][0].rangeStart: 10.1.1.5 is not in network 10.1.0.0/24");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"rangeEnd\":\"10.1.1.5\"}"), NULL, E,
			   "ipam.ranges[0][0].rangeEnd: 10.1.1.5 is not in network 10.1.0.0/24");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"rangeEnd\":\"fd00::5\"}"), NULL, E,
			   "ipam.ranges[0][0].rangeEnd: fd00::5 is not in network 10.1.0.0/24");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.1.1.1\"}"), NULL, E,
			   "ipam.ranges[0][0].gateway: 10.1.1.1 is not in network 10.1.0.0/24");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.50\","
			     "\"rangeEnd\":\"10.1.0.40\"}"),
			   NULL, E, "ipam.ranges[0][0]: rangeStart 10.1.0.50 is after rangeEnd");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0\"}"), NULL, E,
			   "ipam.ranges[0][0].rangeStart: \"10.1.0\" is not an IP address");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\",\"gateway\":true}"), NULL, E,
			   "ipam.ranges[0][0].gateway: expected a string, got boolean");
	/* within one set */
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"10.1.0.0/25\"}"), NULL, E,
			   "ipam.ranges[0]: subnets 10.1.0.0/24 and 10.1.0.0/25 overlap");
	assert_parse_fails(R("{\"subnet\":\"10.2.0.0/24\"},{\"subnet\":\"10.1.0.0/16\"},"
			     "{\"subnet\":\"10.1.7.0/24\"}"),
			   NULL, E, "ipam.ranges[0]: subnets 10.1.0.0/16 and 10.1.7.0/24 overlap");
	assert_parse_fails(R("{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":\"fd00::/64\"}"), NULL, E,
			   "ipam.ranges[0][1]: mixed address families in one range set");
	/* between sets */
	assert_parse_fails(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],"
				"[{\"subnet\":\"10.1.0.0/16\"}]]",
				""),
			   NULL, E, "ipam.ranges: range set 0 overlaps with 1");
	assert_parse_fails(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],"
				"[{\"subnet\":\"fd00::/64\"}],[{\"subnet\":\"10.2.0.0/24\"},"
				"{\"subnet\":\"10.1.0.128/25\"}]]",
				""),
			   NULL, E, "ipam.ranges: range set 0 overlaps with 2");
	/* runtimeConfig.ipRanges overlapping the configured ones */
	assert_parse_fails(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]]",
				",\"runtimeConfig\":"
				"{\"ipRanges\":[[{\"subnet\":\"10.1.0.0/24\"}]]}"),
			   NULL, E, "ipam.ranges: range set 0 overlaps with 1");
	assert_parse_fails(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]]",
				",\"runtimeConfig\":"
				"{\"ipRanges\":[[{\"subnet\":\"10.1.0.0/33\"}]]}"),
			   NULL, E,
			   "runtimeConfig.ipRanges[0][0].subnet: \"10.1.0.0/33\" is not a CIDR "
			   "prefix");
	assert_parse_fails(CONF(",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]]",
				",\"runtimeConfig\":{\"ipRanges\":{}}"),
			   NULL, E, "runtimeConfig.ipRanges: expected an array, got object");
	/* the legacy form names ipam.<key> */
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"gateway\":\"10.2.0.1\"", ""), NULL,
			   E, "ipam.gateway: 10.2.0.1 is not in network 10.1.0.0/24");
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/31\"", ""), NULL, E,
			   "ipam.subnet: network 10.1.0.0/31 is too small to allocate from");
	/* other keys */
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"routes\":[{\"dst\":\"x\"}]", ""),
			   NULL, E, "ipam.routes[0].dst: \"x\" is not a CIDR prefix");
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"routes\":[\"0.0.0.0/0\"]", ""),
			   NULL, E, "ipam.routes[0]: expected an object, got string");
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"routes\":{}", ""), NULL, E,
			   "ipam.routes: expected an array, got object");
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"dataDir\":7", ""), NULL, E,
			   "ipam.dataDir: expected a string, got integer");
	assert_parse_fails(CONF(",\"subnet\":\"10.1.0.0/24\",\"resolvConf\":[]", ""), NULL, E,
			   "ipam.resolvConf: expected a string, got array");
}

static void test_bad_requested(void **state)
{
	(void)state;
	const char *ranges = ",\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}]]";
	char buf[512];
	const int E = CNI_ERR_INVALID_CONFIG;

#define WITH(extra) (snprintf(buf, sizeof(buf), CONF("%s", "%s"), ranges, (extra)), buf)
	assert_parse_fails(WITH(",\"args\":{\"cni\":{\"ips\":[\"10.1.0.9\",\"nonsense\"]}}"), NULL,
			   E, "args.cni.ips[1]: \"nonsense\" is not an IP address");
	assert_parse_fails(WITH(",\"args\":{\"cni\":{\"ips\":[5]}}"), NULL, E,
			   "args.cni.ips[0]: expected a string, got integer");
	assert_parse_fails(WITH(",\"args\":{\"cni\":{\"ips\":\"10.1.0.9\"}}"), NULL, E,
			   "args.cni.ips: expected an array, got string");
	assert_parse_fails(WITH(",\"args\":{\"cni\":[]}"), NULL, E,
			   "args.cni: expected an object, got array");
	assert_parse_fails(WITH(",\"args\":\"x\""), NULL, E,
			   "args: expected an object, got string");
	assert_parse_fails(WITH(",\"runtimeConfig\":{\"ips\":[\"10.1.0.300\"]}"), NULL, E,
			   "runtimeConfig.ips[0]: \"10.1.0.300\" is not an IP address");
	assert_parse_fails(WITH(",\"runtimeConfig\":7"), NULL, E,
			   "runtimeConfig: expected an object, got integer");
	/* CNI_ARGS problems are environment errors (code 4) */
	assert_parse_fails(WITH(""), "IgnoreUnknown=1;IP=nonsense", CNI_ERR_INVALID_ENV,
			   "CNI_ARGS IP: \"nonsense\" is not an IP address");
	assert_parse_fails(WITH(""), "IP=10.1.0.9=x", CNI_ERR_INVALID_ENV,
			   "CNI_ARGS: \"IP=10.1.0.9=x\" is not KEY=VALUE");
	assert_parse_fails(WITH(""), "IgnoreUnknown", CNI_ERR_INVALID_ENV,
			   "CNI_ARGS: \"IgnoreUnknown\" is not KEY=VALUE");
#undef WITH
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dual_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_subnets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_subnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_ip_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requested_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disjoint_ranges_one_subnet, setup, teardown),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_bad_requested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
