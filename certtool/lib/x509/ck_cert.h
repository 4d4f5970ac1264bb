/*
 * ck_cert: X.509 certificate decoding into `cert` records (certkit-records(5)).
 *
 * The decoder parses the certificate with an ASN.1 template that leaves
 * SubjectPublicKeyInfo opaque (OpenSSL 3.0's d2i_X509 decodes every public
 * key through the provider decoders, which costs ~8x the rest), and reads the
 * key type and size straight from the SPKI DER.
 */
#ifndef CK_CERT_H
#define CK_CERT_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"

/* The AMT provisioning EKU and the setup OU (Intel AMT SDK, "Acquiring an Intel vPro Certificate"). */
#define CK_OID_AMT_PROVISIONING "2.16.840.1.113741.1.2.3"
#define CK_AMT_SETUP_OU "Intel(R) Client Setup Certificate"

/* Where a certificate came from: the `source` object of a record. */
struct ck_source {
	const char *type;	/* file|stdin|url|tls|ldap */
	const char *uri;	/* path, URL, host:port, DN */
	long index;		/* position in its file/chain, 0-based */
};

enum ck_cert_flags {
	CK_CERT_NO_PEM = 1 << 0		/* leave out the "pem" field */
};

/*
 * Decodes one DER certificate into a new `cert` record (new reference).
 * Returns NULL with err set (CK_E_PARSE) when der is not a certificate;
 * trailing bytes after the certificate are an error.
 */
json_t *ck_cert_record(const unsigned char *der, size_t len,
    const struct ck_source *src, unsigned flags, struct ck_err *err);

/*
 * Extracts the DER of a `cert` record from its "pem" field.  *der is
 * malloc'd; free() it.  Returns 0, or -1 (CK_E_PARSE) when the record has no
 * usable pem.
 */
int ck_cert_record_der(const json_t *rec, unsigned char **der, size_t *len,
    struct ck_err *err);

/*
 * The name people read for an X.509 name object of a record ({"dn", "cn",
 * ...}): its CN when it has a non-empty one, else the value of the DN's most
 * specific RDN (the first in RFC 4514 order, RFC 4514 section 2.1), with the
 * RFC 4514 escapes undone: "OU=Security Communication RootCA1,O=SECOM
 * Trust.net,C=JP" is "Security Communication RootCA1".  A value given as
 * "#hex" stays as it is.  Writes into buf (cap bytes, truncated) and returns
 * buf, or returns NULL (buf "") when name has neither CN nor DN.  A NUL
 * inside the name is written as the four characters \x00, never cut there.  Every
 * human-readable output and monitoring label names certificates with this.
 */
const char *ck_name_label(const json_t *name, char *buf, size_t cap);

/* Short name of a dotted EKU OID ("server_auth", ...) or NULL when unknown. */
const char *ck_eku_short_name(const char *oid);

/* Dotted OID of an EKU short name, or NULL when the name is not one of ours. */
const char *ck_eku_oid(const char *name);

/* Base64 of der as PEM ("-----BEGIN CERTIFICATE-----\n...\n-----END..."). New malloc'd string. */
char *ck_der_to_pem(const unsigned char *der, size_t len);

/* Lower-case hex of buf into a new malloc'd string. */
char *ck_hex(const unsigned char *buf, size_t len);

#endif /* CK_CERT_H */
