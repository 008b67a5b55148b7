// SPDX-License-Identifier: Apache-2.0
/* Unit tests for lib/base64.c: RFC 4648 test vectors, Go's encoding, bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

/* RFC 4648 section 10. */
static const char *const vectors[][2] = {
	{ "", "" },           { "f", "Zg==" },         { "fo", "Zm8=" },
	{ "foo", "Zm9v" },    { "foob", "Zm9vYg==" },  { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void test_encode_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		char *e = base64_encode(vectors[i][0], strlen(vectors[i][0]));
		assert_non_null(e);
		assert_string_equal(e, vectors[i][1]);
		free(e);
	}
}

static void test_decode_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = 99;
		char *d = base64_decode(vectors[i][1], strlen(vectors[i][1]), &len);
		assert_non_null(d);
		assert_int_equal(len, strlen(vectors[i][0]));
		assert_memory_equal(d, vectors[i][0], len);
		assert_int_equal(d[len], '\0');
		free(d);
	}
}

/* What Go's encoding/json writes for libcni's cached "config" ([]byte), and the alphabet's
 * two last characters. */
static void test_go_config(void **state)
{
	(void)state;
	const char *conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}";
	char *e = base64_encode(conf, strlen(conf));
	assert_string_equal(e, "eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoibiJ9");
	free(e);
	const unsigned char hi[] = { 0xfb, 0xff, 0xbf };
	e = base64_encode(hi, sizeof(hi));
	assert_string_equal(e, "+/+/");
	free(e);
}

static void test_round_trip_binary(void **state)
{
	(void)state;
	unsigned char all[256];
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	for (size_t n = 0; n <= sizeof(all); n++) {
		char *e = base64_encode(all, n);
		assert_int_equal(strlen(e), (n + 2) / 3 * 4);
		size_t len = 0;
		unsigned char *d = base64_decode(e, strlen(e), &len);
		assert_non_null(d);
		assert_int_equal(len, n);
		assert_memory_equal(d, all, n);
		free(d);
		free(e);
	}
}

static void test_decode_lenient(void **state)
{
	(void)state;
	size_t len = 0;
	char *d = base64_decode("Zm9v\r\nYmE=\n", 11, &len);   /* line breaks ignored */
	assert_non_null(d);
	assert_string_equal(d, "fooba");
	free(d);
	d = base64_decode("Zm9vYmE", 7, &len);   /* padding omitted */
	assert_non_null(d);
	assert_int_equal(len, 5);
	assert_string_equal(d, "fooba");
	free(d);
	d = base64_decode("Zg", 2, &len);
	assert_non_null(d);
	assert_string_equal(d, "f");
	free(d);
}

static void test_decode_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"Z",          /* one character cannot make a byte */
		"Zm9vY",      /* nor can a quad's first one */
		"Zg==Zg==",   /* data after the padding */
		"Zg=",        /* padding that does not complete the quad */
		"=",          /* padding alone */
		"Zm9v====",   /* padding after a full quad */
		"Zm 9v",      /* space */
		"Zm9v!A==",   /* outside the alphabet */
		"Zm-_",       /* the URL alphabet is not this one */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = 0;
		errno = 0;
		void *d = base64_decode(bad[i], strlen(bad[i]), &len);
		if (d)
			fail_msg("\"%s\" decoded", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_go_config),
		cmocka_unit_test(test_round_trip_binary),
		cmocka_unit_test(test_decode_lenient),
		cmocka_unit_test(test_decode_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
