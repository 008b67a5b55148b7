// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for ipam/static/conf.c: st_conf_parse on good configs (the reference's order of
 * address sources: ipam.addresses + CNI_ARGS IP=, replaced by args.cni.ips, replaced by
 * runtimeConfig.ips) and on every bad input, with the exact code and message.
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

#include "../../ipam/static/st_conf.h"

/* A config around an "ipam" object body: {"cniVersion","name","type","ipam":{<ipam>}<extra>} */
#define CONF(ipam, extra)                                                                          \
	"{\"cniVersion\":\"1.0.0\",\"name\":\"mynet\",\"type\":\"bridge\","                        \
	"\"ipam\":{\"type\":\"static\"" ipam "}" extra "}"

#define ADDRS ",\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"}," \
	      "{\"address\":\"3ffe:ffff:0:01ff::1/64\",\"gateway\":\"3ffe:ffff:0::1\"}]"

static void parse_ok(const char *text, const char *cni_args, struct st_conf *c)
{
	struct cnet_err err = { 0 };
	json_t *root = load(text);
	st_conf_free(c);   /* the previous parse's dns */
	int r = st_conf_parse(root, cni_args, c, &err);
	json_decref(root);   /* c borrows nothing from the config */
	if (r < 0)
		fail_msg("st_conf_parse failed (%d): %s\nconfig: %s", err.code, err.msg, text);
}

#define assert_parse_fails(text, cni_args, want_code, want_msg)                                    \
	do {                                                                                       \
		json_t *root_ = load(text);                                                        \
		struct st_conf *c_ = malloc(sizeof(*c_));                                          \
		struct cnet_err err_ = { 0 };                                                      \
		const char *args_ = (cni_args);                                                    \
		int r_ = st_conf_parse(root_, args_, c_, &err_);                                   \
		if (r_ >= 0)                                                                       \
			st_conf_free(c_);                                                          \
		free(c_);                                                                          \
		json_decref(root_);                                                                \
		if (r_ >= 0)                                                                       \
			fail_msg("st_conf_parse accepted %s (CNI_ARGS %s)", (text),                \
				 args_ ? args_ : "unset");                                         \
		assert_string_equal(err_.msg, (want_msg));                                         \
		assert_int_equal(err_.code, (want_code));                                          \
	} while (0)

/* address i is addr with gateway gw ("" = none) */
static void assert_addr(const struct st_conf *c, size_t i, const char *addr, const char *gw)
{
	char a[IPNET_STRLEN], g[IPADDR_STRLEN];
	assert_true(i < c->n_addrs);
	assert_string_equal(ipnet_format(&c->addrs[i].address, a), addr);
	if (!*gw)
		assert_int_equal(c->addrs[i].gateway.family, 0);
	else
		assert_string_equal(ipaddr_format(&c->addrs[i].gateway, g), gw);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct st_conf));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	st_conf_free(*state);
	free(*state);
	return 0;
}

static void test_static_full(void **state)
{
	struct st_conf *c = *state;
	char buf[IPNET_STRLEN];
	parse_ok(CONF(ADDRS ",\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
		      "{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.10.5.1\"},"
		      "{\"dst\":\"3ffe:ffff:0:01ff::1/64\",\"priority\":5}],"
		      "\"dns\":{\"nameservers\":[\"8.8.8.8\"],\"domain\":\"example.com\","
		      "\"search\":[\"example.com\"],\"options\":[\"ndots:2\"]}",
		      ""),
		 NULL, c);
	assert_int_equal(c->source, ST_SRC_CONFIG);
	assert_int_equal(c->n_addrs, 2);
	assert_addr(c, 0, "10.10.0.1/24", "10.10.0.254");
	assert_addr(c, 1, "3ffe:ffff:0:1ff::1/64", "3ffe:ffff::1");
	assert_int_equal(c->n_routes, 3);
	assert_string_equal(ipnet_format(&c->routes[0].dst, buf), "0.0.0.0/0");
	assert_int_equal(c->routes[0].gw.family, 0);
	assert_string_equal(ipaddr_format(&c->routes[1].gw, buf), "10.10.5.1");
	/* a route keeps its host bits, as the reference prints it */
	assert_string_equal(ipnet_format(&c->routes[2].dst, buf), "3ffe:ffff:0:1ff::1/64");
	assert_int_equal(c->routes[2].priority, 5);
	assert_int_equal(c->dns.n_nameservers, 1);
	assert_string_equal(c->dns.nameservers[0], "8.8.8.8");
	assert_string_equal(c->dns.domain, "example.com");
	assert_int_equal(c->dns.n_search, 1);
	assert_string_equal(c->dns.options[0], "ndots:2");
	assert_int_equal(c->unused_gateway.family, 0);
}

/* No addresses at all is a valid config (the reference returns routes and dns only). */
static void test_static_no_addresses(void **state)
{
	struct st_conf *c = *state;
	parse_ok(CONF("", ""), NULL, c);
	assert_int_equal(c->n_addrs, 0);
	assert_int_equal(c->n_routes, 0);
	assert_true(cni_dns_is_empty(&c->dns));
	parse_ok(CONF(",\"addresses\":[],\"routes\":null,\"dns\":{}", ""), "", c);
	assert_int_equal(c->n_addrs, 0);
	/* an address without gateway; a network address and a /32 are fine */
	parse_ok(CONF(",\"addresses\":[{\"address\":\"10.1.0.0/24\"},{\"address\":\"10.2.0.9/32\"}]",
		      ""),
		 NULL, c);
	assert_addr(c, 0, "10.1.0.0/24", "");
	assert_addr(c, 1, "10.2.0.9/32", "");
	/* a gateway outside the prefix is accepted, as by the reference */
	parse_ok(CONF(",\"addresses\":[{\"address\":\"10.1.0.5/32\",\"gateway\":\"10.9.0.1\"}]", ""),
		 NULL, c);
	assert_addr(c, 0, "10.1.0.5/32", "10.9.0.1");
}

/* CNI_ARGS IP= is appended to ipam.addresses; GATEWAY= goes to the IP= prefixes holding it. */
static void test_static_cni_args(void **state)
{
	struct st_conf *c = *state;
	char buf[IPADDR_STRLEN];
	parse_ok(CONF(ADDRS, ""),
		 "IgnoreUnknown=1;IP=10.20.0.5/24, fd00::5/64;GATEWAY=fd00::1 ,10.20.0.1;K8S_POD_NAME=x",
		 c);
	assert_int_equal(c->source, ST_SRC_CONFIG);
	assert_int_equal(c->n_addrs, 4);
	assert_addr(c, 0, "10.10.0.1/24", "10.10.0.254");
	assert_addr(c, 2, "10.20.0.5/24", "10.20.0.1");
	assert_addr(c, 3, "fd00::5/64", "fd00::1");
	assert_int_equal(c->unused_gateway.family, 0);

	/* GATEWAY= never applies to ipam.addresses (the reference's behaviour): noted, ignored */
	parse_ok(CONF(ADDRS, ""), "IP=10.20.0.5/24;GATEWAY=10.10.0.7", c);
	assert_int_equal(c->n_addrs, 3);
	assert_addr(c, 0, "10.10.0.1/24", "10.10.0.254");
	assert_addr(c, 2, "10.20.0.5/24", "");
	assert_string_equal(ipaddr_format(&c->unused_gateway, buf), "10.10.0.7");

	/* the later GATEWAY= of one prefix wins; an empty IP= is no address */
	parse_ok(CONF("", ""), "IP=10.20.0.5/24;GATEWAY=10.20.0.1,10.20.0.2", c);
	assert_addr(c, 0, "10.20.0.5/24", "10.20.0.2");
	parse_ok(CONF("", ""), "IP=;GATEWAY=", c);
	assert_int_equal(c->n_addrs, 0);
	assert_int_equal(c->unused_gateway.family, 0);
}

/* args.cni.ips replaces the config and CNI_ARGS; runtimeConfig.ips replaces all. */
static void test_static_precedence(void **state)
{
	struct st_conf *c = *state;
	parse_ok(CONF(ADDRS, ",\"args\":{\"cni\":{\"ips\":[\"10.30.0.5/24\",\"fd00:30::5/64\"]}}"),
		 "IP=10.20.0.5/24;GATEWAY=10.20.0.1", c);
	assert_int_equal(c->source, ST_SRC_ARGS);
	assert_int_equal(c->n_addrs, 2);
	assert_addr(c, 0, "10.30.0.5/24", "");
	assert_addr(c, 1, "fd00:30::5/64", "");

	parse_ok(CONF(ADDRS, ",\"args\":{\"cni\":{\"ips\":[\"10.30.0.5/24\"]}},"
			     "\"runtimeConfig\":{\"ips\":[\"10.40.0.5/16\"]}"),
		 "IP=10.20.0.5/24;GATEWAY=10.99.0.1", c);
	assert_int_equal(c->source, ST_SRC_RUNTIME);
	assert_int_equal(c->n_addrs, 1);
	assert_addr(c, 0, "10.40.0.5/16", "");
	assert_int_equal(c->unused_gateway.family, 0);   /* moot once replaced */

	/* empty lists replace nothing; other keys of args/runtimeConfig are ignored */
	parse_ok(CONF(ADDRS, ",\"args\":{\"cni\":{\"ips\":[],\"labels\":[]},\"x\":1},"
			     "\"runtimeConfig\":{\"ips\":[],\"portMappings\":[]}"),
		 NULL, c);
	assert_int_equal(c->source, ST_SRC_CONFIG);
	assert_int_equal(c->n_addrs, 2);
}

static void test_static_bad_config(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_CONFIG;
#define A(addrs) CONF(",\"addresses\":" addrs, "")
	assert_parse_fails("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", NULL, E,
			   "ipam: missing required key");
	assert_parse_fails("{\"ipam\":\"static\"}", NULL, E, "ipam: expected an object, got string");
	assert_parse_fails(A("{}"), NULL, E, "ipam.addresses: expected an array, got object");
	assert_parse_fails(A("[\"10.1.0.5/24\"]"), NULL, E,
			   "ipam.addresses[0]: expected an object, got string");
	assert_parse_fails(A("[{}]"), NULL, E, "ipam.addresses[0].address: missing required key");
	assert_parse_fails(A("[{\"address\":5}]"), NULL, E,
			   "ipam.addresses[0].address: expected a string, got integer");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/24\"},{\"address\":\"10.1.1.1\"}]"), NULL, E,
			   "ipam.addresses[1].address: \"10.1.1.1\" has no prefix length: give the "
			   "address in CIDR notation, e.g. \"10.1.1.1/24\"");
	assert_parse_fails(A("[{\"address\":\"fd00::1\"}]"), NULL, E,
			   "ipam.addresses[0].address: \"fd00::1\" has no prefix length: give the "
			   "address in CIDR notation, e.g. \"fd00::1/64\"");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/33\"}]"), NULL, E,
			   "ipam.addresses[0].address: \"10.1.0.1/33\" is not an IP address in CIDR "
			   "notation (e.g. \"10.1.0.5/24\")");
	assert_parse_fails(A("[{\"address\":\"\"}]"), NULL, E,
			   "ipam.addresses[0].address: \"\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
	assert_parse_fails(A("[{\"address\":\"::ffff:10.1.1.1/120\"}]"), NULL, E,
			   "ipam.addresses[0].address: ::ffff:10.1.1.1/120 is an IPv4-mapped IPv6 "
			   "address; give the IPv4 address instead");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/24\",\"gateway\":\"junk\"}]"), NULL, E,
			   "ipam.addresses[0].gateway: \"junk\" is not an IP address");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/24\",\"gateway\":true}]"), NULL, E,
			   "ipam.addresses[0].gateway: expected a string, got boolean");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/24\",\"gateway\":\"fd00::1\"}]"), NULL, E,
			   "ipam.addresses[0].gateway: fd00::1 is IPv6 but the address 10.1.0.1/24 "
			   "is IPv4");
	assert_parse_fails(A("[{\"address\":\"fd00::5/64\",\"gateway\":\"10.1.0.1\"}]"), NULL, E,
			   "ipam.addresses[0].gateway: 10.1.0.1 is IPv4 but the address fd00::5/64 "
			   "is IPv6");
	assert_parse_fails(A("[{\"address\":\"10.1.0.1/24\"},{\"address\":\"10.1.0.1/16\"}]"), NULL,
			   E, "ipam.addresses[1]: address 10.1.0.1 is given twice");
	assert_parse_fails(
		A("[{\"address\":\"10.1.0.1/24\"},{\"address\":\"10.1.0.2/24\"},"
		  "{\"address\":\"10.1.0.3/24\"},{\"address\":\"10.1.0.4/24\"},"
		  "{\"address\":\"10.1.0.5/24\"},{\"address\":\"10.1.0.6/24\"},"
		  "{\"address\":\"10.1.0.7/24\"},{\"address\":\"10.1.0.8/24\"},"
		  "{\"address\":\"10.1.0.9/24\"},{\"address\":\"10.1.0.10/24\"},"
		  "{\"address\":\"10.1.0.11/24\"},{\"address\":\"10.1.0.12/24\"},"
		  "{\"address\":\"10.1.0.13/24\"},{\"address\":\"10.1.0.14/24\"},"
		  "{\"address\":\"10.1.0.15/24\"},{\"address\":\"10.1.0.16/24\"},"
		  "{\"address\":\"10.1.0.17/24\"}]"),
		NULL, E, "ipam.addresses: more than 16 entries");
	/* routes and dns */
	assert_parse_fails(CONF(",\"routes\":{}", ""), NULL, E,
			   "ipam.routes: expected an array, got object");
	assert_parse_fails(CONF(",\"routes\":[{}]", ""), NULL, E,
			   "ipam.routes[0].dst: missing required key");
	assert_parse_fails(CONF(",\"routes\":[{\"dst\":\"x\"}]", ""), NULL, E,
			   "ipam.routes[0].dst: \"x\" is not a CIDR prefix");
	assert_parse_fails(CONF(",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"fd00::1\"}]", ""), NULL,
			   E, "ipam.routes[0].gw: family differs from dst's");
	assert_parse_fails(CONF(",\"dns\":[]", ""), NULL, E, "ipam.dns: expected an object, got array");
	assert_parse_fails(CONF(",\"dns\":{\"nameservers\":\"8.8.8.8\"}", ""), NULL, E,
			   "ipam.dns.nameservers: expected an array, got string");
	assert_parse_fails(CONF(",\"dns\":{\"nameservers\":[\"a\"],\"domain\":[]}", ""), NULL, E,
			   "ipam.dns.domain: expected a string, got array");
	/* args.cni.ips and runtimeConfig.ips */
	assert_parse_fails(CONF("", ",\"args\":[]"), NULL, E, "args: expected an object, got array");
	assert_parse_fails(CONF("", ",\"args\":{\"cni\":{\"ips\":\"10.1.0.5/24\"}}"), NULL, E,
			   "args.cni.ips: expected an array, got string");
	assert_parse_fails(CONF("", ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.5\"]}}"), NULL, E,
			   "args.cni.ips[0]: \"10.1.0.5\" has no prefix length: give the address in "
			   "CIDR notation, e.g. \"10.1.0.5/24\"");
	assert_parse_fails(CONF("", ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.5/24\",7]}}"), NULL, E,
			   "args.cni.ips[1]: expected a string, got integer");
	assert_parse_fails(CONF("", ",\"runtimeConfig\":{\"ips\":[\"10.1.0.5/24\",\"10.1.0.5/24\"]}"),
			   NULL, E, "runtimeConfig.ips[1]: address 10.1.0.5 is given twice");
	assert_parse_fails(CONF("", ",\"runtimeConfig\":{\"ips\":[\"nonsense\"]}"), NULL, E,
			   "runtimeConfig.ips[0]: \"nonsense\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
	/* config addresses are checked even when runtimeConfig replaces them */
	assert_parse_fails(CONF(",\"addresses\":[{\"address\":\"bad\"}]",
				",\"runtimeConfig\":{\"ips\":[\"10.1.0.5/24\"]}"),
			   NULL, E,
			   "ipam.addresses[0].address: \"bad\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
#undef A
}

/* Problems in CNI_ARGS are environment errors: code 4. */
static void test_static_bad_cni_args(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_ENV;
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5", E,
			   "CNI_ARGS IP: \"10.1.0.5\" has no prefix length: give the address in CIDR "
			   "notation, e.g. \"10.1.0.5/24\"");
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5/24,", E,
			   "CNI_ARGS IP: \"\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
	assert_parse_fails(CONF("", ""), "IP=nonsense/8", E,
			   "CNI_ARGS IP: \"nonsense/8\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
	assert_parse_fails(CONF(ADDRS, ""), "IP=10.10.0.1/16", E,
			   "CNI_ARGS IP: address 10.10.0.1 is given twice");
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5/24;GATEWAY=bad", E,
			   "CNI_ARGS GATEWAY: \"bad\" is not an IP address");
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5/24;GATEWAY=10.1.0.1/24", E,
			   "CNI_ARGS GATEWAY: \"10.1.0.1/24\" is not an IP address");
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5/24;GATEWAY=10.1.0.1,", E,
			   "CNI_ARGS GATEWAY: \"\" is not an IP address");
	assert_parse_fails(CONF("", ""), "IP=10.1.0.5/24=x", E,
			   "CNI_ARGS: \"IP=10.1.0.5/24=x\" is not KEY=VALUE");
	assert_parse_fails(CONF("", ""), "IgnoreUnknown", E,
			   "CNI_ARGS: \"IgnoreUnknown\" is not KEY=VALUE");
	/* even when args.cni.ips will replace them, IP= and GATEWAY= must be well-formed */
	assert_parse_fails(CONF("", ",\"args\":{\"cni\":{\"ips\":[\"10.1.0.5/24\"]}}"), "IP=x", E,
			   "CNI_ARGS IP: \"x\" is not an IP address in CIDR notation "
			   "(e.g. \"10.1.0.5/24\")");
}

/* A value longer than the buffer is refused, never silently cut. */
static void test_static_cni_args_too_long(void **state)
{
	(void)state;
	size_t n = ST_CNI_ARG_MAX + 16;
	char *args = malloc(n + 4);
	assert_non_null(args);
	memcpy(args, "IP=", 3);
	memset(args + 3, '1', n);
	args[n + 3] = '\0';
	assert_parse_fails(CONF("", ""), args, CNI_ERR_INVALID_ENV, "CNI_ARGS IP: value too long");
	free(args);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_static_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_no_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_cni_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_precedence, setup, teardown),
		cmocka_unit_test(test_static_bad_config),
		cmocka_unit_test(test_static_bad_cni_args),
		cmocka_unit_test(test_static_cni_args_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
