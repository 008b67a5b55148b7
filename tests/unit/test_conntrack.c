// SPDX-License-Identifier: Apache-2.0
/*
 * lib/conntrack.c without a kernel: the dump request, an entry as the kernel dumps it (built
 * here the way ctnetlink writes it), the delete request made from it, and ACK parsing. What
 * the kernel makes of these messages is tests/integration/31-conntrack.bats.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack_int.h"

/* ---- helpers ------------------------------------------------------------------------------- */

struct msgbuf {
	char b[CNET_CONNTRACK_REQ_MAX * 2];
} __attribute__((aligned(8)));

/* tb[type] of the attributes at the top of a ctnetlink message, or inside nest. */
struct table {
	const struct nlattr *tb[64];
	unsigned count;
};

static int table_cb(const struct nlattr *a, void *data)
{
	struct table *t = data;
	uint16_t type = mnl_attr_get_type(a);

	assert_true(type < 64);
	assert_null(t->tb[type]); /* no attribute twice */
	t->tb[type] = a;
	t->count++;
	return MNL_CB_OK;
}

static struct table top_attrs(const struct nlmsghdr *nlh)
{
	struct table t = { 0 };

	assert_true(mnl_attr_parse(nlh, sizeof(struct nfgenmsg), table_cb, &t) >= 0);
	return t;
}

static struct table nested(const struct nlattr *a)
{
	struct table t = { 0 };

	assert_non_null(a);
	assert_true(mnl_attr_parse_nested(a, table_cb, &t) >= 0);
	return t;
}

static void assert_header(const struct nlmsghdr *nlh, uint8_t type, uint16_t flags, int family,
			  uint32_t seq)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(NFNL_SUBSYS_ID(nlh->nlmsg_type), NFNL_SUBSYS_CTNETLINK);
	assert_int_equal(NFNL_MSG_TYPE(nlh->nlmsg_type), type);
	assert_int_equal(nlh->nlmsg_flags, flags);
	assert_int_equal(nlh->nlmsg_seq, seq);
	assert_int_equal(nlh->nlmsg_pid, 0);
	assert_int_equal(nfg->nfgen_family, family);
	assert_int_equal(nfg->version, NFNETLINK_V0);
	assert_int_equal(nfg->res_id, 0);
}

struct fake {
	int family;
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;
	int zone;        /* < 0: no CTA_ZONE */
	uint32_t id;     /* 0: no CTA_ID */
	bool noflag;     /* nests without NLA_F_NESTED, as older kernels write them */
	bool tuple_zone; /* a CTA_TUPLE_ZONE inside the original tuple (directional zones) */
};

static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type, bool noflag)
{
	struct nlattr *a = mnl_attr_nest_start(nlh, type);

	if (noflag)
		a->nla_type &= (uint16_t)~NLA_F_NESTED;
	return a;
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const struct fake *f, bool reply)
{
	struct ipaddr src, dst;
	bool v4 = f->family == AF_INET;

	assert_int_equal(ipaddr_parse(reply ? f->dst : f->src, &src), 0);
	assert_int_equal(ipaddr_parse(reply ? f->src : f->dst, &dst), 0);
	struct nlattr *t = nest_start(nlh, type, f->noflag);
	struct nlattr *ip = nest_start(nlh, CTA_TUPLE_IP, f->noflag);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, v4 ? 4 : 16, src.a);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, v4 ? 4 : 16, dst.a);
	mnl_attr_nest_end(nlh, ip);
	struct nlattr *l4 = nest_start(nlh, CTA_TUPLE_PROTO, f->noflag);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, f->proto);
	if (f->proto == IPPROTO_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(77));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, 8);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, 0);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(reply ? f->dport : f->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(reply ? f->sport : f->dport));
	}
	mnl_attr_nest_end(nlh, l4);
	if (f->tuple_zone && !reply)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons((uint16_t)f->zone));
	mnl_attr_nest_end(nlh, t);
}

/* An entry as ctnetlink_fill_info() dumps it: IPCTNL_MSG_CT_NEW with NLM_F_MULTI. */
static struct nlmsghdr *fake_entry(void *buf, const struct fake *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 9;
	nlh->nlmsg_pid = 4242;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)f->family;
	put_tuple(nlh, CTA_TUPLE_ORIG, f, false);
	put_tuple(nlh, CTA_TUPLE_REPLY, f, true);
	if (f->zone >= 0)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)f->zone));
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x188));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(29));
	mnl_attr_put_u32(nlh, CTA_MARK, 0);
	if (f->id)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(f->id));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, 60, 0); /* an attribute from a future kernel: ignored */
	return nlh;
}

static const struct fake udp4 = {
	.family = AF_INET, .proto = IPPROTO_UDP, .src = "10.99.0.1", .dst = "10.99.0.2",
	.sport = 40001, .dport = 5353, .zone = -1, .id = 0xdeadbeef,
};

static const struct fake udp6_zone = {
	.family = AF_INET6, .proto = IPPROTO_UDP, .src = "fd99::1", .dst = "fd99::2",
	.sport = 40002, .dport = 5353, .zone = 7, .id = 12345, .noflag = true,
};

static void parse_fake(const struct fake *f, struct cnet_conntrack_entry *e)
{
	struct msgbuf m = { { 0 } };

	assert_int_equal(cnet_conntrack_parse_entry(fake_entry(m.b, f), e), 0);
}

/* ---- the dump request ---------------------------------------------------------------------- */

static void test_dump_with_filter(void **state)
{
	struct msgbuf m = { { 0 } };
	(void)state;

	struct nlmsghdr *nlh = cnet_conntrack_build_dump(m.b, 17, AF_INET, IPPROTO_UDP, 5353,
							 CNET_CONNTRACK_FILTER_FLAGS);
	assert_header(nlh, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 17);

	struct table top = top_attrs(nlh);
	assert_int_equal(top.count, 2);
	struct table tuple = nested(top.tb[CTA_TUPLE_ORIG]);
	assert_int_equal(tuple.count, 1); /* no addresses: any source, any destination */
	struct table l4 = nested(tuple.tb[CTA_TUPLE_PROTO]);
	assert_int_equal(l4.count, 2);
	assert_int_equal(mnl_attr_get_payload_len(l4.tb[CTA_PROTO_NUM]), 1);
	assert_int_equal(mnl_attr_get_u8(l4.tb[CTA_PROTO_NUM]), IPPROTO_UDP);
	assert_int_equal(mnl_attr_get_payload_len(l4.tb[CTA_PROTO_DST_PORT]), 2);
	assert_int_equal(ntohs(mnl_attr_get_u16(l4.tb[CTA_PROTO_DST_PORT])), 5353);
	struct table filter = nested(top.tb[CTA_FILTER]);
	assert_int_equal(filter.count, 1);
	/* the kernel's CTA_FILTER_F_CTA_PROTO_NUM | CTA_FILTER_F_CTA_PROTO_DST_PORT, host order */
	assert_int_equal(mnl_attr_get_u32(filter.tb[CTA_FILTER_ORIG_FLAGS]), (1U << 3) | (1U << 5));
	assert_true(mnl_attr_get_u32(filter.tb[CTA_FILTER_ORIG_FLAGS]) < (1U << 12));
}

static void test_dump_without_filter(void **state)
{
	struct msgbuf m = { { 0 } };
	(void)state;

	struct nlmsghdr *nlh = cnet_conntrack_build_dump(m.b, 3, AF_INET6, IPPROTO_SCTP, 80, 0);
	assert_header(nlh, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, AF_INET6, 3);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nfgenmsg));
}

/* ---- entries ------------------------------------------------------------------------------- */

static void test_parse_v4(void **state)
{
	struct cnet_conntrack_entry e;
	char buf[160], addr[IPADDR_STRLEN];
	(void)state;

	parse_fake(&udp4, &e);
	assert_int_equal(e.family, AF_INET);
	assert_int_equal(e.proto, IPPROTO_UDP);
	assert_true(e.has_ports);
	assert_int_equal(e.sport, 40001);
	assert_int_equal(e.dport, 5353);
	assert_string_equal(ipaddr_format(&e.src, addr), "10.99.0.1");
	assert_string_equal(ipaddr_format(&e.dst, addr), "10.99.0.2");
	assert_false(e.has_zone);
	assert_true(e.has_id);
	assert_int_equal(ntohl(e.id), 0xdeadbeef);
	assert_string_equal(cnet_conntrack_entry_format(&e, buf, sizeof(buf)),
			    "udp 10.99.0.1:40001 -> 10.99.0.2:5353");
}

static void test_parse_v6_zone(void **state)
{
	struct cnet_conntrack_entry e;
	char buf[160];
	(void)state;

	parse_fake(&udp6_zone, &e);
	assert_int_equal(e.family, AF_INET6);
	assert_int_equal(e.dport, 5353);
	assert_true(e.has_zone);
	assert_int_equal(e.zone, 7);
	assert_string_equal(cnet_conntrack_entry_format(&e, buf, sizeof(buf)),
			    "udp [fd99::1]:40002 -> [fd99::2]:5353 zone 7");
}

/* The original tuple is kept byte for byte, whatever the kernel put in it. */
static void test_parse_keeps_tuple(void **state)
{
	struct fake f = udp6_zone;
	struct msgbuf m = { { 0 } };
	struct cnet_conntrack_entry e;
	(void)state;

	f.tuple_zone = true;
	f.noflag = false;
	struct nlmsghdr *nlh = fake_entry(m.b, &f);
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), 0);
	const struct nlattr *orig = top_attrs(nlh).tb[CTA_TUPLE_ORIG];
	assert_int_equal(e.tuple_len, orig->nla_len);
	assert_memory_equal(e.tuple, orig, orig->nla_len);
	assert_true(e.tuple_len <= 84); /* the largest the kernel writes, see conntrack_int.h */
}

static void test_matches(void **state)
{
	struct cnet_conntrack_entry e;
	struct fake f = udp4;
	(void)state;

	parse_fake(&udp4, &e);
	assert_true(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_UDP, 5353));
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET6, IPPROTO_UDP, 5353));
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_TCP, 5353));
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_UDP, 5354));
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_UDP, 40001)); /* sport */

	f.proto = IPPROTO_SCTP;
	parse_fake(&f, &e);
	assert_true(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_SCTP, 5353));
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_UDP, 5353));

	f.proto = IPPROTO_ICMP; /* no ports: never a match */
	parse_fake(&f, &e);
	assert_false(e.has_ports);
	assert_false(cnet_conntrack_entry_matches(&e, AF_INET, IPPROTO_ICMP, 0));
}

static void test_parse_bad(void **state)
{
	struct msgbuf m = { { 0 } };
	struct cnet_conntrack_entry e;
	(void)state;

	/* not an entry: another message type, another subsystem, too short */
	struct nlmsghdr *nlh = fake_entry(m.b, &udp4);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE;
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK_EXP << 8 | IPCTNL_MSG_CT_NEW;
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);

	/* no original tuple */
	memset(&m, 0, sizeof(m));
	nlh = mnl_nlmsg_put_header(m.b);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	mnl_attr_put_u32(nlh, CTA_STATUS, 0);
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);

	/* a tuple without its protocol */
	struct nlattr *t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, 0);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, t);
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);

	/* a protocol number of the wrong size */
	memset(&m, 0, sizeof(m));
	nlh = mnl_nlmsg_put_header(m.b);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *l4 = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u32(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_nest_end(nlh, l4);
	mnl_attr_nest_end(nlh, t);
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EBADMSG);
}

static void test_parse_tuple_too_big(void **state)
{
	struct msgbuf m = { { 0 } };
	struct cnet_conntrack_entry e;
	char junk[CNET_CONNTRACK_TUPLE_MAX] = { 0 };
	(void)state;

	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m.b);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	struct nlattr *t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *l4 = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_nest_end(nlh, l4);
	mnl_attr_put(nlh, 15, sizeof(junk), junk); /* unknown to us, but it makes the tuple long */
	mnl_attr_nest_end(nlh, t);
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &e), -EMSGSIZE);
}

/* ---- the delete request -------------------------------------------------------------------- */

static void test_delete_round_trip(void **state)
{
	struct msgbuf in = { { 0 } }, out = { { 0 } };
	struct cnet_conntrack_entry e, back;
	struct fake f = udp6_zone;
	(void)state;

	f.tuple_zone = true;
	struct nlmsghdr *dumped = fake_entry(in.b, &f);
	assert_int_equal(cnet_conntrack_parse_entry(dumped, &e), 0);
	struct nlmsghdr *nlh = cnet_conntrack_build_delete(out.b, 77, &e);
	assert_non_null(nlh);
	assert_header(nlh, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, AF_INET6, 77);
	assert_true(nlh->nlmsg_len <= CNET_CONNTRACK_REQ_MAX);

	struct table top = top_attrs(nlh);
	assert_int_equal(top.count, 3);
	const struct nlattr *orig = top_attrs(dumped).tb[CTA_TUPLE_ORIG];
	assert_int_equal(top.tb[CTA_TUPLE_ORIG]->nla_len, orig->nla_len);
	assert_memory_equal(top.tb[CTA_TUPLE_ORIG], orig, orig->nla_len); /* flags included */
	assert_int_equal(mnl_attr_get_payload_len(top.tb[CTA_ZONE]), 2);
	assert_int_equal(ntohs(mnl_attr_get_u16(top.tb[CTA_ZONE])), 7);
	assert_int_equal(mnl_attr_get_payload_len(top.tb[CTA_ID]), 4);
	assert_int_equal(ntohl(mnl_attr_get_u32(top.tb[CTA_ID])), 12345);

	/* and what we send reads back as the same entry */
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	assert_int_equal(cnet_conntrack_parse_entry(nlh, &back), 0);
	assert_memory_equal(&back, &e, sizeof(e));
}

static void test_delete_without_zone_and_id(void **state)
{
	struct msgbuf out = { { 0 } };
	struct cnet_conntrack_entry e;
	struct fake f = udp4;
	(void)state;

	f.id = 0;
	parse_fake(&f, &e);
	assert_false(e.has_id);
	struct nlmsghdr *nlh = cnet_conntrack_build_delete(out.b, 1, &e);
	assert_non_null(nlh);
	struct table top = top_attrs(nlh);
	assert_int_equal(top.count, 1);
	assert_non_null(top.tb[CTA_TUPLE_ORIG]);
}

/* A delete with a family and no tuple flushes the whole family: never build one. */
static void test_delete_needs_tuple(void **state)
{
	struct msgbuf out = { { 0 } };
	struct cnet_conntrack_entry e;
	(void)state;

	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	assert_null(cnet_conntrack_build_delete(out.b, 1, &e));
	e.tuple_len = 4; /* a bare header */
	memcpy(e.tuple, &(struct nlattr){ .nla_len = 4, .nla_type = CTA_TUPLE_ORIG }, 4);
	assert_null(cnet_conntrack_build_delete(out.b, 1, &e));
	parse_fake(&udp4, &e);
	e.tuple_len = (uint16_t)(e.tuple_len - 4); /* length and header disagree */
	assert_null(cnet_conntrack_build_delete(out.b, 1, &e));
}

/* ---- acknowledgements ---------------------------------------------------------------------- */

static struct nlmsghdr *fake_ack(void *buf, int error, bool capped, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + sizeof(struct nfgenmsg) + 8;
	if (!capped) /* the request is echoed: header and payload */
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg) + 8);
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh;
}

static void test_ack(void **state)
{
	struct msgbuf m = { { 0 } };
	char ext[64];
	int e;
	(void)state;

	cnet_conntrack_parse_ack(fake_ack(m.b, 0, true, NULL), &e, ext, sizeof(ext));
	assert_int_equal(e, 0);
	assert_string_equal(ext, "");

	memset(&m, 0, sizeof(m));
	cnet_conntrack_parse_ack(fake_ack(m.b, -EPERM, true, "no way \n"), &e, ext, sizeof(ext));
	assert_int_equal(e, EPERM);
	assert_string_equal(ext, "no way");

	memset(&m, 0, sizeof(m));
	cnet_conntrack_parse_ack(fake_ack(m.b, -EINVAL, false, "bad tuple"), &e, ext, sizeof(ext));
	assert_int_equal(e, EINVAL);
	assert_string_equal(ext, "bad tuple");

	/* the text is cut to the buffer */
	memset(&m, 0, sizeof(m));
	cnet_conntrack_parse_ack(fake_ack(m.b, -ENOENT, true, "abcdefghij"), &e, ext, 5);
	assert_int_equal(e, ENOENT);
	assert_string_equal(ext, "abcd");

	/* too short to be an error message */
	memset(&m, 0, sizeof(m));
	struct nlmsghdr *nlh = fake_ack(m.b, -EPERM, true, NULL);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	cnet_conntrack_parse_ack(nlh, &e, ext, sizeof(ext));
	assert_int_equal(e, EBADMSG);
}

/* ---- arguments ----------------------------------------------------------------------------- */

static void test_bad_arguments(void **state)
{
	struct cnet_err err = { 0 };
	(void)state;

	/* refused before any socket is opened: no kernel, no privileges needed */
	assert_int_equal(cnet_conntrack_flush_dport(AF_UNIX, IPPROTO_UDP, 53, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_INTERNAL);
	assert_non_null(strstr(err.msg, "address family 1"));
	cnet_err_clear(&err);
	assert_int_equal(cnet_conntrack_flush_dport(AF_INET, IPPROTO_ICMP, 53, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "protocol 1 has no ports"));
	cnet_err_clear(&err);
	assert_int_equal(cnet_conntrack_flush_dport(AF_INET6, IPPROTO_UDP, 0, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "port 0"));
	assert_int_equal(cnet_conntrack_flush_dport(AF_INET6, IPPROTO_UDP, 0, NULL), -EINVAL);
}

static void test_proto_names(void **state)
{
	(void)state;

	assert_string_equal(cnet_conntrack_proto_name(IPPROTO_TCP), "tcp");
	assert_string_equal(cnet_conntrack_proto_name(IPPROTO_UDP), "udp");
	assert_string_equal(cnet_conntrack_proto_name(IPPROTO_SCTP), "sctp");
	assert_string_equal(cnet_conntrack_proto_name(IPPROTO_UDPLITE), "udplite");
	assert_string_equal(cnet_conntrack_proto_name(IPPROTO_DCCP), "dccp");
	assert_null(cnet_conntrack_proto_name(IPPROTO_ICMP));
	assert_null(cnet_conntrack_proto_name(IPPROTO_ICMPV6));
	assert_null(cnet_conntrack_proto_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_with_filter),
		cmocka_unit_test(test_dump_without_filter),
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6_zone),
		cmocka_unit_test(test_parse_keeps_tuple),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_tuple_too_big),
		cmocka_unit_test(test_delete_round_trip),
		cmocka_unit_test(test_delete_without_zone_and_id),
		cmocka_unit_test(test_delete_needs_tuple),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_proto_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
