/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI result model (interfaces, ips, routes, dns) and its JSON in every spec version we
 * speak: 0.3.0, 0.3.1, 0.4.0 (ips[].version), 1.0.0 and 1.1.0 (route mtu/advmss/priority/
 * table/scope, interface mtu/socketPath/pciID). Parsing accepts any of them; emitting writes
 * exactly the fields the requested version has, in the reference plugins' shape (an empty
 * "dns": {} included, optional fields omitted when unset).
 */
#ifndef CNET_RESULT_H
#define CNET_RESULT_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"
#include "ipaddr.h"

#define CNI_RESULT_MAX_IFACES 8
#define CNI_RESULT_MAX_IPS 16
#define CNI_RESULT_MAX_ROUTES 64
#define CNI_RESULT_MAX_DNS 16

struct cni_iface {
	char name[64];
	char mac[MAC_STRLEN + 6];   /* room for 20-byte infiniband addresses is not needed here */
	char sandbox[256];
	char socket_path[256];
	char pci_id[64];
	int mtu;                    /* 0 = unset */
};

struct cni_ip {
	struct ipnet address;       /* host bits kept */
	struct ipaddr gateway;      /* family 0 = unset */
	int interface;              /* index into interfaces[], -1 = unset */
};

struct cni_route {
	struct ipnet dst;
	struct ipaddr gw;           /* family 0 = unset */
	int mtu, advmss, priority;  /* 0 = unset */
	int table, scope;           /* -1 = unset */
};

struct cni_dns {
	char *nameservers[CNI_RESULT_MAX_DNS];
	size_t n_nameservers;
	char *domain;
	char *search[CNI_RESULT_MAX_DNS];
	size_t n_search;
	char *options[CNI_RESULT_MAX_DNS];
	size_t n_options;
};

struct cni_result {
	char cni_version[16];
	struct cni_iface interfaces[CNI_RESULT_MAX_IFACES];
	size_t n_interfaces;
	struct cni_ip ips[CNI_RESULT_MAX_IPS];
	size_t n_ips;
	struct cni_route routes[CNI_RESULT_MAX_ROUTES];
	size_t n_routes;
	struct cni_dns dns;
};

struct cni_result *cni_result_new(const char *version);
void cni_result_free(struct cni_result *r);
/* A deep copy of src (an empty result when src is NULL) to be emitted as version: what a
 * chained plugin that changes nothing prints (its prevResult). NULL when out of memory. */
struct cni_result *cni_result_copy(const struct cni_result *src, const char *version);
static inline void cni_result_freep(struct cni_result **r)
{
	cni_result_free(*r);
}
#define cleanup_result __attribute__((cleanup(cni_result_freep)))

/* Parse a result object (any supported version). path names it in errors ("prevResult"). */
struct cni_result *cni_result_parse(json_t *obj, const char *path, struct cnet_err *err);
/* Emit for version (one of cni_versions_supported). New reference. */
json_t *cni_result_to_json(const struct cni_result *r, const char *version);

/* Append helpers; return the new element's index or -ENOSPC (err filled). */
int cni_result_add_iface(struct cni_result *r, const char *name, const uint8_t *mac,
			 const char *sandbox, struct cnet_err *err);
int cni_result_add_ip(struct cni_result *r, const struct cni_ip *ip, struct cnet_err *err);
int cni_result_add_route(struct cni_result *r, const struct cni_route *rt, struct cnet_err *err);
/* Replace r's dns by a deep copy of src. */
void cni_result_set_dns(struct cni_result *r, const struct cni_dns *src);
void cni_dns_clear(struct cni_dns *d);
/* Parse a "dns" object ({nameservers, domain, search, options}) into d. */
int cni_dns_parse(json_t *obj, const char *path, struct cni_dns *d, struct cnet_err *err);
/* A main plugin's optional top-level "dns" key (absent: d stays empty). */
int cni_dns_parse_key(json_t *config, struct cni_dns *d, struct cnet_err *err);
bool cni_dns_is_empty(const struct cni_dns *d);

/* Parse one route object ({dst, gw, mtu, advmss, priority, table, scope}). */
int cni_route_parse(json_t *obj, const char *path, struct cni_route *rt, struct cnet_err *err);

/* Supported spec versions, oldest first, NULL-terminated. */
extern const char *const cni_versions_supported[];
bool cni_version_supported(const char *v);
/* strcmp-like comparison of dotted versions ("0.4.0" < "1.0.0"). */
int cni_version_cmp(const char *a, const char *b);

#endif
