// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "pm_conf.h"

const char *pm_proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_SCTP ? "sctp" : "tcp";
}

static int parse_proto(json_t *o, const char *path, uint8_t *proto, struct cnet_err *err)
{
	const char *s = NULL;
	int r = conf_string(o, path, "protocol", false, &s, err);
	*proto = IPPROTO_TCP;
	if (r < 0 || !s || !*s)
		return r;
	if (!strcasecmp(s, "tcp"))
		return 0;
	if (!strcasecmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcasecmp(s, "sctp"))
		*proto = IPPROTO_SCTP;
	else
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.protocol: \"%s\" is not tcp, udp or sctp", path, s);
	return 0;
}

static int mapping_cb(json_t *o, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct pm_conf *c = ctx;
	struct pm_mapping *m = &c->mappings[i];
	long long hp = -1, cp = -1;
	const char *host_ip = NULL;
	int r = conf_int(o, path, "hostPort", 1, 65535, &hp, err);
	if (r >= 0)
		r = conf_int(o, path, "containerPort", 1, 65535, &cp, err);
	if (r >= 0)
		r = parse_proto(o, path, &m->proto, err);
	if (r >= 0)
		r = conf_string(o, path, "hostIP", false, &host_ip, err);
	if (r < 0)
		return r;
	if (hp < 0 || cp < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: hostPort and containerPort are required", path);
	if (host_ip && *host_ip && ipaddr_parse(host_ip, &m->host_ip) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s.hostIP: \"%s\" is not an IP address", path, host_ip);
	m->host_port = (uint16_t)hp;
	m->container_port = (uint16_t)cp;
	c->n_mappings = i + 1;
	return 0;
}

/* Keys of the reference's iptables backend (or nft match syntax) that cnet cannot honour:
 * refused, never ignored. markMasqBit only chooses the mark bit the iptables rules use; cnet
 * marks nothing, so any valid bit is accepted. */
static int refuse_unsupported(json_t *config, struct cnet_err *err)
{
	static const char *const lists[] = { "conditionsV4", "conditionsV6" };
	for (size_t i = 0; i < 2; i++) {
		json_t *arr = NULL;
		int r = conf_array(config, "", lists[i], false, &arr, err);
		if (r < 0)
			return r;
		if (arr && json_array_size(arr))
			return cnet_err_set(err, CNI_ERR_UNSUPPORTED_FIELD, 0,
					    "%s: extra match conditions are not supported by cnet's "
					    "portmap (its rules are shared by every container)",
					    lists[i]);
	}
	const char *chain = NULL, *backend = NULL;
	long long bit = 0;
	int r = conf_string(config, "", "externalSetMarkChain", false, &chain, err);
	if (r >= 0 && chain && *chain)
		return cnet_err_set(err, CNI_ERR_UNSUPPORTED_FIELD, 0,
				    "externalSetMarkChain: \"%s\": an iptables chain cannot be used "
				    "from cnet's nftables rules", chain);
	if (r >= 0)
		r = conf_int(config, "", "markMasqBit", 0, 31, &bit, err);
	if (r >= 0)
		r = conf_string(config, "", "backend", false, &backend, err);
	if (r >= 0 && backend && strcmp(backend, "iptables") && strcmp(backend, "nftables"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "backend: \"%s\" is not \"iptables\" or \"nftables\"", backend);
	return r;
}

int pm_conf_parse(json_t *config, struct pm_conf *c, struct cnet_err *err)
{
	json_t *rc = NULL;
	memset(c, 0, sizeof(*c));
	c->snat = true;
	int r = conf_string(config, "", "name", true, &c->name, err);
	if (r >= 0)
		r = refuse_unsupported(config, err);
	if (r >= 0)
		r = conf_bool(config, "", "snat", &c->snat, err);
	if (r >= 0)
		r = conf_bool(config, "", "masqAll", &c->masq_all, err);
	if (r >= 0)
		r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc) {
		c->has_mappings = json_is_array(json_object_get(rc, "portMappings"));
		r = conf_array_each(rc, "runtimeConfig", "portMappings", JSON_OBJECT,
				    PM_MAX_MAPPINGS, mapping_cb, c, err);
	}
	return r;
}

void pm_container_from_result(const struct cni_result *prev, const char *ifname,
			      struct pm_container *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < prev->n_interfaces; i++)
		if (!prev->interfaces[i].sandbox[0]) {
			snprintf(out->host_iface, sizeof(out->host_iface), "%s",
				 prev->interfaces[i].name);
			break;
		}
	for (size_t i = 0; i < prev->n_ips; i++) {
		const struct cni_ip *ip = &prev->ips[i];
		if (ip->interface >= 0 && (size_t)ip->interface < prev->n_interfaces) {
			const struct cni_iface *f = &prev->interfaces[ip->interface];
			if (!f->sandbox[0] || strcmp(f->name, ifname))
				continue;
		}
		struct ipnet *slot = ip->address.addr.family == AF_INET ? &out->v4 : &out->v6;
		if (!slot->addr.family)
			*slot = ip->address;
	}
}
