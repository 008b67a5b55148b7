// SPDX-License-Identifier: Apache-2.0
/* `-p` port specs (cnet/portspec.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include "../../cnet/portspec.h"

static void parses_to(const char *spec, const char *want)
{
	struct cnet_err err = { 0 };
	json_t *arr = json_array(), *exp = load(want);
	if (portspec_parse(spec, arr, &err) < 0)
		fail_msg("%s: %s", spec, err.msg);
	if (!json_equal(arr, exp)) {
		char *got = json_dumps(arr, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("%s: got %s, want %s", spec, got, want);
	}
	json_decref(arr);
	json_decref(exp);
}

static void fails(const char *spec, const char *msg)
{
	struct cnet_err err = { 0 };
	json_t *arr = json_array();
	assert_true(portspec_parse(spec, arr, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_string_equal(err.msg, msg);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

static void test_specs(void **state)
{
	(void)state;
	parses_to("8080:80", "[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]");
	parses_to("127.0.0.1:8080:80/udp", "[{\"hostPort\":8080,\"containerPort\":80,"
					   "\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}]");
	parses_to("[fd00::1]:53:5353/sctp", "[{\"hostPort\":53,\"containerPort\":5353,"
					    "\"protocol\":\"sctp\",\"hostIP\":\"fd00::1\"}]");
	parses_to("8000-8001:9000-9001", "[{\"hostPort\":8000,\"containerPort\":9000,\"protocol\":"
					 "\"tcp\"},{\"hostPort\":8001,\"containerPort\":9001,"
					 "\"protocol\":\"tcp\"}]");
}

#define EXPECTED " (expected [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp])"

static void test_bad(void **state)
{
	(void)state;
	fails("80", "port spec \"80\": no host port (cnet does not choose one)" EXPECTED);
	fails("0:80", "port spec \"0:80\": a port is not a number 1-65535 or a range N-M" EXPECTED);
	fails("8080:65536", "port spec \"8080:65536\": a port is not a number 1-65535 or a range "
			    "N-M" EXPECTED);
	fails("x:80", "port spec \"x:80\": a port is not a number 1-65535 or a range N-M" EXPECTED);
	fails("8080:80/icmp", "port spec \"8080:80/icmp\": the protocol is not tcp, udp or sctp"
			      EXPECTED);
	fails("1.2.3:8080:80", "port spec \"1.2.3:8080:80\": the host address is not an IP "
			       "address" EXPECTED);
	fails("[fd00::1:8080:80", "port spec \"[fd00::1:8080:80\": an IPv6 host address must be "
				  "[ADDR]:" EXPECTED);
	fails("8000-8002:9000-9001", "port spec \"8000-8002:9000-9001\": the host and container "
				     "ranges differ in length" EXPECTED);
	fails("9-8:9-8", "port spec \"9-8:9-8\": a port is not a number 1-65535 or a range N-M"
			 EXPECTED);
	fails("1-2000:1-2000", "port spec \"1-2000:1-2000\": a range of more than 1024 ports"
			       EXPECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
