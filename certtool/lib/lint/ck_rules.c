/*
 * ck_rules: the rule table.  The order here is the order of --list-rules
 * and of the man page.  Severity is the worst a rule reports; rules with
 * two levels (ESC17, SHA-1 before and after AMT 16, SKI on leaves) say so
 * in their description.
 */
#include "ck_rules.h"
#include "ck_rules_checks.h"

#define LEAF CK_APPLY_LEAF
#define CACERT CK_APPLY_CA_CERT
#define CHAIN CK_APPLY_CHAIN
#define TMPL CK_APPLY_TEMPLATE
#define CA CK_APPLY_CA

#define R5280 "RFC 5280"
#define AMTSDK "Intel AMT SDK, Acquiring an Intel vPro Certificate"
#define OOB_PREREQ "ConfigMgr 2007 SP1, Prerequisites for Out of Band Management (cc161785)"
#define OOB_CERTS "ConfigMgr 2007, Certificate Requirements for Out of Band Management (cc431417)"
#define CERTIPY "SpecterOps, Certified Pre-Owned; Certipy"

static const struct ck_rule rules[] = {
	/* RFC 5280 structure */
	{ "rfc5280.version", "critical", LEAF | CACERT, R5280 " 4.1.2.1",
	    "certificate is not version 3 (warning for leaves, critical for CA certificates)",
	    ck_chk_version },
	{ "rfc5280.serial_not_positive", "critical", LEAF | CACERT, R5280 " 4.1.2.2",
	    "serial number is zero or negative", ck_chk_serial_not_positive },
	{ "rfc5280.serial_too_long", "critical", LEAF | CACERT, R5280 " 4.1.2.2",
	    "serial number is longer than 20 octets", ck_chk_serial_too_long },
	{ "rfc5280.validity_order", "critical", LEAF | CACERT, R5280 " 4.1.2.5",
	    "notAfter is before notBefore", ck_chk_validity_order },
	{ "rfc5280.ca_key_usage", "critical", CACERT, R5280 " 4.2.1.3",
	    "CA certificate has no key usage or lacks keyCertSign", ck_chk_ca_key_usage },
	{ "rfc5280.key_cert_sign_not_ca", "critical", LEAF, R5280 " 4.2.1.3, 4.2.1.9",
	    "keyCertSign asserted without basicConstraints cA", ck_chk_key_cert_sign_not_ca },
	{ "rfc5280.path_len_not_ca", "critical", LEAF, R5280 " 4.2.1.9",
	    "pathLenConstraint on a certificate that is not a CA", ck_chk_path_len_not_ca },
	{ "rfc5280.san_missing", "critical", LEAF, R5280 " 4.1.2.6, 4.2.1.6; RFC 6125",
	    "no subjectAltName: critical with an empty subject, warning on a TLS server certificate",
	    ck_chk_san_missing },
	{ "rfc5280.san_syntax", "critical", LEAF | CACERT, R5280 " 4.2.1.6",
	    "a subjectAltName DNS name, IP address, e-mail address or URI is malformed",
	    ck_chk_san_syntax },
	{ "rfc5280.name_control_char", "critical", LEAF | CACERT,
	    R5280 " 4.1.2.4, 4.2.1.6; Marlinspike, Null Prefix Attacks Against SSL/TLS Certificates (2009)",
	    "a subject or issuer attribute or a subjectAltName holds a NUL or another control character",
	    ck_chk_name_control_char },
	{ "rfc5280.aki_missing", "critical", LEAF | CACERT, R5280 " 4.2.1.1",
	    "certificate not self-signed has no authority key identifier", ck_chk_aki_missing },
	{ "rfc5280.ski_missing", "critical", LEAF | CACERT, R5280 " 4.2.1.2",
	    "no subject key identifier (critical on CA certificates, notice on leaves)",
	    ck_chk_ski_missing },
	{ "rfc5280.critical_unknown_extension", "critical", LEAF | CACERT, R5280 " 4.2",
	    "a critical extension this profile does not know", ck_chk_critical_unknown_ext },
	{ "rfc5280.weak_key", "critical", LEAF | CACERT, "NIST SP 800-131A; " R5280 " 4.1.2.7",
	    "RSA key below min_rsa_bits (critical); DSA key or unusual EC curve (warning)",
	    ck_chk_weak_key },
	{ "rfc5280.weak_signature", "critical", LEAF | CACERT, "RFC 6151; NIST SP 800-131A",
	    "signed with MD2, MD5 or SHA-1 (self-signatures of roots exempt unless sha1_self_signed is false)",
	    ck_chk_weak_signature },

	/* Intel AMT certificates (cc161785, cc431417; Intel AMT SDK; MeshCentral) */
	{ "amt.server_auth_missing", "critical", LEAF, AMTSDK "; " OOB_CERTS,
	    "AMT provisioning or web server certificate without Server Authentication EKU",
	    ck_chk_amt_server_auth },
	{ "amt.client_auth_missing", "critical", LEAF, "ConfigMgr 2007 SP2, 802.1X client certificates",
	    "AMT 802.1X certificate without Client Authentication EKU", ck_chk_amt_client_auth },
	{ "amt.provisioning_marker_missing", "critical", LEAF, AMTSDK,
	    "provisioning certificate has neither the AMT provisioning OID 2.16.840.1.113741.1.2.3 nor the OU 'Intel(R) Client Setup Certificate'",
	    ck_chk_amt_marker },
	{ "amt.subject_fqdn_missing", "critical", LEAF, AMTSDK "; " OOB_CERTS,
	    "subject common name is not a fully qualified domain name", ck_chk_amt_fqdn },
	{ "amt.domain_suffix_mismatch", "critical", LEAF, AMTSDK "; " OOB_PREREQ,
	    "subject FQDN is not in the domain_suffix parameter (DHCP option 15)",
	    ck_chk_amt_domain_suffix },
	{ "amt.web_extra_eku", "warning", LEAF, OOB_CERTS,
	    "AMT web server certificate also carries Client Authentication or Any Purpose",
	    ck_chk_amt_web_extra_eku },
	/* The AMT policy (policy/amt.json, per firmware version): the checks are ck_policy's. */
	{ "amt.key_size", "critical", LEAF | CHAIN, CK_REF_AMT_KEYS,
	    "the leaf key is not RSA with one of the sizes of this AMT version (leaf_key_bits)",
	    ck_chk_amt_policy },
	{ "amt.key_too_small", "critical", LEAF | CACERT | CHAIN, CK_REF_AMT_ME16,
	    "an RSA key shorter than this AMT version's minimum (min_bits; 2048 from ME 16)",
	    ck_chk_amt_policy },
	{ "amt.ca_key_too_large", "critical", CACERT | CHAIN | CA, CK_REF_CM2007,
	    "CA key longer than this AMT version's maximum (max_ca_bits: 2048; 4096 from AMT 22)",
	    ck_chk_amt_policy },
	{ "amt.ca_key_not_rsa", "critical", CACERT | CHAIN | CA, CK_REF_CM2007,
	    "CA key is not RSA (ca_key_alg)", ck_chk_amt_policy },
	{ "amt.sha1_signature", "critical", LEAF | CACERT | CHAIN, CK_REF_AMT_ME16,
	    "SHA-1 or MD5 signature in the chain: critical from ME 16, else warning (sha1)",
	    ck_chk_amt_policy },
	{ "amt.key_size_expected", "warning", LEAF | CACERT | CHAIN, CK_REF_AMT22,
	    "a key shorter than this AMT version expects (expect_min_bits: 3072 from AMT 22)",
	    ck_chk_amt_policy },
	{ "amt.sig_hash_expected", "warning", LEAF | CACERT | CHAIN, CK_REF_AMT22,
	    "signed with another hash than this AMT version expects (expect_sig_hash: SHA-384 from AMT 22)",
	    ck_chk_amt_policy },
	{ "amt.chain_too_long", "critical", CHAIN, CK_REF_AMT_LEN,
	    "chain has more certificates than max_depth (3, anchor included)", ck_chk_amt_policy },
	{ "amt.chain_too_short", "critical", CHAIN, "MeshCentral certoperations.js; " AMTSDK,
	    "chain has fewer than 2 certificates (leaf and root)", ck_chk_amt_chain_too_short },

	/* AD CS misconfigurations (SpecterOps, Certified Pre-Owned; Certipy wiki) */
	{ "adcs.esc1", "critical", TMPL, CERTIPY " ESC1",
	    "enrollee supplies the subject of a client-authentication certificate (EKU and application policies read together), low-privileged principals enroll, no approval",
	    ck_chk_esc1 },
	{ "adcs.esc2", "critical", TMPL, CERTIPY " ESC2",
	    "Any Purpose or no EKU, low-privileged principals enroll, no approval", ck_chk_esc2 },
	{ "adcs.esc3", "critical", TMPL, CERTIPY " ESC3",
	    "Certificate Request Agent EKU, low-privileged principals enroll, no approval", ck_chk_esc3 },
	{ "adcs.esc4", "critical", TMPL, CERTIPY " ESC4",
	    "a low-privileged principal owns the template or can change it (GenericAll, WriteDacl, WriteOwner, GenericWrite, WriteProperty; deny entries win); WriteProperty on one security attribute (name flag, EKU, application or issuance policies, enrollment or private key flag, RA signatures): critical when the holder can enroll, warning when not",
	    ck_chk_esc4 },
	{ "adcs.esc6", "critical", CA, CERTIPY " ESC6",
	    "CA EditFlags has EDITF_ATTRIBUTESUBJECTALTNAME2 (0x40000)", ck_chk_esc6 },
	{ "adcs.esc9", "warning", TMPL, "Certipy ESC9",
	    "NO_SECURITY_EXTENSION on a client-authentication template low-privileged principals enroll in without approval",
	    ck_chk_esc9 },
	{ "adcs.esc11", "critical", CA, "Certipy ESC11",
	    "CA InterfaceFlags lacks IF_ENFORCEENCRYPTICERTREQUEST (0x200): RPC enrollment can be relayed",
	    ck_chk_esc11 },
	{ "adcs.esc13", "critical", TMPL, "Certipy ESC13",
	    "an issuance policy of the template is linked to a group, low-privileged principals enroll; a notice (unknown) when no oid record was read",
	    ck_chk_esc13 },
	{ "adcs.esc15", "critical", TMPL, "Certipy ESC15 (CVE-2024-49019)",
	    "schema version 1 template with enrollee-supplied subject, low-privileged principals enroll",
	    ck_chk_esc15 },
	{ "adcs.esc16", "critical", CA, "Certipy ESC16",
	    "CA DisableExtensionList contains the SID security extension 1.3.6.1.4.1.311.25.2",
	    ck_chk_esc16 },
	{ "adcs.esc17", "critical", TMPL, "Certipy ESC17; ConfigMgr 2007, About AMT Provisioning (cc161806)",
	    "enrollee supplies the subject of a Server Authentication certificate without approval: warning when no broad group can enroll (the ConfigMgr 2007 AMT web server shape), critical when one can",
	    ck_chk_esc17 },

	/* ConfigMgr 2007 SP1/SP2 out of band management (TechNet cc161785, cc431417, cc161806) */
	{ "oob.schema_version", "critical", TMPL, OOB_CERTS,
	    "AMT template is not schema version 2", ck_chk_oob_schema_version },
	{ "oob.pend_all_requests", "critical", TMPL, OOB_PREREQ "; MS-CRTD 2.26",
	    "AMT template requires CA manager approval (PEND_ALL_REQUESTS)", ck_chk_oob_pend_all },
	{ "oob.ra_signatures", "critical", TMPL, OOB_PREREQ "; MS-CRTD 2.22",
	    "AMT template requires authorised signatures", ck_chk_oob_ra_signatures },
	{ "oob.server_auth_missing", "critical", TMPL, OOB_CERTS,
	    "AMT provisioning or web server template without Server Authentication", ck_chk_oob_server_auth },
	{ "oob.amt_oid_missing", "warning", TMPL, AMTSDK "; " OOB_CERTS,
	    "AMT provisioning template without the AMT provisioning OID (the subject OU alternative is then required)",
	    ck_chk_oob_amt_oid },
	{ "oob.web_client_auth", "critical", TMPL, "ConfigMgr 2007, About AMT Provisioning (cc161806); Certipy ESC1",
	    "AMT web server template allows Client Authentication, Smart Card Logon, PKINIT or Any Purpose",
	    ck_chk_oob_web_client_auth },
	{ "oob.web_supply_subject", "critical", TMPL, "ConfigMgr 2007, About AMT Provisioning (cc161806)",
	    "AMT web server template does not take the subject from the request", ck_chk_oob_web_supply_subject },
	{ "oob.min_key_bits", "critical", TMPL, OOB_CERTS "; " AMTSDK,
	    "AMT template minimum key size outside min_key_bits_range (1024-2048 for AMT 3.2-5.0)",
	    ck_chk_oob_min_key_bits },
	{ "oob.not_published", "warning", TMPL, "MS-ADSC pKIEnrollmentService certificateTemplates; " OOB_PREREQ,
	    "AMT template is not published by any CA", ck_chk_oob_not_published },
	{ "oob.ca_request_pending", "critical", CA, OOB_PREREQ "; MS-WCCE 3.2.1.4.2.1.4.5",
	    "CA holds requests pending (RequestDisposition) instead of issuing automatically",
	    ck_chk_oob_ca_pending },
};

static const struct ck_unchecked unchecked[] = {
	{ "adcs.esc5", "dangerous ACLs on other PKI objects (CA computer account, "
	    "Public Key Services container, NTAuthCertificates, pKIEnrollmentService): "
	    "cert-ad reads the ACLs of templates only" },
	{ "adcs.esc7", "ManageCA/ManageCertificates for low-privileged principals: the CA's "
	    "own security descriptor is in its registry (CA\\Security), not in AD or any record" },
	{ "adcs.esc8", "HTTP web enrollment (certsrv, CES) without EPA/channel binding: an IIS "
	    "setting on the CA host; no record describes the CA's web endpoints" },
};

const struct ck_unchecked *
ck_rules_unchecked(size_t *n)
{
	*n = sizeof(unchecked) / sizeof(unchecked[0]);
	return unchecked;
}

const struct ck_rule *
ck_rules_all(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* The table as registry entries, made once (mains call this before any thread). */
static struct ck_ruledef defs[NRULES];
static struct ck_ruleset set = { "lint", defs, NRULES };

const struct ck_ruleset *
ck_rules_ruleset(void)
{
	size_t i;

	if (defs[0].id != NULL)
		return &set;
	for (i = 0; i < NRULES; i++) {
		defs[i].id = rules[i].id;
		defs[i].severity = rules[i].severity;
		defs[i].ref = rules[i].ref;
		defs[i].description = rules[i].description;
	}
	return &set;
}
