// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cni.h"
#include "conf.h"
#include "tn_conf.h"

int tn_sysctl_path(const char *key, const char *ifname, const char *where, char *buf, size_t len,
		   struct cnet_err *err)
{
	size_t klen = strlen(key);
	if (!klen || klen >= len)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: a sysctl name must be 1 to %zu bytes", where, len - 1);
	/* The first separator decides (sysctl(8), and the reference's utils/sysctl). */
	size_t first = strcspn(key, "./");
	bool swap = key[first] == '.';
	for (size_t i = 0; i <= klen; i++)
		buf[i] = !swap ? key[i] : key[i] == '.' ? '/' : key[i] == '/' ? '.' : key[i];

	char *tok = strstr(buf, "IFNAME");
	if (tok) {
		cleanup_free char *rest = strdup(tok + strlen("IFNAME"));
		size_t room = len - (size_t)(tok - buf);
		int n = rest ? snprintf(tok, room, "%s%s", ifname, rest) : -1;
		if (n < 0 || (size_t)n >= room)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: too long once IFNAME is replaced", where);
	}

	/* Each component a real name: no "", ".", ".." (no way out of /proc/sys/net). */
	for (const char *p = buf;;) {
		size_t n = strcspn(p, "/");
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: not a valid sysctl name (empty, \".\" or \"..\" "
					    "component)", where);
		if (!p[n])
			break;
		p += n + 1;
	}
	if (strncmp(buf, "net/", 4))
		return cnet_err_set(err, CNI_ERR_UNSUPPORTED_FIELD, 0,
				    "%s: only network sysctls (net.*, /proc/sys/net) can be set in "
				    "a container's namespace", where);
	return 0;
}

/* Add or replace (same key as written) one sysctl. */
static int add_sysctl(struct tn_conf *c, const char *path, const char *key, json_t *v,
		      const char *ifname, struct cnet_err *err)
{
	struct tn_sysctl *s = NULL;
	for (size_t i = 0; i < c->n_sysctls; i++)
		if (!strcmp(c->sysctls[i].key, key))
			s = &c->sysctls[i];
	if (!s) {
		if (c->n_sysctls == TN_MAX_SYSCTLS)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: more than %d sysctls", path, TN_MAX_SYSCTLS);
		s = &c->sysctls[c->n_sysctls++];
	}
	s->key = key;
	conf_path(s->where, sizeof(s->where), path, key);
	if (!json_is_string(v))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected a string, got %s",
				    s->where, conf_type_name(v));
	s->value = json_string_value(v);
	return tn_sysctl_path(key, ifname, s->where, s->path, sizeof(s->path), err);
}

static int parse_sysctls(json_t *obj, const char *path, const char *ifname, struct tn_conf *c,
			 struct cnet_err *err)
{
	json_t *map = NULL;
	const char *key;
	json_t *v;
	int r = conf_object(obj, path, "sysctl", false, &map, err);
	char p[64];
	conf_path(p, sizeof(p), path, "sysctl");
	json_object_foreach(map, key, v) {
		if (r >= 0)
			r = add_sysctl(c, p, key, v, ifname, err);
	}
	return r;
}

/* A MAC string: "" leaves the current choice alone unless clear_on_empty (args.cni.mac: ""
 * cancels a MAC given elsewhere, as in the reference). */
static int take_mac(struct tn_conf *c, const char *s, const char *where, bool clear_on_empty,
		    int code, struct cnet_err *err)
{
	if (!s || (!*s && !clear_on_empty))
		return 0;
	if (!*s) {
		c->has_mac = false;
		return 0;
	}
	uint8_t mac[6];
	if (mac_parse(s, mac) < 0)
		return cnet_err_set(err, code, 0, "%s: \"%s\" is not a MAC address", where, s);
	if (mac[0] & 1 || mac_is_zero(mac))
		return cnet_err_set(err, code, 0, "%s: \"%s\" is not a unicast MAC address", where,
				    s);
	memcpy(c->mac, mac, 6);
	snprintf(c->mac_str, sizeof(c->mac_str), "%s", s);
	c->has_mac = true;
	return 0;
}

static bool present(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return v && !json_is_null(v);
}

/* The keys that exist both at the top level and in args.cni. */
static int parse_link_keys(json_t *obj, const char *path, struct tn_conf *c, struct cnet_err *err)
{
	const char *mac = NULL;
	char p[64];
	long long mtu = -1;
	bool promisc = false, allmulti = false;
	bool has_promisc = present(obj, "promisc"), has_allmulti = present(obj, "allmulti");
	bool top = !*path;
	int r = conf_string(obj, path, "mac", false, &mac, err);
	if (r >= 0)
		r = take_mac(c, mac, conf_path(p, sizeof(p), path, "mac"), !top,
			     CNI_ERR_INVALID_CONFIG, err);
	if (r >= 0)
		r = conf_int(obj, path, "mtu", 0, INT32_MAX, &mtu, err);
	if (r >= 0 && mtu >= 0)
		c->mtu = (unsigned)mtu;
	if (r >= 0)
		r = conf_bool(obj, path, "promisc", &promisc, err);
	if (r >= 0 && has_promisc) {
		c->promisc = promisc;
		c->promisc_given = true;
	}
	if (r >= 0)
		r = conf_bool(obj, path, "allmulti", &allmulti, err);
	if (r >= 0 && has_allmulti)
		c->allmulti = allmulti;
	if (r >= 0)
		r = conf_int(obj, path, "txQLen", 0, UINT32_MAX, &c->txqlen, err);
	return r;
}

int tn_conf_data_dir(json_t *config, const char **out, struct cnet_err *err)
{
	const char *d = NULL;
	int r = conf_string(config, "", "dataDir", false, &d, err);
	*out = d && *d ? d : TN_DEFAULT_DATA_DIR;
	return r;
}

int tn_conf_parse(json_t *config, const char *cni_args, const char *ifname, struct tn_conf *c,
		  struct cnet_err *err)
{
	json_t *rc = NULL, *args = NULL, *cni = NULL;
	const char *rc_mac = NULL;
	char env_mac[64] = "";
	memset(c, 0, sizeof(*c));
	c->allmulti = -1;
	c->txqlen = -1;
	int r = tn_conf_data_dir(config, &c->data_dir, err);
	if (r >= 0)
		r = parse_sysctls(config, "", ifname, c, err);
	if (r >= 0)
		r = parse_link_keys(config, "", c, err);
	if (r >= 0 && cni_args_lookup(cni_args, "MAC", env_mac, sizeof(env_mac), err) < 0)
		r = -EINVAL;
	if (r >= 0)
		r = take_mac(c, env_mac, "CNI_ARGS MAC", false, CNI_ERR_INVALID_ENV, err);
	if (r >= 0)
		r = conf_object(config, "", "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = conf_string(rc, "runtimeConfig", "mac", false, &rc_mac, err);
	if (r >= 0)
		r = take_mac(c, rc_mac, "runtimeConfig.mac", false, CNI_ERR_INVALID_CONFIG, err);
	if (r >= 0)
		r = conf_object(config, "", "args", false, &args, err);
	if (r >= 0 && args)
		r = conf_object(args, "args", "cni", false, &cni, err);
	if (r >= 0 && cni)
		r = parse_sysctls(cni, "args.cni", ifname, c, err);
	if (r >= 0 && cni)
		r = parse_link_keys(cni, "args.cni", c, err);
	return r < 0 ? r : 0;
}

bool tn_conf_has_link_changes(const struct tn_conf *c)
{
	return c->has_mac || c->mtu || c->promisc || c->allmulti >= 0 || c->txqlen >= 0;
}

static void free_regexes(regex_t *re, size_t n)
{
	for (size_t i = 0; i < n; i++)
		regfree(&re[i]);
	free(re);
}

/* Compile the allowlist's lines into *out (n of them). */
static int compile_allowlist(const char *text, const char *file, regex_t **out, size_t *n,
			     struct cnet_err *err)
{
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	regex_t *re = calloc(cap, sizeof(*re));
	if (!re)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "allowlist");
	*n = 0;
	size_t lineno = 0;
	for (const char *p = text; *p;) {
		const char *end = strchrnul(p, '\n'), *b = p, *e = end;
		lineno++;
		while (b < e && strchr(" \t\r\f\v", *b))
			b++;
		while (e > b && strchr(" \t\r\f\v", e[-1]))
			e--;
		if (e > b) {
			cleanup_free char *pat = strndup(b, (size_t)(e - b));
			if (!pat || regcomp(&re[*n], pat, REG_EXTENDED | REG_NOSUB)) {
				free_regexes(re, *n);
				return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
						    "%s:%zu: \"%.*s\" is not a valid regular "
						    "expression", file, lineno, (int)(e - b), b);
			}
			(*n)++;
		}
		p = *end ? end + 1 : end;
	}
	*out = re;
	return 0;
}

/* "[re1 re2 ...]" (Go's %+v of the list, as the reference's message shows it). */
static void list_patterns(const char *text, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "[");
	bool first = true;
	for (const char *p = text; *p && o < len;) {
		const char *end = strchrnul(p, '\n'), *b = p, *e = end;
		while (b < e && strchr(" \t\r\f\v", *b))
			b++;
		while (e > b && strchr(" \t\r\f\v", e[-1]))
			e--;
		if (e > b) {
			o += (size_t)snprintf(buf + o, len - o, "%s%.*s", first ? "" : " ",
					      (int)(e - b), b);
			first = false;
		}
		p = *end ? end + 1 : end;
	}
	if (o < len)
		snprintf(buf + o, len - o, "]");
}

int tn_allowlist_check(const struct tn_conf *c, const char *text, const char *file,
		       struct cnet_err *err)
{
	regex_t *re = NULL;
	size_t n = 0;
	int r = compile_allowlist(text, file, &re, &n, err);
	for (size_t i = 0; r >= 0 && i < c->n_sysctls; i++) {
		bool ok = false;
		for (size_t j = 0; !ok && j < n; j++)
			ok = regexec(&re[j], c->sysctls[i].key, 0, NULL, 0) == 0;
		if (!ok) {
			char list[512];
			list_patterns(text, list, sizeof(list));
			r = cnet_err_set(err, CNI_ERR_UNSUPPORTED_FIELD, 0,
					 "%s: sysctl %s is not allowed by %s. Only the following "
					 "sysctls are allowed: %s", c->sysctls[i].where,
					 c->sysctls[i].key, file, list);
		}
	}
	if (r >= 0 || re)
		free_regexes(re, n);
	return r < 0 ? r : 0;
}

/* Next token of s (blank-separated): its start in *tok, its length returned. */
static size_t next_token(const char **s, const char **tok)
{
	const char *p = *s;
	while (*p && strchr(" \t\n\r\f\v", *p))
		p++;
	*tok = p;
	while (*p && !strchr(" \t\n\r\f\v", *p))
		p++;
	*s = p;
	return (size_t)(p - *tok);
}

bool tn_sysctl_value_equal(const char *want, const char *have)
{
	for (;;) {
		const char *a, *b;
		size_t na = next_token(&want, &a), nb = next_token(&have, &b);
		if (na != nb || memcmp(a, b, na))
			return false;
		if (!na)
			return true;
	}
}
