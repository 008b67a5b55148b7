// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for host-local's allocator (alloc.c) over its disk store (store.c) in a temporary
 * directory, the on-disk format shared with the reference plugin, and resolv.conf parsing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "../../ipam/host-local/alloc.h"
#include "../../ipam/host-local/hl_conf.h"
#include "../../ipam/host-local/resolv.h"
#include "../../ipam/host-local/store.h"

#define CONF(ipam)                                                                                 \
	"{\"cniVersion\":\"1.0.0\",\"name\":\"mynet\",\"ipam\":{\"type\":\"host-local\"," ipam "}}"

struct fx {
	char tmp[64];          /* the data dir */
	char net[PATH_MAX];    /* <tmp>/mynet */
	struct hl_store s;
	bool open;
	struct hl_conf c;
	json_t *root;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/cnet-unit-XXXXXX");
	if (!mkdtemp(f->tmp)) {
		free(f);
		return -1;
	}
	snprintf(f->net, sizeof(f->net), "%s/mynet", f->tmp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->open)
		hl_store_close(&f->s);
	json_decref(f->root);
	int r = rm_tree(f->tmp);
	free(f);
	return r;
}

/* Parse the ipam body into f->c and open the store <tmp>/mynet. */
static void fx_open(struct fx *f, const char *text)
{
	struct cnet_err err = { 0 };
	json_decref(f->root);
	f->root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(f->root);
	if (hl_conf_parse(f->root, NULL, &f->c, &err) < 0)
		fail_msg("hl_conf_parse: %s", err.msg);
	if (!f->open) {
		if (hl_store_open(&f->s, f->tmp, "mynet", &err) < 0)
			fail_msg("hl_store_open: %s", err.msg);
		f->open = true;
	}
}

static void fx_reopen(struct fx *f)
{
	struct cnet_err err = { 0 };
	hl_store_close(&f->s);
	f->open = false;
	if (hl_store_open(&f->s, f->tmp, "mynet", &err) < 0)
		fail_msg("hl_store_open: %s", err.msg);
	f->open = true;
}

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;
	if (ipaddr_parse(s, &a) < 0)
		fail_msg("bad test address %s", s);
	return a;
}

/* Allocate from set idx for (id, eth0) and check "address/plen" and the gateway. */
#define assert_alloc(f, idx, id, req, want, want_gw)                                               \
	do {                                                                                       \
		struct cni_ip out_;                                                                \
		struct cnet_err err_ = { 0 };                                                      \
		struct ipaddr req_;                                                                \
		const char *rs_ = (req);                                                           \
		if (rs_)                                                                           \
			req_ = ip(rs_);                                                            \
		int r_ = hl_alloc(&(f)->s, &(f)->c.sets[idx], (idx), (id), "eth0",                 \
				  rs_ ? &req_ : NULL, &out_, &err_);                               \
		if (r_ < 0)                                                                        \
			fail_msg("hl_alloc(%s) failed (%d): %s", (id), err_.code, err_.msg);       \
		char a_[IPNET_STRLEN], g_[IPADDR_STRLEN];                                          \
		assert_string_equal(ipnet_format(&out_.address, a_), (want));                      \
		assert_string_equal(ipaddr_format(&out_.gateway, g_), (want_gw));                  \
		assert_int_equal(out_.interface, -1);                                              \
	} while (0)

#define assert_alloc_fails(f, idx, id, req, want_code, want_msg)                                   \
	do {                                                                                       \
		struct cni_ip out_;                                                                \
		struct cnet_err err_ = { 0 };                                                      \
		struct ipaddr req_;                                                                \
		const char *rs_ = (req);                                                           \
		if (rs_)                                                                           \
			req_ = ip(rs_);                                                            \
		int r_ = hl_alloc(&(f)->s, &(f)->c.sets[idx], (idx), (id), "eth0",                 \
				  rs_ ? &req_ : NULL, &out_, &err_);                               \
		if (r_ >= 0)                                                                       \
			fail_msg("hl_alloc(%s) succeeded", (id));                                  \
		assert_string_equal(err_.msg, (want_msg));                                         \
		assert_int_equal(err_.code, (want_code));                                          \
	} while (0)

static void release(struct fx *f, const char *addr)
{
	struct ipaddr a = ip(addr);
	struct cnet_err err = { 0 };
	assert_int_equal(hl_store_release(&f->s, &a, &err), 0);
}

/* The content of <tmp>/mynet/<name>, or NULL when it does not exist. */
static char *read_file(struct fx *f, const char *name)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", f->net, name);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	static char buf[512];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void write_file(struct fx *f, const char *name, const char *content)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", f->net, name);
	FILE *fp = fopen(path, "we");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void assert_file(struct fx *f, const char *name, const char *want)
{
	const char *got = read_file(f, name);
	if (!got)
		fail_msg("%s/%s does not exist", f->net, name);
	assert_string_equal(got, want);
}

/* ---- allocation order ------------------------------------------------------------------ */

static void test_sequential(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));

	/* .1 is the gateway: never handed out */
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/24", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.3/24", "10.1.0.1");
	assert_alloc(f, 0, "c3", NULL, "10.1.0.4/24", "10.1.0.1");
	assert_file(f, "last_reserved_ip.0", "10.1.0.4");
	assert_file(f, "10.1.0.2", "c1\r\neth0");
	assert_file(f, "10.1.0.3", "c2\r\neth0");
	assert_null(read_file(f, "10.1.0.1"));
}

/* A gateway in the middle of the range is skipped too. */
static void test_gateway_skipped(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.10\","
			"\"gateway\":\"10.1.0.11\""));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.10/24", "10.1.0.11");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.12/24", "10.1.0.11");
}

/* Round robin: a released address is not reused before the rest of the range. */
static void test_round_robin(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/24", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.3/24", "10.1.0.1");
	release(f, "10.1.0.2");
	assert_null(read_file(f, "10.1.0.2"));
	assert_alloc(f, 0, "c3", NULL, "10.1.0.4/24", "10.1.0.1");

	/* the position survives closing the store (one plugin run to the next) */
	fx_reopen(f);
	assert_alloc(f, 0, "c4", NULL, "10.1.0.5/24", "10.1.0.1");
}

/* After the end of the range the search wraps to its start (skipping the gateway). */
static void test_wrap_around(void **state)
{
	struct fx *f = *state;
	/* /29: .1 (gateway) .. .6 */
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/29\""));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/29", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.3/29", "10.1.0.1");
	assert_alloc(f, 0, "c3", NULL, "10.1.0.4/29", "10.1.0.1");
	assert_alloc(f, 0, "c4", NULL, "10.1.0.5/29", "10.1.0.1");
	assert_alloc(f, 0, "c5", NULL, "10.1.0.6/29", "10.1.0.1");
	release(f, "10.1.0.3");
	assert_alloc(f, 0, "c6", NULL, "10.1.0.3/29", "10.1.0.1");
	release(f, "10.1.0.6");
	release(f, "10.1.0.2");
	/* last reserved is .3: .4 .5 taken, .6 free */
	assert_alloc(f, 0, "c7", NULL, "10.1.0.6/29", "10.1.0.1");
	/* last reserved is the range end: wrap, skip the gateway .1, take .2 */
	assert_alloc(f, 0, "c8", NULL, "10.1.0.2/29", "10.1.0.1");
}

/* A last_reserved_ip outside the set (the config changed) restarts at the range start. */
static void test_stale_last_reserved(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	write_file(f, "last_reserved_ip.0", "192.168.0.7");
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/24", "10.1.0.1");
	write_file(f, "last_reserved_ip.0", "garbage");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.3/24", "10.1.0.1");
	/* the reference writes no newline, but tolerate one */
	write_file(f, "last_reserved_ip.0", "10.1.0.9\n");
	assert_alloc(f, 0, "c3", NULL, "10.1.0.10/24", "10.1.0.1");
}

static void test_exhausted(void **state)
{
	struct fx *f = *state;
	/* /30: .1 is the gateway, .2 the only address */
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/30\""));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/30", "10.1.0.1");
	assert_alloc_fails(f, 0, "c2", NULL, CNET_ERR_EXHAUSTED,
			   "no IP addresses available in range set 0 (10.1.0.0/30)");
	assert_null(read_file(f, "10.1.0.3"));   /* never the broadcast address */
	assert_null(read_file(f, "10.1.0.0"));
	release(f, "10.1.0.2");
	assert_alloc(f, 0, "c3", NULL, "10.1.0.2/30", "10.1.0.1");
}

static void test_requested(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.100\","
			"\"rangeEnd\":\"10.1.0.200\"}]]"));
	assert_alloc(f, 0, "c1", "10.1.0.150", "10.1.0.150/24", "10.1.0.1");
	assert_file(f, "10.1.0.150", "c1\r\neth0");
	/* a requested address also moves the round robin, as in the reference */
	assert_file(f, "last_reserved_ip.0", "10.1.0.150");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.151/24", "10.1.0.1");

	assert_alloc_fails(f, 0, "c3", "10.1.0.150", CNET_ERR_CONFLICT,
			   "requested IP address 10.1.0.150 is not available in range set 0");
	assert_alloc_fails(f, 0, "c3", "10.1.0.1", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.1 is not in range set 0");
	assert_alloc_fails(f, 0, "c3", "10.1.0.99", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.99 is not in range set 0");
	assert_alloc_fails(f, 0, "c3", "10.1.0.201", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.201 is not in range set 0");
	assert_alloc_fails(f, 0, "c3", "10.9.0.1", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.9.0.1 is not in range set 0");
	assert_alloc_fails(f, 0, "c3", "fd00::1", CNI_ERR_INVALID_CONFIG,
			   "requested IP fd00::1 is not in range set 0");
	/* nothing was written for the failures */
	assert_file(f, "last_reserved_ip.0", "10.1.0.151");
	assert_null(read_file(f, "10.1.0.99"));
}

static void test_requested_gateway(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	assert_alloc_fails(f, 0, "c1", "10.1.0.1", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.1 is the subnet's gateway");
	assert_null(read_file(f, "10.1.0.1"));
	assert_alloc(f, 0, "c1", "10.1.0.254", "10.1.0.254/24", "10.1.0.1");
	assert_alloc_fails(f, 0, "c1", "10.1.0.255", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.255 is not in range set 0");
}

/* A set of two ranges: the second is used when the first is full, with its own gateway. */
static void test_multi_range(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.1.0.0/30\"},"
			"{\"subnet\":\"10.2.0.0/29\",\"gateway\":\"10.2.0.6\"}]]"));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/30", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.2.0.1/29", "10.2.0.6");
	assert_alloc(f, 0, "c3", NULL, "10.2.0.2/29", "10.2.0.6");
	assert_alloc(f, 0, "c4", NULL, "10.2.0.3/29", "10.2.0.6");
	assert_alloc(f, 0, "c5", NULL, "10.2.0.4/29", "10.2.0.6");
	assert_alloc(f, 0, "c6", NULL, "10.2.0.5/29", "10.2.0.6");
	assert_alloc_fails(f, 0, "c7", NULL, CNET_ERR_EXHAUSTED,
			   "no IP addresses available in range set 0 (10.1.0.0/30, ...)");
	/* from the end of the last range the search wraps to the first range */
	release(f, "10.1.0.2");
	assert_alloc(f, 0, "c8", NULL, "10.1.0.2/30", "10.1.0.1");
	/* from the end of the first range it goes on in the second */
	release(f, "10.2.0.3");
	assert_alloc(f, 0, "c9", NULL, "10.2.0.3/29", "10.2.0.6");
	/* requested addresses get their own range's gateway and prefix */
	release(f, "10.2.0.4");
	assert_alloc(f, 0, "c10", "10.2.0.4", "10.2.0.4/29", "10.2.0.6");
}

/* Two pools cut from one subnet (allowed: their start..end spans do not overlap). */
static void test_split_subnet(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\",\"rangeStart\":\"10.1.0.10\","
			"\"rangeEnd\":\"10.1.0.11\"},{\"subnet\":\"10.1.0.0/24\","
			"\"rangeStart\":\"10.1.0.20\",\"rangeEnd\":\"10.1.0.21\"}]]"));
	struct cnet_err err = { 0 };
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 4);
	assert_alloc(f, 0, "c1", NULL, "10.1.0.10/24", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.11/24", "10.1.0.1");
	assert_alloc(f, 0, "c3", NULL, "10.1.0.20/24", "10.1.0.1");
	assert_alloc(f, 0, "c4", NULL, "10.1.0.21/24", "10.1.0.1");
	assert_alloc_fails(f, 0, "c5", NULL, CNET_ERR_EXHAUSTED,
			   "no IP addresses available in range set 0 (10.1.0.0/24, ...)");
	assert_alloc_fails(f, 0, "c5", "10.1.0.15", CNI_ERR_INVALID_CONFIG,
			   "requested IP 10.1.0.15 is not in range set 0");
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 0);
}

static void test_ipv6(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],"
			"[{\"subnet\":\"fd00:1::/120\"}]]"));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/24", "10.1.0.1");
	assert_alloc(f, 1, "c1", NULL, "fd00:1::2/120", "fd00:1::1");
	assert_alloc(f, 1, "c2", NULL, "fd00:1::3/120", "fd00:1::1");
	assert_file(f, "fd00:1::2", "c1\r\neth0");
	assert_file(f, "last_reserved_ip.0", "10.1.0.2");
	assert_file(f, "last_reserved_ip.1", "fd00:1::3");
	/* v6 has no broadcast: the last address of the prefix is allocatable */
	assert_alloc(f, 1, "c3", "fd00:1::ff", "fd00:1::ff/120", "fd00:1::1");
	/* ... and after it the search wraps: ::1 is the gateway, ::2 and ::3 are taken */
	assert_alloc(f, 1, "c4", NULL, "fd00:1::4/120", "fd00:1::1");
}

/* A tiny v6 set (/126) wraps and runs out like a v4 one. */
static void test_ipv6_exhausted(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"fd00::/126\""));
	assert_alloc(f, 0, "c1", NULL, "fd00::2/126", "fd00::1");
	assert_alloc(f, 0, "c2", NULL, "fd00::3/126", "fd00::1");
	assert_alloc_fails(f, 0, "c3", NULL, CNET_ERR_EXHAUSTED,
			   "no IP addresses available in range set 0 (fd00::/126)");
}

/* ---- the store ------------------------------------------------------------------------- */

static void test_disk_format(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	struct ipaddr a = ip("10.1.0.2");
	struct cnet_err err = { 0 };

	assert_int_equal(hl_store_reserve(&f->s, "c1", "eth0", &a, 0, &err), 0);
	assert_file(f, "10.1.0.2", "c1\r\neth0");
	assert_file(f, "last_reserved_ip.0", "10.1.0.2");
	assert_int_equal(hl_store_reserve(&f->s, "c2", "eth0", &a, 0, &err), -EEXIST);
	assert_file(f, "10.1.0.2", "c1\r\neth0");

	struct ipaddr last;
	assert_int_equal(hl_store_last_reserved(&f->s, 0, &last), 0);
	assert_true(ipaddr_equal(&last, &a));
	assert_true(hl_store_last_reserved(&f->s, 5, &last) < 0);

	char id[HL_ID_MAX], ifname[HL_ID_MAX];
	assert_int_equal(hl_store_owner(&f->s, &a, id, ifname), 0);
	assert_string_equal(id, "c1");
	assert_string_equal(ifname, "eth0");
	assert_true(hl_store_owned_by(&f->s, &a, "c1", "eth0"));
	assert_false(hl_store_owned_by(&f->s, &a, "c1", "eth1"));
	assert_false(hl_store_owned_by(&f->s, &a, "c2", "eth0"));
	assert_false(hl_store_owned_by(&f->s, &a, "c", "eth0"));

	struct ipaddr free_ip = ip("10.1.0.3");
	assert_int_equal(hl_store_owner(&f->s, &free_ip, id, ifname), -ENOENT);
	assert_false(hl_store_owned_by(&f->s, &free_ip, "c1", "eth0"));

	/* release is idempotent */
	assert_int_equal(hl_store_release(&f->s, &a, &err), 0);
	assert_null(read_file(f, "10.1.0.2"));
	assert_int_equal(hl_store_release(&f->s, &a, &err), 0);
	assert_false(hl_store_owned_by(&f->s, &a, "c1", "eth0"));

	/* the lock file is there */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/lock", f->net);
	assert_int_equal(access(path, F_OK), 0);
}

/* Files written by old reference versions hold only the container ID. */
static void test_old_format(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	write_file(f, "10.1.0.7", "c9");
	write_file(f, "10.1.0.8", "c8\n");
	write_file(f, "10.1.0.9", "c7\r\neth1\n");
	struct ipaddr a7 = ip("10.1.0.7"), a8 = ip("10.1.0.8"), a9 = ip("10.1.0.9");
	char id[HL_ID_MAX], ifname[HL_ID_MAX];

	assert_int_equal(hl_store_owner(&f->s, &a7, id, ifname), 0);
	assert_string_equal(id, "c9");
	assert_string_equal(ifname, "");
	assert_true(hl_store_owned_by(&f->s, &a7, "c9", "eth0"));
	assert_true(hl_store_owned_by(&f->s, &a7, "c9", "net1"));
	assert_false(hl_store_owned_by(&f->s, &a7, "c8", "eth0"));
	assert_false(hl_store_owned_by(&f->s, &a7, "c", "eth0"));

	assert_int_equal(hl_store_owner(&f->s, &a8, id, ifname), 0);
	assert_string_equal(id, "c8");
	assert_string_equal(ifname, "");
	assert_true(hl_store_owned_by(&f->s, &a8, "c8", "eth0"));

	assert_int_equal(hl_store_owner(&f->s, &a9, id, ifname), 0);
	assert_string_equal(id, "c7");
	assert_string_equal(ifname, "eth1");
	assert_true(hl_store_owned_by(&f->s, &a9, "c7", "eth1"));
	assert_false(hl_store_owned_by(&f->s, &a9, "c7", "eth0"));

	/* taken addresses are skipped by the allocator */
	write_file(f, "last_reserved_ip.0", "10.1.0.6");
	assert_alloc(f, 0, "c1", NULL, "10.1.0.10/24", "10.1.0.1");
}

struct seen {
	int n;
	char list[512];
};

static int collect(const struct ipaddr *a, const char *id, const char *ifname, void *ctx)
{
	struct seen *s = ctx;
	char buf[IPADDR_STRLEN];
	/* directory order is unspecified: record as a set */
	size_t len = strlen(s->list);
	snprintf(s->list + len, sizeof(s->list) - len, "[%s %s %s]", ipaddr_format(a, buf), id,
		 ifname);
	s->n++;
	return 0;
}

static int stop_at_first(const struct ipaddr *a, const char *id, const char *ifname, void *ctx)
{
	(void)a;
	(void)id;
	(void)ifname;
	(*(int *)ctx)++;
	return 42;
}

static void test_foreach(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/24\""));
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/24", "10.1.0.1");
	write_file(f, "10.1.0.7", "c9");
	write_file(f, "notes.txt", "c1\r\neth0");   /* not named by an address: ignored */
	struct seen s = { 0 };
	struct cnet_err err = { 0 };

	assert_int_equal(hl_store_foreach(&f->s, collect, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_non_null(strstr(s.list, "[10.1.0.2 c1 eth0]"));
	assert_non_null(strstr(s.list, "[10.1.0.7 c9 ]"));

	int calls = 0;
	assert_int_equal(hl_store_foreach(&f->s, stop_at_first, &calls, &err), 42);
	assert_int_equal(calls, 1);
}

static void test_free_count(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };

	/* /29: .1-.6 minus the gateway */
	fx_open(f, CONF("\"subnet\":\"10.1.0.0/29\""));
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 5);
	assert_alloc(f, 0, "c1", NULL, "10.1.0.2/29", "10.1.0.1");
	assert_alloc(f, 0, "c2", NULL, "10.1.0.3/29", "10.1.0.1");
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 3);
	write_file(f, "10.1.0.6", "old");            /* an old-format lease counts */
	write_file(f, "10.1.0.1", "x\r\neth0");     /* a lease on the gateway does not */
	write_file(f, "10.1.0.7", "x\r\neth0");     /* nor one on the broadcast address */
	write_file(f, "10.9.0.2", "x\r\neth0");     /* nor one outside the set */
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 2);
	release(f, "10.1.0.2");
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 3);

	/* gateway outside start..end: nothing to subtract */
	fx_open(f, CONF("\"subnet\":\"10.2.0.0/24\",\"rangeStart\":\"10.2.0.10\","
			"\"rangeEnd\":\"10.2.0.19\""));
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 10);

	/* two ranges: 1 + 5 */
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.3.0.0/30\"},"
			"{\"subnet\":\"10.4.0.0/29\"}]]"));
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 6);

	/* huge v6 ranges saturate instead of wrapping */
	fx_open(f, CONF("\"subnet\":\"fd00::/64\""));
	assert_true(hl_free_count(&f->s, &f->c.sets[0], &err) > (UINT64_C(1) << 62));

	/* a full set has 0 */
	fx_open(f, CONF("\"subnet\":\"10.5.0.0/30\""));
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 1);
	assert_alloc(f, 0, "c1", NULL, "10.5.0.2/30", "10.5.0.1");
	assert_int_equal(hl_free_count(&f->s, &f->c.sets[0], &err), 0);
}

/* Every write goes through a temp file; none may be left behind. */
static void test_no_temp_files(void **state)
{
	struct fx *f = *state;
	fx_open(f, CONF("\"ranges\":[[{\"subnet\":\"10.1.0.0/29\"}],"
			"[{\"subnet\":\"fd00::/125\"}]]"));
	for (int i = 0; i < 5; i++) {
		char id[16];
		snprintf(id, sizeof(id), "c%d", i);
		struct cni_ip out;
		struct cnet_err err = { 0 };
		for (int set = 0; set < 2; set++)
			assert_int_equal(hl_alloc(&f->s, &f->c.sets[set], set, id, "eth0", NULL,
						  &out, &err),
					 0);
	}
	release(f, "10.1.0.3");
	assert_alloc(f, 0, "c9", NULL, "10.1.0.3/29", "10.1.0.1");
	assert_alloc_fails(f, 0, "c10", NULL, CNET_ERR_EXHAUSTED,
			   "no IP addresses available in range set 0 (10.1.0.0/29)");
	assert_alloc_fails(f, 0, "c10", "10.1.0.4", CNET_ERR_CONFLICT,
			   "requested IP address 10.1.0.4 is not available in range set 0");

	DIR *d = opendir(f->net);
	assert_non_null(d);
	struct dirent *de;
	int leases = 0, others = 0;
	while ((de = readdir(d))) {
		struct ipaddr a;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ipaddr_parse(de->d_name, &a) == 0)
			leases++;
		else if (!strcmp(de->d_name, "lock") ||
			 !strcmp(de->d_name, "last_reserved_ip.0") ||
			 !strcmp(de->d_name, "last_reserved_ip.1"))
			others++;
		else
			fail_msg("unexpected file \"%s\" in %s", de->d_name, f->net);
	}
	closedir(d);
	assert_int_equal(leases, 10);
	assert_int_equal(others, 3);
}

/* hl_store_open creates missing parents and takes the lock. */
static void test_store_open(void **state)
{
	struct fx *f = *state;
	struct hl_store s;
	struct cnet_err err = { 0 };
	char data[PATH_MAX];
	snprintf(data, sizeof(data), "%s/a/b", f->tmp);
	assert_int_equal(hl_store_open(&s, data, "net1", &err), 0);
	assert_true(s.dirfd >= 0);
	assert_true(s.lockfd >= 0);
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/net1/lock", data);
	assert_int_equal(access(path, F_OK), 0);
	hl_store_close(&s);
	assert_int_equal(s.dirfd, -1);
	hl_store_close(&s);   /* twice is harmless */

	/* a data dir that is a file */
	snprintf(path, sizeof(path), "%s/file", f->tmp);
	FILE *fp = fopen(path, "we");
	assert_non_null(fp);
	fclose(fp);
	assert_true(hl_store_open(&s, path, "net1", &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "mkdir \"%s/net1\": Not a directory", path);
	assert_string_equal(err.msg, want);
}

/* ---- resolv.conf ----------------------------------------------------------------------- */

static void test_resolv_parse(void **state)
{
	(void)state;
	struct cni_dns d = { 0 };
	assert_int_equal(hl_resolv_parse("# generated\n"
					 "; also a comment\n"
					 "#nameserver 9.9.9.9\n"
					 "nameserver 10.0.0.1\n"
					 "  nameserver\t10.0.0.2  \r\n"
					 "\n"
					 "nameserver fd00::53\n"
					 "domain example.org\n"
					 "search a.example.org b.example.org\n"
					 "search c.example.org\n"
					 "options ndots:5 rotate\n"
					 "options timeout:1\n"
					 "sortlist 10.0.0.0/8\n"
					 "nameserver\n"
					 "bogus line here\n",
					 &d),
			 0);
	assert_int_equal(d.n_nameservers, 3);
	assert_string_equal(d.nameservers[0], "10.0.0.1");
	assert_string_equal(d.nameservers[1], "10.0.0.2");
	assert_string_equal(d.nameservers[2], "fd00::53");
	assert_string_equal(d.domain, "example.org");
	assert_int_equal(d.n_search, 3);
	assert_string_equal(d.search[0], "a.example.org");
	assert_string_equal(d.search[1], "b.example.org");
	assert_string_equal(d.search[2], "c.example.org");
	assert_int_equal(d.n_options, 3);
	assert_string_equal(d.options[0], "ndots:5");
	assert_string_equal(d.options[1], "rotate");
	assert_string_equal(d.options[2], "timeout:1");
	cni_dns_clear(&d);

	/* the last domain line wins; an empty file gives an empty dns */
	assert_int_equal(hl_resolv_parse("domain a.org\ndomain b.org\n", &d), 0);
	assert_string_equal(d.domain, "b.org");
	cni_dns_clear(&d);
	assert_int_equal(hl_resolv_parse("", &d), 0);
	assert_true(cni_dns_is_empty(&d));
	cni_dns_clear(&d);
}

/*
 * The reference (plugins/ipam/host-local/dns.go) takes only the first value of "nameserver"
 * and "domain" lines; everything after it on the line is ignored.
 */
static void test_resolv_first_value_only(void **state)
{
	(void)state;
	struct cni_dns d = { 0 };
	assert_int_equal(hl_resolv_parse("nameserver 10.0.0.1 10.0.0.2\n"
					 "domain a.org b.org\n",
					 &d),
			 0);
	/* compare as one string, so the dns can be freed before a failure */
	char got[256];
	snprintf(got, sizeof(got), "%zu %s %s", d.n_nameservers, d.nameservers[0],
		 d.domain ? d.domain : "(null)");
	cni_dns_clear(&d);
	assert_string_equal(got, "1 10.0.0.1 a.org");
}

static void test_resolv_load(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/resolv.conf", f->tmp);
	FILE *fp = fopen(path, "we");
	assert_non_null(fp);
	fputs("nameserver 192.0.2.53\nsearch svc.cluster.local\n", fp);
	fclose(fp);

	struct cni_dns d = { 0 };
	struct cnet_err err = { 0 };
	assert_int_equal(hl_resolv_load(path, &d, &err), 0);
	assert_int_equal(d.n_nameservers, 1);
	assert_string_equal(d.nameservers[0], "192.0.2.53");
	assert_int_equal(d.n_search, 1);
	cni_dns_clear(&d);

	snprintf(path, sizeof(path), "%s/missing", f->tmp);
	assert_true(hl_resolv_load(path, &d, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want),
		 "ipam.resolvConf: read \"%s\": No such file or directory", path);
	assert_string_equal(err.msg, want);
	assert_true(cni_dns_is_empty(&d));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sequential),
		T(test_gateway_skipped),
		T(test_round_robin),
		T(test_wrap_around),
		T(test_stale_last_reserved),
		T(test_exhausted),
		T(test_requested),
		T(test_requested_gateway),
		T(test_multi_range),
		T(test_split_subnet),
		T(test_ipv6),
		T(test_ipv6_exhausted),
		T(test_disk_format),
		T(test_old_format),
		T(test_foreach),
		T(test_free_count),
		T(test_no_temp_files),
		T(test_store_open),
		cmocka_unit_test(test_resolv_parse),
		cmocka_unit_test(test_resolv_first_value_only),
		T(test_resolv_load),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
