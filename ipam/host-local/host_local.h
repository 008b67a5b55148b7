/* SPDX-License-Identifier: Apache-2.0 */
/* host-local as a plugin object: its main() and, in-process, the bridge (lib/ipam.h). */
#ifndef HOST_LOCAL_H
#define HOST_LOCAL_H

#include "cni.h"

extern const struct cni_plugin host_local_plugin;

#endif
