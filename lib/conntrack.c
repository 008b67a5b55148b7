// SPDX-License-Identifier: Apache-2.0
/*
 * Conntrack hygiene through ctnetlink (see conntrack.h): dump, match, delete.
 *
 * One NETLINK_NETFILTER socket per call, opened in the caller's network namespace:
 *
 *  1. IPCTNL_MSG_CT_GET with NLM_F_DUMP for the family. Since Linux 5.8 the request can carry
 *     a filter (CTA_FILTER { CTA_FILTER_ORIG_FLAGS = PROTO_NUM | PROTO_DST_PORT } and a
 *     CTA_TUPLE_ORIG with the protocol and port) and the kernel then returns only the matching
 *     entries. Older kernels ignore the attributes they do not know and return the whole table
 *     of the family; a kernel that rejects the filter (EINVAL, EOPNOTSUPP) is asked again
 *     without it. Either way each entry is checked again here: the kernel compares ports only
 *     for TCP and UDP (for SCTP its filter matches on the protocol alone).
 *  2. The dump is read to its end before anything is deleted (a netlink socket runs one dump at
 *     a time). A dump flagged NLM_F_DUMP_INTR is taken again.
 *  3. One IPCTNL_MSG_CT_DELETE per entry, carrying its original tuple exactly as the kernel
 *     sent it, its CTA_ZONE and its CTA_ID: an entry created since the dump with the same tuple
 *     (traffic that already went through the new rules) is left alone. Up to DEL_CHUNK requests
 *     go in one sendmsg, each acknowledged; ENOENT (expired meanwhile, or removed by someone
 *     else) is not an error.
 */
#include "conntrack_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "cleanup.h"

#define RECV_BUF       65536 /* a dump part is at most 32 KiB */
#define RECV_TIMEOUT_S 5     /* the kernel answers within the call; this only catches a bug */
#define DUMP_TRIES     4
#define DEL_CHUNK      64    /* delete requests per sendmsg: their ACKs fit any receive buffer */
#define EXT_MAX        256

/* ---- messages (pure) ----------------------------------------------------------------------- */

const char *cnet_conntrack_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_DCCP:
		return "dccp";
	default:
		return NULL;
	}
}

static struct nlmsghdr *put_header(void *buf, uint8_t type, uint16_t flags, uint32_t seq,
				   int family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(NFNL_SUBSYS_CTNETLINK << 8 | type);
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

struct nlmsghdr *cnet_conntrack_build_dump(void *buf, uint32_t seq, int family, uint8_t proto,
					   uint16_t dport, uint32_t filter_flags)
{
	struct nlmsghdr *nlh = put_header(buf, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, seq,
					  family);

	if (filter_flags) {
		struct nlattr *tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
		struct nlattr *l4 = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
		mnl_attr_nest_end(nlh, l4);
		mnl_attr_nest_end(nlh, tuple);
		struct nlattr *f = mnl_attr_nest_start(nlh, CTA_FILTER);
		mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS, filter_flags);
		mnl_attr_nest_end(nlh, f);
	}
	return nlh;
}

struct nlmsghdr *cnet_conntrack_build_delete(void *buf, uint32_t seq,
					     const struct cnet_conntrack_entry *e)
{
	struct nlmsghdr *nlh;
	struct nlattr hdr;

	/* Never without a tuple: a delete with only a family flushes the whole family. */
	if (e->tuple_len <= sizeof(hdr) || e->tuple_len > sizeof(e->tuple))
		return NULL;
	memcpy(&hdr, e->tuple, sizeof(hdr));
	if (hdr.nla_len != e->tuple_len)
		return NULL;
	nlh = put_header(buf, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, seq, e->family);
	/* the tuple goes back as it came, header (type and flags) included */
	mnl_attr_put(nlh, hdr.nla_type, e->tuple_len - sizeof(hdr), e->tuple + sizeof(hdr));
	if (e->has_zone)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
	if (e->has_id)
		mnl_attr_put_u32(nlh, CTA_ID, e->id);
	return nlh;
}

/* Attribute tables: tb[type] = the last attribute of that type, NULL when absent. */
struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
};

static int table_put(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max)
{
	struct attr_table t = { tb, max };

	for (unsigned i = 0; i <= max; i++)
		tb[i] = NULL;
	return mnl_attr_parse_nested(nest, table_put, &t) < 0 ? -EBADMSG : 0;
}

static bool attr_len_is(const struct nlattr *a, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len;
}

static void get_addr(const struct nlattr *a, int family, struct ipaddr *out)
{
	if (!attr_len_is(a, (size_t)ipaddr_len(family)))
		return;
	out->family = family;
	memcpy(out->a, mnl_attr_get_payload(a), (size_t)ipaddr_len(family));
}

/* CTA_TUPLE_IP: the addresses, when they are there and well formed (only used in messages). */
static void parse_tuple_ip(const struct nlattr *nest, struct cnet_conntrack_entry *out)
{
	const struct nlattr *ip[CTA_IP_MAX + 1];

	if (!nest || parse_nested(nest, ip, CTA_IP_MAX) < 0)
		return;
	if (ip[CTA_IP_V4_SRC] || ip[CTA_IP_V4_DST]) {
		get_addr(ip[CTA_IP_V4_SRC], AF_INET, &out->src);
		get_addr(ip[CTA_IP_V4_DST], AF_INET, &out->dst);
	} else {
		get_addr(ip[CTA_IP_V6_SRC], AF_INET6, &out->src);
		get_addr(ip[CTA_IP_V6_DST], AF_INET6, &out->dst);
	}
}

/* CTA_TUPLE_PROTO: the protocol (required) and its ports. */
static int parse_tuple_proto(const struct nlattr *nest, struct cnet_conntrack_entry *out)
{
	const struct nlattr *l4[CTA_PROTO_MAX + 1];

	if (!nest || parse_nested(nest, l4, CTA_PROTO_MAX) < 0 ||
	    !attr_len_is(l4[CTA_PROTO_NUM], sizeof(uint8_t)))
		return -EBADMSG;
	out->proto = mnl_attr_get_u8(l4[CTA_PROTO_NUM]);
	if (attr_len_is(l4[CTA_PROTO_SRC_PORT], sizeof(uint16_t)) &&
	    attr_len_is(l4[CTA_PROTO_DST_PORT], sizeof(uint16_t))) {
		out->has_ports = true;
		out->sport = ntohs(mnl_attr_get_u16(l4[CTA_PROTO_SRC_PORT]));
		out->dport = ntohs(mnl_attr_get_u16(l4[CTA_PROTO_DST_PORT]));
	}
	return 0;
}

int cnet_conntrack_parse_entry(const struct nlmsghdr *nlh, struct cnet_conntrack_entry *out)
{
	const struct nlattr *tb[CTA_MAX + 1] = { NULL };
	const struct nlattr *tuple[CTA_TUPLE_MAX + 1];
	struct attr_table t = { tb, CTA_MAX };

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg) ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_NEW)
		return -EBADMSG;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	out->family = nfg->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*nfg), table_put, &t) < 0 || !tb[CTA_TUPLE_ORIG] ||
	    parse_nested(tb[CTA_TUPLE_ORIG], tuple, CTA_TUPLE_MAX) < 0)
		return -EBADMSG;
	int ret = parse_tuple_proto(tuple[CTA_TUPLE_PROTO], out);
	if (ret < 0)
		return ret;
	parse_tuple_ip(tuple[CTA_TUPLE_IP], out);
	if (attr_len_is(tb[CTA_ZONE], sizeof(uint16_t))) {
		out->has_zone = true;
		out->zone = ntohs(mnl_attr_get_u16(tb[CTA_ZONE]));
	}
	if (attr_len_is(tb[CTA_ID], sizeof(uint32_t))) {
		out->has_id = true;
		out->id = mnl_attr_get_u32(tb[CTA_ID]);
	}
	if (tb[CTA_TUPLE_ORIG]->nla_len > sizeof(out->tuple))
		return -EMSGSIZE;
	out->tuple_len = tb[CTA_TUPLE_ORIG]->nla_len;
	memcpy(out->tuple, tb[CTA_TUPLE_ORIG], out->tuple_len);
	return 0;
}

bool cnet_conntrack_entry_matches(const struct cnet_conntrack_entry *e, int family, uint8_t proto,
				  uint16_t dport)
{
	return e->family == family && e->proto == proto && e->has_ports && e->dport == dport;
}

const char *cnet_conntrack_entry_format(const struct cnet_conntrack_entry *e, char *buf,
					size_t size)
{
	char src[IPADDR_STRLEN] = "?", dst[IPADDR_STRLEN] = "?", proto[16], zone[16] = "";
	const char *name = cnet_conntrack_proto_name(e->proto);
	bool v6 = e->family == AF_INET6;

	if (name)
		snprintf(proto, sizeof(proto), "%s", name);
	else
		snprintf(proto, sizeof(proto), "proto %u", e->proto);
	if (e->src.family)
		ipaddr_format(&e->src, src);
	if (e->dst.family)
		ipaddr_format(&e->dst, dst);
	if (e->has_zone)
		snprintf(zone, sizeof(zone), " zone %u", e->zone);
	snprintf(buf, size, "%s %s%s%s:%u -> %s%s%s:%u%s", proto, v6 ? "[" : "", src,
		 v6 ? "]" : "", e->sport, v6 ? "[" : "", dst, v6 ? "]" : "", e->dport, zone);
	return buf;
}

void cnet_conntrack_parse_ack(const struct nlmsghdr *nlh, int *errnum, char *ext, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t len = nlh->nlmsg_len > NLMSG_HDRLEN ? nlh->nlmsg_len - NLMSG_HDRLEN : 0;
	size_t off = sizeof(*e);

	if (size)
		ext[0] = '\0';
	if (len < sizeof(*e)) {
		*errnum = EBADMSG;
		return;
	}
	*errnum = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !size)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) { /* the request is echoed before the TLVs */
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (off >= len)
		return;
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	struct attr_table t = { tb, NLMSGERR_ATTR_MAX };
	(void)mnl_attr_parse_payload((const char *)e + off, len - off, table_put, &t);
	const struct nlattr *msg = tb[NLMSGERR_ATTR_MSG];
	if (!msg)
		return;
	size_t n = strnlen(mnl_attr_get_payload(msg), mnl_attr_get_payload_len(msg));
	if (n >= size)
		n = size - 1;
	memcpy(ext, mnl_attr_get_payload(msg), n);
	ext[n] = '\0';
	while (n && (ext[n - 1] == '\n' || ext[n - 1] == ' ')) /* keep the message on one line */
		ext[--n] = '\0';
}

/* ---- socket -------------------------------------------------------------------------------- */

struct ct_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* RECV_BUF bytes */
};

static void ct_sock_close(struct ct_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	s->nl = NULL;
	s->buf = NULL;
}

static int ct_sock_open(struct ct_sock *s, struct cnet_err *err)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	int one = 1;

	s->buf = malloc(RECV_BUF);
	if (!s->buf)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "open conntrack netlink socket");
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!s->nl)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "open conntrack netlink socket");
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "bind conntrack netlink socket");
	/* The kernel's error text, and errors without a copy of our request. Best effort. */
	(void)mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "set conntrack socket timeout");
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = 1;
	return 0;
}

/* Read one datagram into s->buf: its length, or -errno (-ETIMEDOUT when nothing came). */
static ssize_t ct_recv(struct ct_sock *s)
{
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(s->nl), s->buf, RECV_BUF, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
	}
}

/* An answer to us (not a late answer to another socket's request). */
static bool for_us(const struct ct_sock *s, const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_pid == 0 || nlh->nlmsg_pid == s->portid;
}

/* Fill err with "<what>: <strerror> (kernel: <ext-ack text>)". Returns -errnum. */
__attribute__((format(printf, 4, 5))) static int ct_fail(int errnum, const char *ext,
							  struct cnet_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cnet_err_kernel_v(err, errnum, ext, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- dump ---------------------------------------------------------------------------------- */

struct query {
	int family;
	uint8_t proto;
	uint16_t dport;
	char what[64]; /* "ipv4 udp dport 5353", for messages */
};

/* The matching entries of one dump. */
struct entries {
	struct cnet_conntrack_entry *v;
	size_t n, cap;
	size_t seen; /* entries dumped */
	bool oom;
};

static void entries_free(struct entries *e)
{
	free(e->v);
	e->v = NULL;
}

static int collect(const struct nlmsghdr *nlh, const struct query *q, struct entries *c)
{
	struct cnet_conntrack_entry e;
	int ret;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_NEW)
		return 0;
	c->seen++;
	ret = cnet_conntrack_parse_entry(nlh, &e);
	if (ret < 0)
		return ret;
	if (!cnet_conntrack_entry_matches(&e, q->family, q->proto, q->dport))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct cnet_conntrack_entry *v = realloc(c->v, cap * sizeof(*v));
		if (!v) {
			c->oom = true;
			return -ENOMEM;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = e;
	return 0;
}

/*
 * One dump: send the request, collect the matching entries until NLMSG_DONE. 0, -EINTR when
 * the kernel flagged the dump as interrupted, or -errno (the kernel's, with its text in ext).
 */
static int dump_once(struct ct_sock *s, const struct query *q, uint32_t filter,
		     struct entries *c, char ext[EXT_MAX])
{
	char req[CNET_CONNTRACK_REQ_MAX] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh = cnet_conntrack_build_dump(req, s->seq++, q->family, q->proto,
							 q->dport, filter);
	uint32_t seq = nlh->nlmsg_seq;
	bool intr = false;

	ext[0] = '\0';
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = ct_recv(s);
		if (n < 0)
			return (int)n;
		const struct nlmsghdr *m = (const struct nlmsghdr *)s->buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq || !for_us(s, m))
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (m->nlmsg_type == NLMSG_ERROR) {
				int e;
				cnet_conntrack_parse_ack(m, &e, ext, EXT_MAX);
				return e ? -e : (intr ? -EINTR : 0);
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int done = 0;
				if (m->nlmsg_len >= NLMSG_HDRLEN + sizeof(done))
					memcpy(&done, mnl_nlmsg_get_payload(m), sizeof(done));
				if (done < 0)
					return done;
				return intr ? -EINTR : 0;
			}
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			int ret = collect(m, q, c);
			if (ret < 0)
				return ret;
		}
	}
}

/* Dump until a complete answer: with the kernel's filter first unless told not to. */
static int dump_matching(struct ct_sock *s, const struct query *q, unsigned flags,
			 struct entries *c, struct cnet_conntrack_stats *st, struct cnet_err *err)
{
	uint32_t filter = CNET_CONNTRACK_FILTER_FLAGS;
	char ext[EXT_MAX];

	if (flags & CNET_CONNTRACK_NO_KERNEL_FILTER)
		filter = 0;
	else if (flags & CNET_CONNTRACK_TEST_BAD_FILTER)
		filter |= 1U << 31;
	for (unsigned tries = 1;; tries++) {
		c->n = 0;
		c->seen = 0;
		st->dumps++;
		st->kernel_filter = filter != 0;
		int ret = dump_once(s, q, filter, c, ext);
		if (ret == 0) {
			st->dumped = c->seen;
			st->matched = c->n;
			return 0;
		}
		if (c->oom)
			return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM,
					    "dump conntrack table (%s)", q->what);
		if (filter && (ret == -EINVAL || ret == -EOPNOTSUPP)) {
			filter = 0; /* a kernel that knows CTA_FILTER but not this use of it */
			continue;
		}
		if (ret == -EINTR && tries < DUMP_TRIES)
			continue;
		return ct_fail(-ret, ext, err, "dump conntrack table (%s)", q->what);
	}
}

/* ---- delete -------------------------------------------------------------------------------- */

/* Delete v[0..n) (n <= DEL_CHUNK): one sendmsg, then every ACK. */
static int delete_chunk(struct ct_sock *s, const struct cnet_conntrack_entry *v, size_t n,
			struct cnet_conntrack_stats *st, struct cnet_err *err)
{
	cleanup_free char *req = calloc(n, CNET_CONNTRACK_REQ_MAX);
	bool acked[DEL_CHUNK] = { false };
	uint32_t first = s->seq;
	size_t len = 0;

	if (!req)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "delete conntrack entries");
	s->seq += (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		struct nlmsghdr *nlh = cnet_conntrack_build_delete(req + len, first + (uint32_t)i,
								   &v[i]);
		if (!nlh)
			return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
					    "delete conntrack entry: no original tuple");
		len += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (mnl_socket_sendto(s->nl, req, len) < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "delete conntrack entries");
	for (size_t left = n; left > 0;) {
		ssize_t r = ct_recv(s);
		if (r < 0)
			return cnet_err_set(err, CNET_ERR_KERNEL, (int)-r,
					    "delete conntrack entries: %zu of %zu unacknowledged",
					    left, n);
		const struct nlmsghdr *m = (const struct nlmsghdr *)s->buf;
		int rem = (int)r;
		for (; mnl_nlmsg_ok(m, rem); m = mnl_nlmsg_next(m, &rem)) {
			uint32_t k = m->nlmsg_seq - first;
			if (m->nlmsg_type != NLMSG_ERROR || k >= n || acked[k] || !for_us(s, m))
				continue;
			acked[k] = true;
			left--;
			int e;
			char ext[EXT_MAX], desc[160];
			cnet_conntrack_parse_ack(m, &e, ext, sizeof(ext));
			if (e == 0)
				st->deleted++;
			else if (e != ENOENT)
				return ct_fail(e, ext, err, "delete conntrack entry %s",
					       cnet_conntrack_entry_format(&v[k], desc,
									   sizeof(desc)));
		}
	}
	return 0;
}

/* ---- the flush ----------------------------------------------------------------------------- */

static int check_args(int family, uint8_t proto, uint16_t dport, struct cnet_err *err)
{
	if (family != AF_INET && family != AF_INET6)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
				    "flush conntrack entries: address family %d: expected AF_INET "
				    "or AF_INET6",
				    family);
	if (!cnet_conntrack_proto_name(proto))
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
				    "flush conntrack entries: protocol %u has no ports", proto);
	if (dport == 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
				    "flush conntrack entries: port 0");
	return 0;
}

int cnet_conntrack_flush_dport_ex(int family, uint8_t proto, uint16_t dport, unsigned flags,
				  struct cnet_conntrack_stats *st, struct cnet_err *err)
{
	struct cnet_conntrack_stats unused;
	struct query q = { .family = family, .proto = proto, .dport = dport };

	if (!st)
		st = &unused;
	memset(st, 0, sizeof(*st));
	int ret = check_args(family, proto, dport, err);
	if (ret < 0)
		return ret;
	snprintf(q.what, sizeof(q.what), "%s %s dport %u", family == AF_INET ? "ipv4" : "ipv6",
		 cnet_conntrack_proto_name(proto), dport);

	__attribute__((cleanup(ct_sock_close))) struct ct_sock s = { 0 };
	ret = ct_sock_open(&s, err);
	if (ret < 0)
		return ret;
	__attribute__((cleanup(entries_free))) struct entries found = { 0 };
	ret = dump_matching(&s, &q, flags, &found, st, err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < found.n; i += DEL_CHUNK) {
		size_t n = found.n - i < DEL_CHUNK ? found.n - i : DEL_CHUNK;
		ret = delete_chunk(&s, found.v + i, n, st, err);
		if (ret < 0) {
			cnet_err_prefix(err, "flush conntrack entries (%s)", q.what);
			return ret;
		}
	}
	return st->deleted > INT_MAX ? INT_MAX : (int)st->deleted;
}

int cnet_conntrack_flush_dport(int family, uint8_t proto, uint16_t dport, struct cnet_err *err)
{
	return cnet_conntrack_flush_dport_ex(family, proto, dport, 0, NULL, err);
}
