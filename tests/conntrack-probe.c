// SPDX-License-Identifier: Apache-2.0
/*
 * conntrack-probe: drives lib/conntrack.c against the real kernel for
 * tests/integration/31-conntrack.bats. Run it only inside scripts/sandbox (or `ip netns exec`
 * there): it acts on the conntrack table of the namespace it runs in.
 *
 *	conntrack-probe flush [--user-filter|--bad-filter] [--stats] 4|6 PROTO PORT
 *		cnet_conntrack_flush_dport(): print the number of entries deleted. --user-filter
 *		dumps the whole table and filters here (as on a kernel without CTA_FILTER);
 *		--bad-filter sends a filter this kernel rejects, so the library falls back to that;
 *		--stats prints "deleted N matched N dumped N dumps N filter kernel|user" instead.
 *	conntrack-probe create 4|6 PROTO SRC SPORT DST DPORT [COUNT [ZONE]]
 *		make COUNT (default 1) entries SRC:SPORT+i -> DST:DPORT, i = 0..COUNT-1, directly
 *		through ctnetlink (IPCTNL_MSG_CT_NEW, 600 s timeout), in conntrack zone ZONE
 *		(default 0): for protocols no socket here can speak (SCTP) and for volume.
 *
 * PROTO is tcp, udp, sctp, udplite or dccp. On failure it prints "conntrack-probe: <error>"
 * on stderr and exits with the errno (1 for a usage error).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack_int.h"
#include "ipaddr.h"

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: conntrack-probe flush [--user-filter|--bad-filter] [--stats] "
			"4|6 PROTO PORT\n"
			"       conntrack-probe create 4|6 PROTO SRC SPORT DST DPORT "
			"[COUNT [ZONE]]\n");
	exit(1);
}

__attribute__((format(printf, 2, 3), noreturn)) static void die(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "conntrack-probe: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(errnum > 0 ? errnum : 1);
}

static int parse_family(const char *s)
{
	if (!strcmp(s, "4"))
		return AF_INET;
	if (!strcmp(s, "6"))
		return AF_INET6;
	die(EINVAL, "family \"%s\": expected 4 or 6", s);
}

static uint8_t parse_proto(const char *s)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE,
					  IPPROTO_DCCP };

	for (size_t i = 0; i < sizeof(protos); i++)
		if (!strcmp(s, cnet_conntrack_proto_name(protos[i])))
			return protos[i];
	die(EINVAL, "protocol \"%s\": expected tcp, udp, sctp, udplite or dccp", s);
}

static unsigned long parse_num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		die(EINVAL, "\"%s\": expected a number", s);
	return v;
}

static int cmd_flush(int argc, char **argv)
{
	struct cnet_conntrack_stats st;
	struct cnet_err err = { 0 };
	unsigned flags = 0;
	int stats = 0, i = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--user-filter"))
			flags |= CNET_CONNTRACK_NO_KERNEL_FILTER;
		else if (!strcmp(argv[i], "--bad-filter"))
			flags |= CNET_CONNTRACK_TEST_BAD_FILTER;
		else if (!strcmp(argv[i], "--stats"))
			stats = 1;
		else
			usage();
	}
	if (argc - i != 3)
		usage();
	int family = parse_family(argv[i]);
	uint8_t proto = parse_proto(argv[i + 1]);
	uint16_t port = (uint16_t)parse_num(argv[i + 2], 65535);
	int ret = flags || stats
			  ? cnet_conntrack_flush_dport_ex(family, proto, port, flags, &st, &err)
			  : cnet_conntrack_flush_dport(family, proto, port, &err);
	if (ret < 0)
		die(-ret, "%s", err.msg);
	if (stats)
		printf("deleted %zu matched %zu dumped %zu dumps %u filter %s\n", st.deleted,
		       st.matched, st.dumped, st.dumps, st.kernel_filter ? "kernel" : "user");
	else
		printf("%d\n", ret);
	return 0;
}

/* ---- create: IPCTNL_MSG_CT_NEW, built here (the library only dumps and deletes) ------------ */

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint8_t proto, const struct ipaddr *src,
		      uint16_t sport, const struct ipaddr *dst, uint16_t dport)
{
	bool v4 = src->family == AF_INET;
	struct nlattr *tuple = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	mnl_attr_put(nlh, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, (size_t)ipaddr_len(src->family),
		     src->a);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, (size_t)ipaddr_len(dst->family),
		     dst->a);
	mnl_attr_nest_end(nlh, ip);
	struct nlattr *l4 = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, l4);
	mnl_attr_nest_end(nlh, tuple);
}

static int create_one(struct mnl_socket *nl, uint32_t seq, uint8_t proto, const struct ipaddr *src,
		      uint16_t sport, const struct ipaddr *dst, uint16_t dport, long zone)
{
	char buf[8192] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)src->family;
	nfg->version = NFNETLINK_V0;
	put_tuple(nlh, CTA_TUPLE_ORIG, proto, src, sport, dst, dport);
	put_tuple(nlh, CTA_TUPLE_REPLY, proto, dst, dport, src, sport);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(600));
	if (zone >= 0)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)zone));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
		return -errno;
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	struct ipaddr src, dst;

	if (argc < 6 || argc > 8)
		usage();
	int family = parse_family(argv[0]);
	uint8_t proto = parse_proto(argv[1]);
	if (ipaddr_parse(argv[2], &src) < 0 || src.family != family)
		die(EINVAL, "source address \"%s\" not of that family", argv[2]);
	uint16_t sport = (uint16_t)parse_num(argv[3], 65535);
	if (ipaddr_parse(argv[4], &dst) < 0 || dst.family != family)
		die(EINVAL, "destination address \"%s\" not of that family", argv[4]);
	uint16_t dport = (uint16_t)parse_num(argv[5], 65535);
	unsigned long count = argc > 6 ? parse_num(argv[6], 65535) : 1;
	long zone = argc > 7 ? (long)parse_num(argv[7], 65535) : -1;
	if (sport + count - 1 > 65535)
		die(EINVAL, "%s: source ports run past 65535", argv[6]);

	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die(errno, "open netfilter socket: %s", strerror(errno));
	uint32_t seq = (uint32_t)time(NULL);
	for (unsigned long i = 0; i < count; i++) {
		uint16_t from = (uint16_t)(sport + i);
		int ret = create_one(nl, seq++, proto, &src, from, &dst, dport, zone);
		if (ret < 0) {
			mnl_socket_close(nl);
			die(-ret, "create conntrack entry: %s", strerror(-ret));
		}
	}
	mnl_socket_close(nl);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "flush"))
		return cmd_flush(argc - 2, argv + 2);
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 2, argv + 2);
	usage();
}
