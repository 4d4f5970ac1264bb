/* Unit tests for ck_cert: the name people read for a subject or issuer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ck_cert.h"
#include "ck_jks.h"
#include "ck_load.h"
#include "ck_num.h"

static void
test_name_label(void **state)
{
	static const struct {
		const char *json;	/* the name object of a record */
		const char *want;	/* NULL: no name */
	} t[] = {
		{ "{\"dn\":\"CN=a.example,O=X\",\"cn\":\"a.example\"}", "a.example" },
		/* No CN: the most specific RDN, first in RFC 4514 order. */
		{ "{\"dn\":\"OU=Security Communication RootCA1,O=SECOM Trust.net,C=JP\",\"ou\":[]}",
		  "Security Communication RootCA1" },
		{ "{\"dn\":\"O=No CN Ltd\"}", "No CN Ltd" },
		{ "{\"dn\":\"O=No CN Ltd\",\"cn\":\"\"}", "No CN Ltd" },
		/* RFC 4514 escapes undone: \, \+ \\ and \HH. */
		{ "{\"dn\":\"OU=Sales\\\\, East+L=Here,C=US\"}", "Sales, East" },
		{ "{\"dn\":\"OU=a\\\\\\\\b\\\\2Bc,C=US\"}", "a\\b+c" },
		{ "{\"dn\":\"1.2.3.4=#0403616263,C=US\"}", "#0403616263" },
		{ "{}", NULL },
		{ "{\"dn\":\"\"}", NULL },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *name = json_loads(t[i].json, 0, NULL);
		const char *got;

		assert_non_null(name);
		got = ck_name_label(name, buf, sizeof(buf));
		if (t[i].want == NULL) {
			if (got != NULL || buf[0] != '\0')
				fail_msg("case %zu: got '%s', want none", i, buf);
		} else if (got == NULL || strcmp(got, t[i].want) != 0) {
			fail_msg("case %zu: got '%s', want '%s'", i, got ? got : "(null)", t[i].want);
		}
		json_decref(name);
	}
	/* Truncated to the buffer, still terminated. */
	{
		json_t *name = json_loads("{\"cn\":\"abcdefgh\"}", 0, NULL);

		assert_string_equal(ck_name_label(name, buf, 4), "abc");
		json_decref(name);
	}
}

static void
test_hex_digit(void **state)
{
	(void)state;
	assert_int_equal(ck_hex_digit('0'), 0);
	assert_int_equal(ck_hex_digit('9'), 9);
	assert_int_equal(ck_hex_digit('a'), 10);
	assert_int_equal(ck_hex_digit('F'), 15);
	assert_int_equal(ck_hex_digit('g'), -1);
	assert_int_equal(ck_hex_digit('\0'), -1);
}

static void
test_hex_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(ck_hex_u32("ffffFFFF", 8, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(ck_hex_u32("0a1x", 2, &v), 0);	/* only the first n count */
	assert_int_equal(v, 0x0a);
	v = 7;
	assert_int_equal(ck_hex_u32("", 0, &v), -1);
	assert_int_equal(ck_hex_u32("123456789", 9, &v), -1);	/* more than 32 bits */
	assert_int_equal(ck_hex_u32("12 4", 4, &v), -1);
	assert_int_equal(ck_hex_u32("-1", 2, &v), -1);
	assert_int_equal(ck_hex_u32("0x1", 3, &v), -1);	/* no prefix */
	assert_int_equal(v, 7);	/* untouched on failure */
}

static int
count_cert(void *ctx, const unsigned char *der, size_t len, const char *alias, long pos)
{
	(void)der;
	(void)pos;
	assert_true(len > 0);
	assert_non_null(alias);
	(*(int *)ctx)++;
	return 0;
}

/* Every prefix of a keystore (and each byte flipped) is read or refused, never overread (ASan). */
static void
test_jks_damage(void **state)
{
	static const char *const files[] = { "tests/fixtures/read/jks/trust.jks",
		"tests/fixtures/read/jks/key.jks", "tests/fixtures/read/jks/trust.jceks" };
	struct ck_err e;
	size_t f, n;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		unsigned char *buf, *copy;
		size_t len;
		int got = 0, whole;

		assert_int_equal(ck_read_file(files[f], 1 << 20, &buf, &len, &e), 0);
		whole = ck_jks_read(buf, len, NULL, count_cert, &got, &e);
		assert_int_equal(whole, 2);
		assert_int_equal(got, 2);
		for (n = 0; n < len; n++) {
			int r;

			copy = malloc(n ? n : 1);
			assert_non_null(copy);
			memcpy(copy, buf, n);
			got = 0;
			r = ck_jks_read(copy, n, NULL, count_cert, &got, &e);
			/* A cut store is never read whole; cuts inside the digest still parse. */
			if (n < len - 20)
				assert_int_equal(r, -1);
			free(copy);
		}
		/* With the password, any flipped byte fails the digest. */
		for (n = 0; n < len; n += 97) {
			copy = malloc(len);
			assert_non_null(copy);
			memcpy(copy, buf, len);
			copy[n] ^= 0x01;
			got = 0;
			if (ck_jks_is(copy, len))
				assert_int_equal(ck_jks_read(copy, len, f == 1 ? "fixture-pass" : "changeit",
				    count_cert, &got, &e), -1);
			assert_int_equal(got, 0);
			free(copy);
		}
		free(buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_label),
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_hex_u32),
		cmocka_unit_test(test_jks_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
