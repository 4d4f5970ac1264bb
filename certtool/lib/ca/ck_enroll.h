/*
 * ck_enroll: requesting a certificate from a remote CA that speaks the
 * CFSSL API (POST /api/v1/cfssl/sign), e.g. `cfssl serve`.
 */
#ifndef CK_ENROLL_H
#define CK_ENROLL_H

#include <stddef.h>

#include "ck_err.h"

struct ck_enroll_opts {
	const char *url;	/* base URL (http(s)://host:port) or the full .../sign URL */
	const char *profile;	/* NULL: the CA's default profile */
	const char *label;	/* NULL: the CA's default signer */
	const char *cacert;	/* PEM trust anchors for https, NULL = system */
	int insecure;
	long timeout_ms;	/* 0: CK_FETCH_TIMEOUT_MS */
};

/* The endpoint URL for a base URL (new malloc'd string). */
char *ck_enroll_url(const char *base);

/*
 * Sends csr_pem and returns the issued certificate's DER in *der
 * (malloc'd).  Every remote failure is CK_E_NET; its message carries the
 * CA's own error message and code when the answer has them
 * ("remote CA: code 1003: ...").
 */
int ck_enroll_cfssl(const struct ck_enroll_opts *o, const char *csr_pem,
    unsigned char **der, size_t *len, struct ck_err *err);

/* ck_enroll_cfssl for the request in the file csr_path (PEM or DER, self-signature checked). */
int ck_enroll_cfssl_file(const struct ck_enroll_opts *o, const char *csr_path,
    unsigned char **der, size_t *len, struct ck_err *err);

/*
 * Parses a CFSSL API answer (the JSON envelope).  http_status is the HTTP
 * status (0 if unknown).  Exposed for tests and fuzzing.
 */
int ck_enroll_parse(const char *body, size_t body_len, long http_status,
    unsigned char **der, size_t *len, struct ck_err *err);

#endif /* CK_ENROLL_H */
