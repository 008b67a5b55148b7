// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "br_conf.h"
#include "cleanup.h"
#include "cni.h"
#include "conf.h"
#include "ipam.h"

/* One vlanTrunk entry adds "id", the range "minID".."maxID", or both (as the reference);
 * an empty entry adds nothing. */
static int parse_trunk(json_t *o, const char *path, struct br_conf *c, struct cnet_err *err)
{
	long long id = -1, min = -1, max = -1;
	int r = conf_int(o, path, "id", 1, 4094, &id, err);
	if (r >= 0)
		r = conf_int(o, path, "minID", 1, 4094, &min, err);
	if (r >= 0)
		r = conf_int(o, path, "maxID", 1, 4094, &max, err);
	if (r < 0)
		return r;
	if ((min < 0) != (max < 0))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: minID and maxID must be given together", path);
	if (min > max)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: minID %lld is greater than maxID %lld", path, min, max);
	if (c->n_trunks + (min >= 0) + (id >= 0) > BR_MAX_TRUNKS)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "vlanTrunk: more than %d entries",
				    BR_MAX_TRUNKS);
	if (min >= 0)
		c->trunks[c->n_trunks++] = (struct br_vlan_range){ (uint16_t)min, (uint16_t)max };
	if (id >= 0)
		c->trunks[c->n_trunks++] = (struct br_vlan_range){ (uint16_t)id, (uint16_t)id };
	return 0;
}

static int trunk_cb(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	(void)i;
	return parse_trunk(v, path, ctx, err);
}

static int parse_trunks(json_t *config, struct br_conf *c, struct cnet_err *err)
{
	return conf_array_each(config, "", "vlanTrunk", JSON_OBJECT, BR_MAX_TRUNKS, trunk_cb, c,
			       err);
}

/* The container MAC: runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC= (as the reference). */
static int mac_arg(json_t *config, const char *cni_args, struct br_conf *c, struct cnet_err *err)
{
	const char *where;
	int r = cni_mac_arg(config, cni_args, c->mac, &where, err);
	c->has_mac = r > 0;
	return r < 0 ? r : 0;
}

/* ipMasqBackend is validated; cnet always uses nftables. */
static int parse_masq_backend(json_t *config, struct cnet_err *err)
{
	const char *backend = NULL;
	int r = conf_string(config, "", "ipMasqBackend", false, &backend, err);
	if (r >= 0 && backend && strcmp(backend, "iptables") && strcmp(backend, "nftables"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ipMasqBackend: \"%s\" is not \"iptables\" or \"nftables\"",
				    backend);
	return r;
}

static int parse_flags(json_t *config, struct br_conf *c, struct cnet_err *err)
{
	const struct {
		const char *key;
		bool *out;
	} flags[] = {
		{ "isGateway", &c->is_gateway },
		{ "isDefaultGateway", &c->is_default_gateway },
		{ "forceAddress", &c->force_address },
		{ "ipMasq", &c->ip_masq },
		{ "macspoofchk", &c->mac_spoof_chk },
		{ "hairpinMode", &c->hairpin },
		{ "promiscMode", &c->promisc },
		{ "enabledad", &c->enable_dad },
		{ "disableContainerInterface", &c->disable_container_iface },
		{ "portIsolation", &c->port_isolation },
		{ "preserveDefaultVlan", &c->preserve_default_vlan },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int r = conf_bool(config, "", flags[i].key, flags[i].out, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_scalars(json_t *config, struct br_conf *c, struct cnet_err *err)
{
	long long mtu = 0, vlan = 0;
	int r = conf_string(config, "", "bridge", false, &c->bridge, err);
	if (r >= 0)
		r = conf_int(config, "", "mtu", 0, 65535, &mtu, err);
	if (r >= 0)
		r = conf_int(config, "", "vlan", 0, 4094, &vlan, err);
	if (r < 0)
		return r;
	c->mtu = (unsigned)mtu;
	c->vlan = (uint16_t)vlan;
	if (!c->bridge || !*c->bridge)
		c->bridge = BR_DEFAULT_NAME;
	if (!cni_valid_ifname(c->bridge))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "bridge: \"%s\" is not a valid interface name", c->bridge);
	return 0;
}

int br_conf_parse(json_t *config, const char *cni_args, struct br_conf *c, struct cnet_err *err)
{
	memset(c, 0, sizeof(*c));
	c->preserve_default_vlan = true;   /* the reference's default (its README and loadNetConf) */
	int r = parse_masq_backend(config, err);
	if (r >= 0)
		r = parse_scalars(config, c, err);
	if (r >= 0)
		r = parse_flags(config, c, err);
	if (r >= 0)
		r = parse_trunks(config, c, err);
	if (r >= 0)
		r = mac_arg(config, cni_args, c, err);
	if (r >= 0)
		r = ipam_conf_type(config, &c->ipam_type, err);
	if (r >= 0)
		r = cni_dns_parse_key(config, &c->dns, err);
	if (r < 0)
		return r;
	if (c->is_default_gateway)
		c->is_gateway = true;
	if (c->hairpin && c->promisc)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "hairpinMode and promiscMode cannot both be true");
	if (c->disable_container_iface && c->ipam_type)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "disableContainerInterface: cannot be true when ipam is set");
	return 0;
}
