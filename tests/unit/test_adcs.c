/*
 * Unit tests for ck_adcs (flag tables, periods, key usage) and the pure
 * parts of ck_tmpl (OIDs, EKU names, template checks, security descriptor).
 * The expected tables are written out here from [MS-CRTD] 2.4, 2.26-2.28, 2.11 and
 * [MS-CRTD], independently of the library's own tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ck_adcs.h"
#include "ck_cert.h"
#include "ck_sid.h"
#include "ck_tmpl.h"

struct flag_case {
	enum ck_adcs_attr attr;
	uint32_t bit;
	const char *name;
};

static const struct flag_case flag_cases[] = {
	/* flags, [MS-CRTD] 2.4 */
	{ CK_ADCS_FLAGS, 0x20, "AUTO_ENROLLMENT" },
	{ CK_ADCS_FLAGS, 0x40, "MACHINE_TYPE" },
	{ CK_ADCS_FLAGS, 0x80, "IS_CA" },
	{ CK_ADCS_FLAGS, 0x200, "ADD_TEMPLATE_NAME" },
	{ CK_ADCS_FLAGS, 0x800, "IS_CROSS_CA" },
	{ CK_ADCS_FLAGS, 0x1000, "DONOTPERSISTINDB" },
	{ CK_ADCS_FLAGS, 0x10000, "IS_DEFAULT" },
	{ CK_ADCS_FLAGS, 0x20000, "IS_MODIFIED" },
	/* msPKI-Enrollment-Flag, [MS-CRTD] 2.26 */
	{ CK_ADCS_ENROLLMENT_FLAG, 0x1, "INCLUDE_SYMMETRIC_ALGORITHMS" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x2, "PEND_ALL_REQUESTS" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x4, "PUBLISH_TO_KRA_CONTAINER" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x8, "PUBLISH_TO_DS" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x10, "AUTO_ENROLLMENT_CHECK_USER_DS_CERTIFICATE" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x20, "AUTO_ENROLLMENT" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x40, "PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x100, "USER_INTERACTION_REQUIRED" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x400, "REMOVE_INVALID_CERTIFICATE_FROM_PERSONAL_STORE" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x800, "ALLOW_ENROLL_ON_BEHALF_OF" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x1000, "ADD_OCSP_NOCHECK" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x2000, "ENABLE_KEY_REUSE_ON_NT_TOKEN_KEYSET_STORAGE_FULL" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x4000, "NOREVOCATIONINFOINISSUEDCERTS" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x8000, "INCLUDE_BASIC_CONSTRAINTS_FOR_EE_CERTS" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x10000, "ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x20000, "ISSUANCE_POLICIES_FROM_REQUEST" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x40000, "SKIP_AUTO_RENEWAL" },
	{ CK_ADCS_ENROLLMENT_FLAG, 0x80000, "NO_SECURITY_EXTENSION" },
	/* msPKI-Certificate-Name-Flag, [MS-CRTD] 2.28 */
	{ CK_ADCS_NAME_FLAG, 0x1, "ENROLLEE_SUPPLIES_SUBJECT" },
	{ CK_ADCS_NAME_FLAG, 0x8, "OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME" },
	{ CK_ADCS_NAME_FLAG, 0x10000, "ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME" },
	{ CK_ADCS_NAME_FLAG, 0x400000, "SUBJECT_ALT_REQUIRE_DOMAIN_DNS" },
	{ CK_ADCS_NAME_FLAG, 0x800000, "SUBJECT_ALT_REQUIRE_SPN" },
	{ CK_ADCS_NAME_FLAG, 0x1000000, "SUBJECT_ALT_REQUIRE_DIRECTORY_GUID" },
	{ CK_ADCS_NAME_FLAG, 0x2000000, "SUBJECT_ALT_REQUIRE_UPN" },
	{ CK_ADCS_NAME_FLAG, 0x4000000, "SUBJECT_ALT_REQUIRE_EMAIL" },
	{ CK_ADCS_NAME_FLAG, 0x8000000, "SUBJECT_ALT_REQUIRE_DNS" },
	{ CK_ADCS_NAME_FLAG, 0x10000000, "SUBJECT_REQUIRE_DNS_AS_CN" },
	{ CK_ADCS_NAME_FLAG, 0x20000000, "SUBJECT_REQUIRE_EMAIL" },
	{ CK_ADCS_NAME_FLAG, 0x40000000, "SUBJECT_REQUIRE_COMMON_NAME" },
	{ CK_ADCS_NAME_FLAG, 0x80000000u, "SUBJECT_REQUIRE_DIRECTORY_PATH" },
	/* msPKI-Private-Key-Flag, [MS-CRTD] 2.27 */
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x1, "REQUIRE_PRIVATE_KEY_ARCHIVAL" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x10, "EXPORTABLE_KEY" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x20, "STRONG_KEY_PROTECTION_REQUIRED" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x40, "REQUIRE_ALTERNATE_SIGNATURE_ALGORITHM" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x80, "REQUIRE_SAME_KEY_RENEWAL" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x100, "USE_LEGACY_PROVIDER" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x1000, "ATTEST_PREFERRED" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x2000, "ATTEST_REQUIRED" },
	{ CK_ADCS_PRIVATE_KEY_FLAG, 0x4000, "ATTESTATION_WITHOUT_POLICY" },
};
#define N_FLAG_CASES (sizeof(flag_cases) / sizeof(flag_cases[0]))

/* Asserts that obj is {"raw": raw, "names": [exactly the given names, in order]}. */
static void
assert_flags(json_t *obj, int32_t raw, const char *const *names, size_t n)
{
	json_t *arr;
	size_t i;

	assert_non_null(obj);
	assert_true(json_is_integer(json_object_get(obj, "raw")));
	assert_int_equal(json_integer_value(json_object_get(obj, "raw")), raw);
	arr = json_object_get(obj, "names");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), n);
	for (i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(arr, i)), names[i]);
}

static void
test_every_flag_both_ways(void **state)
{
	size_t i;
	uint32_t bit;
	struct ck_err err;
	json_t *obj;
	char prefixed[128];

	(void)state;
	for (i = 0; i < N_FLAG_CASES; i++) {
		const struct flag_case *c = &flag_cases[i];

		obj = ck_adcs_flags_json(c->attr, (int32_t)c->bit);
		assert_flags(obj, (int32_t)c->bit, &c->name, 1);
		json_decref(obj);
		bit = 0;
		assert_int_equal(ck_adcs_flag_bit(c->attr, c->name, &bit, &err), 0);
		assert_int_equal(bit, c->bit);
		snprintf(prefixed, sizeof(prefixed), "CT_FLAG_%s", c->name);
		assert_int_equal(ck_adcs_flag_bit(c->attr, prefixed, &bit, &err), 0);
		assert_int_equal(bit, c->bit);
		assert_string_equal(ck_adcs_flag_name(c->attr, c->bit), c->name);
	}
}

/* A name of one attribute is not a name of another (AUTO_ENROLLMENT is in two). */
static void
test_names_are_per_attribute(void **state)
{
	uint32_t bit;
	struct ck_err err;

	(void)state;
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_NAME_FLAG, "PEND_ALL_REQUESTS", &bit, &err), -1);
	assert_int_equal(err.code, CK_E_PARSE);
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_FLAGS, "ENROLLEE_SUPPLIES_SUBJECT", &bit, &err), -1);
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_ENROLLMENT_FLAG, "pend_all_requests", &bit, &err), -1);
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_ENROLLMENT_FLAG, "", &bit, &err), -1);
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_FLAGS, "AUTO_ENROLLMENT", &bit, &err), 0);
	assert_int_equal(bit, 0x20);
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_ENROLLMENT_FLAG, "AUTO_ENROLLMENT", &bit, &err), 0);
	assert_int_equal(bit, 0x20);
	/* Version names exist only for the private key flag. */
	assert_int_equal(ck_adcs_flag_bit(CK_ADCS_NAME_FLAG, "SERVER_VERSION_1", &bit, &err), -1);
}

static void
test_negative_and_unknown(void **state)
{
	json_t *obj;
	uint32_t v;
	struct ck_err err;
	static const char *const dirpath[] = { "SUBJECT_REQUIRE_DIRECTORY_PATH" };
	static const char *const mixed[] = {
		"ENROLLEE_SUPPLIES_SUBJECT", "0x00000002", "SUBJECT_ALT_REQUIRE_DNS",
		"SUBJECT_REQUIRE_DIRECTORY_PATH"
	};
	static const char *const unk[] = { "PEND_ALL_REQUESTS", "0x00000200", "0x80000000" };
	static const char *const pk[] = {
		"EXPORTABLE_KEY", "0x00000400", "SERVER_VERSION_3", "CLIENT_VERSION_6"
	};

	(void)state;
	/* 0x80000000 reads as a negative number from LDAP ([MS-CRTD] 2.28: the attribute is a signed 32-bit integer). */
	obj = ck_adcs_flags_json(CK_ADCS_NAME_FLAG, INT32_MIN);
	assert_flags(obj, INT32_MIN, dirpath, 1);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_NAME_FLAG, obj, &v, &err), 0);
	assert_int_equal(v, 0x80000000u);
	json_decref(obj);
	/* Unknown bits are kept as hex names. */
	obj = ck_adcs_flags_json(CK_ADCS_NAME_FLAG, (int32_t)0x88000003u);
	assert_flags(obj, (int32_t)0x88000003u, mixed, 4);
	json_decref(obj);
	obj = ck_adcs_flags_json(CK_ADCS_ENROLLMENT_FLAG, (int32_t)0x80000202u);
	assert_flags(obj, -2147483134, unk, 3);
	/* Round trip through names only (raw removed). */
	json_object_del(obj, "raw");
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, obj, &v, &err), 0);
	assert_int_equal(v, 0x80000202u);
	json_decref(obj);
	/* Private key: version fields are numbers, not bits. */
	obj = ck_adcs_flags_json(CK_ADCS_PRIVATE_KEY_FLAG, 0x06030410);
	assert_flags(obj, 0x06030410, pk, 4);
	json_object_del(obj, "raw");
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_PRIVATE_KEY_FLAG, obj, &v, &err), 0);
	assert_int_equal(v, 0x06030410u);
	json_decref(obj);
	obj = ck_adcs_flags_json(CK_ADCS_FLAGS, 0);
	assert_flags(obj, 0, NULL, 0);
	json_decref(obj);
}

static void
test_flags_value_forms(void **state)
{
	struct ck_err err;
	uint32_t v;
	json_t *j;

	(void)state;
	j = json_loads("2147483648", JSON_DECODE_ANY, NULL);	/* unsigned form */
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_NAME_FLAG, j, &v, &err), 0);
	assert_int_equal(v, 0x80000000u);
	json_decref(j);
	j = json_loads("-1", JSON_DECODE_ANY, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_NAME_FLAG, j, &v, &err), 0);
	assert_int_equal(v, 0xffffffffu);
	json_decref(j);
	j = json_loads("4294967296", JSON_DECODE_ANY, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_NAME_FLAG, j, &v, &err), -1);
	json_decref(j);
	j = json_loads("-2147483649", JSON_DECODE_ANY, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_NAME_FLAG, j, &v, &err), -1);
	json_decref(j);
	j = json_loads("[\"PEND_ALL_REQUESTS\", \"0x100\"]", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), 0);
	assert_int_equal(v, 0x102u);
	json_decref(j);
	j = json_loads("[\"NO_SUCH_FLAG\"]", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), -1);
	assert_non_null(strstr(err.msg, "NO_SUCH_FLAG"));
	json_decref(j);
	j = json_loads("{\"raw\": 1, \"names\": [\"PEND_ALL_REQUESTS\"]}", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), 0);
	assert_int_equal(v, 1);	/* raw wins */
	json_decref(j);
	j = json_loads("{\"raw\": \"1\"}", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), -1);
	json_decref(j);
	j = json_loads("\"PEND_ALL_REQUESTS\"", JSON_DECODE_ANY, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), -1);
	json_decref(j);
	j = json_loads("[\"0x\"]", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), -1);
	json_decref(j);
	j = json_loads("[\"0x123456789\"]", 0, NULL);
	assert_int_equal(ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, j, &v, &err), -1);
	json_decref(j);
}

static void
test_attr_names(void **state)
{
	(void)state;
	assert_int_equal(ck_adcs_attr_from_field("flags"), CK_ADCS_FLAGS);
	assert_int_equal(ck_adcs_attr_from_field("enrollment_flag"), CK_ADCS_ENROLLMENT_FLAG);
	assert_int_equal(ck_adcs_attr_from_field("name_flag"), CK_ADCS_NAME_FLAG);
	assert_int_equal(ck_adcs_attr_from_field("private_key_flag"), CK_ADCS_PRIVATE_KEY_FLAG);
	assert_int_equal(ck_adcs_attr_from_field("msPKI-Enrollment-Flag"), -1);
	assert_int_equal(ck_adcs_attr_from_field(NULL), -1);
	assert_string_equal(ck_adcs_attr_ldap(CK_ADCS_NAME_FLAG), "msPKI-Certificate-Name-Flag");
	assert_string_equal(ck_adcs_attr_ldap(CK_ADCS_PRIVATE_KEY_FLAG), "msPKI-Private-Key-Flag");
	assert_string_equal(ck_adcs_attr_ldap(CK_ADCS_ENROLLMENT_FLAG), "msPKI-Enrollment-Flag");
	assert_string_equal(ck_adcs_attr_ldap(CK_ADCS_FLAGS), "flags");
}

struct period_case {
	double days;
	unsigned char bytes[8];
};

/* Bytes computed with Python struct.pack('<q', -round(days * 864e9)). */
static const struct period_case periods[] = {
	{ 365, { 0, 64, 57, 135, 46, 225, 254, 255 } },	/* [MS-CRTD] 2.11: 365 days */
	{ 42, { 0, 128, 166, 10, 255, 222, 255, 255 } },	/* 6 weeks */
	{ 730, { 0, 128, 114, 14, 93, 194, 253, 255 } },	/* 2 years */
	{ 0.5, { 0, 32, 203, 106, 155, 255, 255, 255 } },	/* 12 hours */
	{ 1.0 / 24, { 0, 152, 59, 158, 247, 255, 255, 255 } },	/* 1 hour */
};

static void
test_periods(void **state)
{
	size_t i;
	unsigned char out[8];
	double d;
	struct ck_err err;

	(void)state;
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		ck_adcs_period_encode(periods[i].days, out);
		assert_memory_equal(out, periods[i].bytes, 8);
		assert_int_equal(ck_adcs_period_decode(periods[i].bytes, 8, &d, &err), 0);
		assert_true(d > periods[i].days - 1e-9 && d < periods[i].days + 1e-9);
	}
}

static void
test_period_bad(void **state)
{
	static const unsigned char zero[8] = { 0 };
	static const unsigned char positive[8] = { 0, 64, 57, 135, 46, 225, 1, 0 };
	double d;
	struct ck_err err;

	(void)state;
	assert_int_equal(ck_adcs_period_decode(periods[0].bytes, 7, &d, &err), -1);
	assert_int_equal(err.code, CK_E_PARSE);
	assert_int_equal(ck_adcs_period_decode(periods[0].bytes, 9, &d, &err), -1);
	assert_int_equal(ck_adcs_period_decode(NULL, 8, &d, &err), -1);
	assert_int_equal(ck_adcs_period_decode(zero, 8, &d, &err), -1);
	assert_int_equal(ck_adcs_period_decode(positive, 8, &d, &err), -1);
}

struct ku_case {
	unsigned char bytes[2];
	size_t len;
	const char *names[4];
	size_t n;
};

static const struct ku_case ku_cases[] = {
	{ { 0x80, 0x00 }, 2, { "digital_signature" }, 1 },	/* pKIKeyUsage ([MS-CRTD]): digitalSignature */
	{ { 0xa0, 0x00 }, 2, { "digital_signature", "key_encipherment" }, 2 },
	{ { 0x86 }, 1, { "digital_signature", "key_cert_sign", "crl_sign" }, 3 },
	{ { 0x40 }, 1, { "non_repudiation" }, 1 },
	{ { 0x10 }, 1, { "data_encipherment" }, 1 },
	{ { 0x08 }, 1, { "key_agreement" }, 1 },
	{ { 0x01 }, 1, { "encipher_only" }, 1 },
	{ { 0x08, 0x80 }, 2, { "key_agreement", "decipher_only" }, 2 },
	{ { 0x00 }, 1, { NULL }, 0 },
};

static void
test_key_usage(void **state)
{
	size_t i, j, len;
	json_t *arr, *names;
	unsigned char out[2];
	struct ck_err err;

	(void)state;
	for (i = 0; i < sizeof(ku_cases) / sizeof(ku_cases[0]); i++) {
		const struct ku_case *c = &ku_cases[i];

		arr = ck_adcs_key_usage_json(c->bytes, c->len);
		assert_int_equal(json_array_size(arr), c->n);
		for (j = 0; j < c->n; j++)
			assert_string_equal(json_string_value(json_array_get(arr, j)), c->names[j]);
		json_decref(arr);
		names = json_array();
		for (j = 0; j < c->n; j++)
			json_array_append_new(names, json_string(c->names[j]));
		assert_int_equal(ck_adcs_key_usage_encode(names, out, &len, &err), 0);
		assert_int_equal(out[0], c->bytes[0]);
		if (c->len == 2 && c->bytes[1] != 0) {
			assert_int_equal(len, 2);
			assert_int_equal(out[1], c->bytes[1]);
		} else {
			assert_int_equal(len, 1);
			assert_int_equal(out[1], 0);
		}
		json_decref(names);
	}
	names = json_loads("[\"digitalSignature\"]", 0, NULL);
	assert_int_equal(ck_adcs_key_usage_encode(names, out, &len, &err), -1);
	json_decref(names);
	names = json_loads("{}", 0, NULL);
	assert_int_equal(ck_adcs_key_usage_encode(names, out, &len, &err), -1);
	json_decref(names);
	/* Empty input decodes to nothing. */
	arr = ck_adcs_key_usage_json(NULL, 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

static void
test_eku_names_match_cert_decoder(void **state)
{
	/* One table serves both directions: every name maps back to itself. */
	static const char *const names[] = { "server_auth", "client_auth", "any_purpose",
		"smartcard_logon", "certificate_request_agent", "pkinit_client_auth",
		"amt_provisioning", "efs", NULL };

	(void)state;
	for (size_t i = 0; names[i] != NULL; i++) {
		const char *oid = ck_tmpl_eku_oid(names[i]);

		assert_non_null(oid);
		assert_string_equal(ck_eku_short_name(oid), names[i]);
	}
	assert_string_equal(ck_tmpl_eku_oid("amt_provisioning"), "2.16.840.1.113741.1.2.3");
	assert_string_equal(ck_tmpl_eku_oid("server_auth"), "1.3.6.1.5.5.7.3.1");
	assert_null(ck_tmpl_eku_oid("serverAuth"));
}

static void
test_oids(void **state)
{
	static const char *const good[] = { "1.2", "1.3.6.1.4.1.311.21.8.1", "2.16.840.1.113741.1.2.3", "0.0" };
	static const char *const bad[] = { "", "1", "3.1", "1.", ".1", "1..2", "1.02", "1.a", "1.2 ", "01.2",
		"1.2.12345678901" };
	size_t i;
	char a[256], b[256];
	struct ck_err err;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(ck_oid_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(ck_oid_valid(bad[i]));
	assert_int_equal(ck_tmpl_oid("1.3.6.1.4.1.311.21.8.7", "AMTWebServer", a, sizeof(a), &err), 0);
	assert_int_equal(ck_tmpl_oid("1.3.6.1.4.1.311.21.8.7", "AMTWebServer", b, sizeof(b), &err), 0);
	assert_string_equal(a, b);
	assert_true(strncmp(a, "1.3.6.1.4.1.311.21.8.7.", 23) == 0);
	assert_true(ck_oid_valid(a));
	assert_int_equal(ck_tmpl_oid("1.3.6.1.4.1.311.21.8.7", "AMTProvisioning", b, sizeof(b), &err), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(ck_tmpl_oid("1.3.x", "AMTWebServer", a, sizeof(a), &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	assert_int_equal(ck_tmpl_oid("1.3.6", "AMTWebServer", a, 8, &err), -1);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
test_enroll_sd(void **state)
{
	static const char *const sids[] = { "S-1-5-21-1-2-3-1105" };
	static const char *const badsid[] = { "S-1-5-21-x" };
	static const unsigned char enroll_guid[16] = {
		0x68, 0xc9, 0x10, 0x0e, 0xfb, 0x78, 0xd2, 0x11,
		0x90, 0xd4, 0x00, 0xc0, 0x4f, 0x79, 0xdc, 0x55
	};
	unsigned char *sd, *ace;
	size_t len, off;
	unsigned i, count;
	char s[CK_SID_STR_MAX];
	struct ck_err err;
	int saw_read = 0, saw_enroll = 0, saw_admin = 0;

	(void)state;
	assert_int_equal(ck_tmpl_enroll_sd(sids, 1, &sd, &len, &err), 0);
	assert_int_equal(sd[0], 1);				/* revision */
	assert_int_equal(sd[2] | sd[3] << 8, 0x8004);		/* self-relative, DACL present */
	assert_int_equal(le32(sd + 4), 0);			/* no owner */
	assert_int_equal(le32(sd + 8), 0);			/* no group */
	assert_int_equal(le32(sd + 12), 0);			/* no SACL */
	assert_int_equal(le32(sd + 16), 20);			/* DACL */
	assert_int_equal(sd[20], 4);				/* ACL_REVISION_DS */
	assert_int_equal((size_t)(sd[22] | sd[23] << 8), len - 20);
	count = sd[24] | sd[25] << 8;
	assert_int_equal(count, 5);
	off = 28;
	for (i = 0; i < count; i++) {
		size_t sz;
		uint32_t mask;
		int sidoff;

		ace = sd + off;
		sz = ace[2] | ace[3] << 8;
		assert_true(sz % 4 == 0 && off + sz <= len);
		mask = le32(ace + 4);
		sidoff = ace[0] == 5 ? 28 : 8;
		assert_true(ck_sid_to_string(ace + sidoff, sz - (size_t)sidoff, s, &err) > 0);
		if (strcmp(s, sids[0]) == 0 && ace[0] == 0 && mask == 0x20094)
			saw_read = 1;
		if (strcmp(s, sids[0]) == 0 && ace[0] == 5 && mask == 0x100 &&
		    le32(ace + 8) == 1 && memcmp(ace + 12, enroll_guid, 16) == 0)
			saw_enroll = 1;
		if (strcmp(s, "S-1-5-32-544") == 0 && mask == 0xF01FF)
			saw_admin = 1;
		off += sz;
	}
	assert_int_equal(off, len);
	assert_true(saw_read && saw_enroll && saw_admin);
	free(sd);
	assert_int_equal(ck_tmpl_enroll_sd(badsid, 1, &sd, &len, &err), -1);
	assert_null(sd);
	assert_non_null(strstr(err.msg, "S-1-5-21-x"));
}

static const char good_tmpl[] =
    "{\"kind\":\"template\",\"v\":1,\"name\":\"T\",\"schema_version\":2,"
    "\"min_key_bits\":2048,\"enrollment_flag\":{\"names\":[\"PEND_ALL_REQUESTS\"]},"
    "\"name_flag\":-2147483648,\"eku\":[\"server_auth\",\"1.2.3.4\"],"
    "\"key_usage\":[\"digital_signature\"],\"validity_days\":365,\"renewal_days\":42}";

static void
test_check_good(void **state)
{
	json_t *t;
	struct ck_err err;
	static const char *const pend[] = { "PEND_ALL_REQUESTS" };
	static const char *const dp[] = { "SUBJECT_REQUIRE_DIRECTORY_PATH" };

	(void)state;
	t = json_loads(good_tmpl, 0, NULL);
	assert_int_equal(ck_tmpl_check(t, &err), 0);
	assert_flags(json_object_get(t, "enrollment_flag"), 2, pend, 1);
	assert_flags(json_object_get(t, "name_flag"), INT32_MIN, dp, 1);
	assert_flags(json_object_get(t, "flags"), 0, NULL, 0);
	assert_true(json_is_array(json_object_get(t, "acl")));
	json_decref(t);
}

/* Each mutation of the good template must be refused, naming the field. */
static const struct {
	const char *field;
	const char *value;
	const char *expect;
} bad_fields[] = {
	{ "kind", "\"cert\"", "kind" },
	{ "name", "\"\"", "name" },
	{ "name", "null", "name" },
	{ "schema_version", "5", "schema_version" },
	{ "min_key_bits", "\"2048\"", "min_key_bits" },
	{ "enrollment_flag", "{\"raw\":0,\"names\":[\"PEND_ALL_REQUESTS\"]}", "enrollment_flag" },
	{ "name_flag", "[\"PEND_ALL_REQUESTS\"]", "PEND_ALL_REQUESTS" },
	{ "eku", "[\"serverAuth\"]", "serverAuth" },
	{ "eku", "\"server_auth\"", "eku" },
	{ "key_usage", "[\"sign\"]", "sign" },
	{ "validity_days", "0", "validity_days" },
	{ "renewal_days", "400", "renewal_days" },
	{ "oid", "\"1.2.x\"", "oid" },
	{ "ra_signatures", "-1", "ra_signatures" },
	{ "subject_source", "\"csr\"", "subject_source" },
	{ "ca", "\"no\"", "ca" },
};

static void
test_check_bad(void **state)
{
	size_t i;
	json_t *t;
	struct ck_err err;

	(void)state;
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		t = json_loads(good_tmpl, 0, NULL);
		json_object_set_new(t, bad_fields[i].field,
		    json_loads(bad_fields[i].value, JSON_DECODE_ANY, NULL));
		assert_int_equal(ck_tmpl_check(t, &err), -1);
		if (strstr(err.msg, bad_fields[i].expect) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", bad_fields[i].field, err.msg,
			    bad_fields[i].expect);
		json_decref(t);
	}
	t = json_loads("[1]", 0, NULL);
	assert_int_equal(ck_tmpl_check(t, &err), -1);
	json_decref(t);
	t = json_loads(good_tmpl, 0, NULL);
	json_object_del(t, "key_usage");
	assert_int_equal(ck_tmpl_check(t, &err), -1);
	json_decref(t);
}

static void
test_ldif_needs(void **state)
{
	json_t *t;
	struct ck_err err;
	struct ck_tmpl_ldif_opts o = { 0 };
	char *l;

	(void)state;
	t = json_loads(good_tmpl, 0, NULL);
	assert_int_equal(ck_tmpl_check(t, &err), 0);
	o.forest_dn = "DC=corp,DC=example";
	assert_null(ck_tmpl_ldif(t, &o, &err));		/* no OID */
	assert_non_null(strstr(err.msg, "--oid-base"));
	o.oid_base = "1.3.6.1.4.1.311.21.8.9";
	assert_int_equal(ck_tmpl_apply(t, &o, &err), 0);
	o.forest_dn = NULL;
	assert_null(ck_tmpl_ldif(t, &o, &err));
	assert_non_null(strstr(err.msg, "--forest-dn"));
	o.forest_dn = "DC=corp,DC=example";
	l = ck_tmpl_ldif(t, &o, &err);
	assert_non_null(l);
	assert_non_null(strstr(l, "dn: CN=T,CN=Certificate Templates,CN=Public Key Services,"
	    "CN=Services,CN=Configuration,DC=corp,DC=example\n"));
	assert_non_null(strstr(l, "msPKI-Certificate-Name-Flag: -2147483648\n"));
	assert_non_null(strstr(l, "msPKI-Enrollment-Flag: 2\n"));
	assert_non_null(strstr(l, "pKIKeyUsage:: gAA=\n"));
	assert_non_null(strstr(l, "pKIExpirationPeriod:: AEA5hy7h/v8=\n"));
	assert_non_null(strstr(l, "pKIExtendedKeyUsage: 1.3.6.1.5.5.7.3.1\npKIExtendedKeyUsage: 1.2.3.4\n"));
	assert_null(strstr(l, "nTSecurityDescriptor"));
	free(l);
	o.name = "bad,name";
	assert_int_equal(ck_tmpl_apply(t, &o, &err), 0);
	assert_null(ck_tmpl_ldif(t, &o, &err));
	json_decref(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_flag_both_ways),
		cmocka_unit_test(test_names_are_per_attribute),
		cmocka_unit_test(test_negative_and_unknown),
		cmocka_unit_test(test_flags_value_forms),
		cmocka_unit_test(test_attr_names),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_period_bad),
		cmocka_unit_test(test_key_usage),
		cmocka_unit_test(test_eku_names_match_cert_decoder),
		cmocka_unit_test(test_oids),
		cmocka_unit_test(test_enroll_sd),
		cmocka_unit_test(test_check_good),
		cmocka_unit_test(test_check_bad),
		cmocka_unit_test(test_ldif_needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
