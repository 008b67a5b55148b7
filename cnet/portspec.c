// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "portspec.h"

static int bad(struct cnet_err *err, const char *spec, const char *why)
{
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "port spec \"%s\": %s (expected [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp])",
			    spec, why);
}

/* "N" or "N-M" (1..65535, N <= M) */
static int parse_range(const char *s, long *lo, long *hi)
{
	char *end;
	errno = 0;
	*lo = strtol(s, &end, 10);
	*hi = *lo;
	if (end != s && *end == '-') {
		const char *s2 = end + 1;
		*hi = strtol(s2, &end, 10);
		if (end == s2)
			return -EINVAL;
	}
	if (errno || end == s || *end || *lo < 1 || *hi > 65535 || *lo > *hi)
		return -EINVAL;
	return 0;
}

int portspec_parse(const char *spec, json_t *arr, struct cnet_err *err)
{
	char buf[256];
	const char *host_ip = "";   /* points into buf */
	const char *proto = "tcp";
	if (!spec || strlen(spec) >= sizeof(buf))
		return bad(err, spec ? spec : "", "too long");
	snprintf(buf, sizeof(buf), "%s", spec);

	char *slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		proto = slash + 1;
		if (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp"))
			return bad(err, spec, "the protocol is not tcp, udp or sctp");
	}
	/* the host address: [v6]:... or a.b.c.d:... (then two more fields) */
	char *ports = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return bad(err, spec, "an IPv6 host address must be [ADDR]:");
		*close = '\0';
		host_ip = buf + 1;
		ports = close + 2;
	} else {
		char *first = strchr(buf, ':'), *second = first ? strchr(first + 1, ':') : NULL;
		if (second) {
			*first = '\0';
			host_ip = buf;
			ports = first + 1;
		}
	}
	struct ipaddr ip;
	if (host_ip[0] && ipaddr_parse(host_ip, &ip) < 0)
		return bad(err, spec, "the host address is not an IP address");
	char *colon = strchr(ports, ':');
	if (!colon)
		return bad(err, spec, "no host port (cnet does not choose one)");
	*colon = '\0';
	long hlo, hhi, clo, chi;
	if (parse_range(ports, &hlo, &hhi) < 0 || parse_range(colon + 1, &clo, &chi) < 0)
		return bad(err, spec, "a port is not a number 1-65535 or a range N-M");
	if (hhi - hlo != chi - clo)
		return bad(err, spec, "the host and container ranges differ in length");
	if (hhi - hlo >= PORTSPEC_MAX_RANGE)
		return bad(err, spec, "a range of more than 1024 ports");
	for (long i = 0; i <= hhi - hlo; i++) {
		json_int_t host = (json_int_t)hlo + i, cont = (json_int_t)clo + i;
		json_t *m = json_pack("{s:I, s:I, s:s}", "hostPort", host, "containerPort", cont,
				      "protocol", proto);
		if (!m || (host_ip[0] && json_object_set_new(m, "hostIP", json_string(host_ip))) ||
		    json_array_append_new(arr, m))
			return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "port spec");
	}
	return 0;
}
