// SPDX-License-Identifier: Apache-2.0
/* portmap's config parser (plugins/portmap/conf.c): every key, good and bad. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../plugins/portmap/pm_conf.h"

#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"pn\",\"type\":\"portmap\"" rest "}"
#define RC(maps) ",\"runtimeConfig\":{\"portMappings\":[" maps "]}"

static struct pm_conf conf;

static void parse_ok(const char *text)
{
	struct cnet_err err = { 0 };
	json_t *root = load(text);
	if (pm_conf_parse(root, &conf, &err) < 0)
		fail_msg("pm_conf_parse: %s", err.msg);
	json_decref(root);   /* pm_conf keeps only the name, unused below */
}

static void parse_fails(const char *text, int code, const char *msg)
{
	struct cnet_err err = { 0 };
	json_t *root = load(text);
	assert_true(pm_conf_parse(root, &conf, &err) < 0);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	json_decref(root);
}

static void test_defaults(void **state)
{
	(void)state;
	parse_ok(CONF(""));
	assert_true(conf.snat);
	assert_false(conf.masq_all);
	assert_false(conf.has_mappings);
	assert_int_equal(conf.n_mappings, 0);
	parse_ok(CONF(",\"runtimeConfig\":{\"portMappings\":[]}"));
	assert_true(conf.has_mappings);
	assert_int_equal(conf.n_mappings, 0);
}

static void test_mappings(void **state)
{
	(void)state;
	parse_ok(CONF(RC("{\"hostPort\":8080,\"containerPort\":80},"
			 "{\"hostPort\":53,\"containerPort\":5353,\"protocol\":\"UDP\",\"hostIP\":\"10.1.0.1\"},"
			 "{\"hostPort\":9,\"containerPort\":9,\"protocol\":\"sctp\",\"hostIP\":\"\"},"
			 "{\"hostPort\":443,\"containerPort\":8443,\"hostIP\":\"fd00::1\"}")
		      ",\"snat\":false,\"masqAll\":true,\"markMasqBit\":13,\"backend\":\"iptables\""));
	assert_int_equal(conf.n_mappings, 4);
	assert_false(conf.snat);
	assert_true(conf.masq_all);
	assert_int_equal(conf.mappings[0].host_port, 8080);
	assert_int_equal(conf.mappings[0].container_port, 80);
	assert_int_equal(conf.mappings[0].proto, IPPROTO_TCP);
	assert_int_equal(conf.mappings[0].host_ip.family, 0);
	assert_int_equal(conf.mappings[1].proto, IPPROTO_UDP);
	assert_int_equal(conf.mappings[1].host_ip.family, AF_INET);
	assert_int_equal(conf.mappings[2].proto, IPPROTO_SCTP);
	assert_int_equal(conf.mappings[2].host_ip.family, 0);
	assert_int_equal(conf.mappings[3].host_ip.family, AF_INET6);
	assert_string_equal(pm_proto_name(IPPROTO_SCTP), "sctp");
}

static void test_bad(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_CONFIG, U = CNI_ERR_UNSUPPORTED_FIELD;
	parse_fails(CONF(RC("{\"hostPort\":0,\"containerPort\":80}")), E,
		    "runtimeConfig.portMappings[0].hostPort: 0 is out of range 1..65535");
	parse_fails(CONF(RC("{\"hostPort\":80,\"containerPort\":65536}")), E,
		    "runtimeConfig.portMappings[0].containerPort: 65536 is out of range 1..65535");
	parse_fails(CONF(RC("{\"hostPort\":\"80\",\"containerPort\":80}")), E,
		    "runtimeConfig.portMappings[0].hostPort: expected an integer, got string");
	parse_fails(CONF(RC("{\"containerPort\":80}")), E,
		    "runtimeConfig.portMappings[0]: hostPort and containerPort are required");
	parse_fails(CONF(RC("{\"hostPort\":1,\"containerPort\":1,\"protocol\":\"icmp\"}")), E,
		    "runtimeConfig.portMappings[0].protocol: \"icmp\" is not tcp, udp or sctp");
	parse_fails(CONF(RC("{\"hostPort\":1,\"containerPort\":1},"
			    "{\"hostPort\":1,\"containerPort\":1,\"hostIP\":\"nope\"}")), E,
		    "runtimeConfig.portMappings[1].hostIP: \"nope\" is not an IP address");
	parse_fails(CONF(RC("7")), E,
		    "runtimeConfig.portMappings[0]: expected an object, got integer");
	parse_fails(CONF(",\"snat\":\"yes\""), E, "snat: expected a boolean, got string");
	parse_fails(CONF(",\"markMasqBit\":32"), E, "markMasqBit: 32 is out of range 0..31");
	parse_fails(CONF(",\"backend\":\"pf\""), E,
		    "backend: \"pf\" is not \"iptables\" or \"nftables\"");
	parse_fails(CONF(",\"conditionsV4\":[\"-s\",\"1.2.3.4\"]"), U,
		    "conditionsV4: extra match conditions are not supported by cnet's portmap "
		    "(its rules are shared by every container)");
	parse_fails(CONF(",\"externalSetMarkChain\":\"KUBE-MARK-MASQ\""), U,
		    "externalSetMarkChain: \"KUBE-MARK-MASQ\": an iptables chain cannot be used "
		    "from cnet's nftables rules");
	parse_ok(CONF(",\"conditionsV4\":[],\"externalSetMarkChain\":\"\""));
}

static void test_container_from_result(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	json_t *o = load("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"br0\"},"
			 "{\"name\":\"veth1\"},{\"name\":\"eth1\",\"sandbox\":\"/x\"},"
			 "{\"name\":\"eth0\",\"sandbox\":\"/x\"}],\"ips\":["
			 "{\"address\":\"10.9.0.5/24\",\"interface\":2},"
			 "{\"address\":\"10.8.0.5/16\",\"interface\":3},"
			 "{\"address\":\"10.7.0.5/16\",\"interface\":3},"
			 "{\"address\":\"fd00::5/64\",\"interface\":3}]}");
	struct cni_result *r = cni_result_parse(o, "prevResult", &err);
	assert_non_null(r);
	struct pm_container c;
	char buf[IPNET_STRLEN];
	pm_container_from_result(r, "eth0", &c);
	assert_string_equal(ipnet_format(&c.v4, buf), "10.8.0.5/16");
	assert_string_equal(ipnet_format(&c.v6, buf), "fd00::5/64");
	assert_string_equal(c.host_iface, "br0");
	pm_container_from_result(r, "eth9", &c);
	assert_int_equal(c.v4.addr.family, 0);
	assert_int_equal(c.v6.addr.family, 0);
	cni_result_free(r);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_container_from_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
