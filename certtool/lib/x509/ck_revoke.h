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
 * CRL check of x (issued by issuer): every http(s)/ldap URL of x's CDP is
 * tried until one yields a CRL that is signed by issuer, names issuer, and
 * is fresh at `at` (thisUpdate <= at <= nextUpdate).  store (may be NULL) is
 * not used for CRLs.  Returns 0 (res filled), or -1 with err set on ENOMEM.
 */
int ck_revoke_crl(X509 *x, X509 *issuer, time_t at, ck_rev_fetch_fn fetch, void *fctx,
    struct ck_rev_result *res, struct ck_err *err);

/*
 * OCSP check of x: a request with a nonce is POSTed to each AIA OCSP URL;
 * the response must be successful, carry the nonce back, be signed by the
 * issuer or a delegated responder (verified against store, whose verify
 * parameters should carry the time), and be fresh at `at` (5 minutes of
 * leeway).  Returns 0 (res filled), or -1 with err set on ENOMEM.
 */
int ck_revoke_ocsp(X509 *x, X509 *issuer, X509_STORE *store, time_t at,
    ck_rev_fetch_fn fetch, void *fctx, struct ck_rev_result *res, struct ck_err *err);

#endif /* CK_REVOKE_H */
