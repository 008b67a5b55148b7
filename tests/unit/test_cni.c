// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/cni.c (error JSON, CNI_ARGS, name validation), lib/conf.c (the typed
 * JSON readers and their messages) and lib/err.c.
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

#include "cni.h"
#include "conf.h"
#include "err.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

static void assert_json(json_t *o, const char *want)
{
	char *got = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(got);
	if (strcmp(got, want)) {
		print_error(" got: %s\nwant: %s\n", got, want);
		free(got);
		fail();
	}
	free(got);
}

/* A macro, so a failure points at the caller's line. */
#define assert_err(e, c, m)                                                                        \
	do {                                                                                       \
		assert_string_equal((e)->msg, (m));                                                \
		assert_int_equal((e)->code, (c));                                                  \
	} while (0)

/* ---- error JSON ------------------------------------------------------------------------ */

static void test_error_json(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	json_t *o;

	cnet_err_set(&err, CNI_ERR_INCOMPATIBLE_VERSION, 0, "incompatible CNI versions");
	cnet_err_details(&err, "config is \"%s\"", "9.9.9");
	o = cni_error_json("1.0.0", &err);
	assert_json(o, "{\"cniVersion\":\"1.0.0\",\"code\":1,"
		       "\"details\":\"config is \\\"9.9.9\\\"\","
		       "\"msg\":\"incompatible CNI versions\"}");
	json_decref(o);

	cnet_err_set(&err, CNI_ERR_INVALID_ENV, 0, "CNI_IFNAME is required");
	o = cni_error_json("0.4.0", &err);
	assert_json(o, "{\"cniVersion\":\"0.4.0\",\"code\":4,\"msg\":\"CNI_IFNAME is required\"}");
	json_decref(o);

	cnet_err_set(&err, CNI_ERR_DECODE, 0, "decode config: %s", "end of file expected");
	o = cni_error_json(NULL, &err);   /* no version known: 1.1.0 */
	assert_json(o, "{\"cniVersion\":\"1.1.0\",\"code\":6,"
		       "\"msg\":\"decode config: end of file expected\"}");
	json_decref(o);

	cnet_err_set(&err, CNI_ERR_INVALID_CONFIG, EINVAL, "ipam.subnet");
	cnet_err_details(&err, "key %s", "ipam.subnet");
	o = cni_error_json("1.1.0", &err);
	assert_json(o, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"details\":\"key ipam.subnet\","
		       "\"msg\":\"ipam.subnet: Invalid argument\"}");
	json_decref(o);

	/* An unset error still produces a well-formed error object. */
	struct cnet_err none = { 0 };
	o = cni_error_json("1.1.0", &none);
	assert_json(o, "{\"cniVersion\":\"1.1.0\",\"code\":999,\"msg\":\"unknown error\"}");
	json_decref(o);
}

static void test_err_helpers(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };

	assert_int_equal(cnet_err_set(&err, 7, 0, "a %d", 1), -EINVAL);
	assert_err(&err, 7, "a 1");
	assert_int_equal(cnet_err_set(&err, 5, ENOENT, "open \"%s\"", "/x"), -ENOENT);
	assert_err(&err, 5, "open \"/x\": No such file or directory");
	assert_int_equal(cnet_err_set(&err, 5, -EACCES, "open"), -EACCES);
	assert_err(&err, 5, "open: Permission denied");
	assert_int_equal(cnet_err_set(NULL, 5, EIO, "x"), -EIO);

	cnet_err_details(&err, "d");
	assert_string_equal(err.details, "d");
	/* a new error starts without the previous one's details */
	cnet_err_set(&err, 7, 0, "b");
	assert_string_equal(err.details, "");

	cnet_err_prefix(&err, "ipam %s", "host-local");
	assert_err(&err, 7, "ipam host-local: b");
	cnet_err_prefix(NULL, "x");

	cnet_err_clear(&err);
	assert_err(&err, 0, "");

	/* over-long messages are truncated, never overflow */
	char big[3 * CNET_ERR_MSG_MAX];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cnet_err_set(&err, 7, ENOENT, "%s", big);
	assert_int_equal(strlen(err.msg), CNET_ERR_MSG_MAX - 1);
	cnet_err_prefix(&err, "%s", big);
	assert_int_equal(strlen(err.msg), CNET_ERR_MSG_MAX - 1);
}

/* ---- CNI_ARGS -------------------------------------------------------------------------- */

static void test_args_lookup(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	char buf[64];
	const char *args = "IgnoreUnknown=1;IP=10.1.0.9;K8S_POD_NAME=web-0;MAC=c2:11:22:33:44:55";

	assert_int_equal(cni_args_lookup(args, "IP", buf, sizeof(buf), &err), 1);
	assert_string_equal(buf, "10.1.0.9");
	assert_int_equal(cni_args_lookup(args, "IgnoreUnknown", buf, sizeof(buf), &err), 1);
	assert_string_equal(buf, "1");
	assert_int_equal(cni_args_lookup(args, "MAC", buf, sizeof(buf), &err), 1);
	assert_string_equal(buf, "c2:11:22:33:44:55");
	/* absent: whole keys only, case-sensitive */
	assert_int_equal(cni_args_lookup(args, "I", buf, sizeof(buf), &err), 0);
	assert_int_equal(cni_args_lookup(args, "ip", buf, sizeof(buf), &err), 0);
	assert_int_equal(cni_args_lookup(args, "K8S_POD", buf, sizeof(buf), &err), 0);
	assert_int_equal(cni_args_lookup(args, "GATEWAY", buf, sizeof(buf), &err), 0);
	/* empty and missing CNI_ARGS */
	assert_int_equal(cni_args_lookup("", "IP", buf, sizeof(buf), &err), 0);
	assert_int_equal(cni_args_lookup(NULL, "IP", buf, sizeof(buf), &err), 0);
	/* an empty value is a value */
	assert_int_equal(cni_args_lookup("IP=", "IP", buf, sizeof(buf), &err), 1);
	assert_string_equal(buf, "");
	/* the value is truncated to the buffer */
	char small[4];
	assert_int_equal(cni_args_lookup("IP=10.1.0.9", "IP", small, sizeof(small), &err), 1);
	assert_string_equal(small, "10.");
}

static void test_args_malformed(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	char buf[64];

	assert_int_equal(cni_args_lookup("A=B=C", "A", buf, sizeof(buf), &err), -EINVAL);
	assert_err(&err, CNI_ERR_INVALID_ENV, "CNI_ARGS: \"A=B=C\" is not KEY=VALUE");
	assert_int_equal(cni_args_lookup("A", "A", buf, sizeof(buf), &err), -EINVAL);
	assert_err(&err, CNI_ERR_INVALID_ENV, "CNI_ARGS: \"A\" is not KEY=VALUE");
	assert_int_equal(cni_args_lookup("IgnoreUnknown=1;A", "IP", buf, sizeof(buf), &err),
			 -EINVAL);
	assert_err(&err, CNI_ERR_INVALID_ENV, "CNI_ARGS: \"A\" is not KEY=VALUE");
	assert_int_equal(cni_args_lookup("X=1;A=B=C;IP=1.2.3.4", "IP", buf, sizeof(buf), &err),
			 -EINVAL);
	assert_err(&err, CNI_ERR_INVALID_ENV, "CNI_ARGS: \"A=B=C\" is not KEY=VALUE");
}

/*
 * libcni's LoadArgs rejects the whole of CNI_ARGS when any pair is malformed, so the answer
 * must not depend on whether the key asked for comes before the bad pair.
 */
static void test_args_malformed_after_key(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	char buf[64];

	assert_int_equal(cni_args_lookup("IP=1.2.3.4;A=B=C", "IP", buf, sizeof(buf), &err),
			 -EINVAL);
	assert_err(&err, CNI_ERR_INVALID_ENV, "CNI_ARGS: \"A=B=C\" is not KEY=VALUE");
}

/* ---- names ----------------------------------------------------------------------------- */

static void test_valid_ifname(void **state)
{
	(void)state;
	static const char *const good[] = {
		"eth0", "a", "123456789012345", "net1.100", "veth-x_y", "A.b", "...", "-",
	};
	static const char *const bad[] = {
		"",       "1234567890123456", "a/b", "a:b", "a b", ".",   "..",
		"a\tb",   "a\nb",             "/",   ":",   " ",   "eth0 ", "veth0123456789abc",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (!cni_valid_ifname(good[i]))
			fail_msg("\"%s\" rejected", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (cni_valid_ifname(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(cni_valid_ifname(NULL));
}

static void test_valid_container_id(void **state)
{
	(void)state;
	static const char *const good[] = {
		"a", "0", "abc123", "a-b_c.d", "Z..--__", "0123456789abcdef0123456789abcdef",
		"k8s_POD_web-0_default_1234-5678",
	};
	static const char *const bad[] = {
		"", "-abc", "_abc", ".abc", "a b", "a/b", "a:b", "a;b", "a=b", "é", "a\n", "a*",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (!cni_valid_container_id(good[i]))
			fail_msg("\"%s\" rejected", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (cni_valid_container_id(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(cni_valid_container_id(NULL));
}

static void test_version_cmp(void **state)
{
	(void)state;
	assert_true(cni_version_cmp("0.4.0", "1.0.0") < 0);
	assert_true(cni_version_cmp("1.0.0", "0.4.0") > 0);
	assert_int_equal(cni_version_cmp("1.1.0", "1.1.0"), 0);
	assert_true(cni_version_cmp("1.1.0", "1.0.0") > 0);
	assert_true(cni_version_cmp("0.3.0", "0.3.1") < 0);
	assert_true(cni_version_cmp("0.3.1", "0.4.0") < 0);
	/* numeric, not lexical */
	assert_true(cni_version_cmp("0.10.0", "0.9.0") > 0);
	assert_true(cni_version_cmp("1.10.0", "1.9.9") > 0);
	/* missing components count as 0 */
	assert_int_equal(cni_version_cmp("1.0", "1.0.0"), 0);
}

/* ---- conf readers ---------------------------------------------------------------------- */

static void test_conf_path(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(conf_path(b, sizeof(b), "", "mtu"), "mtu");
	assert_string_equal(conf_path(b, sizeof(b), NULL, "mtu"), "mtu");
	assert_string_equal(conf_path(b, sizeof(b), "ipam", "subnet"), "ipam.subnet");
	assert_string_equal(conf_path_index(b, sizeof(b), "ipam.ranges", 3), "ipam.ranges[3]");
	assert_string_equal(conf_path_index(b, sizeof(b), "ipam.ranges[0]", 1),
			    "ipam.ranges[0][1]");
}

static void test_conf_types(void **state)
{
	(void)state;
	json_t *o = load("{\"s\":\"str\",\"b\":true,\"f\":false,\"i\":42,\"r\":1.5,\"o\":{},"
			 "\"a\":[],\"n\":null,\"neg\":-7}");
	struct cnet_err err = { 0 };
	const char *s = NULL;
	bool b = false;
	long long i = 0;
	json_t *v = NULL;

	assert_int_equal(conf_string(o, "", "s", true, &s, &err), 0);
	assert_string_equal(s, "str");
	assert_int_equal(conf_bool(o, "", "b", &b, &err), 0);
	assert_true(b);
	assert_int_equal(conf_bool(o, "", "f", &b, &err), 0);
	assert_false(b);
	assert_int_equal(conf_int(o, "", "i", 0, 100, &i, &err), 0);
	assert_int_equal(i, 42);
	assert_int_equal(conf_int(o, "", "neg", -10, 0, &i, &err), 0);
	assert_int_equal(i, -7);
	assert_int_equal(conf_object(o, "", "o", true, &v, &err), 0);
	assert_true(json_is_object(v));
	assert_int_equal(conf_array(o, "", "a", true, &v, &err), 0);
	assert_true(json_is_array(v));

	/* type errors name the key and both types */
	assert_true(conf_bool(o, "", "s", &b, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "s: expected a boolean, got string");
	assert_true(conf_string(o, "", "i", false, &s, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "i: expected a string, got integer");
	assert_true(conf_int(o, "", "r", 0, 10, &i, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "r: expected an integer, got number");
	assert_true(conf_int(o, "", "s", 0, 10, &i, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "s: expected an integer, got string");
	assert_true(conf_object(o, "", "a", false, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "a: expected an object, got array");
	assert_true(conf_array(o, "", "o", false, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "o: expected an array, got object");
	assert_true(conf_bool(o, "", "i", &b, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "i: expected a boolean, got integer");
	assert_true(conf_string(o, "", "b", false, &s, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "b: expected a string, got boolean");
	json_decref(o);

	o = load("{\"x\":\"true\"}");
	assert_true(conf_bool(o, "", "x", &b, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "x: expected a boolean, got string");
	json_decref(o);
}

static void test_conf_int_range(void **state)
{
	(void)state;
	json_t *o = load("{\"mtu\":70000,\"vlan\":-1,\"big\":9223372036854775807}");
	struct cnet_err err = { 0 };
	long long v = 5;

	assert_true(conf_int(o, "", "mtu", 0, 65535, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "mtu: 70000 is out of range 0..65535");
	assert_int_equal(v, 5);   /* untouched on failure */
	assert_true(conf_int(o, "", "vlan", 0, 4094, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "vlan: -1 is out of range 0..4094");
	assert_true(conf_int(o, "", "big", 0, UINT32_MAX, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG,
		   "big: 9223372036854775807 is out of range 0..4294967295");
	/* the bounds are inclusive */
	assert_int_equal(conf_int(o, "", "mtu", 0, 70000, &v, &err), 0);
	assert_int_equal(v, 70000);
	assert_int_equal(conf_int(o, "", "vlan", -1, 0, &v, &err), 0);
	assert_int_equal(v, -1);
	json_decref(o);
}

static void test_conf_nested_paths(void **state)
{
	(void)state;
	json_t *o = load("{\"subnet\":42,\"rangeStart\":\"10.1.0\",\"net\":\"10.1.0.1\","
			 "\"mac\":\"c2:11:22:33:44\"}");
	struct cnet_err err = { 0 };
	struct ipnet n;
	struct ipaddr a;
	uint8_t mac[6];
	bool present = false;

	assert_true(conf_ipnet(o, "ipam.ranges[0][1]", "subnet", true, &n, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG,
		   "ipam.ranges[0][1].subnet: expected a string, got integer");
	assert_true(conf_ipnet(o, "ipam.ranges[0][1]", "net", true, &n, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG,
		   "ipam.ranges[0][1].net: \"10.1.0.1\" is not a CIDR prefix");
	assert_true(conf_ipaddr(o, "ipam", "rangeStart", false, &a, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG,
		   "ipam.rangeStart: \"10.1.0\" is not an IP address");
	assert_true(conf_mac(o, "runtimeConfig", "mac", mac, &present, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG,
		   "runtimeConfig.mac: \"c2:11:22:33:44\" is not a MAC address");
	assert_false(present);
	assert_true(conf_string(o, "args.cni", "ips", true, &(const char *){ NULL }, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "args.cni.ips: missing required key");
	json_decref(o);

	o = load("{\"subnet\":\"10.1.0.0/16\",\"gw\":\"fd00::1\",\"mac\":\"C2-11-22-33-44-55\"}");
	assert_int_equal(conf_ipnet(o, "ipam", "subnet", true, &n, &err), 0);
	assert_int_equal(n.plen, 16);
	assert_int_equal(conf_ipaddr(o, "ipam", "gw", true, &a, &err), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(conf_mac(o, "", "mac", mac, &present, &err), 0);
	assert_true(present);
	assert_int_equal(mac[0], 0xc2);
	assert_int_equal(mac[5], 0x55);
	json_decref(o);
}

/* Absent and null keys: optional readers leave *out alone; required ones fail. */
static void test_conf_absent_null(void **state)
{
	(void)state;
	json_t *o = load("{\"n\":null}");
	struct cnet_err err = { 0 };
	const char *s = "keep";
	bool b = true;
	long long i = 9;
	json_t *v = (json_t *)&err;   /* any non-NULL sentinel */
	struct ipnet n = { .plen = 77 };
	struct ipaddr a = { .family = 99 };
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	bool present = false;

	static const char *const keys[] = { "n", "absent" };
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const char *key = keys[k];
		assert_int_equal(conf_string(o, "", key, false, &s, &err), 0);
		assert_string_equal(s, "keep");
		assert_int_equal(conf_bool(o, "", key, &b, &err), 0);
		assert_true(b);
		assert_int_equal(conf_int(o, "", key, 0, 1, &i, &err), 0);
		assert_int_equal(i, 9);
		assert_int_equal(conf_object(o, "", key, false, &v, &err), 0);
		assert_ptr_equal(v, (json_t *)&err);
		assert_int_equal(conf_array(o, "", key, false, &v, &err), 0);
		assert_ptr_equal(v, (json_t *)&err);
		assert_int_equal(conf_ipnet(o, "", key, false, &n, &err), 0);
		assert_int_equal(n.plen, 77);
		assert_int_equal(conf_ipaddr(o, "", key, false, &a, &err), 0);
		assert_int_equal(a.family, 99);
		assert_int_equal(conf_mac(o, "", key, mac, &present, &err), 0);
		assert_false(present);
		assert_int_equal(mac[0], 1);
	}
	assert_true(conf_string(o, "", "n", true, &s, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "n: missing required key");
	assert_true(conf_object(o, "", "ipam", true, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "ipam: missing required key");
	assert_true(conf_array(o, "ipam", "ranges", true, &v, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "ipam.ranges: missing required key");
	assert_true(conf_ipnet(o, "ipam", "subnet", true, &n, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "ipam.subnet: missing required key");
	assert_true(conf_ipaddr(o, "ipam", "gateway", true, &a, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "ipam.gateway: missing required key");
	/* a NULL object reads as empty */
	assert_int_equal(conf_string(NULL, "", "x", false, &s, &err), 0);
	assert_true(conf_string(NULL, "", "x", true, &s, &err) < 0);
	assert_err(&err, CNI_ERR_INVALID_CONFIG, "x: missing required key");
	json_decref(o);
}

static void test_conf_load(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	static const char good[] = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}";
	json_t *o = conf_load(good, strlen(good), &err);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "n");
	json_decref(o);

	/* not NUL-terminated: only len bytes are read */
	static const char prefix[] = "{\"a\":1}garbage";
	o = conf_load(prefix, 7, &err);
	assert_non_null(o);
	json_decref(o);

	static const char dup[] = "{\"name\":\"a\",\"name\":\"b\"}";
	assert_null(conf_load(dup, strlen(dup), &err));
	assert_err(&err, CNI_ERR_DECODE,
		   "decode config: duplicate object key near '\"name\"' (line 1, column 18)");

	static const char nested_dup[] = "{\"ipam\":{\"type\":\"x\",\"type\":\"y\"}}";
	assert_null(conf_load(nested_dup, strlen(nested_dup), &err));
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_non_null(strstr(err.msg, "duplicate object key"));

	static const char trunc[] = "{\"name\":";
	assert_null(conf_load(trunc, strlen(trunc), &err));
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_true(!strncmp(err.msg, "decode config: ", 15));

	assert_null(conf_load("", 0, &err));
	assert_int_equal(err.code, CNI_ERR_DECODE);

	static const char arr[] = "[1,2]";
	assert_null(conf_load(arr, strlen(arr), &err));
	assert_err(&err, CNI_ERR_DECODE, "decode config: expected a JSON object, got array");
	static const char str[] = "\"x\"";
	assert_null(conf_load(str, strlen(str), &err));
	/* jansson itself refuses a top-level scalar */
	assert_err(&err, CNI_ERR_DECODE,
		   "decode config: '[' or '{' expected near '\"x\"' (line 1, column 3)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_json),
		cmocka_unit_test(test_err_helpers),
		cmocka_unit_test(test_args_lookup),
		cmocka_unit_test(test_args_malformed),
		cmocka_unit_test(test_args_malformed_after_key),
		cmocka_unit_test(test_valid_ifname),
		cmocka_unit_test(test_valid_container_id),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_conf_path),
		cmocka_unit_test(test_conf_types),
		cmocka_unit_test(test_conf_int_range),
		cmocka_unit_test(test_conf_nested_paths),
		cmocka_unit_test(test_conf_absent_null),
		cmocka_unit_test(test_conf_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
