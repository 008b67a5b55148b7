// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "conf.h"
#include "ipam.h"
#include "mv_conf.h"
#include "nl.h"

static const struct {
	const char *name;
	uint32_t mode;
} modes[] = {
	{ "bridge", CNET_MACVLAN_BRIDGE },
	{ "private", CNET_MACVLAN_PRIVATE },
	{ "vepa", CNET_MACVLAN_VEPA },
	{ "passthru", CNET_MACVLAN_PASSTHRU },
};

int mv_mode_parse(const char *s, uint32_t *mode)
{
	if (!s || !*s) {   /* the reference's default */
		*mode = CNET_MACVLAN_BRIDGE;
		return 0;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(s, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	return -EINVAL;
}

const char *mv_mode_name(uint32_t mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

/* The kernel takes only a unicast, non-zero address for a macvlan. */
static int check_unicast(const struct mv_conf *c, const char *where, int code,
			 struct cnet_err *err)
{
	char buf[MAC_STRLEN];
	if (mac_is_zero(c->mac))
		return cnet_err_set(err, code, 0, "%s: %s is not a usable address", where,
				    mac_format(c->mac, buf));
	if (c->mac[0] & 1)
		return cnet_err_set(err, code, 0, "%s: %s is a multicast address", where,
				    mac_format(c->mac, buf));
	return 0;
}

/* The container MAC: runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC= > "mac"; unicast. */
static int parse_mac(json_t *config, const char *cni_args, struct mv_conf *c,
		     struct cnet_err *err)
{
	const char *where;
	int r = cni_mac_arg(config, cni_args, c->mac, &where, err);
	if (r > 0) {
		c->has_mac = true;
		return check_unicast(c, where,
				     strcmp(where, "CNI_ARGS MAC") ? CNI_ERR_INVALID_CONFIG
								  : CNI_ERR_INVALID_ENV, err);
	}
	if (r == 0)
		r = conf_mac(config, "", "mac", c->mac, &c->has_mac, err);
	if (r >= 0 && c->has_mac)
		r = check_unicast(c, "mac", CNI_ERR_INVALID_CONFIG, err);
	return r;
}

static int parse_master(json_t *config, struct mv_conf *c, struct cnet_err *err)
{
	int r = conf_string(config, "", "master", false, &c->master, err);
	if (r >= 0)
		r = conf_bool(config, "", "linkInContainer", &c->link_in_container, err);
	if (r < 0)
		return r;
	if (c->master && !*c->master)   /* "" = the default route's, as the reference */
		c->master = NULL;
	if (c->master && !cni_valid_ifname(c->master))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "master: \"%s\" is not a valid interface name", c->master);
	return 0;
}

static int parse_scalars(json_t *config, struct mv_conf *c, struct cnet_err *err)
{
	const char *mode = NULL;
	long long mtu = 0, bcq = 0;
	int r = conf_string(config, "", "mode", false, &mode, err);
	if (r >= 0)
		r = conf_int(config, "", "mtu", 0, 65535, &mtu, err);
	if (r >= 0)
		r = conf_int(config, "", "bcqueuelen", 0, UINT32_MAX, &bcq, err);
	if (r < 0)
		return r;
	if (mv_mode_parse(mode, &c->mode) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "mode: \"%s\" is not one of \"bridge\", \"private\", \"vepa\", "
				    "\"passthru\"", mode);
	if (mtu && mtu < MV_MIN_MTU)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "mtu: %lld is below the minimum of %d (0 = the master's MTU)",
				    mtu, MV_MIN_MTU);
	c->mtu = (unsigned)mtu;
	c->bcqueuelen = (uint32_t)bcq;
	return 0;
}

int mv_conf_parse(json_t *config, const char *cni_args, struct mv_conf *c, struct cnet_err *err)
{
	memset(c, 0, sizeof(*c));
	int r = parse_master(config, c, err);
	if (r >= 0)
		r = parse_scalars(config, c, err);
	if (r >= 0)
		r = parse_mac(config, cni_args, c, err);
	if (r >= 0)
		r = ipam_conf_type(config, &c->ipam_type, err);
	if (r >= 0)
		r = cni_dns_parse_key(config, &c->dns, err);
	return r;
}
