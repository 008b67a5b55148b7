// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "log.h"
#include "sysctl.h"
#include "tn_apply.h"

#define SYSCTL_VALUE_MAX 4096

/* sysctl_write/read with the config's key path in front and a code that says whose fault it
 * is: a sysctl this kernel lacks (2), a value it refuses (7), anything else (5). */
static int sysctl_fail(const struct tn_sysctl *s, int r, const char *what, struct cnet_err *err)
{
	int code = r == -ENOENT ? CNI_ERR_UNSUPPORTED_FIELD :
		   r == -EINVAL || r == -ERANGE ? CNI_ERR_INVALID_CONFIG : CNI_ERR_IO;
	if (r == -ENOENT)
		return cnet_err_set(err, code, 0, "%s: no such sysctl (/proc/sys/%s) in the "
				    "container's namespace", s->where, s->path);
	return cnet_err_set(err, code, -r, "%s: %s /proc/sys/%s", s->where, what, s->path);
}

int tn_sysctls_apply(const struct tn_conf *c, struct tn_sysctl_undo *u, struct cnet_err *err)
{
	memset(u, 0, sizeof(*u));
	u->c = c;
	for (size_t i = 0; i < c->n_sysctls; i++) {
		const struct tn_sysctl *s = &c->sysctls[i];
		char *old = malloc(SYSCTL_VALUE_MAX);
		if (old && sysctl_read(s->path, old, SYSCTL_VALUE_MAX, NULL) < 0) {
			free(old);    /* write-only (route.flush ...): nothing to put back */
			old = NULL;
		}
		int r = sysctl_write(s->path, s->value, NULL);
		if (r < 0) {
			free(old);
			return sysctl_fail(s, r, "write", err);
		}
		u->old[u->n++] = old;
	}
	return 0;
}

void tn_sysctls_undo(struct tn_sysctl_undo *u)
{
	struct cnet_err e = { 0 };
	while (u->n > 0) {
		size_t i = --u->n;
		const struct tn_sysctl *s = &u->c->sysctls[i];
		if (u->old[i] && sysctl_write(s->path, u->old[i], &e) < 0)
			cnet_log_error("undo: %s", e.msg);
		free(u->old[i]);
		u->old[i] = NULL;
	}
}

void tn_sysctls_forget(struct tn_sysctl_undo *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->old[i]);
	u->n = 0;
}

void tn_state_from_link(const struct tn_conf *c, const struct cnet_link *l, struct tn_state *s)
{
	memset(s, 0, sizeof(*s));
	s->has_mac = c->has_mac;
	memcpy(s->mac, l->mac, sizeof(s->mac));
	s->has_promisc = c->promisc;
	s->promisc = l->promisc;
	s->mtu = c->mtu ? l->mtu : 0;
	s->has_allmulti = c->allmulti >= 0;
	s->allmulti = l->allmulti;
	s->has_txqlen = c->txqlen >= 0;
	s->txqlen = l->txqlen;
}

static bool differs(const struct cnet_link *a, const struct cnet_link *b, enum tn_attr attr)
{
	switch (attr) {
	case TN_MAC:
		return memcmp(a->mac, b->mac, sizeof(a->mac)) != 0;
	case TN_MTU:
		return a->mtu != b->mtu;
	case TN_PROMISC:
		return a->promisc != b->promisc;
	case TN_ALLMULTI:
		return a->allmulti != b->allmulti;
	case TN_TXQLEN:
		return a->txqlen != b->txqlen;
	}
	return true;
}

/* Set attribute attr of link l to its value in want (one RTM_NEWLINK). */
static int link_set(struct cnet_nl *nl, const struct cnet_link *l, enum tn_attr attr,
		    const struct cnet_link *want, struct cnet_err *err)
{
	int r = -EINVAL;
	switch (attr) {
	case TN_MAC:
		r = cnet_nl_link_set_mac(nl, l->ifindex, want->mac, err);
		break;
	case TN_MTU:
		r = cnet_nl_link_set_mtu(nl, l->ifindex, want->mtu, err);
		break;
	case TN_PROMISC:
		r = cnet_nl_link_set_promisc(nl, l->ifindex, want->promisc, err);
		break;
	case TN_ALLMULTI:
		r = cnet_nl_link_set_allmulti(nl, l->ifindex, want->allmulti, err);
		break;
	case TN_TXQLEN:
		r = cnet_nl_link_set_txqlen(nl, l->ifindex, want->txqlen, err);
		break;
	}
	if (r < 0)
		cnet_err_prefix(err, "interface \"%s\"", l->name);
	return r;
}

int tn_link_apply(struct cnet_nl *nl, const struct tn_conf *c, const struct cnet_link *l,
		  struct tn_link_undo *u, struct cnet_err *err)
{
	struct cnet_link want = *l;
	bool set[5] = { false };
	static const enum tn_attr order[] = { TN_MAC, TN_PROMISC, TN_MTU, TN_ALLMULTI, TN_TXQLEN };

	u->before = *l;
	u->n = 0;
	if ((set[TN_MAC] = c->has_mac))
		memcpy(want.mac, c->mac, sizeof(want.mac));
	if ((set[TN_PROMISC] = c->promisc))
		want.promisc = true;
	if ((set[TN_MTU] = c->mtu != 0))
		want.mtu = c->mtu;
	if ((set[TN_ALLMULTI] = c->allmulti >= 0))
		want.allmulti = c->allmulti;
	if ((set[TN_TXQLEN] = c->txqlen >= 0))
		want.txqlen = (unsigned)c->txqlen;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum tn_attr at = order[i];
		if (!set[at] || !differs(l, &want, at))
			continue;
		int r = link_set(nl, l, at, &want, err);
		if (r < 0)
			return r;
		u->done[u->n++] = at;
	}
	return 0;
}

void tn_link_undo(struct cnet_nl *nl, const struct tn_link_undo *u)
{
	struct cnet_err e = { 0 };
	for (size_t i = u->n; i-- > 0;)
		if (link_set(nl, &u->before, u->done[i], &u->before, &e) < 0)
			cnet_log_error("undo: %s", e.msg);
}

int tn_link_restore(struct cnet_nl *nl, const struct cnet_link *l, const struct tn_state *s,
		    struct cnet_err *err)
{
	struct cnet_link want = *l;
	bool set[5] = { false };
	static const enum tn_attr order[] = { TN_MTU, TN_MAC, TN_PROMISC, TN_ALLMULTI, TN_TXQLEN };
	int first = 0;

	if ((set[TN_MTU] = s->mtu != 0))
		want.mtu = s->mtu;
	if ((set[TN_MAC] = s->has_mac))
		memcpy(want.mac, s->mac, sizeof(want.mac));
	if ((set[TN_PROMISC] = s->has_promisc))
		want.promisc = s->promisc;
	if ((set[TN_ALLMULTI] = s->has_allmulti))
		want.allmulti = s->allmulti;
	if ((set[TN_TXQLEN] = s->has_txqlen))
		want.txqlen = s->txqlen;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum tn_attr at = order[i];
		struct cnet_err e = { 0 };
		if (!set[at] || !differs(l, &want, at))
			continue;
		int r = link_set(nl, l, at, &want, first ? &e : err);
		if (r < 0 && !first)
			first = r;
		else if (r < 0)
			cnet_log_error("restore: %s", e.msg);
	}
	return first;
}

static int check_sysctls(const struct tn_conf *c, struct cnet_err *err)
{
	char have[SYSCTL_VALUE_MAX];
	for (size_t i = 0; i < c->n_sysctls; i++) {
		const struct tn_sysctl *s = &c->sysctls[i];
		int r = sysctl_read(s->path, have, sizeof(have), NULL);
		if (r < 0)
			return sysctl_fail(s, r, "read", err);
		if (!tn_sysctl_value_equal(s->value, have))
			return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
					    "%s: configured value is \"%s\", current value of "
					    "/proc/sys/%s is \"%s\"", s->where, s->value, s->path,
					    have);
	}
	return 0;
}

static int check_link(const struct tn_conf *c, const struct cnet_link *l, struct cnet_err *err)
{
	char have[MAC_STRLEN], want[MAC_STRLEN];
	const int E = CNI_ERR_INVALID_CONFIG;
	if (c->has_mac && memcmp(c->mac, l->mac, 6))
		return cnet_err_set(err, E, 0, "mac: configured %s, \"%s\" has %s",
				    mac_format(c->mac, want), l->name, mac_format(l->mac, have));
	if (c->promisc_given && c->promisc != l->promisc)
		return cnet_err_set(err, E, 0, "promisc: configured %s, \"%s\" has it %s",
				    c->promisc ? "true" : "false", l->name,
				    l->promisc ? "on" : "off");
	if (c->mtu && c->mtu != l->mtu)
		return cnet_err_set(err, E, 0, "mtu: configured %u, \"%s\" has %u", c->mtu,
				    l->name, l->mtu);
	if (c->allmulti >= 0 && c->allmulti != l->allmulti)
		return cnet_err_set(err, E, 0, "allmulti: configured %s, \"%s\" has it %s",
				    c->allmulti ? "true" : "false", l->name,
				    l->allmulti ? "on" : "off");
	if (c->txqlen >= 0 && c->txqlen != l->txqlen)
		return cnet_err_set(err, E, 0, "txQLen: configured %lld, \"%s\" has %u", c->txqlen,
				    l->name, l->txqlen);
	return 0;
}

int tn_check(const struct tn_conf *c, const char *ifname, struct cnet_err *err)
{
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_link l;
	int r = check_sysctls(c, err);
	if (r >= 0)
		r = cnet_nl_open(&nl, -1, err);
	if (r >= 0)
		r = cnet_nl_link_get(nl, ifname, &l, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in the container", ifname);
	return r < 0 ? r : check_link(c, &l, err);
}
