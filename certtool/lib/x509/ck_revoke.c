#include "ck_revoke.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ck_clock.h"
#include "ck_path.h"

#define OCSP_LEEWAY 300

const char *
ck_rev_status_name(int s)
{
	switch (s) {
	case CK_REV_GOOD: return "good";
	case CK_REV_REVOKED: return "revoked";
	default: return "unknown";
	}
}

static void
set_unknown(struct ck_rev_result *res, const char *method, const char *url, const char *why)
{
	res->status = CK_REV_UNKNOWN;
	snprintf(res->method, sizeof(res->method), "%s", method);
	snprintf(res->url, sizeof(res->url), "%s", url != NULL ? url : "");
	snprintf(res->why, sizeof(res->why), "%s", why);
}

static int
url_usable(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "ldap://", 7) == 0 || strncmp(u, "ldaps://", 8) == 0;
}

/* A CRL in DER or PEM. */
static X509_CRL *
parse_crl(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	BIO *b;

	if (crl != NULL)
		return crl;
	if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return NULL;
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	BIO_free(b);
	ERR_clear_error();
	return crl;
}

int
ck_revoke_cdp_crls(X509 *x, ck_rev_fetch_fn fetch, void *fctx, STACK_OF(X509_CRL) *out,
    struct ck_rev_result *res)
{
	STACK_OF(DIST_POINT) *dps;
	int i, j, tried = 0, added = 0;

	set_unknown(res, "crl", NULL, "no crl distribution point");
	dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			const char *u;
			unsigned char *buf = NULL;
			size_t len = 0;
			struct ck_err fe = { 0 };
			X509_CRL *crl;

			if (gn->type != GEN_URI)
				continue;
			u = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
			if (!url_usable(u))
				continue;
			tried = 1;
			snprintf(res->url, sizeof(res->url), "%s", u);
			if (fetch(fctx, u, NULL, 0, NULL, &buf, &len, &fe) != 0) {
				snprintf(res->why, sizeof(res->why), "crl unreachable: %.200s", fe.msg);
				continue;
			}
			crl = parse_crl(buf, len);
			free(buf);
			if (crl == NULL) {
				snprintf(res->why, sizeof(res->why), "not a crl");
				continue;
			}
			if (!sk_X509_CRL_push(out, crl)) {
				X509_CRL_free(crl);
				continue;
			}
			added++;
			res->why[0] = '\0';
		}
	}
	if (!tried && sk_DIST_POINT_num(dps) > 0)
		snprintf(res->why, sizeof(res->why), "no usable crl url");
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return added;
}

/* Every CRL of one file: PEM (one or more) or DER.  Returns how many, or -1. */
static int
file_crls(const char *path, STACK_OF(X509_CRL) *out, struct ck_err *err)
{
	BIO *b = BIO_new_file(path, "rb");
	X509_CRL *crl;
	int n = 0;

	if (b == NULL) {
		ERR_clear_error();
		return ck_err_set(err, CK_E_IO, "'%s': cannot open", path);
	}
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_CRL_push(out, crl)) {
			X509_CRL_free(crl);
			break;
		}
		n++;
	}
	ERR_clear_error();
	if (n == 0 && BIO_reset(b) == 0 && (crl = d2i_X509_CRL_bio(b, NULL)) != NULL) {
		if (sk_X509_CRL_push(out, crl))
			n++;
		else
			X509_CRL_free(crl);
	}
	ERR_clear_error();
	BIO_free(b);
	if (n == 0)
		return ck_err_set(err, CK_E_PARSE, "'%s': not a CRL (neither PEM nor DER)", path);
	return n;
}

int
ck_revoke_load_crls(const char *path, STACK_OF(X509_CRL) *out, struct ck_err *err)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int n = 0, r;

	if (stat(path, &st) != 0)
		return ck_err_set(err, CK_E_NOTFOUND, "'%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return file_crls(path, out, err);
	if ((d = opendir(path)) == NULL)
		return ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (de->d_name[0] == '.' || (p = ck_path_join(path, de->d_name)) == NULL)
			continue;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			r = file_crls(p, out, err);
			if (r < 0) {
				free(p);
				closedir(d);
				return -1;
			}
			n += r;
		}
		free(p);
	}
	closedir(d);
	if (n == 0)
		return ck_err_set(err, CK_E_NOTFOUND, "'%s': no CRL in this directory", path);
	return n;
}

/*
 * The nonce of the request for id at url: random, or with a key, the first
 * 16 bytes of HMAC-SHA256(key, DER of id || url), so that the same request
 * can be built again within one run (a request prefetched, then checked).
 * Unpredictable without the key either way (RFC 8954 section 2.1: 1 to 32
 * octets; 16 is what OpenSSL sends by default).
 */
static int
add_nonce(OCSP_REQUEST *req, OCSP_CERTID *id, const char *url, const unsigned char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE], *der = NULL, *msg;
	unsigned int mdlen = 0;
	int dlen, ok;
	size_t ulen = strlen(url);

	if (key == NULL)
		return OCSP_request_add1_nonce(req, NULL, -1);
	if ((dlen = i2d_OCSP_CERTID(id, &der)) <= 0)
		return 0;
	if ((msg = malloc((size_t)dlen + ulen)) == NULL) {
		OPENSSL_free(der);
		return 0;
	}
	memcpy(msg, der, (size_t)dlen);
	memcpy(msg + dlen, url, ulen);
	ok = HMAC(EVP_sha256(), key, 32, msg, (size_t)dlen + ulen, md, &mdlen) != NULL &&
	    OCSP_request_add1_nonce(req, md, 16) == 1;
	free(msg);
	OPENSSL_free(der);
	return ok;
}

static int
ocsp_one(const char *url, X509 *x, X509 *issuer, X509_STORE *store, time_t at,
    ck_rev_fetch_fn fetch, void *fctx, const unsigned char *nonce_key,
    struct ck_rev_result *res)
{
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	STACK_OF(X509) *certs = NULL;
	unsigned char *der = NULL, *body = NULL;
	const unsigned char *p;
	size_t len = 0;
	int dlen, st, reason, decided = 0;
	ASN1_GENERALIZEDTIME *revt = NULL, *thisu = NULL, *nextu = NULL;
	struct ck_err fe = { 0 };
	time_t t;

	snprintf(res->url, sizeof(res->url), "%s", url);
	if ((req = OCSP_REQUEST_new()) == NULL ||
	    (id = OCSP_cert_to_id(NULL, x, issuer)) == NULL ||
	    OCSP_request_add0_id(req, id) == NULL) {
		if (req != NULL && OCSP_request_onereq_count(req) == 0)
			OCSP_CERTID_free(id);
		id = NULL;
		snprintf(res->why, sizeof(res->why), "cannot build ocsp request");
		goto out;
	}
	if ((id = OCSP_cert_to_id(NULL, x, issuer)) == NULL ||
	    add_nonce(req, id, url, nonce_key) != 1 ||
	    (dlen = i2d_OCSP_REQUEST(req, &der)) <= 0) {
		snprintf(res->why, sizeof(res->why), "cannot build ocsp request");
		goto out;
	}
	if (fetch(fctx, url, der, (size_t)dlen, "application/ocsp-request", &body, &len, &fe) != 0) {
		snprintf(res->why, sizeof(res->why), "ocsp unreachable: %.200s", fe.msg);
		goto out;
	}
	p = body;
	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL) {
		snprintf(res->why, sizeof(res->why), "not an ocsp response");
		goto out;
	}
	if ((st = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		snprintf(res->why, sizeof(res->why), "ocsp responder says: %s",
		    OCSP_response_status_str(st));
		goto out;
	}
	if ((bs = OCSP_response_get1_basic(resp)) == NULL) {
		snprintf(res->why, sizeof(res->why), "ocsp response is not basic");
		goto out;
	}
	if (OCSP_check_nonce(req, bs) != 1) {
		snprintf(res->why, sizeof(res->why), "ocsp nonce missing or different");
		goto out;
	}
	if ((certs = sk_X509_new_null()) == NULL || !sk_X509_push(certs, issuer))
		goto out;
	if (OCSP_basic_verify(bs, certs, store, 0) != 1) {
		snprintf(res->why, sizeof(res->why), "ocsp response signature does not verify");
		goto out;
	}
	if (OCSP_resp_find_status(bs, id, &st, &reason, &revt, &thisu, &nextu) != 1) {
		snprintf(res->why, sizeof(res->why), "ocsp response does not name the certificate");
		goto out;
	}
	if (thisu == NULL || ck_asn1_time(thisu, &t) != 0 || t > at + OCSP_LEEWAY) {
		snprintf(res->why, sizeof(res->why), "ocsp response is not yet valid");
		goto out;
	}
	if (nextu != NULL && (ck_asn1_time(nextu, &t) != 0 || t < at - OCSP_LEEWAY)) {
		snprintf(res->why, sizeof(res->why), "ocsp response is stale");
		goto out;
	}
	decided = 1;
	if (st == V_OCSP_CERTSTATUS_GOOD) {
		res->status = CK_REV_GOOD;
		res->why[0] = '\0';
	} else if (st == V_OCSP_CERTSTATUS_REVOKED) {
		char tb[CK_TIME_LEN] = "";

		if (revt != NULL && ck_asn1_time(revt, &t) == 0)
			ck_time_format(t, tb);
		res->status = CK_REV_REVOKED;
		snprintf(res->why, sizeof(res->why), "revoked on %s (%s)", tb,
		    OCSP_crl_reason_str(reason));
	} else {
		decided = 0;
		snprintf(res->why, sizeof(res->why), "ocsp responder does not know the certificate");
	}
out:
	ERR_clear_error();
	sk_X509_free(certs);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	free(body);
	return decided;
}

int
ck_revoke_ocsp(X509 *x, X509 *issuer, X509_STORE *store, time_t at,
    ck_rev_fetch_fn fetch, void *fctx, const unsigned char *nonce_key,
    struct ck_rev_result *res, struct ck_err *err)
{
	STACK_OF(OPENSSL_STRING) *urls;
	int i;

	(void)err;
	set_unknown(res, "ocsp", NULL, "no ocsp url");
	urls = X509_get1_ocsp(x);
	for (i = 0; i < sk_OPENSSL_STRING_num(urls); i++) {
		const char *u = sk_OPENSSL_STRING_value(urls, i);

		if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
			continue;
		if (ocsp_one(u, x, issuer, store, at, fetch, fctx, nonce_key, res))
			break;
	}
	X509_email_free(urls);
	return 0;
}
