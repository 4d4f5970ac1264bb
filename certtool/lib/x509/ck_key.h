/*
 * ck_key: private keys read from PEM, and the legacy key fast path.
 *
 * OpenSSL 3.0 decodes every key, public or private, through a provider
 * decoder chain it builds for the purpose: several times the cost of the
 * rest of a certificate parse, and most of a one-certificate process's
 * start (cert-issue sign: 6.3 of its 27.6 million instructions went to
 * the CA certificate's public key).  The legacy fast path makes RSA and
 * EC keys decode through OpenSSL's own ASN.1 structures instead, process
 * wide.  Keys so decoded are used through the same path; a key decoded
 * by a provider while it is on cannot sign, so a process that turns it on
 * reads its private keys through ck_key_read_pem only.
 */
#ifndef CK_KEY_H
#define CK_KEY_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

/* 1 unless CERTKIT_NO_FASTPATH=1 or this OpenSSL has no legacy path (OpenSSL 4). */
int ck_fastpath(void);

/*
 * Turns the legacy key path on for the process: from now on certificates
 * and requests carry RSA and EC keys decoded the legacy way, and
 * ck_key_read_pem returns such keys.  Call once before any thread starts.
 * Returns 0, or -1 when it cannot be (ck_fastpath() is 0): nothing changed.
 */
int ck_key_legacy_on(void);

/* Turns it off again (before keys that only a provider can decode are used). */
void ck_key_legacy_off(void);

/* 1 while the legacy key path is on. */
int ck_key_legacy(void);

/*
 * The first private key in the PEM text pem[0..len): PKCS #8 (RFC 5958),
 * encrypted PKCS #8 (RFC 5958 section 3, PBES1 or PBES2 of RFC 8018) or
 * the traditional RSAPrivateKey (RFC 8017 appendix A.1.2) and
 * ECPrivateKey (RFC 5915) forms, these plain or encrypted with an
 * RFC 1421 "Proc-Type: 4,ENCRYPTED" header.  Blocks before it that hold
 * no private key (EC PARAMETERS, a certificate) are skipped.  type, when
 * not NULL, is the expected key type ("RSA", "EC": the certificate's) and
 * shortens OpenSSL's search when the key goes to a provider.  cb is asked
 * for the password of an encrypted key (never the terminal); once it was
 * asked, a failure is final (a wrong password stays wrong).  Returns the
 * key, or NULL.
 *
 * Traditional encryption names its cipher in the header; the cipher is
 * fetched from the provider by that name, so the reading needs no table of
 * legacy cipher names (ck_tool_crypto_local does not build it).
 */
EVP_PKEY *ck_key_read_pem(const char *pem, size_t len, const char *type,
    pem_password_cb *cb, void *u);

/*
 * Registers the ciphers private keys are encrypted with (AES, Camellia and
 * ARIA in CBC mode, three-key triple DES) in OpenSSL's table of cipher
 * names, which ck_tool_crypto_local leaves empty: PKCS #8 encryption
 * finds its cipher's object identifier there.  ck_key_read_pem calls it
 * for an encrypted key; call it before writing one.  Thread-safe.
 */
void ck_key_ciphers(void);

#endif /* CK_KEY_H */
