// SPDX-License-Identifier: Apache-2.0
/* tuning's pure parts: the config parser (every key, precedence, sysctl names, the allowlist)
 * and the state file's encoding (plugins/tuning/conf.c, state.c, apply.c's snapshot). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../plugins/tuning/tn_apply.h"
#include "../../plugins/tuning/tn_conf.h"
#include "../../plugins/tuning/tn_state.h"

#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"tn\",\"type\":\"tuning\"" rest "}"

static struct tn_conf conf;
static json_t *root;   /* conf borrows its strings: freed by the next parse or teardown */

static int parse_env(const char *text, const char *cni_args, const char *ifname,
		     struct cnet_err *err)
{
	json_decref(root);
	root = load(text);
	return tn_conf_parse(root, cni_args, ifname, &conf, err);
}

static void parse_ok(const char *text, const char *cni_args)
{
	struct cnet_err err = { 0 };
	if (parse_env(text, cni_args, "eth0", &err) < 0)
		fail_msg("tn_conf_parse: %s", err.msg);
}

static void parse_fails(const char *text, const char *cni_args, int code, const char *msg)
{
	struct cnet_err err = { 0 };
	assert_true(parse_env(text, cni_args, "eth0", &err) < 0);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, code);
}

static int teardown(void **state)
{
	(void)state;
	json_decref(root);
	root = NULL;
	return 0;
}

static void test_defaults(void **state)
{
	(void)state;
	parse_ok(CONF(""), NULL);
	assert_string_equal(conf.data_dir, "/run/cni/tuning");
	assert_int_equal(conf.n_sysctls, 0);
	assert_false(conf.has_mac);
	assert_int_equal(conf.mtu, 0);
	assert_false(conf.promisc);
	assert_false(conf.promisc_given);
	assert_int_equal(conf.allmulti, -1);
	assert_int_equal(conf.txqlen, -1);
	assert_false(tn_conf_has_link_changes(&conf));
	/* "" and 0 mean "not set", as the reference's omitempty fields */
	parse_ok(CONF(",\"mac\":\"\",\"mtu\":0,\"dataDir\":\"\",\"sysctl\":null,\"allmulti\":null"),
		 "");
	assert_string_equal(conf.data_dir, "/run/cni/tuning");
	assert_false(tn_conf_has_link_changes(&conf));
	/* promisc false is "leave it", but CHECK knows it was said */
	parse_ok(CONF(",\"promisc\":false"), NULL);
	assert_false(tn_conf_has_link_changes(&conf));
	assert_true(conf.promisc_given);
}

static void test_all_keys(void **state)
{
	(void)state;
	parse_ok(CONF(",\"dataDir\":\"/tmp/tn\",\"mac\":\"C2:11:22:33:44:55\",\"mtu\":1400,"
		      "\"promisc\":true,\"allmulti\":false,\"txQLen\":0,\"sysctl\":{"
		      "\"net.ipv4.conf.IFNAME.forwarding\":\"1\",\"net/core/somaxconn\":\"500\"}"),
		 NULL);
	assert_string_equal(conf.data_dir, "/tmp/tn");
	assert_true(conf.has_mac);
	assert_memory_equal(conf.mac, "\xc2\x11\x22\x33\x44\x55", 6);
	assert_string_equal(conf.mac_str, "C2:11:22:33:44:55");   /* printed as given */
	assert_int_equal(conf.mtu, 1400);
	assert_true(conf.promisc);
	assert_int_equal(conf.allmulti, 0);
	assert_int_equal(conf.txqlen, 0);
	assert_true(tn_conf_has_link_changes(&conf));
	assert_int_equal(conf.n_sysctls, 2);
	assert_string_equal(conf.sysctls[0].key, "net.ipv4.conf.IFNAME.forwarding");
	assert_string_equal(conf.sysctls[0].path, "net/ipv4/conf/eth0/forwarding");
	assert_string_equal(conf.sysctls[0].where, "sysctl.net.ipv4.conf.IFNAME.forwarding");
	assert_string_equal(conf.sysctls[0].value, "1");
	assert_string_equal(conf.sysctls[1].path, "net/core/somaxconn");
	assert_string_equal(conf.sysctls[1].value, "500");
}

static void test_precedence(void **state)
{
	(void)state;
	const char *top = ",\"mac\":\"c2:00:00:00:00:01\"";
	const char *rc = ",\"runtimeConfig\":{\"mac\":\"c2:00:00:00:00:03\"}";
	char buf[512];

	parse_ok(CONF(",\"mac\":\"c2:00:00:00:00:01\""), "IgnoreUnknown=1;MAC=c2:00:00:00:00:02");
	assert_string_equal(conf.mac_str, "c2:00:00:00:00:02");
	snprintf(buf, sizeof(buf), CONF("%s%s"), top, rc);
	parse_ok(buf, "MAC=c2:00:00:00:00:02");
	assert_string_equal(conf.mac_str, "c2:00:00:00:00:03");
	snprintf(buf, sizeof(buf), CONF("%s%s,\"args\":{\"cni\":{\"mac\":\"c2:00:00:00:00:04\"}}"),
		 top, rc);
	parse_ok(buf, "MAC=c2:00:00:00:00:02");
	assert_string_equal(conf.mac_str, "c2:00:00:00:00:04");
	/* empty CNI_ARGS MAC / runtimeConfig.mac: ignored; args.cni.mac "": cancels */
	snprintf(buf, sizeof(buf), CONF("%s,\"runtimeConfig\":{\"mac\":\"\"}"), top);
	parse_ok(buf, "MAC=");
	assert_string_equal(conf.mac_str, "c2:00:00:00:00:01");
	snprintf(buf, sizeof(buf), CONF("%s,\"args\":{\"cni\":{\"mac\":\"\"}}"), top);
	parse_ok(buf, NULL);
	assert_false(conf.has_mac);

	/* args.cni overrides every link key, 0/false included */
	parse_ok(CONF(",\"mtu\":1400,\"promisc\":true,\"allmulti\":true,\"txQLen\":10,"
		      "\"args\":{\"cni\":{\"mtu\":0,\"promisc\":false,\"allmulti\":false,"
		      "\"txQLen\":20}}"), NULL);
	assert_int_equal(conf.mtu, 0);
	assert_false(conf.promisc);
	assert_int_equal(conf.allmulti, 0);
	assert_int_equal(conf.txqlen, 20);
	parse_ok(CONF(",\"args\":{\"cni\":{\"mtu\":9000,\"promisc\":true}}"), NULL);
	assert_int_equal(conf.mtu, 9000);
	assert_true(conf.promisc);

	/* args.cni.sysctl replaces a key's value in place and adds new keys after */
	parse_ok(CONF(",\"sysctl\":{\"net.core.somaxconn\":\"500\",\"net.ipv4.ip_forward\":\"1\"},"
		      "\"args\":{\"cni\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"0\","
		      "\"net.ipv4.conf.all.rp_filter\":\"2\"}}}"), NULL);
	assert_int_equal(conf.n_sysctls, 3);
	assert_string_equal(conf.sysctls[0].value, "500");
	assert_string_equal(conf.sysctls[1].value, "0");
	assert_string_equal(conf.sysctls[1].where, "args.cni.sysctl.net.ipv4.ip_forward");
	assert_string_equal(conf.sysctls[2].path, "net/ipv4/conf/all/rp_filter");
	/* args.cni.sysctl without a top-level sysctl (the reference panics on that) */
	parse_ok(CONF(",\"args\":{\"cni\":{\"sysctl\":{\"net.core.somaxconn\":\"9\"}}}"), NULL);
	assert_int_equal(conf.n_sysctls, 1);
	/* other args are none of tuning's business */
	parse_ok(CONF(",\"args\":{\"cni\":{\"ips\":[\"10.0.0.1\"]},\"other\":1}"), NULL);
}

static void path_is(const char *key, const char *ifname, const char *want)
{
	char buf[TN_SYSCTL_PATH_MAX];
	struct cnet_err err = { 0 };
	if (tn_sysctl_path(key, ifname, "k", buf, sizeof(buf), &err) < 0)
		fail_msg("tn_sysctl_path(%s): %s", key, err.msg);
	assert_string_equal(buf, want);
}

static void path_fails(const char *key, int code)
{
	char buf[TN_SYSCTL_PATH_MAX];
	struct cnet_err err = { 0 };
	assert_true(tn_sysctl_path(key, "eth0", "k", buf, sizeof(buf), &err) < 0);
	assert_int_equal(err.code, code);
}

static void test_sysctl_names(void **state)
{
	(void)state;
	path_is("net.core.somaxconn", "eth0", "net/core/somaxconn");
	path_is("net/core/somaxconn", "eth0", "net/core/somaxconn");
	/* sysctl(8): with dots first, a '/' stands for a dot inside a name (a VLAN interface) */
	path_is("net.ipv4.conf.eth0/100.forwarding", "eth0", "net/ipv4/conf/eth0.100/forwarding");
	path_is("net/ipv4/conf/eth0.100/forwarding", "eth0", "net/ipv4/conf/eth0.100/forwarding");
	/* IFNAME after the separators: an interface name's dots survive */
	path_is("net.ipv4.conf.IFNAME.forwarding", "eth0.100", "net/ipv4/conf/eth0.100/forwarding");
	path_is("net/ipv6/conf/IFNAME/accept_ra", "net1", "net/ipv6/conf/net1/accept_ra");
	/* only the first IFNAME, as the reference */
	path_is("net.IFNAME.IFNAME", "e", "net/e/IFNAME");

	const int E = CNI_ERR_INVALID_CONFIG, U = CNI_ERR_UNSUPPORTED_FIELD;
	path_fails("", E);
	path_fails("net..core", E);
	path_fails("net.core.", E);
	path_fails(".net.core", E);
	path_fails("net/../kernel/hostname", E);
	path_fails("net/./core/somaxconn", E);
	path_fails("net/ipv4/../../kernel/x", E);
	path_fails("net.ipv4./..", E);
	path_fails("net", U);
	path_fails("kernel.hostname", U);
	path_fails("vm/overcommit_memory", U);
	path_fails("netfilter.x", U);
	path_fails("/net/core/somaxconn", E);
}

static void test_bad(void **state)
{
	(void)state;
	const int E = CNI_ERR_INVALID_CONFIG, U = CNI_ERR_UNSUPPORTED_FIELD;
	const int V = CNI_ERR_INVALID_ENV;
	parse_fails(CONF(",\"sysctl\":[]"), NULL, E, "sysctl: expected an object, got array");
	parse_fails(CONF(",\"sysctl\":{\"net.ipv4.conf.IFNAME.forwarding\":1}"), NULL, E,
		    "sysctl.net.ipv4.conf.IFNAME.forwarding: expected a string, got integer");
	parse_fails(CONF(",\"sysctl\":{\"net.core.somaxconn\":null}"), NULL, E,
		    "sysctl.net.core.somaxconn: expected a string, got null");
	parse_fails(CONF(",\"sysctl\":{\"kernel.hostname\":\"x\"}"), NULL, U,
		    "sysctl.kernel.hostname: only network sysctls (net.*, /proc/sys/net) can be "
		    "set in a container's namespace");
	parse_fails(CONF(",\"sysctl\":{\"net/../kernel/hostname\":\"x\"}"), NULL, E,
		    "sysctl.net/../kernel/hostname: not a valid sysctl name (empty, \".\" or "
		    "\"..\" component)");
	parse_fails(CONF(",\"args\":{\"cni\":{\"sysctl\":{\"fs.file-max\":\"1\"}}}"), NULL, U,
		    "args.cni.sysctl.fs.file-max: only network sysctls (net.*, /proc/sys/net) can "
		    "be set in a container's namespace");
	parse_fails(CONF(",\"mac\":7"), NULL, E, "mac: expected a string, got integer");
	parse_fails(CONF(",\"mac\":\"zz\""), NULL, E, "mac: \"zz\" is not a MAC address");
	parse_fails(CONF(",\"mac\":\"01:00:5e:00:00:01\""), NULL, E,
		    "mac: \"01:00:5e:00:00:01\" is not a unicast MAC address");
	parse_fails(CONF(",\"mac\":\"00:00:00:00:00:00\""), NULL, E,
		    "mac: \"00:00:00:00:00:00\" is not a unicast MAC address");
	parse_fails(CONF(",\"mtu\":\"1400\""), NULL, E, "mtu: expected an integer, got string");
	parse_fails(CONF(",\"mtu\":-1"), NULL, E, "mtu: -1 is out of range 0..2147483647");
	parse_fails(CONF(",\"mtu\":1.5"), NULL, E, "mtu: expected an integer, got number");
	parse_fails(CONF(",\"promisc\":\"true\""), NULL, E,
		    "promisc: expected a boolean, got string");
	parse_fails(CONF(",\"allmulti\":1"), NULL, E, "allmulti: expected a boolean, got integer");
	parse_fails(CONF(",\"txQLen\":-5"), NULL, E, "txQLen: -5 is out of range 0..4294967295");
	parse_fails(CONF(",\"txQLen\":true"), NULL, E, "txQLen: expected an integer, got boolean");
	parse_fails(CONF(",\"dataDir\":5"), NULL, E, "dataDir: expected a string, got integer");
	parse_fails(CONF(",\"runtimeConfig\":[]"), NULL, E,
		    "runtimeConfig: expected an object, got array");
	parse_fails(CONF(",\"runtimeConfig\":{\"mac\":1}"), NULL, E,
		    "runtimeConfig.mac: expected a string, got integer");
	parse_fails(CONF(",\"runtimeConfig\":{\"mac\":\"c2:11\"}"), NULL, E,
		    "runtimeConfig.mac: \"c2:11\" is not a MAC address");
	parse_fails(CONF(",\"args\":\"x\""), NULL, E, "args: expected an object, got string");
	parse_fails(CONF(",\"args\":{\"cni\":1}"), NULL, E,
		    "args.cni: expected an object, got integer");
	parse_fails(CONF(",\"args\":{\"cni\":{\"mtu\":\"9000\"}}"), NULL, E,
		    "args.cni.mtu: expected an integer, got string");
	parse_fails(CONF(",\"args\":{\"cni\":{\"mac\":\"x\"}}"), NULL, E,
		    "args.cni.mac: \"x\" is not a MAC address");
	parse_fails(CONF(",\"args\":{\"cni\":{\"sysctl\":{\"net.core.somaxconn\":5}}}"), NULL, E,
		    "args.cni.sysctl.net.core.somaxconn: expected a string, got integer");
	parse_fails(CONF(""), "MAC=nope", V, "CNI_ARGS MAC: \"nope\" is not a MAC address");
	parse_fails(CONF(""), "IgnoreUnknown=1;junk", V, "CNI_ARGS: \"junk\" is not KEY=VALUE");
}

static void test_too_many_sysctls(void **state)
{
	(void)state;
	size_t cap = 64 * (TN_MAX_SYSCTLS + 2);
	char *text = malloc(cap);
	assert_non_null(text);
	size_t o = (size_t)snprintf(text, cap,
				    "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"sysctl\":{");
	for (int i = 0; i <= TN_MAX_SYSCTLS; i++)
		o += (size_t)snprintf(text + o, cap - o, "%s\"net.x.k%d\":\"1\"", i ? "," : "", i);
	snprintf(text + o, cap - o, "}}");
	parse_fails(text, NULL, CNI_ERR_INVALID_CONFIG, "sysctl: more than 256 sysctls");
	free(text);
}

static void allow(const char *list, int code, const char *msg)
{
	struct cnet_err err = { 0 };
	int r = tn_allowlist_check(&conf, list, "/etc/cni/tuning/allowlist.conf", &err);
	if (!code) {
		if (r < 0)
			fail_msg("tn_allowlist_check: %s", err.msg);
		return;
	}
	assert_true(r < 0);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
}

static void test_allowlist(void **state)
{
	(void)state;
	parse_ok(CONF(",\"sysctl\":{\"net.ipv4.conf.IFNAME.forwarding\":\"1\","
		      "\"net.core.somaxconn\":\"5\"}"), NULL);
	allow("^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]*$\n\n  ^net\\.core\\.somaxconn$  \n", 0, NULL);
	allow("net\\.", 0, NULL);   /* unanchored, as Go's MatchString */
	allow("^net\\.core\\.somaxconn$\n", CNI_ERR_UNSUPPORTED_FIELD,
	      "sysctl.net.ipv4.conf.IFNAME.forwarding: sysctl net.ipv4.conf.IFNAME.forwarding is "
	      "not allowed by /etc/cni/tuning/allowlist.conf. Only the following sysctls are "
	      "allowed: [^net\\.core\\.somaxconn$]");
	allow("\n \n", CNI_ERR_UNSUPPORTED_FIELD,
	      "sysctl.net.ipv4.conf.IFNAME.forwarding: sysctl net.ipv4.conf.IFNAME.forwarding is "
	      "not allowed by /etc/cni/tuning/allowlist.conf. Only the following sysctls are "
	      "allowed: []");
	allow("^net\\.core\n(unclosed\n", CNI_ERR_INVALID_CONFIG,
	      "/etc/cni/tuning/allowlist.conf:2: \"(unclosed\" is not a valid regular expression");
	/* no sysctls: nothing to refuse */
	parse_ok(CONF(""), NULL);
	allow("", 0, NULL);
}

static void test_value_equal(void **state)
{
	(void)state;
	assert_true(tn_sysctl_value_equal("1", "1"));
	assert_true(tn_sysctl_value_equal("1024 65000", "1024\t65000"));
	assert_true(tn_sysctl_value_equal(" 1 ", "1"));
	assert_true(tn_sysctl_value_equal("", ""));
	assert_false(tn_sysctl_value_equal("1", "0"));
	assert_false(tn_sysctl_value_equal("1", "10"));
	assert_false(tn_sysctl_value_equal("1 2", "1"));
	assert_false(tn_sysctl_value_equal("", "0"));
}

static void test_state(void **state)
{
	(void)state;
	char name[64];
	struct cnet_err err = { 0 };
	struct tn_state s = { .has_mac = true, .mac = { 0x92, 0x9f, 0x81, 0xca, 0x52, 0xc1 },
			      .has_promisc = true, .mtu = 1500, .has_allmulti = true,
			      .allmulti = true, .has_txqlen = true, .txqlen = 1000 }, d;
	assert_int_equal(tn_state_name(name, sizeof(name), "ctr1", "eth0"), 0);
	assert_string_equal(name, "ctr1_eth0.json");
	assert_int_equal(tn_state_name(name, 8, "ctr1", "eth0"), -ENAMETOOLONG);

	/* byte for byte what the reference's json.MarshalIndent(config, "", " ") writes */
	char *text = tn_state_encode(&s);
	assert_string_equal(text, "{\n \"mac\": \"92:9f:81:ca:52:c1\",\n \"promisc\": false,\n"
				  " \"mtu\": 1500,\n \"allmulti\": true,\n \"txQLen\": 1000\n}");
	assert_int_equal(tn_state_decode(text, strlen(text), &d, &err), 0);
	assert_memory_equal(&d, &s, sizeof(s));
	free(text);

	struct tn_state empty = { .mtu = 0 };
	text = tn_state_encode(&empty);
	assert_string_equal(text, "{}");
	assert_int_equal(tn_state_decode(text, strlen(text), &d, &err), 0);
	assert_memory_equal(&d, &empty, sizeof(empty));
	free(text);

	/* written by the reference (v1.1.1: no txQLen), unknown keys ignored */
	const char *ref = "{\n \"mac\": \"AA:BB:CC:DD:EE:01\",\n \"mtu\": 9000,\n \"x\": 1\n}";
	assert_int_equal(tn_state_decode(ref, strlen(ref), &d, &err), 0);
	assert_true(d.has_mac);
	assert_memory_equal(d.mac, "\xaa\xbb\xcc\xdd\xee\x01", 6);
	assert_int_equal(d.mtu, 9000);
	assert_false(d.has_promisc || d.has_allmulti || d.has_txqlen);

	const char *bad[] = { "", "[]", "{\"mac\":\"zz\"}", "{\"mtu\":\"1\"}",
			      "{\"promisc\":1}", "{\"txQLen\":-1}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(tn_state_decode(bad[i], strlen(bad[i]), &d, &err) < 0);
		assert_int_equal(err.code, CNI_ERR_DECODE);
	}
}

static void test_state_from_link(void **state)
{
	(void)state;
	struct cnet_link l = { .ifindex = 3, .name = "eth0", .mac = { 2, 0, 0, 0, 0, 9 },
			       .mtu = 1500, .txqlen = 1000, .promisc = false, .allmulti = true };
	struct tn_state s;
	parse_ok(CONF(",\"mtu\":1400"), NULL);
	tn_state_from_link(&conf, &l, &s);
	char *text = tn_state_encode(&s);
	assert_string_equal(text, "{\n \"mtu\": 1500\n}");
	free(text);
	parse_ok(CONF(",\"mac\":\"c2:11:22:33:44:55\",\"promisc\":true,\"allmulti\":false,"
		      "\"txQLen\":5"), NULL);
	tn_state_from_link(&conf, &l, &s);
	text = tn_state_encode(&s);
	assert_string_equal(text, "{\n \"mac\": \"02:00:00:00:00:09\",\n \"promisc\": false,\n"
				  " \"allmulti\": true,\n \"txQLen\": 1000\n}");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_all_keys, teardown),
		cmocka_unit_test_teardown(test_precedence, teardown),
		cmocka_unit_test(test_sysctl_names),
		cmocka_unit_test_teardown(test_bad, teardown),
		cmocka_unit_test_teardown(test_too_many_sysctls, teardown),
		cmocka_unit_test_teardown(test_allowlist, teardown),
		cmocka_unit_test(test_value_equal),
		cmocka_unit_test(test_state),
		cmocka_unit_test_teardown(test_state_from_link, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
