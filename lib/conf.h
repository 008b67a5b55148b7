/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed, strict readers over jansson. Every reader names the key path on error:
 *	"ipam.ranges[0][1].subnet: expected a CIDR string, got number"
 * with code CNI_ERR_INVALID_CONFIG. A key that is absent or JSON null leaves *out untouched
 * and returns 0 (optional keys), unless `required` is set. Unknown keys are ignored by design:
 * a conflist's plugin objects carry other plugins' keys.
 */
#ifndef CNET_CONF_H
#define CNET_CONF_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"
#include "ipaddr.h"

/* Build "path.key" or "key" into buf (for nested readers). Returns buf. */
const char *conf_path(char *buf, size_t len, const char *path, const char *key);
/* Build "path[i]". */
const char *conf_path_index(char *buf, size_t len, const char *path, size_t i);

/* Parse a whole document: JSON_REJECT_DUPLICATES, must be an object. Code 6 on failure. */
json_t *conf_load(const char *buf, size_t len, struct cnet_err *err);

int conf_string(json_t *obj, const char *path, const char *key, bool required, const char **out,
		struct cnet_err *err);
int conf_bool(json_t *obj, const char *path, const char *key, bool *out, struct cnet_err *err);
int conf_int(json_t *obj, const char *path, const char *key, long long min, long long max,
	     long long *out, struct cnet_err *err);
int conf_object(json_t *obj, const char *path, const char *key, bool required, json_t **out,
		struct cnet_err *err);
int conf_array(json_t *obj, const char *path, const char *key, bool required, json_t **out,
	       struct cnet_err *err);
/* A string holding a CIDR ("10.1.0.0/16"); *present set when the key was given. */
int conf_ipnet(json_t *obj, const char *path, const char *key, bool required, struct ipnet *out,
	       struct cnet_err *err);
/* A string holding a bare IP address. */
int conf_ipaddr(json_t *obj, const char *path, const char *key, bool required, struct ipaddr *out,
		struct cnet_err *err);
int conf_mac(json_t *obj, const char *path, const char *key, uint8_t mac[6], bool *present,
	     struct cnet_err *err);

/*
 * Call fn(element, "path.key[i]", i, ctx, err) for each element of the array obj[key] (absent
 * or null: no call). Each element must be of JSON type `type` (JSON_OBJECT, JSON_STRING, ...)
 * and there may be at most max of them; fn's first failure stops the walk and is returned.
 */
int conf_array_each(json_t *obj, const char *path, const char *key, json_type type, size_t max,
		    int (*fn)(json_t *v, const char *path, size_t i, void *ctx, struct cnet_err *err),
		    void *ctx, struct cnet_err *err);

/* jansson's type name of v, for messages. */
const char *conf_type_name(const json_t *v);

#endif
