/* ck_chain: loading trust material (roots, intermediates, root hash lists). */
#include "ck_chain_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int
ck_chain_blob_certs(struct ck_chain_ctx *c, const unsigned char *buf, size_t len, STACK_OF(X509) *out,
    const char *type, const char *uri)
{
	const unsigned char *p = buf;
	X509 *x;
	BIO *b;
	int n = 0, i;
	PKCS7 *p7;

	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL && p == buf + len) {
		X509 *y = ck_chain_cache_x509(c, x, type, uri, 0);

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
			X509 *y = ck_chain_cache_x509(c, sk_X509_value(cs, i), type, uri, n);

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
		X509 *y = ck_chain_cache_x509(c, x, type, uri, n);

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
	n = ck_chain_blob_certs(c, buf, len, out, "file", path);
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

int
ck_chain_anchor_hash_known(const struct ck_chain_ctx *c, X509 *x)
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

int
ck_chain_add_crls(struct ck_chain_ctx *c, const char *path, struct ck_err *err)
{
	return ck_revoke_load_crls(path, c->crls, err);
}

int
ck_chain_add_trust(struct ck_chain_ctx *c, const struct ck_chain_trust *t, struct ck_err *err)
{
	size_t i;

	for (i = 0; i < t->nroots; i++)
		if (ck_chain_add_roots(c, t->roots[i], err) < 0)
			return ck_err_prefix(err, "'%s'", t->roots[i]);
	for (i = 0; i < t->nuntrusted; i++)
		if (ck_chain_add_untrusted(c, t->untrusted[i], err) < 0)
			return ck_err_prefix(err, "'%s'", t->untrusted[i]);
	for (i = 0; i < t->ncrls; i++)
		if (ck_chain_add_crls(c, t->crls[i], err) < 0)
			return ck_err_prefix(err, "--crl");
	if (t->system_roots && ck_chain_add_system_roots(c, err) != 0)
		return -1;
	if (t->hashes != NULL && ck_chain_load_hashes(c, t->hashes, err) < 0)
		return ck_err_prefix(err, "'%s'", t->hashes);
	return 0;
}
