/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-device: finding a host network interface through sysfs, by PCI address or auxiliary
 * device name (runtimeConfig.deviceID, pciBusID), by device path (kernelpath) or by MAC
 * (hwaddr), and telling a PCI device bound to a userspace (DPDK) driver.
 *
 * The root is $CNET_SYSFS_ROOT when set (unit tests build a fake tree in a temporary
 * directory), /sys otherwise. Messages name the paths as they are under /sys.
 * Every lookup answers names in sorted order; the caller checks them against the kernel.
 */
#ifndef HOSTDEVICE_SYSFS_H
#define HOSTDEVICE_SYSFS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HD_NAMES_MAX 32

struct hd_names {
	char name[HD_NAMES_MAX][IF_NAMESIZE];
	size_t n;
};

/* $CNET_SYSFS_ROOT or "/sys". */
const char *hd_sysfs_root(void);

/*
 * The network interfaces of device id: /sys/bus/pci/devices/<id>/net/ (or, for virtio,
 * .../<id>/virtio<N>/net/), else /sys/bus/auxiliary/devices/<id>/net/. -ENOENT (code 7) when
 * there is no such device or it has no network interface.
 */
int hd_sysfs_device_netdevs(const char *id, struct hd_names *out, struct cnet_err *err);

/* The network interfaces under kernelpath (/sys/devices/...): <kernelpath>/net/. */
int hd_sysfs_kernelpath_netdevs(const char *kernelpath, struct hd_names *out,
				struct cnet_err *err);

/* The interfaces whose /sys/class/net/<name>/address is mac (none: out->n = 0). */
int hd_sysfs_find_mac(const uint8_t mac[6], struct hd_names *out, struct cnet_err *err);

/*
 * The driver bound to PCI device id (the last component of the target of
 * /sys/bus/pci/devices/<id>/driver) into buf: 0, "" when no driver is bound; -ENOENT when
 * there is no such PCI device.
 */
int hd_sysfs_pci_driver(const char *id, char *buf, size_t len);

/* vfio-pci, uio_pci_generic, igb_uio: the device is for userspace (DPDK), not the kernel. */
bool hd_userspace_driver(const char *driver);

#endif
