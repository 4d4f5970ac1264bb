/*
 * Unit tests for ck_issue's pure parts: template -> extension values, key
 * checks (min_key_bits, key type, the amt CA policy), serial numbers,
 * where subject and names come from, the certificate's public key, DN
 * parsing, revocation reason names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_clock.h"
#include "ck_issue.h"
#include "ck_ledger.h"

static json_t *
tmpl(const char *text)
{
	json_error_t je;
	json_t *t = json_loads(text, 0, &je);

	if (t == NULL)
		fail_msg("bad test template: %s: %s", text, je.text);
	return t;
}

/* ---- template -> extendedKeyUsage / keyUsage ---- */

struct conf_case {
	const char *tmpl;
	const char *want;	/* NULL: must fail with code */
	enum ck_errcode code;
};

static const struct conf_case eku_cases[] = {
	{ "{\"eku\": [\"server_auth\"]}", "1.3.6.1.5.5.7.3.1", CK_E_NONE },
	{ "{\"eku\": [\"server_auth\", \"amt_provisioning\"]}",
	  "1.3.6.1.5.5.7.3.1,2.16.840.1.113741.1.2.3", CK_E_NONE },
	{ "{\"eku\": [\"client_auth\", \"1.2.3.4.5\"]}", "1.3.6.1.5.5.7.3.2,1.2.3.4.5", CK_E_NONE },
	/* An empty eku falls back to application_policies. */
	{ "{\"eku\": [], \"application_policies\": [\"client_auth\"]}", "1.3.6.1.5.5.7.3.2", CK_E_NONE },
	{ "{\"application_policies\": [\"smart_card_logon\"]}", "1.3.6.1.4.1.311.20.2.2", CK_E_NONE },
	{ "{}", "", CK_E_NONE },
	{ "{\"eku\": [\"no_such_purpose\"]}", NULL, CK_E_PARSE },
	{ "{\"eku\": [\"1.2.\"]}", "1.2.", CK_E_NONE },	/* dotted: OpenSSL judges it later */
	{ "{\"eku\": [\"1..x\"]}", NULL, CK_E_PARSE },
	{ "{\"eku\": [42]}", NULL, CK_E_PARSE },
};

static const struct conf_case ku_cases[] = {
	{ "{\"key_usage\": [\"digital_signature\", \"key_encipherment\"]}",
	  "digitalSignature,keyEncipherment", CK_E_NONE },
	{ "{\"key_usage\": [\"keyCertSign\", \"crl_sign\"]}", "keyCertSign,cRLSign", CK_E_NONE },
	{ "{\"key_usage\": []}", "", CK_E_NONE },
	{ "{}", "", CK_E_NONE },
	{ "{\"key_usage\": [\"sign_everything\"]}", NULL, CK_E_PARSE },
	{ "{\"key_usage\": [null]}", NULL, CK_E_PARSE },
};

static void
run_conf(const struct conf_case *c, size_t n,
    int (*fn)(const json_t *, char *, size_t, struct ck_err *))
{
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *t = tmpl(c[i].tmpl);
		struct ck_err e;
		char buf[512];
		int rc;

		ck_err_clear(&e);
		rc = fn(t, buf, sizeof(buf), &e);
		if (c[i].want) {
			if (rc != 0)
				fail_msg("%s: %s", c[i].tmpl, e.msg);
			assert_string_equal(buf, c[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(e.code, c[i].code);
		}
		json_decref(t);
	}
}

static void
test_eku_conf(void **state)
{
	(void)state;
	run_conf(eku_cases, sizeof(eku_cases) / sizeof(eku_cases[0]), ck_issue_eku_conf);
}

static void
test_ku_conf(void **state)
{
	(void)state;
	run_conf(ku_cases, sizeof(ku_cases) / sizeof(ku_cases[0]), ck_issue_ku_conf);
}

static void
test_conf_too_small(void **state)
{
	json_t *t = tmpl("{\"eku\": [\"server_auth\", \"client_auth\"]}");
	struct ck_err e;
	char buf[20];

	(void)state;
	ck_err_clear(&e);
	assert_int_equal(ck_issue_eku_conf(t, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.code, CK_E_LIMIT);
	json_decref(t);
}

/* ---- --san ---- */

static const struct {
	const char *in, *want;
} san_cases[] = {
	{ "dns:amt01.corp.example", "DNS:amt01.corp.example" },
	{ "DNS:a.example,ip:192.0.2.1", "DNS:a.example,IP:192.0.2.1" },
	{ "dns:a, email:x@example.com", "DNS:a,email:x@example.com" },
	{ "uri:http://x.example/", "URI:http://x.example/" },
	{ "upn:admin@corp.example", "otherName:msUPN;UTF8:admin@corp.example" },
	{ "a.example", NULL },		/* no type */
	{ "dns:", NULL },		/* no value */
	{ "dns:a,,dns:b", NULL },	/* empty item */
	{ "rid:1.2.3", NULL },
};

static void
test_san_conf(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(san_cases) / sizeof(san_cases[0]); i++) {
		struct ck_err e;
		char buf[256];
		int rc;

		ck_err_clear(&e);
		rc = ck_issue_san_conf(san_cases[i].in, buf, sizeof(buf), &e);
		if (san_cases[i].want) {
			if (rc != 0)
				fail_msg("'%s': %s", san_cases[i].in, e.msg);
			assert_string_equal(buf, san_cases[i].want);
		} else {
			if (rc != -1)
				fail_msg("'%s' accepted as '%s'", san_cases[i].in, buf);
			assert_int_equal(e.code, CK_E_USAGE);
		}
	}
}

/* ---- keys ---- */

static EVP_PKEY *rsa1024, *rsa2048, *rsa3072, *ec256;

static int
keys_setup(void **state)
{
	(void)state;
	rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa3072 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	ec256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return rsa1024 && rsa2048 && rsa3072 && ec256 ? 0 : -1;
}

static int
keys_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(rsa2048);
	EVP_PKEY_free(rsa3072);
	EVP_PKEY_free(ec256);
	return 0;
}

/* A request with key k and subject cn (NULL: empty subject); unsigned, which ck_csr_check does not look at. */
static X509_REQ *
req_new(EVP_PKEY *k, const char *cn)
{
	X509_REQ *r = X509_REQ_new();

	assert_non_null(r);
	assert_int_equal(X509_REQ_set_pubkey(r, k), 1);
	if (cn)
		assert_int_equal(X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "CN",
		    MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0), 1);
	return r;
}

static void
test_csr_check(void **state)
{
	static const char *const t_v2 = "{\"name\":\"T\",\"schema_version\":2,\"min_key_bits\":2048}";
	static const char *const t_v2_ec = "{\"name\":\"T\",\"schema_version\":2,\"key_alg\":\"ec\"}";
	static const char *const t_v4 = "{\"name\":\"T\",\"schema_version\":4,\"min_key_bits\":256}";
	static const char *const t_v4_3k = "{\"name\":\"T\",\"schema_version\":4,\"min_key_bits\":3072}";
	const struct {
		const char *tmpl;
		EVP_PKEY **key;
		enum ck_errcode code;	/* CK_E_NONE: accepted */
	} cases[] = {
		{ t_v2, &rsa2048, CK_E_NONE },
		{ t_v2, &rsa3072, CK_E_NONE },
		{ t_v2, &rsa1024, CK_E_POLICY },	/* below min_key_bits */
		{ t_v2, &ec256, CK_E_POLICY },		/* v1/v2 templates: legacy CSPs, RSA only */
		{ t_v2_ec, &ec256, CK_E_NONE },		/* unless the template says otherwise */
		{ t_v2_ec, &rsa2048, CK_E_POLICY },
		{ t_v4, &ec256, CK_E_NONE },		/* v3+: any algorithm */
		{ t_v4, &rsa2048, CK_E_NONE },
		{ t_v4_3k, &rsa2048, CK_E_POLICY },
		{ t_v4_3k, &rsa3072, CK_E_NONE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *t = tmpl(cases[i].tmpl);
		X509_REQ *r = req_new(*cases[i].key, "x");
		struct ck_err e;
		int rc;

		ck_err_clear(&e);
		rc = ck_csr_check(r, t, &e);
		if (cases[i].code == CK_E_NONE) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, e.msg);
		} else {
			if (rc != -1)
				fail_msg("case %zu accepted", i);
			assert_int_equal(e.code, cases[i].code);
			assert_non_null(strstr(e.msg, "'T'"));
		}
		X509_REQ_free(r);
		json_decref(t);
	}
}

static void
test_policy_check_key(void **state)
{
	const struct {
		const char *policy;
		EVP_PKEY **key;
		enum ck_errcode code;
	} cases[] = {
		{ NULL, &rsa3072, CK_E_NONE },
		{ NULL, &ec256, CK_E_NONE },
		{ "amt", &rsa2048, CK_E_NONE },
		{ "amt", &rsa1024, CK_E_NONE },
		{ "amt", &rsa3072, CK_E_POLICY },	/* over 2048 bits */
		{ "amt", &ec256, CK_E_POLICY },		/* not RSA */
		{ "nsa", &rsa2048, CK_E_USAGE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_err e;
		int rc;

		ck_err_clear(&e);
		rc = ck_policy_check_key(cases[i].policy, *cases[i].key, "CA", &e);
		if (cases[i].code == CK_E_NONE) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(e.code, cases[i].code);
		}
	}
}

/* ---- serials ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_serial(void **state)
{
	enum { N = 500 };
	char *hex[N];
	size_t i, k;

	(void)state;
	for (i = 0; i < N; i++) {
		struct ck_err e;
		BIGNUM *bn = ck_issue_serial(&hex[i], &e);
		char *back;

		assert_non_null(bn);
		/* 16 bytes, top bit clear, next set: always 32 digits, 4..7 first. */
		assert_int_equal(strlen(hex[i]), 32);
		assert_true(hex[i][0] >= '4' && hex[i][0] <= '7');
		for (k = 0; k < 32; k++)
			assert_non_null(strchr("0123456789abcdef", hex[i][k]));
		assert_int_equal(BN_num_bits(bn), 127);
		assert_false(BN_is_negative(bn));
		back = BN_bn2hex(bn);
		assert_int_equal(strcasecmp(back, hex[i]), 0);
		OPENSSL_free(back);
		BN_free(bn);
	}
	qsort(hex, N, sizeof(hex[0]), cmp_str);
	for (i = 1; i < N; i++)
		assert_string_not_equal(hex[i - 1], hex[i]);
	for (i = 0; i < N; i++)
		free(hex[i]);
}

/* ---- where subject and names come from; approval ---- */

static void
test_sources(void **state)
{
	const struct {
		const char *tmpl;
		int subject, san, pending;
	} cases[] = {
		/* amt-web-server: ENROLLEE_SUPPLIES_SUBJECT */
		{ "{\"name_flag\": {\"raw\": 1, \"names\": [\"ENROLLEE_SUPPLIES_SUBJECT\"]}}", 1, 1, 0 },
		/* amt-provisioning: built from AD */
		{ "{\"name_flag\": {\"raw\": 402653184, \"names\": [\"SUBJECT_ALT_REQUIRE_DNS\","
		  " \"SUBJECT_REQUIRE_DNS_AS_CN\"]}}", 0, 0, 0 },
		/* only the SAN from the request (ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME 0x00010000) */
		{ "{\"name_flag\": 65536}", 0, 1, 0 },
		{ "{\"name_flag\": [\"ENROLLEE_SUPPLIES_SUBJECT\"]}", 1, 1, 0 },
		{ "{}", 0, 0, 0 },
		/* approval: PEND_ALL_REQUESTS (0x2) or RA signatures */
		{ "{\"enrollment_flag\": {\"raw\": 2, \"names\": [\"PEND_ALL_REQUESTS\"]}}", 0, 0, 1 },
		{ "{\"enrollment_flag\": 32, \"ra_signatures\": 1}", 0, 0, 1 },
		{ "{\"enrollment_flag\": 32, \"ra_signatures\": 0}", 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *t = tmpl(cases[i].tmpl);

		if (ck_issue_enrollee_subject(t) != cases[i].subject ||
		    ck_issue_enrollee_san(t) != cases[i].san ||
		    ck_issue_pending(t) != cases[i].pending)
			fail_msg("case %zu (%s): subject %d san %d pending %d", i, cases[i].tmpl,
			    ck_issue_enrollee_subject(t), ck_issue_enrollee_san(t), ck_issue_pending(t));
		json_decref(t);
	}
}

static void
test_precheck(void **state)
{
	static const char *const enrollee =
	    "{\"name\":\"W\",\"name_flag\":1,\"eku\":[\"server_auth\"]}";
	static const char *const fixed =
	    "{\"name\":\"P\",\"name_flag\":402653184,\"eku\":[\"server_auth\",\"amt_provisioning\"]}";
	const struct {
		const char *tmpl, *csr_cn, *subject, *san;
		enum ck_errcode code;
	} cases[] = {
		{ enrollee, "amt01", NULL, NULL, CK_E_NONE },
		{ enrollee, "amt01", "CN=other", NULL, CK_E_USAGE },	/* subject from the request */
		{ enrollee, NULL, NULL, NULL, CK_E_POLICY },		/* ... and it has none */
		{ enrollee, "amt01", NULL, "dns:x", CK_E_USAGE },	/* names from the request */
		{ fixed, "ignored", "/O=C/OU=Intel(R) Client Setup Certificate/CN=sccm01", "dns:sccm01", CK_E_NONE },
		{ fixed, "ignored", NULL, NULL, CK_E_USAGE },		/* needs --subject */
		{ fixed, "ignored", "no equals sign", NULL, CK_E_USAGE },
		{ fixed, "ignored", "CN=x", "bogus:y", CK_E_USAGE },
		{ "{\"name\":\"B\",\"name_flag\":1,\"eku\":[\"nope\"]}", "a", NULL, NULL, CK_E_PARSE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *t = tmpl(cases[i].tmpl);
		struct ck_issue_req r;
		struct ck_err e;
		int rc;

		memset(&r, 0, sizeof(r));
		r.csr = req_new(rsa2048, cases[i].csr_cn);
		r.tmpl = t;
		r.subject = cases[i].subject;
		r.san = cases[i].san;
		ck_err_clear(&e);
		rc = ck_issue_precheck(&r, &e);
		if (cases[i].code == CK_E_NONE) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, e.msg);
		} else {
			if (rc != -1)
				fail_msg("case %zu accepted", i);
			if (e.code != (int)cases[i].code)
				fail_msg("case %zu: code %d, want %d: %s", i, e.code, cases[i].code, e.msg);
		}
		X509_REQ_free(r.csr);
		json_decref(t);
	}
}

/* ---- certificates ---- */

/* DER of a SubjectPublicKeyInfo (OPENSSL_malloc'd), for comparing. */
static unsigned char *
spki_der(const X509_PUBKEY *pk, int *len)
{
	unsigned char *der = NULL;

	*len = i2d_X509_PUBKEY(pk, &der);
	assert_true(*len > 0);
	return der;
}

/*
 * ck_issue_cert copies the request's SubjectPublicKeyInfo into the
 * certificate as it is: the same DER (algorithm and parameters too: an EC
 * curve would be lost otherwise), a subject key identifier over those key
 * bits, and a signature the CA key verifies.
 */
static void
test_cert_spki(void **state)
{
	EVP_PKEY *const keys[] = { rsa3072, ec256 };
	const char *const tmpl_text = "{\"name\":\"W\",\"name_flag\":1,\"eku\":[\"server_auth\"]}";
	struct ck_ca ca;
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	json_t *t = tmpl(tmpl_text);
	size_t i;

	(void)state;
	memset(&ca, 0, sizeof(ca));
	ca.key = rsa2048;
	assert_non_null(ca.cert = X509_new());
	assert_int_equal(X509_set_version(ca.cert, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(ca.cert), 1), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(ca.cert), "CN",
	    MBSTRING_UTF8, (const unsigned char *)"Unit CA", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(ca.cert, X509_get_subject_name(ca.cert)), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(ca.cert), 1700000000));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(ca.cert), 2000000000));
	assert_int_equal(X509_set_pubkey(ca.cert, rsa2048), 1);
	X509V3_set_ctx(&ctx, ca.cert, ca.cert, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash"));
	assert_int_equal(X509_add_ext(ca.cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(ca.cert, rsa2048, EVP_sha256()) > 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct ck_issue_req r;
		struct ck_err e;
		unsigned char *der = NULL, *a, *b, md[EVP_MAX_MD_SIZE];
		const unsigned char *p;
		const ASN1_OCTET_STRING *ski;
		char *serial = NULL, *subject = NULL, na[CK_TIME_LEN];
		unsigned int mdlen = 0;
		size_t len = 0;
		int alen, blen;
		X509 *x;

		memset(&r, 0, sizeof(r));
		r.csr = req_new(keys[i], "host.example");
		r.tmpl = t;
		r.now = 1780272000;
		ck_err_clear(&e);
		if (ck_issue_cert(&ca, &r, &der, &len, &serial, &subject, na, &e) != 0)
			fail_msg("key %zu: %s", i, e.msg);
		p = der;
		assert_non_null(x = d2i_X509(NULL, &p, (long)len));
		a = spki_der(X509_get_X509_PUBKEY(x), &alen);
		b = spki_der(X509_REQ_get_X509_PUBKEY(r.csr), &blen);
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, (size_t)alen);
		assert_int_equal(X509_verify(x, rsa2048), 1);
		assert_int_equal(X509_pubkey_digest(x, EVP_sha1(), md, &mdlen), 1);
		assert_non_null(ski = X509_get0_subject_key_id(x));
		assert_int_equal(ASN1_STRING_length(ski), (int)mdlen);
		assert_memory_equal(ASN1_STRING_get0_data(ski), md, mdlen);
		OPENSSL_free(a);
		OPENSSL_free(b);
		X509_free(x);
		X509_REQ_free(r.csr);
		free(der);
		free(serial);
		free(subject);
	}
	X509_free(ca.cert);
	json_decref(t);
}

/* ---- DNs ---- */

static void
test_dn(void **state)
{
	const struct {
		const char *in, *want;	/* want NULL: refused */
	} cases[] = {
		{ "CN=Lab Root,O=Example", "CN=Lab Root,O=Example" },
		{ "/DC=example/DC=corp/CN=Contoso Root CA", "CN=Contoso Root CA,DC=corp,DC=example" },
		{ "/O=Contoso/OU=Intel(R) Client Setup Certificate/CN=sccm01",
		  "CN=sccm01,OU=Intel(R) Client Setup Certificate,O=Contoso" },
		{ "CN=a\\,b,O=x", "CN=a\\,b,O=x" },
		/* Unescaped spaces around separators are padding (RFC 4514 wants a kept one escaped). */
		{ "CN = spaced ,O=x", "CN=spaced,O=x" },
		{ "CN=spaced\\ ,O=x", "CN=spaced\\ ,O=x" },
		{ "CN=a+OU=b,O=x", NULL },	/* checked separately: order of the set */
		{ "", NULL },
		{ "/", NULL },
		{ "CN", NULL },
		{ "=x", NULL },
		{ "CN=a,,O=b", NULL },
		{ "NOSUCHTYPE=a", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_err e;
		X509_NAME *n;
		char *s;

		ck_err_clear(&e);
		n = ck_dn_parse(cases[i].in, &e);
		if (cases[i].want == NULL) {
			if (strchr(cases[i].in, '+')) {
				assert_non_null(n);
				assert_int_equal(X509_NAME_entry_count(n), 3);
				X509_NAME_free(n);
				continue;
			}
			if (n != NULL)
				fail_msg("'%s' accepted", cases[i].in);
			assert_int_equal(e.code, CK_E_USAGE);
			continue;
		}
		if (n == NULL)
			fail_msg("'%s': %s", cases[i].in, e.msg);
		s = ck_dn_string(n);
		assert_string_equal(s, cases[i].want);
		free(s);
		X509_NAME_free(n);
	}
}

/* ---- revocation reasons ---- */

static void
test_reasons(void **state)
{
	const struct {
		const char *in, *canonical;
		int code;
	} cases[] = {
		{ "unspecified", "unspecified", 0 },
		{ "key_compromise", "key_compromise", 1 },
		{ "keyCompromise", "key_compromise", 1 },
		{ "KEYCOMPROMISE", "key_compromise", 1 },
		{ "CACompromise", "ca_compromise", 2 },
		{ "superseded", "superseded", 4 },
		{ "cessationOfOperation", "cessation_of_operation", 5 },
		{ "certificate_hold", "certificate_hold", 6 },
		{ "remove_from_crl", "remove_from_crl", 8 },	/* 7 is unused in RFC 5280 */
		{ "privilege_withdrawn", "privilege_withdrawn", 9 },
		{ "aa_compromise", "aa_compromise", 10 },
		{ "Key_Compromise", NULL, -1 },	/* snake_case names are exact */
		{ "compromised", NULL, -1 },
		{ "", NULL, -1 },
		{ NULL, NULL, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *canon = NULL;
		int code = ck_ledger_reason_code(cases[i].in, &canon);

		if (code != cases[i].code)
			fail_msg("'%s': code %d, want %d", cases[i].in ? cases[i].in : "(null)",
			    code, cases[i].code);
		if (cases[i].canonical)
			assert_string_equal(canon, cases[i].canonical);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eku_conf),
		cmocka_unit_test(test_ku_conf),
		cmocka_unit_test(test_conf_too_small),
		cmocka_unit_test(test_san_conf),
		cmocka_unit_test(test_csr_check),
		cmocka_unit_test(test_policy_check_key),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_precheck),
		cmocka_unit_test(test_cert_spki),
		cmocka_unit_test(test_dn),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
