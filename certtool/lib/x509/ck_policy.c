#include "ck_policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/objects.h>

#include "ck_datadir.h"
#include "ck_record.h"

/* ---- the findings, one table per family (same order) ---- */

enum { R_CA_BITS, R_CA_ALG, R_MIN_BITS, R_LEAF_BITS, R_SHA1, R_EXPECT_BITS, R_EXPECT_HASH,
	R_TOO_LONG, R_LONG_PATH, NRULES };

#define DEFS(CA_BITS, CA_ALG, MIN_BITS, LEAF_BITS, SHA1, EXPECT_BITS, EXPECT_HASH, TOO_LONG, LONG) { \
	{ CA_BITS, "critical", CK_REF_CM2007, \
	    "a CA certificate's RSA/DSA key is longer than the policy's maximum (max_ca_bits)" }, \
	{ CA_ALG, "critical", CK_REF_CM2007, \
	    "a CA certificate's key algorithm is not the one the policy requires (ca_key_alg)" }, \
	{ MIN_BITS, "critical", CK_REF_AMT_ME16, \
	    "an RSA/DSA key in the path is shorter than the policy's minimum (min_bits)" }, \
	{ LEAF_BITS, "critical", CK_REF_AMT_KEYS, \
	    "the leaf key is not RSA with one of the sizes of this version (leaf_key_bits)" }, \
	{ SHA1, "critical", CK_REF_AMT_ME16, \
	    "a certificate in the path is signed with SHA-1 or MD5: critical where the version forbids it, else warning" }, \
	{ EXPECT_BITS, "warning", CK_REF_AMT22, \
	    "a key is shorter than this version expects (expect_min_bits)" }, \
	{ EXPECT_HASH, "warning", CK_REF_AMT22, \
	    "a certificate is signed with another hash than this version expects (expect_sig_hash; the anchor's self-signature aside)" }, \
	{ TOO_LONG, "critical", CK_REF_AMT_LEN, \
	    "the path has more certificates than max_depth (anchor included)" }, \
	{ LONG, "warning", CK_REF_AMT_LEN, \
	    "the path has more certificates than warn_depth (anchor included)" } }

static const struct ck_ruledef chain_defs[NRULES] = DEFS("chain.ca_key_too_large",
    "chain.ca_key_alg", "chain.key_too_small", "chain.leaf_key_size", "chain.sha1",
    "chain.key_size_expected", "chain.sig_hash_expected", "chain.too_long", "chain.long_path");
static const struct ck_ruledef amt_defs[NRULES] = DEFS("amt.ca_key_too_large",
    "amt.ca_key_not_rsa", "amt.key_too_small", "amt.key_size", "amt.sha1_signature",
    "amt.key_size_expected", "amt.sig_hash_expected", "amt.chain_too_long", "amt.long_path");
static const struct ck_ruleset chain_set = { "chain", chain_defs, NRULES };
static const struct ck_ruleset amt_set = { "amt", amt_defs, NRULES };

const struct ck_ruleset *
ck_policy_ruleset(const char *family)
{
	return strcmp(family, "amt") == 0 ? &amt_set : &chain_set;
}

void
ck_policy_init(struct ck_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->family, sizeof(p->family), "chain");
}

static int
get_long(const json_t *rules, const char *key, long *out, struct ck_err *err)
{
	json_t *v = json_object_get(rules, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000)
		return ck_err_set(err, CK_E_PARSE, "rule '%s': not a count", key);
	*out = (long)json_integer_value(v);
	return 0;
}

static int
get_str(const json_t *rules, const char *key, char *out, size_t size, struct ck_err *err)
{
	json_t *v = json_object_get(rules, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) >= size)
		return ck_err_set(err, CK_E_PARSE, "rule '%s': not a short string", key);
	snprintf(out, size, "%s", json_string_value(v));
	return 0;
}

/* An array of key sizes (null: none). */
static int
get_sizes(const json_t *rules, const char *key, long *out, size_t max, size_t *n,
    struct ck_err *err)
{
	json_t *v = json_object_get(rules, key), *e;
	size_t i;

	if (v == NULL)
		return 0;
	*n = 0;
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > max)
		return ck_err_set(err, CK_E_PARSE, "rule '%s': not an array of key sizes", key);
	json_array_foreach(v, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 1 ||
		    json_integer_value(e) > 65536)
			return ck_err_set(err, CK_E_PARSE, "rule '%s': not an array of key sizes", key);
		out[(*n)++] = (long)json_integer_value(e);
	}
	return 0;
}

int
ck_policy_apply(struct ck_policy *p, const json_t *rules, struct ck_err *err)
{
	json_t *v;

	if (rules == NULL)
		return 0;
	if (!json_is_object(rules))
		return ck_err_set(err, CK_E_PARSE, "\"rules\" is not an object");
	if (get_long(rules, "max_ca_bits", &p->max_ca_bits, err) ||
	    get_long(rules, "min_bits", &p->min_bits, err) ||
	    get_long(rules, "max_depth", &p->max_depth, err) ||
	    get_long(rules, "warn_depth", &p->warn_depth, err) ||
	    get_long(rules, "expect_min_bits", &p->expect_min_bits, err) ||
	    get_str(rules, "ca_key_alg", p->ca_key_alg, sizeof(p->ca_key_alg), err) ||
	    get_str(rules, "expect_sig_hash", p->expect_sig_hash,
	    sizeof(p->expect_sig_hash), err))
		return -1;
	if ((v = json_object_get(rules, "no_sha1")) != NULL) {
		if (!json_is_boolean(v))
			return ck_err_set(err, CK_E_PARSE, "rule 'no_sha1': not a boolean");
		p->sha1 = json_is_true(v) ? CK_CRITICAL : 0;
	}
	if ((v = json_object_get(rules, "sha1")) != NULL) {
		const char *sv = json_string_value(v);

		if (json_is_null(v))
			p->sha1 = 0;
		else if (sv != NULL && strcmp(sv, "warning") == 0)
			p->sha1 = CK_WARNING;
		else if (sv != NULL && strcmp(sv, "critical") == 0)
			p->sha1 = CK_CRITICAL;
		else
			return ck_err_set(err, CK_E_PARSE, "rule 'sha1': not \"warning\", "
			    "\"critical\" or null");
	}
	if (get_sizes(rules, "leaf_key_bits", p->leaf_key_bits, CK_POLICY_SIZES,
	    &p->n_leaf_key_bits, err) != 0)
		return -1;
	if ((v = json_object_get(rules, "template_key_bits")) != NULL) {
		long two[CK_POLICY_SIZES];
		size_t n = 0;

		if (get_sizes(rules, "template_key_bits", two, CK_POLICY_SIZES, &n, err) != 0)
			return -1;
		if (n != 0 && n != 2)
			return ck_err_set(err, CK_E_PARSE, "rule 'template_key_bits': not [low, high]");
		p->template_key_bits[0] = n ? two[0] : 0;
		p->template_key_bits[1] = n ? two[1] : 0;
	}
	return 0;
}

int
ck_version_valid(const char *s)
{
	int parts = 0, digits = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 6)
				return 0;
		} else if ((*s == '.' || *s == '\0') && digits > 0) {
			digits = 0;
			if (++parts > 4)
				return 0;
			if (*s == '\0')
				return 1;
		} else {
			return 0;
		}
	}
}

int
ck_version_opt(const char *arg, void *target, struct ck_err *err)
{
	if (!ck_version_valid(arg))
		return ck_err_set(err, CK_E_USAGE, "'%s': not a version (like 3.2.1, 11 or 16.1)",
		    arg);
	*(const char **)target = arg;
	return 0;
}

int
ck_version_cmp(const char *a, const char *b, int prefix, int *bad)
{
	while (*a != '\0' || *b != '\0') {
		char *ea, *eb;
		long na, nb;

		if (*b == '\0' && prefix)
			return 0;
		na = *a == '\0' ? 0 : strtol(a, &ea, 10);
		nb = *b == '\0' ? 0 : strtol(b, &eb, 10);
		if ((*a != '\0' && (ea == a || (*ea != '.' && *ea != '\0'))) ||
		    (*b != '\0' && (eb == b || (*eb != '.' && *eb != '\0')))) {
			*bad = 1;
			return -2;
		}
		if (na != nb)
			return na < nb ? -1 : 1;
		if (*a != '\0')
			a = *ea == '.' ? ea + 1 : ea;
		if (*b != '\0')
			b = *eb == '.' ? eb + 1 : eb;
	}
	return 0;
}

int
ck_policy_path(const char *name, char *buf, size_t size, struct ck_err *err)
{
	size_t i, n = strlen(name);

	if (strchr(name, '/') != NULL || (n > 5 && strcmp(name + n - 5, ".json") == 0)) {
		snprintf(buf, size, "%s", name);
		if (access(buf, R_OK) != 0)
			return ck_err_set(err, CK_E_NOTFOUND, "'%s': no such policy file", name);
		return 0;
	}
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_'))
			return ck_err_set(err, CK_E_USAGE, "'%s': bad policy name (letters, "
			    "digits, - and _; or a path to a .json file)", name);
	return ck_datadir_file("policy", name, "json", buf, size, err);
}

int
ck_policy_load(struct ck_policy *p, const char *name, const char *version,
    struct ck_err *err)
{
	char path[1024];
	json_t *root = NULL, *vers, *blk, *v;
	json_error_t jerr;
	size_t i;
	int rv = -1, found = 0, bad = 0;

	if (ck_policy_path(name, path, sizeof(path), err) != 0)
		return -1;
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		ck_err_set(err, CK_E_PARSE, "'%s': line %d: %s", path, jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		ck_err_set(err, CK_E_PARSE, "'%s': not a JSON object", path);
		goto out;
	}
	v = json_object_get(root, "name");
	snprintf(p->name, sizeof(p->name), "%s", json_is_string(v) ? json_string_value(v) : name);
	v = json_object_get(root, "family");
	if (json_is_string(v) && strcmp(json_string_value(v), "amt") == 0)
		snprintf(p->family, sizeof(p->family), "amt");
	else if (v != NULL && !(json_is_string(v) && strcmp(json_string_value(v), "chain") == 0)) {
		ck_err_set(err, CK_E_PARSE, "'%s': \"family\" is \"amt\" or \"chain\"", path);
		goto out;
	}
	v = json_object_get(root, "ref");
	if (json_is_string(v))
		snprintf(p->ref, sizeof(p->ref), "%s", json_string_value(v));
	if (ck_policy_apply(p, json_object_get(root, "rules"), err) != 0) {
		ck_err_prefix(err, "'%s'", path);
		goto out;
	}
	vers = json_object_get(root, "versions");
	if (vers == NULL) {
		if (version != NULL) {
			ck_err_set(err, CK_E_USAGE, "policy '%s' has no versions", name);
			goto out;
		}
		rv = 0;
		goto out;
	}
	if (version == NULL) {
		v = json_object_get(root, "default_version");
		version = json_is_string(v) ? json_string_value(v) : NULL;
		if (version == NULL) {
			ck_err_set(err, CK_E_USAGE, "policy '%s' needs a version", name);
			goto out;
		}
	}
	if (!ck_version_valid(version)) {
		ck_err_set(err, CK_E_USAGE, "'%s': not a version (like 3.2.1, 11 or 16.1)", version);
		goto out;
	}
	snprintf(p->version, sizeof(p->version), "%s", version);
	json_array_foreach(vers, i, blk) {
		const char *from = json_string_value(json_object_get(blk, "from"));
		const char *to = json_string_value(json_object_get(blk, "to"));

		if (from == NULL) {
			ck_err_set(err, CK_E_PARSE, "'%s': versions[%zu] has no \"from\"", path, i);
			goto out;
		}
		if (ck_version_cmp(version, from, 0, &bad) < 0 && !bad)
			continue;
		if (!bad && to != NULL && ck_version_cmp(version, to, 1, &bad) > 0 && !bad)
			continue;
		if (bad) {
			ck_err_set(err, CK_E_USAGE, "'%s': not a version", version);
			goto out;
		}
		v = json_object_get(blk, "ref");
		if (json_is_string(v))
			snprintf(p->ref, sizeof(p->ref), "%s", json_string_value(v));
		if (ck_policy_apply(p, json_object_get(blk, "rules"), err) != 0) {
			ck_err_prefix(err, "'%s': versions[%zu]", path, i);
			goto out;
		}
		found = 1;
	}
	if (!found) {
		ck_err_set(err, CK_E_USAGE, "policy '%s' does not cover version '%s'", name, version);
		goto out;
	}
	rv = 0;
out:
	json_decref(root);
	return rv;
}

/* ---- judging certificates and paths ---- */

static void
finding(const struct ck_policy *p, int rule, const char *sev, const char *subj, json_t *f,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
finding(const struct ck_policy *p, int rule, const char *sev, const char *subj, json_t *f,
    const char *fmt, ...)
{
	const struct ck_ruledef *d = &ck_policy_ruleset(p->family)->rules[rule];
	char msg[512], full[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s (%s%s%s)", msg, p->name[0] ? p->name : "command line",
	    p->version[0] ? " " : "", p->version);
	json_array_append_new(f, ck_finding_new(d->id, sev != NULL ? sev : d->severity, full,
	    d->ref, subj));
}

/* The digest of a signature algorithm name ("sha1WithRSAEncryption"), NID_undef if none. */
static int
sig_digest(const char *sig_alg)
{
	int md = NID_undef, pk = NID_undef, nid;

	if (sig_alg == NULL || (nid = OBJ_txt2nid(sig_alg)) == NID_undef)
		return NID_undef;
	if (!OBJ_find_sigid_algs(nid, &md, &pk))
		return NID_undef;
	return md;
}

static int
worst_of(json_t *f, size_t from)
{
	int worst = CK_OK;
	size_t i;

	for (i = from; i < json_array_size(f); i++) {
		const char *sev = json_string_value(json_object_get(json_array_get(f, i),
		    "severity"));

		if (sev != NULL && strcmp(sev, "critical") == 0)
			worst = ck_status_worse(worst, CK_CRITICAL);
		else if (sev != NULL && strcmp(sev, "warning") == 0)
			worst = ck_status_worse(worst, CK_WARNING);
	}
	return worst;
}

int
ck_policy_check_cert(const struct ck_policy *p, const json_t *cert, enum ck_policy_pos pos,
    json_t *f)
{
	const json_t *key = json_object_get(cert, "key");
	const char *alg = json_string_value(json_object_get(key, "alg"));
	const char *sig = json_string_value(json_object_get(cert, "sig_alg"));
	const char *subj = json_string_value(json_object_get(json_object_get(cert, "subject"), "dn"));
	long bits = (long)json_integer_value(json_object_get(key, "bits"));
	int rsa_like, is_ca = pos != CK_POL_LEAF, md = sig_digest(sig);
	size_t i, before = json_array_size(f);

	if (alg == NULL)
		alg = "unknown";
	rsa_like = strcmp(alg, "rsa") == 0 || strcmp(alg, "dsa") == 0;
	if (is_ca && p->max_ca_bits > 0 && rsa_like && bits > p->max_ca_bits)
		finding(p, R_CA_BITS, NULL, subj, f, "CA key is %ld-bit %s; the maximum is %ld: "
		    "issue from a CA whose key has at most %ld bits", bits, alg, p->max_ca_bits,
		    p->max_ca_bits);
	if (p->min_bits > 0 && rsa_like && bits < p->min_bits)
		finding(p, R_MIN_BITS, NULL, subj, f, "key is %ld-bit %s; the minimum is %ld",
		    bits, alg, p->min_bits);
	if (pos == CK_POL_LEAF && p->n_leaf_key_bits > 0) {
		char list[128] = "";
		size_t off = 0;
		int ok = 0;

		for (i = 0; i < p->n_leaf_key_bits; i++) {
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%ld",
			    i ? ", " : "", p->leaf_key_bits[i]);
			if (off >= sizeof(list))
				off = sizeof(list) - 1;
			if (strcmp(alg, "rsa") == 0 && bits == p->leaf_key_bits[i])
				ok = 1;
		}
		if (!ok)
			finding(p, R_LEAF_BITS, NULL, subj, f, "leaf key is %ld-bit %s; RSA with "
			    "%s bits is required: request it with one of those sizes", bits, alg, list);
	}
	if (p->expect_min_bits > 0 && rsa_like && bits < p->expect_min_bits)
		finding(p, R_EXPECT_BITS, NULL, subj, f, "key is %ld-bit %s; %ld expected", bits,
		    alg, p->expect_min_bits);
	if (is_ca && p->ca_key_alg[0] != '\0' && strcmp(alg, p->ca_key_alg) != 0)
		finding(p, R_CA_ALG, NULL, subj, f, "CA key algorithm is %s; %s required", alg,
		    p->ca_key_alg);
	if (p->sha1 != 0 && (md == NID_sha1 || md == NID_md5 || md == NID_md5_sha1))
		finding(p, R_SHA1, p->sha1 == CK_CRITICAL ? "critical" : "warning", subj, f,
		    "signed with %s; %s", sig, p->sha1 == CK_CRITICAL ?
		    "SHA-1 and MD5 are not allowed anywhere in the chain: reissue it with SHA-256" :
		    "later firmware refuses SHA-1: reissue it with SHA-256");
	if (p->expect_sig_hash[0] != '\0' && md != NID_undef &&
	    OBJ_sn2nid(p->expect_sig_hash) != md && pos != CK_POL_ANCHOR)
		finding(p, R_EXPECT_HASH, NULL, subj, f, "signed with %s; %s expected", sig,
		    p->expect_sig_hash);
	return worst_of(f, before);
}

int
ck_policy_check_path(const struct ck_policy *p, const json_t *const *certs, size_t n,
    int anchored, json_t *f)
{
	size_t i, before = json_array_size(f);

	for (i = 0; i < n; i++)
		ck_policy_check_cert(p, certs[i], i == 0 ? CK_POL_LEAF :
		    anchored && i == n - 1 ? CK_POL_ANCHOR : CK_POL_CA, f);
	if (p->max_depth > 0 && (long)n > p->max_depth)
		finding(p, R_TOO_LONG, NULL, NULL, f, "path has %zu certificates; the maximum is "
		    "%ld: issue from a CA closer to the root", n, p->max_depth);
	else if (p->warn_depth > 0 && (long)n > p->warn_depth)
		finding(p, R_LONG_PATH, NULL, NULL, f, "path has %zu certificates; more than %ld "
		    "may fail", n, p->warn_depth);
	return worst_of(f, before);
}
