/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4/IPv6 addresses, prefixes and ranges; MAC addresses. Pure logic, no I/O. */
#ifndef CNET_IPADDR_H
#define CNET_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IPADDR_STRLEN 46   /* INET6_ADDRSTRLEN */
#define IPNET_STRLEN 50    /* address + "/128" */
#define MAC_STRLEN 18

/* An IPv4 or IPv6 address. IPv4 lives in a[0..3]; the rest is zero. */
struct ipaddr {
	int family;    /* AF_INET, AF_INET6, or 0 for "unset" */
	uint8_t a[16];
};

/* An address with a prefix length: "10.1.0.5/24" keeps the host bits (an interface address). */
struct ipnet {
	struct ipaddr addr;
	int plen;
};

static inline int ipaddr_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static inline int ipaddr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Parse "10.0.0.1" or "fd00::1". Returns 0 or -EINVAL. An IPv4-mapped IPv6 address stays v6. */
int ipaddr_parse(const char *s, struct ipaddr *out);
/* Format into buf (IPADDR_STRLEN). Returns buf. */
const char *ipaddr_format(const struct ipaddr *ip, char *buf);
bool ipaddr_is_set(const struct ipaddr *ip);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);
/* Total order: family first, then numeric value. */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
/* ip + n (n may be negative); returns -ERANGE on wrap-around past the family's space. */
int ipaddr_add(const struct ipaddr *ip, int64_t n, struct ipaddr *out);
/* b - a, saturated to INT64 range; both of one family. */
int64_t ipaddr_diff(const struct ipaddr *a, const struct ipaddr *b);

/* Parse "10.1.0.5/24" (host bits kept). A bare address is rejected (-EINVAL). */
int ipnet_parse(const char *s, struct ipnet *out);
/* Parse a bare address as a host prefix (/32 or /128), or a CIDR. */
int ipnet_parse_host_or_cidr(const char *s, struct ipnet *out);
const char *ipnet_format(const struct ipnet *n, char *buf);   /* IPNET_STRLEN */
/* The prefix with its host bits cleared. */
struct ipnet ipnet_network(const struct ipnet *n);
bool ipnet_is_network(const struct ipnet *n);   /* no host bits set */
/* The last address in the prefix (the IPv4 broadcast address). */
struct ipaddr ipnet_last(const struct ipnet *n);
bool ipnet_contains(const struct ipnet *n, const struct ipaddr *ip);
bool ipnet_overlaps(const struct ipnet *a, const struct ipnet *b);
/* Number of addresses, saturated at UINT64_MAX. */
uint64_t ipnet_size(const struct ipnet *n);

/* "c2:11:22:33:44:55" (also '-' separators, either case). Returns 0 or -EINVAL. */
int mac_parse(const char *s, uint8_t mac[6]);
const char *mac_format(const uint8_t mac[6], char *buf);   /* MAC_STRLEN, lower case */
bool mac_is_zero(const uint8_t mac[6]);

#endif
