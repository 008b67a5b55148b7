// SPDX-License-Identifier: Apache-2.0
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "bw_conf.h"
#include "cni.h"
#include "conf.h"

static const char *const keys[] = { "ingressRate", "ingressBurst", "egressRate", "egressBurst" };

/* A rate and its burst: both set or both zero; the burst under 4 GB (the kernel's u32 bytes). */
static int check_pair(const char *path, const char *dir, uint64_t rate, uint64_t burst,
		      struct cnet_err *err)
{
	char p[128];
	if (rate && !burst)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: must be set when %sRate is (the burst, in bits)",
				    conf_path(p, sizeof(p), path, strcmp(dir, "ingress") ?
						  "egressBurst" : "ingressBurst"), dir);
	if (burst && !rate)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: must be set when %sBurst is (the rate, in bits/s)",
				    conf_path(p, sizeof(p), path, strcmp(dir, "ingress") ?
						  "egressRate" : "ingressRate"), dir);
	if (burst / 8 >= UINT32_MAX)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "%s: %llu bits is 4 GB or more (the most a token bucket holds)",
				    conf_path(p, sizeof(p), path, strcmp(dir, "ingress") ?
						  "egressBurst" : "ingressBurst"),
				    (unsigned long long)burst);
	return 0;
}

static int parse_limits(json_t *obj, const char *path, struct bw_limits *l, struct cnet_err *err)
{
	long long v[4] = { 0, 0, 0, 0 };
	for (size_t i = 0; i < 4; i++) {
		int r = conf_int(obj, path, keys[i], 0, LLONG_MAX, &v[i], err);
		if (r < 0)
			return r;
	}
	*l = (struct bw_limits){ (uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2], (uint64_t)v[3] };
	int r = check_pair(path, "ingress", l->ingress_rate, l->ingress_burst, err);
	return r < 0 ? r : check_pair(path, "egress", l->egress_rate, l->egress_burst, err);
}

int bw_conf_parse(json_t *config, struct bw_conf *c, struct cnet_err *err)
{
	json_t *rc = NULL, *bw = NULL;
	bool top = false;
	memset(c, 0, sizeof(*c));
	c->name = "";
	int r = conf_string(config, NULL, "name", true, &c->name, err);
	for (size_t i = 0; i < 4; i++) {
		json_t *v = json_object_get(config, keys[i]);
		top = top || (v && !json_is_null(v));
	}
	if (r >= 0)
		r = conf_object(config, NULL, "runtimeConfig", false, &rc, err);
	if (r >= 0 && rc)
		r = conf_object(rc, "runtimeConfig", "bandwidth", false, &bw, err);
	if (r >= 0 && top)
		r = parse_limits(config, NULL, &c->limits, err);
	else if (r >= 0 && bw)
		r = parse_limits(bw, "runtimeConfig.bandwidth", &c->limits, err);
	return r;
}

void bw_ifb_name(const char *network, const char *container_id, char out[16])
{
	struct sha512_ctx ctx;
	uint8_t d[SHA512_DIGEST_SIZE];
	sha512_init(&ctx);
	sha512_update(&ctx, strlen(network), (const uint8_t *)network);
	sha512_update(&ctx, strlen(container_id), (const uint8_t *)container_id);
	sha512_digest(&ctx, sizeof(d), d);
	snprintf(out, 16, "bwp%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
}
