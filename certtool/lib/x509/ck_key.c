/*
 * ck_key: private keys read from PEM, and the legacy key fast path (see
 * ck_key.h).  The legacy path registers an ENGINE whose key methods are
 * OpenSSL's own RSA and EC ones, so that d2i_X509 and friends decode those
 * keys without a provider decoder.  ENGINE and the RSA/EC_KEY structures
 * are deprecated in OpenSSL 3 and gone in 4: built only where they exist,
 * and the deprecation warnings are silenced in this file (and in
 * ck_chain_fast.c) only.
 */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

#include "ck_key.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "ck_num.h"

#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE)
#define CK_HAVE_LEGACY 1
#include <openssl/ec.h>
#include <openssl/engine.h>
#include <openssl/rsa.h>
#endif

#define ENGINE_ID "certkit-fastkeys"

static int legacy_on;

int
ck_fastpath(void)
{
#ifdef CK_HAVE_LEGACY
	const char *e = getenv("CERTKIT_NO_FASTPATH");

	return e == NULL || strcmp(e, "1") != 0;
#else
	return 0;
#endif
}

int
ck_key_legacy(void)
{
	return legacy_on;
}

#ifdef CK_HAVE_LEGACY

static int fast_nids[] = { EVP_PKEY_RSA, EVP_PKEY_EC };

static int
fast_pmeths(ENGINE *e, EVP_PKEY_METHOD **m, const int **nids, int nid)
{
	(void)e;
	if (m == NULL) {
		*nids = fast_nids;
		return (int)(sizeof(fast_nids) / sizeof(fast_nids[0]));
	}
	*m = (EVP_PKEY_METHOD *)EVP_PKEY_meth_find(nid);
	return *m != NULL;
}

int
ck_key_legacy_on(void)
{
	ENGINE *e;

	if (legacy_on)
		return 0;
	if (!ck_fastpath() || (e = ENGINE_new()) == NULL)
		return -1;
	if (!ENGINE_set_id(e, ENGINE_ID) ||
	    !ENGINE_set_name(e, "certkit: legacy RSA and EC key decoding") ||
	    !ENGINE_set_pkey_meths(e, fast_pmeths) || !ENGINE_init(e)) {
		ENGINE_free(e);
		ERR_clear_error();
		return -1;
	}
	/*
	 * ENGINE_add puts the engine on OpenSSL's engine list, which holds a
	 * reference and frees it in OPENSSL_cleanup (run at exit); the tables
	 * only point at it and take their own functional reference when they
	 * select it.  Ours are dropped here, so nothing leaks at exit (it did:
	 * 224 bytes a run under LeakSanitizer, cert-chain exited 1).
	 */
	if (!ENGINE_add(e) || !ENGINE_register_pkey_meths(e)) {
		ENGINE_remove(e);
		ENGINE_finish(e);
		ENGINE_free(e);
		ERR_clear_error();
		return -1;
	}
	ENGINE_finish(e);
	ENGINE_free(e);
	legacy_on = 1;
	return 0;
}

void
ck_key_legacy_off(void)
{
	ENGINE *e;

	if (!legacy_on)
		return;
	legacy_on = 0;
	if ((e = ENGINE_by_id(ENGINE_ID)) == NULL) {
		ERR_clear_error();
		return;
	}
	ENGINE_unregister_pkey_meths(e);
	ENGINE_remove(e);
	ENGINE_free(e);
}

/* k wrapped in an EVP_PKEY of type id, or NULL (k freed). */
static EVP_PKEY *
wrap(int id, void *k)
{
	EVP_PKEY *key;

	if (k == NULL)
		return NULL;
	if ((key = EVP_PKEY_new()) != NULL && EVP_PKEY_assign(key, id, k) == 1)
		return key;
	EVP_PKEY_free(key);
	if (id == EVP_PKEY_RSA)
		RSA_free(k);
	else
		EC_KEY_free(k);
	return NULL;
}

static EVP_PKEY *
legacy_rsa(const unsigned char *p, long len)
{
	const unsigned char *end = p + len;
	RSA *r = d2i_RSAPrivateKey(NULL, &p, len);

	if (r != NULL && p != end) {
		RSA_free(r);
		r = NULL;
	}
	return wrap(EVP_PKEY_RSA, r);
}

/* An ECPrivateKey; curve, when not NID_undef, is the one PKCS #8 named. */
static EVP_PKEY *
legacy_ec(const unsigned char *p, long len, int curve)
{
	const unsigned char *end = p + len;
	EC_KEY *ec = NULL;

	if (curve != NID_undef && (ec = EC_KEY_new_by_curve_name(curve)) == NULL)
		return NULL;
	/* d2i_ECPrivateKey computes the public key when the encoding omits it. */
	if (d2i_ECPrivateKey(&ec, &p, len) == NULL || p != end ||
	    EC_KEY_get0_group(ec) == NULL || EC_KEY_get0_public_key(ec) == NULL) {
		EC_KEY_free(ec);
		return NULL;
	}
	return wrap(EVP_PKEY_EC, ec);
}

/*
 * The legacy key in a PKCS #8 PrivateKeyInfo; *handled 0 for what the
 * legacy path does not read (other algorithms, explicit EC parameters).
 */
static EVP_PKEY *
legacy_p8(const PKCS8_PRIV_KEY_INFO *p8, int *handled)
{
	const ASN1_OBJECT *obj;
	const unsigned char *p;
	const X509_ALGOR *alg;
	const void *pval;
	int plen, ptype;

	*handled = 0;
	if (!PKCS8_pkey_get0(&obj, &p, &plen, &alg, p8))
		return NULL;
	switch (OBJ_obj2nid(obj)) {
	case NID_rsaEncryption:
		*handled = 1;
		return legacy_rsa(p, plen);
	case NID_X9_62_id_ecPublicKey:
		X509_ALGOR_get0(NULL, &ptype, &pval, alg);
		if (ptype != V_ASN1_OBJECT)
			return NULL;
		*handled = 1;
		return legacy_ec(p, plen, OBJ_obj2nid(pval));
	}
	return NULL;
}

#else /* !CK_HAVE_LEGACY */

int
ck_key_legacy_on(void)
{
	return -1;
}

void
ck_key_legacy_off(void)
{
}

#endif

/* ---- reading ---- */

static pthread_once_t ciphers_once = PTHREAD_ONCE_INIT;

static void
add_ciphers(void)
{
	const EVP_CIPHER *const c[] = {
		EVP_aes_128_cbc(), EVP_aes_192_cbc(), EVP_aes_256_cbc(),
		EVP_camellia_128_cbc(), EVP_camellia_192_cbc(), EVP_camellia_256_cbc(),
		EVP_aria_128_cbc(), EVP_aria_192_cbc(), EVP_aria_256_cbc(),
		EVP_des_ede3_cbc(),
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i] != NULL)
			EVP_add_cipher(c[i]);
}

void
ck_key_ciphers(void)
{
	pthread_once(&ciphers_once, add_ciphers);
}

/* The caller's password callback, and whether it was asked. */
struct pw {
	pem_password_cb *cb;
	void *u;
	int asked;
};

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	struct pw *pw = u;

	pw->asked = 1;
	return pw->cb != NULL ? pw->cb(buf, size, rwflag, pw->u) : -1;
}

/* The PEM block names that hold a private key. */
static int
is_key_block(const char *name)
{
	static const char *const names[] = {
		PEM_STRING_PKCS8INF, PEM_STRING_PKCS8, PEM_STRING_RSA, PEM_STRING_ECPRIVATEKEY,
		PEM_STRING_DSA, "ANY PRIVATE KEY",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Decrypts an RFC 1421 encrypted block in place (PEM_do_header: key from
 * the password and the IV's first 8 bytes, EVP_BytesToKey with MD5, as
 * OpenSSL writes it), the cipher fetched by the name its DEK-Info gives.
 * Returns 1 (decrypted) or 0.
 */
static int
trad_decrypt(const char *header, unsigned char *der, long *len, struct pw *pw)
{
	const char *dek, *comma, *h;
	char alg[64];
	EVP_CIPHER_INFO ci;
	size_t n;
	int ivlen, ok, i;

	if ((dek = strstr(header, "DEK-Info: ")) == NULL)
		return 0;
	dek += strlen("DEK-Info: ");
	if ((comma = strchr(dek, ',')) == NULL || (n = (size_t)(comma - dek)) == 0 ||
	    n >= sizeof(alg))
		return 0;
	memcpy(alg, dek, n);
	alg[n] = '\0';
	memset(&ci, 0, sizeof(ci));
	if ((ci.cipher = EVP_CIPHER_fetch(NULL, alg, NULL)) == NULL)
		return 0;
	ivlen = EVP_CIPHER_get_iv_length(ci.cipher);
	h = comma + 1;
	ok = ivlen >= 8 && ivlen <= EVP_MAX_IV_LENGTH;
	for (i = 0; ok && i < ivlen; i++) {
		int hi = ck_hex_digit((unsigned char)h[2 * i]);
		int lo = hi < 0 ? -1 : ck_hex_digit((unsigned char)h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			ok = 0;
		else
			ci.iv[i] = (unsigned char)(hi << 4 | lo);
	}
	if (ok && h[2 * ivlen] != '\0' && h[2 * ivlen] != '\n' && h[2 * ivlen] != '\r')
		ok = 0;
	if (ok)
		ok = PEM_do_header(&ci, der, len, pw_cb, pw) == 1;
	EVP_CIPHER_free((EVP_CIPHER *)ci.cipher);
	return ok;
}

#ifdef CK_HAVE_LEGACY
/* The legacy key in a block; *handled 0 when the provider path should read it. */
static EVP_PKEY *
legacy_block(const char *name, const unsigned char *der, long len, struct pw *pw,
    int *handled)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *key = NULL;

	*handled = 1;
	if (strcmp(name, PEM_STRING_RSA) == 0)
		return legacy_rsa(der, len);
	if (strcmp(name, PEM_STRING_ECPRIVATEKEY) == 0)
		return legacy_ec(der, len, NID_undef);
	if (strcmp(name, PEM_STRING_PKCS8INF) == 0) {
		p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
	} else if (strcmp(name, PEM_STRING_PKCS8) == 0) {
		char buf[PEM_BUFSIZE];
		X509_SIG *sig = d2i_X509_SIG(NULL, &p, len);
		int n;

		if (sig == NULL)
			return NULL;
		n = pw_cb(buf, (int)sizeof(buf), 0, pw);
		if (n >= 0 && n <= (int)sizeof(buf))
			p8 = PKCS8_decrypt(sig, buf, n);
		OPENSSL_cleanse(buf, sizeof(buf));
		X509_SIG_free(sig);
	} else {
		*handled = 0;
		return NULL;
	}
	if (p8 != NULL)
		key = legacy_p8(p8, handled);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return key;
}
#endif

/*
 * The provider path: a typed decoder first, then OpenSSL's own search,
 * unless the typed decoder asked for a password (a wrong one stays wrong).
 */
static EVP_PKEY *
provider_read(const char *pem, size_t len, const char *type, struct pw *pw)
{
	struct pw typed = { pw->cb, pw->u, 0 };
	OSSL_DECODER_CTX *d;
	EVP_PKEY *key = NULL;
	BIO *b;

	if (type != NULL &&
	    (d = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", NULL, type, EVP_PKEY_KEYPAIR, NULL,
	    NULL)) != NULL) {
		if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL ||
		    !OSSL_DECODER_CTX_set_pem_password_cb(d, pw_cb, &typed) ||
		    !OSSL_DECODER_from_bio(d, b)) {
			EVP_PKEY_free(key);
			key = NULL;
		}
		BIO_free(b);
		OSSL_DECODER_CTX_free(d);
	}
	pw->asked |= typed.asked;
	if (key != NULL || typed.asked)
		return key;
	ERR_clear_error();
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	key = PEM_read_bio_PrivateKey(b, NULL, pw_cb, pw);
	BIO_free(b);
	return key;
}

EVP_PKEY *
ck_key_read_pem(const char *pem, size_t len, const char *type, pem_password_cb *cb, void *u)
{
	struct pw pw = { cb, u, 0 };
	char *name = NULL, *header = NULL, *plain = NULL;
	unsigned char *der = NULL;
	long dlen = 0, plen;
	EVP_PKEY *key = NULL;
	BIO *b, *m = NULL;
	int handled = 0, encrypted;

	if (len > INT_MAX || (b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	/* The first block that holds a private key. */
	while (PEM_read_bio(b, &name, &header, &der, &dlen) == 1 && !is_key_block(name)) {
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	BIO_free(b);
	ERR_clear_error();
	if (name == NULL)
		return NULL;
	encrypted = strstr(header, "Proc-Type: 4,ENCRYPTED") != NULL;
	if (encrypted || strcmp(name, PEM_STRING_PKCS8) == 0)
		ck_key_ciphers();
	if (encrypted && !trad_decrypt(header, der, &dlen, &pw))
		goto out;
#ifdef CK_HAVE_LEGACY
	if (legacy_on) {
		key = legacy_block(name, der, dlen, &pw, &handled);
		if (handled)
			goto out;
		/* A key only a provider reads: it could not sign under the legacy path. */
		ck_key_legacy_off();
	}
#endif
	if (!encrypted) {
		key = provider_read(pem, len, type, &pw);
		goto out;
	}
	/* Decrypted above: the provider reads it as a plain block. */
	if ((m = BIO_new(BIO_s_secmem())) != NULL && PEM_write_bio(m, name, "", der, dlen) > 0 &&
	    (plen = BIO_get_mem_data(m, &plain)) > 0)
		key = provider_read(plain, (size_t)plen, type, &pw);
	BIO_free(m);	/* secure memory: cleared when freed */
out:
	if (key == NULL)
		ERR_clear_error();
	(void)handled;
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)dlen);
	return key;
}
