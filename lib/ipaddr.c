// SPDX-License-Identifier: Apache-2.0
/*
 * Addresses are big-endian byte arrays, so arithmetic is done byte by byte with an explicit
 * carry: that works the same for 32 and 128 bits and needs no compiler-specific 128-bit type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipaddr.h"

int ipaddr_parse(const char *s, struct ipaddr *out)
{
	struct ipaddr ip = { 0 };

	if (!s || !*s)
		return -EINVAL;
	/* Pick the family from the text so "::ffff:1.2.3.4" stays v6 as the contract says. */
	ip.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(ip.family, s, ip.a) != 1)
		return -EINVAL;
	*out = ip;
	return 0;
}

const char *ipaddr_format(const struct ipaddr *ip, char *buf)
{
	/* An unset address formats as "" so callers can print it without checking first. */
	if (!inet_ntop(ip->family, ip->a, buf, IPADDR_STRLEN))
		buf[0] = '\0';
	return buf;
}

bool ipaddr_is_set(const struct ipaddr *ip)
{
	return ip->family != 0;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return ipaddr_cmp(a, b) == 0;
}

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	/* Only the family's bytes count: a v4 address with junk in a[4..] is still that address. */
	int r = memcmp(a->a, b->a, (size_t)ipaddr_len(a->family));
	return (r > 0) - (r < 0);
}

int ipaddr_add(const struct ipaddr *ip, int64_t n, struct ipaddr *out)
{
	if (ip->family != AF_INET && ip->family != AF_INET6)
		return -EINVAL;

	/* Unsigned negation so INT64_MIN has a magnitude too. */
	uint64_t mag = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	struct ipaddr r = *ip;
	unsigned carry = 0;

	for (int i = ipaddr_len(ip->family) - 1; i >= 0; i--) {
		unsigned m = (unsigned)(mag & 0xff);
		mag >>= 8;
		if (n >= 0) {
			unsigned sum = r.a[i] + m + carry;
			r.a[i] = (uint8_t)sum;
			carry = sum >> 8;
		} else {
			int diff = (int)r.a[i] - (int)m - (int)carry;
			carry = diff < 0;
			r.a[i] = (uint8_t)(diff + (carry ? 256 : 0));
		}
	}
	/* Bits of n left over (only possible for v4) overflow just like a final carry. */
	if (carry || mag)
		return -ERANGE;
	*out = r;
	return 0;
}

/* out = x - y over len bytes, where x >= y. */
static void sub_bytes(const uint8_t *x, const uint8_t *y, uint8_t *out, int len)
{
	int borrow = 0;

	for (int i = len - 1; i >= 0; i--) {
		int d = (int)x[i] - (int)y[i] - borrow;
		borrow = d < 0;
		out[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

int64_t ipaddr_diff(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return 0;

	int len = ipaddr_len(a->family);
	int sign = ipaddr_cmp(b, a);
	uint8_t mag[16];

	if (sign == 0)
		return 0;
	if (sign > 0)
		sub_bytes(b->a, a->a, mag, len);
	else
		sub_bytes(a->a, b->a, mag, len);

	/* Anything above the low 64 bits means the difference cannot fit. */
	bool big = false;
	uint64_t m = 0;
	for (int i = 0; i < len; i++) {
		if (i < len - 8)
			big |= mag[i] != 0;
		else
			m = (m << 8) | mag[i];
	}
	if (sign > 0)
		return big || m > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)m;
	if (big || m > (uint64_t)INT64_MAX)
		return INT64_MIN;
	return -(int64_t)m;
}

/*
 * Decimal prefix length: digits only, no sign or blanks. Leading zeros are accepted because
 * Go's net.ParseCIDR accepts them and existing configs must keep working.
 */
static int parse_plen(const char *s, int max)
{
	int v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > max)   /* also stops overflow on long digit strings */
			return -EINVAL;
	}
	return v;
}

int ipnet_parse(const char *s, struct ipnet *out)
{
	char abuf[IPADDR_STRLEN];
	struct ipnet n = { 0 };

	if (!s)
		return -EINVAL;
	const char *slash = strchr(s, '/');
	if (!slash)
		return -EINVAL;
	size_t alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(abuf))
		return -EINVAL;
	memcpy(abuf, s, alen);
	abuf[alen] = '\0';
	if (ipaddr_parse(abuf, &n.addr) < 0)
		return -EINVAL;
	int plen = parse_plen(slash + 1, ipaddr_bits(n.addr.family));
	if (plen < 0)
		return -EINVAL;
	n.plen = plen;
	*out = n;
	return 0;
}

int ipnet_parse_host_or_cidr(const char *s, struct ipnet *out)
{
	struct ipnet n = { 0 };

	if (!s)
		return -EINVAL;
	if (strchr(s, '/'))
		return ipnet_parse(s, out);
	if (ipaddr_parse(s, &n.addr) < 0)
		return -EINVAL;
	n.plen = ipaddr_bits(n.addr.family);
	*out = n;
	return 0;
}

const char *ipnet_format(const struct ipnet *n, char *buf)
{
	char abuf[IPADDR_STRLEN];

	snprintf(buf, IPNET_STRLEN, "%s/%d", ipaddr_format(&n->addr, abuf), n->plen);
	return buf;
}

/* A hand-built ipnet may carry a bad plen; clamping keeps the byte loops in bounds. */
static int clamp_plen(const struct ipnet *n)
{
	int bits = ipaddr_bits(n->addr.family);

	if (n->plen < 0)
		return 0;
	return n->plen > bits ? bits : n->plen;
}

/* Clear (set == false) or set every bit after the first plen bits. */
static void fill_host_bits(struct ipaddr *ip, int plen, bool set)
{
	int len = ipaddr_len(ip->family);

	for (int i = 0; i < len; i++) {
		int keep = plen - i * 8;   /* prefix bits that fall in this byte */
		uint8_t host;
		if (keep >= 8)
			continue;
		host = keep <= 0 ? 0xff : (uint8_t)(0xff >> keep);
		if (set)
			ip->a[i] |= host;
		else
			ip->a[i] &= (uint8_t)~host;
	}
}

/* Do a and b agree in their first plen bits? */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, int plen)
{
	int whole = plen / 8, rest = plen % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

struct ipnet ipnet_network(const struct ipnet *n)
{
	struct ipnet r = *n;

	r.plen = clamp_plen(n);
	fill_host_bits(&r.addr, r.plen, false);
	return r;
}

bool ipnet_is_network(const struct ipnet *n)
{
	struct ipnet net = ipnet_network(n);

	return ipaddr_equal(&net.addr, &n->addr);
}

struct ipaddr ipnet_last(const struct ipnet *n)
{
	struct ipaddr r = n->addr;

	fill_host_bits(&r, clamp_plen(n), true);
	return r;
}

bool ipnet_contains(const struct ipnet *n, const struct ipaddr *ip)
{
	if (!n->addr.family || n->addr.family != ip->family)
		return false;
	return prefix_equal(n->addr.a, ip->a, clamp_plen(n));
}

bool ipnet_overlaps(const struct ipnet *a, const struct ipnet *b)
{
	if (!a->addr.family || a->addr.family != b->addr.family)
		return false;
	/* Two prefixes overlap exactly when the shorter one contains the other's network. */
	int pa = clamp_plen(a), pb = clamp_plen(b);
	return prefix_equal(a->addr.a, b->addr.a, pa < pb ? pa : pb);
}

uint64_t ipnet_size(const struct ipnet *n)
{
	int host = ipaddr_bits(n->addr.family) - clamp_plen(n);

	/* 2^64 is already one past UINT64_MAX, so a v6 /64 saturates too. */
	return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (!s || strlen(s) != MAC_STRLEN - 1)
		return -EINVAL;
	/* One separator throughout, as Go's net.ParseMAC insists; "aa:bb-cc..." is garbage. */
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + (size_t)i * 3;
		int hi = hex_val(p[0]), lo = hex_val(p[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5 && p[2] != sep)
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

const char *mac_format(const uint8_t mac[6], char *buf)
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

bool mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, sizeof(zero)) == 0;
}
