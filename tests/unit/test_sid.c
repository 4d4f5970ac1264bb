/*
 * Unit tests for ck_sid: binary <-> string SIDs (valid, truncated,
 * malformed), well-known names, RIDs, privileged and broad groups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ck_sid.h"

struct sid_case {
	const char *str;
	unsigned char bin[68];
	size_t len;
};

static const struct sid_case valid[] = {
	{ "S-1-1-0", { 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 12 },
	{ "S-1-5-18", { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 }, 12 },
	{ "S-1-5-32-544", { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0 }, 16 },
	{ "S-1-5-21-1111-2222-3333-512",
	  { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0x57, 4, 0, 0, 0xae, 8, 0, 0, 0x05, 0x0d, 0, 0,
	    0, 2, 0, 0 }, 28 },
	/* Largest sub-authority. */
	{ "S-1-5-4294967295", { 1, 1, 0, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff }, 12 },
	/* No sub-authority at all. */
	{ "S-1-5", { 1, 0, 0, 0, 0, 0, 0, 5 }, 8 },
	/* An authority >= 2^32 is written in hex ([MS-DTYP] 2.4.2.1). */
	{ "S-1-0x0100000000FF-7", { 1, 1, 1, 0, 0, 0, 0, 0xff, 7, 0, 0, 0 }, 12 },
};

static void
test_to_string(void **state)
{
	char out[CK_SID_STR_MAX];
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		int n = ck_sid_to_string(valid[i].bin, valid[i].len, out, &err);

		assert_int_equal(n, (int)valid[i].len);
		assert_string_equal(out, valid[i].str);
		/* Trailing bytes are not part of the SID: the length says where it ends. */
		assert_int_equal(ck_sid_to_string(valid[i].bin, sizeof(valid[i].bin), out, &err),
		    (int)valid[i].len);
	}
}

static void
test_from_string(void **state)
{
	unsigned char bin[68];
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		int n = ck_sid_from_string(valid[i].str, bin, &err);

		assert_int_equal(n, (int)valid[i].len);
		assert_memory_equal(bin, valid[i].bin, valid[i].len);
	}
}

static void
test_bad_binary(void **state)
{
	static const struct {
		unsigned char b[16];
		size_t len;
	} bad[] = {
		{ { 0 }, 0 },
		{ { 1, 1, 0, 0, 0, 0, 0, 5 }, 7 },			/* header cut */
		{ { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0 }, 11 },		/* sub-authority cut */
		{ { 2, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 }, 12 },	/* revision 2 */
		{ { 1, 16, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 }, 16 },	/* 16 sub-authorities */
		{ { 1, 2, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 0 }, 14 },	/* second cut */
	};
	char out[CK_SID_STR_MAX];
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.code = 0;
		assert_int_equal(ck_sid_to_string(bad[i].b, bad[i].len, out, &err), -1);
		assert_int_equal(err.code, CK_E_PARSE);
	}
	assert_int_equal(ck_sid_to_string(NULL, 12, out, &err), -1);
}

static void
test_longest(void **state)
{
	unsigned char b[68];
	char out[CK_SID_STR_MAX];
	struct ck_err err;
	size_t i;

	(void)state;
	/* 15 sub-authorities of 4294967295 and a hex authority: the longest string. */
	memset(b, 0xff, sizeof(b));
	b[0] = 1;
	b[1] = 15;
	assert_int_equal(ck_sid_to_string(b, sizeof(b), out, &err), 68);
	assert_true(strlen(out) < CK_SID_STR_MAX);
	assert_int_equal(strncmp(out, "S-1-0xFFFFFFFFFFFF-4294967295-", 30), 0);
	for (i = 0; i < 68; i++)
		b[i] = 0;
	assert_int_equal(ck_sid_from_string(out, b, &err), 68);
	assert_int_equal(b[1], 15);
}

static void
test_bad_strings(void **state)
{
	static const char *const bad[] = {
		"", "S", "S-", "S-1", "S-1-", "S-2-5-18", "X-1-5-18", "S-1-5-", "S-1-5--1",
		"S-1-5-18-", "S-1-5-4294967296", "S-1-0x1000000000000-1", "S-1-5-18x",
		"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "S-1--5", "S-1-+5",
	};
	unsigned char b[68];
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.code = 0;
		if (ck_sid_from_string(bad[i], b, &err) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(err.code, CK_E_PARSE);
	}
	assert_int_equal(ck_sid_from_string(NULL, b, &err), -1);
}

static void
test_names_rid_classes(void **state)
{
	static const struct {
		const char *sid, *name;
		long rid;
		int privileged, broad;
	} t[] = {
		{ "S-1-1-0", "Everyone", 0, 0, 1 },
		{ "S-1-5-11", "Authenticated Users", 11, 0, 1 },
		{ "S-1-5-7", "Anonymous Logon", 7, 0, 1 },
		{ "S-1-5-18", "SYSTEM", 18, 1, 0 },
		{ "S-1-5-9", "Enterprise Domain Controllers", 9, 1, 0 },
		{ "S-1-5-32-544", "Administrators", 544, 1, 0 },
		{ "S-1-5-32-545", "Users", 545, 0, 1 },
		{ "S-1-5-21-1-2-3-500", "Administrator", 500, 1, 0 },
		{ "S-1-5-21-1-2-3-512", "Domain Admins", 512, 1, 0 },
		{ "S-1-5-21-1-2-3-513", "Domain Users", 513, 0, 1 },
		{ "S-1-5-21-1-2-3-515", "Domain Computers", 515, 0, 1 },
		{ "S-1-5-21-1-2-3-516", "Domain Controllers", 516, 1, 0 },
		{ "S-1-5-21-1-2-3-517", "Cert Publishers", 517, 1, 0 },
		{ "S-1-5-21-1-2-3-519", "Enterprise Admins", 519, 1, 0 },
		{ "S-1-5-21-1-2-3-498", "Enterprise Read-only Domain Controllers", 498, 1, 0 },
		{ "S-1-5-21-1-2-3-521", "Read-only Domain Controllers", 521, 1, 0 },
		{ "S-1-5-21-1-2-3-526", "Key Admins", 526, 1, 0 },
		{ "S-1-5-21-1-2-3-527", "Enterprise Key Admins", 527, 1, 0 },
		{ "S-1-5-21-1-2-3-1105", NULL, 1105, 0, 0 },
		/* A domain RID outside a domain SID shape is not that group. */
		{ "S-1-5-21-512", NULL, 512, 0, 0 },
		{ "S-1-5-21-1-2-3-4-512", NULL, 512, 0, 0 },
		{ "S-1-5-99-512", NULL, 512, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *n = ck_sid_wellknown_name(t[i].sid);

		if (t[i].name == NULL)
			assert_null(n);
		else
			assert_string_equal(n, t[i].name);
		assert_int_equal(ck_sid_rid(t[i].sid), t[i].rid);
		if (ck_sid_is_privileged(t[i].sid) != t[i].privileged)
			fail_msg("privileged('%s')", t[i].sid);
		if (ck_sid_is_broad(t[i].sid) != t[i].broad)
			fail_msg("broad('%s')", t[i].sid);
	}
	assert_int_equal(ck_sid_rid("S-1-5"), -1);	/* an authority is no RID */
	assert_int_equal(ck_sid_rid("garbage"), -1);
	assert_int_equal(ck_sid_rid("S-1-5-x"), -1);
	assert_int_equal(ck_sid_rid(NULL), -1);
	assert_null(ck_sid_wellknown_name(NULL));
	assert_int_equal(ck_sid_is_privileged(NULL), 0);
	assert_int_equal(ck_sid_is_broad(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_string),
		cmocka_unit_test(test_from_string),
		cmocka_unit_test(test_bad_binary),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_names_rid_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
