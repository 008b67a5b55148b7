/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin skeleton. A plugin's main() is one line:
 *
 *	int main(int argc, char **argv) { return cni_main(&bridge_plugin, argc, argv); }
 *
 * cni_main validates the environment, reads stdin (bounded), decodes the config, checks the
 * version, opens CNI_NETNS, calls the command's callback and prints the result or the spec's
 * error JSON ({cniVersion, code, msg, details} on stdout, exit 1). Nothing else prints.
 */
#ifndef CNET_CNI_H
#define CNET_CNI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "result.h"

#define CNI_STDIN_MAX (1 << 20)   /* configs are a few KiB; refuse to buffer without bound */

enum cni_command { CNI_CMD_ADD, CNI_CMD_DEL, CNI_CMD_CHECK, CNI_CMD_GC, CNI_CMD_STATUS,
		   CNI_CMD_VERSION };

/* An attachment named in a GC request's cni.dev/valid-attachments. */
struct cni_attachment {
	const char *container_id;
	const char *ifname;
};

struct cni_args {
	enum cni_command cmd;
	const char *command;       /* "ADD", ... */
	const char *container_id;  /* NULL for GC/STATUS */
	const char *netns;         /* CNI_NETNS as given, may be NULL/"" on DEL */
	int netns_fd;              /* opened CNI_NETNS, -1 when absent or gone (DEL) */
	const char *ifname;
	const char *cni_args;      /* CNI_ARGS, may be NULL */
	const char *path;          /* CNI_PATH, may be NULL */
	const char *version;       /* the config's cniVersion (the result's version) */
	const char *name;          /* the network name */
	json_t *config;            /* the whole config (borrowed) */
	const char *stdin_data;    /* the raw config bytes, handed to delegates unchanged */
	size_t stdin_len;
	struct cni_result *prev;   /* parsed prevResult, or NULL */
	struct cni_attachment *valid;   /* GC: the attachments to keep */
	size_t n_valid;
};

struct cni_plugin {
	const char *name;
	const char *about;
	/* IPAM plugins never enter the container: CNI_NETNS must be set but is not opened
	 * (a runtime may hand an IPAM plugin a path it cannot see). */
	bool netns_unused;
	/* The oldest cniVersion the plugin accepts (NULL: every supported one). The reference
	 * firewall, for one, starts at 0.4.0. */
	const char *min_version;
	int (*add)(const struct cni_args *a, struct cni_result **out, struct cnet_err *err);
	int (*del)(const struct cni_args *a, struct cnet_err *err);
	int (*check)(const struct cni_args *a, struct cnet_err *err);
	int (*gc)(const struct cni_args *a, struct cnet_err *err);       /* NULL = nothing to do */
	int (*status)(const struct cni_args *a, struct cnet_err *err);   /* NULL = always ready */
};

int cni_main(const struct cni_plugin *p, int argc, char **argv);

/*
 * Look key up in CNI_ARGS ("K1=V1;K2=V2"): copies the value into buf and returns 1, 0 when
 * absent, -EINVAL (err, code 4) when CNI_ARGS is malformed.
 */
int cni_args_lookup(const char *cni_args, const char *key, char *buf, size_t len,
		    struct cnet_err *err);

/*
 * The container MAC the runtime asks for, in the reference's precedence: runtimeConfig.mac
 * (the `mac` capability) > args.cni.mac > CNI_ARGS MAC=. 1 with mac filled and *where naming
 * the source ("runtimeConfig.mac", "args.cni.mac", "CNI_ARGS MAC"), 0 when none is given,
 * negative with err (7 for the config keys, 4 for CNI_ARGS) when one is not a MAC.
 */
int cni_mac_arg(json_t *config, const char *cni_args, uint8_t mac[6], const char **where,
		struct cnet_err *err);

/* True when GC's valid set contains (container_id, ifname). */
bool cni_attachment_is_valid(const struct cni_args *a, const char *container_id,
			     const char *ifname);

/* The spec's error object {cniVersion, code, msg[, details]} (version NULL = 1.1.0). */
json_t *cni_error_json(const char *version, const struct cnet_err *err);

/* Validation used by cni_main, exported for the runtime and tests. */
bool cni_valid_container_id(const char *id);
bool cni_valid_ifname(const char *name);

#endif
