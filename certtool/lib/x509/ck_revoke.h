/*
 * ck_revoke: revocation status of one certificate, by CRL (CDP) or OCSP
 * (AIA), at a given time.  Network access goes through a caller-supplied
 * fetch function so that the caller decides about caching and bounds.
 */
#ifndef CK_REVOKE_H
#define CK_REVOKE_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

#include "ck_err.h"

enum ck_rev_status {
	CK_REV_GOOD = 0,
	CK_REV_REVOKED = 1,
	CK_REV_UNKNOWN = 2	/* no answer, stale, badly signed, or no URL */
};

/* "good", "revoked", "unknown". */
const char *ck_rev_status_name(int s);

/*
 * Fetches url (GET when body is NULL, else POST with content_type).  *out
 * is malloc'd.  Returns 0 or -1 with err set.
 */
typedef int (*ck_rev_fetch_fn)(void *ctx, const char *url, const unsigned char *body,
    size_t body_len, const char *content_type, unsigned char **out, size_t *len,
    struct ck_err *err);

struct ck_rev_result {
	int status;		/* enum ck_rev_status */
	char method[8];		/* "crl", "ocsp" */
	char url[512];		/* where the answer came from (or was tried) */
	char why[256];		/* reason when unknown or revoked */
};

/*
 * The CRLs of x's CRL distribution points: every http(s)/ldap URL is
 * fetched and each CRL (DER or PEM) appended to out.  Judging them (issuer,
 * signature, dates, scope, deltas) is OpenSSL's, in X509_verify_cert with
 * X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_EXTENDED_CRL_SUPPORT |
 * X509_V_FLAG_USE_DELTAS (ck_chain).  res gets method "crl", the last URL
 * tried and, when nothing could be fetched, why.  Returns how many CRLs.
 */
int ck_revoke_cdp_crls(X509 *x, ck_rev_fetch_fn fetch, void *fctx, STACK_OF(X509_CRL) *out,
    struct ck_rev_result *res);

/*
 * CRLs from a file (PEM, one or more; or DER) or every file of a directory
 * (cert-chain --crl).  Returns how many, or -1 with err (CK_E_NOTFOUND,
 * CK_E_IO, CK_E_PARSE: a file that holds no CRL).
 */
int ck_revoke_load_crls(const char *path, STACK_OF(X509_CRL) *out, struct ck_err *err);

/*
 * OCSP check of x: a request with a nonce is POSTed to each AIA OCSP URL;
 * the response must be successful, carry the nonce back, be signed by the
 * issuer or a delegated responder (verified against store, whose verify
 * parameters should carry the time), and be fresh at `at` (5 minutes of
 * leeway).  The nonce is random when nonce_key is NULL; with a 32-byte
 * key it is derived from the key, the certificate's id and the URL, so
 * that the same request (the same bytes) is built each time within a run
 * and its answer can be fetched ahead and cached.  Returns 0 (res filled),
 * or -1 with err set on ENOMEM.
 */
int ck_revoke_ocsp(X509 *x, X509 *issuer, X509_STORE *store, time_t at,
    ck_rev_fetch_fn fetch, void *fctx, const unsigned char *nonce_key,
    struct ck_rev_result *res, struct ck_err *err);

#endif /* CK_REVOKE_H */
