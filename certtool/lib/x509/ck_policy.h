/*
 * ck_policy: validation policies for cert-chain (policy/NAME.json).
 *
 * A policy file is a JSON object:
 *
 *   {"name": "amt", "ref": "...", "default_version": "11",
 *    "rules": {...},                         rules that hold for every version
 *    "versions": [{"from": "3.2.1", "to": "15", "ref": "...", "rules": {...}}]}
 *
 * "rules" keys: max_ca_bits, min_bits, max_depth, warn_depth, no_sha1,
 * ca_key_alg, expect_min_bits, expect_sig_hash.  Later blocks override
 * earlier ones; the versions block that contains the requested version
 * (dotted numbers, "to" inclusive by prefix: "15" covers 15.0.30) applies
 * after the top-level rules.  Command line options override the file.
 */
#ifndef CK_POLICY_H
#define CK_POLICY_H

#include <jansson.h>

#include "ck_err.h"

#define CK_POLICY_STR 64

struct ck_policy {
	char name[CK_POLICY_STR];	/* "" when no policy file was loaded */
	char version[CK_POLICY_STR];	/* the --amt-version used, "" if none */
	char ref[256];			/* the source cited in findings */
	long max_ca_bits;		/* 0 = no maximum (RSA/DSA modulus of CA certificates) */
	long min_bits;			/* 0 = no minimum (every RSA/DSA key in the path) */
	long max_depth;			/* 0 = unlimited; a longer path is critical */
	long warn_depth;		/* 0 = none; a longer path is a warning */
	int no_sha1;			/* SHA-1 (or MD5) signatures anywhere are critical */
	char ca_key_alg[16];		/* "" = any, else rsa|ec|... for CA certificates */
	long expect_min_bits;		/* 0 = none; smaller keys are a warning */
	char expect_sig_hash[16];	/* "" = none; other signature hashes are a warning */
};

/* Empty policy: nothing enforced. */
void ck_policy_init(struct ck_policy *p);

/*
 * Loads policy NAME into p (on top of what p holds).  NAME is a path when it
 * contains '/' or ends in ".json", else "DIR/NAME.json" is tried for DIR in
 * $CERTKIT_POLICY_DIR, ./policy, CK_DATADIR/policy.  version selects a
 * versions block (NULL: the file's default_version).  Returns 0 or -1
 * (CK_E_NOTFOUND, CK_E_PARSE, CK_E_USAGE for a version outside every block).
 */
int ck_policy_load(struct ck_policy *p, const char *name, const char *version,
    struct ck_err *err);

/* Applies one "rules" object to p.  Returns 0 or -1 (CK_E_PARSE). */
int ck_policy_apply(struct ck_policy *p, const json_t *rules, struct ck_err *err);

/*
 * Compares dotted versions ("3.2.1" vs "15").  When prefix is set, b is a
 * prefix bound: "15.0.30" compares equal to "15".  Returns <0, 0, >0, or
 * -2 on a malformed version (sets *bad).
 */
int ck_version_cmp(const char *a, const char *b, int prefix, int *bad);

/* Finds the policy file for NAME (see ck_policy_load) into buf. Returns 0 or -1. */
int ck_policy_path(const char *name, char *buf, size_t size, struct ck_err *err);

#endif /* CK_POLICY_H */
