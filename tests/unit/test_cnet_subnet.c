// SPDX-License-Identifier: Apache-2.0
/* cnet's subnet choice and overlap checks (cnet/subnet.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../cnet/subnet.h"

static struct subnet_used used(const char *cidr, const char *owner)
{
	struct subnet_used u = { 0 };
	assert_int_equal(ipnet_parse(cidr, &u.net), 0);
	snprintf(u.owner, sizeof(u.owner), "%s", owner);
	return u;
}

static const char *pick(int family, const struct subnet_used *u, size_t n)
{
	static char buf[IPNET_STRLEN];
	struct ipnet pool, out;
	int plen;

	subnet_default_pool(family, &pool, &plen);
	if (subnet_pick(&pool, plen, u, n, &out) < 0)
		return "none";
	return ipnet_format(&out, buf);
}

static void test_pick_v4(void **state)
{
	(void)state;
	assert_string_equal(pick(AF_INET, NULL, 0), "10.89.0.0/24");
	struct subnet_used u[] = {
		used("10.89.0.0/24", "network a"),
		used("10.89.1.7/23", "address 10.89.1.7/23 on eth0"),   /* covers .0 and .1 */
		used("10.89.3.0/24", "network c"),
		used("192.168.0.0/16", "network d"),
	};
	assert_string_equal(pick(AF_INET, u, 1), "10.89.1.0/24");
	assert_string_equal(pick(AF_INET, u, 2), "10.89.2.0/24");
	struct subnet_used v[] = { used("10.89.2.0/24", "x"), u[0], u[1], u[2] };
	assert_string_equal(pick(AF_INET, v, 4), "10.89.4.0/24");
	/* the whole pool taken */
	struct subnet_used all[] = { used("10.0.0.0/8", "network big") };
	assert_string_equal(pick(AF_INET, all, 1), "none");
	/* the last /24 free */
	struct subnet_used most[] = { used("10.89.0.0/17", "a"), used("10.89.128.0/18", "b"),
				      used("10.89.192.0/19", "c"), used("10.89.224.0/20", "d"),
				      used("10.89.240.0/21", "e"), used("10.89.248.0/22", "f"),
				      used("10.89.252.0/23", "g"), used("10.89.254.0/24", "h") };
	assert_string_equal(pick(AF_INET, most, 8), "10.89.255.0/24");
}

static void test_pick_v6(void **state)
{
	(void)state;
	assert_string_equal(pick(AF_INET6, NULL, 0), "fd89:636e:6574::/64");
	struct subnet_used u[] = { used("fd89:636e:6574::/64", "a"),
				   used("fd89:636e:6574:1::5/63", "address"),
				   used("10.89.0.0/16", "v4 never overlaps v6") };
	assert_string_equal(pick(AF_INET6, u, 3), "fd89:636e:6574:2::/64");
	struct subnet_used all[] = { used("fd89::/16", "wide") };
	assert_string_equal(pick(AF_INET6, all, 1), "none");
}

static void test_pick_bad(void **state)
{
	(void)state;
	struct ipnet pool, out;

	ipnet_parse("10.0.0.0/8", &pool);
	assert_int_equal(subnet_pick(&pool, 8, NULL, 0, &out), -EINVAL);
	assert_int_equal(subnet_pick(&pool, 33, NULL, 0, &out), -EINVAL);
	ipnet_parse("fd00::/16", &pool);
	assert_int_equal(subnet_pick(&pool, 64, NULL, 0, &out), -EINVAL);   /* 48 bits of choice */
	assert_int_equal(subnet_pick(&pool, 48, NULL, 0, &out), 0);
}

static void test_overlap(void **state)
{
	(void)state;
	struct subnet_used u[] = { used("10.88.0.0/16", "network podman (10.88.0.0/16)"),
				   used("192.168.1.10/24", "address 192.168.1.10/24 on eth0") };
	struct ipnet n;

	ipnet_parse("10.88.5.0/24", &n);
	assert_string_equal(subnet_find_overlap(&n, u, 2)->owner, "network podman (10.88.0.0/16)");
	ipnet_parse("10.0.0.0/8", &n);
	assert_ptr_equal(subnet_find_overlap(&n, u, 2), &u[0]);
	ipnet_parse("192.168.1.128/25", &n);
	assert_ptr_equal(subnet_find_overlap(&n, u, 2), &u[1]);
	ipnet_parse("10.89.0.0/24", &n);
	assert_null(subnet_find_overlap(&n, u, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_v4),
		cmocka_unit_test(test_pick_v6),
		cmocka_unit_test(test_pick_bad),
		cmocka_unit_test(test_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
