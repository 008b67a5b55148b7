/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `-p` port specs, as docker and podman write them, into portmap's portMappings entries:
 *
 *	8080:80            {"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}
 *	127.0.0.1:8080:80  ... "hostIP": "127.0.0.1"
 *	[fd00::1]:53:53/udp
 *	8000-8002:9000-9002/sctp   three mappings (portmap has no ranges: one entry per port)
 *
 * A spec without a host port (`-p 80`) is refused: cnet does not pick host ports.
 */
#ifndef CNET_PORTSPEC_H
#define CNET_PORTSPEC_H

#include <jansson.h>

#include "err.h"

#define PORTSPEC_MAX_RANGE 1024   /* ports in one range */

/* Append the mappings of spec to arr (a JSON array). Errors: code 7, naming the spec. */
int portspec_parse(const char *spec, json_t *arr, struct cnet_err *err);

#endif
