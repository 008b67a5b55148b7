// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for plugins/macvlan/conf.c: mv_conf_parse defaults, every key with a good value,
 * the MAC's precedence, and each bad input with its exact message and code.
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

#include "../../plugins/macvlan/mv_conf.h"
#include "nl.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* {"cniVersion","name","type":"macvlan"<rest>} */
#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"mynet\",\"type\":\"macvlan\"" rest "}"

/* Parse text into *c; the caller keeps *root (c borrows strings) and calls done(). */
static void parse_ok(const char *text, const char *cni_args, struct mv_conf *c, json_t **root)
{
	struct cnet_err err = { 0 };
	*root = load(text);
	if (mv_conf_parse(*root, cni_args, c, &err) < 0) {
		cni_dns_clear(&c->dns);
		json_decref(*root);
		fail_msg("mv_conf_parse failed (%d): %s\nconfig: %s", err.code, err.msg, text);
	}
}

static void done(struct mv_conf *c, json_t *root)
{
	cni_dns_clear(&c->dns);
	json_decref(root);
}

static void parse_fails(const char *text, const char *cni_args, int code, const char *msg)
{
	json_t *root = load(text);
	struct mv_conf c;
	struct cnet_err err = { 0 };
	int r = mv_conf_parse(root, cni_args, &c, &err);
	cni_dns_clear(&c.dns);
	json_decref(root);
	if (r >= 0)
		fail_msg("mv_conf_parse accepted %s", text);
	if (strcmp(err.msg, msg) || err.code != code)
		fail_msg("config: %s\n got (%d): %s\nwant (%d): %s", text, err.code, err.msg, code,
			 msg);
}

static void assert_mac(const uint8_t mac[6], const char *want)
{
	char buf[MAC_STRLEN];
	assert_string_equal(mac_format(mac, buf), want);
}

static void test_macvlan_defaults(void **state)
{
	(void)state;
	struct mv_conf c;
	json_t *root;
	parse_ok(CONF(""), NULL, &c, &root);
	assert_null(c.master);
	assert_int_equal(c.mode, CNET_MACVLAN_BRIDGE);
	assert_int_equal(c.mtu, 0);
	assert_int_equal(c.bcqueuelen, 0);
	assert_false(c.link_in_container);
	assert_false(c.has_mac);
	assert_null(c.ipam_type);
	assert_true(cni_dns_is_empty(&c.dns));
	done(&c, root);

	/* "" means "not set", for master, mode and ipam.type alike (as the reference) */
	parse_ok(CONF(",\"master\":\"\",\"mode\":\"\",\"ipam\":{\"type\":\"\"}"), NULL, &c, &root);
	assert_null(c.master);
	assert_int_equal(c.mode, CNET_MACVLAN_BRIDGE);
	assert_null(c.ipam_type);
	done(&c, root);

	/* JSON null is "not set" too */
	parse_ok(CONF(",\"master\":null,\"mtu\":null,\"ipam\":{}"), NULL, &c, &root);
	assert_null(c.master);
	assert_int_equal(c.mtu, 0);
	done(&c, root);
}

static void test_macvlan_every_key(void **state)
{
	(void)state;
	struct mv_conf c;
	json_t *root;
	parse_ok(CONF(",\"master\":\"eth0123456789ab\",\"mode\":\"passthru\",\"mtu\":9000,"
		      "\"bcqueuelen\":4294967295,\"linkInContainer\":true,"
		      "\"mac\":\"02:11:22:33:44:55\",\"ipam\":{\"type\":\"host-local\"},"
		      "\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"domain\":\"example.org\"}"),
		 NULL, &c, &root);
	assert_string_equal(c.master, "eth0123456789ab");
	assert_int_equal(c.mode, CNET_MACVLAN_PASSTHRU);
	assert_int_equal(c.mtu, 9000);
	assert_int_equal(c.bcqueuelen, 4294967295u);
	assert_true(c.link_in_container);
	assert_true(c.has_mac);
	assert_mac(c.mac, "02:11:22:33:44:55");
	assert_string_equal(c.ipam_type, "host-local");
	assert_int_equal(c.dns.n_nameservers, 1);
	assert_string_equal(c.dns.domain, "example.org");
	done(&c, root);

	const struct {
		const char *name;
		uint32_t mode;
	} modes[] = {
		{ "bridge", CNET_MACVLAN_BRIDGE },
		{ "private", CNET_MACVLAN_PRIVATE },
		{ "vepa", CNET_MACVLAN_VEPA },
		{ "passthru", CNET_MACVLAN_PASSTHRU },
	};
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		char text[256];
		snprintf(text, sizeof(text), CONF(",\"mode\":\"%s\""), modes[i].name);
		parse_ok(text, NULL, &c, &root);
		assert_int_equal(c.mode, modes[i].mode);
		assert_string_equal(mv_mode_name(c.mode), modes[i].name);
		done(&c, root);
	}

	/* the MTU bounds: 0 (the master's), 68, 65535 */
	parse_ok(CONF(",\"mtu\":68"), NULL, &c, &root);
	assert_int_equal(c.mtu, 68);
	done(&c, root);
	parse_ok(CONF(",\"mtu\":65535"), NULL, &c, &root);
	assert_int_equal(c.mtu, 65535);
	done(&c, root);
}

static void test_macvlan_mode_names(void **state)
{
	(void)state;
	uint32_t mode = 0;
	assert_int_equal(mv_mode_parse(NULL, &mode), 0);
	assert_int_equal(mode, CNET_MACVLAN_BRIDGE);
	assert_int_equal(mv_mode_parse("vepa", &mode), 0);
	assert_int_equal(mode, CNET_MACVLAN_VEPA);
	assert_int_equal(mv_mode_parse("Bridge", &mode), -EINVAL);
	assert_int_equal(mv_mode_parse("source", &mode), -EINVAL);
	assert_string_equal(mv_mode_name(16), "unknown");
	assert_string_equal(mv_mode_name(0), "unknown");
}

/* runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC= > "mac" */
static void test_macvlan_mac_precedence(void **state)
{
	(void)state;
	struct mv_conf c;
	json_t *root;
	const char *all = CONF(",\"mac\":\"02:00:00:00:00:04\","
			       "\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\"}},"
			       "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:01\"}");
	parse_ok(all, "IgnoreUnknown=1;MAC=02:00:00:00:00:03", &c, &root);
	assert_mac(c.mac, "02:00:00:00:00:01");
	done(&c, root);

	parse_ok(CONF(",\"mac\":\"02:00:00:00:00:04\","
		      "\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\"}}"),
		 "MAC=02:00:00:00:00:03", &c, &root);
	assert_mac(c.mac, "02:00:00:00:00:02");
	done(&c, root);

	parse_ok(CONF(",\"mac\":\"02:00:00:00:00:04\",\"runtimeConfig\":{}"),
		 "IgnoreUnknown=1;MAC=02:00:00:00:00:03", &c, &root);
	assert_mac(c.mac, "02:00:00:00:00:03");
	done(&c, root);

	parse_ok(CONF(",\"mac\":\"02:00:00:00:00:04\""), "IgnoreUnknown=1", &c, &root);
	assert_true(c.has_mac);
	assert_mac(c.mac, "02:00:00:00:00:04");
	done(&c, root);

	/* upper case and '-' separators parse too */
	parse_ok(CONF(",\"runtimeConfig\":{\"mac\":\"0A-BB-CC-DD-EE-FF\"}"), NULL, &c, &root);
	assert_mac(c.mac, "0a:bb:cc:dd:ee:ff");
	done(&c, root);
}

static void test_macvlan_bad_input(void **state)
{
	(void)state;
	const struct {
		const char *conf;
		const char *cni_args;
		int code;
		const char *msg;
	} cases[] = {
		{ CONF(",\"master\":1"), NULL, 7, "master: expected a string, got integer" },
		{ CONF(",\"master\":\"eth0/1\""), NULL, 7,
		  "master: \"eth0/1\" is not a valid interface name" },
		{ CONF(",\"master\":\"eth0123456789abc\""), NULL, 7,
		  "master: \"eth0123456789abc\" is not a valid interface name" },
		{ CONF(",\"linkInContainer\":\"yes\""), NULL, 7,
		  "linkInContainer: expected a boolean, got string" },
		{ CONF(",\"mode\":\"bridged\""), NULL, 7,
		  "mode: \"bridged\" is not one of \"bridge\", \"private\", \"vepa\", "
		  "\"passthru\"" },
		{ CONF(",\"mode\":\"source\""), NULL, 7,
		  "mode: \"source\" is not one of \"bridge\", \"private\", \"vepa\", "
		  "\"passthru\"" },
		{ CONF(",\"mode\":4"), NULL, 7, "mode: expected a string, got integer" },
		{ CONF(",\"mtu\":\"1500\""), NULL, 7, "mtu: expected an integer, got string" },
		{ CONF(",\"mtu\":1500.5"), NULL, 7, "mtu: expected an integer, got number" },
		{ CONF(",\"mtu\":-1"), NULL, 7, "mtu: -1 is out of range 0..65535" },
		{ CONF(",\"mtu\":65536"), NULL, 7, "mtu: 65536 is out of range 0..65535" },
		{ CONF(",\"mtu\":67"), NULL, 7,
		  "mtu: 67 is below the minimum of 68 (0 = the master's MTU)" },
		{ CONF(",\"bcqueuelen\":-1"), NULL, 7,
		  "bcqueuelen: -1 is out of range 0..4294967295" },
		{ CONF(",\"bcqueuelen\":true"), NULL, 7,
		  "bcqueuelen: expected an integer, got boolean" },
		{ CONF(",\"mac\":\"02:00:00:00:00\""), NULL, 7,
		  "mac: \"02:00:00:00:00\" is not a MAC address" },
		{ CONF(",\"mac\":\"01:00:5e:00:00:01\""), NULL, 7,
		  "mac: 01:00:5e:00:00:01 is a multicast address" },
		{ CONF(",\"mac\":\"00:00:00:00:00:00\""), NULL, 7,
		  "mac: 00:00:00:00:00:00 is not a usable address" },
		{ CONF(",\"mac\":5"), NULL, 7, "mac: expected a string, got integer" },
		{ CONF(",\"runtimeConfig\":{\"mac\":\"zz\"}"), NULL, 7,
		  "runtimeConfig.mac: \"zz\" is not a MAC address" },
		{ CONF(",\"runtimeConfig\":{\"mac\":\"ff:ff:ff:ff:ff:ff\"}"), NULL, 7,
		  "runtimeConfig.mac: ff:ff:ff:ff:ff:ff is a multicast address" },
		{ CONF(",\"runtimeConfig\":[]"), NULL, 7,
		  "runtimeConfig: expected an object, got array" },
		{ CONF(",\"args\":{\"cni\":{\"mac\":\"03:00:00:00:00:01\"}}"), NULL, 7,
		  "args.cni.mac: 03:00:00:00:00:01 is a multicast address" },
		{ CONF(",\"args\":{\"cni\":\"x\"}"), NULL, 7,
		  "args.cni: expected an object, got string" },
		{ CONF(""), "MAC=nope", 4, "CNI_ARGS MAC: \"nope\" is not a MAC address" },
		{ CONF(""), "MAC=01:02:03:04:05:06", 4,
		  "CNI_ARGS MAC: 01:02:03:04:05:06 is a multicast address" },
		{ CONF(""), "IgnoreUnknown", 4, "CNI_ARGS: \"IgnoreUnknown\" is not KEY=VALUE" },
		{ CONF(",\"ipam\":\"host-local\""), NULL, 7, "ipam: expected an object, got string" },
		{ CONF(",\"ipam\":{\"type\":\"../x\"}"), NULL, 7,
		  "ipam.type: \"../x\" is not a plugin name" },
		{ CONF(",\"dns\":{\"nameservers\":\"10.1.0.1\"}"), NULL, 7,
		  "dns.nameservers: expected an array, got string" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		parse_fails(cases[i].conf, cases[i].cni_args, cases[i].code, cases[i].msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macvlan_defaults),
		cmocka_unit_test(test_macvlan_every_key),
		cmocka_unit_test(test_macvlan_mode_names),
		cmocka_unit_test(test_macvlan_mac_precedence),
		cmocka_unit_test(test_macvlan_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
