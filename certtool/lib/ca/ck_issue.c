/*
 * ck_issue: local CA operations (see ck_issue.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ck_adcs.h"
#include "ck_clock.h"
#include "ck_issue.h"
#include "ck_key.h"
#include "ck_path.h"
#include "ck_policy.h"
#include "ck_tmpl.h"

/* ---- small helpers ---- */

static const EVP_MD *
md_for(EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);

	if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
		return NULL;
	if (id == EVP_PKEY_EC && EVP_PKEY_get_bits(key) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

static const char *
key_alg(EVP_PKEY *key)
{
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA: return "rsa";
	case EVP_PKEY_EC: return "ec";
	case EVP_PKEY_ED25519: return "ed25519";
	case EVP_PKEY_ED448: return "ed448";
	case EVP_PKEY_DSA: return "dsa";
	default: return "unknown";
	}
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, struct ck_err *err)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

	if (e == NULL)
		return ck_err_ssl(err, CK_E_CRYPTO, "extension %s '%s'", OBJ_nid2sn(nid), value);
	if (!X509_add_ext(x, e, -1)) {
		X509_EXTENSION_free(e);
		return ck_err_ssl(err, CK_E_CRYPTO, "extension %s", OBJ_nid2sn(nid));
	}
	X509_EXTENSION_free(e);
	return 0;
}

/* Appends s to a growing comma list in buf. */
static int
list_add(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);
	int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", s);

	return (w < 0 || (size_t)w >= cap - n) ? -1 : 0;
}

/* Random positive serial of 16 bytes: top bit clear, next bit set (32 hex digits). */
BIGNUM *
ck_issue_serial(char **hex, struct ck_err *err)
{
	unsigned char b[16];
	BIGNUM *bn;
	char *h;
	size_t i;

	if (RAND_bytes(b, sizeof(b)) != 1) {
		ck_err_ssl(err, CK_E_CRYPTO, "random serial");
		return NULL;
	}
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x40);
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL ||
	    (h = BN_bn2hex(bn)) == NULL) {
		BN_free(bn);
		ck_err_ssl(err, CK_E_NOMEM, "random serial");
		return NULL;
	}
	*hex = strdup(h);
	OPENSSL_free(h);
	if (*hex == NULL) {
		BN_free(bn);
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; (*hex)[i]; i++)
		if ((*hex)[i] >= 'A' && (*hex)[i] <= 'F')
			(*hex)[i] = (char)((*hex)[i] - 'A' + 'a');
	return bn;
}

/* ---- distinguished names ---- */

char *
ck_dn_string(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *s = NULL;
	long len;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(b, &p);
		if ((s = malloc((size_t)len + 1)) != NULL) {
			memcpy(s, p, (size_t)len);
			s[len] = '\0';
		}
	}
	BIO_free(b);
	return s;
}

/* ---- keys ---- */

/*
 * A CA key of algorithm alg and bits against policy NAME (policy/NAME.json,
 * ck_policy.h; the AMT policy at its default version): its ca_key_alg and
 * max_ca_bits, the same numbers cert-chain and cert-lint judge chains with.
 */
static int
policy_verdict(const char *name, const char *alg, int bits, const char *what,
    struct ck_err *err)
{
	struct ck_policy p;
	char want[sizeof(p.ca_key_alg)];
	size_t i;

	ck_policy_init(&p);
	if (ck_policy_load(&p, name, NULL, err) != 0) {
		if (err->code == CK_E_NOTFOUND)
			err->code = CK_E_USAGE;
		return -1;
	}
	for (i = 0; i + 1 < sizeof(want) && p.ca_key_alg[i] != '\0'; i++)
		want[i] = (char)toupper((unsigned char)p.ca_key_alg[i]);
	want[i] = '\0';
	if (p.ca_key_alg[0] != '\0' && strcmp(alg, p.ca_key_alg) != 0)
		return ck_err_set(err, CK_E_POLICY, "policy %s %s: %s key is %s; %s CA keys of at "
		    "most %ld bits are required", p.name, p.version, what, alg, want, p.max_ca_bits);
	if (p.max_ca_bits > 0 && (strcmp(alg, "rsa") == 0 || strcmp(alg, "dsa") == 0) &&
	    bits > p.max_ca_bits)
		return ck_err_set(err, CK_E_POLICY, "policy %s %s: %s key is %s %d bits; AMT cannot "
		    "use CA keys longer than %ld bits", p.name, p.version, what, alg, bits,
		    p.max_ca_bits);
	return 0;
}

int
ck_policy_check_key(const char *policy, EVP_PKEY *key, const char *what,
    struct ck_err *err)
{
	if (policy == NULL)
		return 0;
	return policy_verdict(policy, key_alg(key), EVP_PKEY_get_bits(key), what, err);
}

static EVP_PKEY *
keygen(const char *type, int bits, struct ck_err *err)
{
	EVP_PKEY *k = NULL;

	if (type == NULL || strcmp(type, "rsa") == 0) {
		if (bits == 0)
			bits = 2048;
		if (bits < 1024 || bits > 16384) {
			ck_err_set(err, CK_E_USAGE, "RSA key size %d out of range 1024..16384", bits);
			return NULL;
		}
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (strcmp(type, "ec") == 0) {
		const char *curve;
		switch (bits) {
		case 0: case 256: curve = "P-256"; break;
		case 384: curve = "P-384"; break;
		case 521: curve = "P-521"; break;
		default:
			ck_err_set(err, CK_E_USAGE, "EC key size %d: use 256, 384 or 521", bits);
			return NULL;
		}
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	} else {
		ck_err_set(err, CK_E_USAGE, "unknown key type '%s' (rsa|ec)", type);
		return NULL;
	}
	if (k == NULL)
		ck_err_ssl(err, CK_E_CRYPTO, "key generation");
	return k;
}

/* Policy check before generating: the same verdict as ck_policy_check_key. */
static int
policy_precheck(const char *policy, const char *type, int bits, struct ck_err *err)
{
	if (policy == NULL)
		return 0;
	return policy_verdict(policy, type != NULL ? type : "rsa", bits, "the new", err);
}

static int
write_key(const char *path, EVP_PKEY *key, const char *password, struct ck_err *err)
{
	FILE *fp;
	int fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
	}
	if (password) {
		ck_key_ciphers();	/* PBES2 names its cipher by object identifier */
		ok = PEM_write_PKCS8PrivateKey(fp, key, EVP_aes_256_cbc(), NULL, 0, NULL,
		    (void *)password);
	} else
		ok = PEM_write_PKCS8PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	/* On disk before the directory holding it is renamed into place. */
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		ok = 0;
	if (fclose(fp) != 0 || !ok)
		return ck_err_ssl(err, CK_E_IO, "'%s': cannot write key", path);
	return 0;
}

static int
write_certs(const char *path, X509 *const *v, size_t n, struct ck_err *err)
{
	FILE *fp;
	size_t i;
	int fd, ok = 1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1)
		return ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
	}
	for (i = 0; i < n; i++)
		ok &= PEM_write_X509(fp, v[i]);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		ok = 0;
	if (fclose(fp) != 0 || !ok)
		return ck_err_ssl(err, CK_E_IO, "'%s': cannot write", path);
	return 0;
}

/*
 * Sets notBefore = start and notAfter = end, or start + days when end is 0.
 * A computed end never outlives the issuer (it is cut to the issuer's
 * notAfter); an explicit end after the issuer's is refused, since the
 * caller asked for that exact date.
 */
static int
set_validity(X509 *x, time_t start, time_t end, long days, X509 *issuer,
    char *not_after, struct ck_err *err)
{
	time_t iend;

	if (end == 0)
		end = start + (time_t)days * 86400;
	if (end <= start)
		return ck_err_set(err, CK_E_USAGE, "notAfter must be later than notBefore");
	if (issuer && ck_asn1_time(X509_get0_notAfter(issuer), &iend) == 0 && iend < end) {
		if (days == 0) {
			char a[CK_TIME_LEN], b[CK_TIME_LEN];
			ck_time_format(end, a);
			ck_time_format(iend, b);
			return ck_err_set(err, CK_E_POLICY,
			    "notAfter %s is later than the issuing CA's notAfter %s", a, b);
		}
		end = iend;	/* never outlive the issuer */
	}
	if (!ASN1_TIME_set(X509_getm_notBefore(x), start) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), end))
		return ck_err_ssl(err, CK_E_CRYPTO, "validity");
	if (not_after)
		ck_time_format(end, not_after);
	return 0;
}

static int
add_aia_cdp(X509 *x, X509V3_CTX *ctx, const struct ck_ca *ca, struct ck_err *err)
{
	char buf[2048] = "";

	if (ca == NULL)
		return 0;
	if (ca->aia_url || ca->ocsp_url) {
		char item[1024];
		if (ca->aia_url) {
			snprintf(item, sizeof(item), "caIssuers;URI:%s", ca->aia_url);
			if (list_add(buf, sizeof(buf), item) == -1)
				return ck_err_set(err, CK_E_LIMIT, "aia url too long");
		}
		if (ca->ocsp_url) {
			snprintf(item, sizeof(item), "OCSP;URI:%s", ca->ocsp_url);
			if (list_add(buf, sizeof(buf), item) == -1)
				return ck_err_set(err, CK_E_LIMIT, "ocsp url too long");
		}
		if (add_ext(x, ctx, NID_info_access, buf, err) == -1)
			return -1;
	}
	if (ca->crl_url) {
		snprintf(buf, sizeof(buf), "URI:%s", ca->crl_url);
		if (add_ext(x, ctx, NID_crl_distribution_points, buf, err) == -1)
			return -1;
	}
	return 0;
}

/* Removes a CA directory this init made (its known files, then itself). */
static void
init_remove(const char *dir)
{
	static const char *const files[] = { CK_CA_KEY_FILE, CK_CA_CERT_FILE, CK_CA_CHAIN_FILE,
	    CK_LEDGER_FILE, CK_LEDGER_FILE "-wal", CK_LEDGER_FILE "-shm",
	    CK_LEDGER_FILE "-journal" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = ck_path_join(dir, files[i]);

		if (p != NULL)
			unlink(p);
		free(p);
	}
	rmdir(dir);
}

/* A new empty directory ".BASE.init-XXXXXX" beside dir (malloc'd path). */
static char *
init_tmpdir(const char *dir, struct ck_err *err)
{
	const char *slash;
	size_t n = strlen(dir);
	char *t;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	slash = memrchr(dir, '/', n);
	if ((t = malloc(n + 32)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if (slash == NULL)
		snprintf(t, n + 32, ".%.*s.init-XXXXXX", (int)n, dir);
	else
		snprintf(t, n + 32, "%.*s.%.*s.init-XXXXXX", (int)(slash - dir + 1), dir,
		    (int)(n - (size_t)(slash - dir) - 1), slash + 1);
	if (mkdtemp(t) == NULL) {
		ck_err_set(err, CK_E_IO, "'%s': cannot create a directory beside it: %s", dir,
		    strerror(errno));
		free(t);
		return NULL;
	}
	return t;
}

/* fsync of a directory (its entries), by path. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Renames the finished tmp to dir (an absent or empty directory) and syncs both. */
static int
init_commit(const char *tmp, const char *dir, struct ck_err *err)
{
	char *parent = strdup(dir), *slash;

	if (parent == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	if (sync_dir(tmp) != 0 || rename(tmp, dir) != 0) {
		int e = errno;

		free(parent);
		if (e == ENOTEMPTY || e == EEXIST)
			return ck_err_set(err, CK_E_IO, "'%s': not empty; a CA goes into a new "
			    "or empty directory", dir);
		return ck_err_set(err, CK_E_IO, "'%s': %s", dir, strerror(e));
	}
	while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0' && slash != parent)
		*slash = '\0';
	slash = strrchr(parent, '/');
	if (slash == NULL)
		memcpy(parent, ".", 2);	/* strdup(dir) holds at least 2 bytes */
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (sync_dir(parent) != 0) {
		free(parent);
		return ck_err_set(err, CK_E_IO, "'%s': cannot sync its directory: %s", dir,
		    strerror(errno));
	}
	free(parent);
	return 0;
}

static int
check_url(const char *u, const char *what, struct ck_err *err)
{
	if (u == NULL)
		return 0;
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0 &&
	    strncmp(u, "ldap://", 7) != 0)
		return ck_err_set(err, CK_E_USAGE, "%s '%s': not an http(s):// or ldap:// URL", what, u);
	if (strpbrk(u, ", \t\n") || strlen(u) > 900)
		return ck_err_set(err, CK_E_USAGE, "%s '%s': commas, spaces and long URLs are not allowed", what, u);
	return 0;
}

int
ck_ca_init(const struct ck_ca_init_opts *o, struct ck_err *err)
{
	static const char *const files[] = { CK_CA_KEY_FILE, CK_CA_CERT_FILE,
	    CK_CA_CHAIN_FILE, CK_LEDGER_FILE };
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	X509V3_CTX ctx;
	struct ck_ledger *l = NULL;
	BIGNUM *bn = NULL;
	char *serial = NULL, *subj = NULL, *p = NULL, not_after[CK_TIME_LEN];
	char bc[64] = "critical,CA:TRUE", *tmp = NULL;
	unsigned char *der = NULL;
	int rv = -1, len, kbits = o->bits;
	long days = o->days ? o->days : (o->parent ? 1825 : 3650);
	size_t i;

	if (o->key_type == NULL || strcmp(o->key_type, "rsa") == 0)
		kbits = kbits ? kbits : 2048;
	if (policy_precheck(o->policy, o->key_type, kbits, err) == -1)
		return -1;
	if (o->parent && ck_policy_check_key(o->policy, X509_get0_pubkey(o->parent->cert),
	    "parent CA", err) == -1)
		return -1;
	if (check_url(o->aia_url, "--aia-url", err) == -1 ||
	    check_url(o->crl_url, "--crl-url", err) == -1 ||
	    check_url(o->ocsp_url, "--ocsp-url", err) == -1)
		return -1;
	if ((name = ck_dn_parse(o->subject, err)) == NULL)
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;

		free(p);
		if ((p = ck_path_join(o->dir, files[i])) == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		/* lstat: a dangling symbolic link is something in the way, too. */
		if (lstat(p, &st) == 0) {
			ck_err_set(err, CK_E_IO, "'%s': exists; a CA is already set up in '%s'", p, o->dir);
			goto out;
		}
	}
	/*
	 * The new CA is built in a directory beside DIR and renamed into place
	 * whole: killed at any moment, init leaves either no CA or a complete
	 * one (a hidden .NAME.init-XXXXXX beside DIR may remain; it is never
	 * read).  DIR itself may exist if it is empty.
	 */
	if ((tmp = init_tmpdir(o->dir, err)) == NULL)
		goto out;
	if ((key = keygen(o->key_type, o->bits, err)) == NULL)
		goto out;
	if (ck_policy_check_key(o->policy, key, "CA", err) == -1)
		goto out;
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    (bn = ck_issue_serial(&serial, err)) == NULL ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, o->parent ? X509_get_subject_name(o->parent->cert) : name) ||
	    !X509_set_pubkey(x, key)) {
		if (err->code == CK_E_NONE)
			ck_err_ssl(err, CK_E_CRYPTO, "building the CA certificate");
		goto out;
	}
	if (set_validity(x, o->not_before ? o->not_before : o->now, o->not_after,
	    o->not_after ? 0 : days, o->parent ? o->parent->cert : NULL, not_after, err) == -1)
		goto out;
	X509V3_set_ctx(&ctx, o->parent ? o->parent->cert : x, x, NULL, NULL, 0);
	if (o->path_len >= 0)
		snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d", o->path_len);
	if (add_ext(x, &ctx, NID_basic_constraints, bc, err) == -1 ||
	    add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign", err) == -1 ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash", err) == -1 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err) == -1)
		goto out;
	if (o->parent && add_aia_cdp(x, &ctx, o->parent, err) == -1)
		goto out;
	if (!X509_sign(x, o->parent ? o->parent->key : key,
	    md_for(o->parent ? o->parent->key : key))) {
		ck_err_ssl(err, CK_E_CRYPTO, "signing the CA certificate");
		goto out;
	}
	free(p);
	p = ck_path_join(tmp, CK_CA_KEY_FILE);
	if (p == NULL || write_key(p, key, o->password, err) == -1)
		goto out;
	free(p);
	p = ck_path_join(tmp, CK_CA_CERT_FILE);
	if (p == NULL || write_certs(p, &x, 1, err) == -1)
		goto out;
	if (o->parent) {
		X509 *v[2] = { x, o->parent->cert };
		free(p);
		p = ck_path_join(tmp, CK_CA_CHAIN_FILE);
		if (p == NULL || write_certs(p, v, 2, err) == -1)
			goto out;
	}
	free(p);
	if ((p = ck_path_join(tmp, CK_LEDGER_FILE)) == NULL ||
	    (l = ck_ledger_create(p, err)) == NULL)
		goto out;
	if ((o->aia_url && ck_ledger_config_set(l, "aia_url", o->aia_url, err) == -1) ||
	    (o->crl_url && ck_ledger_config_set(l, "crl_url", o->crl_url, err) == -1) ||
	    (o->ocsp_url && ck_ledger_config_set(l, "ocsp_url", o->ocsp_url, err) == -1) ||
	    (o->policy && ck_ledger_config_set(l, "policy", o->policy, err) == -1) ||
	    ck_ledger_config_set(l, "subject", o->subject, err) == -1)
		goto out;
	ck_ledger_close(l);
	l = NULL;
	if (init_commit(tmp, o->dir, err) == -1)
		goto out;
	free(tmp);
	tmp = NULL;
	/*
	 * Only a CA that exists whole is recorded in its parent's ledger (was:
	 * recorded first, then the key write could fail, leaving an issued CA
	 * certificate without a key).  If recording fails, the new CA goes again.
	 */
	if (o->parent) {
		struct ck_ledger_row r;
		char at[CK_TIME_LEN];

		if ((len = i2d_X509(x, &der)) <= 0) {
			ck_err_ssl(err, CK_E_CRYPTO, "encoding");
			init_remove(o->dir);
			goto out;
		}
		subj = ck_dn_string(X509_get_subject_name(x));
		memset(&r, 0, sizeof(r));
		r.template = "subordinate-ca";
		r.subject = subj ? subj : "";
		r.serial = serial;
		r.der = der;
		r.der_len = (size_t)len;
		r.not_after = not_after;
		ck_time_format(o->now, at);
		if (ck_ledger_issue(o->parent_ledger, &r, at, o->who, NULL, err) != 0) {
			ck_err_prefix(err, "parent ledger");
			init_remove(o->dir);
			goto out;
		}
	}
	rv = 0;
out:
	ck_ledger_close(l);
	if (tmp != NULL) {
		init_remove(tmp);
		free(tmp);
	}
	EVP_PKEY_free(key);
	X509_free(x);
	X509_NAME_free(name);
	BN_free(bn);
	free(serial);
	free(subj);
	free(p);
	OPENSSL_free(der);
	return rv;
}

struct ck_ca *
ck_ca_open(const char *dir, struct ck_ledger *l, struct ck_err *err)
{
	struct ck_ca *ca = calloc(1, sizeof(*ca));
	char *p = NULL;
	FILE *fp;

	if (ca == NULL || (ca->dir = strdup(dir)) == NULL ||
	    (p = ck_path_join(dir, CK_CA_CERT_FILE)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((fp = fopen(p, "r")) == NULL) {
		ck_err_set(err, CK_E_IO, "'%s': %s", p, strerror(errno));
		goto fail;
	}
	ca->cert = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (ca->cert == NULL) {
		ck_err_ssl(err, CK_E_PARSE, "'%s': not a PEM certificate", p);
		goto fail;
	}
	if (l && (ck_ledger_config_get(l, "aia_url", &ca->aia_url, err) == -1 ||
	    ck_ledger_config_get(l, "crl_url", &ca->crl_url, err) == -1 ||
	    ck_ledger_config_get(l, "ocsp_url", &ca->ocsp_url, err) == -1 ||
	    ck_ledger_config_get(l, "policy", &ca->policy, err) == -1))
		goto fail;
	free(p);
	return ca;
fail:
	free(p);
	ck_ca_free(ca);
	return NULL;
}

struct pw_ctx {
	const char *password;
	int asked;
};

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	struct pw_ctx *c = u;
	size_t n;

	(void)rwflag;
	c->asked = 1;
	if (c->password == NULL)
		return -1;
	n = strlen(c->password);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, c->password, n);
	return (int)n;
}

/* The CA key file's size limit: a 16384-bit RSA key in PEM is about 13 KiB. */
#define CK_CA_KEY_MAX (256 * 1024)

/* The CA key from fp (ck_key_read_pem), of the certificate's key type. */
static EVP_PKEY *
read_key(FILE *fp, EVP_PKEY *pub, struct pw_ctx *c)
{
	const char *type = pub != NULL ? EVP_PKEY_get0_type_name(pub) : NULL;
	char *buf = malloc(CK_CA_KEY_MAX);
	EVP_PKEY *key = NULL;
	size_t n;

	if (buf == NULL)
		return NULL;
	n = fread(buf, 1, CK_CA_KEY_MAX, fp);
	if (n > 0 && n < CK_CA_KEY_MAX && !ferror(fp))
		key = ck_key_read_pem(buf, n, type, pw_cb, c);
	OPENSSL_cleanse(buf, n);
	free(buf);
	return key;
}

int
ck_ca_load_key(struct ck_ca *ca, const char *password, struct ck_err *err)
{
	struct pw_ctx c = { password, 0 };
	char *p = ck_path_join(ca->dir, CK_CA_KEY_FILE);
	FILE *fp;

	if (p == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	if ((fp = fopen(p, "r")) == NULL) {
		ck_err_set(err, CK_E_IO, "'%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	ca->key = read_key(fp, X509_get0_pubkey(ca->cert), &c);
	fclose(fp);
	if (ca->key == NULL) {
		ERR_clear_error();
		if (c.asked && password == NULL)
			ck_err_set(err, CK_E_PASSWORD, "'%s': the CA key is encrypted: give --key-password-file", p);
		else if (c.asked)
			ck_err_set(err, CK_E_PASSWORD, "'%s': wrong password for the CA key", p);
		else
			ck_err_set(err, CK_E_PARSE, "'%s': not a PEM private key", p);
		free(p);
		return -1;
	}
	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		ERR_clear_error();
		ck_err_set(err, CK_E_CRYPTO, "'%s': key does not match %s", p, CK_CA_CERT_FILE);
		free(p);
		EVP_PKEY_free(ca->key);
		ca->key = NULL;
		return -1;
	}
	free(p);
	return 0;
}

void
ck_ca_free(struct ck_ca *ca)
{
	if (ca == NULL)
		return;
	free(ca->dir);
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca->aia_url);
	free(ca->crl_url);
	free(ca->ocsp_url);
	free(ca->policy);
	free(ca);
}

/* ---- CSRs ---- */

static X509_REQ *
csr_verify(X509_REQ *req, const char *what, struct ck_err *err)
{
	EVP_PKEY *k = X509_REQ_get0_pubkey(req);

	if (k == NULL) {
		X509_REQ_free(req);
		ck_err_ssl(err, CK_E_PARSE, "%s: unreadable public key", what);
		return NULL;
	}
	if (X509_REQ_verify(req, k) != 1) {
		X509_REQ_free(req);
		ERR_clear_error();
		ck_err_set(err, CK_E_POLICY, "%s: bad CSR signature (the request was altered or not signed by its key)", what);
		return NULL;
	}
	return req;
}

X509_REQ *
ck_csr_from_der(const unsigned char *der, size_t len, struct ck_err *err)
{
	const unsigned char *p = der;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)len);

	if (req == NULL || p != der + len) {
		X509_REQ_free(req);
		ck_err_ssl(err, CK_E_PARSE, "not a certificate request");
		return NULL;
	}
	return csr_verify(req, "request", err);
}

X509_REQ *
ck_csr_read(const char *path, struct ck_err *err)
{
	BIO *b = strcmp(path, "-") == 0 ? BIO_new_fp(stdin, BIO_NOCLOSE) : BIO_new_file(path, "rb");
	X509_REQ *req = NULL;
	unsigned char buf[65536];
	int n, total = 0;

	if (b == NULL) {
		ERR_clear_error();
		ck_err_set(err, CK_E_IO, "%s", strerror(errno ? errno : ENOENT));
		return NULL;
	}
	while (total < (int)sizeof(buf) && (n = BIO_read(b, buf + total, (int)sizeof(buf) - total)) > 0)
		total += n;
	BIO_free(b);
	if (total == (int)sizeof(buf)) {
		ck_err_set(err, CK_E_LIMIT, "request larger than %zu bytes", sizeof(buf));
		return NULL;
	}
	if (total > 10 && memmem(buf, (size_t)total, "-----BEGIN", 10)) {
		BIO *m = BIO_new_mem_buf(buf, total);
		if (m)
			req = PEM_read_bio_X509_REQ(m, NULL, NULL, NULL);
		BIO_free(m);
		if (req == NULL) {
			ck_err_ssl(err, CK_E_PARSE, "not a PEM certificate request");
			return NULL;
		}
		return csr_verify(req, "request", err);
	}
	return ck_csr_from_der(buf, (size_t)total, err);
}

/* ---- templates ---- */

static uint32_t
tmpl_flags(const json_t *tmpl, enum ck_adcs_attr attr, const char *field)
{
	const json_t *v = json_object_get(tmpl, field);
	struct ck_err e;
	uint32_t out = 0;

	if (v == NULL || ck_adcs_flags_value(attr, v, &out, &e) == -1)
		return 0;
	return out;
}

int
ck_issue_pending(const json_t *tmpl)
{
	json_int_t ra = json_integer_value(json_object_get(tmpl, "ra_signatures"));

	return (tmpl_flags(tmpl, CK_ADCS_ENROLLMENT_FLAG, "enrollment_flag") &
	    CK_ADCS_PEND_ALL_REQUESTS) != 0 || ra > 0;
}

int
ck_issue_enrollee_subject(const json_t *tmpl)
{
	return (tmpl_flags(tmpl, CK_ADCS_NAME_FLAG, "name_flag") &
	    CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT) != 0;
}

int
ck_issue_enrollee_san(const json_t *tmpl)
{
	return (tmpl_flags(tmpl, CK_ADCS_NAME_FLAG, "name_flag") &
	    (CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT | CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME)) != 0;
}

/* The key algorithm a template demands: its key_algorithm/key_type field, else RSA for schema 1-2. */
static const char *
tmpl_key_alg(const json_t *tmpl)
{
	const char *a = json_string_value(json_object_get(tmpl, "key_alg"));

	if (a == NULL)
		a = json_string_value(json_object_get(tmpl, "key_algorithm"));

	if (a == NULL)
		a = json_string_value(json_object_get(tmpl, "key_type"));
	if (a)
		return a;
	/* Version 1 and 2 templates use legacy CSPs: RSA only. */
	if (json_integer_value(json_object_get(tmpl, "schema_version")) < 3)
		return "rsa";
	return NULL;
}

int
ck_csr_check(X509_REQ *req, const json_t *tmpl, struct ck_err *err)
{
	EVP_PKEY *k = X509_REQ_get0_pubkey(req);
	const char *want = tmpl_key_alg(tmpl), *tn;
	json_int_t min = json_integer_value(json_object_get(tmpl, "min_key_bits"));

	tn = json_string_value(json_object_get(tmpl, "name"));
	if (k == NULL)
		return ck_err_set(err, CK_E_PARSE, "request has no usable public key");
	if (want && strcasecmp(want, key_alg(k)) != 0)
		return ck_err_set(err, CK_E_POLICY, "template '%s' needs a %s key; the request has %s",
		    tn, want, key_alg(k));
	if (min > 0 && EVP_PKEY_get_bits(k) < min)
		return ck_err_set(err, CK_E_POLICY,
		    "template '%s' needs keys of at least %lld bits; the request has %s %d bits",
		    tn, (long long)min, key_alg(k), EVP_PKEY_get_bits(k));
	return 0;
}

/* ---- certificate building ---- */

static const struct { const char *name, *oid; } eku_names[] = {
	{ "server_auth", "1.3.6.1.5.5.7.3.1" },
	{ "client_auth", "1.3.6.1.5.5.7.3.2" },
	{ "code_signing", "1.3.6.1.5.5.7.3.3" },
	{ "email_protection", "1.3.6.1.5.5.7.3.4" },
	{ "ipsec_ike", "1.3.6.1.5.5.7.3.17" },
	{ "time_stamping", "1.3.6.1.5.5.7.3.8" },
	{ "ocsp_signing", "1.3.6.1.5.5.7.3.9" },
	{ "amt_provisioning", "2.16.840.1.113741.1.2.3" },
	{ "smart_card_logon", "1.3.6.1.4.1.311.20.2.2" },
	{ "certificate_request_agent", "1.3.6.1.4.1.311.20.2.1" },
	{ "pkinit_client", "1.3.6.1.5.2.3.4" },
	{ "pkinit_kdc", "1.3.6.1.5.2.3.5" },
	{ "efs", "1.3.6.1.4.1.311.10.3.4" },
	{ "any_purpose", "2.5.29.37.0" },
};

static const struct { const char *name, *conf; } ku_names[] = {
	{ "digital_signature", "digitalSignature" },
	{ "non_repudiation", "nonRepudiation" },
	{ "key_encipherment", "keyEncipherment" },
	{ "data_encipherment", "dataEncipherment" },
	{ "key_agreement", "keyAgreement" },
	{ "key_cert_sign", "keyCertSign" },
	{ "crl_sign", "cRLSign" },
	{ "encipher_only", "encipherOnly" },
	{ "decipher_only", "decipherOnly" },
};

static int
is_dotted(const char *s)
{
	size_t i;

	if (!*s)
		return 0;
	for (i = 0; s[i]; i++)
		if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return strchr(s, '.') != NULL;
}

int
ck_issue_eku_conf(const json_t *tmpl, char *buf, size_t cap, struct ck_err *err)
{
	const json_t *a = json_object_get(tmpl, "eku"), *v;
	size_t i, k;

	buf[0] = '\0';
	if (!json_is_array(a) || json_array_size(a) == 0)
		a = json_object_get(tmpl, "application_policies");
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v), *oid = NULL;
		if (s == NULL)
			return ck_err_set(err, CK_E_PARSE, "template eku: not a string");
		oid = ck_tmpl_eku_oid(s);
		for (k = 0; !oid && k < sizeof(eku_names) / sizeof(eku_names[0]); k++)
			if (strcmp(s, eku_names[k].name) == 0)
				oid = eku_names[k].oid;
		if (oid == NULL && is_dotted(s))
			oid = s;
		if (oid == NULL)
			return ck_err_set(err, CK_E_PARSE, "template eku '%s': unknown name (use a dotted OID)", s);
		if (list_add(buf, cap, oid) == -1)
			return ck_err_set(err, CK_E_LIMIT, "template eku: too many");
	}
	return 0;
}

int
ck_issue_ku_conf(const json_t *tmpl, char *buf, size_t cap, struct ck_err *err)
{
	const json_t *a = json_object_get(tmpl, "key_usage"), *v;
	size_t i, k;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v), *c = NULL;
		for (k = 0; s && k < sizeof(ku_names) / sizeof(ku_names[0]); k++)
			if (strcmp(s, ku_names[k].name) == 0 || strcmp(s, ku_names[k].conf) == 0)
				c = ku_names[k].conf;
		if (c == NULL)
			return ck_err_set(err, CK_E_PARSE, "template key_usage '%s': unknown name",
			    s ? s : "?");
		if (list_add(buf, cap, c) == -1)
			return ck_err_set(err, CK_E_LIMIT, "template key_usage: too many");
	}
	return 0;
}

/* "dns:a,ip:1.2.3.4" -> "DNS:a,IP:1.2.3.4" as OpenSSL's subjectAltName syntax wants. */
int
ck_issue_san_conf(const char *san, char *buf, size_t cap, struct ck_err *err)
{
	static const struct { const char *in, *out; } map[] = {
		{ "dns:", "DNS:" }, { "ip:", "IP:" }, { "email:", "email:" },
		{ "uri:", "URI:" }, { "upn:", "otherName:msUPN;UTF8:" },
	};
	const char *s = san;

	buf[0] = '\0';
	while (*s) {
		const char *e = strchr(s, ','), *pre = NULL;
		size_t n = e ? (size_t)(e - s) : strlen(s), k, pl = 0, used;
		while (*s == ' ' && n) {
			s++;
			n--;
		}
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			pl = strlen(map[k].in);
			if (n > pl && strncasecmp(s, map[k].in, pl) == 0) {
				pre = map[k].out;
				break;
			}
		}
		if (pre == NULL)
			return ck_err_set(err, CK_E_USAGE,
			    "bad --san item '%.*s': use dns:, ip:, email:, uri: or upn:", (int)n, s);
		used = strlen(buf);
		if (snprintf(buf + used, cap - used, "%s%s%.*s", used ? "," : "", pre,
		    (int)(n - pl), s + pl) >= (int)(cap - used))
			return ck_err_set(err, CK_E_LIMIT, "--san too long");
		s = e ? e + 1 : s + n;
	}
	return 0;
}

int
ck_issue_precheck(const struct ck_issue_req *r, struct ck_err *err)
{
	char buf[4096];
	const char *tn = json_string_value(json_object_get(r->tmpl, "name"));

	if (ck_issue_eku_conf(r->tmpl, buf, sizeof(buf), err) == -1 ||
	    ck_issue_ku_conf(r->tmpl, buf, sizeof(buf), err) == -1)
		return -1;
	if (ck_issue_enrollee_subject(r->tmpl)) {
		if (r->subject)
			return ck_err_set(err, CK_E_USAGE,
			    "template '%s' takes the subject from the request: --subject not allowed", tn);
		if (X509_NAME_entry_count(X509_REQ_get_subject_name(r->csr)) == 0)
			return ck_err_set(err, CK_E_POLICY,
			    "template '%s' takes the subject from the request, and the request has none", tn);
	} else if (r->subject == NULL) {
		return ck_err_set(err, CK_E_USAGE,
		    "template '%s' does not take the subject from the request: give --subject", tn);
	}
	if (r->san && ck_issue_enrollee_san(r->tmpl))
		return ck_err_set(err, CK_E_USAGE,
		    "template '%s' takes the subject alternative names from the request: --san not allowed", tn);
	if (r->subject) {
		X509_NAME *n = ck_dn_parse(r->subject, err);
		if (n == NULL)
			return -1;
		X509_NAME_free(n);
	}
	if (r->san && ck_issue_san_conf(r->san, buf, sizeof(buf), err) == -1)
		return -1;
	return 0;
}

/* Copies the subjectAltName extension of the CSR (if any) into x. */
static int
copy_csr_san(X509 *x, X509_REQ *req, struct ck_err *err)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	int i, rv = 0;

	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) == NID_subject_alt_name) {
			if (!X509_add_ext(x, e, -1))
				rv = ck_err_ssl(err, CK_E_CRYPTO, "subjectAltName");
			break;
		}
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return rv;
}

/*
 * The request's SubjectPublicKeyInfo, copied into x as it is (algorithm,
 * parameters, key bits).  X509_set_pubkey would re-encode the key through
 * OpenSSL 3's encoder and decode the result again (about a third of a
 * millisecond and a search of every provider's encoders and decoders per
 * process) to produce the same bytes.
 */
static int
copy_spki(X509 *x, X509_REQ *req)
{
	const X509_PUBKEY *from = X509_REQ_get_X509_PUBKEY(req);
	X509_PUBKEY *to = X509_get_X509_PUBKEY(x);
	const unsigned char *bits;
	unsigned char *copy;
	X509_ALGOR *alg;
	ASN1_OBJECT *obj;
	const ASN1_OBJECT *aobj;
	const void *pval;
	void *pdup = NULL;
	int ptype, len;

	if (from == NULL || to == NULL ||
	    !X509_PUBKEY_get0_param(NULL, &bits, &len, &alg, from) || len <= 0)
		return -1;
	X509_ALGOR_get0(&aobj, &ptype, &pval, alg);
	if ((obj = OBJ_dup(aobj)) == NULL)
		return -1;
	if (ptype == V_ASN1_OBJECT)
		pdup = OBJ_dup(pval);
	else if (ptype == V_ASN1_SEQUENCE)
		pdup = ASN1_STRING_dup(pval);
	if ((ptype == V_ASN1_OBJECT || ptype == V_ASN1_SEQUENCE) && pdup == NULL) {
		ASN1_OBJECT_free(obj);
		return -1;
	}
	if ((copy = OPENSSL_memdup(bits, (size_t)len)) == NULL ||
	    !X509_PUBKEY_set0_param(to, obj, ptype, pdup, copy, len)) {
		OPENSSL_free(copy);
		ASN1_OBJECT_free(obj);
		if (ptype == V_ASN1_OBJECT)
			ASN1_OBJECT_free(pdup);
		else
			ASN1_STRING_free(pdup);
		return -1;
	}
	return 0;
}

int
ck_issue_cert(struct ck_ca *ca, const struct ck_issue_req *r,
    unsigned char **der, size_t *len, char **serial, char **subject,
    char *not_after, struct ck_err *err)
{
	X509 *x = NULL;
	X509_NAME *name = NULL;
	BIGNUM *bn = NULL;
	X509V3_CTX ctx;
	char buf[4096];
	unsigned char *d = NULL;
	long days = r->days;
	int rv = -1, n;

	*der = NULL;
	*serial = NULL;
	*subject = NULL;
	if (ca->key == NULL)
		return ck_err_set(err, CK_E_USAGE, "CA key not loaded");
	if (ck_issue_precheck(r, err) == -1)
		return -1;
	if (days <= 0)
		days = (long)json_integer_value(json_object_get(r->tmpl, "validity_days"));
	if (days <= 0)
		days = 365;
	if (ck_issue_enrollee_subject(r->tmpl))
		name = X509_NAME_dup(X509_REQ_get_subject_name(r->csr));
	else
		name = ck_dn_parse(r->subject, err);
	if (name == NULL) {
		if (err->code == CK_E_NONE)
			ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    (bn = ck_issue_serial(serial, err)) == NULL ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) ||
	    copy_spki(x, r->csr) == -1) {
		if (err->code == CK_E_NONE)
			ck_err_ssl(err, CK_E_CRYPTO, "building the certificate");
		goto out;
	}
	if (set_validity(x, r->not_before ? r->not_before : r->now, r->not_after,
	    r->not_after ? 0 : days, ca->cert, not_after, err) == -1)
		goto out;
	X509V3_set_ctx(&ctx, ca->cert, x, NULL, NULL, 0);
	if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE", err) == -1)
		goto out;
	if (ck_issue_ku_conf(r->tmpl, buf, sizeof(buf), err) == -1)
		goto out;
	if (buf[0]) {
		char v[4200];
		snprintf(v, sizeof(v), "critical,%s", buf);
		if (add_ext(x, &ctx, NID_key_usage, v, err) == -1)
			goto out;
	}
	if (ck_issue_eku_conf(r->tmpl, buf, sizeof(buf), err) == -1)
		goto out;
	if (buf[0] && add_ext(x, &ctx, NID_ext_key_usage, buf, err) == -1)
		goto out;
	if (ck_issue_enrollee_san(r->tmpl)) {
		if (copy_csr_san(x, r->csr, err) == -1)
			goto out;
	} else if (r->san) {
		if (ck_issue_san_conf(r->san, buf, sizeof(buf), err) == -1 ||
		    add_ext(x, &ctx, NID_subject_alt_name, buf, err) == -1)
			goto out;
	}
	if (add_ext(x, &ctx, NID_subject_key_identifier, "hash", err) == -1 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err) == -1 ||
	    add_aia_cdp(x, &ctx, ca, err) == -1)
		goto out;
	if (!X509_sign(x, ca->key, md_for(ca->key))) {
		ck_err_ssl(err, CK_E_CRYPTO, "signing");
		goto out;
	}
	if ((n = i2d_X509(x, &d)) <= 0) {
		ck_err_ssl(err, CK_E_CRYPTO, "encoding");
		goto out;
	}
	if ((*der = malloc((size_t)n)) == NULL ||
	    (*subject = ck_dn_string(X509_get_subject_name(x))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*der, d, (size_t)n);
	*len = (size_t)n;
	rv = 0;
out:
	if (rv == -1) {
		free(*der);
		free(*serial);
		free(*subject);
		*der = NULL;
		*serial = NULL;
		*subject = NULL;
	}
	OPENSSL_free(d);
	X509_free(x);
	X509_NAME_free(name);
	BN_free(bn);
	return rv;
}

/* ---- CRL ---- */

int
ck_issue_crl(struct ck_ca *ca, const struct ck_ledger_revoked *rv, size_t n,
    long long number, time_t this_update, time_t next_update,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	X509_CRL *crl = NULL;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *num = NULL;
	X509V3_CTX ctx;
	X509_EXTENSION *e = NULL;
	unsigned char *d = NULL;
	int ret = -1, dl;
	size_t i;

	*der = NULL;
	if (ca->key == NULL)
		return ck_err_set(err, CK_E_USAGE, "CA key not loaded");
	if ((crl = X509_CRL_new()) == NULL || !X509_CRL_set_version(crl, 1) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) ||
	    (t = ASN1_TIME_set(NULL, this_update)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    !ASN1_TIME_set(t, next_update) || !X509_CRL_set1_nextUpdate(crl, t)) {
		ck_err_ssl(err, CK_E_CRYPTO, "building the CRL");
		goto out;
	}
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		BIGNUM *bn = NULL;
		ASN1_INTEGER *sn = NULL;
		ASN1_TIME *rt = NULL;
		time_t when;
		int code = ck_ledger_reason_code(rv[i].reason, NULL), ok;

		if (ck_time_parse(rv[i].revoked_at, &when, err) == -1) {
			X509_REVOKED_free(r);
			goto out;
		}
		ok = r && BN_hex2bn(&bn, rv[i].serial) &&
		    (sn = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
		    X509_REVOKED_set_serialNumber(r, sn) &&
		    (rt = ASN1_TIME_set(NULL, when)) != NULL &&
		    X509_REVOKED_set_revocationDate(r, rt);
		/* RFC 5280 5.3.1: reason code unspecified (0) SHOULD be absent. */
		if (ok && code > 0) {
			ASN1_ENUMERATED *en = ASN1_ENUMERATED_new();
			ok = en && ASN1_ENUMERATED_set(en, code) &&
			    X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, en, 0, 0);
			ASN1_ENUMERATED_free(en);
		}
		if (ok)
			ok = X509_CRL_add0_revoked(crl, r);
		BN_free(bn);
		ASN1_INTEGER_free(sn);
		ASN1_TIME_free(rt);
		if (!ok) {
			X509_REVOKED_free(r);
			ck_err_ssl(err, CK_E_CRYPTO, "CRL entry %s", rv[i].serial);
			goto out;
		}
	}
	X509_CRL_sort(crl);
	if ((num = ASN1_INTEGER_new()) == NULL || !ASN1_INTEGER_set_int64(num, number) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0)) {
		ck_err_ssl(err, CK_E_CRYPTO, "CRL number");
		goto out;
	}
	X509V3_set_ctx(&ctx, ca->cert, NULL, NULL, crl, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always")) == NULL || !X509_CRL_add_ext(crl, e, -1)) {
		ck_err_ssl(err, CK_E_CRYPTO, "CRL authority key identifier");
		goto out;
	}
	if (!X509_CRL_sign(crl, ca->key, md_for(ca->key))) {
		ck_err_ssl(err, CK_E_CRYPTO, "signing the CRL");
		goto out;
	}
	if ((dl = i2d_X509_CRL(crl, &d)) <= 0 || (*der = malloc((size_t)dl)) == NULL) {
		ck_err_ssl(err, CK_E_CRYPTO, "encoding the CRL");
		goto out;
	}
	memcpy(*der, d, (size_t)dl);
	*len = (size_t)dl;
	ret = 0;
out:
	X509_EXTENSION_free(e);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	OPENSSL_free(d);
	return ret;
}
