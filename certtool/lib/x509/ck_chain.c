/* ck_chain: one validation run (ck_chain.h; the other parts: ck_chain_int.h). */
#include "ck_chain_int.h"

#include <dirent.h>
#include <pthread.h>
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
#include "ck_key.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_revoke.h"

static int
verify_cb(int ok, X509_STORE_CTX *sc)
{
	struct vrun *r;
	int code, depth, i;

	if (ok)
		return ok;
	r = ((struct vctx *)X509_STORE_CTX_get_app_data(sc))->r;
	code = X509_STORE_CTX_get_error(sc);
	depth = X509_STORE_CTX_get_error_depth(sc);
	for (i = 0; i < r->n; i++)
		if (r->v[i].code == code && r->v[i].depth == depth)
			return 1;
	if (r->n < MAX_VERRS) {
		r->v[r->n].code = code;
		r->v[r->n].depth = depth;
		ck_chain_name_of(X509_STORE_CTX_get_current_cert(sc), r->v[r->n].subject,
		    sizeof(r->v[r->n].subject));
		r->n++;
	}
	/* Go on: we want every error, not just the first. */
	return 1;
}

static int
has_code(const struct vrun *r, int code)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].code == code)
			return 1;
	return 0;
}

/* The valid policy set of the path, intersected with the user set (RFC 5280 6.1.5 g). */
static void
valid_policies(X509_STORE_CTX *sc, struct vrun *r)
{
	X509_POLICY_TREE *tree = X509_STORE_CTX_get0_policy_tree(sc);
	STACK_OF(X509_POLICY_NODE) *nodes;
	char oid[128];
	int i;

	json_decref(r->policies);
	r->policies = NULL;
	if (tree == NULL || (r->policies = json_array()) == NULL)
		return;
	nodes = X509_policy_tree_get0_user_policies(tree);
	for (i = 0; i < sk_X509_POLICY_NODE_num(nodes); i++) {
		const ASN1_OBJECT *p = X509_policy_node_get0_policy(sk_X509_POLICY_NODE_value(nodes, i));

		if (p != NULL && OBJ_obj2txt(oid, sizeof(oid), p, 1) > 0)
			json_array_append_new(r->policies, json_string(oid));
	}
}

static int
verify_once(struct ck_chain_ctx *c, X509 *leaf, STACK_OF(X509) *untrusted,
    STACK_OF(X509_CRL) *crls, struct vrun *r, STACK_OF(X509) **path, int *trusted)
{
	X509_STORE_CTX *sc = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *vp;
	struct vctx v = { c, r };
	int rv = -1;

	json_decref(r->policies);
	memset(r, 0, sizeof(*r));
	*path = NULL;
	*trusted = 0;
	if (sc == NULL || !X509_STORE_CTX_init(sc, c->store, leaf, untrusted))
		goto out;
	vp = X509_STORE_CTX_get0_param(sc);
	X509_VERIFY_PARAM_set_time(vp, c->o.at);
	if (c->o.purpose == CK_PURPOSE_SERVER)
		X509_STORE_CTX_set_purpose(sc, X509_PURPOSE_SSL_SERVER);
	else if (c->o.purpose == CK_PURPOSE_CLIENT)
		X509_STORE_CTX_set_purpose(sc, X509_PURPOSE_SSL_CLIENT);
	if (c->o.host != NULL)
		X509_VERIFY_PARAM_set1_host(vp, c->o.host, 0);
	if (crls != NULL) {
		/* OpenSSL's CRL checks, as openssl verify -crl_check_all -extended_crl -use_deltas */
		X509_STORE_CTX_set0_crls(sc, crls);
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL |
		    X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_USE_DELTAS);
	}
	X509_STORE_CTX_set_app_data(sc, &v);
	X509_STORE_CTX_set_verify_cb(sc, verify_cb);
	if (ck_fastpath())
		X509_STORE_CTX_set_verify(sc, ck_chain_cached_verify);
	if (X509_verify_cert(sc) <= 0 && r->n == 0) {
		/* Failed without telling the callback (internal error): record it. */
		r->v[0].code = X509_STORE_CTX_get_error(sc);
		if (r->v[0].code == X509_V_OK)
			r->v[0].code = X509_V_ERR_UNSPECIFIED;
		r->n = 1;
	}
	*path = X509_STORE_CTX_get1_chain(sc);
	*trusted = sk_X509_num(*path) > X509_STORE_CTX_get_num_untrusted(sc);
	valid_policies(sc, r);
	rv = 0;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(sc);
	return rv;
}

/* The --amt-hashes check on the anchor. */
static void
anchor_checks(struct ck_chain_ctx *c, STACK_OF(X509) *path, int trusted, json_t *f)
{
	int n = sk_X509_num(path);

	if (c->use_hashes && trusted && n > 0) {
		X509 *a = sk_X509_value(path, n - 1);
		char subj[256];

		ck_chain_name_of(a, subj, sizeof(subj));
		if (!ck_chain_anchor_hash_known(c, a))
			ck_finding_addf(f, "chain.amt_hash_missing", "critical", REF_AMT_HASH, subj,
			    "the anchor's hash is not in the allowed root hash list");
	}
}

static int
purpose_oid_ok(X509 *leaf, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, NULL, NULL);
	int i, ok = 0;
	char buf[128];

	if (eku == NULL)
		return 1;	/* no EKU: every purpose (RFC 5280 4.2.1.12) */
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);

		OBJ_obj2txt(buf, sizeof(buf), o, 1);
		if (strcmp(buf, oid) == 0 || OBJ_obj2nid(o) == NID_anyExtendedKeyUsage)
			ok = 1;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

/* What a CRL verification error means for the certificate's status, or NULL: not a CRL error. */
static const char *
crl_reason(int code)
{
	switch (code) {
	case X509_V_ERR_CERT_REVOKED: return "revoked";
	case X509_V_ERR_UNABLE_TO_GET_CRL: return "no CRL for it (from --crl or its CDP)";
	case X509_V_ERR_CRL_HAS_EXPIRED: return "the CRL is stale (past its nextUpdate)";
	case X509_V_ERR_CRL_NOT_YET_VALID: return "the CRL is not valid yet";
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE: return "crl signature does not verify";
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD: return "the CRL's dates cannot be read";
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER: return "the CRL's issuer is not found";
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
		return "the CRL has a critical extension OpenSSL does not know: unusable";
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN: return "the CRL's issuer may not sign CRLs";
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
		return "no CRL's scope (issuing distribution point) covers it";
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR: return "the CRL issuer's path does not validate";
	default: return NULL;
	}
}

/* "revoked on DATE" from the CRL (or delta) that lists x. */
static void
revoked_on(STACK_OF(X509_CRL) *crls, X509 *x, char *why, size_t size)
{
	X509_REVOKED *rev = NULL;
	char tb[CK_TIME_LEN] = "";
	time_t t;
	int i;

	for (i = 0; i < sk_X509_CRL_num(crls); i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(crls, i)),
		    X509_get_issuer_name(x)) == 0 &&
		    X509_CRL_get0_by_cert(sk_X509_CRL_value(crls, i), &rev, x) == 1) {
			if (ck_asn1_time(X509_REVOKED_get0_revocationDate(rev), &t) == 0)
				ck_time_format(t, tb);
			break;
		}
	snprintf(why, size, "revoked on %s", tb);
}

/*
 * CRL status of path[0..n) by OpenSSL's own CRL processing (every
 * certificate, delta CRLs, issuing distribution point scope, indirect CRLs
 * as far as X509_V_FLAG_EXTENDED_CRL_SUPPORT goes) over the --crl CRLs and
 * the CRLs of the path's distribution points, mixed.
 */
static void
crl_statuses(struct ck_chain_fx *fx, X509 *leaf, STACK_OF(X509) *untrusted,
    STACK_OF(X509) *path, struct ck_rev_result *res)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	STACK_OF(X509) *p2 = NULL;
	struct vrun *r = calloc(1, sizeof(*r));
	struct ck_chain_ctx *c = fx->c;
	int i, n = sk_X509_num(path), t2;

	for (i = 0; i < n; i++) {
		res[i].status = CK_REV_GOOD;
		snprintf(res[i].method, sizeof(res[i].method), "crl");
	}
	if (crls == NULL || r == NULL)
		goto fail;
	for (i = 0; i < sk_X509_CRL_num(c->crls); i++)
		if (sk_X509_CRL_push(crls, sk_X509_CRL_value(c->crls, i)))
			X509_CRL_up_ref(sk_X509_CRL_value(c->crls, i));
	for (i = 0; i < n && c->o.fetch; i++) {
		struct ck_rev_result cdp;

		memset(&cdp, 0, sizeof(cdp));
		ck_revoke_cdp_crls(sk_X509_value(path, i), ck_chain_rev_fetch, fx, crls, &cdp);
		snprintf(res[i].url, sizeof(res[i].url), "%s", cdp.url);
		if (cdp.url[0] != '\0' && cdp.why[0] != '\0')
			snprintf(res[i].why, sizeof(res[i].why), "%s", cdp.why);
	}
	if (verify_once(c, leaf, untrusted, crls, r, &p2, &t2) != 0)
		goto fail;
	for (i = 0; i < r->n; i++) {
		const char *why = crl_reason(r->v[i].code);
		int d = r->v[i].depth;

		if (why == NULL || d < 0 || d >= n || res[d].status == CK_REV_REVOKED)
			continue;
		if (r->v[i].code == X509_V_ERR_CERT_REVOKED) {
			res[d].status = CK_REV_REVOKED;
			revoked_on(crls, sk_X509_value(path, d), res[d].why, sizeof(res[d].why));
		} else if (res[d].status == CK_REV_GOOD) {
			char fetched[sizeof(res[d].why)];

			/* keep why the CDP gave nothing, it says more than "no CRL" */
			snprintf(fetched, sizeof(fetched), "%s", res[d].why);
			res[d].status = CK_REV_UNKNOWN;
			if (r->v[i].code == X509_V_ERR_UNABLE_TO_GET_CRL && fetched[0] != '\0')
				snprintf(res[d].why, sizeof(res[d].why), "%s", fetched);
			else
				snprintf(res[d].why, sizeof(res[d].why), "%s", why);
		}
	}
	for (i = 0; i < n; i++)
		if (res[i].status == CK_REV_GOOD)
			res[i].why[0] = '\0';
	goto out;
fail:
	for (i = 0; i < n; i++) {
		res[i].status = CK_REV_UNKNOWN;
		snprintf(res[i].why, sizeof(res[i].why), "out of memory");
	}
out:
	sk_X509_pop_free(p2, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (r != NULL)
		json_decref(r->policies);
	free(r);
}

static void
revocation(struct ck_chain_fx *fx, X509 *leaf, STACK_OF(X509) *untrusted, STACK_OF(X509) *path,
    int trusted, json_t *rev, json_t *f)
{
	struct ck_chain_ctx *c = fx->c;
	int i, n = sk_X509_num(path);
	/* The anchor is trusted as configured; it has no issuer to ask. */
	int last = trusted ? n - 1 : n;
	struct ck_rev_result *crl = NULL;

	if (c->o.crl_check && n > 0 && (crl = calloc((size_t)n, sizeof(*crl))) != NULL)
		crl_statuses(fx, leaf, untrusted, path, crl);
	for (i = 0; i < last && i + 1 < n; i++) {
		X509 *x = sk_X509_value(path, i), *iss = sk_X509_value(path, i + 1);
		struct ck_rev_result r;
		struct ck_err err;
		char id[65], subj[256];
		json_t *o;

		memset(&r, 0, sizeof(r));
		r.status = CK_REV_UNKNOWN;
		if (c->o.ocsp)
			ck_revoke_ocsp(x, iss, c->store, c->o.at, ck_chain_rev_fetch, fx,
			    c->engine ? c->nonce_key : NULL, &r, &err);
		if (crl != NULL && r.status == CK_REV_UNKNOWN &&
		    (crl[i].status != CK_REV_UNKNOWN || !c->o.ocsp))
			r = crl[i];
		ck_chain_cert_id(c, x, id);
		ck_chain_name_of(x, subj, sizeof(subj));
		o = json_pack("{s:s,s:s}", "status", ck_rev_status_name(r.status), "method", r.method);
		if (r.url[0] != '\0')
			json_object_set_new(o, "url", json_string(r.url));
		if (r.why[0] != '\0')
			json_object_set_new(o, "reason", json_string(r.why));
		json_object_set_new(rev, id, o);
		if (r.status == CK_REV_REVOKED)
			ck_finding_addf(f, "chain.revoked", "critical", REF_REVOKE, subj, "%s: %s",
			    r.method, r.why);
		else if (r.status == CK_REV_UNKNOWN)
			ck_finding_addf(f, "chain.revocation_unknown",
			    c->o.require_revocation ? "critical" : "warning", REF_REVOKE, subj,
			    "%s: %s", r.method, r.why);
	}
	free(crl);
}

json_t *
ck_chain_check(struct ck_chain_ctx *c, const json_t *certs, int *status, struct ck_err *err)
{
	return ck_chain_check_probe(c, certs, status, err, NULL);
}

json_t *
ck_chain_check_probe(struct ck_chain_ctx *c, const json_t *certs, int *status,
    struct ck_err *err, struct ck_chain_probe *probe)
{
	size_t i, n = json_array_size(certs);
	struct ck_chain_input *in;
	json_t *rec = NULL;

	*status = CK_UNKNOWN;
	if (n == 0) {
		ck_err_set(err, CK_E_PARSE, "no certificate");
		return NULL;
	}
	if ((in = calloc(n, sizeof(*in))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		unsigned char *der = NULL;

		in[i].rec = json_array_get(certs, i);
		if (ck_cert_record_der(in[i].rec, &der, &in[i].len, err) != 0) {
			ck_err_prefix(err, "certificate %zu", i);
			goto out;
		}
		in[i].der = der;
	}
	rec = ck_chain_check_der_probe(c, in, n, status, err, probe);
out:
	for (i = 0; i < n; i++)
		free((unsigned char *)in[i].der);
	free(in);
	return rec;
}

json_t *
ck_chain_check_der(struct ck_chain_ctx *c, const struct ck_chain_input *in, size_t n,
    int *status, struct ck_err *err)
{
	return ck_chain_check_der_probe(c, in, n, status, err, NULL);
}

json_t *
ck_chain_check_der_probe(struct ck_chain_ctx *c, const struct ck_chain_input *in, size_t n,
    int *status, struct ck_err *err, struct ck_chain_probe *probe)
{
	struct ck_chain_fx fx = { c, probe };
	size_t i;
	STACK_OF(X509) *input = NULL, *untrusted = NULL, *path = NULL;
	json_t *rec = NULL, *findings = NULL, *visited = NULL, *jpath, *jcerts, *rev;
	X509 *leaf;
	struct vrun *r = NULL;
	int trusted = 0, budget = c->o.max_fetch, j, worst = CK_OK;
	EVP_MD_CTX *sha = NULL;
	unsigned char md[32];
	char hex[65], idhex[65];

	*status = CK_UNKNOWN;
	if (n == 0) {
		ck_err_set(err, CK_E_PARSE, "no certificate");
		return NULL;
	}
	if ((input = sk_X509_new_null()) == NULL || (findings = json_array()) == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL || (visited = json_object()) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((sha = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(sha, c->sha256, NULL)) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		X509 *x = ck_chain_cache_get(c, in[i].der, in[i].len, i > 0, NULL, NULL, 0);

		if (x == NULL) {
			ck_err_set(err, CK_E_PARSE, "certificate %zu: not a certificate", i);
			goto fail;
		}
		ck_chain_cert_id(c, x, hex);
		EVP_DigestUpdate(sha, hex, 64);
		if (!sk_X509_push(input, x)) {
			X509_free(x);
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	EVP_DigestFinal_ex(sha, md, NULL);
	ck_chain_hex32(md, idhex);
	leaf = sk_X509_value(input, 0);
	if ((untrusted = sk_X509_dup(c->pool)) == NULL)
		goto nomem;
	for (j = 1; j < sk_X509_num(input); j++)
		if (!sk_X509_push(untrusted, sk_X509_value(input, j)))
			goto nomem;
	/* Fetched certificates are owned by `extra`; untrusted only borrows. */
	{
		STACK_OF(X509) *extra = sk_X509_new_null();

		if (extra == NULL)
			goto nomem;
		for (;;) {
			int before, k;

			sk_X509_pop_free(path, X509_free);
			if (verify_once(c, leaf, untrusted, NULL, r, &path, &trusted) != 0) {
				sk_X509_pop_free(extra, X509_free);
				ck_err_ssl(err, CK_E_CRYPTO, "cannot set up verification");
				goto fail;
			}
			if (!c->o.fetch || budget <= 0 || trusted ||
			    !(has_code(r, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ||
			    has_code(r, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)) ||
			    sk_X509_num(path) == 0)
				break;
			before = sk_X509_num(extra);
			if (ck_chain_aia_fetch(&fx, sk_X509_value(path, sk_X509_num(path) - 1), extra, visited,
			    findings, &budget) == 0)
				break;
			for (k = before; k < sk_X509_num(extra); k++)
				sk_X509_push(untrusted, sk_X509_value(extra, k));
		}
		/* path holds its own references; extra can go. */
		sk_X509_pop_free(extra, X509_free);
	}
	for (j = 0; j < r->n; j++) {
		char msg[512];
		int k, dup = 0;

		/* OpenSSL may say the same thing twice (no local issuer, cannot verify leaf). */
		for (k = 0; k < j; k++)
			if (r->v[k].depth == r->v[j].depth &&
			    strcmp(ck_chain_verr_rule(r->v[k].code), ck_chain_verr_rule(r->v[j].code)) == 0)
				dup = 1;
		if (dup)
			continue;

		snprintf(msg, sizeof(msg), "%s (depth %d)",
		    X509_verify_cert_error_string(r->v[j].code), r->v[j].depth);
		json_array_append_new(findings, ck_finding_new(ck_chain_verr_rule(r->v[j].code), "critical",
		    msg, REF_RFC5280, r->v[j].subject[0] != '\0' ? r->v[j].subject : NULL));
	}
	if (c->o.purpose == CK_PURPOSE_OID && !purpose_oid_ok(leaf, c->o.purpose_oid)) {
		char subj[256];

		ck_chain_name_of(leaf, subj, sizeof(subj));
		ck_finding_addf(findings, "chain.purpose", "critical", REF_RFC5280, subj,
		    "extended key usage does not contain %s", c->o.purpose_oid);
	}
	anchor_checks(c, path, trusted, findings);
	rev = json_object();
	/*
	 * A probe that missed an issuer has no final path yet: its revocation
	 * URLs are asked for once the path is built, as without the probe (the
	 * same URLs, none of a path that is not the last).
	 */
	if ((c->o.crl_check || c->o.ocsp) && (probe == NULL || !probe->missed))
		revocation(&fx, leaf, untrusted, path, trusted, rev, findings);

	if ((rec = ck_record_new("chain")) == NULL)
		goto nomem;
	json_object_set_new(rec, "id", json_string(idhex));
	ck_chain_cert_id(c, leaf, hex);
	json_object_set_new(rec, "leaf", json_string(hex));
	jpath = json_array();
	jcerts = json_array();
	for (j = 0; j < sk_X509_num(path); j++) {
		X509 *x = sk_X509_value(path, j);
		json_t *cr = NULL;
		int k;

		ck_chain_cert_id(c, x, hex);
		json_array_append_new(jpath, json_string(hex));
		for (k = 0; k < sk_X509_num(input); k++)
			if (sk_X509_value(input, k) == x) {
				/* The path's records go without their pem: the ids name them. */
				if (json_object_get(in[k].rec, "pem") == NULL) {
					cr = json_incref((json_t *)in[k].rec);
				} else {
					cr = json_copy((json_t *)in[k].rec);
					json_object_del(cr, "pem");
				}
				break;
			}
		if (cr == NULL)
			cr = ck_chain_cache_record(c, x);
		if (cr != NULL)
			json_array_append_new(jcerts, cr);
	}
	json_object_set_new(rec, "path", jpath);
	if (json_array_size(jcerts) == (size_t)sk_X509_num(path) && json_array_size(jcerts) > 0) {
		const json_t *pc[MAX_PATH];

		for (i = 0; i < json_array_size(jcerts) && i < MAX_PATH; i++)
			pc[i] = json_array_get(jcerts, i);
		ck_policy_check_path(&c->o.policy, pc, i, trusted, findings);
	}
	if (trusted && sk_X509_num(path) > 0) {
		ck_chain_cert_id(c, sk_X509_value(path, sk_X509_num(path) - 1), hex);
		json_object_set_new(rec, "anchor", json_string(hex));
	} else {
		json_object_set_new(rec, "anchor", json_null());
	}
	for (i = 0; i < json_array_size(findings); i++) {
		const char *sev = json_string_value(json_object_get(json_array_get(findings, i),
		    "severity"));

		if (sev != NULL && strcmp(sev, "critical") == 0)
			worst = ck_status_worse(worst, CK_CRITICAL);
		else if (sev != NULL && strcmp(sev, "warning") == 0)
			worst = ck_status_worse(worst, CK_WARNING);
	}
	json_object_set_new(rec, "status", json_string(worst == CK_CRITICAL ? "critical" :
	    worst == CK_WARNING ? "warning" : "ok"));
	json_object_set_new(rec, "findings", findings);
	findings = NULL;
	json_object_set_new(rec, "revocation", rev);
	json_object_set_new(rec, "policies", r->policies != NULL ? json_incref(r->policies) :
	    json_array());
	if (c->o.policy.name[0] != '\0') {
		json_t *pol = json_pack("{s:s}", "name", c->o.policy.name);

		if (c->o.policy.version[0] != '\0')
			json_object_set_new(pol, "version", json_string(c->o.policy.version));
		json_object_set_new(rec, "policy", pol);
	}
	json_object_set_new(rec, "certs", jcerts);
	*status = worst;
	goto out;
nomem:
	ck_err_set(err, CK_E_NOMEM, "out of memory");
fail:
	json_decref(rec);
	rec = NULL;
out:
	sk_X509_pop_free(path, X509_free);
	sk_X509_free(untrusted);
	sk_X509_pop_free(input, X509_free);
	json_decref(findings);
	json_decref(visited);
	EVP_MD_CTX_free(sha);
	if (r != NULL)
		json_decref(r->policies);
	free(r);
	return rec;
}
