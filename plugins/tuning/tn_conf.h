/* SPDX-License-Identifier: Apache-2.0 */
/* tuning: parse and validate the plugin config (pure; no I/O). */
#ifndef TUNING_CONF_H
#define TUNING_CONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "ipaddr.h"

#define TN_MAX_SYSCTLS 256
#define TN_SYSCTL_PATH_MAX 256
#define TN_DEFAULT_DATA_DIR "/run/cni/tuning"
#define TN_ALLOWLIST_PATH "/etc/cni/tuning/allowlist.conf"

struct tn_sysctl {
	const char *key;                      /* as written in the config (borrowed) */
	const char *value;                    /* borrowed */
	char where[TN_SYSCTL_PATH_MAX + 32];  /* "sysctl.<key>" or "args.cni.sysctl.<key>" */
	char path[TN_SYSCTL_PATH_MAX];        /* under /proc/sys, '/'-separated, IFNAME replaced */
};

struct tn_conf {
	const char *data_dir;             /* never NULL after parsing */
	struct tn_sysctl sysctls[TN_MAX_SYSCTLS];
	size_t n_sysctls;
	bool has_mac;
	uint8_t mac[6];
	char mac_str[MAC_STRLEN + 6];     /* as given: what the result's "mac" becomes */
	unsigned mtu;                     /* 0 = leave it */
	bool promisc;                     /* false = leave it (the reference cannot turn it off) */
	bool promisc_given;               /* the key was present: CHECK verifies it either way */
	int allmulti;                     /* -1 leave it, 0 off, 1 on */
	long long txqlen;                 /* -1 leave it */
};

/*
 * Parse config (cni_args for MAC=, ifname to resolve IFNAME in sysctl names). Precedence, as
 * the reference: top level < CNI_ARGS MAC= < runtimeConfig.mac < args.cni.*. Strings borrow
 * from config.
 */
int tn_conf_parse(json_t *config, const char *cni_args, const char *ifname, struct tn_conf *c,
		  struct cnet_err *err);

/* Only dataDir (what DEL needs): *out = its value or the default. */
int tn_conf_data_dir(json_t *config, const char **out, struct cnet_err *err);

/* True when any link attribute (not only sysctls) is to be changed. */
bool tn_conf_has_link_changes(const struct tn_conf *c);

/*
 * Turn a sysctl name into its path under /proc/sys: the first separator decides, as sysctl(8)
 * does ('.' -> dots and slashes swap, so "net.ipv4.conf.eth0/100.forwarding" names interface
 * "eth0.100"; '/' -> kept as is), then the first "IFNAME" becomes ifname. where names the key
 * in errors: code 7 for a malformed name (empty, ".", ".." or empty components), 2 for one
 * outside net.
 */
int tn_sysctl_path(const char *key, const char *ifname, const char *where, char *buf, size_t len,
		   struct cnet_err *err);

/*
 * The allowlist (the text of /etc/cni/tuning/allowlist.conf, one POSIX extended regex per
 * line, blank lines ignored; file names it in errors): every sysctl key as written in the
 * config must match one of them (unanchored, as Go's regexp.MatchString). Code 2 when one
 * does not, 7 when a line is not a valid regex.
 */
int tn_allowlist_check(const struct tn_conf *c, const char *text, const char *file,
		       struct cnet_err *err);

/* A sysctl's value as configured vs as read back: equal up to runs of blanks
 * ("1024 65000" reads back as "1024\t65000") and surrounding whitespace. */
bool tn_sysctl_value_equal(const char *want, const char *have);

#endif
