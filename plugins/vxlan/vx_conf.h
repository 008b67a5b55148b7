/* SPDX-License-Identifier: Apache-2.0 */
/* vxlan: the keys it adds to the bridge plugin's (pure parsing; no I/O). */
#ifndef VX_CONF_H
#define VX_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "ipaddr.h"

#define VX_VNI_MAX 16777215
#define VX_DEFAULT_PORT 4789   /* IANA's (the kernel's own default is Linux's old 8472) */
#define VX_MAX_PEERS 256

struct vx_conf {
	uint32_t vni;
	uint16_t port;
	bool learning;
	struct ipaddr local;     /* family 0: not given */
	const char *dev;         /* NULL: not given (borrowed from the config) */
	struct ipaddr peers[VX_MAX_PEERS];
	size_t n_peers;
	char device[16];         /* "vxlan<vni>" */
	char bridge[16];         /* the default bridge: "vxbr<vni>" */
};

/* vni (required), peers, local, dev, port, learning; code 7 naming the key. */
int vx_conf_parse(json_t *config, struct vx_conf *c, struct cnet_err *err);

#endif
