// SPDX-License-Identifier: Apache-2.0
/*
 * lib/nft*.c without a kernel: build messages into a batch, render it as commit would send
 * it, parse the messages back with libnftnl and compare field by field (the libnftnl tests'
 * way). What the kernel and nft then make of these messages is tests/integration/30-nft-lib.
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

#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "unit.h"

#include "nft.h"
#include "nft_int.h"

#define FAM NFPROTO_INET

static const struct cnet_nft_set hostports4 = {
	.family = FAM, .table = "cnet", .name = "hostports4",
	.key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
	.data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE },
};

/* ---- helpers ----------------------------------------------------------------------------- */

struct wire {
	void *buf;
	size_t len;
};

static struct wire render(struct cnet_nft_batch *b, uint32_t seq)
{
	struct wire w;

	assert_int_equal(cnet_nft_batch_render(b, seq, &w.buf, &w.len), 0);
	return w;
}

/* Message i of the rendered batch (0 = BATCH_BEGIN). */
static const struct nlmsghdr *msg(const struct wire *w, int i)
{
	const struct nlmsghdr *nlh = w->buf;
	int len = (int)w->len;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (i-- == 0)
			return nlh;
	fail_msg("no message %d in the batch", i);
	return NULL;
}

static uint16_t msg_type(const struct nlmsghdr *nlh)
{
	assert_int_equal(NFNL_SUBSYS_ID(nlh->nlmsg_type), NFNL_SUBSYS_NFTABLES);
	return NFNL_MSG_TYPE(nlh->nlmsg_type);
}

static struct nftnl_set *parse_set(const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();

	assert_non_null(s);
	assert_int_equal(nftnl_set_nlmsg_parse(nlh, s), 0);
	return s;
}

static struct nftnl_set *parse_elems(const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();

	assert_non_null(s);
	assert_int_equal(nftnl_set_elems_nlmsg_parse(nlh, s), 0);
	return s;
}

/* The n-th element (0-based) parsed from a set message. */
static struct nftnl_set_elem *elem_at(struct nftnl_set *s, int n)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	struct nftnl_set_elem *e = nftnl_set_elems_iter_next(it);

	while (e && n-- > 0)
		e = nftnl_set_elems_iter_next(it);
	nftnl_set_elems_iter_destroy(it);
	assert_non_null(e);
	return e;
}

static void assert_bytes(const void *got, uint32_t got_len, const void *want, uint32_t want_len)
{
	assert_non_null(got);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

/* getter(obj, attr, &len) evaluated before len is read (argument order is unspecified). */
#define ASSERT_ATTR(getter, obj, attr, want, want_len)                                            \
	do {                                                                                       \
		uint32_t l_ = 0;                                                                   \
		const void *p_ = getter(obj, attr, &l_);                                           \
		assert_bytes(p_, l_, want, want_len);                                              \
	} while (0)
#define UDATA(getter, obj, attr)                                                                   \
	({                                                                                         \
		uint32_t l_ = 0;                                                                   \
		const void *p_ = getter(obj, attr, &l_);                                           \
		udata(p_, l_);                                                                     \
	})

struct udata_seen {
	uint32_t u32[NFTNL_UDATA_SET_MAX + 1];
	bool has[NFTNL_UDATA_SET_MAX + 1];
	char str[NFTNL_UDATA_SET_MAX + 1][256];
};

static int udata_cb(const struct nftnl_udata *attr, void *arg)
{
	struct udata_seen *u = arg;
	uint8_t t = nftnl_udata_type(attr);

	if (t > NFTNL_UDATA_SET_MAX)
		return 0;
	u->has[t] = true;
	if (nftnl_udata_len(attr) == 4)
		u->u32[t] = nftnl_udata_get_u32(attr);
	snprintf(u->str[t], sizeof(u->str[t]), "%.*s", (int)nftnl_udata_len(attr),
		 (const char *)nftnl_udata_get(attr));
	return 0;
}

static struct udata_seen udata(const void *p, uint32_t len)
{
	struct udata_seen u;

	memset(&u, 0, sizeof(u));
	assert_non_null(p);
	assert_int_equal(nftnl_udata_parse(p, len, udata_cb, &u), 0);
	return u;
}

static struct cnet_nft_elem mapping(uint8_t proto, uint16_t port, const char *ip,
				    uint16_t to_port, const char *comment)
{
	struct cnet_nft_elem e = { .comment = comment };
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(ip, &a), 0);
	cnet_nft_key_proto(&e.key, proto);
	cnet_nft_key_port(&e.key, port);
	cnet_nft_key_addr(&e.data, &a);
	cnet_nft_key_port(&e.data, to_port);
	return e;
}

/* ---- keys and layouts ---------------------------------------------------------------------- */

static void test_key_encoding(void **state)
{
	struct cnet_nft_key k = { 0 };
	struct ipaddr a;
	char buf[128];
	(void)state;

	cnet_nft_key_proto(&k, IPPROTO_TCP);
	cnet_nft_key_port(&k, 8080);
	assert_int_equal(ipaddr_parse("10.88.0.5", &a), 0);
	cnet_nft_key_addr(&k, &a);
	cnet_nft_key_ifname(&k, "eth0");
	/* every field padded to 4 bytes, value first; the port in network order */
	const uint8_t want[] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0, 10, 88, 0, 5,
				 'e', 't', 'h', '0', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	assert_false(k.bad);
	assert_int_equal(k.nfields, 4);
	assert_bytes(k.data, k.len, want, sizeof(want));
	assert_string_equal(cnet_nft_key_format(&k, buf, sizeof(buf)),
			    "tcp . 8080 . 10.88.0.5 . \"eth0\"");

	uint8_t p;
	uint16_t port;
	struct ipaddr back;
	char ifn[IF_NAMESIZE];
	assert_int_equal(cnet_nft_key_get_proto(&k, 0, &p), 0);
	assert_int_equal(p, IPPROTO_TCP);
	assert_int_equal(cnet_nft_key_get_port(&k, 1, &port), 0);
	assert_int_equal(port, 8080);
	assert_int_equal(cnet_nft_key_get_addr(&k, 2, &back), 0);
	assert_true(ipaddr_equal(&a, &back));
	assert_int_equal(cnet_nft_key_get_ifname(&k, 3, ifn), 0);
	assert_string_equal(ifn, "eth0");
	/* wrong type or index */
	assert_int_equal(cnet_nft_key_get_port(&k, 0, &port), -EINVAL);
	assert_int_equal(cnet_nft_key_get_proto(&k, 4, &p), -EINVAL);

	/* 16-byte fields: 64 bytes is the most a key holds */
	struct cnet_nft_key big = { 0 };
	for (int i = 0; i < 4; i++)
		cnet_nft_key_ifname(&big, "x");
	assert_false(big.bad);
	cnet_nft_key_proto(&big, 6);
	assert_true(big.bad);
	struct cnet_nft_key name = { 0 };
	cnet_nft_key_ifname(&name, "0123456789abcdef"); /* 16 chars: no room for the NUL */
	assert_true(name.bad);
}

static void test_key_other_types(void **state)
{
	struct cnet_nft_key k = { 0 };
	const uint8_t mac[6] = { 2, 0x42, 0xac, 0x11, 0, 2 };
	struct ipaddr a6;
	char buf[128];
	uint8_t m[6];
	uint32_t mark;
	(void)state;

	assert_int_equal(ipaddr_parse("fd00::1", &a6), 0);
	cnet_nft_key_ether(&k, mac);
	cnet_nft_key_mark(&k, 0x2a);
	cnet_nft_key_addr(&k, &a6);
	assert_int_equal(k.len, 8 + 4 + 16);
	assert_string_equal(cnet_nft_key_format(&k, buf, sizeof(buf)),
			    "02:42:ac:11:00:02 . 0x0000002a . fd00::1");
	assert_int_equal(cnet_nft_key_get_ether(&k, 0, m), 0);
	assert_memory_equal(m, mac, 6);
	assert_int_equal(cnet_nft_key_get_mark(&k, 1, &mark), 0);
	assert_int_equal(mark, 0x2a);

	struct cnet_nft_key s = { 0 }, e = { 0 };
	struct ipnet net;
	assert_int_equal(ipnet_parse("10.88.1.2/16", &net), 0);
	cnet_nft_key_prefix(&s, &e, &net);
	assert_string_equal(cnet_nft_key_format(&s, buf, sizeof(buf)), "10.88.0.0");
	assert_string_equal(cnet_nft_key_format(&e, buf, sizeof(buf)), "10.88.255.255");
}

static void test_layouts(void **state)
{
	struct cnet_nft_layout l;
	struct cnet_err err = { 0 };
	(void)state;

	/* concatenations: 6 bits per type id, the first field highest; fields padded */
	const enum cnet_nft_dtype hp[] = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE, 0 };
	assert_int_equal(cnet_nft_layout(hp, &l, "k", &err), 0);
	assert_int_equal(l.type, 12 << 6 | 13);
	assert_int_equal(l.len, 8);
	assert_int_equal(l.byteorder, NFT_BYTEORDER_INVALID);
	const enum cnet_nft_dtype hip[] = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_PROTO,
					    CNET_NFT_INET_SERVICE, 0 };
	assert_int_equal(cnet_nft_layout(hip, &l, "k", &err), 0);
	assert_int_equal(l.type, (7 << 12) | (12 << 6) | 13);
	assert_int_equal(l.len, 12);
	const enum cnet_nft_dtype ifs[] = { CNET_NFT_IFNAME, CNET_NFT_IFNAME, 0 };
	assert_int_equal(cnet_nft_layout(ifs, &l, "k", &err), 0);
	assert_int_equal(l.type, 0xa69);
	assert_int_equal(l.len, 32);
	/* single fields: exact length, the type's byte order */
	const enum cnet_nft_dtype mac[] = { CNET_NFT_ETHER_ADDR, 0 };
	assert_int_equal(cnet_nft_layout(mac, &l, "k", &err), 0);
	assert_int_equal(l.len, 6);
	assert_int_equal(l.type, 9);
	assert_int_equal(l.byteorder, NFT_BYTEORDER_BIG);
	const enum cnet_nft_dtype mark[] = { CNET_NFT_MARK, 0 };
	assert_int_equal(cnet_nft_layout(mark, &l, "k", &err), 0);
	assert_int_equal(l.byteorder, NFT_BYTEORDER_HOST);
	const enum cnet_nft_dtype verdict[] = { CNET_NFT_VERDICT, 0 };
	assert_int_equal(cnet_nft_layout(verdict, &l, "k", &err), 0);
	assert_int_equal(l.type, NFT_DATA_VERDICT);
	assert_int_equal(l.len, 0);
	/* invalid */
	const enum cnet_nft_dtype vcat[] = { CNET_NFT_IFNAME, CNET_NFT_VERDICT, 0 };
	assert_int_equal(cnet_nft_layout(vcat, &l, "map \"m\"", &err), -EINVAL);
	assert_string_equal(err.msg, "map \"m\": a verdict cannot be part of a concatenation: "
				     "Invalid argument");
	const enum cnet_nft_dtype five[] = { CNET_NFT_IPV6_ADDR, CNET_NFT_IPV6_ADDR,
					     CNET_NFT_IPV6_ADDR, CNET_NFT_IPV6_ADDR,
					     CNET_NFT_IPV6_ADDR };
	assert_int_equal(cnet_nft_layout(five, &l, "k", &err), -EINVAL);
	const enum cnet_nft_dtype bogus[] = { 99, 0 };
	assert_int_equal(cnet_nft_layout(bogus, &l, "k", &err), -EINVAL);
}

/* ---- sets -------------------------------------------------------------------------------- */

static void test_set_map(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	(void)state;

	assert_int_equal(cnet_nft_set_add(b, &hostports4, 0, &err), 0);
	struct wire w = render(b, 1);
	const struct nlmsghdr *nlh = msg(&w, 1);
	assert_int_equal(msg_type(nlh), NFT_MSG_NEWSET);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
	struct nftnl_set *s = parse_set(nlh);
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_TABLE), "cnet");
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_NAME), "hostports4");
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FAMILY), FAM);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FLAGS), NFT_SET_MAP);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE), 12 << 6 | 13);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), 8);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE), 7 << 6 | 13);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN), 8);
	assert_true(nftnl_set_is_set(s, NFTNL_SET_ID)); /* the kernel insists */
	uint32_t len;
	const void *ud = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
	struct udata_seen u = udata(ud, len);
	assert_true(u.has[NFTNL_UDATA_SET_KEYBYTEORDER]);
	assert_int_equal(u.u32[NFTNL_UDATA_SET_KEYBYTEORDER], NFT_BYTEORDER_INVALID);
	assert_true(u.has[NFTNL_UDATA_SET_DATABYTEORDER]);
	assert_false(u.has[NFTNL_UDATA_SET_COMMENT]);
	nftnl_set_free(s);
	free(w.buf);
}

static void test_set_kinds(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	const struct cnet_nft_set cnets = {
		.family = FAM, .table = "cnet", .name = "cnets", .flags = CNET_NFT_SET_INTERVAL,
		.key = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE }, .comment = "pairs",
	};
	const struct cnet_nft_set marks = {
		.family = FAM, .table = "cnet", .name = "marks", .key = { CNET_NFT_MARK },
		.flags = CNET_NFT_SET_TIMEOUT, .timeout_ms = 60000,
	};
	const struct cnet_nft_set iso = {
		.family = FAM, .table = "cnet", .name = "iso",
		.key = { CNET_NFT_IFNAME, CNET_NFT_IFNAME }, .data = { CNET_NFT_VERDICT },
	};
	(void)state;

	assert_int_equal(cnet_nft_set_add(b, &cnets, CNET_NFT_EXCL, &err), 0);
	assert_int_equal(cnet_nft_set_add(b, &marks, 0, &err), 1);
	assert_int_equal(cnet_nft_set_add(b, &iso, 0, &err), 2);
	struct wire w = render(b, 1);

	/* interval + concatenation: NFT_SET_CONCAT and each field's (unpadded) length */
	const struct nlmsghdr *nlh = msg(&w, 1);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_EXCL, NLM_F_EXCL);
	struct nftnl_set *s = parse_set(nlh);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FLAGS), NFT_SET_INTERVAL | NFT_SET_CONCAT);
	uint32_t len;
	const uint8_t *fl = nftnl_set_get_data(s, NFTNL_SET_DESC_CONCAT, &len);
	assert_non_null(fl);
	assert_int_equal(fl[0], 4);
	assert_int_equal(fl[1], 2);
	assert_int_equal(fl[2], 0);
	struct udata_seen u = UDATA(nftnl_set_get_data, s, NFTNL_SET_USERDATA);
	assert_string_equal(u.str[NFTNL_UDATA_SET_COMMENT], "pairs");
	assert_false(u.has[NFTNL_UDATA_SET_DATABYTEORDER]);
	nftnl_set_free(s);

	/* mark: host byte order (nft prints 0x0000002a, not 0x2a000000); a timeout */
	s = parse_set(msg(&w, 2));
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FLAGS), NFT_SET_TIMEOUT);
	assert_int_equal(nftnl_set_get_u64(s, NFTNL_SET_TIMEOUT), 60000);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), 4);
	u = UDATA(nftnl_set_get_data, s, NFTNL_SET_USERDATA);
	assert_int_equal(u.u32[NFTNL_UDATA_SET_KEYBYTEORDER], NFT_BYTEORDER_HOST);
	nftnl_set_free(s);

	/* verdict map: NFT_DATA_VERDICT, length 0 */
	s = parse_set(msg(&w, 3));
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_FLAGS), NFT_SET_MAP);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE), 41 << 6 | 41);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE), NFT_DATA_VERDICT);
	assert_int_equal(nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN), 0);
	assert_int_not_equal(nftnl_set_get_u32(s, NFTNL_SET_ID), 0);
	nftnl_set_free(s);
	free(w.buf);

	/* intervals need big-endian keys */
	const struct cnet_nft_set bad = { .family = FAM, .table = "cnet", .name = "m",
					  .key = { CNET_NFT_MARK }, .flags = CNET_NFT_SET_INTERVAL };
	assert_int_equal(cnet_nft_set_add(b, &bad, 0, &err), -EINVAL);
	assert_int_equal(cnet_nft_batch_count(b), 3);
}

/* ---- elements ---------------------------------------------------------------------------- */

static void test_elem_comment_round_trip(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	struct cnet_nft_elem e[2] = {
		mapping(IPPROTO_TCP, 8080, "10.88.0.5", 80, "net1 c0ffee eth0"),
		mapping(IPPROTO_UDP, 53, "10.88.0.6", 5353, NULL),
	};
	(void)state;

	assert_int_equal(cnet_nft_elem_add(b, &hostports4, e, 2, CNET_NFT_EXCL, &err), 0);
	assert_int_equal(cnet_nft_batch_count(b), 2); /* one message per element */
	struct wire w = render(b, 7);
	const struct nlmsghdr *nlh = msg(&w, 1);
	assert_int_equal(msg_type(nlh), NFT_MSG_NEWSETELEM);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	struct nftnl_set *s = parse_elems(nlh);
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_NAME), "hostports4");
	assert_string_equal(nftnl_set_get_str(s, NFTNL_SET_TABLE), "cnet");
	struct nftnl_set_elem *el = elem_at(s, 0);
	uint32_t len;
	const uint8_t key[] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0 };
	const uint8_t data[] = { 10, 88, 0, 5, 0, 80, 0, 0 };
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_KEY, key, sizeof(key));
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_DATA, data, sizeof(data));
	const void *ud = nftnl_set_elem_get(el, NFTNL_SET_ELEM_USERDATA, &len);
	struct udata_seen u = udata(ud, len);
	assert_true(u.has[NFTNL_UDATA_SET_ELEM_COMMENT]);
	/* as nft stores it: NUL-terminated */
	assert_int_equal(len, 2 + strlen("net1 c0ffee eth0") + 1);
	assert_string_equal(u.str[NFTNL_UDATA_SET_ELEM_COMMENT], "net1 c0ffee eth0");
	nftnl_set_free(s);

	/* no comment: no userdata at all */
	s = parse_elems(msg(&w, 2));
	assert_false(nftnl_set_elem_is_set(elem_at(s, 0), NFTNL_SET_ELEM_USERDATA));
	nftnl_set_free(s);
	free(w.buf);
}

static void test_elem_delete(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	struct cnet_nft_elem e = mapping(IPPROTO_TCP, 8080, "10.88.0.5", 80, "owner");
	(void)state;

	assert_int_equal(cnet_nft_elem_del(b, &hostports4, &e, 1, CNET_NFT_IGNORE_ABSENT, &err),
			 0);
	assert_int_equal(cnet_nft_elem_del(b, &hostports4, &e, 1, 0, &err), 1);
	struct wire w = render(b, 1);
	/* idempotent: DESTROY (kernel >= 6.3 skips absent elements); strict: DELSETELEM */
	assert_int_equal(msg_type(msg(&w, 1)), CNET_NFT_MSG_DESTROYSETELEM);
	assert_int_equal(msg_type(msg(&w, 2)), NFT_MSG_DELSETELEM);
	assert_int_equal(msg(&w, 1)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	/* a delete carries the key only */
	struct nftnl_set *s = parse_elems(msg(&w, 2));
	struct nftnl_set_elem *el = elem_at(s, 0);
	assert_true(nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_KEY));
	assert_false(nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_DATA));
	assert_false(nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_USERDATA));
	nftnl_set_free(s);
	free(w.buf);
}

static void test_elem_intervals(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	const struct cnet_nft_set nets = { .family = FAM, .table = "cnet", .name = "nets",
					   .key = { CNET_NFT_IPV4_ADDR },
					   .flags = CNET_NFT_SET_INTERVAL };
	const struct cnet_nft_set pairs = { .family = FAM, .table = "cnet", .name = "pairs",
					    .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_IPV4_ADDR },
					    .flags = CNET_NFT_SET_INTERVAL };
	struct cnet_nft_elem e[2] = { { .comment = "net1" }, { .comment = "top" } };
	struct cnet_nft_elem c = { 0 };
	struct ipnet n;
	(void)state;

	ipnet_parse("10.88.0.0/16", &n);
	cnet_nft_key_prefix(&e[0].key, &e[0].key_end, &n);
	ipnet_parse("255.255.255.0/24", &n);
	cnet_nft_key_prefix(&e[1].key, &e[1].key_end, &n);
	assert_int_equal(cnet_nft_elem_add(b, &nets, e, 2, 0, &err), 0);
	ipnet_parse("10.88.0.0/16", &n);
	cnet_nft_key_prefix(&c.key, &c.key_end, &n);
	ipnet_parse("10.89.0.0/24", &n);
	cnet_nft_key_prefix(&c.key, &c.key_end, &n);
	assert_int_equal(cnet_nft_elem_add(b, &pairs, &c, 1, 0, &err), 2);
	struct wire w = render(b, 1);

	/* rbtree: the start, then the value after the end flagged INTERVAL_END */
	struct nftnl_set *s = parse_elems(msg(&w, 1));
	const uint8_t start[] = { 10, 88, 0, 0 }, end[] = { 10, 89, 0, 0 };
	struct nftnl_set_elem *el = elem_at(s, 0);
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_KEY, start, 4);
	assert_false(nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_FLAGS));
	el = elem_at(s, 1);
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_KEY, end, 4);
	assert_int_equal(nftnl_set_elem_get_u32(el, NFTNL_SET_ELEM_FLAGS),
			 NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_free(s);

	/* a range up to the top has no end element, and says so in its userdata */
	s = parse_elems(msg(&w, 2));
	el = elem_at(s, 0);
	struct udata_seen u = UDATA(nftnl_set_elem_get, el, NFTNL_SET_ELEM_USERDATA);
	assert_string_equal(u.str[NFTNL_UDATA_SET_ELEM_COMMENT], "top");
	assert_int_equal(u.u32[NFTNL_UDATA_SET_ELEM_FLAGS], NFTNL_SET_ELEM_F_INTERVAL_OPEN);
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	nftnl_set_elems_iter_next(it);
	assert_null(nftnl_set_elems_iter_next(it));
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);

	/* pipapo (interval + concatenation): one element with an inclusive KEY_END */
	s = parse_elems(msg(&w, 3));
	el = elem_at(s, 0);
	const uint8_t k[] = { 10, 88, 0, 0, 10, 89, 0, 0 };
	const uint8_t ke[] = { 10, 88, 255, 255, 10, 89, 0, 255 };
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_KEY, k, 8);
	ASSERT_ATTR(nftnl_set_elem_get, el, NFTNL_SET_ELEM_KEY_END, ke, 8);
	nftnl_set_free(s);
	free(w.buf);
}

static void test_elem_verdicts(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	const struct cnet_nft_set iso = { .family = FAM, .table = "cnet", .name = "iso",
					  .key = { CNET_NFT_IFNAME, CNET_NFT_IFNAME },
					  .data = { CNET_NFT_VERDICT } };
	struct cnet_nft_elem e[2] = { { .verdict = NF_DROP }, { .verdict = NFT_JUMP,
								 .chain = "isolate" } };
	(void)state;

	cnet_nft_key_ifname(&e[0].key, "br0");
	cnet_nft_key_ifname(&e[0].key, "eth0");
	cnet_nft_key_ifname(&e[1].key, "br1");
	cnet_nft_key_ifname(&e[1].key, "eth1");
	assert_int_equal(cnet_nft_elem_add(b, &iso, e, 2, 0, &err), 0);
	struct wire w = render(b, 1);
	struct nftnl_set *s = parse_elems(msg(&w, 1));
	struct nftnl_set_elem *el = elem_at(s, 0);
	assert_int_equal(nftnl_set_elem_get_u32(el, NFTNL_SET_ELEM_VERDICT), NF_DROP);
	assert_false(nftnl_set_elem_is_set(el, NFTNL_SET_ELEM_CHAIN));
	nftnl_set_free(s);
	s = parse_elems(msg(&w, 2));
	el = elem_at(s, 0);
	assert_int_equal((int)nftnl_set_elem_get_u32(el, NFTNL_SET_ELEM_VERDICT), NFT_JUMP);
	assert_string_equal(nftnl_set_elem_get_str(el, NFTNL_SET_ELEM_CHAIN), "isolate");
	nftnl_set_free(s);
	free(w.buf);
}

static void test_elem_errors(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	struct cnet_nft_elem e[2] = { mapping(IPPROTO_TCP, 1, "10.0.0.1", 1, NULL) };
	(void)state;

	/* fields in the wrong order: nothing of the call is added */
	cnet_nft_key_port(&e[1].key, 80);
	cnet_nft_key_proto(&e[1].key, IPPROTO_TCP);
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, e, 2, 0, &err), -EINVAL);
	assert_int_equal(err.code, CNI_ERR_INTERNAL);
	assert_string_equal(err.msg, "map \"hostports4\": element key: expected inet_proto . "
				     "inet_service, got inet_service . inet_proto: Invalid argument");
	assert_int_equal(cnet_nft_batch_count(b), 0);

	/* a map element without its value; an IPv6 value in an IPv4 map */
	struct cnet_nft_elem v = { 0 };
	cnet_nft_key_proto(&v.key, IPPROTO_TCP);
	cnet_nft_key_port(&v.key, 80);
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, &v, 1, 0, &err), -EINVAL);
	assert_string_equal(err.msg, "map \"hostports4\": element value: expected ipv4_addr . "
				     "inet_service, got nothing: Invalid argument");
	/* a range in a set without intervals */
	e[0].key_end = e[0].key;
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, e, 1, 0, &err), -EINVAL);
	/* a comment longer than nft allows */
	char longc[CNET_NFT_COMMENT_MAX + 2];
	memset(longc, 'a', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	struct cnet_nft_elem c = mapping(IPPROTO_TCP, 1, "10.0.0.1", 1, longc);
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, &c, 1, 0, &err), -EINVAL);
	longc[CNET_NFT_COMMENT_MAX] = '\0';
	c.comment = longc;
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, &c, 1, 0, &err), 0);
	assert_int_equal(cnet_nft_batch_count(b), 1);
}

/* ---- batch framing ------------------------------------------------------------------------ */

static void test_batch_framing(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	struct cnet_nft_chain pre = { FAM, "cnet", "prerouting", "nat", NF_INET_PRE_ROUTING, -100,
				      false };
	struct cnet_nft_elem e = mapping(IPPROTO_TCP, 8080, "10.88.0.5", 80, "c");
	(void)state;

	assert_int_equal(cnet_nft_table_add(b, FAM, "cnet", 0, &err), 0);
	assert_int_equal(cnet_nft_chain_add(b, &pre, 0, &err), 1);
	assert_int_equal(cnet_nft_set_add(b, &hostports4, 0, &err), 2);
	assert_int_equal(cnet_nft_elem_add(b, &hostports4, &e, 1, CNET_NFT_EXCL, &err), 3);
	assert_int_equal(cnet_nft_chain_flush(b, FAM, "cnet", "prerouting", &err), 4);
	assert_int_equal(cnet_nft_table_del(b, FAM, "cnet", CNET_NFT_IGNORE_ABSENT, &err), 5);
	assert_int_equal(cnet_nft_batch_count(b), 6);
	assert_int_equal(cnet_nft_batch_failed(b), -1);

	struct wire w = render(b, 1000);
	const struct nlmsghdr *nlh = w.buf;
	int len = (int)w.len, n = 0;
	const uint16_t types[] = { NFT_MSG_NEWTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWSET,
				   NFT_MSG_NEWSETELEM, NFT_MSG_DELRULE, NFT_MSG_DELTABLE };
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len), n++) {
		const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
		assert_int_equal(nlh->nlmsg_seq, 1000 + n);
		assert_int_equal(nlh->nlmsg_pid, 0);
		if (n == 0 || n == 7) { /* the framing: no ACK asked, res_id names nftables */
			assert_int_equal(nlh->nlmsg_type,
					 n ? NFNL_MSG_BATCH_END : NFNL_MSG_BATCH_BEGIN);
			assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
			assert_int_equal(ntohs(g->res_id), NFNL_SUBSYS_NFTABLES);
			continue;
		}
		assert_int_equal(msg_type(nlh), types[n - 1]);
		assert_int_equal(nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK),
				 NLM_F_REQUEST | NLM_F_ACK);
		assert_int_equal(g->nfgen_family, FAM);
	}
	assert_int_equal(n, 8);
	assert_int_equal(len, 0);

	/* the base chain: hook, priority, type, accept */
	struct nftnl_chain *c = nftnl_chain_alloc();
	assert_int_equal(nftnl_chain_nlmsg_parse(msg(&w, 2), c), 0);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), "prerouting");
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "nat");
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), NF_INET_PRE_ROUTING);
	assert_int_equal(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), -100);
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
	nftnl_chain_free(c);
	free(w.buf);

	/* a second render numbers from its own start */
	w = render(b, 5);
	assert_int_equal(msg(&w, 6)->nlmsg_seq, 11);
	assert_int_equal(msg(&w, 7)->nlmsg_seq, 12);
	free(w.buf);
}

static void test_ext_ack(void **state)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	char ext[64];
	int e;
	(void)state;

	/* NLMSG_ERROR, capped (NETLINK_CAP_ACK), with NLMSGERR_ATTR_MSG (NETLINK_EXT_ACK) */
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	struct nlmsgerr *me = mnl_nlmsg_put_extra_header(nlh, sizeof(*me));
	me->error = -EEXIST;
	me->msg.nlmsg_len = 400; /* the request's length; its body is not echoed */
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "key exists\n");
	cnet_nft_parse_ack(nlh, &e, ext, sizeof(ext));
	assert_int_equal(e, EEXIST);
	assert_string_equal(ext, "key exists");
	/* a plain ACK */
	me->error = 0;
	nlh->nlmsg_flags = 0;
	cnet_nft_parse_ack(nlh, &e, ext, sizeof(ext));
	assert_int_equal(e, 0);
	assert_string_equal(ext, "");

	struct cnet_err err = { 0 };
	assert_int_equal(cnet_nft_fail(EEXIST, "key exists", &err, "add element %s", "x"), -EEXIST);
	assert_string_equal(err.msg, "add element x: File exists (kernel: key exists)");
	assert_int_equal(err.code, CNET_ERR_KERNEL);
	assert_int_equal(cnet_nft_fail(ENOENT, "", &err, "delete"), -ENOENT);
	assert_string_equal(err.msg, "delete: No such file or directory");
}

/* ---- rules ------------------------------------------------------------------------------- */

struct expr_seen {
	const char *name[16];
	struct nftnl_expr *e[16];
	int n;
};

static int expr_cb(struct nftnl_expr *e, void *arg)
{
	struct expr_seen *s = arg;

	if (s->n < 16) {
		s->name[s->n] = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		s->e[s->n++] = e;
	}
	return 0;
}

static void test_rule_dnat_map(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(FAM, "cnet", "prerouting");
	uint32_t local = RTN_LOCAL;
	(void)state;

	/* fib daddr type local dnat ip to meta l4proto . th dport map @hostports4 */
	cnet_nft_rule_fib(r, NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
	cnet_nft_rule_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	cnet_nft_rule_map(r, NFT_REG_1, "hostports4", NFT_REG_1);
	cnet_nft_rule_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, NFT_REG_1, NFT_REG32_01, 0);
	cnet_nft_rule_comment(r, "cnet portmap");
	assert_int_equal(cnet_nft_rule_add(b, r, &err), 0);

	struct wire w = render(b, 1);
	const struct nlmsghdr *nlh = msg(&w, 1);
	assert_int_equal(msg_type(nlh), NFT_MSG_NEWRULE);
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND);
	struct nftnl_rule *pr = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, pr), 0);
	assert_string_equal(nftnl_rule_get_str(pr, NFTNL_RULE_TABLE), "cnet");
	assert_string_equal(nftnl_rule_get_str(pr, NFTNL_RULE_CHAIN), "prerouting");
	assert_int_equal(nftnl_rule_get_u32(pr, NFTNL_RULE_FAMILY), FAM);

	struct expr_seen s = { .n = 0 };
	assert_int_equal(nftnl_expr_foreach(pr, expr_cb, &s), 0);
	const char *names[] = { "fib", "cmp", "meta", "payload", "lookup", "nat" };
	assert_int_equal(s.n, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(s.name[i], names[i]);
	struct nftnl_expr **e = s.e;
	uint32_t len;
	assert_int_equal(nftnl_expr_get_u32(e[0], NFTNL_EXPR_FIB_FLAGS), NFTA_FIB_F_DADDR);
	assert_int_equal(nftnl_expr_get_u32(e[0], NFTNL_EXPR_FIB_RESULT), NFT_FIB_RESULT_ADDRTYPE);
	assert_int_equal(nftnl_expr_get_u32(e[0], NFTNL_EXPR_FIB_DREG), NFT_REG_1);
	assert_int_equal(nftnl_expr_get_u32(e[1], NFTNL_EXPR_CMP_OP), NFT_CMP_EQ);
	ASSERT_ATTR(nftnl_expr_get, e[1], NFTNL_EXPR_CMP_DATA, &local, 4);
	assert_int_equal(nftnl_expr_get_u32(e[2], NFTNL_EXPR_META_KEY), NFT_META_L4PROTO);
	assert_int_equal(nftnl_expr_get_u32(e[2], NFTNL_EXPR_META_DREG), NFT_REG_1);
	assert_int_equal(nftnl_expr_get_u32(e[3], NFTNL_EXPR_PAYLOAD_BASE),
			 NFT_PAYLOAD_TRANSPORT_HEADER);
	assert_int_equal(nftnl_expr_get_u32(e[3], NFTNL_EXPR_PAYLOAD_OFFSET), 2);
	assert_int_equal(nftnl_expr_get_u32(e[3], NFTNL_EXPR_PAYLOAD_LEN), 2);
	assert_int_equal(nftnl_expr_get_u32(e[3], NFTNL_EXPR_PAYLOAD_DREG), NFT_REG32_01);
	assert_string_equal(nftnl_expr_get_str(e[4], NFTNL_EXPR_LOOKUP_SET), "hostports4");
	assert_int_equal(nftnl_expr_get_u32(e[4], NFTNL_EXPR_LOOKUP_SREG), NFT_REG_1);
	assert_int_equal(nftnl_expr_get_u32(e[4], NFTNL_EXPR_LOOKUP_DREG), NFT_REG_1);
	assert_false(nftnl_expr_is_set(e[4], NFTNL_EXPR_LOOKUP_FLAGS));
	assert_int_equal(nftnl_expr_get_u32(e[5], NFTNL_EXPR_NAT_TYPE), NFT_NAT_DNAT);
	assert_int_equal(nftnl_expr_get_u32(e[5], NFTNL_EXPR_NAT_FAMILY), NFPROTO_IPV4);
	assert_int_equal(nftnl_expr_get_u32(e[5], NFTNL_EXPR_NAT_REG_ADDR_MIN), NFT_REG_1);
	assert_int_equal(nftnl_expr_get_u32(e[5], NFTNL_EXPR_NAT_REG_PROTO_MIN), NFT_REG32_01);
	assert_false(nftnl_expr_is_set(e[5], NFTNL_EXPR_NAT_FLAGS));

	const void *ud = nftnl_rule_get_data(pr, NFTNL_RULE_USERDATA, &len);
	const uint8_t want_ud[] = { NFTNL_UDATA_RULE_COMMENT, 13, 'c', 'n', 'e', 't', ' ', 'p',
				    'o', 'r', 't', 'm', 'a', 'p', 0 };
	assert_bytes(ud, len, want_ud, sizeof(want_ud));
	nftnl_rule_free(pr);
	free(w.buf);
}

static void test_rule_vmap_and_verdicts(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(FAM, "cnet", "forward");
	(void)state;

	/* iifname . oifname vmap @iso; ip saddr . ip daddr != @masq masquerade; jump */
	cnet_nft_rule_meta(r, NFT_META_IIFNAME, NFT_REG_1);
	cnet_nft_rule_meta(r, NFT_META_OIFNAME, NFT_REG_2);
	cnet_nft_rule_map(r, NFT_REG_1, "iso", NFT_REG_VERDICT);
	cnet_nft_rule_lookup(r, NFT_REG_1, "masq", true);
	cnet_nft_rule_counter(r);
	cnet_nft_rule_masq(r, 0);
	cnet_nft_rule_verdict(r, NFT_JUMP, "isolate");
	assert_int_equal(cnet_nft_rule_add(b, r, &err), 0);
	struct wire w = render(b, 1);
	struct nftnl_rule *pr = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(msg(&w, 1), pr), 0);
	struct expr_seen s = { .n = 0 };
	nftnl_expr_foreach(pr, expr_cb, &s);
	assert_int_equal(s.n, 7);
	/* a verdict map lookup: DREG present and 0 (the verdict register) */
	assert_true(nftnl_expr_is_set(s.e[2], NFTNL_EXPR_LOOKUP_DREG));
	assert_int_equal(nftnl_expr_get_u32(s.e[2], NFTNL_EXPR_LOOKUP_DREG), NFT_REG_VERDICT);
	assert_false(nftnl_expr_is_set(s.e[3], NFTNL_EXPR_LOOKUP_DREG));
	assert_int_equal(nftnl_expr_get_u32(s.e[3], NFTNL_EXPR_LOOKUP_FLAGS), NFT_LOOKUP_F_INV);
	assert_string_equal(s.name[4], "counter");
	assert_string_equal(s.name[5], "masq");
	assert_int_equal(nftnl_expr_get_u32(s.e[6], NFTNL_EXPR_IMM_DREG), NFT_REG_VERDICT);
	assert_int_equal((int)nftnl_expr_get_u32(s.e[6], NFTNL_EXPR_IMM_VERDICT), NFT_JUMP);
	assert_string_equal(nftnl_expr_get_str(s.e[6], NFTNL_EXPR_IMM_CHAIN), "isolate");
	assert_false(nftnl_rule_is_set(pr, NFTNL_RULE_USERDATA));
	nftnl_rule_free(pr);
	free(w.buf);
}

static void test_rule_errors(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	cleanup_nft_rule struct cnet_nft_rule *r = cnet_nft_rule_new(FAM, "cnet", "forward");
	cleanup_nft_rule struct cnet_nft_rule *empty = cnet_nft_rule_new(FAM, "cnet", "forward");
	char big[NFT_DATA_VALUE_MAXLEN + 1] = { 0 };
	(void)state;

	/* the first problem sticks and is reported by rule_add; nothing is added */
	cnet_nft_rule_comment(r, "x");
	cnet_nft_rule_meta(r, NFT_META_MARK, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, big, sizeof(big));
	cnet_nft_rule_verdict(r, NFT_JUMP, NULL);
	assert_int_equal(cnet_nft_rule_add(b, r, &err), -EINVAL);
	assert_string_equal(err.msg, "add rule \"x\" to chain forward in table inet cnet: cmp data: "
				     "Invalid argument");
	assert_int_equal(cnet_nft_rule_add(b, empty, &err), -EINVAL);
	assert_int_equal(cnet_nft_batch_count(b), 0);
	/* too many expressions */
	for (int i = 0; i <= CNET_NFT_RULE_MAX_EXPRS; i++)
		cnet_nft_rule_counter(empty);
	assert_int_equal(cnet_nft_rule_add(b, empty, &err), -E2BIG);
	/* delete by handle */
	assert_int_equal(cnet_nft_rule_del(b, FAM, "cnet", "forward", 42, 0, &err), 0);
	struct wire w = render(b, 1);
	struct nftnl_rule *pr = nftnl_rule_alloc();
	assert_int_equal(msg_type(msg(&w, 1)), NFT_MSG_DELRULE);
	assert_int_equal(nftnl_rule_nlmsg_parse(msg(&w, 1), pr), 0);
	assert_int_equal(nftnl_rule_get_u64(pr, NFTNL_RULE_HANDLE), 42);
	nftnl_rule_free(pr);
	free(w.buf);
}

static void test_rule_xt_match_and_insert(void **state)
{
	struct cnet_err err = { 0 };
	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
	cleanup_nft_rule struct cnet_nft_rule *r =
		cnet_nft_rule_new(NFPROTO_IPV4, "filter", "CNI-FORWARD");
	const uint8_t info[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	(void)state;

	/* -m conntrack (compat) ... -j ACCEPT, inserted at the top */
	cnet_nft_rule_xt_match(r, "conntrack", 3, info, sizeof(info));
	cnet_nft_rule_counter(r);
	cnet_nft_rule_verdict(r, NF_ACCEPT, NULL);
	assert_int_equal(cnet_nft_rule_insert(b, r, &err), 0);
	struct wire w = render(b, 1);
	const struct nlmsghdr *nlh = msg(&w, 1);
	assert_int_equal(msg_type(nlh), NFT_MSG_NEWRULE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE); /* no APPEND */
	struct nftnl_rule *pr = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, pr), 0);
	struct expr_seen s = { .n = 0 };
	nftnl_expr_foreach(pr, expr_cb, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.name[0], "match");
	assert_string_equal(nftnl_expr_get_str(s.e[0], NFTNL_EXPR_MT_NAME), "conntrack");
	assert_int_equal(nftnl_expr_get_u32(s.e[0], NFTNL_EXPR_MT_REV), 3);
	ASSERT_ATTR(nftnl_expr_get, s.e[0], NFTNL_EXPR_MT_INFO, info, sizeof(info));
	nftnl_rule_free(pr);
	free(w.buf);

	/* bad arguments are reported by insert, like add */
	cleanup_nft_rule struct cnet_nft_rule *bad = cnet_nft_rule_new(NFPROTO_IPV4, "filter", "X");
	cnet_nft_rule_xt_match(bad, "conntrack", 3, NULL, 0);
	assert_int_equal(cnet_nft_rule_insert(b, bad, &err), -EINVAL);
	assert_string_equal(err.msg, "insert rule at the top of chain X in table ip filter: xt "
				     "match: Invalid argument");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_encoding),
		cmocka_unit_test(test_key_other_types),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_set_map),
		cmocka_unit_test(test_set_kinds),
		cmocka_unit_test(test_elem_comment_round_trip),
		cmocka_unit_test(test_elem_delete),
		cmocka_unit_test(test_elem_intervals),
		cmocka_unit_test(test_elem_verdicts),
		cmocka_unit_test(test_elem_errors),
		cmocka_unit_test(test_batch_framing),
		cmocka_unit_test(test_ext_ack),
		cmocka_unit_test(test_rule_dnat_map),
		cmocka_unit_test(test_rule_vmap_and_verdicts),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_rule_xt_match_and_insert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
