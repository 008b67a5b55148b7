/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysctls through /proc/sys. /proc/sys/net shows the network namespace of the thread that
 * opens the file, so to set one in a container, call these inside netns_run().
 */
#ifndef CNET_SYSCTL_H
#define CNET_SYSCTL_H

#include <stddef.h>

#include "err.h"

/* key relative to /proc/sys, with '/' or '.' separators: "net/ipv4/ip_forward". */
int sysctl_write(const char *key, const char *value, struct cnet_err *err);
/* Write only when the value differs: some writes are costly however often they repeat
 * (net.ipv6.conf.all.forwarding walks every interface of the namespace). */
int sysctl_ensure(const char *key, const char *value, struct cnet_err *err);
/* Value without trailing newline into buf. */
int sysctl_read(const char *key, char *buf, size_t len, struct cnet_err *err);
/* Keys under net/<dir>/ are opened relative to /proc/sys/net/<dir> of the calling thread's
 * namespace, opened once and kept (with a reference to the namespace) until this is called;
 * see sysctl.c for why. Only a long-lived process that stops using a namespace needs it. */
void sysctl_cache_reset(void);

#endif
