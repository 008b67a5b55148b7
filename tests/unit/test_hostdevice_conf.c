// SPDX-License-Identifier: Apache-2.0
/* host-device's config parser (plugins/host-device/conf.c): every key, the selectors'
 * precedence, and each bad input with its code and message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../plugins/host-device/hd_conf.h"

#define CONF(rest) "{\"cniVersion\":\"1.1.0\",\"name\":\"hd\",\"type\":\"host-device\"" rest "}"

static struct hd_conf conf;
static json_t *root;   /* conf borrows its strings: freed by the next parse or teardown */

static int parse(const char *text, struct cnet_err *err)
{
	json_decref(root);
	cni_dns_clear(&conf.dns);
	root = load(text);
	return hd_conf_parse(root, &conf, err);
}

static void parse_ok(const char *text)
{
	struct cnet_err err = { 0 };
	if (parse(text, &err) < 0)
		fail_msg("hd_conf_parse: %s", err.msg);
}

static void parse_fails(const char *text, int code, const char *msg)
{
	struct cnet_err err = { 0 };
	assert_true(parse(text, &err) < 0);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.code, code);
}

static int teardown(void **state)
{
	(void)state;
	cni_dns_clear(&conf.dns);
	json_decref(root);
	root = NULL;
	return 0;
}

static void test_selectors(void **state)
{
	(void)state;
	parse_ok(CONF(",\"device\":\"enp3s0\""));
	assert_int_equal(conf.select, HD_BY_DEVICE);
	assert_string_equal(conf.device, "enp3s0");
	assert_null(conf.ipam_type);
	assert_false(conf.has_dns);

	parse_ok(CONF(",\"hwaddr\":\"02:AA:bb:cc:dd:0e\""));
	assert_int_equal(conf.select, HD_BY_HWADDR);
	assert_true(conf.has_hwaddr);
	const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x0e };
	assert_memory_equal(conf.hwaddr, mac, 6);

	parse_ok(CONF(",\"kernelpath\":\"/sys/devices/pci0000:00/0000:00:1f.6\""));
	assert_int_equal(conf.select, HD_BY_KERNELPATH);
	assert_string_equal(conf.kernelpath, "/sys/devices/pci0000:00/0000:00:1f.6");

	parse_ok(CONF(",\"pciBusID\":\"0000:03:00.1\""));
	assert_int_equal(conf.select, HD_BY_PCI);
	assert_string_equal(conf.pci_id, "0000:03:00.1");
	assert_string_equal(conf.pci_key, "pciBusID");

	/* the capability overrides pciBusID, and works alone (auxiliary names too) */
	parse_ok(CONF(",\"pciBusID\":\"0000:03:00.1\","
		      "\"runtimeConfig\":{\"deviceID\":\"0000:04:00.5\"}"));
	assert_string_equal(conf.pci_id, "0000:04:00.5");
	assert_string_equal(conf.pci_key, "runtimeConfig.deviceID");
	parse_ok(CONF(",\"runtimeConfig\":{\"deviceID\":\"mlx5_core.sf.4\"}"));
	assert_int_equal(conf.select, HD_BY_PCI);
	assert_string_equal(conf.pci_id, "mlx5_core.sf.4");
}

/* The reference's precedence: device, hwaddr, kernelpath, then the PCI id. */
static void test_precedence(void **state)
{
	(void)state;
	parse_ok(CONF(",\"device\":\"d0\",\"hwaddr\":\"02:00:00:00:00:01\","
		      "\"kernelpath\":\"/sys/devices/x\",\"pciBusID\":\"0000:00:01.0\""));
	assert_int_equal(conf.select, HD_BY_DEVICE);
	parse_ok(CONF(",\"hwaddr\":\"02:00:00:00:00:01\",\"kernelpath\":\"/sys/devices/x\","
		      "\"runtimeConfig\":{\"deviceID\":\"0000:00:01.0\"}"));
	assert_int_equal(conf.select, HD_BY_HWADDR);
	assert_string_equal(conf.pci_id, "0000:00:01.0");   /* still known: DPDK mode */
	parse_ok(CONF(",\"kernelpath\":\"/sys/devices/x\",\"pciBusID\":\"0000:00:01.0\""));
	assert_int_equal(conf.select, HD_BY_KERNELPATH);
	/* "" is "not given", as in the reference */
	parse_ok(CONF(",\"device\":\"\",\"hwaddr\":\"\",\"pciBusID\":\"0000:00:01.0\","
		      "\"runtimeConfig\":{\"deviceID\":\"\"}"));
	assert_int_equal(conf.select, HD_BY_PCI);
	assert_string_equal(conf.pci_key, "pciBusID");
}

static void test_ipam_dns(void **state)
{
	(void)state;
	parse_ok(CONF(",\"device\":\"d0\",\"ipam\":{\"type\":\"host-local\"},"
		      "\"dns\":{\"nameservers\":[\"10.0.0.53\"],\"search\":[\"example.org\"]}"));
	assert_string_equal(conf.ipam_type, "host-local");
	assert_true(conf.has_dns);
	assert_int_equal(conf.dns.n_nameservers, 1);
	assert_string_equal(conf.dns.nameservers[0], "10.0.0.53");
	parse_ok(CONF(",\"device\":\"d0\",\"ipam\":{},\"dns\":{}"));
	assert_null(conf.ipam_type);
	assert_false(conf.has_dns);
}

static void test_bad(void **state)
{
	(void)state;
	const int inval = CNI_ERR_INVALID_CONFIG;
	parse_fails(CONF(""), inval,
		    "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\" (or the "
		    "deviceID capability)");
	parse_fails(CONF(",\"device\":5"), inval, "device: expected a string, got integer");
	parse_fails(CONF(",\"device\":\"a/b\""), inval,
		    "device: \"a/b\" is not a valid interface name");
	parse_fails(CONF(",\"device\":\"0123456789abcdef\""), inval,
		    "device: \"0123456789abcdef\" is not a valid interface name");
	parse_fails(CONF(",\"hwaddr\":true"), inval, "hwaddr: expected a string, got boolean");
	parse_fails(CONF(",\"hwaddr\":\"02:00:00:00:00\""), inval,
		    "hwaddr: \"02:00:00:00:00\" is not a MAC address");
	parse_fails(CONF(",\"kernelpath\":[]"), inval, "kernelpath: expected a string, got array");
	static const char *const bad_paths[] = {
		"sys/devices/x", "/sys/class/net/eth0", "/sys/devices/../../etc",
		"/sys/devices/a/./b", "/sys/devices//a", "/sys/devices/a/..",
	};
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		char text[256], msg[256];
		snprintf(text, sizeof(text), CONF(",\"kernelpath\":\"%s\""), bad_paths[i]);
		snprintf(msg, sizeof(msg),
			 "kernelpath: \"%s\" must be an absolute path under /sys/devices/ without "
			 "\".\" or \"..\" components",
			 bad_paths[i]);
		parse_fails(text, inval, msg);
	}
	parse_fails(CONF(",\"pciBusID\":1"), inval, "pciBusID: expected a string, got integer");
	parse_fails(CONF(",\"pciBusID\":\"../../../etc\""), inval,
		    "pciBusID: \"../../../etc\" is not a PCI address or device name (letters, "
		    "digits and \":._-\", at most 63 bytes)");
	parse_fails(CONF(",\"pciBusID\":\"0000:00:01.0\",\"runtimeConfig\":{\"deviceID\":\"..\"}"),
		    inval,
		    "runtimeConfig.deviceID: \"..\" is not a PCI address or device name (letters, "
		    "digits and \":._-\", at most 63 bytes)");
	parse_fails(CONF(",\"runtimeConfig\":{\"deviceID\":7}"), inval,
		    "runtimeConfig.deviceID: expected a string, got integer");
	parse_fails(CONF(",\"runtimeConfig\":[]"), inval,
		    "runtimeConfig: expected an object, got array");
	parse_fails(CONF(",\"device\":\"d0\",\"ipam\":\"host-local\""), inval,
		    "ipam: expected an object, got string");
	parse_fails(CONF(",\"device\":\"d0\",\"dns\":{\"nameservers\":\"x\"}"), inval,
		    "dns.nameservers: expected an array, got string");
}

static void test_valid_helpers(void **state)
{
	(void)state;
	assert_true(hd_valid_device_id("0000:00:1f.6"));
	assert_true(hd_valid_device_id("mlx5_core.sf.4"));
	assert_false(hd_valid_device_id(""));
	assert_false(hd_valid_device_id(".hidden"));
	assert_false(hd_valid_device_id("a/b"));
	assert_false(hd_valid_device_id("a b"));
	assert_true(hd_valid_kernelpath("/sys/devices/pci0000:00/0000:00:1f.6"));
	assert_true(hd_valid_kernelpath("/sys/devices/virtual/"));
	assert_false(hd_valid_kernelpath("/sys/devices/"));
	assert_false(hd_valid_kernelpath("/sys/devices/a\nb"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_selectors, teardown),
		cmocka_unit_test_teardown(test_precedence, teardown),
		cmocka_unit_test_teardown(test_ipam_dns, teardown),
		cmocka_unit_test_teardown(test_bad, teardown),
		cmocka_unit_test(test_valid_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
