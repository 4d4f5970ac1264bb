/*
 * ck_adcs: AD CS certificate template encodings.  The flag tables below are
 * [MS-CRTD] 2.4, 2.26, 2.27, 2.28 ; every
 * entry is there and nothing else (bits we do not know become hex names).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_adcs.h"

#include "ck_num.h"

struct flag_name {
	uint32_t bit;
	const char *name;
};

/* flags ([MS-CRTD] 2.4). */
static const struct flag_name general_flags[] = {
	{ 0x20u, "AUTO_ENROLLMENT" },
	{ 0x40u, "MACHINE_TYPE" },
	{ 0x80u, "IS_CA" },
	{ 0x200u, "ADD_TEMPLATE_NAME" },
	{ 0x800u, "IS_CROSS_CA" },
	{ 0x1000u, "DONOTPERSISTINDB" },
	{ 0x10000u, "IS_DEFAULT" },
	{ 0x20000u, "IS_MODIFIED" },
	{ 0, NULL }
};

/* msPKI-Enrollment-Flag ([MS-CRTD] 2.26). */
static const struct flag_name enrollment_flags[] = {
	{ 0x1u, "INCLUDE_SYMMETRIC_ALGORITHMS" },
	{ 0x2u, "PEND_ALL_REQUESTS" },
	{ 0x4u, "PUBLISH_TO_KRA_CONTAINER" },
	{ 0x8u, "PUBLISH_TO_DS" },
	{ 0x10u, "AUTO_ENROLLMENT_CHECK_USER_DS_CERTIFICATE" },
	{ 0x20u, "AUTO_ENROLLMENT" },
	{ 0x40u, "PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT" },
	{ 0x100u, "USER_INTERACTION_REQUIRED" },
	{ 0x400u, "REMOVE_INVALID_CERTIFICATE_FROM_PERSONAL_STORE" },
	{ 0x800u, "ALLOW_ENROLL_ON_BEHALF_OF" },
	{ 0x1000u, "ADD_OCSP_NOCHECK" },
	{ 0x2000u, "ENABLE_KEY_REUSE_ON_NT_TOKEN_KEYSET_STORAGE_FULL" },
	{ 0x4000u, "NOREVOCATIONINFOINISSUEDCERTS" },
	{ 0x8000u, "INCLUDE_BASIC_CONSTRAINTS_FOR_EE_CERTS" },
	{ 0x10000u, "ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT" },
	{ 0x20000u, "ISSUANCE_POLICIES_FROM_REQUEST" },
	{ 0x40000u, "SKIP_AUTO_RENEWAL" },
	{ 0x80000u, "NO_SECURITY_EXTENSION" },
	{ 0, NULL }
};

/* msPKI-Certificate-Name-Flag ([MS-CRTD] 2.28). */
static const struct flag_name name_flags[] = {
	{ 0x1u, "ENROLLEE_SUPPLIES_SUBJECT" },
	{ 0x8u, "OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME" },
	{ 0x10000u, "ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME" },
	{ 0x400000u, "SUBJECT_ALT_REQUIRE_DOMAIN_DNS" },
	{ 0x800000u, "SUBJECT_ALT_REQUIRE_SPN" },
	{ 0x1000000u, "SUBJECT_ALT_REQUIRE_DIRECTORY_GUID" },
	{ 0x2000000u, "SUBJECT_ALT_REQUIRE_UPN" },
	{ 0x4000000u, "SUBJECT_ALT_REQUIRE_EMAIL" },
	{ 0x8000000u, "SUBJECT_ALT_REQUIRE_DNS" },
	{ 0x10000000u, "SUBJECT_REQUIRE_DNS_AS_CN" },
	{ 0x20000000u, "SUBJECT_REQUIRE_EMAIL" },
	{ 0x40000000u, "SUBJECT_REQUIRE_COMMON_NAME" },
	{ 0x80000000u, "SUBJECT_REQUIRE_DIRECTORY_PATH" },
	{ 0, NULL }
};

/*
 * msPKI-Private-Key-Flag ([MS-CRTD] 2.27).  The attestation
 * names for 0x1000/0x2000/0x4000 are MS-CRTD's CT_FLAG_ATTEST_PREFERRED,
 * CT_FLAG_ATTEST_REQUIRED and CT_FLAG_ATTESTATION_WITHOUT_POLICY.
 */
static const struct flag_name private_key_flags[] = {
	{ 0x1u, "REQUIRE_PRIVATE_KEY_ARCHIVAL" },
	{ 0x10u, "EXPORTABLE_KEY" },
	{ 0x20u, "STRONG_KEY_PROTECTION_REQUIRED" },
	{ 0x40u, "REQUIRE_ALTERNATE_SIGNATURE_ALGORITHM" },
	{ 0x80u, "REQUIRE_SAME_KEY_RENEWAL" },
	{ 0x100u, "USE_LEGACY_PROVIDER" },
	{ 0x1000u, "ATTEST_PREFERRED" },
	{ 0x2000u, "ATTEST_REQUIRED" },
	{ 0x4000u, "ATTESTATION_WITHOUT_POLICY" },
	{ 0, NULL }
};

#define PK_SERVER_VERSION_MASK 0x000F0000u
#define PK_SERVER_VERSION_SHIFT 16
#define PK_CLIENT_VERSION_MASK 0x0F000000u
#define PK_CLIENT_VERSION_SHIFT 24

static const struct {
	const char *field;
	const char *ldap;
	const struct flag_name *table;
} attrs[] = {
	[CK_ADCS_FLAGS] = { "flags", "flags", general_flags },
	[CK_ADCS_ENROLLMENT_FLAG] = { "enrollment_flag", "msPKI-Enrollment-Flag", enrollment_flags },
	[CK_ADCS_NAME_FLAG] = { "name_flag", "msPKI-Certificate-Name-Flag", name_flags },
	[CK_ADCS_PRIVATE_KEY_FLAG] = { "private_key_flag", "msPKI-Private-Key-Flag", private_key_flags },
};

#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))

static int
attr_ok(enum ck_adcs_attr attr)
{
	return (unsigned)attr < N_ATTRS;
}

int
ck_adcs_attr_from_field(const char *field)
{
	size_t i;

	if (field == NULL)
		return -1;
	for (i = 0; i < N_ATTRS; i++)
		if (strcmp(field, attrs[i].field) == 0)
			return (int)i;
	return -1;
}

const char *
ck_adcs_attr_field(enum ck_adcs_attr attr)
{
	return attr_ok(attr) ? attrs[attr].field : NULL;
}

const char *
ck_adcs_attr_ldap(enum ck_adcs_attr attr)
{
	return attr_ok(attr) ? attrs[attr].ldap : NULL;
}

const char *
ck_adcs_flag_name(enum ck_adcs_attr attr, uint32_t bit)
{
	const struct flag_name *f;

	if (!attr_ok(attr))
		return NULL;
	for (f = attrs[attr].table; f->name != NULL; f++)
		if (f->bit == bit)
			return f->name;
	return NULL;
}

json_t *
ck_adcs_flags_json(enum ck_adcs_attr attr, int32_t raw)
{
	uint32_t v = (uint32_t)raw;
	json_t *obj, *names;
	char buf[32];
	int bit;

	obj = json_object();
	names = json_array();
	if (obj == NULL || names == NULL) {
		json_decref(obj);
		json_decref(names);
		return NULL;
	}
	json_object_set_new(obj, "raw", json_integer(raw));
	if (attr == CK_ADCS_PRIVATE_KEY_FLAG) {
		/* Version fields are numbers, not bits: name them once each. */
		uint32_t sv = (v & PK_SERVER_VERSION_MASK) >> PK_SERVER_VERSION_SHIFT;
		uint32_t cv = (v & PK_CLIENT_VERSION_MASK) >> PK_CLIENT_VERSION_SHIFT;

		v &= ~(PK_SERVER_VERSION_MASK | PK_CLIENT_VERSION_MASK);
		for (bit = 0; bit < 32; bit++) {
			uint32_t b = 1u << bit;
			const char *n;

			if (!(v & b))
				continue;
			n = ck_adcs_flag_name(attr, b);
			if (n != NULL) {
				json_array_append_new(names, json_string(n));
			} else {
				snprintf(buf, sizeof(buf), "0x%08" PRIx32, b);
				json_array_append_new(names, json_string(buf));
			}
		}
		if (sv != 0) {
			snprintf(buf, sizeof(buf), "SERVER_VERSION_%" PRIu32, sv);
			json_array_append_new(names, json_string(buf));
		}
		if (cv != 0) {
			snprintf(buf, sizeof(buf), "CLIENT_VERSION_%" PRIu32, cv);
			json_array_append_new(names, json_string(buf));
		}
	} else {
		for (bit = 0; bit < 32; bit++) {
			uint32_t b = 1u << bit;
			const char *n;

			if (!(v & b))
				continue;
			n = attr_ok(attr) ? ck_adcs_flag_name(attr, b) : NULL;
			if (n != NULL) {
				json_array_append_new(names, json_string(n));
			} else {
				snprintf(buf, sizeof(buf), "0x%08" PRIx32, b);
				json_array_append_new(names, json_string(buf));
			}
		}
	}
	json_object_set_new(obj, "names", names);
	return obj;
}

/* "0x..." (1 to 8 hex digits) -> value; 0 or -1. */
static int
parse_hex_name(const char *s, uint32_t *out)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	return ck_hex_u32(s + 2, strlen(s + 2), out);
}

/* "SERVER_VERSION_<n>" / "CLIENT_VERSION_<n>", n in 1..15. */
static int
parse_version_name(const char *s, uint32_t *out)
{
	const char *p;
	int shift;
	char *end;
	unsigned long n;

	if (strncmp(s, "SERVER_VERSION_", 15) == 0) {
		p = s + 15;
		shift = PK_SERVER_VERSION_SHIFT;
	} else if (strncmp(s, "CLIENT_VERSION_", 15) == 0) {
		p = s + 15;
		shift = PK_CLIENT_VERSION_SHIFT;
	} else {
		return -1;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	n = strtoul(p, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 15)
		return -1;
	*out = (uint32_t)n << shift;
	return 0;
}

int
ck_adcs_flag_bit(enum ck_adcs_attr attr, const char *name, uint32_t *bit,
    struct ck_err *err)
{
	const struct flag_name *f;
	const char *n = name;

	if (!attr_ok(attr))
		return ck_err_set(err, CK_E_USAGE, "unknown flag attribute");
	if (name == NULL || *name == '\0')
		return ck_err_set(err, CK_E_PARSE, "empty flag name");
	if (parse_hex_name(name, bit) == 0)
		return 0;
	/* The CT_FLAG_ prefix of the Windows headers is accepted and ignored. */
	if (strncmp(n, "CT_FLAG_", 8) == 0)
		n += 8;
	for (f = attrs[attr].table; f->name != NULL; f++) {
		if (strcmp(f->name, n) == 0) {
			*bit = f->bit;
			return 0;
		}
	}
	if (attr == CK_ADCS_PRIVATE_KEY_FLAG && parse_version_name(n, bit) == 0)
		return 0;
	return ck_err_set(err, CK_E_PARSE, "'%s': not a %s name", name, attrs[attr].ldap);
}

static int
names_value(enum ck_adcs_attr attr, const json_t *arr, uint32_t *out, struct ck_err *err)
{
	size_t i;
	json_t *e;
	uint32_t v = 0, b;

	json_array_foreach(arr, i, e) {
		if (!json_is_string(e))
			return ck_err_set(err, CK_E_PARSE, "%s: names must be strings",
			    attrs[attr].field);
		if (ck_adcs_flag_bit(attr, json_string_value(e), &b, err) == -1)
			return -1;
		v |= b;
	}
	*out = v;
	return 0;
}

static int
int_value(enum ck_adcs_attr attr, const json_t *v, uint32_t *out, struct ck_err *err)
{
	json_int_t i = json_integer_value(v);

	/* Both the signed LDAP reading and the unsigned bit pattern are accepted. */
	if (i < (json_int_t)INT32_MIN || i > (json_int_t)UINT32_MAX)
		return ck_err_set(err, CK_E_PARSE, "%s: %" JSON_INTEGER_FORMAT
		    " is not a 32-bit value", attrs[attr].field, i);
	*out = (uint32_t)(int64_t)i;
	return 0;
}

int
ck_adcs_flags_value(enum ck_adcs_attr attr, const json_t *v, uint32_t *out,
    struct ck_err *err)
{
	const json_t *raw, *names;

	if (!attr_ok(attr))
		return ck_err_set(err, CK_E_USAGE, "unknown flag attribute");
	if (json_is_integer(v))
		return int_value(attr, v, out, err);
	if (json_is_array(v))
		return names_value(attr, v, out, err);
	if (json_is_object(v)) {
		raw = json_object_get(v, "raw");
		names = json_object_get(v, "names");
		if (raw != NULL) {
			if (!json_is_integer(raw))
				return ck_err_set(err, CK_E_PARSE, "%s: raw is not an integer",
				    attrs[attr].field);
			return int_value(attr, raw, out, err);
		}
		if (json_is_array(names))
			return names_value(attr, names, out, err);
		return ck_err_set(err, CK_E_PARSE, "%s: neither raw nor names",
		    attrs[attr].field);
	}
	return ck_err_set(err, CK_E_PARSE, "%s: not a flag value", attrs[attr].field);
}

/* 100 ns units per day. */
#define TICKS_PER_DAY 864000000000.0

int
ck_adcs_period_decode(const unsigned char *buf, size_t len, double *days,
    struct ck_err *err)
{
	uint64_t u = 0;
	int64_t v;
	int i;

	if (buf == NULL || len != 8)
		return ck_err_set(err, CK_E_PARSE, "period is %zu bytes, not 8", len);
	for (i = 7; i >= 0; i--)
		u = (u << 8) | buf[i];
	v = (int64_t)u;
	if (v >= 0)
		return ck_err_set(err, CK_E_PARSE, "period is not a negative interval");
	/* INT64_MIN has no positive counterpart; compute in double. */
	*days = -(double)v / TICKS_PER_DAY;
	return 0;
}

void
ck_adcs_period_encode(double days, unsigned char out[8])
{
	double ticks;
	int64_t v;
	uint64_t u;
	int i;

	if (!(days > 0))
		days = 0;
	ticks = days * TICKS_PER_DAY;
	if (ticks > 9.2e18)
		ticks = 9.2e18;
	v = -(int64_t)llround(ticks);
	u = (uint64_t)v;
	for (i = 0; i < 8; i++) {
		out[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
}

/* RFC 5280 KeyUsage bits, in bit-string order (bit 0 = 0x80 of byte 0). */
static const char *const ku_names[] = {
	"digital_signature", "non_repudiation", "key_encipherment",
	"data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
	"encipher_only", "decipher_only"
};
#define N_KU (sizeof(ku_names) / sizeof(ku_names[0]))

json_t *
ck_adcs_key_usage_json(const unsigned char *buf, size_t len)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < N_KU; i++) {
		size_t byte = i / 8;
		unsigned mask = 0x80u >> (i % 8);

		if (byte < len && (buf[byte] & mask))
			json_array_append_new(arr, json_string(ku_names[i]));
	}
	return arr;
}

int
ck_adcs_key_usage_bit(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < N_KU; i++)
		if (strcmp(name, ku_names[i]) == 0)
			return (int)i;
	return -1;
}

int
ck_adcs_key_usage_encode(const json_t *names, unsigned char out[2], size_t *len,
    struct ck_err *err)
{
	size_t i;
	json_t *e;
	int bit;

	out[0] = out[1] = 0;
	*len = 1;
	if (!json_is_array(names))
		return ck_err_set(err, CK_E_PARSE, "key_usage is not an array");
	json_array_foreach(names, i, e) {
		if (!json_is_string(e))
			return ck_err_set(err, CK_E_PARSE, "key_usage names must be strings");
		bit = ck_adcs_key_usage_bit(json_string_value(e));
		if (bit < 0)
			return ck_err_set(err, CK_E_PARSE, "'%s': not a key usage name",
			    json_string_value(e));
		out[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
		if (bit >= 8)
			*len = 2;
	}
	return 0;
}

/*
 * Read from the schema of the test harness's Samba AD DC (tests/harness/
 * samba.sh, Samba 4.17.12): ldapsearch -b CN=Schema,CN=Configuration,DC=corp,
 * DC=example '(lDAPDisplayName=NAME)' schemaIDGUID, converted from the
 * mixed-endian binary form.  Samba builds that schema from Microsoft's
 * published schema text ([MS-ADA2] Active Directory Schema Attributes M,
 * [MS-ADA3] Attributes N-Z; shipped as MS-AD_Schema_2K8_R2_Attributes.txt in
 * samba-ad-provision), where each attribute's "schemaIdGuid:" line agrees.
 */
static const struct ck_adcs_schema_attr security_attrs[] = {
	{ "msPKI-Certificate-Name-Flag", "ea1dddc4-60ff-416e-8cc0-17cee534bce7" },
	{ "pKIExtendedKeyUsage", "18976af6-3b9e-11d2-90cc-00c04fd91ab1" },
	{ "msPKI-Certificate-Application-Policy", "dbd90548-aa37-4202-9966-8c537ba5ce32" },
	{ "msPKI-Enrollment-Flag", "d15ef7d8-f226-46db-ae79-b34e560bd12c" },
	{ "msPKI-RA-Signature", "fe17e04b-937d-4f7e-8e0e-9292c8d5683e" },
	{ "msPKI-Certificate-Policy", "38942346-cc5b-424b-a7d8-6ffd12029c5f" },
	{ "msPKI-Private-Key-Flag", "bab04ac2-0435-4709-9307-28380e7c7001" },
};

const struct ck_adcs_schema_attr *
ck_adcs_security_attrs(size_t *n)
{
	*n = sizeof(security_attrs) / sizeof(security_attrs[0]);
	return security_attrs;
}
