// SPDX-License-Identifier: Apache-2.0
/* Unit tests for lib/ipaddr.c: parsing, formatting, arithmetic and prefix logic. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipaddr.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

static struct ipaddr ip(const char *s)
{
	struct ipaddr r;

	assert_int_equal(ipaddr_parse(s, &r), 0);
	return r;
}

static struct ipnet net(const char *s)
{
	struct ipnet r;

	assert_int_equal(ipnet_parse(s, &r), 0);
	return r;
}

/* Compare through the formatted text so a failure prints both addresses. */
static void assert_ip(const struct ipaddr *got, const char *want)
{
	char buf[IPADDR_STRLEN];

	assert_string_equal(ipaddr_format(got, buf), want);
}

static void assert_add(const char *from, int64_t n, const char *want)
{
	struct ipaddr a = ip(from), out;

	assert_int_equal(ipaddr_add(&a, n, &out), 0);
	assert_ip(&out, want);
}

/* A failed add must leave out untouched, so callers can keep using it. */
static void assert_add_range(const char *from, int64_t n)
{
	struct ipaddr a = ip(from), out = ip("192.0.2.99"), before = out;

	assert_int_equal(ipaddr_add(&a, n, &out), -ERANGE);
	assert_memory_equal(&out, &before, sizeof(out));
}

static void test_parse_format_v4(void **state)
{
	static const char *const cases[] = {
		"0.0.0.0", "10.0.0.1", "192.168.1.100", "172.16.254.3", "255.255.255.255",
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipaddr a = ip(cases[i]);
		assert_int_equal(a.family, AF_INET);
		for (int j = 4; j < 16; j++)
			assert_int_equal(a.a[j], 0);
		assert_ip(&a, cases[i]);
	}
	struct ipaddr a = ip("10.1.2.3");
	assert_int_equal(a.a[0], 10);
	assert_int_equal(a.a[1], 1);
	assert_int_equal(a.a[2], 2);
	assert_int_equal(a.a[3], 3);
}

static void test_parse_format_v6(void **state)
{
	/* { input, canonical inet_ntop form } */
	static const char *const cases[][2] = {
		{ "fd00::1", "fd00::1" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "FD00:0:0:0:0:0:0:1", "fd00::1" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "fe80::1:2:3:4", "fe80::1:2:3:4" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipaddr a = ip(cases[i][0]);
		assert_int_equal(a.family, AF_INET6);
		assert_ip(&a, cases[i][1]);
		/* The canonical form parses back to the same bytes. */
		struct ipaddr b = ip(cases[i][1]);
		assert_true(ipaddr_equal(&a, &b));
	}
	struct ipaddr a = ip("fd00::1");
	assert_int_equal(a.a[0], 0xfd);
	assert_int_equal(a.a[15], 1);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", " 10.0.0.1", "10.0.0.1 ", "10.0.0", "10.0.0.256", "10.0.0.1.2", "1.2.3.-1",
		"01.2.3.4", "0x0a.0.0.1", "abc", "10.0.0.1/24", "fd00::1::2", "fd00::g",
		"fe80::1%eth0", "fd00:1:2:3:4:5:6:7:8", ":", "[fd00::1]", "fd00::1/64",
	};
	(void)state;

	assert_int_equal(ipaddr_parse(NULL, &(struct ipaddr){ 0 }), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ipaddr out = ip("192.0.2.7"), before = out;
		if (ipaddr_parse(bad[i], &out) != -EINVAL)
			fail_msg("ipaddr_parse accepted \"%s\"", bad[i]);
		assert_memory_equal(&out, &before, sizeof(out));
	}
}

static void test_is_set_equal(void **state)
{
	struct ipaddr unset = { 0 }, v4 = ip("1.2.3.4"), v4b = ip("1.2.3.4");
	struct ipaddr mapped = ip("::ffff:1.2.3.4"), other = ip("1.2.3.5");
	char buf[IPADDR_STRLEN];
	(void)state;

	assert_false(ipaddr_is_set(&unset));
	assert_true(ipaddr_is_set(&v4));
	assert_true(ipaddr_is_set(&mapped));
	assert_string_equal(ipaddr_format(&unset, buf), "");
	assert_true(ipaddr_equal(&v4, &v4b));
	assert_false(ipaddr_equal(&v4, &other));
	assert_false(ipaddr_equal(&v4, &mapped));
	assert_false(ipaddr_equal(&v4, &unset));
	assert_true(ipaddr_equal(&unset, &(struct ipaddr){ 0 }));
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_cmp(void **state)
{
	/* Strictly ascending: unset, then v4 by value, then v6 by value. */
	static const char *const order[] = {
		"0.0.0.0", "0.0.0.1", "9.255.255.255", "10.0.0.0", "10.0.0.1", "10.0.0.2",
		"10.0.1.0", "255.255.255.255", "::", "::1", "::ffff:0.0.0.0",
		"fd00::ffff:ffff:ffff:ffff", "fd00:0:0:1::", "fe80::",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	struct ipaddr addrs[ARRAY_SIZE(order) + 1] = { { 0 } };
	size_t n = ARRAY_SIZE(addrs);
	(void)state;

	for (size_t i = 1; i < n; i++)
		addrs[i] = ip(order[i - 1]);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			int got = ipaddr_cmp(&addrs[i], &addrs[j]);
			if (sign(got) != want)
				fail_msg("cmp(#%zu, #%zu) = %d, want %d", i, j, got, want);
			assert_true(ipaddr_equal(&addrs[i], &addrs[j]) == (i == j));
		}
	}
}

static void test_add_v4(void **state)
{
	(void)state;

	assert_add("10.0.0.1", 0, "10.0.0.1");
	assert_add("10.0.0.1", 1, "10.0.0.2");
	assert_add("10.0.0.255", 1, "10.0.1.0");
	assert_add("10.0.255.255", 1, "10.1.0.0");
	assert_add("10.255.255.255", 1, "11.0.0.0");
	assert_add("10.1.0.0", -1, "10.0.255.255");
	assert_add("11.0.0.0", -1, "10.255.255.255");
	assert_add("10.0.0.0", 65536 + 256 + 1, "10.1.1.1");
	assert_add("10.1.1.1", -(65536 + 256 + 1), "10.0.0.0");
	assert_add("0.0.0.0", 4294967295LL, "255.255.255.255");
	assert_add("255.255.255.255", -4294967295LL, "0.0.0.0");
	assert_add("255.255.255.254", 1, "255.255.255.255");
	assert_add("0.0.0.1", -1, "0.0.0.0");

	assert_add_range("255.255.255.255", 1);
	assert_add_range("0.0.0.0", -1);
	assert_add_range("0.0.0.0", 4294967296LL);
	assert_add_range("255.255.255.255", -4294967296LL);
	assert_add_range("1.2.3.4", INT64_MAX);
	assert_add_range("1.2.3.4", INT64_MIN);

	/* out may be the input itself. */
	struct ipaddr a = ip("10.0.0.255");
	assert_int_equal(ipaddr_add(&a, 2, &a), 0);
	assert_ip(&a, "10.0.1.1");
	struct ipaddr unset = { 0 }, out;
	assert_int_equal(ipaddr_add(&unset, 1, &out), -EINVAL);
}

static void test_add_v6(void **state)
{
	(void)state;

	assert_add("fd00::1", 1, "fd00::2");
	assert_add("::ff", 1, "::100");
	assert_add("fd00::ffff", 1, "fd00::1:0");
	/* Carry and borrow across the 64-bit boundary between the two halves. */
	assert_add("fd00::ffff:ffff:ffff:ffff", 1, "fd00:0:0:1::");
	assert_add("fd00:0:0:1::", -1, "fd00::ffff:ffff:ffff:ffff");
	assert_add("fd00::ffff:ffff:ffff:fff0", 0x20, "fd00:0:0:1::10");
	assert_add("fd00:0:0:1::10", -0x20, "fd00::ffff:ffff:ffff:fff0");
	assert_add("fd00:0:0:ffff:ffff:ffff:ffff:ffff", 1, "fd00:0:1::");
	assert_add("::", INT64_MAX, "::7fff:ffff:ffff:ffff");
	assert_add("::ffff:ffff:ffff:ffff", INT64_MAX, "::1:7fff:ffff:ffff:fffe");
	assert_add("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INT64_MIN,
		   "ffff:ffff:ffff:ffff:7fff:ffff:ffff:ffff");
	assert_add("::1:0:0:0:0", -1, "::ffff:ffff:ffff:ffff");
	assert_add("::1:0:0:0:0", INT64_MIN, "::8000:0:0:0");
	assert_add("::ffff:255.255.255.255", 1, "::1:0:0:0");

	assert_add_range("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1);
	assert_add_range("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INT64_MAX);
	assert_add_range("::", -1);
	assert_add_range("::7fff:ffff:ffff:ffff", INT64_MIN);
}

static void assert_diff(const char *a, const char *b, int64_t want)
{
	struct ipaddr x = ip(a), y = ip(b);
	int64_t got = ipaddr_diff(&x, &y);

	if (got != want)
		fail_msg("diff(%s, %s) = %lld, want %lld", a, b, (long long)got, (long long)want);
	/* Where nothing saturated, add and diff must be inverses. */
	if (want != INT64_MAX && want != INT64_MIN) {
		struct ipaddr z;
		assert_int_equal(ipaddr_add(&x, got, &z), 0);
		assert_true(ipaddr_equal(&z, &y));
	}
}

static void test_diff(void **state)
{
	(void)state;

	assert_diff("10.0.0.1", "10.0.0.10", 9);
	assert_diff("10.0.0.10", "10.0.0.1", -9);
	assert_diff("10.0.0.1", "10.0.0.1", 0);
	assert_diff("10.0.0.255", "10.0.1.0", 1);
	assert_diff("10.0.0.0", "10.1.0.0", 65536);
	assert_diff("0.0.0.0", "255.255.255.255", 4294967295LL);
	assert_diff("255.255.255.255", "0.0.0.0", -4294967295LL);
	assert_diff("fd00::1", "fd00::1", 0);
	assert_diff("fd00::ffff:ffff:ffff:ffff", "fd00:0:0:1::", 1);
	assert_diff("fd00:0:0:1::", "fd00::ffff:ffff:ffff:ffff", -1);
	assert_diff("fd00::", "fd00::1:0:0:0", 1LL << 48);
	assert_diff("::", "::7fff:ffff:ffff:ffff", INT64_MAX);
	assert_diff("::7fff:ffff:ffff:ffff", "::", -INT64_MAX);
	/* 2^63 does not fit positive but is exactly INT64_MIN negative. */
	assert_diff("::", "::8000:0:0:0", INT64_MAX);
	assert_diff("::8000:0:0:0", "::", INT64_MIN);
	/* Saturation when the high 64 bits differ. */
	assert_diff("fd00::", "fd00:0:0:1::", INT64_MAX);
	assert_diff("fd00:0:0:1::", "fd00::", INT64_MIN);
	assert_diff("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", INT64_MAX);
	assert_diff("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", INT64_MIN);
}

static void test_ipnet_parse_format(void **state)
{
	/* { input, family, plen, address, canonical text } */
	static const struct {
		const char *in;
		int family, plen;
		const char *addr, *out;
	} cases[] = {
		{ "10.1.0.5/24", AF_INET, 24, "10.1.0.5", "10.1.0.5/24" },
		{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0", "0.0.0.0/0" },
		{ "255.255.255.255/32", AF_INET, 32, "255.255.255.255", "255.255.255.255/32" },
		{ "10.0.0.0/08", AF_INET, 8, "10.0.0.0", "10.0.0.0/8" },   /* as Go accepts */
		{ "fd00::1/64", AF_INET6, 64, "fd00::1", "fd00::1/64" },
		{ "FD00:0::1/128", AF_INET6, 128, "fd00::1", "fd00::1/128" },
		{ "::/0", AF_INET6, 0, "::", "::/0" },
		{ "::ffff:1.2.3.0/120", AF_INET6, 120, "::ffff:1.2.3.0", "::ffff:1.2.3.0/120" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", AF_INET6, 128,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	};
	char buf[IPNET_STRLEN];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipnet n = net(cases[i].in);
		assert_int_equal(n.addr.family, cases[i].family);
		assert_int_equal(n.plen, cases[i].plen);
		assert_ip(&n.addr, cases[i].addr);
		assert_string_equal(ipnet_format(&n, buf), cases[i].out);
		struct ipnet back = net(buf);
		assert_int_equal(back.plen, n.plen);
		assert_true(ipaddr_equal(&back.addr, &n.addr));
	}
}

static void test_ipnet_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "/", "/24", "10.0.0.0/", "10.0.0.0", "fd00::", "10.0.0.0/33", "10.0.0.0/-1",
		"10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ", " 10.0.0.0/8", "10.0.0.0 /8",
		"10.0.0.0/8/8", "10.0.0.0/8x", "10.0.0.0/x", "10.0.0.0/0x8", "10.0.0.0/8.0",
		"10.0.0.0/99999999999999999999", "10.0.0.0/4294967304", "fd00::/129",
		"fd00::/1000", "10.0.0.256/8", "10.0.0/8", "fd00::g/64", "fe80::1%eth0/64",
		"fd00:0000:0000:0000:0000:0000:0000:0000:0000:0000/64", "10.0.0.0//8",
		"10.0.0.0/8\n",
	};
	(void)state;

	assert_int_equal(ipnet_parse(NULL, &(struct ipnet){ 0 }), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ipnet out = net("192.0.2.0/24"), before = out;
		if (ipnet_parse(bad[i], &out) != -EINVAL)
			fail_msg("ipnet_parse accepted \"%s\"", bad[i]);
		assert_memory_equal(&out, &before, sizeof(out));
	}
}

static void test_host_or_cidr(void **state)
{
	static const char *const bad[] = {
		"", "x", "10.0.0.1/", "10.0.0.1/33", "fd00::1/129", "10.0.0.1 ", "/32",
	};
	struct ipnet n;
	char buf[IPNET_STRLEN];
	(void)state;

	assert_int_equal(ipnet_parse_host_or_cidr("10.0.0.1", &n), 0);
	assert_string_equal(ipnet_format(&n, buf), "10.0.0.1/32");
	assert_int_equal(ipnet_parse_host_or_cidr("fd00::1", &n), 0);
	assert_string_equal(ipnet_format(&n, buf), "fd00::1/128");
	assert_int_equal(ipnet_parse_host_or_cidr("10.0.0.0/8", &n), 0);
	assert_string_equal(ipnet_format(&n, buf), "10.0.0.0/8");
	assert_int_equal(ipnet_parse_host_or_cidr("fd00::5/64", &n), 0);
	assert_string_equal(ipnet_format(&n, buf), "fd00::5/64");

	assert_int_equal(ipnet_parse_host_or_cidr(NULL, &n), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ipnet out = net("192.0.2.0/24"), before = out;
		if (ipnet_parse_host_or_cidr(bad[i], &out) != -EINVAL)
			fail_msg("ipnet_parse_host_or_cidr accepted \"%s\"", bad[i]);
		assert_memory_equal(&out, &before, sizeof(out));
	}
}

static void test_prefix_ops(void **state)
{
	static const struct {
		const char *cidr, *network, *last;
		uint64_t size;
		bool is_network;
	} cases[] = {
		{ "10.1.2.3/0", "0.0.0.0", "255.255.255.255", 1ULL << 32, false },
		{ "0.0.0.0/0", "0.0.0.0", "255.255.255.255", 1ULL << 32, true },
		{ "10.1.2.3/8", "10.0.0.0", "10.255.255.255", 1ULL << 24, false },
		{ "10.0.0.0/8", "10.0.0.0", "10.255.255.255", 1ULL << 24, true },
		{ "10.0.17.9/20", "10.0.16.0", "10.0.31.255", 4096, false },
		{ "192.168.1.77/24", "192.168.1.0", "192.168.1.255", 256, false },
		{ "192.168.1.0/24", "192.168.1.0", "192.168.1.255", 256, true },
		{ "192.168.1.200/25", "192.168.1.128", "192.168.1.255", 128, false },
		{ "192.168.1.77/31", "192.168.1.76", "192.168.1.77", 2, false },
		{ "192.168.1.76/31", "192.168.1.76", "192.168.1.77", 2, true },
		{ "192.168.1.77/32", "192.168.1.77", "192.168.1.77", 1, true },
		{ "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UINT64_MAX, true },
		{ "fd00::1:2:3:4/64", "fd00::", "fd00::ffff:ffff:ffff:ffff", UINT64_MAX, false },
		{ "fd00::/64", "fd00::", "fd00::ffff:ffff:ffff:ffff", UINT64_MAX, true },
		{ "fd00::/65", "fd00::", "fd00::7fff:ffff:ffff:ffff", 1ULL << 63, true },
		{ "fd00::abcd/120", "fd00::ab00", "fd00::abff", 256, false },
		{ "fd00::3/127", "fd00::2", "fd00::3", 2, false },
		{ "fd00::1/128", "fd00::1", "fd00::1", 1, true },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipnet n = net(cases[i].cidr);
		struct ipnet nw = ipnet_network(&n);
		struct ipaddr last = ipnet_last(&n);
		assert_ip(&nw.addr, cases[i].network);
		assert_int_equal(nw.plen, n.plen);
		assert_true(ipnet_is_network(&nw));
		assert_ip(&last, cases[i].last);
		if (ipnet_size(&n) != cases[i].size)
			fail_msg("size(%s) = %llu", cases[i].cidr,
				 (unsigned long long)ipnet_size(&n));
		if (ipnet_is_network(&n) != cases[i].is_network)
			fail_msg("is_network(%s) wrong", cases[i].cidr);
		/* A prefix contains its own first, last and original address. */
		assert_true(ipnet_contains(&n, &nw.addr));
		assert_true(ipnet_contains(&n, &last));
		assert_true(ipnet_contains(&n, &n.addr));
		assert_true(ipnet_overlaps(&n, &nw));
	}
}

static void test_contains(void **state)
{
	static const struct {
		const char *cidr, *addr;
		bool in;
	} cases[] = {
		{ "10.0.0.0/8", "10.0.0.0", true },
		{ "10.0.0.0/8", "10.255.255.255", true },
		{ "10.0.0.0/8", "11.0.0.0", false },
		{ "10.0.0.0/8", "9.255.255.255", false },
		{ "10.0.0.0/8", "::ffff:10.0.0.1", false },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "0.0.0.0/0", "::", false },
		{ "10.1.0.5/24", "10.1.0.200", true },
		{ "10.1.0.5/24", "10.1.1.0", false },
		{ "10.0.0.0/20", "10.0.15.255", true },
		{ "10.0.0.0/20", "10.0.16.0", false },
		{ "192.168.1.76/31", "192.168.1.77", true },
		{ "192.168.1.76/31", "192.168.1.78", false },
		{ "192.168.1.77/32", "192.168.1.77", true },
		{ "192.168.1.77/32", "192.168.1.76", false },
		{ "::/0", "ffff::1", true },
		{ "::/0", "1.2.3.4", false },
		{ "fd00::/64", "fd00::ffff:ffff:ffff:ffff", true },
		{ "fd00::/64", "fd00:0:0:1::", false },
		{ "fd00::/64", "fc00::", false },
		{ "fd00::1/128", "fd00::1", true },
		{ "fd00::1/128", "fd00::2", false },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipnet n = net(cases[i].cidr);
		struct ipaddr a = ip(cases[i].addr);
		if (ipnet_contains(&n, &a) != cases[i].in)
			fail_msg("contains(%s, %s) != %d", cases[i].cidr, cases[i].addr,
				 cases[i].in);
	}
	struct ipnet any = net("0.0.0.0/0");
	assert_false(ipnet_contains(&any, &(struct ipaddr){ 0 }));
}

static void test_overlaps(void **state)
{
	static const struct {
		const char *a, *b;
		bool overlap;
	} cases[] = {
		{ "10.0.0.0/8", "10.1.0.0/16", true },
		{ "10.0.0.0/8", "11.0.0.0/8", false },
		{ "10.0.0.0/24", "10.0.1.0/24", false },
		{ "10.0.0.0/24", "10.0.0.0/24", true },
		{ "10.0.0.0/20", "10.0.16.0/20", false },
		{ "10.0.0.0/20", "10.0.15.0/24", true },
		{ "0.0.0.0/0", "192.168.7.1/32", true },
		{ "0.0.0.0/0", "::/0", false },
		{ "10.0.0.0/8", "::ffff:10.0.0.0/104", false },
		{ "192.168.1.0/31", "192.168.1.1/32", true },
		{ "192.168.1.2/31", "192.168.1.1/32", false },
		{ "192.168.1.1/32", "192.168.1.1/32", true },
		{ "192.168.1.1/32", "192.168.1.2/32", false },
		{ "10.1.0.5/24", "10.1.0.77/24", true },   /* host bits do not matter */
		{ "fd00::/64", "fd00::1/128", true },
		{ "fd00::/64", "fd00:0:0:1::/64", false },
		{ "fd00::/63", "fd00:0:0:1::/64", true },
		{ "::/0", "fd00::1/128", true },
		{ "fd00::1/128", "fd00::2/128", false },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ipnet a = net(cases[i].a), b = net(cases[i].b);
		if (ipnet_overlaps(&a, &b) != cases[i].overlap)
			fail_msg("overlaps(%s, %s) != %d", cases[i].a, cases[i].b,
				 cases[i].overlap);
		if (ipnet_overlaps(&b, &a) != cases[i].overlap)
			fail_msg("overlaps(%s, %s) != %d", cases[i].b, cases[i].a,
				 cases[i].overlap);
	}
}

static void test_mac_parse_format(void **state)
{
	static const uint8_t want[6] = { 0xc2, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const char *const same[] = {
		"c2:11:22:33:44:55", "C2:11:22:33:44:55", "c2-11-22-33-44-55", "C2-11-22-33-44-55",
	};
	uint8_t mac[6];
	char buf[MAC_STRLEN];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		assert_int_equal(mac_parse(same[i], mac), 0);
		assert_memory_equal(mac, want, 6);
		assert_string_equal(mac_format(mac, buf), "c2:11:22:33:44:55");
	}
	assert_int_equal(mac_parse("aB:cD:eF:01:23:45", mac), 0);
	assert_string_equal(mac_format(mac, buf), "ab:cd:ef:01:23:45");
	assert_int_equal(mac_parse("ff:ff:ff:ff:ff:ff", mac), 0);
	assert_string_equal(mac_format(mac, buf), "ff:ff:ff:ff:ff:ff");
	assert_false(mac_is_zero(mac));

	static const uint8_t zero[6];
	assert_true(mac_is_zero(zero));
	assert_string_equal(mac_format(zero, buf), "00:00:00:00:00:00");
	assert_int_equal(mac_parse("00-00-00-00-00-00", mac), 0);
	assert_true(mac_is_zero(mac));
	static const uint8_t last_bit[6] = { 0, 0, 0, 0, 0, 1 };
	assert_false(mac_is_zero(last_bit));
	static const uint8_t first_bit[6] = { 0x80, 0, 0, 0, 0, 0 };
	assert_false(mac_is_zero(first_bit));
}

static void test_mac_bad(void **state)
{
	static const char *const bad[] = {
		"", "c2:11:22:33:44", "c2:11:22:33:44:55:66", "c2:11:22:33:44:5",
		"c2:11:22:33:44:555", "c2:1:22:33:44:55:", "c2:11-22:33:44:55", "c2-11-22-33-44:55",
		"c2.11.22.33.44.55", "c2 11 22 33 44 55", "c21122334455", "g2:11:22:33:44:55",
		"c2:11:22:33:44:5g", " c2:11:22:33:44:55", "c2:11:22:33:44:55 ",
		"c2::11:22:33:44:55",
		"0000.5e00.5301", "c2:11:22:33:44:+5", "c2:11:22:33:4:555", ":c2:11:22:33:44:5",
		"00:00:5e:00:53:01:02:03", "c2:11:22:33:44:55\n",
	};
	(void)state;

	assert_int_equal(mac_parse(NULL, (uint8_t[6]){ 0 }), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 }, before[6];
		memcpy(before, mac, 6);
		if (mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("mac_parse accepted \"%s\"", bad[i]);
		assert_memory_equal(mac, before, 6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format_v4),
		cmocka_unit_test(test_parse_format_v6),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_is_set_equal),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_add_v4),
		cmocka_unit_test(test_add_v6),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_ipnet_parse_format),
		cmocka_unit_test(test_ipnet_parse_bad),
		cmocka_unit_test(test_host_or_cidr),
		cmocka_unit_test(test_prefix_ops),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_mac_parse_format),
		cmocka_unit_test(test_mac_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
