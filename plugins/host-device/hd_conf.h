/* SPDX-License-Identifier: Apache-2.0 */
/* host-device: parse and validate the plugin config (pure; no I/O). */
#ifndef HOSTDEVICE_CONF_H
#define HOSTDEVICE_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "result.h"

#define HD_DEVICE_ID_MAX 64   /* a PCI address is 12 bytes, an auxiliary device name more */

/* Which key picks the host device: the reference's precedence, device first. */
enum hd_select { HD_BY_DEVICE, HD_BY_HWADDR, HD_BY_KERNELPATH, HD_BY_PCI };

struct hd_conf {
	enum hd_select select;
	const char *device;         /* "device" */
	uint8_t hwaddr[6];          /* "hwaddr" */
	bool has_hwaddr;
	const char *kernelpath;     /* "kernelpath": /sys/devices/... */
	const char *pci_id;         /* runtimeConfig.deviceID, else "pciBusID"; NULL if neither */
	const char *pci_key;        /* which of the two it came from, for messages */
	const char *ipam_type;      /* NULL: no addresses */
	bool has_dns;
	struct cni_dns dns;         /* "dns": the result's dns, as the reference */
};

/* Parse config. Strings borrow from config; free dns with cni_dns_clear(). */
int hd_conf_parse(json_t *config, struct hd_conf *c, struct cnet_err *err);

/* True for a PCI address or auxiliary device name we may put in a sysfs path. */
bool hd_valid_device_id(const char *id);
/* True for kernelpath's form: /sys/devices/<...>, no "." or ".." component, no "//". */
bool hd_valid_kernelpath(const char *path);

#endif
