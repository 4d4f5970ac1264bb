/*
 * libFuzzer target, differential: ck_cert's own DER decoder against
 * OpenSSL's (d2i_X509 and the X509 accessors), field by field, the way
 * fuzz_record compares ck_json with jansson.
 *
 * Acceptance: whatever d2i_X509 accepts whole (no trailing bytes) with a
 * version RFC 5280 4.1.2.1 knows (v1 to v3; extensions only in v3,
 * 4.1.2.9), validity times in the form RFC 5280 4.1.2.5.1 and 4.1.2.5.2 prescribe
 * (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ, a real date; d2i_X509 leaves the time
 * strings unchecked) and whose public key OpenSSL can load
 * (X509_get0_pubkey; d2i_X509 keeps a certificate whose RSA key does not
 * decode, ck_cert refuses it as a malformed public key) from a whole number
 * of octets (no unused bits in subjectPublicKey: every key format is
 * octet-aligned, and OpenSSL reads an Ed25519 key whose BIT STRING claims
 * four unused bits), and in which
 * every universal type has its DER form: SEQUENCE and SET constructed
 * (X.690 8.9.1, 8.11.1), strings and the other simple types primitive
 * (X.690 10.2), definite lengths (d2i_X509 lets a primitive SET in a Name
 * and a constructed OCTET STRING around an extension through), ck_cert
 * must accept too.  The reverse is allowed: ck_cert ingests what it can
 * read (a non-minimal INTEGER, an extension in a v1 certificate's
 * position are OpenSSL's refusals, not ours to copy), because cert-read is
 * not a validator.
 *
 * Fields, when both decode: version, serial, notBefore/notAfter, the last
 * CN of subject and issuer, the signature algorithm, the public key's
 * algorithm and size, the extension list (OIDs, criticality, order), and
 * the values of basicConstraints, keyUsage, extKeyUsage, subjectAltName DNS
 * names, subjectKeyIdentifier and authorityKeyIdentifier when OpenSSL
 * decodes the extension (exactly one of it) and ck_cert did not mark it
 * malformed.  Any disagreement aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the field named on stderr, so a crash says what disagreed. */
static void
differ(const char *field, const char *ours, const char *theirs)
{
	fprintf(stderr, "fuzz_cert_diff: %s: ck_cert '%s', OpenSSL '%s'\n", field,
	    ours ? ours : "(null)", theirs ? theirs : "(null)");
	abort();
}

static const char *
js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The extension record of ck_cert for oid, when there is exactly one and it is not malformed. */
static const json_t *
ck_ext(const json_t *rec, const char *oid)
{
	const json_t *list = json_object_get(rec, "extensions"), *x, *found = NULL;
	size_t i;

	json_array_foreach(list, i, x) {
		const char *o = js(x, "oid");

		if (o == NULL || strcmp(o, oid) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = x;
	}
	if (found == NULL || json_is_true(json_object_get(found, "malformed")))
		return NULL;
	return found;
}

static void
hex(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* Lower case, leading zeros gone, "-" kept: "0A" and "a" compare equal. */
static void
norm_serial(const char *in, char *out, size_t cap)
{
	size_t o = 0;

	if (*in == '-' && o + 1 < cap)
		out[o++] = *in++;
	while (*in == '0' && in[1] != '\0')
		in++;
	for (; *in && o + 1 < cap; in++)
		out[o++] = (char)((*in >= 'A' && *in <= 'F') ? *in - 'A' + 'a' : *in);
	out[o] = '\0';
}

static void
cmp_serial(const json_t *rec, X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	char a[512], b[512];

	if (h != NULL && js(rec, "serial") != NULL) {
		norm_serial(js(rec, "serial"), a, sizeof(a));
		norm_serial(h, b, sizeof(b));
		if (strcmp(a, b) != 0)
			differ("serial", a, b);
	}
	OPENSSL_free(h);
	BN_free(bn);
}

static void
cmp_time(const json_t *rec, const char *field, const ASN1_TIME *t)
{
	struct tm tm;
	char buf[64];

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (js(rec, field) == NULL || strcmp(js(rec, field), buf) != 0)
		differ(field, js(rec, field), buf);
}

/* The last CN (the most specific), when OpenSSL converts it to clean UTF-8. */
static void
cmp_cn(const json_t *name, const X509_NAME *xn, const char *field)
{
	int i = -1, last = -1;
	unsigned char *u = NULL;
	int n;

	while ((i = X509_NAME_get_index_by_NID(xn, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return;
	/*
	 * The ASCII string types (PrintableString, IA5String, VisibleString,
	 * NumericString: X.680 41) with octets above 0x7F are outside their
	 * alphabet: ck_cert reads them as UTF-8 (U+FFFD where they are not),
	 * OpenSSL as Latin-1.  Not compared.
	 */
	{
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(xn, last));
		int t = ASN1_STRING_type(v);

		if (t == V_ASN1_PRINTABLESTRING || t == V_ASN1_IA5STRING ||
		    t == V_ASN1_VISIBLESTRING || t == V_ASN1_NUMERICSTRING)
			for (int k = 0; k < ASN1_STRING_length(v); k++)
				if (ASN1_STRING_get0_data(v)[k] > 0x7f)
					return;
	}
	n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(xn, last)));
	if (n < 0)
		return;
	/* Only clean text is compared: no NUL, no control characters. */
	for (int k = 0; k < n; k++)
		if (u[k] < 0x20 || u[k] == 0x7f) {
			OPENSSL_free(u);
			return;
		}
	if (js(name, "cn") == NULL || strlen(js(name, "cn")) != (size_t)n ||
	    memcmp(js(name, "cn"), u, (size_t)n) != 0)
		differ(field, js(name, "cn"), (const char *)u);
	OPENSSL_free(u);
}

static void
cmp_sig_alg(const json_t *rec, X509 *x)
{
	const ASN1_BIT_STRING *sig;
	const X509_ALGOR *alg;
	const ASN1_OBJECT *obj;
	char want[128];
	int nid;

	X509_get0_signature(&sig, &alg, x);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	nid = OBJ_obj2nid(obj);
	if (nid != NID_undef && OBJ_nid2ln(nid) != NULL)
		snprintf(want, sizeof(want), "%s", OBJ_nid2ln(nid));
	else if (OBJ_obj2txt(want, sizeof(want), obj, 1) <= 0 || strlen(want) >= sizeof(want) - 1)
		return;
	if (js(rec, "sig_alg") == NULL || strcmp(js(rec, "sig_alg"), "unknown") == 0)
		return;
	if (strcmp(js(rec, "sig_alg"), want) != 0)
		differ("sig_alg", js(rec, "sig_alg"), want);
}

static void
cmp_key(const json_t *rec, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const json_t *key = json_object_get(rec, "key");
	const char *alg = js(key, "alg"), *want = NULL;
	long bits = (long)json_integer_value(json_object_get(key, "bits"));
	char b[32];

	ERR_clear_error();
	if (pk == NULL || alg == NULL)
		return;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		want = "rsa";
		break;
	case EVP_PKEY_EC:
		want = "ec";
		if (js(key, "curve") != NULL && strcmp(js(key, "curve"), "explicit") == 0)
			bits = -1;	/* ck_cert estimates explicit curves from the point */
		break;
	case EVP_PKEY_ED25519:
		want = "ed25519";
		break;
	case EVP_PKEY_ED448:
		want = "ed448";
		break;
	case EVP_PKEY_X25519:
		want = "x25519";
		break;
	case EVP_PKEY_X448:
		want = "x448";
		break;
	case EVP_PKEY_DSA:
		want = "dsa";
		break;
	default:
		return;
	}
	if (strcmp(alg, want) != 0)
		differ("key.alg", alg, want);
	if (bits >= 0 && bits != EVP_PKEY_get_bits(pk)) {
		snprintf(b, sizeof(b), "%d", EVP_PKEY_get_bits(pk));
		differ("key.bits", json_string_value(json_object_get(key, "alg")), b);
	}
}

static void
cmp_ext_list(const json_t *rec, X509 *x)
{
	const json_t *list = json_object_get(rec, "extensions");
	int n = X509_get_ext_count(x);
	char buf[256];

	if ((size_t)n != json_array_size(list)) {
		snprintf(buf, sizeof(buf), "%d extensions", n);
		differ("extensions", "another count", buf);
	}
	for (int i = 0; i < n; i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		const json_t *ce = json_array_get(list, (size_t)i);
		int len = OBJ_obj2txt(buf, sizeof(buf), X509_EXTENSION_get_object(e), 1);

		if (len > 0 && (size_t)len < sizeof(buf) && js(ce, "oid") != NULL &&
		    strcmp(js(ce, "oid"), buf) != 0)
			differ("extension oid", js(ce, "oid"), buf);
		if ((X509_EXTENSION_get_critical(e) != 0) != json_is_true(json_object_get(ce, "critical")))
			differ("extension critical", js(ce, "oid"), buf);
	}
}

static void
cmp_basic_constraints(const json_t *rec, X509 *x)
{
	int crit;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	const json_t *pl = json_object_get(rec, "path_len");

	if (bc == NULL || ck_ext(rec, "2.5.29.19") == NULL) {
		BASIC_CONSTRAINTS_free(bc);
		return;
	}
	if ((bc->ca != 0) != json_is_true(json_object_get(rec, "ca")))
		differ("ca", json_is_true(json_object_get(rec, "ca")) ? "true" : "false",
		    bc->ca ? "true" : "false");
	if ((bc->pathlen == NULL) != json_is_null(pl))
		differ("path_len presence", json_is_null(pl) ? "null" : "set",
		    bc->pathlen ? "set" : "null");
	if (bc->pathlen != NULL && ASN1_INTEGER_get(bc->pathlen) != (long)json_integer_value(pl))
		differ("path_len", "another value", "another value");
	BASIC_CONSTRAINTS_free(bc);
}

static void
cmp_key_usage(const json_t *rec, X509 *x)
{
	static const char *const names[9] = {
		"digital_signature", "non_repudiation", "key_encipherment", "data_encipherment",
		"key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
	};
	int crit;
	ASN1_BIT_STRING *ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	const json_t *list = json_object_get(rec, "key_usage");

	if (ku == NULL || ck_ext(rec, "2.5.29.15") == NULL) {
		ASN1_BIT_STRING_free(ku);
		return;
	}
	for (int b = 0; b < 9; b++) {
		int ours = 0;
		const json_t *v;
		size_t i;

		json_array_foreach(list, i, v)
			if (json_string_value(v) && strcmp(json_string_value(v), names[b]) == 0)
				ours = 1;
		if (ours != ASN1_BIT_STRING_get_bit(ku, b))
			differ("key_usage", names[b], ours ? "clear" : "set");
	}
	ASN1_BIT_STRING_free(ku);
}

static void
cmp_eku(const json_t *rec, X509 *x)
{
	int crit;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	const json_t *list = json_object_get(rec, "eku");
	char buf[256];

	if (eku == NULL || ck_ext(rec, "2.5.29.37") == NULL) {
		sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
		return;
	}
	if ((size_t)sk_ASN1_OBJECT_num(eku) != json_array_size(list))
		differ("eku", "another count", "another count");
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const char *ours = json_string_value(json_array_get(list, (size_t)i));
		const char *oid = ours ? ck_eku_oid(ours) : NULL;
		int len = OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, i), 1);

		if (oid == NULL)
			oid = ours;
		if (len > 0 && (size_t)len < sizeof(buf) && (oid == NULL || strcmp(oid, buf) != 0))
			differ("eku", oid, buf);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

static void
cmp_san_dns(const json_t *rec, X509 *x)
{
	int crit, k = 0;
	GENERAL_NAMES *gns = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	const json_t *dns = json_object_get(json_object_get(rec, "san"), "dns");

	if (gns == NULL || ck_ext(rec, "2.5.29.17") == NULL) {
		GENERAL_NAMES_free(gns);
		return;
	}
	for (int i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gns, i);
		const char *ours;
		int len;

		if (g->type != GEN_DNS)
			continue;
		ours = json_string_value(json_array_get(dns, (size_t)k++));
		len = ASN1_STRING_length(g->d.dNSName);
		if (memchr(ASN1_STRING_get0_data(g->d.dNSName), 0, (size_t)len) != NULL)
			continue;	/* embedded NUL: ck_cert's text form is not byte-equal */
		for (int c = 0; c < len; c++)
			if (ASN1_STRING_get0_data(g->d.dNSName)[c] >= 0x80)
				goto next;	/* not ASCII: ck_cert writes valid UTF-8 */
		if (ours == NULL || strlen(ours) != (size_t)len ||
		    memcmp(ours, ASN1_STRING_get0_data(g->d.dNSName), (size_t)len) != 0)
			differ("san.dns", ours, (const char *)ASN1_STRING_get0_data(g->d.dNSName));
next:
		;
	}
	if ((size_t)k != json_array_size(dns))
		differ("san.dns count", "another count", "another count");
	GENERAL_NAMES_free(gns);
}

static void
cmp_key_ids(const json_t *rec, X509 *x)
{
	int crit;
	ASN1_OCTET_STRING *ski = X509_get_ext_d2i(x, NID_subject_key_identifier, &crit, NULL);
	AUTHORITY_KEYID *aki = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	char h[2 * 256 + 1];

	if (ski != NULL && ck_ext(rec, "2.5.29.14") != NULL &&
	    ASN1_STRING_length(ski) <= 256) {
		hex(ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski), h, sizeof(h));
		if (js(rec, "ski") == NULL || strcmp(js(rec, "ski"), h) != 0)
			differ("ski", js(rec, "ski"), h);
	}
	if (aki != NULL && aki->keyid != NULL && ck_ext(rec, "2.5.29.35") != NULL &&
	    ASN1_STRING_length(aki->keyid) <= 256) {
		hex(ASN1_STRING_get0_data(aki->keyid), (size_t)ASN1_STRING_length(aki->keyid), h,
		    sizeof(h));
		if (js(rec, "aki") == NULL || strcmp(js(rec, "aki"), h) != 0)
			differ("aki", js(rec, "aki"), h);
	}
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(aki);
}

/* The octets of the shortest identifier and length for tag and l (X.690 8.1.2, 10.1). */
static long
min_header(int tag, long l)
{
	long n = 1;	/* the identifier octet */

	if (tag >= 31)	/* high tag number form: base 128, no leading 0x80 */
		for (; tag > 0; tag >>= 7)
			n++;
	n++;		/* the length octet */
	if (l >= 128)	/* long form: its count of octets, then l in base 256 */
		for (; l > 0; l >>= 8)
			n++;
	return n;
}

/*
 * 1 when every universal TLV in buf has its DER form (SEQUENCE and SET
 * constructed, everything else primitive, definite lengths in the fewest
 * octets, X.690 10.1; d2i_X509 reads a length of 41 in two octets), walked
 * with OpenSSL's ASN1_get_object; depth is bounded.
 */
static int
der_forms(const unsigned char *p, long len, int depth)
{
	const unsigned char *end = p + len;

	if (depth > 64)
		return 0;
	while (p < end) {
		const unsigned char *q = p;
		long l;
		int tag, cls, r = ASN1_get_object(&q, &l, &tag, &cls, end - p);

		if (r & 0x80)
			return 0;
		if (!(r & 1) && q - p != min_header(tag, l))
			return 0;
		if (cls == V_ASN1_UNIVERSAL &&
		    ((tag == V_ASN1_SEQUENCE || tag == V_ASN1_SET) != !!(r & V_ASN1_CONSTRUCTED)))
			return 0;
		if ((r & V_ASN1_CONSTRUCTED) && !(r & 1) && !der_forms(q, l, depth + 1))
			return 0;
		if (r & 1)	/* indefinite length: not DER, ck_cert need not read it */
			return 0;
		p = q + l;
	}
	return 1;
}

/* 1 when t is an RFC 5280 time: UTCTime of 13 or GeneralizedTime of 15 characters, Z, a real date. */
static int
rfc5280_time(const ASN1_TIME *t)
{
	struct tm tm;
	int n = ASN1_STRING_length(t);
	const unsigned char *p = ASN1_STRING_get0_data(t);

	if (ASN1_STRING_type(t) == V_ASN1_UTCTIME ? n != 13 :
	    ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME ? n != 15 : 1)
		return 0;
	for (int i = 0; i < n - 1; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return p[n - 1] == 'Z' && ASN1_TIME_to_tm(t, &tm) == 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	struct ck_err err;
	json_t *rec;
	X509 *x;
	char v[16];

	rec = ck_cert_record(data, size, NULL, CK_CERT_NO_PEM, &err);
	x = d2i_X509(NULL, &p, (long)size);
	if (x != NULL && p != data + size) {
		X509_free(x);	/* trailing bytes: ck_cert refuses them by contract */
		x = NULL;
	}
	ERR_clear_error();
	if (x != NULL && rec == NULL && X509_get_version(x) >= 0 && X509_get_version(x) <= 2 &&
	    (X509_get_ext_count(x) == 0 || X509_get_version(x) == 2) &&
	    rfc5280_time(X509_get0_notBefore(x)) &&
	    rfc5280_time(X509_get0_notAfter(x)) && X509_get0_pubkey(x) != NULL &&
	    !(X509_get0_pubkey_bitstr(x)->flags & ASN1_STRING_FLAG_BITS_LEFT &&
	    (X509_get0_pubkey_bitstr(x)->flags & 0x07) != 0) &&
	    der_forms(data, (long)size, 0))
		differ("acceptance", err.msg, "a certificate");
	if (x != NULL && rec != NULL) {
		snprintf(v, sizeof(v), "%ld", X509_get_version(x) + 1);
		if (json_integer_value(json_object_get(rec, "version")) != X509_get_version(x) + 1)
			differ("version", "another version", v);
		cmp_serial(rec, x);
		cmp_time(rec, "not_before", X509_get0_notBefore(x));
		cmp_time(rec, "not_after", X509_get0_notAfter(x));
		cmp_cn(json_object_get(rec, "subject"), X509_get_subject_name(x), "subject.cn");
		cmp_cn(json_object_get(rec, "issuer"), X509_get_issuer_name(x), "issuer.cn");
		cmp_sig_alg(rec, x);
		cmp_key(rec, x);
		cmp_ext_list(rec, x);
		cmp_basic_constraints(rec, x);
		cmp_key_usage(rec, x);
		cmp_eku(rec, x);
		cmp_san_dns(rec, x);
		cmp_key_ids(rec, x);
		ERR_clear_error();
	}
	X509_free(x);
	json_decref(rec);
	return 0;
}
