/*
 * Unit tests of the AMT device-side decoders: the Hello message (every
 * malformation refused with its reason, completeness for a streaming
 * reader, UUID text, hex captures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ck_amt_hello.h"
#include "ck_tool.h"

/* A message: header (admin, version, retry 7, UUID 00..0f, count) + hashes. */
static size_t
msg(unsigned char *out, int admin, int version, int count, const int *types,
    const int *sizes, int n)
{
	size_t o = 0;

	out[o++] = (unsigned char)admin;
	out[o++] = 0;
	out[o++] = (unsigned char)version;
	out[o++] = 0;
	out[o++] = 7;
	out[o++] = 0;
	out[o++] = 0;
	out[o++] = 0;
	for (int i = 0; i < 16; i++)
		out[o++] = (unsigned char)i;
	out[o++] = (unsigned char)count;
	for (int i = 0; i < n; i++) {
		out[o++] = (unsigned char)types[i];
		out[o++] = (unsigned char)sizes[i];
		memset(out + o, 0xa0 + i, (size_t)sizes[i]);
		o += (size_t)sizes[i];
	}
	return o;
}

struct hello_case {
	const char *name;
	int admin, version, count, n;
	int types[4], sizes[4];
	long cut;		/* bytes removed from the end (>0) */
	const char *error;	/* expected substring of the message; NULL: valid */
	int complete;		/* ck_amt_hello_complete on the whole buffer */
};

static const struct hello_case cases[] = {
	{ "three types", 1, 3, 3, 3, { 1, 2, 3 }, { 20, 32, 48 }, 0, NULL, 1 },
	{ "no hashes", 0, 3, 0, 0, { 0 }, { 0 }, 0, NULL, 1 },
	{ "truncated hash", 1, 3, 1, 1, { 2 }, { 32 }, 5, "truncated", 0 },
	{ "truncated header", 1, 3, 0, 0, { 0 }, { 0 }, 3, "header alone", 0 },
	{ "count too high", 1, 3, 2, 1, { 2 }, { 32 }, 0, "the hash count says 2", 0 },
	{ "count too low", 1, 3, 1, 2, { 2, 2 }, { 32, 32 }, 0, "34 bytes after", 1 },
	{ "type 0", 1, 3, 1, 1, { 0 }, { 32 }, 0, "type 0 is not", -1 },
	{ "type 4", 1, 3, 1, 1, { 4 }, { 32 }, 0, "type 4 is not", -1 },
	{ "type 255", 1, 3, 1, 1, { 255 }, { 32 }, 0, "type 255 is not", -1 },
	{ "size vs type", 1, 3, 1, 1, { 1 }, { 32 }, 0, "size 32 does not match", -1 },
	{ "version 2", 1, 2, 0, 0, { 0 }, { 0 }, 0, "hello version 2", 1 },
	{ "admin 2", 2, 3, 0, 0, { 0 }, { 0 }, 0, "admin credentials flag is 2", 1 },
};

static void
test_hello_cases(void **state)
{
	static struct ck_amt_hello h;
	unsigned char buf[512];
	struct ck_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hello_case *c = &cases[i];
		size_t len = msg(buf, c->admin, c->version, c->count, c->types, c->sizes, c->n);
		int rv;

		len -= (size_t)c->cut;
		rv = ck_amt_hello_parse(buf, len, &h, &e);
		if (c->error == NULL) {
			if (rv != 0)
				fail_msg("%s: %s", c->name, e.msg);
			assert_int_equal(h.nhashes, (size_t)c->n);
		} else {
			if (rv != -1 || strstr(e.msg, c->error) == NULL)
				fail_msg("%s: expected '%s', got rv %d '%s'", c->name, c->error, rv,
				    rv ? e.msg : "");
		}
		if (ck_amt_hello_complete(buf, len) != c->complete)
			fail_msg("%s: complete() is %d, expected %d", c->name,
			    ck_amt_hello_complete(buf, len), c->complete);
	}
}

static void
test_hello_fields(void **state)
{
	static struct ck_amt_hello h;
	static const int t[] = { 3 }, s[] = { 48 };
	unsigned char buf[128];
	char uuid[CK_AMT_UUID_LEN];
	struct ck_err e;
	size_t len = msg(buf, 1, 3, 1, t, s, 1);
	json_t *rec;

	(void)state;
	assert_int_equal(ck_amt_hello_parse(buf, len, &h, &e), 0);
	assert_int_equal(h.admin_credentials_set, 1);
	assert_int_equal(h.retry_count, 7);
	assert_int_equal(h.hashes[0].type, CK_AMT_SHA384);
	ck_amt_uuid_format(h.uuid, uuid);
	assert_string_equal(uuid, "03020100-0504-0706-0809-0a0b0c0d0e0f");
	rec = ck_amt_hello_record(&h, "192.0.2.7");
	assert_string_equal(json_string_value(json_object_get(rec, "address")), "192.0.2.7");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "hashes"), 0), "alg")), "sha384");
	json_decref(rec);
	/* Each prefix of a valid message is incomplete, never invalid. */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(ck_amt_hello_complete(buf, i), 0);
}

static void
test_hello_limit(void **state)
{
	static struct ck_amt_hello h;
	static unsigned char big[CK_AMT_HELLO_MAX + 1];
	struct ck_err e;

	(void)state;
	assert_int_equal(ck_amt_hello_parse(big, sizeof(big), &h, &e), -1);
	assert_int_equal(e.code, CK_E_LIMIT);
	assert_int_equal(ck_amt_hello_complete(big, sizeof(big)), -1);
}

static void
test_unhex(void **state)
{
	unsigned char a[] = "01 00:03\n00 ff";
	unsigned char b[] = "01 0g";
	unsigned char c[] = { 0x01, 0x00, 0x03 };
	size_t n;

	(void)state;
	ck_amt_hello_unhex(a, strlen((char *)a), &n);
	assert_int_equal(n, 5);
	assert_memory_equal(a, "\x01\x00\x03\x00\xff", 5);
	ck_amt_hello_unhex(b, strlen((char *)b), &n);
	assert_int_equal(n, 5);		/* not hex: taken as raw bytes */
	ck_amt_hello_unhex(c, sizeof(c), &n);
	assert_int_equal(n, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_cases),
		cmocka_unit_test(test_hello_fields),
		cmocka_unit_test(test_hello_limit),
		cmocka_unit_test(test_unhex),
	};

	ck_tool_init("test_amt");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
