// SPDX-License-Identifier: Apache-2.0
/* host-device's sysfs lookups (plugins/host-device/sysfs.c) on a fake tree under
 * CNET_SYSFS_ROOT, and its state file (state.c) under CNET_RUN_DIR, both in a temp dir. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include "../../plugins/host-device/hd_state.h"
#include "../../plugins/host-device/hd_sysfs.h"

static char tmp[PATH_MAX];

/* mkdir -p <tmp>/<rel> */
static void mk(const char *rel)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (char *p = path + strlen(tmp) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	assert_int_equal(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void lnk(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	assert_int_equal(symlink(target, path), 0);
}

/*
 * A machine with: an Intel NIC 0000:00:1f.6 (eno1), a two-port card 0000:03:00.0 (enp3s0f1,
 * enp3s0f0), a virtio NIC 0000:00:03.0 (ens3), a VF bound to vfio-pci 0000:04:00.5 (no net
 * dir), a bare PCI device 0000:05:00.0 with an empty net dir, and an auxiliary SF.
 */
static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/cnet-hd-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	mk("devices/pci0000:00/0000:00:1f.6/net/eno1");
	mk("devices/pci0000:00/0000:03:00.0/net/enp3s0f1");
	mk("devices/pci0000:00/0000:03:00.0/net/enp3s0f0");
	mk("devices/pci0000:00/0000:00:03.0/virtio0/net/ens3");
	mk("devices/pci0000:00/0000:04:00.5");
	mk("devices/pci0000:00/0000:05:00.0/net");
	mk("devices/pci0000:00/0000:03:00.0/mlx5_core.sf.4/net/enp3s0f0s4");
	mk("bus/pci/devices");
	mk("bus/pci/drivers/e1000e");
	mk("bus/pci/drivers/vfio-pci");
	mk("bus/auxiliary/devices");
	lnk("../../../devices/pci0000:00/0000:00:1f.6", "bus/pci/devices/0000:00:1f.6");
	lnk("../../../devices/pci0000:00/0000:03:00.0", "bus/pci/devices/0000:03:00.0");
	lnk("../../../devices/pci0000:00/0000:00:03.0", "bus/pci/devices/0000:00:03.0");
	lnk("../../../devices/pci0000:00/0000:04:00.5", "bus/pci/devices/0000:04:00.5");
	lnk("../../../devices/pci0000:00/0000:05:00.0", "bus/pci/devices/0000:05:00.0");
	lnk("../../../devices/pci0000:00/0000:03:00.0/mlx5_core.sf.4",
	    "bus/auxiliary/devices/mlx5_core.sf.4");
	lnk("../../../../bus/pci/drivers/e1000e", "devices/pci0000:00/0000:00:1f.6/driver");
	lnk("../../../../bus/pci/drivers/vfio-pci", "devices/pci0000:00/0000:04:00.5/driver");
	mk("class/net/eno1");
	put("class/net/eno1/address", "3c:52:82:00:00:01\n");
	mk("class/net/enp3s0f0");
	put("class/net/enp3s0f0/address", "3c:52:82:00:00:02\n");
	mk("class/net/bond0");
	put("class/net/bond0/address", "3c:52:82:00:00:02\n");   /* a bond copies its port's */
	mk("class/net/ib0");
	put("class/net/ib0/address", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:bd:11\n");
	mk("class/net/lo");
	put("class/net/lo/address", "00:00:00:00:00:00\n");
	assert_int_equal(setenv("CNET_SYSFS_ROOT", tmp, 1), 0);
	char run[PATH_MAX + 8];
	snprintf(run, sizeof(run), "%s/run", tmp);
	assert_int_equal(setenv("CNET_RUN_DIR", run, 1), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("CNET_SYSFS_ROOT");
	unsetenv("CNET_RUN_DIR");
	rm_tree(tmp);
	return 0;
}

static void names_are(const struct hd_names *n, const char *a, const char *b)
{
	assert_int_equal(n->n, b ? 2 : 1);
	assert_string_equal(n->name[0], a);
	if (b)
		assert_string_equal(n->name[1], b);
}

static void test_root(void **state)
{
	(void)state;
	assert_string_equal(hd_sysfs_root(), tmp);
	setenv("CNET_SYSFS_ROOT", "", 1);
	assert_string_equal(hd_sysfs_root(), "/sys");
	setenv("CNET_SYSFS_ROOT", tmp, 1);
}

static void test_pci(void **state)
{
	(void)state;
	struct hd_names n;
	struct cnet_err err = { 0 };
	assert_int_equal(hd_sysfs_device_netdevs("0000:00:1f.6", &n, &err), 0);
	names_are(&n, "eno1", NULL);
	assert_int_equal(hd_sysfs_device_netdevs("0000:03:00.0", &n, &err), 0);
	names_are(&n, "enp3s0f0", "enp3s0f1");   /* sorted */
	assert_int_equal(hd_sysfs_device_netdevs("0000:00:03.0", &n, &err), 0);
	names_are(&n, "ens3", NULL);             /* virtio: one level down */
	assert_int_equal(hd_sysfs_device_netdevs("mlx5_core.sf.4", &n, &err), 0);
	names_are(&n, "enp3s0f0s4", NULL);       /* auxiliary bus */
}

static void test_pci_bad(void **state)
{
	(void)state;
	struct hd_names n;
	struct cnet_err err = { 0 };
	assert_int_equal(hd_sysfs_device_netdevs("0000:09:00.0", &n, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, "no PCI or auxiliary device \"0000:09:00.0\" (no "
				     "/sys/bus/pci/devices/0000:09:00.0 nor "
				     "/sys/bus/auxiliary/devices/0000:09:00.0)");
	assert_true(hd_sysfs_device_netdevs("0000:04:00.5", &n, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, "device \"0000:04:00.5\" has no network interface (no net "
				     "directory; bound to a userspace driver other than vfio-pci, "
				     "uio_pci_generic or igb_uio?)");
	assert_true(hd_sysfs_device_netdevs("0000:05:00.0", &n, &err) < 0);
	assert_string_equal(err.msg,
			    "device \"0000:05:00.0\" has no network interface (empty net directory)");
}

static void test_kernelpath(void **state)
{
	(void)state;
	struct hd_names n;
	struct cnet_err err = { 0 };
	assert_int_equal(hd_sysfs_kernelpath_netdevs("/sys/devices/pci0000:00/0000:00:1f.6", &n,
						     &err), 0);
	names_are(&n, "eno1", NULL);
	assert_int_equal(hd_sysfs_kernelpath_netdevs("/sys/devices/pci0000:00/0000:03:00.0/", &n,
						     &err), 0);
	names_are(&n, "enp3s0f0", "enp3s0f1");
	assert_true(hd_sysfs_kernelpath_netdevs("/sys/devices/pci0000:00/0000:04:00.5", &n,
						&err) < 0);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg,
			    "no network interface at \"/sys/devices/pci0000:00/0000:04:00.5/net\"");
	assert_true(hd_sysfs_kernelpath_netdevs("/sys/devices/nothing", &n, &err) < 0);
	assert_string_equal(err.msg, "no network interface at \"/sys/devices/nothing/net\"");
}

static void test_mac(void **state)
{
	(void)state;
	struct hd_names n;
	struct cnet_err err = { 0 };
	const uint8_t eno1[6] = { 0x3c, 0x52, 0x82, 0, 0, 1 };
	const uint8_t shared[6] = { 0x3c, 0x52, 0x82, 0, 0, 2 };
	const uint8_t none[6] = { 0x3c, 0x52, 0x82, 0, 0, 9 };
	assert_int_equal(hd_sysfs_find_mac(eno1, &n, &err), 0);
	names_are(&n, "eno1", NULL);
	assert_int_equal(hd_sysfs_find_mac(shared, &n, &err), 0);
	names_are(&n, "bond0", "enp3s0f0");   /* every holder; the caller checks the kernel */
	assert_int_equal(hd_sysfs_find_mac(none, &n, &err), 0);
	assert_int_equal(n.n, 0);
}

static void test_driver(void **state)
{
	(void)state;
	char drv[64];
	assert_int_equal(hd_sysfs_pci_driver("0000:00:1f.6", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "e1000e");
	assert_false(hd_userspace_driver(drv));
	assert_int_equal(hd_sysfs_pci_driver("0000:04:00.5", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
	assert_true(hd_userspace_driver(drv));
	assert_int_equal(hd_sysfs_pci_driver("0000:03:00.0", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "");   /* no driver bound */
	assert_int_equal(hd_sysfs_pci_driver("0000:09:00.0", drv, sizeof(drv)), -ENOENT);
	assert_true(hd_userspace_driver("uio_pci_generic"));
	assert_true(hd_userspace_driver("igb_uio"));
}

static const struct hd_state sample = {
	.container_id = "c0ffee",
	.ifname = "eth0",
	.host_name = "enp3s0f0",
	.host_alias = "uplink A",
	.ifindex = 7,
	.mac = { 0x3c, 0x52, 0x82, 0, 0, 2 },
	.kind = "",
};

static void test_state_codec(void **state)
{
	(void)state;
	struct hd_state s;
	struct cnet_err err = { 0 };
	char *text = hd_state_encode(&sample);
	assert_non_null(text);
	assert_string_equal(text, "{\n \"containerID\": \"c0ffee\",\n \"ifname\": \"eth0\",\n"
				  " \"hostName\": \"enp3s0f0\",\n \"hostAlias\": \"uplink A\",\n"
				  " \"hostIfindex\": 7,\n \"mac\": \"3c:52:82:00:00:02\",\n"
				  " \"kind\": \"\"\n}");
	assert_int_equal(hd_state_decode(text, strlen(text), &s, &err), 0);
	assert_memory_equal(&s, &sample, sizeof(s));
	free(text);
	static const char bad[] = "{\"containerID\":\"c\",\"ifname\":\"eth0\"}";
	assert_true(hd_state_decode(bad, strlen(bad), &s, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_string_equal(err.msg, "host-device state: state.hostName: missing required key");
	static const char long_name[] =
		"{\"containerID\":\"c\",\"ifname\":\"eth0\",\"hostName\":\"0123456789abcdef\"}";
	assert_true(hd_state_decode(long_name, strlen(long_name), &s, &err) < 0);
	assert_string_equal(err.msg, "host-device state: state.hostName: longer than 15 bytes");
	assert_true(hd_state_decode("[]", 2, &s, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_DECODE);
}

static int count_cb(const struct hd_state *s, void *ctx, struct cnet_err *err)
{
	(void)err;
	(*(int *)ctx)++;
	if (!strcmp(s->container_id, "bad"))
		return cnet_err_set(err, CNI_ERR_IO, EIO, "callback failed");
	return 0;
}

static void test_state_files(void **state)
{
	(void)state;
	struct hd_state s, b = sample;
	struct cnet_err err = { 0 };
	char dir[PATH_MAX];
	assert_int_equal(hd_state_load("net1", "c0ffee", "eth0", &s, &err), -ENOENT);
	assert_int_equal(hd_state_remove("net1", "c0ffee", "eth0", &err), 0);
	assert_int_equal(hd_state_save("net1", &sample, &err), 0);
	assert_int_equal(hd_state_load("net1", "c0ffee", "eth0", &s, &err), 0);
	assert_memory_equal(&s, &sample, sizeof(s));
	assert_int_equal(hd_state_load("net2", "c0ffee", "eth0", &s, &err), -ENOENT);
	assert_int_equal(hd_state_dir("net1", dir, sizeof(dir), &err), 0);
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "%s/run/host-device/net1", tmp);
	assert_string_equal(dir, want);
	snprintf(want, sizeof(want), "%s/run/host-device/net1/c0ffee_eth0.json", tmp);
	assert_int_equal(access(want, R_OK), 0);

	/* GC's walk: every record, a broken file skipped, a failing callback does not stop it */
	snprintf(b.container_id, sizeof(b.container_id), "bad");
	assert_int_equal(hd_state_save("net1", &b, &err), 0);
	put("run/host-device/net1/junk_eth0.json", "not json");
	put("run/host-device/net1/c0ffee_eth1.json.cnet-tmp.1", "{}");
	int calls = 0;
	assert_int_equal(hd_state_each("net1", count_cb, &calls, &err), -EIO);
	assert_int_equal(calls, 2);
	assert_string_equal(err.msg, "callback failed: Input/output error");
	calls = 0;
	assert_int_equal(hd_state_each("nonet", count_cb, &calls, &err), 0);
	assert_int_equal(calls, 0);

	assert_int_equal(hd_state_remove("net1", "c0ffee", "eth0", &err), 0);
	assert_int_equal(hd_state_load("net1", "c0ffee", "eth0", &s, &err), -ENOENT);
	assert_int_equal(hd_state_remove("net1", "c0ffee", "eth0", &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_pci_bad),
		cmocka_unit_test(test_kernelpath),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_driver),
		cmocka_unit_test(test_state_codec),
		cmocka_unit_test(test_state_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
