// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "conf.h"
#include "vx_conf.h"

static int add_peer(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err)
{
	struct vx_conf *c = ctx;
	(void)i;
	if (ipaddr_parse(json_string_value(v), &c->peers[c->n_peers]) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: \"%s\" is not an IP address", path,
				    json_string_value(v));
	c->n_peers++;
	return 0;
}

/* One underlay family: the peers and local all IPv4 or all IPv6. */
static int check_family(const struct vx_conf *c, struct cnet_err *err)
{
	int family = c->local.family;
	for (size_t i = 0; i < c->n_peers; i++) {
		if (family && c->peers[i].family != family)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "peers[%zu]: an IPv%c address, but %s IPv%c", i,
					    c->peers[i].family == AF_INET ? '4' : '6',
					    c->local.family ? "local is" : "peers[0] is",
					    family == AF_INET ? '4' : '6');
		family = c->peers[i].family;
	}
	return 0;
}

int vx_conf_parse(json_t *config, struct vx_conf *c, struct cnet_err *err)
{
	long long vni = 0, port = VX_DEFAULT_PORT;
	memset(c, 0, sizeof(*c));
	c->learning = true;
	if (!json_object_get(config, "vni") || json_is_null(json_object_get(config, "vni")))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "vni: required (the VXLAN network identifier, 1-%d)", VX_VNI_MAX);
	int r = conf_int(config, NULL, "vni", 1, VX_VNI_MAX, &vni, err);
	if (r >= 0)
		r = conf_int(config, NULL, "port", 1, 65535, &port, err);
	if (r >= 0)
		r = conf_bool(config, NULL, "learning", &c->learning, err);
	if (r >= 0)
		r = conf_ipaddr(config, NULL, "local", false, &c->local, err);
	if (r >= 0)
		r = conf_string(config, NULL, "dev", false, &c->dev, err);
	if (r >= 0 && c->dev && (!*c->dev || strlen(c->dev) >= 16))
		r = cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				 "dev: \"%s\" is not an interface name", c->dev);
	if (r >= 0)
		r = conf_array_each(config, NULL, "peers", JSON_STRING, VX_MAX_PEERS, add_peer, c,
				    err);
	if (r >= 0)
		r = check_family(c, err);
	if (r < 0)
		return r;
	c->vni = (uint32_t)vni;
	c->port = (uint16_t)port;
	snprintf(c->device, sizeof(c->device), "vxlan%u", c->vni);
	snprintf(c->bridge, sizeof(c->bridge), "vxbr%u", c->vni);
	return 0;
}
