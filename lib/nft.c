// SPDX-License-Identifier: Apache-2.0
/*
 * nftables transactions (see nft.h): the netfilter socket, the batch buffer, and commit, which
 * frames the batch, sends it in one sendmsg and matches every ACK to its message.
 *
 * How acknowledgements arrive: nfnetlink processes the whole batch inside our sendmsg() and
 * queues all replies before it returns. Every message carries NLM_F_ACK, so each gets an
 * NLMSG_ERROR (0 or -errno, with the message's sequence number); the kernel goes on after a
 * failed message (to report all errors) and then aborts everything. A failure of the batch
 * itself (no CAP_NET_ADMIN, a failed commit) is reported on the BATCH_BEGIN sequence number.
 * So commit drains what is queued without blocking, as nft does, and only waits (with a
 * deadline) if a message's ACK is missing and no batch-level error explains it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include "cleanup.h"
#include "netns.h"
#include "nft_int.h"

/* ---- socket ------------------------------------------------------------------------------ */

static int open_here(void *arg, struct cnet_err *err)
{
	struct cnet_nft *nft = arg;

	nft->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nft->nl)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "open netfilter netlink socket");
	return 0;
}

int cnet_nft_open(struct cnet_nft **out, int netns_fd, unsigned flags, struct cnet_err *err)
{
	cleanup_nft struct cnet_nft *nft = calloc(1, sizeof(*nft));
	int one = 1;

	if (!nft || !(nft->buf = malloc(CNET_NFT_RECV_BUF)))
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "allocate netfilter socket");
	int ret = netns_fd >= 0 ? netns_run(netns_fd, open_here, nft, err) : open_here(nft, err);
	if (ret < 0)
		return ret;
	if (mnl_socket_bind(nft->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "bind netfilter netlink socket");
	/* The kernel's error text, and errors without a copy of our request. Best effort. */
	(void)mnl_socket_setsockopt(nft->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nft->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nft->portid = mnl_socket_get_portid(nft->nl);
	nft->seq = 1;
	nft->no_destroy = flags & CNET_NFT_OPEN_NO_DESTROY;
	nft->fake_old = flags & CNET_NFT_OPEN_TEST_OLD_KERNEL;
	*out = TAKE_PTR(nft);
	return 0;
}

void cnet_nft_close(struct cnet_nft *nft)
{
	if (!nft)
		return;
	if (nft->nl)
		mnl_socket_close(nft->nl);
	free(nft->buf);
	free(nft);
}

uint32_t cnet_nft_next_seq(struct cnet_nft *nft, uint32_t n)
{
	uint32_t seq = nft->seq;

	nft->seq += n;
	if (nft->seq < seq) /* wrapped: start again, the old numbers are long answered */
		nft->seq = 1 + n, seq = 1;
	return seq;
}

/* ---- errors from NLMSG_ERROR --------------------------------------------------------------- */

void cnet_nft_parse_ack(const struct nlmsghdr *nlh, int *errnum, char *ext, size_t ext_size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (ext_size)
		ext[0] = '\0';
	if (len < sizeof(*e)) {
		*errnum = EBADMSG;
		return;
	}
	*errnum = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !ext_size)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) /* the request is echoed before the TLVs */
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	const struct nlattr *a;
	const char *p = (const char *)e + off;
	const char *end = (const char *)e + len;
	while (p + sizeof(*a) <= end) {
		a = (const struct nlattr *)p;
		if (a->nla_len < sizeof(*a) || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = a->nla_len - sizeof(*a);
			const char *s = p + sizeof(*a);
			n = strnlen(s, n);
			if (n >= ext_size)
				n = ext_size - 1;
			memcpy(ext, s, n);
			ext[n] = '\0';
			/* the kernel's text may end in a newline; keep the message on one line */
			while (n && (ext[n - 1] == '\n' || ext[n - 1] == ' '))
				ext[--n] = '\0';
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

int cnet_nft_fail(int errnum, const char *ext, struct cnet_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cnet_err_kernel_v(err, errnum, ext, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- batch ------------------------------------------------------------------------------- */

struct cnet_nft_batch *cnet_nft_batch_new(void)
{
	struct cnet_nft_batch *b = calloc(1, sizeof(*b));

	if (b)
		b->failed = -1;
	return b;
}

void cnet_nft_batch_free(struct cnet_nft_batch *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b->msgs);
	free(b);
}

size_t cnet_nft_batch_count(const struct cnet_nft_batch *b)
{
	return b->n;
}

int cnet_nft_batch_failed(const struct cnet_nft_batch *b)
{
	return b->failed;
}

unsigned cnet_nft_batch_rounds(const struct cnet_nft_batch *b)
{
	return b->rounds;
}

/*
 * The buffer past b->len is kept zeroed: libmnl 1.0.4 does not clear the padding after an
 * attribute, and nothing of ours should reach the kernel uninitialised.
 */
struct nlmsghdr *cnet_nft_msg_start(struct cnet_nft_batch *b, uint16_t type, uint8_t family,
				    uint16_t flags)
{
	if (b->cap - b->len < CNET_NFT_MSG_ROOM) {
		size_t cap = b->cap ? b->cap * 2 : (size_t)2 * CNET_NFT_MSG_ROOM;
		while (cap - b->len < CNET_NFT_MSG_ROOM)
			cap *= 2;
		char *buf = realloc(b->buf, cap);
		if (!buf)
			return NULL;
		memset(buf + b->cap, 0, cap - b->cap); /* see below */
		b->buf = buf;
		b->cap = cap;
	}
	if (b->n == b->cap_msgs) {
		size_t cap = b->cap_msgs ? b->cap_msgs * 2 : 16;
		struct cnet_nft_msg *m = realloc(b->msgs, cap * sizeof(*m));
		if (!m)
			return NULL;
		b->msgs = m;
		b->cap_msgs = cap;
	}
	return nftnl_nlmsg_build_hdr(b->buf + b->len, (uint16_t)type, family,
				     (uint16_t)(flags | NLM_F_ACK), 0);
}

int cnet_nft_msg_end(struct cnet_nft_batch *b, struct nlmsghdr *nlh, int ignore, bool destroy,
		     const char *fmt, ...)
{
	struct cnet_nft_msg *m = &b->msgs[b->n];
	va_list ap;

	memset(m, 0, sizeof(*m));
	m->off = b->len;
	m->len = nlh->nlmsg_len;
	m->ignore = ignore;
	m->destroy = destroy;
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return (int)b->n++;
}

void cnet_nft_batch_truncate(struct cnet_nft_batch *b, size_t n, size_t len)
{
	/* a message started after len wrote at most CNET_NFT_MSG_ROOM bytes past b->len */
	size_t end = b->len + CNET_NFT_MSG_ROOM < b->cap ? b->len + CNET_NFT_MSG_ROOM : b->cap;

	if (b->buf && end > len)
		memset(b->buf + len, 0, end - len);
	b->n = n;
	b->len = len;
}

/* The messages still to send and their total length. */
static size_t batch_live(const struct cnet_nft_batch *b, size_t *bytes)
{
	size_t n = 0;

	*bytes = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->msgs[i].dropped) {
			n++;
			*bytes += NLMSG_ALIGN(b->msgs[i].len);
		}
	}
	return n;
}

int cnet_nft_batch_render(struct cnet_nft_batch *b, uint32_t seq, void **buf, size_t *len)
{
	size_t bytes;
	size_t n = batch_live(b, &bytes);
	size_t frame = NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(struct nfgenmsg));
	char *out = calloc(1, bytes + 2 * frame);

	(void)n;
	if (!out)
		return -ENOMEM;
	size_t off = 0;
	nftnl_batch_begin(out, seq++);
	off += frame;
	for (size_t i = 0; i < b->n; i++) {
		struct cnet_nft_msg *m = &b->msgs[i];
		if (m->dropped)
			continue;
		struct nlmsghdr *nlh = (struct nlmsghdr *)(out + off);
		memcpy(nlh, b->buf + m->off, m->len);
		nlh->nlmsg_seq = seq++;
		off += NLMSG_ALIGN(m->len);
	}
	nftnl_batch_end(out + off, seq);
	off += frame;
	*buf = out;
	*len = off;
	return 0;
}

/* ---- commit ------------------------------------------------------------------------------ */

/* What the ACKs said about one round. */
struct round {
	uint32_t first; /* BATCH_BEGIN's sequence number */
	uint32_t last;  /* BATCH_END's */
	size_t acked, expected;
	int batch_err;  /* errno reported on BATCH_BEGIN/END, 0 if none */
	char batch_ext[256];
	int *errs;      /* per message (index in b->msgs): 0, errno, or -1 = not acked */
	char (*ext)[256];
	size_t *live;   /* the messages sent, in order: live[k] has sequence number first + 1 + k */
};

static struct cnet_nft_msg *msg_by_seq(struct cnet_nft_batch *b, const struct round *r,
				       uint32_t seq, size_t *idx)
{
	uint32_t k = seq - r->first - 1;

	if (seq <= r->first || k >= r->expected)
		return NULL;
	*idx = r->live[k];
	return &b->msgs[*idx];
}

static void take_ack(struct cnet_nft_batch *b, struct round *r, const struct nlmsghdr *nlh)
{
	int errnum;
	char ext[256];
	size_t i;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return;
	cnet_nft_parse_ack(nlh, &errnum, ext, sizeof(ext));
	if (!msg_by_seq(b, r, nlh->nlmsg_seq, &i)) {
		if (errnum && !r->batch_err && nlh->nlmsg_seq >= r->first &&
		    nlh->nlmsg_seq <= r->last) {
			r->batch_err = errnum;
			snprintf(r->batch_ext, sizeof(r->batch_ext), "%s", ext);
		}
		return;
	}
	if (r->errs[i] < 0)
		r->acked++;
	r->errs[i] = errnum;
	snprintf(r->ext[i], sizeof(r->ext[i]), "%s", ext);
}

/* Read ACKs until every message has one, or the batch failed as a whole. */
static int read_acks(struct cnet_nft *nft, struct cnet_nft_batch *b, struct round *r,
		     struct cnet_err *err)
{
	int fd = mnl_socket_get_fd(nft->nl);

	for (;;) {
		ssize_t n = recv(fd, nft->buf, CNET_NFT_RECV_BUF, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (r->acked == r->expected || r->batch_err)
				return 0;
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int pr = poll(&p, 1, CNET_NFT_ACK_TIMEOUT_MS);
			if (pr < 0 && errno != EINTR)
				return cnet_err_set(err, CNET_ERR_KERNEL, errno,
						    "nftables transaction: wait for acknowledgements");
			if (pr == 0)
				return cnet_err_set(err, CNET_ERR_KERNEL, ETIMEDOUT,
						    "nftables transaction: %zu of %zu messages "
						    "unacknowledged",
						    r->expected - r->acked, r->expected);
			continue;
		}
		if (n < 0)
			return cnet_err_set(err, CNET_ERR_KERNEL, errno,
					    "nftables transaction: read acknowledgements");
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nft->buf;
		size_t len = (size_t)n;
		for (; mnl_nlmsg_ok(nlh, (int)len); nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_pid == nft->portid || nlh->nlmsg_pid == 0)
				take_ack(b, r, nlh);
		}
	}
}

/* Make the socket buffers big enough for the batch and for all of its ACKs. */
static void size_buffers(struct cnet_nft *nft, size_t bytes, size_t msgs)
{
	int fd = mnl_socket_get_fd(nft->nl);
	/* an ACK costs about 1 KiB of receive buffer (skb overhead), be generous */
	int rcv = (int)(msgs * 2048 + 65536);
	int snd = (int)(bytes + 65536);
	int cur = 0;
	socklen_t sl = sizeof(cur);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &sl) == 0 && cur < rcv)
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	sl = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) == 0 && cur < snd)
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
}

/* One round: send what is not dropped, collect the ACKs into r. */
static int send_round(struct cnet_nft *nft, struct cnet_nft_batch *b, struct round *r,
		      struct cnet_err *err)
{
	size_t bytes;
	size_t n = batch_live(b, &bytes);
	cleanup_free void *buf = NULL;
	size_t len;

	r->first = cnet_nft_next_seq(nft, (uint32_t)n + 2);
	r->last = r->first + (uint32_t)n + 1;
	r->acked = 0;
	r->expected = n;
	r->batch_err = 0;
	r->batch_ext[0] = '\0';
	for (size_t i = 0, k = 0; i < b->n; i++) {
		r->errs[i] = -1;
		if (!b->msgs[i].dropped)
			r->live[k++] = i;
	}
	if (cnet_nft_batch_render(b, r->first, &buf, &len) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables transaction");
	size_buffers(nft, len, n);
	ssize_t sent = mnl_socket_sendto(nft->nl, buf, len);
	if (sent < 0)
		return cnet_err_set(err, CNET_ERR_KERNEL, errno, "nftables transaction: send");
	return read_acks(nft, b, r, err);
}

/* Set the message type of every DESTROY message still marked as one. */
static void retype_destroy(struct cnet_nft_batch *b, uint16_t type, bool still_destroy)
{
	for (size_t i = 0; i < b->n; i++) {
		struct cnet_nft_msg *m = &b->msgs[i];
		if (!m->destroy)
			continue;
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + m->off);
		nlh->nlmsg_type = (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | type);
		m->destroy = still_destroy;
	}
}

/* Kernels < 6.3 do not know NFT_MSG_DESTROYSETELEM: send NFT_MSG_DELSETELEM instead. */
static void downgrade_destroy(struct cnet_nft_batch *b)
{
	retype_destroy(b, NFT_MSG_DELSETELEM, false);
}

/*
 * After a failed round, decide whether another one can succeed: the failures are all
 * "already done" (drop those messages), or a DESTROY the kernel does not know (downgrade).
 * Returns true when something was changed and a new round makes sense.
 */
static bool plan_retry(struct cnet_nft *nft, struct cnet_nft_batch *b, const struct round *r)
{
	bool fixable = true, unknown_destroy = false, any = false;

	for (size_t i = 0; i < b->n && fixable; i++) {
		struct cnet_nft_msg *m = &b->msgs[i];
		int e = r->errs[i];
		if (m->dropped || e <= 0)
			continue;
		any = true;
		if (m->destroy && (e == EINVAL || e == EOPNOTSUPP))
			unknown_destroy = true;
		else if (!m->ignore || e != m->ignore)
			fixable = false;
	}
	if (!any || !fixable || r->batch_err)
		return false;
	if (unknown_destroy) {
		nft->no_destroy = true;
		downgrade_destroy(b);
	}
	for (size_t i = 0; i < b->n; i++) {
		struct cnet_nft_msg *m = &b->msgs[i];
		if (!m->dropped && r->errs[i] > 0 && m->ignore == r->errs[i] &&
		    !(unknown_destroy && m->destroy))
			m->dropped = true;
	}
	return true;
}

/* Fill err from the first failure of the round (by batch order). */
static int report(struct cnet_nft_batch *b, const struct round *r, struct cnet_err *err)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->msgs[i].dropped || r->errs[i] <= 0)
			continue;
		b->failed = (int)i;
		return cnet_nft_fail(r->errs[i], r->ext[i], err, "%s", b->msgs[i].what);
	}
	if (r->batch_err)
		return cnet_nft_fail(r->batch_err, r->batch_ext, err, "nftables transaction");
	return 0;
}

int cnet_nft_commit(struct cnet_nft *nft, struct cnet_nft_batch *b, struct cnet_err *err)
{
	cleanup_free int *errs = calloc(b->n ? b->n : 1, sizeof(*errs));
	cleanup_free char(*ext)[256] = calloc(b->n ? b->n : 1, sizeof(*ext));
	cleanup_free size_t *live = calloc(b->n ? b->n : 1, sizeof(*live));
	struct round r = { .errs = errs, .ext = ext, .live = live };

	b->failed = -1;
	b->rounds = 0;
	if (!errs || !ext || !live)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "nftables transaction");
	for (size_t i = 0; i < b->n; i++)
		b->msgs[i].dropped = false;
	if (nft->no_destroy)
		downgrade_destroy(b);
	else if (nft->fake_old)
		retype_destroy(b, 0xff, true); /* a type no kernel has: EINVAL, as before 6.3 */
	/* 1 + one downgrade + one drop of absent objects, and one spare */
	for (int round = 0; round < 4; round++) {
		size_t bytes;
		if (batch_live(b, &bytes) == 0)
			return 0;
		b->rounds++;
		int ret = send_round(nft, b, &r, err);
		if (ret < 0)
			return ret;
		if (report(b, &r, NULL) == 0) {
			b->failed = -1;
			return 0;
		}
		if (!plan_retry(nft, b, &r))
			return report(b, &r, err);
	}
	return report(b, &r, err);
}
