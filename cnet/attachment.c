// SPDX-License-Identifier: Apache-2.0
/* Attachments: NETNS arguments, networks, the result cache, ADD and DEL (see attachment.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attachment.h"
#include "cleanup.h"
#include "cni.h"
#include "fs.h"
#include "log.h"
#include "netdef.h"
#include "netns.h"
#include "nl.h"

int cnet_netns_resolve(const char *arg, const char *id, struct cnet_netns_ref *out,
		       struct cnet_err *err)
{
	char dir[PATH_MAX];
	const char *name = arg;

	if (!arg || !*arg)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "NETNS is empty");
	if (strchr(arg, '/')) {
		char cwd[PATH_MAX];
		int n = arg[0] == '/' ? snprintf(out->path, sizeof(out->path), "%s", arg) :
			getcwd(cwd, sizeof(cwd)) ?
					snprintf(out->path, sizeof(out->path), "%s/%s", cwd, arg) :
					-1;
		if (n < 0 || (size_t)n >= sizeof(out->path))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "NETNS %s: path too long",
					    arg);
		/* a path in the netns dir is the namespace's name */
		snprintf(dir, sizeof(dir), "%s", out->path);
		char *slash = strrchr(dir, '/');
		*slash = '\0';
		char probe[PATH_MAX];
		if (netns_path(slash + 1, probe, sizeof(probe)) == 0 && !strcmp(probe, out->path))
			name = strrchr(out->path, '/') + 1;
		else
			name = out->path;
	} else if (netns_path(arg, out->path, sizeof(out->path)) < 0) {
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "NETNS \"%s\": not a namespace name or path", arg);
	}
	if (id) {
		if (!cni_valid_container_id(id) || strlen(id) > ATTACHSPEC_ID_MAX)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "--id \"%s\": use letters, digits, '_', '.' and '-', "
					    "starting with a letter or digit, at most %d", id,
					    ATTACHSPEC_ID_MAX);
		snprintf(out->id, sizeof(out->id), "%s", id);
		return 0;
	}
	if (attachspec_container_id(name, out->id, sizeof(out->id)) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "NETNS \"%s\": no container ID can be made from it (use --id)",
				    arg);
	return 0;
}

int cnet_netns_check(const char *arg, const struct cnet_netns_ref *ref, struct cnet_err *err)
{
	struct cnet_err e = { 0 };
	int fd = netns_open(ref->path, &e);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd == -ENOENT)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "no network namespace %s (%s does not exist)", arg, ref->path);
	if (fd == -ENOTTY)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "NETNS %s: %s is not a network namespace", arg, ref->path);
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, -fd, "NETNS %s: open %s", arg, ref->path);
}

int cnet_network_open(const struct cnet_ctx *ctx, const char *name, bool create_default,
		      struct cnet_conflist **out, struct cnet_err *err)
{
	if (create_default && !strcmp(name, NETDEF_DEFAULT_NETWORK)) {
		bool created = false;
		int ret = cnet_default_network_ensure(ctx, &created, err);
		if (ret < 0)
			return ret;
		if (created)
			cnet_note("created the default network %s", name);
	}
	int ret = cnet_conflist_find(&ctx->rt, name, out, err);
	if (ret == -ENOENT)
		cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "no network named %s (see 'cnet ls')",
			     name);
	return ret;
}

/* ---- the result cache ----------------------------------------------------------------------- */

struct load_arg {
	struct cnet_atts *atts;
	const char *id;
};

static int collect(const struct cnet_cached *c, void *arg)
{
	struct load_arg *la = arg;
	struct cnet_atts *a = la->atts;

	if (la->id && strcmp(la->id, c->container_id))
		return 0;
	struct cnet_att *v = realloc(a->v, (a->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->v = v;
	struct cnet_att *copy = &v[a->n++];
	copy->network = strdup(c->network);
	copy->container_id = strdup(c->container_id);
	copy->ifname = strdup(c->ifname);
	copy->netns = c->netns ? strdup(c->netns) : NULL;
	copy->result = json_incref(c->result);
	copy->caps = json_incref(c->capability_args);
	if (!copy->network || !copy->container_id || !copy->ifname || (c->netns && !copy->netns))
		return -ENOMEM;
	return 0;
}

int cnet_atts_load(const struct cnet_rt *rt, const char *net, const char *id,
		   struct cnet_atts *out, struct cnet_err *err)
{
	struct load_arg la = { out, id };

	out->v = NULL;
	out->n = 0;
	int ret = cnet_cache_each(rt, net, collect, &la, err);
	if (ret == -ENOMEM)
		ret = cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "read the result cache");
	if (ret < 0) {
		cnet_atts_free(out);
		return ret;
	}
	return 0;
}

void cnet_atts_free(struct cnet_atts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct cnet_att *x = &a->v[i];
		free(x->network);
		free(x->container_id);
		free(x->ifname);
		free(x->netns);
		json_decref(x->result);
		json_decref(x->caps);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

int cnet_att_find(const struct cnet_atts *all, const char *net, const char *id,
		  const char *ifname, const struct cnet_att **out, struct cnet_err *err)
{
	char names[256] = "";
	size_t count = 0, off = 0;

	*out = NULL;
	for (size_t i = 0; i < all->n; i++) {
		const struct cnet_att *a = &all->v[i];
		if (strcmp(a->network, net) || strcmp(a->container_id, id) ||
		    (ifname && strcmp(a->ifname, ifname)))
			continue;
		count++;
		*out = a;
		int w = snprintf(names + off, sizeof(names) - off, "%s%s", off ? ", " : "",
				 a->ifname);
		if (w > 0 && (size_t)w < sizeof(names) - off)
			off += (size_t)w;
	}
	if (count == 1)
		return 0;
	*out = NULL;
	if (count == 0) {
		cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "%s is not attached to network %s%s%s",
			     id, net, ifname ? " as " : "", ifname ? ifname : "");
		return -ENOENT;
	}
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "%s is attached to network %s %zu times (%s): say which with --ifname",
			    id, net, count, names);
}

/* ---- ADD and DEL ---------------------------------------------------------------------------- */

/* -ENODEV when the namespace has no link called ifname, 0 when it has, else an error. */
static int link_in_netns(struct cnet_nl *nl, const char *ifname, struct cnet_err *err)
{
	struct cnet_link link;

	return cnet_nl_link_get(nl, ifname, &link, err);
}

/* The interface: req->ifname, checked, or the first ethN neither the container's attachments
 * nor the namespace's links use. */
static int choose_ifname(const struct cnet_ctx *ctx, const struct cnet_conflist *cl,
			 const struct cnet_attach_req *req, char out[16], struct cnet_err *err)
{
	cleanup_atts struct cnet_atts mine = { 0 };
	cleanup_nl struct cnet_nl *nl = NULL;
	cleanup_close int fd = netns_open(req->netns, err);
	int ret = fd < 0 ? fd : cnet_atts_load(&ctx->rt, NULL, req->container_id, &mine, err);

	if (ret >= 0)
		ret = cnet_nl_open(&nl, fd, err);
	if (ret < 0)
		return ret;
	if (req->ifname && !cni_valid_ifname(req->ifname))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--ifname \"%s\": 1-15 bytes without '/', ':' or whitespace",
				    req->ifname);
	for (size_t i = 0; i < mine.n; i++) {
		const struct cnet_att *a = &mine.v[i];
		if (strcmp(a->network, cl->name) || (req->ifname && strcmp(a->ifname, req->ifname)))
			continue;
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "%s is already attached to network %s as %s", req->container_id,
				    cl->name, a->ifname);
	}
	if (req->ifname) {
		ret = link_in_netns(nl, req->ifname, err);
		if (ret == 0)
			return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
					    "--ifname %s: the namespace has an interface %s already",
					    req->ifname, req->ifname);
		if (ret != -ENODEV)
			return ret;
		snprintf(out, 16, "%s", req->ifname);
		return 0;
	}
	const char *used[ATTACHSPEC_MAX_IFACES + 64];
	size_t n = 0;
	for (size_t i = 0; i < mine.n && n < 64; i++)
		used[n++] = mine.v[i].ifname;
	char taken[ATTACHSPEC_MAX_IFACES][16];
	for (size_t k = 0; k < ATTACHSPEC_MAX_IFACES; k++) {
		if (attachspec_pick_ifname(used, n, out) < 0)
			break;
		ret = link_in_netns(nl, out, err);
		if (ret == -ENODEV)
			return 0;
		if (ret < 0)
			return ret;
		snprintf(taken[k], sizeof(taken[k]), "%s", out);
		used[n++] = taken[k];
	}
	return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
			    "no free interface name eth0-eth%d in the namespace: give --ifname",
			    ATTACHSPEC_MAX_IFACES - 1);
}

/* <cache dir>/.cnet-attach.lock (libcni reads only <cache dir>/results). */
static int attach_lock(const struct cnet_rt *rt, struct cnet_err *err)
{
	char path[PATH_MAX];
	int ret = fs_mkdir_p(rt->cache_dir, 0755, err);

	if (ret < 0)
		return ret;
	if ((size_t)snprintf(path, sizeof(path), "%s/.cnet-attach.lock", rt->cache_dir) >=
	    sizeof(path))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "%s", rt->cache_dir);
	return lock_take(path, err);
}

int cnet_attach(const struct cnet_ctx *ctx, const struct cnet_conflist *cl,
		const struct cnet_attach_req *req, char ifname_out[16], json_t **result,
		struct cnet_err *err)
{
	struct ipnet subnets[8];
	size_t n_subnets = netdef_subnets_of(cl->json, subnets, 8);
	json_t *caps = attachspec_caps_or_null(req->caps);

	if (n_subnets > 8)
		n_subnets = 8;
	int ret = caps ? attachspec_check_caps(cl->json, cl->name, caps, subnets, n_subnets, err) :
			 0;
	/* Two attaches of one container must not pick the same interface: the loser's undo
	 * (DEL on that ifname) would remove the winner's. One lock for the choice and the ADD. */
	cleanup_close int lock = ret < 0 ? -1 : attach_lock(&ctx->rt, err);
	if (lock < 0)
		return ret < 0 ? ret : lock;
	ret = choose_ifname(ctx, cl, req, ifname_out, err);
	if (ret < 0)
		return ret;
	struct cnet_attachment a = { .container_id = req->container_id,
				     .netns = req->netns,
				     .ifname = ifname_out,
				     .capability_args = caps };
	ret = cnet_rt_add(&ctx->rt, cl, &a, result, err);
	if (ret < 0) {
		/* libcni leaves the plugins that succeeded in place; cnet undoes them */
		struct cnet_err e = { 0 };
		if (cnet_rt_del(&ctx->rt, cl, &a, &e) < 0)
			cnet_log_error("undo the failed attach of %s: %s", req->container_id, e.msg);
	}
	return ret;
}

int cnet_detach(const struct cnet_ctx *ctx, const struct cnet_conflist *cl, const char *netns,
		const char *container_id, const char *ifname, struct cnet_err *err)
{
	struct cnet_attachment a = { .container_id = container_id,
				     .netns = netns,
				     .ifname = ifname };

	return cnet_rt_del(&ctx->rt, cl, &a, err);
}

json_t *cnet_att_json(const char *network, const char *container_id, const char *ifname,
		      const char *netns, json_t *result, json_t *caps)
{
	json_t *ips = json_array(), *ip;
	size_t i;

	json_array_foreach(json_object_get(result, "ips"), i, ip) {
		json_t *addr = json_object_get(ip, "address");
		if (json_is_string(addr))
			json_array_append(ips, addr);
	}
	json_t *ports = json_object_get(caps, "portMappings");
	ports = json_is_array(ports) ? json_incref(ports) : json_array();
	json_t *mac = NULL;
	json_array_foreach(json_object_get(result, "interfaces"), i, ip) {
		if (json_is_string(json_object_get(ip, "sandbox")) &&
		    !strcmp(json_string_value(json_object_get(ip, "name")) ?: "", ifname))
			mac = json_object_get(ip, "mac");
	}
	return json_pack("{s:s,s:s,s:s,s:s?,s:o,s:O?,s:o}", "network", network, "containerId",
			 container_id, "ifname", ifname, "netns", netns, "ips", ips, "mac", mac,
			 "ports", ports);
}
