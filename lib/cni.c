// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "conf.h"
#include "ipaddr.h"
#include "log.h"
#include "netns.h"

static const struct {
	const char *name;
	enum cni_command cmd;
} commands[] = {
	{ "ADD", CNI_CMD_ADD },	    { "DEL", CNI_CMD_DEL },	  { "CHECK", CNI_CMD_CHECK },
	{ "GC", CNI_CMD_GC },	    { "STATUS", CNI_CMD_STATUS }, { "VERSION", CNI_CMD_VERSION },
};

bool cni_valid_container_id(const char *id)
{
	/* ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$ (SPEC.md, and libcni's ValidateContainerID) */
	if (!id || !isalnum((unsigned char)id[0]))
		return false;
	for (const char *c = id; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
			return false;
	return true;
}

bool cni_valid_ifname(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 15 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return false;
	return true;
}

int cni_args_lookup(const char *cni_args, const char *key, char *buf, size_t len,
		    struct cnet_err *err)
{
	if (!cni_args || !*cni_args)
		return 0;
	size_t klen = strlen(key);
	int found = 0;
	/* Scan it all: like libcni, one malformed pair makes the whole CNI_ARGS invalid. */
	for (const char *p = cni_args; *p;) {
		const char *end = strchrnul(p, ';');
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (end > p && (!eq || memchr(eq + 1, '=', (size_t)(end - eq - 1))))
			return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
					    "CNI_ARGS: \"%.*s\" is not KEY=VALUE", (int)(end - p), p);
		if (!found && eq && (size_t)(eq - p) == klen && !strncmp(p, key, klen)) {
			snprintf(buf, len, "%.*s", (int)(end - eq - 1), eq + 1);
			found = 1;
		}
		p = *end ? end + 1 : end;
	}
	return found;
}

bool cni_attachment_is_valid(const struct cni_args *a, const char *container_id,
			     const char *ifname)
{
	for (size_t i = 0; i < a->n_valid; i++)
		if (!strcmp(a->valid[i].container_id, container_id) &&
		    !strcmp(a->valid[i].ifname, ifname))
			return true;
	return false;
}

/* ---- output --------------------------------------------------------------------------- */

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	fflush(stdout);
}

json_t *cni_error_json(const char *version, const struct cnet_err *err)
{
	json_t *o = json_pack("{s:s, s:i, s:s}", "cniVersion", version ? version : "1.1.0", "code",
			      err->code ? err->code : CNI_ERR_INTERNAL, "msg",
			      err->msg[0] ? err->msg : "unknown error");
	if (err->details[0])
		json_object_set_new(o, "details", json_string(err->details));
	return o;
}

static int print_error(const char *version, const struct cnet_err *err)
{
	json_auto_t *o = cni_error_json(version, err);
	cnet_log_debug("error %d: %s", err->code, err->msg);
	print_json(o);
	return 1;
}

static bool below_min(const struct cni_plugin *p, const char *version)
{
	return p->min_version && cni_version_cmp(version, p->min_version) < 0;
}

static int print_version(const struct cni_plugin *p)
{
	json_auto_t *v = json_array();
	for (size_t i = 0; cni_versions_supported[i]; i++)
		if (!below_min(p, cni_versions_supported[i]))
			json_array_append_new(v, json_string(cni_versions_supported[i]));
	json_auto_t *o = json_pack("{s:s, s:O}", "cniVersion", "1.1.0", "supportedVersions", v);
	print_json(o);
	return 0;
}

/* ---- input ---------------------------------------------------------------------------- */

static char *read_stdin(size_t *len, struct cnet_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf cleanup_free = malloc(cap);
	if (!buf) {
		cnet_err_set(err, CNI_ERR_IO, ENOMEM, "read stdin");
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= CNI_STDIN_MAX) {
				cnet_err_set(err, CNI_ERR_IO, 0, "read stdin: config larger than %d bytes",
					     CNI_STDIN_MAX);
				return NULL;
			}
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				cnet_err_set(err, CNI_ERR_IO, ENOMEM, "read stdin");
				return NULL;
			}
			buf = nb;
		}
		ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cnet_err_set(err, CNI_ERR_IO, errno, "read stdin");
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return TAKE_PTR(buf);
}

/* The environment each command needs (SPEC.md "Parameters"); CNI_NETNS is optional on DEL. */
static int check_env(struct cni_args *a, struct cnet_err *err)
{
	bool attach = a->cmd == CNI_CMD_ADD || a->cmd == CNI_CMD_DEL || a->cmd == CNI_CMD_CHECK;
	if (!attach)
		return 0;
	if (!a->container_id || !*a->container_id)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "CNI_CONTAINERID is required");
	if (!cni_valid_container_id(a->container_id))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "CNI_CONTAINERID \"%s\" is invalid: it must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*", a->container_id);
	if (!a->ifname || !*a->ifname)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "CNI_IFNAME is required");
	if (!cni_valid_ifname(a->ifname))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "CNI_IFNAME \"%s\" is invalid: it must be 1-15 bytes without "
				    "'/', ':' or whitespace, and not '.' or '..'", a->ifname);
	if (a->cmd != CNI_CMD_DEL && (!a->netns || !*a->netns))
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0, "CNI_NETNS is required for %s",
				    a->command);
	return 0;
}

/* Open CNI_NETNS. On DEL a namespace that is gone (or not a netns any more) is not an error. */
static int open_netns(const struct cni_plugin *p, struct cni_args *a, struct cnet_err *err)
{
	a->netns_fd = -1;
	if (!a->netns || !*a->netns || p->netns_unused)
		return 0;
	if (a->cmd != CNI_CMD_ADD && a->cmd != CNI_CMD_CHECK && a->cmd != CNI_CMD_DEL)
		return 0;
	struct cnet_err ignored;
	int fd = netns_open(a->netns, a->cmd == CNI_CMD_DEL ? &ignored : err);
	if (fd < 0)
		return a->cmd == CNI_CMD_DEL ? 0 : fd;
	a->netns_fd = fd;
	return 0;
}

static int parse_valid_attachments(struct cni_args *a, struct cnet_err *err)
{
	/* libcni sends cni.dev/valid-attachments (and, since cni#1103, also the spec-v1.1.0
	 * text's cni.dev/attachments); accept either. */
	const char *key = "cni.dev/valid-attachments";
	json_t *list = json_object_get(a->config, key);
	if (!list) {
		key = "cni.dev/attachments";
		list = json_object_get(a->config, key);
	}
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected an array", key);
	a->valid = calloc(json_array_size(list) + 1, sizeof(*a->valid));
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		char p[64];
		snprintf(p, sizeof(p), "%s[%zu]", key, i);
		const char *id = NULL, *ifname = NULL;
		if (!json_is_object(v))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected an object",
					    p);
		int r = conf_string(v, p, "containerID", true, &id, err);
		if (r >= 0)
			r = conf_string(v, p, "ifname", true, &ifname, err);
		if (r < 0)
			return r;
		a->valid[a->n_valid++] = (struct cni_attachment){ id, ifname };
	}
	return 0;
}

/* Decode the config: cniVersion and name, the version gates, prevResult, GC's list. */
static int parse_config(const struct cni_plugin *p, struct cni_args *a, struct cnet_err *err)
{
	const char *version = NULL, *name = NULL;
	json_t *prev = NULL;
	int r = conf_string(a->config, "", "cniVersion", true, &version, err);
	if (r < 0) {
		err->code = CNI_ERR_DECODE;
		return r;
	}
	a->version = version;
	if (!cni_version_supported(version)) {
		cnet_err_set(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
			     "incompatible CNI versions: config is \"%s\", plugin supports "
			     "0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", version);
		cnet_err_details(err, "config is \"%s\"", version);
		return -EINVAL;
	}
	if (below_min(p, version)) {
		cnet_err_set(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
			     "incompatible CNI versions: config is \"%s\", %s needs %s or later",
			     version, p->name, p->min_version);
		cnet_err_details(err, "config is \"%s\"", version);
		return -EINVAL;
	}
	const char *need = a->cmd == CNI_CMD_CHECK ? "0.4.0" :
			   (a->cmd == CNI_CMD_GC || a->cmd == CNI_CMD_STATUS) ? "1.1.0" : NULL;
	if (need && cni_version_cmp(version, need) < 0)
		return cnet_err_set(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
				    "config version \"%s\" does not allow %s (needs %s or later)",
				    version, a->command, need);
	r = conf_string(a->config, "", "name", true, &name, err);
	if (r < 0)
		return r;
	if (!cni_valid_container_id(name))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "name: \"%s\" is not a valid network name "
				    "([a-zA-Z0-9][a-zA-Z0-9_.-]*)", name);
	a->name = name;
	r = conf_object(a->config, "", "prevResult", false, &prev, err);
	if (r < 0)
		return r;
	if (prev) {
		a->prev = cni_result_parse(prev, "prevResult", err);
		if (!a->prev)
			return -EINVAL;
	}
	return a->cmd == CNI_CMD_GC ? parse_valid_attachments(a, err) : 0;
}

static int dispatch(const struct cni_plugin *p, struct cni_args *a, struct cnet_err *err)
{
	struct cni_result *res cleanup_result = NULL;
	int r;
	switch (a->cmd) {
	case CNI_CMD_ADD:
		r = p->add(a, &res, err);
		if (r >= 0) {
			json_auto_t *o = cni_result_to_json(res, a->version);
			print_json(o);
		}
		return r;
	case CNI_CMD_DEL:
		return p->del(a, err);
	case CNI_CMD_CHECK:
		return p->check ? p->check(a, err) : 0;
	case CNI_CMD_GC:
		return p->gc ? p->gc(a, err) : 0;
	case CNI_CMD_STATUS:
		return p->status ? p->status(a, err) : 0;
	case CNI_CMD_VERSION:
		break;
	}
	return 0;
}

static int lookup_command(const char *s, enum cni_command *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(s, commands[i].name)) {
			*cmd = commands[i].cmd;
			return 0;
		}
	return -EINVAL;
}

int cni_main(const struct cni_plugin *p, int argc, char **argv)
{
	struct cnet_err err = { 0 };
	struct cni_args a = { .netns_fd = -1 };
	(void)argc;
	cnet_log_init(argv[0]);

	a.command = getenv("CNI_COMMAND");
	if (!a.command || !*a.command) {
		fprintf(stderr, "%s\nCNI protocol versions supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, "
				"1.1.0\n", p->about);
		return 0;
	}
	if (lookup_command(a.command, &a.cmd) < 0) {
		cnet_err_set(&err, CNI_ERR_INVALID_ENV, 0, "CNI_COMMAND \"%s\" is not one of ADD, "
			     "DEL, CHECK, GC, STATUS, VERSION", a.command);
		return print_error(NULL, &err);
	}
	if (a.cmd == CNI_CMD_VERSION)
		return print_version(p);

	a.container_id = getenv("CNI_CONTAINERID");
	a.netns = getenv("CNI_NETNS");
	a.ifname = getenv("CNI_IFNAME");
	a.cni_args = getenv("CNI_ARGS");
	a.path = getenv("CNI_PATH");

	cleanup_free char *buf = NULL;
	json_auto_t *config = NULL;
	int r = check_env(&a, &err);
	if (r >= 0) {
		buf = read_stdin(&a.stdin_len, &err);
		r = buf ? 0 : -EIO;
	}
	if (r >= 0) {
		a.stdin_data = buf;
		config = conf_load(buf, a.stdin_len, &err);
		a.config = config;
		r = config ? parse_config(p, &a, &err) : -EINVAL;
	}
	if (r >= 0)
		r = open_netns(p, &a, &err);
	if (r >= 0)
		r = dispatch(p, &a, &err);

	if (a.netns_fd >= 0)
		close(a.netns_fd);
	cni_result_free(a.prev);
	free(a.valid);
	if (r < 0)
		return print_error(a.version && cni_version_supported(a.version) ? a.version : NULL,
				   &err);
	return 0;
}

int cni_mac_arg(json_t *config, const char *cni_args, uint8_t mac[6], const char **where,
		struct cnet_err *err)
{
	json_t *rc = NULL, *args = NULL, *cni = NULL;
	bool has = false;
	int r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = conf_mac(rc, "runtimeConfig", "mac", mac, &has, err);
	*where = "runtimeConfig.mac";
	if (r >= 0 && !has)
		r = conf_object(config, "", "args", false, &args, err);
	if (r >= 0 && args)
		r = conf_object(args, "args", "cni", false, &cni, err);
	if (r >= 0 && cni) {
		*where = "args.cni.mac";
		r = conf_mac(cni, "args.cni", "mac", mac, &has, err);
	}
	if (r < 0 || has)
		return r < 0 ? r : 1;
	char buf[64];
	r = cni_args_lookup(cni_args, "MAC", buf, sizeof(buf), err);
	if (r <= 0)
		return r;
	if (mac_parse(buf, mac) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "CNI_ARGS MAC: \"%s\" is not a MAC address", buf);
	*where = "CNI_ARGS MAC";
	return 1;
}
