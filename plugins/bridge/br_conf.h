/* SPDX-License-Identifier: Apache-2.0 */
/* bridge: parse and validate the plugin config (pure; no I/O). */
#ifndef BRIDGE_CONF_H
#define BRIDGE_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "result.h"

#define BR_MAX_TRUNKS 64
#define BR_DEFAULT_NAME "cni0"

struct br_vlan_range {
	uint16_t min, max;
};

struct br_conf {
	const char *bridge;
	bool is_gateway, is_default_gateway, force_address, ip_masq, mac_spoof_chk;
	bool hairpin, promisc, enable_dad, disable_container_iface, port_isolation;
	bool preserve_default_vlan;
	unsigned mtu;
	uint16_t vlan;
	struct br_vlan_range trunks[BR_MAX_TRUNKS];
	size_t n_trunks;
	uint8_t mac[6];
	bool has_mac;
	const char *ipam_type;      /* NULL: layer 2 only */
	struct cni_dns dns;         /* from "dns": overrides what IPAM returned when not empty */
};

/* Parse config (and CNI_ARGS for MAC=). Strings borrow from config; free dns with
 * cni_dns_clear(). */
int br_conf_parse(json_t *config, const char *cni_args, struct br_conf *c, struct cnet_err *err);

#endif
