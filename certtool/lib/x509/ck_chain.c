#include "ck_chain.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/engine.h>
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

#define CACHE_SLOTS 4096
#define MAX_VERRS 64
#define MAX_PATH 64		/* certificates of one path judged by the policy */
#define MAX_HASHES 256
#define MAX_FILE_BYTES (16u * 1024 * 1024)
#define MAX_CERTS_PER_BLOB 100

/* ---- rules: ids, severities and where they come from ---- */

#define REF_RFC5280 "RFC 5280 section 6 (path validation)"
#define REF_AMT_HASH "Intel AMT SDK: Root Certificate Hashes"
#define REF_REVOKE "RFC 5280 section 6.3 (CRL), RFC 6960 (OCSP)"

/* Every X509_V_ERR the verifier can report here, mapped to a stable rule id. */
static const struct {
	int code;
	const char *rule;
} verr_rules[] = {
	{ X509_V_ERR_CERT_HAS_EXPIRED, "chain.expired" },
	{ X509_V_ERR_CERT_NOT_YET_VALID, "chain.not_yet_valid" },
	{ X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, "chain.bad_time" },
	{ X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, "chain.bad_time" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "chain.missing_issuer" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "chain.missing_issuer" },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "chain.missing_issuer" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "chain.untrusted" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "chain.untrusted" },
	{ X509_V_ERR_CERT_UNTRUSTED, "chain.untrusted" },
	{ X509_V_ERR_CERT_REJECTED, "chain.untrusted" },
	{ X509_V_ERR_CERT_SIGNATURE_FAILURE, "chain.bad_signature" },
	{ X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, "chain.bad_signature" },
	{ X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, "chain.bad_issuer_key" },
	{ X509_V_ERR_PATH_LENGTH_EXCEEDED, "chain.path_length" },
	{ X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED, "chain.path_length" },
	{ X509_V_ERR_INVALID_CA, "chain.not_ca" },
	{ X509_V_ERR_INVALID_NON_CA, "chain.not_ca" },
	{ X509_V_ERR_KEYUSAGE_NO_CERTSIGN, "chain.key_usage" },
	{ X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE, "chain.key_usage" },
	{ X509_V_ERR_INVALID_PURPOSE, "chain.purpose" },
	{ X509_V_ERR_HOSTNAME_MISMATCH, "chain.hostname" },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, "chain.hostname" },
	{ X509_V_ERR_EMAIL_MISMATCH, "chain.hostname" },
	{ X509_V_ERR_PERMITTED_VIOLATION, "chain.name_constraints" },
	{ X509_V_ERR_EXCLUDED_VIOLATION, "chain.name_constraints" },
	{ X509_V_ERR_SUBTREE_MINMAX, "chain.name_constraints" },
	{ X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE, "chain.name_constraints" },
	{ X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX, "chain.name_constraints" },
	{ X509_V_ERR_UNSUPPORTED_NAME_SYNTAX, "chain.name_constraints" },
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG, "chain.too_long" },
	{ X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION, "chain.critical_extension" },
	{ X509_V_ERR_INVALID_EXTENSION, "chain.bad_extension" },
	{ X509_V_ERR_INVALID_POLICY_EXTENSION, "chain.invalid_policy_extension" },
	{ X509_V_ERR_NO_EXPLICIT_POLICY, "chain.no_explicit_policy" },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, "chain.weak_key" },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, "chain.weak_key" },
	{ X509_V_ERR_CA_MD_TOO_WEAK, "chain.weak_digest" },
	{ X509_V_ERR_AKID_SKID_MISMATCH, "chain.issuer_mismatch" },
	{ X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH, "chain.issuer_mismatch" },
	{ X509_V_ERR_SUBJECT_ISSUER_MISMATCH, "chain.issuer_mismatch" },
	{ X509_V_ERR_CERT_REVOKED, "chain.revoked" },
};

static const char *
verr_rule(int code)
{
	size_t i;

	for (i = 0; i < sizeof(verr_rules) / sizeof(verr_rules[0]); i++)
		if (verr_rules[i].code == code)
			return verr_rules[i].rule;
	return "chain.verify_error";
}

const char *
ck_chain_verr_rule(int code)
{
	return verr_rule(code);
}

/* Every chain.* id this module emits (the verify error map's ids, then its own). */
static const struct ck_ruledef chain_defs[] = {
	{ "chain.expired", "critical", REF_RFC5280, "a certificate of the path has expired" },
	{ "chain.not_yet_valid", "critical", REF_RFC5280, "a certificate of the path is not valid yet" },
	{ "chain.bad_time", "critical", REF_RFC5280, "a validity date cannot be read" },
	{ "chain.missing_issuer", "critical", REF_RFC5280,
	    "no issuer certificate found (give it with --untrusted, or let AIA fetch it)" },
	{ "chain.untrusted", "critical", REF_RFC5280, "the path does not end at a trust anchor" },
	{ "chain.bad_signature", "critical", REF_RFC5280, "a signature does not verify" },
	{ "chain.bad_issuer_key", "critical", REF_RFC5280, "the issuer's public key cannot be decoded" },
	{ "chain.path_length", "critical", REF_RFC5280 " 4.2.1.9", "a pathLenConstraint is exceeded" },
	{ "chain.not_ca", "critical", REF_RFC5280 " 4.2.1.9",
	    "an issuer is not a CA (basicConstraints), or a CA where none may be" },
	{ "chain.key_usage", "critical", REF_RFC5280 " 4.2.1.3",
	    "an issuer's key usage lacks keyCertSign (or digitalSignature)" },
	{ "chain.purpose", "critical", REF_RFC5280 " 4.2.1.12",
	    "the leaf's extended key usage does not allow the purpose asked for" },
	{ "chain.hostname", "critical", "RFC 6125; " REF_RFC5280 " 4.2.1.6",
	    "the leaf is not valid for --host" },
	{ "chain.name_constraints", "critical", REF_RFC5280 " 4.2.1.10",
	    "a name of the path violates a CA's name constraints" },
	{ "chain.too_long", "critical", REF_RFC5280, "the path is longer than the verifier allows" },
	{ "chain.critical_extension", "critical", REF_RFC5280 " 4.2",
	    "a certificate has a critical extension the verifier does not know" },
	{ "chain.bad_extension", "critical", REF_RFC5280 " 4.2", "an extension is malformed" },
	{ "chain.invalid_policy_extension", "critical", REF_RFC5280 " 4.2.1.4, 6.1.3",
	    "a certificate policies, policy mappings or policy constraints extension is invalid" },
	{ "chain.no_explicit_policy", "critical", REF_RFC5280 " 6.1.5",
	    "an explicit policy is required (requireExplicitPolicy or --explicit-policy) and the "
	    "valid policy set, intersected with --user-policy, is empty" },
	{ "chain.weak_key", "critical", "NIST SP 800-131A", "a key is below the verifier's security level" },
	{ "chain.weak_digest", "critical", "NIST SP 800-131A",
	    "a signature digest is below the verifier's security level" },
	{ "chain.issuer_mismatch", "critical", REF_RFC5280 " 4.2.1.1",
	    "authority key identifier or issuer name does not match the issuer" },
	{ "chain.revoked", "critical", REF_REVOKE, "a certificate of the path is revoked" },
	{ "chain.verify_error", "critical", REF_RFC5280,
	    "another verification error (the message gives OpenSSL's reason)" },
	{ "chain.aia_unreachable", "warning", REF_RFC5280 " 4.2.2.1",
	    "an AIA caIssuers URL could not be fetched" },
	{ "chain.revocation_unknown", "warning", REF_REVOKE,
	    "revocation status unknown (critical with --require-revocation)" },
	{ "chain.amt_hash_missing", "critical", REF_AMT_HASH,
	    "the anchor's hash is not in the --amt-hashes list" },
};

static const struct ck_ruleset chain_set = { "chain", chain_defs,
	sizeof(chain_defs) / sizeof(chain_defs[0]) };

const struct ck_ruleset *
ck_chain_ruleset(void)
{
	return &chain_set;
}

/* ---- the context ---- */

struct centry {
	unsigned char id[32];
	X509 *x;
	json_t *rec;		/* `cert` record, made on first use */
	const char *src_type;	/* where it was first seen: file|url (static string) */
	char *src_uri;
	long src_index;
	struct centry *next;
};

struct uentry {
	char *url;
	struct ck_blobs blobs;
	int failed;
	char why[200];
	struct uentry *next;
};

struct hash {
	unsigned char md[64];
	size_t len;
};

struct ck_chain_ctx {
	struct ck_chain_opts o;
	X509_STORE *store;
	STACK_OF(X509) *pool;
	pthread_mutex_t mu;
	struct centry *tab[CACHE_SLOTS];
	struct uentry *urls;
	struct hash hashes[MAX_HASHES];
	size_t nhashes;
	int use_hashes;
	int id_index;			/* X509 ex_data slot: the certificate's SHA-256 */
	ASN1_TIME *at;			/* o.at, for comparisons without gmtime_r() (a global lock) */
	struct sentry *sigs[CACHE_SLOTS];	/* verified (subject, issuer) signatures */
	EVP_MD *sha256;			/* fetched once: an implicit fetch per digest costs more than the digest */
};

/* A signature that verified: subject's id, issuer's id. */
struct sentry {
	unsigned char subject[32], issuer[32];
	struct sentry *next;
};

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
	    (c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
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
	struct uentry *u, *un;

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
	for (u = c->urls; u != NULL; u = un) {
		un = u->next;
		free(u->url);
		ck_blobs_release(&u->blobs);
		free(u);
	}
	X509_STORE_free(c->store);
	EVP_MD_free(c->sha256);
	ASN1_TIME_free(c->at);
	sk_X509_pop_free(c->pool, X509_free);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- fast key decoding (see the header) ---- */

static int fast_nids[] = { EVP_PKEY_RSA, EVP_PKEY_EC };

static int
fast_pmeths(ENGINE *e, EVP_PKEY_METHOD **m, const int **nids, int nid)
{
	(void)e;
	if (m == NULL) {
		*nids = fast_nids;
		return (int)(sizeof(fast_nids) / sizeof(fast_nids[0]));
	}
	*m = (EVP_PKEY_METHOD *)EVP_PKEY_meth_find(nid);
	return *m != NULL;
}

int
ck_chain_fast_keys(void)
{
	ENGINE *e = ENGINE_new();

	if (e == NULL)
		return -1;
	if (!ENGINE_set_id(e, "certkit-fastkeys") ||
	    !ENGINE_set_name(e, "certkit: legacy key decoding for certificate parsing") ||
	    !ENGINE_set_pkey_meths(e, fast_pmeths) || !ENGINE_init(e)) {
		ENGINE_free(e);
		ERR_clear_error();
		return -1;
	}
	if (!ENGINE_register_pkey_meths(e)) {
		ENGINE_finish(e);
		ENGINE_free(e);
		ERR_clear_error();
		return -1;
	}
	/*
	 * The engine tables do not hold a reference of their own: the engine
	 * (and its functional reference) stays for the life of the process.
	 */
	return 0;
}

/* ---- certificate cache ---- */

static unsigned
slot_of(const unsigned char id[32])
{
	return ((unsigned)id[0] << 8 | id[1]) % CACHE_SLOTS;
}

/* Returns a new reference to the cached or freshly parsed certificate. */
static X509 *
cache_get(struct ck_chain_ctx *c, const unsigned char *der, size_t len, int keep,
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
	for (e = c->tab[slot_of(id)]; e != NULL; e = e->next)
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
	e->next = c->tab[slot_of(id)];
	c->tab[slot_of(id)] = e;
	pthread_mutex_unlock(&c->mu);
	return x;
}

static X509 *
cache_x509(struct ck_chain_ctx *c, X509 *x, const char *src_type, const char *src_uri,
    long src_index)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	X509 *y;

	if (len <= 0)
		return NULL;
	y = cache_get(c, der, (size_t)len, 1, src_type, src_uri, src_index);
	OPENSSL_free(der);
	return y;
}

static const unsigned char *
raw_id(struct ck_chain_ctx *c, X509 *x, unsigned char buf[32])
{
	const unsigned char *id = X509_get_ex_data(x, c->id_index);
	unsigned int n = 0;

	if (id != NULL)
		return id;
	X509_digest(x, c->sha256, buf, &n);
	return buf;
}

static void
hex32(const unsigned char *md, char hex[65])
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
static void
cert_id(struct ck_chain_ctx *c, X509 *x, char hex[65])
{
	unsigned char buf[32];

	hex32(raw_id(c, x, buf), hex);
}

/* A `cert` record (without pem) for a certificate not given as input (anchor, pool, AIA): cached. */
static json_t *
cache_record(struct ck_chain_ctx *c, X509 *x)
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

	md = raw_id(c, x, buf);
	pthread_mutex_lock(&c->mu);
	for (e = c->tab[slot_of(md)]; e != NULL; e = e->next)
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
	for (e = c->tab[slot_of(md)]; e != NULL; e = e->next)
		if (memcmp(e->id, md, 32) == 0) {
			if (e->rec == NULL)
				e->rec = json_incref(rec);
			break;
		}
	pthread_mutex_unlock(&c->mu);
	return rec;
}

/* ---- loading trust material ---- */

static int
blob_certs(struct ck_chain_ctx *c, const unsigned char *buf, size_t len, STACK_OF(X509) *out,
    const char *type, const char *uri)
{
	const unsigned char *p = buf;
	X509 *x;
	BIO *b;
	int n = 0, i;
	PKCS7 *p7;

	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL && p == buf + len) {
		X509 *y = cache_x509(c, x, type, uri, 0);

		X509_free(x);
		if (y != NULL && sk_X509_push(out, y))
			return 1;
		X509_free(y);
		return 0;
	}
	X509_free(x);
	p = buf;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) != NULL) {
		STACK_OF(X509) *cs = NULL;

		if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
			cs = p7->d.sign->cert;
		for (i = 0; i < sk_X509_num(cs) && n < MAX_CERTS_PER_BLOB; i++) {
			X509 *y = cache_x509(c, sk_X509_value(cs, i), type, uri, n);

			if (y != NULL && sk_X509_push(out, y))
				n++;
			else
				X509_free(y);
		}
		PKCS7_free(p7);
		ERR_clear_error();
		return n;
	}
	if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return 0;
	while (n < MAX_CERTS_PER_BLOB && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		X509 *y = cache_x509(c, x, type, uri, n);

		X509_free(x);
		if (y != NULL && sk_X509_push(out, y))
			n++;
		else
			X509_free(y);
	}
	BIO_free(b);
	ERR_clear_error();
	return n;
}

static int
file_certs(struct ck_chain_ctx *c, const char *path, STACK_OF(X509) *out, struct ck_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int n;

	if (ck_read_file(path, MAX_FILE_BYTES, &buf, &len, err) != 0)
		return -1;
	n = blob_certs(c, buf, len, out, "file", path);
	free(buf);
	if (n == 0)
		return ck_err_set(err, CK_E_PARSE, "no certificate");
	return n;
}

static int
path_certs(struct ck_chain_ctx *c, const char *path, STACK_OF(X509) *out, struct ck_err *err)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int total = 0;

	if (stat(path, &st) != 0)
		return ck_err_set(err, CK_E_IO, "cannot open");
	if (!S_ISDIR(st.st_mode))
		return file_certs(c, path, out, err);
	if ((d = opendir(path)) == NULL)
		return ck_err_set(err, CK_E_IO, "cannot open directory");
	while ((de = readdir(d)) != NULL) {
		char *fp;
		struct ck_err e2;
		int n;

		if (de->d_name[0] == '.')
			continue;
		if ((fp = ck_path_join(path, de->d_name)) == NULL)
			break;
		if (stat(fp, &st) == 0 && S_ISREG(st.st_mode) &&
		    (n = file_certs(c, fp, out, &e2)) > 0)
			total += n;
		free(fp);
	}
	closedir(d);
	if (total == 0)
		return ck_err_set(err, CK_E_PARSE, "no certificate in directory");
	return total;
}

int
ck_chain_add_roots(struct ck_chain_ctx *c, const char *path, struct ck_err *err)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	int n, i;

	if (sk == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	n = path_certs(c, path, sk, err);
	for (i = 0; i < sk_X509_num(sk); i++)
		X509_STORE_add_cert(c->store, sk_X509_value(sk, i));
	ERR_clear_error();
	sk_X509_pop_free(sk, X509_free);
	return n;
}

int
ck_chain_add_system_roots(struct ck_chain_ctx *c, struct ck_err *err)
{
	if (X509_STORE_set_default_paths(c->store) != 1)
		return ck_err_ssl(err, CK_E_IO, "cannot load the system trust store");
	return 0;
}

int
ck_chain_add_untrusted(struct ck_chain_ctx *c, const char *path, struct ck_err *err)
{
	return path_certs(c, path, c->pool, err);
}

/* Adds a hex hash (colons and spaces ignored); returns 0 or -1 when not 20/32/48 bytes. */
static int
add_hash(struct ck_chain_ctx *c, const char *s)
{
	struct hash h = { { 0 }, 0 };
	int hi = -1;

	for (; *s != '\0'; s++) {
		int v;

		if (*s == ':' || *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if ((v = ck_hex_digit(*s)) < 0 || h.len >= sizeof(h.md))
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			h.md[h.len++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0 || (h.len != 20 && h.len != 32 && h.len != 48) || c->nhashes >= MAX_HASHES)
		return -1;
	c->hashes[c->nhashes++] = h;
	return 0;
}

int
ck_chain_load_hashes(struct ck_chain_ctx *c, const char *path, struct ck_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0, i, start = c->nhashes;
	json_t *root, *arr, *e;
	int rv = -1;

	if (ck_read_file(path, 1u << 20, &buf, &len, err) != 0)
		return -1;
	c->use_hashes = 1;
	if ((root = json_loadb((const char *)buf, len, 0, NULL)) != NULL) {
		arr = json_is_array(root) ? root : json_object_get(root, "hashes");
		if (!json_is_array(arr)) {
			ck_err_set(err, CK_E_PARSE, "no \"hashes\" array");
			goto out;
		}
		json_array_foreach(arr, i, e) {
			const char *keys[] = { "sha1", "sha256", "sha384" };
			size_t k;

			if (json_is_string(e) && add_hash(c, json_string_value(e)) != 0) {
				ck_err_set(err, CK_E_PARSE, "hashes[%zu]: not a hash", i);
				goto out;
			}
			for (k = 0; k < 3; k++) {
				json_t *v = json_object_get(e, keys[k]);

				if (v != NULL && (!json_is_string(v) ||
				    add_hash(c, json_string_value(v)) != 0)) {
					ck_err_set(err, CK_E_PARSE, "hashes[%zu].%s: not a hash",
					    i, keys[k]);
					goto out;
				}
			}
		}
	} else {
		char *text = malloc(len + 1), *line, *nl;

		if (text == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		memcpy(text, buf, len);
		text[len] = '\0';
		free(buf);
		buf = (unsigned char *)text;
		line = text;
		for (; line != NULL && *line != '\0'; line = nl) {
			char *hash = line;

			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			while (*hash == ' ' || *hash == '\t')
				hash++;
			if (*hash == '#' || *hash == '\0' || *hash == '\r')
				continue;
			if (add_hash(c, hash) != 0) {
				ck_err_set(err, CK_E_PARSE, "not a hash: '%.40s'", hash);
				goto out;
			}
		}
	}
	rv = (int)(c->nhashes - start);
out:
	json_decref(root);
	free(buf);
	return rv;
}

static int
anchor_hash_known(const struct ck_chain_ctx *c, X509 *x)
{
	const EVP_MD *mds[3] = { EVP_sha1(), EVP_sha256(), EVP_sha384() };
	unsigned char md[64];
	unsigned int n;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		if (X509_digest(x, mds[k], md, &n) != 1)
			continue;
		for (i = 0; i < c->nhashes; i++)
			if (c->hashes[i].len == n && memcmp(c->hashes[i].md, md, n) == 0)
				return 1;
	}
	return 0;
}

/* ---- network, cached per run ---- */

static int
fetch_cached(struct ck_chain_ctx *c, const char *url, struct ck_blobs *out, struct ck_err *err)
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
static int
rev_fetch(void *ctx, const char *url, const unsigned char *body, size_t body_len,
    const char *content_type, unsigned char **out, size_t *len, struct ck_err *err)
{
	struct ck_chain_ctx *c = ctx;
	struct ck_blobs b = { NULL, 0, 0 };

	if (body != NULL)
		return ck_http(url, (const char *)body, body_len, content_type, &c->o.net,
		    out, len, NULL, err);
	if (fetch_cached(c, url, &b, err) != 0)
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

/* ---- one validation run ---- */

struct verr {
	int code;
	int depth;
	char subject[256];
};

struct vrun {
	struct verr v[MAX_VERRS];
	int n;
	json_t *policies;	/* the user-constrained valid policy set (OIDs), or NULL */
};

/* What the verify callbacks see (X509_STORE_CTX app data). */
struct vctx {
	struct ck_chain_ctx *c;
	struct vrun *r;
};


static void
name_of(X509 *x, char *buf, size_t size)
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
		name_of(X509_STORE_CTX_get_current_cert(sc), r->v[r->n].subject,
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

static int
sig_known(struct ck_chain_ctx *c, const unsigned char *s_id, const unsigned char *i_id)
{
	struct sentry *e;
	int found = 0;

	pthread_mutex_lock(&c->mu);
	for (e = c->sigs[slot_of(s_id)]; e != NULL; e = e->next)
		if (memcmp(e->subject, s_id, 32) == 0 && memcmp(e->issuer, i_id, 32) == 0) {
			found = 1;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	return found;
}

static void
sig_remember(struct ck_chain_ctx *c, const unsigned char *s_id, const unsigned char *i_id)
{
	struct sentry *e = malloc(sizeof(*e));

	if (e == NULL)
		return;
	memcpy(e->subject, s_id, 32);
	memcpy(e->issuer, i_id, 32);
	pthread_mutex_lock(&c->mu);
	e->next = c->sigs[slot_of(s_id)];
	c->sigs[slot_of(s_id)] = e;
	pthread_mutex_unlock(&c->mu);
}

/* Reports an error the way OpenSSL's own checks do; returns the callback's verdict. */
static int
fail_cert(X509_STORE_CTX *sc, X509 *x, int depth, int code)
{
	X509_STORE_CTX_set_error_depth(sc, depth);
	X509_STORE_CTX_set_current_cert(sc, x);
	X509_STORE_CTX_set_error(sc, code);
	return X509_STORE_CTX_get_verify_cb(sc)(0, sc);
}

/*
 * The signature and validity pass of path validation, replacing OpenSSL
 * 3.0's internal_verify() step for step (same order, same error codes,
 * same callback calls) with one difference: a CA certificate's signature
 * that verified once under an issuer is not verified again for the rest of
 * the run (10 000 leaves under one intermediate check its signature once).
 * Path building, extension, purpose, name and policy checks stay OpenSSL's.
 * The differential tests compare every verdict with `openssl verify`.
 */
static int
cached_verify(X509_STORE_CTX *sc)
{
	struct vctx *v = X509_STORE_CTX_get_app_data(sc);
	struct ck_chain_ctx *c = v->c;
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(sc);
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(sc);
	unsigned long flags = X509_VERIFY_PARAM_get_flags(vp);
	int n = sk_X509_num(chain) - 1;
	X509 *xi = sk_X509_value(chain, n), *xs;

	if (X509_check_issued(xi, xi) == X509_V_OK) {
		xs = xi;
	} else {
		if ((flags & X509_V_FLAG_PARTIAL_CHAIN) != 0) {
			xs = xi;
			goto check_time;
		}
		if (n <= 0) {
			if (!fail_cert(sc, xi, 0, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE))
				return 0;
			xs = xi;
			goto check_time;
		}
		n--;
		X509_STORE_CTX_set_error_depth(sc, n);
		xs = sk_X509_value(chain, n);
	}
	while (n >= 0) {
		if (xs != xi || (flags & X509_V_FLAG_CHECK_SS_SIGNATURE) != 0) {
			int issuer_depth = n + (xs == xi ? 0 : 1);
			int ret = X509_V_OK;
			EVP_PKEY *pkey;

			/* ossl_x509_signing_allowed(): the issuer's key usage must allow it. */
			if (!(xs == xi && (X509_get_extension_flags(xi) & EXFLAG_CA) == 0)) {
				if ((X509_get_extension_flags(xs) & EXFLAG_PROXY) != 0) {
					if ((X509_get_extension_flags(xi) & EXFLAG_KUSAGE) != 0 &&
					    (X509_get_key_usage(xi) & KU_DIGITAL_SIGNATURE) == 0)
						ret = X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
				} else if ((X509_get_extension_flags(xi) & EXFLAG_KUSAGE) != 0 &&
				    (X509_get_key_usage(xi) & KU_KEY_CERT_SIGN) == 0) {
					ret = X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
				}
			}
			if (ret != X509_V_OK && !fail_cert(sc, xi, issuer_depth, ret))
				return 0;
			if ((pkey = X509_get0_pubkey(xi)) == NULL) {
				if (!fail_cert(sc, xi, issuer_depth,
				    X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY))
					return 0;
			} else {
				unsigned char b1[32], b2[32];
				const unsigned char *sid = raw_id(c, xs, b1), *iid = raw_id(c, xi, b2);

				if (n > 0 && sig_known(c, sid, iid)) {
					/* verified earlier in this run */
				} else if (X509_verify(xs, pkey) <= 0) {
					ERR_clear_error();
					if (!fail_cert(sc, xs, n, X509_V_ERR_CERT_SIGNATURE_FAILURE))
						return 0;
				} else if (n > 0) {
					sig_remember(c, sid, iid);
				}
			}
		}
check_time:
		/*
		 * check_cert_time() at the configured time.  X509_cmp_time()
		 * says "earlier" for equal times (so notAfter == now is expired)
		 * and calls gmtime_r(), which takes glibc's global time zone
		 * lock; ASN1_TIME_compare() is plain arithmetic on the fields.
		 */
		if ((flags & X509_V_FLAG_NO_CHECK_TIME) == 0) {
			int i = ASN1_TIME_compare(X509_get0_notBefore(xs), c->at);

			if (i == -2 && !fail_cert(sc, xs, n, X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD))
				return 0;
			if (i == 1 && !fail_cert(sc, xs, n, X509_V_ERR_CERT_NOT_YET_VALID))
				return 0;
			i = ASN1_TIME_compare(X509_get0_notAfter(xs), c->at);
			if (i == -2 && !fail_cert(sc, xs, n, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD))
				return 0;
			if ((i == -1 || i == 0) && !fail_cert(sc, xs, n, X509_V_ERR_CERT_HAS_EXPIRED))
				return 0;
		}
		X509_STORE_CTX_set_current_cert(sc, xs);
		X509_STORE_CTX_set_error_depth(sc, n);
		if (!X509_STORE_CTX_get_verify_cb(sc)(1, sc))
			return 0;
		if (--n >= 0) {
			xi = xs;
			xs = sk_X509_value(chain, n);
		}
	}
	return 1;
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
verify_once(struct ck_chain_ctx *c, X509 *leaf, STACK_OF(X509) *untrusted, struct vrun *r,
    STACK_OF(X509) **path, int *trusted)
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
	X509_STORE_CTX_set_app_data(sc, &v);
	X509_STORE_CTX_set_verify_cb(sc, verify_cb);
	X509_STORE_CTX_set_verify(sc, cached_verify);
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

/* AIA caIssuers of x fetched into pool; returns how many new certificates. */
static int
aia_fetch(struct ck_chain_ctx *c, X509 *x, STACK_OF(X509) *pool, json_t *visited,
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
		if (fetch_cached(c, u, &b, &err) != 0) {
			char msg[700];

			name_of(x, subj, sizeof(subj));
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
			blob_certs(c, b.v[k].data, b.v[k].len, got,
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

static void
finding(json_t *f, const char *rule, const char *sev, const char *ref, const char *subj,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
finding(json_t *f, const char *rule, const char *sev, const char *ref, const char *subj,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(f, ck_finding_new(rule, sev, msg, ref, subj));
}

/* The --amt-hashes check on the anchor. */
static void
anchor_checks(struct ck_chain_ctx *c, STACK_OF(X509) *path, int trusted, json_t *f)
{
	int n = sk_X509_num(path);

	if (c->use_hashes && trusted && n > 0) {
		X509 *a = sk_X509_value(path, n - 1);
		char subj[256];

		name_of(a, subj, sizeof(subj));
		if (!anchor_hash_known(c, a))
			finding(f, "chain.amt_hash_missing", "critical", REF_AMT_HASH, subj,
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

static void
revocation(struct ck_chain_ctx *c, STACK_OF(X509) *path, int trusted, json_t *rev, json_t *f)
{
	int i, n = sk_X509_num(path);
	/* The anchor is trusted as configured; it has no issuer to ask. */
	int last = trusted ? n - 1 : n;

	for (i = 0; i < last && i + 1 < n; i++) {
		X509 *x = sk_X509_value(path, i), *iss = sk_X509_value(path, i + 1);
		struct ck_rev_result r;
		struct ck_err err;
		char id[65], subj[256];
		json_t *o;

		memset(&r, 0, sizeof(r));
		r.status = CK_REV_UNKNOWN;
		if (c->o.ocsp)
			ck_revoke_ocsp(x, iss, c->store, c->o.at, rev_fetch, c, &r, &err);
		if (c->o.crl_check && r.status == CK_REV_UNKNOWN) {
			struct ck_rev_result r2;

			memset(&r2, 0, sizeof(r2));
			ck_revoke_crl(x, iss, c->o.at, rev_fetch, c, &r2, &err);
			if (r2.status != CK_REV_UNKNOWN || !c->o.ocsp)
				r = r2;
		}
		cert_id(c, x, id);
		name_of(x, subj, sizeof(subj));
		o = json_pack("{s:s,s:s}", "status", ck_rev_status_name(r.status), "method", r.method);
		if (r.url[0] != '\0')
			json_object_set_new(o, "url", json_string(r.url));
		if (r.why[0] != '\0')
			json_object_set_new(o, "reason", json_string(r.why));
		json_object_set_new(rev, id, o);
		if (r.status == CK_REV_REVOKED)
			finding(f, "chain.revoked", "critical", REF_REVOKE, subj, "%s: %s",
			    r.method, r.why);
		else if (r.status == CK_REV_UNKNOWN)
			finding(f, "chain.revocation_unknown",
			    c->o.require_revocation ? "critical" : "warning", REF_REVOKE, subj,
			    "%s: %s", r.method, r.why);
	}
}

json_t *
ck_chain_check(struct ck_chain_ctx *c, const json_t *certs, int *status, struct ck_err *err)
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
	rec = ck_chain_check_der(c, in, n, status, err);
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
		X509 *x = cache_get(c, in[i].der, in[i].len, i > 0, NULL, NULL, 0);

		if (x == NULL) {
			ck_err_set(err, CK_E_PARSE, "certificate %zu: not a certificate", i);
			goto fail;
		}
		cert_id(c, x, hex);
		EVP_DigestUpdate(sha, hex, 64);
		if (!sk_X509_push(input, x)) {
			X509_free(x);
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	EVP_DigestFinal_ex(sha, md, NULL);
	hex32(md, idhex);
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
			if (verify_once(c, leaf, untrusted, r, &path, &trusted) != 0) {
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
			if (aia_fetch(c, sk_X509_value(path, sk_X509_num(path) - 1), extra, visited,
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
			    strcmp(verr_rule(r->v[k].code), verr_rule(r->v[j].code)) == 0)
				dup = 1;
		if (dup)
			continue;

		snprintf(msg, sizeof(msg), "%s (depth %d)",
		    X509_verify_cert_error_string(r->v[j].code), r->v[j].depth);
		json_array_append_new(findings, ck_finding_new(verr_rule(r->v[j].code), "critical",
		    msg, REF_RFC5280, r->v[j].subject[0] != '\0' ? r->v[j].subject : NULL));
	}
	if (c->o.purpose == CK_PURPOSE_OID && !purpose_oid_ok(leaf, c->o.purpose_oid)) {
		char subj[256];

		name_of(leaf, subj, sizeof(subj));
		finding(findings, "chain.purpose", "critical", REF_RFC5280, subj,
		    "extended key usage does not contain %s", c->o.purpose_oid);
	}
	anchor_checks(c, path, trusted, findings);
	rev = json_object();
	if (c->o.crl_check || c->o.ocsp)
		revocation(c, path, trusted, rev, findings);

	if ((rec = ck_record_new("chain")) == NULL)
		goto nomem;
	json_object_set_new(rec, "id", json_string(idhex));
	cert_id(c, leaf, hex);
	json_object_set_new(rec, "leaf", json_string(hex));
	jpath = json_array();
	jcerts = json_array();
	for (j = 0; j < sk_X509_num(path); j++) {
		X509 *x = sk_X509_value(path, j);
		json_t *cr = NULL;
		int k;

		cert_id(c, x, hex);
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
			cr = cache_record(c, x);
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
		cert_id(c, sk_X509_value(path, sk_X509_num(path) - 1), hex);
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

/* ---- text output ---- */

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

int
ck_chain_print_text(FILE *fp, const json_t *chain)
{
	const json_t *certs = json_object_get(chain, "certs"), *f, *rev;
	const char *anchor = json_string_value(json_object_get(chain, "anchor"));
	size_t i, n = json_array_size(certs);
	const json_t *e;
	char status[16];

	snprintf(status, sizeof(status), "%s", jstr(chain, "status"));
	for (i = 0; status[i] != '\0'; i++)
		if (status[i] >= 'a' && status[i] <= 'z')
			status[i] = (char)(status[i] - 'a' + 'A');
	fprintf(fp, "chain %.16s  %s\n", jstr(chain, "id"), status);
	json_array_foreach(certs, i, e) {
		const json_t *key = json_object_get(e, "key");
		const char *dn = jstr(json_object_get(e, "subject"), "dn");
		size_t k;

		fprintf(fp, "  ");
		for (k = 0; k < i; k++)
			fprintf(fp, "   ");
		fprintf(fp, "%s%s  [%s %lld, %s]%s\n", i == 0 ? "" : "`- ",
		    dn[0] != '\0' ? dn : "(no subject)", jstr(key, "alg"),
		    (long long)json_integer_value(json_object_get(key, "bits")),
		    jstr(e, "sig_alg"),
		    anchor != NULL && i + 1 == n ? "  (trust anchor)" : "");
	}
	if (n == 0)
		fprintf(fp, "  (no path)\n");
	rev = json_object_get(chain, "revocation");
	if (json_object_size(rev) > 0) {
		const char *k;
		const json_t *v;

		fprintf(fp, "  revocation:\n");
		json_object_foreach((json_t *)rev, k, v)
			fprintf(fp, "    %.16s  %s (%s)\n", k, jstr(v, "status"), jstr(v, "method"));
	}
	f = json_object_get(chain, "findings");
	json_array_foreach(f, i, e) {
		const char *subj = jstr(e, "subject");

		fprintf(fp, "  %-8s %s: %s%s%s%s\n", jstr(e, "severity"), jstr(e, "rule"),
		    jstr(e, "message"), subj[0] != '\0' ? " [" : "", subj,
		    subj[0] != '\0' ? "]" : "");
	}
	return ferror(fp) ? -1 : 0;
}
