/*
 * ck_dn: distinguished names from text, the inverse of the `dn` field
 * cert-read prints (ck_cert.h): RFC 4514 in full, and OpenSSL's
 * "/C=US/O=Example/CN=host" form.
 */
#ifndef CK_DN_H
#define CK_DN_H

#include <openssl/x509.h>

#include "ck_err.h"

/*
 * DN text -> a new X509_NAME, or NULL with err set (CK_E_USAGE: what is
 * wrong and where; CK_E_NOMEM).
 *
 * RFC 4514 (section 3): RDNs separated by ',' with the most specific first,
 * attribute/value pairs of a multi-valued RDN joined by '+' (written in the
 * order cert-read prints them, so a dn reads back to the same name); types
 * are names OpenSSL knows (CN, O, OU, C, L, ST, DC, emailAddress, UID,
 * serialNumber, ...) or dotted OIDs; values take the escapes '\' followed by
 * one of  , + " \ < > ; = # space  or by two hex digits (any byte, so
 * UTF-8 may be written \C3\A9); the bytes of a value must be UTF-8.  A value
 * "#" followed by hex is the BER encoding of the value (a string type).
 * Spaces around ',', '+' and '=' are allowed and ignored (RFC 1779 style);
 * a space inside or escaped at the end of a value is kept.  Refused: an
 * unescaped " ; < >, a bad escape, an empty RDN, an unknown type, and a NUL
 * in a value (the null-prefix trick: no CA should sign one).
 *
 * A string starting with '/' is OpenSSL's form: '/'-separated, least
 * specific first, '+' for multi-valued RDNs, '\' escapes the next character.
 */
X509_NAME *ck_dn_parse(const char *s, struct ck_err *err);

#endif /* CK_DN_H */
