/* SPDX-License-Identifier: Apache-2.0 */
/* portmap: parse and validate the plugin config (pure; no I/O). */
#ifndef PORTMAP_CONF_H
#define PORTMAP_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "ipaddr.h"
#include "result.h"

#define PM_MAX_MAPPINGS 1024

struct pm_mapping {
	uint16_t host_port, container_port;
	uint8_t proto;            /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
	struct ipaddr host_ip;    /* family 0: every host address */
};

struct pm_conf {
	const char *name;         /* the network */
	struct pm_mapping mappings[PM_MAX_MAPPINGS];
	size_t n_mappings;
	bool has_mappings;        /* runtimeConfig.portMappings was given (even empty) */
	bool snat, masq_all;
};

/* The container's addresses, from prevResult: the first IPv4 and IPv6 address of the
 * interface named ifname that lives in a sandbox (with their prefix, for masquerade). */
struct pm_container {
	struct ipnet v4, v6;      /* family 0 when absent */
	char host_iface[64];      /* the first host-side interface (the bridge): route_localnet */
};

int pm_conf_parse(json_t *config, struct pm_conf *c, struct cnet_err *err);
void pm_container_from_result(const struct cni_result *prev, const char *ifname,
			      struct pm_container *out);
/* "tcp", "udp", "sctp" */
const char *pm_proto_name(uint8_t proto);

#endif
