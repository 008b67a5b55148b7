/* SPDX-License-Identifier: Apache-2.0 */
/* host-local: parse and validate the "ipam" config (pure; no I/O). */
#ifndef HOSTLOCAL_CONF_H
#define HOSTLOCAL_CONF_H

#include <jansson.h>
#include <limits.h>

#include "err.h"
#include "ipaddr.h"
#include "result.h"

#define HL_MAX_SETS 8
#define HL_MAX_RANGES 16
#define HL_MAX_REQUESTED 16
#define HL_DEFAULT_DATA_DIR "/var/lib/cni/networks"

/* One range: addresses start..end of subnet, gateway excluded. Defaults are filled in. */
struct hl_range {
	struct ipnet subnet;
	struct ipaddr start, end, gateway;
};

/* A range set: a pool of disjoint ranges of one family; one address is taken from it. */
struct hl_rangeset {
	struct hl_range ranges[HL_MAX_RANGES];
	size_t n;
};

struct hl_conf {
	const char *name;                       /* the network name (the state dir) */
	struct hl_rangeset sets[HL_MAX_SETS];
	size_t n_sets;
	struct cni_route routes[CNI_RESULT_MAX_ROUTES];
	size_t n_routes;
	char data_dir[PATH_MAX];
	const char *resolv_conf;                /* NULL when not given */
	struct ipaddr requested[HL_MAX_REQUESTED];
	size_t n_requested;
};

/*
 * Parse config (the whole plugin config: "ipam", "runtimeConfig", "args") and cni_args
 * (CNI_ARGS) into c. Strings in c borrow from config. Errors name the key, code 7.
 */
int hl_conf_parse(json_t *config, const char *cni_args, struct hl_conf *c, struct cnet_err *err);

/* Does r contain ip (within start..end)? */
int hl_range_contains(const struct hl_range *r, const struct ipaddr *ip);
/* The range of set that contains ip, or NULL. */
const struct hl_range *hl_rangeset_find(const struct hl_rangeset *set, const struct ipaddr *ip);

#endif
