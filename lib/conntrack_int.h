/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The insides of lib/conntrack.c, for its unit tests and tests/conntrack-probe only (plugins
 * include conntrack.h): the ctnetlink messages it builds and parses, and the flush with the
 * knobs and counters the tests look at. Pure functions, no I/O, except the flush.
 */
#ifndef CNET_CONNTRACK_INT_H
#define CNET_CONNTRACK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "conntrack.h"
#include "ipaddr.h"

/*
 * The kernel's bits for CTA_FILTER_ORIG_FLAGS / CTA_FILTER_REPLY_FLAGS (Linux >= 5.8). They
 * live in net/netfilter/nf_internals.h, not in the uapi headers: libnetfilter_conntrack keeps
 * its own copy too.
 */
#define CNET_CTA_FILTER_F_IP_SRC (1U << 0)
#define CNET_CTA_FILTER_F_IP_DST (1U << 1)
#define CNET_CTA_FILTER_F_TUPLE_ZONE (1U << 2)
#define CNET_CTA_FILTER_F_PROTO_NUM (1U << 3)
#define CNET_CTA_FILTER_F_PROTO_SRC_PORT (1U << 4)
#define CNET_CTA_FILTER_F_PROTO_DST_PORT (1U << 5)

/* Room for any request built here (a dump request; a delete: header + tuple + zone + id). */
#define CNET_CONNTRACK_REQ_MAX 512
/* An original tuple as the kernel dumps it: IPv6 with ports and a directional zone is 84. */
#define CNET_CONNTRACK_TUPLE_MAX 256

/* One conntrack entry of a dump, as far as we care. */
struct cnet_conntrack_entry {
	uint8_t family;          /* nfgen_family of the message: AF_INET or AF_INET6 */
	uint8_t proto;           /* original tuple: IPPROTO_* */
	struct ipaddr src, dst;  /* original tuple (family 0 when the kernel did not send it) */
	bool has_ports;          /* TCP, UDP, SCTP, ...: sport and dport are set */
	uint16_t sport, dport;   /* host order */
	bool has_zone;
	uint16_t zone;           /* CTA_ZONE, host order */
	bool has_id;
	uint32_t id;             /* CTA_ID, as sent (network order) */
	/* The CTA_TUPLE_ORIG attribute, header included, exactly as the kernel sent it. */
	uint16_t tuple_len;
	uint8_t tuple[CNET_CONNTRACK_TUPLE_MAX];
};

/* What the dump filter compares: the original tuple's protocol and destination port. */
#define CNET_CONNTRACK_FILTER_FLAGS (CNET_CTA_FILTER_F_PROTO_NUM | CNET_CTA_FILTER_F_PROTO_DST_PORT)

/*
 * The dump request (IPCTNL_MSG_CT_GET, NLM_F_DUMP) for family, built into buf (zeroed,
 * CNET_CONNTRACK_REQ_MAX bytes, aligned). With filter_flags (CNET_CONNTRACK_FILTER_FLAGS) it
 * carries CTA_TUPLE_ORIG (protocol and destination port) and CTA_FILTER
 * { CTA_FILTER_ORIG_FLAGS = filter_flags }, so a kernel >= 5.8 only returns matching entries;
 * 0 = no filter, the whole table of the family.
 */
struct nlmsghdr *cnet_conntrack_build_dump(void *buf, uint32_t seq, int family, uint8_t proto,
					   uint16_t dport, uint32_t filter_flags);

/*
 * Parse one entry of a dump (IPCTNL_MSG_CT_NEW). 0, or -EBADMSG when the message is not a
 * conntrack entry or has no usable original tuple, -EMSGSIZE when the tuple does not fit.
 */
int cnet_conntrack_parse_entry(const struct nlmsghdr *nlh, struct cnet_conntrack_entry *out);

/* The entry is of family, its original tuple of proto and to dport. */
bool cnet_conntrack_entry_matches(const struct cnet_conntrack_entry *e, int family, uint8_t proto,
				  uint16_t dport);

/*
 * The delete request (IPCTNL_MSG_CT_DELETE, NLM_F_ACK) for e, built into buf (zeroed,
 * CNET_CONNTRACK_REQ_MAX bytes, aligned): its original tuple as dumped, its CTA_ZONE and CTA_ID
 * when it had them. NULL when e has no tuple (never send a delete without one: the kernel
 * would take it as "flush the whole family").
 */
struct nlmsghdr *cnet_conntrack_build_delete(void *buf, uint32_t seq,
					     const struct cnet_conntrack_entry *e);

/* "udp 10.0.0.1:40001 -> 10.0.0.2:5353", "[fd00::1]:..." and " zone 7" when zoned. */
const char *cnet_conntrack_entry_format(const struct cnet_conntrack_entry *e, char *buf,
					size_t size);

/* "tcp", "udp", "sctp", "udplite", "dccp"; NULL for a protocol without ports. */
const char *cnet_conntrack_proto_name(uint8_t proto);

/* An NLMSG_ERROR: its errno (0 = an ACK) and the extended-ack text ("" when none). */
void cnet_conntrack_parse_ack(const struct nlmsghdr *nlh, int *errnum, char *ext, size_t size);

enum cnet_conntrack_flags {
	CNET_CONNTRACK_NO_KERNEL_FILTER = 1 << 0, /* dump everything, filter here (old kernels) */
	/* Tests only: ask for the kernel's filter with a flag no kernel knows, so this kernel
	 * rejects it (EOPNOTSUPP) as one that cannot filter would, and the fallback runs. */
	CNET_CONNTRACK_TEST_BAD_FILTER = 1 << 1,
};

struct cnet_conntrack_stats {
	bool kernel_filter; /* the last dump carried CTA_FILTER and the kernel accepted it */
	unsigned dumps;     /* dump requests sent (a rejected filter or NLM_F_DUMP_INTR: more) */
	size_t dumped;      /* entries the last dump returned */
	size_t matched;     /* of those, the ones to delete */
	size_t deleted;     /* deleted by us (not counting those already gone) */
};

/* cnet_conntrack_flush_dport() with flags and, when st is not NULL, what it did. */
int cnet_conntrack_flush_dport_ex(int family, uint8_t proto, uint16_t dport, unsigned flags,
				  struct cnet_conntrack_stats *st, struct cnet_err *err);

#endif
