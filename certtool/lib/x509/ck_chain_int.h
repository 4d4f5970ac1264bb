/*
 * ck_chain_int.h: what the ck_chain_*.c files share (not for other modules;
 * the contract is ck_chain.h).  ck_chain.c is split along its concerns:
 *
 *   ck_chain_rules.c   the verify error map and the chain.* rule ids
 *   ck_chain_ctx.c     the context: options, trust store, policy inputs
 *   ck_chain_fast.c    the fast paths around OpenSSL (ENGINE key decoding,
 *                      cached signature verification), CERTKIT_NO_FASTPATH=1
 *   ck_chain_cache.c   the certificate cache (parsed once per run)
 *   ck_chain_trust.c   loading roots, intermediates, root hash lists
 *   ck_chain_net.c     AIA/CRL/OCSP fetching, cached per run: the prefetch
 *                      (every URL a batch needs, at once through ck_net),
 *                      then ck_fetch (libcurl, LDAP) for what is left
 *   ck_chain.c         one validation run
 *   ck_chain_text.c    text output
 */
#ifndef CK_CHAIN_INT_H
#define CK_CHAIN_INT_H

#include "ck_chain.h"

#include <pthread.h>

#include <openssl/x509.h>

#define CACHE_SLOTS 4096
#define URL_SLOTS 4096
#define MAX_VERRS 64
#define MAX_PATH 64		/* certificates of one path judged by the policy */
#define MAX_HASHES 256
#define MAX_FILE_BYTES (16u * 1024 * 1024)
#define MAX_CERTS_PER_BLOB 100

#define REF_RFC5280 "RFC 5280 section 6 (path validation)"
#define REF_AMT_HASH "Intel AMT SDK: Root Certificate Hashes"
#define REF_REVOKE "RFC 5280 section 6.3 (CRL), RFC 6960 (OCSP)"

struct centry {
	unsigned char id[32];
	X509 *x;
	json_t *rec;		/* `cert` record, made on first use */
	const char *src_type;	/* where it was first seen: file|url (static string) */
	char *src_uri;
	long src_index;
	struct centry *next;
};

/*
 * A fetched URL, by key: the URL for a GET, "POST <sha256 of the body>
 * <url>" for a POST (an OCSP request, built the same way each time in a run).
 */
struct uentry {
	char *key;
	struct ck_blobs blobs;
	int failed;
	int code;		/* the ck_err code of the failure */
	char why[CK_ERR_MSG_MAX];
	struct uentry *next;
};

/* A URL a probing check asked for and did not find (ck_chain_prefetch fetches it). */
struct want {
	char *key;
	char *url;
	unsigned char *body;	/* POST body, NULL for a GET */
	char *location;		/* a GET's redirect the engine received, for ck_http_follow */
	size_t body_len;
	const char *ctype;	/* POST content type (static string) */
	int aia;		/* asked for as AIA caIssuers (holds certificates) */
	size_t index;		/* the first probe that asked: its index, */
	unsigned seq;		/* and the place in its order */
	struct want *next;	/* hash chain */
	struct want *all;	/* every want, newest first */
};

/* What the fetch functions get: the run, and the probe of a probing check (or NULL). */
struct ck_chain_fx {
	struct ck_chain_ctx *c;
	struct ck_chain_probe *probe;
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
	struct uentry *urls[URL_SLOTS];	/* fetched URLs (ck_chain_net.c) */
	struct want *wants[URL_SLOTS];	/* URLs probing checks missed */
	struct want *want_all;
	size_t nwants;
	int engine;			/* ck_chain_prefetch_init was called */
	unsigned char nonce_key[32];	/* OCSP nonces within the run (engine) */
	struct hash hashes[MAX_HASHES];
	size_t nhashes;
	int use_hashes;
	int id_index;			/* X509 ex_data slot: the certificate's SHA-256 */
	ASN1_TIME *at;			/* o.at, for comparisons without gmtime_r() (a global lock) */
	struct sentry *sigs[CACHE_SLOTS];	/* verified (subject, issuer) signatures */
	STACK_OF(X509_CRL) *crls;		/* --crl, for every candidate (read only once built) */
	EVP_MD *sha256;			/* fetched once: an implicit fetch per digest costs more than the digest */
};

/* A signature that verified: subject's id, issuer's id. */
struct sentry {
	unsigned char subject[32], issuer[32];
	struct sentry *next;
};

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

static inline unsigned
ck_chain_slot(const unsigned char id[32])
{
	return ((unsigned)id[0] << 8 | id[1]) % CACHE_SLOTS;
}

/* ck_chain_cache.c */
/* A new reference to the cached or freshly parsed certificate (NULL: not one). */
X509 *ck_chain_cache_get(struct ck_chain_ctx *c, const unsigned char *der, size_t len,
    int keep, const char *src_type, const char *src_uri, long src_index);
/* x itself cached (the cache's reference is returned; x is consumed). */
X509 *ck_chain_cache_x509(struct ck_chain_ctx *c, X509 *x, const char *src_type,
    const char *src_uri, long src_index);
/* The certificate's SHA-256 (cached on x). */
const unsigned char *ck_chain_raw_id(struct ck_chain_ctx *c, X509 *x, unsigned char buf[32]);
void ck_chain_hex32(const unsigned char *md, char hex[65]);
void ck_chain_cert_id(struct ck_chain_ctx *c, X509 *x, char hex[65]);
/* The `cert` record of x, without pem (new reference, or NULL). */
json_t *ck_chain_cache_record(struct ck_chain_ctx *c, X509 *x);
/* The subject DN (RFC 2253) of x into buf ("" on failure). */
void ck_chain_name_of(X509 *x, char *buf, size_t size);

/* ck_chain_trust.c */
/* Certificates of a PEM/DER/PKCS#7 blob appended to out (cached); returns how many. */
int ck_chain_blob_certs(struct ck_chain_ctx *c, const unsigned char *buf, size_t len,
    STACK_OF(X509) *out, const char *src_type, const char *src_uri);
int ck_chain_anchor_hash_known(const struct ck_chain_ctx *c, X509 *x);

/* ck_chain_net.c */
/*
 * url's blobs from the run's cache, else fetched (and cached); a probing
 * check (fx->probe) fetches nothing over the network: the URL is noted for
 * ck_chain_prefetch, the probe marked missed, and the call fails.
 */
int ck_chain_fetch_cached(struct ck_chain_fx *fx, const char *url, struct ck_blobs *out,
    struct ck_err *err);
/*
 * The ck_revoke fetch function (ctx: a struct ck_chain_fx): GETs cached per
 * run; POSTs (OCSP) cached too with the engine (their nonce is derived, so
 * the same request repeats), else sent each time.
 */
int ck_chain_rev_fetch(void *ctx, const char *url, const unsigned char *body, size_t body_len,
    const char *content_type, unsigned char **out, size_t *len, struct ck_err *err);
/* AIA caIssuers of x fetched into pool; returns how many new certificates. */
int ck_chain_aia_fetch(struct ck_chain_fx *fx, X509 *x, STACK_OF(X509) *pool, json_t *visited,
    json_t *findings, int *budget);
/* Frees the URL cache and the wants (ck_chain_ctx_free). */
void ck_chain_net_release(struct ck_chain_ctx *c);

/* ck_chain_fast.c (installed when ck_fastpath(), ck_key.h) */
/* X509_STORE_CTX verify function: OpenSSL 3.0's internal_verify with a signature cache. */
int ck_chain_cached_verify(X509_STORE_CTX *sc);

#endif /* CK_CHAIN_INT_H */
