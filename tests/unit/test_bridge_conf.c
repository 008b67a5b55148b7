// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for plugins/bridge/conf.c: br_conf_parse defaults, every key with a good value,
 * and each bad input with its exact message and code.
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

#include "../../plugins/bridge/br_conf.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* {"cniVersion","name","type":"bridge"<rest>} */
#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"mynet\",\"type\":\"bridge\"" rest "}"

/* Parse text into *c; the caller keeps *root (c borrows strings) and clears c->dns. */
static void parse_ok(const char *text, const char *cni_args, struct br_conf *c, json_t **root)
{
	struct cnet_err err = { 0 };
	*root = load(text);
	if (br_conf_parse(*root, cni_args, c, &err) < 0) {
		cni_dns_clear(&c->dns);
		json_decref(*root);
		fail_msg("br_conf_parse failed (%d): %s\nconfig: %s", err.code, err.msg, text);
	}
}

static void done(struct br_conf *c, json_t *root)
{
	cni_dns_clear(&c->dns);
	json_decref(root);
}

static void parse_fails(const char *text, const char *cni_args, int code, const char *msg)
{
	json_t *root = load(text);
	struct br_conf c;
	struct cnet_err err = { 0 };
	int r = br_conf_parse(root, cni_args, &c, &err);
	cni_dns_clear(&c.dns);
	json_decref(root);
	if (r >= 0)
		fail_msg("br_conf_parse accepted %s", text);
	if (strcmp(err.msg, msg) || err.code != code)
		fail_msg("config: %s\n got (%d): %s\nwant (%d): %s", text, err.code, err.msg, code,
			 msg);
}

static void assert_mac(const uint8_t mac[6], const char *want)
{
	char buf[MAC_STRLEN];
	assert_string_equal(mac_format(mac, buf), want);
}

/* Is vid covered by one of c's trunk ranges? */
static bool trunk_has(const struct br_conf *c, unsigned vid)
{
	for (size_t i = 0; i < c->n_trunks; i++)
		if (c->trunks[i].min <= vid && vid <= c->trunks[i].max)
			return true;
	return false;
}

static void test_defaults(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	parse_ok(CONF(""), NULL, &c, &root);
	assert_string_equal(c.bridge, "cni0");
	assert_false(c.is_gateway);
	assert_false(c.is_default_gateway);
	assert_false(c.force_address);
	assert_false(c.hairpin);
	assert_false(c.promisc);
	assert_false(c.enable_dad);
	assert_false(c.disable_container_iface);
	assert_false(c.port_isolation);
	assert_int_equal(c.mtu, 0);
	assert_int_equal(c.vlan, 0);
	assert_int_equal(c.n_trunks, 0);
	assert_false(c.has_mac);
	assert_null(c.ipam_type);
	assert_true(cni_dns_is_empty(&c.dns));
	done(&c, root);

	/* "bridge": "" and null also mean the default; "ipam": {} is layer 2 only */
	parse_ok(CONF(",\"bridge\":\"\",\"ipam\":{}"), NULL, &c, &root);
	assert_string_equal(c.bridge, "cni0");
	assert_null(c.ipam_type);
	done(&c, root);
	parse_ok(CONF(",\"bridge\":null,\"ipam\":null,\"mtu\":null"), NULL, &c, &root);
	assert_string_equal(c.bridge, "cni0");
	done(&c, root);
}

/*
 * The reference's loadNetConf starts from PreserveDefaultVlan: true ("to maintain existing
 * behavior"): VLAN 1 stays on the port unless the config says "preserveDefaultVlan": false.
 */
static void test_default_preserve_default_vlan(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	parse_ok(CONF(",\"vlan\":100,\"preserveDefaultVlan\":false"), NULL, &c, &root);
	assert_false(c.preserve_default_vlan);
	done(&c, root);
	parse_ok(CONF(",\"vlan\":100"), NULL, &c, &root);
	bool preserve = c.preserve_default_vlan;
	done(&c, root);
	assert_true(preserve);
}

static void test_all_keys(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	parse_ok(CONF(",\"bridge\":\"br-test0\",\"isGateway\":true,\"isDefaultGateway\":true,"
		      "\"forceAddress\":true,\"ipMasq\":false,\"ipMasqBackend\":\"nftables\","
		      "\"mtu\":9000,\"hairpinMode\":true,\"promiscMode\":false,\"vlan\":100,"
		      "\"vlanTrunk\":[{\"id\":101},{\"minID\":200,\"maxID\":299}],"
		      "\"preserveDefaultVlan\":true,\"macspoofchk\":false,\"enabledad\":true,"
		      "\"portIsolation\":true,"
		      "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.1.0.0/16\"},"
		      "\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"domain\":\"example.org\","
		      "\"search\":[\"example.org\"],\"options\":[\"ndots:2\"]},"
		      "\"runtimeConfig\":{\"mac\":\"c2:11:22:33:44:55\"},"
		      "\"capabilities\":{\"mac\":true},\"unknownKey\":{\"x\":[1]}"),
		 "IgnoreUnknown=1", &c, &root);
	assert_string_equal(c.bridge, "br-test0");
	assert_true(c.is_gateway);
	assert_true(c.is_default_gateway);
	assert_true(c.force_address);
	assert_true(c.hairpin);
	assert_false(c.promisc);
	assert_int_equal(c.mtu, 9000);
	assert_int_equal(c.vlan, 100);
	assert_int_equal(c.n_trunks, 2);
	assert_int_equal(c.trunks[0].min, 101);
	assert_int_equal(c.trunks[0].max, 101);
	assert_int_equal(c.trunks[1].min, 200);
	assert_int_equal(c.trunks[1].max, 299);
	assert_true(c.preserve_default_vlan);
	assert_true(c.enable_dad);
	assert_true(c.port_isolation);
	assert_false(c.disable_container_iface);
	assert_string_equal(c.ipam_type, "host-local");
	assert_true(c.has_mac);
	assert_mac(c.mac, "c2:11:22:33:44:55");
	assert_int_equal(c.dns.n_nameservers, 1);
	assert_string_equal(c.dns.nameservers[0], "10.1.0.1");
	assert_string_equal(c.dns.domain, "example.org");
	assert_int_equal(c.dns.n_search, 1);
	assert_int_equal(c.dns.n_options, 1);
	done(&c, root);

	/* the keys that need no ipam, and the other values */
	parse_ok(CONF(",\"promiscMode\":true,\"disableContainerInterface\":true,"
		      "\"preserveDefaultVlan\":false,\"ipMasqBackend\":\"iptables\",\"mtu\":65535,"
		      "\"vlan\":4094,\"vlanTrunk\":[{\"id\":1},{\"id\":4094},"
		      "{\"minID\":1,\"maxID\":4094}]"),
		 NULL, &c, &root);
	assert_true(c.promisc);
	assert_false(c.hairpin);
	assert_true(c.disable_container_iface);
	assert_false(c.preserve_default_vlan);
	assert_int_equal(c.mtu, 65535);
	assert_int_equal(c.vlan, 4094);
	assert_int_equal(c.n_trunks, 3);
	assert_int_equal(c.trunks[2].min, 1);
	assert_int_equal(c.trunks[2].max, 4094);
	assert_false(c.has_mac);
	done(&c, root);

	/* a 15-byte bridge name is the longest allowed */
	parse_ok(CONF(",\"bridge\":\"br0123456789abc\""), NULL, &c, &root);
	assert_string_equal(c.bridge, "br0123456789abc");
	done(&c, root);
}

static void test_default_gateway_implies_gateway(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	parse_ok(CONF(",\"isDefaultGateway\":true,\"isGateway\":false"), NULL, &c, &root);
	assert_true(c.is_default_gateway);
	assert_true(c.is_gateway);
	done(&c, root);
	parse_ok(CONF(",\"isGateway\":true"), NULL, &c, &root);
	assert_false(c.is_default_gateway);
	assert_true(c.is_gateway);
	done(&c, root);
}

/* runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC= */
static void test_mac_precedence(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	const char *args = "IgnoreUnknown=1;MAC=c2:00:00:00:00:03";

	parse_ok(CONF(",\"runtimeConfig\":{\"mac\":\"c2:00:00:00:00:01\"},"
		      "\"args\":{\"cni\":{\"mac\":\"c2:00:00:00:00:02\"}}"),
		 args, &c, &root);
	assert_true(c.has_mac);
	assert_mac(c.mac, "c2:00:00:00:00:01");
	done(&c, root);

	parse_ok(CONF(",\"runtimeConfig\":{},\"args\":{\"cni\":{\"mac\":\"C2-00-00-00-00-02\"}}"),
		 args, &c, &root);
	assert_mac(c.mac, "c2:00:00:00:00:02");
	done(&c, root);

	parse_ok(CONF(",\"args\":{\"cni\":{}}"), args, &c, &root);
	assert_true(c.has_mac);
	assert_mac(c.mac, "c2:00:00:00:00:03");
	done(&c, root);

	parse_ok(CONF(""), "IgnoreUnknown=1;K8S_POD_NAME=x", &c, &root);
	assert_false(c.has_mac);
	done(&c, root);
}

static void test_bad_bools(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"isGateway",   "isDefaultGateway", "forceAddress",  "hairpinMode",
		"promiscMode", "enabledad",	   "portIsolation", "disableContainerInterface",
		"preserveDefaultVlan", "ipMasq",   "macspoofchk",
	};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char text[256], msg[128];
		snprintf(text, sizeof(text), CONF(",\"%s\":\"true\""), keys[i]);
		snprintf(msg, sizeof(msg), "%s: expected a boolean, got string", keys[i]);
		parse_fails(text, NULL, CNI_ERR_INVALID_CONFIG, msg);
		snprintf(text, sizeof(text), CONF(",\"%s\":1"), keys[i]);
		snprintf(msg, sizeof(msg), "%s: expected a boolean, got integer", keys[i]);
		parse_fails(text, NULL, CNI_ERR_INVALID_CONFIG, msg);
	}
}

static void test_bad_values(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_CONFIG;

	parse_fails(CONF(",\"bridge\":42"), NULL, E, "bridge: expected a string, got integer");
	parse_fails(CONF(",\"bridge\":\"br0123456789abcd\""), NULL, E,
		    "bridge: \"br0123456789abcd\" is not a valid interface name");
	parse_fails(CONF(",\"bridge\":\"br/0\""), NULL, E,
		    "bridge: \"br/0\" is not a valid interface name");
	parse_fails(CONF(",\"mtu\":-1"), NULL, E, "mtu: -1 is out of range 0..65535");
	parse_fails(CONF(",\"mtu\":65536"), NULL, E, "mtu: 65536 is out of range 0..65535");
	parse_fails(CONF(",\"mtu\":\"1500\""), NULL, E, "mtu: expected an integer, got string");
	parse_fails(CONF(",\"mtu\":1500.5"), NULL, E, "mtu: expected an integer, got number");
	parse_fails(CONF(",\"vlan\":4095"), NULL, E, "vlan: 4095 is out of range 0..4094");
	parse_fails(CONF(",\"vlan\":-1"), NULL, E, "vlan: -1 is out of range 0..4094");
	parse_fails(CONF(",\"vlan\":\"100\""), NULL, E, "vlan: expected an integer, got string");
	/* vlanTrunk */
	parse_fails(CONF(",\"vlanTrunk\":{\"id\":5}"), NULL, E,
		    "vlanTrunk: expected an array, got object");
	parse_fails(CONF(",\"vlanTrunk\":[5]"), NULL, E,
		    "vlanTrunk[0]: expected an object, got integer");
	parse_fails(CONF(",\"vlanTrunk\":[{\"id\":0}]"), NULL, E,
		    "vlanTrunk[0].id: 0 is out of range 1..4094");
	parse_fails(CONF(",\"vlanTrunk\":[{\"id\":7},{\"id\":4095}]"), NULL, E,
		    "vlanTrunk[1].id: 4095 is out of range 1..4094");
	parse_fails(CONF(",\"vlanTrunk\":[{\"minID\":0,\"maxID\":10}]"), NULL, E,
		    "vlanTrunk[0].minID: 0 is out of range 1..4094");
	parse_fails(CONF(",\"vlanTrunk\":[{\"minID\":10,\"maxID\":4095}]"), NULL, E,
		    "vlanTrunk[0].maxID: 4095 is out of range 1..4094");
	parse_fails(CONF(",\"vlanTrunk\":[{\"minID\":300,\"maxID\":200}]"), NULL, E,
		    "vlanTrunk[0]: minID 300 is greater than maxID 200");
	parse_fails(CONF(",\"vlanTrunk\":[{\"minID\":300}]"), NULL, E,
		    "vlanTrunk[0]: minID and maxID must be given together");
	parse_fails(CONF(",\"vlanTrunk\":[{\"maxID\":300}]"), NULL, E,
		    "vlanTrunk[0]: minID and maxID must be given together");
	parse_fails(CONF(",\"vlanTrunk\":[{\"id\":\"5\"}]"), NULL, E,
		    "vlanTrunk[0].id: expected an integer, got string");
	/* combinations */
	parse_fails(CONF(",\"hairpinMode\":true,\"promiscMode\":true"), NULL, E,
		    "hairpinMode and promiscMode cannot both be true");
	parse_fails(CONF(",\"disableContainerInterface\":true,\"ipam\":{\"type\":\"host-local\"}"),
		    NULL, E, "disableContainerInterface: cannot be true when ipam is set");
	/* ipam */
	parse_fails(CONF(",\"ipam\":\"host-local\""), NULL, E,
		    "ipam: expected an object, got string");
	parse_fails(CONF(",\"ipam\":{\"type\":7}"), NULL, E,
		    "ipam.type: expected a string, got integer");
	parse_fails(CONF(",\"ipam\":{\"type\":\"../../bin/sh\"}"), NULL, E,
		    "ipam.type: \"../../bin/sh\" is not a plugin name");
	/* dns */
	parse_fails(CONF(",\"dns\":[]"), NULL, E, "dns: expected an object, got array");
	parse_fails(CONF(",\"dns\":{\"nameservers\":\"10.0.0.1\"}"), NULL, E,
		    "dns.nameservers: expected an array, got string");
	parse_fails(CONF(",\"dns\":{\"nameservers\":[\"10.0.0.1\"]},\"hairpinMode\":true,"
			 "\"promiscMode\":true"),
		    NULL, E, "hairpinMode and promiscMode cannot both be true");
}

/* The keys cnet implements with nftables: ipMasq, ipMasqBackend, macspoofchk. */
static void test_nft_keys(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;

	parse_ok(CONF(",\"ipMasq\":true,\"ipMasqBackend\":\"nftables\""), NULL, &c, &root);
	assert_true(c.ip_masq);
	done(&c, root);
	parse_fails(CONF(",\"ipMasq\":1"), NULL, CNI_ERR_INVALID_CONFIG,
		    "ipMasq: expected a boolean, got integer");
	parse_ok(CONF(",\"macspoofchk\":true"), NULL, &c, &root);
	assert_true(c.mac_spoof_chk);
	assert_false(c.ip_masq);
	done(&c, root);
	parse_ok(CONF(",\"ipMasq\":false,\"macspoofchk\":false"), NULL, &c, &root);
	assert_false(c.ip_masq);
	assert_false(c.mac_spoof_chk);
	done(&c, root);
	parse_ok(CONF(""), NULL, &c, &root);
	assert_false(c.mac_spoof_chk);   /* the default */
	done(&c, root);

	parse_fails(CONF(",\"ipMasqBackend\":\"foo\""), NULL, CNI_ERR_INVALID_CONFIG,
		    "ipMasqBackend: \"foo\" is not \"iptables\" or \"nftables\"");
	parse_fails(CONF(",\"ipMasqBackend\":\"\""), NULL, CNI_ERR_INVALID_CONFIG,
		    "ipMasqBackend: \"\" is not \"iptables\" or \"nftables\"");
	parse_fails(CONF(",\"ipMasqBackend\":1"), NULL, CNI_ERR_INVALID_CONFIG,
		    "ipMasqBackend: expected a string, got integer");
}

static void test_bad_mac(void **state)
{
	(void)state;
	parse_fails(CONF(",\"runtimeConfig\":{\"mac\":\"zz:11:22:33:44:55\"}"), NULL,
		    CNI_ERR_INVALID_CONFIG,
		    "runtimeConfig.mac: \"zz:11:22:33:44:55\" is not a MAC address");
	parse_fails(CONF(",\"runtimeConfig\":{\"mac\":42}"), NULL, CNI_ERR_INVALID_CONFIG,
		    "runtimeConfig.mac: expected a string, got integer");
	parse_fails(CONF(",\"runtimeConfig\":[]"), NULL, CNI_ERR_INVALID_CONFIG,
		    "runtimeConfig: expected an object, got array");
	parse_fails(CONF(",\"args\":{\"cni\":{\"mac\":\"c2:11:22:33:44\"}}"), NULL,
		    CNI_ERR_INVALID_CONFIG,
		    "args.cni.mac: \"c2:11:22:33:44\" is not a MAC address");
	parse_fails(CONF(",\"args\":{\"cni\":\"x\"}"), NULL, CNI_ERR_INVALID_CONFIG,
		    "args.cni: expected an object, got string");
	parse_fails(CONF(""), "IgnoreUnknown=1;MAC=nonsense", CNI_ERR_INVALID_ENV,
		    "CNI_ARGS MAC: \"nonsense\" is not a MAC address");
	parse_fails(CONF(""), "MAC", CNI_ERR_INVALID_ENV, "CNI_ARGS: \"MAC\" is not KEY=VALUE");
}

/*
 * vlanTrunk entries as the reference's collectVlanTrunk reads them: "id" and "minID"/"maxID"
 * in one entry both count, and an entry with only one of minID/maxID is an error even when
 * it also has an "id".
 */
static void test_trunk_id_and_range(void **state)
{
	(void)state;
	struct br_conf c;
	json_t *root;
	parse_ok(CONF(",\"vlanTrunk\":[{\"id\":5,\"minID\":10,\"maxID\":20}]"), NULL, &c, &root);
	char got[4096] = "";   /* the covered VLANs of 1..25, to compare as one string */
	for (unsigned v = 1; v <= 25; v++)
		if (trunk_has(&c, v))
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u ", v);
	done(&c, root);
	assert_string_equal(got, "5 10 11 12 13 14 15 16 17 18 19 20 ");

	json_t *o = load(CONF(",\"vlanTrunk\":[{\"id\":5,\"minID\":10}]"));
	struct cnet_err err = { 0 };
	int r = br_conf_parse(o, NULL, &c, &err);
	cni_dns_clear(&c.dns);
	json_decref(o);
	assert_true(r < 0);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_non_null(strstr(err.msg, "vlanTrunk[0]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_preserve_default_vlan),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_default_gateway_implies_gateway),
		cmocka_unit_test(test_mac_precedence),
		cmocka_unit_test(test_bad_bools),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_nft_keys),
		cmocka_unit_test(test_bad_mac),
		cmocka_unit_test(test_trunk_id_and_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
