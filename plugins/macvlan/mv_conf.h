/* SPDX-License-Identifier: Apache-2.0 */
/* macvlan: parse and validate the plugin config (pure; no I/O). */
#ifndef MACVLAN_CONF_H
#define MACVLAN_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "result.h"

#define MV_MIN_MTU 68   /* ETH_MIN_MTU: the kernel refuses less */

struct mv_conf {
	const char *master;         /* NULL: the interface of the default route */
	uint32_t mode;              /* CNET_MACVLAN_* (nl.h) */
	unsigned mtu;               /* 0 = the master's */
	uint32_t bcqueuelen;        /* 0 = the kernel's default */
	bool link_in_container;     /* the master lives in the container's namespace */
	uint8_t mac[6];
	bool has_mac;
	const char *ipam_type;      /* NULL: layer 2 only */
	struct cni_dns dns;         /* from "dns": overrides what IPAM returned when not empty */
};

/* Parse config (and CNI_ARGS for MAC=). Strings borrow from config; free dns with
 * cni_dns_clear(). */
int mv_conf_parse(json_t *config, const char *cni_args, struct mv_conf *c, struct cnet_err *err);

/* "bridge", "private", "vepa", "passthru" ("" = bridge) -> CNET_MACVLAN_*; -EINVAL if unknown. */
int mv_mode_parse(const char *s, uint32_t *mode);
/* The config name of a mode, "unknown" for any other value. */
const char *mv_mode_name(uint32_t mode);

#endif
