/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What an attachment is asked for and how it is shown: the container ID derived from a NETNS
 * argument, the interface name chosen for it, the capability arguments of --ip, --mac and -p,
 * and the ADDRESSES and PORTS columns. Pure logic: no I/O, so the unit tests link it alone.
 */
#ifndef CNET_ATTACHSPEC_H
#define CNET_ATTACHSPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "ipaddr.h"

#define ATTACHSPEC_ID_MAX 64      /* a derived container ID is at most this long */
#define ATTACHSPEC_MAX_IFACES 100 /* eth0 ... eth99 */

/*
 * The container ID for a namespace called name (its name in the netns dir, or a path that is
 * not in it): name itself when it is a valid CNI container ID ([a-zA-Z0-9][a-zA-Z0-9_.-]*) of
 * at most ATTACHSPEC_ID_MAX bytes; else a valid ID made from it, so that different names get
 * different IDs: the leading '/' dropped, every other character outside [a-zA-Z0-9_.-] as '-',
 * "ns-" in front when it does not start with a letter or digit, cut to 55 bytes, then '-' and
 * 8 hex digits of a hash of name ("/proc/42/ns/net" -> "proc-42-ns-net-56192489").
 * out has len >= ATTACHSPEC_ID_MAX + 1 bytes. Returns 0, or -EINVAL for an empty name.
 */
int attachspec_container_id(const char *name, char *out, size_t len);

/* The first "ethN" (N = 0, 1, ...) that is not in used[0..n): docker's eth0, eth1, ... for a
 * container on several networks. -ENOSPC after eth99. */
int attachspec_pick_ifname(const char *const *used, size_t n, char out[16]);

/* The capability arguments of an attachment: {"portMappings": [...], "ips": [...], "mac": ...},
 * each only when asked for. Start with attachspec_caps_new(). */
json_t *attachspec_caps_new(void);
/* -p SPEC (see portspec.h). */
int attachspec_add_port(json_t *caps, const char *spec, struct cnet_err *err);
/* --ip ADDR: an IPv4 or IPv6 address (no prefix), at most one per family. */
int attachspec_add_ip(json_t *caps, const char *addr, struct cnet_err *err);
/* --mac MAC: a unicast MAC address (aa:bb:cc:dd:ee:ff), once. */
int attachspec_set_mac(json_t *caps, const char *mac, struct cnet_err *err);
/* The caps as what libcni passes (NULL when empty: no runtimeConfig at all). Borrowed. */
json_t *attachspec_caps_or_null(json_t *caps);

/*
 * Check that the conflist list takes every capability in caps (some plugin declares it in
 * "capabilities"): libcni silently drops the others, cnet refuses them, naming the option:
 * `network web does not take --ip (no plugin has the "ips" capability)`. With subnets
 * (n_subnets > 0, the network's host-local subnets), every --ip must be inside one of them.
 */
int attachspec_check_caps(json_t *list, const char *network, json_t *caps,
			  const struct ipnet *subnets, size_t n_subnets, struct cnet_err *err);

/* "10.89.0.2/24,fd89::2/64": every "address" of the result's "ips". */
const char *attachspec_format_addresses(json_t *result, char *buf, size_t len);
/* "8080->80/tcp,127.0.0.1:53->53/udp" (docker's form) of portMappings entries. */
const char *attachspec_format_ports(json_t *mappings, char *buf, size_t len);

#endif
