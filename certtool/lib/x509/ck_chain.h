/*
 * ck_chain: certification path building and validation for cert-chain.
 *
 * OpenSSL's X509_verify_cert is the engine for RFC 5280 semantics; this
 * module feeds it (trust anchors, an untrusted pool, the candidate's
 * certificates, AIA-fetched intermediates), collects every error it
 * reports as a stable `chain.<reason>` finding, then applies the policy
 * checks OpenSSL has no notion of (a *maximum* CA key size, SHA-1 ban, path
 * length, CA key algorithm, AMT root hashes) and revocation (CRL, OCSP).
 *
 * A context is built once, then ck_chain_check may be called from several
 * threads at the same time.  Distinct certificates are parsed once and
 * kept (by SHA-256) for the whole run, as are fetched AIA/CRL URLs.
 */
#ifndef CK_CHAIN_H
#define CK_CHAIN_H

#include <time.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_fetch.h"
#include "ck_policy.h"
#include "ck_ruledef.h"

enum ck_chain_purpose {
	CK_PURPOSE_ANY = 0,
	CK_PURPOSE_SERVER,
	CK_PURPOSE_CLIENT,
	CK_PURPOSE_OID		/* the leaf's EKU must contain purpose_oid */
};

struct ck_chain_opts {
	struct ck_policy policy;
	time_t at;			/* validation time */
	int purpose;			/* enum ck_chain_purpose */
	char purpose_oid[128];
	const char *host;		/* --host, or NULL */
	int fetch;			/* AIA caIssuers fetching allowed (http, ldap) */
	int crl_check;
	int ocsp;
	int require_revocation;		/* unreachable revocation info is critical */
	int max_fetch;			/* AIA URLs fetched per candidate (loop/depth bound) */
	/* RFC 5280 6.1.1 policy inputs; policy processing is always on. */
	const char *const *user_policies;	/* OIDs; none: anyPolicy 2.5.29.32.0 */
	size_t n_user_policies;
	int explicit_policy, inhibit_policy_mapping, inhibit_any_policy;
	struct ck_fetch_opts net;
};

void ck_chain_opts_init(struct ck_chain_opts *o);

struct ck_chain_ctx;

/* Copies o.  Returns NULL with err set. */
struct ck_chain_ctx *ck_chain_ctx_new(const struct ck_chain_opts *o, struct ck_err *err);
void ck_chain_ctx_free(struct ck_chain_ctx *c);

/* Trust anchors from a PEM/DER file or a directory of them.  Returns the number added, or -1. */
int ck_chain_add_roots(struct ck_chain_ctx *c, const char *path, struct ck_err *err);
/* The system's default trust store (OpenSSL's default paths).  Returns 0 or -1. */
int ck_chain_add_system_roots(struct ck_chain_ctx *c, struct ck_err *err);
/*
 * Local CRLs (--crl): a file (PEM, one or more, or DER) or a directory of
 * them, used with crl_check for every candidate together with the CRLs of
 * the path's distribution points.  Returns the number added, or -1.
 */
int ck_chain_add_crls(struct ck_chain_ctx *c, const char *path, struct ck_err *err);
/* Extra intermediates offered to every candidate.  Returns the number added, or -1. */
int ck_chain_add_untrusted(struct ck_chain_ctx *c, const char *path, struct ck_err *err);
/*
 * A list of allowed anchor hashes: a JSON file like policy/amt-root-hashes.json
 * ({"hashes": [{"name":..,"sha1"|"sha256"|"sha384": hex}]}) or plain text,
 * one hex hash per line.  Returns the number of hashes, or -1.
 */
int ck_chain_load_hashes(struct ck_chain_ctx *c, const char *path, struct ck_err *err);

/*
 * Every trust input of a run (cert-chain's --roots, --untrusted, --crl,
 * --system-roots, --amt-hashes), in that order.  Returns 0, or -1 at the
 * first unusable one with err naming it ("'PATH': ...", "--crl: ...").
 */
struct ck_chain_trust {
	const char *const *roots;
	size_t nroots;
	const char *const *untrusted;
	size_t nuntrusted;
	const char *const *crls;
	size_t ncrls;
	int system_roots;
	const char *hashes;		/* or NULL */
};
int ck_chain_add_trust(struct ck_chain_ctx *c, const struct ck_chain_trust *t, struct ck_err *err);

/*
 * Validates one candidate: certs is an array of `cert` records (borrowed),
 * leaf first; only their "pem" is used.  Returns a new `chain` record and
 * sets *status (enum ck_status).  Returns NULL with err set when the
 * candidate cannot be checked at all (no usable certificate): the caller
 * reports it and counts UNKNOWN.
 */
json_t *ck_chain_check(struct ck_chain_ctx *c, const json_t *certs, int *status,
    struct ck_err *err);

/* One candidate certificate for ck_chain_check_der (all borrowed). */
struct ck_chain_input {
	const json_t *rec;		/* its `cert` record (pem not needed) */
	const unsigned char *der;	/* its DER, which rec describes */
	size_t len;
};

/*
 * ck_chain_check for certificates whose DER the caller already has (a FILE
 * argument loaded with ck_load_source_der): in[0..n) leaf first.  Same
 * result and contract; the records are not decoded again, and the chain
 * record's `certs` share them (they are not modified).
 */
json_t *ck_chain_check_der(struct ck_chain_ctx *c, const struct ck_chain_input *in, size_t n,
    int *status, struct ck_err *err);

/*
 * Prefetching (ck_chain_run does it per batch).  A probing check is
 * ck_chain_check with a probe: it fetches nothing over the network; every
 * URL it would fetch (AIA caIssuers, CDP CRLs, OCSP requests) that the
 * run's cache does not hold is noted for ck_chain_prefetch and
 * probe->missed is set.  Its record is the final one when missed is 0 (all
 * it needed was in the cache), and must be thrown away otherwise: check
 * again after ck_chain_prefetch (AIA goes one issuer further each round).
 *
 * ck_chain_prefetch_init turns the engine on for the run (before any
 * check): OCSP requests get a nonce derived from a per-run random key, so
 * a request and its answer can be fetched ahead and cached like a GET.
 * Without it, checks fetch one URL at a time (libcurl) and OCSP requests
 * are sent each time with a random nonce, as before the engine.
 *
 * ck_chain_prefetch fetches every noted URL at once through ck_net (at
 * most concurrency connections, each bounded by the --timeout and the
 * size cap of ck_chain_opts.net, ck_http's rules and words), hands
 * redirects, URLs the engine does not read as libcurl would, and ldap://
 * to ck_fetch (in threads beside each other), and puts every outcome,
 * failures included, into the run's cache.  The certificates of AIA
 * answers are then taken into the run's certificate cache in the order of
 * the probes that asked (probe->index, then the order within the check),
 * so that the source a certificate is recorded with is the one checking
 * the items one by one would give, however the threads ran.  Returns how
 * many URLs it fetched (0: none was noted).
 */
struct ck_chain_probe {
	int missed;
	size_t index;	/* the item's place in the batch (set by the caller) */
	unsigned seq;	/* URLs noted so far (ck_chain's) */
};
void ck_chain_prefetch_init(struct ck_chain_ctx *c);
/* 1 when checks may touch the network (AIA fetching, CRL check, OCSP). */
int ck_chain_uses_network(const struct ck_chain_ctx *c);
json_t *ck_chain_check_probe(struct ck_chain_ctx *c, const json_t *certs, int *status,
    struct ck_err *err, struct ck_chain_probe *probe);
json_t *ck_chain_check_der_probe(struct ck_chain_ctx *c, const struct ck_chain_input *in,
    size_t n, int *status, struct ck_err *err, struct ck_chain_probe *probe);
size_t ck_chain_prefetch(struct ck_chain_ctx *c, long concurrency);

/* The chain.* finding ids of this module (verify errors, revocation, AIA, hashes). */
const struct ck_ruleset *ck_chain_ruleset(void);

/* The finding id of an X509_V_ERR code ("chain.verify_error" for codes without one). */
const char *ck_chain_verr_rule(int code);

/* Writes a chain record as a readable tree (for --format text). Returns 0 or -1. */
int ck_chain_print_text(FILE *fp, const json_t *chain);

#endif /* CK_CHAIN_H */
