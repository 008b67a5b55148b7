// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "fw_conf.h"

const char *fw_policy_name(enum fw_policy p)
{
	return p == FW_SAME_BRIDGE ? "same-bridge" : p == FW_ISOLATED ? "isolated" : "open";
}

/* backend: cnet has one way of doing the job (see firewall.c); "iptables" (the reference's
 * default without firewalld) and "nftables" name it. firewalld would mean D-Bus zones, which
 * cnet does not speak: refused rather than silently ignored. */
static int parse_backend(json_t *config, struct cnet_err *err)
{
	const char *backend = NULL, *zone = NULL;
	int r = conf_string(config, "", "backend", false, &backend, err);
	if (r >= 0)   /* only meaningful with firewalld; type-checked all the same */
		r = conf_string(config, "", "firewalldZone", false, &zone, err);
	if (r < 0 || !backend || !*backend || !strcmp(backend, "iptables") ||
	    !strcmp(backend, "nftables"))
		return r;
	if (!strcmp(backend, "firewalld"))
		return cnet_err_set(err, CNI_ERR_UNSUPPORTED_FIELD, 0,
				    "backend: \"firewalld\" is not supported by cnet's firewall "
				    "(use \"iptables\" or leave it out)");
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "backend: \"%s\" is not \"iptables\", \"nftables\" or \"firewalld\"",
			    backend);
}

static int parse_admin_chain(json_t *config, struct fw_conf *c, struct cnet_err *err)
{
	const char *name = NULL;
	int r = conf_string(config, "", "iptablesAdminChainName", false, &name, err);
	if (r < 0)
		return r;
	if (!name || !*name)
		name = "CNI-ADMIN";
	if (strlen(name) > FW_CHAIN_MAX || strpbrk(name, " \t\n!\"'") || name[0] == '-')
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "iptablesAdminChainName: \"%s\" is not a valid iptables chain "
				    "name (at most %d characters, no blanks or quotes)",
				    name, FW_CHAIN_MAX);
	static const char *const builtin[] = { "INPUT", "OUTPUT", "FORWARD", "PREROUTING",
					       "POSTROUTING", "CNI-FORWARD" };
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(name, builtin[i]))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "iptablesAdminChainName: \"%s\" is a chain the "
					    "plugin itself uses", name);
	snprintf(c->admin_chain, sizeof(c->admin_chain), "%s", name);
	return 0;
}

static int parse_policy(json_t *config, struct fw_conf *c, struct cnet_err *err)
{
	const char *p = NULL;
	int r = conf_string(config, "", "ingressPolicy", false, &p, err);
	if (r < 0 || !p || !*p || !strcmp(p, "open"))
		return r;
	if (!strcmp(p, "same-bridge"))
		c->policy = FW_SAME_BRIDGE;
	else if (!strcmp(p, "isolated"))
		c->policy = FW_ISOLATED;
	else
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ingressPolicy: \"%s\" is not \"open\", \"same-bridge\" or "
				    "\"isolated\"", p);
	return 0;
}

int fw_conf_parse(json_t *config, struct fw_conf *c, struct cnet_err *err)
{
	memset(c, 0, sizeof(*c));
	int r = conf_string(config, "", "name", true, &c->name, err);
	if (r >= 0)
		r = parse_backend(config, err);
	if (r >= 0)
		r = parse_admin_chain(config, c, err);
	if (r >= 0)
		r = parse_policy(config, c, err);
	return r;
}

int fw_attachment_from_result(const struct cni_result *prev, const struct fw_conf *c,
			      struct fw_attachment *out, struct cnet_err *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < prev->n_ips && out->n_ips < FW_MAX_IPS; i++)
		out->ips[out->n_ips++] = prev->ips[i].address.addr;
	if (prev->n_interfaces)
		snprintf(out->bridge, sizeof(out->bridge), "%s", prev->interfaces[0].name);
	for (size_t i = 1; i < prev->n_interfaces && out->n_ports < FW_MAX_PORTS; i++)
		if (!prev->interfaces[i].sandbox[0])
			snprintf(out->ports[out->n_ports++], sizeof(out->ports[0]), "%s",
				 prev->interfaces[i].name);
	if (c->policy != FW_OPEN && strlen(out->bridge) >= IF_NAMESIZE)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult.interfaces[0].name: \"%s\" is not an interface name",
				    out->bridge);
	if (c->policy != FW_OPEN && !out->bridge[0])
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult.interfaces: ingressPolicy \"%s\" needs the bridge as "
				    "the first interface: chain \"firewall\" after \"bridge\"",
				    fw_policy_name(c->policy));
	if (c->policy == FW_ISOLATED && !out->n_ports)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "prevResult.interfaces: ingressPolicy \"isolated\" needs the "
				    "container's host-side interface (a bridge port)");
	return 0;
}
