// SPDX-License-Identifier: Apache-2.0
/*
 * nft-probe: drives lib/nft.c against the real kernel for tests/integration/30-nft-lib.bats.
 * Run it only inside scripts/sandbox. It never execs nft; the tests use nft to look.
 *
 *	nft-probe [--no-destroy|--old-kernel] CMD TABLE [ARGS...]     (table family: inet)
 *
 *	ruleset TABLE             one batch: the sets, maps, elements, chains and rules of
 *	                          tests/integration/nft-ruleset.nft (which nft loads for comparison)
 *	add TABLE [--excl] M...   one batch: add each mapping to map hostports4, print
 *	                          "rounds N" (transactions the commit took),
 *	                          M = PROTO:PORT=ADDR:PORT[#COMMENT]  (tcp:8080=10.0.0.2:80#c1)
 *	del TABLE [--strict] K... one batch: delete each key K = PROTO:PORT from hostports4,
 *	                          absent ones ignored unless --strict; prints "rounds N"
 *	get TABLE K               print the mapping of one key
 *	list TABLE [SET]          print the elements of hostports4 (or SET) one per line:
 *	                          KEY[-KEY_END] [: VALUE | : VERDICT [CHAIN]] [# COMMENT]
 *	exists TABLE              exit 0 when the table exists, 1 when not
 *	drop TABLE                delete the table (absent is fine)
 *
 * On failure it prints "nft-probe: <error>" and "nft-probe: failed message N" (when one
 * message failed) on stderr and exits with the errno (17 = EEXIST, 2 = ENOENT).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>

#include "ipaddr.h"
#include "nft.h"

#define FAMILY NFPROTO_INET
#define MAX_ARGS 64

static const char *table;

/* ---- the sets of nft-ruleset.nft, in its order ------------------------------------------- */

enum { HOSTPORTS4, HOSTPORTS6, HIP4, MASQ, NETS, NETS6, CNETS, PORTS, MARKS, MACS, IFS, ISO, NSETS };

static struct cnet_nft_set sets[NSETS] = {
	[HOSTPORTS4] = { .name = "hostports4",
			 .key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
			 .data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE } },
	[HOSTPORTS6] = { .name = "hostports6",
			 .key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
			 .data = { CNET_NFT_IPV6_ADDR, CNET_NFT_INET_SERVICE } },
	[HIP4] = { .name = "hip4",
		   .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
		   .data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE } },
	[MASQ] = { .name = "masq", .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_IPV4_ADDR } },
	[NETS] = { .name = "nets", .key = { CNET_NFT_IPV4_ADDR }, .flags = CNET_NFT_SET_INTERVAL },
	[NETS6] = { .name = "nets6", .key = { CNET_NFT_IPV6_ADDR },
		    .flags = CNET_NFT_SET_INTERVAL },
	[CNETS] = { .name = "cnets", .key = { CNET_NFT_IPV4_ADDR, CNET_NFT_IPV4_ADDR },
		    .flags = CNET_NFT_SET_INTERVAL },
	[PORTS] = { .name = "ports", .key = { CNET_NFT_INET_SERVICE },
		    .flags = CNET_NFT_SET_INTERVAL },
	[MARKS] = { .name = "marks", .key = { CNET_NFT_MARK } },
	[MACS] = { .name = "macs", .key = { CNET_NFT_ETHER_ADDR } },
	[IFS] = { .name = "ifs", .key = { CNET_NFT_IFNAME } },
	[ISO] = { .name = "iso", .key = { CNET_NFT_IFNAME, CNET_NFT_IFNAME },
		  .data = { CNET_NFT_VERDICT } },
};

static void die_err(int ret, const struct cnet_err *err, const struct cnet_nft_batch *b)
{
	fprintf(stderr, "nft-probe: %s\n", err->msg);
	if (b && cnet_nft_batch_failed(b) >= 0)
		fprintf(stderr, "nft-probe: failed message %d\n", cnet_nft_batch_failed(b));
	exit(ret < 0 ? -ret : 1);
}

static void usage(void)
{
	fprintf(stderr, "usage: nft-probe [--no-destroy|--old-kernel] ruleset|add|del|get|list|exists|drop "
			"TABLE [ARGS...]\n");
	exit(64);
}

static struct ipaddr addr(const char *s)
{
	struct ipaddr ip;

	if (ipaddr_parse(s, &ip) < 0) {
		fprintf(stderr, "nft-probe: bad address \"%s\"\n", s);
		exit(64);
	}
	return ip;
}

static uint8_t proto(const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	fprintf(stderr, "nft-probe: bad protocol \"%s\"\n", s);
	exit(64);
}

/* "tcp:8080" into a hostports4 key. */
static void parse_key(const char *s, struct cnet_nft_key *k)
{
	char p[8];
	unsigned port;

	if (sscanf(s, "%7[a-z]:%u", p, &port) != 2 || port > 65535) {
		fprintf(stderr, "nft-probe: bad key \"%s\"\n", s);
		exit(64);
	}
	cnet_nft_key_proto(k, proto(p));
	cnet_nft_key_port(k, (uint16_t)port);
}

/* "tcp:8080=10.0.0.2:80#comment" into a hostports4 element; comment points into s. */
static void parse_mapping(char *s, struct cnet_nft_elem *e)
{
	char *hash = strchr(s, '#');
	char *eq = strchr(s, '=');
	char *colon = eq ? strrchr(eq, ':') : NULL;

	if (hash) {
		*hash = '\0';
		e->comment = hash + 1;
	}
	if (!eq || !colon) {
		fprintf(stderr, "nft-probe: bad mapping \"%s\"\n", s);
		exit(64);
	}
	*eq = '\0';
	*colon = '\0';
	parse_key(s, &e->key);
	struct ipaddr ip = addr(eq + 1);
	cnet_nft_key_addr(&e->data, &ip);
	cnet_nft_key_port(&e->data, (uint16_t)atoi(colon + 1));
}

/* ---- ruleset ---------------------------------------------------------------------------- */

static struct cnet_nft_elem one(const char *comment)
{
	struct cnet_nft_elem e = { .comment = comment };

	return e;
}

static void add(struct cnet_nft_batch *b, int set, const struct cnet_nft_elem *e, size_t n,
		struct cnet_err *err)
{
	int ret = cnet_nft_elem_add(b, &sets[set], e, n, CNET_NFT_EXCL, err);

	if (ret < 0)
		die_err(ret, err, NULL);
}

/* the maps and the concatenated set */
static void add_elems(struct cnet_nft_batch *b, struct cnet_err *err)
{
	struct cnet_nft_elem e[1];
	struct ipaddr ip;

	e[0] = one("ctr1 eth0");
	cnet_nft_key_proto(&e[0].key, IPPROTO_TCP);
	cnet_nft_key_port(&e[0].key, 8080);
	ip = addr("10.88.0.5");
	cnet_nft_key_addr(&e[0].data, &ip);
	cnet_nft_key_port(&e[0].data, 80);
	add(b, HOSTPORTS4, e, 1, err);

	e[0] = one("ctr1 eth0");
	cnet_nft_key_proto(&e[0].key, IPPROTO_UDP);
	cnet_nft_key_port(&e[0].key, 5353);
	ip = addr("fd00:88::5");
	cnet_nft_key_addr(&e[0].data, &ip);
	cnet_nft_key_port(&e[0].data, 53);
	add(b, HOSTPORTS6, e, 1, err);

	e[0] = one("ctr2 eth0");
	ip = addr("10.0.0.1");
	cnet_nft_key_addr(&e[0].key, &ip);
	cnet_nft_key_proto(&e[0].key, IPPROTO_TCP);
	cnet_nft_key_port(&e[0].key, 8443);
	ip = addr("10.88.0.6");
	cnet_nft_key_addr(&e[0].data, &ip);
	cnet_nft_key_port(&e[0].data, 443);
	add(b, HIP4, e, 1, err);

	e[0] = one("ctr1");
	ip = addr("10.88.0.5");
	cnet_nft_key_addr(&e[0].key, &ip);
	cnet_nft_key_addr(&e[0].key, &ip);
	add(b, MASQ, e, 1, err);

}

/* the interval sets and the single-type ones */
static void add_elems2(struct cnet_nft_batch *b, struct cnet_err *err)
{
	struct cnet_nft_elem e[2];
	struct ipnet net;
	const uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };

	e[0] = one("net1");
	e[1] = one("top");
	ipnet_parse("10.88.0.0/16", &net);
	cnet_nft_key_prefix(&e[0].key, &e[0].key_end, &net);
	ipnet_parse("255.255.255.0/24", &net);
	cnet_nft_key_prefix(&e[1].key, &e[1].key_end, &net);
	add(b, NETS, e, 2, err);

	e[0] = one("net1");
	ipnet_parse("fd00:88::/64", &net);
	cnet_nft_key_prefix(&e[0].key, &e[0].key_end, &net);
	add(b, NETS6, e, 1, err);

	e[0] = one("pair");
	ipnet_parse("10.88.0.0/16", &net);
	cnet_nft_key_prefix(&e[0].key, &e[0].key_end, &net);
	ipnet_parse("10.89.0.0/16", &net);
	cnet_nft_key_prefix(&e[0].key, &e[0].key_end, &net);
	add(b, CNETS, e, 1, err);

	e[0] = one("range");
	cnet_nft_key_port(&e[0].key, 8000);
	cnet_nft_key_port(&e[0].key_end, 8100);
	add(b, PORTS, e, 1, err);

	e[0] = one("m");
	cnet_nft_key_mark(&e[0].key, 0x2a);
	add(b, MARKS, e, 1, err);

	e[0] = one("mac");
	cnet_nft_key_ether(&e[0].key, mac);
	add(b, MACS, e, 1, err);

	e[0] = one("bridge");
	cnet_nft_key_ifname(&e[0].key, "cni0");
	add(b, IFS, e, 1, err);

	e[0] = one("x");
	cnet_nft_key_ifname(&e[0].key, "br0");
	cnet_nft_key_ifname(&e[0].key, "eth0");
	e[0].verdict = NF_DROP;
	e[1] = one(NULL);
	cnet_nft_key_ifname(&e[1].key, "br1");
	cnet_nft_key_ifname(&e[1].key, "eth1");
	e[1].verdict = NFT_JUMP;
	e[1].chain = "isolate";
	add(b, ISO, e, 2, err);
}

static struct cnet_nft_rule *rule(const char *chain)
{
	struct cnet_nft_rule *r = cnet_nft_rule_new(FAMILY, table, chain);

	if (!r) {
		fprintf(stderr, "nft-probe: out of memory\n");
		exit(12);
	}
	return r;
}

static void add_rule(struct cnet_nft_batch *b, struct cnet_nft_rule *r, struct cnet_err *err)
{
	int ret = cnet_nft_rule_add(b, r, err);

	cnet_nft_rule_free(r);
	if (ret < 0)
		die_err(ret, err, NULL);
}

/* `meta nfproto ipv4`: the dependency nft adds before an ip header match in an inet table */
static void nfproto_ipv4(struct cnet_nft_rule *r)
{
	uint8_t v4 = NFPROTO_IPV4;

	cnet_nft_rule_meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, &v4, 1);
}

static void add_nat_rules(struct cnet_nft_batch *b, struct cnet_err *err)
{
	struct cnet_nft_rule *r;
	uint32_t zero = 0;

	/* isolate: counter drop */
	r = rule("isolate");
	cnet_nft_rule_counter(r);
	cnet_nft_rule_verdict(r, NF_DROP, NULL);
	add_rule(b, r, err);

	/* prerouting: dnat ip to ip daddr . meta l4proto . th dport map @hip4 */
	r = rule("prerouting");
	nfproto_ipv4(r);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	cnet_nft_rule_meta(r, NFT_META_L4PROTO, NFT_REG32_01);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_02);
	cnet_nft_rule_map(r, NFT_REG_1, "hip4", NFT_REG_1);
	cnet_nft_rule_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, NFT_REG_1, NFT_REG32_01, 0);
	add_rule(b, r, err);

	/* prerouting: fib daddr type local dnat ip to meta l4proto . th dport map @hostports4 */
	uint32_t local = RTN_LOCAL;
	r = rule("prerouting");
	cnet_nft_rule_fib(r, NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
	cnet_nft_rule_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	cnet_nft_rule_map(r, NFT_REG_1, "hostports4", NFT_REG_1);
	cnet_nft_rule_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, NFT_REG_1, NFT_REG32_01, 0);
	cnet_nft_rule_comment(r, "dnat");
	add_rule(b, r, err);

	/* postrouting: ct status dnat ip saddr . ip daddr @masq masquerade comment "hairpin" */
	uint32_t dnat = IPS_DST_NAT;
	r = rule("postrouting");
	cnet_nft_rule_ct(r, NFT_CT_STATUS, NFT_REG_1);
	cnet_nft_rule_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &dnat, &zero);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
	nfproto_ipv4(r);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG32_01);
	cnet_nft_rule_lookup(r, NFT_REG_1, "masq", false);
	cnet_nft_rule_masq(r, 0);
	cnet_nft_rule_comment(r, "hairpin");
	add_rule(b, r, err);

	/* postrouting: ip saddr 10.88.0.0/16 ip daddr != 10.88.0.0/16 masquerade */
	const uint8_t net16[2] = { 10, 88 };
	r = rule("postrouting");
	nfproto_ipv4(r);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 2, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_EQ, net16, 2);
	cnet_nft_rule_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 2, NFT_REG_1);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_NEQ, net16, 2);
	cnet_nft_rule_masq(r, 0);
	add_rule(b, r, err);

}

static void add_filter_rules(struct cnet_nft_batch *b, struct cnet_err *err)
{
	struct cnet_nft_rule *r;
	uint32_t zero = 0;

	/* forward: iifname . oifname vmap @iso */
	r = rule("forward");
	cnet_nft_rule_meta(r, NFT_META_IIFNAME, NFT_REG_1);
	cnet_nft_rule_meta(r, NFT_META_OIFNAME, NFT_REG_2);
	cnet_nft_rule_map(r, NFT_REG_1, "iso", NFT_REG_VERDICT);
	add_rule(b, r, err);

	/* forward: ct state established,related accept */
	uint32_t estrel = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	r = rule("forward");
	cnet_nft_rule_ct(r, NFT_CT_STATE, NFT_REG_1);
	cnet_nft_rule_bitwise(r, NFT_REG_1, NFT_REG_1, 4, &estrel, &zero);
	cnet_nft_rule_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
	cnet_nft_rule_verdict(r, NF_ACCEPT, NULL);
	add_rule(b, r, err);

	/* forward: oifname @ifs meta mark set 0x0000002a */
	uint32_t mark = 0x2a;
	r = rule("forward");
	cnet_nft_rule_meta(r, NFT_META_OIFNAME, NFT_REG_1);
	cnet_nft_rule_lookup(r, NFT_REG_1, "ifs", false);
	cnet_nft_rule_immediate(r, NFT_REG_1, &mark, sizeof(mark));
	cnet_nft_rule_meta_set(r, NFT_META_MARK, NFT_REG_1);
	add_rule(b, r, err);
}

static int cmd_ruleset(struct cnet_nft *nft, struct cnet_err *err)
{
	struct cnet_nft_batch *b = cnet_nft_batch_new();
	const struct cnet_nft_chain chains[] = {
		{ FAMILY, table, "isolate", NULL, 0, 0, false },
		{ FAMILY, table, "prerouting", "nat", NF_INET_PRE_ROUTING, -100, false },
		{ FAMILY, table, "postrouting", "nat", NF_INET_POST_ROUTING, 100, false },
		{ FAMILY, table, "forward", "filter", NF_INET_FORWARD, 0, false },
	};
	int ret = b ? cnet_nft_table_add(b, FAMILY, table, 0, err) : -ENOMEM;

	for (size_t i = 0; ret >= 0 && i < NSETS; i++)
		ret = cnet_nft_set_add(b, &sets[i], 0, err);
	for (size_t i = 0; ret >= 0 && i < sizeof(chains) / sizeof(chains[0]); i++)
		ret = cnet_nft_chain_add(b, &chains[i], 0, err);
	if (ret < 0)
		die_err(ret, err, NULL);
	add_elems(b, err);
	add_elems2(b, err);
	add_nat_rules(b, err);
	add_filter_rules(b, err);
	ret = cnet_nft_commit(nft, b, err);
	if (ret < 0)
		die_err(ret, err, b);
	printf("%zu messages\n", cnet_nft_batch_count(b));
	cnet_nft_batch_free(b);
	return 0;
}

/* ---- element commands -------------------------------------------------------------------- */

static int cmd_add(struct cnet_nft *nft, int argc, char **argv, struct cnet_err *err)
{
	struct cnet_nft_elem elems[MAX_ARGS];
	unsigned flags = 0;
	size_t n = 0;

	memset(elems, 0, sizeof(elems));
	for (int i = 0; i < argc && n < MAX_ARGS; i++) {
		if (!strcmp(argv[i], "--excl"))
			flags |= CNET_NFT_EXCL;
		else
			parse_mapping(argv[i], &elems[n++]);
	}
	struct cnet_nft_batch *b = cnet_nft_batch_new();
	int ret = b ? cnet_nft_elem_add(b, &sets[HOSTPORTS4], elems, n, flags, err) : -ENOMEM;
	if (ret >= 0)
		ret = cnet_nft_commit(nft, b, err);
	if (ret < 0)
		die_err(ret, err, b);
	printf("rounds %u\n", cnet_nft_batch_rounds(b));
	cnet_nft_batch_free(b);
	return 0;
}

static int cmd_del(struct cnet_nft *nft, int argc, char **argv, struct cnet_err *err)
{
	struct cnet_nft_elem elems[MAX_ARGS];
	unsigned flags = CNET_NFT_IGNORE_ABSENT;
	size_t n = 0;

	memset(elems, 0, sizeof(elems));
	for (int i = 0; i < argc && n < MAX_ARGS; i++) {
		if (!strcmp(argv[i], "--strict"))
			flags = 0;
		else
			parse_key(argv[i], &elems[n++].key);
	}
	struct cnet_nft_batch *b = cnet_nft_batch_new();
	int ret = b ? cnet_nft_elem_del(b, &sets[HOSTPORTS4], elems, n, flags, err) : -ENOMEM;
	if (ret >= 0)
		ret = cnet_nft_commit(nft, b, err);
	if (ret < 0)
		die_err(ret, err, b);
	printf("rounds %u\n", cnet_nft_batch_rounds(b));
	cnet_nft_batch_free(b);
	return 0;
}

static void print_elem(const struct cnet_nft_elem_info *e, const struct cnet_nft_set *s)
{
	char buf[256];

	printf("%s", cnet_nft_key_format(&e->elem.key, buf, sizeof(buf)));
	if (e->elem.key_end.nfields)
		printf("-%s", cnet_nft_key_format(&e->elem.key_end, buf, sizeof(buf)));
	if (s->data[0] == CNET_NFT_VERDICT)
		printf(" : %s%s%s",
		       e->elem.verdict == NF_DROP	? "drop"
		       : e->elem.verdict == NF_ACCEPT ? "accept"
		       : e->elem.verdict == NFT_JUMP  ? "jump"
						      : "verdict",
		       e->elem.chain ? " " : "", e->elem.chain ? e->elem.chain : "");
	else if (s->data[0])
		printf(" : %s", cnet_nft_key_format(&e->elem.data, buf, sizeof(buf)));
	if (e->elem.comment)
		printf(" # %s", e->elem.comment);
	printf("\n");
}

static int list_cb(const struct cnet_nft_elem_info *e, void *arg)
{
	print_elem(e, arg);
	return 0;
}

static int cmd_list(struct cnet_nft *nft, int argc, char **argv, struct cnet_err *err)
{
	const struct cnet_nft_set *s = &sets[HOSTPORTS4];

	if (argc > 0) {
		s = NULL;
		for (size_t i = 0; i < NSETS; i++)
			if (!strcmp(sets[i].name, argv[0]))
				s = &sets[i];
		if (!s)
			usage();
	}
	int ret = cnet_nft_elem_list(nft, s, list_cb, (void *)s, err);
	if (ret == -ENOENT) {
		fprintf(stderr, "nft-probe: no %s \"%s\"\n", cnet_nft_family_name(FAMILY), s->name);
		return ENOENT;
	}
	if (ret < 0)
		die_err(ret, err, NULL);
	return 0;
}

static int cmd_get(struct cnet_nft *nft, int argc, char **argv, struct cnet_err *err)
{
	struct cnet_nft_key k = { 0 };
	struct cnet_nft_elem_info info;

	if (argc != 1)
		usage();
	parse_key(argv[0], &k);
	int ret = cnet_nft_elem_get(nft, &sets[HOSTPORTS4], &k, &info, err);
	if (ret == -ENOENT) {
		fprintf(stderr, "nft-probe: no element %s\n", argv[0]);
		return ENOENT;
	}
	if (ret < 0)
		die_err(ret, err, NULL);
	print_elem(&info, &sets[HOSTPORTS4]);
	return 0;
}

int main(int argc, char **argv)
{
	struct cnet_err err = { 0 };
	struct cnet_nft *nft = NULL;
	unsigned oflags = 0;
	int i = 1, ret = 0;

	if (i < argc && !strcmp(argv[i], "--no-destroy")) {
		oflags |= CNET_NFT_OPEN_NO_DESTROY;
		i++;
	} else if (i < argc && !strcmp(argv[i], "--old-kernel")) {
		oflags |= CNET_NFT_OPEN_TEST_OLD_KERNEL;
		i++;
	}
	if (argc - i < 2)
		usage();
	const char *cmd = argv[i];
	table = argv[i + 1];
	argc -= i + 2;
	argv += i + 2;
	for (size_t s = 0; s < NSETS; s++) {
		sets[s].family = FAMILY;
		sets[s].table = table;
	}
	if (cnet_nft_open(&nft, -1, oflags, &err) < 0)
		die_err(-EIO, &err, NULL);

	if (!strcmp(cmd, "ruleset")) {
		ret = cmd_ruleset(nft, &err);
	} else if (!strcmp(cmd, "add")) {
		ret = cmd_add(nft, argc, argv, &err);
	} else if (!strcmp(cmd, "del")) {
		ret = cmd_del(nft, argc, argv, &err);
	} else if (!strcmp(cmd, "get")) {
		ret = cmd_get(nft, argc, argv, &err);
	} else if (!strcmp(cmd, "list")) {
		ret = cmd_list(nft, argc, argv, &err);
	} else if (!strcmp(cmd, "exists")) {
		ret = cnet_nft_table_exists(nft, FAMILY, table, &err);
		if (ret < 0)
			die_err(ret, &err, NULL);
		ret = ret ? 0 : 1;
	} else if (!strcmp(cmd, "drop")) {
		struct cnet_nft_batch *b = cnet_nft_batch_new();
		ret = b ? cnet_nft_table_del(b, FAMILY, table, CNET_NFT_IGNORE_ABSENT, &err) : -ENOMEM;
		if (ret >= 0)
			ret = cnet_nft_commit(nft, b, &err);
		if (ret < 0)
			die_err(ret, &err, b);
		cnet_nft_batch_free(b);
	} else {
		usage();
	}
	cnet_nft_close(nft);
	return ret;
}
