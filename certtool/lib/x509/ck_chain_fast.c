/*
 * ck_chain: the fast path of verification, fenced here:
 * ck_chain_cached_verify is OpenSSL 3's internal_verify step with a cache
 * of verified (subject, issuer) signatures.  It keeps every verdict (the
 * differential tests run with and without it); CERTKIT_NO_FASTPATH=1 turns
 * it off at run time, with the legacy key path of ck_key.c.  The
 * deprecation warnings are silenced in this file and ck_key.c only.
 */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

#include "ck_chain_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_key.h"

/* OpenSSL 3.0's internal_verify, replaced where ck_fastpath() says so. */
#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE)
#define CK_HAVE_FASTPATH 1
#endif

#ifdef CK_HAVE_FASTPATH

static int
sig_known(struct ck_chain_ctx *c, const unsigned char *s_id, const unsigned char *i_id)
{
	struct sentry *e;
	int found = 0;

	pthread_mutex_lock(&c->mu);
	for (e = c->sigs[ck_chain_slot(s_id)]; e != NULL; e = e->next)
		if (memcmp(e->subject, s_id, 32) == 0 && memcmp(e->issuer, i_id, 32) == 0) {
			found = 1;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	return found;
}

static void
sig_remember(struct ck_chain_ctx *c, const unsigned char *s_id, const unsigned char *i_id)
{
	struct sentry *e = malloc(sizeof(*e));

	if (e == NULL)
		return;
	memcpy(e->subject, s_id, 32);
	memcpy(e->issuer, i_id, 32);
	pthread_mutex_lock(&c->mu);
	e->next = c->sigs[ck_chain_slot(s_id)];
	c->sigs[ck_chain_slot(s_id)] = e;
	pthread_mutex_unlock(&c->mu);
}

/* Reports an error the way OpenSSL's own checks do; returns the callback's verdict. */
static int
fail_cert(X509_STORE_CTX *sc, X509 *x, int depth, int code)
{
	X509_STORE_CTX_set_error_depth(sc, depth);
	X509_STORE_CTX_set_current_cert(sc, x);
	X509_STORE_CTX_set_error(sc, code);
	return X509_STORE_CTX_get_verify_cb(sc)(0, sc);
}

/*
 * The signature and validity pass of path validation, replacing OpenSSL
 * 3.0's internal_verify() step for step (same order, same error codes,
 * same callback calls) with one difference: a CA certificate's signature
 * that verified once under an issuer is not verified again for the rest of
 * the run (10 000 leaves under one intermediate check its signature once).
 * Path building, extension, purpose, name and policy checks stay OpenSSL's.
 * The differential tests compare every verdict with `openssl verify`.
 */
int
ck_chain_cached_verify(X509_STORE_CTX *sc)
{
	struct vctx *v = X509_STORE_CTX_get_app_data(sc);
	struct ck_chain_ctx *c = v->c;
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(sc);
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(sc);
	unsigned long flags = X509_VERIFY_PARAM_get_flags(vp);
	int n = sk_X509_num(chain) - 1;
	X509 *xi = sk_X509_value(chain, n), *xs;

	if (X509_check_issued(xi, xi) == X509_V_OK) {
		xs = xi;
	} else {
		if ((flags & X509_V_FLAG_PARTIAL_CHAIN) != 0) {
			xs = xi;
			goto check_time;
		}
		if (n <= 0) {
			if (!fail_cert(sc, xi, 0, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE))
				return 0;
			xs = xi;
			goto check_time;
		}
		n--;
		X509_STORE_CTX_set_error_depth(sc, n);
		xs = sk_X509_value(chain, n);
	}
	while (n >= 0) {
		if (xs != xi || (flags & X509_V_FLAG_CHECK_SS_SIGNATURE) != 0) {
			int issuer_depth = n + (xs == xi ? 0 : 1);
			int ret = X509_V_OK;
			EVP_PKEY *pkey;

			/* ossl_x509_signing_allowed(): the issuer's key usage must allow it. */
			if (!(xs == xi && (X509_get_extension_flags(xi) & EXFLAG_CA) == 0)) {
				if ((X509_get_extension_flags(xs) & EXFLAG_PROXY) != 0) {
					if ((X509_get_extension_flags(xi) & EXFLAG_KUSAGE) != 0 &&
					    (X509_get_key_usage(xi) & KU_DIGITAL_SIGNATURE) == 0)
						ret = X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
				} else if ((X509_get_extension_flags(xi) & EXFLAG_KUSAGE) != 0 &&
				    (X509_get_key_usage(xi) & KU_KEY_CERT_SIGN) == 0) {
					ret = X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
				}
			}
			if (ret != X509_V_OK && !fail_cert(sc, xi, issuer_depth, ret))
				return 0;
			if ((pkey = X509_get0_pubkey(xi)) == NULL) {
				if (!fail_cert(sc, xi, issuer_depth,
				    X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY))
					return 0;
			} else {
				unsigned char b1[32], b2[32];
				const unsigned char *sid = ck_chain_raw_id(c, xs, b1), *iid = ck_chain_raw_id(c, xi, b2);

				if (n > 0 && sig_known(c, sid, iid)) {
					/* verified earlier in this run */
				} else if (X509_verify(xs, pkey) <= 0) {
					ERR_clear_error();
					if (!fail_cert(sc, xs, n, X509_V_ERR_CERT_SIGNATURE_FAILURE))
						return 0;
				} else if (n > 0) {
					sig_remember(c, sid, iid);
				}
			}
		}
check_time:
		/*
		 * check_cert_time() at the configured time.  X509_cmp_time()
		 * says "earlier" for equal times (so notAfter == now is expired)
		 * and calls gmtime_r(), which takes glibc's global time zone
		 * lock; ASN1_TIME_compare() is plain arithmetic on the fields.
		 */
		if ((flags & X509_V_FLAG_NO_CHECK_TIME) == 0) {
			int i = ASN1_TIME_compare(X509_get0_notBefore(xs), c->at);

			if (i == -2 && !fail_cert(sc, xs, n, X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD))
				return 0;
			if (i == 1 && !fail_cert(sc, xs, n, X509_V_ERR_CERT_NOT_YET_VALID))
				return 0;
			i = ASN1_TIME_compare(X509_get0_notAfter(xs), c->at);
			if (i == -2 && !fail_cert(sc, xs, n, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD))
				return 0;
			if ((i == -1 || i == 0) && !fail_cert(sc, xs, n, X509_V_ERR_CERT_HAS_EXPIRED))
				return 0;
		}
		X509_STORE_CTX_set_current_cert(sc, xs);
		X509_STORE_CTX_set_error_depth(sc, n);
		if (!X509_STORE_CTX_get_verify_cb(sc)(1, sc))
			return 0;
		if (--n >= 0) {
			xi = xs;
			xs = sk_X509_value(chain, n);
		}
	}
	return 1;
}

#else /* no fast path in this OpenSSL */

int
ck_chain_cached_verify(X509_STORE_CTX *sc)
{
	(void)sc;
	return -1;	/* never installed: ck_fastpath() is 0 */
}

#endif
