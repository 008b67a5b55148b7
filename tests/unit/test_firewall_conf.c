// SPDX-License-Identifier: Apache-2.0
/* firewall's config parser and prevResult reading (plugins/firewall/conf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../plugins/firewall/fw_conf.h"

#define CONF(rest) "{\"cniVersion\":\"0.4.0\",\"name\":\"fn\",\"type\":\"firewall\"" rest "}"

static struct fw_conf conf;

static void parse_ok(const char *text)
{
	struct cnet_err err = { 0 };
	json_t *root = load(text);
	if (fw_conf_parse(root, &conf, &err) < 0)
		fail_msg("fw_conf_parse: %s", err.msg);
	json_decref(root);
}

static void parse_fails(const char *text, int code, const char *msg)
{
	struct cnet_err err = { 0 };
	json_t *root = load(text);
	assert_true(fw_conf_parse(root, &conf, &err) < 0);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	json_decref(root);
}

static void test_defaults(void **state)
{
	(void)state;
	parse_ok(CONF(""));
	assert_string_equal(conf.admin_chain, "CNI-ADMIN");
	assert_int_equal(conf.policy, FW_OPEN);
	parse_ok(CONF(",\"backend\":\"iptables\",\"ingressPolicy\":\"open\",\"firewalldZone\":\"x\""));
	assert_int_equal(conf.policy, FW_OPEN);
	parse_ok(CONF(",\"backend\":\"nftables\",\"ingressPolicy\":\"\",\"iptablesAdminChainName\":\"\""));
	assert_string_equal(conf.admin_chain, "CNI-ADMIN");
}

static void test_keys(void **state)
{
	(void)state;
	parse_ok(CONF(",\"ingressPolicy\":\"same-bridge\",\"iptablesAdminChainName\":\"MY-ADMIN\""));
	assert_int_equal(conf.policy, FW_SAME_BRIDGE);
	assert_string_equal(conf.admin_chain, "MY-ADMIN");
	parse_ok(CONF(",\"ingressPolicy\":\"isolated\""));
	assert_int_equal(conf.policy, FW_ISOLATED);
	parse_ok(CONF(",\"iptablesAdminChainName\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ01\"")); /* 28 */
}

static void test_bad(void **state)
{
	(void)state;
	parse_fails(CONF(",\"backend\":\"firewalld\""), CNI_ERR_UNSUPPORTED_FIELD,
		    "backend: \"firewalld\" is not supported by cnet's firewall (use \"iptables\" "
		    "or leave it out)");
	parse_fails(CONF(",\"backend\":\"ufw\""), CNI_ERR_INVALID_CONFIG,
		    "backend: \"ufw\" is not \"iptables\", \"nftables\" or \"firewalld\"");
	parse_fails(CONF(",\"backend\":[]"), CNI_ERR_INVALID_CONFIG,
		    "backend: expected a string, got array");
	parse_fails(CONF(",\"firewalldZone\":1"), CNI_ERR_INVALID_CONFIG,
		    "firewalldZone: expected a string, got integer");
	parse_fails(CONF(",\"ingressPolicy\":\"deny\""), CNI_ERR_INVALID_CONFIG,
		    "ingressPolicy: \"deny\" is not \"open\", \"same-bridge\" or \"isolated\"");
	parse_fails(CONF(",\"ingressPolicy\":{}"), CNI_ERR_INVALID_CONFIG,
		    "ingressPolicy: expected a string, got object");
	parse_fails(CONF(",\"iptablesAdminChainName\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ012\""),
		    CNI_ERR_INVALID_CONFIG,
		    "iptablesAdminChainName: \"ABCDEFGHIJKLMNOPQRSTUVWXYZ012\" is not a valid "
		    "iptables chain name (at most 28 characters, no blanks or quotes)");
	parse_fails(CONF(",\"iptablesAdminChainName\":\"MY ADMIN\""), CNI_ERR_INVALID_CONFIG,
		    "iptablesAdminChainName: \"MY ADMIN\" is not a valid iptables chain name (at "
		    "most 28 characters, no blanks or quotes)");
	parse_fails(CONF(",\"iptablesAdminChainName\":\"CNI-FORWARD\""), CNI_ERR_INVALID_CONFIG,
		    "iptablesAdminChainName: \"CNI-FORWARD\" is a chain the plugin itself uses");
	parse_fails("{\"cniVersion\":\"0.4.0\",\"type\":\"firewall\"}", CNI_ERR_INVALID_CONFIG,
		    "name: missing required key");
}

static struct cni_result *result(const char *text)
{
	struct cnet_err err = { 0 };
	json_t *o = load(text);
	struct cni_result *r = cni_result_parse(o, "prevResult", &err);
	json_decref(o);
	if (!r)
		fail_msg("cni_result_parse: %s", err.msg);
	return r;
}

#define BRIDGE_RESULT                                                                        \
	"{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"br0\"},{\"name\":\"veth1\"},"   \
	"{\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}],\"ips\":[{\"interface\":2,"        \
	"\"address\":\"10.1.0.5/24\"},{\"interface\":2,\"address\":\"fd00::5/64\"}]}"

static void test_attachment(void **state)
{
	(void)state;
	struct fw_attachment at;
	struct cnet_err err = { 0 };
	struct cni_result *r = result(BRIDGE_RESULT);
	parse_ok(CONF(",\"ingressPolicy\":\"isolated\""));
	assert_int_equal(fw_attachment_from_result(r, &conf, &at, &err), 0);
	assert_string_equal(at.bridge, "br0");
	assert_int_equal(at.n_ports, 1);
	assert_string_equal(at.ports[0], "veth1");
	assert_int_equal(at.n_ips, 2);
	char buf[IPADDR_STRLEN];
	assert_string_equal(ipaddr_format(&at.ips[0], buf), "10.1.0.5");
	assert_string_equal(ipaddr_format(&at.ips[1], buf), "fd00::5");
	cni_result_free(r);

	/* macvlan-like: only the container interface; fine while the policy is open */
	r = result("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":"
		   "\"/x\"}],\"ips\":[{\"interface\":0,\"address\":\"10.1.0.5/24\"}]}");
	parse_ok(CONF(""));
	assert_int_equal(fw_attachment_from_result(r, &conf, &at, &err), 0);
	parse_ok(CONF(",\"ingressPolicy\":\"isolated\""));
	assert_true(fw_attachment_from_result(r, &conf, &at, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, "prevResult.interfaces: ingressPolicy \"isolated\" needs the "
				     "container's host-side interface (a bridge port)");
	cni_result_free(r);

	r = result("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}]}");
	parse_ok(CONF(",\"ingressPolicy\":\"same-bridge\""));
	assert_true(fw_attachment_from_result(r, &conf, &at, &err) < 0);
	assert_string_equal(err.msg, "prevResult.interfaces: ingressPolicy \"same-bridge\" needs "
				     "the bridge as the first interface: chain \"firewall\" after "
				     "\"bridge\"");
	cni_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_attachment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
