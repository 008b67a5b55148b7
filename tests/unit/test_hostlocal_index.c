// SPDX-License-Identifier: Apache-2.0
/*
 * host-local's owner index (index.c): kept beside the reference layout, always checked against
 * the lease files, rebuilt when the lease directory changed behind cnet's back.
 */
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

#include "../../ipam/host-local/store.h"
#include "fs.h"

struct fx {
	char tmp[64];
	struct hl_store s;
};

static void store_open(struct fx *f)
{
	struct cnet_err err = { 0 };
	if (hl_store_open(&f->s, f->tmp, "net", &err) < 0)
		fail_msg("hl_store_open: %s", err.msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/cnet-unit-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	store_open(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	hl_store_close(&f->s);
	int r = rm_tree(f->tmp);
	free(f);
	return r;
}

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;
	assert_int_equal(ipaddr_parse(s, &a), 0);
	return a;
}

static void reserve(struct fx *f, const char *id, const char *ifname, const char *addr)
{
	struct cnet_err err = { 0 };
	struct ipaddr a = ip(addr);
	assert_int_equal(hl_store_reserve(&f->s, id, ifname, &a, 0, &err), 0);
}

/* The addresses find_owned reports, as "a,b" text. */
static const char *owned(struct fx *f, const char *id, const char *ifname)
{
	static char out[256];
	struct ipaddr ips[8];
	size_t n = 0;
	struct cnet_err err = { 0 };
	assert_int_equal(hl_store_find_owned(&f->s, id, ifname, ips, 8, &n, &err), 0);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char a[IPADDR_STRLEN];
		strcat(out, i ? "," : "");
		strcat(out, ipaddr_format(&ips[i], a));
	}
	return out;
}

static const char *index_file(struct fx *f, const char *entry)
{
	static char buf[256];
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/.cnet-index/net/%s", f->tmp, entry);
	if (fs_read_small(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return NULL;
	return buf;
}

static void write_lease(struct fx *f, const char *addr, const char *content)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/net/%s", f->tmp, addr);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void test_index_follows_reserve_and_release(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	reserve(f, "c1", "eth0", "10.1.0.2");
	reserve(f, "c1", "eth0", "fd00::2");
	reserve(f, "c2", "eth0", "10.1.0.3");
	assert_string_equal(index_file(f, "c1@eth0"), "10.1.0.2\nfd00::2\n");
	assert_string_equal(owned(f, "c1", "eth0"), "10.1.0.2,fd00::2");
	assert_string_equal(owned(f, "c1", "eth1"), "");
	struct ipaddr a = ip("10.1.0.2");
	assert_int_equal(hl_store_release(&f->s, &a, &err), 0);
	assert_string_equal(index_file(f, "c1@eth0"), "fd00::2\n");
	a = ip("fd00::2");
	assert_int_equal(hl_store_release(&f->s, &a, &err), 0);
	assert_null(index_file(f, "c1@eth0"));   /* an empty entry is removed */
	assert_string_equal(owned(f, "c2", "eth0"), "10.1.0.3");
}

/* The reference plugin (or a person) adds a lease: the stamp no longer matches, the index is
 * rebuilt on the next open, and the lease is found. */
static void test_foreign_lease_triggers_rebuild(void **state)
{
	struct fx *f = *state;
	reserve(f, "c1", "eth0", "10.1.0.2");
	hl_store_close(&f->s);
	write_lease(f, "10.1.0.9", "c9\r\neth0");
	write_lease(f, "10.1.0.10", "old");   /* an old one-line lease: matched on the id */
	store_open(f);
	assert_string_equal(owned(f, "c9", "eth0"), "10.1.0.9");
	assert_string_equal(owned(f, "old", "eth3"), "10.1.0.10");
	assert_string_equal(owned(f, "c1", "eth0"), "10.1.0.2");
	assert_string_equal(index_file(f, "c9@eth0"), "10.1.0.9\n");
}

/* An index entry whose lease file went away (or now belongs to another) is not believed. */
static void test_stale_entry_is_checked(void **state)
{
	struct fx *f = *state;
	reserve(f, "c1", "eth0", "10.1.0.2");
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/net/10.1.0.2", f->tmp);
	assert_int_equal(unlink(path), 0);
	write_lease(f, "10.1.0.2", "c7\r\neth0");
	/* same store still open: the index is not re-validated, the lease file decides */
	assert_string_equal(owned(f, "c1", "eth0"), "");
	assert_string_equal(owned(f, "c7", "eth0"), "");   /* not indexed, not scanned */
}

/* An unchanged directory reopens without a rebuild: an index entry planted by hand (which a
 * rebuild would drop) survives, showing that lookups trust the stamp. */
static void test_unchanged_dir_keeps_index(void **state)
{
	struct fx *f = *state;
	reserve(f, "c1", "eth0", "10.1.0.2");
	hl_store_close(&f->s);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/.cnet-index/net/planted@eth0", f->tmp);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("10.1.0.2\n", fp);
	fclose(fp);
	store_open(f);
	assert_non_null(index_file(f, "planted@eth0"));
	assert_string_equal(owned(f, "planted", "eth0"), "");   /* lease file says c1 */
	assert_string_equal(owned(f, "c1", "eth0"), "10.1.0.2");
}

/* A container ID too long for a file name cannot be indexed: lookups scan instead. */
static void test_long_id_falls_back_to_scan(void **state)
{
	struct fx *f = *state;
	char id[253];   /* 252 + "@eth0" > NAME_MAX */
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	reserve(f, id, "eth0", "10.1.0.5");
	assert_string_equal(owned(f, id, "eth0"), "10.1.0.5");
	hl_store_close(&f->s);
	store_open(f);
	assert_string_equal(owned(f, id, "eth0"), "10.1.0.5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_follows_reserve_and_release, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_lease_triggers_rebuild, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_entry_is_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_dir_keeps_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_id_falls_back_to_scan, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
