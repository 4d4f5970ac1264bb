/*
 * ck_rules_cert: checks on `cert` and `chain` records: RFC 5280 structure
 * and the Intel AMT certificate rules (cc161785, cc431417, Intel AMT SDK
 * "Acquiring an Intel vPro Certificate", MeshCentral certoperations.js).
 */
#include "ck_rules.h"
#include "ck_rules_checks.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_lint.h"
#include "ck_text.h"

static const char *
subj(const json_t *rec)
{
	const char *s = ck_rule_subject(rec);

	return s ? s : "(no subject)";
}

static const char *
kind_word(const json_t *rec)
{
	return ck_jb(rec, "ca") ? "CA certificate" : "certificate";
}

static size_t
arr_len(const json_t *obj, const char *key)
{
	const json_t *a = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_array(a) ? json_array_size(a) : 0;
}

static int
has_str(const json_t *obj, const char *key)
{
	const char *s = ck_js(obj, key);

	return s != NULL && *s != '\0';
}

/* --- RFC 5280 ------------------------------------------------------ */

CK_CHECK(ck_chk_version)
{
	long v = ck_ji(rec, "version", -1);

	(void)env;
	if (v == -1 || v == 3)
		return 0;
	return ck_hit(hit, ck_jb(rec, "ca") ? "critical" : "warning",
	    "%s '%s' is version %ld; RFC 5280 requires version 3 whenever extensions are used "
	    "(a v1 %s cannot say whether it is a CA): reissue it as a v3 certificate",
	    kind_word(rec), subj(rec), v, kind_word(rec));
}

/* The serial without a sign and leading zeros; *neg set when it had '-'. */
static const char *
serial_digits(const json_t *rec, int *neg)
{
	const char *s = ck_js(rec, "serial");

	*neg = 0;
	if (s == NULL)
		return NULL;
	if (*s == '-') {
		*neg = 1;
		s++;
	}
	while (*s == '0' && s[1] != '\0')
		s++;
	return s;
}

CK_CHECK(ck_chk_serial_not_positive)
{
	int neg;
	const char *s = serial_digits(rec, &neg);

	(void)env;
	if (s == NULL)
		return 0;
	if (neg || strcmp(s, "0") == 0 || *s == '\0')
		return ck_hit(hit, NULL, "%s '%s' has serial number %s%s; RFC 5280 requires a positive "
		    "integer: reissue it from a CA that generates random positive serials",
		    kind_word(rec), subj(rec), neg ? "-" : "", s);
	return 0;
}

CK_CHECK(ck_chk_serial_too_long)
{
	int neg;
	const char *s = serial_digits(rec, &neg);
	size_t octets;

	(void)env;
	if (s == NULL)
		return 0;
	octets = (strlen(s) + 1) / 2;
	if (octets > 20)
		return ck_hit(hit, NULL, "%s '%s' has a %zu-octet serial number; RFC 5280 allows at "
		    "most 20 octets and many clients reject longer ones: reissue it with a shorter serial",
		    kind_word(rec), subj(rec), octets);
	return 0;
}

CK_CHECK(ck_chk_validity_order)
{
	const char *nb = ck_js(rec, "not_before"), *na = ck_js(rec, "not_after");
	time_t tb, ta;
	struct ck_err e;

	(void)env;
	if (nb == NULL || na == NULL || ck_time_parse(nb, &tb, &e) < 0 ||
	    ck_time_parse(na, &ta, &e) < 0)
		return 0;
	if (ta < tb)
		return ck_hit(hit, NULL, "%s '%s' expires (%s) before it becomes valid (%s); "
		    "no client will accept it: reissue it with a correct validity period",
		    kind_word(rec), subj(rec), na, nb);
	return 0;
}

CK_CHECK(ck_chk_ca_key_usage)
{
	(void)env;
	if (arr_len(rec, "key_usage") == 0)
		return ck_hit(hit, NULL, "CA certificate '%s' has no key usage extension; RFC 5280 "
		    "requires one with keyCertSign on CA certificates: reissue it with "
		    "keyUsage=critical,keyCertSign,cRLSign", subj(rec));
	if (!ck_jarr_has(rec, "key_usage", "key_cert_sign"))
		return ck_hit(hit, NULL, "CA certificate '%s' does not assert keyCertSign, so the "
		    "certificates it signs do not verify: reissue it with "
		    "keyUsage=critical,keyCertSign,cRLSign", subj(rec));
	return 0;
}

CK_CHECK(ck_chk_key_cert_sign_not_ca)
{
	(void)env;
	if (ck_jarr_has(rec, "key_usage", "key_cert_sign"))
		return ck_hit(hit, NULL, "certificate '%s' asserts keyCertSign but basic constraints "
		    "do not say CA:TRUE; RFC 5280 forbids this: drop keyCertSign or issue it as a CA",
		    subj(rec));
	return 0;
}

CK_CHECK(ck_chk_path_len_not_ca)
{
	(void)env;
	if (json_is_integer(json_object_get(rec, "path_len")))
		return ck_hit(hit, NULL, "certificate '%s' has a path length constraint but is not a "
		    "CA; RFC 5280 allows pathLenConstraint only with CA:TRUE: remove it", subj(rec));
	return 0;
}

static size_t
san_count(const json_t *rec)
{
	const json_t *san = json_object_get(rec, "san");

	return arr_len(san, "dns") + arr_len(san, "ip") + arr_len(san, "email") +
	    arr_len(san, "uri") + arr_len(san, "upn");
}

CK_CHECK(ck_chk_san_missing)
{
	const json_t *san = json_object_get(rec, "san");

	(void)env;
	if (san_count(rec) > 0)
		return 0;
	if (!has_str(json_object_get(rec, "subject"), "dn"))
		return ck_hit(hit, "critical", "certificate (serial %s) has neither a subject nor a "
		    "subjectAltName; RFC 5280 requires a subjectAltName when the subject is empty: "
		    "reissue it with the names it is for", ck_js(rec, "serial") ? ck_js(rec, "serial") : "?");
	if (ck_eku_has(json_object_get(rec, "eku"), CK_EKU_SERVER_AUTH) && arr_len(san, "dns") == 0)
		return ck_hit(hit, "warning", "TLS server certificate '%s' has no subjectAltName; "
		    "current clients ignore the common name (RFC 6125): reissue it with "
		    "subjectAltName=DNS:%s", subj(rec), subj(rec));
	return 0;
}

/* 1 when s is a DNS name in preferred syntax (a leading "*." allowed). */
static int
dns_ok(const char *s)
{
	size_t len = strlen(s), lab = 0;
	const char *p;

	if (len == 0 || len > 253)
		return 0;
	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	if (*s == '\0')
		return 0;
	for (p = s; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || p[-1] == '-')
				return 0;
			if (*p == '\0')
				return 1;
			lab = 0;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			return 0;
		if (lab == 0 && *p == '-')
			return 0;
		lab++;
	}
}

static int
ip_ok(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    dns_ok(at + 1) && strncmp(at + 1, "*.", 2) != 0;
}

static int
uri_ok(const char *s)
{
	const char *c = strchr(s, ':');
	const char *p;

	if (c == NULL || c == s || !isalpha((unsigned char)*s))
		return 0;
	for (p = s; p < c; p++)
		if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
			return 0;
	return c[1] != '\0';
}

CK_CHECK(ck_chk_san_syntax)
{
	static const struct {
		const char *key, *what;
		int (*ok)(const char *);
	} kinds[] = {
		{ "dns", "DNS name", dns_ok },
		{ "ip", "IP address", ip_ok },
		{ "email", "e-mail address", email_ok },
		{ "uri", "URI", uri_ok },
	};
	const json_t *san = json_object_get(rec, "san");
	size_t k, i;

	(void)env;
	if (!json_is_object(san))
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const json_t *a = json_object_get(san, kinds[k].key), *v;

		if (!json_is_array(a))
			continue;
		json_array_foreach(a, i, v) {
			const char *s = json_string_value(v);

			if (s == NULL || !kinds[k].ok(s))
				return ck_hit(hit, NULL, "%s '%s' has a malformed subjectAltName %s "
				    "'%s'; clients will not match it: reissue it with a valid %s",
				    kind_word(rec), subj(rec), kinds[k].what, s ? s : "(not a string)",
				    kinds[k].what);
		}
	}
	return 0;
}

/* The first string in v (a string, or an object/array of them) with a control byte. */
static const json_t *
control_string(const json_t *v, int depth)
{
	const char *k;
	const json_t *x, *hit;
	size_t i;

	if (json_is_string(v)) {
		const unsigned char *s = (const unsigned char *)json_string_value(v);

		for (i = 0; i < json_string_length(v); i++)
			if (s[i] < 0x20 || s[i] == 0x7f)
				return v;
		return NULL;
	}
	if (depth > 2)
		return NULL;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if ((hit = control_string(x, depth + 1)) != NULL)
				return hit;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if ((hit = control_string(x, depth + 1)) != NULL)
				return hit;
	}
	return NULL;
}

/*
 * A NUL in a name ("www.bank.example\0.evil.example") reads as the name
 * before it in C string code: the null-prefix attack.  Other control
 * characters forge lines and terminal output.  No CA should sign either.
 */
CK_CHECK(ck_chk_name_control_char)
{
	static const char *const where[] = { "subject", "issuer", "san" };
	char shown[512];

	(void)env;
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		const json_t *v = control_string(json_object_get(rec, where[i]), 0);

		if (v != NULL)
			return ck_hit(hit, NULL, "%s '%s' has a %s value with a NUL or control "
			    "character ('%s'); software that stops at the NUL sees another name: "
			    "revoke it and find out who asked for it", kind_word(rec), subj(rec),
			    strcmp(where[i], "san") == 0 ? "subjectAltName" : where[i],
			    ck_text_escape(json_string_value(v), json_string_length(v), shown,
			    sizeof(shown)));
	}
	return 0;
}

CK_CHECK(ck_chk_aki_missing)
{
	(void)env;
	if (ck_jb(rec, "self_signed") || has_str(rec, "aki"))
		return 0;
	return ck_hit(hit, NULL, "%s '%s' is not self-signed but has no authority key identifier; "
	    "RFC 5280 requires it so clients can find the issuer: reissue it with "
	    "authorityKeyIdentifier=keyid", kind_word(rec), subj(rec));
}

CK_CHECK(ck_chk_ski_missing)
{
	(void)env;
	if (has_str(rec, "ski"))
		return 0;
	if (ck_jb(rec, "ca"))
		return ck_hit(hit, "critical", "CA certificate '%s' has no subject key identifier; "
		    "RFC 5280 requires it on CA certificates for path building: reissue it with "
		    "subjectKeyIdentifier=hash", subj(rec));
	return ck_hit(hit, "notice", "certificate '%s' has no subject key identifier (RFC 5280 "
	    "recommends one): add subjectKeyIdentifier=hash to the template", subj(rec));
}

/* Extensions RFC 5280 and the common PKIX documents define. */
static const char *const known_ext[] = {
	"2.5.29.9", "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.18", "2.5.29.19",
	"2.5.29.30", "2.5.29.31", "2.5.29.32", "2.5.29.33", "2.5.29.35", "2.5.29.36",
	"2.5.29.37", "2.5.29.46", "2.5.29.54", "1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.11",
	"1.3.6.1.5.5.7.1.24", "1.3.6.1.4.1.11129.2.4.3", "1.3.6.1.5.5.7.48.1.5",
};

CK_CHECK(ck_chk_critical_unknown_ext)
{
	const char *pem = ck_js(rec, "pem");
	X509 *x = NULL;
	BIO *b = NULL;
	char oid[128] = "";
	int i, n, found = 0;
	size_t k;

	(void)env;
	/* cert-read lists the extensions with their criticality; use that when present. */
	if (json_is_array(json_object_get(rec, "extensions"))) {
		const json_t *e;
		size_t j;

		json_array_foreach(json_object_get(rec, "extensions"), j, e) {
			const char *o = ck_js(e, "oid");

			if (o == NULL || !ck_jb(e, "critical"))
				continue;
			found = 1;
			for (k = 0; k < sizeof(known_ext) / sizeof(known_ext[0]); k++)
				if (strcmp(o, known_ext[k]) == 0)
					found = 0;
			if (found) {
				snprintf(oid, sizeof(oid), "%s", o);
				break;
			}
		}
		goto report;
	}
	if (pem == NULL || (b = BIO_new_mem_buf(pem, -1)) == NULL)
		return 0;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (x == NULL)
		return 0;
	n = X509_get_ext_count(x);
	for (i = 0; i < n && !found; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);

		if (!X509_EXTENSION_get_critical(ext))
			continue;
		OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1);
		found = 1;
		for (k = 0; k < sizeof(known_ext) / sizeof(known_ext[0]); k++)
			if (strcmp(oid, known_ext[k]) == 0)
				found = 0;
	}
	X509_free(x);
report:
	if (!found)
		return 0;
	return ck_hit(hit, NULL, "%s '%s' has critical extension %s that RFC 5280 clients do "
	    "not know, so they must reject it: reissue it with that extension non-critical or "
	    "removed", kind_word(rec), subj(rec), oid);
}

static int
curve_ok(const char *c)
{
	static const char *const good[] = {
		"P-256", "P-384", "P-521", "prime256v1", "secp256r1", "secp384r1", "secp521r1",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (strcasecmp(c, good[i]) == 0)
			return 1;
	return 0;
}

CK_CHECK(ck_chk_weak_key)
{
	const json_t *key = json_object_get(rec, "key");
	const char *alg = ck_js(key, "alg"), *curve = ck_js(key, "curve");
	long bits = ck_ji(key, "bits", 0), min = ck_rule_param_int(env, "min_rsa_bits", 2048);

	if (alg == NULL)
		return 0;
	if (strcmp(alg, "rsa") == 0 && bits > 0 && bits < min)
		return ck_hit(hit, "critical", "%s '%s' has a %ld-bit RSA key; keys below %ld bits "
		    "can be factored or are refused by current clients: issue a new key of at least %ld bits",
		    kind_word(rec), subj(rec), bits, min, min);
	if (strcmp(alg, "dsa") == 0)
		return ck_hit(hit, "warning", "%s '%s' has a DSA key; DSA is withdrawn (FIPS 186-5) "
		    "and unsupported by most clients: reissue it with an RSA or ECDSA key",
		    kind_word(rec), subj(rec));
	if (strcmp(alg, "ec") == 0 && curve != NULL && !curve_ok(curve))
		return ck_hit(hit, "warning", "%s '%s' uses EC curve %s, which most clients do not "
		    "support: reissue it on P-256 or P-384", kind_word(rec), subj(rec), curve);
	return 0;
}

/* "md2", "md5", "sha1" or NULL for a signature algorithm name. */
static const char *
weak_digest(const char *sig)
{
	char low[128];
	size_t i;

	if (sig == NULL)
		return NULL;
	for (i = 0; sig[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)sig[i]);
	low[i] = '\0';
	if (strstr(low, "md2"))
		return "MD2";
	if (strstr(low, "md5"))
		return "MD5";
	if (strstr(low, "sha1") || strstr(low, "sha-1") ||
	    strcmp(low, "1.2.840.113549.1.1.5") == 0 || strcmp(low, "1.2.840.10045.4.1") == 0)
		return "SHA-1";
	return NULL;
}

CK_CHECK(ck_chk_weak_signature)
{
	const char *d = weak_digest(ck_js(rec, "sig_alg"));

	if (d == NULL)
		return 0;
	if (ck_jb(rec, "self_signed") && ck_rule_param_bool(env, "sha1_self_signed", 1))
		return 0;	/* a root's self-signature is not checked by clients */
	return ck_hit(hit, NULL, "%s '%s' is signed with %s (%s), which is broken for "
	    "signatures: reissue it with SHA-256", kind_word(rec), subj(rec), d, ck_js(rec, "sig_alg"));
}

/* --- Intel AMT --------------------------------------------------- */

CK_CHECK(ck_chk_amt_server_auth)
{
	(void)env;
	if (ck_eku_has(json_object_get(rec, "eku"), CK_EKU_SERVER_AUTH))
		return 0;
	return ck_hit(hit, NULL, "certificate '%s' lacks Server Authentication (1.3.6.1.5.5.7.3.1) "
	    "in its extended key usage; AMT refuses it for TLS and provisioning: issue it from a "
	    "template whose Application Policies include Server Authentication", subj(rec));
}

CK_CHECK(ck_chk_amt_client_auth)
{
	(void)env;
	if (ck_eku_has(json_object_get(rec, "eku"), CK_EKU_CLIENT_AUTH))
		return 0;
	return ck_hit(hit, NULL, "802.1X certificate '%s' lacks Client Authentication "
	    "(1.3.6.1.5.5.7.3.2); the RADIUS server will refuse it: issue it from the customised "
	    "client authentication template", subj(rec));
}

CK_CHECK(ck_chk_amt_marker)
{
	const json_t *amt = json_object_get(rec, "amt");
	const json_t *ou = json_object_get(json_object_get(rec, "subject"), "ou"), *v;
	size_t i;

	(void)env;
	if (ck_jb(amt, "provisioning_oid") || ck_jb(amt, "setup_ou") ||
	    ck_eku_has(json_object_get(rec, "eku"), CK_EKU_AMT_PROVISIONING))
		return 0;
	if (json_is_array(ou))
		json_array_foreach(ou, i, v) {
			const char *s = json_string_value(v);

			if (s == NULL)
				continue;
			if (strcmp(s, CK_AMT_SETUP_OU) == 0)
				return 0;
			if (strncasecmp(s, "Intel(R) Client Setup Certificate", 33) == 0)
				return ck_hit(hit, NULL, "provisioning certificate '%s' has OU '%s', "
				    "but AMT compares it exactly: the OU must be '%s' (same case, no "
				    "trailing period); or add the AMT provisioning OID %s to the EKU",
				    subj(rec), s, CK_AMT_SETUP_OU, CK_OID_AMT_PROVISIONING);
		}
	return ck_hit(hit, NULL, "provisioning certificate '%s' has neither the AMT provisioning "
	    "OID %s in its EKU nor the subject OU '%s'; AMT will not accept it for provisioning: "
	    "add the OID to the template's Application Policies (or the OU to the request)",
	    subj(rec), CK_OID_AMT_PROVISIONING, CK_AMT_SETUP_OU);
}

static int
fqdn_ok(const char *s)
{
	return s != NULL && strchr(s, '.') != NULL && s[strlen(s) - 1] != '.' &&
	    strncmp(s, "*.", 2) != 0 && dns_ok(s);
}

CK_CHECK(ck_chk_amt_fqdn)
{
	const char *cn = ck_js(json_object_get(rec, "subject"), "cn");

	(void)env;
	if (fqdn_ok(cn))
		return 0;
	return ck_hit(hit, NULL, "certificate '%s' does not have a fully qualified domain name as "
	    "its subject common name (%s); AMT matches the FQDN of the %s: request it with "
	    "CN=<host>.<domain>", subj(rec), cn ? cn : "none",
	    ck_eku_has(json_object_get(rec, "eku"), CK_EKU_AMT_PROVISIONING) ?
	    "provisioning server" : "AMT computer");
}

CK_CHECK(ck_chk_amt_domain_suffix)
{
	const char *suf = ck_rule_param_str(env, "domain_suffix");
	const char *cn = ck_js(json_object_get(rec, "subject"), "cn");
	size_t ls, lc;

	if (suf == NULL || *suf == '\0' || cn == NULL)
		return 0;
	ls = strlen(suf);
	lc = strlen(cn);
	if (lc > ls && cn[lc - ls - 1] == '.' && strcasecmp(cn + lc - ls, suf) == 0)
		return 0;
	return ck_hit(hit, NULL, "certificate '%s' is not in domain '%s'; AMT compares the "
	    "certificate's domain suffix with the DHCP option 15 domain: request it for a name "
	    "under %s (or correct domain_suffix in the policy)", cn, suf, suf);
}

CK_CHECK(ck_chk_amt_web_extra_eku)
{
	const json_t *eku = json_object_get(rec, "eku");

	(void)env;
	if (ck_eku_has(eku, CK_EKU_ANY_PURPOSE))
		return ck_hit(hit, NULL, "AMT web server certificate '%s' allows Any Purpose; it "
		    "should be usable for Server Authentication only: issue it from a template with "
		    "only Server Authentication", subj(rec));
	if (ck_eku_has(eku, CK_EKU_CLIENT_AUTH))
		return ck_hit(hit, NULL, "AMT web server certificate '%s' also allows Client "
		    "Authentication, so whoever holds it could log on as that name: issue it from a "
		    "template with only Server Authentication", subj(rec));
	return 0;
}

/*
 * Calls fn on each CA certificate summary a record is about: the cert
 * itself (ca_cert), ca.cert (ca record), or every certificate of the path
 * after the leaf that the stream carried (chain).  Stops at the first hit.
 */
/* A certificate of a chain: from the chain's own "certs", else from the stream. */
static const json_t *
chain_cert(const struct ck_rule_env *env, const json_t *chain, const char *id)
{
	const json_t *certs = json_object_get(chain, "certs"), *c;
	size_t i;

	if (id == NULL)
		return NULL;
	if (json_is_array(certs))
		json_array_foreach(certs, i, c) {
			const char *cid = ck_js(c, "id");

			if (cid != NULL && strcmp(cid, id) == 0)
				return c;
		}
	return ck_lint_cert(env->lint, id);
}

/* Certificates in a chain: the path, plus the anchor when it is not in it. */
static long
chain_len(const json_t *rec)
{
	const json_t *path = json_object_get(rec, "path"), *v;
	const char *anchor = ck_js(rec, "anchor");
	size_t i;
	long n;

	if (!json_is_array(path))
		return -1;
	n = (long)json_array_size(path);
	if (anchor == NULL || *anchor == '\0')
		return n;
	json_array_foreach(path, i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), anchor) == 0)
			return n;
	return n + 1;
}

CK_CHECK(ck_chk_amt_chain_too_short)
{
	long n = chain_len(rec);

	(void)env;
	if (n < 0 || n >= 2)
		return 0;
	return ck_hit(hit, NULL, "the chain of '%s' has %ld certificate%s; AMT needs the leaf and "
	    "the chain up to a root whose hash is in the firmware: include the issuing CA and root",
	    subj(rec), n, n == 1 ? "" : "s");
}

/*
 * The AMT policy rules: ck_policy (policy/amt.json at the profile's AMT
 * version) judges the record, the way cert-chain --policy amt does; this
 * rule reports the worst of its findings with the rule's id.
 */
CK_CHECK(ck_chk_amt_policy)
{
	const struct ck_policy *p = env->policy;
	const json_t *certs[64], *path, *c;
	json_t *v;
	json_t *f;
	const json_t *best = NULL;
	size_t i, n = 0, npath;
	int found = 0, worst = -1;

	if (p == NULL || (f = json_array()) == NULL)
		return 0;
	if (env->target == CK_APPLY_LEAF) {
		ck_policy_check_cert(p, rec, CK_POL_LEAF, f);
	} else if (env->target == CK_APPLY_CA_CERT) {
		ck_policy_check_cert(p, rec, ck_jb(rec, "self_signed") ? CK_POL_ANCHOR : CK_POL_CA, f);
	} else if (env->target == CK_APPLY_CA) {
		if (json_is_object(c = json_object_get(rec, "cert")))
			ck_policy_check_cert(p, c, CK_POL_CA, f);
	} else if (json_is_array(path = json_object_get(rec, "path"))) {
		const char *anchor = ck_js(rec, "anchor");

		npath = json_array_size(path);
		json_array_foreach(path, i, v)
			if (n < sizeof(certs) / sizeof(certs[0]) &&
			    (c = chain_cert(env, rec, json_string_value(v))) != NULL)
				certs[n++] = c;
		if (n == npath && n > 0)
			ck_policy_check_path(p, certs, n, anchor != NULL && npath > 0 &&
			    json_string_value(json_array_get(path, npath - 1)) != NULL &&
			    strcmp(json_string_value(json_array_get(path, npath - 1)), anchor) == 0, f);
		else	/* a certificate the stream did not carry: judge those it did */
			for (i = 0; i < n; i++)
				ck_policy_check_cert(p, certs[i], i == 0 ? CK_POL_LEAF : CK_POL_CA, f);
	}
	json_array_foreach(f, i, v) {
		const char *sev = ck_js(v, "severity");
		int lv = sev == NULL ? 0 : strcmp(sev, "critical") == 0 ? 2 :
		    strcmp(sev, "warning") == 0 ? 1 : 0;

		if (strcmp(ck_js(v, "rule") ? ck_js(v, "rule") : "", env->rule->id) != 0 || lv <= worst)
			continue;
		worst = lv;
		best = v;
	}
	if (best != NULL) {
		const char *s = ck_js(best, "subject");

		/* hit->severity must outlive f: a static string */
		found = ck_hit(hit, worst == 2 ? "critical" : worst == 1 ? "warning" : "notice",
		    "%s%s%s%s", s ? "'" : "", s ? s : "",
		    s ? "': " : "", ck_js(best, "message"));
	}
	json_decref(f);
	return found;
}
