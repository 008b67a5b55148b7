/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespaces: open one by path (checked to be a netns), enter it, come back. */
#ifndef CNET_NETNS_H
#define CNET_NETNS_H

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

#endif
