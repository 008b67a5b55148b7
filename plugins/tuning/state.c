// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "ipaddr.h"
#include "tn_state.h"

int tn_state_name(char *buf, size_t len, const char *container_id, const char *ifname)
{
	int n = snprintf(buf, len, "%s_%s.json", container_id, ifname);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

char *tn_state_encode(const struct tn_state *s)
{
	json_auto_t *o = json_object();
	char mac[MAC_STRLEN];
	if (!o)
		return NULL;
	if (s->has_mac)
		json_object_set_new(o, "mac", json_string(mac_format(s->mac, mac)));
	if (s->has_promisc)
		json_object_set_new(o, "promisc", json_boolean(s->promisc));
	if (s->mtu)
		json_object_set_new(o, "mtu", json_integer(s->mtu));
	if (s->has_allmulti)
		json_object_set_new(o, "allmulti", json_boolean(s->allmulti));
	if (s->has_txqlen)
		json_object_set_new(o, "txQLen", json_integer(s->txqlen));
	return json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
}

int tn_state_decode(const char *text, size_t len, struct tn_state *s, struct cnet_err *err)
{
	const char *mac = NULL;
	long long mtu = 0, txqlen = -1;
	memset(s, 0, sizeof(*s));
	json_auto_t *o = conf_load(text, len, err);
	if (!o)
		return -EINVAL;
	int r = conf_string(o, "", "mac", false, &mac, err);
	if (r >= 0 && mac && *mac) {
		if (mac_parse(mac, s->mac) < 0)
			r = cnet_err_set(err, CNI_ERR_DECODE, 0, "mac: \"%s\" is not a MAC address",
					 mac);
		s->has_mac = true;
	}
	s->has_promisc = json_is_boolean(json_object_get(o, "promisc"));
	s->has_allmulti = json_is_boolean(json_object_get(o, "allmulti"));
	if (r >= 0)
		r = conf_bool(o, "", "promisc", &s->promisc, err);
	if (r >= 0)
		r = conf_bool(o, "", "allmulti", &s->allmulti, err);
	if (r >= 0)
		r = conf_int(o, "", "mtu", 0, INT32_MAX, &mtu, err);
	if (r >= 0)
		r = conf_int(o, "", "txQLen", 0, UINT32_MAX, &txqlen, err);
	if (r < 0) {
		err->code = CNI_ERR_DECODE;
		return r;
	}
	s->mtu = (unsigned)mtu;
	s->has_txqlen = txqlen >= 0;
	s->txqlen = s->has_txqlen ? (unsigned)txqlen : 0;
	return 0;
}
