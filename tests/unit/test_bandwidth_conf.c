// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for plugins/bandwidth/conf.c (keys, precedence, errors, the ifb's name) and the
 * token bucket arithmetic in lib/nl_tc.c (the reference's createTBF numbers).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "../../plugins/bandwidth/bw_conf.h"
#include "cni.h"
#include "nl.h"

#define CONF(rest) "{\"cniVersion\":\"1.0.0\",\"name\":\"bwnet\",\"type\":\"bandwidth\"" rest "}"

static struct bw_limits parse_ok(const char *text)
{
	json_t *root = load(text);
	struct bw_conf c;
	struct cnet_err err = { 0 };
	if (bw_conf_parse(root, &c, &err) < 0)
		fail_msg("bw_conf_parse: %s\nconfig: %s", err.msg, text);
	assert_string_equal(c.name, "bwnet");
	json_decref(root);
	return c.limits;
}

static void parse_fails(const char *text, const char *msg)
{
	json_t *root = load(text);
	struct bw_conf c;
	struct cnet_err err = { 0 };
	int r = bw_conf_parse(root, &c, &err);
	json_decref(root);
	if (r >= 0)
		fail_msg("accepted: %s", text);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, msg);
}

static void test_keys(void **state)
{
	(void)state;
	struct bw_limits l = parse_ok(CONF(""));
	assert_false(bw_ingress(&l) || bw_egress(&l));
	l = parse_ok(CONF(",\"ingressRate\":1000000,\"ingressBurst\":100000"));
	assert_true(bw_ingress(&l));
	assert_false(bw_egress(&l));
	l = parse_ok(CONF(",\"runtimeConfig\":{\"bandwidth\":{\"egressRate\":2000000,"
			  "\"egressBurst\":200000}}"));
	assert_true(bw_egress(&l));
	assert_int_equal(l.egress_rate, 2000000);
	/* a top-level key wins over runtimeConfig as a whole (the reference's embedded entry) */
	l = parse_ok(CONF(",\"ingressRate\":0,\"runtimeConfig\":{\"bandwidth\":{\"egressRate\":2,"
			  "\"egressBurst\":2}}"));
	assert_false(bw_ingress(&l) || bw_egress(&l));
	l = parse_ok(CONF(",\"ingressRate\":null,\"runtimeConfig\":{\"bandwidth\":{\"egressRate\":2,"
			  "\"egressBurst\":2}}"));
	assert_true(bw_egress(&l));
}

static void test_bad(void **state)
{
	(void)state;
	parse_fails(CONF(",\"ingressRate\":1000"),
		    "ingressBurst: must be set when ingressRate is (the burst, in bits)");
	parse_fails(CONF(",\"egressBurst\":1000"),
		    "egressRate: must be set when egressBurst is (the rate, in bits/s)");
	parse_fails(CONF(",\"egressRate\":1,\"egressBurst\":34359738368"),
		    "egressBurst: 34359738368 bits is 4 GB or more (the most a token bucket holds)");
	parse_fails(CONF(",\"ingressRate\":-1"), "ingressRate: -1 is out of range 0..9223372036854775807");
	parse_fails(CONF(",\"ingressRate\":\"1M\""), "ingressRate: expected an integer, got string");
	parse_fails(CONF(",\"ingressRate\":1.5"), "ingressRate: expected an integer, got number");
	parse_fails(CONF(",\"runtimeConfig\":{\"bandwidth\":[]}"),
		    "runtimeConfig.bandwidth: expected an object, got array");
	parse_fails(CONF(",\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":5}}"),
		    "runtimeConfig.bandwidth.ingressBurst: must be set when ingressRate is (the "
		    "burst, in bits)");
}

static void test_ifb_name(void **state)
{
	(void)state;
	char name[16];
	/* printf '%s' bwnetc1 | sha512sum | cut -c1-12 (and what the reference named it) */
	bw_ifb_name("bwnet", "c1", name);
	assert_string_equal(name, "bwp459546d14214");
	bw_ifb_name("", "", name);   /* sha512 of nothing: cf83e1357eef... */
	assert_string_equal(name, "bwpcf83e1357eef");
}

static void test_tbf(void **state)
{
	(void)state;
	struct cnet_tbf t;
	/* 1 Mbit/s, 100 kbit burst, 15.625 ticks/us: what tc shows for the reference's qdisc */
	cnet_tbf_params(1000000, 100000, 15.625, &t);
	assert_int_equal(t.rate, 125000);
	assert_int_equal(t.buffer, 1562500);   /* 100 ms of ticks */
	assert_int_equal(t.limit, 3125 + 12500);   /* 25 ms at rate + the burst */
	/* a rate over 32 bits of bytes/s */
	cnet_tbf_params(80000000000ULL, 8000000, 1.0, &t);
	assert_true(t.rate == 10000000000ULL);
	assert_int_equal(t.buffer, 100);
	assert_int_equal(t.limit, 250000000 + 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_ifb_name),
		cmocka_unit_test(test_tbf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
