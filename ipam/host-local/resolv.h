/* SPDX-License-Identifier: Apache-2.0 */
/* Parse a resolv.conf file into a CNI dns object (host-local's "resolvConf" key). */
#ifndef HOSTLOCAL_RESOLV_H
#define HOSTLOCAL_RESOLV_H

#include "result.h"

int hl_resolv_parse(const char *text, struct cni_dns *dns);
int hl_resolv_load(const char *path, struct cni_dns *dns, struct cnet_err *err);

#endif
