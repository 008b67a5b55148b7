// SPDX-License-Identifier: Apache-2.0
/* `cnet run`'s state file (cnet/runstate.c, runstate_io.c): JSON both ways, /proc/PID/stat's
 * start time, and the files in a temporary CNET_RUN_DIR. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include "../../cnet/runstate.h"

static struct runstate sample(const char *name)
{
	struct runstate s = { .pid = 4242, .start = 123456 };
	snprintf(s.name, sizeof(s.name), "%s", name);
	snprintf(s.netns, sizeof(s.netns), "/run/netns/%s", name);
	snprintf(s.network, sizeof(s.network), "cnet0");
	snprintf(s.ifname, sizeof(s.ifname), "eth0");
	return s;
}

static void test_json(void **state)
{
	(void)state;
	struct runstate s = sample("cnet-1"), back;
	struct cnet_err err = { 0 };
	json_t *o = runstate_to_json(&s);
	json_t *want = load("{\"name\": \"cnet-1\", \"pid\": 4242, \"start\": 123456, \"netns\": "
			    "\"/run/netns/cnet-1\", \"network\": \"cnet0\", \"ifname\": \"eth0\"}");

	assert_true(json_equal(o, want));
	assert_int_equal(runstate_from_json(o, &back, &err), 0);
	assert_memory_equal(&s, &back, sizeof(s));
	json_decref(o);
	json_decref(want);

	/* --network none: no network, no ifname */
	o = load("{\"name\": \"n\", \"pid\": 1, \"start\": 0, \"netns\": \"/run/netns/n\", "
		 "\"network\": \"\", \"ifname\": \"\"}");
	assert_int_equal(runstate_from_json(o, &back, &err), 0);
	assert_string_equal(back.network, "");
	json_decref(o);

	static const char *const bad[][2] = {
		{ "[]", "expected an object" },
		{ "{\"pid\": 0, \"start\": 1}", "pid: expected a positive integer" },
		{ "{\"pid\": 1, \"start\": \"x\"}", "start: expected an integer >= 0" },
		{ "{\"pid\": 1, \"start\": 1, \"name\": \"\"}", "name: expected a string of 1-127 bytes" },
		{ "{\"pid\": 1, \"start\": 1, \"name\": \"a\", \"netns\": \"/x\", \"network\": 3}",
		  "network: expected a string of 1-255 bytes" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = load(bad[i][0]);
		assert_int_equal(runstate_from_json(o, &back, &err), -EINVAL);
		assert_int_equal(err.code, CNI_ERR_DECODE);
		assert_string_equal(err.msg, bad[i][1]);
		json_decref(o);
	}
}

static void test_parse_start(void **state)
{
	(void)state;
	unsigned long long v = 0;
	/* a command name with spaces and ')' in it */
	const char *stat = "1234 (a b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
			   "987654 1000 100 18446744073709551615\n";

	assert_int_equal(runstate_parse_start(stat, &v), 0);
	assert_int_equal(v, 987654);
	assert_int_equal(runstate_parse_start("1 (x) S 1 2 3", &v), -EINVAL);
	assert_int_equal(runstate_parse_start("no parenthesis", &v), -EINVAL);
	assert_int_equal(runstate_parse_start(NULL, &v), -EINVAL);
	/* our own process: a start time, and alive */
	struct runstate me = sample("me");
	me.pid = (long)getpid();
	assert_int_equal(runstate_proc_start(me.pid, &me.start), 0);
	assert_true(runstate_alive(&me));
	me.start++;
	assert_false(runstate_alive(&me));   /* same pid, another process */
}

static int count_cb(const struct runstate *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static void test_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/cnet-runstate-XXXXXX";
	struct cnet_err err = { 0 };
	struct runstate a = sample("a"), b = sample("b"), got;
	int n = 0;

	assert_non_null(mkdtemp(dir));
	setenv("CNET_RUN_DIR", dir, 1);
	assert_int_equal(runstate_each(count_cb, &n, &err), 0);   /* no dir yet: none */
	assert_int_equal(n, 0);
	assert_int_equal(runstate_load("a", &got, &err), -ENOENT);
	assert_int_equal(runstate_remove("a", &err), 0);
	assert_int_equal(runstate_create(&a, &err), 0);
	assert_int_equal(runstate_create(&a, &err), -EEXIST);
	assert_int_equal(runstate_create(&b, &err), 0);
	assert_int_equal(runstate_load("a", &got, &err), 0);
	assert_memory_equal(&a, &got, sizeof(a));
	/* a file that is not a run state is skipped */
	char junk[256];
	snprintf(junk, sizeof(junk), "%s/runs/junk.json", dir);
	FILE *f = fopen(junk, "w");
	assert_non_null(f);
	fputs("{nope", f);
	fclose(f);
	assert_int_equal(runstate_each(count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(runstate_remove("a", &err), 0);
	assert_int_equal(runstate_remove("b", &err), 0);
	n = 0;
	assert_int_equal(runstate_each(count_cb, &n, &err), 0);
	assert_int_equal(n, 0);
	unsetenv("CNET_RUN_DIR");
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_parse_start),
		cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
