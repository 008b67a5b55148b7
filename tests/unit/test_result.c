// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/result.c: parsing results of every supported spec version and emitting
 * them in each, compared as whole JSON texts (sorted keys, compact), plus the bad inputs.
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

#include "result.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

static struct cni_result *parse_ok(const char *text)
{
	json_t *o = load(text);
	struct cnet_err err = { 0 };
	struct cni_result *r = cni_result_parse(o, "prevResult", &err);
	json_decref(o);
	if (!r)
		fail_msg("cni_result_parse failed: %d %s", err.code, err.msg);
	return r;
}

/* Emit r for version and compare the whole text (sorted keys, compact). */
static void assert_emits(const struct cni_result *r, const char *version, const char *want)
{
	json_t *o = cni_result_to_json(r, version);
	assert_non_null(o);
	char *got = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	assert_non_null(got);
	if (strcmp(got, want)) {
		print_error("version %s\n got: %s\nwant: %s\n", version, got, want);
		free(got);
		fail();
	}
	free(got);
}

static void assert_parse_fails(const char *text, int code, const char *msg)
{
	json_t *o = load(text);
	struct cnet_err err = { 0 };
	struct cni_result *r = cni_result_parse(o, "prevResult", &err);
	json_decref(o);
	if (r) {
		cni_result_free(r);
		fail_msg("cni_result_parse accepted %s", text);
	}
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, code);
}

/* A result using every field of 1.1.0. */
static const char full_110[] =
	"{\"cniVersion\":\"1.1.0\","
	"\"interfaces\":["
	"{\"name\":\"cni0\",\"mac\":\"0a:58:0a:01:00:01\"},"
	"{\"name\":\"veth1234\",\"mac\":\"aa:bb:cc:dd:ee:ff\"},"
	"{\"name\":\"eth0\",\"mac\":\"c2:11:22:33:44:55\",\"mtu\":1450,"
	"\"sandbox\":\"/run/netns/x\","
	"\"socketPath\":\"/run/sock\",\"pciID\":\"0000:04:00.5\"}],"
	"\"ips\":["
	"{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2},"
	"{\"address\":\"fd00::5/64\",\"interface\":2}],"
	"\"routes\":["
	"{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,\"priority\":100,"
	"\"table\":200,\"scope\":0},"
	"{\"dst\":\"fd00:1::/64\"}],"
	"\"dns\":{\"nameservers\":[\"10.1.0.1\",\"fd00::1\"],\"domain\":\"example.org\","
	"\"search\":[\"a.example.org\",\"example.org\"],\"options\":[\"ndots:5\"]}}";

#define DNS_FULL                                                                                   \
	"\"dns\":{\"domain\":\"example.org\",\"nameservers\":[\"10.1.0.1\",\"fd00::1\"],"          \
	"\"options\":[\"ndots:5\"],\"search\":[\"a.example.org\",\"example.org\"]}"

/* Expected texts: keys sorted, as json_dumps(JSON_SORT_KEYS) writes them. */
static const char want_110[] =
	"{\"cniVersion\":\"1.1.0\"," DNS_FULL ","
	"\"interfaces\":[{\"mac\":\"0a:58:0a:01:00:01\",\"name\":\"cni0\"},"
	"{\"mac\":\"aa:bb:cc:dd:ee:ff\",\"name\":\"veth1234\"},"
	"{\"mac\":\"c2:11:22:33:44:55\",\"mtu\":1450,\"name\":\"eth0\",\"pciID\":\"0000:04:00.5\","
	"\"sandbox\":\"/run/netns/x\",\"socketPath\":\"/run/sock\"}],"
	"\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2},"
	"{\"address\":\"fd00::5/64\",\"interface\":2}],"
	"\"routes\":[{\"advmss\":1360,\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,"
	"\"priority\":100,\"scope\":0,\"table\":200},{\"dst\":\"fd00:1::/64\"}]}";

static const char want_100[] =
	"{\"cniVersion\":\"1.0.0\"," DNS_FULL ","
	"\"interfaces\":[{\"mac\":\"0a:58:0a:01:00:01\",\"name\":\"cni0\"},"
	"{\"mac\":\"aa:bb:cc:dd:ee:ff\",\"name\":\"veth1234\"},"
	"{\"mac\":\"c2:11:22:33:44:55\",\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}],"
	"\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2},"
	"{\"address\":\"fd00::5/64\",\"interface\":2}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"},{\"dst\":\"fd00:1::/64\"}]}";

/* 0.3.0, 0.3.1 and 0.4.0 share a shape: 1.0.0's plus ips[].version. */
#define WANT_04X(v)                                                                                \
	"{\"cniVersion\":\"" v "\"," DNS_FULL ","                                                  \
	"\"interfaces\":[{\"mac\":\"0a:58:0a:01:00:01\",\"name\":\"cni0\"},"                       \
	"{\"mac\":\"aa:bb:cc:dd:ee:ff\",\"name\":\"veth1234\"},"                                   \
	"{\"mac\":\"c2:11:22:33:44:55\",\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}],"         \
	"\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"interface\":2,"          \
	"\"version\":\"4\"},"                                                                      \
	"{\"address\":\"fd00::5/64\",\"interface\":2,\"version\":\"6\"}],"                         \
	"\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"},{\"dst\":\"fd00:1::/64\"}]}"

static void test_versions_supported(void **state)
{
	static const char *const want[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
	(void)state;

	size_t n = 0;
	while (cni_versions_supported[n])
		n++;
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(cni_versions_supported[i], want[i]);
		assert_true(cni_version_supported(want[i]));
	}
	static const char *const no[] = { "0.1.0", "0.2.0", "1.2.0", "1.0", "", "1.0.0 ",
					  "v1.0.0" };
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (cni_version_supported(no[i]))
			fail_msg("\"%s\" reported as supported", no[i]);
}

static void test_emit_every_version(void **state)
{
	(void)state;
	struct cni_result *r = parse_ok(full_110);

	assert_string_equal(r->cni_version, "1.1.0");
	assert_int_equal(r->n_interfaces, 3);
	assert_int_equal(r->n_ips, 2);
	assert_int_equal(r->n_routes, 2);
	assert_int_equal(r->interfaces[2].mtu, 1450);
	assert_int_equal(r->ips[0].interface, 2);
	assert_int_equal(r->ips[1].gateway.family, 0);
	assert_int_equal(r->routes[0].table, 200);
	assert_int_equal(r->routes[0].scope, 0);
	assert_int_equal(r->routes[1].table, -1);
	assert_int_equal(r->routes[1].scope, -1);
	assert_int_equal(r->routes[1].gw.family, 0);

	for (size_t i = 0; cni_versions_supported[i]; i++) {
		const char *v = cni_versions_supported[i];
		if (!strcmp(v, "1.1.0"))
			assert_emits(r, v, want_110);
		else if (!strcmp(v, "1.0.0"))
			assert_emits(r, v, want_100);
		else if (!strcmp(v, "0.4.0"))
			assert_emits(r, v, WANT_04X("0.4.0"));
		else if (!strcmp(v, "0.3.1"))
			assert_emits(r, v, WANT_04X("0.3.1"));
		else if (!strcmp(v, "0.3.0"))
			assert_emits(r, v, WANT_04X("0.3.0"));
		else
			fail_msg("no expectation for version %s", v);
	}
	cni_result_free(r);
}

/* A 0.4.0 result (ips[].version, no 1.1.0 fields) converts up and down. */
static void test_parse_040(void **state)
{
	(void)state;
	struct cni_result *r = parse_ok(
		"{\"cniVersion\":\"0.4.0\","
		"\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"c2:11:22:33:44:55\","
		"\"sandbox\":\"/proc/42/ns/net\"}],"
		"\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.9/24\",\"gateway\":\"10.1.0.1\","
		"\"interface\":0},"
		"{\"version\":\"6\",\"address\":\"2001:db8::9/64\",\"gateway\":\"2001:db8::1\","
		"\"interface\":0}],"
		"\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\",\"gw\":\"2001:db8::1\"}],"
		"\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}");

	assert_string_equal(r->cni_version, "0.4.0");
#define IFACES_040                                                                                 \
	"\"interfaces\":[{\"mac\":\"c2:11:22:33:44:55\",\"name\":\"eth0\","                     \
	"\"sandbox\":\"/proc/42/ns/net\"}],"
#define ROUTES_040 "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\",\"gw\":\"2001:db8::1\"}]}"
#define IP4_040 "\"address\":\"10.1.0.9/24\",\"gateway\":\"10.1.0.1\",\"interface\":0"
#define IP6_040 "\"address\":\"2001:db8::9/64\",\"gateway\":\"2001:db8::1\",\"interface\":0"
	assert_emits(r, "0.4.0",
		     "{\"cniVersion\":\"0.4.0\",\"dns\":{\"nameservers\":[\"10.1.0.1\"]},"
		     IFACES_040
		     "\"ips\":[{" IP4_040 ",\"version\":\"4\"},{" IP6_040 ",\"version\":\"6\"}],"
		     ROUTES_040);
	assert_emits(r, "1.0.0",
		     "{\"cniVersion\":\"1.0.0\",\"dns\":{\"nameservers\":[\"10.1.0.1\"]},"
		     IFACES_040
		     "\"ips\":[{" IP4_040 "},{" IP6_040 "}]," ROUTES_040);
	assert_emits(r, "1.1.0",
		     "{\"cniVersion\":\"1.1.0\",\"dns\":{\"nameservers\":[\"10.1.0.1\"]},"
		     IFACES_040
		     "\"ips\":[{" IP4_040 "},{" IP6_040 "}]," ROUTES_040);
#undef IFACES_040
#undef ROUTES_040
#undef IP4_040
#undef IP6_040
	cni_result_free(r);
}

/* A 0.3.1 IPAM result: no interfaces, no ips[].interface, no dns. */
static void test_parse_031_ipam(void **state)
{
	(void)state;
	struct cni_result *r = parse_ok(
		"{\"cniVersion\":\"0.3.1\","
		"\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.2/24\"}]}");

	assert_int_equal(r->n_interfaces, 0);
	assert_int_equal(r->n_ips, 1);
	assert_int_equal(r->ips[0].interface, -1);
	assert_int_equal(r->ips[0].gateway.family, 0);
	assert_true(cni_dns_is_empty(&r->dns));
	assert_emits(r, "0.3.1",
		     "{\"cniVersion\":\"0.3.1\",\"dns\":{},"
		     "\"ips\":[{\"address\":\"10.1.0.2/24\",\"version\":\"4\"}]}");
	assert_emits(r, "1.0.0",
		     "{\"cniVersion\":\"1.0.0\",\"dns\":{},"
		     "\"ips\":[{\"address\":\"10.1.0.2/24\"}]}");
	cni_result_free(r);
}

/* "dns": {} is always there, even for an empty result; a missing cniVersion means 1.1.0. */
static void test_empty_result(void **state)
{
	(void)state;
	struct cni_result *r = parse_ok("{}");
	assert_string_equal(r->cni_version, "1.1.0");
	for (size_t i = 0; cni_versions_supported[i]; i++) {
		char want[64];
		snprintf(want, sizeof(want), "{\"cniVersion\":\"%s\",\"dns\":{}}",
			 cni_versions_supported[i]);
		assert_emits(r, cni_versions_supported[i], want);
	}
	cni_result_free(r);

	struct cni_result *n = cni_result_new(NULL);
	assert_non_null(n);
	assert_string_equal(n->cni_version, "1.1.0");
	assert_emits(n, "1.1.0", "{\"cniVersion\":\"1.1.0\",\"dns\":{}}");
	cni_result_free(n);
	cni_result_free(NULL);
}

/* The 1.1.0 output parses back to the same text. */
static void test_round_trip(void **state)
{
	(void)state;
	struct cni_result *r = parse_ok(full_110);
	json_t *o = cni_result_to_json(r, "1.1.0");
	struct cnet_err err = { 0 };
	struct cni_result *again = cni_result_parse(o, "x", &err);
	json_decref(o);
	assert_non_null(again);
	assert_emits(again, "1.1.0", want_110);
	cni_result_free(again);
	cni_result_free(r);
}

/* Results built with the append helpers; unset fields stay out of the JSON. */
static void test_build(void **state)
{
	(void)state;
	struct cni_result *r = cni_result_new("1.1.0");
	struct cnet_err err = { 0 };
	static const uint8_t mac[6] = { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 };

	assert_int_equal(cni_result_add_iface(r, "br0", NULL, NULL, &err), 0);
	assert_int_equal(cni_result_add_iface(r, "eth0", mac, "/run/netns/c", &err), 1);
	struct cni_ip ip = { .interface = 1 };
	assert_int_equal(ipnet_parse("192.0.2.10/24", &ip.address), 0);
	assert_int_equal(cni_result_add_ip(r, &ip, &err), 0);
	struct cni_route rt = { .table = -1, .scope = 253 };
	assert_int_equal(ipnet_parse("192.0.2.0/24", &rt.dst), 0);
	assert_int_equal(cni_result_add_route(r, &rt, &err), 0);

	struct cni_dns d = { 0 };
	d.nameservers[d.n_nameservers++] = strdup("192.0.2.1");
	d.domain = strdup("example.net");
	cni_result_set_dns(r, &d);
	cni_dns_clear(&d);   /* set_dns copied it */
	assert_true(cni_dns_is_empty(&d));

	assert_emits(r, "1.1.0",
		     "{\"cniVersion\":\"1.1.0\","
		     "\"dns\":{\"domain\":\"example.net\",\"nameservers\":[\"192.0.2.1\"]},"
		     "\"interfaces\":[{\"name\":\"br0\"},{\"mac\":\"c2:11:22:33:44:55\","
		     "\"name\":\"eth0\",\"sandbox\":\"/run/netns/c\"}],"
		     "\"ips\":[{\"address\":\"192.0.2.10/24\",\"interface\":1}],"
		     "\"routes\":[{\"dst\":\"192.0.2.0/24\",\"scope\":253}]}");
	assert_emits(r, "1.0.0",
		     "{\"cniVersion\":\"1.0.0\","
		     "\"dns\":{\"domain\":\"example.net\",\"nameservers\":[\"192.0.2.1\"]},"
		     "\"interfaces\":[{\"name\":\"br0\"},{\"mac\":\"c2:11:22:33:44:55\","
		     "\"name\":\"eth0\",\"sandbox\":\"/run/netns/c\"}],"
		     "\"ips\":[{\"address\":\"192.0.2.10/24\",\"interface\":1}],"
		     "\"routes\":[{\"dst\":\"192.0.2.0/24\"}]}");

	/* Replacing the dns frees the old copy (ASan checks). */
	struct cni_dns d2 = { 0 };
	d2.search[d2.n_search++] = strdup("svc.local");
	cni_result_set_dns(r, &d2);
	cni_dns_clear(&d2);
	assert_null(r->dns.domain);
	assert_int_equal(r->dns.n_nameservers, 0);
	assert_int_equal(r->dns.n_search, 1);
	assert_string_equal(r->dns.search[0], "svc.local");
	cni_result_free(r);
}

static void test_build_full(void **state)
{
	(void)state;
	struct cni_result *r = cni_result_new("1.1.0");
	struct cnet_err err = { 0 };

	for (int i = 0; i < CNI_RESULT_MAX_IFACES; i++)
		assert_int_equal(cni_result_add_iface(r, "x", NULL, NULL, &err), i);
	assert_int_equal(cni_result_add_iface(r, "x", NULL, NULL, &err), -ENOSPC);
	assert_int_equal(err.code, CNI_ERR_INTERNAL);
	assert_string_equal(err.msg, "result: too many interfaces: No space left on device");

	struct cni_ip ip = { .interface = -1 };
	assert_int_equal(ipnet_parse("192.0.2.10/24", &ip.address), 0);
	for (int i = 0; i < CNI_RESULT_MAX_IPS; i++)
		assert_int_equal(cni_result_add_ip(r, &ip, &err), i);
	assert_int_equal(cni_result_add_ip(r, &ip, &err), -ENOSPC);
	assert_string_equal(err.msg, "result: too many ips: No space left on device");

	struct cni_route rt = { .table = -1, .scope = -1 };
	assert_int_equal(ipnet_parse("0.0.0.0/0", &rt.dst), 0);
	for (int i = 0; i < CNI_RESULT_MAX_ROUTES; i++)
		assert_int_equal(cni_result_add_route(r, &rt, &err), i);
	assert_int_equal(cni_result_add_route(r, &rt, &err), -ENOSPC);
	assert_string_equal(err.msg, "result: too many routes: No space left on device");
	cni_result_free(r);
}

static void test_bad_input(void **state)
{
	(void)state;
	/* interface index out of range */
	assert_parse_fails("{\"interfaces\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}],"
			   "\"ips\":[{\"address\":\"10.1.0.5/24\",\"interface\":3}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].interface: 3 is out of range 0..2");
	assert_parse_fails("{\"interfaces\":[{\"name\":\"a\"}],"
			   "\"ips\":[{\"address\":\"10.1.0.5/24\",\"interface\":-1}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].interface: -1 is out of range 0..0");
	assert_parse_fails("{\"ips\":[{\"address\":\"10.1.0.5/24\"},"
			   "{\"address\":\"10.1.0.6/24\",\"interface\":0}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[1].interface: 0 is out of range 0..-1");
	/* address: not a string, not a CIDR, missing */
	assert_parse_fails("{\"ips\":[{\"address\":42}]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].address: expected a string, got integer");
	assert_parse_fails("{\"ips\":[{\"address\":\"10.1.0.5\"}]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].address: \"10.1.0.5\" is not a CIDR prefix");
	assert_parse_fails("{\"ips\":[{\"gateway\":\"10.1.0.1\"}]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].address: missing required key");
	/* gateway of the other family */
	assert_parse_fails("{\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"fd00::1\"}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].gateway: family differs from the address's");
	assert_parse_fails("{\"ips\":[{\"address\":\"fd00::5/64\",\"gateway\":\"10.1.0.1\"}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].gateway: family differs from the address's");
	assert_parse_fails("{\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.x\"}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0].gateway: \"10.1.0.x\" is not an IP address");
	assert_parse_fails("{\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"fd00::1\"}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.routes[0].gw: family differs from dst's");
	assert_parse_fails("{\"routes\":[{\"gw\":\"10.1.0.1\"}]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.routes[0].dst: missing required key");
	assert_parse_fails("{\"routes\":[{\"dst\":\"0.0.0.0/0\",\"scope\":256}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.routes[0].scope: 256 is out of range 0..255");
	assert_parse_fails("{\"routes\":[{\"dst\":\"0.0.0.0/0\",\"table\":-1}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.routes[0].table: -1 is out of range 0..4294967295");
	/* shapes */
	assert_parse_fails("{\"interfaces\":[{\"mac\":\"c2:11:22:33:44:55\"}]}",
			   CNI_ERR_INVALID_CONFIG,
			   "prevResult.interfaces[0].name: missing required key");
	assert_parse_fails("{\"interfaces\":{}}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.interfaces: expected an array, got object");
	assert_parse_fails("{\"ips\":[\"10.1.0.5/24\"]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.ips[0]: expected an object, got string");
	assert_parse_fails("{\"dns\":[]}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.dns: expected an object, got array");
	assert_parse_fails("{\"dns\":{\"nameservers\":[1]}}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.dns.nameservers[0]: expected a string, got integer");
	assert_parse_fails("{\"cniVersion\":1}", CNI_ERR_INVALID_CONFIG,
			   "prevResult.cniVersion: expected a string, got integer");

	/* not an object at all: a decode error */
	json_t *a = json_array();
	struct cnet_err err = { 0 };
	assert_null(cni_result_parse(a, "prevResult", &err));
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_string_equal(err.msg, "prevResult: expected an object");
	json_decref(a);
}

/* More entries than the model holds are refused, not truncated. */
static void test_too_many(void **state)
{
	(void)state;
	json_t *o = json_object(), *ips = json_array();
	for (int i = 0; i <= CNI_RESULT_MAX_IPS; i++)
		json_array_append_new(ips, json_pack("{s:s}", "address", "10.0.0.1/8"));
	json_object_set_new(o, "ips", ips);
	struct cnet_err err = { 0 };
	assert_null(cni_result_parse(o, "prevResult", &err));
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, "prevResult.ips: more than 16 entries");
	json_decref(o);
}

static void test_dns_parse(void **state)
{
	(void)state;
	json_t *o = load("{\"nameservers\":[\"1.1.1.1\",\"8.8.8.8\"],\"domain\":\"\","
			 "\"search\":[\"a\",\"b\"],\"options\":[\"rotate\"]}");
	struct cni_dns d = { 0 };
	struct cnet_err err = { 0 };
	assert_int_equal(cni_dns_parse(o, "dns", &d, &err), 0);
	assert_int_equal(d.n_nameservers, 2);
	assert_string_equal(d.nameservers[1], "8.8.8.8");
	assert_null(d.domain);   /* "" is "not set" */
	assert_int_equal(d.n_search, 2);
	assert_int_equal(d.n_options, 1);
	assert_false(cni_dns_is_empty(&d));
	cni_dns_clear(&d);
	assert_true(cni_dns_is_empty(&d));
	json_decref(o);

	o = load("{\"search\":[\"a\",2]}");
	assert_true(cni_dns_parse(o, "dns", &d, &err) < 0);
	assert_string_equal(err.msg, "dns.search[1]: expected a string, got integer");
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	cni_dns_clear(&d);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions_supported),
		cmocka_unit_test(test_emit_every_version),
		cmocka_unit_test(test_parse_040),
		cmocka_unit_test(test_parse_031_ipam),
		cmocka_unit_test(test_empty_result),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_full),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_dns_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
