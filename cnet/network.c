// SPDX-License-Identifier: Apache-2.0
/* The networks on this host: conflists, attachments, plugins, host addresses, the lock. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "netdef.h"
#include "network.h"

static void net_clear(struct cnet_net *n)
{
	free(n->name);
	free(n->driver);
	free(n->file);
	json_decref(n->json);
}

void cnet_nets_free(struct cnet_nets *nets)
{
	for (size_t i = 0; i < nets->n; i++)
		net_clear(&nets->v[i]);
	free(nets->v);
	nets->v = NULL;
	nets->n = 0;
}

static int add_net(const struct cnet_conflist *cl, void *arg)
{
	struct cnet_nets *nets = arg;
	struct cnet_net *v = realloc(nets->v, (nets->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	nets->v = v;
	struct cnet_net *n = &v[nets->n];
	memset(n, 0, sizeof(*n));
	n->name = strdup(cl->name);
	n->driver = strdup(netdef_driver_of(cl->json));
	n->file = strdup(cl->path ? cl->path : "");
	n->json = json_incref(cl->json);
	n->cnet_made = netdef_is_cnet_made(cl->json);
	n->n_subnets = netdef_subnets_of(cl->json, n->subnets, CNET_NET_MAX_SUBNETS);
	if (n->n_subnets > CNET_NET_MAX_SUBNETS)
		n->n_subnets = CNET_NET_MAX_SUBNETS;
	nets->n++;
	if (!n->name || !n->driver || !n->file)
		return -ENOMEM;
	return 0;
}

static int count_one(const struct cnet_cached *c, void *arg)
{
	(void)c;
	(*(size_t *)arg)++;
	return 0;
}

int cnet_attachments_count(const struct cnet_rt *rt, const char *name, size_t *n,
			   struct cnet_err *err)
{
	*n = 0;
	int ret = cnet_cache_each(rt, name, count_one, n, err);
	return ret < 0 ? ret : 0;
}

int cnet_nets_load(const struct cnet_rt *rt, bool count_attachments, struct cnet_nets *out,
		   struct cnet_err *err)
{
	struct stat st;

	out->v = NULL;
	out->n = 0;
	if (stat(rt->config_dir, &st) < 0 && errno == ENOENT)
		return 0;
	int ret = cnet_conflist_each(rt, add_net, out, err);
	if (ret == -ENOMEM)
		ret = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "read %s", rt->config_dir);
	for (size_t i = 0; ret >= 0 && count_attachments && i < out->n; i++)
		ret = cnet_attachments_count(rt, out->v[i].name, &out->v[i].attachments, err);
	if (ret < 0) {
		cnet_nets_free(out);
		return ret;
	}
	return 0;
}

const struct cnet_net *cnet_nets_find(const struct cnet_nets *nets, const char *name)
{
	for (size_t i = 0; i < nets->n; i++)
		if (!strcmp(nets->v[i].name, name))
			return &nets->v[i];
	return NULL;
}

int cnet_plugin_find(const char *path, const char *type, char *out, size_t len)
{
	const char *p = path ? path : "";

	while (*p) {
		size_t dlen = strcspn(p, ":");
		if (dlen > 0 && (size_t)snprintf(out, len, "%.*s/%s", (int)dlen, p, type) < len &&
		    access(out, X_OK) == 0)
			return 0;
		p += dlen;
		if (*p == ':')
			p++;
	}
	return -ENOENT;
}

static void ifa_net(const struct ifaddrs *ifa, struct ipnet *n)
{
	memset(n, 0, sizeof(*n));
	n->addr.family = ifa->ifa_addr->sa_family;
	if (n->addr.family == AF_INET) {
		memcpy(n->addr.a, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr, 4);
		const uint8_t *m = (const uint8_t *)&((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr;
		for (int i = 0; i < 4; i++)
			n->plen += __builtin_popcount(m[i]);
	} else {
		memcpy(n->addr.a, &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, 16);
		const uint8_t *m =
			(const uint8_t *)&((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr;
		for (int i = 0; i < 16; i++)
			n->plen += __builtin_popcount(m[i]);
	}
}

int cnet_host_addrs(struct subnet_used **out, size_t *n, struct cnet_err *err)
{
	struct ifaddrs *all = NULL;
	size_t count = 0;

	if (getifaddrs(&all) < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "list the host's addresses");
	for (struct ifaddrs *a = all; a; a = a->ifa_next)
		count++;
	struct subnet_used *v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		freeifaddrs(all);
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "list the host's addresses");
	}
	count = 0;
	for (struct ifaddrs *a = all; a; a = a->ifa_next) {
		char buf[IPNET_STRLEN];
		if (!a->ifa_addr || !a->ifa_netmask ||
		    (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
			continue;
		ifa_net(a, &v[count].net);
		snprintf(v[count].owner, sizeof(v[count].owner), "address %s on %s",
			 ipnet_format(&v[count].net, buf), a->ifa_name);
		count++;
	}
	freeifaddrs(all);
	*out = v;
	*n = count;
	return 0;
}

int cnet_config_lock(const struct cnet_rt *rt, struct cnet_err *err)
{
	int ret = fs_mkdir_p(rt->config_dir, 0755, err);

	if (ret < 0)
		return ret;
	cleanup_close int dfd = open(rt->config_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "open %s", rt->config_dir);
	return lock_take_at(dfd, CNET_LOCK_NAME, err);
}
