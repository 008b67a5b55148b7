// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "conf.h"
#include "result.h"

const char *const cni_versions_supported[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL };

bool cni_version_supported(const char *v)
{
	for (size_t i = 0; cni_versions_supported[i]; i++)
		if (!strcmp(v, cni_versions_supported[i]))
			return true;
	return false;
}

int cni_version_cmp(const char *a, const char *b)
{
	unsigned va[3] = { 0 }, vb[3] = { 0 };
	sscanf(a, "%u.%u.%u", &va[0], &va[1], &va[2]);
	sscanf(b, "%u.%u.%u", &vb[0], &vb[1], &vb[2]);
	for (int i = 0; i < 3; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	return 0;
}

struct cni_result *cni_result_new(const char *version)
{
	struct cni_result *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	snprintf(r->cni_version, sizeof(r->cni_version), "%s", version ? version : "1.1.0");
	return r;
}

struct cni_result *cni_result_copy(const struct cni_result *src, const char *version)
{
	struct cni_result *r = cni_result_new(version);
	if (!r || !src)
		return r;
	*r = *src;
	memset(&r->dns, 0, sizeof(r->dns));   /* its strings are copied, not shared */
	cni_result_set_dns(r, &src->dns);
	snprintf(r->cni_version, sizeof(r->cni_version), "%s", version ? version : "1.1.0");
	return r;
}

void cni_dns_clear(struct cni_dns *d)
{
	for (size_t i = 0; i < d->n_nameservers; i++)
		free(d->nameservers[i]);
	for (size_t i = 0; i < d->n_search; i++)
		free(d->search[i]);
	for (size_t i = 0; i < d->n_options; i++)
		free(d->options[i]);
	free(d->domain);
	memset(d, 0, sizeof(*d));
}

void cni_result_free(struct cni_result *r)
{
	if (!r)
		return;
	cni_dns_clear(&r->dns);
	free(r);
}

bool cni_dns_is_empty(const struct cni_dns *d)
{
	return !d->n_nameservers && !d->domain && !d->n_search && !d->n_options;
}

static void copy_strv(char **dst, size_t *n_dst, char *const *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = strdup(src[i]);
	*n_dst = n;
}

void cni_result_set_dns(struct cni_result *r, const struct cni_dns *src)
{
	struct cni_dns copy = { 0 };
	copy_strv(copy.nameservers, &copy.n_nameservers, src->nameservers, src->n_nameservers);
	copy_strv(copy.search, &copy.n_search, src->search, src->n_search);
	copy_strv(copy.options, &copy.n_options, src->options, src->n_options);
	copy.domain = src->domain ? strdup(src->domain) : NULL;
	cni_dns_clear(&r->dns);
	r->dns = copy;
}

int cni_result_add_iface(struct cni_result *r, const char *name, const uint8_t *mac,
			 const char *sandbox, struct cnet_err *err)
{
	if (r->n_interfaces >= CNI_RESULT_MAX_IFACES)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOSPC, "result: too many interfaces");
	struct cni_iface *i = &r->interfaces[r->n_interfaces];
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", name);
	if (mac)
		mac_format(mac, i->mac);
	if (sandbox)
		snprintf(i->sandbox, sizeof(i->sandbox), "%s", sandbox);
	return (int)r->n_interfaces++;
}

int cni_result_add_ip(struct cni_result *r, const struct cni_ip *ip, struct cnet_err *err)
{
	if (r->n_ips >= CNI_RESULT_MAX_IPS)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOSPC, "result: too many ips");
	r->ips[r->n_ips] = *ip;
	return (int)r->n_ips++;
}

int cni_result_add_route(struct cni_result *r, const struct cni_route *rt, struct cnet_err *err)
{
	if (r->n_routes >= CNI_RESULT_MAX_ROUTES)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOSPC, "result: too many routes");
	r->routes[r->n_routes] = *rt;
	return (int)r->n_routes++;
}

/* ---- parsing -------------------------------------------------------------------------- */

struct strv {
	char **v;
	size_t *n;
};

static int strv_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct strv *sv = ctx;
	(void)path;
	(void)i;
	(void)err;
	sv->v[(*sv->n)++] = strdup(json_string_value(v));
	return 0;
}

static int parse_strv(json_t *obj, const char *path, const char *key, char **dst, size_t *n,
		      struct cnet_err *err)
{
	struct strv sv = { dst, n };
	return conf_array_each(obj, path, key, JSON_STRING, CNI_RESULT_MAX_DNS, strv_cb, &sv, err);
}

int cni_dns_parse(json_t *obj, const char *path, struct cni_dns *d, struct cnet_err *err)
{
	const char *domain = NULL;
	int r = parse_strv(obj, path, "nameservers", d->nameservers, &d->n_nameservers, err);
	if (r >= 0)
		r = parse_strv(obj, path, "search", d->search, &d->n_search, err);
	if (r >= 0)
		r = parse_strv(obj, path, "options", d->options, &d->n_options, err);
	if (r >= 0)
		r = conf_string(obj, path, "domain", false, &domain, err);
	if (r >= 0 && domain && *domain)
		d->domain = strdup(domain);
	return r;
}

static int parse_iface(json_t *o, const char *path, struct cni_iface *i, struct cnet_err *err)
{
	const char *name = NULL, *mac = NULL, *sandbox = NULL, *sock = NULL, *pci = NULL;
	long long mtu = 0;
	int r = conf_string(o, path, "name", true, &name, err);
	if (r >= 0)
		r = conf_string(o, path, "mac", false, &mac, err);
	if (r >= 0)
		r = conf_string(o, path, "sandbox", false, &sandbox, err);
	if (r >= 0)
		r = conf_string(o, path, "socketPath", false, &sock, err);
	if (r >= 0)
		r = conf_string(o, path, "pciID", false, &pci, err);
	if (r >= 0)
		r = conf_int(o, path, "mtu", 0, 1 << 20, &mtu, err);
	if (r < 0)
		return r;
	snprintf(i->name, sizeof(i->name), "%s", name);
	snprintf(i->mac, sizeof(i->mac), "%s", mac ? mac : "");
	snprintf(i->sandbox, sizeof(i->sandbox), "%s", sandbox ? sandbox : "");
	snprintf(i->socket_path, sizeof(i->socket_path), "%s", sock ? sock : "");
	snprintf(i->pci_id, sizeof(i->pci_id), "%s", pci ? pci : "");
	i->mtu = (int)mtu;
	return 0;
}

static int parse_ip(json_t *o, const char *path, size_t n_ifaces, struct cni_ip *ip,
		    struct cnet_err *err)
{
	long long idx = -1;
	ip->interface = -1;
	int r = conf_ipnet(o, path, "address", true, &ip->address, err);
	if (r >= 0)
		r = conf_ipaddr(o, path, "gateway", false, &ip->gateway, err);
	if (r >= 0)
		r = conf_int(o, path, "interface", 0, (long long)n_ifaces - 1, &idx, err);
	if (r < 0)
		return r;
	if (ip->gateway.family && ip->gateway.family != ip->address.addr.family)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.gateway: family differs from the address's", path);
	ip->interface = (int)idx;
	return 0;
}

int cni_route_parse(json_t *o, const char *path, struct cni_route *rt, struct cnet_err *err)
{
	long long mtu = 0, advmss = 0, prio = 0, table = -1, scope = -1;
	memset(rt, 0, sizeof(*rt));
	int r = conf_ipnet(o, path, "dst", true, &rt->dst, err);
	if (r >= 0)
		r = conf_ipaddr(o, path, "gw", false, &rt->gw, err);
	if (r >= 0)
		r = conf_int(o, path, "mtu", 0, 1 << 20, &mtu, err);
	if (r >= 0)
		r = conf_int(o, path, "advmss", 0, 1 << 20, &advmss, err);
	if (r >= 0)
		r = conf_int(o, path, "priority", 0, UINT32_MAX, &prio, err);
	if (r >= 0)
		r = conf_int(o, path, "table", 0, UINT32_MAX, &table, err);
	if (r >= 0)
		r = conf_int(o, path, "scope", 0, 255, &scope, err);
	if (r < 0)
		return r;
	if (rt->gw.family && rt->gw.family != rt->dst.addr.family)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.gw: family differs from dst's", path);
	rt->mtu = (int)mtu;
	rt->advmss = (int)advmss;
	rt->priority = (int)prio;
	rt->table = (int)table;
	rt->scope = (int)scope;
	return 0;
}

static int iface_cb(json_t *v, const char *p, size_t i, void *ctx, struct cnet_err *err)
{
	struct cni_result *res = ctx;
	res->n_interfaces = i + 1;
	return parse_iface(v, p, &res->interfaces[i], err);
}

static int ip_cb(json_t *v, const char *p, size_t i, void *ctx, struct cnet_err *err)
{
	struct cni_result *res = ctx;
	res->n_ips = i + 1;
	return parse_ip(v, p, res->n_interfaces, &res->ips[i], err);
}

static int route_cb(json_t *v, const char *p, size_t i, void *ctx, struct cnet_err *err)
{
	struct cni_result *res = ctx;
	res->n_routes = i + 1;
	return cni_route_parse(v, p, &res->routes[i], err);
}

struct cni_result *cni_result_parse(json_t *obj, const char *path, struct cnet_err *err)
{
	const char *version = NULL;
	json_t *dns = NULL;
	if (!json_is_object(obj)) {
		cnet_err_set(err, CNI_ERR_DECODE, 0, "%s: expected an object", path);
		return NULL;
	}
	if (conf_string(obj, path, "cniVersion", false, &version, err) < 0)
		return NULL;
	struct cni_result *res cleanup_result = cni_result_new(version);
	if (!res) {
		cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", path);
		return NULL;
	}
	int r = conf_array_each(obj, path, "interfaces", JSON_OBJECT, CNI_RESULT_MAX_IFACES,
				iface_cb, res, err);
	if (r >= 0)
		r = conf_array_each(obj, path, "ips", JSON_OBJECT, CNI_RESULT_MAX_IPS, ip_cb, res,
				    err);
	if (r >= 0)
		r = conf_array_each(obj, path, "routes", JSON_OBJECT, CNI_RESULT_MAX_ROUTES,
				    route_cb, res, err);
	if (r >= 0)
		r = conf_object(obj, path, "dns", false, &dns, err);
	if (r >= 0 && dns) {
		char p[256];
		r = cni_dns_parse(dns, conf_path(p, sizeof(p), path, "dns"), &res->dns, err);
	}
	return r < 0 ? NULL : TAKE_PTR(res);
}

/* ---- emitting ------------------------------------------------------------------------- */

static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *dns_json(const struct cni_dns *d)
{
	json_t *o = json_object();
	if (d->n_nameservers)
		json_object_set_new(o, "nameservers", strv_json(d->nameservers, d->n_nameservers));
	if (d->domain)
		json_object_set_new(o, "domain", json_string(d->domain));
	if (d->n_search)
		json_object_set_new(o, "search", strv_json(d->search, d->n_search));
	if (d->n_options)
		json_object_set_new(o, "options", strv_json(d->options, d->n_options));
	return o;
}

static json_t *iface_json(const struct cni_iface *i, bool v11)
{
	json_t *o = json_pack("{s:s}", "name", i->name);
	if (i->mac[0])
		json_object_set_new(o, "mac", json_string(i->mac));
	if (v11 && i->mtu)
		json_object_set_new(o, "mtu", json_integer(i->mtu));
	if (i->sandbox[0])
		json_object_set_new(o, "sandbox", json_string(i->sandbox));
	if (v11 && i->socket_path[0])
		json_object_set_new(o, "socketPath", json_string(i->socket_path));
	if (v11 && i->pci_id[0])
		json_object_set_new(o, "pciID", json_string(i->pci_id));
	return o;
}

static json_t *ip_json(const struct cni_ip *ip, bool with_version)
{
	char buf[IPNET_STRLEN];
	json_t *o = json_object();
	if (with_version)
		json_object_set_new(o, "version",
				    json_string(ip->address.addr.family == AF_INET ? "4" : "6"));
	if (ip->interface >= 0)
		json_object_set_new(o, "interface", json_integer(ip->interface));
	json_object_set_new(o, "address", json_string(ipnet_format(&ip->address, buf)));
	if (ip->gateway.family)
		json_object_set_new(o, "gateway", json_string(ipaddr_format(&ip->gateway, buf)));
	return o;
}

static json_t *route_json(const struct cni_route *rt, bool v11)
{
	char buf[IPNET_STRLEN];
	json_t *o = json_pack("{s:s}", "dst", ipnet_format(&rt->dst, buf));
	if (rt->gw.family)
		json_object_set_new(o, "gw", json_string(ipaddr_format(&rt->gw, buf)));
	if (v11) {
		if (rt->mtu)
			json_object_set_new(o, "mtu", json_integer(rt->mtu));
		if (rt->advmss)
			json_object_set_new(o, "advmss", json_integer(rt->advmss));
		if (rt->priority)
			json_object_set_new(o, "priority", json_integer(rt->priority));
		if (rt->table >= 0)
			json_object_set_new(o, "table", json_integer(rt->table));
		if (rt->scope >= 0)
			json_object_set_new(o, "scope", json_integer(rt->scope));
	}
	return o;
}

json_t *cni_result_to_json(const struct cni_result *r, const char *version)
{
	bool v11 = cni_version_cmp(version, "1.1.0") >= 0;
	bool with_ip_version = cni_version_cmp(version, "1.0.0") < 0;
	json_t *o = json_pack("{s:s}", "cniVersion", version);
	if (r->n_interfaces) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->n_interfaces; i++)
			json_array_append_new(a, iface_json(&r->interfaces[i], v11));
		json_object_set_new(o, "interfaces", a);
	}
	if (r->n_ips) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->n_ips; i++)
			json_array_append_new(a, ip_json(&r->ips[i], with_ip_version));
		json_object_set_new(o, "ips", a);
	}
	if (r->n_routes) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->n_routes; i++)
			json_array_append_new(a, route_json(&r->routes[i], v11));
		json_object_set_new(o, "routes", a);
	}
	json_object_set_new(o, "dns", dns_json(&r->dns));
	return o;
}

int cni_dns_parse_key(json_t *config, struct cni_dns *d, struct cnet_err *err)
{
	json_t *dns = NULL;
	int r = conf_object(config, "", "dns", false, &dns, err);
	if (r < 0 || !dns)
		return r;
	return cni_dns_parse(dns, "dns", d, err);
}
