/*
 * ck_jks: the certificates of a Java KeyStore (JKS, and JCEKS as far as its
 * entries are certificates), without Java.  Java's own truststore on
 * Debian, /etc/ssl/certs/java/cacerts, is one.
 *
 * The format (OpenJDK sun.security.provider.JavaKeyStore, engineLoad and
 * engineStore), all integers big-endian:
 *
 *   u4 magic 0xFEEDFEED (JKS) or 0xCECECECE (JCEKS), u4 version 1 or 2,
 *   u4 count, then count entries:
 *     u4 tag: 1 private key, 2 trusted certificate, 3 secret key (JCEKS)
 *     UTF alias (u2 length + Java modified UTF-8), u8 date (ms since 1970)
 *     tag 1: u4 length + the encrypted key, u4 chain length, then per
 *            certificate: [version 2: UTF type "X.509"] u4 length + DER
 *     tag 2: [version 2: UTF type] u4 length + DER
 *     tag 3: a serialised Java object (not readable without Java)
 *   then 20 bytes: SHA-1 over the password as UTF-16BE, the ASCII bytes
 *   "Mighty Aphrodite" and every byte before the digest.
 *
 * Certificates are not encrypted: they are read without the password, as
 * `keytool -list` does (it then warns that integrity was not checked).
 * With a password the digest is checked first, and a mismatch (a wrong
 * password or an altered file) is an error before anything is read.
 */
#ifndef CK_JKS_H
#define CK_JKS_H

#include <stddef.h>

#include "ck_err.h"

#define CK_JKS_MAGIC 0xFEEDFEEDu
#define CK_JCEKS_MAGIC 0xCECECECEu

/* Non-zero when buf starts with the JKS or JCEKS magic. */
int ck_jks_is(const unsigned char *buf, size_t len);

/*
 * Called for each certificate in file order: its DER (pointing into the
 * keystore), the entry's alias (UTF-8, NUL-terminated) and the position of
 * the certificate in its entry's chain (0 for a trusted certificate entry).
 * Returns 0 to go on, -1 to stop.
 */
typedef int (*ck_jks_cert_fn)(void *ctx, const unsigned char *der, size_t len,
    const char *alias, long pos);

/*
 * Reads the keystore in buf.  password (UTF-8) may be NULL: then the
 * integrity digest is not checked.  Returns the number of certificates
 * passed to fn (>= 0), or -1 with err set: CK_E_PARSE (malformed or
 * truncated; certificates before the damage were passed on), CK_E_PASSWORD
 * (the digest does not match), CK_E_LIMIT (an entry this reader cannot
 * skip: a JCEKS secret key).  -2 when fn stopped.
 */
int ck_jks_read(const unsigned char *buf, size_t len, const char *password,
    ck_jks_cert_fn fn, void *ctx, struct ck_err *err);

#endif /* CK_JKS_H */
