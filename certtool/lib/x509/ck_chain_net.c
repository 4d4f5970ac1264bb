/* ck_chain: the network (AIA, CRL, OCSP through ck_fetch), cached per run. */
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

int
ck_chain_fetch_cached(struct ck_chain_ctx *c, const char *url, struct ck_blobs *out, struct ck_err *err)
{
	struct uentry *u;
	struct ck_blobs b = { NULL, 0, 0 };
	size_t i;
	int failed = 0;

	pthread_mutex_lock(&c->mu);
	for (u = c->urls; u != NULL; u = u->next)
		if (strcmp(u->url, url) == 0)
			break;
	if (u != NULL) {
		int rv = 0;

		if (u->failed)
			rv = ck_err_set(err, CK_E_NET, "%s", u->why);
		for (i = 0; rv == 0 && i < u->blobs.n; i++)
			ck_blobs_add(out, u->blobs.v[i].data, u->blobs.v[i].len);
		pthread_mutex_unlock(&c->mu);
		return rv;
	}
	pthread_mutex_unlock(&c->mu);
	if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0) {
		unsigned char *buf = NULL;
		size_t len = 0;

		if (ck_http(url, NULL, 0, NULL, &c->o.net, &buf, &len, NULL, err) != 0)
			failed = 1;
		else
			ck_blobs_add(&b, buf, len);
		free(buf);
	} else if (strncmp(url, "ldap://", 7) == 0 || strncmp(url, "ldaps://", 8) == 0) {
		if (ck_ldap_url_values(url, &c->o.net, &b, err) != 0)
			failed = 1;
	} else {
		failed = 1;
		ck_err_set(err, CK_E_USAGE, "unsupported url scheme");
	}
	if ((u = calloc(1, sizeof(*u))) != NULL && (u->url = strdup(url)) != NULL) {
		u->failed = failed;
		snprintf(u->why, sizeof(u->why), "%.190s", failed ? err->msg : "");
		for (i = 0; i < b.n; i++)
			ck_blobs_add(&u->blobs, b.v[i].data, b.v[i].len);
		pthread_mutex_lock(&c->mu);
		u->next = c->urls;
		c->urls = u;
		pthread_mutex_unlock(&c->mu);
	} else if (u != NULL) {
		free(u);
	}
	for (i = 0; !failed && i < b.n; i++)
		ck_blobs_add(out, b.v[i].data, b.v[i].len);
	ck_blobs_release(&b);
	return failed ? -1 : 0;
}

/* The fetch function handed to ck_revoke: GETs are cached, POSTs (OCSP) are not. */
int
ck_chain_rev_fetch(void *ctx, const char *url, const unsigned char *body, size_t body_len,
    const char *content_type, unsigned char **out, size_t *len, struct ck_err *err)
{
	struct ck_chain_ctx *c = ctx;
	struct ck_blobs b = { NULL, 0, 0 };

	if (body != NULL)
		return ck_http(url, (const char *)body, body_len, content_type, &c->o.net,
		    out, len, NULL, err);
	if (ck_chain_fetch_cached(c, url, &b, err) != 0)
		return -1;
	if (b.n == 0) {
		ck_blobs_release(&b);
		return ck_err_set(err, CK_E_NOTFOUND, "empty answer");
	}
	*out = b.v[0].data;
	*len = b.v[0].len;
	b.v[0].data = NULL;
	ck_blobs_release(&b);
	return 0;
}

/* AIA caIssuers of x fetched into pool; returns how many new certificates. */
int
ck_chain_aia_fetch(struct ck_chain_ctx *c, X509 *x, STACK_OF(X509) *pool, json_t *visited,
    json_t *findings, int *budget)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	int i, added = 0;

	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia) && *budget > 0; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		struct ck_blobs b = { NULL, 0, 0 };
		struct ck_err err;
		const char *u;
		size_t k;
		char subj[256];

		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
			continue;
		u = (const char *)ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier);
		if (json_object_get(visited, u) != NULL)
			continue;	/* a loop, or already tried for this candidate */
		json_object_set_new(visited, u, json_true());
		(*budget)--;
		if (ck_chain_fetch_cached(c, u, &b, &err) != 0) {
			char msg[700];

			ck_chain_name_of(x, subj, sizeof(subj));
			snprintf(msg, sizeof(msg), "cannot fetch issuer from '%s': %s", u, err.msg);
			json_array_append_new(findings, ck_finding_new("chain.aia_unreachable",
			    "warning", msg, "RFC 5280 section 4.2.2.1", subj));
			continue;
		}
		for (k = 0; k < b.n; k++) {
			STACK_OF(X509) *got = sk_X509_new_null();
			int j;

			if (got == NULL)
				break;
			ck_chain_blob_certs(c, b.v[k].data, b.v[k].len, got,
			    strncmp(u, "ldap", 4) == 0 ? "ldap" : "url", u);
			for (j = 0; j < sk_X509_num(got); j++) {
				X509 *y = sk_X509_value(got, j);
				int m, dup = 0;

				for (m = 0; m < sk_X509_num(pool); m++)
					if (X509_cmp(sk_X509_value(pool, m), y) == 0)
						dup = 1;
				if (!dup && sk_X509_push(pool, y)) {
					X509_up_ref(y);
					added++;
				}
			}
			sk_X509_pop_free(got, X509_free);
		}
		ck_blobs_release(&b);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return added;
}
