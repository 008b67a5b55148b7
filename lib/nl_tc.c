// SPDX-License-Identifier: Apache-2.0
/*
 * Traffic control for the bandwidth plugin (see nl.h for the contract).
 *
 * The requests are built with libnl's message API rather than libnl's tbf/u32/mirred objects:
 * the kernel must end up with exactly the reference plugin's parameters (a tc_ratespec with
 * no link layer and no rate table, buffer and limit from its formula), which libnl's tbf
 * object would recompute its own way.
 */
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "nl_int.h"

#define TBF_LATENCY_USEC 25000.0   /* the reference's latencyInMillis = 25 */
#define USEC_PER_SEC 1000000.0

double cnet_tc_tick_in_usec(void)
{
	unsigned t2us = 0, us2t = 0, clock_res = 0;
	FILE *f = fopen("/proc/net/psched", "re");
	int n = f ? fscanf(f, "%x %x %x", &t2us, &us2t, &clock_res) : 0;

	if (f)
		fclose(f);
	if (n != 3 || !us2t)
		return 1.0;
	if (clock_res == 1000000000)   /* as iproute2: t2us is then meaningless */
		t2us = us2t;
	return (double)t2us / us2t * ((double)clock_res / USEC_PER_SEC);
}

/* The reference's createTBF arithmetic, conversions included (Go's uint32() truncates). */
void cnet_tbf_params(uint64_t rate_bits, uint64_t burst_bits, double tick_in_usec,
		     struct cnet_tbf *out)
{
	uint64_t rate = rate_bits / 8;
	uint32_t burst = (uint32_t)(burst_bits / 8);
	uint32_t usec = rate ? (uint32_t)((double)burst * USEC_PER_SEC / (double)rate) : 0;

	out->rate = rate;
	out->buffer = (uint32_t)((double)usec * tick_in_usec);
	out->limit = (uint32_t)((double)rate * TBF_LATENCY_USEC / USEC_PER_SEC) + burst;
}

static struct nl_msg *tc_msg(int type, int flags, int ifindex, uint32_t handle, uint32_t parent,
			     uint32_t info)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
			     .tcm_handle = handle, .tcm_parent = parent, .tcm_info = info };
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int cnet_nl_tbf_add(struct cnet_nl *nl, int ifindex, const struct cnet_tbf *t, struct cnet_err *err)
{
	struct tc_tbf_qopt q = { .limit = t->limit, .buffer = t->buffer };
	cleanup_msg struct nl_msg *msg = tc_msg(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
						 TC_H_MAKE(1U << 16, 0), TC_H_ROOT, 0);
	struct nlattr *opts;
	int ret = -ENOMEM;

	q.rate.rate = (uint32_t)t->rate;   /* the low 32 bits, TCA_TBF_RATE64 the whole */
	if (msg && nla_put_string(msg, TCA_KIND, "tbf") >= 0 &&
	    (opts = nla_nest_start(msg, TCA_OPTIONS)) &&
	    nla_put(msg, TCA_TBF_PARMS, sizeof(q), &q) >= 0 &&
	    (t->rate < (1ULL << 32) || nla_put_u64(msg, TCA_TBF_RATE64, t->rate) >= 0)) {
		nla_nest_end(msg, opts);
		ret = cnetnl_request(nl, msg);
	}
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "add tbf qdisc (rate %llu bytes/s) on link %d",
				   (unsigned long long)t->rate, ifindex);
	return 0;
}

/* Dump (type, ifindex, parent) and call fn(tcm, TCA_KIND string or NULL, TCA_OPTIONS or NULL,
 * arg) for each answer. */
struct tc_dump {
	int ifindex;
	void (*fn)(const struct tcmsg *tcm, const char *kind, struct nlattr *opts, void *arg);
	void *arg;
};

static int on_tc_msg(struct nl_msg *msg, void *arg)
{
	struct tc_dump *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[TCA_MAX + 1];
	const struct tcmsg *tcm = nlmsg_data(h);

	if (nlmsg_parse(h, sizeof(*tcm), tb, TCA_MAX, NULL) < 0 || tcm->tcm_ifindex != d->ifindex)
		return NL_OK;
	d->fn(tcm, tb[TCA_KIND] ? nla_get_string(tb[TCA_KIND]) : NULL, tb[TCA_OPTIONS], d->arg);
	return NL_OK;
}

static int tc_dump(struct cnet_nl *nl, int type, int ifindex, uint32_t parent, struct tc_dump *d)
{
	cleanup_msg struct nl_msg *msg = tc_msg(type, NLM_F_DUMP, ifindex, 0, parent, 0);
	struct nl_cb *own = nl_socket_get_cb(nl->sk);   /* a reference of its own */
	struct nl_cb *cb = own ? nl_cb_clone(own) : NULL;
	int ret = msg && cb ? 0 : -NLE_NOMEM;

	d->ifindex = ifindex;
	if (ret >= 0)
		ret = nl_send_auto(nl->sk, msg);
	if (ret >= 0) {
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_tc_msg, d);
		ret = nl_recvmsgs(nl->sk, cb);
	}
	if (cb)
		nl_cb_put(cb);
	if (own)
		nl_cb_put(own);
	return cnetnl_errno(nl, ret);
}

struct tbf_found {
	bool found;
	struct cnet_tbf t;
};

static void on_qdisc(const struct tcmsg *tcm, const char *kind, struct nlattr *opts, void *arg)
{
	struct tbf_found *f = arg;
	struct nlattr *tb[TCA_TBF_MAX + 1];
	struct tc_tbf_qopt q;

	if (f->found || tcm->tcm_parent != TC_H_ROOT || !kind || strcmp(kind, "tbf") || !opts ||
	    nla_parse_nested(tb, TCA_TBF_MAX, opts, NULL) < 0 || !tb[TCA_TBF_PARMS] ||
	    nla_len(tb[TCA_TBF_PARMS]) < (int)sizeof(q))
		return;
	memcpy(&q, nla_data(tb[TCA_TBF_PARMS]), sizeof(q));
	f->t.rate = tb[TCA_TBF_RATE64] ? nla_get_u64(tb[TCA_TBF_RATE64]) : q.rate.rate;
	f->t.limit = q.limit;
	f->t.buffer = q.buffer;
	f->found = true;
}

int cnet_nl_tbf_get(struct cnet_nl *nl, int ifindex, struct cnet_tbf *t, struct cnet_err *err)
{
	struct tbf_found f = { .found = false };
	struct tc_dump d = { .fn = on_qdisc, .arg = &f };
	int ret = tc_dump(nl, RTM_GETQDISC, ifindex, 0, &d);

	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list the qdiscs of link %d", ifindex);
	if (!f.found)
		return -ENOENT;
	*t = f.t;
	return 0;
}

static int qdisc_del(struct cnet_nl *nl, int ifindex, uint32_t handle, uint32_t parent,
		     const char *what, struct cnet_err *err)
{
	cleanup_msg struct nl_msg *msg = tc_msg(RTM_DELQDISC, 0, ifindex, handle, parent, 0);
	int ret = msg ? cnetnl_request(nl, msg) : -ENOMEM;

	if (ret == -ENOENT || ret == -EINVAL || ret == -ENODEV)   /* none there (EINVAL: the
								   * default root qdisc) */
		return 0;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "delete the %s qdisc of link %d", what, ifindex);
	return 0;
}

int cnet_nl_qdisc_root_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err)
{
	return qdisc_del(nl, ifindex, 0, TC_H_ROOT, "root", err);
}

int cnet_nl_qdisc_ingress_del(struct cnet_nl *nl, int ifindex, struct cnet_err *err)
{
	return qdisc_del(nl, ifindex, TC_H_MAKE(TC_H_INGRESS, 0), TC_H_INGRESS, "ingress", err);
}

/* TCA_U32_ACT { 1 { KIND "mirred", OPTIONS { PARMS {stolen, egress redirect, to} } } } */
static int put_mirred(struct nl_msg *msg, int to_ifindex)
{
	struct tc_mirred m = { .action = TC_ACT_STOLEN, .eaction = TCA_EGRESS_REDIR,
			       .ifindex = (uint32_t)to_ifindex };
	struct nlattr *acts, *act, *opts;

	if (!(acts = nla_nest_start(msg, TCA_U32_ACT)) || !(act = nla_nest_start(msg, 1)) ||
	    nla_put_string(msg, TCA_ACT_KIND, "mirred") < 0 ||
	    !(opts = nla_nest_start(msg, TCA_ACT_OPTIONS)) ||
	    nla_put(msg, TCA_MIRRED_PARMS, sizeof(m), &m) < 0)
		return -ENOMEM;
	nla_nest_end(msg, opts);
	nla_nest_end(msg, act);
	nla_nest_end(msg, acts);
	return 0;
}

static int u32_redirect(struct cnet_nl *nl, int ifindex, int to_ifindex)
{
	/* one key matching everything (value 0, mask 0), terminal */
	char sel_buf[sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key)] = { 0 };
	struct tc_u32_sel *sel = (struct tc_u32_sel *)sel_buf;
	uint32_t info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL));   /* prio 1, protocol all */
	cleanup_msg struct nl_msg *msg = tc_msg(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
						 0, TC_H_MAKE(TC_H_INGRESS, 0), info);
	struct nlattr *opts;

	sel->flags = TC_U32_TERMINAL;
	sel->nkeys = 1;
	if (!msg || nla_put_string(msg, TCA_KIND, "u32") < 0 ||
	    !(opts = nla_nest_start(msg, TCA_OPTIONS)) ||
	    nla_put(msg, TCA_U32_SEL, sizeof(sel_buf), sel_buf) < 0 ||
	    nla_put_u32(msg, TCA_U32_CLASSID, TC_H_MAKE(1U << 16, 1)) < 0 ||
	    put_mirred(msg, to_ifindex) < 0)
		return -ENOMEM;
	nla_nest_end(msg, opts);
	return cnetnl_request(nl, msg);
}

int cnet_nl_ingress_redirect_add(struct cnet_nl *nl, int ifindex, int to_ifindex,
				 struct cnet_err *err)
{
	cleanup_msg struct nl_msg *msg = tc_msg(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
						 TC_H_MAKE(TC_H_INGRESS, 0), TC_H_INGRESS, 0);
	int ret = msg && nla_put_string(msg, TCA_KIND, "ingress") >= 0 ? cnetnl_request(nl, msg) :
									 -ENOMEM;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "add the ingress qdisc on link %d", ifindex);
	ret = u32_redirect(nl, ifindex, to_ifindex);
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "redirect link %d's ingress to link %d", ifindex,
				   to_ifindex);
	return 0;
}

static void on_filter(const struct tcmsg *tcm, const char *kind, struct nlattr *opts, void *arg)
{
	int *to = arg;
	struct nlattr *tb[TCA_U32_MAX + 1], *act;
	int rem;

	(void)tcm;
	if (*to || !kind || strcmp(kind, "u32") || !opts ||
	    nla_parse_nested(tb, TCA_U32_MAX, opts, NULL) < 0 || !tb[TCA_U32_ACT])
		return;
	nla_for_each_nested(act, tb[TCA_U32_ACT], rem) {
		struct nlattr *a[TCA_ACT_MAX + 1], *m[TCA_MIRRED_MAX + 1];
		if (nla_parse_nested(a, TCA_ACT_MAX, act, NULL) < 0 || !a[TCA_ACT_KIND] ||
		    strcmp(nla_get_string(a[TCA_ACT_KIND]), "mirred") || !a[TCA_ACT_OPTIONS] ||
		    nla_parse_nested(m, TCA_MIRRED_MAX, a[TCA_ACT_OPTIONS], NULL) < 0 ||
		    !m[TCA_MIRRED_PARMS] || nla_len(m[TCA_MIRRED_PARMS]) < (int)sizeof(struct tc_mirred))
			continue;
		const struct tc_mirred *mp = nla_data(m[TCA_MIRRED_PARMS]);
		if (mp->eaction == TCA_EGRESS_REDIR) {
			*to = (int)mp->ifindex;
			return;
		}
	}
}

int cnet_nl_ingress_redirect_get(struct cnet_nl *nl, int ifindex, int *to_ifindex,
				 struct cnet_err *err)
{
	struct tc_dump d = { .fn = on_filter, .arg = to_ifindex };
	int ret;

	*to_ifindex = 0;
	ret = tc_dump(nl, RTM_GETTFILTER, ifindex, TC_H_MAKE(TC_H_INGRESS, 0), &d);
	if (ret == -EINVAL || ret == -ENOENT)   /* no ingress qdisc */
		return 0;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "list the ingress filters of link %d", ifindex);
	return 0;
}

int cnet_nl_ifb_create(struct cnet_nl *nl, const char *name, unsigned mtu, struct cnet_err *err)
{
	int ret = cnetnl_check_ifname(name, err);
	if (ret < 0)
		return ret;
	cleanup_link struct rtnl_link *l = rtnl_link_alloc();
	if (!l)
		return cnetnl_fail(nl, -ENOMEM, err, "create ifb \"%s\"", name);
	rtnl_link_set_name(l, name);
	if (mtu)
		rtnl_link_set_mtu(l, mtu);
	rtnl_link_set_flags(l, IFF_UP);
	ret = rtnl_link_set_type(l, "ifb");
	ret = ret < 0 ? cnetnl_errno(nl, ret) :
			cnetnl_errno(nl, rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL));
	if (ret == -EEXIST)
		return ret;
	if (ret < 0)
		return cnetnl_fail(nl, ret, err, "create ifb \"%s\"", name);
	return 0;
}
