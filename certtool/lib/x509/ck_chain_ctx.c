/* ck_chain: the context (options, trust store, RFC 5280 policy inputs). */
#include "ck_chain_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

static void
free_id(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	OPENSSL_free(ptr);
}

void
ck_chain_opts_init(struct ck_chain_opts *o)
{
	memset(o, 0, sizeof(*o));
	ck_policy_init(&o->policy);
	o->fetch = 1;
	o->max_fetch = 8;
	ck_fetch_opts_init(&o->net);
}

/*
 * RFC 5280 6.1.1 inputs on the store's parameters (every verification
 * inherits them): policy processing always on, the user-initial-policy-set
 * (anyPolicy unless given: OpenSSL 3 with an empty set rejects valid paths),
 * and the three initial flags.
 */
static int
set_policy_inputs(X509_VERIFY_PARAM *vp, const struct ck_chain_opts *o, struct ck_err *err)
{
	STACK_OF(ASN1_OBJECT) *pols = sk_ASN1_OBJECT_new_null();
	unsigned long flags = X509_V_FLAG_POLICY_CHECK;
	size_t i;
	int rv = -1;

	if (pols == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	for (i = 0; i < (o->n_user_policies ? o->n_user_policies : 1); i++) {
		const char *oid = o->n_user_policies ? o->user_policies[i] : "2.5.29.32.0";
		ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);

		if (obj == NULL) {
			ck_err_set(err, CK_E_USAGE, "--user-policy: '%s': not an OID", oid);
			goto out;
		}
		if (!sk_ASN1_OBJECT_push(pols, obj)) {
			ASN1_OBJECT_free(obj);
			goto out;
		}
	}
	if (o->explicit_policy)
		flags |= X509_V_FLAG_EXPLICIT_POLICY;
	if (o->inhibit_policy_mapping)
		flags |= X509_V_FLAG_INHIBIT_MAP;
	if (o->inhibit_any_policy)
		flags |= X509_V_FLAG_INHIBIT_ANY;
	/* set1_policies copies the set and sets X509_V_FLAG_POLICY_CHECK too */
	if (!X509_VERIFY_PARAM_set1_policies(vp, pols) || !X509_VERIFY_PARAM_set_flags(vp, flags)) {
		ck_err_ssl(err, CK_E_NOMEM, "cannot set the policy inputs");
		goto out;
	}
	rv = 0;
out:
	sk_ASN1_OBJECT_pop_free(pols, ASN1_OBJECT_free);
	return rv;
}

struct ck_chain_ctx *
ck_chain_ctx_new(const struct ck_chain_opts *o, struct ck_err *err)
{
	struct ck_chain_ctx *c = calloc(1, sizeof(*c));
	X509_VERIFY_PARAM *vp;

	if (c == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	c->o = *o;
	pthread_mutex_init(&c->mu, NULL);
	c->id_index = X509_get_ex_new_index(0, NULL, NULL, NULL, free_id);
	if ((c->store = X509_STORE_new()) == NULL || (c->pool = sk_X509_new_null()) == NULL ||
	    (c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (c->crls = sk_X509_CRL_new_null()) == NULL) {
		ck_err_ssl(err, CK_E_NOMEM, "out of memory");
		ck_chain_ctx_free(c);
		return NULL;
	}
	/* The store's parameters are used by OCSP response verification. */
	vp = X509_STORE_get0_param(c->store);
	X509_VERIFY_PARAM_set_time(vp, o->at);
	if (set_policy_inputs(vp, o, err) != 0) {
		ck_chain_ctx_free(c);
		return NULL;
	}
	if ((c->at = ASN1_TIME_set(NULL, o->at)) == NULL) {
		ck_err_ssl(err, CK_E_NOMEM, "out of memory");
		ck_chain_ctx_free(c);
		return NULL;
	}
	return c;
}

void
ck_chain_ctx_free(struct ck_chain_ctx *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CACHE_SLOTS; i++) {
		struct centry *e = c->tab[i], *n;

		for (; e != NULL; e = n) {
			n = e->next;
			X509_free(e->x);
			json_decref(e->rec);
			free(e->src_uri);
			free(e);
		}
	}
	for (i = 0; i < CACHE_SLOTS; i++) {
		struct sentry *e = c->sigs[i], *n;

		for (; e != NULL; e = n) {
			n = e->next;
			free(e);
		}
	}
	ck_chain_net_release(c);
	X509_STORE_free(c->store);
	EVP_MD_free(c->sha256);
	sk_X509_CRL_pop_free(c->crls, X509_CRL_free);
	ASN1_TIME_free(c->at);
	sk_X509_pop_free(c->pool, X509_free);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
