/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network definitions: the conflist `cnet create` writes for a driver, and what `cnet ls`,
 * `inspect`, `rm` read back from any conflist (driver, subnets, bridge). Pure logic: no I/O,
 * so the unit tests link it alone.
 */
#ifndef CNET_NETDEF_H
#define CNET_NETDEF_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "ipaddr.h"

#define NETDEF_MAX_SUBNETS 2        /* one IPv4, one IPv6 */
#define NETDEF_NAME_MAX 128
#define NETDEF_CNI_VERSION "1.0.0"
#define NETDEF_DEFAULT_NETWORK "cnet0"

enum netdef_isolate { NETDEF_ISOLATE_SAME_BRIDGE, NETDEF_ISOLATE_OPEN, NETDEF_ISOLATE_STRICT };

/* What `cnet create` was asked for, after netdef_check(). */
struct netdef {
	const char *name;
	const char *driver;              /* bridge, macvlan, vxlan, host-device */
	const char *ipam;                /* host-local, static, dhcp */
	struct ipnet subnets[NETDEF_MAX_SUBNETS];   /* network form (host bits clear) */
	size_t n_subnets;
	struct ipaddr gateway;           /* --gateway; family 0 = none */
	struct ipnet ip_range;           /* --ip-range; addr.family 0 = none */
	bool ipv6, internal;
	enum netdef_isolate isolate;     /* --opt isolate=true|false|strict (bridge only) */
	const char *parent;              /* --parent (macvlan master, host-device device) */
	char bridge[16];                 /* the bridge driver's link name */
	json_t *opts;                    /* --opt KEY=VALUE, typed (borrowed), or NULL */
	const char *created;             /* RFC 3339, for the "cnet" key */
};

/* The drivers and IPAM types cnet create knows. */
bool netdef_known_driver(const char *driver);
bool netdef_known_ipam(const char *ipam);

/*
 * Parse one --opt "KEY=VALUE" into opts[KEY]: VALUE becomes an integer when it is one,
 * true/false when it is one of those, else a string. "isolate" is not put in opts but into
 * d->isolate. Keys cnet writes itself (type, ipam, capabilities, name, cniVersion) are refused.
 */
int netdef_add_opt(struct netdef *d, json_t *opts, const char *kv, struct cnet_err *err);

/*
 * Add one --subnet (a CIDR; host bits must be clear): at most one per family. Sets ipv6 for
 * an IPv6 subnet.
 */
int netdef_add_subnet(struct netdef *d, const char *cidr, struct cnet_err *err);

/*
 * Check the combination (after every option, before subnets are chosen): the IPAM type and
 * the subnet options, --parent for the driver, and netdef_check_subnets(): --gateway and
 * --ip-range inside the given --subnet of their family (a chosen subnet has neither).
 */
int netdef_check(const struct netdef *d, struct cnet_err *err);
int netdef_check_subnets(const struct netdef *d, struct cnet_err *err);

/* Whether the definition wants subnets (host-local IPAM), an IPv4 one chosen (none given),
 * an IPv6 one chosen (--ipv6 without an IPv6 --subnet). */
bool netdef_wants_v4(const struct netdef *d);
bool netdef_wants_v6(const struct netdef *d);

/* The plugin types the conflist will run (driver, ipam, portmap, firewall), NULL-terminated. */
size_t netdef_plugin_types(const struct netdef *d, const char *types[5]);

/*
 * The bridge's name for network name: "cn-<name>" when it fits in 15 bytes, else
 * "cn-<first 7>-<4 hex of a hash>"; taken(candidate, arg) true makes it try other hashes.
 * Returns 0 or -EEXIST (err) when 100 candidates are all taken.
 */
int netdef_bridge_name(const char *name, bool (*taken)(const char *ifname, void *arg), void *arg,
		       char out[16], struct cnet_err *err);

/* The conflist (new reference). */
json_t *netdef_build(const struct netdef *d);

/* ---- reading any conflist back ------------------------------------------------------------ */

/* "cnet"."driver" when cnet made it, else the first plugin's type ("" if none). Borrowed. */
const char *netdef_driver_of(json_t *list);
/* True when the list carries cnet's "cnet" object (cnet create made it). */
bool netdef_is_cnet_made(json_t *list);
/* Every "subnet" of every plugin's ipam (ranges[][].subnet and the older subnet key), in
 * order, duplicates dropped; strings that are not CIDRs are skipped. Returns the count (at
 * most max are stored). */
size_t netdef_subnets_of(json_t *list, struct ipnet *out, size_t max);
/* The bridge of the first plugin of type "bridge" (its "bridge" key, default "cni0") or else
 * "vxlan" (default "vxbr<vni>") into out; false without such a plugin. */
bool netdef_bridge_of(json_t *list, char out[IF_NAMESIZE]);
/* The VXLAN link of the list's vxlan plugin ("vxlan<vni>") into out; false without one. */
bool netdef_vxlan_of(json_t *list, char out[IF_NAMESIZE]);
/* The host-local dataDir of the list's first host-local ipam (default /var/lib/cni/networks),
 * NULL when no plugin uses host-local. */
const char *netdef_hostlocal_dir_of(json_t *list);

#endif
