/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-local's owner index: which addresses an attachment (containerID, ifname) holds,
 * without reading every lease file. It lives beside the reference layout, never in it:
 *	<dataDir>/.cnet-index/<network>/<containerID>@<ifname>   its addresses, one a line
 *	<dataDir>/.cnet-index/<network>/.stamp                  the lease dir's stat when the
 *	                                                        index was last brought up to date
 * It is only a cache. The lease files stay the truth: an entry is always checked against its
 * lease file, and when the lease directory changed behind cnet's back (the reference plugin,
 * a manual rm, a crash mid-way) the stamp no longer matches and the index is rebuilt from a
 * full scan. Network names cannot start with '.', so ".cnet-index" is never a network.
 */
#ifndef HOSTLOCAL_INDEX_H
#define HOSTLOCAL_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "ipaddr.h"

#define HL_INDEX_MAX_IPS 16

struct hl_store;

struct hl_index {
	int dirfd;    /* -1: no index (cannot be created): callers fall back to a scan */
};

/* Open the index of store s (lock held), rebuilding it when stale. Never fails: on any
 * problem the index is simply not used. */
void hl_index_open(struct hl_index *ix, struct hl_store *s, const char *data_dir,
		   const char *name);
/* Record the lease dir's current state as the one the index matches, and close. */
void hl_index_close(struct hl_index *ix, struct hl_store *s);

/* The addresses indexed for (id, ifname); -ENOENT when the index is not usable. */
int hl_index_lookup(struct hl_index *ix, const char *id, const char *ifname,
		    struct ipaddr *ips, size_t max, size_t *n);
void hl_index_add(struct hl_index *ix, const char *id, const char *ifname,
		  const struct ipaddr *ip);
void hl_index_remove(struct hl_index *ix, const char *id, const char *ifname,
		     const struct ipaddr *ip);

#endif
