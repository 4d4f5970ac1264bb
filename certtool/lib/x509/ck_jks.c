/* ck_jks: certificates from a Java KeyStore (format in ck_jks.h). */
#include "ck_jks.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define DIGEST_LEN 20
#define ALIAS_MAX 1024

struct rd {
	const unsigned char *p, *end;
};

static int
u4(struct rd *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return 0;
}

static int
skip(struct rd *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return -1;
	r->p += n;
	return 0;
}

/*
 * A Java UTF string (u2 length + modified UTF-8) as UTF-8 in out: the
 * encoded NUL (C0 80) becomes '?', a surrogate pair (two 3-byte sequences)
 * one 4-byte sequence, any byte that is not UTF-8 '?'.
 */
static int
utf(struct rd *r, char *out, size_t cap)
{
	const unsigned char *s, *e;
	size_t o = 0;
	unsigned n;

	if (r->end - r->p < 2)
		return -1;
	n = (unsigned)r->p[0] << 8 | r->p[1];
	r->p += 2;
	if ((size_t)(r->end - r->p) < n)
		return -1;
	s = r->p;
	e = s + n;
	r->p = e;
	while (s < e && o + 5 < cap) {
		if (s[0] < 0x80) {
			out[o++] = (char)*s++;
		} else if (e - s >= 6 && s[0] == 0xED && (s[1] & 0xF0) == 0xA0 && s[3] == 0xED &&
		    (s[4] & 0xF0) == 0xB0) {
			uint32_t hi = 0x10000 + (((uint32_t)(s[1] & 0x0F) << 6 | (s[2] & 0x3F)) << 10);
			uint32_t cp = hi | ((uint32_t)(s[4] & 0x0F) << 6 | (s[5] & 0x3F));

			out[o++] = (char)(0xF0 | cp >> 18);
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
			s += 6;
		} else if (e - s >= 2 && (s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2 && (s[1] & 0xC0) == 0x80) {
			out[o++] = (char)s[0];
			out[o++] = (char)s[1];
			s += 2;
		} else if (e - s >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
		    (s[2] & 0xC0) == 0x80 && !(s[0] == 0xE0 && s[1] < 0xA0) && s[0] != 0xED) {
			memcpy(out + o, s, 3);
			o += 3;
			s += 3;
		} else {
			out[o++] = '?';
			s++;
		}
	}
	out[o] = '\0';
	return 0;
}

/* Appends the password as UTF-16BE (from UTF-8; invalid bytes as U+FFFD) to the digest. */
static int
digest_password(EVP_MD_CTX *md, const char *pw)
{
	const unsigned char *s = (const unsigned char *)pw;

	while (*s != '\0') {
		uint32_t cp;
		unsigned char b[4];
		int n;

		if (s[0] < 0x80) {
			cp = s[0];
			n = 1;
		} else if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
			cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
			n = 2;
		} else if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
			cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
			n = 3;
		} else if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80) {
			cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
			    (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
			n = 4;
		} else {
			cp = 0xFFFD;
			n = 1;
		}
		s += n;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000, h = 0xD800 | v >> 10, l = 0xDC00 | (v & 0x3FF);

			b[0] = (unsigned char)(h >> 8);
			b[1] = (unsigned char)h;
			b[2] = (unsigned char)(l >> 8);
			b[3] = (unsigned char)l;
			if (!EVP_DigestUpdate(md, b, 4))
				return -1;
		} else {
			b[0] = (unsigned char)(cp >> 8);
			b[1] = (unsigned char)cp;
			if (!EVP_DigestUpdate(md, b, 2))
				return -1;
		}
	}
	return 0;
}

/* The keyed SHA-1 of the keystore (buf without its last 20 bytes) matches? */
static int
check_digest(const unsigned char *buf, size_t len, const char *pw, struct ck_err *err)
{
	static const char whitener[] = "Mighty Aphrodite";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_MD *sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	int rv = -1;

	if (c == NULL || sha1 == NULL || !EVP_DigestInit_ex(c, sha1, NULL) ||
	    digest_password(c, pw) != 0 ||
	    !EVP_DigestUpdate(c, whitener, sizeof(whitener) - 1) ||
	    !EVP_DigestUpdate(c, buf, len - DIGEST_LEN) || !EVP_DigestFinal_ex(c, md, &mdlen) ||
	    mdlen != DIGEST_LEN) {
		ck_err_set(err, CK_E_CRYPTO, "SHA-1 not available");
		goto out;
	}
	if (CRYPTO_memcmp(md, buf + len - DIGEST_LEN, DIGEST_LEN) != 0) {
		ck_err_set(err, CK_E_PASSWORD,
		    "Java KeyStore integrity check failed: wrong password or altered file");
		goto out;
	}
	rv = 0;
out:
	EVP_MD_free(sha1);
	EVP_MD_CTX_free(c);
	return rv;
}

int
ck_jks_is(const unsigned char *buf, size_t len)
{
	uint32_t m;

	if (len < 4)
		return 0;
	m = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	return m == CK_JKS_MAGIC || m == CK_JCEKS_MAGIC;
}

/* One certificate: [v2: UTF type] u4 length + DER. */
static int
cert(struct rd *r, uint32_t version, const unsigned char **der, uint32_t *dlen)
{
	char type[64];

	if (version == 2 && (utf(r, type, sizeof(type)) != 0 || strcmp(type, "X.509") != 0))
		return -1;
	if (u4(r, dlen) != 0 || *dlen == 0 || (size_t)(r->end - r->p) < *dlen)
		return -1;
	*der = r->p;
	r->p += *dlen;
	return 0;
}

int
ck_jks_read(const unsigned char *buf, size_t len, const char *password,
    ck_jks_cert_fn fn, void *ctx, struct ck_err *err)
{
	struct rd r = { buf, buf + len };
	uint32_t magic = 0, version = 0, count = 0, i = 0, tag, klen, nchain, k, dlen;
	const unsigned char *der;
	char alias[ALIAS_MAX];
	int n = 0;

	if (len < 12 + DIGEST_LEN || !ck_jks_is(buf, len))
		return ck_err_set(err, CK_E_PARSE, "not a Java KeyStore (too short or no magic)");
	r.end = buf + len - DIGEST_LEN;
	if (password != NULL && check_digest(buf, len, password, err) != 0)
		return -1;
	u4(&r, &magic);
	u4(&r, &version);
	u4(&r, &count);
	if (version != 1 && version != 2)
		return ck_err_set(err, CK_E_PARSE, "Java KeyStore version %u (expected 1 or 2)",
		    (unsigned)version);
	for (i = 0; i < count; i++) {
		if (u4(&r, &tag) != 0 || utf(&r, alias, sizeof(alias)) != 0 || skip(&r, 8) != 0)
			goto bad;
		switch (tag) {
		case 1:		/* private key: the encrypted key, then its chain */
			if (u4(&r, &klen) != 0 || skip(&r, klen) != 0 || u4(&r, &nchain) != 0)
				goto bad;
			for (k = 0; k < nchain; k++) {
				if (cert(&r, version, &der, &dlen) != 0)
					goto bad;
				if (fn(ctx, der, dlen, alias, (long)k) != 0)
					return -2;
				n++;
			}
			break;
		case 2:		/* trusted certificate */
			if (cert(&r, version, &der, &dlen) != 0)
				goto bad;
			if (fn(ctx, der, dlen, alias, 0) != 0)
				return -2;
			n++;
			break;
		case 3:
			return ck_err_set(err, CK_E_LIMIT, "JCEKS entry '%s' is a secret key "
			    "(a serialised Java object); entries after it cannot be read: "
			    "convert with keytool -importkeystore -deststoretype pkcs12", alias);
		default:
			return ck_err_set(err, CK_E_PARSE, "Java KeyStore entry %u: unknown tag %u",
			    (unsigned)i + 1, (unsigned)tag);
		}
	}
	if (r.p != r.end)
		return ck_err_set(err, CK_E_PARSE, "Java KeyStore: %zu bytes after the last entry",
		    (size_t)(r.end - r.p));
	return n;
bad:
	return ck_err_set(err, CK_E_PARSE, "Java KeyStore entry %u of %u: truncated or malformed",
	    (unsigned)i + 1, (unsigned)count);
}
