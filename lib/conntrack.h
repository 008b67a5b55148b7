/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Conntrack hygiene through ctnetlink (libmnl only): delete the connection tracking entries
 * that keep steering traffic for a host port to an old destination.
 *
 * A UDP (or SCTP) "connection" lives as long as packets keep coming: when a port is published
 * (portmap ADD) or unpublished (DEL), a client that keeps sending to the host port would go on
 * hitting the entry created before the change, and so the old DNAT decision (or none), forever
 * (containernetworking/plugins#123). Deleting the entries makes the next packet go through the
 * new rules.
 *
 * ctnetlink and libmnl stay inside lib/conntrack.c: callers see one function.
 *
 * Errors: negative errno and err filled with CNET_ERR_KERNEL and a message naming the request
 * and the kernel's extended-ack text when it sent one, e.g.
 *	dump conntrack table (ipv4 udp dport 5353): Operation not permitted
 * A bad argument (a family other than AF_INET/AF_INET6, a protocol without ports, port 0) is
 * -EINVAL with CNI_ERR_INTERNAL: a bug of the caller, not of the kernel.
 */
#ifndef CNET_CONNTRACK_H
#define CNET_CONNTRACK_H

#include <stdint.h>

#include "err.h"

/*
 * Delete every conntrack entry of family (AF_INET / AF_INET6) whose original tuple is protocol
 * proto (IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_TCP; also IPPROTO_UDPLITE, IPPROTO_DCCP) to
 * destination port dport (host order), in the network namespace of the caller, whatever its
 * addresses and conntrack zone. Returns the number deleted (>= 0) or a negative errno. An entry
 * already gone (ENOENT on delete) is not an error, and not counted.
 */
int cnet_conntrack_flush_dport(int family, uint8_t proto, uint16_t dport, struct cnet_err *err);

#endif
