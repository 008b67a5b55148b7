// SPDX-License-Identifier: Apache-2.0
/*
 * Run a conflist as libcni does (libcni/api.go): find each plugin on the path, build its stdin
 * (name, cniVersion, runtimeConfig, prevResult), exec it with the CNI_* environment, chain the
 * results, cache the last one. Version negotiation asks every plugin VERSION (once per binary:
 * lib/runtime_versions.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "ipam.h"
#include "log.h"
#include "result.h"
#include "runtime_int.h"

#define MAX_CANDIDATES 16

/* One command's invocation parameters: what goes into the CNI_* environment. */
struct rt_call {
	const struct cnet_rt *rt;
	const struct cnet_conflist *cl;
	const char *version;        /* negotiated */
	const char *command;
	const char *container_id;   /* "" when none (GC, STATUS, VERSION) */
	const char *netns;
	const char *ifname;
	const char *cni_args;
	json_t *capability_args;    /* borrowed; NULL: no runtimeConfig */
};

/* ---- exec --------------------------------------------------------------------------------- */

static bool is_cni_var(const char *e)
{
	static const char *const vars[] = { "CNI_COMMAND=", "CNI_CONTAINERID=", "CNI_NETNS=",
					    "CNI_IFNAME=",  "CNI_ARGS=",        "CNI_PATH=" };
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (!strncmp(e, vars[i], strlen(vars[i])))
			return true;
	return false;
}

struct plugin_env {
	char **envp;
	char *own[6];
};

static void plugin_env_free(struct plugin_env *e)
{
	free(e->envp);
	for (size_t i = 0; i < ARRAY_SIZE(e->own); i++)
		free(e->own[i]);
}

/* Our environment with the six CNI_* variables set as libcni's invoke.Args.AsEnv does. */
static int plugin_env_build(struct plugin_env *e, const struct rt_call *c)
{
	size_t n = 0, j = 0;
	while (environ[n])
		n++;
	e->envp = calloc(n + ARRAY_SIZE(e->own) + 1, sizeof(*e->envp));
	if (!e->envp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!is_cni_var(environ[i]))
			e->envp[j++] = environ[i];
	const char *names[] = { "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS",
				"CNI_IFNAME",  "CNI_ARGS",        "CNI_PATH" };
	const char *values[] = { c->command, c->container_id, c->netns,
				 c->ifname,  c->cni_args,     c->rt->plugin_path };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (asprintf(&e->own[i], "%s=%s", names[i], values[i] ? values[i] : "") < 0) {
			e->own[i] = NULL;
			return -ENOMEM;
		}
		e->envp[j++] = e->own[i];
	}
	return 0;
}

/* A failed plugin: its error JSON ({code, msg, details}) becomes err, type in front. */
static int plugin_error(const char *type, const char *out, size_t len, int status,
			struct cnet_err *err)
{
	json_auto_t *o = json_loadb(out, len, 0, NULL);
	json_t *code = json_object_get(o, "code");
	json_t *msg = json_object_get(o, "msg");
	if (json_is_integer(code) && json_is_string(msg)) {
		cnet_err_set(err, (int)json_integer_value(code), 0, "%s", json_string_value(msg));
		json_t *details = json_object_get(o, "details");
		if (json_is_string(details) && *json_string_value(details))
			cnet_err_details(err, "%s", json_string_value(details));
	} else if (WIFEXITED(status)) {
		cnet_err_set(err, CNI_ERR_IO, 0, "exited with status %d and printed no error JSON",
			     WEXITSTATUS(status));
	} else {
		cnet_err_set(err, CNI_ERR_IO, 0, "killed by signal %d", WTERMSIG(status));
	}
	cnet_err_prefix(err, "%s", type);
	return -EIO;
}

/* Find type, run it with stdin_data, collect stdout; a non-zero exit is the plugin's error. */
static int exec_type(const struct rt_call *c, const char *type, const char *stdin_data,
		     char **out, size_t *out_len, struct cnet_err *err)
{
	char bin[PATH_MAX];
	int r = cnet_find_plugin(c->rt->plugin_path, type, bin, sizeof(bin), err);
	if (r < 0) {
		if (err)
			err->code = CNI_ERR_IO;
		return -ENOENT;
	}
	struct plugin_env env __attribute__((cleanup(plugin_env_free))) = { 0 };
	if (plugin_env_build(&env, c) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", type);
	cnet_log_debug("exec %s %s (%s)", bin, c->command, c->container_id);
	int status = 0;
	/* As libcni: a binary that is being written (ETXTBSY) is retried a few times. */
	for (int attempt = 0; attempt < 5; attempt++) {
		r = cnet_exec_plugin(bin, env.envp, stdin_data, strlen(stdin_data), out, out_len,
				     &status, err);
		if (r != -ETXTBSY)
			break;
		nanosleep(&(struct timespec){ 0, 50000000L * (attempt + 1) }, NULL);
	}
	if (r < 0) {
		if (err)
			err->code = CNI_ERR_IO;
		cnet_err_prefix(err, "%s", type);
		return r;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return plugin_error(type, *out, *out_len, status, err);
	return 0;
}

/* ---- stdin -------------------------------------------------------------------------------- */

/* runtimeConfig: the capability arguments the plugin declares true, and only those. */
static json_t *runtime_config(json_t *plugin, json_t *capability_args)
{
	json_t *caps = json_object_get(plugin, "capabilities");
	json_t *rc = json_object();
	const char *key;
	json_t *on;
	json_object_foreach(caps, key, on) {
		json_t *v = json_object_get(capability_args, key);
		if (json_is_true(on) && v)
			json_object_set(rc, key, v);
	}
	return rc;
}

/* The plugin's object with what libcni injects; NULL when out of memory. */
static char *plugin_stdin(const struct rt_call *c, json_t *plugin, json_t *prev, json_t *valid)
{
	json_auto_t *o = json_copy(plugin);
	if (!o || json_object_set_new(o, "name", json_string(c->cl->name)) < 0 ||
	    json_object_set_new(o, "cniVersion", json_string(c->version)) < 0)
		return NULL;
	if (c->capability_args) {
		json_auto_t *rc = runtime_config(plugin, c->capability_args);
		if (json_object_size(rc))
			json_object_set(o, "runtimeConfig", rc);
	}
	if (prev)
		json_object_set(o, "prevResult", prev);
	if (valid)
		json_object_set(o, "cni.dev/valid-attachments", valid);
	return json_dumps(o, JSON_COMPACT);
}

/* Run one plugin of the list; on ADD *result gets what it printed. */
static int run_plugin(const struct rt_call *c, json_t *plugin, json_t *prev, json_t *valid,
		      json_t **result, struct cnet_err *err)
{
	const char *type = json_string_value(json_object_get(plugin, "type"));
	cleanup_free char *in = plugin_stdin(c, plugin, prev, valid);
	cleanup_free char *out = NULL;
	size_t len = 0;
	if (!in)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", type);
	int r = exec_type(c, type, in, &out, &len, err);
	if (r < 0 || !result)
		return r;
	json_error_t jerr;
	json_t *o = json_loadb(out, len, 0, &jerr);
	if (!json_is_object(o)) {
		json_decref(o);
		return cnet_err_set(err, CNI_ERR_IO, 0, "%s: %s printed no result: %s", type,
				    c->command, len ? jerr.text : "empty output");
	}
	*result = o;
	return 0;
}

/* ---- version negotiation ------------------------------------------------------------------ */

static int version_desc(const void *a, const void *b)
{
	return cni_version_cmp(*(const char *const *)b, *(const char *const *)a);
}

/* The list's versions this runtime speaks, highest first. */
static size_t candidates(const struct cnet_conflist *cl, const char **out)
{
	size_t n = 0;
	json_t *list = json_object_get(cl->json, "cniVersions");
	size_t m = json_array_size(list);
	for (size_t i = 0; i <= m && n < MAX_CANDIDATES; i++) {
		const char *v = json_string_value(
			i < m ? json_array_get(list, i) : json_object_get(cl->json, "cniVersion"));
		if (!v || !cnet_rt_version_valid(v) || cni_version_cmp(v, CNET_RT_VERSION_MAX) > 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= !strcmp(out[j], v);
		if (!dup)
			out[n++] = v;
	}
	qsort(out, n, sizeof(*out), version_desc);
	return n;
}

/* Ask type VERSION: its supportedVersions (new reference), unless this very binary has
 * answered before (vc). */
static int plugin_versions(const struct rt_call *base, struct cnet_rt_versions *vc,
			   const char *type, json_t **out, struct cnet_err *err)
{
	struct rt_call c = { .rt = base->rt, .cl = base->cl, .command = "VERSION" };
	char bin[PATH_MAX];
	bool found = cnet_find_plugin(base->rt->plugin_path, type, bin, sizeof(bin), NULL) >= 0;
	json_t *cached = found ? cnet_rt_versions_get(vc, bin) : NULL;
	if (cached) {
		*out = json_incref(cached);
		return 0;
	}
	json_auto_t *in_o = json_pack("{s:s}", "cniVersion", base->cl->version);
	cleanup_free char *in = in_o ? json_dumps(in_o, JSON_COMPACT) : NULL;
	cleanup_free char *stdout_buf = NULL;
	size_t len = 0;
	if (!in)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "%s", type);
	int r = exec_type(&c, type, in, &stdout_buf, &len, err);
	if (r < 0)
		return r;
	json_auto_t *o = json_loadb(stdout_buf, len, 0, NULL);
	json_t *v = json_object_get(o, "supportedVersions");
	if (!json_is_array(v))
		return cnet_err_set(err, CNI_ERR_IO, 0, "%s: VERSION printed no supportedVersions",
				    type);
	if (found)
		cnet_rt_versions_put(vc, bin, v);
	*out = json_incref(v);
	return 0;
}

static bool versions_have(json_t *versions, const char *v)
{
	size_t i;
	json_t *e;
	json_array_foreach(versions, i, e) {
		if (json_is_string(e) && !strcmp(json_string_value(e), v))
			return true;
	}
	return false;
}

/* "[a, b]" of a JSON array of strings. */
static void print_versions(FILE *f, json_t *arr)
{
	size_t i;
	json_t *e;
	fputc('[', f);
	json_array_foreach(arr, i, e) {
		const char *v = json_string_value(e);
		fprintf(f, "%s%s", i ? ", " : "", v ? v : "?");
	}
	fputc(']', f);
}

struct negotiation {
	const char *cand[MAX_CANDIDATES];
	size_t n_cand;
	bool rejected[MAX_CANDIDATES];
	json_t *seen;   /* {type: supportedVersions} */
	json_t *rejecting;   /* [type...] that rejected some candidate */
};

static int no_common_version(const struct cnet_conflist *cl, struct negotiation *ng,
			     struct cnet_err *err)
{
	cleanup_free char *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);
	if (!f)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "version");
	fprintf(f, "network \"%s\": no CNI version in common: the list has ", cl->name);
	for (size_t k = 0; k < ng->n_cand; k++)
		fprintf(f, "%s%s%s", k ? ", " : "[", ng->cand[k], k + 1 == ng->n_cand ? "]" : "");
	if (!ng->n_cand)
		fprintf(f, "none up to %s", CNET_RT_VERSION_MAX);
	size_t i;
	json_t *t;
	json_array_foreach(ng->rejecting, i, t) {
		fprintf(f, "; %s supports ", json_string_value(t));
		print_versions(f, json_object_get(ng->seen, json_string_value(t)));
	}
	fclose(f);
	return cnet_err_set(err, CNI_ERR_INCOMPATIBLE_VERSION, 0, "%s", msg ? msg : "");
}

/*
 * The highest of the list's versions that every plugin supports, into buf. lenient (DEL,
 * GC): a plugin that cannot answer VERSION does not count, and without a common version the
 * list's own is used, so that every plugin still gets its DEL.
 */
static int negotiate(const struct cnet_rt *rt, const struct cnet_conflist *cl, bool lenient,
		     char *buf, size_t len, struct cnet_err *err)
{
	struct rt_call c = { .rt = rt, .cl = cl };
	struct negotiation ng = { .n_cand = 0 };
	ng.n_cand = candidates(cl, ng.cand);
	json_auto_t *seen = json_object();
	json_auto_t *rejecting = json_array();
	ng.seen = seen;
	ng.rejecting = rejecting;
	if (!seen || !rejecting)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "version");
	struct cnet_rt_versions vc __attribute__((cleanup(cnet_rt_versions_save)));
	cnet_rt_versions_load(&vc, rt);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		const char *type = json_string_value(json_object_get(p, "type"));
		json_t *versions = NULL;
		if (json_object_get(seen, type))
			continue;
		struct cnet_err e = { 0 };
		int r = plugin_versions(&c, &vc, type, &versions, &e);
		if (r < 0 && !lenient) {
			*err = e;
			return r;
		}
		if (r < 0) {
			cnet_log_warn("%s", e.msg);
			continue;
		}
		json_object_set_new(seen, type, versions);
		bool rejects = false;
		for (size_t k = 0; k < ng.n_cand; k++)
			if (!versions_have(versions, ng.cand[k]))
				ng.rejected[k] = rejects = true;
		if (rejects)
			json_array_append_new(rejecting, json_string(type));
	}
	for (size_t k = 0; k < ng.n_cand; k++)
		if (!ng.rejected[k]) {
			snprintf(buf, len, "%s", ng.cand[k]);
			return 0;
		}
	if (lenient) {
		snprintf(buf, len, "%s", cl->version);
		return 0;
	}
	return no_common_version(cl, &ng, err);
}

/* ---- attachments -------------------------------------------------------------------------- */

static int check_attachment(const struct cnet_attachment *a, bool need_netns,
			    const char *command, struct cnet_err *err)
{
	if (!a->container_id || !*a->container_id)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "%s: a container ID is required",
				    command);
	if (!cni_valid_container_id(a->container_id))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "container ID \"%s\" is invalid: it must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*", a->container_id);
	if (!a->ifname || !*a->ifname)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "%s: an interface name is required",
				    command);
	if (!cni_valid_ifname(a->ifname))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "interface name \"%s\" is invalid: it must be 1-15 bytes without "
				    "'/', ':' or whitespace, and not '.' or '..'", a->ifname);
	if (need_netns && (!a->netns || !*a->netns))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "%s: a network namespace is required",
				    command);
	return 0;
}

/* The cached result as version (libcni's GetAsVersion); the original when it cannot. */
static json_t *prev_as(json_t *cached, const char *version)
{
	const char *v = json_string_value(json_object_get(cached, "cniVersion"));
	if (!cached || !v || !strcmp(v, version) || !cni_version_supported(v) ||
	    !cni_version_supported(version))
		return json_incref(cached);
	struct cnet_err e;
	struct cni_result *r = cni_result_parse(cached, "prevResult", &e);
	json_t *o = r ? cni_result_to_json(r, version) : NULL;
	cni_result_free(r);
	return o ? o : json_incref(cached);
}

int cnet_rt_add(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		const struct cnet_attachment *a, json_t **result, struct cnet_err *err)
{
	char version[32];
	json_auto_t *args = NULL;
	int r = check_attachment(a, true, "ADD", err);
	if (r >= 0)
		r = cnet_rt_cni_args_parse(a->cni_args, &args, err);
	if (r >= 0)
		r = negotiate(rt, cl, false, version, sizeof(version), err);
	if (r < 0)
		return r;
	struct rt_call c = { rt, cl, version, "ADD", a->container_id, a->netns, a->ifname,
			     a->cni_args, a->capability_args };
	json_auto_t *prev = NULL;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		json_t *res = NULL;
		r = run_plugin(&c, p, prev, NULL, &res, err);
		if (r < 0)
			return r;
		json_decref(prev);
		prev = res;
	}
	r = cnet_cache_write(rt, cl, a, args, prev, err);
	if (r < 0) {
		cnet_err_prefix(err, "network \"%s\": cache the result", cl->name);
		return r;
	}
	*result = TAKE_PTR(prev);
	return 0;
}

/* DEL through the list in reverse with version; every plugin runs, the first error is kept.
 * The cache entry goes when all succeeded. */
static int del_with(const struct cnet_rt *rt, const struct cnet_conflist *cl, const char *version,
		    const struct cnet_attachment *a, struct cnet_err *err)
{
	struct cnet_cached *cached = NULL;
	if (cni_version_cmp(version, "0.4.0") >= 0) {
		struct cnet_err e;
		int r = cnet_cache_get(rt, cl->name, a->container_id, a->ifname, &cached, &e);
		if (r < 0 && r != -ENOENT) {   /* as libcni: an unreadable entry goes */
			cnet_log_warn("%s (removed)", e.msg);
			cnet_cache_remove(rt, cl->name, a->container_id, a->ifname, NULL);
		}
	}
	cleanup_free char *joined = !a->cni_args && cached && cached->cni_args
					    ? cnet_rt_cni_args_join(cached->cni_args)
					    : NULL;
	const char *cni_args = a->cni_args ? a->cni_args : joined;
	json_t *caps = a->capability_args;
	if (!caps && cached)
		caps = cached->capability_args;
	json_auto_t *prev = cached ? prev_as(cached->result, version) : NULL;
	struct rt_call c = { rt, cl, version, "DEL", a->container_id, a->netns, a->ifname,
			     cni_args, caps };
	json_t *plugins = json_object_get(cl->json, "plugins");
	int first = 0;
	for (size_t i = json_array_size(plugins); i-- > 0;) {
		struct cnet_err e = { 0 };
		int r = run_plugin(&c, json_array_get(plugins, i), prev, NULL, NULL, &e);
		if (r < 0 && !first) {
			first = r;
			if (err)
				*err = e;
		} else if (r < 0) {
			cnet_log_error("network \"%s\" DEL %s/%s: %s", cl->name, a->container_id,
				       a->ifname, e.msg);
		}
	}
	cnet_cached_free(cached);
	if (first < 0)
		return first;
	struct cnet_err e;
	if (cnet_cache_remove(rt, cl->name, a->container_id, a->ifname, &e) < 0)
		cnet_log_warn("%s", e.msg);
	return 0;
}

int cnet_rt_del(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		const struct cnet_attachment *a, struct cnet_err *err)
{
	char version[32];
	json_auto_t *args = NULL;
	int r = check_attachment(a, false, "DEL", err);
	if (r >= 0)
		r = cnet_rt_cni_args_parse(a->cni_args, &args, err);
	if (r >= 0)
		r = negotiate(rt, cl, true, version, sizeof(version), err);
	if (r < 0)
		return r;
	return del_with(rt, cl, version, a, err);
}

static int check_unsupported(const char *version, struct cnet_err *err)
{
	return cnet_err_set(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
			    "configuration version \"%s\" does not support the CHECK command",
			    version);
}

int cnet_rt_check(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		  const struct cnet_attachment *a, struct cnet_err *err)
{
	if (cni_version_cmp(cl->version, "0.4.0") < 0)
		return check_unsupported(cl->version, err);
	if (cl->disable_check)
		return 0;
	char version[32];
	json_auto_t *args = NULL;
	cleanup_cached struct cnet_cached *cached = NULL;
	int r = check_attachment(a, true, "CHECK", err);
	if (r >= 0)
		r = cnet_rt_cni_args_parse(a->cni_args, &args, err);
	if (r >= 0)
		r = cnet_cache_get(rt, cl->name, a->container_id, a->ifname, &cached, err);
	if (r == -ENOENT || (r >= 0 && !cached->result)) {
		cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
			     "network \"%s\": no cached result for container %s interface %s",
			     cl->name, a->container_id, a->ifname);
		return -ENOENT;
	}
	if (r >= 0)
		r = negotiate(rt, cl, false, version, sizeof(version), err);
	if (r < 0)
		return r;
	if (cni_version_cmp(version, "0.4.0") < 0)
		return check_unsupported(version, err);
	cleanup_free char *joined =
		!a->cni_args && cached->cni_args ? cnet_rt_cni_args_join(cached->cni_args) : NULL;
	const char *cni_args = a->cni_args ? a->cni_args : joined;
	json_auto_t *prev = prev_as(cached->result, version);
	struct rt_call c = { rt, cl, version, "CHECK", a->container_id, a->netns, a->ifname,
			     cni_args, a->capability_args ? a->capability_args
							  : cached->capability_args };
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		r = run_plugin(&c, p, prev, NULL, NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- GC ----------------------------------------------------------------------------------- */

struct gc_ctx {
	const struct cnet_rt *rt;
	const struct cnet_conflist *cl;
	const struct cnet_attachment *extra;
	size_t n_extra;
	char version[32];
	bool negotiated;
	json_t *valid;   /* [{containerID, ifname}] */
	int first;
	struct cnet_err *err;
};

static void gc_fail(struct gc_ctx *g, int r, const struct cnet_err *e)
{
	if (!g->first) {
		g->first = r;
		if (g->err)
			*g->err = *e;
	} else {
		cnet_log_error("network \"%s\" GC: %s", g->cl->name, e->msg);
	}
}

static int gc_negotiate(struct gc_ctx *g)
{
	if (g->negotiated)
		return 0;
	struct cnet_err e;
	int r = negotiate(g->rt, g->cl, true, g->version, sizeof(g->version), &e);
	if (r < 0) {
		gc_fail(g, r, &e);
		return r;
	}
	g->negotiated = true;
	return 0;
}

static void valid_add(json_t *valid, const char *container_id, const char *ifname)
{
	size_t i;
	json_t *v;
	json_array_foreach(valid, i, v) {
		if (!strcmp(json_string_value(json_object_get(v, "containerID")), container_id) &&
		    !strcmp(json_string_value(json_object_get(v, "ifname")), ifname))
			return;
	}
	json_array_append_new(valid, json_pack("{s:s, s:s}", "containerID", container_id,
					       "ifname", ifname));
}

static bool in_extra(const struct gc_ctx *g, const char *container_id, const char *ifname)
{
	for (size_t i = 0; i < g->n_extra; i++)
		if (g->extra[i].container_id && g->extra[i].ifname &&
		    !strcmp(g->extra[i].container_id, container_id) &&
		    !strcmp(g->extra[i].ifname, ifname))
			return true;
	return false;
}

/* A cached attachment: valid while its netns exists (or when the caller says so), else it is
 * DELeted as libcni's GCNetworkList does for attachments the runtime no longer knows. */
static int gc_entry(const struct cnet_cached *c, void *arg)
{
	struct gc_ctx *g = arg;
	struct cnet_attachment a = { .container_id = c->container_id, .netns = c->netns,
				     .ifname = c->ifname };
	struct cnet_err e;
	if (check_attachment(&a, false, "GC", &e) < 0) {
		cnet_log_warn("%s: %s", c->path, e.msg);
		return 0;
	}
	if (!c->netns || access(c->netns, F_OK) == 0 ||
	    in_extra(g, c->container_id, c->ifname)) {
		valid_add(g->valid, c->container_id, c->ifname);
		return 0;
	}
	if (gc_negotiate(g) < 0)
		return 0;
	cnet_log_info("network \"%s\": %s gone, deleting %s/%s", g->cl->name, c->netns,
		      c->container_id, c->ifname);
	int r = del_with(g->rt, g->cl, g->version, &a, &e);
	if (r < 0) {
		cnet_err_prefix(&e, "delete stale attachment %s %s", c->container_id, c->ifname);
		gc_fail(g, r, &e);
	}
	return 0;
}

int cnet_rt_gc(const struct cnet_rt *rt, const struct cnet_conflist *cl,
	       const struct cnet_attachment *extra, size_t n_extra, struct cnet_err *err)
{
	if (cl->disable_gc)
		return 0;
	json_auto_t *valid = json_array();
	struct gc_ctx g = { .rt = rt, .cl = cl, .extra = extra, .n_extra = n_extra,
			    .valid = valid, .err = err };
	if (!valid)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "GC");
	struct cnet_err e;
	int r = cnet_cache_each(rt, cl->name, gc_entry, &g, &e);
	if (r < 0)
		gc_fail(&g, r, &e);
	if (cni_version_cmp(cl->version, "1.1.0") < 0 || gc_negotiate(&g) < 0 ||
	    cni_version_cmp(g.version, "1.1.0") < 0)
		return g.first;
	for (size_t i = 0; i < n_extra; i++)
		if (extra[i].container_id && extra[i].ifname)
			valid_add(valid, extra[i].container_id, extra[i].ifname);
	struct rt_call c = { .rt = rt, .cl = cl, .version = g.version, .command = "GC" };
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		r = run_plugin(&c, p, NULL, valid, NULL, &e);
		if (r < 0)
			gc_fail(&g, r, &e);
	}
	return g.first;
}

/* ---- STATUS ------------------------------------------------------------------------------- */

int cnet_rt_status(const struct cnet_rt *rt, const struct cnet_conflist *cl,
		   struct cnet_err *err)
{
	char version[32];
	if (cni_version_cmp(cl->version, "1.1.0") < 0)
		return 0;
	int r = negotiate(rt, cl, false, version, sizeof(version), err);
	if (r < 0 || cni_version_cmp(version, "1.1.0") < 0)
		return r;
	struct rt_call c = { .rt = rt, .cl = cl, .version = version, .command = "STATUS" };
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(cl->json, "plugins"), i, p) {
		r = run_plugin(&c, p, NULL, NULL, NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}
