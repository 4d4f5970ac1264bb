/*
 * ck_issue: a small local CA for cert-issue: CA creation (root or
 * subordinate), CSR checks against a `template` record, certificate
 * building from the template, CRLs.  Key material stays in OpenSSL
 * objects; the CA key is loaded only when something must be signed.
 */
#ifndef CK_ISSUE_H
#define CK_ISSUE_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

#include "ck_dn.h"
#include "ck_err.h"
#include "ck_ledger.h"

#define CK_CA_CERT_FILE "ca.pem"
#define CK_CA_KEY_FILE "ca.key"
#define CK_CA_CHAIN_FILE "chain.pem"

/* An opened CA directory. */
struct ck_ca {
	char *dir;
	X509 *cert;		/* DIR/ca.pem */
	EVP_PKEY *key;		/* NULL until ck_ca_load_key() */
	char *aia_url;		/* config of the ledger, NULL when unset */
	char *crl_url;
	char *ocsp_url;
	char *policy;
};

struct ck_ca_init_opts {
	const char *dir;
	const char *subject;	/* DN, RFC 4514 ("CN=x,O=y") or "/O=y/CN=x" */
	const char *key_type;	/* "rsa" (default) or "ec" */
	int bits;		/* 0: 2048 for RSA, 256 for EC */
	long days;		/* 0: 3650 root, 1825 subordinate */
	int path_len;		/* basicConstraints pathLenConstraint; -1: none */
	time_t not_before;	/* 0: now */
	time_t not_after;	/* 0: not_before + days */
	const char *policy;	/* NULL or "amt" */
	const char *password;	/* encrypts the key when non-NULL */
	struct ck_ca *parent;	/* subordinate: the parent, key loaded */
	struct ck_ledger *parent_ledger;
	const char *aia_url, *crl_url, *ocsp_url;
	time_t now;
	const char *who;	/* audit actor */
};

/*
 * Creates DIR/ca.key (0600, PKCS#8, AES-256 encrypted when a password is
 * given), DIR/ca.pem, DIR/chain.pem (subordinates) and DIR/ledger.db.  A
 * subordinate is recorded as issued in the parent's ledger before any file
 * is written.  Fails with CK_E_POLICY when the policy refuses the key.
 */
int ck_ca_init(const struct ck_ca_init_opts *o, struct ck_err *err);

/* Opens DIR: reads ca.pem and the ledger's configuration. */
struct ck_ca *ck_ca_open(const char *dir, struct ck_ledger *l, struct ck_err *err);
/* Reads DIR/ca.key.  password may be NULL (an encrypted key then fails). */
int ck_ca_load_key(struct ck_ca *ca, const char *password, struct ck_err *err);
void ck_ca_free(struct ck_ca *ca);

/*
 * Checks a CA key against policy NAME (policy/NAME.json through ck_policy.h:
 * "amt", the one AMT policy, refuses non-RSA keys and RSA keys over its
 * max_ca_bits, 2048 at its default version; ConfigMgr 2007 SP1,
 * Prerequisites for Out of Band Management, cc161785).  NULL policy accepts
 * everything; an unknown name is CK_E_USAGE.  what names the key in the
 * message.
 */
int ck_policy_check_key(const char *policy, EVP_PKEY *key, const char *what,
    struct ck_err *err);

/* Reads a CSR (PEM or DER) and verifies its self-signature (CK_E_POLICY when bad). */
X509_REQ *ck_csr_read(const char *path, struct ck_err *err);
X509_REQ *ck_csr_from_der(const unsigned char *der, size_t len, struct ck_err *err);

/* 1 when the template holds requests for approval (PEND_ALL_REQUESTS or ra_signatures > 0). */
int ck_issue_pending(const json_t *tmpl);
/* 1 when the enrollee supplies the subject (name_flag ENROLLEE_SUPPLIES_SUBJECT). */
int ck_issue_enrollee_subject(const json_t *tmpl);

/* 1 when the enrollee supplies the subject alternative names (ENROLLEE_SUPPLIES_SUBJECT or _ALT_NAME). */
int ck_issue_enrollee_san(const json_t *tmpl);

/*
 * The template's extended key usages (eku, else application_policies) as a
 * comma-separated list of dotted OIDs for OpenSSL's extendedKeyUsage
 * syntax; names are certkit short names, a dotted OID passes as is.
 * "" when the template has none.  CK_E_PARSE for an unknown name,
 * CK_E_LIMIT when buf (cap bytes) is too small.
 */
int ck_issue_eku_conf(const json_t *tmpl, char *buf, size_t cap, struct ck_err *err);
/* The template's key_usage (snake_case or OpenSSL names) in OpenSSL's keyUsage syntax, as above. */
int ck_issue_ku_conf(const json_t *tmpl, char *buf, size_t cap, struct ck_err *err);
/* --san "dns:a,ip:1.2.3.4,email:..,uri:..,upn:.." -> OpenSSL subjectAltName syntax; CK_E_USAGE when bad. */
int ck_issue_san_conf(const char *san, char *buf, size_t cap, struct ck_err *err);
/*
 * A fresh random positive serial of 16 bytes with the top bit clear and the
 * next one set (126 random bits, always 32 hex digits).  *hex receives it
 * in lower-case hex (malloc'd); returns the number (BN_free it) or NULL.
 */
BIGNUM *ck_issue_serial(char **hex, struct ck_err *err);

/* Checks the CSR's key against the template (key type, min_key_bits): CK_E_POLICY. */
int ck_csr_check(X509_REQ *req, const json_t *tmpl, struct ck_err *err);

/* What to issue. */
struct ck_issue_req {
	X509_REQ *csr;
	const json_t *tmpl;
	const char *subject;	/* DN when the template does not take it from the CSR */
	const char *san;	/* "dns:a,ip:1.2.3.4,email:x@y,uri:u" or NULL */
	long days;		/* 0: the template's validity_days (else 365) */
	time_t now;
	time_t not_before;	/* 0: now */
	time_t not_after;	/* 0: not_before + days, cut to the CA's notAfter;
				   set: exactly this, refused (CK_E_POLICY) after the CA's */
};

/*
 * Builds and signs a certificate (CA key loaded) with a fresh random
 * 126-bit serial.  *der (malloc'd), *serial (malloc'd lower-case hex),
 * *subject (malloc'd RFC 4514) and *not_after (RFC 3339, CK_TIME_LEN).
 */
int ck_issue_cert(struct ck_ca *ca, const struct ck_issue_req *r,
    unsigned char **der, size_t *len, char **serial, char **subject,
    char *not_after, struct ck_err *err);

/* Validates what ck_issue_cert will need before any key is read (subject source, EKU names...). */
int ck_issue_precheck(const struct ck_issue_req *r, struct ck_err *err);

/* Signs a CRL with the revoked certificates; number, AKI, reasons. */
int ck_issue_crl(struct ck_ca *ca, const struct ck_ledger_revoked *rv, size_t n,
    long long number, time_t this_update, time_t next_update,
    unsigned char **der, size_t *len, struct ck_err *err);

/* DN text -> X509_NAME: ck_dn_parse (ck_dn.h). */
/* X509_NAME -> RFC 4514 string (malloc'd). */
char *ck_dn_string(const X509_NAME *n);

#endif /* CK_ISSUE_H */
