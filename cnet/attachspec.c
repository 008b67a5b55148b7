// SPDX-License-Identifier: Apache-2.0
/* Attachment arguments and their display (see attachspec.h). No I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attachspec.h"
#include "cni.h"
#include "portspec.h"

/* FNV-1a over the whole name: a stable suffix for IDs made from names that are not IDs. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int attachspec_container_id(const char *name, char *out, size_t len)
{
	char body[ATTACHSPEC_ID_MAX + 1];
	size_t n = 0;

	if (!name || !*name || len < ATTACHSPEC_ID_MAX + 1)
		return -EINVAL;
	if (strlen(name) <= ATTACHSPEC_ID_MAX && cni_valid_container_id(name)) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	const char *s = name[0] == '/' ? name + 1 : name;
	if (!alnum(*s)) {
		memcpy(body, "ns-", 3);
		n = 3;
	}
	for (; *s && n < ATTACHSPEC_ID_MAX - 9; s++)
		body[n++] = id_char(*s) ? *s : '-';
	body[n] = '\0';
	snprintf(out, len, "%s-%08" PRIx32, body, fnv1a(name));
	return 0;
}

int attachspec_pick_ifname(const char *const *used, size_t n, char out[16])
{
	for (int i = 0; i < ATTACHSPEC_MAX_IFACES; i++) {
		bool taken = false;
		snprintf(out, 16, "eth%d", i);
		for (size_t j = 0; j < n && !taken; j++)
			taken = used[j] && !strcmp(used[j], out);
		if (!taken)
			return 0;
	}
	return -ENOSPC;
}

json_t *attachspec_caps_new(void)
{
	return json_object();
}

/* caps[key], an array created on first use. */
static json_t *caps_array(json_t *caps, const char *key)
{
	json_t *a = json_object_get(caps, key);

	if (!a && json_object_set_new(caps, key, json_array()) == 0)
		a = json_object_get(caps, key);
	return a;
}

int attachspec_add_port(json_t *caps, const char *spec, struct cnet_err *err)
{
	json_t *ports = caps_array(caps, "portMappings");

	if (!ports)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "-p %s", spec);
	int ret = portspec_parse(spec, ports, err);
	if (json_array_size(ports) == 0)
		json_object_del(caps, "portMappings");
	return ret;
}

int attachspec_add_ip(json_t *caps, const char *addr, struct cnet_err *err)
{
	struct ipaddr ip, other;
	char buf[IPADDR_STRLEN];
	size_t i;
	json_t *v;

	if (ipaddr_parse(addr, &ip) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--ip %s: not an IP address (like 10.89.0.5 or fd89::5)", addr);
	json_t *ips = caps_array(caps, "ips");
	if (!ips)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "--ip %s", addr);
	json_array_foreach(ips, i, v) {
		if (ipaddr_parse(json_string_value(v), &other) == 0 && other.family == ip.family)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--ip %s: only one IPv%c address per attachment", addr,
					    ip.family == AF_INET ? '4' : '6');
	}
	if (json_array_append_new(ips, json_string(ipaddr_format(&ip, buf))) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "--ip %s", addr);
	return 0;
}

int attachspec_set_mac(json_t *caps, const char *mac, struct cnet_err *err)
{
	uint8_t m[6];
	char buf[MAC_STRLEN];

	if (json_object_get(caps, "mac"))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "--mac %s: only one --mac", mac);
	if (mac_parse(mac, m) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--mac %s: not a MAC address (like 02:42:ac:11:00:02)", mac);
	if (m[0] & 1 || mac_is_zero(m))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--mac %s: not a unicast address (the first byte must be even)",
				    mac);
	if (json_object_set_new(caps, "mac", json_string(mac_format(m, buf))) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "--mac %s", mac);
	return 0;
}

json_t *attachspec_caps_or_null(json_t *caps)
{
	return caps && json_object_size(caps) ? caps : NULL;
}

static bool list_has_cap(json_t *list, const char *cap)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(list, "plugins"), i, p) {
		if (json_is_true(json_object_get(json_object_get(p, "capabilities"), cap)))
			return true;
	}
	return false;
}

static const char *option_of(const char *cap)
{
	if (!strcmp(cap, "portMappings"))
		return "-p";
	if (!strcmp(cap, "ips"))
		return "--ip";
	return "--mac";
}

int attachspec_check_caps(json_t *list, const char *network, json_t *caps,
			  const struct ipnet *subnets, size_t n_subnets, struct cnet_err *err)
{
	const char *cap;
	json_t *v;

	json_object_foreach(caps, cap, v) {
		if (!list_has_cap(list, cap))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "network %s does not take %s (no plugin has the \"%s\" "
					    "capability)", network, option_of(cap), cap);
	}
	size_t i;
	json_array_foreach(json_object_get(caps, "ips"), i, v) {
		struct ipaddr ip;
		bool inside = n_subnets == 0;
		if (ipaddr_parse(json_string_value(v), &ip) < 0)
			continue;
		for (size_t j = 0; j < n_subnets && !inside; j++)
			inside = ipnet_contains(&subnets[j], &ip);
		if (!inside) {
			char s[IPNET_STRLEN];
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--ip %s is not in a subnet of network %s (%s%s)",
					    json_string_value(v), network, ipnet_format(&subnets[0], s),
					    n_subnets > 1 ? ", ..." : "");
		}
	}
	return 0;
}

/* Append s to buf at *off, ',' between items; "..." when it does not fit. */
static void join(char *buf, size_t len, size_t *off, const char *s)
{
	if (*off >= len)
		return;
	int w = snprintf(buf + *off, len - *off, "%s%s", *off ? "," : "", s);
	if (w < 0 || (size_t)w >= len - *off) {
		if (len > 4)
			memcpy(buf + len - 4, "...", 4);
		*off = len;
		return;
	}
	*off += (size_t)w;
}

const char *attachspec_format_addresses(json_t *result, char *buf, size_t len)
{
	size_t off = 0, i;
	json_t *ip;

	buf[0] = '\0';
	json_array_foreach(json_object_get(result, "ips"), i, ip) {
		const char *a = json_string_value(json_object_get(ip, "address"));
		if (a)
			join(buf, len, &off, a);
	}
	return buf;
}

const char *attachspec_format_ports(json_t *mappings, char *buf, size_t len)
{
	size_t off = 0, i;
	json_t *m;

	buf[0] = '\0';
	json_array_foreach(mappings, i, m) {
		char one[128];
		const char *host_ip = json_string_value(json_object_get(m, "hostIP"));
		const char *proto = json_string_value(json_object_get(m, "protocol"));
		bool v6 = host_ip && strchr(host_ip, ':');
		snprintf(one, sizeof(one), "%s%s%s%s%" JSON_INTEGER_FORMAT "->%" JSON_INTEGER_FORMAT
			 "/%s", v6 ? "[" : "", host_ip && *host_ip ? host_ip : "", v6 ? "]" : "",
			 host_ip && *host_ip ? ":" : "",
			 json_integer_value(json_object_get(m, "hostPort")),
			 json_integer_value(json_object_get(m, "containerPort")),
			 proto && *proto ? proto : "tcp");
		join(buf, len, &off, one);
	}
	return buf;
}
