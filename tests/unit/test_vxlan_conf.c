// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for plugins/vxlan/conf.c: vx_conf_parse defaults, every key with a good value,
 * and each bad input with its exact message and code 7.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "../../plugins/vxlan/vx_conf.h"
#include "cni.h"

#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"ov\",\"type\":\"vxlan\"" rest "}"

static void parse_fails(const char *text, const char *msg)
{
	json_t *root = load(text);
	struct vx_conf c;
	struct cnet_err err = { 0 };
	int r = vx_conf_parse(root, &c, &err);
	json_decref(root);
	if (r >= 0)
		fail_msg("accepted: %s", text);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, msg);
}

static void test_defaults(void **state)
{
	(void)state;
	json_t *root = load(CONF(",\"vni\":42"));
	struct vx_conf c;
	struct cnet_err err = { 0 };
	assert_int_equal(vx_conf_parse(root, &c, &err), 0);
	assert_int_equal(c.vni, 42);
	assert_int_equal(c.port, 4789);
	assert_true(c.learning);
	assert_int_equal(c.local.family, 0);
	assert_null(c.dev);
	assert_int_equal(c.n_peers, 0);
	assert_string_equal(c.device, "vxlan42");
	assert_string_equal(c.bridge, "vxbr42");
	json_decref(root);
}

static void test_every_key(void **state)
{
	(void)state;
	json_t *root = load(CONF(",\"vni\":16777215,\"port\":8472,\"learning\":false,"
				 "\"local\":\"fd00::1\",\"dev\":\"eth1\","
				 "\"peers\":[\"fd00::2\",\"fd00::3\"]"));
	struct vx_conf c;
	struct cnet_err err = { 0 };
	char buf[IPADDR_STRLEN];
	assert_int_equal(vx_conf_parse(root, &c, &err), 0);
	assert_int_equal(c.vni, 16777215);
	assert_int_equal(c.port, 8472);
	assert_false(c.learning);
	assert_string_equal(ipaddr_format(&c.local, buf), "fd00::1");
	assert_string_equal(c.dev, "eth1");
	assert_int_equal(c.n_peers, 2);
	assert_string_equal(ipaddr_format(&c.peers[1], buf), "fd00::3");
	assert_string_equal(c.device, "vxlan16777215");
	assert_string_equal(c.bridge, "vxbr16777215");
	json_decref(root);
}

static void test_bad(void **state)
{
	(void)state;
	parse_fails(CONF(""), "vni: required (the VXLAN network identifier, 1-16777215)");
	parse_fails(CONF(",\"vni\":null"), "vni: required (the VXLAN network identifier, 1-16777215)");
	parse_fails(CONF(",\"vni\":0"), "vni: 0 is out of range 1..16777215");
	parse_fails(CONF(",\"vni\":16777216"), "vni: 16777216 is out of range 1..16777215");
	parse_fails(CONF(",\"vni\":\"42\""), "vni: expected an integer, got string");
	parse_fails(CONF(",\"vni\":1,\"port\":0"), "port: 0 is out of range 1..65535");
	parse_fails(CONF(",\"vni\":1,\"learning\":1"), "learning: expected a boolean, got integer");
	parse_fails(CONF(",\"vni\":1,\"local\":\"x\""), "local: \"x\" is not an IP address");
	parse_fails(CONF(",\"vni\":1,\"dev\":\"\""), "dev: \"\" is not an interface name");
	parse_fails(CONF(",\"vni\":1,\"peers\":\"192.0.2.2\""), "peers: expected an array, got string");
	parse_fails(CONF(",\"vni\":1,\"peers\":[1]"), "peers[0]: expected a string, got integer");
	parse_fails(CONF(",\"vni\":1,\"peers\":[\"nope\"]"),
		    "peers[0]: \"nope\" is not an IP address");
	parse_fails(CONF(",\"vni\":1,\"peers\":[\"192.0.2.2\",\"fd00::2\"]"),
		    "peers[1]: an IPv6 address, but peers[0] is IPv4");
	parse_fails(CONF(",\"vni\":1,\"local\":\"192.0.2.1\",\"peers\":[\"fd00::2\"]"),
		    "peers[0]: an IPv6 address, but local is IPv4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
