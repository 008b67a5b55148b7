// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "conf.h"
#include "hd_conf.h"
#include "ipam.h"

bool hd_valid_device_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n >= HD_DEVICE_ID_MAX || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++) {
		char ch = *p;
		if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'z') &&
		    !(ch >= 'A' && ch <= 'Z') && !strchr(":._-", ch))
			return false;
	}
	return true;
}

bool hd_valid_kernelpath(const char *path)
{
	static const char prefix[] = "/sys/devices/";
	if (strncmp(path, prefix, sizeof(prefix) - 1) || strlen(path) >= 4096)
		return false;
	const char *p = path + sizeof(prefix) - 1;
	if (!*p)
		return false;
	while (*p) {   /* each component: not empty, ".", "..", and no control characters */
		size_t n = strcspn(p, "/");
		if (n == 0 && p[n] == '/')
			return false;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20)
				return false;
		p += n + (p[n] == '/');
	}
	return true;
}

/* A selector string: "" counts as absent, as in the reference. */
static int selector(json_t *config, const char *path, const char *key, const char **out,
		    struct cnet_err *err)
{
	const char *s = NULL;
	int r = conf_string(config, path, key, false, &s, err);
	*out = r >= 0 && s && *s ? s : NULL;
	return r;
}

static int parse_device_id(json_t *config, struct hd_conf *c, struct cnet_err *err)
{
	json_t *rc = NULL;
	const char *pci = NULL, *dev_id = NULL;
	int r = selector(config, "", "pciBusID", &pci, err);
	if (r >= 0)
		r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = selector(rc, "runtimeConfig", "deviceID", &dev_id, err);
	if (r < 0)
		return r;
	/* the capability overrides the key, as in the reference */
	const char *key = dev_id ? "runtimeConfig.deviceID" : "pciBusID";
	c->pci_id = dev_id ? dev_id : pci;
	c->pci_key = key;
	if (c->pci_id && !hd_valid_device_id(c->pci_id))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: \"%s\" is not a PCI address or device name "
				    "(letters, digits and \":._-\", at most %d bytes)",
				    key, c->pci_id, HD_DEVICE_ID_MAX - 1);
	return 0;
}

static int parse_selectors(json_t *config, struct hd_conf *c, struct cnet_err *err)
{
	const char *hwaddr = NULL;
	int r = selector(config, "", "device", &c->device, err);
	if (r >= 0)
		r = selector(config, "", "hwaddr", &hwaddr, err);
	if (r >= 0)
		r = selector(config, "", "kernelpath", &c->kernelpath, err);
	if (r >= 0)
		r = parse_device_id(config, c, err);
	if (r < 0)
		return r;
	if (c->device && !cni_valid_ifname(c->device))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "device: \"%s\" is not a valid interface name", c->device);
	if (hwaddr && mac_parse(hwaddr, c->hwaddr) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "hwaddr: \"%s\" is not a MAC address", hwaddr);
	c->has_hwaddr = hwaddr != NULL;
	if (c->kernelpath && !hd_valid_kernelpath(c->kernelpath))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "kernelpath: \"%s\" must be an absolute path under /sys/devices/ "
				    "without \".\" or \"..\" components",
				    c->kernelpath);
	if (c->device)
		c->select = HD_BY_DEVICE;
	else if (c->has_hwaddr)
		c->select = HD_BY_HWADDR;
	else if (c->kernelpath)
		c->select = HD_BY_KERNELPATH;
	else if (c->pci_id)
		c->select = HD_BY_PCI;
	else
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "specify either \"device\", \"hwaddr\", \"kernelpath\" or "
				    "\"pciBusID\" (or the deviceID capability)");
	return 0;
}

static int parse_dns(json_t *config, struct hd_conf *c, struct cnet_err *err)
{
	int r = cni_dns_parse_key(config, &c->dns, err);
	c->has_dns = r >= 0 && !cni_dns_is_empty(&c->dns);
	return r;
}

int hd_conf_parse(json_t *config, struct hd_conf *c, struct cnet_err *err)
{
	memset(c, 0, sizeof(*c));
	int r = parse_selectors(config, c, err);
	if (r >= 0)
		r = ipam_conf_type(config, &c->ipam_type, err);
	if (r >= 0)
		r = parse_dns(config, c, err);
	return r;
}
