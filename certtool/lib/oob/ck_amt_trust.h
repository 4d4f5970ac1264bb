/*
 * ck_amt_trust: would an AMT device trust this provisioning certificate?
 *
 * AMT accepts a provisioning certificate chain only when the hash of the
 * chain's root is one of the root hashes its firmware lists in the Hello
 * message (Intel AMT SDK "Root Certificate Hashes"; the SHA-1, SHA-256 or
 * SHA-384 of the root certificate's DER, compared case-insensitively as
 * MeshCentral certoperations.js and open-amt-cloud-toolkit rps do).
 *
 * Certificates are read as cert-read reads them (ck_load: PEM, DER, PKCS#7,
 * PKCS#12, directories).
 */
#ifndef CK_AMT_TRUST_H
#define CK_AMT_TRUST_H

#include <stddef.h>
#include <jansson.h>

#include "ck_amt_hello.h"
#include "ck_err.h"
#include "ck_ruledef.h"

/* Certificates with their records, in the order read. */
struct ck_amt_certs {
	json_t *recs;			/* array of `cert` records */
	unsigned char **der;		/* der[i] is the DER of recs[i] */
	size_t *len;
	size_t n, cap;
	json_t *errors;			/* `error` records met while reading */
	json_t *seen;			/* ids (SHA-256 of the DER) already held */
};

void ck_amt_certs_init(struct ck_amt_certs *c);
void ck_amt_certs_release(struct ck_amt_certs *c);

/*
 * Adds every certificate of SOURCE (a file, directory, "-") to c; password
 * opens PKCS#12 (may be NULL).  A certificate c already holds is not added
 * again (/etc/ssl/certs has each root several times: file, hash link,
 * bundle).  Unreadable parts become `error` records in
 * c->errors and the rest is kept.  Returns the number of certificates
 * added, or -1 (out of memory).
 */
long ck_amt_certs_load(struct ck_amt_certs *c, const char *source, const char *password);

/*
 * Judges a provisioning chain against a decoded Hello and adds to rec (an
 * `amt_hello` record): `trusted_root` ({alg, hex, subject} of the chain's
 * root when the device lists its hash, else null) and, when the root is not
 * trusted or the chain has no root, a critical finding in `findings`.  The
 * root is the chain's self-signed certificate (the last one read, when
 * there are several).  Returns the status (CK_OK or CK_CRITICAL).
 */
int ck_amt_trust_judge(json_t *rec, const struct ck_amt_hello *h,
    const struct ck_amt_certs *chain);

/*
 * Names the hashes of rec (an `amt_hello` record made from h) with the
 * subject DN of the root in roots that has that hash, where one does.
 */
void ck_amt_trust_name(json_t *rec, const struct ck_amt_hello *h,
    const struct ck_amt_certs *roots);

/*
 * Marks each certificate of roots with `amt_hello_match` ({alg, hex} of
 * the device hash it matches, or null).  Returns the number that match.
 */
size_t ck_amt_trust_roots(const struct ck_amt_hello *h, struct ck_amt_certs *roots);

/*
 * One received or captured message, decoded and judged: a new `amt_hello`
 * record (address may be NULL), its hashes named from roots and its trust
 * judged against chain (each may be NULL), or a new `error` record for
 * source when the bytes are not a valid message.  *status gets the worst
 * status seen (CK_CRITICAL for an untrusted root, CK_UNKNOWN for an error).
 * NULL only when out of memory.
 */
json_t *ck_amt_hello_examine(const unsigned char *msg, size_t len, const char *source,
    const char *address, const struct ck_amt_certs *chain, const struct ck_amt_certs *roots,
    int *status);

/*
 * Reads a captured message from path ("-": stdin): raw bytes or hex text.
 * *buf is malloc'd.  Returns 0 or -1 with err set.
 */
int ck_amt_hello_read(const char *path, unsigned char **buf, size_t *len, struct ck_err *err);
/* ck_amt_hello_read, then ck_amt_hello_parse into h.  Returns 0 or -1 with err set. */
int ck_amt_hello_load(const char *path, struct ck_amt_hello *h, struct ck_err *err);

/* The finding ids below, for --list-rules. */
const struct ck_ruleset *ck_amt_trust_ruleset(void);

/* Finding ids. */
#define CK_AMT_RULE_ROOT_NOT_TRUSTED "amt.root_not_trusted"
#define CK_AMT_RULE_CHAIN_NO_ROOT "amt.provisioning_chain_no_root"
#define CK_AMT_REF_HASHES "Intel AMT SDK: Root Certificate Hashes; MeshCentral " \
	"amtprovisioningserver.js (parseHelloData)"

#endif /* CK_AMT_TRUST_H */
