/* SPDX-License-Identifier: Apache-2.0 */
/* static IPAM: parse and validate the config and CNI_ARGS (pure; no I/O). */
#ifndef STATIC_CONF_H
#define STATIC_CONF_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"
#include "ipaddr.h"
#include "result.h"

#define ST_MAX_ADDRESSES CNI_RESULT_MAX_IPS
#define ST_CNI_ARG_MAX 4096   /* the longest IP= or GATEWAY= value read from CNI_ARGS */

/* Where the addresses in the result came from. The reference's precedence: runtimeConfig.ips
 * replaces everything, else args.cni.ips, else ipam.addresses followed by CNI_ARGS IP=. */
enum st_source { ST_SRC_CONFIG, ST_SRC_ARGS, ST_SRC_RUNTIME };

struct st_address {
	struct ipnet address;    /* host bits kept: "10.1.0.5/24" */
	struct ipaddr gateway;   /* family 0 = none */
};

struct st_conf {
	struct st_address addrs[ST_MAX_ADDRESSES];
	size_t n_addrs;
	enum st_source source;
	struct cni_route routes[CNI_RESULT_MAX_ROUTES];
	size_t n_routes;
	struct cni_dns dns;      /* owned: st_conf_free() */
	/* A CNI_ARGS GATEWAY= address in none of the IP= prefixes: the reference ignores it
	 * silently; the caller may log it. family 0 = none. */
	struct ipaddr unused_gateway;
};

/*
 * Parse config (the whole plugin config: "ipam", "args", "runtimeConfig") and cni_args
 * (CNI_ARGS, may be NULL) into c. Config errors name the key (code 7); a bad IP= or GATEWAY=
 * in CNI_ARGS is code 4. On failure nothing needs freeing; on success call st_conf_free().
 */
int st_conf_parse(json_t *config, const char *cni_args, struct st_conf *c, struct cnet_err *err);
void st_conf_free(struct st_conf *c);

#endif
