/*
 * Certificate decoding: DER -> `cert` record.
 *
 * The whole certificate is walked with ck_der, a strict DER reader that
 * allocates nothing.  This keeps ingest at tens of thousands of certificates
 * per second per core; OpenSSL's d2i_X509 decodes every public key through
 * the provider decoders and runs at a fraction of that.  OpenSSL is used
 * for what it does cheaply: digests and base64.
 */
#include "ck_cert.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>

#include "ck_clock.h"
#include "ck_der.h"
#include "ck_num.h"

#define OID_MAX 128

struct oid_name {
	const char *oid;
	const char *name;
};

/* Extended key usages with the short names records use (RFC 5280, MS, Intel). */
static const struct oid_name eku_names[] = {
	{ "1.3.6.1.5.5.7.3.1", "server_auth" },
	{ "1.3.6.1.5.5.7.3.2", "client_auth" },
	{ "1.3.6.1.5.5.7.3.3", "code_signing" },
	{ "1.3.6.1.5.5.7.3.4", "email_protection" },
	{ "1.3.6.1.5.5.7.3.5", "ipsec_end_system" },
	{ "1.3.6.1.5.5.7.3.6", "ipsec_tunnel" },
	{ "1.3.6.1.5.5.7.3.7", "ipsec_user" },
	{ "1.3.6.1.5.5.7.3.8", "time_stamping" },
	{ "1.3.6.1.5.5.7.3.9", "ocsp_signing" },
	{ "1.3.6.1.5.5.7.3.17", "ipsec_ike" },
	{ "2.5.29.37.0", "any_purpose" },
	{ "1.3.6.1.4.1.311.20.2.2", "smartcard_logon" },
	{ "1.3.6.1.4.1.311.20.2.1", "certificate_request_agent" },
	{ "1.3.6.1.5.2.3.4", "pkinit_client_auth" },
	{ "1.3.6.1.5.2.3.5", "kdc_auth" },
	{ "1.3.6.1.4.1.311.10.3.4", "efs" },
	{ "1.3.6.1.4.1.311.10.3.4.1", "efs_recovery" },
	{ "1.3.6.1.4.1.311.10.3.12", "document_signing" },
	{ "1.3.6.1.4.1.311.21.5", "ca_exchange" },
	{ "1.3.6.1.4.1.311.21.6", "key_recovery_agent" },
	{ "1.3.6.1.4.1.311.10.3.1", "ms_trust_list_signing" },
	{ "1.3.6.1.4.1.311.54.1.2", "remote_desktop_auth" },
	{ CK_OID_AMT_PROVISIONING, "amt_provisioning" },
	{ NULL, NULL }
};

static const char *const ku_names[9] = {
	"digital_signature", "non_repudiation", "key_encipherment",
	"data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
	"encipher_only", "decipher_only"
};

/* Attribute types of distinguished names, with the RFC 4514 / OpenSSL short names. */
static const struct oid_name dn_attrs[] = {
	{ "2.5.4.3", "CN" }, { "2.5.4.6", "C" }, { "2.5.4.7", "L" },
	{ "2.5.4.8", "ST" }, { "2.5.4.9", "street" }, { "2.5.4.10", "O" },
	{ "2.5.4.11", "OU" }, { "2.5.4.5", "serialNumber" }, { "2.5.4.4", "SN" },
	{ "2.5.4.42", "GN" }, { "2.5.4.12", "title" }, { "2.5.4.17", "postalCode" },
	{ "2.5.4.46", "dnQualifier" }, { "2.5.4.43", "initials" },
	{ "2.5.4.44", "generationQualifier" }, { "2.5.4.65", "pseudonym" },
	{ "2.5.4.97", "organizationIdentifier" }, { "2.5.4.15", "businessCategory" },
	{ "0.9.2342.19200300.100.1.25", "DC" }, { "0.9.2342.19200300.100.1.1", "UID" },
	{ "1.2.840.113549.1.9.1", "emailAddress" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
	{ NULL, NULL }
};

static const char *
lookup(const struct oid_name *t, const char *oid)
{
	for (; t->oid != NULL; t++)
		if (strcmp(t->oid, oid) == 0)
			return t->name;
	return NULL;
}

const char *
ck_eku_short_name(const char *oid)
{
	return oid ? lookup(eku_names, oid) : NULL;
}

const char *
ck_eku_oid(const char *name)
{
	if (name == NULL)
		return NULL;
	for (const struct oid_name *t = eku_names; t->oid != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t->oid;
	return NULL;
}

const char *
ck_name_label(const json_t *name, char *buf, size_t cap)
{
	const json_t *jcn = json_object_get(name, "cn");
	const char *cn = json_string_value(jcn);
	const char *dn = json_string_value(json_object_get(name, "dn"));
	const char *p;
	size_t o = 0;

	if (cap == 0)
		return NULL;
	buf[0] = '\0';
	if (cn != NULL && *cn != '\0') {
		size_t n = json_string_length(jcn);

		/* A NUL inside the name is shown as \x00 (as ck_text does), never cut there. */
		for (size_t i = 0; i < n && o + 1 < cap; i++) {
			if (cn[i] == '\0') {
				if (o + 5 > cap)
					break;
				memcpy(buf + o, "\\x00", 4);
				o += 4;
			} else {
				buf[o++] = cn[i];
			}
		}
		buf[o] = '\0';
		return buf;
	}
	if (dn == NULL || *dn == '\0')
		return NULL;
	/* The value of the first attribute of the first RDN: after the first '='. */
	p = strchr(dn, '=');
	p = p != NULL ? p + 1 : dn;
	while (*p != '\0' && *p != ',' && *p != '+' && o + 1 < cap) {
		if (*p == '\\' && p[1] != '\0') {
			int hi = ck_hex_digit((unsigned char)p[1]), lo = hi >= 0 ? ck_hex_digit((unsigned char)p[2]) : -1;

			if (hi == 0 && lo == 0) {
				if (o + 5 >= cap)
					break;
				memcpy(buf + o, "\\x00", 4);
				o += 4;
				p += 3;
			} else if (hi >= 0 && lo >= 0) {
				buf[o++] = (char)(hi * 16 + lo);
				p += 3;
			} else {
				buf[o++] = p[1];
				p += 2;
			}
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

char *
ck_hex(const unsigned char *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(len * 2 + 1);

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		s[2 * i] = digits[buf[i] >> 4];
		s[2 * i + 1] = digits[buf[i] & 15];
	}
	s[len * 2] = '\0';
	return s;
}

char *
ck_der_to_pem(const unsigned char *der, size_t len)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char tail[] = "-----END CERTIFICATE-----\n";
	size_t b64 = 4 * ((len + 2) / 3), lines = (b64 + 63) / 64;
	char *tmp, *s, *o;

	if (len > 64u * 1024 * 1024)
		return NULL;
	tmp = malloc(b64 + 1);
	s = malloc(sizeof(head) + b64 + lines + sizeof(tail));
	if (tmp == NULL || s == NULL) {
		free(tmp);
		free(s);
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)tmp, der, (int)len);
	o = s;
	memcpy(o, head, sizeof(head) - 1);
	o += sizeof(head) - 1;
	for (size_t i = 0; i < b64; i += 64) {
		size_t n = b64 - i < 64 ? b64 - i : 64;

		memcpy(o, tmp + i, n);
		o += n;
		*o++ = '\n';
	}
	memcpy(o, tail, sizeof(tail));
	free(tmp);
	return s;
}

/* Helpers that set a field and ignore allocation failure of one field. */
static void
set_str(json_t *o, const char *k, const char *v)
{
	json_t *s = json_stringn_nocheck(v, strlen(v));

	json_object_set_new_nocheck(o, k, s);
}

static void
set_hex(json_t *o, const char *k, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char buf[129], *h;

	if (len * 2 < sizeof(buf)) {
		for (size_t i = 0; i < len; i++) {
			buf[2 * i] = digits[p[i] >> 4];
			buf[2 * i + 1] = digits[p[i] & 15];
		}
		json_object_set_new_nocheck(o, k, json_stringn_nocheck(buf, len * 2));
		return;
	}
	h = ck_hex(p, len);
	if (h != NULL) {
		set_str(o, k, h);
		free(h);
	}
}

/* Appends a UTF-8 validated string (invalid bytes become U+FFFD) to an array. */
static json_t *
utf8_string(const char *p, size_t len)
{
	json_t *s = json_stringn(p, len);

	if (s == NULL) {
		char *fixed = malloc(len * 3 + 1);
		size_t o = 0;

		if (fixed == NULL)
			return json_string("");
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c < 0x80 && c != 0) {
				fixed[o++] = (char)c;
			} else {
				fixed[o++] = (char)0xef;
				fixed[o++] = (char)0xbf;
				fixed[o++] = (char)0xbd;
			}
		}
		s = json_stringn(fixed, o);
		free(fixed);
	}
	return s;
}

/*
 * Converts an ASN.1 string value to UTF-8 in out (size bytes, NUL-terminated).
 * Returns the length, or -1 when the type is not a string (the caller then
 * uses #hex form).
 */
static long
string_to_utf8(const struct ck_der_elem *e, char *out, size_t size)
{
	size_t o = 0;

	/* Encodes one code point; false when out is full. */
#define PUT(cp) do { \
		unsigned long c_ = (cp); \
		if (c_ > 0x10ffff || (c_ >= 0xd800 && c_ <= 0xdfff)) c_ = 0xfffd; \
		if (o + 5 >= size) return -1; \
		if (c_ < 0x80) out[o++] = (char)c_; \
		else if (c_ < 0x800) { out[o++] = (char)(0xc0 | (c_ >> 6)); \
			out[o++] = (char)(0x80 | (c_ & 0x3f)); } \
		else if (c_ < 0x10000) { out[o++] = (char)(0xe0 | (c_ >> 12)); \
			out[o++] = (char)(0x80 | ((c_ >> 6) & 0x3f)); \
			out[o++] = (char)(0x80 | (c_ & 0x3f)); } \
		else { out[o++] = (char)(0xf0 | (c_ >> 18)); \
			out[o++] = (char)(0x80 | ((c_ >> 12) & 0x3f)); \
			out[o++] = (char)(0x80 | ((c_ >> 6) & 0x3f)); \
			out[o++] = (char)(0x80 | (c_ & 0x3f)); } \
	} while (0)

	switch (e->tag) {
	case CK_DER_UTF8STRING:
	case CK_DER_PRINTABLESTRING:
	case CK_DER_IA5STRING:
	case 0x1a:	/* VisibleString */
	case 0x12:	/* NumericString */
		if (e->len + 1 > size)
			return -1;
		memcpy(out, e->p, e->len);
		o = e->len;
		break;
	case CK_DER_T61STRING:
		/* Treated as Latin-1, as most software does. */
		for (size_t i = 0; i < e->len; i++)
			PUT(e->p[i]);
		break;
	case CK_DER_BMPSTRING:
		if (e->len % 2)
			return -1;
		for (size_t i = 0; i < e->len; i += 2)
			PUT(((unsigned long)e->p[i] << 8) | e->p[i + 1]);
		break;
	case CK_DER_UNIVERSALSTRING:
		if (e->len % 4)
			return -1;
		for (size_t i = 0; i < e->len; i += 4)
			PUT(((unsigned long)e->p[i] << 24) | ((unsigned long)e->p[i + 1] << 16) |
			    ((unsigned long)e->p[i + 2] << 8) | e->p[i + 3]);
		break;
	default:
		return -1;
	}
#undef PUT
	out[o] = '\0';
	return (long)o;
}

/* RFC 4514 escaping of one attribute value into buf at *off. */
static int
append_escaped(char *buf, size_t size, size_t *off, const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		int esc = 0;

		if (c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' ||
		    c == '>' || c == ';')
			esc = 1;
		else if (i == 0 && (c == '#' || c == ' '))
			esc = 1;
		else if (i == len - 1 && c == ' ')
			esc = 1;
		if (c < 0x20 || c == 0x7f) {
			if (*off + 4 >= size)
				return -1;
			*off += (size_t)snprintf(buf + *off, size - *off, "\\%02X", c);
			continue;
		}
		if (*off + 3 >= size)
			return -1;
		if (esc)
			buf[(*off)++] = '\\';
		buf[(*off)++] = (char)c;
	}
	buf[*off] = '\0';
	return 0;
}

#define DN_MAX 8192
#define RDN_MAX 64

/*
 * Decodes a Name into {dn, cn, o, ou[], c, l, st, dc[], email, serial_number}.
 * The dn string is RFC 4514: most specific RDN first, '+' within an RDN.
 */
static json_t *
decode_name(const struct ck_der_elem *name, int *setup_ou)
{
	struct ck_der seq, set, atv;
	struct ck_der_elem rdn, e, oid, val;
	struct { const unsigned char *p; size_t len; } rdns[RDN_MAX];
	size_t nrdn = 0, off = 0;
	char dn[DN_MAX], oidbuf[OID_MAX], vbuf[2048];
	json_t *o = json_object(), *ou = NULL, *dc = NULL;

	if (o == NULL)
		return NULL;
	dn[0] = '\0';
	/* "dn" first in the object; its value is set at the end. */
	json_object_set_new_nocheck(o, "dn", json_null());
	ck_der_enter(name, &seq);
	while (ck_der_more(&seq)) {
		if (ck_der_expect(&seq, CK_DER_SET, &rdn) != 0 || nrdn == RDN_MAX)
			goto bad;
		rdns[nrdn].p = rdn.p;
		rdns[nrdn].len = rdn.len;
		nrdn++;
	}
	/* Fields come from the RDNs in encoded order; the dn string reverses them. */
	for (size_t k = 0; k < nrdn; k++) {
		size_t r = nrdn - 1 - k;
		int first_in_rdn = 1;

		struct ck_der_elem avas[16];
		size_t navas = 0;

		ck_der_init(&set, rdns[r].p, rdns[r].len);
		if (!ck_der_more(&set))
			goto bad;
		while (ck_der_more(&set)) {
			if (navas == 16 || ck_der_expect(&set, CK_DER_SEQUENCE, &avas[navas]) != 0)
				goto bad;
			navas++;
		}
		/* Within a multi-valued RDN, too, the last value comes first (as OpenSSL prints). */
		while (navas > 0) {
			const char *sn;
			long vlen;

			e = avas[--navas];
			ck_der_enter(&e, &atv);
			if (ck_der_expect(&atv, CK_DER_OID, &oid) != 0 ||
			    ck_der_next(&atv, &val) != 0 || ck_der_more(&atv) ||
			    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0)
				goto bad;
			sn = lookup(dn_attrs, oidbuf);
			if (off + 2 >= DN_MAX)
				goto bad;
			if (k > 0 || !first_in_rdn)
				dn[off++] = first_in_rdn ? ',' : '+';
			first_in_rdn = 0;
			{
				const char *an = sn ? sn : oidbuf;
				size_t al = strlen(an);

				if (off + al + 2 >= DN_MAX)
					goto bad;
				memcpy(dn + off, an, al);
				off += al;
				dn[off++] = '=';
				dn[off] = '\0';
			}
			vlen = sn ? string_to_utf8(&val, vbuf, sizeof(vbuf)) : -1;
			if (vlen < 0) {
				/* Unknown type or not a string: "#" + hex of the whole BER value. */
				char *h = ck_hex(val.raw, val.raw_len);

				if (h == NULL || off + strlen(h) + 2 >= DN_MAX) {
					free(h);
					goto bad;
				}
				off += (size_t)snprintf(dn + off, DN_MAX - off, "#%s", h);
				free(h);
				continue;
			}
			/* A NUL stays (as \00): cutting there would print a spoofed name. */
			if (append_escaped(dn, DN_MAX, &off, vbuf, (size_t)vlen) != 0)
				goto bad;
		}
	}
	/* Named fields in encoded order (for cn, the last one, the most specific). */
	for (size_t r = 0; r < nrdn; r++) {
		ck_der_init(&set, rdns[r].p, rdns[r].len);
		while (ck_der_more(&set)) {
			long vlen;
			json_t *s;

			if (ck_der_expect(&set, CK_DER_SEQUENCE, &e) != 0)
				goto bad;
			ck_der_enter(&e, &atv);
			if (ck_der_expect(&atv, CK_DER_OID, &oid) != 0 ||
			    ck_der_next(&atv, &val) != 0 ||
			    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0)
				goto bad;
			vlen = string_to_utf8(&val, vbuf, sizeof(vbuf));
			if (vlen < 0)
				continue;
			s = utf8_string(vbuf, (size_t)vlen);
			if (strcmp(oidbuf, "2.5.4.3") == 0) {
				json_object_set_new_nocheck(o, "cn", s);
			} else if (strcmp(oidbuf, "2.5.4.10") == 0) {
				json_object_set_new_nocheck(o, "o", s);
			} else if (strcmp(oidbuf, "2.5.4.11") == 0) {
				if (setup_ou != NULL && (size_t)vlen == strlen(CK_AMT_SETUP_OU) &&
				    memcmp(vbuf, CK_AMT_SETUP_OU, (size_t)vlen) == 0)
					*setup_ou = 1;
				if (ou == NULL)
					ou = json_array();
				json_array_append_new(ou, s);
			} else if (strcmp(oidbuf, "2.5.4.6") == 0) {
				json_object_set_new_nocheck(o, "c", s);
			} else if (strcmp(oidbuf, "2.5.4.7") == 0) {
				json_object_set_new_nocheck(o, "l", s);
			} else if (strcmp(oidbuf, "2.5.4.8") == 0) {
				json_object_set_new_nocheck(o, "st", s);
			} else if (strcmp(oidbuf, "1.2.840.113549.1.9.1") == 0) {
				json_object_set_new_nocheck(o, "email", s);
			} else if (strcmp(oidbuf, "2.5.4.5") == 0) {
				json_object_set_new_nocheck(o, "serial_number", s);
			} else if (strcmp(oidbuf, "0.9.2342.19200300.100.1.25") == 0) {
				if (dc == NULL)
					dc = json_array();
				json_array_append_new(dc, s);
			} else {
				json_decref(s);
			}
		}
	}
	json_object_set_new_nocheck(o, "dn", utf8_string(dn, off));
	json_object_set_new_nocheck(o, "ou", ou ? ou : json_array());
	if (dc != NULL)
		json_object_set_new_nocheck(o, "dc", dc);
	return o;
bad:
	json_decref(ou);
	json_decref(dc);
	json_decref(o);
	return NULL;
}

/* UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) to time_t. */
static int
decode_time(const struct ck_der_elem *e, time_t *t)
{
	const unsigned char *p = e->p;
	size_t n = e->len;
	int year;

	if (e->tag == CK_DER_UTCTIME) {
		if (n != 13 || p[12] != 'Z')
			return -1;
		for (int i = 0; i < 12; i++)
			if (p[i] < '0' || p[i] > '9')
				return -1;
		year = (p[0] - '0') * 10 + (p[1] - '0');
		year += year < 50 ? 2000 : 1900;
		p += 2;
	} else if (e->tag == CK_DER_GENERALIZEDTIME) {
		if (n != 15 || p[14] != 'Z')
			return -1;
		for (int i = 0; i < 14; i++)
			if (p[i] < '0' || p[i] > '9')
				return -1;
		year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 4;
	} else {
		return -1;
	}
	{
		int mon = (p[0] - '0') * 10 + (p[1] - '0'), day = (p[2] - '0') * 10 + (p[3] - '0');
		int h = (p[4] - '0') * 10 + (p[5] - '0'), m = (p[6] - '0') * 10 + (p[7] - '0');
		int sec = (p[8] - '0') * 10 + (p[9] - '0');
		static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		long long y = year, days;
		unsigned um = (unsigned)mon, era_yoe, doy, doe;
		long long era;

		if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || h > 23 ||
		    m > 59 || sec > 59)
			return -1;
		/* Days from the civil date (proleptic Gregorian), as ck_clock does. */
		y -= um <= 2;
		era = (y >= 0 ? y : y - 399) / 400;
		era_yoe = (unsigned)(y - era * 400);
		doy = (153 * (um + (um > 2 ? -3 : 9)) + 2) / 5 + (unsigned)day - 1;
		doe = era_yoe * 365 + era_yoe / 4 - era_yoe / 100 + doy;
		days = era * 146097 + (long long)doe - 719468;
		*t = (time_t)(days * 86400 + h * 3600 + m * 60 + sec);
		return 0;
	}
}

static void
set_time(json_t *o, const char *k, time_t t)
{
	char buf[CK_TIME_LEN];

	ck_time_format(t, buf);
	set_str(o, k, buf);
}

/* Number of significant bits in a DER INTEGER's contents (sign octet ignored). */
static int
integer_bits(const unsigned char *p, size_t len)
{
	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0)
		return 0;
	int bits = (int)(len - 1) * 8;

	for (unsigned c = *p; c; c >>= 1)
		bits++;
	return bits;
}

static const struct {
	const char *oid;
	const char *curve;
	int bits;
} curves[] = {
	{ "1.2.840.10045.3.1.7", "P-256", 256 },
	{ "1.3.132.0.34", "P-384", 384 },
	{ "1.3.132.0.35", "P-521", 521 },
	{ "1.2.840.10045.3.1.1", "P-192", 192 },
	{ "1.3.132.0.33", "P-224", 224 },
	{ "1.3.132.0.10", "secp256k1", 256 },
	{ "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256 },
	{ "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384 },
	{ "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512 },
	{ NULL, NULL, 0 }
};

/* SubjectPublicKeyInfo -> {alg, bits, curve}; reads the key material without building an EVP_PKEY. */
static json_t *
decode_spki(const struct ck_der_elem *spki)
{
	struct ck_der d, a, k;
	struct ck_der_elem alg, oid, params, bits, seq, n;
	char oidbuf[OID_MAX];
	json_t *o = json_object();
	int nbits = 0;

	ck_der_enter(spki, &d);
	if (ck_der_expect(&d, CK_DER_SEQUENCE, &alg) != 0 ||
	    ck_der_expect(&d, CK_DER_BIT_STRING, &bits) != 0 || ck_der_more(&d) ||
	    bits.len < 1 || bits.p[0] != 0)
		goto bad;
	ck_der_enter(&alg, &a);
	if (ck_der_expect(&a, CK_DER_OID, &oid) != 0 ||
	    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0)
		goto bad;
	memset(&params, 0, sizeof(params));
	if (ck_der_more(&a) && ck_der_next(&a, &params) != 0)
		goto bad;
	ck_der_init(&k, bits.p + 1, bits.len - 1);
	if (strcmp(oidbuf, "1.2.840.113549.1.1.1") == 0 ||
	    strcmp(oidbuf, "1.2.840.113549.1.1.10") == 0) {
		struct ck_der rk;

		if (ck_der_expect(&k, CK_DER_SEQUENCE, &seq) != 0)
			goto bad;
		ck_der_enter(&seq, &rk);
		if (ck_der_expect(&rk, CK_DER_INTEGER, &n) != 0)
			goto bad;
		nbits = integer_bits(n.p, n.len);
		set_str(o, "alg", "rsa");
		if (strcmp(oidbuf, "1.2.840.113549.1.1.10") == 0)
			set_str(o, "params", "rsassa-pss");
	} else if (strcmp(oidbuf, "1.2.840.10045.2.1") == 0) {
		const char *curve = NULL;

		set_str(o, "alg", "ec");
		if (params.tag == CK_DER_OID &&
		    ck_der_oid_str(params.p, params.len, oidbuf, sizeof(oidbuf)) == 0) {
			for (int i = 0; curves[i].oid != NULL; i++)
				if (strcmp(curves[i].oid, oidbuf) == 0) {
					curve = curves[i].curve;
					nbits = curves[i].bits;
				}
			if (curve == NULL) {
				int nid = OBJ_txt2nid(oidbuf);

				curve = nid != NID_undef ? OBJ_nid2sn(nid) : oidbuf;
			}
		} else {
			curve = "explicit";
		}
		if (nbits == 0 && bits.len > 2)
			nbits = (int)((bits.len - 2) / 2) * 8;	/* uncompressed point */
		set_str(o, "curve", curve);
	} else if (strcmp(oidbuf, "1.3.101.112") == 0) {
		set_str(o, "alg", "ed25519");
		nbits = 256;	/* EVP_PKEY_get_bits: ED25519_BITS (X25519 below is 253) */
	} else if (strcmp(oidbuf, "1.3.101.113") == 0) {
		set_str(o, "alg", "ed448");
		nbits = 456;
	} else if (strcmp(oidbuf, "1.3.101.110") == 0) {
		set_str(o, "alg", "x25519");
		nbits = 253;
	} else if (strcmp(oidbuf, "1.3.101.111") == 0) {
		set_str(o, "alg", "x448");
		nbits = 448;
	} else if (strcmp(oidbuf, "1.2.840.10040.4.1") == 0) {
		struct ck_der pd;
		struct ck_der_elem p;

		set_str(o, "alg", "dsa");
		if (params.tag == CK_DER_SEQUENCE) {
			ck_der_enter(&params, &pd);
			if (ck_der_expect(&pd, CK_DER_INTEGER, &p) == 0)
				nbits = integer_bits(p.p, p.len);
		}
	} else {
		set_str(o, "alg", oidbuf);
	}
	json_object_set_new_nocheck(o, "bits", json_integer(nbits));
	return o;
bad:
	json_decref(o);
	return NULL;
}

/* The common signature algorithms, named as OpenSSL names them (checked in tests). */
static const struct oid_name sig_names[] = {
	{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
	{ "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
	{ "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
	{ "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
	{ "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
	{ "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
	{ NULL, NULL }
};

/* Signature algorithm name as OpenSSL prints it ("sha256WithRSAEncryption"). */
static void
set_sig_alg(json_t *o, const struct ck_der_elem *alg)
{
	struct ck_der a;
	struct ck_der_elem oid;
	char oidbuf[OID_MAX];
	int nid;

	ck_der_enter(alg, &a);
	if (ck_der_expect(&a, CK_DER_OID, &oid) != 0 ||
	    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0) {
		set_str(o, "sig_alg", "unknown");
		return;
	}
	for (int i = 0; sig_names[i].oid != NULL; i++)
		if (strcmp(sig_names[i].oid, oidbuf) == 0) {
			set_str(o, "sig_alg", sig_names[i].name);
			return;
		}
	nid = OBJ_txt2nid(oidbuf);
	set_str(o, "sig_alg", nid != NID_undef ? OBJ_nid2ln(nid) : oidbuf);
}

static int
push_uri_or_name(json_t *arr, const struct ck_der_elem *gn)
{
	json_array_append_new(arr, utf8_string((const char *)gn->p, gn->len));
	return 0;
}

/* GeneralNames -> san object arrays. */
static int
decode_general_names(struct ck_der *d, json_t *san)
{
	struct ck_der_elem gn;
	char buf[64];

	while (ck_der_more(d)) {
		if (ck_der_next(d, &gn) != 0)
			return -1;
		switch (gn.tag) {
		case CK_DER_CTX(1):
			push_uri_or_name(json_object_get(san, "email"), &gn);
			break;
		case CK_DER_CTX(2):
			push_uri_or_name(json_object_get(san, "dns"), &gn);
			break;
		case CK_DER_CTX(6):
			push_uri_or_name(json_object_get(san, "uri"), &gn);
			break;
		case CK_DER_CTX(7):
			if (gn.len == 4) {
				snprintf(buf, sizeof(buf), "%u.%u.%u.%u", gn.p[0], gn.p[1],
				    gn.p[2], gn.p[3]);
			} else if (gn.len == 16) {
				/* RFC 5952 text form ("2001:db8::10"). */
				if (inet_ntop(AF_INET6, gn.p, buf, sizeof(buf)) == NULL)
					return -1;
			} else {
				return -1;
			}
			json_array_append_new(json_object_get(san, "ip"), json_string(buf));
			break;
		case CK_DER_CTX_CONS(0): {
			/* otherName: type-id OID, [0] EXPLICIT value; UPN is a UTF8String. */
			struct ck_der on, ex;
			struct ck_der_elem oid, v, s;
			char oidbuf[OID_MAX];

			ck_der_enter(&gn, &on);
			if (ck_der_expect(&on, CK_DER_OID, &oid) != 0 ||
			    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0 ||
			    ck_der_expect(&on, CK_DER_CTX_CONS(0), &v) != 0)
				return -1;
			if (strcmp(oidbuf, "1.3.6.1.4.1.311.20.2.3") == 0) {
				ck_der_enter(&v, &ex);
				if (ck_der_expect(&ex, CK_DER_UTF8STRING, &s) != 0)
					return -1;
				push_uri_or_name(json_object_get(san, "upn"), &s);
			}
			break;
		}
		default:
			break;	/* directoryName, x400, EDI, registeredID: not in the record */
		}
	}
	return 0;
}

static json_t *
new_san(void)
{
	json_t *san = json_object();

	json_object_set_new_nocheck(san, "dns", json_array());
	json_object_set_new_nocheck(san, "ip", json_array());
	json_object_set_new_nocheck(san, "email", json_array());
	json_object_set_new_nocheck(san, "uri", json_array());
	json_object_set_new_nocheck(san, "upn", json_array());
	return san;
}

/* One extension value; returns 0, or -1 when the value is malformed. */
static int
decode_extension(json_t *rec, const char *oid, const struct ck_der_elem *val,
    int *ca, long *path_len, int *amt_oid)
{
	struct ck_der d, s;
	struct ck_der_elem e, x;
	char oidbuf[OID_MAX];

	ck_der_enter(val, &d);
	if (strcmp(oid, "2.5.29.19") == 0) {		/* basicConstraints */
		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			return -1;
		ck_der_enter(&e, &s);
		switch (ck_der_optional(&s, CK_DER_BOOLEAN, &x)) {
		case -1:
			return -1;
		case 1:
			if (x.len != 1)
				return -1;
			*ca = x.p[0] != 0;
			break;
		}
		if (ck_der_optional(&s, CK_DER_INTEGER, &x) == 1) {
			if (x.len < 1 || x.len > 4 || (x.p[0] & 0x80))
				return -1;
			*path_len = 0;
			for (size_t i = 0; i < x.len; i++)
				*path_len = (*path_len << 8) | x.p[i];
		}
		return ck_der_more(&s) ? -1 : 0;
	}
	if (strcmp(oid, "2.5.29.15") == 0) {		/* keyUsage */
		json_t *ku = json_array();

		if (ck_der_expect(&d, CK_DER_BIT_STRING, &e) != 0 || ck_der_more(&d) ||
		    e.len < 1 || e.p[0] > 7) {
			json_decref(ku);
			return -1;
		}
		/* Bits past the last used one are padding (X.690 8.6.2.2), never usages. */
		for (int bit = 0; bit < 9; bit++) {
			size_t byte = 1 + (size_t)bit / 8;

			if ((size_t)bit < (e.len - 1) * 8 - e.p[0] && byte < e.len &&
			    (e.p[byte] & (0x80 >> (bit % 8))))
				json_array_append_new(ku, json_string(ku_names[bit]));
		}
		json_object_set_new_nocheck(rec, "key_usage", ku);
		return 0;
	}
	if (strcmp(oid, "2.5.29.37") == 0) {		/* extKeyUsage */
		json_t *eku = json_array();

		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			goto bad_eku;
		ck_der_enter(&e, &s);
		while (ck_der_more(&s)) {
			const char *sn;

			if (ck_der_expect(&s, CK_DER_OID, &x) != 0 ||
			    ck_der_oid_str(x.p, x.len, oidbuf, sizeof(oidbuf)) != 0)
				goto bad_eku;
			if (strcmp(oidbuf, CK_OID_AMT_PROVISIONING) == 0)
				*amt_oid = 1;
			sn = lookup(eku_names, oidbuf);
			json_array_append_new(eku, json_string(sn ? sn : oidbuf));
		}
		json_object_set_new_nocheck(rec, "eku", eku);
		return 0;
bad_eku:
		json_decref(eku);
		return -1;
	}
	if (strcmp(oid, "2.5.29.17") == 0) {		/* subjectAltName */
		json_t *san = new_san();

		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d)) {
			json_decref(san);
			return -1;
		}
		ck_der_enter(&e, &s);
		if (decode_general_names(&s, san) != 0) {
			json_decref(san);
			return -1;
		}
		json_object_set_new_nocheck(rec, "san", san);
		return 0;
	}
	if (strcmp(oid, "2.5.29.14") == 0) {		/* subjectKeyIdentifier */
		if (ck_der_expect(&d, CK_DER_OCTET_STRING, &e) != 0 || ck_der_more(&d))
			return -1;
		set_hex(rec, "ski", e.p, e.len);
		return 0;
	}
	if (strcmp(oid, "2.5.29.35") == 0) {		/* authorityKeyIdentifier */
		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			return -1;
		ck_der_enter(&e, &s);
		if (ck_der_optional(&s, CK_DER_CTX(0), &x) == 1)
			set_hex(rec, "aki", x.p, x.len);
		return 0;
	}
	if (strcmp(oid, "1.3.6.1.5.5.7.1.1") == 0) {	/* authorityInfoAccess */
		json_t *aia = json_object_get(rec, "aia");

		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			return -1;
		ck_der_enter(&e, &s);
		while (ck_der_more(&s)) {
			struct ck_der ad;
			struct ck_der_elem m, loc;

			if (ck_der_expect(&s, CK_DER_SEQUENCE, &x) != 0)
				return -1;
			ck_der_enter(&x, &ad);
			if (ck_der_expect(&ad, CK_DER_OID, &m) != 0 ||
			    ck_der_next(&ad, &loc) != 0 ||
			    ck_der_oid_str(m.p, m.len, oidbuf, sizeof(oidbuf)) != 0)
				return -1;
			if (loc.tag != CK_DER_CTX(6))
				continue;
			if (strcmp(oidbuf, "1.3.6.1.5.5.7.48.2") == 0)
				push_uri_or_name(json_object_get(aia, "ca_issuers"), &loc);
			else if (strcmp(oidbuf, "1.3.6.1.5.5.7.48.1") == 0)
				push_uri_or_name(json_object_get(aia, "ocsp"), &loc);
		}
		return 0;
	}
	if (strcmp(oid, "2.5.29.31") == 0) {		/* cRLDistributionPoints */
		json_t *cdp = json_object_get(rec, "crl_dp");

		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			return -1;
		ck_der_enter(&e, &s);
		while (ck_der_more(&s)) {
			struct ck_der dp, dpn, names;
			struct ck_der_elem name, full, gn;

			if (ck_der_expect(&s, CK_DER_SEQUENCE, &x) != 0)
				return -1;
			ck_der_enter(&x, &dp);
			if (ck_der_optional(&dp, CK_DER_CTX_CONS(0), &name) != 1)
				continue;
			ck_der_enter(&name, &dpn);
			if (ck_der_optional(&dpn, CK_DER_CTX_CONS(0), &full) != 1)
				continue;
			ck_der_enter(&full, &names);
			while (ck_der_more(&names)) {
				if (ck_der_next(&names, &gn) != 0)
					return -1;
				if (gn.tag == CK_DER_CTX(6))
					push_uri_or_name(cdp, &gn);
			}
		}
		return 0;
	}
	if (strcmp(oid, "2.5.29.32") == 0) {		/* certificatePolicies */
		json_t *pol = json_object_get(rec, "policies");

		if (ck_der_expect(&d, CK_DER_SEQUENCE, &e) != 0 || ck_der_more(&d))
			return -1;
		ck_der_enter(&e, &s);
		while (ck_der_more(&s)) {
			struct ck_der pi;
			struct ck_der_elem po;

			if (ck_der_expect(&s, CK_DER_SEQUENCE, &x) != 0)
				return -1;
			ck_der_enter(&x, &pi);
			if (ck_der_expect(&pi, CK_DER_OID, &po) != 0 ||
			    ck_der_oid_str(po.p, po.len, oidbuf, sizeof(oidbuf)) != 0)
				return -1;
			json_array_append_new(pol, json_string(oidbuf));
		}
		return 0;
	}
	return 0;
}

static const struct oid_name ext_names[] = {
	{ "2.5.29.19", "basic_constraints" }, { "2.5.29.15", "key_usage" },
	{ "2.5.29.37", "ext_key_usage" }, { "2.5.29.17", "subject_alt_name" },
	{ "2.5.29.18", "issuer_alt_name" },
	{ "2.5.29.14", "subject_key_identifier" },
	{ "2.5.29.35", "authority_key_identifier" },
	{ "1.3.6.1.5.5.7.1.1", "authority_info_access" },
	{ "2.5.29.31", "crl_distribution_points" },
	{ "2.5.29.32", "certificate_policies" }, { "2.5.29.30", "name_constraints" },
	{ "2.5.29.36", "policy_constraints" }, { "2.5.29.54", "inhibit_any_policy" },
	{ "2.5.29.33", "policy_mappings" }, { "1.3.6.1.5.5.7.1.3", "qc_statements" },
	{ "1.3.6.1.4.1.11129.2.4.2", "ct_precert_scts" },
	{ "1.3.6.1.4.1.11129.2.4.3", "ct_precert_poison" },
	{ "1.3.6.1.5.5.7.1.24", "tls_feature" },
	{ "1.3.6.1.5.5.7.48.1.5", "ocsp_no_check" },
	{ "1.3.6.1.4.1.311.20.2", "ms_certificate_template_name" },
	{ "1.3.6.1.4.1.311.21.7", "ms_certificate_template" },
	{ "1.3.6.1.4.1.311.21.10", "ms_application_policies" },
	{ "1.3.6.1.4.1.311.25.2", "ms_ntds_ca_security" },
	{ "1.3.6.1.4.1.311.21.1", "ms_ca_version" },
	{ "2.16.840.1.113730.1.1", "netscape_cert_type" },
	{ NULL, NULL }
};

json_t *
ck_cert_record(const unsigned char *der, size_t len, const struct ck_source *src,
    unsigned flags, struct ck_err *err)
{
	struct ck_der top, cert, tbs, d;
	struct ck_der_elem certe, tbse, sigalg, sigval, e, ver, serial, tsig, issuer,
	    validity, subject, spki, exts;
	unsigned char sha1[SHA_DIGEST_LENGTH], sha256[SHA256_DIGEST_LENGTH];
	json_t *rec = NULL, *o, *extlist;
	int version = 1, ca = 0, amt_oid = 0, setup_ou = 0, has_bc = 0, has_exts;
	long path_len = -1;
	time_t nb, na;
	const char *why = "not a DER certificate";

	ck_der_init(&top, der, len);
	if (ck_der_expect(&top, CK_DER_SEQUENCE, &certe) != 0)
		goto bad;
	if (ck_der_more(&top)) {
		why = "trailing bytes after the certificate";
		goto bad;
	}
	ck_der_enter(&certe, &cert);
	if (ck_der_expect(&cert, CK_DER_SEQUENCE, &tbse) != 0 ||
	    ck_der_expect(&cert, CK_DER_SEQUENCE, &sigalg) != 0 ||
	    ck_der_expect(&cert, CK_DER_BIT_STRING, &sigval) != 0 || ck_der_more(&cert))
		goto bad;
	ck_der_enter(&tbse, &tbs);
	switch (ck_der_optional(&tbs, CK_DER_CTX_CONS(0), &ver)) {
	case -1:
		goto bad;
	case 1: {
		struct ck_der_elem vi;

		ck_der_enter(&ver, &d);
		if (ck_der_expect(&d, CK_DER_INTEGER, &vi) != 0 || vi.len != 1 ||
		    vi.p[0] > 2 || ck_der_more(&d))
			goto bad;
		version = vi.p[0] + 1;
		break;
	}
	}
	why = "malformed certificate fields";
	if (ck_der_expect(&tbs, CK_DER_INTEGER, &serial) != 0 || serial.len == 0 ||
	    ck_der_expect(&tbs, CK_DER_SEQUENCE, &tsig) != 0 ||
	    ck_der_expect(&tbs, CK_DER_SEQUENCE, &issuer) != 0 ||
	    ck_der_expect(&tbs, CK_DER_SEQUENCE, &validity) != 0 ||
	    ck_der_expect(&tbs, CK_DER_SEQUENCE, &subject) != 0 ||
	    ck_der_expect(&tbs, CK_DER_SEQUENCE, &spki) != 0)
		goto bad;
	ck_der_enter(&validity, &d);
	why = "malformed validity";
	if (ck_der_next(&d, &e) != 0 || decode_time(&e, &nb) != 0 ||
	    ck_der_next(&d, &e) != 0 || decode_time(&e, &na) != 0 || ck_der_more(&d))
		goto bad;
	why = "malformed certificate fields";
	if (ck_der_optional(&tbs, CK_DER_CTX(1), &e) < 0 ||
	    ck_der_optional(&tbs, CK_DER_CTX(2), &e) < 0)
		goto bad;
	has_exts = ck_der_optional(&tbs, CK_DER_CTX_CONS(3), &exts);
	if (has_exts < 0 || ck_der_more(&tbs))
		goto bad;

	rec = json_object();
	if (rec == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	json_object_set_new_nocheck(rec, "kind", json_string("cert"));
	json_object_set_new_nocheck(rec, "v", json_integer(1));
	SHA256(der, len, sha256);
	SHA1(der, len, sha1);
	set_hex(rec, "id", sha256, sizeof(sha256));
	o = json_object();
	set_str(o, "type", src && src->type ? src->type : "file");
	json_object_set_new_nocheck(o, "uri", utf8_string(src && src->uri ? src->uri : "-",
	    strlen(src && src->uri ? src->uri : "-")));
	json_object_set_new_nocheck(o, "index", json_integer(src ? src->index : 0));
	json_object_set_new_nocheck(rec, "source", o);
	json_object_set_new_nocheck(rec, "version", json_integer(version));

	why = "malformed subject name";
	if ((o = decode_name(&subject, &setup_ou)) == NULL)
		goto bad;
	json_object_set_new_nocheck(rec, "subject", o);
	why = "malformed issuer name";
	if ((o = decode_name(&issuer, NULL)) == NULL)
		goto bad;
	json_object_set_new_nocheck(rec, "issuer", o);

	/* Serial: lower-case hex of the value; a negative serial keeps a '-' sign. */
	if (serial.p[0] & 0x80) {
		unsigned char *neg = malloc(serial.len);
		char *h;
		size_t i, start = 0;
		int carry = 1;

		if (neg == NULL)
			goto nomem;
		for (i = serial.len; i-- > 0;) {
			int v = (unsigned char)~serial.p[i] + carry;

			neg[i] = (unsigned char)v;
			carry = v >> 8;
		}
		while (start + 1 < serial.len && neg[start] == 0)
			start++;
		h = ck_hex(neg + start, serial.len - start);
		free(neg);
		if (h == NULL)
			goto nomem;
		{
			char *sv = malloc(strlen(h) + 2);

			if (sv == NULL) {
				free(h);
				goto nomem;
			}
			const char *digits = h[0] == '0' && h[1] ? h + 1 : h;

			sv[0] = '-';
			memcpy(sv + 1, digits, strlen(digits) + 1);
			set_str(rec, "serial", sv);
			free(sv);
		}
		free(h);
	} else {
		size_t start = 0;
		char *h;

		while (start + 1 < serial.len && serial.p[start] == 0)
			start++;
		h = ck_hex(serial.p + start, serial.len - start);
		if (h == NULL)
			goto nomem;
		/* Drop one leading zero nibble so 0x0a prints "a", as BN_bn2hex-like tools do. */
		set_str(rec, "serial", h[0] == '0' && h[1] ? h + 1 : h);
		free(h);
	}
	set_time(rec, "not_before", nb);
	set_time(rec, "not_after", na);
	set_sig_alg(rec, &sigalg);
	why = "malformed public key";
	if ((o = decode_spki(&spki)) == NULL)
		goto bad;
	json_object_set_new_nocheck(rec, "key", o);

	json_object_set_new_nocheck(rec, "key_usage", json_array());
	json_object_set_new_nocheck(rec, "eku", json_array());
	json_object_set_new_nocheck(rec, "san", new_san());
	o = json_object();
	json_object_set_new_nocheck(o, "ca_issuers", json_array());
	json_object_set_new_nocheck(o, "ocsp", json_array());
	json_object_set_new_nocheck(rec, "aia", o);
	json_object_set_new_nocheck(rec, "crl_dp", json_array());
	json_object_set_new_nocheck(rec, "policies", json_array());
	extlist = json_array();
	json_object_set_new_nocheck(rec, "extensions", extlist);

	if (has_exts == 1) {
		struct ck_der seq, ext;
		struct ck_der_elem list, one, oid, crit, val;
		char oidbuf[OID_MAX];

		why = "malformed extensions";
		ck_der_enter(&exts, &d);
		if (ck_der_expect(&d, CK_DER_SEQUENCE, &list) != 0 || ck_der_more(&d) ||
		    version != 3)
			goto bad;
		ck_der_enter(&list, &seq);
		while (ck_der_more(&seq)) {
			int critical = 0;
			const char *name;
			json_t *x;

			if (ck_der_expect(&seq, CK_DER_SEQUENCE, &one) != 0)
				goto bad;
			ck_der_enter(&one, &ext);
			if (ck_der_expect(&ext, CK_DER_OID, &oid) != 0 ||
			    ck_der_oid_str(oid.p, oid.len, oidbuf, sizeof(oidbuf)) != 0)
				goto bad;
			switch (ck_der_optional(&ext, CK_DER_BOOLEAN, &crit)) {
			case -1:
				goto bad;
			case 1:
				if (crit.len != 1)
					goto bad;
				critical = crit.p[0] != 0;
				break;
			}
			if (ck_der_expect(&ext, CK_DER_OCTET_STRING, &val) != 0 ||
			    ck_der_more(&ext))
				goto bad;
			x = json_object();
			set_str(x, "oid", oidbuf);
			name = lookup(ext_names, oidbuf);
			if (name != NULL)
				set_str(x, "name", name);
			json_object_set_new_nocheck(x, "critical", json_boolean(critical));
			if (strcmp(oidbuf, "2.5.29.19") == 0)
				has_bc = 1;
			/* A malformed value is recorded, not fatal: ingest is not validation. */
			if (decode_extension(rec, oidbuf, &val, &ca, &path_len, &amt_oid) != 0)
				json_object_set_new_nocheck(x, "malformed", json_true());
			json_array_append_new(extlist, x);
		}
	}
	json_object_set_new_nocheck(rec, "ca", json_boolean(has_bc && ca));
	json_object_set_new_nocheck(rec, "path_len",
	    path_len >= 0 ? json_integer(path_len) : json_null());
	{
		/* Self-signed as OpenSSL means it without verifying: same name, matching key ids. */
		const char *ski = json_string_value(json_object_get(rec, "ski"));
		const char *aki = json_string_value(json_object_get(rec, "aki"));
		int same = issuer.len == subject.len &&
		    memcmp(issuer.p, subject.p, subject.len) == 0;

		if (same && aki != NULL && ski != NULL && strcmp(aki, ski) != 0)
			same = 0;
		json_object_set_new_nocheck(rec, "self_signed", json_boolean(same));
	}
	o = json_object();
	json_object_set_new_nocheck(o, "provisioning_oid", json_boolean(amt_oid));
	json_object_set_new_nocheck(o, "setup_ou", json_boolean(setup_ou));
	json_object_set_new_nocheck(rec, "amt", o);
	o = json_object();
	set_hex(o, "sha1", sha1, sizeof(sha1));
	set_hex(o, "sha256", sha256, sizeof(sha256));
	json_object_set_new_nocheck(rec, "fingerprint", o);
	if (!(flags & CK_CERT_NO_PEM)) {
		char *pem = ck_der_to_pem(der, len);

		if (pem == NULL)
			goto nomem;
		set_str(rec, "pem", pem);
		free(pem);
	}
	return rec;
nomem:
	json_decref(rec);
	ck_err_set(err, CK_E_NOMEM, "out of memory");
	return NULL;
bad:
	json_decref(rec);
	ck_err_set(err, CK_E_PARSE, "%s", why);
	return NULL;
}

int
ck_cert_record_der(const json_t *rec, unsigned char **der, size_t *len,
    struct ck_err *err)
{
	const char *pem = json_string_value(json_object_get(rec, "pem"));
	const char *b, *e;
	unsigned char *out;
	char *clean;
	size_t n = 0, pad = 0;
	int got;

	*der = NULL;
	*len = 0;
	if (pem == NULL)
		return ck_err_set(err, CK_E_PARSE, "record has no \"pem\" (was it read with --no-pem?)");
	b = strstr(pem, "-----BEGIN CERTIFICATE-----");
	if (b != NULL) {
		b += strlen("-----BEGIN CERTIFICATE-----");
		e = strstr(b, "-----END CERTIFICATE-----");
		if (e == NULL)
			return ck_err_set(err, CK_E_PARSE, "\"pem\" has no END line");
	} else {
		b = pem;
		e = pem + strlen(pem);
	}
	clean = malloc((size_t)(e - b) + 1);
	if (clean == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	for (const char *p = b; p < e; p++) {
		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			continue;
		clean[n++] = *p;
	}
	if (n == 0 || n % 4 != 0 || n > 0x7ffffff0) {
		free(clean);
		return ck_err_set(err, CK_E_PARSE, "\"pem\" is not valid base64");
	}
	if (clean[n - 1] == '=')
		pad++;
	if (n > 1 && clean[n - 2] == '=')
		pad++;
	out = malloc(n / 4 * 3 + 1);
	if (out == NULL) {
		free(clean);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	got = EVP_DecodeBlock(out, (unsigned char *)clean, (int)n);
	free(clean);
	if (got < 0 || (size_t)got < pad) {
		free(out);
		return ck_err_set(err, CK_E_PARSE, "\"pem\" is not valid base64");
	}
	*der = out;
	*len = (size_t)got - pad;
	return 0;
}
