// SPDX-License-Identifier: Apache-2.0
/*
 * nft data types and keys (see nft.h): building keys field by field, reading them back,
 * formatting them as nft prints them, and the wire layout of a set's key and data. Pure logic.
 *
 * The encodings follow what nft 1.0.6 sends (checked with `nft --debug=mnl`): a single-field
 * key is its type's length (ether_addr: 6); in a concatenation every field takes a multiple of
 * 4 bytes, the value first, zero padding after; the type id of a concatenation is the fields'
 * ids shifted in 6 bits at a time, the first field ending up in the highest bits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nft_int.h"

#define NFT_TYPE_BITS 6

struct dtype_info {
	enum cnet_nft_dtype type;
	uint8_t len;        /* bytes of a value */
	uint8_t byteorder;  /* NFT_BYTEORDER_*, as nft writes it for a single-field key */
	const char *name;
};

static const struct dtype_info dtypes[] = {
	{ CNET_NFT_VERDICT, 0, NFT_BYTEORDER_INVALID, "verdict" },
	{ CNET_NFT_IPV4_ADDR, 4, NFT_BYTEORDER_BIG, "ipv4_addr" },
	{ CNET_NFT_IPV6_ADDR, 16, NFT_BYTEORDER_BIG, "ipv6_addr" },
	{ CNET_NFT_ETHER_ADDR, 6, NFT_BYTEORDER_BIG, "ether_addr" },
	{ CNET_NFT_INET_PROTO, 1, NFT_BYTEORDER_BIG, "inet_proto" },
	{ CNET_NFT_INET_SERVICE, 2, NFT_BYTEORDER_BIG, "inet_service" },
	{ CNET_NFT_MARK, 4, NFT_BYTEORDER_HOST, "mark" },
	{ CNET_NFT_IFNAME, IF_NAMESIZE, NFT_BYTEORDER_HOST, "ifname" },
};

static const struct dtype_info *dtype(enum cnet_nft_dtype t)
{
	for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
		if (dtypes[i].type == t)
			return &dtypes[i];
	return NULL;
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

const char *cnet_nft_dtype_name(enum cnet_nft_dtype t)
{
	const struct dtype_info *d = dtype(t);

	return d ? d->name : "";
}

/* ---- building keys ------------------------------------------------------------------------ */

/* Append one field of type t holding len bytes of v; pads to 4 bytes. */
static void key_put(struct cnet_nft_key *k, enum cnet_nft_dtype t, const void *v, uint32_t len)
{
	if (k->bad || k->nfields >= CNET_NFT_MAX_FIELDS || k->len + pad4(len) > CNET_NFT_KEY_MAX) {
		k->bad = true;
		return;
	}
	memset(k->data + k->len, 0, pad4(len));
	memcpy(k->data + k->len, v, len);
	k->types[k->nfields++] = (uint8_t)t;
	k->len = (uint8_t)(k->len + pad4(len));
}

void cnet_nft_key_addr(struct cnet_nft_key *k, const struct ipaddr *ip)
{
	if (ip->family == AF_INET)
		key_put(k, CNET_NFT_IPV4_ADDR, ip->a, 4);
	else if (ip->family == AF_INET6)
		key_put(k, CNET_NFT_IPV6_ADDR, ip->a, 16);
	else
		k->bad = true;
}

void cnet_nft_key_proto(struct cnet_nft_key *k, uint8_t proto)
{
	key_put(k, CNET_NFT_INET_PROTO, &proto, 1);
}

void cnet_nft_key_port(struct cnet_nft_key *k, uint16_t port)
{
	uint16_t be = htons(port);

	key_put(k, CNET_NFT_INET_SERVICE, &be, 2);
}

void cnet_nft_key_ifname(struct cnet_nft_key *k, const char *name)
{
	char buf[IF_NAMESIZE] = { 0 };
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= IF_NAMESIZE) {
		k->bad = true;
		return;
	}
	memcpy(buf, name, n + 1);
	key_put(k, CNET_NFT_IFNAME, buf, IF_NAMESIZE);
}

void cnet_nft_key_ether(struct cnet_nft_key *k, const uint8_t mac[6])
{
	key_put(k, CNET_NFT_ETHER_ADDR, mac, 6);
}

void cnet_nft_key_mark(struct cnet_nft_key *k, uint32_t mark)
{
	key_put(k, CNET_NFT_MARK, &mark, 4);
}

void cnet_nft_key_prefix(struct cnet_nft_key *start, struct cnet_nft_key *end,
			 const struct ipnet *net)
{
	struct ipnet first = ipnet_network(net);
	struct ipaddr last = ipnet_last(net);

	cnet_nft_key_addr(start, &first.addr);
	cnet_nft_key_addr(end, &last);
}

/* ---- reading keys back -------------------------------------------------------------------- */

/* Field i of k if it has type t: its bytes, else NULL. */
static const uint8_t *key_field(const struct cnet_nft_key *k, unsigned i, enum cnet_nft_dtype t)
{
	uint32_t off = 0;

	if (k->bad || i >= k->nfields || k->types[i] != t)
		return NULL;
	for (unsigned j = 0; j < i; j++) {
		const struct dtype_info *d = dtype(k->types[j]);
		if (!d)
			return NULL;
		off += pad4(d->len);
	}
	if (off + dtype(t)->len > k->len)
		return NULL;
	return k->data + off;
}

int cnet_nft_key_get_addr(const struct cnet_nft_key *k, unsigned i, struct ipaddr *out)
{
	const uint8_t *p = key_field(k, i, CNET_NFT_IPV4_ADDR);

	memset(out, 0, sizeof(*out));
	if (p) {
		out->family = AF_INET;
		memcpy(out->a, p, 4);
		return 0;
	}
	p = key_field(k, i, CNET_NFT_IPV6_ADDR);
	if (!p)
		return -EINVAL;
	out->family = AF_INET6;
	memcpy(out->a, p, 16);
	return 0;
}

int cnet_nft_key_get_proto(const struct cnet_nft_key *k, unsigned i, uint8_t *out)
{
	const uint8_t *p = key_field(k, i, CNET_NFT_INET_PROTO);

	if (!p)
		return -EINVAL;
	*out = p[0];
	return 0;
}

int cnet_nft_key_get_port(const struct cnet_nft_key *k, unsigned i, uint16_t *out)
{
	const uint8_t *p = key_field(k, i, CNET_NFT_INET_SERVICE);

	if (!p)
		return -EINVAL;
	*out = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int cnet_nft_key_get_ifname(const struct cnet_nft_key *k, unsigned i, char out[IF_NAMESIZE])
{
	const uint8_t *p = key_field(k, i, CNET_NFT_IFNAME);

	if (!p)
		return -EINVAL;
	memcpy(out, p, IF_NAMESIZE);
	out[IF_NAMESIZE - 1] = '\0';
	return 0;
}

int cnet_nft_key_get_ether(const struct cnet_nft_key *k, unsigned i, uint8_t out[6])
{
	const uint8_t *p = key_field(k, i, CNET_NFT_ETHER_ADDR);

	if (!p)
		return -EINVAL;
	memcpy(out, p, 6);
	return 0;
}

int cnet_nft_key_get_mark(const struct cnet_nft_key *k, unsigned i, uint32_t *out)
{
	const uint8_t *p = key_field(k, i, CNET_NFT_MARK);

	if (!p)
		return -EINVAL;
	memcpy(out, p, 4);
	return 0;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	default:
		return NULL;
	}
}

/* Format field i of k into buf. */
static void field_format(const struct cnet_nft_key *k, unsigned i, char *buf, size_t size)
{
	char tmp[IPADDR_STRLEN];
	struct ipaddr ip;
	uint8_t u8, mac[6];
	uint16_t u16;
	uint32_t u32;
	char name[IF_NAMESIZE];

	if (cnet_nft_key_get_addr(k, i, &ip) == 0) {
		snprintf(buf, size, "%s", ipaddr_format(&ip, tmp));
	} else if (cnet_nft_key_get_proto(k, i, &u8) == 0) {
		const char *n = proto_name(u8);
		if (n)
			snprintf(buf, size, "%s", n);
		else
			snprintf(buf, size, "%u", u8);
	} else if (cnet_nft_key_get_port(k, i, &u16) == 0) {
		snprintf(buf, size, "%u", u16);
	} else if (cnet_nft_key_get_ifname(k, i, name) == 0) {
		snprintf(buf, size, "\"%s\"", name);
	} else if (cnet_nft_key_get_ether(k, i, mac) == 0) {
		snprintf(buf, size, "%s", mac_format(mac, tmp));
	} else if (cnet_nft_key_get_mark(k, i, &u32) == 0) {
		snprintf(buf, size, "0x%08x", u32);
	} else {
		snprintf(buf, size, "?");
	}
}

const char *cnet_nft_key_format(const struct cnet_nft_key *k, char *buf, size_t size)
{
	size_t off = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (k->bad) {
		snprintf(buf, size, "(invalid key)");
		return buf;
	}
	for (unsigned i = 0; i < k->nfields && off < size; i++) {
		char field[64];

		field_format(k, i, field, sizeof(field));
		int n = snprintf(buf + off, size - off, "%s%s", i ? " . " : "", field);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* ---- set layout --------------------------------------------------------------------------- */

int cnet_nft_layout(const enum cnet_nft_dtype *f, struct cnet_nft_layout *out, const char *what,
		    struct cnet_err *err)
{
	memset(out, 0, sizeof(*out));
	while (out->n < CNET_NFT_MAX_FIELDS && f[out->n])
		out->n++;
	for (unsigned i = 0; i < out->n; i++) {
		const struct dtype_info *d = dtype(f[i]);

		if (!d)
			return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
					    "%s: unknown nft data type %d", what, (int)f[i]);
		if (d->type == CNET_NFT_VERDICT && out->n > 1)
			return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL,
					    "%s: a verdict cannot be part of a concatenation", what);
		out->types[i] = d->type;
		out->field_len[i] = d->len;
		out->type = out->type << NFT_TYPE_BITS | d->type;
		out->len += out->n > 1 ? pad4(d->len) : d->len;
	}
	if (out->n == 1) {
		out->byteorder = dtype(f[0])->byteorder;
		if (f[0] == CNET_NFT_VERDICT)
			out->type = NFT_DATA_VERDICT;
	}
	if (out->len > CNET_NFT_KEY_MAX)
		return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: %u bytes, more than %d",
				    what, out->len, CNET_NFT_KEY_MAX);
	return 0;
}

int cnet_nft_key_check(const struct cnet_nft_key *k, const struct cnet_nft_layout *l,
		       const char *what, struct cnet_err *err)
{
	uint32_t padded = 0;
	bool same = !k->bad && k->nfields == l->n;

	for (unsigned i = 0; same && i < l->n; i++) {
		same = k->types[i] == l->types[i];
		padded += pad4(l->field_len[i]);
	}
	if (same && k->len == padded)
		return 0;

	char want[128] = "", got[128] = "";
	size_t off = 0;
	for (unsigned i = 0; i < l->n && off < sizeof(want); i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s", i ? " . " : "",
					cnet_nft_dtype_name(l->types[i]));
	off = 0;
	for (unsigned i = 0; !k->bad && i < k->nfields && off < sizeof(got); i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", i ? " . " : "",
					cnet_nft_dtype_name(k->types[i]));
	return cnet_err_set(err, CNI_ERR_INTERNAL, EINVAL, "%s: expected %s, got %s", what, want,
			    k->bad ? "an invalid key" : (got[0] ? got : "nothing"));
}

int cnet_nft_key_from_wire(struct cnet_nft_key *k, const struct cnet_nft_layout *l,
			   const void *data, uint32_t len)
{
	memset(k, 0, sizeof(*k));
	if (len != l->len || l->n == 0 || l->types[0] == CNET_NFT_VERDICT)
		return -EINVAL;
	if (l->n == 1) {
		if (pad4(len) > CNET_NFT_KEY_MAX)
			return -EINVAL;
		memcpy(k->data, data, len);
		k->len = (uint8_t)pad4(len);
	} else {
		memcpy(k->data, data, len);
		k->len = (uint8_t)len;
	}
	k->nfields = (uint8_t)l->n;
	for (unsigned i = 0; i < l->n; i++)
		k->types[i] = (uint8_t)l->types[i];
	return 0;
}

bool cnet_nft_be_inc(uint8_t *v, uint32_t len)
{
	for (uint32_t i = len; i-- > 0;)
		if (++v[i] != 0)
			return true;
	return false;
}

const char *cnet_nft_set_kind(const struct cnet_nft_set *s)
{
	return s->data[0] ? "map" : "set";
}
