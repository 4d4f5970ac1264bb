/*
 * Unit tests for ck_key: every PEM form of an RSA and an EC private key
 * reads back as the same key, the legacy way while the legacy path is on
 * (and then the key signs) and through a provider when it is off; a key
 * only a provider reads turns the legacy path off; passwords; and hostile
 * PEM: every truncation, broken RFC 1421 headers, blocks without a key.
 * The process starts OpenSSL as cert-issue does (ck_tool_crypto_local: no
 * table of cipher names).
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
#include <openssl/pem.h>

#include "ck_key.h"
#include "ck_tool.h"

static EVP_PKEY *rsa, *ec, *ed;

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	int n;

	(void)rwflag;
	if (pw == NULL)
		return -1;
	n = (int)strlen(pw);
	if (n > size)
		return -1;
	memcpy(buf, pw, (size_t)n);
	return n;
}

enum form { PKCS8, PKCS8_AES, PKCS8_3DES_V1, TRAD, TRAD_AES, TRAD_3DES, NFORMS };

static const char *const form_names[] = {
	"pkcs8", "pkcs8-aes", "pkcs8-3des-v1", "traditional", "trad-aes", "trad-3des",
};

/* key in form, as a NUL-terminated PEM string (password "pw" when encrypted). */
static char *
pem_of(EVP_PKEY *key, enum form f)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;
	int ok = 0;

	assert_non_null(b);
	ck_key_ciphers();
	switch (f) {
	case PKCS8: ok = PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL); break;
	case PKCS8_AES:
		ok = PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), NULL, 0, NULL, "pw");
		break;
	case PKCS8_3DES_V1:
		ok = PEM_write_bio_PKCS8PrivateKey_nid(b, key, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
		    NULL, 0, NULL, "pw");
		break;
	case TRAD: ok = PEM_write_bio_PrivateKey_traditional(b, key, NULL, NULL, 0, NULL, NULL); break;
	case TRAD_AES:
		ok = PEM_write_bio_PrivateKey_traditional(b, key, EVP_aes_128_cbc(), NULL, 0, NULL, "pw");
		break;
	case TRAD_3DES:
		ok = PEM_write_bio_PrivateKey_traditional(b, key, EVP_des_ede3_cbc(), NULL, 0, NULL, "pw");
		break;
	default: break;
	}
	assert_int_equal(ok, 1);
	n = BIO_get_mem_data(b, &data);
	out = malloc((size_t)n + 1);
	assert_non_null(out);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

static int
encrypted(enum form f)
{
	return f == PKCS8_AES || f == PKCS8_3DES_V1 || f == TRAD_AES || f == TRAD_3DES;
}

/* Signs and verifies with key: a legacy key must sign while the legacy path is on. */
static void
signs(EVP_PKEY *key, EVP_PKEY *pub)
{
	static const unsigned char msg[] = "certkit";
	unsigned char sig[1024];
	size_t len = sizeof(sig);
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	assert_int_equal(EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_DigestSign(m, sig, &len, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(m);
	m = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, pub), 1);
	assert_int_equal(EVP_DigestVerify(m, sig, len, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(m);
}

static void
check_forms(int legacy)
{
	EVP_PKEY *keys[] = { rsa, ec };
	const char *types[] = { "RSA", "EC" };

	for (size_t k = 0; k < 2; k++)
		for (int f = 0; f < NFORMS; f++) {
			char *pem = pem_of(keys[k], (enum form)f);
			EVP_PKEY *got;

			if (legacy)
				assert_int_equal(ck_key_legacy_on(), 0);
			got = ck_key_read_pem(pem, strlen(pem), types[k], pw_cb,
			    encrypted((enum form)f) ? "pw" : NULL);
			if (got == NULL)
				fail_msg("%s %s: not read", types[k], form_names[f]);
			assert_int_equal(EVP_PKEY_eq(got, keys[k]), 1);
			/* Legacy keys have no provider. */
			if (legacy != (EVP_PKEY_get0_provider(got) == NULL))
				fail_msg("%s %s: legacy %d, provider %p", types[k], form_names[f],
				    legacy, (const void *)EVP_PKEY_get0_provider(got));
			assert_int_equal(ck_key_legacy(), legacy);
			signs(got, keys[k]);
			/* The type hint is only a hint. */
			EVP_PKEY_free(got);
			got = ck_key_read_pem(pem, strlen(pem), NULL, pw_cb,
			    encrypted((enum form)f) ? "pw" : NULL);
			if (got == NULL)
				fail_msg("%s %s: not read without its type", types[k], form_names[f]);
			assert_int_equal(EVP_PKEY_eq(got, keys[k]), 1);
			EVP_PKEY_free(got);
			free(pem);
			ck_key_legacy_off();
		}
}

static void
test_forms_legacy(void **state)
{
	(void)state;
	if (!ck_fastpath())
		skip();
	check_forms(1);
}

static void
test_forms_provider(void **state)
{
	(void)state;
	check_forms(0);
}

/* A key the legacy path does not read (Ed25519) turns it off, and signs. */
static void
test_provider_only_key(void **state)
{
	char *pem = pem_of(ed, PKCS8);
	EVP_PKEY *got;

	(void)state;
	if (!ck_fastpath())
		skip();
	assert_int_equal(ck_key_legacy_on(), 0);
	got = ck_key_read_pem(pem, strlen(pem), "ED25519", pw_cb, NULL);
	assert_non_null(got);
	assert_int_equal(ck_key_legacy(), 0);
	assert_int_equal(EVP_PKEY_eq(got, ed), 1);
	{
		unsigned char sig[64];
		size_t len = sizeof(sig);
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		assert_int_equal(EVP_DigestSignInit(m, NULL, NULL, NULL, got), 1);
		assert_int_equal(EVP_DigestSign(m, sig, &len, (const unsigned char *)"x", 1), 1);
		EVP_MD_CTX_free(m);
	}
	EVP_PKEY_free(got);
	free(pem);
}

/* Wrong, missing and over-long passwords: NULL, and the callback was asked once per path. */
struct asked {
	const char *pw;
	int n;
};

static int
count_cb(char *buf, int size, int rwflag, void *u)
{
	struct asked *a = u;

	a->n++;
	return pw_cb(buf, size, rwflag, (void *)a->pw);
}

static void
test_passwords(void **state)
{
	static const char *const bad[] = { NULL, "", "wrong", "pw\n" };

	(void)state;
	for (int legacy = 0; legacy < 2; legacy++)
		for (int f = 0; f < NFORMS; f++) {
			char *pem;

			if (!encrypted((enum form)f))
				continue;
			pem = pem_of(rsa, (enum form)f);
			for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
				struct asked a = { bad[i], 0 };
				EVP_PKEY *got;

				if (legacy && ck_key_legacy_on() == -1)
					continue;
				got = ck_key_read_pem(pem, strlen(pem), "RSA", count_cb, &a);
				/* A wrong password may pass the padding check; the DER then does not parse. */
				if (got != NULL)
					fail_msg("%s: password '%s' accepted", form_names[f],
					    bad[i] ? bad[i] : "(none)");
				assert_true(a.n >= 1);
				ck_key_legacy_off();
			}
			free(pem);
		}
}

/* Every prefix of every form: NULL or the same key, never a crash (run under ASan too). */
static void
test_truncated(void **state)
{
	(void)state;
	for (int legacy = 0; legacy < 2; legacy++)
		for (int f = 0; f < NFORMS; f++) {
			char *pem = pem_of(ec, (enum form)f);
			size_t len = strlen(pem);

			for (size_t n = 0; n < len; n += (legacy ? 1 : 7)) {
				EVP_PKEY *got;

				if (legacy && ck_key_legacy_on() == -1)
					break;
				got = ck_key_read_pem(pem, n, "EC", pw_cb, "pw");
				if (got != NULL)
					assert_int_equal(EVP_PKEY_eq(got, ec), 1);
				EVP_PKEY_free(got);
				ck_key_legacy_off();
			}
			free(pem);
		}
}

/* Broken RFC 1421 headers on a traditional AES key: refused without asking a password. */
static void
test_bad_headers(void **state)
{
	char *good = pem_of(rsa, TRAD_AES);
	const char *dek = strstr(good, "DEK-Info: ");
	const char *eol;
	static const char *const bad[] = {
		"DEK-Info: AES-128-CBC,00112233\n",			/* IV too short */
		"DEK-Info: AES-128-CBC,0011223344556677889900112233445566\n", /* too long */
		"DEK-Info: AES-128-CBC,0011223344556677889900112233445G\n", /* not hex */
		"DEK-Info: NO-SUCH-CIPHER,00112233445566778899001122334455\n",
		"DEK-Info: ,00112233445566778899001122334455\n",
		"DEK-Info: AES-128-CBC\n",
		"DEK-Info: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,00\n",
		"X-Info: none\n",
	};

	(void)state;
	assert_non_null(dek);
	eol = strchr(dek, '\n');
	assert_non_null(eol);
	for (int legacy = 0; legacy < 2; legacy++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			size_t head = (size_t)(dek - good);
			char *pem = malloc(strlen(good) + strlen(bad[i]) + 1);
			struct asked a = { "pw", 0 };
			EVP_PKEY *got;

			assert_non_null(pem);
			snprintf(pem, strlen(good) + strlen(bad[i]) + 1, "%.*s%s%s", (int)head, good,
			    bad[i], eol + 1);
			if (legacy && ck_key_legacy_on() == -1)
				continue;
			got = ck_key_read_pem(pem, strlen(pem), "RSA", count_cb, &a);
			if (got != NULL)
				fail_msg("header %zu accepted", i);
			assert_int_equal(a.n, 0);
			ck_key_legacy_off();
			free(pem);
		}
	free(good);
}

/* No key at all, NUL bytes, a certificate, two keys (the first one is read). */
static void
test_not_keys(void **state)
{
	static const char nul[] = "-----BEGIN PRIVATE KEY-----\n\0AAAA\n-----END PRIVATE KEY-----\n";
	char *a = pem_of(rsa, PKCS8), *b = pem_of(ec, TRAD);
	char *both = malloc(strlen(a) + strlen(b) + 1);
	EVP_PKEY *got;

	(void)state;
	assert_null(ck_key_read_pem("", 0, NULL, pw_cb, NULL));
	assert_null(ck_key_read_pem("garbage\n", 8, NULL, pw_cb, NULL));
	assert_null(ck_key_read_pem(nul, sizeof(nul) - 1, NULL, pw_cb, NULL));
	assert_null(ck_key_read_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	    58, NULL, pw_cb, NULL));
	assert_non_null(both);
	snprintf(both, strlen(a) + strlen(b) + 1, "%s%s", b, a);
	got = ck_key_read_pem(both, strlen(both), NULL, pw_cb, NULL);
	assert_non_null(got);
	assert_int_equal(EVP_PKEY_eq(got, ec), 1);
	EVP_PKEY_free(got);
	free(a);
	free(b);
	free(both);
}

static int
setup(void **state)
{
	(void)state;
	if (ck_tool_crypto_local() == -1)
		return -1;
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return rsa && ec && ed ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms_legacy),
		cmocka_unit_test(test_forms_provider),
		cmocka_unit_test(test_provider_only_key),
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_not_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
