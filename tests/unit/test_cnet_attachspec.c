// SPDX-License-Identifier: Apache-2.0
/* Attachment arguments (cnet/attachspec.c): container IDs, interface names, capability
 * arguments, and the ADDRESSES / PORTS columns. */
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
#include "../../cnet/attachspec.h"

static void id_is(const char *name, const char *want)
{
	char out[ATTACHSPEC_ID_MAX + 1];
	assert_int_equal(attachspec_container_id(name, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	assert_true(cni_valid_container_id(out));
}

static void test_container_id(void **state)
{
	(void)state;
	char out[ATTACHSPEC_ID_MAX + 1];

	/* valid IDs are kept as they are */
	id_is("c1", "c1");
	id_is("web.1_a-b", "web.1_a-b");
	/* the rest: sanitised, and a hash of the whole name so that IDs stay apart */
	char a[ATTACHSPEC_ID_MAX + 1], b[ATTACHSPEC_ID_MAX + 1];
	assert_int_equal(attachspec_container_id("/proc/42/ns/net", a, sizeof(a)), 0);
	assert_true(cni_valid_container_id(a));
	assert_int_equal(strncmp(a, "proc-42-ns-net-", 15), 0);
	assert_string_equal(a, "proc-42-ns-net-56192489");   /* the man page's example */
	assert_int_equal(attachspec_container_id("/proc/43/ns/net", b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(attachspec_container_id("my ns", a, sizeof(a)), 0);
	assert_int_equal(strncmp(a, "my-ns-", 6), 0);
	assert_int_equal(attachspec_container_id("my:ns", b, sizeof(b)), 0);
	assert_string_not_equal(a, b);   /* same sanitised body, different hash */
	assert_int_equal(attachspec_container_id("_x", a, sizeof(a)), 0);
	assert_int_equal(strncmp(a, "ns-_x-", 6), 0);
	assert_true(cni_valid_container_id(a));
	assert_int_equal(attachspec_container_id(".hidden", a, sizeof(a)), 0);
	assert_int_equal(strncmp(a, "ns-.hidden-", 11), 0);
	/* stable: the same name, the same ID */
	assert_int_equal(attachspec_container_id("my ns", b, sizeof(b)), 0);
	assert_int_equal(attachspec_container_id("my ns", a, sizeof(a)), 0);
	assert_string_equal(a, b);
	/* too long for an ID: cut, with the hash */
	char longname[200];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(attachspec_container_id(longname, a, sizeof(a)), 0);
	assert_true(strlen(a) <= ATTACHSPEC_ID_MAX);
	assert_true(cni_valid_container_id(a));
	assert_int_equal(attachspec_container_id("", out, sizeof(out)), -EINVAL);
	assert_int_equal(attachspec_container_id("x", out, 8), -EINVAL);
}

static void test_pick_ifname(void **state)
{
	(void)state;
	char out[16];
	const char *none[] = { NULL };
	const char *some[] = { "eth0", "net1", "eth2" };
	const char *gap[] = { "eth1" };

	assert_int_equal(attachspec_pick_ifname(none, 0, out), 0);
	assert_string_equal(out, "eth0");
	assert_int_equal(attachspec_pick_ifname(some, 3, out), 0);
	assert_string_equal(out, "eth1");
	assert_int_equal(attachspec_pick_ifname(gap, 1, out), 0);
	assert_string_equal(out, "eth0");
	const char *names[ATTACHSPEC_MAX_IFACES];
	char buf[ATTACHSPEC_MAX_IFACES][16];
	for (int i = 0; i < ATTACHSPEC_MAX_IFACES; i++) {
		snprintf(buf[i], sizeof(buf[i]), "eth%d", i);
		names[i] = buf[i];
	}
	assert_int_equal(attachspec_pick_ifname(names, ATTACHSPEC_MAX_IFACES - 1, out), 0);
	assert_string_equal(out, "eth99");
	assert_int_equal(attachspec_pick_ifname(names, ATTACHSPEC_MAX_IFACES, out), -ENOSPC);
}

static void caps_are(json_t *caps, const char *want)
{
	json_t *w = load(want);
	if (!json_equal(caps, w)) {
		char *got = json_dumps(caps, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("caps: got %s, want %s", got, want);
	}
	json_decref(w);
}

static void test_caps(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	json_t *caps = attachspec_caps_new();

	assert_null(attachspec_caps_or_null(caps));
	assert_int_equal(attachspec_add_port(caps, "8080:80", &err), 0);
	assert_int_equal(attachspec_add_port(caps, "127.0.0.1:53:53/udp", &err), 0);
	assert_int_equal(attachspec_add_ip(caps, "10.89.0.5", &err), 0);
	assert_int_equal(attachspec_add_ip(caps, "fd89::0005", &err), 0);
	assert_int_equal(attachspec_set_mac(caps, "02:42:AC:11:00:02", &err), 0);
	caps_are(caps, "{\"portMappings\": [{\"hostPort\": 8080, \"containerPort\": 80, "
		       "\"protocol\": \"tcp\"}, {\"hostPort\": 53, \"containerPort\": 53, "
		       "\"protocol\": \"udp\", \"hostIP\": \"127.0.0.1\"}], "
		       "\"ips\": [\"10.89.0.5\", \"fd89::5\"], \"mac\": \"02:42:ac:11:00:02\"}");
	assert_ptr_equal(attachspec_caps_or_null(caps), caps);

	assert_int_equal(attachspec_add_ip(caps, "10.89.0.6", &err), -EINVAL);
	assert_string_equal(err.msg, "--ip 10.89.0.6: only one IPv4 address per attachment");
	assert_int_equal(attachspec_add_ip(caps, "10.89.0.0/24", &err), -EINVAL);
	assert_string_equal(err.msg, "--ip 10.89.0.0/24: not an IP address (like 10.89.0.5 or "
				     "fd89::5)");
	assert_int_equal(attachspec_set_mac(caps, "02:42:ac:11:00:03", &err), -EINVAL);
	assert_string_equal(err.msg, "--mac 02:42:ac:11:00:03: only one --mac");
	json_decref(caps);

	caps = attachspec_caps_new();
	assert_int_equal(attachspec_set_mac(caps, "zz:00:00:00:00:00", &err), -EINVAL);
	assert_string_equal(err.msg, "--mac zz:00:00:00:00:00: not a MAC address (like "
				     "02:42:ac:11:00:02)");
	assert_int_equal(attachspec_set_mac(caps, "01:00:5e:00:00:01", &err), -EINVAL);
	assert_string_equal(err.msg, "--mac 01:00:5e:00:00:01: not a unicast address (the first "
				     "byte must be even)");
	assert_int_equal(attachspec_set_mac(caps, "00:00:00:00:00:00", &err), -EINVAL);
	assert_int_equal(attachspec_add_port(caps, "80", &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	/* nothing of the failed options stays */
	caps_are(caps, "{}");
	json_decref(caps);
}

static const char list_text[] =
	"{\"cniVersion\": \"1.0.0\", \"name\": \"web\", \"plugins\": ["
	" {\"type\": \"bridge\", \"capabilities\": {\"ips\": true, \"mac\": false}},"
	" {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}]}";

static void test_check_caps(void **state)
{
	(void)state;
	struct cnet_err err = { 0 };
	json_t *list = load(list_text);
	json_t *caps = attachspec_caps_new();
	struct ipnet subnets[2];

	assert_int_equal(ipnet_parse("10.89.0.0/24", &subnets[0]), 0);
	assert_int_equal(ipnet_parse("fd89::/64", &subnets[1]), 0);
	assert_int_equal(attachspec_add_port(caps, "8080:80", &err), 0);
	assert_int_equal(attachspec_add_ip(caps, "10.89.0.9", &err), 0);
	assert_int_equal(attachspec_check_caps(list, "web", caps, subnets, 2, &err), 0);
	assert_int_equal(attachspec_add_ip(caps, "fd00::9", &err), 0);
	assert_int_equal(attachspec_check_caps(list, "web", caps, subnets, 2, &err), -EINVAL);
	assert_string_equal(err.msg, "--ip fd00::9 is not in a subnet of network web "
				     "(10.89.0.0/24, ...)");
	/* without known subnets (static IPAM): any address */
	assert_int_equal(attachspec_check_caps(list, "web", caps, NULL, 0, &err), 0);
	assert_int_equal(attachspec_set_mac(caps, "02:00:00:00:00:01", &err), 0);
	assert_int_equal(attachspec_check_caps(list, "web", caps, NULL, 0, &err), -EINVAL);
	assert_string_equal(err.msg, "network web does not take --mac (no plugin has the \"mac\" "
				     "capability)");
	json_decref(caps);
	json_decref(list);
}

static void test_format(void **state)
{
	(void)state;
	char buf[128], small[16];
	json_t *res = load("{\"ips\": [{\"address\": \"10.89.0.2/24\"}, {\"address\": "
			   "\"fd89::2/64\"}, {\"gateway\": \"10.89.0.1\"}]}");
	json_t *ports = load("[{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\"},"
			     " {\"hostPort\": 53, \"containerPort\": 5353, \"protocol\": \"udp\","
			     "  \"hostIP\": \"127.0.0.1\"},"
			     " {\"hostPort\": 443, \"containerPort\": 443, \"hostIP\": \"fd00::1\"}]");

	assert_string_equal(attachspec_format_addresses(res, buf, sizeof(buf)),
			    "10.89.0.2/24,fd89::2/64");
	assert_string_equal(attachspec_format_ports(ports, buf, sizeof(buf)),
			    "8080->80/tcp,127.0.0.1:53->5353/udp,[fd00::1]:443->443/tcp");
	assert_string_equal(attachspec_format_ports(ports, small, sizeof(small)), "8080->80/tcp...");
	assert_string_equal(attachspec_format_ports(NULL, buf, sizeof(buf)), "");
	assert_string_equal(attachspec_format_addresses(NULL, buf, sizeof(buf)), "");
	json_decref(res);
	json_decref(ports);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_id), cmocka_unit_test(test_pick_ifname),
		cmocka_unit_test(test_caps),         cmocka_unit_test(test_check_caps),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
