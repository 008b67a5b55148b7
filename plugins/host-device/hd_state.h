/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-device: what ADD found in the host, kept until DEL (or GC) has given the device back.
 *
 * The device itself carries its host name in its alias (IFLA_IFALIAS), where the reference
 * keeps it too, so either plugin's DEL puts back what the other's ADD moved. The state file
 * adds what the alias cannot: the alias the device had before, its ifindex and MAC, and the
 * record itself when the container namespace is gone (the kernel then hands a physical device
 * back to the initial namespace under its container name, and destroys a virtual one).
 *
 * One file per attachment, <dir>/<network>/<containerID>_<ifname>.json, written atomically;
 * <dir> is $CNET_RUN_DIR/host-device, by default /run/cni/cnet/host-device (tmpfs: namespaces
 * do not survive a reboot, and neither should this).
 */
#ifndef HOSTDEVICE_STATE_H
#define HOSTDEVICE_STATE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "nl.h"

struct hd_state {
	char container_id[256];
	char ifname[IF_NAMESIZE];           /* CNI_IFNAME: its name in the container */
	char host_name[IF_NAMESIZE];        /* its name in the host before ADD */
	char host_alias[CNET_IFALIAS_MAX];  /* its alias before ADD, "" for none */
	int ifindex;                        /* its ifindex in the host before ADD */
	uint8_t mac[6];
	char kind[16];                      /* "" for a physical device, else "veth", ... */
};

/* The file's JSON text (malloc'd). Pure. */
char *hd_state_encode(const struct hd_state *s);
/* Parse a state file's text. Code 6 when it is not the expected JSON. Pure. */
int hd_state_decode(const char *text, size_t len, struct hd_state *s, struct cnet_err *err);

/* The state directory of network ($CNET_RUN_DIR/host-device/<network>) into buf. */
int hd_state_dir(const char *network, char *buf, size_t len, struct cnet_err *err);

int hd_state_save(const char *network, const struct hd_state *s, struct cnet_err *err);
/* -ENOENT (err untouched) when there is no state for the attachment. */
int hd_state_load(const char *network, const char *container_id, const char *ifname,
		  struct hd_state *s, struct cnet_err *err);
/* Gone already: 0. */
int hd_state_remove(const char *network, const char *container_id, const char *ifname,
		    struct cnet_err *err);

/*
 * Call fn for the state of every attachment of network (GC). A file that cannot be read or
 * decoded is logged and skipped. A failing fn does not stop the walk (GC removes as much as
 * it can); the first failure is returned.
 */
int hd_state_each(const char *network, int (*fn)(const struct hd_state *s, void *ctx,
						  struct cnet_err *err),
		  void *ctx, struct cnet_err *err);

#endif
