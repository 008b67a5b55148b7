/* SPDX-License-Identifier: Apache-2.0 */
/* bandwidth: parse and validate the plugin config (pure; no I/O). */
#ifndef BW_CONF_H
#define BW_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct bw_limits {
	uint64_t ingress_rate, ingress_burst;   /* bits/s, bits; 0: no limit */
	uint64_t egress_rate, egress_burst;
};

struct bw_conf {
	const char *name;          /* the network's (for the ifb's name) */
	struct bw_limits limits;   /* top level when any of its four keys is there, else
				    * runtimeConfig.bandwidth (as the reference) */
};

int bw_conf_parse(json_t *config, struct bw_conf *c, struct cnet_err *err);
static inline bool bw_ingress(const struct bw_limits *l)
{
	return l->ingress_rate && l->ingress_burst;
}
static inline bool bw_egress(const struct bw_limits *l)
{
	return l->egress_rate && l->egress_burst;
}
/* "bwp" + the first 12 hex digits of sha512(network + containerID): the reference's name. */
void bw_ifb_name(const char *network, const char *container_id, char out[16]);

#endif
