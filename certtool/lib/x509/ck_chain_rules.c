/* ck_chain: the verify error map and the chain.* rule ids (ck_ruledef.h). */
#include "ck_chain_int.h"

#include <openssl/x509_vfy.h>

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

const char *
ck_chain_verr_rule(int code)
{
	size_t i;

	for (i = 0; i < sizeof(verr_rules) / sizeof(verr_rules[0]); i++)
		if (verr_rules[i].code == code)
			return verr_rules[i].rule;
	return "chain.verify_error";
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
