/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespaces: open one by path (checked to be a netns), enter it, come back. */
#ifndef CNET_NETNS_H
#define CNET_NETNS_H

#include <stddef.h>

#include "err.h"

/*
 * Open path and check that it is a network namespace (nsfs + CLONE_NEWNET). Returns the fd,
 * or -ENOENT when the path does not exist and -ENOTTY when it is not a network namespace
 * (err filled with CNI_ERR_INVALID_ENV in both cases, naming CNI_NETNS).
 */
int netns_open(const char *path, struct cnet_err *err);

/* Switch the calling thread into netns_fd; *saved receives an fd of the namespace left. */
int netns_enter(int netns_fd, int *saved, struct cnet_err *err);
/* Return to saved (and close it). Failure here is fatal: we would act in the wrong netns. */
void netns_leave(int saved);

/* Run fn(arg, err) inside netns_fd and come back. Returns fn's result. */
int netns_run(int netns_fd, int (*fn)(void *arg, struct cnet_err *err), void *arg,
	      struct cnet_err *err);

/* True when netns_fd is the namespace the caller is in now. */
int netns_is_current(int netns_fd);

/* ---- named namespaces (lib/netns_named.c), as `ip netns add/del` keeps them --------------- */
#define NETNS_RUN_DIR "/run/netns"   /* CNET_NETNS_DIR overrides it (tests) */
/* The path of the named namespace: -EINVAL for a name with '/' (or "", ".", ".."). */
int netns_path(const char *name, char *path, size_t len);
/* Create a new, empty network namespace pinned at <dir>/name (path receives it). An existing
 * name: CNET_ERR_CONFLICT. The caller's own namespace does not change. */
int netns_create(const char *name, char *path, size_t len, struct cnet_err *err);
/* Unpin and remove it (gone already: 0). The namespace dies with its last process. */
int netns_delete(const char *name, struct cnet_err *err);

#endif
