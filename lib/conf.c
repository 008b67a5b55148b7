// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

const char *conf_path(char *buf, size_t len, const char *path, const char *key)
{
	if (path && *path)
		snprintf(buf, len, "%s.%s", path, key);
	else
		snprintf(buf, len, "%s", key);
	return buf;
}

const char *conf_path_index(char *buf, size_t len, const char *path, size_t i)
{
	snprintf(buf, len, "%s[%zu]", path ? path : "", i);
	return buf;
}

const char *conf_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

json_t *conf_load(const char *buf, size_t len, struct cnet_err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		cnet_err_set(err, CNI_ERR_DECODE, 0, "decode config: %s (line %d, column %d)", jerr.text,
			     jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		cnet_err_set(err, CNI_ERR_DECODE, 0, "decode config: expected a JSON object, got %s",
			     conf_type_name(root));
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Fetch obj[key]; NULL for absent or null. Fails when required and missing. */
static int conf_fetch(json_t *obj, const char *path, const char *key, bool required, json_t **v,
		      struct cnet_err *err)
{
	*v = obj ? json_object_get(obj, key) : NULL;
	if (*v && json_is_null(*v))
		*v = NULL;
	if (!*v && required) {
		char p[256];
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: missing required key",
				    conf_path(p, sizeof(p), path, key));
	}
	return 0;
}

static int conf_type_error(json_t *v, const char *path, const char *key, const char *expected,
			   struct cnet_err *err)
{
	char p[256];
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected %s, got %s",
			    conf_path(p, sizeof(p), path, key), expected, conf_type_name(v));
}

int conf_string(json_t *obj, const char *path, const char *key, bool required, const char **out,
		struct cnet_err *err)
{
	json_t *v;
	int r = conf_fetch(obj, path, key, required, &v, err);
	if (r < 0 || !v)
		return r;
	if (!json_is_string(v))
		return conf_type_error(v, path, key, "a string", err);
	*out = json_string_value(v);
	return 0;
}

int conf_bool(json_t *obj, const char *path, const char *key, bool *out, struct cnet_err *err)
{
	json_t *v;
	int r = conf_fetch(obj, path, key, false, &v, err);
	if (r < 0 || !v)
		return r;
	if (!json_is_boolean(v))
		return conf_type_error(v, path, key, "a boolean", err);
	*out = json_is_true(v);
	return 0;
}

int conf_int(json_t *obj, const char *path, const char *key, long long min, long long max,
	     long long *out, struct cnet_err *err)
{
	json_t *v;
	int r = conf_fetch(obj, path, key, false, &v, err);
	if (r < 0 || !v)
		return r;
	if (!json_is_integer(v))
		return conf_type_error(v, path, key, "an integer", err);
	long long n = json_integer_value(v);
	if (n < min || n > max) {
		char p[256];
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: %lld is out of range %lld..%lld",
				    conf_path(p, sizeof(p), path, key), n, min, max);
	}
	*out = n;
	return 0;
}

int conf_object(json_t *obj, const char *path, const char *key, bool required, json_t **out,
		struct cnet_err *err)
{
	json_t *v;
	int r = conf_fetch(obj, path, key, required, &v, err);
	if (r < 0 || !v)
		return r;
	if (!json_is_object(v))
		return conf_type_error(v, path, key, "an object", err);
	*out = v;
	return 0;
}

int conf_array(json_t *obj, const char *path, const char *key, bool required, json_t **out,
	       struct cnet_err *err)
{
	json_t *v;
	int r = conf_fetch(obj, path, key, required, &v, err);
	if (r < 0 || !v)
		return r;
	if (!json_is_array(v))
		return conf_type_error(v, path, key, "an array", err);
	*out = v;
	return 0;
}

int conf_ipnet(json_t *obj, const char *path, const char *key, bool required, struct ipnet *out,
	       struct cnet_err *err)
{
	const char *s = NULL;
	int r = conf_string(obj, path, key, required, &s, err);
	if (r < 0 || !s)
		return r;
	if (ipnet_parse(s, out) < 0) {
		char p[256];
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: \"%s\" is not a CIDR prefix",
				    conf_path(p, sizeof(p), path, key), s);
	}
	return 0;
}

int conf_ipaddr(json_t *obj, const char *path, const char *key, bool required, struct ipaddr *out,
		struct cnet_err *err)
{
	const char *s = NULL;
	int r = conf_string(obj, path, key, required, &s, err);
	if (r < 0 || !s)
		return r;
	if (ipaddr_parse(s, out) < 0) {
		char p[256];
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: \"%s\" is not an IP address",
				    conf_path(p, sizeof(p), path, key), s);
	}
	return 0;
}

int conf_mac(json_t *obj, const char *path, const char *key, uint8_t mac[6], bool *present,
	     struct cnet_err *err)
{
	const char *s = NULL;
	int r = conf_string(obj, path, key, false, &s, err);
	if (r < 0 || !s)
		return r;
	if (mac_parse(s, mac) < 0) {
		char p[256];
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: \"%s\" is not a MAC address",
				    conf_path(p, sizeof(p), path, key), s);
	}
	*present = true;
	return 0;
}

static const char *type_with_article(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	default:
		return "a value";
	}
}

int conf_array_each(json_t *obj, const char *path, const char *key, json_type type, size_t max,
		    int (*fn)(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err),
		    void *ctx, struct cnet_err *err)
{
	json_t *arr = NULL;
	char kp[256], p[256 + 24];
	int r = conf_array(obj, path, key, false, &arr, err);
	if (r < 0 || !arr)
		return r;
	conf_path(kp, sizeof(kp), path, key);
	if (json_array_size(arr) > max)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: more than %zu entries", kp,
				    max);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		conf_path_index(p, sizeof(p), kp, i);
		if (json_typeof(v) != type)
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "%s: expected %s, got %s",
					    p, type_with_article(type), conf_type_name(v));
		r = fn(v, p, i, ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}
