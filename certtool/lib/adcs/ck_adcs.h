/*
 * ck_adcs: AD CS certificate template encodings ([MS-CRTD]
 * items 18-23): the four flag attributes, FILETIME periods, key-usage bytes.
 * Used by cert-ad (decode), cert-tmpl (encode), cert-lint and cert-approve.
 */
#ifndef CK_ADCS_H
#define CK_ADCS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ck_err.h"

/* Flag attributes, by their record field names. */
enum ck_adcs_attr {
	CK_ADCS_FLAGS,			/* flags */
	CK_ADCS_ENROLLMENT_FLAG,	/* msPKI-Enrollment-Flag */
	CK_ADCS_NAME_FLAG,		/* msPKI-Certificate-Name-Flag */
	CK_ADCS_PRIVATE_KEY_FLAG	/* msPKI-Private-Key-Flag */
};

/* Bits the rules test ([MS-CRTD] 2.26, 2.28). */
#define CK_ADCS_PEND_ALL_REQUESTS		0x2u
#define CK_ADCS_NO_SECURITY_EXTENSION		0x80000u
#define CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT	0x1u
#define CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME 0x10000u

/* Record field name ("enrollment_flag") -> enum; -1 when unknown. */
int ck_adcs_attr_from_field(const char *field);

/*
 * {"raw": v, "names": [...]} for a flag value as read from LDAP (a signed
 * 32-bit decimal: 0x80000000 reads as -2147483648).  raw in the record is
 * that signed value; names lists every set bit by its MS-CRTD name, unknown
 * bits as "0x00000400"-style hex names (never dropped).  For the private
 * key flag the version fields (0xF0000, 0xF000000) are named
 * "SERVER_VERSION_<n>" / "CLIENT_VERSION_<n>".  Returns a new reference.
 */
json_t *ck_adcs_flags_json(enum ck_adcs_attr attr, int32_t raw);

/* Name -> bit for one attribute (hex names "0x..." accepted). Returns 0 or -1. */
int ck_adcs_flag_bit(enum ck_adcs_attr attr, const char *name, uint32_t *bit,
    struct ck_err *err);

/*
 * The value of a {"raw","names"} object (raw is used when present, else
 * the OR of the named bits), a bare integer, or an array of names.
 * Returns 0 or -1.
 */
int ck_adcs_flags_value(enum ck_adcs_attr attr, const json_t *v, uint32_t *out,
    struct ck_err *err);

/*
 * pKIExpirationPeriod / pKIOverlapPeriod: 8 bytes little-endian signed
 * 64-bit, negative count of 100 ns.  Decodes to days (fractional for
 * periods given in hours).  Returns 0 or -1 (CK_E_PARSE) when len != 8 or
 * the value is not negative.
 */
int ck_adcs_period_decode(const unsigned char *buf, size_t len, double *days,
    struct ck_err *err);
void ck_adcs_period_encode(double days, unsigned char out[8]);

/*
 * pKIKeyUsage bit-string bytes (RFC 5280 bit order: byte 0 bit 0x80 =
 * digitalSignature ... 0x01 = encipherOnly; byte 1 bit 0x80 =
 * decipherOnly; e.g. 0x80 0x00 = digitalSignature) to the key_usage names
 * the cert record uses ("digital_signature", "non_repudiation",
 * "key_encipherment", "data_encipherment", "key_agreement",
 * "key_cert_sign", "crl_sign", "encipher_only", "decipher_only").
 * Returns a new reference (an array).
 */
json_t *ck_adcs_key_usage_json(const unsigned char *buf, size_t len);
/* Names -> 2 bytes (second byte only for decipher_only); *len 1 or 2. */
int ck_adcs_key_usage_encode(const json_t *names, unsigned char out[2], size_t *len,
    struct ck_err *err);

/* Additions (cert-tmpl): names of the attributes and single bits. */

/* Record field name ("enrollment_flag") and LDAP attribute name
 * ("msPKI-Enrollment-Flag") of an attribute; NULL when out of range. */
const char *ck_adcs_attr_field(enum ck_adcs_attr attr);
const char *ck_adcs_attr_ldap(enum ck_adcs_attr attr);

/* MS-CRTD name of one bit of an attribute (static string), or NULL. */
const char *ck_adcs_flag_name(enum ck_adcs_attr attr, uint32_t bit);

/* Key usage name -> bit number (0 = digital_signature ... 8 = decipher_only), or -1. */
int ck_adcs_key_usage_bit(const char *name);

/*
 * The template attributes whose value decides what a certificate from the
 * template can do (subject from the request, EKU and application policies,
 * approval, signatures, issuance policies, key handling): write access to
 * any one of them turns a template into ESC1, ESC2 or ESC3.  schemaIDGUID
 * in the string form ACEs carry (lower case), with the LDAP display name.
 * The GUIDs are those the harness's Samba AD DC serves (Microsoft's
 * schema text, [MS-ADA2] / [MS-ADA3]); none of these attributes belongs to
 * a property set (no attributeSecurityGUID), so no other GUID grants them.
 */
struct ck_adcs_schema_attr {
	const char *ldap;	/* "msPKI-Certificate-Name-Flag" */
	const char *guid;	/* "ea1dddc4-60ff-416e-8cc0-17cee534bce7" */
};

/* The table above; *n gets its length. */
const struct ck_adcs_schema_attr *ck_adcs_security_attrs(size_t *n);

#endif /* CK_ADCS_H */
