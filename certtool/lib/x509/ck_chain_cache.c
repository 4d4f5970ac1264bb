/* ck_chain: the certificate cache: each distinct certificate parsed once per run. */
#include "ck_chain_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_revoke.h"

/* Returns a new reference to the cached or freshly parsed certificate. */
X509 *
ck_chain_cache_get(struct ck_chain_ctx *c, const unsigned char *der, size_t len, int keep,
    const char *src_type, const char *src_uri, long src_index)
{
	unsigned char id[32];
	struct centry *e;
	const unsigned char *p = der;
	X509 *x;

	if (!EVP_Digest(der, len, id, NULL, c->sha256, NULL)) {
		ERR_clear_error();
		return NULL;
	}
	pthread_mutex_lock(&c->mu);
	for (e = c->tab[ck_chain_slot(id)]; e != NULL; e = e->next)
		if (memcmp(e->id, id, 32) == 0) {
			X509_up_ref(e->x);
			pthread_mutex_unlock(&c->mu);
			return e->x;
		}
	pthread_mutex_unlock(&c->mu);
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		return NULL;
	}
	{
		unsigned char *keepid = OPENSSL_memdup(id, 32);

		if (keepid != NULL && !X509_set_ex_data(x, c->id_index, keepid))
			OPENSSL_free(keepid);
	}
	/*
	 * Decode the extensions (key ids, constraints, usages) now, before
	 * other threads can see the object: OpenSSL fills that cache lazily.
	 */
	X509_check_purpose(x, -1, 0);
	ERR_clear_error();
	if (!keep)
		return x;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return x;
	memcpy(e->id, id, 32);
	e->x = x;
	e->src_type = src_type;
	e->src_uri = src_uri != NULL ? strdup(src_uri) : NULL;
	e->src_index = src_index;
	X509_up_ref(x);
	pthread_mutex_lock(&c->mu);
	e->next = c->tab[ck_chain_slot(id)];
	c->tab[ck_chain_slot(id)] = e;
	pthread_mutex_unlock(&c->mu);
	return x;
}

X509 *
ck_chain_cache_x509(struct ck_chain_ctx *c, X509 *x, const char *src_type, const char *src_uri,
    long src_index)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	X509 *y;

	if (len <= 0)
		return NULL;
	y = ck_chain_cache_get(c, der, (size_t)len, 1, src_type, src_uri, src_index);
	OPENSSL_free(der);
	return y;
}

const unsigned char *
ck_chain_raw_id(struct ck_chain_ctx *c, X509 *x, unsigned char buf[32])
{
	const unsigned char *id = X509_get_ex_data(x, c->id_index);
	unsigned int n = 0;

	if (id != NULL)
		return id;
	X509_digest(x, c->sha256, buf, &n);
	return buf;
}

void
ck_chain_hex32(const unsigned char *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

/* The certificate's id (SHA-256 of its DER, hex), computed once per object. */
void
ck_chain_cert_id(struct ck_chain_ctx *c, X509 *x, char hex[65])
{
	unsigned char buf[32];

	ck_chain_hex32(ck_chain_raw_id(c, x, buf), hex);
}

/* A `cert` record (without pem) for a certificate not given as input (anchor, pool, AIA): cached. */
json_t *
ck_chain_cache_record(struct ck_chain_ctx *c, X509 *x)
{
	unsigned char buf[32];
	const unsigned char *md;
	struct centry *e;
	unsigned char *der = NULL;
	int len;
	json_t *rec = NULL;
	struct ck_source src = { "file", "", 0 };
	struct ck_err err;
	char *uri = NULL;

	md = ck_chain_raw_id(c, x, buf);
	pthread_mutex_lock(&c->mu);
	for (e = c->tab[ck_chain_slot(md)]; e != NULL; e = e->next)
		if (memcmp(e->id, md, 32) == 0) {
			if (e->rec != NULL)
				rec = json_incref(e->rec);
			else if (e->src_type != NULL) {
				src.type = e->src_type;
				src.index = e->src_index;
				uri = e->src_uri != NULL ? strdup(e->src_uri) : NULL;
			}
			break;
		}
	pthread_mutex_unlock(&c->mu);
	if (rec != NULL)
		return rec;
	src.uri = uri != NULL ? uri : "";
	if ((len = i2d_X509(x, &der)) <= 0)
		return NULL;
	rec = ck_cert_record(der, (size_t)len, &src, CK_CERT_NO_PEM, &err);
	OPENSSL_free(der);
	free(uri);
	if (rec == NULL)
		return NULL;
	pthread_mutex_lock(&c->mu);
	for (e = c->tab[ck_chain_slot(md)]; e != NULL; e = e->next)
		if (memcmp(e->id, md, 32) == 0) {
			if (e->rec == NULL)
				e->rec = json_incref(rec);
			break;
		}
	pthread_mutex_unlock(&c->mu);
	return rec;
}

void
ck_chain_name_of(X509 *x, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (b == NULL || x == NULL) {
		BIO_free(b);
		return;
	}
	X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}
