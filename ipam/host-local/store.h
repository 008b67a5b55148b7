/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-local's on-disk store, in the reference plugin's layout so that a node switching from
 * it keeps every lease:
 *	<dataDir>/<network>/<ip>                 "<containerID>\r\n<ifname>"
 *	<dataDir>/<network>/last_reserved_ip.<n> the last address taken from range set n
 *	<dataDir>/<network>/lock                 flock()ed for every operation
 * Every write is atomic (a lease file appears complete or not at all).
 */
#ifndef HOSTLOCAL_STORE_H
#define HOSTLOCAL_STORE_H

#include <limits.h>
#include <stdbool.h>

#include "err.h"
#include "index.h"
#include "ipaddr.h"

#define HL_ID_MAX 256

struct hl_store {
	int dirfd;
	int lockfd;
	char dir[PATH_MAX];
	struct hl_index index;   /* owner -> addresses, kept beside the reference layout */
};

#define HL_STORE_INIT { .dirfd = -1, .lockfd = -1, .index = { .dirfd = -1 } }

/* Create <data_dir>/<name> if needed, open it and take its lock. */
int hl_store_open(struct hl_store *s, const char *data_dir, const char *name,
		  struct cnet_err *err);
void hl_store_close(struct hl_store *s);

/* Take ip for (id, ifname): 0, or -EEXIST (err untouched) when it is taken. Also records it
 * as the last reserved address of range set set_idx. */
int hl_store_reserve(struct hl_store *s, const char *id, const char *ifname,
		     const struct ipaddr *ip, int set_idx, struct cnet_err *err);
int hl_store_last_reserved(struct hl_store *s, int set_idx, struct ipaddr *out);

/* Owner of ip: 0 and id/ifname filled (ifname "" for old one-line files), -ENOENT if free. */
int hl_store_owner(struct hl_store *s, const struct ipaddr *ip, char *id, char *ifname);
/* Does the lease of ip belong to (id, ifname)? Old one-line files match on id alone. */
bool hl_store_owned_by(struct hl_store *s, const struct ipaddr *ip, const char *id,
		       const char *ifname);
int hl_store_release(struct hl_store *s, const struct ipaddr *ip, struct cnet_err *err);

/* The addresses leased to (id, ifname) (old one-line files: to id), each checked against its
 * lease file: from the index, or from a scan of every lease when there is none. */
int hl_store_find_owned(struct hl_store *s, const char *id, const char *ifname,
			struct ipaddr *ips, size_t max, size_t *n, struct cnet_err *err);

/* Call fn for every lease; fn returning non-zero stops the walk, which returns that value. */
int hl_store_foreach(struct hl_store *s,
		     int (*fn)(const struct ipaddr *ip, const char *id, const char *ifname,
			       void *ctx),
		     void *ctx, struct cnet_err *err);

#endif
