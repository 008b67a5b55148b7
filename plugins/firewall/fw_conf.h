/* SPDX-License-Identifier: Apache-2.0 */
/* firewall: parse and validate the plugin config, and what it needs from prevResult (pure). */
#ifndef FIREWALL_CONF_H
#define FIREWALL_CONF_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>

#include "err.h"
#include "ipaddr.h"
#include "result.h"

/* iptables' chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN - 1). */
#define FW_CHAIN_MAX 28

enum fw_policy {
	FW_OPEN,          /* "open" or absent: no isolation */
	FW_SAME_BRIDGE,   /* only the network itself (and the outside) reaches its containers */
	FW_ISOLATED,      /* same-bridge, and containers of the network cannot reach each other */
};

struct fw_conf {
	const char *name;                    /* the network */
	char admin_chain[FW_CHAIN_MAX + 1];  /* iptablesAdminChainName, "CNI-ADMIN" */
	enum fw_policy policy;               /* ingressPolicy */
};

/* What ADD/CHECK take from prevResult. */
#define FW_MAX_IPS 16
#define FW_MAX_PORTS 8
struct fw_attachment {
	struct ipaddr ips[FW_MAX_IPS];       /* every address of the result, as the reference */
	size_t n_ips;
	char bridge[64];                     /* interfaces[0]: the bridge, for ingressPolicy */
	char ports[FW_MAX_PORTS][64];        /* the other host-side interfaces (veth ends) */
	size_t n_ports;
};

int fw_conf_parse(json_t *config, struct fw_conf *c, struct cnet_err *err);
/* Fill out from prev; an ingressPolicy other than open needs a bridge (code 7 when absent). */
int fw_attachment_from_result(const struct cni_result *prev, const struct fw_conf *c,
			      struct fw_attachment *out, struct cnet_err *err);
const char *fw_policy_name(enum fw_policy p);

#endif
