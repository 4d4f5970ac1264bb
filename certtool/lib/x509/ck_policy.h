/*
 * ck_policy: validation policies, above all the one versioned AMT policy
 * (policy/amt.json), read by cert-chain --policy, cert-lint's amt-*
 * profiles and cert-amt.  This header is the contract for "given an AMT
 * version and a chain, which findings".
 *
 * A policy file is a JSON object:
 *
 *   {"name": "amt", "family": "amt", "ref": "...", "default_version": "5",
 *    "rules": {...},                         rules that hold for every version
 *    "versions": [{"from": "3.2.1", "to": "5", "ref": "...", "rules": {...}}]}
 *
 * "rules" keys (null switches a rule off): max_ca_bits, min_bits,
 * leaf_key_bits ([RSA sizes the leaf may have]), template_key_bits ([low,
 * high] for a template's minimum key size), max_depth, warn_depth,
 * sha1 ("warning" | "critical"; no_sha1: true is "critical"), ca_key_alg,
 * expect_min_bits, expect_sig_hash.  Every versions block that contains the
 * requested version applies, in file order, after the top-level rules ("to"
 * inclusive by prefix: "15" covers 15.0.30; no "to": open).  A version below
 * every block is refused.
 *
 * Findings carry the policy's family as their id prefix: "amt.*" for the
 * AMT policy, "chain.*" for a policy without "family" and for cert-chain's
 * command line options.  The ids are in ck_policy_ruleset().
 */
#ifndef CK_POLICY_H
#define CK_POLICY_H

#include <jansson.h>

#include "ck_err.h"
#include "ck_ruledef.h"

#define CK_POLICY_STR 64
#define CK_POLICY_SIZES 8

struct ck_policy {
	char name[CK_POLICY_STR];	/* "" when no policy file was loaded */
	char family[16];		/* finding id prefix: "amt" or "chain" (the default) */
	char version[CK_POLICY_STR];	/* the version used, "" if none */
	char ref[256];			/* the source cited in findings */
	long max_ca_bits;		/* 0 = no maximum (RSA/DSA modulus of CA certificates) */
	long min_bits;			/* 0 = no minimum (every RSA/DSA key in the path) */
	long leaf_key_bits[CK_POLICY_SIZES];	/* RSA sizes the leaf may have */
	size_t n_leaf_key_bits;		/* 0 = any leaf key */
	long template_key_bits[2];	/* a template's minimum key size range; 0 0 = none */
	long max_depth;			/* 0 = unlimited; a longer path is critical */
	long warn_depth;		/* 0 = none; a longer path is a warning */
	int sha1;			/* 0, CK_WARNING or CK_CRITICAL: SHA-1/MD5 signatures */
	char ca_key_alg[16];		/* "" = any, else rsa|ec|... for CA certificates */
	long expect_min_bits;		/* 0 = none; smaller keys are a warning */
	char expect_sig_hash[16];	/* "" = none; other signature hashes are a warning */
};

/* Empty policy: nothing enforced, family "chain". */
void ck_policy_init(struct ck_policy *p);

/*
 * Loads policy NAME into p (on top of what p holds).  NAME is a path when it
 * contains '/' or ends in ".json", else policy/NAME.json of the data
 * directory (ck_datadir.h).  version selects the versions blocks (NULL: the
 * file's default_version; checked with ck_version_valid).  Returns 0 or -1
 * (CK_E_NOTFOUND, CK_E_PARSE, CK_E_USAGE for a bad version or one outside
 * every block); the message names NAME once.
 */
int ck_policy_load(struct ck_policy *p, const char *name, const char *version,
    struct ck_err *err);

/* Applies one "rules" object to p.  Returns 0 or -1 (CK_E_PARSE). */
int ck_policy_apply(struct ck_policy *p, const json_t *rules, struct ck_err *err);

/*
 * The one firmware version syntax: dotted decimal numbers, 1 to 4 parts
 * ("3.2.1", "11", "16.1").  Returns 1 when s is one.
 */
int ck_version_valid(const char *s);

/*
 * The ck_opt parse function of every --amt-version (ck_opt.h CK_OPT_PARSE):
 * checks arg with ck_version_valid and stores it in *(const char **)target.
 */
int ck_version_opt(const char *arg, void *target, struct ck_err *err);

/*
 * Compares dotted versions ("3.2.1" vs "15").  When prefix is set, b is a
 * prefix bound: "15.0.30" compares equal to "15".  Returns <0, 0, >0, or
 * -2 on a malformed version (sets *bad).
 */
int ck_version_cmp(const char *a, const char *b, int prefix, int *bad);

/* Finds the policy file for NAME (see ck_policy_load) into buf. Returns 0 or -1. */
int ck_policy_path(const char *name, char *buf, size_t size, struct ck_err *err);

/* Where a certificate sits in the path being judged. */
enum ck_policy_pos {
	CK_POL_LEAF,			/* the end entity (path[0]) */
	CK_POL_CA,			/* an intermediate, or an untrusted top */
	CK_POL_ANCHOR			/* the trusted anchor ending the path */
};

/*
 * The findings of p on one certificate: cert is a `cert` record (ck_cert.h;
 * uses key.alg, key.bits, sig_alg, self_signed, subject.dn).  Appends
 * ck_finding_new objects to findings and returns the worst status (enum
 * ck_status; CK_OK when silent).
 */
int ck_policy_check_cert(const struct ck_policy *p, const json_t *cert,
    enum ck_policy_pos pos, json_t *findings);

/*
 * The findings of p on a path: certs[0..n) its `cert` records, leaf first;
 * anchored when certs[n-1] is the trusted anchor.  Every certificate's
 * findings, then the path length rules.  Returns the worst status.
 * cert-chain, cert-lint and cert-amt all judge AMT chains with this.
 */
int ck_policy_check_path(const struct ck_policy *p, const json_t *const *certs, size_t n,
    int anchored, json_t *findings);

/* The finding ids of family "chain" or "amt" (for --list-rules). */
const struct ck_ruleset *ck_policy_ruleset(const char *family);

/* Public sources the findings cite (also used by the lint rule table). */
#define CK_REF_CM2007 "ConfigMgr 2007 SP1: Prerequisites for Out of Band Management (TechNet cc161785)"
#define CK_REF_AMT_ME16 "Intel AMT/ME 16+: no SHA-1, RSA >= 2048 (device-management-toolkit/deployment#605)"
#define CK_REF_AMT22 "Intel AMT 22: SHA-384 and RSA-3072 (device-management-toolkit/deployment#605)"
#define CK_REF_AMT_LEN "AMT provisioning: 4-certificate chain failed where 3 worked (open-amt-cloud-toolkit rpc-go#413)"
#define CK_REF_AMT_KEYS "Intel AMT SDK, Acquiring an Intel vPro Certificate; device-management-toolkit/deployment#165, #605"

#endif /* CK_POLICY_H */
