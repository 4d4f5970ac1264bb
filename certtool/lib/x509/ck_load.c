/*
 * Sources of certificates: files, directories, stdin, http(s)://,
 * ldap(s)://, tls://host:port.  Everything ends in ck_load_buffer (bytes ->
 * records) or, for TLS and LDAP, in a list of DER blobs.
 */
#include "ck_load.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "ck_cert.h"
#include "ck_grow.h"
#include "ck_der.h"
#include "ck_jks.h"
#include "ck_net.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_url.h"

/* A directory holds at most this many entries we look at; files at most this size. */
#define CK_LOAD_MAX_FILE (256u * 1024 * 1024)
#define CK_LOAD_MAX_DEPTH 32

void
ck_load_opts_init(struct ck_load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->p12_max_iter = CK_P12_MAX_ITER;
	ck_fetch_opts_init(&o->fetch);
}

static int
emit_error(ck_emit_fn emit, void *ctx, const char *uri, const struct ck_err *e)
{
	json_t *rec = ck_error_record_err(uri, e);

	if (rec == NULL)
		return -1;
	return emit(ctx, rec) != 0 ? -1 : 1;
}

/*
 * ck_load_source_der: the loaders below take (emit, ctx); a DER-aware caller
 * is wrapped in this sink, recognised by its emit function, so only
 * emit_der() needs to know about it.
 */
struct der_sink {
	ck_emit_der_fn emit;
	void *ctx;
};

static int
der_sink_emit(void *ctx, json_t *rec)
{
	struct der_sink *s = ctx;

	return s->emit(s->ctx, rec, NULL, 0);
}

/*
 * Emits one certificate, with source.alias when alias is not NULL (a Java
 * KeyStore entry); returns 0 (ok), 1 (an error record emitted), -1 (stop).
 */
static int
emit_der_alias(const unsigned char *der, size_t len, const char *type, const char *uri,
    long index, const char *alias, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	struct ck_source src = { type, uri, index };
	struct ck_err err;
	json_t *rec;

	rec = ck_cert_record(der, len, &src, o->cert_flags, &err);
	if (rec == NULL) {
		char where[64];

		snprintf(where, sizeof(where), "certificate #%ld", index + 1);
		ck_err_prefix(&err, "%s", where);
		return emit_error(emit, ctx, uri, &err);
	}
	if (alias != NULL)
		json_object_set_new(json_object_get(rec, "source"), "alias", json_string(alias));
	if (emit == der_sink_emit) {
		struct der_sink *s = ctx;

		return s->emit(s->ctx, rec, der, len) != 0 ? -1 : 0;
	}
	return emit(ctx, rec) != 0 ? -1 : 0;
}

static int
emit_der(const unsigned char *der, size_t len, const char *type, const char *uri,
    long index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	return emit_der_alias(der, len, type, uri, index, NULL, o, emit, ctx);
}

/* A Java KeyStore's certificates, one record each, source.alias the entry's alias. */
struct jks_sink {
	const char *type, *uri;
	long *index;
	const struct ck_load_opts *o;
	ck_emit_fn emit;
	void *ctx;
	int errors;
};

static int
jks_cert(void *arg, const unsigned char *der, size_t len, const char *alias, long pos)
{
	struct jks_sink *s = arg;
	int r;

	(void)pos;
	r = emit_der_alias(der, len, s->type, s->uri, (*s->index)++, alias, s->o, s->emit, s->ctx);
	if (r < 0)
		return -1;
	s->errors += r;
	return 0;
}

static int
load_jks(const unsigned char *buf, size_t len, const char *type, const char *uri,
    long *index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	struct jks_sink s = { type, uri, index, o, emit, ctx, 0 };
	struct ck_err err;
	int r = ck_jks_read(buf, len, o->password, jks_cert, &s, &err);

	if (r == -2)
		return -1;
	if (r < 0) {
		r = emit_error(emit, ctx, uri, &err);
		return r < 0 ? -1 : s.errors + r;
	}
	if (r == 0) {
		ck_err_set(&err, CK_E_PARSE, "Java KeyStore with no certificate");
		r = emit_error(emit, ctx, uri, &err);
		return r < 0 ? -1 : s.errors + r;
	}
	return s.errors;
}

static int
emit_x509_stack(const STACK_OF(X509) *sk, const char *type, const char *uri,
    long *index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	int errors = 0, r;

	for (int i = 0; i < sk_X509_num(sk); i++) {
		unsigned char *der = NULL;
		int n = i2d_X509(sk_X509_value(sk, i), &der);

		if (n <= 0)
			continue;
		r = emit_der(der, (size_t)n, type, uri, (*index)++, o, emit, ctx);
		OPENSSL_free(der);
		if (r < 0)
			return -1;
		errors += r;
	}
	return errors;
}

/* PKCS#7 (DER) certificates; returns errors, -1 to stop, -2 when not PKCS#7. */
static int
load_pkcs7(const unsigned char *buf, size_t len, const char *type, const char *uri,
    long *index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	const unsigned char *p = buf;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	STACK_OF(X509) *certs = NULL;
	int r;

	if (p7 == NULL) {
		ERR_clear_error();
		return -2;
	}
	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped(p7) && p7->d.signed_and_enveloped != NULL)
		certs = p7->d.signed_and_enveloped->cert;
	if (sk_X509_num(certs) <= 0) {
		/* Same as a PEM file without a certificate: an error, never silence. */
		struct ck_err err;

		PKCS7_free(p7);
		ck_err_set(&err, CK_E_PARSE, "PKCS#7 holds no certificate");
		return emit_error(emit, ctx, uri, &err);
	}
	r = emit_x509_stack(certs, type, uri, index, o, emit, ctx);
	PKCS7_free(p7);
	return r;
}

/*
 * PKCS#12 iteration counts.  Every key derivation in a PKCS#12 file (the MAC
 * key, RFC 7292 appendix B; each PBE or PBES2/PBKDF2 encryption key, RFC 8018
 * 6.1 and 6.2) costs as many hash rounds as the file asks for, and the file
 * asks before any password is checked: a 2.5 KB file with 2^31-1 rounds keeps
 * a core busy for tens of minutes.  Real files use 1-2048 (OpenSSL's default
 * PKCS12_DEFAULT_ITER), 10 000 (Java), 2 000 (Windows); every count is
 * checked against o->p12_max_iter before anything is derived.
 */
static int
iter_ok(const ASN1_INTEGER *ai, long max, int64_t *got)
{
	int64_t v = 1;		/* an absent count means 1 (RFC 7292 appendix C) */

	if (ai != NULL && !ASN1_INTEGER_get_int64(&v, ai)) {
		ERR_clear_error();
		v = INT64_MAX;
	}
	*got = v;
	return v >= 1 && v <= max;
}

/* The iteration count of a PBE algorithm (PKCS#5 v1/PKCS#12 PBE or PBES2+PBKDF2). */
static int
alg_iter_ok(const X509_ALGOR *alg, long max, int64_t *got)
{
	const ASN1_OBJECT *oid;
	const void *pv;
	int ptype, ok = 1;

	*got = 0;
	if (alg == NULL)
		return 1;
	X509_ALGOR_get0(&oid, &ptype, &pv, alg);
	if (ptype != V_ASN1_SEQUENCE)
		return 1;	/* no parameters: nothing is derived here */
	if (OBJ_obj2nid(oid) == NID_pbes2) {
		PBE2PARAM *p2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
		    alg->parameter);
		PBKDF2PARAM *kdf = NULL;

		if (p2 != NULL && p2->keyfunc != NULL &&
		    OBJ_obj2nid(p2->keyfunc->algorithm) == NID_id_pbkdf2)
			kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
			    p2->keyfunc->parameter);
		if (kdf != NULL)
			ok = iter_ok(kdf->iter, max, got);
		PBKDF2PARAM_free(kdf);
		PBE2PARAM_free(p2);
	} else {
		PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM),
		    alg->parameter);

		if (pbe != NULL)
			ok = iter_ok(pbe->iter, max, got);
		PBEPARAM_free(pbe);
	}
	ERR_clear_error();
	return ok;
}

/* Every shrouded key bag of bags (and of nested safe-content bags). */
static int
bags_iter_ok(const STACK_OF(PKCS12_SAFEBAG) *bags, long max, int64_t *got, int depth)
{
	for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
		const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
		const X509_ALGOR *alg = NULL;

		switch (PKCS12_SAFEBAG_get_nid(bag)) {
		case NID_pkcs8ShroudedKeyBag:
			X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
			if (!alg_iter_ok(alg, max, got))
				return 0;
			break;
		case NID_safeContentsBag:
			if (depth > 3 ||
			    !bags_iter_ok(PKCS12_SAFEBAG_get0_safes(bag), max, got, depth + 1))
				return 0;
			break;
		default:
			break;
		}
	}
	return 1;
}

/*
 * 1 when every iteration count in p12 is within max (*got untouched), 0 when
 * one is not (*got = that count).  Encrypted safes are opened (each with a
 * count already checked) to see the key bags inside them.
 */
static int
p12_iter_ok(PKCS12 *p12, const char *pw, long max, int64_t *got)
{
	const ASN1_INTEGER *mac_iter = NULL;
	STACK_OF(PKCS7) *safes;
	int ok = 1;

	if (PKCS12_mac_present(p12)) {
		PKCS12_get0_mac(NULL, NULL, NULL, &mac_iter, p12);
		if (!iter_ok(mac_iter, max, got))
			return 0;
	}
	safes = PKCS12_unpack_authsafes(p12);
	for (int i = 0; ok && i < sk_PKCS7_num(safes); i++) {
		PKCS7 *p7 = sk_PKCS7_value(safes, i);
		STACK_OF(PKCS12_SAFEBAG) *bags = NULL;

		if (PKCS7_type_is_data(p7)) {
			bags = PKCS12_unpack_p7data(p7);
		} else if (PKCS7_type_is_encrypted(p7) && p7->d.encrypted != NULL &&
		    p7->d.encrypted->enc_data != NULL) {
			ok = alg_iter_ok(p7->d.encrypted->enc_data->algorithm, max, got);
			if (ok)
				bags = PKCS12_unpack_p7encdata(p7, pw ? pw : "", -1);
		}
		if (ok)
			ok = bags_iter_ok(bags, max, got, 0);
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	ERR_clear_error();
	return ok;
}

/* PKCS#12: leaf first (the one with the key), then the CA certificates. */
static int
load_pkcs12(const unsigned char *buf, size_t len, const char *type, const char *uri,
    long *index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	const unsigned char *p = buf;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	STACK_OF(X509) *ca = NULL, *all = NULL;
	struct ck_err err;
	const char *pw = o->password;
	int64_t iters = 0;
	int r;

	if (p12 == NULL) {
		ERR_clear_error();
		return -2;
	}
	/* The MAC count first: the MAC check below is the first derivation. */
	if (PKCS12_mac_present(p12)) {
		const ASN1_INTEGER *mi = NULL;

		PKCS12_get0_mac(NULL, NULL, NULL, &mi, p12);
		if (!iter_ok(mi, o->p12_max_iter, &iters))
			goto too_many;
	}
	if (!PKCS12_mac_present(p12) ? 0 :
	    !PKCS12_verify_mac(p12, pw ? pw : "", -1) &&
	    !(pw == NULL && PKCS12_verify_mac(p12, NULL, 0))) {
		PKCS12_free(p12);
		ERR_clear_error();
		ck_err_set(&err, CK_E_PASSWORD, pw ? "wrong PKCS#12 password" :
		    "PKCS#12 needs a password (--password-file or --password-env)");
		return emit_error(emit, ctx, uri, &err);
	}
	if (!p12_iter_ok(p12, pw, o->p12_max_iter, &iters))
		goto too_many;
	if (!PKCS12_parse(p12, pw ? pw : "", &key, &leaf, &ca)) {
		PKCS12_free(p12);
		ck_err_ssl(&err, CK_E_PARSE, "cannot decode PKCS#12");
		return emit_error(emit, ctx, uri, &err);
	}
	all = sk_X509_new_null();
	if (leaf != NULL)
		sk_X509_push(all, leaf);
	for (int i = 0; i < sk_X509_num(ca); i++)
		sk_X509_push(all, sk_X509_value(ca, i));
	r = emit_x509_stack(all, type, uri, index, o, emit, ctx);
	sk_X509_free(all);
	X509_free(leaf);
	sk_X509_pop_free(ca, X509_free);
	EVP_PKEY_free(key);
	PKCS12_free(p12);
	return r;
too_many:
	PKCS12_free(p12);
	ck_err_set(&err, CK_E_LIMIT, "PKCS#12 iteration count %lld is over the limit of %ld",
	    (long long)iters, o->p12_max_iter);
	return emit_error(emit, ctx, uri, &err);
}

static const unsigned char *
find(const unsigned char *p, const unsigned char *end, const char *needle)
{
	size_t n = strlen(needle);

	if ((size_t)(end - p) < n)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, n);
}

/* Base64 body between p and end (whitespace ignored) -> new DER buffer. */
static unsigned char *
b64_decode(const unsigned char *p, const unsigned char *end, size_t *outlen)
{
	size_t n = 0, pad = 0;
	unsigned char *clean = malloc((size_t)(end - p) + 4), *out;
	int got;

	if (clean == NULL)
		return NULL;
	for (; p < end; p++) {
		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			continue;
		clean[n++] = *p;
	}
	if (n == 0 || n % 4 != 0) {
		free(clean);
		return NULL;
	}
	if (clean[n - 1] == '=')
		pad++;
	if (clean[n - 2] == '=')
		pad++;
	out = malloc(n / 4 * 3);
	if (out == NULL) {
		free(clean);
		return NULL;
	}
	got = EVP_DecodeBlock(out, clean, (int)n);
	free(clean);
	if (got < 0 || (size_t)got < pad) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)got - pad;
	return out;
}

/* The end of the line starting at p (its '\n', or end). */
static const unsigned char *
eol(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *n = memchr(p, '\n', (size_t)(end - p));

	return n != NULL ? n : end;
}

/* Line p..e without its trailing '\r', spaces and tabs. */
static const unsigned char *
rtrim(const unsigned char *p, const unsigned char *e)
{
	while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

static int
starts(const unsigned char *p, const unsigned char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - p) >= n && memcmp(p, s, n) == 0;
}

/*
 * The label of an encapsulation boundary line "-----WORD LABEL-----" (WORD
 * = BEGIN or END) into lab (64 bytes): 0, or -1 when the line is not one.
 * A label is 1-63 printable ASCII characters (RFC 7468 section 3 allows
 * more; no real label comes near 63).
 */
static int
boundary_label(const unsigned char *p, const unsigned char *e, const char *word, char lab[64])
{
	size_t wl = 5 + strlen(word) + 1, ll;

	e = rtrim(p, e);
	if (!starts(p, e, "-----") || !starts(p + 5, e, word) || (size_t)(e - p) < wl + 5 ||
	    p[wl - 1] != ' ' || memcmp(e - 5, "-----", 5) != 0)
		return -1;
	ll = (size_t)(e - 5 - (p + wl));
	if (ll == 0 || ll > 63)
		return -1;
	for (size_t i = 0; i < ll; i++)
		if (p[wl + i] < 0x20 || p[wl + i] > 0x7e || (i + 1 == ll && p[wl + i] == '-'))
			return -1;
	memcpy(lab, p + wl, ll);
	lab[ll] = '\0';
	return 0;
}

static int
is_cert_label(const char *lab)
{
	return strcmp(lab, "CERTIFICATE") == 0 || strcmp(lab, "X509 CERTIFICATE") == 0 ||
	    strcmp(lab, "TRUSTED CERTIFICATE") == 0 || strcmp(lab, "PKCS7") == 0 ||
	    strcmp(lab, "CMS") == 0;
}

/* One PEM block's body (base64 between body and stop) -> records. */
static int
pem_block(const char *lab, const unsigned char *body, const unsigned char *stop,
    const char *type, const char *uri, long *index, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx)
{
	struct ck_err err;
	unsigned char *der;
	size_t dlen;
	int r;

	der = b64_decode(body, stop, &dlen);
	if (der == NULL) {
		ck_err_set(&err, CK_E_PARSE, "certificate #%ld: PEM body is not valid base64",
		    *index + 1);
		(*index)++;
		return emit_error(emit, ctx, uri, &err);
	}
	if (strcmp(lab, "PKCS7") == 0 || strcmp(lab, "CMS") == 0) {
		r = load_pkcs7(der, dlen, type, uri, index, o, emit, ctx);
		if (r == -2) {
			ck_err_set(&err, CK_E_PARSE, "PKCS#7 block is not valid");
			r = emit_error(emit, ctx, uri, &err);
		}
	} else {
		size_t clen = dlen;

		/* TRUSTED CERTIFICATE carries trust settings after the certificate. */
		if (strcmp(lab, "TRUSTED CERTIFICATE") == 0) {
			struct ck_der d;
			struct ck_der_elem e;

			ck_der_init(&d, der, dlen);
			if (ck_der_next(&d, &e) == 0)
				clen = e.raw_len;
		}
		r = emit_der(der, clen, type, uri, (*index)++, o, emit, ctx);
	}
	free(der);
	return r;
}

/*
 * PEM: every CERTIFICATE / X509 CERTIFICATE / TRUSTED CERTIFICATE / PKCS7
 * block in order; other blocks (keys, CSRs) are skipped.  The scanner works
 * line by line (RFC 7468 section 2: boundaries are whole lines): a broken
 * BEGIN line, a block without its END line or with another block's END line
 * is one error naming its line, and scanning resumes at the next line that
 * starts a block, so one bad block never hides the rest of the file.
 */
static int
load_pem(const unsigned char *buf, size_t len, const char *type, const char *uri,
    long *index, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	const unsigned char *p = buf, *end = buf + len, *e, *body, *q, *qe;
	int errors = 0, found = 0, r;
	long line = 1, bline;
	struct ck_err err;

	for (; p < end; p = e + 1, line++) {
		char lab[64], elab[64];

		e = eol(p, end);
		if (!starts(p, e, "-----BEGIN"))
			continue;
		bline = line;
		if (boundary_label(p, e, "BEGIN", lab) != 0) {
			ck_err_set(&err, CK_E_PARSE, "line %ld: broken PEM BEGIN line", bline);
			found = 1;
			goto bad;
		}
		/* The END line, or the next BEGIN line (the block then has no END). */
		body = e < end ? e + 1 : end;
		for (q = body, r = 1; q < end; q = qe + 1) {
			qe = eol(q, end);
			line++;
			if (starts(q, qe, "-----BEGIN")) {
				r = 0;
				break;
			}
			if (starts(q, qe, "-----END")) {
				r = 2;
				break;
			}
		}
		if (r != 2) {
			ck_err_set(&err, CK_E_PARSE, "line %ld: PEM block '%s' has no END line%s",
			    bline, lab, r == 0 ? "" : " (truncated?)");
			found |= is_cert_label(lab);
			if (r == 0) {
				/* Resume at that BEGIN line. */
				line--;
				e = q - 1;
			} else {
				e = end;
			}
			goto bad;
		}
		e = qe;
		if (boundary_label(q, qe, "END", elab) != 0 || strcmp(lab, elab) != 0) {
			ck_err_set(&err, CK_E_PARSE, "line %ld: PEM block '%s' ends with a "
			    "different END line (line %ld)", bline, lab, line);
			found |= is_cert_label(lab);
			goto bad;
		}
		if (!is_cert_label(lab))
			continue;
		found = 1;
		r = pem_block(lab, body, q, type, uri, index, o, emit, ctx);
		if (r < 0)
			return -1;
		errors += r;
		continue;
bad:
		r = emit_error(emit, ctx, uri, &err);
		if (r < 0)
			return -1;
		errors += r;
		if (e >= end)
			break;
	}
	if (!found) {
		ck_err_set(&err, CK_E_PARSE, "no certificate found in PEM data");
		return emit_error(emit, ctx, uri, &err);
	}
	return errors;
}

/*
 * A saved pipeline stage (JSON Lines records, e.g. `cert-read ... >x.jsonl`):
 * every record goes on as it is, a broken line becomes an error record.
 */
static int
load_records(const unsigned char *buf, size_t len, const char *uri, ck_emit_fn emit,
    void *ctx)
{
	FILE *fp = fmemopen((void *)buf, len, "r");
	struct ck_reader *r = NULL;
	struct ck_err err;
	json_t *rec;
	int rc, errors = 0;

	if (fp == NULL || (r = ck_reader_new(fp, uri)) == NULL) {
		if (fp != NULL)
			fclose(fp);
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		return emit_error(emit, ctx, uri, &err);
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			errors += emit_error(emit, ctx, uri, &err);
			break;
		}
		if (rc == CK_READ_BROKEN)
			errors++;
		if (emit(ctx, rec) != 0) {
			errors = -1;
			break;
		}
	}
	ck_reader_free(r);
	fclose(fp);
	return errors;
}

int
ck_load_buffer(const unsigned char *buf, size_t len, const char *type, const char *uri,
    const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	struct ck_err err;
	long index = 0;
	size_t i;
	int r;

	if (len == 0) {
		ck_err_set(&err, CK_E_PARSE, "empty input");
		return emit_error(emit, ctx, uri, &err);
	}
	for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'); i++)
		;
	if (i < len && buf[i] == '{')
		return load_records(buf, len, uri, emit, ctx);
	if (find(buf, buf + len, "-----BEGIN") != NULL)
		return load_pem(buf, len, type, uri, &index, o, emit, ctx);
	if (ck_jks_is(buf, len))
		return load_jks(buf, len, type, uri, &index, o, emit, ctx);
	if (buf[0] != 0x30) {
		ck_err_set(&err, CK_E_PARSE, "not a certificate (neither PEM nor DER)");
		return emit_error(emit, ctx, uri, &err);
	}
	/*
	 * DER: a certificate is SEQUENCE { SEQUENCE tbs, SEQUENCE alg, BIT STRING };
	 * PKCS#12 starts SEQUENCE { INTEGER 3, ... }; PKCS#7 SEQUENCE { OID, [0] }.
	 */
	{
		struct ck_der d, in;
		struct ck_der_elem outer, first;

		ck_der_init(&d, buf, len);
		if (ck_der_next(&d, &outer) == 0) {
			ck_der_enter(&outer, &in);
			if (ck_der_next(&in, &first) == 0) {
				if (first.tag == CK_DER_INTEGER) {
					r = load_pkcs12(buf, len, type, uri, &index, o, emit, ctx);
					if (r != -2)
						return r;
				} else if (first.tag == CK_DER_OID) {
					r = load_pkcs7(buf, len, type, uri, &index, o, emit, ctx);
					if (r != -2)
						return r;
				}
			}
		}
	}
	/* Several DER certificates may be concatenated. */
	{
		struct ck_der d;
		struct ck_der_elem e;
		int errors = 0;

		ck_der_init(&d, buf, len);
		while (ck_der_more(&d)) {
			if (ck_der_next(&d, &e) != 0) {
				ck_err_set(&err, CK_E_PARSE, "certificate #%ld: truncated or malformed DER",
				    index + 1);
				r = emit_error(emit, ctx, uri, &err);
				return r < 0 ? -1 : errors + r;
			}
			r = emit_der(e.raw, e.raw_len, type, uri, index++, o, emit, ctx);
			if (r < 0)
				return -1;
			errors += r;
		}
		return errors;
	}
}

/*
 * Reads fd to its end, up to max bytes (fd stays open).  *buf malloc'd.
 * known is fd's fstat() if the caller has it, or NULL.
 */
static int
read_fd(int fd, const struct stat *known, size_t max, unsigned char **buf, size_t *len,
    struct ck_err *err)
{
	size_t cap = 65536, n = 0;
	unsigned char *b = NULL, *nb;
	ssize_t got;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (known != NULL)
		st = *known;
	if ((known != NULL || fstat(fd, &st) == 0) && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > max)
			return ck_err_set(err, CK_E_LIMIT, "file larger than %zu bytes", max);
		cap = (size_t)st.st_size + 1;
	}
	b = malloc(cap);
	if (b == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	for (;;) {
		if (n == cap) {
			if (cap >= max + 1) {
				free(b);
				return ck_err_set(err, CK_E_LIMIT, "input larger than %zu bytes", max);
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(b, cap);
			if (nb == NULL) {
				free(b);
				return ck_err_set(err, CK_E_NOMEM, "out of memory");
			}
			b = nb;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			ck_err_set(err, CK_E_IO, "%s", strerror(errno));
			free(b);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > max) {
		free(b);
		return ck_err_set(err, CK_E_LIMIT, "input larger than %zu bytes", max);
	}
	*buf = b;
	*len = n;
	return 0;
}

int
ck_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
    struct ck_err *err)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	int rv;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return ck_err_set(err, CK_E_IO, "%s", strerror(errno));
	rv = read_fd(fd, NULL, max, buf, len, err);
	if (fd != STDIN_FILENO)
		close(fd);
	return rv;
}

int
ck_load_stdin(FILE *fp, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx,
    int *records)
{
	size_t cap = 1u << 16, n = 0, k;
	unsigned char *b, *nb;
	struct ck_err err;
	int c, r;

	*records = 0;
	while ((c = getc(fp)) != EOF && isspace(c))
		;
	if (c == EOF)
		return 0;
	ungetc(c, fp);
	if (c == '{') {
		*records = 1;
		return 0;
	}
	/* Read through stdio: the character looked at is still in its buffer. */
	if ((b = malloc(cap)) == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		return emit_error(emit, ctx, "-", &err);
	}
	while ((k = fread(b + n, 1, cap - n, fp)) > 0) {
		n += k;
		if (n < cap)
			continue;
		if (cap >= CK_LOAD_MAX_FILE) {
			free(b);
			ck_err_set(&err, CK_E_LIMIT, "input larger than %u bytes", CK_LOAD_MAX_FILE);
			return emit_error(emit, ctx, "-", &err);
		}
		if ((nb = realloc(b, cap * 2)) == NULL) {
			free(b);
			ck_err_set(&err, CK_E_NOMEM, "out of memory");
			return emit_error(emit, ctx, "-", &err);
		}
		b = nb;
		cap *= 2;
	}
	if (ferror(fp)) {
		free(b);
		ck_err_set(&err, CK_E_IO, "read failed");
		return emit_error(emit, ctx, "-", &err);
	}
	r = ck_load_buffer(b, n, "stdin", "-", o, emit, ctx);
	free(b);
	return r;
}

static int
load_file(const char *path, const char *type, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx)
{
	unsigned char *buf;
	size_t len;
	struct ck_err err;
	int r;

	if (ck_read_file(path, CK_LOAD_MAX_FILE, &buf, &len, &err) != 0)
		return emit_error(emit, ctx, path, &err);
	r = ck_load_buffer(buf, len, type, path, o, emit, ctx);
	free(buf);
	return r;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Directories seen in one ck_load_source() walk, by (device, inode): a
 * symbolic link back to an ancestor (sub/loop -> ..) or two links to one
 * directory would otherwise walk the same tree again and again until the
 * depth limit (millions of duplicate records from d/l1 -> . and d/l2 -> .).
 */
struct dir_seen {
	dev_t dev;
	ino_t ino;
	int open;		/* 1 while the walk is inside it (an ancestor) */
	char *path;
};

struct walk {
	struct dir_seen *v;
	size_t n, cap;
	int depth;
};

static void
walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
}

static struct dir_seen *
walk_find(const struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].dev == st->st_dev && w->v[i].ino == st->st_ino)
			return &w->v[i];
	return NULL;
}

/* Remembers a directory; returns its index or -1 (out of memory). */
static long
walk_enter(struct walk *w, const struct stat *st, const char *path)
{
	struct dir_seen *nv = ck_grow(w->v, &w->cap, w->n + 1, sizeof(*nv), 16);

	if (nv == NULL)
		return -1;
	w->v = nv;
	w->v[w->n] = (struct dir_seen){ st->st_dev, st->st_ino, 1, strdup(path) };
	return (long)w->n++;
}

/*
 * A directory: its regular files in name order (so output is stable),
 * sub-directories with -r, hidden entries skipped.  Every file is read and
 * reported, except names that are certainly not certificates (.key, .csr,
 * .crl, .txt, .md, .json, ...), which are passed over quietly.  A directory
 * already walked is not walked again: through a link back to one of its
 * ancestors it is reported once as a loop, otherwise passed over quietly.
 */
static int
load_dir(const char *path, const struct stat *dst, struct walk *w,
    const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0;
	int errors = 0, r = 0;
	struct ck_err err;
	struct dir_seen *seen = walk_find(w, dst);
	long me;

	if (seen != NULL) {
		if (!seen->open)
			return 0;
		ck_err_set(&err, CK_E_LIMIT, "directory loop: the same directory as '%s'",
		    seen->path ? seen->path : "?");
		return emit_error(emit, ctx, path, &err);
	}
	if (w->depth > CK_LOAD_MAX_DEPTH) {
		ck_err_set(&err, CK_E_LIMIT, "directories nested deeper than %d", CK_LOAD_MAX_DEPTH);
		return emit_error(emit, ctx, path, &err);
	}
	d = opendir(path);
	if (d == NULL) {
		ck_err_set(&err, CK_E_IO, "%s", strerror(errno));
		return emit_error(emit, ctx, path, &err);
	}
	if ((me = walk_enter(w, dst, path)) < 0) {
		closedir(d);
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		return emit_error(emit, ctx, path, &err);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((nn = ck_grow(names, &cap, n + 1, sizeof(*names), 64)) == NULL)
			break;
		names = nn;
		names[n] = strdup(de->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	w->depth++;
	for (size_t i = 0; i < n; i++) {
		char *full;
		struct stat st;
		size_t l = strlen(names[i]);
		static const char *const skip[] = { ".key", ".csr", ".req", ".crl", ".txt",
			".md", ".json", ".jsonl", ".srl", ".cnf", ".db", ".old", ".attr" };
		int skipped = 0;

		if (r < 0)
			break;
		if ((full = ck_path_join(path, names[i])) == NULL)
			continue;
		if (stat(full, &st) != 0) {
			ck_err_set(&err, CK_E_IO, "%s", strerror(errno));
			r = emit_error(emit, ctx, full, &err);
		} else if (S_ISDIR(st.st_mode)) {
			if (o->recursive)
				r = load_dir(full, &st, w, o, emit, ctx);
			else
				r = 0;
		} else if (S_ISREG(st.st_mode)) {
			/* Files that are certainly not certificates are not reported as errors. */
			for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++) {
				size_t sl = strlen(skip[k]);

				if (l > sl && strcmp(names[i] + l - sl, skip[k]) == 0)
					skipped = 1;
			}
			r = skipped ? 0 : load_file(full, "file", o, emit, ctx);
		} else {
			r = 0;
		}
		if (r > 0)
			errors += r;
		free(full);
	}
	w->depth--;
	w->v[me].open = 0;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r < 0 ? -1 : errors;
}

static int
emit_blobs(const struct ck_blobs *b, const char *type, const char *uri,
    const struct ck_load_opts *o, ck_emit_fn emit, void *ctx)
{
	int errors = 0, r;

	for (size_t i = 0; i < b->n; i++) {
		r = emit_der(b->v[i].data, b->v[i].len, type, uri, (long)i, o, emit, ctx);
		if (r < 0)
			return -1;
		errors += r;
	}
	return errors;
}

int
ck_load_source(const char *source, const struct ck_load_opts *o, ck_emit_fn emit,
    void *ctx)
{
	struct ck_err err;
	struct stat st;
	int r;

	if (strcmp(source, "-") == 0) {
		unsigned char *buf;
		size_t len;

		if (ck_read_file("-", CK_LOAD_MAX_FILE, &buf, &len, &err) != 0)
			return emit_error(emit, ctx, "-", &err);
		r = ck_load_buffer(buf, len, "stdin", "-", o, emit, ctx);
		free(buf);
		return r;
	}
	if (strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0) {
		unsigned char *buf = NULL;
		size_t len = 0;

		if (ck_http(source, NULL, 0, NULL, &o->fetch, &buf, &len, NULL, &err) != 0)
			return emit_error(emit, ctx, source, &err);
		r = ck_load_buffer(buf, len, "url", source, o, emit, ctx);
		free(buf);
		return r;
	}
	if (strncmp(source, "tls://", 6) == 0) {
		static const char *const schemes[] = { "tls", NULL };
		struct ck_url u;
		struct ck_blobs chain = { 0 };

		if (ck_url_parse(source, schemes, CK_URL_NEED_PORT, &u, &err) != 0 ||
		    (*u.rest != '\0' && strcmp(u.rest, "/") != 0 &&
		    ck_err_set(&err, CK_E_USAGE, "nothing may follow the port")))
			return emit_error(emit, ctx, source, &err);
		if (ck_tls_chain(u.hp.host, u.hp.port_str, o->sni, &o->fetch, &chain, &err) != 0) {
			ck_blobs_release(&chain);
			return emit_error(emit, ctx, source, &err);
		}
		if (chain.n == 0) {
			ck_blobs_release(&chain);
			ck_err_set(&err, CK_E_TLS, "server presented no certificate");
			return emit_error(emit, ctx, source, &err);
		}
		r = emit_blobs(&chain, "tls", source, o, emit, ctx);
		ck_blobs_release(&chain);
		return r;
	}
	if (strncmp(source, "ldap://", 7) == 0 || strncmp(source, "ldaps://", 8) == 0) {
		struct ck_blobs vals = { 0 };

		if (ck_ldap_url_values(source, &o->fetch, &vals, &err) != 0) {
			ck_blobs_release(&vals);
			return emit_error(emit, ctx, source, &err);
		}
		if (vals.n == 0) {
			ck_blobs_release(&vals);
			ck_err_set(&err, CK_E_NOTFOUND, "no values found");
			return emit_error(emit, ctx, source, &err);
		}
		/* Each value is one DER certificate; index is its place in the value set. */
		r = emit_blobs(&vals, "ldap", source, o, emit, ctx);
		ck_blobs_release(&vals);
		return r;
	}
	if (strstr(source, "://") != NULL && strchr(source, '/') > strstr(source, "://")) {
		ck_err_set(&err, CK_E_USAGE, "unsupported URL scheme");
		return emit_error(emit, ctx, source, &err);
	}
	/*
	 * A file or a directory: opened once, then asked what it is (a stat()
	 * first would walk the path twice; that showed in cert-chain's profile
	 * over 10 000 files).
	 */
	{
		int fd = open(source, O_RDONLY | O_CLOEXEC);
		unsigned char *buf;
		size_t len;

		if (fd < 0) {
			ck_err_set(&err, CK_E_IO, "%s", strerror(errno));
			return emit_error(emit, ctx, source, &err);
		}
		int known = fstat(fd, &st) == 0;

		if (known && S_ISDIR(st.st_mode)) {
			struct walk w = { 0 };

			close(fd);
			r = load_dir(source, &st, &w, o, emit, ctx);
			walk_release(&w);
			return r;
		}
		r = read_fd(fd, known ? &st : NULL, CK_LOAD_MAX_FILE, &buf, &len, &err);
		close(fd);
		if (r != 0)
			return emit_error(emit, ctx, source, &err);
		r = ck_load_buffer(buf, len, "file", source, o, emit, ctx);
		free(buf);
		return r;
	}
}

int
ck_load_source_der(const char *source, const struct ck_load_opts *o, ck_emit_der_fn emit,
    void *ctx)
{
	struct der_sink s = { emit, ctx };

	return ck_load_source(source, o, der_sink_emit, &s);
}

static int
is_http(const char *source)
{
	return strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
}

int
ck_load_is_net(const char *source)
{
	return strncmp(source, "tls://", 6) == 0 || is_http(source);
}

/* ck_load_net: jobs come from the sources, results go out as records. */
/*
 * Several engines (one per CPU) share the sources: engine t takes sources
 * t, t + K, t + 2K ...  Each builds its records and hands them, per source,
 * to a ring the calling thread prints from in order.  An engine starts a
 * source only when the ring has room for it (16 x the concurrency beyond
 * the last printed), so finished records always have a place and no engine
 * ever blocks its event loop.
 */
struct net_merge {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	json_t **ring;		/* records of source g at g % cap, NULL until done */
	size_t cap, printed;
	int *finished;		/* per engine: its run is over */
};

struct net_run {
	char *const *sources;
	size_t n;
	size_t offset, stride;	/* this engine's sources: offset + k * stride */
	const struct ck_load_opts *o;
	ck_emit_fn emit;
	void *ctx;
	int errors;
	int stopped;
	struct net_merge *m;	/* NULL: one engine, records go to emit directly */
	int id;
	struct ck_net *net;
	json_t *cur;		/* the records of the source being finished */
	char host[CK_URL_HOST_MAX];	/* the job being handed over (the engine copies it) */
	struct ck_net_http_req http;	/* its HTTP request (the engine copies it) */
	struct net_helper *helpers;	/* sources read by libcurl beside the engine */
};

/*
 * A source the engine hands to the libcurl path (a redirect, a URL libcurl
 * would re-encode): read in a thread of its own, so that the event loop
 * never waits on it (the other connections' deadlines run on), its records
 * put into the ring when done.
 */
struct net_helper {
	struct net_run *r;
	size_t g;		/* the source */
	char *location;		/* the redirect the engine received, or NULL: read anew */
	json_t *recs;
	int errors;
	pthread_t th;
	struct net_helper *next;
};

/*
 * job->user of a source the engine does not read: its done callback reads it
 * through ck_load_source (libcurl) instead, e.g. a URL libcurl would refuse
 * or re-encode; its job fails at once (empty host).
 */
static char net_fallback;

/* The tls:// source parsed as ck_load_source does; -1 with err set. */
static int
net_parse(const char *src, struct ck_url *u, struct ck_err *err)
{
	static const char *const schemes[] = { "tls", NULL };

	if (ck_url_parse(src, schemes, CK_URL_NEED_PORT, u, err) != 0)
		return -1;
	if (*u->rest != '\0' && strcmp(u->rest, "/") != 0)
		return ck_err_set(err, CK_E_USAGE, "nothing may follow the port");
	return 0;
}

static int
net_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct net_run *r = arg;
	static char bad[] = "";
	struct ck_url u;
	struct ck_err err;
	const char *src;

	index = r->offset + index * r->stride;
	if (index >= r->n)
		return 0;
	if (r->m != NULL) {
		/* Start a source only when its records will have room in the ring. */
		int room;

		pthread_mutex_lock(&r->m->mu);
		room = index < r->m->printed + r->m->cap;
		pthread_mutex_unlock(&r->m->mu);
		if (!room)
			return CK_NET_NEXT_LATER;
	}
	src = r->sources[index];
	job->kind = CK_NET_TCP;
	job->flags = CK_NET_F_TLS;
	job->sni = r->o->sni;
	job->timeout_ms = r->o->fetch.timeout_ms;
	job->user = (void *)src;
	if (is_http(src)) {
		if (ck_net_http_job(&r->http, src, &r->o->fetch, job) != 0) {
			job->sni = NULL;
			job->host = bad;
			job->user = &net_fallback;
			return 1;
		}
		job->user = (void *)src;
		return 1;
	}
	if (net_parse(src, &u, &err) != 0) {
		/* An empty host fails at once; the done callback reports the syntax. */
		job->host = bad;
		job->user = NULL;
		return 1;
	}
	memcpy(r->host, u.hp.host, sizeof(r->host));
	job->host = r->host;	/* copied by the engine */
	job->port = u.hp.port;
	return 1;
}

/* The error a failed job becomes: the same words as ck_tls_chain's. */
static void
net_error(const struct ck_net_job *job, const struct ck_net_result *res, struct ck_err *err)
{
	switch (res->status) {
	case CK_NET_UNRESOLVED:
		ck_err_set(err, CK_E_NET, "cannot resolve '%s': %s", job->host, res->msg);
		break;
	case CK_NET_REFUSED:
		ck_err_set(err, CK_E_NET, "connection refused");
		break;
	case CK_NET_RESET:
	case CK_NET_TLS:
		ck_err_set(err, res->stage == CK_NET_STAGE_TLS ? CK_E_TLS : CK_E_NET, "%s",
		    res->msg);
		break;
	case CK_NET_ERROR:
		ck_err_set(err, job->port == 0 ? CK_E_USAGE : CK_E_NET, "%s", res->msg);
		break;
	default:
		ck_err_set(err, CK_E_NET, "%s", res->msg);
		break;
	}
}

static int
net_array_collect(void *ctx, json_t *rec)
{
	return json_array_append_new(ctx, rec) == 0 ? 0 : -1;
}

/*
 * An http(s):// source whose first answer, a redirect to location, the
 * engine received: libcurl goes on from the Location (the source is not
 * fetched twice), its records under the source's URL.
 */
static int
net_http_follow(const char *src, const char *location, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct ck_err err;
	int r;

	if (ck_http_follow(src, location, &o->fetch, &buf, &len, &err) != 0)
		return emit_error(emit, ctx, src, &err);
	r = ck_load_buffer(buf, len, "url", src, o, emit, ctx);
	free(buf);
	return r;
}

static void *
net_helper_main(void *arg)
{
	struct net_helper *h = arg;
	struct net_merge *m = h->r->m;
	const char *src = h->r->sources[h->g];

	h->errors = h->location != NULL ?
	    net_http_follow(src, h->location, h->r->o, net_array_collect, h->recs) :
	    ck_load_source(src, h->r->o, net_array_collect, h->recs);
	if (h->errors < 0)
		h->errors = 1;
	pthread_mutex_lock(&m->mu);
	m->ring[h->g % m->cap] = json_incref(h->recs);
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

/*
 * Starts the libcurl read of source g beside the engine, from the redirect
 * to location (taken over) or anew (NULL); -1 if it cannot (location is
 * then still the caller's).
 */
static int
net_helper_start(struct net_run *r, size_t g, char *location)
{
	struct net_helper *h = calloc(1, sizeof(*h));

	if (h == NULL || (h->recs = json_array()) == NULL) {
		free(h);
		return -1;
	}
	h->r = r;
	h->g = g;
	h->location = location;
	if (pthread_create(&h->th, NULL, net_helper_main, h) != 0) {
		json_decref(h->recs);
		free(h);
		return -1;
	}
	h->next = r->helpers;
	r->helpers = h;
	return 0;
}

/* Waits for the helpers of r; returns the errors they counted. */
static int
net_helpers_join(struct net_run *r)
{
	int errors = 0;

	while (r->helpers != NULL) {
		struct net_helper *h = r->helpers;

		pthread_join(h->th, NULL);
		errors += h->errors;
		json_decref(h->recs);
		free(h->location);
		r->helpers = h->next;
		free(h);
	}
	return errors;
}

/*
 * The records of an http(s):// source the engine read, with the words and
 * codes of the libcurl path (ck_http).  A redirect is followed by that path
 * from its Location.
 */
static int
net_http_done(struct net_run *r, const char *src, const struct ck_net_job *job,
    struct ck_net_result *res, ck_emit_fn emit, void *ctx)
{
	struct ck_err err;
	unsigned char *body;
	size_t len;
	char *loc;
	int rc;

	switch (ck_net_http_reply(job, res, &r->o->fetch, &body, &len, &err)) {
	case 0:
		return ck_load_buffer(body, len, "url", src, r->o, emit, ctx);
	case 1:
		if ((loc = ck_net_http_location(res)) == NULL)
			return ck_load_source(src, r->o, emit, ctx);	/* out of memory */
		rc = net_http_follow(src, loc, r->o, emit, ctx);
		free(loc);
		return rc;
	default:
		return emit_error(emit, ctx, src, &err);
	}
}

static int
net_collect(void *ctx, json_t *rec)
{
	struct net_run *r = ctx;

	return json_array_append_new(r->cur, rec) == 0 ? 0 : -1;
}

static int
net_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct net_run *r = arg;
	size_t g = r->offset + res->index * r->stride;
	const char *src = r->sources[g];
	ck_emit_fn emit = r->m != NULL ? net_collect : r->emit;
	void *ctx = r->m != NULL ? (void *)r : r->ctx;
	struct ck_err err;
	size_t total = 0;
	int rc;

	if (r->m != NULL && (r->cur = json_array()) == NULL)
		return -1;

	if (r->m != NULL && is_http(src)) {
		char *loc = job->user == &net_fallback ? NULL : ck_net_http_location(res);

		if ((job->user == &net_fallback || loc != NULL) && net_helper_start(r, g, loc) == 0) {
			json_decref(r->cur);
			r->cur = NULL;
			return 0;
		}
		free(loc);
	}
	if (job->user == &net_fallback) {
		rc = ck_load_source(src, r->o, emit, ctx);
	} else if (is_http(src)) {
		rc = net_http_done(r, src, job, res, emit, ctx);
	} else if (job->user == NULL) {
		struct ck_url u;

		net_parse(src, &u, &err);
		rc = emit_error(emit, ctx, src, &err);
	} else if (res->status != CK_NET_OK) {
		net_error(job, res, &err);
		rc = emit_error(emit, ctx, src, &err);
	} else {
		for (size_t i = 0; i < res->chain.n; i++)
			total += res->chain.v[i].len;
		if (res->chain.n == 0) {
			ck_err_set(&err, CK_E_TLS, "the server sent no certificate");
			rc = emit_error(emit, ctx, src, &err);
		} else if (total > r->o->fetch.max_bytes) {
			ck_err_set(&err, CK_E_LIMIT, "certificate chain larger than %zu bytes",
			    r->o->fetch.max_bytes);
			rc = emit_error(emit, ctx, src, &err);
		} else {
			rc = emit_blobs(&res->chain, "tls", src, r->o, emit, ctx);
		}
	}
	if (rc < 0) {
		json_decref(r->cur);
		r->stopped = 1;
		return -1;
	}
	r->errors += rc;
	if (r->m != NULL) {
		struct net_merge *m = r->m;

		/* Room is certain: the source started only within the ring (net_next). */
		pthread_mutex_lock(&m->mu);
		m->ring[g % m->cap] = r->cur;
		r->cur = NULL;
		pthread_cond_broadcast(&m->cv);
		pthread_mutex_unlock(&m->mu);
	}
	return 0;
}

static void *
net_thread(void *arg)
{
	struct net_run *r = arg;
	struct ck_err err;

	ck_net_run(r->net, net_next, net_done, r, &err);
	r->errors += net_helpers_join(r);
	pthread_mutex_lock(&r->m->mu);
	r->m->finished[r->id] = 1;
	pthread_cond_broadcast(&r->m->cv);
	pthread_mutex_unlock(&r->m->mu);
	return NULL;
}

/* K engines in K threads; this thread prints in source order. */
static int
net_parallel(char *const *sources, size_t n, long jobs, int k, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx)
{
	struct net_merge m = { .cap = (size_t)jobs * 16 };
	struct net_run *runs = calloc((size_t)k, sizeof(*runs));
	pthread_t *th = calloc((size_t)k, sizeof(*th));
	int *started = calloc((size_t)k, sizeof(int));
	struct ck_net_opts no;
	struct ck_err err;
	int errors = 0, rv;

	m.ring = calloc(m.cap, sizeof(*m.ring));
	m.finished = calloc((size_t)k, sizeof(int));
	if (runs == NULL || th == NULL || started == NULL || m.ring == NULL ||
	    m.finished == NULL) {
		rv = -2;
		goto out;
	}
	pthread_mutex_init(&m.mu, NULL);
	pthread_cond_init(&m.cv, NULL);
	ck_net_opts_init(&no);
	/* The engines share the process's open file limit: raise it for all of them. */
	{
		long res = (long)CK_NET_FD_RESERVE * k, lim = ck_net_raise_nofile(jobs + res);

		no.concurrency = (lim - res) / k < jobs / k ? (lim - res) / k : jobs / k;
		if (no.concurrency < 1)
			no.concurrency = 1;
	}
	/* The per-server cap holds for the process: each engine takes its share. */
	no.per_peer = CK_NET_PER_PEER_DEFAULT / k > 0 ? CK_NET_PER_PEER_DEFAULT / k : 1;
	no.timeout_ms = o->fetch.timeout_ms;
	/* Engines are made and freed here: c-ares' library set-up is not thread-safe. */
	for (int t = 0; t < k; t++) {
		runs[t] = (struct net_run){ .sources = sources, .n = n, .offset = (size_t)t,
			.stride = (size_t)k, .o = o, .m = &m, .id = t };
		if ((runs[t].net = ck_net_new(&no, &err)) == NULL ||
		    pthread_create(&th[t], NULL, net_thread, &runs[t]) != 0)
			m.finished[t] = 1;
		else
			started[t] = 1;
	}
	for (size_t g = 0; g < n; g++) {
		json_t *recs, *rec;
		size_t i;

		pthread_mutex_lock(&m.mu);
		while ((recs = m.ring[g % m.cap]) == NULL && !m.finished[g % (size_t)k])
			pthread_cond_wait(&m.cv, &m.mu);
		m.ring[g % m.cap] = NULL;
		m.printed = g + 1;
		pthread_cond_broadcast(&m.cv);
		pthread_mutex_unlock(&m.mu);
		if (recs == NULL) {
			/* Its engine stopped early (could not start, or failed). */
			ck_err_set(&err, CK_E_NET, "the network engine stopped");
			errors++;
			emit_error(emit, ctx, sources[g], &err);
			continue;
		}
		json_array_foreach(recs, i, rec)
			emit(ctx, json_incref(rec));
		json_decref(recs);
	}
	rv = 0;
	for (int t = 0; t < k; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		ck_net_free(runs[t].net);
		ck_net_http_req_release(&runs[t].http);
		errors += runs[t].errors;
	}
	pthread_mutex_destroy(&m.mu);
	pthread_cond_destroy(&m.cv);
out:
	free(runs);
	free(th);
	free(started);
	free(m.ring);
	free(m.finished);
	return rv == 0 ? errors : rv;
}

int
ck_load_net(char *const *sources, size_t n, long jobs, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx)
{
	struct net_run r = { .sources = sources, .n = n, .stride = 1, .o = o, .emit = emit,
		.ctx = ctx };
	struct ck_net_opts no;
	struct ck_net *net;
	struct ck_err err;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc, k = cpus > CK_NET_ENGINES_MAX ? CK_NET_ENGINES_MAX : cpus < 1 ? 1 : (int)cpus;

	/*
	 * TLS handshakes cost CPU (~0.7 ms each): one engine per CPU for many
	 * sources.  http(s) sources always go through the ring (net_helper).
	 */
	if (k < 2 || n < 64 || jobs < 2 * k)
		k = 1;
	for (size_t i = 0; k == 1 && i < n; i++)
		if (is_http(sources[i]))
			k = -1;
	if (k != 1) {
		rc = net_parallel(sources, n, jobs, k < 0 ? 1 : k, o, emit, ctx);
		if (rc != -2)
			return rc;
	}
	ck_net_opts_init(&no);
	no.concurrency = jobs;
	no.timeout_ms = o->fetch.timeout_ms;
	if ((net = ck_net_new(&no, &err)) == NULL) {
		for (size_t i = 0; i < n; i++)
			if (emit_error(emit, ctx, sources[i], &err) < 0)
				return -1;
		return (int)n;
	}
	rc = ck_net_run(net, net_next, net_done, &r, &err);
	ck_net_free(net);
	ck_net_http_req_release(&r.http);
	if (r.stopped)
		return -1;
	if (rc != 0)
		return -1;
	return r.errors;
}
