// SPDX-License-Identifier: Apache-2.0
/* cnet's network definitions (cnet/netdef.c): options, checks, the conflist, reading back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../cnet/netdef.h"

static void assert_json(json_t *got, const char *want_text)
{
	json_t *want = load(want_text);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		fail_msg("JSON differs:\n got %s\nwant %s", g, want_text);
	}
	json_decref(want);
}

static struct netdef def(const char *name)
{
	struct netdef d = { .name = name, .driver = "bridge", .ipam = "host-local" };
	snprintf(d.bridge, sizeof(d.bridge), "cn-%s", name);
	return d;
}

static void test_opt_types(void **state)
{
	(void)state;
	struct netdef d = def("n");
	struct cnet_err err = { 0 };
	json_t *opts = json_object();

	assert_int_equal(netdef_add_opt(&d, opts, "mtu=1400", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "vlan=-3", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "promiscMode=true", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "hairpinMode=false", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "bridge=br0", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "x=12ab", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "empty=", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "dash=-", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "eq=a=b", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "peers=[\"192.0.2.2\", \"192.0.2.3\"]", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "obj={\"a\": 1}", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "notjson=[x", &err), 0);   /* a string then */
	assert_json(opts, "{\"mtu\":1400,\"vlan\":-3,\"promiscMode\":true,\"hairpinMode\":false,"
			  "\"bridge\":\"br0\",\"x\":\"12ab\",\"empty\":\"\",\"dash\":\"-\","
			  "\"eq\":\"a=b\",\"peers\":[\"192.0.2.2\",\"192.0.2.3\"],\"obj\":{\"a\":1},"
			  "\"notjson\":\"[x\"}");
	assert_int_equal(netdef_add_opt(&d, opts, "isolate=false", &err), 0);
	assert_int_equal(d.isolate, NETDEF_ISOLATE_OPEN);
	assert_int_equal(netdef_add_opt(&d, opts, "isolate=strict", &err), 0);
	assert_int_equal(d.isolate, NETDEF_ISOLATE_STRICT);
	assert_null(json_object_get(opts, "isolate"));
	json_decref(opts);
}

static void opt_fails(const char *kv, const char *msg)
{
	struct netdef d = def("n");
	struct cnet_err err = { 0 };
	json_t *opts = json_object();

	assert_true(netdef_add_opt(&d, opts, kv, &err) < 0);
	assert_string_equal(err.msg, msg);
	json_decref(opts);
}

static void test_opt_bad(void **state)
{
	(void)state;
	opt_fails("mtu", "--opt mtu: expected KEY=VALUE");
	opt_fails("=1", "--opt =1: expected KEY=VALUE");
	opt_fails("type=macvlan", "--opt type=macvlan: cnet sets \"type\" itself (see --driver "
				  "and --ipam)");
	opt_fails("ipam=x", "--opt ipam=x: cnet sets \"ipam\" itself (see --driver and --ipam)");
	opt_fails("isolate=maybe", "--opt isolate=maybe: expected true, false or strict");
}

static void subnet_fails(struct netdef *d, const char *cidr, const char *msg)
{
	struct cnet_err err = { 0 };

	assert_true(netdef_add_subnet(d, cidr, &err) < 0);
	assert_string_equal(err.msg, msg);
}

static void test_subnets(void **state)
{
	(void)state;
	struct netdef d = def("n");
	struct cnet_err err = { 0 };

	subnet_fails(&d, "10.1.0.0", "--subnet 10.1.0.0: not a CIDR (like 10.89.5.0/24 or "
				     "fd00:1::/64)");
	subnet_fails(&d, "10.1.0.0/33", "--subnet 10.1.0.0/33: not a CIDR (like 10.89.5.0/24 or "
					"fd00:1::/64)");
	subnet_fails(&d, "10.1.0.1/24", "--subnet 10.1.0.1/24: host bits are set (did you mean "
					"10.1.0.0/24?)");
	subnet_fails(&d, "10.1.0.0/31", "--subnet 10.1.0.0/31: too small for containers (at most "
					"/30)");
	assert_int_equal(netdef_add_subnet(&d, "10.1.0.0/24", &err), 0);
	assert_false(d.ipv6);
	subnet_fails(&d, "10.2.0.0/24", "--subnet 10.2.0.0/24: only one IPv4 subnet per network");
	assert_int_equal(netdef_add_subnet(&d, "fd00:1::/64", &err), 0);
	assert_true(d.ipv6);
	subnet_fails(&d, "fd00:2::/64", "--subnet fd00:2::/64: only one IPv6 subnet per network");
	assert_int_equal(d.n_subnets, 2);
	assert_false(netdef_wants_v4(&d));
	assert_false(netdef_wants_v6(&d));

	struct netdef e = def("e");
	assert_true(netdef_wants_v4(&e));
	assert_false(netdef_wants_v6(&e));
	e.ipv6 = true;
	assert_true(netdef_wants_v6(&e));
	assert_int_equal(netdef_add_subnet(&e, "fd00:1::/64", &err), 0);
	assert_false(netdef_wants_v4(&e));   /* an IPv6 subnet alone: IPv6 only */
	assert_false(netdef_wants_v6(&e));
}

static void check_fails(struct netdef *d, const char *msg)
{
	struct cnet_err err = { 0 };

	assert_true(netdef_check(d, &err) < 0);
	assert_string_equal(err.msg, msg);
}

static void test_check(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	struct netdef d = def("n");

	assert_int_equal(netdef_check(&d, &err), 0);
	d.driver = "ovs";
	check_fails(&d, "unknown driver \"ovs\" (bridge, macvlan, vxlan, host-device)");
	d.driver = "macvlan";
	check_fails(&d, "driver macvlan needs --parent IF (the host interface to attach to)");
	d.parent = "eth0";
	assert_int_equal(netdef_check(&d, &err), 0);
	d.driver = "host-device";
	assert_int_equal(netdef_check(&d, &err), 0);
	d.parent = NULL;
	check_fails(&d, "driver host-device needs --opt device=IF (or --parent IF)");
	d.driver = "bridge";
	d.parent = "eth0";
	check_fails(&d, "--parent: only for the macvlan and host-device drivers");
	d.parent = NULL;
	d.ipam = "ldap";
	check_fails(&d, "unknown IPAM \"ldap\" (host-local, static, dhcp)");
	d.ipam = "dhcp";
	assert_int_equal(netdef_add_subnet(&d, "10.1.0.0/24", &err), 0);
	check_fails(&d, "--subnet: not with --ipam dhcp (the DHCP server gives the addresses)");
	d.ipam = "static";
	check_fails(&d, "--subnet: not with --ipam static (addresses are given when attaching)");
	d.ipam = "host-local";
	d.isolate = NETDEF_ISOLATE_OPEN;
	d.driver = "vxlan";
	check_fails(&d, "--opt isolate: only for the bridge driver");
	d.isolate = NETDEF_ISOLATE_SAME_BRIDGE;
	check_fails(&d, "driver vxlan needs --opt vni=N (the VXLAN network identifier; the other "
			"hosts: --opt 'peers=[\"ADDR\",...]')");
}

static void test_check_gateway_range(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	struct netdef d = def("n");

	ipaddr_parse("10.1.0.1", &d.gateway);
	check_fails(&d, "--gateway 10.1.0.1 needs the --subnet it belongs to");
	assert_int_equal(netdef_add_subnet(&d, "10.2.0.0/24", &err), 0);
	check_fails(&d, "--gateway 10.1.0.1 is not in subnet 10.2.0.0/24");
	ipaddr_parse("10.2.0.255", &d.gateway);
	check_fails(&d, "--gateway 10.2.0.255 is the broadcast address of subnet 10.2.0.0/24");
	ipaddr_parse("10.2.0.0", &d.gateway);
	check_fails(&d, "--gateway 10.2.0.0 is the network address of subnet 10.2.0.0/24");
	ipaddr_parse("10.2.0.254", &d.gateway);
	assert_int_equal(netdef_check(&d, &err), 0);
	ipnet_parse("10.3.0.0/25", &d.ip_range);
	check_fails(&d, "--ip-range 10.3.0.0/25 is not inside subnet 10.2.0.0/24");
	ipnet_parse("10.2.0.0/23", &d.ip_range);
	check_fails(&d, "--ip-range 10.2.0.0/23 is not inside subnet 10.2.0.0/24");
	ipnet_parse("fd00::/64", &d.ip_range);
	check_fails(&d, "--ip-range fd00::/64 needs the --subnet it belongs to");
	ipnet_parse("10.2.0.128/25", &d.ip_range);
	assert_int_equal(netdef_check(&d, &err), 0);
}

static void test_build_bridge(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	struct netdef d = def("web");
	d.created = "2025-01-31T12:00:00Z";

	assert_int_equal(netdef_add_subnet(&d, "10.89.0.0/24", &err), 0);
	assert_int_equal(netdef_add_subnet(&d, "fd89:636e:6574::/64", &err), 0);
	json_t *list = netdef_build(&d);
	assert_json(list,
		    "{\"cniVersion\":\"1.0.0\",\"name\":\"web\",\"plugins\":["
		    "{\"type\":\"bridge\",\"bridge\":\"cn-web\",\"isGateway\":true,\"ipMasq\":true,"
		    "\"hairpinMode\":true,\"capabilities\":{\"ips\":true,\"mac\":true},"
		    "\"ipam\":{\"type\":\"host-local\",\"ranges\":["
		    "[{\"subnet\":\"10.89.0.0/24\",\"gateway\":\"10.89.0.1\"}],"
		    "[{\"subnet\":\"fd89:636e:6574::/64\",\"gateway\":\"fd89:636e:6574::1\"}]],"
		    "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]}},"
		    "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},"
		    "{\"type\":\"firewall\",\"ingressPolicy\":\"same-bridge\"}],"
		    "\"cnet\":{\"driver\":\"bridge\",\"created\":\"2025-01-31T12:00:00Z\"}}");

	/* and read back */
	struct ipnet s[4];
	char buf[IPNET_STRLEN];
	assert_int_equal(netdef_subnets_of(list, s, 4), 2);
	assert_string_equal(ipnet_format(&s[0], buf), "10.89.0.0/24");
	assert_string_equal(ipnet_format(&s[1], buf), "fd89:636e:6574::/64");
	assert_string_equal(netdef_driver_of(list), "bridge");
	assert_true(netdef_is_cnet_made(list));
	char br[IF_NAMESIZE];
	assert_true(netdef_bridge_of(list, br));
	assert_string_equal(br, "cn-web");
	assert_string_equal(netdef_hostlocal_dir_of(list), "/var/lib/cni/networks");
	json_decref(list);
}

static void test_build_internal_range_opts(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	struct netdef d = def("in");
	json_t *opts = json_object();

	d.internal = true;
	assert_int_equal(netdef_add_subnet(&d, "10.5.0.0/24", &err), 0);
	ipaddr_parse("10.5.0.254", &d.gateway);
	ipnet_parse("10.5.0.0/25", &d.ip_range);
	assert_int_equal(netdef_add_opt(&d, opts, "mtu=1400", &err), 0);
	assert_int_equal(netdef_add_opt(&d, opts, "isolate=strict", &err), 0);
	d.opts = opts;
	json_t *list = netdef_build(&d);
	assert_json(list,
		    "{\"cniVersion\":\"1.0.0\",\"name\":\"in\",\"plugins\":["
		    "{\"type\":\"bridge\",\"bridge\":\"cn-in\",\"isGateway\":true,\"ipMasq\":false,"
		    "\"hairpinMode\":true,\"capabilities\":{\"ips\":true,\"mac\":true},\"mtu\":1400,"
		    "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.5.0.0/24\","
		    "\"gateway\":\"10.5.0.254\",\"rangeStart\":\"10.5.0.1\","
		    "\"rangeEnd\":\"10.5.0.127\"}]]}},"
		    "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},"
		    "{\"type\":\"firewall\",\"ingressPolicy\":\"isolated\"}],"
		    "\"cnet\":{\"driver\":\"bridge\"}}");
	json_decref(list);
	json_decref(opts);
}

static void test_build_other_drivers(void **state)
{
	(void)state;
	struct netdef d = def("mv");
	struct cnet_err err = { 0 };

	d.driver = "macvlan";
	d.parent = "eth0";
	assert_int_equal(netdef_add_subnet(&d, "192.168.1.0/24", &err), 0);
	json_t *list = netdef_build(&d);
	assert_json(json_array_get(json_object_get(list, "plugins"), 0),
		    "{\"type\":\"macvlan\",\"master\":\"eth0\","
		    "\"capabilities\":{\"ips\":true,\"mac\":true},"
		    "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"192.168.1.0/24\","
		    "\"gateway\":\"192.168.1.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}");
	assert_json(json_array_get(json_object_get(list, "plugins"), 2), "{\"type\":\"firewall\"}");
	assert_string_equal(netdef_driver_of(list), "macvlan");
	char brname[IF_NAMESIZE];
	assert_false(netdef_bridge_of(list, brname));
	json_decref(list);

	struct netdef v = def("ov");
	v.driver = "vxlan";
	json_t *vopts = json_object();
	assert_int_equal(netdef_add_opt(&v, vopts, "vni=42", &err), 0);
	assert_int_equal(netdef_add_opt(&v, vopts, "peers=[\"192.0.2.2\"]", &err), 0);
	v.opts = vopts;
	assert_int_equal(netdef_add_subnet(&v, "10.99.0.0/24", &err), 0);
	list = netdef_build(&v);
	assert_json(json_array_get(json_object_get(list, "plugins"), 0),
		    "{\"type\":\"vxlan\",\"hairpinMode\":true,"
		    "\"capabilities\":{\"ips\":true,\"mac\":true},\"vni\":42,"
		    "\"peers\":[\"192.0.2.2\"],"
		    "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.99.0.0/24\","
		    "\"gateway\":\"10.99.0.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}");
	char vx[IF_NAMESIZE];
	assert_true(netdef_bridge_of(list, brname));
	assert_string_equal(brname, "vxbr42");
	assert_true(netdef_vxlan_of(list, vx));
	assert_string_equal(vx, "vxlan42");
	json_decref(list);
	json_decref(vopts);

	struct netdef h = def("hd");
	h.driver = "host-device";
	h.parent = "eth1";
	h.ipam = "dhcp";
	list = netdef_build(&h);
	assert_json(json_array_get(json_object_get(list, "plugins"), 0),
		    "{\"type\":\"host-device\",\"device\":\"eth1\",\"ipam\":{\"type\":\"dhcp\"}}");
	assert_null(netdef_hostlocal_dir_of(list));
	json_decref(list);

	struct netdef s = def("st");
	s.ipam = "static";
	ipaddr_parse("10.9.0.1", &s.gateway);
	list = netdef_build(&s);
	assert_json(json_object_get(json_array_get(json_object_get(list, "plugins"), 0), "ipam"),
		    "{\"type\":\"static\",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.9.0.1\"}]}");
	json_decref(list);

	struct netdef b = def("bd");
	b.ipam = "dhcp";
	list = netdef_build(&b);
	json_t *br = json_array_get(json_object_get(list, "plugins"), 0);
	assert_true(json_is_false(json_object_get(br, "isGateway")));
	assert_true(json_is_false(json_object_get(br, "ipMasq")));
	assert_json(json_object_get(br, "capabilities"), "{\"mac\":true}");
	json_decref(list);
}

static bool taken_list(const char *ifname, void *arg)
{
	for (const char *const *t = arg; *t; t++)
		if (!strcmp(*t, ifname))
			return true;
	return false;
}

static void test_bridge_name(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	char out[16], first[16];
	const char *none[] = { NULL };

	assert_int_equal(netdef_bridge_name("web", taken_list, none, out, &err), 0);
	assert_string_equal(out, "cn-web");
	assert_int_equal(netdef_bridge_name("twelve-chars", taken_list, none, out, &err), 0);
	assert_string_equal(out, "cn-twelve-chars");
	assert_int_equal(netdef_bridge_name("thirteen-char", taken_list, none, out, &err), 0);
	assert_int_equal(strlen(out), 15);
	assert_memory_equal(out, "cn-thirtee-", 11);
	strcpy(first, out);
	/* stable */
	assert_int_equal(netdef_bridge_name("thirteen-char", taken_list, none, out, &err), 0);
	assert_string_equal(out, first);
	/* taken: another hash */
	const char *taken[] = { "cn-web", first, NULL };
	assert_int_equal(netdef_bridge_name("web", taken_list, taken, out, &err), 0);
	assert_memory_equal(out, "cn-web-", 7);
	assert_int_equal(strlen(out), 11);
	assert_int_equal(netdef_bridge_name("thirteen-char", taken_list, taken, out, &err), 0);
	assert_string_not_equal(out, first);
	assert_int_equal(strlen(out), 15);
}

static void test_read_foreign(void **state)
{
	(void)state;
	json_t *list = load("{\"cniVersion\":\"0.4.0\",\"name\":\"podman\",\"plugins\":["
			    "{\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
			    "\"subnet\":\"10.88.0.5/16\",\"dataDir\":\"/x\",\"ranges\":["
			    "[{\"subnet\":\"10.88.0.0/16\"},{\"subnet\":\"bogus\"}],"
			    "[{\"subnet\":\"fd00::/64\"}]]}},{\"type\":\"tuning\",\"ipam\":{"
			    "\"subnet\":\"10.99.0.0/24\"}}]}");
	struct ipnet s[2];
	char buf[IPNET_STRLEN];

	assert_int_equal(netdef_subnets_of(list, s, 2), 3);   /* counted past max */
	assert_string_equal(ipnet_format(&s[0], buf), "10.88.0.0/16");
	assert_string_equal(ipnet_format(&s[1], buf), "fd00::/64");
	assert_string_equal(netdef_driver_of(list), "bridge");
	assert_false(netdef_is_cnet_made(list));
	char br[IF_NAMESIZE], vx[IF_NAMESIZE];
	assert_true(netdef_bridge_of(list, br));
	assert_string_equal(br, "cni0");
	assert_false(netdef_vxlan_of(list, vx));
	assert_string_equal(netdef_hostlocal_dir_of(list), "/x");
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opt_types),
		cmocka_unit_test(test_opt_bad),
		cmocka_unit_test(test_subnets),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_gateway_range),
		cmocka_unit_test(test_build_bridge),
		cmocka_unit_test(test_build_internal_range_opts),
		cmocka_unit_test(test_build_other_drivers),
		cmocka_unit_test(test_bridge_name),
		cmocka_unit_test(test_read_foreign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
